//! What the progress pages and the progress API load and show: a team's dashboard and an
//! initiative's progress, read from the store and computed by [`dashboard`](crate::dashboard).

use leadup_core::ValidationErrors;
use leadup_core::access::Action;
use leadup_core::initiative::{Initiative, Status};
use leadup_core::team::Team;
use leadup_core::work_item::{AttachRule, WorkItem};
use leadup_forecast::{Simulation, Window};
use serde::Serialize;

use crate::auth::Caller;
use crate::dashboard::{self, Budget, DEFAULT_WINDOW_DAYS, MAX_WINDOW_DAYS, Progress, Span, State};
use crate::forecasts::{
    ForecastFailure, Growth, Histories, PortfolioAnswer, PortfolioSettings, WhenAnswer, team_portfolio,
};
use crate::{AppError, AppState};

/// Items the team dashboard forecasts when nothing is in progress.
const NEXT_ITEMS_WITHOUT_WIP: u32 = 10;

/// Initiatives a team works on at once in the dashboard's portfolio forecast.
pub(crate) const PORTFOLIO_WIP: u32 = 2;

/// Trials of the dashboard's portfolio forecast (seeded, so a page always shows the same).
const PORTFOLIO_TRIALS: u32 = 10_000;

/// A team's progress over a window of days, as `GET /api/v1/teams/{id}/progress` answers.
#[derive(Debug, Serialize)]
pub(crate) struct TeamProgress {
    /// The team.
    pub team_id: i64,
    /// Its name.
    pub team: String,
    /// Days of the flow window (ending today).
    pub window_days: u32,
    /// Progress of all the team's items.
    #[serde(flatten)]
    pub progress: Progress,
    /// "When will the next N items be done?", N being the work in progress (or 10 with none).
    pub next_items: NextItems,
    /// The team's planned and in-progress initiatives sharing its throughput, two at a time.
    pub portfolio: Option<PortfolioAnswer>,
    /// Why there is no portfolio forecast, when there is none.
    pub portfolio_note: Option<String>,
    /// The team's items, in import order (what the flow metrics' indexes point into).
    #[serde(skip)]
    pub work_items: Vec<WorkItem>,
    /// The team's record.
    #[serde(skip)]
    pub record: Team,
}

/// The team dashboard's "when will the next N items be done?".
#[derive(Debug, Serialize)]
pub(crate) struct NextItems {
    /// N.
    pub items: u32,
    /// The calibrated forecast, when one was possible.
    pub forecast: Option<WhenAnswer>,
    /// Why there is none, otherwise.
    pub note: Option<String>,
}

/// An initiative's progress, as `GET /api/v1/initiatives/{id}/progress` answers.
#[derive(Debug, Serialize)]
pub(crate) struct InitiativeProgress {
    /// The initiative.
    pub initiative_id: i64,
    /// Its title.
    pub title: String,
    /// The team delivering it (whose throughput forecasts it).
    pub team_id: i64,
    /// The rules attaching the team's work items to it.
    pub rules: Vec<AttachRule>,
    /// Progress of the attached items.
    #[serde(flatten)]
    pub progress: Progress,
    /// Spending against the plan.
    pub budget: Budget,
    /// Whether the team's work items are hidden from the caller, who may not view the team
    /// (its tracker data is its own, see docs/permissions.md): `aging_items` is then empty,
    /// while the counts and flow metrics stay.
    pub items_hidden: bool,
    /// The attached items, in import order (what the flow metrics' indexes point into).
    #[serde(skip)]
    pub work_items: Vec<WorkItem>,
    /// The initiative's record.
    #[serde(skip)]
    pub record: Initiative,
}

/// Checks a `?days=N` flow window.
pub(crate) fn window_days(days: Option<u32>) -> Result<u32, AppError> {
    let days = days.unwrap_or(DEFAULT_WINDOW_DAYS);
    if (1..=MAX_WINDOW_DAYS).contains(&days) {
        Ok(days)
    } else {
        Err(ValidationErrors::single("days", format!("must be from 1 to {MAX_WINDOW_DAYS} (got {days})")).into())
    }
}

