//! Flow metrics: hand-computed small cases for every field, edge cases, brute-force
//! properties on generated items, and the `FlowPulse` demo file (`fixtures/flowpulse-demo`,
//! `LetPeopleWork/FlowPulse`, MIT, copyright 2024 Benj Huser).

use std::path::PathBuf;

use leadup_forecast::flow::{Aging, CycleTime, CycleTimePoint, FlowItem, FlowMetrics, WeekCount, Window, flow_metrics};
use leadup_forecast::{ForecastError, daily_throughput};
use time::macros::date;
use time::{Date, Duration, Month};

fn item(started: Option<Date>, done: Option<Date>) -> FlowItem {
    FlowItem { started, done }
}

fn week(week_start: Date, count: u32, partial: bool) -> WeekCount {
    WeekCount { week_start, count, partial }
}

/// Two full ISO weeks, Monday 2025-03-03 to Sunday 2025-03-16.
fn two_weeks() -> Window {
    Window::ending(date!(2025 - 03 - 16), 14).unwrap()
}

/// A small team whose metrics over [`two_weeks`] are worked out by hand in the tests below.
/// Day k of the window is 2025-03-(3+k).
fn team() -> Vec<FlowItem> {
    vec![
        item(Some(date!(2025 - 03 - 03)), Some(date!(2025 - 03 - 03))), // 0: same day: 1 day
        item(Some(date!(2025 - 03 - 01)), Some(date!(2025 - 03 - 05))), // 1: started before the window: 5 days
        item(Some(date!(2025 - 03 - 04)), Some(date!(2025 - 03 - 10))), // 2: 7 days, done on a Monday
        item(Some(date!(2025 - 03 - 10)), Some(date!(2025 - 03 - 12))), // 3: 3 days
        item(Some(date!(2025 - 03 - 11)), None),                        // 4: open, 6 days old on 03-16
        item(Some(date!(2025 - 02 - 20)), None),                        // 5: open, 25 days old on 03-16
        item(None, Some(date!(2025 - 03 - 12))),                        // 6: done, never started
        item(Some(date!(2025 - 03 - 14)), Some(date!(2025 - 03 - 20))), // 7: done after the window: 3 days old
        item(Some(date!(2025 - 03 - 08)), Some(date!(2025 - 03 - 06))), // 8: done before started (data error)
        item(None, None),                                               // 9: neither date
        item(Some(date!(2025 - 02 - 01)), Some(date!(2025 - 02 - 10))), // 10: all before the window
        item(Some(date!(2025 - 03 - 20)), None),                        // 11: starts after the window
    ]
}

#[test]
fn window_ending_days_and_contains() {
    let w = Window::ending(date!(2025 - 03 - 01), 3).unwrap();
    assert_eq!(w, Window { first: date!(2025 - 02 - 27), last: date!(2025 - 03 - 01) });
    assert_eq!(w.days(), 3);
    assert!(w.contains(date!(2025 - 02 - 27)));
    assert!(w.contains(date!(2025 - 03 - 01)));
    assert!(!w.contains(date!(2025 - 02 - 26)));
    assert!(!w.contains(date!(2025 - 03 - 02)));

    let one = Window::ending(date!(2024 - 02 - 29), 1).unwrap();
    assert_eq!((one.first, one.last, one.days()), (date!(2024 - 02 - 29), date!(2024 - 02 - 29), 1));
    assert_eq!(Window::ending(date!(2025 - 03 - 01), 0), Err(ForecastError::ZeroDays));
    assert!(matches!(
        Window::ending(date!(2025 - 03 - 01), u32::MAX),
        Err(ForecastError::InvalidParameter { field, .. }) if field == "days"
    ));
    // Built by hand with last before first: no days.
    assert_eq!(Window { first: date!(2025 - 03 - 02), last: date!(2025 - 03 - 01) }.days(), 0);
}

