//! Commitments and the track record through the real router (no socket), on SQLite and
//! PostgreSQL: the manager adds one and records its outcomes, bad input is refused naming the
//! field with nothing written, a closed commitment takes no more outcomes, the report's figures
//! are the hand-computed ones, and the team's executive reads what the manager wrote.

use std::collections::HashMap;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use leadup_core::access::Role;
use leadup_core::account::UserInput;
use leadup_core::team::TeamInput;
use leadup_store::Store;
use leadup_store::testing::TestDatabase;
use leadup_web::{AppState, accounts, app};
use serde_json::{Value, json};
use time::Date;
use time::macros::date;
use tower::ServiceExt;

const TODAY: Date = date!(2027 - 01 - 04);

struct Api {
    store: Store,
    team: i64,
    /// Tokens and user ids by role name.
    tokens: HashMap<&'static str, (i64, String)>,
    _db: TestDatabase,
}

impl Api {
    async fn over(db: TestDatabase) -> Self {
        let store = Store::connect(&db.url).await.unwrap();
        let team = store
            .create_team(&TeamInput { name: "Payments".into(), ..TeamInput::default() }.validate().unwrap(), None)
            .await
            .unwrap()
            .id;
        let mut tokens = HashMap::new();
        for (name, role) in [("manager", Role::Manager), ("executive", Role::Executive), ("member", Role::Member)] {
            let input =
                UserInput { email: format!("{name}@example.com"), name: format!("The {name}"), is_admin: false };
            let user = accounts::create_user(&store, &input, "a long test password", 0, None).await.unwrap();
            store.set_role(team, user.id, Some(role), None).await.unwrap();
            let (_, token) = accounts::create_token(&store, user.id, "tests", 0).await.unwrap();
            tokens.insert(name, (user.id, token));
        }
        Self { store, team, tokens, _db: db }
    }

