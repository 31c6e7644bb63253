//! `/api/v1/proposals` and `/api/v1/teams/{id}/proposals`: a team's business cases, written as
//! drafts, presented, then approved or declined by one of the team's executives; each answer
//! carries the computed numbers (NPV, ROI, payback, sensitivity), the delivery forecast and
//! which claims are opinions. The briefs are pages: `/proposals/{id}/brief` (HTML to print)
//! and `/proposals/{id}/brief.md` (Markdown).

use axum::extract::State;
use axum::response::Response;
use leadup_core::evidence::Evidence;
use leadup_core::proposal::{ProposalInput, StoredProposal};
use leadup_core::{ValidationErrors, date};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Id, Json, created};
use crate::auth::Caller;
use crate::proposals::{Brief, check_draft};
use crate::{AppError, AppState};

/// A decision on a presented proposal.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DecisionInput {
    decision: String,
    /// Why, shown in the proposal's history and written to the audit log.
    #[serde(default)]
    reason: Option<String>,
}

/// A stored proposal with what is computed from it.
async fn described(state: &AppState, stored: StoredProposal) -> Result<Value, AppError> {
    let brief = Brief::of_stored(&state.store, &stored, state.today()).await?;
    let p = &brief.proposal;
    let mut opinions = Vec::new();
    for (name, claim) in [("problem", &p.problem), ("solution", &p.solution)] {
        if claim.evidence.is_empty() {
            opinions.push(name.to_owned());
        }
    }
    for (i, (_, claim)) in p.beneficiaries.iter().enumerate() {
        if claim.evidence.is_empty() {
            opinions.push(format!("beneficiaries[{i}]"));
        }
    }
    for (i, claim) in p.risks.iter().enumerate() {
        if claim.evidence.is_empty() {
            opinions.push(format!("risks[{i}]"));
        }
    }
    let delivery = brief.delivery.as_ref().map(|d| {
        json!({
            "initiative": d.initiative,
            "p50": d.range.map(|r| date::format(r.0)),
            "p95": d.range.map(|r| date::format(r.1)),
            "note": d.note,
        })
    });
    let mut body = serde_json::to_value(&stored).expect("a proposal always serialises");
    body["evaluation"] = serde_json::to_value(&brief.evaluation).expect("an evaluation always serialises");
    body["delivery"] = delivery.unwrap_or(Value::Null);
    body["opinions"] = json!(opinions);
    body["unaligned"] = json!(p.objective_ids.is_empty());
    body["strength"] = serde_json::to_value(brief.strength(state.today())).expect("a strength always serialises");
    let as_cited: Vec<&Evidence> = brief.evidence.iter().filter(|e| brief.changed_since.contains(&e.id)).collect();
    body["evidence_as_cited"] = json!(as_cited);
    Ok(body)
}

pub(crate) async fn list(State(state): State<AppState>) -> Result<Json<Vec<StoredProposal>>, AppError> {
    Ok(Json(state.store.proposals().await?))
}

pub(crate) async fn show(State(state): State<AppState>, Id(id): Id) -> Result<Json<Value>, AppError> {
    let stored = state.store.proposal(id).await?;
    Ok(Json(described(&state, stored).await?))
}

pub(crate) async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Id(team): Id,
    Json(input): Json<ProposalInput>,
) -> Result<Response, AppError> {
    state.store.team(team).await?;
    check_draft(&state.store, &input, state.today()).await?;
    let stored = state.store.create_proposal(team, &input, state.actor(caller.user()?.user_id)).await?;
    let id = stored.id;
    Ok(created(format!("/api/v1/proposals/{id}"), described(&state, stored).await?))
}

pub(crate) async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Json(input): Json<ProposalInput>,
) -> Result<Json<Value>, AppError> {
    check_draft(&state.store, &input, state.today()).await?;
    let stored = state.store.update_proposal(id, &input, state.actor(caller.user()?.user_id)).await?;
    Ok(Json(described(&state, stored).await?))
}

/// What presenting may say: that a case with a negative expected NPV is presented on purpose.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct Presenting {
    #[serde(default)]
    confirm_negative_npv: bool,
}

pub(crate) async fn present(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    body: axum::body::Bytes,
) -> Result<Json<Value>, AppError> {
    let presenting: Presenting = if body.iter().all(u8::is_ascii_whitespace) {
        Presenting::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| {
            AppError::Invalid(ValidationErrors::single(
                "confirm_negative_npv",
                format!("the body must be {{\"confirm_negative_npv\": true}} or empty: {e}"),
            ))
        })?
    };
    let actor = state.actor(caller.user()?.user_id);
    let stored = crate::proposals::present(&state.store, id, actor, presenting.confirm_negative_npv).await?;
    Ok(Json(described(&state, stored).await?))
}

pub(crate) async fn withdraw(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<Value>, AppError> {
    let stored = state.store.move_proposal(id, "draft", state.actor(caller.user()?.user_id), None).await?;
    Ok(Json(described(&state, stored).await?))
}

pub(crate) async fn decide(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Json(input): Json<DecisionInput>,
) -> Result<Json<Value>, AppError> {
    let to = match input.decision.as_str() {
        "approve" => "approved",
        "decline" => "declined",
        other => {
            return Err(leadup_core::ValidationErrors::single(
                "decision",
                format!("'{other}' is not approve or decline"),
            )
            .into());
        }
    };
    let by = state.actor(caller.user()?.user_id);
    let stored = state.store.move_proposal(id, to, by, input.reason.as_deref()).await?;
    Ok(Json(described(&state, stored).await?))
}
