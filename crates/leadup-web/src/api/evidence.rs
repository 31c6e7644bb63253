//! `/api/v1/evidence`: record, read, search, change and delete evidence, and link it to the
//! initiatives it supports; `/api/v1/initiatives/{id}/evidence` gives an initiative's evidence, its strength
//! (with the reasons) and the demand behind it.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use leadup_core::ValidationErrors;
use leadup_core::demand::{Demand, demand};
use leadup_core::evidence::{Evidence, EvidenceInput, EvidencePatch};
use leadup_core::evidence_strength::{EvidenceStrength, item_strength, strength};
use leadup_core::initiative::Initiative;
use serde::{Deserialize, Serialize};

use super::{Id, Json, Query, created};
use crate::auth::Caller;
use crate::evidence_imports::{EvidenceImportOptions, EvidenceImportReport, import_evidence};
use crate::imports::ImportFailure;
use crate::{AppError, AppState};

/// How many months of demand the API answers.
const DEMAND_MONTHS: u32 = 12;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Search {
    q: Option<String>,
}

pub(crate) async fn list(
    State(state): State<AppState>,
    Query(search): Query<Search>,
) -> Result<Json<Vec<Evidence>>, AppError> {
    match search.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        Some(q) => Ok(Json(state.store.search_evidence(q).await?)),
        None => Ok(Json(state.store.evidence_list().await?)),
    }
}

pub(crate) async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Json(mut input): Json<EvidenceInput>,
) -> Result<Response, AppError> {
    if input.recorded_by.is_none() {
        input.recorded_by = caller.principal().map(|p| p.name.clone());
    }
    let piece = state.store.create_evidence(&input.validate()?, caller.principal().map(|p| p.user_id)).await?;
    Ok(created(format!("/api/v1/evidence/{}", piece.id), piece))
}

/// Changes the fields the patch names (`null` clears an optional one); the result is
/// validated as a whole, and nothing changes if any field is bad.
pub(crate) async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Json(patch): Json<EvidencePatch>,
) -> Result<Json<Evidence>, AppError> {
    let mut input = state.store.evidence(id).await?.to_input();
    patch.apply(&mut input);
    Ok(Json(state.store.update_evidence(id, &input.validate()?, caller.user_id()).await?))
}

/// Deletes a piece of evidence; refused (409) while an initiative, a change request or a
/// proposal cites it.
pub(crate) async fn delete(State(state): State<AppState>, caller: Caller, Id(id): Id) -> Result<StatusCode, AppError> {
    state.store.delete_evidence(id, caller.user_id()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// One piece with its strength and the initiatives it supports.
#[derive(Serialize)]
pub(crate) struct EvidenceView {
    evidence: Evidence,
    strength: EvidenceStrength,
    initiatives: Vec<Initiative>,
}

pub(crate) async fn show(State(state): State<AppState>, Id(id): Id) -> Result<Json<EvidenceView>, AppError> {
    let evidence = state.store.evidence(id).await?;
    let strength = item_strength(&evidence, state.today());
    let initiatives = state.store.evidence_initiatives(id).await?;
    Ok(Json(EvidenceView { evidence, strength, initiatives }))
}

pub(crate) async fn link(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, initiative)): Path<(i64, i64)>,
) -> Result<StatusCode, AppError> {
    state.store.link_evidence(id, initiative, caller.user_id()).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) async fn unlink(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, initiative)): Path<(i64, i64)>,
) -> Result<StatusCode, AppError> {
    state.store.unlink_evidence(id, initiative, caller.user_id()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An initiative's evidence, how strong it is, and the demand it shows.
#[derive(Serialize)]
pub(crate) struct InitiativeEvidence {
    /// `true` when nothing backs the initiative.
    opinion: bool,
    strength: EvidenceStrength,
    demand: Demand,
    evidence: Vec<Evidence>,
}

pub(crate) async fn of_initiative(
    State(state): State<AppState>,
    Id(id): Id,
) -> Result<Json<InitiativeEvidence>, AppError> {
    state.store.initiative(id).await?;
    let evidence = state.store.initiative_evidence(id).await?;
    let strength = strength(&evidence, state.today());
    let demand = demand(&evidence, state.today(), DEMAND_MONTHS);
    Ok(Json(InitiativeEvidence { opinion: strength.is_opinion(), strength, demand, evidence }))
}

pub(crate) async fn import(
    State(state): State<AppState>,
    caller: Caller,
    Query(options): Query<EvidenceImportOptions>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<EvidenceImportReport>, AppError> {
    let (mapping, strict) = (options.mapping(str::to_owned)?, options.strict);
    let body = body?;
    let report =
        match import_evidence(&state.store, std::io::Cursor::new(body), &mapping, strict, caller.user_id()).await {
            Ok(report) => report,
            Err(ImportFailure::Store(error)) => return Err(error.into()),
            Err(other) => return Err(ValidationErrors::single("file", other.to_string()).into()),
        };
    if report.committed { Ok(Json(report)) } else { Err(super::imports::rejected(&report.errors, &report)) }
}
