//! Wins with credit: proposed by a team's member or manager, confirmed or declined by its
//! manager. A credit names a user (an e-mail address, or the name of one of the team's people)
//! or a plain name; an e-mail address nobody has is refused, naming the field.

use leadup_core::team::person_key;
use leadup_core::win::{Credit, Win, WinDraft, WinStatus};
use time::Date;

use crate::audit::{Actor, append_audit};
use crate::{BeginWrite, Store, StoreError, dispatch};

/// A credit as stored: (win, user, name).
type CreditRow = (i64, Option<i64>, String);

type WinRow = (
    i64,
    i64,
    String,
    Date,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    String,
    Option<f64>,
    String,
    String,
    i64,
    i64,
    Option<i64>,
    Option<i64>,
    Option<String>,
);

const SELECT_WINS: &str = "SELECT id, team_id, title, achieved_on, initiative_id, objective_id, key_result, impact, \
     impact_value, impact_unit, status, proposed_by, proposed_at, decided_by, decided_at, decline_reason FROM wins";

/// The role user `$user` holds in team `$team`, read inside transaction `$tx`.
macro_rules! role_in_team {
    ($tx:expr, $team:expr, $user:expr) => {{
        let role: Option<String> =
            sqlx::query_scalar("SELECT role FROM memberships WHERE team_id = $1 AND user_id = $2")
                .bind($team)
                .bind($user)
                .fetch_optional(&mut *$tx)
                .await?;
        role
    }};
}
pub(crate) use role_in_team;

