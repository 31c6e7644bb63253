//! Prints the leave-one-out figures of `CALIBRATION.md` on the Apache fixtures (the reference
//! histories shipped with leadup): per question, pooled hit rates of the raw model, of a team's
//! own record alone, of a team alone with the reference prior without it, and of a team among
//! others (workspaces of four projects in name order; the reference without any of them); then
//! per project and by the forecast's rank in its project, for the protocol's question.
//!
//! ```text
//! nice -n 10 cargo run --release -p leadup-forecast --example calibration_report [-- --prior-weight W]
//! ```
//!
//! `--prior-weight` changes the most a prior may weigh (default 20), for the sensitivity table.

use std::collections::BTreeMap;
use std::sync::Arc;

use leadup_forecast::{
    BacktestReport, BacktestSettings, CalibrationSettings, Method, PastForecasts, Prior, Question, ReferenceHistories,
    backtest,
};

fn protocol(question: Question) -> BacktestSettings {
    BacktestSettings { question, history_days: 90, step_days: 30, end_margin_days: 365 }
}

fn rates(report: &BacktestReport) -> String {
    let [p50, p70, p85, p95] = report.hit_rates();
    format!("{p50:.3} / {p70:.3} / {p85:.3} / {p95:.3}")
}

struct Run {
    raw: Vec<BacktestReport>,
    own: Vec<BacktestReport>,
    alone: Vec<BacktestReport>,
    among: Vec<BacktestReport>,
}

fn run(reference: &ReferenceHistories, question: Question, prior_weight: f64) -> Run {
    let settings = protocol(question);
    let calibration =
        CalibrationSettings { prior_weight, ..CalibrationSettings::with_history_days(settings.history_days) };
    let projects = reference.projects();
    let own: BTreeMap<&str, PastForecasts> = projects
        .iter()
        .map(|(n, h)| (n.as_str(), PastForecasts::replay(h, h.last_done(), question, &calibration).unwrap()))
        .collect();
    let replayed: BTreeMap<&str, Arc<PastForecasts>> =
        reference.names().zip(reference.replay(question, &calibration).unwrap()).collect();
    let prior = |workspace: &[&str], team: &str| {
        let refs = reference.names().filter(|n| !workspace.contains(n)).map(|n| Arc::clone(&replayed[n])).collect();
        let others = workspace.iter().filter(|&&n| n != team).map(|&n| own[n].clone()).collect();
        Prior::pooled(refs, others)
    };
    let names: Vec<&str> = reference.names().collect();
    let mut out = Run { raw: vec![], own: vec![], alone: vec![], among: vec![] };
    for (name, h) in projects {
        let past = &own[name.as_str()];
        out.raw.push(backtest(h, h.last_done(), &settings, &Method::Raw).unwrap());
        out.own.push(backtest(h, h.last_done(), &settings, &Method::Replayed { own: past, prior: None }).unwrap());
        let alone = prior(&[name.as_str()], name);
        out.alone
            .push(backtest(h, h.last_done(), &settings, &Method::Replayed { own: past, prior: Some(&alone) }).unwrap());
        let workspace = names.chunks(4).find(|w| w.contains(&name.as_str())).unwrap();
        let among = prior(workspace, name);
        out.among
            .push(backtest(h, h.last_done(), &settings, &Method::Replayed { own: past, prior: Some(&among) }).unwrap());
    }
    out
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let prior_weight = match args.iter().position(|a| a == "--prior-weight") {
        Some(i) => args.get(i + 1).and_then(|w| w.parse().ok()).expect("--prior-weight takes a number"),
        None => CalibrationSettings::default().prior_weight,
    };
    let reference = ReferenceHistories::shipped();
    println!("| question | forecasts | raw | own record only | alone (reference without it) | among others |");
    println!("|---|---:|---|---|---|---|");
    let questions = [
        Question::When { items: 20 },
        Question::When { items: 5 },
        Question::When { items: 50 },
        Question::HowMany { days: 14 },
        Question::HowMany { days: 60 },
    ];
    let mut main_run = None;
    for question in questions {
        let r = run(&reference, question, prior_weight);
        let pooled = |v: &Vec<BacktestReport>| BacktestReport::pooled(v);
        println!(
            "| {question} | {} | {} | {} | {} | {} |",
            pooled(&r.raw).forecasts,
            rates(&pooled(&r.raw)),
            rates(&pooled(&r.own)),
            rates(&pooled(&r.alone)),
            rates(&pooled(&r.among))
        );
        main_run.get_or_insert(r);
    }
    let r = main_run.unwrap();
    println!("\n| project | forecasts | raw | own record only | alone | among others |");
    println!("|---|---:|---|---|---|---|");
    let short = |report: &BacktestReport| {
        let [p50, _, p85, p95] = report.hit_rates();
        format!("{p50:.2} / {p85:.2} / {p95:.2}")
    };
    for (i, name) in reference.names().enumerate() {
        println!(
            "| {name} | {} | {} | {} | {} | {} |",
            r.raw[i].forecasts,
            short(&r.raw[i]),
            short(&r.own[i]),
            short(&r.alone[i]),
            short(&r.among[i])
        );
    }
    println!("\nBy the forecast's rank in its project (P85 / P95 hit rates):");
    for (label, range) in [("1st to 12th", 0..12), ("13th to 24th", 12..24), ("25th on", 24..usize::MAX)] {
        let group = |reports: &[BacktestReport]| {
            let (mut n, mut h85, mut h95) = (0_usize, 0_usize, 0_usize);
            for report in reports {
                for f in report.details.iter().skip(range.start).take(range.end - range.start) {
                    n += 1;
                    h85 += usize::from(f.hits[2]);
                    h95 += usize::from(f.hits[3]);
                }
            }
            format!("{:.2} / {:.2} ({n})", h85 as f64 / n as f64, h95 as f64 / n as f64)
        };
        println!("{label}: own only {}, alone {}, among others {}", group(&r.own), group(&r.alone), group(&r.among));
    }
}
