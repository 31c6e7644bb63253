//! The server's log and metrics as an operator reads them, through the real binary: one JSON
//! event per request naming its method, route template, status, latency and user, and no
//! password, token, cookie or CSRF token anywhere in what the server writes.

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use leadup_store::testing::TestDatabase;
use serde_json::Value;
use support::{Server, leadup, leadup_with_input, stderr, stdout};

const ADA: &str = "ada@example.com";
const PASSWORD: &str = "plum-orchard-lantern-42";

/// A workspace with one team and Ada, who signs in with [`PASSWORD`]; returns Ada's id.
fn workspace(url: &str) -> i64 {
    assert!(leadup(url, &["init", "--name", "Acme"]).status.success());
    assert!(leadup(url, &["team", "add", "--name", "Payments"]).status.success());
    let add = leadup_with_input(url, &["user", "add", ADA, "--name", "Ada", "--password-stdin", "--json"], PASSWORD);
    assert!(add.status.success(), "{}", stderr(&add));
    serde_json::from_str::<Value>(&stdout(&add)).expect("JSON")["id"].as_i64().expect("Ada's id")
}

/// Posts the sign-in form `form` without credentials: the whole response.
fn sign_in(server: &Server, form: &str) -> String {
    server.raw(
        &format!(
            "POST /login HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            server.addr,
            form.len()
        ),
        form.as_bytes(),
    )
}

/// The request events of `server`'s log once the one on `last` is there, every line parsed
/// as JSON.
fn request_events(server: &Server, last: &str) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let lines = server.log.lock().unwrap().clone();
        let events: Vec<Value> = lines
            .iter()
            .map(|line| {
                serde_json::from_str(line).unwrap_or_else(|e| panic!("a log line that is not JSON ({e}): {line}"))
            })
            .collect();
        let requests: Vec<Value> = events.into_iter().filter(|e| e["target"] == "leadup::http").collect();
        if requests.iter().any(|e| e["route"] == last) {
            return requests;
        }
        assert!(Instant::now() < deadline, "no request on {last} logged: {lines:#?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The one event of `method` on `route` with `status`.
fn event<'a>(events: &'a [Value], method: &str, route: &str, status: u16) -> &'a Value {
    let found: Vec<&Value> =
        events.iter().filter(|e| e["method"] == method && e["route"] == route && e["status"] == status).collect();
    assert_eq!(found.len(), 1, "one {method} {route} {status} in {events:#?}");
    found[0]
}

fn json_logs_name_each_request_and_hold_no_secret(url: &str) {
    let ada = workspace(url);
    let server = Server::start_with(url, "serve", &["--log-format", "json"]);
    let users: Value = serde_json::from_str(&stdout(&leadup(url, &["user", "list", "--json"]))).expect("JSON");
    let admin = users
        .as_array()
        .expect("users")
        .iter()
        .find(|u| u["email"] == "test-admin@example.com")
        .expect("the administrator")["user_id"]
        .as_i64()
        .unwrap();
    let team = server.team_id("Payments");

    let signed_in = sign_in(&server, &format!("email={}&password={PASSWORD}&next=%2Fteams", ADA.replace('@', "%40")));
    assert!(signed_in.starts_with("HTTP/1.1 303"), "{signed_in}");
    let cookie = signed_in
        .lines()
        .find_map(|line| line.strip_prefix("set-cookie: leadup_session="))
        .and_then(|rest| rest.split(';').next())
        .expect("a session cookie")
        .to_owned();
    let page = server.raw(
        &format!(
            "GET /teams?sort=name HTTP/1.1\r\nHost: {}\r\nCookie: leadup_session={cookie}\r\nConnection: close\r\n\r\n",
            server.addr
        ),
        b"",
    );
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    let csrf = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a CSRF token")
        .to_owned();
    let signed_out = format!("csrf={csrf}");
    let out = server.raw(
        &format!(
            "POST /logout HTTP/1.1\r\nHost: {}\r\nCookie: leadup_session={cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            server.addr,
            signed_out.len()
        ),
        signed_out.as_bytes(),
    );
    assert!(out.starts_with("HTTP/1.1 303"), "{out}");
    let (status, _) = server.get(&format!("/api/v1/teams/{team}?token={}", server.token));
    assert_eq!(status, 200);
    assert_eq!(server.get_anonymous("/no/such/page?password=x").0, 404);

    let events = request_events(&server, "(unmatched)");
    let login = event(&events, "POST", "/login", 303);
    assert_eq!(login["user_id"], Value::Null, "nobody was signed in when signing in");
    assert_eq!(event(&events, "GET", "/teams", 200)["user_id"], ada);
    assert_eq!(event(&events, "POST", "/logout", 303)["user_id"], ada);
    assert_eq!(event(&events, "GET", "/api/v1/teams/{id}", 200)["user_id"], admin);
    assert_eq!(event(&events, "GET", "(unmatched)", 404)["user_id"], Value::Null);
    for event in &events {
        assert_eq!(event["level"], "INFO", "{event}");
        assert_eq!(event["message"], "request", "{event}");
        assert!(event["latency_ms"].as_f64().is_some_and(|ms| ms >= 0.0), "{event}");
        assert!(event["timestamp"].is_string(), "{event}");
    }

    let log = server.log.lock().unwrap().join("\n");
    let errors = server.stderr.lock().unwrap().join("\n");
    for (what, secret) in
        [("password", PASSWORD), ("token", server.token.as_str()), ("session cookie", &cookie), ("CSRF token", &csrf)]
    {
        assert!(!log.contains(secret), "the {what} is in the log");
        assert!(!errors.contains(secret), "the {what} is on standard error");
    }
    assert!(!log.contains("sort=name"), "no query string is logged");
}

