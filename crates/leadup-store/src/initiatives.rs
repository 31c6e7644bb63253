//! Initiatives and the objectives they serve.

use leadup_core::ValidationErrors;
use leadup_core::change_request::Change;
use leadup_core::initiative::{Horizon, Initiative, InitiativeDraft};
use leadup_core::plan::PlanContent;

use crate::rows::{self, InitiativeRow, LinkRow};
use crate::{BeginWrite, Store, StoreError, dispatch};

pub(crate) const SELECT_INITIATIVES: &str = "SELECT id, team_id, title, outcome, horizon, target_start, target_end, status, \
     budget_planned, budget_actual, currency FROM initiatives";
pub(crate) const SELECT_LINKS: &str = "SELECT initiative_id, objective_id FROM initiative_objectives";

impl Store {
    /// Every initiative with the objectives it serves, oldest first.
    pub async fn initiatives(&self) -> Result<Vec<Initiative>, StoreError> {
        let (initiatives, links): (Vec<InitiativeRow>, Vec<LinkRow>) = dispatch!(self, pool => {
            let initiatives = sqlx::query_as(&format!("{SELECT_INITIATIVES} ORDER BY id")).fetch_all(pool).await?;
            let links = sqlx::query_as(&format!("{SELECT_LINKS} ORDER BY initiative_id, ord")).fetch_all(pool).await?;
            (initiatives, links)
        });
        rows::initiatives(initiatives, links)
    }

    /// One initiative with the objectives it serves.
    pub async fn initiative(&self, id: i64) -> Result<Initiative, StoreError> {
        let (initiatives, links): (Vec<InitiativeRow>, Vec<LinkRow>) = dispatch!(self, pool => {
            let initiatives = sqlx::query_as(&format!("{SELECT_INITIATIVES} WHERE id = $1")).bind(id).fetch_all(pool).await?;
            let links = sqlx::query_as(&format!("{SELECT_LINKS} WHERE initiative_id = $1 ORDER BY ord"))
                .bind(id).fetch_all(pool).await?;
            (initiatives, links)
        });
        rows::initiatives(initiatives, links)?.pop().ok_or(StoreError::not_found("initiative", id))
    }

    /// Stores a new initiative; its team and objectives must exist.
    pub async fn create_initiative(&self, draft: &InitiativeDraft) -> Result<Initiative, StoreError> {
        let id = self.save_initiative(None, draft).await?;
        self.initiative(id).await
    }

    /// Replaces initiative `id` with `draft`; its team and objectives must exist.
    pub async fn update_initiative(&self, id: i64, draft: &InitiativeDraft) -> Result<Initiative, StoreError> {
        self.save_initiative(Some(id), draft).await?;
        self.initiative(id).await
    }

    async fn save_initiative(&self, id: Option<i64>, draft: &InitiativeDraft) -> Result<i64, StoreError> {
        dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            if let Some(id) = id {
                let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM initiatives WHERE id = $1")
                    .bind(id).fetch_optional(&mut *tx).await?;
                if exists.is_none() {
                    return Err(StoreError::not_found("initiative", id));
                }
            }
            let mut errors = ValidationErrors::default();
            let team: Option<i64> = sqlx::query_scalar("SELECT id FROM teams WHERE id = $1")
                .bind(draft.team_id).fetch_optional(&mut *tx).await?;
            if team.is_none() {
                errors.add("team_id", format!("unknown team {}", draft.team_id));
            }
            for objective_id in &draft.objective_ids {
                let found: Option<i64> = sqlx::query_scalar("SELECT id FROM objectives WHERE id = $1")
                    .bind(objective_id).fetch_optional(&mut *tx).await?;
                if found.is_none() {
                    errors.add("objective_ids", format!("unknown objective {objective_id}"));
                }
            }
            if !errors.0.is_empty() {
                return Err(StoreError::Invalid(errors));
            }
            let (start, end) = (draft.window.map(|w| w.start), draft.window.map(|w| w.end));
            let horizon = draft.horizon.map(Horizon::as_str);
            let query = match id {
                None => sqlx::query_scalar(
                    "INSERT INTO initiatives (team_id, title, outcome, horizon, target_start, target_end, status, \
                     budget_planned, budget_actual, currency) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                ),
                Some(_) => sqlx::query_scalar(
                    "UPDATE initiatives SET team_id = $1, title = $2, outcome = $3, horizon = $4, target_start = $5, \
                     target_end = $6, status = $7, budget_planned = $8, budget_actual = $9, currency = $10 \
                     WHERE id = $11 RETURNING id",
                ),
            };
            let saved: i64 = query
                .bind(draft.team_id).bind(&draft.title).bind(&draft.outcome).bind(horizon).bind(start).bind(end)
                .bind(draft.status.as_str()).bind(draft.budget_planned).bind(draft.budget_actual)
                .bind(draft.currency.as_str()).bind(id.unwrap_or_default())
                .fetch_one(&mut *tx).await?;
            sqlx::query("DELETE FROM initiative_objectives WHERE initiative_id = $1").bind(saved).execute(&mut *tx).await?;
            for (ord, objective_id) in draft.objective_ids.iter().enumerate() {
                sqlx::query("INSERT INTO initiative_objectives (initiative_id, objective_id, ord) VALUES ($1, $2, $3)")
                    .bind(saved).bind(objective_id).bind(ord as i64)
                    .execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(saved)
        })
    }

    /// Deletes initiative `id`; refused while a plan version or a change request names it,
    /// since plans keep their history (drop it from the plan, or mark it dropped, instead).
    pub async fn delete_initiative(&self, id: i64) -> Result<(), StoreError> {
        dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let versions: Vec<(String, i64, String)> = sqlx::query_as(
                "SELECT p.name, v.number, v.content FROM plan_versions v JOIN plans p ON p.id = v.plan_id \
                 ORDER BY p.id, v.number",
            )
            .fetch_all(&mut *tx).await?;
            let mut uses = Vec::new();
            for (plan, number, content) in versions {
                let content = PlanContent::from_canonical_json(&content)
                    .map_err(|e| StoreError::Corrupt(format!("plan '{plan}' version {number}: {e}")))?;
                if content.items.iter().any(|item| item.initiative_id == id) {
                    uses.push(format!("plan '{plan}' version {number}"));
                }
            }
            let requests: Vec<(i64, String)> =
                sqlx::query_as("SELECT id, change FROM change_requests ORDER BY id").fetch_all(&mut *tx).await?;
            for (request, change) in requests {
                let change = Change::from_json(&change)
                    .map_err(|e| StoreError::Corrupt(format!("change request {request}: {e}")))?;
                if change.initiative_id() == id {
                    uses.push(format!("change request {request}"));
                }
            }
            let commitments: Vec<i64> = sqlx::query_scalar("SELECT id FROM commitments WHERE initiative_id = $1 ORDER BY id")
                .bind(id).fetch_all(&mut *tx).await?;
            uses.extend(commitments.into_iter().map(|c| format!("commitment {c}")));
            if !uses.is_empty() {
                return Err(StoreError::Conflict(format!(
                    "initiative {id} is in {}: plans keep their history, so drop it from the plan or set its status to dropped instead",
                    uses.join(", ")
                )));
            }
            let deleted = sqlx::query("DELETE FROM initiatives WHERE id = $1").bind(id).execute(&mut *tx).await?;
            if deleted.rows_affected() == 0 {
                return Err(StoreError::not_found("initiative", id));
            }
            tx.commit().await?;
            Ok(())
        })
    }
}
