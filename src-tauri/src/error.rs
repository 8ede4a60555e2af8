//! The error every command returns: the core's `{code, message, fields}` body, so the UI
//! branches on `code`, shows the Japanese `message`, and puts each field error next to its field.

pub use hairyo::codes::ErrorBody as CmdError;
