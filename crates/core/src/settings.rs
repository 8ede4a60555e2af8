//! City settings: the city's name, the 宛先 on forms, each desk's contact block, and how long
//! each scheme's certificates run.

use serde::{Deserialize, Serialize};

use crate::audit::{self, Action};
use crate::model::application::AppScheme;
pub use crate::model::certificate::CertificateValidity;
use crate::model::person::{Reason, ReasonSpan, ReasonSpans};
pub use crate::model::staff::DeskContact;
use crate::model::staff::{Actor, Desk};
use crate::store::{Store, StoreError};
use crate::validate::{self, Checker, Invalid};

/// The city as it appears on forms and leaflets.
#[derive(ts_rs::TS, Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CitySettings {
    /// 市区町村名, e.g. 見本市.
    pub city_name: String,
    /// 宛先 printed on application forms, e.g. 見本市長.
    pub addressee: String,
    /// The 後期高齢者医療広域連合 the city's counter serves, e.g. 見本県後期高齢者医療広域連合.
    pub kouki_union: String,
    /// The 広域連合's 保険者番号 (eight digits from 39), printed on 後期 forms; empty until set.
    pub kouki_insurer_number: String,
    /// The 広域連合 prescribes its own 申請書: the city prints the cover letter and the 委任状,
    /// never a 後期 申請書 of its own.
    pub kouki_union_form: bool,
    /// The 広域連合 lets the city issue 後期 certificates at its counter: a 後期 application
    /// received while this holds follows the city's own steps (審査, 交付決定, 交付) as 国保's
    /// do, instead of 進達 and the union's decision.
    pub kouki_counter_issue: bool,
    /// The 文書番号 printed on the letters the city sends facilities (e.g. 見保年第1201号);
    /// may be empty.
    pub document_number: String,
    /// 国保 certificates mailed home are addressed to the 世帯主 (世帯主宛), as the 国保 notices
    /// of the household are.
    pub mail_to_householder: bool,
    /// Mail to a standing 送付先 goes 簡易書留.
    pub registered_mail: bool,
    /// Mail to a standing 送付先 is marked 転送不要, so it comes back rather than follow a move.
    pub no_forwarding: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("設定の変更は管理者のみが行えます")]
    AdminOnly,
    #[error("{0}")]
    Invalid(Invalid),
    #[error("設定「{0}」の値を読み取れません。設定画面で保存し直してください")]
    Unreadable(String),
    #[error(transparent)]
    Access(#[from] crate::access::AccessError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl SettingsError {
    pub fn code(&self) -> &'static str {
        match self {
            SettingsError::AdminOnly => "settings.admin_only",
            SettingsError::Invalid(_) => "settings.invalid",
            SettingsError::Unreadable(_) => "settings.unreadable",
            SettingsError::Access(e) => e.code(),
            SettingsError::Store(e) => e.code(),
        }
    }
}

/// Fictional defaults so that a fresh database prints something sensible; an administrator
/// replaces them with the city's own details.
pub(crate) fn seed_defaults(tx: &crate::store::Write<'_>) -> Result<(), StoreError> {
    for (k, v) in [
        ("city_name", "見本市"),
        ("addressee", "見本市長"),
        ("kouki_union", "見本県後期高齢者医療広域連合"),
        // Empty until the city enters the 広域連合's number: a form printed without it warns.
        ("kouki_insurer_number", ""),
        ("kouki_union_form", "false"),
        ("kouki_counter_issue", "false"),
        ("document_number", ""),
        ("mail_to_householder", "false"),
        ("registered_mail", "false"),
        ("no_forwarding", "true"),
    ] {
        tx.settings_mut().set_default(k, v)?;
    }
    let contacts = [
        (Desk::Kokuho, "見本市 保険年金課 国民健康保険係", "0120-000-101", "平日 8時30分～17時15分", "市役所本庁舎1階 3番窓口"),
        (Desk::Kouki, "見本市 保険年金課 後期高齢者医療係", "0120-000-102", "平日 8時30分～17時15分", "市役所本庁舎1階 4番窓口"),
        (Desk::Kaigo, "見本市 介護保険課", "0120-000-103", "平日 8時30分～17時15分", "市役所本庁舎2階"),
        (Desk::Shogai, "見本市 障害福祉課", "0120-000-104", "平日 8時30分～17時15分", "市役所本庁舎2階"),
        (Desk::Jido, "見本市 こども家庭課", "0120-000-105", "平日 8時30分～17時15分", "市役所本庁舎3階"),
        (Desk::Houkatsu, "見本市 中央地域包括支援センター", "0120-000-106", "平日 9時～17時", "見本市中央町1-1"),
        (Desk::Kikan, "見本市 基幹相談支援センター", "0120-000-107", "平日 9時～17時", "見本市中央町1-2"),
    ];
    for (desk, name, phone, hours, place) in contacts {
        tx.settings_mut().set_desk_contact(&DeskContact { desk, name: name.into(), phone: phone.into(), hours: hours.into(), place: place.into() })?;
    }
    Ok(())
}

