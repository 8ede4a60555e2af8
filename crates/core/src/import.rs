//! CSV import of persons: CP932 or UTF-8, the default municipal layout or a saved mapping
//! profile, a dry run that reports every bad row by line, upsert by 宛名番号, all or nothing.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::audit::{self, Action};
use crate::coded_enum;
use crate::model::staff::Actor;
use crate::person::{self, Person, PersonInput};
use crate::store::Store;
use crate::text::mynumber;

coded_enum! {
    pub enum Encoding ("文字コード") {
        Auto = ("auto", "自動判定"),
        Cp932 = ("cp932", "シフトJIS (CP932)"),
        // Its JSON name is its code, as every other coded value's is.
        #[serde(rename = "utf-8")]
        Utf8 = ("utf-8", "UTF-8"),
    }
}

impl Encoding {
    /// The encoding a client named, or the one refusal every door gives for a name it does not
    /// know: `import.bad_encoding` on the field `encoding`, whether the file goes in or out
    /// and whether it came through the API, the window or the CLI.
    pub fn named(code: &str) -> Result<Encoding, ImportError> {
        Encoding::parse(code)
            .map_err(|message| ImportError::BadEncoding(crate::validate::Invalid(vec![crate::validate::FieldError { field: "encoding", message }])))
    }
}

coded_enum! {
    /// A column of the person import, named by its default header.
    pub enum Column ("列") {
        Atena = ("atena_no", "宛名番号"),
        Name = ("name", "氏名"),
        Kana = ("kana", "フリガナ"),
        Birth = ("birth_date", "生年月日"),
        Sex = ("sex", "性別"),
        Postal = ("postal_code", "郵便番号"),
        Address = ("address", "住所"),
        Phone = ("phone", "電話番号"),
        Scheme = ("scheme", "保険種別"),
        Insurer = ("insurer_no", "保険者番号"),
        Symbol = ("card_symbol", "記号"),
        Number = ("card_number", "番号"),
        Branch = ("card_branch", "枝番"),
        Householder = ("householder", "世帯主"),
        Household = ("household_no", "世帯番号"),
        Relationship = ("relationship", "続柄"),
        Alias = ("alias", "通称"),
        ResidenceUntil = ("residence_until", "在留期限"),
    }
}

/// The default layout, in order: the header row of files exported by Hairyo too.
pub const DEFAULT_LAYOUT: [Column; 18] = [
    Column::Atena,
    Column::Name,
    Column::Kana,
    Column::Birth,
    Column::Sex,
    Column::Postal,
    Column::Address,
    Column::Phone,
    Column::Scheme,
    Column::Insurer,
    Column::Symbol,
    Column::Number,
    Column::Branch,
    Column::Householder,
    Column::Household,
    Column::Relationship,
    Column::Alias,
    Column::ResidenceUntil,
];

/// Columns every file must have.
pub const REQUIRED: [Column; 5] = [Column::Atena, Column::Name, Column::Kana, Column::Birth, Column::Sex];

/// A saved mapping from our columns to another system's header names.
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub name: String,
    /// Our column → the header in the file.
    pub columns: HashMap<Column, String>,
}

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub encoding: Option<Encoding>,
    pub profile: Option<String>,
    pub dry_run: bool,
}

/// One refused (or flagged) row: the file's line number and a Japanese reason.
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowProblem {
    pub line: usize,
    /// The field's code (`birth_date`) …
    pub field: String,
    /// … and its Japanese column name (生年月日), for the screen and the CLI.
    pub label: String,
    pub message: String,
}

impl RowProblem {
    /// `field` may be the code or the Japanese name of a column.
    fn new(line: usize, field: &str, message: String) -> RowProblem {
        match Column::from_code(field) {
            Some(c) => RowProblem { line, field: c.code().to_string(), label: c.label().to_string(), message },
            None => RowProblem { line, field: field.to_string(), label: field.to_string(), message },
        }
    }
}

