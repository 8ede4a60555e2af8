//! Policy as data: the stored rules, their conditions and the routes they give.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::coded_enum;
// Scheme is group 1's (persons); it is named through its domain module until it moves to
// `crate::model::person`, where this import should then point.
use crate::model::person::Scheme;

coded_enum! {
    /// How the person gets a certificate.
    pub enum RouteKind ("交付経路") {
        ExOfficio = ("ex_officio", "職権交付 (申請不要)"),
        OnApplication = ("on_application", "申請により交付"),
        KoukiProvisional = ("kouki_provisional", "後期高齢者医療の暫定運用 (申請不要)"),
        OtherInsurer = ("other_insurer", "加入先の保険者へ案内"),
        NotNeeded = ("not_needed", "マイナ保険証で受診 (申請があれば交付)"),
        CheckRegistration = ("check_registration", "利用登録状況の確認が必要"),
        CheckScheme = ("check_scheme", "加入制度の確認が必要"),
        NotApplicable = ("not_applicable", "対象外"),
    }
}

coded_enum! {
    /// How a rule counts a person's age on a day. Under 年齢計算ニ関スル法律 (with 民法第143条)
    /// an age is reached at the end of the day before the birthday, so on that day the person
    /// already counts as the older age; 後期高齢者医療 membership begins on the 75th birthday
    /// itself (高齢者の医療の確保に関する法律第52条), and the 国保 certificate ends the day before.
    pub enum AgeReckoning ("年齢の数え方") {
        Statute = ("statute", "年齢計算ニ関スル法律 (誕生日の前日に加齢)"),
        Birthday = ("birthday", "誕生日当日から (後期高齢者医療の75歳到達)"),
    }
}

/// The conditions a rule tests; absent fields match anything.
#[derive(ts_rs::TS, Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[ts(optional_fields)]
pub struct Condition {
    /// Holds a マイナ保険証 (a card registered for insurance use).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holds_card: Option<bool>,
    /// Has at least one consideration reason (要配慮者).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub considered: Option<bool>,
    /// Is a child: under 18, or the 児童 reason recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub child: Option<bool>,
    /// Has the individual situation recorded (個別の状況, notice 1(2)): a consideration reason
    /// (the 児童 reason included) or a facility placement. Being a child is not enough.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub circumstances_recorded: Option<bool>,
    /// Holds a card whose insurance registration is not known (R14).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registration_unknown: Option<bool>,
    /// Has at least one reason that lasts (継続的, [`crate::model::person::ReasonSpan`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub continuing_reason: Option<bool>,
    /// Has an application for this scheme that was not refused or withdrawn.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applied: Option<bool>,
    /// Age on the date itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_age: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_age: Option<i32>,
    /// Age on the most recent 8/1 renewal day on or before the date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_age_on_renewal: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_age_on_renewal: Option<i32>,
    /// How the ages above are counted; every rule with an age names it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub age_by: Option<AgeReckoning>,
}

impl Condition {
    /// Whether the condition tests an age at all.
    pub fn tests_age(&self) -> bool {
        self.min_age.is_some() || self.max_age.is_some() || self.min_age_on_renewal.is_some() || self.max_age_on_renewal.is_some()
    }
}

/// One rule of the policy, with the period it is in force.
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    pub id: String,
    pub priority: i64,
    pub scheme: Scheme,
    pub effective_from: NaiveDate,
    pub effective_until: Option<NaiveDate>,
    #[serde(default)]
    pub condition: Condition,
    pub route: RouteKind,
    pub r_numbers: Vec<String>,
    pub explanation: String,
    /// Shipped from a report rather than the notice itself: to be confirmed (要確認).
    #[serde(default)]
    pub to_confirm: bool,
    #[serde(default)]
    pub source: String,
}

impl Rule {
    pub fn in_force(&self, on: NaiveDate) -> bool {
        self.effective_from <= on && self.effective_until.is_none_or(|u| on <= u)
    }
}
