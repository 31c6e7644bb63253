//! `/api/v1/initiatives`: roadmap items, and the alignment they add up to.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use leadup_core::access::Action;
use leadup_core::alignment::Alignment;
use leadup_core::initiative::{Initiative, InitiativeInput, InitiativePatch};

use super::{Id, Json, created};
use crate::auth::Caller;
use crate::{AppError, AppState};

pub(crate) async fn list(State(state): State<AppState>) -> Result<Json<Vec<Initiative>>, AppError> {
    Ok(Json(state.store.initiatives().await?))
}

pub(crate) async fn show(State(state): State<AppState>, Id(id): Id) -> Result<Json<Initiative>, AppError> {
    Ok(Json(state.store.initiative(id).await?))
}

pub(crate) async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<InitiativeInput>,
) -> Result<Response, AppError> {
    caller.require(Action::EditInitiatives, Some(input.team_id))?;
    let initiative = state.store.create_initiative(&input.validate()?).await?;
    state.forecasts_changed(initiative.team_id);
    Ok(created(format!("/api/v1/initiatives/{}", initiative.id), initiative))
}

pub(crate) async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Json(patch): Json<InitiativePatch>,
) -> Result<Json<Initiative>, AppError> {
    let before = state.store.initiative(id).await?;
    let mut input = before.to_input();
    patch.apply(&mut input);
    // Moving an initiative needs the right in the team it moves to as well.
    caller.require(Action::EditInitiatives, Some(input.team_id))?;
    let updated = state.store.update_initiative(id, &input.validate()?).await?;
    state.forecasts_changed(before.team_id);
    state.forecasts_changed(updated.team_id);
    Ok(Json(updated))
}

pub(crate) async fn delete(State(state): State<AppState>, Id(id): Id) -> Result<StatusCode, AppError> {
    let team_id = state.store.initiative(id).await?.team_id;
    state.store.delete_initiative(id).await?;
    state.forecasts_changed(team_id);
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) async fn alignment(State(state): State<AppState>) -> Result<Json<Alignment>, AppError> {
    let (objectives, initiatives) = (state.store.objectives().await?, state.store.initiatives().await?);
    Ok(Json(Alignment::of(&objectives, &initiatives)))
}
