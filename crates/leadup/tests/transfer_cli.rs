//! `leadup migrate`, `leadup backup` and `leadup restore` through the binary, on real SQLite
//! and PostgreSQL: the demo workspace plus a few thousand imported work items and values that
//! are easy to get wrong (unicode text, reals, every byte value, NULLs) moved SQLite →
//! PostgreSQL → SQLite with every row of every table compared (read here through each
//! catalog, independently of the copy's own code); the audit chain, an API token and new ids
//! after the move; a non-empty target refused and unchanged; a backup taken while a server
//! writes, restored and verified; damaged backup files refused.

mod support;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use leadup_store::Store;
use leadup_store::testing::{TestDatabase, execute};
use sqlx::{Connection, Row, TypeInfo, ValueRef};
use support::{Server, leadup, stderr, stdout, token_of};

/// A value as both backends can be compared on: dates as `YYYY-MM-DD`, moments as Unix
/// seconds, booleans as 0 or 1, reals by their bits.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Cell {
    Null,
    Int(i64),
    Real(u64),
    Text(String),
    Blob(Vec<u8>),
}

/// Every table (but sqlx's migrations bookkeeping) with its rows sorted, each row's cells in
/// the order of its columns' names.
type Rows = BTreeMap<String, Vec<Vec<Cell>>>;

async fn all_rows(url: &str) -> Rows {
    if url.starts_with("sqlite:") { sqlite_rows(url).await } else { postgres_rows(url).await }
}

async fn sqlite_rows(url: &str) -> Rows {
    let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
    // Ordinary tables only: full-text indexes and their shadow tables are rebuilt by triggers.
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' \
         AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let mut out = Rows::new();
    for table in tables {
        let mut columns: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info($1)")
            .bind(&table)
            .fetch_all(&mut conn)
            .await
            .unwrap();
        columns.sort();
        let list = columns.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ");
        let rows = sqlx::query(&format!("SELECT {list} FROM \"{table}\"")).fetch_all(&mut conn).await.unwrap();
        let mut cells: Vec<Vec<Cell>> = rows
            .iter()
            .map(|row| {
                (0..columns.len())
                    .map(|i| {
                        let raw = row.try_get_raw(i).unwrap();
                        if raw.is_null() {
                            return Cell::Null;
                        }
                        match raw.type_info().name() {
                            "INTEGER" => Cell::Int(row.get(i)),
                            "REAL" => Cell::Real(row.get::<f64, _>(i).to_bits()),
                            "BLOB" => Cell::Blob(row.get(i)),
                            _ => Cell::Text(row.get(i)),
                        }
                    })
                    .collect()
            })
            .collect();
        cells.sort();
        out.insert(table, cells);
    }
    out
}

async fn postgres_rows(url: &str) -> Rows {
    let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() \
         AND table_type = 'BASE TABLE' AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let mut out = Rows::new();
    for table in tables {
        // Generated columns (the full-text search vector) are computed by the database.
        let mut columns: Vec<(String, String)> = sqlx::query_as(
            "SELECT column_name::text, data_type::text FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1 AND is_generated = 'NEVER'",
        )
        .bind(&table)
        .fetch_all(&mut conn)
        .await
        .unwrap();
        columns.sort();
        let list = columns
            .iter()
            .map(|(name, kind)| match kind.as_str() {
                "timestamp with time zone" => format!("extract(epoch from \"{name}\")::bigint"),
                "date" => format!("to_char(\"{name}\", 'YYYY-MM-DD')"),
                "boolean" => format!("\"{name}\"::int::bigint"),
                "integer" | "smallint" => format!("\"{name}\"::bigint"),
                "bigint" | "double precision" | "text" | "bytea" => format!("\"{name}\""),
                other => panic!("{table}.{name}: type {other} is not compared yet"),
            })
            .collect::<Vec<_>>()
            .join(", ");
        let rows = sqlx::query(&format!("SELECT {list} FROM \"{table}\"")).fetch_all(&mut conn).await.unwrap();
        let mut cells: Vec<Vec<Cell>> = rows
            .iter()
            .map(|row| {
                columns
                    .iter()
                    .enumerate()
                    .map(|(i, (_, kind))| {
                        let cell = match kind.as_str() {
                            "double precision" => row.get::<Option<f64>, _>(i).map(|x| Cell::Real(x.to_bits())),
                            "text" | "date" => row.get::<Option<String>, _>(i).map(Cell::Text),
                            "bytea" => row.get::<Option<Vec<u8>>, _>(i).map(Cell::Blob),
                            _ => row.get::<Option<i64>, _>(i).map(Cell::Int),
                        };
                        cell.unwrap_or(Cell::Null)
                    })
                    .collect()
            })
            .collect();
        cells.sort();
        out.insert(table, cells);
    }
    out
}