/// Team `id`'s progress over the `days` days ending today.
pub(crate) async fn team(state: &AppState, id: i64, days: Option<u32>) -> Result<TeamProgress, AppError> {
    let days = window_days(days)?;
    let record = state.store.team(id).await?;
    let work_items = state.store.work_items(id).await?;
    let histories = Histories::load(&state.store, id).await?;
    let today = state.today();
    let window = Window::ending(today, days).map_err(|e| ValidationErrors::single("days", e.to_string()))?;
    let span = Span { start: Some(window.first), window: Some(window) };
    let progress = dashboard::progress(&work_items, today, None, &histories, span);
    let items = if progress.flow.wip > 0 { progress.flow.wip } else { NEXT_ITEMS_WITHOUT_WIP };
    let next_items = match dashboard::when(&histories, today, items, None) {
        Ok(forecast) => NextItems { items, forecast: Some(forecast), note: None },
        Err((note, _, _)) => NextItems { items, forecast: None, note: Some(note) },
    };
    let settings = PortfolioSettings {
        wip: PORTFOLIO_WIP,
        history_days: dashboard::HISTORY_DAYS,
        simulation: Simulation { trials: PORTFOLIO_TRIALS, ..Simulation::default() },
        growth: Growth::default(),
    };
    let (portfolio, portfolio_note) =
        match team_portfolio(&state.store, &record, &work_items, &histories, today, &settings).await {
            Ok(answer) => (Some(answer), None),
            Err(ForecastFailure::Store(error)) => return Err(error.into()),
            Err(ForecastFailure::Forecast(error)) => (None, Some(error.to_string())),
        };
    Ok(TeamProgress {
        team_id: record.id,
        team: record.name.clone(),
        window_days: days,
        progress,
        next_items,
        portfolio,
        portfolio_note,
        work_items,
        record,
    })
}

/// Initiative `id`'s progress: its attached items, forecast from its team's throughput and
/// held against its target end.
pub(crate) async fn initiative(state: &AppState, id: i64) -> Result<InitiativeProgress, AppError> {
    let today = state.today();
    let (record, work_items, mut progress) = dashboard::initiative_progress(&state.store, id, today).await?;
    let rules = state.store.initiative_rules(id).await?;
    if record.status == Status::Dropped {
        progress.state = State::Dropped;
        progress.forecast = None;
        progress.probability_by_target = None;
        progress.calibration = None;
        progress.forecast_note = Some("the initiative was dropped, so what remains is not forecast".to_owned());
    }
    Ok(InitiativeProgress {
        initiative_id: record.id,
        title: record.title.clone(),
        team_id: record.team_id,
        rules,
        progress,
        budget: Budget::of(&record, today),
        items_hidden: false,
        work_items,
        record,
    })
}

impl InitiativeProgress {
    /// Hides the team's work items (their keys, titles and labels) unless `caller` may view
    /// the team: another team sees the initiative's summary, not its items.
    pub(crate) fn for_caller(mut self, caller: &Caller) -> Self {
        if !caller.may(Action::ViewTeam, self.team_id) {
            self.items_hidden = true;
            self.progress.aging_items.clear();
            for item in &mut self.work_items {
                item.key.clear();
                item.title.clear();
                item.labels.clear();
                item.parent = None;
                item.milestone = None;
            }
        }
        self
    }
}

/// Every open initiative's prioritisation factors, from its evidence (reach, value,
/// confidence) and its team's forecast (effort); each team's history is loaded once.
pub(crate) async fn priority_candidates(state: &AppState) -> Result<Vec<leadup_core::priority::Candidate>, AppError> {
    use leadup_core::demand::demand;
    use leadup_core::evidence_strength::strength;
    let today = state.today();
    let initiatives = state.store.initiatives().await?;
    let mut candidates = Vec::new();
    for team in state.store.teams().await? {
        let open: Vec<&Initiative> =
            initiatives.iter().filter(|i| i.team_id == team.id && i.status.is_open()).collect();
        if open.is_empty() {
            continue;
        }
        let histories = Histories::load(&state.store, team.id).await?;
        for initiative in open {
            let items = state.store.initiative_work_items(initiative.id).await?;
            let progress =
                dashboard::progress(&items, today, initiative.window.map(|w| w.end), &histories, Span::default());
            let evidence = state.store.initiative_evidence(initiative.id).await?;
            let demand = demand(&evidence, today, 1);
            let largest_group = evidence.iter().filter_map(|e| e.customers_affected).max().unwrap_or(0);
            // The money at stake in the initiative's currency (else the first one stated).
            let at_stake = demand
                .revenue_at_stake
                .iter()
                .find(|a| a.currency == initiative.currency)
                .or(demand.revenue_at_stake.first());
            let (effort_days, effort_forecast) = match &progress.forecast {
                Some(answer) => (answer.p85, true),
                None => (u32::try_from(progress.remaining).unwrap_or(u32::MAX), false),
            };
            candidates.push(leadup_core::priority::Candidate {
                initiative_id: initiative.id,
                title: initiative.title.clone(),
                reach: u32::try_from((demand.customer_count as i64).max(largest_group)).unwrap_or(u32::MAX),
                value_minor: at_stake.map_or(0, |a| a.minor),
                currency: at_stake.map_or(&initiative.currency, |a| &a.currency).as_str().to_owned(),
                confidence: strength(&evidence, today).score.value() / 100.0,
                effort_days,
                effort_forecast,
            });
        }
    }
    Ok(candidates)
}
