//! `/api/v1/objectives`: company goals and their key results, and each key result's history
//! of measured values.

use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;
use leadup_core::strategy::{Measurement, MeasurementInput, Objective, ObjectiveInput, ObjectivePatch};
use serde::Serialize;

use super::{Id, Json, created};
use crate::auth::Caller;
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

/// The path of one key result: its objective's id and its position in the objective, from 0.
pub(crate) struct KeyResultPath(i64, usize);

impl<S: Send + Sync> FromRequestParts<S> for KeyResultPath {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let axum::extract::Path((id, index)) =
            axum::extract::Path::<(i64, usize)>::from_request_parts(parts, state).await?;
        Ok(Self(id, index))
    }
}

/// One recorded value of a key result, as the API answers it.
#[derive(Serialize)]
pub(crate) struct ValueOut {
    #[serde(flatten)]
    measurement: Measurement,
    /// Who recorded it; `null` for the operator.
    recorded_by: Option<i64>,
}

/// Every value recorded for the key result, oldest day first: its history.
pub(crate) async fn values(
    State(state): State<AppState>,
    KeyResultPath(id, index): KeyResultPath,
) -> Result<Json<Vec<ValueOut>>, AppError> {
    let objective = state.store.objective(id).await?;
    if index >= objective.key_results.len() {
        return Err(AppError::NotFound(format!("objective {id} has no key result {index}")));
    }
    let values = state.store.key_result_values(Some(id)).await?;
    Ok(Json(
        values
            .into_iter()
            .filter(|v| v.key_result == index)
            .map(|v| ValueOut { measurement: v.measurement, recorded_by: v.recorded_by })
            .collect(),
    ))
}

/// Records a value of the key result (today's unless `on` is given); the latest day's value is
/// its current value. Answers the objective as it now stands.
pub(crate) async fn record(
    State(state): State<AppState>,
    caller: Caller,
    KeyResultPath(id, index): KeyResultPath,
    Json(input): Json<MeasurementInput>,
) -> Result<Response, AppError> {
    let user = caller.user()?.user_id;
    let measurement = input.validate(state.today())?;
    let objective = state.store.record_key_result_value(id, index, measurement, state.actor(user)).await?;
    Ok(created(format!("/api/v1/objectives/{id}/key-results/{index}/values"), objective))
}
