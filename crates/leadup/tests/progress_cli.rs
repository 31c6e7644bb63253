//! Imports, flow metrics, forecasts and backtests through the command line, on the FlowPulse
//! demo file and the importers' fixtures, with the exact flags and JSON keys scripts rely on.

mod support;

use leadup_store::testing::TestDatabase;
use serde_json::Value;
use support::{leadup, stderr, stdout};

const FLOWPULSE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/flowpulse-demo/DemoFile.csv");
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../leadup-import/tests/fixtures");

fn json(url: &str, args: &[&str]) -> Value {
    let output = leadup(url, args);
    assert!(output.status.success(), "leadup {args:?} failed: {}", stderr(&output));
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("no JSON from {args:?} ({e}): {}", stdout(&output)))
}

fn import_flowpulse(url: &str) -> Value {
    json(
        url,
        &[
            "import",
            "csv",
            FLOWPULSE,
            "--team",
            "Flow",
            "--delimiter",
            ";",
            "--key",
            "id",
            "--started",
            "started_date",
            "--done",
            "closed_date",
            "--date-format",
            "%d.%m.%Y",
            "--json",
        ],
    )
}

#[test]
fn the_flowpulse_file_imports_and_reimports_without_duplicates() {
    let db = TestDatabase::sqlite();
    let first = import_flowpulse(&db.url);
    assert_eq!(
        (first["rows"].as_u64(), first["inserted"].as_u64(), first["updated"].as_u64()),
        (Some(1562), Some(1562), Some(0))
    );
    assert_eq!(first["team_created"], true);
    let again = import_flowpulse(&db.url);
    assert_eq!((again["inserted"].as_u64(), again["updated"].as_u64()), (Some(0), Some(1562)));
    let flow = json(&db.url, &["flow", "--team", "Flow", "--today", "2025-02-21", "--json"]);
    assert_eq!(flow["items"], 1562);
    // Computed independently from the file (see crates/leadup-forecast/tests/flow.rs).
    assert_eq!(flow["finished"], 81);
    assert_eq!(flow["wip"], 13);
    assert_eq!(flow["cycle_time"]["p50"], 6);
    assert_eq!(flow["cycle_time"]["p85"], 12);
    assert_eq!(flow["cycle_time"]["p95"], 16);
}

#[test]
fn raw_forecasts_from_the_imported_history_match_the_reference() {
    let db = TestDatabase::sqlite();
    import_flowpulse(&db.url);
    let flow = json(&db.url, &["flow", "--team", "Flow", "--today", "2025-02-21", "--days", "90", "--json"]);
    let counts: Vec<String> =
        flow["throughput_daily"].as_array().unwrap().iter().map(|c| c.as_u64().unwrap().to_string()).collect();
    assert_eq!(counts.len(), 90);
    let counts = counts.join(",");
    let when =
        json(&db.url, &["forecast", "when", "--items", "121", "--throughput", &counts, "--by-days", "120", "--json"]);
    let p = |v: &Value| [&v["p50"], &v["p70"], &v["p85"], &v["p95"]].map(|x| x.as_u64().unwrap());
    assert_eq!(p(&when), [135, 144, 154, 166]);
    assert_eq!(when["probability_by"].as_f64(), Some(0.2021));
    assert_eq!(when["calibration"]["method"], "raw");
    let in14 = json(&db.url, &["forecast", "how-many", "--days", "14", "--throughput", &counts, "--json"]);
    assert_eq!(p(&in14), [12, 10, 7, 5]);
    let in120 = json(&db.url, &["forecast", "how-many", "--days", "120", "--throughput", &counts, "--json"]);
    assert_eq!(p(&in120), [108, 100, 92, 84]);
}

