//! The yearly rhythm of the 8/1 renewal (一斉更新): the city's schedule before the 広域連合's print
//! cut-off, the spring list of who is due grouped by what each gets, and the reminder to make it.

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::audit::{self, Action};
use crate::certificate::{self, CertificateError};
use crate::coded_enum;
use crate::model::staff::Actor;
use crate::person;
use crate::policy::{self, RouteKind};
use crate::store::Store;
use crate::text::wareki;
use crate::validate::{self, Checker, Invalid};

coded_enum! {
    /// What a person on the renewal list gets on 8/1, for the list's groups and the export.
    pub enum RenewalGroup ("年次更新の区分") {
        Age85 = ("age_85", "85歳以上 (申請不要で交付)"),
        NoCard = ("no_card", "マイナ保険証なし (職権交付)"),
        Continues = ("continues", "申請済み・継続的な理由 (申請不要で交付)"),
        AtRenewal = ("at_renewal", "年次更新時交付 (暫定運用中の申請)"),
        ApplyAgain = ("apply_again", "改めて申請が必要 (一時的な理由など)"),
        NotIssued = ("not_issued", "交付なし (マイナ保険証で受診・他の保険者など)"),
    }
}

/// When the city makes its renewal list: `lead_days` before the 広域連合's print cut-off
/// (`cutoff_month`/`cutoff_day`, before the 8/1 renewal), with a reminder from `remind_days`
/// before that.
#[derive(ts_rs::TS, Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenewalSchedule {
    pub cutoff_month: u32,
    pub cutoff_day: u32,
    pub lead_days: u32,
    pub remind_days: u32,
}

impl Default for RenewalSchedule {
    /// A common 広域連合 calendar: print data by 6/15, the city's list two weeks before, a
    /// reminder a month before that.
    fn default() -> Self {
        RenewalSchedule { cutoff_month: 6, cutoff_day: 15, lead_days: 14, remind_days: 30 }
    }
}

/// The schedule as typed on the settings screen: the cut-off as a date of any year (6/15,
/// R9/6/15) and the day counts as text.
#[derive(ts_rs::TS, Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScheduleInput {
    pub cutoff: String,
    pub lead_days: String,
    pub remind_days: String,
}

/// This year's renewal as the schedule places it around `today`.
#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct RenewalSeason {
    /// The next 8/1 (today, on 8/1 itself).
    pub renewal_day: NaiveDate,
    pub cutoff: NaiveDate,
    /// The day the city's list is due.
    pub list_by: NaiveDate,
    pub remind_from: NaiveDate,
    /// When this renewal's list was last exported, if it was.
    pub list_made_on: Option<NaiveDate>,
    /// Days from today to `list_by` (negative once it has passed).
    pub days_to_list: i64,
    /// The reminder is due: inside the window, and no list made yet.
    pub remind: bool,
    pub schedule: RenewalSchedule,
}

/// One line of the spring list.
#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct RenewalLine {
    pub person_id: i64,
    pub atena_no: String,
    pub name: String,
    pub kana: String,
    pub birth_date: NaiveDate,
    pub age_on_renewal: i32,
    pub scheme_label: &'static str,
    pub card_number: String,
    pub group: RenewalGroup,
    pub group_label: &'static str,
    pub route_label: &'static str,
    pub rule_id: Option<String>,
    pub certificate_id: Option<i64>,
    pub application_id: Option<i64>,
    /// The certificate's last day, for those on the list by a certificate.
    pub valid_until: Option<NaiveDate>,
}

/// The groups' sizes over the whole list, and one page of its lines (of one group, if asked).
#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct RenewalList {
    pub season: RenewalSeason,
    pub groups: Vec<GroupCount>,
    pub lines: crate::Paged<RenewalLine>,
}

