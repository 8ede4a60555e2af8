//! The same UI in a browser (harness: `src/browser.rs`): `hairyo serve` on PostgreSQL serves
//! the page, Debian's Chromium and chromedriver drive it. A 介護 caseworker and a 国保 clerk
//! sit at two browsers; a referral sent at one appears in the other's inbox without a reload,
//! a comment goes back the same way, the clerk prints a form that opens from the server's PDF,
//! and signing out ends the session on the server.

use std::time::{Duration, Instant};

use hairyo_e2e::browser::*;
use hairyo_e2e::*;
use thirtyfour::prelude::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_desks_work_in_browsers_on_one_server() {
    // The synchronous PostgreSQL client may not run on the test's async threads.
    let served = tokio::task::spawn_blocking(serve).await.expect("start the server");
    let mut chrome = chromedriver();
    let kaigo = chrome.session().await;
    let kokuho = chrome.session().await;
    let outcome = tokio::time::timeout(SCENARIO_TIMEOUT, tokio::spawn(two_desks(kaigo.clone(), kokuho.clone(), served.url.clone()))).await;
    for session in [kaigo, kokuho] {
        if let Err(e) = session.quit().await {
            eprintln!("e2e: closing a browser failed: {e}");
        }
    }
    drop(chrome);
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(join)) if join.is_panic() => std::panic::resume_unwind(join.into_panic()),
        Ok(Err(join)) => panic!("e2e: scenario task failed: {join}"),
        Err(_) => panic!("e2e: the scenario did not finish within {SCENARIO_TIMEOUT:?}"),
    }
}

