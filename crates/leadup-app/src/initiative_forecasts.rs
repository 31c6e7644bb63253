//! The one forecast of every initiative: "when will it be done?" and "how likely by its
//! target?", computed here and nowhere else, and stored as a snapshot per initiative and day.
//!
//! # The model
//! A team works through its open initiatives as one queue: the initiatives of its approved
//! baselines first, in plan order (earlier plans first), then its other planned and in-progress
//! initiatives by target end. At most [`WIP_LIMIT`] are worked on at once, and together they
//! get the share of the team's throughput that initiative work got over the last
//! [`HISTORY_DAYS`] days (the rest goes to work no initiative claims). A seeded Monte Carlo of
//! the team's daily throughput gives each initiative's completion day; that distribution is then
//! recalibrated with what the team's own past forecasts taught (as the team forecasts are):
//! initiative `k` finishes once the team has done the items of the queue up to `k`, so it is read
//! through the calibration learned for "when will the next N items be done?" with that N. Each
//! forecast states the backtest of that calibrated question on the team's history.
//! `CALIBRATION.md` in `leadup-forecast` says why.
//!
//! Pages, the API, the command line and briefs read the stored snapshots
//! ([`leadup_store::Store::initiative_forecast`]); [`crate::snapshots::refresh_team`]
//! recomputes them, from background work ([`crate::refresher`]) or right after a command
//! changed their inputs.

use std::collections::BTreeMap;

use leadup_core::forecast::{Calibration, DatePercentiles, INITIATIVE_MODEL, InitiativeForecast};
use leadup_core::initiative::{Initiative, Status};
use leadup_core::plan::{Plan, PlanContent};
use leadup_core::work_item::{AttachRule, WorkItem};
use leadup_forecast::{
    CalibratedCompletion, Initiative as Simulated, Portfolio, Simulation, SplitRate, TeamSettings, Window, simulate,
};
use leadup_store::{Store, StoreError};
use sha2::{Digest, Sha256};
use time::{Date, OffsetDateTime};

use crate::dashboard::{in_scope, is_done_by};
use crate::forecasts::{HISTORY_DAYS, Histories, calibration_of, round_probability, utc_date};

/// Initiatives a team works on at once.
pub const WIP_LIMIT: u32 = 2;

/// Trials of the simulation (seeded, so the same inputs always give the same forecast).
pub const TRIALS: u32 = 10_000;

/// One initiative waiting in a team's queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queued {
    /// The initiative.
    pub initiative_id: i64,
    /// Its items still to do.
    pub remaining: u32,
    /// The date it is held against.
    pub target: Option<Date>,
}

/// One queued initiative's forecast.
#[derive(Debug, Clone, PartialEq)]
pub struct Outlook {
    /// P50/P70/P85/P95 dates; `None` beyond the simulated horizon (then `note` says so).
    pub dates: Option<DatePercentiles>,
    /// The calibrated chance of being done by the target.
    pub probability_by_target: Option<f64>,
    /// Why there are no dates, when there are none.
    pub note: Option<String>,
    /// The backtest of the calibrated question it was read through.
    pub calibration: Option<Calibration>,
}

/// What a team's initiative forecasts are computed from, read from the store.
#[derive(Debug, Clone)]
pub struct TeamInputs {
    /// The team.
    pub team_id: i64,
    /// Its done dates and the other teams'.
    pub histories: Histories,
    /// The team's initiatives.
    pub initiatives: Vec<Initiative>,
    /// Per initiative: attached items (created by today) and of those not done by today.
    pub counts: BTreeMap<i64, (u32, u32)>,
    /// Initiatives of approved baselines in plan order, with the plan's target and scope.
    pub baseline: PlanContent,
    /// The share of the team's finished items of the last [`HISTORY_DAYS`] days that were
    /// initiative work (1 when no item is attached to any initiative), or why it is not known.
    pub share: Result<f64, String>,
    /// The team's work items.
    pub items: Vec<WorkItem>,
    /// Everything above, hashed.
    pub digest: String,
}

