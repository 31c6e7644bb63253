//! Started versus finished: per week, the items started beside the items finished, so that a
//! growing pile of work in progress (more started than finished) shows at a glance.

use maud::{Markup, html};
use time::Date;

use super::{Linear, empty, gridlines, px, short_date, text_width, value_ticks};

const WIDTH: f64 = 1080.0;
const HEIGHT: f64 = 290.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = WIDTH - 24.0;
const TOP: f64 = 34.0;
const BOTTOM: f64 = 234.0;
/// The widest a bar gets.
const MAX_BAR: f64 = 22.0;

/// One week: its first day, items started and items finished.
pub(crate) struct Week {
    pub first: Date,
    pub started: u32,
    pub finished: u32,
}

/// Draws a started and a finished bar per week of `weeks` (in date order).
pub(crate) fn svg(weeks: &[Week]) -> Markup {
    let started: u32 = weeks.iter().map(|w| w.started).sum();
    let finished: u32 = weeks.iter().map(|w| w.finished).sum();
    if started + finished == 0 {
        return empty("flow-balance", "Started vs finished", "Nothing started or finished in this window");
    }
    let highest = weeks.iter().map(|w| w.started.max(w.finished)).max().unwrap_or(0);
    let ticks = value_ticks(highest, 5);
    let ys = Linear::new(0.0, f64::from(*ticks.last().unwrap_or(&1)), BOTTOM, TOP);
    let band = (RIGHT - LEFT) / weeks.len() as f64;
    let width = (band * 0.36).min(MAX_BAR);
    let every = (((text_width("28 Sep", 11.0) + 16.0) / band).ceil() as usize).max(1);
    let balance = i64::from(started) - i64::from(finished);
    let trend = match balance {
        0 => "as many started as finished".to_owned(),
        b if b > 0 => format!("{b} more started than finished"),
        b => format!("{} more finished than started", -b),
    };
    html! {
        svg.flow-balance xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (WIDTH) " " (HEIGHT) }
            role="img" aria-label={ "Started vs finished: " (started) " started, " (finished) " finished in " (weeks.len()) " weeks; " (trend) } {
            (gridlines(&ticks, &ys, LEFT, RIGHT))
            text.tick-label x=(px(LEFT - 8.0)) y=(px(TOP - 16.0)) text-anchor="end" { "items" }
            text.tick-label x=(px(RIGHT)) y=(px(TOP - 16.0)) text-anchor="end" { "Weeks are labelled with their first day" }
            @for (k, week) in weeks.iter().enumerate() {
                @let center = LEFT + band * (k as f64 + 0.5);
                @for (class, count, x) in [("bar started", week.started, center - width - 1.0), ("bar finished", week.finished, center + 1.0)] {
                    @let top = ys.at(f64::from(count)).min(BOTTOM - 2.0);
                    rect class=(class) x=(px(x)) y=(px(top)) width=(px(width)) height=(px(BOTTOM - top)) rx="2" {
                        title { "Week of " (leadup_core::date::format(week.first)) ": " (week.started) " started, " (week.finished) " finished" }
                    }
                }
                @if k % every == 0 {
                    line.axis x1=(px(center)) y1=(px(BOTTOM)) x2=(px(center)) y2=(px(BOTTOM + 5.0)) {}
                    text.tick-label x=(px(center)) y=(px(BOTTOM + 18.0)) text-anchor="middle" { (short_date(week.first)) }
                }
            }
            g.chart-legend {
                rect.started x=(px(LEFT)) y=(px(HEIGHT - 24.0)) width="12" height="12" rx="2" {}
                text x=(px(LEFT + 18.0)) y=(px(HEIGHT - 14.0)) { "Started (" (started) ")" }
                rect.finished x=(px(LEFT + 150.0)) y=(px(HEIGHT - 24.0)) width="12" height="12" rx="2" {}
                text x=(px(LEFT + 168.0)) y=(px(HEIGHT - 14.0)) { "Finished (" (finished) ")" }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use time::Duration;
    use time::macros::date;

    use super::{Week, svg};

    #[test]
    fn draws_two_bars_a_week_and_the_balance() {
        let weeks: Vec<Week> = [(3, 1), (2, 4), (0, 2)]
            .iter()
            .enumerate()
            .map(|(k, &(started, finished))| Week {
                first: date!(2026 - 01 - 05) + Duration::weeks(k as i64),
                started,
                finished,
            })
            .collect();
        let out = svg(&weeks).into_string();
        assert_eq!(out.matches("<rect class=\"bar started\"").count(), 3);
        assert_eq!(out.matches("<rect class=\"bar finished\"").count(), 3);
        assert!(out.contains(
            "aria-label=\"Started vs finished: 5 started, 7 finished in 3 weeks; 2 more finished than started\""
        ));
        assert!(out.contains("<title>Week of 2026-01-12: 2 started, 4 finished</title>"), "{out}");
        assert!(svg(&[]).into_string().contains(">Nothing started or finished in this window</text>"));
    }
}
