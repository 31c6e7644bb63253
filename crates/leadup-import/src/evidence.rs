//! Evidence from a CSV file: one piece of evidence per row, through a column mapping whose
//! defaults are the field names (`kind`, `summary`, `customer`, `source`, `date`,
//! `revenue_at_stake`, `currency`, `customers_affected`), matched in any case.
//!
//! Each row is validated as the CLI and the API validate evidence, so an imported row is held
//! to the same rules; a bad row names its line, the column and the value.

use std::io::Read;
use std::iter::FusedIterator;

use csv::ByteRecord;
use leadup_core::date;
use leadup_core::evidence::{EvidenceDraft, EvidenceInput};
use leadup_core::initiative::DEFAULT_CURRENCY;
use time::UtcOffset;

use crate::date::{DateFormat, DateReader};
use crate::error::{ImportError, RowError};
use crate::records::{Header, Records, text};

/// Which columns of a CSV file hold which field of a piece of evidence, and how its cells are
/// written. A column left `None` is looked for under the field's own name (any case): `kind`
/// and `summary` must be there, the others are read when the file has them. A column that is
/// named must be in the header.
#[derive(Debug, Clone)]
pub struct EvidenceMapping {
    /// The field separator, e.g. `b','` or `b';'`.
    pub delimiter: u8,
    /// The column holding the kind (`support_ticket`, "support ticket", ...).
    pub kind: Option<String>,
    /// The column holding the summary or quote.
    pub summary: Option<String>,
    /// The column holding the customer or segment.
    pub customer: Option<String>,
    /// The column holding the source link.
    pub source: Option<String>,
    /// The column holding the date.
    pub date: Option<String>,
    /// The column holding the revenue at stake, in whole units of its currency (`12500` or
    /// `12,500.50`), as the evidence form takes it.
    pub revenue_at_stake: Option<String>,
    /// The column holding the revenue's currency code; `EUR` where empty or absent.
    pub currency: Option<String>,
    /// The column holding the number of customers affected.
    pub customers_affected: Option<String>,
    /// How dates are written; `None` reads ISO 8601 (a date, or a time whose day is taken).
    pub date_format: Option<DateFormat>,
}

impl Default for EvidenceMapping {
    /// Comma-separated, every column under its field's name, ISO 8601 dates.
    fn default() -> Self {
        Self {
            delimiter: b',',
            kind: None,
            summary: None,
            customer: None,
            source: None,
            date: None,
            revenue_at_stake: None,
            currency: None,
            customers_affected: None,
            date_format: None,
        }
    }
}

/// A valid piece of evidence read from the file, with the line its record starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceRecord {
    /// 1-based line number where the record starts.
    pub line: u64,
    /// The evidence, validated.
    pub evidence: EvidenceDraft,
}

/// Reads evidence from a CSV file through `mapping`. Fails at once when the input is empty or
/// a needed column is not in the header; after that, yields every data row as an
/// [`EvidenceRecord`] or a [`RowError`].
pub fn evidence_csv<R: Read>(reader: R, mapping: &EvidenceMapping) -> Result<EvidenceRows<R>, ImportError> {
    let (records, header) = Records::open(reader, mapping.delimiter)?;
    let required = |named: &Option<String>, field: &str| header.require(named.as_deref().unwrap_or(field));
    let optional = |named: &Option<String>, field: &str| match named {
        Some(name) => header.require(name).map(Some),
        None => Ok(header.find(field)),
    };
    let columns = Columns {
        kind: required(&mapping.kind, "kind")?,
        summary: required(&mapping.summary, "summary")?,
        customer: optional(&mapping.customer, "customer")?,
        source: optional(&mapping.source, "source")?,
        date: optional(&mapping.date, "date")?,
        revenue_at_stake: optional(&mapping.revenue_at_stake, "revenue_at_stake")?,
        currency: optional(&mapping.currency, "currency")?,
        customers_affected: optional(&mapping.customers_affected, "customers_affected")?,
    };
    let dates = DateReader::new(mapping.date_format.as_ref(), UtcOffset::UTC);
    Ok(EvidenceRows { records, header, columns, dates })
}

