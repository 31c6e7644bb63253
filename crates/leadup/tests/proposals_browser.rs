//! Proposals end to end in real headless Chromium on the demo: Sofia (Payments' manager) sees
//! the demo's presented business case, writes a new one in the editor (a bad discount rate is
//! named and nothing is saved), picks evidence for its problem, saves and presents it; Mateo
//! (an executive) approves it; the one-page brief prints every claim with its citation or
//! marked as opinion. Screenshots of each page go to `target/screenshots/`.

mod support;

use leadup_store::testing::{TestDatabase, skip};
use support::Server;
use support::browser::{Browser, screenshot_dir};

const SOFIA: &str = "sofia.marchetti@example.com";
const MATEO: &str = "mateo.fernandez@example.com";

#[test]
#[allow(clippy::too_many_lines)] // one story, told in order
fn a_proposal_is_written_presented_approved_and_briefed_in_chromium() {
    let Some(browser) = Browser::start() else {
        skip("Chromium and ChromeDriver are not installed (scripts/test installs them)");
        return;
    };
    let db = TestDatabase::sqlite();
    let server = Server::start(&db.url, "demo");
    let shots = screenshot_dir();
    let payments = server.team_id("Payments");
    let evidence = server.get_json("/api/v1/evidence");
    let ticket = evidence
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["summary"].as_str().unwrap().starts_with("Suppliers call us because payouts take two days"))
        .expect("the demo's payout ticket")["id"]
        .as_i64()
        .unwrap();

    // The demo's business case, presented to the executives, as Sofia sees it.
    browser.sign_in(&server.url(""), SOFIA, server.password(SOFIA));
    let list = browser.dom(&server.url("/proposals"));
    assert!(list.contains("Fund multi-currency supplier payments") && list.contains("presented"), "{list}");
    assert!(list.contains("New proposal for Payments"), "Sofia may write Payments' proposals");
    browser.screenshot_now(&shots.join("proposals.png"), 900);
    let demo = server.get_json("/api/v1/proposals")[0]["id"].as_i64().unwrap();
    let page = browser.dom(&server.url(&format!("/proposals/{demo}")));
    assert!(page.contains("Presented: waiting for an executive of Payments"), "{page}");
    assert!(page.contains("⚑ opinion") && page.contains("Sensitivity of the expected NPV"));
    assert!(page.contains("Why this strength"), "the sources' strength is explained");
    assert!(page.contains("Multi-currency supplier payments (GBP, CHF, USD):"), "the delivery forecast: {page}");
    browser.screenshot_sized(&server.url(&format!("/proposals/{demo}")), &shots.join("proposal.png"), 1500);

    // Sofia writes a new one; a discount rate that is not a number is named, nothing is saved.
    browser.open(&server.url(&format!("/teams/{payments}/proposals/new")));
    browser.wait_for("Save draft");
    browser.fill("input[name=title]", "Instant payouts for every supplier");
    browser.fill("textarea[name=problem]", "Suppliers wait up to two days for their money and call our customers.");
    browser.select("select[name=problem_evidence]", &ticket.to_string());
    browser.fill("textarea[name=solution]", "Pay every supplier over SEPA Instant by default.");
    browser.fill("textarea[name=benefit_customers]", "No more supplier calls about late payments.");
    browser.select("select[name=benefit_customers_evidence]", &ticket.to_string());
    browser.fill("textarea[name=risk_0]", "The bank's instant-payment limits may be too low.");
    browser.fill("input[name=discount_rate]", "ten");
    browser.fill("input[name=one_off_cost]", "80,000");
    browser.fill("input[name=recurring_cost]", "5,000");
    browser.fill("input[name=benefits_low]", "20,000; 30,000; 30,000");
    browser.fill("input[name=benefits_expected]", "30,000; 45,000; 50,000");
    browser.fill("input[name=benefits_high]", "40,000; 60,000; 70,000");
    browser.fill("input[name=ask_decision]", "Make SEPA Instant the default payout");
    browser.fill("input[name=ask_money]", "80,000");
    browser.screenshot_now(&shots.join("proposal-editor.png"), 2600);
    browser.click(".proposal-form button[type=submit]");
    let refused = browser.wait_for("The proposal was not saved");
    assert!(refused.contains("Discount rate</strong>: 'ten' is not a percentage"), "{refused}");
    assert!(refused.contains("No more supplier calls about late payments."), "what was typed is kept");
    assert_eq!(server.get_json("/api/v1/proposals").as_array().unwrap().len(), 1, "nothing was saved");
    browser.screenshot_now(&shots.join("proposal-editor-errors.png"), 900);

    // Corrected, saved as a draft, and presented.
    browser.fill("input[name=discount_rate]", "8");
    browser.click(".proposal-form button[type=submit]");
    let saved = browser.wait_for("Present for a decision");
    assert!(saved.contains("Instant payouts for every supplier") && saved.contains("badge proposal-draft"), "{saved}");
    assert!(
        saved.contains("Pay every supplier over SEPA Instant by default. <span class=\"flag\""),
        "opinion: {saved}"
    );
    assert!(saved.contains("⚑ unaligned"), "no objective was chosen");
    let created = server.get_json("/api/v1/proposals")[0].clone();
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["input"]["problem"]["evidence"], serde_json::json!([ticket]));
    assert!((created["input"]["case"]["discount_rate"].as_f64().unwrap() - 0.08).abs() < 1e-12);
    assert_eq!(created["input"]["case"]["benefits"]["expected"], serde_json::json!([3_000_000, 4_500_000, 5_000_000]));
    browser.click(".status-actions form[action$='/present'] button");
    let presented = browser.wait_for("Presented: waiting for an executive");
    assert!(!presented.contains(">Approve<"), "Sofia may not approve her own case");

    // Mateo, an executive of Payments, approves it, saying why.
    browser.sign_out();
    browser.sign_in(&server.url(""), MATEO, server.password(MATEO));
    browser.open(&server.url(&format!("/proposals/{id}")));
    browser.wait_for("Presented: waiting for an executive");
    browser.fill(".status-actions textarea[name=reason]", "Suppliers ask for it every week; fund it.");
    browser.click(".status-actions button[value=approve]");
    let approved = browser.wait_for("Approved: this business case is final.");
    assert!(approved.contains("approved by Mateo Fernández"), "{approved}");
    assert!(approved.contains("Suppliers ask for it every week; fund it."), "the reason is in the history: {approved}");
    browser.screenshot_now(&shots.join("proposal-approved.png"), 1500);

    // The brief: one page, claims cited or marked opinion, the numbers, the ask, the sources.
    let brief = browser.dom(&server.url(&format!("/proposals/{id}/brief")));
    assert!(brief.contains("Proposal · approved"), "{brief}");
    assert!(brief.contains("<sup>[1]</sup>") && brief.contains("<span class=\"opinion\""), "{brief}");
    assert!(brief.contains("Unaligned: this proposal serves no objective."));
    assert!(brief.contains("Make SEPA Instant the default payout"));
    assert!(brief.contains("Suppliers call us because payouts take two days"), "the source is listed");
    browser.screenshot_sized(&server.url(&format!("/proposals/{id}/brief")), &shots.join("proposal-brief.png"), 1400);
    let (status, markdown) = server.get(&format!("/proposals/{id}/brief.md"));
    assert_eq!(status, 200);
    assert!(markdown.starts_with("# Instant payouts for every supplier\n\n*Status: approved*"), "{markdown}");
    assert!(markdown.contains("Pay every supplier over SEPA Instant by default. *(opinion: no evidence)*"));
}
