//! Printing: pre-filled application forms, 委任状, facility batches, referral sheets, the 後期
//! 進達簿 and the notice's handouts, as A4 PDFs made in the core. The shell saves and opens them.

mod forms;
mod handouts;
pub mod layout;
mod registers;

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

use crate::application::{self, AppScheme, Application, ApplicationError};
use crate::audit::{self, Action};
use crate::facility::{self, BatchPlace, Facility, FacilityError};
use crate::leaflet::{self, Leaflet};
use crate::model::staff::{Actor, Desk};
use crate::person::{self, Person, PersonError, Scheme};
use crate::policy::{self, RouteKind};
use crate::referral::{self, ReferralError};
use crate::settings::{self, CitySettings, DeskContact, SettingsError};
use crate::store::Store;
use crate::text::wareki;

use forms::{CoverRow, CoverSection};
pub use forms::{FormData, APPLY_SCOPE};

/// A finished PDF with what the counter should know about it.
#[derive(Debug, Clone, Serialize)]
pub struct Printed {
    #[serde(skip)]
    pub bytes: Vec<u8>,
    pub pages: usize,
    pub documents: usize,
    /// Japanese notes for the counter (overtaken statements left out, text shrunk …).
    pub warnings: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    #[error("フォントにない文字 (外字など) があるため印刷できません: {0}。該当する項目を標準の文字に直してから印刷してください")]
    MissingGlyphs(String),
    #[error("{0}")]
    NothingToPrint(String),
    #[error("印刷部数は1から100までで指定してください (指定: {0})")]
    BadCopies(u32),
    #[error(transparent)]
    Person(#[from] PersonError),
    #[error(transparent)]
    Application(#[from] ApplicationError),
    #[error(transparent)]
    Facility(#[from] FacilityError),
    #[error(transparent)]
    Referral(#[from] ReferralError),
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error(transparent)]
    Kouki(#[from] crate::kouki::KoukiError),
    #[error(transparent)]
    Policy(#[from] policy::PolicyError),
    #[error(transparent)]
    Mailing(#[from] crate::mailing::MailingError),
    #[error(transparent)]
    Access(#[from] crate::access::AccessError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl PrintError {
    pub fn code(&self) -> &'static str {
        match self {
            PrintError::MissingGlyphs(_) => "print.missing_glyphs",
            PrintError::NothingToPrint(_) => "print.nothing_to_print",
            PrintError::BadCopies(_) => "print.bad_copies",
            PrintError::Person(e) => e.code(),
            PrintError::Application(e) => e.code(),
            PrintError::Facility(e) => e.code(),
            PrintError::Referral(e) => e.code(),
            PrintError::Settings(e) => e.code(),
            PrintError::Kouki(e) => e.code(),
            PrintError::Policy(e) => e.code(),
            PrintError::Mailing(e) => e.code(),
            PrintError::Access(e) => e.code(),
            PrintError::Store(e) => e.code(),
        }
    }
}

fn finish(sheet: layout::Sheet, documents: usize, mut warnings: Vec<String>) -> Result<Printed, PrintError> {
    if !sheet.missing.is_empty() {
        let list: Vec<String> = sheet.missing.iter().map(|(c, ctx)| format!("「{ctx}」の U+{:04X}", *c as u32)).collect();
        return Err(PrintError::MissingGlyphs(list.join("、")));
    }
    for o in &sheet.overflow {
        warnings.push(format!("「{o}」が欄に収まりきりません。印刷結果を確認してください"));
    }
    let pages = sheet.page_count();
    Ok(Printed { bytes: sheet.finish(), pages, documents, warnings })
}

/// The contact blocks printed on handouts and letters: the insurer desks where people apply.
fn insurer_contacts(conn: &crate::store::Read<'_>) -> Result<Vec<DeskContact>, PrintError> {
    Ok(vec![settings::desk_contact(conn, Desk::Kokuho)?, settings::desk_contact(conn, Desk::Kouki)?])
}

/// What one form needs, read for `actor`: what the form shows of a protected person is what the
/// printing desk may see (see [`crate::disclosure::printed_whereabouts`]).
fn form_data(conn: &crate::store::Read<'_>, actor: &Actor, person_id: i64, app: Option<Application>, today: NaiveDate) -> Result<FormData, PrintError> {
    form_data_of(conn, actor, person::load(conn, person_id)?, app, today, None)
}

/// What every form of a facility batch shares, read once for the batch. Read for each resident,
/// the facility, the city and the desk were five of the eleven queries a resident cost (the
/// person, read twice, was another): on PostgreSQL each query is a round trip to the server,
/// and each reading of the facility counted its residents again.
struct Shared<'a> {
    facility: &'a Facility,
    city: &'a CitySettings,
    contacts: &'a [DeskContact],
}

/// [`form_data`] for a person already read, with what the batch it belongs to already read.
fn form_data_of(
    conn: &crate::store::Read<'_>,
    actor: &Actor,
    p: Person,
    app: Option<Application>,
    today: NaiveDate,
    shared: Option<&Shared<'_>>,
) -> Result<FormData, PrintError> {
    let scheme = match (&app, p.scheme) {
        (Some(a), _) => a.scheme,
        (None, Scheme::Kouki) => AppScheme::Kouki,
        (None, Scheme::Kokuho) => AppScheme::Kokuho,
        (None, other) => {
            return Err(PrintError::NothingToPrint(format!(
                "この方の保険は「{}」のため、市の申請書は印刷できません。加入先の保険者の様式を案内してください",
                other.label()
            )))
        }
    };
    if p.insured_elsewhere() {
        return Err(PrintError::NothingToPrint(format!(
            "この方は住所地特例により「{}」の被保険者のため、市の申請書は印刷できません。加入先の保険者に申請するよう案内してください",
            p.other_insurer
        )));
    }
    let facility = match (p.facility_id, shared) {
        (Some(f), Some(s)) if s.facility.id == f => Some(s.facility.clone()),
        (Some(f), _) => Some(facility::load(conn, f)?),
        (None, _) => None,
    };
    let had_care_certification = conn.policy().had_care_certification(p.id)?;
    // A protected person's proxy of the same household lives at their address: printed only
    // for a desk that may see it.
    let audience = crate::disclosure::Audience::of(actor);
    let app = app.map(|a| {
        let proxy_address = crate::disclosure::printed_whereabouts(&audience, a.protected, || a.proxy_address.clone());
        Application { proxy_address, ..a }
    });
    let desk = if scheme == AppScheme::Kouki { Desk::Kouki } else { Desk::Kokuho };
    let (city, contact) = match shared.and_then(|s| Some((s.city, s.contacts.iter().find(|c| c.desk == desk)?))) {
        Some((city, contact)) => (city.clone(), contact.clone()),
        None => (settings::city(conn)?, settings::desk_contact(conn, desk)?),
    };
    let householder = crate::household::householder_name(conn, &p)?;
    let standing_delivery = match crate::household::standing(conn, p.id, today)? {
        Some(r) if !p.protected => Some(crate::household::registered_address(conn, &r)?),
        _ => None,
    };
    Ok(FormData {
        householder,
        standing_delivery,
        city,
        contact,
        person: p,
        application: app,
        facility,
        scheme,
        had_care_certification,
        today,
        audience: crate::disclosure::Audience::of(actor),
    })
}

/// What to print, as the window, the CLI and the API ask for it.
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Eq, serde::Deserialize, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum PrintRequest {
    /// 別添1, 2 or 3 with the city's contact details.
    Leaflet {
        leaflet: Leaflet,
        #[serde(default = "one")]
        copies: u32,
    },
    /// The pre-filled application form (and 委任状 where the proxy needs one).
    ApplicationForm {
        person_id: i64,
        #[serde(default)]
        application_id: Option<i64>,
    },
    /// The 委任状 alone, pre-filled from the person (and the application's proxy, if given).
    DelegationLetter {
        person_id: i64,
        #[serde(default)]
        application_id: Option<i64>,
    },
    /// Every resident of a facility, as one PDF.
    FacilityBatch { facility_id: i64 },
    /// The 連携票 of a referral.
    ReferralSheet { referral_id: i64 },
    /// The 進達簿: the 後期 applications forwarded to the 広域連合 on a day.
    ForwardingRegister { forwarded_on: NaiveDate },
    /// The hand-over sheet of a person who moved out (転出者の引継ぎ票), for the new city's desk.
    HandOverSheet { person_id: i64 },
    /// A mailing's letters to 要配慮者 at home, each with 別添1, a pre-filled form and a
    /// 委任状; `reminder` prints the reminders to those who have not answered, and records them.
    MailingLetters {
        mailing_id: i64,
        #[serde(default)]
        reminder: bool,
    },
}

fn one() -> u32 {
    1
}

impl PrintRequest {
    /// A short ASCII name for the file the PDF is saved as.
    pub fn file_stem(&self) -> &'static str {
        match self {
            PrintRequest::Leaflet { .. } => "leaflet",
            PrintRequest::ApplicationForm { .. } => "application_form",
            PrintRequest::DelegationLetter { .. } => "delegation_letter",
            PrintRequest::FacilityBatch { .. } => "facility_batch",
            PrintRequest::ReferralSheet { .. } => "referral_sheet",
            PrintRequest::ForwardingRegister { .. } => "forwarding_register",
            PrintRequest::HandOverSheet { .. } => "hand_over_sheet",
            PrintRequest::MailingLetters { .. } => "mailing_letters",
        }
    }
}

/// Prints what `request` asks for; a facility batch reports its progress to `progress`.
pub fn print(
    store: &mut Store,
    actor: &Actor,
    request: &PrintRequest,
    now: NaiveDateTime,
    progress: &mut dyn FnMut(crate::Progress),
) -> Result<Printed, PrintError> {
    store.enter(actor.municipality)?;
    match request {
        PrintRequest::Leaflet { leaflet: which, copies } => leaflet(store, actor, *which, *copies, now),
        PrintRequest::ApplicationForm { person_id, application_id } => application_form(store, actor, *person_id, *application_id, now),
        PrintRequest::DelegationLetter { person_id, application_id } => delegation_letter(store, actor, *person_id, *application_id, now),
        PrintRequest::FacilityBatch { facility_id } => facility_batch(store, actor, *facility_id, now, progress),
        PrintRequest::ReferralSheet { referral_id } => referral_sheet(store, actor, *referral_id, now),
        PrintRequest::ForwardingRegister { forwarded_on } => forwarding_register(store, actor, *forwarded_on, now),
        PrintRequest::HandOverSheet { person_id } => hand_over_sheet(store, actor, *person_id, now),
        PrintRequest::MailingLetters { mailing_id, reminder } => mailing_letters(store, actor, *mailing_id, *reminder, now, progress),
    }
}

/// The application a form is printed from, when one is named: it must be this person's.
fn application_of(conn: &crate::store::Read<'_>, person_id: i64, application_id: Option<i64>) -> Result<Option<application::Application>, PrintError> {
    let Some(id) = application_id else { return Ok(None) };
    let a = application::load(conn, id)?;
    if a.person_id != person_id {
        return Err(PrintError::NothingToPrint(format!("申請 ID {id} はこの方 (ID {person_id}) の申請ではありません")));
    }
    Ok(Some(a))
}

/// A pre-filled 資格確認書交付申請書 for a person (from an application if given), followed by a
/// pre-filled 委任状 whenever the proxy's authority needs one.
pub fn application_form(store: &mut Store, actor: &Actor, person_id: i64, application_id: Option<i64>, now: NaiveDateTime) -> Result<Printed, PrintError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::PrintForms)?;
    let conn = &store.read();
    let app = application_of(conn, person_id, application_id)?;
    let data = form_data(conn, actor, person_id, app, now.date())?;
    let mut sheet = layout::Sheet::new(&format!("資格確認書交付申請書 {}", data.person.name));
    let mut documents = 0;
    let mut notes = Vec::new();
    if data.union_form() {
        // The 広域連合's own form is on paper at the counter; the city prints the 委任状 only.
        if !data.needs_delegation_letter() {
            return Err(PrintError::NothingToPrint(format!(
                "後期高齢者医療の申請書は{}の指定様式を使う設定です。市で印刷するのは委任状 (代理人の申請のとき) だけです",
                data.city.kouki_union
            )));
        }
        notes.push(format!("後期高齢者医療の申請書は{}の指定様式をお渡しください。印刷したのは委任状です", data.city.kouki_union));
    } else {
        forms::application_form(&mut sheet, &data);
        documents += 1;
        notes.extend(forms::gap_warning(&data.person.name, &forms::form_gaps(&data)));
    }
    if data.needs_delegation_letter() {
        if documents > 0 {
            sheet.new_page();
            // The clerk hands both over: the 委任状 is easy to miss behind the form.
            notes.push("2ページ目は委任状です (代理人の申請のため)。委任者の署名をもらってください".to_string());
        }
        forms::delegation_letter(&mut sheet, &data);
        documents += 1;
    }
    let printed = finish(sheet, documents, notes)?;
    store.write(|tx| {
        audit::record(
            tx,
            actor,
            now,
            Action::Print,
            "person",
            Some(person_id),
            serde_json::json!({"document": "application_form", "application_id": application_id}),
        )
    })?;
    Ok(printed)
}

/// The 委任状 alone, pre-filled like the one behind the application form: for a proxy who
/// already has the form, or a 委任 given before the application. Without an application (or with
/// one whose applicant is the person) the proxy's part is left blank to be written by hand.
pub fn delegation_letter(store: &mut Store, actor: &Actor, person_id: i64, application_id: Option<i64>, now: NaiveDateTime) -> Result<Printed, PrintError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::PrintForms)?;
    let conn = &store.read();
    let app = application_of(conn, person_id, application_id)?;
    let data = form_data(conn, actor, person_id, app, now.date())?;
    let mut sheet = layout::Sheet::new(&format!("委任状 {}", data.person.name));
    forms::delegation_letter(&mut sheet, &data);
    let printed = finish(sheet, 1, vec![])?;
    store.write(|tx| {
        audit::record(
            tx,
            actor,
            now,
            Action::Print,
            "person",
            Some(person_id),
            serde_json::json!({"document": "delegation_letter", "application_id": application_id}),
        )
    })?;
    Ok(printed)
}

