//! The plan workflow through the real router (no socket), on SQLite and PostgreSQL: a manager
//! drafts and submits, an executive approves into the baseline (and cannot edit it), a member
//! files a change request whose impact comes from the team's throughput, the manager and an
//! executive decide it into the next baseline, versions are compared, the disruption record
//! sums it up, and a re-plan goes through approval again. The plan and change-request pages
//! show each person the actions their role allows. A proposal goes the same way: the
//! manager writes it (bad fields named, nothing written), presents it, and an executive
//! approves it; its numbers, delivery forecast, opinions and briefs follow.

use std::collections::HashMap;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use leadup_app::impact::plan_change_impact;
use leadup_core::access::Role;
use leadup_core::account::UserInput;
use leadup_core::change_request::{Change, Impact};
use leadup_core::initiative::InitiativeInput;
use leadup_core::team::TeamInput;
use leadup_core::work_item::{StatusCategory, WorkItem};
use leadup_store::Store;
use leadup_store::testing::TestDatabase;
use leadup_web::{AppState, accounts, app};
use serde_json::{Value, json};
use time::macros::{date, datetime};
use time::{Date, Duration};
use tower::ServiceExt;

const TODAY: Date = date!(2027 - 01 - 04);

/// A team with three initiatives, 90 days of done work, and a user of each role (and one of
/// no role) with an API token.
struct Api {
    store: Store,
    team: i64,
    initiatives: Vec<i64>,
    /// Tokens and user ids by role name: manager, executive, member, outsider.
    tokens: HashMap<&'static str, (i64, String)>,
    _db: TestDatabase,
}

struct Reply {
    status: StatusCode,
    location: Option<String>,
    body: Value,
    text: String,
}

fn done_item(n: i64) -> WorkItem {
    // Two items done on every third day and one on the others, over the last 90 days.
    let day = TODAY - Duration::days(1 + n % 90);
    let done = Some(day.with_hms(12, 0, 0).unwrap().assume_utc());
    WorkItem {
        key: format!("PAY-{n}"),
        title: format!("Item {n}"),
        kind: "Story".into(),
        status: "Done".into(),
        category: StatusCategory::from_times(None, done),
        created: Some(datetime!(2026-09-01 09:00 UTC)),
        started: None,
        done,
        estimate: None,
        parent: None,
        labels: vec![],
        milestone: None,
    }
}

impl Api {
    async fn over(db: TestDatabase) -> Self {
        let store = Store::connect(&db.url).await.unwrap();
        let team = TeamInput { name: "Payments".into(), ..TeamInput::default() };
        let team = store.create_team(&team.validate().unwrap(), None).await.unwrap().id;
        let other = TeamInput { name: "Platform".into(), ..TeamInput::default() };
        let other = store.create_team(&other.validate().unwrap(), None).await.unwrap().id;
        let mut import = store.begin_import(team).await.unwrap();
        for n in 0..120 {
            import.upsert(done_item(n)).await.unwrap();
        }
        import.commit().await.unwrap();
        let mut initiatives = Vec::new();
        for title in ["Instant refunds", "Payout reports", "SEPA mandates"] {
            let input = json!({"title": title, "team_id": team, "horizon": "now", "budget_planned": 100_000});
            let draft = serde_json::from_value::<InitiativeInput>(input).unwrap().validate().unwrap();
            initiatives.push(store.create_initiative(&draft).await.unwrap().id);
        }
        let mut tokens = HashMap::new();
        for (name, role, of) in [
            ("manager", Some(Role::Manager), team),
            ("executive", Some(Role::Executive), team),
            ("member", Some(Role::Member), team),
            ("outsider", Some(Role::Manager), other),
        ] {
            let input =
                UserInput { email: format!("{name}@example.com"), name: format!("The {name}"), is_admin: false };
            let user = accounts::create_user(&store, &input, "a long test password", 0, None).await.unwrap();
            store.set_role(of, user.id, role, None).await.unwrap();
            let (_, token) = accounts::create_token(&store, user.id, "tests", 0).await.unwrap();
            tokens.insert(name, (user.id, token));
        }
        Self { store, team, initiatives, tokens, _db: db }
    }

    fn state(&self) -> AppState {
        let noon = TODAY.with_hms(12, 0, 0).unwrap().assume_utc().unix_timestamp();
        AppState::new(self.store.clone()).with_today(TODAY).with_now(noon)
    }

    fn user(&self, who: &str) -> i64 {
        self.tokens[who].0
    }

    /// Sends a request as `who` (`None`: without credentials).
    async fn call(&self, who: Option<&str>, method: &str, uri: &str, body: Option<Value>) -> Reply {
        let mut request = Request::builder().method(method).uri(uri);
        if let Some(who) = who {
            request = request.header(header::AUTHORIZATION, format!("Bearer {}", self.tokens[who].1));
        }
        if body.is_some() {
            request = request.header(header::CONTENT_TYPE, "application/json");
        }
        let request = request.body(body.map_or_else(Body::empty, |b| Body::from(b.to_string()))).unwrap();
        let response = app(self.state()).oneshot(request).await.unwrap();
        let status = response.status();
        let location = response.headers().get(header::LOCATION).map(|l| l.to_str().unwrap().to_owned());
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        Reply { status, location, body: serde_json::from_str(&text).unwrap_or(Value::Null), text }
    }

    async fn as_(&self, who: &str, method: &str, uri: &str, body: Option<Value>) -> Reply {
        self.call(Some(who), method, uri, body).await
    }

    /// A page's HTML as `who` sees it.
    async fn page(&self, who: &str, uri: &str) -> String {
        let reply = self.as_(who, "GET", uri, None).await;
        assert_eq!(reply.status, StatusCode::OK, "{uri} as {who}: {}", reply.text);
        reply.text
    }

