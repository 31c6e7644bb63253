//! Creating, editing and deleting the strategy, teams and initiatives in real headless
//! Chromium on the demo. Avery (the administrator) renames the workspace and its mission, adds
//! an objective with a key result, records its values over time (kept as history and drawn as
//! a chart), renames the metric (the history stays), deletes the objective, and adds and renames
//! a team with its manager. Kwame, the new team's manager, finds its empty dashboard offering
//! "Add an initiative", adds one, edits and deletes it. Every refused form names each bad field
//! in the form's words and changes nothing; Sofia (a manager, not an administrator) and Kwame
//! (a member of Payments) are offered nothing they may not do, and refused when they try.
//! Screenshots at 1280 and 390 pixels go to `target/screenshots/`; axe-core finds no serious or
//! critical violation.

mod support;

use leadup_store::testing::{TestDatabase, skip};
use serde_json::Value;
use support::Server;
use support::browser::{Browser, screenshot_dir};

const AVERY: &str = "avery.admin@example.com";
const SOFIA: &str = "sofia.marchetti@example.com";
const KWAME: &str = "kwame.mensah@example.com";

/// Runs axe-core on the page shown, in a window 1440 pixels wide (the desktop width of issue
/// 15's layout checks: at 1280 the administrator's top bar does not fit yet, which the
/// navigation's own work addresses).
fn no_violations(browser: &Browser, page: &str) {
    browser.resize(1440, 1600);
    let found = browser.axe();
    browser.resize(1280, 1600);
    assert!(found.is_empty(), "axe-core on {page}: {found:#?}");
}

