//! Any CSV file, read through a column mapping: which column holds the key, the created,
//! started and done dates and the title, with the delimiter and date format.

use std::io::Read;
use std::iter::FusedIterator;

use csv::ByteRecord;

use leadup_core::work_item::{StatusCategory, WorkItem};
use time::UtcOffset;

use crate::checks::done_not_before;
use crate::date::{DateFormat, DateReader};
use crate::error::{ImportError, Row, RowError};
use crate::records::{Header, Records, date_cell, text};

/// Which columns of a CSV file hold what, and how its cells are written.
///
/// Column names match the header exactly or, failing that, in any case. Without a `created`
/// column the items have no creation time (`created` is `None`): leadup does not invent one
/// from the start date. An empty date cell means "not yet" (not created, not started, not
/// done). There is no status column: `status` is left empty and the category follows from the
/// times (done once there is a done date, in progress once started, else to do).
#[derive(Debug, Clone)]
pub struct CsvMapping {
    /// The field separator, e.g. `b','` or `b';'`.
    pub delimiter: u8,
    /// The column holding the item's key; required, and every row needs a value.
    pub key: String,
    /// The column holding the creation date, if the file has one.
    pub created: Option<String>,
    /// The column holding the date work started, if the file has one.
    pub started: Option<String>,
    /// The column holding the date the item was finished; empty cells are open items.
    pub done: String,
    /// The column holding the title, if the file has one.
    pub title: Option<String>,
    /// How dates are written; `None` reads ISO 8601 with or without time and offset.
    pub date_format: Option<DateFormat>,
    /// The offset of dates that state none (UTC unless set).
    pub utc_offset: UtcOffset,
}

impl CsvMapping {
    /// A comma-separated file with ISO 8601 dates, keyed by `key`, done at `done`, and no
    /// other columns mapped.
    pub fn new(key: impl Into<String>, done: impl Into<String>) -> Self {
        Self {
            delimiter: b',',
            key: key.into(),
            created: None,
            started: None,
            done: done.into(),
            title: None,
            date_format: None,
            utc_offset: UtcOffset::UTC,
        }
    }
}

/// Reads a CSV file through `mapping`. Fails at once when the input is empty or a mapped column
/// is not in the header; after that, yields every data row as a [`Row`] or a [`RowError`].
pub fn generic_csv<R: Read>(reader: R, mapping: &CsvMapping) -> Result<CsvRows<R>, ImportError> {
    let (records, header) = Records::open(reader, mapping.delimiter)?;
    let optional = |name: &Option<String>| name.as_deref().map(|name| header.require(name)).transpose();
    let columns = Columns {
        key: header.require(&mapping.key)?,
        created: optional(&mapping.created)?,
        started: optional(&mapping.started)?,
        done: header.require(&mapping.done)?,
        title: optional(&mapping.title)?,
    };
    let dates = DateReader::new(mapping.date_format.as_ref(), mapping.utc_offset);
    Ok(CsvRows { records, header, columns, dates })
}

/// The rows of a generic CSV file; see [`generic_csv`].
pub struct CsvRows<R> {
    records: Records<R>,
    header: Header,
    columns: Columns,
    dates: DateReader,
}

struct Columns {
    key: usize,
    created: Option<usize>,
    started: Option<usize>,
    done: usize,
    title: Option<usize>,
}

impl<R: Read> FusedIterator for CsvRows<R> {}

impl<R: Read> Iterator for CsvRows<R> {
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
    let key = text(record, header, columns.key)?;
    if key.is_empty() {
        return Err(format!("{}: the key is empty", header.name(columns.key)));
    }
    let created = columns.created.map(|index| date_cell(record, header, index, dates)).transpose()?.flatten();
    let started = columns.started.map(|index| date_cell(record, header, index, dates)).transpose()?.flatten();
    let done = date_cell(record, header, columns.done, dates)?;
    done_not_before(done.as_ref(), &[created.as_ref(), started.as_ref()])?;
    let title = columns.title.map(|index| text(record, header, index)).transpose()?.unwrap_or_default();
    let (created, started, done) = (created.map(|s| s.time), started.map(|s| s.time), done.map(|s| s.time));
    Ok(WorkItem {
        key: key.to_owned(),
        title: title.to_owned(),
        kind: String::new(),
        status: String::new(),
        category: StatusCategory::from_times(started, done),
        created,
        started,
        done,
        estimate: None,
        parent: None,
        labels: Vec::new(),
        milestone: None,
    })
}
