//! The brief in Chromium, as people use it: the manager of Payments finds today's brief for
//! Mateo Fernández drafted by his cadence in her inbox, reviews it, adds a note and an ask,
//! previews it and saves it as sent (which replaces the draft); the
//! stored page prints on one A4 page; Mateo reads it; Priya, another executive of the team,
//! may not. Screenshots at phone (390 px) and desktop (1280 px) width land in
//! `target/screenshots/`; axe-core finds no serious or critical accessibility violation.

mod support;

use leadup_store::testing::{TestDatabase, execute, skip};
use support::browser::{Browser, screenshot_dir};
use support::{Server, pdf_pages};

const MATEO: &str = "mateo.fernandez@example.com";
const SOFIA: &str = "sofia.marchetti@example.com";
const PRIYA: &str = "priya.raman@example.com";

#[test]
fn a_manager_sends_a_brief_that_prints_on_one_page() {
    let Some(browser) = Browser::start() else {
        skip("Chromium or ChromeDriver is not installed");
        return;
    };
    let db = TestDatabase::sqlite();
    let server = Server::start(&db.url, "demo");
    let origin = server.url("");
    let shots = screenshot_dir();

    browser.sign_in(&origin, SOFIA, server.password(SOFIA));
    browser.open(&format!("{origin}/briefs"));
    let list = browser.wait_for("Prepare a brief");
    assert!(list.contains("Brief Mateo Fernández on Payments"), "{list}");
    // The demo's two sent briefs, and today's drafts for Mateo and Priya (their cadence made
    // them due), which wait in Sofia's inbox.
    assert_eq!(list.matches("href=\"/briefs/").count(), 4, "{list}");
    assert_eq!(list.matches("Draft of ").count(), 2, "{list}");
    browser.screenshot_at(&shots.join("briefs-list-1280.png"), 1280, 900);
    assert_eq!(browser.axe(), Vec::<String>::new(), "/briefs");
    let inbox = browser.dom(&format!("{origin}/inbox"));
    assert!(inbox.contains("Brief to review and send") && inbox.contains("Brief for Mateo Fernández"), "{inbox}");
    let draft_id = first_brief_link(&inbox);
    browser.open(&format!("{origin}/briefs/{draft_id}"));
    let draft = browser.wait_for("Drafted for review");
    assert!(draft.contains("Draft by Sofia Marchetti") && !draft.contains("form class=\"send\""), "{draft}");
    browser.screenshot_at(&shots.join("brief-draft-390.png"), 390, 1200);
    assert_eq!(browser.axe(), Vec::<String>::new(), "a draft brief");

    browser.click("p.review a");
    let preview = browser.wait_for("Save as sent");
    assert!(preview.contains("Changes are since the brief sent"), "{preview}");
    // The track record is in by default; the manager may leave it out.
    assert!(preview.contains("kept on time over 12 months"), "{preview}");
    browser.click("input[name=track_record]");
    browser.click("button[value=preview]");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while browser.source().contains("kept on time over 12 months") {
        assert!(std::time::Instant::now() < deadline, "the track record stayed in the preview");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    browser.click("input[name=track_record]");
    browser.fill("textarea[name=note]", "Multi-currency decides two enterprise deals: <b>ten minutes</b> on Monday?");
    browser.fill("textarea[name=asks]", "Approve the multi-currency change request");
    browser.click("button[value=preview]");
    let preview = browser.wait_for("ten minutes");
    assert!(preview.contains("&lt;b&gt;ten minutes&lt;/b&gt;"), "the note is shown as typed");
    assert!(preview.contains("kept on time over 12 months"), "ticked again: {preview}");
    assert!(preview.contains("Approve the multi-currency change request"));
    browser.screenshot_at(&shots.join("brief-preview-1280.png"), 1280, 1800);
    browser.screenshot_at(&shots.join("brief-preview-390.png"), 390, 1800);
    assert_eq!(browser.axe(), Vec::<String>::new(), "the brief's preview");

    browser.click("button[value=save]");
    let stored = browser.wait_for("Sent ");
    let url = browser.current_url();
    let id: i64 = url.rsplit('/').next().and_then(|id| id.parse().ok()).unwrap_or_else(|| panic!("{url}"));
    assert!(id > draft_id, "a new brief: {url}");
    assert!(stored.contains("Markdown") && stored.contains("brief.pdf"), "{stored}");
    browser.screenshot_at(&shots.join("brief-1280.png"), 1280, 1700);
    browser.screenshot_at(&shots.join("brief-390.png"), 390, 2400);
    assert_eq!(browser.axe(), Vec::<String>::new(), "the stored brief");

    // Printed by Chromium on A4, the demo brief is one page.
    let pdf = browser.print_a4();
    assert!(pdf.starts_with(b"%PDF-"));
    let printed = shots.join("brief-printed.pdf");
    std::fs::write(&printed, &pdf).unwrap();
    match pdf_pages(&printed) {
        Some(pages) => assert_eq!(pages, 1, "the demo brief prints on one A4 page ({})", printed.display()),
        None => skip("pdfinfo (poppler-utils) is not installed"),
    }
    // Sent by its manager: with no SMTP server configured, the delivery fails, and the brief's
    // page says so.
    browser.click("form.send button");
    browser.wait_for("email to mateo.fernandez@example.com");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let delivered = loop {
        let page = browser.dom(&format!("{origin}/briefs/{id}"));
        if page.contains("Last error") || std::time::Instant::now() > deadline {
            break page;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    assert!(delivered.contains("no SMTP server is configured"), "{delivered}");
    browser.screenshot_at(&shots.join("brief-delivery-1280.png"), 1280, 900);
    browser.screenshot_at(&shots.join("brief-delivery-390.png"), 390, 900);
    assert_eq!(browser.axe(), Vec::<String>::new(), "the brief with its failed delivery");
    assert!(!delivered.contains("Try again"), "it is still being retried: {delivered}");

    // Once its attempts are spent the delivery has failed for good, and the page offers to try
    // again: a new series of attempts starts (and fails the same way, saying why).
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let store = leadup_store::Store::connect(&db.url).await.unwrap();
        execute(&store, "UPDATE deliveries SET status = 'failed', attempts = 8, next_attempt_at = NULL").await.unwrap();
    });
    let failed = browser.dom(&format!("{origin}/briefs/{id}"));
    assert!(failed.contains("failed after 8 attempts") && failed.contains("Try again"), "{failed}");
    assert_eq!(browser.axe(), Vec::<String>::new(), "a brief whose delivery failed for good");
    browser.click("form.retry button");
    let retried = browser.wait_for("attempt 1 of 8");
    assert!(!retried.contains("failed after 8 attempts"), "{retried}");

    // The stored brief is a page of its own (no top bar): sign out from the list.
    browser.open(&format!("{origin}/briefs"));
    browser.sign_out();

    // Mateo reads the brief sent to him; Priya, another executive of Payments, may not.
    browser.sign_in(&origin, MATEO, server.password(MATEO));
    let list = browser.dom(&format!("{origin}/briefs"));
    assert_eq!(list.matches("href=\"/briefs/").count(), 3, "the two sent before and today's: {list}");
    assert!(!list.contains("Prepare a brief"), "an executive does not write briefs");
    assert!(!list.contains("Draft of"), "the draft was replaced by the brief sent: {list}");
    let page = browser.dom(&format!("{origin}/briefs/{id}"));
    assert!(page.contains("ten minutes") && page.contains("Ask: "), "{page}");
    browser.open(&format!("{origin}/briefs"));
    browser.sign_out();
    browser.sign_in(&origin, PRIYA, server.password(PRIYA));
    let refused = browser.dom(&format!("{origin}/briefs/{id}"));
    assert!(refused.contains("403"), "{refused}");
    let theirs = browser.dom(&format!("{origin}/briefs/{}", draft_id + 1));
    assert!(theirs.contains("403") && theirs.contains("draft"), "her own draft waits for Sofia: {theirs}");
    let list = browser.dom(&format!("{origin}/briefs"));
    assert!(list.contains("No briefs yet"), "{list}");
}

/// The id of the first brief `page` links to.
fn first_brief_link(page: &str) -> i64 {
    let at = page.find("href=\"/briefs/").unwrap_or_else(|| panic!("no brief linked in {page}")) + 14;
    page[at..].chars().take_while(char::is_ascii_digit).collect::<String>().parse().unwrap()
}
