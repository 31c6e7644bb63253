//! `/initiatives/{id}`: one initiative: outcome, objectives served, team, timing, budget.

use axum::extract::{Path, State};
use leadup_core::date;
use maud::html;

use super::layout::{self, Section, flag, progress_bar, status_badge};
use super::{PageResult, missing};
use crate::AppState;

pub(crate) async fn page(State(state): State<AppState>, Path(id): Path<String>) -> PageResult {
    let Ok(id) = id.parse::<i64>() else { return Err(missing(&format!("Initiative '{id}'"))) };
    let workspace = state.store.workspace().await?;
    let initiative = match state.store.initiative(id).await {
        Ok(initiative) => initiative,
        Err(leadup_store::StoreError::NotFound { .. }) => return Err(missing(&format!("Initiative {id}"))),
        Err(other) => return Err(other.into()),
    };
    let team = state.store.team(initiative.team_id).await?;
    let objectives = state.store.objectives().await?;
    let served: Vec<_> = objectives.iter().filter(|o| initiative.objective_ids.contains(&o.id)).collect();
    let spent = if initiative.budget_planned > 0 {
        initiative.budget_actual as f64 / initiative.budget_planned as f64
    } else {
        0.0
    };
    let content = html! {
        p.crumbs { a href="/roadmap" { "Roadmap" } " / " (team.name) }
        h1 { (initiative.title) " " (status_badge(initiative.status)) }
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
                    dt { "Team" } dd { (team.name) " · manager " (team.manager) }
                    dt { "Reports to" } dd { @if team.executives.is_empty() { span.muted { "no executive named" } } @else { (team.executives.join(", ")) } }
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
    };
    Ok(layout::page(&initiative.title, workspace.as_ref(), Some(Section::Roadmap), &content))
}
