//! Replayed past forecasts kept between runs (see `leadup_app::replays`): one row per history
//! (a team, or a reference history), question and replay settings, holding the latest replay
//! as encoded by `leadup_forecast`, the day it is as of, and the digest of the history it was
//! replayed from. Derived data: a row that is missing, stale or unreadable only costs a replay.
//! Rows not used for [`UNUSED_DAYS`] days are deleted when new ones are stored.

use time::Date;

use crate::{BeginWrite, Store, StoreError, dispatch};

/// Rows not used for this many days are deleted.
pub const UNUSED_DAYS: i64 = 30;

/// One kept replay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredReplay {
    /// Whose history: `team {id}` or `reference {name}`.
    pub subject: String,
    /// The question, as `leadup_forecast::Question` displays it.
    pub question: String,
    /// Days of throughput history each replayed forecast used.
    pub history_days: u32,
    /// Days between replayed forecasts.
    pub replay_step_days: u32,
    /// The day the outcomes were last looked at.
    pub as_of: Date,
    /// The digest of the history as known on `as_of`.
    pub history_digest: String,
    /// The replay, encoded.
    pub replay: Vec<u8>,
}

type ReplayRow = (String, String, i64, i64, Date, String, Vec<u8>);

fn stored(row: ReplayRow) -> Result<StoredReplay, StoreError> {
    let (subject, question, history_days, replay_step_days, as_of, history_digest, replay) = row;
    let days = |value: i64| {
        u32::try_from(value)
            .map_err(|_| StoreError::Corrupt(format!("forecast replay '{subject}': {value} is not a number of days")))
    };
    Ok(StoredReplay {
        history_days: days(history_days)?,
        replay_step_days: days(replay_step_days)?,
        subject: subject.clone(),
        question,
        as_of,
        history_digest,
        replay,
    })
}

impl Store {
    /// The kept replays of `question` with the given settings, of every history, marked as
    /// used on `today`.
    pub async fn forecast_replays(
        &self,
        question: &str,
        history_days: u32,
        replay_step_days: u32,
        today: Date,
    ) -> Result<Vec<StoredReplay>, StoreError> {
        let rows: Vec<ReplayRow> = dispatch!(self, pool => {
            let rows = sqlx::query_as(
                "SELECT subject, question, history_days, replay_step_days, as_of, history_digest, replay \
                 FROM forecast_replays WHERE question = $1 AND history_days = $2 AND replay_step_days = $3 \
                 ORDER BY subject",
            )
            .bind(question).bind(i64::from(history_days)).bind(i64::from(replay_step_days))
            .fetch_all(pool).await?;
            if !rows.is_empty() {
                // Marks them used, once a day (a read that finds them so writes nothing).
                let mut tx = pool.begin_write().await?;
                sqlx::query(
                    "UPDATE forecast_replays SET used_on = $4 \
                     WHERE question = $1 AND history_days = $2 AND replay_step_days = $3 AND used_on < $4",
                )
                .bind(question).bind(i64::from(history_days)).bind(i64::from(replay_step_days)).bind(today)
                .execute(&mut *tx).await?;
                tx.commit().await?;
            }
            rows
        });
        rows.into_iter().map(stored).collect()
    }

    /// Keeps `replays`, each replacing the one of its history, question and settings, as used
    /// on `today`; deletes those not used for [`UNUSED_DAYS`] days.
    pub async fn put_forecast_replays(&self, replays: &[StoredReplay], today: Date) -> Result<(), StoreError> {
        let unused_since = today - time::Duration::days(UNUSED_DAYS);
        dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            for r in replays {
                sqlx::query(
                    "INSERT INTO forecast_replays \
                     (subject, question, history_days, replay_step_days, as_of, history_digest, used_on, replay) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                     ON CONFLICT (subject, question, history_days, replay_step_days) DO UPDATE SET \
                     as_of = excluded.as_of, history_digest = excluded.history_digest, used_on = excluded.used_on, \
                     replay = excluded.replay",
                )
                .bind(&r.subject).bind(&r.question)
                .bind(i64::from(r.history_days)).bind(i64::from(r.replay_step_days))
                .bind(r.as_of).bind(&r.history_digest).bind(today).bind(&r.replay)
                .execute(&mut *tx).await?;
            }
            sqlx::query("DELETE FROM forecast_replays WHERE used_on < $1").bind(unused_since).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(())
        })
    }
}
