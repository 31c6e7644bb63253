//! Opening a store from a URL, with the durability settings leadup promises, and migrating.

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::{Pool, Store, StoreError};

/// The database used when none is given: a SQLite file in the working directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://leadup.db";

/// How long a SQLite connection waits for another writer before giving up.
pub(crate) const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// Page cache per SQLite connection, in KiB (the default is 2 MiB): imports of a million
/// items touch the key index all over.
const SQLITE_CACHE_KIB: u32 = 32 * 1024;

/// SQLite's result code for "file is not a database".
const SQLITE_NOTADB: &str = "26";

impl Store {
    /// Opens the database at `url` (`sqlite://FILE`, created if missing, or
    /// `postgres://...`) and applies any pending migrations.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let pool = if let Some(path) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
            Pool::Sqlite(open_sqlite(url, path).await?)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Pool::Postgres(open_postgres(url).await?)
        } else {
            return Err(StoreError::UnsupportedUrl(redact(url)));
        };
        Ok(Self { pool })
    }
}

async fn open_sqlite(url: &str, path: &str) -> Result<sqlx::SqlitePool, StoreError> {
    let unavailable = |e: sqlx::Error| StoreError::Unavailable { url: url.to_owned(), reason: e.to_string() };
    let options = SqliteConnectOptions::from_str(url)
        .map_err(unavailable)?
        .create_if_missing(true)
        // 8 KiB pages for new files (SQLite's default is 4 KiB): a tenth less work per
        // imported item, measured in BENCHMARKS.md. An existing file keeps its page size.
        .page_size(8192)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(SQLITE_BUSY_TIMEOUT)
        .pragma("cache_size", format!("-{SQLITE_CACHE_KIB}"));
    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(options)
        .await
        .map_err(|e| if is_not_a_database(&e) { StoreError::NotSqlite(path.to_owned()) } else { unavailable(e) })?;
    sqlx::migrate!("migrations/sqlite").run(&pool).await.map_err(|e| match e {
        sqlx::migrate::MigrateError::Execute(inner) if is_not_a_database(&inner) => {
            StoreError::NotSqlite(path.to_owned())
        }
        other => StoreError::Migrate(other),
    })?;
    Ok(pool)
}

/// Where the import writer finds a pool's SQLite database: the file the pool has open (its
/// full path, as SQLite reports it), or for `sqlite::memory:` the pool's shared in-memory
/// database, by the name sqlx gave it.
pub(crate) struct SqliteTarget {
    name: PathBuf,
    in_memory: bool,
}

impl SqliteTarget {
    /// The database behind `pool`.
    pub(crate) async fn of(pool: &sqlx::SqlitePool) -> Result<Self, StoreError> {
        let file: String =
            sqlx::query_scalar("SELECT file FROM pragma_database_list WHERE name = 'main'").fetch_one(pool).await?;
        Ok(if file.is_empty() {
            Self { name: pool.connect_options().get_filename().to_owned(), in_memory: true }
        } else {
            Self { name: file.into(), in_memory: false }
        })
    }

    /// A connection of its own to this database, already created and migrated by
    /// [`open_sqlite`], with the same settings as the pool's: for the import writer, which
    /// steps prepared statements itself (see `work_item_import`). Journal mode is a property
    /// of the file and stays WAL.
    pub(crate) fn open(&self) -> Result<rusqlite::Connection, rusqlite::Error> {
        use rusqlite::OpenFlags;
        let mut flags =
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
        if self.in_memory {
            flags |= OpenFlags::SQLITE_OPEN_MEMORY | OpenFlags::SQLITE_OPEN_SHARED_CACHE;
        }
        let connection = rusqlite::Connection::open_with_flags(&self.name, flags)?;
        connection.busy_timeout(SQLITE_BUSY_TIMEOUT)?;
        connection.execute_batch(&format!(
            "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -{SQLITE_CACHE_KIB};"
        ))?;
        Ok(connection)
    }
}

fn is_not_a_database(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db) if db.code().as_deref() == Some(SQLITE_NOTADB))
}

async fn open_postgres(url: &str) -> Result<sqlx::PgPool, StoreError> {
    let pool = PgPoolOptions::new()
        .max_connections(8)
        .acquire_timeout(Duration::from_secs(10))
        .connect(url)
        .await
        .map_err(|e| StoreError::Unavailable { url: redact(url), reason: e.to_string() })?;
    sqlx::migrate!("migrations/postgres").run(&pool).await?;
    Ok(pool)
}

/// The URL with any password replaced by `***`, fit for error messages and logs.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    let (authority, tail) = rest.split_once('/').map_or((rest, ""), |(a, t)| (a, t));
    let Some((credentials, host)) = authority.rsplit_once('@') else { return url.to_owned() };
    let user = credentials.split_once(':').map_or(credentials, |(user, _)| user);
    let slash = if rest.contains('/') { "/" } else { "" };
    if credentials.contains(':') { format!("{scheme}://{user}:***@{host}{slash}{tail}") } else { url.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_are_hidden() {
        assert_eq!(redact("postgres://leadup:s3cret@db:5432/leadup"), "postgres://leadup:***@db:5432/leadup");
        assert_eq!(redact("postgres://leadup@db/leadup"), "postgres://leadup@db/leadup");
        assert_eq!(redact("sqlite://leadup.db"), "sqlite://leadup.db");
    }
}
