//! `/api/v1/teams`: teams, their managers, members and executives.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use leadup_core::team::{Team, TeamInput, TeamPatch};

use super::{Id, Json, created};
use crate::{AppError, AppState};

pub(crate) async fn list(State(state): State<AppState>) -> Result<Json<Vec<Team>>, AppError> {
    Ok(Json(state.store.teams().await?))
}

pub(crate) async fn show(State(state): State<AppState>, Id(id): Id) -> Result<Json<Team>, AppError> {
    Ok(Json(state.store.team(id).await?))
}

pub(crate) async fn create(State(state): State<AppState>, Json(input): Json<TeamInput>) -> Result<Response, AppError> {
    let team = state.store.create_team(&input.validate()?).await?;
    Ok(created(format!("/api/v1/teams/{}", team.id), team))
}

pub(crate) async fn update(
    State(state): State<AppState>,
    Id(id): Id,
    Json(patch): Json<TeamPatch>,
) -> Result<Json<Team>, AppError> {
    let mut input = state.store.team(id).await?.to_input();
    patch.apply(&mut input);
    Ok(Json(state.store.update_team(id, &input.validate()?).await?))
}

pub(crate) async fn delete(State(state): State<AppState>, Id(id): Id) -> Result<StatusCode, AppError> {
    state.store.delete_team(id).await?;
    Ok(StatusCode::NO_CONTENT)
}
