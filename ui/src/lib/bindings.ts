// Generated from the Rust types by ts-rs (src-tauri/src/bindings.rs). Do not edit:
// change the Rust type, then run `UPDATE_BINDINGS=1 cargo test -p hairyo-desktop bindings`.

export type Desk = "kokuho" | "kouki" | "kaigo" | "shogai" | "jido" | "houkatsu" | "kikan";

export type Role = "caseworker" | "clerk" | "supervisor" | "admin";

export type Sex = "male" | "female" | "unstated";

export type Scheme = "kokuho" | "kouki" | "kumiai" | "employee" | "welfare" | "unknown";

export type CardKind = "none" | "card" | "face_auth" | "certificate_lapsed" | "returned";

export type Registration = "registered" | "not_registered" | "unknown" | "cancelled" | "view_blocked";

export type Reason = "elderly" | "dementia" | "physical" | "intellectual" | "mental" | "child" | "facility" | "pin" | "lost_or_damaged" | "card_return" | "needs_companion" | "certificate_lapsed" | "other";

export type LegalRepKind = "none" | "guardian" | "parent" | "minor_guardian" | "curator" | "voluntary_guardian";

export type Leaflet = "bessou1" | "bessou2" | "bessou3";

export type FacilityKind = "elderly" | "disability" | "children" | "other" | "nursing_home" | "geriatric_health" | "care_medical" | "dementia_group_home" | "private_home" | "disability_support" | "disability_group_home" | "childrens_home" | "infant_home" | "disabled_children" | "foster";

export type Campaign = "none" | "informed" | "collecting" | "done";

export type TouchpointKind = "care_certification" | "disability_certification" | "houkatsu_consultation" | "kikan_consultation" | "service_start" | "outreach" | "counter" | "visit" | "phone" | "facility_campaign" | "cancel_request";

export type Wish = "unknown" | "wants_certificate" | "keeps_card" | "wants_cancel" | "undecided";

export type ReferralStatus = "sent" | "accepted" | "returned" | "completed" | "withdrawn";

export type AppScheme = "kokuho" | "kouki";

export type Channel = "counter" | "mail" | "outreach" | "facility_batch";

export type Applicant = "person" | "householder" | "proxy";

export type ProxyAuthority = "same_household" | "relative" | "guardian" | "parent" | "facility_child" | "caregiver" | "facility_adult" | "facility_head" | "minor_guardian" | "child_guidance_chief" | "curator" | "voluntary_guardian";

export type Delegator = "person" | "householder";

export type Delivery = "home" | "proxy" | "facility" | "counter";

export type AppStatus = "received" | "reviewing" | "decided" | "issued" | "rejected" | "withdrawn" | "at_renewal" | "forwarded" | "union_issued" | "union_rejected" | "handed_over";

export type Document = "applicant_id" | "proxy_id" | "delegation" | "householder_delegation" | "registry_certificate" | "family_register" | "parent_delegation" | "staff_id" | "placement_notice" | "minor_guardian_record" | "agency_registry" | "voluntary_registry" | "person_id" | "writer_id" | "no_delegation_statement";

export type UnionResult = "issued" | "rejected" | "at_renewal";

export type HandOverMethod = "counter" | "mail";

export type IdentityShown = "one_photo" | "two_other";

export type Signing = "signed" | "ghostwritten" | "no_delegation";

export type OptionalEntry = "limit_category" | "specific_disease";

export type ReasonSpan = "temporary" | "continuing";

export type ReasonChoice = { code: Reason, label: string, span: ReasonSpan, span_label: string, };

export type RenewalGroup = "age85" | "no_card" | "continues" | "at_renewal" | "apply_again" | "not_issued";

export type RenewalSchedule = { cutoff_month: number, cutoff_day: number, lead_days: number, remind_days: number, };

export type ScheduleInput = { cutoff: string, lead_days: string, remind_days: string, };

export type RenewalSeason = { 
/**
 * The next 8/1 (today, on 8/1 itself).
 */
renewal_day: string, cutoff: string, 
/**
 * The day the city's list is due.
 */
list_by: string, remind_from: string, 
/**
 * When this renewal's list was last exported, if it was.
 */
list_made_on: string | null, 
/**
 * Days from today to `list_by` (negative once it has passed).
 */
days_to_list: number, 
/**
 * The reminder is due: inside the window, and no list made yet.
 */
remind: boolean, schedule: RenewalSchedule, };

export type RenewalLine = { person_id: number, atena_no: string, name: string, kana: string, birth_date: string, age_on_renewal: number, scheme_label: string, card_number: string, group: RenewalGroup, group_label: string, route_label: string, rule_id: string | null, certificate_id: number | null, application_id: number | null, 
/**
 * The certificate's last day, for those on the list by a certificate.
 */
valid_until: string | null, };

export type RenewalList = { season: RenewalSeason, groups: Array<GroupCount>, lines: Paged<RenewalLine>, };

export type GroupCount = { group: RenewalGroup, label: string, count: number, };

export type ExportProfile = { name: string, kind: ExportKind, columns: Array<string>, encoding: Encoding, };

export type ExportKind = "persons" | "touchpoints" | "referrals" | "applications" | "certificates" | "renewal" | "expiring";

export type ExportColumns = { kind: ExportKind, columns: Array<string>, };

export type CampaignOutcome = "awaited" | "applied" | "declined" | "not_needed" | "left";

export type CampaignResident = { person_id: number, name: string, birth_date: string, sent_on: string, returned_on: string | null, outcome: CampaignOutcome, outcome_label: string, application_id: number | null, 
/**
 * The application's state (受付 … 交付済), once the form was received as one.
 */
application_status_label: string | null, note: string, 
/**
 * 支援措置: such a resident is listed only for the desks that see protected whereabouts.
 */
protected: boolean, };

export type FacilityCampaign = { id: number, facility_id: number, facility_name: string, started_on: string, deadline: string, note: string, residents: Array<CampaignResident>, 
/**
 * Residents whose form has not come back.
 */
awaited: number, 
/**
 * The deadline has passed with forms still out.
 */
overdue: boolean, };

export type CampaignInput = { facility_id: number, deadline: string, note: string, confirmed_digits: boolean, };

export type ReturnInput = { person_id: number, outcome: string, returned_on: string, note: string, };

export type MailingOutcome = "awaited" | "applied" | "declined" | "returned_mail" | "no_answer";

export type MailingAddress = "registered" | "safe";

export type MailingRecipient = { person_id: number, name: string, kana: string, birth_date: string, address_kind: MailingAddress, address_label: string, outcome: MailingOutcome, outcome_label: string, 
/**
 * The day the outcome was recorded (or the application received).
 */
outcome_on: string | null, 
/**
 * The application that answered the letter, received on or after it was sent.
 */
application_id: number | null, reminded_on: string | null, note: string, 
/**
 * The person has since moved out or their record ended: no letter goes to them now.
 */
left: boolean, };

