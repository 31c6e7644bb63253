//! The CSV machinery the Jira and generic readers share: the header and its column look-ups,
//! and records read one at a time with the line each starts on.
//!
//! Records are read as bytes and only the cells an importer uses are decoded, so a stray
//! non-UTF-8 byte in a description nobody imports does not cost the row.

use std::io::Read;

use csv::{ByteRecord, ReaderBuilder};
use leadup_core::work_item::WorkItem;

use crate::checks::Stamp;
use crate::date::DateReader;
use crate::error::{ImportError, Row, RowError};

/// The header line: column names in order, as written (trimmed).
#[derive(Debug, Clone)]
pub(crate) struct Header {
    names: Vec<String>,
}

impl Header {
    /// The first column with this name: an exact match, else one that differs only in case.
    pub(crate) fn find(&self, name: &str) -> Option<usize> {
        let name = name.trim();
        self.names
            .iter()
            .position(|n| n == name)
            .or_else(|| self.names.iter().position(|n| n.eq_ignore_ascii_case(name)))
    }

    /// Like [`Self::find`], failing with the list of columns there are.
    pub(crate) fn require(&self, name: &str) -> Result<usize, ImportError> {
        self.find(name).ok_or_else(|| ImportError::MissingColumn {
            column: name.trim().to_owned(),
            columns: self.names.join(", "),
        })
    }

    /// Every column with this name (any case), in order: multi-value fields repeat a name.
    pub(crate) fn find_all(&self, name: &str) -> Vec<usize> {
        (0..self.names.len()).filter(|&i| self.names[i].eq_ignore_ascii_case(name)).collect()
    }

    /// For each name in order of preference, every column with it.
    pub(crate) fn find_each(&self, names: &[&str]) -> Vec<usize> {
        let mut found: Vec<usize> = Vec::new();
        for name in names {
            for index in self.find_all(name) {
                if !found.contains(&index) {
                    found.push(index);
                }
            }
        }
        found
    }

    /// The name of column `index`.
    pub(crate) fn name(&self, index: usize) -> &str {
        &self.names[index]
    }
}

/// CSV records after the header, one at a time.
pub(crate) struct Records<R> {
    reader: csv::Reader<R>,
    record: ByteRecord,
    width: usize,
    finished: bool,
}

impl<R: Read> Records<R> {
    /// Reads the header line.
    pub(crate) fn open(input: R, delimiter: u8) -> Result<(Self, Header), ImportError> {
        let mut reader = ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(1 << 16)
            .from_reader(input);
        let mut record = ByteRecord::new();
        let found = reader.read_byte_record(&mut record).map_err(|error| header_error(error, &record))?;
        if !found {
            return Err(ImportError::Empty);
        }
        let mut names = Vec::with_capacity(record.len());
        for (index, cell) in record.iter().enumerate() {
            // A UTF-8 byte order mark is stripped by the csv crate; be safe with a second one.
            let name = std::str::from_utf8(cell).map_err(|_| ImportError::Malformed {
                line: line_of(&record),
                message: format!("header column {} is not UTF-8 text", index + 1),
            })?;
            names.push(name.trim_start_matches('\u{feff}').trim().to_owned());
        }
        let width = names.len();
        Ok((Self { reader, record, width, finished: false }, Header { names }))
    }

    /// The next record and the line it starts on; a record of the wrong width, or an input that
    /// cannot be read (after which nothing follows), is an error.
    pub(crate) fn next_record(&mut self) -> Option<Result<(u64, &ByteRecord), RowError>> {
        if self.finished {
            return None;
        }
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => {
                self.finished = true;
                None
            }
            Ok(true) => {
                let line = line_of(&self.record);
                if self.record.len() == self.width {
                    Some(Ok((line, &self.record)))
                } else {
                    Some(Err(RowError::new(
                        line,
                        format!("expected {} columns as in the header, found {}", self.width, self.record.len()),
                    )))
                }
            }
            Err(error) => {
                self.finished = true;
                let line = error.position().map_or_else(|| self.reader.position().line(), csv::Position::line);
                Some(Err(RowError::fatal(line, format!("cannot read the input: {error}"))))
            }
        }
    }
}

impl<R: Read> Records<R> {
    /// The next record made into a work item by `convert`, as a row on the line the record
    /// starts on; `convert`'s message becomes that line's error.
    pub(crate) fn next_row(
        &mut self,
        convert: impl FnOnce(&ByteRecord) -> Result<WorkItem, String>,
    ) -> Option<Result<Row, RowError>> {
        let (line, record) = match self.next_record()? {
            Ok(next) => next,
            Err(error) => return Some(Err(error)),
        };
        Some(convert(record).map(|item| Row { line, item }).map_err(|message| RowError::new(line, message)))
    }
}

fn line_of(record: &ByteRecord) -> u64 {
    record.position().map_or(0, csv::Position::line)
}

fn header_error(error: csv::Error, record: &ByteRecord) -> ImportError {
    if error.is_io_error() {
        match error.into_kind() {
            csv::ErrorKind::Io(error) => ImportError::Read(error),
            _ => unreachable!("is_io_error() said it is an IO error"),
        }
    } else {
        ImportError::Malformed { line: line_of(record).max(1), message: error.to_string() }
    }
}

/// Cell `index` of `record` as trimmed text, or a message naming the column (text that is
/// not UTF-8, or holds a NUL character, is refused).
pub(crate) fn text<'r>(record: &'r ByteRecord, header: &Header, index: usize) -> Result<&'r str, String> {
    let text = std::str::from_utf8(&record[index])
        .map(str::trim)
        .map_err(|_| format!("{}: the value is not UTF-8 text", header.name(index)))?;
    if text.contains('\0') {
        return Err(format!("{}: the value contains a NUL character", header.name(index)));
    }
    Ok(text)
}

/// The first non-empty cell among `columns`, with its column index.
pub(crate) fn first_filled<'r>(
    record: &'r ByteRecord,
    header: &Header,
    columns: &[usize],
) -> Result<Option<(usize, &'r str)>, String> {
    for &index in columns {
        let value = text(record, header, index)?;
        if !value.is_empty() {
            return Ok(Some((index, value)));
        }
    }
    Ok(None)
}

/// Cell `index` read as a date: `None` when empty, or a message naming the column and value.
pub(crate) fn date_cell<'r>(
    record: &'r ByteRecord,
    header: &'r Header,
    index: usize,
    dates: &mut DateReader,
) -> Result<Option<Stamp<'r>>, String> {
    let column = header.name(index);
    let value = text(record, header, index)?;
    Ok(dates.read(column, value)?.map(|time| Stamp { column, text: value, time }))
}
