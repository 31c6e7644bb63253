//! The JSON API through the real router (no socket): status codes, problem+json bodies
//! that name each bad field, and that a rejected request writes nothing.

use std::fmt::Write as _;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use leadup_core::account::UserInput;
use leadup_store::Store;
use leadup_store::testing::TestDatabase;
use leadup_web::{AppState, accounts, app};
use serde_json::{Value, json};
use tower::ServiceExt;

struct Api {
    store: Store,
    today: Option<time::Date>,
    /// A workspace administrator's API token, sent with every request.
    token: String,
    _db: TestDatabase,
}

struct Reply {
    status: StatusCode,
    content_type: String,
    location: Option<String>,
    body: Value,
}

impl Api {
    async fn new() -> Self {
        Self::over(TestDatabase::sqlite()).await
    }

    /// An API over `db`.
    async fn over(db: TestDatabase) -> Self {
        let store = Store::connect(&db.url).await.unwrap();
        let admin = UserInput { email: "admin@example.com".into(), name: "Admin".into(), is_admin: true };
        let user = accounts::create_user(&store, &admin, "a long admin password", 0, None).await.unwrap();
        let (_, token) = accounts::create_token(&store, user.id, "tests", 0).await.unwrap();
        Self { store, today: None, token, _db: db }
    }

    /// An API whose "today" is pinned to `today`.
    async fn on(today: time::Date) -> Self {
        Self { today: Some(today), ..Self::new().await }
    }

    fn state(&self) -> AppState {
        let state = AppState::new(self.store.clone());
        match self.today {
            Some(today) => state.with_today(today),
            None => state,
        }
    }

    /// Recomputes the stored forecasts, as the server's background work does.
    async fn refresh_forecasts(&self) {
        self.state().refresh_forecasts().await.unwrap();
    }

    /// Sends `request` and answers the status, the headers and the body as text.
    async fn send(&self, mut request: Request<Body>) -> (StatusCode, header::HeaderMap, String) {
        self.authorize(&mut request);
        let response = app(self.state()).oneshot(request).await.unwrap();
        let (status, headers) = (response.status(), response.headers().clone());
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (status, headers, String::from_utf8_lossy(&bytes).into_owned())
    }

    /// Adds the administrator's token, unless the request carries its own credentials.
    fn authorize(&self, request: &mut Request<Body>) {
        if !request.headers().contains_key(header::AUTHORIZATION) {
            let value = format!("Bearer {}", self.token);
            request.headers_mut().insert(header::AUTHORIZATION, value.parse().unwrap());
        }
    }

    /// Posts `body` as a file (text/csv) to `uri`.
    async fn upload(&self, uri: &str, body: &str) -> Reply {
        let request = Request::builder()
            .method("POST")
            .uri(uri)
            .header(header::CONTENT_TYPE, "text/csv")
            .body(Body::from(body.to_owned()))
            .unwrap();
        let (status, headers, text) = self.send(request).await;
        let content_type =
            headers.get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
        Reply { status, content_type, location: None, body: serde_json::from_str(&text).unwrap_or(Value::Null) }
    }

    /// A page: status and HTML.
    async fn page(&self, uri: &str) -> (StatusCode, String) {
        let (status, _, text) = self.send(Request::builder().uri(uri).body(Body::empty()).unwrap()).await;
        (status, text)
    }

    async fn call(&self, method: &str, uri: &str, body: Option<Value>) -> Reply {
        self.raw(method, uri, body.map(|b| b.to_string())).await
    }

    async fn raw(&self, method: &str, uri: &str, body: Option<String>) -> Reply {
        let mut request = Request::builder().method(method).uri(uri);
        if body.is_some() {
            request = request.header(header::CONTENT_TYPE, "application/json");
        }
        let mut request = request.body(body.map_or_else(Body::empty, Body::from)).unwrap();
        self.authorize(&mut request);
        let response = app(self.state()).oneshot(request).await.unwrap();
        let status = response.status();
        let header = |name| response.headers().get(name).map(|v: &header::HeaderValue| v.to_str().unwrap().to_owned());
        let content_type = header(header::CONTENT_TYPE).unwrap_or_default();
        let location = header(header::LOCATION);
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let body = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).unwrap_or(Value::Null) };
        Reply { status, content_type, location, body }
    }

    /// A team and an objective to hang initiatives on: (team id, objective id).
    async fn basics(&self) -> (i64, i64) {
        let team = self.call("POST", "/api/v1/teams", Some(json!({"name": "Payments"}))).await;
        assert_eq!(team.status, StatusCode::CREATED);
        let objective = self
            .call(
                "POST",
                "/api/v1/objectives",
                Some(json!({"title": "Grow retention", "owner": "Dana",
                    "key_results": [{"metric": "NRR", "unit": "%", "baseline": 98, "target": 110, "due": "2026-12-31"}]})),
            )
            .await;
        assert_eq!(objective.status, StatusCode::CREATED);
        (team.body["id"].as_i64().unwrap(), objective.body["id"].as_i64().unwrap())
    }
}

fn fields(reply: &Reply) -> Vec<(String, String)> {
    reply.body["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no errors in {}", reply.body))
        .iter()
        .map(|e| (e["field"].as_str().unwrap().to_owned(), e["message"].as_str().unwrap().to_owned()))
        .collect()
}

