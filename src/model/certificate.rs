//! Certificates (資格確認書): the stored record.

use chrono::NaiveDate;
use serde::Serialize;

use crate::coded_enum;
use crate::model::application::AppScheme;

coded_enum! {
    /// On what basis the certificate was issued.
    pub enum CertificateBasis ("交付の根拠") {
        ExOfficio = ("ex_officio", "職権"),
        Application = ("application", "申請"),
        Provisional = ("provisional", "暫定運用"),
    }
}

coded_enum! {
    /// Who issued the certificate: the city is the 国保 insurer; 後期 certificates are the
    /// 広域連合's, which the city only passes on.
    pub enum Issuer ("交付者") {
        City = ("city", "市"),
        Union = ("union", "後期高齢者医療広域連合"),
    }
}

impl Issuer {
    /// The insurer that issues a scheme's certificates.
    pub fn of(scheme: AppScheme) -> Issuer {
        match scheme {
            AppScheme::Kokuho => Issuer::City,
            AppScheme::Kouki => Issuer::Union,
        }
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
    pub issuer: Issuer,
    pub issuer_label: &'static str,
    pub issued_on: NaiveDate,
    pub valid_until: NaiveDate,
    pub delivery_address: String,
    /// The person is under 支援措置: the delivery address is shown only to the desks that may
    /// see it.
    pub protected: bool,
}

/// One line of the 8/1 renewal list.
#[derive(Debug, Clone, Serialize)]
pub struct RenewalEntry {
    pub person_id: i64,
    pub person_name: String,
    pub scheme: AppScheme,
    /// Why the person is on the list: a certificate ending 7/31, or an 年次更新時交付 application.
    pub cause: String,
    pub certificate_id: Option<i64>,
    pub application_id: Option<i64>,
}
