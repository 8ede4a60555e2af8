//! Applications (交付申請): receive, check the documents, review, decide, issue or reject, and
//! for 後期 forward to the 広域連合, record its result and hand over what it issued.

use std::fmt::Write as _;

use chrono::NaiveDate;
use clap::{Args, Subcommand};

use hairyo::application::{self, AppStatus, Application, ApplicationInput, ApplicationStep, Document, HandOverMethod, IdentityShown, Received};
use hairyo::certificate::Certificate;
use hairyo::operation::{self, Operation};
use hairyo::text::wareki;
use hairyo::Paged;

use crate::output::page_footer;
use crate::session::page;
use crate::{typed, Invocation, Result};

// Parsed once per run from the command line, so the size of the largest subcommand costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
pub enum ApplicationCmd {
    Receive(ReceiveArgs),
    /// Mark a checklist document as checked (or unchecked).
    Check {
        id: i64,
        #[arg(value_parser = typed::coded("application.invalid", "document", Document::parse))]
        document: Document,
        #[arg(long)]
        uncheck: bool,
    },
    Review {
        id: i64,
    },
    Decide {
        id: i64,
        /// Supervisor only: decide with an incomplete checklist, recording why.
        #[arg(long = "override")]
        override_reason: Option<String>,
        /// A twelve-digit number in the reason is not a 個人番号 (checked by you).
        #[arg(long)]
        confirm_digits: bool,
    },
    Reject {
        id: i64,
        #[arg(long)]
        reason: String,
        /// A twelve-digit number in the reason is not a 個人番号 (checked by you).
        #[arg(long)]
        confirm_digits: bool,
    },
    Withdraw {
        id: i64,
        #[arg(long)]
        reason: String,
        /// A twelve-digit number in the reason is not a 個人番号 (checked by you).
        #[arg(long)]
        confirm_digits: bool,
    },
    Issue {
        id: i64,
        #[arg(long, value_parser = typed::date("application.invalid", "issued_on"))]
        on: Option<NaiveDate>,
    },
    /// 後期: forward (進達) to the 広域連合.
    Forward {
        id: i64,
        /// The day of forwarding (default: today).
        #[arg(long)]
        on: Option<String>,
        /// Supervisor only: forward with an incomplete checklist, recording why.
        #[arg(long = "override")]
        override_reason: Option<String>,
        /// A twelve-digit number in the reason is not a 個人番号 (checked by you).
        #[arg(long)]
        confirm_digits: bool,
    },
    /// 後期: record the 広域連合's result (issued / rejected / at_renewal, or 交付 / 却下 / 年次更新時交付).
    UnionResult {
        id: i64,
        #[arg(long)]
        result: String,
        /// The day the 広域連合 decided.
        #[arg(long)]
        decided: String,
        /// 交付: the certificate's last day (default: the usual validity).
        #[arg(long, default_value = "")]
        until: String,
        /// 却下: the reason the 広域連合 gave.
        #[arg(long, default_value = "")]
        reason: String,
        /// A twelve-digit number in the reason is not a 個人番号 (checked by you).
        #[arg(long)]
        confirm_digits: bool,
    },
    /// 後期: record that what the 広域連合 issued was handed over or mailed.
    HandOver {
        id: i64,
        /// counter (窓口で手渡し) / mail (郵送)
        #[arg(long, value_parser = typed::coded("application.invalid", "method", HandOverMethod::parse))]
        method: HandOverMethod,
        /// At the counter: the identity document shown, one_photo (顔写真付き1点) or two_other
        /// (顔写真なし2点); required there.
        #[arg(long, value_parser = typed::coded("application.invalid", "identity", IdentityShown::parse))]
        identity: Option<IdentityShown>,
        /// The day (default: today).
        #[arg(long, value_parser = typed::date("application.invalid", "handed_over_on"))]
        on: Option<NaiveDate>,
    },
    Show {
        id: i64,
    },
    List {
        #[arg(long = "status", value_parser = typed::coded("application.invalid", "status", AppStatus::parse))]
        statuses: Vec<AppStatus>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(long, default_value_t = 0)]
        offset: i64,
    },
}

