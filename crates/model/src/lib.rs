//! Hairyo's plain model: the domain's nouns and codes, text handling (kana, 和暦, the My
//! Number check), pages of results, and values as the store keeps them. It knows no engine and
//! no rule; the store and the core both build on it.

/// The one version of the app, the CLI and the server (the workspace's), printed by
/// `hairyo --version` and shown in the window's 設定.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

pub mod codes;
pub mod model;
pub mod text;
pub mod value;

use serde::{Deserialize, Serialize};

/// One page of a list request. Every list in Hairyo is paged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page {
    pub offset: i64,
    pub limit: i64,
}

impl Page {
    /// The largest page any caller may ask for.
    pub const MAX_LIMIT: i64 = 500;

    /// A page with its bounds clamped to what the store serves.
    pub fn new(offset: i64, limit: i64) -> Page {
        Page { offset: offset.max(0), limit: limit.clamp(1, Self::MAX_LIMIT) }
    }
}

impl Default for Page {
    fn default() -> Self {
        Page { offset: 0, limit: 50 }
    }
}

/// A page of results with the total count, so the UI can show "1–50 / 2,000".
#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub offset: i64,
    pub limit: i64,
}

/// Stores a coded enum (`coded_enum!`) as its code: the one place the store's value traits
/// meet the domain's enums.
#[macro_export]
macro_rules! stored_as_code {
    ($name:ident) => {
        impl $crate::value::Param for $name {
            fn val(&self) -> $crate::value::Val<'_> {
                $crate::value::Val::Text(std::borrow::Cow::Borrowed(self.code()))
            }
        }

        impl $crate::value::FromVal for $name {
            fn from_val(v: $crate::value::Val<'_>) -> Result<Self, String> {
                match v {
                    $crate::value::Val::Text(s) => $name::from_code(&s).ok_or_else(|| format!("unknown {} code {s}", stringify!($name))),
                    _ => Err(format!("{} is stored as text", stringify!($name))),
                }
            }
        }
    };
}
