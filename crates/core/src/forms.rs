//! The choices the window's forms offer, straight from the core's coded enums, so that no client
//! keeps a list of codes of its own.

use serde::Serialize;

use crate::codes::{choices, Choice};

/// Every list of choices the record's forms offer.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct Codes {
    pub touchpoint_kinds: Vec<Choice>,
    pub wishes: Vec<Choice>,
    pub channels: Vec<Choice>,
    pub applicants: Vec<Choice>,
    pub authorities: Vec<Choice>,
    pub delegators: Vec<Choice>,
    /// 後期: what the 広域連合 may decide, and how the city hands over what it issued.
    pub union_results: Vec<Choice>,
    pub handover_methods: Vec<Choice>,
    /// The identity documents a counter hand-over records.
    pub handover_identities: Vec<Choice>,
    pub deliveries: Vec<Choice>,
    pub desks: Vec<Choice>,
    /// What lets a welfare desk share a person's details with the insurer desk (連携依頼).
    pub sharing_bases: Vec<Choice>,
    /// How the person's part was signed (自署, 代筆, 委任できない), and the 任意記載事項.
    pub signings: Vec<Choice>,
    pub optional_entries: Vec<Choice>,
    /// The reasons for care, each with whether it lasts (継続的) or passes (一時的).
    pub reasons: Vec<ReasonChoice>,
}

pub use crate::model::person::{reason_choices, ReasonChoice};

/// The record forms' choices; the reasons carry their spans as the city counts them.
pub fn codes(spans: &crate::model::person::ReasonSpans) -> Codes {
    use crate::application::{Applicant, Channel, Delegator, Delivery, HandOverMethod, ProxyAuthority, UnionResult};
    use crate::touchpoint::{TouchpointKind, Wish};
    Codes {
        touchpoint_kinds: choices::<TouchpointKind>(),
        wishes: choices::<Wish>(),
        channels: choices::<Channel>(),
        applicants: choices::<Applicant>(),
        authorities: choices::<ProxyAuthority>(),
        delegators: choices::<Delegator>(),
        union_results: choices::<UnionResult>(),
        handover_methods: choices::<HandOverMethod>(),
        handover_identities: choices::<crate::application::IdentityShown>(),
        deliveries: choices::<Delivery>(),
        desks: choices::<crate::staff::Desk>(),
        sharing_bases: choices::<crate::referral::SharingBasis>(),
        signings: choices::<crate::application::Signing>(),
        optional_entries: choices::<crate::application::OptionalEntry>(),
        reasons: reason_choices(spans),
    }
}

/// The choices of the settings, facility and export screens.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct ScreenCodes {
    pub campaigns: Vec<Choice>,
    pub roles: Vec<Choice>,
    pub schemes: Vec<Choice>,
    pub routes: Vec<Choice>,
    /// How a rule with an age counts it (年齢計算ニ関スル法律, or from the birthday itself).
    pub age_reckonings: Vec<Choice>,
    pub statement_modes: Vec<Choice>,
    pub export_kinds: Vec<Choice>,
    pub encodings: Vec<Choice>,
    /// The import's columns in the default order, for the profile editor.
    pub import_columns: Vec<ImportColumn>,
    /// Why a certificate is issued again (再交付), and why one stops counting (無効).
    pub reissue_causes: Vec<Choice>,
    pub end_causes: Vec<Choice>,
    pub facility_kinds: Vec<Choice>,
    /// The 8/1 renewal list's groups, and each export kind's columns for a saved profile.
    pub renewal_groups: Vec<Choice>,
    /// What may become of a resident's form in a facility campaign.
    pub campaign_outcomes: Vec<Choice>,
    /// What a clerk records of a mailing's letter (an application answers it by itself).
    pub mailing_outcomes: Vec<Choice>,
    pub export_columns: Vec<ExportColumns>,
}

/// The columns an export profile of one kind chooses from, in the export's order.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct ExportColumns {
    pub kind: crate::export::ExportKind,
    pub columns: Vec<String>,
}

/// A column of the person import: the key of a profile's mapping, its Japanese name (also the
/// default header) and whether every file must have it.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct ImportColumn {
    pub column: crate::import::Column,
    pub label: &'static str,
    pub required: bool,
}

pub fn screen_codes() -> ScreenCodes {
    ScreenCodes {
        campaigns: choices::<crate::facility::Campaign>(),
        roles: choices::<crate::staff::Role>(),
        schemes: choices::<crate::person::Scheme>(),
        routes: choices::<crate::policy::RouteKind>(),
        age_reckonings: choices::<crate::policy::AgeReckoning>(),
        statement_modes: choices::<crate::leaflet::StatementMode>(),
        export_kinds: choices::<crate::export::ExportKind>(),
        encodings: choices::<crate::import::Encoding>(),
        reissue_causes: choices::<crate::certificate::ReissueCause>(),
        end_causes: choices::<crate::certificate::EndCause>(),
        facility_kinds: choices::<crate::facility::FacilityKind>(),
        renewal_groups: choices::<crate::renewal::RenewalGroup>(),
        campaign_outcomes: choices::<crate::campaign::CampaignOutcome>(),
        mailing_outcomes: [crate::mailing::MailingOutcome::Declined, crate::mailing::MailingOutcome::ReturnedMail]
            .iter()
            .map(|o| Choice { code: o.code(), label: o.label() })
            .collect(),
        export_columns: crate::export::ExportKind::ALL.iter().map(|k| ExportColumns { kind: *k, columns: crate::export::columns(*k) }).collect(),
        import_columns: crate::import::DEFAULT_LAYOUT
            .iter()
            .map(|c| ImportColumn { column: *c, label: c.label(), required: crate::import::REQUIRED.contains(c) })
            .collect(),
    }
}
