//! Dates as trackers write them: ISO 8601, Jira's locale formats, and user-given patterns in
//! strftime (`%d.%m.%Y`) or Jira/Java (`dd/MMM/yy h:mm a`) notation.
//!
//! Parsing is done by hand rather than through `time`'s format descriptions so that it can be
//! lenient where exports are (one- or two-digit days and hours, any case in month names and
//! AM/PM, two-digit years) and fast enough for a million rows.

use std::fmt;
use std::str::FromStr;

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// A date pattern given by the user, such as `%d.%m.%Y` or `dd/MMM/yy h:mm a`.
///
/// Understood strftime specifiers: `%Y` (four-digit year), `%y` (two-digit year: 69–99 is
/// 1969–1999, 00–68 is 2000–2068), `%m`, `%d`/`%e`, `%H`, `%I` (12-hour, needs `%p`), `%M`,
/// `%S`, `%f` (fraction of a second), `%b`/`%h`/`%B` (English month name or abbreviation, any
/// case), `%p` (AM/PM, any case), `%z` (`Z`, `+0200`, `+02:00`), `%F` (`%Y-%m-%d`), `%T`
/// (`%H:%M:%S`), `%R` (`%H:%M`) and `%%`. The Jira/Java letters are `yyyy`, `yy`, `M`/`MM`,
/// `MMM`/`MMMM`, `d`/`dd`, `H`/`HH`, `h`/`hh`, `m`/`mm`, `s`/`ss`, `S...`, `a`, `Z`/`X...`, with
/// text in single quotes taken literally. A space in a pattern matches one or more spaces.
///
/// A pattern without a time of day gives midnight; one without an offset gives the offset the
/// reader was told the export is in (UTC unless said otherwise).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateFormat {
    pattern: String,
    items: Vec<Item>,
}

/// A date pattern that cannot be used, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid date format '{pattern}': {reason}")]
pub struct DateFormatError {
    /// The pattern as given.
    pub pattern: String,
    /// Why it cannot be used.
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Item {
    Literal(u8),
    Space,
    Year4,
    Year2,
    Month,
    MonthName,
    Day,
    Hour24,
    Hour12,
    Minute,
    Second,
    Fraction,
    Period,
    Offset,
}

impl DateFormat {
    /// Reads a strftime-style pattern such as `%d.%m.%Y` or `%Y-%m-%d %H:%M`.
    pub fn strftime(pattern: &str) -> Result<Self, DateFormatError> {
        let error = |reason: String| DateFormatError { pattern: pattern.to_owned(), reason };
        let mut items = Vec::new();
        let mut chars = pattern.chars();
        while let Some(c) = chars.next() {
            if c != '%' {
                push_literal(&mut items, c).map_err(error)?;
                continue;
            }
            let spec = chars.next().ok_or_else(|| error("it ends with a lone '%'".to_owned()))?;
            match spec {
                'Y' => items.push(Item::Year4),
                'y' => items.push(Item::Year2),
                'm' => items.push(Item::Month),
                'd' | 'e' => items.push(Item::Day),
                'H' => items.push(Item::Hour24),
                'I' => items.push(Item::Hour12),
                'M' => items.push(Item::Minute),
                'S' => items.push(Item::Second),
                'f' => items.push(Item::Fraction),
                'b' | 'h' | 'B' => items.push(Item::MonthName),
                'p' | 'P' => items.push(Item::Period),
                'z' => items.push(Item::Offset),
                'F' => items.extend([Item::Year4, Item::Literal(b'-'), Item::Month, Item::Literal(b'-'), Item::Day]),
                'T' => {
                    items.extend([Item::Hour24, Item::Literal(b':'), Item::Minute, Item::Literal(b':'), Item::Second]);
                }
                'R' => items.extend([Item::Hour24, Item::Literal(b':'), Item::Minute]),
                '%' => items.push(Item::Literal(b'%')),
                other => {
                    return Err(error(format!(
                        "'%{other}' is not supported (use %Y %y %m %d %H %I %M %S %f %b %B %p %z %F %T %R)"
                    )));
                }
            }
        }
        Self::checked(pattern, items)
    }

