//! Copying a whole workspace from one database to another, on either backend, and the
//! checks around it: what `leadup migrate`, `leadup backup` and `leadup restore` are made of
//! (their service is `leadup_app::backup`).
//!
//! Nothing here names a table. The tables, their columns and types, their primary keys, id
//! sequences and foreign keys are read from each database's catalog ([`catalog`]), so a table a
//! later migration adds is copied like the others. Only sqlx's migrations bookkeeping is left
//! out: each side has its own, and both must be those of this leadup ([`check_migrations`]).
//!
//! A copy reads the source inside one read transaction (a snapshot: a server may keep writing
//! during a backup) in batches of a few MiB, converts each value to how the target's column
//! stores it ([`value`]), and writes multi-row inserts in table order by foreign key, all in
//! one write transaction on the target: a copy that fails leaves the target as empty as it
//! was, and memory holds one batch whatever the size of a table. Ids are kept, and the target's
//! id sequences are moved past the largest id the source handed out, so new rows get new ids.

mod catalog;
mod postgres;
mod snapshot;
mod sqlite;
mod value;

use std::collections::BTreeMap;

pub use snapshot::{backup_file, integrity_check, open_backup};

use catalog::{Catalog, Column, Kind, Table, quoted};
use postgres::{PgReader, PgWriter};
use sqlite::{SqliteReader, SqliteWriter};
use value::Value;

use crate::{Pool, Store, StoreError};

/// Why a copy, a backup or a restore did not happen. Nothing was written to the target.
#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    /// The target already holds data.
    #[error(
        "the target database is not empty: table {table} holds {rows} {}; copy only into an empty database",
        if *.rows == 1 { "row" } else { "rows" }
    )]
    NotEmpty {
        /// The first table found with rows.
        table: String,
        /// How many.
        rows: u64,
    },
    /// The two databases do not have the same tables and columns, or a table cannot be copied.
    #[error("the databases do not match: {0}")]
    Schema(String),
    /// A value the target cannot hold as it is.
    #[error("table {table}, row {row}, column {column}: {reason}")]
    Value {
        /// The table.
        table: String,
        /// The row, by its key.
        row: String,
        /// The column, with its type.
        column: String,
        /// What is wrong with the value.
        reason: String,
    },
    /// Writing into a table failed.
    #[error("writing table {table} failed: {source}")]
    Insert {
        /// The table.
        table: String,
        /// The database's error.
        source: sqlx::Error,
    },
    /// A backup file that cannot be restored.
    #[error("{path} is not a usable leadup backup: {reason}")]
    BadBackup {
        /// The file.
        path: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Anything else the store reports.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for TransferError {
    fn from(error: sqlx::Error) -> Self {
        Self::Store(StoreError::Database(error))
    }
}

impl TransferError {
    fn insert(table: &str, source: sqlx::Error) -> Self {
        Self::Insert { table: table.to_owned(), source }
    }
}

/// A table and its number of rows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TableRows {
    /// The table's name.
    pub table: String,
    /// Its rows.
    pub rows: u64,
}

/// What a copy copied: every table (in the order copied) with its rows, and the bytes of
/// the values read.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Copied {
    /// Each table with the rows copied.
    pub tables: Vec<TableRows>,
    /// The size of the values copied, in bytes.
    pub bytes: u64,
}

impl Copied {
    /// All rows copied.
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|t| t.rows).sum()
    }
}

/// How far a copy is: rows of `table` copied so far out of `total`.
#[derive(Debug, Clone, Copy)]
pub struct Progress<'a> {
    /// The table being copied.
    pub table: &'a str,
    /// Its rows copied so far.
    pub copied: u64,
    /// Its rows in the source's snapshot.
    pub total: u64,
}

/// How many bytes of values a batch holds at most (one batch is in memory at a time).
const BATCH_BYTES: u64 = 4 << 20;
/// How many rows a batch holds at most.
const BATCH_ROWS: usize = 2_000;

/// One side a copy reads from, inside one snapshot.
pub(crate) trait Reader {
    async fn catalog(&mut self) -> Result<Catalog, TransferError>;
    async fn count(&mut self, table: &str) -> Result<u64, TransferError>;
    /// The largest id the table's sequence handed out, if it has one.
    async fn high_water(&mut self, table: &Table) -> Result<Option<i64>, TransferError>;
    /// Starts reading `columns` of `table`, in key order.
    async fn start(&mut self, table: &Table, columns: &[Column]) -> Result<(), TransferError>;
    /// The next rows (each with a label naming it), none at the end.
    async fn next(&mut self, limit: usize) -> Result<Vec<(String, Vec<Value>)>, TransferError>;
}

