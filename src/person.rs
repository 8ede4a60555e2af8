//! Persons needing consideration (対象者): their profile, insurance, card state and reasons.

use chrono::{Datelike, NaiveDate};
use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::audit::{self, Action};
use crate::coded_enum;
use crate::staff::Actor;
use crate::store::Store;
use crate::text::{normalize, wareki};
use crate::validate::{self, Checker, Invalid};
use crate::{Page, Paged};

coded_enum! {
    pub enum Sex ("性別") {
        Male = ("male", "男"),
        Female = ("female", "女"),
        Unstated = ("unstated", "記載なし"),
    }
}

coded_enum! {
    /// The person's health insurance scheme, which decides who issues the 資格確認書.
    pub enum Scheme ("保険種別") {
        Kokuho = ("kokuho", "国民健康保険"),
        Kouki = ("kouki", "後期高齢者医療"),
        Kumiai = ("kumiai", "国民健康保険組合"),
        Employee = ("employee", "被用者保険"),
        Welfare = ("welfare", "生活保護"),
        Unknown = ("unknown", "不明"),
    }
}

coded_enum! {
    /// Which My Number card the person holds.
    pub enum CardKind ("マイナンバーカード") {
        None = ("none", "カードなし"),
        Card = ("card", "マイナンバーカード"),
        FaceAuth = ("face_auth", "顔認証マイナンバーカード"),
    }
}

coded_enum! {
    /// Whether the card is registered for health-insurance use (マイナ保険証).
    pub enum Registration ("保険証利用登録") {
        Registered = ("registered", "登録済み"),
        NotRegistered = ("not_registered", "未登録"),
        Unknown = ("unknown", "不明"),
    }
}

coded_enum! {
    /// Why the person needs consideration (配慮が必要な理由).
    pub enum Reason ("配慮理由") {
        Elderly = ("elderly", "高齢"),
        Dementia = ("dementia", "認知症"),
        Physical = ("physical", "身体障害"),
        Intellectual = ("intellectual", "知的障害"),
        Mental = ("mental", "精神障害"),
        Child = ("child", "児童"),
        Facility = ("facility", "施設入所"),
        Pin = ("pin", "暗証番号管理困難"),
        Other = ("other", "その他"),
    }
}

coded_enum! {
    /// The person's legal representative (法定代理人), if any.
    pub enum LegalRepKind ("法定代理人") {
        None = ("none", "なし"),
        Guardian = ("guardian", "成年後見人"),
        Parent = ("parent", "親権者"),
    }
}

/// Shown instead of a 支援措置 address to a desk that may not see it.
pub const MASKED_ADDRESS: &str = "(支援措置のため非表示)";

/// A person's record as typed by a clerk: text as entered, checked by [`validate_input`].
#[derive(ts_rs::TS, Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PersonInput {
    pub atena_no: String,
    pub name: String,
    pub kana: String,
    pub birth_date: String,
    pub sex: String,
    pub postal_code: String,
    pub address: String,
    pub phone: String,
    pub householder: String,
    pub scheme: String,
    pub insurer_no: String,
    pub card_symbol: String,
    pub card_number: String,
    pub card_branch: String,
    pub old_card_expiry: String,
    pub mynumber_card: String,
    pub registration: String,
    pub wishes_cancel: bool,
    pub reasons: Vec<String>,
    pub facility_id: Option<i64>,
    pub legal_rep_kind: String,
    pub legal_rep_name: String,
    pub protected: bool,
    pub safe_postal_code: String,
    pub safe_address: String,
    pub notes: String,
}

/// A stored person.
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    pub id: i64,
    pub atena_no: String,
    pub name: String,
    pub kana: String,
    pub birth_date: NaiveDate,
    pub sex: Sex,
    pub postal_code: String,
    pub address: String,
    pub phone: String,
    pub householder: String,
    pub scheme: Scheme,
    pub insurer_no: String,
    pub card_symbol: String,
    pub card_number: String,
    pub card_branch: String,
    pub old_card_expiry: Option<NaiveDate>,
    pub mynumber_card: CardKind,
    pub registration: Registration,
    pub wishes_cancel: bool,
    pub reasons: Vec<Reason>,
    pub facility_id: Option<i64>,
    pub legal_rep_kind: LegalRepKind,
    pub legal_rep_name: String,
    /// 支援措置 (DV・ストーカー等): the address is never shown or printed beyond the safe 送付先.
    pub protected: bool,
    pub safe_postal_code: String,
    pub safe_address: String,
    pub notes: String,
}

