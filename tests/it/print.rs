//! Printed documents read back with pdftotext and pdffonts: values, 和暦 dates, contact blocks,
//! masking, 委任状, batches and overtaken statements.

use crate::common;

use std::process::Command;

use common::{at, holder, World};
use hairyo::application::{self, ApplicationInput, Document};
use hairyo::facility::{self, FacilityInput};
use hairyo::leaflet::{self, Leaflet, StatementMode};
use hairyo::print;
use hairyo::referral::{self, ReferralInput};

fn tool(name: &str, args: &[&str], pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new(name)
        .args(args)
        .arg(&path)
        .arg("-")
        .output()
        .unwrap_or_else(|e| panic!("{name} is needed to read PDFs back (poppler-utils; run the README test command): {e}"));
    assert!(out.status.success(), "{name} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// The text of a PDF with spaces removed, so assertions do not depend on layout spacing.
pub(crate) fn text(pdf: &[u8]) -> String {
    tool("pdftotext", &["-layout"], pdf).chars().filter(|c| !c.is_whitespace()).collect()
}

fn lines(pdf: &[u8]) -> Vec<String> {
    tool("pdftotext", &[], pdf).lines().map(|l| l.trim().to_string()).filter(|l| !l.is_empty()).collect()
}

fn fonts(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("pdffonts").arg(&path).output().expect("pdffonts (poppler-utils)");
    String::from_utf8(out.stdout).unwrap()
}

fn proxy_application(w: &mut World, person_id: i64, authority: &str) -> i64 {
    let clerk = w.actor("kokuho_clerk");
    let input = ApplicationInput {
        person_id,
        applicant: "proxy".into(),
        authority: authority.into(),
        proxy_name: "代理 一郎".into(),
        proxy_kana: "だいり いちろう".into(),
        proxy_address: "見本市本町2丁目2番2号".into(),
        proxy_phone: "090-0000-1111".into(),
        proxy_relationship: "長男".into(),
        delivery: "proxy".into(),
        delivery_reason: "本人が長男の家に滞在しているため".into(),
        reasons: vec!["dementia".into()],
        ..Default::default()
    };
    application::receive(&mut w.store, &clerk, &input, at("2026-11-25")).unwrap().application.id
}

#[test]
fn application_form_reads_back_with_values_wareki_and_contact() {
    let mut w = World::new();
    let p = w.person(|i| {
        holder(i);
        i.name = "髙橋 眞一".into();
        i.kana = "タカハシ シンイチ".into();
        i.birth_date = "1989-01-07".into();
        i.sex = "male".into();
        i.insurer_no = hairyo::validate::insurer_number_with_check("00000");
        i.card_symbol = "見01".into();
        i.card_number = "123456".into();
        i.card_branch = "01".into();
        i.householder = "髙橋 一郎".into();
        i.phone = "048-000-1234".into();
        i.reasons = vec!["dementia".into()];
    });
    let app = proxy_application(&mut w, p.id, "relative");
    let admin = w.admin.clone();
    let printed = print::application_form(&mut w.store, &admin, p.id, Some(app), at("2026-11-25")).unwrap();
    assert_eq!(printed.pages, 2, "a relative in another household needs a 委任状");
    let t = text(&printed.bytes);
    for want in [
        "国民健康保険資格確認書交付申請書",
        "見本市長様",
        "令和8年11月25日",
        "髙橋眞一",
        "タカハシシンイチ",
        "昭和64年1月7日",
        "記号見01",
        "番号123456",
        "枝番01",
        "髙橋一郎",
        "代理一郎",
        "ダイリイチロウ",
        "長男",
        "見本市本町2丁目2番2号",
        "個人番号",
        "市使用欄",
        "委任状(本人から代理人へ)",
        "代理人の本人確認書類",
        "委任状",
        "0120-000-101",
    ] {
        assert!(t.contains(want), "{want} missing in {t}");
    }
    let f = fonts(&printed.bytes);
    assert!(f.contains("BIZUDGothic-Regular") && f.contains("BIZUDGothic-Bold"), "{f}");
    for line in f.lines().filter(|l| l.contains("BIZUD")) {
        // pdffonts columns: emb sub uni are all "yes" for an embedded subset; the name has a
        // six-letter subset tag.
        assert!(line.contains("yes yes yes"), "not an embedded subset: {line}");
        assert_eq!(line.find('+'), Some(6), "{line}");
    }
    assert!(printed.bytes.len() < 120_000, "two pages should stay small: {}", printed.bytes.len());
}

/// The 委任状 prints on its own (pre-filled with the application's proxy, or with the proxy's
/// part blank), and a form printed with one behind it says that page 2 is the 委任状.
#[test]
fn the_delegation_letter_prints_alone_and_the_form_says_when_it_is_page_two() {
    let mut w = World::new();
    let p = w.person(|i| {
        holder(i);
        i.name = "委任 花子".into();
    });
    let clerk = w.actor("kokuho_clerk");
    let app = proxy_application(&mut w, p.id, "relative");
    let form = print::application_form(&mut w.store, &clerk, p.id, Some(app), at("2026-11-25")).unwrap();
    assert_eq!((form.pages, form.documents), (2, 2));
    assert!(form.warnings.iter().any(|n| n.contains("2ページ目は委任状")), "{:?}", form.warnings);
    let alone = print::print(
        &mut w.store,
        &clerk,
        &print::PrintRequest::DelegationLetter { person_id: p.id, application_id: Some(app) },
        at("2026-11-25"),
        &mut |_| {},
    )
    .unwrap();
    assert_eq!((alone.pages, alone.documents), (1, 1));
    let t = text(&alone.bytes);
    assert!(t.contains("委") && t.contains("任") && t.contains("状"), "{t}");
    assert!(t.contains("委任する事項"), "{t}");
    assert!(t.contains("代理一郎") && t.contains("委任花子"), "pre-filled: {t}");
    assert!(!t.contains("交付申請書"), "only the 委任状: {t}");
    // Before any application: the person's part filled, the proxy's left to write by hand.
    let blank = print::delegation_letter(&mut w.store, &clerk, p.id, None, at("2026-11-25")).unwrap();
    let t = text(&blank.bytes);
    assert!(t.contains("委任花子") && !t.contains("代理一郎"), "{t}");
    // Another person's application is refused.
    let other = w.person(|i| i.name = "別人 太郎".into());
    let e = print::delegation_letter(&mut w.store, &clerk, other.id, Some(app), at("2026-11-25")).unwrap_err();
    assert_eq!(e.code(), "print.nothing_to_print");
}

#[test]
fn same_household_proxy_needs_no_delegation_letter_and_kouki_form_says_so() {
    let mut w = World::new();
    let p = w.person(|i| {
        holder(i);
        i.scheme = "kouki".into();
        i.birth_date = "1940-02-02".into();
        i.card_number = "12345678".into();
    });
    let clerk = w.actor("kouki_clerk");
    let input = ApplicationInput {
        person_id: p.id,
        applicant: "proxy".into(),
        authority: "same_household".into(),
        proxy_name: "見本 次郎".into(),
        proxy_address: "見本市中央町1丁目1番1号".into(),
        proxy_relationship: "同居の子".into(),
        ..Default::default()
    };
    let a = application::receive(&mut w.store, &clerk, &input, at("2026-11-25")).unwrap().application;
    // Only the proxy's ID is checked: no 委任状 on the checklist.
    assert_eq!(a.checklist.iter().map(|c| c.document).collect::<Vec<_>>(), vec![Document::ProxyId]);
    let printed = print::application_form(&mut w.store, &clerk, p.id, Some(a.id), at("2026-11-25")).unwrap();
    assert_eq!(printed.pages, 1);
    let t = text(&printed.bytes);
    assert!(t.contains("後期高齢者医療資格確認書交付申請書"), "{t}");
    assert!(t.contains("見本県後期高齢者医療広域連合長様"));
    assert!(t.contains("被保険者番号12345678"));
    assert!(!t.contains("委任する事項"));
    assert!(t.contains("同一世帯の方は本人確認書類だけで申請できます(委任状は不要です)"), "{t}");
}

/// #12 item 3: on a 国保 form the 申請者 is chosen among 世帯主, 本人 and 代理人, and the 世帯主
/// may sign the 委任状 as well as the person; a 後期 form offers no 世帯主.
#[test]
fn kokuho_householder_is_the_applicant_and_may_delegate() {
    let mut w = World::new();
    let p = w.person(|i| {
        holder(i);
        i.name = "見本 花子".into();
        i.householder = "見本 太郎".into();
        i.phone = "048-000-1234".into();
    });
    let clerk = w.actor("kokuho_clerk");
    // The 世帯主 applies in person: only the applicant's ID is checked, and no 委任状 prints.
    let own = application::receive(
        &mut w.store,
        &clerk,
        &ApplicationInput { person_id: p.id, applicant: "householder".into(), ..Default::default() },
        at("2026-11-25"),
    )
    .unwrap()
    .application;
    assert_eq!(own.checklist.iter().map(|c| c.document).collect::<Vec<_>>(), vec![Document::ApplicantId]);
    let printed = print::application_form(&mut w.store, &clerk, p.id, Some(own.id), at("2026-11-25")).unwrap();
    assert_eq!(printed.pages, 1);
    let t = text(&printed.bytes);
    assert!(t.contains("申請者世帯主本人代理人"), "the 申請者 row offers the three choices: {t}");
    assert!(t.contains("ご本人または世帯主からの委任状"), "{t}");

    // A son living elsewhere applies with a 委任状 signed by the 世帯主.
    let input = ApplicationInput {
        person_id: p.id,
        applicant: "proxy".into(),
        authority: "relative".into(),
        delegator: "householder".into(),
        proxy_name: "見本 一郎".into(),
        proxy_address: "見本市本町1番地".into(),
        proxy_relationship: "長男".into(),
        ..Default::default()
    };
    let a = application::receive(&mut w.store, &clerk, &input, at("2026-11-25")).unwrap().application;
    assert_eq!(a.delegator, Some(application::Delegator::Householder));
    assert_eq!(a.checklist.iter().map(|c| c.document).collect::<Vec<_>>(), vec![Document::ProxyId, Document::HouseholderDelegation]);
    let printed = print::application_form(&mut w.store, &clerk, p.id, Some(a.id), at("2026-11-25")).unwrap();
    assert_eq!(printed.pages, 2, "the form and the 委任状");
    let t = text(&printed.bytes);
    // The son lives elsewhere, so the certificate goes to the registered address, to the 世帯主.
    for want in [
        "委任状(世帯主から代理人へ)",
        "私は、世帯主として",
        "対象の被保険者",
        "委任者本人世帯主",
        "世帯主(登録)見本太郎",
        "見本一郎",
        "住民票の住所(世帯主あて)",
        "(世帯主見本太郎様あて)",
    ] {
        assert!(t.contains(want), "{want} missing in {t}");
    }

    // A 後期 form has no 世帯主 choice, and its 委任状 is the person's own.
    let q = w.person(|i| {
        holder(i);
        i.name = "見本 二郎".into();
        i.scheme = "kouki".into();
        i.birth_date = "1940-02-02".into();
        i.householder = "見本 太郎".into();
    });
    let kouki = w.actor("kouki_clerk");
    let mut input = ApplicationInput { person_id: q.id, ..input };
    input.delegator = "self".into();
    let b = application::receive(&mut w.store, &kouki, &input, at("2026-11-25")).unwrap().application;
    let t = text(&print::application_form(&mut w.store, &kouki, q.id, Some(b.id), at("2026-11-25")).unwrap().bytes);
    assert!(t.contains("申請者本人代理人") && !t.contains("世帯主本人代理人"), "{t}");
    assert!(t.contains("ご本人からの委任状") && !t.contains("私は、世帯主として"), "{t}");
}

#[test]
fn protected_address_never_printed_only_the_safe_address() {
    let mut w = World::new();
    let p = w.person(|i| {
        holder(i);
        i.address = "見本市秘密町9丁目9番9号".into();
        i.protected = true;
        i.safe_postal_code = "000-9999".into();
        i.safe_address = "見本市役所保険年金課気付".into();
        i.reasons = vec!["other".into()];
    });
    let admin = w.admin.clone();
    let printed = print::application_form(&mut w.store, &admin, p.id, None, at("2026-11-25")).unwrap();
    let t = text(&printed.bytes);
    assert!(!t.contains("秘密町"), "{t}");
    assert!(t.contains("支援措置のため記載しません"));
    assert!(t.contains("見本市役所保険年金課気付"));
    // The 連携票 masks it too.
    let cw = w.actor("kaigo_cw");
    let r = referral::send(
        &mut w.store,
        &cw,
        &ReferralInput { person_id: p.id, reason: "申請支援".into(), sharing_basis: "consent".into(), ..Default::default() },
        at("2026-11-25"),
    )
    .unwrap();
    let sheet = print::referral_sheet(&mut w.store, &cw, r.id, at("2026-11-25")).unwrap();
    let t = text(&sheet.bytes);
    assert!(!t.contains("秘密町") && t.contains("申請支援") && t.contains("連携票"), "{t}");
}

#[test]
fn a_referral_sheet_prints_the_sharing_basis_and_never_reads_already_applied() {
    let mut w = World::new();
    let p = w.person(|i| {
        holder(i);
        i.reasons = vec!["dementia".into()];
    });
    let cw = w.actor("kaigo_cw");
    let clerk = w.actor("kokuho_clerk");
    let input = ReferralInput {
        person_id: p.id,
        reason: "代理申請の案内をお願いします".into(),
        sharing_basis: "representative_consent".into(),
        sharing_note: "長男に電話で確認".into(),
        ..Default::default()
    };
    let r = referral::send(&mut w.store, &cw, &input, at("2026-11-20")).unwrap();
    let sheet = |w: &mut World| text(&print::referral_sheet(&mut w.store, &cw, r.id, at("2026-11-25")).unwrap().bytes);
    let before = sheet(&mut w);
    assert!(before.contains("情報共有の根拠") && before.contains("家族・法定代理人の同意") && before.contains("長男に電話で確認"), "{before}");
    assert!(before.contains("申請の状況") && before.contains("なし"), "{before}");
    // Once an application stands, the 国保 rule for those who applied reads 「申請済みの要配慮者」;
    // the sheet still shows the route to guide and says where the application stands instead.
    application::receive(&mut w.store, &clerk, &ApplicationInput { person_id: p.id, applicant: "self".into(), ..Default::default() }, at("2026-11-22"))
        .unwrap();
    let route = hairyo::policy::route(&w.store, &clerk, p.id, chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(), at("2026-11-25")).unwrap();
    assert!(route.explanation.contains("申請済み"), "the record's own route still says so: {}", route.explanation);
    let after = sheet(&mut w);
    assert!(!after.contains("申請済"), "{after}");
    assert!(after.contains("受付") && after.contains("申請番号"), "{after}");
}

#[test]
fn a_name_with_a_character_biz_ud_gothic_lacks_prints_from_the_fallback_face() {
    let mut w = World::new();
    let p = w.person(|i| {
        i.name = "𠮷田 花子".into();
        i.address = "見本市𠮷野町1番地".into();
    });
    let admin = w.admin.clone();
    let printed = print::application_form(&mut w.store, &admin, p.id, None, at("2026-11-25")).unwrap();
    let t = text(&printed.bytes);
    assert!(t.contains("𠮷田") && t.contains("𠮷野町"), "{t}");
}

#[test]
fn undrawable_characters_are_refused_at_save_naming_them() {
    let mut w = World::new();
    let admin = w.admin.clone();
    let input = hairyo::person::PersonInput {
        name: "見本 \u{E0A1}子".into(),
        kana: "ミホン ハナコ".into(),
        birth_date: "1960-06-15".into(),
        sex: "female".into(),
        address: "見本市\u{F8FF}町".into(),
        scheme: "kokuho".into(),
        ..Default::default()
    };
    let err = hairyo::person::add(&mut w.store, &admin, &input, at("2026-11-25")).unwrap_err();
    let fields = &hairyo::codes::Coded::invalid(&err).expect("field errors").0;
    let name = fields.iter().find(|f| f.field == "name").expect("the name is refused");
    assert!(name.message.contains("U+E0A1"), "{}", name.message);
    let address = fields.iter().find(|f| f.field == "address").expect("the address is refused");
    assert!(address.message.contains("U+F8FF"), "{}", address.message);
}

#[test]
fn a_stored_private_use_character_is_still_refused_when_printing() {
    // A row stored before the save-time check (or by another tool) still must not print as an
    // empty box: the print names the character instead.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.db");
    let mut w = World::new_on(hairyo::store::open(&path).unwrap());
    let p = w.person(|_| {});
    hairyo::store::raw::RawSession::file(&path).unwrap().batch(&format!("UPDATE person SET name = '見本 \u{E0A1}子' WHERE id = {}", p.id)).unwrap();
    let admin = w.admin.clone();
    let err = print::application_form(&mut w.store, &admin, p.id, None, at("2026-11-25")).unwrap_err();
    assert_eq!(hairyo::codes::Coded::code(&err), "print.missing_glyphs");
    assert!(err.to_string().contains("U+E0A1"), "{err}");
}

#[test]
fn leaflets_carry_contact_block_source_line_and_no_line_starts_with_punctuation() {
    let mut w = World::new();
    let admin = w.admin.clone();
    hairyo::settings::set_desk_contact(
        &mut w.store,
        &admin,
        &hairyo::settings::DeskContact {
            desk: hairyo::staff::Desk::Kokuho,
            name: "見本市 国保年金課".into(),
            phone: "0120-111-222".into(),
            hours: "平日 9時～17時".into(),
            place: "本庁舎1階".into(),
        },
        at("2026-11-01"),
    )
    .unwrap();
    for (which, pages, phrase) in
        [(Leaflet::Bessou1, 2, "代理申請も可能です"), (Leaflet::Bessou2, 1, "目視での本人確認"), (Leaflet::Bessou3, 1, "マイナ保険証のメリット")]
    {
        let printed = print::leaflet(&mut w.store, &admin, which, 1, at("2026-11-25")).unwrap();
        assert_eq!(printed.pages, pages, "{which:?}");
        let t = text(&printed.bytes);
        // 別添2 asks for no application: its box is for questions.
        let heading = if which == Leaflet::Bessou2 { "お問い合わせ先" } else { "お問い合わせ・申請先" };
        for want in [phrase, heading, "見本市国保年金課", "0120-111-222", "平日9時～17時", "令和7年5月13日", "見本市(令和8年11月25日現在)"]
        {
            assert!(t.contains(want), "{which:?}: {want} missing");
        }
        for l in lines(&printed.bytes) {
            assert!(!l.starts_with(['。', '、', '」', 'ー', 'っ', 'ゃ', 'ゅ', 'ょ']), "{which:?}: line starts with punctuation: {l}");
        }
    }
    let twice = print::leaflet(&mut w.store, &admin, Leaflet::Bessou1, 3, at("2026-11-25")).unwrap();
    assert_eq!(twice.pages, 6);
}

/// #32: from 令和8年8月 別添1 and 別添3 say what the 後期 renewal does now, in place of the
/// provisional rule: 85 or over on 8/1 receive a certificate without applying, 84 or under with
/// a マイナ保険証 a 資格情報のお知らせ unless they apply, and whoever applied keeps receiving it.
#[test]
fn the_kouki_statements_say_what_follows_the_provisional_rule() {
    let mut w = World::new();
    let admin = w.admin.clone();
    for leaflet in [Leaflet::Bessou1, Leaflet::Bessou3] {
        let squeeze = |b: &[u8]| text(b).chars().filter(|c| !c.is_whitespace()).collect::<String>();
        let before = squeeze(&print::leaflet(&mut w.store, &admin, leaflet, 1, at("2026-07-31")).unwrap().bytes);
        assert!(before.contains("令和8年7月までの間") && !before.contains("85歳以上"), "{leaflet:?} before: {before}");
        let after = print::leaflet(&mut w.store, &admin, leaflet, 1, at("2026-08-01")).unwrap();
        assert!(after.warnings.is_empty(), "{:?}", after.warnings);
        let t = squeeze(&after.bytes);
        for want in ["8月1日時点で85歳以上", "資格情報のお知らせ", "84歳以下", "次の更新からは申請しなくても交付されます"]
        {
            assert!(t.contains(want), "{leaflet:?} after 8/1 lacks {want}: {t}");
        }
        assert!(!t.contains("令和8年7月までの間"), "{leaflet:?}: {t}");
    }
}

/// #32: the contact box of 別添1, 別添3 and the facility letter is where to apply, and says
/// for whom (国保 and 後期 members; others to their own insurer); 別添2 asks nothing to be
/// applied for, and its box is an inquiry box.
#[test]
fn the_contact_box_is_an_application_desk_only_for_the_citys_members() {
    let mut w = World::new();
    let admin = w.admin.clone();
    let squeeze = |b: &[u8]| text(b).chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let scope: String = hairyo::print::APPLY_SCOPE.chars().filter(|c| !c.is_whitespace()).collect();
    for leaflet in [Leaflet::Bessou1, Leaflet::Bessou3] {
        let t = squeeze(&print::leaflet(&mut w.store, &admin, leaflet, 1, at("2026-12-01")).unwrap().bytes);
        assert!(t.contains("お問い合わせ・申請先") && t.contains(&scope), "{leaflet:?}: {t}");
    }
    let t = squeeze(&print::leaflet(&mut w.store, &admin, Leaflet::Bessou2, 1, at("2026-12-01")).unwrap().bytes);
    assert!(t.contains("お問い合わせ先") && !t.contains("申請先") && !t.contains(&scope), "別添2: {t}");
}

#[test]
fn overtaken_kouki_statement_is_flagged_and_can_be_kept_or_replaced() {
    let mut w = World::new();
    let admin = w.admin.clone();
    let line = "令和8年7月までの間";
    let before = print::leaflet(&mut w.store, &admin, Leaflet::Bessou3, 1, at("2026-07-31")).unwrap();
    assert!(text(&before.bytes).contains(line));
    assert!(before.warnings.is_empty());
    // After its date the shipped replacement prints, and there is nothing to warn about.
    let after = print::leaflet(&mut w.store, &admin, Leaflet::Bessou3, 1, at("2026-08-01")).unwrap();
    let t = text(&after.bytes);
    assert!(!t.contains(line) && t.contains("85歳以上"), "{t}");
    assert!(after.warnings.is_empty(), "{:?}", after.warnings);
    let checks = leaflet::check_all_statements(&w.store, &admin, at("2026-08-01")).unwrap();
    assert!(checks.iter().any(|c| c.id == "b3-kouki-provisional" && c.overtaken && c.printing == leaflet::Printing::Replacement));

    leaflet::set_statement(
        &mut w.store,
        &admin,
        "b3-kouki-provisional",
        StatementMode::Replace,
        Some("※後期高齢者医療制度の方は、見本市の案内をご覧ください。"),
        at("2026-08-02"),
    )
    .unwrap();
    let replaced = print::leaflet(&mut w.store, &admin, Leaflet::Bessou3, 1, at("2026-08-02")).unwrap();
    let t = text(&replaced.bytes);
    assert!(t.contains("見本市の案内をご覧ください") && !t.contains(line));
    leaflet::set_statement(&mut w.store, &admin, "b3-kouki-provisional", StatementMode::Keep, None, at("2026-08-02")).unwrap();
    let kept = print::leaflet(&mut w.store, &admin, Leaflet::Bessou3, 1, at("2026-08-02")).unwrap();
    assert!(text(&kept.bytes).contains(line));
    assert!(kept.warnings.iter().any(|m| m.contains("令和8年7月31日を過ぎています")), "{:?}", kept.warnings);
    // Only administrators decide this.
    let cw = w.actor("kaigo_cw");
    assert!(leaflet::set_statement(&mut w.store, &cw, "b3-kouki-provisional", StatementMode::Omit, None, at("2026-08-02")).is_err());
}

/// #32: the facility cover letter says by when (the open campaign's deadline) and how the
/// forms come back, what to do for a resident who cannot sign (代筆, 申立書, 成年後見), that the
/// certificate continues at renewal once applied for, and that a resident under 住所地特例
/// applies through the former municipality's counter.
#[test]
fn the_facility_letter_says_by_when_how_and_for_residents_who_cannot_sign() {
    let mut w = World::new();
    let admin = w.admin.clone();
    let f = facility::add(
        &mut w.store,
        &admin,
        &FacilityInput {
            name: "特別養護老人ホーム みほん苑".into(), kind: "nursing_home".into(), address: "見本市緑町1番地".into(), ..Default::default()
        },
        at("2026-11-01"),
    )
    .unwrap();
    for (name, other) in [("入所 一子", ""), ("特例 二郎", "遠方県後期高齢者医療広域連合")] {
        w.person(|i| {
            holder(i);
            i.name = name.into();
            i.scheme = "kouki".into();
            // 81: under 85, holding a マイナ保険証, so a form is enclosed.
            i.birth_date = "1945-01-01".into();
            i.facility_id = Some(f.id);
            i.reasons = vec!["facility".into()];
            i.other_insurer = other.into();
        });
    }
    let letter = |w: &mut World| {
        let printed = print::facility_batch(&mut w.store, &admin, f.id, at("2026-11-25"), &mut |_| {}).unwrap();
        text(&printed.bytes)
    };
    let t = letter(&mut w);
    for want in [
        "【返送】記入した申請書",
        "代筆者の氏名と本人との関係",
        "申立書",
        "成年後見制度",
        "次の更新のときに改めて申請する必要はありません",
        "以前お住まいだった市区町村の窓口",
    ] {
        assert!(t.contains(want), "{want} missing: {t}");
    }
    let cw = w.actor("kaigo_cw");
    hairyo::campaign::start(
        &mut w.store,
        &cw,
        &hairyo::campaign::CampaignInput { facility_id: f.id, deadline: "2026-12-25".into(), ..Default::default() },
        at("2026-11-25"),
    )
    .unwrap();
    let t = letter(&mut w);
    assert!(t.contains("【返送】令和8年12月25日までに"), "{t}");
}

#[test]
fn facility_batch_is_one_pdf_with_cover_letter_forms_and_delegations() {
    let mut w = World::new();
    let admin = w.admin.clone();
    let f = facility::add(
        &mut w.store,
        &admin,
        &FacilityInput {
            name: "児童養護施設 みほん学園".into(),
            kind: "children".into(),
            address: "見本市若葉町3番地".into(),
            phone: "0120-000-333".into(),
            ..Default::default()
        },
        at("2025-05-01"),
    )
    .unwrap();
    let names = ["見本 一子", "見本 二子", "見本 三子"];
    for n in names {
        w.person(|i| {
            holder(i);
            i.name = n.into();
            i.birth_date = "2014-04-04".into();
            i.facility_id = Some(f.id);
            i.reasons = vec!["child".into(), "facility".into()];
            i.legal_rep_kind = "parent".into();
            i.legal_rep_name = "親権 太郎".into();
        });
    }
    // One resident already applied: not in the batch.
    let done = w.person(|i| {
        holder(i);
        i.name = "申請 済子".into();
        i.facility_id = Some(f.id);
        i.reasons = vec!["facility".into()];
    });
    let clerk = w.actor("kokuho_clerk");
    let a = application::receive(&mut w.store, &clerk, &ApplicationInput { person_id: done.id, ..Default::default() }, at("2026-11-20")).unwrap();
    application::check_document(&mut w.store, &clerk, a.application.id, Document::ApplicantId, true, at("2026-11-20")).unwrap();

    let mut heard = Vec::new();
    let printed = print::facility_batch(&mut w.store, &admin, f.id, at("2026-11-25"), &mut |p| heard.push(p)).unwrap();
    assert_eq!(printed.pages, 1 + 3 * 2, "cover letter, then form and 委任状 for each child");
    let stages: Vec<&str> = heard.iter().map(|p| p.stage.as_str()).collect();
    assert_eq!(stages, ["入所者の確認", "申請書の作成", "PDF の保存", "PDF の保存"], "progress goes through every stage in order");
    assert_eq!((heard[0].done, heard[0].total), (0, 4), "four residents to check");
    assert_eq!(heard.last().map(|p| (p.done, p.total)), Some((1, 1)), "and ends complete");
    let t = text(&printed.bytes);
    assert!(t.contains("児童養護施設みほん学園施設長様") && t.contains("代理申請について"));
    for n in names {
        assert!(t.contains(&n.replace(' ', "")), "{n}");
    }
    assert!(!t.contains("申請済子"));
    assert!(t.contains("親権者から施設職員への委任状") || t.contains("親権を行う者として"));
    assert!(t.contains("暗証番号の管理までは求められていません"), "R11 note in the cover letter");
}

/// #12 item 2: the paper application is 特定個人情報 the city keeps, so the 個人番号 box must not
/// say the city does not keep it; the 市使用欄 has 番号確認 and 身元確認 (番号法 §16) beside the
/// document checks.
#[test]
fn my_number_box_makes_no_claim_and_the_city_box_has_number_and_identity_checks() {
    let mut w = World::new();
    let admin = w.admin.clone();
    let p = w.person(holder);
    let pdf = print::application_form(&mut w.store, &admin, p.id, None, at("2026-11-25")).unwrap();
    let t = text(&pdf.bytes);
    assert!(t.contains("個人番号"), "the box is there for the applicant to write by hand");
    assert!(!t.contains("保存しません"), "no claim that the city does not keep the number: {t}");
    assert!(t.contains("ご本人または代理人が"), "who writes the number: {t}");
    assert!(t.contains("番号確認") && t.contains("身元確認"), "the 市使用欄 has both §16 checks");
    assert!(t.contains("確認書類"), "beside the existing document checks");
}

/// #12 item 11 (names): the 受付者 on the form and the 担当者 on the 連携票 are staff names,
/// never login IDs.
#[test]
fn staff_names_print_where_login_ids_did() {
    let mut w = World::new();
    let admin = w.admin.clone();
    let p = w.person(holder);
    let app = proxy_application(&mut w, p.id, "relative");
    let form = text(&print::application_form(&mut w.store, &admin, p.id, Some(app), at("2026-11-25")).unwrap().bytes);
    assert!(form.contains("受付者試験職員"), "the clerk's name: {form}");
    assert!(!form.contains("kokuho_clerk"), "no login on the form");
    let cw = w.actor("kaigo_cw");
    let r = hairyo::referral::send(
        &mut w.store,
        &cw,
        &hairyo::referral::ReferralInput { person_id: p.id, reason: "代理申請の案内".into(), sharing_basis: "consent".into(), ..Default::default() },
        at("2026-11-25"),
    )
    .unwrap();
    let sheet = text(&print::referral_sheet(&mut w.store, &admin, r.id, at("2026-11-25")).unwrap().bytes);
    assert!(sheet.contains("担当者試験職員"), "the sender's name: {sheet}");
    assert!(!sheet.contains("kaigo_cw"), "no login on the 連携票");
}

/// The text of each page of a PDF (pdftotext separates pages by form feeds), spaces removed.
fn pages(pdf: &[u8]) -> Vec<String> {
    tool("pdftotext", &["-layout"], pdf).split('\u{c}').map(|p| p.chars().filter(|c| !c.is_whitespace()).collect()).filter(|p: &String| !p.is_empty()).collect()
}

/// #12 item 9: the facility batch follows the residents' wishes (notice 1(1)), prints forms only
/// for residents whose route is 申請, and refers residents under 住所地特例 to their insurer. The
/// cover letter names everyone else in a section that says why they get no form.
#[test]
fn facility_batch_respects_wishes_registration_and_jushochi_tokurei() {
    use hairyo::touchpoint::{self, TouchpointInput};
    let mut w = World::new();
    let admin = w.admin.clone();
    let f = facility::add(
        &mut w.store,
        &admin,
        &FacilityInput {
            name: "特別養護老人ホーム みほん苑".into(), kind: "elderly".into(), address: "見本市緑町5番地".into(), ..Default::default()
        },
        at("2025-05-01"),
    )
    .unwrap();
    let resident = |w: &mut World, name: &str, adjust: &dyn Fn(&mut hairyo::person::PersonInput)| {
        w.person(|i| {
            i.name = name.into();
            i.facility_id = Some(f.id);
            i.reasons = vec!["facility".into(), "elderly".into()];
            adjust(i);
        })
    };
    resident(&mut w, "申請 希望子", &|i| holder(i));
    let keeps = resident(&mut w, "継続 利用子", &|i| holder(i));
    let changed = resident(&mut w, "意向 変更子", &|i| holder(i));
    resident(&mut w, "職権 交付子", &|_| {});
    resident(&mut w, "登録 不明子", &|i| {
        i.mynumber_card = "card".into();
        i.registration = "unknown".into();
    });
    let elsewhere = resident(&mut w, "隣町 特例子", &|i| {
        holder(i);
        i.other_insurer = "隣町 国民健康保険".into();
    });
    resident(&mut w, "遠方 連合子", &|i| {
        holder(i);
        i.scheme = "kouki".into();
        i.birth_date = "1945-03-03".into();
        i.card_number = "12345678".into();
        i.other_insurer = "遠方県後期高齢者医療広域連合".into();
    });
    let cancel = resident(&mut w, "解除 希望子", &|i| {
        holder(i);
        i.reasons = vec![];
    });
    resident(&mut w, "配慮 未登録子", &|i| {
        holder(i);
        i.reasons = vec![];
    });
    let cw = w.actor("kaigo_cw");
    for (person_id, date, wish) in [
        (keeps.id, "2026-10-01", "wants_certificate"),
        (keeps.id, "2026-11-01", "keeps_card"),
        // A later touchpoint that did not ask leaves the last wish standing.
        (keeps.id, "2026-11-10", "unknown"),
        (changed.id, "2026-10-01", "keeps_card"),
        (changed.id, "2026-11-01", "wants_certificate"),
        (cancel.id, "2026-11-02", "wants_cancel"),
    ] {
        let input = TouchpointInput { person_id, date: date.into(), kind: "facility_campaign".into(), wish: wish.into(), ..Default::default() };
        touchpoint::add(&mut w.store, &cw, &input, at("2026-11-20")).unwrap();
    }

    let printed = print::facility_batch(&mut w.store, &admin, f.id, at("2026-11-25"), &mut |_| {}).unwrap();
    let all = pages(&printed.bytes);
    assert_eq!(all.len(), printed.pages);
    let is_form = |p: &String| p.contains("資格確認書交付申請書");
    let mut formed: Vec<&str> =
        ["申請希望子", "継続利用子", "意向変更子", "職権交付子", "登録不明子", "隣町特例子", "遠方連合子", "解除希望子", "配慮未登録子"]
            .into_iter()
            .filter(|n| all.iter().filter(|p| is_form(p)).any(|p| p.contains(n)))
            .collect();
    formed.sort();
    let mut want = vec!["申請希望子", "意向変更子", "解除希望子"];
    want.sort();
    assert_eq!(formed, want, "forms only for residents whose route is 申請 and who did not say they keep the card");
    assert_eq!(all.iter().filter(|p| is_form(p)).count(), 3, "one form each, nobody else");
    assert!(!all.iter().filter(|p| is_form(p)).any(|p| p.contains("隣町国民健康保険")), "no form of ours for 住所地特例");

    // The cover letter (the pages before the first form) names everyone in their section.
    let letter: String = all.iter().take_while(|p| !is_form(p)).cloned().collect();
    let sections = [
        ("申請書を同封した方", vec!["申請希望子", "意向変更子", "解除希望子"]),
        ("マイナ保険証を引き続きお使いになるご意向の方", vec!["継続利用子"]),
        ("マイナ保険証をお持ちの方", vec!["配慮未登録子"]),
        ("申請なしで資格確認書が交付される方", vec!["職権交付子"]),
        ("保険証利用登録の状況を市で確認する方", vec!["登録不明子"]),
        ("他の保険者に加入されている方", vec!["隣町特例子", "遠方連合子"]),
    ];
    let starts: Vec<usize> = sections.iter().map(|(t, _)| letter.find(&format!("{t}(")).unwrap_or_else(|| panic!("section {t} missing: {letter}"))).collect();
    for (i, (title, names)) in sections.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(letter.len());
        let body = &letter[starts[i]..end];
        let count = format!("({}名)", names.len());
        assert!(body.find(&count).is_some_and(|c| c < body.find(names[0]).unwrap_or(0)), "{title} counts {count}: {body}");
        for n in names {
            assert!(body.contains(n), "{n} is listed under {title}: {body}");
        }
    }
    assert!(letter.contains("令和8年11月1日にご意向を確認"), "when the resident said they keep the card");
    assert!(letter.contains("隣町国民健康保険へ申請してください") && letter.contains("遠方県後期高齢者医療広域連合へ申請してください"));
    assert!(letter.contains("3名の方の申請書"), "{letter}");

    // The single form is refused for 住所地特例 too, and the field belongs to 国保 and 後期 only.
    let err = print::application_form(&mut w.store, &admin, elsewhere.id, None, at("2026-11-25")).unwrap_err();
    assert!(err.to_string().contains("住所地特例") && err.to_string().contains("隣町 国民健康保険"), "{err}");
    let bad = hairyo::person::validate_input(
        &hairyo::person::PersonInput {
            name: "見本 花子".into(),
            kana: "ミホン ハナコ".into(),
            birth_date: "1950-06-15".into(),
            sex: "female".into(),
            scheme: "employee".into(),
            other_insurer: "隣町 国民健康保険".into(),
            ..Default::default()
        },
        common::date("2026-11-25"),
    )
    .unwrap_err();
    assert!(bad.0.iter().any(|e| e.field == "other_insurer"), "{bad:?}");
    // A patch sets and clears it, like any other field.
    let cleared = hairyo::person::update(
        &mut w.store,
        &admin,
        elsewhere.id,
        &hairyo::person::PersonPatch { other_insurer: Some(String::new()), ..Default::default() },
        at("2026-11-25"),
    )
    .unwrap();
    assert!(!cleared.insured_elsewhere());
}

/// True when `s` names a date or speaks of a period: an era year, a month or year number, or
/// words such as 日以降 and 有効期限 that only hold for a while.
fn time_bound(s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    let numbered = chars.windows(2).any(|w| (w[0].is_ascii_digit() || ('０'..='９').contains(&w[0])) && (w[1] == '月' || w[1] == '年'));
    numbered || ["令和", "平成", "日以降", "までの間", "有効期限", "いまのうちに", "順次", "なくなり"].iter().any(|p| s.contains(p))
}

/// #12 item 10: every statement of every handout that is true only for a while has an id, its
/// period and a replacement for the time after it, and prints as that replacement the day after.
#[test]
fn every_dated_statement_on_every_handout_has_validity_and_a_replacement() {
    let mut w = World::new();
    let admin = w.admin.clone();
    let mut ids = std::collections::HashSet::new();
    let mut dated = 0;
    for which in Leaflet::ALL.iter().copied() {
        for b in leaflet::content(which).pages.iter().flatten() {
            let words = b.words();
            if time_bound(&words) {
                assert!(b.is_dated(), "{which:?}: a time-bound statement without a period: {words}");
            }
            if let Some(id) = &b.id {
                assert!(ids.insert(id.clone()), "statement id {id} is used twice");
            }
            if !b.is_dated() {
                continue;
            }
            dated += 1;
            let id = b.id.as_deref().unwrap_or_else(|| panic!("{which:?}: a dated statement without an id: {words}"));
            let until = b.valid_until.unwrap_or_else(|| panic!("{id}: no last day"));
            assert!(b.valid_from.is_some_and(|f| f <= until), "{id}: a first day before the last");
            assert!(!b.replacement.trim().is_empty(), "{id}: no replacement");
            for stale in ["いまのうちに", "順次", "までの間", "有効期限をご確認"] {
                assert!(!b.replacement.contains(stale), "{id}: the replacement is itself time-bound ({stale}): {}", b.replacement);
            }
            // On its last day the statement prints; the day after, its replacement does.
            let flat = |t: &str| t.chars().filter(|c| !c.is_whitespace()).collect::<String>();
            let (original, replacement) = (flat(if b.a.is_empty() { &b.text } else { &b.a }), flat(&b.replacement));
            let on_last = text(&print::leaflet(&mut w.store, &admin, which, 1, until.and_hms_opt(10, 0, 0).unwrap()).unwrap().bytes);
            assert!(on_last.contains(&original) && !on_last.contains(&replacement), "{id} on {until}");
            let next = until.succ_opt().unwrap().and_hms_opt(10, 0, 0).unwrap();
            let printed = print::leaflet(&mut w.store, &admin, which, 1, next).unwrap();
            let after = text(&printed.bytes);
            assert!(!after.contains(&original) && after.contains(&replacement), "{id} the day after {until}: {after}");
            assert!(printed.warnings.is_empty(), "{id}: {:?}", printed.warnings);
        }
    }
    assert!(dated >= 8, "the expiry lines of 別添1 and 別添3 and the 後期 line are dated ({dated})");
    assert!(time_bound("令和7年7月31日以降、順次満了となります。") && !time_bound("ぜひ、そのままお使いください！"), "the check itself");
}

/// #12 item 10: printed on 2026-12-01, 別添1 states that the old cards have expired instead of
/// "expiring from 2025-07-31 on"; with its replacement removed, the overtaken line is left out
/// and the counter is warned, in the core's result (which the window shows) and on the CLI's
/// stderr.
#[test]
fn overtaken_statement_without_replacement_warns_in_cli_and_core() {
    let mut w = World::new();
    let admin = w.admin.clone();
    let (stale, current) = ("令和7年7月31日以降、順次満了となります", "令和7年12月1日までに有効期限を迎えました");
    let dec = at("2026-12-01");
    let printed = print::leaflet(&mut w.store, &admin, Leaflet::Bessou1, 1, dec).unwrap();
    let t = text(&printed.bytes);
    assert!(t.contains(current) && !t.contains(stale), "{t}");
    assert!(!t.contains("いまのうちに") && !t.contains("有効期限をご確認ください"), "no other overtaken line: {t}");
    assert!(printed.warnings.is_empty(), "{:?}", printed.warnings);

    leaflet::set_statement(&mut w.store, &admin, "b1-expiry", StatementMode::Auto, Some(""), dec).unwrap();
    let check = leaflet::check_all_statements(&w.store, &admin, dec).unwrap().into_iter().find(|c| c.id == "b1-expiry").unwrap();
    assert!(check.overtaken && check.replacement.is_empty() && check.printing == leaflet::Printing::Nothing);
    let printed = print::leaflet(&mut w.store, &admin, Leaflet::Bessou1, 1, dec).unwrap();
    let t = text(&printed.bytes);
    assert!(!t.contains(stale) && !t.contains(current), "{t}");
    assert!(printed.warnings.iter().any(|m| m.contains("差し替えの文がない") && m.contains("順次満了")), "{:?}", printed.warnings);
    // Back to the shipped replacement.
    leaflet::set_statement(&mut w.store, &admin, "b1-expiry", StatementMode::Auto, None, dec).unwrap();
    assert!(text(&print::leaflet(&mut w.store, &admin, Leaflet::Bessou1, 1, dec).unwrap().bytes).contains(current));

    // The same through the binary: the warning goes to stderr, the PDF still prints.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hairyo.db");
    let pdf = dir.path().join("bessou1.pdf");
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_hairyo"))
            .arg("--db")
            .arg(&db)
            .args(args)
            .env("HAIRYO_NOW", "2026-12-01T10:00:00")
            .env("HAIRYO_PASSWORD", hairyo::demo::DEMO_PASSWORD)
            .env_remove("HAIRYO_AS")
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        (String::from_utf8_lossy(&out.stdout).to_string(), String::from_utf8_lossy(&out.stderr).to_string())
    };
    run(&["init"]);
    let (_, quiet) = run(&["print", "leaflet", "bessou1", "-o", pdf.to_str().unwrap()]);
    assert!(!quiet.contains("注意"), "{quiet}");
    assert!(text(&std::fs::read(&pdf).unwrap()).contains(current));
    run(&["leaflet", "set", "b1-expiry", "auto", "--no-replacement"]);
    let (listed, _) = run(&["leaflet", "statements"]);
    assert!(listed.contains("b1-expiry") && listed.contains("差し替えの文: なし"), "{listed}");
    let (_, warned) = run(&["print", "leaflet", "bessou1", "-o", pdf.to_str().unwrap()]);
    assert!(warned.contains("注意") && warned.contains("差し替えの文がない") && warned.contains("順次満了"), "{warned}");
    assert!(!text(&std::fs::read(&pdf).unwrap()).contains(stale));
}

