//! Values as the store keeps them, engine-neutral: SQLite's five storage classes, which
//! PostgreSQL's columns hold the same way, and the traits that turn the domain's values into
//! them and back. The store's statement layer binds and reads these; the engines' own value
//! types stay inside the store.

use std::borrow::Cow;

use chrono::{NaiveDate, NaiveDateTime};

/// One value as it is stored: SQLite's storage classes, which PostgreSQL's BIGINT, DOUBLE
/// PRECISION, TEXT and BYTEA columns hold the same way.
#[derive(Debug, Clone, PartialEq)]
pub enum Val<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(Cow<'a, str>),
    Blob(Cow<'a, [u8]>),
}

impl Val<'_> {
    fn kind(&self) -> &'static str {
        match self {
            Val::Null => "NULL",
            Val::Int(_) => "整数",
            Val::Real(_) => "実数",
            Val::Text(_) => "文字列",
            Val::Blob(_) => "バイト列",
        }
    }
}

/// A value a statement can take as a parameter.
pub trait Param {
    fn val(&self) -> Val<'_>;
}

/// A value a column can be read as.
pub trait FromVal: Sized {
    fn from_val(v: Val<'_>) -> std::result::Result<Self, String>;
}

macro_rules! int_param {
    ($($t:ty),*) => {$(
        impl Param for $t {
            fn val(&self) -> Val<'_> {
                Val::Int(*self as i64)
            }
        }
        impl FromVal for $t {
            fn from_val(v: Val<'_>) -> std::result::Result<Self, String> {
                match v {
                    Val::Int(i) => <$t>::try_from(i).map_err(|_| format!("{i} は {} に収まりません", stringify!($t))),
                    other => Err(format!("整数のはずの列が{}です", other.kind())),
                }
            }
        }
    )*};
}
int_param!(i64, i32, u32, u16, u8, usize);

impl Param for bool {
    fn val(&self) -> Val<'_> {
        Val::Int(*self as i64)
    }
}

impl FromVal for bool {
    fn from_val(v: Val<'_>) -> std::result::Result<Self, String> {
        match v {
            Val::Int(i) => Ok(i != 0),
            other => Err(format!("真偽値のはずの列が{}です", other.kind())),
        }
    }
}

impl Param for f64 {
    fn val(&self) -> Val<'_> {
        Val::Real(*self)
    }
}

impl FromVal for f64 {
    fn from_val(v: Val<'_>) -> std::result::Result<Self, String> {
        match v {
            Val::Real(f) => Ok(f),
            Val::Int(i) => Ok(i as f64),
            other => Err(format!("数値のはずの列が{}です", other.kind())),
        }
    }
}

impl Param for str {
    fn val(&self) -> Val<'_> {
        Val::Text(Cow::Borrowed(self))
    }
}

impl Param for String {
    fn val(&self) -> Val<'_> {
        Val::Text(Cow::Borrowed(self))
    }
}

impl FromVal for String {
    fn from_val(v: Val<'_>) -> std::result::Result<Self, String> {
        match v {
            Val::Text(s) => Ok(s.into_owned()),
            other => Err(format!("文字列のはずの列が{}です", other.kind())),
        }
    }
}

impl Param for [u8] {
    fn val(&self) -> Val<'_> {
        Val::Blob(Cow::Borrowed(self))
    }
}

impl Param for Vec<u8> {
    fn val(&self) -> Val<'_> {
        Val::Blob(Cow::Borrowed(self))
    }
}

impl FromVal for Vec<u8> {
    fn from_val(v: Val<'_>) -> std::result::Result<Self, String> {
        match v {
            Val::Blob(b) => Ok(b.into_owned()),
            Val::Text(s) => Ok(s.into_owned().into_bytes()),
            other => Err(format!("バイト列のはずの列が{}です", other.kind())),
        }
    }
}

/// Dates are stored as ISO 8601 text (`2026-12-01`), as SQLite's own date functions read them.
impl Param for NaiveDate {
    fn val(&self) -> Val<'_> {
        Val::Text(Cow::Owned(self.format("%F").to_string()))
    }
}

impl FromVal for NaiveDate {
    fn from_val(v: Val<'_>) -> std::result::Result<Self, String> {
        match v {
            Val::Text(s) => NaiveDate::parse_from_str(&s, "%F").map_err(|_| format!("日付として読めない値です ({s})")),
            other => Err(format!("日付のはずの列が{}です", other.kind())),
        }
    }
}

/// Times are stored as `2026-12-01 09:30:00` (with a fraction when there is one); a `T` between
/// date and time is read too.
impl Param for NaiveDateTime {
    fn val(&self) -> Val<'_> {
        Val::Text(Cow::Owned(self.format("%F %T%.f").to_string()))
    }
}

impl FromVal for NaiveDateTime {
    fn from_val(v: Val<'_>) -> std::result::Result<Self, String> {
        match v {
            Val::Text(s) => NaiveDateTime::parse_from_str(&s, "%F %T%.f")
                .or_else(|_| NaiveDateTime::parse_from_str(&s, "%FT%T%.f"))
                .map_err(|_| format!("日時として読めない値です ({s})")),
            other => Err(format!("日時のはずの列が{}です", other.kind())),
        }
    }
}

impl<T: Param + ?Sized> Param for &T {
    fn val(&self) -> Val<'_> {
        (**self).val()
    }
}

impl<T: Param> Param for Option<T> {
    fn val(&self) -> Val<'_> {
        match self {
            Some(v) => v.val(),
            None => Val::Null,
        }
    }
}

impl<T: FromVal> FromVal for Option<T> {
    fn from_val(v: Val<'_>) -> std::result::Result<Self, String> {
        match v {
            Val::Null => Ok(None),
            v => T::from_val(v).map(Some),
        }
    }
}

impl Param for Val<'_> {
    fn val(&self) -> Val<'_> {
        match self {
            Val::Null => Val::Null,
            Val::Int(i) => Val::Int(*i),
            Val::Real(f) => Val::Real(*f),
            Val::Text(s) => Val::Text(Cow::Borrowed(s)),
            Val::Blob(b) => Val::Blob(Cow::Borrowed(b)),
        }
    }
}

impl FromVal for Val<'static> {
    fn from_val(v: Val<'_>) -> std::result::Result<Self, String> {
        Ok(match v {
            Val::Null => Val::Null,
            Val::Int(i) => Val::Int(i),
            Val::Real(f) => Val::Real(f),
            Val::Text(s) => Val::Text(Cow::Owned(s.into_owned())),
            Val::Blob(b) => Val::Blob(Cow::Owned(b.into_owned())),
        })
    }
}