/// A facility campaign batch (R6): a cover letter to the facility, then the pre-filled forms and
/// 委任状 of every resident whose route is 申請, all in one PDF. The others get no form and are
/// named in the letter with the reason (`facility::batch_place`): a resident who said they keep
/// the card (notice 1(1)), one issued a certificate without application, one whose card
/// registration the city looks up itself, and one insured elsewhere (住所地特例), who is
/// referred to that insurer. `progress` hears of each resident checked and each document
/// drawn, then of the saving.
pub fn facility_batch(
    store: &mut Store,
    actor: &Actor,
    facility_id: i64,
    now: NaiveDateTime,
    progress: &mut dyn FnMut(crate::Progress),
) -> Result<Printed, PrintError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::PrintForms)?;
    let conn = &store.read();
    let today = now.date();
    let f = facility::load(conn, facility_id)?;
    let people = conn.persons().at_facility(facility_id)?;
    let rules = policy::rules(conn)?;
    let mut residents = Vec::new();
    let [mut keeps_card, mut holds_card, mut without_application, mut city_checks, mut refer] = [(); 5].map(|_| Vec::new());
    let mut scheme_unknown = Vec::new();
    let mut scheme_to_check = Vec::new();
    let checking = people.len();
    // A protected resident's membership of the facility is their whereabouts: a desk that may
    // not see it prints the batch without them, and the counter is told that the insurer desk
    // takes care of them.
    let audience = crate::disclosure::Audience::of(actor);
    let mut left_to_insurer = 0;
    let city = settings::city(conn)?;
    let contacts = insurer_contacts(conn)?;
    let shared = Shared { facility: &f, city: &city, contacts: &contacts };
    for (n, p) in people.into_iter().enumerate() {
        if n % 50 == 0 {
            progress(crate::Progress::new("入所者の確認", n, checking));
        }
        if p.protected && !audience.sees_protected_address() {
            left_to_insurer += 1;
            continue;
        }
        let (route, holds, place) = facility::place_of(conn, &rules, &p, today)?;
        let row = |remark: String| CoverRow { name: p.name.clone(), birth_date: p.birth_date, remark };
        match place {
            BatchPlace::Form => residents.push(form_data_of(conn, actor, p, None, today, Some(&shared))?.as_facility_proxy(&f)),
            BatchPlace::KeepsCard(on) => keeps_card.push(row(format!("{}にご意向を確認", wareki::format(on)))),
            BatchPlace::HoldsCard => holds_card.push(row("配慮を要する事情の登録がありません".into())),
            BatchPlace::WithoutApplication => without_application.push(row(match (route, holds) {
                (RouteKind::KoukiProvisional, _) => "後期高齢者医療の暫定運用のため",
                (_, false) => "マイナ保険証の登録がないため",
                (_, true) => "後期高齢者医療の取扱いにより",
            }
            .into())),
            BatchPlace::CityChecksRegistration => city_checks.push(row("利用登録の状況を市で確認します".into())),
            BatchPlace::Refer(insurer) => refer.push(row(format!("{insurer}へ申請してください"))),
            BatchPlace::Skip => {}
            BatchPlace::SchemeUnknown => scheme_unknown.push(p.name.clone()),
            BatchPlace::SchemeToCheck => scheme_to_check.push(p.name.clone()),
        }
    }
    let enclosed: Vec<CoverRow> =
        residents.iter().map(|r| CoverRow { name: r.person.name.clone(), birth_date: r.person.birth_date, remark: forms::enclosed_remark(r) }).collect();
    let sections = [
        CoverSection { title: "申請書を同封した方", explanation: "", rows: enclosed },
        CoverSection {
            title: "マイナ保険証を引き続きお使いになるご意向の方",
            explanation: "申請書は同封していません。ご意向が変わり、資格確認書を希望される場合は、下記までご連絡ください。",
            rows: keeps_card,
        },
        CoverSection {
            title: "マイナ保険証をお持ちの方",
            explanation:
                "配慮を要する事情の登録がないため、申請書は同封していません。マイナ保険証での受診が難しい場合は、下記までご連絡ください。申請書をお送りします。",
            rows: holds_card,
        },
        CoverSection {
            title: "申請なしで資格確認書が交付される方",
            explanation: "申請書は不要です。資格確認書は申請によらず交付されます。",
            rows: without_application,
        },
        CoverSection {
            title: "保険証利用登録の状況を市で確認する方",
            explanation:
                "申請書は同封していません。未登録であれば、申請なしで資格確認書が交付されます。登録済みで資格確認書が必要な場合は、改めて申請書をお送りします。",
            rows: city_checks,
        },
        CoverSection {
            title: "他の保険者に加入されている方 (住所地特例など)",
            explanation: "市の申請書は使えません。資格確認書は、それぞれの加入先の保険者に申請してください。住所地特例の方は、以前お住まいだった市区町村の窓口を通じて申請します (後期高齢者医療の方も、他県の広域連合へ直接ではなく、以前の市区町村の窓口へ)。",
            rows: refer,
        },
    ];
    if sections.iter().all(|x| x.rows.is_empty()) {
        return Err(PrintError::NothingToPrint(format!("{} には、案内の対象になる入所者がいません (申請済みか、医療保険の対象外です)", f.name)));
    }
    let mut warnings = Vec::new();
    if residents.is_empty() {
        warnings.push(format!("{} には申請書の作成が必要な入所者がいないため、送付状 (一覧) だけを印刷しました", f.name));
    }
    if !scheme_unknown.is_empty() {
        warnings.push(format!(
            "保険種別が登録されていない入所者 ({}名: {}) は一覧に含めていません。保険種別を確認してください",
            scheme_unknown.len(),
            scheme_unknown.join("、")
        ));
    }
    if left_to_insurer > 0 {
        warnings.push(format!("支援措置の対象者 {left_to_insurer}名は一覧に含めていません。国民健康保険・後期高齢者医療の窓口が取り扱います"));
    }
    if !scheme_to_check.is_empty() {
        warnings.push(format!(
            "75歳以上で国民健康保険として登録されている入所者 ({}名: {}) は一覧に含めていません。後期高齢者医療への切り替えを確認してください",
            scheme_to_check.len(),
            scheme_to_check.join("、")
        ));
    }
    let mut sheet = layout::Sheet::new(&format!("資格確認書 代理申請のお願い {}", f.name));
    // The open campaign's deadline is the letter's 返送期限.
    let deadline = match conn.campaigns().open_of_facility(facility_id)? {
        Some(id) => conn.campaigns().get(id, today)?.map(|c| c.deadline),
        None => None,
    };
    forms::facility_cover_letter(&mut sheet, &f, &city, &contacts, &sections, deadline, today);
    let mut documents = 1;
    let mut blank: std::collections::BTreeMap<&str, Vec<String>> = std::collections::BTreeMap::new();
    let mut union_forms = 0;
    for (n, r) in residents.iter().enumerate() {
        if n % 50 == 0 {
            progress(crate::Progress::new("申請書の作成", n, residents.len()));
        }
        if r.union_form() {
            // The 広域連合's printed form goes in the envelope; the city prints the 委任状.
            union_forms += 1;
        } else {
            sheet.new_page();
            forms::application_form(&mut sheet, r);
            for gap in forms::form_gaps(r) {
                blank.entry(gap).or_default().push(r.person.name.clone());
            }
            documents += 1;
        }
        if r.needs_delegation_letter() {
            sheet.new_page();
            forms::delegation_letter(&mut sheet, r);
            documents += 1;
        }
    }
    if union_forms > 0 {
        warnings.push(format!("後期高齢者医療の入所者 {union_forms}名分は、{}の指定様式の申請書を同封してください (印刷したのは委任状です)", city.kouki_union));
    }
    // One line per blank field, naming the first few residents, however many there are.
    for (what, names) in blank {
        let shown = names.iter().take(5).cloned().collect::<Vec<_>>().join("、");
        let more = if names.len() > 5 { " ほか" } else { "" };
        warnings.push(format!("{what}が登録されていない入所者 {}名 ({shown}{more}) の申請書は、{what}欄が空欄です", names.len()));
    }
    progress(crate::Progress::new("PDF の保存", 0, 1));
    let printed = finish(sheet, documents, warnings)?;
    progress(crate::Progress::new("PDF の保存", 1, 1));
    let listed: usize = sections.iter().skip(1).map(|x| x.rows.len()).sum();
    store.write(|tx| {
        audit::record(
            tx,
            actor,
            now,
            Action::Print,
            "facility",
            Some(facility_id),
            serde_json::json!({"document": "facility_batch", "residents": residents.len(), "listed_without_form": listed}),
        )
    })?;
    Ok(printed)
}

