//! Persons needing consideration (対象者): their profile, insurance, card state and reasons.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::audit::{self, Action};
pub use crate::model::person::{
    age_on, birthday, certificate_grace_end, CardKind, LegalRepKind, Person, Reason, Registration, Relationship, Scheme, Sex, KOUKI_AGE,
};
pub(crate) use crate::model::person::{reasons_to_text, SearchKeys};
use crate::model::staff::Actor;
use crate::store::imports::ImportedField;
use crate::store::persons::{PersonQuery, SummaryRow};
use crate::store::Store;
use crate::text::{normalize, wareki};
use crate::validate::{self, Checker, Invalid};
use crate::{Page, Paged};

/// Shown instead of a 支援措置 address to a desk that may not see it.
pub const MASKED_ADDRESS: &str = crate::disclosure::WITHHELD_ADDRESS;

/// A person's record as typed by a clerk: text as entered, checked by [`validate_input`].
#[derive(ts_rs::TS, Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
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
    /// 住所地特例: the other municipality's 国保 or other prefecture's 広域連合 insuring the
    /// person; empty for the city's own.
    pub other_insurer: String,
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
    /// The clerk has confirmed that a twelve-digit number in the notes is not a 個人番号.
    pub confirmed_digits: bool,
    /// 世帯番号 and 続柄 of the 住民票.
    pub household_no: String,
    pub relationship: String,
    /// 通称 (a foreign resident's alias).
    pub alias: String,
    /// 在留期限 (a foreign resident's period of stay).
    pub residence_until: String,
    /// Forms are printed in 西暦.
    pub western_calendar: bool,
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
    #[error(
        "支援措置の対象者の住所・送付先・入所施設と支援措置の有無は、住所を見る権限のある窓口 (国保・後期) だけが変更できます。変更は国保・後期の窓口に依頼してください"
    )]
    AddressHidden,
    #[error(transparent)]
    Access(#[from] crate::access::AccessError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
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
        }
    }
}

fn choice<T>(c: &mut Checker, field: &'static str, value: &str, default: T, parse: impl Fn(&str) -> Result<T, String>) -> T {
    if value.trim().is_empty() {
        return default;
    }
    c.take(field, parse(value)).unwrap_or(default)
}

/// The day a person recorded as a 国保 member joined 後期高齢者医療, when that day has come by
/// `on`: such a record is out of date (the 75th birthday moves everyone to 後期), so the record,
/// the import and the route flag it.
pub fn kokuho_member_in_kouki(p: &Person, on: NaiveDate) -> Option<NaiveDate> {
    (p.scheme == Scheme::Kokuho && on >= p.kouki_from()).then(|| p.kouki_from())
}

/// The record's warning for [`kokuho_member_in_kouki`].
pub fn kouki_age_warning(p: &Person, on: NaiveDate) -> Option<String> {
    kokuho_member_in_kouki(p, on).map(|from| format!("75歳以上のため後期高齢者医療の被保険者です（{}から）。加入制度を確認してください", wareki::format(from)))
}

