//! Decisions from the command line on the demo, on SQLite and PostgreSQL: `leadup inbox` lists
//! what waits for Mateo, `leadup plan progress` shows the stored forecasts under the headline,
//! `leadup plan send-back` and `leadup proposal decide` record their reasons, and bad input
//! exits 2 naming the flag while refused decisions exit 1 and change nothing.

mod support;

use leadup_store::testing::TestDatabase;
use serde_json::Value;
use support::{Server, leadup, stderr, stdout};

const MATEO: &str = "mateo.fernandez@example.com";
const KWAME: &str = "kwame.mensah@example.com";

fn json(url: &str, args: &[&str]) -> Value {
    let output = leadup(url, args);
    assert!(output.status.success(), "{args:?}: {}", stderr(&output));
    serde_json::from_str(&stdout(&output)).unwrap()
}

fn decisions_from_the_command_line(url: &str) {
    let server = Server::start(url, "demo");
    let payments = server.team_id("Payments");
    let plan = server.get_json(&format!("/api/v1/teams/{payments}/plans"))[0]["id"].as_i64().unwrap();
    let plan_id = plan.to_string();

    let inbox = json(url, &["inbox", "--as", MATEO, "--json"]);
    let kinds: Vec<&str> = inbox.as_array().unwrap().iter().map(|i| i["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds.len(), 3, "{inbox}");
    assert!(kinds.contains(&"plan_approval") && kinds.contains(&"proposal_decision"));
    assert_eq!(kinds[2], "change_request_sign_off", "the newest last");
    let table = stdout(&leadup(url, &["inbox", "--as", KWAME]));
    assert_eq!(table.trim(), "Nothing waits for your decision.");

    // The progress is the API's, from the same stored forecasts.
    let progress = json(url, &["plan", "progress", &plan_id, "--json"]);
    assert_eq!(progress, server.get_json(&format!("/api/v1/plans/{plan}/progress")));
    let submitted = json(url, &["plan", "progress", &plan_id, "--plan-version", "2", "--json"]);
    assert_eq!(submitted["status"], "submitted");
    let text = stdout(&leadup(url, &["plan", "progress", &plan_id]));
    let state = progress["headline"]["state"].as_str().unwrap().replace('_', " ").to_uppercase();
    assert!(text.starts_with(&format!("{state}: {}", progress["headline"]["reason"].as_str().unwrap())), "{text}");
    assert!(text.contains("SEPA Instant supplier payouts") && text.contains("P85 SINCE APPROVAL"), "{text}");

    // Refused: a member sends back nothing; a decision without its comment names the flag.
    let refused = leadup(url, &["plan", "send-back", &plan_id, "--as", KWAME, "--reason", "No"]);
    assert_eq!(refused.status.code(), Some(1), "{}", stderr(&refused));
    assert!(stderr(&refused).contains("only the team's executives can send back its plan"), "{}", stderr(&refused));
    let empty = leadup(url, &["plan", "send-back", &plan_id, "--as", MATEO, "--reason", " "]);
    assert_eq!(empty.status.code(), Some(2), "{}", stderr(&empty));
    assert!(stderr(&empty).contains("reason: must not be empty"), "{}", stderr(&empty));
    let bad = leadup(url, &["proposal", "decide", "1", "--decision", "maybe", "--as", MATEO]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("--decision: 'maybe' is not approve or decline"), "{}", stderr(&bad));
    assert_eq!(json(url, &["inbox", "--as", MATEO, "--json"]), inbox, "nothing changed");

    // Decided, with reasons.
    let sent = leadup(url, &["plan", "send-back", &plan_id, "--as", MATEO, "--reason", "Keep reconciliation's date."]);
    assert!(sent.status.success(), "{}", stderr(&sent));
    assert_eq!(stdout(&sent).trim(), format!("plan {plan} version 2 is a draft again, with your comment"));
    let decisions = server.get_json(&format!("/api/v1/plans/{plan}"))["decisions"].clone();
    assert_eq!(decisions.as_array().unwrap().last().unwrap()["reason"], "Keep reconciliation's date.");
    let again = leadup(url, &["plan", "approve", &plan_id, "--as", MATEO]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("is a draft: it must be submitted before it can be approved"),
        "{}",
        stderr(&again)
    );
    let decided =
        leadup(url, &["proposal", "decide", "1", "--decision", "approve", "--as", MATEO, "--reason", "Fund it."]);
    assert!(decided.status.success(), "{}", stderr(&decided));
    let proposal = server.get_json("/api/v1/proposals/1");
    assert_eq!(proposal["moves"].as_array().unwrap().last().unwrap()["reason"], "Fund it.");
    let left = json(url, &["inbox", "--as", MATEO, "--json"]);
    assert_eq!(left.as_array().unwrap().len(), 1, "only the change request waits: {left}");
}

#[tokio::test]
async fn decisions_from_the_command_line_on_sqlite() {
    let db = TestDatabase::sqlite();
    decisions_from_the_command_line(&db.url);
}

#[tokio::test]
async fn decisions_from_the_command_line_on_postgres() {
    let Some(db) = TestDatabase::postgres().await else { return };
    decisions_from_the_command_line(&db.url);
}
