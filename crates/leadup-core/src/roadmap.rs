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

    /// The quarter's first day (the earliest or latest representable date for a quarter
    /// outside the calendar's range).
    pub fn first_day(self) -> Date {
        let month = Month::try_from(self.number.clamp(1, 4) * 3 - 2).unwrap_or(Month::January);
        Date::from_calendar_date(self.year, month, 1).unwrap_or(if self.year < Date::MIN.year() {
            Date::MIN
        } else {
            Date::MAX
        })
    }

    /// The quarter's last day (the latest representable date for the last quarter of the
    /// calendar's range).
    pub fn last_day(self) -> Date {
        let month = Month::try_from(self.number.clamp(1, 4) * 3).unwrap_or(Month::December);
        Date::from_calendar_date(self.year, month, month.length(self.year)).unwrap_or(if self.year < Date::MIN.year() {
            Date::MIN
        } else {
            Date::MAX
        })
    }

    /// The quarter after this one.
    #[must_use]
    pub fn next(self) -> Self {
        if self.number >= 4 {
            Self { year: self.year.saturating_add(1), number: 1 }
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
/// (or today) to the latest, at most [`TimeAxis::YEARS_BEFORE`] years before today and
/// [`TimeAxis::YEARS_AFTER`] after; windows reaching further are drawn to the axis's edge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeAxis {
    /// The quarters shown, in order; never empty.
    pub quarters: Vec<Quarter>,
}

impl TimeAxis {
    /// How many years before today the axis reaches at most.
    pub const YEARS_BEFORE: i32 = 10;
    /// How many years after today the axis reaches at most.
    pub const YEARS_AFTER: i32 = 25;

    /// The axis that covers `today` and every dated initiative (within its reach).
    pub fn covering<'a>(initiatives: impl IntoIterator<Item = &'a Initiative>, today: Date) -> Self {
        let (mut first, mut last) = (today, today);
        for window in initiatives.into_iter().filter_map(|i| i.window) {
            first = first.min(window.start);
            last = last.max(window.end);
        }
        let earliest = Quarter { year: today.year().saturating_sub(Self::YEARS_BEFORE), number: 1 }.first_day();
        let latest = Quarter { year: today.year().saturating_add(Self::YEARS_AFTER), number: 4 }.last_day();
        let (first, last) = (first.max(earliest), last.min(latest));
        let end = Quarter::containing(last);
        let mut quarters = vec![Quarter::containing(first)];
        while let Some(&q) = quarters.last().filter(|q| **q < end) {
            quarters.push(q.next());
        }
        Self { quarters }
    }

    /// The axis's first day.
    pub fn start(&self) -> Date {
        self.quarters.first().map_or(Date::MIN, |q| q.first_day())
    }

    /// The axis's last day.
    pub fn end(&self) -> Date {
        self.quarters.last().map_or(Date::MAX, |q| q.last_day())
    }

    /// Where `date` lies on the axis: 0.0 at the start of the first day, 1.0 at the end of
    /// the last; dates outside are clamped.
    pub fn position(&self, date: Date) -> f64 {
        let total = (self.end() - self.start()).whole_days().saturating_add(1);
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
        assert_eq!(Quarter { year: 2028, number: 2 }.last_day(), date!(2028 - 06 - 30));
        assert_eq!(Quarter { year: 2028, number: 3 }.first_day(), date!(2028 - 07 - 01));
    }

    #[test]
    fn the_calendar_s_edges_have_quarters_too() {
        let last = Quarter::containing(Date::MAX);
        assert_eq!(last.last_day(), Date::MAX);
        assert_eq!(last.next().first_day(), Date::MAX);
        assert_eq!(Quarter::containing(Date::MIN).first_day(), Date::MIN);
        assert_eq!(Quarter { year: i32::MAX, number: 4 }.next().year, i32::MAX);
    }

    #[test]
    fn the_axis_reaches_ten_years_back_and_twenty_five_ahead_at_most() {
        use crate::initiative::{Horizon, Status, TargetWindow};
        let mut far = Initiative {
            id: 1,
            team_id: 1,
            title: "Forever".into(),
            outcome: String::new(),
            objective_ids: Vec::new(),
            horizon: None,
            window: Some(TargetWindow { start: Date::MIN, end: Date::MAX }),
            status: Status::Proposed,
            budget_planned: 0,
            budget_actual: 0,
            currency: crate::money::Currency::parse("EUR").unwrap(),
        };
        let axis = TimeAxis::covering([&far], date!(2026 - 05 - 10));
        assert_eq!(axis.start(), date!(2016 - 01 - 01));
        assert_eq!(axis.end(), date!(2051 - 12 - 31));
        assert_eq!(axis.quarters.len(), 36 * 4);
        assert!((axis.position(Date::MAX) - 1.0).abs() < 1e-12 && axis.position(Date::MIN).abs() < 1e-12);
        far.window = Some(TargetWindow { start: date!(2026 - 02 - 01), end: date!(2026 - 08 - 31) });
        far.horizon = Some(Horizon::Now);
        far.status = Status::Planned;
        let axis = TimeAxis::covering([&far], date!(2026 - 05 - 10));
        assert_eq!(
            axis.quarters,
            [Quarter { year: 2026, number: 1 }, Quarter { year: 2026, number: 2 }, Quarter { year: 2026, number: 3 }]
        );
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