    /// Reads a Jira (Java `SimpleDateFormat`) pattern such as `dd/MMM/yy h:mm a`, as shown in
    /// Jira's look-and-feel settings.
    pub fn java(pattern: &str) -> Result<Self, DateFormatError> {
        let error = |reason: String| DateFormatError { pattern: pattern.to_owned(), reason };
        let chars: Vec<char> = pattern.chars().collect();
        let mut items = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let run = chars[i..].iter().take_while(|&&d| d == c).count();
            if c == '\'' {
                // 'text' is literal; '' is a quote.
                if run >= 2 {
                    items.push(Item::Literal(b'\''));
                    i += 2;
                    continue;
                }
                let close = chars[i + 1..]
                    .iter()
                    .position(|&d| d == '\'')
                    .ok_or_else(|| error("a quote is not closed".to_owned()))?;
                for &d in &chars[i + 1..i + 1 + close] {
                    push_literal(&mut items, d).map_err(error)?;
                }
                i += close + 2;
                continue;
            }
            let item = match (c, run) {
                ('y', 2) => Item::Year2,
                ('y' | 'u', _) => Item::Year4,
                ('M' | 'L', 1 | 2) => Item::Month,
                ('M' | 'L', _) => Item::MonthName,
                ('d', _) => Item::Day,
                ('H', _) => Item::Hour24,
                ('h', _) => Item::Hour12,
                ('m', _) => Item::Minute,
                ('s', _) => Item::Second,
                ('S', _) => Item::Fraction,
                ('a', _) => Item::Period,
                ('Z' | 'X' | 'x', _) => Item::Offset,
                (c, _) if c.is_ascii_alphabetic() => {
                    return Err(error(format!("'{c}' is not supported (use yyyy yy MM MMM dd HH hh mm ss SSS a Z)")));
                }
                (c, _) => {
                    push_literal(&mut items, c).map_err(error)?;
                    i += 1;
                    continue;
                }
            };
            items.push(item);
            i += run;
        }
        Self::checked(pattern, items)
    }

    fn checked(pattern: &str, items: Vec<Item>) -> Result<Self, DateFormatError> {
        let error = |reason: &str| Err(DateFormatError { pattern: pattern.to_owned(), reason: reason.to_owned() });
        let has = |wanted: &[Item]| items.iter().any(|item| wanted.contains(item));
        if !has(&[Item::Year4, Item::Year2]) {
            return error("it has no year");
        }
        if !has(&[Item::Month, Item::MonthName]) {
            return error("it has no month");
        }
        if !has(&[Item::Day]) {
            return error("it has no day");
        }
        if has(&[Item::Hour12]) != has(&[Item::Period]) {
            return error("a 12-hour clock needs AM/PM and AM/PM needs a 12-hour clock");
        }
        Ok(Self { pattern: pattern.to_owned(), items })
    }

    /// The pattern as it was given.
    pub fn pattern(&self) -> &str {
        &self.pattern
    }

    /// Parses `text` (surrounding spaces ignored), giving `offset` to a date that states none.
    /// `None` when the text does not match the pattern or names a day that does not exist.
    pub fn parse(&self, text: &str, offset: UtcOffset) -> Option<OffsetDateTime> {
        let mut cursor = Cursor::new(text.trim());
        let mut parts = Parts::default();
        for item in &self.items {
            match *item {
                Item::Literal(byte) => cursor.expect(byte)?,
                Item::Space => cursor.spaces()?,
                Item::Year4 => parts.year = cursor.number(4, 4)? as i32,
                Item::Year2 => {
                    let year = cursor.number(2, 2)? as i32;
                    parts.year = if year < 69 { 2000 + year } else { 1900 + year };
                }
                Item::Month => parts.month = cursor.number(1, 2)? as u8,
                Item::MonthName => parts.month = cursor.month_name()?,
                Item::Day => parts.day = cursor.number(1, 2)? as u8,
                Item::Hour24 => parts.hour = cursor.number(1, 2)? as u8,
                Item::Hour12 => parts.hour12 = Some(cursor.number(1, 2)? as u8),
                Item::Minute => parts.minute = cursor.number(2, 2)? as u8,
                Item::Second => parts.second = cursor.number(2, 2)? as u8,
                Item::Fraction => parts.nanosecond = cursor.fraction()?,
                Item::Period => parts.pm = Some(cursor.period()?),
                Item::Offset => parts.offset = Some(cursor.offset()?),
            }
        }
        if !cursor.at_end() {
            return None;
        }
        parts.build(offset)
    }
}

