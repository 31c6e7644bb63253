//! `POST /api/v1/teams/{id}/imports`: a tracker export, sent as the request body, imported
//! into a team.

use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use leadup_core::ValidationErrors;
use leadup_import::RowError;
use serde::Deserialize;

use super::{Id, Json, Query};
use crate::imports::{self, ImportFailure, ImportOptions, ImportReport};
use crate::{AppError, AppState};

#[derive(Deserialize)]
pub(crate) struct Params {
    #[serde(default)]
    strict: bool,
    #[serde(flatten)]
    options: ImportOptions,
}

pub(crate) async fn create(
    State(state): State<AppState>,
    Id(id): Id,
    Query(params): Query<Params>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<ImportReport>, AppError> {
    state.store.team(id).await?;
    let format = params.options.format()?;
    let body = body?;
    let report = run(&state, id, body, &format, params.strict, &params.options).await?;
    if !report.written {
        return Err(rejected(&report.errors, &report));
    }
    Ok(Json(report))
}

/// Imports `body` into team `team_id` (which must exist), answering a file that cannot be
/// imported as invalid input naming the option or `file` it is about.
pub(crate) async fn run(
    state: &AppState,
    team_id: i64,
    body: Bytes,
    format: &imports::Format,
    strict: bool,
    options: &ImportOptions,
) -> Result<ImportReport, AppError> {
    let team = state.store.team(team_id).await?;
    match imports::import(&state.store, &team.id.to_string(), std::io::Cursor::new(body), format, strict, |_| {}).await
    {
        Ok(report) => {
            state.forecasts_changed(team.id);
            Ok(report)
        }
        Err(ImportFailure::Store(error)) => Err(error.into()),
        Err(failure) => {
            Err(failure.invalid(options).map_or_else(|| AppError::Internal(failure.to_string()), Into::into))
        }
    }
}

/// A strict import that met bad rows: 422 naming each bad row, with the report.
pub(crate) fn rejected(rows: &[RowError], report: &impl serde::Serialize) -> AppError {
    let mut errors = ValidationErrors::default();
    for error in rows {
        errors.add(format!("line {}", error.line), error.message.clone());
    }
    let bad = rows.len();
    AppError::Rejected {
        detail: format!("{bad} bad row{}; with strict=true nothing was written", if bad == 1 { "" } else { "s" }),
        errors,
        report: Box::new(serde_json::to_value(report).expect("a report always serialises")),
    }
}
