//! The stored forecasts a plan's progress reads: the forecast of a submitted version's queue
//! (computed by background work, so that an executive sees it before approving), and each
//! initiative's stored forecast as it stood on a given day (the forecast when a baseline was
//! approved).

use leadup_core::forecast::InitiativeForecast;
use time::Date;

use crate::{BeginWrite, Store, StoreError, dispatch};

/// The stored forecast of one plan version's queue.
#[derive(Debug, Clone, PartialEq)]
pub struct VersionForecasts {
    /// The day it is as of.
    pub as_of: Date,
    /// SHA-256 (hex) of what it was computed from, including the version's content.
    pub inputs_digest: String,
    /// One forecast per item of the version, in plan order.
    pub forecasts: Vec<InitiativeForecast>,
}

impl Store {
    /// Stores the forecast of version `version` of plan `plan_id`, replacing the one stored
    /// before. The version must exist, and every forecast must be of an initiative of the plan's
    /// team.
    pub async fn save_plan_version_forecasts(
        &self,
        plan_id: i64,
        version: u32,
        stored: &VersionForecasts,
    ) -> Result<(), StoreError> {
        let snapshot = serde_json::to_string(&stored.forecasts).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let team: Option<i64> = sqlx::query_scalar(
                "SELECT p.team_id FROM plans p JOIN plan_versions v ON v.plan_id = p.id WHERE p.id = $1 AND v.number = $2",
            )
            .bind(plan_id).bind(i64::from(version)).fetch_optional(&mut *tx).await?;
            let Some(team) = team else {
                return Err(StoreError::invalid("version", format!("plan {plan_id} has no version {version}")));
            };
            if let Some(other) = stored.forecasts.iter().find(|f| f.team_id != team) {
                return Err(StoreError::invalid(
                    "initiative_id",
                    format!("initiative {} is not of team {team} whose plan this is", other.initiative_id),
                ));
            }
            sqlx::query(
                "INSERT INTO plan_version_forecasts (plan_id, version, as_of, inputs_digest, snapshot) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (plan_id, version) DO UPDATE SET \
                 as_of = excluded.as_of, inputs_digest = excluded.inputs_digest, snapshot = excluded.snapshot",
            )
            .bind(plan_id).bind(i64::from(version)).bind(stored.as_of).bind(&stored.inputs_digest).bind(snapshot)
            .execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// The stored forecast of version `version` of plan `plan_id`, if one was computed.
    pub async fn plan_version_forecasts(
        &self,
        plan_id: i64,
        version: u32,
    ) -> Result<Option<VersionForecasts>, StoreError> {
        let row: Option<(Date, String, String)> = dispatch!(self, pool => {
            sqlx::query_as("SELECT as_of, inputs_digest, snapshot FROM plan_version_forecasts WHERE plan_id = $1 AND version = $2")
                .bind(plan_id).bind(i64::from(version)).fetch_optional(pool).await?
        });
        row.map(|(as_of, inputs_digest, snapshot)| {
            let forecasts = serde_json::from_str(&snapshot).map_err(|e| {
                StoreError::Corrupt(format!("stored forecast of plan {plan_id} version {version}: {e}"))
            })?;
            Ok(VersionForecasts { as_of, inputs_digest, forecasts })
        })
        .transpose()
    }

    /// Each of `initiative_ids`' stored forecast as it stood at the end of `day`: its last
    /// snapshot as of that day or before. Initiatives without one are left out.
    pub async fn initiative_forecasts_on(
        &self,
        initiative_ids: &[i64],
        day: Date,
    ) -> Result<Vec<InitiativeForecast>, StoreError> {
        let mut found = Vec::new();
        for &id in initiative_ids {
            let text: Option<String> = dispatch!(self, pool => {
                sqlx::query_scalar(
                    "SELECT snapshot FROM initiative_forecasts WHERE initiative_id = $1 AND as_of <= $2 \
                     ORDER BY as_of DESC LIMIT 1",
                )
                .bind(id).bind(day).fetch_optional(pool).await?
            });
            if let Some(text) = text {
                found.push(
                    serde_json::from_str(&text)
                        .map_err(|e| StoreError::Corrupt(format!("stored initiative forecast: {e}")))?,
                );
            }
        }
        Ok(found)
    }
}
