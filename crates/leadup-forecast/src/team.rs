//! Calibrated forecasts, and a team's forecast together with how well it has been calibrated.
//!
//! [`calibrated_when`] and [`calibrated_how_many`] apply a learned [`Calibration`] to the exact
//! distribution of a throughput history. [`team_when`] and [`team_how_many`] do everything a
//! team forecast needs from a team's done dates: learn the calibration from the team's own
//! past (and a prior, if given), forecast, and backtest exactly this method on the team's
//! history, so every forecast can state how often such forecasts were met.

use serde::Serialize;
use time::Date;

use crate::ForecastError;
use crate::backtest::{BacktestReport, BacktestSettings, Method, backtest};
use crate::calibration::{Calibration, CalibrationSettings, PastForecasts, Prior};
use crate::exact::{HowManyForecast, WhenForecast, WhenOptions};
use crate::montecarlo::Completion;
use crate::percentiles::{LEVELS, Percentiles};
use crate::question::{Question, RawForecast};
use crate::throughput::{DailyDistribution, TeamHistory};

/// "When will N items be done?", calibrated.
#[derive(Debug, Clone)]
pub struct CalibratedWhen {
    raw: RawForecast,
    calibration: Calibration,
}

/// Applies `calibration` (learned for "when" with the same number of items) to the exact
/// forecast from a daily throughput history (oldest first).
pub fn calibrated_when(
    history: &[u32],
    items: u32,
    calibration: &Calibration,
) -> Result<CalibratedWhen, ForecastError> {
    check_question(calibration, Question::When { items })?;
    let raw = WhenForecast::new(DailyDistribution::new(history)?, items, WhenOptions::default())?;
    Ok(CalibratedWhen { raw: RawForecast::When(raw), calibration: calibration.clone() })
}

impl CalibratedWhen {
    /// The uncalibrated (raw model) forecast.
    pub fn raw(&self) -> &WhenForecast {
        match &self.raw {
            RawForecast::When(f) => f,
            RawForecast::HowMany(_) => unreachable!("built from a when forecast"),
        }
    }

    /// The calibration applied.
    pub fn calibration(&self) -> &Calibration {
        &self.calibration
    }

    /// The smallest number of days `d` with calibrated P(done within d days) ≥ `level`, or
    /// `None` beyond the horizon.
    pub fn percentile(&self, level: f64) -> Option<u32> {
        self.calibration.value(&self.raw, level)
    }

    /// Calibrated P50/P70/P85/P95 in days.
    pub fn percentiles(&self) -> Result<Percentiles, ForecastError> {
        let mut values = [0; 4];
        for (value, level) in values.iter_mut().zip(LEVELS) {
            *value = self.percentile(level).ok_or(ForecastError::HorizonExceeded {
                level,
                max_days: WhenOptions::default().max_days,
                probability_done: self.probability_within(WhenOptions::default().max_days),
            })?;
        }
        Ok(Percentiles::from_array(values))
    }

    /// Calibrated P(all items done within `days` days). Where the raw model holds that
    /// impossible (no history day mix finishes them that soon) it stays impossible: the past
    /// outcomes at surprise 0 are those that came no earlier than the raw model's first
    /// possible day, which says nothing of earlier days.
    pub fn probability_within(&self, days: u32) -> f64 {
        let surprise = -self.raw().log_survival(days);
        if surprise <= 0.0 {
            return 0.0;
        }
        self.calibration.probability_within(surprise)
    }
}

/// "How many items in D days?", calibrated.
#[derive(Debug, Clone)]
pub struct CalibratedHowMany {
    raw: RawForecast,
    calibration: Calibration,
}

/// Applies `calibration` (learned for "how many" over the same number of days) to the exact
/// forecast from a daily throughput history (oldest first).
pub fn calibrated_how_many(
    history: &[u32],
    days: u32,
    calibration: &Calibration,
) -> Result<CalibratedHowMany, ForecastError> {
    check_question(calibration, Question::HowMany { days })?;
    let raw = HowManyForecast::new(&DailyDistribution::new(history)?, days)?;
    Ok(CalibratedHowMany { raw: RawForecast::HowMany(raw), calibration: calibration.clone() })
}

