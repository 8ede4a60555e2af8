//! Referral and application state machines: who may do what, from which state.

use crate::common;

use common::{at, date, holder, World};
use hairyo::application::{self, AppStatus, ApplicationInput, Document};
use hairyo::codes::Coded;
use hairyo::referral::{self, ReferralInput, ReferralStatus};
use hairyo::reminder;

fn code<E: Coded>(r: Result<impl std::fmt::Debug, E>) -> String {
    r.map(|v| panic!("expected an error, got {v:?}")).unwrap_err().code().to_string()
}

#[test]
fn referral_life_cycle_and_refusals() {
    let mut w = World::new();
    let p = w.person(|i| {
        holder(i);
        i.reasons = vec!["dementia".into()];
    });
    let cw = w.actor("kaigo_cw");
    let clerk = w.actor("kokuho_clerk");
    let other_cw = w.actor("shogai_cw");
    let now = at("2026-11-25");

    // The insurer desk does not send referrals to itself.
    assert_eq!(
        code(referral::send(
            &mut w.store,
            &clerk,
            &ReferralInput { person_id: p.id, reason: "x".into(), sharing_basis: "consent".into(), ..Default::default() },
            now
        )),
        "referral.forbidden"
    );
    // A reason is required.
    assert_eq!(
        code(referral::send(&mut w.store, &cw, &ReferralInput { person_id: p.id, sharing_basis: "consent".into(), ..Default::default() }, now)),
        "referral.invalid"
    );
    // The consent or legal basis is required, and an unknown one is refused, not mapped.
    for basis in ["", "implied"] {
        let err =
            referral::send(&mut w.store, &cw, &ReferralInput { person_id: p.id, reason: "x".into(), sharing_basis: basis.into(), ..Default::default() }, now)
                .unwrap_err();
        let fields = &hairyo::codes::Coded::invalid(&err).expect("field errors").0;
        assert!(fields.iter().any(|f| f.field == "sharing_basis" && f.message.contains("情報共有の根拠")), "{basis:?}: {fields:?}");
    }
    // Only insurer desks receive.
    assert_eq!(
        code(referral::send(
            &mut w.store,
            &cw,
            &ReferralInput { person_id: p.id, reason: "x".into(), to_desk: "shogai".into(), sharing_basis: "consent".into(), ..Default::default() },
            now
        )),
        "referral.invalid"
    );

    // The count on each desk's 連携依頼 tab: what waits for that desk to act.
    let waiting = |w: &World, a: &hairyo::staff::Actor| referral::waiting(&w.store, a, now).unwrap();
    let (clerk_before, cw_before) = (waiting(&w, &clerk), waiting(&w, &cw));
    let r = referral::send(
        &mut w.store,
        &cw,
        &ReferralInput { person_id: p.id, reason: "認知症のため申請支援を".into(), sharing_basis: "consent".into(), ..Default::default() },
        now,
    )
    .unwrap();
    assert_eq!((r.status, r.to_desk), (ReferralStatus::Sent, hairyo::staff::Desk::Kokuho));
    assert_eq!((r.sharing_basis, r.sharing_basis_label), (Some(referral::SharingBasis::Consent), "本人の同意"));
    assert_eq!((waiting(&w, &clerk), waiting(&w, &cw)), (clerk_before + 1, cw_before), "sent: the NHI desk's to answer");

    // A caseworker cannot accept; completing a sent referral skips a state.
    assert_eq!(code(referral::accept(&mut w.store, &cw, r.id, "", now)), "access.denied");
    assert_eq!(code(referral::complete(&mut w.store, &clerk, r.id, "", now)), "referral.bad_transition");
    // Returning needs a reason the sender can act on.
    assert_eq!(code(referral::send_back(&mut w.store, &clerk, r.id, "  ", now)), "referral.invalid");
    let r = referral::send_back(&mut w.store, &clerk, r.id, "世帯主を確認してください", now).unwrap();
    assert_eq!(r.status, ReferralStatus::Returned);
    assert_eq!(r.return_reason, "世帯主を確認してください");
    assert_eq!((waiting(&w, &clerk), waiting(&w, &cw)), (clerk_before, cw_before + 1), "returned: the sender's to act on");
    // The returned referral reminds the sending desk.
    let due = reminder::due(&w.store, &cw, reminder::Window::default(), at("2026-11-25")).unwrap();
    assert_eq!(due.returned_referrals_total, 1);

    // Only the sending desk re-sends it; then the clerk accepts and completes.
    assert_eq!(code(referral::resend(&mut w.store, &other_cw, r.id, "", now)), "referral.forbidden");
    let r = referral::resend(&mut w.store, &cw, r.id, "確認しました", now).unwrap();
    assert_eq!(r.status, ReferralStatus::Sent);
    let r = referral::accept(&mut w.store, &clerk, r.id, "", now).unwrap();
    assert_eq!((waiting(&w, &clerk), waiting(&w, &cw)), (clerk_before, cw_before), "accepted: nobody's to answer");
    let err = referral::accept(&mut w.store, &clerk, r.id, "", now).unwrap_err();
    assert_eq!(err.code(), "referral.bad_transition");
    assert!(err.to_string().contains("受理"), "{err}");
    let r = referral::complete(&mut w.store, &clerk, r.id, "申請受付済み", now).unwrap();
    assert_eq!(r.status, ReferralStatus::Completed);

    // Comments from the two desks; an unrelated desk is refused.
    referral::comment(&mut w.store, &cw, r.id, "ありがとうございました", now).unwrap();
    assert_eq!(code(referral::comment(&mut w.store, &other_cw, r.id, "横から", now)), "referral.forbidden");
    let r = referral::get(&w.store, &w.admin, r.id, common::at("2026-11-25")).unwrap();
    assert!(r.comments.iter().any(|c| c.body == "ありがとうございました"));
    assert!(r.comments.iter().any(|c| c.body.contains("世帯主を確認")));
    // The person's record and the desk's queue carry the same thread, in order.
    let on_record = hairyo::record::show(&mut w.store, &cw, p.id, now).unwrap().referrals;
    assert_eq!(on_record[0].comments.iter().map(|c| &c.body).collect::<Vec<_>>(), r.comments.iter().map(|c| &c.body).collect::<Vec<_>>());
    let kokuho_clerk = w.actor("kokuho_clerk");
    let queued =
        referral::queue(&mut w.store, &kokuho_clerk, referral::QueueFilter::Every, referral::QueueOrder::Oldest, hairyo::Page::new(0, 50), now).unwrap();
    assert_eq!(queued.items[0].comments.len(), r.comments.len());
}

/// The home's 送付中 card counts the referrals a desk sent that are still open (送付済み or
/// 受理), and the inbox's `open` filter lists exactly those: a card opens the list it counts.
/// Unknown filter codes are refused rather than read as "every referral".
#[test]
fn the_open_referrals_card_and_the_open_inbox_list_agree() {
    let mut w = World::new();
    let p = w.person(|i| {
        holder(i);
        i.reasons = vec!["dementia".into()];
    });
    let (cw, clerk) = (w.actor("kaigo_cw"), w.actor("kokuho_clerk"));
    let now = at("2026-11-25");
    let send = |w: &mut World| {
        referral::send(
            &mut w.store,
            &cw,
            &ReferralInput { person_id: p.id, reason: "申請の支援".into(), sharing_basis: "consent".into(), ..Default::default() },
            now,
        )
        .unwrap()
        .id
    };
    let (sent, accepted, returned, completed) = (send(&mut w), send(&mut w), send(&mut w), send(&mut w));
    referral::accept(&mut w.store, &clerk, accepted, "", now).unwrap();
    referral::send_back(&mut w.store, &clerk, returned, "世帯を確認してください", now).unwrap();
    referral::accept(&mut w.store, &clerk, completed, "", now).unwrap();
    referral::complete(&mut w.store, &clerk, completed, "", now).unwrap();
    let home = hairyo::home::summary(&w.store, &cw, now).unwrap();
    let open =
        referral::queue(&mut w.store, &cw, referral::QueueFilter::parse("open").unwrap(), referral::QueueOrder::Oldest, hairyo::Page::new(0, 50), now).unwrap();
    let ids: Vec<i64> = open.items.iter().map(|r| r.id).collect();
    assert_eq!(ids, vec![sent, accepted], "sent and accepted, oldest first");
    assert_eq!(home.counts.referrals_open, open.total);
    // The receiving desk sent none of them: its own open list is empty.
    let theirs = referral::queue(&mut w.store, &clerk, referral::QueueFilter::OpenSent, referral::QueueOrder::Oldest, hairyo::Page::new(0, 50), now).unwrap();
    assert_eq!(theirs.total, 0);
    // An administrator's cards count every desk, and so do the lists they open.
    let admin_home = hairyo::home::summary(&w.store, &w.admin, now).unwrap();
    for (filter, count) in
        [("open", admin_home.counts.referrals_open), ("sent", admin_home.counts.referrals_to_review), ("returned", admin_home.counts.referrals_returned)]
    {
        let listed =
            referral::queue(&mut w.store, &w.admin, referral::QueueFilter::parse(filter).unwrap(), referral::QueueOrder::Oldest, hairyo::Page::new(0, 50), now)
                .unwrap();
        assert_eq!((filter, listed.total), (filter, count));
    }
    assert!(referral::QueueFilter::parse("opened").is_err());
    assert_eq!(referral::QueueFilter::parse(""), Ok(referral::QueueFilter::Every));
}