#[test]
fn throughput_daily_weekly_and_finished() {
    let m = flow_metrics(&team(), two_weeks());
    assert_eq!(m.window, two_weeks());
    // Done in the window: item 0 (03-03), 1 (03-05), 8 (03-06, a data error but done), 2 (03-10),
    // 3 and 6 (03-12). Item 7 is done after the window, item 10 before it.
    assert_eq!(m.throughput_daily, vec![1, 0, 1, 1, 0, 0, 0, 1, 0, 2, 0, 0, 0, 0]);
    assert_eq!(m.finished, 6);
    assert_eq!(m.throughput_weekly, vec![week(date!(2025 - 03 - 03), 3, false), week(date!(2025 - 03 - 10), 3, false)]);
}

#[test]
fn started_and_started_weekly() {
    let m = flow_metrics(&team(), two_weeks());
    // Started in the window: items 0 (03-03), 2 (03-04), 8 (03-08) in the first week; 3 (03-10),
    // 4 (03-11), 7 (03-14) in the second. Items 1, 5, 10 started before it, 11 after it.
    assert_eq!(m.started, 6);
    assert_eq!(m.started_weekly, vec![week(date!(2025 - 03 - 03), 3, false), week(date!(2025 - 03 - 10), 3, false)]);
}

#[test]
fn cycle_times_and_percentiles() {
    let m = flow_metrics(&team(), two_weeks());
    // Items done in the window with a start no later than their done date, in done order.
    // Item 6 was never started and item 8 was done before it started: neither counts.
    assert_eq!(
        m.cycle_times,
        vec![
            CycleTimePoint { index: 0, done: date!(2025 - 03 - 03), days: 1 },
            CycleTimePoint { index: 1, done: date!(2025 - 03 - 05), days: 5 },
            CycleTimePoint { index: 2, done: date!(2025 - 03 - 10), days: 7 },
            CycleTimePoint { index: 3, done: date!(2025 - 03 - 12), days: 3 },
        ]
    );
    // Sorted 1, 3, 5, 7: P50 is the 2nd (2/4 = 50%), P85 and P95 the 4th (3/4 = 75% < 85%).
    assert_eq!(m.cycle_time, Some(CycleTime { p50: 3, p85: 7, p95: 7, items: 4 }));
}

#[test]
fn wip_daily_wip_and_aging() {
    let m = flow_metrics(&team(), two_weeks());
    // In progress at the end of a day: started by then and not done by then.
    //   item 1: 03-03, 03-04 (done 03-05)      item 2: 03-04..03-09 (done 03-10)
    //   item 3: 03-10, 03-11 (done 03-12)      item 4: 03-11..       item 5: all days
    //   item 7: 03-14..03-16 (done after)      items 0 and 8: never (done on or before the start)
    assert_eq!(m.wip_daily, vec![2, 3, 2, 2, 2, 2, 2, 2, 3, 2, 2, 3, 3, 3]);
    assert_eq!(m.wip, 3);
    // Ages on 03-16: item 5 from 02-20 (24 days later, so 25 days old), item 4 from 03-11 (6),
    // item 7 from 03-14 (3).
    assert_eq!(
        m.aging,
        vec![Aging { index: 5, age_days: 25 }, Aging { index: 4, age_days: 6 }, Aging { index: 7, age_days: 3 }]
    );
}

#[test]
fn empty_input() {
    let m = flow_metrics(&[], two_weeks());
    assert_eq!(m.throughput_daily, vec![0; 14]);
    assert_eq!(m.wip_daily, vec![0; 14]);
    let zero_weeks = vec![week(date!(2025 - 03 - 03), 0, false), week(date!(2025 - 03 - 10), 0, false)];
    assert_eq!(m.throughput_weekly, zero_weeks);
    assert_eq!(m.started_weekly, zero_weeks);
    assert_eq!(m.cycle_time, None);
    assert!(m.cycle_times.is_empty());
    assert!(m.aging.is_empty());
    assert_eq!((m.wip, m.started, m.finished), (0, 0, 0));
}