export type MailingCounts = { sent: number, awaited: number, applied: number, declined: number, returned_mail: number, no_answer: number, 
/**
 * Awaited or unanswered letters whose person was sent a reminder.
 */
reminded: number, };

export type MailingCampaign = { id: number, title: string, started_on: string, deadline: string, 
/**
 * Whom it chose, in words (配慮理由、交付経路、年齢、…).
 */
criteria: string, note: string, recipients: Array<MailingRecipient>, counts: MailingCounts, 
/**
 * The deadline has passed with letters unanswered and not yet reminded: time for the
 * reminders.
 */
overdue: boolean, };

export type MailingSummary = { id: number, title: string, started_on: string, deadline: string, counts: MailingCounts, };

export type MailingSelection = { 
/**
 * Any of these reasons (empty: any reason for care).
 */
reasons: Array<string>, 
/**
 * Any of these routes (empty: any).
 */
routes: Array<string>, 
/**
 * Ages on the day, inclusive (empty: no bound).
 */
min_age: string, max_age: string, 
/**
 * The desk of the person's last touchpoint (empty: any, or none).
 */
desk: string, 
/**
 * Only those with no application in progress or decided.
 */
without_application: boolean, 
/**
 * At most this many letters (empty: all, up to [`MAX_LETTERS`]); the welfare desks'
 * people come first.
 */
limit: string, };

export type MailingInput = { title: string, 
/**
 * By when answers are asked for (any date form; tomorrow to 180 days).
 */
deadline: string, note: string, selection: MailingSelection, confirmed_digits: boolean, };

export type MailingPreview = { letters: number, 
/**
 * Of them, people a welfare desk saw last (sent first).
 */
from_welfare_desks: number, 
/**
 * Protected persons (支援措置) left out: no safe address, or a reader who may not see it.
 */
protected_left_out: number, 
/**
 * People left out for want of an address.
 */
without_address: number, 
/**
 * People beyond the limit.
 */
beyond_limit: number, 
/**
 * The first names, in the order the letters go.
 */
names: Array<string>, 
/**
 * The selection in words.
 */
criteria: string, };

export type MailingOutcomeInput = { person_id: number, 
/**
 * declined or returned_mail (an application answers by itself).
 */
outcome: string, on: string, note: string, };

export type OutreachEvent = { id: number, held_on: string, place: string, 
/**
 * The マイナンバー desk took card applications there (the notice's 出張申請).
 */
with_mynumber_desk: boolean, note: string, recorded_by: string, applications: Array<OutreachApplication>, };

export type OutreachApplication = { application_id: number, person_id: number, person_name: string, status_label: string, };

export type OutreachInput = { held_on: string, place: string, with_mynumber_desk: boolean, note: string, confirmed_digits: boolean, };

export type PaperApplication = { atena_no: string, 
/**
 * self (empty) or householder.
 */
applicant: string, };

export type FeedEvent = "gained" | "lost" | "moved_out" | "died" | "registration" | "certificate_expiry" | "care_level" | "disability_card" | "admitted";

export type FeedProfile = { name: string, atena_no: string, event: string, date: string, value: string, };

export type FeedLine = { line: number, atena_no: string, person_name: string, event_label: string, on: string, effect: string, };

export type FeedProblem = { line: number, message: string, };

export type FeedReport = { encoding: Encoding, rows: number, applied: Array<FeedLine>, 
/**
 * Rows refused; when there are any, nothing is stored.
 */
problems: Array<FeedProblem>, dry_run: boolean, committed: boolean, };

export type IssueFeedProfile = { name: string, headers: { [key in string]: string }, };

export type AgeReissue = { person_id: number, person_name: string, certificate_id: number, valid_until: string, 
/**
 * The first day as a 高齢受給者.
 */
elderly_from: string, };

export type CertificateSource = "hairyo" | "core" | "both";

export type CopayRate = "one" | "two" | "three";

export type LimitClass = "a" | "i" | "u" | "e" | "o" | "active3" | "active2" | "active1" | "general2" | "general" | "low2" | "low1";

export type SpecifiedDisease = "dialysis" | "hemophilia" | "hiv";

export type CardDetails = { symbol: string, number: string, branch: string, copay_rate: CopayRate | null, limit_class: LimitClass | null, specified_disease: SpecifiedDisease | null, 
/**
 * 特別療養費 (the holder pays in full and claims back, after arrears).
 */
special_care: boolean, };

export type FedDelivery = "holder" | "householder" | "registered";

export type FedCertificate = { scheme: AppScheme, issued_on: string, valid_until: string, card: CardDetails, delivery: FedDelivery, };

export type ConflictResolution = "took_fed" | "kept_recorded";

export type CertificateConflict = { id: number, person_id: number, person_name: string, certificate_id: number, recorded_issued_on: string, recorded_valid_until: string, fed: FedCertificate, reason: string, found_at: string, resolution: ConflictResolution | null, resolved_by: string, };

export type CoverageNotice = { scheme: AppScheme, scheme_label: string, sent_on: string, };

export type Relationship = "head" | "spouse" | "child" | "parent" | "grandchild" | "grandparent" | "sibling" | "child_in_law" | "parent_in_law" | "other_relative" | "cohabitant";

export type HouseholdMember = { person_id: number, name: string, relationship: Relationship | null, relationship_label: string, birth_date: string, 
/**
 * Under 支援措置: left out of a household shown to a desk that may not see where they live.
 */
protected: boolean, };

export type RegistrationReason = "facility" | "hospital" | "guardian" | "relative" | "other";

export type DeliveryRegistration = { id: number, person_id: number, postal_code: string, address: string, 
/**
 * Whom the envelope names there (the guardian, the facility's office …), or empty.
 */
addressee: string, reason: RegistrationReason, reason_label: string, from_on: string, until_on: string | null, 
/**
 * Who asked for it (the person, the guardian …).
 */
requested_by: string, 
/**
 * The document seen when it was registered (登記事項証明書, 入所証明 …).
 */
document_seen: string, note: string, registered_by: string, created_at: string, 
/**
 * When it was ended before its period ran out.
 */
ended_at: string | null, 
/**
 * The person is under 支援措置: the address is withheld from desks that may not see it.
 */
protected: boolean, };

export type RegistrationInput = { person_id: number, postal_code: string, address: string, addressee: string, reason: string, from_on: string, until_on: string, requested_by: string, document_seen: string, note: string, 
/**
 * The clerk has confirmed that a twelve-digit number in the note is not a 個人番号.
 */
confirmed_digits: boolean, };

export type BreakGlassUse = { at: string, login: string, };

export type Grant = { desk: Desk, role: Role, };

export type CertificateBasis = "ex_officio" | "application" | "provisional";

export type ValidityBasis = "setting" | "age75" | "entered" | "unrecorded";

export type Issuer = "city" | "union";

