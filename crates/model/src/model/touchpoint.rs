//! Touchpoints (接点): the stored record.

use chrono::NaiveDate;
use serde::Serialize;

use crate::coded_enum;
// Desks and leaflets are the types of the staff and leaflet modules; these paths follow them
// when they move below the store.
use crate::model::leaflet::Leaflet;
use crate::model::staff::Desk;

coded_enum! {
    pub enum TouchpointKind ("接点の種類") {
        CareCertification = ("care_certification", "要介護認定申請"),
        DisabilityCertification = ("disability_certification", "障害等級認定申請"),
        HoukatsuConsultation = ("houkatsu_consultation", "地域包括支援センター相談"),
        KikanConsultation = ("kikan_consultation", "基幹相談支援センター相談"),
        ServiceStart = ("service_start", "サービス利用開始"),
        Outreach = ("outreach", "出張申請"),
        Counter = ("counter", "窓口"),
        Visit = ("visit", "訪問"),
        Phone = ("phone", "電話"),
        FacilityCampaign = ("facility_campaign", "施設への呼びかけ"),
        /// R12: the insurer desk received the person's 解除申請 (cancelling the card's insurance
        /// registration); the record's registration reads 利用登録の解除 from then on.
        CancelRequest = ("cancel_request", "利用登録の解除申請の受付"),
    }
}

coded_enum! {
    /// What the person said they want.
    pub enum Wish ("本人の意向") {
        Unknown = ("unknown", "未確認"),
        WantsCertificate = ("wants_certificate", "資格確認書を希望"),
        KeepsCard = ("keeps_card", "マイナ保険証を利用"),
        WantsCancel = ("wants_cancel", "利用登録の解除を希望"),
        Undecided = ("undecided", "検討中"),
    }
}

#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct Touchpoint {
    pub id: i64,
    pub person_id: i64,
    /// The desk's label (介護保険 …); `desk_code` is its code.
    pub desk: String,
    pub desk_code: Desk,
    pub staff_login: String,
    pub date: NaiveDate,
    pub kind: TouchpointKind,
    pub kind_label: &'static str,
    pub leaflets: Vec<LeafletGiven>,
    pub wish: Wish,
    pub wish_label: &'static str,
    pub notes: String,
}

#[derive(ts_rs::TS, Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LeafletGiven {
    pub leaflet: Leaflet,
    pub edition: String,
}

impl TouchpointKind {
    /// The touchpoints at which R10 asks the welfare desks to hand out 別添1.
    pub fn is_r10_occasion(self) -> bool {
        matches!(
            self,
            TouchpointKind::CareCertification
                | TouchpointKind::DisabilityCertification
                | TouchpointKind::HoukatsuConsultation
                | TouchpointKind::KikanConsultation
                | TouchpointKind::ServiceStart
        )
    }
}
