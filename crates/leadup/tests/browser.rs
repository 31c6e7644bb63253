//! The demo workspace in real headless Chromium, driven through ChromeDriver and signed in
//! through the sign-in page: the strategy, roadmap (both views),
//! alignment, teams, a team dashboard, initiative pages with their progress, and the import
//! page (and the report of an upload) load, show the demo's content, and are saved as
//! screenshots under `target/screenshots/` for a person to look at.

mod support;

use std::fmt::Write as _;

use leadup_store::testing::{TestDatabase, skip};
use support::Server;
use support::browser::{Browser, screenshot_dir};

const ADMIN: &str = "avery.admin@example.com";

/// Starts the demo and a browser signed in as `email`, or `None` without Chromium.
fn demo_as(email: &str) -> Option<(TestDatabase, Server, Browser)> {
    let Some(browser) = Browser::start() else {
        skip("Chromium and ChromeDriver are not installed (scripts/test installs them)");
        return None;
    };
    let db = TestDatabase::sqlite();
    let server = Server::start(&db.url, "demo");
    browser.sign_in(&server.url(""), email, server.password(email));
    Some((db, server, browser))
}

#[test]
fn demo_pages_render_in_chromium() {
    let Some((_db, server, chromium)) = demo_as(ADMIN) else { return };
    let shots = screenshot_dir();

    let strategy = chromium.dom(&server.url("/strategy"));
    assert!(strategy.contains("<h1>Strategy</h1>"), "strategy page heading: {strategy}");
    assert!(strategy.contains("Our mission"), "the mission is shown");
    assert_eq!(strategy.matches("class=\"card objective\"").count(), 5, "five objective cards");
    assert!(strategy.contains("role=\"progressbar\""), "key results have progress bars");
    assert!(strategy.contains("uncovered"), "the uncovered objective is flagged");
    chromium.screenshot(&server.url("/strategy"), &shots.join("strategy.png"));

    let roadmap = chromium.dom(&server.url("/roadmap"));
    assert!(roadmap.contains("<svg class=\"timeline\""), "the timeline is drawn as SVG");
    assert!(roadmap.matches("class=\"bar risk-").count() >= 12, "dated initiatives have bars");
    assert!(roadmap.contains("Today"), "today is marked");
    chromium.screenshot(&server.url("/roadmap"), &shots.join("roadmap-timeline.png"));
    chromium.screenshot(&server.url("/roadmap?group=objective"), &shots.join("roadmap-by-objective.png"));

    let columns = chromium.dom(&server.url("/roadmap?view=columns"));
    for column in ["column-now", "column-next", "column-later"] {
        assert!(columns.contains(&format!("id=\"{column}\"")), "{column} is shown");
    }
    assert!(columns.matches("initiative-card").count() >= 9, "initiatives appear as cards");
    chromium.screenshot(&server.url("/roadmap?view=columns"), &shots.join("roadmap-columns.png"));

    let alignment = chromium.dom(&server.url("/alignment"));
    assert!(alignment.contains("unaligned initiatives"));
    assert!(alignment.contains("<svg class=\"budget\""), "the budget split is drawn");
    chromium.screenshot(&server.url("/alignment"), &shots.join("alignment.png"));

    let initiative = chromium.dom(&server.url("/initiatives/1"));
    assert!(initiative.contains("Outcome") && initiative.contains("Planned budget"));
    chromium.screenshot(&server.url("/initiatives/1"), &shots.join("initiative.png"));
}

/// Every chart of a progress page is drawn, with its accessible name, and nothing is broken.
fn assert_progress_charts(page: &str, what: &str) {
    for label in [
        "aria-label=\"Burn-up: ",
        "aria-label=\"Throughput: ",
        "aria-label=\"Cycle time of ",
        "aria-label=\"Aging work in progress: ",
        "aria-label=\"Started vs finished: ",
    ] {
        assert!(page.contains(label), "{what}: no chart labelled {label}");
    }
    assert!(page.contains("Calibration: backtested on "), "{what}: the calibration sentence is shown");
    for broken in ["NaN", "inf\"", "class=\"throughput empty\"", "class=\"cycle-time empty\""] {
        assert!(!page.contains(broken), "{what}: {broken}");
    }
}

