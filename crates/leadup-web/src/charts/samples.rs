//! A page of every chart drawn from realistic sample data, written to
//! `$CARGO_TARGET_DIR/chart-samples.html` (or the workspace's `target/`) to be looked at.

use std::fmt::Write as _;
use std::path::PathBuf;

use maud::Markup;
use time::macros::date;
use time::{Date, Duration};

use super::burnup::{BurnUp, Fan};
use super::{aging, burnup, cycle_time, throughput};

/// A small deterministic sequence of numbers in `0..modulus`, so the samples look irregular
/// but never change.
struct Numbers(u64);

impl Numbers {
    /// The next number below `modulus`.
    fn below(&mut self, modulus: u32) -> u32 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % u64::from(modulus)) as u32
    }
}

/// Scope and done steps for a project that started on `start`, one point a week until `today`.
fn history(start: Date, today: Date, scope: u32, done_per_week: u32, numbers: &mut Numbers) -> BurnUp {
    let (mut total, mut done) = (Vec::new(), Vec::new());
    let (mut scope_now, mut done_now) = (scope, 0);
    let mut day = start;
    while day <= today {
        total.push((day, scope_now));
        done.push((day, done_now));
        scope_now += numbers.below(3);
        done_now = (done_now + numbers.below(done_per_week * 2 + 1)).min(scope_now);
        day += Duration::weeks(1);
    }
    BurnUp { start, today, target: None, total, done, fan: None }
}

#[test]
fn render_samples() {
    let mut numbers = Numbers(7);
    let today = date!(2026 - 03 - 12);
    let start = date!(2026 - 01 - 05);
    let fan = Fan { remaining: 31, p50: date!(2026 - 05 - 04), p85: date!(2026 - 05 - 22), p95: date!(2026 - 06 - 08) };

    let on_time = BurnUp { target: Some(date!(2026 - 06 - 30)), ..history(start, today, 40, 3, &mut numbers) };
    let on_time = BurnUp { fan: Some(Fan { ..fan }), ..on_time };
    let late = BurnUp { target: Some(date!(2026 - 05 - 15)), ..history(start, today, 40, 3, &mut numbers) };
    let late = BurnUp { fan: Some(Fan { ..fan }), ..late };
    let overdue = BurnUp {
        target: Some(date!(2026 - 02 - 27)),
        done: Vec::new(),
        fan: Some(Fan {
            remaining: 18,
            p50: date!(2026 - 04 - 10),
            p85: date!(2026 - 04 - 24),
            p95: date!(2026 - 05 - 01),
        }),
        ..history(date!(2026 - 02 - 02), today, 18, 0, &mut numbers)
    };
    let no_fan = BurnUp { target: Some(date!(2026 - 04 - 30)), ..history(start, today, 25, 1, &mut numbers) };
    let single = BurnUp { start: today, today, target: None, total: vec![(today, 12)], done: vec![], fan: None };
    let close = BurnUp {
        target: Some(date!(2026 - 03 - 20)),
        fan: Some(Fan {
            remaining: 3,
            p50: date!(2026 - 03 - 16),
            p85: date!(2026 - 03 - 19),
            p95: date!(2026 - 03 - 24),
        }),
        ..history(date!(2026 - 02 - 16), today, 14, 3, &mut numbers)
    };

    let weeks: Vec<(Date, u32)> = (0..12)
        .map(|k| (date!(2025 - 12 - 22) + Duration::weeks(k), numbers.below(5) + u32::from(k % 5 == 2)))
        .collect();
    let days: Vec<(Date, u32)> =
        (0..60).map(|k| (date!(2026 - 01 - 12) + Duration::days(k), numbers.below(3))).collect();

    let window = (date!(2025 - 12 - 12), today);
    let scatter: Vec<(Date, u32, String)> = (0..42)
        .map(|k| {
            let days = 1 + numbers.below(6) + numbers.below(4) * numbers.below(5);
            (window.0 + Duration::days(i64::from(numbers.below(91))), days, format!("PAY-{}", 100 + k))
        })
        .collect();

    let open: Vec<(String, u32)> = [
        "PAY-141 Refunds to the original card",
        "PAY-152 SEPA mandate import",
        "PAY-160 Three-D Secure challenge flow for wallets and saved cards",
        "PAY-163 Fee breakdown on the receipt",
        "PAY-170 Reconciliation report",
        "PAY-171 Retry failed payouts",
        "PAY-175 Currency rounding",
        "PAY-177 Dispute evidence upload",
        "PAY-180 Webhook signing",
    ]
    .iter()
    .zip([27, 3, 16, 9, 1, 12, 5, 22, 0])
    .map(|(label, age)| ((*label).to_owned(), age))
    .collect();

    let sections: Vec<(&str, Markup)> = vec![
        ("Burn-up: forecast before the target", burnup::svg(&on_time)),
        ("Burn-up: forecast fan beyond the target", burnup::svg(&late)),
        ("Burn-up: target in the past, nothing done yet", burnup::svg(&overdue)),
        ("Burn-up: no forecast possible", burnup::svg(&no_fan)),
        ("Burn-up: fan dates close together around the target", burnup::svg(&close)),
        ("Burn-up: a single data point", burnup::svg(&single)),
        ("Throughput per week", throughput::svg(&weeks, "week")),
        ("Throughput per day", throughput::svg(&days, "day")),
        ("Throughput: nothing finished", throughput::svg(&[], "week")),
        ("Cycle time", cycle_time::svg(&scatter, Some((5, 12, 18)), window)),
        ("Cycle time without percentiles", cycle_time::svg(&scatter[..6], None, window)),
        ("Cycle time: nothing finished", cycle_time::svg(&[], None, window)),
        ("Aging work in progress", aging::svg(&open, Some((5, 12, 18)))),
        ("Aging work in progress without percentiles", aging::svg(&open[..4], None)),
        ("Aging work in progress: none", aging::svg(&[], Some((5, 12, 18)))),
    ];

    let mut page = String::from(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Chart samples</title><style>",
    );
    page.push_str(include_str!("../../assets/style.css"));
    page.push_str("</style></head><body><main><h1>Chart samples</h1>");
    for (heading, chart) in &sections {
        write!(page, "<section class=\"card\"><h2>{heading}</h2>{}</section>", chart.0).unwrap();
    }
    write!(
        page,
        "<div class=\"grid-2\"><section class=\"card\"><h2>Half width: burn-up</h2>{}</section>\
         <section class=\"card\"><h2>Half width: aging</h2>{}</section></div>",
        burnup::svg(&late).0,
        aging::svg(&open, Some((5, 12, 18))).0
    )
    .unwrap();
    page.push_str("</main></body></html>\n");

    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"), PathBuf::from);
    std::fs::create_dir_all(&target).unwrap();
    std::fs::write(target.join("chart-samples.html"), page).unwrap();
}
