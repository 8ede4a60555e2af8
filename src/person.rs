//! Persons needing consideration (対象者): register, change, move out, show, list and search.

use std::fmt::Write as _;

use clap::{Args, Subcommand};

use hairyo::household::{self, DeliveryRegistration};
use hairyo::operation::{self, Operation};
use hairyo::person::{self, Person, PersonFilter, PersonInput, PersonPatch, PersonSummary, Scheme};
use hairyo::text::wareki;
use hairyo::{moving, record, search, Paged};

use crate::output::page_footer;
use crate::session::page;
use crate::{typed, Invocation, Result};

#[derive(Args, Default, Clone)]
pub struct PersonFields {
    #[arg(long)]
    pub atena: Option<String>,
    /// 氏名
    #[arg(long)]
    pub name: Option<String>,
    /// フリガナ (katakana; hiragana and half-width are normalised)
    #[arg(long)]
    pub kana: Option<String>,
    /// 生年月日 (1940-04-01, 昭和15年4月1日, S15.4.1, 3150401 …)
    #[arg(long)]
    pub birth: Option<String>,
    /// male / female / unstated (男 / 女)
    #[arg(long)]
    pub sex: Option<String>,
    #[arg(long)]
    pub postal: Option<String>,
    #[arg(long)]
    pub address: Option<String>,
    #[arg(long)]
    pub phone: Option<String>,
    #[arg(long)]
    pub householder: Option<String>,
    /// 世帯番号 of the 住民票.
    #[arg(long)]
    pub household: Option<String>,
    /// 続柄 (世帯主, 妻, 子, 父, 母 … or a code: head, spouse, child …).
    #[arg(long)]
    pub relationship: Option<String>,
    /// 通称 (a foreign resident's alias).
    #[arg(long)]
    pub alias: Option<String>,
    /// 在留期限 (a foreign resident's period of stay).
    #[arg(long)]
    pub residence_until: Option<String>,
    /// Print this person's forms in 西暦.
    #[arg(long)]
    pub western_calendar: Option<bool>,
    /// kokuho / kouki / kumiai / employee / welfare / unknown
    #[arg(long)]
    pub scheme: Option<String>,
    #[arg(long)]
    pub insurer: Option<String>,
    /// 住所地特例: the other municipality's 国保 or other prefecture's 広域連合 insuring the
    /// person (empty to clear).
    #[arg(long)]
    pub other_insurer: Option<String>,
    #[arg(long)]
    pub symbol: Option<String>,
    #[arg(long)]
    pub number: Option<String>,
    #[arg(long)]
    pub branch: Option<String>,
    #[arg(long)]
    pub old_card_expiry: Option<String>,
    /// none / card / face_auth
    #[arg(long)]
    pub card: Option<String>,
    /// registered / not_registered / unknown
    #[arg(long)]
    pub registration: Option<String>,
    #[arg(long)]
    pub wishes_cancel: Option<bool>,
    /// Consideration reason (repeatable): elderly, dementia, physical, intellectual, mental, child, facility, pin, other
    #[arg(long = "reason")]
    pub reasons: Vec<String>,
    /// Facility ID where the person lives.
    #[arg(long)]
    pub facility: Option<i64>,
    /// none / guardian / parent
    #[arg(long)]
    pub legal_rep_kind: Option<String>,
    #[arg(long)]
    pub legal_rep_name: Option<String>,
    /// Under 支援措置 (DV/stalking protection): the address is never shown or printed.
    #[arg(long)]
    pub protected: Option<bool>,
    #[arg(long)]
    pub safe_postal: Option<String>,
    #[arg(long)]
    pub safe_address: Option<String>,
    /// メモ
    #[arg(long)]
    pub notes: Option<String>,
    /// A twelve-digit number in the notes is not a 個人番号 (checked by you).
    #[arg(long)]
    pub confirm_digits: bool,
}

