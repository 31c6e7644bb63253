//! Demand for an initiative, from the evidence linked to it: which customers ask for it, how
//! much revenue is at stake, and how often it came up month by month.
//!
//! Revenue at stake is summed per currency over customers, each customer counted once with the
//! largest amount any of its evidence states: a deal mentioned in a sales request and again in
//! a support ticket is one deal, not two. Evidence naming no customer counts on its own.

use std::collections::BTreeMap;

use serde::Serialize;
use time::{Date, Month};

use crate::evidence::Evidence;
use crate::evidence_strength::customer_key;
use crate::money::Currency;

/// An amount in minor units of one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Amount {
    /// The currency.
    pub currency: Currency,
    /// Minor units (cents).
    pub minor: i64,
}

/// One customer asking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustomerDemand {
    /// The customer, as first written.
    pub customer: String,
    /// How many pieces of evidence name it.
    pub evidence: usize,
    /// The largest revenue at stake its evidence states, per currency (by code).
    pub revenue_at_stake: Vec<Amount>,
    /// The date of its newest dated evidence.
    #[serde(with = "crate::date::iso_date_option")]
    pub latest: Option<Date>,
}

/// How many pieces of evidence are dated in one calendar month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthCount {
    /// The month, `YYYY-MM`.
    pub month: String,
    /// Evidence dated in it.
    pub count: usize,
}

/// Demand for one thing (an initiative), as a pure function of its evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Demand {
    /// How many pieces of evidence there are.
    pub evidence: usize,
    /// How many distinct customers ask (names compared without case or extra spaces).
    pub customer_count: usize,
    /// The customers asking: most evidence first, then by name.
    pub customers: Vec<CustomerDemand>,
    /// Revenue at stake per currency (by code): each customer once, at its largest stated
    /// amount, plus every piece of evidence that names no customer.
    pub revenue_at_stake: Vec<Amount>,
    /// Evidence per calendar month for the requested months ending with today's, oldest first.
    pub trend: Vec<MonthCount>,
    /// Evidence dated before the first month of the trend.
    pub earlier: usize,
    /// Evidence without a date, which no month can hold.
    pub undated: usize,
}

/// The demand `evidence` shows on `today`, with a trend over the last `months` calendar
/// months (today's month last). Evidence dated after today's month is counted in no month.
pub fn demand(evidence: &[Evidence], today: Date, months: u32) -> Demand {
    let mut customers: BTreeMap<String, CustomerDemand> = BTreeMap::new();
    let mut unnamed: BTreeMap<Currency, i64> = BTreeMap::new();
    for e in evidence {
        let Some(key) = e.customer.as_deref().and_then(customer_key) else {
            if let Some(minor) = e.revenue_at_stake {
                let total = unnamed.entry(e.currency.clone()).or_default();
                *total = total.saturating_add(minor);
            }
            continue;
        };
        let entry = customers.entry(key).or_insert_with(|| CustomerDemand {
            customer: e.customer.as_deref().unwrap_or_default().trim().to_owned(),
            evidence: 0,
            revenue_at_stake: Vec::new(),
            latest: None,
        });
        entry.evidence += 1;
        entry.latest = entry.latest.max(e.date);
        if let Some(minor) = e.revenue_at_stake {
            if let Some(amount) = entry.revenue_at_stake.iter_mut().find(|a| a.currency == e.currency) {
                amount.minor = amount.minor.max(minor);
            } else {
                entry.revenue_at_stake.push(Amount { currency: e.currency.clone(), minor });
                entry.revenue_at_stake.sort_by(|a, b| a.currency.cmp(&b.currency));
            }
        }
    }
    let mut revenue = unnamed;
    for amount in customers.values().flat_map(|c| &c.revenue_at_stake) {
        let total = revenue.entry(amount.currency.clone()).or_default();
        *total = total.saturating_add(amount.minor);
    }
    let mut customers: Vec<CustomerDemand> = customers.into_values().collect();
    customers.sort_by(|a, b| b.evidence.cmp(&a.evidence).then_with(|| a.customer.cmp(&b.customer)));

    let window = last_months(today, months);
    let mut trend: Vec<MonthCount> = window
        .iter()
        .map(|&(year, month)| MonthCount { month: format!("{year:04}-{:02}", month as u8), count: 0 })
        .collect();
    let mut earlier = 0;
    for date in evidence.iter().filter_map(|e| e.date) {
        match window.iter().position(|&(year, month)| date.year() == year && date.month() == month) {
            Some(index) => trend[index].count += 1,
            None if window
                .first()
                .is_some_and(|&first| (date.year(), date.month() as u8) < (first.0, first.1 as u8)) =>
            {
                earlier += 1;
            }
            None => {}
        }
    }
    Demand {
        evidence: evidence.len(),
        customer_count: customers.len(),
        customers,
        revenue_at_stake: revenue.into_iter().map(|(currency, minor)| Amount { currency, minor }).collect(),
        trend,
        earlier,
        undated: evidence.iter().filter(|e| e.date.is_none()).count(),
    }
}