impl TeamInputs {
    /// Reads team `team_id`'s inputs as of the end of `today`.
    pub async fn load(store: &Store, team_id: i64, today: Date) -> Result<Self, StoreError> {
        store.team(team_id).await?;
        let histories = Histories::load(store, team_id).await?;
        let initiatives: Vec<Initiative> =
            store.initiatives().await?.into_iter().filter(|i| i.team_id == team_id).collect();
        let mut rules: Vec<(i64, Vec<AttachRule>)> = Vec::new();
        for initiative in &initiatives {
            rules.push((initiative.id, store.initiative_rules(initiative.id).await?));
        }
        let items = store.work_items(team_id).await?;
        let mut baseline = PlanContent::default();
        let mut plans = store.team_plans(team_id).await?;
        plans.sort_by_key(|p| (p.period.start, p.id));
        for plan in &plans {
            if let Some(version) = plan.baseline() {
                for item in &version.content.items {
                    if baseline.item(item.initiative_id).is_none() {
                        baseline.items.push(item.clone());
                    }
                }
            }
        }
        let window = Window::ending(today, HISTORY_DAYS).ok();
        let (mut counts, mut initiative_done, mut team_done, mut claimed_any) = (BTreeMap::new(), 0_u32, 0_u32, false);
        for (id, _) in &rules {
            counts.insert(*id, (0_u32, 0_u32));
        }
        for item in &items {
            let done_recently = item.done.map(utc_date).is_some_and(|d| window.is_some_and(|w| w.contains(d)));
            team_done += u32::from(done_recently);
            let mut claimed = false;
            for (id, rules) in &rules {
                if rules.iter().any(|rule| rule.matches(item)) {
                    claimed = true;
                    if in_scope(item, today) {
                        let entry = counts.entry(*id).or_default();
                        entry.0 += 1;
                        entry.1 += u32::from(!is_done_by(item, today));
                    }
                }
            }
            initiative_done += u32::from(claimed && done_recently);
            claimed_any |= claimed;
        }
        let share = if !claimed_any {
            // No item is attached to any initiative: the plan's scopes are all there is, and
            // they are taken to get the team's whole throughput.
            Ok(1.0)
        } else if initiative_done == 0 || team_done == 0 {
            Err(format!(
                "none of the team's initiative items was finished in the last {HISTORY_DAYS} days, so the pace of its \
                 planned work is not known yet"
            ))
        } else {
            Ok(f64::from(initiative_done) / f64::from(team_done))
        };
        let mut inputs =
            Self { team_id, histories, initiatives, counts, baseline, share, items, digest: String::new() };
        inputs.digest = inputs.digest(today, &store.done_times(team_id).await?);
        Ok(inputs)
    }

    fn digest(&self, today: Date, done: &[OffsetDateTime]) -> String {
        let mut hash = Sha256::new();
        hash.update(format!("model 1; {INITIATIVE_MODEL}; wip {WIP_LIMIT}; trials {TRIALS}; today {today}\n"));
        for time in done {
            hash.update(time.unix_timestamp().to_le_bytes());
        }
        hash.update(format!("others {}\n", self.histories.others_digest()));
        for initiative in &self.initiatives {
            hash.update(format!(
                "{} {:?} {:?} {:?}\n",
                initiative.id,
                initiative.status,
                initiative.window.map(|w| w.end),
                self.counts.get(&initiative.id)
            ));
        }
        hash.update(self.baseline.canonical_json());
        hash.update(format!("{:?}", self.share));
        let seconds = |t: Option<OffsetDateTime>| t.map_or(i64::MIN, OffsetDateTime::unix_timestamp).to_le_bytes();
        for item in &self.items {
            hash.update(seconds(item.created));
            hash.update(seconds(item.started));
            hash.update(seconds(item.done));
            hash.update([item.category as u8]);
        }
        leadup_core::digest::hex(&hash.finalize())
    }

