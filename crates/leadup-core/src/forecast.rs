//! A stored forecast: what leadup says about when an initiative will be done, as of a day,
//! with how well forecasts made that way have come true. An initiative's forecast is computed
//! in one place (the application's forecast service), stored as a snapshot per day, and every
//! page, the API, the command line and the briefs show that stored figure with its age.

use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime};

use crate::date::{iso_date, iso_date_option};

/// The model behind every initiative forecast (see `CALIBRATION.md` in `leadup-forecast`).
pub const INITIATIVE_MODEL: &str = "team queue: the team's initiatives share its throughput in plan order under its \
                                    WIP limit (seeded Monte Carlo), recalibrated on the team's own past forecasts";

/// How often a forecast method was met on a team's history, as shown beside a forecast.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Calibration {
    /// `calibrated` (learned from past errors) or `raw` (the bare model).
    pub method: String,
    /// Past forecasts checked by the backtest.
    pub forecasts: usize,
    /// Share met at P50.
    pub p50_hit: f64,
    /// Share met at P70.
    pub p70_hit: f64,
    /// Share met at P85.
    pub p85_hit: f64,
    /// Share met at P95.
    pub p95_hit: f64,
    /// One sentence for people.
    pub statement: String,
}

/// Percentile dates of a "when" forecast.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct DatePercentiles {
    /// P50 date.
    #[serde(with = "iso_date")]
    pub p50: Date,
    /// P70 date.
    #[serde(with = "iso_date")]
    pub p70: Date,
    /// P85 date.
    #[serde(with = "iso_date")]
    pub p85: Date,
    /// P95 date.
    #[serde(with = "iso_date")]
    pub p95: Date,
}

impl DatePercentiles {
    /// `[p50, p70, p85, p95]` days after `today` as dates.
    pub fn after(today: Date, days: [u32; 4]) -> Self {
        let at = |d: u32| today.saturating_add(Duration::days(i64::from(d)));
        Self { p50: at(days[0]), p70: at(days[1]), p85: at(days[2]), p95: at(days[3]) }
    }

    /// The days after `today` of each date (0 for a date not after it).
    pub fn days_after(&self, today: Date) -> [u32; 4] {
        [self.p50, self.p70, self.p85, self.p95].map(|d| u32::try_from((d - today).whole_days()).unwrap_or(0))
    }
}

/// One initiative's stored forecast, as of the end of a day.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct InitiativeForecast {
    /// The initiative.
    pub initiative_id: i64,
    /// Its team, whose throughput it shares.
    pub team_id: i64,
    /// The forecast is as of the end of this day.
    #[serde(with = "iso_date")]
    pub as_of: Date,
    /// When it was computed.
    #[serde(with = "time::serde::rfc3339")]
    pub computed_at: OffsetDateTime,
    /// Attached items in scope by `as_of`.
    #[serde(default)]
    pub attached: u32,
    /// Of those, done by `as_of`.
    #[serde(default)]
    pub attached_done: u32,
    /// Items not done by `as_of`: the attached ones, or the approved plan's scope when none are
    /// attached.
    pub remaining: u32,
    /// Its place in the team's queue (1 is worked on first); `None` when it is not queued
    /// (proposed, done or dropped, or nothing remains).
    pub position: Option<u32>,
    /// The date it is held against (the end of its target window), if any.
    #[serde(with = "iso_date_option")]
    pub target: Option<Date>,
    /// When the remaining items will be done, at P50/P70/P85/P95; `None` when there is no
    /// forecast (then `note` says why) or nothing remains.
    pub dates: Option<DatePercentiles>,
    /// The chance of being done by `target` (1 when nothing remains, 0 once it has passed
    /// with items remaining); `None` without a target or a forecast.
    pub probability_by_target: Option<f64>,
    /// Why there is no forecast, when there is none.
    pub note: Option<String>,
    /// How often forecasts made this way were met on the team's history.
    pub calibration: Option<Calibration>,
    /// The model, in words.
    pub model: String,
    /// SHA-256 (hex) of everything the forecast was computed from: the same digest on the same
    /// day means the same forecast.
    pub inputs_digest: String,
}

impl InitiativeForecast {
    /// The forecast's age on `today` in whole days (0 when computed as of today).
    pub fn age_days(&self, today: Date) -> i64 {
        (today - self.as_of).whole_days().max(0)
    }

    /// "as of today" or "as of YYYY-MM-DD, N days old", for a label beside the figures.
    pub fn age_label(&self, today: Date) -> String {
        match self.age_days(today) {
            0 => "as of today".to_owned(),
            1 => format!("as of {}, 1 day old", crate::date::format(self.as_of)),
            n => format!("as of {}, {n} days old", crate::date::format(self.as_of)),
        }
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn dates_round_trip_through_days() {
        let today = date!(2026 - 12 - 04);
        let dates = DatePercentiles::after(today, [3, 10, 20, 45]);
        assert_eq!(dates.p85, date!(2026 - 12 - 24));
        assert_eq!(dates.days_after(today), [3, 10, 20, 45]);
        assert_eq!(dates.days_after(date!(2027 - 01 - 01)), [0, 0, 0, 17]);
    }
}
