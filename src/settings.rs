//! City settings, the desks' contact blocks and how long certificates run.

use clap::Subcommand;

use hairyo::forms::ReasonChoice;
use hairyo::operation::{self, Operation};
use hairyo::settings::{self, CitySettings, DeskContact, ValidityInput};
use hairyo::staff::Desk;

use crate::{typed, Invocation, Result};

#[derive(Subcommand)]
pub enum SettingsCmd {
    Show,
    SetCity {
        #[arg(long)]
        city: String,
        #[arg(long)]
        addressee: String,
        #[arg(long)]
        kouki_union: String,
        /// The 広域連合's 保険者番号 (eight digits from 39); kept as it is when left out.
        #[arg(long)]
        kouki_insurer_number: Option<String>,
        /// The 広域連合 prescribes its own 申請書 (true/false): the city prints only the cover
        /// letter and the 委任状. Kept as it is when left out.
        #[arg(long)]
        kouki_union_form: Option<bool>,
        /// The city issues 後期 certificates at its counter (true/false). Kept when left out.
        #[arg(long)]
        kouki_counter_issue: Option<bool>,
        /// The 文書番号 printed on letters to facilities; kept as it is when left out.
        #[arg(long)]
        document_number: Option<String>,
        /// 国保 certificates mailed home go 世帯主宛 (true/false). Kept when left out.
        #[arg(long)]
        mail_to_householder: Option<bool>,
        /// Mail to a standing 送付先 goes 簡易書留 (true/false). Kept when left out.
        #[arg(long)]
        registered_mail: Option<bool>,
        /// Mail to a standing 送付先 is marked 転送不要 (true/false). Kept when left out.
        #[arg(long)]
        no_forwarding: Option<bool>,
    },
    /// Stop signing staff in with the city's directory: local passwords work again (an
    /// administrator; while the directory is in use, a break-glass one). A server started with
    /// the directory's settings records it again.
    DirectoryOff,
    SetDesk {
        #[arg(value_parser = typed::coded("settings.invalid", "desk", Desk::parse))]
        desk: Desk,
        #[arg(long)]
        name: String,
        #[arg(long)]
        phone: String,
        #[arg(long, default_value = "")]
        hours: String,
        #[arg(long, default_value = "")]
        place: String,
    },
    /// Whether a reason lasts (continuing: an applied person's certificate continues at
    /// renewal where the rules say so) or passes (temporary), as this city counts it; e.g.
    /// `--reason other --span continuing` where 「その他」 continues.
    SetReasonSpan {
        #[arg(long)]
        reason: String,
        #[arg(long)]
        span: String,
    },
    /// How long a scheme's certificates run: to the `years`-th month/day on or after the day of
    /// issue (1 to 5 years; 国保 certificates still end by the day before the 75th birthday).
    SetValidity {
        /// kokuho or kouki.
        #[arg(long)]
        scheme: String,
        #[arg(long)]
        years: String,
        /// The month of the end day (7 for 7/31).
        #[arg(long)]
        month: String,
        /// The end day of that month (31 for 7/31).
        #[arg(long)]
        day: String,
    },
}

pub fn run(inv: &Invocation, cmd: &SettingsCmd) -> Result {
    match cmd {
        SettingsCmd::Show => show(inv),
        SettingsCmd::SetCity { .. } => set_city_keeping(inv, cmd),
        SettingsCmd::DirectoryOff => {
            let (mut store, actor) = inv.sign_in()?;
            hairyo::directory::stop_using(&mut store, &actor, inv.now)?;
            inv.emit(&serde_json::json!({"directory": false}), |_| {
                "ディレクトリでのサインインをやめました。ローカルのパスワードでサインインできます\n".to_string()
            })
        }
        SettingsCmd::SetDesk { desk, name, phone, hours, place } => {
            set_desk(inv, &DeskContact { desk: *desk, name: name.clone(), phone: phone.clone(), hours: hours.clone(), place: place.clone() })
        }
        SettingsCmd::SetReasonSpan { reason, span } => {
            let spans = vec![settings::ReasonSpanInput { reason: reason.clone(), span: span.clone() }];
            inv.call(Operation::SetReasonSpans(operation::SetReasonSpans { spans }))
        }
        SettingsCmd::SetValidity { scheme, years, month, day } => {
            set_validity(inv, &ValidityInput { scheme: scheme.clone(), years: years.clone(), end_month: month.clone(), end_day: day.clone() })
        }
    }
}