export type RouteKind = "ex_officio" | "on_application" | "kouki_provisional" | "other_insurer" | "not_needed" | "check_registration" | "check_scheme" | "not_applicable";

export type AgeReckoning = "statute" | "birthday";

export type MatchKind = "exact" | "prefix" | "substring" | "atena_number" | "birth_date";

export type Encoding = "auto" | "cp932" | "utf-8";

export type Column = "atena" | "name" | "kana" | "birth" | "sex" | "postal" | "address" | "phone" | "scheme" | "insurer" | "symbol" | "number" | "branch" | "householder" | "household" | "relationship" | "alias" | "residence_until";

export type StatementMode = "auto" | "keep" | "omit" | "replace";

export type ReferralActionKind = "accept" | "return" | "complete" | "resend" | "comment" | "withdraw";

export type SharingBasis = "consent" | "representative_consent" | "internal_use";

export type ApplicationStepKind = "check_document" | "start_review" | "decide" | "issue" | "reject" | "withdraw" | "forward" | "record_union_result" | "hand_over";

export type FieldError = { field: string, message: string, };

export type Actor = { staff_id: number, login: string, name: string, 
/**
 * The desk they act at: what they record is recorded there, and the desk's own queues are
 * theirs.
 */
desk: Desk, role: Role, 
/**
 * Other desks' rights they hold as well (a directory account in several desks' groups):
 * each permits what the access matrix allows that desk and role.
 */
grants: Array<Grant>, 
/**
 * The municipality whose staff they are: every operation acts for it alone.
 */
municipality: number, };

export type Staff = { id: number, login: string, name: string, desk: Desk, desk_label: string, role: Role, role_label: string, active: boolean, };

export type NewStaff = { login: string, name: string, desk: Desk, role: Role, };

export type StaffInput = { login: string, name: string, desk: string, role: string, password: string, };

export type CitySettings = { 
/**
 * 市区町村名, e.g. 見本市.
 */
city_name: string, 
/**
 * 宛先 printed on application forms, e.g. 見本市長.
 */
addressee: string, 
/**
 * The 後期高齢者医療広域連合 the city's counter serves, e.g. 見本県後期高齢者医療広域連合.
 */
kouki_union: string, 
/**
 * The 広域連合's 保険者番号 (eight digits from 39), printed on 後期 forms; empty until set.
 */
kouki_insurer_number: string, 
/**
 * The 広域連合 prescribes its own 申請書: the city prints the cover letter and the 委任状,
 * never a 後期 申請書 of its own.
 */
kouki_union_form: boolean, 
/**
 * The 広域連合 lets the city issue 後期 certificates at its counter: a 後期 application
 * received while this holds follows the city's own steps (審査, 交付決定, 交付) as 国保's
 * do, instead of 進達 and the union's decision.
 */
kouki_counter_issue: boolean, 
/**
 * The 文書番号 printed on the letters the city sends facilities (e.g. 見保年第1201号);
 * may be empty.
 */
document_number: string, 
/**
 * 国保 certificates mailed home are addressed to the 世帯主 (世帯主宛), as the 国保 notices
 * of the household are.
 */
mail_to_householder: boolean, 
/**
 * Mail to a standing 送付先 goes 簡易書留.
 */
registered_mail: boolean, 
/**
 * Mail to a standing 送付先 is marked 転送不要, so it comes back rather than follow a move.
 */
no_forwarding: boolean, };

export type DeskContact = { desk: Desk, name: string, phone: string, hours: string, place: string, };

export type ReasonSpanInput = { reason: string, 
/**
 * continuing (継続的: the certificate continues at renewal without a new application,
 * where the rules say so) or temporary (一時的).
 */
span: string, };

export type DemoSummary = { persons: number, facilities: number, touchpoints: number, referrals: number, applications: number, certificates: number, };

export type Paged<T> = { items: Array<T>, total: number, offset: number, limit: number, };

export type PersonSummary = { id: number, atena_no: string, name: string, kana: string, birth_date: string, birth_date_wareki: string, age: number, sex: Sex, scheme: Scheme, scheme_label: string, facility_id: number | null, facility_name: string | null, mynumber_card: CardKind, registration: Registration, protected: boolean, };

export type Person = { id: number, atena_no: string, name: string, kana: string, birth_date: string, sex: Sex, postal_code: string, address: string, phone: string, householder: string, scheme: Scheme, insurer_no: string, 
/**
 * 住所地特例: the insurer of another municipality (国保) or another prefecture's 広域連合
 * (後期) that insures this resident although they live here; empty for the city's own.
 */
other_insurer: string, card_symbol: string, card_number: string, card_branch: string, old_card_expiry: string | null, mynumber_card: CardKind, registration: Registration, wishes_cancel: boolean, reasons: Array<Reason>, facility_id: number | null, legal_rep_kind: LegalRepKind, legal_rep_name: string, 
/**
 * 支援措置 (DV・ストーカー等): the address is never shown or printed beyond the safe 送付先.
 */
protected: boolean, safe_postal_code: string, safe_address: string, notes: string, 
/**
 * 世帯番号 of the 住民票; the household is the persons who share it.
 */
household_no: string, 
/**
 * 続柄 to the 世帯主, when known.
 */
relationship: Relationship | null, 
/**
 * 通称 (a foreign resident's registered alias), printed beside the legal name.
 */
alias: string, 
/**
 * 在留期限: a foreign resident's certificate runs no longer than their stay.
 */
residence_until: string | null, 
/**
 * Forms for this person are printed in 西暦, as they asked.
 */
western_calendar: boolean, };

export type PersonInput = { atena_no: string, name: string, kana: string, birth_date: string, sex: string, postal_code: string, address: string, phone: string, householder: string, scheme: string, insurer_no: string, 
/**
 * 住所地特例: the other municipality's 国保 or other prefecture's 広域連合 insuring the
 * person; empty for the city's own.
 */
other_insurer: string, card_symbol: string, card_number: string, card_branch: string, old_card_expiry: string, mynumber_card: string, registration: string, wishes_cancel: boolean, reasons: Array<string>, facility_id: number | null, legal_rep_kind: string, legal_rep_name: string, protected: boolean, safe_postal_code: string, safe_address: string, notes: string, 
/**
 * The clerk has confirmed that a twelve-digit number in the notes is not a 個人番号.
 */
confirmed_digits: boolean, 
/**
 * 世帯番号 and 続柄 of the 住民票.
 */
household_no: string, relationship: string, 
/**
 * 通称 (a foreign resident's alias).
 */
alias: string, 
/**
 * 在留期限 (a foreign resident's period of stay).
 */
residence_until: string, 
/**
 * Forms are printed in 西暦.
 */
western_calendar: boolean, };