#[test]
fn json_logs_name_each_request_and_hold_no_secret_on_sqlite() {
    json_logs_name_each_request_and_hold_no_secret(&TestDatabase::sqlite().url);
}

#[tokio::test]
async fn json_logs_name_each_request_and_hold_no_secret_on_postgres() {
    let Some(db) = TestDatabase::postgres().await else { return };
    let url = db.url.clone();
    tokio::task::spawn_blocking(move || json_logs_name_each_request_and_hold_no_secret(&url)).await.unwrap();
}

#[test]
fn a_log_level_that_is_not_one_is_refused_by_name() {
    let db = TestDatabase::sqlite();
    assert!(leadup(&db.url, &["init", "--name", "Acme"]).status.success());
    let refused = leadup(&db.url, &["serve", "--bind", "127.0.0.1:0", "--log-level", "loud"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(stderr(&refused).contains("'loud' is not a level"), "{}", stderr(&refused));
}

const CSV: &str = "\
id,created,started,done,title
T-1,2026-03-01,2026-03-02,2026-03-04,Login page
T-2,2026-03-01,2026-03-03,2026-03-10,Sign-up e-mails
T-3,2026-03-06,2026-03-09,,Export to CSV
T-4,not a date,,,Broken row
";
const IMPORT: &str = "format=csv&key=id&created=created&started=started&done=done&title=title";

/// The address `--metrics-listen` serves on, as the server said after starting.
fn metrics_address(server: &Server) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let said = server.startup.iter().chain(server.stderr.lock().unwrap().iter()).find_map(|line| {
            line.strip_prefix("leadup: Prometheus metrics at ")
                .and_then(|rest| rest.split("/metrics").next())
                .map(str::to_owned)
        });
        if let Some(address) = said {
            return address;
        }
        assert!(Instant::now() < deadline, "the server did not say where its metrics are");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `GET path` on `address`: (status, body).
fn get(address: &str, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(address).expect("the metrics listener answers");
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, response.split_once("\r\n\r\n").map(|(_, body)| body.to_owned()).unwrap_or_default())
}

/// The value of the sample `series` (name and labels, as written) in a scrape.
fn sample(scrape: &str, series: &str) -> Option<String> {
    scrape.lines().find_map(|line| line.strip_prefix(series)?.strip_prefix(' ').map(str::to_owned))
}

/// Scrapes until `series` is `value` (background work counts in its own time), then the scrape.
fn scrape_when(address: &str, series: &str, value: &str) -> String {
    let deadline = Instant::now() + Duration::from_mins(1);
    loop {
        let (status, scrape) = get(address, "/metrics");
        assert_eq!(status, 200, "{scrape}");
        if sample(&scrape, series).as_deref() == Some(value) {
            return scrape;
        }
        assert!(Instant::now() < deadline, "{series} is not {value}:\n{scrape}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn metrics_count_exactly_what_happened(url: &str) {
    workspace(url);
    let server = Server::start_with(url, "serve", &["--metrics-listen", "127.0.0.1:0"]);
    let metrics = metrics_address(&server);
    let team = server.team_id("Payments");
    // The forecasts of every team are refreshed once at start.
    scrape_when(&metrics, "leadup_forecast_refreshes_total", "1");

    for _ in 0..3 {
        assert_eq!(server.get(&format!("/api/v1/teams/{team}")).0, 200);
    }
    assert_eq!(server.get("/api/v1/teams/999999").0, 404);
    let (status, report) = server.post(&format!("/api/v1/teams/{team}/imports?{IMPORT}"), "text/csv", CSV.as_bytes());
    assert_eq!(status, 200, "{report}");
    assert_eq!(serde_json::from_str::<Value>(&report).unwrap()["inserted"], 3, "{report}");
    let wrong = format!("email={}&password=not-her-password", ADA.replace('@', "%40"));
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(sign_in(&server, &wrong).split(' ').nth(1).and_then(|s| s.parse::<u16>().ok()).unwrap_or(0));
    }
    assert_eq!(statuses, [401, 401, 401, 401, 401, 429]);
    assert_eq!(server.get("/metrics").0, 404, "no metrics on the public port");
    assert_eq!(get(&metrics, "/healthz").0, 404, "the metrics listener serves nothing else");

    // The import asked for one more refresh, of its team.
    let scrape = scrape_when(&metrics, "leadup_forecast_refreshes_total", "2");
    let team_route = "method=\"GET\",route=\"/api/v1/teams/{id}\"";
    for (series, value) in [
        (format!("leadup_http_requests_total{{{team_route},status=\"2xx\"}}"), "3"),
        (format!("leadup_http_requests_total{{{team_route},status=\"4xx\"}}"), "1"),
        (format!("leadup_http_request_duration_seconds_count{{{team_route}}}"), "4"),
        (format!("leadup_http_request_duration_seconds_bucket{{{team_route},le=\"+Inf\"}}"), "4"),
        (
            "leadup_http_requests_total{method=\"POST\",route=\"/api/v1/teams/{id}/imports\",status=\"2xx\"}"
                .to_owned(),
            "1",
        ),
        ("leadup_http_requests_total{method=\"POST\",route=\"/login\",status=\"4xx\"}".to_owned(), "6"),
        ("leadup_http_requests_total{method=\"GET\",route=\"(unmatched)\",status=\"4xx\"}".to_owned(), "1"),
        ("leadup_import_rows_total".to_owned(), "3"),
        ("leadup_forecast_refresh_failures_total".to_owned(), "0"),
        ("leadup_sign_ins_throttled_total{reason=\"wait\"}".to_owned(), "1"),
        ("leadup_sign_ins_throttled_total{reason=\"busy\"}".to_owned(), "0"),
        ("leadup_delivery_attempts_total{outcome=\"sent\"}".to_owned(), "0"),
        ("leadup_delivery_attempts_total{outcome=\"failed\"}".to_owned(), "0"),
    ] {
        assert_eq!(sample(&scrape, &series).as_deref(), Some(value), "{series} in\n{scrape}");
    }
    assert!(scrape.contains("# TYPE leadup_http_request_duration_seconds histogram"), "{scrape}");
    assert!(!scrape.contains("999999") && !scrape.contains("not-her-password"), "no path or input becomes a label");
}

#[test]
fn metrics_count_exactly_what_happened_on_sqlite() {
    metrics_count_exactly_what_happened(&TestDatabase::sqlite().url);
}

#[tokio::test]
async fn metrics_count_exactly_what_happened_on_postgres() {
    let Some(db) = TestDatabase::postgres().await else { return };
    let url = db.url.clone();
    tokio::task::spawn_blocking(move || metrics_count_exactly_what_happened(&url)).await.unwrap();
}

#[test]
fn metrics_are_off_unless_asked_for() {
    let db = TestDatabase::sqlite();
    workspace(&db.url);
    let server = Server::start(&db.url, "serve");
    assert_eq!(server.get("/metrics").0, 404);
    // Where the metrics would be is said before the SMTP settings.
    let deadline = Instant::now() + Duration::from_secs(20);
    while !server.stderr.lock().unwrap().iter().any(|line| line.contains("no SMTP server configured")) {
        assert!(Instant::now() < deadline, "the server did not say how it sends e-mail");
        std::thread::sleep(Duration::from_millis(50));
    }
    let said = server.stderr.lock().unwrap().clone();
    assert!(!said.iter().chain(&server.startup).any(|line| line.contains("metrics")), "{said:?}");
}
