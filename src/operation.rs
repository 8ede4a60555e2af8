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

/// How large a request's arguments may be, in bytes, for any operation but the file imports:
/// far above what a form sends, far below what could tire a server.
pub const ARGUMENTS_LIMIT: usize = 1024 * 1024;

/// How large a file import's request may be: a 200,000-row CSV travels as base64 inside the
/// JSON (docs/api.md).
pub const FILE_LIMIT: usize = 64 * 1024 * 1024;

/// The operations that carry a file, with the permission a staff member needs to run them.
const FILE_OPERATIONS: &[(&str, crate::access::Permission)] = &[
    ("import_persons", crate::access::Permission::ImportData),
    ("import_feed", crate::access::Permission::ImportData),
    ("import_union_results", crate::access::Permission::DecideApplication),
];

/// How many bytes of arguments `actor` may send to `name`: a file's size only for an import
/// this staff member may run, so a desk that may not import (or a mistyped name) cannot make
/// a server hold a large body; [`ARGUMENTS_LIMIT`] otherwise.
pub fn arguments_limit(name: &str, actor: &Actor) -> usize {
    match FILE_OPERATIONS.iter().find(|(op, _)| *op == name) {
        Some((_, permission)) if crate::access::can(actor, *permission) => FILE_LIMIT,
        _ => ARGUMENTS_LIMIT,
    }
}

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
    "poster_postings",
    "post_poster",
    "take_down_poster",
    "codes",
    "screen_codes",
    "city",
    "set_city",
    "save_import_profile",
    "set_desk_contact",
    "set_desk_contacts",
    "set_facility_campaign",
    "add_staff",
    "set_staff_password",
    "set_certificate_validity",
    "set_policy_rule",
    "remove_policy_rule",
    "set_leaflet_statement",
    "print",
    "export_csv",
    "export_forwarding_register",
    "import_persons",
    "import_union_results",
    "issue_certificate",
    "certificate_step",
    "move_out",
    "certificate_returns_due",
    "export_audit",
    "access_review",
    "retention_policy",
    "set_retention_policy",
    "disposal_list",
    "dispose",
    "prune_audit",
    "disposals",
    "reminders",
    "renewal_season",
    "renewal_list",
    "set_renewal_schedule",
    "export_profiles",
    "save_export_profile",
    "export_with_profile",
    "start_campaign",
    "facility_campaigns",
    "receive_campaign_returns",
    "outreach_events",
    "add_outreach_event",
    "receive_outreach_batch",
    "feed_profiles",
    "save_feed_profile",
    "import_feed",
];

/// A file an operation made (a PDF, a CSV), carried inside the JSON answer: the client saves it
/// or opens it (the window writes it to its print or export folder; a browser opens or
/// downloads it).
#[derive(Debug, serde::Serialize, ts_rs::TS)]
pub struct MadeFile {
    pub file_name: String,
    pub content_type: String,
    pub content_base64: String,
    /// A print's pages and documents, and its notes for the counter.
    pub pages: Option<usize>,
    pub documents: Option<usize>,
    pub warnings: Vec<String>,
    /// An export's rows.
    pub rows: Option<usize>,
}

impl MadeFile {
    fn new(file_name: String, content_type: &str, bytes: &[u8]) -> MadeFile {
        use base64::Engine;
        MadeFile {
            file_name,
            content_type: content_type.into(),
            content_base64: base64::engine::general_purpose::STANDARD.encode(bytes),
            pages: None,
            documents: None,
            warnings: vec![],
            rows: None,
        }
    }
}

/// The bytes of a file a client sent as base64.
fn file_bytes(name: &str, base64_text: &str) -> Result<Vec<u8>, ErrorBody> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(base64_text.trim())
        .map_err(|e| ErrorBody::new("command.invalid", format!("操作「{name}」のファイル (content_base64) を読めません: {e}")))
}

