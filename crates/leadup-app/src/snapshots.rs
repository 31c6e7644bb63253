//! The stored results every page reads, and how they are kept fresh: a team's initiative
//! forecasts (one per initiative and day, see [`crate::initiative_forecasts`]) and its
//! dashboard for each preset window (see [`crate::dashboard`]), and the forecast of each of its
//! plans' submitted versions (its queue with the version in place of the plan's baseline), so
//! that an executive sees which targets are unlikely before approving. All are recomputed from
//! one read of the team's inputs, and only when those inputs or the day changed. The impact of
//! each open change request filed before the plan's current baseline is recomputed against
//! that baseline (see [`refresh_change_requests`]).

use std::collections::HashSet;

use leadup_core::forecast::InitiativeForecast;
use leadup_core::plan::VersionStatus;
use leadup_store::{Store, StoredDashboard, VersionForecasts};
use time::{Date, OffsetDateTime};

use crate::dashboard::{PRESET_WINDOWS, TeamOutlook, team_dashboard};
use crate::forecasts::ForecastFailure;
use crate::impact::impact;
use crate::initiative_forecasts::{TeamInputs, committed_with, team_forecasts, version_digest, version_forecasts};

/// Recomputes team `team_id`'s initiative forecasts as of the end of `today` and stores them
/// (replacing that day's, so the history keeps one per initiative and day), its dashboard
/// for each preset window and the forecast of each submitted plan version; returns the
/// initiative forecasts. What was stored from the same inputs on the
/// same day is not computed again.
pub async fn refresh_team(
    store: &Store,
    team_id: i64,
    today: Date,
    now: OffsetDateTime,
) -> Result<Vec<InitiativeForecast>, ForecastFailure> {
    let inputs = TeamInputs::load(store, team_id, today).await?;
    let stored = store.team_initiative_forecasts(team_id).await?;
    let ids: HashSet<i64> = inputs.initiatives.iter().map(|i| i.id).collect();
    let fresh = ids.len() == stored.len()
        && stored
            .iter()
            .all(|f| f.as_of == today && f.inputs_digest == inputs.digest && ids.contains(&f.initiative_id));
    refresh_dashboards(store, &inputs, today, now).await?;
    refresh_submitted(store, &inputs, today, now).await?;
    refresh_change_requests(store, &inputs, today, now).await?;
    if fresh {
        return Ok(stored);
    }
    let forecasts = team_forecasts(&inputs, today, now);
    store.save_initiative_forecasts(team_id, &forecasts).await?;
    Ok(forecasts)
}

/// Recomputes and stores the team's dashboard for each preset window, unless the stored one is
/// of the same day and inputs.
async fn refresh_dashboards(
    store: &Store,
    inputs: &TeamInputs,
    today: Date,
    now: OffsetDateTime,
) -> Result<(), ForecastFailure> {
    let mut outlook = None;
    for days in PRESET_WINDOWS {
        let stored = store.team_dashboard(inputs.team_id, days).await?;
        if stored.is_some_and(|s| s.as_of == today && s.inputs_digest == inputs.digest) {
            continue;
        }
        let outlook = outlook.get_or_insert_with(|| TeamOutlook::of(&inputs.items, &inputs.histories, today));
        let dashboard = team_dashboard(inputs.team_id, &inputs.items, outlook, today, days, now)?;
        let snapshot = serde_json::to_string(&dashboard)
            .map_err(|e| ForecastFailure::NoForecast(format!("the dashboard cannot be written: {e}")))?;
        let stored = StoredDashboard { as_of: today, inputs_digest: inputs.digest.clone(), snapshot };
        store.save_team_dashboard(inputs.team_id, days, &stored).await?;
    }
    Ok(())
}

/// Recomputes and stores the forecast of each of the team's submitted plan versions, unless the
/// stored one is of the same day, inputs and content.
async fn refresh_submitted(
    store: &Store,
    inputs: &TeamInputs,
    today: Date,
    now: OffsetDateTime,
) -> Result<(), ForecastFailure> {
    let plans = store.team_plans(inputs.team_id).await?;
    for plan in &plans {
        let Some(version) = plan.versions.iter().find(|v| v.status == VersionStatus::Submitted) else { continue };
        let committed = committed_with(&plans, plan.id, &version.content);
        let digest = version_digest(inputs, &committed);
        let stored = store.plan_version_forecasts(plan.id, version.number).await?;
        if stored.is_some_and(|s| s.as_of == today && s.inputs_digest == digest) {
            continue;
        }
        let forecasts = version_forecasts(inputs, today, now, &committed, &version.content);
        let stored = VersionForecasts { as_of: today, inputs_digest: digest, forecasts };
        store.save_plan_version_forecasts(plan.id, version.number, &stored).await?;
    }
    Ok(())
}

/// Recomputes, against its plan's current baseline, the impact of each of the team's open
/// change requests whose impact was computed on an older baseline, as filing would compute it
/// today; the store keeps the impact it replaces in the request's history. A change that no
/// longer fits the baseline is recorded with the reason instead.
async fn refresh_change_requests(
    store: &Store,
    inputs: &TeamInputs,
    today: Date,
    now: OffsetDateTime,
) -> Result<(), ForecastFailure> {
    for stale in store.stale_change_requests(inputs.team_id).await? {
        match stale.change.apply(&stale.baseline) {
            Ok(changed) => {
                let impact = impact(inputs, today, &stale.baseline, &changed).map_err(ForecastFailure::NoForecast)?;
                store.recompute_change_request(stale.id, stale.baseline_version, Ok(&impact), now).await?;
            }
            Err(refused) => {
                let why = refused.0.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("; ");
                store.recompute_change_request(stale.id, stale.baseline_version, Err(&why), now).await?;
            }
        }
    }
    Ok(())
}

/// [`refresh_team`] for every team.
pub async fn refresh_all(store: &Store, today: Date, now: OffsetDateTime) -> Result<usize, ForecastFailure> {
    let teams = store.teams().await?;
    for team in &teams {
        refresh_team(store, team.id, today, now).await?;
    }
    Ok(teams.len())
}
