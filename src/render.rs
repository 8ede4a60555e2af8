//! The catalogue's answers as the CLI's text: the one place that says how each answer reads at
//! a terminal. Each noun's renderer lives with its subcommands; an answer the CLI has no text
//! for reads as its JSON.

use hairyo::operation::Answer;

use crate::{
    application, audit, certificate, export, facility, import, leaflet, mailing, outreach, person, policy, referral, renewal, retention, settings, staff,
    touchpoint,
};

/// The text the CLI prints for `answer` (without `--json`).
pub fn text(answer: &Answer) -> crate::Result<String> {
    match cases(answer).or_else(|| certificates(answer)).or_else(|| outreach(answer)).or_else(|| records(answer)).or_else(|| setup(answer)) {
        Some(text) => Ok(text),
        None => Ok(answer.to_json_text()?),
    }
}

/// Persons, touchpoints, referrals and applications: the counter's own work.
fn cases(answer: &Answer) -> Option<String> {
    Some(match answer {
        Answer::AddPerson(p) => person::added_text(p),
        Answer::UpdatePerson(p) => person::updated_text(p),
        Answer::ShowPerson(r) => person::record_text(r),
        Answer::SearchPersons(r) => person::search_text(r),
        Answer::MoveOut(m) => person::moved_out_text(m),
        Answer::RegisterDelivery(r) | Answer::EndDeliveryRegistration(r) => person::registration_text(r),
        Answer::AddTouchpoint(r) => touchpoint::recorded_text(r),
        Answer::SendReferral(r) | Answer::ReferralAction(r) => referral::referral_text(r),
        Answer::ReferralQueue(q) => referral::queue_text(q),
        Answer::ReceiveApplication(r) => application::received_text(r),
        Answer::CheckDocument(a) | Answer::ApplicationStep(a) => application::application_text(a),
        _ => return None,
    })
}

/// Certificates, their conflicts with the core systems, and the renewal season.
fn certificates(answer: &Answer) -> Option<String> {
    Some(match answer {
        Answer::IssueCertificate(c) => certificate::issued_text(c),
        Answer::CertificateStep(c) => certificate::certificate_text(c),
        Answer::CertificateReturnsDue(l) => certificate::returns_due_text(l),
        Answer::CertificateConflicts(l) => certificate::conflicts_text(l),
        Answer::ResolveCertificateConflict(k) => certificate::conflict_text(k),
        Answer::AgeReissues(l) => certificate::age_reissues_text(l),
        Answer::RenewalSeason(s) | Answer::SetRenewalSchedule(s) => renewal::season_text(s),
        Answer::RenewalList(l) => renewal::list_text(l),
        _ => return None,
    })
}

/// Facilities and their campaigns, mailings, outreach events and posters.
fn outreach(answer: &Answer) -> Option<String> {
    Some(match answer {
        Answer::ListFacilities(l) => facility::list_text(l),
        Answer::SetFacilityCampaign(f) => facility::campaign_status_text(f),
        Answer::StartCampaign(c) | Answer::ReceiveCampaignReturns(c) => facility::campaign_text(c),
        Answer::FacilityCampaigns(l) => facility::campaigns_text(l),
        Answer::MailingPreview(p) => mailing::preview_text(p),
        Answer::StartMailing(m) | Answer::ShowMailing(m) | Answer::RecordMailingOutcomes(m) => mailing::mailing_text(m),
        Answer::Mailings(all) => mailing::list_text(all),
        Answer::OutreachEvents(p) => outreach::events_text(p),
        Answer::AddOutreachEvent(e) | Answer::ReceiveOutreachBatch(e) => outreach::event_text(e),
        Answer::PosterPostings(p) => leaflet::postings_text(p),
        Answer::PostPoster(p) => leaflet::posted_text(p),
        Answer::TakeDownPoster(p) => leaflet::taken_down_text(p),
        _ => return None,
    })
}

/// Retention and the access review: the records about the records.
fn records(answer: &Answer) -> Option<String> {
    Some(match answer {
        Answer::RetentionPolicy(p) => retention::policy_text(p),
        Answer::SetRetentionPolicy(p) => retention::saved_text(p),
        Answer::DisposalList(l) => retention::disposal_list_text(l),
        Answer::Dispose(d) => retention::disposed_text(d),
        Answer::PruneAudit(d) => retention::pruned_text(d),
        Answer::Disposals(r) => retention::record_text(r),
        Answer::AccessReview(r) => audit::access_review_text(r),
        _ => return None,
    })
}

/// The city's settings, rules, staff and file profiles.
fn setup(answer: &Answer) -> Option<String> {
    Some(match answer {
        Answer::PolicyRules(rules) => policy::rules_text(rules),
        Answer::SetCity(s) => settings::city_text(s),
        Answer::SetDeskContact(d) => settings::desk_text(d),
        Answer::SetReasonSpans(all) => settings::reason_spans_text(all),
        Answer::ExportProfiles(l) => export::profiles_text(l),
        Answer::ImportProfiles(l) => import::profiles_text(l),
        Answer::ListStaff(l) => staff::list_text(l),
        _ => return None,
    })
}
