//! Money as integer minor units (cents) with an ISO 4217 currency code; never floats.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ValidationErrors;

/// An ISO 4217 currency code: three upper-case ASCII letters such as `EUR`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Currency(String);

impl Currency {
    /// Accepts three ASCII letters (any case) and stores them upper-case.
    pub fn parse(code: &str) -> Option<Self> {
        let code = code.trim();
        (code.len() == 3 && code.bytes().all(|b| b.is_ascii_alphabetic())).then(|| Self(code.to_ascii_uppercase()))
    }

    /// The code, e.g. `EUR`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub(crate) fn parse_field(errors: &mut ValidationErrors, field: &str, code: &str) -> Self {
        Self::parse(code).unwrap_or_else(|| {
            errors.add(field, format!("'{code}' is not a three-letter currency code such as EUR"));
            Self(String::new())
        })
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An amount in minor units of a currency (for EUR, cents).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    /// Minor units; never negative for budgets.
    pub minor: i64,
    /// The currency the amount is in.
    pub currency: Currency,
}

impl Money {
    /// A human-readable amount with thousands separators, e.g. `EUR 1,250,000`
    /// (whole units; cents are shown only when there are any).
    pub fn display(&self) -> String {
        format!("{} {}", self.currency, major_units(self.minor))
    }
}

/// An amount of minor units written in whole units with thousands separators, e.g.
/// `1,250,000` or `-999.50` (cents are shown only when there are any); no currency.
pub fn major_units(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    let (units, cents) = (abs / 100, abs % 100);
    let grouped = group_thousands(units);
    if cents == 0 { format!("{sign}{grouped}") } else { format!("{sign}{grouped}.{cents:02}") }
}

/// `n` with thousands separators: `1250000` as `1,250,000`.
pub fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    grouped
}

/// Reads an amount written in whole currency units with up to two decimals
/// (`250000`, `1,250.50`) as minor units; `None` when it is not such a number.
pub fn parse_major_units(text: &str) -> Option<i64> {
    let cleaned: String = text.trim().chars().filter(|c| *c != ',' && *c != '_').collect();
    let (negative, digits) = cleaned.strip_prefix('-').map_or((false, cleaned.as_str()), |rest| (true, rest));
    let (units, cents) = digits.split_once('.').unwrap_or((digits, ""));
    if units.is_empty() || cents.len() > 2 || !units.bytes().chain(cents.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let cents: i64 = format!("{cents:0<2}").parse().ok()?;
    let minor = units.parse::<i64>().ok()?.checked_mul(100)?.checked_add(cents)?;
    Some(if negative { -minor } else { minor })
}

/// Reads an amount a person typed in whole currency units (`12500`, `12,500.50`), as a form, a
/// CSV file or a flag takes it, as minor units; `Err` says why it is not one, quoting the text
/// as typed (so a negative amount reads "must not be negative (got -300)", not in cents).
pub fn parse_amount(text: &str) -> Result<i64, String> {
    match parse_major_units(text) {
        Some(minor) if minor < 0 => Err(format!("must not be negative (got {})", text.trim())),
        Some(minor) => Ok(minor),
        None => Err(format!("'{}' is not an amount in whole units, such as 12500 or 12,500.50", text.trim())),
    }
}

/// Records an error under `field` when a budget amount is negative.
pub(crate) fn check_budget(errors: &mut ValidationErrors, field: &str, minor: i64) {
    if minor < 0 {
        errors.add(field, format!("must not be negative (got {minor})"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_amounts_are_whole_units_and_never_negative() {
        assert_eq!(parse_amount(" 12,500.5 "), Ok(1_250_050));
        assert_eq!(parse_amount("990"), Ok(99_000));
        assert_eq!(parse_amount("-300"), Err("must not be negative (got -300)".to_owned()));
        assert_eq!(
            parse_amount("12.5k"),
            Err("'12.5k' is not an amount in whole units, such as 12500 or 12,500.50".to_owned())
        );
    }

    #[test]
    fn currency_codes() {
        assert_eq!(Currency::parse("eur").unwrap().as_str(), "EUR");
        assert!(Currency::parse("EURO").is_none());
        assert!(Currency::parse("E1R").is_none());
    }

    #[test]
    fn major_units_become_minor_units() {
        assert_eq!(parse_major_units("250000"), Some(25_000_000));
        assert_eq!(parse_major_units("1,250.5"), Some(125_050));
        assert_eq!(parse_major_units("0.07"), Some(7));
        assert_eq!(parse_major_units("-3"), Some(-300));
        assert_eq!(parse_major_units("12.345"), None);
        assert_eq!(parse_major_units("12e3"), None);
        assert_eq!(parse_major_units(""), None);
        assert_eq!(parse_major_units("99999999999999999999"), None);
    }

    #[test]
    fn displays_grouped_units() {
        let eur = Currency::parse("EUR").unwrap();
        let m = |minor| Money { minor, currency: eur.clone() }.display();
        assert_eq!(m(125_000_000), "EUR 1,250,000");
        assert_eq!(m(99_950), "EUR 999.50");
        assert_eq!(m(0), "EUR 0");
        assert_eq!(m(-12_345_600), "EUR -123,456");
        assert_eq!(major_units(-52_600), "-526");
        assert_eq!(major_units(-526), "-5.26");
    }
}
