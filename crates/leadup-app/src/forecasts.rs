//! Team forecasts as leadup shows them everywhere (pages, API, `leadup forecast` and
//! `leadup backtest`): calibrated on the team's own past forecast errors, starting from a prior
//! that pools the reference histories shipped with leadup (`leadup_forecast::reference`) with
//! the workspace's other teams, and always with the backtest of exactly that method on the
//! team's history; and a team's initiatives sharing its throughput (a seeded Monte
//! Carlo, which states the raw model's backtest, as it is not calibrated).

use leadup_core::forecast::{Calibration, DatePercentiles, InitiativeForecast};
use leadup_core::initiative::Status;
use leadup_core::team::Team;
use leadup_core::work_item::WorkItem;
use leadup_forecast::{
    BacktestReport, BacktestSettings, CalibratedHowMany, CalibratedWhen, ForecastError, Initiative, Method,
    PastForecasts, Percentiles, Portfolio, PortfolioForecast, Prior, Question, Risk, Simulation, SplitRate,
    TeamForecast, TeamHistory, TeamSettings, backtest, simulate, team_backtest, team_how_many, team_when,
};
use leadup_store::{Store, StoreError};
use std::sync::Arc;

use crate::replays;

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

/// Days of throughput history every forecast leadup shows uses, ending on its day.
pub const HISTORY_DAYS: u32 = 90;

/// The most items a "when" forecast is made for: a backlog beyond it is not a forecast anyone
/// plans by, and calibrating one replays the whole history with that many items.
pub const MAX_FORECAST_ITEMS: u32 = 5_000;

/// The most days of work, at the team's recent pace, a "when" forecast is made for.
pub const MAX_FORECAST_DAYS: u32 = 730;

/// Why a team forecast could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ForecastFailure {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The forecast is not possible on this history (e.g. nothing done yet).
    #[error("{0}")]
    Forecast(#[from] ForecastError),
    /// The initiatives cannot be forecast, for the reason given.
    #[error("{0}")]
    NoForecast(String),
}

/// One team's done dates and those of every other team in the workspace, each with its team's
/// id (`None` for histories that are not a stored team's, e.g. in tests). The other teams are
/// kept in order of their content (their done dates), never of their ids or of the order they
/// were imported in, so the same workspace always gives the same forecasts.
#[derive(Debug, Clone)]
pub struct Histories {
    own: Option<(Option<i64>, TeamHistory)>,
    others: Vec<(Option<i64>, TeamHistory)>,
}

impl Histories {
    /// Loads the done dates (UTC calendar days) of team `team_id` and of the other teams.
    pub async fn load(store: &Store, team_id: i64) -> Result<Self, StoreError> {
        let mut own = None;
        let mut others = Vec::new();
        for team in store.teams().await? {
            let history = history_of(store, team.id).await?.map(|h| (Some(team.id), h));
            if team.id == team_id {
                own = history;
            } else {
                others.extend(history);
            }
        }
        Ok(Self::new(own, others))
    }

    fn new(own: Option<(Option<i64>, TeamHistory)>, mut others: Vec<(Option<i64>, TeamHistory)>) -> Self {
        others.sort_unstable_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
        Self { own, others }
    }

    /// The histories of every team of the workspace (each with the other teams'), in the
    /// store's order of teams, reading each team's done dates once.
    pub async fn load_all(store: &Store) -> Result<Vec<(Team, Self)>, StoreError> {
        let teams = store.teams().await?;
        let mut all = Vec::with_capacity(teams.len());
        for team in &teams {
            all.push(history_of(store, team.id).await?.map(|h| (Some(team.id), h)));
        }
        let histories = (0..teams.len())
            .map(|i| {
                let others = all.iter().enumerate().filter(|&(j, _)| j != i).filter_map(|(_, h)| h.clone()).collect();
                Self::new(all[i].clone(), others)
            })
            .collect::<Vec<_>>();
        Ok(teams.into_iter().zip(histories).collect())
    }

    /// Histories from done dates: the team's own, and each other team's.
    pub fn from_done_dates(own: impl IntoIterator<Item = Date>, others: Vec<Vec<Date>>) -> Self {
        let others = others.into_iter().filter_map(|dates| TeamHistory::new(dates).ok()).map(|h| (None, h)).collect();
        Self::new(TeamHistory::new(own).ok().map(|h| (None, h)), others)
    }

