//! Mailings to 要配慮者 at home: the `mailing_campaign` and `mailing_recipient` tables, and the
//! choice of whom to write to.

use super::sql::{params, OptionalExtension};
use chrono::NaiveDate;

use super::{Read, StoreError, Write};
use crate::model::mailing::{MailingAddress, MailingCampaign, MailingCounts, MailingOutcome, MailingRecipient};
use crate::model::staff::Desk;

/// A person a mailing may write to: a member of the city's 国保 or 後期 living at home (no
/// facility), with a reason for care recorded, not moved out or ended, insured here.
#[derive(Debug, Clone)]
pub struct MailingCandidate {
    pub person_id: i64,
    /// The desk of the person's most recent touchpoint, if any.
    pub last_desk: Option<Desk>,
    /// Has an application (any state but refused or withdrawn) for a certificate.
    pub applied: bool,
}

/// A mailing as it is started.
#[derive(Debug, Clone)]
pub struct NewMailing<'a> {
    pub title: &'a str,
    pub started_on: NaiveDate,
    pub deadline: NaiveDate,
    pub criteria: &'a str,
    pub note: &'a str,
    pub staff_id: i64,
    pub created_at: &'a str,
}

/// Reads mailings.
pub struct MailingsHandle<'a> {
    conn: super::Conn<'a>,
}

impl<'a> Read<'a> {
    pub fn mailings(&self) -> MailingsHandle<'a> {
        MailingsHandle { conn: self.conn }
    }
}

impl MailingsHandle<'_> {
    /// Everyone a mailing may write to, in 五十音順.
    pub fn candidates(&self) -> Result<Vec<MailingCandidate>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT p.id,
                    (SELECT t.desk FROM touchpoint t WHERE t.person_id = p.id ORDER BY t.date DESC, t.id DESC LIMIT 1),
                    CASE WHEN EXISTS (SELECT 1 FROM application a WHERE a.person_id = p.id
                                      AND a.status NOT IN ('rejected', 'withdrawn', 'union_rejected')) THEN 1 ELSE 0 END
               FROM person p
              WHERE p.facility_id IS NULL AND p.scheme IN ('kokuho', 'kouki') AND p.other_insurer = '' AND p.reasons <> ''
                AND NOT EXISTS (SELECT 1 FROM person_end e WHERE e.person_id = p.id)
                AND NOT EXISTS (SELECT 1 FROM move_out m WHERE m.person_id = p.id)
              ORDER BY p.kana_norm, p.id",
        )?;
        let rows = stmt
            .query_map([], |r| {
                let desk: Option<String> = r.get(1)?;
                Ok(MailingCandidate { person_id: r.get(0)?, last_desk: desk.and_then(|d| Desk::from_code(&d)), applied: r.get(2)? })
            })?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// One mailing with every letter; `today` decides what is unanswered.
    pub fn get(&self, id: i64, today: NaiveDate) -> Result<Option<MailingCampaign>, StoreError> {
        let head = self
            .conn
            .query_row("SELECT id, title, started_on, deadline, criteria, note FROM mailing_campaign WHERE id = ?1", [id], |r| {
                Ok(MailingCampaign {
                    id: r.get(0)?,
                    title: r.get(1)?,
                    started_on: r.get(2)?,
                    deadline: r.get(3)?,
                    criteria: r.get(4)?,
                    note: r.get(5)?,
                    recipients: Vec::new(),
                    counts: MailingCounts::default(),
                    overdue: false,
                })
            })
            .optional()?;
        let Some(mut c) = head else { return Ok(None) };
        // An application received on or after the day the letter went answers it.
        let mut stmt = self.conn.prepare(
            "SELECT r.person_id, p.name, p.kana, p.birth_date, r.address_kind, r.outcome, r.outcome_on, r.reminded_on, r.note, p.protected,
                    (SELECT a.id FROM application a WHERE a.person_id = r.person_id AND a.received_on >= ?2
                        AND a.status NOT IN ('rejected', 'withdrawn', 'union_rejected') ORDER BY a.received_on, a.id LIMIT 1),
                    (SELECT a.received_on FROM application a WHERE a.person_id = r.person_id AND a.received_on >= ?2
                        AND a.status NOT IN ('rejected', 'withdrawn', 'union_rejected') ORDER BY a.received_on, a.id LIMIT 1),
                    CASE WHEN EXISTS (SELECT 1 FROM person_end e WHERE e.person_id = r.person_id)
                           OR EXISTS (SELECT 1 FROM move_out m WHERE m.person_id = r.person_id) THEN 1 ELSE 0 END
               FROM mailing_recipient r JOIN person p ON p.id = r.person_id
              WHERE r.campaign_id = ?1 ORDER BY p.kana_norm, p.id",
        )?;
        let deadline = c.deadline;
        c.recipients = stmt
            .query_map(params![id, c.started_on], |r| {
                let kind: MailingAddress = r.get(4)?;
                let stored: Option<MailingOutcome> = r.get(5)?;
                let application_id: Option<i64> = r.get(10)?;
                let applied_on: Option<NaiveDate> = r.get(11)?;
                // An application answers the letter whatever was recorded before it (a letter
                // returned once may still bring one).
                let (outcome, outcome_on) = match (application_id, stored) {
                    (Some(_), _) => (MailingOutcome::Applied, applied_on),
                    (None, Some(o)) => (o, r.get(6)?),
                    (None, None) if today > deadline => (MailingOutcome::NoAnswer, None),
                    (None, None) => (MailingOutcome::Awaited, None),
                };
                Ok(MailingRecipient {
                    person_id: r.get(0)?,
                    name: r.get(1)?,
                    kana: r.get(2)?,
                    birth_date: r.get(3)?,
                    address_kind: kind,
                    address_label: kind.label(),
                    outcome,
                    outcome_label: outcome.label(),
                    outcome_on,
                    application_id,
                    reminded_on: r.get(7)?,
                    note: r.get(8)?,
                    protected: r.get(9)?,
                    left: r.get(12)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        let count = |o: MailingOutcome| c.recipients.iter().filter(|r| r.outcome == o).count() as i64;
        c.counts = MailingCounts {
            sent: c.recipients.len() as i64,
            awaited: count(MailingOutcome::Awaited),
            applied: count(MailingOutcome::Applied),
            declined: count(MailingOutcome::Declined),
            returned_mail: count(MailingOutcome::ReturnedMail),
            no_answer: count(MailingOutcome::NoAnswer),
            reminded: c.recipients.iter().filter(|r| matches!(r.outcome, MailingOutcome::Awaited | MailingOutcome::NoAnswer) && r.reminded_on.is_some()).count()
                as i64,
        };
        c.overdue = c.recipients.iter().any(|r| r.outcome == MailingOutcome::NoAnswer && r.reminded_on.is_none() && !r.left);
        Ok(Some(c))
    }

    /// Every mailing's id, newest first.
    pub fn ids(&self) -> Result<Vec<i64>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT id FROM mailing_campaign ORDER BY started_on DESC, id DESC")?;
        let ids = stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
        Ok(ids)
    }

    /// Letters of mailings whose deadline is on or after `today` with nothing recorded and no
    /// application since: each may still bring an application, by its mailing's deadline.
    pub fn awaited_by_deadline(&self, today: NaiveDate) -> Result<Vec<(NaiveDate, i64)>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT c.deadline, count(*) FROM mailing_recipient r JOIN mailing_campaign c ON c.id = r.campaign_id
              WHERE c.deadline >= ?1 AND r.outcome IS NULL
                AND NOT EXISTS (SELECT 1 FROM application a WHERE a.person_id = r.person_id AND a.received_on >= c.started_on
                                   AND a.status NOT IN ('rejected', 'withdrawn', 'union_rejected'))
              GROUP BY c.deadline ORDER BY c.deadline",
        )?;
        let rows = stmt.query_map([today], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
        Ok(rows)
    }
}

/// Writes mailings.
pub struct MailingsHandleMut<'a> {
    conn: super::Conn<'a>,
}