fn push_literal(items: &mut Vec<Item>, c: char) -> Result<(), String> {
    if c == ' ' {
        if items.last() != Some(&Item::Space) {
            items.push(Item::Space);
        }
        Ok(())
    } else if c.is_ascii() {
        items.push(Item::Literal(c as u8));
        Ok(())
    } else {
        Err(format!("'{c}' is not an ASCII character"))
    }
}

impl fmt::Display for DateFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.pattern)
    }
}

/// Reads a pattern with `%` as strftime, otherwise as a Jira/Java pattern.
impl FromStr for DateFormat {
    type Err = DateFormatError;

    fn from_str(pattern: &str) -> Result<Self, Self::Err> {
        if pattern.contains('%') { Self::strftime(pattern) } else { Self::java(pattern) }
    }
}

/// Parses ISO 8601 as exports write it: `2025-02-21`, `2025-02-21T10:00`,
/// `2025-02-21 10:00:00`, `2011-07-19T21:32:09.000+0000`, `2025-02-21T10:00:00Z`,
/// `2025-02-21T10:00:00+02:00`. A date alone is midnight; `offset` is given to a time that
/// states none.
pub fn parse_iso8601(text: &str, offset: UtcOffset) -> Option<OffsetDateTime> {
    let mut cursor = Cursor::new(text.trim());
    let mut parts = Parts { year: cursor.number(4, 4)? as i32, ..Parts::default() };
    cursor.expect(b'-')?;
    parts.month = cursor.number(2, 2)? as u8;
    cursor.expect(b'-')?;
    parts.day = cursor.number(2, 2)? as u8;
    if !cursor.at_end() {
        match cursor.peek()? {
            b'T' | b't' | b' ' => cursor.pos += 1,
            _ => return None,
        }
        parts.hour = cursor.number(2, 2)? as u8;
        cursor.expect(b':')?;
        parts.minute = cursor.number(2, 2)? as u8;
        if cursor.peek() == Some(b':') {
            cursor.pos += 1;
            parts.second = cursor.number(2, 2)? as u8;
            if matches!(cursor.peek(), Some(b'.' | b',')) {
                cursor.pos += 1;
                parts.nanosecond = cursor.fraction()?;
            }
        }
        if !cursor.at_end() {
            parts.offset = Some(cursor.offset()?);
        }
        if !cursor.at_end() {
            return None;
        }
    }
    parts.build(offset)
}

#[derive(Default)]
struct Parts {
    year: i32,
    month: u8,
    day: u8,
    hour: u8,
    hour12: Option<u8>,
    pm: Option<bool>,
    minute: u8,
    second: u8,
    nanosecond: u32,
    offset: Option<UtcOffset>,
}

impl Parts {
    fn build(self, default_offset: UtcOffset) -> Option<OffsetDateTime> {
        let hour = match (self.hour12, self.pm) {
            (Some(hour @ 1..=12), Some(pm)) => hour % 12 + if pm { 12 } else { 0 },
            (Some(_), _) => return None,
            (None, _) => self.hour,
        };
        let date = Date::from_calendar_date(self.year, Month::try_from(self.month).ok()?, self.day).ok()?;
        let time = Time::from_hms_nano(hour, self.minute, self.second, self.nanosecond).ok()?;
        Some(PrimitiveDateTime::new(date, time).assume_offset(self.offset.unwrap_or(default_offset)))
    }
}

struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

impl<'a> Cursor<'a> {
    fn new(text: &'a str) -> Self {
        Self { bytes: text.as_bytes(), pos: 0 }
    }