#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct GroupCount {
    pub group: RenewalGroup,
    pub label: &'static str,
    pub count: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum RenewalError {
    #[error("{0}")]
    Invalid(Invalid),
    #[error(transparent)]
    Certificate(#[from] CertificateError),
    #[error(transparent)]
    Person(#[from] person::PersonError),
    #[error(transparent)]
    Policy(#[from] policy::PolicyError),
    #[error(transparent)]
    Access(#[from] crate::access::AccessError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl RenewalError {
    pub fn code(&self) -> &'static str {
        match self {
            RenewalError::Invalid(_) => "renewal.invalid",
            RenewalError::Certificate(e) => e.code(),
            RenewalError::Person(e) => e.code(),
            RenewalError::Policy(e) => e.code(),
            RenewalError::Access(e) => e.code(),
            RenewalError::Store(e) => e.code(),
        }
    }
}

const SCHEDULE_KEY: &str = "renewal.schedule";

fn made_key(renewal_day: NaiveDate) -> String {
    format!("renewal.list_made.{renewal_day}")
}

pub(crate) fn schedule_of(conn: &crate::store::Read<'_>) -> Result<RenewalSchedule, crate::store::StoreError> {
    Ok(conn.settings().value(SCHEDULE_KEY)?.and_then(|v| serde_json::from_str(&v).ok()).unwrap_or_default())
}

/// The 8/1 renewal on or after `today`.
pub fn next_renewal_day(today: NaiveDate) -> NaiveDate {
    let this_year = NaiveDate::from_ymd_opt(today.year(), 8, 1).expect("8/1 exists");
    if today <= this_year {
        this_year
    } else {
        NaiveDate::from_ymd_opt(today.year() + 1, 8, 1).expect("8/1 exists")
    }
}

/// Where `today` stands in the renewal the schedule places before the next 8/1.
pub fn season_of(schedule: RenewalSchedule, list_made_on: Option<NaiveDate>, today: NaiveDate) -> RenewalSeason {
    let renewal_day = next_renewal_day(today);
    // The schedule was checked when saved: the cut-off is a real day before 8/1.
    let cutoff = NaiveDate::from_ymd_opt(renewal_day.year(), schedule.cutoff_month, schedule.cutoff_day).unwrap_or(renewal_day - Duration::days(1));
    let list_by = cutoff - Duration::days(schedule.lead_days.into());
    let remind_from = list_by - Duration::days(schedule.remind_days.into());
    RenewalSeason {
        renewal_day,
        cutoff,
        list_by,
        remind_from,
        list_made_on,
        days_to_list: (list_by - today).num_days(),
        remind: list_made_on.is_none() && today >= remind_from && today <= cutoff,
        schedule,
    }
}

pub(crate) fn season_in(conn: &crate::store::Read<'_>, today: NaiveDate) -> Result<RenewalSeason, crate::store::StoreError> {
    let schedule = schedule_of(conn)?;
    let renewal_day = next_renewal_day(today);
    let made = conn.settings().value(&made_key(renewal_day))?.and_then(|v| NaiveDate::parse_from_str(&v, "%Y-%m-%d").ok());
    Ok(season_of(schedule, made, today))
}

/// This year's renewal season for the insurer desks.
pub fn season(store: &Store, actor: &Actor, now: chrono::NaiveDateTime) -> Result<RenewalSeason, RenewalError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::IssueCertificate)?;
    Ok(season_in(&store.read(), now.date())?)
}

/// Reads a typed schedule, every field's problem at once.
pub fn parse_schedule(input: &ScheduleInput, today: NaiveDate) -> Result<RenewalSchedule, Invalid> {
    let mut c = Checker::new();
    let cutoff = c.take(
        "cutoff",
        validate::date_on("広域連合の締切日", &input.cutoff, today).and_then(|d| {
            if (d.month(), d.day()) >= (8, 1) || (d.month(), d.day()) < (4, 1) {
                Err("広域連合の締切日は、4月1日から7月31日までの日にしてください (8月1日の更新より前)".into())
            } else {
                Ok(d)
            }
        }),
    );
    let days = |c: &mut Checker, field: &'static str, label: &str, value: &str, max: u32| -> Option<u32> {
        c.take(
            field,
            value.trim().parse::<u32>().map_err(|_| format!("{label}は日数 (0～{max}) で入力してください")).and_then(|n| {
                if n > max {
                    Err(format!("{label}は{max}日以内にしてください"))
                } else {
                    Ok(n)
                }
            }),
        )
    };
    let lead = days(&mut c, "lead_days", "締切の何日前にリストを作るか", &input.lead_days, 90);
    let remind = days(&mut c, "remind_days", "何日前から知らせるか", &input.remind_days, 90);
    c.finish()?;
    let (Some(cutoff), Some(lead_days), Some(remind_days)) = (cutoff, lead, remind) else { unreachable!("the checker refused any missing value above") };
    Ok(RenewalSchedule { cutoff_month: cutoff.month(), cutoff_day: cutoff.day(), lead_days, remind_days })
}

