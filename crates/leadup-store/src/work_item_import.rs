//! Imports of work items: one transaction per file, so that an import that is abandoned
//! (dropped without [`WorkItemImport::commit`], e.g. a `--strict` import that met a bad row)
//! writes nothing; rows are upserted keyed by team and key, so re-importing a file updates
//! its items instead of duplicating them.
//!
//! The transaction lives in a writer beside the caller, which hands it batches of items, so
//! the database writes while the caller reads the next rows. On SQLite the writer is a
//! thread with a connection of its own (rusqlite) that steps one prepared single-row upsert
//! per item: through sqlx every value would be copied twice and freed on another thread, and
//! each statement would cross threads, which cost a third of an import's time (see
//! BENCHMARKS.md). On PostgreSQL it is a task sending multi-row upserts through the pool.

use std::collections::HashMap;
use std::fmt::Write as _;

use leadup_core::work_item::WorkItem;
use sqlx::error::BoxDynError;
use sqlx::postgres::PgArguments;
use sqlx::{Arguments as _, Postgres};
use time::{OffsetDateTime, UtcOffset};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use crate::connect::SqliteTarget;
use crate::{BeginWrite, Pool, Store, StoreError};

/// Items handed to the writer at a time (on PostgreSQL, rows per `INSERT`: 13 parameters
/// each, well inside its limit).
const BATCH: usize = 1000;
/// Batches that may wait for the writer: enough to keep it busy, little memory.
const QUEUED: usize = 4;
const COLUMNS: &str = "team_id, key, title, kind, status, category, created_at, started_at, done_at, estimate, \
                       parent, labels, milestone";
const PARAMS_PER_ROW: usize = 13;
/// Whether the team exists (0 or 1) and how many items it has.
const COUNTS: &str =
    "SELECT (SELECT COUNT(*) FROM teams WHERE id = $1), (SELECT COUNT(*) FROM work_items WHERE team_id = $1)";
const COUNT_ITEMS: &str = "SELECT COUNT(*) FROM work_items WHERE team_id = $1";

/// What an import changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// Items that were new to the team.
    pub inserted: u64,
    /// Rows that replaced an item the team already had (a key seen twice in one import
    /// counts once as inserted and once as updated).
    pub updated: u64,
}

/// An item ready to write, its labels joined as stored (on the caller's side, so that the
/// writer only writes).
struct Row {
    item: WorkItem,
    labels: String,
}

enum Message {
    Write(Vec<Row>),
    Commit,
}

/// What the writer returns: the team's item count once committed, `None` if the import was
/// abandoned and rolled back.
type Writer = JoinHandle<Result<Option<i64>, StoreError>>;

/// An import of work items into one team, in one transaction. Call
/// [`upsert`](Self::upsert) per item, then [`commit`](Self::commit); dropping it instead
/// rolls everything back.
pub struct WorkItemImport {
    team_id: i64,
    before: i64,
    written: u64,
    pending: Vec<Row>,
    sender: mpsc::Sender<Message>,
    /// Batches the writer has written and handed back, to be reused: clearing them frees
    /// the rows on this side, off the writer's thread (the import's bottleneck).
    written_batches: std::sync::mpsc::Receiver<Vec<Row>>,
    writer: Writer,
}

/// The team an import writes into.
#[derive(Debug, Clone)]
enum Target {
    /// A stored team.
    Team(i64),
    /// A team created by the import, in its transaction: it exists only if the import
    /// commits (named so; nobody holds a role in it yet).
    New { name: String },
}

impl Store {
    /// Starts an import into team `team_id`: waits for the write lock like any write, and
    /// fails with "team not found" if there is no such team.
    pub async fn begin_import(&self, team_id: i64) -> Result<WorkItemImport, StoreError> {
        self.start_import(Target::Team(team_id)).await
    }

    /// Starts an import into a new team called `name`, created in the
    /// import's transaction: if the import does not commit (it is rolled back, fails, or the
    /// process is killed), there is no such team. A team of that name already existing is
    /// an error naming `team`.
    pub async fn begin_import_into_new_team(&self, name: &str) -> Result<WorkItemImport, StoreError> {
        self.start_import(Target::New { name: name.to_owned() }).await
    }

    async fn start_import(&self, into: Target) -> Result<WorkItemImport, StoreError> {
        let (sender, messages) = mpsc::channel(QUEUED);
        let (started, before) = oneshot::channel();
        let (hand_back, written_batches) = std::sync::mpsc::channel();
        let mut writer = match &self.pool {
            Pool::Sqlite(pool) => {
                let target = SqliteTarget::of(pool).await?;
                // The import is one long write: it holds the process's turn until it ends, so
                // other writes wait for it instead of timing out on the file's lock.
                let turn = crate::sqlite_write_turn(pool).lock_owned().await;
                tokio::task::spawn_blocking(move || {
                    let written = write_sqlite(&target, &into, started, messages, &hand_back);
                    drop(turn);
                    written
                })
            }
            Pool::Postgres(pool) => {
                let tx = pool.begin_write().await?;
                tokio::spawn(write_postgres(tx, into, started, messages))
            }
        };
        let Ok((team_id, before)) = before.await else { return Err(failure(&mut writer).await) };
        Ok(WorkItemImport {
            team_id,
            before,
            written: 0,
            pending: Vec::with_capacity(BATCH),
            sender,
            written_batches,
            writer,
        })
    }
}

