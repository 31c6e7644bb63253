//! Teams and the people holding a role in them: users by their roles (`memberships`), and
//! the pending people (`pending_people`) a team named before roles were the one source.

use leadup_core::access::Role;
use leadup_core::team::{Team, TeamDraft};

use crate::accounts::{system_or, write_role};
use crate::audit::append_audit;
use crate::rows::{self, PersonRow, TeamRow};
use crate::{BeginWrite, Store, StoreError, dispatch};

const SELECT_TEAMS: &str = "SELECT id, name FROM teams";

/// Users holding a role, then pending people, each by name; `{where}` filters both by team.
fn select_people(filter: &str) -> String {
    format!(
        "SELECT team_id, role, user_id, name FROM ( \
           SELECT m.team_id, m.role, u.id AS user_id, u.name, 0 AS pending FROM memberships m \
           JOIN users u ON u.id = m.user_id {filter} \
           UNION ALL SELECT p.team_id, p.role, NULL, p.name, 1 FROM pending_people p {pending_filter} \
         ) people ORDER BY team_id, pending, name, user_id",
        filter = filter.replace("{t}", "m"),
        pending_filter = filter.replace("{t}", "p"),
    )
}

impl Store {
    /// Every team with its people, ordered by name.
    pub async fn teams(&self) -> Result<Vec<Team>, StoreError> {
        let (teams, people): (Vec<TeamRow>, Vec<PersonRow>) = dispatch!(self, pool => {
            let teams = sqlx::query_as(&format!("{SELECT_TEAMS} ORDER BY name")).fetch_all(pool).await?;
            let people = sqlx::query_as(&select_people("")).fetch_all(pool).await?;
            (teams, people)
        });
        rows::teams(teams, people)
    }

    /// One team with its people.
    pub async fn team(&self, id: i64) -> Result<Team, StoreError> {
        let (teams, people): (Vec<TeamRow>, Vec<PersonRow>) = dispatch!(self, pool => {
            let teams = sqlx::query_as(&format!("{SELECT_TEAMS} WHERE id = $1")).bind(id).fetch_all(pool).await?;
            let people = sqlx::query_as(&select_people("WHERE {t}.team_id = $1")).bind(id).fetch_all(pool).await?;
            (teams, people)
        });
        rows::teams(teams, people)?.pop().ok_or(StoreError::not_found("team", id))
    }

    /// The team called `name` (exactly), if there is one.
    pub async fn team_named(&self, name: &str) -> Result<Option<Team>, StoreError> {
        let id: Option<i64> = dispatch!(self, pool => {
            sqlx::query_scalar("SELECT id FROM teams WHERE name = $1").bind(name).fetch_optional(pool).await?
        });
        match id {
            Some(id) => self.team(id).await.map(Some),
            None => Ok(None),
        }
    }

