//! Objectives and their key results.

use leadup_core::strategy::{Objective, ObjectiveDraft, carry_history};

use crate::key_result_values::move_key_result_values;
use crate::rows::{self, KeyResultRow, ObjectiveRow};
use crate::{BeginWrite, Store, StoreError, dispatch};

const SELECT_OBJECTIVES: &str = "SELECT id, title, description, owner FROM objectives";
const SELECT_KEY_RESULTS: &str =
    "SELECT objective_id, metric, unit, baseline, target, current_value, due FROM key_results";

impl Store {
    /// Every objective with its key results, oldest first.
    pub async fn objectives(&self) -> Result<Vec<Objective>, StoreError> {
        let (objectives, key_results): (Vec<ObjectiveRow>, Vec<KeyResultRow>) = dispatch!(self, pool => {
            let objectives = sqlx::query_as(&format!("{SELECT_OBJECTIVES} ORDER BY id")).fetch_all(pool).await?;
            let key_results = sqlx::query_as(&format!("{SELECT_KEY_RESULTS} ORDER BY objective_id, ord"))
                .fetch_all(pool)
                .await?;
            (objectives, key_results)
        });
        Ok(rows::objectives(objectives, key_results))
    }

    /// One objective with its key results.
    pub async fn objective(&self, id: i64) -> Result<Objective, StoreError> {
        let (objectives, key_results): (Vec<ObjectiveRow>, Vec<KeyResultRow>) = dispatch!(self, pool => {
            let objectives = sqlx::query_as(&format!("{SELECT_OBJECTIVES} WHERE id = $1")).bind(id).fetch_all(pool).await?;
            let key_results = sqlx::query_as(&format!("{SELECT_KEY_RESULTS} WHERE objective_id = $1 ORDER BY ord"))
                .bind(id)
                .fetch_all(pool)
                .await?;
            (objectives, key_results)
        });
        rows::objectives(objectives, key_results).pop().ok_or(StoreError::not_found("objective", id))
    }

    /// Stores a new objective and returns it with its id.
    pub async fn create_objective(&self, draft: &ObjectiveDraft) -> Result<Objective, StoreError> {
        let id = self.save_objective(None, draft).await?;
        self.objective(id).await
    }

    /// Replaces objective `id` (and all its key results) with `draft`; each key result's history
    /// goes where its metric went (`carry_history`).
    pub async fn update_objective(&self, id: i64, draft: &ObjectiveDraft) -> Result<Objective, StoreError> {
        self.save_objective(Some(id), draft).await?;
        self.objective(id).await
    }

    async fn save_objective(&self, id: Option<i64>, draft: &ObjectiveDraft) -> Result<i64, StoreError> {
        dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let saved: Option<i64> = match id {
                None => sqlx::query_scalar("INSERT INTO objectives (title, description, owner) VALUES ($1, $2, $3) RETURNING id")
                    .bind(&draft.title).bind(&draft.description).bind(&draft.owner)
                    .fetch_optional(&mut *tx).await?,
                Some(id) => sqlx::query_scalar("UPDATE objectives SET title = $1, description = $2, owner = $3 WHERE id = $4 RETURNING id")
                    .bind(&draft.title).bind(&draft.description).bind(&draft.owner).bind(id)
                    .fetch_optional(&mut *tx).await?,
            };
            let saved = saved.ok_or(StoreError::not_found("objective", id.unwrap_or_default()))?;
            let old_metrics: Vec<String> =
                sqlx::query_scalar("SELECT metric FROM key_results WHERE objective_id = $1 ORDER BY ord")
                    .bind(saved).fetch_all(&mut *tx).await?;
            let new_metrics: Vec<String> = draft.key_results.iter().map(|kr| kr.metric.clone()).collect();
            move_key_result_values!(tx, saved, &carry_history(&old_metrics, &new_metrics));
            sqlx::query("DELETE FROM key_results WHERE objective_id = $1").bind(saved).execute(&mut *tx).await?;
            for (ord, kr) in draft.key_results.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO key_results (objective_id, ord, metric, unit, baseline, target, current_value, due) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(saved).bind(ord as i64).bind(&kr.metric).bind(&kr.unit)
                .bind(kr.baseline).bind(kr.target).bind(kr.current).bind(kr.due)
                .execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(saved)
        })
    }

    /// Deletes objective `id`; refused while initiatives or proposals serve it, since deleting it would
    /// silently leave them unaligned.
    pub async fn delete_objective(&self, id: i64) -> Result<(), StoreError> {
        dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let served_by: Vec<i64> = sqlx::query_scalar(
                "SELECT initiative_id FROM initiative_objectives WHERE objective_id = $1 ORDER BY initiative_id",
            )
            .bind(id).fetch_all(&mut *tx).await?;
            if !served_by.is_empty() {
                let list = served_by.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
                return Err(StoreError::Conflict(format!(
                    "objective {id} is served by initiatives {list}; link them elsewhere first"
                )));
            }
            let proposals: Vec<i64> = sqlx::query_scalar(
                "SELECT proposal_id FROM proposal_objectives WHERE objective_id = $1 ORDER BY proposal_id",
            )
            .bind(id).fetch_all(&mut *tx).await?;
            if !proposals.is_empty() {
                let list = proposals.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
                return Err(StoreError::Conflict(format!(
                    "objective {id} is served by proposals {list}; edit them first"
                )));
            }
            let deleted = sqlx::query("DELETE FROM objectives WHERE id = $1").bind(id).execute(&mut *tx).await?;
            if deleted.rows_affected() == 0 {
                return Err(StoreError::not_found("objective", id));
            }
            tx.commit().await?;
            Ok(())
        })
    }
}
