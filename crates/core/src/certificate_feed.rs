//! The core systems' certificates (標準準拠システム, the 広域連合's system): a CSV of what they
//! issued, reissued, sent as 資格情報のお知らせ, had back as returned mail, or collected, merged
//! into Hairyo's one ledger. A certificate recorded here and the same one fed are matched, never
//! doubled; one that disagrees is listed for a clerk. All or nothing, like every import.

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::audit::{self, Action};
use crate::certificate::{self, CertificateStep, CertificateStepKind};
use crate::coded_enum;
use crate::disclosure::{self, Audience, Shown};
use crate::feed::{FeedError, FeedLine, FeedProblem, FeedReport};
use crate::import::Encoding;
use crate::model::application::AppScheme;
use crate::model::certificate::{
    CardDetails, Certificate, CertificateBasis, CertificateConflict, CertificateSource, CertificateStatus, ConflictResolution, CopayRate, FedCertificate,
    FedDelivery, Issuer, LimitClass, SpecifiedDisease, ValidityBasis,
};
use crate::model::person::{elderly_recipient_from, school_from, Person};
use crate::model::staff::Actor;
use crate::person;
use crate::store::certificates::{CertificateChange, NewCertificate, NewCertificateEvent};
use crate::store::Store;
use crate::validate;
use crate::{Page, Paged};

coded_enum! {
    /// What a row of the core systems' certificate feed records.
    pub enum IssueEvent ("区分") {
        Issued = ("issued", "交付"),
        Reissued = ("reissued", "再交付"),
        Notice = ("notice", "資格情報のお知らせ"),
        MailReturned = ("mail_returned", "返戻"),
        Collected = ("collected", "回収"),
    }
}

coded_enum! {
    /// A column of the certificate feed; its label is the header the file has by default.
    pub enum IssueColumn ("列") {
        AtenaNo = ("atena_no", "宛名番号"),
        Event = ("event", "区分"),
        Scheme = ("scheme", "制度"),
        On = ("on", "日付"),
        ValidUntil = ("valid_until", "有効期限"),
        Symbol = ("symbol", "記号"),
        Number = ("number", "番号"),
        Branch = ("branch", "枝番"),
        CopayRate = ("copay_rate", "負担割合"),
        LimitClass = ("limit_class", "限度区分"),
        SpecifiedDisease = ("specified_disease", "特定疾病"),
        SpecialCare = ("special_care", "特別療養費"),
        Delivery = ("delivery", "送付"),
    }
}

impl IssueColumn {
    /// The columns every file has; the rest may be left out where a system does not print them.
    fn required(self) -> bool {
        matches!(self, IssueColumn::AtenaNo | IssueColumn::Event | IssueColumn::Scheme | IssueColumn::On)
    }
}

/// A saved set of headers for the certificate feed: each column's header in the city's file,
/// by column code; a column not named keeps its default header.
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssueFeedProfile {
    pub name: String,
    pub headers: BTreeMap<String, String>,
}

impl IssueFeedProfile {
    fn header(&self, c: IssueColumn) -> String {
        self.headers.get(c.code()).map(|h| h.trim().to_string()).filter(|h| !h.is_empty()).unwrap_or_else(|| c.label().to_string())
    }
}

const PROFILE_PREFIX: &str = "issue_feed_profile.";

/// The saved column profiles of the certificate feed.
pub fn profiles(store: &Store, actor: &Actor, _now: NaiveDateTime) -> Result<Vec<IssueFeedProfile>, FeedError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::ImportData)?;
    Ok(store.read().settings().values_with_prefix(PROFILE_PREFIX)?.iter().filter_map(|v| serde_json::from_str(v).ok()).collect())
}

