//! Duplicate candidates, dismissed pairs and merges of one person into another.

use std::collections::HashSet;

use super::sql::params;

use super::{Read, StoreError, Write};

/// A person who shares a birth date with at least one other, with the keys a comparison needs.
#[derive(Debug, Clone)]
pub struct BirthDateSharer {
    pub id: i64,
    pub name: String,
    pub kana: String,
    pub name_norm: String,
    pub kana_norm: String,
    pub birth_date: chrono::NaiveDate,
}

/// Reads what duplicate detection compares.
pub struct DuplicatesHandle<'a> {
    conn: super::Conn<'a>,
}

impl<'a> Read<'a> {
    pub fn duplicates(&self) -> DuplicatesHandle<'a> {
        DuplicatesHandle { conn: self.conn }
    }
}

impl DuplicatesHandle<'_> {
    /// Every person whose birth date another person shares, by birth date then id.
    pub fn sharing_birth_date(&self) -> Result<Vec<BirthDateSharer>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT p.id, p.name, p.kana, p.name_norm, p.kana_norm, p.birth_date FROM person p
         WHERE p.birth_date IN (SELECT birth_date FROM person GROUP BY birth_date HAVING count(*) > 1)
         ORDER BY p.birth_date, p.id",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok(BirthDateSharer { id: r.get(0)?, name: r.get(1)?, kana: r.get(2)?, name_norm: r.get(3)?, kana_norm: r.get(4)?, birth_date: r.get(5)? })
            })?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// The pairs (lower id first) recorded as different people.
    pub fn dismissed(&self) -> Result<HashSet<(i64, i64)>, StoreError> {
        let mut s = self.conn.prepare("SELECT a, b FROM duplicate_dismissal")?;
        let d = s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
        Ok(d)
    }
}

/// Records reviews of duplicate candidates and carries out merges.
pub struct DuplicatesHandleMut<'a> {
    conn: super::Conn<'a>,
}

impl<'a> Write<'a> {
    pub fn duplicates_mut(&self) -> DuplicatesHandleMut<'a> {
        DuplicatesHandleMut { conn: self.conn }
    }
}

/// The tables whose rows belong to one person and follow them into a merge.
const LINKED_TABLES: [&str; 7] = ["touchpoint", "referral", "application", "certificate", "follow_up", "certificate_conflict", "delivery_registration"];

impl DuplicatesHandleMut<'_> {
    /// Records that persons `a` and `b` (`a < b`) are different people; a pair recorded
    /// before stays as it was.
    pub fn dismiss(&self, a: i64, b: i64, staff_id: i64, at: &str) -> Result<(), StoreError> {
        self.conn
            .execute("INSERT INTO duplicate_dismissal (a, b, staff_id, at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING", params![a, b, staff_id, at])?;
        Ok(())
    }

    /// Moves every record linked to `other` to `keep`, forgets the dismissed pairs `other` was
    /// part of, and deletes `other`.
    pub fn fold_into(&self, keep: i64, other: i64) -> Result<(), StoreError> {
        // A letter to each follows them too, unless both were written to by the same mailing.
        self.conn.execute(
            "DELETE FROM mailing_recipient WHERE person_id = ?2 AND campaign_id IN (SELECT campaign_id FROM mailing_recipient WHERE person_id = ?1)",
            params![keep, other],
        )?;
        self.conn.execute("UPDATE mailing_recipient SET person_id = ?1 WHERE person_id = ?2", params![keep, other])?;
        // A 資格情報のお知らせ recorded for both is kept once.
        self.conn.execute(
            "DELETE FROM coverage_notice WHERE person_id = ?2 AND EXISTS (SELECT 1 FROM coverage_notice k WHERE k.person_id = ?1 AND k.scheme = coverage_notice.scheme AND k.sent_on = coverage_notice.sent_on)",
            params![keep, other],
        )?;
        self.conn.execute("UPDATE coverage_notice SET person_id = ?1 WHERE person_id = ?2", params![keep, other])?;
        for table in LINKED_TABLES {
            self.conn.execute(&format!("UPDATE {table} SET person_id = ?1 WHERE person_id = ?2"), params![keep, other])?;
        }
        self.conn.execute("DELETE FROM duplicate_dismissal WHERE a = ?1 OR b = ?1", [other])?;
        self.conn.execute("DELETE FROM person WHERE id = ?1", [other])?;
        Ok(())
    }
}
