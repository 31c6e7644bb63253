//! When a stakeholder's next brief is due, by their cadence: a pure function of the cadence,
//! the day the last brief was sent and today (no clock).

use time::{Date, Duration, Month};

/// How often a stakeholder wants a brief.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cadence {
    /// Every 7 days.
    Weekly,
    /// Every 14 days.
    Fortnightly,
    /// On the same day of the next month, or that month's last day when it is shorter
    /// (31 January → 28 or 29 February).
    Monthly,
}

impl Cadence {
    /// The cadence named `text` (`weekly`, `fortnightly`, `monthly`).
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "weekly" => Some(Self::Weekly),
            "fortnightly" => Some(Self::Fortnightly),
            "monthly" => Some(Self::Monthly),
            _ => None,
        }
    }

    /// Its name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Weekly => "weekly",
            Self::Fortnightly => "fortnightly",
            Self::Monthly => "monthly",
        }
    }
}

/// The day the brief after one sent on `last` is due.
pub fn next_due(cadence: Cadence, last: Date) -> Date {
    match cadence {
        Cadence::Weekly => last.saturating_add(Duration::days(7)),
        Cadence::Fortnightly => last.saturating_add(Duration::days(14)),
        Cadence::Monthly => {
            let (year, month) = if last.month() == Month::December {
                (last.year() + 1, Month::January)
            } else {
                (last.year(), last.month().next())
            };
            let day = last.day().min(month.length(year));
            Date::from_calendar_date(year, month, day).unwrap_or(Date::MAX)
        }
    }
}

/// Whether a brief is due `today` for a stakeholder with `cadence` whose last brief was sent on
/// `last_sent` (`None`: never, so one is due).
pub fn is_due(cadence: Cadence, last_sent: Option<Date>, today: Date) -> bool {
    last_sent.is_none_or(|last| today >= next_due(cadence, last))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn weekly_and_fortnightly_count_days() {
        assert_eq!(next_due(Cadence::Weekly, date!(2026 - 03 - 02)), date!(2026 - 03 - 09));
        assert_eq!(next_due(Cadence::Fortnightly, date!(2026 - 12 - 24)), date!(2027 - 01 - 07));
        assert!(!is_due(Cadence::Weekly, Some(date!(2026 - 03 - 02)), date!(2026 - 03 - 08)));
        assert!(is_due(Cadence::Weekly, Some(date!(2026 - 03 - 02)), date!(2026 - 03 - 09)));
        assert!(is_due(Cadence::Weekly, Some(date!(2026 - 03 - 02)), date!(2026 - 04 - 30)), "overdue is due");
        assert!(!is_due(Cadence::Fortnightly, Some(date!(2026 - 03 - 02)), date!(2026 - 03 - 15)));
        assert!(is_due(Cadence::Fortnightly, Some(date!(2026 - 03 - 02)), date!(2026 - 03 - 16)));
    }

    #[test]
    fn monthly_is_the_same_day_or_the_months_end() {
        assert_eq!(next_due(Cadence::Monthly, date!(2026 - 03 - 15)), date!(2026 - 04 - 15));
        assert_eq!(next_due(Cadence::Monthly, date!(2026 - 01 - 31)), date!(2026 - 02 - 28));
        assert_eq!(next_due(Cadence::Monthly, date!(2028 - 01 - 31)), date!(2028 - 02 - 29), "leap year");
        assert_eq!(next_due(Cadence::Monthly, date!(2026 - 03 - 31)), date!(2026 - 04 - 30));
        assert_eq!(next_due(Cadence::Monthly, date!(2026 - 12 - 31)), date!(2027 - 01 - 31));
        assert!(!is_due(Cadence::Monthly, Some(date!(2026 - 01 - 31)), date!(2026 - 02 - 27)));
        assert!(is_due(Cadence::Monthly, Some(date!(2026 - 01 - 31)), date!(2026 - 02 - 28)));
    }

    #[test]
    fn a_stakeholder_never_briefed_is_due() {
        assert!(is_due(Cadence::Monthly, None, date!(2026 - 03 - 02)));
    }

    #[test]
    fn cadences_parse_by_name() {
        for cadence in [Cadence::Weekly, Cadence::Fortnightly, Cadence::Monthly] {
            assert_eq!(Cadence::parse(cadence.as_str()), Some(cadence));
        }
        assert_eq!(Cadence::parse("daily"), None);
    }
}
