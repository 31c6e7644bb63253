//! Read-only share links: `/teams/{id}/share` lists a team's links and creates new ones (the
//! link is shown once: only its digest is kept), each with an expiry and revocable;
//! `/share/{token}` shows the shared dashboard to anyone holding the link, until it expires
//! or is revoked.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use leadup_core::account::{ShareKind, ShareLink};
use leadup_core::plan::Plan;
use leadup_store::NewShareLink;
use maud::html;
use serde::Deserialize;

use super::Query;
use super::layout::{self, Section, date_time};
use super::plans::{DiffParams, render_shared};
use super::teams::{Shared, render_dashboard};
use super::{PageError, PageResult, missing};
use crate::accounts::{digest, new_secret};
use crate::auth::{CSRF_FIELD, Caller};
use crate::{AppError, AppState};

/// The expiries offered, in days.
const EXPIRIES: [i64; 4] = [1, 7, 30, 90];

#[derive(Deserialize)]
pub(crate) struct Preselect {
    plan: Option<i64>,
    shows: Option<String>,
}

pub(crate) async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(preselect): Query<Preselect>,
) -> PageResult {
    let id = id.parse().map_err(|_| missing(&format!("Team '{id}'")))?;
    let shows = match (preselect.plan, preselect.shows.as_deref()) {
        (Some(plan), _) => format!("plan:{plan}"),
        (None, Some(kind @ ("process" | "credibility"))) => kind.to_owned(),
        _ => "dashboard".to_owned(),
    };
    render(&state, &caller, id, &shows, None, None).await
}

#[derive(Deserialize)]
pub(crate) struct NewLink {
    days: Option<String>,
    shows: Option<String>,
}

/// What a link is to show, from the form's `shows`: `dashboard`, `process`, `credibility` or
/// `plan:ID` of one of `team`'s plans.
async fn target(state: &AppState, team: i64, shows: Option<&str>) -> Result<(ShareKind, i64), String> {
    match shows.unwrap_or("dashboard") {
        "dashboard" => Ok((ShareKind::Dashboard, team)),
        "process" => Ok((ShareKind::Process, team)),
        "credibility" => Ok((ShareKind::Credibility, team)),
        other => {
            let plan = other.strip_prefix("plan:").and_then(|id| id.parse::<i64>().ok());
            match plan {
                Some(plan) if state.store.plan(plan).await.is_ok_and(|p| p.team_id == team) => {
                    Ok((ShareKind::Plan, plan))
                }
                _ => Err(format!(
                    "shows: '{other}' is not this team's dashboard, process, track record or one of its plans"
                )),
            }
        }
    }
}

pub(crate) async fn create(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<NewLink>,
) -> Response {
    let Ok(team) = id.parse::<i64>() else { return missing(&format!("Team '{id}'")).into_response() };
    let Some(user) = caller.principal() else {
        return PageError::from(AppError::Unauthorized(String::new())).into_response();
    };
    let shows = form.shows.clone().unwrap_or_else(|| "dashboard".to_owned());
    let days = form.days.as_deref().and_then(|d| d.parse::<i64>().ok()).filter(|d| EXPIRIES.contains(d));
    let chosen = match (days, target(&state, team, form.shows.as_deref()).await) {
        (Some(days), Ok(target)) => Ok((days, target)),
        (None, _) => Err(format!("days: choose one of {EXPIRIES:?}")),
        (_, Err(message)) => Err(message),
    };
    let (days, (kind, target_id)) = match chosen {
        Ok(chosen) => chosen,
        Err(message) => {
            return match render(&state, &caller, team, &shows, None, Some(&message)).await {
                Ok(page) => (StatusCode::UNPROCESSABLE_ENTITY, page).into_response(),
                Err(error) => error.into_response(),
            };
        }
    };
    let token = new_secret();
    let now = state.now();
    let link = NewShareLink {
        token_hash: &digest(&token),
        kind,
        target_id,
        team_id: team,
        created_by: user.user_id,
        created_at: now,
        expires_at: now + days * 86_400,
    };
    let created = state.store.create_share_link(&link).await;
    if let Err(error) = created {
        return PageError::from(error).into_response();
    }
    let url = format!("{}/share/{token}", layout::origin(&headers));
    render(&state, &caller, team, &shows, Some(&url), None).await.into_response()
}

pub(crate) async fn revoke(State(state): State<AppState>, Path((id, link)): Path<(String, String)>) -> Response {
    let (Ok(team), Ok(link)) = (id.parse::<i64>(), link.parse::<i64>()) else {
        return missing("This share link").into_response();
    };
    match state.store.revoke_share_link(team, link, state.now()).await {
        Ok(()) => Redirect::to(&format!("/teams/{team}/share")).into_response(),
        Err(error) => PageError::from(error).into_response(),
    }
}