#[derive(Args)]
pub struct ReceiveArgs {
    #[arg(long)]
    pub person: i64,
    #[arg(long, default_value = "")]
    pub scheme: String,
    #[arg(long, default_value = "")]
    pub received: String,
    /// counter / mail / outreach / facility_batch
    #[arg(long, default_value = "")]
    pub channel: String,
    /// self / householder / proxy
    #[arg(long, default_value = "")]
    pub applicant: String,
    /// same_household / relative / guardian / parent / facility_child / caregiver / facility_adult /
    /// facility_head / minor_guardian / curator / voluntary_guardian
    #[arg(long, default_value = "")]
    pub authority: String,
    /// Who signs the 委任状 of a relative, caregiver or facility staff: self / householder (国保 only)
    #[arg(long, default_value = "")]
    pub delegator: String,
    #[arg(long, default_value = "")]
    pub proxy_name: String,
    #[arg(long, default_value = "")]
    pub proxy_kana: String,
    #[arg(long, default_value = "")]
    pub proxy_address: String,
    #[arg(long, default_value = "")]
    pub proxy_phone: String,
    #[arg(long, default_value = "")]
    pub relationship: String,
    #[arg(long = "reason")]
    pub reasons: Vec<String>,
    /// How the person's part was signed: signed (default) / ghostwritten (代筆) / no_delegation
    #[arg(long, default_value = "")]
    pub signing: String,
    /// Who wrote for the person (代筆者), with --signing ghostwritten
    #[arg(long, default_value = "")]
    pub writer: String,
    /// 任意記載事項 to print on the certificate (併記): limit_category / specific_disease
    #[arg(long = "optional-entry")]
    pub optional_entries: Vec<String>,
    /// home / proxy / facility / counter
    #[arg(long, default_value = "")]
    pub delivery: String,
    /// Why the certificate goes to the proxy's address (required for a proxy from another
    /// household who is not a legal representative).
    #[arg(long, default_value = "")]
    pub delivery_reason: String,
    #[arg(long)]
    pub referral: Option<i64>,
    /// The 住民票 shows the proxy claiming 同一世帯 in the person's household, though Hairyo does
    /// not hold them as a member.
    #[arg(long)]
    pub household_confirmed: bool,
}

pub fn run(inv: &Invocation, cmd: &ApplicationCmd) -> Result {
    match cmd {
        ApplicationCmd::Receive(args) => receive(inv, &args.input()),
        ApplicationCmd::Check { id, document, uncheck } => check(inv, *id, *document, !uncheck),
        ApplicationCmd::Review { id } => review(inv, *id),
        ApplicationCmd::Decide { id, override_reason, confirm_digits } => {
            take_step(inv, *id, ApplicationStep::Decide { override_reason: override_reason.clone(), confirmed_digits: *confirm_digits })
        }
        ApplicationCmd::Reject { id, reason, confirm_digits } => {
            take_step(inv, *id, ApplicationStep::Reject { reason: reason.clone(), confirmed_digits: *confirm_digits })
        }
        ApplicationCmd::Withdraw { id, reason, confirm_digits } => {
            take_step(inv, *id, ApplicationStep::Withdraw { reason: reason.clone(), confirmed_digits: *confirm_digits })
        }
        ApplicationCmd::Issue { id, on } => issue(inv, *id, on.unwrap_or(inv.today())),
        ApplicationCmd::Forward { id, on, override_reason, confirm_digits } => {
            let step = ApplicationStep::Forward {
                forwarded_on: on.clone().unwrap_or_default(),
                override_reason: override_reason.clone(),
                confirmed_digits: *confirm_digits,
            };
            take_step(inv, *id, step)
        }
        ApplicationCmd::UnionResult { id, result, decided, until, reason, confirm_digits } => {
            union_result(inv, *id, result, decided, until, reason, *confirm_digits)
        }
        ApplicationCmd::HandOver { id, method, identity, on } => hand_over(inv, *id, *method, *identity, on.unwrap_or(inv.today())),
        ApplicationCmd::Show { id } => show(inv, *id),
        ApplicationCmd::List { statuses, limit, offset } => list(inv, statuses, *offset, *limit),
    }
}

impl ReceiveArgs {
    fn input(&self) -> ApplicationInput {
        ApplicationInput {
            person_id: self.person,
            scheme: self.scheme.clone(),
            received_on: self.received.clone(),
            channel: self.channel.clone(),
            applicant: self.applicant.clone(),
            authority: self.authority.clone(),
            delegator: self.delegator.clone(),
            proxy_name: self.proxy_name.clone(),
            proxy_kana: self.proxy_kana.clone(),
            proxy_address: self.proxy_address.clone(),
            proxy_phone: self.proxy_phone.clone(),
            proxy_relationship: self.relationship.clone(),
            reasons: self.reasons.clone(),
            signing: self.signing.clone(),
            writer_name: self.writer.clone(),
            optional_entries: self.optional_entries.clone(),
            delivery: self.delivery.clone(),
            delivery_reason: self.delivery_reason.clone(),
            referral_id: self.referral,
            household_confirmed: self.household_confirmed,
        }
    }
}

fn receive(inv: &Invocation, input: &ApplicationInput) -> Result {
    inv.call(Operation::ReceiveApplication(operation::Input { input: input.clone() }))
}

fn check(inv: &Invocation, id: i64, document: Document, checked: bool) -> Result {
    inv.call(Operation::CheckDocument(operation::CheckDocument { id, document: document.code().to_string(), checked }))
}

fn review(inv: &Invocation, id: i64) -> Result {
    take_step(inv, id, ApplicationStep::StartReview)
}

/// One step of the core's state machine on an application.
fn take_step(inv: &Invocation, id: i64, step: ApplicationStep) -> Result {
    inv.call(Operation::ApplicationStep(operation::ApplicationStep { id, step: typed::command(&step)? }))
}

