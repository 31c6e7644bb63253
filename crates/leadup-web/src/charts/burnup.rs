//! The burn-up: items in scope and items done over time, and the forecast fan from today's
//! done count to the dates by which the remaining items are done with 50%, 85% and 95%
//! likelihood. The part of the fan after the target date is drawn as late.

use leadup_core::date;
use maud::{Markup, html};
use time::{Date, Duration};

use super::{DateScale, Linear, beside, date_axis, empty, gridlines, px, short_date, text_width, value_ticks};

/// What the burn-up shows, independent of where the numbers come from.
pub(crate) struct BurnUp {
    /// The first day on the x axis.
    pub start: Date,
    /// Today: where history ends and the forecast starts.
    pub today: Date,
    /// The date the work should be done by, if there is one.
    pub target: Option<Date>,
    /// Items in scope over time, as steps: each count holds from its date to the next.
    pub total: Vec<(Date, u32)>,
    /// Items done over time (cumulative), as steps like `total`.
    pub done: Vec<(Date, u32)>,
    /// The forecast, when one was possible.
    pub fan: Option<Fan>,
}

/// The forecast for the remaining items: the dates by which they are done with 50%, 85% and
/// 95% likelihood.
pub(crate) struct Fan {
    /// Items still to do.
    pub remaining: u32,
    /// Done by this date in half of the simulated futures.
    pub p50: Date,
    /// Done by this date in 85% of them.
    pub p85: Date,
    /// Done by this date in 95% of them.
    pub p95: Date,
}

/// A position in the drawing: x, y.
type Point = (f64, f64);

const WIDTH: f64 = 1080.0;
const HEIGHT: f64 = 400.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = WIDTH - 64.0;
const TOP: f64 = 80.0;
const BOTTOM: f64 = 330.0;
/// How far before or after today the x axis reaches at most (25 years).
const REACH: Duration = Duration::days(25 * 366);
/// Baselines of the fan's date labels above the scope line, lowest first.
const LEVELS: [f64; 3] = [10.0, 24.0, 38.0];