/// Asserts that two databases hold the same rows in every table, naming the first difference.
fn assert_same(from: &Rows, to: &Rows, what: &str) {
    assert_eq!(from.keys().collect::<Vec<_>>(), to.keys().collect::<Vec<_>>(), "{what}: the same tables");
    for (table, rows) in from {
        let other = &to[table];
        assert_eq!(rows.len(), other.len(), "{what}: rows of {table}");
        if let Some((a, b)) = rows.iter().zip(other).find(|(a, b)| a != b) {
            panic!("{what}: table {table} differs:\n  {a:?}\n  {b:?}");
        }
    }
}

/// `leadup` in a blocking thread, so a test's runtime keeps going.
async fn run(url: &str, args: &[&str]) -> std::process::Output {
    let url = url.to_owned();
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    tokio::task::spawn_blocking(move || leadup(&url, &args.iter().map(String::as_str).collect::<Vec<_>>()))
        .await
        .unwrap()
}

/// The demo workspace, a few thousand imported work items, and values that are easy to get
/// wrong, in a new SQLite database; the administrator's API token.
async fn seeded_sqlite(dir: &Path) -> (TestDatabase, String) {
    let db = TestDatabase::sqlite();
    let url = db.url.clone();
    tokio::task::spawn_blocking(move || drop(Server::start(&url, "demo"))).await.unwrap();
    let csv = dir.join("items.csv");
    let mut text = String::from("key,title,created,started,done\n");
    for n in 1..=3_000 {
        let done = if n % 3 == 0 { String::new() } else { format!("2025-{:02}-{:02}", 1 + n % 12, 1 + n % 28) };
        writeln!(text, "LOAD-{n},Item {n} «ünïcødé» 🚀,2024-01-01,2024-12-{:02},{done}", 1 + n % 28).unwrap();
    }
    std::fs::write(&csv, text).unwrap();
    let import = run(
        &db.url,
        &[
            "import",
            "csv",
            csv.to_str().unwrap(),
            "--key",
            "key",
            "--title",
            "title",
            "--created",
            "created",
            "--started",
            "started",
            "--done",
            "done",
            "--team",
            "Load",
        ],
    )
    .await;
    assert!(import.status.success(), "{}", stderr(&import));
    let store = Store::connect(&db.url).await.unwrap();
    let every_byte = (0..=255_u8).fold(String::new(), |mut hex, b| {
        write!(hex, "{b:02X}").unwrap();
        hex
    });
    for sql in [
        "INSERT INTO deliveries (channel, recipient, subject, text_body, html_body, status, attempts, created_at) \
         VALUES ('email', 'zoë@example.com', 'Grüße aus 東京 🚀 ''quoted'' \"double\" \\ back', 'line one\nline two', \
         '<p>é</p>', 'queued', 0, 1767225600)"
            .to_owned(),
        format!(
            "INSERT INTO delivery_attachments (delivery_id, position, name, mime_type, content) \
             VALUES ((SELECT max(id) FROM deliveries), 0, 'brief ä.pdf', 'application/pdf', X'{every_byte}')"
        ),
        "UPDATE key_results SET baseline = 0.1, target = 1e-300, current_value = 0.30000000000000004 \
         WHERE rowid = (SELECT min(rowid) FROM key_results)"
            .to_owned(),
        "UPDATE key_results SET baseline = -2.5e17, target = 1.0 / 3.0 WHERE rowid = (SELECT max(rowid) FROM key_results)"
            .to_owned(),
    ] {
        execute(&store, &sql).await.unwrap();
    }
    store.close().await;
    let url = db.url.clone();
    let token = tokio::task::spawn_blocking(move || token_of(&url, "test-admin@example.com")).await.unwrap();
    (db, token)
}

