//! Counts over the whole database.