/// Draws the burn-up.
pub(crate) fn svg(input: &BurnUp) -> Markup {
    let total = history(&input.total, input.today);
    let done = history(&input.done, input.today);
    if total.is_empty() && done.is_empty() {
        return empty("burnup", "Burn-up", "No items in scope yet");
    }
    let total_now = total.last().map_or(0, |p| p.1);
    let done_now = done.last().map_or(0, |p| p.1);
    let fan = input.fan.as_ref();

    // The axis reaches at most `REACH` either side of today: a target or a forecast further
    // off is drawn at the edge (its label still gives the date).
    let from = input.start.max(input.today.saturating_sub(REACH));
    let mut last = input.today.max(from.saturating_add(Duration::days(14)));
    last = last.max(input.target.unwrap_or(last)).max(fan.map_or(last, |f| f.p95));
    last = last.min(input.today.saturating_add(REACH));
    last = last.saturating_add(Duration::days(((last - from).whole_days() / 40).max(1)));
    let xs = DateScale::new(from, last, LEFT, RIGHT);
    let highest = total.iter().chain(&done).map(|p| p.1).max().unwrap_or(0);
    let ticks = value_ticks(highest, 5);
    let ys = Linear::new(0.0, f64::from(*ticks.last().unwrap_or(&1)), BOTTOM, TOP);
    let y = |count: u32| ys.at(f64::from(count));
    let today_x = xs.x(input.today);
    let target_x = input.target.map(|t| xs.x(t));
    let late = |when: Date| input.target.is_some_and(|t| when > t);

    let scope_path = step_path(&total, input.today, &xs, &ys);
    let done_path = step_path(&done, input.today, &xs, &ys);
    let done_area = done.first().map(|first| format!("{} V {} H {} Z", done_path, px(BOTTOM), px(xs.x(first.0))));

    html! {
        svg.burnup xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (WIDTH) " " (HEIGHT) }
            role="img" aria-label={ "Burn-up: " (done_now) " of " (total_now) " items done" (forecast_text(input)) } {
            (gridlines(&ticks, &ys, LEFT, RIGHT))
            text.tick-label x=(px(LEFT - 8.0)) y=(px(TOP - 14.0)) text-anchor="end" { "items" }
            (date_axis(&xs, BOTTOM))
            @if let Some(area) = &done_area {
                path.done-area d=(area) {}
            }
            @if let Some(fan) = fan {
                (fan_marks(fan, (today_x, y(done_now)), y(total_now), &xs, target_x, input.target))
            }
            @if !total.is_empty() {
                path.scope-line d=(scope_path) { title { "Scope: " (counts(&total)) } }
                @if let Some(fan) = fan {
                    line.scope-ahead x1=(px(today_x)) y1=(px(y(total_now))) x2=(px(xs.x(fan.p95))) y2=(px(y(total_now))) {}
                }
            }
            @if !done.is_empty() {
                path.done-line d=(done_path) { title { "Done: " (counts(&done)) } }
            }
            @if let (Some(target), Some(x)) = (input.target, target_x) {
                line.target-line x1=(px(x)) y1="22" x2=(px(x)) y2=(px(BOTTOM)) {
                    title { "Target " (date::format(target)) }
                }
            }
            line.today x1=(px(today_x)) y1="22" x2=(px(today_x)) y2=(px(BOTTOM)) {
                title { "Today " (date::format(input.today)) }
            }
            (top_labels(input.today, input.target, &xs))
            circle.scope-dot cx=(px(today_x)) cy=(px(y(total_now))) r="4" {
                title { "In scope today: " (total_now) " items" }
            }
            circle.done-dot cx=(px(today_x)) cy=(px(y(done_now))) r="4.5" {
                title { "Done today: " (done_now) " of " (total_now) " items" }
            }
            @if let Some(fan) = fan {
                (fan_labels(fan, y(total_now), &xs, &late))
            }
            (legend(
                fan.is_some() && input.target.is_none_or(|t| t > input.today),
                fan.is_some_and(|f| late(f.p95)),
                input.target.is_some()
            ))
        }
    }
}

/// The points up to `today`, in date order.
fn history(points: &[(Date, u32)], today: Date) -> Vec<(Date, u32)> {
    let mut kept: Vec<(Date, u32)> = points.iter().copied().filter(|p| p.0 <= today).collect();
    kept.sort_by_key(|p| p.0);
    kept
}

/// A step line through `points`, held level to `until`.
fn step_path(points: &[(Date, u32)], until: Date, xs: &DateScale, ys: &Linear) -> String {
    let Some(last) = points.last() else { return String::new() };
    let mut steps: Vec<String> = points
        .iter()
        .enumerate()
        .map(|(k, (when, count))| {
            let (x, y) = (px(xs.x(*when)), px(ys.at(f64::from(*count))));
            if k == 0 { format!("M {x} {y}") } else { format!("H {x} V {y}") }
        })
        .collect();
    steps.push(format!("H {}", px(xs.x(until.max(last.0)))));
    steps.join(" ")
}

/// A series' tooltip: where it is now and where it started.
fn counts(points: &[(Date, u32)]) -> String {
    match (points.first(), points.last()) {
        (Some(first), Some(last)) if points.len() > 1 => {
            format!("{} items on {} ({} on {})", last.1, date::format(last.0), first.1, date::format(first.0))
        }
        (_, Some(last)) => format!("{} items on {}", last.1, date::format(last.0)),
        _ => String::new(),
    }
}

/// The forecast in words, for the chart's accessible name.
fn forecast_text(input: &BurnUp) -> String {
    let Some(fan) = &input.fan else { return "; no forecast".to_owned() };
    format!(
        "; forecast for {} remaining items: 50% by {}, 85% by {}, 95% by {}{}",
        fan.remaining,
        date::format(fan.p50),
        date::format(fan.p85),
        date::format(fan.p95),
        input.target.map_or_else(String::new, |t| format!("; target {}", date::format(t)))
    )
}