/// A desk's queue is the referrals sent to it and those it sent, oldest first, read a page at a
/// time: every page of every desk's queue, under every filter, holds exactly the referrals the
/// filter names, in date order (ties by id), each once, and its total counts them all. The
/// referrals are sent on dates out of id order, from three desks to two, in every state.
#[test]
fn every_page_of_every_desk_queue_holds_its_referrals_in_date_order() {
    let mut w = World::new();
    let member = w.person(|i| {
        holder(i);
        i.reasons = vec!["dementia".into()];
    });
    let elder = w.person(|i| {
        holder(i);
        i.birth_date = "1945-03-01".into();
        i.scheme = "kouki".into();
        i.reasons = vec!["dementia".into()];
    });
    let senders = [w.actor("kaigo_cw"), w.actor("shogai_cw"), w.actor("jido_cw")];
    let (kokuho, kouki) = (w.actor("kokuho_clerk"), w.actor("kouki_clerk"));
    let days = ["2026-11-20", "2026-11-03", "2026-11-20", "2026-10-30", "2026-11-11", "2026-11-03", "2026-11-25", "2026-10-30", "2026-11-11"];
    for (n, day) in days.iter().enumerate() {
        let from = &senders[n % 3];
        let (person, clerk) = if n % 2 == 0 { (member.id, &kokuho) } else { (elder.id, &kouki) };
        let input = ReferralInput { person_id: person, reason: "申請の支援".into(), sharing_basis: "consent".into(), ..Default::default() };
        let id = referral::send(&mut w.store, from, &input, at(day)).unwrap().id;
        match n % 4 {
            1 => drop(referral::accept(&mut w.store, clerk, id, "", at("2026-12-01")).unwrap()),
            2 => drop(referral::send_back(&mut w.store, clerk, id, "世帯を確認してください", at("2026-12-01")).unwrap()),
            3 => {
                referral::accept(&mut w.store, clerk, id, "", at("2026-12-01")).unwrap();
                referral::complete(&mut w.store, clerk, id, "", at("2026-12-01")).unwrap();
            }
            _ => {}
        }
    }
    let now = at("2026-12-02");
    let all = referral::queue(&mut w.store, &w.admin, referral::QueueFilter::Every, referral::QueueOrder::Oldest, hairyo::Page::new(0, 100), now).unwrap();
    assert_eq!(all.total as usize, days.len());
    let mut ordered = all.items.clone();
    ordered.sort_by_key(|r| (r.sent_on, r.id));
    assert_eq!(all.items.iter().map(|r| r.id).collect::<Vec<_>>(), ordered.iter().map(|r| r.id).collect::<Vec<_>>(), "oldest first");
    let statuses = [ReferralStatus::Sent, ReferralStatus::Accepted, ReferralStatus::Returned, ReferralStatus::Completed];
    let filters: Vec<referral::QueueFilter> =
        [referral::QueueFilter::Every, referral::QueueFilter::OpenSent].into_iter().chain(statuses.map(referral::QueueFilter::In)).collect();
    for actor in [&w.admin.clone(), &kokuho, &kouki, &senders[0], &senders[1], &senders[2]] {
        for filter in &filters {
            let expected: Vec<i64> = ordered
                .iter()
                .filter(|r| {
                    let desk_ok = actor.role == hairyo::staff::Role::Admin
                        || match filter {
                            referral::QueueFilter::OpenSent => r.from_desk == actor.desk,
                            _ => r.from_desk == actor.desk || r.to_desk == actor.desk,
                        };
                    let status_ok = match filter {
                        referral::QueueFilter::Every => true,
                        referral::QueueFilter::OpenSent => matches!(r.status, ReferralStatus::Sent | ReferralStatus::Accepted),
                        referral::QueueFilter::In(s) => r.status == *s,
                    };
                    desk_ok && status_ok
                })
                .map(|r| r.id)
                .collect();
            // Newest first (the inbox's order) is the same list the other way round, page by page.
            let newest: Vec<i64> = expected.iter().rev().copied().collect();
            for (order, expected) in [(referral::QueueOrder::Oldest, &expected), (referral::QueueOrder::Newest, &newest)] {
                let mut paged = Vec::new();
                for offset in (0..=expected.len() as i64).step_by(2) {
                    let page = referral::queue(&mut w.store, actor, *filter, order, hairyo::Page::new(offset, 2), now).unwrap();
                    assert_eq!(page.total as usize, expected.len(), "{} {filter:?}: total", actor.login);
                    paged.extend(page.items.iter().map(|r| r.id));
                }
                assert_eq!(&paged, expected, "{} {filter:?} {order:?}", actor.login);
            }
        }
    }
}

/// 取下げ: the sending desk withdraws a referral nobody has taken up, or one that came back, with
/// a reason the other desk reads in the thread. Nobody else may, a reason is required, and a
/// withdrawn referral leaves the queues and can take no other step.
#[test]
fn the_sender_withdraws_an_unanswered_referral_with_a_reason() {
    let mut w = World::new();
    let p = w.person(|i| {
        holder(i);
        i.reasons = vec!["dementia".into()];
    });
    let (cw, clerk, other_cw) = (w.actor("kaigo_cw"), w.actor("kokuho_clerk"), w.actor("shogai_cw"));
    let now = at("2026-11-25");
    let send = |w: &mut World| {
        referral::send(
            &mut w.store,
            &cw,
            &ReferralInput { person_id: p.id, reason: "申請の支援".into(), sharing_basis: "consent".into(), ..Default::default() },
            now,
        )
        .unwrap()
    };
    let r = send(&mut w);
    assert!(referral::next_actions(&cw, &r).contains(&referral::ReferralActionKind::Withdraw), "the sender is offered 取下げ");
    assert!(!referral::next_actions(&clerk, &r).contains(&referral::ReferralActionKind::Withdraw), "the receiving desk is not");
    // Nobody but the sending desk; never without a reason.
    assert_eq!(code(referral::withdraw(&mut w.store, &clerk, r.id, "不要", now)), "access.denied");
    assert_eq!(code(referral::withdraw(&mut w.store, &other_cw, r.id, "不要", now)), "referral.forbidden");
    let e = referral::withdraw(&mut w.store, &cw, r.id, "  ", now).unwrap_err();
    assert_eq!(e.code(), "referral.invalid");
    let done = referral::withdraw(&mut w.store, &cw, r.id, "本人がカードで受診できるようになった", now).unwrap();
    assert_eq!(
        (done.status, done.withdrawn_on, done.withdraw_reason.as_str()),
        (ReferralStatus::Withdrawn, Some(date("2026-11-25")), "本人がカードで受診できるようになった")
    );
    assert!(done.comments.iter().any(|c| c.body == "[取下げ] 本人がカードで受診できるようになった"), "the other desk reads why");
    assert!(done.next == vec![referral::ReferralActionKind::Comment], "only the thread stays open: {:?}", done.next);
    // Nothing more happens to it, and it leaves the receiving desk's queue and counts.
    assert_eq!(code(referral::accept(&mut w.store, &clerk, r.id, "", now)), "referral.bad_transition");
    assert_eq!(code(referral::withdraw(&mut w.store, &cw, r.id, "二度目", now)), "referral.bad_transition");
    let queue =
        referral::queue(&mut w.store, &clerk, referral::QueueFilter::In(ReferralStatus::Sent), referral::QueueOrder::Oldest, hairyo::Page::new(0, 50), now)
            .unwrap();
    assert!(queue.items.iter().all(|q| q.id != r.id));
    let home = hairyo::home::summary(&w.store, &clerk, now).unwrap();
    assert_eq!(home.counts.referrals_to_review, 0);
    // Once accepted it is the other desk's to finish: no 取下げ.
    let second = send(&mut w).id;
    let accepted = referral::accept(&mut w.store, &clerk, second, "", now).unwrap();
    assert_eq!(code(referral::withdraw(&mut w.store, &cw, accepted.id, "不要", now)), "referral.bad_transition");
    // A returned one may be withdrawn instead of sent again.
    let third = send(&mut w).id;
    let returned = referral::send_back(&mut w.store, &clerk, third, "世帯主を確認してください", now).unwrap();
    let r = referral::withdraw(&mut w.store, &cw, returned.id, "本人が自分で申請する", now).unwrap();
    assert_eq!(r.status, ReferralStatus::Withdrawn);
}

/// 氏名 typed in half-width kana is stored in full width, as フリガナ is, and found by either.
#[test]
fn a_name_typed_in_half_width_kana_is_stored_in_full_width() {
    let mut w = World::new();
    let p = w.person(|i| {
        i.name = "ﾔﾏﾀﾞ ﾊﾅｺ".into();
        i.kana = "ﾔﾏﾀﾞ ﾊﾅｺ".into();
    });
    assert_eq!((p.name.as_str(), p.kana.as_str()), ("ヤマダ\u{3000}ハナコ", "ヤマダ\u{3000}ハナコ"));
    let clerk = w.actor("kokuho_clerk");
    for query in ["ﾔﾏﾀﾞ ﾊﾅｺ", "ヤマダ　ハナコ", "やまだ"] {
        let found = hairyo::search::search(&mut w.store, &clerk, query, hairyo::Page::new(0, 20), at("2026-11-25")).unwrap();
        assert!(found.hits.items.iter().any(|h| h.person.id == p.id), "{query}");
    }
}

