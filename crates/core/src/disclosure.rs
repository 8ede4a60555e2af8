//! The one disclosure rule for each noun that carries personal data: what a given staff member
//! may see of what is stored.
//!
//! Two things are withheld by desk. A person under 支援措置 (DV・ストーカー等) has an address that,
//! if it reaches the wrong desk, can be asked of a worker by the person the victim is hiding
//! from: their address, safe 送付先, facility, 転出先 and every certificate's delivery address
//! are seen only by the desks that mail certificates (国保, 後期) and administrators. And the
//! child-welfare desk's case notes stay at that desk. Every output of the core (operation
//! answers to reads and writes, CLI text, CSV exports, prints, the audit log and its export)
//! reaches a person, a touchpoint, a certificate or an audit entry through the functions here,
//! and nowhere else decides what is withheld. docs/access.md lists these items, generated from
//! [`ITEMS`] as the access matrix is.

use serde_json::Value;

use crate::access::{self, Permission};
use crate::model::certificate::Certificate;
use crate::model::person::Person;
use crate::model::staff::{Actor, Desk, Role};
use crate::model::touchpoint::Touchpoint;

/// Shown on screen, in answers and in exports in place of what the reader may not see.
pub const WITHHELD_ADDRESS: &str = "(支援措置のため非表示)";
/// Shown in place of a child-welfare case note at another desk.
pub const WITHHELD_NOTES: &str = "(児童福祉の記録のため非表示)";
/// Printed on paper in place of a protected person's home address: a form leaves the building,
/// so no desk's print carries it, whoever prints.
pub const NOT_PRINTED_ADDRESS: &str = "(支援措置のため記載しません)";

/// What may cross the catalogue's boundary (an answer to the window, a browser or a script over
/// HTTP): a value made by the disclosure rule for its noun, or one whose type holds no protected
/// item. The stored nouns that hold them (a person, a certificate, a touchpoint, an
/// application, a facility campaign) do not implement it; their disclosed form, [`Shown`],
/// does, and only this module makes one. An operation that would answer with a stored noun
/// does not compile.
pub trait Disclosed: serde::Serialize {}

/// A stored noun as one audience may see it, made only by this module's functions. It reads
/// like the noun (`Deref`) and serialises as it.
#[derive(Debug, Clone, PartialEq)]
pub struct Shown<T>(T);

impl<T> std::ops::Deref for Shown<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> Shown<T> {
    /// The value inside, for code within the core; as it is, it no longer crosses a boundary.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: serde::Serialize> serde::Serialize for Shown<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl Disclosed for Shown<Person> {}
impl Disclosed for Shown<Certificate> {}
impl Disclosed for Shown<Touchpoint> {}
impl Disclosed for Shown<crate::model::application::Application> {}
impl Disclosed for Shown<crate::model::facility::FacilityCampaign> {}
impl Disclosed for Shown<crate::model::mailing::MailingCampaign> {}
impl Disclosed for Shown<crate::model::certificate::CertificateConflict> {}
impl Disclosed for Shown<crate::model::household::DeliveryRegistration> {}
impl<T: Disclosed> Disclosed for Vec<T> {}
impl<T: Disclosed> Disclosed for Option<T> {}
impl<T: Disclosed> Disclosed for crate::Paged<T> {}

/// What one reader may see, decided once from the acting staff member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Audience {
    protected_address: bool,
    child_notes: bool,
    insurance_details: bool,
}

impl Audience {
    pub fn of(actor: &Actor) -> Audience {
        Audience {
            protected_address: access::can(actor, Permission::ViewProtectedAddress),
            child_notes: access::can(actor, Permission::ViewChildCaseNotes),
            insurance_details: access::can(actor, Permission::ViewInsuranceDetails),
        }
    }

    /// What every desk may see: the audience of text written into records that all desks read
    /// (a closing note on a referral, say).
    pub fn every_desk() -> Audience {
        Audience { protected_address: false, child_notes: false, insurance_details: false }
    }

