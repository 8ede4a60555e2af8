//! Status feeds from the core systems (標準準拠システム, 住基): a CSV of dated events per person —
//! 資格取得・喪失 (with 住所地特例), 転出・死亡, 利用登録状況, 電子証明書の有効期限, 要介護認定,
//! 障害者手帳, 施設入所 — each applied with its effect (reroute, invalidate, refer, follow-up),
//! reported row by row, all or nothing like the person import.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::audit::{self, Action};
use crate::certificate::{self, CertificateStep, CertificateStepKind, EndCause};
use crate::coded_enum;
use crate::import::{Encoding, ImportError};
use crate::model::person::{CardKind, Reason, Registration, Scheme};
use crate::model::staff::{Actor, Desk};
use crate::person;
use crate::store::Store;
use crate::validate;

coded_enum! {
    /// What a feed row says happened.
    pub enum FeedEvent ("異動の種類") {
        Gained = ("gained", "資格取得"),
        Lost = ("lost", "資格喪失"),
        MovedOut = ("moved_out", "転出"),
        Died = ("died", "死亡"),
        Registration = ("registration", "利用登録状況"),
        CertificateExpiry = ("certificate_expiry", "電子証明書の有効期限"),
        CareLevel = ("care_level", "要介護認定"),
        DisabilityCard = ("disability_card", "障害者手帳"),
        Admitted = ("admitted", "施設入所"),
    }
}

/// The feed's four columns, and the header each has in the file by default.
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedProfile {
    pub name: String,
    pub atena_no: String,
    pub event: String,
    pub date: String,
    pub value: String,
}

impl Default for FeedProfile {
    fn default() -> Self {
        FeedProfile { name: String::new(), atena_no: "宛名番号".into(), event: "異動事由".into(), date: "異動日".into(), value: "内容".into() }
    }
}

/// One applied row: whose, what happened, and what Hairyo did about it.
#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct FeedLine {
    pub line: usize,
    pub atena_no: String,
    pub person_name: String,
    pub event_label: &'static str,
    pub on: NaiveDate,
    pub effect: String,
}

/// A refused row, by its line in the file.
#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct FeedProblem {
    pub line: usize,
    pub message: String,
}

#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct FeedReport {
    pub encoding: Encoding,
    pub rows: usize,
    pub applied: Vec<FeedLine>,
    /// Rows refused; when there are any, nothing is stored.
    pub problems: Vec<FeedProblem>,
    pub dry_run: bool,
    pub committed: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    #[error("{0}")]
    File(String),
    #[error("取込プロファイル「{0}」はありません")]
    UnknownProfile(String),
    #[error("{0}")]
    BadProfile(String),
    #[error("食い違い ID {0} は登録されていません")]
    ConflictNotFound(i64),
    #[error("食い違い ID {0} は処理済みです")]
    Resolved(i64),
    #[error("{}件の行に問題があるため、何も取り込みませんでした", .0.problems.len())]
    Rejected(Box<FeedReport>),
    #[error(transparent)]
    Import(#[from] ImportError),
    #[error(transparent)]
    Access(#[from] crate::access::AccessError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl FeedError {
    pub fn code(&self) -> &'static str {
        match self {
            FeedError::File(_) => "feed.file",
            FeedError::UnknownProfile(_) => "feed.unknown_profile",
            FeedError::BadProfile(_) => "feed.bad_profile",
            FeedError::ConflictNotFound(_) => "certificate_conflict.not_found",
            FeedError::Resolved(_) => "certificate_conflict.bad_transition",
            FeedError::Rejected(_) => "feed.rejected",
            FeedError::Import(e) => e.code(),
            FeedError::Access(e) => e.code(),
            FeedError::Store(e) => e.code(),
        }
    }
}

const PROFILE_PREFIX: &str = "feed_profile.";

/// The saved column profiles of the feeds.
pub fn profiles(store: &Store, actor: &Actor, _now: chrono::NaiveDateTime) -> Result<Vec<FeedProfile>, FeedError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::ImportData)?;
    Ok(store.read().settings().values_with_prefix(PROFILE_PREFIX)?.iter().filter_map(|v| serde_json::from_str(v).ok()).collect())
}

