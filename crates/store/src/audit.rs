//! The audit log's table: append-only (triggers refuse edits), each event chained to the one
//! before by its hash. The domain's audit module checks the chain; this reads, appends and links rows.

use super::sql::{params, OptionalExtension, Row};
use hmac::{KeyInit, Mac};
use sha2::{Digest, Sha256};

use super::{Read, StoreError, Write};
use crate::{Page, Paged};

/// One stored event, as the chain hashes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub id: i64,
    pub at: String,
    pub staff_id: Option<i64>,
    pub login: String,
    pub desk: String,
    pub action: String,
    pub record_kind: String,
    pub record_id: Option<i64>,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

/// Where the kept log starts: the first kept event's id and the link it carries (the hash of
/// the last pruned event), with what the pruning removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditAnchor {
    pub first_kept_id: i64,
    pub prev_hash: String,
    pub pruned: i64,
    pub pruned_before: String,
    pub at: String,
}

/// An event to append; the store gives it the next id and links it to the newest event.
#[derive(Debug, Clone)]
pub struct NewAuditEvent<'e> {
    pub at: String,
    /// The staff member acting; `None` for a sign-in refused before any staff record exists.
    pub staff_id: Option<i64>,
    pub login: &'e str,
    pub desk: &'static str,
    pub action: &'static str,
    pub record_kind: &'e str,
    pub record_id: Option<i64>,
    pub detail: String,
}

/// The secret the chain's links are made with from `audit_keying`'s event on (HMAC-SHA-256),
/// kept outside the database (a file only the server's user reads): whoever may only append
/// to the log cannot make a link that checks out.
#[derive(Clone, PartialEq, Eq)]
pub struct AuditKey([u8; 32]);

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditKey(…)")
    }
}

type HmacSha256 = hmac::Hmac<Sha256>;

impl AuditKey {
    /// A new random key.
    pub fn generate() -> AuditKey {
        use argon2::password_hash::rand_core::{OsRng, RngCore};
        let mut bytes = [0u8; 32];
        OsRng.fill_bytes(&mut bytes);
        AuditKey(bytes)
    }

    /// The key as a key file holds it: 64 hex digits (surrounding white space ignored).
    pub fn from_hex(text: &str) -> Option<AuditKey> {
        let text = text.trim();
        if text.len() != 64 {
            return None;
        }
        let mut bytes = [0u8; 32];
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
        }
        Some(AuditKey(bytes))
    }

    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn mac(&self) -> HmacSha256 {
        <HmacSha256 as KeyInit>::new_from_slice(&self.0).expect("HMAC takes any key length")
    }

    /// What the database keeps to recognise this key: its MAC of a fixed text, which tells
    /// nothing of the key itself.
    pub fn check(&self) -> String {
        let mut mac = self.mac();
        mac.update(b"hairyo audit key check");
        mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Reads a key file (64 hex digits), refusing one that others may read: the key is what
/// keeps whoever may append to the log from writing links that check out.
pub fn read_key_file(path: &std::path::Path) -> Result<AuditKey, StoreError> {
    let shown = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| StoreError::AuditKeyWrong(format!("鍵ファイル {shown} を読めません: {e}")))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map(|m| m.permissions().mode()).unwrap_or(0);
        if mode & 0o077 != 0 {
            return Err(StoreError::AuditKeyWrong(format!("鍵ファイル {shown} をほかの利用者も読めます。chmod 600 にしてください")));
        }
    }
    AuditKey::from_hex(&text).ok_or_else(|| StoreError::AuditKeyWrong(format!("鍵ファイル {shown} の形式が違います (16 進 64 桁)")))
}

/// Writes a new key file that only its owner may read; refuses to replace one.
pub fn write_key_file(path: &std::path::Path, key: &AuditKey) -> Result<(), StoreError> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let shown = path.display();
    let mut file = options.open(path).map_err(|e| StoreError::AuditKeyWrong(format!("鍵ファイル {shown} を作れません: {e}")))?;
    writeln!(file, "{}", key.to_hex()).map_err(|e| StoreError::AuditKeyWrong(format!("鍵ファイル {shown} に書けません: {e}")))?;
    Ok(())
}

/// How the links are made on one connection: from which event on they are keyed (None: the
/// log was never keyed) and the key, if this process has it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Seal<'a> {
    pub keyed_from: Option<i64>,
    pub key: Option<&'a AuditKey>,
}