/// The rows of an evidence CSV file; see [`evidence_csv`].
pub struct EvidenceRows<R> {
    records: Records<R>,
    header: Header,
    columns: Columns,
    dates: DateReader,
}

struct Columns {
    kind: usize,
    summary: usize,
    customer: Option<usize>,
    source: Option<usize>,
    date: Option<usize>,
    revenue_at_stake: Option<usize>,
    currency: Option<usize>,
    customers_affected: Option<usize>,
}

impl<R: Read> FusedIterator for EvidenceRows<R> {}

impl<R: Read> Iterator for EvidenceRows<R> {
    type Item = Result<EvidenceRecord, RowError>;

    fn next(&mut self) -> Option<Self::Item> {
        let (line, record) = match self.records.next_record()? {
            Ok(next) => next,
            Err(error) => return Some(Err(error)),
        };
        let evidence = convert(record, &self.header, &self.columns, &mut self.dates);
        Some(evidence.map(|evidence| EvidenceRecord { line, evidence }).map_err(|message| RowError::new(line, message)))
    }
}

fn convert(
    record: &ByteRecord,
    header: &Header,
    columns: &Columns,
    dates: &mut DateReader,
) -> Result<EvidenceDraft, String> {
    let cell = |index: Option<usize>| -> Result<Option<String>, String> {
        let value = index.map(|index| text(record, header, index)).transpose()?;
        Ok(value.filter(|v| !v.is_empty()).map(str::to_owned))
    };
    let whole = |index: Option<usize>| -> Result<Option<i64>, String> {
        cell(index)?
            .map(|value| {
                value
                    .parse::<i64>()
                    .map_err(|_| format!("{}: '{value}' is not a whole number", header.name(index.unwrap_or_default())))
            })
            .transpose()
    };
    // An amount that is not one is named after the row's other problems, which are still read.
    let (revenue_at_stake, revenue_problem) = match cell(columns.revenue_at_stake)? {
        None => (None, None),
        Some(value) => match leadup_core::money::parse_amount(&value) {
            Ok(minor) => (Some(minor), None),
            Err(why) => (None, Some(format!("{}: {why}", header.name(columns.revenue_at_stake.unwrap_or_default())))),
        },
    };
    let date = match columns.date {
        Some(index) => {
            let value = text(record, header, index)?;
            dates.read(header.name(index), value)?.map(|time| date::format(time.date()))
        }
        None => None,
    };
    let input = EvidenceInput {
        kind: text(record, header, columns.kind)?.to_owned(),
        summary: text(record, header, columns.summary)?.to_owned(),
        source: cell(columns.source)?,
        date,
        customer: cell(columns.customer)?,
        customers_affected: whole(columns.customers_affected)?,
        revenue_at_stake,
        currency: cell(columns.currency)?.unwrap_or_else(|| DEFAULT_CURRENCY.to_owned()),
        recorded_by: None,
    };
    let checked = input.validate().map_err(|errors| {
        let column = |field: &str| {
            let index = match field {
                "kind" => Some(columns.kind),
                "summary" => Some(columns.summary),
                "customer" => columns.customer,
                "source" => columns.source,
                "date" => columns.date,
                "revenue_at_stake" => columns.revenue_at_stake,
                "currency" => columns.currency,
                "customers_affected" => columns.customers_affected,
                _ => None,
            };
            index.map_or(field, |index| header.name(index)).to_owned()
        };
        errors.0.iter().map(|e| format!("{}: {}", column(&e.field), e.message)).collect::<Vec<_>>().join("; ")
    });
    match (checked, revenue_problem) {
        (checked, None) => checked,
        (Ok(_), Some(problem)) => Err(problem),
        (Err(others), Some(problem)) => Err(format!("{others}; {problem}")),
    }
}
