//! Facility campaigns: the `facility_campaign` and `campaign_resident` tables.

use super::sql::{params, OptionalExtension};
use chrono::NaiveDate;

use super::{Read, StoreError, Write};
use crate::model::application::AppStatus;
use crate::model::facility::{CampaignOutcome, CampaignResident, FacilityCampaign};

/// Reads campaigns.
pub struct CampaignsHandle<'a> {
    conn: super::Conn<'a>,
}

impl<'a> Read<'a> {
    pub fn campaigns(&self) -> CampaignsHandle<'a> {
        CampaignsHandle { conn: self.conn }
    }
}

impl CampaignsHandle<'_> {
    /// One campaign with every resident it sent a form to, by name; `today` decides whether it
    /// is overdue.
    pub fn get(&self, id: i64, today: NaiveDate) -> Result<Option<FacilityCampaign>, StoreError> {
        let head = self
            .conn
            .query_row(
                "SELECT c.id, c.facility_id, f.name, c.started_on, c.deadline, c.note FROM facility_campaign c JOIN facility f ON f.id = c.facility_id WHERE c.id = ?1",
                [id],
                |r| {
                    Ok(FacilityCampaign {
                        id: r.get(0)?,
                        facility_id: r.get(1)?,
                        facility_name: r.get(2)?,
                        started_on: r.get(3)?,
                        deadline: r.get(4)?,
                        note: r.get(5)?,
                        residents: Vec::new(),
                        awaited: 0,
                        overdue: false,
                    })
                },
            )
            .optional()?;
        let Some(mut c) = head else { return Ok(None) };
        let mut stmt = self.conn.prepare(
            "SELECT r.person_id, p.name, p.birth_date, r.sent_on, r.returned_on, r.outcome, r.application_id, a.status, r.note, p.protected
             FROM campaign_resident r JOIN person p ON p.id = r.person_id LEFT JOIN application a ON a.id = r.application_id
             WHERE r.campaign_id = ?1 ORDER BY p.kana, p.id",
        )?;
        c.residents = stmt
            .query_map([id], |r| {
                let outcome: CampaignOutcome = r.get(5)?;
                let status: Option<AppStatus> = r.get(7)?;
                Ok(CampaignResident {
                    person_id: r.get(0)?,
                    name: r.get(1)?,
                    birth_date: r.get(2)?,
                    sent_on: r.get(3)?,
                    returned_on: r.get(4)?,
                    outcome,
                    outcome_label: outcome.label(),
                    application_id: r.get(6)?,
                    application_status_label: status.map(|s| s.label()),
                    note: r.get(8)?,
                    protected: r.get(9)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        c.awaited = c.residents.iter().filter(|r| r.outcome == CampaignOutcome::Awaited).count();
        c.overdue = c.awaited > 0 && today > c.deadline;
        Ok(Some(c))
    }

    /// The ids of a facility's campaigns, newest first.
    pub fn of_facility(&self, facility_id: i64) -> Result<Vec<i64>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT id FROM facility_campaign WHERE facility_id = ?1 ORDER BY started_on DESC, id DESC")?;
        let ids = stmt.query_map([facility_id], |r| r.get(0))?.collect::<Result<_, _>>()?;
        Ok(ids)
    }

    /// The campaigns whose deadline is before `today` with forms still out, by deadline.
    pub fn overdue(&self, today: NaiveDate) -> Result<Vec<i64>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT c.id FROM facility_campaign c WHERE c.deadline < ?1
               AND EXISTS (SELECT 1 FROM campaign_resident r WHERE r.campaign_id = c.id AND r.outcome = 'awaited')
             ORDER BY c.deadline, c.id",
        )?;
        let ids = stmt.query_map([today], |r| r.get(0))?.collect::<Result<_, _>>()?;
        Ok(ids)
    }

    /// Whether the facility has a campaign with forms still out.
    pub fn open_of_facility(&self, facility_id: i64) -> Result<Option<i64>, StoreError> {
        self.conn
            .query_row(
                "SELECT c.id FROM facility_campaign c WHERE c.facility_id = ?1
                   AND EXISTS (SELECT 1 FROM campaign_resident r WHERE r.campaign_id = c.id AND r.outcome = 'awaited')
                 ORDER BY c.id DESC LIMIT 1",
                [facility_id],
                |r| r.get(0),
            )
            .optional()
    }
}

/// Writes campaigns inside the caller's transaction.
pub struct CampaignsHandleMut<'a> {
    conn: super::Conn<'a>,
}

impl<'a> Write<'a> {
    pub fn campaigns_mut(&self) -> CampaignsHandleMut<'a> {
        CampaignsHandleMut { conn: self.conn }
    }
}

impl CampaignsHandleMut<'_> {
    /// Stores a campaign; returns its id.
    pub fn insert(&self, facility_id: i64, started_on: NaiveDate, deadline: NaiveDate, note: &str, staff_id: i64, created_at: &str) -> Result<i64, StoreError> {
        self.conn.insert_returning_id(
            "INSERT INTO facility_campaign (facility_id, started_on, deadline, note, staff_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![facility_id, started_on, deadline, note, staff_id, created_at],
        )
    }

    /// Records that a form went out to a resident.
    pub fn add_resident(&self, campaign_id: i64, person_id: i64, sent_on: NaiveDate) -> Result<(), StoreError> {
        self.conn.execute("INSERT INTO campaign_resident (campaign_id, person_id, sent_on) VALUES (?1, ?2, ?3)", params![campaign_id, person_id, sent_on])?;
        Ok(())
    }

    /// Records what became of a resident's form.
    pub fn set_outcome(
        &self,
        campaign_id: i64,
        person_id: i64,
        outcome: CampaignOutcome,
        returned_on: Option<NaiveDate>,
        application_id: Option<i64>,
        note: &str,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE campaign_resident SET outcome = ?3, returned_on = ?4, application_id = ?5, note = ?6 WHERE campaign_id = ?1 AND person_id = ?2",
            params![campaign_id, person_id, outcome, returned_on, application_id, note],
        )?;
        Ok(())
    }
}
