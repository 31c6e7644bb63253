//! Importing a tracker export into a team: the one procedure behind `leadup import`, the
//! import page's file upload and `POST /api/v1/teams/{id}/imports`.
//!
//! Rows stream from the reader into one store transaction. Every bad row is reported with
//! its line and reason; the good ones are kept, unless the import is strict, in which case
//! one bad row means nothing is written. An error that stops the reading (the file cannot
//! be read any further) also writes nothing.

use std::io::Read;

use leadup_core::ValidationErrors;
use leadup_core::team::{Team, TeamDraft, TeamInput};
use leadup_import::{
    CsvMapping, DateFormat, ImportError, JiraOptions, Row, RowError, generic_csv, github_json, jira_csv,
};
use leadup_store::{Store, StoreError};
use serde::{Deserialize, Serialize};
use time::UtcOffset;

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

/// An import's settings as the import page's form and `POST /api/v1/teams/{id}/imports` give
/// them, all as text; empty fields count as not given.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportOptions {
    /// `jira`, `github` or `csv`.
    pub format: Option<String>,
    /// CSV: the field separator, one ASCII character or `tab`; `,` unless given.
    pub delimiter: Option<String>,
    /// CSV: the column holding each item's key (required).
    pub key: Option<String>,
    /// CSV: the column holding the creation date.
    pub created: Option<String>,
    /// CSV and Jira: the column holding the date work started.
    pub started: Option<String>,
    /// CSV: the column holding the done date (required).
    pub done: Option<String>,
    /// CSV: the column holding the title.
    pub title: Option<String>,
    /// CSV and Jira: how dates are written (strftime such as `%d.%m.%Y`, or a Jira pattern
    /// such as `dd/MMM/yy h:mm a`); ISO 8601 (CSV) or Jira's usual formats unless given.
    pub date_format: Option<String>,
    /// CSV and Jira: the offset of dates that state none, like `+01:00`; UTC unless given.
    pub utc_offset: Option<String>,
}

/// The largest file the import page and the API accept, in bytes.
pub const MAX_UPLOAD: usize = 256 * 1024 * 1024;

/// The formats by name, for forms and messages.
pub const FORMATS: [&str; 3] = ["jira", "github", "csv"];

impl ImportOptions {
    fn given(value: Option<&String>) -> Option<&str> {
        value.map(|v| v.trim()).filter(|v| !v.is_empty())
    }

    /// The reader these options ask for, or every invalid field.
    pub fn format(&self) -> Result<Format, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let date_format = Self::given(self.date_format.as_ref()).and_then(|pattern| {
            pattern
                .parse::<DateFormat>()
                .map_err(|error| errors.add("date_format", format!("'{pattern}': {error}")))
                .ok()
        });
        let utc_offset = match Self::given(self.utc_offset.as_ref()) {
            None => UtcOffset::UTC,
            Some(text) => {
                let format = time::macros::format_description!("[offset_hour sign:mandatory]:[offset_minute]");
                UtcOffset::parse(text, &format).unwrap_or_else(|_| {
                    errors.add("utc_offset", format!("'{text}' is not an offset like +01:00 or -05:00"));
                    UtcOffset::UTC
                })
            }
        };
        let started = Self::given(self.started.as_ref()).map(str::to_owned);
        let format = match Self::given(self.format.as_ref()) {
            Some("jira") => Some(Format::Jira(JiraOptions { date_format, utc_offset, started_column: started })),
            Some("github") => Some(Format::Github),
            Some("csv") => {
                let delimiter = match self.delimiter.as_deref().filter(|d| !d.is_empty()) {
                    None => b',',
                    Some("tab" | "\\t" | "\t") => b'\t',
                    Some(text) if text.len() == 1 && text.is_ascii() => text.as_bytes()[0],
                    Some(text) => {
                        errors.add("delimiter", format!("'{text}' is not one ASCII character (or 'tab')"));
                        b','
                    }
                };
                let mut required = |field: &str, value: Option<&String>, what: &str| {
                    let value = Self::given(value);
                    if value.is_none() {
                        errors.add(field, format!("is required for the csv format: the column holding {what}"));
                    }
                    value.unwrap_or_default().to_owned()
                };
                let key = required("key", self.key.as_ref(), "each item's key");
                let done = required("done", self.done.as_ref(), "the done date");
                Some(Format::Csv(CsvMapping {
                    delimiter,
                    created: Self::given(self.created.as_ref()).map(str::to_owned),
                    started,
                    title: Self::given(self.title.as_ref()).map(str::to_owned),
                    date_format,
                    utc_offset,
                    ..CsvMapping::new(key, done)
                }))
            }
            Some(other) => {
                errors.add("format", format!("'{other}' is not a format: use jira, github or csv"));
                None
            }
            None => {
                errors.add("format", "is required: jira, github or csv");
                None
            }
        };
        errors.into_result(|| format.expect("a format when there is no error"))
    }

    /// The option that named `column`, when a missing column came from the mapping; `file`
    /// when the format itself needs the column.
    pub fn field_naming(&self, column: &str) -> &'static str {
        let named = |value: Option<&String>| Self::given(value).is_some_and(|v| v.eq_ignore_ascii_case(column));
        [
            ("key", &self.key),
            ("created", &self.created),
            ("started", &self.started),
            ("done", &self.done),
            ("title", &self.title),
        ]
        .into_iter()
        .find(|(_, value)| named(value.as_ref()))
        .map_or("file", |(field, _)| field)
    }
}

