//! City settings: the city's name, the 宛先 on forms, and each desk's contact block.

use serde::{Deserialize, Serialize};

use crate::audit::{self, Action};
pub use crate::model::staff::DeskContact;
use crate::model::staff::{Actor, Desk};
use crate::store::{Store, StoreError};
use crate::validate::{self, Checker, Invalid};

/// The city as it appears on forms and leaflets.
#[derive(ts_rs::TS, Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CitySettings {
    /// 市区町村名, e.g. 見本市.
    pub city_name: String,
    /// 宛先 printed on application forms, e.g. 見本市長.
    pub addressee: String,
    /// The 後期高齢者医療広域連合 the city's counter serves, e.g. 見本県後期高齢者医療広域連合.
    pub kouki_union: String,
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("設定の変更は管理者のみが行えます")]
    AdminOnly,
    #[error("{0}")]
    Invalid(Invalid),
    #[error(transparent)]
    Access(#[from] crate::access::AccessError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl SettingsError {
    pub fn code(&self) -> &'static str {
        match self {
            SettingsError::AdminOnly => "settings.admin_only",
            SettingsError::Invalid(_) => "settings.invalid",
            SettingsError::Access(e) => e.code(),
            SettingsError::Store(e) => e.code(),
        }
    }
}

/// Fictional defaults so that a fresh database prints something sensible; an administrator
/// replaces them with the city's own details.
pub(crate) fn seed_defaults(tx: &crate::store::Write<'_>) -> Result<(), StoreError> {
    for (k, v) in [("city_name", "見本市"), ("addressee", "見本市長"), ("kouki_union", "見本県後期高齢者医療広域連合")] {
        tx.settings_mut().set_default(k, v)?;
    }
    let contacts = [
        (Desk::Kokuho, "見本市 保険年金課 国民健康保険係", "0120-000-101", "平日 8時30分～17時15分", "市役所本庁舎1階 3番窓口"),
        (Desk::Kouki, "見本市 保険年金課 後期高齢者医療係", "0120-000-102", "平日 8時30分～17時15分", "市役所本庁舎1階 4番窓口"),
        (Desk::Kaigo, "見本市 介護保険課", "0120-000-103", "平日 8時30分～17時15分", "市役所本庁舎2階"),
        (Desk::Shogai, "見本市 障害福祉課", "0120-000-104", "平日 8時30分～17時15分", "市役所本庁舎2階"),
        (Desk::Jido, "見本市 こども家庭課", "0120-000-105", "平日 8時30分～17時15分", "市役所本庁舎3階"),
        (Desk::Houkatsu, "見本市 中央地域包括支援センター", "0120-000-106", "平日 9時～17時", "見本市中央町1-1"),
        (Desk::Kikan, "見本市 基幹相談支援センター", "0120-000-107", "平日 9時～17時", "見本市中央町1-2"),
    ];
    for (desk, name, phone, hours, place) in contacts {
        tx.settings_mut().set_desk_contact(&DeskContact { desk, name: name.into(), phone: phone.into(), hours: hours.into(), place: place.into() })?;
    }
    Ok(())
}

fn get(conn: &crate::store::Read<'_>, key: &str) -> Result<String, StoreError> {
    Ok(conn.settings().value(key)?.unwrap_or_default())
}

/// The city's name and the 広域連合's: public facts printed on every handout, so the sign-in
/// screen may show them before anyone signs in.
pub fn public_city(store: &Store) -> Result<CitySettings, SettingsError> {
    city(&store.read())
}

pub(crate) fn city(conn: &crate::store::Read<'_>) -> Result<CitySettings, SettingsError> {
    Ok(CitySettings { city_name: get(conn, "city_name")?, addressee: get(conn, "addressee")?, kouki_union: get(conn, "kouki_union")? })
}

pub(crate) fn desk_contact(conn: &crate::store::Read<'_>, desk: Desk) -> Result<DeskContact, SettingsError> {
    Ok(conn.settings().desk_contact(desk)?.ok_or(StoreError::NotFound { what: "窓口" })?)
}

/// Every desk's contact details, as printed on the handouts.
pub fn desk_contacts(store: &Store, actor: &Actor, _now: chrono::NaiveDateTime) -> Result<Vec<DeskContact>, SettingsError> {
    crate::access::require(actor, crate::access::Permission::ViewPerson)?;
    Desk::ALL.iter().map(|d| desk_contact(&store.read(), *d)).collect()
}

fn require_admin(actor: &Actor) -> Result<(), SettingsError> {
    if crate::access::can(actor, crate::access::Permission::ChangeSettings) {
        Ok(())
    } else {
        Err(SettingsError::AdminOnly)
    }
}

pub fn set_city(store: &mut Store, actor: &Actor, s: &CitySettings, now: chrono::NaiveDateTime) -> Result<CitySettings, SettingsError> {
    require_admin(actor)?;
    let mut c = Checker::new();
    let city_name = c.take("city_name", validate::text("市区町村名", &s.city_name, 20, true));
    let addressee = c.take("addressee", validate::text("宛先", &s.addressee, 40, true));
    let kouki_union = c.take("kouki_union", validate::text("広域連合名", &s.kouki_union, 40, true));
    c.finish().map_err(SettingsError::Invalid)?;
    let new = CitySettings { city_name: city_name.unwrap_or_default(), addressee: addressee.unwrap_or_default(), kouki_union: kouki_union.unwrap_or_default() };
    store.write(|tx| {
        let before = city(tx)?;
        for (k, v) in [("city_name", &new.city_name), ("addressee", &new.addressee), ("kouki_union", &new.kouki_union)] {
            tx.settings_mut().set(k, v)?;
        }
        audit::record(tx, actor, now, Action::Update, "settings", None, serde_json::json!({"before": before, "after": new}))?;
        Ok(new.clone())
    })
}

pub fn set_desk_contact(store: &mut Store, actor: &Actor, d: &DeskContact, now: chrono::NaiveDateTime) -> Result<DeskContact, SettingsError> {
    require_admin(actor)?;
    let mut c = Checker::new();
    let name = c.take("name", validate::text("窓口名", &d.name, 40, true));
    let phone = c.take("phone", validate::phone("電話番号", &d.phone));
    let hours = c.take("hours", validate::text("受付時間", &d.hours, 40, false));
    let place = c.take("place", validate::text("場所", &d.place, 40, false));
    c.finish().map_err(SettingsError::Invalid)?;
    let new = DeskContact {
        desk: d.desk,
        name: name.unwrap_or_default(),
        phone: phone.unwrap_or_default(),
        hours: hours.unwrap_or_default(),
        place: place.unwrap_or_default(),
    };
    store.write(|tx| {
        let before = desk_contact(tx, d.desk)?;
        tx.settings_mut().set_desk_contact(&new)?;
        audit::record(tx, actor, now, Action::Update, "desk", None, serde_json::json!({"before": before, "after": new}))?;
        Ok(new.clone())
    })
}