impl Person {
    /// Age in full years on `on` (a birthday counts from the day itself).
    pub fn age_on(&self, on: NaiveDate) -> i32 {
        age_on(self.birth_date, on)
    }

    /// True when the person holds a マイナ保険証: a card registered for insurance use.
    pub fn holds_mynumber_insurance_card(&self) -> bool {
        self.mynumber_card != CardKind::None && self.registration == Registration::Registered
    }
}

/// Age in full years on `on`.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> i32 {
    let mut age = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

#[derive(Debug, thiserror::Error)]
pub enum PersonError {
    #[error("対象者 ID {0} は登録されていません")]
    NotFound(i64),
    #[error("宛名番号 {0} の対象者はすでに登録されています (ID {1})")]
    AtenaTaken(String, i64),
    #[error("施設 ID {0} は登録されていません。`hairyo facility list` で確認してください")]
    UnknownFacility(i64),
    #[error("{0}")]
    Invalid(Invalid),
    #[error("支援措置の対象者の住所・送付先と支援措置の有無は、住所を見る権限のある窓口 (国保・後期) だけが変更できます。変更は国保・後期の窓口に依頼してください")]
    AddressHidden,
    #[error(transparent)]
    Access(#[from] crate::access::AccessError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Db(#[from] rusqlite::Error),
}

impl PersonError {
    pub fn code(&self) -> &'static str {
        match self {
            PersonError::NotFound(_) => "person.not_found",
            PersonError::AtenaTaken(..) => "person.atena_taken",
            PersonError::UnknownFacility(_) => "person.unknown_facility",
            PersonError::Invalid(_) => "person.invalid",
            PersonError::AddressHidden => "person.address_hidden",
            PersonError::Access(e) => e.code(),
            PersonError::Store(e) => e.code(),
            PersonError::Db(_) => "person.db",
        }
    }
}

fn choice<T>(c: &mut Checker, field: &'static str, value: &str, default: T, parse: impl Fn(&str) -> Result<T, String>) -> T {
    if value.trim().is_empty() {
        return default;
    }
    c.take(field, parse(value)).unwrap_or(default)
}

