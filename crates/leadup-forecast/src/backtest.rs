//! Backtests: how honest a forecasting method has been on a team's own history.
//!
//! A backtest is walk-forward. At forecast dates every `step_days` days, from `history_days`
//! after the team's first done item until the last date whose outcome is known, it forecasts
//! from only what was known at the end of that date (the throughput of the `history_days` days
//! ending on it and, for calibrated forecasts, only past forecasts made before it), and counts
//! per percentile how often the real outcome came in at or before the forecast: done no later
//! than the forecast day, or at least the forecast count. An honest P85 is met 85% of the time.

use serde::{Serialize, Serializer};
use time::Date;

use crate::ForecastError;
use crate::calibration::{Basis, Calibration, CalibrationSettings, MIN_CALIBRATION_DAYS, PastForecasts, Prior};
use crate::percentiles::LEVELS;
use crate::question::Question;
use crate::throughput::{TeamHistory, date_of};

/// Which forecast dates a backtest replays, and what it forecasts there.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BacktestSettings {
    /// The question forecast at each date.
    pub question: Question,
    /// Days of throughput history each forecast uses.
    pub history_days: u32,
    /// Days between forecast dates.
    pub step_days: u32,
    /// Forecast dates stop this many days before the team's last done item (0: as late as an
    /// outcome is known). The shared data README's baseline uses 365.
    pub end_margin_days: u32,
}

impl BacktestSettings {
    /// "When will the next `items` be done?" every `step_days` days from `history_days` of
    /// history, as late as outcomes are known.
    pub fn when(items: u32, history_days: u32, step_days: u32) -> Self {
        Self { question: Question::When { items }, history_days, step_days, end_margin_days: 0 }
    }

    fn validate(self) -> Result<Self, ForecastError> {
        self.question.validate()?;
        if self.history_days == 0 {
            return Err(ForecastError::ZeroSetting { field: "history_days" });
        }
        if self.step_days == 0 {
            return Err(ForecastError::ZeroSetting { field: "step_days" });
        }
        Ok(self)
    }
}

/// The forecasting method a backtest replays.
#[derive(Debug, Clone, Copy)]
pub enum Method<'a> {
    /// The raw model: the throughput distribution as it is.
    Raw,
    /// Calibrated on the team's own earlier forecasts (and the prior, if any), as
    /// [`Calibration`] does for a live forecast.
    Calibrated {
        /// How the calibration replays and weighs the past; its `history_days` is ignored in
        /// favour of the backtest's.
        settings: CalibrationSettings,
        /// Other teams' past forecasts of the same question; only those known by each forecast
        /// date are used.
        prior: Option<&'a Prior>,
    },
    /// As `Calibrated`, from the team's past forecasts already replayed (for example to reuse
    /// them in several backtests or in other teams' priors). They must have been replayed with
    /// the backtest's question and history window and known no later than the backtest's
    /// `as_of`.
    Replayed {
        /// The team's own replayed forecasts.
        own: &'a PastForecasts,
        /// Other teams' past forecasts of the same question.
        prior: Option<&'a Prior>,
    },
}

/// One replayed forecast of a backtest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BacktestForecast {
    /// The date it was made (at the end of the day).
    pub date: Date,
    /// P50/P70/P85/P95; `None` where the forecast lies beyond the horizon.
    pub percentiles: [Option<u32>; 4],
    /// What really happened: days until done ("when") or items done ("how many").
    pub outcome: u32,
    /// Whether the outcome came in at or before each percentile.
    pub hits: [bool; 4],
}

/// The result of a backtest: how often real outcomes came in at or before each percentile.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BacktestReport {
    /// Forecasts made and scored.
    pub forecasts: usize,
    /// Forecast dates without a usable history (nothing done in the window), not counted.
    pub skipped: usize,
    /// Hits per level of [`LEVELS`].
    pub hits: [usize; 4],
    /// The individual forecasts, oldest first.
    pub details: Vec<BacktestForecast>,
    /// What the calibrated method rests on (the default for the raw model); a team forecast
    /// also sets whether its history is too short to calibrate today.
    pub basis: Basis,
}

impl BacktestReport {
    /// The share of forecasts met at `LEVELS[index]` (0 if there were none).
    pub fn hit_rate(&self, index: usize) -> f64 {
        if self.forecasts == 0 { 0.0 } else { self.hits[index] as f64 / self.forecasts as f64 }
    }