impl ImportFailure {
    /// The failure as invalid input naming the option or `file` it is about; `None` for a
    /// store failure.
    pub fn invalid(&self, options: &ImportOptions) -> Option<ValidationErrors> {
        match self {
            Self::File(ImportError::MissingColumn { column, .. }) => {
                Some(ValidationErrors::single(options.field_naming(column), self.to_string()))
            }
            Self::File(_) | Self::Stopped(_) => Some(ValidationErrors::single("file", self.to_string())),
            Self::Store(_) => None,
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
    /// The latest day any imported item was created, started or done (`null` when none has a
    /// date): a dashboard's window must reach back to it to show the items.
    #[serde(with = "leadup_core::date::iso_date_option")]
    pub latest: Option<time::Date>,
}

impl ImportReport {
    /// When every imported item's dates lie before the dashboard's window of `window_days`
    /// ending `today`: the window, in days, that reaches back to the latest of them (at most
    /// [`MAX_WINDOW_DAYS`](leadup_app::dashboard::MAX_WINDOW_DAYS)).
    pub fn window_to_show(&self, today: time::Date, window_days: u32) -> Option<u32> {
        let latest = self.latest?;
        let days = u32::try_from((today - latest).whole_days() + 1).ok()?;
        (days > window_days).then(|| days.min(leadup_app::dashboard::MAX_WINDOW_DAYS))
    }
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

/// The team to import into.
enum ImportTeam {
    /// The stored team called so (or with that id).
    Stored(Team),
    /// A team to create, with nobody holding a role in it yet, in the import's transaction.
    New(TeamDraft),
}

/// The team called `name` (or with that id), or, if there is none, the team to create.
async fn team_for_import(store: &Store, name: &str) -> Result<ImportTeam, StoreError> {
    if let Ok(id) = name.parse::<i64>()
        && let Ok(team) = store.team(id).await
    {
        return Ok(ImportTeam::Stored(team));
    }
    if let Some(team) = store.team_named(name).await? {
        return Ok(ImportTeam::Stored(team));
    }
    let draft = TeamInput { name: name.trim().to_owned(), ..TeamInput::default() }
        .validate()
        .map_err(|errors: ValidationErrors| StoreError::Invalid(rename_team_field(errors)))?;
    Ok(ImportTeam::New(draft))
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
///
/// The reader is only ever read on a thread of its own (it may block, e.g. an upload
/// arriving over the network through [`crate::upload`]), a few thousand rows ahead of the
/// writes.
pub async fn import<R: Read + Send + 'static>(
    store: &Store,
    team: &str,
    reader: R,
    format: &Format,
    strict: bool,
    progress: impl FnMut(u64),
) -> Result<ImportReport, ImportFailure> {
    let (header, header_read) = tokio::sync::oneshot::channel();
    let (sender, chunks) = tokio::sync::mpsc::channel::<Vec<Result<Row, RowError>>>(4);
    let format = format.clone();
    tokio::task::spawn_blocking(move || {
        let rows: Box<dyn Iterator<Item = Result<Row, RowError>>> = match open(reader, &format) {
            Ok(rows) => rows,
            Err(error) => {
                let _ = header.send(Err(error));
                return;
            }
        };
        if header.send(Ok(())).is_err() {
            return;
        }
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
    // The header is checked before anything is written, the team included.
    header_read.await.map_err(|_| ImportError::Read(std::io::Error::other("the file's reader stopped")))??;
    // A new team is created in the import's transaction: it exists only if the import is
    // written, whatever stops it (a strict import's bad row, a failure, a killed process).
    let team = team_for_import(store, team).await?;
    import_rows(store, team, chunks, strict, progress).await
}

/// The rows of `reader` in `format`, once its header is read and checked.
fn open<R: Read + Send + 'static>(
    reader: R,
    format: &Format,
) -> Result<Box<dyn Iterator<Item = Result<Row, RowError>>>, ImportError> {
    Ok(match format {
        Format::Jira(options) => Box::new(jira_csv(reader, options)?),
        Format::Github => Box::new(github_json(reader)?),
        Format::Csv(mapping) => Box::new(generic_csv(reader, mapping)?),
    })
}

async fn import_rows(
    store: &Store,
    team: ImportTeam,
    mut chunks: tokio::sync::mpsc::Receiver<Vec<Result<Row, RowError>>>,
    strict: bool,
    mut progress: impl FnMut(u64),
) -> Result<ImportReport, ImportFailure> {
    let (mut import, name, created) = match team {
        ImportTeam::Stored(team) => (store.begin_import(team.id).await?, team.name, false),
        ImportTeam::New(draft) => (store.begin_import_into_new_team(&draft.name).await?, draft.name, true),
    };
    let mut report = ImportReport {
        team_id: import.team_id(),
        team: name,
        team_created: created,
        rows: 0,
        inserted: 0,
        updated: 0,
        written: false,
        errors: Vec::new(),
        latest: None,
    };
    while let Some(chunk) = chunks.recv().await {
        for row in chunk {
            report.rows += 1;
            match row {
                Ok(row) if report.errors.is_empty() || !strict => {
                    let item = &row.item;
                    let latest = [item.created, item.started, item.done]
                        .into_iter()
                        .flatten()
                        .map(time::OffsetDateTime::date)
                        .max();
                    report.latest = report.latest.max(latest);
                    import.upsert(row.item).await?;
                }
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

#[cfg(test)]
mod tests {
    use super::ImportReport;
    use time::macros::date;

    fn report(latest: Option<time::Date>) -> ImportReport {
        ImportReport {
            team_id: 1,
            team: "Payments".into(),
            team_created: false,
            rows: 3,
            inserted: 3,
            updated: 0,
            written: true,
            errors: Vec::new(),
            latest,
        }
    }

    #[test]
    fn items_older_than_the_window_name_the_window_that_shows_them() {
        let today = date!(2026 - 12 - 04);
        // The latest item is 100 days before today (101 days counting today): outside 90.
        assert_eq!(report(Some(date!(2026 - 08 - 26))).window_to_show(today, 90), Some(101));
        // Inside the window: nothing to say.
        assert_eq!(report(Some(date!(2026 - 11 - 01))).window_to_show(today, 90), None);
        // Older than the longest window: the longest.
        assert_eq!(report(Some(date!(2020 - 01 - 01))).window_to_show(today, 90), Some(3 * 365));
        assert_eq!(report(None).window_to_show(today, 90), None);
    }
}
