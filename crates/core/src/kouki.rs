//! 後期高齢者医療 through the 広域連合: the union decides and issues, the city receives an
//! application, forwards it (進達) and passes on what the union issued. This module holds the
//! city's two exchanges with the union: the 進達簿 (the applications forwarded on a day, printed
//! and exported as CSV to go with them) and the import of the union's results, which moves each
//! forwarded application on, all or nothing.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

use crate::application::{self, AppScheme, Applicant, ApplicationError, UnionResult};
use crate::audit::{self, Action};
use crate::coded_enum;
use crate::export::{self, ExportError};
use crate::import::{self, Encoding, ImportError, RowProblem};
use crate::model::staff::Actor;
use crate::settings::{self, SettingsError};
use crate::store::Store;
use crate::text::wareki;

/// One line of the 進達簿.
#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct RegisterEntry {
    pub application_id: i64,
    pub atena_no: String,
    pub name: String,
    pub kana: String,
    pub birth_date: NaiveDate,
    /// The 被保険者番号, by which the union knows the member.
    pub insured_no: String,
    pub received_on: NaiveDate,
    /// 本人, or 代理人 with the proxy's authority and name.
    pub applicant: String,
    /// Where the certificate goes (a person under 支援措置: the recorded safe address only).
    pub delivery: String,
    /// 申請理由, their labels joined by 「・」: the union decides on them whether the certificate
    /// continues at each renewal.
    pub reasons: String,
    /// 併記 asked for (限度額適用区分, 特定疾病区分), joined by 「・」; empty when none.
    pub optional_entries: String,
}

/// The 進達簿 of one day: the 後期 applications forwarded to the 広域連合 on it.
#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct ForwardingRegister {
    pub forwarded_on: NaiveDate,
    pub city_name: String,
    /// 宛先: the 広域連合.
    pub union_name: String,
    pub entries: Vec<RegisterEntry>,
}