/// An application that came from a referral ends it: issued, refused or withdrawn, the
/// referral completes with it and the sending desk reads the outcome in its thread. A referral
/// the insurer returned keeps its state.
#[test]
fn the_referral_completes_when_its_application_ends() {
    let mut w = World::new();
    let p = w.person(|i| {
        holder(i);
        i.reasons = vec!["dementia".into()];
    });
    let (cw, clerk) = (w.actor("kaigo_cw"), w.actor("kokuho_clerk"));
    let now = at("2026-11-25");
    for (step, outcome) in [("issue", "交付済"), ("reject", "却下"), ("withdraw", "取下げ")] {
        let r = referral::send(
            &mut w.store,
            &cw,
            &ReferralInput { person_id: p.id, reason: format!("申請の支援 {step}"), sharing_basis: "consent".into(), ..Default::default() },
            now,
        )
        .unwrap();
        referral::accept(&mut w.store, &clerk, r.id, "", now).unwrap();
        let input = ApplicationInput { person_id: p.id, referral_id: Some(r.id), ..Default::default() };
        let a = application::receive(&mut w.store, &clerk, &input, now).unwrap().application;
        assert_eq!(referral::get(&w.store, &cw, r.id, now).unwrap().status, ReferralStatus::Accepted, "still open while the application runs");
        match step {
            "issue" => {
                application::check_document(&mut w.store, &clerk, a.id, Document::ApplicantId, true, now).unwrap();
                application::decide(&mut w.store, &clerk, a.id, None, now).unwrap();
                application::issue(&mut w.store, &clerk, a.id, date("2026-11-25"), now).unwrap();
            }
            "reject" => {
                application::reject(&mut w.store, &clerk, a.id, "国保の資格がありません", now).unwrap();
            }
            _ => {
                application::withdraw(&mut w.store, &clerk, a.id, "本人の希望", now).unwrap();
            }
        }
        let seen = referral::get(&w.store, &cw, r.id, now).unwrap();
        assert_eq!((seen.status, seen.completed_on), (ReferralStatus::Completed, Some(date("2026-11-25"))), "{step}");
        let told = format!("[完了] 申請が「{outcome}」になりました");
        assert!(seen.comments.iter().any(|c| c.body == told), "{step}: {:?}", seen.comments);
    }
    // A returned referral is the sender's to act on: an application ending does not close it.
    let r = referral::send(
        &mut w.store,
        &cw,
        &ReferralInput { person_id: p.id, reason: "差戻しの例".into(), sharing_basis: "consent".into(), ..Default::default() },
        now,
    )
    .unwrap();
    let input = ApplicationInput { person_id: p.id, referral_id: Some(r.id), ..Default::default() };
    let a = application::receive(&mut w.store, &clerk, &input, now).unwrap().application;
    referral::send_back(&mut w.store, &clerk, r.id, "世帯主を確認してください", now).unwrap();
    application::withdraw(&mut w.store, &clerk, a.id, "本人の希望", now).unwrap();
    assert_eq!(referral::get(&w.store, &cw, r.id, now).unwrap().status, ReferralStatus::Returned);
}

/// The desk's queue lists the oldest first and says how long each has waited; a resent one
/// counts from its resending.
#[test]
fn the_queue_says_how_long_each_referral_has_waited_oldest_first() {
    let mut w = World::new();
    let p = w.person(|i| {
        holder(i);
        i.reasons = vec!["dementia".into()];
    });
    let (cw, clerk) = (w.actor("kaigo_cw"), w.actor("kokuho_clerk"));
    for (day, reason) in [("2026-11-24", "昨日の依頼"), ("2026-11-18", "先週の依頼"), ("2026-11-25", "今日の依頼")] {
        referral::send(
            &mut w.store,
            &cw,
            &ReferralInput { person_id: p.id, reason: reason.into(), sharing_basis: "consent".into(), ..Default::default() },
            at(day),
        )
        .unwrap();
    }
    let q = referral::queue(
        &mut w.store,
        &clerk,
        referral::QueueFilter::In(ReferralStatus::Sent),
        referral::QueueOrder::Oldest,
        hairyo::Page::new(0, 50),
        at("2026-11-25"),
    )
    .unwrap();
    let seen: Vec<(&str, Option<i64>)> = q.items.iter().map(|r| (r.reason.as_str(), r.waited_days)).collect();
    assert_eq!(seen, vec![("先週の依頼", Some(7)), ("昨日の依頼", Some(1)), ("今日の依頼", Some(0))]);
}

/// A person saved without 宛名番号 or address is warned about on the record, until they are added.
#[test]
fn a_record_without_atena_number_or_address_says_so() {
    let mut w = World::new();
    let p = w.person(|i| {
        i.atena_no = String::new();
        i.address = String::new();
        i.postal_code = String::new();
    });
    let clerk = w.actor("kokuho_clerk");
    let warnings = hairyo::record::show(&mut w.store, &clerk, p.id, at("2026-11-25")).unwrap().warnings;
    assert!(warnings.iter().any(|m| m.contains("宛名番号が登録されていません")), "{warnings:?}");
    assert!(warnings.iter().any(|m| m.contains("住所が登録されていません")), "{warnings:?}");
    let patch =
        hairyo::person::PersonPatch { atena_no: Some("123456789".into()), address: Some("見本市中央町1丁目1番1号".into()), ..Default::default() };
    hairyo::person::update(&mut w.store, &w.admin, p.id, &patch, at("2026-11-25")).unwrap();
    let warnings = hairyo::record::show(&mut w.store, &clerk, p.id, at("2026-11-25")).unwrap().warnings;
    assert!(warnings.is_empty(), "{warnings:?}");
}

/// A date typed as month and day alone (12/1, 11月20日) is that day of this year, where a
/// clerk records what just happened: a touchpoint, an application's receipt, a follow-up.
#[test]
fn a_month_and_day_alone_is_this_year() {
    let mut w = World::new();
    let p = w.person(|i| {
        holder(i);
        i.reasons = vec!["dementia".into()];
    });
    let (cw, clerk) = (w.actor("kaigo_cw"), w.actor("kokuho_clerk"));
    let now = at("2026-12-02");
    let tp = hairyo::touchpoint::TouchpointInput { person_id: p.id, date: "12/1".into(), kind: "counter".into(), ..Default::default() };
    assert_eq!(hairyo::touchpoint::add(&mut w.store, &cw, &tp, now).unwrap().touchpoint.date, date("2026-12-01"));
    let a = application::receive(&mut w.store, &clerk, &ApplicationInput { person_id: p.id, received_on: "１１月２０日".into(), ..Default::default() }, now)
        .unwrap();
    assert_eq!(a.application.received_on, date("2026-11-20"));
    let f = reminder::add_follow_up(&mut w.store, &clerk, p.id, "12/15", "電話する", now).unwrap();
    assert_eq!(f.due_on, date("2026-12-15"));
    // Still refused: a day that does not exist, and a month and day in the future for a receipt.
    assert_eq!(
        code(hairyo::touchpoint::add(&mut w.store, &cw, &hairyo::touchpoint::TouchpointInput { date: "2/30".into(), ..tp.clone() }, now)),
        "touchpoint.invalid"
    );
    assert_eq!(
        code(application::receive(&mut w.store, &clerk, &ApplicationInput { person_id: p.id, received_on: "12/25".into(), ..Default::default() }, now)),
        "application.invalid"
    );
}

/// A twelve-digit number in a touchpoint's notes or a referral's reason that fails the My
/// Number check digit (a 個人番号 mistyped by one digit looks like that) is stored only once the
/// clerk confirms it is not one; a valid 個人番号 stays refused even then.
#[test]
fn a_twelve_digit_number_in_free_text_needs_confirmation() {
    let mut w = World::new();
    let p = w.person(|i| {
        holder(i);
        i.reasons = vec!["dementia".into()];
    });
    let cw = w.actor("kaigo_cw");
    let now = at("2026-11-25");
    let not_my_number = "123456789012";
    assert!(!hairyo::text::mynumber::is_my_number(not_my_number));
    let mut tp =
        hairyo::touchpoint::TouchpointInput { person_id: p.id, kind: "counter".into(), notes: format!("受付番号 {not_my_number}"), ..Default::default() };
    let e = hairyo::touchpoint::add(&mut w.store, &cw, &tp, now).unwrap_err();
    let hairyo::touchpoint::TouchpointError::Invalid(invalid) = e else { panic!("a field error") };
    assert_eq!(invalid.0.iter().map(|f| f.field).collect::<Vec<_>>(), vec![hairyo::validate::CONFIRM_DIGITS]);
    tp.confirmed_digits = true;
    assert!(hairyo::touchpoint::add(&mut w.store, &cw, &tp, now).unwrap().touchpoint.notes.contains(not_my_number));
    // A valid 個人番号 is refused, confirmed or not.
    tp.notes = hairyo::text::mynumber::with_check_digit("12345678901");
    assert_eq!(code(hairyo::touchpoint::add(&mut w.store, &cw, &tp, now)), "touchpoint.invalid");
    // The referral's reason the same way.
    let mut input =
        ReferralInput { person_id: p.id, reason: format!("問合せ番号 {not_my_number}"), sharing_basis: "consent".into(), ..Default::default() };
    assert_eq!(code(referral::send(&mut w.store, &cw, &input, now)), "referral.invalid");
    input.confirmed_digits = true;
    assert!(referral::send(&mut w.store, &cw, &input, now).is_ok());
    // Each field is read on its own: six digits ending one and six starting the other are no run.
    let split = ReferralInput {
        person_id: p.id,
        reason: "受付 123456".into(),
        proposed_applicant: "789012 号室の職員".into(),
        sharing_basis: "consent".into(),
        ..Default::default()
    };
    assert!(referral::send(&mut w.store, &cw, &split, now).is_ok());
}