/// A 連携票 for one referral.
pub fn referral_sheet(store: &mut Store, actor: &Actor, referral_id: i64, now: NaiveDateTime) -> Result<Printed, PrintError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::PrintForms)?;
    let conn = &store.read();
    let r = referral::load(conn, referral_id)?;
    let p = person::load(conn, r.person_id)?;
    let route = policy::route_before_application(conn, &p, now.date())?;
    let from = settings::desk_contact(conn, r.from_desk)?;
    let to = settings::desk_contact(conn, r.to_desk)?;
    // The newest application says where the person stands; the referral's own words never do.
    let applied = application::for_person(conn, p.id)?
        .into_iter()
        .max_by_key(|a| (a.received_on, a.id))
        .map_or_else(|| "なし".to_string(), |a| format!("{} (受付日 {}、申請番号 {})", a.status_label, crate::text::wareki::format(a.received_on), a.id));
    let mut sheet = layout::Sheet::new(&format!("連携票 {}", r.id));
    forms::referral_sheet(&mut sheet, &r, &p, &route, &applied, &from, &to, now.date());
    let printed = finish(sheet, 1, vec![])?;
    store.write(|tx| audit::record(tx, actor, now, Action::Print, "referral", Some(referral_id), serde_json::json!({"document": "referral_sheet"})))?;
    Ok(printed)
}

