//! The impact of a change to a plan, as a change request shows it before anyone decides:
//! for every initiative in the baseline or the changed plan, the P85 completion date and the
//! probability of meeting its target date before and after, the days of delay, and the budget
//! delta.
//!
//! Both plans are forecast the same way as the team's portfolio: a seeded Monte Carlo of the
//! team's daily throughput over the last `history_days` days, the plan's initiatives sharing
//! the team in plan order under the WIP limit, each with its remaining scope in items. Both
//! runs use the same seed, so the difference between them is the change, not the dice.

use leadup_core::change_request::{Change, ChangeRequest, ChangeRequestInput, Impact, InitiativeImpact, Outlook};
use leadup_core::plan::PlanContent;
use leadup_forecast::{ForecastError, Initiative, Portfolio, Simulation, SplitRate, TeamHistory, simulate};
use leadup_store::{Actor, Store, StoreError};
use time::{Date, Duration};

use crate::forecasts::{ForecastFailure, round_probability, utc_date};
use crate::{AppError, dashboard, views};

/// How the impact of a change is forecast.
#[derive(Debug, Clone, PartialEq)]
pub struct ImpactSettings {
    /// Initiatives worked on at once.
    pub wip: u32,
    /// Days of throughput history, ending today.
    pub history_days: u32,
    /// Trials, seed and threads.
    pub simulation: Simulation,
}

impl Default for ImpactSettings {
    /// The settings of the team dashboard's portfolio forecast.
    fn default() -> Self {
        Self { wip: views::PORTFOLIO_WIP, history_days: dashboard::HISTORY_DAYS, simulation: Simulation::default() }
    }
}

/// The impact of changing plan content `baseline` into `changed`, for a team whose daily
/// throughput (oldest day first, ending today) is `throughput`: initiatives in the baseline's
/// order, then those only in the changed plan.
pub fn impact(
    throughput: &[u32],
    today: Date,
    baseline: &PlanContent,
    changed: &PlanContent,
    settings: &ImpactSettings,
) -> Result<Impact, ForecastError> {
    let before = outlooks(throughput, today, baseline, settings)?;
    let after = outlooks(throughput, today, changed, settings)?;
    let added = changed.items.iter().filter(|item| baseline.item(item.initiative_id).is_none());
    let initiatives = baseline
        .items
        .iter()
        .chain(added)
        .map(|item| {
            let id = item.initiative_id;
            let before = baseline.position(id).map(|at| before[at].clone());
            let after = changed.position(id).map(|at| after[at].clone());
            let p85 = |outlook: &Option<Outlook>| outlook.as_ref().and_then(|o| o.p85);
            let delay_days = p85(&before).zip(p85(&after)).map(|(b, a)| (a - b).whole_days());
            let budget = |outlook: &Option<Outlook>| outlook.as_ref().map_or(0, |o| o.budget);
            let budget_delta = budget(&after) - budget(&before);
            InitiativeImpact { initiative_id: id, before, after, delay_days, budget_delta }
        })
        .collect();
    Ok(Impact { today, initiatives })
}

/// Each item's outlook when `content`'s initiatives share the team, in plan order.
fn outlooks(
    throughput: &[u32],
    today: Date,
    content: &PlanContent,
    settings: &ImpactSettings,
) -> Result<Vec<Outlook>, ForecastError> {
    if content.items.is_empty() {
        return Ok(Vec::new());
    }
    let portfolio = Portfolio {
        throughput: throughput.to_vec(),
        wip_limit: settings.wip,
        initiatives: content
            .items
            .iter()
            .map(|item| Initiative {
                name: item.initiative_id.to_string(),
                items: item.scope,
                split: SplitRate::NONE,
                risks: Vec::new(),
            })
            .collect(),
    };
    let forecast = simulate(&portfolio, &settings.simulation)?;
    Ok(content
        .items
        .iter()
        .zip(&forecast.initiatives)
        .map(|(item, completion)| {
            // A target already past can only be met by what is already done (nothing left).
            let days_to_target = u32::try_from((item.target_date - today).whole_days()).unwrap_or(0);
            Outlook {
                target_date: item.target_date,
                p85: completion.percentile(0.85).map(|days| today + Duration::days(i64::from(days))),
                probability_by_target: round_probability(completion.probability_within(days_to_target)),
                budget: item.budget,
            }
        })
        .collect())
}

