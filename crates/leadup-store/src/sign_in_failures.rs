//! Failed sign-ins, counted in the database so that every server behind a load balancer
//! counts the same ones. The policy (how many, how long, under which keys) is leadup-core's
//! `sign_in`; here a failure is a row under a 32-byte key with its time.
//!
//! An attempt is counted before its password is checked ([`Store::reserve_sign_in`]), so
//! concurrent attempts cannot all get past the limit: counting takes the one-row
//! `sign_in_turn` first, which makes counters on every server (and every connection) count
//! one after another. An attempt refused is not counted, and a key at its limit gets no more
//! rows, so a key holds at most its limit of rows; rows are deleted once expired each time a
//! failure is counted, so the table holds no more than the failures of the last window.

use leadup_core::sign_in::{Key, Limit};

use crate::{BeginWrite, Store, StoreError, dispatch};

/// What counting an attempt found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInReservation {
    /// Refused: one of the keys is at its limit; try again after this many seconds.
    Wait(i64),
    /// Counted as a failure under every key (the rows' ids, in the keys' order), to be given
    /// back with [`Store::release_sign_in`] if the password turns out right.
    Counted(Vec<i64>),
}

const RECENT: &str = "SELECT at FROM sign_in_failures WHERE key = $1 AND at > $2 ORDER BY at DESC LIMIT $3";

impl Store {
    /// Counts a sign-in attempt at `now` (Unix seconds) as a failure under each of `keys`,
    /// unless one of them has reached its limit, in which case nothing is counted and the
    /// longest wait is returned. Expired failures are deleted on the way.
    pub async fn reserve_sign_in(&self, keys: &[(Key, Limit)], now: i64) -> Result<SignInReservation, StoreError> {
        dispatch!(self, pool => {
            // A refused attempt writes nothing: look first, without a transaction.
            let mut wait = None;
            for (key, limit) in keys {
                let times: Vec<i64> = sqlx::query_scalar(RECENT)
                    .bind(key.as_slice()).bind(now - limit.window).bind(limit_rows(limit))
                    .fetch_all(pool).await?;
                wait = wait.max(limit.wait(&times, now));
            }
            if let Some(wait) = wait {
                return Ok(SignInReservation::Wait(wait));
            }
            let mut tx = pool.begin_write().await?;
            sqlx::query("UPDATE sign_in_turn SET id = 1 WHERE id = 1").execute(&mut *tx).await?;
            sqlx::query("DELETE FROM sign_in_failures WHERE expires_at <= $1").bind(now).execute(&mut *tx).await?;
            // Counted again in turn: another server may have counted since the look.
            let mut wait = None;
            for (key, limit) in keys {
                let times: Vec<i64> = sqlx::query_scalar(RECENT)
                    .bind(key.as_slice()).bind(now - limit.window).bind(limit_rows(limit))
                    .fetch_all(&mut *tx).await?;
                wait = wait.max(limit.wait(&times, now));
            }
            if let Some(wait) = wait {
                tx.commit().await?;
                return Ok(SignInReservation::Wait(wait));
            }
            let mut ids = Vec::with_capacity(keys.len());
            for (key, limit) in keys {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO sign_in_failures (key, at, expires_at) VALUES ($1, $2, $3) RETURNING id",
                )
                .bind(key.as_slice()).bind(now).bind(now + limit.window)
                .fetch_one(&mut *tx).await?;
                ids.push(id);
            }
            tx.commit().await?;
            Ok(SignInReservation::Counted(ids))
        })
    }

    /// Gives back the failures `ids` counted (the password was right, or could not be
    /// checked), and forgets every failure under `forget` (the account-and-client key of a
    /// right password).
    pub async fn release_sign_in(&self, ids: &[i64], forget: Option<&Key>) -> Result<(), StoreError> {
        dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            for id in ids {
                sqlx::query("DELETE FROM sign_in_failures WHERE id = $1").bind(id).execute(&mut *tx).await?;
            }
            if let Some(key) = forget {
                sqlx::query("DELETE FROM sign_in_failures WHERE key = $1").bind(key.as_slice()).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    /// How many failures are kept (expired ones included until the next count prunes them).
    pub async fn sign_in_failures_kept(&self) -> Result<i64, StoreError> {
        dispatch!(self, pool => {
            Ok(sqlx::query_scalar("SELECT COUNT(*) FROM sign_in_failures").fetch_one(pool).await?)
        })
    }
}

/// The most rows of a key the limit's decision needs.
fn limit_rows(limit: &Limit) -> i64 {
    i64::try_from(limit.failures).unwrap_or(i64::MAX)
}