async fn two_desks(kaigo: WebDriver, kokuho: WebDriver, url: String) {
    // An empty password is named as such; the caseworker then signs in with the input method
    // still on (ｋａｉｇｏ１ is kaigo1).
    kaigo.goto(&url).await.expect("open the server's page");
    sign_in(&kaigo, "kaigo1", "").await;
    let empty = wait_until("the empty-field message", || async { text_of(&kaigo, "#signin-error").await }).await;
    assert!(empty.contains("パスワードを入力してください"), "{empty:?}");
    kaigo.find(By::Id("login")).await.expect("login").clear().await.expect("clear");
    kaigo.refresh().await.expect("reload the sign-in page");
    // Both sign in at the server's page; nothing is installed on these PCs.
    for (driver, login) in [(&kaigo, "ｋａｉｇｏ１"), (&kokuho, "kokuho1")] {
        driver.goto(&url).await.expect("open the server's page");
        sign_in(driver, login, hairyo::demo::DEMO_PASSWORD).await;
        let counts = wait_until("the home counts", || async { text_of(driver, "#home-counts").await }).await;
        assert!(counts.contains("対象者"), "{login}'s home: {counts:?}");
    }
    let actor = text_of(&kokuho, "#actor").await.unwrap_or_default();
    assert!(actor.contains("国民健康保険"), "the header shows the 国保 desk: {actor:?}");

    // The clerk waits at the 連携依頼 inbox, with nothing from 髙橋 yet.
    click(&kokuho, "#nav-referrals").await;
    let before = wait_until("the inbox", || async { text_of(&kokuho, "#referral-inbox").await.filter(|t| t.contains("全")) }).await;
    assert!(!before.contains("髙橋"), "nothing from 髙橋 yet: {before:?}");

    // The caseworker finds 髙橋 花子 by half-width kana and sends a referral.
    open_persons(&kaigo).await;
    let names = search_for(&kaigo, "ﾀｶﾊｼ ﾊﾅｺ", "ﾀｶﾊｼ").await;
    assert!(names.iter().any(|n| n.contains("髙橋")), "ﾀｶﾊｼ ﾊﾅｺ finds 髙橋 花子: {names:?}");
    click(&kaigo, "#person-table .person-name").await;
    wait_until("the record", || async { text_of(&kaigo, "#record-name").await.filter(|n| n.contains("髙橋")) }).await;
    click(&kaigo, "#open-referral").await;
    select(&kaigo, "#rf-desk", "kokuho").await;
    type_into(&kaigo, "#rf-reason", "認知症のため本人による申請が難しい").await;
    click(&kaigo, "#rf-submit").await;
    let sent_at = Instant::now();
    action_result(&kaigo, "連携依頼").await;

    // It appears in the clerk's inbox by itself (server-sent events), within 2 s.
    let inbox =
        wait_until("the referral in the other desk's inbox", || async { text_of(&kokuho, "#referral-inbox").await.filter(|t| t.contains("髙橋")) }).await;
    let took = sent_at.elapsed();
    assert!(took < Duration::from_secs(2), "the referral took {took:?} to reach the other desk");
    assert!(inbox.contains("認知症のため本人による申請が難しい"), "with its reason: {inbox:?}");
    assert!(inbox.contains("新着") && inbox.contains("本日"), "marked as a new arrival of today: {inbox:?}");

    // The caseworker watches every referral of the desk; the clerk accepts and comments.
    click(&kaigo, "#nav-referrals").await;
    select(&kaigo, "#inbox-status", "").await;
    wait_until("the sender's inbox", || async { text_of(&kaigo, "#referral-inbox").await.filter(|t| t.contains("髙橋")) }).await;
    let link = kokuho.find(By::XPath("//section[@id='referral-inbox']//button[contains(., '髙橋')]")).await.expect("inbox link");
    link.click().await.expect("open from the inbox");
    wait_until("the record", || async { text_of(&kokuho, "#record-name").await.filter(|n| n.contains("髙橋")) }).await;
    click(&kokuho, ".referral-accept").await;
    action_result(&kokuho, "受理").await;
    type_into(&kokuho, ".referral-comment", "本日、家族に電話します").await;
    let commented_at = Instant::now();
    click(&kokuho, ".referral-comment-submit").await;
    let answer = wait_until("the comment at the sending desk", || async {
        text_of(&kaigo, "#referral-inbox").await.filter(|t| t.contains("本日、家族に電話します"))
    })
    .await;
    assert!(commented_at.elapsed() < Duration::from_secs(2), "the comment took {:?} to come back", commented_at.elapsed());
    assert!(answer.contains("受理"), "and the referral shows as accepted: {answer:?}");
    // Dates and times read as the rest of the window writes them, never as raw ISO stamps.
    let iso = |t: &str| t.as_bytes().windows(10).any(|w| w[4] == b'-' && w[7] == b'-' && w[..4].iter().all(u8::is_ascii_digit));
    assert!(!iso(&answer), "no raw ISO date in the inbox: {answer:?}");
    assert!(answer.contains("令和"), "dates read in 和暦, as the forms print them: {answer:?}");
    let day = kaigo.find(By::Css("#referral-inbox time.day")).await.expect("a date in the inbox");
    let hover = day.attr("title").await.ok().flatten().unwrap_or_default();
    assert!(hover.starts_with("20") && hover.contains('年'), "the 西暦 on hover: {hover:?}");

    // The caseworker sends a second referral by mistake and withdraws it from the inbox with a
    // reason (取下げ): the clerk's queue of unanswered referrals loses it at once.
    click(&kaigo, "#nav-persons").await;
    let names = search_for(&kaigo, "ﾀｶﾊｼ ﾊﾅｺ", "ﾀｶﾊｼ").await;
    assert!(names.iter().any(|n| n.contains("髙橋")));
    click(&kaigo, "#person-table .person-name").await;
    wait_until("the record", || async { text_of(&kaigo, "#record-name").await.filter(|n| n.contains("髙橋")) }).await;
    click(&kaigo, "#open-referral").await;
    select(&kaigo, "#rf-desk", "kokuho").await;
    type_into(&kaigo, "#rf-reason", "二件目の依頼（誤送信）").await;
    click(&kaigo, "#rf-submit").await;
    action_result(&kaigo, "連携依頼").await;
    click(&kokuho, "#nav-referrals").await;
    wait_until("the second referral at the clerk's", || async { text_of(&kokuho, "#referral-inbox").await.filter(|t| t.contains("二件目の依頼")) }).await;
    click(&kaigo, "#nav-referrals").await;
    select(&kaigo, "#inbox-status", "sent").await;
    let second = "//article[contains(., '二件目の依頼')]";
    let reason = wait_until("the second referral's row", || async { kaigo.find(By::XPath(format!("{second}//input"))).await.ok() }).await;
    reason.send_keys("誤って送信したため").await.expect("type the reason");
    kaigo.find(By::XPath(format!("{second}//button[contains(@class, 'inbox-withdraw')]"))).await.expect("取り下げる").click().await.expect("withdraw");
    let done = wait_until("the withdrawal", || async { text_of(&kaigo, "#inbox-result").await.filter(|t| t.contains("取下げ")) }).await;
    assert!(done.contains("髙橋"), "{done:?}");
    wait_until("the clerk's queue without it", || async {
        text_of(&kokuho, "#referral-inbox").await.filter(|t| t.contains("全") && !t.contains("二件目の依頼"))
    })
    .await;

    // The clerk prints the pre-filled application form: the server's PDF opens in the browser.
    click(&kokuho, "#nav-print").await;
    wait_until("the print centre", || async { text_of(&kokuho, "#print-person").await.filter(|n| n.contains("髙橋")) }).await;
    click(&kokuho, "#print-form-button").await;
    let pdf_url = wait_longer("the printed form", Duration::from_secs(60), || async {
        if let Some(err) = text_of(&kokuho, "#print-error").await {
            panic!("printing failed: {err}");
        }
        let shown = kokuho.find(By::Id("print-path")).await.ok()?;
        shown.attr("data-path").await.ok().flatten().filter(|p| p.starts_with("blob:"))
    })
    .await;
    // The clerk reads the file's name, never the blob: URL, and focus is on 開く.
    let shown = text_of(&kokuho, "#print-result").await.unwrap_or_default();
    assert!(shown.contains("ファイル名") && shown.contains(".pdf") && !shown.contains("blob:"), "{shown:?}");
    let focused = kokuho.active_element().await.expect("the focused element").attr("id").await.ok().flatten();
    assert_eq!(focused.as_deref(), Some("print-open"), "focus after printing");
    let form = pdf_text(&blob_bytes(&kokuho, &pdf_url).await);
    assert!(form.contains("交付申請書"), "the form's title: {}", &form[..form.len().min(300)]);
    assert!(form.contains("花子"), "the form is pre-filled with the person's name");

    // Signing out ends the session on the server: the page's own cookie is refused after it.
    sign_out(&kokuho).await;
    let status = kokuho
        .execute_async(
            "const done = arguments[arguments.length - 1];
             fetch('/api/home', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: '{}'}).then(r => done(r.status));",
            vec![],
        )
        .await
        .expect("ask the server")
        .convert::<i64>()
        .expect("a status");
    assert_eq!(status, 401, "no session after signing out");
    sign_out(&kaigo).await;
}

