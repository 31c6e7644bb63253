//! Wins and the process page in real headless Chromium on the demo: Kwame (a Payments member)
//! proposes a win and is told plainly what is wrong with a date in the future; Sofia (the
//! manager) confirms it and the credits per person move; Mateo (an executive) reads the wins
//! digest naming the people, and the process page with its versions and decision log, which a
//! share link shows read-only. Screenshots at 1280 and 390 pixels go to `target/screenshots/`;
//! axe-core finds no serious or critical violation.

mod support;

use leadup_store::testing::{TestDatabase, skip};
use serde_json::json;
use support::browser::{Browser, screenshot_dir};
use support::{Server, token_of};

const SOFIA: &str = "sofia.marchetti@example.com";
const KWAME: &str = "kwame.mensah@example.com";
const MATEO: &str = "mateo.fernandez@example.com";

fn no_violations(browser: &Browser, page: &str) {
    let found = browser.axe();
    assert!(found.is_empty(), "axe-core on {page}: {found:#?}");
}

#[test]
fn wins_and_the_process_page_in_chromium() {
    let Some(browser) = Browser::start() else {
        skip("Chromium and ChromeDriver are not installed (scripts/test installs them)");
        return;
    };
    let db = TestDatabase::sqlite();
    let server = Server::start(&db.url, "demo");
    let shots = screenshot_dir();
    let payments = server.team_id("Payments");
    let wins_url = server.url(&format!("/teams/{payments}/wins"));

    // A member proposes; a date in the future is refused naming the field.
    browser.sign_in(&server.url(""), KWAME, server.password(KWAME));
    let page = browser.dom(&wins_url);
    assert!(page.contains("Credits per person") && page.contains("Propose a win"), "{page}");
    assert!(!page.contains(">Confirm<"), "a member confirms nothing: {page}");
    browser.fill("input[name=title]", "Payout <script>alert(1)</script> fees halved");
    browser.fill("input[name=achieved_on]", "2199-01-01");
    browser.fill("textarea[name=credits]", "Lena Vogel\nKwame Mensah");
    // It moves the first key result of the first objective that has one.
    let objectives = server.get_json("/api/v1/objectives");
    let (objective, metric) = objectives
        .as_array()
        .unwrap()
        .iter()
        .find_map(|o| Some((o["id"].as_i64()?, o["key_results"][0]["metric"].as_str()?.to_owned())))
        .expect("an objective with a key result");
    browser.select("select[name=serves]", &format!("key-result:{objective}:0"));
    browser.click("form[action$='/wins'] button[type=submit]");
    let refused = browser.wait_for("Nothing was saved");
    assert!(refused.contains("achieved_on: 2199-01-01 is in the future"), "{refused}");
    no_violations(&browser, "the wins page with an error");
    browser.screenshot_at(&shots.join("wins-error-390.png"), 390, 1600);
    let today = leadup_core::date::format(time::OffsetDateTime::now_utc().date());
    browser.fill("input[name=achieved_on]", &today);
    browser.click("form[action$='/wins'] button[type=submit]");
    // The refused form still holds the title: wait until the error is gone.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let proposed = loop {
        let page = browser.source();
        if !page.contains("Nothing was saved") && page.contains("fees halved") {
            break page;
        }
        assert!(std::time::Instant::now() < deadline, "the win was never proposed: {page}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert!(proposed.contains("Payout &lt;script&gt;alert(1)&lt;/script&gt; fees halved"), "escaped");
    let stored = server.get_json(&format!("/api/v1/teams/{payments}/wins"));
    assert_eq!((&stored["wins"][0]["objective_id"], &stored["wins"][0]["key_result"]), (&json!(objective), &json!(0)));
    assert!(
        proposed.contains(&format!("href=\"/strategy#objective-{objective}\"")) && proposed.contains(&metric),
        "{proposed}"
    );
    browser.sign_out();

    // The manager confirms it.
    browser.sign_in(&server.url(""), SOFIA, server.password(SOFIA));
    let before = server.get_json(&format!("/api/v1/teams/{payments}/wins"));
    let lena = |wins: &serde_json::Value| {
        wins["credits"].as_array().unwrap().iter().find(|p| p["name"] == "Lena Vogel").unwrap()["wins"]
            .as_i64()
            .unwrap()
    };
    let id = before["wins"][0]["id"].as_i64().unwrap();
    browser.dom(&wins_url);
    no_violations(&browser, "the wins page for the manager");
    browser.screenshot_at(&shots.join("wins-manager-1280.png"), 1280, 1400);
    browser.screenshot_at(&shots.join("wins-manager-390.png"), 390, 2400);
    browser.click(&format!("#win-{id} form input[value=confirm] ~ button"));
    browser.wait_for("Credits per person");
    let after = server.get_json(&format!("/api/v1/teams/{payments}/wins"));
    assert_eq!(after["wins"][0]["status"], "confirmed");
    assert_eq!(lena(&after), lena(&before) + 1);
    browser.sign_out();

    // An executive reads the digest naming the people, and the process page.
    browser.sign_in(&server.url(""), MATEO, server.password(MATEO));
    let digest = browser.dom(&server.url("/wins?days=365"));
    assert!(digest.contains("fees halved") && digest.contains("Lena Vogel") && digest.contains("Payments"), "{digest}");
    assert!(!digest.contains("Propose a win"), "{digest}");
    no_violations(&browser, "the wins digest");
    browser.screenshot_at(&shots.join("wins-digest-1280.png"), 1280, 1400);
    browser.screenshot_at(&shots.join("wins-digest-390.png"), 390, 2400);
    let process = browser.dom(&server.url(&format!("/teams/{payments}/process")));
    assert!(process.contains("Version 2") && process.contains("confidence 2"), "{process}");
    assert!(process.contains("approved as the baseline") && process.contains("added by hand"), "{process}");
    assert!(!process.contains("Save a new version"), "an executive writes no process: {process}");
    no_violations(&browser, "the process page");
    browser.screenshot_at(&shots.join("process-1280.png"), 1280, 1800);
    browser.screenshot_at(&shots.join("process-390.png"), 390, 3600);
    let first = browser.dom(&server.url(&format!("/teams/{payments}/process?version=1")));
    assert!(first.contains("an earlier version") && first.contains("confidence 1"), "{first}");
    browser.sign_out();

    // The manager shares it read-only.
    browser.sign_in(&server.url(""), SOFIA, server.password(SOFIA));
    let process = browser.dom(&server.url(&format!("/teams/{payments}/process")));
    assert!(process.contains("Save a new version") && process.contains("Add a decision"), "{process}");
    browser.dom(&server.url(&format!("/teams/{payments}/share?shows=process")));
    browser.click("form.rule-form button[type=submit]");
    let created = browser.wait_for("Your new link");
    let start = created.find("/share/").unwrap();
    let token: String = created[start + 7..].chars().take_while(char::is_ascii_alphanumeric).collect();
    browser.sign_out();
    let shared = browser.dom(&server.url(&format!("/share/{token}")));
    assert!(shared.contains("Shared read-only until") && shared.contains("Decision log"), "{shared}");
    assert!(!shared.contains("Save a new version") && !shared.contains("/priorities?"), "{shared}");
    no_violations(&browser, "the shared process page");
    browser.screenshot_at(&shots.join("process-shared-390.png"), 390, 3000);

    // And the team's track record, from its page.
    browser.sign_in(&server.url(""), SOFIA, server.password(SOFIA));
    let record = browser.dom(&server.url(&format!("/teams/{payments}/credibility")));
    assert!(record.contains(&format!("href=\"/teams/{payments}/share?shows=credibility\"")), "{record}");
    browser.click("a[href$='shows=credibility']");
    browser.wait_for("Create link");
    browser.click("form.rule-form button[type=submit]");
    let created = browser.wait_for("Your new link");
    let start = created.find("/share/").unwrap();
    let token: String = created[start + 7..].chars().take_while(char::is_ascii_alphanumeric).collect();
    assert!(created.contains("<td>Track record</td>"), "listed: {created}");
    browser.sign_out();
    let shared = browser.dom(&server.url(&format!("/share/{token}")));
    let (status, report) = server.get_as(&token_of(&db.url, SOFIA), &format!("/api/v1/teams/{payments}/credibility"));
    assert_eq!(status, 200, "{report}");
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert!(shared.contains("Track record of Payments") && shared.contains("Shared read-only until"), "{shared}");
    let closed = report["commitments"].as_i64().unwrap();
    assert!(
        closed > 0 && shared.contains(&format!("<span class=\"figure-value\">{closed}</span>")),
        "{report} {shared}"
    );
    assert!(!shared.contains("href=\"/teams/") && !shared.contains("<form"), "read-only, no way in: {shared}");
    no_violations(&browser, "the shared track record");
    browser.screenshot_at(&shots.join("credibility-shared-1280.png"), 1280, 2000);
    browser.screenshot_at(&shots.join("credibility-shared-390.png"), 390, 3600);
}