impl AuditRow {
    /// The hash this event must carry when it follows an event hashed `prev`: every field,
    /// each prefixed by its length so that no two different events hash alike; with `key`,
    /// an HMAC of the same bytes.
    pub fn link_hash(&self, prev: &str, key: Option<&AuditKey>) -> String {
        let staff = self.staff_id.map(|v| v.to_string()).unwrap_or_default();
        let record = self.record_id.map(|v| v.to_string()).unwrap_or_default();
        let id = self.id.to_string();
        let parts = [&id, &self.at, &staff, &self.login, &self.desk, &self.action, &self.record_kind, &record, &self.detail, prev];
        let bytes: Vec<u8> = match key {
            None => {
                let mut h = Sha256::new();
                for part in parts {
                    h.update((part.len() as u64).to_le_bytes());
                    h.update(part.as_bytes());
                }
                h.finalize().to_vec()
            }
            Some(key) => {
                let mut mac = key.mac();
                for part in parts {
                    mac.update(&(part.len() as u64).to_le_bytes());
                    mac.update(part.as_bytes());
                }
                mac.finalize().into_bytes().to_vec()
            }
        };
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }
}

const COLUMNS: &str = "id, at, staff_id, login, desk, action, record_kind, record_id, detail, prev_hash, hash";

fn row(r: &Row<'_>) -> super::sql::Result<AuditRow> {
    Ok(AuditRow {
        id: r.get(0)?,
        at: r.get(1)?,
        staff_id: r.get(2)?,
        login: r.get(3)?,
        desk: r.get(4)?,
        action: r.get(5)?,
        record_kind: r.get(6)?,
        record_id: r.get(7)?,
        detail: r.get(8)?,
        prev_hash: r.get(9)?,
        hash: r.get(10)?,
    })
}

/// Reads the log.
pub struct AuditHandle<'a> {
    conn: super::Conn<'a>,
}

impl<'a> Read<'a> {
    pub fn audit(&self) -> AuditHandle<'a> {
        AuditHandle { conn: self.conn }
    }
}

