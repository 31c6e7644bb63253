//! Backups, restores and moves between backends: `leadup backup`, `leadup restore` and
//! `leadup migrate`, over the store's `transfer` copy.
//!
//! Each checks what it made before reporting success: SQLite's integrity and foreign key
//! checks on a SQLite copy, the same number of rows in every table as the snapshot copied
//! from, and the audit chain verified on the copy. A backup is written under a temporary
//! name next to its file and renamed only once checked, so a file with the backup's name is
//! always a checked backup; a copy into a database is one transaction, so a failed one leaves
//! the target as empty as it was.

use std::path::{Path, PathBuf};
use std::time::Instant;

use leadup_store::transfer::{self, Copied, Progress, TableRows, TransferError};
use leadup_store::{Store, StoreError, redact};

/// What went wrong; nothing was left behind.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The request itself cannot be done (the file exists, the source is empty...).
    #[error("{0}")]
    Refused(String),
    /// The copy was made but does not hold what was copied: it was not kept.
    #[error("the copy failed its check: {0}")]
    Check(String),
    /// Copying failed.
    #[error(transparent)]
    Transfer(#[from] TransferError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A file could not be written or renamed.
    #[error("{path}: {source}")]
    File {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
}

/// What was copied and checked.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Report {
    /// Every table with its rows, in the order copied.
    pub tables: Vec<TableRows>,
    /// All rows.
    pub rows: u64,
    /// The backup file's size, or the bytes of the values copied into a database.
    pub bytes: u64,
    /// Wall-clock time taken, copy and checks.
    pub seconds: f64,
    /// The audit log's entries, verified on the copy.
    pub audit_entries: usize,
}

impl Report {
    fn new(copied: Copied, audit_entries: usize, started: Instant) -> Self {
        Self {
            rows: copied.rows(),
            tables: copied.tables,
            bytes: copied.bytes,
            seconds: started.elapsed().as_secs_f64(),
            audit_entries,
        }
    }
}

/// Copies the whole workspace at `from` into the empty database at `to`, on either backend,
/// and checks the copy.
pub async fn migrate(from: &str, to: &str, progress: &mut dyn FnMut(Progress<'_>)) -> Result<Report, BackupError> {
    let started = Instant::now();
    if from == to {
        return Err(BackupError::Refused(format!("--from and --to both name {}", redact(from))));
    }
    let source = open_source(from).await?;
    let target = match transfer::connect_target(to).await {
        Ok(target) => target,
        Err(error) => {
            source.close().await;
            return Err(error.into());
        }
    };
    let result = copy_and_check(&source, &target, progress).await;
    source.close().await;
    target.close().await;
    let (copied, entries) = result?;
    Ok(Report::new(copied, entries, started))
}

/// Writes a checked backup of `source` (live: others may write meanwhile) into the new file
/// `file`, a SQLite database that [`restore`] reads back.
pub async fn backup(
    source: &Store,
    file: &Path,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<Report, BackupError> {
    let started = Instant::now();
    if file.exists() {
        return Err(BackupError::Refused(format!(
            "{} exists: a backup never overwrites a file; remove it or name another",
            file.display()
        )));
    }
    if source.workspace().await?.is_none() {
        return Err(BackupError::Refused("the database holds no workspace: nothing to back up".into()));
    }
    let partial = with_suffix(file, ".partial");
    remove_sqlite_files(&partial);
    let made = async {
        let copied = transfer::backup_file(source, &partial, progress).await?;
        let copy = transfer::open_backup(&partial).await?;
        let entries = check(&copy, &copied.tables).await;
        copy.close().await;
        Ok::<_, BackupError>((copied, entries?))
    }
    .await;
    let (copied, entries) = match made {
        Ok(made) => made,
        Err(error) => {
            remove_sqlite_files(&partial);
            return Err(error);
        }
    };
    std::fs::rename(&partial, file).map_err(|source| BackupError::File { path: file.display().to_string(), source })?;
    let mut report = Report::new(copied, entries, started);
    report.bytes = std::fs::metadata(file).map_or(report.bytes, |m| m.len());
    Ok(report)
}

/// Restores the backup `file` into the empty database at `to`, after checking the file, and
/// checks the restored copy.
pub async fn restore(file: &Path, to: &str, progress: &mut dyn FnMut(Progress<'_>)) -> Result<Report, BackupError> {
    let started = Instant::now();
    let source = transfer::open_backup(file).await?;
    let target = match transfer::connect_target(to).await {
        Ok(target) => target,
        Err(error) => {
            source.close().await;
            return Err(error.into());
        }
    };
    let result = copy_and_check(&source, &target, progress).await;
    source.close().await;
    target.close().await;
    let (copied, entries) = result?;
    Ok(Report::new(copied, entries, started))
}

/// The database a move copies from: it must exist and hold a workspace.
async fn open_source(url: &str) -> Result<Store, BackupError> {
    if let Some(path) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))
        && !Path::new(path).exists()
    {
        return Err(BackupError::Refused(format!("--from: there is no database file {path}")));
    }
    let source = Store::connect(url).await?;
    if source.workspace().await?.is_none() {
        source.close().await;
        return Err(BackupError::Refused(format!("--from: {} holds no workspace", redact(url))));
    }
    Ok(source)
}

async fn copy_and_check(
    source: &Store,
    target: &Store,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<(Copied, usize), BackupError> {
    let copied = transfer::copy(source, target, progress).await?;
    let entries = check(target, &copied.tables).await?;
    Ok((copied, entries))
}

/// Checks a copy: SQLite's integrity check, every table's rows as `expected`, and the audit
/// chain; the audit log's entries.
async fn check(copy: &Store, expected: &[TableRows]) -> Result<usize, BackupError> {
    transfer::integrity_check(copy).await.map_err(|e| BackupError::Check(e.to_string()))?;
    let mut counted = transfer::row_counts(copy).await?;
    let mut expected = expected.to_vec();
    counted.sort_by(|a, b| a.table.cmp(&b.table));
    expected.sort_by(|a, b| a.table.cmp(&b.table));
    if counted != expected {
        let differs = expected.iter().find(|e| !counted.contains(e)).map_or_else(
            || "its tables differ".to_owned(),
            |e| format!("table {} should hold {} rows", e.table, e.rows),
        );
        return Err(BackupError::Check(differs));
    }
    copy.verify_audit_log().await?.map_err(|broken| {
        BackupError::Check(format!("the audit chain breaks at entry {}: {}", broken.seq, broken.reason))
    })
}

fn with_suffix(file: &Path, suffix: &str) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Removes a SQLite file left by a failed backup, with its journal files.
fn remove_sqlite_files(file: &Path) {
    for suffix in ["", "-journal", "-wal", "-shm"] {
        let _ = std::fs::remove_file(with_suffix(file, suffix));
    }
}