fn get(conn: &crate::store::Read<'_>, key: &str) -> Result<String, StoreError> {
    Ok(conn.settings().value(key)?.unwrap_or_default())
}

/// The city's name and the 広域連合's: public facts printed on every handout, so the sign-in
/// screen may show them before anyone signs in.
pub fn public_city(store: &Store) -> Result<CitySettings, SettingsError> {
    city(&store.read())
}

pub(crate) fn city(conn: &crate::store::Read<'_>) -> Result<CitySettings, SettingsError> {
    // A switch never set reads as off (a database from before it); anything but the two words
    // the core writes is refused rather than guessed.
    let switch = |key: &str| -> Result<bool, SettingsError> {
        match get(conn, key)?.as_str() {
            "" | "false" => Ok(false),
            "true" => Ok(true),
            _ => Err(SettingsError::Unreadable(key.to_string())),
        }
    };
    Ok(CitySettings {
        city_name: get(conn, "city_name")?,
        addressee: get(conn, "addressee")?,
        kouki_union: get(conn, "kouki_union")?,
        kouki_insurer_number: get(conn, "kouki_insurer_number")?,
        kouki_union_form: switch("kouki_union_form")?,
        kouki_counter_issue: switch("kouki_counter_issue")?,
        document_number: get(conn, "document_number")?,
        mail_to_householder: switch("mail_to_householder")?,
        registered_mail: switch("registered_mail")?,
        no_forwarding: switch("no_forwarding")?,
    })
}

/// The marks the city puts on mail to a standing 送付先, in the order the envelope reads them.
pub(crate) fn mail_marks(conn: &crate::store::Read<'_>) -> Result<Vec<&'static str>, StoreError> {
    let on = |key: &str| -> Result<bool, StoreError> { Ok(conn.settings().value(key)?.as_deref() == Some("true")) };
    let mut marks = Vec::new();
    if on("registered_mail")? {
        marks.push("簡易書留");
    }
    if on("no_forwarding")? {
        marks.push("転送不要");
    }
    Ok(marks)
}

/// Whether 国保 certificates mailed home are addressed to the 世帯主.
pub(crate) fn mail_to_householder(conn: &crate::store::Read<'_>) -> Result<bool, StoreError> {
    Ok(conn.settings().value("mail_to_householder")?.as_deref() == Some("true"))
}

/// The span of each reason as the city counts it (one read).
pub(crate) fn reason_spans_of(conn: &crate::store::Read<'_>) -> Result<ReasonSpans, StoreError> {
    Ok(ReasonSpans::from_stored(conn.settings().value("continuing_reasons")?.as_deref()))
}

/// Every reason with its span as the city counts it, for the forms and the settings screen.
pub fn reason_spans(store: &Store, actor: &Actor, _now: chrono::NaiveDateTime) -> Result<Vec<crate::model::person::ReasonChoice>, SettingsError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::ViewPerson)?;
    Ok(crate::model::person::reason_choices(&reason_spans_of(&store.read())?))
}

/// One reason's span as an administrator sets it: codes, checked here.
#[derive(ts_rs::TS, Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReasonSpanInput {
    pub reason: String,
    /// continuing (継続的: the certificate continues at renewal without a new application,
    /// where the rules say so) or temporary (一時的).
    pub span: String,
}