/// The fan's wedge and its three edges, split at the target into on-time and late parts.
fn fan_marks(
    fan: &Fan,
    origin: Point,
    top: f64,
    xs: &DateScale,
    target_x: Option<f64>,
    target: Option<Date>,
) -> Markup {
    let ends = [(xs.x(fan.p50), top), (xs.x(fan.p85), top), (xs.x(fan.p95), top)];
    let wedge = [origin, ends[0], ends[1], ends[2]];
    let (on_time, late) = match target_x {
        Some(at) => (clip(&wedge, at, true), clip(&wedge, at, false)),
        None => (wedge.to_vec(), Vec::new()),
    };
    let tooltip = format!(
        "Forecast for the {} remaining items: 50% likely done by {}, 85% by {}, 95% by {}{}",
        fan.remaining,
        date::format(fan.p50),
        date::format(fan.p85),
        date::format(fan.p95),
        target.map_or_else(String::new, |t| format!(" (target {})", date::format(t)))
    );
    html! {
        g.forecast {
            title { (tooltip) }
            @if on_time.len() >= 3 {
                polygon.fan points=(points(&on_time)) {}
            }
            @if late.len() >= 3 {
                polygon.fan.late points=(points(&late)) {}
            }
            @for end in ends {
                @for (from, to, is_late) in split(origin, end, target_x) {
                    line.fan-line.late[is_late] x1=(px(from.0)) y1=(px(from.1)) x2=(px(to.0)) y2=(px(to.1)) {}
                }
            }
        }
    }
}

/// The dots at the fan's three dates, and their labels stacked above the scope line where
/// they would otherwise overlap.
fn fan_labels(fan: &Fan, top: f64, xs: &DateScale, late: &dyn Fn(Date) -> bool) -> Markup {
    let mut placed: Vec<(usize, f64, f64)> = Vec::new();
    let mut marks = Vec::new();
    for (name, share, when) in [("P50", 50, fan.p50), ("P85", 85, fan.p85), ("P95", 95, fan.p95)] {
        let label = format!("{name} {}", short_date(when));
        // Bold labels run wider than the estimate for regular text.
        let half = text_width(&label, 13.0) / 2.0 + 5.0;
        let x = xs.x(when).clamp(half, WIDTH - half);
        let level = (0..LEVELS.len())
            .find(|&level| placed.iter().all(|&(l, a, b)| l != level || x + half < a || x - half > b))
            .unwrap_or(LEVELS.len() - 1);
        placed.push((level, x - half, x + half));
        marks.push((label, share, when, x, level));
    }
    html! {
        @for (label, share, when, x, level) in marks {
            g.fan-point.late[late(when)] {
                title {
                    "P" (share) ": " (share) "% likely done by " (date::format(when))
                    @if late(when) { ", after the target" }
                }
                circle.fan-dot.late[late(when)] cx=(px(xs.x(when))) cy=(px(top)) r="4" {}
                text.fan-label.halo.late[late(when)] x=(px(x)) y=(px(top - LEVELS[level])) text-anchor="middle" { (label) }
            }
        }
    }
}

/// "Today" and "Target" above their lines, each on the side that keeps them apart.
fn top_labels(today: Date, target: Option<Date>, xs: &DateScale) -> Markup {
    let today_label = format!("Today {}", short_date(today));
    let today_x = xs.x(today);
    let today_at = beside(today_x, text_width(&today_label, 11.0), WIDTH, target.is_none_or(|t| t < today));
    html! {
        text.today-label.halo x=(px(today_at.0)) y="16" text-anchor=(today_at.1) { (today_label) }
        @if let Some(target) = target {
            @let label = format!("Target {}", short_date(target));
            @let at = beside(xs.x(target), text_width(&label, 11.0), WIDTH, target >= today);
            @let row = if overlap(today_at, text_width(&today_label, 11.0), at, text_width(&label, 11.0)) { "30" } else { "16" };
            text.target-label.halo x=(px(at.0)) y=(row) text-anchor=(at.1) { (label) }
        }
    }
}