    fn at_end(&self) -> bool {
        self.pos == self.bytes.len()
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.pos += 1)
    }

    fn spaces(&mut self) -> Option<()> {
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.pos += 1;
        }
        (self.pos > start).then_some(())
    }

    /// Between `min` and `max` ASCII digits.
    fn number(&mut self, min: usize, max: usize) -> Option<u32> {
        let mut value = 0;
        let mut count = 0;
        while count < max {
            match self.peek() {
                Some(b @ b'0'..=b'9') => {
                    value = value * 10 + u32::from(b - b'0');
                    count += 1;
                    self.pos += 1;
                }
                _ => break,
            }
        }
        (count >= min).then_some(value)
    }

    /// One or more digits of a fraction of a second, as nanoseconds (digits past the ninth
    /// are dropped).
    fn fraction(&mut self) -> Option<u32> {
        let mut nanos = 0;
        let mut count = 0;
        while let Some(b @ b'0'..=b'9') = self.peek() {
            if count < 9 {
                nanos = nanos * 10 + u32::from(b - b'0');
            }
            count += 1;
            self.pos += 1;
        }
        if count == 0 {
            return None;
        }
        Some(nanos * 10u32.pow(9u32.saturating_sub(count)))
    }

    fn word(&mut self) -> &'a [u8] {
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_alphabetic()) {
            self.pos += 1;
        }
        &self.bytes[start..self.pos]
    }

    /// An English month name or its three-letter abbreviation (also `Sept`), any case.
    fn month_name(&mut self) -> Option<u8> {
        let word = self.word();
        if word.len() < 3 {
            return None;
        }
        let index = MONTHS.iter().position(|name| {
            let name = name.as_bytes();
            (word.len() == 3 && word.eq_ignore_ascii_case(&name[..3]))
                || word.eq_ignore_ascii_case(name)
                || (name.starts_with(b"sep") && word.eq_ignore_ascii_case(b"sept"))
        })?;
        Some(index as u8 + 1)
    }

    /// `AM` or `PM` in any case: true for PM.
    fn period(&mut self) -> Option<bool> {
        let word = self.word();
        if word.eq_ignore_ascii_case(b"am") {
            Some(false)
        } else if word.eq_ignore_ascii_case(b"pm") {
            Some(true)
        } else {
            None
        }
    }

    /// `Z`, `±HH`, `±HHMM` or `±HH:MM`.
    fn offset(&mut self) -> Option<UtcOffset> {
        let sign = match self.peek()? {
            b'Z' | b'z' => {
                self.pos += 1;
                return Some(UtcOffset::UTC);
            }
            b'+' => 1,
            b'-' => -1,
            _ => return None,
        };
        self.pos += 1;
        let hours = self.number(2, 2)? as i8;
        let minutes = if self.at_end() {
            0
        } else {
            if self.peek() == Some(b':') {
                self.pos += 1;
            }
            self.number(2, 2)? as i8
        };
        UtcOffset::from_hms(sign * hours, sign * minutes, 0).ok()
    }
}

/// How a reader turns date cells into times: a user-given pattern, ISO 8601, or the formats
/// Jira exports in (detected per cell, trying the last one that worked first).
#[derive(Debug, Clone)]
pub(crate) struct DateReader {
    rule: Rule,
    offset: UtcOffset,
    /// Index into `JIRA_FORMATS` (or its length for ISO 8601) that matched last.
    last_jira: usize,
}

#[derive(Debug, Clone)]
enum Rule {
    Pattern(DateFormat),
    Iso,
    Jira(Vec<DateFormat>),
}

const JIRA_FORMATS: [&str; 6] =
    ["%d/%b/%y %I:%M %p", "%d/%b/%Y %I:%M %p", "%d/%b/%y %H:%M", "%d/%b/%Y %H:%M", "%d/%b/%y", "%d/%b/%Y"];

impl DateReader {
    /// Dates in the given pattern, or ISO 8601 when there is none.
    pub(crate) fn new(format: Option<&DateFormat>, offset: UtcOffset) -> Self {
        let rule = format.map_or(Rule::Iso, |format| Rule::Pattern(format.clone()));
        Self { rule, offset, last_jira: 0 }
    }

    /// Dates in the given pattern, or in any of Jira's usual formats when there is none.
    pub(crate) fn jira(format: Option<&DateFormat>, offset: UtcOffset) -> Self {
        let rule = match format {
            Some(format) => Rule::Pattern(format.clone()),
            None => Rule::Jira(
                JIRA_FORMATS
                    .iter()
                    .map(|pattern| DateFormat::strftime(pattern).expect("a valid built-in format"))
                    .collect(),
            ),
        };
        Self { rule, offset, last_jira: 0 }
    }