    /// The shares of forecasts met at P50, P70, P85 and P95.
    pub fn hit_rates(&self) -> [f64; 4] {
        [0, 1, 2, 3].map(|i| self.hit_rate(i))
    }

    /// One line to show beside a forecast: how often such forecasts were met on this history.
    ///
    /// ```
    /// let mut report = leadup_forecast::BacktestReport {
    ///     forecasts: 40,
    ///     skipped: 0,
    ///     hits: [21, 28, 34, 38],
    ///     ..Default::default()
    /// };
    /// assert_eq!(
    ///     report.statement(),
    ///     "backtested on 40 past forecasts of this team: P50 met 53% of the time, P70 70%, P85 85%, P95 95%"
    /// );
    /// report.basis = leadup_forecast::Basis { calibrated: true, reference_histories: 31, other_teams: 2, too_short_days: None };
    /// assert_eq!(
    ///     report.statement(),
    ///     "backtested on 40 past forecasts of this team, calibrated on its own record with the reference histories \
    ///      of 31 public projects and 2 other teams: P50 met 53% of the time, P70 70%, P85 85%, P95 95%"
    /// );
    /// ```
    pub fn statement(&self) -> String {
        use std::fmt::Write;
        let basis = &self.basis;
        let sources = basis.prior_sources();
        let mut out = String::new();
        if let Some(days) = basis.too_short_days {
            out = format!(
                "too short to calibrate: this team's {days} days of history (fewer than {MIN_CALIBRATION_DAYS}) count for nothing, so {}",
                match &sources {
                    Some(sources) => format!("the forecast leans on {sources}"),
                    None => "this is the raw model, which is usually over-confident".to_owned(),
                }
            );
            if self.forecasts == 0 {
                return out;
            }
            out.push_str("; ");
        }
        if self.forecasts == 0 {
            out.push_str("not backtested: this team's history is too short to check a past forecast");
            if let Some(sources) = sources.filter(|_| basis.calibrated) {
                let _ = write!(out, "; calibrated with {sources}");
            }
            return out;
        }
        let [p50, p70, p85, p95] = self.hit_rates().map(|r| (r * 100.0).round());
        let calibrated = match (basis.calibrated, sources) {
            (false, _) => String::new(),
            (true, Some(sources)) => format!(", calibrated on its own record with {sources}"),
            (true, None) => ", calibrated on its own record alone".to_owned(),
        };
        let _ = write!(
            out,
            "backtested on {} past forecasts of this team{calibrated}: P50 met {p50}% of the time, P70 {p70}%, P85 {p85}%, P95 {p95}%",
            self.forecasts
        );
        out
    }

    /// Several teams' backtests pooled into one (forecasts and hits summed; details kept).
    pub fn pooled<'a>(reports: impl IntoIterator<Item = &'a Self>) -> Self {
        let mut pooled = Self::default();
        for r in reports {
            pooled.forecasts += r.forecasts;
            pooled.skipped += r.skipped;
            for (sum, h) in pooled.hits.iter_mut().zip(r.hits) {
                *sum += h;
            }
            pooled.details.extend(r.details.iter().cloned());
        }
        pooled
    }
}

impl Serialize for BacktestReport {
    /// `forecasts`, `p50_hit`, `p70_hit`, `p85_hit`, `p95_hit` (shares in 0..1) and `skipped`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Json {
            forecasts: usize,
            p50_hit: f64,
            p70_hit: f64,
            p85_hit: f64,
            p95_hit: f64,
            skipped: usize,
        }
        let [p50_hit, p70_hit, p85_hit, p95_hit] = self.hit_rates();
        Json { forecasts: self.forecasts, p50_hit, p70_hit, p85_hit, p95_hit, skipped: self.skipped }
            .serialize(serializer)
    }
}

