//! `/roadmap`: the timeline (`?view=timeline`, the default; `&group=team|objective`) and the
//! Now / Next / Later columns (`?view=columns`), for every team or one (`&team=ID`). Each
//! initiative is coloured by its stored forecast's state and marked when it serves no
//! objective or rests on no evidence.

use std::collections::{HashMap, HashSet};

use super::Query;
use axum::extract::State;
use leadup_core::date;
use leadup_core::initiative::{Horizon, Initiative};
use leadup_core::roadmap::TimeAxis;
use leadup_core::strategy::Objective;
use leadup_core::team::Team;
use maud::{Markup, html};
use serde::Deserialize;
use time::Date;

use super::PageResult;
use super::layout::{self, Section, flag, status_badge};
use crate::AppError;
use crate::AppState;
use crate::auth::Caller;
use crate::charts::timeline::{self, Outlook, Row, marks};
use leadup_app::dashboard::State as Standing;

#[derive(Deserialize, Default, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum View {
    #[default]
    Timeline,
    Columns,
}

#[derive(Deserialize, Default, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum Group {
    #[default]
    Team,
    Objective,
}

#[derive(Deserialize)]
pub(crate) struct Params {
    #[serde(default)]
    view: View,
    #[serde(default)]
    group: Group,
    /// Only this team's initiatives.
    team: Option<i64>,
}

impl Params {
    /// This roadmap's address with `change` applied to its parameters.
    fn href(&self, change: impl FnOnce(&mut Link)) -> String {
        let mut link = Link { view: self.view, group: self.group, team: self.team };
        change(&mut link);
        let mut query = Vec::new();
        if link.view == View::Columns {
            query.push("view=columns".to_owned());
        }
        if link.group == Group::Objective && link.view == View::Timeline {
            query.push("group=objective".to_owned());
        }
        if let Some(team) = link.team {
            query.push(format!("team={team}"));
        }
        if query.is_empty() { "/roadmap".to_owned() } else { format!("/roadmap?{}", query.join("&")) }
    }
}

/// The parameters of a link to another view of the roadmap.
struct Link {
    view: View,
    group: Group,
    team: Option<i64>,
}

/// What the roadmap draws from.
struct Roadmap {
    teams: Vec<Team>,
    objectives: Vec<Objective>,
    initiatives: Vec<Initiative>,
    /// Each initiative's forecast state, as its page shows it.
    risks: HashMap<i64, Outlook>,
    /// The initiatives some evidence supports.
    evidenced: HashSet<i64>,
    today: Date,
}

impl Roadmap {
    fn team_name(&self, id: i64) -> &str {
        self.teams.iter().find(|t| t.id == id).map_or("?", |t| t.name.as_str())
    }

    fn risk(&self, initiative: &Initiative) -> Outlook {
        self.risks.get(&initiative.id).copied().unwrap_or(Outlook::NotForecast)
    }

    fn opinion(&self, initiative: &Initiative) -> bool {
        !self.evidenced.contains(&initiative.id)
    }
}

