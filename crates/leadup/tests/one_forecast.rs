//! One question, one answer: every initiative of the demo has the same P50/P85/P95 dates and
//! the same chance by its target on every surface that shows them: the team dashboard's API,
//! the initiative's progress and forecast history, the command line, the open change
//! request's "before" figures, the proposal's delivery dates and the priorities' effort.

mod support;

use leadup_store::testing::TestDatabase;
use serde_json::Value;
use support::{Server, leadup, stderr};

fn date_of(value: &Value) -> time::Date {
    leadup_core::date::parse(value.as_str().unwrap_or_else(|| panic!("a date: {value}"))).expect("YYYY-MM-DD")
}

fn surfaces_agree(url: &str) {
    let server = Server::start(url, "demo");
    let initiatives = server.get_json("/api/v1/initiatives");
    let mut forecast_count = 0;
    let mut checked = 0;
    for team in server.get_json("/api/v1/teams").as_array().unwrap() {
        let team_id = team["id"].as_i64().unwrap();
        let dashboard = server.get_json(&format!("/api/v1/teams/{team_id}/progress"));
        let stored = dashboard["initiative_forecasts"].as_array().unwrap();
        let cli = leadup(url, &["forecast", "initiatives", "--team", &team_id.to_string(), "--json"]);
        assert!(cli.status.success(), "{}", stderr(&cli));
        let cli: Value = serde_json::from_slice(&cli.stdout).unwrap();
        let of_team = initiatives.as_array().unwrap().iter().filter(|i| i["team_id"] == team_id);
        for initiative in of_team {
            let id = initiative["id"].as_i64().unwrap();
            let what = format!("{} ({id})", initiative["title"]);
            let on_dashboard = stored.iter().find(|f| f["initiative_id"] == id).unwrap_or_else(|| panic!("{what}"));
            let progress = server.get_json(&format!("/api/v1/initiatives/{id}/progress"));
            let history = server.get_json(&format!("/api/v1/initiatives/{id}/forecasts"));
            let latest = history.as_array().unwrap().last().unwrap_or_else(|| panic!("{what}: a history"));
            let on_cli = cli.as_array().unwrap().iter().find(|f| f["initiative_id"] == id).unwrap();
            for other in [latest, on_cli] {
                assert_eq!(other["dates"], on_dashboard["dates"], "{what}");
                assert_eq!(other["probability_by_target"], on_dashboard["probability_by_target"], "{what}");
            }
            if on_dashboard["dates"].is_object() {
                forecast_count += 1;
                assert_eq!(progress["forecast"]["dates"], on_dashboard["dates"], "{what}");
                assert_eq!(progress["target"], on_dashboard["target"], "{what}");
            }
            if progress["remaining"].as_u64() > Some(0) && progress["state"] != "dropped" {
                assert_eq!(progress["probability_by_target"], on_dashboard["probability_by_target"], "{what}");
            }
            checked += 1;
        }
    }
    assert!(checked >= 15 && forecast_count >= 6, "{checked} initiatives, {forecast_count} forecast");

    // The roadmap colours every open initiative by the state its progress shows.
    let (status, columns) = server.get("/roadmap?view=columns");
    assert_eq!(status, 200);
    let mut coloured = 0;
    for card in columns.split("risk-edge-").skip(1) {
        let risk = card.split('"').next().unwrap();
        let id: i64 = card.split("href=\"/initiatives/").nth(1).unwrap().split('"').next().unwrap().parse().unwrap();
        let state = server.get_json(&format!("/api/v1/initiatives/{id}/progress"))["state"].clone();
        let expected = match state.as_str().unwrap() {
            "on_track" => "on_track",
            "at_risk" => "at_risk",
            "off_track" | "target_passed" => "off_track",
            "done" => "done",
            _ => "not_forecast",
        };
        assert_eq!(risk, expected, "initiative {id} is {state} on its page");
        coloured += 1;
    }
    assert!(coloured >= 10, "{coloured} initiatives coloured on the roadmap");

    // The open change request's "before" is the stored forecast of the same day.
    let payments = server.team_id("Payments");
    let plans = server.get_json(&format!("/api/v1/teams/{payments}/plans"));
    let plan = plans[0]["id"].as_i64().unwrap();
    let requests = server.get_json(&format!("/api/v1/plans/{plan}/change-requests"));
    let impact = &requests[0]["impact"];
    let mut compared = 0;
    for line in impact["initiatives"].as_array().unwrap() {
        let Some(before) = line["before"].as_object() else { continue };
        let id = line["initiative_id"].as_i64().unwrap();
        let stored = server.get_json(&format!("/api/v1/initiatives/{id}/forecasts"));
        let stored = stored.as_array().unwrap().last().unwrap();
        if stored["dates"].is_object() {
            assert_eq!(before["p85"], stored["dates"]["p85"], "initiative {id}");
            assert_eq!(before["probability_by_target"], stored["probability_by_target"], "initiative {id}");
            compared += 1;
        }
    }
    assert!(compared >= 3, "{impact}");

    // The proposal's delivery dates are its initiative's P50 and P95.
    let proposal = server.get_json("/api/v1/proposals/1");
    let initiative = proposal["input"]["initiative_id"].as_i64().unwrap();
    let stored = server.get_json(&format!("/api/v1/initiatives/{initiative}/forecasts"));
    let stored = stored.as_array().unwrap().last().unwrap();
    assert_eq!(proposal["delivery"]["p50"], stored["dates"]["p50"], "{}", proposal["delivery"]);
    assert_eq!(proposal["delivery"]["p95"], stored["dates"]["p95"]);

    // The priorities' effort is the P85, in days from the forecast's day.
    let ranking = server.get_json("/api/v1/priorities");
    let mut efforts = 0;
    for ranked in ranking["ranking"].as_array().unwrap() {
        let candidate = &ranked["candidate"];
        if candidate["effort_forecast"] != true {
            continue;
        }
        let id = candidate["initiative_id"].as_i64().unwrap();
        let stored = server.get_json(&format!("/api/v1/initiatives/{id}/forecasts"));
        let stored = stored.as_array().unwrap().last().unwrap();
        let days = (date_of(&stored["dates"]["p85"]) - date_of(&stored["as_of"])).whole_days();
        assert_eq!(candidate["effort_days"].as_i64(), Some(days), "initiative {id}");
        efforts += 1;
    }
    assert!(efforts >= 3, "{ranking}");
}

#[test]
fn every_surface_shows_the_same_forecast_on_sqlite() {
    surfaces_agree(&TestDatabase::sqlite().url);
}

#[tokio::test]
async fn every_surface_shows_the_same_forecast_on_postgres() {
    let Some(db) = TestDatabase::postgres().await else { return };
    let url = db.url.clone();
    tokio::task::spawn_blocking(move || surfaces_agree(&url)).await.unwrap();
}
