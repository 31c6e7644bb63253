//! `/teams/{id}/process`: how the team works, written by its manager and kept as versions
//! (earlier ones viewable with `?version=N`), and its decision log (plan, change-request and
//! proposal decisions read from their records, and decisions added by hand), with the
//! manager's forms. Through `leadup_app::process`, as the API and the CLI.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leadup_app::process::{self, DecisionSource, ProcessPage};
use leadup_core::ValidationErrors;
use leadup_core::access::Action;
use leadup_core::date;
use leadup_core::process::{DecisionInput, ProcessInput, ProcessVersion};
use leadup_store::StoreError;
use maud::{Markup, html};
use serde::Deserialize;

use super::Query;
use super::layout::{self, Section, date_time};
use super::{PageError, PageResult, missing};
use crate::auth::{CSRF_FIELD, Caller};
use crate::{AppError, AppState};

#[derive(Deserialize)]
pub(crate) struct Params {
    version: Option<u32>,
}

fn team_id(id: &str) -> Result<i64, PageError> {
    id.parse().map_err(|_| missing(&format!("Team '{id}'")))
}

pub(crate) async fn page(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(params): Query<Params>,
) -> PageResult {
    render(&state, &caller, team_id(&id)?, params.version, None).await
}

/// The process form as sent.
#[derive(Deserialize)]
pub(crate) struct ProcessFields {
    #[serde(default)]
    priority_method: String,
    #[serde(default)]
    weight_reach: String,
    #[serde(default)]
    weight_impact: String,
    #[serde(default)]
    weight_confidence: String,
    #[serde(default)]
    weight_effort: String,
    #[serde(default)]
    priorities: String,
    #[serde(default)]
    definition_of_done: String,
    #[serde(default)]
    cadence: String,
    #[serde(default)]
    change_requests: String,
}

fn number(errors: &mut ValidationErrors, field: &str, text: &str) -> Option<f64> {
    match text.trim() {
        "" => None,
        value => value.parse().map_or_else(
            |_| {
                errors.add(field, format!("'{value}' is not a number"));
                None
            },
            Some,
        ),
    }
}

pub(crate) async fn save(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Form(f): Form<ProcessFields>,
) -> Response {
    let team = match team_id(&id) {
        Ok(team) => team,
        Err(error) => return error.into_response(),
    };
    let Some(user) = caller.principal() else {
        return PageError::from(AppError::Unauthorized("Sign in first.".into())).into_response();
    };
    let mut errors = ValidationErrors::default();
    let input = ProcessInput {
        priority_method: f.priority_method,
        weight_reach: number(&mut errors, "weight_reach", &f.weight_reach),
        weight_impact: number(&mut errors, "weight_impact", &f.weight_impact),
        weight_confidence: number(&mut errors, "weight_confidence", &f.weight_confidence),
        weight_effort: number(&mut errors, "weight_effort", &f.weight_effort),
        priorities: f.priorities,
        definition_of_done: f.definition_of_done,
        cadence: f.cadence,
        change_requests: f.change_requests,
    };
    let result = if errors.0.is_empty() {
        process::save(&state.store, team, &input, state.actor(user.user_id)).await.map(|_| ())
    } else {
        Err(StoreError::Invalid(errors))
    };
    answer(&state, &caller, team, result).await
}

/// The hand decision form as sent: options one per line, evidence ids separated by commas.
#[derive(Deserialize)]
pub(crate) struct DecisionFields {
    #[serde(default)]
    decided_on: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    options: String,
    #[serde(default)]
    evidence: String,
    #[serde(default)]
    decided_by: String,
    #[serde(default)]
    reason: String,
}

pub(crate) async fn add_decision(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Form(f): Form<DecisionFields>,
) -> Response {
    let team = match team_id(&id) {
        Ok(team) => team,
        Err(error) => return error.into_response(),
    };
    let Some(user) = caller.principal() else {
        return PageError::from(AppError::Unauthorized("Sign in first.".into())).into_response();
    };
    let mut errors = ValidationErrors::default();
    let mut evidence_ids = Vec::new();
    for part in f.evidence.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match part.parse() {
            Ok(id) => evidence_ids.push(id),
            Err(_) => errors.add("evidence_ids", format!("'{part}' is not an evidence id")),
        }
    }
    let input = DecisionInput {
        decided_on: f.decided_on,
        title: f.title,
        options: f.options.lines().map(str::to_owned).collect(),
        evidence_ids,
        decided_by: f.decided_by,
        reason: f.reason,
    };
    let result = if errors.0.is_empty() {
        process::add_decision(&state.store, team, &input, state.today(), state.actor(user.user_id)).await.map(|_| ())
    } else {
        Err(StoreError::Invalid(errors))
    };
    answer(&state, &caller, team, result).await
}