    /// The team's queue: baseline initiatives in plan order, then its other planned and
    /// in-progress initiatives by target end and id; each with items remaining (the plan's
    /// scope when no items are attached yet) and its target (the plan's, else its window's end).
    pub fn queue(&self) -> Vec<Queued> {
        self.queue_with(&self.baseline.clone(), &self.baseline)
    }

    /// The team's queue with the items of approved plan content `baseline` replaced by those of
    /// `plan` (in its order, where `baseline`'s first item stood; scopes changed by the difference
    /// between the two): what a change to that baseline would make of the queue.
    pub fn queue_with(&self, baseline: &PlanContent, plan: &PlanContent) -> Vec<Queued> {
        let by_id: BTreeMap<i64, &Initiative> = self.initiatives.iter().map(|i| (i.id, i)).collect();
        let mut committed: Vec<&leadup_core::plan::PlanItem> = Vec::new();
        let mut replaced = false;
        for item in &self.baseline.items {
            if baseline.item(item.initiative_id).is_some() || plan.item(item.initiative_id).is_some() {
                if !replaced {
                    committed.extend(&plan.items);
                    replaced = true;
                }
            } else {
                committed.push(item);
            }
        }
        if !replaced {
            committed.splice(0..0, &plan.items);
        }
        let mut queue: Vec<Queued> = Vec::new();
        for item in committed {
            if let Some(initiative) = by_id.get(&item.initiative_id).filter(|i| i.status.is_open()) {
                let was = baseline.item(item.initiative_id).map_or(item.scope, |b| b.scope);
                let remaining = self.remaining(initiative.id, Some(was));
                queue.push(Queued {
                    initiative_id: initiative.id,
                    remaining: (i64::from(remaining) + i64::from(item.scope) - i64::from(was))
                        .clamp(0, i64::from(u32::MAX)) as u32,
                    target: Some(item.target_date),
                });
            }
        }
        let in_plans = |id: i64| self.baseline.item(id).is_some() || plan.item(id).is_some();
        let mut rest: Vec<&Initiative> = self
            .initiatives
            .iter()
            .filter(|i| matches!(i.status, Status::Planned | Status::InProgress) && !in_plans(i.id))
            .collect();
        rest.sort_by_key(|i| (i.window.map_or(Date::MAX, |w| w.end), i.id));
        queue.extend(rest.into_iter().map(|i| Queued {
            initiative_id: i.id,
            remaining: self.remaining(i.id, None),
            target: i.window.map(|w| w.end),
        }));
        queue.retain(|q| q.remaining > 0);
        queue
    }

    /// Items remaining of initiative `id`: its attached items not done, or `planned_scope` when
    /// none are attached.
    pub fn remaining(&self, id: i64, planned_scope: Option<u32>) -> u32 {
        match self.counts.get(&id) {
            Some(&(items, remaining)) if items > 0 => remaining,
            _ => planned_scope.unwrap_or(0),
        }
    }

    /// The target initiative `id` is held against: its baseline's date, else its window's end.
    pub fn target(&self, initiative: &Initiative) -> Option<Date> {
        self.baseline.item(initiative.id).map(|item| item.target_date).or(initiative.window.map(|w| w.end))
    }
}

