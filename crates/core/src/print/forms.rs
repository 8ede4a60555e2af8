//! The forms: 資格確認書交付申請書, 委任状, the facility cover letter and the 連携票.

use chrono::{Datelike, NaiveDate};

use super::layout::{width_mm, Align, Sheet, Weight};
use crate::application::{AppScheme, Applicant, Application, Delegator, Delivery, Document, ProxyAuthority};
use crate::facility::Facility;
use crate::person::{Person, Reason};
use crate::policy::Route;
use crate::referral::Referral;
use crate::settings::{CitySettings, DeskContact};
use crate::text::wareki;

const LEFT: f32 = 15.0;
const WIDTH: f32 = 180.0;
const LABEL_W: f32 = 30.0;
const LABEL_GRAY: f32 = 0.9;
const BLANK_DATE: &str = "令和　　年　　月　　日";

/// Everything one pre-filled form needs, gathered by the caller.
#[derive(Debug, Clone)]
pub struct FormData {
    pub person: Person,
    pub application: Option<Application>,
    pub facility: Option<Facility>,
    pub scheme: AppScheme,
    pub city: CitySettings,
    pub contact: DeskContact,
    pub had_care_certification: bool,
    pub today: NaiveDate,
    /// Who prints: a protected person's safe 送付先 is printed only for a desk that may see it.
    pub audience: crate::disclosure::Audience,
    /// The 世帯主's name: the household's member recorded as 世帯主, else the typed one.
    pub householder: String,
    /// The standing 送付先変更 on the day printed, as the address reads with the city's marks.
    pub standing_delivery: Option<String>,
}

/// The proxy as printed.
struct Proxy {
    name: String,
    kana: String,
    address: String,
    phone: String,
    relationship: String,
    authority: Option<ProxyAuthority>,
}

impl FormData {
    /// A date as this person's forms print it: 和暦, or 西暦 where they asked for it (many foreign
    /// residents read no era names).
    fn date(&self, day: NaiveDate) -> String {
        if self.person.western_calendar {
            format!("{}年{}月{}日", day.year(), day.month(), day.day())
        } else {
            wareki::format(day)
        }
    }

    /// The person's name as their forms print it: with the 通称 beside the legal name.
    fn printed_name(&self) -> String {
        let p = &self.person;
        if p.alias.is_empty() {
            p.name.clone()
        } else {
            format!("{} (通称 {})", p.name, p.alias)
        }
    }

    /// A date left for the person to write, in the calendar their form uses.
    fn blank_date(&self) -> &'static str {
        if self.person.western_calendar {
            "　　　　年　　月　　日"
        } else {
            BLANK_DATE
        }
    }

    fn proxy(&self) -> Option<Proxy> {
        let a = self.application.as_ref().filter(|a| a.applicant == Applicant::Proxy)?;
        Some(Proxy {
            name: a.proxy_name.clone(),
            kana: a.proxy_kana.clone(),
            address: a.proxy_address.clone(),
            phone: a.proxy_phone.clone(),
            relationship: a.proxy_relationship.clone(),
            authority: a.authority,
        })
    }

    fn authority(&self) -> Option<ProxyAuthority> {
        self.application.as_ref().and_then(|a| a.authority)
    }

    /// Who signs the 委任状: the person or (国保) the 世帯主.
    fn delegator(&self) -> Option<Delegator> {
        self.application.as_ref().and_then(|a| a.delegator)
    }

    /// True when the proxy's authority needs a 委任状 that Hairyo can pre-fill.
    pub fn needs_delegation_letter(&self) -> bool {
        self.authority().is_some_and(ProxyAuthority::needs_delegation_letter)
    }

    /// The same form prepared for a proxy application by the facility's staff (R4, R6).
    pub fn as_facility_proxy(mut self, f: &Facility) -> FormData {
        let child = self.person.age_on(self.today) < 18 || self.person.reasons.contains(&Reason::Child);
        let authority = if child { ProxyAuthority::FacilityChild } else { ProxyAuthority::FacilityAdult };
        let mut app = Application {
            id: 0,
            person_id: self.person.id,
            person_name: self.person.name.clone(),
            referral_id: None,
            scheme: self.scheme,
            scheme_label: self.scheme.label(),
            received_on: self.today,
            channel: crate::application::Channel::FacilityBatch,
            channel_label: crate::application::Channel::FacilityBatch.label(),
            applicant: Applicant::Proxy,
            applicant_label: Applicant::Proxy.label(),
            authority: Some(authority),
            authority_label: Some(authority.label()),
            delegator: authority.delegated_by_person_or_householder().then_some(Delegator::Person),
            delegator_label: authority.delegated_by_person_or_householder().then_some(Delegator::Person.label()),
            proxy_name: String::new(),
            proxy_kana: String::new(),
            proxy_address: format!("{} {}", f.address, f.name).trim().to_string(),
            proxy_phone: f.phone.clone(),
            proxy_relationship: "入所施設の職員".into(),
            reasons: self.person.reasons.clone(),
            signing: crate::application::Signing::Signed,
            signing_label: crate::application::Signing::Signed.label(),
            writer_name: String::new(),
            optional_entries: Vec::new(),
            delivery: Delivery::Facility,
            delivery_label: Delivery::Facility.label(),
            delivery_reason: String::new(),
            city_issues: false,
            status: crate::application::AppStatus::Received,
            protected: self.person.protected,
            status_label: "",
            override_reason: String::new(),
            decision_note: String::new(),
            received_by: String::new(),
            received_by_name: String::new(),
            decided_by: None,
            decided_on: None,
            forwarded_on: None,
            forwarded_by: None,
            union_decided_on: None,
            handed_over_on: None,
            handover_method: None,
            handover_method_label: None,
            handover_identity: None,
            handover_identity_label: None,
            checklist: vec![],
            next: vec![],
        };
        app.checklist = authority.documents().iter().map(|d| crate::application::ChecklistItem { document: *d, label: d.label(), checked: false }).collect();
        self.application = Some(app);
        self.facility = Some(f.clone());
        self
    }

    fn reasons(&self) -> &[Reason] {
        match &self.application {
            Some(a) if !a.reasons.is_empty() => &a.reasons,
            _ => &self.person.reasons,
        }
    }

    fn person_address(&self) -> String {
        crate::disclosure::printed_address(self.person.protected, || postal_address(&self.person.postal_code, &self.person.address))
    }

    /// Whether this form is the 広域連合's own (a city setting): the city then prints the
    /// cover letter and the 委任状, and the union's printed form goes in the envelope.
    pub fn union_form(&self) -> bool {
        self.scheme == AppScheme::Kouki && self.city.kouki_union_form
    }

    /// The 保険者番号 printed: the person's own, or for a 後期 member the 広域連合's from the
    /// settings.
    fn insurer_number(&self) -> &str {
        match self.scheme {
            AppScheme::Kouki if self.person.insurer_no.trim().is_empty() => &self.city.kouki_insurer_number,
            _ => &self.person.insurer_no,
        }
    }

    fn delivery(&self) -> Delivery {
        self.application.as_ref().map(|a| a.delivery).unwrap_or(Delivery::Home)
    }

    /// The 送付先 as printed: a protected person's safe address only.
    fn delivery_address(&self) -> String {
        let p = &self.person;
        if self.delivery() == Delivery::Counter {
            return "窓口で受け取ります".into();
        }
        if p.protected {
            return crate::disclosure::printed_whereabouts(&self.audience, true, || postal_address(&p.safe_postal_code, &p.safe_address));
        }
        if let (Delivery::Home | Delivery::Facility, Some(standing)) = (self.delivery(), &self.standing_delivery) {
            return format!("{standing} (送付先変更の登録による)");
        }
        match (self.delivery(), &self.application, &self.facility) {
            (Delivery::Proxy, Some(a), _) if a.delivery_reason.is_empty() => a.proxy_address.clone(),
            (Delivery::Proxy, Some(a), _) => format!("{} (理由: {})", a.proxy_address, a.delivery_reason),
            (Delivery::Facility, _, Some(f)) => format!("{} {} 気付", postal_address(&f.postal_code, &f.address), f.name),
            // 国保 mails to the 世帯主 at the registered address.
            _ if self.scheme == AppScheme::Kokuho && !self.householder.is_empty() => {
                format!("{} (世帯主 {} 様あて)", postal_address(&p.postal_code, &p.address), self.householder)
            }
            _ => postal_address(&p.postal_code, &p.address),
        }
    }

    fn addressee(&self) -> String {
        match self.scheme {
            AppScheme::Kokuho => format!("{} 様", self.city.addressee),
            AppScheme::Kouki => format!("{}長 様", self.city.kouki_union),
        }
    }
}