/// Saves a column profile; administrators only. Columns are named by code, each header once.
pub fn save_profile(store: &mut Store, actor: &Actor, p: &IssueFeedProfile, now: NaiveDateTime) -> Result<IssueFeedProfile, FeedError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::ChangeSettings)?;
    let name = p.name.trim().to_string();
    if name.is_empty() {
        return Err(FeedError::BadProfile("プロファイルの名前を入力してください".into()));
    }
    for code in p.headers.keys() {
        IssueColumn::parse(code).map_err(FeedError::BadProfile)?;
    }
    let p = IssueFeedProfile { name, headers: p.headers.iter().map(|(k, v)| (k.clone(), v.trim().to_string())).filter(|(_, v)| !v.is_empty()).collect() };
    let mut headers: Vec<String> = IssueColumn::ALL.iter().map(|c| p.header(*c)).collect();
    headers.sort();
    if headers.windows(2).any(|w| w[0] == w[1]) {
        return Err(FeedError::BadProfile("同じ見出しが二つの列に割り当てられています".into()));
    }
    store.write(|tx| {
        tx.settings_mut().set(&format!("{PROFILE_PREFIX}{}", p.name), &serde_json::to_string(&p).expect("a profile serialises"))?;
        audit::record(tx, actor, now, Action::Update, "issue_feed_profile", None, serde_json::json!({"profile": p}))?;
        Ok::<_, FeedError>(())
    })?;
    Ok(p)
}

/// One data row as read, by column.
struct Row {
    line: usize,
    cells: HashMap<IssueColumn, String>,
}

impl Row {
    fn get(&self, c: IssueColumn) -> &str {
        self.cells.get(&c).map(String::as_str).unwrap_or("")
    }
}

/// What the card shows, read from a row and checked against the holder's age over the card's
/// term: a 国保 member under 70 pays 3割 (2割 before school), a 高齢受給者 2割 or 3割; the limit
/// classes ア〜オ belong to the under-70 table and 一般Ⅱ to 後期 alone. A card whose term reaches
/// into the 高齢受給者 month or the school year (one issued ahead, as the core systems do) may show
/// either side of it.
fn card_of(row: &Row, scheme: AppScheme, p: &Person, on: NaiveDate, until: NaiveDate) -> Result<CardDetails, String> {
    let optional = |c: IssueColumn| -> Option<&str> { Some(row.get(c)).filter(|v| !v.is_empty()) };
    let copay_rate = optional(IssueColumn::CopayRate).map(CopayRate::parse).transpose()?;
    let limit_class = optional(IssueColumn::LimitClass).map(LimitClass::parse).transpose()?;
    let specified_disease = optional(IssueColumn::SpecifiedDisease).map(SpecifiedDisease::parse).transpose()?;
    let special_care = match row.get(IssueColumn::SpecialCare) {
        "" | "0" | "無" | "なし" => false,
        "1" | "有" | "あり" | "○" => true,
        other => return Err(format!("特別療養費「{other}」は 1 (有) か空欄 (無) で指定してください")),
    };
    let symbol = validate::text("記号", row.get(IssueColumn::Symbol), 20, false)?;
    let number = validate::text("番号", row.get(IssueColumn::Number), 20, false)?;
    let branch = validate::text("枝番", row.get(IssueColumn::Branch), 2, false)?;
    if !branch.is_empty() && !branch.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!("枝番「{branch}」は2桁までの数字で指定してください"));
    }
    let w = crate::text::wareki::format;
    let (elderly_from, school) = (elderly_recipient_from(p.birth_date), school_from(p.birth_date));
    // Which sides of the two changes the card's term touches.
    let (under_70, elderly) = (on < elderly_from, until >= elderly_from);
    let (preschool, schooled) = (on < school, until >= school);
    if let (AppScheme::Kokuho, Some(rate)) = (scheme, copay_rate) {
        let mut allowed = Vec::new();
        if elderly {
            allowed.extend([CopayRate::Two, CopayRate::Three]);
        }
        if under_70 && preschool {
            allowed.push(CopayRate::Two);
        }
        if under_70 && schooled {
            allowed.push(CopayRate::Three);
        }
        if !allowed.contains(&rate) {
            let who = if !under_70 {
                format!("{}からの高齢受給者 (2割か3割)", w(elderly_from))
            } else if !schooled {
                format!("{}までの義務教育就学前 (2割)", w(school.pred_opt().unwrap_or(on)))
            } else {
                "70歳未満 (3割)".to_string()
            };
            return Err(format!("負担割合「{}」は、{}から{}までの資格確認書で{}の人には記載されません", rate.label(), w(on), w(until), who));
        }
    }
    if let Some(class) = limit_class {
        let fits = match scheme {
            AppScheme::Kouki => !class.under_70(),
            AppScheme::Kokuho => (class.under_70() && under_70) || (!class.under_70() && class != LimitClass::General2 && elderly),
        };
        if !fits {
            let table = match scheme {
                AppScheme::Kouki => "現役並みⅢ〜低所得Ⅰ (後期高齢者医療)",
                AppScheme::Kokuho if under_70 && elderly => "ア〜オ (70歳未満) または現役並みⅢ〜低所得Ⅰ (70歳以上)",
                AppScheme::Kokuho if under_70 => "ア〜オ (70歳未満)",
                AppScheme::Kokuho => "現役並みⅢ〜低所得Ⅰ (70歳以上)",
            };
            return Err(format!("限度区分「{}」はこの人の区分ではありません。{table}から指定してください", class.label()));
        }
    }
    Ok(CardDetails { symbol, number, branch, copay_rate, limit_class, specified_disease, special_care })
}

