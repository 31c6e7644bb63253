//! Calendar quarters and the time axis of the roadmap timeline.

use std::fmt;

use time::{Date, Month};

use crate::initiative::Initiative;

/// A calendar quarter, e.g. Q3 2026.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter {
    /// The calendar year.
    pub year: i32,
    /// 1 to 4.
    pub number: u8,
}

impl Quarter {
    /// The quarter `date` falls in.
    pub fn containing(date: Date) -> Self {
        Self { year: date.year(), number: (u8::from(date.month()) - 1) / 3 + 1 }
    }

    /// The quarter's first day.
    pub fn first_day(self) -> Date {
        let month = Month::try_from((self.number - 1) * 3 + 1).expect("quarters start in months 1, 4, 7, 10");
        Date::from_calendar_date(self.year, month, 1).expect("the first of a month exists")
    }

    /// The quarter's last day.
    pub fn last_day(self) -> Date {
        self.next().first_day().previous_day().expect("dates before a quarter exist")
    }

    /// The quarter after this one.
    #[must_use]
    pub fn next(self) -> Self {
        if self.number == 4 {
            Self { year: self.year + 1, number: 1 }
        } else {
            Self { year: self.year, number: self.number + 1 }
        }
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Q{} {}", self.number, self.year)
    }
}

/// The time axis of a roadmap timeline: whole quarters from the earliest target window
/// (or today) to the latest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeAxis {
    /// The quarters shown, in order; never empty.
    pub quarters: Vec<Quarter>,
}

impl TimeAxis {
    /// The axis that covers `today` and every dated initiative.
    pub fn covering<'a>(initiatives: impl IntoIterator<Item = &'a Initiative>, today: Date) -> Self {
        let (mut first, mut last) = (today, today);
        for window in initiatives.into_iter().filter_map(|i| i.window) {
            first = first.min(window.start);
            last = last.max(window.end);
        }
        let end = Quarter::containing(last);
        let mut quarters = vec![Quarter::containing(first)];
        while let Some(&q) = quarters.last().filter(|q| **q < end) {
            quarters.push(q.next());
        }
        Self { quarters }
    }

    /// The axis's first day.
    pub fn start(&self) -> Date {
        self.quarters[0].first_day()
    }

    /// The axis's last day.
    pub fn end(&self) -> Date {
        self.quarters[self.quarters.len() - 1].last_day()
    }

    /// Where `date` lies on the axis: 0.0 at the start of the first day, 1.0 at the end of
    /// the last; dates outside are clamped.
    pub fn position(&self, date: Date) -> f64 {
        let total = (self.end() - self.start()).whole_days() + 1;
        let offset = (date - self.start()).whole_days();
        (offset as f64 / total as f64).clamp(0.0, 1.0)
    }

    /// Where the day after `date` begins, so that a bar ending on `date` covers that day.
    pub fn position_after(&self, date: Date) -> f64 {
        date.next_day().map_or(1.0, |d| self.position(d))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn quarters_have_the_right_bounds() {
        let q = Quarter::containing(date!(2026 - 11 - 22));
        assert_eq!(q, Quarter { year: 2026, number: 4 });
        assert_eq!(q.first_day(), date!(2026 - 10 - 01));
        assert_eq!(q.last_day(), date!(2026 - 12 - 31));
        assert_eq!(q.next().to_string(), "Q1 2027");
        assert_eq!(Quarter { year: 2028, number: 1 }.last_day(), date!(2028 - 03 - 31));
    }

    #[test]
    fn axis_positions_are_proportional_to_days() {
        let axis = TimeAxis { quarters: vec![Quarter { year: 2026, number: 1 }, Quarter { year: 2026, number: 2 }] };
        // 90 + 91 = 181 days.
        assert!(axis.position(date!(2026 - 01 - 01)).abs() < 1e-12);
        assert!((axis.position(date!(2026 - 04 - 01)) - 90.0 / 181.0).abs() < 1e-12);
        assert!((axis.position_after(date!(2026 - 06 - 30)) - 1.0).abs() < 1e-12);
        assert!((axis.position(date!(2027 - 01 - 01)) - 1.0).abs() < 1e-12, "clamped");
    }
}
