//! CSV export of persons, touchpoints, referrals, applications, certificates and the working
//! lists: UTF-8 with BOM for Excel, or CP932 for older systems.

use chrono::NaiveDateTime;

use crate::audit::{self, Action};
use crate::coded_enum;
use crate::import::{Encoding, DEFAULT_LAYOUT};
use crate::model::staff::Actor;
use crate::store::exports::CertificateRange;
use crate::store::Store;

coded_enum! {
    pub enum ExportKind ("出力の種類") {
        Persons = ("persons", "対象者"),
        Touchpoints = ("touchpoints", "接点"),
        Referrals = ("referrals", "連携依頼"),
        Applications = ("applications", "申請"),
        Certificates = ("certificates", "資格確認書"),
        Renewal = ("renewal", "年次更新の対象"),
        Expiring = ("expiring", "期限が近い資格確認書"),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{0}行目の「{1}」は Shift_JIS (CP932) で表せない文字を含みます。UTF-8 で出力してください")]
    NotCp932(usize, String),
    #[error("出力できる文字コードは utf-8 か cp932 です")]
    BadEncoding,
    #[error("CSV を作成できません: {0}")]
    Csv(String),
    #[error("{0}")]
    BadProfile(String),
    #[error("出力プロファイル「{0}」はありません")]
    UnknownProfile(String),
    #[error(transparent)]
    Renewal(Box<crate::renewal::RenewalError>),
    #[error(transparent)]
    Access(#[from] crate::access::AccessError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl ExportError {
    pub fn code(&self) -> &'static str {
        match self {
            ExportError::NotCp932(..) => "export.not_cp932",
            ExportError::BadEncoding => "export.bad_encoding",
            ExportError::Csv(_) => "export.csv",
            ExportError::BadProfile(_) => "export.bad_profile",
            ExportError::UnknownProfile(_) => "export.unknown_profile",
            ExportError::Renewal(e) => e.code(),
            ExportError::Access(e) => e.code(),
            ExportError::Store(e) => e.code(),
        }
    }
}

fn label_of<T: Copy>(code: &str, parse: fn(&str) -> Option<T>, label: fn(T) -> &'static str) -> String {
    parse(code).map(|v| label(v).to_string()).unwrap_or_else(|| code.to_string())
}

const TOUCHPOINT_COLUMNS: &[&str] = &["接点ID", "宛名番号", "氏名", "日付", "窓口", "担当", "種類", "本人の意向", "配布リーフレット", "メモ"];
const REFERRAL_COLUMNS: &[&str] = &["連携依頼ID", "宛名番号", "氏名", "依頼元", "依頼先", "送付日", "状態", "理由", "申請者の候補", "差戻しの理由", "完了日"];
const APPLICATION_COLUMNS: &[&str] = &["申請ID", "宛名番号", "氏名", "制度", "受付日", "受付方法", "申請者", "代理人の種別", "代理人氏名", "状態", "決定日"];
const CERTIFICATE_COLUMNS: &[&str] = &["資格確認書ID", "宛名番号", "氏名", "制度", "交付の根拠", "交付日", "有効期限", "送付先"];
/// The 8/1 renewal list: each person due, the group of what they get, and why.
const RENEWAL_COLUMNS: &[&str] =
    &["区分", "宛名番号", "氏名", "フリガナ", "生年月日", "更新日の年齢", "制度", "被保険者番号", "交付経路", "資格確認書ID", "有効期限", "申請ID"];

fn owned(columns: &[&str]) -> Vec<String> {
    columns.iter().map(|c| c.to_string()).collect()
}

/// The columns of one kind of export, in their order: what a saved profile chooses from.
pub fn columns(kind: ExportKind) -> Vec<String> {
    match kind {
        ExportKind::Persons => DEFAULT_LAYOUT.iter().map(|c| c.label().to_string()).collect(),
        ExportKind::Touchpoints => owned(TOUCHPOINT_COLUMNS),
        ExportKind::Referrals => owned(REFERRAL_COLUMNS),
        ExportKind::Applications => owned(APPLICATION_COLUMNS),
        ExportKind::Certificates | ExportKind::Expiring => owned(CERTIFICATE_COLUMNS),
        ExportKind::Renewal => owned(RENEWAL_COLUMNS),
    }
}

/// The header and rows of one kind of export, as text.
pub(crate) fn table(
    conn: &crate::store::Read<'_>,
    actor: &Actor,
    kind: ExportKind,
    today: chrono::NaiveDate,
) -> Result<(Vec<String>, Vec<Vec<String>>), ExportError> {
    use crate::application::{AppStatus, Applicant, Channel};
    use crate::person::{Scheme, Sex};
    use crate::referral::ReferralStatus;
    use crate::touchpoint::TouchpointKind;
    // What this reader may see of each row is the disclosure rule's to say, not this table's.
    let audience = crate::disclosure::Audience::of(actor);
    Ok(match kind {
        ExportKind::Persons => {
            let header = DEFAULT_LAYOUT.iter().map(|c| c.label().to_string()).collect();
            let rows = conn
                .exports()
                .persons()?
                .into_iter()
                .map(|mut r| {
                    let protected = r.pop().as_deref() == Some("1");
                    r[4] = label_of(&r[4], Sex::from_code, Sex::label);
                    r[8] = label_of(&r[8], Scheme::from_code, Scheme::label);
                    r[15] = label_of(&r[15], crate::model::person::Relationship::from_code, crate::model::person::Relationship::label);
                    // A protected person's household would find the members they live with.
                    r[14] = crate::disclosure::postal_code(&audience, protected, std::mem::take(&mut r[14]));
                    r[15] = crate::disclosure::postal_code(&audience, protected, std::mem::take(&mut r[15]));
                    r[5] = crate::disclosure::postal_code(&audience, protected, std::mem::take(&mut r[5]));
                    r[6] = crate::disclosure::address(&audience, protected, std::mem::take(&mut r[6]));
                    r
                })
                .collect();
            (header, rows)
        }
        ExportKind::Touchpoints => {
            let rows = conn
                .exports()
                .touchpoints()?
                .into_iter()
                .map(|mut r| {
                    let desk = r.pop().and_then(|code| crate::model::staff::Desk::from_code(&code));
                    r[6] = label_of(&r[6], TouchpointKind::from_code, TouchpointKind::label);
                    r[8] = r[8].replace("bessou", "別添");
                    // A note whose desk this version does not know is withheld like a child-welfare one.
                    r[9] = crate::disclosure::touchpoint_notes(&audience, desk.unwrap_or(crate::model::staff::Desk::Jido), std::mem::take(&mut r[9]));
                    r
                })
                .collect();
            (owned(TOUCHPOINT_COLUMNS), rows)
        }
        ExportKind::Referrals => {
            let rows = conn
                .exports()
                .referrals()?
                .into_iter()
                .map(|mut r| {
                    r[6] = label_of(&r[6], ReferralStatus::from_code, ReferralStatus::label);
                    r
                })
                .collect();
            (owned(REFERRAL_COLUMNS), rows)
        }
        ExportKind::Applications => {
            let rows = conn
                .exports()
                .applications()?
                .into_iter()
                .map(|mut r| {
                    r[3] = label_of(&r[3], crate::application::AppScheme::from_code, crate::application::AppScheme::label);
                    r[5] = label_of(&r[5], Channel::from_code, Channel::label);
                    r[6] = label_of(&r[6], Applicant::from_code, Applicant::label);
                    r[7] = label_of(&r[7], crate::application::ProxyAuthority::from_code, crate::application::ProxyAuthority::label);
                    r[9] = label_of(&r[9], AppStatus::from_code, AppStatus::label);
                    r
                })
                .collect();
            (owned(APPLICATION_COLUMNS), rows)
        }
        ExportKind::Renewal => {
            let rows = crate::renewal::lines_in(conn, crate::renewal::next_renewal_day(today))
                .map_err(|e| ExportError::Renewal(Box::new(e)))?
                .into_iter()
                .map(|l| {
                    vec![
                        l.group_label.to_string(),
                        l.atena_no,
                        l.name,
                        l.kana,
                        l.birth_date.to_string(),
                        l.age_on_renewal.to_string(),
                        l.scheme_label.to_string(),
                        l.card_number,
                        l.route_label.to_string(),
                        l.certificate_id.map(|i| i.to_string()).unwrap_or_default(),
                        l.valid_until.map(|d| d.to_string()).unwrap_or_default(),
                        l.application_id.map(|i| i.to_string()).unwrap_or_default(),
                    ]
                })
                .collect();
            (owned(RENEWAL_COLUMNS), rows)
        }
        ExportKind::Certificates | ExportKind::Expiring => {
            let range = match kind {
                ExportKind::Expiring => CertificateRange::EndingBetween { from: today, to: today + chrono::Duration::days(30) },
                _ => CertificateRange::All,
            };
            let rows = conn
                .exports()
                .certificates(range)?
                .into_iter()
                .map(|mut r| {
                    let protected = r.pop().as_deref() == Some("1");
                    r[3] = label_of(&r[3], crate::application::AppScheme::from_code, crate::application::AppScheme::label);
                    r[4] = label_of(&r[4], crate::certificate::CertificateBasis::from_code, crate::certificate::CertificateBasis::label);
                    r[7] = crate::disclosure::address(&audience, protected, std::mem::take(&mut r[7]));
                    r
                })
                .collect();
            (owned(CERTIFICATE_COLUMNS), rows)
        }
    })
}

/// Encodes a table as CSV: UTF-8 with a BOM (Excel opens it right), or CP932.
pub fn to_csv(header: &[String], rows: &[Vec<String>], encoding: Encoding) -> Result<Vec<u8>, ExportError> {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    w.write_record(header).map_err(|e| ExportError::Csv(e.to_string()))?;
    for r in rows {
        w.write_record(r).map_err(|e| ExportError::Csv(e.to_string()))?;
    }
    let text = String::from_utf8(w.into_inner().map_err(|e| ExportError::Csv(e.to_string()))?).map_err(|e| ExportError::Csv(e.to_string()))?;
    match encoding {
        Encoding::Utf8 | Encoding::Auto => {
            let mut out = b"\xEF\xBB\xBF".to_vec();
            out.extend_from_slice(text.as_bytes());
            Ok(out)
        }
        Encoding::Cp932 => {
            let (bytes, _, had_errors) = encoding_rs::SHIFT_JIS.encode(&text);
            if had_errors {
                // Name the first row that cannot be written, so the clerk can look at it.
                for (i, r) in rows.iter().enumerate() {
                    let line = r.join(",");
                    if encoding_rs::SHIFT_JIS.encode(&line).2 {
                        return Err(ExportError::NotCp932(i + 2, r.get(2).cloned().unwrap_or_default()));
                    }
                }
                return Err(ExportError::NotCp932(1, header.join(",")));
            }
            Ok(bytes.into_owned())
        }
    }
}

/// Exports `kind` as CSV bytes; the export is audited.
pub fn export(store: &mut Store, actor: &Actor, kind: ExportKind, encoding: Encoding, now: NaiveDateTime) -> Result<(Vec<u8>, usize), ExportError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::ExportData)?;
    let (header, rows) = table(&store.read(), actor, kind, now.date())?;
    let bytes = to_csv(&header, &rows, encoding)?;
    store.write(|tx| {
        Ok::<_, ExportError>(audit::record(tx, actor, now, Action::Export, kind.code(), None, serde_json::json!({"rows": rows.len(), "encoding": encoding}))?)
    })?;
    Ok((bytes, rows.len()))
}

