// The one typed door to the Rust core. Every command goes through `call`, which turns the
// shell's `{code, message, fields}` errors into an `ApiError` the screens can branch on by `code`.
//
// The types below are written by hand to mirror the Rust structs (src/*.rs) for now; enum fields
// arrive as their storage codes (e.g. "kokuho"), and the structs carry `*_label` fields with the
// Japanese text wherever the core provides one.

import { invoke } from "@tauri-apps/api/core";

/** ISO date, "YYYY-MM-DD" (chrono::NaiveDate). */
export type IsoDate = string;

export type Desk = "kokuho" | "kouki" | "kaigo" | "shogai" | "jido" | "houkatsu" | "kikan";
export type Role = "caseworker" | "clerk" | "supervisor" | "admin";
export type Sex = "male" | "female" | "unstated";
export type Scheme = "kokuho" | "kouki" | "kumiai" | "employee" | "welfare" | "unknown";
export type CardKind = "none" | "card" | "face_auth";
export type Registration = "registered" | "not_registered" | "unknown";
export type Reason =
  | "elderly"
  | "dementia"
  | "physical"
  | "intellectual"
  | "mental"
  | "child"
  | "facility"
  | "pin"
  | "other";
export type LegalRepKind = "none" | "guardian" | "parent";
export type Leaflet = "bessou1" | "bessou2" | "bessou3";

/** hairyo::validate::FieldError */
export interface FieldError {
  field: string;
  message: string;
}

/** hairyo::staff::Actor */
export interface Actor {
  staff_id: number;
  login: string;
  name: string;
  desk: Desk;
  role: Role;
}

/** hairyo::settings::CitySettings */
export interface CitySettings {
  city_name: string;
  addressee: string;
  kouki_union: string;
}

/** hairyo-desktop's AppState */
export interface AppState {
  initialised: boolean;
  needs_admin_password: boolean;
  persons: number;
  actor: Actor | null;
  /** hairyo::access permission codes the signed-in staff member holds. */
  permissions: string[];
  /** The idle lock: sign out after this many seconds without input. */
  idle_lock_seconds: number;
  db_path: string;
  city: CitySettings;
}

/** hairyo::demo::DemoSummary */
export interface DemoSummary {
  persons: number;
  facilities: number;
  touchpoints: number;
  referrals: number;
  applications: number;
  certificates: number;
}

/** hairyo::Paged<T> */
export interface Paged<T> {
  items: T[];
  total: number;
  offset: number;
  limit: number;
}

/** hairyo::person::PersonSummary */
export interface PersonSummary {
  id: number;
  atena_no: string;
  name: string;
  kana: string;
  birth_date: IsoDate;
  birth_date_wareki: string;
  age: number;
  sex: Sex;
  scheme: Scheme;
  scheme_label: string;
  facility_id: number | null;
  facility_name: string | null;
  mynumber_card: CardKind;
  registration: Registration;
  protected: boolean;
}

/** hairyo::person::Person */
export interface Person {
  id: number;
  atena_no: string;
  name: string;
  kana: string;
  birth_date: IsoDate;
  sex: Sex;
  postal_code: string;
  address: string;
  phone: string;
  householder: string;
  scheme: Scheme;
  insurer_no: string;
  card_symbol: string;
  card_number: string;
  card_branch: string;
  old_card_expiry: IsoDate | null;
  mynumber_card: CardKind;
  registration: Registration;
  wishes_cancel: boolean;
  reasons: Reason[];
  facility_id: number | null;
  legal_rep_kind: LegalRepKind;
  legal_rep_name: string;
  /** 支援措置: the address must not be shown. */
  protected: boolean;
  safe_postal_code: string;
  safe_address: string;
  notes: string;
}

/** hairyo::facility::Facility */
export interface Facility {
  id: number;
  name: string;
  kind: string;
  kind_label: string;
  postal_code: string;
  address: string;
  phone: string;
  contact_name: string;
  campaign: string;
  campaign_label: string;
  residents: number;
}

/** hairyo::policy::Route */
export interface Route {
  kind: string;
  label: string;
  r_numbers: string[];
  explanation: string;
  rule_id: string | null;
  to_confirm: boolean;
  on: IsoDate;
}

/** hairyo::touchpoint::LeafletGiven */
export interface LeafletGiven {
  leaflet: Leaflet;
  edition: string;
}

/** hairyo::touchpoint::Touchpoint */
export interface Touchpoint {
  id: number;
  person_id: number;
  /** The desk's display name (its contact name from the city settings), not a code. */
  desk: string;
  staff_login: string;
  date: IsoDate;
  kind: string;
  kind_label: string;
  leaflets: LeafletGiven[];
  wish: string;
  wish_label: string;
  notes: string;
}

/** hairyo::referral::Comment */
export interface Comment {
  at: string;
  login: string;
  name: string;
  body: string;
}

