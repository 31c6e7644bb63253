//! The command line as scripts use it: exact forms, JSON output, exit codes, one-line
//! errors; on SQLite and on PostgreSQL.

mod support;

use leadup_store::testing::TestDatabase;
use serde_json::Value;
use support::{leadup, stderr, stdout};

fn json(database_url: &str, args: &[&str]) -> Value {
    let output = leadup(database_url, args);
    assert!(output.status.success(), "leadup {args:?} failed: {}", stderr(&output));
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("leadup {args:?} printed no JSON ({e}): {}", stdout(&output)))
}

/// Builds a small workspace through the CLI and checks what it stored.
fn records_round_trip(url: &str) {
    let init = leadup(url, &["init", "--name", "Acme", "--mission", "Make invoices boring"]);
    assert_eq!(stdout(&init), "created workspace 'Acme'\n");
    assert_eq!(json(url, &["workspace", "show", "--json"])["mission"], "Make invoices boring");

    for (email, name) in [("priya@example.com", "Priya"), ("tom@example.com", "Tom"), ("ana@example.com", "Ana")] {
        assert!(leadup(url, &["user", "add", email, "--name", name]).status.success());
    }
    // A name where an e-mail address belongs is refused naming the flag, and writes nothing.
    let typed = leadup(url, &["team", "add", "--name", "Payments", "--executive", "Dana"]);
    assert_eq!(typed.status.code(), Some(2));
    assert!(stderr(&typed).contains("--executive: 'dana' is not an e-mail address"), "{}", stderr(&typed));
    let unknown = leadup(url, &["team", "add", "--name", "Payments", "--executive", "dana@example.com"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        stderr(&unknown).contains("--executive: no user has the e-mail address 'dana@example.com'"),
        "{}",
        stderr(&unknown)
    );
    assert_eq!(json(url, &["team", "list", "--json"]), serde_json::json!([]));
    let team = json(
        url,
        &[
            "team",
            "add",
            "--name",
            "Payments",
            "--manager",
            "Priya@Example.com",
            "--member",
            "tom@example.com",
            "--member",
            "ana@example.com",
            "--json",
        ],
    );
    let names = |role: &str| {
        team[role].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap().to_owned()).collect::<Vec<_>>()
    };
    assert_eq!(
        (names("managers"), names("members"), names("executives")),
        (vec!["Priya".to_owned()], vec!["Ana".to_owned(), "Tom".to_owned()], vec![])
    );
    assert!(team["members"][0]["user_id"].is_i64(), "the members are users: {team}");
    let renamed = json(url, &["team", "update", "Payments", "--name", "Payments & Billing", "--json"]);
    assert_eq!(
        (renamed["name"].as_str(), renamed["members"].as_array().map(Vec::len)),
        (Some("Payments & Billing"), Some(2))
    );
    json(url, &["team", "update", "Payments & Billing", "--name", "Payments", "--json"]);
    let objective = json(
        url,
        &[
            "objective",
            "add",
            "--title",
            "Grow retention",
            "--owner",
            "Dana",
            "--key-result",
            "metric=Net revenue retention,unit=%,baseline=98,target=110,current=104,due=2026-12-31",
            "--json",
        ],
    );
    let objective_id = objective["id"].as_i64().unwrap().to_string();
    assert_eq!(objective["key_results"][0]["current"], 104.0);

    let initiative = json(
        url,
        &[
            "initiative",
            "add",
            "--title",
            "Instant payouts",
            "--team",
            "Payments",
            "--objective",
            &objective_id,
            "--start",
            "2027-01-01",
            "--end",
            "2027-03-31",
            "--budget",
            "250000",
            "--spent",
            "1250.50",
            "--status",
            "in progress",
            "--json",
        ],
    );
    assert_eq!(initiative["budget_planned"], 25_000_000);
    assert_eq!(initiative["budget_actual"], 125_050);
    assert_eq!(initiative["status"], "in_progress");
    assert_eq!(initiative["team_id"], team["id"]);
    let id = initiative["id"].as_i64().unwrap().to_string();

    let updated = json(url, &["initiative", "update", &id, "--horizon", "now", "--clear-window", "--json"]);
    assert_eq!(updated["horizon"], "now");
    assert_eq!(updated["target_start"], Value::Null);
    assert_eq!(updated["title"], "Instant payouts");

    let table = stdout(&leadup(url, &["initiative", "list"]));
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("ID  TITLE"), "a header row: {table}");
    assert!(
        lines[1].contains("Instant payouts") && lines[1].contains("EUR 250,000") && lines[1].contains("in progress"),
        "{table}"
    );

    let listed = json(url, &["initiative", "list", "--json"]);
    assert_eq!(listed, serde_json::json!([updated]));
    assert_eq!(json(url, &["objective", "list", "--json"])[0]["title"], "Grow retention");
    assert_eq!(json(url, &["team", "list", "--json"])[0]["name"], "Payments");

    let refused = leadup(url, &["objective", "delete", &objective_id]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("is served by initiatives"), "{}", stderr(&refused));
    assert!(leadup(url, &["initiative", "delete", &id]).status.success());
    assert!(leadup(url, &["objective", "delete", &objective_id]).status.success());
    assert_eq!(json(url, &["initiative", "list", "--json"]), serde_json::json!([]));
}

