//! Plans and their versions: a first draft, edits of the draft, submission, approval by one
//! of the team's executives into the baseline (superseding the previous one), and re-plans.
//!
//! A plan has at most one version in the making (draft or submitted) and at most one baseline;
//! the operations act on those, so callers name the plan, never a version.

use leadup_core::ValidationErrors;
use leadup_core::plan::{
    Origin, Period, Plan, PlanContent, PlanDecision, PlanDraft, PlanOutcome, PlanVersion, SignOff, StatedConfidence,
    VersionStatus, check_stated_confidence, decision_reason,
};
use serde_json::json;
use time::OffsetDateTime;

use crate::audit::{Actor, append_audit};
use crate::commitments::{PlanItemCommitment, insert_plan_commitments};
use crate::{BeginWrite, Store, StoreError, dispatch, plan_team, user_exists};

const SELECT_PLANS: &str = "SELECT id, team_id, name, period_start, period_end FROM plans";
const SELECT_VERSIONS: &str = "SELECT plan_id, number, status, origin, content, content_hash, created_by, created_at, \
     submitted_by, submitted_at, approved_by, approved_at, stated_confidence FROM plan_versions";

const SELECT_DECISIONS: &str = "SELECT plan_id, version, outcome, decided_by, decided_at, reason FROM plan_decisions";

#[derive(sqlx::FromRow)]
struct DecisionRow {
    plan_id: i64,
    version: i64,
    outcome: String,
    decided_by: i64,
    decided_at: i64,
    reason: Option<String>,
}

#[derive(sqlx::FromRow)]
struct PlanRow {
    id: i64,
    team_id: i64,
    name: String,
    period_start: time::Date,
    period_end: time::Date,
}

#[derive(sqlx::FromRow)]
struct VersionRow {
    plan_id: i64,
    number: i64,
    status: String,
    origin: String,
    content: String,
    content_hash: String,
    created_by: i64,
    created_at: i64,
    submitted_by: Option<i64>,
    submitted_at: Option<i64>,
    approved_by: Option<i64>,
    approved_at: Option<i64>,
    stated_confidence: Option<String>,
}