/// Checks and normalises a typed record. Every refused field is reported at once.
pub fn validate_input(input: &PersonInput, today: NaiveDate) -> Result<Person, Invalid> {
    let mut c = Checker::new();
    let atena_no = c.take("atena_no", validate::atena_number(&input.atena_no));
    let name = c.take("name", validate::person_name("氏名", &input.name));
    let kana = c.take("kana", validate::furigana("フリガナ", &input.kana));
    let birth_date = c.take("birth_date", validate::birth_date(&input.birth_date, today));
    let sex = if input.sex.trim().is_empty() {
        c.fail("sex", "性別を選んでください");
        Sex::Unstated
    } else {
        c.take("sex", Sex::parse(&input.sex)).unwrap_or(Sex::Unstated)
    };
    let postal_code = c.take("postal_code", validate::postal_code(&input.postal_code));
    let address = c.take("address", validate::text("住所", &input.address, 80, false));
    let phone = c.take("phone", validate::phone("電話番号", &input.phone));
    let householder = c.take("householder", validate::text("世帯主", &input.householder, 40, false));
    let scheme = choice(&mut c, "scheme", &input.scheme, Scheme::Unknown, Scheme::parse);
    let insurer_no = c.take("insurer_no", validate::insurer_number(&input.insurer_no));
    let card_symbol = c.take("card_symbol", validate::card_symbol(&input.card_symbol));
    let card_number = c.take("card_number", validate::card_number(&input.card_number));
    let card_branch = c.take("card_branch", validate::card_branch(&input.card_branch));
    let old_card_expiry = if input.old_card_expiry.trim().is_empty() {
        None
    } else {
        c.take("old_card_expiry", validate::date("保険証の有効期限", &input.old_card_expiry))
    };
    let mynumber_card = choice(&mut c, "mynumber_card", &input.mynumber_card, CardKind::None, CardKind::parse);
    let registration = choice(&mut c, "registration", &input.registration, Registration::Unknown, Registration::parse);
    if mynumber_card == CardKind::None && registration == Registration::Registered {
        c.fail("registration", "マイナンバーカードがない人は保険証利用登録済みにできません");
    }
    let mut reasons = Vec::new();
    for r in &input.reasons {
        if let Some(r) = c.take("reasons", Reason::parse(r)) {
            if !reasons.contains(&r) {
                reasons.push(r);
            }
        }
    }
    reasons.sort();
    let legal_rep_kind = choice(&mut c, "legal_rep_kind", &input.legal_rep_kind, LegalRepKind::None, LegalRepKind::parse);
    let legal_rep_name = c.take("legal_rep_name", validate::text("法定代理人氏名", &input.legal_rep_name, 40, false));
    if legal_rep_kind != LegalRepKind::None && legal_rep_name.as_deref().is_some_and(str::is_empty) {
        c.fail("legal_rep_name", "法定代理人の氏名を入力してください");
    }
    let safe_postal_code = c.take("safe_postal_code", validate::postal_code(&input.safe_postal_code));
    let safe_address = c.take("safe_address", validate::text("送付先住所", &input.safe_address, 80, false));
    if input.protected && safe_address.as_deref().is_some_and(str::is_empty) {
        c.fail("safe_address", "支援措置の対象者には、安全な送付先住所を入力してください");
    }
    // The placeholder a masked record shows is display text, never an address.
    for (field, value) in [("address", &address), ("safe_address", &safe_address)] {
        if value.as_deref().is_some_and(|v| v.contains(MASKED_ADDRESS)) {
            c.fail(field, "「(支援措置のため非表示)」は表示用の文字です。住所を入力してください");
        }
    }
    let notes = c.take("notes", validate::text("備考", &input.notes, 1000, false));
    c.finish()?;
    // Every `take` above succeeded, so the unwraps below only read values the checker kept.
    Ok(Person {
        id: 0,
        atena_no: atena_no.unwrap_or_default(),
        name: name.unwrap_or_default(),
        kana: kana.unwrap_or_default(),
        birth_date: birth_date.unwrap_or_default(),
        sex,
        postal_code: postal_code.unwrap_or_default(),
        address: address.unwrap_or_default(),
        phone: phone.unwrap_or_default(),
        householder: householder.unwrap_or_default(),
        scheme,
        insurer_no: insurer_no.unwrap_or_default(),
        card_symbol: card_symbol.unwrap_or_default(),
        card_number: card_number.unwrap_or_default(),
        card_branch: card_branch.unwrap_or_default(),
        old_card_expiry,
        mynumber_card,
        registration,
        wishes_cancel: input.wishes_cancel,
        reasons,
        facility_id: input.facility_id,
        legal_rep_kind,
        legal_rep_name: legal_rep_name.unwrap_or_default(),
        protected: input.protected,
        safe_postal_code: safe_postal_code.unwrap_or_default(),
        safe_address: safe_address.unwrap_or_default(),
        notes: notes.unwrap_or_default(),
    })
}

pub(crate) fn reasons_to_text(reasons: &[Reason]) -> String {
    reasons.iter().map(|r| r.code()).collect::<Vec<_>>().join(",")
}

pub(crate) fn reasons_from_text(s: &str) -> Vec<Reason> {
    s.split(',').filter_map(Reason::from_code).collect()
}

const COLUMNS: &str = "id, atena_no, name, kana, birth_date, sex, postal_code, address, phone, householder, scheme,
    insurer_no, card_symbol, card_number, card_branch, old_card_expiry, mynumber_card, registration, wishes_cancel,
    reasons, facility_id, legal_rep_kind, legal_rep_name, protected, safe_postal_code, safe_address, notes";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Person> {
    Ok(Person {
        id: r.get(0)?,
        atena_no: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
        name: r.get(2)?,
        kana: r.get(3)?,
        birth_date: r.get(4)?,
        sex: r.get(5)?,
        postal_code: r.get(6)?,
        address: r.get(7)?,
        phone: r.get(8)?,
        householder: r.get(9)?,
        scheme: r.get(10)?,
        insurer_no: r.get(11)?,
        card_symbol: r.get(12)?,
        card_number: r.get(13)?,
        card_branch: r.get(14)?,
        old_card_expiry: r.get(15)?,
        mynumber_card: r.get(16)?,
        registration: r.get(17)?,
        wishes_cancel: r.get(18)?,
        reasons: reasons_from_text(&r.get::<_, String>(19)?),
        facility_id: r.get(20)?,
        legal_rep_kind: r.get(21)?,
        legal_rep_name: r.get(22)?,
        protected: r.get(23)?,
        safe_postal_code: r.get(24)?,
        safe_address: r.get(25)?,
        notes: r.get(26)?,
    })
}

