//! The two questions a team forecast answers, and how a forecast of either is scored against
//! what really happened.

use serde::Serialize;

use crate::ForecastError;
use crate::exact::{HowManyForecast, WhenForecast, WhenOptions};
use crate::throughput::{DailyDistribution, TeamHistory};

/// A forecasting question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Question {
    /// "In how many days will the next `items` items be done?"
    When {
        /// The number of items.
        items: u32,
    },
    /// "How many items will be done in the next `days` days?"
    HowMany {
        /// The number of days.
        days: u32,
    },
}

impl std::fmt::Display for Question {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::When { items } => write!(f, "when will {items} items be done"),
            Self::HowMany { days } => write!(f, "how many items in {days} days"),
        }
    }
}

/// A raw (model) forecast of either question.
#[derive(Debug, Clone)]
pub(crate) enum RawForecast {
    When(WhenForecast),
    HowMany(HowManyForecast),
}

impl Question {
    /// Rejects a zero item or day count.
    pub(crate) fn validate(self) -> Result<Self, ForecastError> {
        match self {
            Self::When { items: 0 } => Err(ForecastError::ZeroItems),
            Self::HowMany { days: 0 } => Err(ForecastError::ZeroDays),
            _ => Ok(self),
        }
    }

    pub(crate) fn forecast(self, history: &[u32]) -> Result<RawForecast, ForecastError> {
        let daily = DailyDistribution::new(history)?;
        Ok(match self {
            Self::When { items } => RawForecast::When(WhenForecast::new(daily, items, WhenOptions::default())?),
            Self::HowMany { days } => RawForecast::HowMany(HowManyForecast::new(&daily, days)?),
        })
    }

    /// The real outcome of a forecast made at the end of Julian day `day`, if it was known by the
    /// end of `as_of`: days until the next `items` were done, or the items done in the next `days`.
    pub(crate) fn outcome(self, history: &TeamHistory, day: i32, as_of: i32) -> Option<Outcome> {
        match self {
            Self::When { items } => {
                let done_day = history.done_day(history.done_by(day) + items as usize - 1)?;
                (done_day <= as_of).then(|| Outcome { value: (done_day - day) as u32, known_on: done_day })
            }
            Self::HowMany { days } => {
                let end = day + days as i32;
                (end <= as_of)
                    .then(|| Outcome { value: (history.done_by(end) - history.done_by(day)) as u32, known_on: end })
            }
        }
    }
}

/// What really happened after a forecast.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Outcome {
    /// Days until done ("when") or items done ("how many").
    pub value: u32,
    /// The Julian day on which the outcome became known.
    pub known_on: i32,
}

impl RawForecast {
    /// The forecast value at a surprise threshold (see `percentiles::surprise_of_level`):
    /// days for "when" (`None` beyond the horizon), items for "how many".
    pub(crate) fn value_for_surprise(&self, surprise: f64) -> Option<u32> {
        match self {
            Self::When(f) => f.days_for_surprise(surprise),
            Self::HowMany(f) => Some(f.count_for_surprise(surprise)),
        }
    }

    /// Whether the outcome came in at or before the forecast value: no later than the forecast
    /// day, or at least the forecast count. A "when" forecast beyond the horizon (`None`) is met.
    pub(crate) fn is_hit(&self, forecast: Option<u32>, outcome: u32) -> bool {
        match (self, forecast) {
            (_, None) => true,
            (Self::When(_), Some(days)) => outcome <= days,
            (Self::HowMany(_), Some(count)) => outcome >= count,
        }
    }

    /// The outcome's surprise under this forecast: `-ln P(an outcome at least as bad)`. A
    /// forecast at surprise threshold `s` is met exactly when the outcome's surprise is below `s`.
    pub(crate) fn surprise_of(&self, outcome: u32) -> f64 {
        match self {
            // At least as late as `outcome` days: not done within outcome - 1 days.
            Self::When(f) => -f.log_survival(outcome.saturating_sub(1)),
            Self::HowMany(f) => f.surprise_of(outcome),
        }
    }
}
