//! `leadup evidence import`: many pieces of evidence from a CSV file, every bad row reported
//! by line; the good ones written in one transaction, or none with `--strict`.

use std::fs::File;
use std::io::Write;
use std::path::Path;

use anyhow::Context;
use leadup_core::ValidationErrors;
use leadup_import::{EvidenceMapping, ImportError};
use leadup_store::Store;
use leadup_web::evidence_imports::{EvidenceImportOptions, EvidenceImportReport, import_evidence};
use leadup_web::imports::ImportFailure;
use serde::Serialize;

use crate::cli::EvidenceImportArgs;
use crate::output;

/// What an import did, as `--json` prints it.
#[derive(Debug, Serialize)]
struct Report {
    /// The file read.
    file: String,
    /// What the import did.
    #[serde(flatten)]
    outcome: EvidenceImportReport,
}

/// `leadup evidence import FILE.csv ...`
pub async fn import(store: &Store, args: EvidenceImportArgs) -> anyhow::Result<()> {
    let mapping = mapping(&args)?;
    let path = args.file.display().to_string();
    let file = File::open(&args.file).with_context(|| format!("cannot open {path}"))?;
    let outcome = match import_evidence(store, file, &mapping, args.strict, None).await {
        Ok(outcome) => outcome,
        Err(ImportFailure::File(error)) => return Err(unreadable(&args.file, error)),
        Err(ImportFailure::Stopped(error)) => anyhow::bail!("cannot import {path}: {error}; nothing was written"),
        Err(ImportFailure::Store(error)) => return Err(error.into()),
    };
    let rejected = !outcome.committed;
    finish(&Report { file: path, outcome }, rejected, args.json)
}

/// Prints the report; a rejected (strict) import is then an error naming the file.
fn finish(report: &Report, rejected: bool, json: bool) -> anyhow::Result<()> {
    let bad = report.outcome.errors.len();
    if json {
        output::json(report)?;
    } else {
        let mut err = std::io::stderr().lock();
        for error in &report.outcome.errors {
            writeln!(err, "{}: {error}", report.file)?;
        }
        if !rejected {
            output::line(&format!(
                "imported {}: {} rows, {} pieces of evidence written, {bad} bad",
                report.file, report.outcome.rows, report.outcome.written
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
    let options = EvidenceImportOptions {
        strict: args.strict,
        delimiter: Some(args.delimiter.clone()),
        date_format: args.date_format.clone(),
        kind_column: args.kind_column.clone(),
        summary_column: args.summary_column.clone(),
        customer_column: args.customer_column.clone(),
        source_column: args.source_column.clone(),
        date_column: args.date_column.clone(),
        revenue_column: args.revenue_column.clone(),
        currency_column: args.currency_column.clone(),
        customers_affected_column: args.customers_affected_column.clone(),
    };
    options.mapping(|field| format!("--{}", field.replace('_', "-")))
}

/// A file that cannot be imported at all: bad input (exit 2) naming the file, unless it
/// could not be read.
fn unreadable(path: &Path, error: ImportError) -> anyhow::Error {
    match error {
        ImportError::Read(error) => anyhow::Error::new(error).context(format!("cannot read {}", path.display())),
        other => ValidationErrors::single(path.display().to_string(), other.to_string()).into(),
    }
}