#[tokio::test]
async fn initiatives_are_created_read_patched_and_deleted() {
    let api = Api::new().await;
    let (team, objective) = api.basics().await;
    let created = api
        .call(
            "POST",
            "/api/v1/initiatives",
            Some(json!({"title": "Instant payouts", "team_id": team, "objective_ids": [objective],
                "target_start": "2027-01-01", "target_end": "2027-03-31", "budget_planned": 25_000_000})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let id = created.body["id"].as_i64().unwrap();
    assert_eq!(created.location.as_deref(), Some(format!("/api/v1/initiatives/{id}").as_str()));
    assert_eq!(created.body["status"], "proposed");
    assert_eq!(created.body["currency"], "EUR");
    assert_eq!(created.body["target_end"], "2027-03-31");
    assert_eq!(created.body["horizon"], Value::Null);

    let patched = api
        .call(
            "PATCH",
            &format!("/api/v1/initiatives/{id}"),
            Some(json!({"status": "in_progress", "horizon": "now", "budget_actual": 100})),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK);
    assert_eq!(patched.body["status"], "in_progress");
    assert_eq!(patched.body["horizon"], "now");
    assert_eq!(patched.body["title"], "Instant payouts", "fields not in the patch are kept");

    let listed = api.call("GET", "/api/v1/initiatives", None).await;
    assert_eq!(listed.body, json!([patched.body]));
    let shown = api.call("GET", &format!("/api/v1/initiatives/{id}"), None).await;
    assert_eq!(shown.body, patched.body);

    let deleted = api.call("DELETE", &format!("/api/v1/initiatives/{id}"), None).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let gone = api.call("GET", &format!("/api/v1/initiatives/{id}"), None).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert_eq!(gone.content_type, "application/problem+json");
    assert_eq!(gone.body["detail"], format!("initiative {id} not found"));
}

#[tokio::test]
async fn every_invalid_field_is_named_and_nothing_is_written() {
    let api = Api::new().await;
    let (team, _) = api.basics().await;
    let reply = api
        .call(
            "POST",
            "/api/v1/initiatives",
            Some(json!({"title": "  ", "team_id": team, "target_start": "2027-03-31", "target_end": "2027-01-01",
                "budget_planned": -100})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.content_type, "application/problem+json");
    assert_eq!(reply.body["status"], 422);
    assert_eq!(
        fields(&reply),
        vec![
            ("title".to_owned(), "must not be empty".to_owned()),
            ("target_end".to_owned(), "2027-01-01 is before target_start 2027-03-31".to_owned()),
            ("budget_planned".to_owned(), "must not be negative (got -100)".to_owned()),
        ]
    );

    let unknown = api
        .call(
            "POST",
            "/api/v1/initiatives",
            Some(json!({"title": "Ghost", "team_id": team, "objective_ids": [999], "horizon": "now"})),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&unknown), vec![("objective_ids".to_owned(), "unknown objective 999".to_owned())]);

    let wrong_type = api
        .call(
            "POST",
            "/api/v1/initiatives",
            Some(json!({"title": "x", "team_id": team, "horizon": "now", "budget_planned": "lots"})),
        )
        .await;
    assert_eq!(wrong_type.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&wrong_type)[0].0, "budget_planned");

    let typo = api.call("POST", "/api/v1/teams", Some(json!({"name": "Growth", "colour": "red"}))).await;
    assert_eq!(typo.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&typo), vec![("colour".to_owned(), "is not a known field".to_owned())]);

    let missing = api.call("POST", "/api/v1/objectives", Some(json!({"owner": "Dana"}))).await;
    assert_eq!(fields(&missing), vec![("title".to_owned(), "is required".to_owned())]);

    let not_json = api.raw("POST", "/api/v1/teams", Some("{name:".to_owned())).await;
    assert_eq!(not_json.status, StatusCode::BAD_REQUEST);
    assert_eq!(not_json.content_type, "application/problem+json");

    assert!(api.store.initiatives().await.unwrap().is_empty(), "no rejected initiative was written");
    assert_eq!(api.store.teams().await.unwrap().len(), 1, "no rejected team was written");
    assert_eq!(api.store.objectives().await.unwrap().len(), 1, "no rejected objective was written");
}

#[tokio::test]
async fn a_rejected_patch_changes_nothing() {
    let api = Api::new().await;
    let (team, objective) = api.basics().await;
    let created = api
        .call(
            "POST",
            "/api/v1/initiatives",
            Some(json!({"title": "Keep me", "team_id": team, "objective_ids": [objective], "horizon": "next"})),
        )
        .await;
    let id = created.body["id"].as_i64().unwrap();
    let reply = api
        .call(
            "PATCH",
            &format!("/api/v1/initiatives/{id}"),
            Some(json!({"title": "Changed", "objective_ids": [objective, 777]})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&reply), vec![("objective_ids".to_owned(), "unknown objective 777".to_owned())]);
    let after = api.call("GET", &format!("/api/v1/initiatives/{id}"), None).await;
    assert_eq!(after.body, created.body);
}

