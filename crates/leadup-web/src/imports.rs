//! Importing a tracker export into a team: the one procedure behind `leadup import`, the
//! import page's file upload and `POST /api/v1/teams/{id}/imports`.
//!
//! Rows stream from the reader into one store transaction. Every bad row is reported with
//! its line and reason; the good ones are kept, unless the import is strict, in which case
//! one bad row means nothing is written. An error that stops the reading (the file cannot
//! be read any further) also writes nothing.

use std::io::Read;

use leadup_core::ValidationErrors;
use leadup_core::team::{Team, TeamInput};
use leadup_import::{CsvMapping, ImportError, JiraOptions, Row, RowError, generic_csv, github_json, jira_csv};
use leadup_store::{Store, StoreError};
use serde::Serialize;

/// Rows handed from the parsing thread to the writer at a time.
const CHUNK: usize = 2048;

/// Which reader parses the file.
#[derive(Debug, Clone)]
pub enum Format {
    /// Jira's "all fields" CSV export.
    Jira(JiraOptions),
    /// GitHub REST issue objects: one array, or several pages one after another.
    Github,
    /// Any CSV, with a column mapping.
    Csv(CsvMapping),
}

impl Format {
    /// The name used on the command line and in the API: `jira`, `github` or `csv`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Jira(_) => "jira",
            Self::Github => "github",
            Self::Csv(_) => "csv",
        }
    }
}

/// What an import did.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ImportReport {
    /// The team imported into.
    pub team_id: i64,
    /// Its name.
    pub team: String,
    /// Whether the import created the team.
    pub team_created: bool,
    /// Records read, good and bad.
    pub rows: u64,
    /// Items new to the team.
    pub inserted: u64,
    /// Items that replaced one the team already had.
    pub updated: u64,
    /// Whether anything was written (false when a strict import met a bad row).
    pub written: bool,
    /// Every bad row, in file order.
    pub errors: Vec<RowError>,
}

/// Why an import could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum ImportFailure {
    /// The file's header or start is wrong (a missing column, an empty file...).
    #[error(transparent)]
    File(#[from] ImportError),
    /// Reading stopped part-way; nothing was written.
    #[error("{0}; nothing was imported")]
    Stopped(RowError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The team called `name` (or with that id); created, with an unassigned manager, if there
/// is none. Returns the team and whether it was created.
async fn team_for_import(store: &Store, name: &str) -> Result<(Team, bool), StoreError> {
    if let Ok(id) = name.parse::<i64>()
        && let Ok(team) = store.team(id).await
    {
        return Ok((team, false));
    }
    if let Some(team) = store.team_named(name).await? {
        return Ok((team, false));
    }
    let draft = TeamInput {
        name: name.trim().to_owned(),
        manager: "Unassigned".to_owned(),
        members: Vec::new(),
        executives: Vec::new(),
    }
    .validate()
    .map_err(|errors: ValidationErrors| StoreError::Invalid(rename_team_field(errors)))?;
    Ok((store.create_team(&draft).await?, true))
}

fn rename_team_field(errors: ValidationErrors) -> ValidationErrors {
    let mut renamed = ValidationErrors::default();
    for error in errors.0 {
        renamed.add(if error.field == "name" { "team".to_owned() } else { error.field }, error.message);
    }
    renamed
}

/// Imports everything `reader` holds into the team called `team` (a name or an id; a new
/// name creates the team, unless the import writes nothing). `progress` is called with the
/// number of records read so far every couple of thousand records.
pub async fn import<R: Read + Send + 'static>(
    store: &Store,
    team: &str,
    reader: R,
    format: &Format,
    strict: bool,
    progress: impl FnMut(u64),
) -> Result<ImportReport, ImportFailure> {
    // The header is checked before anything is written, the team included.
    let rows: Box<dyn Iterator<Item = Result<Row, RowError>> + Send> = match format {
        Format::Jira(options) => Box::new(jira_csv(reader, options)?),
        Format::Github => Box::new(github_json(reader)?),
        Format::Csv(mapping) => Box::new(generic_csv(reader, mapping)?),
    };
    let (team, created) = team_for_import(store, team).await?;
    let result = import_rows(store, &team, created, rows, strict, progress).await;
    if created && !matches!(result, Ok(ImportReport { written: true, .. })) {
        store.delete_team(team.id).await?;
    }
    result
}

async fn import_rows(
    store: &Store,
    team: &Team,
    created: bool,
    rows: impl Iterator<Item = Result<Row, RowError>> + Send + 'static,
    strict: bool,
    mut progress: impl FnMut(u64),
) -> Result<ImportReport, ImportFailure> {
    // Parsing runs on its own thread, a few thousand rows ahead of the writes.
    let (sender, mut chunks) = tokio::sync::mpsc::channel::<Vec<Result<Row, RowError>>>(4);
    tokio::task::spawn_blocking(move || {
        let mut chunk = Vec::with_capacity(CHUNK);
        for row in rows {
            chunk.push(row);
            if chunk.len() == CHUNK
                && sender.blocking_send(std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK))).is_err()
            {
                return; // The import stopped; stop reading.
            }
        }
        if !chunk.is_empty() {
            // An error only means the import stopped first.
            let _ = sender.blocking_send(chunk);
        }
    });
    let mut import = store.begin_import(team.id).await?;
    let mut report = ImportReport {
        team_id: team.id,
        team: team.name.clone(),
        team_created: created,
        rows: 0,
        inserted: 0,
        updated: 0,
        written: false,
        errors: Vec::new(),
    };
    while let Some(chunk) = chunks.recv().await {
        for row in chunk {
            report.rows += 1;
            match row {
                Ok(row) if report.errors.is_empty() || !strict => import.upsert(row.item).await?,
                Ok(_) => {}
                Err(error) if error.fatal => {
                    import.rollback().await;
                    return Err(ImportFailure::Stopped(error));
                }
                Err(error) => report.errors.push(error),
            }
        }
        progress(report.rows);
    }
    progress(report.rows);
    if strict && !report.errors.is_empty() {
        import.rollback().await;
        report.team_created = false;
        return Ok(report);
    }
    let summary = import.commit().await?;
    report.inserted = summary.inserted;
    report.updated = summary.updated;
    report.written = true;
    Ok(report)
}
