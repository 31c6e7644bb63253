//! Commitments and their outcome events (`leadup_core::commitment`).
//!
//! A commitment is written once; its outcomes are appended as events numbered in order and are
//! never updated or deleted, so the original due date and every renegotiation stay on record.
//! Each write is audited in its own transaction. An outcome is checked against the commitment
//! as stored inside the transaction that appends it (`Commitment::check_outcome`), after a
//! no-op update of the commitment's row, which makes two outcomes recorded at once wait for
//! each other on both backends instead of both reading the same last event.

use std::collections::HashMap;

use leadup_core::commitment::{Commitment, CommitmentDraft, Event, Outcome, OutcomeInput, PlanItemRef};
use leadup_core::money::{Currency, Money};
use serde_json::json;
use time::Date;

use crate::audit::{Actor, append_audit};
use crate::{BeginWrite, Store, StoreError, dispatch, user_exists};

type CommitmentRow =
    (i64, i64, i64, String, Date, Date, f64, Option<i64>, Option<String>, Option<i64>, Option<i64>, Option<i64>);
type EventRow = (i64, i64, String, Date, Option<i64>, Option<Date>, Option<String>);

const SELECT: &str = "SELECT id, team_id, to_user_id, statement, made, due, confidence, budget_minor, currency, \
                      initiative_id, plan_id, plan_version FROM commitments";
const SELECT_EVENTS: &str =
    "SELECT commitment_id, seq, kind, on_date, spent_minor, new_due, reason FROM commitment_events";

/// Which commitments to read.
enum Filter {
    One(i64),
    Teams(Vec<i64>),
}

/// A commitment the approval of a plan baseline makes for one of its items.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanItemCommitment {
    /// The plan item's initiative.
    pub initiative_id: i64,
    /// The confidence stated for it (0 to 1).
    pub confidence: f64,
}

fn currency(text: &str, id: i64) -> Result<Currency, StoreError> {
    Currency::parse(text).ok_or_else(|| StoreError::Corrupt(format!("commitment {id}: currency '{text}'")))
}

fn build(rows: Vec<CommitmentRow>, events: Vec<EventRow>) -> Result<Vec<Commitment>, StoreError> {
    let mut by_commitment: HashMap<i64, Vec<Event>> = HashMap::new();
    let mut currencies: HashMap<i64, Currency> = HashMap::new();
    for row in &rows {
        if let Some(code) = &row.8 {
            currencies.insert(row.0, currency(code, row.0)?);
        }
    }
    for (commitment, seq, kind, on, spent, new_due, reason) in events {
        let corrupt = || StoreError::Corrupt(format!("commitment {commitment} event {seq}: kind '{kind}'"));
        let outcome = match kind.as_str() {
            "met" => Outcome::Met {
                spent: spent.map(|minor| Money {
                    minor,
                    currency: currencies.get(&commitment).cloned().unwrap_or_else(|| {
                        Currency::parse(leadup_core::initiative::DEFAULT_CURRENCY).expect("a currency code")
                    }),
                }),
            },
            "missed" => Outcome::Missed,
            "renegotiated" => {
                Outcome::Renegotiated { new_due: new_due.ok_or_else(corrupt)?, reason: reason.unwrap_or_default() }
            }
            "dropped" => Outcome::Dropped { reason: reason.unwrap_or_default() },
            _ => return Err(corrupt()),
        };
        by_commitment.entry(commitment).or_default().push(Event { on, outcome });
    }
    rows.into_iter()
        .map(
            |(
                id,
                team_id,
                to_user_id,
                statement,
                made,
                due,
                confidence,
                budget,
                _,
                initiative_id,
                plan_id,
                plan_version,
            )| {
                Ok(Commitment {
                    id,
                    team_id,
                    to_user_id,
                    statement,
                    made,
                    due,
                    confidence,
                    budget: budget.map(|minor| Money { minor, currency: currencies[&id].clone() }),
                    initiative_id,
                    plan_item: plan_id.zip(plan_version).map(|(plan_id, version)| PlanItemRef { plan_id, version }),
                    events: by_commitment.remove(&id).unwrap_or_default(),
                })
            },
        )
        .collect()
}

impl Store {
    /// Commitment `id` with its events.
    pub async fn commitment(&self, id: i64) -> Result<Commitment, StoreError> {
        self.load_commitments(Filter::One(id)).await?.pop().ok_or(StoreError::not_found("commitment", id))
    }

