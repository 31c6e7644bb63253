//! Every page of the navigation and the main pages below it, on the demo, as each kind of user
//! (an administrator, a team's manager, a member, an executive), in real headless Chromium at a
//! phone's width (390 px) and a wide screen's (1440 px): the document is never wider than the
//! window, no two labels of a chart overlap, and axe-core finds no serious or critical
//! violation. Pages a user may not open are visited too: the page that refuses them must pass
//! the same checks. Screenshots of each page for the manager go to `target/screenshots/layout/`.

mod support;

use leadup_store::testing::{TestDatabase, skip};
use support::Server;
use support::browser::{Browser, screenshot_dir};

/// The widths every page is checked at: a phone, and a wide screen.
const WIDTHS: [u32; 2] = [390, 1440];

/// The first address in `dom` that starts with `prefix` followed by a number, e.g.
/// `/plans/12` for `/plans/`.
fn first_link(dom: &str, prefix: &str) -> String {
    let needle = format!("href=\"{prefix}");
    dom.match_indices(&needle)
        .map(|(at, _)| dom[at + needle.len()..].chars().take_while(char::is_ascii_digit).collect::<String>())
        .find(|id| !id.is_empty())
        .map_or_else(|| panic!("the page links {prefix} with an id"), |id| format!("{prefix}{id}"))
}

/// The pages to check: the navigation, then the main pages below it, found by following the
/// demo's links as the Payments manager sees them.
fn pages(browser: &Browser, server: &Server) -> Vec<String> {
    let payments = server.team_id("Payments");
    let team = format!("/teams/{payments}");
    let plans = browser.dom(&server.url(&format!("{team}/plans")));
    let plan = first_link(&plans, "/plans/");
    let plan_page = browser.dom(&server.url(&plan));
    let roadmap = browser.dom(&server.url("/roadmap"));
    let evidence = browser.dom(&server.url("/evidence"));
    let proposals = browser.dom(&server.url("/proposals"));
    let briefs = browser.dom(&server.url("/briefs"));
    let stakeholders = browser.dom(&server.url("/stakeholders"));
    let mut pages: Vec<String> = [
        "/strategy",
        "/roadmap",
        "/roadmap?view=columns",
        "/teams",
        "/alignment",
        "/evidence",
        "/priorities",
        "/proposals",
        "/briefs",
        "/wins",
        "/inbox",
        "/account",
        "/admin",
        "/stakeholders",
        "/evidence/new",
        "/objectives/new",
        "/objectives/1/edit",
        "/no/such/page",
        "/roadmap?view=list",
    ]
    .map(str::to_owned)
    .to_vec();
    pages.extend(
        [
            "",
            "/plans",
            "/commitments",
            "/credibility",
            "/wins",
            "/process",
            "/import",
            "/share",
            "/briefs/new",
            "/initiatives/new",
            "/proposals/new",
        ]
        .map(|sub| format!("{team}{sub}")),
    );
    pages.push(format!("{plan}/change-requests/new"));
    pages.push(plan);
    let initiative = first_link(&roadmap, "/initiatives/");
    pages.push(format!("{initiative}/edit"));
    pages.push(initiative);
    pages.push(first_link(&evidence, "/evidence/"));
    pages.push(first_link(&proposals, "/proposals/"));
    pages.push(first_link(&briefs, "/briefs/"));
    pages.push(first_link(&stakeholders, "/stakeholders/"));
    if plan_page.contains("href=\"/change-requests/") {
        pages.push(first_link(&plan_page, "/change-requests/"));
    }
    pages
}

/// Checks every page for the demo user whose roles include `role`; the manager's pages are
/// also screenshotted.
fn check_as(role: &str) {
    let Some(browser) = Browser::start() else {
        skip("Chromium and ChromeDriver are not installed (scripts/test installs them)");
        return;
    };
    let db = TestDatabase::sqlite();
    let server = Server::start(&db.url, "demo");
    let manager = server.users.iter().find(|(_, _, roles)| roles.contains("manager of Payments")).unwrap().clone();
    browser.sign_in(&server.url(""), &manager.0, &manager.1);
    let pages = pages(&browser, &server);
    let (email, password, _) = server.users.iter().find(|(_, _, roles)| roles.contains(role)).unwrap().clone();
    if email != manager.0 {
        browser.sign_out();
        browser.sign_in(&server.url(""), &email, &password);
    }
    let shots = screenshot_dir().join("layout");
    std::fs::create_dir_all(&shots).unwrap();
    let mut problems = Vec::new();
    for width in WIDTHS {
        browser.resize(width, 900);
        for page in &pages {
            browser.open(&server.url(page));
            let dom = browser.source();
            assert!(!dom.contains("docs/permissions.md"), "{page} names a file of the repository");
            problems.extend(browser.layout_problems().into_iter().map(|p| format!("{page} at {width} px: {p}")));
            problems.extend(browser.axe().into_iter().map(|p| format!("{page} at {width} px: axe: {p}")));
            if role.contains("manager") {
                let name = page.trim_start_matches('/').replace(['/', '?', '='], "-");
                browser.screenshot_at(&shots.join(format!("{name}-{width}.png")), width, 1400);
                browser.resize(width, 900);
            }
        }
    }
    assert!(problems.is_empty(), "as the {role}, {} problems:\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn every_page_fits_and_passes_axe_for_a_manager() {
    check_as("manager of Payments");
}

#[test]
fn every_page_fits_and_passes_axe_for_a_member() {
    check_as("member of Payments");
}

#[test]
fn every_page_fits_and_passes_axe_for_an_executive() {
    check_as("executive of Payments");
}

#[test]
fn every_page_fits_and_passes_axe_for_an_administrator() {
    check_as("workspace administrator");
}