#[test]
fn team_forecasts_are_calibrated_and_state_their_backtest() {
    let db = TestDatabase::sqlite();
    import_flowpulse(&db.url);
    let args = [
        "forecast",
        "when",
        "--items",
        "121",
        "--team",
        "Flow",
        "--today",
        "2025-02-21",
        "--by",
        "2025-06-21",
        "--json",
    ];
    let when = json(&db.url, &args);
    let (p50, p85, p95) = (when["p50"].as_u64().unwrap(), when["p85"].as_u64().unwrap(), when["p95"].as_u64().unwrap());
    assert!(p50 <= p85 && p85 <= p95, "{when}");
    let probability = when["probability_by"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&probability));
    assert_eq!(when["calibration"]["method"], "calibrated");
    let checked = when["calibration"]["forecasts"].as_u64().unwrap();
    assert!(checked > 10, "{when}");
    assert!(
        when["calibration"]["statement"]
            .as_str()
            .unwrap()
            .starts_with(&format!("backtested on {checked} past forecasts"))
    );

    let backtest = json(
        &db.url,
        &[
            "backtest",
            "--team",
            "Flow",
            "--items",
            "121",
            "--history-days",
            "90",
            "--step-days",
            "30",
            "--today",
            "2025-02-21",
            "--json",
        ],
    );
    assert_eq!(
        backtest["forecasts"].as_u64(),
        Some(checked),
        "backtest replays exactly the forecasts the forecast states"
    );
    for key in ["p50_hit", "p85_hit", "p95_hit"] {
        assert_eq!(backtest[key], when["calibration"][key], "{key}");
    }
    let how_many =
        json(&db.url, &["forecast", "how-many", "--days", "30", "--team", "Flow", "--today", "2025-02-21", "--json"]);
    assert!(how_many["p50"].as_u64().unwrap() >= how_many["p95"].as_u64().unwrap());
}

