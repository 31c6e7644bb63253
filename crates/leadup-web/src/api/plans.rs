//! `/api/v1/teams/{id}/plans`, `/api/v1/plans/{id}` and `/api/v1/change-requests/{id}`: a
//! team's plans and their versions (draft, submit, approve into the baseline or send back with
//! a comment, re-plan, diff), a version's progress against its targets,
//! change requests filed against a baseline with their computed impact and their decisions,
//! and the team's disruption record.

use axum::extract::State;
use axum::response::Response;
use leadup_core::change_request::{ChangeRequest, ChangeRequestInput, Decision};
use leadup_core::disruption::DisruptionRecord;
use leadup_core::plan::{Period, Plan, PlanDiff, PlanInput, PlanItemInput, StatedConfidence, diff, validate_items};
use leadup_core::roadmap::Quarter;
use leadup_core::{ValidationErrors, date};
use serde::Deserialize;

use super::{Id, Json, OptionalJson, Query, created};
use crate::auth::Caller;
use crate::{AppError, AppState};
use leadup_app::impact;
use leadup_app::plan_progress::{self, PlanProgress};

/// A new plan: the team is the path's.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewPlan {
    name: String,
    period_start: String,
    period_end: String,
    #[serde(default)]
    items: Vec<PlanItemInput>,
}

/// The draft's new content.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DraftContent {
    items: Vec<PlanItemInput>,
}

/// The reason an executive gives with a decision on a plan (optional when approving, required
/// when sending it back).
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct PlanDecisionInput {
    #[serde(default)]
    reason: Option<String>,
}

/// A submission: the confidence the manager states of meeting each item's target (optional,
/// per item).
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct SubmitInput {
    #[serde(default)]
    stated_confidence: Vec<StatedConfidence>,
}

/// Which version's progress: the baseline's when none is named.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProgressParams {
    version: Option<u32>,
}

/// A sign-off of a decision on a change request.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DecisionInput {
    decision: String,
    rationale: String,
}

/// Two versions to compare.
#[derive(Deserialize)]
pub(crate) struct Versions {
    from: u32,
    to: u32,
}

/// The filing days a disruption record covers; the current quarter when left out.
#[derive(Deserialize)]
pub(crate) struct Days {
    from: Option<String>,
    to: Option<String>,
}

pub(crate) async fn list(State(state): State<AppState>, Id(team): Id) -> Result<Json<Vec<Plan>>, AppError> {
    state.store.team(team).await?;
    Ok(Json(state.store.team_plans(team).await?))
}

pub(crate) async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Id(team): Id,
    Json(new): Json<NewPlan>,
) -> Result<Response, AppError> {
    let input = PlanInput {
        team_id: team,
        name: new.name,
        period_start: new.period_start,
        period_end: new.period_end,
        items: new.items,
    };
    let plan = state.store.create_plan(&input.validate()?, state.actor(caller.user()?.user_id)).await?;
    Ok(created(format!("/api/v1/plans/{}", plan.id), plan))
}

pub(crate) async fn show(State(state): State<AppState>, Id(id): Id) -> Result<Json<Plan>, AppError> {
    Ok(Json(state.store.plan(id).await?))
}

pub(crate) async fn edit_draft(
    State(state): State<AppState>,
    Id(id): Id,
    Json(draft): Json<DraftContent>,
) -> Result<Json<Plan>, AppError> {
    let content = validate_items(&draft.items)?;
    Ok(Json(state.store.edit_plan_draft(id, &content).await?))
}

pub(crate) async fn submit(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    OptionalJson(input): OptionalJson<SubmitInput>,
) -> Result<Json<Plan>, AppError> {
    let plan = state.store.submit_plan(id, state.actor(caller.user()?.user_id), &input.stated_confidence).await?;
    // The refresher stores the submitted version's forecast for the executive to see.
    state.forecasts_changed(plan.team_id);
    Ok(Json(plan))
}

pub(crate) async fn approve(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    OptionalJson(input): OptionalJson<PlanDecisionInput>,
) -> Result<Json<Plan>, AppError> {
    let by = state.actor(caller.user()?.user_id);
    let plan = leadup_app::commitments::approve_plan(&state.store, id, by, input.reason.as_deref()).await?;
    state.forecasts_changed(plan.team_id);
    Ok(Json(plan))
}

