//! Persons (対象者): the stored record and its coded enums.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::coded_enum;
use crate::text::normalize;

coded_enum! {
    pub enum Sex ("性別") {
        Male = ("male", "男"),
        Female = ("female", "女"),
        Unstated = ("unstated", "記載なし"),
    }
}

coded_enum! {
    /// The person's health insurance scheme, which decides who issues the 資格確認書.
    pub enum Scheme ("保険種別") {
        Kokuho = ("kokuho", "国民健康保険"),
        Kouki = ("kouki", "後期高齢者医療"),
        Kumiai = ("kumiai", "国民健康保険組合"),
        Employee = ("employee", "被用者保険"),
        Welfare = ("welfare", "生活保護"),
        Unknown = ("unknown", "不明"),
    }
}

coded_enum! {
    /// Which My Number card the person holds.
    pub enum CardKind ("マイナンバーカード") {
        None = ("none", "カードなし"),
        Card = ("card", "マイナンバーカード"),
        FaceAuth = ("face_auth", "顔認証マイナンバーカード"),
        /// The card's 電子証明書 (利用者証明用) has lapsed, so it cannot be read at a clinic
        /// until it is renewed at the マイナンバー desk.
        CertificateLapsed = ("certificate_lapsed", "電子証明書の失効"),
        /// The card was handed back (カード返納): the person no longer holds one.
        Returned = ("returned", "カード返納"),
    }
}

coded_enum! {
    /// Whether the card is registered for health-insurance use (マイナ保険証).
    pub enum Registration ("保険証利用登録") {
        Registered = ("registered", "登録済み"),
        NotRegistered = ("not_registered", "未登録"),
        Unknown = ("unknown", "不明"),
        /// The insurance registration was cancelled (利用登録の解除) on the person's 解除申請.
        Cancelled = ("cancelled", "利用登録の解除"),
        /// The person set their 資格情報 not to be shown at clinics (閲覧不可設定), so the card
        /// cannot confirm their insurance.
        ViewBlocked = ("view_blocked", "閲覧不可設定"),
    }
}

coded_enum! {
    /// Why the person needs consideration (配慮が必要な理由).
    pub enum Reason ("配慮理由") {
        Elderly = ("elderly", "高齢"),
        Dementia = ("dementia", "認知症"),
        Physical = ("physical", "身体障害"),
        Intellectual = ("intellectual", "知的障害"),
        Mental = ("mental", "精神障害"),
        Child = ("child", "児童"),
        Facility = ("facility", "施設入所"),
        Pin = ("pin", "暗証番号管理困難"),
        /// The card is lost or damaged and not yet reissued.
        LostOrDamaged = ("lost_or_damaged", "紛失・破損"),
        /// The person has returned the card or means to (カード返納・返納予定).
        CardReturn = ("card_return", "カード返納 (予定を含む)"),
        /// The person can visit a clinic only with a helper, who cannot use the card for them.
        NeedsCompanion = ("needs_companion", "介助者の同行が必要"),
        /// The card's 電子証明書 has lapsed and is not yet renewed.
        CertificateLapsed = ("certificate_lapsed", "電子証明書の失効"),
        Other = ("other", "その他"),
    }
}

coded_enum! {
    /// Whether a reason lasts: a continuing one (継続的) keeps a certificate coming at each
    /// renewal without a new application, where the rules say so; a passing one (一時的) ends
    /// when the card is usable again.
    pub enum ReasonSpan ("配慮理由の性質") {
        Temporary = ("temporary", "一時的"),
        Continuing = ("continuing", "継続的"),
    }
}

impl Reason {
    /// How long the reason lasts, as practice treats it, until a city sets otherwise
    /// ([`ReasonSpans`]): a lost card, a lapsed 電子証明書 or an unstated reason passes; age,
    /// illness, disability, a placement and a returned card do not.
    pub fn span(self) -> ReasonSpan {
        match self {
            Reason::LostOrDamaged | Reason::CertificateLapsed | Reason::Other => ReasonSpan::Temporary,
            Reason::Elderly
            | Reason::Dementia
            | Reason::Physical
            | Reason::Intellectual
            | Reason::Mental
            | Reason::Child
            | Reason::Facility
            | Reason::Pin
            | Reason::CardReturn
            | Reason::NeedsCompanion => ReasonSpan::Continuing,
        }
    }
}