/// A refusal of one typed field, shaped like the core's own `*.invalid` errors so a client
/// puts the message next to its field.
fn field_refusal(code: &str, field: &'static str, message: String) -> ErrorBody {
    let mut e = ErrorBody::new(code, message.clone());
    e.fields = vec![crate::validate::FieldError { field, message }];
    e
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NoArgs {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RenewalListArgs {
    /// An 8/1; empty for this year's renewal.
    #[serde(default)]
    renewal_day: String,
    /// A group's code; empty for every group.
    #[serde(default)]
    group: String,
    #[serde(default)]
    offset: i64,
    #[serde(default = "default_limit")]
    limit: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScheduleArgs {
    schedule: crate::renewal::ScheduleInput,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileArgs {
    profile: crate::export::ExportProfile,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StartCampaign {
    input: crate::campaign::CampaignInput,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FeedProfileArgs {
    profile: crate::feed::FeedProfile,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ImportFeed {
    content_base64: String,
    #[serde(default)]
    encoding: String,
    #[serde(default)]
    profile: Option<String>,
    #[serde(default)]
    dry_run: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OutreachEventArgs {
    input: crate::outreach::OutreachInput,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OutreachBatch {
    id: i64,
    papers: Vec<crate::outreach::PaperApplication>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CampaignReturns {
    id: i64,
    returns: Vec<crate::campaign::ReturnInput>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Dispose {
    person_ids: Vec<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileName {
    name: String,
}

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
struct MoveOutArgs {
    person_id: i64,
    input: crate::moving::MoveOutInput,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TakeDown {
    id: i64,
    #[serde(default)]
    removed_on: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ApplicationStep {
    id: i64,
    step: Value,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetCity {
    settings: crate::settings::CitySettings,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SaveProfile {
    profile: crate::import::Profile,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetDeskContact {
    contact: crate::settings::DeskContact,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetDeskContacts {
    contacts: Vec<crate::settings::DeskContact>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetCampaign {
    id: i64,
    campaign: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LoginPassword {
    login: String,
    password: String,
    /// The current password, when the staff member changes their own.
    #[serde(default)]
    current: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetValidity {
    validity: crate::settings::ValidityInput,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetRule {
    rule: crate::policy::RuleInput,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleId {
    id: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetStatement {
    id: String,
    mode: String,
    #[serde(default)]
    text: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Print {
    request: Value,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExportCsv {
    kind: String,
    encoding: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExportRegister {
    forwarded_on: String,
    encoding: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ImportPersons {
    content_base64: String,
    encoding: String,
    #[serde(default)]
    profile: Option<String>,
    #[serde(default)]
    dry_run: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ImportUnion {
    content_base64: String,
    encoding: String,
    #[serde(default)]
    dry_run: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IssueCertificate {
    person_id: i64,
    scheme: String,
    basis: String,
    #[serde(default)]
    issued_on: String,
    #[serde(default)]
    valid_until: String,
}

/// The arguments of operation `name`, or a `command.invalid` that says what is wrong with them.
fn args<T: DeserializeOwned>(name: &str, value: Value) -> Result<T, ErrorBody> {
    // A client that sends no body means "no arguments".
    let value = if value.is_null() { Value::Object(Default::default()) } else { value };
    serde_json::from_value(value).map_err(|e| ErrorBody::new("command.invalid", format!("操作「{name}」の引数が正しくありません: {e}")))
}

/// The stored nouns an operation answers with, through the disclosure rule for the asking staff
/// member: the only way they cross the catalogue (`json` takes nothing else).
mod shown {
    use crate::disclosure::{self, Audience, Shown};
    use crate::model::staff::Actor;

    pub fn person(actor: &Actor, p: crate::person::Person) -> Shown<crate::person::Person> {
        disclosure::person(&Audience::of(actor), p)
    }
    pub fn application(actor: &Actor, a: crate::application::Application) -> Shown<crate::application::Application> {
        disclosure::application(&Audience::of(actor), a)
    }
    pub fn certificate(actor: &Actor, c: crate::certificate::Certificate) -> Shown<crate::certificate::Certificate> {
        disclosure::certificate(&Audience::of(actor), c)
    }
    pub fn certificates(actor: &Actor, l: crate::Paged<crate::certificate::Certificate>) -> crate::Paged<Shown<crate::certificate::Certificate>> {
        let audience = Audience::of(actor);
        crate::Paged { items: l.items.into_iter().map(|c| disclosure::certificate(&audience, c)).collect(), total: l.total, offset: l.offset, limit: l.limit }
    }
    pub fn campaign(actor: &Actor, c: crate::campaign::FacilityCampaign) -> Shown<crate::campaign::FacilityCampaign> {
        disclosure::facility_campaign(&Audience::of(actor), c)
    }
}

/// `set_staff_password`'s answer.
#[derive(serde::Serialize)]
struct Changed {
    changed: bool,
}

/// Answers whose types hold no protected item (no address, safe address, facility or 転出先 of
/// a protected person, no child-welfare note), or that are built only from disclosed parts by
/// the function named; each is a deliberate entry, so a new answer type is decided here.
macro_rules! crosses_as_it_is {
    ($($t:ty),+ $(,)?) => { $(impl crate::disclosure::Disclosed for $t {})+ };
}
crosses_as_it_is!(
    Changed,
    MadeFile, // its bytes were made by export, print or the audit export, each through the rule
    crate::policy::Rule,
    crate::referral::Referral,
    crate::outreach::OutreachEvent,
    crate::settings::DeskContact,
    crate::leaflet::StatementCheck,
    crate::staff::Staff,
    crate::retention::RetentionPolicy,
    crate::retention::DisposalList,
    crate::retention::Disposed,
    crate::retention::AuditPruned,
    crate::retention::DisposalRecord,
    crate::renewal::RenewalSeason,
    crate::renewal::RenewalList,
    crate::import::Profile,
    crate::import::Report,
    crate::leaflet::Posting,
    crate::leaflet::Postings,
    crate::feed::FeedProfile,
    crate::feed::FeedReport, // import_feed: insurer supervisors, who see protected whereabouts
    crate::facility::Facility,
    crate::export::ExportProfile,
    crate::settings::CitySettings,
    crate::settings::CertificateValidity,
    crate::kouki::UnionImportReport,
    crate::forms::Codes,
    crate::forms::ScreenCodes,
    crate::access_review::AccessReview,
    crate::person::PersonSummary, // made only by person::summary, through the place rule
    crate::search::Results,       // its hits are PersonSummary
    crate::record::PersonRecord,  // built by record::show from disclosed parts
    crate::touchpoint::Recorded,  // the recording desk's own touchpoint
    crate::application::Received, // receive_application: the insurer desks
    crate::home::Home,            // waiting applications only for the insurer desks
    crate::reminder::Reminders,   // applications and certificates only for the insurer desks; campaigns through the rule
    crate::moving::MovedOut,      // move_out: the insurer desks, who see the 転出先
);

/// An answer as JSON: only a type the disclosure rule lets cross (see
/// [`crate::disclosure::Disclosed`]; the stored nouns cross as `Shown<…>`).
fn json<T: crate::disclosure::Disclosed>(value: T) -> Result<Value, ErrorBody> {
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
            json(shown::person(actor, crate::person::add(store, actor, &a.input, now)?))
        }
        "update_person" => {
            let a: UpdatePerson = args(name, arguments)?;
            json(shown::person(actor, crate::person::update(store, actor, a.id, &a.patch, now)?))
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
            let filter =
                crate::referral::QueueFilter::parse(a.status.as_deref().unwrap_or("")).map_err(|message| ErrorBody::new("referral.invalid", message))?;
            let queue: Paged<crate::referral::Referral> = crate::referral::queue(store, actor, filter, page(a.offset, a.limit), now)?;
            json(queue)
        }
        "receive_application" => {
            let a: Input<crate::application::ApplicationInput> = args(name, arguments)?;
            json(crate::application::receive(store, actor, &a.input, now)?)
        }
        "check_document" => {
            let a: CheckDocument = args(name, arguments)?;
            let doc = crate::application::Document::parse(&a.document).map_err(|message| ErrorBody::new("application.invalid", message))?;
            json(shown::application(actor, crate::application::check_document(store, actor, a.id, doc, a.checked, now)?))
        }
        "application_step" => {
            let a: ApplicationStep = args(name, arguments)?;
            let step: crate::application::ApplicationStep = crate::command::decode("申請の操作", "step", a.step)?;
            json(shown::application(actor, crate::application::take_step(store, actor, a.id, &step, now)?))
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
        "poster_postings" => {
            args::<NoArgs>(name, arguments)?;
            json(crate::leaflet::postings(store, actor, now)?)
        }
        "post_poster" => {
            let a: Input<crate::leaflet::PostingInput> = args(name, arguments)?;
            json(crate::leaflet::post_poster(store, actor, &a.input, now)?)
        }
        "take_down_poster" => {
            let a: TakeDown = args(name, arguments)?;
            json(crate::leaflet::take_down_poster(store, actor, a.id, &a.removed_on, now)?)
        }
        "leaflet_statements" => {
            args::<NoArgs>(name, arguments)?;
            json(crate::leaflet::check_all_statements(store, actor, now)?)
        }
        "codes" => {
            args::<NoArgs>(name, arguments)?;
            crate::access::require(actor, crate::access::Permission::ViewPerson).map_err(ErrorBody::from)?;
            json(crate::forms::codes())
        }
        "screen_codes" => {
            args::<NoArgs>(name, arguments)?;
            crate::access::require(actor, crate::access::Permission::ViewPerson).map_err(ErrorBody::from)?;
            json(crate::forms::screen_codes())
        }
        "city" => {
            args::<NoArgs>(name, arguments)?;
            crate::access::require(actor, crate::access::Permission::ViewPerson).map_err(ErrorBody::from)?;
            json(crate::settings::public_city(store)?)
        }
        "set_city" => {
            let a: SetCity = args(name, arguments)?;
            json(crate::settings::set_city(store, actor, &a.settings, now)?)
        }
        "save_import_profile" => {
            let a: SaveProfile = args(name, arguments)?;
            crate::import::save_profile(store, actor, &a.profile, now)?;
            json(crate::import::profiles(store, actor, now)?)
        }
        "set_desk_contact" => {
            let a: SetDeskContact = args(name, arguments)?;
            json(crate::settings::set_desk_contact(store, actor, &a.contact, now)?)
        }
        "set_desk_contacts" => {
            let a: SetDeskContacts = args(name, arguments)?;
            json(crate::settings::set_desk_contacts(store, actor, &a.contacts, now)?)
        }
        "set_facility_campaign" => {
            let a: SetCampaign = args(name, arguments)?;
            let campaign = crate::facility::Campaign::parse(&a.campaign).map_err(|m| field_refusal("facility.invalid", "campaign", m))?;
            json(crate::facility::set_campaign(store, actor, a.id, campaign, now)?)
        }
        "add_staff" => {
            let a: Input<crate::staff::StaffInput> = args(name, arguments)?;
            crate::staff::add_with_password(store, actor, &a.input, now)?;
            json(crate::staff::list(store, actor, now)?)
        }
        "set_staff_password" => {
            let a: LoginPassword = args(name, arguments)?;
            crate::staff::set_password(store, actor, &a.login, &a.password, a.current.as_deref(), now)?;
            json(Changed { changed: true })
        }
        "set_certificate_validity" => {
            let a: SetValidity = args(name, arguments)?;
            crate::settings::set_certificate_validity(store, actor, &a.validity, now)?;
            json(crate::settings::certificate_validity(store, actor, now)?)
        }
        "set_policy_rule" => {
            let a: SetRule = args(name, arguments)?;
            let rule = crate::policy::parse_rule(&a.rule)?;
            crate::policy::set_rule(store, actor, &rule, now)?;
            json(crate::policy::list_rules(store, actor, now)?)
        }
        "remove_policy_rule" => {
            let a: RuleId = args(name, arguments)?;
            crate::policy::remove_rule(store, actor, &a.id, now)?;
            json(crate::policy::list_rules(store, actor, now)?)
        }
        "set_leaflet_statement" => {
            let a: SetStatement = args(name, arguments)?;
            let mode = crate::leaflet::StatementMode::parse(&a.mode).map_err(|m| field_refusal("leaflet.invalid", "mode", m))?;
            crate::leaflet::set_statement(store, actor, &a.id, mode, a.text.as_deref(), now)?;
            json(crate::leaflet::check_all_statements(store, actor, now)?)
        }
        "print" => {
            let a: Print = args(name, arguments)?;
            let request: crate::print::PrintRequest = crate::command::decode("印刷の種類", "kind", a.request)?;
            let printed = crate::print::print(store, actor, &request, now, &mut |_| {})?;
            let file_name = format!("{}-{}.pdf", request.file_stem(), now.format("%Y%m%d-%H%M%S"));
            let mut file = MadeFile::new(file_name, "application/pdf", &printed.bytes);
            (file.pages, file.documents, file.warnings) = (Some(printed.pages), Some(printed.documents), printed.warnings);
            json(file)
        }
        "export_csv" => {
            let a: ExportCsv = args(name, arguments)?;
            let kind = crate::export::ExportKind::parse(&a.kind).map_err(|m| field_refusal("export.invalid", "kind", m))?;
            let encoding = crate::import::Encoding::parse(&a.encoding).map_err(|m| field_refusal("export.invalid", "encoding", m))?;
            let (bytes, rows) = crate::export::export(store, actor, kind, encoding, now)?;
            let mut file = MadeFile::new(format!("{}-{}.csv", kind.code(), now.format("%Y%m%d-%H%M%S")), "text/csv", &bytes);
            file.rows = Some(rows);
            json(file)
        }
        "export_forwarding_register" => {
            let a: ExportRegister = args(name, arguments)?;
            let day = crate::validate::date_on("進達日", &a.forwarded_on, now.date()).map_err(|m| field_refusal("export.invalid", "forwarded_on", m))?;
            let encoding = crate::import::Encoding::parse(&a.encoding).map_err(|m| field_refusal("export.invalid", "encoding", m))?;
            let (bytes, rows) = crate::kouki::forwarding_register_csv(store, actor, day, encoding, now)?;
            let mut file = MadeFile::new(format!("forwarding-register-{day}-{}.csv", now.format("%Y%m%d-%H%M%S")), "text/csv", &bytes);
            file.rows = Some(rows);
            json(file)
        }
        "import_persons" => {
            let a: ImportPersons = args(name, arguments)?;
            let bytes = file_bytes(name, &a.content_base64)?;
            let encoding = crate::import::Encoding::parse(&a.encoding).map_err(|m| ErrorBody::new("import.bad_encoding", m))?;
            let opts = crate::import::Options { encoding: Some(encoding), profile: a.profile.filter(|p| !p.is_empty()), dry_run: a.dry_run };
            json(crate::import::import_persons(store, actor, &bytes, &opts, now, &mut |_, _| {})?)
        }
        "import_union_results" => {
            let a: ImportUnion = args(name, arguments)?;
            let bytes = file_bytes(name, &a.content_base64)?;
            let encoding = crate::import::Encoding::parse(&a.encoding).map_err(|m| field_refusal("import.invalid", "encoding", m))?;
            let opts = crate::kouki::UnionImportOptions { encoding: Some(encoding), dry_run: a.dry_run };
            json(crate::kouki::import_union_results(store, actor, &bytes, &opts, now)?)
        }
        "move_out" => {
            let a: MoveOutArgs = args(name, arguments)?;
            json(crate::moving::move_out(store, actor, a.person_id, &a.input, now)?)
        }
        "certificate_step" => {
            let a: ApplicationStep = args(name, arguments)?;
            let step: crate::certificate::CertificateStep = crate::command::decode("資格確認書の操作", "step", a.step)?;
            json(shown::certificate(actor, crate::certificate::take_step(store, actor, a.id, &step, now)?))
        }
        "certificate_returns_due" => {
            let a: PageArgs = args(name, arguments)?;
            json(shown::certificates(actor, crate::certificate::returns_due(store, actor, page(a.offset, a.limit), now)?))
        }
        "issue_certificate" => {
            let a: IssueCertificate = args(name, arguments)?;
            let scheme = crate::application::AppScheme::parse(&a.scheme).map_err(|m| field_refusal("certificate.invalid", "scheme", m))?;
            let basis = crate::certificate::CertificateBasis::parse(&a.basis).map_err(|m| field_refusal("certificate.invalid", "basis", m))?;
            // An empty date is today; any other must read as a date.
            let day = |field: &'static str, label: &str, text: &str| -> Result<Option<chrono::NaiveDate>, ErrorBody> {
                if text.trim().is_empty() {
                    return Ok(None);
                }
                crate::validate::date(label, text).map(Some).map_err(|m| field_refusal("certificate.invalid", field, m))
            };
            let issued_on = day("issued_on", "交付日", &a.issued_on)?.unwrap_or(now.date());
            let valid_until = day("valid_until", "有効期限", &a.valid_until)?;
            json(shown::certificate(
                actor,
                crate::certificate::issue_without_application(store, actor, a.person_id, scheme, basis, issued_on, valid_until, now)?,
            ))
        }
        "reminders" => {
            args::<NoArgs>(name, arguments)?;
            json(crate::reminder::due(store, actor, crate::reminder::Window::default(), now)?)
        }
        "renewal_season" => {
            args::<NoArgs>(name, arguments)?;
            json(crate::renewal::season(store, actor, now)?)
        }
        "renewal_list" => {
            let a: RenewalListArgs = args(name, arguments)?;
            let day = if a.renewal_day.trim().is_empty() {
                None
            } else {
                Some(crate::validate::date_on("年次更新日", &a.renewal_day, now.date()).map_err(|m| field_refusal("renewal.invalid", "renewal_day", m))?)
            };
            let group = if a.group.trim().is_empty() {
                None
            } else {
                Some(crate::renewal::RenewalGroup::parse(&a.group).map_err(|m| field_refusal("renewal.invalid", "group", m))?)
            };
            json(crate::renewal::spring_list(store, actor, day, group, page(a.offset, a.limit), now)?)
        }
        "set_renewal_schedule" => {
            let a: ScheduleArgs = args(name, arguments)?;
            json(crate::renewal::set_schedule(store, actor, &a.schedule, now)?)
        }
        "export_profiles" => {
            args::<NoArgs>(name, arguments)?;
            json(crate::export::profiles(store, actor, now)?)
        }
        "save_export_profile" => {
            let a: ProfileArgs = args(name, arguments)?;
            crate::export::save_profile(store, actor, &a.profile, now)?;
            json(crate::export::profiles(store, actor, now)?)
        }
        "export_with_profile" => {
            let a: ProfileName = args(name, arguments)?;
            let (bytes, rows, profile) = crate::export::export_with_profile(store, actor, &a.name, now)?;
            let mut file = MadeFile::new(format!("{}-{}.csv", profile.kind.code(), now.format("%Y%m%d-%H%M%S")), "text/csv", &bytes);
            file.rows = Some(rows);
            json(file)
        }
        "start_campaign" => {
            let a: StartCampaign = args(name, arguments)?;
            json(shown::campaign(actor, crate::campaign::start(store, actor, &a.input, now)?))
        }
        "facility_campaigns" => {
            let a: Id = args(name, arguments)?;
            json(crate::campaign::of_facility(store, actor, a.id, now)?.into_iter().map(|c| shown::campaign(actor, c)).collect::<Vec<_>>())
        }
        "receive_campaign_returns" => {
            let a: CampaignReturns = args(name, arguments)?;
            json(shown::campaign(actor, crate::campaign::receive_returns(store, actor, a.id, &a.returns, now)?))
        }
        "feed_profiles" => {
            args::<NoArgs>(name, arguments)?;
            json(crate::feed::profiles(store, actor, now)?)
        }
        "save_feed_profile" => {
            let a: FeedProfileArgs = args(name, arguments)?;
            crate::feed::save_profile(store, actor, &a.profile, now)?;
            json(crate::feed::profiles(store, actor, now)?)
        }
        "import_feed" => {
            let a: ImportFeed = args(name, arguments)?;
            let bytes = file_bytes(name, &a.content_base64)?;
            let encoding = if a.encoding.trim().is_empty() {
                crate::import::Encoding::Auto
            } else {
                crate::import::Encoding::parse(&a.encoding).map_err(|m| ErrorBody::new("import.bad_encoding", m))?
            };
            json(crate::feed::import_feed(store, actor, &bytes, encoding, a.profile.as_deref().filter(|p| !p.is_empty()), a.dry_run, now)?)
        }
        "outreach_events" => {
            let a: PageArgs = args(name, arguments)?;
            json(crate::outreach::events(store, actor, page(a.offset, a.limit), now)?)
        }
        "add_outreach_event" => {
            let a: OutreachEventArgs = args(name, arguments)?;
            json(crate::outreach::add_event(store, actor, &a.input, now)?)
        }
        "receive_outreach_batch" => {
            let a: OutreachBatch = args(name, arguments)?;
            json(crate::outreach::receive_batch(store, actor, a.id, &a.papers, now)?)
        }
        "export_audit" => {
            args::<NoArgs>(name, arguments)?;
            let bytes = crate::audit::export_csv(store, actor, now)?;
            json(MadeFile::new(format!("audit-{}.csv", now.format("%Y%m%d-%H%M%S")), "text/csv", &bytes))
        }
        "retention_policy" => {
            args::<NoArgs>(name, arguments)?;
            json(crate::retention::policy(store, actor, now)?)
        }
        "set_retention_policy" => {
            let a: Input<crate::retention::RetentionInput> = args(name, arguments)?;
            json(crate::retention::set_policy(store, actor, &a.input, now)?)
        }
        "disposal_list" => {
            args::<NoArgs>(name, arguments)?;
            json(crate::retention::disposal_list(store, actor, now)?)
        }
        "dispose" => {
            let a: Dispose = args(name, arguments)?;
            json(crate::retention::dispose(store, actor, &a.person_ids, now)?)
        }
        "prune_audit" => {
            args::<NoArgs>(name, arguments)?;
            json(crate::retention::prune_audit(store, actor, now)?)
        }
        "disposals" => {
            let a: PageArgs = args(name, arguments)?;
            json(crate::retention::disposals(store, actor, page(a.offset, a.limit), now)?)
        }
        "access_review" => {
            let a: Input<crate::access_review::AccessQuery> = args(name, arguments)?;
            json(crate::access_review::review(store, actor, &a.input, now)?)
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