    fn item(&self, n: usize, target: &str, scope: u32) -> Value {
        json!({"initiative_id": self.initiatives[n], "target_date": target, "budget": 100_000 * (n as i64 + 1), "scope": scope})
    }
}

#[allow(clippy::too_many_lines)] // one workflow, read top to bottom
async fn workflow(db: TestDatabase) {
    let api = Api::over(db).await;
    let team = api.team;
    let (i1, i2) = (api.initiatives[0], api.initiatives[1]);

    // The manager drafts a plan; nobody else may.
    let new = json!({"name": "2027 Q1", "period_start": "2027-01-01", "period_end": "2027-03-31",
        "items": [api.item(0, "2027-01-31", 10), api.item(1, "2027-02-28", 15)]});
    let uri = format!("/api/v1/teams/{team}/plans");
    assert_eq!(api.as_("executive", "POST", &uri, Some(new.clone())).await.status, StatusCode::FORBIDDEN);
    assert_eq!(api.call(None, "POST", &uri, Some(new.clone())).await.status, StatusCode::UNAUTHORIZED);
    let created = api.as_("manager", "POST", &uri, Some(new)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let plan = created.body["id"].as_i64().unwrap();
    assert_eq!(created.location.as_deref(), Some(format!("/api/v1/plans/{plan}").as_str()));
    assert_eq!(created.body["versions"][0]["status"], "draft");
    let listed = api.as_("member", "GET", &uri, None).await;
    assert_eq!(listed.body.as_array().unwrap().len(), 1);
    assert_eq!(api.as_("outsider", "GET", &format!("/api/v1/plans/{plan}"), None).await.status, StatusCode::FORBIDDEN);

    // A bad draft names its fields and changes nothing.
    let draft_uri = format!("/api/v1/plans/{plan}/draft");
    let bad = json!({"items": [api.item(0, "31.1.2027", 10), api.item(0, "2027-01-31", 3)]});
    let refused = api.as_("manager", "PUT", &draft_uri, Some(bad)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> =
        refused.body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["items[0].target_date", "items[1].initiative_id"]);
    let items =
        json!({"items": [api.item(0, "2027-01-31", 10), api.item(1, "2027-02-28", 15), api.item(2, "2027-03-31", 12)]});
    let executive_edit = api.as_("executive", "PUT", &draft_uri, Some(items.clone())).await;
    assert_eq!(executive_edit.status, StatusCode::FORBIDDEN);
    assert!(
        executive_edit.body["detail"].as_str().unwrap().contains("file a change request"),
        "{}",
        executive_edit.text
    );
    let edited = api.as_("manager", "PUT", &draft_uri, Some(items.clone())).await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.text);
    assert_eq!(edited.body["versions"][0]["content"].as_array().unwrap().len(), 3);

    // The plan page: the manager edits the draft; the executive cannot.
    let page = api.page("manager", &format!("/plans/{plan}")).await;
    assert!(page.contains(&format!("action=\"/plans/{plan}/draft\"")) && page.contains("Submit for approval"));
    let page = api.page("executive", &format!("/plans/{plan}")).await;
    assert!(!page.contains("/draft\"") && page.contains("The team's manager is drafting this version."));

    // Submitted, it is approved by an executive only, into the baseline.
    assert_eq!(api.as_("manager", "POST", &format!("/api/v1/plans/{plan}/submit"), None).await.status, StatusCode::OK);
    let approve = format!("/api/v1/plans/{plan}/approve");
    assert_eq!(api.as_("manager", "POST", &approve, None).await.status, StatusCode::FORBIDDEN);
    assert!(api.page("executive", &format!("/plans/{plan}")).await.contains("Approve version 1"));
    let approved = api.as_("executive", "POST", &approve, None).await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.text);
    let v1 = &approved.body["versions"][0];
    assert_eq!(v1["status"], "approved");
    assert_eq!(v1["approved"]["user_id"], api.user("executive"));
    assert_eq!(v1["approved"]["at"], "2027-01-04T12:00:00Z");
    let content: Vec<leadup_core::plan::PlanItemInput> = serde_json::from_value(items["items"].clone()).unwrap();
    let hash = leadup_core::plan::validate_items(&content).unwrap().content_hash();
    assert_eq!(v1["content_hash"], hash.as_str());

    // Nobody edits a baseline: the manager is pointed to change requests, and so is the
    // executive, whose page offers only "Request a change".
    let after = api.as_("manager", "PUT", &draft_uri, Some(items)).await;
    assert_eq!(after.status, StatusCode::FORBIDDEN);
    assert!(after.body["detail"].as_str().unwrap().contains("file a change request against it"), "{}", after.text);
    let page = api.page("executive", &format!("/plans/{plan}")).await;
    assert!(page.contains("Request a change") && page.contains(&hash) && page.contains("The executive"));
    assert!(!page.contains("/draft\"") && !page.contains("Start a re-plan"));

    // A member files a change request; its impact is the forecast of the baseline with and
    // without the change, from the team's throughput.
    let requests = format!("/api/v1/plans/{plan}/change-requests");
    let invalid = json!({"change": {"kind": "redate", "initiative_id": i1, "budget": 5}, "reason": " "});
    let invalid = api.as_("member", "POST", &requests, Some(invalid)).await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        invalid.body["detail"],
        "change.target_date: is required for a redate change; change.budget: does not apply to a redate change; \
         reason: must not be empty"
    );
    let filed = json!({"change": {"kind": "rescope", "initiative_id": i1, "scope": 25},
        "reason": "The bank's API needs a second integration", "urgency": "high"});
    let filed = api.as_("member", "POST", &requests, Some(filed)).await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.text);
    let request = filed.body["id"].as_i64().unwrap();
    assert_eq!(filed.location.as_deref(), Some(format!("/api/v1/change-requests/{request}").as_str()));
    let impact: Impact = serde_json::from_value(filed.body["impact"].clone()).unwrap();
    let change = Change::Rescope { initiative_id: i1, scope: 25 };
    let expected = plan_change_impact(&api.store, plan, &change, TODAY).await.unwrap();
    assert_eq!(impact, expected, "the stored impact is the impact service's");
    assert_eq!(impact.initiatives.len(), 3);
    assert!(impact.initiatives[0].delay_days.unwrap() > 0, "more scope finishes later: {impact:?}");
    assert!(impact.delay_days() > 0);
    assert_eq!(impact.budget_delta(), 0);
    assert_eq!(filed.body["evidence_ids"], json!([]));
    assert_eq!(
        api.as_("outsider", "GET", &format!("/api/v1/change-requests/{request}"), None).await.status,
        StatusCode::FORBIDDEN
    );
    let page = api.page("manager", &format!("/change-requests/{request}")).await;
    assert!(page.contains("What it costs") && page.contains("no evidence — opinion"));
    assert!(page.contains(&format!("+{} days", impact.delay_days())), "the total delay is shown");
    assert!(page.contains(&format!("action=\"/change-requests/{request}/decision\"")));
    assert!(!api.page("member", &format!("/change-requests/{request}")).await.contains("/decision\""));

    // The manager and an executive decide it together; a member may not.
    let decision = format!("/api/v1/change-requests/{request}/decision");
    let accept = json!({"decision": "accept", "rationale": "The integration is unavoidable"});
    assert_eq!(api.as_("member", "POST", &decision, Some(accept.clone())).await.status, StatusCode::FORBIDDEN);
    let first = api.as_("manager", "POST", &decision, Some(accept.clone())).await;
    assert_eq!((first.status, first.body["status"].as_str()), (StatusCode::OK, Some("open")));
    assert_eq!(first.body["manager"]["decision"], "accept");
    let reject = json!({"decision": "reject", "rationale": "No"});
    let clash = api.as_("executive", "POST", &decision, Some(reject)).await;
    assert_eq!(clash.status, StatusCode::CONFLICT, "{}", clash.text);
    let unknown = api.as_("executive", "POST", &decision, Some(json!({"decision": "maybe", "rationale": "?"}))).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    let done = api.as_("executive", "POST", &decision, Some(accept)).await;
    assert_eq!((done.status, done.body["status"].as_str()), (StatusCode::OK, Some("accepted")), "{}", done.text);
    assert_eq!(done.body["resulting_version"], 2);

    // The accepted change is the next baseline; the diff says what changed.
    let shown = api.as_("member", "GET", &format!("/api/v1/plans/{plan}"), None).await;
    let statuses: Vec<&str> =
        shown.body["versions"].as_array().unwrap().iter().map(|v| v["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["superseded", "approved"]);
    assert_eq!(shown.body["versions"][1]["origin"], "change_request");
    assert_eq!(shown.body["versions"][1]["approved"]["user_id"], api.user("executive"));
    let changes = api.as_("member", "GET", &format!("/api/v1/plans/{plan}/diff?from=1&to=2"), None).await;
    assert_eq!(
        changes.body,
        json!({"added": [], "removed": [], "redated": [], "rebudgeted": [],
               "rescoped": [{"initiative_id": i1, "old": 10, "new": 25}], "reprioritised": []})
    );
    assert_eq!(
        api.as_("member", "GET", &format!("/api/v1/plans/{plan}/diff?from=1&to=9"), None).await.status,
        StatusCode::NOT_FOUND
    );
    let history = api.page("member", &format!("/plans/{plan}?from=1&to=2")).await;
    assert!(history.contains("From version 1 to version 2") && history.contains("Re-scoped"));
    let listed = api.as_("member", "GET", &requests, None).await;
    assert_eq!(listed.body.as_array().unwrap().len(), 1);

    // The disruption record of the quarter sums it up.
    let record = api.as_("executive", "GET", &format!("/api/v1/teams/{team}/disruption"), None).await;
    assert_eq!(record.status, StatusCode::OK, "{}", record.text);
    assert_eq!((record.body["filed"].as_u64(), record.body["accepted"].as_u64()), (Some(1), Some(1)));
    assert_eq!(record.body["share_without_evidence"], 1.0);
    assert_eq!(record.body["delay_days_accepted"], impact.delay_days());
    assert_eq!(record.body["filers"][0]["name"], "The member");
    let before = api
        .as_("executive", "GET", &format!("/api/v1/teams/{team}/disruption?from=2026-10-01&to=2026-12-31"), None)
        .await;
    assert_eq!(before.body["filed"], 0);
    let backwards = api
        .as_("executive", "GET", &format!("/api/v1/teams/{team}/disruption?from=2027-02-01&to=2027-01-01"), None)
        .await;
    assert_eq!(backwards.status, StatusCode::UNPROCESSABLE_ENTITY);

    // A re-plan starts a draft from the baseline, which again needs an executive's approval.
    let replanned = api.as_("manager", "POST", &format!("/api/v1/plans/{plan}/replan"), None).await;
    assert_eq!(replanned.status, StatusCode::OK, "{}", replanned.text);
    assert_eq!(
        (replanned.body["versions"][2]["status"].as_str(), replanned.body["versions"][2]["origin"].as_str()),
        (Some("draft"), Some("replan"))
    );
    let reordered = json!({"items": [api.item(1, "2027-02-28", 15), api.item(0, "2027-01-31", 25)]});
    assert_eq!(api.as_("manager", "PUT", &draft_uri, Some(reordered)).await.status, StatusCode::OK);
    assert_eq!(
        api.as_("executive", "POST", &approve, None).await.status,
        StatusCode::CONFLICT,
        "a draft is submitted first"
    );
    assert_eq!(api.as_("manager", "POST", &format!("/api/v1/plans/{plan}/submit"), None).await.status, StatusCode::OK);
    let approved = api.as_("executive", "POST", &approve, None).await;
    let statuses: Vec<&str> =
        approved.body["versions"].as_array().unwrap().iter().map(|v| v["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["superseded", "superseded", "approved"]);
    let changes = api.as_("member", "GET", &format!("/api/v1/plans/{plan}/diff?from=2&to=3"), None).await;
    assert_eq!(changes.body["removed"][0]["initiative_id"], api.initiatives[2]);
    assert_eq!(
        changes.body["reprioritised"],
        json!([{"initiative_id": i2, "old": 2, "new": 1}, {"initiative_id": i1, "old": 1, "new": 2}])
    );

    // A plan without a baseline takes no change requests.
    let second = json!({"name": "2027 Q2", "period_start": "2027-04-01", "period_end": "2027-06-30"});
    let second = api.as_("manager", "POST", &uri, Some(second)).await.body["id"].as_i64().unwrap();
    let early = json!({"change": {"kind": "remove", "initiative_id": i1}, "reason": "Too soon"});
    let early = api.as_("member", "POST", &format!("/api/v1/plans/{second}/change-requests"), Some(early)).await;
    assert_eq!(early.status, StatusCode::CONFLICT, "{}", early.text);
    assert!(api.store.verify_audit_log().await.unwrap().is_ok(), "the audit chain holds");
}

#[tokio::test]
async fn the_plan_workflow_on_sqlite() {
    workflow(TestDatabase::sqlite()).await;
}

#[tokio::test]
async fn the_plan_workflow_on_postgres() {
    let Some(db) = TestDatabase::postgres().await else { return };
    workflow(db).await;
}

#[allow(clippy::too_many_lines)] // one workflow, read top to bottom
async fn proposal_workflow(db: TestDatabase) {
    let api = Api::over(db).await;
    let (team, refunds) = (api.team, api.initiatives[0]);
    let evidence = serde_json::from_value::<leadup_core::evidence::EvidenceInput>(
        json!({"kind": "support_ticket", "summary": "Refunds take two weeks", "customer": "Globex", "date": "2026-12-01"}),
    )
    .unwrap();
    let evidence = api.store.create_evidence(&evidence.validate().unwrap(), None).await.unwrap().id;
    let input = json!({
        "title": "Instant refunds",
        "problem": {"text": "Refunds take two weeks", "evidence": [evidence]},
        "solution": {"text": "Refund to the card at once"},
        "initiative_id": refunds,
        "beneficiaries": [{"who": "customers", "text": "Money back the same day", "evidence": [evidence]}],
        "risks": [{"text": "Card networks may charge more"}],
        "case": {"discount_rate": 0.1, "one_off_cost": 10_000_000, "recurring_cost": 2_000_000,
                 "benefits": {"low": [4_000_000, 4_000_000, 4_000_000], "expected": [6_000_000, 6_000_000, 6_000_000], "high": [8_000_000, 8_000_000, 8_000_000]}},
        "ask": {"money": 10_000_000, "people": 2, "decision": "Fund a two-person team for a quarter", "decide_by": "2027-01-31"}
    });
    let uri = format!("/api/v1/teams/{team}/proposals");

    // Only the team's manager writes proposals; bad input names every field and writes nothing.
    assert_eq!(api.as_("member", "POST", &uri, Some(input.clone())).await.status, StatusCode::FORBIDDEN);
    let mut bad = input.clone();
    bad["case"]["discount_rate"] = json!(12);
    bad["case"]["one_off_cost"] = json!(-1);
    bad["case"]["benefits"]["high"] = json!([]);
    bad["problem"]["evidence"] = json!([evidence + 100]);
    bad["ask"]["decide_by"] = json!("2026-12-01");
    bad["status"] = json!("approved");
    let refused = api.as_("manager", "POST", &uri, Some(bad)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text);
    let fields: Vec<&str> =
        refused.body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["status"]);
    let mut bad = input.clone();
    bad["case"]["discount_rate"] = json!(12);
    bad["case"]["one_off_cost"] = json!(-1);
    bad["case"]["benefits"]["high"] = json!([]);
    bad["problem"]["evidence"] = json!([evidence + 100]);
    bad["ask"]["decide_by"] = json!("2026-12-01");
    let refused = api.as_("manager", "POST", &uri, Some(bad)).await;
    let fields: Vec<&str> =
        refused.body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(
        fields,
        ["problem.evidence[0]", "case.discount_rate", "case.one_off_cost", "case.benefits.high", "ask.decide_by"]
    );
    assert!(api.store.proposals().await.unwrap().is_empty(), "nothing was written");

    // Written: the numbers, the delivery forecast from the initiative's team, the opinions.
    let created = api.as_("manager", "POST", &uri, Some(input.clone())).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let id = created.body["id"].as_i64().unwrap();
    assert_eq!(created.location.as_deref(), Some(format!("/api/v1/proposals/{id}").as_str()));
    assert_eq!(created.body["input"]["status"], "draft");
    // Expected: 3 periods of 60,000 − 20,000 at 10%: 40,000 × 2.486852 = 99,474.08 − 100,000.
    assert_eq!(created.body["evaluation"]["expected"]["npv"], -52_592);
    assert_eq!(created.body["opinions"], json!(["solution", "risks[0]"]));
    assert_eq!(created.body["unaligned"], true);
    assert_eq!(created.body["strength"]["level"], "weak", "one support ticket: {}", created.body["strength"]);
    assert_eq!(created.body["delivery"]["initiative"], "Instant refunds");
    assert!(created.body["delivery"]["note"].as_str().unwrap().len() > 10, "{}", created.body["delivery"]);

    // The manager edits the draft, then presents it; a presented proposal is not edited.
    let mut edited = input.clone();
    edited["solution"]["evidence"] = json!([evidence]);
    let proposal_uri = format!("/api/v1/proposals/{id}");
    let reply = api.as_("manager", "PUT", &proposal_uri, Some(edited.clone())).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.body["opinions"], json!(["risks[0]"]));
    // Its expected NPV is negative: presenting it needs a confirmation, and a refusal changes
    // nothing.
    let present = format!("{proposal_uri}/present");
    let refused = api.as_("manager", "POST", &present, None).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.text);
    assert!(refused.text.contains("EUR -525.92") && refused.text.contains("confirm_negative_npv"), "{}", refused.text);
    let garbled = api.as_("manager", "POST", &present, Some(json!({"confirm": true}))).await;
    assert_eq!(garbled.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", garbled.text);
    assert_eq!(api.store.proposal(id).await.unwrap().input.status, "draft");
    let reply = api.as_("manager", "POST", &present, Some(json!({"confirm_negative_npv": true}))).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.body["input"]["status"], "presented");
    let frozen = api.as_("manager", "PUT", &proposal_uri, Some(edited)).await;
    assert_eq!(frozen.status, StatusCode::CONFLICT, "{}", frozen.text);

    // Only an executive of the team decides.
    let decision = format!("{proposal_uri}/decision");
    let approve = json!({"decision": "approve"});
    assert_eq!(api.as_("manager", "POST", &decision, Some(approve.clone())).await.status, StatusCode::FORBIDDEN);
    assert_eq!(api.as_("outsider", "POST", &decision, Some(approve.clone())).await.status, StatusCode::FORBIDDEN);
    let maybe = api.as_("executive", "POST", &decision, Some(json!({"decision": "maybe"}))).await;
    assert_eq!(maybe.status, StatusCode::UNPROCESSABLE_ENTITY);
    let approved = api.as_("executive", "POST", &decision, Some(approve)).await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.text);
    assert_eq!(approved.body["input"]["status"], "approved");
    assert_eq!(approved.body["decided_by"], api.user("executive"));
    let again = api.as_("manager", "POST", &format!("{proposal_uri}/withdraw"), None).await;
    assert_eq!(again.status, StatusCode::CONFLICT);

    // Anyone signed in reads it, its page and its briefs; the Markdown brief cites its sources.
    let listed = api.as_("outsider", "GET", "/api/v1/proposals", None).await;
    assert_eq!(listed.body[0]["id"], id);
    let page = api.page("executive", &format!("/proposals/{id}")).await;
    assert!(page.contains("Approved: this business case is final."), "{page}");
    let markdown = api.as_("outsider", "GET", &format!("/proposals/{id}/brief.md"), None).await;
    assert!(markdown.text.starts_with("# Instant refunds\n\n*Status: approved*"), "{}", markdown.text);
    assert!(markdown.text.contains("Refund to the card at once [1]"), "{}", markdown.text);
    assert!(markdown.text.contains("- Card networks may charge more *(opinion: no evidence)*"));
    assert!(markdown.text.contains("1. support ticket, Globex, 2026-12-01"));
    let html = api.page("outsider", &format!("/proposals/{id}/brief")).await;
    assert!(html.contains("<title>Instant refunds · brief</title>"), "{html}");
    assert!(api.store.verify_audit_log().await.unwrap().is_ok(), "the audit chain holds");
}

