//! Calibration on real data: walk-forward backtests over the 31 Apache projects in
//! `fixtures/apache-resolutions` (Vieira et al., PROMISE 2019, CC BY 4.0; see the README there),
//! with the protocol of the shared data README's calibration table: "when will the next 20 be
//! done", 90 days of history, a forecast every 30 days from 90 days after a project's first
//! resolution until 365 days before its last.
//!
//! The calibrated forecasts of each project start from the reference prior shipped with leadup
//! (these same 31 projects, `leadup_forecast::reference`) made without that project (leave one
//! project out), so every figure here is for a project the prior never saw; among other teams,
//! without any project of its workspace. The calibration itself learns only from the project's
//! own earlier forecasts, and from the prior only what was known on each forecast's date.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use leadup_forecast::{
    BacktestReport, BacktestSettings, CalibrationSettings, Method, PastForecasts, Prior, Question, ReferenceHistories,
    TeamHistory, backtest,
};
use time::Date;
use time::macros::format_description;

fn apache_projects() -> Vec<(String, TeamHistory)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/apache-resolutions");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "csv"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).unwrap();
            let mut lines = text.lines();
            assert_eq!(lines.next(), Some("key,created,resolved"), "{}", path.display());
            let resolved = lines.map(|line| {
                let resolved = line.split(',').nth(2).unwrap_or_else(|| panic!("{}: {line}", path.display()));
                // The UTC calendar date of the resolution.
                Date::parse(&resolved[..10], format_description!("[year]-[month]-[day]")).unwrap()
            });
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            (name, TeamHistory::new(resolved).unwrap())
        })
        .collect()
}

const README_PROTOCOL: BacktestSettings =
    BacktestSettings { question: Question::When { items: 20 }, history_days: 90, step_days: 30, end_margin_days: 365 };

fn print(label: &str, report: &BacktestReport) {
    let [p50, p70, p85, p95] = report.hit_rates();
    println!("{label:24} forecasts {:5}  P50 {p50:.3}  P70 {p70:.3}  P85 {p85:.3}  P95 {p95:.3}", report.forecasts);
}

#[test]
fn raw_forecasts_are_over_confident_as_the_readme_baseline_says() {
    let projects = apache_projects();
    assert_eq!(projects.len(), 31);
    let reports: Vec<BacktestReport> =
        projects.iter().map(|(_, h)| backtest(h, h.last_done(), &README_PROTOCOL, &Method::Raw).unwrap()).collect();
    let pooled = BacktestReport::pooled(&reports);
    print("raw", &pooled);
    // The README reports 2,042 forecasts; this harness makes 2,339 (and skips 138 dates with
    // nothing resolved in the 90 days before). See the crate's CALIBRATION.md.
    assert_eq!((pooled.forecasts, pooled.skipped), (2_339, 138));
    let [p50, _, p85, p95] = pooled.hit_rates();
    // README: 0.537, 0.717, 0.805.
    assert!((p50 - 0.537).abs() < 0.02, "{p50}");
    assert!((p85 - 0.717).abs() < 0.02, "{p85}");
    assert!((p95 - 0.805).abs() < 0.02, "{p95}");
    assert!(p85 < 0.78 && p95 < 0.88, "the raw method should be over-confident");
}

/// Every project's replayed past forecasts of the protocol's question, by name: the held-out
/// team's own, and the same replays reused in other projects' priors (a prior uses of them only
/// what was known on each forecast's date).
fn replays(projects: &[(String, TeamHistory)]) -> BTreeMap<String, Arc<PastForecasts>> {
    let settings = CalibrationSettings::with_history_days(README_PROTOCOL.history_days);
    projects
        .iter()
        .map(|(name, h)| {
            (
                name.clone(),
                Arc::new(PastForecasts::replay(h, h.last_done(), README_PROTOCOL.question, &settings).unwrap()),
            )
        })
        .collect()
}

/// The shipped reference histories' replays of the protocol's question, by name, as leadup
/// replays them for a prior (`ReferenceHistories::replay`).
fn reference_replays() -> BTreeMap<String, Arc<PastForecasts>> {
    let reference = ReferenceHistories::shipped();
    let settings = CalibrationSettings::with_history_days(README_PROTOCOL.history_days);
    let replayed = reference.replay(README_PROTOCOL.question, &settings).unwrap();
    reference.names().map(str::to_owned).zip(replayed).collect()
}

