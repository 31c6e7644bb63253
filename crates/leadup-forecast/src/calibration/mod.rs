//! Calibration: learning from a team's own past forecast errors how far to widen its forecasts.
//!
//! # Method: quantile recalibration on the "surprise" scale, with censoring and a prior
//!
//! The raw model is over-confident on real teams: their pace changes, so real outcomes spread
//! wider than i.i.d. days predict. Calibration replays the team's past: at regular past dates
//! it makes the raw forecast from what was known then, waits for the real outcome and records
//! how surprising that outcome was to the raw forecast, `-ln P(an outcome at least as bad)`
//! (a log-scaled probability integral transform). If the raw model were honest, these
//! surprises would follow the standard exponential distribution and the raw Pxx would sit at
//! surprise `-ln(1 - xx)`. Instead, calibration puts the nominal Pxx at the xx-quantile of the
//! past surprises: xx of past outcomes would have come in at or before it, and so, if the
//! team's surprises are stable over time, will xx of future ones. This is quantile
//! recalibration (Kuleshov, Fenner and Ermon, ICML 2018), the idea behind split conformal
//! prediction. Working on the log scale keeps far tails exact, where an over-confident raw
//! forecast gives real outcomes probabilities like 1e-12.
//!
//! Three refinements make it work on short, live histories:
//! - **Censoring.** At any date the most recent past forecasts have no outcome yet, and those
//!   still pending are precisely the slow ones; dropping them would bias calibration toward
//!   optimism. A pending "when" forecast still tells that its surprise is at least that of
//!   "not done yet", so the distribution of surprises is estimated with the Kaplan-Meier
//!   estimator, which uses such right-censored observations. Mass the estimator leaves above
//!   the largest pending forecast follows the prior's (or else the raw model's) tail.
//! - **A prior.** A team with a short record borrows strength from other teams: its surprise
//!   distribution is a mixture of its own estimate, weighted by its effective number of
//!   observations, and the pooled estimate of other teams' past forecasts ([`Prior`], passed
//!   in explicitly: leadup pools the reference histories shipped with it,
//!   [`crate::reference`](mod@crate::reference), with the workspace's other teams), as in a Dirichlet-process
//!   posterior. The prior weighs [`CalibrationSettings::prior_weight`] at most, and never more
//!   than the effective number of observations it holds itself (computed as for the team's
//!   own, team by team, and summed), so a prior of one tiny team cannot outweigh a team's own
//!   record. Each team in a prior is used only as known on the forecast's date: forecasts
//!   made before it, outcomes known by then, pending ones as lower bounds. Without a prior, a
//!   team's own record is used alone; the raw model only fills in before the first
//!   observation and above the largest pending one.
//! - **Too short to calibrate.** A team whose history (from its first done item to the
//!   forecast's date) is shorter than [`MIN_CALIBRATION_DAYS`] has no record worth the name:
//!   its own past forecasts count for nothing and the calibration is the prior's alone
//!   ([`Calibration::too_short_days`] says so).
//! - **Order independence.** A prior pools its teams' observations as sorted values and sums
//!   their weights in sorted order, so the same teams give the same calibration whatever order
//!   they come in.
//! - **Effective sample size.** Replayed forecasts overlap: two forecasts a week apart share
//!   most of their history window and most of the days until their outcome, so they are
//!   nearly one observation, not two. The team's observations therefore count
//!   `replay_step_days / (history_days + mean days to outcome)` each (at most 1), roughly the
//!   number of non-overlapping forecasts in the record. This only sets how fast a team's own
//!   record outweighs the prior; it also makes the result insensitive to `replay_step_days`.
//!
//! Nothing here is fitted to a data set: the settings are structural (how often to replay, how
//! many independent forecasts the prior is worth), and [`CalibrationSettings::default`]
//! documents the choices. `CALIBRATION.md` in this crate gives the backtested figures on 31
//! Apache projects (`tests/apache_calibration.rs` checks them).

use std::sync::Arc;

use serde::Serialize;
use time::Date;

use crate::ForecastError;
use crate::exact::{HowManyForecast, WhenForecast};
use crate::percentiles::surprise_of_level;
use crate::question::{Question, RawForecast};
use crate::throughput::{self, DailyDistribution, TeamHistory};

mod stored;

/// How a calibration replays and weighs the past.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CalibrationSettings {
    /// Days of throughput history each forecast uses (the same window as the forecasts shown).
    pub history_days: u32,
    /// A past forecast is replayed every this many days. Default 7 (weekly): fresh feedback at
    /// little cost; thanks to the effective-sample-size weighting the result hardly depends
    /// on it.
    pub replay_step_days: u32,
    /// How many independent forecasts of the team's own the prior is worth. Default 20: a
    /// team's record outweighs the prior once it holds more than 20 non-overlapping forecasts,
    /// which with 90-day windows and outcomes a month or two away takes six to eight years.
    /// Results on the Apache data hardly move between 5 and 40 (see `CALIBRATION.md`).
    pub prior_weight: f64,
}