#[tokio::test]
async fn the_proposal_workflow_on_sqlite() {
    proposal_workflow(TestDatabase::sqlite()).await;
}

#[tokio::test]
async fn the_proposal_workflow_on_postgres() {
    let Some(db) = TestDatabase::postgres().await else { return };
    proposal_workflow(db).await;
}

#[tokio::test]
async fn other_teams_see_an_initiatives_summary_not_its_work_items() {
    let api = Api::over(TestDatabase::sqlite()).await;
    let at = |day: Date| Some(day.with_hms(9, 0, 0).unwrap().assume_utc());
    let item = |key: &str, title: &str, started: Date, done: Option<Date>| WorkItem {
        key: key.into(),
        title: title.into(),
        kind: "Story".into(),
        status: if done.is_some() { "Done" } else { "In Progress" }.into(),
        category: StatusCategory::from_times(at(started), done.and_then(at)),
        created: at(started),
        started: at(started),
        done: done.and_then(at),
        estimate: None,
        parent: None,
        labels: vec!["refunds".into()],
        milestone: None,
    };
    let mut import = api.store.begin_import(api.team).await.unwrap();
    import.upsert(item("PAY-900", "Acquirer migration for Globex", TODAY - Duration::days(9), None)).await.unwrap();
    let done = Some(TODAY - Duration::days(2));
    import.upsert(item("PAY-901", "Settlement report for Initech", TODAY - Duration::days(6), done)).await.unwrap();
    import.commit().await.unwrap();
    let initiative = api.initiatives[0];
    let rules = [leadup_core::work_item::AttachRule::new(leadup_core::work_item::RuleKind::Label, "refunds").unwrap()];
    api.store.set_initiative_rules(initiative, &rules).await.unwrap();
    let secrets = ["PAY-900", "Acquirer migration", "PAY-901", "Settlement report"];

    for who in ["manager", "member", "executive"] {
        let progress = api.as_(who, "GET", &format!("/api/v1/initiatives/{initiative}/progress"), None).await;
        assert_eq!(progress.body["aging_items"][0]["key"], "PAY-900", "{who}: {}", progress.text);
        assert_eq!(progress.body["items_hidden"], false);
        let page = api.page(who, &format!("/initiatives/{initiative}")).await;
        assert!(secrets.iter().all(|s| page.contains(s)), "{who} sees the team's items");
    }

    let progress = api.as_("outsider", "GET", &format!("/api/v1/initiatives/{initiative}/progress"), None).await;
    assert_eq!(progress.status, StatusCode::OK);
    let p = &progress.body;
    assert_eq!((p["items"].as_u64(), p["done"].as_u64(), p["flow"]["wip"].as_u64()), (Some(2), Some(1), Some(1)));
    assert_eq!(p["aging_items"], json!([]), "no keys or titles: {}", progress.text);
    assert_eq!(p["items_hidden"], true);
    assert!(secrets.iter().all(|s| !progress.text.contains(s)), "{}", progress.text);
    let page = api.page("outsider", &format!("/initiatives/{initiative}")).await;
    for secret in secrets {
        assert!(!page.contains(secret), "the outsider sees {secret}");
    }
    assert!(page.contains("Payments' own work items"), "the page says why: {page}");
    assert!(page.contains("2 items"), "the summary is shown");
}

