//! The person table: insert, update, load, summaries and lists.
