//! The commitments ledger and the track record, as the pages, the API, the command line and
//! the brief show them: adding a commitment, recording its outcomes, listing a team's with the
//! chance the current forecast gives each linked one, the credibility report, and the
//! commitments approving a plan baseline makes.
//!
//! The chance of a commitment linked to an initiative is read from the initiative's stored
//! forecast (`leadup_core::commitment::chance_by`), never computed here; it is "at risk" when
//! that chance is below the confidence stated. The forecast track record (how often the stored
//! P85 dates of the team's initiatives came true) is read from the stored forecast history.

use std::collections::{BTreeMap, HashMap};

use leadup_core::commitment::{
    Commitment, CommitmentInput, CredibilityReport, Outcome, OutcomeInput, State, Verdict, chance_by, credibility,
};
use leadup_core::forecast::InitiativeForecast;
use leadup_core::plan::{Plan, VersionStatus};
use leadup_store::{Actor, PlanItemCommitment, Store, StoreError};
use serde::Serialize;
use time::Date;

use crate::plan_progress;

/// The confidence an approval states for a plan item when no forecast of the submitted
/// version is stored yet: an even chance, saying nothing either way.
pub const NO_FORECAST_CONFIDENCE: f64 = 0.5;

/// A commitment as shown: what it is, where it stands, and the current forecast's chance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommitmentView {
    /// The commitment with its events.
    #[serde(flatten)]
    pub commitment: Commitment,
    /// The name of the person it was made to.
    pub to: String,
    /// Open, met, missed or dropped.
    pub state: State,
    /// The due date in force (the last renegotiated one, or the original).
    #[serde(with = "leadup_core::date::iso_date")]
    pub current_due: Date,
    /// How it counts in the track record, once closed.
    pub verdict: Option<Verdict>,
    /// The chance the initiative's stored forecast gives of meeting the due date in force,
    /// for an open commitment linked to an initiative with a stored forecast.
    pub chance_now: Option<f64>,
    /// The day that forecast is as of.
    #[serde(with = "leadup_core::date::iso_date_option")]
    pub chance_as_of: Option<Date>,
    /// Whether the chance now is below the confidence stated.
    pub at_risk: bool,
}

fn view(
    commitment: Commitment,
    names: &HashMap<i64, String>,
    forecasts: &BTreeMap<i64, InitiativeForecast>,
) -> CommitmentView {
    let state = commitment.state();
    let current_due = commitment.current_due();
    let forecast = commitment.initiative_id.and_then(|i| forecasts.get(&i)).filter(|_| state == State::Open);
    let chance_now = forecast.and_then(|f| chance_by(f, current_due));
    CommitmentView {
        to: names.get(&commitment.to_user_id).cloned().unwrap_or_else(|| format!("user {}", commitment.to_user_id)),
        state,
        current_due,
        verdict: commitment.verdict(),
        chance_now,
        chance_as_of: forecast.filter(|_| chance_now.is_some()).map(|f| f.as_of),
        at_risk: chance_now.is_some_and(|c| c < commitment.confidence),
        commitment,
    }
}

async fn views(
    store: &Store,
    team_ids: &[i64],
    commitments: Vec<Commitment>,
) -> Result<Vec<CommitmentView>, StoreError> {
    let names: HashMap<i64, String> = store.users().await?.into_iter().map(|u| (u.id, u.name)).collect();
    let mut forecasts = BTreeMap::new();
    for &team in team_ids {
        forecasts.extend(store.team_initiative_forecasts(team).await?.into_iter().map(|f| (f.initiative_id, f)));
    }
    Ok(commitments.into_iter().map(|c| view(c, &names, &forecasts)).collect())
}

/// Validates `input` and stores it as a commitment of team `team_id` made by `by` (the date
/// made defaults to `by`'s day).
pub async fn add(store: &Store, team_id: i64, input: &CommitmentInput, by: Actor) -> Result<Commitment, StoreError> {
    let draft = input.validate(team_id, by.at.date())?;
    store.create_commitment(&draft, by).await
}

/// Appends an outcome to commitment `id` (checked against it; the day defaults to `by`'s).
pub async fn record_outcome(store: &Store, id: i64, input: &OutcomeInput, by: Actor) -> Result<Commitment, StoreError> {
    store.record_commitment_outcome(id, input, by).await
}

/// Commitment `id` as shown.
pub async fn one(store: &Store, id: i64) -> Result<CommitmentView, StoreError> {
    let commitment = store.commitment(id).await?;
    let team = commitment.team_id;
    Ok(views(store, &[team], vec![commitment]).await?.remove(0))
}