#[derive(Subcommand)]
pub enum PersonCmd {
    /// Register a person.
    Add(PersonFields),
    /// Change fields of a person (only the given ones).
    Update {
        id: i64,
        #[command(flatten)]
        fields: PersonFields,
    },
    /// Show one person's record (audited).
    Show { id: i64 },
    /// 転出: the person moved to another municipality; closes their open items with that
    /// reason (applications, referrals, certificates, follow-ups).
    MoveOut {
        id: i64,
        /// The municipality moved to (転出先).
        #[arg(long)]
        to: String,
        /// The day of the move (default: today).
        #[arg(long, default_value = "")]
        on: String,
        #[arg(long, default_value = "")]
        note: String,
        #[arg(long)]
        confirm_digits: bool,
    },
    /// Register a standing 送付先変更: every certificate mailed while it stands goes there.
    DeliveryRegister {
        #[arg(long)]
        person: i64,
        #[arg(long, default_value = "")]
        postal: String,
        #[arg(long)]
        address: String,
        /// Whom the envelope names there (the guardian, the facility's office …).
        #[arg(long, default_value = "")]
        addressee: String,
        /// facility (施設入所), hospital (入院), guardian (成年後見人), relative (親族), other (その他).
        #[arg(long)]
        reason: String,
        /// From (default: today).
        #[arg(long, default_value = "")]
        from: String,
        /// Until (default: until ended).
        #[arg(long, default_value = "")]
        until: String,
        /// Who asked for it.
        #[arg(long)]
        requested_by: String,
        /// The document seen (登記事項証明書, 入所証明 …).
        #[arg(long, default_value = "")]
        document: String,
        #[arg(long, default_value = "")]
        note: String,
        #[arg(long)]
        confirm_digits: bool,
    },
    /// End a standing 送付先変更 before its period ran out.
    DeliveryEnd { id: i64 },
    /// List persons, a page at a time.
    List {
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(long, default_value_t = 0)]
        offset: i64,
        /// Part of 氏名 or フリガナ, or a 宛名番号.
        #[arg(long)]
        query: Option<String>,
        #[arg(long)]
        facility: Option<i64>,
        #[arg(long, value_parser = typed::coded("person.invalid", "scheme", Scheme::parse))]
        scheme: Option<Scheme>,
    },
}

pub fn run(inv: &Invocation, cmd: &PersonCmd) -> Result {
    match cmd {
        PersonCmd::Add(fields) => add(inv, fields),
        PersonCmd::Update { id, fields } => update(inv, *id, fields),
        PersonCmd::DeliveryRegister { .. } => register_delivery(inv, cmd),
        PersonCmd::DeliveryEnd { id } => inv.call(Operation::EndDeliveryRegistration(operation::Id { id: *id })),
        PersonCmd::MoveOut { id, to, on, note, confirm_digits } => {
            let input = moving::MoveOutInput { moved_on: on.clone(), moved_to: to.clone(), note: note.clone(), confirmed_digits: *confirm_digits };
            move_out(inv, *id, input)
        }
        PersonCmd::Show { id } => show(inv, *id),
        PersonCmd::List { limit, offset, query, facility, scheme } => {
            list(inv, &PersonFilter { query: query.clone(), facility_id: *facility, scheme: *scheme }, *offset, *limit)
        }
    }
}

fn add(inv: &Invocation, fields: &PersonFields) -> Result {
    let input = patch_of(fields).apply(PersonInput::default());
    inv.call(Operation::AddPerson(operation::Input { input }))
}

fn update(inv: &Invocation, id: i64, fields: &PersonFields) -> Result {
    inv.call(Operation::UpdatePerson(operation::UpdatePerson { id, patch: patch_of(fields) }))
}

fn move_out(inv: &Invocation, person_id: i64, input: moving::MoveOutInput) -> Result {
    inv.call(Operation::MoveOut(operation::MoveOutArgs { person_id, input }))
}

fn show(inv: &Invocation, id: i64) -> Result {
    inv.call(Operation::ShowPerson(operation::Id { id }))
}

fn list(inv: &Invocation, filter: &PersonFilter, offset: i64, limit: i64) -> Result {
    let (mut store, actor) = inv.sign_in()?;
    inv.emit(&person::list(&mut store, &actor, filter, page(offset, limit)?, inv.now)?, list_text)
}

/// `hairyo search`: persons by name, kana, 宛名番号 or birth date.
pub fn search(inv: &Invocation, query: &str, limit: i64, offset: i64) -> Result {
    let page = page(offset, limit)?;
    inv.call(Operation::SearchPersons(operation::SearchPersons { query: query.to_string(), offset: page.offset, limit: page.limit }))
}