/// Every free-text field a clerk types, through the catalogue the window and the API use: a
/// twelve-digit run that is no valid 個人番号 is refused with the `confirm_digits` field (and
/// nothing is stored) until the request says it was confirmed.
#[test]
fn every_free_text_field_asks_before_storing_a_twelve_digit_run() {
    use serde_json::{json, Value};
    let digits = "問合せ 123456789012";
    let mut w = World::new();
    let now = at("2026-11-25");
    let cw = w.actor("kaigo_cw");
    let clerk = w.actor("kokuho_clerk");
    let sv = w.actor("kokuho_sv");
    let admin = w.admin.clone();
    let call = |w: &mut World, actor: &hairyo::staff::Actor, name: &str, args: Value| hairyo::operation::call(&mut w.store, actor, name, args, now);
    // A fresh referral (sent by 介護) and a fresh application (received by 国保) per case.
    let referral = |w: &mut World| {
        let p = w.person(holder);
        referral::send(
            &mut w.store,
            &cw,
            &ReferralInput { person_id: p.id, reason: "申請の案内".into(), sharing_basis: "consent".into(), ..Default::default() },
            now,
        )
        .unwrap()
        .id
    };
    let application = |w: &mut World| {
        let p = w.person(|i| i.reasons = vec!["elderly".into()]);
        application::receive(&mut w.store, &clerk, &ApplicationInput { person_id: p.id, ..Default::default() }, now).unwrap().application.id
    };
    let on_referral: Vec<(&str, &str, Value)> = vec![
        ("comment", "kaigo", json!({"action": "comment", "body": digits})),
        ("withdraw", "kaigo", json!({"action": "withdraw", "reason": digits})),
        ("return", "kokuho", json!({"action": "return", "reason": digits})),
        ("accept", "kokuho", json!({"action": "accept", "note": digits})),
    ];
    for (label, desk, action) in on_referral {
        let id = referral(&mut w);
        let actor = if desk == "kaigo" { &cw } else { &clerk };
        let e = call(&mut w, actor, "referral_action", json!({"id": id, "action": action.clone()})).unwrap_err();
        assert!(e.fields.iter().any(|f| f.field == hairyo::validate::CONFIRM_DIGITS), "{label}: {e:?}");
        let before = referral::get(&w.store, actor, id, now).unwrap();
        assert!(before.comments.iter().all(|c| !c.body.contains("123456789012")), "{label}: nothing stored");
        let mut confirmed = action.clone();
        confirmed["confirmed_digits"] = json!(true);
        let r = call(&mut w, actor, "referral_action", json!({"id": id, "action": confirmed})).unwrap();
        assert!(r.to_string().contains("123456789012"), "{label}: stored once confirmed: {r}");
    }
    let on_application: Vec<(&str, &hairyo::staff::Actor, Value)> = vec![
        ("reject", &clerk, json!({"step": "reject", "reason": digits})),
        ("withdraw", &clerk, json!({"step": "withdraw", "reason": digits})),
        ("decide with an override", &sv, json!({"step": "decide", "override_reason": digits})),
    ];
    for (label, actor, step) in on_application {
        let id = application(&mut w);
        let e = call(&mut w, actor, "application_step", json!({"id": id, "step": step.clone()})).unwrap_err();
        assert!(e.fields.iter().any(|f| f.field == hairyo::validate::CONFIRM_DIGITS), "{label}: {e:?}");
        assert_eq!(application::get(&w.store, actor, id, now).unwrap().status, hairyo::application::AppStatus::Received, "{label}: nothing changed");
        let mut confirmed = step.clone();
        confirmed["confirmed_digits"] = json!(true);
        let a = call(&mut w, actor, "application_step", json!({"id": id, "step": confirmed})).unwrap();
        assert_ne!(a["status"], json!("received"), "{label}: taken once confirmed: {a}");
    }
    // A person's メモ: on a new record, and on an edit that changes it (an edit of another field
    // leaves a confirmed note alone).
    let person = json!({"name": "見本 三郎", "kana": "ミホン サブロウ", "birth_date": "1960-01-01", "sex": "male", "scheme": "kokuho", "address": "見本市1番地", "notes": digits});
    let e = call(&mut w, &admin, "add_person", json!({"input": person.clone()})).unwrap_err();
    assert!(e.fields.iter().any(|f| f.field == hairyo::validate::CONFIRM_DIGITS), "{e:?}");
    let mut confirmed = person.clone();
    confirmed["confirmed_digits"] = json!(true);
    let added = call(&mut w, &admin, "add_person", json!({"input": confirmed})).unwrap();
    let id = added["id"].as_i64().unwrap();
    assert!(call(&mut w, &admin, "update_person", json!({"id": id, "patch": {"phone": "048-000-0001"}})).is_ok());
    let e = call(&mut w, &admin, "update_person", json!({"id": id, "patch": {"notes": "別の番号 987654321098"}})).unwrap_err();
    assert!(e.fields.iter().any(|f| f.field == hairyo::validate::CONFIRM_DIGITS), "{e:?}");
    let updated = call(&mut w, &admin, "update_person", json!({"id": id, "patch": {"notes": "別の番号 987654321098", "confirmed_digits": true}})).unwrap();
    assert!(updated.to_string().contains("987654321098"), "{updated}");
}

#[test]
fn unanswered_referrals_remind_the_receiving_desk_after_n_days() {
    let mut w = World::new();
    let p = w.person(holder);
    let cw = w.actor("kaigo_cw");
    let clerk = w.actor("kokuho_clerk");
    referral::send(
        &mut w.store,
        &cw,
        &ReferralInput { person_id: p.id, reason: "申請の案内".into(), sharing_basis: "consent".into(), ..Default::default() },
        at("2026-11-18"),
    )
    .unwrap();
    let win = reminder::Window { referral_days: 7, expiry_days: 30 };
    assert_eq!(reminder::due(&w.store, &clerk, win, at("2026-11-24")).unwrap().unanswered_referrals_total, 0);
    assert_eq!(reminder::due(&w.store, &clerk, win, at("2026-11-25")).unwrap().unanswered_referrals_total, 1);
}

#[test]
fn incomplete_checklist_needs_a_supervisor_with_a_reason() {
    let mut w = World::new();
    let p = w.person(|i| {
        holder(i);
        i.reasons = vec!["elderly".into()];
    });
    let clerk = w.actor("kokuho_clerk");
    let sv = w.actor("kokuho_sv");
    let cw = w.actor("kaigo_cw");
    let now = at("2026-11-25");
    let input = ApplicationInput {
        person_id: p.id,
        applicant: "proxy".into(),
        authority: "relative".into(),
        proxy_name: "見本 一郎".into(),
        proxy_address: "見本市本町1番地".into(),
        proxy_relationship: "長男".into(),
        delivery: "proxy".into(),
        delivery_reason: "本人が長男の家に滞在しているため".into(),
        ..Default::default()
    };
    // Caseworkers do not receive applications.
    assert_eq!(code(application::receive(&mut w.store, &cw, &input, now)), "application.forbidden");
    let a = application::receive(&mut w.store, &clerk, &input, now).unwrap().application;
    application::check_document(&mut w.store, &clerk, a.id, Document::ProxyId, true, now).unwrap();
    assert_eq!(code(application::check_document(&mut w.store, &clerk, a.id, Document::RegistryCertificate, true, now)), "application.not_on_checklist");
    // A withdrawal says why; without a reason nothing changes.
    assert_eq!(code(application::withdraw(&mut w.store, &clerk, a.id, "  ", now)), "application.invalid");
    assert_eq!(application::get(&w.store, &w.admin, a.id, common::at("2026-11-25")).unwrap().status, AppStatus::Received);
    // Issuing before the decision is an illegal transition.
    assert_eq!(code(application::issue(&mut w.store, &clerk, a.id, date("2026-11-25"), now)), "application.bad_transition");
    assert_eq!(code(application::decide(&mut w.store, &clerk, a.id, None, now)), "application.checklist_incomplete");
    assert_eq!(code(application::decide(&mut w.store, &clerk, a.id, Some("電話で確認"), now)), "application.forbidden");
    let still = application::get(&w.store, &w.admin, a.id, common::at("2026-11-25")).unwrap();
    assert_eq!(still.status, AppStatus::Received, "a refused decision changes nothing");
    assert_eq!(still.override_reason, "");
    let a = application::decide(&mut w.store, &sv, a.id, Some("委任状は後日郵送と電話で確認"), now).unwrap();
    assert_eq!(a.status, AppStatus::Decided);
    assert_eq!(a.override_reason, "委任状は後日郵送と電話で確認");
    let cert = application::issue(&mut w.store, &clerk, a.id, date("2026-11-25"), now).unwrap();
    assert_eq!(cert.delivery_address, "見本市本町1番地");
    assert_eq!(cert.valid_until, date("2027-07-31"));
    // Nothing moves an issued application back.
    assert_eq!(code(application::reject(&mut w.store, &clerk, a.id, "誤り", now)), "application.bad_transition");
    assert_eq!(code(application::withdraw(&mut w.store, &clerk, a.id, "", now)), "application.bad_transition");
}

