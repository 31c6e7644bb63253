//! The commitments ledger and the track record from the command line, on SQLite and
//! PostgreSQL: a year of history recorded with explicit dates, the report's figures checked
//! against hand-computed ones, and bad input exiting 2 naming the flag with nothing written.

mod support;

use leadup_store::testing::TestDatabase;
use serde_json::Value;
use support::{leadup, stderr, stdout};

fn ok(url: &str, args: &[&str]) -> String {
    let output = leadup(url, args);
    assert!(output.status.success(), "{args:?}: {}", stderr(&output));
    stdout(&output)
}

fn json(url: &str, args: &[&str]) -> Value {
    serde_json::from_str(&ok(url, args)).unwrap()
}

fn refused(url: &str, args: &[&str]) -> String {
    let output = leadup(url, args);
    assert_eq!(output.status.code(), Some(2), "{args:?}: {}", stderr(&output));
    stderr(&output)
}

fn add(url: &str, statement: &str, made: &str, due: &str, confidence: &str, budget: Option<&str>) -> String {
    let mut args = vec![
        "commitment",
        "add",
        "--team",
        "Payments",
        "--to",
        "erin@example.com",
        "--statement",
        statement,
        "--made",
        made,
        "--due",
        due,
        "--confidence",
        confidence,
    ];
    if let Some(budget) = budget {
        args.extend(["--budget", budget]);
    }
    let id = ok(url, &args).trim().to_owned();
    assert!(id.parse::<i64>().is_ok(), "prints the id: {id}");
    id
}