#[test]
fn window_of_one_day() {
    let day = date!(2025 - 03 - 12); // a Wednesday
    let items = [
        item(Some(day), Some(day)),                   // started and done that day: 1 day
        item(Some(day), None),                        // started that day: in progress, 1 day old
        item(Some(date!(2025 - 03 - 10)), Some(day)), // done that day: 3 days
        item(Some(date!(2025 - 03 - 11)), None),      // 2 days old
        item(Some(day), Some(date!(2025 - 03 - 13))), // done the day after: in progress, 1 day old
        item(Some(date!(2025 - 03 - 11)), Some(date!(2025 - 03 - 11))), // done the day before
    ];
    let m = flow_metrics(&items, Window::ending(day, 1).unwrap());
    assert_eq!(m.throughput_daily, vec![2]);
    assert_eq!(m.finished, 2);
    assert_eq!(m.started, 3);
    assert_eq!(m.throughput_weekly, vec![week(date!(2025 - 03 - 10), 2, true)]);
    assert_eq!(m.started_weekly, vec![week(date!(2025 - 03 - 10), 3, true)]);
    assert_eq!(m.cycle_time, Some(CycleTime { p50: 1, p85: 3, p95: 3, items: 2 }));
    assert_eq!(m.wip_daily, vec![3]);
    assert_eq!(m.wip, 3);
    // Oldest first; equal ages keep input order.
    assert_eq!(
        m.aging,
        vec![Aging { index: 3, age_days: 2 }, Aging { index: 1, age_days: 1 }, Aging { index: 4, age_days: 1 }]
    );
}

#[test]
fn done_before_started_counts_in_throughput_only() {
    let items = [item(Some(date!(2025 - 03 - 12)), Some(date!(2025 - 03 - 05)))];
    let m = flow_metrics(&items, two_weeks());
    assert_eq!(m.finished, 1);
    assert_eq!(m.throughput_daily[2], 1);
    assert_eq!(m.started, 1);
    assert_eq!(m.cycle_time, None);
    assert!(m.cycle_times.is_empty());
    assert_eq!(m.wip_daily, vec![0; 14]);
    assert_eq!(m.wip, 0);
    assert!(m.aging.is_empty());
}

#[test]
fn done_but_never_started_counts_in_throughput_only() {
    let items = [item(None, Some(date!(2025 - 03 - 05)))];
    let m = flow_metrics(&items, two_weeks());
    assert_eq!((m.finished, m.started, m.wip), (1, 0, 0));
    assert_eq!(m.cycle_time, None);
    assert_eq!(m.wip_daily, vec![0; 14]);
}

#[test]
fn weeks_from_a_sunday_to_a_monday() {
    // Sunday 2025-03-09 to Monday 2025-03-17: one day of the week of 03-03, the whole week of
    // 03-10, one day of the week of 03-17.
    let window = Window { first: date!(2025 - 03 - 09), last: date!(2025 - 03 - 17) };
    let items = [
        item(Some(date!(2025 - 03 - 08)), Some(date!(2025 - 03 - 08))), // Saturday before: outside
        item(Some(date!(2025 - 03 - 09)), Some(date!(2025 - 03 - 09))), // Sunday: week of 03-03
        item(Some(date!(2025 - 03 - 09)), Some(date!(2025 - 03 - 10))), // Monday: week of 03-10
        item(Some(date!(2025 - 03 - 16)), Some(date!(2025 - 03 - 16))), // Sunday: week of 03-10
        item(Some(date!(2025 - 03 - 16)), Some(date!(2025 - 03 - 17))), // Monday: week of 03-17
        item(Some(date!(2025 - 03 - 17)), Some(date!(2025 - 03 - 18))), // Tuesday after: outside
    ];
    let m = flow_metrics(&items, window);
    assert_eq!(m.throughput_daily, vec![1, 1, 0, 0, 0, 0, 0, 1, 1]);
    assert_eq!(
        m.throughput_weekly,
        vec![
            week(date!(2025 - 03 - 03), 1, true),
            week(date!(2025 - 03 - 10), 2, false),
            week(date!(2025 - 03 - 17), 1, true),
        ]
    );
    assert_eq!(
        m.started_weekly,
        vec![
            week(date!(2025 - 03 - 03), 2, true),
            week(date!(2025 - 03 - 10), 2, false),
            week(date!(2025 - 03 - 17), 1, true),
        ]
    );
    // Cycle times 1, 2, 1, 2 days: sorted 1, 1, 2, 2.
    assert_eq!(m.cycle_time, Some(CycleTime { p50: 1, p85: 2, p95: 2, items: 4 }));
    // Monday to Sunday exactly: one full week.
    let m = flow_metrics(&items, Window::ending(date!(2025 - 03 - 16), 7).unwrap());
    assert_eq!(m.throughput_weekly, vec![week(date!(2025 - 03 - 10), 2, false)]);
}

