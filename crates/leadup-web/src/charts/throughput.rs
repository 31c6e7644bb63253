//! The throughput run chart: items finished per day or per week, one bar per period, with
//! the mean as a dashed line.

use leadup_core::date;
use maud::{Markup, html};
use time::Date;

use super::{Linear, empty, gridlines, px, short_date, text_width, value_ticks};

const WIDTH: f64 = 1080.0;
const HEIGHT: f64 = 280.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = WIDTH - 132.0;
const TOP: f64 = 34.0;
const BOTTOM: f64 = 244.0;
/// The widest a bar gets, so that a few periods do not make slabs.
const MAX_BAR: f64 = 44.0;

/// Draws one bar per period in `bars` (each period's first day and its count, in date
/// order); `unit` names the period: `"day"` or `"week"`.
pub(crate) fn svg(bars: &[(Date, u32)], unit: &str) -> Markup {
    let sum: u32 = bars.iter().map(|b| b.1).sum();
    if sum == 0 {
        return empty("throughput", "Throughput", "No items finished in this window");
    }
    let mean = f64::from(sum) / bars.len() as f64;
    let highest = bars.iter().map(|b| b.1).max().unwrap_or(0);
    let ticks = value_ticks(highest, 5);
    let ys = Linear::new(0.0, f64::from(*ticks.last().unwrap_or(&1)), BOTTOM, TOP);
    let band = (RIGHT - LEFT) / bars.len() as f64;
    let width = (band * 0.72).min(MAX_BAR);
    let every = (((text_width("28 Sep", 11.0) + 16.0) / band).ceil() as usize).max(1);
    let mean_y = ys.at(mean);
    let mean_label = format!("mean {mean:.1}/{unit}");
    html! {
        svg.throughput xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (WIDTH) " " (HEIGHT) }
            role="img" aria-label={ "Throughput: " (sum) " items finished in " (bars.len()) " " (unit) "s, " (mean_label) } {
            (gridlines(&ticks, &ys, LEFT, RIGHT))
            text.tick-label x=(px(LEFT - 8.0)) y=(px(TOP - 16.0)) text-anchor="end" { "items" }
            @if unit == "week" {
                text.tick-label x=(px(RIGHT)) y=(px(TOP - 16.0)) text-anchor="end" { "Weeks are labelled with their first day" }
            }
            @for (k, (first, count)) in bars.iter().enumerate() {
                @let center = LEFT + band * (k as f64 + 0.5);
                @let top = ys.at(f64::from(*count)).min(BOTTOM - 2.0);
                rect.bar.zero[*count == 0] x=(px(center - width / 2.0)) y=(px(top)) width=(px(width))
                    height=(px(BOTTOM - top)) rx="2" {
                    title { (period(*first, unit)) ": " (count) " " (if *count == 1 { "item" } else { "items" }) " finished" }
                }
                @if k % every == 0 {
                    line.axis x1=(px(center)) y1=(px(BOTTOM)) x2=(px(center)) y2=(px(BOTTOM + 5.0)) {}
                    text.tick-label x=(px(center)) y=(px(BOTTOM + 18.0)) text-anchor="middle" { (short_date(*first)) }
                }
            }
            line.mean-line x1=(px(LEFT)) y1=(px(mean_y)) x2=(px(RIGHT)) y2=(px(mean_y)) {
                title { "Mean: " (format!("{mean:.2}")) " items per " (unit) }
            }
            text.mean-label.halo x=(px(RIGHT + 8.0)) y=(px(mean_y + 4.0)) { (mean_label) }
        }
    }
}

/// The period a bar stands for, in words.
fn period(first: Date, unit: &str) -> String {
    if unit == "day" { date::format(first) } else { format!("{} of {}", capitalised(unit), date::format(first)) }
}

/// `word` with its first letter in upper case.
fn capitalised(word: &str) -> String {
    let mut letters = word.chars();
    letters.next().map_or_else(String::new, |first| first.to_uppercase().chain(letters).collect())
}

#[cfg(test)]
mod tests {
    use time::macros::date;
    use time::{Date, Duration};

    use super::svg;

    fn weeks(counts: &[u32]) -> Vec<(Date, u32)> {
        let first = date!(2026 - 01 - 05);
        counts.iter().enumerate().map(|(k, &c)| (first + Duration::weeks(k as i64), c)).collect()
    }

    fn bar_xs(out: &str) -> Vec<f64> {
        out.split("<rect class=\"bar")
            .skip(1)
            .map(|rest| rest.split("x=\"").nth(1).unwrap().split('"').next().unwrap().parse().unwrap())
            .collect()
    }

    #[test]
    fn draws_one_bar_per_period_and_the_mean() {
        let out = svg(&weeks(&[2, 0, 3, 1, 4, 2]), "week").into_string();
        assert_eq!(out.matches("<rect class=\"bar").count(), 6);
        assert_eq!(out.matches("<rect class=\"bar zero\"").count(), 1);
        assert!(out.contains(">mean 2.0/week</text>"), "{out}");
        assert!(out.contains("<title>Week of 2026-01-19: 3 items finished</title>"));
        assert!(out.contains("<title>Week of 2026-01-26: 1 item finished</title>"));
        let xs = bar_xs(&out);
        assert!(xs.windows(2).all(|w| w[0] < w[1]), "{xs:?}");
    }

    #[test]
    fn thins_the_date_labels_of_many_days() {
        let first = date!(2026 - 01 - 01);
        let days: Vec<(Date, u32)> = (0..90).map(|k| (first + Duration::days(k), (k % 4) as u32)).collect();
        let out = svg(&days, "day").into_string();
        assert_eq!(out.matches("<rect class=\"bar").count(), 90);
        let labels = out.matches("<text class=\"tick-label\" x=").count() - out.matches("text-anchor=\"end\"").count();
        assert!((8..=20).contains(&labels), "{labels} date labels");
        assert!(out.contains(">mean 1.5/day</text>"));
        assert!(out.contains("<title>2026-01-02: 1 item finished</title>"));
    }

    #[test]
    fn says_so_when_nothing_finished() {
        for bars in [Vec::new(), weeks(&[0, 0, 0])] {
            let out = svg(&bars, "week").into_string();
            assert!(out.contains(">No items finished in this window</text>"), "{out}");
            assert!(out.contains("<svg class=\"throughput empty\""));
        }
    }
}
