//! The commands of the record's closing steps, 施設, 設定 and 出力. Like `commands.rs`, each one
//! only adapts: it parses what the window typed into the core's types, calls one core function
//! and returns its result. Who may do what, and every rule about the values, is the core's.

use hairyo::facility::{Campaign, Facility};
use hairyo::leaflet::{StatementCheck, StatementMode};
use hairyo::policy::{RouteKind, Rule, RuleInput};
use hairyo::staff::{Role, Staff, StaffInput};
use hairyo::validate::FieldError;
use serde::Serialize;
use tauri::State;

use crate::error::CmdError;
use crate::state::{now, Shell};
use hairyo::codes::{choices, Choice};

/// A refusal of one or more typed fields, shaped like the core's own `*.invalid` errors so the
/// window puts each message next to its field.
fn invalid(code: &str, fields: Vec<FieldError>) -> CmdError {
    let message = fields.iter().map(|f| f.message.as_str()).collect::<Vec<_>>().join("。");
    CmdError { code: code.into(), message, fields }
}

/// Parses a code from a select box; a code the core does not know is a field error.
fn parse_code<T>(parse: fn(&str) -> Result<T, String>, field: &'static str, value: &str, errors: &mut Vec<FieldError>) -> Option<T> {
    parse(value).map_err(|message| errors.push(FieldError { field, message })).ok()
}

/// The choices of the settings, facility and export screens, from the core's coded enums.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct ScreenCodes {
    pub campaigns: Vec<Choice>,
    pub roles: Vec<Choice>,
    pub schemes: Vec<Choice>,
    pub routes: Vec<Choice>,
    pub statement_modes: Vec<Choice>,
    pub export_kinds: Vec<Choice>,
    pub encodings: Vec<Choice>,
    /// The import's columns in the default order, for the profile editor.
    pub import_columns: Vec<ImportColumn>,
}

/// A column of the person import: the key of a profile's mapping, its Japanese name (also the
/// default header) and whether every file must have it.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct ImportColumn {
    pub column: hairyo::import::Column,
    pub label: &'static str,
    pub required: bool,
}

#[tauri::command(async)]
pub fn screen_codes() -> ScreenCodes {
    ScreenCodes {
        campaigns: choices::<Campaign>(),
        roles: choices::<Role>(),
        schemes: choices::<hairyo::person::Scheme>(),
        routes: choices::<RouteKind>(),
        statement_modes: choices::<StatementMode>(),
        export_kinds: choices::<hairyo::export::ExportKind>(),
        encodings: choices::<hairyo::import::Encoding>(),
        import_columns: hairyo::import::DEFAULT_LAYOUT
            .iter()
            .map(|c| ImportColumn { column: *c, label: c.label(), required: hairyo::import::REQUIRED.contains(c) })
            .collect(),
    }
}

#[tauri::command(async)]
pub fn set_facility_campaign(state: State<'_, Shell>, id: i64, campaign: String) -> Result<Facility, CmdError> {
    let app = state.app()?;
    let actor = app.actor()?;
    let mut errors = Vec::new();
    let Some(campaign) = parse_code(Campaign::parse, "campaign", &campaign, &mut errors) else {
        return Err(invalid("facility.invalid", errors));
    };
    app.with_store(|s| hairyo::facility::set_campaign(s, &actor, id, campaign, now()))
}

#[tauri::command(async)]
pub fn list_staff(state: State<'_, Shell>) -> Result<Vec<Staff>, CmdError> {
    let app = state.app()?;
    let actor = app.actor()?;
    app.with_store(|s| hairyo::staff::list(s, &actor, now()))
}

/// Adds a staff member with the first password (`staff::add_with_password` checks every field
/// before anything is stored) and answers with the new list.
#[tauri::command(async)]
pub fn add_staff(state: State<'_, Shell>, input: StaffInput) -> Result<Vec<Staff>, CmdError> {
    let app = state.app()?;
    let actor = app.actor()?;
    let t = now();
    app.with_store(|s| {
        hairyo::staff::add_with_password(s, &actor, &input, t)?;
        hairyo::staff::list(s, &actor, t)
    })
}

/// An administrator sets another staff member's password (which also unlocks the account).
#[tauri::command(async)]
pub fn set_staff_password(state: State<'_, Shell>, login: String, password: String) -> Result<(), CmdError> {
    let app = state.app()?;
    let actor = app.actor()?;
    app.with_store(|s| hairyo::staff::set_password(s, &actor, &login, &password, now()))
}

/// How long each scheme's certificates run (設定 › 資格確認書の有効期間).
#[tauri::command(async)]
pub fn certificate_validity(state: State<'_, Shell>) -> Result<Vec<hairyo::settings::CertificateValidity>, CmdError> {
    let app = state.app()?;
    let actor = app.actor()?;
    app.with_store(|s| hairyo::settings::certificate_validity(s, &actor, now()))
}

/// Sets one scheme's validity as typed and answers with both schemes'.
#[tauri::command(async)]
pub fn set_certificate_validity(
    state: State<'_, Shell>,
    validity: hairyo::settings::ValidityInput,
) -> Result<Vec<hairyo::settings::CertificateValidity>, CmdError> {
    let app = state.app()?;
    let actor = app.actor()?;
    let t = now();
    app.with_store(|s| {
        hairyo::settings::set_certificate_validity(s, &actor, &validity, t)?;
        hairyo::settings::certificate_validity(s, &actor, t)
    })
}

#[tauri::command(async)]
pub fn policy_rules(state: State<'_, Shell>) -> Result<Vec<Rule>, CmdError> {
    let app = state.app()?;
    let actor = app.actor()?;
    app.with_store(|s| hairyo::policy::list_rules(s, &actor, now()))
}