/// What the record says is missing from it though it is saved: without a 宛名番号 the person
/// cannot be matched to the core systems' files (a later import would add them twice), and
/// without an address no certificate or notice can be mailed. (A protected person's address
/// counts when a safe address is kept instead.)
pub fn completeness_warnings(p: &Person) -> Vec<String> {
    let mut found = Vec::new();
    if p.atena_no.trim().is_empty() {
        found.push(
            "宛名番号が登録されていません。住民記録システムの宛名番号を確認して登録してください（CSV取込で同じ方が二重に登録されるのを防ぎます）".to_string(),
        );
    }
    if p.address.trim().is_empty() && p.safe_address.trim().is_empty() {
        found.push("住所が登録されていません。資格確認書や通知を郵送できません".to_string());
    }
    found
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
    let other_insurer = c.take("other_insurer", validate::text("住所地特例の保険者", &input.other_insurer, 60, false));
    // 住所地特例 applies within 国保 and 後期; any other scheme already names its own insurer.
    if other_insurer.as_deref().is_some_and(|o| !o.is_empty()) && !matches!(scheme, Scheme::Kokuho | Scheme::Kouki) {
        c.fail("other_insurer", "住所地特例の保険者は、国民健康保険・後期高齢者医療の方にだけ入力できます");
    }
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
    match (mynumber_card, registration) {
        (CardKind::None, Registration::Registered) => c.fail("registration", "マイナンバーカードがない人は保険証利用登録済みにできません"),
        (CardKind::Returned, Registration::Registered) => {
            c.fail("registration", "カードを返納した人は保険証利用登録済みにできません。利用登録の状態を選び直してください")
        }
        (CardKind::None, Registration::Cancelled | Registration::ViewBlocked) => {
            c.fail("registration", "マイナンバーカードがない人には、利用登録の解除・閲覧不可設定を記録できません")
        }
        _ => {}
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
    let notes = c.take("notes", validate::text("メモ", &input.notes, 1000, false));
    let household_no = c.take("household_no", validate::household_number(&input.household_no));
    let relationship =
        if input.relationship.trim().is_empty() { Some(None) } else { c.take("relationship", Relationship::read(&input.relationship).map(Some)) };
    if relationship.flatten().is_some() && household_no.as_deref().is_some_and(str::is_empty) {
        c.fail("household_no", "続柄を記録するときは世帯番号も入力してください");
    }
    let alias = c.take("alias", validate::text("通称", &input.alias, 100, false));
    let residence_until = if input.residence_until.trim().is_empty() {
        Some(None)
    } else {
        c.take("residence_until", validate::date("在留期限", &input.residence_until).map(Some))
    };
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
        other_insurer: other_insurer.unwrap_or_default(),
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
        household_no: household_no.unwrap_or_default(),
        relationship: relationship.flatten(),
        alias: alias.unwrap_or_default(),
        residence_until: residence_until.flatten(),
        western_calendar: input.western_calendar,
    })
}

/// Loads a person without auditing; for the core's own use inside other operations.
pub(crate) fn load(conn: &crate::store::Read<'_>, id: i64) -> Result<Person, PersonError> {
    conn.persons().get(id)?.ok_or(PersonError::NotFound(id))
}

fn check_refs(conn: &crate::store::Read<'_>, p: &Person, self_id: Option<i64>) -> Result<(), PersonError> {
    if let Some(f) = p.facility_id {
        if !conn.persons().facility_exists(f)? {
            return Err(PersonError::UnknownFacility(f));
        }
    }
    if !p.atena_no.is_empty() {
        let other = conn.persons().id_with_atena(&p.atena_no)?;
        if let Some(other) = other.filter(|o| Some(*o) != self_id) {
            return Err(PersonError::AtenaTaken(p.atena_no.clone(), other));
        }
    }
    Ok(())
}

/// Writes a validated person (insert when `p.id == 0`, update otherwise); no audit. A new row
/// must then be indexed with `search_mut().index_after` in the same transaction.
pub(crate) fn write_row(conn: &crate::store::Write<'_>, p: &Person, stamp: &str) -> Result<i64, crate::store::StoreError> {
    let keys = SearchKeys::of(p);
    if p.id == 0 {
        conn.persons_mut().insert(p, &keys, stamp)
    } else {
        conn.persons_mut().update(p, &keys, stamp)?;
        Ok(p.id)
    }
}

/// The fields an import carries whose values in `p` differ from the stored `current`; with a
/// changed name or reading, the search keys too. Empty when the file changes nothing about
/// this person.
pub(crate) fn imported_changes(current: &Person, p: &Person) -> Vec<ImportedField> {
    let mut set = Vec::new();
    let texts: [(ImportedField, &String, &String); 13] = [
        (ImportedField::AtenaNo, &current.atena_no, &p.atena_no),
        (ImportedField::Name, &current.name, &p.name),
        (ImportedField::Kana, &current.kana, &p.kana),
        (ImportedField::PostalCode, &current.postal_code, &p.postal_code),
        (ImportedField::Address, &current.address, &p.address),
        (ImportedField::Phone, &current.phone, &p.phone),
        (ImportedField::Householder, &current.householder, &p.householder),
        (ImportedField::InsurerNo, &current.insurer_no, &p.insurer_no),
        (ImportedField::CardSymbol, &current.card_symbol, &p.card_symbol),
        (ImportedField::CardNumber, &current.card_number, &p.card_number),
        (ImportedField::CardBranch, &current.card_branch, &p.card_branch),
        (ImportedField::HouseholdNo, &current.household_no, &p.household_no),
        (ImportedField::Alias, &current.alias, &p.alias),
    ];
    for (field, before, after) in texts {
        if before != after {
            set.push(field);
        }
    }
    if current.birth_date != p.birth_date {
        set.push(ImportedField::BirthDate);
    }
    if current.sex != p.sex {
        set.push(ImportedField::Sex);
    }
    if current.scheme != p.scheme {
        set.push(ImportedField::Scheme);
    }
    if current.relationship != p.relationship {
        set.push(ImportedField::Relationship);
    }
    if current.residence_until != p.residence_until {
        set.push(ImportedField::ResidenceUntil);
    }
    if names_changed(current, p) {
        set.push(ImportedField::SearchKeys);
    }
    set
}