#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct Report {
    pub encoding: Encoding,
    pub rows: usize,
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Rows refused; when there are any, nothing is stored.
    pub problems: Vec<RowProblem>,
    /// 外字 (private-use characters): stored, but flagged because they cannot be printed.
    pub gaiji: Vec<RowProblem>,
    /// Rows stored as they are but to be checked (a 国保 member aged 75 or over belongs to
    /// 後期), by line.
    pub warnings: Vec<RowProblem>,
    pub dry_run: bool,
    pub committed: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("ファイルの文字コードを読み取れません ({0})。文字コード (CP932 または UTF-8) を指定して取り込み直してください (画面では「文字コード」、コマンドでは --encoding)")]
    Decode(&'static str),
    #[error("CSV の形式が正しくありません ({line}行目): {message}")]
    Csv { line: usize, message: String },
    #[error("ファイルが空です (見出し行がありません)")]
    Empty,
    #[error("必要な列がありません: {0}。見出し行を確認するか、列の対応 (取込設定) を選んでください (画面では「列の並び」、コマンドでは --profile)")]
    MissingColumns(String),
    #[error("列「{0}」は個人番号 (マイナンバー) と思われる12桁の番号です。Hairyo は個人番号を保存しません。この列を削除してから取り込んでください")]
    MyNumberColumn(String),
    #[error("{0}")]
    BadEncoding(crate::validate::Invalid),
    #[error("取込設定「{0}」は登録されていません")]
    UnknownProfile(String),
    #[error("取込設定の形式が正しくありません: {0}")]
    BadProfile(String),
    #[error("取込は管理者または国保・後期の係長が行います")]
    Forbidden,
    /// Internal: the pass found problems (or was a dry run) and its transaction was rolled back.
    #[error("取込を取り消しました")]
    RolledBack(Box<Written>),
    #[error(transparent)]
    Access(#[from] crate::access::AccessError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl ImportError {
    pub fn code(&self) -> &'static str {
        match self {
            ImportError::Decode(_) => "import.decode",
            ImportError::Csv { .. } => "import.csv",
            ImportError::Empty => "import.empty",
            ImportError::MissingColumns(_) => "import.missing_columns",
            ImportError::MyNumberColumn(_) => "import.my_number_column",
            ImportError::BadEncoding(_) => "import.bad_encoding",
            ImportError::UnknownProfile(_) => "import.unknown_profile",
            ImportError::BadProfile(_) => "import.bad_profile",
            ImportError::Forbidden => "import.forbidden",
            ImportError::RolledBack(_) => "import.rolled_back",
            ImportError::Access(e) => e.code(),
            ImportError::Store(e) => e.code(),
        }
    }
}

/// Decides the file's encoding: a BOM decides; otherwise valid UTF-8 is UTF-8 and anything
/// else CP932. Returns the text's bytes without the BOM.
pub(crate) fn detect(bytes: &[u8], wanted: Encoding) -> Result<(&[u8], Encoding), ImportError> {
    let utf8 = |b: &[u8]| std::str::from_utf8(b).is_ok();
    let not_utf8 = ImportError::Decode("UTF-8 として読めない文字があります");
    let bom = bytes.strip_prefix(b"\xEF\xBB\xBF");
    match (wanted, bom) {
        (Encoding::Cp932, _) => Ok((bytes, Encoding::Cp932)),
        (Encoding::Utf8, _) | (Encoding::Auto, Some(_)) => {
            let body = bom.unwrap_or(bytes);
            if utf8(body) {
                Ok((body, Encoding::Utf8))
            } else {
                Err(not_utf8)
            }
        }
        (Encoding::Auto, None) if utf8(bytes) => Ok((bytes, Encoding::Utf8)),
        (Encoding::Auto, None) => Ok((bytes, Encoding::Cp932)),
    }
}

/// The file as UTF-8, decoded piece by piece as the CSV reader asks for it, so that a
/// 200,000-row CP932 file is never held a second time as text.
struct Text<'a> {
    input: &'a [u8],
    /// `None` for UTF-8, which is read as it is.
    decoder: Option<encoding_rs::Decoder>,
    out: Vec<u8>,
    start: usize,
}

/// The message a CP932 decoding failure carries through the CSV reader.
const NOT_CP932: &str = "Shift_JIS として読めない文字があります";

impl std::io::Read for Text<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let Some(decoder) = self.decoder.as_mut() else {
            return self.input.read(buf);
        };
        // A piece may decode to nothing (a lead byte kept for the next piece), so decode until
        // there is text or no input left; an empty read means the end of the file.
        while self.start == self.out.len() && !self.input.is_empty() {
            let take = self.input.len().min(64 * 1024);
            self.out.clear();
            // Half-width katakana take one byte in CP932 and three in UTF-8; a fuller piece
            // stops early (`OutputFull`) and the rest is decoded on the next turn.
            self.out.resize(take * 3 + 16, 0);
            let (result, read, written) = decoder.decode_to_utf8_without_replacement(&self.input[..take], &mut self.out, take == self.input.len());
            if let encoding_rs::DecoderResult::Malformed(..) = result {
                return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, NOT_CP932));
            }
            self.input = &self.input[read..];
            self.out.truncate(written);
            self.start = 0;
        }
        let n = buf.len().min(self.out.len() - self.start);
        buf[..n].copy_from_slice(&self.out[self.start..self.start + n]);
        self.start += n;
        Ok(n)
    }
}