/// A scheme as the core systems write it: 国保 and 後期 as well as the full names and codes.
fn scheme_of(value: &str) -> Result<AppScheme, String> {
    match value.trim() {
        "国保" => Ok(AppScheme::Kokuho),
        "後期" => Ok(AppScheme::Kouki),
        other => AppScheme::parse(other),
    }
}

/// How a fed certificate stands against the ones the ledger holds for the same scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Match {
    /// Fed before: the same dates from the core systems. `changed` when the card now reads
    /// differently (the core system is the authority for its own card).
    Known { id: i64, changed: bool },
    /// Recorded in Hairyo with the same dates: the two are one certificate.
    Recorded(i64),
    /// Disagrees with a certificate the ledger holds; listed for a clerk.
    Conflict { id: i64, reason: String },
    /// A certificate the ledger has not seen (a renewal follows an older one).
    New,
}

/// Matches a fed certificate against the ledger's certificates of its scheme. The same dates
/// are the same certificate, whatever became of it since (fed before, or recorded here). Among
/// the valid ones, the same day of issue with another end, or a term that overlaps one running
/// as long or longer, disagrees, unless it is a reissue (`reissue`), which runs to the day of
/// the one issued before it that it replaces. A certificate running past every one held is the
/// next one, and one wholly before them is history: both are new.
pub fn match_fed(held: &[Certificate], fed: &FedCertificate, reissue: bool) -> Match {
    let w = crate::text::wareki::format;
    let of_scheme: Vec<&Certificate> = held.iter().filter(|c| c.scheme == fed.scheme).collect();
    let same_dates = |c: &&&Certificate| c.issued_on == fed.issued_on && c.valid_until == fed.valid_until;
    if let Some(c) = of_scheme.iter().find(|c| c.source != CertificateSource::Hairyo && same_dates(c)) {
        return Match::Known { id: c.id, changed: c.card != fed.card };
    }
    if let Some(c) = of_scheme.iter().find(|c| c.source == CertificateSource::Hairyo && same_dates(c)) {
        return Match::Recorded(c.id);
    }
    let valid: Vec<&&Certificate> = of_scheme.iter().filter(|c| c.status == CertificateStatus::Valid).collect();
    if let Some(c) = valid.iter().find(|c| c.issued_on == fed.issued_on) {
        return Match::Conflict {
            id: c.id,
            reason: format!("同じ日に交付された資格確認書の有効期限が異なります (Hairyo の記録: {}、基幹システム: {})", w(c.valid_until), w(fed.valid_until)),
        };
    }
    let overlaps = |c: &&&Certificate| c.issued_on <= fed.valid_until && fed.issued_on <= c.valid_until;
    match valid.iter().find(|c| overlaps(c) && c.valid_until >= fed.valid_until && !(reissue && c.issued_on < fed.issued_on)) {
        Some(c) if c.valid_until == fed.valid_until => Match::Conflict {
            id: c.id,
            reason: format!("有効期限が同じ資格確認書の交付日が異なります (Hairyo の記録: {}、基幹システム: {})", w(c.issued_on), w(fed.issued_on)),
        },
        Some(c) => Match::Conflict {
            id: c.id,
            reason: format!(
                "より長く有効な資格確認書 (交付 {}、有効期限 {}) が記録されています。基幹システムの有効期限は {} です",
                w(c.issued_on),
                w(c.valid_until),
                w(fed.valid_until)
            ),
        },
        None => Match::New,
    }
}

