//! `/api/v1/teams/{id}/commitments`, `/api/v1/commitments/{id}` and
//! `/api/v1/teams/{id}/credibility`: a team's commitments ledger, recording outcomes, and its
//! track record, through `leadup_app::commitments` (the service the pages and the CLI use).

use axum::extract::State;
use axum::response::Response;
use leadup_app::commitments::{self, CommitmentView, Credibility};
use leadup_core::commitment::{CommitmentInput, OutcomeInput};
use leadup_core::{ValidationErrors, date};
use serde::Deserialize;
use time::Date;

use super::{Id, Json, Query, created};
use crate::auth::Caller;
use crate::{AppError, AppState};

/// The period of a credibility report.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Period {
    from: Option<String>,
    to: Option<String>,
}

impl Period {
    /// The first and last day, checked (`to` defaults to `today`), naming a bad parameter.
    pub(crate) fn days(&self, today: Date) -> Result<(Option<Date>, Date), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let present = |t: &Option<String>| t.as_deref().filter(|t| !t.trim().is_empty()).map(str::to_owned);
        let from = present(&self.from).and_then(|t| date::parse_field(&mut errors, "from", &t));
        let to = match present(&self.to) {
            Some(t) => date::parse_field(&mut errors, "to", &t),
            None => Some(today),
        };
        if let (Some(from), Some(to)) = (from, to)
            && from > to
        {
            errors.add("from", format!("{} is after to ({})", date::format(from), date::format(to)));
        }
        errors.into_result(|| (from, to.expect("checked")))
    }
}

pub(crate) async fn list(State(state): State<AppState>, Id(team): Id) -> Result<Json<Vec<CommitmentView>>, AppError> {
    state.store.team(team).await?;
    Ok(Json(commitments::list(&state.store, team).await?))
}

pub(crate) async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Id(team): Id,
    Json(input): Json<CommitmentInput>,
) -> Result<Response, AppError> {
    let by = state.actor(caller.user()?.user_id);
    let added = commitments::add(&state.store, team, &input, by).await?;
    let view = commitments::one(&state.store, added.id).await?;
    Ok(created(format!("/api/v1/commitments/{}", added.id), view))
}

pub(crate) async fn show(State(state): State<AppState>, Id(id): Id) -> Result<Json<CommitmentView>, AppError> {
    Ok(Json(commitments::one(&state.store, id).await?))
}

pub(crate) async fn record(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Json(input): Json<OutcomeInput>,
) -> Result<Json<CommitmentView>, AppError> {
    let by = state.actor(caller.user()?.user_id);
    commitments::record_outcome(&state.store, id, &input, by).await?;
    Ok(Json(commitments::one(&state.store, id).await?))
}

pub(crate) async fn credibility(
    State(state): State<AppState>,
    Id(team): Id,
    Query(period): Query<Period>,
) -> Result<Json<Credibility>, AppError> {
    let (from, to) = period.days(state.today())?;
    Ok(Json(commitments::report(&state.store, team, from, to).await?))
}
