//! `/api/v1/briefs`: generate a brief for one of a team's executives and store it (as sent, or
//! as a draft), and read a stored brief with its content, through the same
//! `leadup_app::brief` service as the brief pages and `leadup brief`.

use axum::extract::State;
use axum::response::Response;
use leadup_app::brief::{self, Audience, Brief, BriefError, DEFAULT_DAYS, Request};
use leadup_core::ValidationErrors;
use leadup_core::access::Action;
use leadup_core::date::iso_date;
use leadup_store::{BriefStatus, StoreError, StoredBrief};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use super::{Id, Json, created};
use crate::auth::Caller;
use crate::{AppError, AppState};

/// A brief as the API shows it: the stored record and its content.
#[derive(Serialize)]
pub(crate) struct BriefRecord {
    id: i64,
    stakeholder_id: i64,
    team_id: i64,
    #[serde(with = "iso_date")]
    period_start: Date,
    #[serde(with = "iso_date")]
    period_end: Date,
    status: &'static str,
    created_by: i64,
    created_at: i64,
    sent_at: Option<i64>,
    note: String,
    asks: Vec<String>,
    content: Brief,
}

impl BriefRecord {
    pub(crate) fn of(stored: &StoredBrief) -> Result<Self, AppError> {
        Ok(Self {
            id: stored.id,
            stakeholder_id: stored.stakeholder_id,
            team_id: stored.team_id,
            period_start: stored.period_start,
            period_end: stored.period_end,
            status: stored.status.as_str(),
            created_by: stored.created_by,
            created_at: stored.created_at,
            sent_at: stored.sent_at,
            note: stored.note.clone(),
            asks: stored.asks.clone(),
            content: Brief::of_stored(stored)?,
        })
    }
}

/// What `POST /api/v1/briefs` takes.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewBrief {
    /// The executive the brief is for.
    stakeholder_id: i64,
    /// The team it is about.
    team_id: i64,
    /// The period's length in days (default 14).
    days: Option<u32>,
    #[serde(default)]
    note: String,
    #[serde(default)]
    asks: Vec<String>,
    /// Whether the brief includes the team's track record (default true).
    track_record: Option<bool>,
    /// `sent` (default: stored as sent now) or `draft`.
    status: Option<String>,
}

/// Generates the brief `new` asks for and stores it; the caller must manage its team.
pub(crate) async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Json(new): Json<NewBrief>,
) -> Result<Response, AppError> {
    let principal = caller.require(Action::WriteBriefs, Some(new.team_id))?;
    let text = new.status.as_deref().unwrap_or("sent");
    let status = BriefStatus::parse(text).ok_or_else(|| {
        AppError::Invalid(ValidationErrors::single("status", format!("'{text}' is not sent or draft")))
    })?;
    let now = OffsetDateTime::from_unix_timestamp(state.now()).unwrap_or_else(|_| OffsetDateTime::now_utc());
    let audience = Audience::of_user(&state.store, new.stakeholder_id).await.map_err(|e| match e {
        BriefError::Store(StoreError::NotFound { .. }) => AppError::Invalid(ValidationErrors::single(
            "stakeholder_id",
            format!("user {} does not exist", new.stakeholder_id),
        )),
        other => other.into(),
    })?;
    let request = Request {
        team_id: new.team_id,
        days: new.days.unwrap_or(DEFAULT_DAYS),
        today: state.today(),
        now,
        note: new.note,
        asks: new.asks,
        track_record: new.track_record.unwrap_or(true),
    };
    let generated = brief::generate(&state.store, &audience, &request).await?;
    let sent_at = (status == BriefStatus::Sent).then_some(now);
    let stored = state.store.save_brief(&generated.to_new(principal.user_id, now, sent_at)).await?;
    Ok(created(format!("/api/v1/briefs/{}", stored.id), BriefRecord::of(&stored)?))
}

/// A stored brief.
pub(crate) async fn show(State(state): State<AppState>, Id(id): Id) -> Result<Json<BriefRecord>, AppError> {
    Ok(Json(BriefRecord::of(&state.store.brief(id).await?)?))
}
