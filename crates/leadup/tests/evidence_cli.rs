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
            "12,500",
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
    let cents =
        leadup(url, &["evidence", "add", "--kind", "sales_request", "--summary", "SSO", "--revenue-at-stake", "12.5k"]);
    assert_eq!(cents.status.code(), Some(2));
    assert_eq!(
        stderr(&cents),
        "error: --revenue-at-stake: '12.5k' is not an amount in whole units, such as 12500 or 12,500.50\n"
    );
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

fn id(value: &Value) -> String {
    value["id"].as_i64().expect("an id").to_string()
}

/// The worked example of docs/evidence-strength.md through the binary: links, strength,
/// demand, update, delete.
fn link_score_and_demand(url: &str) {
    json(url, &["team", "add", "--name", "Payments", "--json"]);
    let refunds = id(&json(
        url,
        &["initiative", "add", "--title", "Instant refunds", "--team", "Payments", "--horizon", "now", "--json"],
    ));
    let today = ["--today", "2026-06-30"];
    let demand = |url: &str| {
        let mut args = vec!["initiative", "demand", refunds.as_str(), "--months", "4", "--json"];
        args.extend(today);
        json(url, &args)
    };
    let none = demand(url);
    assert_eq!(none["opinion"], true);
    assert_eq!(none["evidence_strength"]["level"], "none");
    assert_eq!(none["evidence_strength"]["score"], 0.0);
    let table = stdout(&leadup(url, &["initiative", "demand", &refunds]));
    assert!(table.contains("Evidence strength: opinion: no evidence is linked"), "{table}");

    let add = |args: &[&str]| {
        let mut all = vec!["evidence", "add", "--json"];
        all.extend(args);
        id(&json(url, &all))
    };
    let experiment = add(&[
        "--kind",
        "experiment_result",
        "--summary",
        "Instant refunds lifted repeat purchases 4%",
        "--date",
        "2026-06-12",
        "--source",
        "https://analytics.example.com/exp/42",
    ]);
    let ticket = add(&[
        "--kind",
        "support_ticket",
        "--summary",
        "Refund missing again",
        "--date",
        "2026-03-02",
        "--customer",
        "Globex",
        "--source",
        "https://support.example.com/t/4711",
        "--revenue-at-stake",
        "12500",
        "--currency",
        "USD",
    ]);
    let request = add(&[
        "--kind",
        "sales_request",
        "--summary",
        "Will sign only with instant refunds",
        "--date",
        "2025-06-30",
        "--customer",
        "Initech",
        "--source",
        "https://crm.example.com/deal/9",
        "--revenue-at-stake",
        "50000",
    ]);
    let interview = add(&[
        "--kind",
        "customer_interview",
        "--summary",
        "Finance waits on refunds to close the month",
        "--customer",
        "globex ",
        "--revenue-at-stake",
        "5000",
        "--currency",
        "USD",
    ]);
    for evidence in [&experiment, &ticket, &request, &interview] {
        let linked = stdout(&leadup(url, &["evidence", "link", evidence, "--initiative", &refunds]));
        assert_eq!(linked, format!("linked evidence {evidence} to initiative {refunds}\n"));
    }
    let again = stdout(&leadup(url, &["evidence", "link", &ticket, "--initiative", &refunds]));
    assert_eq!(again, format!("linked evidence {ticket} to initiative {refunds} (it already was)\n"));

    let answer = demand(url);
    assert_eq!(answer["opinion"], false);
    let strength = &answer["evidence_strength"];
    assert_eq!(strength["score"], 68.3, "the documented example: {strength}");
    assert_eq!(strength["level"], "moderate");
    let points: Vec<f64> =
        strength["reasons"].as_array().unwrap().iter().map(|r| r["points"].as_f64().unwrap()).collect();
    assert_eq!(points, [44.5, 12.5, 11.3]);
    let demand_json = &answer["demand"];
    assert_eq!(demand_json["customer_count"], 2);
    assert_eq!(demand_json["customers"][0]["customer"], "Globex");
    assert_eq!(demand_json["customers"][0]["evidence"], 2);
    assert_eq!(
        demand_json["revenue_at_stake"],
        serde_json::json!([{"currency": "EUR", "minor": 5_000_000}, {"currency": "USD", "minor": 1_250_000}]),
        "Globex once, at the larger of its amounts"
    );
    assert_eq!(
        demand_json["trend"],
        serde_json::json!([
            {"month": "2026-03", "count": 1}, {"month": "2026-04", "count": 0},
            {"month": "2026-05", "count": 0}, {"month": "2026-06", "count": 1}
        ])
    );
    assert_eq!((demand_json["earlier"].as_i64(), demand_json["undated"].as_i64()), (Some(1), Some(1)));
    let table = stdout(&leadup(url, &["initiative", "demand", &refunds, "--today", "2026-06-30", "--months", "4"]));
    assert!(table.contains("Evidence strength: 68.3 moderate"), "{table}");
    assert!(table.contains("Revenue at stake:  EUR 50,000, USD 12,500"), "{table}");
    assert!(table.contains("customers  +12.5   2 distinct customers: Globex, Initech"), "{table}");
    assert!(table.contains("2026-06  1"), "{table}");

    let shown = json(url, &["evidence", "show", &experiment, "--json", "--today", "2026-06-30"]);
    assert_eq!(shown["strength"]["score"], 46.2, "60 · 0.909 / 1.409 = 38.7, no customer, one source 7.5");
    assert_eq!(shown["strength"]["level"], "moderate");
    assert_eq!(shown["initiative_ids"], serde_json::json!([refunds.parse::<i64>().unwrap()]));
    let table = stdout(&leadup(url, &["evidence", "show", &experiment, "--today", "2026-06-30"]));
    assert!(table.contains("Strength:           46.2 moderate"), "{table}");
    assert!(table.contains("Supports:           Instant refunds (id"), "{table}");
    assert!(table.contains("evidence   +38.7   experiment result, 18 days old"), "{table}");
    let listed = json(url, &["evidence", "list", "--json", "--today", "2026-06-30"]);
    assert_eq!(listed[0]["id"].to_string(), experiment);
    assert_eq!(listed[0]["strength"], serde_json::json!({"score": 46.2, "level": "moderate"}));
    let found = stdout(&leadup(url, &["evidence", "search", "instant", "--today", "2026-06-30"]));
    assert!(found.lines().next().unwrap().contains("STRENGTH"), "{found}");

    let updated = json(
        url,
        &[
            "evidence",
            "update",
            &ticket,
            "--summary",
            "Chargeback filed over a late payout",
            "--customer",
            "",
            "--json",
        ],
    );
    assert_eq!(updated["summary"], "Chargeback filed over a late payout");
    assert_eq!(updated["customer"], Value::Null, "an empty value clears");
    assert_eq!(updated["revenue_at_stake"], 1_250_000, "what is not named stays");
    assert_eq!(ids(&json(url, &["evidence", "search", "chargeback", "--json"])).len(), 1);
    assert_eq!(ids(&json(url, &["evidence", "search", "missing", "--json"])), Vec::<i64>::new());

    let refused = leadup(url, &["evidence", "delete", &ticket]);
    assert_eq!(refused.status.code(), Some(1));
    assert_eq!(stderr(&refused), format!("error: evidence {ticket} supports initiatives {refunds}; unlink it first\n"));
    let unlinked = stdout(&leadup(url, &["evidence", "unlink", &ticket, "--initiative", &refunds]));
    assert_eq!(unlinked, format!("unlinked evidence {ticket} from initiative {refunds}\n"));
    assert_eq!(stdout(&leadup(url, &["evidence", "delete", &ticket])), format!("deleted evidence {ticket}\n"));
    assert_eq!(demand(url)["demand"]["evidence"], 3);
}

