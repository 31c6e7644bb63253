//! `leadup evidence import`: many pieces of evidence from a CSV file, every bad row reported
//! by line; the good ones written in one transaction, or none with `--strict`.

use std::fs::File;
use std::io::Write;
use std::path::Path;

use anyhow::Context;
use leadup_core::ValidationErrors;
use leadup_import::{DateFormat, EvidenceMapping, ImportError, RowError, evidence_csv};
use leadup_store::Store;
use serde::Serialize;

use crate::cli::EvidenceImportArgs;
use crate::output;

/// What an import did.
#[derive(Debug, Serialize)]
struct Report {
    /// The file read.
    file: String,
    /// Data rows read, good and bad.
    rows: u64,
    /// Pieces of evidence written (0 when a strict import met a bad row).
    written: u64,
    /// Every bad row, by line.
    errors: Vec<RowError>,
}

/// `leadup evidence import FILE.csv ...`
pub async fn import(store: &Store, args: EvidenceImportArgs) -> anyhow::Result<()> {
    let mapping = mapping(&args)?;
    let path = args.file.display().to_string();
    let file = File::open(&args.file).with_context(|| format!("cannot open {path}"))?;
    let rows = evidence_csv(file, &mapping).map_err(|error| unreadable(&args.file, error))?;
    let mut import = store.begin_evidence_import().await?;
    let mut report = Report { file: path, rows: 0, written: 0, errors: Vec::new() };
    for row in rows {
        report.rows += 1;
        match row {
            Ok(record) if report.errors.is_empty() || !args.strict => {
                import.add(&record.evidence).await?;
            }
            Ok(_) => {}
            Err(error) if error.fatal => {
                // The rest of the file cannot be read: keep nothing rather than half a file.
                anyhow::bail!("cannot import {}: {error}; nothing was written", report.file);
            }
            Err(error) => report.errors.push(error),
        }
    }
    let rejected = args.strict && !report.errors.is_empty();
    if !rejected {
        report.written = import.commit().await?;
    }
    finish(&report, rejected, args.json)
}

/// Prints the report; a rejected (strict) import is then an error naming the file.
fn finish(report: &Report, rejected: bool, json: bool) -> anyhow::Result<()> {
    let bad = report.errors.len();
    if json {
        output::json(report)?;
    } else {
        let mut err = std::io::stderr().lock();
        for error in &report.errors {
            writeln!(err, "{}: {error}", report.file)?;
        }
        if !rejected {
            output::line(&format!(
                "imported {}: {} rows, {} pieces of evidence written, {bad} bad",
                report.file, report.rows, report.written
            ))?;
        }
    }
    if rejected {
        let rows = if bad == 1 { "row" } else { "rows" };
        return Err(ValidationErrors::single(
            "file",
            format!("{bad} bad {rows} in {}; with --strict nothing was written", report.file),
        )
        .into());
    }
    Ok(())
}

/// The reader's settings from the flags, or every bad flag.
fn mapping(args: &EvidenceImportArgs) -> Result<EvidenceMapping, ValidationErrors> {
    let mut errors = ValidationErrors::default();
    let delimiter = match args.delimiter.as_str() {
        "tab" | "\\t" | "\t" => b'\t',
        text if text.len() == 1 && text.is_ascii() => text.as_bytes()[0],
        text => {
            errors.add("--delimiter", format!("'{text}' is not one ASCII character (or 'tab')"));
            b','
        }
    };
    let date_format = args.date_format.as_deref().and_then(|pattern| {
        pattern.parse::<DateFormat>().map_err(|error| errors.add("--date-format", format!("'{pattern}': {error}"))).ok()
    });
    errors.into_result(|| EvidenceMapping {
        delimiter,
        kind: args.kind_column.clone(),
        summary: args.summary_column.clone(),
        customer: args.customer_column.clone(),
        source: args.source_column.clone(),
        date: args.date_column.clone(),
        revenue_at_stake: args.revenue_column.clone(),
        currency: args.currency_column.clone(),
        customers_affected: args.customers_affected_column.clone(),
        date_format,
    })
}

/// A file that cannot be imported at all: bad input (exit 2) naming the file, unless it
/// could not be read.
fn unreadable(path: &Path, error: ImportError) -> anyhow::Error {
    match error {
        ImportError::Read(error) => anyhow::Error::new(error).context(format!("cannot read {}", path.display())),
        other => ValidationErrors::single(path.display().to_string(), other.to_string()).into(),
    }
}