impl CalibrationSettings {
    /// The defaults with the given history window.
    pub fn with_history_days(history_days: u32) -> Self {
        Self { history_days, ..Self::default() }
    }

    pub(crate) fn validate(self) -> Result<Self, ForecastError> {
        if self.history_days == 0 {
            return Err(ForecastError::ZeroSetting { field: "history_days" });
        }
        if self.replay_step_days == 0 {
            return Err(ForecastError::ZeroSetting { field: "replay_step_days" });
        }
        if !(self.prior_weight >= 0.0 && self.prior_weight.is_finite()) {
            return Err(ForecastError::InvalidPriorWeight(self.prior_weight));
        }
        Ok(self)
    }
}

impl Default for CalibrationSettings {
    fn default() -> Self {
        Self { history_days: 90, replay_step_days: 7, prior_weight: 20.0 }
    }
}

/// Histories shorter than this many days (from the first done item to the forecast's date,
/// both included) are too short to calibrate: their own past forecasts count for nothing.
pub const MIN_CALIBRATION_DAYS: i32 = 60;

/// One replayed past forecast and what became of it.
#[derive(Debug, Clone, PartialEq)]
struct PastForecast {
    /// Julian day the forecast was made (at the end of the day).
    made_on: i32,
    /// For "when": the surprise already certain after `e` days without the outcome, `e = 0..`.
    pending: Vec<f64>,
    /// The outcome's surprise and the Julian day it became known.
    outcome: Option<(f64, i32)>,
}

/// A known outcome of a past forecast: its surprise, the day it became known, the day the
/// forecast was made.
type KnownOutcome = (f64, i32, i32);

/// What past forecasts tell on a given day.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Observed {
    /// Surprises of the outcomes known by then, ascending.
    known: Vec<f64>,
    /// Lower bounds of the surprises of "when" forecasts still pending, ascending.
    pending: Vec<f64>,
    /// Days covered: from each forecast until its outcome, or until the day if pending.
    covered_days: i64,
}

impl Observed {
    fn len(&self) -> usize {
        self.known.len() + self.pending.len()
    }

    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Collects what `forecasts` (ordered by the day made) tell at the end of `day`, given
    /// their known outcomes ordered by surprise.
    fn collect<'a>(
        known_by_surprise: &[KnownOutcome],
        forecasts: impl IntoIterator<Item = &'a [PastForecast]>,
        day: i32,
    ) -> Self {
        let mut out = Self::default();
        for &(surprise, known_on, made_on) in known_by_surprise {
            if known_on <= day {
                out.known.push(surprise);
                out.covered_days += i64::from(known_on - made_on);
            }
        }
        for team in forecasts {
            let made = team.partition_point(|f| f.made_on < day);
            for f in &team[..made] {
                if f.outcome.is_some_and(|(_, known_on)| known_on <= day) {
                    continue;
                }
                let elapsed = day - f.made_on;
                // "How many" forecasts tell nothing until their outcome (no pending bounds).
                if let Some(&bound) = f.pending.get(elapsed as usize).or(f.pending.last())
                    && bound > 0.0
                {
                    out.pending.push(bound);
                    out.covered_days += i64::from(elapsed);
                }
            }
        }
        out.pending.sort_unstable_by(f64::total_cmp);
        out
    }
}

/// A team's replayed past forecasts for one question, ordered by the day they were made.
#[derive(Debug, Clone, PartialEq)]
pub struct PastForecasts {
    question: Question,
    settings: CalibrationSettings,
    /// Julian day of the team's first done item.
    first_day: i32,
    /// Julian day at whose end the outcomes were last looked at.
    as_of: i32,
    forecasts: Vec<PastForecast>,
    /// The known outcomes, ascending by surprise.
    known_by_surprise: Vec<KnownOutcome>,
}

impl PastForecasts {
    /// Replays the raw forecast every `settings.replay_step_days` days, from `history_days`
    /// after the first done item until `as_of`, using at each date only the items done by then,
    /// and records the outcomes known by the end of `as_of`.
    pub fn replay(
        history: &TeamHistory,
        as_of: Date,
        question: Question,
        settings: &CalibrationSettings,
    ) -> Result<Self, ForecastError> {
        let question = question.validate()?;
        let settings = settings.validate()?;
        let as_of = as_of.to_julian_day();
        let mut forecasts = Vec::new();
        let mut day = history.first_day() + settings.history_days as i32;
        while day < as_of {
            if let Some(past) = replay_one(history, day, as_of, question, settings.history_days) {
                forecasts.push(past);
            }
            day += settings.replay_step_days as i32;
        }
        let known_by_surprise = known_by_surprise(&forecasts);
        Ok(Self { question, settings, first_day: history.first_day(), as_of, forecasts, known_by_surprise })
    }

