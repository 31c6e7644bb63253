//! leadup's storage: one [`Store`] over SQLite (the default, one file) or PostgreSQL,
//! chosen by the database URL's scheme.
//!
//! Every method is written once and compiled for both backends (see `dispatch!`), so the
//! two cannot drift apart; what differs per backend is only the connection set-up and the
//! migrations under `migrations/sqlite` and `migrations/postgres`. Every write runs in one
//! transaction and checks references before it changes anything, so a rejected write
//! leaves the database as it was.

mod accounts;
mod audit;
mod briefs;
mod change_requests;
mod commitments;
mod connect;
mod deliveries;
mod error;
mod evidence;
mod evidence_links;
mod forecast_replays;
mod initiative_forecasts;
mod initiatives;
mod job_leases;
mod key_result_values;
mod objectives;
mod plan_forecasts;
mod plans;
mod process;
mod proposals;
mod rows;
mod sign_in_failures;
mod stakeholders;
mod team_dashboards;
mod teams;
pub mod transfer;
mod wins;
mod work_item_import;
mod work_items;
mod workspace;

#[cfg(feature = "testing")]
pub mod testing;

pub use accounts::{Credentials, NewShareLink, Session};
pub use audit::Actor;
pub use briefs::{BriefStatus, NewBrief, StoredBrief};
pub use change_requests::StaleChangeRequest;
pub use commitments::PlanItemCommitment;
pub use connect::{DEFAULT_DATABASE_URL, redact};
pub use deliveries::{
    AttemptOutcome, ClaimedDelivery, Delivery, DeliveryAbout, DeliveryAttachment, DeliveryAttempt, DeliveryChannel,
    DeliveryStatus, INTERRUPTED, NewDelivery,
};
pub use error::StoreError;
pub use evidence::{EvidenceImport, refusal as evidence_refusal};
pub use forecast_replays::StoredReplay;
pub use job_leases::JobLease;
pub use key_result_values::KeyResultValue;
pub use plan_forecasts::VersionForecasts;
pub use process::StoredDecision;
pub use sign_in_failures::SignInReservation;
pub use stakeholders::{Executive, StoredProfile};
pub use team_dashboards::StoredDashboard;
pub use work_item_import::{ImportSummary, WorkItemImport};

use sqlx::{PgPool, SqlitePool};

/// The database behind leadup. Cheap to clone: clones share one connection pool.
#[derive(Clone, Debug)]
pub struct Store {
    pool: Pool,
}

#[derive(Clone, Debug)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Which database a [`Store`] runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite, one file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// Runs the same block of code on whichever pool the store holds; the block is compiled
/// once per backend, so SQL text and row mapping are shared by construction. SQL uses
/// `$1`-style placeholders, which both SQLite and PostgreSQL understand.
macro_rules! dispatch {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.pool {
            $crate::Pool::Sqlite($pool) => $body,
            $crate::Pool::Postgres($pool) => $body,
        }
    };
}
pub(crate) use dispatch;

/// The team of plan `$plan`, read inside transaction `$tx`; a plan that does not exist is a
/// "plan not found" error.
macro_rules! plan_team {
    ($tx:expr, $plan:expr) => {{
        let team: Option<i64> =
            sqlx::query_scalar("SELECT team_id FROM plans WHERE id = $1").bind($plan).fetch_optional(&mut *$tx).await?;
        team.ok_or($crate::StoreError::not_found("plan", $plan))
    }};
}
pub(crate) use plan_team;

/// Whether user `$user` exists, read inside transaction `$tx`.
macro_rules! user_exists {
    ($tx:expr, $user:expr) => {{
        let found: Option<i64> =
            sqlx::query_scalar("SELECT id FROM users WHERE id = $1").bind($user).fetch_optional(&mut *$tx).await?;
        found.is_some()
    }};
}
pub(crate) use user_exists;

/// A write transaction on either backend.
pub(crate) enum Tx {
    Sqlite(WriteTx<sqlx::Sqlite>),
    Postgres(WriteTx<sqlx::Postgres>),
}

/// Runs the same block on whichever transaction is given (see `dispatch!`).
macro_rules! on_tx {
    ($tx:expr, $inner:ident => $body:expr) => {
        match $tx {
            $crate::Tx::Sqlite($inner) => $body,
            $crate::Tx::Postgres($inner) => $body,
        }
    };
}
pub(crate) use on_tx;

/// Opening a write transaction. SQLite's takes the write lock at once (`BEGIN IMMEDIATE`):
/// a transaction that reads before it writes then waits for another writer instead of failing
/// with "database is locked" when it upgrades. Within a process, SQLite writers first wait
/// for their turn ([`sqlite_write_turn`]), without a time limit, so that a write made while a
/// long import holds the lock waits for it rather than giving up at the busy timeout (the busy
/// timeout still covers another process writing). PostgreSQL's is a plain `BEGIN`.
pub(crate) trait BeginWrite {
    /// The database the pool talks to.
    type Db: sqlx::Database;

    /// Starts a transaction that will write.
    async fn begin_write(&self) -> Result<WriteTx<Self::Db>, sqlx::Error>;
}

impl BeginWrite for SqlitePool {
    type Db = sqlx::Sqlite;

    async fn begin_write(&self) -> Result<WriteTx<Self::Db>, sqlx::Error> {
        let turn = sqlite_write_turn(self).lock_owned().await;
        Ok(WriteTx { tx: self.begin_with("BEGIN IMMEDIATE").await?, _turn: Some(turn) })
    }
}

impl BeginWrite for PgPool {
    type Db = sqlx::Postgres;

    async fn begin_write(&self) -> Result<WriteTx<Self::Db>, sqlx::Error> {
        Ok(WriteTx { tx: self.begin().await?, _turn: None })
    }
}

/// A write transaction, holding this process's turn to write to a SQLite database until it
/// ends. It dereferences to the connection, so queries run on `&mut *tx`.
pub(crate) struct WriteTx<DB: sqlx::Database> {
    tx: sqlx::Transaction<'static, DB>,
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl<DB: sqlx::Database> WriteTx<DB> {
    /// Commits the transaction (and gives up the turn).
    pub(crate) async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

impl<DB: sqlx::Database> std::ops::Deref for WriteTx<DB> {
    type Target = DB::Connection;

    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl<DB: sqlx::Database> std::ops::DerefMut for WriteTx<DB> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

/// The turn to write to the SQLite database `pool` opens, shared by every pool and import in
/// this process that opens the same file: SQLite lets one writer in at a time, and a writer
/// that waits here waits as long as it takes (in order), where one that waits on the file's
/// lock gives up after the busy timeout.
pub(crate) fn sqlite_write_turn(pool: &SqlitePool) -> std::sync::Arc<tokio::sync::Mutex<()>> {
    type Turns =
        std::sync::Mutex<std::collections::HashMap<std::path::PathBuf, std::sync::Arc<tokio::sync::Mutex<()>>>>;
    static TURNS: std::sync::OnceLock<Turns> = std::sync::OnceLock::new();
    let file = pool.connect_options().get_filename().to_owned();
    let mut turns = TURNS.get_or_init(Turns::default).lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    turns.entry(file).or_default().clone()
}

impl Store {
    /// The backend this store runs on.
    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// Closes every connection, waiting for running queries to finish.
    pub async fn close(&self) {
        dispatch!(self, pool => pool.close().await);
    }
}
