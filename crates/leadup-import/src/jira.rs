//! Jira's CSV export ("Export Excel CSV (all fields)"), where multi-value fields repeat their
//! column (one `Labels` column per label, one `Sprint` per sprint) and dates are written in the
//! exporting user's locale format, e.g. `25/Feb/26 10:17 PM`.
//!
//! Columns read: `Issue key` (required), `Summary`, `Issue Type`, `Status` (required),
//! `Status Category`, `Resolution`, `Created` (required), `Resolved`, a start date (see
//! [`JiraOptions::started_column`]), `Custom field (Story Points)` or
//! `Custom field (Story point estimate)`, the parent from `Parent key`,
//! `Custom field (Epic Link)`, `Parent` or `Parent id` (the first filled, in that order), every
//! `Labels` column, and the first filled `Fix Version/s` (or `Fix versions`). Other columns are
//! ignored.

use std::io::Read;
use std::iter::FusedIterator;

use csv::ByteRecord;
use leadup_core::work_item::{StatusCategory, WorkItem};
use time::UtcOffset;

use crate::checks::done_not_before;
use crate::date::{DateFormat, DateReader};
use crate::error::{ImportError, Row, RowError};
use crate::records::{Header, Records, date_cell, first_filled, text};

/// Columns tried, in order, for the date work started when no column is named.
const STARTED_COLUMNS: [&str; 4] =
    ["Custom field (Start date)", "Custom field (Actual start)", "Custom field (Actual Start Date)", "Start date"];
const ESTIMATE_COLUMNS: [&str; 2] = ["Custom field (Story Points)", "Custom field (Story point estimate)"];
const PARENT_COLUMNS: [&str; 4] = ["Parent key", "Custom field (Epic Link)", "Parent", "Parent id"];
const MILESTONE_COLUMNS: [&str; 2] = ["Fix Version/s", "Fix versions"];

/// Status names (lower case) taken as finished when the export has no `Status Category`.
const DONE_STATUSES: [&str; 11] = [
    "done",
    "closed",
    "resolved",
    "complete",
    "completed",
    "released",
    "cancelled",
    "canceled",
    "rejected",
    "won't do",
    "won't fix",
];
/// Status names (lower case) taken as not started when the export has no `Status Category`.
const TO_DO_STATUSES: [&str; 9] = [
    "to do",
    "todo",
    "open",
    "new",
    "backlog",
    "reopened",
    "selected for development",
    "ready",
    "ready for development",
];

/// How to read a Jira export.
#[derive(Debug, Clone)]
pub struct JiraOptions {
    /// How dates are written (Jira's look-and-feel setting, e.g. `dd/MMM/yy h:mm a`, or a
    /// strftime pattern). `None` detects, per cell, Jira's usual formats: `dd/MMM/yy h:mm a`,
    /// `dd/MMM/yyyy h:mm a`, the same with a 24-hour clock, date alone, `yyyy-MM-dd HH:mm` and
    /// ISO 8601 such as `2024-02-25T22:17:00.000+0000`. Month names are English.
    pub date_format: Option<DateFormat>,
    /// The offset of dates that state none. Jira writes times in the exporting user's time
    /// zone without saying which; UTC unless set.
    pub utc_offset: UtcOffset,
    /// The column holding the date work started. `None` takes the first present of
    /// `Custom field (Start date)`, `Custom field (Actual start)`,
    /// `Custom field (Actual Start Date)` and `Start date`, or leaves `started` empty.
    pub started_column: Option<String>,
}

impl Default for JiraOptions {
    fn default() -> Self {
        Self { date_format: None, utc_offset: UtcOffset::UTC, started_column: None }
    }
}

/// Reads a Jira CSV export. Fails at once when the input is empty or lacks `Issue key`,
/// `Status` or `Created` (or the named start column); after that, yields every issue as a
/// [`Row`] or a [`RowError`].
///
/// The status category is the `Status Category` column when the export has it and it says
/// `To Do`, `In Progress` or `Done`. Otherwise (no such column, an empty cell, or a category in
/// another language) an issue is done when it has a resolution date, a
/// resolution, or a status such as Done, Closed, Resolved or Won't Do; to do when its status is
/// such as To Do, Open, Backlog or Reopened; and in progress otherwise.
pub fn jira_csv<R: Read>(reader: R, options: &JiraOptions) -> Result<JiraRows<R>, ImportError> {
    let (records, header) = Records::open(reader, b',')?;
    let optional = |name: &str| header.find(name);
    let started = match &options.started_column {
        Some(name) => Some(header.require(name)?),
        None => STARTED_COLUMNS.iter().find_map(|name| header.find(name)),
    };
    let columns = Columns {
        key: header.require("Issue key")?,
        summary: optional("Summary"),
        kind: optional("Issue Type"),
        status: header.require("Status")?,
        status_category: optional("Status Category"),
        resolution: optional("Resolution"),
        created: header.require("Created")?,
        resolved: optional("Resolved"),
        started,
        estimate: header.find_each(&ESTIMATE_COLUMNS),
        parent: header.find_each(&PARENT_COLUMNS),
        labels: header.find_all("Labels"),
        milestone: header.find_each(&MILESTONE_COLUMNS),
    };
    let dates = DateReader::jira(options.date_format.as_ref(), options.utc_offset);
    Ok(JiraRows { records, header, columns, dates })
}