fn postal_address(postal: &str, address: &str) -> String {
    if postal.is_empty() {
        address.to_string()
    } else {
        format!("〒{postal} {address}")
    }
}

/// A labelled cell: grey label on the left, the value shrunk to fit on the right.
// The cell's geometry in mm, as the form's grid gives it; see layout.rs's drawing primitives.
#[allow(clippy::too_many_arguments)]
fn field(s: &mut Sheet, x: f32, y: f32, lw: f32, vw: f32, h: f32, label: &str, value: &str) {
    s.fill_rect(x, y, lw, h, LABEL_GRAY);
    s.rect(x, y, lw, h, 0.6);
    s.rect(x + lw, y, vw, h, 0.6);
    s.text_box(x + 1.5, y + 0.8, lw - 3.0, h - 1.6, 9.0, Weight::Regular, label);
    s.text_box(x + lw + 2.0, y + 0.8, vw - 4.0, h - 1.6, 11.0, Weight::Regular, value);
}

fn section_title(s: &mut Sheet, y: f32, title: &str) -> f32 {
    s.fill_rect(LEFT, y, WIDTH, 6.0, 0.8);
    s.text(LEFT + 2.0, y + 1.3, 10.0, Weight::Bold, title);
    y + 6.0
}

fn footer(s: &mut Sheet, text: &str) {
    s.fit_text(LEFT, 284.0, WIDTH, 7.5, Weight::Regular, Align::Left, text);
}

fn scheme_title(scheme: AppScheme) -> &'static str {
    match scheme {
        AppScheme::Kokuho => "国民健康保険",
        AppScheme::Kouki => "後期高齢者医療",
    }
}

/// The words a cover letter uses for the forms enclosed for a resident.
pub fn enclosed_remark(d: &FormData) -> String {
    let form = if d.union_form() { "広域連合の申請書" } else { "申請書" };
    let docs = if d.needs_delegation_letter() { format!("{form}・委任状") } else { form.to_string() };
    format!("{} {docs}", scheme_title(d.scheme))
}

/// A 個人番号 row: twelve empty cells for the applicant to write by hand, since the number is
/// never stored.
fn my_number_cells(s: &mut Sheet, y: f32) {
    s.fill_rect(LEFT, y, LABEL_W, 9.0, LABEL_GRAY);
    s.rect(LEFT, y, LABEL_W, 9.0, 0.6);
    s.text_box(LEFT + 1.5, y + 0.5, LABEL_W - 3.0, 8.0, 9.0, Weight::Regular, "個人番号");
    let cell = 8.5;
    for i in 0..12 {
        s.rect(LEFT + LABEL_W + i as f32 * cell, y, cell, 9.0, 0.6);
    }
    s.text_box(
        LEFT + LABEL_W + 12.0 * cell + 2.0,
        y + 0.5,
        WIDTH - LABEL_W - 12.0 * cell - 3.0,
        8.0,
        8.0,
        Weight::Regular,
        // The paper application is 特定個人情報 and the city keeps it as such; the form says
        // only who writes the number, never that it is not kept (Hairyo itself stores none).
        "ご本人または代理人が記入してください",
    );
}

/// What a pre-filled form would print blank for want of a record (住所, 被保険者番号 or 記号・
/// 番号): the clerk is told at print (in the result, and by the CLI on stderr) rather than
/// handed a form with an empty line.
pub fn form_gaps(d: &FormData) -> Vec<&'static str> {
    let p = &d.person;
    let mut gaps = Vec::new();
    // A protected person's form prints the safe address, or says why it has none.
    if !p.protected && p.address.trim().is_empty() {
        gaps.push("住所");
    }
    match d.scheme {
        AppScheme::Kokuho if p.card_number.trim().is_empty() && p.card_symbol.trim().is_empty() => gaps.push("記号・番号"),
        AppScheme::Kouki if p.card_number.trim().is_empty() => gaps.push("被保険者番号"),
        _ => {}
    }
    if d.scheme == AppScheme::Kouki && d.insurer_number().trim().is_empty() {
        gaps.push("保険者番号");
    }
    gaps
}

/// The warning for one person's form with `gaps`.
pub fn gap_warning(name: &str, gaps: &[&str]) -> Option<String> {
    (!gaps.is_empty())
        .then(|| format!("{name}さんの{}が登録されていないため、申請書のその欄は空欄です。記入してもらうか、登録してから印刷してください", gaps.join("・")))
}

/// The 申請理由 checkboxes and whether each is ticked. A 後期 form has no 児童 box; 暗証番号の
/// 管理が困難 is never ticked for a 顔認証マイナンバーカード, which has no PIN.
fn reason_boxes(d: &FormData) -> Vec<(&'static str, bool)> {
    let r = d.reasons();
    let has = |x: Reason| r.contains(&x);
    let face_auth = d.person.mynumber_card == crate::person::CardKind::FaceAuth;
    let boxes = vec![
        // Only a recorded 要介護認定 (or its application) ticks it: being elderly is not one.
        ("要介護認定", d.had_care_certification),
        ("障害", has(Reason::Physical) || has(Reason::Intellectual) || has(Reason::Mental)),
        ("認知症", has(Reason::Dementia)),
        ("施設入所", has(Reason::Facility)),
        ("児童", has(Reason::Child)),
        ("暗証番号の管理が困難", has(Reason::Pin) && !face_auth),
        ("介助者の同行が必要", has(Reason::NeedsCompanion)),
        ("カードの紛失・破損", has(Reason::LostOrDamaged)),
        ("カード返納 (予定)", has(Reason::CardReturn)),
        ("電子証明書の失効", has(Reason::CertificateLapsed)),
        ("その他", has(Reason::Other)),
    ];
    boxes.into_iter().filter(|(label, _)| !(d.scheme == AppScheme::Kouki && *label == "児童")).collect()
}

/// The 申請者 checkboxes and whether each is ticked. The 世帯主 is the applicant of a 国保
/// household by law; a 後期 application is the 被保険者's own (or a proxy's), so its form
/// offers no 世帯主. A blank form ticks none.
fn applicant_boxes(d: &FormData) -> Vec<(&'static str, bool)> {
    let chosen = d.application.as_ref().map(|a| a.applicant);
    let kinds: &[(&str, Applicant)] = match d.scheme {
        AppScheme::Kokuho => &[("世帯主", Applicant::Householder), ("本人", Applicant::Person), ("代理人", Applicant::Proxy)],
        AppScheme::Kouki => &[("本人", Applicant::Person), ("代理人", Applicant::Proxy)],
    };
    kinds.iter().map(|(label, kind)| (*label, chosen == Some(*kind))).collect()
}

