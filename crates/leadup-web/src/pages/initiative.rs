//! `/initiatives/{id}`: one initiative: outcome, objectives served, team, timing, budget, and
//! its progress: share done, burn-up with the forecast fan against the target date, the
//! probability of meeting it, budget status, the rules attaching work items (changed with
//! `POST /initiatives/{id}/rules`) and its flow charts.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leadup_core::access::Action;
use leadup_core::date;
use leadup_core::demand::{Demand, demand};
use leadup_core::evidence::Evidence;
use leadup_core::evidence_strength::{EvidenceStrength, strength};
use leadup_core::money::Money;
use leadup_core::team::possessive;
use leadup_core::work_item::{AttachRule, RuleKind};
use maud::{Markup, html};
use serde::Deserialize;

use super::evidence::{strength_badge, strength_reasons};
use super::layout::{self, Section, flag, progress_bar, status_badge};
use super::progress::{
    burn_up_chart, calibration_note, days, flow_cards, forecast_table, item_count, percent, state_badge,
};
use super::{PageError, PageResult, missing};
use crate::auth::{CSRF_FIELD, Caller};
use crate::charts::{budget, drift};
use crate::views::{self, InitiativeProgress};
use crate::{AppError, AppState};
use leadup_app::dashboard::{State as ProgressState, label};

