//! Teams and their people.

use leadup_core::team::{Team, TeamDraft};

use crate::rows::{self, PersonRow, TeamRow};
use crate::{BeginWrite, Store, StoreError, dispatch};

const SELECT_TEAMS: &str = "SELECT id, name, manager FROM teams";
const SELECT_PEOPLE: &str = "SELECT team_id, role, name FROM team_people";

impl Store {
    /// Every team with its people, ordered by name.
    pub async fn teams(&self) -> Result<Vec<Team>, StoreError> {
        let (teams, people): (Vec<TeamRow>, Vec<PersonRow>) = dispatch!(self, pool => {
            let teams = sqlx::query_as(&format!("{SELECT_TEAMS} ORDER BY name")).fetch_all(pool).await?;
            let people = sqlx::query_as(&format!("{SELECT_PEOPLE} ORDER BY team_id, role, ord")).fetch_all(pool).await?;
            (teams, people)
        });
        Ok(rows::teams(teams, people))
    }

    /// One team with its people.
    pub async fn team(&self, id: i64) -> Result<Team, StoreError> {
        let (teams, people): (Vec<TeamRow>, Vec<PersonRow>) = dispatch!(self, pool => {
            let teams = sqlx::query_as(&format!("{SELECT_TEAMS} WHERE id = $1")).bind(id).fetch_all(pool).await?;
            let people = sqlx::query_as(&format!("{SELECT_PEOPLE} WHERE team_id = $1 ORDER BY role, ord"))
                .bind(id).fetch_all(pool).await?;
            (teams, people)
        });
        rows::teams(teams, people).pop().ok_or(StoreError::not_found("team", id))
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

    /// Stores a new team and returns it with its id; team names are unique.
    pub async fn create_team(&self, draft: &TeamDraft) -> Result<Team, StoreError> {
        let id = self.save_team(None, draft).await?;
        self.team(id).await
    }

    /// Replaces team `id` (and its people) with `draft`.
    pub async fn update_team(&self, id: i64, draft: &TeamDraft) -> Result<Team, StoreError> {
        self.save_team(Some(id), draft).await?;
        self.team(id).await
    }

    async fn save_team(&self, id: Option<i64>, draft: &TeamDraft) -> Result<i64, StoreError> {
        dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let clash: Option<i64> = sqlx::query_scalar("SELECT id FROM teams WHERE name = $1 AND id <> $2")
                .bind(&draft.name).bind(id.unwrap_or(-1)).fetch_optional(&mut *tx).await?;
            if clash.is_some() {
                return Err(StoreError::invalid("name", format!("a team named '{}' already exists", draft.name)));
            }
            let saved: Option<i64> = match id {
                None => sqlx::query_scalar("INSERT INTO teams (name, manager) VALUES ($1, $2) RETURNING id")
                    .bind(&draft.name).bind(&draft.manager).fetch_optional(&mut *tx).await?,
                Some(id) => sqlx::query_scalar("UPDATE teams SET name = $1, manager = $2 WHERE id = $3 RETURNING id")
                    .bind(&draft.name).bind(&draft.manager).bind(id).fetch_optional(&mut *tx).await?,
            };
            let saved = saved.ok_or(StoreError::not_found("team", id.unwrap_or_default()))?;
            sqlx::query("DELETE FROM team_people WHERE team_id = $1").bind(saved).execute(&mut *tx).await?;
            for (role, names) in [("member", &draft.members), ("executive", &draft.executives)] {
                for (ord, name) in names.iter().enumerate() {
                    sqlx::query("INSERT INTO team_people (team_id, role, ord, name) VALUES ($1, $2, $3, $4)")
                        .bind(saved).bind(role).bind(ord as i64).bind(name)
                        .execute(&mut *tx).await?;
                }
            }
            tx.commit().await?;
            Ok(saved)
        })
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
            let deleted = sqlx::query("DELETE FROM teams WHERE id = $1").bind(id).execute(&mut *tx).await?;
            if deleted.rows_affected() == 0 {
                return Err(StoreError::not_found("team", id));
            }
            tx.commit().await?;
            Ok(())
        })
    }
}