    /// Reads the replayed past forecasts of `question` the database keeps for these teams
    /// (and the reference histories), for forecasts as of `day` or before, so that those replay
    /// only what changed; [`crate::replays::write`] keeps what they replayed.
    pub async fn read_replays(
        &self,
        store: &Store,
        day: Date,
        question: Question,
        settings: &TeamSettings,
    ) -> Result<(), StoreError> {
        let teams: Vec<(i64, &TeamHistory)> =
            self.own.iter().chain(&self.others).filter_map(|(id, h)| id.map(|id| (id, h))).collect();
        replays::read(store, &teams, day, question, &settings.calibration_settings()).await
    }

    /// The team's own history; fails when it has nothing done.
    pub fn own(&self) -> Result<&TeamHistory, ForecastError> {
        self.own.as_ref().map(|(_, h)| h).ok_or(ForecastError::NoDoneItems)
    }

    /// The team's own past forecasts of `question`, replayed as of the end of `today` or later
    /// (see [`replays`]).
    fn own_replay(
        &self,
        today: Date,
        question: Question,
        settings: &TeamSettings,
    ) -> Result<Arc<PastForecasts>, ForecastError> {
        let (id, history) = self.own.as_ref().ok_or(ForecastError::NoDoneItems)?;
        replays::replay(id.map(replays::team_subject), history, today, question, &settings.calibration_settings())
    }

    /// A summary of the other teams' histories (size and span of each) and of the reference
    /// histories, for digests of what a forecast was computed from.
    pub fn others_digest(&self) -> String {
        use std::fmt::Write;
        let reference = replays::reference_histories();
        let start =
            format!("reference {}:{};", reference.len(), reference.iter().map(|(_, h, _)| h.len()).sum::<usize>());
        self.others.iter().fold(start, |mut out, (_, h)| {
            let _ = write!(out, "{}:{}..{};", h.len(), h.first_done(), h.last_done());
            out
        })
    }

    /// The day the team last finished something.
    pub fn last_done(&self) -> Option<Date> {
        self.own.as_ref().map(|(_, h)| h.last_done())
    }

    /// "When will the next `items` be done?" as of the end of `today`. More items than
    /// [`MAX_FORECAST_ITEMS`], or than [`MAX_FORECAST_DAYS`] of the team's recent pace, are not
    /// forecast (see there).
    pub fn when(
        &self,
        today: Date,
        items: u32,
        settings: &TeamSettings,
    ) -> Result<TeamForecast<CalibratedWhen>, ForecastError> {
        self.check_reach(today, items, settings.history_days)?;
        let question = Question::When { items };
        let prior = self.prior(today, question, settings)?;
        let own = self.own_replay(today, question, settings)?;
        team_when(self.own()?, today, items, settings, prior.as_ref(), Some(&own))
    }

    /// Refuses a "when" question too far out to answer honestly or cheaply: calibrating it
    /// replays the team's whole history with that many items, which costs in proportion to the
    /// items times the days they take.
    fn check_reach(&self, today: Date, items: u32, history_days: u32) -> Result<(), ForecastError> {
        let done: u32 = self.own()?.daily_throughput(today, history_days).iter().sum();
        if done == 0 {
            return Err(ForecastError::NoThroughput { days: history_days as usize });
        }
        let days = f64::from(items) * f64::from(history_days) / f64::from(done);
        if items > MAX_FORECAST_ITEMS || days > f64::from(MAX_FORECAST_DAYS) {
            return Err(ForecastError::InvalidParameter {
                field: "items".to_owned(),
                message: format!(
                    "{items} items would take about {:.0} days at the team's pace of the last {history_days} days: \
                     leadup forecasts at most {MAX_FORECAST_ITEMS} items or {MAX_FORECAST_DAYS} days of work",
                    days.ceil()
                ),
            });
        }
        Ok(())
    }

    /// "How many items in the next `days` days?" as of the end of `today`.
    pub fn how_many(
        &self,
        today: Date,
        days: u32,
        settings: &TeamSettings,
    ) -> Result<TeamForecast<CalibratedHowMany>, ForecastError> {
        let question = Question::HowMany { days };
        let prior = self.prior(today, question, settings)?;
        let own = self.own_replay(today, question, settings)?;
        team_how_many(self.own()?, today, days, settings, prior.as_ref(), Some(&own))
    }

