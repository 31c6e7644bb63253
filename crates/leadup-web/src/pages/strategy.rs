//! `/strategy`: the mission, and each objective with its key results and the initiatives
//! that serve it.

use axum::extract::State;
use leadup_core::date;
use leadup_core::initiative::Initiative;
use leadup_core::strategy::{KeyResult, Objective};
use maud::{Markup, html};

use super::PageResult;
use super::layout::{self, Section, flag, progress_bar};
use crate::AppState;
use crate::auth::Caller;

pub(crate) async fn page(State(state): State<AppState>, caller: Caller) -> PageResult {
    let workspace = state.store.workspace().await?;
    let objectives = state.store.objectives().await?;
    let initiatives = state.store.initiatives().await?;
    // An owner who is a stakeholder the caller may read links to their profile.
    let stakeholders = match caller.principal() {
        Some(principal) => leadup_app::stakeholders::visible_to(&state.store, principal).await?,
        None => Vec::new(),
    };
    let content = html! {
        section.mission {
            h1 { "Strategy" }
            @if let Some(w) = &workspace {
                @if !w.mission.is_empty() {
                    p.eyebrow { "Our mission" }
                    blockquote { (w.mission) }
                }
            }
        }
        @if objectives.is_empty() {
            section.card.empty {
                p { "No objectives yet. Add one with " code { "leadup objective add" } " or " code { "POST /api/v1/objectives" } "." }
            }
        }
        div.objectives {
            @for objective in &objectives {
                @let owner = stakeholders.iter().find(|s| s.owned_objective_ids.contains(&objective.id)).map(|s| s.user.id);
                (objective_card(objective, owner, &initiatives))
            }
        }
    };
    Ok(layout::page("Strategy", workspace.as_ref(), Some(Section::Strategy), &caller, &content))
}

/// An objective; `owner` is the stakeholder owning it, if the caller may open their profile.
fn objective_card(objective: &Objective, owner: Option<i64>, initiatives: &[Initiative]) -> Markup {
    let serving: Vec<&Initiative> = initiatives
        .iter()
        .filter(|i| i.status != leadup_core::initiative::Status::Dropped && i.objective_ids.contains(&objective.id))
        .collect();
    html! {
        article.card.objective id={ "objective-" (objective.id) } {
            header {
                div {
                    h2 { (objective.title) }
                    p.meta {
                        "Owner: "
                        @match owner {
                            Some(user) => { a.owner href={ "/stakeholders/" (user) } { strong { (objective.owner) } } }
                            None => { strong { (objective.owner) } }
                        }
                    }
                }
                @if let Some(progress) = objective.progress() {
                    div.overall { (progress_bar(progress)) }
                }
            }
            @if !objective.description.is_empty() {
                p.description { (objective.description) }
            }
            @if objective.key_results.is_empty() {
                p.muted { "No key results yet: progress cannot be measured." }
            } @else {
                table.key-results tabindex="0" {
                    thead { tr { th { "Key result" } th.num { "Baseline" } th.num { "Current" } th.num { "Target" } th { "Progress" } th { "Due" } } }
                    tbody {
                        @for kr in &objective.key_results { (key_result_row(kr)) }
                    }
                }
            }
            footer {
                @if serving.is_empty() {
                    (flag("uncovered", "No initiative serves this objective"))
                    " No initiative serves this objective yet."
                } @else {
                    span.muted { "Served by " (serving.len()) " initiative" @if serving.len() != 1 { "s" } ": " }
                    @for (k, initiative) in serving.iter().enumerate() {
                        @if k > 0 { ", " }
                        a href={ "/initiatives/" (initiative.id) } { (initiative.title) }
                    }
                }
            }
        }
    }
}

fn key_result_row(kr: &KeyResult) -> Markup {
    html! {
        tr {
            td { (kr.metric) }
            td.num { (number(kr.baseline)) " " span.unit { (kr.unit) } }
            td.num { strong { (number(kr.current)) } " " span.unit { (kr.unit) } }
            td.num { (number(kr.target)) " " span.unit { (kr.unit) } }
            td { (progress_bar(kr.progress())) }
            td.nowrap { (date::format(kr.due)) }
        }
    }
}

/// A measured value without trailing zeros: 12, 12.5, 0.25.
fn number(value: f64) -> String {
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_drop_trailing_zeros() {
        assert_eq!(super::number(12.0), "12");
        assert_eq!(super::number(12.5), "12.5");
        assert_eq!(super::number(0.25), "0.25");
        assert_eq!(super::number(-3.10), "-3.1");
    }
}