/// Team `team_id`'s commitments as shown: open ones first by the due date in force, then the
/// closed ones, most recently closed first.
pub async fn list(store: &Store, team_id: i64) -> Result<Vec<CommitmentView>, StoreError> {
    let mut all = views(store, &[team_id], store.team_commitments(&[team_id]).await?).await?;
    all.sort_by_key(|v| match v.commitment.closing() {
        None => (0, v.current_due.to_julian_day(), v.commitment.id),
        Some(e) => (1, -e.on.to_julian_day(), -v.commitment.id),
    });
    Ok(all)
}

/// The open commitments of team `team_id` whose current chance is below the confidence stated.
pub async fn at_risk(store: &Store, team_id: i64) -> Result<Vec<CommitmentView>, StoreError> {
    Ok(list(store, team_id).await?.into_iter().filter(|v| v.at_risk).collect())
}

/// What a brief shows of commitments over a period: those due in it (by the due date in force)
/// and those met in it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DueAndMet {
    /// Due from `from` to `to` (the due date in force), in due order, whatever their state.
    pub due: Vec<CommitmentView>,
    /// Met from `from` to `to`, in the order they were met.
    pub met: Vec<CommitmentView>,
}

/// The commitments of teams `team_ids` due from `from` to `to` (both included) and those met
/// in that period, for the brief.
pub async fn due_and_met(store: &Store, team_ids: &[i64], from: Date, to: Date) -> Result<DueAndMet, StoreError> {
    let all = views(store, team_ids, store.team_commitments(team_ids).await?).await?;
    let in_period = |d: Date| from <= d && d <= to;
    let met_on = |v: &CommitmentView| match v.commitment.closing() {
        Some(e) if matches!(e.outcome, Outcome::Met { .. }) => Some(e.on),
        _ => None,
    };
    let mut due: Vec<CommitmentView> = all.iter().filter(|v| in_period(v.current_due)).cloned().collect();
    due.sort_by_key(|v| (v.current_due, v.commitment.id));
    let mut met: Vec<CommitmentView> = all.into_iter().filter(|v| met_on(v).is_some_and(in_period)).collect();
    met.sort_by_key(|v| (met_on(v), v.commitment.id));
    Ok(DueAndMet { due, met })
}

/// How often the stored P85 dates of a team's initiatives came true.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ForecastTrackRecord {
    /// Stored forecasts whose P85 date fell in the period and has passed.
    pub forecasts: usize,
    /// Of those, the ones whose initiative was done by the P85 date.
    pub came_true: usize,
    /// `came_true` / forecasts; `None` when there were none. A calibrated P85 comes true about
    /// 85% of the time.
    pub rate: Option<f64>,
}

/// The track record of a team over a period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Credibility {
    /// The team.
    pub team_id: i64,
    /// Its name.
    pub team: String,
    /// Its managers' names, whose record it is.
    pub managers: Vec<String>,
    /// The commitments' track record.
    #[serde(flatten)]
    pub report: CredibilityReport,
    /// How often the stored P85 forecasts of the team's initiatives came true.
    pub forecast_track_record: ForecastTrackRecord,
}

/// The track record of team `team_id` over the commitments closed from `from` (when given) to
/// `to`, and of its initiatives' stored P85 forecasts due in that period.
pub async fn report(store: &Store, team_id: i64, from: Option<Date>, to: Date) -> Result<Credibility, StoreError> {
    let team = store.team(team_id).await?;
    let commitments = store.team_commitments(&[team_id]).await?;
    let initiatives: Vec<i64> =
        store.initiatives().await?.into_iter().filter(|i| i.team_id == team_id).map(|i| i.id).collect();
    let mut histories = Vec::new();
    for id in initiatives {
        histories.push(store.initiative_forecast_history(id).await?);
    }
    Ok(Credibility {
        team_id,
        team: team.name.clone(),
        managers: team.managers.iter().map(leadup_core::team::TeamPerson::label).collect(),
        report: credibility(&commitments, from, to),
        forecast_track_record: p85_track_record(&histories, from, to),
    })
}

/// Over each initiative's stored forecast history (oldest first), the forecasts whose P85 date
/// fell from `from` to `to` and had passed by the last snapshot (or by `to`): came true when the
/// initiative was done (the first snapshot with attached items and none remaining) by then.
fn p85_track_record(histories: &[Vec<InitiativeForecast>], from: Option<Date>, to: Date) -> ForecastTrackRecord {
    let (mut forecasts, mut came_true) = (0, 0);
    for history in histories {
        let done = history.iter().find(|f| f.attached > 0 && f.remaining == 0).map(|f| f.as_of);
        let known_until = history.last().map_or(to, |f| f.as_of.max(done.unwrap_or(f.as_of)));
        for p85 in history.iter().filter_map(|f| f.dates.map(|d| d.p85)) {
            let in_period = p85 <= to && from.is_none_or(|from| p85 >= from);
            let decided = done.is_some_and(|d| d <= p85) || p85 < known_until;
            if in_period && decided {
                forecasts += 1;
                came_true += usize::from(done.is_some_and(|d| d <= p85));
            }
        }
    }
    #[expect(clippy::cast_precision_loss, reason = "counts of forecasts")]
    let rate = (forecasts > 0).then(|| came_true as f64 / forecasts as f64);
    ForecastTrackRecord { forecasts, came_true, rate }
}