#[tokio::test]
async fn a_proposal_names_only_an_initiative_of_its_own_team() {
    let api = Api::over(TestDatabase::sqlite()).await;
    let other = api.store.teams().await.unwrap().into_iter().find(|t| t.name == "Platform").unwrap().id;
    let input = json!({"title": "Theirs", "team_id": other, "horizon": "now"});
    let draft = serde_json::from_value::<InitiativeInput>(input).unwrap().validate().unwrap();
    let theirs = api.store.create_initiative(&draft).await.unwrap().id;
    let proposal = |initiative: i64| {
        json!({
            "title": "Instant refunds",
            "problem": {"text": "Refunds take two weeks"},
            "solution": {"text": "Refund to the card at once"},
            "initiative_id": initiative,
            "case": {"discount_rate": 0.1, "one_off_cost": 100, "recurring_cost": 0,
                     "benefits": {"low": [50], "expected": [100], "high": [200]}},
            "ask": {"decision": "Fund it"}
        })
    };
    let uri = format!("/api/v1/teams/{}/proposals", api.team);
    let refused = api.as_("manager", "POST", &uri, Some(proposal(theirs))).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text);
    assert_eq!(refused.body["errors"][0]["field"], "initiative_id");
    assert_eq!(
        refused.body["errors"][0]["message"],
        format!("initiative {theirs} is another team's: a proposal names an initiative of its own team")
    );
    assert_eq!(api.as_("manager", "GET", "/api/v1/proposals", None).await.body, json!([]), "nothing was written");

    let created = api.as_("manager", "POST", &uri, Some(proposal(api.initiatives[0]))).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let id = created.body["id"].as_i64().unwrap();
    let moved = api.as_("manager", "PUT", &format!("/api/v1/proposals/{id}"), Some(proposal(theirs))).await;
    assert_eq!(moved.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", moved.text);
    assert_eq!(moved.body["errors"][0]["field"], "initiative_id");
    let kept = api.as_("manager", "GET", &format!("/api/v1/proposals/{id}"), None).await;
    assert_eq!(kept.body["input"]["initiative_id"], api.initiatives[0], "{}", kept.text);
}

