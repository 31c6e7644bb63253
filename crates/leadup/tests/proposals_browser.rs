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
    // The picker's box narrows the library to what matches every word typed.
    browser.fill(".evidence-picker[data-claim='Problem'] input.evidence-filter", "payouts two days");
    let filtered = browser.source();
    let problem_list = &filtered[filtered.find("name=\"problem_evidence\"").unwrap()..];
    let problem_list = &problem_list[..problem_list.find("</ul>").unwrap()];
    assert!(problem_list.matches("<li hidden").count() > 3, "others are hidden: {problem_list}");
    assert!(!problem_list.contains(&format!(
        "<li hidden=\"\"><label class=\"check\"><input type=\"checkbox\" name=\"problem_evidence\" value=\"{ticket}\""
    )));
    browser.click(&format!("input[name=problem_evidence][value='{ticket}']"));
    browser.fill("textarea[name=solution]", "Pay every supplier over SEPA Instant by default.");
    browser.fill("textarea[name=benefit_customers]", "No more supplier calls about late payments.");
    browser.click(&format!("input[name=benefit_customers_evidence][value='{ticket}']"));
    browser.fill("textarea[name=risk_0]", "The bank's instant-payment limits may be too low.");
    browser.fill("input[name=discount_rate]", "ten");
    browser.fill("input[name=one_off_cost]", "80,000");
    browser.fill("input[name=recurring_cost]", "5,000");
    // Benefits per period as rows: too little expected for the cost, at first.
    for (period, [low, expected, high]) in
        [(1, ["10,000", "20,000", "40,000"]), (2, ["15,000", "25,000", ""]), (3, ["20,000", "30,000", "70,000"])]
    {
        browser.fill(&format!("input[name=period_{period}_low]"), low);
        browser.fill(&format!("input[name=period_{period}_expected]"), expected);
        browser.fill(&format!("input[name=period_{period}_high]"), high);
    }
    browser.fill("input[name=ask_decision]", "Make SEPA Instant the default payout");
    browser.fill("input[name=ask_money]", "80,000");
    browser.screenshot_now(&shots.join("proposal-editor.png"), 2600);
    browser.screenshot_at(&shots.join("proposal-editor-390.png"), 390, 5200);
    browser.click(".proposal-form button[type=submit]");
    let refused = browser.wait_for("The proposal was not saved");
    assert!(refused.contains("Discount rate</strong>: 'ten' is not a percentage"), "{refused}");
    assert!(
        refused.contains("High benefit, period 2</strong>: is empty: every period up to the last needs its low, expected and high benefit"),
        "{refused}"
    );
    assert!(!refused.contains("(case."), "no internal field names: {refused}");
    assert!(refused.contains("No more supplier calls about late payments."), "what was typed is kept");
    assert_eq!(server.get_json("/api/v1/proposals").as_array().unwrap().len(), 1, "nothing was saved");
    browser.screenshot_now(&shots.join("proposal-editor-errors.png"), 900);

    // Corrected and saved as a draft: on its own numbers it loses money, and the page says so
    // before it can be presented.
    browser.fill("input[name=discount_rate]", "8");
    browser.fill("input[name=period_2_high]", "60,000");
    browser.click(".proposal-form button[type=submit]");
    let warned = browser.wait_for("Present it anyway");
    assert!(warned.contains("The expected NPV is EUR -"), "{warned}");
    browser.screenshot_at(&shots.join("proposal-negative-npv-390.png"), 390, 1400);
    browser.screenshot_at(&shots.join("proposal-negative-npv-1280.png"), 1280, 1200);
    let id = server.get_json("/api/v1/proposals")[0]["id"].as_i64().unwrap();
    // Past the browser's own check, the server still refuses it unconfirmed.
    browser.run_script("document.querySelector('input[name=confirm_negative_npv]').required = false;");
    browser.click("form.present-negative button");
    let refused = browser.wait_for("409");
    assert!(refused.contains("negative"), "{refused}");
    assert_eq!(server.get_json("/api/v1/proposals")[0]["input"]["status"], "draft");
    // She raises the expected benefits in the editor's rows instead.
    browser.open(&server.url(&format!("/proposals/{id}/edit")));
    let editor = browser.wait_for("Save draft");
    assert!(editor.contains("name=\"period_2_expected\" value=\"25,000\""), "the rows hold the saved case: {editor}");
    browser.fill("input[name=period_1_expected]", "30,000");
    browser.fill("input[name=period_2_expected]", "45,000");
    browser.fill("input[name=period_3_expected]", "50,000");
    browser.click(".proposal-form button[type=submit]");
    let saved = browser.wait_for("Present for a decision");
    assert!(!saved.contains("Present it anyway"), "a positive case presents plainly: {saved}");
    assert!(saved.contains("Instant payouts for every supplier") && saved.contains("badge proposal-draft"), "{saved}");
    assert!(
        saved.contains("Pay every supplier over SEPA Instant by default. <span class=\"flag\""),
        "opinion: {saved}"
    );
    assert!(saved.contains("⚑ unaligned"), "no objective was chosen");
    let created = server.get_json("/api/v1/proposals")[0].clone();
    assert_eq!(created["id"], id);
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
    browser.screenshot_at(&shots.join("proposal-decide-390.png"), 390, 1200);
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