/// JIS X 8341-3 level AA, as far as a machine can tell: axe-core (WCAG 2.0 and 2.1, A and AA)
/// on the sign-in screen and on every screen the top navigation offers, a person's record and
/// its forms, as an administrator (every screen) and a 介護 caseworker, at a counter PC's width
/// and at 640 CSS px (that window at 200 % zoom), where no screen may scroll sideways. The
/// screens are the tabs the page itself shows, so a screen added later is checked too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_screen_meets_wcag_aa_at_both_zoom_levels() {
    let served = tokio::task::spawn_blocking(serve).await.expect("start the server");
    let mut chrome = chromedriver();
    let driver = chrome.session().await;
    let outcome = tokio::time::timeout(SCENARIO_TIMEOUT * 4, tokio::spawn(every_screen(driver.clone(), served.url.clone()))).await;
    if let Err(e) = driver.quit().await {
        eprintln!("e2e: closing the browser failed: {e}");
    }
    drop(chrome);
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(join)) if join.is_panic() => std::panic::resume_unwind(join.into_panic()),
        Ok(Err(join)) => panic!("e2e: scenario task failed: {join}"),
        Err(_) => panic!("e2e: the scenario did not finish within {:?}", SCENARIO_TIMEOUT * 4),
    }
}

async fn every_screen(driver: WebDriver, url: String) {
    let axe_path = workspace_root().join("ui/node_modules/axe-core/axe.min.js");
    let axe = std::fs::read_to_string(&axe_path).unwrap_or_else(|e| panic!("e2e: {} ({e}); {HOW_TO_RUN}", axe_path.display()));
    let mut problems = Vec::new();
    let mut checked = 0;
    let mut reasons_asked = false;
    for (width, zoom) in [(1280, "100%"), (640, "200%")] {
        driver.set_window_rect(0, 0, width, 860).await.expect("size the window");
        // An administrator sees every screen; a caseworker the welfare desk's own.
        for login in ["admin", "kaigo1"] {
            driver.goto(&url).await.expect("open the server's page");
            wait_until("the sign-in form", || async { driver.find(By::Id("login")).await.ok() }).await;
            problems.extend(audit(&driver, &axe, &format!("サインイン ({zoom})")).await);
            sign_in(&driver, login, hairyo::demo::DEMO_PASSWORD).await;
            wait_until("the home counts", || async { text_of(&driver, "#home-counts").await }).await;
            let tabs: Vec<String> = {
                let found = driver.find_all(By::Css(".top-nav button")).await.expect("the tabs");
                let mut ids = Vec::new();
                for tab in found {
                    ids.push(tab.attr("id").await.ok().flatten().expect("every tab has an id"));
                }
                ids
            };
            assert!(tabs.len() >= 6, "{login} sees only {tabs:?}");
            for tab in &tabs {
                click(&driver, &format!("#{tab}")).await;
                let current = wait_until("the tab to be current", || async {
                    let now = driver.find(By::Css(".top-nav button[aria-current='page']")).await.ok()?;
                    now.attr("id").await.ok().flatten().filter(|id| id == tab)
                })
                .await;
                settled(&driver).await;
                problems.extend(audit(&driver, &axe, &format!("{login} {current} ({zoom})")).await);
                checked += 1;
            }
            // Back and Forward move between the screens, inside the application.
            if login == "admin" && width == 1280 {
                let current = || async {
                    let tab = driver.find(By::Css(".top-nav button[aria-current='page']")).await.ok()?;
                    tab.attr("id").await.ok().flatten()
                };
                let (before_last, last) = (&tabs[tabs.len() - 2], &tabs[tabs.len() - 1]);
                driver.back().await.expect("Back");
                wait_until("Back to the screen before", || async { current().await.filter(|id| id == before_last) }).await;
                driver.forward().await.expect("Forward");
                wait_until("Forward to the last screen", || async { current().await.filter(|id| id == last) }).await;
            }
            // A person's record with each of its forms open.
            open_persons(&driver).await;
            search_for(&driver, "ﾀｶﾊｼ ﾊﾅｺ", "ﾀｶﾊｼ").await;
            click(&driver, "#person-table .person-name").await;
            wait_until("the record", || async { text_of(&driver, "#record-name").await.filter(|n| n.contains("髙橋")) }).await;
            settled(&driver).await;
            problems.extend(audit(&driver, &axe, &format!("{login} 記録 ({zoom})")).await);
            for form in ["#open-touchpoint", "#open-referral", "#open-application"] {
                if driver.find(By::Css(form)).await.is_ok() {
                    click(&driver, form).await;
                    settled(&driver).await;
                    problems.extend(audit(&driver, &axe, &format!("{login} 記録 {form} ({zoom})")).await);
                    if form == "#open-application" {
                        // 申請理由 are asked for, to be printed on the 申請書.
                        let reasons = driver.find_all(By::Css("#ap-reasons input[type='checkbox']")).await.expect("the reasons");
                        assert!(reasons.len() >= 5, "the application form offers {} reasons", reasons.len());
                        reasons_asked = true;
                    }
                    click(&driver, form).await;
                }
            }
            if login == "admin" {
                // A half-filled form: the person form with a refused save (errors shown), and
                // the question asked when a tab would leave it.
                click(&driver, "#nav-persons").await;
                click(&driver, "#new-person").await;
                type_into(&driver, "#pf-name", "見本 途中").await;
                click(&driver, "#pf-save").await;
                wait_until("the form's refusal", || async { text_of(&driver, "#person-form-error").await }).await;
                problems.extend(audit(&driver, &axe, &format!("{login} 対象者の登録、エラー表示 ({zoom})")).await);
                click(&driver, "#nav-home").await;
                wait_until("the question before leaving", || async { driver.find(By::Id("unsaved-warning")).await.ok() }).await;
                problems.extend(audit(&driver, &axe, &format!("{login} 未保存の確認 ({zoom})")).await);
                click(&driver, "#unsaved-stay").await;
                let name: String = driver.find(By::Id("pf-name")).await.expect("still on the form").prop("value").await.ok().flatten().unwrap_or_default();
                assert_eq!(name, "見本 途中", "what was typed stays");
                click(&driver, "#nav-home").await;
                click(&driver, "#unsaved-leave").await;
                wait_until("home", || async { text_of(&driver, "#home-counts").await }).await;
            }
            sign_out(&driver).await;
        }
    }
    assert!(checked >= 20, "only {checked} screens were checked");
    assert!(reasons_asked, "the application form was never opened");
    assert!(problems.is_empty(), "WCAG 2.1 AA problems:\n{}", problems.join("\n"));
}