async fn answer(state: &AppState, caller: &Caller, team: i64, result: Result<(), StoreError>) -> Response {
    match result {
        Ok(()) => Redirect::to(&format!("/teams/{team}/process")).into_response(),
        Err(StoreError::Invalid(errors)) => match render(state, caller, team, None, Some(&errors)).await {
            Ok(page) => (StatusCode::UNPROCESSABLE_ENTITY, page).into_response(),
            Err(error) => error.into_response(),
        },
        Err(other) => PageError::from(other).into_response(),
    }
}

fn method_name(version: &ProcessVersion) -> &'static str {
    match version.process.method_name() {
        "rice" => "RICE (reach × impact × confidence ÷ effort)",
        _ => "value ÷ effort",
    }
}

/// The process document of `version`, read-only (the page and the share link show it alike).
pub(crate) fn document(version: Option<&ProcessVersion>, latest: Option<u32>, linked: bool) -> Markup {
    html! {
        section.card {
            @match version {
                None => { h2 { "How we work" } p { "The manager has not written the team's process yet." } }
                Some(v) => {
                    h2 { "How we work" }
                    p.muted {
                        "Version " (v.version) ", saved " (date_time(v.saved_at))
                        @if latest.is_some_and(|l| l != v.version) { " · an earlier version" }
                    }
                    h3 { "Priorities" }
                    @let w = v.process.weights;
                    p {
                        "Ranked by " (method_name(v)) ", weights: reach " (w.reach) ", impact " (w.impact) ", confidence " (w.confidence) ", effort " (w.effort) ". "
                        @if linked { a.inline-link href={ "/priorities?method=" (v.process.method_name()) "&reach=" (w.reach) "&impact=" (w.impact) "&confidence=" (w.confidence) "&effort=" (w.effort) } { "See the ranking this way" } }
                    }
                    @if !v.process.priorities.is_empty() { p.prose { (v.process.priorities) } }
                    h3 { "Definition of done" }
                    p.prose { (v.process.definition_of_done) }
                    h3 { "Cadence" }
                    p.prose { (v.process.cadence) }
                    h3 { "How to ask for a change" }
                    p.prose { (v.process.change_requests) }
                }
            }
        }
    }
}

/// The decision log, read-only.
pub(crate) fn log(page: &ProcessPage) -> Markup {
    html! {
        section.card {
            h2 { "Decision log" }
            @if page.decisions.is_empty() { p { "No decisions yet." } } @else {
                table.decision-log tabindex="0" {
                    thead { tr { th scope="col" { "Date" } th scope="col" { "Decision" } th scope="col" { "Options" } th scope="col" { "Evidence" } th scope="col" { "Decided by" } th scope="col" { "Reason" } } }
                    tbody { @for d in &page.decisions { tr {
                        td { (date::format(d.decided_on)) }
                        td {
                            (d.what)
                            @match d.source {
                                DecisionSource::Hand(_) => { " " span.muted { "(added by hand)" } }
                                _ => {}
                            }
                        }
                        td { (d.options.join(" / ")) }
                        td { @if d.evidence_ids.is_empty() { span.muted { "none" } } @else {
                            @for (i, e) in d.evidence_ids.iter().enumerate() { @if i > 0 { ", " } "#" (e) }
                        } }
                        td { (d.decided_by.join(", ")) }
                        td { (d.reason.as_deref().unwrap_or("—")) }
                    } } }
                }
            }
        }
    }
}