impl AuditHandle<'_> {
    /// The newest event's id and hash, which the next event links to; when every event has
    /// been pruned, the newest anchor's, so ids go on and the chain stays one.
    pub fn last_link(&self) -> Result<Option<(i64, String)>, StoreError> {
        let newest = self
            .conn
            .prepare_cached(&self.conn.own("SELECT id, hash FROM audit_event WHERE {own} ORDER BY id DESC LIMIT 1"))?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        match newest {
            Some(link) => Ok(Some(link)),
            None => Ok(self.anchor()?.map(|a| (a.first_kept_id - 1, a.prev_hash))),
        }
    }

    /// From which event the chain is keyed, and the key's check value; None if never keyed.
    pub fn keying(&self) -> Result<Option<(i64, String)>, StoreError> {
        self.conn
            .query_row(&self.conn.own("SELECT keyed_from, key_check FROM audit_keying WHERE {own} ORDER BY keyed_from LIMIT 1"), [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()
    }

    /// The newest anchor: where the log starts after its oldest events were pruned.
    pub fn anchor(&self) -> Result<Option<AuditAnchor>, StoreError> {
        self.conn
            .prepare_cached(
                &self.conn.own("SELECT first_kept_id, prev_hash, pruned, pruned_before, at FROM audit_anchor WHERE {own} ORDER BY first_kept_id DESC LIMIT 1"),
            )?
            .query_row([], |r| Ok(AuditAnchor { first_kept_id: r.get(0)?, prev_hash: r.get(1)?, pruned: r.get(2)?, pruned_before: r.get(3)?, at: r.get(4)? }))
            .optional()
    }

    /// The oldest events logged before `before` (a stamp), up to the first one logged on or
    /// after it: the prefix a pruning may remove, so the kept events stay one unbroken chain
    /// and nothing younger than the period goes even were the stamps out of order. Their count
    /// and the newest's id.
    pub fn prunable(&self, before: &str) -> Result<(i64, Option<i64>), StoreError> {
        // Walked in id order from the oldest, so only the old prefix is read (there is no index
        // on the stamp, and `min(id) WHERE at >= …` would read the whole log).
        let young: Option<i64> = self
            .conn
            .query_row(&self.conn.own("SELECT id FROM audit_event WHERE {own} AND at >= ?1 ORDER BY id LIMIT 1"), [before], |r| r.get(0))
            .optional()?;
        let (count, last): (i64, Option<i64>) = match young {
            Some(first_young) => {
                self.conn.query_row(&self.conn.own("SELECT count(*), max(id) FROM audit_event WHERE {own} AND id < ?1"), [first_young], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?
            }
            None => self.conn.query_row(&self.conn.own("SELECT count(*), max(id) FROM audit_event WHERE {own}"), [], |r| Ok((r.get(0)?, r.get(1)?)))?,
        };
        Ok((count, last))
    }

    /// Every event, oldest first.
    pub fn all(&self) -> Result<Vec<AuditRow>, StoreError> {
        let mut stmt = self.conn.prepare(&self.conn.own(&format!("SELECT {COLUMNS} FROM audit_event WHERE {{own}} ORDER BY id")))?;
        let rows = stmt.query_map([], row)?.collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// The newest events first, optionally only those about one record.
    pub fn page(&self, record: Option<(&str, i64)>, page: Page) -> Result<Paged<AuditRow>, StoreError> {
        let (kind, id) = record.map(|(k, i)| (Some(k), Some(i))).unwrap_or((None, None));
        let filter = "{own} AND (record_kind = ?1 OR ?1 IS NULL) AND (record_id = ?2 OR ?2 IS NULL)";
        let total: i64 = self.conn.query_row(&self.conn.own(&format!("SELECT count(*) FROM audit_event WHERE {filter}")), params![kind, id], |r| r.get(0))?;
        let mut stmt = self.conn.prepare(&self.conn.own(&format!("SELECT {COLUMNS} FROM audit_event WHERE {filter} ORDER BY id DESC LIMIT ?3 OFFSET ?4")))?;
        let items = stmt.query_map(params![kind, id, page.limit, page.offset], row)?.collect::<Result<_, _>>()?;
        Ok(Paged { items, total, offset: page.offset, limit: page.limit })
    }
}

impl AuditHandle<'_> {
    /// The sign-ins of break-glass accounts (local passwords kept for when the directory is
    /// down) since `from`, newest first.
    pub fn break_glass_sign_ins(&self, from: &str) -> Result<Vec<AuditRow>, StoreError> {
        let mut stmt = self.conn.prepare(&self.conn.own(&format!(
            "SELECT {COLUMNS} FROM audit_event WHERE {{own}} AND action = 'sign_in' AND at >= ?1 AND detail LIKE '%\"break_glass\":true%' ORDER BY id DESC LIMIT 200"
        )))?;
        let rows = stmt.query_map(params![from], row)?.collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// The views, prints and exports logged from `from` to before `until` (stamps), oldest
    /// first, by one login when given: what the access review reads.
    pub fn accesses(&self, from: &str, until: &str, login: Option<&str>) -> Result<Vec<AuditRow>, StoreError> {
        let mut stmt = self.conn.prepare(&self.conn.own(&format!(
            "SELECT {COLUMNS} FROM audit_event
              WHERE {{own}} AND action IN ('view', 'print', 'export') AND at >= ?1 AND at < ?2 AND (login = ?3 OR ?3 IS NULL)
              ORDER BY id"
        )))?;
        let rows = stmt.query_map(params![from, until, login], row)?.collect::<Result<_, _>>()?;
        Ok(rows)
    }
}

/// Appends to the log, inside the transaction of the change it records.
pub struct AuditHandleMut<'a> {
    conn: super::Conn<'a>,
    seal: Seal<'a>,
}

impl<'a> Write<'a> {
    pub fn audit_mut(&self) -> AuditHandleMut<'a> {
        AuditHandleMut { conn: self.conn, seal: self.seal }
    }
}

impl AuditHandleMut<'_> {
    /// Appends `e` as the next event of the chain: it takes the id after the newest event and
    /// that event's hash as its link. SQLite serialises every writing transaction; on
    /// PostgreSQL the audit lock taken here, held to the end of the transaction, does the same
    /// for appends. Either way no other append comes between the read of the newest event and
    /// the insert.
    pub fn append(&self, e: &NewAuditEvent<'_>) -> Result<i64, StoreError> {
        let row = self.next_row(e)?;
        self.conn.prepare_cached(&format!("INSERT INTO audit_event ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"))?.execute(params![
            row.id,
            row.at,
            row.staff_id,
            row.login,
            row.desk,
            row.action,
            row.record_kind,
            row.record_id,
            row.detail,
            row.prev_hash,
            row.hash
        ])?;
        Ok(row.id)
    }

    /// Appends `e` in a transaction of its own, committed when this returns: for a read's event
    /// on PostgreSQL, after the read (at READ COMMITTED every statement reads its own snapshot,
    /// so a transaction around the read would add nothing but a round trip). PostgreSQL only:
    /// SQLite's transactions commit through rusqlite.
    pub(crate) fn append_alone(&self, e: &NewAuditEvent<'_>) -> Result<i64, StoreError> {
        let row = unlinked(e)?;
        let ids = self.append_committed(vec![row])?;
        ids.first().copied().ok_or(StoreError::NoRows)
    }

    /// Appends `rows` (unlinked, as [`unlinked`] makes them) in arrival order in one
    /// transaction of their own and commits it; their ids. Two round trips whatever their
    /// number: BEGIN, the audit lock and the newest link; then the inserts and the COMMIT, the
    /// values written as quoted literals. The lock is held from the first to the commit, and
    /// every round trip in between is time every other append waits.
    fn append_committed(&self, mut rows: Vec<AuditRow>) -> Result<Vec<i64>, StoreError> {
        if !self.conn.is_pg() {
            return Err(StoreError::Unsupported("読み取りの監査ログをまとめて書くこと"));
        }
        let appended = (|| {
            let (mut last_id, mut prev) = self.lock_and_last_link(true)?.unwrap_or((0, String::new()));
            let key = self.link_key()?;
            let mut values = Vec::with_capacity(rows.len());
            for row in &mut rows {
                row.id = last_id + 1;
                row.hash = row.link_hash(&prev, key);
                row.prev_hash = std::mem::replace(&mut prev, row.hash.clone());
                last_id = row.id;
                values.push(literal_values(row)?);
            }
            self.conn.execute_batch(&format!("INSERT INTO audit_event ({COLUMNS}) VALUES {}; COMMIT", values.join(", ")))?;
            Ok(rows.iter().map(|r| r.id).collect())
        })();
        if appended.is_err() {
            // Whatever failed after BEGIN, the transaction ends here (outside one, ROLLBACK
            // only warns).
            let _ = self.conn.execute_batch("ROLLBACK");
        }
        appended
    }

    /// The event `e` as the next link of the chain, the lock that keeps it next taken: it has
    /// the id after the newest event and that event's hash as its link.
    fn next_row(&self, e: &NewAuditEvent<'_>) -> Result<AuditRow, StoreError> {
        let (last_id, prev) = self.lock_and_last_link(false)?.unwrap_or((0, String::new()));
        let mut row = unlinked(e)?;
        row.id = last_id + 1;
        row.hash = row.link_hash(&prev, self.link_key()?);
        row.prev_hash = prev;
        Ok(row)
    }

    /// The key the next links are made with: none while the chain is unkeyed; refused when it
    /// is keyed and this process has no key.
    fn link_key(&self) -> Result<Option<&AuditKey>, StoreError> {
        match self.seal.keyed_from {
            None => Ok(None),
            Some(_) => self.seal.key.map(Some).ok_or(StoreError::AuditKeyMissing),
        }
    }
}

