//! The scenarios in the real Hairyo window (harness: `src/lib.rs`): tauri-driver →
//! WebKitWebDriver → target/debug/hairyo-desktop, each on a database of its own, checked
//! afterwards through the core or straight from the file.

use std::process::Command;
use std::time::{Duration, Instant};

use hairyo_e2e::*;
use thirtyfour::prelude::*;

/// The clerk's path: sign in → home → list → record → back → search.
async fn scenario(driver: WebDriver) {
    // A wrong password is refused with the core's Japanese message.
    sign_in(&driver, "admin", "wrong-password").await;
    let refused = wait_until("the sign-in error", || async { text_of(&driver, "#signin-error").await }).await;
    assert!(refused.contains("パスワード") || refused.contains("ログイン"), "a Japanese refusal: {refused:?}");
    save_screenshot(&driver, "signin.png").await;
    driver.find(By::Id("login")).await.expect("login").clear().await.expect("clear login");
    driver.find(By::Id("password")).await.expect("password").clear().await.expect("clear password");
    // Five wrong passwords lock the account: the core's message says until when.
    for _ in 0..hairyo::staff::MAX_FAILED_SIGN_INS {
        driver.find(By::Id("login")).await.expect("login").clear().await.expect("clear login");
        driver.find(By::Id("password")).await.expect("password").clear().await.expect("clear password");
        driver.execute("document.getElementById('signin-error')?.remove()", vec![]).await.ok();
        sign_in(&driver, "kouki1", "wrong-password").await;
        wait_until("the refusal", || async { text_of(&driver, "#signin-error").await }).await;
    }
    driver.find(By::Id("login")).await.expect("login").clear().await.expect("clear login");
    driver.find(By::Id("password")).await.expect("password").clear().await.expect("clear password");
    sign_in(&driver, "kouki1", hairyo::demo::DEMO_PASSWORD).await;
    let locked = wait_until("the lock message", || async { text_of(&driver, "#signin-error").await.filter(|t| t.contains("ロック")) }).await;
    assert!(locked.contains("まで"), "the lock says until when: {locked:?}");
    driver.find(By::Id("login")).await.expect("login").clear().await.expect("clear login");
    driver.find(By::Id("password")).await.expect("password").clear().await.expect("clear password");
    sign_in(&driver, "admin", hairyo::demo::DEMO_PASSWORD).await;

    // Home: the counts the core computed, the funnel and the forecast.
    let counts = wait_until("the home counts", || async { text_of(&driver, "#home-counts").await }).await;
    assert!(counts.contains("対象者") && counts.contains(&SEED_PERSONS.to_string()), "home counts the persons: {counts:?}");
    let actor = text_of(&driver, "#actor").await.unwrap_or_default();
    assert!(actor.contains("管理者"), "the header shows who signed in: {actor:?}");
    let home_text = text_of(&driver, "#home").await.unwrap_or_default();
    assert!(home_text.contains("窓口の見込み（8週間）"), "home shows the forecast: {home_text:?}");
    save_screenshot(&driver, "home.png").await;

    // Each count opens the list it counts: the number on the card is the list's total.
    for (card, section) in [("書類待ちの申請", "#due-waiting-title"), ("処理中の申請", "#due-in-progress-title"), ("30日以内に有効期限", "#due-expiring-title")]
    {
        let button = driver.find(By::XPath(format!("//ul[@id='home-counts']//button[contains(., '{card}')]"))).await.expect("the count card");
        let n = button.find(By::Css(".n")).await.expect("its number").text().await.expect("the number");
        button.click().await.expect("open the count's list");
        let title = wait_until("the list behind the count", || async { text_of(&driver, section).await }).await;
        assert!(title.contains(card) && title.contains(&format!("{n}件")), "{card} {n}: {title:?}");
        click(&driver, "#nav-home").await;
        wait_until("home again", || async { text_of(&driver, "#home-counts").await }).await;
    }
    let to_review = driver.find(By::XPath("//ul[@id='home-counts']//button[contains(., '確認待ちの連携依頼')]")).await.expect("the card");
    to_review.click().await.expect("open the inbox");
    let filter = wait_until("the inbox's filter", || async { driver.find(By::Id("inbox-status")).await.ok() }).await;
    assert_eq!(filter.prop("value").await.expect("its value").as_deref(), Some("sent"));
    click(&driver, "#nav-home").await;
    // 送付中 opens the referrals still open, not every referral: the inbox's total is the card's.
    let open = wait_until("the 送付中 card", || async {
        driver.find(By::XPath("//ul[@id='home-counts']//button[contains(., '送付中の連携依頼')]")).await.ok()
    })
    .await;
    let n = open.find(By::Css(".n")).await.expect("its number").text().await.expect("the number");
    open.click().await.expect("open the inbox");
    let filter = wait_until("the inbox's filter", || async { driver.find(By::Id("inbox-status")).await.ok() }).await;
    assert_eq!(filter.prop("value").await.expect("its value").as_deref(), Some("open"));
    let info = wait_until("the inbox's total", || async { text_of(&driver, "#inbox-info").await.filter(|t| t.contains(&format!("全{n}件"))) }).await;
    assert!(info.contains(&format!("全{n}件")), "{info:?}");
    click(&driver, "#nav-home").await;

    // "/" jumps to the search box of 対象者.
    driver.active_element().await.expect("focus").send_keys("/").await.expect("press /");
    wait_until("the search box to have the focus", || async {
        let active = driver.active_element().await.ok()?;
        active.attr("id").await.ok().flatten().filter(|id| id == "person-search")
    })
    .await;
    open_persons(&driver).await;
    // The list shows the seeded population.
    wait_until("the person table", || async { (!rows(&driver).await.is_empty()).then_some(()) }).await;
    let info = wait_until("page info with the total", || async { text_of(&driver, "#page-info").await.filter(|t| t.contains("全")) }).await;
    assert!(info.contains(&format!("全{SEED_PERSONS}件")), "page info should count every seeded person: {info:?}");
    assert!(info.starts_with("1–"), "the first page starts at 1: {info:?}");
    let shown = rows(&driver).await.len();
    assert_eq!(shown as i64, SEED_PERSONS, "50 persons fit on one page of 50");
    save_screenshot(&driver, "list.png").await;

    // Open the first person's record.
    let first = rows(&driver).await.into_iter().next().expect("a first row");
    let id = first.attr("data-person-id").await.expect("row id").expect("rows carry data-person-id");
    let name_cell = first.find(By::Css(".person-name")).await.expect("name cell");
    let name = name_cell.text().await.expect("name text");
    assert!(!name.trim().is_empty(), "the first row shows a name");
    // WebKitWebDriver refuses to click a <tr> itself ("not interactable"); a clerk clicks a
    // cell of the row anyway, and the row's handler opens the record.
    name_cell.click().await.expect("click the first row's name");

    let record_name = wait_until("the record's name", || async { text_of(&driver, "#person-record #record-name").await }).await;
    assert_eq!(record_name.trim(), name.trim(), "the record opened is the row clicked (id {id})");
    let birth = text_of(&driver, "#record-birth").await.expect("birth date on the record");
    assert!(["明治", "大正", "昭和", "平成", "令和"].iter().any(|era| birth.contains(era)), "the birth date is shown in 和暦: {birth:?}");
    assert!(birth.contains('歳'), "the age is shown beside the birth date: {birth:?}");
    let route = text_of(&driver, "#route-label").await.unwrap_or_default();
    assert!(!route.trim().is_empty(), "the record shows the route the core decided");
    // One word for a field everywhere: the person's notes are メモ, as in the form and the
    // touchpoints.
    let whole = text_of(&driver, "#person-record").await.unwrap_or_default();
    assert!(whole.contains("メモ") && !whole.contains("備考"), "メモ, never 備考: {whole:?}");
    save_screenshot(&driver, "record.png").await;

    // Back to the list: the row just opened has the focus again, and Enter reopens it.
    driver.find(By::Id("back-to-list")).await.expect("back button").click().await.expect("click back");
    wait_until("the list again", || async { (rows(&driver).await.len() as i64 == SEED_PERSONS).then_some(()) }).await;
    let focused = wait_until("the opened row to have the focus", || async {
        let active = driver.active_element().await.ok()?;
        active.attr("data-person-id").await.ok().flatten().filter(|f| *f == id)
    })
    .await;
    driver.active_element().await.expect("focused row").send_keys(Key::Enter).await.expect("press Enter on the row");
    let reopened = wait_until("the record opened by keyboard", || async { text_of(&driver, "#record-name").await }).await;
    assert_eq!(reopened.trim(), name.trim(), "Enter on row {focused} opens that person's record");
    driver.find(By::Id("back-to-list")).await.expect("back button").click().await.expect("click back");
    wait_until("the list again", || async { (rows(&driver).await.len() as i64 == SEED_PERSONS).then_some(()) }).await;

    // Narrow the list by the family name.

    let family = name.split(['\u{3000}', ' ']).next().unwrap_or(&name).to_string();
    let search = driver.find(By::Id("person-search")).await.expect("search box");
    search.send_keys(&family).await.expect("type into the search box");
    let narrowed = wait_until("the search to narrow the list", || async {
        let info = text_of(&driver, "#page-info").await?;
        (!info.contains(&format!("全{SEED_PERSONS}件")) && info.contains('全')).then_some(info)
    })
    .await;
    let remaining = rows(&driver).await;
    assert!(!remaining.is_empty(), "searching 「{family}」 still finds 「{name}」: {narrowed:?}");
    assert!((remaining.len() as i64) < SEED_PERSONS, "searching 「{family}」 narrows the list: {narrowed:?}");
    let mut ids = Vec::new();
    for row in &remaining {
        ids.push(row.attr("data-person-id").await.ok().flatten().unwrap_or_default());
    }
    assert!(ids.contains(&id), "the person searched for (id {id}) is among the results");
    assert!(narrowed.contains(&format!("全{}件", remaining.len())), "page info counts the results: {narrowed:?}");

    // A new person with an impossible birth date: the core's message sits next to the field and
    // what was typed stays.
    click(&driver, "#new-person").await;
    type_into(&driver, "#pf-atena_no", "900000099").await;
    type_into(&driver, "#pf-name", "試験　太郎").await;
    type_into(&driver, "#pf-kana", "シケン　タロウ").await;
    type_into(&driver, "#pf-birth_date", "平成32年1月1日").await;
    click(&driver, "#pf-save").await;
    let message = wait_until("the birth date's error", || async { text_of(&driver, "#pf-birth_date-error").await }).await;
    assert!(!message.trim().is_empty() && !message.is_ascii(), "a Japanese message next to the field: {message:?}");
    let kept = driver.find(By::Id("pf-birth_date")).await.expect("birth date box").prop("value").await.expect("value");
    assert_eq!(kept.as_deref(), Some("平成32年1月1日"), "what was typed is kept");
    let name_kept = driver.find(By::Id("pf-name")).await.expect("name box").prop("value").await.expect("value");
    assert_eq!(name_kept.as_deref(), Some("試験　太郎"));
    save_screenshot(&driver, "person-form.png").await;

    // A date in the future is refused too.
    type_into(&driver, "#pf-birth_date", "令和20年1月1日").await;
    click(&driver, "#pf-save").await;
    wait_until("the future date's error", || async {
        let m = text_of(&driver, "#pf-birth_date-error").await?;
        (!m.is_empty()).then_some(())
    })
    .await;
    // Fixed, it saves and opens the new record.
    type_into(&driver, "#pf-birth_date", "昭和20年5月5日").await;
    click(&driver, "#pf-save").await;
    let saved = wait_until("the new record", || async { text_of(&driver, "#record-name").await }).await;
    assert_eq!(saved.trim(), "試験　太郎");
    let birth = wait_until("the birth date on the record", || async {
        let el = driver.find(By::Id("record-birth")).await.ok()?;
        el.prop("textContent").await.ok().flatten().filter(|b| !b.is_empty())
    })
    .await;
    assert!(birth.contains("昭和20年5月5日"), "the birth date read as 和暦: {birth:?}");

    // 施設: the seeded facilities.
    click(&driver, "#nav-facilities").await;
    let facilities = wait_until("the facilities", || async { text_of(&driver, "#facilities-info").await }).await;
    assert!(facilities.starts_with('全') && !facilities.contains("全0件"), "facilities are listed: {facilities:?}");
    save_screenshot(&driver, "facilities.png").await;

    // 設定 (administrator only).
    click(&driver, "#nav-settings").await;
    wait_until("the settings", || async { text_of(&driver, "#settings").await.filter(|t| t.contains("市区町村名")) }).await;
    save_screenshot(&driver, "settings.png").await;

    // Every checkbox and radio button is at least 20 px, selects use the inputs' font size,
    // and no button's text breaks over two lines or runs past its edge.
    let sizes = driver
        .execute(
            "const small = [...document.querySelectorAll('input[type=checkbox], input[type=radio]')]
                 .filter(e => e.offsetParent !== null).map(e => e.getBoundingClientRect()).filter(r => r.width < 20 || r.height < 20).length;
             const input = document.querySelector('input[type=text]');
             const selects = [...document.querySelectorAll('select')].filter(s => input && getComputedStyle(s).fontSize !== getComputedStyle(input).fontSize).length;
             const wrapped = [...document.querySelectorAll('button')].filter(b => b.offsetParent !== null && b.innerText.trim() !== '')
                 .filter(b => b.scrollWidth > b.clientWidth + 1 || b.getBoundingClientRect().height > 3.2 * parseFloat(getComputedStyle(b).fontSize))
                 .map(b => b.innerText.trim());
             return {small, selects, wrapped};",
            vec![],
        )
        .await
        .expect("measure the controls")
        .json()
        .clone();
    assert_eq!(sizes["small"], 0, "checkboxes under 20 px in 設定: {sizes}");
    assert_eq!(sizes["selects"], 0, "selects in another font size: {sizes}");
    assert_eq!(sizes["wrapped"], serde_json::json!([]), "buttons broken over two lines: {sizes}");

    // 窓口の連絡先: the NHI desk's phone, as printed on the leaflets, and the 後期 desk's hours,
    // edited in two rows and saved together. Leaving with the edits unsaved asks first.
    let row = |desk: &'static str| {
        let driver = driver.clone();
        async move {
            wait_until("a desk's contact row", || async {
                driver.find(By::XPath(format!("//section[@id='settings']//tr[td[1][normalize-space()='{desk}']]"))).await.ok()
            })
            .await
        }
    };
    let phone = row("国民健康保険").await.find(By::Css("input[aria-label$='の電話']")).await.expect("phone box");
    phone.send_keys(Key::Control + "a").await.expect("select");
    phone.send_keys("0120-111-222").await.expect("type the phone");
    let hours = row("後期高齢者医療").await.find(By::Css("input[aria-label$='の受付時間']")).await.expect("hours box");
    hours.send_keys(Key::Control + "a").await.expect("select");
    hours.send_keys("平日 8:30〜17:15").await.expect("type the hours");
    click(&driver, "#nav-home").await;
    let warning = wait_until("the unsaved warning", || async { text_of(&driver, "#unsaved-warning").await }).await;
    assert!(warning.contains("保存していない変更"), "{warning:?}");
    click(&driver, "#unsaved-stay").await;
    assert!(text_of(&driver, "#desk-contacts").await.is_some(), "still in 設定");
    click(&driver, "#desk-contacts-save").await;
    wait_until("the contacts saved", || async { text_of(&driver, "#desk-contacts").await.filter(|t| t.contains("連絡先を保存しました")) }).await;

    // CSV取込: a dry run reports the bad line and stores nothing; a good file is imported.
    let dir = std::env::temp_dir().join(format!("hairyo-e2e-csv-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("csv dir");
    let bad = dir.join("bad.csv");
    let good = dir.join("good.csv");
    let header = "宛名番号,氏名,フリガナ,生年月日,性別\n";
    std::fs::write(
        &bad,
        format!("\u{feff}{header}800000001,取込　一郎,トリコミ　イチロウ,昭和30年1月1日,男\n800000002,取込　二郎,トリコミ　ジロウ,平成32年1月1日,男\n"),
    )
    .expect("write csv");
    std::fs::write(&good, format!("\u{feff}{header}800000001,取込　一郎,トリコミ　イチロウ,昭和30年1月1日,男\n")).expect("write csv");
    driver.find(By::Id("csv-file")).await.expect("file input").send_keys(bad.display().to_string()).await.expect("choose the bad file");
    let report = wait_until("the dry run's report", || async { text_of(&driver, "#csv-report").await.filter(|t| t.contains("bad.csv")) }).await;
    assert!(report.contains("3行目 生年月日"), "the bad line and its column are named in Japanese: {report:?}");
    assert!(!report.contains("birth_date"), "no field code on the screen: {report:?}");
    assert!(report.contains("試行"), "it was a dry run: {report:?}");
    // The clerk says the file is UTF-8 instead of leaving it to detection; the same dry run
    // follows.
    select(&driver, "#csv-encoding", "utf-8").await;
    driver.find(By::Id("csv-file")).await.expect("file input").send_keys(good.display().to_string()).await.expect("choose the good file");
    wait_until("the good file's dry run", || async { text_of(&driver, "#csv-report").await.filter(|t| t.contains("good.csv") && t.contains("新規1")) }).await;
    click(&driver, "#csv-commit").await;
    let done = wait_until("the import", || async { text_of(&driver, "#csv-report").await.filter(|t| t.contains("取り込みました")) }).await;
    assert!(done.contains("新規1"), "one person imported: {done:?}");
    save_screenshot(&driver, "settings.png").await;

    // Another system's layout: the administrator maps its headers once, under a name, and its
    // files are then read with that profile.
    click(&driver, "#profile-editor summary").await;
    type_into(&driver, "#profile-name", "基幹系").await;
    for (column, header) in [("atena", "住民コード"), ("name", "漢字氏名"), ("kana", "カナ氏名"), ("birth", "生年月日(和暦)"), ("sex", "性別コード")]
    {
        type_into(&driver, &format!("#profile-column-{column}"), header).await;
    }
    click(&driver, "#profile-save").await;
    wait_until("the profile saved", || async { text_of(&driver, "#profile-result").await.filter(|t| t.contains("基幹系")) }).await;
    let other = dir.join("other.csv");
    std::fs::write(&other, "住民コード,カナ氏名,漢字氏名,性別コード,生年月日(和暦)\n800000003,トリコミ　サブロウ,取込　三郎,1,3300101\n").expect("write csv");
    driver.find(By::Id("csv-file")).await.expect("file input").send_keys(other.display().to_string()).await.expect("choose the other layout");
    let other_report = wait_until("the other layout's dry run", || async { text_of(&driver, "#csv-report").await.filter(|t| t.contains("other.csv")) }).await;
    assert!(other_report.contains("新規1") && !other_report.contains("行目"), "read with the saved profile: {other_report:?}");
    save_screenshot(&driver, "settings-import-profile.png").await;
    std::fs::remove_dir_all(&dir).ok();
}

/// First start on an empty database: the window initialises it and offers demo data.
async fn first_start(driver: WebDriver) {
    // The new database's administrator has no password yet: the window asks for one.
    let title =
        wait_until("the set-password form", || async { text_of(&driver, "#signin-title").await.filter(|t| t == "管理者のパスワードを設定") }).await;
    assert_eq!(title, "管理者のパスワードを設定");
    // The core's rule: a too-short password is refused with its message.
    driver.find(By::Id("password")).await.expect("password").send_keys("short").await.expect("type");
    driver.find(By::Id("password-confirm")).await.expect("confirm").send_keys("short").await.expect("type");
    driver.find(By::Id("signin-submit")).await.expect("submit").click().await.expect("click");
    let refused = wait_until("the password rule", || async { text_of(&driver, "#signin-error").await }).await;
    assert!(refused.contains("8文字以上"), "the core's password rule is shown: {refused:?}");
    for id in ["password", "password-confirm"] {
        let input = driver.find(By::Id(id)).await.expect("password box");
        input.clear().await.expect("clear");
        input.send_keys(hairyo::demo::DEMO_PASSWORD).await.expect("type");
    }
    driver.find(By::Id("password-confirm")).await.expect("confirm").send_keys(Key::Enter).await.expect("Enter");

    let button = wait_until("the demo data offer", || async { driver.find(By::Id("load-demo")).await.ok() }).await;
    let offer = text_of(&driver, "#demo-title").await.unwrap_or_default();
    assert_eq!(offer, "デモデータを読み込みますか？");
    assert!(button.text().await.unwrap_or_default().contains("2,000人"), "the button says how many persons it adds");
    let actor = text_of(&driver, "#actor").await.unwrap_or_default();
    assert!(actor.contains("管理者"), "the header shows the acting staff member: {actor:?}");
    button.click().await.expect("click 読み込む");
    let info =
        wait_longer("the list of 2,000 demo persons", Duration::from_secs(90), || async { text_of(&driver, "#page-info").await.filter(|t| t.contains('全')) })
            .await;
    assert_eq!(info, "1–50件 / 全2,000件");
    assert_eq!(rows(&driver).await.len(), 50, "a page holds 50 persons");
    driver.find(By::Id("page-next")).await.expect("next button").click().await.expect("click 次へ");
    wait_until("the second page", || async { text_of(&driver, "#page-info").await.filter(|t| t.starts_with("51–100件")) }).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clerk_opens_a_record_and_searches() {
    tools();
    let tmp = tempfile::tempdir().expect("temp dir");
    let db = tmp.path().join("hairyo.db");
    seed(&db);
    with_window(&db, scenario).await;

    // The CSV imported in the window is stored, and the bad file left nothing behind.
    let mut store = hairyo::store::open(&db).expect("reopen");
    let admin = hairyo::staff::actor(&store, "admin").expect("admin");
    let now = chrono::Local::now().naive_local();
    let found = hairyo::search::search(&mut store, &admin, "800000001", hairyo::Page::new(0, 10), now).expect("search");
    assert_eq!(found.hits.total, 1, "the imported person is stored");
    let none = hairyo::search::search(&mut store, &admin, "800000002", hairyo::Page::new(0, 10), now).expect("search");
    assert_eq!(none.hits.total, 0, "nothing from the refused file");
    let contacts = hairyo::settings::desk_contacts(&store, &admin, now).expect("contacts");
    let kokuho = contacts.iter().find(|c| c.desk == hairyo::staff::Desk::Kokuho).expect("the 国保 contact");
    assert_eq!(kokuho.phone, "0120-111-222", "the desk contact typed in 設定 is stored");
    let kouki = contacts.iter().find(|c| c.desk == hairyo::staff::Desk::Kouki).expect("the 後期 contact");
    assert_eq!(kouki.hours, "平日 8:30〜17:15", "and the other row's edit, saved with it");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_start_offers_demo_data() {
    let tmp = tempfile::tempdir().expect("temp dir");
    // No file yet: the app creates the database and initialises it itself.
    with_window(&tmp.path().join("new.db"), first_start).await;
}

/// kaigo1 records a 要介護認定申請 touchpoint with 別添1 and sends a referral; kokuho1 accepts
/// it, receives a proxy application by facility staff, checks the documents, decides and issues.
async fn welfare_to_certificate(driver: WebDriver) {
    sign_in(&driver, "kaigo1", hairyo::demo::DEMO_PASSWORD).await;
    open_persons(&driver).await;

    // Half-width kana and the common form of the variant kanji both find 髙橋.
    let names = search_for(&driver, "ﾀｶﾊｼ ﾊﾅｺ", "ﾀｶﾊｼ").await;
    assert!(names.iter().any(|n| n.contains("髙橋")), "ﾀｶﾊｼ ﾊﾅｺ finds 髙橋 花子: {names:?}");
    let names = search_for(&driver, "高橋花子", "高橋花子").await;
    assert!(names.iter().any(|n| n.contains("髙橋")), "高橋 finds 髙橋: {names:?}");
    let names = search_for(&driver, "昭和35年4月1日", "生年月日").await;
    assert!(names.iter().any(|n| n.contains("髙橋")), "a 和暦 birth date finds her: {names:?}");
    let described = text_of(&driver, "#search-description").await.unwrap_or_default();
    assert!(described.contains("生年月日"), "the query is understood as a birth date: {described:?}");
    let names = search_for(&driver, "900000001", "900000001").await;
    assert_eq!(names.len(), 1, "the 宛名番号 finds exactly her: {names:?}");
    let names = search_for(&driver, "高橋花子", "高橋花子").await;
    assert!(names.iter().any(|n| n.contains("髙橋")));
    save_screenshot(&driver, "search.png").await;
    click(&driver, "#person-table .person-name").await;
    wait_until("the record", || async { text_of(&driver, "#record-name").await.filter(|n| n.contains("髙橋")) }).await;

    // The welfare desk is offered what the access matrix gives it: no application intake.
    wait_until("the actions", || async { driver.find(By::Id("open-touchpoint")).await.ok() }).await;
    assert!(driver.find(By::Id("open-application")).await.is_err(), "介護 does not receive applications");

    // R10: a サービス利用開始 without 別添1 for someone who never had it prompts for it.
    click(&driver, "#open-touchpoint").await;
    select(&driver, "#tp-kind", "service_start").await;
    click(&driver, "#tp-submit").await;
    action_result(&driver, "サービス利用開始").await;
    let prompt = wait_until("the 別添1 prompt", || async { text_of(&driver, ".action-notice").await.filter(|t| t.contains("別添1")) }).await;
    assert!(!prompt.is_empty());

    // 接点: 要介護認定申請, 別添1 handed out.
    click(&driver, "#open-touchpoint").await;
    select(&driver, "#tp-kind", "care_certification").await;
    type_into(&driver, "#tp-date", "令和8年11月2日").await;
    click(&driver, "#tp-leaflet-bessou1").await;
    // A twelve-digit number (not a valid 個人番号) in the notes asks for a confirmation first.
    type_into(&driver, "#tp-notes", "認定調査の際に説明 受付番号123456789012").await;
    click(&driver, "#tp-submit").await;
    let confirm = wait_until("the confirmation", || async { driver.find(By::Id("tp-confirm-digits")).await.ok() }).await;
    let asked = text_of(&driver, ".confirm-digits").await.unwrap_or_default();
    assert!(asked.contains("12桁の番号"), "{asked:?}");
    confirm.click().await.expect("confirm it is not a 個人番号");
    click(&driver, "#tp-submit").await;
    action_result(&driver, "要介護認定申請").await;

    // 連携依頼 to the NHI desk.
    click(&driver, "#open-referral").await;
    select(&driver, "#rf-desk", "kokuho").await;
    type_into(&driver, "#rf-reason", "認知症のため本人による申請が難しい").await;
    type_into(&driver, "#rf-applicant", "施設職員").await;
    select(&driver, "#rf-basis", "representative_consent").await;
    click(&driver, "#rf-submit").await;
    action_result(&driver, "連携依頼").await;
    save_screenshot(&driver, "record-actions.png").await;
    sign_out(&driver).await;

    // kokuho1 sees it on the home screen and opens the person from the queue.
    sign_in(&driver, "kokuho1", hairyo::demo::DEMO_PASSWORD).await;
    let queue = wait_until("the referral queue", || async { text_of(&driver, "#home-referrals").await.filter(|t| t.contains("髙橋")) }).await;
    assert!(queue.contains("介護保険"), "the queue says where it came from: {queue:?}");
    // The 連携依頼 inbox lists it too, and opens the person.
    click(&driver, "#nav-referrals").await;
    let inbox = wait_until("the inbox", || async { text_of(&driver, "#referral-inbox").await.filter(|t| t.contains("髙橋")) }).await;
    assert!(inbox.contains("認知症のため本人による申請が難しい"), "the inbox shows the reason: {inbox:?}");
    assert!(inbox.contains("申請者の案: 施設職員"), "and the proposed applicant: {inbox:?}");
    save_screenshot(&driver, "referrals.png").await;
    let link = driver.find(By::XPath("//section[@id='referral-inbox']//button[contains(., '髙橋')]")).await.expect("inbox link");
    link.click().await.expect("open from the inbox");
    wait_until("the record", || async { text_of(&driver, "#record-name").await.filter(|n| n.contains("髙橋")) }).await;
    assert!(driver.find(By::Id("open-referral")).await.is_err(), "the NHI desk does not send referrals");
    click(&driver, ".referral-accept").await;
    action_result(&driver, "受理").await;

    // A proxy application by facility staff: the form starts from the referral's 申請者の案.
    click(&driver, "#open-application").await;
    let from = wait_until("the referral the application comes from", || async { text_of(&driver, "#ap-from-referral").await }).await;
    assert!(from.contains("介護保険") && from.contains("施設職員"), "{from:?}");
    let relationship = driver.find(By::Id("ap-proxy-relationship")).await.expect("the relationship box").prop("value").await.expect("its value");
    assert_eq!(relationship.as_deref(), Some("施設職員"), "pre-filled from the referral");
    select(&driver, "#ap-applicant", "proxy").await;
    select(&driver, "#ap-authority", "facility_adult").await;
    type_into(&driver, "#ap-proxy-name", "山田　太郎").await;
    type_into(&driver, "#ap-proxy-kana", "ヤマダ　タロウ").await;
    type_into(&driver, "#ap-proxy-address", "見本市中央2-2-2").await;
    type_into(&driver, "#ap-proxy-phone", "03-1234-5678").await;
    type_into(&driver, "#ap-proxy-relationship", "施設職員").await;
    select(&driver, "#ap-delivery", "proxy").await;
    // The registered address is the rule; the staff's address needs a reason on record.
    click(&driver, "#ap-submit").await;
    wait_until("the reason asked for", || async { text_of(&driver, "#application-form").await.filter(|t| t.contains("その理由")) }).await;
    type_into(&driver, "#ap-delivery-reason", "施設で本人の郵便物を管理しているため").await;
    click(&driver, "#ap-submit").await;
    let received = action_result(&driver, "申請を受け付けました").await;
    assert!(received.contains("確認書類"), "the checklist is shown: {received:?}");

    // Check every document, then decide and issue.
    loop {
        let boxes = driver.find_all(By::Css(".doc-check")).await.unwrap_or_default();
        let mut unchecked = None;
        for b in boxes {
            if !b.is_selected().await.unwrap_or(true) {
                unchecked = Some(b);
                break;
            }
        }
        let Some(b) = unchecked else { break };
        // WebKit's driver clicks only what is on the screen; the checklist may be below it.
        b.scroll_into_view().await.ok();
        b.click().await.expect("check a document");
        action_result(&driver, "確認済み").await;
        // The list is redrawn from the reloaded record.
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    assert!(driver.find(By::Css(".app-override")).await.is_err(), "a clerk is not offered the override");
    click(&driver, ".app-decide").await;
    action_result(&driver, "交付を決定").await;
    click(&driver, ".app-issue").await;
    action_result(&driver, "交付しました").await;
    let certs = wait_until("the certificate on the record", || async {
        text_of(&driver, "#certificates").await.filter(|t| t.contains("資格確認書") && t.contains("令和"))
    })
    .await;
    assert!(!certs.is_empty());

    // The certificate after issue: the mail comes back (宛所不明), then it is lost and reissued.
    // A day in the future is refused beside its field; the record shows the history.
    select(&driver, "#certificates .certificate-step-kind", "mail_returned").await;
    click(&driver, "#certificates .certificate-step-submit").await;
    wait_until("the returned mail", || async { text_of(&driver, "#certificate-result").await.filter(|t| t.contains("宛所不明で返戻")) }).await;
    let certs = wait_until("the badge", || async { text_of(&driver, "#certificates").await.filter(|t| t.contains("宛所不明で返戻中")) }).await;
    assert!(certs.contains("宛所不明で返戻"), "the history lists the step: {certs:?}");
    select(&driver, "#certificates .certificate-step-kind", "reissue").await;
    select(&driver, "#certificates .certificate-cause", "lost").await;
    type_into(&driver, "#certificates .certificate-on", "令和20年1月1日").await;
    click(&driver, "#certificates .certificate-step-submit").await;
    let refused = wait_until("the date's refusal", || async { text_of(&driver, "#certificates .certificate-step .field-error").await }).await;
    assert!(refused.contains("未来"), "{refused:?}");
    // Today, as the clerk would type it (a cleared box does not tell the page it changed).
    type_into(&driver, "#certificates .certificate-on", &chrono::Local::now().format("%Y-%m-%d").to_string()).await;
    type_into(&driver, "#certificates .certificate-note", "外出先で紛失").await;
    click(&driver, "#certificates .certificate-step-submit").await;
    wait_until("the reissue", || async { text_of(&driver, "#certificate-result").await.filter(|t| t.contains("再交付しました")) }).await;
    let certs = wait_until("both certificates", || async { text_of(&driver, "#certificates").await.filter(|t| t.contains("再交付により無効")) }).await;
    assert!(certs.contains("紛失") && certs.contains("外出先で紛失") && certs.contains("の再交付"), "{certs:?}");
    save_screenshot(&driver, "record-certificates.png").await;

    // 転出: a destination is required; then her open items are closed and the hand-over sheet
    // for the new city's desk prints.
    click(&driver, "#move-out-open").await;
    click(&driver, "#move-out-submit").await;
    wait_until("the destination's refusal", || async { text_of(&driver, "#move-out-to-error").await }).await;
    type_into(&driver, "#move-out-to", "隣町").await;
    click(&driver, "#move-out-submit").await;
    wait_until("the move out", || async { text_of(&driver, "#move-out-result").await.filter(|t| t.contains("隣町")) }).await;
    let warned = wait_until("the record's warning", || async { text_of(&driver, "#record-warnings").await.filter(|t| t.contains("転出")) }).await;
    assert!(warned.contains("隣町"), "{warned:?}");
    click(&driver, "#move-out-print").await;
    let path = wait_until("the hand-over sheet", || async { text_of(&driver, "#move-out-path").await }).await;
    assert!(path.contains("hand_over_sheet"), "{path:?}");

    // 印刷: 別添1 and the pre-filled form of the person just served. The PDFs exist and read.
    click(&driver, "#nav-print").await;
    wait_until("the print centre", || async { text_of(&driver, "#print-person").await.filter(|n| n.contains("髙橋")) }).await;
    type_into(&driver, "#print-copies", "2").await;
    click(&driver, "#print-leaflet-button").await;
    let (leaflet, first) = printed_text(&driver, "").await;
    assert!(leaflet.contains("資格確認書"), "別添1 reads as the leaflet: {}", &leaflet[..leaflet.len().min(300)]);
    save_screenshot(&driver, "print.png").await;
    // 別添3 (R15): the clerk records where the desk's poster is up. An empty place is refused
    // beside its field; then the posting is listed and 国保 leaves the desks without one.
    let missing = wait_until("the desks without a poster", || async { text_of(&driver, "#poster-missing").await }).await;
    assert!(missing.contains("国民健康保険"), "{missing:?}");
    click(&driver, "#poster-submit").await;
    let refused = wait_until("the place's refusal", || async { text_of(&driver, "#poster-place-error").await }).await;
    assert!(refused.contains("掲示場所"), "{refused:?}");
    type_into(&driver, "#poster-place", "本庁舎1階 国保窓口の前").await;
    click(&driver, "#poster-submit").await;
    wait_until("the posting", || async { text_of(&driver, "#poster-result").await.filter(|t| t.contains("本庁舎1階")) }).await;
    let listed = text_of(&driver, "#poster-postings").await.unwrap_or_default();
    assert!(listed.contains("掲示中") && listed.contains("R7.5"), "{listed:?}");
    let missing = text_of(&driver, "#poster-missing").await.unwrap_or_default();
    assert!(!missing.contains("国民健康保険"), "{missing:?}");
    click(&driver, "#print-form-button").await;
    let (form, _) = printed_text(&driver, &first).await;
    assert!(form.contains("交付申請書"), "the form's title: {}", &form[..form.len().min(300)]);
    assert!(form.contains("花子"), "the form is pre-filled with the person's name");
    // The 委任状 is there on its own too, pre-filled with the proxy of her application.
    let notes = text_of(&driver, "#print-warnings").await.unwrap_or_default();
    assert!(notes.contains("2ページ目は委任状"), "the form says page 2 is the 委任状: {notes:?}");
    let form_path = text_of(&driver, "#print-path").await.unwrap_or_default();
    click(&driver, "#print-delegation-button").await;
    let (letter, _) = printed_text(&driver, &form_path).await;
    assert!(letter.contains("委任する事項") && letter.contains("山田"), "the 委任状 alone, pre-filled: {}", &letter[..letter.len().min(300)]);
    assert!(!letter.contains("交付申請書"), "only the 委任状");
    // A facility batch: the first facility whose residents need forms (the core explains
    // the others, and that explanation is shown).
    let options = driver.find_all(By::Css("#print-facility option")).await.expect("facility options");
    let mut values = Vec::new();
    for o in options {
        values.push(o.attr("value").await.ok().flatten().unwrap_or_default());
    }
    let mut printed = false;
    for v in values.iter().take(8) {
        select(&driver, "#print-facility", v).await;
        click(&driver, "#print-facility-button").await;
        let outcome = wait_longer("the batch", Duration::from_secs(60), || async {
            if let Some(err) = text_of(&driver, "#print-error").await {
                return Some(Err(err));
            }
            text_of(&driver, "#print-path").await.filter(|p| p.contains("facility_batch")).map(Ok)
        })
        .await;
        match outcome {
            Ok(path) => {
                let out = Command::new("pdftotext").args([path.as_str(), "-"]).output().expect("pdftotext");
                let text = String::from_utf8_lossy(&out.stdout).to_string();
                assert!(text.contains("資格確認書"), "the batch reads: {}", &text[..text.len().min(300)]);
                std::fs::remove_file(&path).ok();
                printed = true;
                break;
            }
            Err(message) => assert!(message.contains("入所者"), "the core's reason: {message}"),
        }
    }
    assert!(printed, "some facility's batch printed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn welfare_desk_to_certificate() {
    tools();
    let tmp = tempfile::tempdir().expect("temp dir");
    let db = tmp.path().join("hairyo.db");
    seed(&db);
    let person = seed_takahashi(&db);
    with_window(&db, welfare_to_certificate).await;

    // What is stored, read through the core.
    let mut store = hairyo::store::open(&db).expect("reopen");
    let admin = hairyo::staff::actor(&store, "admin").expect("admin");
    let record = hairyo::record::show(&mut store, &admin, person, chrono::Local::now().naive_local()).expect("the record");
    let tps = record.touchpoints;
    assert!(
        tps.iter().any(|t| t.kind_label == "要介護認定申請" && t.leaflets.iter().any(|l| l.leaflet.code() == "bessou1")),
        "the touchpoint with 別添1 is stored"
    );
    let refs = record.referrals;
    assert_eq!(refs.len(), 1, "one referral");
    assert_eq!(refs[0].from_desk.code(), "kaigo");
    let apps = record.applications;
    assert_eq!(apps.len(), 1, "one application");
    assert_eq!(apps[0].status_label, "交付済");
    assert_eq!(apps[0].authority.map(|a| a.code()), Some("facility_adult"));
    assert!(apps[0].checklist.iter().all(|c| c.checked), "every document was checked");
}

/// The idle lock: with no input for the configured time the window signs out to the sign-in
/// screen (10 minutes by default; 3 seconds here).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_window_signs_out() {
    tools();
    let tmp = tempfile::tempdir().expect("temp dir");
    let db = tmp.path().join("hairyo.db");
    seed(&db);
    with_window_env(&db, &[("HAIRYO_IDLE_LOCK_SECONDS", "3")], |driver| async move {
        sign_in(&driver, "kokuho1", hairyo::demo::DEMO_PASSWORD).await;
        wait_until("home", || async { text_of(&driver, "#home-counts").await }).await;
        let notice = wait_until("the idle sign-out", || async { text_of(&driver, "#idle-notice").await }).await;
        assert!(notice.contains("サインアウト"), "the clerk is told why: {notice:?}");
        assert!(driver.find(By::Id("login")).await.is_ok(), "back on the sign-in screen");
        assert!(driver.find(By::Id("home")).await.is_err(), "nothing of the home screen is left");
    })
    .await;
}

/// The administrator adds a staff member in 設定 (a refused password first) and changes a
/// facility's 周知状況 in 施設; then kokuho1 returns a referral from the record with a reason
/// (an empty reason first) and comments on it. What the window did is then read from the file.
async fn settings_facilities_and_a_return(driver: WebDriver) -> String {
    sign_in(&driver, "admin", hairyo::demo::DEMO_PASSWORD).await;
    wait_until("home", || async { text_of(&driver, "#home-counts").await }).await;

    // 設定 › 職員: the list, then a new staff member.
    click(&driver, "#nav-settings").await;
    wait_until("the staff list", || async { text_of(&driver, "#staff-table").await.filter(|t| t.contains("kokuho1")) }).await;
    click(&driver, "#staff-add").await;
    let required = wait_until("the form's own checks", || async { text_of(&driver, "#staff-login-error").await }).await;
    assert_eq!(required, "ログイン名を入力してください");
    type_into(&driver, "#staff-login", "shinjin1").await;
    type_into(&driver, "#staff-name", "新人　一郎").await;
    select(&driver, "#staff-desk", "kokuho").await;
    select(&driver, "#staff-role", "clerk").await;
    type_into(&driver, "#staff-password", "12345678").await;
    type_into(&driver, "#staff-password-confirm", "12345678").await;
    // Enter in the last field submits; the core's password rule is shown next to the field.
    driver.find(By::Id("staff-password-confirm")).await.expect("confirm box").send_keys(Key::Enter).await.expect("Enter");
    let refused = wait_until("the password rule", || async { text_of(&driver, "#staff-password-error").await }).await;
    assert!(refused.contains("数字だけ"), "the core's message next to the password: {refused:?}");
    let kept = driver.find(By::Id("staff-login")).await.expect("login box").prop("value").await.expect("value");
    assert_eq!(kept.as_deref(), Some("shinjin1"), "what was typed is kept");
    assert!(driver.find(By::Css("#staff-table tr[data-login='shinjin1']")).await.is_err(), "no account without a password");
    type_into(&driver, "#staff-password", "hairyo-shinjin").await;
    type_into(&driver, "#staff-password-confirm", "hairyo-shinjin").await;
    click(&driver, "#staff-add").await;
    let added = wait_until("the staff member added", || async { text_of(&driver, "#staff-result").await }).await;
    assert!(added.contains("新人　一郎"), "{added:?}");
    let row = wait_until("the new row", || async { text_of(&driver, "#staff-table tr[data-login='shinjin1']").await }).await;
    assert!(row.contains("国民健康保険") && row.contains("事務担当"), "listed with desk and role: {row:?}");
    driver.find(By::Id("staff-settings")).await.expect("staff section").scroll_into_view().await.ok();
    save_screenshot(&driver, "settings-staff.png").await;

    // 制度ルール: each rule reads in Japanese first, its id only below it.
    let first = wait_until("the first rule", || async { driver.find(By::Css("#rule-table tr[data-rule-id] .rule-name")).await.ok() }).await;
    let name = first.text().await.expect("the rule's name");
    assert!(name.chars().any(|c| ('\u{3040}'..='\u{30ff}').contains(&c) || ('\u{4e00}'..='\u{9fff}').contains(&c)), "a Japanese name: {name:?}");
    assert!(!name.contains("kokuho-") && !name.contains("kouki-"), "the id is not the name: {name:?}");
    // A rule's form refuses an impossible date next to the field.
    click(&driver, "#rule-table .rule-edit").await;
    type_into(&driver, "#rule-from", "令和7年13月1日").await;
    click(&driver, "#rule-save").await;
    let date_error = wait_until("the date's error", || async { text_of(&driver, "#rule-from-error").await }).await;
    assert!(date_error.contains("開始日"), "{date_error:?}");
    driver.find(By::Id("rule-form")).await.expect("rule form").scroll_into_view().await.ok();
    save_screenshot(&driver, "settings-rule-form.png").await;
    driver.find(By::Id("policy-rules")).await.expect("rules section").scroll_into_view().await.ok();
    save_screenshot(&driver, "settings-rules.png").await;
    driver.find(By::Id("leaflet-statements")).await.expect("statements section").scroll_into_view().await.ok();
    let statements = text_of(&driver, "#leaflet-statements").await.unwrap_or_default();
    assert!(statements.contains("別添1") && statements.contains("別添3"), "each leaflet is listed: {statements:?}");
    save_screenshot(&driver, "settings-statements.png").await;

    // 市区町村: a wrong 保険者番号 is refused beside its box; the right one is kept.
    type_into(&driver, "#set-union-number", "1234").await;
    click(&driver, "#set-city-save").await;
    let wrong = wait_until("the number's error", || async { text_of(&driver, "#settings").await.filter(|t| t.contains("保険者番号は6桁")) }).await;
    assert!(wrong.contains("8桁"), "{wrong:?}");
    type_into(&driver, "#set-union-number", "39131230").await;
    click(&driver, "#set-city-save").await;
    wait_until("the city saved", || async { text_of(&driver, "#settings .ok").await.filter(|t| t.contains("保存しました")) }).await;
    // 配慮理由の性質: 「その他」 made lasting, as the city counts it.
    select(&driver, "#span-other", "continuing").await;
    click(&driver, "#reason-spans-save").await;
    wait_until("the spans saved", || async { text_of(&driver, "#reason-spans .ok").await }).await;
    let selected = driver.find(By::Id("span-other")).await.expect("the span").prop("value").await.expect("its value");
    assert_eq!(selected.as_deref(), Some("continuing"));

    // 施設: the first facility's 周知状況, changed and saved.
    click(&driver, "#nav-facilities").await;
    let first = wait_until("the facility rows", || async { driver.find(By::Css("#facilities tr[data-facility-id]")).await.ok() }).await;
    let id = first.attr("data-facility-id").await.ok().flatten().expect("facility id");
    let css = format!("#facilities tr[data-facility-id='{id}']");
    let current = driver.find(By::Css(format!("{css} .campaign-select"))).await.expect("select").prop("value").await.ok().flatten().unwrap_or_default();
    let target = if current == "collecting" { "done" } else { "collecting" };
    select(&driver, &format!("{css} .campaign-select"), target).await;
    click(&driver, &format!("{css} .campaign-save")).await;
    let saved = wait_until("the campaign saved", || async { text_of(&driver, &format!("{css} .campaign-result")).await }).await;
    assert!(saved.contains("にしました"), "{saved:?}");
    save_screenshot(&driver, "facilities.png").await;

    // 出力: the referrals as CP932 CSV, written to the app's export folder.
    click(&driver, "#nav-export").await;
    select(&driver, "#export-kind", "referrals").await;
    click(&driver, "#export-encoding-cp932").await;
    click(&driver, "#export-run").await;
    let path = wait_until("the exported file", || async {
        if let Some(err) = text_of(&driver, "#export-error").await {
            panic!("the export failed: {err}");
        }
        text_of(&driver, "#export-path").await
    })
    .await;
    assert!(path.contains("/export/referrals-") && path.ends_with(".csv"), "{path}");
    let bytes = std::fs::read(&path).expect("the CSV exists");
    assert!(!bytes.starts_with(b"\xEF\xBB\xBF"), "CP932 has no BOM");
    let rows = text_of(&driver, "#export-result").await.unwrap_or_default();
    assert!(rows.contains("行を出力しました"), "{rows:?}");
    save_screenshot(&driver, "export.png").await;
    std::fs::remove_file(&path).ok();
    sign_out(&driver).await;

    // kokuho1 returns the referral from the record: without a reason the core's message sits
    // next to the form, with one the referral is 差戻し.
    sign_in(&driver, "kokuho1", hairyo::demo::DEMO_PASSWORD).await;
    open_persons(&driver).await;
    search_for(&driver, "900000001", "900000001").await;
    click(&driver, "#person-table .person-name").await;
    wait_until("the record", || async { text_of(&driver, "#record-name").await.filter(|n| n.contains("髙橋")) }).await;
    click(&driver, ".referral-return").await;
    let empty = wait_until("the reason's error", || async { text_of(&driver, "#record-actions .form-error").await }).await;
    assert!(empty.contains("差戻しの理由"), "a Japanese message next to the form: {empty:?}");
    type_into(&driver, ".referral-return-reason", "保険証の記号番号を確認してください").await;
    driver.find(By::Css(".referral-return-reason")).await.expect("reason box").send_keys(Key::Enter).await.expect("Enter");
    action_result(&driver, "差戻し").await;
    // A twelve-digit number in a comment is asked about beside the comment box, then stored.
    type_into(&driver, ".referral-comment", "介護保険課に電話で伝えました 受付123456789012").await;
    click(&driver, ".referral-comment-submit").await;
    let confirm = wait_until("the comment's confirmation", || async { driver.find(By::Css(".thread .form-confirm-digits")).await.ok() }).await;
    let asked = text_of(&driver, ".thread .form-error").await.unwrap_or_default();
    assert!(asked.contains("12桁の番号"), "{asked:?}");
    confirm.click().await.expect("confirm it is not a 個人番号");
    click(&driver, ".referral-comment-submit").await;
    action_result(&driver, "コメント").await;
    let thread = wait_until("the thread", || async { text_of(&driver, "#record-actions .comments").await.filter(|t| t.contains("電話で伝えました")) }).await;
    assert!(thread.contains("123456789012"), "the confirmed comment is stored: {thread:?}");
    assert!(thread.contains("記号番号を確認"), "the return's reason is in the thread too: {thread:?}");
    driver.find(By::Id("record-actions")).await.expect("actions").scroll_into_view().await.ok();
    save_screenshot(&driver, "record-return.png").await;
    format!("{id}:{target}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn administrator_settings_and_a_returned_referral() {
    tools();
    let tmp = tempfile::tempdir().expect("temp dir");
    let db = tmp.path().join("hairyo.db");
    seed(&db);
    let person = seed_takahashi(&db);
    {
        let mut store = hairyo::store::open(&db).expect("open");
        let kaigo = hairyo::staff::actor(&store, "kaigo1").expect("kaigo1");
        let input = hairyo::referral::ReferralInput {
            person_id: person,
            to_desk: "kokuho".into(),
            reason: "認知症のため本人による申請が難しい".into(),
            proposed_applicant: String::new(),
            sharing_basis: "consent".into(),
            sharing_note: String::new(),
            confirmed_digits: false,
        };
        hairyo::referral::send(&mut store, &kaigo, &input, chrono::Local::now().naive_local()).expect("send a referral");
    }
    let (tx, rx) = std::sync::mpsc::channel();
    with_window(&db, move |driver| async move {
        tx.send(settings_facilities_and_a_return(driver).await).expect("report the facility");
    })
    .await;
    let changed = rx.recv().expect("the scenario reports the facility it changed");
    let (facility, campaign) = changed.split_once(':').expect("id:campaign");

    // What the window stored, read from the file beside the domain.
    let store = hairyo::store::open_read_only(&db).expect("open the database file");
    let conn = store.conn();
    let stored: String =
        conn.query_row("SELECT campaign FROM facility WHERE id = ?1", [facility.parse::<i64>().expect("id")], |r| r.get(0)).expect("the facility");
    assert_eq!(stored, campaign, "the 周知状況 chosen in 施設 is stored");
    let (name, desk, role): (String, String, String) = conn
        .query_row("SELECT name, desk, role FROM staff WHERE login = 'shinjin1'", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("the new staff member");
    assert_eq!((name.as_str(), desk.as_str(), role.as_str()), ("新人　一郎", "kokuho", "clerk"));
    let (status, reason): (String, String) =
        conn.query_row("SELECT status, return_reason FROM referral WHERE person_id = ?1", [person], |r| Ok((r.get(0)?, r.get(1)?))).expect("the referral");
    assert_eq!(status, "returned");
    assert_eq!(reason, "保険証の記号番号を確認してください");
    drop(store);
    // The new staff member can sign in with the password typed in the window.
    let mut store = hairyo::store::open(&db).expect("reopen");
    let actor = hairyo::staff::sign_in(&mut store, "shinjin1", "hairyo-shinjin", chrono::Local::now().naive_local()).expect("the new staff member signs in");
    assert_eq!(actor.desk.code(), "kokuho");
}

/// kaigo1 opens a 支援措置 person, whose address it sees masked, and changes only the phone
/// number in 編集: the address fields are locked, and the stored address and safe address are
/// unchanged byte for byte.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_masked_desk_edits_the_phone_and_keeps_the_address() {
    tools();
    let tmp = tempfile::tempdir().expect("temp dir");
    let db = tmp.path().join("hairyo.db");
    seed(&db);
    let id = seed_protected(&db);
    let before = stored_addresses(&db, id);
    with_window(&db, |driver| async move {
        sign_in(&driver, "kaigo1", hairyo::demo::DEMO_PASSWORD).await;
        open_persons(&driver).await;
        let names = search_for(&driver, "900000077", "900000077").await;
        assert_eq!(names.len(), 1, "{names:?}");
        click(&driver, "#person-table .person-name").await;
        wait_until("the record", || async { text_of(&driver, "#record-name").await.filter(|n| n.contains("保護")) }).await;
        click(&driver, "#edit-person").await;
        let address = wait_until("the form", || async { driver.find(By::Id("pf-address")).await.ok() }).await;
        assert!(!address.is_enabled().await.expect("enabled?"), "the masked address cannot be edited");
        let safe = driver.find(By::Id("pf-safe_address")).await.expect("safe address box");
        assert!(!safe.is_enabled().await.expect("enabled?"), "the masked safe address cannot be edited");
        assert!(text_of(&driver, "#pf-masked-note").await.unwrap_or_default().contains("国保・後期"));
        type_into(&driver, "#pf-phone", "048-111-2222").await;
        save_screenshot(&driver, "person-form-masked.png").await;
        click(&driver, "#pf-save").await;
        wait_until("the record again", || async { text_of(&driver, "#record-name").await.filter(|n| n.contains("保護")) }).await;

        // Over the real IPC, a step, action or print kind the core does not know is refused
        // with a code and a message that names it; nothing falls through to a real action.
        for (command, args, unknown) in [
            ("operation", serde_json::json!({"name": "application_step", "args": {"id": 1, "step": {"step": "approve_everything"}}}), "approve_everything"),
            ("operation", serde_json::json!({"name": "referral_action", "args": {"id": 1, "action": {"action": "forward", "note": ""}}}), "forward"),
            ("operation", serde_json::json!({"name": "drop_everything", "args": {}}), "drop_everything"),
            ("print", serde_json::json!({"request": {"kind": "poster"}}), "poster"),
        ] {
            let answer = driver
                .execute_async(
                    "const [cmd, args, done] = arguments;
                     const ipc = window.__TAURI_INTERNALS__;
                     if (cmd === 'print') args.onProgress = '__CHANNEL__:' + ipc.transformCallback(() => {});
                     ipc.invoke(cmd, args).then((v) => done({ ok: v }), (e) => done({ err: e }));",
                    vec![serde_json::json!(command), args],
                )
                .await
                .expect("invoke over IPC")
                .json()
                .clone();
            assert_eq!(answer["err"]["code"], "command.unknown", "{command}: {answer}");
            assert!(answer["err"]["message"].as_str().unwrap_or_default().contains(unknown), "{command}: {answer}");
        }
    })
    .await;
    let after = stored_addresses(&db, id);
    assert_eq!(after.4, "048-111-2222", "the phone was saved");
    assert_eq!((&after.0, &after.1, &after.2, &after.3), (&before.0, &before.1, &before.2, &before.3), "the address and safe address are unchanged");
}

/// While a large facility batch prints, the clerk searches and opens a record, and is answered
/// before the batch is done: the long job runs on its own connection, not holding the store.
/// The audit log orders the two: the record's view is logged before the batch's print.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_search_is_answered_while_a_large_batch_prints() {
    tools();
    let tmp = tempfile::tempdir().expect("temp dir");
    let db = tmp.path().join("hairyo.db");
    seed(&db);
    let protected = seed_protected(&db);
    // Large enough that the batch outlasts a search and a record view (300 took under 1 s).
    let facility = seed_large_facility(&db, 1200);
    let db_path = db.clone();
    with_window(&db, move |driver| async move {
        sign_in(&driver, "kokuho1", hairyo::demo::DEMO_PASSWORD).await;
        wait_until("home", || async { text_of(&driver, "#home-counts").await }).await;
        click(&driver, "#nav-facilities").await;
        click(&driver, &format!("tr[data-facility-id=\"{facility}\"] .facility-print")).await;
        let started = Instant::now();
        open_persons(&driver).await;
        let names = search_for(&driver, "900000077", "900000077").await;
        assert_eq!(names.len(), 1, "{names:?}");
        click(&driver, "#person-table .person-name").await;
        wait_until("the record", || async { text_of(&driver, "#record-name").await.filter(|n| n.contains("保護")) }).await;
        eprintln!("e2e: the record opened {:?} after the batch started", started.elapsed());
        // Now let the batch finish before the window closes.
        wait_longer("the batch's print event", Duration::from_secs(90), || {
            let db = db_path.clone();
            async move { print_event(&db, facility) }
        })
        .await;
        eprintln!("e2e: the batch finished {:?} after it started", started.elapsed());
    })
    .await;
    let store = hairyo::store::open_read_only(&db).expect("open the file");
    let viewed: i64 = store
        .conn()
        .query_row("SELECT max(id) FROM audit_event WHERE action = 'view' AND record_kind = 'person' AND record_id = ?1", [protected], |r| r.get(0))
        .expect("the record's view was logged");
    let printed = print_event(&db, facility).expect("the batch was logged");
    assert!(viewed < printed, "the record opened (event {viewed}) before the batch finished (event {printed})");
}

/// 対象者 → a search for 髙橋 花子 typed in half-width kana → her record → 印刷 → her application
/// form, read back from the PDF the window saved.
async fn search_open_and_print_takahashi(driver: &WebDriver) {
    open_persons(driver).await;
    let names = search_for(driver, "ﾀｶﾊｼ ﾊﾅｺ", "ﾀｶﾊｼ").await;
    assert!(names.iter().any(|n| n.contains("髙橋")), "the search finds 髙橋: {names:?}");
    click(driver, "#person-table .person-name").await;
    wait_until("the record", || async { text_of(driver, "#record-name").await.filter(|n| n.contains("髙橋")) }).await;
    click(driver, "#nav-print").await;
    wait_until("the print centre", || async { text_of(driver, "#print-person").await.filter(|n| n.contains("髙橋")) }).await;
    click(driver, "#print-form-button").await;
    let (form, _) = printed_text(driver, "").await;
    assert!(form.contains("交付申請書") && form.contains("花子"), "the form: {}", &form[..form.len().min(300)]);
}

/// The window as a client of a city's server, named in the PC's client.conf as the Windows
/// installer's `/SERVER=` writes it: it opens no database of its own; it signs in with the
/// server's staff account, shows the server's home, finds and opens a record, and prints a form
/// that the server made and the window saved and can open.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_window_works_as_a_client_of_a_server() {
    let served = tokio::task::spawn_blocking(hairyo_e2e::browser::serve).await.expect("start the server");
    let dir = tempfile::tempdir().expect("temp dir");
    // The local database the window would open: it must stay untouched.
    let unused = dir.path().join("never-opened.db");
    let url = served.url.clone();
    std::fs::write(dir.path().join("client.conf"), format!("# Written by the Hairyo installer (/SERVER=).\r\nserver = {url}\r\n")).expect("client.conf");
    with_window(&unused, |driver| async move {
        let summary = wait_until("the 接続先", || async { text_of(&driver, "#connection-summary").await }).await;
        assert!(summary.contains(url.trim_end_matches('/')), "the PC's server is shown: {summary:?}");
        sign_in(&driver, "kokuho1", hairyo::demo::DEMO_PASSWORD).await;
        let counts = wait_until("the server's home", || async { text_of(&driver, "#home-counts").await }).await;
        assert!(counts.contains(&(SEED_PERSONS + 1).to_string()), "the server's persons are counted: {counts:?}");
        search_open_and_print_takahashi(&driver).await;
        sign_out(&driver).await;
    })
    .await;
    assert!(!unused.exists(), "a client of a server opens no local database");
}

/// #34: the window in front of a server whose staff sign in with the city's directory: a clerk
/// signs in with the directory account (typed as `tanaka@city.lg.jp`) and sees the server's
/// home.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_window_signs_in_with_a_directory_account() {
    let served = tokio::task::spawn_blocking(hairyo_e2e::browser::serve_with_directory).await.expect("start the server");
    let dir = tempfile::tempdir().expect("temp dir");
    let unused = dir.path().join("never-opened.db");
    let url = served.url.clone();
    std::fs::write(dir.path().join("client.conf"), format!("server = {url}\n")).expect("client.conf");
    with_window(&unused, |driver| async move {
        wait_until("the 接続先", || async { text_of(&driver, "#connection-summary").await }).await;
        sign_in(&driver, "tanaka@city.lg.jp", "Tanaka-pass-1").await;
        let counts = wait_until("the server's home", || async { text_of(&driver, "#home-counts").await }).await;
        assert!(counts.contains(&(SEED_PERSONS + 1).to_string()), "the server's persons are counted: {counts:?}");
        sign_out(&driver).await;
    })
    .await;
}

/// The smoke journey the packaging test runs on the installed package's app
/// (`HAIRYO_APP_BINARY=/usr/bin/hairyo-desktop`; this checkout's build otherwise): a clerk signs
/// in, searches, opens the record and prints its application form; the administrator's 設定
/// shows this release's version.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smoke_sign_in_search_and_print_a_form() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let db = tmp.path().join("hairyo.db");
    seed(&db);
    seed_takahashi(&db);
    eprintln!("e2e: the smoke journey drives {}", app_binary().display());
    with_window(&db, |driver| async move {
        sign_in(&driver, "kokuho1", hairyo::demo::DEMO_PASSWORD).await;
        wait_until("home", || async { text_of(&driver, "#home-counts").await }).await;
        search_open_and_print_takahashi(&driver).await;
        sign_out(&driver).await;
        sign_in(&driver, "admin", hairyo::demo::DEMO_PASSWORD).await;
        click(&driver, "#nav-settings").await;
        let version = wait_until("the version in 設定", || async { text_of(&driver, "#app-version").await }).await;
        assert_eq!(version, format!("Hairyo 版 {}", hairyo::VERSION));
        sign_out(&driver).await;
    })
    .await;
}

/// A database made by the previous release (tests/fixtures/release-0.1.0): the window backs it
/// up before upgrading it, says so with the backup's path once the administrator signs in, and
/// 設定 lists the upgrade.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_old_database_is_backed_up_and_the_window_says_so() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let db = tmp.path().join("hairyo.db");
    std::fs::copy(workspace_root().join("tests/fixtures/release-0.1.0/hairyo.db"), &db).expect("copy the fixture");
    let backup = tmp.path().join("backups").join(format!("hairyo-schema-23-before-{}.db", hairyo::store::schema_version()));
    let shown = backup.display().to_string();
    with_window(&db, |driver| async move {
        sign_in(&driver, "admin", hairyo::demo::DEMO_PASSWORD).await;
        let notice = wait_until("the upgrade notice", || async { text_of(&driver, "#upgrade-notice").await }).await;
        assert!(notice.contains("版 23 から") && notice.contains(&shown), "{notice:?}");
        save_screenshot(&driver, "upgrade-notice.png").await;
        click(&driver, "#upgrade-notice-close").await;
        click(&driver, "#nav-settings").await;
        let history = wait_until("the schema history", || async { text_of(&driver, "#schema-history").await }).await;
        assert!(history.contains("版 23 → 版") && history.contains(&shown), "{history:?}");
        driver.execute("document.getElementById('release').scrollIntoView()", vec![]).await.expect("scroll to 版とデータベース");
        save_screenshot(&driver, "settings-release.png").await;
        assert!(text_of(&driver, "#upgrade-notice").await.is_none(), "closed");
        sign_out(&driver).await;
    })
    .await;
    assert!(backup.is_file(), "the backup was written before the upgrade");
}