/// A saved export: which kind, which of its columns in which order, and the encoding, so the
/// renewal list goes to the 広域連合 or the core system in the layout each expects.
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportProfile {
    pub name: String,
    pub kind: ExportKind,
    pub columns: Vec<String>,
    pub encoding: Encoding,
}

/// The saved export profiles, by name.
pub fn profiles(store: &Store, actor: &Actor, _now: NaiveDateTime) -> Result<Vec<ExportProfile>, ExportError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::ExportData)?;
    let rows = store.read().exports().profiles()?;
    Ok(rows.iter().filter_map(|v| serde_json::from_str(v).ok()).collect())
}

/// Checks a profile: a name, at least one column, each a column of its kind, none twice.
pub fn check_profile(p: &ExportProfile) -> Result<(), ExportError> {
    let name = p.name.trim();
    if name.is_empty() || name.chars().count() > 40 {
        return Err(ExportError::BadProfile("プロファイル名を40文字以内で入力してください".into()));
    }
    if p.columns.is_empty() {
        return Err(ExportError::BadProfile("出力する列を一つ以上選んでください".into()));
    }
    let known = columns(p.kind);
    if let Some(bad) = p.columns.iter().find(|c| !known.contains(c)) {
        return Err(ExportError::BadProfile(format!("「{bad}」は{}の列ではありません。選べる列: {}", p.kind.label(), known.join("、"))));
    }
    let mut seen = std::collections::HashSet::new();
    if let Some(twice) = p.columns.iter().find(|c| !seen.insert(c.as_str())) {
        return Err(ExportError::BadProfile(format!("列「{twice}」が二度選ばれています")));
    }
    if p.encoding == Encoding::Auto {
        return Err(ExportError::BadEncoding);
    }
    Ok(())
}