/// Saves a column profile; administrators only. Each header is named once.
pub fn save_profile(store: &mut Store, actor: &Actor, p: &FeedProfile, now: chrono::NaiveDateTime) -> Result<FeedProfile, FeedError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::ChangeSettings)?;
    let mut p = p.clone();
    for v in [&mut p.name, &mut p.atena_no, &mut p.event, &mut p.date, &mut p.value] {
        *v = v.trim().to_string();
    }
    if [&p.name, &p.atena_no, &p.event, &p.date, &p.value].iter().any(|v| v.is_empty()) {
        return Err(FeedError::BadProfile("名前と4つの列の見出しをすべて入力してください".into()));
    }
    let mut headers = [&p.atena_no, &p.event, &p.date, &p.value];
    headers.sort();
    if headers.windows(2).any(|w| w[0] == w[1]) {
        return Err(FeedError::BadProfile("同じ見出しが二つの列に割り当てられています".into()));
    }
    store.write(|tx| {
        tx.settings_mut().set(&format!("{PROFILE_PREFIX}{}", p.name), &serde_json::to_string(&p).expect("a profile serialises"))?;
        audit::record(tx, actor, now, Action::Update, "feed_profile", None, serde_json::json!({"profile": p}))?;
        Ok::<_, FeedError>(())
    })?;
    Ok(p)
}

pub(crate) fn decode(bytes: &[u8], wanted: Encoding) -> Result<(String, Encoding), FeedError> {
    let (body, encoding) = crate::import::detect(bytes, wanted)?;
    let text = match encoding {
        Encoding::Cp932 => {
            let (t, _, bad) = encoding_rs::SHIFT_JIS.decode(body);
            if bad {
                return Err(FeedError::File("Shift_JIS として読めない文字があります".into()));
            }
            t.into_owned()
        }
        _ => String::from_utf8(body.to_vec()).map_err(|_| FeedError::File("UTF-8 として読めない文字があります".into()))?,
    };
    Ok((text, encoding))
}

/// What a 障害者手帳 row's grade says about the person's reason: 身体, 療育 (知的) or 精神.
fn disability_reason(value: &str) -> Option<Reason> {
    let v = value.trim();
    if v.starts_with("身体") {
        Some(Reason::Physical)
    } else if v.starts_with("療育") || v.starts_with("知的") {
        Some(Reason::Intellectual)
    } else if v.starts_with("精神") {
        Some(Reason::Mental)
    } else {
        None
    }
}