/// The row a spreadsheet shows for a CSV position: the header is row 1, and a record whose
/// quoted cell holds line breaks is still one row. Every import and feed names a refused row by
/// it, so the same row has one number whichever door read it.
pub(crate) fn spreadsheet_row(position: Option<&csv::Position>, fallback: usize) -> usize {
    position.map(|p| p.record() as usize + 1).unwrap_or(fallback)
}

/// Reads a CSV error: a decoding failure becomes [`ImportError::Decode`].
fn csv_error(e: csv::Error, line: usize) -> ImportError {
    match e.kind() {
        csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::InvalidData => ImportError::Decode(NOT_CP932),
        _ => ImportError::Csv { line: spreadsheet_row(e.position(), line), message: e.to_string() },
    }
}

pub(crate) fn load_profile(conn: &crate::store::Read<'_>, name: &str) -> Result<Profile, ImportError> {
    let v = conn.imports().profile(name)?;
    let v = v.ok_or_else(|| ImportError::UnknownProfile(name.to_string()))?;
    serde_json::from_str(&v).map_err(|e| ImportError::BadProfile(e.to_string()))
}

/// The saved column mappings, for those who import.
pub fn profiles(store: &Store, actor: &Actor, _now: NaiveDateTime) -> Result<Vec<Profile>, ImportError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::ImportData)?;
    let rows = store.read().imports().profiles()?;
    Ok(rows.iter().filter_map(|v| serde_json::from_str(v).ok()).collect())
}

/// Saves a mapping profile; administrators only.
pub fn save_profile(store: &mut Store, actor: &Actor, profile: &Profile, now: NaiveDateTime) -> Result<(), ImportError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::ChangeSettings)?;
    if profile.name.trim().is_empty() || profile.columns.values().any(|h| h.trim().is_empty()) {
        return Err(ImportError::BadProfile("名前と各列の見出しを入力してください".into()));
    }
    // A profile that cannot map the columns every import needs would only fail later, file by file.
    let missing: Vec<&str> = REQUIRED.iter().filter(|c| !profile.columns.contains_key(c)).map(|c| c.label()).collect();
    if !missing.is_empty() {
        return Err(ImportError::BadProfile(format!("必ず取り込む列の見出しを入力してください: {}", missing.join("、"))));
    }
    let mut headers: Vec<&str> = profile.columns.values().map(|h| h.trim()).collect();
    headers.sort_unstable();
    if let Some(w) = headers.windows(2).find(|w| w[0] == w[1]) {
        return Err(ImportError::BadProfile(format!("見出し「{}」が二つの列に割り当てられています", w[0])));
    }
    let json = serde_json::to_string(profile).map_err(|e| ImportError::BadProfile(e.to_string()))?;
    store.write(|tx| {
        tx.imports_mut().save_profile(&profile.name, &json)?;
        audit::record(tx, actor, now, Action::Update, "import_profile", None, serde_json::json!({"profile": profile}))?;
        Ok(())
    })
}

fn sex_code(v: &str) -> String {
    match v.trim() {
        "1" | "男" | "男性" | "M" | "m" => "male".into(),
        "2" | "女" | "女性" | "F" | "f" => "female".into(),
        other => other.to_string(),
    }
}

fn scheme_code(v: &str) -> String {
    match v.trim() {
        "国保" => "kokuho".into(),
        "後期" => "kouki".into(),
        "組合" | "国保組合" => "kumiai".into(),
        "社保" | "被用者" => "employee".into(),
        "生保" => "welfare".into(),
        other => other.to_string(),
    }
}

