//! `/api/v1/inbox`: everything waiting for the signed-in user's decision, oldest first (see
//! `leadup_app::inbox`).

use axum::extract::State;
use leadup_app::inbox::{InboxItem, inbox};

use super::Json;
use crate::auth::Caller;
use crate::{AppError, AppState};

pub(crate) async fn list(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<InboxItem>>, AppError> {
    Ok(Json(inbox(&state.store, caller.user()?, state.clock()).await?))
}
