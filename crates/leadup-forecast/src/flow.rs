//! Flow metrics over a window of calendar days: throughput, cycle time, work in progress,
//! aging, and started versus finished.
//!
//! An item is seen only through its start and done dates ([`FlowItem`]); [`flow_metrics`]
//! measures a slice of items over a closed range of days ([`Window`]). Conventions:
//!
//! - **Dates** are calendar days (UTC), counted whole: an item done on a day was done in that
//!   day's throughput, whatever the hour.
//! - **Cycle time** in days is `(done − started) + 1`: an item started and done on the same day
//!   took 1 day. This is `FlowPulse`'s formula (`(closed − started).days + 1`) on dates. (The
//!   `cycle_time` column of its demo file was computed from timestamps and is one less for the
//!   items closed at an earlier time of day than they were started.) Cycle time describes the
//!   items done inside the window that have a start date on or before their done date.
//! - **Age** of an item in progress at the window's last day is `(last − started) + 1`: an item
//!   started that day is 1 day old.
//! - **Work in progress** at the end of a day: the items started on or before that day and not
//!   done by it (done later, or not done). An item is no longer in progress on its done day.
//! - **Percentiles** of cycle time are nearest rank: Pxx is the smallest observed cycle time
//!   such that at least xx% of the items took at most that long (with 20 items, P85 is the
//!   17th shortest), so every percentile is a cycle time some item actually had.
//! - **Weeks** are ISO weeks, Monday to Sunday. Every week that overlaps the window is
//!   reported; a week that sticks out of the window at either edge is flagged `partial` and
//!   counts only its days inside the window, so weekly counts always add up to the window's.
//! - **Data errors and gaps**: an item done before it was started counts in throughput
//!   (finished) and, if its start date is in the window, in started, but nowhere in cycle time;
//!   it is never in progress. An item done but never started counts in throughput only (not in
//!   work in progress nor cycle time). An item started but not done counts in started (if
//!   started in the window), and in work in progress and aging. An item with neither date counts nowhere.
//!
//! All dates serialize as `YYYY-MM-DD` strings.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::Date;
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;

use crate::ForecastError;

/// The date format of every serialized date: ISO 8601 `YYYY-MM-DD`.
const ISO_DATE: &[BorrowedFormatItem<'static>] = format_description!("[year]-[month]-[day]");

/// Serializes a date as `YYYY-MM-DD`.
#[allow(clippy::trivially_copy_pass_by_ref)] // serde's `serialize_with` passes a reference
fn iso_date<S: Serializer>(date: &Date, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&date.format(ISO_DATE).map_err(serde::ser::Error::custom)?)
}

/// Reads a date written as `YYYY-MM-DD`.
fn parse_iso_date<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
    let text = String::deserialize(deserializer)?;
    Date::parse(&text, ISO_DATE).map_err(serde::de::Error::custom)
}

/// One work item as flow metrics see it (calendar dates, UTC).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FlowItem {
    /// The day work started, if it did.
    pub started: Option<Date>,
    /// The day it was done, if it was.
    pub done: Option<Date>,
}

/// A closed range of calendar days, `first..=last`.
///
/// A window built with [`Window::ending`] holds at least one day. One built by hand with `last`
/// before `first` contains no day: its daily and weekly metrics are empty.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    /// The first day of the window.
    #[serde(serialize_with = "iso_date", deserialize_with = "parse_iso_date")]
    pub first: Date,
    /// The last day of the window (inclusive).
    #[serde(serialize_with = "iso_date", deserialize_with = "parse_iso_date")]
    pub last: Date,
}

impl Window {
    /// The `days` calendar days ending on `last` (inclusive): `ending(d, 1)` is the day `d` alone.
    ///
    /// ```
    /// use leadup_forecast::flow::Window;
    /// use time::macros::date;
    /// let w = Window::ending(date!(2025 - 02 - 21), 90).unwrap();
    /// assert_eq!(w.first, date!(2024 - 11 - 24));
    /// assert_eq!(w.days(), 90);
    /// assert!(Window::ending(date!(2025 - 02 - 21), 0).is_err());
    /// ```
    pub fn ending(last: Date, days: u32) -> Result<Self, ForecastError> {
        if days == 0 {
            return Err(ForecastError::ZeroDays);
        }
        let first = i64::from(last.to_julian_day()) - i64::from(days) + 1;
        let first = i32::try_from(first).ok().and_then(|day| Date::from_julian_day(day).ok()).ok_or_else(|| {
            ForecastError::InvalidParameter {
                field: "days".to_owned(),
                message: format!("{days} days ending on {last} start before the earliest supported date"),
            }
        })?;
        Ok(Self { first, last })
    }