#[test]
fn percentiles_are_nearest_rank() {
    // Cycle times 1..=20 days, one item each: P50 is the 10th, P85 the 17th, P95 the 19th.
    let last = date!(2025 - 03 - 16);
    let items: Vec<FlowItem> = (1..=20).map(|days| item(Some(last - Duration::days(days - 1)), Some(last))).collect();
    let m = flow_metrics(&items, Window::ending(last, 1).unwrap());
    assert_eq!(m.cycle_time, Some(CycleTime { p50: 10, p85: 17, p95: 19, items: 20 }));
    // 21 items: ranks 11, 18 (17.85 rounded up) and 20 (19.95 rounded up).
    let mut items = items;
    items.push(item(Some(last - Duration::days(20)), Some(last)));
    let m = flow_metrics(&items, Window::ending(last, 1).unwrap());
    assert_eq!(m.cycle_time, Some(CycleTime { p50: 11, p85: 18, p95: 20, items: 21 }));
    // One item: every percentile is its cycle time.
    let m = flow_metrics(&items[4..5], Window::ending(last, 1).unwrap());
    assert_eq!(m.cycle_time, Some(CycleTime { p50: 5, p85: 5, p95: 5, items: 1 }));
}

#[test]
fn window_with_last_before_first_has_no_days() {
    let window = Window { first: date!(2025 - 03 - 16), last: date!(2025 - 03 - 10) };
    let m = flow_metrics(&team(), window);
    assert!(m.throughput_daily.is_empty() && m.wip_daily.is_empty());
    assert!(m.throughput_weekly.is_empty() && m.started_weekly.is_empty());
    assert_eq!((m.started, m.finished, m.cycle_time), (0, 0, None));
}

#[test]
fn serializes_dates_as_iso_strings() {
    let items =
        [item(Some(date!(2025 - 03 - 04)), Some(date!(2025 - 03 - 05))), item(Some(date!(2025 - 03 - 05)), None)];
    let m = flow_metrics(&items, Window::ending(date!(2025 - 03 - 05), 2).unwrap());
    let json = serde_json::to_value(&m).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "window": { "first": "2025-03-04", "last": "2025-03-05" },
            "throughput_daily": [0, 1],
            "throughput_weekly": [{ "week_start": "2025-03-03", "count": 1, "partial": true }],
            "cycle_time": { "p50": 2, "p85": 2, "p95": 2, "items": 1 },
            "cycle_times": [{ "index": 0, "done": "2025-03-05", "days": 2 }],
            "wip": 1,
            "wip_daily": [1, 1],
            "aging": [{ "index": 1, "age_days": 1 }],
            "started": 2,
            "finished": 1,
            "started_weekly": [{ "week_start": "2025-03-03", "count": 2, "partial": true }],
        })
    );
    let empty = serde_json::to_value(flow_metrics(&[], Window::ending(date!(2025 - 03 - 05), 1).unwrap())).unwrap();
    assert_eq!(empty["cycle_time"], serde_json::Value::Null);
}