/// Where the core systems sent a certificate: the holder's address (a protected person's safe
/// one), the household's addressed to the 世帯主, or the standing 送付先.
fn delivery_of(tx: &crate::store::Write<'_>, p: &Person, delivery: FedDelivery, on: NaiveDate) -> Result<String, String> {
    crate::delivery::address_for(tx, p, delivery, on).map_err(|e| e.to_string())
}

// The audit log keeps what the feed did and the card's numbers, never what the card shows of
// the holder's insurance (負担割合, 限度区分, 特定疾病, 特別療養費): every desk's supervisors read
// the log, and only the insurer desks may see those.

/// Applies one row inside the transaction; returns what it did, or why it cannot.
fn apply_row(tx: &crate::store::Write<'_>, actor: &Actor, p: &Person, event: IssueEvent, row: &Row, now: NaiveDateTime) -> Result<String, String> {
    let today = now.date();
    let store_err = |e: crate::store::StoreError| e.to_string();
    let w = crate::text::wareki::format;
    let scheme = scheme_of(row.get(IssueColumn::Scheme))?;
    let on = validate::date_on("日付", row.get(IssueColumn::On), today)?;
    if on > today {
        return Err("日付が未来の日付です".into());
    }
    let held = certificate::for_person(tx, p.id).map_err(store_err)?;
    let stamp = crate::stamp(now);
    let event_of = |certificate_id: i64, kind, cause: &str, note: &str| {
        tx.certificates_mut()
            .add_event(&NewCertificateEvent { certificate_id, kind, on, cause, note, staff_id: actor.staff_id, created_at: stamp.clone() })
            .map_err(store_err)
    };
    match event {
        IssueEvent::Issued | IssueEvent::Reissued => {
            let valid_until = validate::date_on("有効期限", row.get(IssueColumn::ValidUntil), today)?;
            if valid_until < on {
                return Err(format!("有効期限 ({}) が交付日 ({}) より前です", w(valid_until), w(on)));
            }
            if scheme == AppScheme::Kokuho && on >= p.kouki_from() {
                return Err(format!("{}から後期高齢者医療の被保険者のため、国民健康保険の資格確認書は交付されません", w(p.kouki_from())));
            }
            let card = card_of(row, scheme, p, on, valid_until)?;
            if card.number.is_empty() {
                return Err("交付・再交付の行には番号が必要です".into());
            }
            let delivery = match row.get(IssueColumn::Delivery) {
                "" => FedDelivery::Holder,
                d => FedDelivery::parse(d)?,
            };
            let fed = FedCertificate { scheme, issued_on: on, valid_until, card, delivery };
            let fed_json = serde_json::to_string(&fed).expect("a fed certificate serialises");
            match match_fed(&held, &fed, event == IssueEvent::Reissued) {
                Match::Known { changed: false, .. } => Ok("取込済みの資格確認書です (変更なし)".into()),
                Match::Known { id, changed: true } => {
                    tx.certificates_mut().change(id, &CertificateChange { card: Some(&fed.card), ..Default::default() }).map_err(store_err)?;
                    audit::record(
                        tx,
                        actor,
                        now,
                        Action::Update,
                        "certificate",
                        Some(id),
                        serde_json::json!({"feed": event, "card_changed": true, "number": fed.card.number}),
                    )
                    .map_err(|e| e.to_string())?;
                    Ok(format!("資格確認書 (ID {id}) の記載事項を更新しました"))
                }
                Match::Recorded(id) => {
                    let change = CertificateChange { card: Some(&fed.card), source: Some(CertificateSource::Both), ..Default::default() };
                    tx.certificates_mut().change(id, &change).map_err(store_err)?;
                    audit::record(
                        tx,
                        actor,
                        now,
                        Action::Update,
                        "certificate",
                        Some(id),
                        serde_json::json!({"feed": event, "matched": true, "number": fed.card.number}),
                    )
                    .map_err(|e| e.to_string())?;
                    Ok(format!("Hairyo で記録した資格確認書 (ID {id}) と照合し、記載事項を加えました"))
                }
                Match::Conflict { id, reason } => {
                    // A disagreement listed before (waiting, or settled by a clerk) is not listed again.
                    if tx.certificates().conflict_seen(id, &fed_json).map_err(store_err)? {
                        return Ok("この食い違いは登録済みです (変更なし)".into());
                    }
                    let k = tx.certificates_mut().add_conflict(p.id, id, &fed_json, &reason, actor.staff_id, &stamp).map_err(store_err)?;
                    audit::record(tx, actor, now, Action::Create, "certificate_conflict", Some(k), serde_json::json!({"certificate_id": id, "feed": event}))
                        .map_err(|e| e.to_string())?;
                    Ok(format!("食い違いを確認待ちに登録しました: {reason}"))
                }
                Match::New => {
                    // A reissue replaces the valid certificate it was issued in place of.
                    let replaced = if event == IssueEvent::Reissued {
                        let c = held
                            .iter()
                            .filter(|c| c.scheme == scheme && c.status == CertificateStatus::Valid && c.issued_on <= on)
                            .max_by_key(|c| (c.issued_on, c.id))
                            .ok_or_else(|| format!("{}の有効な資格確認書が記録されていないため、再交付を取り込めません", scheme.label()))?;
                        Some(c.id)
                    } else {
                        None
                    };
                    let address = delivery_of(tx, p, fed.delivery, on)?;
                    let new = NewCertificate {
                        person_id: p.id,
                        application_id: None,
                        scheme,
                        basis: CertificateBasis::ExOfficio,
                        issuer: Issuer::of(scheme),
                        issued_on: on,
                        valid_until,
                        valid_until_basis: ValidityBasis::Entered,
                        residence_capped: false,
                        delivery_address: &address,
                        optional_entries: &[],
                        source: CertificateSource::Core,
                        card: &fed.card,
                        issued_by: actor.staff_id,
                        created_at: stamp.clone(),
                    };
                    let id = match replaced {
                        Some(old) => {
                            let id = tx.certificates_mut().insert_replacement(&new, old).map_err(store_err)?;
                            let ended = CertificateChange {
                                status: Some(CertificateStatus::Replaced),
                                ended_on: Some(on),
                                undelivered: Some(false),
                                ..Default::default()
                            };
                            tx.certificates_mut().change(old, &ended).map_err(store_err)?;
                            // A reissue around the 高齢受給者 month is the one at 70: the list of
                            // those to reissue then lets the holder go.
                            let from = elderly_recipient_from(p.birth_date);
                            let issued_before = held.iter().find(|c| c.id == old).is_some_and(|c| c.issued_on < from);
                            let at_70 = scheme == AppScheme::Kokuho && issued_before && valid_until >= from && on + chrono::Duration::days(92) >= from;
                            let cause = if at_70 { crate::model::certificate::ReissueCause::Age70.code() } else { "" };
                            event_of(old, crate::model::certificate::CertificateEventKind::Reissued, cause, "基幹システムで再交付")?;
                            id
                        }
                        None => tx.certificates_mut().insert(&new).map_err(store_err)?,
                    };
                    audit::record(
                        tx,
                        actor,
                        now,
                        Action::Create,
                        "certificate",
                        Some(id),
                        serde_json::json!({"person_id": p.id, "source": CertificateSource::Core, "feed": event, "replaces": replaced, "valid_until": valid_until}),
                    )
                    .map_err(|e| e.to_string())?;
                    Ok(format!(
                        "{}の資格確認書 (有効期限 {}) を台帳に加えました{}",
                        scheme.label(),
                        w(valid_until),
                        if replaced.is_some() { " (再交付)" } else { "" }
                    ))
                }
            }
        }
        IssueEvent::Notice => {
            if tx.certificates_mut().add_notice(p.id, scheme, on, actor.staff_id, &stamp).map_err(store_err)? {
                audit::record(tx, actor, now, Action::Create, "coverage_notice", None, serde_json::json!({"person_id": p.id, "scheme": scheme, "sent_on": on}))
                    .map_err(|e| e.to_string())?;
                Ok(format!("{}の資格情報のお知らせの送付を記録しました", scheme.label()))
            } else {
                Ok("取込済みのお知らせです (変更なし)".into())
            }
        }
        IssueEvent::MailReturned | IssueEvent::Collected => {
            let step_kind = if event == IssueEvent::MailReturned { CertificateStepKind::MailReturned } else { CertificateStepKind::RecordReturn };
            // The certificate the row is about: the latest of the scheme issued by that day.
            let mut candidates: Vec<&Certificate> = held.iter().filter(|c| c.scheme == scheme && c.issued_on <= on).collect();
            candidates.sort_by_key(|c| std::cmp::Reverse((c.issued_on, c.id)));
            let done = |c: &Certificate| match event {
                IssueEvent::MailReturned => c.undelivered,
                _ => !c.return_due && c.status != CertificateStatus::Valid,
            };
            if candidates.first().is_some_and(|c| done(c) && !certificate::allowed_steps(c, today).contains(&step_kind)) {
                return Ok("取込済みです (変更なし)".into());
            }
            let c = candidates
                .into_iter()
                .find(|c| certificate::allowed_steps(c, today).contains(&step_kind))
                .ok_or_else(|| format!("{}に{}できる{}の資格確認書がありません", w(on), event.label(), scheme.label()))?;
            let step = match event {
                IssueEvent::MailReturned => {
                    CertificateStep::MailReturned { on: on.to_string(), note: "基幹システムの返戻".into(), confirmed_digits: false }
                }
                _ => CertificateStep::RecordReturn { on: on.to_string() },
            };
            certificate::apply_step(tx, actor, c.id, &step, now).map_err(|e| e.to_string())?;
            Ok(format!("資格確認書 (ID {}) の{}を記録しました", c.id, event.label()))
        }
    }
}