/// Applies one row inside the transaction; returns what it did, or why it cannot.
fn apply_row(
    tx: &crate::store::Write<'_>,
    actor: &Actor,
    person_id: i64,
    event: FeedEvent,
    on: NaiveDate,
    value: &str,
    now: chrono::NaiveDateTime,
) -> Result<String, String> {
    let today = now.date();
    let store_err = |e: crate::store::StoreError| e.to_string();
    let mut p = person::load(tx, person_id).map_err(|e| e.to_string())?;
    let before = p.clone();
    let invalidate = |cause: EndCause| -> Result<String, String> {
        let mut n = 0;
        for cert in certificate::for_person(tx, person_id).map_err(store_err)? {
            if certificate::allowed_steps(&cert, today).contains(&CertificateStepKind::Invalidate) {
                let step = CertificateStep::Invalidate {
                    cause,
                    on: on.max(cert.issued_on).to_string(),
                    note: format!("基幹システムの{}", event.label()),
                    confirmed_digits: false,
                };
                certificate::apply_step(tx, actor, cert.id, &step, now).map_err(|e| e.to_string())?;
                n += 1;
            }
        }
        Ok(if n == 0 {
            "有効な資格確認書はありません".to_string()
        } else {
            format!("資格確認書{n}件を無効にし、返還を求めます")
        })
    };
    let effect = match event {
        FeedEvent::Gained => {
            // 制度, or 制度/住所地特例の保険者.
            let (scheme, other) = value.split_once('/').map(|(s, o)| (s.trim(), o.trim())).unwrap_or((value.trim(), ""));
            let scheme = Scheme::parse(scheme)?;
            if !matches!(scheme, Scheme::Kokuho | Scheme::Kouki) && !other.is_empty() {
                return Err("住所地特例は国民健康保険・後期高齢者医療の資格にだけ指定できます".into());
            }
            p.scheme = scheme;
            p.other_insurer = other.to_string();
            // Eligible again: the retention periods no longer count from the loss.
            tx.retention_mut().clear_end(person_id, crate::retention::PersonEnd::LostEligibility.code()).map_err(store_err)?;
            format!("保険を{}に{}", scheme.label(), if other.is_empty() { "しました".to_string() } else { format!("しました (住所地特例: {other})") })
        }
        FeedEvent::Lost => {
            tx.retention_mut().record_end(person_id, crate::retention::PersonEnd::LostEligibility.code(), on, &crate::stamp(now)).map_err(store_err)?;
            invalidate(EndCause::LostEligibility)?
        }
        FeedEvent::Died => {
            tx.retention_mut().record_end(person_id, crate::retention::PersonEnd::Died.code(), on, &crate::stamp(now)).map_err(store_err)?;
            invalidate(EndCause::Died)?
        }
        FeedEvent::MovedOut => {
            let to = validate::text("転出先", value, 60, true)?;
            if tx.moves().of(person_id).map_err(store_err)?.is_some() {
                return Err("転出はすでに記録されています".into());
            }
            let moved = crate::moving::move_out_in(tx, actor, person_id, on, &to, "基幹システムの転出", now).map_err(|e| e.to_string())?;
            format!("{}への転出を記録し、{}件を終了しました", to, moved.closed.len())
        }
        FeedEvent::Registration => {
            let r = Registration::parse(value)?;
            if !p.card_readable() && r == Registration::Registered {
                return Err("カードを持たない人 (返納・電子証明書の失効を含む) を利用登録済みにはできません".into());
            }
            p.registration = r;
            format!("利用登録状況を「{}」にしました", r.label())
        }
        FeedEvent::CertificateExpiry => {
            if !p.card_readable() {
                return Err("マイナンバーカードを持つ人の電子証明書だけを取り込めます".into());
            }
            // An expired certificate still works until the end of the third month after its
            // month: the card lapses (and the route changes) only after that.
            let grace_end = crate::model::person::certificate_grace_end(on);
            let w = crate::text::wareki::format;
            if grace_end < today {
                p.mynumber_card = CardKind::CertificateLapsed;
                format!("電子証明書の失効を記録しました (有効期限 {}、{}まで使用可能でした。職権交付の対象になります)", w(on), w(grace_end))
            } else {
                let (due, note) = if on <= today {
                    let due = grace_end.succ_opt().unwrap_or(grace_end);
                    (
                        due,
                        format!(
                            "電子証明書の有効期限 {} 経過: {}まではマイナ保険証として使えます。翌日に失効を記録し、資格確認書の職権交付",
                            w(on),
                            w(grace_end)
                        ),
                    )
                } else {
                    ((on - Duration::days(30)).max(today), format!("電子証明書の有効期限 {}: 更新と資格確認書の案内", w(on)))
                };
                tx.follow_ups_mut()
                    .insert(&crate::store::home::NewFollowUp {
                        person_id,
                        staff_id: actor.staff_id,
                        desk: actor.desk,
                        due_on: due,
                        note: &note,
                        created_at: crate::stamp(now),
                    })
                    .map_err(store_err)?;
                if on <= today {
                    format!("電子証明書は{}までマイナ保険証として使えます。{}にフォローアップを設定しました", w(grace_end), w(due))
                } else {
                    format!("{}にフォローアップを設定しました", w(due))
                }
            }
        }
        FeedEvent::CareLevel => {
            let level = validate::text("要介護度", value, 20, true)?;
            // The 要介護認定 is a welfare touchpoint: R10's occasion for 別添1 at the 介護 desk.
            let note = format!("基幹システム: {level}");
            tx.touchpoints_mut()
                .insert(&crate::store::touchpoints::NewTouchpoint {
                    person_id,
                    desk: Desk::Kaigo,
                    staff_id: actor.staff_id,
                    date: on,
                    kind: crate::model::touchpoint::TouchpointKind::CareCertification,
                    wish: crate::model::touchpoint::Wish::Unknown,
                    notes: &note,
                    created_at: crate::stamp(now),
                })
                .map_err(store_err)?;
            if !p.reasons.contains(&Reason::Elderly) && p.age_on(on) >= 65 {
                p.reasons.push(Reason::Elderly);
                p.reasons.sort();
            }
            format!("要介護認定 ({level}) を介護保険の接点として記録しました")
        }
        FeedEvent::DisabilityCard => {
            let r = disability_reason(value).ok_or_else(|| format!("手帳「{}」は身体・療育・精神のいずれかで始めてください", value.trim()))?;
            if !p.reasons.contains(&r) {
                p.reasons.push(r);
                p.reasons.sort();
            }
            format!("配慮理由に{}を加えました", r.label())
        }
        FeedEvent::Admitted => {
            let name = validate::text("施設名", value, 80, true)?;
            let id = tx.facilities().id_named(&name).map_err(store_err)?.ok_or_else(|| format!("施設「{name}」は登録されていません"))?;
            p.facility_id = Some(id);
            if !p.reasons.contains(&Reason::Facility) {
                p.reasons.push(Reason::Facility);
                p.reasons.sort();
            }
            format!("{name}への入所を記録しました")
        }
    };
    if p != before {
        person::write_row(tx, &p, &crate::stamp(now)).map_err(store_err)?;
        // Each person the feed changes is audited as an edit would be, with what it changed.
        audit::record(tx, actor, now, Action::Update, "person", Some(p.id), {
            // Which fields the feed changed, as an edit records them (see disclosure::person_changes).
            let mut detail = crate::disclosure::person_changes(Some(&before), &p);
            detail["feed"] = serde_json::json!(event);
            detail
        })
        .map_err(|e| e.to_string())?;
        let route = crate::policy::route_of(tx, &p, today).map_err(|e| e.to_string())?;
        if route.kind != crate::policy::route_of(tx, &before, today).map_err(|e| e.to_string())?.kind {
            return Ok(format!("{effect}。交付経路: {}", route.label));
        }
    }
    Ok(effect)
}

