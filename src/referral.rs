//! Referrals (連携依頼) from the welfare desks to the NHI / 後期 desk: send, act on, show, queue.

use std::fmt::Write as _;

use clap::Subcommand;

use hairyo::operation::{self, Operation};
use hairyo::referral::{self, QueueFilter, QueueOrder, Referral, ReferralAction, ReferralInput};
use hairyo::text::wareki;
use hairyo::{Page, Paged};

use crate::output::page_footer;
use crate::session::page;
use crate::{typed, Invocation, Result};

#[derive(Subcommand)]
pub enum ReferralCmd {
    Send {
        #[arg(long)]
        person: i64,
        #[arg(long)]
        reason: String,
        /// kokuho / kouki (default: from the person's scheme)
        #[arg(long, default_value = "")]
        to: String,
        #[arg(long, default_value = "")]
        applicant: String,
        /// What lets the desk share the person's details: consent (本人の同意),
        /// representative_consent (家族・法定代理人の同意) or internal_use (市内部での利用,
        /// 個人情報保護法第69条第2項第2号). Required; the core names the choices when it is missing.
        #[arg(long, default_value = "")]
        basis: String,
        /// How and when consent was confirmed.
        #[arg(long, default_value = "")]
        basis_note: String,
        /// A twelve-digit number in the reason is not a 個人番号 (checked by you).
        #[arg(long)]
        confirm_digits: bool,
    },
    Accept {
        id: i64,
        #[arg(long, default_value = "")]
        note: String,
        /// A twelve-digit number in the text is not a 個人番号 (checked by you).
        #[arg(long)]
        confirm_digits: bool,
    },
    /// Return with a reason (差戻し).
    Return {
        id: i64,
        #[arg(long)]
        reason: String,
        /// A twelve-digit number in the text is not a 個人番号 (checked by you).
        #[arg(long)]
        confirm_digits: bool,
    },
    Complete {
        id: i64,
        #[arg(long, default_value = "")]
        note: String,
        /// A twelve-digit number in the text is not a 個人番号 (checked by you).
        #[arg(long)]
        confirm_digits: bool,
    },
    Resend {
        id: i64,
        #[arg(long, default_value = "")]
        note: String,
        /// A twelve-digit number in the text is not a 個人番号 (checked by you).
        #[arg(long)]
        confirm_digits: bool,
    },
    Comment {
        id: i64,
        body: String,
        /// A twelve-digit number in the text is not a 個人番号 (checked by you).
        #[arg(long)]
        confirm_digits: bool,
    },
    /// 取下げ by the sending desk, while the referral is unanswered or after a return.
    Withdraw {
        id: i64,
        #[arg(long)]
        reason: String,
        /// A twelve-digit number in the text is not a 個人番号 (checked by you).
        #[arg(long)]
        confirm_digits: bool,
    },
    Show {
        id: i64,
    },
    /// The acting desk's queue.
    Queue {
        /// A state (sent, accepted, returned, completed, withdrawn), or `open` for the
        /// referrals this desk sent that are still open; every referral when left out.
        #[arg(long, value_parser = typed::coded("referral.invalid", "status", QueueFilter::parse))]
        status: Option<QueueFilter>,
        /// `oldest` (the order a desk works in) or `newest` (what just arrived first).
        #[arg(long, value_parser = typed::coded("referral.invalid", "order", QueueOrder::parse), default_value = "oldest")]
        order: QueueOrder,
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(long, default_value_t = 0)]
        offset: i64,
    },
}

pub fn run(inv: &Invocation, cmd: &ReferralCmd) -> Result {
    match cmd {
        ReferralCmd::Send { person, reason, to, applicant, basis, basis_note, confirm_digits } => {
            let input = ReferralInput {
                person_id: *person,
                to_desk: to.clone(),
                reason: reason.clone(),
                proposed_applicant: applicant.clone(),
                sharing_basis: basis.clone(),
                sharing_note: basis_note.clone(),
                confirmed_digits: *confirm_digits,
            };
            send(inv, input)
        }
        ReferralCmd::Accept { id, note, confirm_digits } => act(inv, *id, ReferralAction::Accept { note: note.clone(), confirmed_digits: *confirm_digits }),
        ReferralCmd::Return { id, reason, confirm_digits } => {
            act(inv, *id, ReferralAction::Return { reason: reason.clone(), confirmed_digits: *confirm_digits })
        }
        ReferralCmd::Complete { id, note, confirm_digits } => act(inv, *id, ReferralAction::Complete { note: note.clone(), confirmed_digits: *confirm_digits }),
        ReferralCmd::Resend { id, note, confirm_digits } => act(inv, *id, ReferralAction::Resend { note: note.clone(), confirmed_digits: *confirm_digits }),
        ReferralCmd::Comment { id, body, confirm_digits } => act(inv, *id, ReferralAction::Comment { body: body.clone(), confirmed_digits: *confirm_digits }),
        ReferralCmd::Withdraw { id, reason, confirm_digits } => {
            act(inv, *id, ReferralAction::Withdraw { reason: reason.clone(), confirmed_digits: *confirm_digits })
        }
        ReferralCmd::Show { id } => show(inv, *id),
        ReferralCmd::Queue { status, order, limit, offset } => queue(inv, status.unwrap_or(QueueFilter::Every), *order, page(*offset, *limit)?),
    }
}

fn send(inv: &Invocation, input: ReferralInput) -> Result {
    inv.call(Operation::SendReferral(operation::Input { input }))
}

/// One step on a referral, an action of the core's state machine.
fn act(inv: &Invocation, id: i64, action: ReferralAction) -> Result {
    inv.call(Operation::ReferralAction(operation::ReferralAction { id, action: typed::command(&action)? }))
}

fn show(inv: &Invocation, id: i64) -> Result {
    let (store, actor) = inv.sign_in()?;
    inv.emit(&referral::get(&store, &actor, id, inv.now)?, referral_text)
}

fn queue(inv: &Invocation, filter: QueueFilter, order: QueueOrder, page: Page) -> Result {
    let status = Some(filter.code().to_string());
    inv.call(Operation::ReferralQueue(operation::ReferralQueue { status, order: Some(order.code().to_string()), offset: page.offset, limit: page.limit }))
}

/// A referral: who, from which desk to which, why, and what was said since.
pub fn referral_text(r: &Referral) -> String {
    let mut s = format!(
        "連携依頼 #{} [{}] {} {}→{} 送付 {} ({})\n理由: {}",
        r.id,
        r.status_label,
        r.person_name,
        r.from_desk_label,
        r.to_desk_label,
        wareki::format(r.sent_on),
        r.sent_by,
        r.reason
    );
    let _ = write!(s, "\n情報共有の根拠: {}", r.sharing_basis_label);
    if !r.sharing_note.is_empty() {
        let _ = write!(s, " ({})", r.sharing_note);
    }
    if !r.return_reason.is_empty() {
        let _ = write!(s, "\n差戻しの理由: {}", r.return_reason);
    }
    for c in &r.comments {
        let _ = write!(s, "\n  {} {}: {}", c.at, c.name, c.body);
    }
    s
}

pub fn queue_text(q: &Paged<Referral>) -> String {
    let line =
        |r: &Referral| format!("#{}\t{}\t{}\t{}→{}\t{}\n", r.id, r.status_label, r.person_name, r.from_desk_label, r.to_desk_label, wareki::format(r.sent_on));
    let mut out: String = q.items.iter().map(line).collect();
    out.push_str(&page_footer(q));
    out
}
