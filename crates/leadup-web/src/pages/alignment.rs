//! `/alignment`: which objectives each initiative serves, what serves nothing, what is
//! served by nothing, and where the planned budget goes.

use axum::extract::State;
use leadup_core::alignment::Alignment;
use leadup_core::initiative::Status;
use leadup_core::money::Money;
use maud::html;

use super::PageResult;
use super::layout::{self, Section, flag, status_badge};
use crate::AppState;
use crate::auth::Caller;
use crate::charts::budget::{self, Bar};

pub(crate) async fn page(State(state): State<AppState>, caller: Caller) -> PageResult {
    let workspace = state.store.workspace().await?;
    let objectives = state.store.objectives().await?;
    let initiatives = state.store.initiatives().await?;
    let teams = state.store.teams().await?;
    let alignment = Alignment::of(&objectives, &initiatives);
    let live: Vec<_> = initiatives.iter().filter(|i| i.status != Status::Dropped).collect();
    let title_of = |id: Option<i64>| match id {
        Some(id) => {
            objectives.iter().find(|o| o.id == id).map_or_else(|| format!("Objective {id}"), |o| o.title.clone())
        }
        None => "Unaligned work".to_owned(),
    };
    let currencies: Vec<_> = {
        let mut c: Vec<_> = alignment.budget.iter().map(|b| b.currency.clone()).collect();
        c.dedup();
        c
    };
    let content = html! {
        h1 { "Alignment" }
        div.tiles {
            div.tile { span.big { (live.len()) } span { "initiatives (not dropped)" } }
            div.tile.warn[!alignment.unaligned.is_empty()] { span.big { (alignment.unaligned.len()) } span { "unaligned initiatives" } }
            div.tile.warn[!alignment.uncovered.is_empty()] { span.big { (alignment.uncovered.len()) } span { "uncovered objectives" } }
            div.tile { span.big { (objectives.len() - alignment.uncovered.len()) " / " (objectives.len()) } span { "objectives served" } }
        }
        @if !alignment.uncovered.is_empty() {
            section.card.alert {
                h2 { "Objectives no initiative serves" }
                ul {
                    @for id in &alignment.uncovered {
                        li { (flag("uncovered", "No initiative serves this objective")) " " a href={ "/strategy#objective-" (id) } { (title_of(Some(*id))) } }
                    }
                }
            }
        }
        section.card {
            h2 { "Initiatives and the objectives they serve" }
            div.scroll {
                table.matrix {
                    thead {
                        tr {
                            th { "Initiative" } th { "Team" } th { "Status" }
                            @for (k, o) in objectives.iter().enumerate() {
                                th.objective-col title=(o.title) { "O" (k + 1) }
                            }
                        }
                    }
                    tbody {
                        @for i in &live {
                            tr.unaligned[i.objective_ids.is_empty()] {
                                td {
                                    a href={ "/initiatives/" (i.id) } { (i.title) }
                                    @if i.objective_ids.is_empty() { " " (flag("unaligned", "Serves no objective")) }
                                }
                                td { (teams.iter().find(|t| t.id == i.team_id).map_or("?", |t| t.name.as_str())) }
                                td { (status_badge(i.status)) }
                                @for o in &objectives {
                                    td.check { @if i.objective_ids.contains(&o.id) { "●" } }
                                }
                            }
                        }
                    }
                }
            }
            ol.key {
                @for o in &objectives { li { (o.title) } }
            }
        }
        @for currency in &currencies {
            section.card {
                h2 { "Planned budget by objective (" (currency) ")" }
                p.muted { "An initiative that serves several objectives splits its budget equally between them." }
                (budget::svg(&alignment.budget.iter().filter(|b| &b.currency == currency).map(|b| Bar {
                    label: title_of(b.objective_id),
                    amount: Money { minor: b.minor, currency: b.currency.clone() }.display(),
                    share: b.share,
                    unaligned: b.objective_id.is_none(),
                }).collect::<Vec<_>>()))
            }
        }
    };
    Ok(layout::page("Alignment", workspace.as_ref(), Some(Section::Alignment), &caller, &content))
}