/// Saves the city's renewal schedule; administrators only.
pub fn set_schedule(store: &mut Store, actor: &Actor, input: &ScheduleInput, now: chrono::NaiveDateTime) -> Result<RenewalSeason, RenewalError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::ChangeSettings)?;
    let schedule = parse_schedule(input, now.date()).map_err(RenewalError::Invalid)?;
    store.write(|tx| {
        tx.settings_mut().set(SCHEDULE_KEY, &serde_json::to_string(&schedule).expect("a schedule serialises"))?;
        audit::record(tx, actor, now, Action::Update, "renewal_schedule", None, serde_json::json!({"schedule": schedule}))?;
        Ok::<_, RenewalError>(())
    })?;
    Ok(season_in(&store.read(), now.date())?)
}

/// The last birthday of those who are 85 or over on `renewal_day`: the 後期 members the
/// renewal gives a certificate without an application (`kouki-85-and-over`). The rule counts
/// by 年齢計算ニ関スル法律, so one whose 85th birthday is the day after is 85 on the day too.
pub fn born_by_85(renewal_day: NaiveDate) -> NaiveDate {
    crate::model::person::statutorily_born_by(renewal_day, 85)
}

fn group_of(route: RouteKind, rule_id: Option<&str>, issued_without_application: bool, at_renewal: bool) -> RenewalGroup {
    match (route, rule_id) {
        _ if at_renewal => RenewalGroup::AtRenewal,
        (_, Some("kouki-85-and-over")) => RenewalGroup::Age85,
        (RouteKind::ExOfficio | RouteKind::KoukiProvisional, _) => RenewalGroup::NoCard,
        (RouteKind::OnApplication, _) if issued_without_application => RenewalGroup::Continues,
        (RouteKind::OnApplication, _) => RenewalGroup::ApplyAgain,
        _ => RenewalGroup::NotIssued,
    }
}

/// Every line of the list for the renewal on `renewal_day`, in 五十音順.
pub(crate) fn lines_in(conn: &crate::store::Read<'_>, renewal_day: NaiveDate) -> Result<Vec<RenewalLine>, RenewalError> {
    // Every line: the groups count the whole list, and the export writes it.
    let due = conn.certificates().renewal_list(renewal_day - Duration::days(1), born_by_85(renewal_day), crate::Page { offset: 0, limit: i64::MAX / 2 })?;
    let rules = policy::rules(conn)?;
    let mut lines = Vec::with_capacity(due.items.len());
    for d in due.items {
        let p = person::load(conn, d.person_id)?;
        let facts = policy::Facts::of(conn, &p, renewal_day)?;
        let route = policy::evaluate(&rules, p.scheme, &facts, renewal_day);
        let group = group_of(route.kind, route.rule_id.as_deref(), policy::issued_without_application(&rules, &route), d.application_id.is_some());
        let valid_until = match d.certificate_id {
            Some(id) => Some(certificate::load(conn, id)?.valid_until),
            None => None,
        };
        lines.push(RenewalLine {
            person_id: p.id,
            atena_no: p.atena_no.clone(),
            name: p.name.clone(),
            kana: p.kana.clone(),
            birth_date: p.birth_date,
            // The age is counted as the 85-and-over rule counts it (年齢計算ニ関スル法律).
            age_on_renewal: crate::model::person::statutory_age_on(p.birth_date, renewal_day),
            scheme_label: d.scheme.label(),
            card_number: p.card_number.clone(),
            group,
            group_label: group.label(),
            route_label: route.label,
            rule_id: route.rule_id,
            certificate_id: d.certificate_id,
            application_id: d.application_id,
            valid_until,
        });
    }
    Ok(lines)
}