/// Every setting, printed as the JSON it is with or without `--json`.
fn show(inv: &Invocation) -> Result {
    let (store, actor) = inv.sign_in()?;
    let v = serde_json::json!({
        "city": settings::public_city(&store)?,
        "desks": settings::desk_contacts(&store, &actor, inv.now)?,
        "certificate_validity": settings::certificate_validity(&store, &actor, inv.now)?,
        "reason_spans": settings::reason_spans(&store, &actor, inv.now)?,
    });
    inv.emit(&v, |v| serde_json::to_string_pretty(v).unwrap_or_default())
}

fn set_city(inv: &Invocation, city: &CitySettings) -> Result {
    inv.call(Operation::SetCity(operation::SetCity { settings: city.clone() }))
}

fn set_desk(inv: &Invocation, contact: &DeskContact) -> Result {
    inv.call(Operation::SetDeskContact(operation::SetDeskContact { contact: contact.clone() }))
}

fn set_validity(inv: &Invocation, input: &ValidityInput) -> Result {
    let (mut store, actor) = inv.sign_in()?;
    inv.emit(&settings::set_certificate_validity(&mut store, &actor, input, inv.now)?, validity_text)
}

/// Every reason with its span.
pub fn reason_spans_text(all: &[ReasonChoice]) -> String {
    all.iter().map(|r| format!("{}\t{}\n", r.label, r.span_label)).collect()
}

fn validity_text(v: &settings::CertificateValidity) -> String {
    format!("{}の資格確認書の有効期間を更新しました: {}年 ({}月{}日まで)", v.scheme.label(), v.years, v.end_month, v.end_day)
}

pub fn city_text(s: &CitySettings) -> String {
    format!("市区町村の設定を更新しました: {} / 宛先 {}", s.city_name, s.addressee)
}

pub fn desk_text(d: &DeskContact) -> String {
    format!("{} の連絡先を更新しました", d.name)
}

/// `hairyo settings set-city`: what is left out keeps its stored value, so a new switch never
/// resets another.
fn set_city_keeping(inv: &Invocation, cmd: &SettingsCmd) -> Result {
    let SettingsCmd::SetCity {
        city,
        addressee,
        kouki_union,
        kouki_insurer_number,
        kouki_union_form,
        kouki_counter_issue,
        document_number,
        mail_to_householder,
        registered_mail,
        no_forwarding,
    } = cmd
    else {
        unreachable!("called for set-city only")
    };
    // What is left out keeps its stored value: a new switch never resets another.
    let now = settings::public_city(&inv.open()?)?;
    set_city(
        inv,
        &CitySettings {
            city_name: city.clone(),
            addressee: addressee.clone(),
            kouki_union: kouki_union.clone(),
            kouki_insurer_number: kouki_insurer_number.clone().unwrap_or(now.kouki_insurer_number),
            kouki_union_form: kouki_union_form.unwrap_or(now.kouki_union_form),
            kouki_counter_issue: kouki_counter_issue.unwrap_or(now.kouki_counter_issue),
            document_number: document_number.clone().unwrap_or(now.document_number),
            mail_to_householder: mail_to_householder.unwrap_or(now.mail_to_householder),
            registered_mail: registered_mail.unwrap_or(now.registered_mail),
            no_forwarding: no_forwarding.unwrap_or(now.no_forwarding),
        },
    )
}