/// The side a copy writes to, inside one transaction.
pub(crate) trait Writer: Sized {
    const MAX_BINDS: usize;
    async fn catalog(&mut self) -> Result<Catalog, TransferError>;
    async fn count(&mut self, table: &str) -> Result<u64, TransferError>;
    /// At most `limit` rows of `table`, in its columns' order.
    async fn rows(&mut self, table: &Table, limit: usize) -> Result<Vec<Vec<Value>>, TransferError>;
    /// `value` as `column` holds it on this backend.
    fn convert(value: Value, column: &Column) -> Result<Value, String>;
    async fn clear(&mut self, table: &str) -> Result<(), TransferError>;
    async fn insert(&mut self, table: &Table, columns: &[Column], rows: Vec<Vec<Value>>) -> Result<(), TransferError>;
    /// Moves the table's id sequence past its largest id and `high_water`.
    async fn advance_ids(&mut self, table: &Table, high_water: Option<i64>) -> Result<(), TransferError>;
    async fn commit(self) -> Result<(), TransferError>;
}

/// How a statement names its parameters.
#[derive(Clone, Copy)]
enum Placeholders {
    /// `$1`, `$2`, …: PostgreSQL's.
    Numbered,
    /// `?`: SQLite's anonymous parameters. Not `$N`, which SQLite also reads: it finds a
    /// numbered parameter's name by a scan of every name in the statement, and sqlx asks for
    /// each parameter's name, so binding a batch of 30,000 numbered parameters took time in
    /// the square of their number (a PostgreSQL backup of 1,000,000 rows into a SQLite file ran
    /// for over ten minutes).
    Anonymous,
}

/// `INSERT INTO table (columns){overriding} VALUES (…), (…)` for `rows` rows.
fn insert_sql(table: &str, columns: &[Column], rows: usize, overriding: &str, placeholders: Placeholders) -> String {
    let names = columns.iter().map(|c| quoted(&c.name)).collect::<Vec<_>>().join(", ");
    let mut sql = format!("INSERT INTO {} ({names}){overriding} VALUES ", quoted(table));
    let mut n = 0;
    for row in 0..rows {
        sql.push_str(if row == 0 { "(" } else { ", (" });
        for column in 0..columns.len() {
            n += 1;
            if column > 0 {
                sql.push_str(", ");
            }
            match placeholders {
                Placeholders::Numbered => {
                    sql.push('$');
                    sql.push_str(&n.to_string());
                }
                Placeholders::Anonymous => sql.push('?'),
            }
        }
        sql.push(')');
    }
    sql
}