/// Forecasts `queue` (highest priority first) for the team of `inputs` as of the end of
/// `today`: one [`Outlook`] per entry, or why none is possible for the whole queue.
pub fn forecast_queue(inputs: &TeamInputs, today: Date, queue: &[Queued]) -> Result<Vec<Outlook>, String> {
    if queue.is_empty() {
        return Ok(Vec::new());
    }
    let share = inputs.share.clone()?;
    let own = inputs.histories.own().map_err(|e| e.to_string())?;
    let team_items: Vec<u32> = queue.iter().map(|q| (f64::from(q.remaining) / share).ceil() as u32).collect();
    let portfolio = Portfolio {
        throughput: own.daily_throughput(today, HISTORY_DAYS),
        wip_limit: WIP_LIMIT,
        initiatives: queue
            .iter()
            .zip(&team_items)
            .map(|(q, &items)| Simulated {
                name: q.initiative_id.to_string(),
                items,
                split: SplitRate::NONE,
                risks: Vec::new(),
            })
            .collect(),
    };
    let simulated =
        simulate(&portfolio, &Simulation { trials: TRIALS, ..Simulation::default() }).map_err(|e| e.to_string())?;
    let settings = TeamSettings { history_days: HISTORY_DAYS, ..TeamSettings::default() };
    let mut learned = BTreeMap::new();
    let mut ahead = 0_u32;
    let mut outlooks = Vec::new();
    for ((entry, items), completion) in queue.iter().zip(&team_items).zip(simulated.initiatives) {
        ahead = ahead.saturating_add(*items);
        if let std::collections::btree_map::Entry::Vacant(entry) = learned.entry(ahead) {
            let team = inputs.histories.when(today, ahead, &settings).map_err(|e| e.to_string());
            entry.insert(team.map(|team| (team.forecast.calibration().clone(), calibration_of(&team.backtest))));
        }
        let (calibration, statement) = match learned[&ahead].clone() {
            Ok(learned) => learned,
            Err(note) => {
                // Too far down the queue to forecast (or the team's history cannot say): this
                // one and those after it say why.
                outlooks.push(Outlook {
                    dates: None,
                    probability_by_target: None,
                    note: Some(note),
                    calibration: None,
                });
                continue;
            }
        };
        let calibrated = CalibratedCompletion::new(completion, calibration);
        let days = calibrated.percentiles();
        let probability_by_target = entry.target.map(|target| match u32::try_from((target - today).whole_days()) {
            Ok(days) => round_probability(calibrated.probability_within(days)),
            Err(_) => 0.0,
        });
        outlooks.push(Outlook {
            dates: days.map(|d| DatePercentiles::after(today, d.to_array())),
            probability_by_target,
            note: days.is_none().then(|| {
                format!(
                    "it is less than 95% likely to be done within the {} days simulated",
                    Simulation::default().max_days
                )
            }),
            calibration: Some(statement),
        });
    }
    Ok(outlooks)
}

/// Every initiative of team `inputs.team_id` with its forecast as of the end of `today`,
/// computed at `now`: queued ones forecast, the others with the reason they are not.
pub fn team_forecasts(inputs: &TeamInputs, today: Date, now: OffsetDateTime) -> Vec<InitiativeForecast> {
    let queue = inputs.queue();
    let outlooks = forecast_queue(inputs, today, &queue);
    let queued = Forecasted { queue: &queue, outlooks: &outlooks, digest: &inputs.digest };
    inputs
        .initiatives
        .iter()
        .map(|initiative| queued.forecast(inputs, initiative, inputs.target(initiative), today, now))
        .collect()
}

/// The forecast of plan content `plan` if it were approved, as of the end of `today`: the team's
/// queue with `committed` in place of its approved baselines (see [`committed_with`]), one
/// forecast per item of `plan`, in its order, held against the item's target. This is what a
/// submitted version is shown with before an executive approves it; each forecast's digest
/// covers the team's inputs and the version's content.
pub fn version_forecasts(
    inputs: &TeamInputs,
    today: Date,
    now: OffsetDateTime,
    committed: &PlanContent,
    plan: &PlanContent,
) -> Vec<InitiativeForecast> {
    let queue = inputs.queue_with(&inputs.baseline, committed);
    let outlooks = forecast_queue(inputs, today, &queue);
    let digest = version_digest(inputs, committed);
    let queued = Forecasted { queue: &queue, outlooks: &outlooks, digest: &digest };
    plan.items
        .iter()
        .filter_map(|item| {
            let initiative = inputs.initiatives.iter().find(|i| i.id == item.initiative_id)?;
            Some(queued.forecast(inputs, initiative, Some(item.target_date), today, now))
        })
        .collect()
}