impl CalibratedHowMany {
    /// The uncalibrated (raw model) forecast.
    pub fn raw(&self) -> &HowManyForecast {
        match &self.raw {
            RawForecast::HowMany(f) => f,
            RawForecast::When(_) => unreachable!("built from a how-many forecast"),
        }
    }

    /// The calibration applied.
    pub fn calibration(&self) -> &Calibration {
        &self.calibration
    }

    /// The largest count `c` with calibrated P(at least c items) ≥ `level`.
    pub fn percentile(&self, level: f64) -> u32 {
        self.calibration.value(&self.raw, level).unwrap_or(0)
    }

    /// Calibrated P50/P70/P85/P95 in items.
    pub fn percentiles(&self) -> Percentiles {
        Percentiles::from_array(LEVELS.map(|q| self.percentile(q)))
    }

    /// Calibrated P(at least `count` items done).
    pub fn probability_at_least(&self, count: u32) -> f64 {
        match count.checked_sub(1) {
            None => 1.0,
            Some(below) => self.calibration.probability_within(self.raw().surprise_of(below)),
        }
    }
}

/// A simulated completion (one initiative of a [`crate::Portfolio`]) recalibrated with what a
/// team's past forecasts taught: the calibration learned for "when will the next N items be
/// done?", N being the team's items that must be finished before this initiative is, maps each
/// nominal level to the raw level the simulation is read at, as [`CalibratedWhen`] does for the
/// exact distribution.
#[derive(Debug, Clone)]
pub struct CalibratedCompletion {
    completion: Completion,
    calibration: Calibration,
}

impl CalibratedCompletion {
    /// `completion` read through `calibration`.
    pub fn new(completion: Completion, calibration: Calibration) -> Self {
        Self { completion, calibration }
    }

    /// The smallest number of days `d` with calibrated P(done within d days) ≥ `level`, or
    /// `None` beyond the simulated horizon.
    pub fn percentile(&self, level: f64) -> Option<u32> {
        self.completion.percentile(self.calibration.raw_level(level).min(1.0))
    }

    /// Calibrated P50/P70/P85/P95 in days, or `None` if P95 lies beyond the horizon.
    pub fn percentiles(&self) -> Option<Percentiles> {
        let mut values = [0; 4];
        for (value, level) in values.iter_mut().zip(LEVELS) {
            *value = self.percentile(level)?;
        }
        Some(Percentiles::from_array(values))
    }

    /// Calibrated P(done within `days` days). What no trial reached stays impossible and what
    /// every trial reached stays certain.
    pub fn probability_within(&self, days: u32) -> f64 {
        let raw = self.completion.probability_within(days);
        if raw <= 0.0 {
            0.0
        } else if raw >= 1.0 {
            1.0
        } else {
            self.calibration.probability_within(-(-raw).ln_1p())
        }
    }
}

fn check_question(calibration: &Calibration, asked: Question) -> Result<(), ForecastError> {
    if calibration.question() == asked {
        Ok(())
    } else {
        Err(ForecastError::QuestionMismatch { learned: calibration.question().to_string(), asked: asked.to_string() })
    }
}

/// How a team forecast is made and checked.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TeamSettings {
    /// Days of throughput history the forecast uses, ending on the forecast date. Default 90.
    pub history_days: u32,
    /// Days between the past forecast dates the backtest checks. Default 30.
    pub backtest_step_days: u32,
    /// How the calibration replays and weighs the past (its `history_days` is ignored in favour
    /// of the field above).
    pub calibration: CalibrationSettings,
}

impl Default for TeamSettings {
    fn default() -> Self {
        Self { history_days: 90, backtest_step_days: 30, calibration: CalibrationSettings::default() }
    }
}

impl TeamSettings {
    /// The calibration settings with this forecast's history window.
    pub fn calibration_settings(&self) -> CalibrationSettings {
        CalibrationSettings { history_days: self.history_days, ..self.calibration }
    }
}

/// A team's calibrated forecast and the backtest of exactly this method on the team's own
/// history: how often such forecasts were met.
#[derive(Debug, Clone)]
pub struct TeamForecast<F> {
    /// The calibrated forecast.
    pub forecast: F,
    /// The walk-forward backtest of the calibrated method on the team's history up to the
    /// forecast date.
    pub backtest: BacktestReport,
}

