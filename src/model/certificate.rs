//! Certificates (資格確認書): the stored record.

use chrono::NaiveDate;
use serde::Serialize;

use crate::coded_enum;
use crate::model::application::AppScheme;
use crate::model::policy::RouteKind;

coded_enum! {
    /// On what basis the certificate was issued.
    pub enum CertificateBasis ("交付の根拠") {
        ExOfficio = ("ex_officio", "職権"),
        Application = ("application", "申請"),
        Provisional = ("provisional", "暫定運用"),
    }
}

#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct Certificate {
    pub id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub application_id: Option<i64>,
    pub scheme: AppScheme,
    pub scheme_label: &'static str,
    pub basis: CertificateBasis,
    pub basis_label: &'static str,
    pub issued_on: NaiveDate,
    pub valid_until: NaiveDate,
    pub delivery_address: String,
    /// The person is under 支援措置: the delivery address is shown only to the desks that may
    /// see it.
    pub protected: bool,
}

/// Why a person is due at a renewal, as the store lists them.
#[derive(Debug, Clone, Serialize)]
pub struct RenewalDue {
    pub person_id: i64,
    pub person_name: String,
    pub scheme: AppScheme,
    /// Why the person is on the list: a certificate ending the day before, or an 年次更新時交付
    /// application.
    pub cause: String,
    pub certificate_id: Option<i64>,
    pub application_id: Option<i64>,
}

/// One line of the renewal list: who is due, and what the rules in force on the renewal day
/// give them.
#[derive(Debug, Clone, Serialize)]
pub struct RenewalEntry {
    #[serde(flatten)]
    pub due: RenewalDue,
    pub route: RouteKind,
    pub route_label: &'static str,
    pub rule_id: Option<String>,
    /// A certificate is issued at the renewal without a new application: ex officio, or
    /// because the person's application stands and a rule continues it (`*-applied-continues`).
    pub issued_without_application: bool,
}
