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
    /// Where the ledger learnt of a certificate: recorded in Hairyo, brought by the core
    /// systems' feed (標準準拠システム, the 広域連合's system), or both, matched.
    pub enum CertificateSource ("記録元") {
        Hairyo = ("hairyo", "Hairyo で記録"),
        Core = ("core", "基幹システムから取込"),
        Both = ("both", "Hairyo の記録と基幹システムで一致"),
    }
}

coded_enum! {
    /// 一部負担金の割合 printed on the certificate.
    pub enum CopayRate ("負担割合") {
        One = ("one", "1割"),
        Two = ("two", "2割"),
        Three = ("three", "3割"),
    }
}

coded_enum! {
    /// 限度額適用区分 printed on the certificate where the holder asked for it (国保 under 70:
    /// ア〜オ; 70 and over and 後期: 現役並み, 一般, 低所得 (区分) Ⅱ・Ⅰ).
    pub enum LimitClass ("限度区分") {
        A = ("a", "ア"),
        I = ("i", "イ"),
        U = ("u", "ウ"),
        E = ("e", "エ"),
        O = ("o", "オ"),
        Active3 = ("active3", "現役並みⅢ"),
        Active2 = ("active2", "現役並みⅡ"),
        Active1 = ("active1", "現役並みⅠ"),
        General2 = ("general2", "一般Ⅱ"),
        General = ("general", "一般"),
        Low2 = ("low2", "低所得Ⅱ"),
        Low1 = ("low1", "低所得Ⅰ"),
    }
}

impl LimitClass {
    /// The classes of the under-70 table (ア〜オ); the rest belong to 70 and over.
    pub fn under_70(self) -> bool {
        matches!(self, LimitClass::A | LimitClass::I | LimitClass::U | LimitClass::E | LimitClass::O)
    }
}

coded_enum! {
    /// 特定疾病 (高額長期疾病) marked on the certificate.
    pub enum SpecifiedDisease ("特定疾病") {
        Dialysis = ("dialysis", "人工腎臓を実施している慢性腎不全"),
        Hemophilia = ("hemophilia", "血友病"),
        Hiv = ("hiv", "抗ウイルス剤を投与している後天性免疫不全症候群"),
    }
}

/// What the card shows beyond who holds it: what a counter clerk is asked about. The core
/// systems' feed brings it; a certificate recorded in Hairyo has it once matched.
#[derive(ts_rs::TS, Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CardDetails {
    pub symbol: String,
    pub number: String,
    pub branch: String,
    pub copay_rate: Option<CopayRate>,
    pub limit_class: Option<LimitClass>,
    pub specified_disease: Option<SpecifiedDisease>,
    /// 特別療養費 (the holder pays in full and claims back, after arrears).
    pub special_care: bool,
}

impl CardDetails {
    /// How the details read on a record or a hand-over sheet, one item per line.
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !self.number.is_empty() {
            let branch = if self.branch.is_empty() { String::new() } else { format!(" (枝番 {})", self.branch) };
            out.push(format!("記号・番号 {} {}{branch}", self.symbol, self.number).replace("  ", " "));
        }
        if let Some(r) = self.copay_rate {
            out.push(format!("負担割合 {}", r.label()));
        }
        if let Some(c) = self.limit_class {
            out.push(format!("限度区分 {}", c.label()));
        }
        if let Some(d) = self.specified_disease {
            out.push(format!("特定疾病 {}", d.label()));
        }
        if self.special_care {
            out.push("特別療養費".to_string());
        }
        out
    }
}

coded_enum! {
    /// Where the core systems sent a certificate, as their feed says.
    pub enum FedDelivery ("送付") {
        Holder = ("holder", "本人"),
        Householder = ("householder", "世帯主"),
        Registered = ("registered", "送付先"),
    }
}

/// A certificate as the core systems' feed describes it.
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FedCertificate {
    pub scheme: AppScheme,
    pub issued_on: NaiveDate,
    pub valid_until: NaiveDate,
    pub card: CardDetails,
    pub delivery: FedDelivery,
}

coded_enum! {
    /// How a clerk settled a fed certificate that disagreed with the one recorded.
    pub enum ConflictResolution ("食い違いの処理") {
        TookFed = ("took_fed", "基幹システムの内容を採用"),
        KeptRecorded = ("kept_recorded", "Hairyo の記録を維持"),
    }
}

/// A certificate the feed brought that disagrees with one recorded in Hairyo, listed for a
/// clerk instead of either overwriting the other.
#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct CertificateConflict {
    pub id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub certificate_id: i64,
    pub recorded_issued_on: NaiveDate,
    pub recorded_valid_until: NaiveDate,
    pub fed: FedCertificate,
    pub reason: String,
    pub found_at: String,
    pub resolution: Option<ConflictResolution>,
    pub resolved_by: String,
}

/// A 資格情報のお知らせ the core systems sent a card holder instead of a certificate.
#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct CoverageNotice {
    pub scheme: AppScheme,
    pub scheme_label: &'static str,
    pub sent_on: NaiveDate,
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
        /// 高齢受給者: from the month after the 70th birthday the 負担割合 printed changes.
        Age70 = ("age_70", "70歳到達 (負担割合の変更)"),
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
    /// It ends on the holder's 在留期限, before the day its basis gives.
    pub residence_capped: bool,
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
    /// Where the ledger learnt of it.
    pub source: CertificateSource,
    pub source_label: &'static str,
    /// What the card shows (負担割合, 限度区分 …); withheld from a desk that does not answer
    /// for insurance (see `disclosure::certificate`).
    pub card: CardDetails,
    /// The card details are withheld from this reader.
    pub card_withheld: bool,
    /// What the card shows as the record reads it (記号・番号, 負担割合 …), of what this
    /// reader may see; made where the certificate is disclosed.
    pub card_lines: Vec<String>,
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
