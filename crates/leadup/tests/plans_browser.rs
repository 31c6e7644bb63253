//! The plan workflow end to end in real headless Chromium on the demo, each person signed in
//! through the sign-in page: Sofia (Payments' manager) drafts a plan, edits and submits it;
//! Mateo (an executive) approves it (its hash is shown), gets no edit form but "Request a
//! change", files one and sees its impact; Sofia accepts it with a rationale and Mateo
//! confirms; the new baseline version appears with what changed. Screenshots of each page go
//! to `target/screenshots/`.

mod support;

use leadup_store::testing::{TestDatabase, skip};
use serde_json::{Value, json};
use support::browser::{Browser, screenshot_dir};
use support::{Server, token_of};

const SOFIA: &str = "sofia.marchetti@example.com";
const MATEO: &str = "mateo.fernandez@example.com";

/// The id of the Payments initiative called `title`.
fn initiative(initiatives: &Value, title: &str) -> i64 {
    initiatives.as_array().unwrap().iter().find(|i| i["title"] == title).expect("the initiative")["id"]
        .as_i64()
        .unwrap()
}

fn switch_to(browser: &Browser, server: &Server, email: &str) {
    browser.sign_out();
    browser.sign_in(&server.url(""), email, server.password(email));
}

#[test]
#[allow(clippy::too_many_lines)] // one story, told in order
fn a_plan_is_approved_and_changed_through_a_change_request_in_chromium() {
    let Some(browser) = Browser::start() else {
        skip("Chromium and ChromeDriver are not installed (scripts/test installs them)");
        return;
    };
    let db = TestDatabase::sqlite();
    let server = Server::start(&db.url, "demo");
    let shots = screenshot_dir();
    let payments = server.team_id("Payments");
    let initiatives = server.get_json("/api/v1/initiatives");
    let multi_currency = initiative(&initiatives, "Multi-currency supplier payments (GBP, CHF, USD)");
    let reconciliation = initiative(&initiatives, "Automatic payment-run reconciliation");
    let marketplace = initiative(&initiatives, "Marketplace payouts pilot for Freelanza");

    // The demo's plan: approved by Mateo, with Kwame's change request open, as Sofia sees it.
    browser.sign_in(&server.url(""), SOFIA, server.password(SOFIA));
    let dashboard = browser.dom(&server.url(&format!("/teams/{payments}")));
    assert!(dashboard.contains(&format!("href=\"/teams/{payments}/plans\"")), "the dashboard links to the plans");
    let demo_plan = server.get_json(&format!("/api/v1/teams/{payments}/plans"))[0]["id"].as_i64().unwrap();
    let page = browser.dom(&server.url(&format!("/plans/{demo_plan}")));
    assert!(page.contains("Baseline · version 1") && page.contains("Mateo Fernández"), "{page}");
    assert!(page.contains("Add Multi-currency supplier payments (GBP, CHF, USD) at priority 2"));
    assert!(page.contains("no evidence — opinion") && page.contains("Disruption record"));
    browser.screenshot_sized(&server.url(&format!("/plans/{demo_plan}")), &shots.join("demo-plan.png"), 2600);
    let demo_request =
        server.get_json(&format!("/api/v1/plans/{demo_plan}/change-requests"))[0]["id"].as_i64().unwrap();
    let page = browser.dom(&server.url(&format!("/change-requests/{demo_request}")));
    assert!(page.contains("Kwame Mensah") && page.contains("What it costs") && page.contains("total forecast delay"));
    browser.screenshot_sized(
        &server.url(&format!("/change-requests/{demo_request}")),
        &shots.join("demo-change-request.png"),
        2000,
    );

    // Sofia drafts next quarter's plan with two initiatives, then adds a third at the top.
    browser.open(&server.url(&format!("/teams/{payments}/plans")));
    let list = browser.wait_for("New plan");
    assert!(list.contains("name=\"name\" value=\"Q"), "the next quarter is offered: {list}");
    browser.screenshot_now(&shots.join("plans.png"), 1800);
    browser.click(&format!("input[name=include_{reconciliation}]"));
    browser.click(&format!("input[name=include_{multi_currency}]"));
    browser.click("#new-plan button[type=submit]");
    let draft = browser.wait_for("Save draft");
    let plan: i64 = browser.current_url().rsplit('/').next().unwrap().split('#').next().unwrap().parse().unwrap();
    assert!(draft.contains("Draft") && draft.contains("Submit for approval"));
    browser.click(&format!("input[name=include_{marketplace}]"));
    browser.fill(&format!("input[name=priority_{marketplace}]"), "1");
    browser.fill(&format!("input[name=scope_{multi_currency}]"), "30");
    browser.click("form[action$=\"/draft\"] button[type=submit]");
    browser.wait_for("Save draft");
    // The page before the click also says "Save draft": wait for the saved draft itself.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    let saved = loop {
        let saved = server.get_json(&format!("/api/v1/plans/{plan}"));
        if saved["versions"][0]["content"].as_array().is_some_and(|items| items.len() == 3)
            || std::time::Instant::now() > deadline
        {
            break saved;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    let items: Vec<i64> = saved["versions"][0]["content"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["initiative_id"].as_i64().unwrap())
        .collect();
    assert_eq!(items, [marketplace, reconciliation, multi_currency], "added at priority 1");
    assert_eq!(saved["versions"][0]["content"][2]["scope"], 30);
    browser.screenshot_now(&shots.join("plan-draft.png"), 2000);
    // She states her confidence in the pilot; a value past the browser's own check is named.
    browser.run_script("document.querySelector('form[action$=\"/submit\"]').noValidate = true;");
    browser.fill(&format!("input[name=confidence_{marketplace}]"), "150");
    browser.click("form[action$=\"/submit\"] button");
    let refused = browser.wait_for("is not a percentage from 0 to 100");
    assert!(refused.contains("Confidence for Marketplace payouts pilot for Freelanza"), "{refused}");
    assert_eq!(server.get_json(&format!("/api/v1/plans/{plan}"))["versions"][0]["status"], "draft");
    browser.fill(&format!("input[name=confidence_{marketplace}]"), "70");
    browser.screenshot_now(&shots.join("plan-submit.png"), 2000);
    browser.click("form[action$=\"/submit\"] button");
    browser.wait_for("Waiting for approval by an executive of the team.");
    let submitted = server.get_json(&format!("/api/v1/plans/{plan}"));
    assert_eq!(
        submitted["versions"][0]["stated_confidence"],
        json!([{"initiative_id": marketplace, "confidence": 0.7}])
    );

    // Mateo approves it: the baseline shows its hash and who approved it.
    switch_to(&browser, &server, MATEO);
    let page = browser.dom(&server.url(&format!("/plans/{plan}")));
    assert!(!page.contains("Save draft"), "an executive gets no edit form");
    browser.click("form[action$=\"/approve\"] button");
    let approved = browser.wait_for("Baseline · version 1");
    let hash =
        server.get_json(&format!("/api/v1/plans/{plan}"))["versions"][0]["content_hash"].as_str().unwrap().to_owned();
    assert!(approved.contains(&hash), "the content hash is shown");
    assert!(approved.contains("Approved by</dt><dd><strong>Mateo Fernández</strong>"), "who approved it");
    assert!(approved.contains("Request a change"), "an executive may request a change");
    assert!(!approved.contains("Save draft") && !approved.contains("Start a re-plan"), "but not edit the plan");
    browser.screenshot_now(&shots.join("plan.png"), 1900);
    // Approving committed to each item to Mateo, the pilot with Sofia's stated 70%.
    let (status, ledger) = server.get_as(&token_of(&db.url, MATEO), &format!("/api/v1/teams/{payments}/commitments"));
    assert_eq!(status, 200, "{ledger}");
    let ledger: Value = serde_json::from_str(&ledger).unwrap();
    let made: Vec<(i64, f64)> = ledger
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["plan_item"]["plan_id"] == plan)
        .map(|c| (c["initiative_id"].as_i64().unwrap(), c["confidence"].as_f64().unwrap()))
        .collect();
    assert_eq!(made.len(), 3, "{ledger}");
    assert!(made.contains(&(marketplace, 0.7)), "{made:?}");

    // He files a change request and sees its cost.
    browser.click("a.button[href$=\"/change-requests/new\"]");
    browser.wait_for("File change request");
    browser.select("select[name=kind]", "rescope");
    browser.select("select[name=initiative_id]", &marketplace.to_string());
    browser.fill("input[name=scope]", "60");
    browser.fill("textarea[name=reason]", "Freelanza wants payouts in three more countries before the pilot ends.");
    browser.select("select[name=urgency]", "high");
    browser.screenshot_now(&shots.join("change-request-form.png"), 1500);
    browser.click("form.request-form button[type=submit]");
    let request_page = browser.wait_for("What it costs");
    let request: i64 = browser.current_url().rsplit('/').next().unwrap().split('#').next().unwrap().parse().unwrap();
    let filed = server.get_json(&format!("/api/v1/change-requests/{request}"));
    let delay = filed["impact"]["initiatives"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["delay_days"].as_i64())
        .filter(|d| *d > 0)
        .sum::<i64>();
    assert!(delay > 0, "more scope at the top delays the plan: {filed}");
    assert!(request_page.contains(&format!("+{delay} days")), "the total delay is shown");
    assert!(request_page.contains("Re-scope Marketplace payouts pilot for Freelanza to 60 items"));
    assert!(request_page.contains("no evidence — opinion"));
    assert!(request_page.contains("Chance of meeting target") && request_page.contains(" → "));
    browser.screenshot_now(&shots.join("change-request.png"), 1900);

    // Sofia accepts it with a rationale; Mateo confirms; the new baseline appears.
    switch_to(&browser, &server, SOFIA);
    browser.open(&server.url(&format!("/change-requests/{request}")));
    browser.click("input[name=decision][value=accept]");
    browser.fill("textarea[name=rationale]", "The pilot's success depends on it; the delay is acceptable.");
    browser.click("form.decision-form button[type=submit]");
    browser.wait_for("You have signed off");
    switch_to(&browser, &server, MATEO);
    browser.open(&server.url(&format!("/change-requests/{request}")));
    let page = browser.wait_for("the other sign-off chose");
    assert!(page.contains("value=\"accept\" required=\"\" checked=\"\""), "the first decision is preselected: {page}");
    browser.fill("textarea[name=rationale]", "Agreed.");
    browser.click("form.decision-form button[type=submit]");
    let accepted = browser.wait_for("Accepted into the plan as version 2");
    assert!(accepted.contains("The pilot's success depends on it") && accepted.contains("Agreed."));
    browser.screenshot_now(&shots.join("change-request-accepted.png"), 1900);
    // Decided, it keeps its impact, now on an older baseline than version 2.
    assert!(accepted.contains("Computed on baseline v1") && accepted.contains("an older baseline"), "{accepted}");
    assert!(browser.axe().is_empty(), "{:?}", browser.axe());
    browser.screenshot_at(&shots.join("change-request-older-baseline-phone.png"), 390, 1900);
    browser.screenshot_at(&shots.join("change-request-older-baseline.png"), 1280, 1900);
    browser.click("a[href*=\"from=1&amp;to=2\"], a[href*=\"from=1&to=2\"]");
    let history = browser.wait_for("From version 1 to version 2");
    assert!(history.contains("Baseline · version 2") && history.contains("Re-scoped"));
    assert!(history.contains("From an accepted change request"));
    let versions = server.get_json(&format!("/api/v1/plans/{plan}"))["versions"].clone();
    assert_eq!(
        (versions[0]["status"].as_str(), versions[1]["status"].as_str()),
        (Some("superseded"), Some("approved"))
    );
    browser.screenshot_now(&shots.join("plan-history.png"), 3200);
}