/// The reference prior a held-out workspace gets: the shipped reference histories without the
/// workspace's projects (so never the held-out one), pooled with the workspace's other teams
/// (their own replays, as a workspace's teams are replayed).
fn prior_for(
    workspace: &[&str],
    team: &str,
    reference_replays: &BTreeMap<String, Arc<PastForecasts>>,
    team_replays: &BTreeMap<String, Arc<PastForecasts>>,
) -> Prior {
    let mut reference = ReferenceHistories::shipped();
    for name in workspace {
        reference = reference.without(name);
    }
    assert_eq!(reference.len(), 31 - workspace.len());
    let reference = reference.names().map(|n| Arc::clone(&reference_replays[n])).collect();
    let others = workspace.iter().filter(|&&n| n != team).map(|&n| (*team_replays[n]).clone()).collect();
    Prior::pooled(reference, others)
}

fn assert_within_3_points(label: &str, report: &BacktestReport) {
    let rates = report.hit_rates();
    for (i, nominal) in [(0, 0.50), (2, 0.85), (3, 0.95)] {
        assert!((rates[i] - nominal).abs() <= 0.03, "{label}: P{}: {:.3}", nominal * 100.0, rates[i]);
    }
}

#[test]
fn calibrated_forecasts_are_met_as_often_as_they_claim() {
    let projects = apache_projects();
    let replayed = replays(&projects);
    let reference = reference_replays();
    let mut alone = Vec::new();
    let mut own_only = Vec::new();
    for (name, history) in &projects {
        // A team alone in its workspace: the reference prior without this project.
        let prior = prior_for(&[name.as_str()], name, &reference, &replayed);
        assert_eq!((prior.reference_histories(), prior.other_teams()), (30, 0));
        let method = Method::Replayed { own: &replayed[name], prior: Some(&prior) };
        alone.push(backtest(history, history.last_done(), &README_PROTOCOL, &method).unwrap());
        let method = Method::Replayed { own: &replayed[name], prior: None };
        own_only.push(backtest(history, history.last_done(), &README_PROTOCOL, &method).unwrap());
    }
    let alone = BacktestReport::pooled(&alone);
    let own_only = BacktestReport::pooled(&own_only);
    print("alone, LOO reference", &alone);
    print("own record only", &own_only);
    assert_eq!(alone.forecasts, 2_339);
    // Every forecast is a real date, not "beyond the horizon".
    assert!(alone.details.iter().all(|f| f.percentiles.iter().all(Option::is_some)));
    assert_within_3_points("a team alone", &alone);
    // Without any prior a team's own record alone still corrects most of the over-confidence.
    let own_rates = own_only.hit_rates();
    assert!(own_rates[2] > 0.78 && own_rates[3] > 0.88, "{own_rates:?}");
}

#[test]
fn a_team_among_others_is_calibrated_as_well() {
    // Workspaces of four teams (the projects in name order, four at a time; the last has three):
    // each team's prior pools its workspace's other teams with the reference histories without
    // any of the workspace's projects.
    let projects = apache_projects();
    let replayed = replays(&projects);
    let reference = reference_replays();
    let names: Vec<&str> = projects.iter().map(|(n, _)| n.as_str()).collect();
    let mut among = Vec::new();
    for workspace in names.chunks(4) {
        for (name, history) in projects.iter().filter(|(n, _)| workspace.contains(&n.as_str())) {
            let prior = prior_for(workspace, name, &reference, &replayed);
            assert_eq!(prior.other_teams(), workspace.len() - 1);
            let method = Method::Replayed { own: &replayed[name], prior: Some(&prior) };
            among.push(backtest(history, history.last_done(), &README_PROTOCOL, &method).unwrap());
        }
    }
    let among = BacktestReport::pooled(&among);
    print("among 3 others, LOO", &among);
    assert_eq!(among.forecasts, 2_339);
    assert_within_3_points("a team among others", &among);
}