/// The spring list for this year's renewal (or the one on `renewal_day`): who is due, grouped
/// by what each gets on the day, for the insurer desks to prepare before the cut-off.
pub fn spring_list(
    store: &Store,
    actor: &Actor,
    renewal_day: Option<NaiveDate>,
    group: Option<RenewalGroup>,
    page: crate::Page,
    now: chrono::NaiveDateTime,
) -> Result<RenewalList, RenewalError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::IssueCertificate)?;
    let conn = &store.read();
    let season = season_in(conn, now.date())?;
    let day = renewal_day.unwrap_or(season.renewal_day);
    if day.month() != 8 || day.day() != 1 {
        let mut c = Checker::new();
        c.fail("renewal_day", format!("年次更新日は8月1日です ({}は更新日ではありません)", wareki::format(day)));
        c.finish().map_err(RenewalError::Invalid)?;
    }
    let lines = lines_in(conn, day)?;
    let groups = RenewalGroup::ALL.iter().map(|g| GroupCount { group: *g, label: g.label(), count: lines.iter().filter(|l| l.group == *g).count() }).collect();
    let chosen: Vec<RenewalLine> = lines.into_iter().filter(|l| group.is_none_or(|g| l.group == g)).collect();
    let total = chosen.len() as i64;
    let lines = chosen.into_iter().skip(page.offset as usize).take(page.limit as usize).collect();
    Ok(RenewalList { season, groups, lines: crate::Paged { items: lines, total, offset: page.offset, limit: page.limit } })
}

/// Notes that this renewal's list was made (exported) today, which ends its reminder.
pub(crate) fn note_list_made(tx: &crate::store::Write<'_>, today: NaiveDate) -> Result<(), crate::store::StoreError> {
    tx.settings_mut().set(&made_key(next_renewal_day(today)), &today.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_list_is_due_before_the_cut_off_and_reminded_until_it_is_made() {
        let s = RenewalSchedule::default();
        let season = season_of(s, None, d("2027-05-01"));
        assert_eq!(
            (season.renewal_day, season.cutoff, season.list_by, season.remind_from),
            (d("2027-08-01"), d("2027-06-15"), d("2027-06-01"), d("2027-05-02"))
        );
        assert!(!season.remind, "a day before the window");
        assert!(season_of(s, None, d("2027-05-02")).remind);
        assert!(season_of(s, None, d("2027-06-15")).remind, "still reminded on the cut-off day");
        assert!(!season_of(s, None, d("2027-06-16")).remind);
        assert!(!season_of(s, Some(d("2027-05-20")), d("2027-05-25")).remind, "made: no reminder");
        // After 8/1 the next renewal is a year away.
        assert_eq!(season_of(s, None, d("2026-12-02")).renewal_day, d("2027-08-01"));
        assert_eq!(season_of(s, None, d("2027-08-01")).renewal_day, d("2027-08-01"));
    }

    #[test]
    fn a_schedule_is_read_with_every_problem_named() {
        let today = d("2026-12-02");
        let ok = parse_schedule(&ScheduleInput { cutoff: "6/10".into(), lead_days: "10".into(), remind_days: "20".into() }, today).unwrap();
        assert_eq!((ok.cutoff_month, ok.cutoff_day, ok.lead_days, ok.remind_days), (6, 10, 10, 20));
        let bad = parse_schedule(&ScheduleInput { cutoff: "8/15".into(), lead_days: "two".into(), remind_days: "400".into() }, today).unwrap_err();
        let fields: Vec<&str> = bad.0.iter().map(|f| f.field).collect();
        assert_eq!(fields, vec!["cutoff", "lead_days", "remind_days"]);
    }
}