#[test]
fn protected_person_certificate_goes_to_the_safe_address_only() {
    let mut w = World::new();
    let p = w.person(|i| {
        i.protected = true;
        i.safe_postal_code = "000-9999".into();
        i.safe_address = "見本市役所 保険年金課 気付".into();
    });
    let clerk = w.actor("kokuho_clerk");
    let cert = hairyo::certificate::issue_without_application(
        &mut w.store,
        &clerk,
        p.id,
        application::AppScheme::Kokuho,
        hairyo::certificate::CertificateBasis::ExOfficio,
        date("2026-11-25"),
        None,
        at("2026-11-25"),
    )
    .unwrap();
    assert!(cert.delivery_address.contains("気付"));
    assert!(!cert.delivery_address.contains("中央町"));
}

#[test]
fn my_number_is_refused_in_every_text_field() {
    let mut w = World::new();
    let p = w.person(holder);
    let clerk = w.actor("kokuho_clerk");
    let my_number = hairyo::text::mynumber::with_check_digit("12345678901");
    let input = ApplicationInput {
        person_id: p.id,
        applicant: "proxy".into(),
        authority: "caregiver".into(),
        proxy_name: "介助 太郎".into(),
        proxy_address: format!("見本市 {my_number}"),
        proxy_relationship: "介助者".into(),
        ..Default::default()
    };
    let err = application::receive(&mut w.store, &clerk, &input, at("2026-11-25")).unwrap_err();
    assert!(err.to_string().contains("個人番号"), "{err}");
    let before = w.store.conn().query_row("SELECT count(*) FROM application", [], |r| r.get::<_, i64>(0)).unwrap();
    assert_eq!(before, 0);
}

/// #12 item 5: 後期 certificates run to 7/31; 国保's period is the city's setting (up to five
/// years), refused out of range with a field error, applied on every issue (ex officio and on
/// application) with the 75th-birthday cap, shown on the record with the reason, and audited.
#[test]
fn kokuho_validity_is_a_city_setting_capped_before_the_75th_birthday() {
    use hairyo::certificate::{self, CertificateBasis, ValidityBasis};
    use hairyo::settings::{self, ValidityInput};
    let mut w = World::new();
    let admin = w.admin.clone();
    let clerk = w.actor("kokuho_clerk");
    let now = at("2026-11-25");
    let ex_officio = |w: &mut World, id: i64, scheme: application::AppScheme| {
        certificate::issue_without_application(&mut w.store, &clerk, id, scheme, CertificateBasis::ExOfficio, date("2026-11-25"), None, now).unwrap()
    };
    let young = w.person(|i| i.name = "有効 一郎".into());
    let kouki = w.person(|i| {
        i.name = "有効 二郎".into();
        i.scheme = "kouki".into();
        i.birth_date = "1945-01-01".into();
    });
    // Untouched, both schemes run to the next 7/31.
    let v = settings::certificate_validity(&w.store, &clerk, now).unwrap();
    assert_eq!(v.iter().map(|v| (v.years, v.end_month, v.end_day)).collect::<Vec<_>>(), vec![(1, 7, 31), (1, 7, 31)]);
    let c = ex_officio(&mut w, young.id, application::AppScheme::Kokuho);
    assert_eq!((c.valid_until, c.valid_until_basis), (date("2027-07-31"), ValidityBasis::Setting));

    // Only an administrator sets it, and values out of range are refused field by field.
    let input = |scheme: &str, years: &str, month: &str, day: &str| ValidityInput {
        scheme: scheme.into(),
        years: years.into(),
        end_month: month.into(),
        end_day: day.into(),
    };
    assert_eq!(code(settings::set_certificate_validity(&mut w.store, &clerk, &input("kokuho", "2", "9", "30"), now)), "settings.admin_only");
    for (bad, field) in [
        (input("kokuho", "6", "7", "31"), "years"),
        (input("kokuho", "0", "7", "31"), "years"),
        (input("kokuho", "２年", "7", "31"), "years"),
        (input("kokuho", "1", "13", "1"), "end_month"),
        (input("kokuho", "1", "2", "29"), "end_day"),
        (input("kokuho", "1", "4", "31"), "end_day"),
        (input("shaho", "1", "7", "31"), "scheme"),
    ] {
        let err = settings::set_certificate_validity(&mut w.store, &admin, &bad, now).unwrap_err();
        assert_eq!(err.code(), "settings.invalid");
        let fields: Vec<&str> = err.invalid().unwrap().0.iter().map(|f| f.field).collect();
        assert_eq!(fields, vec![field], "{bad:?}");
    }
    // 国保: two years, ending 9/30 (full-width digits are read too).
    let set = settings::set_certificate_validity(&mut w.store, &admin, &input("kokuho", "２", "9", "30"), now).unwrap();
    assert_eq!((set.years, set.end_month, set.end_day), (2, 9, 30));
    let audit = hairyo::audit::list(&w.store, &admin, None, hairyo::Page::default(), now).unwrap();
    let event = audit.items.iter().find(|e| e.record_kind == "settings").expect("the change is audited");
    assert_eq!(event.detail["certificate_validity"]["before"]["end_month"], 7);
    assert_eq!(event.detail["certificate_validity"]["after"]["end_month"], 9);

    // Ex officio: the first 9/30 on or after the issue is 2027-09-30, the second 2028-09-30.
    let c = ex_officio(&mut w, young.id, application::AppScheme::Kokuho);
    assert_eq!((c.valid_until, c.valid_until_basis), (date("2028-09-30"), ValidityBasis::Setting));
    // 後期 keeps its own period.
    assert_eq!(ex_officio(&mut w, kouki.id, application::AppScheme::Kouki).valid_until, date("2027-07-31"));
    // On application: the same setting, capped at the day before the 75th birthday.
    let nearly_75 = w.person(|i| {
        holder(i);
        i.name = "有効 三郎".into();
        i.birth_date = "1952-05-10".into(); // 75 on 2027-05-10
        i.reasons = vec!["elderly".into()];
    });
    let a = application::receive(&mut w.store, &clerk, &ApplicationInput { person_id: nearly_75.id, ..Default::default() }, now).unwrap().application;
    application::check_document(&mut w.store, &clerk, a.id, Document::ApplicantId, true, now).unwrap();
    application::decide(&mut w.store, &clerk, a.id, None, now).unwrap();
    let c = application::issue(&mut w.store, &clerk, a.id, date("2026-11-25"), now).unwrap();
    assert_eq!((c.valid_until, c.valid_until_basis), (date("2027-05-09"), ValidityBasis::Age75));
    // The record shows the date and why.
    let record = hairyo::record::show(&mut w.store, &clerk, nearly_75.id, now).unwrap();
    assert_eq!(record.certificates[0].valid_until, date("2027-05-09"));
    assert_eq!(record.certificates[0].valid_until_basis_label, "75歳の誕生日の前日まで");

    // A date typed at issue is kept, within five years.
    let typed = |w: &mut World, until: &str| {
        certificate::issue_without_application(
            &mut w.store,
            &clerk,
            young.id,
            application::AppScheme::Kokuho,
            CertificateBasis::ExOfficio,
            date("2026-11-25"),
            Some(date(until)),
            now,
        )
    };
    assert_eq!(typed(&mut w, "2031-11-24").unwrap().valid_until_basis, ValidityBasis::Entered);
    assert_eq!(code(typed(&mut w, "2031-11-25")), "certificate.too_long");
}

/// #12 item 3, the core's side: 後期 refuses the 世帯主 as applicant or as the one who signs the
/// 委任状, an unknown 委任者 is refused, and a member of the same household needs only ID.
#[test]
fn kokuho_householder_is_the_applicant_kouki_refuses_it_and_same_household_needs_only_id() {
    let mut w = World::new();
    let kokuho = w.person(holder);
    let kouki = w.person(|i| {
        holder(i);
        i.name = "見本 二郎".into();
        i.scheme = "kouki".into();
        i.birth_date = "1940-02-02".into();
    });
    let clerk = w.actor("kokuho_clerk");
    let now = at("2026-11-25");
    let fields = |r: Result<application::Received, application::ApplicationError>| -> Vec<&'static str> {
        let err = r.unwrap_err();
        assert_eq!(err.code(), "application.invalid", "{err}");
        hairyo::codes::Coded::invalid(&err).unwrap().0.iter().map(|f| f.field).collect()
    };
    let householder = ApplicationInput { person_id: kouki.id, applicant: "householder".into(), ..Default::default() };
    assert_eq!(fields(application::receive(&mut w.store, &clerk, &householder, now)), vec!["applicant"]);
    let relative = ApplicationInput {
        person_id: kouki.id,
        applicant: "proxy".into(),
        authority: "relative".into(),
        delegator: "householder".into(),
        proxy_name: "見本 一郎".into(),
        proxy_address: "見本市本町1番地".into(),
        proxy_relationship: "長男".into(),
        ..Default::default()
    };
    assert_eq!(fields(application::receive(&mut w.store, &clerk, &relative, now)), vec!["delegator"]);
    // An unknown 委任者 is refused, never read as the person.
    let unknown = ApplicationInput { person_id: kokuho.id, delegator: "uncle".into(), ..relative.clone() };
    assert_eq!(fields(application::receive(&mut w.store, &clerk, &unknown, now)), vec!["delegator"]);
    let count = |w: &World| w.store.conn().query_row("SELECT count(*) FROM application", [], |r| r.get::<_, i64>(0)).unwrap();
    assert_eq!(count(&w), 0, "nothing refused is stored");
    // 国保 takes the 世帯主 as applicant, and as the one who signs the 委任状.
    let a = application::receive(&mut w.store, &clerk, &ApplicationInput { person_id: kokuho.id, ..householder.clone() }, now).unwrap().application;
    assert_eq!((a.applicant, a.checklist.len()), (application::Applicant::Householder, 1));
    let b = application::receive(&mut w.store, &clerk, &ApplicationInput { person_id: kokuho.id, ..relative.clone() }, now).unwrap().application;
    assert_eq!(b.checklist.iter().map(|c| c.document).collect::<Vec<_>>(), vec![Document::ProxyId, Document::HouseholderDelegation]);
    // Without a 委任者 the 委任状 is the person's.
    let c = application::receive(&mut w.store, &clerk, &ApplicationInput { person_id: kokuho.id, delegator: String::new(), ..relative.clone() }, now)
        .unwrap()
        .application;
    assert_eq!((c.delegator, c.checklist[1].document), (Some(application::Delegator::Person), Document::Delegation), "{:?}", c.checklist);
    // A member of the same household brings only ID: no 委任状, and no 委任者 to name.
    let same = ApplicationInput { person_id: kokuho.id, authority: "same_household".into(), delegator: String::new(), ..relative.clone() };
    let d = application::receive(&mut w.store, &clerk, &same, now).unwrap().application;
    assert_eq!((d.delegator, d.checklist.iter().map(|c| c.document).collect::<Vec<_>>()), (None, vec![Document::ProxyId]));
    let named = ApplicationInput { delegator: "self".into(), ..same };
    assert_eq!(fields(application::receive(&mut w.store, &clerk, &named, now)), vec!["delegator"]);
}