/// The hand-over sheet of a person who moved out, for the desk of the city they moved to.
pub fn hand_over_sheet(store: &mut Store, actor: &Actor, person_id: i64, now: NaiveDateTime) -> Result<Printed, PrintError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::PrintForms)?;
    let conn = &store.read();
    let p = person::load(conn, person_id)?;
    let Some(moved) = crate::moving::move_of(conn, person_id)? else {
        return Err(PrintError::NothingToPrint("この方の転出は記録されていません。先に記録の画面で転出を記録してください".into()));
    };
    // A protected person's 転出先 is printed only for a desk that may see it.
    let audience = crate::disclosure::Audience::of(actor);
    let moved = crate::moving::MoveOut { moved_to: crate::disclosure::printed_whereabouts(&audience, p.protected, || moved.moved_to.clone()), ..moved };
    let city = settings::city(conn)?;
    let contact = settings::desk_contact(
        conn,
        if p.scheme == crate::person::Scheme::Kouki { crate::model::staff::Desk::Kouki } else { crate::model::staff::Desk::Kokuho },
    )?;
    // What each card shows (負担割合, 限度区分 …) is printed only for a desk that may see it.
    let certificates: Vec<_> =
        crate::certificate::for_person(conn, person_id)?.into_iter().map(|c| crate::disclosure::certificate(&audience, c).into_inner()).collect();
    let applications = application::for_person(conn, person_id)?;
    let referrals = referral::for_person(conn, person_id)?;
    let mut sheet = layout::Sheet::new(&format!("転出者の引継ぎ票 {}", p.name));
    let h = forms::HandOver {
        city: &city,
        person: &p,
        moved: &moved,
        certificates: &certificates,
        applications: &applications,
        referrals: &referrals,
        contact: &contact,
    };
    forms::hand_over_sheet(&mut sheet, &h, now.date());
    let printed = finish(sheet, 1, vec![])?;
    store.write(|tx| audit::record(tx, actor, now, Action::Print, "person", Some(person_id), serde_json::json!({"document": "hand_over_sheet"})))?;
    Ok(printed)
}

