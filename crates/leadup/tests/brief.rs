//! The executive brief on the demo, on SQLite and PostgreSQL: its figures are those of each
//! initiative's page and the API (`/initiatives/{id}/progress` and `/forecasts`); the third
//! brief to Mateo Fernández says what changed since the demo's second; `leadup brief` prints it
//! as Markdown and HTML and writes it as a PDF whose text reads back with the same figures; bad
//! input is refused naming the flag; only the team's managers and the executive it was sent to
//! read a stored brief; and hostile titles pass through no format raw.

mod support;

use leadup_store::testing::TestDatabase;
use serde_json::{Value, json};
use support::{Server, leadup, pdf_pages, pdf_text, stderr, stdout, token_of};

const MATEO: &str = "mateo.fernandez@example.com";

/// `Some(())` when each of `headings` starts a line of `text`, in this order.
fn in_order(text: &str, headings: &[&str]) -> Option<()> {
    let lines: Vec<&str> = text.lines().map(str::trim_start).collect();
    let mut next = 0;
    for heading in headings {
        next += lines[next..].iter().position(|l| l.starts_with(heading))? + 1;
    }
    Some(())
}
const SOFIA: &str = "sofia.marchetti@example.com";
const PRIYA: &str = "priya.raman@example.com";

fn chance(value: &Value) -> String {
    value.as_f64().map_or_else(|| "–".to_owned(), |p| format!("{:.0}%", p * 100.0))
}

/// Whether `day` (an ISO date) falls in `period` (`start` and `end`).
fn in_period_day(day: &Value, period: &Value) -> bool {
    let (Some(day), Some(start), Some(end)) = (day.as_str(), period["start"].as_str(), period["end"].as_str()) else {
        return false;
    };
    start <= day && day <= end
}

fn text(value: &Value) -> String {
    value.as_str().map_or_else(|| "–".to_owned(), str::to_owned)
}