/// Imports persons from CSV bytes. With problems in any row, or in a dry run, nothing is
/// stored; the report lists every problem by line. `progress(done, total)` is called as rows
/// are checked and written.
pub fn import_persons(
    store: &mut Store,
    actor: &Actor,
    bytes: &[u8],
    opts: &Options,
    now: NaiveDateTime,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Report, ImportError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::ImportData)?;
    let (body, encoding) = detect(bytes, opts.encoding.unwrap_or(Encoding::Auto))?;
    let decoder = (encoding == Encoding::Cp932).then(|| encoding_rs::SHIFT_JIS.new_decoder_without_bom_handling());
    let text = Text { input: body, decoder, out: Vec::new(), start: 0 };
    let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(false).from_reader(text);
    let headers: Vec<String> = reader.headers().map_err(|e| csv_error(e, 1))?.iter().map(|h| h.trim().trim_start_matches('\u{FEFF}').to_string()).collect();
    if headers.iter().all(|h| h.is_empty()) {
        return Err(ImportError::Empty);
    }
    let mapping: HashMap<Column, String> = match &opts.profile {
        Some(name) => load_profile(&store.read(), name)?.columns,
        None => DEFAULT_LAYOUT.iter().map(|c| (*c, c.label().to_string())).collect(),
    };
    let index: HashMap<Column, usize> = mapping.iter().filter_map(|(col, header)| headers.iter().position(|h| h == header).map(|i| (*col, i))).collect();
    let missing: Vec<String> = REQUIRED
        .iter()
        .filter(|c| !index.contains_key(c))
        .map(|c| format!("{} (見出し「{}」)", c.label(), mapping.get(c).cloned().unwrap_or_default()))
        .collect();
    if !missing.is_empty() {
        return Err(ImportError::MissingColumns(missing.join("、")));
    }

    // The file is checked and written in one pass inside one transaction: a second thread
    // parses and validates while this one writes, and nothing is kept per row but the 宛名番号
    // seen so far. Any problem (or a dry run) rolls the whole transaction back.
    //
    // Shift_JIS never uses the line-feed byte inside a character, so counting it in the raw
    // bytes counts lines in either encoding.
    let total_hint = body.iter().filter(|b| **b == b'\n').count().saturating_sub(1);
    let today = now.date();
    let existing: HashMap<String, i64> = store.read().imports().atena_ids()?;
    let columns = headers.len();
    let index = &index;
    let records = reader.into_records();
    let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<Checked>>(4);
    let dry_run = opts.dry_run;
    let stamp = crate::stamp(now);
    // A smaller page cache keeps a 200,000-row import's memory down; the usual cache comes
    // back afterwards.
    let cache = store.read().imports().narrow_page_cache()?;
    let outcome = std::thread::scope(|scope| {
        let checker = scope.spawn(move || check_rows(records, columns, index, today, sender));
        let written = store.write(|tx| {
            // A load that mostly adds rows builds the secondary indexes once at the end (a sort)
            // instead of inserting 200,000 random keys into each. A dry run writes nothing, so
            // it sets nothing aside either.
            let rebuild_indexes = total_hint >= 20_000 && existing.len() < total_hint;
            let mut bulk = if dry_run { None } else { Some(tx.imports_mut().begin_bulk_load(rebuild_indexes)?) };
            let mut w = Written::default();
            let mut seen: HashMap<String, usize> = HashMap::new();
            let batch_rows = tx.imports_mut().batch_rows();
            let mut pending: Vec<(Person, person::SearchKeys)> = Vec::with_capacity(batch_rows);
            let mut next_indexing = 20_000;
            for chunk in receiver {
                for row in chunk {
                    w.rows += 1;
                    if w.rows % 5000 == 0 {
                        progress(w.rows, total_hint.max(w.rows));
                    }
                    w.gaiji.extend(row.gaiji);
                    w.warnings.extend(row.warnings);
                    let (p, keys) = match row.person {
                        Ok(pk) => pk,
                        Err(problems) => {
                            w.problems.extend(problems);
                            continue;
                        }
                    };
                    if let Some(first) = seen.insert(p.atena_no.clone(), row.line) {
                        w.problems.push(RowProblem::new(row.line, "atena_no", format!("宛名番号 {} は{}行目と重複しています", p.atena_no, first)));
                        continue;
                    }
                    if !w.problems.is_empty() {
                        // Once any row is refused nothing will be stored: only keep checking.
                        continue;
                    }
                    match existing.get(&p.atena_no) {
                        None => {
                            w.inserted += 1;
                            if !dry_run {
                                pending.push((p, keys));
                                if pending.len() == batch_rows {
                                    tx.imports_mut().insert_batch(&pending, &stamp)?;
                                    pending.clear();
                                }
                            }
                        }
                        Some(id) => {
                            let current = match person::load(tx, *id) {
                                Ok(c) => c,
                                Err(person::PersonError::Store(e)) => return Err(ImportError::Store(e)),
                                Err(e) => return Err(ImportError::Csv { line: row.line, message: e.to_string() }),
                            };
                            // The import owns only the columns of its layout; everything else
                            // about a person (card, reasons, facility …) is kept. The household
                            // and residence columns are owned only by a file that has them, so a
                            // file of the older layout keeps what was recorded.
                            // A 通称 recorded here stays, with its search key, for a file without one.
                            let (p, keys) = if !current.alias.is_empty() && !index.contains_key(&Column::Alias) {
                                let p = Person { alias: current.alias.clone(), ..p };
                                let keys = person::SearchKeys::of(&p);
                                (p, keys)
                            } else {
                                (p, keys)
                            };
                            let changes: Vec<_> = person::imported_changes(&current, &p).into_iter().filter(|f| owns(index, *f)).collect();
                            if changes.is_empty() {
                                w.unchanged += 1;
                            } else {
                                w.updated += 1;
                                // Only a load that will be kept writes (a dry run has no bulk
                                // load); changed names keep the search indexes in step.
                                if let Some(bulk) = &bulk {
                                    tx.imports_mut().update_columns(bulk, *id, &p, &keys, &changes, &stamp)?;
                                }
                            }
                        }
                    }
                }
                // The search index grows as the rows arrive, while the checking thread parses.
                if w.inserted >= next_indexing && w.problems.is_empty() {
                    if let Some(bulk) = bulk.as_mut() {
                        tx.imports_mut().index_inserted(bulk)?;
                    }
                    next_indexing = w.inserted + 20_000;
                }
            }
            if !pending.is_empty() && w.problems.is_empty() {
                tx.imports_mut().insert_batch(&pending, &stamp)?;
            }
            let column_state = checker.join().map_err(|_| ImportError::Csv { line: 0, message: "取込の確認処理が異常終了しました".into() })?;
            let column_state = column_state?;
            if let Some(i) = column_state.my_number_column() {
                return Err(ImportError::MyNumberColumn(headers[i].clone()));
            }
            if !w.problems.is_empty() || dry_run {
                // Returning an error rolls the transaction back; the report carries the result.
                return Err(ImportError::RolledBack(Box::new(w)));
            }
            if let Some(bulk) = bulk {
                tx.imports_mut().finish_bulk_load(bulk)?;
            }
            audit::record(
                tx,
                actor,
                now,
                Action::Import,
                "person",
                None,
                serde_json::json!({
                    "rows": w.rows, "inserted": w.inserted, "updated": w.updated, "unchanged": w.unchanged
                }),
            )?;
            Ok(w)
        });
        written
    });
    store.read().imports().restore_page_cache(cache)?;
    let (w, committed) = match outcome {
        Ok(w) => (w, true),
        Err(ImportError::RolledBack(w)) => (*w, false),
        Err(e) => return Err(e),
    };
    progress(w.rows, w.rows);
    let mut problems = w.problems;
    problems.sort_by_key(|p| p.line);
    let mut warnings = w.warnings;
    warnings.sort_by_key(|p| p.line);
    Ok(Report {
        encoding,
        rows: w.rows,
        inserted: w.inserted,
        updated: w.updated,
        unchanged: w.unchanged,
        problems,
        gaiji: w.gaiji,
        warnings,
        dry_run: opts.dry_run,
        committed,
    })
}

