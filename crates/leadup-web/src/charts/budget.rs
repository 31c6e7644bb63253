//! Horizontal bars: how the planned budget divides between objectives, and an initiative's
//! spending against its plan.

use leadup_core::money::Money;
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

const SHORT_LABEL: f64 = 110.0;

/// Planned against spent, on one scale (the larger amount fills the track); the spent bar is
/// in the warning colour once it passes the plan, and a tick marks the plan on its track.
pub(crate) fn planned_vs_actual(planned: &Money, actual: &Money) -> Markup {
    let chart = WIDTH - SHORT_LABEL - AMOUNT_WIDTH - 40.0;
    let most = planned.minor.max(actual.minor).max(1) as f64;
    let share = |minor: i64| minor as f64 / most;
    let over = actual.minor > planned.minor;
    let spent = if planned.minor > 0 {
        format!("{} · {:.0}% of plan", actual.display(), actual.minor as f64 * 100.0 / planned.minor as f64)
    } else {
        actual.display()
    };
    let plan_x = SHORT_LABEL + share(planned.minor) * chart;
    let rows =
        [("Planned", planned.display(), share(planned.minor), false), ("Spent", spent, share(actual.minor), over)];
    html! {
        svg.budget.budget-status xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (WIDTH) " " (px(ROW * 2.0 + 8.0)) }
            role="img" aria-label={ "Budget: " (actual.display()) " spent of " (planned.display()) " planned" @if over { ", over budget" } } {
            @for (k, (label, amount, share, warn)) in rows.iter().enumerate() {
                @let top = ROW * k as f64 + 4.0;
                text.bar-label x="0" y=(px(top + 21.0)) { (label) }
                rect.budget-track x=(SHORT_LABEL) y=(px(top + 7.0)) width=(px(chart)) height="18" rx="3" {}
                rect class=(if *warn { "budget-bar unaligned" } else { "budget-bar" })
                    x=(SHORT_LABEL) y=(px(top + 7.0)) width=(px((share * chart).max(2.0))) height="18" rx="3" {}
                text.amount x=(px(SHORT_LABEL + chart + 12.0)) y=(px(top + 21.0)) { (amount) }
            }
            @if over {
                line.plan-mark x1=(px(plan_x)) y1=(px(ROW + 6.0)) x2=(px(plan_x)) y2=(px(ROW * 2.0 + 6.0)) {
                    title { "The plan: " (planned.display()) }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use leadup_core::money::{Currency, Money};

    use super::planned_vs_actual;

    fn eur(units: i64) -> Money {
        Money { minor: units * 100, currency: Currency::parse("EUR").unwrap() }
    }

    #[test]
    fn draws_planned_and_spent_and_flags_overspending() {
        let out = planned_vs_actual(&eur(420_000), &eur(365_000)).into_string();
        assert!(out.contains(">EUR 365,000 · 87% of plan</text>"), "{out}");
        assert!(!out.contains("unaligned") && !out.contains("plan-mark"));
        let over = planned_vs_actual(&eur(230_000), &eur(241_500)).into_string();
        assert!(over.contains("over budget") && over.contains("budget-bar unaligned") && over.contains("plan-mark"));
        assert!(over.contains(">EUR 241,500 · 105% of plan</text>"));
    }
}