    /// Whether this reader sees a protected person's address, safe address, facility, 転出先 and
    /// certificates' delivery addresses.
    pub fn sees_protected_address(&self) -> bool {
        self.protected_address
    }

    /// Whether this reader sees what a certificate shows of the holder's insurance (負担割合,
    /// 限度区分, 特定疾病, 特別療養費).
    pub fn sees_insurance_details(&self) -> bool {
        self.insurance_details
    }

    /// Whether this reader sees the child-welfare desk's case notes.
    pub fn sees_child_notes(&self) -> bool {
        self.child_notes
    }
}

/// One protected item: what it is, and the permission that shows it.
pub struct Item {
    pub what: &'static str,
    pub shown_by: Permission,
    /// Where it is withheld, in Japanese, for docs/access.md.
    pub withheld_in: &'static str,
}

/// Every item this module withholds.
pub const ITEMS: &[Item] = &[
    Item {
        what: "支援措置対象者の住所・郵便番号",
        shown_by: Permission::ViewProtectedAddress,
        withheld_in: "記録・検索・一覧・操作の応答 (登録・更新を含む)・CSV 出力・監査ログ。印刷物にはどの窓口が印刷しても記載しない",
    },
    Item {
        what: "支援措置対象者の安全な送付先",
        shown_by: Permission::ViewProtectedAddress,
        withheld_in: "記録・操作の応答・監査ログ・印刷物 (見られる窓口が印刷した申請書の送付先にだけ記載)",
    },
    Item {
        what: "支援措置対象者の資格確認書の送付先",
        shown_by: Permission::ViewProtectedAddress,
        withheld_in: "記録・期限一覧・操作の応答・CSV 出力 (資格確認書・期限切れ間近)",
    },
    Item {
        what: "支援措置対象者の申請の代理人の住所 (同一世帯なら本人の住所)",
        shown_by: Permission::ViewProtectedAddress,
        withheld_in: "記録・操作の応答。申請書・委任状には見られる窓口が印刷したときだけ記載",
    },
    Item {
        what: "支援措置対象者の入所施設",
        shown_by: Permission::ViewProtectedAddress,
        withheld_in: "記録・検索・一覧・操作の応答・監査ログ。施設の対象者一覧・呼びかけ・一括印刷にその人を載せない",
    },
    Item {
        what: "支援措置対象者の転出先",
        shown_by: Permission::ViewProtectedAddress,
        withheld_in: "記録・操作の応答・監査ログ・他の窓口も読む終了メモ・引継ぎ票 (見られる窓口が印刷したときだけ記載)",
    },
    Item {
        what: "支援措置対象者の世帯 (世帯番号・続柄・世帯員、世帯主としての氏名) と送付先変更の登録",
        shown_by: Permission::ViewProtectedAddress,
        withheld_in: "記録・操作の応答・CSV 出力・監査ログ (世帯の一覧から支援措置の対象者を除き、その人の記録では世帯を表示しない。ほかの世帯員あての郵便・申請書に世帯主として名前を載せない)",
    },
    Item {
        what: "資格確認書の負担割合・限度区分・特定疾病・特別療養費",
        shown_by: Permission::ViewInsuranceDetails,
        withheld_in: "記録・資格確認書・期限一覧・食い違い一覧・操作の応答 (記号・番号は表示する)",
    },
    Item {
        what: "児童福祉の窓口の接点メモ", shown_by: Permission::ViewChildCaseNotes, withheld_in: "記録・操作の応答・CSV 出力 (接点)"
    },
];