/// What one pass wrote (or would have written).
#[derive(Debug, Default)]
pub struct Written {
    rows: usize,
    inserted: usize,
    updated: usize,
    unchanged: usize,
    problems: Vec<RowProblem>,
    gaiji: Vec<RowProblem>,
    warnings: Vec<RowProblem>,
}

/// One row as the checking thread leaves it.
struct Checked {
    line: usize,
    person: Result<(Person, person::SearchKeys), Vec<RowProblem>>,
    gaiji: Vec<RowProblem>,
    warnings: Vec<RowProblem>,
}

/// Per column: whether every value so far is 12 digits, and whether one passed the My Number
/// check digit.
struct ColumnState {
    all_twelve_digits: Vec<bool>,
    any_my_number: Vec<bool>,
}

impl ColumnState {
    fn my_number_column(&self) -> Option<usize> {
        (0..self.all_twelve_digits.len()).find(|&i| self.all_twelve_digits[i] && self.any_my_number[i])
    }
}

/// Parses and validates rows on the checking thread, sending them in chunks.
fn check_rows<R: std::io::Read + Send>(
    records: csv::StringRecordsIntoIter<R>,
    columns: usize,
    index: &HashMap<Column, usize>,
    today: chrono::NaiveDate,
    sender: std::sync::mpsc::SyncSender<Vec<Checked>>,
) -> Result<ColumnState, ImportError> {
    let mut state = ColumnState { all_twelve_digits: vec![true; columns], any_my_number: vec![false; columns] };
    let mut chunk = Vec::with_capacity(1000);
    for (i, rec) in records.enumerate() {
        let rec = rec.map_err(|e| csv_error(e, i + 2))?;
        let line = spreadsheet_row(rec.position(), i + 2);
        for (c, v) in rec.iter().enumerate().take(columns) {
            let v = v.trim();
            if v.is_empty() || !state.all_twelve_digits[c] {
                continue;
            }
            let d: String = v.chars().filter(|ch| !ch.is_whitespace() && *ch != '-').collect();
            if d.len() == 12 && d.bytes().all(|b| b.is_ascii_digit()) {
                state.any_my_number[c] |= mynumber::is_my_number(&d);
            } else {
                state.all_twelve_digits[c] = false;
            }
        }
        chunk.push(check_row(&rec, line, index, today));
        if chunk.len() == 1000 && sender.send(std::mem::take(&mut chunk)).is_err() {
            // The writer stopped (it failed); its error is what the caller sees.
            return Ok(state);
        }
    }
    if !chunk.is_empty() {
        let _ = sender.send(chunk);
    }
    Ok(state)
}