#[test]
fn dashboards_render_in_chromium() {
    let Some((_db, server, chromium)) = demo_as(ADMIN) else { return };
    let shots = screenshot_dir();
    let payments = server.team_id("Payments");

    let teams = chromium.dom(&server.url("/teams"));
    assert!(teams.contains("<h1>Teams</h1>") && teams.contains("Approvals &amp; Workflow"));
    assert!(teams.contains(&format!("href=\"/teams/{payments}/import\"")), "each team links to its import page");
    assert!(teams.contains("class=\"active\" aria-current=\"page\">Teams</a>"), "Teams is in the top navigation");
    chromium.screenshot(&server.url("/teams"), &shots.join("teams.png"));

    let dashboard = chromium.dom(&server.url(&format!("/teams/{payments}")));
    assert_progress_charts(&dashboard, "team dashboard");
    assert!(dashboard.contains("When will the next "), "the next-items forecast");
    assert!(dashboard.contains("<td>85%</td>"), "the forecast's percentiles");
    assert!(dashboard.contains("SEPA Instant supplier payouts"), "the team's initiatives are listed");
    assert!(dashboard.contains("85% likely done by"), "the initiatives' shared forecast");
    assert!(
        dashboard.contains("Forecasts as of today: planned and in-progress initiatives share the team's throughput of the last 90 days, 2 at a time")
            && dashboard.contains("recalibrated on the team's own past forecasts"),
        "the shared forecast says how it was made and how honest its model has been"
    );
    chromium.screenshot_sized(&server.url(&format!("/teams/{payments}")), &shots.join("team-dashboard.png"), 4400);
    let month = chromium.dom(&server.url(&format!("/teams/{payments}?days=30")));
    assert!(month.contains("finished in the last 30 days"), "?days=30 changes the window");

    // SEPA Instant payouts: in progress, with a target this quarter.
    let sepa = chromium.dom(&server.url("/initiatives/1"));
    assert_progress_charts(&sepa, "initiative 1");
    assert!(sepa.contains("likely done by the target "), "the probability of meeting the target");
    assert!(sepa.contains("; target "), "the burn-up shows the target date");
    assert!(sepa.contains("aria-label=\"Budget: "), "the budget status is drawn");
    assert!(
        sepa.contains("aria-label=\"Forecast drift: 5 forecasts from "),
        "the forecast history of the demo's last eight weeks is drawn"
    );
    assert!(sepa.contains(">PAY-1</code>"), "the attach rule is listed");
    assert!(sepa.contains("action=\"/initiatives/1/rules\""), "rules can be changed from the page");
    chromium.screenshot_sized(&server.url("/initiatives/1"), &shots.join("initiative-progress.png"), 4200);

    // Slack and Teams approvals: over budget, with the most scope left.
    let slack = chromium.dom(&server.url("/initiatives/5"));
    assert_progress_charts(&slack, "initiative 5");
    assert!(slack.contains("over budget"));
    chromium.screenshot_sized(&server.url("/initiatives/5"), &shots.join("initiative-over-budget.png"), 2000);

    // The native mobile app was dropped: its items are shown, not forecast.
    let (status, dropped) = server.get("/api/v1/initiatives/12/progress");
    assert_eq!(status, 200);
    let dropped: serde_json::Value = serde_json::from_str(&dropped).expect("progress as JSON");
    assert_eq!(
        (dropped["title"].as_str(), dropped["state"].as_str()),
        (Some("Native mobile approval app"), Some("dropped"))
    );
    assert_eq!(dropped["forecast"], serde_json::Value::Null);

    // Early-payment discounts: later, nothing attached yet.
    let later = chromium.dom(&server.url("/initiatives/16"));
    assert!(later.contains("No work items attached yet"), "the empty state says how to attach items");
    assert!(later.contains("/import\"") && later.contains("leadup initiative attach 16"));
    assert!(!later.contains("aria-label=\"Burn-up: "), "no charts without items");
    chromium.screenshot(&server.url("/initiatives/16"), &shots.join("initiative-empty.png"));

    let import = chromium.dom(&server.url(&format!("/teams/{payments}/import")));
    assert!(import.contains("enctype=\"multipart/form-data\"") && import.contains("type=\"file\""));
    for field in ["format", "strict", "key", "created", "started", "done", "title", "delimiter", "date_format"] {
        assert!(import.contains(&format!("name=\"{field}\"")), "the import form has {field}");
    }
    chromium.screenshot(&server.url(&format!("/teams/{payments}/import")), &shots.join("import.png"));

    // The report of an upload with a bad row, as the form sends it.
    let csv = "Key;Created;Resolved;Summary\nPAY-900;2026-01-05;2026-01-09;Refund export\nPAY-901;2026-01-06;31/01/2026;Fee report\n";
    let boundary = "leadupBrowserTest";
    let mut body = String::new();
    for (name, value) in [
        ("format", "csv"),
        ("key", "Key"),
        ("created", "Created"),
        ("done", "Resolved"),
        ("title", "Summary"),
        ("delimiter", ";"),
    ] {
        write!(body, "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").unwrap();
    }
    write!(body, "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"export.csv\"\r\n").unwrap();
    write!(body, "Content-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n").unwrap();
    let (status, report) = server.post(
        &format!("/teams/{payments}/import"),
        &format!("multipart/form-data; boundary={boundary}"),
        body.as_bytes(),
    );
    assert_eq!(status, 200, "{report}");
    assert!(report.contains("Imported export.csv") && report.contains("<dt>New items</dt><dd>1</dd>"));
    assert!(report.contains("<td class=\"num\">3</td>"), "the bad row is named by its line");
    let saved = tempfile::Builder::new().suffix(".html").tempfile().expect("a file for the report");
    let with_base = report.replacen("<head>", &format!("<head><base href=\"{}\">", server.url("/")), 1);
    std::fs::write(saved.path(), with_base).expect("the report is saved");
    chromium.screenshot(&format!("file://{}", saved.path().display()), &shots.join("import-report.png"));

    // A larger file through the form itself: the page's script sends it, shows the upload
    // going (the screenshot is taken right after the click) and then the report.
    let mut big = String::from("Key,Created,Resolved,Summary\n");
    for n in 0..60_000 {
        writeln!(big, "BIG-{n},2026-01-05,2026-01-{:02},Imported from a large export (row {n})", 6 + n % 20).unwrap();
    }
    let file = tempfile::Builder::new().prefix("big").suffix(".csv").tempfile().expect("a file to upload");
    std::fs::write(file.path(), &big).expect("the file is written");
    chromium.open(&server.url(&format!("/teams/{payments}/import")));
    assert!(chromium.source().contains("data-progress=\"ready\""), "the upload script runs");
    chromium.click("input[name=format][value=csv]");
    for (field, column) in [("key", "Key"), ("created", "Created"), ("done", "Resolved"), ("title", "Summary")] {
        chromium.fill(&format!("input[name={field}]"), column);
    }
    chromium.attach("input[name=file]", file.path());
    chromium.click("form.import-form button[type=submit]");
    // The status shows until the report replaces the page (if the import is quick, too briefly
    // to be caught, and then there is no screenshot of it).
    let until = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while std::time::Instant::now() < until && !chromium.source().contains("Imported ") {
        if chromium.source().contains("class=\"upload-status\"") {
            chromium.screenshot_now(&shots.join("import-uploading.png"), 1300);
            break;
        }
    }
    let name = file.path().file_name().unwrap().to_string_lossy().into_owned();
    let imported = chromium.wait_for(&format!("Imported {name}"));
    assert!(imported.contains("<dt>New items</dt><dd>60000</dd>"), "{imported}");
    assert!(chromium.current_url().ends_with(&format!("/teams/{payments}/import")), "{}", chromium.current_url());
}

