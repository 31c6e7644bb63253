//! A team's process document, kept as versions (each save a new one, none ever changed), and
//! the decisions its manager adds to the decision log by hand. The decisions leadup records
//! itself (plan decisions, change-request sign-offs, proposal moves) stay in their own tables;
//! `leadup_app::process` reads them from there.

use leadup_core::priority::{Method, Weights};
use leadup_core::process::{DecisionDraft, Process, ProcessVersion};
use serde::Serialize;
use time::Date;

use crate::audit::{Actor, append_audit};
use crate::wins::role_in_team;
use crate::{BeginWrite, Store, StoreError, dispatch};

/// A decision added to a team's log by hand.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredDecision {
    /// Its id.
    pub id: i64,
    /// The team.
    pub team_id: i64,
    /// When it was decided.
    #[serde(with = "leadup_core::date::iso_date")]
    pub decided_on: Date,
    /// What was decided.
    pub title: String,
    /// The options considered.
    pub options: Vec<String>,
    /// The evidence cited, by id.
    pub evidence_ids: Vec<i64>,
    /// Who decided, as written.
    pub decided_by: String,
    /// Why.
    pub reason: String,
    /// The manager who added it.
    pub added_by: i64,
    /// When (Unix seconds).
    pub added_at: i64,
}

type ProcessRow = (i64, i64, String, f64, f64, f64, f64, String, String, String, String, i64, i64);
type DecisionRow = (i64, i64, Date, String, String, String, String, i64, i64);

/// Refuses unless `$user` is a manager of team `$team` (which must exist).
macro_rules! require_manager {
    ($tx:expr, $team:expr, $user:expr, $what:expr) => {{
        let found: Option<i64> =
            sqlx::query_scalar("SELECT id FROM teams WHERE id = $1").bind($team).fetch_optional(&mut *$tx).await?;
        if found.is_none() {
            return Err(StoreError::not_found("team", $team));
        }
        if role_in_team!($tx, $team, $user).as_deref() != Some("manager") {
            return Err(StoreError::Forbidden(format!("Only the team's manager {}.", $what)));
        }
    }};
}

