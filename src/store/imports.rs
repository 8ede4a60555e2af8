//! Bulk import: batched inserts, column-wise updates, the index tricks of a large load, import profiles.