#[derive(Deserialize)]
pub(crate) struct Params {
    days: Option<u32>,
    from: Option<u32>,
    to: Option<u32>,
}

pub(crate) async fn view(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Query(params): Query<Params>,
) -> PageResult {
    let gone = || missing("This share link has expired or was revoked, or it");
    let link = state.store.share_link(&digest(&token), state.now()).await?.ok_or_else(gone)?;
    match link.kind {
        ShareKind::Dashboard => {
            let expires = date_time(link.expires_at);
            let shared = Shared { token: &token, expires: &expires };
            render_dashboard(&state, &Caller::Anonymous, link.target_id, params.days, Some(shared)).await
        }
        ShareKind::Plan => {
            let diff = DiffParams { from: params.from, to: params.to };
            render_shared(&state, link.target_id, &date_time(link.expires_at), &diff).await
        }
        ShareKind::Process => super::process::shared(&state, link.target_id, &date_time(link.expires_at)).await,
        ShareKind::Credibility => {
            super::commitments::shared_credibility(&state, link.target_id, &date_time(link.expires_at)).await
        }
    }
}

async fn render(
    state: &AppState,
    caller: &Caller,
    team: i64,
    shows: &str,
    new_url: Option<&str>,
    error: Option<&str>,
) -> PageResult {
    let workspace = state.store.workspace().await?;
    let record = state.store.team(team).await?;
    let plans = state.store.team_plans(team).await?;
    let links = state.store.share_links(team).await?;
    let now = state.now();
    let content = html! {
        p.crumbs { a href="/teams" { "Teams" } " / " a href={ "/teams/" (team) } { (record.name) } " / Share" }
        h1 { "Share " (record.name) }
        section.card {
            p { "A share link shows the team's dashboard, its process and decision log, its track record, or one of its plans, read-only, to anyone who has the link, without signing in, until it expires or you revoke it." }
            @if let Some(url) = new_url {
                div.alert.success role="status" {
                    p { strong { "Your new link. Copy it now: it is shown only this once." } }
                    p { code.secret { (url) } }
                }
            }
            @if let Some(error) = error { p.field-error role="alert" { (error) } }
            form.rule-form method="post" action={ "/teams/" (team) "/share" } {
                input type="hidden" name=(CSRF_FIELD) value=(caller.csrf());
                label { span.label { "Shows" }
                    select name="shows" {
                        option value="dashboard" selected[shows == "dashboard"] { "The team's dashboard" }
                        option value="process" selected[shows == "process"] { "The team's process and decision log" }
                        option value="credibility" selected[shows == "credibility"] { "The team's track record" }
                        @for plan in &plans {
                            @let value = format!("plan:{}", plan.id);
                            option value=(value) selected[shows == value] { "Plan " (plan.name) }
                        }
                    }
                }
                label { span.label { "Expires after" }
                    select name="days" { @for d in EXPIRIES { option value=(d) selected[d == 7] { (d) @if d == 1 { " day" } @else { " days" } } } }
                }
                button type="submit" { "Create link" }
            }
        }
        section.card {
            h2 { "Links" }
            @if links.is_empty() { p { "No links yet." } } @else {
                table {
                    thead { tr { th { "Shows" } th { "Created" } th { "Expires" } th { "State" } th {} } }
                    tbody { @for link in &links { tr {
                        td { (kind_name(link, &plans)) }
                        td { (date_time(link.created_at)) }
                        td { (date_time(link.expires_at)) }
                        td { (state_of(link, now)) }
                        td { @if link.revoked_at.is_none() && link.expires_at > now {
                            form.inline method="post" action={ "/teams/" (team) "/share/" (link.id) "/revoke" } {
                                input type="hidden" name=(CSRF_FIELD) value=(caller.csrf());
                                button.link type="submit" { "Revoke" }
                            }
                        } }
                    } } }
                }
            }
        }
    };
    Ok(layout::page(&format!("Share {}", record.name), workspace.as_ref(), Some(Section::Teams), caller, &content))
}

fn kind_name(link: &ShareLink, plans: &[Plan]) -> String {
    match link.kind {
        ShareKind::Dashboard => "Dashboard".to_owned(),
        ShareKind::Process => "Process and decision log".to_owned(),
        ShareKind::Credibility => "Track record".to_owned(),
        ShareKind::Plan => plans
            .iter()
            .find(|p| p.id == link.target_id)
            .map_or_else(|| format!("Plan {}", link.target_id), |p| format!("Plan {}", p.name)),
    }
}

fn state_of(link: &ShareLink, now: i64) -> &'static str {
    if link.revoked_at.is_some() {
        "revoked"
    } else if link.expires_at <= now {
        "expired"
    } else {
        "live"
    }
}
