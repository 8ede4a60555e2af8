//! Certificates (資格確認書): the stored record.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::coded_enum;
use crate::model::application::{AppScheme, OptionalEntry};
use crate::model::policy::RouteKind;

coded_enum! {
    /// On what basis the certificate was issued.
    pub enum CertificateBasis ("交付の根拠") {
        ExOfficio = ("ex_officio", "職権"),
        Application = ("application", "申請"),
        Provisional = ("provisional", "暫定運用"),
    }
}

coded_enum! {
    /// Why the certificate ends when it does, as the record shows it.
    pub enum ValidityBasis ("有効期限の根拠") {
        Setting = ("setting", "有効期間の設定による"),
        Age75 = ("age_75", "75歳の誕生日の前日まで"),
        Entered = ("entered", "交付時に指定"),
        /// Issued before Hairyo kept the reason.
        Unrecorded = ("unrecorded", "根拠の記録なし (以前の交付)"),
    }
}

/// How long a scheme's certificates run, set by the insurer (up to five years): to the
/// `years`-th `end_month`/`end_day` on or after the day of issue. Both 後期 and, by default,
/// 国保 run to the next 7/31 (renewed on 8/1).
#[derive(ts_rs::TS, Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateValidity {
    pub scheme: AppScheme,
    pub years: u32,
    pub end_month: u32,
    pub end_day: u32,
}

impl CertificateValidity {
    /// To the next 7/31, the 後期 period and the usual 国保 one.
    pub const fn to_next_july_31(scheme: AppScheme) -> CertificateValidity {
        CertificateValidity { scheme, years: 1, end_month: 7, end_day: 31 }
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

coded_enum! {
    /// Where a certificate stands after its issue.
    pub enum CertificateStatus ("資格確認書の状態") {
        Valid = ("valid", "有効"),
        /// A new certificate was issued in its place (再交付); this one no longer counts.
        Replaced = ("replaced", "再交付により無効"),
        /// The holder lost eligibility, moved out or died.
        Invalidated = ("invalidated", "無効"),
    }
}

coded_enum! {
    /// What happened to a certificate after its issue, as its history lists it.
    pub enum CertificateEventKind ("資格確認書の記録") {
        Reissued = ("reissued", "再交付"),
        Invalidated = ("invalidated", "無効"),
        Returned = ("returned", "返還を受けた"),
        MailReturned = ("mail_returned", "宛所不明で返戻"),
        DeliveryChanged = ("delivery_changed", "送付先の変更"),
        HandedOver = ("handed_over", "窓口で交付"),
    }
}

coded_enum! {
    /// Why a certificate is issued again.
    pub enum ReissueCause ("再交付の理由") {
        Lost = ("lost", "紛失"),
        Damaged = ("damaged", "破損・汚損"),
        Stolen = ("stolen", "盗難"),
    }
}

coded_enum! {
    /// Why a certificate stops counting before its end.
    pub enum EndCause ("無効の理由") {
        LostEligibility = ("lost_eligibility", "資格喪失"),
        MovedOut = ("moved_out", "転出"),
        Died = ("died", "死亡"),
    }
}

coded_enum! {
    /// The steps of a certificate's life after issue, for the view of what a desk may do next.
    pub enum CertificateStepKind ("資格確認書の操作") {
        Reissue = ("reissue", "再交付"),
        Invalidate = ("invalidate", "無効にする"),
        RecordReturn = ("record_return", "返還を記録"),
        MailReturned = ("mail_returned", "宛所不明で返戻"),
        ChangeDelivery = ("change_delivery", "送付先を変更して再送"),
        HandOver = ("hand_over", "窓口で交付"),
    }
}

/// One step in a certificate's history.
#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct CertificateEvent {
    pub id: i64,
    pub kind: CertificateEventKind,
    pub kind_label: &'static str,
    pub on: NaiveDate,
    /// The cause's label (紛失, 転出 …), or empty.
    pub cause_label: String,
    pub note: String,
    pub by: String,
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
    pub valid_until_basis: ValidityBasis,
    pub valid_until_basis_label: &'static str,
    pub delivery_address: String,
    /// The person is under 支援措置: the delivery address is shown only to the desks that may
    /// see it.
    pub protected: bool,
    pub status: CertificateStatus,
    pub status_label: &'static str,
    /// The certificate this one was issued in place of (再交付).
    pub replaces_id: Option<i64>,
    /// The day it stopped counting (再交付 or 無効).
    pub ended_on: Option<NaiveDate>,
    /// The mailed certificate came back (宛所不明) and has not reached the holder since.
    pub undelivered: bool,
    /// Its return has been asked for and has not arrived yet.
    pub return_due: bool,
    /// 任意記載事項 printed on it (併記), as the application asked.
    pub optional_entries: Vec<OptionalEntry>,
    /// Its history after issue, oldest first (empty in lists).
    pub events: Vec<CertificateEvent>,
    /// What the staff member reading it may do next (empty in lists).
    pub next: Vec<CertificateStepKind>,
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
