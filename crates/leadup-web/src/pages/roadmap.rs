//! `/roadmap`: the timeline (`?view=timeline`, the default; `&group=team|objective`) and the
//! Now / Next / Later columns (`?view=columns`).

use std::collections::HashMap;

use axum::extract::{Query, State};
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
use crate::AppState;
use crate::auth::Caller;
use crate::charts::timeline::{self, Row};

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
}

/// What the roadmap draws from.
struct Roadmap {
    teams: Vec<Team>,
    objectives: Vec<Objective>,
    initiatives: Vec<Initiative>,
    today: Date,
}

impl Roadmap {
    fn team_name(&self, id: i64) -> &str {
        self.teams.iter().find(|t| t.id == id).map_or("?", |t| t.name.as_str())
    }
}

pub(crate) async fn page(State(state): State<AppState>, caller: Caller, Query(params): Query<Params>) -> PageResult {
    let workspace = state.store.workspace().await?;
    let roadmap = Roadmap {
        teams: state.store.teams().await?,
        objectives: state.store.objectives().await?,
        initiatives: state.store.initiatives().await?,
        today: state.today(),
    };
    let content = html! {
        div.page-head {
            h1 { "Roadmap" }
            nav.tabs aria-label="Roadmap view" {
                a href="/roadmap" class=[(params.view == View::Timeline).then_some("active")] { "Timeline" }
                a href="/roadmap?view=columns" class=[(params.view == View::Columns).then_some("active")] { "Now / Next / Later" }
            }
        }
        @match params.view {
            View::Timeline => (timeline_view(&roadmap, params.group)),
            View::Columns => (columns_view(&roadmap)),
        }
    };
    Ok(layout::page("Roadmap", workspace.as_ref(), Some(Section::Roadmap), &caller, &content))
}

fn timeline_view(roadmap: &Roadmap, group: Group) -> Markup {
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
            });
        }
    }
    html! {
        div.toolbar {
            span.muted { "Group by " }
            a href="/roadmap?group=team" class=[(group == Group::Team).then_some("active")] { "team" }
            " · "
            a href="/roadmap?group=objective" class=[(group == Group::Objective).then_some("active")] { "objective" }
            span.legend {
                @for status in leadup_core::initiative::Status::ALL {
                    span.legend-item { span class={ "swatch status-" (status.as_str()) } {} (status.label()) }
                }
            }
        }
        section.card.chart {
            @if rows.is_empty() {
                p.muted { "No initiative has a target window yet." }
            } @else {
                (timeline::svg(&axis, &rows, roadmap.today))
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
            thead { tr { th { "Initiative" } th { "Team" } th { "Horizon" } th { "Status" } } }
            tbody {
                @for i in initiatives {
                    tr {
                        td { a href={ "/initiatives/" (i.id) } { (i.title) } }
                        td { (roadmap.team_name(i.team_id)) }
                        td { (i.horizon_on(roadmap.today).as_str()) }
                        td { (status_badge(i.status)) }
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
                        article.card.initiative-card {
                            h3 { a href={ "/initiatives/" (i.id) } { (i.title) } }
                            p.meta { (roadmap.team_name(i.team_id)) " · " (status_badge(i.status)) }
                            @if let Some(w) = i.window {
                                p.meta { "Target " (date::format(w.start)) " → " (date::format(w.end)) }
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