/// What a team would be committed to if version content `content` of plan `plan_id` were
/// approved: every plan's baseline in plan order (earlier periods first, as the queue takes
/// them), with plan `plan_id`'s replaced by `content`, or `content` put where its period
/// places it when the plan has no baseline yet; an initiative counts once, in its first plan.
pub fn committed_with(plans: &[Plan], plan_id: i64, content: &PlanContent) -> PlanContent {
    let mut sorted: Vec<&Plan> = plans.iter().collect();
    sorted.sort_by_key(|p| (p.period.start, p.id));
    let mut combined = PlanContent::default();
    for plan in sorted {
        let items = if plan.id == plan_id { Some(content) } else { plan.baseline().map(|b| &b.content) };
        for item in items.into_iter().flat_map(|c| &c.items) {
            if combined.item(item.initiative_id).is_none() {
                combined.items.push(item.clone());
            }
        }
    }
    combined
}

/// The digest of a version's forecast: the team's inputs and the version's content.
pub fn version_digest(inputs: &TeamInputs, plan: &PlanContent) -> String {
    leadup_core::digest::sha256_hex(&format!("{}\n{}", inputs.digest, plan.canonical_json()))
}

/// A forecast queue and its outlooks, from which each initiative's forecast is read.
struct Forecasted<'a> {
    queue: &'a [Queued],
    outlooks: &'a Result<Vec<Outlook>, String>,
    digest: &'a str,
}

impl Forecasted<'_> {
    fn forecast(
        &self,
        inputs: &TeamInputs,
        initiative: &Initiative,
        target: Option<Date>,
        today: Date,
        now: OffsetDateTime,
    ) -> InitiativeForecast {
        let queue = self.queue;
        let (items, remaining) = inputs.counts.get(&initiative.id).copied().unwrap_or_default();
        let position = queue.iter().position(|q| q.initiative_id == initiative.id);
        let mut forecast = InitiativeForecast {
            initiative_id: initiative.id,
            team_id: inputs.team_id,
            as_of: today,
            computed_at: now,
            attached: items,
            attached_done: items - remaining,
            remaining: position.map_or(remaining, |at| queue[at].remaining),
            position: position.map(|at| at as u32 + 1),
            target,
            dates: None,
            probability_by_target: None,
            note: None,
            calibration: None,
            model: INITIATIVE_MODEL.to_owned(),
            inputs_digest: self.digest.to_owned(),
        };
        match (position, self.outlooks) {
            (Some(at), Ok(outlooks)) => {
                let outlook = &outlooks[at];
                forecast.dates = outlook.dates;
                forecast.probability_by_target = outlook.probability_by_target;
                forecast.note.clone_from(&outlook.note);
                forecast.calibration.clone_from(&outlook.calibration);
            }
            (Some(_), Err(note)) => forecast.note = Some(note.clone()),
            (None, _) => {
                forecast.note = not_queued(initiative, items, remaining);
                if items > 0 && remaining == 0 && target.is_some() {
                    forecast.probability_by_target = Some(1.0);
                }
            }
        }
        if forecast.remaining > 0 && target.is_some_and(|t| t < today) {
            forecast.probability_by_target = Some(0.0);
        }
        forecast
    }
}

/// Why an initiative outside the queue has no forecast (`None` when it is simply done).
fn not_queued(initiative: &Initiative, items: u32, remaining: u32) -> Option<String> {
    match initiative.status {
        Status::Dropped => Some("the initiative was dropped, so what remains is not forecast".to_owned()),
        Status::Proposed => Some("the initiative is only proposed: it is forecast once it is planned".to_owned()),
        Status::Done => None,
        Status::Planned | Status::InProgress if items == 0 => {
            Some("no work items are attached yet, and no approved plan gives its scope".to_owned())
        }
        Status::Planned | Status::InProgress => (remaining > 0).then(|| "nothing remains to forecast".to_owned()),
    }
}
