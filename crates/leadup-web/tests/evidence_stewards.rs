//! Evidence behind another team's decision cannot be rewritten from outside it (the security
//! probe's finding): through the real router, a manager of another team who changes evidence
//! cited by Payments' presented proposal, deletes it, or unlinks it from a Payments initiative
//! gets 403 and nothing changes, and the pages offer them no control to try; the user who
//! recorded it, Payments' manager and an administrator may, and each change is audited. On
//! SQLite and PostgreSQL.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use leadup_core::account::NewUser;
use leadup_core::team::TeamInput;
use leadup_store::testing::TestDatabase;
use leadup_store::{Actor, Store};
use leadup_web::{AppState, accounts, app};
use serde_json::{Value, json};
use tower::ServiceExt;

/// Payments, with an initiative and a presented proposal both citing one piece of evidence
/// recorded by a member of Payments; and a token for each person.
struct Probe {
    store: Store,
    evidence: i64,
    initiative: i64,
    proposal: i64,
    recorder: String,
    manager: String,
    other_manager: String,
    admin: String,
    _db: TestDatabase,
}

impl Probe {
    async fn new(db: TestDatabase) -> Self {
        let store = Store::connect(&db.url).await.unwrap();
        let team = |name: &str| TeamInput { name: name.into(), ..TeamInput::default() }.validate().unwrap();
        let payments = store.create_team(&team("Payments"), None).await.unwrap().id;
        let growth = store.create_team(&team("Growth"), None).await.unwrap().id;
        let mut tokens = Vec::new();
        let mut ids = Vec::new();
        for (index, (name, admin, role)) in [
            ("Ravi", false, Some((payments, "member"))),
            ("Sofia", false, Some((payments, "manager"))),
            ("Omar", false, Some((growth, "manager"))),
            ("Ada", true, None),
            ("Mateo", false, Some((payments, "executive"))),
        ]
        .into_iter()
        .enumerate()
        {
            let new = NewUser { email: format!("user{index}@example.com"), name: name.into(), is_admin: admin };
            let user = store.create_user(&new, "not-a-real-hash", 0, None).await.unwrap().id;
            if let Some((team, role)) = role {
                store.set_role(team, user, Some(role.parse().unwrap()), None).await.unwrap();
            }
            tokens.push(accounts::create_token(&store, user, "tests", 0).await.unwrap().1);
            ids.push(user);
        }
        let initiative: leadup_core::initiative::InitiativeInput =
            serde_json::from_value(json!({"title": "Instant refunds", "team_id": payments, "horizon": "now"})).unwrap();
        let initiative = store.create_initiative(&initiative.validate().unwrap()).await.unwrap().id;
        let evidence: leadup_core::evidence::EvidenceInput =
            serde_json::from_value(json!({"kind": "support_ticket", "summary": "Refunds take two weeks"})).unwrap();
        let evidence = store.create_evidence(&evidence.validate().unwrap(), Some(ids[0])).await.unwrap().id;
        store.link_evidence(evidence, initiative, Some(ids[0])).await.unwrap();
        let proposal: leadup_core::proposal::ProposalInput = serde_json::from_value(json!({
            "title": "Instant refunds",
            "problem": {"text": "Refunds take two weeks", "evidence": [evidence]},
            "solution": {"text": "Refund to the card at once"},
            "case": {"discount_rate": 0.1, "one_off_cost": 100, "recurring_cost": 10, "benefits": {"low": [50], "expected": [80], "high": [120]}},
            "ask": {"decision": "Fund it"}
        }))
        .unwrap();
        let at = Actor::new(ids[1], time::macros::datetime!(2027-01-04 10:00 UTC));
        let proposal = store.create_proposal(payments, &proposal, at).await.unwrap().id;
        store.move_proposal(proposal, "presented", at, None).await.unwrap();
        let mut tokens = tokens.into_iter();
        let mut next = || tokens.next().unwrap();
        Self {
            store,
            evidence,
            initiative,
            proposal,
            recorder: next(),
            manager: next(),
            other_manager: next(),
            admin: next(),
            _db: db,
        }
    }

