//! The search indexes (FTS5 trigram and one-character tables) and their queries.
