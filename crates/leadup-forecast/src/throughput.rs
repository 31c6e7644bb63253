//! Throughput: daily done counts, their empirical distribution, and a team's done dates.
//!
//! A forecast's model is "each future day draws one of the history's days uniformly and
//! independently", so all the forecasts need from a history is the share of days on which
//! 0, 1, 2, ... items were done: [`DailyDistribution`].

use time::Date;

use crate::ForecastError;

/// Daily done counts for the `days` calendar days ending on `last_day` (inclusive), oldest first.
///
/// Days with nothing done are included as zeros; dates outside the window are ignored.
///
/// ```
/// use time::macros::date;
/// let done = [date!(2025 - 02 - 20), date!(2025 - 02 - 20), date!(2025 - 02 - 18), date!(2024 - 01 - 01)];
/// assert_eq!(leadup_forecast::daily_throughput(done, date!(2025 - 02 - 21), 4), vec![1, 0, 2, 0]);
/// ```
pub fn daily_throughput(done_dates: impl IntoIterator<Item = Date>, last_day: Date, days: u32) -> Vec<u32> {
    let mut counts = vec![0_u32; days as usize];
    let last = last_day.to_julian_day();
    for date in done_dates {
        let back = last - date.to_julian_day();
        if (0..i32::try_from(days).unwrap_or(i32::MAX)).contains(&back) {
            counts[days as usize - 1 - back as usize] += 1;
        }
    }
    counts
}

/// The empirical distribution of one day's done count: each distinct count with its share of days.
#[derive(Debug, Clone, PartialEq)]
pub struct DailyDistribution {
    /// `(count, probability)` for every count that occurred, ascending by count.
    outcomes: Vec<(u32, f64)>,
    days: usize,
}

impl DailyDistribution {
    /// The distribution of a history of daily counts (oldest first; order does not matter here).
    pub fn new(history: &[u32]) -> Result<Self, ForecastError> {
        if history.is_empty() {
            return Err(ForecastError::EmptyHistory);
        }
        let mut sorted = history.to_vec();
        sorted.sort_unstable();
        let days = sorted.len();
        let mut outcomes: Vec<(u32, f64)> = Vec::new();
        let mut start = 0;
        while start < days {
            let value = sorted[start];
            let end = start + sorted[start..].partition_point(|&v| v == value);
            outcomes.push((value, (end - start) as f64 / days as f64));
            start = end;
        }
        Ok(Self { outcomes, days })
    }

    /// `(count, probability)` for every count that occurred, ascending by count.
    pub fn outcomes(&self) -> &[(u32, f64)] {
        &self.outcomes
    }

    /// The number of days in the history this distribution came from.
    pub fn history_days(&self) -> usize {
        self.days
    }

    /// The largest daily count.
    pub fn max(&self) -> u32 {
        self.outcomes.last().map_or(0, |&(v, _)| v)
    }

    /// The mean daily count.
    pub fn mean(&self) -> f64 {
        self.outcomes.iter().map(|&(v, p)| f64::from(v) * p).sum()
    }

    /// Whether every day of the history had nothing done.
    pub fn is_all_zero(&self) -> bool {
        self.max() == 0
    }
}

/// One team's done items, as the dates they were done: what backtests and calibration replay.
/// Histories are ordered by content (their done dates), which lets a set of teams be put in an
/// order that does not depend on how they were loaded.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TeamHistory {
    /// Julian day numbers of the done dates, ascending (one entry per item).
    done: Vec<i32>,
}

impl TeamHistory {
    /// A history from the done dates of a team's items, in any order.
    pub fn new(done_dates: impl IntoIterator<Item = Date>) -> Result<Self, ForecastError> {
        let mut done: Vec<i32> = done_dates.into_iter().map(Date::to_julian_day).collect();
        if done.is_empty() {
            return Err(ForecastError::NoDoneItems);
        }
        done.sort_unstable();
        Ok(Self { done })
    }

    /// The Julian day numbers of the done dates, ascending, one per item: the history's whole
    /// content (e.g. to digest it).
    pub fn julian_days(&self) -> &[i32] {
        &self.done
    }

