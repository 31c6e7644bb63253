//! Fresh, throw-away databases for tests, on either backend.
//!
//! PostgreSQL tests need a server: set `LEADUP_TEST_POSTGRES_URL` to a URL whose user may
//! create databases (`scripts/test` starts one on loopback and sets it). Without it the
//! PostgreSQL half of a test is skipped, unless `LEADUP_TEST_REQUIRE_ALL` is set (as
//! `scripts/test` does), in which case it fails. Test databases are left on the server,
//! which `scripts/test` throws away whole.

use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::Connection;

use crate::{Pool, Store};

/// The environment variable naming the PostgreSQL server for tests.
pub const POSTGRES_URL_VAR: &str = "LEADUP_TEST_POSTGRES_URL";

/// The environment variable that turns a skipped part of a test into a failure.
pub const REQUIRE_ALL_VAR: &str = "LEADUP_TEST_REQUIRE_ALL";

/// Notes that a test skips a part whose outside dependency (a server, a browser) is
/// missing; panics with `why` instead when `LEADUP_TEST_REQUIRE_ALL` forbids skipping.
pub fn skip(why: &str) {
    assert!(std::env::var_os(REQUIRE_ALL_VAR).is_none(), "{why}, and {REQUIRE_ALL_VAR} is set");
    eprintln!("skipping: {why}");
}

/// Tells apart the databases one test process creates.
static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A database that exists for one test and is removed afterwards.
pub struct TestDatabase {
    /// The URL to open it with.
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

impl TestDatabase {
    /// A new SQLite file in a temporary directory, removed when dropped.
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let url = format!("sqlite://{}", dir.path().join("leadup.db").display());
        Self { url, _dir: Some(dir) }
    }

    /// A new, empty database on the test PostgreSQL server, or `None` when no server is
    /// configured outside CI.
    pub async fn postgres() -> Option<Self> {
        let Ok(admin_url) = std::env::var(POSTGRES_URL_VAR) else {
            skip(&format!("{POSTGRES_URL_VAR} is not set"));
            return None;
        };
        let name = format!(
            "leadup_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            time::OffsetDateTime::now_utc().unix_timestamp_nanos() % 1_000_000
        );
        let mut admin = sqlx::PgConnection::connect(&admin_url).await.expect("the test PostgreSQL server answers");
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.expect("CREATE DATABASE");
        let base = admin_url.rsplit_once('/').map_or(admin_url.as_str(), |(base, _)| base);
        Some(Self { url: format!("{base}/{name}"), _dir: None })
    }
}

/// Runs `sql` (one statement, no parameters) on the store's database: for setting up rows
/// that have no store method yet, and for tampering with data to test that it is noticed.
pub async fn execute(store: &Store, sql: &str) -> Result<u64, sqlx::Error> {
    Ok(match &store.pool {
        Pool::Sqlite(pool) => sqlx::query(sql).execute(pool).await?.rows_affected(),
        Pool::Postgres(pool) => sqlx::query(sql).execute(pool).await?.rows_affected(),
    })
}

/// Migrates the database at `url` (created if missing) only up to, not including, migration
/// `version` of its backend, as a database made by an older leadup would be, and runs
/// `statements` on it (rows in the old shape); opening it with [`Store::connect`] then
/// applies the rest. For testing a migration on the data before it.
pub async fn migrate_before(url: &str, version: i64, statements: &[&str]) -> Result<(), sqlx::Error> {
    use std::borrow::Cow;
    use std::str::FromStr;
    let keep = |migrator: sqlx::migrate::Migrator| {
        let migrations: Vec<_> = migrator.migrations.iter().filter(|m| m.version < version).cloned().collect();
        sqlx::migrate::Migrator { migrations: Cow::Owned(migrations), ..migrator }
    };
    if url.starts_with("sqlite:") {
        let options = sqlx::sqlite::SqliteConnectOptions::from_str(url)?.create_if_missing(true).foreign_keys(true);
        let pool = sqlx::SqlitePool::connect_with(options).await?;
        keep(sqlx::migrate!("migrations/sqlite")).run(&pool).await?;
        for sql in statements {
            sqlx::query(sql).execute(&pool).await?;
        }
        pool.close().await;
    } else {
        let pool = sqlx::PgPool::connect(url).await?;
        keep(sqlx::migrate!("migrations/postgres")).run(&pool).await?;
        for sql in statements {
            sqlx::query(sql).execute(&pool).await?;
        }
        pool.close().await;
    }
    Ok(())
}

/// Generates `sqlite::NAME` and `postgres::NAME` from `async fn NAME(store: Store)`: one
/// conformance test per backend (PostgreSQL skipped, or failing under
/// `LEADUP_TEST_REQUIRE_ALL`, as [`TestDatabase::postgres`] says). Used by every store test file.
#[macro_export]
macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let db = leadup_store::testing::TestDatabase::sqlite();
                    let store = leadup_store::Store::connect(&db.url).await.unwrap();
                    assert_eq!(store.backend(), leadup_store::Backend::Sqlite);
                    super::$name(store).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    let Some(db) = leadup_store::testing::TestDatabase::postgres().await else { return };
                    let store = leadup_store::Store::connect(&db.url).await.unwrap();
                    assert_eq!(store.backend(), leadup_store::Backend::Postgres);
                    super::$name(store).await;
                }
            )*
        }
    };
}