/// Checks every field of `m` against a direct, day-by-day recount from the definitions.
fn check_against_definitions(items: &[FlowItem], m: &FlowMetrics) {
    let window = m.window;
    let days: Vec<Date> = (0..window.days()).map(|k| window.first + Duration::days(k.into())).collect();
    let in_progress =
        |it: &FlowItem, day: Date| it.started.is_some_and(|s| s <= day) && it.done.is_none_or(|d| d > day);

    let done_dates = items.iter().filter_map(|it| it.done);
    assert_eq!(m.throughput_daily, daily_throughput(done_dates, window.last, window.days()));
    for (k, &day) in days.iter().enumerate() {
        assert_eq!(m.throughput_daily[k] as usize, items.iter().filter(|it| it.done == Some(day)).count());
        assert_eq!(m.wip_daily[k] as usize, items.iter().filter(|it| in_progress(it, day)).count());
    }
    assert_eq!(m.finished, m.throughput_daily.iter().sum::<u32>());
    assert_eq!(m.finished, m.throughput_weekly.iter().map(|w| w.count).sum::<u32>());
    assert_eq!(m.started as usize, items.iter().filter(|it| it.started.is_some_and(|s| window.contains(s))).count());
    assert_eq!(m.started, m.started_weekly.iter().map(|w| w.count).sum::<u32>());
    assert_eq!(m.wip as usize, items.iter().filter(|it| in_progress(it, window.last)).count());
    assert_eq!(m.wip_daily.last().copied(), Some(m.wip));
    assert_eq!(m.aging.len(), m.wip as usize);

    // Weeks: consecutive Mondays covering the window, partial exactly at a sticking-out edge.
    assert_eq!(m.throughput_weekly.len(), m.started_weekly.len());
    for (i, (w, s)) in m.throughput_weekly.iter().zip(&m.started_weekly).enumerate() {
        assert_eq!(w.week_start, s.week_start);
        assert_eq!(w.week_start.weekday(), time::Weekday::Monday);
        let sunday = w.week_start + Duration::days(6);
        assert!(w.week_start <= window.last && sunday >= window.first);
        assert_eq!(w.partial, w.week_start < window.first || sunday > window.last);
        assert_eq!(w.partial, s.partial);
        if i > 0 {
            assert_eq!(w.week_start - m.throughput_weekly[i - 1].week_start, Duration::days(7));
        }
    }

    // Cycle times: exactly the well-ordered items done in the window, in done order.
    let mut expected: Vec<CycleTimePoint> = items
        .iter()
        .enumerate()
        .filter_map(|(index, it)| match (it.started, it.done) {
            (Some(s), Some(d)) if window.contains(d) && s <= d => {
                Some(CycleTimePoint { index, done: d, days: ((d - s).whole_days() + 1) as u32 })
            }
            _ => None,
        })
        .collect();
    expected.sort_by_key(|p| (p.done, p.index));
    assert_eq!(m.cycle_times, expected);
    match m.cycle_time {
        None => assert!(expected.is_empty()),
        Some(ct) => {
            assert_eq!(ct.items, expected.len());
            for (percent, p) in [(50, ct.p50), (85, ct.p85), (95, ct.p95)] {
                let at_most = expected.iter().filter(|q| q.days <= p).count();
                let below = expected.iter().filter(|q| q.days < p).count();
                assert!(expected.iter().any(|q| q.days == p), "P{percent} {p} is an observed cycle time");
                assert!(at_most * 100 >= percent * ct.items, "at least {percent}% took at most P{percent}");
                assert!(below * 100 < percent * ct.items, "P{percent} is the smallest such cycle time");
            }
            assert!(ct.p50 <= ct.p85 && ct.p85 <= ct.p95);
        }
    }

    // Aging: the items in progress, oldest first, ties in input order, with the age formula.
    for pair in m.aging.windows(2) {
        assert!((pair[0].age_days, pair[1].index) > (pair[1].age_days, pair[0].index));
    }
    for a in &m.aging {
        let it = &items[a.index];
        assert!(in_progress(it, window.last));
        assert_eq!(i64::from(a.age_days), (window.last - it.started.unwrap()).whole_days() + 1);
    }
}