/// The fields given on the command line, and only those, as a patch.
fn patch_of(f: &PersonFields) -> PersonPatch {
    PersonPatch {
        atena_no: f.atena.clone(),
        name: f.name.clone(),
        kana: f.kana.clone(),
        birth_date: f.birth.clone(),
        sex: f.sex.clone(),
        postal_code: f.postal.clone(),
        address: f.address.clone(),
        phone: f.phone.clone(),
        householder: f.householder.clone(),
        scheme: f.scheme.clone(),
        insurer_no: f.insurer.clone(),
        other_insurer: f.other_insurer.clone(),
        card_symbol: f.symbol.clone(),
        card_number: f.number.clone(),
        card_branch: f.branch.clone(),
        old_card_expiry: f.old_card_expiry.clone(),
        mynumber_card: f.card.clone(),
        registration: f.registration.clone(),
        wishes_cancel: f.wishes_cancel,
        reasons: (!f.reasons.is_empty()).then(|| f.reasons.clone()),
        facility_id: f.facility.map(Some),
        legal_rep_kind: f.legal_rep_kind.clone(),
        legal_rep_name: f.legal_rep_name.clone(),
        protected: f.protected,
        safe_postal_code: f.safe_postal.clone(),
        safe_address: f.safe_address.clone(),
        notes: f.notes.clone(),
        confirmed_digits: f.confirm_digits.then_some(true),
        household_no: f.household.clone(),
        relationship: f.relationship.clone(),
        alias: f.alias.clone(),
        residence_until: f.residence_until.clone(),
        western_calendar: f.western_calendar,
    }
}

/// `hairyo person delivery-register`: a standing 送付先変更.
fn register_delivery(inv: &Invocation, cmd: &PersonCmd) -> Result {
    let PersonCmd::DeliveryRegister { person, postal, address, addressee, reason, from, until, requested_by, document, note, confirm_digits } = cmd else {
        unreachable!("called for delivery-register only")
    };
    let input = household::RegistrationInput {
        person_id: *person,
        postal_code: postal.clone(),
        address: address.clone(),
        addressee: addressee.clone(),
        reason: reason.clone(),
        from_on: from.clone(),
        until_on: until.clone(),
        requested_by: requested_by.clone(),
        document_seen: document.clone(),
        note: note.clone(),
        confirmed_digits: *confirm_digits,
    };
    inv.call(Operation::RegisterDelivery(operation::RegisterDeliveryArgs { input }))
}

pub fn registration_text(r: &DeliveryRegistration) -> String {
    let until = r.until_on.map(wareki::format).unwrap_or_else(|| "終了の届出まで".into());
    let ended = r.ended_at.as_deref().map(|at| format!(" (終了 {at})")).unwrap_or_default();
    let postal = if r.postal_code.is_empty() { String::new() } else { format!("〒{} ", r.postal_code) };
    format!(
        "送付先変更 ID {} ({}): {postal}{} {} — {}から{until}{ended}\n申出者: {} 確認書類: {}\n",
        r.id,
        r.reason_label,
        r.address,
        r.addressee,
        wareki::format(r.from_on),
        r.requested_by,
        r.document_seen
    )
}

pub fn added_text(p: &Person) -> String {
    format!("対象者を登録しました (ID {}): {} ({})", p.id, p.name, p.kana)
}

pub fn updated_text(p: &Person) -> String {
    format!("対象者を更新しました (ID {}): {}", p.id, p.name)
}

pub fn moved_out_text(m: &moving::MovedOut) -> String {
    let mut out = format!("{}に{}への転出を記録しました\n", wareki::format(m.move_out.moved_on), m.move_out.moved_to);
    for c in &m.closed {
        let _ = writeln!(out, "・{c}");
    }
    let _ = writeln!(out, "引継ぎ票: hairyo print hand-over --person {} -o 引継ぎ票.pdf", m.person_id);
    out
}

/// One person's record: what needs checking first, who, where, insurance, consideration, the
/// route to a certificate and how much is on file.
pub fn record_text(r: &record::PersonRecord) -> String {
    [
        warnings_text(r),
        identity_text(r),
        address_text(&r.person),
        household_text(r),
        delivery_text(r),
        insurance_text(&r.person),
        consideration_text(r),
        route_text(r),
        counts_text(r),
    ]
    .concat()
}

/// The household: its number, the 世帯主 and the other members the reader may see.
fn household_text(r: &record::PersonRecord) -> String {
    let p = &r.person;
    if p.household_no.is_empty() {
        return String::new();
    }
    let mut s = format!("世帯番号: {}", p.household_no);
    if let Some(rel) = p.relationship {
        let _ = write!(s, " (続柄 {})", rel.label());
    }
    if let Some(h) = &r.householder {
        let _ = write!(s, "  世帯主: {}", h.name);
    }
    s.push('\n');
    match &r.household {
        None => s.push_str("世帯員: 支援措置のため非表示\n"),
        Some(members) => {
            for m in members {
                let _ = writeln!(
                    s,
                    "  世帯員: {} ({}) {}",
                    m.name,
                    if m.relationship_label.is_empty() { "続柄未登録" } else { m.relationship_label },
                    wareki::format(m.birth_date)
                );
            }
        }
    }
    s
}

