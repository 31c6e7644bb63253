//! Change requests against a plan's baseline, their evidence, their decision (signed off by
//! the team's manager and one of its executives: the first sign-off records the decision,
//! the second, making the same decision, completes it), and the team's disruption record.

use leadup_core::ValidationErrors;
use leadup_core::change_request::{
    Change, ChangeRequest, ChangeRequestDraft, Decision, DecisionSignOff, Impact, ImpactBaseline, MAX_REASON_CHARS,
    PastImpact, RequestStatus, Urgency,
};
use leadup_core::disruption::DisruptionRecord;
use leadup_core::plan::{Period, PlanContent, SignOff};
use serde_json::json;
use time::OffsetDateTime;

use crate::audit::{Actor, append_audit};
use crate::plans::{initiative_problem, role_phrase, sign_off, stored_time};
use crate::{BeginWrite, Store, StoreError, dispatch, plan_team, user_exists};

const SELECT_REQUESTS: &str = "SELECT cr.id, cr.plan_id, bv.number AS baseline_version, cr.change, cr.reason, \
     cr.urgency, cr.filed_by, cr.filed_at, cr.impact, cr.status, cr.decision, cr.manager_by, cr.manager_at, \
     cr.manager_rationale, cr.executive_by, cr.executive_at, cr.executive_rationale, cr.decided_at, \
     rv.number AS resulting_version, iv.number AS impact_version, iv.approved_at AS impact_approved_at, \
     iv.status AS impact_version_status, cr.no_longer_applies \
     FROM change_requests cr JOIN plan_versions bv ON bv.id = cr.baseline_version_id \
     JOIN plan_versions iv ON iv.id = COALESCE(cr.impact_version_id, cr.baseline_version_id) \
     LEFT JOIN plan_versions rv ON rv.id = cr.resulting_version_id";
const SELECT_HISTORY: &str = "SELECT h.change_request_id, hb.number AS baseline_version, \
     hr.number AS recomputed_on, h.recomputed_at, h.impact FROM change_request_impacts h \
     JOIN change_requests cr ON cr.id = h.change_request_id \
     JOIN plan_versions hb ON hb.id = h.baseline_version_id JOIN plan_versions hr ON hr.id = h.recomputed_version_id";
/// Open requests whose impact is not on their plan's current baseline and that were not yet
/// found not to fit it.
const SELECT_STALE: &str = "SELECT cr.id, cr.plan_id, cr.change, cur.id AS current_id, cur.number AS current_version, \
     cur.content AS current_content FROM change_requests cr \
     JOIN plan_versions cur ON cur.plan_id = cr.plan_id AND cur.status = 'approved' \
     WHERE cr.status = 'open' AND COALESCE(cr.impact_version_id, cr.baseline_version_id) <> cur.id \
     AND (cr.checked_version_id IS NULL OR cr.checked_version_id <> cur.id)";
const SELECT_EVIDENCE: &str = "SELECT cre.change_request_id, cre.evidence_id FROM change_request_evidence cre \
     JOIN change_requests cr ON cr.id = cre.change_request_id";

/// Evidence links: (change request id, evidence id).
type Links = Vec<(i64, i64)>;
/// Users' names: (user id, name).
type Names = Vec<(i64, String)>;

#[derive(sqlx::FromRow)]
struct RequestRow {
    id: i64,
    plan_id: i64,
    baseline_version: i64,
    change: String,
    reason: String,
    urgency: String,
    filed_by: i64,
    filed_at: i64,
    impact: String,
    status: String,
    decision: Option<String>,
    manager_by: Option<i64>,
    manager_at: Option<i64>,
    manager_rationale: Option<String>,
    executive_by: Option<i64>,
    executive_at: Option<i64>,
    executive_rationale: Option<String>,
    decided_at: Option<i64>,
    resulting_version: Option<i64>,
    impact_version: i64,
    impact_approved_at: Option<i64>,
    impact_version_status: String,
    no_longer_applies: Option<String>,
}

#[derive(sqlx::FromRow)]
struct HistoryRow {
    change_request_id: i64,
    baseline_version: i64,
    recomputed_on: i64,
    recomputed_at: i64,
    impact: String,
}

#[derive(sqlx::FromRow)]
struct StaleRow {
    id: i64,
    plan_id: i64,
    change: String,
    current_id: i64,
    current_version: i64,
    current_content: String,
}