async fn render(
    state: &AppState,
    caller: &Caller,
    team: i64,
    version: Option<u32>,
    errors: Option<&ValidationErrors>,
) -> PageResult {
    let record = state.store.team(team).await?;
    let workspace = state.store.workspace().await?;
    let page = process::page(&state.store, team).await?;
    let latest = page.versions.first().map(|v| v.version);
    let shown = match version {
        Some(n) => Some(
            page.versions
                .iter()
                .find(|v| v.version == n)
                .ok_or_else(|| missing(&format!("Version {n} of the process")))?,
        ),
        None => page.versions.first(),
    };
    let may_write = caller.may(Action::WriteProcess, team);
    let current = page.versions.first();
    let text = |f: fn(&ProcessVersion) -> &str| current.map(f).unwrap_or_default().to_owned();
    let weight = |f: fn(&ProcessVersion) -> f64| current.map_or_else(|| "1".to_owned(), |v| f(v).to_string());
    let content = html! {
        p.crumbs { a href="/teams" { "Teams" } " / " a href={ "/teams/" (team) } { (record.name) } " / Process" }
        div.page-head {
            h1 { (record.name) ": process and decisions" }
            a.button.secondary href={ "/teams/" (team) "/wins" } { "Wins" }
            @if caller.may(Action::ManageShareLinks, team) {
                a.button.secondary href={ "/teams/" (team) "/share?shows=process" } { "Share" }
            }
        }
        p.muted.lead { "How the team decides and works, so that anyone can see the method behind the plan, and every decision with its reason." }
        @if let Some(errors) = errors { p.field-error role="alert" { "Nothing was saved: " (errors.summary()) } }
        (document(shown, latest, true))
        @if page.versions.len() > 1 {
            section.card {
                h2 { "Versions" }
                ul { @for v in &page.versions { li {
                    @if Some(v) == shown { "Version " (v.version) " (shown)" } @else {
                        a.inline-link href={ "/teams/" (team) "/process?version=" (v.version) } { "Version " (v.version) }
                    }
                    " · " (date_time(v.saved_at))
                } } }
            }
        }
        (log(&page))
        @if may_write {
            section.card {
                h2 { "Write the process" }
                p.help { "Each save is a new version; earlier versions stay readable. The method and weights are those of the priorities page." }
                form method="post" action={ "/teams/" (team) "/process" } {
                    input type="hidden" name=(CSRF_FIELD) value=(caller.csrf());
                    label { span.label { "Ranking method" }
                        select name="priority_method" {
                            option value="rice" selected[current.is_none_or(|v| v.process.method_name() == "rice")] { "RICE" }
                            option value="value_effort" selected[current.is_some_and(|v| v.process.method_name() == "value_effort")] { "Value ÷ effort" }
                        }
                    }
                    div.weights {
                        label { span.label { "Reach weight" } input type="text" inputmode="decimal" name="weight_reach" value=(weight(|v| v.process.weights.reach)); }
                        label { span.label { "Impact weight" } input type="text" inputmode="decimal" name="weight_impact" value=(weight(|v| v.process.weights.impact)); }
                        label { span.label { "Confidence weight" } input type="text" inputmode="decimal" name="weight_confidence" value=(weight(|v| v.process.weights.confidence)); }
                        label { span.label { "Effort weight" } input type="text" inputmode="decimal" name="weight_effort" value=(weight(|v| v.process.weights.effort)); }
                    }
                    label { span.label { "How we decide priorities" } textarea name="priorities" rows="3" { (text(|v| &v.process.priorities)) } }
                    label { span.label { "Definition of done" } textarea name="definition_of_done" rows="3" required { (text(|v| &v.process.definition_of_done)) } }
                    label { span.label { "Cadence" } textarea name="cadence" rows="3" required { (text(|v| &v.process.cadence)) } }
                    label { span.label { "How to ask for a change" } textarea name="change_requests" rows="3" required { (text(|v| &v.process.change_requests)) } }
                    button type="submit" { "Save a new version" }
                }
            }
            section.card {
                h2 { "Add a decision" }
                p.help { "For decisions made outside leadup. Plan approvals, change-request and proposal decisions enter the log by themselves." }
                form method="post" action={ "/teams/" (team) "/decisions" } {
                    input type="hidden" name=(CSRF_FIELD) value=(caller.csrf());
                    label { span.label { "What was decided" } input type="text" name="title" required; }
                    label { span.label { "When" } input type="date" name="decided_on" value=(date::format(state.today())) required; }
                    label { span.label { "Options considered, one per line" } textarea name="options" rows="2" {} }
                    label { span.label { "Evidence cited (ids, separated by commas)" } input type="text" name="evidence"; }
                    label { span.label { "Who decided" } input type="text" name="decided_by" required; }
                    label { span.label { "Why" } textarea name="reason" rows="2" required {} }
                    button type="submit" { "Add to the log" }
                }
            }
        }
    };
    Ok(layout::page(&format!("{} process", record.name), workspace.as_ref(), Some(Section::Teams), caller, &content))
}

/// Team `team`'s process page as a share link shows it: read-only, with no forms or links
/// into the signed-in pages.
pub(super) async fn shared(state: &AppState, team: i64, expires: &str) -> PageResult {
    let record = state.store.team(team).await?;
    let workspace = state.store.workspace().await?;
    let page = process::page(&state.store, team).await?;
    let content = html! {
        h1 { (record.name) ": process and decisions" }
        p.muted.lead { "Shared read-only until " (expires) "." }
        (document(page.versions.first(), page.versions.first().map(|v| v.version), false))
        (log(&page))
    };
    Ok(layout::page(&format!("{} process", record.name), workspace.as_ref(), None, &Caller::Anonymous, &content))
}
