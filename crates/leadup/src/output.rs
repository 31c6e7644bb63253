//! Printing results: aligned tables for people, JSON (the API's shape) for scripts.

use std::io::Write;

use serde::Serialize;

/// Prints `value` as pretty JSON.
pub fn json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}

/// Prints rows under headers, each column as wide as its widest cell.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> anyhow::Result<()> {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = std::io::stdout().lock();
    let line = |cells: &mut dyn Iterator<Item = &str>| -> String {
        let padded: Vec<String> = cells.zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
        padded.join("  ").trim_end().to_owned()
    };
    writeln!(out, "{}", line(&mut headers.iter().copied()))?;
    for row in rows {
        writeln!(out, "{}", line(&mut row.iter().map(String::as_str)))?;
    }
    if rows.is_empty() {
        writeln!(out, "(none)")?;
    }
    Ok(())
}

/// Prints `label: value` lines with the labels aligned.
pub fn fields(pairs: &[(&str, String)]) -> anyhow::Result<()> {
    let width = pairs.iter().map(|(label, _)| label.len()).max().unwrap_or(0) + 1;
    let mut out = std::io::stdout().lock();
    for (label, value) in pairs {
        writeln!(out, "{:<width$} {value}", format!("{label}:"))?;
    }
    Ok(())
}

/// Prints one line of text.
pub fn line(text: &str) -> anyhow::Result<()> {
    writeln!(std::io::stdout().lock(), "{text}")?;
    Ok(())
}

/// A stored time (Unix seconds) as its date, `YYYY-MM-DD`, for a table cell.
pub fn unix_date(seconds: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(seconds)
        .map_or_else(|_| seconds.to_string(), |t| leadup_core::date::format(t.date()))
}

/// A one-line progress bar on standard error, drawn only when `enabled` (on a terminal, and
/// not for `--json`): nothing extra reaches a pipe or a log.
pub struct Progress {
    label: &'static str,
    total: u64,
    enabled: bool,
    drawn: bool,
}

impl Progress {
    /// A bar called `label` ("importing") that is full at `total`.
    pub fn new(label: &'static str, total: u64, enabled: bool) -> Self {
        Self { label, total, enabled, drawn: false }
    }

    /// Draws the bar at `done` of the total, followed by `detail` ("1,200 rows").
    pub fn draw(&mut self, done: u64, detail: &str) {
        if !self.enabled {
            return;
        }
        let share = if self.total == 0 { 1.0 } else { (done as f64 / self.total as f64).min(1.0) };
        let filled = (share * 30.0).round() as usize;
        let line = format!(
            "{} [{}{}] {:>3.0}%  {detail}",
            self.label,
            "#".repeat(filled),
            "-".repeat(30 - filled),
            share * 100.0
        );
        let shown: String = line.chars().take(79).collect();
        eprint!("\r{shown:<79}");
        self.drawn = true;
    }

    /// Removes the bar, once the work is done.
    pub fn clear(&mut self) {
        if self.drawn {
            eprint!("\r{}\r", " ".repeat(79));
            self.drawn = false;
        }
    }
}