/// Signing in and out, a member kept out of another team, a manager's share link opened by
/// someone signed out until it is revoked, and an API token shown once; all in Chromium.
#[test]
fn accounts_and_share_links_in_chromium() {
    let Some(browser) = Browser::start() else {
        skip("Chromium and ChromeDriver are not installed (scripts/test installs them)");
        return;
    };
    let db = TestDatabase::sqlite();
    let server = Server::start(&db.url, "demo");
    let shots = screenshot_dir();
    let (payments, approvals) = (server.team_id("Payments"), server.team_id("Approvals & Workflow"));

    // Signed out, every page leads to the sign-in page, which comes back to it afterwards.
    browser.open(&server.url("/teams"));
    assert!(browser.current_url().ends_with("/login?next=/teams"), "{}", browser.current_url());
    browser.screenshot_now(&shots.join("sign-in.png"), 900);
    browser.fill("input[name=email]", "kwame.mensah@example.com");
    browser.fill("input[name=password]", "not the password");
    browser.click("form[action=\"/login\"] button[type=submit]");
    browser.wait_for("The email address or the password is wrong.");
    browser.fill("input[name=password]", server.password("kwame.mensah@example.com"));
    browser.click("form[action=\"/login\"] button[type=submit]");
    let teams = browser.wait_for("<h1>Teams</h1>");
    assert!(teams.contains("Kwame Mensah") && teams.contains("Sign out"), "the top bar shows who is signed in");

    // A member of Payments sees its dashboard, may import, may not share; Approvals is closed.
    let own = browser.dom(&server.url(&format!("/teams/{payments}")));
    assert!(own.contains("Import work items") && !own.contains(">Share</a>"));
    let other = browser.dom(&server.url(&format!("/teams/{approvals}")));
    assert!(other.contains("403 · Forbidden"), "{other}");
    assert!(other.contains("You may not see the dashboard and plans in Approvals &amp; Workflow."), "{other}");
    browser.screenshot_now(&shots.join("forbidden.png"), 900);
    browser.sign_out();
    browser.open(&server.url(&format!("/teams/{payments}")));
    assert!(browser.current_url().contains("/login?next="), "signed out for real");

    // The manager shares the dashboard for 30 days and creates an API token.
    browser.sign_in(&server.url(""), "sofia.marchetti@example.com", server.password("sofia.marchetti@example.com"));
    browser.open(&server.url(&format!("/teams/{payments}")));
    browser.click("a[href$=\"/share\"]");
    browser.wait_for("<h1>Share Payments</h1>");
    browser.select("select[name=days]", "30");
    browser.click("form[action$=\"/share\"] button[type=submit]");
    let shared = browser.wait_for("Your new link.");
    browser.screenshot_now(&shots.join("share-links.png"), 1000);
    let at = shared.find("/share/").expect("the link is shown");
    let token: String = shared[at + 7..].chars().take_while(char::is_ascii_hexdigit).collect();
    assert_eq!(token.len(), 64);
    // And the team's plan, from the plan's page.
    browser.open(&server.url("/plans/1"));
    browser.click("a[href$=\"/share?plan=1\"]");
    browser.wait_for("selected=\"\">Plan ");
    browser.click("form[action$=\"/share\"] button[type=submit]");
    let plan_shared = browser.wait_for("Your new link.");
    let at = plan_shared.find("/share/").expect("the plan's link is shown");
    let plan_token: String = plan_shared[at + 7..].chars().take_while(char::is_ascii_hexdigit).collect();
    assert_ne!(plan_token, token);
    browser.open(&server.url("/account"));
    browser.fill("input[name=name]", "nightly import");
    browser.click("form[action=\"/account/tokens\"] button[type=submit]");
    let account = browser.wait_for("shown only this once");
    assert!(account.contains("manager</li>") || account.contains(": manager"), "the account lists the role");
    assert!(account.contains("leadup_"), "the token is shown");
    browser.screenshot_now(&shots.join("account.png"), 1000);
    browser.sign_out();

    // Signed out, the link shows the dashboard read-only...
    let view = browser.dom(&server.url(&format!("/share/{token}")));
    assert!(view.contains("A read-only view of"), "{view}");
    assert!(
        view.contains("aria-label=\"Throughput: ") && !view.contains("Import work items") && !view.contains("Sign out")
    );
    browser.screenshot_now(&shots.join("shared-dashboard.png"), 1600);
    let plan = browser.dom(&server.url(&format!("/share/{plan_token}")));
    assert!(plan.contains("'s plan") && plan.contains("Baseline · version 1"), "{plan}");
    assert!(!plan.contains("Request a change") && !plan.contains("Sign out"), "read-only");
    assert!(plan.contains("Progress against the baseline") && plan.contains("Chance by target"), "{plan}");
    assert!(plan.contains("Forecast if approved") && !plan.contains("/send-back\"") && !plan.contains("/approve\""));
    browser.screenshot_now(&shots.join("shared-plan.png"), 1200);
    // ...until the manager revokes it.
    browser.sign_in(&server.url(""), "sofia.marchetti@example.com", server.password("sofia.marchetti@example.com"));
    browser.open(&server.url(&format!("/teams/{payments}/share")));
    browser.click("form[action$=\"/share/1/revoke\"] button");
    browser.wait_for(">revoked<");
    assert_eq!(browser.source().matches(">live<").count(), 1, "one link revoked, the plan's still live");
    browser.sign_out();
    let gone = browser.dom(&server.url(&format!("/share/{token}")));
    assert!(gone.contains("404") && gone.contains("expired or was revoked"), "{gone}");
    assert!(
        browser.dom(&server.url(&format!("/share/{plan_token}"))).contains("'s plan"),
        "the plan's link still works"
    );
}