/// The 委任者 checkboxes of the 委任状 and whether each is ticked: the person, or for 国保 the
/// 世帯主 too.
fn delegator_boxes(d: &FormData) -> Vec<(&'static str, bool)> {
    let chosen = d.delegator();
    let kinds: &[(&str, Delegator)] = match d.scheme {
        AppScheme::Kokuho => &[("本人", Delegator::Person), ("世帯主", Delegator::Householder)],
        AppScheme::Kouki => &[("本人", Delegator::Person)],
    };
    kinds.iter().map(|(label, kind)| (*label, chosen == Some(*kind))).collect()
}

/// The 資格確認書交付申請書 (国保 or 後期), pre-filled.
pub fn application_form(s: &mut Sheet, d: &FormData) {
    let p = &d.person;
    let title = format!("{} 資格確認書交付申請書", scheme_title(d.scheme));
    s.fit_text(LEFT, 12.0, WIDTH, 17.0, Weight::Bold, Align::Center, &title);
    s.text(LEFT, 24.0, 11.0, Weight::Regular, &d.addressee());
    let applied = d.application.as_ref().filter(|a| a.id != 0).map(|a| d.date(a.received_on)).unwrap_or_else(|| d.blank_date().into());
    s.fit_text(LEFT + 100.0, 24.0, 80.0, 11.0, Weight::Regular, Align::Right, &format!("申請日  {applied}"));
    s.text(LEFT, 31.0, 10.0, Weight::Regular, "マイナ保険証による受診が困難なため、次のとおり資格確認書の交付を申請します。");

    let mut y = 37.0;
    // Who applies: a row of checkboxes, the chosen one ticked.
    s.fill_rect(LEFT, y, LABEL_W, 8.0, LABEL_GRAY);
    s.rect(LEFT, y, LABEL_W, 8.0, 0.6);
    s.rect(LEFT + LABEL_W, y, WIDTH - LABEL_W, 8.0, 0.6);
    s.text_box(LEFT + 1.5, y + 0.8, LABEL_W - 3.0, 6.4, 9.0, Weight::Regular, "申請者");
    let mut x = LEFT + LABEL_W + 2.0;
    for (label, checked) in applicant_boxes(d) {
        x = s.check_label(x, y + 2.0, 10.5, checked, label);
    }
    y += 10.0;
    if d.scheme == AppScheme::Kokuho {
        y = section_title(s, y, "世帯主");
        let householder = if d.householder.is_empty() { p.name.clone() } else { d.householder.clone() };
        field(s, LEFT, y, LABEL_W, 70.0, 8.0, "氏名", &householder);
        field(s, LEFT + 100.0, y, 25.0, 55.0, 8.0, "電話番号", &p.phone);
        y += 8.0;
        field(s, LEFT, y, LABEL_W, WIDTH - LABEL_W, 8.0, "住所", &d.person_address());
        y += 8.0;
        // The 世帯主 files a 国保 application: cities' forms ask their 個人番号 as well.
        my_number_cells(s, y);
        y += 11.0;
    }

    y = section_title(s, y, "被保険者 (資格確認書が必要な方)");
    field(s, LEFT, y, LABEL_W, 70.0, 7.0, "フリガナ", &p.kana);
    field(s, LEFT + 100.0, y, 25.0, 55.0, 7.0, "性別", p.sex.label());
    y += 7.0;
    field(s, LEFT, y, LABEL_W, 70.0, 10.0, "氏名", &d.printed_name());
    field(s, LEFT + 100.0, y, 25.0, 55.0, 10.0, "生年月日", &d.date(p.birth_date));
    y += 10.0;
    let number = match d.scheme {
        AppScheme::Kokuho => format!("記号 {}  番号 {}  枝番 {}", p.card_symbol, p.card_number, p.card_branch),
        AppScheme::Kouki => format!("被保険者番号 {}", p.card_number),
    };
    field(s, LEFT, y, LABEL_W, 70.0, 8.0, "記号・番号", &number);
    field(s, LEFT + 100.0, y, 25.0, 55.0, 8.0, "保険者番号", d.insurer_number());
    y += 8.0;
    field(s, LEFT, y, LABEL_W, WIDTH - LABEL_W, 8.0, "住所", &d.person_address());
    y += 8.0;
    my_number_cells(s, y);
    y += 12.0;

    y = section_title(s, y, "申請理由 (あてはまるものすべて)");
    let mut x = LEFT + 2.0;
    let mut row_y = y + 2.0;
    for (label, checked) in reason_boxes(d) {
        if x + width_mm(label, 10.5, Weight::Regular) + 10.0 > LEFT + WIDTH {
            x = LEFT + 2.0;
            row_y += 6.5;
        }
        x = s.check_label(x, row_y, 10.5, checked, label);
    }
    y = row_y + 9.0;

    y = section_title(s, y, "代理人 (代理人が申請する場合)");
    let proxy = d.proxy();
    let pv = |f: fn(&Proxy) -> &str| proxy.as_ref().map(|p| f(p).to_string()).unwrap_or_default();
    field(s, LEFT, y, LABEL_W, 70.0, 7.0, "フリガナ", &pv(|p| &p.kana));
    field(s, LEFT + 100.0, y, 25.0, 55.0, 7.0, "本人との関係", &pv(|p| &p.relationship));
    y += 7.0;
    field(s, LEFT, y, LABEL_W, 70.0, 10.0, "氏名", &pv(|p| &p.name));
    field(s, LEFT + 100.0, y, 25.0, 55.0, 10.0, "電話番号", &pv(|p| &p.phone));
    y += 10.0;
    field(s, LEFT, y, LABEL_W, WIDTH - LABEL_W, 8.0, "住所", &pv(|p| &p.address));
    y += 8.0;
    let kind = proxy.as_ref().and_then(|p| p.authority).map(|a| a.printed_label()).unwrap_or("");
    field(s, LEFT, y, LABEL_W, WIDTH - LABEL_W, 7.0, "代理人の種別", kind);
    y += 8.5;
    // A 後期 member is 75 or over (or 65 and certified disabled): never a child, so its form
    // says nothing of 親権者.
    let who_delegates = match d.scheme {
        AppScheme::Kokuho => "ご本人または世帯主からの委任状 (施設入所の児童は親権者からの委任状)",
        AppScheme::Kouki => "ご本人からの委任状",
    };
    s.paragraph(
        LEFT,
        y,
        WIDTH,
        8.5,
        Weight::Regular,
        &format!("代理人の方は、ご自身の本人確認書類をお持ちください。同一世帯の方は本人確認書類だけで申請できます (委任状は不要です)。それ以外の方は、{who_delegates}が必要です。"),
    );
    y += 9.0;

    y = section_title(s, y, "資格確認書の送付先");
    let delivery = d.delivery();
    let mut x = LEFT + 2.0;
    let home = if d.scheme == AppScheme::Kokuho { "住民票の住所 (世帯主あて)" } else { "ご本人の住所" };
    for (label, kind) in [(home, Delivery::Home), ("代理人の住所", Delivery::Proxy), ("入所施設", Delivery::Facility), ("窓口で受け取る", Delivery::Counter)]
    {
        x = s.check_label(x, y + 2.0, 10.5, delivery == kind, label);
    }
    y += 8.5;
    field(s, LEFT, y, LABEL_W, WIDTH - LABEL_W, 8.0, "送付先", &d.delivery_address());
    y += 10.0;
    // 任意記載事項: what the person asks to have printed beside the rest (併記).
    let asked = d.application.as_ref().map(|a| a.optional_entries.clone()).unwrap_or_default();
    s.text(LEFT, y + 2.0, 9.5, Weight::Regular, "併記の希望:");
    let mut x = LEFT + 20.0;
    for e in crate::application::OptionalEntry::ALL {
        x = s.check_label(x, y + 2.0, 10.0, asked.contains(e), e.label());
    }
    y += 8.5;
    s.text(LEFT, y, 10.0, Weight::Regular, "申請者 署名");
    s.line(LEFT + 25.0, y + 5.0, LEFT + 95.0, y + 5.0, 0.5);
    // 代筆: whoever writes for a person who cannot sign gives their name here.
    let writer = d.application.as_ref().map(|a| a.writer_name.clone()).unwrap_or_default();
    s.text(LEFT + 100.0, y, 9.0, Weight::Regular, "代筆者 氏名");
    s.line(LEFT + 120.0, y + 5.0, LEFT + WIDTH, y + 5.0, 0.5);
    if !writer.is_empty() {
        s.text(LEFT + 122.0, y, 10.0, Weight::Regular, &writer);
    }
    y += 9.0;

    // The 市使用欄: filled in by the clerk.
    s.rect(LEFT, y, WIDTH, 284.0 - 3.0 - y, 0.9);
    s.text(LEFT + 2.0, y + 1.5, 9.0, Weight::Bold, "市使用欄");
    let app = d.application.as_ref().filter(|a| a.id != 0);
    let received = app.map(|a| wareki::format(a.received_on)).unwrap_or_else(|| BLANK_DATE.into());
    let by = app.map(|a| a.received_by_name.clone()).unwrap_or_default();
    s.text(LEFT + 22.0, y + 1.5, 9.0, Weight::Regular, &format!("受付日 {received}"));
    s.text(LEFT + 85.0, y + 1.5, 9.0, Weight::Regular, &format!("受付者 {by}"));
    let channel = app.map(|a| a.channel_label).unwrap_or("");
    s.text(LEFT + 135.0, y + 1.5, 9.0, Weight::Regular, &format!("受付方法 {channel}"));
    let docs: Vec<(Document, bool)> = match &d.application {
        Some(a) if !a.checklist.is_empty() => a.checklist.iter().map(|c| (c.document, c.checked)).collect(),
        _ => vec![(Document::ApplicantId, false)],
    };
    let mut x = LEFT + 2.0;
    let mut row_y = y + 7.0;
    // 番号法 §16: whoever receives a 個人番号 confirms the number and the person's identity;
    // the clerk ticks both by hand at the counter.
    s.text(x, row_y, 8.5, Weight::Regular, "番号法:");
    x += 13.0;
    x = s.check_label(x, row_y, 8.5, false, "番号確認");
    s.check_label(x, row_y, 8.5, false, "身元確認");
    row_y += 5.0;
    x = LEFT + 2.0;
    s.text(x, row_y, 8.5, Weight::Regular, "確認書類:");
    x += 16.0;
    for (doc, checked) in docs {
        let label = doc.label();
        if x + width_mm(label, 8.5, Weight::Regular) + 8.0 > LEFT + WIDTH {
            x = LEFT + 18.0;
            row_y += 5.0;
        }
        x = s.check_label(x, row_y, 8.5, checked, label);
    }
    footer(s, &format!("問合せ先: {}  電話 {}  {}", d.contact.name, d.contact.phone, d.contact.hours));
}