/// An open change request whose impact was computed on an older baseline than its plan's
/// current one, as recomputing it needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaleChangeRequest {
    /// The request.
    pub id: i64,
    /// Its plan.
    pub plan_id: i64,
    /// The change it asks for.
    pub change: Change,
    /// The plan's current baseline's version number.
    pub baseline_version: u32,
    /// The plan's current baseline's content.
    pub baseline: PlanContent,
}

/// The state of an open request that a sign-off needs.
#[derive(sqlx::FromRow)]
struct Pending {
    plan_id: i64,
    impact_version_id: i64,
    change: String,
    status: String,
    decision: Option<String>,
    manager_by: Option<i64>,
    executive_by: Option<i64>,
    no_longer_applies: Option<String>,
}

impl Store {
    /// Files a change request against the plan's current baseline, with `impact` (computed by
    /// the caller from the baseline and the changed content). The change must apply to the
    /// baseline, the user and evidence must exist, and an added initiative must be the plan
    /// team's; a plan without a baseline is refused (its draft is edited instead).
    pub async fn file_change_request(
        &self,
        plan_id: i64,
        draft: &ChangeRequestDraft,
        impact: &Impact,
        by: Actor,
    ) -> Result<ChangeRequest, StoreError> {
        let id: i64 = dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let team_id = plan_team!(tx, plan_id)?;
            let baseline: Option<(i64, String)> =
                sqlx::query_as("SELECT id, content FROM plan_versions WHERE plan_id = $1 AND status = 'approved'")
                    .bind(plan_id).fetch_optional(&mut *tx).await?;
            let Some((baseline_id, content)) = baseline else {
                return Err(StoreError::Conflict(format!(
                    "plan {plan_id} has no approved baseline yet: change its draft instead of filing a change request"
                )));
            };
            let content = PlanContent::from_canonical_json(&content)
                .map_err(|e| StoreError::Corrupt(format!("plan {plan_id} baseline: {e}")))?;
            let mut errors = ValidationErrors::default();
            if !user_exists!(tx, by.user_id) {
                errors.add("filed_by", format!("unknown user {}", by.user_id));
            }
            for evidence_id in &draft.evidence_ids {
                let found: Option<i64> = sqlx::query_scalar("SELECT id FROM evidence WHERE id = $1")
                    .bind(evidence_id).fetch_optional(&mut *tx).await?;
                if found.is_none() {
                    errors.add("evidence_ids", format!("unknown evidence {evidence_id}"));
                }
            }
            if let Change::Add { item, .. } = &draft.change {
                let initiatives: Vec<(i64, i64)> = sqlx::query_as("SELECT id, team_id FROM initiatives WHERE id = $1")
                    .bind(item.initiative_id).fetch_all(&mut *tx).await?;
                if let Some(problem) = initiative_problem(item.initiative_id, team_id, &initiatives) {
                    errors.add("change.initiative_id", problem);
                }
            }
            if let Err(refused) = draft.change.apply(&content) {
                errors.0.extend(refused.0);
            }
            if !errors.0.is_empty() {
                return Err(StoreError::Invalid(errors));
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO change_requests (plan_id, baseline_version_id, kind, change, reason, urgency, filed_by, \
                 filed_at, impact, impact_version_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $2) RETURNING id",
            )
            .bind(plan_id).bind(baseline_id).bind(draft.change.kind().as_str()).bind(draft.change.to_json())
            .bind(&draft.reason).bind(draft.urgency.as_str()).bind(by.user_id).bind(by.at.unix_timestamp())
            .bind(serde_json::to_string(impact).expect("an impact always serialises"))
            .fetch_one(&mut *tx).await?;
            for (ord, evidence_id) in draft.evidence_ids.iter().enumerate() {
                sqlx::query("INSERT INTO change_request_evidence (change_request_id, evidence_id, ord) VALUES ($1, $2, $3)")
                    .bind(id).bind(evidence_id).bind(ord as i64)
                    .execute(&mut *tx).await?;
            }
            tx.commit().await?;
            id
        });
        self.change_request(id).await
    }

    /// One change request.
    pub async fn change_request(&self, id: i64) -> Result<ChangeRequest, StoreError> {
        let (rows, links, history): (Vec<RequestRow>, Links, Vec<HistoryRow>) = dispatch!(self, pool => {
            let rows = sqlx::query_as(&format!("{SELECT_REQUESTS} WHERE cr.id = $1")).bind(id).fetch_all(pool).await?;
            let links = sqlx::query_as(&format!("{SELECT_EVIDENCE} WHERE cr.id = $1 ORDER BY cre.ord"))
                .bind(id).fetch_all(pool).await?;
            let history = sqlx::query_as(&format!("{SELECT_HISTORY} WHERE cr.id = $1 ORDER BY h.id"))
                .bind(id).fetch_all(pool).await?;
            (rows, links, history)
        });
        requests_of(rows, &links, history)?.pop().ok_or(StoreError::not_found("change request", id))
    }

    /// Every change request against a plan, oldest first.
    pub async fn plan_change_requests(&self, plan_id: i64) -> Result<Vec<ChangeRequest>, StoreError> {
        let (rows, links, history): (Vec<RequestRow>, Links, Vec<HistoryRow>) = dispatch!(self, pool => {
            let rows = sqlx::query_as(&format!("{SELECT_REQUESTS} WHERE cr.plan_id = $1 ORDER BY cr.id"))
                .bind(plan_id).fetch_all(pool).await?;
            let links = sqlx::query_as(&format!("{SELECT_EVIDENCE} WHERE cr.plan_id = $1 ORDER BY cre.change_request_id, cre.ord"))
                .bind(plan_id).fetch_all(pool).await?;
            let history = sqlx::query_as(&format!("{SELECT_HISTORY} WHERE cr.plan_id = $1 ORDER BY h.id"))
                .bind(plan_id).fetch_all(pool).await?;
            (rows, links, history)
        });
        requests_of(rows, &links, history)
    }

    /// Signs off a decision on an open change request, with a rationale. The user must be the
    /// manager or an executive of the plan's team (others are refused with `Forbidden`), and
    /// each role signs once. The first sign-off records the decision; the second must make the
    /// same decision (a mismatch is refused) and completes it. Accepting needs the baseline
    /// the request was filed against to still be the baseline; on completion it creates the
    /// next plan version, approved (origin change request, approved by the executive who
    /// signed), and supersedes the old baseline. Each sign-off writes an audit entry.
    pub async fn decide_change_request(
        &self,
        id: i64,
        decision: Decision,
        rationale: &str,
        by: Actor,
    ) -> Result<ChangeRequest, StoreError> {
        let rationale = rationale.trim();
        if rationale.is_empty() {
            return Err(StoreError::invalid("rationale", "must not be empty"));
        }
        if rationale.chars().count() > MAX_REASON_CHARS {
            return Err(StoreError::invalid("rationale", format!("must be at most {MAX_REASON_CHARS} characters")));
        }
        dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let pending: Option<Pending> = sqlx::query_as(
                "SELECT plan_id, COALESCE(impact_version_id, baseline_version_id) AS impact_version_id, change, status, \
                 decision, manager_by, executive_by, no_longer_applies FROM change_requests WHERE id = $1",
            )
            .bind(id).fetch_optional(&mut *tx).await?;
            let pending = pending.ok_or(StoreError::not_found("change request", id))?;
            if pending.status != "open" {
                return Err(StoreError::Conflict(format!("change request {id} is already decided: {}", pending.status)));
            }
            let team_id = plan_team!(tx, pending.plan_id)?;
            let role: Option<String> = sqlx::query_scalar("SELECT role FROM memberships WHERE team_id = $1 AND user_id = $2")
                .bind(team_id).bind(by.user_id).fetch_optional(&mut *tx).await?;
            let (mine, theirs, other) = match role.as_deref() {
                Some("manager") => (pending.manager_by, pending.executive_by, "an executive"),
                Some("executive") => (pending.executive_by, pending.manager_by, "the manager"),
                _ => {
                    return Err(StoreError::Forbidden(format!(
                        "user {} is {} of team {team_id}: a change request is decided by the team's manager together \
                         with one of its executives",
                        by.user_id,
                        role_phrase(role.as_deref())
                    )));
                }
            };
            let role = role.expect("matched a role above");
            if let Some(signed) = mine {
                return Err(StoreError::Conflict(format!(
                    "change request {id} already has the {role}'s sign-off (by user {signed}); it now needs {other}'s"
                )));
            }
            if let Some(first) = pending.decision.as_deref().filter(|first| *first != decision.as_str()) {
                return Err(StoreError::Conflict(format!(
                    "change request {id} was signed off to {first}, not to {decision}: both sign-offs must make the \
                     same decision"
                )));
            }
            let baseline: (i64, i64, String) = sqlx::query_as(
                "SELECT id, number, content FROM plan_versions WHERE plan_id = $1 AND status = 'approved'",
            )
            .bind(pending.plan_id).fetch_one(&mut *tx).await?;
            if decision == Decision::Accept && baseline.0 != pending.impact_version_id {
                if let Some(why) = &pending.no_longer_applies {
                    return Err(StoreError::Conflict(format!(
                        "change request {id} no longer applies to the baseline, version {}: {why}; it can only be \
                         rejected or deferred",
                        baseline.1
                    )));
                }
                let computed: i64 = sqlx::query_scalar("SELECT number FROM plan_versions WHERE id = $1")
                    .bind(pending.impact_version_id).fetch_one(&mut *tx).await?;
                return Err(StoreError::Conflict(format!(
                    "change request {id}'s impact was computed on version {computed}, but the baseline is now version \
                     {}: it is being recomputed against the current baseline; accept it once that is done",
                    baseline.1
                )));
            }
            sqlx::query(&format!(
                "UPDATE change_requests SET decision = $1, {role}_by = $2, {role}_at = $3, {role}_rationale = $4 WHERE id = $5"
            ))
            .bind(decision.as_str()).bind(by.user_id).bind(by.at.unix_timestamp()).bind(rationale).bind(id)
            .execute(&mut *tx).await?;
            let subject = format!("change_request:{id}");
            let Some(first_signer) = theirs else {
                append_audit!(tx, by.event(
                    "change_request.signed_off",
                    subject,
                    &json!({"decision": decision.as_str(), "role": role, "rationale": rationale}),
                ));
                tx.commit().await?;
                return self.change_request(id).await;
            };
            let mut resulting: Option<(i64, i64, String)> = None;
            if decision == Decision::Accept {
                let content = PlanContent::from_canonical_json(&baseline.2)
                    .map_err(|e| StoreError::Corrupt(format!("plan {} baseline: {e}", pending.plan_id)))?;
                let change = Change::from_json(&pending.change)
                    .map_err(|e| StoreError::Corrupt(format!("change request {id}: change: {e}")))?;
                let changed = change.apply(&content)?;
                let approver = if role == "executive" { by.user_id } else { first_signer };
                let last: i64 = sqlx::query_scalar("SELECT MAX(number) FROM plan_versions WHERE plan_id = $1")
                    .bind(pending.plan_id).fetch_one(&mut *tx).await?;
                sqlx::query("UPDATE plan_versions SET status = 'superseded' WHERE id = $1")
                    .bind(baseline.0).execute(&mut *tx).await?;
                let hash = changed.content_hash();
                let version_id: i64 = sqlx::query_scalar(
                    "INSERT INTO plan_versions (plan_id, number, status, origin, content, content_hash, created_by, \
                     created_at, approved_by, approved_at) VALUES ($1, $2, 'approved', 'change_request', $3, $4, $5, $6, $7, $6) \
                     RETURNING id",
                )
                .bind(pending.plan_id).bind(last + 1).bind(changed.canonical_json()).bind(&hash)
                .bind(by.user_id).bind(by.at.unix_timestamp()).bind(approver)
                .fetch_one(&mut *tx).await?;
                resulting = Some((version_id, last + 1, hash));
            }
            sqlx::query("UPDATE change_requests SET status = $1, decided_at = $2, resulting_version_id = $3 WHERE id = $4")
                .bind(decision.status().as_str()).bind(by.at.unix_timestamp()).bind(resulting.as_ref().map(|r| r.0)).bind(id)
                .execute(&mut *tx).await?;
            append_audit!(tx, by.event(
                "change_request.decided",
                subject,
                &json!({
                    "decision": decision.as_str(),
                    "role": role,
                    "rationale": rationale,
                    "plan": pending.plan_id,
                    "resulting_version": resulting.as_ref().map(|r| r.1),
                    "content_hash": resulting.as_ref().map(|r| r.2.clone()),
                }),
            ));
            tx.commit().await?;
        });
        self.change_request(id).await
    }

    /// The open change requests of team `team_id`'s plans whose impact was computed on an older
    /// baseline than their plan's current one, and that were not yet found not to fit it.
    pub async fn stale_change_requests(&self, team_id: i64) -> Result<Vec<StaleChangeRequest>, StoreError> {
        let rows: Vec<StaleRow> = dispatch!(self, pool => {
            sqlx::query_as(&format!("{SELECT_STALE} AND cr.plan_id IN (SELECT id FROM plans WHERE team_id = $1) ORDER BY cr.id"))
                .bind(team_id).fetch_all(pool).await?
        });
        rows.into_iter()
            .map(|row| {
                let what = format!("change request {}", row.id);
                Ok(StaleChangeRequest {
                    id: row.id,
                    plan_id: row.plan_id,
                    change: Change::from_json(&row.change)
                        .map_err(|e| StoreError::Corrupt(format!("{what}: change: {e}")))?,
                    baseline_version: u32::try_from(row.current_version)
                        .map_err(|_| StoreError::Corrupt(format!("{what}: version {}", row.current_version)))?,
                    baseline: PlanContent::from_canonical_json(&row.current_content)
                        .map_err(|e| StoreError::Corrupt(format!("plan {} baseline: {e}", row.plan_id)))?,
                })
            })
            .collect()
    }

    /// Records change request `id`'s recomputation against its plan's baseline version
    /// `baseline_version`, at `at`: with `Ok(impact)` the impact it had moves to its history and
    /// `impact` is now on that baseline; with `Err(why)` the change no longer applies to that
    /// baseline, and the request keeps its impact and says why. Returns `false`, writing
    /// nothing, when the request is no longer open or that version is no longer the baseline
    /// (a newer refresh will see to it).
    pub async fn recompute_change_request(
        &self,
        id: i64,
        baseline_version: u32,
        outcome: Result<&Impact, &str>,
        at: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let stale: Option<StaleRow> = sqlx::query_as(&format!("{SELECT_STALE} AND cr.id = $1"))
                .bind(id).fetch_optional(&mut *tx).await?;
            let Some(stale) = stale.filter(|s| s.current_version == i64::from(baseline_version)) else {
                return Ok(false);
            };
            match outcome {
                Ok(impact) => {
                    sqlx::query(
                        "INSERT INTO change_request_impacts (change_request_id, baseline_version_id, \
                         recomputed_version_id, recomputed_at, impact) SELECT id, \
                         COALESCE(impact_version_id, baseline_version_id), $2, $3, impact FROM change_requests WHERE id = $1",
                    )
                    .bind(id).bind(stale.current_id).bind(at.unix_timestamp()).execute(&mut *tx).await?;
                    sqlx::query(
                        "UPDATE change_requests SET impact = $1, impact_version_id = $2, checked_version_id = $2, \
                         no_longer_applies = NULL WHERE id = $3",
                    )
                    .bind(serde_json::to_string(impact).expect("an impact always serialises"))
                    .bind(stale.current_id).bind(id).execute(&mut *tx).await?;
                }
                Err(why) => {
                    sqlx::query("UPDATE change_requests SET no_longer_applies = $1, checked_version_id = $2 WHERE id = $3")
                        .bind(why).bind(stale.current_id).bind(id).execute(&mut *tx).await?;
                }
            }
            tx.commit().await?;
        });
        Ok(true)
    }

    /// The disruption record of team `team_id`: the change requests filed against its plans
    /// on the days of `period` (UTC), summed up.
    pub async fn disruption_record(&self, team_id: i64, period: Period) -> Result<DisruptionRecord, StoreError> {
        let from = period.start.midnight().assume_utc().unix_timestamp();
        let until = period.end.next_day().map_or(i64::MAX, |d| d.midnight().assume_utc().unix_timestamp());
        self.team(team_id).await?;
        let (rows, links, history, names): (Vec<RequestRow>, Links, Vec<HistoryRow>, Names) = dispatch!(self, pool => {
            let filter = "cr.plan_id IN (SELECT id FROM plans WHERE team_id = $1) AND cr.filed_at >= $2 AND cr.filed_at < $3";
            let rows = sqlx::query_as(&format!("{SELECT_REQUESTS} WHERE {filter} ORDER BY cr.id"))
                .bind(team_id).bind(from).bind(until).fetch_all(pool).await?;
            let links = sqlx::query_as(&format!("{SELECT_EVIDENCE} WHERE {filter} ORDER BY cre.change_request_id, cre.ord"))
                .bind(team_id).bind(from).bind(until).fetch_all(pool).await?;
            let history = sqlx::query_as(&format!("{SELECT_HISTORY} WHERE {filter} ORDER BY h.id"))
                .bind(team_id).bind(from).bind(until).fetch_all(pool).await?;
            let names = sqlx::query_as(&format!(
                "SELECT id, name FROM users WHERE id IN (SELECT cr.filed_by FROM change_requests cr WHERE {filter})"
            ))
            .bind(team_id).bind(from).bind(until).fetch_all(pool).await?;
            (rows, links, history, names)
        });
        let requests = requests_of(rows, &links, history)?;
        Ok(DisruptionRecord::of(team_id, period, &requests, |user_id| {
            names.iter().find(|(id, _)| *id == user_id).map_or_else(|| format!("user {user_id}"), |(_, n)| n.clone())
        }))
    }
}