/// #12 item 7: a 後期 application is decided and issued by the 広域連合. The city receives it,
/// forwards it (進達), records the union's result and hands over or mails what the union
/// issued; it cannot review, decide, issue or refuse one itself. 国保 stays the city's.
#[test]
fn kouki_union_decides_and_issues_not_the_city() {
    use application::{ApplicationStep, ApplicationStepKind, HandOverMethod, UnionResult};
    let mut w = World::new();
    let p = w.person(|i| {
        holder(i);
        i.scheme = "kouki".into();
        i.birth_date = "1944-05-05".into();
        i.reasons = vec!["dementia".into()];
    });
    let clerk = w.actor("kouki_clerk");
    let sv = w.actor("kokuho_sv");
    let now = at("2026-11-25");
    let input = ApplicationInput {
        person_id: p.id,
        applicant: "proxy".into(),
        authority: "relative".into(),
        proxy_name: "見本 一郎".into(),
        proxy_address: "見本市本町1番地".into(),
        proxy_relationship: "長男".into(),
        delivery: "proxy".into(),
        delivery_reason: "本人が長男の家に滞在しているため".into(),
        ..Default::default()
    };
    let a = application::receive(&mut w.store, &clerk, &input, at("2026-11-20")).unwrap().application;
    assert_eq!(a.status, AppStatus::Received);
    let shown = application::get(&w.store, &clerk, a.id, now).unwrap();
    assert_eq!(shown.next, vec![ApplicationStepKind::CheckDocument, ApplicationStepKind::Withdraw, ApplicationStepKind::Forward]);
    // The city decides nothing: every deciding step is refused with its own code, whoever asks.
    for step in [
        ApplicationStep::StartReview,
        ApplicationStep::Decide { override_reason: None, confirmed_digits: false },
        ApplicationStep::Issue,
        ApplicationStep::Reject { reason: "対象外".into(), confirmed_digits: false },
    ] {
        for actor in [&clerk, &sv, &w.admin] {
            let err = application::take_step(&mut w.store, actor, a.id, &step, now).unwrap_err();
            assert_eq!(err.code(), "application.union_decides", "{step:?}");
            assert!(err.to_string().contains("広域連合"), "{err}");
        }
    }
    assert_eq!(code(application::issue(&mut w.store, &clerk, a.id, date("2026-11-25"), now)), "application.union_decides");
    // The city checks the documents before it forwards; a supervisor may forward without them.
    // The day as a clerk types it: month and day alone are this year's.
    let forward = ApplicationStep::Forward { forwarded_on: "11/25".into(), override_reason: None, confirmed_digits: false };
    assert_eq!(code(application::take_step(&mut w.store, &clerk, a.id, &forward, now)), "application.checklist_incomplete");
    application::check_document(&mut w.store, &clerk, a.id, Document::ProxyId, true, now).unwrap();
    assert_eq!(code(application::forward(&mut w.store, &clerk, a.id, date("2026-11-25"), Some("委任状は後日"), now)), "application.forbidden");
    application::check_document(&mut w.store, &clerk, a.id, Document::Delegation, true, now).unwrap();
    assert_eq!(code(application::forward(&mut w.store, &clerk, a.id, date("2026-11-26"), None, now)), "application.invalid", "not in the future");
    assert_eq!(code(application::forward(&mut w.store, &clerk, a.id, date("2026-11-19"), None, now)), "application.invalid", "not before receipt");
    let a = application::take_step(&mut w.store, &clerk, a.id, &forward, now).unwrap();
    assert_eq!((a.status, a.forwarded_on, a.forwarded_by.as_deref()), (AppStatus::Forwarded, Some(date("2026-11-25")), Some("kouki_clerk")));
    assert_eq!(a.next, vec![ApplicationStepKind::Withdraw, ApplicationStepKind::RecordUnionResult]);
    assert_eq!(code(application::check_document(&mut w.store, &clerk, a.id, Document::ProxyId, false, now)), "application.bad_transition");
    assert_eq!(w.store.conn().query_row("SELECT count(*) FROM certificate", [], |r| r.get::<_, i64>(0)).unwrap(), 0, "nothing issued yet");

    // The union's 交付: the certificate is recorded as the union's, sent where the application says.
    let issued = ApplicationStep::RecordUnionResult {
        result: UnionResult::Issued,
        decided_on: "令和8年12月1日".into(),
        valid_until: String::new(),
        reason: String::new(),
        confirmed_digits: false,
    };
    assert_eq!(code(application::take_step(&mut w.store, &clerk, a.id, &issued, now)), "application.invalid", "a decision date in the future");
    let later = at("2026-12-02");
    let a = application::take_step(&mut w.store, &clerk, a.id, &issued, later).unwrap();
    assert_eq!((a.status, a.union_decided_on), (AppStatus::UnionIssued, Some(date("2026-12-01"))));
    assert_eq!(a.next, vec![ApplicationStepKind::HandOver]);
    let record = hairyo::record::show(&mut w.store, &w.admin, p.id, later).unwrap();
    let cert = record.certificates.iter().find(|c| c.application_id == Some(a.id)).expect("the union's certificate");
    assert_eq!((cert.issuer, cert.issued_on, cert.valid_until), (hairyo::certificate::Issuer::Union, date("2026-12-01"), date("2027-07-31")));
    assert_eq!(cert.delivery_address, "見本市本町1番地");
    assert_eq!(code(application::take_step(&mut w.store, &clerk, a.id, &issued, later)), "application.bad_transition", "recorded once");

    // The city hands it over (or mails it): its own step, audited.
    let hand = ApplicationStep::HandOver { method: HandOverMethod::Mail, handed_over_on: "2026-11-30".into(), identity: None };
    assert_eq!(code(application::take_step(&mut w.store, &clerk, a.id, &hand, later)), "application.invalid", "before the union decided");
    // #32: at the counter, only to someone who showed an identity document (recorded); by mail,
    // none is asked. Both refusals name the field and store nothing.
    let identity_refused = |w: &mut World, method: HandOverMethod, identity: Option<hairyo::application::IdentityShown>| {
        let step = ApplicationStep::HandOver { method, handed_over_on: String::new(), identity };
        let e = application::take_step(&mut w.store, &clerk, a.id, &step, later).unwrap_err();
        hairyo::codes::Coded::invalid(&e).is_some_and(|i| i.0.iter().any(|f| f.field == "identity"))
    };
    assert!(identity_refused(&mut w, HandOverMethod::Counter, None), "at the counter without an identity document");
    assert!(identity_refused(&mut w, HandOverMethod::Mail, Some(hairyo::application::IdentityShown::TwoOther)), "a document with a mailing");
    let hand = ApplicationStep::HandOver { method: HandOverMethod::Mail, handed_over_on: String::new(), identity: None };
    let a = application::take_step(&mut w.store, &clerk, a.id, &hand, later).unwrap();
    assert_eq!((a.status, a.handed_over_on, a.handover_method), (AppStatus::HandedOver, Some(date("2026-12-02")), Some(HandOverMethod::Mail)));
    assert!(a.next.is_empty());
    let statuses: Vec<String> = {
        let mut stmt = w
            .store
            .conn()
            .prepare(w.store.conn().dialect(
                "SELECT json_extract(detail, '$.status.after') FROM audit_event WHERE record_kind = 'application' AND record_id = ?1 AND json_extract(detail, '$.status.after') IS NOT NULL ORDER BY id",
                "SELECT detail::json #>> '{status,after}' FROM audit_event WHERE record_kind = 'application' AND record_id = ?1 AND detail::json #>> '{status,after}' IS NOT NULL ORDER BY id",
            ))
            .unwrap();
        stmt.query_map([a.id], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect()
    };
    assert_eq!(statuses, vec!["forwarded", "union_issued", "handed_over"]);

    // The union's 却下 needs its reason and ends the application; 国保 keeps the city's path.
    let b = application::receive(&mut w.store, &clerk, &ApplicationInput { person_id: p.id, ..Default::default() }, now).unwrap().application;
    application::check_document(&mut w.store, &clerk, b.id, Document::ApplicantId, true, now).unwrap();
    application::forward(&mut w.store, &clerk, b.id, date("2026-11-25"), None, now).unwrap();
    let rejected = |reason: &str| ApplicationStep::RecordUnionResult {
        result: UnionResult::Rejected,
        decided_on: "2026-11-25".into(),
        valid_until: String::new(),
        reason: reason.into(),
        confirmed_digits: false,
    };
    assert_eq!(code(application::take_step(&mut w.store, &clerk, b.id, &rejected(" "), now)), "application.invalid");
    let b = application::take_step(&mut w.store, &clerk, b.id, &rejected("被保険者資格がありません"), now).unwrap();
    assert_eq!((b.status, b.decision_note.as_str(), b.next.len()), (AppStatus::UnionRejected, "被保険者資格がありません", 0));
    let k = w.person(|i| i.name = "見本 国子".into());
    let kokuho = w.actor("kokuho_clerk");
    let c = application::receive(&mut w.store, &kokuho, &ApplicationInput { person_id: k.id, ..Default::default() }, now).unwrap().application;
    assert_eq!(code(application::take_step(&mut w.store, &kokuho, c.id, &forward, now)), "application.kouki_only");
    assert!(application::get(&w.store, &kokuho, c.id, now).unwrap().next.contains(&ApplicationStepKind::Decide));
}

/// A 国保 certificate issued ex officio on `on` by `clerk`, as the certificate tests start.
fn ex_officio_kokuho(w: &mut World, clerk: &hairyo::staff::Actor, person_id: i64, on: &str, now: chrono::NaiveDateTime) -> hairyo::certificate::Certificate {
    use hairyo::certificate::{self, CertificateBasis};
    certificate::issue_without_application(&mut w.store, clerk, person_id, application::AppScheme::Kokuho, CertificateBasis::ExOfficio, date(on), None, now)
        .unwrap()
}

/// The certificate after issue: a mailed certificate comes back (宛所不明) and the desk gets a
/// follow-up; it is sent again to a corrected address; it is lost and reissued with the same
/// term; the holder moves out and the certificate is invalidated, its return asked for and
/// recorded. Each step is kept in the certificate's history, refused where its state forbids it,
/// and taken only by a desk that records certificates.
#[test]
fn a_certificate_is_returned_by_the_post_reissued_invalidated_and_handed_back() {
    use hairyo::certificate::{self, CertificateStatus, CertificateStep, CertificateStepKind, EndCause, ReissueCause};
    let mut w = World::new();
    let p = w.person(|i| {
        holder(i);
        i.birth_date = "1960-05-05".into();
    });
    let (clerk, cw) = (w.actor("kokuho_clerk"), w.actor("kaigo_cw"));
    let now = at("2026-11-25");
    let issued = ex_officio_kokuho(&mut w, &clerk, p.id, "2026-11-01", now);
    let step = |w: &mut World, actor: &hairyo::staff::Actor, id: i64, s: CertificateStep| certificate::take_step(&mut w.store, actor, id, &s, now);
    let mail_returned = CertificateStep::MailReturned { on: String::new(), note: "転居先不明".into(), confirmed_digits: false };

    // Only a desk that records certificates takes these steps.
    assert_eq!(code(step(&mut w, &cw, issued.id, mail_returned.clone())), "access.denied");
    let fresh = certificate::get(&w.store, &clerk, issued.id, now).unwrap();
    assert!(fresh.next.contains(&CertificateStepKind::MailReturned) && !fresh.next.contains(&CertificateStepKind::RecordReturn), "{:?}", fresh.next);
    assert!(certificate::get(&w.store, &cw, issued.id, now).unwrap().next.is_empty(), "a welfare desk is offered nothing");

    // 宛所不明: the desk is reminded today, and may resend or hand it over.
    let c = step(&mut w, &clerk, issued.id, mail_returned.clone()).unwrap();
    assert!(c.undelivered);
    assert_eq!(c.next, vec![CertificateStepKind::Reissue, CertificateStepKind::Invalidate, CertificateStepKind::ChangeDelivery, CertificateStepKind::HandOver]);
    let due = reminder::due(&w.store, &clerk, reminder::Window::default(), now).unwrap();
    assert!(due.follow_ups.iter().any(|f| f.person_id == p.id && f.note.contains("宛所不明")), "{:?}", due.follow_ups);
    assert_eq!(code(step(&mut w, &clerk, issued.id, mail_returned.clone())), "certificate.bad_transition", "it came back once");

    // 送付先の変更: every field checked, then sent again to the new address.
    let change = |postal: &str, address: &str, reason: &str| CertificateStep::ChangeDelivery {
        postal_code: postal.into(),
        address: address.into(),
        reason: reason.into(),
        on: String::new(),
        confirmed_digits: false,
    };
    let e = step(&mut w, &clerk, issued.id, change("12-34", "", "")).unwrap_err();
    assert_eq!(e.code(), "certificate.invalid");
    let fields: Vec<&str> = match &e {
        certificate::CertificateError::Invalid(i) => i.0.iter().map(|f| f.field).collect(),
        other => panic!("{other:?}"),
    };
    assert_eq!(fields, vec!["postal_code", "address", "reason"]);
    let c = step(&mut w, &clerk, issued.id, change("100-0002", "見本市北町2-2", "本人から転居先の連絡")).unwrap();
    assert!(!c.undelivered);
    assert_eq!(c.delivery_address, "〒100-0002 見本市北町2-2");

    // 再交付 (紛失): a new certificate with the same term; the old one stops counting.
    let before_or_future = [("2026-10-31", "交付日"), ("2026-11-26", "未来")];
    for (day, why) in before_or_future {
        let e = step(
            &mut w,
            &clerk,
            issued.id,
            CertificateStep::Reissue { cause: ReissueCause::Lost, on: day.into(), note: String::new(), confirmed_digits: false },
        )
        .unwrap_err();
        assert!(e.code() == "certificate.invalid" && e.to_string().contains(why), "{day}: {e}");
    }
    let reissue = CertificateStep::Reissue { cause: ReissueCause::Lost, on: "11/20".into(), note: "財布ごと紛失".into(), confirmed_digits: false };
    let new = step(&mut w, &clerk, issued.id, reissue.clone()).unwrap();
    assert_ne!(new.id, issued.id);
    assert_eq!(
        (new.replaces_id, new.status, new.issued_on, new.valid_until),
        (Some(issued.id), CertificateStatus::Valid, date("2026-11-20"), issued.valid_until)
    );
    assert_eq!(new.delivery_address, "〒100-0002 見本市北町2-2", "it goes where the resent one went");
    let old = certificate::get(&w.store, &clerk, issued.id, now).unwrap();
    assert_eq!((old.status, old.ended_on, old.return_due), (CertificateStatus::Replaced, Some(date("2026-11-20")), false), "a lost one cannot be handed back");
    assert!(old.next.is_empty());
    assert_eq!(code(step(&mut w, &clerk, issued.id, reissue)), "certificate.bad_transition");
    // Only the certificate that counts is on the lists that drive renewal and reminders.
    let expiring = certificate::expiring_within(&w.store, &clerk, 400, hairyo::Page::new(0, 500), now).unwrap();
    let ours: Vec<i64> = expiring.items.iter().filter(|c| c.person_id == p.id).map(|c| c.id).collect();
    assert_eq!(ours, vec![new.id]);

    // 転出: invalidated, its return asked for, then recorded.
    let c = step(
        &mut w,
        &clerk,
        new.id,
        CertificateStep::Invalidate { cause: EndCause::MovedOut, on: String::new(), note: String::new(), confirmed_digits: false },
    )
    .unwrap();
    assert_eq!((c.status, c.return_due, c.next.clone()), (CertificateStatus::Invalidated, true, vec![CertificateStepKind::RecordReturn]));
    let waiting = certificate::returns_due(&w.store, &clerk, hairyo::Page::new(0, 50), now).unwrap();
    assert!(waiting.items.iter().any(|c| c.id == new.id));
    let c = step(&mut w, &clerk, new.id, CertificateStep::RecordReturn { on: String::new() }).unwrap();
    assert!(!c.return_due && c.next.is_empty());
    assert!(certificate::returns_due(&w.store, &clerk, hairyo::Page::new(0, 50), now).unwrap().items.iter().all(|c| c.id != new.id));

    // The history, as the record shows it, oldest first, with who recorded each step.
    let record = hairyo::record::show(&mut w.store, &clerk, p.id, now).unwrap();
    let shown: Vec<(i64, Vec<&str>)> = record.certificates.iter().map(|c| (c.id, c.events.iter().map(|e| e.kind.code()).collect())).collect();
    assert_eq!(shown, vec![(new.id, vec!["invalidated", "returned"]), (issued.id, vec!["mail_returned", "delivery_changed", "reissued"])]);
    let reissued = &record.certificates[1].events[2];
    assert_eq!((reissued.cause_label.as_str(), reissued.note.as_str(), reissued.by.as_str()), ("紛失", "財布ごと紛失", clerk.name.as_str()));

    // Over the API an unknown cause is refused, never read as a default.
    let e = hairyo::operation::call(
        &mut w.store,
        &clerk,
        "certificate_step",
        serde_json::json!({"id": new.id, "step": {"step": "reissue", "cause": "forgot"}}),
        now,
    )
    .unwrap_err();
    assert!(e.code.starts_with("command.") && e.message.contains("forgot") && e.message.contains("lost"), "{e:?}");
}

/// 転出: recording a move closes every open item with that reason in one transaction (the open
/// application withdrawn, the open referral completed with a note both desks read, the valid
/// certificate invalidated with its return asked for, follow-ups done), the record says so, a
/// second move is refused, and the hand-over sheet for the new city's desk prints.
#[test]
fn moving_out_closes_the_open_items_and_prints_a_hand_over_sheet() {
    use hairyo::certificate::{self, CertificateStatus};
    use hairyo::moving::{self, MoveOutInput};
    let mut w = World::new();
    let p = w.person(|i| {
        holder(i);
        i.birth_date = "1960-05-05".into();
        i.reasons = vec!["dementia".into()];
    });
    let (clerk, cw) = (w.actor("kokuho_clerk"), w.actor("kaigo_cw"));
    let now = at("2026-11-25");
    let cert = ex_officio_kokuho(&mut w, &clerk, p.id, "2026-11-01", now);
    let r = referral::send(
        &mut w.store,
        &cw,
        &ReferralInput { person_id: p.id, reason: "申請の支援".into(), sharing_basis: "consent".into(), ..Default::default() },
        now,
    )
    .unwrap();
    let a = application::receive(&mut w.store, &clerk, &ApplicationInput { person_id: p.id, ..Default::default() }, now).unwrap().application;
    reminder::add_follow_up(&mut w.store, &clerk, p.id, "12/1", "電話で確認", now).unwrap();
    let input = |to: &str, on: &str| MoveOutInput { moved_on: on.into(), moved_to: to.into(), note: String::new(), confirmed_digits: false };

    // Checked first: a destination is required, the day is not in the future; a welfare desk
    // does not record it. Nothing changes on a refusal.
    assert_eq!(code(moving::move_out(&mut w.store, &clerk, p.id, &input("", "2026-12-01"), now)), "moving.invalid");
    assert_eq!(code(moving::move_out(&mut w.store, &cw, p.id, &input("隣町", ""), now)), "access.denied");
    assert_eq!(application::get(&w.store, &clerk, a.id, now).unwrap().status, AppStatus::Received);
    assert_eq!(code(hairyo::print::hand_over_sheet(&mut w.store, &clerk, p.id, now)), "print.nothing_to_print");

    let moved = moving::move_out(&mut w.store, &clerk, p.id, &input("隣町", "11/20"), now).unwrap();
    assert_eq!((moved.move_out.moved_on, moved.move_out.moved_to.as_str()), (date("2026-11-20"), "隣町"));
    assert_eq!(moved.closed.len(), 4, "{:?}", moved.closed);
    assert_eq!(application::get(&w.store, &clerk, a.id, now).unwrap().status, AppStatus::Withdrawn);
    let r = referral::get(&w.store, &cw, r.id, now).unwrap();
    assert_eq!(r.status, ReferralStatus::Completed);
    assert!(r.comments.iter().any(|c| c.body.starts_with("[転出]") && c.body.contains("隣町")), "{:?}", r.comments);
    let c = certificate::get(&w.store, &clerk, cert.id, now).unwrap();
    assert_eq!((c.status, c.ended_on, c.return_due), (CertificateStatus::Invalidated, Some(date("2026-11-20")), true));
    let due = reminder::due(&w.store, &clerk, reminder::Window::default(), at("2026-12-02")).unwrap();
    assert!(due.follow_ups.iter().all(|f| f.person_id != p.id), "its follow-ups are done");
    let record = hairyo::record::show(&mut w.store, &clerk, p.id, now).unwrap();
    assert_eq!(record.moved_out.as_ref().map(|m| m.moved_to.as_str()), Some("隣町"));
    assert!(record.warnings[0].contains("転出"), "{:?}", record.warnings);
    assert_eq!(code(moving::move_out(&mut w.store, &clerk, p.id, &input("別の町", ""), now)), "moving.already_moved");

    // The sheet for the new city's desk: who, what they need, what was done, whom to ask.
    let printed = hairyo::print::hand_over_sheet(&mut w.store, &clerk, p.id, now).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("hand_over.pdf");
    std::fs::write(&pdf, &printed.bytes).unwrap();
    let out = std::process::Command::new("pdftotext").args(["-layout"]).arg(&pdf).arg("-").output().expect("pdftotext");
    let text: String = String::from_utf8_lossy(&out.stdout).chars().filter(|c| !c.is_whitespace()).collect();
    for want in ["転出者の引継ぎ票", "隣町", "令和8年11月20日", "認知症", "無効", "返還待ち", "取下げ", "問合せ先"] {
        assert!(text.contains(want), "{want}: {text}");
    }
    assert!(!text.contains("2026-"), "no ISO dates on paper: {text}");
}

#[test]
fn a_certificate_goes_to_a_proxy_from_another_household_only_with_a_recorded_reason() {
    let mut w = World::new();
    let clerk = w.actor("kokuho_clerk");
    let now = at("2026-11-25");
    let proxy = |person_id: i64, authority: &str, reason: &str| ApplicationInput {
        person_id,
        applicant: "proxy".into(),
        authority: authority.into(),
        proxy_name: "代理 一郎".into(),
        proxy_address: "隣市本町1番地".into(),
        proxy_relationship: "長男".into(),
        delivery: "proxy".into(),
        delivery_reason: reason.into(),
        ..Default::default()
    };
    // Proxies who need a 委任状 (another household, a caregiver, facility staff) get no mail
    // at their own address without a reason; nothing is stored.
    for authority in ["relative", "caregiver", "facility_adult"] {
        let p = w.person(|_| {});
        let err = application::receive(&mut w.store, &clerk, &proxy(p.id, authority, " "), now).unwrap_err();
        let fields = &err.invalid().expect("field errors").0;
        assert!(fields.iter().any(|f| f.field == "delivery_reason" && f.message.contains("世帯主あて")), "{authority}: {fields:?}");
        assert!(hairyo::record::show(&mut w.store, &clerk, p.id, now).unwrap().applications.is_empty(), "{authority}: nothing stored");
        let a = application::receive(&mut w.store, &clerk, &proxy(p.id, authority, "本人が長男の家に滞在中"), now).unwrap().application;
        assert_eq!(a.delivery_reason, "本人が長男の家に滞在中");
    }
    // The household, and whoever represents the person in law, need none.
    for authority in ["same_household", "guardian"] {
        let p = w.person(|_| {});
        let a = application::receive(&mut w.store, &clerk, &proxy(p.id, authority, ""), now).unwrap().application;
        assert_eq!((a.delivery, a.delivery_reason.as_str()), (application::Delivery::Proxy, ""), "{authority}");
    }
    // A reason given for mail to the registered address is not kept: it explains nothing.
    let p = w.person(|_| {});
    let home = ApplicationInput { delivery: "home".into(), ..proxy(p.id, "relative", "念のため") };
    assert_eq!(application::receive(&mut w.store, &clerk, &home, now).unwrap().application.delivery_reason, "");
}

/// Where the 広域連合 lets the city issue at its counter, a 後期 application received then takes
/// the city's own steps; one received before (or after the setting is turned off) goes to the
/// union as ever.
#[test]
fn kouki_issue_at_the_counter_follows_the_citys_own_steps_where_the_union_allows_it() {
    use application::{ApplicationStep, ApplicationStepKind};
    use hairyo::settings;
    let mut w = World::new();
    let admin = w.admin.clone();
    let clerk = w.actor("kouki_clerk");
    let now = at("2026-11-25");
    let member = |w: &mut World| {
        w.person(|i| {
            holder(i);
            i.scheme = "kouki".into();
            i.birth_date = "1944-05-05".into();
            i.reasons = vec!["dementia".into()];
        })
    };
    let own = |person_id: i64| ApplicationInput { person_id, ..Default::default() };
    let (before, during, after) = (member(&mut w), member(&mut w), member(&mut w));
    let forwarded_path = application::receive(&mut w.store, &clerk, &own(before.id), now).unwrap().application;
    let set = |w: &mut World, on: bool| {
        let city = settings::public_city(&w.store).unwrap();
        settings::set_city(&mut w.store, &admin, &settings::CitySettings { kouki_counter_issue: on, ..city }, now).unwrap();
    };
    set(&mut w, true);
    let a = application::receive(&mut w.store, &clerk, &own(during.id), now).unwrap().application;
    assert!(a.city_issues);
    let shown = application::get(&w.store, &clerk, a.id, now).unwrap();
    assert!(shown.next.contains(&ApplicationStepKind::Decide) && !shown.next.contains(&ApplicationStepKind::Forward), "{:?}", shown.next);
    let refused = application::take_step(
        &mut w.store,
        &clerk,
        a.id,
        &ApplicationStep::Forward { forwarded_on: String::new(), override_reason: None, confirmed_digits: false },
        now,
    );
    assert_eq!(code(refused), "application.city_issues");
    application::check_document(&mut w.store, &clerk, a.id, Document::ApplicantId, true, now).unwrap();
    application::decide(&mut w.store, &clerk, a.id, None, now).unwrap();
    let cert = application::issue(&mut w.store, &clerk, a.id, now.date(), now).unwrap();
    assert_eq!((cert.scheme, cert.issuer), (application::AppScheme::Kouki, hairyo::certificate::Issuer::Union), "issued at the counter for the 広域連合");
    // The one received before keeps the union's steps.
    let shown = application::get(&w.store, &clerk, forwarded_path.id, now).unwrap();
    assert!(!forwarded_path.city_issues && shown.next.contains(&ApplicationStepKind::Forward), "{:?}", shown.next);
    set(&mut w, false);
    let later = application::receive(&mut w.store, &clerk, &own(after.id), now).unwrap().application;
    assert_eq!(code(application::decide(&mut w.store, &clerk, later.id, None, now)), "application.union_decides");
}
