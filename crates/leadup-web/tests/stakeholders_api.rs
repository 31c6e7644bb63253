//! Teams show the users holding each role, and stakeholder profiles through the API: who
//! sees and edits them, what is validated, and that a webhook is shown only by its host. Runs
//! on SQLite and on PostgreSQL.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use leadup_core::account::UserInput;
use leadup_store::Store;
use leadup_store::testing::TestDatabase;
use leadup_web::{AppState, accounts, app};
use serde_json::{Value, json};
use tower::ServiceExt;

struct Site {
    state: AppState,
    _db: TestDatabase,
}

impl Site {
    async fn call(&self, token: &str, method: &str, uri: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut request = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::HOST, "leadup.test")
            .header(header::AUTHORIZATION, format!("Bearer {token}"));
        if body.is_some() {
            request = request.header(header::CONTENT_TYPE, "application/json");
        }
        let body = body.map_or_else(Body::empty, |b| Body::from(b.to_string()));
        let response = app(self.state.clone()).oneshot(request.body(body).unwrap()).await.unwrap();
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }
}

/// A user and their API token.
async fn user(store: &Store, email: &str, name: &str, is_admin: bool) -> (i64, String) {
    let input = UserInput { email: email.into(), name: name.into(), is_admin };
    let user = accounts::create_user(store, &input, "a long test password", 0, None).await.unwrap();
    let (_, token) = accounts::create_token(store, user.id, "tests", 0).await.unwrap();
    (user.id, token)
}

