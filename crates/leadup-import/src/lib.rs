//! leadup's importers: streaming readers that turn tracker exports into
//! [`WorkItem`](leadup_core::work_item::WorkItem)s, and evidence files into validated
//! evidence ([`evidence_csv`]).
//!
//! Three formats: Jira's "all fields" CSV export ([`jira_csv`]), GitHub's REST issue objects
//! as JSON ([`github_json`]), and any CSV with a column mapping ([`generic_csv`]). Each reader
//! checks the header (or the start of the JSON) up front, failing with an [`ImportError`] when
//! the file cannot be imported at all, and then returns an iterator that yields one
//! `Result<Row, RowError>` per record. A bad record names its line, column and value and does
//! not stop the import; the caller decides whether to keep the good rows or reject the file.
//!
//! The iterators hold one record at a time, so memory stays flat however large the file.
//! Nothing here writes anywhere; wrap the input in a [`CountingReader`] to show progress.

mod checks;
mod counting;
mod date;
mod error;
mod evidence;
mod generic;
mod github;
mod jira;
mod json_stream;
mod records;

pub use counting::{ByteCount, CountingReader};
pub use date::{DateFormat, DateFormatError, parse_iso8601};
pub use error::{ImportError, Row, RowError};
pub use evidence::{EvidenceMapping, EvidenceRecord, EvidenceRows, evidence_csv};
pub use generic::{CsvMapping, CsvRows, generic_csv};
pub use github::{GithubRows, github_json};
pub use jira::{JiraOptions, JiraRows, jira_csv};