impl<'a> Write<'a> {
    pub fn mailings_mut(&self) -> MailingsHandleMut<'a> {
        MailingsHandleMut { conn: self.conn }
    }
}

impl MailingsHandleMut<'_> {
    pub fn insert(&self, m: &NewMailing<'_>) -> Result<i64, StoreError> {
        self.conn.insert_returning_id(
            "INSERT INTO mailing_campaign (title, started_on, deadline, criteria, note, staff_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![m.title, m.started_on, m.deadline, m.criteria, m.note, m.staff_id, m.created_at],
        )
    }

    pub fn add_recipient(&self, campaign_id: i64, person_id: i64, address: MailingAddress) -> Result<(), StoreError> {
        self.conn
            .execute("INSERT INTO mailing_recipient (campaign_id, person_id, address_kind) VALUES (?1, ?2, ?3)", params![campaign_id, person_id, address])?;
        Ok(())
    }

    /// Records what became of one letter.
    pub fn set_outcome(&self, campaign_id: i64, person_id: i64, outcome: MailingOutcome, on: NaiveDate, note: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE mailing_recipient SET outcome = ?3, outcome_on = ?4, note = ?5 WHERE campaign_id = ?1 AND person_id = ?2",
            params![campaign_id, person_id, outcome, on, note],
        )?;
        Ok(())
    }

    /// Records that a reminder went to these people.
    pub fn set_reminded(&self, campaign_id: i64, person_id: i64, on: NaiveDate) -> Result<(), StoreError> {
        self.conn.execute("UPDATE mailing_recipient SET reminded_on = ?3 WHERE campaign_id = ?1 AND person_id = ?2", params![campaign_id, person_id, on])?;
        Ok(())
    }
}