    /// The day at whose end the outcomes were last looked at.
    pub fn as_of(&self) -> Date {
        throughput::date_of(self.as_of)
    }

    /// The settings the forecasts were replayed with.
    pub fn settings(&self) -> &CalibrationSettings {
        &self.settings
    }

    /// The question these forecasts answered.
    pub fn question(&self) -> Question {
        self.question
    }

    /// The number of replayed forecasts.
    pub fn len(&self) -> usize {
        self.forecasts.len()
    }

    /// Whether no forecast could be replayed.
    pub fn is_empty(&self) -> bool {
        self.forecasts.is_empty()
    }

    /// What these forecasts tell at the end of Julian day `day`, and how many independent
    /// observations that is worth (see the module documentation).
    pub(crate) fn observed_on(&self, day: i32) -> (Observed, f64) {
        let observed = Observed::collect(&self.known_by_surprise, [self.forecasts.as_slice()], day);
        if observed.is_empty() {
            return (observed, 0.0);
        }
        let n = observed.len() as f64;
        let span = f64::from(self.settings.history_days) + observed.covered_days as f64 / n;
        let effective = n * (f64::from(self.settings.replay_step_days) / span).min(1.0);
        (observed, effective)
    }
}

fn known_by_surprise<'a>(forecasts: impl IntoIterator<Item = &'a PastForecast>) -> Vec<KnownOutcome> {
    let mut known: Vec<KnownOutcome> =
        forecasts.into_iter().filter_map(|f| f.outcome.map(|(s, known_on)| (s, known_on, f.made_on))).collect();
    known.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    known
}

fn replay_one(
    history: &TeamHistory,
    day: i32,
    as_of: i32,
    question: Question,
    history_days: u32,
) -> Option<PastForecast> {
    let daily = DailyDistribution::new(&history.throughput_ending(day, history_days)).ok()?;
    let outcome = question.outcome(history, day, as_of);
    match question {
        Question::When { items } => {
            // The surprise of "not done after e days" for every day e the outcome was pending; the
            // outcome's own surprise is that of "not done after outcome - 1 days".
            let days = outcome.map_or((as_of - day) as u32, |o| o.value);
            let mut pending = WhenForecast::surprise_curve_of(&daily, items, days)?;
            let outcome = outcome.map(|o| (pending[o.value as usize - 1], o.known_on));
            if outcome.is_some() {
                pending.pop();
            }
            Some(PastForecast { made_on: day, pending, outcome })
        }
        Question::HowMany { days } => {
            let raw = RawForecast::HowMany(HowManyForecast::new(&daily, days).ok()?);
            Some(PastForecast {
                made_on: day,
                pending: Vec::new(),
                outcome: outcome.map(|o| (raw.surprise_of(o.value), o.known_on)),
            })
        }
    }
}

/// Past forecasts of other teams, pooled, for a team to start from: the reference histories
/// shipped with leadup ([`crate::reference`](mod@crate::reference)) and the workspace's other teams.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Prior {
    /// Shared, so that replays of the reference histories can be reused by many priors.
    teams: Vec<Arc<PastForecasts>>,
    /// How many of `teams` (the first ones) are reference histories.
    reference: usize,
}

/// What a prior holds on a day: its pooled observations and what they are worth.
struct PriorObserved {
    observed: Observed,
    effective: f64,
}

impl Prior {
    /// A prior from the replayed past forecasts of other teams of the workspace. A calibration
    /// uses those of its own question only.
    pub fn new(teams: Vec<PastForecasts>) -> Self {
        Self::pooled(Vec::new(), teams)
    }

    /// A prior pooling the reference histories' replayed past forecasts (see
    /// [`crate::ReferenceHistories::replay`]) with those of the workspace's other teams.
    pub fn pooled(reference: Vec<Arc<PastForecasts>>, others: Vec<PastForecasts>) -> Self {
        let reference_len = reference.len();
        let mut teams = reference;
        teams.extend(others.into_iter().map(Arc::new));
        Self { teams, reference: reference_len }
    }

    /// A prior from replayed past forecasts of other teams of the workspace that are shared
    /// with other priors (a process keeps replays to reuse them).
    pub fn shared(teams: Vec<Arc<PastForecasts>>) -> Self {
        Self { teams, reference: 0 }
    }

    /// This prior with the reference histories' replayed past forecasts pooled in.
    #[must_use]
    pub fn with_reference(mut self, reference: Vec<Arc<PastForecasts>>) -> Self {
        self.reference += reference.len();
        let others = self.teams.split_off(self.reference - reference.len());
        self.teams.extend(reference);
        self.teams.extend(others);
        self
    }

