//! A key result's history as a small line chart: each measured value on its day, between the
//! baseline and the target (drawn as lines), the latest value labelled. The page shows the
//! same values as a table beside it, for readers who do not see the chart.

use leadup_core::date;
use leadup_core::strategy::{KeyResult, Measurement};
use maud::{Markup, html};

use super::{DateScale, Linear, px, short_date};

const WIDTH: f64 = 360.0;
const HEIGHT: f64 = 120.0;
const LEFT: f64 = 8.0;
const RIGHT: f64 = WIDTH - 96.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = HEIGHT - 24.0;

/// A measured value without trailing zeros: 12, 12.5, 0.25.
pub(crate) fn number(value: f64) -> String {
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// What the chart says in words: how many values, over which days, the latest against the target.
pub(crate) fn summary(kr: &KeyResult, values: &[Measurement]) -> String {
    let unit = if kr.unit.is_empty() { String::new() } else { format!(" {}", kr.unit) };
    match (values.first(), values.last()) {
        (Some(first), Some(last)) if values.len() > 1 => format!(
            "{}: {} values from {} to {}, from {}{unit} to {}{unit}; baseline {}{unit}, target {}{unit}",
            kr.metric,
            values.len(),
            date::format(first.on),
            date::format(last.on),
            number(first.value),
            number(last.value),
            number(kr.baseline),
            number(kr.target),
        ),
        (Some(only), _) => format!(
            "{}: one value, {}{unit} on {}; baseline {}{unit}, target {}{unit}",
            kr.metric,
            number(only.value),
            date::format(only.on),
            number(kr.baseline),
            number(kr.target),
        ),
        _ => format!("{}: no values recorded yet", kr.metric),
    }
}

/// The chart of `values` (in date order) of key result `kr`; `None` without values.
pub(crate) fn svg(kr: &KeyResult, values: &[Measurement]) -> Option<Markup> {
    let (first, last) = (values.first()?, values.last()?);
    let low = values.iter().map(|v| v.value).fold(kr.baseline.min(kr.target), f64::min);
    let high = values.iter().map(|v| v.value).fold(kr.baseline.max(kr.target), f64::max);
    let pad = ((high - low) * 0.08).max(f64::EPSILON);
    let ys = Linear::new(low - pad, high + pad, BOTTOM, TOP);
    // One value is drawn in the middle of a week around its day.
    let (from, to) = if first.on == last.on {
        (first.on - time::Duration::days(3), last.on + time::Duration::days(3))
    } else {
        (first.on, last.on)
    };
    let xs = DateScale::new(from, to, LEFT + 6.0, RIGHT - 6.0);
    let points: Vec<String> = values.iter().map(|v| format!("{},{}", px(xs.x(v.on)), px(ys.at(v.value)))).collect();
    let (target_y, baseline_y) = (ys.at(kr.target), ys.at(kr.baseline));
    // The two line labels move apart when the lines are close.
    let (target_label, baseline_label) = if (target_y - baseline_y).abs() < 12.0 {
        let shift = if target_y < baseline_y { -6.0 } else { 6.0 };
        (target_y + shift, baseline_y - shift)
    } else {
        (target_y, baseline_y)
    };
    Some(html! {
        svg.key-result-chart xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (WIDTH) " " (HEIGHT) }
            role="img" aria-label=(summary(kr, values)) {
            line.kr-target x1=(px(LEFT)) y1=(px(target_y)) x2=(px(RIGHT)) y2=(px(target_y)) {}
            text.kr-label x=(px(RIGHT + 6.0)) y=(px(target_label + 4.0)) { "target " (number(kr.target)) }
            line.kr-baseline x1=(px(LEFT)) y1=(px(baseline_y)) x2=(px(RIGHT)) y2=(px(baseline_y)) {}
            text.kr-label x=(px(RIGHT + 6.0)) y=(px(baseline_label + 4.0)) { "baseline " (number(kr.baseline)) }
            @if values.len() > 1 {
                polyline.kr-line points=(points.join(" ")) {}
            }
            @for v in values {
                circle.kr-point cx=(px(xs.x(v.on))) cy=(px(ys.at(v.value))) r="3.5" {
                    title { (date::format(v.on)) ": " (number(v.value)) " " (kr.unit) }
                }
            }
            text.kr-axis x=(px(LEFT)) y=(px(HEIGHT - 6.0)) { (short_date(first.on)) }
            @if first.on != last.on {
                text.kr-axis x=(px(RIGHT)) y=(px(HEIGHT - 6.0)) text-anchor="end" { (short_date(last.on)) " " (last.on.year()) }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use leadup_core::strategy::{KeyResult, Measurement};
    use time::macros::date;

    fn kr() -> KeyResult {
        KeyResult {
            metric: "NPS".into(),
            unit: "pts".into(),
            baseline: 20.0,
            target: 40.0,
            current: 31.5,
            due: date!(2027 - 06 - 30),
        }
    }

    #[test]
    fn draws_each_value_between_baseline_and_target_and_says_it_in_words() {
        let values = [
            Measurement { on: date!(2026 - 10 - 01), value: 21.0 },
            Measurement { on: date!(2026 - 12 - 01), value: 31.5 },
        ];
        let out = super::svg(&kr(), &values).unwrap().into_string();
        assert!(
            out.contains(r#"aria-label="NPS: 2 values from 2026-10-01 to 2026-12-01, from 21 pts to 31.5 pts; baseline 20 pts, target 40 pts""#),
            "{out}"
        );
        assert_eq!(out.matches("<circle").count(), 2);
        assert!(out.contains("<polyline") && out.contains(">target 40</text>") && out.contains(">baseline 20</text>"));
        // The first point at the left edge of the plot, the last at the right.
        assert!(out.contains(r#"cx="14.0""#) && out.contains(r#"cx="258.0""#), "{out}");
    }

    #[test]
    fn one_value_is_a_point_and_none_is_no_chart() {
        let one = [Measurement { on: date!(2026 - 12 - 01), value: 25.0 }];
        let out = super::svg(&kr(), &one).unwrap().into_string();
        assert!(out.contains("one value, 25 pts on 2026-12-01") && !out.contains("<polyline"), "{out}");
        assert!(super::svg(&kr(), &[]).is_none());
        assert_eq!(super::summary(&kr(), &[]), "NPS: no values recorded yet");
    }

    #[test]
    fn numbers_drop_trailing_zeros() {
        assert_eq!(super::number(12.0), "12");
        assert_eq!(super::number(12.5), "12.5");
        assert_eq!(super::number(0.25), "0.25");
        assert_eq!(super::number(-3.10), "-3.1");
    }
}