/// Whether the name or reading (and so the search keys) changed.
pub(crate) fn names_changed(current: &Person, p: &Person) -> bool {
    current.name != p.name || current.kana != p.kana
}

/// Registers a person after validating every field.
pub fn add(store: &mut Store, actor: &Actor, input: &PersonInput, now: chrono::NaiveDateTime) -> Result<Person, PersonError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::EditPerson)?;
    // Every refused field at once, the confirmation among them.
    let mut p = match (validate_input(input, now.date()), notes_confirmed(&input.notes, input.confirmed_digits)) {
        (Ok(p), Ok(())) => p,
        (checked, digits) => {
            let mut errors = checked.err().map(|i| i.0).unwrap_or_default();
            if let Err(PersonError::Invalid(i)) = digits {
                errors.extend(i.0);
            }
            return Err(PersonError::Invalid(Invalid(errors)));
        }
    };
    store.write(|tx| {
        check_refs(tx, &p, None)?;
        p.id = write_row(tx, &p, &crate::stamp(now))?;
        tx.search_mut().index_after(p.id - 1)?;
        audit::record(tx, actor, now, Action::Create, "person", Some(p.id), crate::disclosure::person_changes(None, &p))?;
        Ok(crate::disclosure::person(&crate::disclosure::Audience::of(actor), p).into_inner())
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
    pub other_insurer: Option<String>,
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
    /// The clerk has confirmed that a twelve-digit number in the new notes is not a 個人番号.
    pub confirmed_digits: Option<bool>,
    pub household_no: Option<String>,
    pub relationship: Option<String>,
    pub alias: Option<String>,
    pub residence_until: Option<String>,
    pub western_calendar: Option<bool>,
}

/// A field that is present (even as `null`) is `Some`, so `"facility_id": null` clears it.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<i64>>, D::Error> {
    Option::<i64>::deserialize(d).map(Some)
}

impl PersonPatch {
    /// Whether the patch touches what a 支援措置 mask hides: the address, the safe address, the
    /// facility and the protection itself (lifting it would reveal the address).
    pub fn touches_protected_fields(&self) -> bool {
        self.postal_code.is_some()
            || self.address.is_some()
            || self.safe_postal_code.is_some()
            || self.safe_address.is_some()
            || self.protected.is_some()
            || self.facility_id.is_some()
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
        text(&mut input.other_insurer, &self.other_insurer);
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
        text(&mut input.household_no, &self.household_no);
        text(&mut input.relationship, &self.relationship);
        text(&mut input.alias, &self.alias);
        text(&mut input.residence_until, &self.residence_until);
        if let Some(v) = self.western_calendar {
            input.western_calendar = v;
        }
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
        if let Some(v) = self.confirmed_digits {
            input.confirmed_digits = v;
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
            other_insurer: p.other_insurer.clone(),
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
            confirmed_digits: false,
            household_no: p.household_no.clone(),
            relationship: p.relationship.map(|r| r.code().to_string()).unwrap_or_default(),
            alias: p.alias.clone(),
            residence_until: p.residence_until.map(|d| d.to_string()).unwrap_or_default(),
            western_calendar: p.western_calendar,
        }
    }
}

/// A twelve-digit run in notes the clerk typed is stored only once they confirm it is not a
/// 個人番号 (a valid one is refused by the field check anyway). Asked of a form, not of an import,
/// which has nobody to ask.
fn notes_confirmed(notes: &str, confirmed: bool) -> Result<(), PersonError> {
    validate::unconfirmed_digits("メモ", notes, confirmed)
        .map_err(|message| PersonError::Invalid(Invalid(vec![validate::FieldError { field: validate::CONFIRM_DIGITS, message }])))
}

