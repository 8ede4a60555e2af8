//! Counts over the whole database, for the home screen and `hairyo stats`.

use super::{Read, StoreError};

/// The stored counts, each grouped list keyed by the stored code and largest first.
#[derive(Debug, Clone)]
pub struct StoredCounts {
    pub persons: i64,
    pub facilities: i64,
    pub persons_by_scheme: Vec<(String, i64)>,
    pub touchpoints_by_desk: Vec<(String, i64)>,
    pub referrals_by_status: Vec<(String, i64)>,
    pub referrals_by_desk: Vec<(String, i64)>,
    pub applications_by_status: Vec<(String, i64)>,
    pub certificates_by_basis: Vec<(String, i64)>,
}

/// Counts rows.
pub struct StatsHandle<'a> {
    conn: super::Conn<'a>,
}

impl<'a> Read<'a> {
    pub fn stats(&self) -> StatsHandle<'a> {
        StatsHandle { conn: self.conn }
    }
}

impl StatsHandle<'_> {
    fn grouped(&self, sql: &str) -> Result<Vec<(String, i64)>, StoreError> {
        let mut stmt = self.conn.prepare(sql)?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// Every count the statistics show.
    pub fn counts(&self) -> Result<StoredCounts, StoreError> {
        Ok(StoredCounts {
            persons: self.conn.query_row("SELECT count(*) FROM person", [], |r| r.get(0))?,
            facilities: self.conn.query_row("SELECT count(*) FROM facility", [], |r| r.get(0))?,
            persons_by_scheme: self.grouped("SELECT scheme, count(*) FROM person GROUP BY scheme ORDER BY 2 DESC")?,
            touchpoints_by_desk: self.grouped("SELECT desk, count(*) FROM touchpoint GROUP BY desk ORDER BY 2 DESC")?,
            referrals_by_status: self.grouped("SELECT status, count(*) FROM referral GROUP BY status ORDER BY 2 DESC")?,
            referrals_by_desk: self.grouped("SELECT from_desk, count(*) FROM referral GROUP BY from_desk ORDER BY 2 DESC")?,
            applications_by_status: self.grouped("SELECT status, count(*) FROM application GROUP BY status ORDER BY 2 DESC")?,
            certificates_by_basis: self.grouped("SELECT basis, count(*) FROM certificate GROUP BY basis ORDER BY 2 DESC")?,
        })
    }
}
