//! Facilities (施設): the stored record.