coded_enum! {
    /// 続柄: how a member stands to the 世帯主 on the 住民票.
    pub enum Relationship ("続柄") {
        Head = ("head", "世帯主"),
        Spouse = ("spouse", "配偶者 (妻・夫)"),
        Child = ("child", "子"),
        Parent = ("parent", "父母"),
        Grandchild = ("grandchild", "孫"),
        Grandparent = ("grandparent", "祖父母"),
        Sibling = ("sibling", "兄弟姉妹"),
        ChildInLaw = ("child_in_law", "子の配偶者"),
        ParentInLaw = ("parent_in_law", "配偶者の父母"),
        OtherRelative = ("other_relative", "その他の親族"),
        Cohabitant = ("cohabitant", "同居人"),
    }
}

impl Relationship {
    /// A 続柄 as the 住民票 and the core systems write it (妻, 長男 before 1995, 祖母, 子の妻 …),
    /// or a code or label; anything else is refused with the choices.
    pub fn read(s: &str) -> Result<Relationship, String> {
        use Relationship::*;
        let t = s.trim();
        let found = match t {
            "本人" | "世帯主" => Some(Head),
            "妻" | "夫" | "妻(未届)" | "夫(未届)" | "配偶者" => Some(Spouse),
            "長男" | "長女" | "二男" | "二女" | "次男" | "次女" | "三男" | "三女" | "養子" | "子" => Some(Child),
            "父" | "母" | "養父" | "養母" => Some(Parent),
            "祖父" | "祖母" => Some(Grandparent),
            "兄" | "姉" | "弟" | "妹" => Some(Sibling),
            "子の妻" | "子の夫" => Some(ChildInLaw),
            "妻の父" | "妻の母" | "夫の父" | "夫の母" => Some(ParentInLaw),
            "縁故者" | "おじ" | "おば" | "おい" | "めい" | "孫の妻" | "孫の夫" => Some(OtherRelative),
            "同居人" => Some(Cohabitant),
            _ => None,
        };
        found.map(Ok).unwrap_or_else(|| Relationship::parse(t))
    }
}

coded_enum! {
    /// The person's legal representative (法定代理人), if any.
    pub enum LegalRepKind ("法定代理人") {
        None = ("none", "なし"),
        Guardian = ("guardian", "成年後見人"),
        Parent = ("parent", "親権者"),
        MinorGuardian = ("minor_guardian", "未成年後見人"),
        /// 保佐人・補助人, who act for the person only where the court gave them 代理権.
        Curator = ("curator", "保佐人・補助人"),
        VoluntaryGuardian = ("voluntary_guardian", "任意後見人"),
    }
}

/// A stored person.
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    pub id: i64,
    pub atena_no: String,
    pub name: String,
    pub kana: String,
    pub birth_date: NaiveDate,
    pub sex: Sex,
    pub postal_code: String,
    pub address: String,
    pub phone: String,
    pub householder: String,
    pub scheme: Scheme,
    pub insurer_no: String,
    /// 住所地特例: the insurer of another municipality (国保) or another prefecture's 広域連合
    /// (後期) that insures this resident although they live here; empty for the city's own.
    pub other_insurer: String,
    pub card_symbol: String,
    pub card_number: String,
    pub card_branch: String,
    pub old_card_expiry: Option<NaiveDate>,
    pub mynumber_card: CardKind,
    pub registration: Registration,
    pub wishes_cancel: bool,
    pub reasons: Vec<Reason>,
    pub facility_id: Option<i64>,
    pub legal_rep_kind: LegalRepKind,
    pub legal_rep_name: String,
    /// 支援措置 (DV・ストーカー等): the address is never shown or printed beyond the safe 送付先.
    pub protected: bool,
    pub safe_postal_code: String,
    pub safe_address: String,
    pub notes: String,
    /// 世帯番号 of the 住民票; the household is the persons who share it.
    pub household_no: String,
    /// 続柄 to the 世帯主, when known.
    pub relationship: Option<Relationship>,
    /// 通称 (a foreign resident's registered alias), printed beside the legal name.
    pub alias: String,
    /// 在留期限: a foreign resident's certificate runs no longer than their stay.
    pub residence_until: Option<NaiveDate>,
    /// Forms for this person are printed in 西暦, as they asked.
    pub western_calendar: bool,
}

/// The last day a card whose 電子証明書 expired on `expired_on` still works as a マイナ保険証:
/// the end of the third month after the month it expired (an expired certificate is accepted
/// at clinics for that long). The card counts as lapsed, and the route changes, only after it.
pub fn certificate_grace_end(expired_on: NaiveDate) -> NaiveDate {
    let months = expired_on.year() * 12 + expired_on.month0() as i32 + 4;
    let first_after = NaiveDate::from_ymd_opt(months.div_euclid(12), months.rem_euclid(12) as u32 + 1, 1).expect("the first of a month");
    first_after.pred_opt().expect("a day before the first of a month")
}

