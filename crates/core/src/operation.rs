//! Every operation a desk's client may ask for, by name, with its arguments as JSON: the
//! catalogue the HTTP API (`hairyo serve`, `POST /api/<name>`) answers from. Each entry decodes
//! its arguments (unknown fields and unknown codes are refused, never defaulted), calls one core
//! function with the acting staff member and `now`, and returns the result as JSON; the core
//! function checks access itself. The names and argument names are the window's IPC commands',
//! so one client transport can speak to either.

use chrono::NaiveDateTime;
use serde::Deserialize;
use serde_json::Value;

use crate::codes::ErrorBody;
use crate::disclosure::Shown;
use crate::model::staff::Actor;
use crate::store::Store;
use crate::{Page, Paged};

/// How large a request's arguments may be, in bytes, for any operation but the file imports:
/// far above what a form sends, far below what could tire a server.
pub const ARGUMENTS_LIMIT: usize = 1024 * 1024;

/// How large a file import's request may be: a 200,000-row CSV travels as base64 inside the
/// JSON (docs/api.md).
pub const FILE_LIMIT: usize = 64 * 1024 * 1024;

/// The operations that carry a file, with the permission a staff member needs to run them.
const FILE_OPERATIONS: &[(&str, crate::access::Permission)] = &[
    ("import_persons", crate::access::Permission::ImportData),
    ("import_feed", crate::access::Permission::ImportData),
    ("import_issue_feed", crate::access::Permission::ImportData),
    ("import_union_results", crate::access::Permission::DecideApplication),
];

/// How many bytes of arguments `actor` may send to `name`: a file's size only for an import
/// this staff member may run, so a desk that may not import (or a mistyped name) cannot make
/// a server hold a large body; [`ARGUMENTS_LIMIT`] otherwise.
pub fn arguments_limit(name: &str, actor: &Actor) -> usize {
    match FILE_OPERATIONS.iter().find(|(op, _)| *op == name) {
        Some((_, permission)) if crate::access::can(actor, *permission) => FILE_LIMIT,
        _ => ARGUMENTS_LIMIT,
    }
}

/// Declares the catalogue from one list: each operation once, with its name, the type of its
/// arguments and its row in docs/api.md (what it takes, what it answers). The enum, [`NAMES`],
/// [`TABLE`] and, through them, the TypeScript client's list (`ui/src/lib/operations.ts`)
/// and docs/api.md's table are made from it (`layers::the_operation_catalogue_is_the_one_list`
/// fails when a generated file is stale).
macro_rules! catalogue {
    ($($variant:ident($args:ty) -> $answer:ty = $name:literal, $takes:literal, $answers:literal;)+) => {
        /// An operation with its typed arguments, as a client asks for it: `{"operation":
        /// name, "arguments": {…}}`. Unknown names and fields are refused.
        #[derive(Deserialize)]
        #[serde(tag = "operation", content = "arguments", deny_unknown_fields)]
        pub enum Operation {
            $(#[serde(rename = $name)] $variant($args),)+
        }

        /// An operation's answer, typed: what [`answer`] gives the CLI to render, and what
        /// [`run`] sends as JSON. Every answer type crosses only through the disclosure rule
        /// ([`Answer::into_json`] takes nothing else).
        // One answer is made per operation and handed on once: its size costs nothing worth
        // boxing the large ones (the home screen, a person's record) for.
        #[allow(clippy::large_enum_variant)]
        pub enum Answer {
            $($variant($answer),)+
        }

        impl Answer {
            /// The answer as JSON, as the server and the window send it.
            pub fn into_json(self) -> Result<Value, ErrorBody> {
                match self {
                    $(Answer::$variant(value) => json(value),)+
                }
            }

            /// The answer as indented JSON text, its fields in the order its type declares
            /// them (the CLI's `--json`).
            pub fn to_json_text(&self) -> Result<String, ErrorBody> {
                match self {
                    $(Answer::$variant(value) => json_text(value),)+
                }
            }
        }

        /// The operations' names, in the order docs/api.md lists them.
        pub const NAMES: &[&str] = &[$($name),+];

        /// Each operation's name, what it takes and what it answers, as docs/api.md shows them.
        pub const TABLE: &[(&str, &str, &str)] = &[$(($name, $takes, $answers)),+];

        impl Operation {
            /// The operation's name, as clients ask for it.
            pub fn name(&self) -> &'static str {
                match self {
                    $(Operation::$variant(_) => $name),+
                }
            }
        }
    };
}