/// Loads a person without auditing; for the core's own use inside other operations.
pub(crate) fn load(conn: &crate::store::Read<'_>, id: i64) -> Result<Person, PersonError> {
    conn.query_row(&format!("SELECT {COLUMNS} FROM person WHERE id = ?1"), [id], from_row)
        .optional()?
        .ok_or(PersonError::NotFound(id))
}

fn check_refs(conn: &crate::store::Read<'_>, p: &Person, self_id: Option<i64>) -> Result<(), PersonError> {
    if let Some(f) = p.facility_id {
        let found: Option<i64> = conn.query_row("SELECT id FROM facility WHERE id = ?1", [f], |r| r.get(0)).optional()?;
        if found.is_none() {
            return Err(PersonError::UnknownFacility(f));
        }
    }
    if !p.atena_no.is_empty() {
        let other: Option<i64> = conn
            .query_row("SELECT id FROM person WHERE atena_no = ?1", [&p.atena_no], |r| r.get(0))
            .optional()?;
        if let Some(other) = other.filter(|o| Some(*o) != self_id) {
            return Err(PersonError::AtenaTaken(p.atena_no.clone(), other));
        }
    }
    Ok(())
}

/// The search columns of a person, computed from its name and reading.
pub(crate) struct SearchKeys {
    name: String,
    kana: String,
    name_chars: String,
    kana_chars: String,
}

impl SearchKeys {
    pub(crate) fn of(p: &Person) -> SearchKeys {
        let (name, kana) = (normalize::search_key(&p.name), normalize::search_key(&p.kana));
        SearchKeys { name_chars: normalize::spaced(&name), kana_chars: normalize::spaced(&kana), name, kana }
    }
}

/// Writes a validated person (insert when `p.id == 0`, update otherwise); no audit. A new row
/// must then be indexed with `search::index_new_persons` in the same transaction.
pub(crate) fn write_row(conn: &crate::store::Read<'_>, p: &Person, stamp: &str) -> Result<i64, rusqlite::Error> {
    let keys = SearchKeys::of(p);
    let atena = if p.atena_no.is_empty() { None } else { Some(p.atena_no.as_str()) };
    let values = params![
        atena, p.name, p.kana, keys.name, keys.kana, p.birth_date, p.sex,
        p.postal_code, p.address, p.phone, p.householder, p.scheme, p.insurer_no, p.card_symbol, p.card_number,
        p.card_branch, p.old_card_expiry, p.mynumber_card, p.registration, p.wishes_cancel, reasons_to_text(&p.reasons),
        p.facility_id, p.legal_rep_kind, p.legal_rep_name, p.protected, p.safe_postal_code, p.safe_address, p.notes,
        stamp, p.id, keys.name_chars, keys.kana_chars
    ];
    if p.id == 0 {
        conn.prepare_cached(
            "INSERT INTO person (id, atena_no, name, kana, name_norm, kana_norm, birth_date, sex, postal_code, address, phone,
                householder, scheme, insurer_no, card_symbol, card_number, card_branch, old_card_expiry, mynumber_card,
                registration, wishes_cancel, reasons, facility_id, legal_rep_kind, legal_rep_name, protected,
                safe_postal_code, safe_address, notes, created_at, updated_at, name_chars, kana_chars)
             VALUES (NULLIF(?30, 0), ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
                ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?29, ?31, ?32)",
        )?
        .execute(values)?;
        Ok(conn.last_insert_rowid())
    } else {
        conn.prepare_cached(
            "UPDATE person SET atena_no = ?1, name = ?2, kana = ?3, name_norm = ?4, kana_norm = ?5, birth_date = ?6,
                sex = ?7, postal_code = ?8, address = ?9, phone = ?10, householder = ?11, scheme = ?12, insurer_no = ?13,
                card_symbol = ?14, card_number = ?15, card_branch = ?16, old_card_expiry = ?17, mynumber_card = ?18,
                registration = ?19, wishes_cancel = ?20, reasons = ?21, facility_id = ?22, legal_rep_kind = ?23,
                legal_rep_name = ?24, protected = ?25, safe_postal_code = ?26, safe_address = ?27, notes = ?28,
                updated_at = ?29, name_chars = ?31, kana_chars = ?32
             WHERE id = ?30",
        )?
        .execute(values)?;
        Ok(p.id)
    }
}

