//! The impact of a change to a plan, as a change request shows it before anyone decides:
//! for every initiative in the baseline or the changed plan, the P85 completion date and the
//! probability of meeting its target date before and after, the days of delay, and the budget
//! delta.
//!
//! "Before" is the team's queue as it stands, forecast by the one initiative model
//! ([`crate::initiative_forecasts`]), so its figures are those every page shows for the same
//! day; "after" is the same queue with the baseline's items replaced by the changed plan's.
//! Both runs use the same seed, so the difference between them is the change, not the dice.

use leadup_core::change_request::{Change, ChangeRequest, ChangeRequestInput, Impact, InitiativeImpact, Outlook};
use leadup_core::plan::PlanContent;
use leadup_store::{Actor, Store, StoreError};
use time::Date;

use crate::forecasts::ForecastFailure;
use crate::initiative_forecasts::{TeamInputs, forecast_queue};

/// The impact of changing approved plan content `baseline` into `changed` for the team of
/// `inputs`: initiatives in the baseline's order, then those only in the changed plan.
pub fn impact(
    inputs: &TeamInputs,
    today: Date,
    baseline: &PlanContent,
    changed: &PlanContent,
) -> Result<Impact, String> {
    let before = outlooks(inputs, today, baseline, baseline)?;
    let after = outlooks(inputs, today, baseline, changed)?;
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

/// Each of `plan`'s items' outlook when it replaces `baseline` in the team's queue, in plan
/// order. An item with nothing left to do is done today.
fn outlooks(
    inputs: &TeamInputs,
    today: Date,
    baseline: &PlanContent,
    plan: &PlanContent,
) -> Result<Vec<Outlook>, String> {
    let queue = inputs.queue_with(baseline, plan);
    let forecasts = forecast_queue(inputs, today, &queue)?;
    Ok(plan
        .items
        .iter()
        .map(|item| {
            let queued = queue.iter().position(|q| q.initiative_id == item.initiative_id);
            let (p85, probability_by_target) = match queued {
                Some(at) => (forecasts[at].dates.map(|d| d.p85), forecasts[at].probability_by_target.unwrap_or(0.0)),
                None => (Some(today), 1.0),
            };
            Outlook { target_date: item.target_date, p85, probability_by_target, budget: item.budget }
        })
        .collect())
}

/// The impact of changing `baseline` into `changed` for team `team_id`, from the team's
/// inputs as of the end of `today`.
pub async fn change_impact(
    store: &Store,
    team_id: i64,
    today: Date,
    baseline: &PlanContent,
    changed: &PlanContent,
) -> Result<Impact, ForecastFailure> {
    let inputs = TeamInputs::load(store, team_id, today).await?;
    impact(&inputs, today, baseline, changed).map_err(ForecastFailure::NoForecast)
}

/// The impact of `change` on plan `plan_id`'s baseline, as filing a change request needs it.
/// A plan without a baseline is a conflict, and a change that does not fit the baseline is
/// refused naming the field, as filing would refuse them.
pub async fn plan_change_impact(
    store: &Store,
    plan_id: i64,
    change: &Change,
    today: Date,
) -> Result<Impact, ForecastFailure> {
    let plan = store.plan(plan_id).await?;
    let baseline = plan.baseline().ok_or_else(|| {
        StoreError::Conflict(format!(
            "plan {plan_id} has no approved baseline yet: change its draft instead of filing a change request"
        ))
    })?;
    let changed = change.apply(&baseline.content).map_err(StoreError::Invalid)?;
    change_impact(store, plan.team_id, today, &baseline.content, &changed).await
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
) -> Result<ChangeRequest, ForecastFailure> {
    let draft = input.validate().map_err(StoreError::Invalid)?;
    let impact = plan_change_impact(store, plan_id, &draft.change, today).await?;
    Ok(store.file_change_request(plan_id, &draft, &impact, by).await?)
}

#[cfg(test)]
mod tests {
    use leadup_core::initiative::{Initiative, Status};
    use leadup_core::plan::PlanItem;
    use time::Duration;
    use time::macros::date;

    use crate::forecasts::Histories;

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

    /// A team whose done dates give `throughput` (oldest day first, ending today), with
    /// initiatives 1 to 4 planned and no items attached, so the plan's scopes are what remains.
    fn inputs(throughput: &[u32]) -> TeamInputs {
        let days = throughput.len() as i64;
        let done: Vec<Date> = throughput
            .iter()
            .enumerate()
            .flat_map(|(k, &n)| std::iter::repeat_n(TODAY - Duration::days(days - 1 - k as i64), n as usize))
            .collect();
        let initiative = |id: i64| Initiative {
            id,
            team_id: 1,
            title: format!("Initiative {id}"),
            outcome: String::new(),
            objective_ids: Vec::new(),
            horizon: None,
            window: None,
            status: Status::Planned,
            budget_planned: 0,
            budget_actual: 0,
            currency: leadup_core::money::Currency::parse("EUR").unwrap(),
        };
        TeamInputs {
            team_id: 1,
            histories: Histories::from_done_dates(done, Vec::new()),
            initiatives: (1..=4).map(initiative).collect(),
            counts: std::collections::BTreeMap::new(),
            baseline: baseline(),
            share: Ok(1.0),
            items: Vec::new(),
            digest: String::new(),
        }
    }

    fn run(changed: &PlanContent) -> Impact {
        impact(&inputs(&THROUGHPUT), TODAY, &baseline(), changed).unwrap()
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
        let error = impact(&inputs(&[0, 0, 0]), TODAY, &baseline(), &baseline()).unwrap_err();
        assert!(error.contains("no done items"), "{error}");
    }
}
