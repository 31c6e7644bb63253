//! `leadup proposal calc` as scripts use it: the issue's example through the binary, bad
//! input named on one line with exit 2, and no database touched; `leadup proposal brief`
//! citing stored evidence and marking opinions, from a file or a stored proposal; `leadup
//! proposal list`.

mod support;

use std::path::{Path, PathBuf};

use leadup_core::proposal::ProposalInput;
use leadup_store::testing::TestDatabase;
use leadup_store::{Actor, Store};
use serde_json::{Value, json};
use support::{leadup, stderr, stdout};

/// A database URL that fails if anything tries to open it: `proposal calc` must not.
const NO_DATABASE: &str = "mysql://nobody@nowhere/leadup";

/// The issue's example: r = 0.1, one-off 100000, recurring 20000, three periods.
fn issue_example() -> Value {
    json!({
        "discount_rate": 0.1,
        "one_off_cost": 100_000,
        "recurring_cost": 20_000,
        "benefits": {
            "low": [40_000, 40_000, 40_000],
            "expected": [60_000, 60_000, 60_000],
            "high": [80_000, 80_000, 80_000]
        }
    })
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn calc(file: &Path, json: bool) -> std::process::Output {
    let file = file.to_str().unwrap();
    let args: &[&str] = if json { &["proposal", "calc", file, "--json"] } else { &["proposal", "calc", file] };
    leadup(NO_DATABASE, args)
}

#[track_caller]
fn assert_close(actual: &Value, expected: f64) {
    let actual = actual.as_f64().unwrap_or_else(|| panic!("{actual} is not a number"));
    assert!((actual - expected).abs() < 1e-9, "{actual} is not {expected}");
}

#[test]
fn the_issue_example_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "case.json", &issue_example().to_string());
    let output = calc(&file, true);
    assert!(output.status.success(), "{}", stderr(&output));
    let result: Value = serde_json::from_slice(&output.stdout).unwrap();

    // Worked by hand in leadup-core's business_case tests (annuity factor 2.4868520 at 10%
    // over three periods; present value of costs 100000 + 20000 * 2.4868520 = 149737.040):
    // expected NPV 40000 * 2.4868520 - 100000 = -525.920 -> -526, payback 2 + 20000/40000.
    assert_eq!(result["expected"]["npv"], -526);
    assert_close(&result["expected"]["roi"], -525.920_36 / 149_737.039_82);
    assert_eq!(result["expected"]["payback_periods"], 2.5);
    // low: 20000 * 2.4868520 - 100000 = -50262.960 -> -50263; cumulative 60000 never pays back.
    assert_eq!(result["low"]["npv"], -50_263);
    assert_close(&result["low"]["roi"], -50_262.960_18 / 149_737.039_82);
    assert_eq!(result["low"]["payback_periods"], Value::Null);
    // high: 60000 * 2.4868520 - 100000 = 49211.119 -> 49211; payback 1 + 40000/60000.
    assert_eq!(result["high"]["npv"], 49_211);
    assert_close(&result["high"]["roi"], 49_211.119_46 / 149_737.039_82);
    assert_close(&result["high"]["payback_periods"], 1.0 + 40_000.0 / 60_000.0);

    assert_eq!(
        result["sensitivity"],
        json!({
            "by_discount_rate": [
                {"discount_rate": 0.05, "npv": 8930},
                {"discount_rate": 0.1, "npv": -526},
                {"discount_rate": 0.15, "npv": -8671}
            ],
            "by_benefits": [
                {"benefit_factor": 0.8, "npv": -30_368},
                {"benefit_factor": 1.0, "npv": -526},
                {"benefit_factor": 1.2, "npv": 29_316}
            ]
        })
    );
}

#[test]
fn the_issue_example_as_a_table() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "case.json", &issue_example().to_string());
    let output = calc(&file, false);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let line = |start: &str| -> Vec<String> {
        let found = text.lines().find(|l| l.starts_with(start)).unwrap_or_else(|| panic!("no '{start}' in:\n{text}"));
        found.split_whitespace().map(str::to_owned).collect()
    };
    assert_eq!(line("One-off cost:"), ["One-off", "cost:", "1,000"]);
    // Money in major units: -526 minor units are -5.26.
    assert_eq!(line("expected"), ["expected", "-5.26", "-0.4%", "2.50", "periods"]);
    assert_eq!(line("low"), ["low", "-502.63", "-33.6%", "never"]);
    assert_eq!(line("high"), ["high", "492.11", "32.9%", "1.67", "periods"]);
    assert_eq!(line("15.0%"), ["15.0%", "-86.71"]);
    assert_eq!(line("x1.2"), ["x1.2", "293.16"]);
}

