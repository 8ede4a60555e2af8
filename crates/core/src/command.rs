//! Typed commands at a boundary: the window's IPC and the CLI send steps, actions and print
//! requests as serde-tagged enums, and a value the core does not know is refused with a coded
//! error that names it, never taken as some default action.

use serde::de::DeserializeOwned;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    #[error("{what}「{value}」はありません。次のいずれかを指定してください: {expected}")]
    Unknown { what: &'static str, value: String, expected: String },
    /// A value inside a known command (a cause, a leaflet) that is not one of its choices.
    #[error("{what}の値「{value}」は選べません。次のいずれかを指定してください: {expected}")]
    UnknownValue { what: &'static str, value: String, expected: String },
    #[error("{what}の指定が正しくありません: {detail}")]
    Invalid { what: &'static str, detail: String },
}

impl CommandError {
    pub fn code(&self) -> &'static str {
        match self {
            CommandError::Unknown { .. } => "command.unknown",
            CommandError::UnknownValue { .. } => "command.unknown_value",
            CommandError::Invalid { .. } => "command.invalid",
        }
    }
}

/// Reads a tagged command (`{"step": "decide", …}`) from JSON. `what` names the kind of
/// command in Japanese (申請の操作, 印刷の種類 …) for the message.
pub fn decode<T: DeserializeOwned>(what: &'static str, tag: &str, value: serde_json::Value) -> Result<T, CommandError> {
    let has_tag = value.get(tag).is_some();
    let tag_value = value.get(tag).and_then(|v| v.as_str()).map(str::to_string);
    serde_json::from_value(value).map_err(|e| {
        let detail = e.to_string();
        // serde says "unknown variant `x`, expected one of `a`, `b`" both for the tag and for a
        // coded field inside the command (a leaflet, say); either way it names the value.
        if let Some(rest) = detail.strip_prefix("unknown variant `") {
            if let Some((value, tail)) = rest.split_once('`') {
                let expected = tail.split_once("expected ").map(|(_, list)| list.replace('`', "")).unwrap_or_default();
                // The step itself is unknown only when the unknown value is the tag's; any other
                // is a field's value inside a step that exists.
                return if tag_value.as_deref() == Some(value) {
                    CommandError::Unknown { what, value: value.to_string(), expected }
                } else {
                    CommandError::UnknownValue { what, value: value.to_string(), expected }
                };
            }
        }
        if !has_tag {
            return CommandError::Invalid { what, detail: format!("「{tag}」がありません") };
        }
        CommandError::Invalid { what, detail }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::application::ApplicationStep;

    #[test]
    fn an_unknown_step_is_refused_by_name() {
        let e = decode::<ApplicationStep>("申請の操作", "step", serde_json::json!({"step": "approve_all"})).unwrap_err();
        assert_eq!(e.code(), "command.unknown");
        assert!(e.to_string().contains("「approve_all」"), "{e}");
        assert!(e.to_string().contains("issue"), "the choices are listed: {e}");
        let e = decode::<ApplicationStep>("申請の操作", "step", serde_json::json!({"reason": "x"})).unwrap_err();
        assert_eq!(e.code(), "command.invalid");
        let e = decode::<ApplicationStep>("申請の操作", "step", serde_json::json!({"step": "reject"})).unwrap_err();
        assert_eq!(e.code(), "command.invalid", "a step without its reason: {e}");
        let e = decode::<crate::print::PrintRequest>("印刷の種類", "kind", serde_json::json!({"kind": "leaflet", "leaflet": "bessou9"})).unwrap_err();
        assert!(e.to_string().contains("「bessou9」"), "{e}");
        assert_eq!(e.code(), "command.unknown_value", "the print kind exists; its leaflet does not: {e}");
        // An unknown cause of a step that exists names the value, not the step.
        let e =
            decode::<crate::certificate::CertificateStep>("資格確認書の操作", "step", serde_json::json!({"step": "reissue", "cause": "forgot"})).unwrap_err();
        assert_eq!(e.code(), "command.unknown_value");
        assert!(e.to_string().contains("値「forgot」") && e.to_string().contains("lost"), "{e}");
        assert_eq!(
            decode::<ApplicationStep>("申請の操作", "step", serde_json::json!({"step": "withdraw", "reason": "本人の希望"})).unwrap(),
            ApplicationStep::Withdraw { reason: "本人の希望".into(), confirmed_digits: false }
        );
    }
}