/// Rows an import adds in one INSERT statement. Each statement execution builds small
/// temporary tables for the CHECK (… IN (…)) constraints and opens a statement journal; one
/// statement per hundred rows instead of per row made an import of 200,000 rows several times
/// faster.
pub(crate) const INSERT_BATCH: usize = 100;

/// Inserts new persons from an import (at most [`INSERT_BATCH`] at once). Only the columns an
/// import carries are written; everything else takes the schema's defaults, which are the
/// defaults `validate_input` gives an imported row. Index the new ids with
/// `search::index_new_persons` in the same transaction.
pub(crate) fn insert_imported(conn: &crate::store::Read<'_>, rows: &[(Person, SearchKeys)], stamp: &str) -> Result<(), rusqlite::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    let one_row = format!("({})", ["?"; 20].join(","));
    let sql = format!(
        "INSERT INTO person (atena_no, name, kana, name_norm, kana_norm, birth_date, sex, postal_code, address, phone,
            householder, scheme, insurer_no, card_symbol, card_number, card_branch, name_chars, kana_chars,
            created_at, updated_at) VALUES {}",
        vec![one_row; rows.len()].join(",")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut n = 0;
    for (p, keys) in rows {
        let values: [&dyn rusqlite::ToSql; 20] = [
            &p.atena_no, &p.name, &p.kana, &keys.name, &keys.kana, &p.birth_date, &p.sex, &p.postal_code, &p.address,
            &p.phone, &p.householder, &p.scheme, &p.insurer_no, &p.card_symbol, &p.card_number, &p.card_branch,
            &keys.name_chars, &keys.kana_chars, &stamp, &stamp,
        ];
        for v in values {
            n += 1;
            stmt.raw_bind_parameter(n, v)?;
        }
    }
    stmt.raw_execute()?;
    Ok(())
}

/// The columns an import carries whose values in `p` differ from the stored `current`, with
/// the new values; with a changed name or reading, the search keys too. Empty when the file
/// changes nothing about this person.
pub(crate) fn imported_changes<'a>(current: &'a Person, p: &'a Person, keys: &'a SearchKeys) -> Vec<(&'static str, &'a dyn rusqlite::ToSql)> {
    let mut set: Vec<(&'static str, &'a dyn rusqlite::ToSql)> = Vec::new();
    let texts: [(&'static str, &String, &'a String); 11] = [
        ("atena_no", &current.atena_no, &p.atena_no),
        ("name", &current.name, &p.name),
        ("kana", &current.kana, &p.kana),
        ("postal_code", &current.postal_code, &p.postal_code),
        ("address", &current.address, &p.address),
        ("phone", &current.phone, &p.phone),
        ("householder", &current.householder, &p.householder),
        ("insurer_no", &current.insurer_no, &p.insurer_no),
        ("card_symbol", &current.card_symbol, &p.card_symbol),
        ("card_number", &current.card_number, &p.card_number),
        ("card_branch", &current.card_branch, &p.card_branch),
    ];
    for (column, before, after) in texts {
        if before != after {
            set.push((column, after));
        }
    }
    if current.birth_date != p.birth_date {
        set.push(("birth_date", &p.birth_date));
    }
    if current.sex != p.sex {
        set.push(("sex", &p.sex));
    }
    if current.scheme != p.scheme {
        set.push(("scheme", &p.scheme));
    }
    if names_changed(current, p) {
        set.extend([("name_norm", &keys.name as &dyn rusqlite::ToSql), ("kana_norm", &keys.kana), ("name_chars", &keys.name_chars), ("kana_chars", &keys.kana_chars)]);
    }
    set
}

/// Whether the name or reading (and so the search keys) changed.
pub(crate) fn names_changed(current: &Person, p: &Person) -> bool {
    current.name != p.name || current.kana != p.kana
}