    /// The backtest, up to the end of `today`, of the calibrated "when will the next `items` be
    /// done?" forecasts this team is shown.
    pub fn backtest(&self, today: Date, items: u32, settings: &TeamSettings) -> Result<BacktestReport, ForecastError> {
        let question = Question::When { items };
        let prior = self.prior(today, question, settings)?;
        let own = self.own_replay(today, question, settings)?;
        team_backtest(self.own()?, today, question, settings, prior.as_ref(), Some(&own))
    }

    /// The team's initiatives sharing its throughput: a seeded Monte Carlo of `portfolio`'s
    /// initiatives in priority order under its WIP limit, from the `history_days` days ending
    /// `today`, with the backtest of the raw model on the team's history for "when will the
    /// next `calibration_items` be done?" (the simulation is not calibrated, and says so).
    pub fn portfolio(
        &self,
        today: Date,
        history_days: u32,
        mut portfolio: Portfolio,
        simulation: &Simulation,
        calibration_items: u32,
    ) -> Result<(PortfolioForecast, Calibration), ForecastError> {
        let own = self.own()?;
        portfolio.throughput = own.daily_throughput(today, history_days);
        let forecast = simulate(&portfolio, simulation)?;
        let settings = BacktestSettings::when(calibration_items.max(1), history_days, 30);
        let known = own.known_on(today).ok_or(ForecastError::NoDoneItems)?;
        let report = backtest(&known, today, &settings, &Method::Raw)?;
        let mut calibration = calibration_of(&report);
        "raw".clone_into(&mut calibration.method);
        calibration.statement = format!("uncalibrated simulation of the raw model, which was {}", report.statement());
        Ok((forecast, calibration))
    }

    /// The prior of this team's calibration: the reference histories pooled with the other
    /// teams' as known at the end of `today`. A reference history equal to one of the
    /// workspace's (a public project imported as a team) is left out: the team must not find
    /// its own future in its prior, nor another team count twice.
    fn prior(&self, today: Date, question: Question, settings: &TeamSettings) -> Result<Option<Prior>, ForecastError> {
        let calibration = settings.calibration_settings();
        let workspace: Vec<&TeamHistory> = self.own.iter().chain(&self.others).map(|(_, h)| h).collect();
        let reference = replays::reference_replays(question, &calibration)?
            .into_iter()
            .filter(|(history, _)| !workspace.contains(history))
            .map(|(_, past)| past)
            .collect();
        // Each other team's whole history, replayed as of the later of today and its last done
        // item (see `replays`): one replay serves every team's calibration whatever its day.
        let others = self
            .others
            .iter()
            .filter(|(_, h)| h.first_done() <= today)
            .map(|(id, h)| replays::replay(id.map(replays::team_subject), h, today, question, &calibration))
            .collect::<Result<_, _>>()?;
        let prior = Prior::shared(others).with_reference(reference);
        Ok((!prior.is_empty()).then_some(prior))
    }
}

/// Team `team_id`'s done dates (UTC calendar days), `None` when it has nothing done.
async fn history_of(store: &Store, team_id: i64) -> Result<Option<TeamHistory>, StoreError> {
    let days = store.done_days(team_id).await?;
    Ok(TeamHistory::new(days.into_iter().flat_map(|(day, n)| std::iter::repeat_n(day, n as usize))).ok())
}

/// The UTC calendar day of a timestamp.
pub fn utc_date(time: OffsetDateTime) -> Date {
    time.to_offset(time::UtcOffset::UTC).date()
}

/// The calibration statement of a calibrated team forecast.
pub fn calibration_of(report: &BacktestReport) -> Calibration {
    let [p50_hit, p70_hit, p85_hit, p95_hit] = report.hit_rates().map(|rate| (rate * 1000.0).round() / 1000.0);
    Calibration {
        method: "calibrated".to_owned(),
        forecasts: report.forecasts,
        p50_hit,
        p70_hit,
        p85_hit,
        p95_hit,
        statement: report.statement(),
    }
}

/// The statement of a forecast from a bare throughput history, which has no past to check.
pub fn raw_calibration() -> Calibration {
    Calibration {
        method: "raw".to_owned(),
        forecasts: 0,
        p50_hit: 0.0,
        p70_hit: 0.0,
        p85_hit: 0.0,
        p95_hit: 0.0,
        statement: "not backtested: a bare throughput history has no dates to replay, so this is the raw model, \
                    which is usually over-confident"
            .to_owned(),
    }
}