async fn profiles_through_the_api(db: TestDatabase) {
    let store = Store::connect(&db.url).await.unwrap();
    let site = Site { state: AppState::new(store.clone()), _db: db };
    let (_, admin) = user(&store, "admin@example.com", "Avery Admin", true).await;
    let (sofia_id, sofia) = user(&store, "sofia@example.com", "Sofia", false).await;
    let (mateo_id, mateo) = user(&store, "mateo@example.com", "Mateo Fernández", false).await;
    let (_, nia) = user(&store, "nia@example.com", "Nia", false).await;
    let (_, kwame) = user(&store, "kwame@example.com", "Kwame", false).await;

    // The administrator creates the teams, naming their people by address.
    let (status, payments) = site
        .call(
            &admin,
            "POST",
            "/api/v1/teams",
            Some(json!({"name": "Payments", "managers": ["sofia@example.com"],
            "members": ["kwame@example.com"], "executives": ["mateo@example.com"]})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{payments}");
    let (status, _) = site
        .call(&admin, "POST", "/api/v1/teams", Some(json!({"name": "Platform", "managers": ["nia@example.com"]})))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let team = payments["id"].as_i64().unwrap();
    let (_, listed) = site.call(&kwame, "GET", "/api/v1/teams", None).await;
    assert_eq!(listed[0]["name"], "Payments");
    assert_eq!(listed[0]["executives"], json!([{"user_id": mateo_id, "name": "Mateo Fernández"}]));
    assert_eq!(listed[0]["managers"], json!([{"user_id": sofia_id, "name": "Sofia"}]));
    // The executive the team shows may see its dashboard.
    let (status, _) = site.call(&mateo, "GET", &format!("/api/v1/teams/{team}/progress"), None).await;
    assert_eq!(status, StatusCode::OK);

    let objective = json!({"title": "Become the way customers pay", "owner": "mateo  fernández",
        "key_results": [{"metric": "Share", "unit": "%", "baseline": 10, "target": 30, "due": "2027-12-31"}]});
    let (_, objective) = site.call(&admin, "POST", "/api/v1/objectives", Some(objective)).await;
    let objective = objective["id"].as_i64().unwrap();
    let (_, initiative) = site
        .call(
            &admin,
            "POST",
            "/api/v1/initiatives",
            Some(json!({"title": "Instant payouts", "team_id": team, "horizon": "now"})),
        )
        .await;
    let initiative = initiative["id"].as_i64().unwrap();

    // The profile exists with the starting preferences; he owns the objective by his name.
    let (status, list) = site.call(&sofia, "GET", "/api/v1/stakeholders", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list.as_array().unwrap().len(), 1);
    let shown = &list[0];
    assert_eq!((shown["user_id"].as_i64(), shown["saved"].as_bool()), (Some(mateo_id), Some(false)));
    assert_eq!(shown["team_ids"], json!([team]));
    assert_eq!(shown["owned_objective_ids"], json!([objective]));
    assert_eq!(shown["topics"], json!(["progress", "risks", "decisions"]));
    assert_eq!((shown["cadence"].as_str(), &shown["channel"]), (Some("fortnightly"), &json!({"kind": "email"})));

    // Bad input names every field and saves nothing.
    let path = format!("/api/v1/stakeholders/{mateo_id}");
    let bad = json!({"topics": ["gossip"], "cadence": "daily", "channel": "webhook", "webhook_url": "http://hooks.example.com/x"});
    let (status, problem) = site.call(&sofia, "PUT", &path, Some(bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> =
        problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["topics[0]", "cadence", "webhook_url"]);
    assert_eq!(site.call(&sofia, "GET", &path, None).await.1["saved"], false);

    let good = json!({"topics": ["risks", "budget"], "cadence": "weekly", "channel": "webhook",
        "webhook_url": "https://hooks.example.com/services/T0/B0/very-secret", "objective_ids": [objective], "initiative_ids": [initiative]});
    let (status, saved) = site.call(&sofia, "PUT", &path, Some(good)).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["channel"], json!({"kind": "webhook", "host": "hooks.example.com"}));
    assert!(!saved.to_string().contains("very-secret"), "the address is never shown: {saved}");
    assert_eq!((saved["initiative_ids"].clone(), saved["saved"].clone()), (json!([initiative]), json!(true)));
    // Saving without an address keeps the stored one.
    let (_, kept) = site
        .call(&sofia, "PUT", &path, Some(json!({"topics": ["wins"], "cadence": "monthly", "channel": "webhook"})))
        .await;
    assert_eq!(kept["channel"]["host"], "hooks.example.com");

    // The executive reads his own profile; the member, another team's manager and an
    // administrator holding no role in the team do not, and only the manager edits it.
    assert_eq!(site.call(&mateo, "GET", &path, None).await.0, StatusCode::OK);
    let edit = json!({"topics": ["risks"], "cadence": "weekly", "channel": "email"});
    assert_eq!(site.call(&mateo, "PUT", &path, Some(edit.clone())).await.0, StatusCode::FORBIDDEN);
    for (who, token) in [("member", &kwame), ("other team's manager", &nia), ("administrator", &admin)] {
        assert_eq!(site.call(token, "GET", &path, None).await.0, StatusCode::FORBIDDEN, "{who}");
        assert_eq!(site.call(token, "PUT", &path, Some(edit.clone())).await.0, StatusCode::FORBIDDEN, "{who}");
        assert_eq!(site.call(token, "GET", "/api/v1/stakeholders", None).await.1, json!([]), "{who}");
    }
    assert_eq!(site.call(&sofia, "GET", &path, None).await.1["topics"], json!(["wins"]), "nothing changed");
    // A user who is no executive is no stakeholder.
    assert_eq!(
        site.call(&sofia, "GET", &format!("/api/v1/stakeholders/{sofia_id}"), None).await.0,
        StatusCode::NOT_FOUND
    );

    // The page shows the host, never the address.
    let request = Request::builder()
        .uri(format!("/stakeholders/{mateo_id}"))
        .header(header::HOST, "leadup.test")
        .header(header::AUTHORIZATION, format!("Bearer {sofia}"))
        .body(Body::empty())
        .unwrap();
    let response = app(site.state.clone()).oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let page = String::from_utf8(response.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
    assert!(page.contains("hooks.example.com") && !page.contains("very-secret"), "{page}");
    assert!(page.contains("None have been sent yet."), "the briefs section says so");
}

#[tokio::test]
async fn profiles_through_the_api_on_sqlite() {
    profiles_through_the_api(TestDatabase::sqlite()).await;
}

#[tokio::test]
async fn profiles_through_the_api_on_postgres() {
    let Some(db) = TestDatabase::postgres().await else { return };
    profiles_through_the_api(db).await;
}

/// The administration page lists a team's pending people ("no account yet") and removes one.
#[tokio::test]
async fn pending_people_are_listed_and_removed_by_an_administrator() {
    let db = TestDatabase::sqlite();
    let store = Store::connect(&db.url).await.unwrap();
    let site = Site { state: AppState::new(store.clone()), _db: db };
    let (_, admin) = user(&store, "admin@example.com", "Avery Admin", true).await;
    let (_, kwame) = user(&store, "kwame@example.com", "Kwame", false).await;
    let (status, team) = site.call(&admin, "POST", "/api/v1/teams", Some(json!({"name": "Payments"}))).await;
    assert_eq!(status, StatusCode::CREATED);
    let team = team["id"].as_i64().unwrap();
    let sql =
        format!("INSERT INTO pending_people (team_id, role, name) VALUES ({team}, 'executive', 'Priya <b>Raman</b>')");
    leadup_store::testing::execute(&store, &sql).await.unwrap();
    let (_, shown) = site.call(&kwame, "GET", &format!("/api/v1/teams/{team}"), None).await;
    assert_eq!(shown["executives"], json!([{"user_id": null, "name": "Priya <b>Raman</b>"}]));

    let page = |token: String| {
        let request = Request::builder()
            .uri("/admin")
            .header(header::HOST, "leadup.test")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap();
        let state = site.state.clone();
        async move {
            let response = app(state).oneshot(request).await.unwrap();
            String::from_utf8(response.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap()
        }
    };
    let html = page(admin.clone()).await;
    assert!(html.contains(r#"id="pending""#) && html.contains("Priya &lt;b&gt;Raman&lt;/b&gt;"), "escaped: {html}");
    let request = Request::builder()
        .method("POST")
        .uri("/admin/pending")
        .header(header::HOST, "leadup.test")
        .header(header::AUTHORIZATION, format!("Bearer {admin}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("team={team}&role=executive&name=Priya+%3Cb%3ERaman%3C%2Fb%3E")))
        .unwrap();
    let response = app(site.state.clone()).oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(store.team(team).await.unwrap().executives, []);
    assert!(!page(admin).await.contains(r#"id="pending""#), "the section goes when nobody is pending");
}