/// Writes `changes` (from [`imported_changes`]) to person `id`, and nothing else: an unchanged
/// column costs no index update, and a re-import of 200,000 rows where only addresses changed
/// touches no name index. With changed names the caller keeps the search indexes in step
/// (`search::note_rewrite` before this call).
pub(crate) fn update_imported(conn: &crate::store::Read<'_>, id: i64, changes: &[(&str, &dyn rusqlite::ToSql)], stamp: &str) -> Result<(), rusqlite::Error> {
    let assignments: Vec<String> = changes.iter().enumerate().map(|(i, (column, _))| format!("{column} = ?{}", i + 1)).collect();
    let n = changes.len();
    let sql = format!("UPDATE person SET {}, updated_at = ?{} WHERE id = ?{}", assignments.join(", "), n + 1, n + 2);
    let mut stmt = conn.prepare_cached(&sql)?;
    for (i, (_, value)) in changes.iter().enumerate() {
        stmt.raw_bind_parameter(i + 1, value)?;
    }
    stmt.raw_bind_parameter(n + 1, stamp)?;
    stmt.raw_bind_parameter(n + 2, id)?;
    stmt.raw_execute()?;
    Ok(())
}

/// Registers a person after validating every field.
pub fn add(store: &mut Store, actor: &Actor, input: &PersonInput, now: chrono::NaiveDateTime) -> Result<Person, PersonError> {
    crate::access::require(actor, crate::access::Permission::EditPerson)?;
    let mut p = validate_input(input, now.date()).map_err(PersonError::Invalid)?;
    store.write(|tx| {
        check_refs(tx, &p, None)?;
        p.id = write_row(tx, &p, &crate::stamp(now))?;
        crate::search::index_new_persons(tx, p.id - 1)?;
        audit::record(tx, actor, now, Action::Create, "person", Some(p.id), serde_json::json!({"after": p}))?;
        Ok(p)
    })
}

/// The fields an edit changes. A field left out (`None`) keeps its stored value, so a form or a
/// command line sends only what the clerk changed and never sends back what it was shown. In
/// particular a desk that sees a protected person's address masked cannot overwrite it with the
/// placeholder it was shown: it sends no address at all, and [`update`] refuses one from it.
#[derive(ts_rs::TS, Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[ts(optional_fields)]
pub struct PersonPatch {
    pub atena_no: Option<String>,
    pub name: Option<String>,
    pub kana: Option<String>,
    pub birth_date: Option<String>,
    pub sex: Option<String>,
    pub postal_code: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub householder: Option<String>,
    pub scheme: Option<String>,
    pub insurer_no: Option<String>,
    pub card_symbol: Option<String>,
    pub card_number: Option<String>,
    pub card_branch: Option<String>,
    pub old_card_expiry: Option<String>,
    pub mynumber_card: Option<String>,
    pub registration: Option<String>,
    pub wishes_cancel: Option<bool>,
    pub reasons: Option<Vec<String>>,
    /// `null` clears the facility; left out keeps it.
    #[serde(deserialize_with = "present")]
    #[ts(type = "number | null")]
    pub facility_id: Option<Option<i64>>,
    pub legal_rep_kind: Option<String>,
    pub legal_rep_name: Option<String>,
    pub protected: Option<bool>,
    pub safe_postal_code: Option<String>,
    pub safe_address: Option<String>,
    pub notes: Option<String>,
}

/// A field that is present (even as `null`) is `Some`, so `"facility_id": null` clears it.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<i64>>, D::Error> {
    Option::<i64>::deserialize(d).map(Some)
}

impl PersonPatch {
    /// Whether the patch touches what a 支援措置 mask hides: the address, the safe address and
    /// the protection itself (lifting it would reveal the address).
    pub fn touches_protected_fields(&self) -> bool {
        self.postal_code.is_some()
            || self.address.is_some()
            || self.safe_postal_code.is_some()
            || self.safe_address.is_some()
            || self.protected.is_some()
    }