    /// Sends `method uri` with `body` (JSON, or a form when it starts with no brace) as the
    /// holder of `token`; the status and the body as text.
    async fn send(&self, token: &str, method: &str, uri: &str, body: Option<&str>) -> (StatusCode, String) {
        let mut request = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::HOST, "leadup.test")
            .header(header::AUTHORIZATION, format!("Bearer {token}"));
        if let Some(body) = body {
            let kind = if body.starts_with('{') { "application/json" } else { "application/x-www-form-urlencoded" };
            request = request.header(header::CONTENT_TYPE, kind);
        }
        let request = request.body(body.map_or_else(Body::empty, |b| Body::from(b.to_owned()))).unwrap();
        let response = app(AppState::new(self.store.clone())).oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (status, String::from_utf8_lossy(&bytes).into_owned())
    }

    /// The evidence, its links and the audit log: everything a refused request must leave.
    async fn state(&self) -> String {
        format!(
            "{:?}\n{:?}\n{:?}",
            self.store.evidence(self.evidence).await.unwrap(),
            self.store.evidence_initiatives(self.evidence).await.unwrap().iter().map(|i| i.id).collect::<Vec<_>>(),
            self.store.audit_log().await.unwrap().len()
        )
    }

    async fn summary(&self) -> String {
        self.store.evidence(self.evidence).await.unwrap().summary
    }
}

