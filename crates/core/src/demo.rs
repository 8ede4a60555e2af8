//! Deterministic synthetic demo data: plainly fictional people of the fictional city 見本市.
//!
//! The same seed and date always give the same database, so demos, tests and benchmarks can
//! rely on it. Addresses are in 見本市 (no such city) with postal codes 000-xxxx (no such
//! area), phone numbers are 0120-000-xxx or 090-0000-xxxx, and no 個人番号 is generated.

use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;

use crate::audit::{self, Action};
use crate::certificate::{valid_until_for, ValidityBasis};
use crate::facility::{Campaign, FacilityKind};
use crate::model::staff::{Actor, Desk, Role};
use crate::person::{Reason, Scheme};
use crate::store::demo::{DemoApplication, DemoCertificate, DemoPerson, DemoReferral, DemoTouchpoint};
use crate::store::facilities::NewFacility;
use crate::store::staff::NewStaffRow;
use crate::store::{Store, StoreError};
use crate::text::normalize::{pieces, search_key, spaced};
use crate::validate::insurer_number_with_check;

/// A small, fast, well-mixed generator (SplitMix64); its output never changes between versions.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// Family names with their readings; variant kanji (髙, 﨑, 邊, 齋, 濵, 澤, 櫻, 廣, 嶋) are
/// included on purpose so that search and duplicate detection have real work to do.
pub const FAMILY_NAMES: &[(&str, &str)] = &[
    ("佐藤", "サトウ"),
    ("鈴木", "スズキ"),
    ("高橋", "タカハシ"),
    ("髙橋", "タカハシ"),
    ("田中", "タナカ"),
    ("伊藤", "イトウ"),
    ("渡辺", "ワタナベ"),
    ("渡邊", "ワタナベ"),
    ("山本", "ヤマモト"),
    ("中村", "ナカムラ"),
    ("小林", "コバヤシ"),
    ("加藤", "カトウ"),
    ("吉田", "ヨシダ"),
    ("山田", "ヤマダ"),
    ("佐々木", "ササキ"),
    ("山口", "ヤマグチ"),
    ("松本", "マツモト"),
    ("井上", "イノウエ"),
    ("木村", "キムラ"),
    ("林", "ハヤシ"),
    ("斉藤", "サイトウ"),
    ("齋藤", "サイトウ"),
    ("清水", "シミズ"),
    ("山崎", "ヤマザキ"),
    ("山﨑", "ヤマザキ"),
    ("森", "モリ"),
    ("池田", "イケダ"),
    ("橋本", "ハシモト"),
    ("阿部", "アベ"),
    ("石川", "イシカワ"),
    ("前田", "マエダ"),
    ("藤田", "フジタ"),
    ("小川", "オガワ"),
    ("岡田", "オカダ"),
    ("後藤", "ゴトウ"),
    ("長谷川", "ハセガワ"),
    ("村上", "ムラカミ"),
    ("近藤", "コンドウ"),
    ("石井", "イシイ"),
    ("坂本", "サカモト"),
    ("遠藤", "エンドウ"),
    ("青木", "アオキ"),
    ("藤井", "フジイ"),
    ("西村", "ニシムラ"),
    ("福田", "フクダ"),
    ("太田", "オオタ"),
    ("三浦", "ミウラ"),
    ("藤原", "フジワラ"),
    ("岡本", "オカモト"),
    ("松田", "マツダ"),
    ("中川", "ナカガワ"),
    ("中野", "ナカノ"),
    ("原田", "ハラダ"),
    ("小野", "オノ"),
    ("田村", "タムラ"),
    ("竹内", "タケウチ"),
    ("金子", "カネコ"),
    ("和田", "ワダ"),
    ("中山", "ナカヤマ"),
    ("石田", "イシダ"),
    ("上田", "ウエダ"),
    ("森田", "モリタ"),
    ("原", "ハラ"),
    ("柴田", "シバタ"),
    ("酒井", "サカイ"),
    ("工藤", "クドウ"),
    ("横山", "ヨコヤマ"),
    ("宮崎", "ミヤザキ"),
    ("宮本", "ミヤモト"),
    ("内田", "ウチダ"),
    ("高木", "タカギ"),
    ("安藤", "アンドウ"),
    ("島田", "シマダ"),
    ("嶋田", "シマダ"),
    ("谷口", "タニグチ"),
    ("大野", "オオノ"),
    ("丸山", "マルヤマ"),
    ("今井", "イマイ"),
    ("河野", "コウノ"),
    ("藤本", "フジモト"),
    ("村田", "ムラタ"),
    ("武田", "タケダ"),
    ("上野", "ウエノ"),
    ("杉山", "スギヤマ"),
    ("増田", "マスダ"),
    ("小山", "コヤマ"),
    ("大塚", "オオツカ"),
    ("平野", "ヒラノ"),
    ("菅原", "スガワラ"),
    ("久保", "クボ"),
    ("松井", "マツイ"),
    ("千葉", "チバ"),
    ("岩崎", "イワサキ"),
    ("桜井", "サクライ"),
    ("櫻井", "サクライ"),
    ("木下", "キノシタ"),
    ("野口", "ノグチ"),
    ("松尾", "マツオ"),
    ("菊地", "キクチ"),
    ("野村", "ノムラ"),
    ("新井", "アライ"),
    ("浜田", "ハマダ"),
    ("濵田", "ハマダ"),
    ("沢田", "サワダ"),
    ("澤田", "サワダ"),
    ("広瀬", "ヒロセ"),
    ("廣瀬", "ヒロセ"),
    ("真鍋", "マナベ"),
    ("眞鍋", "マナベ"),
];

