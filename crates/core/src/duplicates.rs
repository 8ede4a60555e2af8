//! Duplicate persons: candidate pairs by birth date and normalised name or reading, reviewed by
//! a person; a merge keeps every linked record and is audited.

use serde::Serialize;

use crate::audit::{self, Action};
use crate::model::staff::Actor;
use crate::person::{self, Person, PersonError};
use crate::store::Store;
use crate::{Page, Paged};

#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    pub a: i64,
    pub b: i64,
    pub a_name: String,
    pub b_name: String,
    pub a_kana: String,
    pub b_kana: String,
    pub birth_date: chrono::NaiveDate,
    /// 0–100: 100 when the names fold to the same key.
    pub score: u32,
    pub reason: String,
}

#[derive(Debug, thiserror::Error)]
pub enum DuplicateError {
    #[error("同じ人を統合することはできません")]
    SamePerson,
    #[error("統合・除外は国保・後期の係長または管理者が行います")]
    Forbidden,
    #[error(transparent)]
    Person(#[from] PersonError),
    #[error(transparent)]
    Access(#[from] crate::access::AccessError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl DuplicateError {
    pub fn code(&self) -> &'static str {
        match self {
            DuplicateError::SamePerson => "duplicates.same_person",
            DuplicateError::Forbidden => "duplicates.forbidden",
            DuplicateError::Person(e) => e.code(),
            DuplicateError::Access(e) => e.code(),
            DuplicateError::Store(e) => e.code(),
        }
    }
}

/// Similarity of two readings, 0–100, from their edit distance.
pub fn similarity(a: &str, b: &str) -> u32 {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let n = a.len().max(b.len());
    if n == 0 {
        return 100;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    (100 * (n - prev[b.len()]) / n) as u32
}

/// Candidate pairs, best first: same birth date, and the same folded name, the same reading,
/// or readings at least 80 % alike. Pairs dismissed before are left out.
pub fn candidates(store: &Store, actor: &Actor, page: Page, _now: chrono::NaiveDateTime) -> Result<Paged<Candidate>, DuplicateError> {
    store.enter(actor.municipality)?;
    crate::access::require(actor, crate::access::Permission::ImportData)?;
    let conn = &store.read();
    let rows = conn.duplicates().sharing_birth_date()?;
    let dismissed = conn.duplicates().dismissed()?;
    let mut out = Vec::new();
    let mut start = 0;
    while start < rows.len() {
        let mut end = start + 1;
        while end < rows.len() && rows[end].birth_date == rows[start].birth_date {
            end += 1;
        }
        for i in start..end {
            for j in i + 1..end {
                let (x, y) = (&rows[i], &rows[j]);
                if dismissed.contains(&(x.id, y.id)) {
                    continue;
                }
                let (score, reason) = if x.name_norm == y.name_norm {
                    (100, "氏名 (異体字を同一視) と生年月日が一致")
                } else if x.kana_norm == y.kana_norm {
                    (95, "フリガナと生年月日が一致")
                } else {
                    let s = similarity(&x.kana_norm, &y.kana_norm);
                    if s < 80 {
                        continue;
                    }
                    (s, "フリガナが似ていて生年月日が一致")
                };
                out.push(Candidate {
                    a: x.id,
                    b: y.id,
                    a_name: x.name.clone(),
                    b_name: y.name.clone(),
                    a_kana: x.kana.clone(),
                    b_kana: y.kana.clone(),
                    birth_date: x.birth_date,
                    score,
                    reason: reason.to_string(),
                });
            }
        }
        start = end;
    }
    out.sort_by(|p, q| q.score.cmp(&p.score).then(p.a.cmp(&q.a)));
    let total = out.len() as i64;
    let items = out.into_iter().skip(page.offset as usize).take(page.limit as usize).collect();
    Ok(Paged { items, total, offset: page.offset, limit: page.limit })
}

fn may_decide(actor: &Actor) -> Result<(), DuplicateError> {
    if crate::access::can(actor, crate::access::Permission::ImportData) {
        Ok(())
    } else {
        Err(DuplicateError::Forbidden)
    }
}

/// Records that two persons are different people.
pub fn dismiss(store: &mut Store, actor: &Actor, a: i64, b: i64, now: chrono::NaiveDateTime) -> Result<(), DuplicateError> {
    store.enter(actor.municipality)?;
    may_decide(actor)?;
    if a == b {
        return Err(DuplicateError::SamePerson);
    }
    let (a, b) = (a.min(b), a.max(b));
    store.write(|tx| {
        person::load(tx, a)?;
        person::load(tx, b)?;
        tx.duplicates_mut().dismiss(a, b, actor.staff_id, &crate::stamp(now))?;
        audit::record(tx, actor, now, Action::Update, "duplicate", None, serde_json::json!({"dismissed": [a, b]}))?;
        Ok(())
    })
}

fn fill(keep: &mut String, other: &str) {
    if keep.is_empty() {
        *keep = other.to_string();
    }
}

/// Merges `other` into `keep`: every touchpoint, referral, application, certificate and
/// follow-up moves to `keep`, empty fields of `keep` are filled from `other`, and `other` is
/// removed. The audit event holds both records as they were.
pub fn merge(store: &mut Store, actor: &Actor, keep: i64, other: i64, now: chrono::NaiveDateTime) -> Result<Person, DuplicateError> {
    store.enter(actor.municipality)?;
    may_decide(actor)?;
    if keep == other {
        return Err(DuplicateError::SamePerson);
    }
    store.write(|tx| {
        let before_keep = person::load(tx, keep)?;
        let before_other = person::load(tx, other)?;
        let mut merged = before_keep.clone();
        let o = &before_other;
        for (k, v) in [
            (&mut merged.postal_code, &o.postal_code),
            (&mut merged.address, &o.address),
            (&mut merged.phone, &o.phone),
            (&mut merged.householder, &o.householder),
            (&mut merged.insurer_no, &o.insurer_no),
            (&mut merged.other_insurer, &o.other_insurer),
            (&mut merged.card_symbol, &o.card_symbol),
            (&mut merged.card_number, &o.card_number),
            (&mut merged.card_branch, &o.card_branch),
            (&mut merged.legal_rep_name, &o.legal_rep_name),
            (&mut merged.safe_postal_code, &o.safe_postal_code),
            (&mut merged.safe_address, &o.safe_address),
            (&mut merged.household_no, &o.household_no),
            (&mut merged.alias, &o.alias),
        ] {
            fill(k, v);
        }
        merged.relationship = merged.relationship.or(o.relationship);
        merged.residence_until = merged.residence_until.or(o.residence_until);
        merged.western_calendar |= o.western_calendar;
        for r in &o.reasons {
            if !merged.reasons.contains(r) {
                merged.reasons.push(*r);
            }
        }
        merged.reasons.sort();
        merged.protected |= o.protected;
        merged.wishes_cancel |= o.wishes_cancel;
        merged.facility_id = merged.facility_id.or(o.facility_id);
        if merged.notes.is_empty() {
            merged.notes = o.notes.clone();
        } else if !o.notes.is_empty() {
            merged.notes = format!("{}\n{}", merged.notes, o.notes);
        }
        let take_atena = merged.atena_no.is_empty() && !o.atena_no.is_empty();
        tx.duplicates_mut().fold_into(keep, other)?;
        if take_atena {
            merged.atena_no = o.atena_no.clone();
        }
        person::write_row(tx, &merged, &crate::stamp(now))?;
        audit::record(
            tx,
            actor,
            now,
            Action::Update,
            "person",
            Some(keep),
            serde_json::json!({
                "merged_from": other, "before_keep": before_keep, "before_other": before_other, "after": merged
            }),
        )?;
        Ok(merged)
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn similarity_of_readings() {
        assert_eq!(super::similarity("サイトウハナコ", "サイトウハナコ"), 100);
        assert!(super::similarity("サイトウハナコ", "サイトーハナコ") >= 80);
        assert!(super::similarity("サイトウハナコ", "スズキイチロウ") < 50);
    }
}