/// 接続先 on the sign-in screen: an address that is not https:// (to another PC) is refused with
/// a Japanese message beside the field and nothing is saved; a server's address is kept beside
/// the local database for the next start; clearing it returns to this PC's database.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_connection_setting_is_checked_and_kept_for_the_next_start() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let db = tmp.path().join("hairyo.db");
    seed(&db);
    let saved = tmp.path().join("server.txt");
    let file = saved.clone();
    with_window(&db, |driver| async move {
        let summary = wait_until("the 接続先", || async { text_of(&driver, "#connection-summary").await }).await;
        assert!(summary.contains("この PC のデータベース"), "{summary:?}");
        click(&driver, "#connection-summary").await;
        type_into(&driver, "#connection-server", "http://hairyo.city.lg.jp:8443").await;
        click(&driver, "#connection-save").await;
        let refused = wait_until("the refusal", || async { text_of(&driver, "#connection-error").await }).await;
        assert!(refused.contains("https://"), "{refused:?}");
        assert!(!file.exists(), "a refused address is not saved");
        // WebKit's clear() fires no input event: select everything and type over it instead.
        let replace = |text: &'static str| {
            let driver = driver.clone();
            async move {
                let el = driver.find(By::Id("connection-server")).await.expect("the address box");
                el.send_keys(Key::Control + "a").await.expect("select all");
                el.send_keys(Key::Delete).await.expect("delete");
                if !text.is_empty() {
                    el.send_keys(text).await.expect("type");
                }
            }
        };
        replace("https://hairyo.city.lg.jp:8443/").await;
        click(&driver, "#connection-save").await;
        let result = wait_until("the result", || async { text_of(&driver, "#connection-result").await }).await;
        assert!(result.contains("再起動") && result.contains("https://hairyo.city.lg.jp:8443"), "{result:?}");
        assert!(text_of(&driver, "#connection-error").await.is_none(), "the refusal is gone");
        assert_eq!(std::fs::read_to_string(&file).unwrap().trim(), "https://hairyo.city.lg.jp:8443");
        replace("").await;
        click(&driver, "#connection-save").await;
        wait_until("back to this PC", || async { text_of(&driver, "#connection-result").await.filter(|t| t.contains("この PC")) }).await;
        assert!(!file.exists(), "clearing the address removes the setting");
    })
    .await;
    assert!(!saved.exists());
}