async fn another_teams_manager_cannot_rewrite_payments_evidence(db: TestDatabase) {
    let probe = Probe::new(db).await;
    let (e, i) = (probe.evidence, probe.initiative);
    let before = probe.state().await;
    let other = probe.other_manager.clone();
    let refused = [
        ("PATCH", format!("/api/v1/evidence/{e}"), Some(r#"{"summary": "Refunds are instant"}"#)),
        ("DELETE", format!("/api/v1/evidence/{e}/initiatives/{i}"), None),
        ("DELETE", format!("/api/v1/evidence/{e}"), None),
        ("POST", format!("/evidence/{e}"), Some("kind=support_ticket&summary=Refunds+are+instant")),
        ("POST", format!("/evidence/{e}/initiatives/{i}/remove"), Some("")),
        ("POST", format!("/evidence/{e}/delete"), Some("")),
        ("GET", format!("/evidence/{e}/edit"), None),
    ];
    for (method, uri, body) in refused {
        let (status, text) = probe.send(&other, method, &uri, body).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {uri}: {text:.300}");
        assert!(text.contains("may be changed only by the person who recorded it"), "{method} {uri}: {text:.300}");
        assert_eq!(probe.state().await, before, "{method} {uri} changed something");
    }
    // The evidence page offers them nothing to change, and says who may.
    let (status, page) = probe.send(&other, "GET", &format!("/evidence/{e}"), None).await;
    assert_eq!(status, StatusCode::OK);
    for control in [format!("/evidence/{e}/edit"), format!("/initiatives/{i}/remove"), format!("/evidence/{e}/delete")]
    {
        assert!(!page.contains(&control), "the page offers {control} to another team's manager");
    }
    assert!(page.contains("Only the person who recorded this evidence"));
    assert!(page.contains("Ravi"), "the owner is named");
}

async fn the_recorder_payments_manager_and_an_admin_may(db: TestDatabase) {
    let probe = Probe::new(db).await;
    let (e, i) = (probe.evidence, probe.initiative);
    let (status, page) = probe.send(&probe.manager, "GET", &format!("/evidence/{e}"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&format!("/evidence/{e}/edit")) && page.contains(&format!("/initiatives/{i}/remove")));
    for (token, summary) in [
        (&probe.recorder, "Refunds take 12 days"),
        (&probe.manager, "Refunds take 11 days"),
        (&probe.admin, "Refunds take 10 days"),
    ] {
        let body = json!({"summary": summary}).to_string();
        let (status, text) = probe.send(token, "PATCH", &format!("/api/v1/evidence/{e}"), Some(&body)).await;
        assert_eq!(status, StatusCode::OK, "{text:.300}");
        let answered: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(answered["summary"], summary);
        assert_eq!(probe.summary().await, summary);
    }
    // The presented proposal goes on citing the evidence as it was when presented.
    let p = probe.proposal;
    let (status, text) = probe.send(&probe.manager, "GET", &format!("/api/v1/proposals/{p}"), None).await;
    assert_eq!(status, StatusCode::OK, "{text:.300}");
    let shown: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(shown["evidence_as_cited"][0]["summary"], "Refunds take two weeks", "{shown}");
    assert_eq!(shown["evidence_as_cited"].as_array().unwrap().len(), 1);
    let (status, page) = probe.send(&probe.manager, "GET", &format!("/proposals/{p}"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Refunds take two weeks") && !page.contains("Refunds take 10 days"), "{page}");
    assert!(page.contains("as cited when presented; it has changed since"), "{page}");
    let (status, text) =
        probe.send(&probe.manager, "DELETE", &format!("/api/v1/evidence/{e}/initiatives/{i}"), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "Payments' manager unlinks: {text:.300}");
    let (status, _) = probe.send(&probe.recorder, "PUT", &format!("/api/v1/evidence/{e}/initiatives/{i}"), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "the recorder links it again");
    let (status, _) = probe.send(&probe.admin, "DELETE", &format!("/api/v1/evidence/{e}/initiatives/{i}"), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "an administrator unlinks");
    let actions: Vec<(String, Option<i64>)> = probe
        .store
        .audit_log()
        .await
        .unwrap()
        .into_iter()
        .filter(|entry| entry.event.subject.starts_with(&format!("evidence:{e}")))
        .map(|entry| (entry.event.action, entry.event.actor))
        .collect();
    let names: Vec<&str> = actions.iter().map(|(action, _)| action.as_str()).collect();
    assert_eq!(
        names,
        [
            "evidence.created",
            "evidence.linked",
            "evidence.updated",
            "evidence.updated",
            "evidence.updated",
            "evidence.unlinked",
            "evidence.linked",
            "evidence.unlinked"
        ]
    );
    assert!(actions.iter().all(|(_, actor)| actor.is_some()), "each names who made it");

    // Evidence recorded through the API belongs to the caller.
    let body = r#"{"kind": "sales_request", "summary": "Needs SEPA"}"#;
    let (status, text) = probe.send(&probe.other_manager, "POST", "/api/v1/evidence", Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{text:.300}");
    let created: Value = serde_json::from_str(&text).unwrap();
    let owner = probe.store.evidence(created["id"].as_i64().unwrap()).await.unwrap().recorder_id;
    assert_eq!(created["recorder_id"].as_i64(), owner);
    assert!(owner.is_some());
}

#[tokio::test]
async fn another_teams_manager_is_refused_on_sqlite() {
    another_teams_manager_cannot_rewrite_payments_evidence(TestDatabase::sqlite()).await;
}

#[tokio::test]
async fn another_teams_manager_is_refused_on_postgres() {
    let Some(db) = TestDatabase::postgres().await else { return };
    another_teams_manager_cannot_rewrite_payments_evidence(db).await;
}

#[tokio::test]
async fn stewards_may_change_evidence_on_sqlite() {
    the_recorder_payments_manager_and_an_admin_may(TestDatabase::sqlite()).await;
}

#[tokio::test]
async fn stewards_may_change_evidence_on_postgres() {
    let Some(db) = TestDatabase::postgres().await else { return };
    the_recorder_payments_manager_and_an_admin_may(db).await;
}