#[test]
fn link_score_and_demand_on_sqlite() {
    link_score_and_demand(&TestDatabase::sqlite().url);
}

#[tokio::test]
async fn link_score_and_demand_on_postgres() {
    let Some(db) = TestDatabase::postgres().await else { return };
    let url = db.url.clone();
    tokio::task::spawn_blocking(move || link_score_and_demand(&url)).await.unwrap();
}

#[test]
fn bad_links_and_updates_exit_2_and_name_the_flag() {
    let db = TestDatabase::sqlite();
    let url = &db.url;
    let e = id(&json(url, &["evidence", "add", "--kind", "usage_metric", "--summary", "Exports doubled", "--json"]));
    let before = json(url, &["evidence", "list", "--json", "--today", "2026-06-30"]);

    let link = leadup(url, &["evidence", "link", &e, "--initiative", "999"]);
    assert_eq!(link.status.code(), Some(2));
    assert_eq!(stderr(&link), "error: --initiative: unknown initiative 999\n");
    let both = leadup(url, &["evidence", "unlink", "4242", "--initiative", "999"]);
    assert_eq!(both.status.code(), Some(2));
    assert_eq!(stderr(&both), "error: ID: unknown evidence 4242; --initiative: unknown initiative 999\n");
    let update = leadup(url, &["evidence", "update", &e, "--kind", "rumour", "--revenue-at-stake", "-1"]);
    assert_eq!(update.status.code(), Some(2));
    assert!(stderr(&update).starts_with("error: --kind: 'rumour' is not a kind"), "{}", stderr(&update));
    assert!(stderr(&update).ends_with("; --revenue-at-stake: must not be negative (got -1)\n"), "{}", stderr(&update));
    let missing = leadup(url, &["evidence", "add", "--summary", "No kind"]);
    assert_eq!(missing.status.code(), Some(2));
    assert_eq!(stderr(&missing), "error: --kind: is required\n");
    let today = leadup(url, &["evidence", "list", "--today", "30.06.2026"]);
    assert_eq!(today.status.code(), Some(2));
    assert_eq!(stderr(&today), "error: --today: '30.06.2026' is not a date (YYYY-MM-DD)\n");
    let gone = leadup(url, &["evidence", "update", "999", "--summary", "x"]);
    assert_eq!((gone.status.code(), stderr(&gone)), (Some(1), "error: evidence 999 not found\n".to_owned()));

    assert_eq!(json(url, &["evidence", "list", "--json", "--today", "2026-06-30"]), before, "nothing was written");
}