/// Sets the span of the reasons given (the others keep theirs), all or none; the answer is
/// every reason with its span.
pub fn set_reason_spans(
    store: &mut Store,
    actor: &Actor,
    input: &[ReasonSpanInput],
    now: chrono::NaiveDateTime,
) -> Result<Vec<crate::model::person::ReasonChoice>, SettingsError> {
    store.enter(actor.municipality)?;
    require_admin(actor)?;
    let mut c = Checker::new();
    let mut set = Vec::new();
    for row in input {
        let reason = c.take("reason", Reason::parse(&row.reason));
        let span = c.take("span", ReasonSpan::parse(&row.span));
        if let (Some(r), Some(s)) = (reason, span) {
            set.push((r, s));
        }
    }
    if input.is_empty() {
        c.fail("reason", "性質を変える配慮理由を指定してください");
    }
    c.finish().map_err(SettingsError::Invalid)?;
    store.write(|tx| {
        let before = reason_spans_of(tx)?;
        let mut spans: Vec<(Reason, ReasonSpan)> = Reason::ALL.iter().map(|r| (*r, before.span(*r))).collect();
        for (r, s) in &set {
            if let Some(slot) = spans.iter_mut().find(|(x, _)| x == r) {
                slot.1 = *s;
            }
        }
        let after = ReasonSpans::with(&spans);
        tx.settings_mut().set("continuing_reasons", &after.to_stored())?;
        audit::record(
            tx,
            actor,
            now,
            Action::Update,
            "settings",
            None,
            serde_json::json!({"continuing_reasons": {"before": before.to_stored(), "after": after.to_stored()}}),
        )?;
        Ok(crate::model::person::reason_choices(&after))
    })
}

/// Whether the 広域連合 lets the city issue 後期 certificates at its counter now.
pub(crate) fn kouki_counter_issue(conn: &crate::store::Read<'_>) -> Result<bool, StoreError> {
    Ok(conn.settings().value("kouki_counter_issue")?.as_deref() == Some("true"))
}

/// A 広域連合's 保険者番号: eight digits, 39 (後期高齢者医療) then the prefecture's two, with its
/// check digit (as every 保険者番号, [`validate::insurer_number`]).
fn kouki_insurer_number(s: &str) -> Result<String, String> {
    let v = validate::insurer_number(s)?;
    let prefecture = v.get(2..4).and_then(|p| p.parse::<u8>().ok());
    if v.is_empty() || (v.len() == 8 && v.starts_with("39") && prefecture.is_some_and(|p| p >= 1)) {
        Ok(v)
    } else {
        Err(format!("広域連合の保険者番号「{v}」は、39 で始まる8桁の数字で入力してください (39 の次の2桁は都道府県番号です)"))
    }
}

pub(crate) fn desk_contact(conn: &crate::store::Read<'_>, desk: Desk) -> Result<DeskContact, SettingsError> {
    Ok(conn.settings().desk_contact(desk)?.ok_or(StoreError::NotFound { what: "窓口" })?)
}

/// Every desk's contact details, as printed on the handouts.
pub fn desk_contacts(store: &Store, actor: &Actor, _now: chrono::NaiveDateTime) -> Result<Vec<DeskContact>, SettingsError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::ViewPerson)?;
    Desk::ALL.iter().map(|d| desk_contact(&store.read(), *d)).collect()
}

fn require_admin(actor: &Actor) -> Result<(), SettingsError> {
    if crate::access::can(actor, crate::access::Permission::ChangeSettings) {
        Ok(())
    } else {
        Err(SettingsError::AdminOnly)
    }
}

pub fn set_city(store: &mut Store, actor: &Actor, s: &CitySettings, now: chrono::NaiveDateTime) -> Result<CitySettings, SettingsError> {
    store.enter(actor.municipality)?;
    require_admin(actor)?;
    let mut c = Checker::new();
    let city_name = c.take("city_name", validate::text("市区町村名", &s.city_name, 20, true));
    let addressee = c.take("addressee", validate::text("宛先", &s.addressee, 40, true));
    let kouki_union = c.take("kouki_union", validate::text("広域連合名", &s.kouki_union, 40, true));
    let insurer_number = c.take("kouki_insurer_number", kouki_insurer_number(&s.kouki_insurer_number));
    let document_number = c.take("document_number", validate::text("文書番号", &s.document_number, 30, false));
    c.finish().map_err(SettingsError::Invalid)?;
    let new = CitySettings {
        city_name: city_name.unwrap_or_default(),
        addressee: addressee.unwrap_or_default(),
        kouki_union: kouki_union.unwrap_or_default(),
        kouki_insurer_number: insurer_number.unwrap_or_default(),
        kouki_union_form: s.kouki_union_form,
        kouki_counter_issue: s.kouki_counter_issue,
        document_number: document_number.unwrap_or_default(),
        mail_to_householder: s.mail_to_householder,
        registered_mail: s.registered_mail,
        no_forwarding: s.no_forwarding,
    };
    store.write(|tx| {
        let before = city(tx)?;
        let switch = |on: bool| if on { "true".to_string() } else { "false".to_string() };
        for (k, v) in [
            ("city_name", new.city_name.clone()),
            ("addressee", new.addressee.clone()),
            ("kouki_union", new.kouki_union.clone()),
            ("kouki_insurer_number", new.kouki_insurer_number.clone()),
            ("kouki_union_form", switch(new.kouki_union_form)),
            ("kouki_counter_issue", switch(new.kouki_counter_issue)),
            ("document_number", new.document_number.clone()),
            ("mail_to_householder", switch(new.mail_to_householder)),
            ("registered_mail", switch(new.registered_mail)),
            ("no_forwarding", switch(new.no_forwarding)),
        ] {
            tx.settings_mut().set(k, &v)?;
        }
        audit::record(tx, actor, now, Action::Update, "settings", None, serde_json::json!({"before": before, "after": new}))?;
        Ok(new.clone())
    })
}