/// A submitted plan shows its stored forecast before approval, is sent back with a comment and
/// approved with a reason; the progress endpoint returns the app service's figures; the inbox
/// lists what waits for each user, and only that.
#[allow(clippy::too_many_lines)] // one story, read top to bottom
async fn decisions_and_inbox(db: TestDatabase) {
    let api = Api::over(db).await;
    let team = api.team;
    let new = json!({"name": "2027 Q1", "period_start": "2027-01-01", "period_end": "2027-03-31",
        "items": [api.item(0, "2027-01-20", 30), api.item(1, "2027-03-31", 15)]});
    let plan = api.as_("manager", "POST", &format!("/api/v1/teams/{team}/plans"), Some(new)).await.body["id"]
        .as_i64()
        .unwrap();
    for who in ["manager", "executive", "member", "outsider"] {
        assert_eq!(api.as_(who, "GET", "/api/v1/inbox", None).await.body, json!([]), "{who}: a draft waits for no one");
    }
    assert_eq!(api.call(None, "GET", "/api/v1/inbox", None).await.status, StatusCode::UNAUTHORIZED);
    let submit = format!("/api/v1/plans/{plan}/submit");
    assert_eq!(api.as_("manager", "POST", &submit, None).await.status, StatusCode::OK);

    // The executive's inbox holds the submitted plan; nobody else's does.
    let inbox = api.as_("executive", "GET", "/api/v1/inbox", None).await.body;
    assert_eq!(
        inbox,
        json!([{"kind": "plan_approval", "team_id": team, "team": "Payments", "subject_id": plan,
                "title": "2027 Q1, version 1", "asked_by": "The manager", "link": format!("/plans/{plan}#draft"),
                "since": "2027-01-04T12:00:00Z", "age": "less than an hour"}])
    );
    for who in ["manager", "member", "outsider"] {
        assert_eq!(api.as_(who, "GET", "/api/v1/inbox", None).await.body, json!([]), "{who}");
    }
    // An administrator decides nothing for a team, so nothing waits for one.
    let input = UserInput { email: "admin@example.com".into(), name: "The admin".into(), is_admin: true };
    let admin = accounts::create_user(&api.store, &input, "a long test password", 0, None).await.unwrap();
    let principal = api.store.principal(admin.id).await.unwrap();
    let now = TODAY.with_hms(12, 0, 0).unwrap().assume_utc();
    assert_eq!(leadup_app::inbox::inbox(&api.store, &principal, now).await.unwrap(), []);
    let page = api.page("executive", "/inbox").await;
    assert!(page.contains("Plan to approve") && page.contains(&format!("href=\"/plans/{plan}#draft\"")), "{page}");
    assert!(page.contains("<span class=\"count\">1</span>"), "the navigation counts it");
    let page = api.page("member", "/inbox").await;
    assert!(page.contains("Nothing waits for your decision.") && !page.contains("class=\"count\""));

    // The submitted version's forecast is stored by the refresh, never computed in a request.
    let progress_uri = format!("/api/v1/plans/{plan}/progress?version=1");
    let before = api.as_("member", "GET", &progress_uri, None).await;
    assert_eq!(before.status, StatusCode::OK, "{}", before.text);
    assert_eq!(before.body["items"][0]["forecast"], Value::Null);
    let page = api.page("executive", &format!("/plans/{plan}")).await;
    assert!(page.contains("Forecast if approved") && page.contains("no forecast is stored yet"), "{page}");
    api.state().refresh_forecasts().await.unwrap();
    let stored = api.store.plan_version_forecasts(plan, 1).await.unwrap().unwrap();
    let shown = api.as_("member", "GET", &progress_uri, None).await.body;
    let expected = leadup_app::plan_progress::version(&api.store, plan, 1, TODAY).await.unwrap().unwrap();
    assert_eq!(shown, serde_json::to_value(&expected).unwrap());
    for (line, forecast) in shown["items"].as_array().unwrap().iter().zip(&stored.forecasts) {
        assert_eq!(line["forecast"]["p85"], json!(forecast.dates.map(|d| leadup_core::date::format(d.p85))));
        assert_eq!(line["forecast"]["chance_by_target"], json!(forecast.probability_by_target));
    }
    let first = &expected.items[0];
    assert!(first.forecast.as_ref().unwrap().chance_by_target.unwrap() < 0.5, "30 items in 16 days: {first:?}");
    assert_eq!(shown["headline"]["state"], "off_track");
    let page = api.page("executive", &format!("/plans/{plan}")).await;
    assert!(page.contains("off track") && page.contains(&expected.headline.reason), "{page}");
    assert!(page.contains(&format!("action=\"/plans/{plan}/send-back\"")));
    assert_eq!(
        api.as_("outsider", "GET", &format!("/api/v1/plans/{plan}/progress"), None).await.status,
        StatusCode::FORBIDDEN
    );
    let none = api.as_("member", "GET", &format!("/api/v1/plans/{plan}/progress"), None).await;
    assert_eq!(none.status, StatusCode::NOT_FOUND, "no baseline yet");

    // Sent back with a comment: only an executive, only with a comment.
    let send_back = format!("/api/v1/plans/{plan}/send-back");
    let comment = json!({"reason": "Instant refunds cannot be done by 20 January: move it to March."});
    assert_eq!(api.as_("manager", "POST", &send_back, Some(comment.clone())).await.status, StatusCode::FORBIDDEN);
    let empty = api.as_("executive", "POST", &send_back, Some(json!({"reason": " "}))).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(empty.body["errors"][0]["field"], "reason");
    let sent = api.as_("executive", "POST", &send_back, Some(comment)).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.text);
    assert_eq!(sent.body["versions"][0]["status"], "draft");
    assert_eq!(
        sent.body["decisions"],
        json!([{"version": 1, "outcome": "sent_back", "decided": {"user_id": api.user("executive"), "at": "2027-01-04T12:00:00Z"},
                "reason": "Instant refunds cannot be done by 20 January: move it to March."}])
    );
    assert_eq!(api.as_("executive", "GET", "/api/v1/inbox", None).await.body, json!([]));
    let page = api.page("manager", &format!("/plans/{plan}")).await;
    assert!(page.contains("Sent back by") && page.contains("Instant refunds cannot be done by 20 January"), "{page}");

    // Resubmitted and approved with a reason; a bad reason is refused and changes nothing.
    let items = json!({"items": [api.item(0, "2027-03-15", 30), api.item(1, "2027-03-31", 15)]});
    assert_eq!(
        api.as_("manager", "PUT", &format!("/api/v1/plans/{plan}/draft"), Some(items)).await.status,
        StatusCode::OK
    );
    // The manager states her confidence in the second item; bad ones are named and change nothing.
    let bad = json!({"stated_confidence": [{"initiative_id": api.initiatives[1], "confidence": 80},
                                           {"initiative_id": 9_999, "confidence": 0.5}]});
    let refused = api.as_("manager", "POST", &submit, Some(bad)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text);
    let fields: Vec<&str> =
        refused.body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["stated_confidence[0].confidence", "stated_confidence[1].initiative_id"], "{}", refused.text);
    let unknown = api.as_("manager", "POST", &submit, Some(json!({"confidence": 0.8}))).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", unknown.text);
    assert_eq!(
        api.as_("manager", "GET", &format!("/api/v1/plans/{plan}"), None).await.body["versions"][0]["status"],
        "draft"
    );
    let stated = json!({"stated_confidence": [{"initiative_id": api.initiatives[1], "confidence": 0.65}]});
    let submitted = api.as_("manager", "POST", &submit, Some(stated)).await;
    assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.text);
    assert_eq!(
        submitted.body["versions"][0]["stated_confidence"],
        json!([{"initiative_id": api.initiatives[1], "confidence": 0.65}])
    );
    api.state().refresh_forecasts().await.unwrap();
    let chance = leadup_app::plan_progress::version(&api.store, plan, 1, TODAY).await.unwrap().unwrap().items[0]
        .forecast
        .as_ref()
        .and_then(|f| f.chance_by_target)
        .unwrap();
    let page = api.page("executive", &format!("/plans/{plan}")).await;
    assert!(page.contains("Manager's confidence") && page.contains("65%") && page.contains("the forecast's"), "{page}");
    let approve = format!("/api/v1/plans/{plan}/approve");
    let too_long = api.as_("executive", "POST", &approve, Some(json!({"reason": "x".repeat(4001)}))).await;
    assert_eq!(too_long.status, StatusCode::UNPROCESSABLE_ENTITY);
    let unknown = api.as_("executive", "POST", &approve, Some(json!({"why": "typo"}))).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", unknown.text);
    let approved = api.as_("executive", "POST", &approve, Some(json!({"reason": "Dates fit now."}))).await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.text);
    assert_eq!(approved.body["decisions"][1]["outcome"], "approved");
    assert_eq!(approved.body["decisions"][1]["reason"], "Dates fit now.");
    // The commitments approving made: the stated confidence where one was stated, else the
    // submitted version's forecast chance (rounded to whole percents).
    let ledger = api.as_("member", "GET", &format!("/api/v1/teams/{team}/commitments"), None).await;
    assert_eq!(ledger.status, StatusCode::OK, "{}", ledger.text);
    let confidences: Vec<(i64, f64)> = ledger
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["initiative_id"].as_i64().unwrap(), c["confidence"].as_f64().unwrap()))
        .collect();
    assert_eq!(confidences, [(api.initiatives[0], (chance * 100.0).round() / 100.0), (api.initiatives[1], 0.65)]);
    let log = api.store.audit_log().await.unwrap();
    let last: Value = serde_json::from_str(&log.last().unwrap().event.details).unwrap();
    assert_eq!(
        (log.last().unwrap().event.action.as_str(), &last["reason"]),
        ("plan.approved", &json!("Dates fit now."))
    );

    // The baseline's progress: the stored forecasts every initiative page shows.
    api.state().refresh_forecasts().await.unwrap();
    let progress = api.as_("member", "GET", &format!("/api/v1/plans/{plan}/progress"), None).await;
    assert_eq!(progress.status, StatusCode::OK, "{}", progress.text);
    for line in progress.body["items"].as_array().unwrap() {
        let id = line["initiative_id"].as_i64().unwrap();
        let stored = api.store.initiative_forecast(id).await.unwrap().unwrap();
        assert_eq!(line["forecast"]["p85"], json!(stored.dates.map(|d| leadup_core::date::format(d.p85))));
        assert_eq!(line["forecast"]["chance_by_target"], json!(stored.probability_by_target));
        assert_eq!(line["at_approval"]["as_of"], "2027-01-04", "approved and refreshed today");
        assert_eq!(line["p85_change_days"], 0);
    }
    let page = api.page("member", &format!("/plans/{plan}")).await;
    assert!(page.contains("Progress against the baseline") && page.contains("Dates fit now."), "{page}");
    assert!(!page.contains("/send-back\""), "a member is offered no decision");

    // A presented proposal waits for the executive, who declines it with a reason.
    let input: leadup_core::proposal::ProposalInput = serde_json::from_value(json!({
        "title": "Instant refunds", "problem": {"text": "Refunds take two weeks"}, "solution": {"text": "Refund at once"},
        "case": {"discount_rate": 0.1, "one_off_cost": 100, "recurring_cost": 10, "benefits": {"low": [50], "expected": [80], "high": [120]}},
        "ask": {"decision": "Fund it"}
    }))
    .unwrap();
    let by = leadup_store::Actor::new(api.user("manager"), datetime!(2027-01-01 09:00 UTC));
    let proposal = api.store.create_proposal(team, &input, by).await.unwrap().id;
    api.store.move_proposal(proposal, "presented", by, None).await.unwrap();
    let inbox = api.as_("executive", "GET", "/api/v1/inbox", None).await.body;
    assert_eq!(inbox[0]["kind"], "proposal_decision");
    assert_eq!(
        (inbox[0]["age"].as_str(), inbox[0]["link"].as_str()),
        (Some("3 days"), Some(format!("/proposals/{proposal}").as_str()))
    );
    let decision = format!("/api/v1/proposals/{proposal}/decision");
    let declined =
        api.as_("executive", "POST", &decision, Some(json!({"decision": "decline", "reason": "Not this year."}))).await;
    assert_eq!(declined.status, StatusCode::OK, "{}", declined.text);
    assert_eq!(declined.body["moves"][1]["reason"], "Not this year.");
    assert_eq!(api.as_("executive", "GET", "/api/v1/inbox", None).await.body, json!([]));
    let page = api.page("member", &format!("/proposals/{proposal}")).await;
    assert!(page.contains("Not this year."), "the reason is in the proposal's history");
}

#[tokio::test]
async fn decisions_and_the_inbox_on_sqlite() {
    decisions_and_inbox(TestDatabase::sqlite()).await;
}

#[tokio::test]
async fn decisions_and_the_inbox_on_postgres() {
    let Some(db) = TestDatabase::postgres().await else { return };
    decisions_and_inbox(db).await;
}