/// Whether two labels on one row, each placed by [`beside`] and `width` wide, would touch.
fn overlap(a: (f64, &str), a_width: f64, b: (f64, &str), b_width: f64) -> bool {
    let extent = |(x, anchor): (f64, &str), width: f64| if anchor == "end" { (x - width, x) } else { (x, x + width) };
    let (a, b) = (extent(a, a_width), extent(b, b_width));
    a.0 < b.1 + 8.0 && b.0 < a.1 + 8.0
}

/// The key below the axis: `on_time` and `late` tell which parts of the fan are drawn.
fn legend(on_time: bool, late: bool, target: bool) -> Markup {
    let mut entries: Vec<(&str, &str)> = vec![("scope-line", "Scope"), ("done-line", "Done")];
    if on_time {
        entries.push(("fan", "Forecast P50–P95"));
    }
    if late {
        entries.push(("fan late", "Forecast after target"));
    }
    if target {
        entries.push(("target-line", "Target"));
    }
    entries.push(("today", "Today"));
    let mut x = LEFT;
    let mut placed = Vec::new();
    for (class, label) in entries {
        placed.push((class, label, x));
        x += 30.0 + text_width(label, 12.0) + 18.0;
    }
    html! {
        g.chart-legend {
            @for (class, label, x) in placed {
                @if class.starts_with("fan") {
                    rect class=(class) x=(px(x)) y=(HEIGHT - 24.0) width="22" height="12" rx="2" {}
                } @else {
                    line class=(class) x1=(px(x)) y1=(HEIGHT - 18.0) x2=(px(x + 22.0)) y2=(HEIGHT - 18.0) {}
                }
                text x=(px(x + 28.0)) y=(HEIGHT - 14.0) { (label) }
            }
        }
    }
}

/// An SVG `points` list.
fn points(corners: &[Point]) -> String {
    corners.iter().map(|(x, y)| format!("{},{}", px(*x), px(*y))).collect::<Vec<_>>().join(" ")
}

/// The part of the polygon `corners` on one side of the vertical line at `at` (the left side
/// when `left`), by Sutherland–Hodgman clipping.
fn clip(corners: &[Point], at: f64, left: bool) -> Vec<Point> {
    let inside = |p: Point| if left { p.0 <= at } else { p.0 >= at };
    let mut kept = Vec::new();
    for (k, &current) in corners.iter().enumerate() {
        let previous = corners[(k + corners.len() - 1) % corners.len()];
        match (inside(previous), inside(current)) {
            (true, true) => kept.push(current),
            (true, false) => kept.push(crossing(previous, current, at)),
            (false, true) => {
                kept.push(crossing(previous, current, at));
                kept.push(current);
            }
            (false, false) => {}
        }
    }
    kept
}

/// Where the segment from `a` to `b` crosses the vertical line at `at`.
fn crossing(a: Point, b: Point, at: f64) -> Point {
    let share = (at - a.0) / (b.0 - a.0);
    (at, a.1 + share * (b.1 - a.1))
}

