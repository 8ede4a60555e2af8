//! The TypeScript declarations of every type that crosses the IPC boundary, generated from the
//! Rust types with ts-rs into `ui/src/lib/bindings.ts`. The test fails when the checked-in file
//! differs from what the types say; `UPDATE_BINDINGS=1 cargo test -p hairyo-desktop bindings`
//! writes it anew.

use ts_rs::{Config, TS};

/// Appends `export type X = …;` for each listed type. A type used by a listed type but not
/// listed itself leaves a name the UI's type check (svelte-check) reports as unknown.
macro_rules! declarations {
    ($cfg:expr; $($t:ty),+ $(,)?) => {{
        let mut out = Vec::new();
        $(out.push(format!("export {}", <$t as TS>::decl($cfg)));)+
        out
    }};
}

fn render() -> String {
    use hairyo::*;
    // serde_json writes i64 as a JSON number, and no id or count comes near 2^53.
    let cfg = Config::new().with_large_int("number");
    let decls = declarations!(&cfg;
        // Codes the core stores and shows.
        staff::Desk, staff::Role, person::Sex, person::Scheme, person::CardKind, person::Registration,
        person::Reason, person::LegalRepKind, leaflet::Leaflet, facility::FacilityKind, facility::Campaign,
        touchpoint::TouchpointKind, touchpoint::Wish, referral::ReferralStatus, application::AppScheme,
        application::Channel, application::Applicant, application::ProxyAuthority, application::Delegator, application::Delivery,
        application::AppStatus, application::Document, application::UnionResult, application::HandOverMethod, application::IdentityShown,
        application::Signing, application::OptionalEntry, hairyo::model::person::ReasonSpan, hairyo::forms::ReasonChoice,
        hairyo::renewal::RenewalGroup, hairyo::renewal::RenewalSchedule, hairyo::renewal::ScheduleInput, hairyo::renewal::RenewalSeason,
        hairyo::renewal::RenewalLine, hairyo::renewal::RenewalList, hairyo::renewal::GroupCount, hairyo::export::ExportProfile, hairyo::export::ExportKind,
        hairyo::forms::ExportColumns, hairyo::campaign::CampaignOutcome, hairyo::campaign::CampaignResident, hairyo::campaign::FacilityCampaign,
        hairyo::campaign::CampaignInput, hairyo::campaign::ReturnInput, hairyo::mailing::MailingOutcome, hairyo::mailing::MailingAddress,
        hairyo::mailing::MailingRecipient, hairyo::mailing::MailingCounts, hairyo::mailing::MailingCampaign, hairyo::mailing::MailingSummary,
        hairyo::mailing::MailingSelection, hairyo::mailing::MailingInput, hairyo::mailing::MailingPreview, hairyo::mailing::MailingOutcomeInput, hairyo::outreach::OutreachEvent, hairyo::outreach::OutreachApplication,
        hairyo::outreach::OutreachInput, hairyo::outreach::PaperApplication, hairyo::feed::FeedEvent, hairyo::feed::FeedProfile,
        hairyo::feed::FeedLine, hairyo::feed::FeedProblem, hairyo::feed::FeedReport,
        hairyo::certificate_feed::IssueFeedProfile, hairyo::certificate::AgeReissue, hairyo::model::certificate::CertificateSource,
        hairyo::model::certificate::CopayRate, hairyo::model::certificate::LimitClass, hairyo::model::certificate::SpecifiedDisease,
        hairyo::model::certificate::CardDetails, hairyo::model::certificate::FedDelivery, hairyo::model::certificate::FedCertificate,
        hairyo::model::certificate::ConflictResolution, hairyo::model::certificate::CertificateConflict, hairyo::model::certificate::CoverageNotice,
        hairyo::model::person::Relationship, hairyo::household::HouseholdMember, hairyo::household::RegistrationReason,
        hairyo::household::DeliveryRegistration, hairyo::household::RegistrationInput, hairyo::directory::BreakGlassUse,
        hairyo::model::staff::Grant,
        certificate::CertificateBasis, certificate::ValidityBasis, certificate::Issuer, policy::RouteKind, policy::AgeReckoning,
        search::MatchKind, import::Encoding, import::Column, leaflet::StatementMode,
        referral::ReferralActionKind, referral::SharingBasis, application::ApplicationStepKind,
        // Records and their parts.
        validate::FieldError, staff::Actor, staff::Staff, staff::NewStaff, staff::StaffInput, settings::CitySettings,
        settings::DeskContact, settings::ReasonSpanInput, demo::DemoSummary, Paged<()>, person::PersonSummary, person::Person,
        person::PersonInput, person::PersonPatch, facility::Facility, policy::Condition, policy::Rule, policy::RuleInput, policy::Route,
        touchpoint::LeafletGiven, touchpoint::Touchpoint, touchpoint::TouchpointInput, touchpoint::Recorded,
        referral::Comment, referral::Referral, referral::ReferralInput, application::ChecklistItem,
        application::Application, application::ApplicationInput, application::Received,
        certificate::Certificate, certificate::CertificateValidity, certificate::CertificateEvent, certificate::CertificateEventKind,
        certificate::CertificateStatus, certificate::CertificateStep, certificate::CertificateStepKind, certificate::ReissueCause, certificate::EndCause, settings::ValidityInput, record::PersonRecord, record::RecordNext, search::Query, search::Hit, search::Results,
        home::Counts, home::FunnelRow, home::Home, forecast::WeekForecast, import::RowProblem, import::Profile,
        import::Report, kouki::UnionImportReport, leaflet::StatementCheck, leaflet::Posting, leaflet::PostingInput, leaflet::Postings, leaflet::DeskWithout, hairyo::moving::MoveOut, hairyo::moving::MoveOutInput, hairyo::moving::MovedOut, leaflet::Printing, leaflet::Edition, Progress,
        // The shell's own.
        hairyo::codes::ErrorBody, hairyo::frame::AppState, hairyo::frame::EraStart, hairyo::store::SchemaChange, hairyo::codes::Choice, hairyo::forms::Codes,
        hairyo::print::PrintRequest, hairyo::application::ApplicationStep, hairyo::referral::ReferralAction, crate::commands::PrintedFile, hairyo::forms::ScreenCodes, hairyo::forms::ImportColumn,
        crate::commands::ExportedFile, crate::commands::Connection, reminder::Reminders, store::home::FollowUp, hairyo::operation::MadeFile,
        // The access review.
        audit::Action, access_review::AccessQuery, access_review::AccessRecord, access_review::StaffAccesses, access_review::AccessReview,
        // Retention and disposal.
        retention::PersonEnd, retention::DisposalScope, retention::RetentionPolicy, retention::RetentionInput, retention::DueScope,
        retention::DisposalCandidate, retention::DisposalList, retention::Disposed, retention::AuditPruned, retention::DisposalRecord,
    );
    format!(
        "// Generated from the Rust types by ts-rs (src-tauri/src/bindings.rs). Do not edit:\n\
         // change the Rust type, then run `UPDATE_BINDINGS=1 cargo test -p hairyo-desktop bindings`.\n\n{}\n\n{}\n",
        decls.join("\n\n"),
        labels().join("\n\n")
    )
}