/// A "when" forecast in the shape the API and `leadup forecast when --json` give.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct WhenAnswer {
    /// Items to finish.
    pub items: u32,
    /// The forecast is as of the end of this day.
    #[serde(with = "leadup_core::date::iso_date")]
    pub today: Date,
    /// Days of throughput history used.
    pub history_days: u32,
    /// Days until done, at 50% confidence.
    pub p50: u32,
    /// At 70%.
    pub p70: u32,
    /// At 85%.
    pub p85: u32,
    /// At 95%.
    pub p95: u32,
    /// The same as calendar dates.
    pub dates: DatePercentiles,
    /// Probability of being done by `by`, when asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability_by: Option<f64>,
    /// The date asked about.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "leadup_core::date::iso_date_option")]
    pub by: Option<Date>,
    /// How often such forecasts were met.
    pub calibration: Calibration,
}

impl WhenAnswer {
    /// The answer for `items` as of the end of `today`: `days` at P50/P70/P85/P95 and, when
    /// `by` is given and not before today, the probability of being done by then (from
    /// `probability_within`, which takes a number of days).
    pub fn new(
        items: u32,
        today: Date,
        history_days: u32,
        days: Percentiles,
        probability_within: impl Fn(u32) -> f64,
        by: Option<Date>,
        calibration: Calibration,
    ) -> Self {
        let within = by.and_then(|by| u32::try_from((by - today).whole_days()).ok());
        Self {
            items,
            today,
            history_days,
            p50: days.p50,
            p70: days.p70,
            p85: days.p85,
            p95: days.p95,
            dates: DatePercentiles::after(today, days.to_array()),
            probability_by: within.map(|d| round_probability(probability_within(d))),
            by: within.and(by),
            calibration,
        }
    }
}

impl WhenAnswer {
    /// An initiative's stored forecast as an answer: its remaining items, as of its day.
    pub fn stored(stored: &InitiativeForecast, dates: DatePercentiles) -> Self {
        let [p50, p70, p85, p95] = dates.days_after(stored.as_of);
        let probability_by = stored.target.and(stored.probability_by_target);
        Self {
            items: stored.remaining,
            today: stored.as_of,
            history_days: HISTORY_DAYS,
            p50,
            p70,
            p85,
            p95,
            dates,
            probability_by,
            by: probability_by.and(stored.target),
            calibration: stored.calibration.clone().unwrap_or_else(raw_calibration),
        }
    }
}

impl HowManyAnswer {
    /// The answer for the `days` days after `today`: at least `counts` items at P50/P70/P85/P95.
    pub fn new(days: u32, today: Date, history_days: u32, counts: Percentiles, calibration: Calibration) -> Self {
        let Percentiles { p50, p70, p85, p95 } = counts;
        Self { days, today, history_days, p50, p70, p85, p95, calibration }
    }
}

/// A probability or share rounded to 4 decimals, inside 0..=1 (no "-0" from rounding noise).
pub fn round_probability(p: f64) -> f64 {
    (p.clamp(0.0, 1.0) * 10_000.0).round() / 10_000.0 + 0.0
}

/// A "how many" forecast in the shape the API and `leadup forecast how-many --json` give.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct HowManyAnswer {
    /// Days ahead.
    pub days: u32,
    /// The forecast is as of the end of this day.
    #[serde(with = "leadup_core::date::iso_date")]
    pub today: Date,
    /// Days of throughput history used.
    pub history_days: u32,
    /// Items done at least, at 50% confidence.
    pub p50: u32,
    /// At 70%.
    pub p70: u32,
    /// At 85%.
    pub p85: u32,
    /// At 95%.
    pub p95: u32,
    /// How often such forecasts were met.
    pub calibration: Calibration,
}

/// One initiative of a team's portfolio forecast.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PortfolioLine {
    /// The initiative's id.
    pub id: i64,
    /// Its title.
    pub title: String,
    /// Attached items not done by today.
    pub remaining: u32,
    /// The end of its target window.
    #[serde(with = "leadup_core::date::iso_date_option")]
    pub target: Option<Date>,
    /// Days until done at P50/P70/P85/P95; absent when P95 lies beyond the horizon.
    #[serde(flatten)]
    pub days: Option<Percentiles>,
    /// The same as dates.
    pub dates: Option<DatePercentiles>,
    /// The share of trials done by the target.
    pub probability_by_target: Option<f64>,
}

