//! One stored value on its way from one database to another, and the conversions between
//! how SQLite and PostgreSQL store the same thing: a date is `YYYY-MM-DD` text in SQLite and a
//! `DATE` in PostgreSQL, a moment Unix seconds and a `TIMESTAMPTZ`, a boolean 0 or 1 and a
//! `BOOLEAN`. Every conversion is exact or refused; nothing is rounded.

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime};

use super::catalog::Kind;

/// A value as read from either backend.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
    Bool(bool),
    Date(Date),
    Time(OffsetDateTime),
}

const DATE: &[time::format_description::BorrowedFormatItem<'static>] = format_description!("[year]-[month]-[day]");

impl Value {
    /// Roughly how many bytes the value holds, for the report.
    pub(crate) fn size(&self) -> u64 {
        match self {
            Self::Null => 0,
            Self::Bool(_) => 1,
            Self::Date(_) => 4,
            Self::Int(_) | Self::Real(_) | Self::Time(_) => 8,
            Self::Text(text) => text.len() as u64,
            Self::Blob(bytes) => bytes.len() as u64,
        }
    }

    /// The value as a column of `kind` holds it on PostgreSQL, or why it cannot be.
    pub(crate) fn for_postgres(self, kind: Kind) -> Result<Self, String> {
        Ok(match (kind, self) {
            (_, Self::Null) => Self::Null,
            (Kind::Int, v @ Self::Int(_))
            | (Kind::Real, v @ Self::Real(_))
            | (Kind::Bool, v @ Self::Bool(_))
            | (Kind::Text, v @ Self::Text(_))
            | (Kind::Date, v @ Self::Date(_))
            | (Kind::Time, v @ Self::Time(_))
            | (Kind::Blob, v @ Self::Blob(_)) => v,
            (Kind::Real, Self::Int(n)) if n.unsigned_abs() <= 1 << 53 => Self::Real(n as f64),
            (Kind::Bool, Self::Int(0)) => Self::Bool(false),
            (Kind::Bool, Self::Int(1)) => Self::Bool(true),
            (Kind::Date, Self::Text(text)) => {
                Self::Date(Date::parse(&text, DATE).map_err(|_| format!("'{text}' is not a date (YYYY-MM-DD)"))?)
            }
            (Kind::Time, Self::Int(seconds)) => Self::Time(
                OffsetDateTime::from_unix_timestamp(seconds)
                    .map_err(|_| format!("{seconds} is not a time in Unix seconds"))?,
            ),
            (Kind::Time, Self::Text(text)) => Self::Time(
                OffsetDateTime::parse(&text, &Rfc3339).map_err(|_| format!("'{text}' is not an RFC 3339 time"))?,
            ),
            (_, value) => return Err(format!("a {} value does not fit the column's type", value.describe())),
        })
    }

    /// The value as a SQLite column of `kind` stores it (SQLite keeps integers, reals, text
    /// and blobs), or why it cannot be.
    pub(crate) fn for_sqlite(self, kind: Kind) -> Result<Self, String> {
        Ok(match self {
            Self::Bool(b) => Self::Int(i64::from(b)),
            Self::Date(date) => Self::Text(date.format(DATE).map_err(|e| e.to_string())?),
            Self::Time(at) if kind == Kind::Text => Self::Text(at.format(&Rfc3339).map_err(|e| e.to_string())?),
            Self::Time(at) if at.nanosecond() == 0 => Self::Int(at.unix_timestamp()),
            Self::Time(at) => return Err(format!("{at} has a fraction of a second, which Unix seconds cannot hold")),
            other => other,
        })
    }

    fn describe(&self) -> &'static str {
        match self {
            Self::Null => "NULL",
            Self::Int(_) => "whole number",
            Self::Real(_) => "real number",
            Self::Text(_) => "text",
            Self::Blob(_) => "blob",
            Self::Bool(_) => "boolean",
            Self::Date(_) => "date",
            Self::Time(_) => "time",
        }
    }
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Null => f.write_str("NULL"),
            Self::Int(n) => write!(f, "{n}"),
            Self::Real(x) => write!(f, "{x}"),
            Self::Text(text) => write!(f, "'{text}'"),
            Self::Blob(bytes) => write!(f, "<{} bytes>", bytes.len()),
            Self::Bool(b) => write!(f, "{b}"),
            Self::Date(d) => write!(f, "{d}"),
            Self::Time(t) => write!(f, "{t}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_forms_become_postgres_types_and_back() {
        let date = Value::Text("2026-02-28".into()).for_postgres(Kind::Date).unwrap();
        assert_eq!(date, Value::Date(time::macros::date!(2026 - 02 - 28)));
        assert_eq!(date.for_sqlite(Kind::Text).unwrap(), Value::Text("2026-02-28".into()));
        let at = Value::Int(1_767_225_600).for_postgres(Kind::Time).unwrap();
        assert_eq!(at, Value::Time(time::macros::datetime!(2026-01-01 0:00 UTC)));
        assert_eq!(at.for_sqlite(Kind::Int).unwrap(), Value::Int(1_767_225_600));
        assert_eq!(Value::Int(1).for_postgres(Kind::Bool).unwrap(), Value::Bool(true));
        assert_eq!(Value::Bool(false).for_sqlite(Kind::Any).unwrap(), Value::Int(0));
        assert_eq!(Value::Int(3).for_postgres(Kind::Real).unwrap(), Value::Real(3.0));
        assert_eq!(Value::Null.for_postgres(Kind::Date).unwrap(), Value::Null);
    }

    #[test]
    fn what_does_not_fit_is_refused_not_rounded() {
        assert_eq!(
            Value::Text("28/02/2026".into()).for_postgres(Kind::Date).unwrap_err(),
            "'28/02/2026' is not a date (YYYY-MM-DD)"
        );
        assert_eq!(
            Value::Int(2).for_postgres(Kind::Bool).unwrap_err(),
            "a whole number value does not fit the column's type"
        );
        assert_eq!(
            Value::Text("x".into()).for_postgres(Kind::Int).unwrap_err(),
            "a text value does not fit the column's type"
        );
        assert!(Value::Int((1 << 53) + 1).for_postgres(Kind::Real).is_err());
        let fraction = time::macros::datetime!(2026-01-01 0:00:00.5 UTC);
        assert!(Value::Time(fraction).for_sqlite(Kind::Int).is_err());
    }
}