    /// `input` with this patch's fields written over it.
    pub fn apply(&self, mut input: PersonInput) -> PersonInput {
        let text = |dst: &mut String, src: &Option<String>| {
            if let Some(v) = src {
                dst.clone_from(v);
            }
        };
        text(&mut input.atena_no, &self.atena_no);
        text(&mut input.name, &self.name);
        text(&mut input.kana, &self.kana);
        text(&mut input.birth_date, &self.birth_date);
        text(&mut input.sex, &self.sex);
        text(&mut input.postal_code, &self.postal_code);
        text(&mut input.address, &self.address);
        text(&mut input.phone, &self.phone);
        text(&mut input.householder, &self.householder);
        text(&mut input.scheme, &self.scheme);
        text(&mut input.insurer_no, &self.insurer_no);
        text(&mut input.card_symbol, &self.card_symbol);
        text(&mut input.card_number, &self.card_number);
        text(&mut input.card_branch, &self.card_branch);
        text(&mut input.old_card_expiry, &self.old_card_expiry);
        text(&mut input.mynumber_card, &self.mynumber_card);
        text(&mut input.registration, &self.registration);
        text(&mut input.legal_rep_kind, &self.legal_rep_kind);
        text(&mut input.legal_rep_name, &self.legal_rep_name);
        text(&mut input.safe_postal_code, &self.safe_postal_code);
        text(&mut input.safe_address, &self.safe_address);
        text(&mut input.notes, &self.notes);
        if let Some(v) = self.wishes_cancel {
            input.wishes_cancel = v;
        }
        if let Some(v) = self.protected {
            input.protected = v;
        }
        if let Some(v) = &self.reasons {
            input.reasons.clone_from(v);
        }
        if let Some(v) = self.facility_id {
            input.facility_id = v;
        }
        input
    }
}

impl PersonInput {
    /// A stored person as form input: validating it gives the same person back.
    pub fn from_person(p: &Person) -> PersonInput {
        PersonInput {
            atena_no: p.atena_no.clone(),
            name: p.name.clone(),
            kana: p.kana.clone(),
            birth_date: p.birth_date.to_string(),
            sex: p.sex.code().into(),
            postal_code: p.postal_code.clone(),
            address: p.address.clone(),
            phone: p.phone.clone(),
            householder: p.householder.clone(),
            scheme: p.scheme.code().into(),
            insurer_no: p.insurer_no.clone(),
            card_symbol: p.card_symbol.clone(),
            card_number: p.card_number.clone(),
            card_branch: p.card_branch.clone(),
            old_card_expiry: p.old_card_expiry.map(|d| d.to_string()).unwrap_or_default(),
            mynumber_card: p.mynumber_card.code().into(),
            registration: p.registration.code().into(),
            wishes_cancel: p.wishes_cancel,
            reasons: p.reasons.iter().map(|r| r.code().to_string()).collect(),
            facility_id: p.facility_id,
            legal_rep_kind: p.legal_rep_kind.code().into(),
            legal_rep_name: p.legal_rep_name.clone(),
            protected: p.protected,
            safe_postal_code: p.safe_postal_code.clone(),
            safe_address: p.safe_address.clone(),
            notes: p.notes.clone(),
        }
    }
}

/// Changes the fields `patch` names and keeps every other one as stored; the audit event keeps
/// before and after. A desk that may not see a protected person's address may still correct
/// the rest of the record, but not the address, the safe address or the protection.
pub fn update(store: &mut Store, actor: &Actor, id: i64, patch: &PersonPatch, now: chrono::NaiveDateTime) -> Result<Person, PersonError> {
    crate::access::require(actor, crate::access::Permission::EditPerson)?;
    store.write(|tx| {
        let before = load(tx, id)?;
        if before.protected && !crate::access::can(actor, crate::access::Permission::ViewProtectedAddress) && patch.touches_protected_fields() {
            return Err(PersonError::AddressHidden);
        }
        let mut p = validate_input(&patch.apply(PersonInput::from_person(&before)), now.date()).map_err(PersonError::Invalid)?;
        p.id = id;
        if p == before {
            return Ok(p);
        }
        check_refs(tx, &p, Some(id))?;
        write_row(tx, &p, &crate::stamp(now))?;
        audit::record(tx, actor, now, Action::Update, "person", Some(id), serde_json::json!({"before": before, "after": p}))?;
        Ok(p)
    })
}