/// Every screen at the window's 1280 × 860 and again at the large-text setting: no element's
/// content runs past its box (a figure past a card's edge, a cell's text under its neighbour),
/// and each screen is saved as a screenshot at both sizes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_screen_overflows_at_either_text_size() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let db = tmp.path().join("hairyo.db");
    // A town's worth of persons, so that counts and the funnel's figures have a city's widths.
    {
        let now = chrono::Local::now().naive_local();
        let mut store = hairyo::store::open(&db).expect("open the test database");
        hairyo::staff::init(&mut store, now).expect("init");
        let admin = hairyo::staff::set_initial_password(&mut store, "admin", hairyo::demo::DEMO_PASSWORD, now).expect("password");
        hairyo::demo::generate(&mut store, &admin, 4000, SEED, now).expect("demo data");
        // Someone who moved out years ago, whose records are past the default five years.
        let long_ago = chrono::NaiveDate::from_ymd_opt(2019, 4, 1).unwrap().and_hms_opt(10, 0, 0).unwrap();
        let input = hairyo::person::PersonInput {
            name: "廃棄 見本".into(),
            kana: "ハイキ ミホン".into(),
            birth_date: "1950-01-01".into(),
            sex: "male".into(),
            ..Default::default()
        };
        let gone = hairyo::person::add(&mut store, &admin, &input, long_ago).expect("a person");
        let moving = hairyo::moving::MoveOutInput { moved_to: "隣町".into(), ..Default::default() };
        hairyo::moving::move_out(&mut store, &admin, gone.id, &moving, long_ago).expect("moved out");
        std::fs::write(db.with_extension("gone"), gone.id.to_string()).expect("note the id");
    }
    let gone: i64 = std::fs::read_to_string(db.with_extension("gone")).expect("the id").parse().expect("a number");
    with_window(&db, |driver| async move {
        sign_in(&driver, "admin", hairyo::demo::DEMO_PASSWORD).await;
        wait_until("home", || async { text_of(&driver, "#home-counts").await }).await;
        let screens = [
            ("home", "#nav-home", "#home-counts"),
            ("persons", "#nav-persons", "#person-table"),
            ("facilities", "#nav-facilities", "#facilities table"),
            ("referrals", "#nav-referrals", "#referral-inbox"),
            ("due", "#nav-due", "#due-lists"),
            ("print", "#nav-print", "#print-leaflet-button"),
            ("renewal", "#nav-renewal", "#renewal-lines"),
            ("outreach", "#nav-outreach", "#outreach-form"),
            ("settings", "#nav-settings", "#desk-contacts"),
            ("access-review", "#nav-access-review", "#access-review"),
            ("retention", "#nav-retention", "#disposal-list"),
        ];
        for large in [false, true] {
            driver
                .execute(&format!("localStorage.setItem('hairyo.largeText', '{}'); document.documentElement.classList.toggle('large-text', {large});", if large { "1" } else { "0" }), vec![])
                .await
                .expect("set the text size");
            for (name, nav, ready) in screens {
                click(&driver, nav).await;
                wait_until(ready, || async { driver.find(By::Css(ready)).await.ok() }).await;
                tokio::time::sleep(Duration::from_millis(300)).await;
                let spilled = driver
                    .execute(
                        "const out = [];
                         for (const e of document.querySelectorAll('main *')) {
                           if (e.offsetParent === null || e.closest('pre, code, textarea, select, input, svg')) continue;
                           const s = getComputedStyle(e);
                           if (s.overflowX !== 'visible') continue;
                           if (e.scrollWidth > e.clientWidth + 2 && e.clientWidth > 0) out.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + '.' + [...e.classList].join('.') + ': ' + (e.innerText || '').trim().slice(0, 40));
                         }
                         return out.slice(0, 10);",
                        vec![],
                    )
                    .await
                    .expect("measure the screen")
                    .json()
                    .clone();
                let size = if large { "large" } else { "normal" };
                // The page itself never scrolls sideways: the navigation wraps instead.
                let wide = driver
                    .execute("return document.documentElement.scrollWidth > document.documentElement.clientWidth + 2;", vec![])
                    .await
                    .expect("measure the page")
                    .json()
                    .clone();
                assert_eq!(wide, serde_json::json!(false), "{name} at the {size} text size: the page is wider than the window");
                save_screenshot(&driver, &format!("{name}-{size}.png")).await;
                assert_eq!(spilled, serde_json::json!([]), "{name} at the {size} text size: content past its box");
            }
        }
        driver.execute("localStorage.setItem('hairyo.largeText', '0');", vec![]).await.ok();
        // アクセス記録の確認, and a date it cannot read.
        click(&driver, "#nav-access-review").await;
        click(&driver, "#access-run").await;
        let heading = wait_until("the access review", || async { text_of(&driver, "#access-result").await }).await;
        assert!(heading.contains("件") && heading.contains("支援措置の対象者"), "{heading}");
        // The demo's protected residents on the 対象者 list's first page were seen by admin.
        if !heading.contains(": 0件") {
            let by_staff = text_of(&driver, "#access-by-staff").await.expect("the counts per staff member");
            assert!(by_staff.contains("admin"), "{by_staff}");
        }
        save_screenshot(&driver, "access-review.png").await;
        type_into(&driver, "#access-from", "いつか").await;
        click(&driver, "#access-run").await;
        let error = wait_until("the refused date", || async { text_of(&driver, "#access-from-error").await }).await;
        assert!(error.contains("期間の初め"), "{error}");

        // 保存と廃棄: a period out of range is refused by its field; the person who moved out
        // in 2019 is disposed of after the confirmation and stays only as a line of the record.
        click(&driver, "#nav-retention").await;
        type_into(&driver, "#retention-person_years", "0").await;
        click(&driver, "#retention-save").await;
        let error = wait_until("the refused period", || async { text_of(&driver, "#retention-person_years-error").await }).await;
        assert!(error.contains("保存年数"), "{error}");
        click(&driver, &format!("#dispose-{gone}")).await;
        click(&driver, "#dispose-chosen").await;
        save_screenshot(&driver, "retention-confirm.png").await;
        click(&driver, "#dispose-yes").await;
        let said = wait_until("the disposal", || async { text_of(&driver, "#retention-result").await.filter(|t| t.contains("廃棄しました")) }).await;
        assert!(said.contains("1人"), "{said}");
        let record = text_of(&driver, "#disposal-record").await.expect("the disposal record");
        assert!(record.contains(&format!("ID {gone}")) && !record.contains("廃棄 見本"), "{record}");
    })
    .await;
}

