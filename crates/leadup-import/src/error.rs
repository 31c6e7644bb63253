//! What the readers yield: rows, the errors of single rows, and the errors that stop an import
//! before it starts.

use leadup_core::work_item::WorkItem;

/// A work item read from the input, with the line its record starts on.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// 1-based line number in the file where the record (or JSON object) starts.
    pub line: u64,
    /// The item.
    pub item: WorkItem,
}

/// A record that could not be turned into a work item.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct RowError {
    /// 1-based line number where the record starts (for an unreadable input: where reading
    /// stopped).
    pub line: u64,
    /// What is wrong, naming the column (or field) and the value, e.g.
    /// `ResolutionDate: '31/02/26' is not a date (expected %d/%m/%y)`.
    pub message: String,
    /// True when the input cannot be read past this point (an IO error or broken JSON): it is
    /// the iterator's last item and the rest of the file was not read.
    pub fatal: bool,
}

impl RowError {
    pub(crate) fn new(line: u64, message: impl Into<String>) -> Self {
        Self { line, message: message.into(), fatal: false }
    }

    pub(crate) fn fatal(line: u64, message: impl Into<String>) -> Self {
        Self { line, message: message.into(), fatal: true }
    }
}

/// A problem that stops an import before the first row: the file cannot be read, or does not
/// have what the chosen format needs.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// A column the format or the mapping needs is not in the header.
    #[error("no column '{column}' in the header (columns: {columns})")]
    MissingColumn {
        /// The column that was looked for.
        column: String,
        /// The header's columns, comma-separated.
        columns: String,
    },
    /// The input has no header line (or no JSON value) at all.
    #[error("the input is empty")]
    Empty,
    /// The input is not in the expected format (e.g. not CSV, not JSON).
    #[error("line {line}: {message}")]
    Malformed {
        /// 1-based line where the problem is.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// Reading the input failed.
    #[error("cannot read the input: {0}")]
    Read(#[from] std::io::Error),
}