/// The 委任状, pre-filled: from the person (or, for a child in a facility, from the 親権者) to
/// the proxy.
pub fn delegation_letter(s: &mut Sheet, d: &FormData) {
    let p = &d.person;
    let proxy = d.proxy();
    let for_child = d.authority() == Some(ProxyAuthority::FacilityChild);
    let by_householder = !for_child && d.delegator() == Some(Delegator::Householder);
    s.fit_text(LEFT, 16.0, WIDTH, 22.0, Weight::Bold, Align::Center, "委　任　状");
    s.text(LEFT, 32.0, 11.0, Weight::Regular, &d.addressee());
    s.fit_text(LEFT + 100.0, 32.0, 80.0, 11.0, Weight::Regular, Align::Right, d.blank_date());
    let lead = if for_child {
        "私は、親権を行う者として、次の者を代理人と定め、下記の児童に係る資格確認書の交付申請及び受領に関する権限を委任します。"
    } else if by_householder {
        "私は、世帯主として、次の者を代理人と定め、下記の被保険者に係る資格確認書の交付申請及び受領に関する権限を委任します。"
    } else {
        "私は、次の者を代理人と定め、資格確認書の交付申請及び受領に関する権限を委任します。"
    };
    let mut y = 42.0;
    y += s.paragraph(LEFT, y, WIDTH, 11.0, Weight::Regular, lead) + 4.0;

    y = section_title(s, y, "代理人 (委任を受ける方)");
    let pv = |f: fn(&Proxy) -> &str| proxy.as_ref().map(|p| f(p).to_string()).unwrap_or_default();
    field(s, LEFT, y, LABEL_W, WIDTH - LABEL_W, 10.0, "住所", &pv(|p| &p.address));
    y += 10.0;
    field(s, LEFT, y, LABEL_W, 70.0, 10.0, "氏名", &pv(|p| &p.name));
    field(s, LEFT + 100.0, y, 25.0, 55.0, 10.0, "本人との関係", &pv(|p| &p.relationship));
    y += 10.0;
    field(s, LEFT, y, LABEL_W, 70.0, 9.0, "電話番号", &pv(|p| &p.phone));
    y += 14.0;

    y = section_title(s, y, "委任する事項");
    let scheme = scheme_title(d.scheme);
    s.check_label(LEFT + 2.0, y + 2.5, 11.0, true, &format!("{scheme} 資格確認書の交付申請に関すること"));
    s.check_label(LEFT + 2.0, y + 9.0, 11.0, true, "資格確認書の受領に関すること");
    y += 18.0;

    if for_child {
        y = section_title(s, y, "対象の児童");
        field(s, LEFT, y, LABEL_W, 70.0, 10.0, "氏名", &d.printed_name());
        field(s, LEFT + 100.0, y, 25.0, 55.0, 10.0, "生年月日", &d.date(p.birth_date));
        y += 14.0;
        y = section_title(s, y, "委任者 (親権者)");
        field(s, LEFT, y, LABEL_W, WIDTH - LABEL_W, 10.0, "住所", "");
        y += 10.0;
        field(s, LEFT, y, LABEL_W, 70.0, 10.0, "氏名 (自署)", "");
        field(s, LEFT + 100.0, y, 25.0, 55.0, 10.0, "電話番号", "");
        y += 10.0;
        field(s, LEFT, y, LABEL_W, WIDTH - LABEL_W, 8.0, "親権者 (登録)", &p.legal_rep_name);
        y += 12.0;
    } else if by_householder {
        y = section_title(s, y, "対象の被保険者");
        field(s, LEFT, y, LABEL_W, 70.0, 10.0, "氏名", &d.printed_name());
        field(s, LEFT + 100.0, y, 25.0, 55.0, 10.0, "生年月日", &d.date(p.birth_date));
        y += 14.0;
        y = delegator_title(s, y, d);
        field(s, LEFT, y, LABEL_W, WIDTH - LABEL_W, 10.0, "住所", &d.person_address());
        y += 10.0;
        field(s, LEFT, y, LABEL_W, 70.0, 10.0, "氏名 (自署)", "");
        field(s, LEFT + 100.0, y, 25.0, 55.0, 10.0, "電話番号", &p.phone);
        y += 10.0;
        field(s, LEFT, y, LABEL_W, WIDTH - LABEL_W, 8.0, "世帯主 (登録)", &d.householder);
        y += 12.0;
    } else {
        y = delegator_title(s, y, d);
        field(s, LEFT, y, LABEL_W, WIDTH - LABEL_W, 10.0, "住所", &d.person_address());
        y += 10.0;
        field(s, LEFT, y, LABEL_W, 70.0, 10.0, "氏名 (自署)", "");
        field(s, LEFT + 100.0, y, 25.0, 55.0, 10.0, "生年月日", &d.date(p.birth_date));
        y += 10.0;
        field(s, LEFT, y, LABEL_W, 70.0, 8.0, "氏名 (参考)", &p.name);
        field(s, LEFT + 100.0, y, 25.0, 55.0, 8.0, "電話番号", &p.phone);
        y += 12.0;
    }
    let signer = match d.scheme {
        AppScheme::Kokuho => "ご本人または世帯主",
        AppScheme::Kouki => "ご本人",
    };
    s.paragraph(
        LEFT,
        y,
        WIDTH,
        9.0,
        Weight::Regular,
        &format!("・委任者 ({signer}、児童の場合は親権者) が自署してください。自署が難しい場合は、代筆者の氏名と本人との関係を余白に記入してください。\n・代理人は、ご自身の本人確認書類 (施設職員の方は職員であることが分かるもの) をお持ちください。\n・この委任状に個人番号は記入しないでください。"),
    );
    footer(s, &format!("問合せ先: {}  電話 {}", d.contact.name, d.contact.phone));
}