fn commitments_from_the_command_line(url: &str) {
    ok(url, &["init", "--name", "Acme"]);
    ok(url, &["team", "add", "--name", "Payments"]);
    for (email, name, role) in [("mara@example.com", "Mara", "manager"), ("erin@example.com", "Erin", "executive")] {
        ok(url, &["user", "add", email, "--name", name]);
        ok(url, &["member", "add", email, "--team", "Payments", "--role", role]);
    }

    // 1: kept on time, with budget 10,000 and 11,000 spent.
    let one = add(url, "Refunds in seconds", "2026-01-05", "2026-01-31", "0.9", Some("10,000"));
    assert_eq!(
        ok(url, &["commitment", "met", &one, "--on", "2026-01-30", "--spent", "11000"]).trim(),
        format!("commitment {one} met on 2026-01-30")
    );
    // 2: renegotiated in time, then met by the new date (budget 20,000, 18,000 spent).
    let two = add(url, "Payout reports", "2026-01-05", "2026-02-28", "0.8", Some("20000"));
    ok(
        url,
        &["commitment", "renegotiate", &two, "--due", "2026-03-15", "--on", "2026-02-10", "--reason", "Bank API late"],
    );
    ok(url, &["commitment", "met", &two, "--on", "2026-03-10", "--spent", "18,000"]);
    // 3: missed; 4: met five days late; 5: dropped.
    let three = add(url, "SEPA mandates", "2026-01-05", "2026-03-31", "0.7", None);
    ok(url, &["commitment", "missed", &three, "--on", "2026-04-02"]);
    let four = add(url, "Chargeback alerts", "2026-01-05", "2026-03-31", "0.6", None);
    ok(url, &["commitment", "met", &four, "--on", "2026-04-05"]);
    let five = add(url, "Crypto payouts", "2026-01-05", "2026-02-28", "0.5", None);
    ok(url, &["commitment", "dropped", &five, "--on", "2026-02-01", "--reason", "Strategy changed"]);
    // 6: still open.
    let six = add(url, "Marketplace pilot", "2026-03-01", "2026-12-31", "0.75", None);

    // Bad input: each refused naming its flag, nothing written.
    let before = json(url, &["commitment", "list", "--team", "Payments", "--json"]);
    assert!(
        refused(
            url,
            &[
                "commitment",
                "add",
                "--team",
                "Payments",
                "--to",
                "erin@example.com",
                "--statement",
                "x",
                "--due",
                "2026-05-01",
                "--confidence",
                "1.5"
            ]
        )
        .contains("--confidence: 1.5 is not a probability from 0 to 1")
    );
    assert!(
        refused(
            url,
            &[
                "commitment",
                "add",
                "--team",
                "Payments",
                "--to",
                "erin@example.com",
                "--statement",
                "x",
                "--made",
                "2026-05-02",
                "--due",
                "2026-05-01",
                "--confidence",
                "0.5"
            ]
        )
        .contains("--due: 2026-05-01 is before the day the commitment is made (2026-05-02)")
    );
    assert!(
        refused(
            url,
            &[
                "commitment",
                "add",
                "--team",
                "Payments",
                "--to",
                "nobody@example.com",
                "--statement",
                "x",
                "--due",
                "2026-05-01",
                "--confidence",
                "0.5"
            ]
        )
        .contains("--to: no user with the email 'nobody@example.com'")
    );
    assert!(
        refused(url, &["commitment", "met", &six, "--on", "2026-02-01"])
            .contains("--on: 2026-02-01 is before the commitment was made (2026-03-01)")
    );
    assert_eq!(
        refused(url, &["commitment", "missed", &one]),
        format!(
            "error: ID: commitment {one} is already closed (met on 2026-01-30): an outcome cannot be recorded again\n"
        )
    );
    assert!(
        refused(url, &["commitment", "renegotiate", &three, "--due", "2026-06-01", "--reason", "Late"])
            .contains("already closed")
    );
    assert!(refused(url, &["commitment", "dropped", &six]).contains("--reason: must not be empty"));
    assert_eq!(json(url, &["commitment", "list", "--team", "Payments", "--json"]), before, "nothing written");

    // The list: the open one first, then the closed, most recently closed first.
    let list = json(url, &["commitment", "list", "--team", "Payments", "--json"]);
    let ids: Vec<String> = list.as_array().unwrap().iter().map(|c| c["id"].to_string()).collect();
    assert_eq!(ids, vec![six.clone(), four, three, two.clone(), five, one]);
    assert_eq!(list[3]["due"], "2026-02-28", "the original due date");
    assert_eq!(list[3]["current_due"], "2026-03-15");
    assert_eq!(list[3]["verdict"], "renegotiated_early");
    assert_eq!(list[3]["events"][0]["kind"], "renegotiated");
    assert_eq!(list[3]["events"][1]["spent"]["minor"], 1_800_000);
    assert_eq!((list[0]["state"].as_str(), list[0]["to"].as_str()), (Some("open"), Some("Erin")));
    let table = ok(url, &["commitment", "list", "--team", "Payments"]);
    assert!(table.contains("2026-03-15 (was 2026-02-28)"), "{table}");

    // The report, computed by hand:
    // closed 5 (1 kept, 1 renegotiated early, 2 missed, 1 dropped);
    // on_time_rate = 1 / (5 − 1) = 0.25;
    // slips (met after the original due): #2 10 days, #4 5 days → 7.5;
    // brier over #1–#4: (0.9−1)² + 0.8² + 0.7² + 0.6² = 0.01 + 0.64 + 0.49 + 0.36 = 1.5; / 4 = 0.375;
    // budget: (11,000 + 18,000 − 30,000) / 30,000 = −1/30.
    let report = json(url, &["credibility", "--team", "Payments", "--to", "2026-12-31", "--json"]);
    assert_eq!(report["team"], "Payments");
    assert_eq!(report["managers"], serde_json::json!(["Mara"]));
    let counts: Vec<i64> = ["commitments", "kept_on_time", "renegotiated_early", "missed", "dropped"]
        .iter()
        .map(|k| report[k].as_i64().unwrap())
        .collect();
    assert_eq!(counts, vec![5, 1, 1, 2, 1]);
    assert_eq!(report["on_time_rate"], 0.25);
    assert_eq!(report["mean_slip_days"], 7.5);
    assert!((report["brier"].as_f64().unwrap() - 0.375).abs() < 1e-12);
    assert!((report["budget_variance"].as_f64().unwrap() + 1.0 / 30.0).abs() < 1e-12);
    assert_eq!(report["reliability"][9]["count"], 1);
    assert_eq!(report["reliability"][9]["observed"], 1.0);
    assert_eq!(report["trend"].as_array().unwrap().len(), 2);
    assert_eq!(
        (report["trend"][0]["quarter"].as_str(), report["trend"][0]["commitments"].as_i64()),
        (Some("2026-Q1"), Some(3))
    );
    assert_eq!(report["forecast_track_record"]["forecasts"], 0, "no initiatives, no forecasts");
    // Only the first quarter: #1, #2 and #5 → 1 kept of 2 judged.
    let q1 = json(url, &["credibility", "--team", "Payments", "--from", "2026-01-01", "--to", "2026-03-31", "--json"]);
    assert_eq!((q1["commitments"].as_i64(), q1["on_time_rate"].as_f64()), (Some(3), Some(0.5)));
    let text = ok(url, &["credibility", "--team", "Payments", "--to", "2026-12-31"]);
    assert!(text.contains("On-time rate:") && text.contains("25%") && text.contains("2026-Q2"), "{text}");
    assert!(
        refused(url, &["credibility", "--team", "Payments", "--from", "2026-05-01", "--to", "2026-04-01"])
            .contains("--from: 2026-05-01 is after --to 2026-04-01")
    );
    assert!(
        refused(url, &["credibility", "--team", "Payments", "--from", "May"]).contains("--from: 'May' is not a date")
    );

    // Every write is in the audit log, whose chain holds: two roles given, six commitments
    // added, six outcomes recorded (renegotiations included); the refused ones wrote nothing.
    let verify = ok(url, &["audit", "verify"]);
    assert!(verify.starts_with("audit log intact: 14 entries;"), "{verify}");
}

#[test]
fn commitments_from_the_command_line_on_sqlite() {
    commitments_from_the_command_line(&TestDatabase::sqlite().url);
}

#[tokio::test]
async fn commitments_from_the_command_line_on_postgres() {
    let Some(db) = TestDatabase::postgres().await else { return };
    tokio::task::spawn_blocking(move || commitments_from_the_command_line(&db.url)).await.unwrap();
}
