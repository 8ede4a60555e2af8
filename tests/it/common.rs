//! Shared set-up for integration tests: an in-memory store with staff at every desk.
#![allow(dead_code)]

use chrono::{NaiveDate, NaiveDateTime};
use hairyo::person::{self, Person, PersonInput};
use hairyo::staff::{self, Actor, Desk, NewStaff, Role};
use hairyo::store::{self, Store};

pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
}

pub fn at(s: &str) -> NaiveDateTime {
    date(s).and_hms_opt(10, 0, 0).expect("time")
}

pub struct World {
    pub store: Store,
    pub admin: Actor,
}

impl World {
    pub fn new() -> World {
        let mut store = store::open_in_memory().expect("store");
        let admin = staff::init(&mut store, at("2025-04-01")).expect("init");
        let mut w = World { store, admin };
        for (login, desk, role) in [
            ("kokuho_clerk", Desk::Kokuho, Role::Clerk),
            ("kokuho_sv", Desk::Kokuho, Role::Supervisor),
            ("kouki_clerk", Desk::Kouki, Role::Clerk),
            ("kaigo_cw", Desk::Kaigo, Role::Caseworker),
            ("shogai_cw", Desk::Shogai, Role::Caseworker),
            ("jido_cw", Desk::Jido, Role::Caseworker),
        ] {
            let admin = w.admin.clone();
            staff::add(&mut w.store, &admin, &NewStaff { login: login.into(), name: "試験 職員".into(), desk, role }, at("2025-04-01")).expect("staff");
        }
        w
    }

    pub fn actor(&self, login: &str) -> Actor {
        staff::actor(&self.store, login).expect("actor")
    }

    /// Adds a person; `f` adjusts the default input (a 国保 member born 1960 with no card: under
    /// 75, since a 国保 member of 75 or over belongs to 後期).
    pub fn person(&mut self, f: impl FnOnce(&mut PersonInput)) -> Person {
        let mut input = PersonInput {
            name: "見本 花子".into(),
            kana: "ミホン ハナコ".into(),
            birth_date: "1960-06-15".into(),
            sex: "female".into(),
            postal_code: "000-0001".into(),
            address: "見本市中央町1丁目1番1号".into(),
            scheme: "kokuho".into(),
            ..Default::default()
        };
        f(&mut input);
        let admin = self.admin.clone();
        person::add(&mut self.store, &admin, &input, at("2025-05-01")).expect("person")
    }
}

/// Input for a holder of a マイナ保険証 (card registered for insurance use).
pub fn holder(i: &mut PersonInput) {
    i.mynumber_card = "card".into();
    i.registration = "registered".into();
}