fn fixture() -> String {
    format!("{}/../../fixtures/evidence/evidence.csv", env!("CARGO_MANIFEST_DIR"))
}

const BAD_LINES: [u64; 5] = [5, 7, 8, 9, 10];

fn import_keeps_good_rows_and_reports_bad_ones(url: &str) {
    let file = fixture();
    let output = leadup(url, &["evidence", "import", &file]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output), format!("imported {file}: 10 rows, 5 pieces of evidence written, 5 bad\n"));
    let reported = stderr(&output);
    let errors: Vec<&str> = reported.lines().map(|l| l.strip_prefix(&format!("{file}: ")).unwrap()).collect();
    assert_eq!(errors.len(), 5);
    assert!(errors[0].starts_with("line 5: Kind: 'rumour' is not a kind"), "{errors:?}");
    assert_eq!(
        errors[1],
        "line 7: Date: '04/05/2026' is not a date (expected ISO 8601, e.g. 2025-02-21 or 2025-02-21T10:00:00+02:00)"
    );
    assert_eq!(errors[3], "line 9: Summary: must not be empty");
    let stored = json(url, &["evidence", "list", "--json"]);
    let summaries: Vec<&str> = stored.as_array().unwrap().iter().map(|e| e["summary"].as_str().unwrap()).collect();
    assert_eq!(summaries.len(), 5);
    assert_eq!(summaries[0], "Analysts expect instant refunds to be table stakes by 2027", "newest first");
    assert_eq!(ids(&json(url, &["evidence", "search", "monthly close", "--json"])).len(), 1, "imported and indexed");
}

#[test]
fn import_keeps_good_rows_on_sqlite() {
    import_keeps_good_rows_and_reports_bad_ones(&TestDatabase::sqlite().url);
}

#[tokio::test]
async fn import_keeps_good_rows_on_postgres() {
    let Some(db) = TestDatabase::postgres().await else { return };
    let url = db.url.clone();
    tokio::task::spawn_blocking(move || import_keeps_good_rows_and_reports_bad_ones(&url)).await.unwrap();
}

#[test]
fn a_strict_import_with_a_bad_row_writes_nothing() {
    let db = TestDatabase::sqlite();
    let url = &db.url;
    let file = fixture();
    let output = leadup(url, &["evidence", "import", &file, "--strict", "--json"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stderr(&output), format!("error: file: 5 bad rows in {file}; with --strict nothing was written\n"));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!((report["rows"].as_u64(), report["written"].as_u64()), (Some(10), Some(0)));
    let lines: Vec<u64> = report["errors"].as_array().unwrap().iter().map(|e| e["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, BAD_LINES);
    assert_eq!(json(url, &["evidence", "list", "--json"]), serde_json::json!([]), "nothing was written");
}

#[test]
fn import_flags_map_columns_delimiter_and_date_format() {
    let db = TestDatabase::sqlite();
    let url = &db.url;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crm.csv");
    std::fs::write(
        &path,
        "Type;Quote;Account;When;ARR;Cur\nSales Request;Needs SSO;Globex;02.03.2026;9900;usd\n\
         support ticket;Login loops;Initech;15.03.2026;;\n",
    )
    .unwrap();
    let file = path.to_str().unwrap();
    let mapped = [
        "evidence",
        "import",
        file,
        "--delimiter",
        ";",
        "--kind-column",
        "type",
        "--summary-column",
        "Quote",
        "--customer-column",
        "Account",
        "--date-column",
        "When",
        "--revenue-column",
        "ARR",
        "--currency-column",
        "Cur",
        "--date-format",
        "%d.%m.%Y",
        "--strict",
        "--json",
    ];
    let report = json(url, &mapped);
    assert_eq!((report["written"].as_u64(), report["errors"].as_array().map(Vec::len)), (Some(2), Some(0)));
    let stored = json(url, &["evidence", "list", "--json"]);
    assert_eq!(stored[1]["customer"], "Globex");
    assert_eq!(stored[1]["date"], "2026-03-02");
    assert_eq!((stored[1]["revenue_at_stake"].as_i64(), stored[1]["currency"].as_str()), (Some(990_000), Some("USD")));
    assert_eq!(stored[0]["kind"], "support_ticket");

    let missing = leadup(url, &["evidence", "import", file, "--delimiter", ";"]);
    assert_eq!(missing.status.code(), Some(2));
    assert_eq!(
        stderr(&missing),
        format!("error: {file}: no column 'kind' in the header (columns: Type, Quote, Account, When, ARR, Cur)\n")
    );
    let bad_flags = leadup(url, &["evidence", "import", file, "--delimiter", ";;", "--date-format", "%Q"]);
    assert_eq!(bad_flags.status.code(), Some(2));
    assert!(
        stderr(&bad_flags)
            .starts_with("error: --delimiter: ';;' is not one ASCII character (or 'tab'); --date-format: '%Q'")
    );
    assert_eq!(json(url, &["evidence", "list", "--json"]).as_array().map(Vec::len), Some(2), "nothing more written");
}
