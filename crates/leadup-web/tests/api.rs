//! The JSON API through the real router (no socket): status codes, problem+json bodies
//! that name each bad field, and that a rejected request writes nothing.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use leadup_store::Store;
use leadup_store::testing::TestDatabase;
use leadup_web::{AppState, app};
use serde_json::{Value, json};
use tower::ServiceExt;

struct Api {
    store: Store,
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
        let db = TestDatabase::sqlite();
        let store = Store::connect(&db.url).await.unwrap();
        Self { store, _db: db }
    }

    async fn call(&self, method: &str, uri: &str, body: Option<Value>) -> Reply {
        self.raw(method, uri, body.map(|b| b.to_string())).await
    }

    async fn raw(&self, method: &str, uri: &str, body: Option<String>) -> Reply {
        let mut request = Request::builder().method(method).uri(uri);
        if body.is_some() {
            request = request.header(header::CONTENT_TYPE, "application/json");
        }
        let request = request.body(body.map_or_else(Body::empty, Body::from)).unwrap();
        let response = app(AppState::new(self.store.clone())).oneshot(request).await.unwrap();
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
        let team = self.call("POST", "/api/v1/teams", Some(json!({"name": "Payments", "manager": "Priya"}))).await;
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

    let typo =
        api.call("POST", "/api/v1/teams", Some(json!({"name": "Growth", "manager": "Ana", "colour": "red"}))).await;
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

    let renamed = api.call("PATCH", &format!("/api/v1/teams/{team}"), Some(json!({"members": ["Tom", "Ana"]}))).await;
    assert_eq!(renamed.body["members"], json!(["Tom", "Ana"]));
    assert_eq!(renamed.body["manager"], "Priya");
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
async fn the_openapi_document_lists_every_api_route() {
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
    assert_eq!(documented.len(), 19, "workspace 2, three resources 5 each, alignment, healthz");
    for (path, method) in documented {
        let uri = path.replace("{id}", "1");
        let body = matches!(method, "post" | "patch").then(|| json!({}));
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