impl Store {
    /// Stores a new plan with its first version, a draft holding `draft.content`, created by
    /// `by`. The team, the user and the initiatives (of that team) must exist; plan names are
    /// unique within a team.
    pub async fn create_plan(&self, draft: &PlanDraft, by: Actor) -> Result<Plan, StoreError> {
        let id: i64 = dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let mut errors = ValidationErrors::default();
            let team: Option<i64> = sqlx::query_scalar("SELECT id FROM teams WHERE id = $1")
                .bind(draft.team_id).fetch_optional(&mut *tx).await?;
            if team.is_none() {
                errors.add("team_id", format!("unknown team {}", draft.team_id));
            }
            if !user_exists!(tx, by.user_id) {
                errors.add("created_by", format!("unknown user {}", by.user_id));
            }
            let clash: Option<i64> = sqlx::query_scalar("SELECT id FROM plans WHERE team_id = $1 AND name = $2")
                .bind(draft.team_id).bind(&draft.name).fetch_optional(&mut *tx).await?;
            if clash.is_some() {
                errors.add("name", format!("team {} already has a plan named '{}'", draft.team_id, draft.name));
            }
            let initiatives: Vec<(i64, i64)> =
                sqlx::query_as("SELECT id, team_id FROM initiatives").fetch_all(&mut *tx).await?;
            check_items(&mut errors, &draft.content, draft.team_id, &initiatives);
            if !errors.0.is_empty() {
                return Err(StoreError::Invalid(errors));
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO plans (team_id, name, period_start, period_end) VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(draft.team_id).bind(&draft.name).bind(draft.period.start).bind(draft.period.end)
            .fetch_one(&mut *tx).await?;
            sqlx::query(
                "INSERT INTO plan_versions (plan_id, number, status, origin, content, content_hash, created_by, created_at) \
                 VALUES ($1, 1, 'draft', 'edit', $2, $3, $4, $5)",
            )
            .bind(id).bind(draft.content.canonical_json()).bind(draft.content.content_hash())
            .bind(by.user_id).bind(by.at.unix_timestamp())
            .execute(&mut *tx).await?;
            tx.commit().await?;
            id
        });
        self.plan(id).await
    }

    /// One plan with every version.
    pub async fn plan(&self, id: i64) -> Result<Plan, StoreError> {
        let (plans, versions, decisions): (Vec<PlanRow>, Vec<VersionRow>, Vec<DecisionRow>) = dispatch!(self, pool => {
            let plans = sqlx::query_as(&format!("{SELECT_PLANS} WHERE id = $1")).bind(id).fetch_all(pool).await?;
            let versions = sqlx::query_as(&format!("{SELECT_VERSIONS} WHERE plan_id = $1 ORDER BY number"))
                .bind(id).fetch_all(pool).await?;
            let decisions = sqlx::query_as(&format!("{SELECT_DECISIONS} WHERE plan_id = $1 ORDER BY id"))
                .bind(id).fetch_all(pool).await?;
            (plans, versions, decisions)
        });
        plans_of(plans, versions, decisions)?.pop().ok_or(StoreError::not_found("plan", id))
    }

    /// A team's plans with every version, latest period first.
    pub async fn team_plans(&self, team_id: i64) -> Result<Vec<Plan>, StoreError> {
        let (plans, versions, decisions): (Vec<PlanRow>, Vec<VersionRow>, Vec<DecisionRow>) = dispatch!(self, pool => {
            let plans = sqlx::query_as(&format!("{SELECT_PLANS} WHERE team_id = $1 ORDER BY period_start DESC, id"))
                .bind(team_id).fetch_all(pool).await?;
            let versions = sqlx::query_as(&format!(
                "{SELECT_VERSIONS} WHERE plan_id IN (SELECT id FROM plans WHERE team_id = $1) ORDER BY plan_id, number"
            ))
            .bind(team_id).fetch_all(pool).await?;
            let decisions = sqlx::query_as(&format!(
                "{SELECT_DECISIONS} WHERE plan_id IN (SELECT id FROM plans WHERE team_id = $1) ORDER BY id"
            ))
            .bind(team_id).fetch_all(pool).await?;
            (plans, versions, decisions)
        });
        plans_of(plans, versions, decisions)
    }

    /// The plan's baseline (its approved version), if one has been approved.
    pub async fn plan_baseline(&self, plan_id: i64) -> Result<Option<PlanVersion>, StoreError> {
        Ok(self.plan(plan_id).await?.baseline().cloned())
    }

    /// Replaces the content of the plan's draft. Only a draft can be edited: a submitted
    /// version or a baseline is refused (`Forbidden`), pointing to change requests. The
    /// initiatives must be the plan team's.
    pub async fn edit_plan_draft(&self, plan_id: i64, content: &PlanContent) -> Result<Plan, StoreError> {
        dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let team_id = plan_team!(tx, plan_id)?;
            let (open, baseline): (Option<(i64, String)>, Option<i64>) = (
                sqlx::query_as("SELECT number, status FROM plan_versions WHERE plan_id = $1 AND status IN ('draft', 'submitted')")
                    .bind(plan_id).fetch_optional(&mut *tx).await?,
                sqlx::query_scalar("SELECT number FROM plan_versions WHERE plan_id = $1 AND status = 'approved'")
                    .bind(plan_id).fetch_optional(&mut *tx).await?,
            );
            let number = match open {
                Some((number, status)) if status == "draft" => number,
                Some((number, _)) => {
                    return Err(StoreError::Forbidden(format!(
                        "plan {plan_id} version {number} is submitted for approval and can no longer be edited; \
                         only drafts can be edited, and once it is approved changes go through a change request"
                    )));
                }
                None => return Err(StoreError::Forbidden(no_draft(plan_id, baseline))),
            };
            let mut errors = ValidationErrors::default();
            let initiatives: Vec<(i64, i64)> =
                sqlx::query_as("SELECT id, team_id FROM initiatives").fetch_all(&mut *tx).await?;
            check_items(&mut errors, content, team_id, &initiatives);
            if !errors.0.is_empty() {
                return Err(StoreError::Invalid(errors));
            }
            sqlx::query("UPDATE plan_versions SET content = $1, content_hash = $2 WHERE plan_id = $3 AND number = $4")
                .bind(content.canonical_json()).bind(content.content_hash()).bind(plan_id).bind(number)
                .execute(&mut *tx).await?;
            tx.commit().await?;
        });
        self.plan(plan_id).await
    }

    /// Submits the plan's draft for approval, recording who and when and the confidences the
    /// manager states of meeting its items' targets (checked by
    /// [`check_stated_confidence`]; nothing is written when one is bad), with an audit entry.
    pub async fn submit_plan(&self, plan_id: i64, by: Actor, stated: &[StatedConfidence]) -> Result<Plan, StoreError> {
        dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            plan_team!(tx, plan_id)?;
            if !user_exists!(tx, by.user_id) {
                return Err(StoreError::invalid("submitted_by", format!("unknown user {}", by.user_id)));
            }
            let open: Option<(i64, String, String, String)> = sqlx::query_as(
                "SELECT number, status, content_hash, content FROM plan_versions \
                 WHERE plan_id = $1 AND status IN ('draft', 'submitted')",
            )
            .bind(plan_id).fetch_optional(&mut *tx).await?;
            let (number, hash, content) = match open {
                Some((number, status, hash, content)) if status == "draft" => (number, hash, content),
                Some((number, _, _, _)) => {
                    return Err(StoreError::Conflict(format!("plan {plan_id} version {number} is already submitted")));
                }
                None => {
                    let baseline: Option<i64> =
                        sqlx::query_scalar("SELECT number FROM plan_versions WHERE plan_id = $1 AND status = 'approved'")
                            .bind(plan_id).fetch_optional(&mut *tx).await?;
                    return Err(StoreError::Conflict(no_draft(plan_id, baseline)));
                }
            };
            let content = PlanContent::from_canonical_json(&content)
                .map_err(|e| StoreError::Corrupt(format!("plan {plan_id} version {number}: content: {e}")))?;
            let stated = check_stated_confidence(&content, stated).map_err(StoreError::Invalid)?;
            let stated_json = (!stated.is_empty())
                .then(|| serde_json::to_string(&stated).expect("stated confidences always serialise"));
            sqlx::query(
                "UPDATE plan_versions SET status = 'submitted', submitted_by = $1, submitted_at = $2, stated_confidence = $3 \
                 WHERE plan_id = $4 AND number = $5",
            )
            .bind(by.user_id).bind(by.at.unix_timestamp()).bind(stated_json).bind(plan_id).bind(number)
            .execute(&mut *tx).await?;
            append_audit!(tx, by.event(
                "plan.submitted",
                format!("plan:{plan_id}/version:{number}"),
                &json!({"content_hash": hash, "stated_confidence": stated}),
            ));
            tx.commit().await?;
        });
        self.plan(plan_id).await
    }

    /// Approves the plan's submitted version, which becomes the baseline; the previous
    /// baseline is superseded. Only an executive of the plan's team may approve (others are
    /// refused with `Forbidden`). Records who and when, and the optional `reason`, in the plan's
    /// decisions and an audit entry.
    ///
    /// In the same transaction, the approval makes one commitment per plan item that
    /// `commitments` gives a confidence for, to the approving executive: due the item's target
    /// date, its budget the item's, linked to the initiative and the plan item
    /// (`leadup_app::commitments::approve_plan` computes the confidences; every adapter goes
    /// through it).
    pub async fn approve_plan(
        &self,
        plan_id: i64,
        by: Actor,
        reason: Option<&str>,
        commitments: &[PlanItemCommitment],
    ) -> Result<Plan, StoreError> {
        self.decide_plan(plan_id, PlanOutcome::Approved, by, reason, commitments).await
    }

    /// Sends the plan's submitted version back to its manager: it becomes a draft again, to be
    /// edited and submitted anew, and the executive's comment (`reason`, required: the manager
    /// needs to know what to change) is kept in the plan's decisions and an audit entry. Only an
    /// executive of the plan's team may send a plan back.
    pub async fn send_back_plan(&self, plan_id: i64, by: Actor, reason: &str) -> Result<Plan, StoreError> {
        if reason.trim().is_empty() {
            return Err(StoreError::invalid(
                "reason",
                "must not be empty: say what the manager should change before submitting the plan again",
            ));
        }
        self.decide_plan(plan_id, PlanOutcome::SentBack, by, Some(reason), &[]).await
    }

    async fn decide_plan(
        &self,
        plan_id: i64,
        outcome: PlanOutcome,
        by: Actor,
        reason: Option<&str>,
        commitments: &[PlanItemCommitment],
    ) -> Result<Plan, StoreError> {
        let reason = decision_reason(reason).map_err(StoreError::Invalid)?;
        dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let team_id = plan_team!(tx, plan_id)?;
            let role: Option<String> = sqlx::query_scalar("SELECT role FROM memberships WHERE team_id = $1 AND user_id = $2")
                .bind(team_id).bind(by.user_id).fetch_optional(&mut *tx).await?;
            if role.as_deref() != Some("executive") {
                let verb = match outcome {
                    PlanOutcome::Approved => "approve",
                    PlanOutcome::SentBack => "send back",
                };
                return Err(StoreError::Forbidden(format!(
                    "user {} is {} of team {team_id}: only the team's executives can {verb} its plan",
                    by.user_id,
                    role_phrase(role.as_deref())
                )));
            }
            let open: Option<(i64, String, String, String)> = sqlx::query_as(
                "SELECT number, status, content_hash, content FROM plan_versions \
                 WHERE plan_id = $1 AND status IN ('draft', 'submitted')",
            )
            .bind(plan_id).fetch_optional(&mut *tx).await?;
            let (number, hash, content) = match open {
                Some((number, status, hash, content)) if status == "submitted" => (number, hash, content),
                Some((number, _, _, _)) => {
                    return Err(StoreError::Conflict(format!(
                        "plan {plan_id} version {number} is a draft: it must be submitted before it can be {}",
                        outcome.label()
                    )));
                }
                None => return Err(StoreError::Conflict(format!("plan {plan_id} has no version submitted for approval"))),
            };
            let at = by.at.unix_timestamp();
            let details = match outcome {
                PlanOutcome::Approved => {
                    let previous: Option<i64> =
                        sqlx::query_scalar("SELECT number FROM plan_versions WHERE plan_id = $1 AND status = 'approved'")
                            .bind(plan_id).fetch_optional(&mut *tx).await?;
                    sqlx::query("UPDATE plan_versions SET status = 'superseded' WHERE plan_id = $1 AND status = 'approved'")
                        .bind(plan_id).execute(&mut *tx).await?;
                    sqlx::query(
                        "UPDATE plan_versions SET status = 'approved', approved_by = $1, approved_at = $2 \
                         WHERE plan_id = $3 AND number = $4",
                    )
                    .bind(by.user_id).bind(at).bind(plan_id).bind(number)
                    .execute(&mut *tx).await?;
                    let content = PlanContent::from_canonical_json(&content)
                        .map_err(|e| StoreError::Corrupt(format!("plan {plan_id} version {number}: {e}")))?;
                    insert_plan_commitments!(tx, plan_id, team_id, number, &content.items, commitments, by);
                    json!({"content_hash": hash, "supersedes": previous, "reason": reason})
                }
                PlanOutcome::SentBack => {
                    sqlx::query(
                        "UPDATE plan_versions SET status = 'draft', submitted_by = NULL, submitted_at = NULL, \
                         stated_confidence = NULL WHERE plan_id = $1 AND number = $2",
                    )
                    .bind(plan_id).bind(number)
                    .execute(&mut *tx).await?;
                    json!({"content_hash": hash, "reason": reason})
                }
            };
            sqlx::query(
                "INSERT INTO plan_decisions (plan_id, version, outcome, decided_by, decided_at, reason) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(plan_id).bind(number).bind(outcome.as_str()).bind(by.user_id).bind(at).bind(&reason)
            .execute(&mut *tx).await?;
            append_audit!(tx, by.event(
                match outcome {
                    PlanOutcome::Approved => "plan.approved",
                    PlanOutcome::SentBack => "plan.sent_back",
                },
                format!("plan:{plan_id}/version:{number}"),
                &details,
            ));
            tx.commit().await?;
        });
        self.plan(plan_id).await
    }

    /// Starts a re-plan: a new draft holding the baseline's content, to be edited, submitted
    /// and approved by an executive like any draft. Refused while the plan has no baseline or
    /// already has a version in the making.
    pub async fn replan(&self, plan_id: i64, by: Actor) -> Result<Plan, StoreError> {
        dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            plan_team!(tx, plan_id)?;
            if !user_exists!(tx, by.user_id) {
                return Err(StoreError::invalid("created_by", format!("unknown user {}", by.user_id)));
            }
            let open: Option<(i64, String)> =
                sqlx::query_as("SELECT number, status FROM plan_versions WHERE plan_id = $1 AND status IN ('draft', 'submitted')")
                    .bind(plan_id).fetch_optional(&mut *tx).await?;
            if let Some((number, status)) = open {
                return Err(StoreError::Conflict(format!(
                    "plan {plan_id} already has version {number} in the making ({status}); work on it instead of starting a re-plan"
                )));
            }
            let baseline: Option<(String, String)> =
                sqlx::query_as("SELECT content, content_hash FROM plan_versions WHERE plan_id = $1 AND status = 'approved'")
                    .bind(plan_id).fetch_optional(&mut *tx).await?;
            let Some((content, hash)) = baseline else {
                return Err(StoreError::Conflict(format!(
                    "plan {plan_id} has no approved baseline to re-plan from; edit its draft instead"
                )));
            };
            let last: i64 = sqlx::query_scalar("SELECT MAX(number) FROM plan_versions WHERE plan_id = $1")
                .bind(plan_id).fetch_one(&mut *tx).await?;
            sqlx::query(
                "INSERT INTO plan_versions (plan_id, number, status, origin, content, content_hash, created_by, created_at) \
                 VALUES ($1, $2, 'draft', 'replan', $3, $4, $5, $6)",
            )
            .bind(plan_id).bind(last + 1).bind(content).bind(hash).bind(by.user_id).bind(by.at.unix_timestamp())
            .execute(&mut *tx).await?;
            tx.commit().await?;
        });
        self.plan(plan_id).await
    }
}