export type PersonPatch = { atena_no?: string, name?: string, kana?: string, birth_date?: string, sex?: string, postal_code?: string, address?: string, phone?: string, householder?: string, scheme?: string, insurer_no?: string, other_insurer?: string, card_symbol?: string, card_number?: string, card_branch?: string, old_card_expiry?: string, mynumber_card?: string, registration?: string, wishes_cancel?: boolean, reasons?: Array<string>, 
/**
 * `null` clears the facility; left out keeps it.
 */
facility_id: number | null, legal_rep_kind?: string, legal_rep_name?: string, protected?: boolean, safe_postal_code?: string, safe_address?: string, notes?: string, 
/**
 * The clerk has confirmed that a twelve-digit number in the new notes is not a 個人番号.
 */
confirmed_digits?: boolean, household_no?: string, relationship?: string, alias?: string, residence_until?: string, western_calendar?: boolean, };

export type Facility = { id: number, name: string, kind: FacilityKind, kind_label: string, postal_code: string, address: string, phone: string, contact_name: string, campaign: Campaign, campaign_label: string, residents: number, };

export type Condition = { 
/**
 * Holds a マイナ保険証 (a card registered for insurance use).
 */
holds_card?: boolean, 
/**
 * Has at least one consideration reason (要配慮者).
 */
considered?: boolean, 
/**
 * Is a child: under 18, or the 児童 reason recorded.
 */
child?: boolean, 
/**
 * Has the individual situation recorded (個別の状況, notice 1(2)): a consideration reason
 * (the 児童 reason included) or a facility placement. Being a child is not enough.
 */
circumstances_recorded?: boolean, 
/**
 * Holds a card whose insurance registration is not known (R14).
 */
registration_unknown?: boolean, 
/**
 * Has at least one reason that lasts (継続的, [`crate::model::person::ReasonSpan`]).
 */
continuing_reason?: boolean, 
/**
 * Has an application for this scheme that was not refused or withdrawn.
 */
applied?: boolean, 
/**
 * Age on the date itself.
 */
min_age?: number, max_age?: number, 
/**
 * Age on the most recent 8/1 renewal day on or before the date.
 */
min_age_on_renewal?: number, max_age_on_renewal?: number, 
/**
 * How the ages above are counted; every rule with an age names it.
 */
age_by?: AgeReckoning, };

export type Rule = { id: string, priority: number, scheme: Scheme, effective_from: string, effective_until: string | null, condition: Condition, route: RouteKind, r_numbers: Array<string>, explanation: string, 
/**
 * Shipped from a report rather than the notice itself: to be confirmed (要確認).
 */
to_confirm: boolean, source: string, };

export type RuleInput = { id: string, priority: number, scheme: string, effective_from: string, effective_until: string, condition: Condition, route: string, r_numbers: Array<string>, explanation: string, to_confirm: boolean, source: string, };

export type Route = { kind: RouteKind, label: string, r_numbers: Array<string>, explanation: string, rule_id: string | null, to_confirm: boolean, on: string, };

export type LeafletGiven = { leaflet: Leaflet, edition: string, };

export type Touchpoint = { id: number, person_id: number, 
/**
 * The desk's label (介護保険 …); `desk_code` is its code.
 */
desk: string, desk_code: Desk, staff_login: string, date: string, kind: TouchpointKind, kind_label: string, leaflets: Array<LeafletGiven>, wish: Wish, wish_label: string, notes: string, };

export type TouchpointInput = { person_id: number, date: string, kind: string, leaflets: Array<string>, wish: string, notes: string, 
/**
 * The clerk confirmed that a twelve-digit number in the notes is not a 個人番号.
 */
confirmed_digits: boolean, };

export type Recorded = { touchpoint: Touchpoint, 
/**
 * R10: this is an occasion for 別添1 and the person has never been given it.
 */
prompt_bessou1: boolean, prompt_message: string | null, 
/**
 * R12: the person wishes to cancel the card's insurance registration.
 */
r12_guidance: string | null, };

export type Comment = { at: string, login: string, name: string, body: string, };

export type Referral = { id: number, person_id: number, person_name: string, from_desk: Desk, from_desk_label: string, to_desk: Desk, to_desk_label: string, reason: string, proposed_applicant: string, 
/**
 * The consent or legal basis the sending desk recorded; `None` on referrals sent before
 * it was recorded.
 */
sharing_basis: SharingBasis | null, sharing_basis_label: string, 
/**
 * How and when consent was confirmed, as the sender wrote it (may be empty).
 */
sharing_note: string, status: ReferralStatus, status_label: string, 
/**
 * The login of the sender.
 */
sent_by: string, 
/**
 * The sender's name, as printed on the 連携票.
 */
sent_by_name: string, sent_on: string, handled_by: string | null, handled_on: string | null, return_reason: string, completed_on: string | null, 
/**
 * 取下げ: when the sending desk withdrew it, and why.
 */
withdrawn_on: string | null, withdraw_reason: string, comments: Array<Comment>, 
/**
 * In a desk's queue: how many days it has waited since it was (last) sent; `None` in
 * other reads.
 */
waited_days: number | null, 
/**
 * What the staff member who asked may do to it now (`referral::next_actions`); empty in
 * the core's own reads.
 */
next: Array<ReferralActionKind>, };

export type ReferralInput = { person_id: number, 
/**
 * kokuho or kouki; empty picks the desk of the person's scheme.
 */
to_desk: string, reason: string, proposed_applicant: string, 
/**
 * The code of the consent or legal basis the desk shares on (`SharingBasis`); required.
 */
sharing_basis: string, 
/**
 * How and when consent was confirmed (e.g. 「11月25日 窓口で本人に口頭で確認」).
 */
sharing_note: string, 
/**
 * The clerk confirmed that a twelve-digit number in the reason is not a 個人番号.
 */
confirmed_digits: boolean, };

export type ChecklistItem = { document: Document, label: string, checked: boolean, };