    /// Stores a new team and gives the users its draft names their roles in it, in one
    /// transaction, each role change audited as done by `by` (`None`: the operator). Team
    /// names are unique; an address no user has is refused naming its field, and nobody
    /// gives themselves a role (`Forbidden`).
    pub async fn create_team(&self, draft: &TeamDraft, by: Option<i64>) -> Result<Team, StoreError> {
        let id: i64 = dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let clash: Option<i64> = sqlx::query_scalar("SELECT id FROM teams WHERE name = $1")
                .bind(&draft.name).fetch_optional(&mut *tx).await?;
            if clash.is_some() {
                return Err(StoreError::invalid("name", format!("a team named '{}' already exists", draft.name)));
            }
            let mut users = Vec::with_capacity(draft.people.len());
            for grant in &draft.people {
                let user: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
                    .bind(&grant.email).fetch_optional(&mut *tx).await?;
                let user = user.ok_or_else(|| {
                    StoreError::invalid(&grant.field, format!("no user has the e-mail address '{}'", grant.email))
                })?;
                users.push((user, grant.role));
            }
            let id: i64 = sqlx::query_scalar("INSERT INTO teams (name) VALUES ($1) RETURNING id")
                .bind(&draft.name).fetch_one(&mut *tx).await?;
            for (user, role) in users {
                write_role!(tx, id, user, Some(role), by, None::<&str>);
            }
            tx.commit().await?;
            id
        });
        self.team(id).await
    }

    /// Renames team `id`.
    pub async fn rename_team(&self, id: i64, name: &str) -> Result<Team, StoreError> {
        dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let clash: Option<i64> = sqlx::query_scalar("SELECT id FROM teams WHERE name = $1 AND id <> $2")
                .bind(name).bind(id).fetch_optional(&mut *tx).await?;
            if clash.is_some() {
                return Err(StoreError::invalid("name", format!("a team named '{name}' already exists")));
            }
            let updated = sqlx::query("UPDATE teams SET name = $1 WHERE id = $2").bind(name).bind(id).execute(&mut *tx).await?;
            if updated.rows_affected() == 0 {
                return Err(StoreError::not_found("team", id));
            }
            tx.commit().await?;
        });
        self.team(id).await
    }

    /// Forgets the pending person `name` of `team` in `role` (someone who will never have an
    /// account), audited as done by `by`.
    pub async fn remove_pending_person(
        &self,
        team: i64,
        role: Role,
        name: &str,
        by: Option<i64>,
    ) -> Result<(), StoreError> {
        dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let deleted = sqlx::query("DELETE FROM pending_people WHERE team_id = $1 AND role = $2 AND name = $3")
                .bind(team).bind(role.as_str()).bind(name).execute(&mut *tx).await?;
            if deleted.rows_affected() == 0 {
                return Err(StoreError::invalid("name", format!("'{name}' is not a pending {role} of team {team}")));
            }
            let details = serde_json::json!({ "team": team, "role": role.as_str(), "name": name });
            append_audit!(tx, system_or(by, "pending_person.removed", format!("team:{team}"), &details));
            tx.commit().await?;
        });
        Ok(())
    }

    /// Deletes team `id`; refused while the team has initiatives, work items, proposals or briefs.
    pub async fn delete_team(&self, id: i64) -> Result<(), StoreError> {
        dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let initiatives: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM initiatives WHERE team_id = $1")
                .bind(id).fetch_one(&mut *tx).await?;
            if initiatives > 0 {
                return Err(StoreError::Conflict(format!(
                    "team {id} still has {initiatives} initiatives; move or delete them first"
                )));
            }
            let items: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM work_items WHERE team_id = $1")
                .bind(id).fetch_one(&mut *tx).await?;
            if items > 0 {
                return Err(StoreError::Conflict(format!(
                    "team {id} still has {items} imported work items, its throughput history; they would be lost"
                )));
            }
            let proposals: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM proposals WHERE team_id = $1")
                .bind(id).fetch_one(&mut *tx).await?;
            if proposals > 0 {
                return Err(StoreError::Conflict(format!(
                    "team {id} still has {proposals} proposals, the business cases it made"
                )));
            }
            let briefs: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM briefs WHERE team_id = $1")
                .bind(id).fetch_one(&mut *tx).await?;
            if briefs > 0 {
                return Err(StoreError::Conflict(format!(
                    "team {id} still has {briefs} briefs, the status updates its stakeholders were sent"
                )));
            }
            let commitments: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM commitments WHERE team_id = $1")
                .bind(id).fetch_one(&mut *tx).await?;
            if commitments > 0 {
                return Err(StoreError::Conflict(format!(
                    "team {id} still has {commitments} commitments, its track record"
                )));
            }
            let deleted = sqlx::query("DELETE FROM teams WHERE id = $1").bind(id).execute(&mut *tx).await?;
            if deleted.rows_affected() == 0 {
                return Err(StoreError::not_found("team", id));
            }
            tx.commit().await?;
            Ok(())
        })
    }
}
