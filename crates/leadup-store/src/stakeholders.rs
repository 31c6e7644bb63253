//! Stakeholder profiles: per executive (a user holding the executive role in some team),
//! what they care about and how they are briefed, kept by the managers of their teams.
//!
//! The teams a stakeholder sponsors are their executive roles and are never stored here; a
//! profile holds the topics, cadence and channel, and links to the objectives they care about
//! and the initiatives they sponsor (parts of the profile, which go when the objective or
//! initiative is deleted). A webhook address is stored to deliver briefs; the domain type
//! (`leadup_core::stakeholder::WebhookUrl`) shows it only as its host.

use std::collections::HashMap;

use leadup_core::access::Role;
use leadup_core::account::User;
use leadup_core::stakeholder::{Cadence, Channel, Preferences, Schedule, Topic, WebhookUrl};

use crate::audit::{Actor, append_audit};
use crate::{BeginWrite, Store, StoreError, dispatch};

/// A stakeholder's stored profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredProfile {
    /// The stakeholder (a user).
    pub user_id: i64,
    /// What they care about and how they are briefed.
    pub preferences: Preferences,
    /// Who saved it last (`None` if that user is gone).
    pub updated_by: Option<i64>,
    /// When it was saved last (Unix seconds).
    pub updated_at: i64,
}

/// A user holding the executive role in at least one team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Executive {
    /// The user.
    pub user: User,
    /// The teams they are an executive of, by id.
    pub team_ids: Vec<i64>,
}

type ProfileRow = (i64, String, String, String, String, Option<String>, Option<i64>, i64);
/// (user, objective or initiative) links, in order.
type LinkRows = Vec<(i64, i64)>;

const SELECT_PROFILES: &str =
    "SELECT user_id, topics, cadence, schedule, channel, webhook_url, updated_by, updated_at FROM stakeholder_profiles";

impl Store {
    /// Every user holding the executive role in some team, with those teams, by name.
    pub async fn executives(&self) -> Result<Vec<Executive>, StoreError> {
        let rows: Vec<(i64, String, String, bool, i64)> = dispatch!(self, pool => {
            sqlx::query_as(
                "SELECT u.id, u.email, u.name, u.is_admin, m.team_id FROM memberships m JOIN users u ON u.id = m.user_id \
                 WHERE m.role = 'executive' ORDER BY u.name, u.id, m.team_id",
            )
            .fetch_all(pool).await?
        });
        let mut executives: Vec<Executive> = Vec::new();
        for (id, email, name, is_admin, team) in rows {
            match executives.last_mut() {
                Some(last) if last.user.id == id => last.team_ids.push(team),
                _ => executives.push(Executive { user: User { id, email, name, is_admin }, team_ids: vec![team] }),
            }
        }
        Ok(executives)
    }

    /// The stored profile of stakeholder `user`, if one was saved.
    pub async fn stakeholder_profile(&self, user: i64) -> Result<Option<StoredProfile>, StoreError> {
        Ok(self.load_profiles(Some(user)).await?.pop())
    }

    /// Every stored profile, by user id.
    pub async fn stakeholder_profiles(&self) -> Result<Vec<StoredProfile>, StoreError> {
        self.load_profiles(None).await
    }

    async fn load_profiles(&self, user: Option<i64>) -> Result<Vec<StoredProfile>, StoreError> {
        let filter = if user.is_some() { " WHERE user_id = $1" } else { "" };
        let profiles_sql = format!("{SELECT_PROFILES}{filter} ORDER BY user_id");
        let objectives_sql =
            format!("SELECT user_id, objective_id FROM stakeholder_objectives{filter} ORDER BY user_id, ord");
        let initiatives_sql =
            format!("SELECT user_id, initiative_id FROM stakeholder_initiatives{filter} ORDER BY user_id, ord");
        let (rows, objectives, initiatives): (Vec<ProfileRow>, LinkRows, LinkRows) = dispatch!(self, pool => {
            let profiles = sqlx::query_as(&profiles_sql);
            let objectives = sqlx::query_as(&objectives_sql);
            let initiatives = sqlx::query_as(&initiatives_sql);
            match user {
                Some(user) => (
                    profiles.bind(user).fetch_all(pool).await?,
                    objectives.bind(user).fetch_all(pool).await?,
                    initiatives.bind(user).fetch_all(pool).await?,
                ),
                None => (profiles.fetch_all(pool).await?, objectives.fetch_all(pool).await?, initiatives.fetch_all(pool).await?),
            }
        });
        let mut objective_ids: HashMap<i64, Vec<i64>> = HashMap::new();
        for (user, objective) in objectives {
            objective_ids.entry(user).or_default().push(objective);
        }
        let mut initiative_ids: HashMap<i64, Vec<i64>> = HashMap::new();
        for (user, initiative) in initiatives {
            initiative_ids.entry(user).or_default().push(initiative);
        }
        rows.into_iter()
            .map(|(user_id, topics, cadence, schedule, channel, webhook_url, updated_by, updated_at)| {
                let corrupt = |what: &str, value: &str| {
                    StoreError::Corrupt(format!("stakeholder profile {user_id}: {what} '{value}'"))
                };
                let topics = topics
                    .split(',')
                    .map(|t| Topic::parse(t).ok_or_else(|| corrupt("topic", t)))
                    .collect::<Result<Vec<_>, _>>()?;
                let cadence = Cadence::parse(&cadence).ok_or_else(|| corrupt("cadence", &cadence))?;
                let schedule = Schedule::parse(&schedule).ok_or_else(|| corrupt("schedule", &schedule))?;
                let channel = match (channel.as_str(), webhook_url) {
                    ("email", None) => Channel::Email,
                    // The address itself is never put in an error message.
                    ("webhook", Some(url)) => {
                        Channel::Webhook(WebhookUrl::parse(&url).map_err(|_| corrupt("webhook address", "(hidden)"))?)
                    }
                    (other, _) => return Err(corrupt("channel", other)),
                };
                let preferences = Preferences {
                    topics,
                    cadence,
                    schedule,
                    channel,
                    objective_ids: objective_ids.remove(&user_id).unwrap_or_default(),
                    initiative_ids: initiative_ids.remove(&user_id).unwrap_or_default(),
                };
                Ok(StoredProfile { user_id, preferences, updated_by, updated_at })
            })
            .collect()
    }