#[derive(Debug, thiserror::Error)]
pub enum KoukiError {
    #[error("{0}")]
    Import(#[from] ImportError),
    #[error("CSV の形式が正しくありません ({line}行目): {message}")]
    Csv { line: usize, message: String },
    #[error("必要な列がありません: {0}。見出し行に「決定」「決定日」と、「申請ID」または「宛名番号」と「申請日」を入れてください")]
    MissingColumns(String),
    #[error("見出し「{0}」は広域連合の決定の列ではありません。使える見出し: {1}")]
    UnknownColumn(String, String),
    /// Internal: the file had problems (or was a dry run) and its transaction was rolled back.
    #[error("取込を取り消しました")]
    RolledBack(Box<UnionImportReport>),
    #[error(transparent)]
    Application(#[from] ApplicationError),
    #[error(transparent)]
    Export(#[from] ExportError),
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error(transparent)]
    Access(#[from] crate::access::AccessError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl KoukiError {
    pub fn code(&self) -> &'static str {
        match self {
            KoukiError::Import(e) => e.code(),
            KoukiError::Csv { .. } => "kouki.csv",
            KoukiError::MissingColumns(_) => "kouki.missing_columns",
            KoukiError::UnknownColumn(..) => "kouki.unknown_column",
            KoukiError::RolledBack(_) => "kouki.rolled_back",
            KoukiError::Application(e) => e.code(),
            KoukiError::Export(e) => e.code(),
            KoukiError::Settings(e) => e.code(),
            KoukiError::Access(e) => e.code(),
            KoukiError::Store(e) => e.code(),
        }
    }
}

/// The 進達簿 of `on`, read inside the caller's transaction or read.
pub(crate) fn register_of(conn: &crate::store::Read<'_>, on: NaiveDate) -> Result<ForwardingRegister, KoukiError> {
    let city = settings::city(conn)?;
    let mut entries = Vec::new();
    for a in conn.applications().forwarded_on(on)?.into_iter().filter(|a| a.scheme == AppScheme::Kouki) {
        let p = crate::person::load(conn, a.person_id).map_err(ApplicationError::from)?;
        let applicant = match (a.applicant, a.authority_label) {
            (Applicant::Proxy, Some(kind)) => format!("代理人 ({kind}) {}", a.proxy_name),
            _ => a.applicant_label.to_string(),
        };
        let delivery = crate::certificate::delivery_address(conn, a.person_id, Some(a.id), a.delivery, a.scheme, on).map_err(ApplicationError::from)?;
        entries.push(RegisterEntry {
            application_id: a.id,
            atena_no: p.atena_no,
            name: p.name,
            kana: p.kana,
            birth_date: p.birth_date,
            insured_no: p.card_number,
            received_on: a.received_on,
            applicant,
            delivery,
            reasons: a.reasons.iter().map(|r| r.label()).collect::<Vec<_>>().join("・"),
            optional_entries: a.optional_entries.iter().map(|e| e.label()).collect::<Vec<_>>().join("・"),
        });
    }
    Ok(ForwardingRegister { forwarded_on: on, city_name: city.city_name, union_name: city.kouki_union, entries })
}

/// The 進達簿's columns, as the CSV and the printed list give them.
pub const REGISTER_HEADER: [&str; 12] =
    ["番号", "申請ID", "宛名番号", "氏名", "フリガナ", "生年月日", "被保険者番号", "申請日", "申請者・代理人", "送付先", "申請理由", "併記"];

/// The 進達簿 of `on` as CSV (UTF-8 with BOM, or CP932), for the union; the export is audited.
/// The number of applications comes with it.
pub fn forwarding_register_csv(
    store: &mut Store,
    actor: &Actor,
    on: NaiveDate,
    encoding: Encoding,
    now: NaiveDateTime,
) -> Result<(Vec<u8>, usize), KoukiError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::ExportData)?;
    let register = register_of(&store.read(), on)?;
    let header: Vec<String> = REGISTER_HEADER.iter().map(|h| h.to_string()).collect();
    let rows: Vec<Vec<String>> = register
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            vec![
                (i + 1).to_string(),
                e.application_id.to_string(),
                e.atena_no.clone(),
                e.name.clone(),
                e.kana.clone(),
                e.birth_date.to_string(),
                e.insured_no.clone(),
                e.received_on.to_string(),
                e.applicant.clone(),
                e.delivery.clone(),
                e.reasons.clone(),
                e.optional_entries.clone(),
            ]
        })
        .collect();
    let bytes = export::to_csv(&header, &rows, encoding)?;
    store.write(|tx| {
        audit::record(
            tx,
            actor,
            now,
            Action::Export,
            "forwarding_register",
            None,
            serde_json::json!({"forwarded_on": on, "rows": rows.len(), "encoding": encoding}),
        )
    })?;
    Ok((bytes, rows.len()))
}

coded_enum! {
    /// A column of the 広域連合's result file, named by its header (the code works too).
    pub enum ResultColumn ("広域連合の決定の列") {
        ApplicationId = ("application_id", "申請ID"),
        Atena = ("atena_no", "宛名番号"),
        ReceivedOn = ("received_on", "申請日"),
        Result = ("result", "決定"),
        DecidedOn = ("decided_on", "決定日"),
        ValidUntil = ("valid_until", "有効期限"),
        Reason = ("reason", "却下理由"),
    }
}

#[derive(Debug, Clone, Default)]
pub struct UnionImportOptions {
    pub encoding: Option<Encoding>,
    pub dry_run: bool,
}

/// What an import of the union's results did (or, in a dry run or with problems, would do).
#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct UnionImportReport {
    pub encoding: Encoding,
    pub rows: usize,
    /// Applications moved to 広域連合で交付決定 (with the certificate the union issued).
    pub issued: usize,
    pub rejected: usize,
    /// Applications set aside for the renewal (R9).
    pub at_renewal: usize,
    /// Lines refused; when there are any, nothing is stored.
    pub problems: Vec<RowProblem>,
    pub dry_run: bool,
    pub committed: bool,
}

fn problem(line: usize, column: ResultColumn, message: impl Into<String>) -> RowProblem {
    RowProblem { line, field: column.code().to_string(), label: column.label().to_string(), message: message.into() }
}