/// What in a printed text is an internal label rather than words for a resident: an R-number, a
/// 別添 number, or a run of Latin letters (a code such as `kokuho` or `facility_child`, a login
/// ID). The documents have no legitimate Latin words; phone numbers and the "Q." of a Q&A are
/// digits or a single letter.
fn internal_labels(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    if text.contains("別添") {
        found.push("別添".to_string());
    }
    // The desk's names of proxy kinds (施設職員 (成人)), where the paper says them plainly.
    let squeezed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    for kind in hairyo::application::ProxyAuthority::ALL {
        let desk: String = kind.label().chars().filter(|c| !c.is_whitespace()).collect();
        if kind.label() != kind.printed_label() && squeezed.contains(&desk) {
            found.push(kind.label().to_string());
        }
    }
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_alphabetic() || chars[i] == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_' || chars[i] == '-') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let r_number = word.starts_with('R') && word[1..].chars().next().is_some_and(|c| c.is_ascii_digit());
            if r_number || word.chars().filter(|c| c.is_ascii_alphabetic()).count() >= 2 {
                found.push(word);
            }
        } else {
            i += 1;
        }
    }
    found
}

/// #12 item 11 (labels): nothing a resident or a facility receives (application forms, 委任状,
/// the facility cover letter and batch, the three handouts) carries an R-number, a 別添 label,
/// a code or a login ID. Rendered from the demo's data, read back with pdftotext.
#[test]
fn nothing_a_resident_receives_carries_internal_labels() {
    use hairyo::{demo, person, record, Page};
    let mut w = World::bare();
    let admin = w.admin.clone();
    let now = at("2026-11-25");
    demo::generate(&mut w.store, &admin, 400, 5, now).unwrap();
    // The demo has no one under 住所地特例: a resident of its first facility is.
    let facilities = facility::list(&w.store, &admin, Page::new(0, 100), now).unwrap().items;
    let first = facilities.iter().find(|f| f.residents > 0).unwrap();
    w.person(|i| {
        holder(i);
        i.name = "特例 三郎".into();
        i.facility_id = Some(first.id);
        i.reasons = vec!["facility".into()];
        i.other_insurer = "隣町 国民健康保険".into();
    });

    let mut documents = Vec::new();
    for f in &facilities {
        match print::facility_batch(&mut w.store, &admin, f.id, now, &mut |_| {}) {
            Ok(p) => documents.push((format!("施設一括 {}", f.name), p.bytes)),
            Err(e) => assert_eq!(hairyo::codes::Coded::code(&e), "print.nothing_to_print", "{}: {e}", f.name),
        }
    }
    let batches = documents.len();
    assert!(batches >= 2, "the demo's facilities print batches");
    let persons = person::list(&mut w.store, &admin, &person::PersonFilter::default(), Page::new(0, 120), now).unwrap().items;
    let mut with_application = 0;
    for p in persons.iter().filter(|p| matches!(p.scheme, hairyo::person::Scheme::Kokuho | hairyo::person::Scheme::Kouki)) {
        let r = record::show(&mut w.store, &admin, p.id, now).unwrap();
        let app = r.applications.first().map(|a| a.id);
        with_application += usize::from(app.is_some());
        if let Ok(printed) = print::application_form(&mut w.store, &admin, p.id, app, now) {
            documents.push((format!("申請書 {}", p.name), printed.bytes));
        }
    }
    assert!(with_application >= 3 && documents.len() > batches + 20, "forms of persons with and without applications");
    for which in Leaflet::ALL.iter().copied() {
        for day in ["2025-06-01", "2026-07-31", "2026-12-01"] {
            documents.push((format!("{} {day}", which.label()), print::leaflet(&mut w.store, &admin, which, 1, at(day)).unwrap().bytes));
        }
    }

    for (what, pdf) in &documents {
        let t = tool("pdftotext", &["-layout"], pdf);
        let found = internal_labels(&t);
        assert!(found.is_empty(), "{what} carries internal labels {found:?}:\n{t}");
    }
    assert_eq!(
        internal_labels("別添1 (表面)  見本市 (R7.5版)  受付者 kokuho1  facility_child  電話 0120-95-0178  Q. どうしたら  代理人の種別 施設職員 (成人)"),
        ["別添", "施設職員 (成人)", "R7", "kokuho1", "facility_child"]
    );
}