/// Imports a status feed: every row is checked and applied in one transaction, and with any
/// refused row (or `dry_run`) nothing is stored; the report then lists the problems (or what
/// would have been done) with `committed` false.
pub fn import_feed(
    store: &mut Store,
    actor: &Actor,
    bytes: &[u8],
    encoding: Encoding,
    profile: Option<&str>,
    dry_run: bool,
    now: chrono::NaiveDateTime,
) -> Result<FeedReport, FeedError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::ImportData)?;
    let p = match profile {
        None => FeedProfile::default(),
        Some(name) => profiles(store, actor, now)?.into_iter().find(|p| p.name == name).ok_or_else(|| FeedError::UnknownProfile(name.to_string()))?,
    };
    let (text, encoding) = decode(bytes, encoding)?;
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let header: Vec<String> =
        reader.headers().map_err(|e| FeedError::File(format!("見出しの行を読めません: {e}")))?.iter().map(|h| h.trim().to_string()).collect();
    let index: HashMap<&str, usize> = header.iter().enumerate().map(|(i, h)| (h.as_str(), i)).collect();
    let mut columns = Vec::new();
    for h in [&p.atena_no, &p.event, &p.date, &p.value] {
        match index.get(h.as_str()) {
            Some(i) => columns.push(*i),
            None => return Err(FeedError::File(format!("列「{h}」がありません (見出し: {})", header.join(", ")))),
        }
    }
    let mut records = Vec::new();
    for (i, r) in reader.records().enumerate() {
        let r = r.map_err(|e| FeedError::File(format!("{}行目を読めません: {e}", crate::import::spreadsheet_row(e.position(), i + 2))))?;
        let cell = |c: usize| r.get(columns[c]).unwrap_or("").trim().to_string();
        records.push((crate::import::spreadsheet_row(r.position(), i + 2), cell(0), cell(1), cell(2), cell(3)));
    }
    let today = now.date();
    let outcome = store.write(|tx| {
        let mut report = FeedReport { encoding, rows: records.len(), applied: Vec::new(), problems: Vec::new(), dry_run, committed: false };
        for (line, atena, event, date, value) in &records {
            let problem = |m: String| FeedProblem { line: *line, message: m };
            let Some(person_id) = tx.persons().id_with_atena(atena)? else {
                report.problems.push(problem(format!("宛名番号「{atena}」の対象者は登録されていません")));
                continue;
            };
            let event = match FeedEvent::parse(event) {
                Ok(e) => e,
                Err(m) => {
                    report.problems.push(problem(m));
                    continue;
                }
            };
            let on = match validate::date_on("異動日", date, today) {
                Ok(d) if d > today && event != FeedEvent::CertificateExpiry => {
                    report.problems.push(problem("異動日が未来の日付です".into()));
                    continue;
                }
                Ok(d) => d,
                Err(m) => {
                    report.problems.push(problem(m));
                    continue;
                }
            };
            if validate::unconfirmed_digits("内容", value, false).is_err() {
                report.problems.push(problem("内容に12桁の数字があります。個人番号は取り込めません".into()));
                continue;
            }
            match apply_row(tx, actor, person_id, event, on, value, now) {
                Ok(effect) => {
                    let name = person::load(tx, person_id).map(|p| p.name).unwrap_or_default();
                    report.applied.push(FeedLine { line: *line, atena_no: atena.clone(), person_name: name, event_label: event.label(), on, effect });
                }
                Err(m) => report.problems.push(problem(m)),
            }
        }
        if !report.problems.is_empty() {
            return Err(FeedError::Rejected(Box::new(report)));
        }
        if dry_run {
            // A dry run reports what would happen and then undoes it.
            return Err(FeedError::Rejected(Box::new(report)));
        }
        report.committed = true;
        audit::record(tx, actor, now, Action::Import, "status_feed", None, serde_json::json!({"rows": report.rows}))?;
        Ok(report)
    });
    // A refused file or a dry run comes back as its report, with nothing stored.
    match outcome {
        Err(FeedError::Rejected(r)) => Ok(*r),
        other => other,
    }
}
