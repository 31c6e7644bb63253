//! `leadup import`: reads a tracker export into a team, with a progress bar on a terminal
//! and every bad row reported by line.

use std::fs::File;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use leadup_core::ValidationErrors;
use leadup_import::CountingReader;
use leadup_store::Store;
use leadup_web::imports::{self, Format, ImportOptions, ImportReport};

use crate::cli::{ImportCommand, ImportTarget};
use crate::output::{self, Progress};

/// `leadup import jira|github|csv ...`
pub async fn import(store: &Store, command: ImportCommand) -> anyhow::Result<()> {
    let (files, options, target) = match command {
        ImportCommand::Jira { file, date_format, utc_offset, started, target } => {
            let options = ImportOptions {
                format: Some("jira".into()),
                date_format,
                utc_offset,
                started,
                ..ImportOptions::default()
            };
            (vec![file], options, target)
        }
        ImportCommand::Github { files, target } => {
            (files, ImportOptions { format: Some("github".into()), ..ImportOptions::default() }, target)
        }
        ImportCommand::Csv { file, delimiter, key, created, started, done, title, date_format, utc_offset, target } => {
            let options = ImportOptions {
                format: Some("csv".into()),
                delimiter: Some(delimiter),
                key: Some(key),
                created,
                started,
                done: Some(done),
                title,
                date_format,
                utc_offset,
            };
            (vec![file], options, target)
        }
    };
    let format = options.format().map_err(as_flags)?;
    let (reader, total) = open_all(&files)?;
    let reader = CountingReader::new(reader);
    let bytes = reader.counter();
    let mut bar = Progress::new("importing", total, !target.json && std::io::stderr().is_terminal());
    let report = imports::import(store, &target.team, reader, &format, target.strict, |rows| {
        bar.draw(bytes.get(), &format!("{rows} rows"));
    })
    .await
    .with_context(|| format!("cannot import {}", names(&files)))?;
    bar.clear();
    if report.written {
        crate::forecast::refresh(store, report.team_id).await;
    }
    if report.team_created && !target.json {
        eprintln!(
            "created team '{}' (give its manager the role with `leadup member add EMAIL --team {} --role manager`)",
            report.team, report.team_id
        );
    }
    finish(&report, &files, &format, &target)
}

fn finish(report: &ImportReport, files: &[PathBuf], format: &Format, target: &ImportTarget) -> anyhow::Result<()> {
    if target.json {
        output::json(report)?;
    } else {
        let mut err = std::io::stderr().lock();
        for error in &report.errors {
            writeln!(err, "{}: {error}", names(files))?;
        }
        let bad = report.errors.len();
        if report.written {
            output::line(&format!(
                "imported {} ({}) into team '{}': {} rows, {} new, {} updated, {bad} bad",
                names(files),
                format.name(),
                report.team,
                report.rows,
                report.inserted,
                report.updated
            ))?;
            let today = time::OffsetDateTime::now_utc().date();
            if let (Some(days), Some(latest)) =
                (report.window_to_show(today, leadup_app::dashboard::DEFAULT_WINDOW_DAYS), report.latest)
            {
                writeln!(
                    err,
                    "note: the latest date among these items is {}, before the dashboard's last {} days; open the \
                     team's dashboard with ?days={days} to see them",
                    leadup_core::date::format(latest),
                    leadup_app::dashboard::DEFAULT_WINDOW_DAYS
                )?;
            }
        }
    }
    if !report.written {
        let bad = report.errors.len();
        return Err(ValidationErrors::single(
            "file",
            format!(
                "{bad} bad row{} in {}; with --strict nothing was written",
                if bad == 1 { "" } else { "s" },
                names(files)
            ),
        )
        .into());
    }
    Ok(())
}

/// The files one after another, and their total size.
fn open_all(files: &[PathBuf]) -> anyhow::Result<(Box<dyn Read + Send>, u64)> {
    let mut total = 0;
    let mut reader: Box<dyn Read + Send> = Box::new(std::io::empty());
    for (k, path) in files.iter().enumerate() {
        let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        total += file.metadata().map_or(0, |m| m.len());
        // A newline between files keeps concatenated JSON pages apart; none goes before the
        // first, whose line numbers are reported as they are.
        reader = if k == 0 { Box::new(file) } else { Box::new(reader.chain(&b"\n"[..]).chain(file)) };
    }
    Ok((reader, total))
}

fn names(files: &[PathBuf]) -> String {
    files.iter().map(|p| display(p)).collect::<Vec<_>>().join(", ")
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

/// Names the fields of option errors as the flags that set them (`date_format` is `--date-format`).
fn as_flags(errors: ValidationErrors) -> ValidationErrors {
    let mut flags = ValidationErrors::default();
    for error in errors.0 {
        flags.add(format!("--{}", error.field.replace('_', "-")), error.message);
    }
    flags
}