#[test]
fn bad_input_is_one_line_exit_2_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let mut negative = issue_example();
    negative["benefits"]["expected"][1] = json!(-5);
    let output = calc(&write(dir.path(), "negative.json", &negative.to_string()), true);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stderr(&output), "error: benefits.expected[1]: must not be negative (got -5)\n");
    assert!(output.stdout.is_empty());

    let mut several = issue_example();
    several["discount_rate"] = json!(10);
    several["benefits"]["low"] = json!([]);
    let output = calc(&write(dir.path(), "several.json", &several.to_string()), true);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "error: discount_rate: must be more than -1 (-100%) and less than 10 (1000%) per period (got 10); \
         benefits.low: must have at least one period (one benefit per period)\n"
    );

    let unknown = write(dir.path(), "unknown.json", "{\n  \"discount_rate\": 0.1,\n  \"colour\": \"red\"\n}");
    let output = calc(&unknown, true);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.starts_with(&format!("error: {}: colour: unknown field `colour`", unknown.display()))
            && message.ends_with("at line 3 column 10\n")
            && message.lines().count() == 1,
        "{message}"
    );

    let text = "{\"discount_rate\": 0.1, \"one_off_cost\": 1, \"recurring_cost\": 0,\n \
                \"benefits\": {\"low\": [1, 2.5], \"expected\": [1, 2], \"high\": [1, 2]}}";
    let fraction = write(dir.path(), "fraction.json", text);
    let output = calc(&fraction, true);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        format!(
            "error: {}: benefits.low[1]: invalid type: floating point `2.5`, expected i64 at line 2 column 28\n",
            fraction.display()
        )
    );

    let broken = write(dir.path(), "broken.json", "{\"discount_rate\": 0.1,\n\"one_off_cost\": }");
    let output = calc(&broken, true);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.starts_with(&format!("error: {}: one_off_cost: expected value", broken.display()))
            && message.ends_with("at line 2 column 17\n"),
        "{message}"
    );
}

#[test]
fn anything_after_the_object_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "twice.json", &format!("{}\n{{}}", issue_example()));
    let output = calc(&file, true);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stderr(&output), format!("error: {}: trailing characters at line 2 column 1\n", file.display()));
}

#[test]
fn a_missing_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nowhere.json");
    let output = calc(&missing, true);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(message.starts_with(&format!("error: cannot read {}: ", missing.display())), "{message}");
    assert_eq!(message.lines().count(), 1, "{message}");
}

#[test]
fn no_database_is_created() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "case.json", &issue_example().to_string());
    let database = dir.path().join("leadup.db");
    let url = format!("sqlite://{}", database.display());
    let output = leadup(&url, &["proposal", "calc", file.to_str().unwrap(), "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(!database.exists(), "proposal calc created {}", database.display());
}

#[test]
fn help_mentions_proposal_calc() {
    let help = stdout(&leadup(NO_DATABASE, &["--help"]));
    assert!(help.contains("proposal"), "{help}");
    let output = leadup(NO_DATABASE, &["proposal", "calc", "--help"]);
    assert!(output.status.success());
    let text = stdout(&output);
    assert!(text.contains("Usage: leadup proposal calc") && text.contains("--json"), "{text}");
}

/// The fixture's proposal, with two pieces of evidence recorded first (ids 1 and 2).
fn brief(format: &str) -> (String, TestDatabase) {
    let db = TestDatabase::sqlite();
    for (kind, summary) in [
        ("support_ticket", "Refunds take two weeks to reach my card"),
        ("usage_metric", "Refund status is the top reason for tickets (31%)"),
    ] {
        let added = leadup(
            &db.url,
            &["evidence", "add", "--kind", kind, "--summary", summary, "--customer", "Globex", "--date", "2026-11-02"],
        );
        assert!(added.status.success(), "{}", stderr(&added));
    }
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/proposal/instant-refunds.json");
    let out = leadup(&db.url, &["proposal", "brief", file, "--format", format, "--today", "2026-11-23"]);
    assert!(out.status.success(), "{}", stderr(&out));
    (stdout(&out), db)
}

#[test]
fn a_brief_cites_its_evidence_and_marks_opinions() {
    let (markdown, _db) = brief("markdown");
    assert!(markdown.starts_with("# Instant refunds to the card\n"), "{markdown}");
    assert!(markdown.contains("slow refunds are the top reason for support tickets. [1][2]\n"));
    assert!(markdown.contains("as soon as a refund is approved. *(opinion: no evidence)*"));
    assert!(markdown.contains("- **the company:** Fewer customers leave after a refund. *(opinion: no evidence)*"));
    assert!(markdown.contains("**Unaligned:** this proposal serves no objective."));
    assert!(markdown.contains("| Expected | EUR -525.92 | -0.4% | 2.5 periods |"), "{markdown}");
    assert!(
        markdown
            .contains("1. support ticket, Globex, 2026-11-02: \u{201c}Refunds take two weeks to reach my card\u{201d}")
    );
    let (html, _db) = brief("html");
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("@page { size: A4"));
    assert_eq!(html.matches("<span class=\"opinion\"").count(), 3, "solution, the company's benefit, the risk");
}