/// The part of docs/access.md that lists what is withheld, from whom, and where; generated
/// from [`ITEMS`] and the access matrix, after [`crate::access::markdown`].
pub fn markdown() -> String {
    let mut out = String::from(
        "\n## What each desk sees of protected data (開示の範囲)\n\nGenerated from `crates/core/src/disclosure.rs` (`hairyo::disclosure::markdown`). Every answer, export, print\nand audit entry reaches these items through the one disclosure rule for its noun; the canary test\n(`tests/it/disclosure.rs`) calls every operation of the catalogue as every desk and role on both\nengines and fails when one shows an item where this table says —. ○ shown, — withheld.\nAdministrators see everything.\n\n",
    );
    out.push_str("| 項目 | 表示しない場所 |");
    for d in Desk::ALL {
        out.push_str(&format!(" {} |", d.label()));
    }
    out.push_str("\n|---|---|");
    for _ in Desk::ALL {
        out.push_str("---|");
    }
    out.push('\n');
    for item in ITEMS {
        out.push_str(&format!("| {} | {} |", item.what, item.withheld_in));
        for d in Desk::ALL {
            let roles: Vec<&str> =
                [Role::Caseworker, Role::Clerk, Role::Supervisor].iter().filter(|r| access::allows(*d, **r, item.shown_by)).map(|r| r.label()).collect();
            out.push_str(&match roles.len() {
                0 => " — |".to_string(),
                3 => " ○ |".to_string(),
                _ => format!(" ○ ({}) |", roles.join("・")),
            });
        }
        out.push('\n');
    }
    out.push_str(
        "\nPrinted forms never carry a protected person's home address, whoever prints; the safe 送付先 is\nprinted on a form only for a desk that sees it above. The audit log keeps which of a protected\nperson's fields changed without their values; entries written before that rule are withheld\nwhen read or exported by a reader who may not see them, and `audit verify` still checks the\nstored chain.\n",
    );
    out
}

/// An address as `audience` may see it: a protected person's is withheld.
pub fn address(audience: &Audience, protected: bool, stored: String) -> String {
    if protected && !audience.protected_address {
        WITHHELD_ADDRESS.to_string()
    } else {
        stored
    }
}

/// A postal code as `audience` may see it: a protected person's is left empty.
pub fn postal_code(audience: &Audience, protected: bool, stored: String) -> String {
    if protected && !audience.protected_address {
        String::new()
    } else {
        stored
    }
}

/// A person's home address as printed: a form leaves the building, so a protected person's is
/// never printed, whoever prints (the safe 送付先 is printed where mail goes).
pub fn printed_address(protected: bool, joined: impl FnOnce() -> String) -> String {
    if protected {
        NOT_PRINTED_ADDRESS.to_string()
    } else {
        joined()
    }
}

/// A protected person's whereabouts other than the home address (the safe 送付先, the 転出先) as
/// printed on a form or sheet by `audience`: printed for a desk that may see them; any other
/// desk's print leaves them to the insurer desk, as its screens do.
pub fn printed_whereabouts(audience: &Audience, protected: bool, value: impl FnOnce() -> String) -> String {
    if protected && !audience.protected_address {
        NOT_PRINTED_ADDRESS.to_string()
    } else {
        value()
    }
}

/// A place (facility, 転出先) as `audience` may see it: a protected person's is withheld, since
/// it tells where they live.
pub fn place<T>(audience: &Audience, protected: bool, stored: Option<T>) -> Option<T> {
    if protected && !audience.protected_address {
        None
    } else {
        stored
    }
}

/// A touchpoint's note as `audience` may see it: the child-welfare desk's stay at that desk.
pub fn touchpoint_notes(audience: &Audience, desk: Desk, stored: String) -> String {
    if desk == Desk::Jido && !audience.child_notes && !stored.is_empty() {
        WITHHELD_NOTES.to_string()
    } else {
        stored
    }
}

/// A person as `audience` may see them.
pub fn person(audience: &Audience, p: Person) -> Shown<Person> {
    let protected = p.protected;
    Shown(Person {
        postal_code: postal_code(audience, protected, p.postal_code),
        address: address(audience, protected, p.address),
        safe_postal_code: postal_code(audience, protected, p.safe_postal_code),
        safe_address: address(audience, protected, p.safe_address),
        facility_id: place(audience, protected, p.facility_id),
        // The household's number would find its other members, whose address is theirs.
        household_no: postal_code(audience, protected, p.household_no),
        relationship: place(audience, protected, p.relationship),
        ..p
    })
}

