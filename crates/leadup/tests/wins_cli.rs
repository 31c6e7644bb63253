//! Wins and the decision log from the command line on the demo, on SQLite and PostgreSQL: a
//! member proposes a win and the manager confirms it, the credits per person move by one, bad
//! input exits 2 naming the field and writes nothing, and the decision log holds the plan
//! approval (read from the plan) beside the decisions added by hand; the JSON is the API's.

mod support;

use leadup_store::testing::TestDatabase;
use serde_json::Value;
use support::{Server, leadup, stderr, stdout};

const SOFIA: &str = "sofia.marchetti@example.com";
const KWAME: &str = "kwame.mensah@example.com";

fn json(url: &str, args: &[&str]) -> Value {
    let output = leadup(url, args);
    assert!(output.status.success(), "{args:?}: {}", stderr(&output));
    serde_json::from_str(&stdout(&output)).unwrap()
}

fn credits_of(wins: &Value, name: &str) -> i64 {
    wins["credits"].as_array().unwrap().iter().find(|p| p["name"] == name).map_or(0, |p| p["wins"].as_i64().unwrap())
}

fn wins_from_the_command_line(url: &str) {
    let server = Server::start(url, "demo");
    let payments = server.team_id("Payments");
    let before = json(url, &["win", "list", "--team", "Payments", "--json"]);
    assert_eq!(before, server.get_json(&format!("/api/v1/teams/{payments}/wins")), "the CLI answers as the API");
    let statuses: Vec<&str> =
        before["wins"].as_array().unwrap().iter().map(|w| w["status"].as_str().unwrap()).collect();
    assert_eq!(statuses.len(), 12, "a year of demo wins");
    assert_eq!(statuses.iter().filter(|s| **s == "confirmed").count(), 10);
    assert_eq!(statuses[0], "proposed", "the latest waits for the manager");

    // Bad input exits 2 naming the field, and writes nothing.
    let today = time::OffsetDateTime::now_utc().date();
    let tomorrow = leadup_core::date::format(today + time::Duration::days(1));
    let cases: [(Vec<&str>, &str); 4] = [
        (vec!["--on", &tomorrow, "--credit", "Lena Vogel"], "achieved_on:"),
        (vec!["--on", "2026-01-10", "--credit", "nobody@example.com"], "credits[0]: no user has the address"),
        (vec!["--on", "2026-01-10"], "credits: must name at least one person"),
        (vec!["--on", "2026-01-10", "--credit", "Lena Vogel", "--initiative", "999999"], "initiative_id:"),
    ];
    for (extra, message) in cases {
        let mut args = vec!["win", "add", "--team", "Payments", "--title", "Refund flow", "--as", KWAME];
        args.extend(extra);
        let refused = leadup(url, &args);
        assert_eq!(refused.status.code(), Some(2), "{args:?}: {}", stderr(&refused));
        assert!(stderr(&refused).contains(message), "{args:?}: {}", stderr(&refused));
    }
    assert_eq!(json(url, &["win", "list", "--team", "Payments", "--json"]), before, "nothing was written");

    // Proposed by a member, confirmed only by the manager.
    let added = leadup(
        url,
        &[
            "win",
            "add",
            "--team",
            "Payments",
            "--title",
            "Refund flow <b>live</b>",
            "--on",
            "2026-01-10",
            "--credit",
            "lena.vogel@example.com",
            "--credit",
            "Kwame Mensah",
            "--impact",
            "Faster refunds",
            "--as",
            KWAME,
        ],
    );
    assert!(added.status.success(), "{}", stderr(&added));
    let id = stdout(&added).trim().to_owned();
    let refused = leadup(url, &["win", "confirm", &id, "--as", KWAME]);
    assert_eq!(refused.status.code(), Some(1), "{}", stderr(&refused));
    assert!(stderr(&refused).contains("Only the team's manager confirms"), "{}", stderr(&refused));
    let confirmed = leadup(url, &["win", "confirm", &id, "--as", SOFIA]);
    assert!(confirmed.status.success(), "{}", stderr(&confirmed));
    assert_eq!(stdout(&confirmed).trim(), format!("win {id} confirmed: Refund flow <b>live</b>"));
    let after = json(url, &["win", "list", "--team", "Payments", "--json"]);
    assert_eq!(credits_of(&after, "Lena Vogel"), credits_of(&before, "Lena Vogel") + 1);
    assert_eq!(credits_of(&after, "Kwame Mensah"), credits_of(&before, "Kwame Mensah") + 1);
    assert_eq!(credits_of(&after, "Sofia Marchetti"), credits_of(&before, "Sofia Marchetti"));
    let win = server.get_json(&format!("/api/v1/wins/{id}"));
    assert_eq!(win["status"], "confirmed");
    assert_eq!(win["credits"][0]["name"], "Lena Vogel");
    assert!(win["credits"][0]["user_id"].is_i64(), "an address credits its user");

    // The decision log: the plan's approval from the plan itself, and decisions by hand.
    let log = json(url, &["decision", "list", "--team", "Payments", "--json"]);
    assert_eq!(log, server.get_json(&format!("/api/v1/teams/{payments}/decisions")));
    let kinds: Vec<&str> = log.as_array().unwrap().iter().map(|d| d["source"]["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"plan") && kinds.contains(&"hand"), "{kinds:?}");
    assert_eq!(kinds.iter().filter(|k| **k == "hand").count(), 2, "the demo's two decisions by hand");
    let approval = log
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["what"].as_str().unwrap().contains("approved as the baseline"))
        .unwrap();
    assert_eq!(approval["decided_by"][0], "Mateo Fernández");
    let member = leadup(
        url,
        &[
            "decision",
            "add",
            "--team",
            "Payments",
            "--title",
            "Hire",
            "--on",
            "2026-01-10",
            "--decided-by",
            "Kwame",
            "--reason",
            "Load",
            "--as",
            KWAME,
        ],
    );
    assert_eq!(member.status.code(), Some(1), "{}", stderr(&member));
    let no_reason = leadup(
        url,
        &[
            "decision",
            "add",
            "--team",
            "Payments",
            "--title",
            "Hire",
            "--on",
            "2026-01-10",
            "--decided-by",
            "Sofia",
            "--reason",
            " ",
            "--as",
            SOFIA,
        ],
    );
    assert_eq!(no_reason.status.code(), Some(2));
    assert!(stderr(&no_reason).contains("reason: must not be empty"), "{}", stderr(&no_reason));
    let added = leadup(
        url,
        &[
            "decision",
            "add",
            "--team",
            "Payments",
            "--title",
            "Hire a second SRE",
            "--on",
            "2026-01-10",
            "--option",
            "Hire",
            "--option",
            "Contract",
            "--decided-by",
            "Sofia Marchetti",
            "--reason",
            "On-call load",
            "--as",
            SOFIA,
        ],
    );
    assert!(added.status.success(), "{}", stderr(&added));
    let log = json(url, &["decision", "list", "--team", "Payments", "--json"]);
    let hand = log.as_array().unwrap().iter().find(|d| d["what"] == "Hire a second SRE").unwrap();
    assert_eq!(hand["options"], serde_json::json!(["Hire", "Contract"]));
    assert_eq!(hand["decided_on"], "2026-01-10");
    let table = stdout(&leadup(url, &["decision", "list", "--team", "Payments"]));
    assert!(table.contains("Hire a second SRE") && table.contains("On-call load"), "{table}");
}

#[tokio::test]
async fn wins_from_the_command_line_on_sqlite() {
    let db = TestDatabase::sqlite();
    wins_from_the_command_line(&db.url);
}

#[tokio::test]
async fn wins_from_the_command_line_on_postgres() {
    let Some(db) = TestDatabase::postgres().await else { return };
    wins_from_the_command_line(&db.url);
}