catalogue! {
    Home(NoArgs) -> crate::home::Home = "home", r#"—"#, r#"`Home`: counts, queues, funnel, forecast for the signed-in desk"#;
    ListPersons(ListPersons) -> Paged<crate::person::PersonSummary> = "list_persons", r#"`query?`, `offset`, `limit`"#, r#"`Paged<PersonSummary>`"#;
    SearchPersons(SearchPersons) -> crate::search::Results = "search_persons", r#"`query`, `offset`, `limit`"#, r#"`Results` (氏名, フリガナ, 宛名番号, 和暦/西暦 birth dates)"#;
    ShowPerson(Id) -> crate::record::PersonRecord = "show_person", r#"`id`"#, r#"`PersonRecord` (masked for the desk)"#;
    AddPerson(Input<crate::person::PersonInput>) -> Shown<crate::person::Person> = "add_person", r#"`input: PersonInput`"#, r#"`Person`"#;
    UpdatePerson(UpdatePerson) -> Shown<crate::person::Person> = "update_person", r#"`id`, `patch: PersonPatch`"#, r#"`Person`"#;
    AddTouchpoint(Input<crate::touchpoint::TouchpointInput>) -> crate::touchpoint::Recorded = "add_touchpoint", r#"`input: TouchpointInput`"#, r#"`Recorded`"#;
    SendReferral(Input<crate::referral::ReferralInput>) -> crate::referral::Referral = "send_referral", r#"`input: ReferralInput`"#, r#"`Referral`"#;
    ReferralAction(ReferralAction) -> crate::referral::Referral = "referral_action", r#"`id`, `action: {"action": "accept" \| "return" \| "complete" \| "resend" \| "comment" \| "withdraw", …}`"#, r#"`Referral`"#;
    ReferralQueue(ReferralQueue) -> Paged<crate::referral::Referral> = "referral_queue", r#"`status?` (a state's code; `open`: sent by this desk and still 送付済み or 受理; empty: every one; an administrator's queue spans every desk), `order?` (`oldest`, the default, or `newest`), `offset`, `limit`"#, r#"`Paged<Referral>`"#;
    ReceiveApplication(Input<crate::application::ApplicationInput>) -> crate::application::Received = "receive_application", r#"`input: ApplicationInput`"#, r#"`Received`"#;
    CheckDocument(CheckDocument) -> Shown<crate::application::Application> = "check_document", r#"`id`, `document`, `checked`"#, r#"`Application`"#;
    ApplicationStep(ApplicationStep) -> Shown<crate::application::Application> = "application_step", r#"`id`, `step: {"step": "review" \| "decide" \| …}`"#, r#"`Application`"#;
    ListFacilities(PageArgs) -> Paged<crate::facility::Facility> = "list_facilities", r#"`offset`, `limit`"#, r#"`Paged<Facility>`"#;
    DeskContacts(NoArgs) -> Vec<crate::settings::DeskContact> = "desk_contacts", r#"—"#, r#"`DeskContact[]`"#;
    ImportProfiles(NoArgs) -> Vec<crate::import::Profile> = "import_profiles", r#"—"#, r#"`Profile[]`"#;
    ListStaff(NoArgs) -> Vec<crate::staff::Staff> = "list_staff", r#"—"#, r#"`Staff[]` (administrators)"#;
    CertificateValidity(NoArgs) -> Vec<crate::settings::CertificateValidity> = "certificate_validity", r#"—"#, r#"`CertificateValidity[]`"#;
    PolicyRules(NoArgs) -> Vec<crate::policy::Rule> = "policy_rules", r#"—"#, r#"`Rule[]`"#;
    PosterPostings(NoArgs) -> crate::leaflet::Postings = "poster_postings", r#"—"#, r#"`Postings`: where the 別添3 poster is up (those up first) and `desks_without` (the desks the notice names that have none up)"#;
    PostPoster(Input<crate::leaflet::PostingInput>) -> crate::leaflet::Posting = "post_poster", r#"`input: PostingInput` (`desk`, `place`, `edition?` (default: in force that day), `posted_on?`, `note?`)"#, r#"`Posting`; a desk records its own, an administrator any desk's"#;
    TakeDownPoster(TakeDown) -> crate::leaflet::Posting = "take_down_poster", r#"`id`, `removed_on?`"#, r#"`Posting`"#;
    LeafletStatements(NoArgs) -> Vec<crate::leaflet::StatementCheck> = "leaflet_statements", r#"—"#, r#"`StatementCheck[]`"#;
    Codes(NoArgs) -> crate::forms::Codes = "codes", r#"—"#, r#"`Codes`: the record forms' choices (touchpoint kinds, wishes, channels, …)"#;
    ScreenCodes(NoArgs) -> crate::forms::ScreenCodes = "screen_codes", r#"—"#, r#"`ScreenCodes`: the settings, facility and export screens' choices"#;
    City(NoArgs) -> crate::settings::CitySettings = "city", r#"—"#, r#"`CitySettings` as printed on the handouts (no secrets)"#;
    SetCity(SetCity) -> crate::settings::CitySettings = "set_city", r#"`settings: CitySettings`"#, r#"`CitySettings` (administrators)"#;
    SetReasonSpans(SetReasonSpans) -> Vec<crate::forms::ReasonChoice> = "set_reason_spans", r#"`spans: ReasonSpanInput[]` (`reason`, `span`: `continuing` \| `temporary`)"#, r#"`ReasonChoice[]`: every reason with its span; whether an applied person's certificate continues at renewal follows it (administrators)"#;
    SaveImportProfile(SaveProfile) -> Vec<crate::import::Profile> = "save_import_profile", r#"`profile: Profile`"#, r#"`Profile[]` (administrators)"#;
    SetDeskContact(SetDeskContact) -> crate::settings::DeskContact = "set_desk_contact", r#"`contact: DeskContact`"#, r#"`DeskContact` (administrators)"#;
    SetDeskContacts(SetDeskContacts) -> Vec<crate::settings::DeskContact> = "set_desk_contacts", r#"`contacts: DeskContact[]`"#, r#"`DeskContact[]`: every row checked (a refusal names the desk and field), all saved in one transaction or none (administrators)"#;
    SetFacilityCampaign(SetCampaign) -> crate::facility::Facility = "set_facility_campaign", r#"`id`, `campaign`"#, r#"`Facility`"#;
    AddStaff(Input<crate::staff::StaffInput>) -> Vec<crate::staff::Staff> = "add_staff", r#"`input: StaffInput` (with the first password)"#, r#"`Staff[]` (administrators)"#;
    SetStaffPassword(LoginPassword) -> Changed = "set_staff_password", r#"`login`, `password`, `current?`"#, r#"`{"changed": true}`: one's own password with `current`, the present one (`staff.invalid` on field `current` without it or when wrong); anyone's as an administrator (also unlocks). Every session of the account ends"#;
    SetCertificateValidity(SetValidity) -> Vec<crate::settings::CertificateValidity> = "set_certificate_validity", r#"`validity: ValidityInput`"#, r#"`CertificateValidity[]` (administrators)"#;
    SetPolicyRule(SetRule) -> Vec<crate::policy::Rule> = "set_policy_rule", r#"`rule: RuleInput`"#, r#"`Rule[]` (administrators)"#;
    RemovePolicyRule(RuleId) -> Vec<crate::policy::Rule> = "remove_policy_rule", r#"`id`"#, r#"`Rule[]` (administrators)"#;
    SetLeafletStatement(SetStatement) -> Vec<crate::leaflet::StatementCheck> = "set_leaflet_statement", r#"`id`, `mode`, `text?`"#, r#"`StatementCheck[]` (administrators)"#;
    Print(Print) -> MadeFile = "print", r#"`request: PrintRequest` (`{"kind": "application_form", …}`)"#, r#"`MadeFile`: the PDF, with `pages`, `documents`, `warnings`"#;
    ExportCsv(ExportCsv) -> MadeFile = "export_csv", r#"`kind`, `encoding` (`utf-8` or `cp932`)"#, r#"`MadeFile`: the CSV, with `rows`"#;
    ExportForwardingRegister(ExportRegister) -> MadeFile = "export_forwarding_register", r#"`forwarded_on`, `encoding`"#, r#"`MadeFile`: the 後期 進達簿 of the day as CSV"#;
    ImportPersons(ImportPersons) -> crate::import::Report = "import_persons", r#"`content_base64`, `encoding`, `profile?`, `dry_run`"#, r#"`Report` (all or nothing; a dry run stores nothing)"#;
    ImportUnionResults(ImportUnion) -> crate::kouki::UnionImportReport = "import_union_results", r#"`content_base64`, `encoding`, `dry_run`"#, r#"`UnionImportReport`"#;
    MoveOut(MoveOutArgs) -> crate::moving::MovedOut = "move_out", r#"`person_id`, `input: MoveOutInput` (`moved_on?`, `moved_to`, `note?`, `confirmed_digits?`)"#, r#"`MovedOut`: the move and each item it closed (applications withdrawn, referrals completed, certificates invalidated with their return asked for, follow-ups done); then print `{"kind": "hand_over_sheet", "person_id"}`"#;
    RegisterDelivery(RegisterDeliveryArgs) -> Shown<crate::household::DeliveryRegistration> = "register_delivery", r#"`input: RegistrationInput` (`person_id`, `postal_code?`, `address`, `addressee?`, `reason` (`facility` \| `hospital` \| `guardian` \| `relative` \| `other`), `from_on?`, `until_on?`, `requested_by`, `document_seen?`, `note?`, `confirmed_digits?`)"#, r#"`DeliveryRegistration`: a standing 送付先変更, used by every certificate mailed while it stands (the insurer desks' clerks)"#;
    EndDeliveryRegistration(Id) -> Shown<crate::household::DeliveryRegistration> = "end_delivery_registration", r#"`id`"#, r#"`DeliveryRegistration`: ended before its period ran out"#;
    CertificateStep(ApplicationStep) -> Shown<crate::certificate::Certificate> = "certificate_step", r#"`id`, `step: {"step": "reissue", "cause": "lost" \| "damaged" \| "stolen", "on"?, "note"?} \| {"step": "invalidate", "cause": "lost_eligibility" \| "moved_out" \| "died", …} \| {"step": "record_return"} \| {"step": "mail_returned", "note"?} \| {"step": "change_delivery", "postal_code"?, "address", "reason"} \| {"step": "hand_over"}` (each with `on?`, and `confirmed_digits` where it keeps a text)"#, r#"`Certificate` with `events` and `next`: after a 再交付 the new certificate. `certificate.bad_transition` when the state forbids the step"#;
    CertificateReturnsDue(PageArgs) -> Paged<Shown<crate::certificate::Certificate>> = "certificate_returns_due", r#"`offset`, `limit`"#, r#"`Paged<Certificate>`: certificates whose return was asked for and has not arrived"#;
    IssueCertificate(IssueCertificate) -> Shown<crate::certificate::Certificate> = "issue_certificate", r#"`person_id`, `scheme`, `basis` (`ex_officio`, `provisional`, …), `issued_on?`, `valid_until?`"#, r#"`Certificate`: issued without an application (insurer desks)"#;
    Reminders(NoArgs) -> crate::reminder::Reminders = "reminders", r#"—"#, r#"`Reminders`: what the desk should attend to (unanswered and returned referrals, applications waiting for documents or in progress, certificates ending within 30 days, follow-ups due); each list up to 20, with its total"#;
    RenewalSeason(NoArgs) -> crate::renewal::RenewalSeason = "renewal_season", r#"—"#, r#"`RenewalSeason`: the next 8/1, the 広域連合's cut-off, the day the city's list is due, whether its reminder is on (insurer desks)"#;
    RenewalList(RenewalListArgs) -> crate::renewal::RenewalList = "renewal_list", r#"`renewal_day?` (an 8/1; empty: this year's), `group?` (`age_85`, `no_card`, `continues`, `at_renewal`, `apply_again`, `not_issued`), `offset`, `limit`"#, r#"`RenewalList`: the season, each group's size over the whole list, one page of lines"#;
    SetRenewalSchedule(ScheduleArgs) -> crate::renewal::RenewalSeason = "set_renewal_schedule", r#"`schedule: ScheduleInput` (`cutoff` such as `6/15`, `lead_days`, `remind_days`)"#, r#"`RenewalSeason` (administrators; every field's problem named)"#;
    ExportProfiles(NoArgs) -> Vec<crate::export::ExportProfile> = "export_profiles", r#"—"#, r#"`ExportProfile[]` (supervisors and administrators)"#;
    SaveExportProfile(ProfileArgs) -> Vec<crate::export::ExportProfile> = "save_export_profile", r#"`profile: ExportProfile` (`name`, `kind`, `columns` (the kind's column names in the order to write), `encoding`)"#, r#"`ExportProfile[]`; `export.bad_profile` names what is wrong"#;
    ExportWithProfile(ProfileName) -> MadeFile = "export_with_profile", r#"`name`"#, r#"`MadeFile`: the CSV in the profile's columns and encoding, with `rows`; a renewal export marks this year's list as made"#;
    StartCampaign(StartCampaign) -> Shown<crate::campaign::FacilityCampaign> = "start_campaign", r#"`input: CampaignInput` (`facility_id`, `deadline`, `note?`)"#, r#"`FacilityCampaign`: every resident the batch gives a form to, recorded as sent today; `campaign.already_open`, `campaign.nothing_to_send`"#;
    FacilityCampaigns(Id) -> Vec<Shown<crate::campaign::FacilityCampaign>> = "facility_campaigns", r#"`id` (the facility)"#, r#"`FacilityCampaign[]`, newest first, each resident's outcome and application state"#;
    MailingPreview(MailingPreviewArgs) -> crate::mailing::MailingPreview = "mailing_preview", r#"`selection: MailingSelection` (`reasons[]`, `routes[]`, `min_age`, `max_age`, `desk`, `without_application`, `limit`)"#, r#"`MailingPreview`: how many letters the selection sends (the welfare desks' people first), who is left out and why (insurer desks)"#;
    StartMailing(StartMailing) -> Shown<crate::mailing::MailingCampaign> = "start_mailing", r#"`input: MailingInput` (`title`, `deadline`, `note?`, `selection`)"#, r#"`MailingCampaign`: every person chosen, recorded as written to today; `mailing.nobody_chosen`"#;
    Mailings(NoArgs) -> Vec<Shown<crate::mailing::MailingCampaign>> = "mailings", r#"—"#, r#"`MailingCampaign[]`, newest first, each letter's outcome (an application since the letter reads `applied`; none by the deadline, `no_answer`)"#;
    ShowMailing(Id) -> Shown<crate::mailing::MailingCampaign> = "show_mailing", r#"`id`"#, r#"`MailingCampaign`"#;
    RecordMailingOutcomes(MailingOutcomes) -> Shown<crate::mailing::MailingCampaign> = "record_mailing_outcomes", r#"`id`, `outcomes: MailingOutcomeInput[]` (`person_id`, `outcome`: `declined` \| `returned_mail`, `on?`, `note?`)"#, r#"`MailingCampaign`: all or nothing"#;
    ExportMailingAddresses(MailingAddresses) -> MadeFile = "export_mailing_addresses", r#"`id`, `reminder?`, `encoding`"#, r#"`MadeFile`: the envelopes' addresses as CSV (整理番号, 郵便番号, 住所, 氏名) for the print contractor, with `rows`"#;
    ReceiveCampaignReturns(CampaignReturns) -> Shown<crate::campaign::FacilityCampaign> = "receive_campaign_returns", r#"`id`, `returns: ReturnInput[]` (`person_id`, `outcome`: `applied` \| `declined` \| `not_needed` \| `left`, `returned_on?`, `note?`)"#, r#"`FacilityCampaign`: all or nothing; an application (施設職員の代理申請, sent to the facility) is received for each `applied` (insurer desks)"#;
    FeedProfiles(NoArgs) -> Vec<crate::feed::FeedProfile> = "feed_profiles", r#"—"#, r#"`FeedProfile[]`: the status feeds' saved column profiles (supervisors of the insurer desks)"#;
    SaveFeedProfile(FeedProfileArgs) -> Vec<crate::feed::FeedProfile> = "save_feed_profile", r#"`profile: FeedProfile` (`name`, and the headers of `atena_no`, `event`, `date`, `value`)"#, r#"`FeedProfile[]` (administrators)"#;
    ImportFeed(ImportFeed) -> crate::feed::FeedReport = "import_feed", r#"`content_base64`, `encoding?`, `profile?`, `dry_run`"#, r#"`FeedReport`: each row applied as a dated event with its effect (資格取得/喪失, 転出, 死亡, 利用登録状況, 電子証明書の有効期限, 要介護認定, 障害者手帳, 施設入所), all or nothing; with `problems` (by line) or `dry_run`, `committed` is false and nothing is stored"#;
    IssueFeedProfiles(NoArgs) -> Vec<crate::certificate_feed::IssueFeedProfile> = "issue_feed_profiles", r#"—"#, r#"`IssueFeedProfile[]`: the certificate feed's saved column profiles (supervisors of the insurer desks)"#;
    SaveIssueFeedProfile(IssueFeedProfileArgs) -> Vec<crate::certificate_feed::IssueFeedProfile> = "save_issue_feed_profile", r#"`profile: IssueFeedProfile` (`name`, `headers`: column code → header in the file)"#, r#"`IssueFeedProfile[]` (administrators)"#;
    ImportIssueFeed(ImportFeed) -> crate::feed::FeedReport = "import_issue_feed", r#"`content_base64`, `encoding?`, `profile?`, `dry_run`"#, r#"`FeedReport`: the core systems' certificates (交付, 再交付, 資格情報のお知らせ, 返戻, 回収) merged into the ledger, a recorded certificate matched, a disagreement listed as a conflict; all or nothing"#;
    CertificateConflicts(ConflictsArgs) -> Paged<Shown<crate::model::certificate::CertificateConflict>> = "certificate_conflicts", r#"`open_only`, `offset`, `limit`"#, r#"`Paged<CertificateConflict>`: fed certificates that disagree with recorded ones (the insurer desks' clerks)"#;
    ResolveCertificateConflict(ResolveConflict) -> Shown<crate::model::certificate::CertificateConflict> = "resolve_certificate_conflict", r#"`id`, `resolution` (`took_fed` \| `kept_recorded`)"#, r#"`CertificateConflict`: settled; `took_fed` puts the fed dates and card on the recorded certificate"#;
    AgeReissues(NoArgs) -> Vec<crate::certificate::AgeReissue> = "age_reissues", r#"—"#, r#"`AgeReissue[]`: 国保 certificates to reissue because the holder becomes a 高齢受給者 within two months"#;
    BreakGlassUses(NoArgs) -> Vec<crate::directory::BreakGlassUse> = "break_glass_uses", r#"—"#, r#"`BreakGlassUse[]`: sign-ins with the local break-glass accounts in the last 90 days, newest first (administrators)"#;
    OutreachEvents(PageArgs) -> Paged<crate::outreach::OutreachEvent> = "outreach_events", r#"`offset`, `limit`"#, r#"`Paged<OutreachEvent>`: 出張申請 events, newest first, each with the applications received there"#;
    AddOutreachEvent(OutreachEventArgs) -> crate::outreach::OutreachEvent = "add_outreach_event", r#"`input: OutreachInput` (`held_on?`, `place`, `with_mynumber_desk`, `note?`)"#, r#"`OutreachEvent` (insurer desks)"#;
    ReceiveOutreachBatch(OutreachBatch) -> crate::outreach::OutreachEvent = "receive_outreach_batch", r#"`id`, `papers: PaperApplication[]` (`atena_no`, `applicant?`: `self` \| `householder`)"#, r#"`OutreachEvent`: each received as an application on the event's day (受付方法 出張申請) and linked to it; all or nothing, a refusal names its line"#;
    ExportAudit(NoArgs) -> MadeFile = "export_audit", r#"—"#, r#"`MadeFile`: the audit log as CSV (supervisors and administrators), each entry's detail as this reader may see it"#;
    RetentionPolicy(NoArgs) -> crate::retention::RetentionPolicy = "retention_policy", r#"—"#, r#"`RetentionPolicy`: the retention periods in whole years from a person's 転出, 死亡 or 資格喪失 (person, touchpoints, referrals, applications, certificates; the audit log)"#;
    SetRetentionPolicy(Input<crate::retention::RetentionInput>) -> crate::retention::RetentionPolicy = "set_retention_policy", r#"`input: {person_years, touchpoint_years, referral_years, application_years, certificate_years, audit_years}` (text)"#, r#"`RetentionPolicy` (administrators; each 1–30 years, the person's at least each kind's, else `retention.invalid` with the field)"#;
    DisposalList(NoArgs) -> crate::retention::DisposalList = "disposal_list", r#"—"#, r#"`DisposalList`: every ended person with something past its period and what goes; protected persons are counted, never listed (supervisors of 国保 and 後期, administrators)"#;
    Dispose(Dispose) -> crate::retention::Disposed = "dispose", r#"`person_ids: [id]`"#, r#"`Disposed`: all of them or none (`retention.not_due` names one not on today's list); each removal recorded without its content"#;
    PruneAudit(NoArgs) -> crate::retention::AuditPruned = "prune_audit", r#"—"#, r#"`AuditPruned`: the audit entries logged before today less the audit period, removed after the chain is checked (`retention.audit_chain_broken` if it is not whole) and anchored; `store.role` on a PostgreSQL server, where only the schema owner prunes (`hairyo --db OWNER-URL retention prune-audit`)"#;
    Disposals(PageArgs) -> Paged<crate::retention::DisposalRecord> = "disposals", r#"`offset?`, `limit?`"#, r#"`Paged<DisposalRecord>`: the disposal record, newest first"#;
    AccessReview(Input<crate::access_review::AccessQuery>) -> crate::access_review::AccessReview = "access_review", r#"`input: {from?, to?, login?, person_id?}`"#, r#"`AccessReview`: who opened, listed, printed or exported protected persons' data in the period (the last 30 days when empty), newest first, with counts per staff member (supervisors and administrators; `audit.forbidden` otherwise, `audit.invalid` for a date that does not read)"#;
}