    /// Replays other teams' histories as known at the end of `as_of` for `question`.
    pub fn replay<'a>(
        teams: impl IntoIterator<Item = &'a TeamHistory>,
        as_of: Date,
        question: Question,
        settings: &CalibrationSettings,
    ) -> Result<Self, ForecastError> {
        let teams = teams
            .into_iter()
            .filter_map(|h| h.known_on(as_of))
            .map(|h| PastForecasts::replay(&h, as_of, question, settings))
            .collect::<Result<_, _>>()?;
        Ok(Self::new(teams))
    }

    /// The number of replayed forecasts in the prior.
    pub fn len(&self) -> usize {
        self.teams.iter().map(|t| t.len()).sum()
    }

    /// Whether the prior holds no forecast.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The number of reference histories pooled in.
    pub fn reference_histories(&self) -> usize {
        self.reference
    }

    /// The number of the workspace's other teams pooled in.
    pub fn other_teams(&self) -> usize {
        self.teams.len() - self.reference
    }

    /// What the prior tells at the end of Julian day `day`: every team's observations pooled,
    /// worth the sum of each team's effective number of observations.
    fn observed_on(&self, day: i32, question: Question) -> PriorObserved {
        let mut observed = Observed::default();
        let mut effective = Vec::new();
        for team in self.teams.iter().filter(|t| t.question == question) {
            let (own, worth) = team.observed_on(day);
            observed.known.extend(own.known);
            observed.pending.extend(own.pending);
            observed.covered_days += own.covered_days;
            effective.push(worth);
        }
        // Sorted, so that the same teams in any order give the same values and the same sum.
        observed.known.sort_unstable_by(f64::total_cmp);
        observed.pending.sort_unstable_by(f64::total_cmp);
        effective.sort_unstable_by(f64::total_cmp);
        PriorObserved { observed, effective: effective.iter().sum() }
    }
}

/// A learned calibration: where each nominal level sits on the raw forecast's surprise scale.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Calibration {
    question: Question,
    /// The team's own replayed forecasts that told something.
    own_observations: usize,
    /// What they are worth as independent observations.
    own_effective: f64,
    /// Other teams' replayed forecasts in the prior that told something.
    prior_observations: usize,
    /// The weight the prior was given: its effective number of observations, at most
    /// [`CalibrationSettings::prior_weight`].
    prior_effective: f64,
    /// Reference histories in the prior.
    reference_histories: usize,
    /// The workspace's other teams in the prior.
    other_teams: usize,
    /// Days of the team's history, when fewer than [`MIN_CALIBRATION_DAYS`].
    too_short_days: Option<u32>,
    /// The learned distribution of surprises; `None` for the raw model.
    #[serde(skip)]
    surprises: Option<Atoms>,
}

impl Calibration {
    /// No calibration: the raw model's own levels.
    pub fn raw(question: Question) -> Self {
        Self {
            question,
            own_observations: 0,
            own_effective: 0.0,
            prior_observations: 0,
            prior_effective: 0.0,
            reference_histories: 0,
            other_teams: 0,
            too_short_days: None,
            surprises: None,
        }
    }

    /// Learns from the team's past forecasts of `question` known by the end of `as_of`,
    /// starting from `prior` (other teams' past forecasts of the same question) if given.
    pub fn learn(
        history: &TeamHistory,
        as_of: Date,
        question: Question,
        settings: &CalibrationSettings,
        prior: Option<&Prior>,
    ) -> Result<Self, ForecastError> {
        let past = PastForecasts::replay(history, as_of, question, settings)?;
        Ok(Self::from_past(&past, as_of, prior))
    }

    /// Learns from already replayed past forecasts, using only what was known by the end of
    /// `as_of`: forecasts made before it and outcomes known by then. A team whose history is
    /// shorter than [`MIN_CALIBRATION_DAYS`] on `as_of` learns from the prior alone.
    pub fn from_past(past: &PastForecasts, as_of: Date, prior: Option<&Prior>) -> Self {
        let day = as_of.to_julian_day();
        let (prior_observed, prior_effective) = match prior {
            Some(p) => {
                let o = p.observed_on(day, past.question);
                (o.observed, o.effective.min(past.settings.prior_weight))
            }
            None => (Observed::default(), 0.0),
        };
        let history_days = day - past.first_day + 1;
        let too_short = history_days < MIN_CALIBRATION_DAYS;
        let (own, own_effective) = if too_short { (Observed::default(), 0.0) } else { past.observed_on(day) };
        let mut calibration = Self::from_observed(past.question, &own, own_effective, &prior_observed, prior_effective);
        calibration.too_short_days = too_short.then(|| u32::try_from(history_days.max(0)).unwrap_or(0));
        if let Some(p) = prior {
            calibration.reference_histories = p.reference_histories();
            calibration.other_teams = p.other_teams();
        }
        calibration
    }