export type Application = { id: number, person_id: number, person_name: string, referral_id: number | null, scheme: AppScheme, scheme_label: string, received_on: string, channel: Channel, channel_label: string, applicant: Applicant, applicant_label: string, authority: ProxyAuthority | null, authority_label: string | null, 
/**
 * Who signed the 委任状, when the proxy needs one from the person or the 世帯主.
 */
delegator: Delegator | null, delegator_label: string | null, proxy_name: string, proxy_kana: string, proxy_address: string, proxy_phone: string, proxy_relationship: string, reasons: Array<Reason>, 
/**
 * How the person's own part was signed, and who wrote it when it was 代筆.
 */
signing: Signing, signing_label: string, writer_name: string, 
/**
 * 任意記載事項 the person asked to have on the certificate (併記).
 */
optional_entries: Array<OptionalEntry>, delivery: Delivery, delivery_label: string, 
/**
 * Why the certificate goes to a proxy's address other than the registered one.
 */
delivery_reason: string, 
/**
 * A 後期 application the city itself reviews, decides and issues at its counter (the
 * 広域連合 allowed it when it was received); false for every 国保 one, whose steps are the
 * city's anyway.
 */
city_issues: boolean, status: AppStatus, status_label: string, override_reason: string, decision_note: string, 
/**
 * The login of the clerk who received it.
 */
received_by: string, 
/**
 * The clerk's name, as printed on the form (a login is not for residents' eyes).
 */
received_by_name: string, decided_by: string | null, decided_on: string | null, 
/**
 * 後期: the day the city forwarded it to the 広域連合 (進達), and the clerk's login.
 */
forwarded_on: string | null, forwarded_by: string | null, 
/**
 * 後期: the day of the 広域連合's decision, as its result says.
 */
union_decided_on: string | null, 
/**
 * 後期: when and how the city passed on what the 広域連合 issued.
 */
handed_over_on: string | null, handover_method: HandOverMethod | null, handover_method_label: string | null, 
/**
 * At the counter: the identity document the person taking it showed.
 */
handover_identity: IdentityShown | null, handover_identity_label: string | null, checklist: Array<ChecklistItem>, 
/**
 * What the staff member who asked may do to it now (`application::next_steps`); empty in
 * the core's own reads.
 */
next: Array<ApplicationStepKind>, 
/**
 * The person is under 支援措置: a proxy of the same household shares their address, so the
 * proxy's address is withheld with theirs (`disclosure::application`).
 */
protected: boolean, };

export type ApplicationInput = { person_id: number, 
/**
 * kokuho or kouki; empty takes the person's scheme.
 */
scheme: string, received_on: string, channel: string, applicant: string, authority: string, 
/**
 * Who signs the 委任状 (self or householder) when the proxy needs one from the person or
 * the 世帯主; empty means the person.
 */
delegator: string, proxy_name: string, proxy_kana: string, proxy_address: string, proxy_phone: string, proxy_relationship: string, reasons: Array<string>, 
/**
 * signed (empty), ghostwritten (代筆) or no_delegation.
 */
signing: string, 
/**
 * Who wrote for the person (代筆者); required with `ghostwritten`.
 */
writer_name: string, 
/**
 * 任意記載事項 to print beside the rest (limit_category, specific_disease).
 */
optional_entries: Array<string>, delivery: string, 
/**
 * Why the certificate goes to the proxy's address; required for a proxy from another
 * household who is not a legal representative (the registered address is the rule).
 */
delivery_reason: string, referral_id: number | null, 
/**
 * The clerk saw on the 住民票 that a proxy claiming 同一世帯 lives in the person's household,
 * though Hairyo does not hold them as a member (a family member who is no 要配慮者).
 */
household_confirmed: boolean, };

export type Received = { application: Application, notices: Array<string>, };

export type Certificate = { id: number, person_id: number, person_name: string, application_id: number | null, scheme: AppScheme, scheme_label: string, basis: CertificateBasis, basis_label: string, issuer: Issuer, issuer_label: string, issued_on: string, valid_until: string, valid_until_basis: ValidityBasis, valid_until_basis_label: string, 
/**
 * It ends on the holder's 在留期限, before the day its basis gives.
 */
residence_capped: boolean, delivery_address: string, 
/**
 * The person is under 支援措置: the delivery address is shown only to the desks that may
 * see it.
 */
protected: boolean, status: CertificateStatus, status_label: string, 
/**
 * The certificate this one was issued in place of (再交付).
 */
replaces_id: number | null, 
/**
 * The day it stopped counting (再交付 or 無効).
 */
ended_on: string | null, 
/**
 * The mailed certificate came back (宛所不明) and has not reached the holder since.
 */
undelivered: boolean, 
/**
 * Its return has been asked for and has not arrived yet.
 */
return_due: boolean, 
/**
 * 任意記載事項 printed on it (併記), as the application asked.
 */
optional_entries: Array<OptionalEntry>, 
/**
 * Where the ledger learnt of it.
 */
source: CertificateSource, source_label: string, 
/**
 * What the card shows (負担割合, 限度区分 …); withheld from a desk that does not answer
 * for insurance (see `disclosure::certificate`).
 */
card: CardDetails, 
/**
 * The card details are withheld from this reader.
 */
card_withheld: boolean, 
/**
 * What the card shows as the record reads it (記号・番号, 負担割合 …), of what this
 * reader may see; made where the certificate is disclosed.
 */
card_lines: Array<string>, 
/**
 * Its history after issue, oldest first (empty in lists).
 */
events: Array<CertificateEvent>, 
/**
 * What the staff member reading it may do next (empty in lists).
 */
next: Array<CertificateStepKind>, };

export type CertificateValidity = { scheme: AppScheme, years: number, end_month: number, end_day: number, };

export type CertificateEvent = { id: number, kind: CertificateEventKind, kind_label: string, on: string, 
/**
 * The cause's label (紛失, 転出 …), or empty.
 */
cause_label: string, note: string, by: string, };

export type CertificateEventKind = "reissued" | "invalidated" | "returned" | "mail_returned" | "delivery_changed" | "handed_over";

export type CertificateStatus = "valid" | "replaced" | "invalidated";

export type CertificateStep = { "step": "reissue", cause: ReissueCause, on: string, note: string, confirmed_digits: boolean, } | { "step": "invalidate", cause: EndCause, on: string, note: string, confirmed_digits: boolean, } | { "step": "record_return", on: string, } | { "step": "mail_returned", on: string, note: string, confirmed_digits: boolean, } | { "step": "change_delivery", postal_code: string, address: string, reason: string, on: string, confirmed_digits: boolean, } | { "step": "hand_over", on: string, };

export type CertificateStepKind = "reissue" | "invalidate" | "record_return" | "mail_returned" | "change_delivery" | "hand_over";

export type ReissueCause = "lost" | "damaged" | "stolen" | "age70";

export type EndCause = "lost_eligibility" | "moved_out" | "died";

export type ValidityInput = { scheme: string, years: string, end_month: string, end_day: string, };

export type PersonRecord = { person: Person, birth_date_wareki: string, age: number, facility: Facility | null, route: Route, had_bessou1: boolean, touchpoints: Array<Touchpoint>, referrals: Array<Referral>, applications: Array<Application>, certificates: Array<Certificate>, 
/**
 * The 資格情報のお知らせ the core systems sent instead of a certificate, newest first.
 */
notices: Array<CoverageNotice>, 
/**
 * The other members of the household (世帯番号), the 世帯主 first; `None` when withheld
 * from this reader (a protected person's household tells where they live).
 */
household: Array<HouseholdMember> | null, 
/**
 * The 世帯主 as a person, when the household records one (it may be this person).
 */
householder: HouseholdMember | null, 
/**
 * Standing 送付先変更 registrations, the latest first.
 */
delivery_registrations: Array<DeliveryRegistration>, 
/**
 * The registration standing today, by id.
 */
standing_registration_id: number | null, 
/**
 * The address was withheld from this staff member (支援措置).
 */
address_masked: boolean, 
/**
 * The person moved to another municipality (転出), when recorded.
 */
moved_out: MoveOut | null, 
/**
 * What the record shows above everything else because it needs checking (a 国保 member
 * aged 75 or over belongs to 後期).
 */
warnings: Array<string>, 
/**
 * What this staff member may do next on the record, as the core decides it: the record's
 * screen renders it and keeps no rule of its own.
 */
next: RecordNext, };

