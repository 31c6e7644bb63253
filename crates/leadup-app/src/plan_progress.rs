//! A plan's progress against its targets: per committed initiative, the plan's target date and
//! budget, the stored forecast now (P50/P85/P95 dates and chance by target), the forecast when
//! the baseline was approved and the change since, the budget spent and the items done, with
//! the plan's headline ([`leadup_core::headline`]).
//!
//! Everything is read from stored results, never computed here: an approved baseline shows each
//! initiative's latest stored forecast (the one the initiative page shows) and, for "at
//! approval", its stored forecast as of the approval day (the last snapshot on or before it); a
//! submitted version shows the forecast of its own queue, which [`crate::snapshots`] stores when
//! the team is refreshed after the submission (until then the items say no forecast is stored
//! yet).

use std::collections::BTreeMap;

use leadup_core::forecast::InitiativeForecast;
use leadup_core::headline::{Headline, HeadlineItem, headline};
use leadup_core::initiative::{Initiative, Status};
use leadup_core::money::Money;
use leadup_core::plan::{Plan, PlanVersion, VersionStatus};
use leadup_store::{Store, StoreError};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

/// The figures of one stored forecast that a plan's progress shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForecastFigures {
    /// The day the forecast is as of.
    #[serde(with = "leadup_core::date::iso_date")]
    pub as_of: Date,
    /// Its age in whole days on the day asked about.
    pub age_days: i64,
    /// 50% likely done by this date.
    #[serde(with = "leadup_core::date::iso_date_option")]
    pub p50: Option<Date>,
    /// 85% likely done by this date.
    #[serde(with = "leadup_core::date::iso_date_option")]
    pub p85: Option<Date>,
    /// 95% likely done by this date.
    #[serde(with = "leadup_core::date::iso_date_option")]
    pub p95: Option<Date>,
    /// The chance of being done by the target it was held against (0 to 1).
    pub chance_by_target: Option<f64>,
    /// Why there are no dates, when there are none.
    pub note: Option<String>,
}

impl ForecastFigures {
    /// The figures of `forecast`, aged on `today`.
    pub fn of(forecast: &InitiativeForecast, today: Date) -> Self {
        Self {
            as_of: forecast.as_of,
            age_days: forecast.age_days(today),
            p50: forecast.dates.map(|d| d.p50),
            p85: forecast.dates.map(|d| d.p85),
            p95: forecast.dates.map(|d| d.p95),
            chance_by_target: forecast.probability_by_target,
            note: forecast.note.clone(),
        }
    }
}

/// One committed initiative's progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemProgress {
    /// The initiative.
    pub initiative_id: i64,
    /// Its title.
    pub title: String,
    /// The plan's target date for it.
    #[serde(with = "leadup_core::date::iso_date_option")]
    pub target: Option<Date>,
    /// The plan's budget for it.
    pub budget: Option<Money>,
    /// What it has spent so far.
    pub spent: Option<Money>,
    /// The stored forecast now (for a submitted version, the forecast of the version's queue).
    pub forecast: Option<ForecastFigures>,
    /// The stored forecast when the baseline was approved.
    pub at_approval: Option<ForecastFigures>,
    /// Days the P85 date moved since approval (later is positive).
    pub p85_change_days: Option<i64>,
    /// How the chance by target changed since approval (0.1 is ten points more likely).
    pub chance_change: Option<f64>,
    /// Attached items done.
    pub done: u64,
    /// Attached items in scope.
    pub total: u64,
}

/// A plan version's progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanProgress {
    /// The plan.
    pub plan_id: i64,
    /// Its team.
    pub team_id: i64,
    /// The plan's name.
    pub plan_name: String,
    /// The version shown.
    pub version: i64,
    /// Approved (the baseline) or submitted.
    pub status: VersionStatus,
    /// When the version was approved.
    #[serde(with = "time::serde::rfc3339::option")]
    pub approved_at: Option<OffsetDateTime>,
    /// The executive who approved it.
    pub approved_by: Option<i64>,
    /// On track, at risk or off track, and why.
    pub headline: Headline,
    /// The committed initiatives, in plan order.
    pub items: Vec<ItemProgress>,
}