impl Operation {
    /// Whether it changes what another desk's queue or home shows. On a SQLite file the server
    /// announces these itself (nobody else writes); on PostgreSQL the database does, for every
    /// writer (migration 0015).
    pub fn is_announced(&self) -> bool {
        matches!(
            self,
            Operation::SendReferral(_)
                | Operation::ReferralAction(_)
                | Operation::ReceiveApplication(_)
                | Operation::CheckDocument(_)
                | Operation::ApplicationStep(_)
                | Operation::AddTouchpoint(_)
                | Operation::AddPerson(_)
                | Operation::UpdatePerson(_)
        )
    }

    /// Whether it reads or writes much (a print, an export, a file import): the window runs it
    /// on a connection of its own, so a search at the counter is answered meanwhile.
    pub fn runs_long(&self) -> bool {
        matches!(
            self,
            Operation::Print(_)
                | Operation::ExportCsv(_)
                | Operation::ExportForwardingRegister(_)
                | Operation::ImportPersons(_)
                | Operation::ImportUnionResults(_)
        )
    }

    /// Operation `name` with `arguments` (JSON; null for none). An unknown name is refused with
    /// `command.unknown`, naming the operations there are; arguments that do not fit with
    /// `command.invalid`, saying what is wrong with them.
    pub fn parse(name: &str, arguments: Value) -> Result<Operation, ErrorBody> {
        if !NAMES.contains(&name) {
            return Err(ErrorBody::new("command.unknown", format!("操作「{name}」はありません。次のいずれかを指定してください: {}", NAMES.join(", "))));
        }
        // A client that sends no body means "no arguments".
        let arguments = if arguments.is_null() { Value::Object(Default::default()) } else { arguments };
        serde_json::from_value(serde_json::json!({"operation": name, "arguments": arguments}))
            .map_err(|e| ErrorBody::new("command.invalid", format!("操作「{name}」の引数が正しくありません: {e}")))
    }
}