/// Saves (or replaces) an export profile; supervisors and administrators.
pub fn save_profile(store: &mut Store, actor: &Actor, profile: &ExportProfile, now: NaiveDateTime) -> Result<ExportProfile, ExportError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::ExportData)?;
    let mut p = profile.clone();
    p.name = p.name.trim().to_string();
    check_profile(&p)?;
    let json = serde_json::to_string(&p).map_err(|e| ExportError::BadProfile(e.to_string()))?;
    store.write(|tx| {
        tx.exports_mut().save_profile(&p.name, &json)?;
        audit::record(tx, actor, now, Action::Update, "export_profile", None, serde_json::json!({"profile": p}))?;
        Ok::<_, ExportError>(())
    })?;
    Ok(p)
}

/// Exports by a saved profile: its kind, only its columns in its order, in its encoding. A
/// renewal export also marks this year's list as made, which ends its reminder.
pub fn export_with_profile(store: &mut Store, actor: &Actor, name: &str, now: NaiveDateTime) -> Result<(Vec<u8>, usize, ExportProfile), ExportError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::ExportData)?;
    let profile =
        profiles(store, actor, now)?.into_iter().find(|p| p.name == name.trim()).ok_or_else(|| ExportError::UnknownProfile(name.trim().to_string()))?;
    // A profile saved before a column was renamed is refused rather than written short.
    check_profile(&profile)?;
    let (header, rows) = table(&store.read(), actor, profile.kind, now.date())?;
    let picks: Vec<usize> = profile.columns.iter().map(|c| header.iter().position(|h| h == c).expect("checked against the kind's columns")).collect();
    let rows: Vec<Vec<String>> = rows.into_iter().map(|r| picks.iter().map(|&i| r[i].clone()).collect()).collect();
    let bytes = to_csv(&profile.columns, &rows, profile.encoding)?;
    store.write(|tx| {
        if profile.kind == ExportKind::Renewal {
            crate::renewal::note_list_made(tx, now.date())?;
        }
        audit::record(
            tx,
            actor,
            now,
            Action::Export,
            profile.kind.code(),
            None,
            serde_json::json!({"rows": rows.len(), "encoding": profile.encoding, "profile": profile.name}),
        )?;
        Ok::<_, ExportError>(())
    })?;
    Ok((bytes, rows.len(), profile))
}