/// The evidence library in Chromium: search, a bad form named field by field, a new piece
/// recorded and linked to an initiative that was an opinion until then, edited, and kept
/// from deletion while it is linked; and many imported from a CSV file through the upload form.
#[test]
fn evidence_in_chromium() {
    let Some((_db, server, browser)) = demo_as("kwame.mensah@example.com") else { return };
    let shots = screenshot_dir();

    let library = browser.dom(&server.url("/evidence"));
    assert_eq!(library.matches("<td><a href=\"/evidence/").count(), 13, "the demo's thirteen pieces are listed");
    assert!(library.contains("class=\"badge strength-"), "each piece shows its strength");
    browser.screenshot_now(&shots.join("evidence.png"), 1400);
    let found = browser.dom(&server.url("/evidence?q=slack"));
    assert_eq!(found.matches("<td><a href=\"/evidence/").count(), 1, "full-text search finds the Slack interview");

    // Early-payment discounts has no evidence: an opinion.
    let before = browser.dom(&server.url("/initiatives/16"));
    assert!(before.contains("it is an opinion"), "the initiative is marked as an opinion");

    browser.open(&server.url("/evidence/new"));
    browser.fill("input[name=revenue_at_stake]", "lots");
    browser.click("form.evidence-form button[type=submit]");
    let refused = browser.wait_for("The evidence was not recorded");
    assert!(refused.contains("<strong>summary</strong>: must not be empty"), "{refused}");
    assert!(refused.contains("'lots' is not an amount"));

    browser.select("select[name=kind]", "customer_interview");
    browser.fill(
        "textarea[name=summary]",
        "We would pay suppliers ten days early for a 2% discount if the app offered it.",
    );
    browser.fill("input[name=customer]", "Globex");
    browser.fill("input[name=revenue_at_stake]", "12,500");
    browser.fill("input[name=date]", "");
    browser.click("form.evidence-form button[type=submit]");
    let piece = browser.wait_for("Why this strength");
    assert!(piece.contains("EUR 12,500") && piece.contains("Kwame Mensah"), "recorded by the signed-in user");
    browser.select("select[name=initiative]", "16");
    browser.click("form[action$=\"/initiatives\"] button[type=submit]");
    browser.wait_for("aria-label=\"Unlink Early-payment discounts\"");
    browser.screenshot_now(&shots.join("evidence-piece.png"), 1000);

    // Edited: a bad date is named and nothing changes; then the amount is corrected. Linked,
    // the piece cannot be deleted: the refusal names the initiative.
    let piece_url = browser.current_url().split('#').next().unwrap().to_owned();
    browser.click("a.button[href$=\"/edit\"]");
    browser.wait_for("Save changes");
    browser.fill("input[name=revenue_at_stake]", "15,000");
    browser.fill("input[name=date]", "soon");
    browser.click("form.evidence-form button[type=submit]");
    let refused = browser.wait_for("The changes were not saved");
    assert!(refused.contains("<strong>date</strong>: 'soon' is not a date"), "{refused}");
    assert!(browser.dom(&piece_url).contains("EUR 12,500"), "nothing changed");
    browser.click("a.button[href$=\"/edit\"]");
    browser.wait_for("Save changes");
    browser.fill("input[name=revenue_at_stake]", "15,000");
    browser.click("form.evidence-form button[type=submit]");
    let edited = browser.wait_for("Why this strength");
    assert!(edited.contains("EUR 15,000") && edited.contains("Kwame Mensah"), "who recorded it stays: {edited}");
    browser.click("form[action$=\"/delete\"] button");
    let kept = browser.wait_for("409");
    assert!(kept.contains("supports initiatives 16; unlink it first"), "{kept}");

    // Many pieces from a CSV file through the upload form: strict, one bad row writes nothing;
    // then without strict the good rows are recorded and the bad one is named by its line.
    let csv = tempfile::Builder::new().suffix(".csv").tempfile().expect("a CSV file");
    std::fs::write(
        csv.path(),
        "Type;Quote;Client;When\nsales_request;Needs SEPA Direct Debit;Umbrella;03.11.2026\n\
         rumour;Heard they are leaving;Hooli;04.11.2026\nsurvey_result;41% want mobile approvals;;05.11.2026\n",
    )
    .unwrap();
    let before = server.get_json("/api/v1/evidence").as_array().unwrap().len();
    let fill_import = |strict: bool| {
        browser.open(&server.url("/evidence/import"));
        browser.wait_for("Import evidence from CSV");
        browser.attach("input[name=file]", csv.path());
        browser.fill("input[name=delimiter]", ";");
        browser.fill("input[name=date_format]", "%d.%m.%Y");
        for (field, column) in [
            ("kind_column", "Type"),
            ("summary_column", "Quote"),
            ("customer_column", "Client"),
            ("date_column", "When"),
        ] {
            browser.fill(&format!("input[name={field}]"), column);
        }
        if strict {
            browser.click("input[name=strict]");
        }
        browser.click("form.import-form button[type=submit]");
    };
    fill_import(true);
    let refused = browser.wait_for("Nothing was imported");
    assert!(refused.contains("<td class=\"num\">3</td>") && refused.contains("rumour"), "line 3 is named: {refused}");
    assert_eq!(server.get_json("/api/v1/evidence").as_array().unwrap().len(), before, "nothing was written");
    fill_import(false);
    let imported = browser.wait_for("Pieces recorded");
    assert!(imported.contains("<dt>Pieces recorded</dt><dd>2</dd>"), "{imported}");
    browser.screenshot_now(&shots.join("evidence-import.png"), 900);
    assert_eq!(server.get_json("/api/v1/evidence").as_array().unwrap().len(), before + 2);

    let after = browser.dom(&server.url("/initiatives/16"));
    assert!(!after.contains("it is an opinion"), "backed by evidence now");
    assert!(after.contains("Customers asking") && after.contains("Globex"));
    browser.open(&server.url("/initiatives/1#evidence"));
    browser.screenshot_now(&shots.join("initiative-evidence.png"), 1400);

    // Priorities: ranked from the evidence, and what-if weights re-rank without storing.
    let rice = browser.dom(&server.url("/priorities"));
    assert!(rice.contains("<h1>Priorities</h1>") && rice.contains("confidence: 0, no evidence (an opinion)"));
    browser.screenshot_now(&shots.join("priorities.png"), 1600);
    browser.select("select[name=method]", "value_effort");
    browser.click("form[action=\"/priorities\"] button[type=submit]");
    let by_value = browser.wait_for("selected=\"\">Value ÷ effort");
    assert!(!by_value.contains("reach: "), "value ÷ effort does not weigh reach");
}

