//! The cycle-time scatter: one dot per finished item at its done date and the days it took,
//! with dashed lines at the 50th, 85th and 95th percentiles.

use leadup_core::date;
use maud::{Markup, html};
use time::Date;

use super::{DateScale, Linear, date_axis, empty, gridlines, px, spread, value_ticks};

const WIDTH: f64 = 1080.0;
const HEIGHT: f64 = 320.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = WIDTH - 84.0;
const TOP: f64 = 34.0;
const BOTTOM: f64 = 280.0;

/// Draws `points` (done date, cycle time in days, tooltip such as the item's key) over
/// `window` (first and last day), with lines at `percentiles` (P50, P85, P95 in days) when
/// there are enough items for them.
pub(crate) fn svg(
    points: &[(Date, u32, String)],
    percentiles: Option<(u32, u32, u32)>,
    window: (Date, Date),
) -> Markup {
    if points.is_empty() {
        return empty("cycle-time", "Cycle time", "No items finished in this window");
    }
    let first = points.iter().map(|p| p.0).fold(window.0, Date::min);
    let last = points.iter().map(|p| p.0).fold(window.1, Date::max);
    let xs = DateScale::new(first, last, LEFT + 8.0, RIGHT - 8.0);
    let lines: Vec<(&str, u32)> =
        percentiles.map(|(p50, p85, p95)| vec![("P50", p50), ("P85", p85), ("P95", p95)]).unwrap_or_default();
    let highest = points.iter().map(|p| p.1).chain(lines.iter().map(|l| l.1)).max().unwrap_or(0);
    let ticks = value_ticks(highest, 5);
    let ys = Linear::new(0.0, f64::from(*ticks.last().unwrap_or(&1)), BOTTOM, TOP);
    let mut label_ys: Vec<f64> = lines.iter().rev().map(|l| ys.at(f64::from(l.1)) + 4.0).collect();
    spread(&mut label_ys, 15.0, TOP, BOTTOM + 4.0);
    label_ys.reverse();
    let summary = percentiles
        .map_or_else(String::new, |(p50, p85, p95)| format!("; 50% took {p50} days or less, 85% {p85}, 95% {p95}"));
    html! {
        svg.cycle-time xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (WIDTH) " " (HEIGHT) }
            role="img" aria-label={ "Cycle time of " (points.len()) " finished items" (summary) } {
            (gridlines(&ticks, &ys, LEFT, RIGHT))
            text.tick-label x=(px(LEFT - 8.0)) y=(px(TOP - 16.0)) text-anchor="end" { "days" }
            (date_axis(&xs, BOTTOM))
            @for ((name, days), label_y) in lines.iter().zip(&label_ys) {
                @let y = ys.at(f64::from(*days));
                g.percentile {
                    title { (name) ": " (name.trim_start_matches('P')) "% of the items took " (days) " days or less" }
                    line.pct-line x1=(px(LEFT)) y1=(px(y)) x2=(px(RIGHT)) y2=(px(y)) {}
                    text.pct-label x=(px(RIGHT + 8.0)) y=(px(*label_y)) { (name) " " (days) "d" }
                }
            }
            @for (done, days, tooltip) in points {
                circle.dot cx=(px(xs.x(*done))) cy=(px(ys.at(f64::from(*days)))) r="5" {
                    title { (tooltip) ": " (days) (if *days == 1 { " day" } else { " days" }) ", done " (date::format(*done)) }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;
    use time::{Date, Duration};

    use super::svg;

    fn points() -> Vec<(Date, u32, String)> {
        let first = date!(2026 - 01 - 01);
        [(3, 2), (10, 5), (17, 1), (30, 12), (44, 4), (60, 21), (71, 7)]
            .iter()
            .map(|&(day, days)| (first + Duration::days(day), days, format!("PAY-{day}")))
            .collect()
    }

    fn attribute(tag: &str, name: &str) -> f64 {
        tag.split(&format!(" {name}=\"")).nth(1).unwrap().split('"').next().unwrap().parse().unwrap()
    }

    #[test]
    fn draws_a_dot_per_item_and_labelled_percentile_lines() {
        let out = svg(&points(), Some((4, 11, 20)), (date!(2026 - 01 - 01), date!(2026 - 03 - 31))).into_string();
        assert_eq!(out.matches("<circle class=\"dot\"").count(), 7);
        assert!(out.contains(">P50 4d</text>") && out.contains(">P85 11d</text>") && out.contains(">P95 20d</text>"));
        assert_eq!(out.matches("<line class=\"pct-line\"").count(), 3);
        assert!(out.contains("<title>PAY-30: 12 days, done 2026-01-31</title>"), "{out}");
        assert!(out.contains("<title>PAY-17: 1 day, done 2026-01-18</title>"));
        let dots: Vec<&str> = out.split("<circle class=\"dot\"").skip(1).collect();
        let xs: Vec<f64> = dots.iter().map(|d| attribute(d, "cx")).collect();
        assert!(xs.windows(2).all(|w| w[0] < w[1]), "{xs:?}");
        let (two_days, twelve_days) = (attribute(dots[0], "cy"), attribute(dots[3], "cy"));
        assert!(twelve_days < two_days, "longer cycle times are higher up");
    }

    #[test]
    fn keeps_close_percentile_labels_apart() {
        let out = svg(&points(), Some((4, 5, 5)), (date!(2026 - 01 - 01), date!(2026 - 03 - 31))).into_string();
        let ys: Vec<f64> =
            out.split("<text class=\"pct-label\"").skip(1).map(|t| super::tests::attribute(t, "y")).collect();
        assert_eq!(ys.len(), 3);
        assert!(ys.windows(2).all(|w| w[0] - w[1] >= 14.9), "{ys:?}");
    }

    #[test]
    fn draws_without_percentiles_and_says_so_when_empty() {
        let out = svg(&points()[..2], None, (date!(2026 - 01 - 01), date!(2026 - 01 - 31))).into_string();
        assert_eq!(out.matches("<circle class=\"dot\"").count(), 2);
        assert!(!out.contains("pct-line"));
        let out = svg(&[], Some((4, 11, 20)), (date!(2026 - 01 - 01), date!(2026 - 03 - 31))).into_string();
        assert!(out.contains(">No items finished in this window</text>"));
    }
}