impl AuditHandleMut<'_> {
    /// Keys the chain from the next event on with `key`: the events before keep their plain
    /// links. Refused when the chain is keyed already (with this key or another).
    pub fn key_from_next(&self, key: &AuditKey, at: &str) -> Result<i64, StoreError> {
        self.hold_lock()?;
        let reader = AuditHandle { conn: self.conn };
        if reader.keying()?.is_some() {
            return Err(StoreError::Conflict("監査ログはすでに鍵で保護されています".into()));
        }
        let next = reader.last_link()?.map(|(id, _)| id + 1).unwrap_or(1);
        self.conn.execute("INSERT INTO audit_keying (keyed_from, key_check, keyed_at) VALUES (?1, ?2, ?3)", params![next, key.check(), at])?;
        Ok(next)
    }

    /// Takes the audit log's lock (PostgreSQL) and reads the newest link after it, in one round
    /// trip: every audited request appends, and at saturation each round trip under the lock
    /// is time every other append waits.
    fn lock_and_last_link(&self, begin: bool) -> Result<Option<(i64, String)>, StoreError> {
        let reader = AuditHandle { conn: self.conn };
        if !self.conn.is_pg() {
            return reader.last_link();
        }
        let lock = super::pg::lock_statement(&self.conn, super::pg::AUDIT_LOCK);
        let newest = &self.conn.own("SELECT id, hash FROM audit_event WHERE {own} ORDER BY id DESC LIMIT 1");
        let statements: &[&str] = if begin { &["BEGIN ISOLATION LEVEL READ COMMITTED", &lock, newest] } else { &[&lock, newest] };
        let rows = self.conn.batch_then_rows(statements)?;
        match rows.first().map(|r| r.as_slice()) {
            Some([Some(id), Some(hash)]) => Ok(Some((id.parse().map_err(|_| StoreError::Decode(format!("audit_event.id: {id}")))?, hash.clone()))),
            Some(_) => Err(StoreError::Decode("audit_event: the newest link is incomplete".into())),
            // An empty log continues from its anchor, if it was pruned.
            None => reader.last_link(),
        }
    }

    /// Holds the audit log's lock to the end of this transaction, so no event is appended
    /// meanwhile (PostgreSQL; SQLite's writing transaction excludes appends anyway).
    pub fn hold_lock(&self) -> Result<(), StoreError> {
        if self.conn.is_pg() {
            self.conn.execute_batch(&super::pg::lock_statement(&self.conn, super::pg::AUDIT_LOCK))?;
        }
        Ok(())
    }

    /// Removes every event up to `last_id`, and anchors the chain at the next one. The
    /// database refuses deletions from the log: on SQLite this lifts the trigger inside this
    /// transaction and puts it back before the commit; on PostgreSQL only the schema's owner
    /// may (the app role has no DELETE, and may not disable the trigger), so another role is
    /// refused before anything is touched.
    pub fn prune_through(&self, last_id: i64, pruned_before: &str, at: &str, staff_id: i64) -> Result<i64, StoreError> {
        if self.conn.is_pg() && !super::pg::owns_schema(&self.conn)? {
            return Err(StoreError::Role("監査ログの廃棄はデータベースの所有者ロールで実行してください (hairyo --db 所有者ロールのURL audit prune)".into()));
        }
        self.hold_lock()?;
        let reader = AuditHandle { conn: self.conn };
        let link: String = self.conn.query_row(&self.conn.own("SELECT hash FROM audit_event WHERE {own} AND id = ?1"), [last_id], |r| r.get(0))?;
        let (lift, restore) = if self.conn.is_pg() {
            // The trigger lets a DELETE through for this transaction only (migration 0026).
            ("SET LOCAL hairyo.pruning = 'on'", "SET LOCAL hairyo.pruning = 'off'")
        } else {
            (
                "DROP TRIGGER audit_event_no_delete",
                "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
            )
        };
        self.conn.execute_batch(lift)?;
        let first = reader.anchor()?.map(|a| a.first_kept_id).unwrap_or(1);
        let removed = self.conn.execute(&self.conn.own("DELETE FROM audit_event WHERE {own} AND id <= ?1"), [last_id])? as i64;
        self.conn.execute_batch(restore)?;
        debug_assert_eq!(removed, last_id - first + 1);
        self.conn.execute(
            "INSERT INTO audit_anchor (first_kept_id, prev_hash, pruned, pruned_before, at, staff_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![last_id + 1, link, removed, pruned_before, at, staff_id],
        )?;
        Ok(removed)
    }
}

