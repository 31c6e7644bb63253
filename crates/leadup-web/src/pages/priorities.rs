//! `/priorities`: the open initiatives ranked by RICE or by value ÷ effort, every factor taken
//! from evidence and forecasts (see `leadup_core::priority`), each rank with its reasons.
//! What-if weights (`?reach=0&effort=2`) change only what is shown.

use axum::extract::State;
use leadup_core::priority::{MAX_WEIGHT, Method};
use maud::{Markup, html};

use super::PageResult;
use super::Query;
use super::layout::{self, Section};
use crate::AppState;
use crate::auth::Caller;
use crate::priorities::{Params, ranking};

pub(crate) async fn page(State(state): State<AppState>, caller: Caller, Query(params): Query<Params>) -> PageResult {
    let workspace = state.store.workspace().await?;
    let (method, weights, ranked) = ranking(&state, &params).await?;
    let sort = params.sort_key()?;
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
                p.muted.small { "Score: 100 is the first initiative's. Scores span orders of magnitude, so the others are placed on a logarithmic scale down to 1 for the lowest above 0; 0 means no evidence. Click a column heading to sort by that factor; the rank stays the score's." }
                div.scroll {
                    table.priorities {
                        thead { tr {
                            (heading(&params, sort, "rank", "Rank"))
                            th { "Initiative" }
                            th.num { "Score (0–100)" }
                            @if method == Method::Rice { (heading(&params, sort, "reach", "Reach")) }
                            (heading(&params, sort, "impact", "Impact"))
                            @if method == Method::Rice { (heading(&params, sort, "confidence", "Confidence")) }
                            (heading(&params, sort, "effort", "Effort"))
                            th { "Missing to rank on facts" }
                        } }
                        tbody { @for r in &ranked { @let c = &r.candidate; tr {
                            td.num { (r.rank) }
                            td {
                                a href={ "/initiatives/" (c.initiative_id) } { (c.title) }
                                @if let Some(tie) = &r.tie { p.tie.muted.small { (tie) } }
                                details.why { summary { "Why" } ul.reasons-list { @for reason in &r.reasons { li { (reason) } } } }
                            }
                            td.num.score-cell {
                                strong { (format!("{:.0}", r.normalised)) }
                                span.meter aria-hidden="true" { span.fill style={ "width:" (r.normalised) "%" } {} }
                                span.muted.small.raw title="The score before scaling" { (score(r.score)) }
                            }
                            @if method == Method::Rice {
                                td.num { @if c.reach == 0 { span.muted { "unknown" } } @else { (c.reach) } }
                            }
                            td.num.nowrap { @if c.value_minor < 100_000 { span.muted { "none stated" } } @else { (c.currency) " " (format!("{:.0}", c.value_minor as f64 / 100_000.0)) "k" } }
                            @if method == Method::Rice {
                                td.num { @if c.confidence == 0.0 { span.muted { "0 (opinion)" } } @else { (format!("{:.2}", c.confidence)) } }
                            }
                            td.num.nowrap {
                                (c.effort_days) (if c.effort_days == 1 { " day" } else { " days" })
                                @if !c.effort_forecast { br; span.muted.small { "not forecast" } }
                            }
                            td {
                                @if r.missing.is_empty() { span.muted { "nothing" } }
                                @else { ul.reasons-list { @for gap in &r.missing { li { (gap) } } } }
                            }
                        } } }
                    }
                }
            }
        }
    };
    Ok(layout::page("Priorities", workspace.as_ref(), Some(Section::Priorities), &caller, &content))
}

/// A column heading that sorts the ranking by `key`, marked when it is the `active` order.
fn heading(params: &Params, active: &str, key: &str, label: &str) -> Markup {
    let sorted = (active == key).then_some(if key == "effort" || key == "rank" { "ascending" } else { "descending" });
    html! {
        th.num aria-sort=[sorted] {
            a href=(params.sorted_by(key)) title={ "Sort by " (label.to_lowercase()) } {
                (label) @if sorted.is_some() { " ▾" }
            }
        }
    }
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