/// The impact of changing `baseline` into `changed` for team `team_id`, from the team's
/// done work items as of the end of `today`.
pub async fn change_impact(
    store: &Store,
    team_id: i64,
    today: Date,
    baseline: &PlanContent,
    changed: &PlanContent,
    settings: &ImpactSettings,
) -> Result<Impact, ForecastFailure> {
    store.team(team_id).await?;
    let history = TeamHistory::new(store.done_times(team_id).await?.into_iter().map(utc_date))?;
    let throughput = history.daily_throughput(today, settings.history_days);
    Ok(impact(&throughput, today, baseline, changed, settings)?)
}

/// The impact of `change` on plan `plan_id`'s baseline, as filing a change request needs it.
/// A plan without a baseline is a conflict, and a change that does not fit the baseline is
/// refused naming the field, as filing would refuse them.
pub async fn plan_change_impact(
    store: &Store,
    plan_id: i64,
    change: &Change,
    today: Date,
    settings: &ImpactSettings,
) -> Result<Impact, ForecastFailure> {
    let plan = store.plan(plan_id).await?;
    let baseline = plan.baseline().ok_or_else(|| {
        StoreError::Conflict(format!(
            "plan {plan_id} has no approved baseline yet: change its draft instead of filing a change request"
        ))
    })?;
    let changed = change.apply(&baseline.content).map_err(StoreError::Invalid)?;
    change_impact(store, plan.team_id, today, &baseline.content, &changed, settings).await
}

/// Files a change request against plan `plan_id`'s baseline, with its impact computed as of
/// `today`: what the page's form and the API both do. Invalid input names each bad field; a
/// change that does not fit the baseline is refused naming the field, before anything is
/// forecast or written.
pub async fn file_change_request(
    store: &Store,
    plan_id: i64,
    input: ChangeRequestInput,
    today: Date,
    by: Actor,
    settings: &ImpactSettings,
) -> Result<ChangeRequest, AppError> {
    let draft = input.validate()?;
    let impact = plan_change_impact(store, plan_id, &draft.change, today, settings).await?;
    Ok(store.file_change_request(plan_id, &draft, &impact, by).await?)
}

#[cfg(test)]
mod tests {
    use leadup_core::plan::PlanItem;
    use time::macros::date;

    use super::*;

    /// Three months of a team finishing about one item a day.
    const THROUGHPUT: [u32; 30] =
        [1, 0, 2, 1, 1, 0, 0, 2, 1, 1, 3, 0, 1, 1, 0, 2, 1, 0, 1, 2, 1, 0, 0, 1, 2, 1, 1, 0, 2, 1];
    const TODAY: Date = date!(2027 - 01 - 04);

    fn item(initiative_id: i64, target: Date, scope: u32) -> PlanItem {
        PlanItem { initiative_id, target_date: target, budget: 1_000 * initiative_id, scope }
    }

    fn baseline() -> PlanContent {
        PlanContent {
            items: vec![
                item(1, date!(2027 - 01 - 20), 10),
                item(2, date!(2027 - 02 - 10), 15),
                item(3, date!(2027 - 03 - 01), 12),
            ],
        }
    }

    fn settings() -> ImpactSettings {
        ImpactSettings {
            simulation: Simulation { trials: 4_000, ..Simulation::default() },
            ..ImpactSettings::default()
        }
    }

    fn run(changed: &PlanContent) -> Impact {
        impact(&THROUGHPUT, TODAY, &baseline(), changed, &settings()).unwrap()
    }

