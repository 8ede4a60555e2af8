//! Facilities (施設): the stored record.

use serde::Serialize;

use crate::coded_enum;

coded_enum! {
    /// The kind of facility, as cities' facility lists name them; the first four are the broad
    /// groups earlier versions offered.
    pub enum FacilityKind ("施設種別") {
        Elderly = ("elderly", "その他の高齢者施設"),
        Disability = ("disability", "その他の障害者施設"),
        Children = ("children", "その他の児童福祉施設"),
        Other = ("other", "その他の施設"),
        NursingHome = ("nursing_home", "特別養護老人ホーム"),
        GeriatricHealth = ("geriatric_health", "介護老人保健施設"),
        CareMedical = ("care_medical", "介護医療院"),
        DementiaGroupHome = ("dementia_group_home", "グループホーム (認知症対応型共同生活介護)"),
        PrivateHome = ("private_home", "有料老人ホーム・サービス付き高齢者向け住宅"),
        DisabilitySupport = ("disability_support", "障害者支援施設"),
        DisabilityGroupHome = ("disability_group_home", "障害者グループホーム (共同生活援助)"),
        ChildrensHome = ("childrens_home", "児童養護施設"),
        InfantHome = ("infant_home", "乳児院"),
        DisabledChildren = ("disabled_children", "障害児入所施設"),
        Foster = ("foster", "里親・ファミリーホーム"),
    }
}

impl FacilityKind {
    /// Whether the facility's residents are children, whose proxy is a 施設職員 with the
    /// 親権者's 委任, or the facility head acting as parent.
    pub fn for_children(self) -> bool {
        matches!(self, FacilityKind::Children | FacilityKind::ChildrensHome | FacilityKind::InfantHome | FacilityKind::DisabledChildren | FacilityKind::Foster)
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

coded_enum! {
    /// What became of one resident's form in a facility campaign.
    pub enum CampaignOutcome ("呼びかけの結果") {
        Awaited = ("awaited", "返送待ち"),
        /// The form came back and was received as an application.
        Applied = ("applied", "申請を受付"),
        /// The resident (or their 親権者) chose not to apply.
        Declined = ("declined", "申請しない (本人の意向)"),
        /// Nothing to apply for after all: issued ex officio, holds a マイナ保険証, or the like.
        NotNeeded = ("not_needed", "申請不要"),
        /// Left the facility or died before the form came back.
        Left = ("left", "退所・死亡等"),
    }
}

/// One resident of a campaign: when the form went out, when it came back, and what became of
/// it (with the application's state once it is one).
#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct CampaignResident {
    pub person_id: i64,
    pub name: String,
    pub birth_date: chrono::NaiveDate,
    pub sent_on: chrono::NaiveDate,
    pub returned_on: Option<chrono::NaiveDate>,
    pub outcome: CampaignOutcome,
    pub outcome_label: &'static str,
    pub application_id: Option<i64>,
    /// The application's state (受付 … 交付済), once the form was received as one.
    pub application_status_label: Option<&'static str>,
    pub note: String,
    /// 支援措置: such a resident is listed only for the desks that see protected whereabouts.
    pub protected: bool,
}

/// A facility campaign with every resident it sent a form to.
#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct FacilityCampaign {
    pub id: i64,
    pub facility_id: i64,
    pub facility_name: String,
    pub started_on: chrono::NaiveDate,
    pub deadline: chrono::NaiveDate,
    pub note: String,
    pub residents: Vec<CampaignResident>,
    /// Residents whose form has not come back.
    pub awaited: usize,
    /// The deadline has passed with forms still out.
    pub overdue: bool,
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