/** hairyo::referral::Referral */
export interface Referral {
  id: number;
  person_id: number;
  person_name: string;
  from_desk: Desk;
  from_desk_label: string;
  to_desk: Desk;
  to_desk_label: string;
  reason: string;
  proposed_applicant: string;
  status: string;
  status_label: string;
  sent_by: string;
  sent_on: IsoDate;
  handled_by: string | null;
  handled_on: IsoDate | null;
  return_reason: string;
  completed_on: IsoDate | null;
  comments: Comment[];
}

/** hairyo::application::ChecklistItem */
export interface ChecklistItem {
  document: string;
  label: string;
  checked: boolean;
}

/** hairyo::application::Application */
export interface Application {
  id: number;
  person_id: number;
  person_name: string;
  referral_id: number | null;
  scheme: string;
  scheme_label: string;
  received_on: IsoDate;
  channel: string;
  channel_label: string;
  applicant: string;
  applicant_label: string;
  authority: string | null;
  authority_label: string | null;
  proxy_name: string;
  proxy_kana: string;
  proxy_address: string;
  proxy_phone: string;
  proxy_relationship: string;
  reasons: Reason[];
  delivery: string;
  delivery_label: string;
  status: string;
  status_label: string;
  override_reason: string;
  decision_note: string;
  received_by: string;
  decided_by: string | null;
  decided_on: IsoDate | null;
  checklist: ChecklistItem[];
}

/** hairyo::certificate::Certificate */
export interface Certificate {
  id: number;
  person_id: number;
  person_name: string;
  application_id: number | null;
  scheme: string;
  scheme_label: string;
  basis: string;
  basis_label: string;
  issued_on: IsoDate;
  valid_until: IsoDate;
  delivery_address: string;
}

/** hairyo::record::PersonRecord */
export interface PersonRecord {
  person: Person;
  birth_date_wareki: string;
  age: number;
  facility: Facility | null;
  route: Route;
  had_bessou1: boolean;
  touchpoints: Touchpoint[];
  referrals: Referral[];
  applications: Application[];
  certificates: Certificate[];
}

/** hairyo::search::Results */
export interface SearchResults {
  query: { kind: string; value: string };
  description: string;
  hits: Paged<{ person: PersonSummary; matched: string }>;
  total_capped: boolean;
}

/** hairyo::home::Counts */
export interface HomeCounts {
  persons: number;
  referrals_to_review: number;
  referrals_open: number;
  referrals_returned: number;
  applications_waiting_documents: number;
  applications_in_progress: number;
  certificates_expiring_30_days: number;
  follow_ups_due: number;
}

/** hairyo::home::FunnelRow */
export interface FunnelRow {
  month: string;
  desk: Desk;
  desk_label: string;
  touchpoints: number;
  referrals: number;
  applications: number;
  certificates: number;
}

/** hairyo::forecast::WeekForecast */
export interface WeekForecast {
  week_start: IsoDate;
  certificate_expiries: number;
  old_card_expiries: number;
  open_referrals: number;
  facility_campaigns: number;
  expected: number;
}

/** hairyo::home::Home */
export interface Home {
  counts: HomeCounts;
  referral_queue: Referral[];
  waiting_applications: Application[];
  funnel: FunnelRow[];
  forecast: WeekForecast[];
}

export interface Choice {
  code: string;
  label: string;
}

/** hairyo-desktop's Codes: every select box's choices, from the core's enums. */
export interface Codes {
  touchpoint_kinds: Choice[];
  wishes: Choice[];
  channels: Choice[];
  applicants: Choice[];
  authorities: Choice[];
  deliveries: Choice[];
  desks: Choice[];
}

export interface TouchpointInput {
  person_id: number;
  date: string;
  kind: string;
  leaflets: string[];
  wish: string;
  notes: string;
}

export interface Recorded {
  touchpoint: Touchpoint;
  prompt_bessou1: boolean;
  prompt_message: string | null;
  r12_guidance: string | null;
}

export interface ReferralInput {
  person_id: number;
  to_desk: string;
  reason: string;
  proposed_applicant: string;
}

export interface ApplicationInput {
  person_id: number;
  scheme: string;
  received_on: string;
  channel: string;
  applicant: string;
  authority: string;
  proxy_name: string;
  proxy_kana: string;
  proxy_address: string;
  proxy_phone: string;
  proxy_relationship: string;
  reasons: string[];
  delivery: string;
  referral_id: number | null;
}

export interface Received {
  application: Application;
  notices: string[];
}

export interface PrintRequest {
  kind: "leaflet" | "application_form" | "facility_batch" | "referral_sheet";
  leaflet?: string;
  copies?: number;
  person_id?: number;
  application_id?: number | null;
  facility_id?: number;
  referral_id?: number;
}

export interface PrintedFile {
  path: string;
  pages: number;
  documents: number;
  warnings: string[];
}