    /// Saves the profile of stakeholder `user` (creating it the first time), as `by` does it.
    ///
    /// Refused unless `user` is an executive of some team and `by` is a manager of one of
    /// those teams (`Forbidden`); every objective must exist and every initiative must belong
    /// to one of the stakeholder's teams, else the field is named. Audited without the
    /// webhook's address (only its host).
    pub async fn save_stakeholder_profile(
        &self,
        user: i64,
        preferences: &Preferences,
        by: Actor,
    ) -> Result<StoredProfile, StoreError> {
        let topics = preferences.topics.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(",");
        let webhook = match &preferences.channel {
            Channel::Email => None,
            Channel::Webhook(url) => Some(url.expose()),
        };
        dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let teams: Vec<i64> = sqlx::query_scalar(
                "SELECT team_id FROM memberships WHERE user_id = $1 AND role = $2 ORDER BY team_id",
            )
            .bind(user).bind(Role::Executive.as_str()).fetch_all(&mut *tx).await?;
            if teams.is_empty() {
                return Err(StoreError::not_found("stakeholder", user));
            }
            let managed: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM memberships m JOIN memberships e ON e.team_id = m.team_id \
                 WHERE m.user_id = $1 AND m.role = 'manager' AND e.user_id = $2 AND e.role = 'executive'",
            )
            .bind(by.user_id).bind(user).fetch_one(&mut *tx).await?;
            if managed == 0 {
                return Err(StoreError::Forbidden(
                    "Only a manager of one of the stakeholder's teams edits their profile.".to_owned(),
                ));
            }
            for (i, &objective) in preferences.objective_ids.iter().enumerate() {
                let found: Option<i64> = sqlx::query_scalar("SELECT id FROM objectives WHERE id = $1")
                    .bind(objective).fetch_optional(&mut *tx).await?;
                if found.is_none() {
                    return Err(StoreError::invalid(&format!("objective_ids[{i}]"), format!("objective {objective} does not exist")));
                }
            }
            for (i, &initiative) in preferences.initiative_ids.iter().enumerate() {
                let team: Option<i64> = sqlx::query_scalar("SELECT team_id FROM initiatives WHERE id = $1")
                    .bind(initiative).fetch_optional(&mut *tx).await?;
                match team {
                    None => return Err(StoreError::invalid(&format!("initiative_ids[{i}]"), format!("initiative {initiative} does not exist"))),
                    Some(team) if !teams.contains(&team) => return Err(StoreError::invalid(
                        &format!("initiative_ids[{i}]"),
                        format!("initiative {initiative} belongs to a team this stakeholder is not an executive of"),
                    )),
                    Some(_) => {}
                }
            }
            let at = by.at.unix_timestamp();
            sqlx::query("DELETE FROM stakeholder_profiles WHERE user_id = $1").bind(user).execute(&mut *tx).await?;
            sqlx::query(
                "INSERT INTO stakeholder_profiles (user_id, topics, cadence, schedule, channel, webhook_url, updated_by, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(user).bind(&topics).bind(preferences.cadence.as_str()).bind(preferences.schedule.as_str()).bind(preferences.channel.kind()).bind(webhook)
            .bind(by.user_id).bind(at)
            .execute(&mut *tx).await?;
            for (ord, objective) in preferences.objective_ids.iter().enumerate() {
                sqlx::query("INSERT INTO stakeholder_objectives (user_id, objective_id, ord) VALUES ($1, $2, $3)")
                    .bind(user).bind(objective).bind(ord as i64).execute(&mut *tx).await?;
            }
            for (ord, initiative) in preferences.initiative_ids.iter().enumerate() {
                sqlx::query("INSERT INTO stakeholder_initiatives (user_id, initiative_id, ord) VALUES ($1, $2, $3)")
                    .bind(user).bind(initiative).bind(ord as i64).execute(&mut *tx).await?;
            }
            let details = serde_json::json!({
                "user": user,
                "topics": topics,
                "cadence": preferences.cadence.as_str(),
                "schedule": preferences.schedule.as_str(),
                "channel": &preferences.channel,
            });
            append_audit!(tx, by.event("stakeholder_profile.saved", format!("user:{user}"), &details));
            tx.commit().await?;
        });
        self.stakeholder_profile(user).await?.ok_or(StoreError::not_found("stakeholder", user))
    }
}
