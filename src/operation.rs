//! Every operation a desk's client may ask for, by name, with its arguments as JSON: the
//! catalogue the HTTP API (`hairyo serve`, `POST /api/<name>`) answers from. Each entry decodes
//! its arguments (unknown fields and unknown codes are refused, never defaulted), calls one core
//! function with the acting staff member and `now`, and returns the result as JSON; the core
//! function checks access itself. The names and argument names are the window's IPC commands',
//! so one client transport can speak to either.

use chrono::NaiveDateTime;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

use crate::codes::ErrorBody;
use crate::model::staff::Actor;
use crate::store::Store;
use crate::{Page, Paged};

/// The operations [`call`] knows, in the order docs/api.md lists them.
pub const NAMES: &[&str] = &[
    "home",
    "list_persons",
    "search_persons",
    "show_person",
    "add_person",
    "update_person",
    "add_touchpoint",
    "send_referral",
    "referral_action",
    "referral_queue",
    "receive_application",
    "check_document",
    "application_step",
    "list_facilities",
    "desk_contacts",
    "import_profiles",
    "list_staff",
    "certificate_validity",
    "policy_rules",
    "leaflet_statements",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NoArgs {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PageArgs {
    #[serde(default)]
    offset: i64,
    #[serde(default = "default_limit")]
    limit: i64,
}

fn default_limit() -> i64 {
    50
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListPersons {
    #[serde(default)]
    query: Option<String>,
    #[serde(default)]
    offset: i64,
    #[serde(default = "default_limit")]
    limit: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SearchPersons {
    query: String,
    #[serde(default)]
    offset: i64,
    #[serde(default = "default_limit")]
    limit: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Id {
    id: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Input<T> {
    input: T,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UpdatePerson {
    id: i64,
    patch: crate::person::PersonPatch,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReferralAction {
    id: i64,
    action: Value,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReferralQueue {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    offset: i64,
    #[serde(default = "default_limit")]
    limit: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckDocument {
    id: i64,
    document: String,
    checked: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ApplicationStep {
    id: i64,
    step: Value,
}

/// The arguments of operation `name`, or a `command.invalid` that says what is wrong with them.
fn args<T: DeserializeOwned>(name: &str, value: Value) -> Result<T, ErrorBody> {
    // A client that sends no body means "no arguments".
    let value = if value.is_null() { Value::Object(Default::default()) } else { value };
    serde_json::from_value(value).map_err(|e| ErrorBody::new("command.invalid", format!("操作「{name}」の引数が正しくありません: {e}")))
}

fn json<T: serde::Serialize>(value: T) -> Result<Value, ErrorBody> {
    serde_json::to_value(value).map_err(|e| ErrorBody::new("operation.encode", format!("結果を JSON にできません: {e}")))
}

fn page(offset: i64, limit: i64) -> Page {
    Page::new(offset, limit)
}

/// Runs operation `name` for `actor` at `now`. An unknown name is refused with
/// `command.unknown`, naming the operations there are.
pub fn call(store: &mut Store, actor: &Actor, name: &str, arguments: Value, now: NaiveDateTime) -> Result<Value, ErrorBody> {
    match name {
        "home" => {
            args::<NoArgs>(name, arguments)?;
            json(crate::home::summary(store, actor, now)?)
        }
        "list_persons" => {
            let a: ListPersons = args(name, arguments)?;
            let filter = crate::person::PersonFilter { query: a.query, ..Default::default() };
            json(crate::person::list(store, actor, &filter, page(a.offset, a.limit), now)?)
        }
        "search_persons" => {
            let a: SearchPersons = args(name, arguments)?;
            json(crate::search::search(store, actor, &a.query, page(a.offset, a.limit), now)?)
        }
        "show_person" => {
            let a: Id = args(name, arguments)?;
            json(crate::record::show(store, actor, a.id, now)?)
        }
        "add_person" => {
            let a: Input<crate::person::PersonInput> = args(name, arguments)?;
            json(crate::person::add(store, actor, &a.input, now)?)
        }
        "update_person" => {
            let a: UpdatePerson = args(name, arguments)?;
            json(crate::person::update(store, actor, a.id, &a.patch, now)?)
        }
        "add_touchpoint" => {
            let a: Input<crate::touchpoint::TouchpointInput> = args(name, arguments)?;
            json(crate::touchpoint::add(store, actor, &a.input, now)?)
        }
        "send_referral" => {
            let a: Input<crate::referral::ReferralInput> = args(name, arguments)?;
            json(crate::referral::send(store, actor, &a.input, now)?)
        }
        "referral_action" => {
            let a: ReferralAction = args(name, arguments)?;
            let action: crate::referral::ReferralAction = crate::command::decode("連携依頼の操作", "action", a.action)?;
            json(crate::referral::act(store, actor, a.id, &action, now)?)
        }
        "referral_queue" => {
            let a: ReferralQueue = args(name, arguments)?;
            // An unknown status is refused, not read as "every status".
            let status = match a.status.as_deref().filter(|s| !s.is_empty()) {
                Some(code) => Some(crate::referral::ReferralStatus::parse(code).map_err(|message| ErrorBody::new("referral.invalid", message))?),
                None => None,
            };
            let queue: Paged<crate::referral::Referral> = crate::referral::queue(store, actor, status, page(a.offset, a.limit), now)?;
            json(queue)
        }
        "receive_application" => {
            let a: Input<crate::application::ApplicationInput> = args(name, arguments)?;
            json(crate::application::receive(store, actor, &a.input, now)?)
        }
        "check_document" => {
            let a: CheckDocument = args(name, arguments)?;
            let doc = crate::application::Document::parse(&a.document).map_err(|message| ErrorBody::new("application.invalid", message))?;
            json(crate::application::check_document(store, actor, a.id, doc, a.checked, now)?)
        }
        "application_step" => {
            let a: ApplicationStep = args(name, arguments)?;
            let step: crate::application::ApplicationStep = crate::command::decode("申請の操作", "step", a.step)?;
            json(crate::application::take_step(store, actor, a.id, &step, now)?)
        }
        "list_facilities" => {
            let a: PageArgs = args(name, arguments)?;
            json(crate::facility::list(store, actor, page(a.offset, a.limit), now)?)
        }
        "desk_contacts" => {
            args::<NoArgs>(name, arguments)?;
            json(crate::settings::desk_contacts(store, actor, now)?)
        }
        "import_profiles" => {
            args::<NoArgs>(name, arguments)?;
            json(crate::import::profiles(store, actor, now)?)
        }
        "list_staff" => {
            args::<NoArgs>(name, arguments)?;
            json(crate::staff::list(store, actor, now)?)
        }
        "certificate_validity" => {
            args::<NoArgs>(name, arguments)?;
            json(crate::settings::certificate_validity(store, actor, now)?)
        }
        "policy_rules" => {
            args::<NoArgs>(name, arguments)?;
            json(crate::policy::list_rules(store, actor, now)?)
        }
        "leaflet_statements" => {
            args::<NoArgs>(name, arguments)?;
            json(crate::leaflet::check_all_statements(store, actor, now)?)
        }
        _ => Err(ErrorBody::new("command.unknown", format!("操作「{name}」はありません。次のいずれかを指定してください: {}", NAMES.join(", ")))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_name_is_answered_and_nothing_else() {
        let mut store = crate::store::open_in_memory().unwrap();
        let now = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap().and_hms_opt(9, 0, 0).unwrap();
        let admin = crate::staff::init(&mut store, now).unwrap();
        for name in NAMES {
            // Either an answer or the operation's own refusal of missing arguments: never
            // "unknown".
            if let Err(e) = call(&mut store, &admin, name, Value::Null, now) {
                assert_ne!(e.code, "command.unknown", "{name}");
            }
        }
        let api = include_str!("../docs/api.md");
        for name in NAMES {
            assert!(api.contains(&format!("| `{name}` |")), "docs/api.md does not list {name}");
        }
        let e = call(&mut store, &admin, "drop_everything", Value::Null, now).unwrap_err();
        assert_eq!(e.code, "command.unknown");
        let e = call(&mut store, &admin, "home", serde_json::json!({"desk": "kokuho"}), now).unwrap_err();
        assert_eq!(e.code, "command.invalid", "unknown arguments are refused: {e:?}");
    }
}
