//! Work items imported from trackers, and the rules that attach them to initiatives.
//!
//! Imports go through a [`WorkItemImport`]: one transaction per file, rows upserted in
//! batches of multi-row `INSERT ... ON CONFLICT (team_id, key) DO UPDATE`, so re-importing
//! a file updates its items instead of duplicating them, and an import that is abandoned
//! (dropped without [`WorkItemImport::commit`], e.g. a `--strict` import that met a bad row)
//! writes nothing.

use std::collections::HashMap;
use std::fmt::Write as _;

use leadup_core::work_item::{AttachRule, RuleKind, StatusCategory, WorkItem};
use sqlx::error::BoxDynError;
use sqlx::postgres::PgArguments;
use sqlx::sqlite::SqliteArguments;
use sqlx::{Arguments as _, Postgres, Sqlite, Transaction};
use time::{OffsetDateTime, UtcOffset};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::{BeginWrite, Pool, Store, StoreError, dispatch};

/// Rows per `INSERT` statement: 13 parameters each, well inside both backends' limits.
const BATCH: usize = 1000;
const COLUMNS: &str = "team_id, key, title, kind, status, category, created_at, started_at, done_at, estimate, \
                       parent, labels, milestone";
const PARAMS_PER_ROW: usize = 13;
const SELECT_ITEMS: &str = "SELECT key, title, kind, status, category, created_at, started_at, done_at, estimate, \
                            parent, labels, milestone FROM work_items";

/// What an import changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// Items that were new to the team.
    pub inserted: u64,
    /// Rows that replaced an item the team already had (a key seen twice in one import
    /// counts once as inserted and once as updated).
    pub updated: u64,
}

/// A write transaction on either backend.
pub(crate) enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// Runs the same block on whichever transaction is given (see `dispatch!`).
macro_rules! on_tx {
    ($tx:expr, $inner:ident => $body:expr) => {
        match $tx {
            $crate::work_items::Tx::Sqlite($inner) => $body,
            $crate::work_items::Tx::Postgres($inner) => $body,
        }
    };
}
pub(crate) use on_tx;

/// A batch of rows, encoded for its backend, and the statement that writes it.
enum Batch {
    Sqlite(String, SqliteArguments<'static>),
    Postgres(String, PgArguments),
}

enum Message {
    Write(Batch),
    Commit,
}

/// An import of work items into one team, in one transaction. Call
/// [`upsert`](Self::upsert) per item, then [`commit`](Self::commit); dropping it instead
/// rolls everything back.
///
/// The transaction lives in a writer task, so that the database writes one batch while the
/// caller reads and encodes the next.
pub struct WorkItemImport {
    team_id: i64,
    postgres: bool,
    before: i64,
    written: u64,
    pending: Vec<WorkItem>,
    pending_keys: HashMap<String, usize>,
    sender: mpsc::Sender<Message>,
    writer: JoinHandle<Result<Option<i64>, StoreError>>,
}

impl Store {
    /// Starts an import into team `team_id`.
    pub async fn begin_import(&self, team_id: i64) -> Result<WorkItemImport, StoreError> {
        let mut tx = match &self.pool {
            Pool::Sqlite(pool) => Tx::Sqlite(pool.begin_write().await?),
            Pool::Postgres(pool) => Tx::Postgres(pool.begin_write().await?),
        };
        let (exists, before) = counts(&mut tx, team_id).await?;
        if exists == 0 {
            return Err(StoreError::not_found("team", team_id));
        }
        let postgres = matches!(tx, Tx::Postgres(_));
        let (sender, messages) = mpsc::channel(2);
        Ok(WorkItemImport {
            team_id,
            postgres,
            before,
            written: 0,
            pending: Vec::with_capacity(BATCH),
            pending_keys: HashMap::with_capacity(BATCH),
            sender,
            writer: tokio::spawn(write(tx, team_id, messages)),
        })
    }

    /// Every work item of team `team_id`, in import order.
    pub async fn work_items(&self, team_id: i64) -> Result<Vec<WorkItem>, StoreError> {
        let rows: Vec<WorkItemRow> = dispatch!(self, pool => {
            sqlx::query_as(&format!("{SELECT_ITEMS} WHERE team_id = $1 ORDER BY id")).bind(team_id).fetch_all(pool).await?
        });
        rows.into_iter().map(WorkItemRow::into_item).collect()
    }

    /// How many work items team `team_id` has.
    pub async fn work_item_count(&self, team_id: i64) -> Result<u64, StoreError> {
        let count: i64 = dispatch!(self, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM work_items WHERE team_id = $1").bind(team_id).fetch_one(pool).await?
        });
        Ok(count.unsigned_abs())
    }