/// Changes the fields `patch` names and keeps every other one as stored; the audit event keeps
/// before and after. A desk that may not see a protected person's address may still correct
/// the rest of the record, but not the address, the safe address or the protection.
pub fn update(store: &mut Store, actor: &Actor, id: i64, patch: &PersonPatch, now: chrono::NaiveDateTime) -> Result<Person, PersonError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::EditPerson)?;
    store.write(|tx| {
        let before = load(tx, id)?;
        if before.protected && !crate::access::can(actor, crate::access::Permission::ViewProtectedAddress) && patch.touches_protected_fields() {
            return Err(PersonError::AddressHidden);
        }
        let mut p = validate_input(&patch.apply(PersonInput::from_person(&before)), now.date()).map_err(PersonError::Invalid)?;
        // Only notes this edit changes are asked about: what was confirmed before stays.
        if p.notes != before.notes {
            notes_confirmed(&p.notes, patch.confirmed_digits.unwrap_or(false))?;
        }
        p.id = id;
        // The answer goes to the desk that asked, so it shows what that desk may see.
        let audience = crate::disclosure::Audience::of(actor);
        if p == before {
            return Ok(crate::disclosure::person(&audience, p).into_inner());
        }
        check_refs(tx, &p, Some(id))?;
        write_row(tx, &p, &crate::stamp(now))?;
        audit::record(tx, actor, now, Action::Update, "person", Some(id), crate::disclosure::person_changes(Some(&before), &p))?;
        Ok(crate::disclosure::person(&audience, p).into_inner())
    })
}

/// Reads one person's record for display; the read is audited.
pub fn get(store: &mut Store, actor: &Actor, id: i64, now: chrono::NaiveDateTime) -> Result<Person, PersonError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::ViewPerson)?;
    store.write(|tx| {
        let p = load(tx, id)?;
        audit::record(tx, actor, now, Action::View, "person", Some(id), serde_json::json!({}))?;
        Ok(crate::disclosure::person(&crate::disclosure::Audience::of(actor), p).into_inner())
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
#[serde(default, deny_unknown_fields)]
pub struct PersonFilter {
    /// Part of 氏名 or フリガナ (matched on the normalised key), or a 宛名番号.
    pub query: Option<String>,
    pub facility_id: Option<i64>,
    pub scheme: Option<Scheme>,
}

fn summary(audience: &crate::disclosure::Audience, s: SummaryRow, today: NaiveDate) -> PersonSummary {
    // A protected person's facility tells where they live (the disclosure rule's `place`).
    let protected = s.protected;
    PersonSummary {
        id: s.id,
        atena_no: s.atena_no,
        name: s.name,
        kana: s.kana,
        birth_date: s.birth_date,
        birth_date_wareki: wareki::format(s.birth_date),
        age: age_on(s.birth_date, today),
        sex: s.sex,
        scheme: s.scheme,
        scheme_label: s.scheme.label(),
        facility_id: crate::disclosure::place(audience, protected, s.facility_id),
        facility_name: crate::disclosure::place(audience, protected, s.facility_name),
        mynumber_card: s.mynumber_card,
        registration: s.registration,
        protected,
    }
}

/// Summaries of the given persons as `audience` may see them, in the order given (missing ids
/// are skipped).
pub(crate) fn summaries(
    conn: &crate::store::Read<'_>,
    audience: &crate::disclosure::Audience,
    ids: &[i64],
    today: NaiveDate,
) -> Result<Vec<PersonSummary>, PersonError> {
    Ok(conn.persons().summaries(ids)?.into_iter().map(|s| summary(audience, s, today)).collect())
}

/// Lists persons by フリガナ, a page at a time.
/// The list is audited with its filter and the persons it showed.
pub fn list(store: &mut Store, actor: &Actor, filter: &PersonFilter, page: Page, now: chrono::NaiveDateTime) -> Result<Paged<PersonSummary>, PersonError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::ViewPerson)?;
    let today = now.date();
    let q = filter.query.as_deref().map(str::trim).filter(|q| !q.is_empty());
    let key = q.map(normalize::search_key);
    let audience = crate::disclosure::Audience::of(actor);
    let query = PersonQuery {
        key_part: key.as_deref(),
        atena_no: q,
        facility_id: filter.facility_id,
        scheme: filter.scheme,
        facility_hides_protected: !audience.sees_protected_address(),
    };
    audit::viewed_many(
        store,
        actor,
        now,
        "person_list",
        |conn| {
            let rows = conn.persons().list(&query, page)?;
            Ok(Paged {
                items: rows.items.into_iter().map(|s| summary(&audience, s, today)).collect(),
                total: rows.total,
                offset: rows.offset,
                limit: rows.limit,
            })
        },
        |l: &Paged<PersonSummary>| serde_json::json!({"query": q, "facility_id": filter.facility_id, "shown": l.items.iter().map(|s| s.id).collect::<Vec<_>>()}),
    )
}
