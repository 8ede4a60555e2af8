//! Applications (交付申請): the stored record, its status and checklist.

use chrono::NaiveDate;
use serde::Serialize;

use crate::coded_enum;
// The reasons for care are the person module's type; this path follows it when it moves to
// `model::person`.
use crate::model::person::Reason;

coded_enum! {
    /// Which scheme the certificate is for; the city's counter handles 国保 and 後期.
    pub enum AppScheme ("申請先の制度") {
        Kokuho = ("kokuho", "国民健康保険"),
        Kouki = ("kouki", "後期高齢者医療"),
    }
}

coded_enum! {
    pub enum Channel ("受付方法") {
        Counter = ("counter", "窓口"),
        Mail = ("mail", "郵送"),
        Outreach = ("outreach", "出張申請"),
        FacilityBatch = ("facility_batch", "施設一括"),
    }
}

coded_enum! {
    pub enum Applicant ("申請者") {
        Person = ("self", "本人"),
        Householder = ("householder", "世帯主"),
        Proxy = ("proxy", "代理人"),
    }
}

coded_enum! {
    /// Who signs the 委任状 for a proxy from outside the household: the person, or (国保 only)
    /// the 世帯主, who is the applicant of the household by law.
    pub enum Delegator ("委任者") {
        Person = ("self", "本人"),
        Householder = ("householder", "世帯主"),
    }
}

coded_enum! {
    /// The proxy's authority (代理権限), which decides the documents to check.
    pub enum ProxyAuthority ("代理人の種別") {
        SameHousehold = ("same_household", "同一世帯の親族"),
        Relative = ("relative", "別世帯の親族"),
        Guardian = ("guardian", "成年後見人"),
        Parent = ("parent", "親権者"),
        FacilityChild = ("facility_child", "施設職員 (児童・親権者の委任)"),
        Caregiver = ("caregiver", "介助者"),
        FacilityAdult = ("facility_adult", "施設職員 (成人)"),
        /// 児童福祉法 第47条: the head of a facility acts as parent for a child placed there who
        /// has no 親権者 or guardian; no 委任状.
        FacilityHead = ("facility_head", "施設長 (親権代行・児童福祉法第47条)"),
        MinorGuardian = ("minor_guardian", "未成年後見人"),
        /// 児童福祉法 第47条第2項: for a child placed with a 里親 or in a ファミリーホーム who has
        /// no 親権者 or guardian, the head of the 児童相談所 acts as parent (the facility head
        /// does not); no 委任状.
        ChildGuidanceChief = ("child_guidance_chief", "児童相談所長 (親権代行・児童福祉法第47条第2項)"),
        /// 保佐人・補助人 act for the person only where the court gave them 代理権.
        Curator = ("curator", "保佐人・補助人 (代理権あり)"),
        VoluntaryGuardian = ("voluntary_guardian", "任意後見人"),
    }
}

impl ProxyAuthority {
    /// Whether the proxy's own address is a 送付先 the city takes without a recorded reason: a
    /// member of the household lives at the registered address anyway, and a legal
    /// representative (or whoever acts as parent) manages the person's affairs. A certificate for
    /// anyone else's proxy goes to the registered address (国保: to the 世帯主), and another
    /// address needs the reason on record.
    pub fn mails_to_proxy_without_reason(self) -> bool {
        use ProxyAuthority::*;
        matches!(self, SameHousehold | Guardian | Parent | MinorGuardian | Curator | VoluntaryGuardian | FacilityHead | ChildGuidanceChief)
    }

    /// The words a form or letter prints for the authority, which a resident and their family
    /// read: plain, without the desk's distinctions (成人, 児童・親権者の委任, the article of law).
    pub fn printed_label(self) -> &'static str {
        match self {
            ProxyAuthority::FacilityChild | ProxyAuthority::FacilityAdult => "施設の職員",
            ProxyAuthority::FacilityHead => "施設長",
            ProxyAuthority::ChildGuidanceChief => "児童相談所長",
            ProxyAuthority::Curator => "保佐人・補助人",
            other => other.label(),
        }
    }
}