/// The 委任者 section's title with its checkboxes (□本人 □世帯主 for 国保), the signer ticked.
fn delegator_title(s: &mut Sheet, y: f32, d: &FormData) -> f32 {
    let y = section_title(s, y, "委任者");
    let mut x = LEFT + 20.0;
    for (label, checked) in delegator_boxes(d) {
        x = s.check_label(x, y - 5.0, 10.0, checked, label);
    }
    y
}

/// One resident named in a facility batch's cover letter.
#[derive(Debug, Clone)]
pub struct CoverRow {
    pub name: String,
    pub birth_date: NaiveDate,
    /// What happens for this resident, in a few words (the forms enclosed, the insurer …).
    pub remark: String,
}

/// A section of the cover letter's list: who gets what, and why the others get no form.
#[derive(Debug, Clone)]
pub struct CoverSection {
    pub title: &'static str,
    /// A sentence for the facility under the title; empty for none.
    pub explanation: &'static str,
    pub rows: Vec<CoverRow>,
}

/// Where the cover letter's list stops on a page before it continues on the next.
const LIST_BOTTOM: f32 = 276.0;

/// The cover letter of a facility batch (R6, R11): the request, then every resident listed in
/// their section (forms enclosed; keeps the card by their own wish; issued without application;
/// registration checked by the city; referred to another insurer), over as many pages as the
/// list needs, and the contact block.
pub fn facility_cover_letter(
    s: &mut Sheet,
    f: &Facility,
    city: &CitySettings,
    contacts: &[DeskContact],
    sections: &[CoverSection],
    deadline: Option<NaiveDate>,
    today: NaiveDate,
) {
    if !city.document_number.trim().is_empty() {
        s.fit_text(LEFT + 100.0, 9.0, 80.0, 10.5, Weight::Regular, Align::Right, city.document_number.trim());
    }
    s.fit_text(LEFT + 100.0, 14.0, 80.0, 10.5, Weight::Regular, Align::Right, &wareki::format(today));
    s.text(LEFT, 22.0, 12.0, Weight::Regular, &format!("{} 施設長 様", f.name));
    s.fit_text(LEFT + 90.0, 30.0, 90.0, 10.5, Weight::Regular, Align::Right, &format!("{} (国民健康保険・後期高齢者医療担当)", city.addressee));
    s.fit_text(LEFT, 42.0, WIDTH, 15.0, Weight::Bold, Align::Center, "資格確認書の代理申請について (お願い)");
    let enclosed = sections.first().map_or(0, |x| x.rows.len());
    let others: usize = sections.iter().skip(1).map(|x| x.rows.len()).sum();
    let request = if enclosed > 0 {
        format!(
            "貴施設に入所されている方のうち、下記の{enclosed}名の方の申請書 (必要な方には委任状も) を、市に登録されている内容をもとに作成し、同封しました。内容をご確認のうえ、ご本人 (児童の場合は親権者) のご意向を確かめ、委任を受けて代理申請くださいますようお願いいたします。"
        )
    } else {
        "貴施設に入所されている方のうち、今回、申請書の作成が必要な方はいません。".to_string()
    };
    let rest = if others > 0 { "申請書を同封していない方は、下記の一覧にその理由を記しました。" } else { "" };
    // How and by when the forms come back, what to do where a resident cannot sign, and that
    // one application is enough for the renewals after it.
    let back = if enclosed > 0 {
        let by = deadline.map(|d| format!("{}までに、", wareki::format(d))).unwrap_or_default();
        format!(
            "\n【返送】{by}記入した申請書と委任状を、同封の書類とともに下記の窓口へ郵送するか、お持ちください。\n【署名が難しい方】代筆の場合は、代筆者の氏名と本人との関係を書き添えてください。ご本人が委任できない事情がある場合は申立書でお知らせください。判断能力が十分でない方は、成年後見制度の利用について福祉の窓口にご相談ください。\n【更新】一度申請して資格確認書の交付を受けた方は、次の更新のときに改めて申請する必要はありません。"
        )
    } else {
        String::new()
    };
    let body = format!(
        "日頃より市の福祉行政にご協力いただき、ありがとうございます。\nマイナ保険証を基本とする仕組みへの移行に伴い、マイナ保険証の利用が難しい方は、申請により資格確認書の交付を受けられます。申請は、ご本人だけでなく施設の職員の方による代理申請もできます。\n{request}{rest}{back}\nなお、マイナンバーカードを施設でお預かりいただく場合も、暗証番号の管理までは求められていません。暗証番号の管理が不安な方には、顔認証マイナンバーカードもご案内できます。"
    );
    let mut y = 54.0;
    y += s.paragraph(LEFT, y, WIDTH, 10.5, Weight::Regular, &body) + 4.0;
    let row_h = 6.0;
    for section in sections.iter().filter(|x| !x.rows.is_empty()) {
        let explanation_h = if section.explanation.is_empty() { 0.0 } else { 10.0 };
        if y + 6.0 + explanation_h + row_h > LIST_BOTTOM {
            s.new_page();
            y = 15.0;
        }
        y = section_title(s, y, &format!("{} ({}名)", section.title, section.rows.len()));
        if !section.explanation.is_empty() {
            y += s.paragraph(LEFT + 1.0, y + 1.0, WIDTH - 2.0, 9.0, Weight::Regular, section.explanation) + 1.5;
        }
        for (i, r) in section.rows.iter().enumerate() {
            if y + row_h > LIST_BOTTOM {
                s.new_page();
                y = section_title(s, 15.0, &format!("{} (続き)", section.title));
            }
            s.rect(LEFT, y, WIDTH, row_h, 0.4);
            s.text(LEFT + 2.0, y + 1.2, 10.0, Weight::Regular, &format!("{}.", i + 1));
            s.fit_text(LEFT + 12.0, y + 1.2, 50.0, 10.0, Weight::Regular, Align::Left, &r.name);
            s.fit_text(LEFT + 64.0, y + 1.2, 38.0, 10.0, Weight::Regular, Align::Left, &wareki::format(r.birth_date));
            s.fit_text(LEFT + 104.0, y + 1.2, WIDTH - 106.0, 10.0, Weight::Regular, Align::Left, &r.remark);
            y += row_h;
        }
        y += 3.0;
    }
    let contact_h = 18.0 + contacts.len() as f32 * 11.0;
    if y + 2.0 + contact_h > 282.0 {
        s.new_page();
        y = 15.0;
    }
    contact_block(s, y + 2.0, city, contacts, ContactScope::Apply);
}

