//! Leases on background jobs, so that of several servers on one database one at a time runs
//! a job (the day's forecast refresh and briefs), and another takes it over when the one
//! running it stops.
//!
//! A lease is one row per job: who holds it and until when. Taking it is one conditional
//! upsert (insert the row, or take it over when it is the taker's own or has expired), which
//! both SQLite and PostgreSQL carry out atomically, so of several takers exactly one gets it.
//! The holder renews it by taking it again before it expires; a holder that died stops
//! renewing, and once the lease has expired the next taker gets it. Finishing records what
//! the run completed (e.g. the day it ran for) and lets the lease go at once.

use time::OffsetDateTime;

use crate::{Store, StoreError, dispatch};

/// A job's lease as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobLease {
    /// The job's name.
    pub job: String,
    /// Who holds (or last held) it.
    pub holder: String,
    /// Until when (an expired lease may be taken by anyone).
    pub expires_at: OffsetDateTime,
    /// What the last finished run completed, as its holder wrote it.
    pub completed: Option<String>,
}

type LeaseRow = (String, String, i64, Option<String>);

fn lease(row: LeaseRow) -> Result<JobLease, StoreError> {
    let (job, holder, expires_at, completed) = row;
    let expires_at = OffsetDateTime::from_unix_timestamp(expires_at)
        .map_err(|_| StoreError::Corrupt(format!("job lease '{job}' expires at {expires_at}")))?;
    Ok(JobLease { job, holder, expires_at, completed })
}

impl Store {
    /// Takes (or renews) `job`'s lease for `holder` until `until`, when nobody else holds it
    /// at `now`: the lease is new, `holder`'s own, or expired. Returns the lease taken, with
    /// what the last finished run completed; `None` when another holder's lease is still
    /// running.
    pub async fn take_job_lease(
        &self,
        job: &str,
        holder: &str,
        now: OffsetDateTime,
        until: OffsetDateTime,
    ) -> Result<Option<JobLease>, StoreError> {
        dispatch!(self, pool => {
            let row: Option<LeaseRow> = sqlx::query_as(
                "INSERT INTO job_leases (job, holder, expires_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (job) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at \
                 WHERE job_leases.holder = excluded.holder OR job_leases.expires_at <= $4 \
                 RETURNING job, holder, expires_at, completed",
            )
            .bind(job).bind(holder).bind(until.unix_timestamp()).bind(now.unix_timestamp())
            .fetch_optional(pool).await?;
            row.map(lease).transpose()
        })
    }

    /// Records that `holder`'s run of `job` completed `completed` and lets the lease go (it
    /// expires at `now`). Returns false, recording nothing, when `holder` no longer holds it
    /// (it expired and another holder took it over).
    pub async fn finish_job_lease(
        &self,
        job: &str,
        holder: &str,
        completed: &str,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        dispatch!(self, pool => {
            let done = sqlx::query(
                "UPDATE job_leases SET completed = $1, expires_at = $2 WHERE job = $3 AND holder = $4",
            )
            .bind(completed).bind(now.unix_timestamp()).bind(job).bind(holder)
            .execute(pool).await?;
            Ok(done.rows_affected() == 1)
        })
    }

    /// `job`'s lease, if it was ever taken.
    pub async fn job_lease(&self, job: &str) -> Result<Option<JobLease>, StoreError> {
        dispatch!(self, pool => {
            let row: Option<LeaseRow> =
                sqlx::query_as("SELECT job, holder, expires_at, completed FROM job_leases WHERE job = $1")
                    .bind(job).fetch_optional(pool).await?;
            row.map(lease).transpose()
        })
    }

    /// Whether the database answers a trivial query (the health check's question).
    pub async fn ping(&self) -> Result<(), StoreError> {
        dispatch!(self, pool => {
            let _: i32 = sqlx::query_scalar("SELECT 1").fetch_one(pool).await?;
            Ok(())
        })
    }
}