    /// The number of done items.
    pub fn len(&self) -> usize {
        self.done.len()
    }

    /// Always false: a history holds at least one done item.
    pub fn is_empty(&self) -> bool {
        self.done.is_empty()
    }

    /// The date the first item was done.
    pub fn first_done(&self) -> Date {
        date_of(self.done[0])
    }

    /// The date the last item was done.
    pub fn last_done(&self) -> Date {
        date_of(self.done[self.done.len() - 1])
    }

    /// The items done on or before `date` only (what was known at the end of that day), or
    /// `None` if nothing was done by then.
    pub fn known_on(&self, date: Date) -> Option<Self> {
        let n = self.done_by(date.to_julian_day());
        (n > 0).then(|| Self { done: self.done[..n].to_vec() })
    }

    /// Daily done counts of the `days` days ending on `last_day`, oldest first.
    pub fn daily_throughput(&self, last_day: Date, days: u32) -> Vec<u32> {
        self.throughput_ending(last_day.to_julian_day(), days)
    }

    pub(crate) fn throughput_ending(&self, last_day: i32, days: u32) -> Vec<u32> {
        let first_day = last_day - i32::try_from(days).unwrap_or(i32::MAX) + 1;
        let mut counts = vec![0_u32; days as usize];
        let from = self.done.partition_point(|&d| d < first_day);
        for &d in &self.done[from..self.done_by(last_day)] {
            counts[(d - first_day) as usize] += 1;
        }
        counts
    }

    /// The number of items done on or before Julian day `day`.
    pub(crate) fn done_by(&self, day: i32) -> usize {
        self.done.partition_point(|&d| d <= day)
    }

    /// Julian day of the `index`-th done item (0-based), if there is one.
    pub(crate) fn done_day(&self, index: usize) -> Option<i32> {
        self.done.get(index).copied()
    }

    pub(crate) fn first_day(&self) -> i32 {
        self.done[0]
    }

    pub(crate) fn last_day(&self) -> i32 {
        self.done[self.done.len() - 1]
    }
}

pub(crate) fn date_of(julian_day: i32) -> Date {
    Date::from_julian_day(julian_day).expect("julian day within time's range")
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn daily_throughput_counts_the_window_oldest_first() {
        let done = [
            date!(2025 - 02 - 21),
            date!(2025 - 02 - 21),
            date!(2025 - 02 - 19),
            date!(2025 - 02 - 17),
            date!(2025 - 02 - 22), // after the window
            date!(2025 - 02 - 16), // before the window
        ];
        assert_eq!(daily_throughput(done, date!(2025 - 02 - 21), 5), vec![1, 0, 1, 0, 2]);
        assert_eq!(daily_throughput([], date!(2025 - 02 - 21), 3), vec![0, 0, 0]);
    }

    #[test]
    fn distribution_holds_shares_of_days() {
        let d = DailyDistribution::new(&[0, 2, 0, 1]).unwrap();
        assert_eq!(d.outcomes(), &[(0, 0.5), (1, 0.25), (2, 0.25)]);
        assert_eq!(d.max(), 2);
        assert!((d.mean() - 0.75).abs() < 1e-12);
        assert_eq!(DailyDistribution::new(&[]), Err(ForecastError::EmptyHistory));
    }

    #[test]
    fn team_history_windows_and_cut_offs() {
        let h = TeamHistory::new([date!(2024 - 01 - 03), date!(2024 - 01 - 01), date!(2024 - 01 - 03)]).unwrap();
        assert_eq!(h.first_done(), date!(2024 - 01 - 01));
        assert_eq!(h.last_done(), date!(2024 - 01 - 03));
        assert_eq!(h.daily_throughput(date!(2024 - 01 - 04), 5), vec![0, 1, 0, 2, 0]);
        assert_eq!(h.known_on(date!(2024 - 01 - 02)).unwrap().len(), 1);
        assert!(h.known_on(date!(2023 - 12 - 31)).is_none());
        assert_eq!(TeamHistory::new([]), Err(ForecastError::NoDoneItems));
    }
}