coded_enum! {
    /// How the person's own part of the paper (the 申請書 or the 委任状) was signed.
    pub enum Signing ("署名") {
        Signed = ("signed", "本人が自署"),
        /// 代筆: someone wrote for a person who cannot sign; the person's own identity document
        /// is then checked as well.
        Ghostwritten = ("ghostwritten", "代筆"),
        /// The person cannot give a 委任 at all (and has no legal representative): the proxy
        /// states why instead of bringing a 委任状.
        NoDelegation = ("no_delegation", "委任できない (事情の申立て)"),
    }
}

coded_enum! {
    /// 任意記載事項: what a 資格確認書 may also show on request (併記).
    pub enum OptionalEntry ("任意記載事項") {
        LimitCategory = ("limit_category", "限度額適用区分"),
        SpecificDisease = ("specific_disease", "特定疾病区分"),
    }
}

coded_enum! {
    /// A document the clerk checks before deciding.
    pub enum Document ("確認書類") {
        ApplicantId = ("applicant_id", "申請者の本人確認書類"),
        ProxyId = ("proxy_id", "代理人の本人確認書類"),
        Delegation = ("delegation", "委任状 (本人から代理人へ)"),
        HouseholderDelegation = ("householder_delegation", "委任状 (世帯主から代理人へ)"),
        RegistryCertificate = ("registry_certificate", "登記事項証明書 (成年後見)"),
        FamilyRegister = ("family_register", "戸籍謄本等 (親権の確認)"),
        ParentDelegation = ("parent_delegation", "親権者から施設職員への委任状"),
        StaffId = ("staff_id", "施設職員の身分証明書"),
        PlacementNotice = ("placement_notice", "入所措置の決定通知書等 (施設長の親権代行)"),
        MinorGuardianRecord = ("minor_guardian_record", "戸籍謄本等 (未成年後見人の確認)"),
        AgencyRegistry = ("agency_registry", "登記事項証明書 (保佐・補助の代理行為目録)"),
        VoluntaryRegistry = ("voluntary_registry", "登記事項証明書 (任意後見契約・監督人の選任)"),
        PersonId = ("person_id", "本人の本人確認書類 (代筆の確認)"),
        WriterId = ("writer_id", "代筆者の本人確認書類"),
        NoDelegationStatement = ("no_delegation_statement", "委任できない事情の申立書"),
    }
}

coded_enum! {
    pub enum AppStatus ("申請の状態") {
        Received = ("received", "受付"),
        Reviewing = ("reviewing", "審査中"),
        Decided = ("decided", "交付決定"),
        Issued = ("issued", "交付済"),
        Rejected = ("rejected", "却下"),
        Withdrawn = ("withdrawn", "取下げ"),
        AtRenewal = ("at_renewal", "年次更新時交付"),
        // 後期: the 広域連合 decides and issues; the city forwards (進達) and hands over.
        Forwarded = ("forwarded", "進達済"),
        UnionIssued = ("union_issued", "広域連合で交付決定"),
        UnionRejected = ("union_rejected", "広域連合で却下"),
        HandedOver = ("handed_over", "引渡し・送付済"),
    }
}

coded_enum! {
    /// What the 広域連合 decided on a forwarded 後期 application.
    pub enum UnionResult ("広域連合の決定") {
        Issued = ("issued", "交付"),
        Rejected = ("rejected", "却下"),
        /// R9: received during the provisional period, issued at the renewal after it.
        AtRenewal = ("at_renewal", "年次更新時交付"),
    }
}

coded_enum! {
    /// How the city passed on what the 広域連合 issued.
    pub enum HandOverMethod ("引渡し方法") {
        Counter = ("counter", "窓口で手渡し"),
        Mail = ("mail", "郵送"),
    }
}

coded_enum! {
    /// What the person who takes a certificate at the counter showed to prove who they are:
    /// one document with a photo, or two without (as 窓口 practice asks). Without either the
    /// certificate goes by mail.
    pub enum IdentityShown ("本人確認書類") {
        OnePhoto = ("one_photo", "顔写真付きの書類1点 (マイナンバーカード、運転免許証など)"),
        TwoOther = ("two_other", "顔写真のない書類2点 (資格確認書と年金手帳など)"),
    }
}