/// Imports the core systems' certificate feed: every row is checked and applied in one
/// transaction, and with any refused row (or `dry_run`) nothing is stored; the report then
/// lists the problems (or what would have been done) with `committed` false. Rows are named by
/// the row a spreadsheet shows, the header being row 1.
pub fn import(
    store: &mut Store,
    actor: &Actor,
    bytes: &[u8],
    encoding: Encoding,
    profile: Option<&str>,
    dry_run: bool,
    now: NaiveDateTime,
) -> Result<FeedReport, FeedError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::ImportData)?;
    let profile = match profile {
        None => IssueFeedProfile { name: String::new(), headers: BTreeMap::new() },
        Some(name) => profiles(store, actor, now)?.into_iter().find(|p| p.name == name).ok_or_else(|| FeedError::UnknownProfile(name.to_string()))?,
    };
    let (text, encoding) = crate::feed::decode(bytes, encoding)?;
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let header: Vec<String> =
        reader.headers().map_err(|e| FeedError::File(format!("見出しの行を読めません: {e}")))?.iter().map(|h| h.trim().to_string()).collect();
    let mut columns = Vec::new();
    for c in IssueColumn::ALL {
        let h = profile.header(*c);
        match header.iter().position(|x| *x == h) {
            Some(i) => columns.push((*c, i)),
            None if c.required() => return Err(FeedError::File(format!("列「{h}」がありません (見出し: {})", header.join(", ")))),
            None => {}
        }
    }
    let mut rows = Vec::new();
    for (i, r) in reader.records().enumerate() {
        let r = r.map_err(|e| FeedError::File(format!("{}行目を読めません: {e}", crate::import::spreadsheet_row(e.position(), i + 2))))?;
        let cells = columns.iter().map(|(c, i)| (*c, r.get(*i).unwrap_or("").trim().to_string())).collect();
        rows.push(Row { line: crate::import::spreadsheet_row(r.position(), i + 2), cells });
    }
    let outcome = store.write(|tx| {
        let mut report = FeedReport { encoding, rows: rows.len(), applied: Vec::new(), problems: Vec::new(), dry_run, committed: false };
        for row in &rows {
            let problem = |m: String| FeedProblem { line: row.line, message: m };
            let atena = row.get(IssueColumn::AtenaNo);
            let Some(person_id) = tx.persons().id_with_atena(atena)? else {
                report.problems.push(problem(format!("宛名番号「{atena}」の対象者は登録されていません")));
                continue;
            };
            let event = match IssueEvent::parse(row.get(IssueColumn::Event)) {
                Ok(e) => e,
                Err(m) => {
                    report.problems.push(problem(m));
                    continue;
                }
            };
            if row.cells.values().any(|v| validate::unconfirmed_digits("内容", v, false).is_err()) {
                report.problems.push(problem("12桁の数字があります。個人番号は取り込めません".into()));
                continue;
            }
            let p = person::load(tx, person_id).map_err(|e| FeedError::File(e.to_string()))?;
            match apply_row(tx, actor, &p, event, row, now) {
                Ok(effect) => report.applied.push(FeedLine {
                    line: row.line,
                    atena_no: atena.to_string(),
                    person_name: p.name.clone(),
                    event_label: event.label(),
                    on: validate::date_on("日付", row.get(IssueColumn::On), now.date()).unwrap_or(now.date()),
                    effect,
                }),
                Err(m) => report.problems.push(problem(m)),
            }
        }
        if !report.problems.is_empty() || dry_run {
            // A refused file or a dry run reports and then undoes everything.
            return Err(FeedError::Rejected(Box::new(report)));
        }
        report.committed = true;
        audit::record(tx, actor, now, Action::Import, "certificate_feed", None, serde_json::json!({"rows": report.rows}))?;
        Ok(report)
    });
    match outcome {
        Err(FeedError::Rejected(r)) => Ok(*r),
        other => other,
    }
}