/// What a contact block is for: where to apply (a sheet that asks for an application), or
/// only where to ask (別添2, which asks nothing to be applied for).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactScope {
    Apply,
    Inquire,
}

/// The line under an application contact: the city takes the applications of its own 国保 and
/// 後期 members only; anyone else applies to their own insurer.
pub const APPLY_SCOPE: &str =
    "市の窓口で申請できるのは、国民健康保険・後期高齢者医療にご加入の方です。ほかの医療保険 (勤め先の健康保険など) の方は、加入している保険者にお問い合わせください。";

/// The city's contact block: each desk's name, phone and hours, under a heading that says
/// what the block is for.
pub fn contact_block(s: &mut Sheet, y: f32, city: &CitySettings, contacts: &[DeskContact], scope: ContactScope) -> f32 {
    let scope_h = if scope == ContactScope::Apply { 10.0 } else { 0.0 };
    let h = 8.0 + scope_h + contacts.len() as f32 * 11.0;
    s.rect(LEFT, y, WIDTH, h, 1.2);
    let heading = match scope {
        ContactScope::Apply => "お問い合わせ・申請先",
        ContactScope::Inquire => "お問い合わせ先",
    };
    s.text(LEFT + 3.0, y + 2.0, 11.0, Weight::Bold, &format!("{heading} ({})", city.city_name));
    if scope == ContactScope::Apply {
        s.paragraph(LEFT + 3.0, y + 7.5, WIDTH - 6.0, 8.5, Weight::Regular, APPLY_SCOPE);
    }
    let mut yy = y + 8.0 + scope_h;
    for c in contacts {
        s.fit_text(LEFT + 3.0, yy, 110.0, 11.0, Weight::Bold, Align::Left, &c.name);
        s.fit_text(LEFT + 115.0, yy, 62.0, 12.0, Weight::Bold, Align::Right, &format!("電話 {}", c.phone));
        let where_when = [c.place.as_str(), c.hours.as_str()].iter().filter(|t| !t.is_empty()).copied().collect::<Vec<_>>().join("  ");
        s.fit_text(LEFT + 3.0, yy + 5.0, WIDTH - 6.0, 9.5, Weight::Regular, Align::Left, &where_when);
        yy += 11.0;
    }
    y + h
}

/// The 連携票 of one referral.
#[allow(clippy::too_many_arguments)]
pub fn referral_sheet(s: &mut Sheet, r: &Referral, p: &Person, route: &Route, applied: &str, from: &DeskContact, to: &DeskContact, today: NaiveDate) {
    s.fit_text(LEFT, 12.0, WIDTH, 17.0, Weight::Bold, Align::Center, "資格確認書 連携票 (連携依頼)");
    s.fit_text(LEFT, 24.0, WIDTH, 10.0, Weight::Regular, Align::Right, &format!("連携依頼番号 {}   印刷日 {}", r.id, wareki::format(today)));
    let mut y = 31.0;
    y = section_title(s, y, "依頼");
    field(s, LEFT, y, LABEL_W, 60.0, 8.0, "依頼元", &from.name);
    field(s, LEFT + 90.0, y, 25.0, 65.0, 8.0, "依頼先", &to.name);
    y += 8.0;
    field(s, LEFT, y, LABEL_W, 60.0, 8.0, "送付日", &wareki::format(r.sent_on));
    field(s, LEFT + 90.0, y, 25.0, 65.0, 8.0, "担当者", &r.sent_by_name);
    y += 8.0;
    field(s, LEFT, y, LABEL_W, 60.0, 8.0, "状態", r.status_label);
    field(s, LEFT + 90.0, y, 25.0, 65.0, 8.0, "依頼元 電話", &from.phone);
    y += 11.0;
    y = section_title(s, y, "対象者");
    field(s, LEFT, y, LABEL_W, 60.0, 7.0, "フリガナ", &p.kana);
    field(s, LEFT + 90.0, y, 25.0, 65.0, 7.0, "宛名番号", &p.atena_no);
    y += 7.0;
    field(s, LEFT, y, LABEL_W, 60.0, 10.0, "氏名", &p.name);
    field(s, LEFT + 90.0, y, 25.0, 65.0, 10.0, "生年月日", &wareki::format(p.birth_date));
    y += 10.0;
    let address = crate::disclosure::printed_address(p.protected, || postal_address(&p.postal_code, &p.address));
    field(s, LEFT, y, LABEL_W, WIDTH - LABEL_W, 8.0, "住所", &address);
    y += 8.0;
    field(s, LEFT, y, LABEL_W, 60.0, 8.0, "保険", p.scheme.label());
    field(s, LEFT + 90.0, y, 25.0, 65.0, 8.0, "カード", &format!("{} / {}", p.mynumber_card.label(), p.registration.label()));
    y += 8.0;
    let reasons: Vec<&str> = p.reasons.iter().map(|r| r.label()).collect();
    field(s, LEFT, y, LABEL_W, WIDTH - LABEL_W, 8.0, "配慮理由", &reasons.join("、"));
    y += 8.0;
    field(s, LEFT, y, LABEL_W, WIDTH - LABEL_W, 14.0, "交付経路", &format!("{} [{}] {}", route.label, route.r_numbers.join(", "), route.explanation));
    y += 14.0;
    field(s, LEFT, y, LABEL_W, WIDTH - LABEL_W, 8.0, "申請の状況", applied);
    y += 11.0;
    y = section_title(s, y, "依頼の内容");
    field(s, LEFT, y, LABEL_W, WIDTH - LABEL_W, 24.0, "依頼の理由", &r.reason);
    y += 24.0;
    field(s, LEFT, y, LABEL_W, WIDTH - LABEL_W, 10.0, "申請者の候補", &r.proposed_applicant);
    y += 10.0;
    let basis = if r.sharing_note.is_empty() { r.sharing_basis_label.to_string() } else { format!("{} ({})", r.sharing_basis_label, r.sharing_note) };
    field(s, LEFT, y, LABEL_W, WIDTH - LABEL_W, 10.0, "情報共有の根拠", &basis);
    y += 10.0;
    if !r.return_reason.is_empty() {
        field(s, LEFT, y, LABEL_W, WIDTH - LABEL_W, 12.0, "差戻しの理由", &r.return_reason);
        y += 12.0;
    }
    y += 3.0;
    y = section_title(s, y, "やりとり");
    // A comment's time in 和暦 as everywhere else, never the stored ISO stamp.
    let when = |at: &str| match (NaiveDate::parse_from_str(at.get(..10).unwrap_or(""), "%Y-%m-%d"), at.get(11..16)) {
        (Ok(d), Some(hm)) => format!("{} {hm}", wareki::format(d)),
        _ => at.replace('T', " "),
    };
    let thread: String = r.comments.iter().map(|c| format!("{} {}: {}", when(&c.at), c.name, c.body)).collect::<Vec<_>>().join("\n");
    let h = (270.0 - y).max(20.0);
    s.rect(LEFT, y, WIDTH, h, 0.6);
    s.text_box(LEFT + 2.0, y + 2.0, WIDTH - 4.0, h - 4.0, 10.0, Weight::Regular, if thread.is_empty() { "(なし)" } else { &thread });
    footer(s, "この連携票には個人番号を記入しないでください。支援措置の対象者の住所は記載しません。");
}

