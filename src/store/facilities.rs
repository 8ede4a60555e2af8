//! Facilities and their campaign status.
