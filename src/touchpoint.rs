//! Consultation touchpoints (接点) and the leaflets handed out at them (R10).

use chrono::NaiveDate;
use rusqlite::params;
use serde::{Deserialize, Serialize};

use crate::audit::{self, Action};
use crate::coded_enum;
use crate::leaflet::{self, Leaflet};
use crate::person::{self, PersonError};
use crate::staff::{Actor, Desk};
use crate::store::Store;
use crate::validate::{self, Checker, Invalid};

coded_enum! {
    pub enum TouchpointKind ("接点の種類") {
        CareCertification = ("care_certification", "要介護認定申請"),
        DisabilityCertification = ("disability_certification", "障害等級認定申請"),
        HoukatsuConsultation = ("houkatsu_consultation", "地域包括支援センター相談"),
        KikanConsultation = ("kikan_consultation", "基幹相談支援センター相談"),
        ServiceStart = ("service_start", "サービス利用開始"),
        Outreach = ("outreach", "出張申請"),
        Counter = ("counter", "窓口"),
        Visit = ("visit", "訪問"),
        Phone = ("phone", "電話"),
        FacilityCampaign = ("facility_campaign", "施設への呼びかけ"),
    }
}

impl TouchpointKind {
    /// The touchpoints at which R10 asks the welfare desks to hand out 別添1.
    pub fn is_r10_occasion(self) -> bool {
        matches!(
            self,
            TouchpointKind::CareCertification
                | TouchpointKind::DisabilityCertification
                | TouchpointKind::HoukatsuConsultation
                | TouchpointKind::KikanConsultation
                | TouchpointKind::ServiceStart
        )
    }
}

coded_enum! {
    /// What the person said they want.
    pub enum Wish ("本人の意向") {
        Unknown = ("unknown", "未確認"),
        WantsCertificate = ("wants_certificate", "資格確認書を希望"),
        KeepsCard = ("keeps_card", "マイナ保険証を利用"),
        WantsCancel = ("wants_cancel", "利用登録の解除を希望"),
        Undecided = ("undecided", "検討中"),
    }
}

#[derive(ts_rs::TS, Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct TouchpointInput {
    pub person_id: i64,
    pub date: String,
    pub kind: String,
    pub leaflets: Vec<String>,
    pub wish: String,
    pub notes: String,
}

#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct Touchpoint {
    pub id: i64,
    pub person_id: i64,
    /// The desk's label (介護保険 …); `desk_code` is its code.
    pub desk: String,
    pub desk_code: Desk,
    pub staff_login: String,
    pub date: NaiveDate,
    pub kind: TouchpointKind,
    pub kind_label: &'static str,
    pub leaflets: Vec<LeafletGiven>,
    pub wish: Wish,
    pub wish_label: &'static str,
    pub notes: String,
}

#[derive(ts_rs::TS, Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LeafletGiven {
    pub leaflet: Leaflet,
    pub edition: String,
}

/// What the worker is told after recording a touchpoint.
#[derive(ts_rs::TS, Debug, Clone, Serialize)]
pub struct Recorded {
    pub touchpoint: Touchpoint,
    /// R10: this is an occasion for 別添1 and the person has never been given it.
    pub prompt_bessou1: bool,
    pub prompt_message: Option<String>,
    /// R12: the person wishes to cancel the card's insurance registration.
    pub r12_guidance: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum TouchpointError {
    #[error("{0}")]
    Invalid(Invalid),
    #[error(transparent)]
    Person(#[from] PersonError),
    #[error(transparent)]
    Access(#[from] crate::access::AccessError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Db(#[from] rusqlite::Error),
}

impl TouchpointError {
    pub fn code(&self) -> &'static str {
        match self {
            TouchpointError::Invalid(_) => "touchpoint.invalid",
            TouchpointError::Person(e) => e.code(),
            TouchpointError::Access(e) => e.code(),
            TouchpointError::Store(e) => e.code(),
            TouchpointError::Db(_) => "touchpoint.db",
        }
    }
}

/// The R12 guidance, worded for the clerk to pass on.
pub const R12_GUIDANCE: &str = "利用登録の解除を希望される場合も、マイナ保険証を保有したまま、申請により資格確認書の交付を受けられることをお伝えください (R12)。暗証番号の管理が不安な方には顔認証マイナンバーカードもご案内できます (R11)。";

/// True when the person has ever been handed 別添1.
pub(crate) fn has_had_bessou1(conn: &crate::store::Read<'_>, person_id: i64) -> Result<bool, rusqlite::Error> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM touchpoint t JOIN touchpoint_leaflet l ON l.touchpoint_id = t.id
                        WHERE t.person_id = ?1 AND l.leaflet = 'bessou1')",
        [person_id],
        |r| r.get(0),
    )
}