/// #32: each line of the 進達簿, printed and as CSV, carries the 申請理由 (the 広域連合 decides
/// on them whether the certificate continues each year) and any 併記 asked for; an application
/// without either says なし on paper and leaves the CSV's cells empty.
#[test]
fn the_forwarding_register_carries_each_applications_reasons_and_joint_entries() {
    let mut w = World::new();
    let clerk = w.actor("kouki_clerk");
    let forwarded = |w: &mut World, name: &str, reasons: &[&str], entries: &[&str]| {
        let p = w.person(|i| {
            holder(i);
            i.scheme = "kouki".into();
            i.name = name.into();
            i.card_number = "12345678".into();
        });
        let input = ApplicationInput {
            person_id: p.id,
            reasons: reasons.iter().map(|r| r.to_string()).collect(),
            optional_entries: entries.iter().map(|e| e.to_string()).collect(),
            ..Default::default()
        };
        let a = application::receive(&mut w.store, &clerk, &input, at("2026-11-20")).unwrap().application;
        for c in &a.checklist {
            application::check_document(&mut w.store, &clerk, a.id, c.document, true, at("2026-11-20")).unwrap();
        }
        application::forward(&mut w.store, &clerk, a.id, common::date("2026-11-25"), None, at("2026-11-25")).unwrap();
    };
    forwarded(&mut w, "理由 一子", &["dementia", "physical"], &["limit_category"]);
    forwarded(&mut w, "理由 二子", &[], &[]);
    let t = text(&print::forwarding_register(&mut w.store, &clerk, common::date("2026-11-25"), at("2026-11-27")).unwrap().bytes);
    for want in ["申請理由", "併記", "認知症・身体障害", "限度額適用区分", "なし"] {
        assert!(t.contains(want), "{want} missing in {t}");
    }
    let sv = w.actor("kokuho_sv");
    let (bytes, _) =
        hairyo::kouki::forwarding_register_csv(&mut w.store, &sv, common::date("2026-11-25"), hairyo::import::Encoding::Utf8, at("2026-11-27")).unwrap();
    let csv = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[1].ends_with(",認知症・身体障害,限度額適用区分"), "{}", lines[1]);
    assert!(lines[2].ends_with(",,"), "{}", lines[2]);
}

