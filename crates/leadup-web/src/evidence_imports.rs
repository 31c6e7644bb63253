//! Importing many pieces of evidence from CSV, shared by `leadup evidence import` and
//! `POST /api/v1/evidence/imports`: every bad row is reported by line; the good ones are
//! written in one transaction, or none when the import is strict and a row is bad.

use std::io::Read;

use leadup_core::ValidationErrors;
use leadup_import::{DateFormat, EvidenceMapping, RowError, evidence_csv};
use leadup_store::Store;
use serde::{Deserialize, Serialize};

use crate::imports::ImportFailure;

/// How to read the file, as the command line's flags and the API's query parameters give it:
/// columns are named `kind`, `summary`, ... unless mapped (`kind_column`), the delimiter is one
/// character (default `,`, or `tab`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvidenceImportOptions {
    /// Write nothing if any row is bad.
    #[serde(default)]
    pub strict: bool,
    /// The field separator.
    pub delimiter: Option<String>,
    /// How dates are written (strftime or Java pattern); ISO 8601 is always understood.
    pub date_format: Option<String>,
    /// The column holding the kind.
    pub kind_column: Option<String>,
    /// The column holding the summary or quote.
    pub summary_column: Option<String>,
    /// The column holding the customer or segment.
    pub customer_column: Option<String>,
    /// The column holding the source link.
    pub source_column: Option<String>,
    /// The column holding the date.
    pub date_column: Option<String>,
    /// The column holding the revenue at stake (whole units, as the evidence form takes it).
    pub revenue_column: Option<String>,
    /// The column holding the revenue's currency.
    pub currency_column: Option<String>,
    /// The column holding the number of customers affected.
    pub customers_affected_column: Option<String>,
}

impl EvidenceImportOptions {
    /// The reader's settings, or every bad option, each named by `name` (the command line
    /// names `date_format` as `--date-format`, the API as it is).
    pub fn mapping(&self, name: impl Fn(&str) -> String) -> Result<EvidenceMapping, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let delimiter = match self.delimiter.as_deref() {
            None => b',',
            Some("tab" | "\\t" | "\t") => b'\t',
            Some(text) if text.len() == 1 && text.is_ascii() => text.as_bytes()[0],
            Some(text) => {
                errors.add(name("delimiter"), format!("'{text}' is not one ASCII character (or 'tab')"));
                b','
            }
        };
        let date_format = self.date_format.as_deref().and_then(|pattern| {
            let parsed = pattern.parse::<DateFormat>();
            parsed.map_err(|error| errors.add(name("date_format"), format!("'{pattern}': {error}"))).ok()
        });
        errors.into_result(|| EvidenceMapping {
            delimiter,
            kind: self.kind_column.clone(),
            summary: self.summary_column.clone(),
            customer: self.customer_column.clone(),
            source: self.source_column.clone(),
            date: self.date_column.clone(),
            revenue_at_stake: self.revenue_column.clone(),
            currency: self.currency_column.clone(),
            customers_affected: self.customers_affected_column.clone(),
            date_format,
        })
    }
}

/// What an evidence import did.
#[derive(Debug, Serialize)]
pub struct EvidenceImportReport {
    /// Data rows read, good and bad.
    pub rows: u64,
    /// Pieces of evidence written (0 when a strict import met a bad row).
    pub written: u64,
    /// Whether anything was written (`false` for a strict import with a bad row).
    pub committed: bool,
    /// Every bad row, by line.
    pub errors: Vec<RowError>,
}

/// Reads `input` as evidence CSV with `mapping` and writes its good rows in one transaction
/// (none if `strict` and a row is bad). A file whose header is wrong, or that cannot be read to
/// its end, writes nothing and fails. The evidence is recorded by user `by` (`None`: the
/// operator at the command line).
pub async fn import_evidence<R: Read>(
    store: &Store,
    input: R,
    mapping: &EvidenceMapping,
    strict: bool,
    by: Option<i64>,
) -> Result<EvidenceImportReport, ImportFailure> {
    let rows = evidence_csv(input, mapping)?;
    let mut import = store.begin_evidence_import(by).await?;
    let mut report = EvidenceImportReport { rows: 0, written: 0, committed: false, errors: Vec::new() };
    for row in rows {
        report.rows += 1;
        match row {
            Ok(record) if report.errors.is_empty() || !strict => {
                import.add(&record.evidence).await?;
            }
            Ok(_) => {}
            // The rest of the file cannot be read: keep nothing rather than half a file.
            Err(error) if error.fatal => return Err(ImportFailure::Stopped(error)),
            Err(error) => report.errors.push(error),
        }
    }
    if !strict || report.errors.is_empty() {
        report.written = import.commit().await?;
        report.committed = true;
    }
    Ok(report)
}
