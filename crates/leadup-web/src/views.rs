//! What the progress pages and the progress API load and show: a team's dashboard and an
//! initiative's progress, read from the store and computed by [`dashboard`](leadup_app::dashboard).

use leadup_app::dashboard::{
    self, Budget, DEFAULT_WINDOW_DAYS, MAX_WINDOW_DAYS, NextItems, PRESET_WINDOWS, Progress, State, TeamDashboard,
    TeamOutlook, team_dashboard,
};
use leadup_app::forecasts::Histories;
use leadup_core::ValidationErrors;
use leadup_core::access::Action;
use leadup_core::forecast::InitiativeForecast;
use leadup_core::initiative::{Initiative, Status};
use leadup_core::team::Team;
use leadup_core::work_item::{AttachRule, WorkItem};
use serde::Serialize;

use crate::auth::Caller;
use crate::{AppError, AppState};

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
    /// The stored forecast of each of the team's initiatives (they share the team's
    /// throughput in plan order), by initiative id.
    pub initiative_forecasts: Vec<InitiativeForecast>,
    /// "KEY title" of each of `progress.flow.cycle_times`, for the chart's labels.
    #[serde(skip)]
    pub cycle_time_labels: Vec<String>,
    /// The team's record.
    #[serde(skip)]
    pub record: Team,
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
    /// Its stored forecast, which `progress` shows.
    #[serde(skip)]
    pub stored_forecast: Option<InitiativeForecast>,
    /// Its stored forecasts, oldest first.
    #[serde(skip)]
    pub forecast_history: Vec<InitiativeForecast>,
    /// The days the team's plans changed (a baseline approved), with what happened.
    #[serde(skip)]
    pub plan_events: Vec<(time::Date, String)>,
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
    let stored = state.store.team_dashboard(id, days).await?;
    let dashboard =
        if let Some(dashboard) = stored.and_then(|s| serde_json::from_str::<TeamDashboard>(&s.snapshot).ok()) {
            dashboard
        } else {
            // A window that is not one of the presets, or a team whose dashboard has not been
            // computed yet: computed now (and the presets asked for).
            if PRESET_WINDOWS.contains(&days) {
                state.forecasts_changed(id);
            }
            let items = state.store.work_items(id).await?;
            let histories = Histories::load(&state.store, id).await?;
            let now = state.clock();
            let outlook = TeamOutlook::of(&items, &histories, now.date());
            team_dashboard(id, &items, &outlook, now.date(), days, now)
                .map_err(|e| ValidationErrors::single("days", e.to_string()))?
        };
    let initiative_forecasts = state.store.team_initiative_forecasts(id).await?;
    Ok(TeamProgress {
        team_id: record.id,
        team: record.name.clone(),
        window_days: days,
        progress: dashboard.progress,
        next_items: dashboard.next_items,
        initiative_forecasts,
        cycle_time_labels: dashboard.cycle_time_labels,
        record,
    })
}

/// Initiative `id`'s progress: its attached items, forecast from its team's throughput and
/// held against its target end.
pub(crate) async fn initiative(state: &AppState, id: i64) -> Result<InitiativeProgress, AppError> {
    let today = state.today();
    let (record, work_items, mut progress, stored) = dashboard::initiative_progress(&state.store, id, today).await?;
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
        stored_forecast: stored,
        forecast_history: state.store.initiative_forecast_history(id).await?,
        plan_events: plan_events(state, record.team_id).await?,
        record,
    })
}

/// The days team `team_id`'s plans got a new baseline, and how: what moves its initiatives'
/// forecasts by decision rather than by the team's pace.
async fn plan_events(state: &AppState, team_id: i64) -> Result<Vec<(time::Date, String)>, AppError> {
    use leadup_core::plan::Origin;
    let mut events = Vec::new();
    for plan in state.store.team_plans(team_id).await? {
        for version in &plan.versions {
            if let Some(approved) = &version.approved {
                let what = match version.origin {
                    Origin::ChangeRequest => "change request accepted",
                    Origin::Replan => "re-plan approved",
                    Origin::Edit => "plan approved",
                };
                events.push((approved.at.date(), format!("{}: {what}", plan.name)));
            }
        }
    }
    events.sort();
    Ok(events)
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
/// confidence) and its stored forecast (effort).
pub(crate) async fn priority_candidates(state: &AppState) -> Result<Vec<leadup_core::priority::Candidate>, AppError> {
    use leadup_core::demand::demand;
    use leadup_core::evidence_strength::strength;
    let today = state.today();
    let initiatives = state.store.initiatives().await?;
    let forecasts = state.store.initiative_forecasts().await?;
    let mut candidates = Vec::new();
    for team in state.store.teams().await? {
        let open: Vec<&Initiative> =
            initiatives.iter().filter(|i| i.team_id == team.id && i.status.is_open()).collect();
        for initiative in open {
            let forecast = forecasts.iter().find(|f| f.initiative_id == initiative.id);
            let evidence = state.store.initiative_evidence(initiative.id).await?;
            let demand = demand(&evidence, today, 1);
            let largest_group = evidence.iter().filter_map(|e| e.customers_affected).max().unwrap_or(0);
            // The money at stake in the initiative's currency (else the first one stated).
            let at_stake = demand
                .revenue_at_stake
                .iter()
                .find(|a| a.currency == initiative.currency)
                .or(demand.revenue_at_stake.first());
            // Effort: days until done at P85 from the stored forecast, else the items remaining.
            let (effort_days, effort_forecast) = match forecast.and_then(|f| f.dates.map(|d| (f.as_of, d))) {
                Some((as_of, dates)) => (dates.days_after(as_of)[2], true),
                None => (forecast.map_or(0, |f| f.remaining), false),
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