    /// The number of days in the window (0 if `last` is before `first`).
    pub fn days(&self) -> u32 {
        u32::try_from(self.last.to_julian_day() - self.first.to_julian_day() + 1).unwrap_or(0)
    }

    /// Whether `date` is one of the window's days.
    pub fn contains(&self, date: Date) -> bool {
        self.first <= date && date <= self.last
    }
}

/// A count for one ISO week (Monday to Sunday) overlapping a window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekCount {
    /// The Monday the week starts on (possibly before the window's first day).
    #[serde(serialize_with = "iso_date", deserialize_with = "parse_iso_date")]
    pub week_start: Date,
    /// The count over the week's days that are inside the window.
    pub count: u32,
    /// Whether some of the week's days are outside the window, so `count` covers fewer than 7 days.
    pub partial: bool,
}

/// Cycle-time percentiles (nearest rank, in days) of the items done in a window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CycleTime {
    /// Half of the items took at most this many days.
    pub p50: u32,
    /// 85% of the items took at most this many days.
    pub p85: u32,
    /// 95% of the items took at most this many days.
    pub p95: u32,
    /// The number of items the percentiles are computed from (at least 1).
    pub items: usize,
}

/// One done item's cycle time: a point of a cycle-time scatter chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CycleTimePoint {
    /// The item's position in the slice given to [`flow_metrics`].
    pub index: usize,
    /// The day it was done.
    #[serde(serialize_with = "iso_date", deserialize_with = "parse_iso_date")]
    pub done: Date,
    /// Its cycle time in days, `(done − started) + 1`.
    pub days: u32,
}

/// One item in progress at the window's last day, with its age.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Aging {
    /// The item's position in the slice given to [`flow_metrics`].
    pub index: usize,
    /// Its age in days at the window's last day, `(last − started) + 1`.
    pub age_days: u32,
}

/// The flow metrics of a set of items over a window (see the [module](self) for the conventions).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FlowMetrics {
    /// The window measured.
    pub window: Window,
    /// Items done on each day of the window, oldest first, days with nothing done included (as
    /// [`daily_throughput`](crate::daily_throughput) counts them).
    pub throughput_daily: Vec<u32>,
    /// Items done in each ISO week overlapping the window, oldest first.
    pub throughput_weekly: Vec<WeekCount>,
    /// Cycle-time percentiles of the items done in the window that have a start date no later
    /// than their done date; `None` if there are none.
    pub cycle_time: Option<CycleTime>,
    /// The cycle time of each of those items, in done order (then input order).
    pub cycle_times: Vec<CycleTimePoint>,
    /// Work in progress at the end of the window's last day.
    pub wip: u32,
    /// Work in progress at the end of each day of the window, oldest first.
    pub wip_daily: Vec<u32>,
    /// The items in progress at the end of the window's last day, oldest first (then input order).
    pub aging: Vec<Aging>,
    /// Items started in the window.
    pub started: u32,
    /// Items done in the window (the sum of `throughput_daily`).
    pub finished: u32,
    /// Items started in each week of `throughput_weekly`, oldest first.
    pub started_weekly: Vec<WeekCount>,
}

