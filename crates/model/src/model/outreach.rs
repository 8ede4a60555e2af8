//! 出張申請 events (R7): the stored record and the applications received at it.

use chrono::NaiveDate;

/// An event as stored, with the applications received at it.
#[derive(ts_rs::TS, Debug, Clone, serde::Serialize)]
pub struct OutreachEvent {
    pub id: i64,
    pub held_on: NaiveDate,
    pub place: String,
    /// The マイナンバー desk took card applications there (the notice's 出張申請).
    pub with_mynumber_desk: bool,
    pub note: String,
    pub recorded_by: String,
    pub applications: Vec<OutreachApplication>,
}

/// One application received at an event.
#[derive(ts_rs::TS, Debug, Clone, serde::Serialize)]
pub struct OutreachApplication {
    pub application_id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub status_label: &'static str,
}