/// What the hand-over sheet of a person who moved out carries, gathered by the caller.
pub struct HandOver<'a> {
    pub city: &'a CitySettings,
    pub person: &'a Person,
    pub moved: &'a crate::moving::MoveOut,
    pub certificates: &'a [crate::certificate::Certificate],
    pub applications: &'a [Application],
    pub referrals: &'a [Referral],
    pub contact: &'a DeskContact,
}

/// 転出者の引継ぎ票: for the desk of the city the person moved to, what this city knew of their
/// needs and did for them (reasons, proxy, certificates and their state, applications and
/// referrals), with this city's contact. A protected person's address is never printed.
pub fn hand_over_sheet(s: &mut Sheet, h: &HandOver<'_>, today: NaiveDate) {
    let p = h.person;
    s.fit_text(LEFT, 12.0, WIDTH, 16.0, Weight::Bold, Align::Center, "転出者の引継ぎ票 (資格確認書・要配慮者)");
    s.fit_text(LEFT, 22.0, WIDTH, 10.5, Weight::Regular, Align::Left, &format!("{} 国民健康保険・後期高齢者医療の担当窓口 御中", h.moved.moved_to));
    s.fit_text(LEFT, 28.0, WIDTH, 10.0, Weight::Regular, Align::Right, &format!("{}   印刷日 {}", h.city.city_name, wareki::format(today)));
    let mut y = 34.0;
    y = section_title(s, y, "対象者");
    field(s, LEFT, y, LABEL_W, 60.0, 7.0, "フリガナ", &p.kana);
    field(s, LEFT + 90.0, y, 25.0, 65.0, 7.0, "生年月日", &wareki::format(p.birth_date));
    y += 7.0;
    field(s, LEFT, y, LABEL_W, 60.0, 10.0, "氏名", &p.name);
    field(s, LEFT + 90.0, y, 25.0, 65.0, 10.0, "保険", p.scheme.label());
    y += 10.0;
    let address = crate::disclosure::printed_address(p.protected, || postal_address(&p.postal_code, &p.address));
    field(s, LEFT, y, LABEL_W, WIDTH - LABEL_W, 8.0, "転出前の住所", &address);
    y += 8.0;
    field(s, LEFT, y, LABEL_W, WIDTH - LABEL_W, 8.0, "カード", &format!("{} / {}", p.mynumber_card.label(), p.registration.label()));
    y += 8.0;
    let reasons: Vec<&str> = p.reasons.iter().map(|r| r.label()).collect();
    let reasons = if reasons.is_empty() { "(記録なし)".to_string() } else { reasons.join("、") };
    field(s, LEFT, y, LABEL_W, WIDTH - LABEL_W, 8.0, "配慮理由", &reasons);
    y += 8.0;
    let rep = if p.legal_rep_name.is_empty() { p.legal_rep_kind.label().to_string() } else { format!("{} {}", p.legal_rep_kind.label(), p.legal_rep_name) };
    field(s, LEFT, y, LABEL_W, WIDTH - LABEL_W, 8.0, "法定代理人", &rep);
    y += 11.0;
    y = section_title(s, y, "転出");
    field(s, LEFT, y, LABEL_W, 60.0, 8.0, "転出日", &wareki::format(h.moved.moved_on));
    field(s, LEFT + 90.0, y, 25.0, 65.0, 8.0, "転出先", &h.moved.moved_to);
    y += 8.0;
    field(s, LEFT, y, LABEL_W, WIDTH - LABEL_W, 12.0, "メモ", &h.moved.note);
    y += 15.0;
    y = section_title(s, y, "資格確認書");
    let certificates: Vec<String> = h
        .certificates
        .iter()
        .map(|c| {
            let back = if c.return_due { "・返還待ち" } else { "" };
            let card = if c.card_lines.is_empty() { String::new() } else { format!("\n  {}", c.card_lines.join("・")) };
            format!(
                "{} {} 交付 {} 有効期限 {} ({}{}){card}",
                c.scheme_label,
                c.basis_label,
                wareki::format(c.issued_on),
                wareki::format(c.valid_until),
                c.status_label,
                back
            )
        })
        .collect();
    let rows: usize = certificates.iter().map(|c| c.lines().count()).sum();
    let box_h = 8.0 + 5.0 * rows.min(10) as f32;
    s.rect(LEFT, y, WIDTH, box_h, 0.6);
    let certificates = if certificates.is_empty() { "(交付なし)".to_string() } else { certificates.join("\n") };
    s.text_box(LEFT + 2.0, y + 2.0, WIDTH - 4.0, box_h - 4.0, 10.0, Weight::Regular, &certificates);
    y += box_h + 3.0;
    y = section_title(s, y, "申請と連携依頼");
    let mut lines: Vec<String> = h
        .applications
        .iter()
        .map(|a| format!("申請 {} 受付 {} {} {}", a.scheme.label(), wareki::format(a.received_on), a.applicant_label, a.status_label))
        .collect();
    lines.extend(
        h.referrals
            .iter()
            .map(|r| format!("連携依頼 {}→{} {}送付 {}: {}", r.from_desk.label(), r.to_desk.label(), wareki::format(r.sent_on), r.status_label, r.reason)),
    );
    let box_h = (268.0 - y).max(20.0);
    s.rect(LEFT, y, WIDTH, box_h, 0.6);
    let lines = if lines.is_empty() { "(なし)".to_string() } else { lines.join("\n") };
    s.text_box(LEFT + 2.0, y + 2.0, WIDTH - 4.0, box_h - 4.0, 10.0, Weight::Regular, &lines);
    s.fit_text(LEFT, 272.0, WIDTH, 9.5, Weight::Regular, Align::Left, &format!("問合せ先: {} 電話 {} ({})", h.contact.name, h.contact.phone, h.contact.hours));
    footer(s, "この引継ぎ票には個人番号を記入しないでください。支援措置の対象者の住所は記載しません。");
}

/// Whom one mailing letter is addressed to, as printed: the address is the one the reader may
/// print (a protected person's safe address only for a desk that may see it).
pub struct LetterTo<'a> {
    pub postal_code: &'a str,
    pub address: &'a str,
    pub name: &'a str,
    /// The mailing's reference (mailing-person), matching the addresses CSV.
    pub reference: &'a str,
}