    /// The cell's time, `None` for an empty cell, or a message naming the column and value.
    pub(crate) fn read(&mut self, column: &str, value: &str) -> Result<Option<OffsetDateTime>, String> {
        let value = value.trim();
        if value.is_empty() {
            return Ok(None);
        }
        let parsed = match &self.rule {
            Rule::Pattern(format) => format.parse(value, self.offset),
            Rule::Iso => parse_iso8601(value, self.offset),
            Rule::Jira(formats) => {
                let attempt = |index: usize| match formats.get(index) {
                    Some(format) => format.parse(value, self.offset),
                    None => parse_iso8601(value, self.offset),
                };
                let found = std::iter::once(self.last_jira)
                    .chain((0..=formats.len()).filter(|&index| index != self.last_jira))
                    .find_map(|index| attempt(index).map(|time| (index, time)));
                found.map(|(index, time)| {
                    self.last_jira = index;
                    time
                })
            }
        };
        parsed.map(Some).ok_or_else(|| format!("{column}: '{value}' is not a date (expected {})", self.expected()))
    }

    fn expected(&self) -> String {
        match &self.rule {
            Rule::Pattern(format) => format.pattern().to_owned(),
            Rule::Iso => "ISO 8601, e.g. 2025-02-21 or 2025-02-21T10:00:00+02:00".to_owned(),
            Rule::Jira(_) => {
                "dd/MMM/yy h:mm AM, dd/MMM/yyyy h:mm AM, yyyy-MM-dd HH:mm or ISO 8601; set the date format if the export uses another"
                    .to_owned()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    fn strftime(pattern: &str, text: &str) -> Option<OffsetDateTime> {
        DateFormat::strftime(pattern).unwrap().parse(text, UtcOffset::UTC)
    }

    #[test]
    fn strftime_patterns_parse_common_exports() {
        assert_eq!(strftime("%d.%m.%Y", "19.09.2022"), Some(datetime!(2022-09-19 0:00 UTC)));
        assert_eq!(strftime("%d.%m.%Y", "1.9.2022"), Some(datetime!(2022-09-01 0:00 UTC)));
        assert_eq!(strftime("%d/%b/%y %I:%M %p", "25/Feb/26 10:17 PM"), Some(datetime!(2026-02-25 22:17 UTC)));
        assert_eq!(strftime("%d/%b/%y %I:%M %p", "01/jan/99 12:05 am"), Some(datetime!(1999-01-01 0:05 UTC)));
        assert_eq!(strftime("%d/%b/%y %I:%M %p", "01/Jan/24 12:05 PM"), Some(datetime!(2024-01-01 12:05 UTC)));
        assert_eq!(strftime("%Y-%m-%d %H:%M:%S%z", "2024-03-01 08:30:15+0100"), Some(datetime!(2024-03-01 8:30:15 +1)));
        assert_eq!(strftime("%F %T.%f", "2024-03-01 08:30:15.25"), Some(datetime!(2024-03-01 8:30:15.25 UTC)));
        assert_eq!(strftime("%d %B %Y", "3 September 2024"), Some(datetime!(2024-09-03 0:00 UTC)));
        assert_eq!(strftime("%d %b %Y", "3 Sept 2024"), Some(datetime!(2024-09-03 0:00 UTC)));
    }

    #[test]
    fn strftime_rejects_what_does_not_match_or_does_not_exist() {
        assert_eq!(strftime("%d.%m.%Y", "31.02.2022"), None);
        assert_eq!(strftime("%d.%m.%Y", "2022-02-01"), None);
        assert_eq!(strftime("%d.%m.%Y", "01.02.2022 10:00"), None);
        assert_eq!(strftime("%d/%b/%y %I:%M %p", "25/Feb/26 13:17 PM"), None);
        assert_eq!(strftime("%d/%b/%y", "25/Fbr/26"), None);
    }

    #[test]
    fn bad_patterns_are_refused_with_a_reason() {
        let error = DateFormat::strftime("%d.%m.%Q").unwrap_err();
        assert!(error.to_string().starts_with("invalid date format '%d.%m.%Q': '%Q' is not supported"), "{error}");
        assert_eq!(DateFormat::strftime("%H:%M").unwrap_err().reason, "it has no year");
        assert_eq!(DateFormat::strftime("%Y-%m").unwrap_err().reason, "it has no day");
        assert!(DateFormat::strftime("%Y-%m-%d %I:%M").is_err());
        assert!(DateFormat::java("dd/MMM/yy h:mm q").is_err());
    }

    #[test]
    fn java_patterns_are_translated() {
        let format: DateFormat = "dd/MMM/yy h:mm a".parse().unwrap();
        assert_eq!(format.parse("25/Feb/26 10:17 PM", UtcOffset::UTC), Some(datetime!(2026-02-25 22:17 UTC)));
        let format: DateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSSZ".parse().unwrap();
        assert_eq!(
            format.parse("2011-07-19T21:32:09.000+0000", UtcOffset::UTC),
            Some(datetime!(2011-07-19 21:32:09 UTC))
        );
        let format: DateFormat = "%d.%m.%Y".parse().unwrap();
        assert_eq!(format.pattern(), "%d.%m.%Y");
        assert_eq!(format.to_string(), "%d.%m.%Y");
    }

    #[test]
    fn iso8601_with_and_without_time_and_offset() {
        let utc = UtcOffset::UTC;
        assert_eq!(parse_iso8601("2025-02-21", utc), Some(datetime!(2025-02-21 0:00 UTC)));
        assert_eq!(parse_iso8601("2025-02-21T10:00:00", utc), Some(datetime!(2025-02-21 10:00 UTC)));
        assert_eq!(parse_iso8601("2025-02-21 10:00", utc), Some(datetime!(2025-02-21 10:00 UTC)));
        assert_eq!(parse_iso8601("2011-07-19T21:32:09.000+0000", utc), Some(datetime!(2011-07-19 21:32:09 UTC)));
        assert_eq!(parse_iso8601("2025-02-21T10:00:00Z", utc), Some(datetime!(2025-02-21 10:00 UTC)));
        assert_eq!(parse_iso8601("2025-02-21T10:00:00+02:00", utc), Some(datetime!(2025-02-21 10:00 +2)));
        assert_eq!(parse_iso8601("2025-02-21T10:00:00-0530", utc), Some(datetime!(2025-02-21 10:00 -5:30)));
        assert_eq!(
            parse_iso8601("2025-02-21T10:00:00.123456789123Z", utc),
            Some(datetime!(2025-02-21 10:00:00.123456789 UTC))
        );
        let plus_one = UtcOffset::from_hms(1, 0, 0).unwrap();
        assert_eq!(parse_iso8601("2025-02-21T10:00", plus_one), Some(datetime!(2025-02-21 10:00 +1)));
        for bad in ["2025-02-30", "2025-2-21", "21.02.2025", "2025-02-21T25:00", "2025-02-21T10:00:00+2", "2025-02-21x"]
        {
            assert_eq!(parse_iso8601(bad, utc), None, "{bad}");
        }
    }

    #[test]
    fn jira_detection_accepts_each_usual_format_and_names_the_expectation() {
        let mut reader = DateReader::jira(None, UtcOffset::UTC);
        let read = |reader: &mut DateReader, text: &str| reader.read("Created", text).unwrap();
        assert_eq!(read(&mut reader, "25/Feb/26 10:17 PM"), Some(datetime!(2026-02-25 22:17 UTC)));
        assert_eq!(read(&mut reader, "25/Feb/2026 10:17 AM"), Some(datetime!(2026-02-25 10:17 UTC)));
        assert_eq!(read(&mut reader, "2024-02-25T22:17:00.000+0000"), Some(datetime!(2024-02-25 22:17 UTC)));
        assert_eq!(read(&mut reader, "2024-02-25 22:17"), Some(datetime!(2024-02-25 22:17 UTC)));
        assert_eq!(read(&mut reader, "25/Feb/26"), Some(datetime!(2026-02-25 0:00 UTC)));
        assert_eq!(read(&mut reader, "  "), None);
        let error = reader.read("Resolved", "31/Feb/26 1:00 PM").unwrap_err();
        assert!(
            error.starts_with("Resolved: '31/Feb/26 1:00 PM' is not a date (expected dd/MMM/yy h:mm AM"),
            "{error}"
        );
    }
}