/// The standing 送付先変更 registrations.
fn delivery_text(r: &record::PersonRecord) -> String {
    r.delivery_registrations
        .iter()
        .map(|d| {
            let standing = if Some(d.id) == r.standing_registration_id { "【現在の送付先】" } else { "" };
            format!("{standing}{}", registration_text(d))
        })
        .collect()
}

fn warnings_text(r: &record::PersonRecord) -> String {
    r.warnings.iter().map(|w| format!("【注意】{w}\n")).collect()
}

fn identity_text(r: &record::PersonRecord) -> String {
    let p = &r.person;
    let mut s = String::new();
    let _ = writeln!(s, "ID {}  宛名番号 {}", p.id, if p.atena_no.is_empty() { "—" } else { &p.atena_no });
    let _ = writeln!(s, "氏名: {} ({})", p.name, p.kana);
    if !p.alias.is_empty() {
        let _ = writeln!(s, "通称: {}", p.alias);
    }
    if let Some(until) = p.residence_until {
        let _ = writeln!(s, "在留期限: {}", wareki::format(until));
    }
    let _ = writeln!(s, "生年月日: {} ({}歳)  性別: {}", r.birth_date_wareki, r.age, p.sex.label());
    s
}

fn address_text(p: &Person) -> String {
    if p.protected {
        format!("住所: 支援措置のため非表示 (送付先: 〒{} {})\n", p.safe_postal_code, p.safe_address)
    } else {
        format!("住所: 〒{} {}\n", p.postal_code, p.address)
    }
}

fn insurance_text(p: &Person) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "保険: {} 保険者番号 {} 記号 {} 番号 {} 枝番 {}", p.scheme.label(), p.insurer_no, p.card_symbol, p.card_number, p.card_branch);
    if p.insured_elsewhere() {
        let _ = writeln!(s, "住所地特例: {} の被保険者 (市の申請書は使えません)", p.other_insurer);
    }
    let _ = writeln!(s, "マイナンバーカード: {} / 保険証利用登録: {}", p.mynumber_card.label(), p.registration.label());
    s
}

fn consideration_text(r: &record::PersonRecord) -> String {
    let reasons: Vec<&str> = r.person.reasons.iter().map(|r| r.label()).collect();
    let mut s = format!("配慮理由: {}\n", if reasons.is_empty() { "—".to_string() } else { reasons.join("、") });
    if let Some(f) = &r.facility {
        let _ = writeln!(s, "施設: {} ({})", f.name, f.kind_label);
    }
    s
}

fn route_text(r: &record::PersonRecord) -> String {
    let route = &r.route;
    format!("交付経路: {}{} [{}]\n  {}\n", route.label, if route.to_confirm { " 【要確認】" } else { "" }, route.r_numbers.join(", "), route.explanation)
}

fn counts_text(r: &record::PersonRecord) -> String {
    format!("接点 {}件 / 連携依頼 {}件 / 申請 {}件 / 資格確認書 {}件\n", r.touchpoints.len(), r.referrals.len(), r.applications.len(), r.certificates.len())
}

fn list_text(l: &Paged<PersonSummary>) -> String {
    let mut out = String::new();
    for p in &l.items {
        let _ = writeln!(out, "{}\t{}\t{}\t{}\t{}歳\t{}", p.id, p.name, p.kana, p.birth_date_wareki, p.age, p.scheme_label);
    }
    out.push_str(&page_footer(l));
    out
}

pub fn search_text(r: &search::Results) -> String {
    let mut out = format!("{} で検索\n", r.description);
    for h in &r.hits.items {
        let p = &h.person;
        let _ = writeln!(out, "{}\t{}\t{}\t{}\t{}\t{}", p.id, p.name, p.kana, p.birth_date_wareki, p.atena_no, h.matched.label());
    }
    out.push_str(&page_footer(&r.hits));
    if r.total_capped {
        out.push_str(&format!(" ({}件以上。条件を加えて絞り込んでください)", search::COUNT_CAP));
    }
    out
}