    /// The commitments of the teams `team_ids`, each with its events, by original due date.
    pub async fn team_commitments(&self, team_ids: &[i64]) -> Result<Vec<Commitment>, StoreError> {
        if team_ids.is_empty() {
            return Ok(Vec::new());
        }
        self.load_commitments(Filter::Teams(team_ids.to_vec())).await
    }

    async fn load_commitments(&self, filter: Filter) -> Result<Vec<Commitment>, StoreError> {
        let (rows, events): (Vec<CommitmentRow>, Vec<EventRow>) = match filter {
            Filter::One(id) => dispatch!(self, pool => {
                (
                    sqlx::query_as(&format!("{SELECT} WHERE id = $1")).bind(id).fetch_all(pool).await?,
                    sqlx::query_as(&format!("{SELECT_EVENTS} WHERE commitment_id = $1 ORDER BY seq"))
                        .bind(id).fetch_all(pool).await?,
                )
            }),
            Filter::Teams(teams) => {
                // Team ids are integers, so they are written into the statement rather than bound.
                let list = teams.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
                let rows_sql = format!("{SELECT} WHERE team_id IN ({list}) ORDER BY due, id");
                let events_sql = format!(
                    "{SELECT_EVENTS} WHERE commitment_id IN (SELECT id FROM commitments WHERE team_id IN ({list})) \
                     ORDER BY commitment_id, seq"
                );
                dispatch!(self, pool => {
                    (sqlx::query_as(&rows_sql).fetch_all(pool).await?, sqlx::query_as(&events_sql).fetch_all(pool).await?)
                })
            }
        };
        build(rows, events)
    }

    /// Stores a new commitment made by `by`. The team must exist, the person it is made to must
    /// be a user (`to_user_id` is named otherwise) and a linked initiative must be the team's own.
    pub async fn create_commitment(&self, draft: &CommitmentDraft, by: Actor) -> Result<Commitment, StoreError> {
        let id = dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let team: Option<i64> = sqlx::query_scalar("SELECT id FROM teams WHERE id = $1")
                .bind(draft.team_id).fetch_optional(&mut *tx).await?;
            if team.is_none() {
                return Err(StoreError::not_found("team", draft.team_id));
            }
            if !user_exists!(tx, draft.to_user_id) {
                return Err(StoreError::invalid("to_user_id", format!("user {} does not exist", draft.to_user_id)));
            }
            if let Some(initiative) = draft.initiative_id {
                let team: Option<i64> = sqlx::query_scalar("SELECT team_id FROM initiatives WHERE id = $1")
                    .bind(initiative).fetch_optional(&mut *tx).await?;
                match team {
                    None => return Err(StoreError::invalid("initiative_id", format!("initiative {initiative} does not exist"))),
                    Some(team) if team != draft.team_id => return Err(StoreError::invalid(
                        "initiative_id",
                        format!("initiative {initiative} belongs to another team"),
                    )),
                    Some(_) => {}
                }
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO commitments (team_id, to_user_id, statement, made, due, confidence, budget_minor, currency, \
                 initiative_id, plan_id, plan_version, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
            )
            .bind(draft.team_id).bind(draft.to_user_id).bind(&draft.statement).bind(draft.made).bind(draft.due)
            .bind(draft.confidence).bind(draft.budget.as_ref().map(|b| b.minor))
            .bind(draft.budget.as_ref().map(|b| b.currency.as_str().to_owned()))
            .bind(draft.initiative_id).bind(draft.plan_item.map(|p| p.plan_id)).bind(draft.plan_item.map(|p| p.version))
            .bind(by.user_id).bind(by.at.unix_timestamp())
            .fetch_one(&mut *tx).await?;
            let details = json!({
                "team": draft.team_id, "to": draft.to_user_id, "statement": draft.statement,
                "made": leadup_core::date::format(draft.made), "due": leadup_core::date::format(draft.due),
                "confidence": draft.confidence, "budget": draft.budget, "initiative": draft.initiative_id,
            });
            append_audit!(tx, by.event("commitment.created", format!("commitment:{id}"), &details));
            tx.commit().await?;
            id
        });
        self.commitment(id).await
    }

    /// Appends an outcome to commitment `id`, as `by` records it: checked against the commitment
    /// as stored (`Commitment::check_outcome`; the day defaults to `by`'s), so a closed
    /// commitment is refused naming the field and nothing is written.
    pub async fn record_commitment_outcome(
        &self,
        id: i64,
        input: &OutcomeInput,
        by: Actor,
    ) -> Result<Commitment, StoreError> {
        dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let locked = sqlx::query("UPDATE commitments SET id = id WHERE id = $1").bind(id).execute(&mut *tx).await?;
            if locked.rows_affected() == 0 {
                return Err(StoreError::not_found("commitment", id));
            }
            let rows: Vec<CommitmentRow> =
                sqlx::query_as(&format!("{SELECT} WHERE id = $1")).bind(id).fetch_all(&mut *tx).await?;
            let events: Vec<EventRow> = sqlx::query_as(&format!("{SELECT_EVENTS} WHERE commitment_id = $1 ORDER BY seq"))
                .bind(id).fetch_all(&mut *tx).await?;
            let commitment = build(rows, events)?.pop().ok_or(StoreError::not_found("commitment", id))?;
            let event = commitment.check_outcome(input, by.at.date())?;
            let (spent, new_due, reason) = match &event.outcome {
                Outcome::Met { spent } => (spent.as_ref().map(|s| s.minor), None, None),
                Outcome::Missed => (None, None, None),
                Outcome::Renegotiated { new_due, reason } => (None, Some(*new_due), Some(reason.clone())),
                Outcome::Dropped { reason } => (None, None, Some(reason.clone())),
            };
            let seq = i64::try_from(commitment.events.len()).unwrap_or(i64::MAX);
            sqlx::query(
                "INSERT INTO commitment_events (commitment_id, seq, kind, on_date, spent_minor, new_due, reason, \
                 recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(id).bind(seq).bind(event.outcome.kind()).bind(event.on).bind(spent).bind(new_due).bind(&reason)
            .bind(by.user_id).bind(by.at.unix_timestamp())
            .execute(&mut *tx).await?;
            let details = json!({"event": &event});
            append_audit!(tx, by.event(&format!("commitment.{}", event.outcome.kind()), format!("commitment:{id}"), &details));
            tx.commit().await?;
        });
        self.commitment(id).await
    }
}