impl Person {
    /// Age in full years on `on` (a birthday counts from the day itself).
    pub fn age_on(&self, on: NaiveDate) -> i32 {
        age_on(self.birth_date, on)
    }

    /// True when the person holds a マイナ保険証: a card registered for insurance use.
    pub fn holds_mynumber_insurance_card(&self) -> bool {
        self.card_readable() && self.registration == Registration::Registered
    }

    /// True when the person holds a card a clinic's reader can use: not returned, and its
    /// 電子証明書 in force.
    pub fn card_readable(&self) -> bool {
        matches!(self.mynumber_card, CardKind::Card | CardKind::FaceAuth)
    }

    /// True when at least one recorded reason lasts, as the city counts them.
    pub fn has_continuing_reason(&self, spans: &ReasonSpans) -> bool {
        self.reasons.iter().any(|r| spans.span(*r) == ReasonSpan::Continuing)
    }

    /// True when another municipality or another prefecture's 広域連合 insures the person
    /// (住所地特例), so the city's own form is not theirs.
    pub fn insured_elsewhere(&self) -> bool {
        !self.other_insurer.is_empty()
    }

    /// The day the person joins 後期高齢者医療: the 75th birthday itself.
    pub fn kouki_from(&self) -> NaiveDate {
        birthday(self.birth_date, KOUKI_AGE)
    }
}

/// The age at which everyone insured by 国保 (or an employee scheme) becomes a 後期高齢者医療
/// member, from the birthday itself (高齢者の医療の確保に関する法律 第50条・第52条).
pub const KOUKI_AGE: i32 = 75;

/// The day someone born on `birth` turns `age`: the birthday that year, or 3/1 for a 2/29
/// birthday in a common year (the day [`age_on`] counts the new age from).
pub fn birthday(birth: NaiveDate, age: i32) -> NaiveDate {
    let year = birth.year() + age;
    NaiveDate::from_ymd_opt(year, birth.month(), birth.day()).or_else(|| NaiveDate::from_ymd_opt(year, 3, 1)).expect("3/1 exists every year")
}

/// The first day a 国保 member born on `birth` is a 高齢受給者 (70–74, 2割 or 3割): the first of
/// the month after the day they reach 70 by statute (the day before the birthday), or that day
/// itself when it is a first (国民健康保険法第42条第1項第3号・第4号).
pub fn elderly_recipient_from(birth: NaiveDate) -> NaiveDate {
    let reached = birthday(birth, 70).pred_opt().expect("a day before a birthday");
    if reached.day() == 1 {
        return reached;
    }
    let months = reached.year() * 12 + reached.month0() as i32 + 1;
    NaiveDate::from_ymd_opt(months.div_euclid(12), months.rem_euclid(12) as u32 + 1, 1).expect("the first of a month")
}

/// The first day a child born on `birth` is no longer 義務教育就学前 (2割 until then): the first
/// school year begun on or after the day after they reach 6 by statute, that is the first 4/1
/// on or after the sixth birthday (学校教育法第17条).
pub fn school_from(birth: NaiveDate) -> NaiveDate {
    let sixth = birthday(birth, 6);
    let april = NaiveDate::from_ymd_opt(sixth.year(), 4, 1).expect("4/1");
    if april >= sixth {
        april
    } else {
        NaiveDate::from_ymd_opt(sixth.year() + 1, 4, 1).expect("4/1")
    }
}

/// The last birth date of those who are `age` or over on `on` counted by 年齢計算ニ関スル法律
/// ([`statutory_age_on`]): one whose birthday is the next day is that age already.
pub fn statutorily_born_by(on: NaiveDate, age: i32) -> NaiveDate {
    born_by(on.succ_opt().unwrap_or(on), age)
}

/// The last birth date of those who are `age` or over on `on` (by [`age_on`]). A 2/29 with
/// no 2/29 that many years before stands for 2/28.
pub fn born_by(on: NaiveDate, age: i32) -> NaiveDate {
    let year = on.year() - age;
    on.with_year(year).or_else(|| NaiveDate::from_ymd_opt(year, 2, 28)).expect("2/28 exists every year")
}