export type RecordNext = { 
/**
 * 接点を記録, 連携依頼を送る, 申請を受け付ける: the ones this staff member may take, with
 * their labels, in that order.
 */
steps: Array<Choice>, 
/**
 * The desks a referral may be sent to (the insurer desks); empty when none may be sent.
 * With none chosen, the core sends it by the person's insurance.
 */
referral_desks: Array<Choice>, 
/**
 * The open referral (送付済み or 受理) an application received here answers: the form
 * starts from its 申請者の案, and the application is linked to it.
 */
linked_referral_id: number | null, 
/**
 * The 申請理由 an application received here starts with: the person's recorded reasons,
 * and those the linked referral's text names (「認知症のため…」 names 認知症).
 */
application_reasons: Array<Reason>, 
/**
 * The referrals still open (neither 完了 nor 取下げ) with a step for this staff member.
 */
open_referral_ids: Array<number>, 
/**
 * The applications with a step for this staff member.
 */
open_application_ids: Array<number>, 
/**
 * Whether this staff member may decide with documents missing (with a reason).
 */
may_override_checklist: boolean, 
/**
 * Whether this staff member may register and end the person's standing 送付先変更.
 */
may_register_delivery: boolean, };

export type Query = { "kind": "name", "value": string } | { "kind": "atena_number", "value": string } | { "kind": "birth_date", "value": string };

export type Hit = { person: PersonSummary, matched: MatchKind, };

export type Results = { query: Query, description: string, hits: Paged<Hit>, 
/**
 * True when `hits.total` stopped counting at [`COUNT_CAP`] ("200件以上").
 */
total_capped: boolean, };

export type Counts = { persons: number, 
/**
 * Referrals sent to this desk and not yet answered (insurer desks).
 */
referrals_to_review: number, 
/**
 * Referrals this desk sent that are still open (welfare desks).
 */
referrals_open: number, 
/**
 * Referrals returned to this desk, waiting for it to act.
 */
referrals_returned: number, applications_waiting_documents: number, applications_in_progress: number, certificates_expiring_30_days: number, follow_ups_due: number, };

export type FunnelRow = { 
/**
 * YYYY-MM.
 */
month: string, desk: Desk, desk_label: string, touchpoints: number, referrals: number, applications: number, certificates: number, };

export type Home = { counts: Counts, 
/**
 * The referrals this desk should act on next, oldest first.
 */
referral_queue: Array<Referral>, 
/**
 * Applications waiting for documents, oldest first (insurer desks).
 */
waiting_applications: Array<Application>, funnel: Array<FunnelRow>, forecast: Array<WeekForecast>, 
/**
 * The insurer desks' mailings to residents at home whose deadline is at most 60 days
 * past, newest first, with their figures.
 */
mailings: Array<MailingSummary>, };

export type WeekForecast = { 
/**
 * Monday of the week.
 */
week_start: string, certificate_expiries: number, old_card_expiries: number, open_referrals: number, facility_campaigns: number, 
/**
 * Letters to residents at home still awaiting an answer, spread over the weeks to their
 * mailing's deadline.
 */
home_mailings: number, expected: number, };

export type RowProblem = { line: number, 
/**
 * The field's code (`birth_date`) …
 */
field: string, 
/**
 * … and its Japanese column name (生年月日), for the screen and the CLI.
 */
label: string, message: string, };

export type Profile = { name: string, 
/**
 * Our column → the header in the file.
 */
columns: { [key in Column]?: string }, };

export type Report = { encoding: Encoding, rows: number, inserted: number, updated: number, unchanged: number, 
/**
 * Rows refused; when there are any, nothing is stored.
 */
problems: Array<RowProblem>, 
/**
 * 外字 (private-use characters): stored, but flagged because they cannot be printed.
 */
gaiji: Array<RowProblem>, 
/**
 * Rows stored as they are but to be checked (a 国保 member aged 75 or over belongs to
 * 後期), by line.
 */
warnings: Array<RowProblem>, dry_run: boolean, committed: boolean, };

export type UnionImportReport = { encoding: Encoding, rows: number, 
/**
 * Applications moved to 広域連合で交付決定 (with the certificate the union issued).
 */
issued: number, rejected: number, 
/**
 * Applications set aside for the renewal (R9).
 */
at_renewal: number, 
/**
 * Lines refused; when there are any, nothing is stored.
 */
problems: Array<RowProblem>, dry_run: boolean, committed: boolean, };

export type StatementCheck = { leaflet: Leaflet, id: string, text: string, valid_from: string | null, valid_until: string | null, 
/**
 * The print date is after `valid_until`.
 */
overtaken: boolean, 
/**
 * The print date is outside the period (before `valid_from` or after `valid_until`).
 */
out_of_period: boolean, mode: StatementMode, 
/**
 * The replacement in use: the administrator's if edited, else the shipped one; empty for none.
 */
replacement: string, 
/**
 * The replacement shipped with Hairyo, to go back to.
 */
shipped_replacement: string, 
/**
 * The administrator edited the replacement.
 */
replacement_edited: boolean, 
/**
 * What prints on the date.
 */
printing: Printing, 
/**
 * What the counter is told before printing, in Japanese; empty when all is well.
 */
message: string, };

export type Posting = { id: number, desk: Desk, desk_label: string, place: string, edition: string, posted_on: string, 
/**
 * The day it was taken down; `None` while it is up.
 */
removed_on: string | null, note: string, recorded_by: string, };

export type PostingInput = { desk: string, place: string, edition: string, posted_on: string, note: string, };

export type Postings = { items: Array<Posting>, desks_without: Array<DeskWithout>, 
/**
 * The poster's editions, oldest first, and the one in force today, for the form.
 */
editions: Array<string>, current_edition: string, };

export type DeskWithout = { desk: Desk, desk_label: string, };

export type MoveOut = { moved_on: string, moved_to: string, note: string, recorded_by: string, };

export type MoveOutInput = { 
/**
 * The day of the move (転出日); empty is today.
 */
moved_on: string, 
/**
 * The municipality moved to (転出先), e.g. 隣町.
 */
moved_to: string, note: string, confirmed_digits: boolean, };

export type MovedOut = { person_id: number, move_out: MoveOut, closed: Array<string>, };

export type Printing = "statement" | "replacement" | "nothing";

export type Edition = { leaflet: Leaflet, edition: string, effective_from: string, title: string, };

export type Progress = { stage: string, done: number, total: number, };

export type ErrorBody = { code: string, message: string, fields: Array<FieldError>, };