impl Store {
    /// Saves a new version of `team`'s process document, as `by` (its manager) writes it.
    pub async fn save_process(&self, team: i64, process: &Process, by: Actor) -> Result<ProcessVersion, StoreError> {
        dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            require_manager!(tx, team, by.user_id, "writes its process document");
            let last: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM process_versions WHERE team_id = $1")
                .bind(team).fetch_one(&mut *tx).await?;
            let version = last.unwrap_or(0) + 1;
            let w = process.weights;
            sqlx::query(
                "INSERT INTO process_versions (team_id, version, priority_method, weight_reach, weight_impact, \
                 weight_confidence, weight_effort, priorities, definition_of_done, cadence, change_requests, saved_by, saved_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            )
            .bind(team).bind(version).bind(process.method_name()).bind(w.reach).bind(w.impact).bind(w.confidence)
            .bind(w.effort).bind(&process.priorities).bind(&process.definition_of_done).bind(&process.cadence)
            .bind(&process.change_requests).bind(by.user_id).bind(by.at.unix_timestamp())
            .execute(&mut *tx).await?;
            let details = serde_json::json!({ "team": team, "version": version, "process": process });
            append_audit!(tx, by.event("process.saved", format!("team:{team}"), &details));
            tx.commit().await?;
        });
        self.process_versions(team).await?.into_iter().next().ok_or(StoreError::not_found("team", team))
    }

    /// Every version of `team`'s process document, newest first (empty when never written).
    pub async fn process_versions(&self, team: i64) -> Result<Vec<ProcessVersion>, StoreError> {
        let rows: Vec<ProcessRow> = dispatch!(self, pool => {
            sqlx::query_as(
                "SELECT team_id, version, priority_method, weight_reach, weight_impact, weight_confidence, weight_effort, \
                 priorities, definition_of_done, cadence, change_requests, saved_by, saved_at FROM process_versions \
                 WHERE team_id = $1 ORDER BY version DESC",
            )
            .bind(team).fetch_all(pool).await?
        });
        rows.into_iter()
            .map(|r| {
                let method = Method::parse(&r.2).ok_or_else(|| {
                    StoreError::Corrupt(format!("process of team {} version {}: method '{}'", r.0, r.1, r.2))
                })?;
                Ok(ProcessVersion {
                    team_id: r.0,
                    version: u32::try_from(r.1).unwrap_or(u32::MAX),
                    process: Process {
                        priority_method: method,
                        weights: Weights { reach: r.3, impact: r.4, confidence: r.5, effort: r.6 },
                        priorities: r.7,
                        definition_of_done: r.8,
                        cadence: r.9,
                        change_requests: r.10,
                    },
                    saved_by: r.11,
                    saved_at: r.12,
                })
            })
            .collect()
    }

    /// Adds a decision to `team`'s log by hand, as `by` (its manager) does; every evidence id
    /// must exist. Audited.
    pub async fn add_decision(
        &self,
        team: i64,
        draft: &DecisionDraft,
        by: Actor,
    ) -> Result<StoredDecision, StoreError> {
        let options = serde_json::to_string(&draft.options).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let id = dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            require_manager!(tx, team, by.user_id, "adds decisions to its log");
            for (i, &evidence) in draft.evidence_ids.iter().enumerate() {
                let found: Option<i64> = sqlx::query_scalar("SELECT id FROM evidence WHERE id = $1")
                    .bind(evidence).fetch_optional(&mut *tx).await?;
                if found.is_none() {
                    return Err(StoreError::invalid(&format!("evidence_ids[{i}]"), format!("evidence {evidence} does not exist")));
                }
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO team_decisions (team_id, decided_on, title, options, decided_by, reason, added_by, added_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(team).bind(draft.decided_on).bind(&draft.title).bind(&options).bind(&draft.decided_by)
            .bind(&draft.reason).bind(by.user_id).bind(by.at.unix_timestamp())
            .fetch_one(&mut *tx).await?;
            for (ord, evidence) in draft.evidence_ids.iter().enumerate() {
                sqlx::query("INSERT INTO team_decision_evidence (decision_id, evidence_id, ord) VALUES ($1, $2, $3)")
                    .bind(id).bind(evidence).bind(ord as i64).execute(&mut *tx).await?;
            }
            let details = serde_json::json!({
                "team": team,
                "decided_on": leadup_core::date::format(draft.decided_on),
                "title": draft.title,
                "decided_by": draft.decided_by,
                "reason": draft.reason,
            });
            append_audit!(tx, by.event("decision.added", format!("decision:{id}"), &details));
            tx.commit().await?;
            id
        });
        self.team_decisions(team).await?.into_iter().find(|d| d.id == id).ok_or(StoreError::not_found("decision", id))
    }

    /// The decisions added to `team`'s log by hand, newest first.
    pub async fn team_decisions(&self, team: i64) -> Result<Vec<StoredDecision>, StoreError> {
        let (rows, evidence): (Vec<DecisionRow>, Vec<(i64, i64)>) = dispatch!(self, pool => {
            let rows = sqlx::query_as(
                "SELECT id, team_id, decided_on, title, options, decided_by, reason, added_by, added_at FROM team_decisions \
                 WHERE team_id = $1 ORDER BY decided_on DESC, id DESC",
            )
            .bind(team).fetch_all(pool).await?;
            let evidence = sqlx::query_as(
                "SELECT e.decision_id, e.evidence_id FROM team_decision_evidence e JOIN team_decisions d ON d.id = e.decision_id \
                 WHERE d.team_id = $1 ORDER BY e.decision_id, e.ord",
            )
            .bind(team).fetch_all(pool).await?;
            (rows, evidence)
        });
        rows.into_iter()
            .map(|r| {
                let options: Vec<String> = serde_json::from_str(&r.4)
                    .map_err(|_| StoreError::Corrupt(format!("decision {}: options '{}'", r.0, r.4)))?;
                Ok(StoredDecision {
                    id: r.0,
                    team_id: r.1,
                    decided_on: r.2,
                    title: r.3,
                    options,
                    evidence_ids: evidence.iter().filter(|(d, _)| *d == r.0).map(|(_, e)| *e).collect(),
                    decided_by: r.5,
                    reason: r.6,
                    added_by: r.7,
                    added_at: r.8,
                })
            })
            .collect()
    }
}