/// Why a plan without a draft cannot be edited or submitted.
fn no_draft(plan_id: i64, baseline: Option<i64>) -> String {
    match baseline {
        Some(number) => format!(
            "plan {plan_id} has no draft: its baseline, version {number}, is approved and cannot be edited; \
             file a change request against it, or start a re-plan that an executive approves"
        ),
        None => format!("plan {plan_id} has no draft"),
    }
}

/// How a membership role reads in a sentence ("user 4 is a member of team 2").
pub(crate) fn role_phrase(role: Option<&str>) -> &'static str {
    match role {
        None => "not a member",
        Some("manager") => "the manager",
        Some("executive") => "an executive",
        Some(_) => "a member",
    }
}

/// Records an error for each item whose initiative is unknown or another team's;
/// `initiatives` holds every initiative's id and team.
pub(crate) fn check_items(
    errors: &mut ValidationErrors,
    content: &PlanContent,
    team_id: i64,
    initiatives: &[(i64, i64)],
) {
    for (n, item) in content.items.iter().enumerate() {
        if let Some(message) = initiative_problem(item.initiative_id, team_id, initiatives) {
            errors.add(format!("items[{n}].initiative_id"), message);
        }
    }
}

/// Why initiative `id` cannot be in a plan of team `team_id`, if it cannot.
pub(crate) fn initiative_problem(id: i64, team_id: i64, initiatives: &[(i64, i64)]) -> Option<String> {
    match initiatives.iter().find(|(i, _)| *i == id) {
        None => Some(format!("unknown initiative {id}")),
        Some((_, owner)) if *owner != team_id => {
            Some(format!("initiative {id} belongs to team {owner}, not to team {team_id} whose plan this is"))
        }
        Some(_) => None,
    }
}

