//! The history of key results: each value measured, with the day and who recorded it. The
//! latest measured value is the key result's current value.

use leadup_core::strategy::{Measurement, Objective};
use time::Date;

use crate::audit::{Actor, append_audit};
use crate::{BeginWrite, Store, StoreError, dispatch};

/// One stored value of a key result.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyResultValue {
    /// The objective's id.
    pub objective_id: i64,
    /// The key result's position in the objective, from 0.
    pub key_result: usize,
    /// What was measured, and when.
    pub measurement: Measurement,
    /// Who recorded it (`None`: the operator at the command line).
    pub recorded_by: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct ValueRow {
    objective_id: i64,
    ord: i64,
    measured_on: Date,
    value: f64,
    recorded_by: Option<i64>,
}

const SELECT_VALUES: &str = "SELECT objective_id, ord, measured_on, value, recorded_by FROM key_result_values";

impl Store {
    /// Every recorded value of the key results of objective `objective` (every objective when
    /// `None`), by objective, key result and day (values of one day in the order recorded).
    pub async fn key_result_values(&self, objective: Option<i64>) -> Result<Vec<KeyResultValue>, StoreError> {
        let rows: Vec<ValueRow> = dispatch!(self, pool => {
            sqlx::query_as(&format!(
                "{SELECT_VALUES} WHERE $1 IS NULL OR objective_id = $1 ORDER BY objective_id, ord, measured_on, id"
            ))
            .bind(objective)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|r| {
                Ok(KeyResultValue {
                    objective_id: r.objective_id,
                    key_result: usize::try_from(r.ord)
                        .map_err(|_| StoreError::Corrupt(format!("key result {}", r.ord)))?,
                    measurement: Measurement { on: r.measured_on, value: r.value },
                    recorded_by: r.recorded_by,
                })
            })
            .collect()
    }

    /// Records `measurement` for key result `key_result` (its position, from 0) of objective
    /// `objective`, as done by `by`, and makes the value of its latest day (the last recorded
    /// on that day) its current value; audited. Answers the objective as it now stands.
    pub async fn record_key_result_value(
        &self,
        objective: i64,
        key_result: usize,
        measurement: Measurement,
        by: Actor,
    ) -> Result<Objective, StoreError> {
        let ord = i64::try_from(key_result).map_err(|_| StoreError::not_found("key result", i64::MAX))?;
        dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let metric: Option<String> =
                sqlx::query_scalar("SELECT metric FROM key_results WHERE objective_id = $1 AND ord = $2")
                    .bind(objective).bind(ord).fetch_optional(&mut *tx).await?;
            let Some(metric) = metric else {
                let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM objectives WHERE id = $1")
                    .bind(objective).fetch_optional(&mut *tx).await?;
                return Err(match exists {
                    None => StoreError::not_found("objective", objective),
                    Some(_) => StoreError::not_found("key result", ord),
                });
            };
            sqlx::query(
                "INSERT INTO key_result_values (objective_id, ord, measured_on, value, recorded_by, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(objective).bind(ord).bind(measurement.on).bind(measurement.value)
            .bind(by.user_id).bind(by.at.unix_timestamp())
            .execute(&mut *tx).await?;
            sqlx::query(
                "UPDATE key_results SET current_value = (SELECT value FROM key_result_values \
                   WHERE objective_id = $1 AND ord = $2 ORDER BY measured_on DESC, id DESC LIMIT 1) \
                 WHERE objective_id = $1 AND ord = $2",
            )
            .bind(objective).bind(ord)
            .execute(&mut *tx).await?;
            let details = serde_json::json!({"metric": metric, "on": leadup_core::date::format(measurement.on), "value": measurement.value});
            append_audit!(tx, by.event("key_result.measured", format!("objective:{objective}/key_result:{ord}"), &details));
            tx.commit().await?;
        });
        self.objective(objective).await
    }
}

/// Moves the history of objective `$objective`'s key results inside transaction `$tx` after
/// they were replaced: `$moves[k]` is where old key result `k`'s history goes (`None`: away).
macro_rules! move_key_result_values {
    ($tx:expr, $objective:expr, $moves:expr) => {{
        let moves: &[Option<usize>] = $moves;
        // Through negative positions, so that swapped key results never share one midway.
        for (old, new) in moves.iter().enumerate() {
            let (old, new) = (old as i64, new.map(|n| n as i64));
            match new {
                Some(new) => {
                    sqlx::query("UPDATE key_result_values SET ord = $1 WHERE objective_id = $2 AND ord = $3")
                        .bind(-new - 1)
                        .bind($objective)
                        .bind(old)
                        .execute(&mut *$tx)
                        .await?;
                }
                None => {
                    sqlx::query("DELETE FROM key_result_values WHERE objective_id = $1 AND ord = $2")
                        .bind($objective)
                        .bind(old)
                        .execute(&mut *$tx)
                        .await?;
                }
            }
        }
        sqlx::query("DELETE FROM key_result_values WHERE objective_id = $1 AND ord >= 0")
            .bind($objective)
            .execute(&mut *$tx)
            .await?;
        sqlx::query("UPDATE key_result_values SET ord = -ord - 1 WHERE objective_id = $1 AND ord < 0")
            .bind($objective)
            .execute(&mut *$tx)
            .await?;
    }};
}
pub(crate) use move_key_result_values;
