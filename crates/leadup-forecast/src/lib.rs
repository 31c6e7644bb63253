//! leadup's forecasts: how long until N items are done, how many will be done in D days, how
//! honest such forecasts have been on a team's own history, and how to make them honest.
//!
//! - [`exact`]: the exact distributions for one team and one question (no sampling).
//! - [`throughput`]: daily done counts, their distribution, and a team's done dates.
//! - [`flow`]: flow metrics over a window of days: throughput, cycle time, work in progress,
//!   aging, and started versus finished.
//! - [`backtest`](mod@backtest): walk-forward replays of a team's history that measure how
//!   often forecasts were met, per percentile.
//! - [`calibration`]: learning from a team's own past forecast errors (and other teams') how
//!   far to widen its forecasts so that they are met as often as they claim.
//! - [`team`]: calibrated forecasts, and a team's forecast with its backtested calibration.
//! - [`montecarlo`]: several initiatives sharing a team's throughput (priority order, WIP
//!   limit, splitting, risks), seeded and identical for any number of threads.
//! - [`reference`](mod@reference): the public reference histories every calibration pools into its prior,
//!   compiled in.
//! - [`rng`]: the small seeded generator the simulation draws from.
//!
//! Everything here is a pure function of its inputs: no IO, no async, no clock.

pub mod backtest;
pub mod calibration;
pub mod error;
pub mod exact;
pub mod flow;
pub mod montecarlo;
pub mod percentiles;
pub mod question;
pub mod reference;
pub mod rng;
pub mod team;
pub mod throughput;

pub use backtest::{BacktestForecast, BacktestReport, BacktestSettings, Method, backtest};
pub use calibration::{Basis, Calibration, CalibrationSettings, MIN_CALIBRATION_DAYS, PastForecasts, Prior};
pub use error::ForecastError;
pub use exact::{HowManyForecast, WhenForecast, WhenOptions, how_many, when, when_with};
pub use flow::{Aging, CycleTime, CycleTimePoint, FlowItem, FlowMetrics, WeekCount, Window, flow_metrics};
pub use montecarlo::{Completion, Initiative, Portfolio, PortfolioForecast, Risk, Simulation, SplitRate, simulate};
pub use percentiles::{LEVELS, Percentiles};
pub use question::Question;
pub use reference::ReferenceHistories;
pub use team::{
    CalibratedCompletion, CalibratedHowMany, CalibratedWhen, TeamForecast, TeamSettings, calibrated_how_many,
    calibrated_when, team_backtest, team_how_many, team_when,
};
pub use throughput::{DailyDistribution, TeamHistory, daily_throughput};