/// The progress of plan `plan_id`'s approved baseline on `today`; `None` when it has none.
pub async fn baseline(store: &Store, plan_id: i64, today: Date) -> Result<Option<PlanProgress>, StoreError> {
    let plan = store.plan(plan_id).await?;
    match plan.baseline() {
        Some(version) => Ok(Some(of_version(store, &plan, version, today).await?)),
        None => Ok(None),
    }
}

/// The progress of version `version` of plan `plan_id` on `today`: the baseline's progress when
/// it is approved, the stored forecast of its queue when it is submitted; `None` for a draft or
/// a superseded version, whose forecasts are not kept, and for a version that does not exist.
pub async fn version(
    store: &Store,
    plan_id: i64,
    version: u32,
    today: Date,
) -> Result<Option<PlanProgress>, StoreError> {
    let plan = store.plan(plan_id).await?;
    match plan.version(version) {
        Some(v) if matches!(v.status, VersionStatus::Approved | VersionStatus::Submitted) => {
            Ok(Some(of_version(store, &plan, v, today).await?))
        }
        _ => Ok(None),
    }
}

async fn of_version(
    store: &Store,
    plan: &Plan,
    version: &PlanVersion,
    today: Date,
) -> Result<PlanProgress, StoreError> {
    let initiatives: BTreeMap<i64, Initiative> =
        store.initiatives().await?.into_iter().filter(|i| i.team_id == plan.team_id).map(|i| (i.id, i)).collect();
    let approved = version.status == VersionStatus::Approved;
    let now: BTreeMap<i64, InitiativeForecast> = if approved {
        store.team_initiative_forecasts(plan.team_id).await?
    } else {
        store.plan_version_forecasts(plan.id, version.number).await?.map(|s| s.forecasts).unwrap_or_default()
    }
    .into_iter()
    .map(|f| (f.initiative_id, f))
    .collect();
    let then: BTreeMap<i64, InitiativeForecast> = match version.approved.filter(|_| approved) {
        Some(approval) => {
            let ids: Vec<i64> = version.content.items.iter().map(|i| i.initiative_id).collect();
            store
                .initiative_forecasts_on(&ids, approval.at.date())
                .await?
                .into_iter()
                .map(|f| (f.initiative_id, f))
                .collect()
        }
        None => BTreeMap::new(),
    };
    let mut items = Vec::new();
    let mut headline_items = Vec::new();
    for item in &version.content.items {
        let initiative = initiatives.get(&item.initiative_id);
        let forecast = now.get(&item.initiative_id);
        let at_approval = then.get(&item.initiative_id);
        let p85 = |f: Option<&InitiativeForecast>| f.and_then(|f| f.dates).map(|d| d.p85);
        let chance = |f: Option<&InitiativeForecast>| f.and_then(|f| f.probability_by_target);
        let title = initiative.map_or_else(|| format!("Initiative {}", item.initiative_id), |i| i.title.clone());
        let (done, total) = forecast.map_or((0, 0), |f| (u64::from(f.attached_done), u64::from(f.attached)));
        let finished = initiative.is_some_and(|i| i.status == Status::Done)
            || forecast.is_some_and(|f| f.attached > 0 && f.remaining == 0);
        headline_items.push(HeadlineItem {
            title: title.clone(),
            target: item.target_date,
            done: finished,
            chance: chance(forecast),
            chance_at_approval: chance(at_approval),
            p85: p85(forecast),
        });
        items.push(ItemProgress {
            initiative_id: item.initiative_id,
            title,
            target: Some(item.target_date),
            budget: initiative.map(|i| Money { minor: item.budget, currency: i.currency.clone() }),
            spent: initiative.map(Initiative::actual),
            forecast: forecast.map(|f| ForecastFigures::of(f, today)),
            at_approval: at_approval.map(|f| ForecastFigures::of(f, today)),
            p85_change_days: p85(forecast).zip(p85(at_approval)).map(|(now, then)| (now - then).whole_days()),
            chance_change: chance(forecast)
                .zip(chance(at_approval))
                .map(|(now, then)| ((now - then) * 1000.0).round() / 1000.0),
            done,
            total,
        });
    }
    Ok(PlanProgress {
        plan_id: plan.id,
        team_id: plan.team_id,
        plan_name: plan.name.clone(),
        version: i64::from(version.number),
        status: version.status,
        approved_at: version.approved.map(|a| a.at),
        approved_by: version.approved.map(|a| a.user_id),
        headline: headline(&headline_items),
        items,
    })
}