    fn from_observed(
        question: Question,
        own: &Observed,
        own_effective: f64,
        prior: &Observed,
        prior_weight: f64,
    ) -> Self {
        let raw = Atoms::exponential_tail(0.0, 1.0);
        let surprises = match (own.is_empty(), prior.is_empty()) {
            (true, true) => None,
            (false, true) => Some(Atoms::kaplan_meier(own, &raw)),
            (true, false) => Some(Atoms::kaplan_meier(prior, &raw)),
            (false, false) => {
                let prior = Atoms::kaplan_meier(prior, &raw);
                Some(Atoms::mixture(&Atoms::kaplan_meier(own, &prior), own_effective, &prior, prior_weight))
            }
        };
        Self {
            question,
            own_observations: own.len(),
            own_effective,
            prior_observations: prior.len(),
            prior_effective: if prior.is_empty() { 0.0 } else { prior_weight },
            reference_histories: 0,
            other_teams: 0,
            too_short_days: None,
            surprises,
        }
    }

    /// The question this calibration is for.
    pub fn question(&self) -> Question {
        self.question
    }

    /// The team's own past forecasts it learned from.
    pub fn own_observations(&self) -> usize {
        self.own_observations
    }

    /// Other teams' past forecasts it started from.
    pub fn prior_observations(&self) -> usize {
        self.prior_observations
    }

    /// The weight the prior was given (its effective number of observations, capped at the
    /// configured prior weight).
    pub fn prior_effective(&self) -> f64 {
        self.prior_effective
    }

    /// What the team's own record was worth (its effective number of observations).
    pub fn own_effective(&self) -> f64 {
        self.own_effective
    }

    /// What the calibration rests on besides the team's own record.
    pub fn basis(&self) -> Basis {
        Basis {
            calibrated: true,
            reference_histories: self.reference_histories,
            other_teams: self.other_teams,
            too_short_days: self.too_short_days,
        }
    }

    /// Days of the team's history when it was too short to calibrate (fewer than
    /// [`MIN_CALIBRATION_DAYS`]): its own record then counted for nothing.
    pub fn too_short_days(&self) -> Option<u32> {
        self.too_short_days
    }

    /// The raw model's probability level that the calibration uses for the nominal `level`:
    /// above `level` when the team's past outcomes spread wider than the raw model expects.
    pub fn raw_level(&self, level: f64) -> f64 {
        -(-self.surprise_threshold(level)).exp_m1()
    }

    /// Where nominal `level` sits on the surprise scale.
    pub(crate) fn surprise_threshold(&self, level: f64) -> f64 {
        match &self.surprises {
            None => surprise_of_level(level),
            Some(atoms) => atoms.quantile(level),
        }
    }

    /// The calibrated probability that an outcome's surprise is at most `surprise`: the
    /// inverse of [`Self::surprise_threshold`].
    pub(crate) fn probability_within(&self, surprise: f64) -> f64 {
        match &self.surprises {
            None => -(-surprise).exp_m1(),
            Some(atoms) => atoms.cdf(surprise),
        }
    }

    pub(crate) fn value(&self, raw: &RawForecast, level: f64) -> Option<u32> {
        raw.value_for_surprise(self.surprise_threshold(level))
    }
}

/// What a calibrated forecast rests on, for its statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Basis {
    /// Whether the forecasts were calibrated at all (false: the raw model).
    pub calibrated: bool,
    /// Reference histories shipped with leadup in the prior.
    pub reference_histories: usize,
    /// The workspace's other teams in the prior.
    pub other_teams: usize,
    /// Days of the team's history when too short to calibrate (fewer than
    /// [`MIN_CALIBRATION_DAYS`]).
    pub too_short_days: Option<u32>,
}

impl Basis {
    /// What the prior is made of, in words ("the reference histories of 31 public projects
    /// and 2 other teams"), or `None` without a prior.
    pub fn prior_sources(&self) -> Option<String> {
        let reference = (self.reference_histories > 0)
            .then(|| format!("the reference histories of {} public projects", self.reference_histories));
        let others = match self.other_teams {
            0 => None,
            1 => Some("1 other team".to_owned()),
            n => Some(format!("{n} other teams")),
        };
        match (reference, others) {
            (Some(r), Some(o)) => Some(format!("{r} and {o}")),
            (r, o) => r.or(o),
        }
    }
}

/// A discrete distribution of surprises: atoms `(value, mass)` ascending by value, masses
/// summing to 1.
#[derive(Debug, Clone, PartialEq, Default)]
struct Atoms {
    atoms: Vec<(f64, f64)>,
}