#[test]
fn records_round_trip_on_sqlite() {
    records_round_trip(&TestDatabase::sqlite().url);
}

#[tokio::test]
async fn records_round_trip_on_postgres() {
    let Some(db) = TestDatabase::postgres().await else { return };
    let url = db.url.clone();
    tokio::task::spawn_blocking(move || records_round_trip(&url)).await.unwrap();
}

#[test]
fn bad_input_is_one_line_exit_2_and_writes_nothing() {
    let db = TestDatabase::sqlite();
    let url = &db.url;
    leadup(url, &["init", "--name", "Acme"]);
    leadup(url, &["team", "add", "--name", "Payments"]);

    let bad = leadup(
        url,
        &[
            "initiative",
            "add",
            "--title",
            "Backwards",
            "--team",
            "Payments",
            "--start",
            "2027-03-01",
            "--end",
            "2027-01-01",
            "--budget",
            "-5",
        ],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert_eq!(
        stderr(&bad),
        "error: target_end: 2027-01-01 is before target_start 2027-03-01; budget_planned: must not be negative (got -500)\n"
    );
    let unknown = leadup(
        url,
        &["initiative", "add", "--title", "Ghost", "--team", "Payments", "--objective", "42", "--horizon", "now"],
    );
    assert_eq!(unknown.status.code(), Some(2));
    assert_eq!(stderr(&unknown), "error: objective_ids: unknown objective 42\n");
    let empty = leadup(url, &["initiative", "add", "--title", "", "--team", "Payments", "--horizon", "now"]);
    assert_eq!(stderr(&empty), "error: title: must not be empty\n");
    let amount = leadup(
        url,
        &["initiative", "add", "--title", "x", "--team", "Payments", "--horizon", "now", "--budget", "lots"],
    );
    assert_eq!(stderr(&amount), "error: --budget: 'lots' is not an amount such as 250000 or 1250.50\n");
    let no_team = leadup(url, &["initiative", "add", "--title", "x", "--team", "Nope", "--horizon", "now"]);
    assert_eq!(no_team.status.code(), Some(1));
    assert_eq!(stderr(&no_team), "error: no team with id or name 'Nope' (see `leadup team list`)\n");
    let flag = leadup(url, &["initiative", "add", "--colour", "red"]);
    assert_eq!(flag.status.code(), Some(2), "clap usage errors exit 2");

    assert_eq!(json(url, &["initiative", "list", "--json"]), serde_json::json!([]), "nothing was written");
}

#[test]
fn bad_database_urls_are_named() {
    let scheme = leadup("mysql://root:hunter2@db/leadup", &["team", "list"]);
    assert_eq!(scheme.status.code(), Some(2));
    assert_eq!(
        stderr(&scheme),
        "error: unsupported database URL 'mysql://root:***@db/leadup': use sqlite://FILE or postgres://USER@HOST/DB\n"
    );

    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "Meeting notes. ".repeat(100)).unwrap();
    let not_sqlite = leadup(&format!("sqlite://{}", notes.display()), &["team", "list"]);
    assert_eq!(not_sqlite.status.code(), Some(1));
    assert_eq!(stderr(&not_sqlite), format!("error: '{}' is not a SQLite database\n", notes.display()));
}

#[test]
fn help_is_complete() {
    let db = TestDatabase::sqlite();
    let help = stdout(&leadup(&db.url, &["--help"]));
    for command in [
        "init",
        "serve",
        "demo",
        "workspace",
        "objective",
        "team",
        "initiative",
        "migrate",
        "backup",
        "restore",
        "--database-url",
    ] {
        assert!(help.contains(command), "`leadup --help` mentions {command}:\n{help}");
    }
    for args in [
        &["serve", "--help"][..],
        &["demo", "--help"],
        &["init", "--help"],
        &["objective", "add", "--help"],
        &["team", "update", "--help"],
        &["initiative", "add", "--help"],
        &["initiative", "update", "--help"],
    ] {
        let output = leadup(&db.url, args);
        assert!(output.status.success(), "leadup {args:?}");
        let text = stdout(&output);
        assert!(text.contains("Usage: leadup"), "leadup {args:?} prints usage");
    }
}

#[test]
fn serve_refuses_an_empty_database() {
    let db = TestDatabase::sqlite();
    let output = leadup(&db.url, &["serve", "--bind", "127.0.0.1:0"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("holds no workspace yet: run `leadup init --name NAME` first"),
        "{}",
        stderr(&output)
    );
}
