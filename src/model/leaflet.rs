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