/// Records a touchpoint at the actor's desk, with the leaflets handed out (current editions).
pub fn add(store: &mut Store, actor: &Actor, input: &TouchpointInput, now: chrono::NaiveDateTime) -> Result<Recorded, TouchpointError> {
    crate::access::require(actor, crate::access::Permission::RecordTouchpoint)?;
    let today = now.date();
    let mut c = Checker::new();
    let date = if input.date.trim().is_empty() {
        Some(today)
    } else {
        c.take("date", validate::date("接点の日付", &input.date).and_then(|d| {
            if d > today { Err("接点の日付が未来です。今日以前の日付を入力してください".to_string()) } else { Ok(d) }
        }))
    };
    let kind = if input.kind.trim().is_empty() {
        c.fail("kind", "接点の種類を選んでください");
        None
    } else {
        c.take("kind", TouchpointKind::parse(&input.kind))
    };
    let mut leaflets = Vec::new();
    for l in &input.leaflets {
        if let Some(l) = c.take("leaflets", Leaflet::parse(l)) {
            if !leaflets.contains(&l) {
                leaflets.push(l);
            }
        }
    }
    let wish = if input.wish.trim().is_empty() { Some(Wish::Unknown) } else { c.take("wish", Wish::parse(&input.wish)) };
    let notes = c.take("notes", validate::text("メモ", &input.notes, 2000, false));
    c.finish().map_err(TouchpointError::Invalid)?;
    let (Some(date), Some(kind), Some(wish), Some(notes)) = (date, kind, wish, notes) else {
        unreachable!("the checker refused any missing value above")
    };
    store.write(|tx| {
        person::load(tx, input.person_id)?;
        tx.execute(
            "INSERT INTO touchpoint (person_id, desk, staff_id, date, kind, wish, notes, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![input.person_id, actor.desk, actor.staff_id, date, kind, wish, notes, crate::stamp(now)],
        )?;
        let id = tx.last_insert_rowid();
        let mut given = Vec::new();
        for l in &leaflets {
            let edition = leaflet::current_edition(tx, *l, date)?;
            tx.execute("INSERT INTO touchpoint_leaflet (touchpoint_id, leaflet, edition) VALUES (?1, ?2, ?3)", params![id, l, edition])?;
            given.push(LeafletGiven { leaflet: *l, edition });
        }
        if wish == Wish::WantsCancel {
            tx.execute("UPDATE person SET wishes_cancel = 1 WHERE id = ?1", [input.person_id])?;
        }
        audit::record(tx, actor, now, Action::Create, "touchpoint", Some(id), serde_json::json!({"person_id": input.person_id, "kind": kind, "leaflets": leaflets}))?;
        let prompt = kind.is_r10_occasion() && !has_had_bessou1(tx, input.person_id)?;
        Ok(Recorded {
            touchpoint: Touchpoint {
                id,
                person_id: input.person_id,
                desk: actor.desk.label().to_string(),
                desk_code: actor.desk,
                staff_login: actor.login.clone(),
                date,
                kind,
                kind_label: kind.label(),
                leaflets: given,
                wish,
                wish_label: wish.label(),
                notes,
            },
            prompt_bessou1: prompt,
            prompt_message: prompt.then(|| "この方にはまだ別添1のリーフレットを渡していません。資格確認書は代理申請も含めて申請できることを案内し、別添1を渡してください (R10)。".to_string()),
            r12_guidance: (wish == Wish::WantsCancel).then(|| R12_GUIDANCE.to_string()),
        })
    })
}

/// A person's touchpoints, newest first.
pub(crate) fn for_person(conn: &crate::store::Read<'_>, person_id: i64) -> Result<Vec<Touchpoint>, rusqlite::Error> {
    let mut stmt = conn.prepare(
        "SELECT t.id, t.person_id, t.desk, s.login, t.date, t.kind, t.wish, t.notes, t.desk,
                (SELECT group_concat(l.leaflet || ':' || l.edition, '|') FROM touchpoint_leaflet l WHERE l.touchpoint_id = t.id)
         FROM touchpoint t JOIN staff s ON s.id = t.staff_id
         WHERE t.person_id = ?1 ORDER BY t.date DESC, t.id DESC",
    )?;
    let rows = stmt.query_map([person_id], |r| {
        let kind: TouchpointKind = r.get(5)?;
        let wish: Wish = r.get(6)?;
        let leaflets: Option<String> = r.get(9)?;
        Ok(Touchpoint {
            id: r.get(0)?,
            person_id: r.get(1)?,
            desk: r.get::<_, Desk>(2)?.label().to_string(),
            desk_code: r.get(8)?,
            staff_login: r.get(3)?,
            date: r.get(4)?,
            kind,
            kind_label: kind.label(),
            leaflets: leaflets
                .unwrap_or_default()
                .split('|')
                .filter_map(|s| {
                    let (l, e) = s.split_once(':')?;
                    Some(LeafletGiven { leaflet: Leaflet::from_code(l)?, edition: e.to_string() })
                })
                .collect(),
            wish,
            wish_label: wish.label(),
            notes: r.get(7)?,
        })
    })?;
    rows.collect()
}