/// Age on `on` under 年齢計算ニ関スル法律: reached at the end of the day before the birthday
/// (a 2/29 birthday: at the end of 2/28 in other years), so it is the birthday count of the
/// next day.
pub fn statutory_age_on(birth: NaiveDate, on: NaiveDate) -> i32 {
    age_on(birth, on.succ_opt().unwrap_or(on))
}

/// Age in full years on `on`, a birthday counting from the day itself (後期高齢者医療's 75th).
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> i32 {
    let mut age = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

/// The stored form of a person's reasons: their codes, comma-separated.
pub fn reasons_to_text(reasons: &[Reason]) -> String {
    reasons.iter().map(|r| r.code()).collect::<Vec<_>>().join(",")
}

/// The span of every reason as the city counts it: city data, since cities differ (広島市
/// continues a certificate given for 「その他」 at renewal; most treat it as passing). Until the
/// city sets them, each reason has the span practice gives it ([`Reason::span`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReasonSpans {
    /// The reasons the city counts as lasting; `None` until it has set any.
    continuing: Option<Vec<Reason>>,
}

impl ReasonSpans {
    /// From the stored list of lasting reasons' codes (`None`: never set).
    pub fn from_stored(continuing: Option<&str>) -> ReasonSpans {
        ReasonSpans { continuing: continuing.map(reasons_from_text) }
    }

    /// The set spans, each reason given as lasting or passing.
    pub fn with(spans: &[(Reason, ReasonSpan)]) -> ReasonSpans {
        let mut continuing: Vec<Reason> = Reason::ALL.iter().copied().filter(|r| r.span() == ReasonSpan::Continuing).collect();
        for (r, s) in spans {
            continuing.retain(|c| c != r);
            if *s == ReasonSpan::Continuing {
                continuing.push(*r);
            }
        }
        continuing.sort();
        ReasonSpans { continuing: Some(continuing) }
    }

    /// What is stored: the lasting reasons' codes.
    pub fn to_stored(&self) -> String {
        let all: Vec<Reason> = Reason::ALL.iter().copied().filter(|r| self.span(*r) == ReasonSpan::Continuing).collect();
        reasons_to_text(&all)
    }

    pub fn span(&self, r: Reason) -> ReasonSpan {
        match &self.continuing {
            None => r.span(),
            Some(c) if c.contains(&r) => ReasonSpan::Continuing,
            Some(_) => ReasonSpan::Temporary,
        }
    }
}

/// A reason for care with its span, for the person form to show beside the box.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct ReasonChoice {
    pub code: Reason,
    pub label: &'static str,
    pub span: ReasonSpan,
    pub span_label: &'static str,
}

/// Every reason with its span as the city counts it.
pub fn reason_choices(spans: &ReasonSpans) -> Vec<ReasonChoice> {
    Reason::ALL
        .iter()
        .map(|r| {
            let span = spans.span(*r);
            ReasonChoice { code: *r, label: r.label(), span, span_label: span.label() }
        })
        .collect()
}

/// Reads the stored form of a person's reasons; a code this version does not know is skipped.
pub fn reasons_from_text(s: &str) -> Vec<Reason> {
    s.split(',').filter_map(Reason::from_code).collect()
}

/// The search columns of a person, computed from its name and reading.
pub struct SearchKeys {
    pub name: String,
    pub kana: String,
    pub name_chars: String,
    pub kana_chars: String,
    /// The one- and two-character pieces of both keys ([`normalize::pieces`]), which
    /// PostgreSQL's search index holds.
    pub pieces: String,
    /// The 通称's key, searched apart (few persons have one).
    pub alias: String,
}

impl SearchKeys {
    pub fn of(p: &Person) -> SearchKeys {
        let (name, kana) = (normalize::search_key(&p.name), normalize::search_key(&p.kana));
        SearchKeys {
            name_chars: normalize::spaced(&name),
            kana_chars: normalize::spaced(&kana),
            pieces: normalize::pieces(&[&name, &kana]),
            name,
            kana,
            alias: normalize::search_key(&p.alias),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_birthday_is_the_day_the_age_counts_from() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        for (birth, turns_75) in [("1951-11-26", "2026-11-26"), ("1952-02-29", "2027-03-01"), ("1956-02-29", "2031-03-01")] {
            let day = birthday(d(birth), KOUKI_AGE);
            assert_eq!(day, d(turns_75), "{birth}");
            assert_eq!(age_on(d(birth), day), 75);
            assert_eq!(age_on(d(birth), day.pred_opt().unwrap()), 74);
        }
        assert_eq!(birthday(d("1952-02-29"), 76), d("2028-02-29"));
    }
}
