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
    reader: csv::Reader<QuoteWatch<R>>,
    record: ByteRecord,
    width: usize,
    finished: bool,
    /// The header's column names, to name the column of an unclosed quote.
    names: Vec<String>,
    /// Errors still to yield: the lines an unclosed quote swallowed.
    pending: std::collections::VecDeque<RowError>,
}

/// Where the input stands in the CSV quoting rules, as the `csv` crate reads them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quoting {
    /// At the start of a field.
    FieldStart,
    /// In a field that did not start with a quote.
    Unquoted,
    /// In a quoted field.
    Quoted,
    /// Just after a quote inside a quoted field: a second one is an escaped quote.
    QuoteInQuoted,
}

/// The input, watched on its way to the CSV reader for whether it ends inside a quoted field
/// (a quote left open swallows every line after it into one field).
struct QuoteWatch<R> {
    inner: R,
    delimiter: u8,
    state: Quoting,
    /// Bytes read so far.
    bytes: u64,
    /// Whether the input has ended.
    ended: bool,
}

impl<R: Read> Read for QuoteWatch<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 && !buf.is_empty() {
            self.ended = true;
        }
        self.bytes += n as u64;
        let delimiter = self.delimiter;
        let mut state = self.state;
        for &byte in &buf[..n] {
            state = match (state, byte) {
                (Quoting::Quoted, b'"') => Quoting::QuoteInQuoted,
                (Quoting::Quoted, _) | (Quoting::QuoteInQuoted | Quoting::FieldStart, b'"') => Quoting::Quoted,
                (_, b'\n' | b'\r') => Quoting::FieldStart,
                (_, b) if b == delimiter => Quoting::FieldStart,
                _ => Quoting::Unquoted,
            };
        }
        self.state = state;
        Ok(n)
    }
}

impl<R: Read> Records<R> {
    /// Reads the header line.
    pub(crate) fn open(input: R, delimiter: u8) -> Result<(Self, Header), ImportError> {
        let input = QuoteWatch { inner: input, delimiter, state: Quoting::FieldStart, bytes: 0, ended: false };
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
        let records = Self {
            reader,
            record,
            width,
            finished: false,
            names: names.clone(),
            pending: std::collections::VecDeque::new(),
        };
        Ok((records, Header { names }))
    }

    /// Whether the record just read is one whose last field is a quote never closed: the
    /// input ended inside it, right where the record ends.
    fn runs_to_an_unclosed_quote(&self) -> bool {
        let watch = self.reader.get_ref();
        watch.ended && watch.state == Quoting::Quoted && self.reader.position().byte() == watch.bytes
    }

    /// The errors of a record whose last field opens a quote that is never closed: the line
    /// the quote opens on, then each line it swallowed.
    fn unclosed_quote(&mut self, line: u64) -> RowError {
        let record = &self.record;
        let last = record.len().saturating_sub(1);
        let newlines = |cell: &[u8]| cell.split(|b| *b == b'\n').count() as u64 - 1;
        let opens = line + record.iter().take(last).map(newlines).sum::<u64>();
        let column = self.names.get(last).map_or_else(|| format!("column {}", last + 1), Clone::clone);
        let swallowed: Vec<u64> = record
            .get(last)
            .unwrap_or_default()
            .split(|b| *b == b'\n')
            .enumerate()
            .skip(1)
            .filter(|(_, text)| !text.iter().all(u8::is_ascii_whitespace))
            .map(|(k, _)| opens + k as u64)
            .collect();
        for at in &swallowed {
            self.pending.push_back(RowError::new(
                *at,
                format!("swallowed by the quote opened in {column} on line {opens}, which is never closed"),
            ));
        }
        let lines = match (swallowed.first(), swallowed.last()) {
            (Some(first), Some(last)) if first == last => format!("; it swallowed line {first}"),
            (Some(first), Some(last)) => format!("; it swallowed lines {first} to {last}"),
            _ => String::new(),
        };
        RowError::new(
            opens,
            format!("{column}: the quote opened here is never closed (it runs to the end of the file{lines})"),
        )
    }

    /// The next record and the line it starts on; a record of the wrong width, or an input that
    /// cannot be read (after which nothing follows), is an error.
    pub(crate) fn next_record(&mut self) -> Option<Result<(u64, &ByteRecord), RowError>> {
        if let Some(error) = self.pending.pop_front() {
            return Some(Err(error));
        }
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
                if self.runs_to_an_unclosed_quote() {
                    self.finished = true;
                    return Some(Err(self.unclosed_quote(line)));
                }
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