/// Backtests `method` on a team's history as known at the end of `as_of`.
pub fn backtest(
    history: &TeamHistory,
    as_of: Date,
    settings: &BacktestSettings,
    method: &Method<'_>,
) -> Result<BacktestReport, ForecastError> {
    let settings = settings.validate()?;
    let question = settings.question;
    let as_of_day = as_of.to_julian_day();
    let replayed;
    let (own, prior) = match *method {
        Method::Raw => (None, None),
        Method::Calibrated { settings: calibration, prior } => {
            let calibration = CalibrationSettings { history_days: settings.history_days, ..calibration };
            replayed = PastForecasts::replay(history, as_of, question, &calibration)?;
            (Some(&replayed), prior)
        }
        Method::Replayed { own, prior } => {
            if own.question() != question {
                return Err(ForecastError::QuestionMismatch {
                    learned: own.question().to_string(),
                    asked: question.to_string(),
                });
            }
            (Some(own), prior)
        }
    };
    let end = history.last_day().min(as_of_day) - settings.end_margin_days as i32;
    let mut report = BacktestReport::default();
    if own.is_some() {
        report.basis.calibrated = true;
        if let Some(prior) = prior {
            report.basis.reference_histories = prior.reference_histories();
            report.basis.other_teams = prior.other_teams();
        }
    }
    let mut day = history.first_day() + settings.history_days as i32;
    while day <= end {
        let Some(outcome) = question.outcome(history, day, as_of_day) else {
            // Outcomes of "when" become unknown from here on; of "how many" too.
            break;
        };
        let step_day = day;
        day += settings.step_days as i32;
        let Ok(raw) = question.forecast(&history.throughput_ending(step_day, settings.history_days)) else {
            report.skipped += 1;
            continue;
        };
        let calibration = match own {
            None => Calibration::raw(question),
            Some(past) => Calibration::from_past(past, date_of(step_day), prior),
        };
        let percentiles = LEVELS.map(|q| calibration.value(&raw, q));
        let hits = percentiles.map(|p| raw.is_hit(p, outcome.value));
        report.forecasts += 1;
        for (sum, hit) in report.hits.iter_mut().zip(hits) {
            *sum += usize::from(hit);
        }
        report.details.push(BacktestForecast { date: date_of(step_day), percentiles, outcome: outcome.value, hits });
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn reports_serialize_with_the_cli_keys() {
        let report = BacktestReport { forecasts: 4, skipped: 1, hits: [2, 3, 3, 4], ..Default::default() };
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"forecasts": 4, "p50_hit": 0.5, "p70_hit": 0.75, "p85_hit": 0.75, "p95_hit": 1.0, "skipped": 1})
        );
    }

    #[test]
    fn a_steady_team_is_backtested_walk_forward() {
        // Two items every day for 300 days: every forecast of "the next 10" is 5 days, exactly.
        let start = date!(2024 - 01 - 01);
        let done = (0..300).flat_map(|d| [start + time::Duration::days(d); 2]);
        let team = TeamHistory::new(done).unwrap();
        let settings = BacktestSettings::when(10, 30, 10);
        let report = backtest(&team, team.last_done(), &settings, &Method::Raw).unwrap();
        // Forecast dates: day 30, 40, ..., up to the last date whose next 10 are known (day 294).
        assert_eq!(report.forecasts, 27);
        assert_eq!(report.hits, [27; 4]);
        assert!(report.details.iter().all(|f| f.outcome == 5 && f.percentiles == [Some(5); 4]));
        assert_eq!(report.details[0].date, date!(2024 - 01 - 31));
        // Calibrated on its own (perfect) record it stays exact.
        let method = Method::Calibrated { settings: CalibrationSettings::with_history_days(30), prior: None };
        let calibrated = backtest(&team, team.last_done(), &settings, &method).unwrap();
        assert_eq!(calibrated.hits, [27; 4]);
        assert!(calibrated.details.iter().all(|f| f.percentiles == [Some(5); 4]));
        // Nothing known beyond as_of is used: as of day 100 only forecasts up to day 94 are scored.
        let early = backtest(&team, start + time::Duration::days(100), &settings, &Method::Raw).unwrap();
        assert_eq!(early.forecasts, 7);
    }

    #[test]
    fn zero_settings_are_rejected() {
        let team = TeamHistory::new([date!(2024 - 01 - 01)]).unwrap();
        let bad = BacktestSettings::when(10, 30, 0);
        let err = backtest(&team, team.last_done(), &bad, &Method::Raw).unwrap_err();
        assert_eq!(err, ForecastError::ZeroSetting { field: "step_days" });
    }
}