/// A proposal's print-ready brief, as `leadup proposal brief --format html` writes it, opened
/// in Chromium: claims with their citations, opinions marked, the numbers and the sources.
#[test]
fn a_proposal_brief_in_chromium() {
    let Some(browser) = Browser::start() else {
        skip("Chromium and ChromeDriver are not installed (scripts/test installs them)");
        return;
    };
    let db = TestDatabase::sqlite();
    for (kind, summary) in [
        ("support_ticket", "Refunds take two weeks to reach my card"),
        ("usage_metric", "Refund status is the top reason for tickets (31%)"),
    ] {
        let added = support::leadup(
            &db.url,
            &["evidence", "add", "--kind", kind, "--summary", summary, "--customer", "Globex"],
        );
        assert!(added.status.success());
    }
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/proposal/instant-refunds.json");
    let out = support::leadup(&db.url, &["proposal", "brief", file, "--format", "html", "--today", "2026-11-23"]);
    assert!(out.status.success(), "{}", support::stderr(&out));
    let page = tempfile::Builder::new().suffix(".html").tempfile().expect("a file for the brief");
    std::fs::write(page.path(), &out.stdout).expect("the brief is saved");
    let dom = browser.dom(&format!("file://{}", page.path().display()));
    assert!(dom.contains("<h1>Instant refunds to the card</h1>"));
    assert_eq!(dom.matches("class=\"opinion\"").count(), 3);
    assert_eq!(dom.matches("<sup>[").count(), 4, "problem [1][2], customers [1], employees [2]");
    assert!(dom.contains("Unaligned: this proposal serves no objective."));
    browser.screenshot_now(&screenshot_dir().join("proposal-brief.png"), 1700);
}