const MALE_NAMES: &[(&str, &str)] = &[
    ("太郎", "タロウ"),
    ("一郎", "イチロウ"),
    ("健一", "ケンイチ"),
    ("誠", "マコト"),
    ("清", "キヨシ"),
    ("茂", "シゲル"),
    ("博", "ヒロシ"),
    ("勇", "イサム"),
    ("隆", "タカシ"),
    ("翔太", "ショウタ"),
    ("大輝", "ダイキ"),
    ("蓮", "レン"),
    ("悠真", "ユウマ"),
    ("正男", "マサオ"),
    ("昭", "アキラ"),
    ("勝", "マサル"),
    ("進", "ススム"),
    ("修", "オサム"),
    ("浩二", "コウジ"),
    ("和夫", "カズオ"),
    ("義雄", "ヨシオ"),
    ("湊", "ミナト"),
];

const FEMALE_NAMES: &[(&str, &str)] = &[
    ("花子", "ハナコ"),
    ("幸子", "サチコ"),
    ("和子", "カズコ"),
    ("節子", "セツコ"),
    ("京子", "キョウコ"),
    ("洋子", "ヨウコ"),
    ("恵子", "ケイコ"),
    ("美智子", "ミチコ"),
    ("久美子", "クミコ"),
    ("由美", "ユミ"),
    ("結衣", "ユイ"),
    ("陽菜", "ヒナ"),
    ("さくら", "サクラ"),
    ("美咲", "ミサキ"),
    ("千代", "チヨ"),
    ("ハル", "ハル"),
    ("静江", "シズエ"),
    ("文子", "フミコ"),
    ("トメ", "トメ"),
    ("芽依", "メイ"),
    ("キヨ", "キヨ"),
    ("澄子", "スミコ"),
];

const TOWNS: &[&str] = &["若葉町", "中央町", "桜ケ丘", "緑町", "東町", "西町", "南台", "北原", "本町", "旭町", "栄町", "港町"];

/// The password of every demo staff member (fictional data only; never for real use).
pub const DEMO_PASSWORD: &str = "hairyo-demo";

/// The desk staff the demo adds beside the administrator (login, name, desk, role).
pub const DEMO_STAFF: &[(&str, &str, Desk, Role)] = &[
    ("kokuho1", "国保 一子", Desk::Kokuho, Role::Clerk),
    ("kokuho2", "国保 二郎", Desk::Kokuho, Role::Supervisor),
    ("kouki1", "後期 三郎", Desk::Kouki, Role::Clerk),
    ("kaigo1", "介護 四子", Desk::Kaigo, Role::Caseworker),
    ("shogai1", "障害 五郎", Desk::Shogai, Role::Caseworker),
    ("jido1", "児童 六子", Desk::Jido, Role::Caseworker),
    ("houkatsu1", "包括 七子", Desk::Houkatsu, Role::Caseworker),
    ("kikan1", "基幹 八郎", Desk::Kikan, Role::Caseworker),
];

