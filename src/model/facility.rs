//! Facilities (施設): the stored record.

use serde::Serialize;

use crate::coded_enum;

coded_enum! {
    pub enum FacilityKind ("施設種別") {
        Elderly = ("elderly", "高齢者施設"),
        Disability = ("disability", "障害者施設"),
        Children = ("children", "児童養護施設等"),
        Other = ("other", "その他の施設"),
    }
}

coded_enum! {
    /// How far the call for proxy applications (R6) has come at this facility.
    pub enum Campaign ("呼びかけ状況") {
        None = ("none", "未実施"),
        Informed = ("informed", "案内済み"),
        Collecting = ("collecting", "申請取りまとめ中"),
        Done = ("done", "完了"),
    }
}

#[derive(ts_rs::TS, Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Facility {
    pub id: i64,
    pub name: String,
    pub kind: FacilityKind,
    pub kind_label: &'static str,
    pub postal_code: String,
    pub address: String,
    pub phone: String,
    pub contact_name: String,
    pub campaign: Campaign,
    pub campaign_label: &'static str,
    pub residents: i64,
}