    async fn call(&self, who: &str, method: &str, uri: &str, body: Option<Value>) -> (StatusCode, Value) {
        let noon = TODAY.with_hms(12, 0, 0).unwrap().assume_utc().unix_timestamp();
        let state = AppState::new(self.store.clone()).with_today(TODAY).with_now(noon);
        let mut request = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {}", self.tokens[who].1));
        if body.is_some() {
            request = request.header(header::CONTENT_TYPE, "application/json");
        }
        let request = request.body(body.map_or_else(Body::empty, |b| Body::from(b.to_string()))).unwrap();
        let response = app(state).oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    async fn add(&self, statement: &str, due: &str, confidence: f64, budget: Option<i64>) -> i64 {
        let body = json!({"to_user_id": self.tokens["executive"].0, "statement": statement, "made": "2026-01-05",
                          "due": due, "confidence": confidence, "budget": budget});
        let (status, created) =
            self.call("manager", "POST", &format!("/api/v1/teams/{}/commitments", self.team), Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        created["id"].as_i64().unwrap()
    }

    async fn outcome(&self, id: i64, body: Value) -> (StatusCode, Value) {
        self.call("manager", "POST", &format!("/api/v1/commitments/{id}/outcomes"), Some(body)).await
    }
}

fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map_or_else(Vec::new, |e| e.iter().map(|e| e["field"].as_str().unwrap().to_owned()).collect())
}

async fn the_ledger_through_the_api(db: TestDatabase) {
    let api = Api::over(db).await;
    let list = format!("/api/v1/teams/{}/commitments", api.team);

    // Bad input: each field named, nothing written.
    let bad = json!({"to_user_id": 9_999, "statement": " ", "made": "2026-02-01", "due": "2026-01-31", "confidence": 1.2, "budget": -5});
    let (status, problem) = api.call("manager", "POST", &list, Some(bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(fields(&problem), ["statement", "due", "confidence", "budget"], "{problem}");
    let unknown = json!({"to_user_id": 9_999, "statement": "x", "due": "2027-01-31", "confidence": 0.5});
    let (status, problem) = api.call("manager", "POST", &list, Some(unknown)).await;
    assert_eq!(
        (status, fields(&problem)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["to_user_id".to_owned()]),
        "{problem}"
    );
    let (status, problem) = api
        .call(
            "executive",
            "POST",
            &list,
            Some(json!({"to_user_id": 1, "statement": "x", "due": "2027-01-31", "confidence": 0.5})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only the manager writes: {problem}");
    assert_eq!(api.call("manager", "GET", &list, None).await.1, json!([]));

    // Kept on time (budget 10,000.00, spent 11,000.00); renegotiated early then met; missed.
    let one = api.add("Refunds in seconds", "2026-01-31", 0.9, Some(1_000_000)).await;
    let (status, met) = api.outcome(one, json!({"kind": "met", "on": "2026-01-30", "spent": 1_100_000})).await;
    assert_eq!(status, StatusCode::OK, "{met}");
    assert_eq!((met["state"].as_str(), met["verdict"].as_str()), (Some("met"), Some("kept_on_time")));
    assert_eq!(met["events"][0]["spent"], json!({"minor": 1_100_000, "currency": "EUR"}));
    let two = api.add("Payout reports", "2026-02-28", 0.8, None).await;
    let (status, renegotiated) = api
        .outcome(
            two,
            json!({"kind": "renegotiated", "on": "2026-02-10", "new_due": "2026-03-15", "reason": "Bank API late"}),
        )
        .await;
    assert_eq!(
        (status, renegotiated["current_due"].as_str(), renegotiated["due"].as_str()),
        (StatusCode::OK, Some("2026-03-15"), Some("2026-02-28"))
    );
    api.outcome(two, json!({"kind": "met", "on": "2026-03-10"})).await;
    let three = api.add("SEPA mandates", "2026-03-31", 0.6, None).await;
    api.outcome(three, json!({"kind": "missed", "on": "2026-04-02"})).await;

    // Closed: no more outcomes; an outcome before the commitment was made is refused.
    let (status, problem) = api.outcome(three, json!({"kind": "met", "on": "2026-04-03"})).await;
    assert_eq!((status, fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["kind".to_owned()]), "{problem}");
    let four = api.add("Chargeback alerts", "2026-06-30", 0.7, None).await;
    let (status, problem) = api.outcome(four, json!({"kind": "dropped", "on": "2026-01-01", "reason": "No"})).await;
    assert_eq!((status, fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["on".to_owned()]), "{problem}");
    let (_, shown) = api.call("executive", "GET", &format!("/api/v1/commitments/{three}"), None).await;
    assert_eq!(shown["events"].as_array().unwrap().len(), 1, "nothing written: {shown}");
    assert_eq!(
        api.call("member", "GET", &list, None).await.1.as_array().unwrap().len(),
        4,
        "the team's people read it"
    );

    // The report, by hand: closed 3 (1 kept, 1 renegotiated early, 1 missed);
    // on_time_rate 1/3; slip: #2 met 03-10 vs 02-28 = 10 days; brier (0.01 + 0.64 + 0.36) / 3 = 1.01 / 3;
    // budget (11,000 − 10,000) / 10,000 = 0.1.
    let (status, report) =
        api.call("executive", "GET", &format!("/api/v1/teams/{}/credibility?to=2026-12-31", api.team), None).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let counts: Vec<i64> = ["commitments", "kept_on_time", "renegotiated_early", "missed", "dropped"]
        .iter()
        .map(|k| report[k].as_i64().unwrap())
        .collect();
    assert_eq!(counts, [3, 1, 1, 1, 0]);
    assert!((report["on_time_rate"].as_f64().unwrap() - 1.0 / 3.0).abs() < 1e-12);
    assert_eq!(report["mean_slip_days"], 10.0);
    assert!((report["brier"].as_f64().unwrap() - 1.01 / 3.0).abs() < 1e-12);
    assert!((report["budget_variance"].as_f64().unwrap() - 0.1).abs() < 1e-12);
    assert_eq!(report["managers"], json!(["The manager"]));
    let (status, problem) = api
        .call(
            "executive",
            "GET",
            &format!("/api/v1/teams/{}/credibility?from=2026-05-01&to=2026-04-01", api.team),
            None,
        )
        .await;
    assert_eq!((status, fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["from".to_owned()]), "{problem}");
}

#[tokio::test]
async fn the_ledger_through_the_api_on_sqlite() {
    the_ledger_through_the_api(TestDatabase::sqlite()).await;
}

#[tokio::test]
async fn the_ledger_through_the_api_on_postgres() {
    let Some(db) = TestDatabase::postgres().await else { return };
    the_ledger_through_the_api(db).await;
}