fn issue(inv: &Invocation, id: i64, on: NaiveDate) -> Result {
    let (mut store, actor) = inv.sign_in()?;
    inv.emit(&application::issue(&mut store, &actor, id, on, inv.now)?, issued_text)
}

/// The 広域連合's result is read as typed first, so every field's problem is reported at once.
fn union_result(inv: &Invocation, id: i64, result: &str, decided: &str, until: &str, reason: &str, confirmed_digits: bool) -> Result {
    let d = application::union_decision(result, decided, until, reason, inv.today()).map_err(application::ApplicationError::Invalid)?;
    let step = ApplicationStep::RecordUnionResult {
        result: d.result,
        decided_on: decided.to_string(),
        valid_until: until.to_string(),
        reason: reason.to_string(),
        confirmed_digits,
    };
    take_step(inv, id, step)
}

fn hand_over(inv: &Invocation, id: i64, method: HandOverMethod, identity: Option<IdentityShown>, on: NaiveDate) -> Result {
    let (mut store, actor) = inv.sign_in()?;
    inv.emit(&application::hand_over(&mut store, &actor, id, method, identity, on, inv.now)?, application_text)
}

fn show(inv: &Invocation, id: i64) -> Result {
    let (store, actor) = inv.sign_in()?;
    inv.emit(&application::get(&store, &actor, id, inv.now)?, application_text)
}

fn list(inv: &Invocation, statuses: &[AppStatus], offset: i64, limit: i64) -> Result {
    let (store, actor) = inv.sign_in()?;
    inv.emit(&application::list(&store, &actor, statuses, None, page(offset, limit)?, inv.now)?, list_text)
}

pub fn received_text(r: &Received) -> String {
    let mut s = format!("申請を受け付けました。\n{}", application_text(&r.application));
    for n in &r.notices {
        let _ = write!(s, "\n※ {n}");
    }
    s
}

fn issued_text(c: &Certificate) -> String {
    format!("資格確認書を交付しました (ID {}): {} 有効期限 {} 送付先 {}", c.id, c.person_name, wareki::format(c.valid_until), c.delivery_address)
}

/// An application: who applied how, the signing and 併記, the checklist, what was recorded on
/// the way, and the steps it allows next.
pub fn application_text(a: &Application) -> String {
    [header_text(a), signing_text(a), checklist_text(a), record_text(a), next_text(a)].concat()
}

fn header_text(a: &Application) -> String {
    format!(
        "申請 #{} [{}] {} {} 受付 {} ({}) 申請者: {}{}",
        a.id,
        a.status_label,
        a.person_name,
        a.scheme_label,
        wareki::format(a.received_on),
        a.channel_label,
        a.applicant_label,
        a.authority_label.map(|l| format!(" ({l}) {}", a.proxy_name)).unwrap_or_default()
    )
}

fn signing_text(a: &Application) -> String {
    let mut s = String::new();
    if a.signing != application::Signing::Signed {
        let writer = if a.writer_name.is_empty() { String::new() } else { format!(" (代筆者 {})", a.writer_name) };
        let _ = write!(s, "\n署名: {}{writer}", a.signing_label);
    }
    if !a.optional_entries.is_empty() {
        let labels: Vec<&str> = a.optional_entries.iter().map(|e| e.label()).collect();
        let _ = write!(s, "\n併記の希望: {}", labels.join("・"));
    }
    s
}

fn checklist_text(a: &Application) -> String {
    a.checklist.iter().map(|c| format!("\n  [{}] {}", if c.checked { "済" } else { "未" }, c.label)).collect()
}

fn record_text(a: &Application) -> String {
    let mut s = String::new();
    if !a.override_reason.is_empty() {
        let _ = write!(s, "\n書類確認の上書き理由: {}", a.override_reason);
    }
    if let Some(d) = a.forwarded_on {
        let _ = write!(s, "\n進達日: {}", wareki::format(d));
    }
    if let Some(d) = a.union_decided_on {
        let _ = write!(s, "\n広域連合の決定日: {}", wareki::format(d));
    }
    if let (Some(d), Some(m)) = (a.handed_over_on, a.handover_method_label) {
        let _ = write!(s, "\n引渡し・送付: {} ({m})", wareki::format(d));
    }
    if let Some(shown) = a.handover_identity_label {
        let _ = write!(s, "\n本人確認書類: {shown}");
    }
    if !a.decision_note.is_empty() {
        let _ = write!(s, "\n記録: {}", a.decision_note);
    }
    s
}

fn next_text(a: &Application) -> String {
    if a.next.is_empty() {
        return String::new();
    }
    format!("\n次にできること: {}", a.next.iter().map(|k| k.label()).collect::<Vec<_>>().join("、"))
}

fn list_text(l: &Paged<Application>) -> String {
    let line = |a: &Application| format!("#{}\t{}\t{}\t{}\t{}\n", a.id, a.status_label, a.person_name, a.scheme_label, wareki::format(a.received_on));
    let mut out: String = l.items.iter().map(line).collect();
    out.push_str(&page_footer(l));
    out
}