/// The Japanese labels of the codes the core sends without a `*_label` beside them, written
/// from the core's own tables so that the window never declares a label a second time.
fn labels() -> Vec<String> {
    use hairyo::codes::CodedEnum;
    use hairyo::*;
    fn table<E: CodedEnum, T: std::fmt::Debug>(name: &str, ty: &str, text: impl Fn(E) -> T) -> String {
        let rows: Vec<String> = E::all().iter().map(|&v| format!("  {}: {:?},", v.code(), text(v))).collect();
        format!("export const {name}: Record<{ty}, string> = {{\n{}\n}};", rows.join("\n"))
    }
    vec![
        table("sexLabel", "Sex", person::Sex::label),
        table("schemeLabel", "Scheme", person::Scheme::label),
        table("cardLabel", "CardKind", person::CardKind::label),
        table("registrationLabel", "Registration", person::Registration::label),
        table("reasonLabel", "Reason", person::Reason::label),
        table("legalRepLabel", "LegalRepKind", person::LegalRepKind::label),
        table("entryLabel", "OptionalEntry", application::OptionalEntry::label),
        table("deskLabel", "Desk", staff::Desk::label),
        table("fedDeliveryLabel", "FedDelivery", hairyo::model::certificate::FedDelivery::label),
        table("relationshipLabel", "Relationship", hairyo::model::person::Relationship::label),
        table("registrationReasonLabel", "RegistrationReason", hairyo::household::RegistrationReason::label),
        table("conflictResolutionLabel", "ConflictResolution", hairyo::model::certificate::ConflictResolution::label),
        table("leafletLabel", "Leaflet", leaflet::Leaflet::label),
        // A leaflet by its number and title, as the clerk finds it in the drawer.
        table("leafletTitle", "Leaflet", |l: leaflet::Leaflet| format!("{} {}", l.label(), l.title())),
    ]
}

#[test]
fn bindings_ts_matches_the_rust_types() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/bindings.ts");
    let generated = render();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &generated).expect("write ui/src/lib/bindings.ts");
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "ui/src/lib/bindings.ts is out of date with the Rust types; run `UPDATE_BINDINGS=1 cargo test -p hairyo-desktop bindings` and commit it"
    );
}