/// The 進達簿 of `forwarded_on`: the 後期 applications forwarded to the 広域連合 that day, with
/// their count, to go with them. Printed by the insurer desks, who forward.
pub fn forwarding_register(store: &mut Store, actor: &Actor, forwarded_on: NaiveDate, now: NaiveDateTime) -> Result<Printed, PrintError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::DecideApplication)?;
    let register = crate::kouki::register_of(&store.read(), forwarded_on)?;
    if register.entries.is_empty() {
        return Err(PrintError::NothingToPrint(format!("{} に進達した後期高齢者医療の申請はありません", crate::text::wareki::format(forwarded_on))));
    }
    let mut sheet = layout::Sheet::new(&format!("進達簿 {forwarded_on}"));
    registers::forwarding_register(&mut sheet, &register);
    let printed = finish(sheet, 1, vec![])?;
    store.write(|tx| {
        audit::record(
            tx,
            actor,
            now,
            Action::Print,
            "forwarding_register",
            None,
            serde_json::json!({"forwarded_on": forwarded_on, "applications": register.entries.iter().map(|e| e.application_id).collect::<Vec<_>>()}),
        )
    })?;
    Ok(printed)
}

/// 別添1 (two pages), 別添2 or the 別添3 poster with the city's contact block, `copies` times.
/// A dated statement prints as it is within its period and as its replacement outside it
/// (`leaflet::check_statements`); one overtaken with no replacement is left out, and the
/// counter is told in `Printed::warnings`.
pub fn leaflet(store: &mut Store, actor: &Actor, which: Leaflet, copies: u32, now: NaiveDateTime) -> Result<Printed, PrintError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::PrintLeaflets)?;
    if !(1..=100).contains(&copies) {
        return Err(PrintError::BadCopies(copies));
    }
    let conn = &store.read();
    let today = now.date();
    let warnings: Vec<String> = leaflet::check_statements(conn, which, today)?.into_iter().map(|c| c.message).filter(|m| !m.is_empty()).collect();
    let content = leaflet::resolved_content(conn, which, today)?;
    let city = settings::city(conn)?;
    let contacts = insurer_contacts(conn)?;
    let mut sheet = layout::Sheet::new(&format!("{} {}", which.label(), content.title));
    for copy in 0..copies {
        for (i, page) in content.pages.iter().enumerate() {
            if copy > 0 || i > 0 {
                sheet.new_page();
            }
            handouts::page(&mut sheet, &content, page, &city, &contacts, today);
        }
    }
    let printed = finish(sheet, copies as usize, warnings)?;
    store.write(|tx| audit::record(tx, actor, now, Action::Print, "leaflet", None, serde_json::json!({"leaflet": which, "copies": copies})))?;
    Ok(printed)
}