pub(crate) async fn page(State(state): State<AppState>, caller: Caller, Query(params): Query<Params>) -> PageResult {
    let workspace = state.store.workspace().await?;
    let teams = state.store.teams().await?;
    if let Some(team) = params.team.filter(|id| !teams.iter().any(|t| t.id == *id)) {
        return Err(AppError::BadRequest(format!(
            "This page cannot read the parameter 'team' in its address: there is no team {team}."
        ))
        .into());
    }
    let today = state.today();
    let initiatives: Vec<Initiative> = state
        .store
        .initiatives()
        .await?
        .into_iter()
        .filter(|i| params.team.is_none_or(|team| i.team_id == team))
        .collect();
    let forecasts = state.store.initiative_forecasts().await?;
    let mut evidenced = HashSet::new();
    for initiative in &initiatives {
        if !state.store.initiative_evidence(initiative.id).await?.is_empty() {
            evidenced.insert(initiative.id);
        }
    }
    let risks = initiatives
        .iter()
        .map(|i| {
            let stored = forecasts.iter().find(|f| f.initiative_id == i.id);
            (i.id, Outlook::of(Standing::of_stored(i, stored, today)))
        })
        .collect();
    let roadmap = Roadmap { teams, objectives: state.store.objectives().await?, initiatives, risks, evidenced, today };
    let content = html! {
        div.page-head {
            h1 { "Roadmap" }
            nav.tabs aria-label="Roadmap view" {
                a href=(params.href(|l| l.view = View::Timeline)) class=[(params.view == View::Timeline).then_some("active")] { "Timeline" }
                a href=(params.href(|l| l.view = View::Columns)) class=[(params.view == View::Columns).then_some("active")] { "Now / Next / Later" }
            }
        }
        div.toolbar.team-filter {
            span.muted { "Teams: " }
            a href=(params.href(|l| l.team = None)) class=[params.team.is_none().then_some("active")] { "all" }
            @for team in &roadmap.teams {
                " · "
                a href=(params.href(|l| l.team = Some(team.id))) class=[(params.team == Some(team.id)).then_some("active")] { (team.name) }
            }
        }
        (legend())
        @match params.view {
            View::Timeline => (timeline_view(&roadmap, &params)),
            View::Columns => (columns_view(&roadmap)),
        }
    };
    Ok(layout::page("Roadmap", workspace.as_ref(), Some(Section::Roadmap), &caller, &content))
}

/// What the colours and marks mean.
fn legend() -> Markup {
    html! {
        p.legend.roadmap-legend aria-label="Legend" {
            @for risk in Outlook::ALL {
                span.legend-item { span class={ "swatch risk-" (risk.as_str()) } {} (risk.label()) }
            }
            span.legend-item { "⚑ serves no objective" }
            span.legend-item { "◇ no evidence (an opinion)" }
        }
    }
}

fn timeline_view(roadmap: &Roadmap, params: &Params) -> Markup {
    let group = params.group;
    let shown: Vec<&Initiative> =
        roadmap.initiatives.iter().filter(|i| i.status.is_open() || i.window.is_some()).collect();
    let dated: Vec<&Initiative> = shown.iter().copied().filter(|i| i.window.is_some()).collect();
    let undated: Vec<&Initiative> = shown.iter().copied().filter(|i| i.window.is_none()).collect();
    let axis = TimeAxis::covering(dated.iter().copied(), roadmap.today);
    let groups: Vec<(String, Vec<&Initiative>)> = match group {
        Group::Team => roadmap
            .teams
            .iter()
            .map(|t| (t.name.clone(), dated.iter().copied().filter(|i| i.team_id == t.id).collect()))
            .collect(),
        Group::Objective => {
            let mut groups: Vec<(String, Vec<&Initiative>)> = roadmap
                .objectives
                .iter()
                .map(|o| (o.title.clone(), dated.iter().copied().filter(|i| i.objective_ids.contains(&o.id)).collect()))
                .collect();
            groups.push((
                "Unaligned: serves no objective".to_owned(),
                dated.iter().copied().filter(|i| i.objective_ids.is_empty()).collect(),
            ));
            groups
        }
    };
    let mut rows = Vec::new();
    for (label, mut members) in groups.iter().filter(|(_, m)| !m.is_empty()).map(|(l, m)| (l, m.clone())) {
        members.sort_by_key(|i| i.window.map(|w| (w.start, w.end)));
        rows.push(Row::Group(label));
        for initiative in members {
            let Some(window) = initiative.window else { continue };
            rows.push(Row::Bar {
                title: &initiative.title,
                href: format!("/initiatives/{}", initiative.id),
                window,
                status: initiative.status,
                risk: roadmap.risk(initiative),
                unaligned: initiative.objective_ids.is_empty(),
                opinion: roadmap.opinion(initiative),
            });
        }
    }
    html! {
        div.toolbar {
            span.muted { "Group by " }
            a href=(params.href(|l| l.group = Group::Team)) class=[(group == Group::Team).then_some("active")] { "team" }
            " · "
            a href=(params.href(|l| l.group = Group::Objective)) class=[(group == Group::Objective).then_some("active")] { "objective" }
        }
        section.card.chart {
            @if rows.is_empty() {
                p.muted { "No initiative has a target window yet." }
            } @else {
                (timeline::svg(&axis, &rows, roadmap.today))
                details.chart-table {
                    summary { "The timeline as a table" }
                    (initiative_table(roadmap, &dated))
                }
            }
        }
        @if !undated.is_empty() {
            section.card {
                h2 { "Not yet dated" }
                p.muted { "These initiatives have a horizon but no target window, so they have no place on the timeline." }
                (initiative_table(roadmap, &undated))
            }
        }
    }
}

