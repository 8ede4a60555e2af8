//! The policy's rules, and the facts about a person that the rules and the printed forms test.

use super::sql::params;
use chrono::NaiveDate;

use super::{Read, StoreError, Write};
use crate::model::policy::Rule;
// Scheme is group 1's (persons); it is named through its domain module until it moves to
// `crate::model::person`.
use crate::model::person::Scheme;

/// Reads rules and the facts rules test.
pub struct PolicyHandle<'a> {
    conn: super::Conn<'a>,
}

impl<'a> Read<'a> {
    pub fn policy(&self) -> PolicyHandle<'a> {
        PolicyHandle { conn: self.conn }
    }
}

impl PolicyHandle<'_> {
    /// How many rules are stored.
    pub fn count(&self) -> Result<i64, StoreError> {
        self.conn.query_row(&self.conn.own("SELECT count(*) FROM policy_rule WHERE {own}"), [], |r| r.get(0))
    }

    /// Every rule, by scheme, priority, effective date and id.
    pub fn rules(&self) -> Result<Vec<Rule>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT id, priority, scheme, effective_from, effective_until, condition, route, r_numbers, explanation,
                    to_confirm, source FROM policy_rule ORDER BY scheme, priority, effective_from, id",
        )?;
        let rows = stmt.query_map([], |r| {
            let cond: String = r.get(5)?;
            let rn: String = r.get(7)?;
            Ok(Rule {
                id: r.get(0)?,
                priority: r.get(1)?,
                scheme: r.get(2)?,
                effective_from: r.get(3)?,
                effective_until: r.get(4)?,
                condition: serde_json::from_str(&cond).unwrap_or_default(),
                route: r.get(6)?,
                r_numbers: rn.split(',').filter(|s| !s.is_empty()).map(String::from).collect(),
                explanation: r.get(8)?,
                to_confirm: r.get(9)?,
                source: r.get(10)?,
            })
        })?;
        rows.collect::<Result<_, _>>()
    }

    /// Whether the person has an application for `scheme`, received on or before `on`, that was
    /// not refused or withdrawn.
    pub fn has_standing_application(&self, person_id: i64, scheme: Scheme, on: NaiveDate) -> Result<bool, StoreError> {
        self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM application WHERE person_id = ?1 AND scheme = ?2
                            AND status NOT IN ('rejected', 'withdrawn', 'union_rejected') AND received_on <= ?3)",
            params![person_id, scheme.code(), on],
            |r| r.get(0),
        )
    }

    /// Whether the person has an application being handled or already answered with a
    /// certificate (received, reviewing, decided, at renewal or issued; for 後期 also forwarded,
    /// issued by the 広域連合 or handed over).
    pub fn has_application_under_way(&self, person_id: i64) -> Result<bool, StoreError> {
        self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM application WHERE person_id = ?1
                AND status IN ('received', 'reviewing', 'decided', 'at_renewal', 'issued', 'forwarded', 'union_issued', 'handed_over'))",
            [person_id],
            |r| r.get(0),
        )
    }

    /// Whether a 要介護認定 touchpoint is recorded for the person.
    pub fn had_care_certification(&self, person_id: i64) -> Result<bool, StoreError> {
        self.conn.query_row("SELECT EXISTS (SELECT 1 FROM touchpoint WHERE person_id = ?1 AND kind = 'care_certification')", [person_id], |r| r.get(0))
    }
}

/// Changes rules, inside a write transaction.
pub struct PolicyHandleMut<'a> {
    conn: super::Conn<'a>,
}

impl<'a> Write<'a> {
    pub fn policy_mut(&self) -> PolicyHandleMut<'a> {
        PolicyHandleMut { conn: self.conn }
    }
}

impl PolicyHandleMut<'_> {
    /// Adds `rule`, or replaces the rule with its id.
    pub fn upsert(&self, rule: &Rule) -> Result<(), StoreError> {
        // A rule's id is its municipality's: PostgreSQL's key is the two.
        let conflict = self.conn.dialect("id", "municipality_id, id");
        self.conn.execute(
            &format!(
                "INSERT INTO policy_rule (id, priority, scheme, effective_from, effective_until, condition, route, r_numbers,
                                      explanation, to_confirm, source)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
             ON CONFLICT({conflict}) DO UPDATE SET priority = excluded.priority, scheme = excluded.scheme,
                 effective_from = excluded.effective_from, effective_until = excluded.effective_until,
                 condition = excluded.condition, route = excluded.route, r_numbers = excluded.r_numbers,
                 explanation = excluded.explanation, to_confirm = excluded.to_confirm, source = excluded.source"
            ),
            params![
                rule.id,
                rule.priority,
                rule.scheme,
                rule.effective_from,
                rule.effective_until,
                serde_json::to_string(&rule.condition).unwrap_or_else(|_| "{}".into()),
                rule.route,
                rule.r_numbers.join(","),
                rule.explanation,
                rule.to_confirm,
                rule.source
            ],
        )?;
        Ok(())
    }

    pub fn remove(&self, id: &str) -> Result<(), StoreError> {
        self.conn.execute(&self.conn.own("DELETE FROM policy_rule WHERE {own} AND id = ?1"), [id])?;
        Ok(())
    }
}