/// Whether a file with these columns owns `field`: the household and residence columns only
/// when present.
fn owns(index: &HashMap<Column, usize>, field: crate::store::imports::ImportedField) -> bool {
    use crate::store::imports::ImportedField as F;
    let column = match field {
        F::HouseholdNo => Column::Household,
        F::Relationship => Column::Relationship,
        F::Alias => Column::Alias,
        F::ResidenceUntil => Column::ResidenceUntil,
        _ => return true,
    };
    index.contains_key(&column)
}

fn check_row(rec: &csv::StringRecord, line: usize, index: &HashMap<Column, usize>, today: chrono::NaiveDate) -> Checked {
    let get = |c: Column| index.get(&c).and_then(|i| rec.get(*i)).unwrap_or("").to_string();
    let input = PersonInput {
        atena_no: get(Column::Atena),
        name: get(Column::Name),
        kana: get(Column::Kana),
        birth_date: get(Column::Birth),
        sex: sex_code(&get(Column::Sex)),
        postal_code: get(Column::Postal),
        address: get(Column::Address),
        phone: get(Column::Phone),
        householder: get(Column::Householder),
        scheme: scheme_code(&get(Column::Scheme)),
        insurer_no: get(Column::Insurer),
        card_symbol: get(Column::Symbol),
        card_number: get(Column::Number),
        card_branch: get(Column::Branch),
        household_no: get(Column::Household),
        relationship: get(Column::Relationship),
        alias: get(Column::Alias),
        residence_until: get(Column::ResidenceUntil),
        ..Default::default()
    };
    let mut gaiji = Vec::new();
    for (field, value) in [("氏名", &input.name), ("フリガナ", &input.kana), ("住所", &input.address), ("世帯主", &input.householder), ("通称", &input.alias)]
    {
        let pua: Vec<String> =
            value.chars().filter(|c| matches!(*c as u32, 0xE000..=0xF8FF | 0xF0000..=0x10FFFD)).map(|c| format!("U+{:04X}", c as u32)).collect();
        if !pua.is_empty() {
            gaiji.push(RowProblem::new(
                line,
                field,
                format!("{field}に外字 ({}) があります。印刷できないため、標準の文字への置き換えを検討してください", pua.join(", ")),
            ));
        }
    }
    let mut warnings = Vec::new();
    let person = match person::validate_input(&input, today) {
        Ok(p) if p.atena_no.is_empty() => Err(vec![RowProblem::new(line, "atena_no", "宛名番号がありません (取込は宛名番号で照合します)".into())]),
        Ok(p) => {
            if let Some(from) = person::kokuho_member_in_kouki(&p, today) {
                warnings.push(RowProblem::new(
                    line,
                    "scheme",
                    format!(
                        "75歳以上のため後期高齢者医療の被保険者です（{}から）が、保険種別が国民健康保険です。加入制度を確認してください",
                        crate::text::wareki::format(from)
                    ),
                ));
            }
            let keys = person::SearchKeys::of(&p);
            Ok((p, keys))
        }
        Err(invalid) => Err(invalid.0.into_iter().map(|f| RowProblem::new(line, f.field, f.message)).collect()),
    };
    Checked { line, person, gaiji, warnings }
}