/// Waits until the page no longer shows `text` (the page a click loads may arrive late).
fn wait_until_gone(browser: &Browser, text: &str) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let source = browser.source();
        if !source.contains(text) {
            return source;
        }
        assert!(std::time::Instant::now() < deadline, "the page still shows {text:?}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

fn objective_named(server: &Server, title: &str) -> Option<Value> {
    server.get_json("/api/v1/objectives").as_array().unwrap().iter().find(|o| o["title"] == title).cloned()
}

#[test]
fn strategy_teams_and_initiatives_are_edited_in_chromium() {
    let Some(browser) = Browser::start() else {
        skip("Chromium and ChromeDriver are not installed (scripts/test installs them)");
        return;
    };
    let db = TestDatabase::sqlite();
    let server = Server::start(&db.url, "demo");
    let shots = screenshot_dir();
    let objectives_before = server.get_json("/api/v1/objectives").as_array().unwrap().len();

    // --- The workspace's name and mission ---------------------------------------------------
    browser.sign_in(&server.url(""), AVERY, server.password(AVERY));
    let strategy = browser.dom(&server.url("/strategy"));
    assert!(
        strategy.contains(r#"href="/objectives/new""#) && strategy.contains("Edit the workspace's name and mission")
    );
    let workspace = server.get_json("/api/v1/workspace");
    browser.click("details.strategy-edit summary");
    browser.fill("form[action=\"/workspace\"] input[name=name]", "   ");
    browser.fill("form[action=\"/workspace\"] textarea[name=mission]", "Make paying suppliers effortless");
    browser.click("form[action=\"/workspace\"] button[type=submit]");
    let refused = browser.wait_for("Nothing was saved");
    assert!(refused.contains("<strong>Workspace name</strong>: must not be empty"), "{refused}");
    assert!(refused.contains("Make paying suppliers effortless</textarea>"), "what was typed is kept");
    assert_eq!(server.get_json("/api/v1/workspace"), workspace, "nothing saved");
    browser.fill("form[action=\"/workspace\"] input[name=name]", "Ledgerpay");
    browser.click("form[action=\"/workspace\"] button[type=submit]");
    let saved = browser.wait_for("Make paying suppliers effortless</blockquote>");
    assert!(saved.contains("Ledgerpay"), "{saved}");
    assert_eq!(server.get_json("/api/v1/workspace")["mission"], "Make paying suppliers effortless");

    // --- An objective with a key result ----------------------------------------------------
    browser.click("a[href=\"/objectives/new\"]");
    browser.wait_for("Add an objective");
    // Spaces pass the browser's own check of a required field; the server's refuses them.
    browser.fill("input[name=title]", "   ");
    browser.fill("input[name=owner]", "Mateo Fernández");
    browser.fill("input[name=kr_metric_0]", "Mid-market customers");
    browser.fill("input[name=kr_unit_0]", "customers");
    browser.fill("input[name=kr_baseline_0]", "ten");
    browser.fill("input[name=kr_target_0]", "40");
    browser.fill("input[name=kr_due_0]", "06302027");
    browser.fill("input[name=kr_metric_1]", "Churn");
    browser.fill("input[name=kr_baseline_1]", "3");
    browser.fill("input[name=kr_target_1]", "3");
    browser.fill("input[name=kr_due_1]", "06302027");
    browser.click(".objective-form button[type=submit]");
    let refused = browser.wait_for("Nothing was saved");
    for named in [
        "<strong>Objective</strong>: must not be empty",
        "<strong>Key result 1, baseline</strong>: 'ten' is not a number",
        "<strong>Key result 2, target</strong>: must differ from the baseline",
    ] {
        assert!(refused.contains(named), "{named}: {refused}");
    }
    assert!(!refused.contains("key_results["), "no internal field names: {refused}");
    assert!(refused.contains(r#"value="Mid-market customers""#), "what was typed is kept");
    assert_eq!(server.get_json("/api/v1/objectives").as_array().unwrap().len(), objectives_before, "nothing saved");
    no_violations(&browser, "the objective form with errors");
    browser.screenshot_at(&shots.join("objective-form-error-1280.png"), 1280, 1500);
    browser.screenshot_at(&shots.join("objective-form-error-390.png"), 390, 2600);

    browser.fill("input[name=title]", "Win the mid-market");
    browser.fill("input[name=kr_baseline_0]", "10");
    for part in ["metric", "baseline", "target"] {
        browser.fill(&format!("input[name=kr_{part}_1]"), "");
    }
    browser.fill("input[name=kr_due_1]", "");
    browser.click(".objective-form button[type=submit]");
    wait_until_gone(&browser, "Nothing was saved");
    browser.wait_for("Win the mid-market</h2>");
    let objective = objective_named(&server, "Win the mid-market").expect("the objective was added");
    let id = objective["id"].as_i64().unwrap();
    assert_eq!(objective["owner"], "Mateo Fernández");
    assert_eq!(objective["key_results"].as_array().unwrap().len(), 1, "the empty row is no key result");
    assert_eq!(objective["key_results"][0]["current"], 10.0, "a new key result starts at its baseline");

    // --- Its values over time ----------------------------------------------------------------
    let form = format!("form[action=\"/objectives/{id}/key-results/0/values\"]");
    let record = format!("#kr-{id}-0 details.kr-record summary");
    browser.click(&record);
    browser.fill(&format!("{form} input[name=value]"), "a dozen");
    browser.click(&format!("{form} button[type=submit]"));
    let refused = browser.wait_for("Nothing was saved");
    assert!(refused.contains("<strong>Value</strong>: 'a dozen' is not a number"), "{refused}");
    let history = format!("/api/v1/objectives/{id}/key-results/0/values");
    assert_eq!(server.get_json(&history), serde_json::json!([]), "nothing recorded");
    browser.fill(&format!("{form} input[name=value]"), "16");
    browser.fill(&format!("{form} input[name=on]"), "10012026");
    browser.click(&format!("{form} button[type=submit]"));
    wait_until_gone(&browser, "Nothing was saved");
    browser.wait_for("Values (1)");
    browser.click(&record);
    browser.fill(&format!("{form} input[name=value]"), "22");
    browser.click(&format!("{form} button[type=submit]"));
    let charted = browser.wait_for("Values (2)");
    assert!(
        charted.contains("Mid-market customers: 2 values from 2026-10-01 to ")
            && charted.contains("from 16 customers to 22 customers; baseline 10 customers, target 40 customers"),
        "the chart says what it shows: {charted}"
    );
    assert_eq!(charted.matches("class=\"kr-point\"").count(), 2, "{charted}");
    let values = server.get_json(&history);
    let values: Vec<f64> = values.as_array().unwrap().iter().map(|v| v["value"].as_f64().unwrap()).collect();
    assert_eq!(values, vec![16.0, 22.0]);
    assert_eq!(server.get_json(&format!("/api/v1/objectives/{id}"))["key_results"][0]["current"], 22.0);
    browser.open(&server.url(&format!("/strategy#objective-{id}")));
    browser.click(&format!("#kr-{id}-0 details.kr-values summary"));
    browser.click(&record);
    no_violations(&browser, "the strategy page with a key result's history");
    browser.screenshot_at(&shots.join("strategy-history-1280.png"), 1280, 1600);
    browser.screenshot_at(&shots.join("strategy-history-390.png"), 390, 3000);

    // Renaming the metric in its row keeps its history; then the objective is deleted.
    browser.open(&server.url(&format!("/objectives/{id}/edit")));
    let edit = browser.wait_for("Edit the objective");
    assert!(edit.contains(r#"value="Mid-market customers""#) && edit.contains(r#"value="10""#), "{edit}");
    browser.fill("input[name=kr_metric_0]", "Mid-market logos");
    browser.click(".objective-form button[type=submit]");
    browser.wait_for("Mid-market logos");
    assert_eq!(server.get_json(&history).as_array().unwrap().len(), 2, "the history stays");
    assert_eq!(server.get_json(&format!("/api/v1/objectives/{id}"))["key_results"][0]["current"], 22.0);
    browser.open(&server.url(&format!("/objectives/{id}/edit")));
    browser.click(&format!("form[action=\"/objectives/{id}/delete\"] button"));
    wait_until_gone(&browser, "Delete this objective");
    assert!(objective_named(&server, "Win the mid-market").is_none(), "deleted");
    // An objective that initiatives serve says so instead of offering to delete it.
    let serving_one =
        server.get_json("/api/v1/initiatives").as_array().unwrap()[0]["objective_ids"][0].as_i64().unwrap();
    let kept = browser.dom(&server.url(&format!("/objectives/{serving_one}/edit")));
    assert!(
        kept.contains("link those initiatives to another objective") && !kept.contains("Delete objective"),
        "{kept}"
    );

    // --- A team and its people -----------------------------------------------------------------
    let teams = browser.dom(&server.url("/teams"));
    assert!(teams.contains(r#"href="/admin#teams""#), "the teams page leads an administrator to add one");
    let admin = browser.dom(&server.url("/admin#teams"));
    assert!(admin.contains("Add a team") && admin.contains("Rename Payments"), "{admin}");
    assert!(!admin.contains("Delete Payments"), "a team with initiatives is not offered for deletion");
    let users = server.get_json("/api/v1/teams");
    let kwame_id = users
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["members"].as_array().unwrap().iter())
        .find(|p| p["name"] == "Kwame Mensah")
        .and_then(|p| p["user_id"].as_i64())
        .expect("Kwame has an account");
    let teams_before = users.as_array().unwrap().len();
    browser.fill("form.team-add input[name=name]", "Payments");
    browser.select("form.team-add select[name=manager]", &kwame_id.to_string());
    browser.click("form.team-add button[type=submit]");
    let refused = browser.wait_for("Nothing was saved");
    assert!(refused.contains("<strong>Team name</strong>: a team named 'Payments' already exists"), "{refused}");
    assert_eq!(server.get_json("/api/v1/teams").as_array().unwrap().len(), teams_before, "nothing saved");
    no_violations(&browser, "the administration page with a refused team");
    browser.screenshot_at(&shots.join("admin-teams-1280.png"), 1280, 2400);
    browser.screenshot_at(&shots.join("admin-teams-390.png"), 390, 4000);
    browser.fill("form.team-add input[name=name]", "Growth");
    browser.click("form.team-add button[type=submit]");
    browser.wait_for("This team has no initiatives on the roadmap.");
    let growth = server.team_id("Growth");
    let team = server.get_json(&format!("/api/v1/teams/{growth}"));
    assert_eq!(team["managers"][0]["name"], "Kwame Mensah", "{team}");
    browser.open(&server.url("/admin#teams"));
    browser.fill(&format!("#team-name-{growth}"), "Growth & Expansion");
    browser.click(&format!("form[action=\"/teams/{growth}/name\"] button"));
    browser.wait_for("Growth &amp; Expansion");
    assert_eq!(server.get_json(&format!("/api/v1/teams/{growth}"))["name"], "Growth & Expansion");
    browser.sign_out();

    // --- Sofia manages Payments but not the strategy: no strategy forms, and refused --------
    browser.sign_in(&server.url(""), SOFIA, server.password(SOFIA));
    let strategy = browser.dom(&server.url("/strategy"));
    for offered in ["/objectives/new", "Edit the workspace", "Record value", "kr-record", "/edit\""] {
        assert!(!strategy.contains(offered), "{offered} is not offered to Sofia");
    }
    let refused = browser.dom(&server.url("/objectives/new"));
    assert!(refused.contains("403"), "{refused}");
    assert!(!browser.dom(&server.url("/teams")).contains("Add a team"), "only administrators add teams");
    let payments = server.team_id("Payments");
    let dashboard = browser.dom(&server.url(&format!("/teams/{payments}")));
    assert!(dashboard.contains(&format!("/teams/{payments}/initiatives/new")), "her team's manager may add one");
    browser.sign_out();

    // --- Kwame: the new team's manager adds, edits and deletes an initiative ------------------
    browser.sign_in(&server.url(""), KWAME, server.password(KWAME));
    let payments_page = browser.dom(&server.url(&format!("/teams/{payments}")));
    assert!(!payments_page.contains("Add an initiative"), "a member of Payments is not offered one");
    let first = server
        .get_json("/api/v1/initiatives")
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["team_id"] == payments)
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    assert!(!browser.dom(&server.url(&format!("/initiatives/{first}"))).contains("Edit initiative"));
    assert!(browser.dom(&server.url(&format!("/teams/{payments}/initiatives/new"))).contains("403"));
    let empty = browser.dom(&server.url(&format!("/teams/{growth}")));
    assert!(
        empty.contains("This team has no initiatives on the roadmap.") && empty.contains("Add an initiative"),
        "{empty}"
    );
    no_violations(&browser, "a new team's dashboard");
    browser.screenshot_at(&shots.join("new-team-1280.png"), 1280, 1400);
    browser.screenshot_at(&shots.join("new-team-390.png"), 390, 2200);
    browser.click(&format!("a[href=\"/teams/{growth}/initiatives/new\"]"));
    browser.wait_for("Add an initiative to Growth");
    let initiatives_before = server.get_json("/api/v1/initiatives").as_array().unwrap().len();
    browser.fill("input[name=title]", "  ");
    browser.select("select[name=horizon]", "");
    browser.fill("input[name=target_start]", "01042027");
    browser.fill("input[name=budget_planned]", "lots");
    browser.click(".initiative-form button[type=submit]");
    let refused = browser.wait_for("Nothing was saved");
    for named in [
        "<strong>Initiative</strong>: must not be empty",
        "<strong>Window end</strong>: is required when “Window start” is given",
        "<strong>Planned budget</strong>: 'lots' is not an amount",
    ] {
        assert!(refused.contains(named), "{named}: {refused}");
    }
    let at = |text: &str| refused.find(text).unwrap();
    assert!(at("<strong>Initiative</strong>") < at("<strong>Window end</strong>"), "listed in the form's order");
    assert!(at("<strong>Window end</strong>") < at("<strong>Planned budget</strong>"), "listed in the form's order");
    assert!(!refused.contains("target_start") || refused.contains("name=\"target_start\""), "{refused}");
    assert_eq!(server.get_json("/api/v1/initiatives").as_array().unwrap().len(), initiatives_before);
    no_violations(&browser, "the initiative form with errors");
    browser.screenshot_at(&shots.join("initiative-form-error-1280.png"), 1280, 1600);
    browser.screenshot_at(&shots.join("initiative-form-error-390.png"), 390, 2800);
    let objective = server.get_json("/api/v1/objectives").as_array().unwrap()[0]["id"].as_i64().unwrap();
    browser.fill("input[name=title]", "Self-serve onboarding");
    browser.fill("textarea[name=outcome]", "New customers pay within a day of signing up");
    browser.click(&format!("input[name=objective][value=\"{objective}\"]"));
    browser.fill("input[name=target_end]", "03312027");
    browser.fill("input[name=budget_planned]", "50,000");
    browser.click(".initiative-form button[type=submit]");
    wait_until_gone(&browser, "Nothing was saved");
    let page = browser.wait_for("Edit initiative");
    assert!(page.contains("Self-serve onboarding"), "{page}");
    let added = server
        .get_json("/api/v1/initiatives")
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["title"] == "Self-serve onboarding")
        .cloned()
        .expect("added");
    let initiative = added["id"].as_i64().unwrap();
    assert_eq!(added["team_id"], growth);
    assert_eq!(added["objective_ids"], serde_json::json!([objective]));
    assert_eq!(
        (added["target_start"].as_str(), added["target_end"].as_str()),
        (Some("2027-01-04"), Some("2027-03-31")),
        "{added}"
    );
    assert_eq!(added["budget_planned"], 5_000_000);
    assert_eq!(added["status"], "proposed");

    browser.click(&format!("a[href=\"/initiatives/{initiative}/edit\"]"));
    let edit = browser.wait_for("Edit the initiative");
    assert!(edit.contains(r#"value="50,000""#) && edit.contains("New customers pay within a day"), "{edit}");
    browser.select("select[name=status]", "in_progress");
    browser.click(".initiative-form button[type=submit]");
    wait_until_gone(&browser, "Edit the initiative");
    let edited = server.get_json(&format!("/api/v1/initiatives/{initiative}"));
    assert_eq!((edited["status"].as_str(), edited["budget_planned"].as_i64()), (Some("in_progress"), Some(5_000_000)));
    browser.open(&server.url(&format!("/initiatives/{initiative}/edit")));
    browser.click(&format!("form[action=\"/initiatives/{initiative}/delete\"] button"));
    browser.wait_for("This team has no initiatives on the roadmap.");
    assert_eq!(server.get(&format!("/api/v1/initiatives/{initiative}")).0, 404, "deleted");
    browser.sign_out();

    // With no history left, the administrator deletes the team.
    browser.sign_in(&server.url(""), AVERY, server.password(AVERY));
    browser.open(&server.url("/admin#teams"));
    browser.click(&format!("form[action=\"/teams/{growth}/delete\"] button"));
    wait_until_gone(&browser, "Growth &amp; Expansion");
    assert_eq!(server.get(&format!("/api/v1/teams/{growth}")).0, 404, "deleted");
}