/// Inserts, inside transaction `$tx`, the commitments approving version `$number` of plan
/// `$plan` makes: one per item of its content `$items` (`PlanItem`s) that `$seeds` gives a
/// confidence for, to the approver `$by`, made on the approval day, due the item's target,
/// its budget the item's in the initiative's currency (none when 0). Each is audited.
macro_rules! insert_plan_commitments {
    ($tx:expr, $plan:expr, $team:expr, $number:expr, $items:expr, $seeds:expr, $by:expr) => {{
        for item in $items {
            let Some(seed) = $seeds.iter().find(|s: &&$crate::commitments::PlanItemCommitment| s.initiative_id == item.initiative_id) else {
                continue;
            };
            let mut errors = leadup_core::ValidationErrors::default();
            leadup_core::commitment::check_confidence(&mut errors, "confidence", seed.confidence);
            if !errors.0.is_empty() {
                return Err($crate::StoreError::Invalid(errors));
            }
            let (title, currency): (String, String) =
                sqlx::query_as("SELECT title, currency FROM initiatives WHERE id = $1")
                    .bind(item.initiative_id).fetch_one(&mut *$tx).await?;
            // Made on the approval day, or on the target when that has already passed.
            let made = $by.at.date().min(item.target_date);
            let statement = format!("Deliver {title} by {}", leadup_core::date::format(item.target_date));
            let budget = (item.budget > 0).then_some(item.budget);
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO commitments (team_id, to_user_id, statement, made, due, confidence, budget_minor, currency, \
                 initiative_id, plan_id, plan_version, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
            )
            .bind($team).bind($by.user_id).bind(&statement).bind(made).bind(item.target_date)
            .bind(seed.confidence).bind(budget).bind(budget.map(|_| currency))
            .bind(item.initiative_id).bind($plan).bind($number)
            .bind($by.user_id).bind($by.at.unix_timestamp())
            .fetch_one(&mut *$tx).await?;
            let details = serde_json::json!({
                "team": $team, "to": $by.user_id, "statement": statement, "plan": $plan, "version": $number,
                "due": leadup_core::date::format(item.target_date), "confidence": seed.confidence, "initiative": item.initiative_id,
            });
            $crate::audit::append_audit!($tx, $by.event("commitment.created", format!("commitment:{id}"), &details));
        }
    }};
}
pub(crate) use insert_plan_commitments;