/// The column of the result file a field error of [`application::union_decision`] or of a step
/// concerns.
fn column_of(field: &str) -> ResultColumn {
    match field {
        "decided_on" => ResultColumn::DecidedOn,
        "valid_until" => ResultColumn::ValidUntil,
        "reason" => ResultColumn::Reason,
        _ => ResultColumn::Result,
    }
}

/// Imports the 広域連合's results: each line names an application (申請ID, or 宛名番号 and
/// 申請日) and the union's 決定 (交付, 却下 or 年次更新時交付, by label or code) with its 決定日,
/// the certificate's 有効期限 for a 交付 (the usual one when empty) and the 却下理由. Each line
/// moves its application on exactly as the window's step does, audited. With a problem on any
/// line, or in a dry run, nothing is stored and every problem is reported by line.
pub fn import_union_results(
    store: &mut Store,
    actor: &Actor,
    bytes: &[u8],
    opts: &UnionImportOptions,
    now: NaiveDateTime,
) -> Result<UnionImportReport, KoukiError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::DecideApplication)?;
    let (body, encoding) = import::detect(bytes, opts.encoding.unwrap_or(Encoding::Auto))?;
    let text = match encoding {
        Encoding::Cp932 => match encoding_rs::SHIFT_JIS.decode_without_bom_handling_and_without_replacement(body) {
            Some(t) => t.into_owned(),
            None => return Err(ImportError::Decode("Shift_JIS として読めない文字があります").into()),
        },
        _ => String::from_utf8_lossy(body).into_owned(),
    };
    let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(false).from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| KoukiError::Csv { line: 1, message: e.to_string() })?.clone();
    if headers.iter().all(|h| h.trim().is_empty()) {
        return Err(ImportError::Empty.into());
    }
    let mut index: HashMap<ResultColumn, usize> = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        let h = h.trim().trim_start_matches('\u{FEFF}');
        match ResultColumn::from_code(h) {
            Some(c) => {
                index.insert(c, i);
            }
            None => {
                let names: Vec<&str> = ResultColumn::ALL.iter().map(|c| c.label()).collect();
                return Err(KoukiError::UnknownColumn(h.to_string(), names.join("、")));
            }
        }
    }
    let has = |c: ResultColumn| index.contains_key(&c);
    let mut missing: Vec<&str> = [ResultColumn::Result, ResultColumn::DecidedOn].iter().filter(|c| !has(**c)).map(|c| c.label()).collect();
    let names_an_application = has(ResultColumn::ApplicationId) || (has(ResultColumn::Atena) && has(ResultColumn::ReceivedOn));
    if !names_an_application {
        missing.push("申請ID (または宛名番号と申請日)");
    }
    if !missing.is_empty() {
        return Err(KoukiError::MissingColumns(missing.join("、")));
    }
    let mut records = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let rec = rec.map_err(|e| KoukiError::Csv { line: crate::import::spreadsheet_row(e.position(), i + 2), message: e.to_string() })?;
        let line = crate::import::spreadsheet_row(rec.position(), i + 2);
        records.push((line, rec));
    }
    let today = now.date();
    let dry_run = opts.dry_run;
    let outcome = store.write(|tx| {
        let mut report = UnionImportReport { encoding, rows: 0, issued: 0, rejected: 0, at_renewal: 0, problems: vec![], dry_run, committed: false };
        let mut seen: HashMap<i64, usize> = HashMap::new();
        for (line, rec) in &records {
            let line = *line;
            report.rows += 1;
            let get = |c: ResultColumn| index.get(&c).and_then(|i| rec.get(*i)).unwrap_or("").trim().to_string();
            // Which application: our id, or the person's 宛名番号 and the day it was received.
            let id = match get(ResultColumn::ApplicationId) {
                id if !id.is_empty() => match id.parse::<i64>() {
                    Ok(id) => Some(id),
                    Err(_) => {
                        report.problems.push(problem(line, ResultColumn::ApplicationId, format!("申請ID「{id}」は数字ではありません")));
                        None
                    }
                },
                _ => {
                    let (atena, received) = (get(ResultColumn::Atena), get(ResultColumn::ReceivedOn));
                    if atena.is_empty() || received.is_empty() {
                        report.problems.push(problem(line, ResultColumn::ApplicationId, "申請ID、または宛名番号と申請日を入れてください"));
                        None
                    } else {
                        match crate::validate::date("申請日", &received) {
                            Err(m) => {
                                report.problems.push(problem(line, ResultColumn::ReceivedOn, m));
                                None
                            }
                            Ok(on) => match tx.applications().kouki_ids_by_atena(&atena, on)?.as_slice() {
                                [id] => Some(*id),
                                [] => {
                                    report.problems.push(problem(
                                        line,
                                        ResultColumn::Atena,
                                        format!("宛名番号 {atena} の方の {} 受付の後期高齢者医療の申請はありません", wareki::format(on)),
                                    ));
                                    None
                                }
                                _ => {
                                    report.problems.push(problem(
                                        line,
                                        ResultColumn::Atena,
                                        format!("宛名番号 {atena} の方は {} に複数の申請があります。申請IDで指定してください", wareki::format(on)),
                                    ));
                                    None
                                }
                            },
                        }
                    }
                }
            };
            let decision = application::union_decision(
                &get(ResultColumn::Result),
                &get(ResultColumn::DecidedOn),
                &get(ResultColumn::ValidUntil),
                &get(ResultColumn::Reason),
                today,
            );
            let decision = match decision {
                Ok(d) => Some(d),
                Err(invalid) => {
                    report.problems.extend(invalid.0.into_iter().map(|f| problem(line, column_of(f.field), f.message)));
                    None
                }
            };
            let Some(id) = id else { continue };
            if let Some(first) = seen.insert(id, line) {
                report.problems.push(problem(line, ResultColumn::ApplicationId, format!("申請ID {id} は{first}行目と重複しています")));
                continue;
            }
            let a = match application::load(tx, id) {
                Ok(a) => a,
                Err(ApplicationError::NotFound(_)) => {
                    report.problems.push(problem(line, ResultColumn::ApplicationId, format!("申請ID {id} は登録されていません")));
                    continue;
                }
                Err(e) => return Err(KoukiError::Application(e)),
            };
            if a.scheme != AppScheme::Kouki {
                report.problems.push(problem(
                    line,
                    ResultColumn::ApplicationId,
                    format!("申請ID {id} は後期高齢者医療の申請ではありません ({})", a.scheme_label),
                ));
                continue;
            }
            let Some(d) = decision else { continue };
            // The step itself checks the state and the dates; its refusal is this line's.
            match application::record_union_decision_in(tx, actor, &a, &d, now) {
                Ok(_) => match d.result {
                    UnionResult::Issued => report.issued += 1,
                    UnionResult::Rejected => report.rejected += 1,
                    UnionResult::AtRenewal => report.at_renewal += 1,
                },
                Err(ApplicationError::Invalid(invalid)) => {
                    report.problems.extend(invalid.0.into_iter().map(|f| problem(line, column_of(f.field), format!("申請ID {id}: {}", f.message))))
                }
                Err(e @ (ApplicationError::Transition { .. } | ApplicationError::Certificate(crate::certificate::CertificateError::BadValidity { .. }))) => {
                    report.problems.push(problem(line, ResultColumn::Result, format!("申請ID {id}: {e}")))
                }
                Err(e) => return Err(KoukiError::Application(e)),
            }
        }
        if !report.problems.is_empty() || dry_run {
            // Returning an error rolls the transaction back; the report carries the result.
            return Err(KoukiError::RolledBack(Box::new(report)));
        }
        audit::record(
            tx,
            actor,
            now,
            Action::Import,
            "union_result",
            None,
            serde_json::json!({"rows": report.rows, "issued": report.issued, "rejected": report.rejected, "at_renewal": report.at_renewal}),
        )?;
        report.committed = true;
        Ok(report)
    });
    match outcome {
        Ok(r) => Ok(r),
        Err(KoukiError::RolledBack(r)) => {
            let mut r = *r;
            r.problems.sort_by_key(|p| p.line);
            Ok(r)
        }
        Err(e) => Err(e),
    }
}
