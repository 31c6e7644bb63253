//! `/api/v1/teams`: teams with the users holding each role (and pending people, named
//! before roles were the one source, who have no account yet). Creating a team may give
//! existing users, named by e-mail address, their roles; later changes of who holds which
//! role go through the role-granting paths, never through the team.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use leadup_core::team::{Team, TeamInput, TeamPatch};

use super::{Id, Json, created};
use crate::auth::Caller;
use crate::{AppError, AppState};

pub(crate) async fn list(State(state): State<AppState>) -> Result<Json<Vec<Team>>, AppError> {
    Ok(Json(state.store.teams().await?))
}

pub(crate) async fn show(State(state): State<AppState>, Id(id): Id) -> Result<Json<Team>, AppError> {
    Ok(Json(state.store.team(id).await?))
}

pub(crate) async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<TeamInput>,
) -> Result<Response, AppError> {
    let by = caller.principal().map(|p| p.user_id);
    let team = state.store.create_team(&input.validate()?, by).await?;
    Ok(created(format!("/api/v1/teams/{}", team.id), team))
}

pub(crate) async fn update(
    State(state): State<AppState>,
    Id(id): Id,
    Json(patch): Json<TeamPatch>,
) -> Result<Json<Team>, AppError> {
    let team = state.store.team(id).await?;
    match patch.validate()? {
        Some(name) => Ok(Json(state.store.rename_team(id, &name).await?)),
        None => Ok(Json(team)),
    }
}

pub(crate) async fn delete(State(state): State<AppState>, Id(id): Id) -> Result<StatusCode, AppError> {
    state.store.delete_team(id).await?;
    Ok(StatusCode::NO_CONTENT)
}