/// The flow metrics of `items` over `window`.
///
/// ```
/// use leadup_forecast::flow::{FlowItem, Window, flow_metrics};
/// use time::macros::date;
/// let items = [
///     FlowItem { started: Some(date!(2025 - 02 - 17)), done: Some(date!(2025 - 02 - 19)) },
///     FlowItem { started: Some(date!(2025 - 02 - 18)), done: None },
/// ];
/// let m = flow_metrics(&items, Window::ending(date!(2025 - 02 - 21), 5).unwrap());
/// assert_eq!(m.throughput_daily, vec![0, 0, 1, 0, 0]);
/// assert_eq!(m.cycle_times[0].days, 3);
/// assert_eq!(m.wip_daily, vec![1, 2, 1, 1, 1]);
/// assert_eq!(m.aging[0].age_days, 4);
/// ```
pub fn flow_metrics(items: &[FlowItem], window: Window) -> FlowMetrics {
    let first = i64::from(window.first.to_julian_day());
    let last = i64::from(window.last.to_julian_day());
    let days = window.days() as usize;
    let slot = |day: i64| (first..=last).contains(&day).then(|| (day - first) as usize);

    let mut throughput_daily = vec![0_u32; days];
    let mut started_daily = vec![0_u32; days];
    // wip_change[k] is how much work in progress changes from the end of day k-1 to the end of day k.
    let mut wip_change = vec![0_i64; days + 1];
    let mut cycle_times = Vec::new();
    let mut aging = Vec::new();

    for (index, item) in items.iter().enumerate() {
        let started = item.started.map(|d| i64::from(d.to_julian_day()));
        let done = item.done.map(|d| i64::from(d.to_julian_day()));
        if let Some(k) = done.and_then(slot) {
            throughput_daily[k] += 1;
        }
        let Some(start) = started else { continue };
        if let Some(k) = slot(start) {
            started_daily[k] += 1;
        }
        if let (Some(done_date), Some(end)) = (item.done, done)
            && slot(end).is_some()
            && start <= end
        {
            cycle_times.push(CycleTimePoint { index, done: done_date, days: (end - start + 1) as u32 });
        }
        // In progress at the end of each day of start..end (end exclusive; open-ended if not done).
        let end = done.unwrap_or(i64::MAX);
        let (from, to) = (start.max(first), end.min(last + 1));
        if from < to {
            wip_change[(from - first) as usize] += 1;
            wip_change[(to - first) as usize] -= 1;
        }
        if start <= last && end > last {
            aging.push(Aging { index, age_days: (last - start + 1) as u32 });
        }
    }

    let wip_daily: Vec<u32> = wip_change[..days]
        .iter()
        .scan(0_i64, |wip, &change| {
            *wip += change;
            Some(*wip as u32)
        })
        .collect();
    cycle_times.sort_by_key(|p| (p.done, p.index));
    aging.sort_by_key(|a| (std::cmp::Reverse(a.age_days), a.index));
    let cycle_time = cycle_time_percentiles(cycle_times.iter().map(|p| p.days).collect());

    FlowMetrics {
        window,
        throughput_weekly: weekly(&throughput_daily, window),
        started_weekly: weekly(&started_daily, window),
        cycle_time,
        cycle_times,
        wip: aging.len() as u32,
        wip_daily,
        aging,
        started: started_daily.iter().sum(),
        finished: throughput_daily.iter().sum(),
        throughput_daily,
    }
}

/// Nearest-rank P50/P85/P95 of some cycle times, or `None` if there are none.
fn cycle_time_percentiles(mut days: Vec<u32>) -> Option<CycleTime> {
    if days.is_empty() {
        return None;
    }
    days.sort_unstable();
    let n = days.len();
    // The smallest rank r (1-based) with r / n >= percent / 100.
    let at = |percent: usize| days[(percent * n).div_ceil(100).max(1) - 1];
    Some(CycleTime { p50: at(50), p85: at(85), p95: at(95), items: n })
}

/// Sums daily counts (oldest first, one per day of `window`) per ISO week overlapping the window.
fn weekly(daily: &[u32], window: Window) -> Vec<WeekCount> {
    if daily.is_empty() {
        return Vec::new();
    }
    let first = window.first.to_julian_day();
    let last = window.last.to_julian_day();
    let mut monday = first - i32::from(window.first.weekday().number_days_from_monday());
    let mut weeks = Vec::new();
    while monday <= last {
        let (from, to) = (monday.max(first), (monday + 6).min(last));
        weeks.push(WeekCount {
            week_start: Date::from_julian_day(monday).unwrap_or(window.first),
            count: daily[(from - first) as usize..=(to - first) as usize].iter().sum(),
            partial: monday < first || monday + 6 > last,
        });
        monday += 7;
    }
    weeks
}
