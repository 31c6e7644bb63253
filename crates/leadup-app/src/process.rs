//! Showing the team's process: its process document (the latest version and every earlier
//! one) and its decision log.
//!
//! The decision log is assembled here from the records that already hold each decision, so
//! there is one source of truth: plan approvals and send-backs (`Plan::decisions`),
//! change-request decisions (their two sign-offs), proposal approvals and declines (their
//! moves), and the decisions the manager added by hand (`Store::team_decisions`).

use std::collections::HashMap;

use leadup_core::change_request::RequestStatus;
use leadup_core::process::{DecisionInput, ProcessInput, ProcessVersion};
use leadup_store::{Actor, Store, StoreError, StoredDecision};
use serde::Serialize;
use time::Date;

/// Where a logged decision is recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum DecisionSource {
    /// A decision on a plan version, of plan `id`.
    Plan(i64),
    /// The decision on change request `id`.
    ChangeRequest(i64),
    /// The decision on proposal `id`.
    Proposal(i64),
    /// Added by hand: stored decision `id`.
    Hand(i64),
}

/// One entry of the decision log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogEntry {
    /// When it was decided.
    #[serde(with = "leadup_core::date::iso_date")]
    pub decided_on: Date,
    /// What was decided, in words.
    pub what: String,
    /// The options there were.
    pub options: Vec<String>,
    /// The evidence cited, by id.
    pub evidence_ids: Vec<i64>,
    /// Who decided, by name.
    pub decided_by: Vec<String>,
    /// Why, when they said.
    pub reason: Option<String>,
    /// The record the decision is kept in.
    pub source: DecisionSource,
}

/// A team's process page: the document's versions (newest first) and the decision log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProcessPage {
    /// The team.
    pub team_id: i64,
    /// Every version of the process document, newest first; empty when never written.
    pub versions: Vec<ProcessVersion>,
    /// Every decision, newest first.
    pub decisions: Vec<LogEntry>,
}

/// Checks and saves a new version of `team`'s process document, as `by` writes it.
pub async fn save(store: &Store, team: i64, input: &ProcessInput, by: Actor) -> Result<ProcessVersion, StoreError> {
    let process = input.validate().map_err(StoreError::Invalid)?;
    store.save_process(team, &process, by).await
}

/// Checks `input` against `today` and adds it to `team`'s decision log, as `by` does.
pub async fn add_decision(
    store: &Store,
    team: i64,
    input: &DecisionInput,
    today: Date,
    by: Actor,
) -> Result<StoredDecision, StoreError> {
    let draft = input.validate(today).map_err(StoreError::Invalid)?;
    store.add_decision(team, &draft, by).await
}

/// `team`'s process page.
pub async fn page(store: &Store, team: i64) -> Result<ProcessPage, StoreError> {
    store.team(team).await?;
    Ok(ProcessPage {
        team_id: team,
        versions: store.process_versions(team).await?,
        decisions: decision_log(store, team).await?,
    })
}

/// Every decision of `team`, newest first (ties: plans, change requests, proposals, by hand).
pub async fn decision_log(store: &Store, team: i64) -> Result<Vec<LogEntry>, StoreError> {
    let names: HashMap<i64, String> = store.users().await?.into_iter().map(|u| (u.id, u.name)).collect();
    let name = |id: i64| names.get(&id).cloned().unwrap_or_else(|| format!("user {id}"));
    let mut log = Vec::new();
    for plan in store.team_plans(team).await? {
        for decision in &plan.decisions {
            let outcome = match decision.outcome {
                leadup_core::plan::PlanOutcome::Approved => "approved as the baseline",
                leadup_core::plan::PlanOutcome::SentBack => "sent back to the manager",
            };
            log.push(LogEntry {
                decided_on: decision.decided.at.date(),
                what: format!("Plan {}, version {}, {outcome}", plan.name, decision.version),
                options: vec!["approve".into(), "send back".into()],
                evidence_ids: Vec::new(),
                decided_by: vec![name(decision.decided.user_id)],
                reason: decision.reason.clone(),
                source: DecisionSource::Plan(plan.id),
            });
        }
        for request in store.plan_change_requests(plan.id).await? {
            let Some(at) = request.decided_at.filter(|_| request.status != RequestStatus::Open) else { continue };
            let sign_offs: Vec<_> = [&request.manager, &request.executive].into_iter().flatten().collect();
            let reasons: Vec<&str> = sign_offs.iter().map(|s| s.rationale.trim()).filter(|r| !r.is_empty()).collect();
            log.push(LogEntry {
                decided_on: at.date(),
                what: format!(
                    "Change request {} ({}) to plan {}: {}",
                    request.id,
                    request.change.kind(),
                    plan.name,
                    request.status.as_str()
                ),
                options: vec!["accept".into(), "reject".into(), "defer".into()],
                evidence_ids: request.evidence_ids.clone(),
                decided_by: sign_offs.iter().map(|s| name(s.signed.user_id)).collect(),
                reason: (!reasons.is_empty()).then(|| reasons.join(" / ")),
                source: DecisionSource::ChangeRequest(request.id),
            });
        }
    }
    for proposal in store.proposals().await?.into_iter().filter(|p| p.team_id == team) {
        let input = &proposal.input;
        let mut evidence: Vec<i64> = Vec::new();
        for claim in [&input.problem, &input.solution].into_iter().chain(&input.risks) {
            for &id in &claim.evidence {
                if !evidence.contains(&id) {
                    evidence.push(id);
                }
            }
        }
        for step in proposal.moves.iter().filter(|m| m.to == "approved" || m.to == "declined") {
            let Ok(at) = time::OffsetDateTime::from_unix_timestamp(step.at) else { continue };
            log.push(LogEntry {
                decided_on: at.date(),
                what: format!("Proposal \"{}\" {}", input.title, step.to),
                options: vec!["approve".into(), "decline".into()],
                evidence_ids: evidence.clone(),
                decided_by: vec![name(step.by)],
                reason: step.reason.clone(),
                source: DecisionSource::Proposal(proposal.id),
            });
        }
    }
    for decision in store.team_decisions(team).await? {
        log.push(LogEntry {
            decided_on: decision.decided_on,
            what: decision.title,
            options: decision.options,
            evidence_ids: decision.evidence_ids,
            decided_by: vec![decision.decided_by],
            reason: Some(decision.reason),
            source: DecisionSource::Hand(decision.id),
        });
    }
    // A stable sort keeps, within a day, the order the kinds were read in.
    log.sort_by_key(|d| std::cmp::Reverse(d.decided_on));
    Ok(log)
}