#[tokio::test]
async fn migrate_sqlite_to_postgres_and_back_keeps_every_row() {
    let Some(postgres) = TestDatabase::postgres().await else { return };
    let dir = tempfile::tempdir().unwrap();
    let (source, token) = seeded_sqlite(dir.path()).await;
    let before = all_rows(&source.url).await;
    assert!(before["work_items"].len() > 3_000, "the demo's and the imported items");
    assert_eq!(before["delivery_attachments"].len(), 1);

    let moved = run(&source.url, &["migrate", "--from", &source.url, "--to", &postgres.url]).await;
    assert!(moved.status.success(), "{}", stderr(&moved));
    assert!(stdout(&moved).contains("checked: row counts equal, audit log intact"), "{}", stdout(&moved));
    // Not a terminal: one progress line per table.
    assert!(stderr(&moved).lines().any(|l| l == format!("work_items: {} rows", before["work_items"].len())));
    assert_eq!(stderr(&moved).lines().count(), before.len(), "{}", stderr(&moved));
    let on_postgres = all_rows(&postgres.url).await;
    assert_same(&before, &on_postgres, "SQLite → PostgreSQL");

    let source_head = stdout(&run(&source.url, &["audit", "verify"]).await);
    let verified = run(&postgres.url, &["audit", "verify"]).await;
    assert!(verified.status.success(), "{}", stderr(&verified));
    assert_eq!(stdout(&verified), source_head);
    assert!(source_head.starts_with("audit log intact: "), "{source_head}");

    // Back to SQLite: the same rows again.
    let back = TestDatabase::sqlite();
    let returned = run(&back.url, &["migrate", "--from", &postgres.url, "--to", &back.url]).await;
    assert!(returned.status.success(), "{}", stderr(&returned));
    assert_same(&before, &all_rows(&back.url).await, "SQLite → PostgreSQL → SQLite");

    // A target with data is refused and left as it was.
    let again = run(&source.url, &["migrate", "--from", &source.url, "--to", &postgres.url]).await;
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("the target database is not empty: table "), "{}", stderr(&again));
    assert_same(&on_postgres, &all_rows(&postgres.url).await, "a refused migrate");

    // On the target: the source's token still works, new rows get new ids, the chain goes on.
    let url = postgres.url.clone();
    let token_works = tokio::task::spawn_blocking(move || {
        let server = Server::start(&url, "serve");
        server.get_as(&token, "/api/v1/teams")
    })
    .await
    .unwrap();
    assert_eq!(token_works.0, 200, "{}", token_works.1);
    let added = run(&postgres.url, &["team", "add", "--name", "Formed after the move", "--json"]).await;
    assert!(added.status.success(), "{}", stderr(&added));
    let team: serde_json::Value = serde_json::from_str(&stdout(&added)).unwrap();
    let max_team = max_id(&source.url, "teams").await;
    assert!(team["id"].as_i64().unwrap() > max_team, "{team} after {max_team}");
    let member = run(
        &postgres.url,
        &["member", "add", "test-admin@example.com", "--team", "Formed after the move", "--role", "manager"],
    )
    .await;
    assert!(member.status.success(), "{}", stderr(&member));
    let after = run(&postgres.url, &["audit", "verify"]).await;
    assert!(after.status.success(), "{}", stderr(&after));
    assert_ne!(stdout(&after), source_head, "the role change was audited on the target");
}

async fn max_id(url: &str, table: &str) -> i64 {
    let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
    sqlx::query(&format!("SELECT max(id) FROM {table}")).fetch_one(&mut conn).await.unwrap().get(0)
}

/// Writes evidence through the API until told to stop; counts the writes acknowledged.
fn keep_writing(
    server: &Arc<Server>,
    stop: &Arc<AtomicBool>,
    acknowledged: &Arc<AtomicU64>,
) -> std::thread::JoinHandle<u64> {
    let (server, stop, acknowledged) = (Arc::clone(server), Arc::clone(stop), Arc::clone(acknowledged));
    std::thread::spawn(move || {
        let mut failed = 0;
        let mut n = 0;
        while !stop.load(Ordering::Relaxed) {
            n += 1;
            let body = format!(r#"{{"kind": "customer_interview", "summary": "written during the backup {n}"}}"#);
            let (status, _) = server.post_json_as(&server.token, "/api/v1/evidence", &body);
            if status == 201 {
                acknowledged.fetch_add(1, Ordering::SeqCst);
            } else {
                failed += 1;
            }
        }
        failed
    })
}

async fn evidence_written_during(url: &str) -> u64 {
    all_rows(url).await["evidence"]
        .iter()
        .filter(|row| row.iter().any(|c| matches!(c, Cell::Text(t) if t.starts_with("written during the backup"))))
        .count() as u64
}

async fn backup_while_serving(source: TestDatabase, restore_to: TestDatabase) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("leadup.backup");
    let url = source.url.clone();
    let server = Arc::new(tokio::task::spawn_blocking(move || Server::start(&url, "demo")).await.unwrap());
    let (stop, acknowledged) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicU64::new(0)));
    let writer = keep_writing(&server, &stop, &acknowledged);
    while acknowledged.load(Ordering::SeqCst) < 5 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let written_before = acknowledged.load(Ordering::SeqCst);
    let backup = run(&source.url, &["backup", "--to", file.to_str().unwrap()]).await;
    let written_after = acknowledged.load(Ordering::SeqCst);
    // Still writing after the backup: the server was not stopped by it.
    while acknowledged.load(Ordering::SeqCst) < written_after + 3 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    stop.store(true, Ordering::Relaxed);
    assert_eq!(writer.join().unwrap(), 0, "no write failed during the backup");
    assert!(backup.status.success(), "{}", stderr(&backup));
    assert!(stdout(&backup).contains("checked: row counts equal, audit log intact"), "{}", stdout(&backup));

    // A file that exists is never overwritten.
    let twice = run(&source.url, &["backup", "--to", file.to_str().unwrap()]).await;
    assert_eq!(twice.status.code(), Some(1));
    assert!(stderr(&twice).contains("exists: a backup never overwrites a file"), "{}", stderr(&twice));

    let restored = run(&restore_to.url, &["restore", "--from", file.to_str().unwrap()]).await;
    assert!(restored.status.success(), "{}", stderr(&restored));
    let verified = run(&restore_to.url, &["audit", "verify"]).await;
    assert!(verified.status.success(), "{}", stderr(&verified));
    // The snapshot holds every write acknowledged before the backup began, and none made after
    // it ended.
    let kept = evidence_written_during(&restore_to.url).await;
    assert!((written_before..=written_after).contains(&kept), "{written_before} <= {kept} <= {written_after}");
    drop(server);
}