/// Points per unit of mass when a continuous distribution (the raw model's standard
/// exponential) is represented by atoms at its quantiles.
const EXPONENTIAL_POINTS: usize = 400;

impl Atoms {
    /// The raw model's surprise distribution beyond `from`: `from` plus a standard exponential
    /// (surprises are memoryless under the raw model), carrying mass `mass`.
    fn exponential_tail(from: f64, mass: f64) -> Self {
        let atoms = (1..=EXPONENTIAL_POINTS)
            .map(|j| {
                let p = (j as f64 - 0.5) / EXPONENTIAL_POINTS as f64;
                (from - (-p).ln_1p(), mass / EXPONENTIAL_POINTS as f64)
            })
            .collect();
        Self { atoms }
    }

    /// The Kaplan-Meier estimate from exact and right-censored observations. Where the largest
    /// observations are censored, the estimate leaves mass above them undetermined; that mass
    /// follows `tail`'s distribution above the last observation (or, if `tail` has none there,
    /// the raw model's).
    fn kaplan_meier(observed: &Observed, tail: &Self) -> Self {
        let (known, pending) = (&observed.known, &observed.pending);
        let mut at_risk = observed.len() as f64;
        let mut survival = 1.0;
        let mut out = Self::default();
        let (mut i, mut j) = (0, 0);
        let mut last = 0.0;
        while i < known.len() || j < pending.len() {
            // Ties: known before pending, as the pending ones were still at risk.
            let value = match (known.get(i), pending.get(j)) {
                (Some(&k), Some(&p)) => k.min(p),
                (Some(&k), None) => k,
                (None, Some(&p)) => p,
                (None, None) => unreachable!(),
            };
            let mut events = 0.0;
            while known.get(i) == Some(&value) {
                events += 1.0;
                i += 1;
            }
            let mut leaving = events;
            while pending.get(j) == Some(&value) {
                leaving += 1.0;
                j += 1;
            }
            if events > 0.0 {
                let jump = survival * events / at_risk;
                survival -= jump;
                out.atoms.push((value, jump));
            }
            at_risk -= leaving;
            last = value;
        }
        if survival > 1e-12 {
            out.atoms.extend(tail.beyond(last, survival).atoms);
        }
        out
    }

    /// This distribution conditioned on exceeding `value`, scaled to `mass`.
    fn beyond(&self, value: f64, mass: f64) -> Self {
        let from = self.atoms.partition_point(|&(v, _)| v <= value);
        let above: f64 = self.atoms[from..].iter().map(|&(_, m)| m).sum();
        if above <= 1e-12 {
            return Self::exponential_tail(value, mass);
        }
        Self { atoms: self.atoms[from..].iter().map(|&(v, m)| (v, m * mass / above)).collect() }
    }

