//! `/priorities`: the open initiatives ranked by RICE or by value ÷ effort, every factor taken
//! from evidence and forecasts (see `leadup_core::priority`), each rank with its reasons.
//! What-if weights (`?reach=0&effort=2`) change only what is shown.

use axum::extract::State;
use leadup_core::priority::{MAX_WEIGHT, Method};
use maud::{Markup, html};

use super::PageResult;
use super::layout::{self, Section};
use crate::AppState;
use crate::api::Query;
use crate::auth::Caller;
use crate::priorities::{Params, ranking};

pub(crate) async fn page(State(state): State<AppState>, caller: Caller, Query(params): Query<Params>) -> PageResult {
    let workspace = state.store.workspace().await?;
    let (method, weights, ranked) = ranking(&state, &params).await?;
    let content = html! {
        h1 { "Priorities" }
        p.muted {
            "Open initiatives ranked from facts, not opinions: reach and money at stake come from their evidence, confidence from the evidence's strength, effort from the team's forecast. "
            "An initiative without evidence has no confidence, so it ranks last under RICE."
        }
        form.card.rule-form.weights method="get" action="/priorities" {
            label { span.label { "Rank by" }
                select name="method" {
                    option value="rice" selected[method == Method::Rice] { "RICE: reach × impact × confidence ÷ effort" }
                    option value="value_effort" selected[method == Method::ValueEffort] { "Value ÷ effort" }
                }
            }
            (weight("reach", "Reach weight", weights.reach))
            (weight("impact", "Impact weight", weights.impact))
            (weight("confidence", "Confidence weight", weights.confidence))
            (weight("effort", "Effort weight", weights.effort))
            button type="submit" { "Rank" }
            a href="/priorities" { "Reset" }
        }
        p.muted.small { "Weights are powers: 1 is the plain formula, 0 ignores a factor, 2 counts it twice. They change this view only, never stored data." }
        section.card {
            @if ranked.is_empty() { p { "No open initiatives." } } @else {
                table.priorities {
                    thead { tr { th.num { "#" } th { "Initiative" } th.num { "Score" } th { "Why" } } }
                    tbody { @for r in &ranked { tr {
                        td.num { (r.rank) }
                        td { a href={ "/initiatives/" (r.candidate.initiative_id) } { (r.candidate.title) } }
                        td.num { (score(r.score)) }
                        td { ul.reasons-list { @for reason in &r.reasons { li { (reason) } } } }
                    } } }
                }
            }
        }
    };
    Ok(layout::page("Priorities", workspace.as_ref(), Some(Section::Priorities), &caller, &content))
}

fn weight(name: &str, label: &str, value: f64) -> Markup {
    html! {
        label { span.label { (label) }
            input type="number" name=(name) value=(value) min="0" max=(MAX_WEIGHT) step="0.5";
        }
    }
}

/// A score with three significant digits at most (small ones stay readable).
fn score(value: f64) -> String {
    if value == 0.0 || value >= 100.0 {
        format!("{value:.0}")
    } else if value >= 1.0 {
        format!("{value:.2}")
    } else {
        format!("{value:.3}")
    }
}