/// Copies every row of every table of `source` into `target`, which must be empty (no rows
/// but those its migrations put there) and have the same tables and columns; both must carry
/// all of this leadup's migrations. `progress` hears after every batch.
pub async fn copy(
    source: &Store,
    target: &Store,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<Copied, TransferError> {
    check_migrations(source, "the source").await?;
    check_migrations(target, "the target").await?;
    let seeds = seed_rows().await?;
    macro_rules! run {
        ($reader:expr, $writer:expr) => {{
            let mut reader = $reader;
            let mut writer = $writer;
            let copied = copy_tables(&mut reader, &mut writer, &seeds, progress).await?;
            writer.commit().await?;
            copied
        }};
    }
    Ok(match (&source.pool, &target.pool) {
        (Pool::Sqlite(from), Pool::Sqlite(to)) => {
            run!(SqliteReader::begin(from).await?, SqliteWriter::begin(to).await?)
        }
        (Pool::Sqlite(from), Pool::Postgres(to)) => run!(SqliteReader::begin(from).await?, PgWriter::begin(to).await?),
        (Pool::Postgres(from), Pool::Sqlite(to)) => run!(PgReader::begin(from).await?, SqliteWriter::begin(to).await?),
        (Pool::Postgres(from), Pool::Postgres(to)) => run!(PgReader::begin(from).await?, PgWriter::begin(to).await?),
    })
}

async fn copy_tables<R: Reader, W: Writer>(
    reader: &mut R,
    writer: &mut W,
    seeds: &BTreeMap<String, Vec<Vec<Value>>>,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<Copied, TransferError> {
    let from = reader.catalog().await?;
    let to = writer.catalog().await?;
    catalog::check_same_shape(&from, &to)?;
    for table in from.tables.iter().chain(&to.tables) {
        if let Some(column) = table.columns.iter().find(|c| c.kind == Kind::Unsupported) {
            return Err(TransferError::Schema(format!(
                "table {}, column {}: leadup does not know how to copy type {}",
                table.name, column.name, column.declared
            )));
        }
    }
    let order = to.in_reference_order()?;
    let seeded = check_empty(writer, &order, seeds).await?;
    let mut copied = Copied::default();
    for target_table in order {
        let source_table = from.table(&target_table.name).expect("same shape, checked");
        // The source's columns, in the target's order.
        let columns: Vec<Column> = target_table
            .columns
            .iter()
            .map(|c| source_table.columns.iter().find(|s| s.name == c.name).expect("same shape").clone())
            .collect();
        let total = reader.count(&source_table.name).await?;
        if seeded.contains(&target_table.name) {
            writer.clear(&target_table.name).await?;
        }
        reader.start(source_table, &columns).await?;
        let per_insert = (W::MAX_BINDS / columns.len().max(1)).max(1);
        let mut limit = BATCH_ROWS.min(per_insert);
        let mut rows = 0;
        progress(Progress { table: &target_table.name, copied: 0, total });
        loop {
            let batch = reader.next(limit).await?;
            if batch.is_empty() {
                break;
            }
            let mut bytes = 0;
            let mut converted = Vec::with_capacity(batch.len());
            for (label, values) in batch {
                let mut row = Vec::with_capacity(values.len());
                for (value, column) in values.into_iter().zip(&target_table.columns) {
                    bytes += value.size();
                    row.push(W::convert(value, column).map_err(|reason| TransferError::Value {
                        table: target_table.name.clone(),
                        row: label.clone(),
                        column: format!("{} ({})", column.name, column.declared),
                        reason,
                    })?);
                }
                converted.push(row);
            }
            let n = converted.len();
            rows += n as u64;
            copied.bytes += bytes;
            writer.insert(target_table, &target_table.columns, converted).await?;
            progress(Progress { table: &target_table.name, copied: rows, total });
            // Wide rows (briefs, attachments) make smaller batches: memory stays flat.
            let per_row = (bytes / n as u64).max(1);
            limit = ((BATCH_BYTES / per_row) as usize).clamp(1, BATCH_ROWS.min(per_insert));
        }
        if rows != total {
            return Err(TransferError::Schema(format!(
                "table {}: read {rows} rows of the {total} the snapshot holds",
                target_table.name
            )));
        }
        let high_water = reader.high_water(source_table).await?;
        writer.advance_ids(target_table, high_water).await?;
        copied.tables.push(TableRows { table: target_table.name.clone(), rows });
    }
    Ok(copied)
}

/// Refuses a target holding any row but those a freshly migrated database holds (the audit
/// chain's head); returns the tables holding such rows, which the copy replaces.
async fn check_empty<W: Writer>(
    writer: &mut W,
    tables: &[&Table],
    seeds: &BTreeMap<String, Vec<Vec<Value>>>,
) -> Result<Vec<String>, TransferError> {
    let mut seeded = Vec::new();
    for table in tables {
        let rows = writer.count(&table.name).await?;
        if rows == 0 {
            continue;
        }
        let seed = seeds.get(&table.name).map_or(&[][..], Vec::as_slice);
        let fresh = rows == seed.len() as u64 && {
            let stored = writer.rows(table, seed.len()).await?;
            let mut stored: Vec<Vec<Value>> = stored
                .into_iter()
                .map(|row| {
                    row.into_iter()
                        .zip(&table.columns)
                        .map(|(v, c)| v.for_sqlite(c.kind).unwrap_or(Value::Null))
                        .collect()
                })
                .collect();
            let mut seed = seed.to_vec();
            let key = |row: &Vec<Value>| format!("{row:?}");
            stored.sort_by_key(key);
            seed.sort_by_key(key);
            stored == seed
        };
        if !fresh {
            return Err(TransferError::NotEmpty { table: table.name.clone(), rows });
        }
        seeded.push(table.name.clone());
    }
    Ok(seeded)
}

/// The rows migrations put into a new database, by table, as SQLite stores them: read from a
/// freshly migrated in-memory database, so no table is named here either.
async fn seed_rows() -> Result<BTreeMap<String, Vec<Vec<Value>>>, TransferError> {
    let pool = sqlx::sqlite::SqlitePoolOptions::new().max_connections(1).connect("sqlite::memory:").await?;
    sqlx::migrate!("migrations/sqlite").run(&pool).await.map_err(StoreError::Migrate)?;
    let mut writer = SqliteWriter::begin(&pool).await?;
    let catalog = writer.catalog().await?;
    let mut seeds = BTreeMap::new();
    for table in &catalog.tables {
        let rows = writer.rows(table, 1_000).await?;
        if !rows.is_empty() {
            seeds.insert(table.name.clone(), rows);
        }
    }
    drop(writer);
    pool.close().await;
    Ok(seeds)
}

/// Every table of `store` (but the migrations bookkeeping) with its rows, by name.
pub async fn row_counts(store: &Store) -> Result<Vec<TableRows>, TransferError> {
    async fn counts<R: Reader>(mut reader: R) -> Result<Vec<TableRows>, TransferError> {
        let catalog = reader.catalog().await?;
        let mut out = Vec::with_capacity(catalog.tables.len());
        for table in &catalog.tables {
            out.push(TableRows { table: table.name.clone(), rows: reader.count(&table.name).await? });
        }
        Ok(out)
    }
    match &store.pool {
        Pool::Sqlite(pool) => counts(SqliteReader::begin(pool).await?).await,
        Pool::Postgres(pool) => counts(PgReader::begin(pool).await?).await,
    }
}

/// Checks that `store` carries exactly this leadup's migrations for its backend, all applied.
pub async fn check_migrations(store: &Store, which: &str) -> Result<(), TransferError> {
    let (expected, applied): (Vec<i64>, Vec<(i64, bool)>) = match &store.pool {
        Pool::Sqlite(pool) => (
            sqlx::migrate!("migrations/sqlite").iter().map(|m| m.version).collect(),
            sqlx::query_as("SELECT version, success FROM _sqlx_migrations ORDER BY version").fetch_all(pool).await?,
        ),
        Pool::Postgres(pool) => (
            sqlx::migrate!("migrations/postgres").iter().map(|m| m.version).collect(),
            sqlx::query_as("SELECT version, success FROM _sqlx_migrations ORDER BY version").fetch_all(pool).await?,
        ),
    };
    let versions: Vec<i64> = applied.iter().map(|(v, _)| *v).collect();
    if let Some((version, _)) = applied.iter().find(|(_, ok)| !ok) {
        return Err(TransferError::Schema(format!("{which}'s migration {version} failed part way")));
    }
    if versions != expected {
        let last = |v: &[i64]| v.last().copied().unwrap_or(0);
        return Err(TransferError::Schema(format!(
            "{which} is at migration {} but this leadup's schema is at migration {}: use the leadup that wrote it",
            last(&versions),
            last(&expected)
        )));
    }
    Ok(())
}

/// Opens the database at `url` as the target of a copy: refused when it holds tables that
/// are not leadup's (leadup would otherwise add its own next to them), then migrated.
pub async fn connect_target(url: &str) -> Result<Store, TransferError> {
    use sqlx::Connection;
    let foreign: Option<String> =
        if let Some(path) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
            if std::path::Path::new(path).exists() {
                let mut conn = sqlx::SqliteConnection::connect(url)
                    .await
                    .map_err(|e| StoreError::Unavailable { url: url.to_owned(), reason: e.to_string() })?;
                let names: Vec<String> =
                    sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                        .fetch_all(&mut conn)
                        .await
                        .map_err(|_| StoreError::NotSqlite(path.to_owned()))?;
                conn.close().await?;
                foreign_table(&names)
            } else {
                None
            }
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let mut conn = sqlx::PgConnection::connect(url)
                .await
                .map_err(|e| StoreError::Unavailable { url: crate::redact(url), reason: e.to_string() })?;
            let names: Vec<String> = sqlx::query_scalar(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1",
        )
        .fetch_all(&mut conn)
        .await?;
            conn.close().await?;
            foreign_table(&names)
        } else {
            None
        };
    if let Some(table) = foreign {
        return Err(TransferError::Schema(format!(
            "the target holds table {table} but no leadup schema: give leadup an empty database of its own"
        )));
    }
    Ok(Store::connect(url).await?)
}

/// The first table of a database that leadup never made it, if it holds any table without
/// leadup's migrations bookkeeping.
fn foreign_table(names: &[String]) -> Option<String> {
    if names.iter().any(|n| n == catalog::MIGRATIONS_TABLE) {
        return None;
    }
    names.first().cloned()
}