fn the_brief_agrees(url: &str) {
    let server = Server::start(url, "demo");
    let (sofia, mateo, priya) = (token_of(url, SOFIA), token_of(url, MATEO), token_of(url, PRIYA));
    let payments = server.team_id("Payments");
    let (_, me) = server.get_as(&mateo, "/api/v1/me");
    let me: Value = serde_json::from_str(&me).unwrap();
    let mateo_id = me["user_id"].as_i64().or_else(|| me["id"].as_i64()).unwrap_or_else(|| panic!("{me}"));

    // The demo's two briefs, sent four and two weeks ago, as they were.
    let (status, first) = server.get_as(&mateo, "/api/v1/briefs/1");
    assert_eq!(status, 200, "{first}");
    let first: Value = serde_json::from_str(&first).unwrap();
    let (_, second) = server.get_as(&sofia, "/api/v1/briefs/2");
    let second: Value = serde_json::from_str(&second).unwrap();
    assert_eq!((first["status"].as_str(), second["status"].as_str()), (Some("sent"), Some("sent")));
    assert_eq!(second["content"]["since"]["brief_id"], 1, "{}", second["content"]["since"]);
    assert!(first["content"]["since"].is_null());

    // Today's, generated through the API by the manager and kept as a draft.
    let body = format!(
        r#"{{"stakeholder_id": {mateo_id}, "team_id": {payments}, "status": "draft", "note": "Ten minutes on Monday?"}}"#
    );
    let (status, created) = server.post_json_as(&sofia, "/api/v1/briefs", &body);
    assert_eq!(status, 201, "{created}");
    let created: Value = serde_json::from_str(&created).unwrap();
    let brief = &created["content"];
    assert_eq!(created["status"], "draft");
    assert_eq!(brief["since"]["brief_id"], 2, "changes are against the last brief sent: {}", brief["since"]);
    assert_eq!(brief["note"], "Ten minutes on Monday?");

    // Every initiative's figures are those of its page and the API.
    let lines = brief["initiatives"].as_array().unwrap();
    assert!(lines.len() >= 3, "{lines:?}");
    let mut forecast = 0;
    for line in lines {
        let id = line["id"].as_i64().unwrap();
        let progress = server.get_json(&format!("/api/v1/initiatives/{id}/progress"));
        let history = server.get_json(&format!("/api/v1/initiatives/{id}/forecasts"));
        let latest = history.as_array().unwrap().last().unwrap();
        let what = format!("{} ({id})", line["title"]);
        assert_eq!(line["state"], progress["state"], "{what}");
        assert_eq!(line["items"], progress["items"], "{what}");
        assert_eq!(line["done"], progress["done"], "{what}");
        assert_eq!(line["target"], progress["target"], "{what}");
        assert_eq!(line["probability_by_target"], progress["probability_by_target"], "{what}");
        assert_eq!(line["probability_by_target"], latest["probability_by_target"], "{what}");
        assert_eq!(line["forecast_as_of"], latest["as_of"], "{what}");
        if latest["dates"].is_object() {
            assert_eq!(line["p50"], latest["dates"]["p50"], "{what}");
            assert_eq!(line["p85"], latest["dates"]["p85"], "{what}");
            assert_eq!(line["p85"], progress["forecast"]["dates"]["p85"], "{what}");
            forecast += 1;
        }
    }
    assert!(forecast >= 3, "{forecast} initiatives with a forecast");
    // Compared with the brief of two weeks ago, from the forecasts stored then.
    let then = second["content"]["initiatives"].as_array().unwrap();
    let mut compared = 0;
    for line in lines {
        let Some(old) = then.iter().find(|o| o["id"] == line["id"]) else { continue };
        if let (Some(now), Some(was)) = (line["p85"].as_str(), old["p85"].as_str()) {
            let days = (leadup_core::date::parse(now).unwrap() - leadup_core::date::parse(was).unwrap()).whole_days();
            assert_eq!(line["since_last"]["p85_days"].as_i64(), Some(days), "{line}");
            compared += 1;
        }
    }
    assert!(compared >= 2, "{compared} initiatives compared with the last brief");
    // Exceptions first: no initiative follows one in a better state.
    let rank = |state: &str| match state {
        "off_track" | "target_passed" => 0,
        "at_risk" => 1,
        "no_forecast" => 2,
        "on_track" | "forecast" => 3,
        "no_items" => 4,
        _ => 5,
    };
    let ranks: Vec<i32> = lines.iter().map(|l| rank(l["state"].as_str().unwrap())).collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{ranks:?}");
    // The key results moved since the last brief; the open change request and the presented
    // proposal wait for Mateo's decision.
    let volume =
        brief["key_results"].as_array().unwrap().iter().find(|k| k["metric"] == "Monthly payment volume").unwrap();
    assert_eq!((volume["current"].as_f64(), volume["previous"].as_f64()), (Some(236.0), Some(228.0)));
    let decisions: Vec<&str> =
        brief["decisions"].as_array().unwrap().iter().map(|d| d["kind"].as_str().unwrap()).collect();
    // What waits for Mateo about Payments: his inbox narrowed to the team.
    let mut kinds = decisions.clone();
    kinds.sort_unstable();
    assert_eq!(kinds, ["change_request_sign_off", "plan_approval", "proposal_decision"], "{}", brief["decisions"]);
    let since: Vec<&str> =
        brief["decisions"].as_array().unwrap().iter().map(|d| d["since"].as_str().unwrap()).collect();
    assert!(since.windows(2).all(|w| w[0] <= w[1]), "oldest first: {since:?}");
    let (_, inbox) = server.get_as(&mateo, "/api/v1/inbox");
    let inbox: Value = serde_json::from_str(&inbox).unwrap();
    let in_inbox = inbox.as_array().unwrap().iter().filter(|i| i["team_id"] == payments).count();
    assert_eq!(in_inbox, decisions.len(), "{inbox}");
    // The headline and the progress against the baseline are the plan page's.
    let plans = server.get_json(&format!("/api/v1/teams/{payments}/plans"));
    let plan = plans[0]["id"].as_i64().unwrap();
    let plan_progress = server.get_json(&format!("/api/v1/plans/{plan}/progress"));
    assert_eq!(brief["headline"]["state"], plan_progress["headline"]["state"], "{plan_progress}");
    assert_eq!(brief["headline"]["reason"], plan_progress["headline"]["reason"]);
    let mut committed = 0;
    for item in plan_progress["items"].as_array().unwrap() {
        let line = lines.iter().find(|l| l["id"] == item["initiative_id"]).expect("every committed initiative");
        assert_eq!(line["committed"]["target_date"], item["target"], "{line}");
        assert_eq!(line["committed"]["p85_change_days"], item["p85_change_days"], "{line}");
        assert_eq!(line["committed"]["chance_change"], item["chance_change"], "{line}");
        committed += 1;
    }
    assert!(committed >= 3, "{plan_progress}");
    let requests = brief["change_requests"].as_array().unwrap();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(requests[0]["filed_by"], "Kwame Mensah");
    assert!(requests[0]["delay_days"].as_i64().unwrap() >= 0);
    let untracked: Vec<&str> =
        brief["not_tracked"].as_array().unwrap().iter().map(|s| s["title"].as_str().unwrap()).collect();
    assert!(untracked.is_empty(), "commitments and wins are tracked: {untracked:?}");
    // The wins are the team's confirmed wins of the period, naming the people credited.
    let (status, team_wins) = server.get_as(&sofia, &format!("/api/v1/teams/{payments}/wins"));
    assert_eq!(status, 200, "{team_wins}");
    let team_wins: Value = serde_json::from_str(&team_wins).unwrap();
    let confirmed: Vec<&Value> = team_wins["wins"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["status"] == "confirmed" && in_period_day(&w["achieved_on"], &brief["period"]))
        .collect();
    let brief_wins = brief["wins"].as_array().unwrap();
    assert_eq!(brief_wins.len(), confirmed.len(), "{brief_wins:?} against {confirmed:?}");
    for (line, win) in brief_wins.iter().zip(&confirmed) {
        assert_eq!((&line["id"], &line["title"]), (&win["id"], &win["title"]));
        let credited: Vec<&Value> = win["credits"].as_array().unwrap().iter().map(|c| &c["name"]).collect();
        assert_eq!(line["credited"].as_array().unwrap().iter().collect::<Vec<_>>(), credited);
    }
    // The team's commitments due in the period and met in it are the ledger's.
    let period = (brief["period"]["start"].as_str().unwrap(), brief["period"]["end"].as_str().unwrap());
    let in_period = |day: &Value| day.as_str().is_some_and(|d| period.0 <= d && d <= period.1);
    let (status, ledger) = server.get_as(&sofia, &format!("/api/v1/teams/{payments}/commitments"));
    assert_eq!(status, 200, "{ledger}");
    let ledger: Value = serde_json::from_str(&ledger).unwrap();
    let ledger = ledger.as_array().unwrap();
    let ids = |key: &str| brief[key].as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect::<Vec<_>>();
    let mut due: Vec<i64> =
        ledger.iter().filter(|c| in_period(&c["current_due"])).map(|c| c["id"].as_i64().unwrap()).collect();
    due.sort_unstable();
    let mut brief_due = ids("commitments_due");
    brief_due.sort_unstable();
    assert_eq!(brief_due, due, "{ledger:?}");
    for line in brief["commitments_due"].as_array().unwrap().iter().chain(brief["commitments_met"].as_array().unwrap())
    {
        let stored = ledger.iter().find(|c| c["id"] == line["id"]).unwrap();
        assert_eq!((&line["statement"], &line["confidence"]), (&stored["statement"], &stored["confidence"]), "{line}");
        assert_eq!(line["chance_now"], stored["chance_now"], "{line}");
    }
    // The track record is the credibility report's over the 12 months to the period's end.
    let to = leadup_core::date::parse(period.1).unwrap();
    let from = leadup_core::date::format(to - time::Duration::days(364));
    let uri = format!("/api/v1/teams/{payments}/credibility?from={from}&to={}", period.1);
    let (status, report) = server.get_as(&sofia, &uri);
    assert_eq!(status, 200, "{report}");
    let report: Value = serde_json::from_str(&report).unwrap();
    let record = &brief["track_record"];
    assert_eq!((&record["from"], &record["to"]), (&json!(from), &json!(period.1)), "{record}");
    for (shown, counted) in [
        ("closed", "commitments"),
        ("kept_on_time", "kept_on_time"),
        ("renegotiated_early", "renegotiated_early"),
        ("missed", "missed"),
        ("dropped", "dropped"),
        ("on_time_rate", "on_time_rate"),
        ("brier", "brier"),
    ] {
        assert_eq!(record[shown], report[counted], "{shown}: {record} against {report}");
    }
    assert!(record["closed"].as_u64().unwrap() > 0, "the demo's year of commitments: {record}");
    let without =
        format!(r#"{{"stakeholder_id": {mateo_id}, "team_id": {payments}, "status": "draft", "track_record": false}}"#);
    let (status, left_out) = server.post_json_as(&sofia, "/api/v1/briefs", &without);
    assert_eq!(status, 201, "{left_out}");
    assert!(serde_json::from_str::<Value>(&left_out).unwrap()["content"]["track_record"].is_null(), "{left_out}");

    // Who reads a stored brief: the team's managers, and the executive once it is sent (a
    // draft waits for the manager's review).
    let id = created["id"].as_i64().unwrap();
    let (status, refused) = server.get_as(&mateo, &format!("/api/v1/briefs/{id}"));
    assert!(status == 403 && refused.contains("draft"), "{status} {refused}");
    assert_eq!(server.get_as(&mateo, "/api/v1/briefs/2").0, 200, "a sent one is his");
    assert_eq!(server.get_as(&sofia, &format!("/api/v1/briefs/{id}")).0, 200);
    assert_eq!(server.get_as(&priya, &format!("/api/v1/briefs/{id}")).0, 403, "another executive of the team");
    assert_eq!(server.get(&format!("/api/v1/briefs/{id}")).0, 403, "an administrator");
    let (status, refused) = server.post_json_as(&mateo, "/api/v1/briefs", &body);
    assert_eq!(status, 403, "an executive does not write briefs: {refused}");
    let not_exec =
        format!(r#"{{"stakeholder_id": {mateo_id}, "team_id": {}}}"#, server.team_id("Approvals & Workflow"));
    let (status, _) = server.post_json_as(&sofia, "/api/v1/briefs", &not_exec);
    assert_eq!(status, 403, "Sofia manages only Payments");
    let sofia_id = serde_json::from_str::<Value>(&server.get_as(&sofia, "/api/v1/me").1).unwrap()["user_id"].clone();
    let manager_as_stakeholder = format!(r#"{{"stakeholder_id": {sofia_id}, "team_id": {payments}}}"#);
    let (status, problem) = server.post_json_as(&sofia, "/api/v1/briefs", &manager_as_stakeholder);
    assert!(
        status == 422 && problem.contains("stakeholder_id") && problem.contains("not an executive of Payments"),
        "{status} {problem}"
    );
    let bad = format!(r#"{{"stakeholder_id": {mateo_id}, "team_id": {payments}, "days": 0}}"#);
    let (status, problem) = server.post_json_as(&sofia, "/api/v1/briefs", &bad);
    assert!(status == 422 && problem.contains("days"), "{status} {problem}");

    // The command line shows the same figures in every format.
    let markdown = leadup(url, &["brief", "--for", MATEO, "--format", "markdown"]);
    assert!(markdown.status.success(), "{}", stderr(&markdown));
    let markdown = stdout(&markdown);
    let html = leadup(url, &["brief", "--for", MATEO, "--team", "Payments", "--format", "html"]);
    assert!(html.status.success(), "{}", stderr(&html));
    let html = stdout(&html);
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("brief.pdf");
    let written = leadup(url, &["brief", "--for", MATEO, "--format", "pdf", "--out", pdf.to_str().unwrap()]);
    assert!(written.status.success(), "{}", stderr(&written));
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));
    let read_back = pdf_text(&pdf);
    for line in lines {
        let (p50, p85, chance) = (text(&line["p50"]), text(&line["p85"]), chance(&line["probability_by_target"]));
        assert!(markdown.contains(&format!("| {p50} | {p85} | {chance} |")), "{p50} {p85} {chance} in\n{markdown}");
        assert!(
            html.contains(&format!(r#"data-label="P85">{p85}</td><td class="n" data-label="Chance">{chance}</td>"#)),
            "{p85} {chance}"
        );
        if let Some(pdf_text) = &read_back {
            let row = pdf_text
                .lines()
                .find(|l| l.contains(&p50) && l.contains(&p85))
                .unwrap_or_else(|| panic!("{p50} {p85} in\n{pdf_text}"));
            assert!(row.contains(&chance), "{chance} in {row}");
        }
    }
    if let Some(pdf_text) = &read_back {
        assert!(pdf_text.contains("Payments · brief for Mateo Fernández"), "{pdf_text}");
        // Mateo's profile lists progress, risks, budget and decisions: those sections in that
        // order, then the others summed up in one line each.
        assert_eq!(
            in_order(pdf_text, &["INITIATIVES", "RISKS", "DECISIONS NEEDED FROM", "ALSO IN THIS PERIOD"]),
            Some(()),
            "{pdf_text}"
        );
        assert!(!pdf_text.contains("COMMITMENTS") && pdf_text.contains(" met; "), "{pdf_text}");
        assert!(pdf_text.contains("kept on time over 12 months\n"), "the track record summed up: {pdf_text}");
        assert_eq!(pdf_pages(&pdf), Some(1), "the demo brief is one A4 page");
    }
    assert_eq!(
        in_order(&markdown, &["## Initiatives", "## Risks", "## Decisions needed from", "## Also in this period"]),
        Some(()),
        "{markdown}"
    );
    assert!(
        !markdown.contains("## Change requests") && markdown.contains("- 1 change request this period\n"),
        "{markdown}"
    );
    // The track record is summed up with the commitments, unless the manager leaves it out.
    let rate = record["on_time_rate"].as_f64().unwrap();
    assert!(markdown.contains(&format!("met; {:.0}% kept on time over 12 months\n", rate * 100.0)), "{markdown}");
    let bare = leadup(url, &["brief", "--for", MATEO, "--format", "markdown", "--no-track-record"]);
    assert!(bare.status.success(), "{}", stderr(&bare));
    assert!(!stdout(&bare).contains("kept on time over 12 months"), "{}", stdout(&bare));

    // Priya's profile lists risks, change requests and budget: her brief puts them first.
    let priya_brief = leadup(url, &["brief", "--for", PRIYA, "--team", "Payments", "--format", "markdown"]);
    assert!(priya_brief.status.success(), "{}", stderr(&priya_brief));
    let priya_brief = stdout(&priya_brief);
    assert_eq!(
        in_order(&priya_brief, &["## Risks", "## Change requests", "## Initiatives", "## Also in this period"]),
        Some(()),
        "{priya_brief}"
    );
    assert!(!priya_brief.contains("## Decisions needed from"), "{priya_brief}");
    let priya_pdf = dir.path().join("priya.pdf");
    let written = leadup(
        url,
        &["brief", "--for", PRIYA, "--team", "Payments", "--format", "pdf", "--out", priya_pdf.to_str().unwrap()],
    );
    assert!(written.status.success(), "{}", stderr(&written));
    if let Some(pdf_text) = pdf_text(&priya_pdf) {
        assert_eq!(
            in_order(&pdf_text, &["RISKS", "CHANGE REQUESTS", "INITIATIVES", "ALSO IN THIS PERIOD"]),
            Some(()),
            "{pdf_text}"
        );
    }

    // The stored brief downloads as Markdown and PDF, as it was stored.
    let (status, md) = server.get_as(&sofia, &format!("/briefs/{id}/brief.md"));
    assert!(status == 200 && md.contains("Ten minutes on Monday?"), "{status} {md}");
    let (status, pdf_body) = server.get_bytes_as(&sofia, &format!("/briefs/{id}/brief.pdf"));
    assert!(status == 200 && pdf_body.starts_with(b"%PDF-"), "{status}");
    assert_eq!(server.get_as(&priya, &format!("/briefs/{id}/brief.pdf")).0, 403);

    // A PDF is not written to a terminal (`script` gives the command one).
    let binary = env!("CARGO_BIN_EXE_leadup");
    let on_terminal = std::process::Command::new("script")
        .args(["-qec", &format!("{binary} brief --for {MATEO} --format pdf"), "/dev/null"])
        .env("LEADUP_DATABASE_URL", url)
        .output();
    match on_terminal {
        Ok(out) => {
            let shown = String::from_utf8_lossy(&out.stdout).into_owned();
            assert!(shown.contains("--out: a PDF is not written to a terminal"), "{shown}");
            assert!(!shown.contains("%PDF"), "{shown}");
        }
        Err(_) => leadup_store::testing::skip("script (util-linux) is not installed"),
    }

    // Bad input names the flag and exits 2.
    for (args, expected) in [
        (vec!["--for", "nobody@example.com"], "--for: no user has the e-mail address 'nobody@example.com'"),
        (vec!["--for", MATEO, "--team", "Nope"], "--team: no team is named 'Nope'"),
        (
            vec!["--for", MATEO, "--team", "Approvals & Workflow"],
            "--team: Mateo Fernández is not an executive of Approvals & Workflow",
        ),
        (vec!["--for", SOFIA], "--for: Sofia Marchetti is an executive of no team"),
        (vec!["--for", PRIYA], "--team: Priya Raman is an executive of Payments, Platform"),
        (vec!["--for", MATEO, "--days", "0"], "--days: days must be a whole number from 1 to 366, not '0'"),
        (
            vec!["--for", MATEO, "--days", "two weeks"],
            "--days: days must be a whole number from 1 to 366, not 'two weeks'",
        ),
        (vec!["--for", MATEO, "--format", "docx"], "--format: 'docx' is not markdown, html or pdf"),
    ] {
        let out = leadup(url, &[&["brief"], args.as_slice()].concat());
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(expected), "{args:?}: {}", stderr(&out));
    }

    // A hostile title passes through no format raw.
    let hostile = "<script>alert(1)</script> [x](javascript:alert(1))";
    let target = lines[0]["id"].as_i64().unwrap();
    let renamed = leadup(url, &["initiative", "update", &target.to_string(), "--title", hostile]);
    assert!(renamed.status.success(), "{}", stderr(&renamed));
    let markdown = stdout(&leadup(url, &["brief", "--for", MATEO]));
    assert!(markdown.contains(r"\<script\>alert\(1\)\</script\> \[x\]\(javascript:alert\(1\)\)"), "{markdown}");
    assert!(!markdown.contains("<script>") && !markdown.contains("](javascript"), "{markdown}");
    let html = stdout(&leadup(url, &["brief", "--for", MATEO, "--format", "html"]));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !html.contains("<script>"));
    let written = leadup(url, &["brief", "--for", MATEO, "--format", "pdf", "--out", pdf.to_str().unwrap()]);
    assert!(written.status.success());
    if let Some(pdf_text) = pdf_text(&pdf) {
        assert!(pdf_text.contains("<script>alert(1)</script>"), "drawn as the text it is: {pdf_text}");
    }

    // By cadence: the demo drafted today's briefs, so none is due again today. Once a brief
    // is sent to Mateo (weekly), the next is drafted a week later, once.
    let due = |day: time::Date| {
        let out = leadup(url, &["brief", "due", "--today", &leadup_core::date::format(day), "--json"]);
        assert!(out.status.success(), "{}", stderr(&out));
        serde_json::from_str::<Value>(&stdout(&out)).unwrap()
    };
    let today = time::OffsetDateTime::now_utc().date();
    assert_eq!(due(today), serde_json::json!([]), "today's are drafted already");
    let sent = format!(r#"{{"stakeholder_id": {mateo_id}, "team_id": {payments}}}"#);
    let (status, sent) = server.post_json_as(&sofia, "/api/v1/briefs", &sent);
    assert_eq!(status, 201, "{sent}");
    let next_week = today + time::Duration::days(7);
    assert_eq!(due(next_week - time::Duration::days(1)), serde_json::json!([]), "not due before a week");
    let drafted = due(next_week);
    assert_eq!(drafted.as_array().map(Vec::len), Some(1), "{drafted}");
    assert_eq!(
        (&drafted[0]["stakeholder"], &drafted[0]["team"], &drafted[0]["status"]),
        (&Value::from("Mateo Fernández"), &Value::from("Payments"), &Value::from("draft"))
    );
    assert_eq!(due(next_week), serde_json::json!([]), "once");
    let bad = leadup(url, &["brief", "due", "--today", "next monday"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("--today: 'next monday' is not a date (YYYY-MM-DD)"), "{}", stderr(&bad));
}

#[test]
fn the_brief_agrees_with_every_surface_on_sqlite() {
    the_brief_agrees(&TestDatabase::sqlite().url);
}

#[tokio::test]
async fn the_brief_agrees_with_every_surface_on_postgres() {
    let Some(db) = TestDatabase::postgres().await else { return };
    let url = db.url.clone();
    tokio::task::spawn_blocking(move || the_brief_agrees(&url)).await.unwrap();
}