#[tokio::test]
async fn backup_while_a_sqlite_server_writes_restores_into_postgres_and_sqlite() {
    let sqlite = TestDatabase::sqlite();
    if let Some(postgres) = TestDatabase::postgres().await {
        backup_while_serving(sqlite, postgres).await;
    }
    backup_while_serving(TestDatabase::sqlite(), TestDatabase::sqlite()).await;
}

#[tokio::test]
async fn backup_while_a_postgres_server_writes_restores_into_sqlite() {
    let Some(postgres) = TestDatabase::postgres().await else { return };
    backup_while_serving(postgres, TestDatabase::sqlite()).await;
}

#[tokio::test]
async fn damaged_backups_are_refused_and_restore_nothing() {
    let source = TestDatabase::sqlite();
    let url = source.url.clone();
    tokio::task::spawn_blocking(move || drop(Server::start(&url, "demo"))).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("good.backup");
    let made = run(&source.url, &["backup", "--to", file.to_str().unwrap()]).await;
    assert!(made.status.success(), "{}", stderr(&made));
    let good = std::fs::read(&file).unwrap();

    let truncated = dir.path().join("truncated.backup");
    std::fs::write(&truncated, &good[..good.len() / 2]).unwrap();
    let garbage = dir.path().join("garbage.backup");
    std::fs::write(&garbage, "key,title\nA-1,not a database\n").unwrap();
    let scribbled = dir.path().join("scribbled.backup");
    let mut bytes = good.clone();
    // Overwrite the second half's pages with noise, past the header and the schema.
    for (i, b) in bytes.iter_mut().enumerate().skip(good.len() / 2) {
        *b = (i * 7 % 251) as u8;
    }
    std::fs::write(&scribbled, bytes).unwrap();

    for (file, expected) in [
        (&truncated, "is not a usable leadup backup: "),
        (&garbage, "is not a usable leadup backup: it is not a SQLite database"),
        (&scribbled, "is not a usable leadup backup: "),
        (&dir.path().join("missing.backup"), "is not a usable leadup backup: No such file"),
    ] {
        let target = dir.path().join("target.db");
        let target_url = format!("sqlite://{}", target.display());
        let refused = run(&target_url, &["restore", "--from", file.to_str().unwrap()]).await;
        assert_eq!(refused.status.code(), Some(1), "{}", file.display());
        assert!(stderr(&refused).contains(expected), "{}: {}", file.display(), stderr(&refused));
        assert!(!target.exists(), "nothing was restored from {}", file.display());
    }

    // A database without a workspace (a mistyped URL makes a new one) is not backed up.
    let empty = TestDatabase::sqlite();
    let nothing = run(&empty.url, &["backup", "--to", dir.path().join("empty.backup").to_str().unwrap()]).await;
    assert_eq!(nothing.status.code(), Some(1));
    assert_eq!(stderr(&nothing), "error: the database holds no workspace: nothing to back up\n");
    assert!(!dir.path().join("empty.backup").exists());

    // The good one restores; restoring it again into the now full target is refused.
    let target = format!("sqlite://{}", dir.path().join("target.db").display());
    let restored = run(&target, &["restore", "--from", file.to_str().unwrap()]).await;
    assert!(restored.status.success(), "{}", stderr(&restored));
    let rows = all_rows(&target).await;
    let again = run(&target, &["restore", "--from", file.to_str().unwrap()]).await;
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("the target database is not empty"), "{}", stderr(&again));
    assert_same(&rows, &all_rows(&target).await, "a refused restore");
    assert_same(&all_rows(&source.url).await, &rows, "restored from a SQLite backup");
}
