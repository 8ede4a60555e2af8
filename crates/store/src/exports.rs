//! The rows of each CSV export, read as text in the order the export lists them.

use chrono::NaiveDate;

use super::{Read, StoreError};

/// Which certificates a certificate export holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertificateRange {
    All,
    /// Valid until a day from `from` to `to`, both included.
    EndingBetween {
        from: NaiveDate,
        to: NaiveDate,
    },
}

/// The settings key an export profile is saved under.
fn profile_key(name: &str) -> String {
    format!("export_profile.{name}")
}

/// Saves export profiles.
pub struct ExportsHandleMut<'a> {
    conn: super::Conn<'a>,
}

impl<'a> super::Write<'a> {
    pub fn exports_mut(&self) -> ExportsHandleMut<'a> {
        ExportsHandleMut { conn: self.conn }
    }
}

impl ExportsHandleMut<'_> {
    /// Stores a profile's JSON under its name, replacing one of the same name.
    pub fn save_profile(&self, name: &str, json: &str) -> Result<(), StoreError> {
        super::settings::upsert(self.conn, &profile_key(name), json)?;
        Ok(())
    }
}

/// Reads export rows: every value as text, NULL as empty.
pub struct ExportsHandle<'a> {
    conn: super::Conn<'a>,
}

impl<'a> Read<'a> {
    pub fn exports(&self) -> ExportsHandle<'a> {
        ExportsHandle { conn: self.conn }
    }
}

impl ExportsHandle<'_> {
    /// Every saved export profile's JSON, by name.
    pub fn profiles(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT value FROM setting WHERE key LIKE 'export\\_profile.%' ESCAPE '\\' ORDER BY key")?;
        let rows = stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
        Ok(rows)
    }

    fn rows(&self, sql: &str, params: &[&dyn super::sql::Param]) -> Result<Vec<Vec<String>>, StoreError> {
        let mut stmt = self.conn.prepare(sql)?;
        let n = stmt.column_count();
        let rows = stmt.query_map(params, |r| {
            (0..n)
                .map(|i| {
                    use super::sql::Val;
                    Ok(match r.get_val(i)? {
                        Val::Null | Val::Blob(_) => String::new(),
                        Val::Int(v) => v.to_string(),
                        Val::Real(v) => v.to_string(),
                        Val::Text(t) => t.into_owned(),
                    })
                })
                .collect::<Result<Vec<String>, StoreError>>()
        })?;
        rows.collect::<Result<_, _>>()
    }

    /// Persons by 宛名番号 (as a number), in the import's default layout, with the 支援措置 flag
    /// ("1" or "0") as a last column.
    pub fn persons(&self) -> Result<Vec<Vec<String>>, StoreError> {
        self.rows(
            "SELECT atena_no, name, kana, birth_date, sex, postal_code, address, phone, scheme, insurer_no,
                        card_symbol, card_number, card_branch, householder, household_no, COALESCE(relationship, ''), alias,
                        COALESCE(residence_until, ''), protected
                 FROM person ORDER BY CAST(atena_no AS BIGINT), id",
            &[],
        )
    }

    /// Touchpoints by date: id, 宛名番号, name, date, desk's name, staff login, kind code, wish,
    /// the leaflets handed out ("leaflet edition" joined by ・), notes, and the desk's code as a
    /// last column (whose notes they are decides who sees them).
    pub fn touchpoints(&self) -> Result<Vec<Vec<String>>, StoreError> {
        self.rows(
            "SELECT t.id, p.atena_no, p.name, t.date, d.name, s.login, t.kind, t.wish,
                        (SELECT string_agg(l.leaflet || ' ' || l.edition, '・' ORDER BY l.leaflet) FROM touchpoint_leaflet l WHERE l.touchpoint_id = t.id), t.notes,
                        t.desk
                 FROM touchpoint t JOIN person p ON p.id = t.person_id JOIN desk d ON d.code = t.desk JOIN staff s ON s.id = t.staff_id
                 ORDER BY t.date, t.id",
            &[],
        )
    }

    /// Referrals by date sent: id, 宛名番号, name, from and to desks' names, sent on, status code,
    /// reason, proposed applicant, return reason, completed on.
    pub fn referrals(&self) -> Result<Vec<Vec<String>>, StoreError> {
        self.rows(
            "SELECT r.id, p.atena_no, p.name, fd.name, td.name, r.sent_on, r.status, r.reason, r.proposed_applicant, r.return_reason, r.completed_on
                 FROM referral r JOIN person p ON p.id = r.person_id JOIN desk fd ON fd.code = r.from_desk JOIN desk td ON td.code = r.to_desk
                 ORDER BY r.sent_on, r.id",
            &[],
        )
    }

    /// Applications by date received: id, 宛名番号, name, scheme, received on, channel,
    /// applicant, authority, proxy's name, status, decided on (the city's decision, or for 後期
    /// the 広域連合's) (codes as stored).
    pub fn applications(&self) -> Result<Vec<Vec<String>>, StoreError> {
        self.rows(
            "SELECT a.id, p.atena_no, p.name, a.scheme, a.received_on, a.channel, a.applicant, a.authority, a.proxy_name, a.status,
                    coalesce(a.decided_on, a.union_decided_on)
                 FROM application a JOIN person p ON p.id = a.person_id ORDER BY a.received_on, a.id",
            &[],
        )
    }

    /// Certificates in `range` by expiry: id, 宛名番号, name, scheme, basis, issued on, valid
    /// until, delivery address, and the person's 支援措置 flag ("1" or "0") as a last column.
    pub fn certificates(&self, range: CertificateRange) -> Result<Vec<Vec<String>>, StoreError> {
        let (filter, params): (&str, Vec<String>) = match range {
            CertificateRange::EndingBetween { from, to } => ("WHERE c.valid_until >= ?1 AND c.valid_until <= ?2", vec![from.to_string(), to.to_string()]),
            CertificateRange::All => ("", vec![]),
        };
        let p: Vec<&dyn super::sql::Param> = params.iter().map(|s| s as &dyn super::sql::Param).collect();
        self.rows(
            &format!(
                "SELECT c.id, p.atena_no, p.name, c.scheme, c.basis, c.issued_on, c.valid_until, c.delivery_address,
                            p.protected
                     FROM certificate c JOIN person p ON p.id = c.person_id {filter} ORDER BY c.valid_until, c.id"
            ),
            &p,
        )
    }
}