/// The yearly rhythm and a campaign that finishes, in the window: 年次更新 shows this year's
/// season and groups, a profile is made and the spring list exported with it (which marks the
/// list made); then 施設 prints a facility's batch, starts its campaign and records every
/// resident's outcome from the returned forms in one go.
async fn renewal_and_campaign(driver: WebDriver, facility: i64, residents: Vec<i64>) {
    sign_in(&driver, "admin", hairyo::demo::DEMO_PASSWORD).await;
    wait_until("home", || async { text_of(&driver, "#home-counts").await }).await;

    click(&driver, "#nav-renewal").await;
    let season = wait_until("the season", || async { text_of(&driver, "#renewal-season").await }).await;
    assert!(season.contains("更新日") && season.contains("8月1日") && season.contains("作成期限"), "{season:?}");
    assert!(!season.contains("2027-"), "dates in 和暦: {season:?}");
    let groups = text_of(&driver, "#renewal .groups").await.unwrap_or_default();
    assert!(groups.contains("85歳以上") && groups.contains("改めて申請が必要"), "{groups:?}");
    type_into(&driver, "#renewal-profile-name", "広域連合向け").await;
    for column in ["宛名番号", "氏名", "区分"] {
        click(&driver, &format!("#renewal-profile-form input[data-column='{column}']")).await;
    }
    select(&driver, "#renewal-profile-encoding", "utf-8").await;
    click(&driver, "#renewal-profile-save").await;
    wait_until("the saved profile", || async {
        if let Some(e) = text_of(&driver, "#renewal-profile-error").await {
            panic!("the profile was refused: {e}");
        }
        text_of(&driver, "#renewal-profile").await.filter(|t| t.contains("広域連合向け"))
    })
    .await;
    click(&driver, "#renewal-export-run").await;
    let path = wait_until("the exported list", || async {
        if let Some(e) = text_of(&driver, "#renewal-export-error").await {
            panic!("the export failed: {e}");
        }
        text_of(&driver, "#renewal-export-path").await
    })
    .await;
    let csv = std::fs::read_to_string(&path).expect("the CSV exists");
    assert!(csv.starts_with("\u{feff}宛名番号,氏名,区分\r\n"), "the profile's columns in its order: {csv:.80}");
    wait_until("the list marked made", || async { text_of(&driver, "#renewal-made").await }).await;
    save_screenshot(&driver, "renewal.png").await;
    std::fs::remove_file(&path).ok();

    // 施設: the batch is printed, the campaign started, every resident's outcome recorded.
    click(&driver, "#nav-facilities").await;
    let row = format!("#facilities tr[data-facility-id='{facility}']");
    click(&driver, &format!("{row} .facility-print")).await;
    wait_until("the batch", || async { text_of(&driver, "#facility-print-path").await }).await;
    click(&driver, &format!("{row} .facility-campaign")).await;
    // A deadline in the past is refused with the core's message.
    type_into(&driver, "#campaign-deadline", "令和7年1月1日").await;
    click(&driver, "#campaign-start-submit").await;
    let refused = wait_until("the deadline refused", || async { text_of(&driver, "#campaign-error").await }).await;
    assert!(refused.contains("返送の期限"), "{refused:?}");
    let deadline = chrono::Local::now().date_naive() + chrono::Duration::days(14);
    type_into(&driver, "#campaign-deadline", &deadline.to_string()).await;
    click(&driver, "#campaign-start-submit").await;
    let started = wait_until("the campaign started", || async { text_of(&driver, "#campaign-result").await }).await;
    assert!(started.contains(&format!("{}人に申請書を送った", residents.len())), "{started:?}");
    for (i, id) in residents.iter().enumerate() {
        let outcome = if i == residents.len() - 1 { "declined" } else { "applied" };
        select(&driver, &format!("#campaign-panel tr[data-person-id='{id}'] .campaign-outcome"), outcome).await;
    }
    click(&driver, "#campaign-receive").await;
    let done = wait_until("the outcomes recorded", || async {
        if let Some(e) = text_of(&driver, "#campaign-error").await {
            panic!("the returns were refused: {e}");
        }
        text_of(&driver, "#campaign-result").await.filter(|t| t.contains("返送待ちは0人"))
    })
    .await;
    assert!(done.contains(&format!("{}人の結果", residents.len())), "{done:?}");
    for (i, id) in residents.iter().enumerate() {
        let line = text_of(&driver, &format!("#campaign-panel tr[data-person-id='{id}']")).await.unwrap_or_default();
        let want = if i == residents.len() - 1 { "申請しない" } else { "申請を受付" };
        assert!(line.contains(want), "{line:?}");
    }
    driver.find(By::Id("campaign-panel")).await.expect("the panel").scroll_into_view().await.ok();
    save_screenshot(&driver, "facility-campaign.png").await;

    // 出力 › 基幹システムからの異動: a file with a bad row stores nothing and names the line; the
    // good one is checked, then taken in.
    click(&driver, "#nav-export").await;
    let dir = std::env::temp_dir().join(format!("hairyo-feed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a folder for the feed files");
    let good = dir.join("feed.csv");
    std::fs::write(&good, "宛名番号,異動事由,異動日,内容\n920000000,障害者手帳,2026-11-01,精神2級\n").expect("write the feed");
    let bad = dir.join("feed-bad.csv");
    std::fs::write(&bad, "宛名番号,異動事由,異動日,内容\n920000000,障害者手帳,2026-11-01,精神2級\n999999999,死亡,2026-11-01,\n").expect("write the bad feed");
    let choose = |path: std::path::PathBuf| {
        let driver = driver.clone();
        async move { driver.find(By::Id("feed-file")).await.expect("the file input").send_keys(path.display().to_string()).await.expect("choose the file") }
    };
    choose(bad).await;
    click(&driver, "#feed-run").await;
    let refused = wait_until("the refused feed", || async { text_of(&driver, "#feed-report").await }).await;
    assert!(refused.contains("3行目") && refused.contains("何も取り込みませんでした"), "{refused:?}");
    choose(good).await;
    click(&driver, "#feed-check").await;
    wait_until("the dry run", || async { text_of(&driver, "#feed-report").await.filter(|t| t.contains("確認のみ")) }).await;
    click(&driver, "#feed-run").await;
    let taken = wait_until("the feed taken in", || async { text_of(&driver, "#feed-report").await.filter(|t| t.contains("取り込みました")) }).await;
    assert!(taken.contains("精神障害"), "{taken:?}");
    driver.find(By::Id("status-feed")).await.expect("the feed panel").scroll_into_view().await.ok();
    save_screenshot(&driver, "status-feed.png").await;
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spring_renewal_and_a_facility_campaign() {
    tools();
    let tmp = tempfile::tempdir().expect("temp dir");
    let db = tmp.path().join("hairyo.db");
    seed(&db);
    let now = chrono::Local::now().naive_local();
    let (facility, residents) = {
        let mut store = hairyo::store::open(&db).expect("open");
        let admin = hairyo::staff::actor(&store, "admin").expect("admin");
        let input = hairyo::facility::FacilityInput {
            name: "見本呼びかけホーム".into(),
            kind: "nursing_home".into(),
            address: "見本市東町3番3号".into(),
            contact_name: "呼掛　担当".into(),
            ..Default::default()
        };
        let f = hairyo::facility::add(&mut store, &admin, &input, now).expect("add the facility");
        let mut ids = Vec::new();
        for (i, name) in ["呼掛　一郎", "呼掛　花子", "呼掛　次郎"].into_iter().enumerate() {
            let input = hairyo::person::PersonInput {
                atena_no: format!("9200{i:05}"),
                name: name.into(),
                kana: ["ヨビカケ　イチロウ", "ヨビカケ　ハナコ", "ヨビカケ　ジロウ"][i].into(),
                birth_date: "1958-04-04".into(),
                sex: "female".into(),
                scheme: "kokuho".into(),
                mynumber_card: "card".into(),
                registration: "registered".into(),
                facility_id: Some(f.id),
                reasons: vec!["facility".into()],
                ..Default::default()
            };
            ids.push(hairyo::person::add(&mut store, &admin, &input, now).expect("add a resident").id);
        }
        (f.id, ids)
    };
    let shown = residents.clone();
    with_window(&db, move |driver| renewal_and_campaign(driver, facility, shown)).await;

    // What the window stored, read through the core.
    let mut store = hairyo::store::open(&db).expect("reopen");
    let admin = hairyo::staff::actor(&store, "admin").expect("admin");
    let later = chrono::Local::now().naive_local();
    let campaigns = hairyo::campaign::of_facility(&store, &admin, facility, later).expect("the campaigns");
    assert_eq!(campaigns.len(), 1);
    let outcomes: Vec<(i64, &str, bool)> = campaigns[0].residents.iter().map(|r| (r.person_id, r.outcome.code(), r.application_id.is_some())).collect();
    assert_eq!(outcomes.len(), residents.len());
    for (id, outcome, applied) in outcomes {
        let last = id == *residents.last().expect("residents");
        assert_eq!((outcome, applied), if last { ("declined", false) } else { ("applied", true) }, "resident {id}");
    }
    assert!(hairyo::renewal::season(&store, &admin, later).expect("the season").list_made_on.is_some(), "the spring list is marked made");
    let first = hairyo::person::get(&mut store, &admin, residents[0], later).expect("the first resident");
    assert!(first.reasons.contains(&hairyo::person::Reason::Mental), "the feed's 手帳 row added the reason: {:?}", first.reasons);
}

/// #32, notice 1(1), in the window: the NHI supervisor writes to up to three residents at home,
/// prints the letters (saved by the window as a PDF file) and records an outcome; the file and
/// the outcome are then read from the disk.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mailing_to_residents_at_home_from_the_window() {
    tools();
    let tmp = tempfile::tempdir().expect("temp dir");
    let db = tmp.path().join("hairyo.db");
    seed(&db);
    let (tx, rx) = std::sync::mpsc::channel();
    with_window(&db, move |driver| async move {
        sign_in(&driver, "kokuho2", hairyo::demo::DEMO_PASSWORD).await;
        wait_until("home", || async { text_of(&driver, "#home-counts").await }).await;
        click(&driver, "#nav-mailings").await;
        wait_until("the mailing form", || async { driver.find(By::Id("mailing-form")).await.ok() }).await;
        type_into(&driver, "#mailing-limit", "3").await;
        click(&driver, "#mailing-start").await;
        wait_until("the mailing made", || async { text_of(&driver, "#mailing-result").await.filter(|t| t.contains("通の案内を作成しました")) }).await;
        click(&driver, "#mailing-print").await;
        let path =
            wait_until("the letters saved", || async { driver.find(By::Css("#mailing-file code")).await.ok()?.attr("data-path").await.ok().flatten() }).await;
        let row = wait_until("a letter", || async { driver.find(By::Css("#mailing-recipients tr[data-person-id]")).await.ok() }).await;
        let id = row.attr("data-person-id").await.ok().flatten().expect("a person id");
        let css = format!("#mailing-recipients tr[data-person-id='{id}']");
        select(&driver, &format!("{css} .mailing-outcome"), "declined").await;
        driver.find(By::Css(format!("{css} .mailing-record"))).await.expect("記録").scroll_into_view().await.ok();
        click(&driver, &format!("{css} .mailing-record")).await;
        wait_until("the outcome shown", || async {
            text_of(&driver, &format!("{css} .mailing-outcome-label")).await.filter(|t| t.contains("申請しない"))
        })
        .await;
        tx.send(path).expect("report the file");
    })
    .await;
    let path = rx.recv().expect("the scenario reports the PDF");
    let pdf = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert!(pdf.starts_with(b"%PDF"), "{path} is a PDF");
    let store = hairyo::store::open(&db).expect("open");
    let sv = hairyo::staff::actor(&store, "kokuho2").expect("kokuho2");
    let m = hairyo::mailing::list(&store, &sv, chrono::Local::now().naive_local()).expect("the mailings");
    assert_eq!(m.len(), 1);
    assert!((1..=3).contains(&m[0].counts.sent) && m[0].counts.declined == 1, "{:?}", m[0].counts);
}