#[tokio::test]
async fn objectives_and_teams_answer_404_and_409() {
    let api = Api::new().await;
    let (team, objective) = api.basics().await;
    api.call(
        "POST",
        "/api/v1/initiatives",
        Some(json!({"title": "Linked", "team_id": team, "objective_ids": [objective], "horizon": "now"})),
    )
    .await;
    let conflict = api.call("DELETE", &format!("/api/v1/objectives/{objective}"), None).await;
    assert_eq!(conflict.status, StatusCode::CONFLICT);
    let team_conflict = api.call("DELETE", &format!("/api/v1/teams/{team}"), None).await;
    assert_eq!(team_conflict.status, StatusCode::CONFLICT);
    assert_eq!(api.call("GET", "/api/v1/objectives/4040", None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(api.call("GET", "/api/v1/teams/abc", None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(api.call("PATCH", "/api/v1/teams/4040", Some(json!({"name": "x"}))).await.status, StatusCode::NOT_FOUND);
    assert_eq!(api.call("GET", "/api/v1/nothing-here", None).await.status, StatusCode::NOT_FOUND);

    // People are not typed into a team: roles are given through the role-granting paths.
    let typed = api.call("PATCH", &format!("/api/v1/teams/{team}"), Some(json!({"members": ["Tom", "Ana"]}))).await;
    assert_eq!(typed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&typed), vec![("members".to_owned(), "is not a known field".to_owned())]);
    let renamed =
        api.call("PATCH", &format!("/api/v1/teams/{team}"), Some(json!({"name": "Payments & Billing"}))).await;
    assert_eq!(renamed.body["name"], "Payments & Billing");
    assert_eq!(renamed.body["members"], json!([]));
}

#[tokio::test]
async fn workspace_and_alignment() {
    let api = Api::new().await;
    assert_eq!(api.call("GET", "/api/v1/workspace", None).await.status, StatusCode::NOT_FOUND);
    let set = api.call("PATCH", "/api/v1/workspace", Some(json!({"name": "Acme", "mission": "Boring payments"}))).await;
    assert_eq!(set.status, StatusCode::OK);
    assert_eq!(
        api.call("GET", "/api/v1/workspace", None).await.body,
        json!({"name": "Acme", "mission": "Boring payments"})
    );
    let blank = api.call("PATCH", "/api/v1/workspace", Some(json!({"name": ""}))).await;
    assert_eq!(fields(&blank), vec![("name".to_owned(), "must not be empty".to_owned())]);

    let (team, objective) = api.basics().await;
    let unaligned = api
        .call(
            "POST",
            "/api/v1/initiatives",
            Some(json!({"title": "Pet project", "team_id": team, "horizon": "later", "budget_planned": 300})),
        )
        .await;
    let alignment = api.call("GET", "/api/v1/alignment", None).await;
    assert_eq!(alignment.body["unaligned"], json!([unaligned.body["id"]]));
    assert_eq!(alignment.body["uncovered"], json!([objective]));
    assert_eq!(
        alignment.body["budget"],
        json!([{"objective_id": null, "currency": "EUR", "minor": 300, "share": 1.0}])
    );
}

#[tokio::test]
async fn every_route_the_openapi_document_lists_is_routed() {
    let api = Api::new().await;
    let reply = api.call("GET", "/api/openapi.json", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body["openapi"], "3.0.3");
    let paths = reply.body["paths"].as_object().unwrap();
    let documented: Vec<(&str, &str)> = paths
        .iter()
        .flat_map(|(path, item)| {
            item.as_object().unwrap().keys().filter(|k| *k != "parameters").map(move |m| (path.as_str(), m.as_str()))
        })
        .collect();
    // Every route is documented (tests/access.rs); here every documented one is routed.
    assert!(documented.len() >= 26, "{documented:?}");
    for (path, method) in documented {
        let uri = path.replace("{id}", "1");
        let body = matches!(method, "post" | "patch" | "put").then(|| json!({}));
        let reply = api.call(&method.to_uppercase(), &uri, body).await;
        assert_ne!(reply.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path} is documented but not routed");
        if reply.status == StatusCode::NOT_FOUND {
            assert_eq!(reply.content_type, "application/problem+json", "{method} {path} is not routed");
            assert!(
                !reply.body["detail"].as_str().unwrap().contains("no such API route"),
                "{method} {path} is not routed"
            );
        }
    }
}

/// Seven items of a team in March 2026: five done (cycle times 3, 8, 1, 12 and 3 days), one
/// in progress since 25 March, one not started.
const MARCH: &str = "\
id,created,started,done,title
T-1,2026-03-01,2026-03-02,2026-03-04,Login page
T-2,2026-03-01,2026-03-03,2026-03-10,Sign-up e-mails
T-3,2026-03-05T09:00:00Z,2026-03-05T10:00:00Z,2026-03-05T17:00:00Z,Typo on the invoice
T-4,2026-03-06,2026-03-09,2026-03-20,Export to CSV
T-5,2026-03-10,2026-03-25,,Payment reminders
T-6,2026-03-12,,,Dark mode
T-7,2026-03-15,2026-03-16,2026-03-18,Search by amount
";

const IMPORT_MARCH: &str = "format=csv&key=id&created=created&started=started&done=done&title=title";

#[tokio::test]
async fn an_imported_csv_gives_progress_and_flow_computed_by_hand_on_sqlite() {
    imported_csv_progress(Api::on(time::macros::date!(2026 - 03 - 31)).await).await;
}

#[tokio::test]
async fn an_imported_csv_gives_progress_and_flow_computed_by_hand_on_postgres() {
    let Some(db) = TestDatabase::postgres().await else { return };
    let api = Api { today: Some(time::macros::date!(2026 - 03 - 31)), ..Api::over(db).await };
    imported_csv_progress(api).await;
}

async fn imported_csv_progress(api: Api) {
    let (team, _) = api.basics().await;
    let imported = api.upload(&format!("/api/v1/teams/{team}/imports?{IMPORT_MARCH}"), MARCH).await;
    assert_eq!(imported.status, StatusCode::OK, "{}", imported.body);
    assert_eq!(
        imported.body,
        json!({"team_id": team, "team": "Payments", "team_created": false, "rows": 7, "inserted": 7, "updated": 0, "written": true, "errors": [], "latest": "2026-03-25"})
    );
    let again = api.upload(&format!("/api/v1/teams/{team}/imports?{IMPORT_MARCH}"), MARCH).await;
    assert_eq!((again.body["inserted"].as_u64(), again.body["updated"].as_u64()), (Some(0), Some(7)));

    let items = api.call("GET", &format!("/api/v1/teams/{team}/work-items"), None).await;
    let keys: Vec<&str> = items.body.as_array().unwrap().iter().map(|i| i["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["T-1", "T-2", "T-3", "T-4", "T-5", "T-6", "T-7"]);
    assert_eq!(items.body[0]["title"], "Login page");
    assert_eq!(items.body[4]["category"], "in_progress");

    let progress = api.call("GET", &format!("/api/v1/teams/{team}/progress?days=31"), None).await;
    assert_eq!(progress.status, StatusCode::OK, "{}", progress.body);
    let p = &progress.body;
    assert_eq!((p["items"].as_u64(), p["done"].as_u64(), p["remaining"].as_u64()), (Some(7), Some(5), Some(2)));
    assert_eq!(p["percent_done"], 71.4);
    assert_eq!(p["window_days"], 31);
    assert_eq!(p["today"], "2026-03-31");
    assert_eq!(p["flow"]["window"], json!({"first": "2026-03-01", "last": "2026-03-31"}));
    assert_eq!(p["flow"]["finished"], 5);
    assert_eq!(p["flow"]["started"], 6, "every item but T-6 started in March");
    // Cycle times sorted: 1, 3, 3, 8, 12. Nearest rank: P50 is the 3rd, P85 and P95 the 5th.
    assert_eq!(p["flow"]["cycle_time"], json!({"p50": 3, "p85": 12, "p95": 12, "items": 5}));
    assert_eq!(p["flow"]["wip"], 1);
    assert_eq!(p["aging_items"], json!([{"key": "T-5", "title": "Payment reminders", "status": "", "age_days": 7}]));
    assert_eq!(p["burn_up"]["start"], "2026-03-01");
    assert_eq!(p["burn_up"]["scope"][0], json!({"date": "2026-03-01", "count": 2}));
    assert_eq!(p["burn_up"]["done"].as_array().unwrap().last().unwrap(), &json!({"date": "2026-03-20", "count": 5}));
    assert_eq!(p["target"], Value::Null);
    assert_eq!(p["state"], "forecast");
    let forecast = &p["forecast"];
    assert_eq!(forecast["items"], 2);
    assert!(forecast["p50"].as_u64().unwrap() <= forecast["p95"].as_u64().unwrap());
    assert!(p["calibration"]["statement"].is_string());
    assert_eq!(p["next_items"]["items"], 1, "the next N items are the one in progress");
    assert!(p["next_items"]["forecast"]["dates"]["p85"].is_string(), "{}", p["next_items"]);
    // A preset window's dashboard is stored by background work and read as stored: until it is
    // recomputed, a change to the items does not show, and it says as of which day it is.
    api.refresh_forecasts().await;
    let stored = api.call("GET", &format!("/api/v1/teams/{team}/progress?days=30"), None).await;
    assert_eq!((stored.body["items"].as_u64(), stored.body["today"].as_str()), (Some(7), Some("2026-03-31")));
    let more = "id,created,started,done,title\nT-8,2026-03-02,2026-03-03,2026-03-30,Export to PDF\n";
    let imported = api.upload(&format!("/api/v1/teams/{team}/imports?{IMPORT_MARCH}"), more).await;
    assert_eq!(imported.status, StatusCode::OK, "{}", imported.body);
    let before = api.call("GET", &format!("/api/v1/teams/{team}/progress?days=30"), None).await;
    assert_eq!(before.body["items"], 7, "the stored dashboard, not one computed in the request");
    api.refresh_forecasts().await;
    let after = api.call("GET", &format!("/api/v1/teams/{team}/progress?days=30"), None).await;
    assert_eq!((after.body["items"].as_u64(), after.body["flow"]["finished"].as_u64()), (Some(8), Some(6)));

    // An initiative made of three of the items, due at the end of April.
    let created = api
        .call(
            "POST",
            "/api/v1/initiatives",
            Some(json!({"title": "Onboarding", "team_id": team, "status": "in_progress", "target_start": "2026-03-01",
                "target_end": "2026-04-30", "budget_planned": 100_000, "budget_actual": 120_000})),
        )
        .await;
    let id = created.body["id"].as_i64().unwrap();
    let empty = api.call("GET", &format!("/api/v1/initiatives/{id}/progress"), None).await;
    assert_eq!((empty.body["items"].as_u64(), empty.body["state"].as_str()), (Some(0), Some("no_items")));
    let rules =
        json!([{"kind": "key", "value": "T-1"}, {"kind": "key", "value": " T-5 "}, {"kind": "key", "value": "T-6"}]);
    let set = api.call("PUT", &format!("/api/v1/initiatives/{id}/rules"), Some(rules)).await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    assert_eq!(set.body[1], json!({"kind": "key", "value": "T-5"}));
    // Pages read the stored forecast; until it is computed they say so.
    let waiting = api.call("GET", &format!("/api/v1/initiatives/{id}/progress"), None).await;
    assert_eq!(waiting.body["state"], "no_forecast");
    assert!(waiting.body["forecast_note"].as_str().unwrap().contains("not been computed yet"), "{}", waiting.body);
    api.refresh_forecasts().await;
    let progress = api.call("GET", &format!("/api/v1/initiatives/{id}/progress"), None).await;
    let p = &progress.body;
    assert_eq!((p["items"].as_u64(), p["done"].as_u64(), p["remaining"].as_u64()), (Some(3), Some(1), Some(2)));
    assert_eq!(p["percent_done"], 33.3);
    assert_eq!(p["target"], "2026-04-30");
    assert_eq!(p["initiative_id"], id);
    assert_eq!(p["rules"].as_array().unwrap().len(), 3);
    let probability = p["probability_by_target"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&probability));
    assert_eq!(p["forecast"]["by"], "2026-04-30");
    assert_eq!(p["forecast"]["probability_by"], p["probability_by_target"]);
    assert!(["on_track", "at_risk", "off_track"].contains(&p["state"].as_str().unwrap()));
    assert_eq!(
        p["budget"],
        json!({"currency": "EUR", "planned": 100_000, "actual": 120_000, "share_spent": 1.2,
            "window_elapsed": 0.5082, "state": "over_budget"})
    );
    assert_eq!(p["burn_up"]["start"], "2026-03-01");
    assert_eq!(p["flow"]["finished"], 1);
    // The team dashboard shows the same stored forecast.
    let team_view = api.call("GET", &format!("/api/v1/teams/{team}/progress?days=31"), None).await;
    let stored = &team_view.body["initiative_forecasts"][0];
    assert_eq!(stored["initiative_id"], id);
    assert_eq!(stored["dates"], p["forecast"]["dates"]);
    assert_eq!(stored["probability_by_target"], p["probability_by_target"]);
    let history = api.call("GET", &format!("/api/v1/initiatives/{id}/forecasts"), None).await;
    assert_eq!(history.status, StatusCode::OK, "{}", history.body);
    assert_eq!(history.body.as_array().unwrap().len(), 1);
    assert_eq!(history.body[0]["dates"], p["forecast"]["dates"]);
}

#[tokio::test]
async fn rules_are_validated_and_nothing_is_written_on_error() {
    let api = Api::new().await;
    let (team, _) = api.basics().await;
    let created = api
        .call("POST", "/api/v1/initiatives", Some(json!({"title": "Kept", "team_id": team, "horizon": "now"})))
        .await;
    let id = created.body["id"].as_i64().unwrap();
    let uri = format!("/api/v1/initiatives/{id}/rules");
    assert_eq!(api.call("GET", &uri, None).await.body, json!([]));
    let good = api.call("PUT", &uri, Some(json!([{"kind": "label", "value": "checkout"}]))).await;
    assert_eq!(good.body, json!([{"kind": "label", "value": "checkout"}]));

    let bad = api
        .call(
            "PUT",
            &uri,
            Some(json!([{"kind": "parent", "value": "PAY-1"}, {"kind": "epic", "value": "x"}, {"kind": "label", "value": "  "}])),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.content_type, "application/problem+json");
    assert_eq!(
        fields(&bad),
        vec![
            ("[1].kind".to_owned(), "'epic' is not a rule kind: use parent, label, milestone or key".to_owned()),
            ("[2].value".to_owned(), "must not be empty".to_owned()),
        ]
    );
    let missing = api.call("PUT", &uri, Some(json!([{"kind": "parent"}]))).await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&missing)[0].0, "value");
    assert_eq!(api.call("GET", &uri, None).await.body, good.body, "a rejected PUT changes nothing");

    let cleared = api.call("PUT", &uri, Some(json!([]))).await;
    assert_eq!(cleared.body, json!([]));
    for uri in ["/api/v1/initiatives/999/rules", "/api/v1/initiatives/999/progress", "/api/v1/teams/999/progress"] {
        let reply = api.call("GET", uri, None).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(reply.content_type, "application/problem+json");
    }
    let nowhere =
        api.call("PUT", "/api/v1/initiatives/999/rules", Some(json!([{"kind": "key", "value": "A-1"}]))).await;
    assert_eq!(nowhere.status, StatusCode::NOT_FOUND);
    assert_eq!(api.call("GET", "/api/v1/teams/999/work-items", None).await.status, StatusCode::NOT_FOUND);

    let zero = api.call("GET", &format!("/api/v1/teams/{team}/progress?days=0"), None).await;
    assert_eq!(fields(&zero), vec![("days".to_owned(), "must be from 1 to 1095 (got 0)".to_owned())]);
    let words = api.call("GET", &format!("/api/v1/teams/{team}/progress?days=many"), None).await;
    assert_eq!(words.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&words)[0].0, "days");
    let nothing = api.call("GET", &format!("/api/v1/teams/{team}/progress"), None).await;
    assert_eq!(nothing.status, StatusCode::OK);
    assert_eq!((nothing.body["state"].as_str(), nothing.body["items"].as_u64()), (Some("no_items"), Some(0)));
    assert_eq!(nothing.body["window_days"], 90);
    assert_eq!(nothing.body["next_items"]["items"], 10);
    assert_eq!(nothing.body["next_items"]["forecast"], Value::Null);
}

#[tokio::test]
async fn imports_name_what_is_wrong_and_strict_ones_write_nothing() {
    let api = Api::new().await;
    let (team, _) = api.basics().await;
    let uri = |query: &str| format!("/api/v1/teams/{team}/imports?{query}");

    let no_format = api.upload(&uri("key=id"), MARCH).await;
    assert_eq!(no_format.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&no_format), vec![("format".to_owned(), "is required: jira, github or csv".to_owned())]);
    let no_key = api.upload(&uri("format=csv&delimiter=ab"), MARCH).await;
    let named: Vec<String> = fields(&no_key).into_iter().map(|f| f.0).collect();
    assert_eq!(named, ["delimiter", "key", "done"]);

    let missing_column = api.upload(&uri("format=csv&key=id&done=finished_at"), MARCH).await;
    assert_eq!(missing_column.status, StatusCode::UNPROCESSABLE_ENTITY);
    let (field, message) = fields(&missing_column).remove(0);
    assert_eq!(field, "done");
    assert!(message.starts_with("no column 'finished_at' in the header"), "{message}");

    let bad = "id,done\nA-1,2026-03-02\nA-2,2026-02-30\nA-3,\n";
    let strict = api.upload(&uri("format=csv&key=id&done=done&strict=true"), bad).await;
    assert_eq!(strict.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(strict.content_type, "application/problem+json");
    assert_eq!(strict.body["detail"], "1 bad row; with strict=true nothing was written");
    assert_eq!(fields(&strict)[0].0, "line 3");
    assert_eq!(strict.body["report"]["written"], false);
    assert_eq!(strict.body["report"]["rows"], 3);
    assert_eq!(strict.body["report"]["errors"][0]["line"], 3);
    assert_eq!(api.store.work_item_count(team).await.unwrap(), 0, "a strict import with a bad row writes nothing");

    let lenient = api.upload(&uri("format=csv&key=id&done=done"), bad).await;
    assert_eq!(lenient.status, StatusCode::OK);
    assert_eq!((lenient.body["inserted"].as_u64(), lenient.body["errors"].as_array().unwrap().len()), (Some(2), 1));

    let semicolons = api.upload(&uri("format=csv&key=id&done=done&delimiter=;"), "id;done\nB-1;2026-03-05\n").await;
    assert_eq!(semicolons.body["inserted"], 1);
    let github = api.upload(&uri("format=github"), "not json").await;
    assert_eq!(github.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&github)[0].0, "file");
    assert_eq!(api.upload("/api/v1/teams/999/imports?format=github", "[]").await.status, StatusCode::NOT_FOUND);
    assert_eq!(api.store.work_item_count(team).await.unwrap(), 3);
}