#[test]
fn generated_items_match_the_definitions() {
    // A fixed linear congruential generator: the same items on every run, no dependency.
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = |below: u64| {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % below
    };
    let origin = date!(2025 - 01 - 01);
    for _ in 0..300 {
        let n = next(40);
        let items: Vec<FlowItem> = (0..n)
            .map(|_| {
                let started = (next(5) > 0).then(|| origin + Duration::days(next(60) as i64));
                // Mostly done after the start; sometimes open, sometimes done before the start.
                let done = match (started, next(6)) {
                    (_, 0) => None,
                    (Some(s), 1) => Some(s - Duration::days(next(5) as i64)),
                    (Some(s), _) => Some(s + Duration::days(next(20) as i64)),
                    (None, _) => Some(origin + Duration::days(next(80) as i64)),
                };
                item(started, done)
            })
            .collect();
        let days = 1 + next(40) as u32;
        let last = origin + Duration::days(next(90) as i64);
        let m = flow_metrics(&items, Window::ending(last, days).unwrap());
        check_against_definitions(&items, &m);
    }
    check_against_definitions(&team(), &flow_metrics(&team(), two_weeks()));
}

/// One row of the demo file, with its empty columns as `None`.
#[derive(Clone, Copy)]
struct DemoRow {
    started: Option<Date>,
    closed: Option<Date>,
    work_item_age: Option<u32>,
    cycle_time: Option<u32>,
}

/// The demo file's rows, parsed by hand: `;`-separated, dates as dd.mm.yyyy.
fn flowpulse_demo() -> Vec<DemoRow> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/flowpulse-demo/DemoFile.csv");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("id;estimation;started_date;closed_date;work_item_age;cycle_time;state_changed_date")
    );
    let date = |s: &str| {
        (!s.is_empty()).then(|| {
            let parts: Vec<&str> = s.split('.').collect();
            let [day, month, year] = parts[..] else { panic!("not dd.mm.yyyy: {s}") };
            let month = Month::try_from(month.parse::<u8>().unwrap()).unwrap();
            Date::from_calendar_date(year.parse().unwrap(), month, day.parse().unwrap()).unwrap()
        })
    };
    let number = |s: &str| (!s.is_empty()).then(|| s.parse::<u32>().unwrap());
    lines
        .map(|line| {
            let columns: Vec<&str> = line.split(';').collect();
            assert_eq!(columns.len(), 7, "{line}");
            DemoRow {
                started: date(columns[2]),
                closed: date(columns[3]),
                work_item_age: number(columns[4]),
                cycle_time: number(columns[5]),
            }
        })
        .collect()
}

fn flow_items(demo: &[DemoRow]) -> Vec<FlowItem> {
    demo.iter().map(|row| item(row.started, row.closed)).collect()
}

#[test]
fn flowpulse_demo_cycle_times_and_ages_match_the_file() {
    let demo = flowpulse_demo();
    assert_eq!(demo.len(), 1562);
    let items = flow_items(&demo);
    // Every date in the file is from 2022-03-03 to 2025-02-14 (the day it was exported).
    let m = flow_metrics(&items, Window { first: date!(2022 - 01 - 01), last: date!(2025 - 02 - 14) });
    assert_eq!(m.finished, 1441);
    assert_eq!(m.cycle_times.len(), 1441, "every closed item has a start date on or before its close");

    // The file's `cycle_time` column is not (closed − started) + 1 for every item. FlowPulse
    // computes `(closed - started).days + 1` on datetimes (`flowpulse/WorkItem.py`), and the
    // column appears to have been computed from timestamps with a time of day, where the whole
    // days elapsed round down. On calendar dates alone (all the file keeps, and all FlowPulse
    // itself sees when it reads the file back) that formula is ours; the column is one less
    // where an item was closed at an earlier time of day than it was started. So each value is
    // ours or one less (782 and 659 items), and the 198 items started and closed on the same
    // day took 1 day in both.
    let (mut equal, mut one_less, mut same_day) = (0, 0, 0);
    for p in &m.cycle_times {
        let DemoRow { started, closed, cycle_time: file_cycle_time, .. } = demo[p.index];
        assert_eq!(closed, Some(p.done));
        let file_cycle_time = file_cycle_time.expect("closed items have a cycle time");
        if started == closed {
            same_day += 1;
            assert_eq!((p.days, file_cycle_time), (1, 1));
        }
        if file_cycle_time == p.days {
            equal += 1;
        } else {
            assert_eq!(file_cycle_time + 1, p.days, "item {} ({started:?} to {closed:?})", p.index);
            one_less += 1;
        }
    }
    assert_eq!((equal, one_less, same_day), (782, 659, 198));

    // The file's `work_item_age` of each open item is our age on the export day, 2025-02-14.
    let open: Vec<(usize, u32)> = demo
        .iter()
        .enumerate()
        .filter(|(_, row)| row.started.is_some() && row.closed.is_none())
        .map(|(index, row)| (index, row.work_item_age.expect("open started items have an age")))
        .collect();
    assert_eq!(open.len(), 13);
    assert_eq!(m.wip, 13);
    for a in &m.aging {
        assert_eq!(open.iter().find(|&&(index, _)| index == a.index).map(|&(_, age)| age), Some(a.age_days));
    }
}