#[test]
fn jira_and_github_exports_import_with_every_bad_row_reported() {
    let db = TestDatabase::sqlite();
    let jira = leadup(&db.url, &["import", "jira", &format!("{FIXTURES}/jira-story-points.csv"), "--team", "Payments"]);
    assert!(jira.status.success(), "{}", stderr(&jira));
    assert!(stdout(&jira).contains("into team 'Payments': 6 rows, 4 new, 0 updated, 2 bad"), "{}", stdout(&jira));
    let err = stderr(&jira);
    // The lines of the file, as the reader reports them (they were one late).
    assert!(err.contains("line 8: Resolved: '31/Feb/26 10:00 AM' is not a date"), "{err}");
    assert!(err.contains("line 9: Resolved: '05/Feb/26 10:00 AM' is before Created"), "{err}");
    assert!(err.contains("created team 'Payments'"), "{err}");

    let github =
        json(&db.url, &["import", "github", &format!("{FIXTURES}/github-pages.json"), "--team", "Web", "--json"]);
    assert_eq!((github["rows"].as_u64(), github["inserted"].as_u64()), (Some(6), Some(4)));
    let lines: Vec<u64> = github["errors"].as_array().unwrap().iter().map(|e| e["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, vec![51, 60], "the lines of the file, as the reader reports them");
}

#[test]
fn a_strict_import_with_bad_rows_writes_nothing_not_even_the_team() {
    let db = TestDatabase::sqlite();
    let file = format!("{FIXTURES}/generic-bad-rows.csv");
    let args = [
        "import",
        "csv",
        &file,
        "--team",
        "Strict",
        "--key",
        "ticket",
        "--created",
        "opened",
        "--started",
        "begun",
        "--done",
        "finished",
        "--title",
        "headline",
    ];
    let strict = leadup(&db.url, &[&args[..], &["--strict"]].concat());
    assert_eq!(strict.status.code(), Some(2));
    assert!(
        stderr(&strict).ends_with(&format!("error: file: 4 bad rows in {file}; with --strict nothing was written\n"))
    );
    assert_eq!(json(&db.url, &["team", "list", "--json"]), serde_json::json!([]));

    let lenient = json(&db.url, &[&args[..], &["--json"]].concat());
    assert_eq!((lenient["inserted"].as_u64(), lenient["errors"].as_array().unwrap().len()), (Some(3), 4));
    let missing = leadup(&db.url, &["import", "csv", &file, "--team", "Strict", "--key", "nope", "--done", "finished"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing)
            .contains("no column 'nope' in the header (columns: ticket, opened, begun, finished, headline)")
    );
}

#[test]
fn attach_rules_select_an_initiatives_items() {
    let db = TestDatabase::sqlite();
    json(&db.url, &["import", "jira", &format!("{FIXTURES}/jira-story-points.csv"), "--team", "Payments", "--json"]);
    let initiative =
        json(&db.url, &["initiative", "add", "--title", "Refunds", "--team", "Payments", "--horizon", "now", "--json"]);
    let id = initiative["id"].to_string();
    let attach = leadup(&db.url, &["initiative", "attach", &id, "--key", "SHOP-101", "--key", "SHOP-102"]);
    assert!(stdout(&attach).contains("key=SHOP-101, key=SHOP-102"), "{}", stdout(&attach));
    let flow = json(&db.url, &["flow", "--initiative", &id, "--today", "2026-03-01", "--json"]);
    assert_eq!(flow["items"], 2);
    let detach = leadup(&db.url, &["initiative", "detach", &id, "--key", "SHOP-102"]);
    assert!(stdout(&detach).contains("Work items:   1"), "{}", stdout(&detach));
    let none = leadup(&db.url, &["initiative", "attach", &id]);
    assert_eq!(none.status.code(), Some(2));
}

#[test]
fn forecast_flags_are_checked() {
    let db = TestDatabase::sqlite();
    let zero = leadup(&db.url, &["forecast", "when", "--items", "0", "--throughput", "1,2"]);
    assert_eq!(zero.status.code(), Some(2));
    let neither = leadup(&db.url, &["forecast", "when", "--items", "3"]);
    assert_eq!(neither.status.code(), Some(2));
    assert_eq!(stderr(&neither), "error: --team: give --team TEAM or --throughput COUNTS\n");
    let early = leadup(
        &db.url,
        &["forecast", "when", "--items", "3", "--throughput", "1", "--today", "2025-01-10", "--by", "2025-01-01"],
    );
    assert_eq!(stderr(&early), "error: --by: must not be before the forecast date (--today)\n");
}

#[tokio::test]
async fn imports_and_team_forecasts_work_on_postgres() {
    let Some(db) = TestDatabase::postgres().await else { return };
    let url = db.url.clone();
    tokio::task::spawn_blocking(move || {
        assert_eq!(import_flowpulse(&url)["inserted"], 1562);
        assert_eq!(import_flowpulse(&url)["updated"], 1562);
        let flow = json(&url, &["flow", "--team", "Flow", "--today", "2025-02-21", "--json"]);
        assert_eq!(
            (flow["items"].as_u64(), flow["finished"].as_u64(), flow["wip"].as_u64()),
            (Some(1562), Some(81), Some(13))
        );
        let when =
            json(&url, &["forecast", "when", "--items", "121", "--team", "Flow", "--today", "2025-02-21", "--json"]);
        assert_eq!(when["calibration"]["method"], "calibrated");
    })
    .await
    .unwrap();
}

#[test]
fn a_portfolio_shares_the_team_in_priority_order_and_is_seeded() {
    let db = TestDatabase::sqlite();
    import_flowpulse(&db.url);
    let add = |title: &str, end: &str, keys: &[&str]| {
        let created = json(
            &db.url,
            &[
                "initiative",
                "add",
                "--title",
                title,
                "--team",
                "Flow",
                "--start",
                "2025-01-01",
                "--end",
                end,
                "--status",
                "planned",
                "--json",
            ],
        );
        let id = created["id"].to_string();
        let mut args = vec!["initiative", "attach", id.as_str()];
        for key in keys {
            args.extend(["--key", key]);
        }
        assert!(leadup(&db.url, &args).status.success());
    };
    // Open items of the FlowPulse file; the later target comes second.
    add("Second", "2025-06-30", &["169959", "170141", "172837", "173146", "173147"]);
    add("First", "2025-03-31", &["151794", "165847", "169907"]);
    let args = [
        "forecast",
        "portfolio",
        "--team",
        "Flow",
        "--wip",
        "1",
        "--today",
        "2025-02-21",
        "--trials",
        "2000",
        "--json",
    ];
    let answer = json(&db.url, &args);
    assert_eq!(answer, json(&db.url, &args), "the same seed gives the same answer");
    let lines = answer["initiatives"].as_array().unwrap();
    let titles: Vec<&str> = lines.iter().map(|l| l["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["First", "Second"]);
    assert_eq!((lines[0]["remaining"].as_u64(), lines[1]["remaining"].as_u64()), (Some(3), Some(5)));
    // One at a time: the second starts when the first is done, so it needs all 8 items' time.
    assert!(lines[1]["p50"].as_u64() > lines[0]["p50"].as_u64(), "{answer}");
    assert!(lines[0]["p50"].as_u64() <= lines[0]["p95"].as_u64());
    let p = lines[0]["probability_by_target"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&p));
    assert_eq!(answer["calibration"]["method"], "raw");
    assert!(answer["calibration"]["statement"].as_str().unwrap().starts_with("uncalibrated simulation"));
    let other_seed = json(&db.url, &[&args[..], &["--seed", "7"]].concat());
    assert_eq!(other_seed["initiatives"][1]["title"], "Second");

    // Items that double and a sure risk of 10 more items take longer.
    let grown = json(&db.url, &[&args[..], &["--split", "2-2", "--risk", "1:10-10"]].concat());
    assert_eq!(grown["growth"]["split"], serde_json::json!({"low": 2.0, "high": 2.0}));
    assert!(grown["initiatives"][0]["p50"].as_u64() > lines[0]["p50"].as_u64(), "{grown}");
    let bad = leadup(&db.url, &[&args[..], &["--split", "0.5-2", "--risk", "2:1-3"]].concat());
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("--split: '0.5-2' is not LOW-HIGH") && stderr(&bad).contains("--risk[0]: '2:1-3'"));
}

#[test]
fn a_forecast_from_a_bare_throughput_list_opens_no_database() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("leadup.db");
    let url = format!("sqlite://{}", database.display());
    for args in [
        ["forecast", "when", "--items", "12", "--throughput", "1,0,2,1,3"],
        ["forecast", "how-many", "--days", "14", "--throughput", "1,0,2,1,3"],
    ] {
        let output = leadup(&url, &args);
        assert!(output.status.success(), "{args:?}: {}", stderr(&output));
        assert!(stdout(&output).contains("P85"), "{args:?}");
    }
    assert!(!database.exists(), "a raw forecast created {}", database.display());
    // A team forecast does need the workspace.
    let output = leadup(&url, &["forecast", "when", "--items", "12", "--team", "Nobody"]);
    assert!(!output.status.success());
    assert!(database.exists(), "a team forecast opens the workspace");
}

#[test]
fn a_quote_left_open_is_reported_with_every_line_it_swallowed_and_refused_by_strict() {
    let db = TestDatabase::sqlite();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("open-quote.csv");
    std::fs::write(
        &file,
        "id,done,title\nT-1,2026-03-04,fine\nT-2,2026-03-05,\"unclosed title\nT-3,2026-03-06,x\n\
         T-4,2026-03-07,y\nT-5,2026-03-08,z\nT-6,2026-03-09,w\n",
    )
    .unwrap();
    let file = file.to_str().unwrap();
    let args = ["import", "csv", file, "--team", "Quotes", "--key", "id", "--done", "done", "--title", "title"];
    let strict = leadup(&db.url, &[&args[..], &["--strict"]].concat());
    assert_eq!(strict.status.code(), Some(2));
    assert!(
        stderr(&strict).ends_with(&format!("error: file: 5 bad rows in {file}; with --strict nothing was written\n")),
        "{}",
        stderr(&strict)
    );
    let lenient = json(&db.url, &[&args[..], &["--json"]].concat());
    assert_eq!(lenient["inserted"], 1);
    let errors = lenient["errors"].as_array().unwrap();
    let lines: Vec<u64> = errors.iter().map(|e| e["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [3, 4, 5, 6, 7]);
    assert_eq!(
        errors[0]["message"],
        "title: the quote opened here is never closed (it runs to the end of the file; it swallowed lines 4 to 7)"
    );
}

#[test]
fn backtests_are_the_same_whatever_order_the_teams_were_imported_in() {
    // Three public projects that are also among leadup's reference histories: each is left out
    // of the reference (it would be a team's own future), and the other two teams are pooled in.
    let apache = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/apache-resolutions");
    let projects = ["fc", "ftpserver", "vysper"];
    let backtest = |order: &[&str]| {
        let db = TestDatabase::sqlite();
        for name in order {
            let file = format!("{apache}/{name}.csv");
            let args =
                ["import", "csv", &file, "--team", name, "--key", "key", "--created", "created", "--done", "resolved"];
            let output = leadup(&db.url, &args);
            assert!(output.status.success(), "{}", stderr(&output));
        }
        json(&db.url, &["backtest", "--items", "5", "--history-days", "90", "--step-days", "30", "--json"])
    };
    let forward = backtest(&projects);
    let backward = backtest(&[projects[2], projects[0], projects[1]]);
    let by_team = |answer: &Value| {
        let mut teams = answer["teams"].as_array().unwrap().clone();
        teams.sort_by_key(|t| t["team"].as_str().unwrap().to_owned());
        teams
    };
    assert_eq!(by_team(&forward), by_team(&backward));
    for key in ["forecasts", "p50_hit", "p70_hit", "p85_hit", "p95_hit"] {
        assert_eq!(forward[key], backward[key], "{key}");
    }
    assert!(forward["forecasts"].as_u64().unwrap() > 100, "{forward}");
    for team in by_team(&forward) {
        let statement = team["statement"].as_str().unwrap();
        assert!(
            statement.contains(
                "calibrated on its own record with the reference histories of 28 public projects and 2 other teams: P50 met"
            ),
            "{statement}"
        );
    }
}

/// `forecast when --team` for Flow as of `today` with two other teams (public projects that
/// are also reference histories), as JSON.
fn when_as_of(url: &str, today: &str) -> Value {
    json(url, &["forecast", "when", "--items", "20", "--team", "Flow", "--today", today, "--json"])
}

fn import_three_teams(url: &str) {
    import_flowpulse(url);
    let apache = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/apache-resolutions");
    for name in ["fc", "vysper"] {
        let file = format!("{apache}/{name}.csv");
        let args =
            ["import", "csv", &file, "--team", name, "--key", "key", "--created", "created", "--done", "resolved"];
        let output = leadup(url, &args);
        assert!(output.status.success(), "{}", stderr(&output));
    }
}

/// The replays a `--team` forecast and a backtest keep in the database are used by the next
/// command, carried forward to a later day, and give exactly what fresh replays give.
async fn replays_are_kept_between_commands(url: &str) {
    import_three_teams(url);
    let first = when_as_of(url, "2025-03-01");
    let store = leadup_store::Store::connect(url).await.unwrap();
    let today = time::OffsetDateTime::now_utc().date();
    let question = "when will 20 items be done";
    let teams = store.forecast_replays(question, 90, 7, today).await.unwrap();
    let subjects: Vec<&str> = teams.iter().map(|r| r.subject.as_str()).collect();
    assert_eq!(subjects, ["team 1", "team 2", "team 3"]);
    assert!(teams.iter().all(|r| r.as_of == time::macros::date!(2025 - 03 - 01) && r.replay.len() > 1000));
    assert_eq!(store.forecast_replays(question, 90, 28, today).await.unwrap().len(), 31, "the reference histories");
    assert_eq!(when_as_of(url, "2025-03-01"), first, "from the kept replays");

    // What is kept is what is used: fc's replay swapped for vysper's changes the answer.
    let swapped = leadup_store::StoredReplay { replay: teams[2].replay.clone(), ..teams[1].clone() };
    store.put_forecast_replays(&[swapped], today).await.unwrap();
    let with_swapped = when_as_of(url, "2025-03-01");
    assert_ne!(with_swapped, first);
    store.put_forecast_replays(&teams, today).await.unwrap();
    assert_eq!(when_as_of(url, "2025-03-01"), first);

    // Six weeks later the kept replays are carried forward, and agree with a fresh workspace.
    let later = when_as_of(url, "2025-04-15");
    let carried = store.forecast_replays(question, 90, 7, today).await.unwrap();
    assert!(carried.iter().all(|r| r.as_of == time::macros::date!(2025 - 04 - 15)), "{carried:?}");
    let fresh = TestDatabase::sqlite();
    import_three_teams(&fresh.url);
    assert_eq!(later, when_as_of(&fresh.url, "2025-04-15"));
    // Carried forward, not kept as it was: six more weeks of pending outcomes and new forecasts.
    assert!(carried.iter().zip(&teams).all(|(now, then)| now.replay.len() > then.replay.len()));

    let backtest = ["backtest", "--items", "20", "--json"];
    let kept = json(url, &backtest);
    assert_eq!(json(url, &backtest), kept);
    assert_eq!(json(&fresh.url, &backtest), kept);
    store.close().await;
}

#[tokio::test]
async fn replays_are_kept_between_commands_on_sqlite_and_postgres() {
    replays_are_kept_between_commands(&TestDatabase::sqlite().url).await;
    if let Some(postgres) = TestDatabase::postgres().await {
        replays_are_kept_between_commands(&postgres.url).await;
    }
}
