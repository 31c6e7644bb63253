//! The exact forecasts reproduce the reference results in the shared data README for the
//! `FlowPulse` demo file (`LetPeopleWork/FlowPulse`, MIT, copyright 2024 Benj Huser).

use leadup_forecast::{Percentiles, daily_throughput, how_many, when};
use time::macros::date;

/// Daily closed counts of the 90 calendar days ending 2025-02-21 (that day and the 89 before
/// it), oldest first, days with nothing closed included. Derived once from `FlowPulse`'s
/// `docs/assets/exampledata/DemoFile.csv` (`;`-separated; `closed_date` as dd.mm.yyyy, empty
/// for open items) by counting the items per `closed_date` in that window: 81 items.
const FLOWPULSE_DEMO_90_DAYS: [u32; 90] = [
    0, 0, 2, 0, 1, 2, 1, 0, 0, 4, 1, 0, 3, 0, 0, 1, 2, 2, 1, 2, 0, 0, 2, 1, 2, 2, 1, 0, 0, 3, //
    2, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 1, 1, 0, 3, 0, 0, 4, 0, 0, 0, 0, 1, 0, 0, 0, 0, 5, 1, 3, //
    0, 7, 0, 0, 0, 0, 3, 0, 4, 0, 0, 0, 0, 4, 1, 1, 0, 0, 3, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0,
];

#[test]
fn how_many_in_14_days() {
    let f = how_many(&FLOWPULSE_DEMO_90_DAYS, 14).unwrap();
    assert_eq!(f.percentiles(), Percentiles { p50: 12, p70: 10, p85: 7, p95: 5 });
}

#[test]
fn how_many_in_120_days() {
    let f = how_many(&FLOWPULSE_DEMO_90_DAYS, 120).unwrap();
    assert_eq!(f.percentiles(), Percentiles { p50: 108, p70: 100, p85: 92, p95: 84 });
}

#[test]
fn when_will_121_items_be_done() {
    let f = when(&FLOWPULSE_DEMO_90_DAYS, 121).unwrap();
    assert_eq!(f.percentiles(), Percentiles { p50: 135, p70: 144, p85: 154, p95: 166 });
    assert_eq!(format!("{:.4}", f.probability_within(120)), "0.2021");
    assert!(f.complete());
}

#[test]
fn daily_throughput_rebuilds_the_history_from_dates() {
    // Expand the literal back into one date per closed item (and a few outside the window):
    // the helper must give the same 90 counts.
    let today = date!(2025 - 02 - 21);
    let mut dates = Vec::new();
    for (i, &n) in FLOWPULSE_DEMO_90_DAYS.iter().enumerate() {
        let day = today - time::Duration::days(89 - i as i64);
        dates.extend(std::iter::repeat_n(day, n as usize));
    }
    dates.push(today + time::Duration::days(1));
    dates.push(today - time::Duration::days(90));
    assert_eq!(daily_throughput(dates, today, 90), FLOWPULSE_DEMO_90_DAYS);
}
