//! A team's calibrated forecasts rest on the reference histories and the workspace's other
//! teams, whatever order those were loaded in, and say so.

use leadup_app::forecasts::{Histories, calibration_of};
use leadup_forecast::{Prior, Question, ReferenceHistories, TeamHistory, TeamSettings, team_when};
use time::macros::date;
use time::{Date, Duration};

/// A team finishing `per_week` items a week (on varying weekdays) for `days` days from `start`.
fn team(start: Date, days: i64, per_week: i64, phase: i64) -> Vec<Date> {
    (0..days)
        .filter(|d| (d * per_week + phase) % 7 < per_week.min(7))
        .flat_map(|d| std::iter::repeat_n(start + Duration::days(d), 1 + usize::from((d + phase) % 11 == 0)))
        .collect()
}

#[test]
fn forecasts_do_not_depend_on_the_order_teams_were_loaded_in() {
    let start = date!(2024 - 01 - 01);
    let own = team(start, 500, 3, 0);
    let others = vec![team(start, 400, 2, 1), team(start + Duration::days(300), 30, 5, 2), team(start, 480, 6, 3)];
    let mut reversed = others.clone();
    reversed.reverse();
    let today = date!(2025 - 05 - 01);
    let settings = TeamSettings::default();
    let a = Histories::from_done_dates(own.clone(), others);
    let b = Histories::from_done_dates(own, reversed);
    assert_eq!(a.others_digest(), b.others_digest());
    assert!(a.others_digest().starts_with("reference 31:28256;"), "{}", a.others_digest());
    let (fa, fb) = (a.when(today, 20, &settings).unwrap(), b.when(today, 20, &settings).unwrap());
    assert_eq!(fa.forecast.percentiles().unwrap(), fb.forecast.percentiles().unwrap());
    assert_eq!(fa.backtest, fb.backtest);
    assert_eq!(a.backtest(today, 20, &settings).unwrap(), b.backtest(today, 20, &settings).unwrap());
    let statement = calibration_of(&fa.backtest).statement;
    assert!(
        statement.starts_with(&format!(
            "backtested on {} past forecasts of this team, calibrated on its own record with the reference \
             histories of 31 public projects and 3 other teams: P50 met",
            fa.backtest.forecasts
        )),
        "{statement}"
    );
}

#[test]
fn a_team_alone_is_calibrated_with_the_reference_histories() {
    let start = date!(2024 - 01 - 01);
    let alone = Histories::from_done_dates(team(start, 500, 3, 0), Vec::new());
    let forecast = alone.when(date!(2025 - 05 - 01), 20, &TeamSettings::default()).unwrap();
    let calibration = forecast.forecast.calibration();
    assert_eq!((calibration.basis().reference_histories, calibration.basis().other_teams), (31, 0));
    // The reference holds far more than the prior's weight: it weighs the full 20.
    assert!((calibration.prior_effective() - 20.0).abs() < 1e-9, "{}", calibration.prior_effective());
    assert!(
        calibration_of(&forecast.backtest)
            .statement
            .contains("calibrated on its own record with the reference histories of 31 public projects: P50 met")
    );
}

#[test]
fn a_history_shorter_than_60_days_leans_on_the_prior_and_says_so() {
    let start = date!(2025 - 03 - 20);
    let short = Histories::from_done_dates(team(start, 42, 4, 0), Vec::new());
    let today = date!(2025 - 05 - 01);
    let forecast = short.when(today, 10, &TeamSettings::default()).unwrap();
    let calibration = forecast.forecast.calibration();
    assert_eq!(calibration.too_short_days(), Some(43));
    assert_eq!(calibration.own_observations(), 0);
    assert_eq!(forecast.backtest.forecasts, 0);
    assert_eq!(
        calibration_of(&forecast.backtest).statement,
        "too short to calibrate: this team's 43 days of history (fewer than 60) count for nothing, so the forecast \
         leans on the reference histories of 31 public projects"
    );
    // The prior widens the raw model's over-confident forecast.
    let raw = forecast.forecast.raw().percentiles();
    let calibrated = forecast.forecast.percentiles().unwrap();
    assert!(calibrated.p95 > raw.p95, "{raw:?} {calibrated:?}");
}

#[test]
fn a_public_project_imported_as_a_team_is_not_in_its_own_prior() {
    let reference = leadup_forecast::ReferenceHistories::shipped();
    let (name, kafka) = &reference.projects()[12];
    assert_eq!(name, "kafka");
    let all: Vec<Date> = reference_dates(kafka);
    let histories = Histories::from_done_dates(all, Vec::new());
    let forecast = histories.when(kafka.last_done(), 20, &TeamSettings::default()).unwrap();
    assert_eq!(forecast.forecast.calibration().basis().reference_histories, 30);
}

fn reference_dates(history: &leadup_forecast::TeamHistory) -> Vec<Date> {
    let (first, last) = (history.first_done(), history.last_done());
    let days = u32::try_from((last - first).whole_days() + 1).unwrap();
    history
        .daily_throughput(last, days)
        .iter()
        .enumerate()
        .flat_map(|(i, &n)| std::iter::repeat_n(first + Duration::days(i as i64), n as usize))
        .collect()
}

#[test]
fn replays_kept_by_the_process_give_the_forecasts_fresh_replays_give() {
    let start = date!(2024 - 01 - 01);
    let own = team(start, 450, 4, 5);
    let others = vec![team(start, 420, 3, 2), team(start + Duration::days(60), 380, 5, 4)];
    let today = date!(2025 - 03 - 20);
    let settings = TeamSettings::default();
    let histories = Histories::from_done_dates(own.clone(), others.clone());
    let first = histories.when(today, 15, &settings).unwrap();
    let kept = histories.when(today, 15, &settings).unwrap();

    let question = Question::When { items: 15 };
    let calibration = settings.calibration_settings();
    let mut other_histories: Vec<TeamHistory> = others.into_iter().map(|d| TeamHistory::new(d).unwrap()).collect();
    other_histories.sort_unstable();
    let reference = ReferenceHistories::shipped().replay(question, &calibration).unwrap();
    let fresh = Prior::replay(&other_histories, today, question, &calibration).unwrap().with_reference(reference);
    let expected = team_when(&TeamHistory::new(own).unwrap(), today, 15, &settings, Some(&fresh), None).unwrap();
    for answer in [&first, &kept] {
        assert_eq!(answer.forecast.percentiles().unwrap(), expected.forecast.percentiles().unwrap());
        assert_eq!(answer.backtest, expected.backtest);
    }
}
