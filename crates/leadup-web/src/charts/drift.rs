//! Forecast drift: how an initiative's forecast moved over time. Each stored forecast is a
//! point at the day it was made (across) and the date it gave (up): the P85 and P50 dates as
//! lines, the target as a horizontal line, and the days the plan changed (a baseline approved,
//! a change request accepted, a re-plan) as marks, so a manager can show when and why a date
//! moved.

use leadup_core::date::format;
use maud::{Markup, html};
use time::Date;

use super::{DateScale, Linear, beside, date_axis, empty, px, short_date, text_width};

const WIDTH: f64 = 1080.0;
const HEIGHT: f64 = 300.0;
const LEFT: f64 = 86.0;
const RIGHT: f64 = WIDTH - 30.0;
const TOP: f64 = 30.0;
const BOTTOM: f64 = 250.0;

/// One stored forecast: the day it was made and its P50 and P85 dates.
pub(crate) struct Point {
    pub as_of: Date,
    pub p50: Date,
    pub p85: Date,
}

/// Draws `points` (oldest first), the `target` and the plan's `events` (day and what happened).
pub(crate) fn svg(points: &[Point], target: Option<Date>, events: &[(Date, String)]) -> Markup {
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return empty("drift", "Forecast drift", "No forecast has been stored yet");
    };
    // Across: the days forecasts were made (at least a week, so one point sits in the middle).
    let start = first.as_of.min(last.as_of - time::Duration::days(7));
    let xs = DateScale::new(start, last.as_of, LEFT + 10.0, RIGHT - 10.0);
    // Up: every date given, and the target, with a little room.
    let dates = points.iter().flat_map(|p| [p.p50, p.p85]).chain(target);
    let (low, high) = dates.fold((Date::MAX, Date::MIN), |(lo, hi), d| (lo.min(d), hi.max(d)));
    let span = (high - low).whole_days().max(14);
    let pad = span / 8 + 1;
    let y_low = low.saturating_sub(time::Duration::days(pad));
    let ys = Linear::new(0.0, (span + 2 * pad) as f64, BOTTOM, TOP);
    let y = |d: Date| ys.at((d - y_low).whole_days() as f64);
    let ticks: Vec<Date> =
        (0..=4).map(|k| y_low.saturating_add(time::Duration::days((span + 2 * pad) * k / 4))).collect();
    let line = |pick: fn(&Point) -> Date| {
        points
            .iter()
            .enumerate()
            .map(|(k, p)| format!("{}{} {}", if k == 0 { "M" } else { "L" }, px(xs.x(p.as_of)), px(y(pick(p)))))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let moved = (last.p85 - first.p85).whole_days();
    let summary = match moved {
        0 => format!("the 85% date stayed at {}", format(last.p85)),
        m if m > 0 => format!("the 85% date moved {m} days later, to {}", format(last.p85)),
        m => format!("the 85% date moved {} days earlier, to {}", -m, format(last.p85)),
    };
    let events: Vec<&(Date, String)> = events.iter().filter(|(d, _)| *d >= start && *d <= last.as_of).collect();
    html! {
        svg.drift xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (WIDTH) " " (HEIGHT) }
            role="img" aria-label={ "Forecast drift: " (points.len()) " forecasts from " (format(first.as_of)) " to " (format(last.as_of)) "; " (summary) } {
            @for tick in &ticks {
                line.grid x1=(px(LEFT)) y1=(px(y(*tick))) x2=(px(RIGHT)) y2=(px(y(*tick))) {}
                text.tick-label x=(px(LEFT - 8.0)) y=(px(y(*tick) + 4.0)) text-anchor="end" { (short_date(*tick)) " " (tick.year() % 100) }
            }
            line.axis x1=(px(LEFT)) y1=(px(BOTTOM)) x2=(px(RIGHT)) y2=(px(BOTTOM)) {}
            (date_axis(&xs, BOTTOM))
            text.tick-label x=(px(LEFT - 8.0)) y=(px(TOP - 14.0)) text-anchor="end" { "done by" }
            text.tick-label x=(px(RIGHT)) y=(px(BOTTOM + 36.0)) text-anchor="end" { "the day each forecast was made" }
            @if let Some(target) = target {
                @let at = y(target);
                line.target-line x1=(px(LEFT)) y1=(px(at)) x2=(px(RIGHT)) y2=(px(at)) {}
                text.target-label.halo x=(px(LEFT + 6.0)) y=(px(at - 6.0)) { "Target " (format(target)) }
            }
            @for (day, what) in &events {
                @let at = xs.x(*day);
                @let (label_x, anchor) = beside(at, text_width(what, 11.0), RIGHT, true);
                line.event x1=(px(at)) y1=(px(TOP)) x2=(px(at)) y2=(px(BOTTOM)) { title { (format(*day)) ": " (what) } }
                text.event-label.halo x=(px(label_x)) y=(px(TOP + 10.0)) text-anchor=(anchor) { (what) }
            }
            path.drift-p85 d=(line(|p| p.p85)) {}
            path.drift-p50 d=(line(|p| p.p50)) {}
            @for point in points {
                circle.drift-dot.p85 cx=(px(xs.x(point.as_of))) cy=(px(y(point.p85))) r="4" {
                    title { "Forecast of " (format(point.as_of)) ": 85% likely by " (format(point.p85)) ", 50% by " (format(point.p50)) }
                }
                circle.drift-dot.p50 cx=(px(xs.x(point.as_of))) cy=(px(y(point.p50))) r="3" {}
            }
            g.chart-legend {
                line.drift-p85 x1=(px(LEFT)) y1=(px(HEIGHT - 10.0)) x2=(px(LEFT + 18.0)) y2=(px(HEIGHT - 10.0)) {}
                text x=(px(LEFT + 24.0)) y=(px(HEIGHT - 6.0)) { "85% likely done by" }
                line.drift-p50 x1=(px(LEFT + 170.0)) y1=(px(HEIGHT - 10.0)) x2=(px(LEFT + 188.0)) y2=(px(HEIGHT - 10.0)) {}
                text x=(px(LEFT + 194.0)) y=(px(HEIGHT - 6.0)) { "50% likely done by" }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use time::Duration;
    use time::macros::date;

    use super::{Point, svg};

    #[test]
    fn draws_each_forecast_the_target_and_the_plan_changes() {
        let first = date!(2026 - 11 - 06);
        let points: Vec<Point> = (0..4_i64)
            .map(|k| Point {
                as_of: first + Duration::weeks(k),
                p50: date!(2027 - 01 - 10) + Duration::days(3 * k),
                p85: date!(2027 - 01 - 20) + Duration::days(4 * k),
            })
            .collect();
        let events = [(date!(2026 - 11 - 20), "Change request accepted".to_owned())];
        let out = svg(&points, Some(date!(2027 - 01 - 31)), &events).into_string();
        assert!(out.contains(
            "aria-label=\"Forecast drift: 4 forecasts from 2026-11-06 to 2026-11-27; the 85% date moved 12 days later, to 2027-02-01\""
        ));
        assert_eq!(out.matches("<circle class=\"drift-dot p85\"").count(), 4);
        assert!(out.contains(">Target 2027-01-31</text>"));
        assert!(out.contains("<title>2026-11-20: Change request accepted</title>"), "{out}");
        assert!(!out.contains("NaN"));
        let one = svg(&points[..1], None, &[]).into_string();
        assert!(one.contains("the 85% date stayed at 2027-01-20"));
        assert!(svg(&[], None, &[]).into_string().contains("No forecast has been stored yet"));
    }
}