fn initiative_table(roadmap: &Roadmap, initiatives: &[&Initiative]) -> Markup {
    html! {
        table {
            thead { tr { th { "Initiative" } th { "Team" } th { "Target window" } th { "Horizon" } th { "Status" } th { "Forecast" } } }
            tbody {
                @for i in initiatives {
                    tr {
                        td { (marks(i.objective_ids.is_empty(), roadmap.opinion(i))) a href={ "/initiatives/" (i.id) } { (i.title) } }
                        td { (roadmap.team_name(i.team_id)) }
                        td.nowrap { @match i.window { Some(w) => { (date::format(w.start)) " → " (date::format(w.end)) }, None => span.muted { "none" } } }
                        td { (i.horizon_on(roadmap.today).as_str()) }
                        td { (status_badge(i.status)) }
                        td { (risk_badge(roadmap.risk(i))) }
                    }
                }
            }
        }
    }
}

fn columns_view(roadmap: &Roadmap) -> Markup {
    let objective_titles: HashMap<i64, &str> = roadmap.objectives.iter().map(|o| (o.id, o.title.as_str())).collect();
    let open: Vec<&Initiative> = roadmap.initiatives.iter().filter(|i| i.status.is_open()).collect();
    let closed = roadmap.initiatives.len() - open.len();
    html! {
        div.columns {
            @for horizon in Horizon::ALL {
                @let cards: Vec<&&Initiative> = open.iter().filter(|i| i.horizon_on(roadmap.today) == horizon).collect();
                section.column id={ "column-" (horizon.as_str()) } {
                    h2 { (column_title(horizon)) span.count { (cards.len()) } }
                    p.muted.column-hint { (column_hint(horizon)) }
                    @for i in cards {
                        @let risk = roadmap.risk(i);
                        article class={ "card initiative-card risk-edge-" (risk.as_str()) } {
                            h3 { a href={ "/initiatives/" (i.id) } { (i.title) } }
                            p.meta { (roadmap.team_name(i.team_id)) " · " (status_badge(i.status)) " " (risk_badge(risk)) }
                            @if let Some(w) = i.window {
                                p.meta { "Target " (date::format(w.start)) " → " (date::format(w.end)) }
                            }
                            @if roadmap.opinion(i) {
                                (flag("opinion", "No evidence supports it"))
                            }
                            @if i.objective_ids.is_empty() {
                                (flag("unaligned", "Serves no objective"))
                            } @else {
                                ul.objective-tags {
                                    @for id in &i.objective_ids {
                                        li { (objective_titles.get(id).copied().unwrap_or("?")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if closed > 0 {
            p.muted { (closed) " done or dropped initiative" @if closed != 1 { "s are" } @else { " is" } " not shown." }
        }
    }
}

/// A badge with an initiative's forecast state.
fn risk_badge(risk: Outlook) -> Markup {
    html! { span class={ "badge risk-" (risk.as_str()) } { (risk.label()) } }
}

fn column_title(horizon: Horizon) -> &'static str {
    match horizon {
        Horizon::Now => "Now",
        Horizon::Next => "Next",
        Horizon::Later => "Later",
    }
}

fn column_hint(horizon: Horizon) -> &'static str {
    match horizon {
        Horizon::Now => "Being delivered this quarter.",
        Horizon::Next => "Starts when capacity frees up.",
        Horizon::Later => "Direction, not commitment.",
    }
}
