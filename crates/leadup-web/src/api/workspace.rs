//! `/api/v1/workspace`: the organisation's name and mission.

use axum::extract::State;
use leadup_core::strategy::Workspace;
use serde::Deserialize;

use super::Json;
use crate::{AppError, AppState};

pub(crate) async fn show(State(state): State<AppState>) -> Result<Json<Workspace>, AppError> {
    let workspace = state.store.workspace().await?;
    workspace.map(Json).ok_or_else(|| AppError::NotFound("the workspace is not set up yet; run `leadup init`".into()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WorkspacePatch {
    name: Option<String>,
    mission: Option<String>,
}

pub(crate) async fn update(
    State(state): State<AppState>,
    Json(patch): Json<WorkspacePatch>,
) -> Result<Json<Workspace>, AppError> {
    let current = state.store.workspace().await?.unwrap_or(Workspace { name: String::new(), mission: String::new() });
    let workspace =
        Workspace { name: patch.name.unwrap_or(current.name), mission: patch.mission.unwrap_or(current.mission) }
            .validate()?;
    state.store.save_workspace(&workspace).await?;
    Ok(Json(workspace))
}
