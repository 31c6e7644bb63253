//! `/api/v1/objectives`: company goals and their key results.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use leadup_core::strategy::{Objective, ObjectiveInput, ObjectivePatch};

use super::{Id, Json, created};
use crate::{AppError, AppState};

pub(crate) async fn list(State(state): State<AppState>) -> Result<Json<Vec<Objective>>, AppError> {
    Ok(Json(state.store.objectives().await?))
}

pub(crate) async fn show(State(state): State<AppState>, Id(id): Id) -> Result<Json<Objective>, AppError> {
    Ok(Json(state.store.objective(id).await?))
}

pub(crate) async fn create(
    State(state): State<AppState>,
    Json(input): Json<ObjectiveInput>,
) -> Result<Response, AppError> {
    let objective = state.store.create_objective(&input.validate()?).await?;
    Ok(created(format!("/api/v1/objectives/{}", objective.id), objective))
}

pub(crate) async fn update(
    State(state): State<AppState>,
    Id(id): Id,
    Json(patch): Json<ObjectivePatch>,
) -> Result<Json<Objective>, AppError> {
    let mut input = state.store.objective(id).await?.to_input();
    patch.apply(&mut input);
    Ok(Json(state.store.update_objective(id, &input.validate()?).await?))
}

pub(crate) async fn delete(State(state): State<AppState>, Id(id): Id) -> Result<StatusCode, AppError> {
    state.store.delete_objective(id).await?;
    Ok(StatusCode::NO_CONTENT)
}