pub fn set_desk_contact(store: &mut Store, actor: &Actor, d: &DeskContact, now: chrono::NaiveDateTime) -> Result<DeskContact, SettingsError> {
    store.enter(actor.municipality)?;
    require_admin(actor)?;
    let mut c = Checker::new();
    let new = checked_contact(&mut c, d, "");
    c.finish().map_err(SettingsError::Invalid)?;
    store.write(|tx| {
        let before = desk_contact(tx, d.desk)?;
        tx.settings_mut().set_desk_contact(&new)?;
        audit::record(tx, actor, now, Action::Update, "desk", None, serde_json::json!({"before": before, "after": new}))?;
        Ok(new.clone())
    })
}

/// Every desk's contact block as 設定 › 窓口の連絡先 shows them, saved together: each row is
/// checked (a refusal names the desk and the field), then all are stored in one transaction or
/// none, so no row's edit is lost while another is refused. Rows that did not change are not
/// written. The answer is every desk's block as stored.
pub fn set_desk_contacts(store: &mut Store, actor: &Actor, rows: &[DeskContact], now: chrono::NaiveDateTime) -> Result<Vec<DeskContact>, SettingsError> {
    store.enter(actor.municipality)?;
    require_admin(actor)?;
    let mut c = Checker::new();
    let mut seen = std::collections::HashSet::new();
    let checked: Vec<DeskContact> = rows
        .iter()
        .map(|d| {
            if !seen.insert(d.desk) {
                c.fail("desk", format!("{}の連絡先が二度あります", d.desk.label()));
            }
            checked_contact(&mut c, d, d.desk.label())
        })
        .collect();
    c.finish().map_err(SettingsError::Invalid)?;
    store.write(|tx| {
        for new in &checked {
            let before = desk_contact(tx, new.desk)?;
            if before == *new {
                continue;
            }
            tx.settings_mut().set_desk_contact(new)?;
            audit::record(tx, actor, now, Action::Update, "desk", None, serde_json::json!({"before": before, "after": new}))?;
        }
        Ok::<(), SettingsError>(())
    })?;
    desk_contacts(store, actor, now)
}

/// One contact block checked into `c`; `row` (the desk's name) starts each message when several
/// rows are checked at once.
fn checked_contact(c: &mut Checker, d: &DeskContact, row: &str) -> DeskContact {
    let at = |what: &str| if row.is_empty() { what.to_string() } else { format!("{row}の{what}") };
    let name = c.take("name", validate::text(&at("窓口名"), &d.name, 40, true));
    let phone = c.take("phone", validate::phone(&at("電話番号"), &d.phone));
    let hours = c.take("hours", validate::text(&at("受付時間"), &d.hours, 40, false));
    let place = c.take("place", validate::text(&at("場所"), &d.place, 40, false));
    DeskContact {
        desk: d.desk,
        name: name.unwrap_or_default(),
        phone: phone.unwrap_or_default(),
        hours: hours.unwrap_or_default(),
        place: place.unwrap_or_default(),
    }
}

/// The longest validity an insurer may set, in years.
pub const MAX_VALIDITY_YEARS: u32 = 5;

fn validity_key(scheme: AppScheme) -> String {
    format!("certificate_validity.{}", scheme.code())
}