coded_enum! {
    /// Where the certificate is sent.
    pub enum Delivery ("送付先") {
        Home = ("home", "本人の住所"),
        Proxy = ("proxy", "代理人の住所"),
        Facility = ("facility", "入所施設"),
        Counter = ("counter", "窓口で手渡し"),
    }
}

/// The stored form of a list of 任意記載事項: their codes, comma-separated.
pub fn entries_to_text(entries: &[OptionalEntry]) -> String {
    entries.iter().map(|e| e.code()).collect::<Vec<_>>().join(",")
}

/// Reads the stored form of a list of 任意記載事項.
pub fn entries_from_text(s: &str) -> Vec<OptionalEntry> {
    s.split(',').filter_map(OptionalEntry::from_code).collect()
}

#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct ChecklistItem {
    pub document: Document,
    pub label: &'static str,
    pub checked: bool,
}

#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct Application {
    pub id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub referral_id: Option<i64>,
    pub scheme: AppScheme,
    pub scheme_label: &'static str,
    pub received_on: NaiveDate,
    pub channel: Channel,
    pub channel_label: &'static str,
    pub applicant: Applicant,
    pub applicant_label: &'static str,
    pub authority: Option<ProxyAuthority>,
    pub authority_label: Option<&'static str>,
    /// Who signed the 委任状, when the proxy needs one from the person or the 世帯主.
    pub delegator: Option<Delegator>,
    pub delegator_label: Option<&'static str>,
    pub proxy_name: String,
    pub proxy_kana: String,
    pub proxy_address: String,
    pub proxy_phone: String,
    pub proxy_relationship: String,
    pub reasons: Vec<Reason>,
    /// How the person's own part was signed, and who wrote it when it was 代筆.
    pub signing: Signing,
    pub signing_label: &'static str,
    pub writer_name: String,
    /// 任意記載事項 the person asked to have on the certificate (併記).
    pub optional_entries: Vec<OptionalEntry>,
    pub delivery: Delivery,
    pub delivery_label: &'static str,
    /// Why the certificate goes to a proxy's address other than the registered one.
    pub delivery_reason: String,
    /// A 後期 application the city itself reviews, decides and issues at its counter (the
    /// 広域連合 allowed it when it was received); false for every 国保 one, whose steps are the
    /// city's anyway.
    pub city_issues: bool,
    pub status: AppStatus,
    pub status_label: &'static str,
    pub override_reason: String,
    pub decision_note: String,
    /// The login of the clerk who received it.
    pub received_by: String,
    /// The clerk's name, as printed on the form (a login is not for residents' eyes).
    pub received_by_name: String,
    pub decided_by: Option<String>,
    pub decided_on: Option<NaiveDate>,
    /// 後期: the day the city forwarded it to the 広域連合 (進達), and the clerk's login.
    pub forwarded_on: Option<NaiveDate>,
    pub forwarded_by: Option<String>,
    /// 後期: the day of the 広域連合's decision, as its result says.
    pub union_decided_on: Option<NaiveDate>,
    /// 後期: when and how the city passed on what the 広域連合 issued.
    pub handed_over_on: Option<NaiveDate>,
    pub handover_method: Option<HandOverMethod>,
    pub handover_method_label: Option<&'static str>,
    /// At the counter: the identity document the person taking it showed.
    pub handover_identity: Option<IdentityShown>,
    pub handover_identity_label: Option<&'static str>,
    pub checklist: Vec<ChecklistItem>,
    /// What the staff member who asked may do to it now (`application::next_steps`); empty in
    /// the core's own reads.
    pub next: Vec<ApplicationStepKind>,
    /// The person is under 支援措置: a proxy of the same household shares their address, so the
    /// proxy's address is withheld with theirs (`disclosure::application`).
    pub protected: bool,
}