    /// The mixture `weight_a · a + weight_b · b`, normalised.
    fn mixture(first: &Self, first_weight: f64, second: &Self, second_weight: f64) -> Self {
        let total = first_weight + second_weight;
        let (first_share, second_share) = (first_weight / total, second_weight / total);
        let mut atoms = Vec::with_capacity(first.atoms.len() + second.atoms.len());
        let (mut next_first, mut next_second) = (first.atoms.iter().peekable(), second.atoms.iter().peekable());
        loop {
            let take_first = match (next_first.peek(), next_second.peek()) {
                (Some(x), Some(y)) => x.0 <= y.0,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            atoms.push(if take_first {
                let &(value, mass) = next_first.next().expect("peeked");
                (value, mass * first_share)
            } else {
                let &(value, mass) = next_second.next().expect("peeked");
                (value, mass * second_share)
            });
        }
        Self { atoms }
    }

    /// The mass at or below `value`.
    fn cdf(&self, value: f64) -> f64 {
        let below = self.atoms.partition_point(|&(v, _)| v <= value);
        self.atoms[..below].iter().map(|&(_, m)| m).sum::<f64>().min(1.0)
    }

    /// The threshold below which a share `level` of the mass lies: midway between the first
    /// atom where the cumulative mass reaches `level` and the next larger atom.
    fn quantile(&self, level: f64) -> f64 {
        let mut cumulative = 0.0;
        for (i, &(v, m)) in self.atoms.iter().enumerate() {
            cumulative += m;
            if cumulative >= level - 1e-12 {
                return match self.atoms[i + 1..].iter().find(|&&(next, _)| next > v) {
                    Some(&(next, _)) => 0.5 * (v + next),
                    // Just above the largest: a margin far above rounding (and the slack with
                    // which forecasts compare) yet meaningless as a probability ratio.
                    None => v + 1e-6 * (1.0 + v.abs()),
                };
            }
        }
        f64::INFINITY
    }
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // The values compared are exact binary fractions.
mod tests {
    use super::*;

    fn observed(known: &[f64], pending: &[f64]) -> Observed {
        let mut known = known.to_vec();
        let mut pending = pending.to_vec();
        known.sort_by(f64::total_cmp);
        pending.sort_by(f64::total_cmp);
        Observed { known, pending, covered_days: 0 }
    }

    #[test]
    fn kaplan_meier_without_censoring_is_the_empirical_distribution() {
        let km = Atoms::kaplan_meier(&observed(&[3.0, 1.0, 2.0, 2.0], &[]), &Atoms::default());
        assert_eq!(km.atoms, vec![(1.0, 0.25), (2.0, 0.5), (3.0, 0.25)]);
    }

    #[test]
    fn kaplan_meier_redistributes_censored_mass_upward() {
        // 1 known, one pending at 1.5 (so at least 1.5), then 2 and 3 known: the pending one's
        // quarter goes half to 2 and half to 3.
        let km = Atoms::kaplan_meier(&observed(&[1.0, 2.0, 3.0], &[1.5]), &Atoms::default());
        assert_eq!(km.atoms, vec![(1.0, 0.25), (2.0, 0.375), (3.0, 0.375)]);
        // A pending bound tied with a known outcome was still at risk there.
        let km = Atoms::kaplan_meier(&observed(&[1.0, 2.0], &[1.0]), &Atoms::default());
        assert_eq!(km.atoms.iter().map(|a| a.0).collect::<Vec<_>>(), vec![1.0, 2.0]);
        assert!((km.atoms[0].1 - 1.0 / 3.0).abs() < 1e-15 && (km.atoms[1].1 - 2.0 / 3.0).abs() < 1e-15);
    }

    #[test]
    fn mass_above_the_last_pending_forecast_follows_the_tail() {
        // Two known at 1, two pending at 2: half the mass lies somewhere above 2. With the raw
        // model as tail it is 2 plus a standard exponential, whose median is ln 2.
        let obs = observed(&[1.0, 1.0], &[2.0, 2.0]);
        let km = Atoms::kaplan_meier(&obs, &Atoms::exponential_tail(0.0, 1.0));
        let total: f64 = km.atoms.iter().map(|a| a.1).sum();
        assert!((total - 1.0).abs() < 1e-12);
        assert!((km.quantile(0.75) - (2.0 + 2f64.ln())).abs() < 0.01, "{}", km.quantile(0.75));
        // With a prior as tail, the mass follows the prior's shape above 2.
        let prior = Atoms { atoms: vec![(0.5, 0.5), (3.0, 0.25), (5.0, 0.25)] };
        let km = Atoms::kaplan_meier(&obs, &prior);
        assert_eq!(km.atoms, vec![(1.0, 0.5), (3.0, 0.25), (5.0, 0.25)]);
    }

    #[test]
    fn quantiles_sit_between_atoms_and_invert_the_cdf() {
        let a = Atoms { atoms: vec![(1.0, 0.5), (2.0, 0.25), (4.0, 0.25)] };
        assert_eq!(a.quantile(0.5), 1.5);
        assert_eq!(a.quantile(0.6), 3.0);
        assert!(a.quantile(0.95) > 4.0 && a.quantile(0.95) < 4.001);
        assert_eq!(a.cdf(0.9), 0.0);
        assert_eq!(a.cdf(1.5), 0.5);
        assert_eq!(a.cdf(4.0), 1.0);
    }

    #[test]
    fn without_any_data_the_calibration_is_the_raw_model() {
        let q = Question::When { items: 5 };
        let c = Calibration::from_observed(q, &Observed::default(), 0.0, &Observed::default(), 20.0);
        assert_eq!(c, Calibration::raw(q));
        assert!((c.raw_level(0.85) - 0.85).abs() < 1e-12);
    }

    #[test]
    fn a_team_with_wide_outcomes_gets_wider_levels() {
        // Surprises of an over-confident model: far more large ones than Exp(1) has.
        let own: Vec<f64> = (1..=200).map(|i| f64::from(i) * 0.05).collect();
        let c = Calibration::from_observed(
            Question::When { items: 5 },
            &observed(&own, &[]),
            10.0,
            &Observed::default(),
            20.0,
        );
        // The own median surprise is ~5, far beyond the raw model's ln 2.
        assert!(c.surprise_threshold(0.5) > 4.9 && c.surprise_threshold(0.5) < 5.1);
        assert!(c.raw_level(0.5) > 0.99);
        let t = crate::LEVELS.map(|q| c.surprise_threshold(q));
        assert!(t.windows(2).all(|w| w[0] < w[1]), "{t:?}");
    }

    /// A team finishing `per_day` items a day (every day) from `start` for `days` days, with a
    /// burst of `burst` items on its day 95 (which the raw model cannot foresee).
    fn steady(start: Date, days: i64, per_day: usize, burst: usize) -> TeamHistory {
        let dates = (0..days).flat_map(|d| {
            let n = per_day + if d == 95 { burst } else { 0 };
            std::iter::repeat_n(start + time::Duration::days(d), n)
        });
        TeamHistory::new(dates).unwrap()
    }

    #[test]
    fn a_tiny_prior_weighs_only_what_it_holds() {
        use time::macros::date;
        let q = Question::When { items: 10 };
        let settings = CalibrationSettings::default();
        // A team finishing 0, 1 or 2 items a day in turn for 700 days.
        let start = date!(2024 - 01 - 01);
        let team = TeamHistory::new(
            (0..700).flat_map(|d| std::iter::repeat_n(start + time::Duration::days(d), (d % 3) as usize)),
        )
        .unwrap();
        // A tiny team: 110 days, whose few replayed forecasts were all far off (a burst of 60).
        let tiny = steady(date!(2025 - 07 - 01), 110, 1, 60);
        let today = team.last_done();
        let prior = Prior::replay([&tiny], today, q, &settings).unwrap();
        assert!(!prior.is_empty() && prior.len() < 12, "{}", prior.len());
        let with = Calibration::learn(&team, today, q, &settings, Some(&prior)).unwrap();
        let without = Calibration::learn(&team, today, q, &settings, None).unwrap();
        // The tiny prior is worth less than one forecast, not the configured 20 ...
        assert!(with.prior_effective() > 0.0 && with.prior_effective() < 1.0, "{}", with.prior_effective());
        // ... against the team's own six (87 overlapping weekly replays), so the team's P50
        // stays where its record puts it.
        assert!(with.own_effective() > 5.0 && with.own_effective() < 7.0, "{}", with.own_effective());
        let throughput = team.daily_throughput(today, 90);
        let days = |c: &Calibration, level| crate::team::calibrated_when(&throughput, 10, c).unwrap().percentile(level);
        assert_eq!(days(&with, 0.5), days(&without, 0.5));
        assert!(days(&with, 0.5).is_some_and(|d| (5..=12).contains(&d)), "{:?}", days(&with, 0.5));
        // Uncapped (as before), the same prior would have counted as 20 forecasts.
        let (own, own_effective) =
            PastForecasts::replay(&team, today, q, &settings).unwrap().observed_on(today.to_julian_day());
        let tiny_observed = prior.observed_on(today.to_julian_day(), q).observed;
        let uncapped = Calibration::from_observed(q, &own, own_effective, &tiny_observed, 20.0);
        // and pulled the team's P50 far off.
        // (here beyond the 10,000 days a forecast looks ahead).
        assert_eq!(days(&uncapped, 0.5), None);
    }

    #[test]
    fn a_prior_is_the_same_whatever_order_its_teams_come_in() {
        use time::macros::date;
        let q = Question::When { items: 10 };
        let settings = CalibrationSettings::default();
        let a = steady(date!(2024 - 01 - 01), 400, 1, 30);
        let b = steady(date!(2024 - 03 - 01), 300, 2, 5);
        let c = steady(date!(2024 - 06 - 01), 200, 3, 90);
        let today = date!(2025 - 03 - 01);
        let team = steady(date!(2024 - 02 - 01), 390, 1, 12);
        let forward = Prior::replay([&a, &b, &c], today, q, &settings).unwrap();
        let backward = Prior::replay([&c, &a, &b], today, q, &settings).unwrap();
        let one = Calibration::learn(&team, today, q, &settings, Some(&forward)).unwrap();
        let two = Calibration::learn(&team, today, q, &settings, Some(&backward)).unwrap();
        assert_eq!(one, two);
        assert_eq!(
            one.basis(),
            Basis { calibrated: true, reference_histories: 0, other_teams: 3, too_short_days: None }
        );
    }

    #[test]
    fn the_prior_is_blended_by_effective_observations() {
        let q = Question::When { items: 5 };
        // Own record: all surprises 1; prior: all surprises 3.
        let own = observed(&[1.0; 10], &[]);
        let prior = observed(&[3.0; 50], &[]);
        // Own worth 30, prior 10: 75% of the mass at 1, so the median is between 1 and 3 ...
        let c = Calibration::from_observed(q, &own, 30.0, &prior, 10.0);
        assert_eq!(c.surprise_threshold(0.5), 2.0);
        assert!((c.probability_within(1.0) - 0.75).abs() < 1e-12);
        // ... and own worth 10 against a prior worth 30: only 25% at 1.
        let c = Calibration::from_observed(q, &own, 10.0, &prior, 30.0);
        assert!((c.probability_within(1.0) - 0.25).abs() < 1e-12);
        assert_eq!((c.own_observations(), c.prior_observations()), (10, 50));
    }
}
