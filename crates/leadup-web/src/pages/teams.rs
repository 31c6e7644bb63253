//! `/teams`: every team with its flow at a glance; `/teams/{id}`: one team's dashboard:
//! throughput, cycle time, aging work in progress, started vs finished, the burn-up of its
//! open items, and when the next items will be done (`?days=N` sets the flow window).

use axum::extract::{Path, State};
use leadup_core::access::Action;
use leadup_core::date;
use leadup_core::initiative::Initiative;
use leadup_core::money::group_thousands;
use leadup_core::team::Team;
use leadup_core::team::possessive;
use leadup_core::work_item::WorkItem;
use leadup_forecast::Window;
use maud::{Markup, html};
use serde::Deserialize;
use time::Duration;

use super::Query;
use super::layout::{self, Section, progress_bar, status_badge};
use super::progress::{burn_up_chart, calibration_note, days, flow_cards, forecast_table, item_count, percent};
use super::{PageResult, missing};
use crate::auth::Caller;
use crate::views::{self, TeamProgress};
use crate::{AppError, AppState};
use leadup_app::dashboard::{PRESET_WINDOWS, TeamDashboard};
use leadup_app::initiative_forecasts::{TRIALS, WIP_LIMIT};
use leadup_app::progress::flow_item;

pub(crate) async fn list(State(state): State<AppState>, caller: Caller) -> PageResult {
    let workspace = state.store.workspace().await?;
    let teams = state.store.teams().await?;
    let initiatives = state.store.initiatives().await?;
    let today = state.today();
    let mut rows = Vec::with_capacity(teams.len());
    for team in &teams {
        // The counts of the stored 30-day dashboard; counted from the items until there is one.
        let stored = state.store.team_dashboard(team.id, 30).await?;
        match stored.and_then(|s| serde_json::from_str::<TeamDashboard>(&s.snapshot).ok()) {
            Some(dashboard) => rows.push(TeamRow::stored(team, &dashboard, &initiatives)),
            None => rows.push(TeamRow::of(team, &state.store.work_items(team.id).await?, &initiatives, today)),
        }
    }
    let may_add = caller.principal().is_some_and(|p| p.may(Action::ManageTeams, None));
    let content = html! {
        div.page-head {
            h1 { "Teams" }
            @if may_add { a.button.secondary href="/admin#teams" { "Add a team" } }
        }
        @if teams.is_empty() {
            section.card.empty-state-card {
                h2 { "No teams yet" }
                @if may_add {
                    p { a.button href="/admin#teams" { "Add the first team" } }
                    p.muted { "Or with " code { "leadup team add --name Payments --manager sofia@example.com" } " or " code { "POST /api/v1/teams" } "." }
                } @else {
                    p { "Your workspace's administrators add them." }
                }
            }
        } @else {
            section.card {
                table.teams {
                    thead { tr {
                        th { "Team" } th { "Manager" } th.num { "Open initiatives" } th.num { "Work items" }
                        th.num { "In progress" } th.num { "Finished, last 30 days" } th { span.visually-hidden { "Pages" } }
                    } }
                    tbody {
                        @for row in &rows {
                            tr {
                                @let viewer = caller.may(Action::ViewTeam, row.team.id);
                                td {
                                    @if viewer { a href={ "/teams/" (row.team.id) } { strong { (row.team.name) } } }
                                    @else { strong { (row.team.name) } }
                                }
                                td { (layout::people(&row.team.managers, "none yet")) }
                                td.num { (row.open_initiatives) }
                                td.num { (row.items) }
                                td.num { (row.in_progress) }
                                td.num { (row.finished_30) }
                                td.num.links {
                                    @if viewer {
                                        a href={ "/teams/" (row.team.id) } { "Dashboard" } " · "
                                        a href={ "/teams/" (row.team.id) "/plans" } { "Plans" }
                                    } @else {
                                        span.muted title="Only the team's people and executives see its dashboard" { "Not your team" }
                                    }
                                    @if caller.may(Action::ImportWorkItems, row.team.id) {
                                        " · " a href={ "/teams/" (row.team.id) "/import" } { "Import" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            p.muted { "Work items come from the teams' trackers (Jira, GitHub, any CSV): open a team's " strong { "Import" } " page, or use " code { "leadup import" } "." }
        }
    };
    Ok(layout::page("Teams", workspace.as_ref(), Some(Section::Teams), &caller, &content))
}

struct TeamRow<'a> {
    team: &'a Team,
    open_initiatives: usize,
    items: usize,
    in_progress: usize,
    finished_30: usize,
}

impl<'a> TeamRow<'a> {
    fn stored(team: &'a Team, dashboard: &TeamDashboard, initiatives: &[Initiative]) -> Self {
        Self {
            team,
            open_initiatives: initiatives.iter().filter(|i| i.team_id == team.id && i.status.is_open()).count(),
            items: dashboard.progress.items,
            in_progress: dashboard.progress.flow.wip as usize,
            finished_30: dashboard.progress.flow.finished as usize,
        }
    }

    fn of(team: &'a Team, items: &[WorkItem], initiatives: &[Initiative], today: time::Date) -> Self {
        let since = today - Duration::days(29);
        let flow: Vec<_> = items.iter().map(flow_item).collect();
        Self {
            team,
            open_initiatives: initiatives.iter().filter(|i| i.team_id == team.id && i.status.is_open()).count(),
            items: items.len(),
            in_progress: flow
                .iter()
                .filter(|i| i.started.is_some_and(|s| s <= today) && i.done.is_none_or(|d| d > today))
                .count(),
            finished_30: flow.iter().filter(|i| i.done.is_some_and(|d| (since..=today).contains(&d))).count(),
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct Params {
    days: Option<u32>,
}

pub(crate) async fn dashboard(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(params): Query<Params>,
) -> PageResult {
    let Ok(id) = id.parse::<i64>() else { return Err(missing(&format!("Team '{id}'"))) };
    render_dashboard(&state, &caller, id, params.days, None).await
}

/// How a dashboard is being shown through a share link: its token (for the window tabs'
/// links) and when the link expires.
pub(super) struct Shared<'a> {
    pub(super) token: &'a str,
    pub(super) expires: &'a str,
}

/// Team `id`'s dashboard over the last `days` days; through a share link (`shared`) it is
/// read-only: no import or share buttons.
pub(super) async fn render_dashboard(
    state: &AppState,
    caller: &Caller,
    id: i64,
    days: Option<u32>,
    shared: Option<Shared<'_>>,
) -> PageResult {
    let workspace = state.store.workspace().await?;
    let view = match views::team(state, id, days).await {
        Ok(view) => view,
        Err(AppError::NotFound(_)) => return Err(missing(&format!("Team {id}"))),
        Err(other) => return Err(other.into()),
    };
    let initiatives: Vec<Initiative> =
        state.store.initiatives().await?.into_iter().filter(|i| i.team_id == id).collect();
    // Attached and done items per initiative, as its stored forecast counted them.
    let mut attached = Vec::with_capacity(initiatives.len());
    for initiative in &initiatives {
        let rules = state.store.initiative_rules(initiative.id).await?;
        let stored = view.initiative_forecasts.iter().find(|f| f.initiative_id == initiative.id);
        let (count, done) = stored.map_or((0, 0), |f| (f.attached as usize, f.attached_done as usize));
        attached.push((initiative, rules.len(), count, done));
    }
    let team = &view.record;
    let may = |action| caller.principal().is_some_and(|p| p.may(action, Some(id)));
    let base = shared.as_ref().map_or_else(|| format!("/teams/{id}"), |s| format!("/share/{}", s.token));
    let content = html! {
        @if let Some(shared) = &shared {
            p.shared-banner { "A read-only view of " strong { (possessive(&team.name)) } " dashboard, shared by link until " (shared.expires) "." }
        } @else {
            p.crumbs { a href="/teams" { "Teams" } " / " (team.name) }
        }
        div.page-head {
            h1 { (team.name) }
            nav.tabs aria-label="Flow window" {
                @for d in PRESET_WINDOWS {
                    a href={ (base) "?days=" (d) } class=[(view.window_days == d).then_some("active")] { (d) " days" }
                }
            }
            @if shared.is_none() && may(Action::ViewTeam) {
                a.button href={ "/teams/" (id) "/plans" } { "Plans" }
            }
            @if shared.is_none() && may(Action::ViewCommitments) {
                a.button href={ "/teams/" (id) "/commitments" } { "Commitments" }
                a.button.secondary href={ "/teams/" (id) "/credibility" } { "Track record" }
            }
            @if shared.is_none() && may(Action::ViewTeam) {
                a.button.secondary href={ "/teams/" (id) "/wins" } { "Wins" }
                a.button.secondary href={ "/teams/" (id) "/process" } { "Process" }
            }
            @if shared.is_none() && may(Action::ImportWorkItems) {
                a.button href={ "/teams/" (id) "/import" } { "Import work items" }
            }
            @if shared.is_none() && may(Action::ManageShareLinks) {
                a.button.secondary href={ "/teams/" (id) "/share" } { "Share" }
            }
        }
        p.muted.lead {
            "Manager " (layout::people(&team.managers, "none yet"))
            @if !team.members.is_empty() { " · " (team.members.len()) " members" }
            " · reports to "
            // Their stakeholder profiles are linked for those who keep or read them.
            @let linked = shared.is_none() && may(Action::ViewStakeholders);
            @if linked && !team.executives.is_empty() {
                @for (i, executive) in team.executives.iter().enumerate() {
                    @if i > 0 { ", " }
                    @match executive.user_id {
                        Some(user) => { a href={ "/stakeholders/" (user) } { (executive.name) } }
                        None => { (layout::people(std::slice::from_ref(executive), "")) }
                    }
                }
            } @else {
                (layout::people(&team.executives, "no executive yet"))
            }
            @let age = (state.today() - view.progress.today).whole_days();
            @if age > 0 {
                " · figures as of " (date::format(view.progress.today)) " (" (super::progress::days(age.unsigned_abs() as u32)) " old; they are brought up to date in the background)"
            }
        }
        @if view.progress.items == 0 {
            (empty_state(team, shared.is_none() && caller.may(Action::ImportWorkItems, id)))
        } @else {
            (summary(&view))
            (next_items(&view))
            section.card.chart id="burn-up" {
                div.card-head {
                    h2 { "Burn-up" }
                    span.muted {
                        (view.progress.done) " of " (item_count(view.progress.items)) " done ("
                        (format!("{:.0}", view.progress.percent_done)) "%)"
                        @if view.progress.remaining > 0 { "; the fan shows when all " (view.progress.remaining) " open items are done" }
                    }
                }
                (burn_up_chart(&view.progress))
                @if let Some(note) = &view.progress.forecast_note {
                    p.muted { "No forecast for the open items: " (note) "." }
                }
            }
            (flow_cards(&view.progress.flow, &view.progress, &view.cycle_time_labels, &window_words(view.progress.flow.window), false))
        }
        section.card id="initiatives" {
            @let may_add = shared.is_none() && may(Action::EditInitiatives);
            div.card-head {
                h2 { "Initiatives" }
                @if may_add && !initiatives.is_empty() {
                    a.button.secondary href={ "/teams/" (id) "/initiatives/new" } { "Add an initiative" }
                }
            }
            @if initiatives.is_empty() {
                p.muted { "This team has no initiatives on the roadmap." }
                @if may_add {
                    p { a.button href={ "/teams/" (id) "/initiatives/new" } { "Add an initiative" } }
                }
            } @else {
                table {
                    thead { tr {
                        th { "Initiative" } th { "Horizon" } th { "Status" } th.num { "Work items" } th { "Done" }
                        th { "Target" } th { "85% likely done by" } th.num { "By target" }
                    } }
                    tbody {
                        @for (initiative, rules, count, done) in &attached {
                            @let stored = view.initiative_forecasts.iter().find(|f| f.initiative_id == initiative.id);
                            tr {
                                td {
                                    @if shared.is_some() { (initiative.title) }
                                    @else { a href={ "/initiatives/" (initiative.id) } { (initiative.title) } }
                                }
                                td { (initiative.horizon_on(view.progress.today).as_str()) }
                                td { (status_badge(initiative.status)) }
                                td.num {
                                    @if *rules == 0 { span.muted { "none attached" } } @else { (count) }
                                }
                                td {
                                    @if *count > 0 { (progress_bar(*done as f64 / *count as f64)) }
                                }
                                td.nowrap {
                                    @match stored.map_or(initiative.window.map(|w| w.end), |f| f.target) {
                                        Some(target) => (date::format(target)),
                                        None => span.muted { "–" },
                                    }
                                }
                                td.nowrap {
                                    @match stored {
                                        Some(forecast) => @match (&forecast.dates, &forecast.note) {
                                            (Some(dates), _) => (date::format(dates.p85)),
                                            (None, Some(note)) => span.muted title=(note) { "not forecast" },
                                            (None, None) => span.muted { "nothing open" },
                                        },
                                        None => span.muted { "–" },
                                    }
                                }
                                td.num {
                                    @match stored.and_then(|forecast| forecast.probability_by_target) {
                                        Some(p) => (percent(p)),
                                        None => span.muted { "–" },
                                    }
                                }
                            }
                        }
                    }
                }
                @if let Some(forecast) = view.initiative_forecasts.iter().max_by_key(|f| f.as_of) {
                    p.muted {
                        "Forecasts " (forecast.age_label(view.progress.today)) ": planned and in-progress initiatives share the team's "
                        "throughput of the last 90 days, " (WIP_LIMIT) " at a time, in the order of the approved plan, then by target "
                        "(" (group_thousands(u64::from(TRIALS))) " simulated trials, recalibrated on the team's own past forecasts). "
                        "Each initiative's page shows the same forecast with its calibration."
                    }
                }
            }
        }
    };
    Ok(layout::page(&team.name, workspace.as_ref(), Some(Section::Teams), caller, &content))
}

fn window_words(window: Window) -> String {
    format!("in the last {}", days(window.days()))
}

/// The numbers at the top of the dashboard.
fn summary(view: &TeamProgress) -> Markup {
    let flow = &view.progress.flow;
    let per_week = f64::from(flow.finished) * 7.0 / f64::from(flow.window.days().max(1));
    let oldest = view.progress.aging_items.first().map(|a| a.age_days);
    let balance = i64::from(flow.started) - i64::from(flow.finished);
    html! {
        div.tiles {
            div.tile {
                span.big { (flow.finished) }
                span { "finished " (window_words(flow.window)) " · " (format!("{per_week:.1}")) " a week" }
            }
            div.tile {
                span.big { @if let Some(c) = flow.cycle_time { (days(c.p85)) } @else { "–" } }
                span { "cycle time, 85th percentile"
                    @if let Some(c) = flow.cycle_time { " (half within " (days(c.p50)) ")" } }
            }
            div.tile {
                span.big { (flow.wip) }
                span { "in progress now" @if let Some(age) = oldest { " · oldest " (days(age)) } }
            }
            div.tile class=[(balance > 0).then_some("warn")] {
                span.big { (flow.started) }
                span {
                    "started " (window_words(flow.window)) " · "
                    @match balance {
                        0 => "as many as finished",
                        b if b > 0 => { (b) " more than finished" },
                        b => { (-b) " fewer than finished" },
                    }
                }
            }
        }
    }
}

/// "When will the next N items be done?" with its calibration.
fn next_items(view: &TeamProgress) -> Markup {
    let next = &view.next_items;
    let why = if view.progress.flow.wip > 0 {
        format!("The number of items in progress now ({}): when will that much work be done?", next.items)
    } else {
        "Nothing is in progress, so this forecasts the next ten items.".to_owned()
    };
    html! {
        section.card id="forecast" {
            h2 {
                @if next.items == 1 { "When will the next item be done?" } @else { "When will the next " (next.items) " items be done?" }
            }
            p.muted { (why) }
            @if let Some(answer) = &next.forecast {
                div.forecast-grid {
                    (forecast_table(answer))
                    div {
                        p.headline { "85% likely by " strong { (date::format(answer.dates.p85)) } ", in " (days(answer.p85)) "." }
                        (calibration_note(answer))
                        @if let Some(all) = &view.progress.forecast {
                            p { "All " (all.items) " open items (in progress and to do): 85% likely by " strong { (date::format(all.dates.p85)) } "." }
                        }
                    }
                }
            } @else if let Some(note) = &next.note {
                p { "No forecast: " (note) "." }
            }
        }
    }
}

/// What a team without work items shows: how to get them in, to whoever may (`importer`).
fn empty_state(team: &Team, importer: bool) -> Markup {
    html! {
        section.card.empty-state-card id="no-work-items" {
            h2 { "No work items yet" }
            @if !importer {
                p { "The dashboard draws throughput, cycle time, aging and forecasts from the team's tracker; none of its items have been imported yet." }
            } @else {
                p { "The dashboard draws throughput, cycle time, aging and forecasts from the team's tracker. Bring its items in:" }
                ol {
                    li { a href={ "/teams/" (team.id) "/import" } { "Upload an export" } " from Jira (CSV, all fields), GitHub (issues as JSON) or any CSV with key and done columns;" }
                    li { "or run " code { "leadup import jira export.csv --team \"" (team.name) "\"" } ";" }
                    li { "or send the file to " code { "POST /api/v1/teams/" (team.id) "/imports?format=jira" } "." }
                }
                p.muted { "Importing the same file again updates the items instead of duplicating them." }
            }
        }
    }
}