/// An application as `audience` may see it: a protected person's proxy may live with them, so
/// the proxy's address is withheld like the person's own, and so is the reason the certificate
/// goes there (it may say where the person stays).
pub fn application(audience: &Audience, a: crate::model::application::Application) -> Shown<crate::model::application::Application> {
    let protected = a.protected;
    Shown(crate::model::application::Application {
        proxy_address: address(audience, protected, a.proxy_address),
        delivery_reason: address(audience, protected, a.delivery_reason),
        ..a
    })
}

/// A facility campaign as `audience` may see it: a protected resident's membership of the
/// facility is their whereabouts, so they are left out of the list (the counts stay).
pub fn facility_campaign(audience: &Audience, mut c: crate::model::facility::FacilityCampaign) -> Shown<crate::model::facility::FacilityCampaign> {
    if !audience.protected_address {
        c.residents.retain(|r| !r.protected);
    }
    Shown(c)
}

/// A mailing as `audience` may see it: a protected person's letter went to their safe
/// address, so a reader who may not see where they are does not see them listed (the counts
/// stay).
pub fn mailing(audience: &Audience, mut m: crate::model::mailing::MailingCampaign) -> Shown<crate::model::mailing::MailingCampaign> {
    if !audience.protected_address {
        m.recipients.retain(|r| !r.protected);
    }
    Shown(m)
}

/// Whether `audience` sees `p` with its address withheld.
pub fn person_masked(audience: &Audience, p: &Person) -> bool {
    p.protected && !audience.protected_address
}

/// A touchpoint as `audience` may see it.
pub fn touchpoint(audience: &Audience, t: Touchpoint) -> Shown<Touchpoint> {
    Shown(Touchpoint { notes: touchpoint_notes(audience, t.desk_code, t.notes), ..t })
}

/// A certificate as `audience` may see it: a protected person's delivery address is withheld,
/// and what the card shows of the holder's insurance (負担割合, 限度区分, 特定疾病, 特別療養費)
/// from a desk that does not answer for insurance; the 記号・番号 stay, as on the person.
pub fn certificate(audience: &Audience, c: Certificate) -> Shown<Certificate> {
    let card_withheld = !audience.insurance_details && c.card.lines().len() > usize::from(!c.card.number.is_empty());
    let card = if audience.insurance_details { c.card } else { card_numbers(c.card) };
    Shown(Certificate { delivery_address: address(audience, c.protected, c.delivery_address), card_lines: card.lines(), card, card_withheld, ..c })
}

/// A card with only the numbers that name it (記号・番号・枝番).
fn card_numbers(c: crate::model::certificate::CardDetails) -> crate::model::certificate::CardDetails {
    crate::model::certificate::CardDetails { symbol: c.symbol, number: c.number, branch: c.branch, ..Default::default() }
}

/// A standing 送付先変更 as `audience` may see it: a protected person's registered address and
/// addressee say where they are, and are withheld like their address.
pub fn delivery_registration(audience: &Audience, r: crate::model::household::DeliveryRegistration) -> Shown<crate::model::household::DeliveryRegistration> {
    let protected = r.protected;
    Shown(crate::model::household::DeliveryRegistration {
        postal_code: postal_code(audience, protected, r.postal_code),
        address: address(audience, protected, r.address),
        addressee: address(audience, protected, r.addressee),
        note: address(audience, protected, r.note),
        requested_by: address(audience, protected, r.requested_by),
        document_seen: address(audience, protected, r.document_seen),
        ..r
    })
}

/// A person's household as `audience` may see it: for a protected person, the members tell
/// where they live, so a reader who may not see that sees none (`None`); a protected member of
/// anyone else's household is left out for the same reason.
pub fn household(
    audience: &Audience,
    person_protected: bool,
    members: Vec<crate::model::household::HouseholdMember>,
) -> Option<Vec<crate::model::household::HouseholdMember>> {
    if audience.protected_address {
        return Some(members);
    }
    if person_protected {
        return None;
    }
    Some(members.into_iter().filter(|m| !m.protected).collect())
}