pub(crate) async fn send_back(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Json(input): Json<PlanDecisionInput>,
) -> Result<Json<Plan>, AppError> {
    let by = state.actor(caller.user()?.user_id);
    Ok(Json(state.store.send_back_plan(id, by, input.reason.as_deref().unwrap_or_default()).await?))
}

pub(crate) async fn progress(
    State(state): State<AppState>,
    Id(id): Id,
    Query(params): Query<ProgressParams>,
) -> Result<Json<PlanProgress>, AppError> {
    let today = state.today();
    let found = match params.version {
        Some(number) => plan_progress::version(&state.store, id, number, today).await?,
        None => plan_progress::baseline(&state.store, id, today).await?,
    };
    found.map(Json).ok_or_else(|| {
        AppError::NotFound(match params.version {
            Some(number) => format!(
                "plan {id} has no version {number} that is submitted or approved: only those have a stored forecast"
            ),
            None => format!("plan {id} has no approved baseline yet; name a submitted version with ?version=N"),
        })
    })
}

pub(crate) async fn replan(State(state): State<AppState>, caller: Caller, Id(id): Id) -> Result<Json<Plan>, AppError> {
    Ok(Json(state.store.replan(id, state.actor(caller.user()?.user_id)).await?))
}

pub(crate) async fn version_diff(
    State(state): State<AppState>,
    Id(id): Id,
    Query(versions): Query<Versions>,
) -> Result<Json<PlanDiff>, AppError> {
    let plan = state.store.plan(id).await?;
    let version = |number: u32| {
        plan.version(number)
            .ok_or_else(|| AppError::NotFound(format!("plan {id} has no version {number}")))
            .map(|v| &v.content)
    };
    Ok(Json(diff(version(versions.from)?, version(versions.to)?)))
}

pub(crate) async fn change_requests(
    State(state): State<AppState>,
    Id(id): Id,
) -> Result<Json<Vec<ChangeRequest>>, AppError> {
    state.store.plan(id).await?;
    Ok(Json(state.store.plan_change_requests(id).await?))
}

pub(crate) async fn file(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Json(input): Json<ChangeRequestInput>,
) -> Result<Response, AppError> {
    let by = state.actor(caller.user()?.user_id);
    let request = impact::file_change_request(&state.store, id, input, state.today(), by).await?;
    Ok(created(format!("/api/v1/change-requests/{}", request.id), request))
}

pub(crate) async fn change_request(State(state): State<AppState>, Id(id): Id) -> Result<Json<ChangeRequest>, AppError> {
    Ok(Json(state.store.change_request(id).await?))
}

pub(crate) async fn decide(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Json(input): Json<DecisionInput>,
) -> Result<Json<ChangeRequest>, AppError> {
    let decision = parse_decision(&input.decision)?;
    let by = state.actor(caller.user()?.user_id);
    let request = state.store.decide_change_request(id, decision, &input.rationale, by).await?;
    state.forecasts_changed(state.store.plan(request.plan_id).await?.team_id);
    Ok(Json(request))
}

pub(crate) async fn disruption(
    State(state): State<AppState>,
    Id(team): Id,
    Query(days): Query<Days>,
) -> Result<Json<DisruptionRecord>, AppError> {
    let quarter = Quarter::containing(state.today());
    let period = period(days.from.as_deref(), days.to.as_deref(), quarter.first_day(), quarter.last_day())?;
    Ok(Json(state.store.disruption_record(team, period).await?))
}

/// `accept`, `reject` or `defer`, or an error naming the field.
pub(crate) fn parse_decision(text: &str) -> Result<Decision, ValidationErrors> {
    Decision::parse(text)
        .ok_or_else(|| ValidationErrors::single("decision", format!("'{text}' is not one of accept, reject, defer")))
}

/// The days from `from` to `to` (`YYYY-MM-DD`, both included), each defaulting as given.
fn period(
    from: Option<&str>,
    to: Option<&str>,
    default_start: time::Date,
    default_end: time::Date,
) -> Result<Period, ValidationErrors> {
    let mut errors = ValidationErrors::default();
    let mut day = |field: &str, text: Option<&str>, default| match text {
        None => Some(default),
        Some(text) => date::parse_field(&mut errors, field, text),
    };
    let (start, end) = (day("from", from, default_start), day("to", to, default_end));
    if let (Some(start), Some(end)) = (start, end)
        && end < start
    {
        errors.add("to", format!("{} is before from {}", date::format(end), date::format(start)));
    }
    errors.into_result(|| Period { start: start.expect("valid"), end: end.expect("valid") })
}