    /// When each of team `team_id`'s finished items was done, oldest first.
    pub async fn done_times(&self, team_id: i64) -> Result<Vec<OffsetDateTime>, StoreError> {
        Ok(dispatch!(self, pool => {
            sqlx::query_scalar(
                "SELECT done_at FROM work_items WHERE team_id = $1 AND done_at IS NOT NULL ORDER BY done_at",
            )
            .bind(team_id)
            .fetch_all(pool)
            .await?
        }))
    }

    /// The rules that attach work items to initiative `initiative_id`, sorted.
    pub async fn initiative_rules(&self, initiative_id: i64) -> Result<Vec<AttachRule>, StoreError> {
        let rows: Vec<(i64, Option<String>, Option<String>)> = dispatch!(self, pool => {
            sqlx::query_as(
                "SELECT i.id, r.kind, r.value FROM initiatives i \
                 LEFT JOIN initiative_rules r ON r.initiative_id = i.id WHERE i.id = $1 ORDER BY r.kind, r.value",
            )
            .bind(initiative_id)
            .fetch_all(pool)
            .await?
        });
        if rows.is_empty() {
            return Err(StoreError::not_found("initiative", initiative_id));
        }
        let mut rules = rows
            .into_iter()
            .filter_map(|(_, kind, value)| Some((kind?, value?)))
            .map(|(kind, value)| {
                let kind = RuleKind::parse(&kind).ok_or_else(|| StoreError::Corrupt(format!("rule kind '{kind}'")))?;
                Ok(AttachRule { kind, value })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        rules.sort();
        Ok(rules)
    }

    /// Replaces initiative `initiative_id`'s attach rules with `rules` (duplicates dropped).
    pub async fn set_initiative_rules(&self, initiative_id: i64, rules: &[AttachRule]) -> Result<(), StoreError> {
        let mut rules = rules.to_vec();
        rules.sort();
        rules.dedup();
        dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let found: Option<i64> = sqlx::query_scalar("SELECT id FROM initiatives WHERE id = $1")
                .bind(initiative_id).fetch_optional(&mut *tx).await?;
            if found.is_none() {
                return Err(StoreError::not_found("initiative", initiative_id));
            }
            sqlx::query("DELETE FROM initiative_rules WHERE initiative_id = $1").bind(initiative_id)
                .execute(&mut *tx).await?;
            for rule in &rules {
                sqlx::query("INSERT INTO initiative_rules (initiative_id, kind, value) VALUES ($1, $2, $3)")
                    .bind(initiative_id).bind(rule.kind.as_str()).bind(&rule.value)
                    .execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    /// The work items attached to initiative `initiative_id`: those of its team that match
    /// any of its rules, in import order. An initiative without rules has none.
    pub async fn initiative_work_items(&self, initiative_id: i64) -> Result<Vec<WorkItem>, StoreError> {
        let rules = self.initiative_rules(initiative_id).await?;
        if rules.is_empty() {
            return Ok(Vec::new());
        }
        let team_id: i64 = dispatch!(self, pool => {
            sqlx::query_scalar("SELECT team_id FROM initiatives WHERE id = $1").bind(initiative_id).fetch_one(pool).await?
        });
        let mut items = self.work_items(team_id).await?;
        items.retain(|item| rules.iter().any(|rule| rule.matches(item)));
        Ok(items)
    }
}

impl WorkItemImport {
    /// Adds or replaces the item with `item.key` in this team. Written in batches; a key
    /// repeated within a batch keeps its last version.
    pub async fn upsert(&mut self, item: WorkItem) -> Result<(), StoreError> {
        self.written += 1;
        if let Some(&index) = self.pending_keys.get(&item.key) {
            self.pending[index] = item;
        } else {
            self.pending_keys.insert(item.key.clone(), self.pending.len());
            self.pending.push(item);
        }
        if self.pending.len() >= BATCH {
            self.flush().await?;
        }
        Ok(())
    }

    /// Writes what is pending, commits, and says what changed.
    pub async fn commit(mut self) -> Result<ImportSummary, StoreError> {
        self.flush().await?;
        if self.sender.send(Message::Commit).await.is_err() {
            return Err(self.writer_failure().await);
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

    /// Encodes what is pending and hands it to the writer.
    async fn flush(&mut self) -> Result<(), StoreError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        self.pending_keys.clear();
        let items = std::mem::replace(&mut self.pending, Vec::with_capacity(BATCH));
        let batch = encode(self.team_id, self.postgres, items).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        if self.sender.send(Message::Write(batch)).await.is_err() {
            return Err(self.writer_failure().await);
        }
        Ok(())
    }

    /// The error that stopped the writer.
    async fn writer_failure(&mut self) -> StoreError {
        match (&mut self.writer).await {
            Ok(Err(error)) => error,
            Ok(Ok(_)) => StoreError::Corrupt("the import writer ended early".into()),
            Err(error) => StoreError::Corrupt(format!("the import writer stopped: {error}")),
        }
    }
}

/// The writer task: executes batches in the transaction until told to commit (returning the
/// team's item count before committing) or until the import is dropped (rolling back).
async fn write(mut tx: Tx, team_id: i64, mut messages: mpsc::Receiver<Message>) -> Result<Option<i64>, StoreError> {
    while let Some(message) = messages.recv().await {
        match (message, &mut tx) {
            (Message::Write(Batch::Sqlite(sql, args)), Tx::Sqlite(tx)) => {
                sqlx::query_with(&sql, args).execute(&mut **tx).await?;
            }
            (Message::Write(Batch::Postgres(sql, args)), Tx::Postgres(tx)) => {
                sqlx::query_with(&sql, args).execute(&mut **tx).await?;
            }
            (Message::Write(_), _) => return Err(StoreError::Corrupt("a batch encoded for the other backend".into())),
            (Message::Commit, _) => {
                let (_, after) = counts(&mut tx, team_id).await?;
                on_tx!(tx, tx => tx.commit().await?);
                return Ok(Some(after));
            }
        }
    }
    Ok(None)
}

/// Whether team `team_id` exists (0 or 1) and how many work items it has.
async fn counts(tx: &mut Tx, team_id: i64) -> Result<(i64, i64), StoreError> {
    Ok(on_tx!(tx, tx => {
        sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM teams WHERE id = $1), (SELECT COUNT(*) FROM work_items WHERE team_id = $1)",
        )
        .bind(team_id)
        .fetch_one(&mut **tx)
        .await?
    }))
}

/// Encodes `items` as one multi-row upsert for the backend.
fn encode(team_id: i64, postgres: bool, items: Vec<WorkItem>) -> Result<Batch, BoxDynError> {
    /// Adds every item's values to `$args`, in `COLUMNS` order.
    macro_rules! add_all {
        ($args:expr, $time:expr) => {{
            let mut args = $args;
            for item in items {
                let labels = join_labels(&item.labels);
                args.add(team_id)?;
                args.add(item.key)?;
                args.add(item.title)?;
                args.add(item.kind)?;
                args.add(item.status)?;
                args.add(item.category.as_str())?;
                args.add(item.created.map($time))?;
                args.add(item.started.map($time))?;
                args.add(item.done.map($time))?;
                args.add(item.estimate)?;
                args.add(item.parent)?;
                args.add(labels)?;
                args.add(item.milestone)?;
            }
            args
        }};
    }
    let sql = upsert_sql(items.len(), postgres);
    Ok(if postgres {
        Batch::Postgres(sql, add_all!(PgArguments::default(), utc))
    } else {
        // SQLite keeps times as Unix seconds: smaller rows, and faster to write than text.
        Batch::Sqlite(sql, add_all!(SqliteArguments::default(), OffsetDateTime::unix_timestamp))
    })
}

/// The upsert of `rows` rows. SQLite gets anonymous `?` placeholders: it looks numbered ones
/// up by walking a list, which makes binding thousands of them quadratic.
fn upsert_sql(rows: usize, numbered: bool) -> String {
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
            if numbered {
                write!(sql, "${}", row * PARAMS_PER_ROW + column + 1).expect("writing to a String cannot fail");
            } else {
                sql.push('?');
            }
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

/// The instant in UTC, to the whole second: what both backends keep of an item's times.
fn utc(time: OffsetDateTime) -> OffsetDateTime {
    time.to_offset(UtcOffset::UTC).replace_nanosecond(0).expect("0 is a valid nanosecond")
}

/// Labels joined by newlines; a newline inside a label becomes a space.
fn join_labels(labels: &[String]) -> String {
    labels.iter().map(|label| label.replace('\n', " ")).collect::<Vec<_>>().join("\n")
}

#[derive(sqlx::FromRow)]
struct WorkItemRow {
    key: String,
    title: String,
    kind: String,
    status: String,
    category: String,
    created_at: Option<OffsetDateTime>,
    started_at: Option<OffsetDateTime>,
    done_at: Option<OffsetDateTime>,
    estimate: Option<f64>,
    parent: Option<String>,
    labels: String,
    milestone: Option<String>,
}

impl WorkItemRow {
    fn into_item(self) -> Result<WorkItem, StoreError> {
        let category = StatusCategory::parse(&self.category)
            .ok_or_else(|| StoreError::Corrupt(format!("work item {}: category '{}'", self.key, self.category)))?;
        Ok(WorkItem {
            key: self.key,
            title: self.title,
            kind: self.kind,
            status: self.status,
            category,
            created: self.created_at,
            started: self.started_at,
            done: self.done_at,
            estimate: self.estimate,
            parent: self.parent,
            labels: if self.labels.is_empty() {
                Vec::new()
            } else {
                self.labels.split('\n').map(str::to_owned).collect()
            },
            milestone: self.milestone,
        })
    }
}