#[derive(ts_rs::TS, Debug, Clone, Default, Serialize)]
pub struct DemoSummary {
    pub persons: i64,
    pub facilities: i64,
    pub touchpoints: i64,
    pub referrals: i64,
    pub applications: i64,
    pub certificates: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("デモデータの人数は1人以上1,000,000人以下で指定してください (指定: {0})")]
    BadCount(i64),
    #[error("デモデータの登録は管理者のみが行えます")]
    AdminOnly,
    #[error("このデータベースにはデモ以外の記録があります (対象者 {persons}人、職員 {staff}人)。デモデータは、初期化したばかりのデータベースか、デモだけのデータベースにしか追加できません")]
    RealData { persons: i64, staff: usize },
    #[error("デモ職員のパスワードを作成できません: {0}")]
    Password(String),
    #[error(transparent)]
    Settings(#[from] crate::settings::SettingsError),
    #[error(transparent)]
    Access(#[from] crate::access::AccessError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl DemoError {
    pub fn code(&self) -> &'static str {
        match self {
            DemoError::BadCount(_) => "demo.bad_count",
            DemoError::AdminOnly => "demo.admin_only",
            DemoError::RealData { .. } => "demo.real_data",
            DemoError::Password(_) => "demo.password",
            DemoError::Settings(e) => e.code(),
            DemoError::Access(e) => e.code(),
            DemoError::Store(e) => e.code(),
        }
    }
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn staff_ids(tx: &crate::store::Write<'_>, now: &str, hash: &str) -> Result<Vec<(i64, Desk)>, StoreError> {
    let mut ids = Vec::new();
    for (login, name, desk, role) in DEMO_STAFF {
        let id = tx.staff_mut().add_unless_taken(&NewStaffRow { login, name, desk: *desk, role: *role, created_at: now }, hash)?;
        ids.push((id, *desk));
    }
    Ok(ids)
}

/// What the demo added to a database, so that it adds more only where nothing else is: the
/// persons' id ranges and the staff ids.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoMade {
    persons: Vec<(i64, i64)>,
    staff: Vec<i64>,
}

const DEMO_MADE_KEY: &str = "demo_made";

/// Refuses a database holding any person or staff member the demo did not add (the first
/// administrator `init` made aside): the demo's accounts have a published password, and its
/// persons would mix with real ones.
fn refuse_real_data(tx: &crate::store::Write<'_>) -> Result<DemoMade, DemoError> {
    let made: DemoMade = tx.settings().value(DEMO_MADE_KEY)?.and_then(|v| serde_json::from_str(&v).ok()).unwrap_or_default();
    let staff = tx.staff().all()?.into_iter().filter(|s| s.login != crate::staff::ADMIN_LOGIN && !made.staff.contains(&s.id)).count();
    let persons = tx.persons_outside(&made.persons)?;
    if persons > 0 || staff > 0 {
        return Err(DemoError::RealData { persons, staff });
    }
    Ok(made)
}

