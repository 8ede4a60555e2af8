//! The queries behind CSV exports.