#[test]
fn a_brief_with_unknown_links_or_bad_fields_names_them() {
    let db = TestDatabase::sqlite();
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/proposal/instant-refunds.json");
    let out = leadup(&db.url, &["proposal", "brief", file, "--today", "2027-02-01"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: problem.evidence[0]: evidence 1 does not exist; problem.evidence[1]: evidence 2 does not exist; \
         beneficiaries[0].evidence[0]: evidence 1 does not exist; beneficiaries[1].evidence[0]: evidence 2 does not exist; \
         ask.decide_by: 2027-01-15 is in the past\n"
    );
    let format = leadup(&db.url, &["proposal", "brief", file, "--format", "pdf"]);
    assert_eq!(stderr(&format), "error: --format: 'pdf' is not markdown or html\n");
}

#[test]
fn a_brief_names_its_delivering_initiative_and_its_forecast() {
    let db = TestDatabase::sqlite();
    for args in [
        &["init", "--name", "Acme"][..],
        &["team", "add", "--name", "Payments"],
        &["initiative", "add", "--title", "Instant refunds", "--team", "Payments", "--horizon", "next"],
    ] {
        let out = leadup(&db.url, args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    }
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/proposal/instant-refunds.json"))
            .unwrap();
    let mut proposal: Value = serde_json::from_str(&text).unwrap();
    proposal["problem"]["evidence"] = json!([]);
    proposal["beneficiaries"] = json!([]);
    proposal["initiative_id"] = json!(1);
    let file = tempfile::Builder::new().suffix(".json").tempfile().unwrap();
    std::fs::write(file.path(), proposal.to_string()).unwrap();
    let path = file.path().to_str().unwrap();
    let out = leadup(&db.url, &["proposal", "brief", path, "--today", "2026-11-23"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("## Delivery\n\nInstant refunds: no delivery forecast (no work items attached yet)."),
        "{}",
        stdout(&out)
    );
    proposal["initiative_id"] = json!(9);
    std::fs::write(file.path(), proposal.to_string()).unwrap();
    let unknown = leadup(&db.url, &["proposal", "brief", path, "--today", "2026-11-23"]);
    assert_eq!(stderr(&unknown), "error: initiative_id: initiative 9 does not exist\n");
}

/// A proposal stored as the Proposals page stores it, listed and briefed from the command line.
#[tokio::test]
async fn stored_proposals_are_listed_and_briefed_by_id() {
    let (_, db) = brief("markdown"); // the fixture's two pieces of evidence
    for args in [&["team", "add", "--name", "Payments"][..], &["user", "add", "noor@example.com", "--name", "Noor"][..]]
    {
        let out = leadup(&db.url, args);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/proposal/instant-refunds.json");
    let input: ProposalInput = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    let store = Store::connect(&db.url).await.unwrap();
    let at = time::macros::datetime!(2026-11-20 09:00 UTC);
    let stored = store.create_proposal(1, &input, Actor::new(1, at)).await.unwrap();
    store.close().await;

    let list = leadup(&db.url, &["proposal", "list"]);
    assert!(list.status.success(), "{}", stderr(&list));
    let table = stdout(&list);
    let row = table.lines().find(|line| line.starts_with(&format!("{} ", stored.id))).expect("a row for the proposal");
    for cell in ["Payments", "Instant refunds to the card", "draft", "2026-11-20"] {
        assert!(row.contains(cell), "{cell} in {row}");
    }
    let json: Value = serde_json::from_str(&stdout(&leadup(&db.url, &["proposal", "list", "--json"]))).unwrap();
    assert_eq!(json[0]["id"], stored.id);
    assert_eq!(json[0]["input"]["title"], "Instant refunds to the card");

    // The stored proposal's brief is the file's, its decision date not checked again.
    let id = stored.id.to_string();
    let by_id = leadup(&db.url, &["proposal", "brief", "--id", &id, "--today", "2027-02-01"]);
    assert!(by_id.status.success(), "{}", stderr(&by_id));
    let markdown = stdout(&by_id);
    assert!(markdown.starts_with("# Instant refunds to the card\n"), "{markdown}");
    assert!(markdown.contains("slow refunds are the top reason for support tickets. [1][2]\n"), "{markdown}");

    let missing = leadup(&db.url, &["proposal", "brief", "--id", "99"]);
    assert_eq!(stderr(&missing), "error: proposal 99 not found\n");
    let both = leadup(&db.url, &["proposal", "brief", file, "--id", &id]);
    assert_eq!(both.status.code(), Some(2));
    assert!(stderr(&both).contains("cannot be used with"), "{}", stderr(&both));
    let neither = leadup(&db.url, &["proposal", "brief"]);
    assert_eq!(neither.status.code(), Some(2));
}
