//! Results kept between calls for as long as the tables they were computed from are unchanged:
//! the home screen on a server, which fifty desks may ask for within the same second.
//!
//! On PostgreSQL every statement that changes one of the [`Table`]s raises its counter in
//! `hairyo_table_version` (migration 0016), inside the writer's transaction. A caller reads the
//! counters first ([`Read::table_versions`]) and computes after, so a kept result is never older
//! than the counters it is filed under: a commit landing in between only makes the next call
//! compute again. A SQLite file serves one PC and keeps nothing: each call computes.

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::{Read, Store, StoreError};

/// A table whose changes a kept result depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Person,
    Referral,
    ReferralComment,
    /// An application with its checklist of documents.
    Application,
    Certificate,
    Facility,
    FollowUp,
    Staff,
}

impl Table {
    const ALL: [Table; 8] =
        [Table::Person, Table::Referral, Table::ReferralComment, Table::Application, Table::Certificate, Table::Facility, Table::FollowUp, Table::Staff];

    fn name(self) -> &'static str {
        match self {
            Table::Person => "person",
            Table::Referral => "referral",
            Table::ReferralComment => "referral_comment",
            Table::Application => "application",
            Table::Certificate => "certificate",
            Table::Facility => "facility",
            Table::FollowUp => "follow_up",
            Table::Staff => "staff",
        }
    }
}

/// The change counters of every [`Table`] at one moment, or `None` where nothing is kept.
#[derive(Debug, Clone)]
pub struct Versions(Option<[i64; Table::ALL.len()]>);

impl Versions {
    fn of(&self, reads: &[Table]) -> Option<Vec<i64>> {
        let all = self.0.as_ref()?;
        Some(reads.iter().map(|t| all[Table::ALL.iter().position(|a| a == t).unwrap_or(0)]).collect())
    }
}

/// More entries than this (old days, many scopes) and all are dropped: they are cheap to make
/// again, and a server must not grow without bound.
const MOST_ENTRIES: usize = 512;

/// A kept result: the counters it was computed under, and the value.
type Entry = (Vec<i64>, Arc<dyn Any + Send + Sync>);

/// Kept results, shared by the connections of one server's pool.
#[derive(Default)]
pub struct Kept {
    entries: Mutex<HashMap<String, Entry>>,
    computed: std::sync::atomic::AtomicU64,
}

impl Kept {
    /// How many results were computed rather than found kept, since the first connection
    /// opened: what a test and a server's diagnostics watch.
    pub fn computations(&self) -> u64 {
        self.computed.load(std::sync::atomic::Ordering::Relaxed)
    }
}

impl std::fmt::Debug for Kept {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.entries.lock().map(|e| e.len()).unwrap_or(0);
        f.debug_struct("Kept").field("entries", &n).finish()
    }
}

impl Read<'_> {
    /// The change counters now: one statement on PostgreSQL, nothing on SQLite.
    pub fn table_versions(&self) -> Result<Versions, StoreError> {
        if !self.conn.is_pg() {
            return Ok(Versions(None));
        }
        let mut found = [0i64; Table::ALL.len()];
        let mut stmt = self.conn.prepare_cached("SELECT tbl, v FROM hairyo_table_version")?;
        for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
            let (tbl, v) = row?;
            if let Some(i) = Table::ALL.iter().position(|t| t.name() == tbl) {
                found[i] = v;
            }
        }
        Ok(Versions(Some(found)))
    }
}

impl Store {
    /// The result filed under `key` when the tables it `reads` are as `versions` found them;
    /// otherwise `compute`s it and files it. `key` must name everything else the result depends
    /// on (the day, the desk's scope).
    pub fn kept<T, E>(&self, versions: &Versions, key: &str, reads: &[Table], compute: impl FnOnce() -> Result<T, E>) -> Result<T, E>
    where
        T: Clone + Send + Sync + 'static,
    {
        let Some(wanted) = versions.of(reads) else { return compute() };
        // The counters and the result are the municipality's the connection acts for: filed
        // under it, never served to another's.
        let key = &format!("{:?}/{key}", self.conn().municipality());
        if let Ok(entries) = self.kept.entries.lock() {
            if let Some((at, value)) = entries.get(key) {
                if *at == wanted {
                    if let Some(v) = value.downcast_ref::<T>() {
                        return Ok(v.clone());
                    }
                }
            }
        }
        let value = compute()?;
        self.kept.computed.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if let Ok(mut entries) = self.kept.entries.lock() {
            if entries.len() >= MOST_ENTRIES {
                entries.clear();
            }
            // A slower computation that read older counters may replace a newer result: the
            // next call then finds the counters moved on and computes again.
            entries.insert(key.to_string(), (wanted, Arc::new(value.clone())));
        }
        Ok(value)
    }

    /// The kept results this store files into, to share with another connection to the same
    /// database (a server's pool).
    pub fn kept_results(&self) -> Arc<Kept> {
        self.kept.clone()
    }

    /// Files this store's kept results with `kept` (another connection's to the same database).
    pub fn share_kept_results(&mut self, kept: Arc<Kept>) {
        self.kept = kept;
    }
}