/// Adds or replaces a rule typed in 設定 › 制度ルール and answers with the new list.
#[tauri::command(async)]
pub fn set_policy_rule(state: State<'_, Shell>, rule: RuleInput) -> Result<Vec<Rule>, CmdError> {
    let app = state.app()?;
    let actor = app.actor()?;
    let rule = hairyo::policy::parse_rule(&rule)?;
    let t = now();
    app.with_store(|s| {
        hairyo::policy::set_rule(s, &actor, &rule, t)?;
        hairyo::policy::list_rules(s, &actor, t)
    })
}

#[tauri::command(async)]
pub fn remove_policy_rule(state: State<'_, Shell>, id: String) -> Result<Vec<Rule>, CmdError> {
    let app = state.app()?;
    let actor = app.actor()?;
    let t = now();
    app.with_store(|s| {
        hairyo::policy::remove_rule(s, &actor, &id, t)?;
        hairyo::policy::list_rules(s, &actor, t)
    })
}

/// Every dated statement of 別添1, 2 and 3, checked against today.
#[tauri::command(async)]
pub fn leaflet_statements(state: State<'_, Shell>) -> Result<Vec<StatementCheck>, CmdError> {
    let app = state.app()?;
    let actor = app.actor()?;
    app.with_store(|s| hairyo::leaflet::check_all_statements(s, &actor, now()))
}

/// Keeps, replaces or omits a statement (`mode`: auto / keep / omit / replace) and sets its
/// replacement (`text`; `null` for the shipped one, empty for none).
#[tauri::command(async)]
pub fn set_leaflet_statement(state: State<'_, Shell>, id: String, mode: String, text: Option<String>) -> Result<Vec<StatementCheck>, CmdError> {
    let app = state.app()?;
    let actor = app.actor()?;
    let mut errors = Vec::new();
    let Some(mode) = parse_code(StatementMode::parse, "mode", &mode, &mut errors) else {
        return Err(invalid("leaflet.invalid", errors));
    };
    let t = now();
    app.with_store(|s| {
        hairyo::leaflet::set_statement(s, &actor, &id, mode, text.as_deref(), t)?;
        hairyo::leaflet::check_all_statements(s, &actor, t)
    })
}

/// A CSV written to the app's cache for the window to open.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct ExportedFile {
    pub path: String,
    pub rows: usize,
}

/// Exports `kind` (persons, touchpoints, …) as CSV in `encoding` (utf-8 with BOM, or cp932) to
/// `$APPCACHE/export/<kind>-<date>.csv`, the one folder the opener may open exports from.
#[tauri::command(async)]
pub fn export_csv(app_handle: tauri::AppHandle, state: State<'_, Shell>, kind: String, encoding: String) -> Result<ExportedFile, CmdError> {
    let app = state.app()?;
    let actor = app.actor()?;
    let mut errors = Vec::new();
    let kind = parse_code(hairyo::export::ExportKind::parse, "kind", &kind, &mut errors);
    let encoding = parse_code(hairyo::import::Encoding::parse, "encoding", &encoding, &mut errors);
    let (Some(kind), Some(encoding)) = (kind, encoding) else {
        return Err(invalid("export.invalid", errors));
    };
    let t = now();
    let (bytes, rows) = app.with_own_store(|s| hairyo::export::export(s, &actor, kind, encoding, t))?;
    let path = crate::commands::write_to_cache(&app_handle, "export", &format!("{}-{}.csv", kind.code(), t.format("%Y%m%d-%H%M%S")), &bytes)?;
    Ok(ExportedFile { path, rows })
}

/// 後期: the 進達簿 of `forwarded_on` (any date form) as CSV in `encoding`, to
/// `$APPCACHE/export/forwarding-register-<day>-<time>.csv`.
#[tauri::command(async)]
pub fn export_forwarding_register(
    app_handle: tauri::AppHandle,
    state: State<'_, Shell>,
    forwarded_on: String,
    encoding: String,
) -> Result<ExportedFile, CmdError> {
    let app = state.app()?;
    let actor = app.actor()?;
    let mut errors = Vec::new();
    let day = parse_code(|s| hairyo::validate::date("進達日", s), "forwarded_on", &forwarded_on, &mut errors);
    let encoding = parse_code(hairyo::import::Encoding::parse, "encoding", &encoding, &mut errors);
    let (Some(day), Some(encoding)) = (day, encoding) else {
        return Err(invalid("export.invalid", errors));
    };
    let t = now();
    let (bytes, rows) = app.with_own_store(|s| hairyo::kouki::forwarding_register_csv(s, &actor, day, encoding, t))?;
    let path = crate::commands::write_to_cache(&app_handle, "export", &format!("forwarding-register-{day}-{}.csv", t.format("%Y%m%d-%H%M%S")), &bytes)?;
    Ok(ExportedFile { path, rows })
}

/// 後期: imports (or with `dry_run` only checks) the 広域連合's result file; all or nothing.
#[tauri::command(async)]
pub fn import_union_results(state: State<'_, Shell>, bytes: Vec<u8>, encoding: String, dry_run: bool) -> Result<hairyo::kouki::UnionImportReport, CmdError> {
    let app = state.app()?;
    let actor = app.actor()?;
    let mut errors = Vec::new();
    let Some(encoding) = parse_code(hairyo::import::Encoding::parse, "encoding", &encoding, &mut errors) else {
        return Err(invalid("import.invalid", errors));
    };
    let opts = hairyo::kouki::UnionImportOptions { encoding: Some(encoding), dry_run };
    app.with_own_store(|s| hairyo::kouki::import_union_results(s, &actor, &bytes, &opts, now()))
}