/// The line from `from` to `to` in pieces on time and late (after the line at `target`).
fn split(from: Point, to: Point, target: Option<f64>) -> Vec<(Point, Point, bool)> {
    match target {
        Some(at) if at <= from.0 && to.0 > at => vec![(from, to, true)],
        Some(at) if at > from.0 && at < to.0 => {
            let middle = crossing(from, to, at);
            vec![(from, middle, false), (middle, to, true)]
        }
        _ => vec![(from, to, false)],
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::{BurnUp, Fan, svg};

    fn sample(target: Option<time::Date>, fan: Option<Fan>) -> BurnUp {
        BurnUp {
            start: date!(2026 - 01 - 05),
            today: date!(2026 - 03 - 02),
            target,
            total: vec![(date!(2026 - 01 - 05), 30), (date!(2026 - 02 - 02), 36), (date!(2026 - 02 - 20), 40)],
            done: vec![(date!(2026 - 01 - 12), 2), (date!(2026 - 02 - 02), 9), (date!(2026 - 02 - 27), 16)],
            fan,
        }
    }

    fn fan() -> Fan {
        Fan { remaining: 24, p50: date!(2026 - 04 - 20), p85: date!(2026 - 05 - 11), p95: date!(2026 - 05 - 25) }
    }

    #[test]
    fn labels_the_fan_dates_and_the_target() {
        let out = svg(&sample(Some(date!(2026 - 06 - 30)), Some(fan()))).into_string();
        assert!(out.contains(">P50 20 Apr</text>"), "{out}");
        assert!(out.contains(">P85 11 May</text>"));
        assert!(out.contains(">P95 25 May</text>"));
        assert!(out.contains(">Target 30 Jun</text>"));
        assert!(out.contains(">Today 2 Mar</text>"));
        assert!(out.contains(r#"role="img""#) && out.contains("aria-label=\"Burn-up: 16 of 40 items done"));
        assert!(!out.contains("late"), "everything is before the target");
        assert_eq!(out.matches("<polygon class=\"fan\"").count(), 1);
    }

    #[test]
    fn marks_the_fan_after_the_target_as_late() {
        let out = svg(&sample(Some(date!(2026 - 05 - 01)), Some(fan()))).into_string();
        assert_eq!(out.matches("<polygon class=\"fan\"").count(), 1);
        assert_eq!(out.matches("<polygon class=\"fan late\"").count(), 1);
        assert!(out.contains(r#"<text class="fan-label halo late""#));
        assert_eq!(out.matches("fan-point late").count(), 2, "P85 and P95 are after 1 May, P50 is not");
        assert!(out.contains(">Forecast after target</text>"));
    }

    #[test]
    fn a_target_in_the_past_makes_the_whole_fan_late() {
        let out = svg(&sample(Some(date!(2026 - 02 - 15)), Some(fan()))).into_string();
        assert!(!out.contains("<polygon class=\"fan\""));
        assert_eq!(out.matches("<polygon class=\"fan late\"").count(), 1);
        assert_eq!(out.matches("fan-point late").count(), 3);
        assert!(out.contains(">Target 15 Feb</text>"));
        assert!(out.contains(">Forecast after target</text>") && !out.contains(">Forecast P50–P95</text>"));
    }

    #[test]
    fn draws_without_a_forecast_or_anything_done() {
        let mut input = sample(None, None);
        input.done.clear();
        let out = svg(&input).into_string();
        assert!(out.contains("aria-label=\"Burn-up: 0 of 40 items done; no forecast\""));
        assert!(!out.contains("polygon") && !out.contains("<path class=\"done-line\"") && !out.contains("Target"));
        assert!(out.contains("scope-line") && out.contains("done-dot"));
    }

    #[test]
    fn steps_move_right_with_dates() {
        let out = svg(&sample(None, None)).into_string();
        let path = out.split("class=\"scope-line\" d=\"").nth(1).unwrap().split('"').next().unwrap();
        let xs: Vec<f64> =
            path.split(['M', 'H']).filter_map(|part| part.split_whitespace().next()?.parse().ok()).collect();
        assert_eq!(xs.len(), 4, "{path}");
        assert!(xs.windows(2).all(|w| w[0] < w[1]), "{xs:?}");
    }

    #[test]
    fn draws_a_single_point_and_an_empty_state() {
        let day = date!(2026 - 03 - 02);
        let one = BurnUp { start: day, today: day, target: None, total: vec![(day, 12)], done: vec![], fan: None };
        let out = svg(&one).into_string();
        assert!(out.contains("In scope today: 12 items"));
        assert!(!out.contains("NaN") && !out.contains("inf"));
        let none = BurnUp { total: vec![], ..one };
        assert!(svg(&none).into_string().contains(">No items in scope yet</text>"));
    }
}