export type AppState = { initialised: boolean, 
/**
 * A new local database whose administrator has no password yet.
 */
needs_admin_password: boolean, persons: number, 
/**
 * Referrals waiting for the signed-in desk to act (crate::referral::waiting), shown on the
 * 連携依頼 tab; 0 when nobody is signed in.
 */
referrals_waiting: number, actor: Actor | null, 
/**
 * What the signed-in staff member may do (crate::access), as permission codes, so the
 * window offers only those steps. The core still checks every call.
 */
permissions: Array<string>, 
/**
 * After this long without input the window signs out.
 */
idle_lock_seconds: number, 
/**
 * Where the data lives: the database file, or the server's address.
 */
db_path: string, city: CitySettings, 
/**
 * The eras dates are shown in (和暦), oldest first, so the window formats every date as
 * the forms do without a copy of the era table of its own.
 */
eras: Array<EraStart>, 
/**
 * The version of the core answering: this binary's, or the server's behind the window.
 */
version: string, 
/**
 * The database's schema changes, newest first (its creation and each upgrade with the
 * backup taken before it); administrators only, empty for everyone else.
 */
schema_history: Array<SchemaChange>, 
/**
 * What the opening of this database upgraded, and where its backup is (said once the
 * staff member signed in; a visitor who has not learns nothing of the server's files).
 */
upgraded: string | null, };

export type EraStart = { name: string, start: string, };

export type SchemaChange = { from: number, to: number, release: string, backup: string, at: string, };

export type Choice = { code: string, label: string, };

export type Codes = { touchpoint_kinds: Array<Choice>, wishes: Array<Choice>, channels: Array<Choice>, applicants: Array<Choice>, authorities: Array<Choice>, delegators: Array<Choice>, 
/**
 * 後期: what the 広域連合 may decide, and how the city hands over what it issued.
 */
union_results: Array<Choice>, handover_methods: Array<Choice>, 
/**
 * The identity documents a counter hand-over records.
 */
handover_identities: Array<Choice>, deliveries: Array<Choice>, desks: Array<Choice>, 
/**
 * What lets a welfare desk share a person's details with the insurer desk (連携依頼).
 */
sharing_bases: Array<Choice>, 
/**
 * How the person's part was signed (自署, 代筆, 委任できない), and the 任意記載事項.
 */
signings: Array<Choice>, optional_entries: Array<Choice>, 
/**
 * The reasons for care, each with whether it lasts (継続的) or passes (一時的).
 */
reasons: Array<ReasonChoice>, };

export type PrintRequest = { "kind": "leaflet", leaflet: Leaflet, copies: number, } | { "kind": "application_form", person_id: number, application_id: number | null, } | { "kind": "delegation_letter", person_id: number, application_id: number | null, } | { "kind": "facility_batch", facility_id: number, } | { "kind": "referral_sheet", referral_id: number, } | { "kind": "forwarding_register", forwarded_on: string, } | { "kind": "hand_over_sheet", person_id: number, } | { "kind": "mailing_letters", mailing_id: number, reminder: boolean, };

export type ApplicationStep = { "step": "start_review" } | { "step": "decide", override_reason: string | null, confirmed_digits: boolean, } | { "step": "issue" } | { "step": "reject", reason: string, confirmed_digits: boolean, } | { "step": "withdraw", reason: string, confirmed_digits: boolean, } | { "step": "forward", forwarded_on: string, override_reason: string | null, confirmed_digits: boolean, } | { "step": "record_union_result", result: UnionResult, decided_on: string, valid_until: string, reason: string, confirmed_digits: boolean, } | { "step": "hand_over", method: HandOverMethod, handed_over_on: string, 
/**
 * At the counter: the identity document shown (required there; none by mail).
 */
identity: IdentityShown | null, };

export type ReferralAction = { "action": "accept", note: string, confirmed_digits: boolean, } | { "action": "return", reason: string, confirmed_digits: boolean, } | { "action": "complete", note: string, confirmed_digits: boolean, } | { "action": "resend", note: string, confirmed_digits: boolean, } | { "action": "comment", body: string, confirmed_digits: boolean, } | { "action": "withdraw", reason: string, confirmed_digits: boolean, };

export type PrintedFile = { path: string, pages: number, documents: number, warnings: Array<string>, };

export type ScreenCodes = { campaigns: Array<Choice>, roles: Array<Choice>, schemes: Array<Choice>, routes: Array<Choice>, 
/**
 * How a rule with an age counts it (年齢計算ニ関スル法律, or from the birthday itself).
 */
age_reckonings: Array<Choice>, statement_modes: Array<Choice>, export_kinds: Array<Choice>, encodings: Array<Choice>, 
/**
 * The import's columns in the default order, for the profile editor.
 */
import_columns: Array<ImportColumn>, 
/**
 * Why a certificate is issued again (再交付), and why one stops counting (無効).
 */
reissue_causes: Array<Choice>, end_causes: Array<Choice>, facility_kinds: Array<Choice>, 
/**
 * The 8/1 renewal list's groups, and each export kind's columns for a saved profile.
 */
renewal_groups: Array<Choice>, 
/**
 * What may become of a resident's form in a facility campaign.
 */
campaign_outcomes: Array<Choice>, 
/**
 * What a clerk records of a mailing's letter (an application answers it by itself).
 */
mailing_outcomes: Array<Choice>, export_columns: Array<ExportColumns>, };

export type ImportColumn = { column: Column, label: string, required: boolean, };

export type ExportedFile = { path: string, rows: number, };

export type Connection = { 
/**
 * The server in use, or `None` for this PC's database.
 */
server: string | null, 
/**
 * `env` (HAIRYO_SERVER) or `machine` (the PC's client.conf), which the setting cannot
 * override; `setting`; or `local`.
 */
source: string, 
/**
 * What the setting holds, for the next start.
 */
saved: string, };

export type Reminders = { unanswered_referrals: Array<Referral>, unanswered_referrals_total: number, returned_referrals: Array<Referral>, returned_referrals_total: number, waiting_documents: Array<Application>, waiting_documents_total: number, 
/**
 * Applications received and not yet ended (the home screen's 処理中の申請).
 */
in_progress_applications: Array<Application>, in_progress_applications_total: number, expiring_certificates: Array<Certificate>, expiring_certificates_total: number, follow_ups: Array<FollowUp>, follow_ups_total: number, 
/**
 * The spring renewal list is due (insurer desks): from the reminder window until it is
 * exported or the 広域連合's cut-off passes.
 */
renewal: RenewalSeason | null, 
/**
 * Facility campaigns past their deadline with forms still out.
 */
overdue_campaigns: Array<FacilityCampaign>, 
/**
 * Mailings to residents at home past their deadline with letters unanswered and not yet
 * reminded (insurer desks).
 */
overdue_mailings: Array<MailingCampaign>, };

export type FollowUp = { id: number, person_id: number, person_name: string, due_on: string, note: string, login: string, };

