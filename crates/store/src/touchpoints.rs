//! Touchpoints (接点) and the leaflets handed out at them: the `touchpoint` and
//! `touchpoint_leaflet` tables (`touchpoint_month` follows them by triggers).

use super::sql::{params, OptionalExtension};
use chrono::NaiveDate;

use super::{Read, StoreError, Write};
use crate::model::leaflet::Leaflet;
use crate::model::staff::Desk;
use crate::model::touchpoint::{LeafletGiven, Touchpoint, TouchpointKind, Wish};

/// A touchpoint as a desk records it.
#[derive(Debug, Clone)]
pub struct NewTouchpoint<'a> {
    pub person_id: i64,
    pub desk: Desk,
    pub staff_id: i64,
    pub date: NaiveDate,
    pub kind: TouchpointKind,
    pub wish: Wish,
    pub notes: &'a str,
    pub created_at: String,
}

/// Reads touchpoints.
pub struct TouchpointHandle<'a> {
    conn: super::Conn<'a>,
}

impl<'a> Read<'a> {
    pub fn touchpoints(&self) -> TouchpointHandle<'a> {
        TouchpointHandle { conn: self.conn }
    }
}

impl TouchpointHandle<'_> {
    /// True when the person has ever been handed 別添1.
    pub fn has_had_bessou1(&self, person_id: i64) -> Result<bool, StoreError> {
        self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM touchpoint t JOIN touchpoint_leaflet l ON l.touchpoint_id = t.id
                        WHERE t.person_id = ?1 AND l.leaflet = 'bessou1')",
            [person_id],
            |r| r.get(0),
        )
    }

    /// The wish the person last expressed (a touchpoint whose wish was not left 未確認), with
    /// the touchpoint's date; `None` when no touchpoint recorded one.
    pub fn latest_wish(&self, person_id: i64) -> Result<Option<(Wish, NaiveDate)>, StoreError> {
        self.conn
            .prepare_cached("SELECT wish, date FROM touchpoint WHERE person_id = ?1 AND wish <> 'unknown' ORDER BY date DESC, id DESC LIMIT 1")?
            .query_row([person_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
    }

    /// A person's touchpoints with the leaflets given at each, newest first.
    pub fn for_person(&self, person_id: i64) -> Result<Vec<Touchpoint>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT t.id, t.person_id, t.desk, s.login, t.date, t.kind, t.wish, t.notes, t.desk,
                (SELECT string_agg(l.leaflet || ':' || l.edition, '|' ORDER BY l.leaflet) FROM touchpoint_leaflet l WHERE l.touchpoint_id = t.id)
         FROM touchpoint t JOIN staff s ON s.id = t.staff_id
         WHERE t.person_id = ?1 ORDER BY t.date DESC, t.id DESC",
        )?;
        let rows = stmt.query_map([person_id], |r| {
            let kind: TouchpointKind = r.get(5)?;
            let wish: Wish = r.get(6)?;
            let leaflets: Option<String> = r.get(9)?;
            Ok(Touchpoint {
                id: r.get(0)?,
                person_id: r.get(1)?,
                desk: r.get::<_, Desk>(2)?.label().to_string(),
                desk_code: r.get(8)?,
                staff_login: r.get(3)?,
                date: r.get(4)?,
                kind,
                kind_label: kind.label(),
                leaflets: leaflets
                    .unwrap_or_default()
                    .split('|')
                    .filter_map(|s| {
                        let (l, e) = s.split_once(':')?;
                        Some(LeafletGiven { leaflet: Leaflet::from_code(l)?, edition: e.to_string() })
                    })
                    .collect(),
                wish,
                wish_label: wish.label(),
                notes: r.get(7)?,
            })
        })?;
        rows.collect::<Result<_, _>>()
    }
}

/// Writes touchpoints inside the caller's transaction.
pub struct TouchpointHandleMut<'a> {
    conn: super::Conn<'a>,
}

impl<'a> Write<'a> {
    pub fn touchpoints_mut(&self) -> TouchpointHandleMut<'a> {
        TouchpointHandleMut { conn: self.conn }
    }
}

impl TouchpointHandleMut<'_> {
    /// Stores a touchpoint; returns its id.
    pub fn insert(&self, t: &NewTouchpoint<'_>) -> Result<i64, StoreError> {
        self.conn.insert_returning_id(
            "INSERT INTO touchpoint (person_id, desk, staff_id, date, kind, wish, notes, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![t.person_id, t.desk, t.staff_id, t.date, t.kind, t.wish, t.notes, t.created_at],
        )
    }

    /// Records that `edition` of `leaflet` was handed out at touchpoint `touchpoint_id`.
    pub fn add_leaflet(&self, touchpoint_id: i64, leaflet: Leaflet, edition: &str) -> Result<(), StoreError> {
        self.conn.execute("INSERT INTO touchpoint_leaflet (touchpoint_id, leaflet, edition) VALUES (?1, ?2, ?3)", params![touchpoint_id, leaflet, edition])?;
        Ok(())
    }

    /// Marks on the person that they wish to cancel the card's insurance registration, as said
    /// at a touchpoint (R12). The persons' own handle may take this over; it is here because
    /// only a touchpoint sets it.
    pub fn note_wish_to_cancel(&self, person_id: i64) -> Result<(), StoreError> {
        self.conn.execute("UPDATE person SET wishes_cancel = 1 WHERE id = ?1", [person_id])?;
        Ok(())
    }

    /// Records on the person that their 解除申請 was received (R12): the registration reads
    /// 利用登録の解除, and the wish stays noted.
    pub fn note_registration_cancelled(&self, person_id: i64) -> Result<(), StoreError> {
        self.conn.execute("UPDATE person SET registration = 'cancelled', wishes_cancel = 1 WHERE id = ?1", [person_id])?;
        Ok(())
    }
}
