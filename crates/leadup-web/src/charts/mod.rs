//! Charts drawn on the server as SVG, styled by the page's stylesheet.

pub(crate) mod aging;
pub(crate) mod budget;
pub(crate) mod burnup;
pub(crate) mod cycle_time;
pub(crate) mod drift;
pub(crate) mod flow_balance;
pub(crate) mod key_result;
pub(crate) mod reliability;
#[cfg(test)]
mod samples;
pub(crate) mod throughput;
pub(crate) mod timeline;

use maud::{Markup, html};
use time::macros::format_description;
use time::{Date, Duration, Month};

/// Cuts `text` to `max` characters, ending with an ellipsis when cut.
pub(crate) fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

/// A coordinate rounded to a tenth of a pixel, which keeps SVG small and stable.
pub(crate) fn px(value: f64) -> String {
    format!("{:.1}", (value * 10.0).round() / 10.0)
}

/// A date as a chart labels it: `12 Mar`.
pub(crate) fn short_date(date: Date) -> String {
    date.format(format_description!("[day padding:none] [month repr:short]"))
        .expect("a Date always formats as day and month")
}

/// The width a label of `text` takes at `size` pixels, estimated generously from its length.
pub(crate) fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * 0.6
}

/// Where to anchor a label of `width` beside a mark at `x`: to its `start` side by preference
/// (`true` for the right of the mark), switching sides when the label would leave `0..=limit`.
/// Returns the label's x and its `text-anchor`.
pub(crate) fn beside(x: f64, width: f64, limit: f64, prefer_right: bool) -> (f64, &'static str) {
    let fits_right = x + 5.0 + width <= limit;
    let fits_left = x - 5.0 - width >= 0.0;
    if (prefer_right && fits_right) || !fits_left { (x + 5.0, "start") } else { (x - 5.0, "end") }
}

/// Round values for an axis from zero that reaches at least `max`, about `count` steps:
/// steps of 1, 2 or 5 times a power of ten, and never fewer than one step.
pub(crate) fn value_ticks(max: u32, count: u32) -> Vec<u32> {
    let mut step = 1_u32;
    'search: for power in [1_u32, 10, 100, 1_000, 10_000, 100_000, 1_000_000] {
        for factor in [1, 2, 5] {
            step = factor * power;
            if max.div_ceil(step) <= count.max(1) {
                break 'search;
            }
        }
    }
    let top = max.div_ceil(step).max(1) * step;
    (0..=top / step).map(|k| k * step).collect()
}

/// Moves label positions (in ascending order) apart so that neighbours are at least `gap`
/// apart, keeping them within `low..=high` where there is room.
pub(crate) fn spread(positions: &mut [f64], gap: f64, low: f64, high: f64) {
    for k in 0..positions.len() {
        let floor = if k == 0 { low } else { positions[k - 1] + gap };
        positions[k] = positions[k].max(floor);
    }
    for k in (0..positions.len()).rev() {
        let ceiling = if k + 1 == positions.len() { high } else { positions[k + 1] - gap };
        positions[k] = positions[k].min(ceiling);
    }
    if let Some(first) = positions.first_mut() {
        *first = first.max(low);
    }
}

/// A linear scale from a span of values to a span of coordinates (either direction).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Linear {
    /// The value drawn at `from`.
    low: f64,
    /// The value drawn at `to`.
    high: f64,
    /// The coordinate of `low`.
    from: f64,
    /// The coordinate of `high`.
    to: f64,
}

impl Linear {
    /// Maps `low..=high` onto `from..=to`; an empty span of values maps everything to `from`.
    pub(crate) fn new(low: f64, high: f64, from: f64, to: f64) -> Self {
        Self { low, high, from, to }
    }

    /// The coordinate of `value`, kept within the drawn span.
    pub(crate) fn at(&self, value: f64) -> f64 {
        if self.high <= self.low {
            return self.from;
        }
        let share = ((value - self.low) / (self.high - self.low)).clamp(0.0, 1.0);
        self.from + share * (self.to - self.from)
    }
}

/// A linear scale from a span of dates to x coordinates, with calendar tick marks.
#[derive(Clone, Copy, Debug)]
pub(crate) struct DateScale {
    /// The first date drawn, at the left.
    first: Date,
    /// The last date drawn, at the right.
    last: Date,
    /// Days to coordinates.
    scale: Linear,
}

impl DateScale {
    /// Draws `first..=last` between `left` and `right`.
    pub(crate) fn new(first: Date, last: Date, left: f64, right: f64) -> Self {
        let days = (last - first).whole_days().max(1) as f64;
        Self { first, last, scale: Linear::new(0.0, days, left, right) }
    }

    /// The x coordinate of `date`, kept within the drawn span.
    pub(crate) fn x(&self, date: Date) -> f64 {
        self.scale.at((date - self.first).whole_days() as f64)
    }

