//! Welfare facilities and their campaigns (施設への呼びかけ): the forms sent to the residents and
//! what came back.

use std::fmt::Write as _;

use clap::Subcommand;

use hairyo::campaign::{self, CampaignInput, FacilityCampaign, ReturnInput};
use hairyo::disclosure::Shown;
use hairyo::facility::{self, Campaign, Facility, FacilityInput};
use hairyo::operation::{self, Operation};
use hairyo::text::wareki;
use hairyo::Paged;

use crate::output::page_footer;
use crate::session::page;
use crate::{typed, ErrorBody, Invocation, Result};

#[derive(Subcommand)]
pub enum FacilityCmd {
    Add {
        #[arg(long)]
        name: String,
        /// nursing_home / geriatric_health / care_medical / dementia_group_home / private_home /
        /// disability_support / disability_group_home / childrens_home / infant_home /
        /// disabled_children / foster / elderly / disability / children / other
        #[arg(long)]
        kind: String,
        #[arg(long, default_value = "")]
        postal: String,
        #[arg(long, default_value = "")]
        address: String,
        #[arg(long, default_value = "")]
        phone: String,
        #[arg(long, default_value = "")]
        contact: String,
    },
    List {
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(long, default_value_t = 0)]
        offset: i64,
    },
    /// Set the campaign status (none / informed / collecting / done).
    Campaign {
        id: i64,
        #[arg(value_parser = typed::coded("facility.invalid", "campaign", Campaign::parse))]
        status: Campaign,
    },
    /// Start a campaign: every resident the batch gives a form to is recorded as sent today.
    CampaignStart {
        id: i64,
        /// The day the forms are due back (any date form).
        #[arg(long)]
        deadline: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// A facility's campaigns with each resident's outcome.
    Campaigns { id: i64 },
    /// Record returned forms: each --return is PERSON_ID:OUTCOME (applied / declined /
    /// not_needed / left), all or nothing; an application is received for each `applied`.
    CampaignReturns {
        campaign: i64,
        #[arg(long = "return", required = true, value_parser = campaign_return)]
        returns: Vec<(i64, String)>,
        /// The day the forms came back (default today).
        #[arg(long, default_value = "")]
        on: String,
    },
}

pub fn run(inv: &Invocation, cmd: &FacilityCmd) -> Result {
    match cmd {
        FacilityCmd::Add { name, kind, postal, address, phone, contact } => {
            let input = FacilityInput {
                name: name.clone(),
                kind: kind.clone(),
                postal_code: postal.clone(),
                address: address.clone(),
                phone: phone.clone(),
                contact_name: contact.clone(),
            };
            add(inv, &input)
        }
        FacilityCmd::List { limit, offset } => list(inv, *offset, *limit),
        FacilityCmd::Campaign { id, status } => set_campaign(inv, *id, *status),
        FacilityCmd::CampaignStart { id, deadline, note } => {
            start_campaign(inv, &CampaignInput { facility_id: *id, deadline: deadline.clone(), note: note.clone(), confirmed_digits: false })
        }
        FacilityCmd::Campaigns { id } => campaigns(inv, *id),
        FacilityCmd::CampaignReturns { campaign, returns, on } => campaign_returns(inv, *campaign, returns, on),
    }
}

/// `--return PERSON_ID:OUTCOME`; the outcome is the core's to read.
fn campaign_return(s: &str) -> Result<(i64, String)> {
    s.split_once(':')
        .and_then(|(p, o)| p.trim().parse::<i64>().ok().map(|p| (p, o.trim().to_string())))
        .ok_or_else(|| ErrorBody::new("cli.bad_return", format!("--return は 対象者ID:結果 (例 12:applied) で指定してください (指定: {s})")))
}

fn add(inv: &Invocation, input: &FacilityInput) -> Result {
    let (mut store, actor) = inv.sign_in()?;
    inv.emit(&facility::add(&mut store, &actor, input, inv.now)?, added_text)
}

fn list(inv: &Invocation, offset: i64, limit: i64) -> Result {
    let page = page(offset, limit)?;
    inv.call(Operation::ListFacilities(operation::PageArgs { offset: page.offset, limit: page.limit }))
}

fn set_campaign(inv: &Invocation, id: i64, status: Campaign) -> Result {
    inv.call(Operation::SetFacilityCampaign(operation::SetCampaign { id, campaign: status.code().to_string() }))
}

fn start_campaign(inv: &Invocation, input: &CampaignInput) -> Result {
    inv.call(Operation::StartCampaign(operation::StartCampaign { input: input.clone() }))
}

fn campaigns(inv: &Invocation, id: i64) -> Result {
    inv.call(Operation::FacilityCampaigns(operation::Id { id }))
}

fn campaign_returns(inv: &Invocation, id: i64, returns: &[(i64, String)], on: &str) -> Result {
    let returns: Vec<ReturnInput> = returns
        .iter()
        .map(|(person, outcome)| ReturnInput { person_id: *person, outcome: outcome.clone(), returned_on: on.to_string(), note: String::new() })
        .collect();
    inv.call(Operation::ReceiveCampaignReturns(operation::CampaignReturns { id, returns }))
}

fn added_text(f: &Facility) -> String {
    format!("施設を登録しました (ID {}): {} ({})", f.id, f.name, f.kind_label)
}

pub fn list_text(l: &Paged<Facility>) -> String {
    let mut out: String = l.items.iter().map(|f| format!("{}\t{}\t{}\t入所者 {}人\t{}\n", f.id, f.name, f.kind_label, f.residents, f.campaign_label)).collect();
    out.push_str(&page_footer(l));
    out
}

pub fn campaign_status_text(f: &Facility) -> String {
    format!("{} の呼びかけ状況: {}", f.name, f.campaign_label)
}

pub fn campaigns_text(l: &[Shown<FacilityCampaign>]) -> String {
    if l.is_empty() {
        "呼びかけの記録はありません".into()
    } else {
        l.iter().map(|c| campaign_text(c)).collect::<Vec<_>>().join("\n")
    }
}

/// A campaign: when the forms went out and are due, then each resident's outcome.
pub fn campaign_text(c: &FacilityCampaign) -> String {
    let mut out = format!(
        "呼びかけ ID {} {} 送付 {} 期限 {}{}  返送待ち {}人 / {}人\n",
        c.id,
        c.facility_name,
        wareki::format(c.started_on),
        wareki::format(c.deadline),
        if c.overdue { " (期限切れ)" } else { "" },
        c.awaited,
        c.residents.len()
    );
    for r in &c.residents {
        let _ = writeln!(out, "{}", resident_line(r));
    }
    out
}

fn resident_line(r: &campaign::CampaignResident) -> String {
    format!(
        "  {} (ID {}) {}{}{}",
        r.name,
        r.person_id,
        r.outcome_label,
        r.returned_on.map(|d| format!(" {}", wareki::format(d))).unwrap_or_default(),
        r.application_status_label.map(|s| format!(" 申請 #{}: {s}", r.application_id.unwrap_or_default())).unwrap_or_default()
    )
}