/// Migration 0006 chains the events logged before the chain existed, then makes the log
/// append-only in the database itself.
pub(super) fn chain_existing(conn: &rusqlite::Connection) -> Result<(), StoreError> {
    let mut prev = String::new();
    let conn = super::Conn::lite(conn);
    for r in (AuditHandle { conn }).all()? {
        let hash = r.link_hash(&prev, None);
        conn.execute("UPDATE audit_event SET prev_hash = ?2, hash = ?3 WHERE id = ?1", params![r.id, prev, hash])?;
        prev = hash;
    }
    conn.execute_batch(APPEND_ONLY_TRIGGERS)?;
    Ok(())
}

/// The triggers that make the log append-only: the database itself refuses edits and deletions.
pub(crate) const APPEND_ONLY_TRIGGERS: &str = "
    CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
    BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END;
    CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
    BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END;";

/// `e` as a row not yet linked: no id, no links. Refused when a value could not be written as
/// a PostgreSQL literal (a NUL), so that a batch never fails for one event's sake.
fn unlinked(e: &NewAuditEvent<'_>) -> Result<AuditRow, StoreError> {
    let row = AuditRow {
        id: 0,
        at: e.at.clone(),
        staff_id: e.staff_id,
        login: e.login.to_string(),
        desk: e.desk.to_string(),
        action: e.action.to_string(),
        record_kind: e.record_kind.to_string(),
        record_id: e.record_id,
        detail: e.detail.clone(),
        prev_hash: String::new(),
        hash: String::new(),
    };
    literal_values(&row)?;
    Ok(row)
}

