//! Rows as the database returns them, and their assembly into domain values.

use std::collections::HashMap;

use leadup_core::access::Role;
use leadup_core::evidence::{Evidence, EvidenceKind};
use leadup_core::initiative::{Horizon, Initiative, Status, TargetWindow};
use leadup_core::money::Currency;
use leadup_core::strategy::{KeyResult, Objective};
use leadup_core::team::{Team, TeamPerson};
use time::Date;

use crate::StoreError;

#[derive(sqlx::FromRow)]
pub(crate) struct ObjectiveRow {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub owner: String,
}

#[derive(sqlx::FromRow)]
pub(crate) struct KeyResultRow {
    pub objective_id: i64,
    pub metric: String,
    pub unit: String,
    pub baseline: f64,
    pub target: f64,
    pub current_value: f64,
    pub due: Date,
}

#[derive(sqlx::FromRow)]
pub(crate) struct TeamRow {
    pub id: i64,
    pub name: String,
}

/// A user holding a role in a team, or a pending person (no `user_id`).
#[derive(sqlx::FromRow)]
pub(crate) struct PersonRow {
    pub team_id: i64,
    pub role: String,
    pub user_id: Option<i64>,
    pub name: String,
}

#[derive(sqlx::FromRow)]
pub(crate) struct InitiativeRow {
    pub id: i64,
    pub team_id: i64,
    pub title: String,
    pub outcome: String,
    pub horizon: Option<String>,
    pub target_start: Option<Date>,
    pub target_end: Option<Date>,
    pub status: String,
    pub budget_planned: i64,
    pub budget_actual: i64,
    pub currency: String,
}

#[derive(sqlx::FromRow)]
pub(crate) struct LinkRow {
    pub initiative_id: i64,
    pub objective_id: i64,
}

/// Joins objectives with their key results (which arrive ordered by objective and position).
pub(crate) fn objectives(rows: Vec<ObjectiveRow>, key_results: Vec<KeyResultRow>) -> Vec<Objective> {
    let mut by_objective: HashMap<i64, Vec<KeyResult>> = HashMap::new();
    for kr in key_results {
        by_objective.entry(kr.objective_id).or_default().push(KeyResult {
            metric: kr.metric,
            unit: kr.unit,
            baseline: kr.baseline,
            target: kr.target,
            current: kr.current_value,
            due: kr.due,
        });
    }
    rows.into_iter()
        .map(|o| Objective {
            key_results: by_objective.remove(&o.id).unwrap_or_default(),
            id: o.id,
            title: o.title,
            description: o.description,
            owner: o.owner,
        })
        .collect()
}

/// Joins teams with their people (which arrive in the order they are shown).
pub(crate) fn teams(rows: Vec<TeamRow>, people: Vec<PersonRow>) -> Result<Vec<Team>, StoreError> {
    let mut by_team: HashMap<i64, Team> = HashMap::new();
    for person in people {
        let role: Role = person.role.parse().map_err(StoreError::Corrupt)?;
        let team = by_team.entry(person.team_id).or_insert_with(|| empty_team(person.team_id, String::new()));
        let list = match role {
            Role::Manager => &mut team.managers,
            Role::Member => &mut team.members,
            Role::Executive => &mut team.executives,
        };
        list.push(TeamPerson { user_id: person.user_id, name: person.name });
    }
    Ok(rows
        .into_iter()
        .map(|t| {
            let mut team = by_team.remove(&t.id).unwrap_or_else(|| empty_team(t.id, String::new()));
            team.name = t.name;
            team
        })
        .collect())
}

fn empty_team(id: i64, name: String) -> Team {
    Team { id, name, managers: Vec::new(), members: Vec::new(), executives: Vec::new() }
}

