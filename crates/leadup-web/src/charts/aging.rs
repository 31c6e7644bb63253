//! Aging work in progress: one bar per open item, oldest first, as long as the item's age,
//! coloured by how that age compares with the cycle times of finished items.

use maud::{Markup, html};

use super::{Linear, empty, px, spread, text_width, truncate, value_ticks};

const WIDTH: f64 = 1080.0;
const LABEL_WIDTH: f64 = 300.0;
const RIGHT: f64 = WIDTH - 60.0;
/// The row of percentile labels above the bars.
const HEADER: f64 = 34.0;
const ROW: f64 = 26.0;
/// The day axis below the rows.
const AXIS: f64 = 28.0;
/// The legend below the axis.
const LEGEND: f64 = 30.0;

/// How an item's age compares with the percentiles of past cycle times.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Band {
    /// Younger than the P50: as young as most items that finished.
    Ok,
    /// From the P50 to below the P85.
    Watch,
    /// From the P85 to below the P95.
    Risk,
    /// At or beyond the P95: older than nearly every item that finished.
    Late,
}

impl Band {
    /// The band of `age` against `(p50, p85, p95)`.
    fn of(age: u32, (p50, p85, p95): (u32, u32, u32)) -> Self {
        if age < p50 {
            Self::Ok
        } else if age < p85 {
            Self::Watch
        } else if age < p95 {
            Self::Risk
        } else {
            Self::Late
        }
    }

    /// The CSS class of its bars and swatch.
    fn class(self) -> &'static str {
        match self {
            Self::Ok => "age-ok",
            Self::Watch => "age-watch",
            Self::Risk => "age-risk",
            Self::Late => "age-late",
        }
    }

    /// Its name in the legend and tooltips.
    fn label(self) -> &'static str {
        match self {
            Self::Ok => "below P50",
            Self::Watch => "P50 to P85",
            Self::Risk => "P85 to P95",
            Self::Late => "beyond P95",
        }
    }
}

/// Draws one bar per item in `items` (label and age in days), oldest first, against
/// `percentiles` (P50, P85, P95 of past cycle times in days) when there are enough finished
/// items for them.
pub(crate) fn svg(items: &[(String, u32)], percentiles: Option<(u32, u32, u32)>) -> Markup {
    if items.is_empty() {
        return empty("aging", "Aging work in progress", "No work in progress");
    }
    let mut sorted: Vec<&(String, u32)> = items.iter().collect();
    sorted.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let lines: Vec<(&str, u32)> =
        percentiles.map(|(p50, p85, p95)| vec![("P50", p50), ("P85", p85), ("P95", p95)]).unwrap_or_default();
    let oldest = sorted[0].1.max(lines.last().map_or(0, |l| l.1));
    let ticks = value_ticks(oldest, 8);
    let xs = Linear::new(0.0, f64::from(*ticks.last().unwrap_or(&1)), LABEL_WIDTH, RIGHT);
    let header = if lines.is_empty() { 6.0 } else { HEADER };
    let bottom = header + ROW * sorted.len() as f64;
    let height = bottom + AXIS + if lines.is_empty() { 0.0 } else { LEGEND };
    let mut label_xs: Vec<f64> = lines.iter().map(|l| xs.at(f64::from(l.1))).collect();
    spread(&mut label_xs, text_width("P95 120d", 12.0) + 10.0, LABEL_WIDTH + 20.0, WIDTH - 30.0);
    let late = percentiles.map_or(0, |p| sorted.iter().filter(|i| Band::of(i.1, p) == Band::Late).count());
    html! {
        svg.aging xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (WIDTH) " " (px(height)) }
            role="img" aria-label={
                "Aging work in progress: " (sorted.len()) (if sorted.len() == 1 { " open item, " } else { " open items, oldest " }) (sorted[0].1) (if sorted[0].1 == 1 { " day" } else { " days" }) " old"
                @if percentiles.is_some() { ", " (late) " beyond the P95 of past cycle times" }
            } {
            @for &tick in &ticks {
                @let x = xs.at(f64::from(tick));
                line class=(if tick == 0 { "axis" } else { "grid" }) x1=(px(x)) y1=(px(header)) x2=(px(x)) y2=(px(bottom)) {}
                text.tick-label x=(px(x)) y=(px(bottom + 16.0)) text-anchor="middle" { (tick) "d" }
            }
            @for ((name, days), label_x) in lines.iter().zip(&label_xs) {
                @let x = xs.at(f64::from(*days));
                g.percentile {
                    title { (name) ": " (name.trim_start_matches('P')) "% of finished items took " (days) " days or less" }
                    line.pct-line x1=(px(x)) y1=(px(HEADER - 6.0)) x2=(px(x)) y2=(px(bottom)) {}
                    text.pct-label.halo x=(px(*label_x)) y=(px(HEADER - 12.0)) text-anchor="middle" { (name) " " (days) "d" }
                }
            }
            @for (k, (label, age)) in sorted.iter().map(|i| (&i.0, i.1)).enumerate() {
                @let top = header + ROW * k as f64;
                @let band = percentiles.map(|p| Band::of(age, p));
                @let end = xs.at(f64::from(age)).max(LABEL_WIDTH + 2.0);
                g.aging-item {
                    title {
                        (label) ": " (age) (if age == 1 { " day" } else { " days" }) " in progress"
                        @if let Some(band) = band { " (" (band.label()) ")" }
                    }
                    text.bar-label x="0" y=(px(top + 17.0)) { (truncate(label, 40)) }
                    rect class={ "bar " (band.map_or("age-none", Band::class)) } x=(LABEL_WIDTH) y=(px(top + 5.0))
                        width=(px(end - LABEL_WIDTH)) height=(ROW - 10.0) rx="3" {}
                    text.amount x=(px(end + 6.0)) y=(px(top + 17.0)) { (age) "d" }
                }
            }
            @if percentiles.is_some() {
                (legend(height - 14.0))
            }
        }
    }
}