/// #12 item 7: the 進達簿 lists the 後期 applications forwarded to the 広域連合 on a date (not
/// those of another day, nor 国保's), with the person, the applicant and where the certificate
/// goes, and their count; it prints page after page and exports as CSV.
#[test]
fn kouki_forwarding_register_lists_applications_forwarded_on_a_date() {
    let mut w = World::new();
    let clerk = w.actor("kouki_clerk");
    let kouki = |w: &mut World, name: &str, atena: &str, f: &dyn Fn(&mut hairyo::person::PersonInput)| {
        w.person(|i| {
            holder(i);
            i.scheme = "kouki".into();
            i.name = name.into();
            i.atena_no = atena.into();
            i.birth_date = "1944-05-05".into();
            i.card_number = format!("9{atena}");
            f(i);
        })
    };
    let forwarded = |w: &mut World, input: ApplicationInput, on: &str| {
        let a = application::receive(&mut w.store, &clerk, &input, at("2026-11-20")).unwrap().application;
        for c in &a.checklist {
            application::check_document(&mut w.store, &clerk, a.id, c.document, true, at("2026-11-20")).unwrap();
        }
        application::forward(&mut w.store, &clerk, a.id, common::date(on), None, at("2026-11-27")).unwrap()
    };
    let p = kouki(&mut w, "進達 一子", "1001", &|_| {});
    let q = kouki(&mut w, "進達 二子", "1002", &|i| {
        i.address = "見本市秘密町9丁目9番9号".into();
        i.protected = true;
        i.safe_postal_code = "000-9999".into();
        i.safe_address = "見本市役所保険年金課気付".into();
    });
    let r = kouki(&mut w, "翌日 三子", "1003", &|_| {});
    let proxy = ApplicationInput {
        person_id: p.id,
        applicant: "proxy".into(),
        authority: "relative".into(),
        proxy_name: "代理 一郎".into(),
        proxy_address: "見本市本町2丁目2番2号".into(),
        proxy_relationship: "長男".into(),
        delivery: "proxy".into(),
        delivery_reason: "本人が長男の家に滞在しているため".into(),
        ..Default::default()
    };
    forwarded(&mut w, proxy, "2026-11-25");
    forwarded(&mut w, ApplicationInput { person_id: q.id, ..Default::default() }, "2026-11-25");
    forwarded(&mut w, ApplicationInput { person_id: r.id, ..Default::default() }, "2026-11-26");
    // Received but not forwarded: not on any 進達簿.
    let s = kouki(&mut w, "未進達 四子", "1004", &|_| {});
    application::receive(&mut w.store, &clerk, &ApplicationInput { person_id: s.id, ..Default::default() }, at("2026-11-25")).unwrap();

    let request = print::PrintRequest::ForwardingRegister { forwarded_on: common::date("2026-11-25") };
    let printed = print::print(&mut w.store, &clerk, &request, at("2026-11-27"), &mut |_| {}).unwrap();
    assert_eq!(printed.pages, 1);
    let t = text(&printed.bytes);
    for want in [
        "後期高齢者医療資格確認書交付申請進達簿",
        "見本県後期高齢者医療広域連合長様",
        "進達日令和8年11月25日",
        "全2件",
        "計2件",
        "進達一子",
        "1001",
        "91001",
        "昭和19年5月5日",
        "令和8年11月20日",
        "代理人(別世帯の親族)代理一郎",
        "見本市本町2丁目2番2号",
        "進達二子",
        "見本市役所保険年金課気付",
    ] {
        assert!(t.contains(want), "{want} missing in {t}");
    }
    for absent in ["翌日三子", "未進達四子", "秘密町"] {
        assert!(!t.contains(absent), "{absent} is on the 25th's register: {t}");
    }
    // Another day lists its own; a day with none prints nothing; only the insurer desks print it.
    let t = text(&print::forwarding_register(&mut w.store, &clerk, common::date("2026-11-26"), at("2026-11-27")).unwrap().bytes);
    assert!(t.contains("翌日三子") && t.contains("計1件") && !t.contains("進達一子"), "{t}");
    let none = print::forwarding_register(&mut w.store, &clerk, common::date("2026-11-24"), at("2026-11-27")).unwrap_err();
    assert_eq!(hairyo::codes::Coded::code(&none), "print.nothing_to_print");
    let cw = w.actor("kaigo_cw");
    assert_eq!(
        hairyo::codes::Coded::code(&print::forwarding_register(&mut w.store, &cw, common::date("2026-11-25"), at("2026-11-27")).unwrap_err()),
        "access.denied"
    );

    // The same list as CSV, for the union: CP932 (or UTF-8 with a BOM), the count of rows.
    let sv = w.actor("kokuho_sv");
    let (bytes, rows) =
        hairyo::kouki::forwarding_register_csv(&mut w.store, &sv, common::date("2026-11-25"), hairyo::import::Encoding::Cp932, at("2026-11-27")).unwrap();
    assert_eq!(rows, 2);
    let (csv, _, bad) = encoding_rs::SHIFT_JIS.decode(&bytes);
    assert!(!bad);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "番号,申請ID,宛名番号,氏名,フリガナ,生年月日,被保険者番号,申請日,申請者・代理人,送付先,申請理由,併記");
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(
        lines[1].starts_with("1,")
            && lines[1].contains(",1001,進達\u{3000}一子,")
            && lines[1].contains(",1944-05-05,91001,2026-11-20,代理人 (別世帯の親族) 代理\u{3000}一郎,"),
        "{}",
        lines[1]
    );
    assert!(lines[2].contains("見本市役所保険年金課気付") && !csv.contains("秘密町"), "{}", lines[2]);
    let (utf8, _) =
        hairyo::kouki::forwarding_register_csv(&mut w.store, &sv, common::date("2026-11-25"), hairyo::import::Encoding::Utf8, at("2026-11-27")).unwrap();
    assert!(utf8.starts_with(b"\xEF\xBB\xBF"));
    assert_eq!(
        hairyo::codes::Coded::code(
            &hairyo::kouki::forwarding_register_csv(&mut w.store, &clerk, common::date("2026-11-25"), hairyo::import::Encoding::Utf8, at("2026-11-27"))
                .unwrap_err()
        ),
        "access.denied",
        "CSV exports are a supervisor's"
    );

    // A long day runs over pages, each with the count.
    const GIVEN: [&str; 20] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "春", "夏", "秋", "冬", "月", "星", "花", "雪", "風", "光"];
    for (n, given) in GIVEN.iter().enumerate() {
        let x = kouki(&mut w, &format!("多数 {given}子"), &format!("2{n:03}"), &|_| {});
        forwarded(&mut w, ApplicationInput { person_id: x.id, ..Default::default() }, "2026-11-26");
    }
    let long = print::forwarding_register(&mut w.store, &clerk, common::date("2026-11-26"), at("2026-11-27")).unwrap();
    // Ten applications a page, each on three lines (the 申請理由 and 併記 on the third).
    assert_eq!(long.pages, 3);
    let t = text(&long.bytes);
    assert!(t.contains("全21件、1/3ページ") && t.contains("全21件、3/3ページ") && t.contains("計21件"), "{t}");
}