/// Joins initiatives with the objectives they serve (links arrive ordered by position).
pub(crate) fn initiatives(rows: Vec<InitiativeRow>, links: Vec<LinkRow>) -> Result<Vec<Initiative>, StoreError> {
    let mut by_initiative: HashMap<i64, Vec<i64>> = HashMap::new();
    for link in links {
        by_initiative.entry(link.initiative_id).or_default().push(link.objective_id);
    }
    rows.into_iter()
        .map(|row| {
            let corrupt =
                |what: &str, value: &str| StoreError::Corrupt(format!("initiative {}: {what} '{value}'", row.id));
            let horizon = match &row.horizon {
                Some(h) => Some(Horizon::parse(h).ok_or_else(|| corrupt("horizon", h))?),
                None => None,
            };
            let status = Status::parse(&row.status).ok_or_else(|| corrupt("status", &row.status))?;
            let currency = Currency::parse(&row.currency).ok_or_else(|| corrupt("currency", &row.currency))?;
            let window = match (row.target_start, row.target_end) {
                (Some(start), Some(end)) => Some(TargetWindow { start, end }),
                _ => None,
            };
            Ok(Initiative {
                objective_ids: by_initiative.remove(&row.id).unwrap_or_default(),
                id: row.id,
                team_id: row.team_id,
                title: row.title,
                outcome: row.outcome,
                horizon,
                window,
                status,
                budget_planned: row.budget_planned,
                budget_actual: row.budget_actual,
                currency,
            })
        })
        .collect()
}

#[derive(sqlx::FromRow)]
pub(crate) struct EvidenceRow {
    pub id: i64,
    pub kind: String,
    pub summary: String,
    pub source: Option<String>,
    pub observed_on: Option<Date>,
    pub customer: Option<String>,
    pub customers_affected: Option<i64>,
    pub revenue_at_stake: Option<i64>,
    pub currency: String,
    pub recorded_by: Option<String>,
    pub recorder_id: Option<i64>,
}

/// Evidence kept as it was when cited (the JSON of [`Evidence`]'s serialisation, see the
/// migration `evidence_as_cited`) as a row.
pub(crate) fn cited_evidence(json: &str) -> Result<EvidenceRow, StoreError> {
    #[derive(serde::Deserialize)]
    struct Cited {
        id: i64,
        kind: String,
        summary: String,
        source: Option<String>,
        date: Option<String>,
        customer: Option<String>,
        customers_affected: Option<i64>,
        revenue_at_stake: Option<i64>,
        currency: String,
        recorded_by: Option<String>,
        recorder_id: Option<i64>,
    }
    let corrupt = |what: String| StoreError::Corrupt(format!("evidence as cited: {what}"));
    let cited: Cited = serde_json::from_str(json).map_err(|e| corrupt(e.to_string()))?;
    let observed_on = match &cited.date {
        Some(text) => Some(leadup_core::date::parse(text).ok_or_else(|| corrupt(format!("date '{text}'")))?),
        None => None,
    };
    Ok(EvidenceRow {
        id: cited.id,
        kind: cited.kind,
        summary: cited.summary,
        source: cited.source,
        observed_on,
        customer: cited.customer,
        customers_affected: cited.customers_affected,
        revenue_at_stake: cited.revenue_at_stake,
        currency: cited.currency,
        recorded_by: cited.recorded_by,
        recorder_id: cited.recorder_id,
    })
}

/// Evidence rows as domain values.
pub(crate) fn evidence(rows: Vec<EvidenceRow>) -> Result<Vec<Evidence>, StoreError> {
    rows.into_iter()
        .map(|row| {
            let corrupt =
                |what: &str, value: &str| StoreError::Corrupt(format!("evidence {}: {what} '{value}'", row.id));
            let kind = EvidenceKind::parse(&row.kind).ok_or_else(|| corrupt("kind", &row.kind))?;
            let currency = Currency::parse(&row.currency).ok_or_else(|| corrupt("currency", &row.currency))?;
            Ok(Evidence {
                id: row.id,
                kind,
                summary: row.summary,
                source: row.source,
                date: row.observed_on,
                customer: row.customer,
                customers_affected: row.customers_affected,
                revenue_at_stake: row.revenue_at_stake,
                currency,
                recorded_by: row.recorded_by,
                recorder_id: row.recorder_id,
            })
        })
        .collect()
}