coded_enum! {
    /// The kinds of `ApplicationStep` (and the checklist), for the view of what a desk may do
    /// next; each label is the step's name in an error message.
    pub enum ApplicationStepKind ("申請の操作") {
        CheckDocument = ("check_document", "書類の確認を変更"),
        StartReview = ("start_review", "審査を開始"),
        Decide = ("decide", "交付決定"),
        Issue = ("issue", "交付"),
        Reject = ("reject", "却下"),
        Withdraw = ("withdraw", "取下げ"),
        Forward = ("forward", "進達"),
        RecordUnionResult = ("record_union_result", "広域連合の決定を記録"),
        HandOver = ("hand_over", "引渡し・送付"),
    }
}

impl ProxyAuthority {
    /// The documents this authority needs (R3, R4; a proxy outside the household brings a
    /// 委任状 and their own identity document).
    pub fn documents(self) -> &'static [Document] {
        use Document::*;
        match self {
            ProxyAuthority::SameHousehold => &[ProxyId],
            ProxyAuthority::Relative => &[Delegation, ProxyId],
            ProxyAuthority::Guardian => &[RegistryCertificate, ProxyId],
            ProxyAuthority::Parent => &[FamilyRegister, ProxyId],
            ProxyAuthority::FacilityChild => &[ParentDelegation, StaffId],
            ProxyAuthority::Caregiver => &[Delegation, ProxyId],
            ProxyAuthority::FacilityAdult => &[Delegation, StaffId],
            ProxyAuthority::FacilityHead | ProxyAuthority::ChildGuidanceChief => &[PlacementNotice, StaffId],
            ProxyAuthority::MinorGuardian => &[MinorGuardianRecord, ProxyId],
            ProxyAuthority::Curator => &[AgencyRegistry, ProxyId],
            ProxyAuthority::VoluntaryGuardian => &[VoluntaryRegistry, ProxyId],
        }
    }

    /// Who the person must be for this authority to act: a child for the 親権 kinds, an adult
    /// for the 後見 kinds, and for the two who act as parent by law, a child in a facility (the
    /// facility head) or one placed with a 里親 or in a ファミリーホーム (the 児童相談所長, 児童福祉法
    /// 第47条第2項); `None` when anyone may be represented so.
    pub fn refusal_for(self, age: i32, placement: Option<crate::model::facility::FacilityKind>) -> Option<&'static str> {
        use crate::model::facility::FacilityKind;
        let child = age < 18;
        let fostered = placement == Some(FacilityKind::Foster);
        match self {
            ProxyAuthority::FacilityHead if child && fostered => Some(
                "里親・ファミリーホームに委託されている児童の親権は、施設長ではなく児童相談所長が行います (児童福祉法第47条第2項)。代理人の種別は「児童相談所長」を選んでください",
            ),
            ProxyAuthority::FacilityHead if !(child && placement.is_some()) => {
                Some("施設長による親権代行 (児童福祉法第47条) は、施設に入所している18歳未満の児童についてだけ選べます")
            }
            ProxyAuthority::ChildGuidanceChief if !(child && fostered) => {
                Some("児童相談所長による親権代行 (児童福祉法第47条第2項) は、里親・ファミリーホームに委託されている18歳未満の児童についてだけ選べます")
            }
            ProxyAuthority::Parent | ProxyAuthority::MinorGuardian | ProxyAuthority::FacilityChild if !child => {
                Some("親権者・未成年後見人・児童の施設職員は、18歳未満の方の代理人としてだけ選べます")
            }
            ProxyAuthority::Guardian | ProxyAuthority::Curator | ProxyAuthority::VoluntaryGuardian if child => {
                Some("成年後見人・保佐人・補助人・任意後見人は、18歳以上の方の代理人としてだけ選べます")
            }
            _ => None,
        }
    }

    /// True when the proxy brings a 委任状 that Hairyo can print pre-filled.
    pub fn needs_delegation_letter(self) -> bool {
        self.documents().iter().any(|d| matches!(d, Document::Delegation | Document::ParentDelegation))
    }

    /// True when the 委任状 comes from the person or the 世帯主 (not from a 親権者), so the
    /// application says which of the two signs it.
    pub fn delegated_by_person_or_householder(self) -> bool {
        self.documents().contains(&Document::Delegation)
    }
}

impl Application {
    pub fn missing_documents(&self) -> Vec<Document> {
        self.checklist.iter().filter(|c| !c.checked).map(|c| c.document).collect()
    }
}