    #[test]
    fn an_unchanged_plan_costs_nothing() {
        let same = run(&baseline());
        assert_eq!(same.initiatives.len(), 3);
        for line in &same.initiatives {
            assert_eq!(line.before, line.after);
            assert_eq!((line.delay_days, line.budget_delta), (Some(0), 0));
        }
        assert_eq!(same, run(&baseline()), "seeded: the same answer every time");
        let first = same.initiatives[0].before.as_ref().unwrap();
        assert!(first.p85.unwrap() > TODAY && first.probability_by_target > 0.0 && first.probability_by_target < 1.0);
    }

    #[test]
    fn adding_an_initiative_ahead_delays_the_others() {
        let mut changed = baseline();
        changed.items.insert(0, item(4, date!(2027 - 01 - 31), 20));
        let result = run(&changed);
        let ids: Vec<i64> = result.initiatives.iter().map(|l| l.initiative_id).collect();
        assert_eq!(ids, [1, 2, 3, 4], "the baseline's order, then the addition");
        // Under the WIP limit of 2 the first initiative keeps working beside the new one and,
        // being the smaller, still finishes first; everything behind it waits longer.
        assert!(result.initiatives[0].delay_days.unwrap() >= 0);
        for line in &result.initiatives[1..3] {
            let delay = line.delay_days.unwrap();
            assert!(delay > 0, "initiative {} is delayed: {delay}", line.initiative_id);
            let (before, after) = (line.before.as_ref().unwrap(), line.after.as_ref().unwrap());
            assert!(after.probability_by_target < before.probability_by_target);
        }
        // One at a time, every initiative waits for the new one.
        let one_at_a_time = ImpactSettings { wip: 1, ..settings() };
        let serial = impact(&THROUGHPUT, TODAY, &baseline(), &changed, &one_at_a_time).unwrap();
        assert!(serial.initiatives[..3].iter().all(|l| l.delay_days.unwrap() > 0), "{serial:?}");
        let added = &result.initiatives[3];
        assert_eq!((added.before.as_ref(), added.delay_days, added.budget_delta), (None, None, 4_000));
        assert!(added.after.as_ref().unwrap().p85.is_some());
        assert!(result.delay_days() > 10, "{}", result.delay_days());
        assert_eq!(result.budget_delta(), 4_000);
    }

    #[test]
    fn removing_an_initiative_delays_no_one() {
        let mut changed = baseline();
        changed.items.remove(0);
        let result = run(&changed);
        let removed = &result.initiatives[0];
        assert_eq!((removed.after.as_ref(), removed.delay_days, removed.budget_delta), (None, None, -1_000));
        for line in &result.initiatives[1..] {
            assert!(
                line.delay_days.unwrap() <= 0,
                "initiative {} is not delayed: {:?}",
                line.initiative_id,
                line.delay_days
            );
        }
        assert_eq!(result.delay_days(), 0);
        assert!(result.initiatives[1].delay_days.unwrap() < 0, "the next one gets earlier");
    }

    #[test]
    fn a_later_target_is_more_likely_to_be_met() {
        let mut changed = baseline();
        changed.items[1].target_date = date!(2027 - 03 - 15);
        let line = &run(&changed).initiatives[1];
        let (before, after) = (line.before.as_ref().unwrap(), line.after.as_ref().unwrap());
        assert!(after.probability_by_target > before.probability_by_target, "{before:?} -> {after:?}");
        assert_eq!(before.p85, after.p85, "re-dating moves no work");
        assert_eq!(line.delay_days, Some(0));
        assert_eq!(after.target_date, date!(2027 - 03 - 15));
    }

    #[test]
    fn no_throughput_is_an_error() {
        let error = impact(&[0, 0, 0], TODAY, &baseline(), &baseline(), &settings()).unwrap_err();
        assert_eq!(error, ForecastError::NoThroughput { days: 3 });
    }
}
