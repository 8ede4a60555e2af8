//! Printing speed: one pre-filled form, and a 1,000-resident facility batch in one PDF.
//! Run with `cargo bench --bench print`; figures go to docs/performance.md.

use std::time::Duration;

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion};
use hairyo::facility::{self, FacilityInput};
use hairyo::person::{self, PersonInput};
use hairyo::{print, staff, store};

// The same allocator as the `hairyo` binary and the desktop app.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn now() -> chrono::NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 25).unwrap().and_hms_opt(10, 0, 0).unwrap()
}

fn bench(c: &mut Criterion) {
    let mut st = store::open_in_memory().unwrap();
    let admin = staff::init(&mut st, now()).unwrap();
    let f = facility::add(
        &mut st,
        &admin,
        &FacilityInput {
            name: "特別養護老人ホーム みほん苑".into(), kind: "elderly".into(), address: "見本市若葉町1番地".into(), ..Default::default()
        },
        now(),
    )
    .unwrap();
    let families = ["佐藤", "髙橋", "渡邊", "山﨑", "齋藤", "田中"];
    let given = ["花子", "太郎", "幸子", "清", "和子", "茂"];
    let mut first = 0;
    for i in 0..1000 {
        let input = PersonInput {
            name: format!("{} {}", families[i % 6], given[(i / 6) % 6]),
            kana: "ミホン ハナコ".into(),
            birth_date: format!("{}-0{}-1{}", 1942 + i % 9, 1 + i % 9, i % 10),
            sex: "female".into(),
            address: format!("見本市若葉町{}番地", i + 1),
            scheme: "kouki".into(),
            card_number: format!("{:08}", i),
            mynumber_card: "card".into(),
            registration: "registered".into(),
            reasons: vec!["facility".into(), "elderly".into()],
            facility_id: Some(f.id),
            ..Default::default()
        };
        let p = person::add(&mut st, &admin, &input, now()).unwrap();
        if i == 0 {
            first = p.id;
        }
    }
    let one = print::application_form(&mut st, &admin, first, None, now()).unwrap();
    let batch = print::facility_batch(&mut st, &admin, f.id, now(), &mut |_| {}).unwrap();
    println!("one form: {} bytes, {} page(s)", one.bytes.len(), one.pages);
    println!("facility batch: {} bytes, {} pages, {} documents", batch.bytes.len(), batch.pages, batch.documents);

    let mut g = c.benchmark_group("print");
    g.measurement_time(Duration::from_secs(5));
    g.bench_function("one_application_form", |b| b.iter(|| print::application_form(&mut st, &admin, first, None, now()).unwrap()));
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(15));
    g.bench_function("facility_batch_1000", |b| b.iter(|| print::facility_batch(&mut st, &admin, f.id, now(), &mut |_| {}).unwrap()));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