/// docs/api.md's table of operations, made from the catalogue.
pub fn api_table() -> String {
    let mut out = String::from("| name | arguments | answer |\n|---|---|---|\n");
    for (name, takes, answers) in TABLE {
        out.push_str(&format!("| `{name}` | {takes} | {answers} |\n"));
    }
    out
}

/// `ui/src/lib/operations.ts`: the TypeScript client's list of operations, made from the
/// catalogue, so that a client asking for a name the core does not know fails its type check.
pub fn typescript_list() -> String {
    let names: String = NAMES.iter().map(|n| format!("  \"{n}\",\n")).collect();
    format!(
        "// Generated from the operation catalogue (src/operation.rs). Do not edit: change the\n\
         // catalogue, then run `UPDATE_BINDINGS=1 cargo test --test it layers`.\n\n\
         /** Every operation the core answers, by name, in docs/api.md's order. */\n\
         export const OPERATIONS = [\n{names}] as const;\n\n\
         /** The name of an operation the core answers. */\n\
         export type OperationName = (typeof OPERATIONS)[number];\n"
    )
}

/// A file an operation made (a PDF, a CSV), carried inside the JSON answer: the client saves it
/// or opens it (the window writes it to its print or export folder; a browser opens or
/// downloads it).
#[derive(Debug, serde::Serialize, ts_rs::TS)]
pub struct MadeFile {
    pub file_name: String,
    pub content_type: String,
    pub content_base64: String,
    /// A print's pages and documents, and its notes for the counter.
    pub pages: Option<usize>,
    pub documents: Option<usize>,
    pub warnings: Vec<String>,
    /// An export's rows.
    pub rows: Option<usize>,
}

impl MadeFile {
    fn new(file_name: String, content_type: &str, bytes: &[u8]) -> MadeFile {
        use base64::Engine;
        MadeFile {
            file_name,
            content_type: content_type.into(),
            content_base64: base64::engine::general_purpose::STANDARD.encode(bytes),
            pages: None,
            documents: None,
            warnings: vec![],
            rows: None,
        }
    }
}

/// The bytes of a file a client sent as base64.
fn file_bytes(name: &str, base64_text: &str) -> Result<Vec<u8>, ErrorBody> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(base64_text.trim())
        .map_err(|e| ErrorBody::new("command.invalid", format!("操作「{name}」のファイル (content_base64) を読めません: {e}")))
}