/// A conflict between a fed and a recorded certificate as `audience` may see it: the fed card's
/// insurance details are withheld like a certificate's.
pub fn certificate_conflict(
    audience: &Audience,
    mut k: crate::model::certificate::CertificateConflict,
) -> Shown<crate::model::certificate::CertificateConflict> {
    if !audience.insurance_details {
        k.fed.card = card_numbers(k.fed.card);
    }
    Shown(k)
}

/// The keys of an audit entry's detail that hold a protected person's whereabouts.
const PLACE_KEYS: &[&str] =
    &["postal_code", "address", "safe_postal_code", "safe_address", "facility_id", "moved_to", "delivery_address", "household_no", "relationship"];

/// An audit entry's detail as `audience` may see it. Entries about a protected person (any
/// object in the detail marked `"protected": true`, which old entries holding a whole person
/// are too) have every whereabouts value withheld, at any depth; entries written since the
/// disclosure rule hold no such value in the first place (see [`person_changes`]).
pub fn audit_detail(audience: &Audience, detail: Value) -> Value {
    if audience.protected_address || !mentions_protected(&detail) {
        return detail;
    }
    withhold_places(detail)
}

fn mentions_protected(v: &Value) -> bool {
    match v {
        Value::Object(m) => m.get("protected").and_then(Value::as_bool) == Some(true) || m.values().any(mentions_protected),
        Value::Array(a) => a.iter().any(mentions_protected),
        _ => false,
    }
}

fn withhold_places(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .map(
                    |(k, v)| {
                        if PLACE_KEYS.contains(&k.as_str()) && !v.is_null() {
                            (k, Value::String(WITHHELD_ADDRESS.into()))
                        } else {
                            (k, withhold_places(v))
                        }
                    },
                )
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(withhold_places).collect()),
        other => other,
    }
}

/// What an edit of a person changed, for the audit log: each changed field with its value
/// before and after, except a protected person's whereabouts, which the log names as changed
/// without their values (no reader of the log needs them, and it is exported).
pub fn person_changes(before: Option<&Person>, after: &Person) -> Value {
    let to_map = |p: &Person| match serde_json::to_value(p) {
        Ok(Value::Object(m)) => m,
        _ => serde_json::Map::new(),
    };
    let (b, a) = (before.map(to_map).unwrap_or_default(), to_map(after));
    let protected = after.protected || before.is_some_and(|p| p.protected);
    let mut changed = serde_json::Map::new();
    for (k, after_value) in &a {
        let before_value = b.get(k).cloned().unwrap_or(Value::Null);
        if k == "id" || (before.is_some() && &before_value == after_value) {
            continue;
        }
        let entry = if protected && PLACE_KEYS.contains(&k.as_str()) {
            serde_json::json!({"withheld": true})
        } else if before.is_some() {
            serde_json::json!({"before": before_value, "after": after_value})
        } else {
            serde_json::json!({"after": after_value})
        };
        changed.insert(k.clone(), entry);
    }
    serde_json::json!({"changed": changed, "protected": protected})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_old_audit_entry_about_a_protected_person_is_withheld_at_any_depth() {
        let detail = serde_json::json!({"before": {"protected": false, "address": "旧"}, "after": {"protected": true, "address": "本当の住所", "safe_address": "安全", "facility_id": 3, "phone": "0"}});
        let kaigo = Audience { protected_address: false, child_notes: false, insurance_details: false };
        let shown = audit_detail(&kaigo, detail.clone());
        let text = shown.to_string();
        assert!(!text.contains("本当の住所") && !text.contains("安全") && !text.contains("旧"), "{text}");
        assert_eq!(shown["after"]["phone"], "0", "the rest stays");
        let kokuho = Audience { protected_address: true, child_notes: false, insurance_details: true };
        assert_eq!(audit_detail(&kokuho, detail.clone()), detail);
        let plain = serde_json::json!({"after": {"protected": false, "address": "普通の住所"}});
        assert_eq!(audit_detail(&kaigo, plain.clone()), plain, "an unprotected person's address is not withheld");
    }
}