/// What is said of a new team's name that is taken.
fn name_taken(name: &str) -> StoreError {
    StoreError::invalid("team", format!("a team named '{name}' already exists"))
}

impl WorkItemImport {
    /// The team the import writes into (a new team's id, once it commits).
    pub fn team_id(&self) -> i64 {
        self.team_id
    }

    /// Adds or replaces the item with `item.key` in this team; a key given twice keeps its
    /// last version. Written in batches.
    pub async fn upsert(&mut self, mut item: WorkItem) -> Result<(), StoreError> {
        self.written += 1;
        let labels = join_labels(&std::mem::take(&mut item.labels));
        self.pending.push(Row { item, labels });
        if self.pending.len() >= BATCH {
            self.flush().await?;
        }
        Ok(())
    }

    /// Writes what is pending, commits, and says what changed.
    pub async fn commit(mut self) -> Result<ImportSummary, StoreError> {
        self.flush().await?;
        if self.sender.send(Message::Commit).await.is_err() {
            return Err(failure(&mut self.writer).await);
        }
        drop(self.sender);
        let after = self.writer.await.map_err(|e| StoreError::Corrupt(format!("the import writer stopped: {e}")))??;
        let after = after.ok_or_else(|| StoreError::Corrupt("the import writer ended without committing".into()))?;
        let inserted = (after - self.before).unsigned_abs();
        Ok(ImportSummary { inserted, updated: self.written - inserted })
    }

    /// Abandons the import: nothing it wrote stays. (Dropping it does the same, without
    /// waiting for the rollback to finish.)
    pub async fn rollback(self) {
        drop(self.sender);
        // The writer rolls back when its channel closes; an error here changes nothing.
        let _ = self.writer.await;
    }

    /// Hands what is pending to the writer.
    async fn flush(&mut self) -> Result<(), StoreError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let next = match self.written_batches.try_recv() {
            Ok(mut batch) => {
                batch.clear();
                batch
            }
            Err(_) => Vec::with_capacity(BATCH),
        };
        let rows = std::mem::replace(&mut self.pending, next);
        if self.sender.send(Message::Write(rows)).await.is_err() {
            return Err(failure(&mut self.writer).await);
        }
        Ok(())
    }
}

/// The error that stopped the writer early.
async fn failure(writer: &mut Writer) -> StoreError {
    match writer.await {
        Ok(Err(error)) => error,
        Ok(Ok(_)) => StoreError::Corrupt("the import writer ended early".into()),
        Err(error) => StoreError::Corrupt(format!("the import writer stopped: {error}")),
    }
}

/// The SQLite writer, on a thread of its own: opens the transaction, reports the team's item
/// count through `started`, upserts every row it is sent (handing each written batch back),
/// and commits when told to (returning the team's item count) or rolls back when the import
/// is dropped.
fn write_sqlite(
    target: &SqliteTarget,
    into: &Target,
    started: oneshot::Sender<(i64, i64)>,
    mut messages: mpsc::Receiver<Message>,
    hand_back: &std::sync::mpsc::Sender<Vec<Row>>,
) -> Result<Option<i64>, StoreError> {
    let mut connection = target.open()?;
    let tx = connection.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let team_id = match into {
        Target::Team(id) => *id,
        Target::New { name } => {
            let taken: i64 = tx.query_row("SELECT COUNT(*) FROM teams WHERE name = ?1", [name], |row| row.get(0))?;
            if taken > 0 {
                return Err(name_taken(name));
            }
            tx.query_row("INSERT INTO teams (name) VALUES (?1) RETURNING id", [name], |row| row.get(0))?
        }
    };
    let (exists, before): (i64, i64) = tx.query_row(COUNTS, [team_id], |row| Ok((row.get(0)?, row.get(1)?)))?;
    if exists == 0 {
        return Err(StoreError::not_found("team", team_id));
    }
    if started.send((team_id, before)).is_err() {
        return Ok(None);
    }
    let committing = {
        let mut upsert = tx.prepare(&upsert_sql(1))?;
        loop {
            match messages.blocking_recv() {
                Some(Message::Write(rows)) => {
                    for Row { item, labels } in &rows {
                        upsert.execute(rusqlite::params![
                            team_id,
                            item.key,
                            item.title,
                            item.kind,
                            item.status,
                            item.category.as_str(),
                            item.created.map(OffsetDateTime::unix_timestamp),
                            item.started.map(OffsetDateTime::unix_timestamp),
                            item.done.map(OffsetDateTime::unix_timestamp),
                            item.estimate,
                            item.parent,
                            labels,
                            item.milestone,
                        ])?;
                    }
                    // The import may be ending; then the batch is simply freed here.
                    let _ = hand_back.send(rows);
                }
                Some(Message::Commit) => break true,
                None => break false,
            }
        }
    };
    if !committing {
        return Ok(None); // Dropping the transaction rolls it back.
    }
    let after = tx.query_row(COUNT_ITEMS, [team_id], |row| row.get(0))?;
    tx.commit()?;
    Ok(Some(after))
}