/// The issues of a Jira CSV export; see [`jira_csv`].
pub struct JiraRows<R> {
    records: Records<R>,
    header: Header,
    columns: Columns,
    dates: DateReader,
}

struct Columns {
    key: usize,
    summary: Option<usize>,
    kind: Option<usize>,
    status: usize,
    status_category: Option<usize>,
    resolution: Option<usize>,
    created: usize,
    resolved: Option<usize>,
    started: Option<usize>,
    estimate: Vec<usize>,
    parent: Vec<usize>,
    labels: Vec<usize>,
    milestone: Vec<usize>,
}

impl<R: Read> FusedIterator for JiraRows<R> {}

impl<R: Read> Iterator for JiraRows<R> {
    type Item = Result<Row, RowError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.records.next_row(|record| convert(record, &self.header, &self.columns, &mut self.dates))
    }
}

fn convert(
    record: &ByteRecord,
    header: &Header,
    columns: &Columns,
    dates: &mut DateReader,
) -> Result<WorkItem, String> {
    let cell = |index: Option<usize>| index.map_or(Ok(""), |index| text(record, header, index));
    let key = text(record, header, columns.key)?;
    if key.is_empty() {
        return Err(format!("{}: the key is empty", header.name(columns.key)));
    }
    let created = date_cell(record, header, columns.created, dates)?;
    let started = columns.started.map(|index| date_cell(record, header, index, dates)).transpose()?.flatten();
    let done = columns.resolved.map(|index| date_cell(record, header, index, dates)).transpose()?.flatten();
    done_not_before(done.as_ref(), &[created.as_ref(), started.as_ref()])?;
    let (created, started, done) = (created.map(|s| s.time), started.map(|s| s.time), done.map(|s| s.time));

    let status = cell(Some(columns.status))?;
    let resolution = cell(columns.resolution)?;
    // A localised export writes the category in its own language; the status and resolution
    // still tell, so an unknown category falls back to them rather than failing every row.
    let category = StatusCategory::parse(cell(columns.status_category)?)
        .unwrap_or_else(|| category_of(status, resolution, done.is_some()));

    let estimate = match first_filled(record, header, &columns.estimate)? {
        Some((index, value)) => Some(
            parse_estimate(value)
                .ok_or_else(|| format!("{}: '{value}' is not a non-negative number", header.name(index)))?,
        ),
        None => None,
    };
    let parent = first_filled(record, header, &columns.parent)?.map(|(_, value)| value.to_owned());
    let milestone = first_filled(record, header, &columns.milestone)?.map(|(_, value)| value.to_owned());
    let mut labels: Vec<String> = Vec::new();
    for &index in &columns.labels {
        // Jira labels hold no spaces; the "current fields" export joins several with spaces.
        for label in text(record, header, index)?.split_whitespace() {
            if !labels.iter().any(|known| known == label) {
                labels.push(label.to_owned());
            }
        }
    }

    Ok(WorkItem {
        key: key.to_owned(),
        title: cell(columns.summary)?.to_owned(),
        kind: cell(columns.kind)?.to_owned(),
        status: status.to_owned(),
        category,
        created,
        started,
        done,
        estimate,
        parent,
        labels,
        milestone,
    })
}

/// The category of an export without `Status Category`, from the status name, the resolution
/// and whether there is a resolution date.
fn category_of(status: &str, resolution: &str, resolved: bool) -> StatusCategory {
    let status = status.to_lowercase();
    let resolution = resolution.trim();
    let has_resolution = !resolution.is_empty() && !resolution.eq_ignore_ascii_case("unresolved");
    if resolved || has_resolution || DONE_STATUSES.contains(&status.as_str()) {
        StatusCategory::Done
    } else if TO_DO_STATUSES.contains(&status.as_str()) {
        StatusCategory::ToDo
    } else {
        StatusCategory::InProgress
    }
}

/// A story-point value: `3`, `2.5`, or `2,5` as some locales write it.
fn parse_estimate(value: &str) -> Option<f64> {
    let parsed = match value.parse::<f64>() {
        Ok(number) => number,
        Err(_) if value.matches(',').count() == 1 && !value.contains('.') => value.replace(',', ".").parse().ok()?,
        Err(_) => return None,
    };
    (parsed.is_finite() && parsed >= 0.0).then_some(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn category_without_a_status_category_column() {
        assert_eq!(category_of("In Review", "", false), StatusCategory::InProgress);
        assert_eq!(category_of("To Do", "", false), StatusCategory::ToDo);
        assert_eq!(category_of("Backlog", "Unresolved", false), StatusCategory::ToDo);
        assert_eq!(category_of("Closed", "", false), StatusCategory::Done);
        assert_eq!(category_of("Won't Do", "", false), StatusCategory::Done);
        assert_eq!(category_of("Verified", "Fixed", false), StatusCategory::Done);
        assert_eq!(category_of("Open", "", true), StatusCategory::Done);
    }

    #[test]
    fn estimates() {
        assert_eq!(parse_estimate("3"), Some(3.0));
        assert_eq!(parse_estimate("2.5"), Some(2.5));
        assert_eq!(parse_estimate("2,5"), Some(2.5));
        assert_eq!(parse_estimate("-1"), None);
        assert_eq!(parse_estimate("NaN"), None);
        assert_eq!(parse_estimate("three"), None);
    }
}