/// The letter of a mailing to a 要配慮者 at home (notice 1(1)), in plain Japanese: what the
/// 資格確認書 is, who needs to apply, by when and how, with the city's contact. A reminder says
/// that the first letter has had no answer.
#[allow(clippy::too_many_arguments)]
pub fn mailing_letter(s: &mut Sheet, city: &CitySettings, contacts: &[DeskContact], to: &LetterTo<'_>, deadline: NaiveDate, reminder: bool, today: NaiveDate) {
    // The address block sits where a window envelope shows it.
    let mut y = 18.0;
    if !to.postal_code.trim().is_empty() {
        s.text(LEFT + 5.0, y, 11.0, Weight::Regular, &format!("〒{}", to.postal_code.trim()));
        y += 6.0;
    }
    y += s.paragraph(LEFT + 5.0, y, 85.0, 11.0, Weight::Regular, to.address);
    s.text(LEFT + 5.0, y + 3.0, 14.0, Weight::Bold, &format!("{} 様", to.name));
    s.fit_text(LEFT + 5.0, y + 11.0, 85.0, 8.0, Weight::Regular, Align::Left, &format!("整理番号 {}", to.reference));
    if !city.document_number.trim().is_empty() {
        s.fit_text(LEFT + 100.0, 18.0, 80.0, 10.5, Weight::Regular, Align::Right, city.document_number.trim());
    }
    s.fit_text(LEFT + 100.0, 24.0, 80.0, 10.5, Weight::Regular, Align::Right, &wareki::format(today));
    s.fit_text(LEFT + 90.0, 30.0, 90.0, 10.5, Weight::Regular, Align::Right, &city.addressee);
    let title = if reminder { "「資格確認書」のご案内 (再送)" } else { "「資格確認書」のご案内" };
    s.fit_text(LEFT, 62.0, WIDTH, 16.0, Weight::Bold, Align::Center, title);
    s.fit_text(LEFT, 70.0, WIDTH, 11.0, Weight::Regular, Align::Center, "マイナ保険証で病院や薬局にかかるのが難しい方へ");
    let by = wareki::format(deadline);
    let mut body = String::new();
    if reminder {
        body.push_str("先日、資格確認書のご案内をお送りしましたが、まだお返事をいただいていません。行き違いでしたら、ご容赦ください。\n");
    }
    body.push_str(&format!(
        "マイナンバーカードを使った保険証 (マイナ保険証) で受診することが難しい方は、申請をすると、紙の「資格確認書」を受け取れます。資格確認書があれば、これまでの保険証と同じように病院や薬局にかかれます。\n\
         \n\
         【申請が必要な方】\n\
         ・マイナ保険証を持っているが、使うのが難しい方 (カードの管理や暗証番号が難しい、介助が必要など)\n\
         \n\
         【申請の方法】\n\
         同封の申請書に記入して、{by}までに、同封の返信用封筒で送るか、下記の窓口へお持ちください。ご家族などが代わりに申請するときは、同封の委任状にご本人が記入してください。\n\
         \n\
         【申請がいらない方】\n\
         ・マイナ保険証で受診できる方\n\
         ・マイナ保険証を持っていない方 (資格確認書は申請しなくても届きます)\n\
         \n\
         一度申請して資格確認書を受け取った方は、次の更新のときに改めて申請する必要はありません。わからないことは、下記の窓口へお気軽にお電話ください。"
    ));
    let used = s.paragraph(LEFT, 80.0, WIDTH, 11.5, Weight::Regular, &body);
    let scope_y = (80.0 + used + 6.0).max(200.0);
    s.fit_text(LEFT, scope_y - 6.0, WIDTH, 10.0, Weight::Regular, Align::Left, "同封: 案内 (資格確認書について)、申請書、委任状");
    contact_block(s, scope_y, city, contacts, ContactScope::Apply);
    footer(s, "この案内は、市に登録されている内容をもとにお送りしています。個人番号は記入しないでください。");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::person::{validate_input, PersonInput};

    fn form(reasons: &[&str], had_care_certification: bool) -> FormData {
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let input = PersonInput {
            name: "見本 花子".into(),
            kana: "ミホン ハナコ".into(),
            birth_date: "1940-04-01".into(),
            sex: "female".into(),
            scheme: "kokuho".into(),
            reasons: reasons.iter().map(|r| r.to_string()).collect(),
            ..Default::default()
        };
        FormData {
            person: validate_input(&input, today).unwrap(),
            application: None,
            facility: None,
            scheme: AppScheme::Kokuho,
            city: CitySettings {
                city_name: "見本市".into(),
                addressee: "見本市長".into(),
                kouki_union: "見本県後期高齢者医療広域連合".into(),
                ..Default::default()
            },
            contact: DeskContact {
                desk: crate::model::staff::Desk::Kokuho,
                name: "国保年金課".into(),
                phone: "0120-000-101".into(),
                hours: String::new(),
                place: String::new(),
            },
            had_care_certification,
            today,
            audience: crate::disclosure::Audience::every_desk(),
            householder: String::new(),
            standing_delivery: None,
        }
    }

    fn ticked(d: &FormData, label: &str) -> bool {
        reason_boxes(d).iter().any(|(l, on)| *l == label && *on)
    }

    /// #12 item 1: 要介護認定 is ticked only when a certification (or its application) is
    /// recorded, not because the reason is 高齢.
    #[test]
    fn care_certification_is_ticked_only_when_recorded() {
        assert!(!ticked(&form(&["elderly"], false), "要介護認定"), "elderly, nothing recorded");
        assert!(ticked(&form(&["elderly"], true), "要介護認定"), "a recorded certification");
        assert!(ticked(&form(&[], true), "要介護認定"), "recorded, whatever the reasons");
        assert!(ticked(&form(&["dementia"], false), "認知症"));
    }

    /// #32: a 後期 form has no 児童 box (a member is never a child); a 国保 form keeps it.
    #[test]
    fn a_kouki_form_has_no_child_box() {
        let labels = |d: &FormData| reason_boxes(d).iter().map(|(l, _)| *l).collect::<Vec<_>>();
        let mut d = form(&["child"], false);
        assert!(labels(&d).contains(&"児童") && ticked(&d, "児童"));
        d.scheme = AppScheme::Kouki;
        assert!(!labels(&d).contains(&"児童"), "{:?}", labels(&d));
    }

    /// #32: 暗証番号の管理が困難 is never ticked for a 顔認証マイナンバーカード, which has no PIN,
    /// whatever the recorded reasons say; for any other card it follows the reason.
    #[test]
    fn no_pin_box_is_ticked_for_a_face_authentication_card() {
        let mut d = form(&["pin"], false);
        for (card, want) in [(crate::person::CardKind::Card, true), (crate::person::CardKind::FaceAuth, false), (crate::person::CardKind::None, true)] {
            d.person.mynumber_card = card;
            assert_eq!(ticked(&d, "暗証番号の管理が困難"), want, "{card:?}");
        }
    }

    /// #12 item 3: the chosen 申請者 and 委任者 are ticked; 後期 offers no 世帯主.
    #[test]
    fn applicant_and_delegator_boxes_tick_the_chosen_one() {
        let f = Facility {
            id: 1,
            name: "見本園".into(),
            kind: crate::facility::FacilityKind::Elderly,
            kind_label: "",
            postal_code: String::new(),
            address: String::new(),
            phone: String::new(),
            contact_name: String::new(),
            campaign: crate::facility::Campaign::None,
            campaign_label: "",
            residents: 0,
        };
        let mut d = form(&[], false);
        assert!(applicant_boxes(&d).iter().all(|(_, on)| !on), "a blank form ticks no applicant");
        assert_eq!(applicant_boxes(&d).iter().map(|(l, _)| *l).collect::<Vec<_>>(), vec!["世帯主", "本人", "代理人"]);
        d = d.as_facility_proxy(&f);
        assert_eq!(applicant_boxes(&d), vec![("世帯主", false), ("本人", false), ("代理人", true)]);
        assert_eq!(delegator_boxes(&d), vec![("本人", true), ("世帯主", false)]);
        if let Some(a) = d.application.as_mut() {
            a.applicant = Applicant::Householder;
            a.delegator = Some(Delegator::Householder);
        }
        assert_eq!(applicant_boxes(&d), vec![("世帯主", true), ("本人", false), ("代理人", false)]);
        assert_eq!(delegator_boxes(&d), vec![("本人", false), ("世帯主", true)]);
        d.scheme = AppScheme::Kouki;
        assert_eq!(applicant_boxes(&d).iter().map(|(l, _)| *l).collect::<Vec<_>>(), vec!["本人", "代理人"]);
        assert_eq!(delegator_boxes(&d).iter().map(|(l, _)| *l).collect::<Vec<_>>(), vec!["本人"]);
    }
}
