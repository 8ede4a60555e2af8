//! Mailings to 要配慮者 living at home (notice 1(1), 在宅の要配慮者に対する周知): the letters
//! sent, and what became of each.

use chrono::NaiveDate;
use serde::Serialize;

use crate::coded_enum;

coded_enum! {
    /// What became of one letter. `Awaited` and `NoAnswer` are never stored: a letter with no
    /// recorded outcome is awaited until the deadline and unanswered after it, and one whose
    /// person applied after it was sent reads `Applied` by itself.
    pub enum MailingOutcome ("在宅周知の結果") {
        Awaited = ("awaited", "返答待ち"),
        Applied = ("applied", "申請あり"),
        Declined = ("declined", "申請しない (マイナ保険証で受診)"),
        ReturnedMail = ("returned_mail", "あて所不明で返送"),
        NoAnswer = ("no_answer", "期限までに返答なし"),
    }
}

coded_enum! {
    /// Where a letter goes: the registered address, or a protected person's safe address.
    pub enum MailingAddress ("送付先") {
        Registered = ("registered", "住民票の住所"),
        Safe = ("safe", "登録された安全な送付先"),
    }
}

/// One person a mailing wrote to.
#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct MailingRecipient {
    pub person_id: i64,
    pub name: String,
    pub kana: String,
    pub birth_date: NaiveDate,
    pub address_kind: MailingAddress,
    pub address_label: &'static str,
    pub outcome: MailingOutcome,
    pub outcome_label: &'static str,
    /// The day the outcome was recorded (or the application received).
    pub outcome_on: Option<NaiveDate>,
    /// The application that answered the letter, received on or after it was sent.
    pub application_id: Option<i64>,
    pub reminded_on: Option<NaiveDate>,
    pub note: String,
    /// The person has since moved out or their record ended: no letter goes to them now.
    pub left: bool,
    /// A protected person (支援措置): their letter went to the safe address; a reader who may
    /// not see where they are does not see them listed.
    #[serde(skip)]
    #[ts(skip)]
    pub protected: bool,
}

/// How many letters stand where.
#[derive(ts_rs::TS, Debug, Clone, Default, Serialize)]
pub struct MailingCounts {
    pub sent: i64,
    pub awaited: i64,
    pub applied: i64,
    pub declined: i64,
    pub returned_mail: i64,
    pub no_answer: i64,
    /// Awaited or unanswered letters whose person was sent a reminder.
    pub reminded: i64,
}

/// A mailing with every letter it sent.
#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct MailingCampaign {
    pub id: i64,
    pub title: String,
    pub started_on: NaiveDate,
    pub deadline: NaiveDate,
    /// Whom it chose, in words (配慮理由、交付経路、年齢、…).
    pub criteria: String,
    pub note: String,
    pub recipients: Vec<MailingRecipient>,
    pub counts: MailingCounts,
    /// The deadline has passed with letters unanswered and not yet reminded: time for the
    /// reminders.
    pub overdue: bool,
}

/// A mailing's figures, for the home screen.
#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct MailingSummary {
    pub id: i64,
    pub title: String,
    pub started_on: NaiveDate,
    pub deadline: NaiveDate,
    pub counts: MailingCounts,
}