/// A refusal of one typed field, shaped like the core's own `*.invalid` errors so a client
/// puts the message next to its field.
fn field_refusal(code: &str, field: &'static str, message: String) -> ErrorBody {
    let mut e = ErrorBody::new(code, message.clone());
    e.fields = vec![crate::validate::FieldError { field, message }];
    e
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoArgs {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RenewalListArgs {
    /// An 8/1; empty for this year's renewal.
    #[serde(default)]
    pub renewal_day: String,
    /// A group's code; empty for every group.
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub offset: i64,
    #[serde(default = "default_limit")]
    pub limit: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleArgs {
    pub schedule: crate::renewal::ScheduleInput,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileArgs {
    pub profile: crate::export::ExportProfile,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StartCampaign {
    pub input: crate::campaign::CampaignInput,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedProfileArgs {
    pub profile: crate::feed::FeedProfile,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterDeliveryArgs {
    pub input: crate::household::RegistrationInput,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssueFeedProfileArgs {
    pub profile: crate::certificate_feed::IssueFeedProfile,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConflictsArgs {
    #[serde(default)]
    pub open_only: bool,
    #[serde(default)]
    pub offset: i64,
    #[serde(default = "default_limit")]
    pub limit: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResolveConflict {
    pub id: i64,
    pub resolution: crate::model::certificate::ConflictResolution,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportFeed {
    pub content_base64: String,
    #[serde(default)]
    pub encoding: String,
    #[serde(default)]
    pub profile: Option<String>,
    #[serde(default)]
    pub dry_run: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutreachEventArgs {
    pub input: crate::outreach::OutreachInput,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutreachBatch {
    pub id: i64,
    pub papers: Vec<crate::outreach::PaperApplication>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailingPreviewArgs {
    pub selection: crate::mailing::MailingSelection,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StartMailing {
    pub input: crate::mailing::MailingInput,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailingOutcomes {
    pub id: i64,
    pub outcomes: Vec<crate::mailing::MailingOutcomeInput>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailingAddresses {
    pub id: i64,
    #[serde(default)]
    pub reminder: bool,
    pub encoding: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CampaignReturns {
    pub id: i64,
    pub returns: Vec<crate::campaign::ReturnInput>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dispose {
    pub person_ids: Vec<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileName {
    pub name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageArgs {
    #[serde(default)]
    pub offset: i64,
    #[serde(default = "default_limit")]
    pub limit: i64,
}

fn default_limit() -> i64 {
    50
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListPersons {
    #[serde(default)]
    pub query: Option<String>,
    #[serde(default)]
    pub offset: i64,
    #[serde(default = "default_limit")]
    pub limit: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchPersons {
    pub query: String,
    #[serde(default)]
    pub offset: i64,
    #[serde(default = "default_limit")]
    pub limit: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Id {
    pub id: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Input<T> {
    pub input: T,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdatePerson {
    pub id: i64,
    pub patch: crate::person::PersonPatch,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferralAction {
    pub id: i64,
    pub action: Value,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferralQueue {
    #[serde(default)]
    pub status: Option<String>,
    /// `oldest` (the default: the order a desk works in) or `newest`.
    #[serde(default)]
    pub order: Option<String>,
    #[serde(default)]
    pub offset: i64,
    #[serde(default = "default_limit")]
    pub limit: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckDocument {
    pub id: i64,
    pub document: String,
    pub checked: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoveOutArgs {
    pub person_id: i64,
    pub input: crate::moving::MoveOutInput,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TakeDown {
    pub id: i64,
    #[serde(default)]
    pub removed_on: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplicationStep {
    pub id: i64,
    pub step: Value,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetCity {
    pub settings: crate::settings::CitySettings,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetReasonSpans {
    pub spans: Vec<crate::settings::ReasonSpanInput>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SaveProfile {
    pub profile: crate::import::Profile,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetDeskContact {
    pub contact: crate::settings::DeskContact,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetDeskContacts {
    pub contacts: Vec<crate::settings::DeskContact>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetCampaign {
    pub id: i64,
    pub campaign: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginPassword {
    pub login: String,
    pub password: String,
    /// The current password, when the staff member changes their own.
    #[serde(default)]
    pub current: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetValidity {
    pub validity: crate::settings::ValidityInput,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetRule {
    pub rule: crate::policy::RuleInput,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleId {
    pub id: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetStatement {
    pub id: String,
    pub mode: String,
    #[serde(default)]
    pub text: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Print {
    pub request: Value,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportCsv {
    pub kind: String,
    pub encoding: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportRegister {
    pub forwarded_on: String,
    pub encoding: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportPersons {
    pub content_base64: String,
    pub encoding: String,
    #[serde(default)]
    pub profile: Option<String>,
    #[serde(default)]
    pub dry_run: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportUnion {
    pub content_base64: String,
    pub encoding: String,
    #[serde(default)]
    pub dry_run: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssueCertificate {
    pub person_id: i64,
    pub scheme: String,
    pub basis: String,
    #[serde(default)]
    pub issued_on: String,
    #[serde(default)]
    pub valid_until: String,
}

/// The stored nouns an operation answers with, through the disclosure rule for the asking staff
/// member: the only way they cross the catalogue (`json` takes nothing else).
mod shown {
    use crate::disclosure::{self, Audience, Shown};
    use crate::model::staff::Actor;

    pub fn person(actor: &Actor, p: crate::person::Person) -> Shown<crate::person::Person> {
        disclosure::person(&Audience::of(actor), p)
    }
    pub fn application(actor: &Actor, a: crate::application::Application) -> Shown<crate::application::Application> {
        disclosure::application(&Audience::of(actor), a)
    }
    pub fn certificate(actor: &Actor, c: crate::certificate::Certificate) -> Shown<crate::certificate::Certificate> {
        disclosure::certificate(&Audience::of(actor), c)
    }
    pub fn certificates(actor: &Actor, l: crate::Paged<crate::certificate::Certificate>) -> crate::Paged<Shown<crate::certificate::Certificate>> {
        let audience = Audience::of(actor);
        crate::Paged { items: l.items.into_iter().map(|c| disclosure::certificate(&audience, c)).collect(), total: l.total, offset: l.offset, limit: l.limit }
    }
    pub fn campaign(actor: &Actor, c: crate::campaign::FacilityCampaign) -> Shown<crate::campaign::FacilityCampaign> {
        disclosure::facility_campaign(&Audience::of(actor), c)
    }
    pub fn mailing(actor: &Actor, m: crate::mailing::MailingCampaign) -> Shown<crate::mailing::MailingCampaign> {
        disclosure::mailing(&Audience::of(actor), m)
    }
}

/// `set_staff_password`'s answer.
#[derive(serde::Serialize)]
pub struct Changed {
    changed: bool,
}

/// Answers whose types hold no protected item (no address, safe address, facility or 転出先 of
/// a protected person, no child-welfare note), or that are built only from disclosed parts by
/// the function named; each is a deliberate entry, so a new answer type is decided here.
macro_rules! crosses_as_it_is {
    ($($t:ty),+ $(,)?) => { $(impl crate::disclosure::Disclosed for $t {})+ };
}
crosses_as_it_is!(
    Changed,
    MadeFile, // its bytes were made by export, print or the audit export, each through the rule
    crate::policy::Rule,
    crate::referral::Referral,
    crate::outreach::OutreachEvent,
    crate::settings::DeskContact,
    crate::leaflet::StatementCheck,
    crate::staff::Staff,
    crate::retention::RetentionPolicy,
    crate::retention::DisposalList,
    crate::retention::Disposed,
    crate::retention::AuditPruned,
    crate::retention::DisposalRecord,
    crate::renewal::RenewalSeason,
    crate::renewal::RenewalList,
    crate::import::Profile,
    crate::import::Report,
    crate::leaflet::Posting,
    crate::leaflet::Postings,
    crate::feed::FeedProfile,
    crate::feed::FeedReport, // import_feed, import_issue_feed: insurer supervisors, who see protected whereabouts
    crate::certificate_feed::IssueFeedProfile,
    crate::certificate::AgeReissue,
    crate::directory::BreakGlassUse,
    crate::facility::Facility,
    crate::export::ExportProfile,
    crate::settings::CitySettings,
    crate::settings::CertificateValidity,
    crate::kouki::UnionImportReport,
    crate::forms::Codes,
    crate::forms::ScreenCodes,
    crate::forms::ReasonChoice,
    crate::mailing::MailingPreview, // made only by mailing::choose, of the letters this reader may send
    crate::access_review::AccessReview,
    crate::person::PersonSummary, // made only by person::summary, through the place rule
    crate::search::Results,       // its hits are PersonSummary
    crate::record::PersonRecord,  // built by record::show from disclosed parts
    crate::touchpoint::Recorded,  // the recording desk's own touchpoint
    crate::application::Received, // receive_application: the insurer desks
    crate::home::Home,            // waiting applications only for the insurer desks
    crate::reminder::Reminders,   // applications and certificates only for the insurer desks; campaigns through the rule
    crate::moving::MovedOut,      // move_out: the insurer desks, who see the 転出先
);

/// An answer as JSON: only a type the disclosure rule lets cross (see
/// [`crate::disclosure::Disclosed`]; the stored nouns cross as `Shown<…>`).
fn json<T: crate::disclosure::Disclosed>(value: T) -> Result<Value, ErrorBody> {
    serde_json::to_value(value).map_err(|e| ErrorBody::new("operation.encode", format!("結果を JSON にできません: {e}")))
}

/// An answer as indented JSON text: only a type the disclosure rule lets cross.
fn json_text<T: crate::disclosure::Disclosed>(value: &T) -> Result<String, ErrorBody> {
    serde_json::to_string_pretty(value).map_err(|e| ErrorBody::new("operation.encode", format!("結果を JSON にできません: {e}")))
}

fn page(offset: i64, limit: i64) -> Page {
    Page::new(offset, limit)
}

/// Runs operation `name` for `actor` at `now`, its arguments as JSON (null for none): the door
/// the server and the window use. An unknown name is refused with `command.unknown`, naming
/// the operations there are; arguments that do not fit with `command.invalid`.
pub fn call(store: &mut Store, actor: &Actor, name: &str, arguments: Value, now: NaiveDateTime) -> Result<Value, ErrorBody> {
    store.enter(actor.municipality)?;
    run(store, actor, Operation::parse(name, arguments)?, now)
}

/// Runs `operation` for `actor` at `now`; its answer as JSON, through the disclosure rule: the
/// door the server and the window use.
pub fn run(store: &mut Store, actor: &Actor, operation: Operation, now: NaiveDateTime) -> Result<Value, ErrorBody> {
    store.enter(actor.municipality)?;
    answer(store, actor, operation, now)?.into_json()
}

/// Runs `operation` for `actor` at `now`; its typed answer, which the CLI renders as text (or
/// as the same JSON with `--json`).
pub fn answer(store: &mut Store, actor: &Actor, operation: Operation, now: NaiveDateTime) -> Result<Answer, ErrorBody> {
    // Whatever the connection acted for before, it now acts for the actor's municipality alone.
    store.enter(actor.municipality)?;
    Ok(match operation {
        Operation::Home(_) => Answer::Home(crate::home::summary(store, actor, now)?),
        Operation::ListPersons(a) => Answer::ListPersons(list_persons(store, actor, a, now)?),
        Operation::SearchPersons(a) => Answer::SearchPersons(crate::search::search(store, actor, &a.query, page(a.offset, a.limit), now)?),
        Operation::ShowPerson(a) => Answer::ShowPerson(crate::record::show(store, actor, a.id, now)?),
        Operation::AddPerson(a) => Answer::AddPerson(shown::person(actor, crate::person::add(store, actor, &a.input, now)?)),
        Operation::UpdatePerson(a) => Answer::UpdatePerson(shown::person(actor, crate::person::update(store, actor, a.id, &a.patch, now)?)),
        Operation::AddTouchpoint(a) => Answer::AddTouchpoint(crate::touchpoint::add(store, actor, &a.input, now)?),
        Operation::SendReferral(a) => Answer::SendReferral(crate::referral::send(store, actor, &a.input, now)?),
        Operation::ReferralAction(a) => Answer::ReferralAction(referral_action(store, actor, a, now)?),
        Operation::ReferralQueue(a) => Answer::ReferralQueue(referral_queue(store, actor, a, now)?),
        Operation::ReceiveApplication(a) => Answer::ReceiveApplication(crate::application::receive(store, actor, &a.input, now)?),
        Operation::CheckDocument(a) => Answer::CheckDocument(check_document(store, actor, a, now)?),
        Operation::ApplicationStep(a) => Answer::ApplicationStep(application_step(store, actor, a, now)?),
        Operation::ListFacilities(a) => Answer::ListFacilities(crate::facility::list(store, actor, page(a.offset, a.limit), now)?),
        Operation::DeskContacts(_) => Answer::DeskContacts(crate::settings::desk_contacts(store, actor, now)?),
        Operation::ImportProfiles(_) => Answer::ImportProfiles(crate::import::profiles(store, actor, now)?),
        Operation::ListStaff(_) => Answer::ListStaff(crate::staff::list(store, actor, now)?),
        Operation::CertificateValidity(_) => Answer::CertificateValidity(crate::settings::certificate_validity(store, actor, now)?),
        Operation::PolicyRules(_) => Answer::PolicyRules(crate::policy::list_rules(store, actor, now)?),
        Operation::PosterPostings(_) => Answer::PosterPostings(crate::leaflet::postings(store, actor, now)?),
        Operation::PostPoster(a) => Answer::PostPoster(crate::leaflet::post_poster(store, actor, &a.input, now)?),
        Operation::TakeDownPoster(a) => Answer::TakeDownPoster(crate::leaflet::take_down_poster(store, actor, a.id, &a.removed_on, now)?),
        Operation::LeafletStatements(_) => Answer::LeafletStatements(crate::leaflet::check_all_statements(store, actor, now)?),
        Operation::Codes(_) => Answer::Codes(codes(store, actor)?),
        Operation::ScreenCodes(_) => Answer::ScreenCodes(screen_codes(actor)?),
        Operation::City(_) => Answer::City(city(store, actor)?),
        Operation::SetCity(a) => Answer::SetCity(crate::settings::set_city(store, actor, &a.settings, now)?),
        Operation::SaveImportProfile(a) => Answer::SaveImportProfile(save_import_profile(store, actor, a, now)?),
        Operation::SetDeskContact(a) => Answer::SetDeskContact(crate::settings::set_desk_contact(store, actor, &a.contact, now)?),
        Operation::SetDeskContacts(a) => Answer::SetDeskContacts(crate::settings::set_desk_contacts(store, actor, &a.contacts, now)?),
        Operation::SetReasonSpans(a) => Answer::SetReasonSpans(crate::settings::set_reason_spans(store, actor, &a.spans, now)?),
        Operation::SetFacilityCampaign(a) => Answer::SetFacilityCampaign(set_facility_campaign(store, actor, a, now)?),
        Operation::AddStaff(a) => Answer::AddStaff(add_staff(store, actor, a, now)?),
        Operation::SetStaffPassword(a) => Answer::SetStaffPassword(set_staff_password(store, actor, a, now)?),
        Operation::SetCertificateValidity(a) => Answer::SetCertificateValidity(set_certificate_validity(store, actor, a, now)?),
        Operation::SetPolicyRule(a) => Answer::SetPolicyRule(set_policy_rule(store, actor, a, now)?),
        Operation::RemovePolicyRule(a) => Answer::RemovePolicyRule(remove_policy_rule(store, actor, a, now)?),
        Operation::SetLeafletStatement(a) => Answer::SetLeafletStatement(set_leaflet_statement(store, actor, a, now)?),
        Operation::Print(a) => Answer::Print(print(store, actor, a, now)?),
        Operation::ExportCsv(a) => Answer::ExportCsv(export_csv(store, actor, a, now)?),
        Operation::ExportForwardingRegister(a) => Answer::ExportForwardingRegister(export_forwarding_register(store, actor, a, now)?),
        Operation::ImportPersons(a) => Answer::ImportPersons(import_persons(store, actor, a, now)?),
        Operation::ImportUnionResults(a) => Answer::ImportUnionResults(import_union_results(store, actor, a, now)?),
        Operation::RegisterDelivery(a) => Answer::RegisterDelivery(crate::household::register_delivery(store, actor, &a.input, now)?),
        Operation::EndDeliveryRegistration(a) => Answer::EndDeliveryRegistration(crate::household::end_delivery_registration(store, actor, a.id, now)?),
        Operation::MoveOut(a) => Answer::MoveOut(crate::moving::move_out(store, actor, a.person_id, &a.input, now)?),
        Operation::CertificateStep(a) => Answer::CertificateStep(certificate_step(store, actor, a, now)?),
        Operation::CertificateReturnsDue(a) => {
            Answer::CertificateReturnsDue(shown::certificates(actor, crate::certificate::returns_due(store, actor, page(a.offset, a.limit), now)?))
        }
        Operation::IssueCertificate(a) => Answer::IssueCertificate(issue_certificate(store, actor, a, now)?),
        Operation::Reminders(_) => Answer::Reminders(crate::reminder::due(store, actor, crate::reminder::Window::default(), now)?),
        Operation::RenewalSeason(_) => Answer::RenewalSeason(crate::renewal::season(store, actor, now)?),
        Operation::RenewalList(a) => Answer::RenewalList(renewal_list(store, actor, a, now)?),
        Operation::SetRenewalSchedule(a) => Answer::SetRenewalSchedule(crate::renewal::set_schedule(store, actor, &a.schedule, now)?),
        Operation::ExportProfiles(_) => Answer::ExportProfiles(crate::export::profiles(store, actor, now)?),
        Operation::SaveExportProfile(a) => Answer::SaveExportProfile(save_export_profile(store, actor, a, now)?),
        Operation::ExportWithProfile(a) => Answer::ExportWithProfile(export_with_profile(store, actor, a, now)?),
        Operation::StartCampaign(a) => Answer::StartCampaign(shown::campaign(actor, crate::campaign::start(store, actor, &a.input, now)?)),
        Operation::FacilityCampaigns(a) => Answer::FacilityCampaigns(facility_campaigns(store, actor, a, now)?),
        Operation::MailingPreview(a) => Answer::MailingPreview(crate::mailing::preview(store, actor, &a.selection, now)?),
        Operation::StartMailing(a) => Answer::StartMailing(shown::mailing(actor, crate::mailing::start(store, actor, &a.input, now)?)),
        Operation::Mailings(_) => Answer::Mailings(crate::mailing::list(store, actor, now)?.into_iter().map(|m| shown::mailing(actor, m)).collect::<Vec<_>>()),
        Operation::ShowMailing(a) => Answer::ShowMailing(shown::mailing(actor, crate::mailing::get(store, actor, a.id, now)?)),
        Operation::RecordMailingOutcomes(a) => {
            Answer::RecordMailingOutcomes(shown::mailing(actor, crate::mailing::record_outcomes(store, actor, a.id, &a.outcomes, now)?))
        }
        Operation::ExportMailingAddresses(a) => Answer::ExportMailingAddresses(export_mailing_addresses(store, actor, a, now)?),
        Operation::ReceiveCampaignReturns(a) => {
            Answer::ReceiveCampaignReturns(shown::campaign(actor, crate::campaign::receive_returns(store, actor, a.id, &a.returns, now)?))
        }
        Operation::FeedProfiles(_) => Answer::FeedProfiles(crate::feed::profiles(store, actor, now)?),
        Operation::SaveFeedProfile(a) => Answer::SaveFeedProfile(save_feed_profile(store, actor, a, now)?),
        Operation::ImportFeed(a) => Answer::ImportFeed(import_feed(store, actor, a, now)?),
        Operation::IssueFeedProfiles(_) => Answer::IssueFeedProfiles(crate::certificate_feed::profiles(store, actor, now)?),
        Operation::SaveIssueFeedProfile(a) => {
            crate::certificate_feed::save_profile(store, actor, &a.profile, now)?;
            Answer::SaveIssueFeedProfile(crate::certificate_feed::profiles(store, actor, now)?)
        }
        Operation::ImportIssueFeed(a) => Answer::ImportIssueFeed(import_issue_feed(store, actor, a, now)?),
        Operation::CertificateConflicts(a) => {
            Answer::CertificateConflicts(crate::certificate_feed::conflicts(store, actor, a.open_only, page(a.offset, a.limit), now)?)
        }
        Operation::ResolveCertificateConflict(a) => {
            Answer::ResolveCertificateConflict(crate::certificate_feed::resolve_conflict(store, actor, a.id, a.resolution, now)?)
        }
        Operation::BreakGlassUses(_) => Answer::BreakGlassUses(crate::directory::break_glass_uses(store, actor, now)?),
        Operation::AgeReissues(_) => Answer::AgeReissues(crate::certificate::age_reissues(store, actor, now)?),
        Operation::OutreachEvents(a) => Answer::OutreachEvents(crate::outreach::events(store, actor, page(a.offset, a.limit), now)?),
        Operation::AddOutreachEvent(a) => Answer::AddOutreachEvent(crate::outreach::add_event(store, actor, &a.input, now)?),
        Operation::ReceiveOutreachBatch(a) => Answer::ReceiveOutreachBatch(crate::outreach::receive_batch(store, actor, a.id, &a.papers, now)?),
        Operation::ExportAudit(_) => Answer::ExportAudit(export_audit(store, actor, now)?),
        Operation::RetentionPolicy(_) => Answer::RetentionPolicy(crate::retention::policy(store, actor, now)?),
        Operation::SetRetentionPolicy(a) => Answer::SetRetentionPolicy(crate::retention::set_policy(store, actor, &a.input, now)?),
        Operation::DisposalList(_) => Answer::DisposalList(crate::retention::disposal_list(store, actor, now)?),
        Operation::Dispose(a) => Answer::Dispose(crate::retention::dispose(store, actor, &a.person_ids, now)?),
        Operation::PruneAudit(_) => Answer::PruneAudit(crate::retention::prune_audit(store, actor, now)?),
        Operation::Disposals(a) => Answer::Disposals(crate::retention::disposals(store, actor, page(a.offset, a.limit), now)?),
        Operation::AccessReview(a) => Answer::AccessReview(crate::access_review::review(store, actor, &a.input, now)?),
    })
}

// The operations whose answer takes more than one call, one function each.

fn list_persons(store: &mut Store, actor: &Actor, a: ListPersons, now: NaiveDateTime) -> Result<Paged<crate::person::PersonSummary>, ErrorBody> {
    let filter = crate::person::PersonFilter { query: a.query, ..Default::default() };
    Ok(crate::person::list(store, actor, &filter, page(a.offset, a.limit), now)?)
}

fn referral_action(store: &mut Store, actor: &Actor, a: ReferralAction, now: NaiveDateTime) -> Result<crate::referral::Referral, ErrorBody> {
    let action: crate::referral::ReferralAction = crate::command::decode("連携依頼の操作", "action", a.action)?;
    Ok(crate::referral::act(store, actor, a.id, &action, now)?)
}

fn referral_queue(store: &mut Store, actor: &Actor, a: ReferralQueue, now: NaiveDateTime) -> Result<Paged<crate::referral::Referral>, ErrorBody> {
    // An unknown status is refused, not read as "every status".
    let filter = crate::referral::QueueFilter::parse(a.status.as_deref().unwrap_or("")).map_err(|message| ErrorBody::new("referral.invalid", message))?;
    let order = match a.order.as_deref() {
        None => crate::referral::QueueOrder::Oldest,
        Some(code) => crate::referral::QueueOrder::parse(code).map_err(|message| field_refusal("referral.invalid", "order", message))?,
    };
    let queue: Paged<crate::referral::Referral> = crate::referral::queue(store, actor, filter, order, page(a.offset, a.limit), now)?;
    Ok(queue)
}

fn check_document(store: &mut Store, actor: &Actor, a: CheckDocument, now: NaiveDateTime) -> Result<Shown<crate::application::Application>, ErrorBody> {
    let doc = crate::application::Document::parse(&a.document).map_err(|message| ErrorBody::new("application.invalid", message))?;
    Ok(shown::application(actor, crate::application::check_document(store, actor, a.id, doc, a.checked, now)?))
}

fn application_step(store: &mut Store, actor: &Actor, a: ApplicationStep, now: NaiveDateTime) -> Result<Shown<crate::application::Application>, ErrorBody> {
    let step: crate::application::ApplicationStep = crate::command::decode("申請の操作", "step", a.step)?;
    Ok(shown::application(actor, crate::application::take_step(store, actor, a.id, &step, now)?))
}

/// The forms' choices: no data, but only for signed-in staff.
fn codes(store: &Store, actor: &Actor) -> Result<crate::forms::Codes, ErrorBody> {
    crate::access::require(actor, crate::access::Permission::ViewPerson).map_err(ErrorBody::from)?;
    // The reasons' spans are the city's data.
    let spans = crate::settings::reason_spans_of(&store.read()).map_err(crate::settings::SettingsError::from)?;
    Ok(crate::forms::codes(&spans))
}

fn screen_codes(actor: &Actor) -> Result<crate::forms::ScreenCodes, ErrorBody> {
    crate::access::require(actor, crate::access::Permission::ViewPerson).map_err(ErrorBody::from)?;
    Ok(crate::forms::screen_codes())
}

/// The city as printed on the handouts; its read is not audited (no personal data).
fn city(store: &mut Store, actor: &Actor) -> Result<crate::settings::CitySettings, ErrorBody> {
    crate::access::require(actor, crate::access::Permission::ViewPerson).map_err(ErrorBody::from)?;
    Ok(crate::settings::public_city(store)?)
}

fn save_import_profile(store: &mut Store, actor: &Actor, a: SaveProfile, now: NaiveDateTime) -> Result<Vec<crate::import::Profile>, ErrorBody> {
    crate::import::save_profile(store, actor, &a.profile, now)?;
    Ok(crate::import::profiles(store, actor, now)?)
}

fn set_facility_campaign(store: &mut Store, actor: &Actor, a: SetCampaign, now: NaiveDateTime) -> Result<crate::facility::Facility, ErrorBody> {
    let campaign = crate::facility::Campaign::parse(&a.campaign).map_err(|m| field_refusal("facility.invalid", "campaign", m))?;
    Ok(crate::facility::set_campaign(store, actor, a.id, campaign, now)?)
}

fn add_staff(store: &mut Store, actor: &Actor, a: Input<crate::staff::StaffInput>, now: NaiveDateTime) -> Result<Vec<crate::staff::Staff>, ErrorBody> {
    crate::staff::add_with_password(store, actor, &a.input, now)?;
    Ok(crate::staff::list(store, actor, now)?)
}

fn set_staff_password(store: &mut Store, actor: &Actor, a: LoginPassword, now: NaiveDateTime) -> Result<Changed, ErrorBody> {
    crate::staff::set_password(store, actor, &a.login, &a.password, a.current.as_deref(), now)?;
    Ok(Changed { changed: true })
}

fn set_certificate_validity(
    store: &mut Store,
    actor: &Actor,
    a: SetValidity,
    now: NaiveDateTime,
) -> Result<Vec<crate::settings::CertificateValidity>, ErrorBody> {
    crate::settings::set_certificate_validity(store, actor, &a.validity, now)?;
    Ok(crate::settings::certificate_validity(store, actor, now)?)
}

fn set_policy_rule(store: &mut Store, actor: &Actor, a: SetRule, now: NaiveDateTime) -> Result<Vec<crate::policy::Rule>, ErrorBody> {
    let rule = crate::policy::parse_rule(&a.rule)?;
    crate::policy::set_rule(store, actor, &rule, now)?;
    Ok(crate::policy::list_rules(store, actor, now)?)
}

fn remove_policy_rule(store: &mut Store, actor: &Actor, a: RuleId, now: NaiveDateTime) -> Result<Vec<crate::policy::Rule>, ErrorBody> {
    crate::policy::remove_rule(store, actor, &a.id, now)?;
    Ok(crate::policy::list_rules(store, actor, now)?)
}

fn set_leaflet_statement(store: &mut Store, actor: &Actor, a: SetStatement, now: NaiveDateTime) -> Result<Vec<crate::leaflet::StatementCheck>, ErrorBody> {
    let mode = crate::leaflet::StatementMode::parse(&a.mode).map_err(|m| field_refusal("leaflet.invalid", "mode", m))?;
    crate::leaflet::set_statement(store, actor, &a.id, mode, a.text.as_deref(), now)?;
    Ok(crate::leaflet::check_all_statements(store, actor, now)?)
}

fn print(store: &mut Store, actor: &Actor, a: Print, now: NaiveDateTime) -> Result<MadeFile, ErrorBody> {
    let request: crate::print::PrintRequest = crate::command::decode("印刷の種類", "kind", a.request)?;
    let printed = crate::print::print(store, actor, &request, now, &mut |_| {})?;
    let file_name = format!("{}-{}.pdf", request.file_stem(), now.format("%Y%m%d-%H%M%S"));
    let mut file = MadeFile::new(file_name, "application/pdf", &printed.bytes);
    (file.pages, file.documents, file.warnings) = (Some(printed.pages), Some(printed.documents), printed.warnings);
    Ok(file)
}

fn export_csv(store: &mut Store, actor: &Actor, a: ExportCsv, now: NaiveDateTime) -> Result<MadeFile, ErrorBody> {
    let kind = crate::export::ExportKind::parse(&a.kind).map_err(|m| field_refusal("export.invalid", "kind", m))?;
    let encoding = crate::import::Encoding::named(&a.encoding)?;
    let (bytes, rows) = crate::export::export(store, actor, kind, encoding, now)?;
    let mut file = MadeFile::new(format!("{}-{}.csv", kind.code(), now.format("%Y%m%d-%H%M%S")), "text/csv", &bytes);
    file.rows = Some(rows);
    Ok(file)
}

fn export_mailing_addresses(store: &mut Store, actor: &Actor, a: MailingAddresses, now: NaiveDateTime) -> Result<MadeFile, ErrorBody> {
    let encoding = crate::import::Encoding::named(&a.encoding)?;
    let (bytes, rows) = crate::mailing::addresses_csv(store, actor, a.id, a.reminder, encoding, now)?;
    let mut file = MadeFile::new(format!("mailing-{}-addresses-{}.csv", a.id, now.format("%Y%m%d-%H%M%S")), "text/csv", &bytes);
    file.rows = Some(rows);
    Ok(file)
}

fn export_forwarding_register(store: &mut Store, actor: &Actor, a: ExportRegister, now: NaiveDateTime) -> Result<MadeFile, ErrorBody> {
    let day = crate::validate::date_on("進達日", &a.forwarded_on, now.date()).map_err(|m| field_refusal("export.invalid", "forwarded_on", m))?;
    let encoding = crate::import::Encoding::named(&a.encoding)?;
    let (bytes, rows) = crate::kouki::forwarding_register_csv(store, actor, day, encoding, now)?;
    let mut file = MadeFile::new(format!("forwarding-register-{day}-{}.csv", now.format("%Y%m%d-%H%M%S")), "text/csv", &bytes);
    file.rows = Some(rows);
    Ok(file)
}

fn import_persons(store: &mut Store, actor: &Actor, a: ImportPersons, now: NaiveDateTime) -> Result<crate::import::Report, ErrorBody> {
    let bytes = file_bytes("import_persons", &a.content_base64)?;
    let encoding = crate::import::Encoding::named(&a.encoding)?;
    let opts = crate::import::Options { encoding: Some(encoding), profile: a.profile.filter(|p| !p.is_empty()), dry_run: a.dry_run };
    Ok(crate::import::import_persons(store, actor, &bytes, &opts, now, &mut |_, _| {})?)
}

fn import_union_results(store: &mut Store, actor: &Actor, a: ImportUnion, now: NaiveDateTime) -> Result<crate::kouki::UnionImportReport, ErrorBody> {
    let bytes = file_bytes("import_union_results", &a.content_base64)?;
    let encoding = crate::import::Encoding::named(&a.encoding)?;
    let opts = crate::kouki::UnionImportOptions { encoding: Some(encoding), dry_run: a.dry_run };
    Ok(crate::kouki::import_union_results(store, actor, &bytes, &opts, now)?)
}

fn certificate_step(store: &mut Store, actor: &Actor, a: ApplicationStep, now: NaiveDateTime) -> Result<Shown<crate::certificate::Certificate>, ErrorBody> {
    let step: crate::certificate::CertificateStep = crate::command::decode("資格確認書の操作", "step", a.step)?;
    Ok(shown::certificate(actor, crate::certificate::take_step(store, actor, a.id, &step, now)?))
}

fn issue_certificate(store: &mut Store, actor: &Actor, a: IssueCertificate, now: NaiveDateTime) -> Result<Shown<crate::certificate::Certificate>, ErrorBody> {
    let scheme = crate::application::AppScheme::parse(&a.scheme).map_err(|m| field_refusal("certificate.invalid", "scheme", m))?;
    let basis = crate::certificate::CertificateBasis::parse(&a.basis).map_err(|m| field_refusal("certificate.invalid", "basis", m))?;
    // An empty date is today; any other must read as a date.
    let day = |field: &'static str, label: &str, text: &str| -> Result<Option<chrono::NaiveDate>, ErrorBody> {
        if text.trim().is_empty() {
            return Ok(None);
        }
        crate::validate::date(label, text).map(Some).map_err(|m| field_refusal("certificate.invalid", field, m))
    };
    let issued_on = day("issued_on", "交付日", &a.issued_on)?.unwrap_or(now.date());
    let valid_until = day("valid_until", "有効期限", &a.valid_until)?;
    Ok(shown::certificate(actor, crate::certificate::issue_without_application(store, actor, a.person_id, scheme, basis, issued_on, valid_until, now)?))
}

fn renewal_list(store: &mut Store, actor: &Actor, a: RenewalListArgs, now: NaiveDateTime) -> Result<crate::renewal::RenewalList, ErrorBody> {
    let day = if a.renewal_day.trim().is_empty() {
        None
    } else {
        Some(crate::validate::date_on("年次更新日", &a.renewal_day, now.date()).map_err(|m| field_refusal("renewal.invalid", "renewal_day", m))?)
    };
    let group = if a.group.trim().is_empty() {
        None
    } else {
        Some(crate::renewal::RenewalGroup::parse(&a.group).map_err(|m| field_refusal("renewal.invalid", "group", m))?)
    };
    Ok(crate::renewal::spring_list(store, actor, day, group, page(a.offset, a.limit), now)?)
}

fn save_export_profile(store: &mut Store, actor: &Actor, a: ProfileArgs, now: NaiveDateTime) -> Result<Vec<crate::export::ExportProfile>, ErrorBody> {
    crate::export::save_profile(store, actor, &a.profile, now)?;
    Ok(crate::export::profiles(store, actor, now)?)
}

fn export_with_profile(store: &mut Store, actor: &Actor, a: ProfileName, now: NaiveDateTime) -> Result<MadeFile, ErrorBody> {
    let (bytes, rows, profile) = crate::export::export_with_profile(store, actor, &a.name, now)?;
    let mut file = MadeFile::new(format!("{}-{}.csv", profile.kind.code(), now.format("%Y%m%d-%H%M%S")), "text/csv", &bytes);
    file.rows = Some(rows);
    Ok(file)
}

fn facility_campaigns(store: &mut Store, actor: &Actor, a: Id, now: NaiveDateTime) -> Result<Vec<Shown<crate::campaign::FacilityCampaign>>, ErrorBody> {
    Ok(crate::campaign::of_facility(store, actor, a.id, now)?.into_iter().map(|c| shown::campaign(actor, c)).collect::<Vec<_>>())
}

fn save_feed_profile(store: &mut Store, actor: &Actor, a: FeedProfileArgs, now: NaiveDateTime) -> Result<Vec<crate::feed::FeedProfile>, ErrorBody> {
    crate::feed::save_profile(store, actor, &a.profile, now)?;
    Ok(crate::feed::profiles(store, actor, now)?)
}

fn import_feed(store: &mut Store, actor: &Actor, a: ImportFeed, now: NaiveDateTime) -> Result<crate::feed::FeedReport, ErrorBody> {
    let bytes = file_bytes("import_feed", &a.content_base64)?;
    let encoding = if a.encoding.trim().is_empty() { crate::import::Encoding::Auto } else { crate::import::Encoding::named(&a.encoding)? };
    Ok(crate::feed::import_feed(store, actor, &bytes, encoding, a.profile.as_deref().filter(|p| !p.is_empty()), a.dry_run, now)?)
}

fn import_issue_feed(store: &mut Store, actor: &Actor, a: ImportFeed, now: NaiveDateTime) -> Result<crate::feed::FeedReport, ErrorBody> {
    let bytes = file_bytes("import_issue_feed", &a.content_base64)?;
    let encoding = if a.encoding.trim().is_empty() { crate::import::Encoding::Auto } else { crate::import::Encoding::named(&a.encoding)? };
    Ok(crate::certificate_feed::import(store, actor, &bytes, encoding, a.profile.as_deref().filter(|p| !p.is_empty()), a.dry_run, now)?)
}

fn export_audit(store: &mut Store, actor: &Actor, now: NaiveDateTime) -> Result<MadeFile, ErrorBody> {
    let bytes = crate::audit::export_csv(store, actor, now)?;
    Ok(MadeFile::new(format!("audit-{}.csv", now.format("%Y%m%d-%H%M%S")), "text/csv", &bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_name_is_answered_and_nothing_else() {
        let mut store = crate::store::open_in_memory().unwrap();
        let now = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap().and_hms_opt(9, 0, 0).unwrap();
        let admin = crate::staff::init(&mut store, now).unwrap();
        for name in NAMES {
            // Either an answer or the operation's own refusal of missing arguments: never
            // "unknown".
            if let Err(e) = call(&mut store, &admin, name, Value::Null, now) {
                assert_ne!(e.code, "command.unknown", "{name}");
            }
        }
        let api = include_str!("../../../docs/api.md");
        for name in NAMES {
            assert!(api.contains(&format!("| `{name}` |")), "docs/api.md does not list {name}");
        }
        for (name, _) in FILE_OPERATIONS {
            assert!(NAMES.contains(name), "{name} is not in the catalogue");
        }
        let e = call(&mut store, &admin, "drop_everything", Value::Null, now).unwrap_err();
        assert_eq!(e.code, "command.unknown");
        let e = call(&mut store, &admin, "home", serde_json::json!({"desk": "kokuho"}), now).unwrap_err();
        assert_eq!(e.code, "command.invalid", "unknown arguments are refused: {e:?}");
    }
}
