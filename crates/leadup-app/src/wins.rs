//! Wins with credit as a service for the pages, the API and the command line: proposing a win
//! (checked against `today`), confirming or declining it, a team's wins with the credits per
//! person, the executives' digest across their teams, and [`confirmed_in_period`], which the
//! brief calls for its wins section.

use leadup_core::access::{Action, Principal};
use leadup_core::win::{PersonCredits, Win, WinInput, credits_per_person};
use leadup_store::{Actor, Store, StoreError};
use serde::Serialize;
use time::Date;

/// Wins of one team (or, in the digest, of several), newest first, with the confirmed credits
/// per person.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TeamWins {
    /// The teams they are of.
    pub team_ids: Vec<i64>,
    /// Every win, newest first.
    pub wins: Vec<Win>,
    /// Confirmed wins per person credited, most first.
    pub credits: Vec<PersonCredits>,
}

/// Checks `input` against `today` and stores it as a proposed win of `team`, proposed by `by`.
pub async fn propose(store: &Store, team: i64, input: &WinInput, today: Date, by: Actor) -> Result<Win, StoreError> {
    let draft = input.validate(today).map_err(StoreError::Invalid)?;
    store.propose_win(team, &draft, by).await
}

/// Confirms win `id` as `by`.
pub async fn confirm(store: &Store, id: i64, by: Actor) -> Result<Win, StoreError> {
    store.decide_win(id, None, by).await
}

/// Declines win `id` as `by`, for `reason` (which must not be empty).
pub async fn decline(store: &Store, id: i64, reason: &str, by: Actor) -> Result<Win, StoreError> {
    let reason = leadup_core::plan::decision_reason(Some(reason)).map_err(StoreError::Invalid)?.ok_or_else(|| {
        StoreError::Invalid(leadup_core::ValidationErrors::single("reason", "must say why the win is declined"))
    })?;
    store.decide_win(id, Some(&reason), by).await
}

/// `team`'s wins with the credits per person.
pub async fn team_wins(store: &Store, team: i64) -> Result<TeamWins, StoreError> {
    let wins = store.team_wins(team).await?;
    let credits = credits_per_person(&wins);
    Ok(TeamWins { team_ids: vec![team], wins, credits })
}

/// The confirmed wins of `teams` achieved from `from` to `to` (both included), newest first:
/// what the brief's wins section shows.
pub async fn confirmed_in_period(store: &Store, teams: &[i64], from: Date, to: Date) -> Result<Vec<Win>, StoreError> {
    store.confirmed_wins(teams, from, to).await
}

/// The wins digest for `user`: the confirmed wins from `from` to `to` of every team where they
/// may see the team, with the credits per person over them.
pub async fn digest(store: &Store, user: &Principal, from: Date, to: Date) -> Result<TeamWins, StoreError> {
    let teams: Vec<i64> =
        store.teams().await?.into_iter().map(|t| t.id).filter(|&t| user.may(Action::ViewTeam, Some(t))).collect();
    let wins = confirmed_in_period(store, &teams, from, to).await?;
    let credits = credits_per_person(&wins);
    Ok(TeamWins { team_ids: teams, wins, credits })
}