/// Waits until the screen has its data (nothing says 読み込み中, nothing is dimmed as loading),
/// and, when it had to wait, for the fade back (0.15 s) to end, so axe judges what the clerk
/// reads.
async fn settled(driver: &WebDriver) {
    let script = "return document.body.innerText.includes('読み込み中') || document.querySelector('.loading') !== null";
    let loading = || async { driver.execute(script, vec![]).await.ok()?.convert::<bool>().ok() };
    // A screen starts its requests as it appears; a moment lets them begin.
    tokio::time::sleep(Duration::from_millis(100)).await;
    if loading().await == Some(false) {
        return;
    }
    wait_until("the screen's data", || async { (loading().await == Some(false)).then_some(()) }).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
}

/// axe-core's violations of WCAG 2.0/2.1 A and AA on the page as it is, and whether the page
/// scrolls sideways; each as a line naming `place`.
async fn audit(driver: &WebDriver, axe: &str, place: &str) -> Vec<String> {
    let loaded: bool = driver.execute("return typeof axe !== 'undefined'", vec![]).await.expect("ask for axe").convert().expect("a boolean");
    if !loaded {
        driver.execute(axe, vec![]).await.expect("load axe-core");
    }
    let script = "const done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})
          .then(r => done(r.passes.length === 0 ? ['axe checked nothing'] : r.violations.map(v => v.id + ': ' + v.help + ' [' + v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' + (n.failureSummary || '').split('\\n').slice(1, 2).join('')).join(' | ') + ']')))
          .catch(e => done(['axe failed: ' + e]));";
    let found: Vec<String> = driver.execute_async(script, vec![]).await.expect("run axe").convert().expect("a list");
    let mut lines: Vec<String> = found.into_iter().map(|v| format!("{place}: {v}")).collect();
    // Our own rule, which axe leaves to best practice: one h1, the screen's title.
    let h1: i64 = driver.execute("return document.querySelectorAll('h1').length", vec![]).await.expect("count h1").convert().expect("a number");
    if h1 != 1 {
        lines.push(format!("{place}: {h1} h1 elements, not one"));
    }
    let overflow: i64 = driver
        .execute("return document.documentElement.scrollWidth - document.documentElement.clientWidth", vec![])
        .await
        .expect("measure the page")
        .convert()
        .expect("a number");
    if overflow > 0 {
        // What sticks out, innermost first, so the message says where to look.
        let script = "const w = document.documentElement.clientWidth; const out = [];
            for (const el of document.querySelectorAll('body *')) {
              const r = el.getBoundingClientRect();
              if (r.right > w + 1 && ![...el.children].some(c => c.getBoundingClientRect().right > w + 1)) {
                out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '') + ' ' + Math.round(r.right - w) + 'px');
              }
            }
            return out.slice(0, 4).join(', ');";
        let what: String = driver.execute(script, vec![]).await.expect("find what sticks out").convert().expect("a string");
        lines.push(format!("{place}: scrolls sideways by {overflow} px ({what})"));
    }
    lines
}