/// How long `scheme`'s certificates run. A database that never had it set runs them to the next
/// 7/31, as every database did before the setting existed.
pub(crate) fn validity_of(conn: &crate::store::Read<'_>, scheme: AppScheme) -> Result<CertificateValidity, SettingsError> {
    match conn.settings().value(&validity_key(scheme))? {
        None => Ok(CertificateValidity::to_next_july_31(scheme)),
        Some(v) => serde_json::from_str::<CertificateValidity>(&v)
            .ok()
            .filter(|c| c.scheme == scheme && (1..=MAX_VALIDITY_YEARS).contains(&c.years) && ends_every_year(c.end_month, c.end_day))
            .ok_or_else(|| SettingsError::Unreadable(format!("{}の有効期間", scheme.label()))),
    }
}

/// The validity setting of each scheme, 国保 first.
pub fn certificate_validity(store: &Store, actor: &Actor, _now: chrono::NaiveDateTime) -> Result<Vec<CertificateValidity>, SettingsError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::ViewPerson)?;
    let conn = &store.read();
    AppScheme::ALL.iter().map(|s| validity_of(conn, *s)).collect()
}

/// A validity setting as typed: the scheme's code and whole numbers as text.
#[derive(ts_rs::TS, Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValidityInput {
    pub scheme: String,
    pub years: String,
    pub end_month: String,
    pub end_day: String,
}

/// Whether `month`/`day` comes every year (a common year decides, so 2/29 does not).
fn ends_every_year(month: u32, day: u32) -> bool {
    chrono::NaiveDate::from_ymd_opt(2025, month, day).is_some()
}

/// A whole number typed in half- or full-width digits.
pub(crate) fn whole(label: &str, text: &str) -> Result<u32, String> {
    let t: String = text.trim().chars().map(|c| if ('０'..='９').contains(&c) { char::from_u32(c as u32 - 0xFEE0).unwrap_or(c) } else { c }).collect();
    if t.is_empty() {
        return Err(format!("{label}を入力してください"));
    }
    t.parse::<u32>().map_err(|_| format!("{label}は数字で入力してください"))
}

/// Reads a typed validity setting, with every field's problem at once: one to five years,
/// ending on a day every year has (not 2/29).
pub fn parse_validity(input: &ValidityInput) -> Result<CertificateValidity, SettingsError> {
    let mut c = Checker::new();
    let scheme = c.take("scheme", AppScheme::parse(&input.scheme));
    let years = c.take(
        "years",
        whole("有効期間の年数", &input.years).and_then(|y| {
            if (1..=MAX_VALIDITY_YEARS).contains(&y) {
                Ok(y)
            } else {
                Err(format!("有効期間は1年から{MAX_VALIDITY_YEARS}年までで入力してください (入力: {y}年)"))
            }
        }),
    );
    let month = c.take(
        "end_month",
        whole("有効期限の月", &input.end_month).and_then(|m| {
            if (1..=12).contains(&m) {
                Ok(m)
            } else {
                Err(format!("月は1から12で入力してください (入力: {m})"))
            }
        }),
    );
    let day = c.take(
        "end_day",
        whole("有効期限の日", &input.end_day).and_then(|d| match month {
            Some(m) if ends_every_year(m, d) => Ok(d),
            Some(2) if d == 29 => Err("2月29日は毎年はないため、有効期限の日にはできません".to_string()),
            Some(m) => Err(format!("{m}月{d}日という日はありません")),
            None if (1..=31).contains(&d) => Ok(d),
            None => Err(format!("日は1から31で入力してください (入力: {d})")),
        }),
    );
    c.finish().map_err(SettingsError::Invalid)?;
    let (Some(scheme), Some(years), Some(end_month), Some(end_day)) = (scheme, years, month, day) else {
        // `finish` passed, so every value was read.
        return Err(SettingsError::Invalid(Invalid(vec![])));
    };
    Ok(CertificateValidity { scheme, years, end_month, end_day })
}

/// Sets how long a scheme's certificates run; administrators only. Certificates already issued
/// keep their dates; the audit keeps before and after.
pub fn set_certificate_validity(
    store: &mut Store,
    actor: &Actor,
    input: &ValidityInput,
    now: chrono::NaiveDateTime,
) -> Result<CertificateValidity, SettingsError> {
    store.enter(actor.municipality)?;
    require_admin(actor)?;
    let new = parse_validity(input)?;
    store.write(|tx| {
        let before = validity_of(tx, new.scheme)?;
        let json = serde_json::to_string(&new).map_err(|e| SettingsError::Unreadable(e.to_string()))?;
        tx.settings_mut().set(&validity_key(new.scheme), &json)?;
        audit::record(tx, actor, now, Action::Update, "settings", None, serde_json::json!({"certificate_validity": {"before": before, "after": new}}))?;
        Ok(new)
    })
}
