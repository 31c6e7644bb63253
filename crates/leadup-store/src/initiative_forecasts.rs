//! Stored initiative forecasts: one snapshot per initiative and day, the latest of which every
//! page, the API and the command line show.

use leadup_core::forecast::InitiativeForecast;

use crate::{BeginWrite, Store, StoreError, dispatch};

/// The latest snapshot of each initiative (rows of `initiative_forecasts` aliased `f`).
const LATEST: &str =
    "f.as_of = (SELECT max(g.as_of) FROM initiative_forecasts g WHERE g.initiative_id = f.initiative_id)";

impl Store {
    /// Stores `forecasts` (of team `team_id`'s initiatives) in one transaction, each replacing
    /// its initiative's snapshot of the same day. A forecast of an initiative not of the team
    /// is refused and nothing is written.
    pub async fn save_initiative_forecasts(
        &self,
        team_id: i64,
        forecasts: &[InitiativeForecast],
    ) -> Result<(), StoreError> {
        dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            for forecast in forecasts {
                let team: Option<i64> = sqlx::query_scalar("SELECT team_id FROM initiatives WHERE id = $1")
                    .bind(forecast.initiative_id).fetch_optional(&mut *tx).await?;
                match team {
                    None => return Err(StoreError::not_found("initiative", forecast.initiative_id)),
                    Some(team) if team != team_id || forecast.team_id != team_id => {
                        return Err(StoreError::invalid(
                            "initiative_id",
                            format!("initiative {} is not of team {team_id}", forecast.initiative_id),
                        ));
                    }
                    Some(_) => {}
                }
                let snapshot = serde_json::to_string(forecast).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                let dates = forecast.dates;
                sqlx::query(
                    "INSERT INTO initiative_forecasts \
                     (initiative_id, as_of, computed_at, p50, p85, p95, probability_by_target, snapshot) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                     ON CONFLICT (initiative_id, as_of) DO UPDATE SET computed_at = excluded.computed_at, \
                     p50 = excluded.p50, p85 = excluded.p85, p95 = excluded.p95, \
                     probability_by_target = excluded.probability_by_target, snapshot = excluded.snapshot",
                )
                .bind(forecast.initiative_id)
                .bind(forecast.as_of)
                .bind(forecast.computed_at.unix_timestamp())
                .bind(dates.map(|d| d.p50))
                .bind(dates.map(|d| d.p85))
                .bind(dates.map(|d| d.p95))
                .bind(forecast.probability_by_target)
                .bind(snapshot)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    /// Initiative `id`'s latest stored forecast, if one was computed.
    pub async fn initiative_forecast(&self, id: i64) -> Result<Option<InitiativeForecast>, StoreError> {
        let text: Option<String> = dispatch!(self, pool => {
            sqlx::query_scalar(&format!("SELECT f.snapshot FROM initiative_forecasts f WHERE f.initiative_id = $1 AND {LATEST}"))
                .bind(id).fetch_optional(pool).await?
        });
        text.map(|t| parse(&t)).transpose()
    }

    /// Initiative `id`'s stored forecasts, oldest first: its forecast history.
    pub async fn initiative_forecast_history(&self, id: i64) -> Result<Vec<InitiativeForecast>, StoreError> {
        let texts: Vec<String> = dispatch!(self, pool => {
            sqlx::query_scalar("SELECT snapshot FROM initiative_forecasts WHERE initiative_id = $1 ORDER BY as_of")
                .bind(id).fetch_all(pool).await?
        });
        texts.iter().map(|t| parse(t)).collect()
    }

    /// The latest stored forecast of each of team `team_id`'s initiatives, by initiative id.
    pub async fn team_initiative_forecasts(&self, team_id: i64) -> Result<Vec<InitiativeForecast>, StoreError> {
        let texts: Vec<String> = dispatch!(self, pool => {
            sqlx::query_scalar(&format!(
                "SELECT f.snapshot FROM initiative_forecasts f JOIN initiatives i ON i.id = f.initiative_id \
                 WHERE i.team_id = $1 AND {LATEST} ORDER BY f.initiative_id"
            ))
            .bind(team_id).fetch_all(pool).await?
        });
        texts.iter().map(|t| parse(t)).collect()
    }

    /// The latest stored forecast of every initiative, by initiative id.
    pub async fn initiative_forecasts(&self) -> Result<Vec<InitiativeForecast>, StoreError> {
        let texts: Vec<String> = dispatch!(self, pool => {
            sqlx::query_scalar(&format!("SELECT f.snapshot FROM initiative_forecasts f WHERE {LATEST} ORDER BY f.initiative_id"))
                .fetch_all(pool).await?
        });
        texts.iter().map(|t| parse(t)).collect()
    }
}

fn parse(text: &str) -> Result<InitiativeForecast, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("stored initiative forecast: {e}")))
}