/// A mailing's letters, one PDF for an in-house print or the print contractor: for each person
/// this reader may print (a protected person's safe address only for a desk that may see it),
/// the letter, 別添1, the pre-filled application form and a 委任状 whose proxy part is left for
/// the family to write. `reminder` prints only to those who have not answered (awaited, or no
/// answer by the deadline) and records the reminder against each.
pub fn mailing_letters(
    store: &mut Store,
    actor: &Actor,
    mailing_id: i64,
    reminder: bool,
    now: NaiveDateTime,
    progress: &mut dyn FnMut(crate::Progress),
) -> Result<Printed, PrintError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::PrintForms)?;
    let today = now.date();
    let m = crate::mailing::get(store, actor, mailing_id, now)?;
    // No letter goes to someone who has moved out or whose record ended since.
    let recipients: Vec<&crate::mailing::MailingRecipient> =
        m.recipients.iter().filter(|r| if reminder { crate::mailing::needs_reminder(r) } else { !r.left }).collect();
    if recipients.is_empty() {
        return Err(PrintError::NothingToPrint(if reminder {
            "再送する方がいません (全員から返答があったか、結果を記録済みです)".into()
        } else {
            "この在宅周知で印刷できる送付先がありません".into()
        }));
    }
    let conn = &store.read();
    let audience = crate::disclosure::Audience::of(actor);
    let city = settings::city(conn)?;
    let contacts = insurer_contacts(conn)?;
    let leaflet = leaflet::resolved_content(conn, Leaflet::Bessou1, today)?;
    let mut sheet = layout::Sheet::new(format!("{} {}", m.title, if reminder { "再送" } else { "" }).trim());
    // A reminder asks for an answer within two weeks of its own day: the mailing's deadline
    // has passed.
    let deadline = if reminder { today + chrono::Duration::days(14) } else { m.deadline };
    let mut documents = 0;
    let (mut union_forms, mut withheld) = (0, 0);
    let mut sent = Vec::new();
    let mut blank: std::collections::BTreeMap<&str, Vec<String>> = std::collections::BTreeMap::new();
    for (n, r) in recipients.iter().enumerate() {
        if n % 50 == 0 {
            progress(crate::Progress::new("案内の作成", n, recipients.len()));
        }
        let p = person::load(conn, r.person_id)?;
        // The address is chosen now, from the person as they are: one protected since the
        // mailing started gets the safe address, or no letter from a reader who may not see it.
        let Some((postal, address)) = crate::mailing::letter_address(&audience, &p) else {
            withheld += 1;
            continue;
        };
        if documents > 0 {
            sheet.new_page();
        }
        let reference = format!("{}-{}", m.id, p.id);
        let to = forms::LetterTo { postal_code: &postal, address: &address, name: &p.name, reference: &reference };
        forms::mailing_letter(&mut sheet, &city, &contacts, &to, deadline, reminder, today);
        for page in &leaflet.pages {
            sheet.new_page();
            handouts::page(&mut sheet, &leaflet, page, &city, &contacts, today);
        }
        let data = form_data_of(conn, actor, p, None, today, None)?;
        if data.union_form() {
            // The 広域連合's printed form goes in the envelope.
            union_forms += 1;
        } else {
            sheet.new_page();
            forms::application_form(&mut sheet, &data);
            for gap in forms::form_gaps(&data) {
                blank.entry(gap).or_default().push(data.person.name.clone());
            }
        }
        sheet.new_page();
        forms::delegation_letter(&mut sheet, &data);
        documents += 1;
        sent.push(r.person_id);
    }
    let mut warnings = Vec::new();
    for (what, names) in blank {
        let shown = names.iter().take(5).cloned().collect::<Vec<_>>().join("、");
        let more = if names.len() > 5 { " ほか" } else { "" };
        warnings.push(format!("{what}が登録されていない方 {}名 ({shown}{more}) の申請書は、{what}欄が空欄です", names.len()));
    }
    if documents == 0 {
        return Err(PrintError::NothingToPrint("この在宅周知で印刷できる送付先がありません".into()));
    }
    if union_forms > 0 {
        warnings.push(format!("後期高齢者医療の方 {union_forms}名分は、{}の指定様式の申請書を同封してください (印刷したのは委任状です)", city.kouki_union));
    }
    let hidden = m.counts.sent as usize - m.recipients.len() + withheld;
    if hidden > 0 {
        warnings.push(format!("支援措置の対象者 {hidden}名の案内は印刷していません。国民健康保険・後期高齢者医療の窓口が印刷します"));
    }
    progress(crate::Progress::new("PDF の保存", 0, 1));
    let printed = finish(sheet, documents, warnings)?;
    progress(crate::Progress::new("PDF の保存", 1, 1));
    store.write(|tx| {
        if reminder {
            for person_id in &sent {
                tx.mailings_mut().set_reminded(mailing_id, *person_id, today)?;
            }
        }
        audit::record(tx, actor, now, Action::Print, "mailing", Some(mailing_id), serde_json::json!({"letters": sent.len(), "reminder": reminder}))
    })?;
    Ok(printed)
}
