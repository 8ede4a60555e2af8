//! The notice's handouts and their editions: the stored codes and rows.

use chrono::NaiveDate;
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

#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct Edition {
    pub leaflet: Leaflet,
    pub edition: String,
    pub effective_from: NaiveDate,
    pub title: String,
}

/// Where a 別添3 poster is (or was) put up.
#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct Posting {
    pub id: i64,
    pub desk: crate::model::staff::Desk,
    pub desk_label: &'static str,
    pub place: String,
    pub edition: String,
    pub posted_on: NaiveDate,
    /// The day it was taken down; `None` while it is up.
    pub removed_on: Option<NaiveDate>,
    pub note: String,
    pub recorded_by: String,
}