/// The PostgreSQL writer, a task: like [`write_sqlite`], with a multi-row upsert per batch.
async fn write_postgres(
    mut tx: crate::WriteTx<Postgres>,
    into: Target,
    started: oneshot::Sender<(i64, i64)>,
    mut messages: mpsc::Receiver<Message>,
) -> Result<Option<i64>, StoreError> {
    let team_id = match into {
        Target::Team(id) => id,
        Target::New { name } => {
            let taken: Option<i64> =
                sqlx::query_scalar("SELECT id FROM teams WHERE name = $1").bind(&name).fetch_optional(&mut *tx).await?;
            if taken.is_some() {
                return Err(name_taken(&name));
            }
            sqlx::query_scalar("INSERT INTO teams (name) VALUES ($1) RETURNING id")
                .bind(&name)
                .fetch_one(&mut *tx)
                .await?
        }
    };
    let (exists, before): (i64, i64) = sqlx::query_as(COUNTS).bind(team_id).fetch_one(&mut *tx).await?;
    if exists == 0 {
        return Err(StoreError::not_found("team", team_id));
    }
    if started.send((team_id, before)).is_err() {
        return Ok(None);
    }
    while let Some(message) = messages.recv().await {
        match message {
            Message::Write(rows) => {
                let rows = last_of_each_key(rows);
                let sql = upsert_sql(rows.len());
                let args = encode(team_id, rows).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                sqlx::query_with(&sql, args).execute(&mut *tx).await?;
            }
            Message::Commit => {
                let after = sqlx::query_scalar(COUNT_ITEMS).bind(team_id).fetch_one(&mut *tx).await?;
                tx.commit().await?;
                return Ok(Some(after));
            }
        }
    }
    Ok(None)
}

/// `rows` with each key once, in its last version, where the key first came: PostgreSQL
/// refuses to update one row twice in a statement.
fn last_of_each_key(rows: Vec<Row>) -> Vec<Row> {
    let mut kept: Vec<Row> = Vec::with_capacity(rows.len());
    let mut places: HashMap<String, usize> = HashMap::with_capacity(rows.len());
    for row in rows {
        if let Some(&place) = places.get(&row.item.key) {
            kept[place] = row;
        } else {
            places.insert(row.item.key.clone(), kept.len());
            kept.push(row);
        }
    }
    kept
}

/// Every row's values, in `COLUMNS` order.
fn encode(team_id: i64, rows: Vec<Row>) -> Result<PgArguments, BoxDynError> {
    let mut args = PgArguments::default();
    for Row { item, labels } in rows {
        args.add(team_id)?;
        args.add(item.key)?;
        args.add(item.title)?;
        args.add(item.kind)?;
        args.add(item.status)?;
        args.add(item.category.as_str())?;
        args.add(item.created.map(utc))?;
        args.add(item.started.map(utc))?;
        args.add(item.done.map(utc))?;
        args.add(item.estimate)?;
        args.add(item.parent)?;
        args.add(labels)?;
        args.add(item.milestone)?;
    }
    Ok(args)
}

/// The upsert of `rows` rows, with numbered placeholders.
fn upsert_sql(rows: usize) -> String {
    let mut sql = format!("INSERT INTO work_items ({COLUMNS}) VALUES ");
    for row in 0..rows {
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for column in 0..PARAMS_PER_ROW {
            if column > 0 {
                sql.push_str(", ");
            }
            write!(sql, "${}", row * PARAMS_PER_ROW + column + 1).expect("writing to a String cannot fail");
        }
        sql.push(')');
    }
    sql.push_str(
        " ON CONFLICT (team_id, key) DO UPDATE SET title = excluded.title, kind = excluded.kind, \
         status = excluded.status, category = excluded.category, created_at = excluded.created_at, \
         started_at = excluded.started_at, done_at = excluded.done_at, estimate = excluded.estimate, \
         parent = excluded.parent, labels = excluded.labels, milestone = excluded.milestone",
    );
    sql
}

/// The instant in UTC, to the whole second: what PostgreSQL keeps of an item's times
/// (SQLite keeps Unix seconds).
fn utc(time: OffsetDateTime) -> OffsetDateTime {
    time.to_offset(UtcOffset::UTC).replace_nanosecond(0).expect("0 is a valid nanosecond")
}

/// Labels joined by newlines; a newline inside a label becomes a space.
fn join_labels(labels: &[String]) -> String {
    labels.iter().map(|label| label.replace('\n', " ")).collect::<Vec<_>>().join("\n")
}