/// Administration in Chromium: Avery (the demo's administrator) adds a person, whose
/// generated password is shown once, and gives them a role in Payments; an address already
/// taken is named and nothing is added; the new person signs in with that password and works in
/// Payments; a member sees no administration and is refused it.
#[test]
fn administration_in_chromium() {
    let Some(browser) = Browser::start() else {
        skip("Chromium and ChromeDriver are not installed (scripts/test installs them)");
        return;
    };
    let db = TestDatabase::sqlite();
    let server = Server::start(&db.url, "demo");
    let shots = screenshot_dir();
    let avery = "avery.admin@example.com";
    browser.sign_in(&server.url(""), avery, server.password(avery));
    browser.click("a[href=\"/admin\"]");
    let page = browser.wait_for("Give or take a role");
    assert!(page.contains("Sofia Marchetti") && page.contains("manager of Payments"), "{page}");

    // An address already taken is named, and nothing is added.
    browser.fill("#add input[name=email]", "sofia.marchetti@example.com");
    browser.fill("#add input[name=name]", "Noor Haddad");
    browser.click("#add button[type=submit]");
    let refused = browser.wait_for("Nothing was changed");
    assert!(refused.contains("a user with the email 'sofia.marchetti@example.com' already exists"), "{refused}");
    assert!(!refused.contains("noor.haddad@example.com"));

    browser.fill("#add input[name=email]", "noor.haddad@example.com");
    browser.click("#add button[type=submit]");
    let created = browser.wait_for("Account created for Noor Haddad");
    let password = created
        .split("<code class=\"secret\">")
        .nth(1)
        .and_then(|rest| rest.split("</code>").next())
        .expect("the password is shown")
        .to_owned();
    assert_eq!(password.len(), 29, "five groups of five: {password}");
    let noor =
        created.split("<option value=\"").skip(1).find(|o| o.contains("Noor Haddad (")).expect("Noor is offered");
    let noor = noor.split('"').next().unwrap().to_owned();
    browser.select("#roles select[name=user]", &noor);
    browser.select("#roles select[name=team]", &server.team_id("Payments").to_string());
    browser.select("#roles select[name=role]", "member");
    browser.click("#roles button[type=submit]");
    let saved = browser.wait_for("member of Payments");
    assert!(saved.contains("noor.haddad@example.com"));
    browser.screenshot_now(&shots.join("administration.png"), 1500);

    // An administrator may write any team's proposals: one menu offers them all.
    let proposals = browser.dom(&server.url("/proposals"));
    assert!(!proposals.contains("New proposal for "), "one menu, not a button per team");
    browser.click("details.menu summary");
    let menu = browser.wait_for("for Payments");
    assert!(menu.contains(&format!("href=\"/teams/{}/proposals/new\"", server.team_id("Payments"))), "{menu}");
    browser.screenshot_now(&shots.join("proposals-menu.png"), 500);

    browser.sign_out();
    browser.sign_in(&server.url(""), "noor.haddad@example.com", &password);
    let payments = server.team_id("Payments");
    let dashboard = browser.dom(&server.url(&format!("/teams/{payments}")));
    assert!(dashboard.contains("Payments") && !dashboard.contains("href=\"/admin\""), "{dashboard}");
    let denied = browser.dom(&server.url("/admin"));
    assert!(denied.contains("403"), "a member is refused the administration: {denied}");

    // Noor replaces the generated password: a wrong current one is refused, then it works.
    let chosen = "kestrel orbit lantern 42";
    browser.open(&server.url("/account"));
    browser.fill("input[name=current_password]", "not my password at all");
    browser.fill("input[name=new_password]", chosen);
    browser.fill("input[name=repeat_password]", chosen);
    browser.click("form[action=\"/account/password\"] button[type=submit]");
    browser.wait_for("Current password: it is not your password.");
    browser.fill("input[name=current_password]", &password);
    browser.fill("input[name=new_password]", chosen);
    browser.fill("input[name=repeat_password]", chosen);
    browser.click("form[action=\"/account/password\"] button[type=submit]");
    browser.wait_for("Your password was changed.");
    browser.screenshot_now(&shots.join("account-password.png"), 900);
    browser.sign_out();
    browser.fill("input[name=email]", "noor.haddad@example.com");
    browser.fill("input[name=password]", &password);
    browser.click("form[action=\"/login\"] button[type=submit]");
    browser.wait_for("The email address or the password is wrong.");
    browser.sign_in(&server.url(""), "noor.haddad@example.com", chosen);
    assert!(browser.dom(&server.url("/account")).contains("Noor Haddad"), "signed in with the new password");
}
