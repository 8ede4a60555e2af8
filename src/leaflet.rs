//! The notice's handouts (別添1 leaflet, 別添2 leaflet, 別添3 poster) and their editions.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;

use crate::coded_enum;

coded_enum! {
    pub enum Leaflet ("リーフレット") {
        Bessou1 = ("bessou1", "別添1"),
        Bessou2 = ("bessou2", "別添2"),
        Bessou3 = ("bessou3", "別添3"),
    }
}

impl Leaflet {
    pub fn title(self) -> &'static str {
        match self {
            Leaflet::Bessou1 => "健康保険証の有効期限と資格確認書のご案内 (リーフレット)",
            Leaflet::Bessou2 => "目視確認モードのご案内 (リーフレット)",
            Leaflet::Bessou3 => "マイナ保険証か資格確認書で受付を (ポスター)",
        }
    }
}

/// The editions shipped with Hairyo: the attachments of the notice of 令和7年5月13日.
const EDITIONS: &[(Leaflet, &str, &str)] = &[
    (Leaflet::Bessou1, "R7.5", "2025-05-13"),
    (Leaflet::Bessou2, "R7.5", "2025-05-13"),
    (Leaflet::Bessou3, "R7.5", "2025-05-13"),
];

pub(crate) fn seed(tx: &Transaction<'_>) -> Result<(), rusqlite::Error> {
    for (l, edition, from) in EDITIONS {
        tx.execute(
            "INSERT OR IGNORE INTO leaflet_edition (leaflet, edition, effective_from, title) VALUES (?1, ?2, ?3, ?4)",
            params![l, edition, from, l.title()],
        )?;
    }
    Ok(())
}

/// The edition in force on `on`: the latest whose effective date is not after it.
pub fn current_edition(conn: &Connection, leaflet: Leaflet, on: NaiveDate) -> Result<String, rusqlite::Error> {
    let found: Option<String> = conn
        .query_row(
            "SELECT edition FROM leaflet_edition WHERE leaflet = ?1 AND effective_from <= ?2
             ORDER BY effective_from DESC LIMIT 1",
            params![leaflet, on],
            |r| r.get(0),
        )
        .optional()?;
    // Before the first edition's date, the earliest edition is still what is handed out.
    match found {
        Some(e) => Ok(e),
        None => conn
            .query_row(
                "SELECT edition FROM leaflet_edition WHERE leaflet = ?1 ORDER BY effective_from LIMIT 1",
                [leaflet],
                |r| r.get(0),
            )
            .optional()
            .map(|e| e.unwrap_or_else(|| "R7.5".to_string())),
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Edition {
    pub leaflet: Leaflet,
    pub edition: String,
    pub effective_from: NaiveDate,
    pub title: String,
}

pub fn editions(conn: &Connection) -> Result<Vec<Edition>, rusqlite::Error> {
    let mut stmt = conn.prepare("SELECT leaflet, edition, effective_from, title FROM leaflet_edition ORDER BY leaflet, effective_from")?;
    let rows = stmt.query_map([], |r| Ok(Edition { leaflet: r.get(0)?, edition: r.get(1)?, effective_from: r.get(2)?, title: r.get(3)? }))?;
    rows.collect()
}