#[test]
fn flowpulse_demo_90_days_ending_2025_02_21() {
    let items = flow_items(&flowpulse_demo());
    let window = Window::ending(date!(2025 - 02 - 21), 90).unwrap();
    assert_eq!(window.first, date!(2024 - 11 - 24)); // a Sunday
    let m = flow_metrics(&items, window);
    check_against_definitions(&items, &m);

    // Expected values computed independently from the CSV with a short python3 script (csv
    // module, datetime dates): done/started counts per day and per Monday-start week inside
    // 2024-11-24..=2025-02-21, cycle time (closed - started).days + 1 of the items closed in the
    // window, nearest rank P = sorted[ceil(p * n / 100) - 1], and in-progress items at the end
    // of 2025-02-21 (started on or before it, not closed by it).
    assert_eq!(m.finished, 81); // as in the reference tests' 90-day history
    assert_eq!(m.throughput_daily.iter().sum::<u32>(), 81);
    assert_eq!(m.throughput_daily.iter().max(), Some(&7));
    assert_eq!(m.cycle_time, Some(CycleTime { p50: 6, p85: 12, p95: 16, items: 81 }));
    assert_eq!(m.cycle_times.iter().map(|p| p.days).min(), Some(1));
    assert_eq!(m.cycle_times.iter().map(|p| p.days).max(), Some(26));
    assert_eq!(m.started, 89);
    assert_eq!(m.wip, 13);
    assert_eq!(m.aging.iter().map(|a| a.age_days).collect::<Vec<_>>(), [17, 16, 12, 12, 11, 10, 10, 10, 9, 9, 8, 8, 8]);
    assert_eq!(
        m.wip_daily,
        [
            5, 7, 6, 9, 9, 7, 6, 6, 8, 7, 6, 10, 8, 8, 8, 7, 8, 9, 8, 7, 7, 7, 8, 8, 7, 7, 7, 7, 7, 5, //
            3, 3, 3, 3, 3, 3, 3, 4, 4, 5, 4, 3, 3, 4, 2, 4, 7, 5, 5, 5, 7, 7, 6, 7, 10, 10, 10, 10, 9, 9, //
            10, 5, 5, 5, 6, 7, 6, 6, 3, 3, 3, 5, 6, 5, 6, 6, 6, 6, 6, 6, 9, 10, 13, 13, 13, 13, 13, 13, 13, 13,
        ]
    );
    let mondays: Vec<Date> = (0..14).map(|w| date!(2024 - 11 - 18) + Duration::weeks(w)).collect();
    let weekly = |counts: [u32; 14]| -> Vec<WeekCount> {
        mondays
            .iter()
            .zip(counts)
            .enumerate()
            .map(|(i, (&monday, count))| week(monday, count, i == 0 || i == 13))
            .collect()
    };
    assert_eq!(m.throughput_weekly, weekly([0, 6, 8, 8, 8, 5, 4, 7, 1, 16, 7, 6, 5, 0]));
    assert_eq!(m.started_weekly, weekly([0, 7, 10, 7, 8, 1, 4, 9, 6, 11, 5, 9, 12, 0]));
}
