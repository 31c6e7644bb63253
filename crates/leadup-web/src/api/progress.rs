//! Progress in the API: a team's and an initiative's progress, a team's work items, and the
//! rules that attach work items to an initiative.

use axum::extract::State;
use leadup_core::ValidationErrors;
use leadup_core::forecast::InitiativeForecast;
use leadup_core::work_item::{AttachRule, RuleKind, WorkItem};
use serde::Deserialize;

use super::{Id, Json, Query};
use crate::auth::Caller;
use crate::views::{self, InitiativeProgress, TeamProgress};
use crate::{AppError, AppState};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Days {
    days: Option<u32>,
}

pub(crate) async fn team(
    State(state): State<AppState>,
    Id(id): Id,
    Query(params): Query<Days>,
) -> Result<Json<TeamProgress>, AppError> {
    Ok(Json(views::team(&state, id, params.days).await?))
}

/// Another team's caller gets the summary without the items ([`InitiativeProgress::for_caller`]).
pub(crate) async fn initiative(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<InitiativeProgress>, AppError> {
    Ok(Json(views::initiative(&state, id).await?.for_caller(&caller)))
}

/// The initiative's stored forecasts, oldest first: its forecast history.
pub(crate) async fn forecasts(
    State(state): State<AppState>,
    Id(id): Id,
) -> Result<Json<Vec<InitiativeForecast>>, AppError> {
    state.store.initiative(id).await?;
    Ok(Json(state.store.initiative_forecast_history(id).await?))
}

pub(crate) async fn work_items(State(state): State<AppState>, Id(id): Id) -> Result<Json<Vec<WorkItem>>, AppError> {
    state.store.team(id).await?;
    Ok(Json(state.store.work_items(id).await?))
}

pub(crate) async fn rules(State(state): State<AppState>, Id(id): Id) -> Result<Json<Vec<AttachRule>>, AppError> {
    Ok(Json(state.store.initiative_rules(id).await?))
}

/// One attach rule as a client sends it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleInput {
    kind: String,
    value: String,
}

/// Validates every rule of a list, naming each bad field as `[index].kind` or `[index].value`.
pub(crate) fn validate_rules(inputs: &[RuleInput]) -> Result<Vec<AttachRule>, ValidationErrors> {
    let mut errors = ValidationErrors::default();
    let mut rules = Vec::with_capacity(inputs.len());
    for (k, input) in inputs.iter().enumerate() {
        let kind = RuleKind::parse(input.kind.trim());
        if kind.is_none() {
            errors.add(
                format!("[{k}].kind"),
                format!("'{}' is not a rule kind: use parent, label, milestone or key", input.kind),
            );
        }
        if input.value.trim().is_empty() {
            errors.add(format!("[{k}].value"), "must not be empty");
        }
        if let Some(kind) = kind
            && let Ok(rule) = AttachRule::new(kind, &input.value)
        {
            rules.push(rule);
        }
    }
    errors.into_result(|| rules)
}

pub(crate) async fn set_rules(
    State(state): State<AppState>,
    Id(id): Id,
    Json(inputs): Json<Vec<RuleInput>>,
) -> Result<Json<Vec<AttachRule>>, AppError> {
    let team_id = state.store.initiative(id).await?.team_id;
    let rules = validate_rules(&inputs)?;
    state.store.set_initiative_rules(id, &rules).await?;
    state.forecasts_changed(team_id);
    Ok(Json(state.store.initiative_rules(id).await?))
}