export type MadeFile = { file_name: string, content_type: string, content_base64: string, 
/**
 * A print's pages and documents, and its notes for the counter.
 */
pages: number | null, documents: number | null, warnings: Array<string>, 
/**
 * An export's rows.
 */
rows: number | null, };

export type Action = "view" | "create" | "update" | "delete" | "print" | "export" | "import" | "sign_in";

export type AccessQuery = { from: string, to: string, 
/**
 * A staff member's login; empty for everyone.
 */
login: string, 
/**
 * One protected person; none for every protected person.
 */
person_id?: number, };

export type AccessRecord = { event_id: number, at: string, login: string, desk_label: string, action: Action, action_label: string, 
/**
 * What was done, in Japanese (記録を閲覧, 検索結果に表示, 申請書を印刷, CSV 出力 …).
 */
what: string, 
/**
 * The protected person; none for an export, which holds every person.
 */
person_id: number | null, person_name: string, };

export type StaffAccesses = { login: string, desk_label: string, accesses: number, };

export type AccessReview = { from: string, to: string, 
/**
 * The persons under 支援措置 now, whom the review covers.
 */
protected_persons: number, 
/**
 * Newest first, at most [`ACCESS_REVIEW_LIMIT`].
 */
records: Array<AccessRecord>, 
/**
 * Every access in the period, also past the limit, counted per staff member (most first).
 */
by_staff: Array<StaffAccesses>, total: number, };

export type PersonEnd = "moved_out" | "died" | "lost_eligibility";

export type DisposalScope = "touchpoints" | "referrals" | "applications" | "certificates" | "person";

export type RetentionPolicy = { person_years: number, touchpoint_years: number, referral_years: number, application_years: number, certificate_years: number, 
/**
 * The audit log, kept apart: how long its entries are kept, whatever became of the person.
 */
audit_years: number, };

export type RetentionInput = { person_years: string, touchpoint_years: string, referral_years: string, application_years: string, certificate_years: string, audit_years: string, };

export type DueScope = { scope: DisposalScope, scope_label: string, rows: number, };

export type DisposalCandidate = { person_id: number, name: string, cause: PersonEnd, cause_label: string, ended_on: string, 
/**
 * What goes: each kind past its period, or the person with everything.
 */
due: Array<DueScope>, };

export type DisposalList = { today: string, policy: RetentionPolicy, candidates: Array<DisposalCandidate>, 
/**
 * Persons past their period who are under 支援措置: never disposed of while it lasts.
 */
kept_protected: number, 
/**
 * Audit entries older than the audit log's period (kept apart; see docs/security.md):
 * those logged before `audit_kept_from`, which `prune_audit` removes.
 */
audit_entries_past: number, audit_kept_from: string, };

export type Disposed = { persons: number, rows: number, list: DisposalList, };

export type AuditPruned = { 
/**
 * How many of the oldest events went (0 when none was past the period).
 */
pruned: number, 
/**
 * Events logged before this day were past the audit log's period.
 */
kept_from: string, 
/**
 * The chain check after the pruning, from the new anchor.
 */
verification: string, };

export type DisposalRecord = { id: number, disposed_at: string, login: string, 
/**
 * The id the person had; the name went with the record.
 */
person_ref: number, scope: DisposalScope, scope_label: string, cause_label: string, ended_on: string, removed: number, };

export const sexLabel: Record<Sex, string> = {
  male: "男",
  female: "女",
  unstated: "記載なし",
};

export const schemeLabel: Record<Scheme, string> = {
  kokuho: "国民健康保険",
  kouki: "後期高齢者医療",
  kumiai: "国民健康保険組合",
  employee: "被用者保険",
  welfare: "生活保護",
  unknown: "不明",
};

export const cardLabel: Record<CardKind, string> = {
  none: "カードなし",
  card: "マイナンバーカード",
  face_auth: "顔認証マイナンバーカード",
  certificate_lapsed: "電子証明書の失効",
  returned: "カード返納",
};

export const registrationLabel: Record<Registration, string> = {
  registered: "登録済み",
  not_registered: "未登録",
  unknown: "不明",
  cancelled: "利用登録の解除",
  view_blocked: "閲覧不可設定",
};

export const reasonLabel: Record<Reason, string> = {
  elderly: "高齢",
  dementia: "認知症",
  physical: "身体障害",
  intellectual: "知的障害",
  mental: "精神障害",
  child: "児童",
  facility: "施設入所",
  pin: "暗証番号管理困難",
  lost_or_damaged: "紛失・破損",
  card_return: "カード返納 (予定を含む)",
  needs_companion: "介助者の同行が必要",
  certificate_lapsed: "電子証明書の失効",
  other: "その他",
};

export const legalRepLabel: Record<LegalRepKind, string> = {
  none: "なし",
  guardian: "成年後見人",
  parent: "親権者",
  minor_guardian: "未成年後見人",
  curator: "保佐人・補助人",
  voluntary_guardian: "任意後見人",
};

export const entryLabel: Record<OptionalEntry, string> = {
  limit_category: "限度額適用区分",
  specific_disease: "特定疾病区分",
};

export const deskLabel: Record<Desk, string> = {
  kokuho: "国民健康保険",
  kouki: "後期高齢者医療",
  kaigo: "介護保険",
  shogai: "障害福祉",
  jido: "児童福祉",
  houkatsu: "地域包括支援センター",
  kikan: "基幹相談支援センター",
};

export const fedDeliveryLabel: Record<FedDelivery, string> = {
  holder: "本人",
  householder: "世帯主",
  registered: "送付先",
};

export const relationshipLabel: Record<Relationship, string> = {
  head: "世帯主",
  spouse: "配偶者 (妻・夫)",
  child: "子",
  parent: "父母",
  grandchild: "孫",
  grandparent: "祖父母",
  sibling: "兄弟姉妹",
  child_in_law: "子の配偶者",
  parent_in_law: "配偶者の父母",
  other_relative: "その他の親族",
  cohabitant: "同居人",
};

export const registrationReasonLabel: Record<RegistrationReason, string> = {
  facility: "施設入所",
  hospital: "入院",
  guardian: "成年後見人",
  relative: "親族",
  other: "その他",
};

export const conflictResolutionLabel: Record<ConflictResolution, string> = {
  took_fed: "基幹システムの内容を採用",
  kept_recorded: "Hairyo の記録を維持",
};

export const leafletLabel: Record<Leaflet, string> = {
  bessou1: "別添1",
  bessou2: "別添2",
  bessou3: "別添3",
};

export const leafletTitle: Record<Leaflet, string> = {
  bessou1: "別添1 健康保険証の有効期限と資格確認書のご案内 (リーフレット)",
  bessou2: "別添2 目視確認モードのご案内 (リーフレット)",
  bessou3: "別添3 マイナ保険証か資格確認書で受付を (ポスター)",
};