/// A row's values as a parenthesised list of PostgreSQL literals, in [`COLUMNS`]' order.
fn literal_values(row: &AuditRow) -> Result<String, StoreError> {
    let text = super::sql::pg_literal;
    let number = |n: Option<i64>| n.map_or_else(|| "NULL".to_string(), |n| n.to_string());
    Ok(format!(
        "({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
        row.id,
        text(&row.at)?,
        number(row.staff_id),
        text(&row.login)?,
        text(&row.desk)?,
        text(&row.action)?,
        text(&row.record_kind)?,
        number(row.record_id),
        text(&row.detail)?,
        text(&row.prev_hash)?,
        text(&row.hash)?
    ))
}

/// The read events of a server's connections, appended together (a group commit; PostgreSQL).
///
/// Every audited read appends under the one audit lock, and a saturated server kept that lock
/// busy all the time: two round trips per event, each waiting for a core. Here the first
/// reader to find no append under way appends every event waiting at that moment (its own
/// among them) in one transaction, linked in arrival order, and wakes the others. Each reader
/// returns only once its own event is committed, as when it appended alone; if the shared
/// append failed, each appends its own alone and reports its own error. Only reads come here:
/// a reader holds no database lock while it waits, so the appending reader never waits for
/// a waiting one.
#[derive(Default)]
pub struct GroupCommit {
    waiting: std::sync::Mutex<Waiting>,
    settled: std::sync::Condvar,
}

#[derive(Default)]
struct Waiting {
    /// Each waiting event with its ticket and the municipality whose chain it joins.
    events: Vec<(u64, Option<i64>, AuditRow)>,
    next_ticket: u64,
    appending: bool,
    /// Ticket → the event's id once committed, `None` when the shared append failed.
    outcomes: std::collections::HashMap<u64, Option<i64>>,
}

/// At most this many events go in one shared append, so that its statement stays small.
const GROUP_LIMIT: usize = 256;

impl GroupCommit {
    /// Appends `e` with whatever other events are waiting, through `handle`'s connection when
    /// this reader is the one to append; returns once `e` is committed.
    pub(crate) fn append(&self, handle: &AuditHandleMut<'_>, e: &NewAuditEvent<'_>) -> Result<i64, StoreError> {
        let lock = || self.waiting.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        // Only events of one municipality go in one append: the appender's connection acts
        // for it, and each municipality's chain links its own events.
        let municipality = handle.conn.municipality();
        let mut waiting = lock();
        let ticket = waiting.next_ticket;
        waiting.next_ticket += 1;
        waiting.events.push((ticket, municipality, unlinked(e)?));
        loop {
            if let Some(outcome) = waiting.outcomes.remove(&ticket) {
                drop(waiting);
                return match outcome {
                    Some(id) => Ok(id),
                    None => handle.append_alone(e),
                };
            }
            if !waiting.appending {
                waiting.appending = true;
                let (mut tickets, mut rows) = (Vec::new(), Vec::new());
                let mut others = Vec::new();
                for (t, m, row) in waiting.events.drain(..) {
                    if m == municipality && rows.len() < GROUP_LIMIT {
                        tickets.push(t);
                        rows.push(row);
                    } else {
                        others.push((t, m, row));
                    }
                }
                waiting.events = others;
                drop(waiting);
                // Settles the batch even if the append panics, so no reader waits forever.
                let mut settle = Settle { group: self, tickets, ids: None };
                settle.ids = handle.append_committed(rows).ok();
                drop(settle);
                waiting = lock();
                continue;
            }
            waiting = self.settled.wait(waiting).unwrap_or_else(std::sync::PoisonError::into_inner);
        }
    }
}

/// Records a shared append's outcome for its readers and wakes them, when dropped.
struct Settle<'g> {
    group: &'g GroupCommit,
    tickets: Vec<u64>,
    ids: Option<Vec<i64>>,
}

impl Drop for Settle<'_> {
    fn drop(&mut self) {
        let mut waiting = self.group.waiting.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        waiting.appending = false;
        for (n, ticket) in self.tickets.iter().enumerate() {
            let id = self.ids.as_ref().and_then(|ids| ids.get(n).copied());
            waiting.outcomes.insert(*ticket, id);
        }
        self.group.settled.notify_all();
    }
}