/// "When will the next `items` items be done?" for a team, as of the end of `today`,
/// calibrated on its own past forecasts (and `prior`: other teams' past forecasts of the same
/// question, see [`Prior::replay`]), with the backtest of that method on its history. `own` is
/// the team's past forecasts of the question replayed from its history as of `today` or a later
/// day with [`TeamSettings::calibration_settings`], when they were kept from before; without it
/// they are replayed here.
pub fn team_when(
    history: &TeamHistory,
    today: Date,
    items: u32,
    settings: &TeamSettings,
    prior: Option<&Prior>,
    own: Option<&PastForecasts>,
) -> Result<TeamForecast<CalibratedWhen>, ForecastError> {
    let (known, calibration, backtest) = learn(history, today, Question::When { items }, settings, prior, own)?;
    let forecast = calibrated_when(&known.daily_throughput(today, settings.history_days), items, &calibration)?;
    Ok(TeamForecast { forecast, backtest })
}

/// "How many items in the next `days` days?" for a team, as of the end of `today`, calibrated
/// as [`team_when`] is.
pub fn team_how_many(
    history: &TeamHistory,
    today: Date,
    days: u32,
    settings: &TeamSettings,
    prior: Option<&Prior>,
    own: Option<&PastForecasts>,
) -> Result<TeamForecast<CalibratedHowMany>, ForecastError> {
    let (known, calibration, backtest) = learn(history, today, Question::HowMany { days }, settings, prior, own)?;
    let forecast = calibrated_how_many(&known.daily_throughput(today, settings.history_days), days, &calibration)?;
    Ok(TeamForecast { forecast, backtest })
}

/// The walk-forward backtest, up to the end of `today`, of the calibrated method
/// [`team_when`] and [`team_how_many`] use for `question`: what their forecasts state as
/// their calibration, without making today's forecast.
pub fn team_backtest(
    history: &TeamHistory,
    today: Date,
    question: Question,
    settings: &TeamSettings,
    prior: Option<&Prior>,
    own: Option<&PastForecasts>,
) -> Result<BacktestReport, ForecastError> {
    learn(history, today, question, settings, prior, own).map(|(_, _, report)| report)
}

