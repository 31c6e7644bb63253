//! `POST /api/v1/teams/{id}/imports`: a tracker export, sent as the request body, imported
//! into a team as it arrives.

use axum::body::Body;
use axum::extract::State;
use leadup_core::ValidationErrors;
use leadup_import::RowError;
use serde::Deserialize;

use super::{Id, Json, Query};
use crate::imports::{self, ImportFailure, ImportOptions, ImportReport};
use crate::upload::{self, Chunks, Cut};
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
    mut body: Body,
) -> Result<Json<ImportReport>, AppError> {
    state.store.team(id).await?;
    let format = params.options.format()?;
    let report = run(&state, id, &mut body, &format, params.strict, &params.options).await?;
    if !report.written {
        return Err(rejected(&report.errors, &report));
    }
    Ok(Json(report))
}

/// Imports the upload `source` into team `team_id` (which must exist) as it arrives, the
/// server holding a few chunks of it at a time, answering a file that cannot be imported as
/// invalid input naming the option or `file` it is about, and an upload cut off (too large,
/// or broken off by the client) as such; nothing is written then.
pub(crate) async fn run(
    state: &AppState,
    team_id: i64,
    source: &mut impl Chunks,
    format: &imports::Format,
    strict: bool,
    options: &ImportOptions,
) -> Result<ImportReport, AppError> {
    let team = state.store.team(team_id).await?;
    let (sender, reader, outcome) = upload::channel();
    let into = team.id.to_string();
    let import = imports::import(&state.store, &into, reader, format, strict, |_| {});
    // The import may end before the upload does (a bad header): it is answered at once.
    let imported = {
        let forward = sender.forward(source);
        tokio::pin!(forward, import);
        let mut forwarding = true;
        loop {
            tokio::select! {
                () = &mut forward, if forwarding => forwarding = false,
                imported = &mut import => break imported,
            }
        }
    };
    match outcome.cut() {
        Some(cut @ Cut::TooLarge) => return Err(AppError::TooLarge(cut.to_string())),
        Some(cut @ Cut::Broken(_)) => return Err(AppError::BadRequest(cut.to_string())),
        None => {}
    }
    match imported {
        Ok(report) => {
            if report.written {
                state.metrics.add_imported_rows(report.inserted + report.updated);
            }
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