/// Change request rows as domain values, with their evidence (links ordered by position).
fn requests_of(
    rows: Vec<RequestRow>,
    links: &[(i64, i64)],
    history: Vec<HistoryRow>,
) -> Result<Vec<ChangeRequest>, StoreError> {
    let mut past: Vec<(i64, PastImpact)> = Vec::with_capacity(history.len());
    for row in history {
        let what = format!("change request {}", row.change_request_id);
        let version = |n: i64| u32::try_from(n).map_err(|_| StoreError::Corrupt(format!("{what}: version {n}")));
        past.push((
            row.change_request_id,
            PastImpact {
                baseline_version: version(row.baseline_version)?,
                recomputed_on: version(row.recomputed_on)?,
                recomputed_at: stored_time(row.recomputed_at, &what)?,
                impact: serde_json::from_str(&row.impact)
                    .map_err(|e| StoreError::Corrupt(format!("{what}: past impact: {e}")))?,
            },
        ));
    }
    rows.into_iter()
        .map(|row| {
            let what = format!("change request {}", row.id);
            let corrupt = |field: &str, value: &str| StoreError::Corrupt(format!("{what}: {field} '{value}'"));
            let decision = match &row.decision {
                Some(d) => Some(Decision::parse(d).ok_or_else(|| corrupt("decision", d))?),
                None => None,
            };
            let signed = |by: Option<i64>, at: Option<i64>, rationale: Option<String>| -> Result<_, StoreError> {
                Ok(match (sign_off(by, at, &what)?, decision) {
                    (Some(signed), Some(decision)) => {
                        Some(DecisionSignOff { signed, decision, rationale: rationale.unwrap_or_default() })
                    }
                    _ => None,
                })
            };
            let version = |n: i64| u32::try_from(n).map_err(|_| corrupt("version", &n.to_string()));
            Ok(ChangeRequest {
                id: row.id,
                plan_id: row.plan_id,
                baseline_version: version(row.baseline_version)?,
                change: Change::from_json(&row.change).map_err(|e| corrupt("change", &e))?,
                reason: row.reason,
                urgency: Urgency::parse(&row.urgency).ok_or_else(|| corrupt("urgency", &row.urgency))?,
                evidence_ids: links.iter().filter(|(r, _)| *r == row.id).map(|(_, e)| *e).collect(),
                filed: SignOff { user_id: row.filed_by, at: stored_time(row.filed_at, &what)? },
                impact: serde_json::from_str(&row.impact).map_err(|e| corrupt("impact", &e.to_string()))?,
                impact_baseline: ImpactBaseline {
                    version: version(row.impact_version)?,
                    approved_at: row.impact_approved_at.map(|at| stored_time(at, &what)).transpose()?,
                    superseded: row.impact_version_status != "approved",
                },
                no_longer_applies: row.no_longer_applies,
                impact_history: past.iter().filter(|(r, _)| *r == row.id).map(|(_, p)| p.clone()).collect(),
                status: RequestStatus::parse(&row.status).ok_or_else(|| corrupt("status", &row.status))?,
                manager: signed(row.manager_by, row.manager_at, row.manager_rationale)?,
                executive: signed(row.executive_by, row.executive_at, row.executive_rationale)?,
                decided_at: row.decided_at.map(|at| stored_time(at, &what)).transpose()?,
                resulting_version: row.resulting_version.map(version).transpose()?,
            })
        })
        .collect()
}
