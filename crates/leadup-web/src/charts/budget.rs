//! Horizontal bars showing how the planned budget divides between objectives.

use maud::{Markup, html};

use super::{px, truncate};

/// One bar: a label, its amount as text, and its share of the whole (0.0 to 1.0).
pub(crate) struct Bar {
    pub label: String,
    pub amount: String,
    pub share: f64,
    pub unaligned: bool,
}

const WIDTH: f64 = 1080.0;
const LABEL_WIDTH: f64 = 330.0;
const AMOUNT_WIDTH: f64 = 200.0;
const ROW: f64 = 34.0;

/// Draws one bar per entry, longest scale at 100%.
pub(crate) fn svg(bars: &[Bar]) -> Markup {
    let chart = WIDTH - LABEL_WIDTH - AMOUNT_WIDTH;
    let height = ROW * bars.len() as f64 + 8.0;
    html! {
        svg.budget xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (WIDTH) " " (px(height)) }
            role="img" aria-label="Planned budget by objective" {
            @for (k, bar) in bars.iter().enumerate() {
                @let top = ROW * k as f64 + 4.0;
                text.bar-label x="0" y=(px(top + 21.0)) { title { (bar.label) } (truncate(&bar.label, 44)) }
                rect.budget-track x=(LABEL_WIDTH) y=(px(top + 7.0)) width=(px(chart)) height="18" rx="3" {}
                rect class=(if bar.unaligned { "budget-bar unaligned" } else { "budget-bar" })
                    x=(LABEL_WIDTH) y=(px(top + 7.0)) width=(px((bar.share * chart).max(2.0))) height="18" rx="3" {}
                text.amount x=(px(LABEL_WIDTH + chart + 12.0)) y=(px(top + 21.0)) {
                    (bar.amount) " · " (format!("{:.0}%", bar.share * 100.0))
                }
            }
        }
    }
}
