//! The error every command returns: `{code, message, fields}`, so the UI branches on `code`,
//! shows the Japanese `message`, and puts each field error next to its field.

use hairyo::codes::Coded;
use hairyo::validate::FieldError;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct CmdError {
    pub code: String,
    pub message: String,
    pub fields: Vec<FieldError>,
}

impl<E: Coded> From<E> for CmdError {
    fn from(e: E) -> Self {
        CmdError {
            code: e.code().to_string(),
            message: e.to_string(),
            fields: e.invalid().map(|i| i.0.clone()).unwrap_or_default(),
        }
    }
}