/// The `count` calendar months ending with `today`'s, oldest first.
fn last_months(today: Date, count: u32) -> Vec<(i32, Month)> {
    let mut months = Vec::with_capacity(count as usize);
    let (mut year, mut month) = (today.year(), today.month());
    for _ in 0..count {
        months.push((year, month));
        if month == Month::January {
            year -= 1;
        }
        month = month.previous();
    }
    months.reverse();
    months
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;
    use crate::evidence::EvidenceKind;

    fn piece(id: i64, customer: Option<&str>, date: Option<Date>, revenue: Option<(i64, &str)>) -> Evidence {
        Evidence {
            id,
            kind: EvidenceKind::SalesRequest,
            summary: format!("request {id}"),
            source: None,
            date,
            customer: customer.map(str::to_owned),
            customers_affected: None,
            revenue_at_stake: revenue.map(|(minor, _)| minor),
            currency: Currency::parse(revenue.map_or("EUR", |(_, c)| c)).unwrap(),
            recorded_by: None,
            recorder_id: None,
        }
    }

    fn amounts(amounts: &[Amount]) -> Vec<(&str, i64)> {
        amounts.iter().map(|a| (a.currency.as_str(), a.minor)).collect()
    }

    #[test]
    fn customers_revenue_and_trend() {
        let evidence = [
            piece(1, Some("Globex"), Some(date!(2026 - 06 - 03)), Some((5_000_000, "EUR"))),
            piece(2, Some("globex "), Some(date!(2026 - 04 - 20)), Some((3_000_000, "EUR"))),
            piece(3, Some("Initech"), Some(date!(2026 - 04 - 02)), Some((1_000_000, "USD"))),
            piece(4, None, Some(date!(2026 - 01 - 31)), Some((200_000, "EUR"))),
            piece(5, None, None, Some((100_000, "EUR"))),
            piece(6, Some("Umbrella"), Some(date!(2025 - 12 - 31)), None),
            piece(7, Some("Initech"), Some(date!(2026 - 07 - 01)), Some((2_500_000, "USD"))),
        ];
        let demand = demand(&evidence, date!(2026 - 06 - 30), 6);
        assert_eq!(demand.evidence, 7);
        assert_eq!(demand.customer_count, 3);
        let customers: Vec<(&str, usize)> =
            demand.customers.iter().map(|c| (c.customer.as_str(), c.evidence)).collect();
        assert_eq!(customers, [("Globex", 2), ("Initech", 2), ("Umbrella", 1)]);
        assert_eq!(amounts(&demand.customers[0].revenue_at_stake), [("EUR", 5_000_000)], "the larger of Globex's");
        assert_eq!(demand.customers[1].latest, Some(date!(2026 - 07 - 01)));
        // Globex once at 50,000 + unnamed 2,000 + 1,000 = 53,000 EUR; Initech's larger 25,000 USD.
        assert_eq!(amounts(&demand.revenue_at_stake), [("EUR", 5_300_000), ("USD", 2_500_000)]);
        let trend: Vec<(&str, usize)> = demand.trend.iter().map(|m| (m.month.as_str(), m.count)).collect();
        assert_eq!(
            trend,
            [("2026-01", 1), ("2026-02", 0), ("2026-03", 0), ("2026-04", 2), ("2026-05", 0), ("2026-06", 1)]
        );
        assert_eq!((demand.earlier, demand.undated), (1, 1), "December before the window; one undated");
    }

    #[test]
    fn the_trend_crosses_years_and_nothing_is_empty_demand() {
        let months: Vec<String> =
            last_months(date!(2026 - 02 - 15), 4).iter().map(|(y, m)| format!("{y}-{}", *m as u8)).collect();
        assert_eq!(months, ["2025-11", "2025-12", "2026-1", "2026-2"]);
        let none = demand(&[], date!(2026 - 02 - 15), 3);
        assert_eq!((none.evidence, none.customer_count, none.earlier, none.undated), (0, 0, 0, 0));
        assert!(none.revenue_at_stake.is_empty());
        assert_eq!(none.trend.iter().map(|m| m.count).sum::<usize>(), 0);
        assert_eq!(none.trend.len(), 3);
        assert!(demand(&[], date!(2026 - 02 - 15), 0).trend.is_empty());
    }
}
