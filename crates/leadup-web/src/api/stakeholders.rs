//! `/api/v1/stakeholders`: the executives the caller leads up to (those of the teams where
//! they may `view_stakeholders`), each with their profile; `PUT /api/v1/stakeholders/{id}`
//! saves one (a manager of one of their teams). A webhook is shown only by its host, and a
//! `PUT` with the webhook channel and no `webhook_url` keeps the stored address.

use axum::extract::State;
use leadup_app::stakeholders::{self, Shown};
use leadup_core::stakeholder::PreferencesInput;

use super::{Id, Json};
use crate::auth::Caller;
use crate::{AppError, AppState};

fn signed_in(caller: &Caller) -> Result<&leadup_core::access::Principal, AppError> {
    caller.principal().ok_or_else(|| AppError::Unauthorized("Sign in first.".to_owned()))
}

pub(crate) async fn list(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<Shown>>, AppError> {
    let list = stakeholders::visible_to(&state.store, signed_in(&caller)?).await?;
    Ok(Json(list.iter().map(stakeholders::Stakeholder::shown).collect()))
}

pub(crate) async fn show(State(state): State<AppState>, Id(id): Id) -> Result<Json<Shown>, AppError> {
    let found = stakeholders::stakeholder(&state.store, id).await?;
    let found = found.ok_or(leadup_store::StoreError::NotFound { entity: "stakeholder", id })?;
    Ok(Json(found.shown()))
}

pub(crate) async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Json(input): Json<PreferencesInput>,
) -> Result<Json<Shown>, AppError> {
    let by = state.actor(signed_in(&caller)?.user_id);
    Ok(Json(stakeholders::save(&state.store, id, input, by).await?.shown()))
}