/// Approves plan `plan_id`'s submitted version as `by` (with the executive's optional reason),
/// committing to each of its items to `by`: the confidence of each is the one the manager
/// stated on submitting it, or else the chance of meeting its target that the submitted
/// version's stored forecast gives ([`plan_progress::version`]), or else
/// [`NO_FORECAST_CONFIDENCE`]. The one way every adapter approves a plan.
pub async fn approve_plan(store: &Store, plan_id: i64, by: Actor, reason: Option<&str>) -> Result<Plan, StoreError> {
    let plan = store.plan(plan_id).await?;
    let mut seeds = Vec::new();
    if let Some(submitted) = plan.versions.iter().find(|v| v.status == VersionStatus::Submitted) {
        let progress = plan_progress::version(store, plan_id, submitted.number, by.at.date()).await?;
        let chances: HashMap<i64, f64> = progress
            .map(|p| p.items)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|item| Some((item.initiative_id, item.forecast?.chance_by_target?)))
            .collect();
        for item in &submitted.content.items {
            let stated = submitted.stated_confidence.iter().find(|s| s.initiative_id == item.initiative_id);
            // The manager's, or else the forecast's to two decimals, as a person would state it.
            let confidence = stated.map_or_else(
                || {
                    let chance = chances.get(&item.initiative_id).copied().unwrap_or(NO_FORECAST_CONFIDENCE);
                    ((chance * 100.0).round() / 100.0).clamp(0.0, 1.0)
                },
                |stated| stated.confidence,
            );
            seeds.push(PlanItemCommitment { initiative_id: item.initiative_id, confidence });
        }
    }
    store.approve_plan(plan_id, by, reason, &seeds).await
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    fn snapshot(as_of: Date, p85: Option<Date>, attached: u32, remaining: u32) -> InitiativeForecast {
        serde_json::from_value(serde_json::json!({
            "initiative_id": 1, "team_id": 1, "as_of": leadup_core::date::format(as_of),
            "computed_at": "2026-03-01T20:00:00Z", "attached": attached, "attached_done": attached - remaining,
            "remaining": remaining, "position": null, "target": null,
            "dates": p85.map(|p| {
                let p = leadup_core::date::format(p);
                serde_json::json!({"p50": p, "p70": p, "p85": p, "p95": p})
            }),
            "probability_by_target": null, "note": null, "calibration": null, "model": "m", "inputs_digest": "x"
        }))
        .unwrap()
    }

    #[test]
    fn the_p85_track_record_counts_forecasts_that_came_true() {
        // Initiative A, done on 03-10: forecasts of P85 03-05 (missed), 03-12 and 03-15 (true).
        let a = vec![
            snapshot(date!(2026 - 03 - 01), Some(date!(2026 - 03 - 05)), 4, 2),
            snapshot(date!(2026 - 03 - 02), Some(date!(2026 - 03 - 12)), 4, 2),
            snapshot(date!(2026 - 03 - 03), Some(date!(2026 - 03 - 15)), 4, 1),
            snapshot(date!(2026 - 03 - 10), None, 4, 0),
        ];
        // Initiative B, not done; last snapshot 03-20: P85 03-08 has passed (missed), P85 04-30 not yet.
        let b = vec![
            snapshot(date!(2026 - 03 - 01), Some(date!(2026 - 03 - 08)), 5, 5),
            snapshot(date!(2026 - 03 - 20), Some(date!(2026 - 04 - 30)), 5, 4),
        ];
        let record = p85_track_record(&[a.clone(), b.clone()], None, date!(2026 - 12 - 31));
        // Decided: A's three, B's first = 4; true: A's 03-12 and 03-15 = 2 → 0.5
        assert_eq!((record.forecasts, record.came_true, record.rate), (4, 2, Some(0.5)));
        // Only P85 dates from 03-10: A's 03-12, 03-15 (true) → 2 of 2.
        let later = p85_track_record(&[a, b], Some(date!(2026 - 03 - 10)), date!(2026 - 12 - 31));
        assert_eq!((later.forecasts, later.came_true, later.rate), (2, 2, Some(1.0)));
        assert_eq!(p85_track_record(&[], None, date!(2026 - 12 - 31)).rate, None);
    }
}
