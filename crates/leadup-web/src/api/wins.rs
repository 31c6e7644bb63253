//! `/api/v1/teams/{id}/wins` and `/api/v1/wins/{id}`: a team's wins with the people credited,
//! proposed by its members, confirmed or declined by its manager
//! (`POST /api/v1/wins/{id}/decision`); `/api/v1/teams/{id}/process` (the process document
//! and its versions, with the decision log) and `/api/v1/teams/{id}/decisions` (the log, and
//! decisions added by hand). All through `leadup_app::wins` and `leadup_app::process`.

use axum::extract::State;
use axum::response::Response;
use leadup_app::process::{self, LogEntry, ProcessPage};
use leadup_app::wins::{self, TeamWins};
use leadup_core::process::{DecisionInput, ProcessInput, ProcessVersion};
use leadup_core::win::{Win, WinInput};
use serde::Deserialize;

use super::{Id, Json, created};
use crate::auth::Caller;
use crate::{AppError, AppState};

/// The manager's decision on a proposed win.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WinDecision {
    decision: String,
    #[serde(default)]
    reason: Option<String>,
}

pub(crate) async fn list(State(state): State<AppState>, Id(team): Id) -> Result<Json<TeamWins>, AppError> {
    state.store.team(team).await?;
    Ok(Json(wins::team_wins(&state.store, team).await?))
}

pub(crate) async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Id(team): Id,
    Json(input): Json<WinInput>,
) -> Result<Response, AppError> {
    let by = state.actor(caller.user()?.user_id);
    let win = wins::propose(&state.store, team, &input, state.today(), by).await?;
    Ok(created(format!("/api/v1/wins/{}", win.id), win))
}

pub(crate) async fn show(State(state): State<AppState>, Id(id): Id) -> Result<Json<Win>, AppError> {
    Ok(Json(state.store.win(id).await?))
}

pub(crate) async fn decide(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Json(input): Json<WinDecision>,
) -> Result<Json<Win>, AppError> {
    let by = state.actor(caller.user()?.user_id);
    match input.decision.as_str() {
        "confirm" => Ok(Json(wins::confirm(&state.store, id, by).await?)),
        "decline" => Ok(Json(wins::decline(&state.store, id, input.reason.as_deref().unwrap_or(""), by).await?)),
        other => {
            Err(leadup_core::ValidationErrors::single("decision", format!("'{other}' is not confirm or decline"))
                .into())
        }
    }
}

pub(crate) async fn process_page(State(state): State<AppState>, Id(team): Id) -> Result<Json<ProcessPage>, AppError> {
    Ok(Json(process::page(&state.store, team).await?))
}

pub(crate) async fn save_process(
    State(state): State<AppState>,
    caller: Caller,
    Id(team): Id,
    Json(input): Json<ProcessInput>,
) -> Result<Json<ProcessVersion>, AppError> {
    let by = state.actor(caller.user()?.user_id);
    Ok(Json(process::save(&state.store, team, &input, by).await?))
}

pub(crate) async fn decisions(State(state): State<AppState>, Id(team): Id) -> Result<Json<Vec<LogEntry>>, AppError> {
    state.store.team(team).await?;
    Ok(Json(process::decision_log(&state.store, team).await?))
}

pub(crate) async fn add_decision(
    State(state): State<AppState>,
    caller: Caller,
    Id(team): Id,
    Json(input): Json<DecisionInput>,
) -> Result<Response, AppError> {
    let by = state.actor(caller.user()?.user_id);
    let added = process::add_decision(&state.store, team, &input, state.today(), by).await?;
    Ok(created(format!("/api/v1/teams/{team}/decisions"), added))
}
