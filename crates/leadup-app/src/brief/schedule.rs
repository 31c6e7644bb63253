//! Briefs by the stakeholder's cadence: on the day a stakeholder's next brief falls due (their
//! profile's [`Cadence`](leadup_core::stakeholder::Cadence) counted from the last brief sent
//! to them about the team, or at once when none was), the daily background work generates it
//! for each team they are an executive of, as their profile's
//! [`Schedule`] says: a draft for the team's manager to review and send (it waits in their
//! inbox), or a brief sent without review. Only saved profiles are scheduled: a starting
//! profile nobody has looked at sends nothing.
//!
//! Running it twice on a day does nothing more: a draft already waiting, or a brief sent
//! since, means the stakeholder is not due.

use leadup_core::stakeholder::Schedule;
use leadup_store::Store;
use time::{Date, OffsetDateTime};

use super::send::{self, SendError};
use super::{Audience, BriefError, Request, generate};
use crate::stakeholders;

/// What the schedule did for one stakeholder and team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scheduled {
    /// The brief stored.
    pub brief_id: i64,
    /// Its stakeholder.
    pub stakeholder_id: i64,
    /// The team it is about.
    pub team_id: i64,
    /// The delivery queued for it, when it was sent without review.
    pub delivery_id: Option<i64>,
}

/// Why the schedule failed for a stakeholder.
#[derive(Debug, thiserror::Error)]
pub enum ScheduleError {
    /// Generating the brief failed.
    #[error(transparent)]
    Brief(#[from] BriefError),
    /// Queueing its delivery failed.
    #[error(transparent)]
    Send(#[from] SendError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] leadup_store::StoreError),
}

/// Generates every brief due `today` (as of `now`) by the saved profiles' cadence and
/// schedule: drafts stored for review, or briefs stored as sent and queued for delivery. The
/// author is the team's first manager with an account; a team without one is skipped.
pub async fn run_due(store: &Store, today: Date, now: OffsetDateTime) -> Result<Vec<Scheduled>, ScheduleError> {
    let mut done = Vec::new();
    for profile in store.stakeholder_profiles().await? {
        let schedule = profile.preferences.schedule;
        if schedule == Schedule::Off {
            continue;
        }
        let Some(stakeholder) = stakeholders::stakeholder(store, profile.user_id).await? else { continue };
        let cadence = profile.preferences.cadence;
        let audience = Audience::of_user(store, stakeholder.user.id).await?;
        for &team_id in &stakeholder.team_ids {
            let last = store.last_sent_brief(stakeholder.user.id, team_id, now.unix_timestamp()).await?;
            let last_day = last
                .and_then(|b| b.sent_at)
                .and_then(|at| OffsetDateTime::from_unix_timestamp(at).ok())
                .map(OffsetDateTime::date);
            if !cadence.is_due(last_day, today) {
                continue;
            }
            let waiting = store.brief_drafts(&[team_id]).await?;
            if waiting.iter().any(|d| d.stakeholder_id == stakeholder.user.id) {
                continue;
            }
            let team = store.team(team_id).await?;
            let Some(author) = team.managers.iter().find_map(|m| m.user_id) else { continue };
            let request = Request {
                team_id,
                days: cadence.days(),
                today,
                now,
                note: String::new(),
                asks: Vec::new(),
                track_record: true,
            };
            let brief = generate(store, &audience, &request).await?;
            let sent_at = (schedule == Schedule::Send).then_some(now);
            let stored = store.save_brief(&brief.to_new(author, now, sent_at)).await?;
            let delivery_id = match sent_at {
                Some(_) => Some(send::send(store, stored.id, now).await?),
                None => None,
            };
            done.push(Scheduled { brief_id: stored.id, stakeholder_id: stakeholder.user.id, team_id, delivery_id });
        }
    }
    Ok(done)
}