/// Reads one person's record for display; the read is audited.
pub fn get(store: &mut Store, actor: &Actor, id: i64, now: chrono::NaiveDateTime) -> Result<Person, PersonError> {
    crate::access::require(actor, crate::access::Permission::ViewPerson)?;
    store.write(|tx| {
        let p = load(tx, id)?;
        audit::record(tx, actor, now, Action::View, "person", Some(id), serde_json::json!({}))?;
        Ok(p)
    })
}

/// One line of the person list.
#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct PersonSummary {
    pub id: i64,
    pub atena_no: String,
    pub name: String,
    pub kana: String,
    pub birth_date: NaiveDate,
    pub birth_date_wareki: String,
    pub age: i32,
    pub sex: Sex,
    pub scheme: Scheme,
    pub scheme_label: &'static str,
    pub facility_id: Option<i64>,
    pub facility_name: Option<String>,
    pub mynumber_card: CardKind,
    pub registration: Registration,
    pub protected: bool,
}

/// What the person list is narrowed by.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PersonFilter {
    /// Part of 氏名 or フリガナ (matched on the normalised key), or a 宛名番号.
    pub query: Option<String>,
    pub facility_id: Option<i64>,
    pub scheme: Option<Scheme>,
}

const SUMMARY_SELECT: &str = "SELECT p.id, p.atena_no, p.name, p.kana, p.birth_date, p.sex, p.scheme, p.facility_id, f.name,
        p.mynumber_card, p.registration, p.protected
     FROM person p LEFT JOIN facility f ON f.id = p.facility_id";

fn summary_row(r: &Row<'_>, today: NaiveDate) -> rusqlite::Result<PersonSummary> {
    let birth: NaiveDate = r.get(4)?;
    let scheme: Scheme = r.get(6)?;
    Ok(PersonSummary {
        id: r.get(0)?,
        atena_no: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
        name: r.get(2)?,
        kana: r.get(3)?,
        birth_date: birth,
        birth_date_wareki: wareki::format(birth),
        age: age_on(birth, today),
        sex: r.get(5)?,
        scheme,
        scheme_label: scheme.label(),
        facility_id: r.get(7)?,
        facility_name: r.get(8)?,
        mynumber_card: r.get(9)?,
        registration: r.get(10)?,
        protected: r.get(11)?,
    })
}

/// Summaries of the given persons, in the order given (missing ids are skipped).
pub(crate) fn summaries(conn: &crate::store::Read<'_>, ids: &[i64], today: NaiveDate) -> Result<Vec<PersonSummary>, PersonError> {
    let mut stmt = conn.prepare_cached(&format!("{SUMMARY_SELECT} WHERE p.id = ?1"))?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(s) = stmt.query_row([id], |r| summary_row(r, today)).optional()? {
            out.push(s);
        }
    }
    Ok(out)
}

/// Lists persons by フリガナ, a page at a time.
pub fn list(store: &Store, actor: &Actor, filter: &PersonFilter, page: Page, now: chrono::NaiveDateTime) -> Result<Paged<PersonSummary>, PersonError> {
    crate::access::require(actor, crate::access::Permission::ViewPerson)?;
    let today = now.date();
    let q = filter.query.as_deref().map(str::trim).filter(|q| !q.is_empty());
    let key = q.map(|q| format!("%{}%", escape_like(&normalize::search_key(q))));
    let where_ = "(?1 IS NULL OR p.name_norm LIKE ?1 ESCAPE '\\' OR p.kana_norm LIKE ?1 ESCAPE '\\' OR p.atena_no = ?2)
        AND (?3 IS NULL OR p.facility_id = ?3) AND (?4 IS NULL OR p.scheme = ?4)";
    let conn = &store.read();
    let total: i64 = conn.query_row(
        &format!("SELECT count(*) FROM person p WHERE {where_}"),
        params![key, q, filter.facility_id, filter.scheme],
        |r| r.get(0),
    )?;
    let mut stmt = conn.prepare(&format!("{SUMMARY_SELECT} WHERE {where_} ORDER BY p.kana_norm, p.id LIMIT ?5 OFFSET ?6"))?;
    let items = stmt
        .query_map(params![key, q, filter.facility_id, filter.scheme, page.limit, page.offset], |r| summary_row(r, today))?
        .collect::<Result<_, _>>()?;
    Ok(Paged { items, total, offset: page.offset, limit: page.limit })
}

fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}
