//! Typed arguments: clap reads each coded value and date once, with the core's own parser, so a
//! subcommand is given a `Desk` or a `NaiveDate`, never a string to parse. A value that does not
//! read is refused as the core refuses it: with the core's code where its parser has one, else
//! the code the API gives for the same field, else the module's `*.invalid` naming the field.
//! `main` prints that refusal like any other (exit 1), not as a usage error.

use chrono::NaiveDate;

use hairyo::import::Encoding;
use hairyo::text::wareki;
use hairyo::validate::FieldError;

use crate::{ErrorBody, Result};

/// A refusal of one field, shaped like the core's own `*.invalid` errors.
pub fn refusal(code: &str, field: &'static str, message: String) -> ErrorBody {
    ErrorBody { code: code.to_string(), message: message.clone(), fields: vec![FieldError { field, message }] }
}

/// A coded value read by the core's `parse`, refused with `code` on `field`.
pub fn coded<T>(code: &'static str, field: &'static str, parse: fn(&str) -> Result<T, String>) -> impl Fn(&str) -> Result<T> + Clone {
    move |s| parse(s).map_err(|message| refusal(code, field, message))
}

/// A date in any form a clerk writes (2026-08-01, R8.8.1, 令和8年8月1日 …), refused with `code`
/// on `field`.
pub fn date(code: &'static str, field: &'static str) -> impl Fn(&str) -> Result<NaiveDate> + Clone {
    move |s| wareki::parse(s).map_err(|e| refusal(code, field, e.to_string()))
}

/// A file's encoding, refused as every door refuses an unknown one (`import.bad_encoding`).
pub fn encoding(s: &str) -> Result<Encoding> {
    Ok(Encoding::named(s)?)
}

/// A typed command of the core's (a referral's action, an application's or a certificate's
/// step) as the catalogue takes it: the same tagged JSON a client sends, made by the core's own
/// serialisation, so the CLI cannot spell one differently.
pub fn command<T: serde::Serialize>(value: &T) -> Result<serde_json::Value> {
    serde_json::to_value(value).map_err(|e| ErrorBody::new("cli.json", e.to_string()))
}
