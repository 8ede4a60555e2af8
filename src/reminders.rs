//! What needs attention: the reminders, a follow-up set for a person, and the counter-load
//! forecast with whom to contact early.

use std::fmt::Write as _;

use clap::Subcommand;

use hairyo::forecast::{self, Forecast};
use hairyo::reminder::{self, FollowUp, Reminders, Window};
use hairyo::text::wareki;

use crate::output::group;
use crate::{Invocation, Result};

#[derive(Subcommand)]
pub enum AttentionCmd {
    /// What needs attention: unanswered referrals, missing documents, expiring certificates, follow-ups.
    Reminders {
        /// A referral counts as unanswered after this many days.
        #[arg(long, default_value_t = 7)]
        referral_days: i64,
        /// Certificates expiring within this many days.
        #[arg(long, default_value_t = 30)]
        expiry_days: i64,
    },
    /// Set a follow-up for a person.
    FollowUp {
        #[arg(long)]
        person: i64,
        #[arg(long)]
        due: String,
        #[arg(long)]
        note: String,
    },
    /// Expected applications per week at the counter (R8), and whom to contact early.
    Forecast {
        #[arg(long, default_value_t = 8)]
        weeks: i64,
    },
}

pub fn run(inv: &Invocation, cmd: &AttentionCmd) -> Result {
    match cmd {
        AttentionCmd::Reminders { referral_days, expiry_days } => reminders(inv, Window { referral_days: *referral_days, expiry_days: *expiry_days }),
        AttentionCmd::FollowUp { person, due, note } => follow_up(inv, *person, due, note),
        AttentionCmd::Forecast { weeks } => forecast(inv, *weeks),
    }
}

fn reminders(inv: &Invocation, window: Window) -> Result {
    let (store, actor) = inv.sign_in()?;
    inv.emit(&reminder::due(&store, &actor, window, inv.now)?, |r| reminders_text(r, &window))
}

fn follow_up(inv: &Invocation, person: i64, due: &str, note: &str) -> Result {
    let (mut store, actor) = inv.sign_in()?;
    inv.emit(&reminder::add_follow_up(&mut store, &actor, person, due, note, inv.now)?, follow_up_text)
}

fn forecast(inv: &Invocation, weeks: i64) -> Result {
    let (store, actor) = inv.sign_in()?;
    inv.emit(&forecast::weekly(&store, &actor, weeks, inv.now)?, forecast_text)
}

/// Each list of the reminders under its heading, in the order the desk works them.
fn reminders_text(r: &Reminders, window: &Window) -> String {
    [
        unanswered_text(r, window.referral_days),
        returned_text(r),
        waiting_text(r),
        expiring_text(r, window.expiry_days),
        campaigns_text(r),
        mailings_text(r),
        renewal_text(r),
        follow_ups_text(r),
    ]
    .concat()
}

fn unanswered_text(r: &Reminders, days: i64) -> String {
    let mut out = format!("未回答の連携依頼 ({}日以上): {}件\n", days, group(r.unanswered_referrals_total));
    for x in &r.unanswered_referrals {
        let _ = writeln!(out, "  #{} {} {}→{} 送付 {}", x.id, x.person_name, x.from_desk_label, x.to_desk_label, wareki::format(x.sent_on));
    }
    out
}

fn returned_text(r: &Reminders) -> String {
    let mut out = format!("差し戻された連携依頼: {}件\n", group(r.returned_referrals_total));
    for x in &r.returned_referrals {
        let _ = writeln!(out, "  #{} {} 理由: {}", x.id, x.person_name, x.return_reason);
    }
    out
}

fn waiting_text(r: &Reminders) -> String {
    let mut out = format!("書類待ちの申請: {}件\n", group(r.waiting_documents_total));
    for a in &r.waiting_documents {
        let missing: Vec<&str> = a.missing_documents().iter().map(|d| d.label()).collect();
        let _ = writeln!(out, "  #{} {} 未確認: {}", a.id, a.person_name, missing.join("、"));
    }
    out
}

fn expiring_text(r: &Reminders, days: i64) -> String {
    let mut out = format!("{}日以内に有効期限を迎える資格確認書: {}件\n", days, group(r.expiring_certificates_total));
    for c in &r.expiring_certificates {
        let _ = writeln!(out, "  #{} {} 有効期限 {}", c.id, c.person_name, wareki::format(c.valid_until));
    }
    out
}

fn campaigns_text(r: &Reminders) -> String {
    let line = |c: &hairyo::campaign::FacilityCampaign| {
        format!("期限を過ぎた施設への呼びかけ: {} (期限 {}) 返送待ち {}人\n", c.facility_name, wareki::format(c.deadline), c.awaited)
    };
    r.overdue_campaigns.iter().map(line).collect()
}

fn mailings_text(r: &Reminders) -> String {
    let line = |m: &hairyo::mailing::MailingCampaign| {
        format!(
            "期限を過ぎた在宅周知: #{} {} (期限 {}) 返答なし {}人 (mailing letters --reminder で再送)\n",
            m.id,
            m.title,
            wareki::format(m.deadline),
            m.counts.no_answer
        )
    };
    r.overdue_mailings.iter().map(line).collect()
}

fn renewal_text(r: &Reminders) -> String {
    let Some(s) = &r.renewal else { return String::new() };
    format!(
        "年次更新 ({}) の対象者リストを{}までに作成してください (広域連合の締切 {})\n",
        wareki::format(s.renewal_day),
        wareki::format(s.list_by),
        wareki::format(s.cutoff)
    )
}

fn follow_ups_text(r: &Reminders) -> String {
    let mut out = format!("期日の来たフォローアップ: {}件\n", group(r.follow_ups_total));
    for f in &r.follow_ups {
        let _ = writeln!(out, "  #{} {} 期日 {}: {}", f.id, f.person_name, wareki::format(f.due_on), f.note);
    }
    out
}

fn follow_up_text(f: &FollowUp) -> String {
    format!("フォローアップを登録しました (ID {}, 期日 {})", f.id, wareki::format(f.due_on))
}

/// The weeks ahead, then whom to contact early.
fn forecast_text(f: &Forecast) -> String {
    let mut out = String::from("週の始まり\t見込み\t証の期限\t旧保険証の期限\t連携依頼\t施設呼びかけ\t在宅周知\n");
    for w in &f.weeks {
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}",
            wareki::format(w.week_start),
            w.expected,
            w.certificate_expiries,
            w.old_card_expiries,
            w.open_referrals,
            w.facility_campaigns,
            w.home_mailings
        );
    }
    out + &contact_early_text(f)
}

fn contact_early_text(f: &Forecast) -> String {
    let mut out = format!("早めに連絡したい方: {}人\n", group(f.contact_early_total));
    for c in &f.contact_early {
        let _ = writeln!(out, "  {} (ID {}) {} {}", c.person_name, c.person_id, wareki::format(c.date), c.cause);
    }
    out
}
