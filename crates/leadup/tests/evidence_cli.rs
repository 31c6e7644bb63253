//! `leadup evidence` as scripts use it: add through the binary, search with `--json`, and
//! bad input that exits 2, names the flag and writes nothing.

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

fn ids(found: &Value) -> Vec<i64> {
    found.as_array().expect("a JSON array").iter().map(|e| e["id"].as_i64().expect("an id")).collect()
}

/// Adds three records and finds them again by words of their summary and customer.
fn add_and_search(url: &str) {
    let ticket = json(
        url,
        &[
            "evidence",
            "add",
            "--kind",
            "support_ticket",
            "--summary",
            "Refund missing again; second refund this month still not paid",
            "--customer",
            "Globex",
            "--source",
            "https://support.example.com/t/4711",
            "--date",
            "2026-03-04",
            "--revenue-at-stake",
            "1250000",
            "--customers-affected",
            "40",
            "--currency",
            "usd",
            "--recorded-by",
            "Priya",
            "--json",
        ],
    );
    assert_eq!(ticket["kind"], "support_ticket");
    assert_eq!(ticket["revenue_at_stake"], 1_250_000);
    assert_eq!(ticket["customers_affected"], 40);
    assert_eq!(ticket["currency"], "USD");
    assert_eq!(ticket["date"], "2026-03-04");
    assert_eq!(ticket["source"], "https://support.example.com/t/4711");
    assert_eq!(ticket["recorded_by"], "Priya");
    let interview = json(
        url,
        &[
            "evidence",
            "add",
            "--kind",
            "customer_interview",
            "--summary",
            "Finance says the refund's delay hurts their monthly close",
            "--customer",
            "Initech",
            "--date",
            "2026-03-10",
            "--json",
        ],
    );
    assert_eq!(interview["source"], Value::Null);
    assert_eq!(interview["currency"], "EUR");
    let rival = json(
        url,
        &["evidence", "add", "--kind", "competitor_move", "--summary", "Rival ships instant payouts", "--json"],
    );
    let (ticket, interview, rival) =
        (ticket["id"].as_i64().unwrap(), interview["id"].as_i64().unwrap(), rival["id"].as_i64().unwrap());

    assert_eq!(ids(&json(url, &["evidence", "search", "refund", "--json"])), [ticket, interview]);
    assert_eq!(ids(&json(url, &["evidence", "search", "Refund's (delay)?", "--json"])), [interview]);
    assert_eq!(ids(&json(url, &["evidence", "search", "globex", "--json"])), [ticket]);
    assert_eq!(ids(&json(url, &["evidence", "search", "instant payouts", "--json"])), [rival]);
    assert_eq!(ids(&json(url, &["evidence", "search", "chargeback", "--json"])), Vec::<i64>::new());
    assert_eq!(ids(&json(url, &["evidence", "list", "--json"])), [interview, ticket, rival], "newest first");
    assert_eq!(json(url, &["evidence", "show", &ticket.to_string(), "--json"])["customer"], "Globex");

    let table = stdout(&leadup(url, &["evidence", "search", "refund"]));
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("ID  DATE"), "a header row: {table}");
    assert!(lines[1].contains("support ticket") && lines[1].contains("USD 12,500"), "{table}");
    let shown = stdout(&leadup(url, &["evidence", "show", &interview.to_string()]));
    assert!(shown.contains("Customer:") && shown.contains("Initech"), "{shown}");
}

#[test]
fn add_and_search_on_sqlite() {
    add_and_search(&TestDatabase::sqlite().url);
}

#[tokio::test]
async fn add_and_search_on_postgres() {
    let Some(db) = TestDatabase::postgres().await else { return };
    let url = db.url.clone();
    tokio::task::spawn_blocking(move || add_and_search(&url)).await.unwrap();
}

#[test]
fn bad_input_exits_2_names_the_flag_and_writes_nothing() {
    let db = TestDatabase::sqlite();
    let url = &db.url;
    json(url, &["evidence", "add", "--kind", "usage_metric", "--summary", "Exports doubled", "--json"]);
    let before = json(url, &["evidence", "list", "--json"]);

    let kind = leadup(url, &["evidence", "add", "--kind", "rumour", "--summary", "Heard something"]);
    assert_eq!(kind.status.code(), Some(2));
    assert_eq!(
        stderr(&kind),
        "error: --kind: 'rumour' is not a kind: use customer_interview, support_ticket, sales_request, \
         survey_result, usage_metric, market_research, competitor_move, experiment_result\n"
    );
    let revenue =
        leadup(url, &["evidence", "add", "--kind", "sales_request", "--summary", "SSO", "--revenue-at-stake", "-500"]);
    assert_eq!(revenue.status.code(), Some(2));
    assert_eq!(stderr(&revenue), "error: --revenue-at-stake: must not be negative (got -500)\n");
    let several = leadup(
        url,
        &["evidence", "add", "--kind", "survey_result", "--summary", " ", "--source", "intranet/x", "--date", "3/4/26"],
    );
    assert_eq!(several.status.code(), Some(2));
    assert_eq!(
        stderr(&several),
        "error: --summary: must not be empty; --source: 'intranet/x' is not a link: it must start with http:// or \
         https://; --date: '3/4/26' is not a date in the form YYYY-MM-DD\n"
    );
    let blank = leadup(url, &["evidence", "search", "  "]);
    assert_eq!(blank.status.code(), Some(2));
    assert_eq!(stderr(&blank), "error: query: must not be empty\n");
    let missing = leadup(url, &["evidence", "show", "999"]);
    assert_eq!(missing.status.code(), Some(1));
    assert_eq!(stderr(&missing), "error: evidence 999 not found\n");

    assert_eq!(json(url, &["evidence", "list", "--json"]), before, "nothing was written");
}