impl Store {
    /// Stores a proposed win of `team`, as `by` (a manager or member of it) proposes it.
    ///
    /// The initiative must be one of the team's, the objective must exist and have the key
    /// result named; each credit that is an e-mail address must be a user's, and a credit
    /// matching the name of one of the team's people is that user. Audited.
    pub async fn propose_win(&self, team: i64, draft: &WinDraft, by: Actor) -> Result<Win, StoreError> {
        let id = dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let found: Option<i64> =
                sqlx::query_scalar("SELECT id FROM teams WHERE id = $1").bind(team).fetch_optional(&mut *tx).await?;
            if found.is_none() {
                return Err(StoreError::not_found("team", team));
            }
            if !matches!(role_in_team!(tx, team, by.user_id).as_deref(), Some("manager" | "member")) {
                return Err(StoreError::Forbidden("Only the team's manager and members propose its wins.".to_owned()));
            }
            if let Some(initiative) = draft.initiative_id {
                let owner: Option<i64> = sqlx::query_scalar("SELECT team_id FROM initiatives WHERE id = $1")
                    .bind(initiative).fetch_optional(&mut *tx).await?;
                match owner {
                    None => return Err(StoreError::invalid("initiative_id", format!("initiative {initiative} does not exist"))),
                    Some(owner) if owner != team => return Err(StoreError::invalid(
                        "initiative_id",
                        format!("initiative {initiative} belongs to another team"),
                    )),
                    Some(_) => {}
                }
            }
            if let Some(objective) = draft.objective_id {
                let found: Option<i64> = sqlx::query_scalar("SELECT id FROM objectives WHERE id = $1")
                    .bind(objective).fetch_optional(&mut *tx).await?;
                if found.is_none() {
                    return Err(StoreError::invalid("objective_id", format!("objective {objective} does not exist")));
                }
                if let Some(kr) = draft.key_result {
                    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM key_results WHERE objective_id = $1")
                        .bind(objective).fetch_one(&mut *tx).await?;
                    if i64::from(kr) >= count {
                        return Err(StoreError::invalid(
                            "key_result",
                            format!("objective {objective} has {count} key results; {kr} is not one (0 is the first)"),
                        ));
                    }
                }
            }
            let people: Vec<(i64, String, String)> = sqlx::query_as(
                "SELECT u.id, u.name, u.email FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.team_id = $1",
            )
            .bind(team).fetch_all(&mut *tx).await?;
            let mut credits: Vec<Credit> = Vec::new();
            for (i, credit) in draft.credits.iter().enumerate() {
                let resolved = if credit.contains('@') {
                    let user: Option<(i64, String)> = sqlx::query_as("SELECT id, name FROM users WHERE lower(email) = lower($1)")
                        .bind(credit).fetch_optional(&mut *tx).await?;
                    match user {
                        Some((id, name)) => Credit { user_id: Some(id), name },
                        None => return Err(StoreError::invalid(
                            &format!("credits[{i}]"),
                            format!("no user has the address '{credit}'; credit them by name instead"),
                        )),
                    }
                } else {
                    match people.iter().find(|(_, name, _)| person_key(name) == person_key(credit)) {
                        Some((id, name, _)) => Credit { user_id: Some(*id), name: name.clone() },
                        None => Credit { user_id: None, name: credit.clone() },
                    }
                };
                if resolved.user_id.is_some() && credits.iter().any(|c| c.user_id == resolved.user_id) {
                    return Err(StoreError::invalid(&format!("credits[{i}]"), format!("'{credit}' is credited twice")));
                }
                credits.push(resolved);
            }
            let (value, unit) = match &draft.impact_value {
                Some((value, unit)) => (Some(*value), unit.as_str()),
                None => (None, ""),
            };
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO wins (team_id, title, achieved_on, initiative_id, objective_id, key_result, impact, impact_value, \
                 impact_unit, status, proposed_by, proposed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'proposed', $10, $11) \
                 RETURNING id",
            )
            .bind(team).bind(&draft.title).bind(draft.achieved_on).bind(draft.initiative_id).bind(draft.objective_id)
            .bind(draft.key_result.map(i64::from)).bind(&draft.impact).bind(value).bind(unit)
            .bind(by.user_id).bind(by.at.unix_timestamp())
            .fetch_one(&mut *tx).await?;
            for (ord, credit) in credits.iter().enumerate() {
                sqlx::query("INSERT INTO win_credits (win_id, ord, user_id, name) VALUES ($1, $2, $3, $4)")
                    .bind(id).bind(ord as i64).bind(credit.user_id).bind(&credit.name).execute(&mut *tx).await?;
            }
            let details = serde_json::json!({
                "team": team,
                "title": draft.title,
                "achieved_on": leadup_core::date::format(draft.achieved_on),
                "credits": credits,
            });
            append_audit!(tx, by.event("win.proposed", format!("win:{id}"), &details));
            tx.commit().await?;
            id
        });
        self.win(id).await
    }

    /// Confirms a proposed win (`decline` `None`) or declines it with a reason, as `by` (the
    /// team's manager) decides. A win already decided is a conflict. Audited.
    pub async fn decide_win(&self, id: i64, decline: Option<&str>, by: Actor) -> Result<Win, StoreError> {
        let status = if decline.is_some() { WinStatus::Declined } else { WinStatus::Confirmed };
        dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let row: Option<(i64, String)> = sqlx::query_as("SELECT team_id, status FROM wins WHERE id = $1")
                .bind(id).fetch_optional(&mut *tx).await?;
            let Some((team, current)) = row else { return Err(StoreError::not_found("win", id)) };
            if role_in_team!(tx, team, by.user_id).as_deref() != Some("manager") {
                return Err(StoreError::Forbidden("Only the team's manager confirms or declines its wins.".to_owned()));
            }
            if current != WinStatus::Proposed.as_str() {
                return Err(StoreError::Conflict(format!("win {id} is already {current}")));
            }
            sqlx::query("UPDATE wins SET status = $1, decided_by = $2, decided_at = $3, decline_reason = $4 WHERE id = $5")
                .bind(status.as_str()).bind(by.user_id).bind(by.at.unix_timestamp()).bind(decline).bind(id)
                .execute(&mut *tx).await?;
            let details = serde_json::json!({ "team": team, "status": status.as_str(), "reason": decline });
            append_audit!(tx, by.event(&format!("win.{}", status.as_str()), format!("win:{id}"), &details));
            tx.commit().await?;
        });
        self.win(id).await
    }

    /// Win `id`.
    pub async fn win(&self, id: i64) -> Result<Win, StoreError> {
        self.load_wins(" WHERE id = $1", &[id], None).await?.pop().ok_or(StoreError::not_found("win", id))
    }

    /// Every win of `team`, newest first.
    pub async fn team_wins(&self, team: i64) -> Result<Vec<Win>, StoreError> {
        self.load_wins(" WHERE team_id = $1", &[team], None).await
    }

    /// The confirmed wins of `teams` achieved from `from` to `to` (both included), newest
    /// first.
    pub async fn confirmed_wins(&self, teams: &[i64], from: Date, to: Date) -> Result<Vec<Win>, StoreError> {
        let mut wins = Vec::new();
        for &team in teams {
            wins.extend(
                self.load_wins(
                    " WHERE team_id = $1 AND status = 'confirmed' AND achieved_on >= $2 AND achieved_on <= $3",
                    &[team],
                    Some((from, to)),
                )
                .await?,
            );
        }
        wins.sort_by(|a, b| b.achieved_on.cmp(&a.achieved_on).then(b.id.cmp(&a.id)));
        Ok(wins)
    }

    async fn load_wins(&self, filter: &str, ids: &[i64], period: Option<(Date, Date)>) -> Result<Vec<Win>, StoreError> {
        let sql = format!("{SELECT_WINS}{filter} ORDER BY achieved_on DESC, id DESC");
        let credits_sql = format!(
            "SELECT win_id, user_id, name FROM win_credits WHERE win_id IN (SELECT id FROM wins{filter}) ORDER BY win_id, ord"
        );
        let (rows, credits): (Vec<WinRow>, Vec<CreditRow>) = dispatch!(self, pool => {
            let mut rows = sqlx::query_as(&sql);
            let mut credits = sqlx::query_as(&credits_sql);
            for id in ids {
                rows = rows.bind(*id);
                credits = credits.bind(*id);
            }
            if let Some((from, to)) = period {
                rows = rows.bind(from).bind(to);
                credits = credits.bind(from).bind(to);
            }
            (rows.fetch_all(pool).await?, credits.fetch_all(pool).await?)
        });
        rows.into_iter()
            .map(|row| {
                let (id, team_id, title, achieved_on, initiative_id, objective_id, key_result, impact, impact_value) =
                    (row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8);
                let status = WinStatus::parse(&row.10)
                    .ok_or_else(|| StoreError::Corrupt(format!("win {id}: status '{}'", row.10)))?;
                Ok(Win {
                    id,
                    team_id,
                    title,
                    achieved_on,
                    initiative_id,
                    objective_id,
                    key_result: key_result.and_then(|k| u32::try_from(k).ok()),
                    impact,
                    impact_value,
                    impact_unit: row.9,
                    credits: credits
                        .iter()
                        .filter(|(win, _, _)| *win == id)
                        .map(|(_, user_id, name)| Credit { user_id: *user_id, name: name.clone() })
                        .collect(),
                    status,
                    proposed_by: row.11,
                    proposed_at: row.12,
                    decided_by: row.13,
                    decided_at: row.14,
                    decline_reason: row.15,
                })
            })
            .collect()
    }
}