/// Fed certificates that disagreed with recorded ones: the open ones, or all.
pub fn conflicts(store: &Store, actor: &Actor, open_only: bool, page: Page, _now: NaiveDateTime) -> Result<Paged<Shown<CertificateConflict>>, FeedError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::ManageCertificate)?;
    let l = store.read().certificates().conflicts(open_only, page)?;
    let audience = Audience::of(actor);
    Ok(Paged { items: l.items.into_iter().map(|k| disclosure::certificate_conflict(&audience, k)).collect(), total: l.total, offset: l.offset, limit: l.limit })
}

/// Settles a conflict: the fed dates and card replace the recorded ones (the certificate then
/// counts as matched), or the record stands. Either way the conflict leaves the open list.
pub fn resolve_conflict(
    store: &mut Store,
    actor: &Actor,
    id: i64,
    resolution: ConflictResolution,
    now: NaiveDateTime,
) -> Result<Shown<CertificateConflict>, FeedError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::ManageCertificate)?;
    store.write(|tx| {
        let k = tx.certificates().conflict(id)?.ok_or(FeedError::ConflictNotFound(id))?;
        if k.resolution.is_some() {
            return Err(FeedError::Resolved(id));
        }
        if resolution == ConflictResolution::TookFed {
            let change = CertificateChange {
                issued_on: Some(k.fed.issued_on),
                valid_until: Some(k.fed.valid_until),
                card: Some(&k.fed.card),
                source: Some(CertificateSource::Both),
                ..Default::default()
            };
            tx.certificates_mut().change(k.certificate_id, &change)?;
        }
        tx.certificates_mut().resolve_conflict(id, resolution, actor.staff_id, &crate::stamp(now))?;
        audit::record(
            tx,
            actor,
            now,
            Action::Update,
            "certificate_conflict",
            Some(id),
            serde_json::json!({"resolution": resolution, "certificate_id": k.certificate_id}),
        )?;
        Ok(())
    })?;
    let k = store.read().certificates().conflict(id)?.ok_or(FeedError::ConflictNotFound(id))?;
    Ok(disclosure::certificate_conflict(&Audience::of(actor), k))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held(id: i64, source: CertificateSource, issued: &str, until: &str) -> Certificate {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        Certificate {
            id,
            person_id: 1,
            person_name: String::new(),
            application_id: None,
            scheme: AppScheme::Kokuho,
            scheme_label: "",
            basis: CertificateBasis::ExOfficio,
            basis_label: "",
            issuer: Issuer::City,
            issuer_label: "",
            issued_on: d(issued),
            valid_until: d(until),
            valid_until_basis: ValidityBasis::Setting,
            valid_until_basis_label: "",
            residence_capped: false,
            delivery_address: String::new(),
            protected: false,
            status: CertificateStatus::Valid,
            status_label: "",
            replaces_id: None,
            ended_on: None,
            undelivered: false,
            return_due: false,
            optional_entries: Vec::new(),
            source,
            source_label: "",
            card: CardDetails::default(),
            card_withheld: false,
            card_lines: Vec::new(),
            events: Vec::new(),
            next: Vec::new(),
        }
    }

    fn fed(issued: &str, until: &str) -> FedCertificate {
        FedCertificate {
            scheme: AppScheme::Kokuho,
            issued_on: issued.parse().unwrap(),
            valid_until: until.parse().unwrap(),
            card: CardDetails { number: "123".into(), ..Default::default() },
            delivery: FedDelivery::Holder,
        }
    }

    #[test]
    fn a_fed_certificate_is_matched_by_its_dates_and_a_disagreement_is_a_conflict() {
        use CertificateSource::*;
        let recorded = held(1, Hairyo, "2026-08-01", "2027-07-31");
        let one = std::slice::from_ref(&recorded);
        assert_eq!(match_fed(one, &fed("2026-08-01", "2027-07-31"), false), Match::Recorded(1));
        assert!(matches!(match_fed(one, &fed("2026-07-25", "2027-07-31"), false), Match::Conflict { id: 1, .. }));
        assert!(matches!(match_fed(one, &fed("2026-09-01", "2027-03-31"), false), Match::Conflict { id: 1, .. }));
        // The next year's certificate follows this one; a reissue replaces it.
        assert_eq!(match_fed(one, &fed("2027-07-20", "2028-07-31"), false), Match::New);
        assert_eq!(match_fed(one, &fed("2026-10-01", "2027-07-31"), true), Match::New);
        assert!(matches!(match_fed(one, &fed("2026-10-01", "2027-07-31"), false), Match::Conflict { id: 1, .. }));
        let core = held(2, Core, "2026-08-01", "2027-07-31");
        assert_eq!(match_fed(std::slice::from_ref(&core), &fed("2026-08-01", "2027-07-31"), false), Match::Known { id: 2, changed: true });
        let mut same = core.clone();
        same.card = fed("2026-08-01", "2027-07-31").card;
        assert_eq!(match_fed(&[same], &fed("2026-08-01", "2027-07-31"), false), Match::Known { id: 2, changed: false });
        // One replaced since is still the same certificate; last year's is history, not a conflict.
        let mut replaced = held(3, Core, "2026-08-01", "2027-07-31");
        replaced.status = CertificateStatus::Replaced;
        assert!(matches!(match_fed(&[replaced], &fed("2026-08-01", "2027-07-31"), false), Match::Known { id: 3, .. }));
        assert_eq!(match_fed(one, &fed("2025-08-01", "2026-07-31"), false), Match::New);
        // The same day of issue with a later end is one certificate told two ways.
        assert!(matches!(match_fed(one, &fed("2026-08-01", "2028-07-31"), false), Match::Conflict { id: 1, .. }));
    }

    #[test]
    fn the_elderly_recipient_month_and_school_start_follow_the_statutes() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        // Reaching 70 on the 1st (born on the 2nd): from that day; otherwise the next month.
        assert_eq!(elderly_recipient_from(d("1956-12-02")), d("2026-12-01"));
        assert_eq!(elderly_recipient_from(d("1956-12-01")), d("2026-12-01"));
        assert_eq!(elderly_recipient_from(d("1956-12-15")), d("2027-01-01"));
        assert_eq!(elderly_recipient_from(d("1956-01-01")), d("2026-01-01"));
        // Born on 4/1 a child starts school with the year before those born on 4/2.
        assert_eq!(school_from(d("2020-04-01")), d("2026-04-01"));
        assert_eq!(school_from(d("2020-04-02")), d("2027-04-01"));
        assert_eq!(school_from(d("2020-03-15")), d("2026-04-01"));
    }
}