/// The city's 後期 settings: the 広域連合's 保険者番号 pre-filled, its prescribed form (the city
/// prints the cover letter and the 委任状 only), and the 文書番号 on the facility letter.
#[test]
fn the_kouki_settings_fill_the_insurer_number_choose_the_unions_form_and_number_the_letter() {
    use hairyo::settings;
    let mut w = World::new();
    let admin = w.admin.clone();
    let now = at("2026-11-25");
    let kouki = |i: &mut hairyo::person::PersonInput| {
        holder(i);
        i.scheme = "kouki".into();
        i.birth_date = "1944-05-05".into();
        i.card_number = "12345678".into();
        i.reasons = vec!["dementia".into()];
    };
    let member = w.person(kouki);
    // A wrong number is refused with the field named, and what was stored stays.
    let mut city = settings::public_city(&w.store).unwrap();
    // Too short, another scheme's number, not digits, no prefecture, a wrong check digit.
    for wrong in ["3999000", "01130012", "39a90000", "39000005", "39131231"] {
        let err = settings::set_city(&mut w.store, &admin, &settings::CitySettings { kouki_insurer_number: wrong.into(), ..city.clone() }, now).unwrap_err();
        let fields = &hairyo::codes::Coded::invalid(&err).expect("field errors").0;
        assert!(
            fields
                .iter()
                .any(|f| f.field == "kouki_insurer_number"
                    && (f.message.contains("39 で始まる8桁") || f.message.contains("検証番号") || f.message.contains("8桁"))),
            "{wrong}: {fields:?}"
        );
    }
    assert_eq!(settings::public_city(&w.store).unwrap(), city, "nothing stored is lost");
    city.kouki_insurer_number = "39131230".into();
    city.document_number = "見保年第1201号".into();
    settings::set_city(&mut w.store, &admin, &city, now).unwrap();
    let t = text(&print::application_form(&mut w.store, &admin, member.id, None, now).unwrap().bytes);
    assert!(t.contains("保険者番号39131230"), "{t}");
    // Without the number the form warns rather than prints a blank silently.
    settings::set_city(&mut w.store, &admin, &settings::CitySettings { kouki_insurer_number: String::new(), ..city.clone() }, now).unwrap();
    let printed = print::application_form(&mut w.store, &admin, member.id, None, now).unwrap();
    assert!(printed.warnings.iter().any(|x| x.contains("保険者番号")), "{:?}", printed.warnings);

    // The union's own form: no city 申請書 for a 後期 member; the 委任状 still prints.
    city.kouki_union_form = true;
    settings::set_city(&mut w.store, &admin, &city, now).unwrap();
    assert!(matches!(print::application_form(&mut w.store, &admin, member.id, None, now), Err(print::PrintError::NothingToPrint(_))));
    let clerk = w.actor("kouki_clerk");
    let proxy = ApplicationInput {
        person_id: member.id,
        applicant: "proxy".into(),
        authority: "relative".into(),
        proxy_name: "代理 一郎".into(),
        proxy_address: "見本市本町2丁目2番2号".into(),
        proxy_relationship: "長男".into(),
        ..Default::default()
    };
    let a = application::receive(&mut w.store, &clerk, &proxy, now).unwrap().application;
    let printed = print::application_form(&mut w.store, &admin, member.id, Some(a.id), now).unwrap();
    let t = text(&printed.bytes);
    assert_eq!((printed.pages, printed.documents), (1, 1), "the 委任状 alone");
    assert!(t.contains("委任状") && !t.contains("資格確認書交付申請書"), "{t}");
    assert!(printed.warnings.iter().any(|x| x.contains("指定様式")), "{:?}", printed.warnings);
    // A 国保 member's form is the city's whatever the 後期 setting.
    let kokuho = w.person(holder);
    assert!(text(&print::application_form(&mut w.store, &admin, kokuho.id, None, now).unwrap().bytes).contains("国民健康保険"));

    // The facility batch: the cover letter with its 文書番号, 委任状 for the 後期 residents.
    let f = facility::add(
        &mut w.store,
        &admin,
        &FacilityInput {
            name: "特別養護老人ホーム みほん苑".into(), kind: "elderly".into(), address: "見本市緑町5番地".into(), ..Default::default()
        },
        at("2025-05-01"),
    )
    .unwrap();
    for name in ["入所 一子", "入所 二子"] {
        w.person(|i| {
            kouki(i);
            i.name = name.into();
            i.facility_id = Some(f.id);
            i.reasons = vec!["facility".into()];
        });
    }
    let printed = print::facility_batch(&mut w.store, &admin, f.id, now, &mut |_| {}).unwrap();
    let all = pages(&printed.bytes);
    assert!(all[0].contains("見保年第1201号") && all[0].contains("広域連合の申請書・委任状"), "{}", all[0]);
    assert_eq!(all.iter().filter(|p| p.contains("資格確認書交付申請書")).count(), 0, "no city 申請書");
    assert_eq!(all.iter().skip(1).filter(|p| p.contains("委任状") && p.contains("入所")).count(), 2, "a 委任状 for each behind the cover letter");
    assert!(printed.warnings.iter().any(|x| x.contains("2名分") && x.contains("指定様式")), "{:?}", printed.warnings);
}