pub(crate) async fn page(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> PageResult {
    let id = parse_id(&id)?;
    render(&state, &caller, id, None).await
}

fn parse_id(id: &str) -> Result<i64, PageError> {
    id.parse::<i64>().map_err(|_| missing(&format!("Initiative '{id}'")))
}

/// A rule the form could not add, and why.
struct RuleError {
    kind: String,
    value: String,
    message: String,
}

/// The rule form: `action` is `add` or `remove`.
#[derive(Deserialize)]
pub(crate) struct RuleForm {
    action: Option<String>,
    kind: Option<String>,
    value: Option<String>,
}

/// `POST /initiatives/{id}/rules`: adds or removes one attach rule, then shows the page again.
pub(crate) async fn rules(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Form(form): Form<RuleForm>,
) -> Response {
    match change_rules(&state, &id, form).await {
        Ok(Ok(id)) => Redirect::to(&format!("/initiatives/{id}#rules")).into_response(),
        Ok(Err((id, error))) => match render(&state, &caller, id, Some(error)).await {
            Ok(page) => (StatusCode::UNPROCESSABLE_ENTITY, page).into_response(),
            Err(error) => error.into_response(),
        },
        Err(error) => error.into_response(),
    }
}

async fn change_rules(state: &AppState, id: &str, form: RuleForm) -> Result<Result<i64, (i64, RuleError)>, PageError> {
    let id = parse_id(id)?;
    let mut rules = match state.store.initiative_rules(id).await {
        Ok(rules) => rules,
        Err(leadup_store::StoreError::NotFound { .. }) => return Err(missing(&format!("Initiative {id}"))),
        Err(other) => return Err(other.into()),
    };
    let (kind, value) = (form.kind.unwrap_or_default(), form.value.unwrap_or_default());
    let fail = |message: String| Ok(Err((id, RuleError { kind: kind.clone(), value: value.clone(), message })));
    let Some(rule_kind) = RuleKind::parse(kind.trim()) else {
        return fail(format!("'{kind}' is not a rule kind: choose parent, label, milestone or key"));
    };
    let Ok(rule) = AttachRule::new(rule_kind, &value) else {
        return fail("the value must not be empty".to_owned());
    };
    match form.action.as_deref() {
        Some("remove") => rules.retain(|r| *r != rule),
        Some("add") | None => rules.push(rule),
        Some(other) => return fail(format!("'{other}' is not an action: add or remove")),
    }
    state.store.set_initiative_rules(id, &rules).await?;
    state.forecasts_changed(state.store.initiative(id).await?.team_id);
    Ok(Ok(id))
}

async fn render(state: &AppState, caller: &Caller, id: i64, rule_error: Option<RuleError>) -> PageResult {
    let workspace = state.store.workspace().await?;
    let view = match views::initiative(state, id).await {
        Ok(view) => view.for_caller(caller),
        Err(AppError::NotFound(_)) => return Err(missing(&format!("Initiative {id}"))),
        Err(other) => return Err(other.into()),
    };
    let initiative = &view.record;
    let team = state.store.team(initiative.team_id).await?;
    let objectives = state.store.objectives().await?;
    let served: Vec<_> = objectives.iter().filter(|o| initiative.objective_ids.contains(&o.id)).collect();
    let spent = if initiative.budget_planned > 0 {
        initiative.budget_actual as f64 / initiative.budget_planned as f64
    } else {
        0.0
    };
    let evidence = state.store.initiative_evidence(id).await?;
    let strength = strength(&evidence, state.today());
    let demand = demand(&evidence, state.today(), DEMAND_MONTHS);
    let content = html! {
        p.crumbs { a href="/roadmap" { "Roadmap" } " / " a href={ "/teams/" (team.id) } { (team.name) } }
        h1 {
            (initiative.title) " " (status_badge(initiative.status))
            @if strength.is_opinion() { " " (flag("opinion", "No evidence backs this initiative yet")) }
        }
        @if caller.may(Action::EditInitiatives, initiative.team_id) {
            p.initiative-actions { a.button.secondary href={ "/initiatives/" (initiative.id) "/edit" } { "Edit initiative" } }
        }
        div.grid-2 {
            section.card {
                h2 { "Outcome" }
                @if initiative.outcome.is_empty() { p.muted { "No outcome written down yet." } } @else { p.outcome { (initiative.outcome) } }
                h2 { "Objectives served" }
                @if served.is_empty() {
                    p { (flag("unaligned", "Serves no objective")) " This initiative serves no objective. Link it to one, or ask why it is on the roadmap." }
                } @else {
                    ul {
                        @for o in &served {
                            li { a href={ "/strategy#objective-" (o.id) } { (o.title) } " " span.muted { "(owner " (o.owner) ")" } }
                        }
                    }
                }
            }
            section.card {
                dl.facts {
                    dt { "Team" } dd { a href={ "/teams/" (team.id) } { (team.name) } " · manager " (layout::people(&team.managers, "none yet")) }
                    dt { "Reports to" } dd { (layout::people(&team.executives, "no executive yet")) }
                    dt { "Horizon" } dd { (initiative.horizon_on(state.today()).as_str())
                        @if initiative.horizon.is_none() { span.muted { " (from the target window)" } } }
                    dt { "Target window" } dd {
                        @if let Some(w) = initiative.window { (date::format(w.start)) " → " (date::format(w.end)) }
                        @else { span.muted { "not dated" } }
                    }
                    dt { "Planned budget" } dd { (initiative.planned().display()) }
                    dt { "Spent so far" } dd {
                        (initiative.actual().display())
                        @if initiative.over_budget() { " " (flag("over budget", "Spending has passed the planned budget")) }
                    }
                }
                @if initiative.budget_planned > 0 {
                    div.budget-use class=[initiative.over_budget().then_some("over")] { (progress_bar(spent.min(1.0))) span.muted { " of the planned budget spent" } }
                }
            }
        }
        h2.section-title id="progress" { "Progress" }
        @if view.work_items.is_empty() {
            (empty_state(&view, &team.name))
        } @else {
            (summary(&view))
            section.card.chart id="burn-up" {
                div.card-head {
                    h2 { "Burn-up" }
                    span.muted { (burn_up_caption(&view)) }
                }
                (burn_up_chart(&view.progress))
                @if let Some(answer) = &view.progress.forecast {
                    div.forecast-grid {
                        (forecast_table(answer))
                        div {
                            (verdict(&view))
                            (calibration_note(answer))
                        }
                    }
                } @else {
                    (verdict(&view))
                    @if let Some(calibration) = &view.progress.calibration {
                        p.calibration { "Calibration: " (calibration.statement) "." }
                    }
                }
            }
        }
        @if !view.forecast_history.is_empty() {
            (drift_card(&view))
        }
        (evidence_card(&evidence, &strength, &demand))
        (budget_card(&view))
        (rules_card(&view, &team.name, rule_error.as_ref(), editor_csrf(caller, team.id)))
        @if !view.work_items.is_empty() {
            h2.section-title { "Flow of its work items" }
            @if view.items_hidden {
                p.muted { "These are " (possessive(&team.name)) " own work items: the charts show how they flow, and only the team's people see each item." }
            }
            @let labels: Vec<String> = view.progress.flow.cycle_times.iter().map(|p| label(&view.work_items[p.index])).collect();
            (flow_cards(&view.progress.flow, &view.progress, &labels, "since it started", view.items_hidden))
        }
    };
    Ok(layout::page(&initiative.title, workspace.as_ref(), Some(Section::Roadmap), caller, &content))
}

/// How many months of demand the initiative page shows.
const DEMAND_MONTHS: u32 = 6;

/// The evidence behind the initiative: its strength and why, who asks and for how much, and
/// each piece; or, without any, the mark that this is an opinion so far.
fn evidence_card(evidence: &[Evidence], strength: &EvidenceStrength, demand: &Demand) -> Markup {
    let busiest = demand.trend.iter().map(|m| m.count).max().unwrap_or(0).max(1);
    html! {
        section.card id="evidence" {
            div.card-head {
                h2 { "Evidence" }
                (strength_badge(strength))
            }
            @if strength.is_opinion() {
                p { (flag("opinion", "No evidence backs this initiative yet")) " Nothing backs this initiative yet: it is an opinion. "
                    "Link interviews, tickets, sales requests or metrics to it from the " a href="/evidence" { "evidence library" } "." }
            } @else {
                div.grid-2 {
                    div {
                        dl.facts {
                            dt { "Customers asking" } dd { (demand.customer_count) }
                            dt { "Revenue at stake" } dd {
                                @if demand.revenue_at_stake.is_empty() { span.muted { "none stated" } }
                                @for (i, amount) in demand.revenue_at_stake.iter().enumerate() {
                                    @if i > 0 { ", " }
                                    (Money { minor: amount.minor, currency: amount.currency.clone() }.display())
                                }
                            }
                        }
                        h3 { "Evidence per month" }
                        div.trend role="img" aria-label={ "Evidence per month over the last " (DEMAND_MONTHS) " months" } {
                            @for month in &demand.trend {
                                div.trend-month {
                                    div.trend-bar style={ "height: " (month.count * 48 / busiest) "px" } {}
                                    span.count { (month.count) }
                                    span.muted { (month.month) }
                                }
                            }
                        }
                    }
                    div { h3 { "Why this strength" } (strength_reasons(strength)) }
                }
                ul.evidence-list {
                    @for piece in evidence {
                        li {
                            span.rule-kind { (piece.kind.label()) } " "
                            a href={ "/evidence/" (piece.id) } { (piece.summary) }
                            @if let Some(customer) = &piece.customer { span.muted { " — " (customer) } }
                        }
                    }
                }
            }
        }
    }
}

/// How the stored forecast moved over time, with the days the plan changed.
fn drift_card(view: &InitiativeProgress) -> Markup {
    let points: Vec<drift::Point> = view
        .forecast_history
        .iter()
        .filter_map(|f| f.dates.map(|d| drift::Point { as_of: f.as_of, p50: d.p50, p85: d.p85 }))
        .collect();
    let latest = view.forecast_history.last();
    html! {
        section.card.chart id="forecast-drift" {
            div.card-head {
                h2 { "Forecast drift" }
                span.muted {
                    (view.forecast_history.len()) " stored forecasts"
                    @if let Some(latest) = latest { ", the latest " (latest.age_label(view.progress.today)) }
                }
            }
            (drift::svg(&points, view.progress.target, &view.plan_events))
            p.muted {
                "One forecast is stored per day; the marks show when the plan changed. A date that moves without a mark "
                "moved with the team's pace or the work's scope."
            }
        }
    }
}

fn burn_up_caption(view: &InitiativeProgress) -> String {
    let p = &view.progress;
    let fan = if p.remaining > 0 && p.forecast.is_some() {
        format!("; the fan shows when the {} remaining are done", p.remaining)
    } else {
        String::new()
    };
    let target = p.target.map_or_else(String::new, |t| format!(", against the target {}", date::format(t)));
    format!("{} of {} done{fan}{target}", p.done, item_count(p.items))
}

/// The tiles at the top of the progress section.
fn summary(view: &InitiativeProgress) -> Markup {
    let p = &view.progress;
    let risky = matches!(p.state, ProgressState::AtRisk | ProgressState::OffTrack | ProgressState::TargetPassed);
    html! {
        div.tiles {
            div.tile {
                span.big { (format!("{:.0}", p.percent_done)) "%" }
                span { "done: " (p.done) " of " (item_count(p.items)) }
            }
            div.tile class=[risky.then_some("warn")] {
                span.big {
                    @match p.probability_by_target { Some(prob) => (percent(prob)), None => "–" }
                }
                span {
                    @if let Some(target) = p.target { "likely done by the target " (date::format(target)) " " } @else { "no target date " }
                    (state_badge(p.state))
                }
            }
            div.tile {
                span.big {
                    @match &p.forecast { Some(f) => (date::format(f.dates.p85)), None => "–" }
                }
                span {
                    @match &p.forecast {
                        Some(f) => { "85% likely done by then, in " (days(f.p85)) }
                        None => @if p.remaining == 0 { "nothing remains" } @else { "no forecast possible" },
                    }
                }
            }
            div.tile class=[(view.budget.state == "over_budget").then_some("warn")] {
                span.big {
                    @match view.budget.share_spent { Some(share) => { (format!("{:.0}", share * 100.0)) "%" } None => "–" }
                }
                span {
                    "of the budget spent"
                    @if let Some(elapsed) = view.budget.window_elapsed { ", " (format!("{:.0}", elapsed * 100.0)) "% of the window gone" }
                }
            }
        }
    }
}

/// One sentence on whether the target will be met.
fn verdict(view: &InitiativeProgress) -> Markup {
    let p = &view.progress;
    html! {
        p.headline {
            (state_badge(p.state)) " "
            @match (p.state, p.target, p.probability_by_target) {
                (ProgressState::Done, _, _) => "Every attached item is done.",
                (ProgressState::Dropped, _, _) => "The initiative was dropped, so its remaining items are not forecast.",
                (ProgressState::TargetPassed, Some(target), _) => {
                    "The target " (date::format(target)) " has passed with " (item_count(p.remaining)) " still open."
                }
                (_, Some(target), Some(prob)) => {
                    (percent(prob)) " likely that the " (item_count(p.remaining)) " remaining are done by the target " strong { (date::format(target)) } "."
                    @if let Some(position) = view.stored_forecast.as_ref().and_then(|f| f.position) {
                        " It is number " (position) " in the team's queue, sharing the team's throughput with its other initiatives in plan order."
                    }
                }
                (_, None, _) => "The initiative has no target date to hold the forecast against.",
                _ => {
                    "No forecast: " (p.forecast_note.as_deref().unwrap_or("the team's history is too short")) "."
                }
            }
        }
    }
}

fn budget_card(view: &InitiativeProgress) -> Markup {
    let initiative = &view.record;
    let budget = &view.budget;
    html! {
        section.card id="budget" {
            div.card-head {
                h2 { "Budget" }
                span.muted {
                    @match budget.state {
                        "over_budget" => (flag("over budget", "Spending has passed the planned budget")),
                        "no_budget" => "No budget planned",
                        _ => "Within budget",
                    }
                    @if let (Some(share), Some(elapsed)) = (budget.share_spent, budget.window_elapsed) {
                        " · " (format!("{:.0}", share * 100.0)) "% spent with " (format!("{:.0}", elapsed * 100.0)) "% of the target window gone"
                    }
                }
            }
            (budget::planned_vs_actual(&initiative.planned(), &initiative.actual()))
        }
    }
}

/// The CSRF token to put in the rule forms, when the caller may change the rules.
fn editor_csrf(caller: &Caller, team: i64) -> Option<&str> {
    caller.principal().is_some_and(|p| p.may(Action::EditInitiatives, Some(team))).then(|| caller.csrf())
}

/// The attach rules; with `csrf` (the caller may edit them) the forms that change them.
fn rules_card(view: &InitiativeProgress, team: &str, error: Option<&RuleError>, csrf: Option<&str>) -> Markup {
    let id = view.initiative_id;
    let chosen = error.map_or("parent", |e| e.kind.as_str());
    html! {
        section.card id="rules" {
            div.card-head {
                h2 { "Attached work items" }
                span.muted { (item_count(view.work_items.len())) " of team " (team) " match these rules" }
            }
            p.muted { "An item belongs to this initiative when its parent (epic), one of its labels, its milestone or its key equals a rule's value exactly." }
            @if view.rules.is_empty() {
                p { "No rules yet." }
            } @else {
                ul.rules {
                    @for rule in &view.rules {
                        li {
                            span.rule-kind { (rule.kind.as_str()) } " "
                            code { (rule.value) }
                            @if let Some(csrf) = csrf {
                            form.inline method="post" action={ "/initiatives/" (id) "/rules" } {
                                input type="hidden" name=(CSRF_FIELD) value=(csrf);
                                input type="hidden" name="action" value="remove";
                                input type="hidden" name="kind" value=(rule.kind.as_str());
                                input type="hidden" name="value" value=(rule.value);
                                button.link type="submit" aria-label={ "Remove " (rule.kind.as_str()) " " (rule.value) } { "Remove" }
                            }
                            }
                        }
                    }
                }
            }
            @if let Some(csrf) = csrf {
            form.rule-form method="post" action={ "/initiatives/" (id) "/rules" } {
                input type="hidden" name=(CSRF_FIELD) value=(csrf);
                input type="hidden" name="action" value="add";
                label { span.label { "Match" }
                    select name="kind" {
                        @for kind in RuleKind::ALL {
                            option value=(kind.as_str()) selected[chosen == kind.as_str()] { (kind.as_str()) }
                        }
                    }
                }
                label { span.label { "Value" }
                    input type="text" name="value" value=[error.map(|e| e.value.as_str())] placeholder="e.g. PAY-1 or checkout";
                }
                button type="submit" { "Add rule" }
            }
            }
            @if let Some(error) = error {
                p.field-error role="alert" { (error.message) }
            }
        }
    }
}

/// What an initiative without work items shows: how to attach them.
fn empty_state(view: &InitiativeProgress, team: &str) -> Markup {
    let team_id = view.team_id;
    html! {
        section.card.empty-state-card id="no-work-items" {
            h2 { "No work items attached yet" }
            @if view.rules.is_empty() {
                p { "Progress, the burn-up and the forecast come from the team's work items. To see them:" }
            } @else {
                p { "No work item of team " (team) " matches the rules below yet. Check their values against the tracker, or bring the items in:" }
            }
            ol {
                li { a href={ "/teams/" (team_id) "/import" } { "Import the team's tracker export" } " (Jira, GitHub or any CSV), or run " code { "leadup import jira export.csv --team \"" (team) "\"" } ";" }
                li { "add a rule below naming the epic, label, milestone or key of this initiative's items, or run "
                    code { "leadup initiative attach " (view.initiative_id) " --parent EPIC-KEY" } "." }
            }
        }
    }
}
