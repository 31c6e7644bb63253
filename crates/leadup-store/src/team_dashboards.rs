//! Stored team dashboards: the latest computed dashboard of each team and flow window, which
//! the dashboard page and the API read.

use time::Date;

use crate::{BeginWrite, Store, StoreError, dispatch};

/// A team dashboard as stored: as of which day, from which inputs, and the dashboard itself as
/// JSON (the application's shape; the store does not look inside).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDashboard {
    /// The day it is as of.
    pub as_of: Date,
    /// SHA-256 (hex) of what it was computed from.
    pub inputs_digest: String,
    /// The dashboard as JSON.
    pub snapshot: String,
}

impl Store {
    /// Stores team `team_id`'s dashboard over `window_days` days, replacing the one before.
    pub async fn save_team_dashboard(
        &self,
        team_id: i64,
        window_days: u32,
        dashboard: &StoredDashboard,
    ) -> Result<(), StoreError> {
        dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let team: Option<i64> =
                sqlx::query_scalar("SELECT id FROM teams WHERE id = $1").bind(team_id).fetch_optional(&mut *tx).await?;
            team.ok_or(StoreError::not_found("team", team_id))?;
            sqlx::query(
                "INSERT INTO team_dashboards (team_id, window_days, as_of, inputs_digest, snapshot) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (team_id, window_days) DO UPDATE SET \
                 as_of = excluded.as_of, inputs_digest = excluded.inputs_digest, snapshot = excluded.snapshot",
            )
            .bind(team_id)
            .bind(i64::from(window_days))
            .bind(dashboard.as_of)
            .bind(&dashboard.inputs_digest)
            .bind(&dashboard.snapshot)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// Team `team_id`'s stored dashboard over `window_days` days, if one was computed.
    pub async fn team_dashboard(&self, team_id: i64, window_days: u32) -> Result<Option<StoredDashboard>, StoreError> {
        let row: Option<(Date, String, String)> = dispatch!(self, pool => {
            sqlx::query_as(
                "SELECT as_of, inputs_digest, snapshot FROM team_dashboards WHERE team_id = $1 AND window_days = $2",
            )
            .bind(team_id)
            .bind(i64::from(window_days))
            .fetch_optional(pool)
            .await?
        });
        Ok(row.map(|(as_of, inputs_digest, snapshot)| StoredDashboard { as_of, inputs_digest, snapshot }))
    }
}
