//! Stakeholders: the executives a manager leads up to, each with the teams they sponsor,
//! the objectives they own, and their profile (what they care about, how they are briefed).
//!
//! A stakeholder is a user holding the executive role in at least one team: the profile
//! exists from that moment, with the [`Preferences::starting`] preferences until a manager of
//! one of their teams saves it. The objectives a stakeholder *owns* are those whose owner is
//! their name (compared as `leadup_core::team::person_key` does), read at the time, so that
//! an objective's owner stays free text (an owner may have no account) and a rename of
//! either side is followed without a stored link to keep in step. The brief reads everything
//! it needs about one stakeholder through [`stakeholder`].

use leadup_core::access::{Action, Principal};
use leadup_core::account::User;
use leadup_core::stakeholder::{Cadence, Channel, Preferences, PreferencesInput, Schedule, Topic};
use leadup_core::strategy::Objective;
use leadup_core::team::person_key;
use leadup_store::{Actor, Executive, Store, StoreError, StoredProfile};
use serde::Serialize;

/// One stakeholder as the pages, the API and the brief see them.
#[derive(Debug, Clone, PartialEq)]
pub struct Stakeholder {
    /// The user.
    pub user: User,
    /// The teams they sponsor: those they hold the executive role in, by id.
    pub team_ids: Vec<i64>,
    /// The objectives whose owner is this user's name, by id.
    pub owned_objective_ids: Vec<i64>,
    /// The profile as saved; `None` until a manager saves it the first time.
    pub profile: Option<StoredProfile>,
}

impl Stakeholder {
    /// Their preferences: as saved, or the starting ones.
    pub fn preferences(&self) -> Preferences {
        self.profile.as_ref().map_or_else(Preferences::starting, |p| p.preferences.clone())
    }

    /// The objectives they own or care about: owned first, each once.
    pub fn objective_ids(&self) -> Vec<i64> {
        let mut ids = self.owned_objective_ids.clone();
        for id in self.preferences().objective_ids {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        ids
    }

    /// Where their briefs go, as it may be shown: their account's address, or the webhook's
    /// host.
    pub fn channel_shown(&self) -> String {
        match self.preferences().channel {
            Channel::Email => format!("e-mail to {}", self.user.email),
            Channel::Webhook(url) => format!("chat webhook at {}", url.host()),
        }
    }

    /// The stakeholder as the API and `--json` show them: a webhook only by its host.
    pub fn shown(&self) -> Shown {
        let preferences = self.preferences();
        Shown {
            user_id: self.user.id,
            name: self.user.name.clone(),
            email: self.user.email.clone(),
            team_ids: self.team_ids.clone(),
            owned_objective_ids: self.owned_objective_ids.clone(),
            objective_ids: preferences.objective_ids,
            initiative_ids: preferences.initiative_ids,
            topics: preferences.topics,
            cadence: preferences.cadence,
            schedule: preferences.schedule,
            channel: preferences.channel,
            saved: self.profile.is_some(),
            updated_at: self.profile.as_ref().map(|p| p.updated_at),
        }
    }

    /// Whether `principal` may do `action` (viewing or editing the profile) on this
    /// stakeholder: in at least one of the teams they sponsor.
    pub fn allows(&self, principal: &Principal, action: Action) -> bool {
        self.team_ids.iter().any(|&team| principal.may(action, Some(team)))
    }
}

/// A stakeholder as shown outside: the API's and `--json`'s shape.
#[derive(Debug, Clone, Serialize)]
pub struct Shown {
    /// The user's id (the profile's id too).
    pub user_id: i64,
    /// Their name.
    pub name: String,
    /// Their account's address (where e-mailed briefs go).
    pub email: String,
    /// The teams they sponsor (their executive roles).
    pub team_ids: Vec<i64>,
    /// The objectives whose owner is their name.
    pub owned_objective_ids: Vec<i64>,
    /// The objectives they care about besides.
    pub objective_ids: Vec<i64>,
    /// The initiatives they sponsor.
    pub initiative_ids: Vec<i64>,
    /// What they want to hear about.
    pub topics: Vec<Topic>,
    /// How often they want a brief.
    pub cadence: Cadence,
    /// What happens when a brief falls due: `draft`, `send` or `off`.
    pub schedule: Schedule,
    /// How briefs reach them (a webhook by its host only).
    pub channel: Channel,
    /// Whether a manager saved the profile (else these are the starting preferences).
    pub saved: bool,
    /// When it was saved last (Unix seconds).
    pub updated_at: Option<i64>,
}

/// Stakeholder `user`, or `None` if they hold the executive role in no team.
pub async fn stakeholder(store: &Store, user: i64) -> Result<Option<Stakeholder>, StoreError> {
    let Some(executive) = store.executives().await?.into_iter().find(|e| e.user.id == user) else {
        return Ok(None);
    };
    let objectives = store.objectives().await?;
    let profile = store.stakeholder_profile(user).await?;
    Ok(Some(assemble(executive, &objectives, profile)))
}

/// Every stakeholder `principal` may see the profile of (`view_stakeholders` in one of
/// their teams), by name.
pub async fn visible_to(store: &Store, principal: &Principal) -> Result<Vec<Stakeholder>, StoreError> {
    let objectives = store.objectives().await?;
    let mut profiles = store.stakeholder_profiles().await?;
    Ok(store
        .executives()
        .await?
        .into_iter()
        .map(|executive| {
            let profile = profiles.iter().position(|p| p.user_id == executive.user.id).map(|i| profiles.swap_remove(i));
            assemble(executive, &objectives, profile)
        })
        .filter(|s| s.allows(principal, Action::ViewStakeholders))
        .collect())
}

/// Saves stakeholder `user`'s profile from `input`, as `by` does it; a webhook channel given
/// without an address keeps the stored one. Invalid input names each field and changes
/// nothing.
pub async fn save(store: &Store, user: i64, input: PreferencesInput, by: Actor) -> Result<Stakeholder, StoreError> {
    let stored = store.stakeholder_profile(user).await?;
    let stored_webhook = stored.as_ref().and_then(|p| match &p.preferences.channel {
        Channel::Webhook(url) => Some(url.clone()),
        Channel::Email => None,
    });
    let preferences = input.validate(stored_webhook.as_ref()).map_err(StoreError::Invalid)?;
    store.save_stakeholder_profile(user, &preferences, by).await?;
    stakeholder(store, user).await?.ok_or(StoreError::NotFound { entity: "stakeholder", id: user })
}

fn assemble(executive: Executive, objectives: &[Objective], profile: Option<StoredProfile>) -> Stakeholder {
    let key = person_key(&executive.user.name);
    let owned_objective_ids = objectives.iter().filter(|o| person_key(&o.owner) == key).map(|o| o.id).collect();
    Stakeholder { user: executive.user, team_ids: executive.team_ids, owned_objective_ids, profile }
}