/// The key to the bands, at baseline `y`.
fn legend(y: f64) -> Markup {
    let mut x = LABEL_WIDTH;
    let mut placed = Vec::new();
    for band in [Band::Ok, Band::Watch, Band::Risk, Band::Late] {
        let label = format!("Age {}", band.label());
        placed.push((band, x, label.clone()));
        x += 20.0 + text_width(&label, 12.0) + 16.0;
    }
    html! {
        g.chart-legend {
            text x="0" y=(px(y)) { "Compared with past cycle times" }
            @for (band, x, label) in placed {
                rect class=(band.class()) x=(px(x)) y=(px(y - 10.0)) width="12" height="12" rx="3" {}
                text x=(px(x + 18.0)) y=(px(y)) { (label) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Band, svg};

    fn items() -> Vec<(String, u32)> {
        [
            ("PAY-3 Refunds", 2),
            ("PAY-9 Card vault", 25),
            ("PAY-5 SEPA mandates", 9),
            ("PAY-7 Fees", 14),
            ("PAY-8 3DS", 4),
        ]
        .iter()
        .map(|&(l, a)| (l.to_owned(), a))
        .collect()
    }

    #[test]
    fn bands_follow_the_percentiles() {
        let p = (4, 11, 20);
        assert_eq!(
            [2, 4, 10, 11, 19, 20, 99].map(|a| Band::of(a, p)),
            [Band::Ok, Band::Watch, Band::Watch, Band::Risk, Band::Risk, Band::Late, Band::Late]
        );
    }

    #[test]
    fn draws_oldest_first_coloured_by_band() {
        let out = svg(&items(), Some((4, 11, 20))).into_string();
        assert_eq!(out.matches("<rect class=\"bar").count(), 5);
        let order: Vec<&str> =
            out.split("<text class=\"bar-label\"").skip(1).map(|t| t.split('>').nth(1).unwrap()).collect();
        assert_eq!(
            order,
            [
                "PAY-9 Card vault</text",
                "PAY-7 Fees</text",
                "PAY-5 SEPA mandates</text",
                "PAY-8 3DS</text",
                "PAY-3 Refunds</text"
            ]
        );
        for class in ["bar age-late", "bar age-risk", "bar age-watch", "bar age-ok"] {
            assert!(out.contains(&format!("<rect class=\"{class}\"")), "{class}");
        }
        assert!(out.contains(">P85 11d</text>") && out.contains(">P95 20d</text>"));
        assert!(out.contains("<title>PAY-9 Card vault: 25 days in progress (beyond P95)</title>"));
        assert!(out.contains(">Age P85 to P95</text>"), "legend");
        assert!(out.contains("1 beyond the P95"));
    }

    #[test]
    fn draws_without_percentiles_and_says_so_when_empty() {
        let out = svg(&items(), None).into_string();
        assert_eq!(out.matches("<rect class=\"bar age-none\"").count(), 5);
        assert!(!out.contains("pct-line") && !out.contains("chart-legend"));
        assert!(svg(&[], Some((4, 11, 20))).into_string().contains(">No work in progress</text>"));
    }
}
