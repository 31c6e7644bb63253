//! Decisions in real headless Chromium on the demo: Mateo (executive of Payments) finds three
//! decisions in his inbox (a re-plan, a change request, a proposal), counted in the navigation;
//! the submitted re-plan shows its forecast and the baseline's progress under a headline; he
//! sends it back with a comment, Sofia sees the comment and submits it again, and he approves
//! it with a reason, which the plan's decisions show. Every page is checked with axe-core and
//! screenshotted at phone (390 px) and desktop (1280 px) width into `target/screenshots/`.

mod support;

use leadup_store::testing::{TestDatabase, skip};
use support::Server;
use support::browser::{Browser, screenshot_dir};

const SOFIA: &str = "sofia.marchetti@example.com";
const MATEO: &str = "mateo.fernandez@example.com";

fn switch_to(browser: &Browser, server: &Server, email: &str) {
    browser.sign_out();
    browser.sign_in(&server.url(""), email, server.password(email));
}

/// Checks the page shown with axe-core and saves it at desktop and phone width.
fn check(browser: &Browser, name: &str, height: u32) {
    let violations = browser.axe();
    assert!(violations.is_empty(), "{name}: {violations:#?}");
    let shots = screenshot_dir();
    browser.screenshot_at(&shots.join(format!("{name}-1280.png")), 1280, height);
    browser.screenshot_at(&shots.join(format!("{name}-390.png")), 390, height + height / 2);
}

#[test]
#[allow(clippy::too_many_lines)] // one story, told in order
fn an_executive_decides_from_his_inbox_in_chromium() {
    let Some(browser) = Browser::start() else {
        skip("Chromium and ChromeDriver are not installed (scripts/test installs them)");
        return;
    };
    let db = TestDatabase::sqlite();
    let server = Server::start(&db.url, "demo");
    let payments = server.team_id("Payments");
    let plan = server.get_json(&format!("/api/v1/teams/{payments}/plans"))[0]["id"].as_i64().unwrap();

    // Three decisions wait for Mateo, counted on every page.
    browser.sign_in(&server.url(""), MATEO, server.password(MATEO));
    let strategy = browser.dom(&server.url("/strategy"));
    assert!(strategy.contains("<span class=\"count\">3</span>"), "the navigation counts them: {strategy}");
    let inbox = browser.dom(&server.url("/inbox"));
    for text in [
        "Plan to approve",
        "Change request to sign off",
        "Proposal to decide",
        "Fund multi-currency supplier payments",
        "asked by Sofia Marchetti",
        "waiting <strong class=\"age\">1 day</strong>",
        "waiting <strong class=\"age\">3 hours</strong>",
    ] {
        assert!(inbox.contains(text), "the inbox shows {text:?}: {inbox}");
    }
    let change_request = inbox.find("Change request to sign off").unwrap();
    assert!(inbox.find("Plan to approve").unwrap() < change_request, "oldest first");
    assert!(inbox.find("Proposal to decide").unwrap() < change_request, "oldest first");
    check(&browser, "inbox", 900);

    // The re-plan waits with its forecast, under the baseline's progress and headline.
    let page = browser.dom(&server.url(&format!("/plans/{plan}")));
    for text in ["Progress against the baseline", "Forecast if approved", "Chance by target", "Since approval"] {
        assert!(page.contains(text), "the plan page shows {text:?}: {page}");
    }
    assert!(["on track", "at risk", "off track"].iter().any(|s| page.contains(&format!(">{s}</span>"))), "{page}");
    assert!(
        page.contains("The pilot's date is what sales promised Freelanza"),
        "the earlier comment is in its history"
    );
    assert!(page.contains("SEPA Instant first as agreed with Hanseatic Builders"), "the approval's reason too");
    check(&browser, "plan-submitted", 3000);

    // He sends it back with a comment; it leaves his inbox.
    browser.fill(
        "form.send-back-form textarea[name=reason]",
        "Reconciliation moving a month costs the March close: keep it and drop a pilot country instead.",
    );
    browser.click("form.send-back-form button");
    let sent = browser.wait_for("Sent back by");
    assert!(sent.contains("drop a pilot country instead") && sent.contains("<span class=\"count\">2</span>"), "{sent}");

    // Sofia sees the comment on her draft and submits it again.
    switch_to(&browser, &server, SOFIA);
    let draft = browser.dom(&server.url(&format!("/plans/{plan}")));
    assert!(draft.contains("Sent back by") && draft.contains("drop a pilot country instead"), "{draft}");
    assert!(draft.contains("Change the draft and submit it again."));
    check(&browser, "plan-sent-back", 2400);
    browser.click("form[action$=\"/submit\"] button");
    browser.wait_for("Waiting for approval by an executive of the team.");

    // Mateo approves it with a reason: the new baseline shows its progress and the decisions.
    switch_to(&browser, &server, MATEO);
    browser.open(&server.url(&format!("/plans/{plan}")));
    browser.wait_for("Approve version 2");
    browser.fill("form.approve-form textarea[name=reason]", "Agreed: the pilot keeps its date.");
    browser.click("form.approve-form button");
    let approved = browser.wait_for("Baseline · version 2");
    assert!(
        approved.contains("Agreed: the pilot keeps its date.") && approved.contains("Progress against the baseline")
    );
    let plan_json = server.get_json(&format!("/api/v1/plans/{plan}"));
    let outcomes: Vec<&str> =
        plan_json["decisions"].as_array().unwrap().iter().map(|d| d["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes, ["approved", "sent_back", "sent_back", "approved"]);
    assert_eq!(plan_json["decisions"][3]["reason"], "Agreed: the pilot keeps its date.");
    check(&browser, "plan-approved", 2400);
    let inbox = browser.dom(&server.url("/inbox"));
    assert!(!inbox.contains("Plan to approve") && inbox.contains("<span class=\"count\">2</span>"), "{inbox}");

    // Someone with nothing to decide is told so plainly.
    switch_to(&browser, &server, SOFIA);
    let inbox = browser.dom(&server.url("/inbox"));
    assert!(inbox.contains("Change request to sign off"), "Sofia signs off the change request too: {inbox}");
    let kwame = "kwame.mensah@example.com";
    switch_to(&browser, &server, kwame);
    let inbox = browser.dom(&server.url("/inbox"));
    assert!(inbox.contains("Nothing waits for your decision.") && !inbox.contains("class=\"count\""), "{inbox}");
    check(&browser, "inbox-empty", 700);
}