/// A request body the test sends piece by piece, as a slow client would.
struct Trickle(tokio::sync::mpsc::Receiver<Result<axum::body::Bytes, std::io::Error>>);

impl http_body::Body for Trickle {
    type Data = axum::body::Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        self.0.poll_recv(cx).map(|chunk| chunk.map(|chunk| chunk.map(http_body::Frame::data)))
    }
}

#[tokio::test]
async fn an_upload_streams_into_the_import() {
    let api = Api::new().await;
    let (team, _) = api.basics().await;
    let post = |query: &str, body: Trickle| {
        let request = Request::builder()
            .method("POST")
            .uri(format!("/api/v1/teams/{team}/imports?{query}"))
            .header(header::CONTENT_TYPE, "text/csv")
            .body(Body::new(body))
            .unwrap();
        api.send(request)
    };

    // A header without the column named is answered while the rest of the file is still to
    // come: the import reads the upload as it arrives instead of waiting for all of it.
    let (sender, chunks) = tokio::sync::mpsc::channel(4);
    sender.send(Ok("id,finished\nA-1,2026-03-02\n".into())).await.unwrap();
    let answer =
        tokio::time::timeout(std::time::Duration::from_mins(1), post("format=csv&key=id&done=done", Trickle(chunks)));
    let (status, _, text) = answer.await.expect("answered before the upload ends");
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    assert!(text.contains("no column 'done' in the header"), "{text}");
    drop(sender);

    // An upload that breaks off part-way writes nothing, and says so.
    let (sender, chunks) = tokio::sync::mpsc::channel(4);
    let rows = (0..5_000).fold(String::new(), |mut rows, n| {
        writeln!(rows, "B-{n},2026-03-02").unwrap();
        rows
    });
    sender.send(Ok(format!("id,done\n{rows}").into())).await.unwrap();
    sender.send(Err(std::io::Error::other("connection reset by peer"))).await.unwrap();
    let (status, _, text) = post("format=csv&key=id&done=done", Trickle(chunks)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
    assert!(text.contains("the upload broke off: connection reset by peer"), "{text}");
    assert_eq!(api.store.work_item_count(team).await.unwrap(), 0, "nothing of a broken upload is written");

    // Sent whole, in pieces, it is imported.
    let (sender, chunks) = tokio::sync::mpsc::channel(4);
    let sending = tokio::spawn(async move {
        sender.send(Ok("id,do".into())).await.unwrap();
        sender.send(Ok(format!("ne\n{rows}").into())).await.unwrap();
    });
    let (status, _, text) = post("format=csv&key=id&done=done", Trickle(chunks)).await;
    sending.await.unwrap();
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(api.store.work_item_count(team).await.unwrap(), 5_000);
}

/// A multipart/form-data body as a browser sends the import form.
fn multipart(fields: &[(&str, &str)], file: Option<(&str, &str)>) -> (String, String) {
    let boundary = "----leadupTestBoundary";
    let mut body = String::new();
    for (name, value) in fields {
        write!(body, "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").unwrap();
    }
    if let Some((name, content)) = file {
        write!(body, "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n").unwrap();
        write!(body, "Content-Type: text/csv\r\n\r\n{content}\r\n").unwrap();
    }
    write!(body, "--{boundary}--\r\n").unwrap();
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn the_pages_import_a_file_show_the_dashboard_and_change_rules() {
    let api = Api::on(time::macros::date!(2026 - 03 - 31)).await;
    let (team, _) = api.basics().await;

    let (status, empty) = api.page(&format!("/teams/{team}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(empty.contains("No work items yet") && empty.contains(&format!("/teams/{team}/import")));
    assert!(!empty.contains("<svg class=\"throughput"), "no charts without items");

    let (status, form) = api.page(&format!("/teams/{team}/import")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("enctype=\"multipart/form-data\"") && form.contains("name=\"file\""));

    let fields = [
        ("format", "csv"),
        ("key", "id"),
        ("created", "created"),
        ("started", "started"),
        ("done", "done"),
        ("title", "title"),
        ("delimiter", ""),
        ("date_format", ""),
        ("utc_offset", ""),
    ];
    let (content_type, body) = multipart(&fields, Some(("march.csv", MARCH)));
    let request = Request::builder()
        .method("POST")
        .uri(format!("/teams/{team}/import"))
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .unwrap();
    let (status, _, report) = api.send(request).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert!(report.contains("Imported march.csv"), "{report}");
    assert!(report.contains("<dt>New items</dt><dd>7</dd>"));

    let (content_type, body) = multipart(&[("format", "csv"), ("key", "id")], None);
    let request = Request::builder()
        .method("POST")
        .uri(format!("/teams/{team}/import"))
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .unwrap();
    let (status, _, refused) = api.send(request).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.contains("choose a file to import") && refused.contains("is required for the csv format"));

    let (status, dashboard) = api.page(&format!("/teams/{team}?days=31")).await;
    assert_eq!(status, StatusCode::OK);
    for label in [
        "aria-label=\"Throughput: 5 items finished",
        "aria-label=\"Cycle time of 5 finished items",
        "aria-label=\"Aging work in progress: 1 open item, 7 days old",
        "aria-label=\"Burn-up: 5 of 7 items done",
        "aria-label=\"Started vs finished: 6 started, 5 finished",
    ] {
        assert!(dashboard.contains(label), "{label}");
    }
    assert!(dashboard.contains("When will the next item be done?"));
    assert!(dashboard.contains("Calibration: "));
    let (status, list) = api.page("/teams").await;
    assert_eq!(status, StatusCode::OK);
    assert!(list.contains("Payments") && list.contains(&format!("href=\"/teams/{team}\"")));

    let created = api
        .call("POST", "/api/v1/initiatives", Some(json!({"title": "Onboarding", "team_id": team, "horizon": "now"})))
        .await;
    let id = created.body["id"].as_i64().unwrap();
    let (_, initiative) = api.page(&format!("/initiatives/{id}")).await;
    assert!(initiative.contains("No work items attached yet"));
    let form = |body: &str| {
        Request::builder()
            .method("POST")
            .uri(format!("/initiatives/{id}/rules"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.to_owned()))
            .unwrap()
    };
    let (status, headers, _) = api.send(form("action=add&kind=key&value=T-1")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], format!("/initiatives/{id}#rules"));
    api.send(form("action=add&kind=key&value=T-5")).await;
    assert_eq!(api.store.initiative_rules(id).await.unwrap().len(), 2);
    let (status, _, refused) = api.send(form("action=add&kind=epic&value=T-9")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.contains("&#39;epic&#39; is not a rule kind") || refused.contains("'epic' is not a rule kind"));
    let (_, initiative) = api.page(&format!("/initiatives/{id}")).await;
    assert!(initiative.contains("aria-label=\"Burn-up: 1 of 2 items done"), "{initiative}");
    assert!(initiative.contains("50%"));
    api.send(form("action=remove&kind=key&value=T-5")).await;
    assert_eq!(api.store.initiative_rules(id).await.unwrap().len(), 1);
}

#[tokio::test]
async fn evidence_is_recorded_found_linked_and_weighed() {
    let api = Api::on(time::macros::date!(2026 - 11 - 23)).await;
    let (team, _) = api.basics().await;
    let initiative = api
        .call(
            "POST",
            "/api/v1/initiatives",
            Some(json!({"title": "Faster refunds", "team_id": team, "horizon": "next"})),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let bare = api.call("GET", &format!("/api/v1/initiatives/{initiative}/evidence"), None).await;
    assert_eq!((bare.body["opinion"].as_bool(), bare.body["strength"]["level"].as_str()), (Some(true), Some("none")));

    let bad = api.call("POST", "/api/v1/evidence", Some(json!({"kind": "rumour", "summary": " "}))).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let named: Vec<String> = fields(&bad).into_iter().map(|(field, _)| field).collect();
    assert_eq!(named, ["kind", "summary"]);
    assert_eq!(api.call("GET", "/api/v1/evidence", None).await.body, json!([]), "nothing was written");

    let mut ids = Vec::new();
    for (kind, summary, customer, revenue, date) in [
        ("support_ticket", "Refunds take two weeks to reach the card", "Globex", 1_250_000, "2026-11-02"),
        ("sales_request", "Will not renew without instant refunds", "Initech", 4_000_000, "2026-10-15"),
        ("support_ticket", "Refund status is invisible to the customer", "Globex", 500_000, "2026-09-20"),
    ] {
        let body =
            json!({"kind": kind, "summary": summary, "customer": customer, "revenue_at_stake": revenue, "date": date});
        let created = api.call("POST", "/api/v1/evidence", Some(body)).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
        assert_eq!(created.body["recorded_by"], "Admin", "recorded by the signed-in user");
        ids.push(created.body["id"].as_i64().unwrap());
        let linked =
            api.call("PUT", &format!("/api/v1/evidence/{}/initiatives/{initiative}", ids.last().unwrap()), None).await;
        assert_eq!(linked.status, StatusCode::NO_CONTENT);
    }
    let found = api.call("GET", "/api/v1/evidence?q=refunds%20renew", None).await;
    assert_eq!(found.body.as_array().unwrap().len(), 1, "{}", found.body);
    assert_eq!(found.body[0]["customer"], "Initech");

    let weighed = api.call("GET", &format!("/api/v1/initiatives/{initiative}/evidence"), None).await;
    let b = &weighed.body;
    assert_eq!(b["opinion"], false);
    assert_eq!(b["demand"]["customer_count"], 2);
    // Each customer counts once, at its largest amount: Globex 12,500 + Initech 40,000.
    assert_eq!(b["demand"]["revenue_at_stake"], json!([{"currency": "EUR", "minor": 5_250_000}]));
    let reasons = b["strength"]["reasons"].as_array().unwrap();
    let total: f64 = reasons.iter().map(|r| r["points"].as_f64().unwrap()).sum();
    assert!((total - b["strength"]["score"].as_f64().unwrap()).abs() < 1e-9, "the reasons add up to the score");
    assert_eq!(b["strength"]["level"], "moderate", "{}", b["strength"]);

    let unlinked = api.call("DELETE", &format!("/api/v1/evidence/{}/initiatives/{initiative}", ids[0]), None).await;
    assert_eq!(unlinked.status, StatusCode::NO_CONTENT);
    let one = api.call("GET", &format!("/api/v1/evidence/{}", ids[0]), None).await;
    assert_eq!(one.body["initiatives"], json!([]));
    assert_eq!(one.body["strength"]["level"], "weak", "a single ticket is weak evidence: {}", one.body["strength"]);
    let unknown = api.call("PUT", &format!("/api/v1/evidence/{}/initiatives/999", ids[0]), None).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);

    // A patch changes what it names, clears nulls, and changes nothing when a field is bad.
    let uri = format!("/api/v1/evidence/{}", ids[0]);
    let patched = api.call("PATCH", &uri, Some(json!({"summary": "Refunds take three weeks", "customer": null}))).await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.body);
    assert_eq!(
        (patched.body["summary"].as_str(), patched.body["customer"].as_str()),
        (Some("Refunds take three weeks"), None)
    );
    assert_eq!(patched.body["revenue_at_stake"], 1_250_000, "what the patch does not name stays");
    let bad = api.call("PATCH", &uri, Some(json!({"summary": "Changed", "date": "yesterday"}))).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&bad).into_iter().map(|(f, _)| f).collect::<Vec<_>>(), ["date"]);
    assert_eq!(api.call("GET", &uri, None).await.body["evidence"]["summary"], "Refunds take three weeks");

    // Evidence an initiative cites is not deleted; unlinked, it is.
    let linked = api.call("DELETE", &format!("/api/v1/evidence/{}", ids[1]), None).await;
    assert_eq!(linked.status, StatusCode::CONFLICT);
    assert!(
        linked.body["detail"].as_str().unwrap().contains(&format!("supports initiatives {initiative}")),
        "{}",
        linked.body
    );
    assert_eq!(api.call("DELETE", &uri, None).await.status, StatusCode::NO_CONTENT);
    assert_eq!(api.call("GET", &uri, None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(api.call("DELETE", &uri, None).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn priorities_rank_initiatives_from_their_evidence() {
    let api = Api::on(time::macros::date!(2026 - 11 - 23)).await;
    let (team, _) = api.basics().await;
    let mut ids = Vec::new();
    for title in ["Instant refunds", "Dark mode"] {
        let created = api
            .call("POST", "/api/v1/initiatives", Some(json!({"title": title, "team_id": team, "horizon": "next"})))
            .await;
        ids.push(created.body["id"].as_i64().unwrap());
    }
    let ticket = api
        .call(
            "POST",
            "/api/v1/evidence",
            Some(
                json!({"kind": "sales_request", "summary": "No renewal without instant refunds", "customer": "Initech",
                "revenue_at_stake": 4_000_000, "date": "2026-11-01"}),
            ),
        )
        .await;
    let evidence = ticket.body["id"].as_i64().unwrap();
    api.call("PUT", &format!("/api/v1/evidence/{evidence}/initiatives/{}", ids[0]), None).await;

    let rice = api.call("GET", "/api/v1/priorities", None).await;
    assert_eq!(rice.status, StatusCode::OK, "{}", rice.body);
    let ranking = rice.body["ranking"].as_array().unwrap();
    assert_eq!(ranking[0]["candidate"]["title"], "Instant refunds");
    assert_eq!(ranking[0]["candidate"]["value_minor"], 4_000_000);
    assert_eq!(ranking[0]["candidate"]["reach"], 1);
    assert_eq!(ranking[1]["candidate"]["title"], "Dark mode");
    assert_eq!(ranking[1]["score"], 0.0, "no evidence, no confidence");
    assert_eq!(ranking[1]["reasons"][2], "confidence: 0, no evidence (an opinion)");

    let bad = api.call("GET", "/api/v1/priorities?method=gut&effort=9", None).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let named: Vec<String> = fields(&bad).into_iter().map(|(field, _)| field).collect();
    assert_eq!(named, ["method", "effort"]);
}

#[tokio::test]
async fn evidence_is_imported_from_csv_with_bad_rows_named_by_line() {
    let api = Api::new().await;
    let csv = "Type;Summary;Customer;Revenue\n\
               support_ticket;Refunds are slow;Globex;125000\n\
               rumour;Heard it at a fair;;\n\
               sales_request;Needs SSO;Initech;-5\n\
               usage_metric;Exports fail on Mondays;;\n";
    let strict = api.upload("/api/v1/evidence/imports?delimiter=;&kind_column=Type&summary_column=Summary&customer_column=Customer&revenue_column=Revenue&strict=true", csv).await;
    assert_eq!(strict.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", strict.body);
    let lines: Vec<String> = fields(&strict).into_iter().map(|(field, _)| field).collect();
    assert_eq!(lines, ["line 3", "line 4"]);
    assert_eq!(api.call("GET", "/api/v1/evidence", None).await.body, json!([]), "strict: nothing written");

    let lenient = api.upload("/api/v1/evidence/imports?delimiter=;&kind_column=Type&summary_column=Summary&customer_column=Customer&revenue_column=Revenue", csv).await;
    assert_eq!(lenient.status, StatusCode::OK, "{}", lenient.body);
    assert_eq!((lenient.body["rows"].as_u64(), lenient.body["written"].as_u64()), (Some(4), Some(2)));
    let stored = api.call("GET", "/api/v1/evidence", None).await.body;
    assert_eq!(stored.as_array().unwrap().len(), 2);
    let globex = stored.as_array().unwrap().iter().find(|e| e["customer"] == "Globex").unwrap();
    assert_eq!(globex["revenue_at_stake"], 12_500_000, "the file's 125000 is in whole units, as a person types it");

    let header = api.upload("/api/v1/evidence/imports?delimiter=;;", csv).await;
    assert_eq!(fields(&header), [("delimiter".to_owned(), "';;' is not one ASCII character (or 'tab')".to_owned())]);
    let missing = api.upload("/api/v1/evidence/imports?delimiter=;", csv).await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&missing)[0].0, "file");
}

#[tokio::test]
async fn dates_outside_1970_to_2200_are_refused_naming_the_field() {
    let api = Api::new().await;
    let (team, _) = api.basics().await;
    let reply = api
        .call(
            "POST",
            "/api/v1/initiatives",
            Some(
                json!({"title": "Forever", "team_id": team, "target_start": "1969-12-31", "target_end": "9999-12-31"}),
            ),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields(&reply),
        [
            ("target_start".to_owned(), "'1969-12-31' is outside the years 1970 to 2200".to_owned()),
            ("target_end".to_owned(), "'9999-12-31' is outside the years 1970 to 2200".to_owned()),
        ]
    );
    assert_eq!(api.call("GET", "/api/v1/initiatives", None).await.body, json!([]), "nothing was written");
}

#[tokio::test]
async fn stored_far_future_and_far_past_dates_render_on_sqlite() {
    far_dates_render(Api::on(time::macros::date!(2026 - 03 - 31)).await).await;
}

#[tokio::test]
async fn stored_far_future_and_far_past_dates_render_on_postgres() {
    let Some(db) = TestDatabase::postgres().await else { return };
    far_dates_render(Api { today: Some(time::macros::date!(2026 - 03 - 31)), ..Api::over(db).await }).await;
}

/// A window from year 1 to 9999 written past validation (as an older version or a database
/// edit could have) renders on every page that draws it.
async fn far_dates_render(api: Api) {
    let (team, _) = api.basics().await;
    let imported = api.upload(&format!("/api/v1/teams/{team}/imports?{IMPORT_MARCH}"), MARCH).await;
    assert_eq!(imported.status, StatusCode::OK, "{}", imported.body);
    let mut ids = Vec::new();
    for title in ["Forever", "Ancient"] {
        let created = api
            .call(
                "POST",
                "/api/v1/initiatives",
                Some(
                    json!({"title": title, "team_id": team, "target_start": "2026-03-01", "target_end": "2026-04-30"}),
                ),
            )
            .await;
        let id = created.body["id"].as_i64().unwrap();
        let rules =
            json!([{"kind": "key", "value": "T-1"}, {"kind": "key", "value": "T-5"}, {"kind": "key", "value": "T-6"}]);
        assert_eq!(
            api.call("PUT", &format!("/api/v1/initiatives/{id}/rules"), Some(rules)).await.status,
            StatusCode::OK
        );
        ids.push(id);
    }
    let (forever, ancient) = (ids[0], ids[1]);
    leadup_store::testing::execute(
        &api.store,
        &format!("UPDATE initiatives SET target_start = '2026-03-01', target_end = '9999-12-31' WHERE id = {forever}"),
    )
    .await
    .unwrap();
    leadup_store::testing::execute(
        &api.store,
        &format!("UPDATE initiatives SET target_start = '0001-01-01', target_end = '0001-12-31' WHERE id = {ancient}"),
    )
    .await
    .unwrap();
    // A plan whose period and item reach the end of the calendar.
    let draft = serde_json::from_value::<leadup_core::plan::PlanInput>(json!({
        "team_id": team, "name": "Forever", "period_start": "2026-01-01", "period_end": "2026-12-31",
        "items": [{"initiative_id": forever, "target_date": "2026-12-31", "budget": 100, "scope": 3}]
    }))
    .unwrap()
    .validate()
    .unwrap();
    let plan = api.store.create_plan(&draft, leadup_store::Actor::now(1)).await.unwrap().id;
    leadup_store::testing::execute(
        &api.store,
        &format!("UPDATE plans SET period_end = '9999-12-31' WHERE id = {plan}"),
    )
    .await
    .unwrap();
    // A key result due and a piece of evidence observed at the ends of the calendar, too.
    let evidence = api
        .call("POST", "/api/v1/evidence", Some(json!({"kind": "support_ticket", "summary": "Refunds are slow"})))
        .await;
    assert_eq!(evidence.status, StatusCode::CREATED, "{}", evidence.body);
    let evidence = evidence.body["id"].as_i64().unwrap();
    let link = api.call("PUT", &format!("/api/v1/evidence/{evidence}/initiatives/{forever}"), None).await;
    assert!(link.status.is_success(), "{}", link.body);
    for sql in [
        format!("UPDATE evidence SET observed_on = '9999-12-31' WHERE id = {evidence}"),
        "UPDATE key_results SET due = '9999-12-31'".to_owned(),
    ] {
        leadup_store::testing::execute(&api.store, &sql).await.unwrap();
    }
    let shown = api.call("GET", &format!("/api/v1/initiatives/{forever}"), None).await;
    assert_eq!(shown.body["target_end"], "9999-12-31", "the stored value is read back as it is");
    for (uri, shows) in [
        ("/roadmap".to_owned(), "Forever"),
        ("/roadmap?view=columns".to_owned(), "Ancient"),
        ("/roadmap?group=objective".to_owned(), "Ancient"),
        (format!("/initiatives/{forever}"), "9999-12-31"),
        (format!("/initiatives/{ancient}"), "0001-12-31"),
        (format!("/teams/{team}"), "Payments"),
        ("/alignment".to_owned(), "Forever"),
        ("/strategy".to_owned(), "9999-12-31"),
        ("/evidence".to_owned(), "Refunds are slow"),
        (format!("/evidence/{evidence}"), "9999-12-31"),
        ("/priorities".to_owned(), "Forever"),
        (format!("/teams/{team}/plans"), "Forever"),
        (format!("/plans/{plan}"), "9999-12-31"),
    ] {
        let (status, page) = api.page(&uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}: {page}");
        assert!(page.contains(shows), "{uri} shows {shows}");
    }
    let (_, roadmap) = api.page("/roadmap").await;
    assert!(roadmap.matches("class=\"quarter\"").count() <= 200, "the axis stays readable");
    for id in [forever, ancient] {
        let progress = api.call("GET", &format!("/api/v1/initiatives/{id}/progress"), None).await;
        assert_eq!(progress.status, StatusCode::OK, "{}", progress.body);
        assert_eq!(progress.body["items"], 3);
    }
}

#[tokio::test]
async fn nul_characters_are_refused_naming_the_field_on_sqlite() {
    nul_characters_are_refused(Api::new().await).await;
}

#[tokio::test]
async fn nul_characters_are_refused_naming_the_field_on_postgres() {
    let Some(db) = TestDatabase::postgres().await else { return };
    nul_characters_are_refused(Api::over(db).await).await;
}

async fn nul_characters_are_refused(api: Api) {
    let (team, _) = api.basics().await;
    let created = api
        .raw(
            "POST",
            "/api/v1/initiatives",
            Some(format!(r#"{{"title": "Pay\u0000outs", "team_id": {team}, "horizon": "now"}}"#)),
        )
        .await;
    assert_eq!(created.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", created.body);
    assert_eq!(fields(&created), [("title".to_owned(), "must not contain a NUL character".to_owned())]);
    let nested = api
        .raw("POST", "/api/v1/teams", Some(r#"{"name": "Ops", "members": ["a@example.com", "b\u0000"]}"#.to_owned()))
        .await;
    assert_eq!(fields(&nested), [("members[1]".to_owned(), "must not contain a NUL character".to_owned())]);
    let escaped = api.raw("POST", "/api/v1/teams", Some(r#"{"name": "Back\\u0000slash"}"#.to_owned())).await;
    assert_eq!(escaped.status, StatusCode::CREATED, "a backslash then 'u0000' is text: {}", escaped.body);
    assert_eq!(api.call("GET", "/api/v1/initiatives", None).await.body, json!([]), "nothing was written");

    for uri in ["/api/v1/evidence?q=refund%00", "/api/v1/evidence?q=%00"] {
        let searched = api.call("GET", uri, None).await;
        assert_eq!(searched.status, StatusCode::UNPROCESSABLE_ENTITY, "{uri}: {}", searched.body);
        assert_eq!(fields(&searched), [("query".to_owned(), "must not contain a NUL character".to_owned())]);
    }
    let (status, page) = api.page("/evidence?q=refund%00").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("must not contain a NUL character"), "{page}");
}

/// An input that gives `head`, says so, then blocks until the test ends: an import stuck
/// mid-file, as one is when its process is killed.
struct StuckAfter {
    head: std::io::Cursor<Vec<u8>>,
    reached: Option<tokio::sync::oneshot::Sender<()>>,
    release: std::sync::mpsc::Receiver<()>,
}

impl std::io::Read for StuckAfter {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.head.read(buf)?;
        if n > 0 {
            return Ok(n);
        }
        if let Some(reached) = self.reached.take() {
            let _ = reached.send(());
        }
        let _ = self.release.recv(); // Err once the test drops the sender: then the input ends.
        Ok(0)
    }
}

#[tokio::test]
async fn an_import_into_a_new_team_stopped_midway_leaves_no_team() {
    let api = Api::new().await;
    let mut rows = String::from("id,done\n");
    for n in 0..3_000 {
        writeln!(rows, "N-{n},2026-03-04").unwrap();
    }
    let (reached, stuck) = tokio::sync::oneshot::channel();
    let (release, held) = std::sync::mpsc::channel::<()>();
    let input = StuckAfter { head: std::io::Cursor::new(rows.into_bytes()), reached: Some(reached), release: held };
    let format = leadup_web::imports::Format::Csv(leadup_import::CsvMapping::new("id", "done"));
    let import = leadup_web::imports::import(&api.store, "Brand new", input, &format, false, |_| {});
    // The import is dropped once its input is stuck, as a killed process stops: no code of
    // its runs after that.
    tokio::select! {
        _ = import => panic!("the input never ends, so neither does the import"),
        _ = stuck => {}
    }
    drop(release);
    assert_eq!(api.store.team_named("Brand new").await.unwrap(), None, "no empty team is left behind");
    assert_eq!(api.call("GET", "/api/v1/teams", None).await.body, json!([]));
}

#[tokio::test]
async fn a_key_results_values_are_recorded_as_its_history() {
    let api = Api::on(time::macros::date!(2026 - 12 - 04)).await;
    let (_, objective) = api.basics().await;
    let values = format!("/api/v1/objectives/{objective}/key-results/0/values");
    assert_eq!(api.call("GET", &values, None).await.body, json!([]));

    let recorded = api.call("POST", &values, Some(json!({"value": 101.5, "on": "2026-11-01"}))).await;
    assert_eq!(recorded.status, StatusCode::CREATED, "{}", recorded.body);
    assert_eq!(recorded.location.as_deref(), Some(values.as_str()));
    assert_eq!(recorded.body["key_results"][0]["current"], 101.5);
    // Today's, when no day is given; an earlier day recorded later does not replace it.
    api.call("POST", &values, Some(json!({"value": 103}))).await;
    let late = api.call("POST", &values, Some(json!({"value": 99, "on": "2026-10-01"}))).await;
    assert_eq!(late.body["key_results"][0]["current"], 103.0);
    let history = api.call("GET", &values, None).await.body;
    let admin = api.call("GET", "/api/v1/me", None).await.body["user_id"].clone();
    assert_eq!(
        history,
        json!([
            {"on": "2026-10-01", "value": 99.0, "recorded_by": admin},
            {"on": "2026-11-01", "value": 101.5, "recorded_by": admin},
            {"on": "2026-12-04", "value": 103.0, "recorded_by": admin},
        ])
    );

    // A day after today, an unknown field, or a key result that is not there: nothing written.
    let future = api.call("POST", &values, Some(json!({"value": 1, "on": "2026-12-05"}))).await;
    assert_eq!(future.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&future)[0].0, "on");
    let unknown = api.call("POST", &values, Some(json!({"value": 1, "when": "2026-12-01"}))).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    let missing = format!("/api/v1/objectives/{objective}/key-results/3/values");
    assert_eq!(api.call("POST", &missing, Some(json!({"value": 1}))).await.status, StatusCode::NOT_FOUND);
    assert_eq!(api.call("GET", &missing, None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        api.call("GET", "/api/v1/objectives/4040/key-results/0/values", None).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(api.call("GET", &values, None).await.body.as_array().unwrap().len(), 3);
}