/// A Unix time as stored, or a corrupt-data error naming `what`.
pub(crate) fn stored_time(seconds: i64, what: &str) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::from_unix_timestamp(seconds).map_err(|_| StoreError::Corrupt(format!("{what}: time {seconds}")))
}

/// A sign-off as stored.
pub(crate) fn sign_off(user_id: Option<i64>, at: Option<i64>, what: &str) -> Result<Option<SignOff>, StoreError> {
    match (user_id, at) {
        (Some(user_id), Some(at)) => Ok(Some(SignOff { user_id, at: stored_time(at, what)? })),
        _ => Ok(None),
    }
}

/// Joins plans with their versions (which arrive ordered by plan and number), checking each
/// version's content against its hash.
fn plans_of(
    rows: Vec<PlanRow>,
    versions: Vec<VersionRow>,
    decisions: Vec<DecisionRow>,
) -> Result<Vec<Plan>, StoreError> {
    let mut plans: Vec<Plan> = rows
        .into_iter()
        .map(|row| Plan {
            id: row.id,
            team_id: row.team_id,
            name: row.name,
            period: Period { start: row.period_start, end: row.period_end },
            versions: Vec::new(),
            decisions: Vec::new(),
        })
        .collect();
    for row in versions {
        let what = format!("plan {} version {}", row.plan_id, row.number);
        let corrupt = |field: &str, value: &str| StoreError::Corrupt(format!("{what}: {field} '{value}'"));
        let content = PlanContent::from_canonical_json(&row.content).map_err(|e| corrupt("content", &e))?;
        if content.content_hash() != row.content_hash {
            return Err(StoreError::Corrupt(format!(
                "{what}: its content does not match its hash {}",
                row.content_hash
            )));
        }
        let version = PlanVersion {
            number: u32::try_from(row.number).map_err(|_| corrupt("number", &row.number.to_string()))?,
            status: VersionStatus::parse(&row.status).ok_or_else(|| corrupt("status", &row.status))?,
            origin: Origin::parse(&row.origin).ok_or_else(|| corrupt("origin", &row.origin))?,
            content,
            content_hash: row.content_hash,
            created: SignOff { user_id: row.created_by, at: stored_time(row.created_at, &what)? },
            submitted: sign_off(row.submitted_by, row.submitted_at, &what)?,
            approved: sign_off(row.approved_by, row.approved_at, &what)?,
            stated_confidence: match &row.stated_confidence {
                None => Vec::new(),
                Some(text) => serde_json::from_str(text).map_err(|e| corrupt("stated_confidence", &e.to_string()))?,
            },
        };
        if let Some(plan) = plans.iter_mut().find(|p| p.id == row.plan_id) {
            plan.versions.push(version);
        }
    }
    for row in decisions {
        let what = format!("plan {} decision on version {}", row.plan_id, row.version);
        let decision = PlanDecision {
            version: u32::try_from(row.version)
                .map_err(|_| StoreError::Corrupt(format!("{what}: version {}", row.version)))?,
            outcome: PlanOutcome::parse(&row.outcome)
                .ok_or_else(|| StoreError::Corrupt(format!("{what}: outcome '{}'", row.outcome)))?,
            decided: SignOff { user_id: row.decided_by, at: stored_time(row.decided_at, &what)? },
            reason: row.reason,
        };
        if let Some(plan) = plans.iter_mut().find(|p| p.id == row.plan_id) {
            plan.decisions.push(decision);
        }
    }
    Ok(plans)
}
