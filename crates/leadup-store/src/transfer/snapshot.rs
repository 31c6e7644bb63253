//! SQLite files as backups: a consistent copy of a live SQLite database through SQLite's
//! online backup API, opening a backup file to restore from it (read-only, checked first),
//! and SQLite's own integrity check.

use std::io::Read;
use std::path::Path;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};

use super::catalog::SQLITE_TABLES;
use super::{Copied, TableRows, TransferError, check_migrations};
use crate::connect::SqliteTarget;
use crate::{Pool, Store, StoreError};

impl From<rusqlite::Error> for TransferError {
    fn from(error: rusqlite::Error) -> Self {
        Self::Store(StoreError::Sqlite(error))
    }
}

/// Writes a backup of `source` into the new SQLite file `file` and returns what it holds,
/// counted in the snapshot it was taken from: on SQLite with SQLite's online backup API
/// ([`sqlite_snapshot`]), on PostgreSQL by copying every table inside one `REPEATABLE READ`
/// snapshot into a new SQLite database ([`super::copy`]), which leadup reads back to restore.
/// The file is left in rollback-journal mode, one self-contained file.
pub async fn backup_file(
    source: &Store,
    file: &Path,
    progress: &mut dyn FnMut(super::Progress<'_>),
) -> Result<Copied, TransferError> {
    if source.backend() == crate::Backend::Sqlite {
        let tables = sqlite_snapshot(source, file).await?;
        for t in &tables {
            progress(super::Progress { table: &t.table, copied: t.rows, total: t.rows });
        }
        let bytes = std::fs::metadata(file).map_or(0, |m| m.len());
        return Ok(Copied { tables, bytes });
    }
    let target = Store::connect(&format!("sqlite://{}", file.display())).await?;
    let copied = super::copy(source, &target, progress).await;
    // The copy's write-ahead log (as large as the copy) goes into the file now, rather than
    // when the pool's last connection closes, which it does on its own thread after `close`
    // returns: the journal mode could not be changed while that ran ("database is locked").
    let checkpoint = match &target.pool {
        Pool::Sqlite(pool) => sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(pool).await.map(drop),
        Pool::Postgres(_) => unreachable!("a backup file is SQLite"),
    };
    target.close().await;
    let copied = copied?;
    checkpoint?;
    let file = file.to_owned();
    tokio::task::spawn_blocking(move || -> Result<(), rusqlite::Error> {
        let copy = rusqlite::Connection::open(&file)?;
        copy.busy_timeout(crate::connect::SQLITE_BUSY_TIMEOUT)?;
        // Leaving WAL mode needs the only connection to the file, and SQLite does not wait
        // for it (the busy timeout does not apply): the pool's last connection may still be
        // closing on its own thread, so try again until it has.
        let deadline = std::time::Instant::now() + crate::connect::SQLITE_BUSY_TIMEOUT;
        loop {
            match copy.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(())) {
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if e.code == rusqlite::ErrorCode::DatabaseBusy && std::time::Instant::now() < deadline =>
                {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                done => return done,
            }
        }
    })
    .await
    .expect("the journal mode thread does not panic")?;
    Ok(copied)
}

/// Copies the SQLite database of `source` into the new file `file` with SQLite's online
/// backup API while others keep writing, and counts every table's rows in the same snapshot
/// (a read transaction held across the backup, which the backup copies from). The copy is
/// left in rollback-journal mode, one self-contained file.
async fn sqlite_snapshot(source: &Store, file: &Path) -> Result<Vec<TableRows>, TransferError> {
    let Pool::Sqlite(pool) = &source.pool else {
        return Err(TransferError::Schema("a file-level snapshot is taken of SQLite databases only".into()));
    };
    let database = SqliteTarget::of(pool).await?;
    let file = file.to_owned();
    tokio::task::spawn_blocking(move || -> Result<Vec<TableRows>, TransferError> {
        let source = database.open()?;
        source.execute_batch("BEGIN")?;
        let names: Vec<String> =
            source.prepare(SQLITE_TABLES)?.query_map([], |row| row.get::<_, String>(0))?.collect::<Result<_, _>>()?;
        let mut counts = Vec::with_capacity(names.len());
        for table in names {
            let rows: i64 =
                source.query_row(&format!("SELECT count(*) FROM {}", super::quoted(&table)), [], |r| r.get(0))?;
            counts.push(TableRows { table, rows: rows as u64 });
        }
        let mut copy = rusqlite::Connection::open(&file)?;
        {
            let backup = rusqlite::backup::Backup::new(&source, &mut copy)?;
            // All pages in one step, from the snapshot the counts were read in.
            while backup.step(-1)? != rusqlite::backup::StepResult::Done {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        source.execute_batch("COMMIT")?;
        copy.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))?;
        Ok(counts)
    })
    .await
    .expect("the backup thread does not panic")
}

/// Opens the backup file at `path` read-only, after checking that it is a SQLite database
/// that passes SQLite's integrity and foreign key checks and carries this leadup's
/// migrations; anything else is refused, saying what is wrong.
pub async fn open_backup(path: &Path) -> Result<Store, TransferError> {
    let bad = |reason: String| TransferError::BadBackup { path: path.display().to_string(), reason };
    let mut header = [0_u8; 16];
    std::fs::File::open(path)
        .map_err(|e| bad(e.to_string()))?
        .read_exact(&mut header)
        .map_err(|_| bad("it is too short to be a SQLite database".into()))?;
    if &header != b"SQLite format 3\0" {
        return Err(bad("it is not a SQLite database".into()));
    }
    let options = SqliteConnectOptions::new().filename(path).read_only(true);
    let pool =
        SqlitePoolOptions::new().max_connections(2).connect_with(options).await.map_err(|e| bad(e.to_string()))?;
    let store = Store { pool: Pool::Sqlite(pool) };
    let checked = async {
        integrity_check(&store).await?;
        check_migrations(&store, "the backup").await
    };
    if let Err(error) = checked.await {
        store.close().await;
        return Err(bad(match error {
            TransferError::Store(StoreError::Database(e)) => e.to_string(),
            other => other.to_string(),
        }));
    }
    Ok(store)
}

/// SQLite's `integrity_check` and `foreign_key_check` of the store's database; nothing on
/// PostgreSQL, which checks its pages itself.
pub async fn integrity_check(store: &Store) -> Result<(), TransferError> {
    let Pool::Sqlite(pool) = &store.pool else { return Ok(()) };
    let problems: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check(10)").fetch_all(pool).await?;
    if problems != ["ok"] {
        return Err(StoreError::Corrupt(format!("SQLite's integrity check: {}", problems.join("; "))).into());
    }
    let broken: Vec<(String, Option<i64>, String)> =
        sqlx::query_as("SELECT \"table\", rowid, parent FROM pragma_foreign_key_check").fetch_all(pool).await?;
    if let Some((table, rowid, parent)) = broken.first() {
        return Err(StoreError::Corrupt(format!(
            "{} rows refer to rows that do not exist, the first table {table} row {} to {parent}",
            broken.len(),
            rowid.map_or_else(|| "?".to_owned(), |r| r.to_string())
        ))
        .into());
    }
    Ok(())
}
