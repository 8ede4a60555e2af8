//! Households (世帯) and standing 送付先変更 registrations: who lives with whom, and where a
//! person's mail goes instead of their registered address.

use chrono::NaiveDate;
use serde::Serialize;

use crate::coded_enum;
use crate::model::person::Relationship;

/// A member of a person's household as the store reads it.
#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct HouseholdMember {
    pub person_id: i64,
    pub name: String,
    pub relationship: Option<Relationship>,
    pub relationship_label: &'static str,
    pub birth_date: NaiveDate,
    /// Under 支援措置: left out of a household shown to a desk that may not see where they live.
    pub protected: bool,
}

coded_enum! {
    /// Why a person's mail goes to a standing 送付先.
    pub enum RegistrationReason ("送付先変更の理由") {
        Facility = ("facility", "施設入所"),
        Hospital = ("hospital", "入院"),
        Guardian = ("guardian", "成年後見人"),
        Relative = ("relative", "親族"),
        Other = ("other", "その他"),
    }
}

/// A standing 送付先変更: while it stands (from `from_on`, until `until_on` or its ending), every
/// certificate mailed to the person goes to this address.
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Serialize)]
pub struct DeliveryRegistration {
    pub id: i64,
    pub person_id: i64,
    pub postal_code: String,
    pub address: String,
    /// Whom the envelope names there (the guardian, the facility's office …), or empty.
    pub addressee: String,
    pub reason: RegistrationReason,
    pub reason_label: &'static str,
    pub from_on: NaiveDate,
    pub until_on: Option<NaiveDate>,
    /// Who asked for it (the person, the guardian …).
    pub requested_by: String,
    /// The document seen when it was registered (登記事項証明書, 入所証明 …).
    pub document_seen: String,
    pub note: String,
    pub registered_by: String,
    pub created_at: String,
    /// When it was ended before its period ran out.
    pub ended_at: Option<String>,
    /// The person is under 支援措置: the address is withheld from desks that may not see it.
    pub protected: bool,
}

impl DeliveryRegistration {
    /// Whether it stands on `on`.
    pub fn stands_on(&self, on: NaiveDate) -> bool {
        self.ended_at.is_none() && self.from_on <= on && self.until_on.is_none_or(|u| on <= u)
    }
}
