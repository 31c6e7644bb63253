//! The reliability chart of a credibility report: stated confidence (across) against how often
//! commitments stated with it came true (up), one dot per bin of a tenth sized by how many it
//! holds, with the diagonal where the two are equal. Dots below the diagonal mean promises
//! made more confidently than they were kept.

use leadup_core::commitment::ReliabilityBin;
use maud::{Markup, html};

use super::{Linear, empty, px};

// Narrower than the other charts: the chart is square-ish, and stays legible on a phone.
const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 440.0;
const LEFT: f64 = 86.0;
const RIGHT: f64 = WIDTH - 40.0;
const TOP: f64 = 24.0;
const BOTTOM: f64 = 380.0;

fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

/// Draws the bins that hold commitments.
pub(crate) fn svg(bins: &[ReliabilityBin]) -> Markup {
    let filled: Vec<&ReliabilityBin> = bins.iter().filter(|b| b.count > 0).collect();
    if filled.is_empty() {
        return empty("reliability", "Reliability", "No commitment was closed in this period");
    }
    let xs = Linear::new(0.0, 1.0, LEFT, RIGHT);
    let ys = Linear::new(0.0, 1.0, BOTTOM, TOP);
    let most = filled.iter().map(|b| b.count).max().unwrap_or(1) as f64;
    let summary = filled
        .iter()
        .map(|b| {
            format!(
                "stated {} to {}: {} of {} kept by the original date",
                percent(b.low),
                percent(b.high),
                percent(b.observed.unwrap_or(0.0)),
                b.count
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let ticks = [0.0, 0.2, 0.4, 0.6, 0.8, 1.0];
    html! {
        svg.reliability xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (WIDTH) " " (HEIGHT) }
            role="img" aria-label={ "Reliability: " (summary) } {
            @for tick in ticks {
                line class=(if tick == 0.0 { "axis" } else { "grid" }) x1=(px(LEFT)) y1=(px(ys.at(tick))) x2=(px(RIGHT)) y2=(px(ys.at(tick))) {}
                text.tick-label x=(px(LEFT - 8.0)) y=(px(ys.at(tick) + 4.0)) text-anchor="end" { (percent(tick)) }
                line.axis x1=(px(xs.at(tick))) y1=(px(BOTTOM)) x2=(px(xs.at(tick))) y2=(px(BOTTOM + 5.0)) {}
                text.tick-label x=(px(xs.at(tick))) y=(px(BOTTOM + 18.0)) text-anchor="middle" { (percent(tick)) }
            }
            line.axis x1=(px(LEFT)) y1=(px(TOP)) x2=(px(LEFT)) y2=(px(BOTTOM)) {}
            line.perfect x1=(px(xs.at(0.0))) y1=(px(ys.at(0.0))) x2=(px(xs.at(1.0))) y2=(px(ys.at(1.0))) {}
            text.tick-label x=(px(xs.at(0.62))) y=(px(ys.at(0.62) - 10.0)) text-anchor="end" { "kept as often as stated" }
            text.tick-label x=(px(LEFT - 8.0)) y=(px(TOP - 10.0)) text-anchor="end" { "kept" }
            text.tick-label x=(px(RIGHT)) y=(px(BOTTOM + 40.0)) text-anchor="end" { "confidence stated" }
            @for bin in &filled {
                @let stated = bin.mean_confidence.unwrap_or(f64::midpoint(bin.low, bin.high));
                @let kept = bin.observed.unwrap_or(0.0);
                @let radius = 6.0 + 12.0 * (bin.count as f64 / most).sqrt();
                @let (x, y) = (xs.at(stated), ys.at(kept));
                line.gap x1=(px(x)) y1=(px(ys.at(stated))) x2=(px(x)) y2=(px(y)) {}
                circle class=(if kept + 0.05 < stated { "bin below" } else { "bin" }) cx=(px(x)) cy=(px(y)) r=(px(radius)) {
                    title { "Stated about " (percent(stated)) ": " (percent(kept)) " of " (bin.count) " kept by the original date" }
                }
                text.bin-label.halo x=(px(x + radius + 4.0)) y=(px(y + 4.0)) { (bin.count) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bin(i: usize, count: usize, mean: f64, observed: f64) -> ReliabilityBin {
        ReliabilityBin {
            low: i as f64 / 10.0,
            high: (i + 1) as f64 / 10.0,
            count,
            mean_confidence: (count > 0).then_some(mean),
            observed: (count > 0).then_some(observed),
        }
    }

    #[test]
    fn draws_a_dot_per_filled_bin_and_says_what_it_shows() {
        let bins = vec![bin(5, 0, 0.0, 0.0), bin(8, 4, 0.8, 0.5), bin(9, 2, 0.9, 1.0)];
        let svg = svg(&bins).into_string();
        assert_eq!(svg.matches("<circle").count(), 2);
        // 0.8 stated, 0.5 kept: below the diagonal, so marked.
        assert_eq!(svg.matches("class=\"bin below\"").count(), 1);
        assert!(svg.contains("stated 80% to 90%: 50% of 4 kept by the original date"), "{svg}");
        // x of 0.8 = 86 + 0.8 × (680 − 86) = 561.2; y of 0.5 = 380 − 0.5 × (380 − 24) = 202
        assert!(svg.contains("cx=\"561.2\" cy=\"202.0\""), "{svg}");
        assert!(super::svg(&[bin(1, 0, 0.0, 0.0)]).into_string().contains("No commitment was closed"));
    }
}