/// Adds `persons` synthetic persons with facilities, touchpoints, referrals, applications and
/// certificates, in one transaction, relative to `now`'s date.
pub fn generate(store: &mut Store, actor: &Actor, persons: i64, seed: u64, now: chrono::NaiveDateTime) -> Result<DemoSummary, DemoError> {
    store.enter(actor.municipality)?;
    if !(1..=1_000_000).contains(&persons) {
        return Err(DemoError::BadCount(persons));
    }
    if !crate::access::can(actor, crate::access::Permission::ChangeSettings) {
        return Err(DemoError::AdminOnly);
    }
    let today = now.date();
    let stamp = crate::stamp(now);
    let mut rng = Rng::new(seed);
    let hash = crate::staff::hash_password(DEMO_PASSWORD).map_err(|e| DemoError::Password(e.to_string()))?;
    store.write(|tx| {
        let mut made = refuse_real_data(tx)?;
        let staff = staff_ids(tx, &stamp, &hash)?;
        let staff_at = |desk: Desk| staff.iter().find(|(_, d)| *d == desk).map(|(id, _)| *id).unwrap_or(actor.staff_id);
        let mut summary = DemoSummary::default();

        // Facilities: one per ~60 persons, at least six, of every kind.
        let n_fac = (persons / 60).max(6);
        let mut facilities: Vec<(i64, FacilityKind)> = Vec::new();
        for i in 0..n_fac {
            let (kind, label) = match i % 6 {
                0..=2 => (FacilityKind::Elderly, "特別養護老人ホーム"),
                3 => (FacilityKind::Disability, "障害者支援施設"),
                4 => (FacilityKind::Children, "児童養護施設"),
                _ => (FacilityKind::Elderly, "グループホーム"),
            };
            let town = rng.pick(TOWNS);
            let name = format!("{label} みほん{}{}", town.trim_end_matches('町'), i + 1);
            // The random draws happen in the order they always have: the address, then the
            // campaign, so the same seed gives the same database.
            let address = format!("見本市{town}{}丁目{}番地", 1 + rng.below(5), 1 + rng.below(30));
            let campaign = *rng.pick(&[Campaign::None, Campaign::None, Campaign::Informed, Campaign::Collecting, Campaign::Done]);
            let id = tx.facilities_mut().add_with_campaign(&NewFacility {
                name: &name,
                kind,
                postal_code: &format!("000-{:04}", 100 + i % 9000),
                address: &address,
                phone: &format!("0120-000-{:03}", 200 + i % 800),
                contact_name: &format!("施設 担当{}", i + 1),
                campaign,
                created_at: &stamp,
            })?;
            facilities.push((id, kind));
        }
        summary.facilities = n_fac;

        // Certificates run as the city's settings say (to the next 7/31 unless changed).
        let kokuho_validity = crate::settings::validity_of(tx, crate::application::AppScheme::Kokuho)?;
        let kouki_validity = crate::settings::validity_of(tx, crate::application::AppScheme::Kouki)?;
        let kokuho_insurer = insurer_number_with_check("00000");
        let kouki_insurer = insurer_number_with_check("3900000");
        // The search module's helpers may still report the engine's own errors; both kinds
        // become a StoreError here.
        let first_new_id = crate::search::last_person_id(tx)? + 1;
        let mut load = tx.demo_load()?;
        let mut last_pid = 0;
        let base_atena = load.last_atena_no()?;

        for i in 0..persons {
            // Age mix: a third 75 and over (後期), children, working-age NHI members, others.
            let band = rng.below(100);
            let age = match band {
                0..=37 => 75 + rng.below(25) as i32,
                38..=47 => rng.below(18) as i32,
                48..=84 => 18 + rng.below(57) as i32,
                _ => 20 + rng.below(70) as i32,
            };
            let birth = ymd(today.year() - age - 1, 1 + rng.below(12) as u32, 1 + rng.below(28) as u32) + Duration::days(rng.below(300) as i64);
            let birth = if birth > today { today - Duration::days(30) } else { birth };
            let real_age = crate::person::age_on(birth, today);
            let scheme = if real_age >= 75 {
                Scheme::Kouki
            } else if band >= 85 {
                *rng.pick(&[Scheme::Employee, Scheme::Employee, Scheme::Kumiai, Scheme::Welfare, Scheme::Unknown])
            } else {
                Scheme::Kokuho
            };
            let female = rng.chance(52);
            let (fam, fam_kana) = *rng.pick(FAMILY_NAMES);
            let (given, given_kana) = if female { *rng.pick(FEMALE_NAMES) } else { *rng.pick(MALE_NAMES) };
            let name = format!("{fam}\u{3000}{given}");
            let kana = format!("{fam_kana}\u{3000}{given_kana}");
            let town = rng.pick(TOWNS);
            let address = format!("見本市{town}{}丁目{}番{}号", 1 + rng.below(5), 1 + rng.below(30), 1 + rng.below(20));
            let postal = format!("000-{:04}", rng.below(10000));
            let phone = if rng.chance(70) { format!("090-0000-{:04}", rng.below(10000)) } else { String::new() };

            let child = real_age < 18;
            let mut reasons: Vec<Reason> = Vec::new();
            let in_facility = (real_age >= 75 && rng.chance(18)) || (child && rng.chance(8)) || rng.chance(3);
            let facility = if in_facility {
                let wanted = if child {
                    FacilityKind::Children
                } else if real_age >= 65 {
                    FacilityKind::Elderly
                } else {
                    FacilityKind::Disability
                };
                facilities
                    .iter()
                    .filter(|(_, k)| *k == wanted)
                    .nth(rng.below(1000) as usize % facilities.iter().filter(|(_, k)| *k == wanted).count().max(1))
                    .map(|(id, _)| *id)
            } else {
                None
            };
            if facility.is_some() {
                reasons.push(Reason::Facility);
            }
            if real_age >= 75 && rng.chance(60) {
                reasons.push(Reason::Elderly);
            }
            if real_age >= 75 && rng.chance(20) {
                reasons.push(Reason::Dementia);
            }
            if child && rng.chance(40) {
                reasons.push(Reason::Child);
            }
            if rng.chance(8) {
                reasons.push(*rng.pick(&[Reason::Physical, Reason::Intellectual, Reason::Mental]));
            }
            if rng.chance(5) {
                reasons.push(Reason::Pin);
            }
            reasons.sort();
            reasons.dedup();

            let card = match rng.below(100) {
                0..=24 => "none",
                25..=31 => "face_auth",
                _ => "card",
            };
            let registration =
                if card == "none" { "not_registered" } else { *rng.pick(&["registered", "registered", "registered", "not_registered", "unknown"]) };
            let holds = card != "none" && registration == "registered";
            let legal_rep = if child {
                ("parent", format!("{fam}\u{3000}{}", if rng.chance(50) { "花子" } else { "太郎" }))
            } else if reasons.contains(&Reason::Dementia) && rng.chance(30) {
                ("guardian", format!("後見\u{3000}{}", rng.pick(&["一郎", "和子", "誠"])))
            } else {
                ("none", String::new())
            };
            let protected = rng.chance(1);
            let (insurer, symbol, number, branch) = match scheme {
                Scheme::Kokuho => {
                    (kokuho_insurer.clone(), format!("見{:02}", 1 + rng.below(20)), format!("{:06}", rng.below(1_000_000)), format!("{:02}", 1 + rng.below(3)))
                }
                Scheme::Kouki => (kouki_insurer.clone(), String::new(), format!("{:08}", rng.below(100_000_000)), String::new()),
                _ => (String::new(), String::new(), String::new(), String::new()),
            };
            let old_expiry = match scheme {
                Scheme::Kokuho | Scheme::Kouki => Some(ymd(2025, 7, 31) + Duration::days(rng.below(124) as i64)),
                _ => None,
            };
            let householder = if child || rng.chance(30) { format!("{fam}\u{3000}{}", rng.pick(&["太郎", "一郎", "花子"])) } else { name.clone() };
            let (name_key, kana_key) = (search_key(&name), search_key(&kana));
            let pid = load.person(&DemoPerson {
                atena_no: (base_atena + 1 + i).to_string(),
                name: &name,
                kana: &kana,
                name_norm: &name_key,
                kana_norm: &kana_key,
                birth_date: birth,
                sex: if female { "female" } else { "male" },
                postal_code: &postal,
                address: &address,
                phone: &phone,
                householder: &householder,
                scheme: scheme.code(),
                insurer_no: &insurer,
                card_symbol: &symbol,
                card_number: &number,
                card_branch: &branch,
                old_card_expiry: old_expiry,
                mynumber_card: card,
                registration,
                wishes_cancel: rng.chance(2),
                reasons: crate::person::reasons_to_text(&reasons),
                facility_id: facility,
                legal_rep_kind: legal_rep.0,
                legal_rep_name: &legal_rep.1,
                protected,
                safe_postal_code: if protected { "000-9999" } else { "" },
                safe_address: if protected { "見本市役所 保険年金課 気付" } else { "" },
                // Each person's own household of the 住民票: its head, a child of it, or the
                // head's spouse.
                household_no: format!("{}", 700_000_000 + base_atena % 1_000_000 + 1 + i),
                relationship: Some(if householder == name {
                    "head"
                } else if child {
                    "child"
                } else {
                    "spouse"
                }),
                created_at: &stamp,
                name_chars: spaced(&name_key),
                kana_chars: spaced(&kana_key),
                pieces: pieces(&[&name_key, &kana_key]),
            })?;
            summary.persons += 1;
            last_pid = last_pid.max(pid);

            // Touchpoints at the welfare desks, about two and a half per person.
            let n_tp = rng.below(6);
            for _ in 0..n_tp {
                let (desk, kind) = if child {
                    (Desk::Jido, *rng.pick(&["visit", "counter", "phone"]))
                } else if real_age >= 65 {
                    *rng.pick(&[
                        (Desk::Kaigo, "care_certification"),
                        (Desk::Kaigo, "service_start"),
                        (Desk::Houkatsu, "houkatsu_consultation"),
                        (Desk::Kaigo, "visit"),
                    ])
                } else {
                    *rng.pick(&[
                        (Desk::Shogai, "disability_certification"),
                        (Desk::Kikan, "kikan_consultation"),
                        (Desk::Shogai, "counter"),
                        (Desk::Kokuho, "outreach"),
                    ])
                };
                let date = today - Duration::days(rng.below(365) as i64);
                let date = if date < birth { birth } else { date };
                let wish = *rng.pick(&["unknown", "wants_certificate", "keeps_card", "undecided"]);
                let tp = load.touchpoint(&DemoTouchpoint { person_id: pid, desk, staff_id: staff_at(desk), date, kind, wish, created_at: &stamp })?;
                if rng.chance(65) {
                    load.bessou1_given(tp)?;
                }
                summary.touchpoints += 1;
            }

            // Certificates: ex officio for those without a マイナ保険証; 暫定運用 for 後期.
            let app_scheme = match scheme {
                Scheme::Kokuho => Some("kokuho"),
                Scheme::Kouki => Some("kouki"),
                _ => None,
            };
            // Who issues a scheme's certificates (the city, or the 広域連合 for 後期).
            let issuer = app_scheme.and_then(crate::application::AppScheme::from_code).map(|s| crate::certificate::Issuer::of(s).code()).unwrap_or("city");
            if let Some(s) = app_scheme {
                let renewal = crate::policy::last_renewal_day(today);
                if s == "kouki" && today >= ymd(2025, 8, 1) {
                    let issued = ymd(2025, 8, 1).max(old_expiry.unwrap_or(ymd(2025, 8, 1)).min(ymd(2026, 7, 1)));
                    load.certificate(&DemoCertificate {
                        person_id: pid,
                        application_id: None,
                        scheme: s,
                        basis: "provisional",
                        issued_on: issued,
                        valid_until: ymd(2026, 7, 31),
                        valid_until_basis: ValidityBasis::Setting.code(),
                        delivery_address: &format!("〒{postal} {address}"),
                        issued_by: staff_at(Desk::Kouki),
                        created_at: &stamp,
                        issuer,
                    })?;
                    summary.certificates += 1;
                }
                if !holds || (s == "kouki" && real_age >= 85) {
                    let issued = if rng.chance(4) { today - Duration::days(rng.below(60) as i64) } else { renewal };
                    let validity = if s == "kokuho" { &kokuho_validity } else { &kouki_validity };
                    // One in twenty was given an earlier end at the counter; a 国保 one still ends
                    // by the day before the 75th birthday.
                    let (until, until_basis) = if rng.chance(5) {
                        let typed = (today + Duration::days(rng.below(90) as i64)).max(issued);
                        match valid_until_for(validity, birth, issued) {
                            (cap, ValidityBasis::Age75) if cap < typed => (cap, ValidityBasis::Age75),
                            _ => (typed, ValidityBasis::Entered),
                        }
                    } else {
                        valid_until_for(validity, birth, issued)
                    };
                    let desk = if s == "kouki" { Desk::Kouki } else { Desk::Kokuho };
                    let addr = if protected { "〒000-9999 見本市役所 保険年金課 気付".to_string() } else { format!("〒{postal} {address}") };
                    load.certificate(&DemoCertificate {
                        person_id: pid,
                        application_id: None,
                        scheme: s,
                        basis: "ex_officio",
                        issued_on: issued,
                        valid_until: until,
                        valid_until_basis: until_basis.code(),
                        delivery_address: &addr,
                        issued_by: staff_at(desk),
                        created_at: &stamp,
                        issuer,
                    })?;
                    summary.certificates += 1;
                }
            }

            // Referrals and applications for about one in eight 要配慮者 with a マイナ保険証.
            if let (Some(s), true) = (app_scheme, holds && !reasons.is_empty() && rng.chance(35)) {
                let to = if s == "kouki" { Desk::Kouki } else { Desk::Kokuho };
                let from = if child {
                    Desk::Jido
                } else if real_age >= 65 {
                    *rng.pick(&[Desk::Kaigo, Desk::Houkatsu])
                } else {
                    *rng.pick(&[Desk::Shogai, Desk::Kikan])
                };
                let sent = today - Duration::days(rng.below(90) as i64);
                let status = *rng.pick(&["sent", "sent", "accepted", "returned", "completed", "completed"]);
                let handled = (status != "sent").then(|| sent + Duration::days(rng.below(5) as i64)).map(|d| d.min(today));
                let (authority, applicant_note) = if facility.is_some() && child {
                    ("facility_child", "施設職員 (親権者の委任)")
                } else if facility.is_some() {
                    ("facility_adult", "施設職員")
                } else if legal_rep.0 == "guardian" {
                    ("guardian", "成年後見人")
                } else if legal_rep.0 == "parent" {
                    ("parent", "親権者")
                } else {
                    (*rng.pick(&["same_household", "relative", "caregiver"]), "家族・介助者")
                };
                let rid = load.referral(&DemoReferral {
                    person_id: pid,
                    from_desk: from,
                    to_desk: to,
                    reason: "要配慮者のため資格確認書の申請をご検討ください。",
                    proposed_applicant: applicant_note,
                    // Whoever speaks for a child or a person under guardianship consents for them.
                    sharing_basis: if matches!(legal_rep.0, "guardian" | "parent") {
                        crate::model::referral::SharingBasis::RepresentativeConsent
                    } else {
                        crate::model::referral::SharingBasis::Consent
                    },
                    status,
                    sent_by: staff_at(from),
                    sent_on: sent,
                    handled_by: handled.map(|_| staff_at(to)),
                    handled_on: handled,
                    return_reason: if status == "returned" { "世帯の状況を確認のうえ再送してください" } else { "" },
                    completed_on: (status == "completed").then_some(handled).flatten(),
                })?;
                summary.referrals += 1;
                if matches!(status, "accepted" | "completed") {
                    let received = handled.unwrap_or(sent);
                    // 後期 applications follow the 広域連合's path (進達, the union's result, the
                    // hand-over); one received in the provisional period waits for the renewal (R9).
                    let app_status = match (s, status == "completed") {
                        ("kouki", true) => match *rng.pick(&["forwarded", "union_issued", "handed_over", "handed_over"]) {
                            "forwarded" => "forwarded",
                            _ if received <= ymd(2026, 7, 31) => "at_renewal",
                            other => other,
                        },
                        ("kouki", false) => *rng.pick(&["received", "forwarded"]),
                        (_, true) => *rng.pick(&["decided", "issued", "issued", "issued"]),
                        (_, false) => *rng.pick(&["received", "reviewing"]),
                    };
                    let forwarded_on =
                        matches!(app_status, "forwarded" | "union_issued" | "handed_over" | "at_renewal").then(|| (received + Duration::days(1)).min(today));
                    let union_decided_on = matches!(app_status, "union_issued" | "handed_over" | "at_renewal")
                        .then(|| forwarded_on.map(|f| (f + Duration::days(7)).min(today)))
                        .flatten();
                    let handed_over_on = (app_status == "handed_over").then(|| union_decided_on.map(|d| (d + Duration::days(2)).min(today))).flatten();
                    let authority_code = crate::application::ProxyAuthority::from_code(authority);
                    // Some 国保 proxies carry a 委任状 from the 世帯主, chosen from the id so the
                    // random sequence (and every other demo value) stays as it was.
                    let delegator = authority_code.filter(|a| a.delegated_by_person_or_householder()).map(|_| {
                        if s == "kokuho" && pid % 3 == 0 {
                            crate::application::Delegator::Householder
                        } else {
                            crate::application::Delegator::Person
                        }
                    });
                    let docs = authority_code
                        .map(|a| {
                            crate::application::required_documents(
                                crate::application::Applicant::Proxy,
                                Some(a),
                                delegator,
                                crate::application::Signing::Signed,
                                false,
                            )
                        })
                        .unwrap_or_default();
                    let (pname, paddr) = match authority {
                        "facility_child" | "facility_adult" => ("施設\u{3000}職員".to_string(), "見本市中央町1丁目1番地".to_string()),
                        "guardian" | "parent" => (legal_rep.1.clone(), address.clone()),
                        _ => (format!("{fam}\u{3000}{}", rng.pick(&["一郎", "和子", "誠"])), format!("見本市{}1丁目1番1号", rng.pick(TOWNS))),
                    };
                    let relationship = match authority {
                        "facility_child" | "facility_adult" => "入所施設の職員",
                        "guardian" => "成年後見人",
                        "parent" => "親権者",
                        "same_household" => "同居の家族",
                        "relative" => "子",
                        _ => "介助者",
                    };
                    // The city decides 国保 only; the union's decisions carry their own date.
                    let decided = matches!(app_status, "decided" | "issued");
                    let documents_checked = decided || forwarded_on.is_some();
                    let aid = load.application(&DemoApplication {
                        person_id: pid,
                        referral_id: rid,
                        scheme: s,
                        received_on: received,
                        channel: if facility.is_some() { "facility_batch" } else { "counter" },
                        applicant: "proxy",
                        authority,
                        proxy_name: &pname,
                        proxy_kana: "",
                        proxy_address: &paddr,
                        proxy_phone: "",
                        proxy_relationship: relationship,
                        reasons: crate::person::reasons_to_text(&reasons),
                        delivery: if facility.is_some() { "facility" } else { "home" },
                        status: app_status,
                        received_by: staff_at(to),
                        decided_by: decided.then(|| staff_at(to)),
                        decided_on: decided.then_some(received),
                        created_at: &stamp,
                        delegator: delegator.map(|d| d.code()),
                        forwarded_on,
                        forwarded_by: forwarded_on.map(|_| staff_at(to)),
                        union_decided_on,
                        handed_over_on,
                        // Demo certificates go to the home or the facility: by mail.
                        handover_method: handed_over_on.map(|_| "mail"),
                    })?;
                    for (k, d) in docs.iter().enumerate() {
                        let checked = documents_checked || (k == 0 && rng.chance(50));
                        load.document(aid, d.code(), checked)?;
                    }
                    summary.applications += 1;
                    if matches!(app_status, "issued" | "union_issued" | "handed_over") {
                        let issued_on = union_decided_on.unwrap_or(received);
                        let issued_until = valid_until_for(if s == "kokuho" { &kokuho_validity } else { &kouki_validity }, birth, issued_on);
                        load.certificate(&DemoCertificate {
                            person_id: pid,
                            application_id: Some(aid),
                            scheme: s,
                            basis: "application",
                            issued_on,
                            valid_until: issued_until.0,
                            valid_until_basis: issued_until.1.code(),
                            delivery_address: &format!("〒{postal} {address}"),
                            issued_by: staff_at(to),
                            created_at: &stamp,
                            issuer,
                        })?;
                        summary.certificates += 1;
                    }
                }
            }
        }
        load.finish()?;
        tx.search_mut().index_after(first_new_id - 1)?;
        made.persons.push((first_new_id, last_pid));
        for (id, _) in &staff {
            if !made.staff.contains(id) {
                made.staff.push(*id);
            }
        }
        tx.settings_mut().set(DEMO_MADE_KEY, &serde_json::to_string(&made).expect("plain numbers"))?;
        audit::record(tx, actor, now, Action::Import, "demo", None, serde_json::json!({"seed": seed, "summary": summary}))?;
        Ok(summary)
    })
}