    /// Dates to mark on the axis and their labels, at least `gap` pixels apart: the first of
    /// each month (or of every second, third, … month) when the span crosses two months or
    /// more, otherwise Mondays, otherwise days. Month labels carry the year on the first
    /// label and in January.
    pub(crate) fn ticks(&self, gap: f64) -> Vec<(Date, String)> {
        let per_day = (self.x(self.last) - self.x(self.first)) / (self.last - self.first).whole_days().max(1) as f64;
        let months = self.months();
        if months.len() >= 2 {
            let every = [1_usize, 2, 3, 4, 6, 12].into_iter().find(|&k| k as f64 * 30.4 * per_day >= gap).unwrap_or(12);
            let chosen: Vec<Date> =
                months.into_iter().filter(|d| (u32::from(u8::from(d.month())) - 1) % every as u32 == 0).collect();
            return chosen
                .iter()
                .enumerate()
                .map(|(k, &d)| {
                    let name = short_date(d).split_once(' ').map_or_else(String::new, |(_, month)| month.to_owned());
                    let label =
                        if k == 0 || d.month() == Month::January { format!("{name} {}", d.year()) } else { name };
                    (d, label)
                })
                .collect();
        }
        let mondays = self.every_day().filter(|d| d.weekday() == time::Weekday::Monday).collect::<Vec<_>>();
        let (dates, unit) = if mondays.len() >= 2 { (mondays, 7.0) } else { (self.every_day().collect(), 1.0) };
        let every = (1..=366).find(|&k| f64::from(k) * unit * per_day >= gap).unwrap_or(1) as usize;
        dates.into_iter().step_by(every).map(|d| (d, short_date(d))).collect()
    }

    /// The firsts of months within the span.
    fn months(&self) -> Vec<Date> {
        self.every_day().filter(|d| d.day() == 1).collect()
    }

    /// Every day of the span.
    fn every_day(&self) -> impl Iterator<Item = Date> + use<> {
        let last = self.last;
        std::iter::successors(Some(self.first), move |d| d.checked_add(Duration::DAY).filter(|n| *n <= last))
    }
}

/// Horizontal gridlines and their labels for `ticks`, from `left` to `right`.
pub(crate) fn gridlines(ticks: &[u32], y: &Linear, left: f64, right: f64) -> Markup {
    html! {
        @for &tick in ticks {
            @let at = y.at(f64::from(tick));
            line class=(if tick == 0 { "axis" } else { "grid" }) x1=(px(left)) y1=(px(at)) x2=(px(right)) y2=(px(at)) {}
            text.tick-label x=(px(left - 8.0)) y=(px(at + 4.0)) text-anchor="end" { (tick) }
        }
    }
}

/// Tick marks and labels below a date axis at `bottom`.
pub(crate) fn date_axis(scale: &DateScale, bottom: f64) -> Markup {
    html! {
        @for (date, label) in scale.ticks(64.0) {
            @let at = scale.x(date);
            line.axis x1=(px(at)) y1=(px(bottom)) x2=(px(at)) y2=(px(bottom + 5.0)) {}
            text.tick-label x=(px(at)) y=(px(bottom + 18.0)) text-anchor="middle" { (label) }
        }
    }
}

/// What a chart draws when it has nothing to show: a framed `message`.
pub(crate) fn empty(class: &str, name: &str, message: &str) -> Markup {
    html! {
        svg class={ (class) " empty" } xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1080 120"
            role="img" aria-label={ (name) ": " (message) } {
            rect.empty-frame x="1" y="1" width="1078" height="118" rx="8" {}
            text.empty-state x="540" y="65" text-anchor="middle" { (message) }
        }
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::{DateScale, short_date, spread, value_ticks};

    #[test]
    fn truncates_by_characters() {
        assert_eq!(super::truncate("Payments", 10), "Payments");
        assert_eq!(super::truncate("Zahlungsverkehr über SEPA", 10), "Zahlungsv…");
        assert_eq!(super::px(12.345), "12.3");
    }

    #[test]
    fn formats_short_dates() {
        assert_eq!(short_date(date!(2026 - 03 - 12)), "12 Mar");
        assert_eq!(short_date(date!(2026 - 11 - 01)), "1 Nov");
    }

    #[test]
    fn picks_round_value_ticks() {
        assert_eq!(value_ticks(0, 5), vec![0, 1]);
        assert_eq!(value_ticks(4, 5), vec![0, 1, 2, 3, 4]);
        assert_eq!(value_ticks(48, 5), vec![0, 10, 20, 30, 40, 50]);
        assert_eq!(value_ticks(7, 4), vec![0, 2, 4, 6, 8]);
        assert_eq!(value_ticks(130, 5), vec![0, 50, 100, 150]);
    }

    #[test]
    #[allow(clippy::float_cmp)] // The values compared are exact binary fractions.
    fn spreads_labels_apart_within_bounds() {
        let mut at = [100.0, 101.0, 102.0];
        spread(&mut at, 14.0, 0.0, 200.0);
        assert_eq!(at, [100.0, 114.0, 128.0]);
        let mut at = [195.0, 198.0];
        spread(&mut at, 14.0, 0.0, 200.0);
        assert_eq!(at, [186.0, 200.0]);
    }

    #[test]
    fn marks_months_or_weeks() {
        let months = DateScale::new(date!(2026 - 01 - 10), date!(2026 - 06 - 20), 0.0, 1000.0).ticks(64.0);
        let labels: Vec<&str> = months.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(labels, ["Feb 2026", "Mar", "Apr", "May", "Jun"]);
        let weeks = DateScale::new(date!(2026 - 03 - 01), date!(2026 - 03 - 20), 0.0, 1000.0).ticks(64.0);
        assert_eq!(weeks.first().map(|(_, l)| l.as_str()), Some("2 Mar"));
        let crowded = DateScale::new(date!(2024 - 01 - 01), date!(2026 - 12 - 31), 0.0, 1000.0).ticks(64.0);
        assert!(crowded.len() <= 16 && crowded.len() >= 6, "{crowded:?}");
    }
}