/// A team's planned and in-progress initiatives sharing its throughput, as
/// `leadup forecast portfolio` and `GET /api/v1/teams/{id}/portfolio` give it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PortfolioAnswer {
    /// The team's name.
    pub team: String,
    /// As of the end of this day.
    #[serde(with = "leadup_core::date::iso_date")]
    pub today: Date,
    /// Initiatives worked on at once.
    pub wip: u32,
    /// Simulated trials.
    pub trials: u32,
    /// The seed.
    pub seed: u64,
    /// How every initiative's work may grow.
    pub growth: Growth,
    /// In priority order: earliest target end first, then by id.
    pub initiatives: Vec<PortfolioLine>,
    /// The raw model's backtest on the team (the simulation is not calibrated).
    pub calibration: Calibration,
}

/// How the work of every initiative in a portfolio forecast may grow.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Growth {
    /// How each open item may split into several.
    pub split: SplitRate,
    /// Risks that may add items, each applied to every initiative.
    pub risks: Vec<Risk>,
}

impl Default for Growth {
    fn default() -> Self {
        Self { split: SplitRate::NONE, risks: Vec::new() }
    }
}

/// How a portfolio forecast is run.
#[derive(Debug, Clone, PartialEq)]
pub struct PortfolioSettings {
    /// Initiatives worked on at once.
    pub wip: u32,
    /// Days of throughput history, ending today.
    pub history_days: u32,
    /// Trials, seed and threads.
    pub simulation: Simulation,
    /// How every initiative's work may grow.
    pub growth: Growth,
}

/// Simulates `team`'s planned and in-progress initiatives sharing its throughput (from
/// `histories`) of the `settings.history_days` days ending `today`: earliest target end first,
/// `settings.wip` at a time, each with those of the team's `items` its rules attach that are
/// not done by today, grown as `settings.growth` says. Without such initiatives the answer
/// lists none.
pub async fn team_portfolio(
    store: &Store,
    team: &leadup_core::team::Team,
    items: &[WorkItem],
    histories: &Histories,
    today: Date,
    settings: &PortfolioSettings,
) -> Result<PortfolioAnswer, ForecastFailure> {
    let PortfolioSettings { wip, history_days, simulation, growth } = settings;
    let mut initiatives: Vec<_> = store
        .initiatives()
        .await?
        .into_iter()
        .filter(|i| i.team_id == team.id && matches!(i.status, Status::Planned | Status::InProgress))
        .collect();
    initiatives.sort_by_key(|i| (i.window.map_or(Date::MAX, |w| w.end), i.id));
    let mut planned = Vec::new();
    for initiative in &initiatives {
        let rules = store.initiative_rules(initiative.id).await?;
        let remaining = items
            .iter()
            .filter(|item| rules.iter().any(|rule| rule.matches(item)))
            .filter(|item| item.done.is_none_or(|d| utc_date(d) > today))
            .count();
        planned.push(Initiative {
            name: initiative.title.clone(),
            items: u32::try_from(remaining).unwrap_or(u32::MAX),
            split: growth.split,
            risks: growth.risks.clone(),
        });
    }
    let total: u32 = planned.iter().map(|i| i.items).sum();
    let (forecast, calibration) = if planned.is_empty() {
        (PortfolioForecast { trials: simulation.trials, initiatives: Vec::new() }, raw_calibration())
    } else {
        let portfolio = Portfolio { throughput: Vec::new(), wip_limit: *wip, initiatives: planned.clone() };
        histories.portfolio(today, *history_days, portfolio, simulation, total)?
    };
    let lines = initiatives
        .iter()
        .zip(&planned)
        .zip(&forecast.initiatives)
        .map(|((record, planned), completion)| {
            let target = record.window.map(|w| w.end);
            let days = completion.percentiles();
            PortfolioLine {
                id: record.id,
                title: record.title.clone(),
                remaining: planned.items,
                target,
                days,
                dates: days.map(|d| DatePercentiles::after(today, d.to_array())),
                probability_by_target: target
                    .and_then(|t| u32::try_from((t - today).whole_days()).ok())
                    .map(|d| round_probability(completion.probability_within(d))),
            }
        })
        .collect();
    Ok(PortfolioAnswer {
        team: team.name.clone(),
        today,
        wip: *wip,
        trials: simulation.trials,
        seed: simulation.seed,
        growth: growth.clone(),
        initiatives: lines,
        calibration,
    })
}
