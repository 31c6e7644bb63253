//! Team people and stakeholder profiles in real headless Chromium on the demo: the Payments
//! page lists the users holding each role, and every executive it shows may open the team's
//! dashboard (Amara Okafor too, for hers); Sofia (Payments' manager) sees her executives'
//! profiles, is told plainly what is wrong with a webhook that is not https, and saves one
//! that is then shown only by its host. Screenshots at 1280 and 390 pixels go to
//! `target/screenshots/`; axe-core finds no serious or critical violation.

mod support;

use leadup_store::testing::{TestDatabase, skip};
use support::Server;
use support::browser::{Browser, screenshot_dir};

const SOFIA: &str = "sofia.marchetti@example.com";
const AMARA: &str = "amara.okafor@example.com";

fn no_violations(browser: &Browser, page: &str) {
    let found = browser.axe();
    assert!(found.is_empty(), "axe-core on {page}: {found:#?}");
}

#[test]
fn team_people_and_stakeholder_profiles_in_chromium() {
    let Some(browser) = Browser::start() else {
        skip("Chromium and ChromeDriver are not installed (scripts/test installs them)");
        return;
    };
    let db = TestDatabase::sqlite();
    let server = Server::start(&db.url, "demo");
    let shots = screenshot_dir();
    let payments = server.team_id("Payments");
    let approvals = server.team_id("Approvals & Workflow");
    let teams = server.get_json("/api/v1/teams");
    let team = teams.as_array().unwrap().iter().find(|t| t["id"] == payments).unwrap();
    let mateo =
        team["executives"].as_array().unwrap().iter().find(|p| p["name"] == "Mateo Fernández").unwrap()["user_id"]
            .as_i64()
            .expect("Mateo is a user");

    // The team page shows the people holding the roles.
    browser.sign_in(&server.url(""), SOFIA, server.password(SOFIA));
    let page = browser.dom(&server.url(&format!("/teams/{payments}")));
    assert!(page.contains("Manager Sofia Marchetti"), "{page}");
    assert!(
        page.contains(&format!(r#"reports to <a href="/stakeholders/{mateo}">Mateo Fernández</a>, <a href="#)),
        "{page}"
    );
    assert!(!page.contains("no account yet"), "everyone the demo names has an account");
    no_violations(&browser, "the team page");
    browser.screenshot_at(&shots.join("team-people-1280.png"), 1280, 900);
    browser.screenshot_at(&shots.join("team-people-390.png"), 390, 1400);

    // An objective's owner who is one of her stakeholders links to the profile.
    let strategy = browser.dom(&server.url("/strategy"));
    assert!(
        strategy.contains(&format!(
            r#"<a class="owner" href="/stakeholders/{mateo}"><strong>Mateo Fernández</strong></a>"#
        )),
        "{strategy}"
    );
    assert!(strategy.contains("Owner: <strong>Henrik Lindqvist</strong>"), "not hers: plain text");
    no_violations(&browser, "the strategy page");

    // The list: the executives of Sofia's team, with what they want to hear.
    let list = browser.dom(&server.url("/stakeholders"));
    assert!(list.contains("Mateo Fernández") && list.contains("Priya Raman"), "{list}");
    assert!(!list.contains("Henrik Lindqvist") && !list.contains("Amara Okafor"), "not another team's: {list}");
    assert!(list.contains("Progress against the plan, Risks, Budget, Decisions needed"), "{list}");
    no_violations(&browser, "the stakeholders list");
    browser.screenshot_at(&shots.join("stakeholders-1280.png"), 1280, 800);
    browser.screenshot_at(&shots.join("stakeholders-390.png"), 390, 1200);

    // Mateo's profile: weekly by e-mail, his own objective, the demo's two briefs sent to him,
    // when the next is due and its draft.
    let profile = browser.dom(&server.url(&format!("/stakeholders/{mateo}")));
    assert!(
        profile.contains("weekly (every 7 days)") && profile.contains("e-mail to mateo.fernandez@example.com"),
        "{profile}"
    );
    assert!(profile.contains("Become the way our customers pay their suppliers"), "the objective he owns: {profile}");
    assert!(profile.contains("href=\"/briefs/1\"") && profile.contains("href=\"/briefs/2\""), "{profile}");
    assert!(profile.contains("Next brief"), "{profile}");
    // Due (the last was sent two weeks ago, he is briefed weekly): drafted for Sofia's review.
    assert!(
        profile.contains("<strong>due now</strong>") && profile.contains("for Payments, waiting for review"),
        "{profile}"
    );
    assert!(profile.contains("Drafted when due, for the manager to review and send"), "{profile}");
    no_violations(&browser, "a stakeholder's profile");
    browser.screenshot_at(&shots.join("stakeholder-1280.png"), 1280, 2000);
    browser.screenshot_at(&shots.join("stakeholder-390.png"), 390, 3200);

    // A webhook that is not https is refused, naming the field; nothing is saved.
    browser.click("input[name=channel][value=webhook]");
    browser.fill("input[name=webhook_url]", "http://hooks.example.com/services/T0/B0/secret-part");
    browser.click("input[name=topic][value=wins]");
    browser.click(".stakeholder-form button[type=submit]");
    let refused = browser.wait_for("The profile was not saved");
    assert!(refused.contains("webhook_url</strong>: must be an https:// address"), "{refused}");
    no_violations(&browser, "the profile form with an error");
    browser.screenshot_at(&shots.join("stakeholder-error-1280.png"), 1280, 2200);
    assert_eq!(server.get_json("/api/v1/teams").as_array().unwrap().len(), 3);

    // An https one is saved and shown only by its host.
    browser.click("input[name=channel][value=webhook]");
    browser.fill("input[name=webhook_url]", "https://hooks.example.com/services/T0/B0/secret-part");
    browser.click(".stakeholder-form button[type=submit]");
    let saved = browser.wait_for("chat webhook at");
    assert!(saved.contains("hooks.example.com") && !saved.contains("secret-part"), "{saved}");
    assert!(saved.contains("Wins"), "{saved}");
    browser.screenshot_at(&shots.join("stakeholder-saved-390.png"), 390, 1600);

    // The command line shows the same profile, the webhook by its host only.
    let shown = support::leadup(&db.url, &["stakeholder", "show", "Mateo.Fernandez@example.com"]);
    let text = support::stdout(&shown);
    assert!(text.contains("Sponsors") && text.contains("Payments"), "{text}");
    assert!(text.contains("chat webhook at hooks.example.com") && !text.contains("secret-part"), "{text}");
    assert!(text.contains("progress, risks, budget, decisions, wins"), "{text}");
    let listed = support::stdout(&support::leadup(&db.url, &["stakeholder", "list", "--json"]));
    let listed: serde_json::Value = serde_json::from_str(&listed).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 4, "the demo's four executives: {listed}");

    // Amara, an executive the Approvals team shows, opens its dashboard.
    browser.sign_out();
    browser.sign_in(&server.url(""), AMARA, server.password(AMARA));
    let dashboard = browser.dom(&server.url(&format!("/teams/{approvals}")));
    assert!(dashboard.contains("Amara Okafor") && dashboard.contains("Burn-up"), "{dashboard}");
    assert!(!dashboard.contains("You may not"), "{dashboard}");
    let amaras = browser.dom(&server.url("/stakeholders"));
    assert!(
        amaras.contains("Henrik Lindqvist") && amaras.contains("Amara Okafor") && !amaras.contains("Mateo"),
        "{amaras}"
    );
}
