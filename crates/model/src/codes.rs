//! Coded enums: domain values stored as stable codes and shown in Japanese.

/// Declares an enum whose variants each have a stable storage code (used in SQLite, the CLI and
/// the IPC) and a Japanese label (shown to clerks and printed). `from_code` accepts either.
#[macro_export]
macro_rules! coded_enum {
    ($(#[$meta:meta])* $vis:vis enum $name:ident ($what:literal) { $($(#[$vmeta:meta])* $variant:ident = ($code:literal, $label:literal)),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize, ts_rs::TS)]
        #[serde(rename_all = "snake_case")]
        $vis enum $name { $($(#[$vmeta])* $variant),+ }

        impl $crate::codes::CodedEnum for $name {
            fn all() -> &'static [Self] {
                Self::ALL
            }
            fn code(self) -> &'static str {
                $name::code(self)
            }
            fn label(self) -> &'static str {
                $name::label(self)
            }
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// Accepts the storage code or the Japanese label.
            pub fn from_code(s: &str) -> Option<$name> {
                let s = s.trim();
                Self::ALL.iter().copied().find(|v| v.code() == s || v.label() == s)
            }

            /// Like `from_code`, with a Japanese message listing the choices.
            pub fn parse(s: &str) -> Result<$name, String> {
                Self::from_code(s).ok_or_else(|| {
                    let choices: Vec<String> = Self::ALL.iter().map(|v| format!("{} ({})", v.code(), v.label())).collect();
                    format!("{}「{}」は選べません。次のいずれかを指定してください: {}", $what, s.trim(), choices.join(", "))
                })
            }
        }

        $crate::stored_as_code!($name);
    };
}

/// What every coded enum offers, so a shell can list its choices without a macro of its own.
pub trait CodedEnum: Copy + 'static {
    fn all() -> &'static [Self];
    fn code(self) -> &'static str;
    fn label(self) -> &'static str;
}

/// A code and its Japanese label, for a select box.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct Choice {
    pub code: &'static str,
    pub label: &'static str,
}

/// Every value of a coded enum as a choice, in declaration order.
pub fn choices<T: CodedEnum>() -> Vec<Choice> {
    T::all().iter().map(|v| Choice { code: v.code(), label: v.label() }).collect()
}
