//! Referrals (連携依頼): the stored record and its status.

use chrono::NaiveDate;
use serde::Serialize;

use crate::coded_enum;
// The desks are staff's type; they move to `model::staff` with that module, and this path
// follows them there.
use crate::model::staff::Desk;

coded_enum! {
    pub enum ReferralStatus ("連携依頼の状態") {
        Sent = ("sent", "送付済み"),
        Accepted = ("accepted", "受理"),
        Returned = ("returned", "差戻し"),
        Completed = ("completed", "完了"),
        /// Withdrawn by the sending desk before anyone acted on it (or after a return).
        Withdrawn = ("withdrawn", "取下げ"),
    }
}

/// Which of a desk's referrals its queue (the 連携依頼 inbox) shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueFilter {
    /// Every referral sent to or from the desk.
    Every,
    /// Those sent to or from the desk in one state.
    In(ReferralStatus),
    /// Those the desk sent that are still open (送付済み or 受理): what the home's 送付中 card
    /// counts.
    OpenSent,
}

impl QueueFilter {
    /// The filter's code as the window and the CLI send it: "" every referral, "open" the
    /// desk's own still open, or a status's code. Anything else is refused.
    pub fn parse(code: &str) -> Result<QueueFilter, String> {
        match code.trim() {
            "" => Ok(QueueFilter::Every),
            "open" => Ok(QueueFilter::OpenSent),
            other => ReferralStatus::parse(other).map(QueueFilter::In),
        }
    }

    /// The code `parse` reads back as this filter.
    pub fn code(&self) -> &'static str {
        match self {
            QueueFilter::Every => "",
            QueueFilter::OpenSent => "open",
            QueueFilter::In(status) => status.code(),
        }
    }
}

coded_enum! {
    /// The order of a desk's queue. Oldest first is the order the desk works it in (the one
    /// waiting longest comes next); newest first puts what just arrived at the top of the inbox.
    pub enum QueueOrder ("連携依頼の並び順") {
        Oldest = ("oldest", "古い順"),
        Newest = ("newest", "新着順"),
    }
}

coded_enum! {
    /// The kinds of `ReferralAction`, for the view of what a desk may do next; each label is
    /// the action's name in an error message.
    pub enum ReferralActionKind ("連携依頼の操作") {
        Accept = ("accept", "受理"),
        Return = ("return", "差戻し"),
        Complete = ("complete", "完了"),
        Resend = ("resend", "再送"),
        Comment = ("comment", "コメント"),
        Withdraw = ("withdraw", "取下げ"),
    }
}

coded_enum! {
    /// What lets a welfare desk share the person's details with the insurer desk: the consent
    /// of the person (or of whoever speaks for them), or the legal basis the desk relies on
    /// without it (個人情報保護法第69条第2項第2号: use within the city for a task the law gives
    /// it). The referral records it, and the 連携票 prints it.
    pub enum SharingBasis ("情報共有の根拠") {
        Consent = ("consent", "本人の同意"),
        RepresentativeConsent = ("representative_consent", "家族・法定代理人の同意 (本人の意思確認が難しい場合)"),
        InternalUse = ("internal_use", "所掌事務に必要な市内部での利用 (個人情報保護法第69条第2項第2号)"),
    }
}

/// What the record and the 連携票 show for a referral sent before the basis was recorded.
pub const SHARING_BASIS_UNRECORDED: &str = "記録なし (以前の連携依頼)";

#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct Referral {
    pub id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub from_desk: Desk,
    pub from_desk_label: &'static str,
    pub to_desk: Desk,
    pub to_desk_label: &'static str,
    pub reason: String,
    pub proposed_applicant: String,
    /// The consent or legal basis the sending desk recorded; `None` on referrals sent before
    /// it was recorded.
    pub sharing_basis: Option<SharingBasis>,
    pub sharing_basis_label: &'static str,
    /// How and when consent was confirmed, as the sender wrote it (may be empty).
    pub sharing_note: String,
    pub status: ReferralStatus,
    pub status_label: &'static str,
    /// The login of the sender.
    pub sent_by: String,
    /// The sender's name, as printed on the 連携票.
    pub sent_by_name: String,
    pub sent_on: NaiveDate,
    pub handled_by: Option<String>,
    pub handled_on: Option<NaiveDate>,
    pub return_reason: String,
    pub completed_on: Option<NaiveDate>,
    /// 取下げ: when the sending desk withdrew it, and why.
    pub withdrawn_on: Option<NaiveDate>,
    pub withdraw_reason: String,
    pub comments: Vec<Comment>,
    /// In a desk's queue: how many days it has waited since it was (last) sent; `None` in
    /// other reads.
    pub waited_days: Option<i64>,
    /// What the staff member who asked may do to it now (`referral::next_actions`); empty in
    /// the core's own reads.
    pub next: Vec<ReferralActionKind>,
}

#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct Comment {
    pub at: String,
    pub login: String,
    pub name: String,
    pub body: String,
}