fn learn(
    history: &TeamHistory,
    today: Date,
    question: Question,
    settings: &TeamSettings,
    prior: Option<&Prior>,
    own: Option<&PastForecasts>,
) -> Result<(TeamHistory, Calibration, BacktestReport), ForecastError> {
    let known = history.known_on(today).ok_or(ForecastError::NoDoneItems)?;
    let replayed;
    let past = if let Some(own) = own {
        own.check_made_for(&known, today, question, &settings.calibration_settings())?;
        own
    } else {
        replayed = PastForecasts::replay(&known, today, question, &settings.calibration_settings())?;
        &replayed
    };
    let calibration = Calibration::from_past(past, today, prior);
    let backtest_settings = BacktestSettings {
        question,
        history_days: settings.history_days,
        step_days: settings.backtest_step_days,
        end_margin_days: 0,
    };
    let mut report = backtest(&known, today, &backtest_settings, &Method::Replayed { own: past, prior })?;
    report.basis = calibration.basis();
    Ok((known, calibration, report))
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // The values compared are exact binary fractions.
mod tests {
    use time::macros::date;

    use super::*;

    /// A team whose pace halves every year: the raw model, fed the last 90 days, is always too
    /// optimistic, and calibration must learn to widen.
    fn slowing_team() -> TeamHistory {
        let start = date!(2020 - 01 - 01);
        let mut done = Vec::new();
        let mut rate = 4.0_f64;
        let mut debt = 0.0;
        for day in 0..(4 * 365) {
            if day % 365 == 364 {
                rate /= 2.0;
            }
            // Deterministic "noise": busy and quiet weeks.
            debt += rate * if (day / 7) % 2 == 0 { 1.6 } else { 0.4 };
            while debt >= 1.0 {
                done.push(start + time::Duration::days(day));
                debt -= 1.0;
            }
        }
        TeamHistory::new(done).unwrap()
    }

    #[test]
    fn calibration_widens_the_forecast_of_a_slowing_team() {
        let team = slowing_team();
        let today = team.last_done();
        let f = team_when(&team, today, 30, &TeamSettings::default(), None, None).unwrap();
        let raw = f.forecast.raw().percentiles();
        let calibrated = f.forecast.percentiles().unwrap();
        assert!(calibrated.p85 > raw.p85 && calibrated.p95 > raw.p95, "{raw:?} {calibrated:?}");
        assert!(f.forecast.probability_within(raw.p85) < 0.85);
        // The backtest covers the team's history and its forecasts are all scored.
        assert!(f.backtest.forecasts > 30, "{}", f.backtest.forecasts);
        let p = f.forecast.percentile(0.85).unwrap();
        assert!(f.forecast.probability_within(p) >= 0.85);
        assert!(f.forecast.probability_within(p - 1) < 0.85);
    }

    #[test]
    fn how_many_calibrated_is_consistent_with_its_probabilities() {
        let team = slowing_team();
        let f = team_how_many(&team, team.last_done(), 30, &TeamSettings::default(), None, None).unwrap();
        let p = f.forecast.percentiles();
        assert!(p.p95 <= f.forecast.raw().percentiles().p95);
        for (level, c) in LEVELS.into_iter().zip(p.to_array()) {
            assert!(f.forecast.probability_at_least(c) >= level - 1e-9, "{level}");
            assert!(f.forecast.probability_at_least(c + 1) < level, "{level}");
        }
        assert_eq!(f.forecast.probability_at_least(0), 1.0);
    }

    #[test]
    fn a_calibration_is_for_one_question() {
        let c = Calibration::raw(Question::When { items: 20 });
        assert!(matches!(calibrated_when(&[1, 2], 21, &c), Err(ForecastError::QuestionMismatch { .. })));
        assert!(matches!(calibrated_how_many(&[1, 2], 20, &c), Err(ForecastError::QuestionMismatch { .. })));
        // The raw calibration gives the raw forecast.
        let f = calibrated_when(&[1, 2, 0], 20, &c).unwrap();
        assert_eq!(f.percentiles().unwrap(), f.raw().percentiles());
        assert!((f.probability_within(10) - f.raw().probability_within(10)).abs() < 1e-12);
    }

    #[test]
    fn what_the_raw_model_holds_impossible_stays_impossible() {
        // One item every day: 10 items take exactly 10 days, and every past forecast was met.
        let start = date!(2026 - 01 - 01);
        let team = TeamHistory::new((0..200).map(|d| start + time::Duration::days(d))).unwrap();
        let f = team_when(&team, team.last_done(), 10, &TeamSettings::default(), None, None).unwrap();
        assert_eq!(f.forecast.percentiles().unwrap(), Percentiles::from_array([10; 4]));
        assert_eq!(f.forecast.probability_within(5), 0.0);
        assert_eq!(f.forecast.probability_within(9), 0.0);
        assert_eq!(f.forecast.probability_within(10), 1.0);
    }

    #[test]
    fn a_team_with_nothing_done_by_today_cannot_be_forecast() {
        let team = slowing_team();
        let err = team_when(&team, date!(2019 - 01 - 01), 5, &TeamSettings::default(), None, None).unwrap_err();
        assert_eq!(err, ForecastError::NoDoneItems);
    }

    #[test]
    fn a_kept_replay_gives_the_same_forecast_and_a_wrong_one_is_refused() {
        let team = slowing_team();
        let settings = TeamSettings::default();
        let question = Question::When { items: 30 };
        // Kept from a later day: it tells the calibrations of earlier days what they knew then.
        let own = PastForecasts::replay(&team, team.last_done(), question, &settings.calibration_settings()).unwrap();
        for today in [team.last_done(), team.last_done() - time::Duration::days(200)] {
            let fresh = team_when(&team, today, 30, &settings, None, None).unwrap();
            let kept = team_when(&team, today, 30, &settings, None, Some(&own)).unwrap();
            assert_eq!(kept.forecast.percentiles().unwrap(), fresh.forecast.percentiles().unwrap());
            assert_eq!(kept.backtest, fresh.backtest);
        }
        let err = team_when(&team, team.last_done(), 31, &settings, None, Some(&own)).unwrap_err().to_string();
        assert!(err.contains("replayed for \"when will 30 items be done\""), "{err}");
        let tomorrow = team.last_done() + time::Duration::days(1);
        assert!(team_when(&team, tomorrow, 30, &settings, None, Some(&own)).is_err());
    }
}
