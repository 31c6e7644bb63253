//! The one error type of the forecasting crate: every way a forecast's input can be unusable.

/// Why a forecast could not be made. Each variant names the offending input.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ForecastError {
    /// The throughput history has no days at all.
    #[error("the throughput history is empty: give at least one day")]
    EmptyHistory,
    /// Nothing was done on any day of the history, so no completion date can be forecast.
    #[error("the throughput history has nothing done on any of its {days} days, so no completion date can be forecast")]
    NoThroughput {
        /// Length of the history in days.
        days: usize,
    },
    /// `items` was zero; a "when" forecast needs at least one item.
    #[error("items must be at least 1")]
    ZeroItems,
    /// `days` was zero; a "how many" forecast needs at least one day.
    #[error("days must be at least 1")]
    ZeroDays,
    /// A "how many" forecast asked for more days than the engine computes exactly.
    #[error("days must be at most {max}, got {days}")]
    TooManyDays {
        /// The requested number of days.
        days: u32,
        /// The largest number of days allowed.
        max: u32,
    },
    /// The completion distribution did not reach the highest reported percentile within the horizon.
    #[error(
        "the forecast did not reach {level:.2} probability of being done within {max_days} days \
         (reached {probability_done:.4}); the throughput is too low for this many items"
    )]
    HorizonExceeded {
        /// The probability level that was not reached.
        level: f64,
        /// The horizon, in days.
        max_days: u32,
        /// P(done within `max_days` days).
        probability_done: f64,
    },
    /// A probability level outside the open interval (0, 1).
    #[error("probability level must be between 0 and 1 (exclusive), got {0}")]
    InvalidLevel(f64),
    /// A team history without any done item.
    #[error("the team has no done items, so there is no throughput to forecast from")]
    NoDoneItems,
    /// A prior weight that is negative or not finite.
    #[error("prior weight must be a finite number of at least 0, got {0}")]
    InvalidPriorWeight(f64),
    /// A calibration learned for one question was used for another.
    #[error("the calibration was learned for \"{learned}\" but the forecast asks \"{asked}\"")]
    QuestionMismatch {
        /// The question the calibration was learned for.
        learned: String,
        /// The question asked.
        asked: String,
    },
    /// An input value outside its allowed range.
    #[error("{field}: {message}")]
    InvalidParameter {
        /// Which input, as a path like `initiatives[1].risks[0].likelihood`.
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// A setting of a backtest or calibration that must be positive was zero.
    #[error("{field} must be at least 1")]
    ZeroSetting {
        /// The name of the setting.
        field: &'static str,
    },
}
