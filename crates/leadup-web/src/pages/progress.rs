//! The pieces the team dashboard and the initiative page share: the burn-up with its forecast
//! fan, the flow charts, a forecast's table with its calibration, and state badges.

use leadup_core::date;
use leadup_forecast::FlowMetrics;
use maud::{Markup, html};

use crate::charts::burnup::{BurnUp, Fan};
use crate::charts::flow_balance::Week;
use crate::charts::{aging, burnup, cycle_time, flow_balance, throughput, truncate};
use leadup_app::dashboard::{Progress, State};
use leadup_app::forecasts::WhenAnswer;

/// Percentiles are drawn on the flow charts once this many items finished in the window.
const MIN_ITEMS_FOR_PERCENTILES: usize = 5;

/// The most open items the aging chart lists.
const MAX_AGING_ROWS: usize = 30;

/// A probability for people: whole percent, never a false 0% or 100%.
pub(crate) fn percent(probability: f64) -> String {
    if probability > 0.0 && probability < 0.01 {
        "<1%".to_owned()
    } else if probability > 0.99 && probability < 1.0 {
        ">99%".to_owned()
    } else {
        format!("{:.0}%", probability * 100.0)
    }
}

/// A coloured badge for a progress state.
pub(crate) fn state_badge(state: State) -> Markup {
    html! { span class={ "badge state-" (state.as_str()) } { (state.label()) } }
}

/// "12 days" / "1 day".
pub(crate) fn days(count: u32) -> String {
    if count == 1 { "1 day".to_owned() } else { format!("{count} days") }
}

/// "3 items" / "1 item".
pub(crate) fn item_count(count: usize) -> String {
    if count == 1 { "1 item".to_owned() } else { format!("{count} items") }
}

/// The burn-up of `progress`, with the forecast fan for its remaining items.
pub(crate) fn burn_up_chart(progress: &Progress) -> Markup {
    let series = &progress.burn_up;
    let fan = progress.forecast.as_ref().map(|f| Fan {
        remaining: f.items,
        p50: f.dates.p50,
        p85: f.dates.p85,
        p95: f.dates.p95,
    });
    burnup::svg(&BurnUp {
        start: series.start,
        today: progress.today,
        target: progress.target,
        total: series.scope.iter().map(|p| (p.date, p.count)).collect(),
        done: series.done.iter().map(|p| (p.date, p.count)).collect(),
        fan,
    })
}

/// A forecast's percentiles as a table, with how often such forecasts were met.
pub(crate) fn forecast_table(answer: &WhenAnswer) -> Markup {
    let rows = [
        ("50%", answer.p50, answer.dates.p50),
        ("70%", answer.p70, answer.dates.p70),
        ("85%", answer.p85, answer.dates.p85),
        ("95%", answer.p95, answer.dates.p95),
    ];
    html! {
        table.forecast {
            thead { tr { th { "Likelihood" } th { "Done by" } th.num { "Days from today" } } }
            tbody {
                @for (likelihood, in_days, when) in rows {
                    tr class=[(likelihood == "85%").then_some("emphasis")] {
                        td { (likelihood) }
                        td { (date::format(when)) }
                        td.num { (in_days) }
                    }
                }
            }
        }
    }
}

/// The calibration sentence of a forecast.
pub(crate) fn calibration_note(answer: &WhenAnswer) -> Markup {
    html! {
        p.calibration {
            "Calibration: " (answer.calibration.statement) ". "
            span.muted { "From the team's throughput over the last " (answer.history_days) " days, as of the end of " (date::format(answer.today)) "." }
        }
    }
}

/// The four flow charts of `flow`, each in a full-width card; `labels` names each of its
/// cycle-time points ("KEY title"); with `items_hidden`, the items in progress are not listed.
pub(crate) fn flow_cards(
    flow: &FlowMetrics,
    progress: &Progress,
    labels: &[String],
    subject: &str,
    items_hidden: bool,
) -> Markup {
    let window = format!("{} to {}", date::format(flow.window.first), date::format(flow.window.last));
    let percentiles = flow.cycle_time.filter(|c| c.items >= MIN_ITEMS_FOR_PERCENTILES).map(|c| (c.p50, c.p85, c.p95));
    // Weeks cut by the window's edges would look like slow weeks: only whole weeks are drawn,
    // unless the window holds none.
    let whole: Vec<usize> = (0..flow.throughput_weekly.len()).filter(|&k| !flow.throughput_weekly[k].partial).collect();
    let shown: Vec<usize> = if whole.is_empty() { (0..flow.throughput_weekly.len()).collect() } else { whole };
    let bars: Vec<_> =
        shown.iter().map(|&k| (flow.throughput_weekly[k].week_start, flow.throughput_weekly[k].count)).collect();
    let points: Vec<_> = flow
        .cycle_times
        .iter()
        .enumerate()
        .map(|(k, p)| (p.done, p.days, labels.get(k).cloned().unwrap_or_default()))
        .collect();
    let open: Vec<(String, u32)> = progress
        .aging_items
        .iter()
        .take(MAX_AGING_ROWS)
        .map(|a| (truncate(&format!("{} {}", a.key, a.title), 37), a.age_days))
        .collect();
    let weeks: Vec<Week> = shown
        .iter()
        .map(|&k| Week {
            first: flow.throughput_weekly[k].week_start,
            started: flow.started_weekly[k].count,
            finished: flow.throughput_weekly[k].count,
        })
        .collect();
    let partial = shown.len() < flow.throughput_weekly.len();
    let per_week = f64::from(flow.finished) * 7.0 / f64::from(flow.window.days().max(1));
    html! {
        section.card.chart id="throughput" {
            div.card-head {
                h2 { "Throughput" }
                span.muted { (flow.finished) " finished " (subject) ", " (format!("{per_week:.1}")) " a week on average · " (window) }
            }
            (throughput::svg(&bars, "week"))
            @if partial { (whole_weeks_note()) }
        }
        section.card.chart id="cycle-time" {
            div.card-head {
                h2 { "Cycle time" }
                span.muted {
                    @if let Some(c) = flow.cycle_time {
                        "Half of the " (item_count(c.items)) " finished took " (days(c.p50)) " or less, 85% took " (days(c.p85)) " or less"
                    } @else {
                        "Days from start to done of each finished item"
                    }
                }
            }
            (cycle_time::svg(&points, percentiles, (flow.window.first, flow.window.last)))
        }
        section.card.chart id="aging" {
            div.card-head {
                h2 { "Aging work in progress" }
                span.muted { (flow.wip) " in progress at the end of " (date::format(flow.window.last)) }
            }
            @if items_hidden {
                p.muted { "The items in progress are listed to the team's people only." }
            } @else {
                (aging::svg(&open, percentiles))
            }
            @let in_progress = progress.aging_items.len().max(flow.wip as usize);
            @if !items_hidden && in_progress > MAX_AGING_ROWS {
                p.muted { "The " (in_progress - MAX_AGING_ROWS) " younger items in progress are not shown." }
            }
        }
        section.card.chart id="started-finished" {
            div.card-head {
                h2 { "Started vs finished" }
                span.muted { (flow.started) " started, " (flow.finished) " finished · " (window) }
            }
            (flow_balance::svg(&weeks))
            @if partial { (whole_weeks_note()) }
        }
    }
}

fn whole_weeks_note() -> Markup {
    html! { p.chart-note.muted { "Whole weeks (Monday to Sunday) only: the days of the window in the weeks cut by its edges are left out." } }
}