/** hairyo::person::PersonInput: every field as typed (dates accept 和暦). */
export interface PersonInput {
  atena_no: string;
  name: string;
  kana: string;
  birth_date: string;
  sex: string;
  postal_code: string;
  address: string;
  phone: string;
  householder: string;
  scheme: string;
  insurer_no: string;
  card_symbol: string;
  card_number: string;
  card_branch: string;
  old_card_expiry: string;
  mynumber_card: string;
  registration: string;
  wishes_cancel: boolean;
  reasons: string[];
  facility_id: number | null;
  legal_rep_kind: string;
  legal_rep_name: string;
  protected: boolean;
  safe_postal_code: string;
  safe_address: string;
  notes: string;
}

/** hairyo::import::Report */
export interface ImportReport {
  encoding: string;
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  problems: { line: number; field: string; message: string }[];
  gaiji: { line: number; field: string; message: string }[];
  dry_run: boolean;
  committed: boolean;
}

/** hairyo::settings::DeskContact: a desk's contact block as printed on leaflets. */
export interface DeskContact {
  desk: Desk;
  name: string;
  phone: string;
  hours: string;
  place: string;
}

/** An error from a command: branch on `code`, show `message` (already Japanese). */
export class ApiError extends Error {
  readonly code: string;
  readonly fields: FieldError[];

  constructor(code: string, message: string, fields: FieldError[] = []) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.fields = fields;
  }
}

function isWireError(e: unknown): e is { code: string; message: string; fields?: FieldError[] } {
  return (
    typeof e === "object" &&
    e !== null &&
    typeof (e as { code?: unknown }).code === "string" &&
    typeof (e as { message?: unknown }).message === "string"
  );
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    if (isWireError(e)) {
      throw new ApiError(e.code, e.message, e.fields ?? []);
    }
    // Anything else is a failure of the bridge itself (a missing command, bad arguments).
    const detail = typeof e === "string" ? e : e instanceof Error ? e.message : String(e);
    throw new ApiError("ipc.failed", `アプリ内部の呼び出しに失敗しました: ${detail}`);
  }
}

export const api = {
  appState: () => call<AppState>("app_state"),
  signIn: (login: string, password: string) => call<Actor>("sign_in", { login, password }),
  signOut: () => call<void>("sign_out"),
  setInitialPassword: (login: string, password: string) =>
    call<Actor>("set_initial_password", { login, password }),
  home: () => call<Home>("home"),
  searchPersons: (query: string, offset: number, limit: number) =>
    call<SearchResults>("search_persons", { query, offset, limit }),
  codes: () => call<Codes>("codes"),
  addTouchpoint: (input: TouchpointInput) => call<Recorded>("add_touchpoint", { input }),
  sendReferral: (input: ReferralInput) => call<Referral>("send_referral", { input }),
  referralAction: (id: number, action: "accept" | "return" | "complete" | "resend" | "comment", text: string) =>
    call<Referral>("referral_action", { id, action, text }),
  referralQueue: (status: string | null, offset: number, limit: number) =>
    call<Paged<Referral>>("referral_queue", { status, offset, limit }),
  receiveApplication: (input: ApplicationInput) => call<Received>("receive_application", { input }),
  checkDocument: (id: number, document: string, checked: boolean) =>
    call<Application>("check_document", { id, document, checked }),
  applicationStep: (id: number, step: "start_review" | "decide" | "issue", overrideReason: string | null) =>
    call<void>("application_step", { id, step, overrideReason }),
  print: (request: PrintRequest) => call<PrintedFile>("print", { request }),
  listFacilities: (offset: number, limit: number) => call<Paged<Facility>>("list_facilities", { offset, limit }),
  /** Opens a PDF the app wrote (tauri-plugin-opener, scoped to the print folder). */
  openPath: (path: string) => call<void>("plugin:opener|open_path", { path }),
  addPerson: (input: PersonInput) => call<Person>("add_person", { input }),
  updatePerson: (id: number, input: PersonInput) => call<Person>("update_person", { id, input }),
  setCity: (settings: CitySettings) => call<CitySettings>("set_city", { settings }),
  importPersons: (bytes: number[], dryRun: boolean) => call<ImportReport>("import_persons", { bytes, dryRun }),
  deskContacts: () => call<DeskContact[]>("desk_contacts"),
  setDeskContact: (contact: DeskContact) => call<DeskContact>("set_desk_contact", { contact }),
  loadDemo: (persons: number) => call<DemoSummary>("load_demo", { persons }),
  listPersons: (query: string | null, offset: number, limit: number) =>
    call<Paged<PersonSummary>>("list_persons", { query, offset, limit }),
  showPerson: (id: number) => call<PersonRecord>("show_person", { id }),
};

/** Japanese text for any error a screen catches. */
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof Error) return `予期しないエラーが発生しました: ${e.message}`;
  return "予期しないエラーが発生しました";
}
