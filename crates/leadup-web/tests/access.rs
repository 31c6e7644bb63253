//! Every route against the permission matrix: each route's request is sent by each standing
//! (an administrator, the team's manager, member and executive, another team's manager, and
//! nobody), through the real router. A request the matrix denies is answered 401 (nobody
//! signed in; pages redirect to the sign-in page) or 403, and changes nothing; one it allows
//! gets past the check. Runs on SQLite and on PostgreSQL.

use std::fmt::Write as _;
use std::sync::OnceLock;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use leadup_core::access::{Action, Principal};
use leadup_core::account::{NewUser, ShareKind};
use leadup_core::change_request::{ChangeRequestInput, Impact};
use leadup_core::initiative::InitiativeInput;
use leadup_core::plan::PlanInput;
use leadup_core::team::TeamInput;
use leadup_store::testing::TestDatabase;
use leadup_store::{Actor, NewShareLink, Store};
use leadup_web::auth::Access;
use leadup_web::routes::{Endpoint, endpoints};
use leadup_web::{AppState, accounts, app};
use tower::ServiceExt;

/// One password hash for every test user: hashing is slow on purpose.
fn password_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| accounts::hash_password("a long test password"))
}

/// A test user: (name, administrator, role held as (team, role)).
type Standing<'a> = (&'a str, bool, Option<(i64, &'a str)>);

/// A workspace with two teams, and a user of each standing with an API token.
struct Fixture {
    store: Store,
    state: AppState,
    team: i64,
    initiative: i64,
    objective: i64,
    share_token: String,
    share_link: i64,
    evidence: i64,
    /// A plan of the team with an approved baseline (version 1), an open change request
    /// against it, and a re-plan's draft (version 2).
    plan: i64,
    change_request: i64,
    /// A presented proposal of the team, citing the evidence.
    proposal: i64,
    /// A win of the team proposed by its member, waiting for the manager.
    win: i64,
    /// The team's executive: a stakeholder.
    stakeholder: i64,
    /// A brief the manager sent the team's executive.
    brief: i64,
    /// The executive it was sent to.
    brief_stakeholder: i64,
    /// An open commitment of the team to its executive, linked to the initiative.
    commitment: i64,
    /// (name, principal, token); `None` for nobody.
    callers: Vec<(&'static str, Option<(Principal, String)>)>,
    _db: TestDatabase,
}

impl Fixture {
    async fn new(db: TestDatabase) -> Self {
        let store = Store::connect(&db.url).await.unwrap();
        let team_input = |name: &str| TeamInput { name: name.into(), ..TeamInput::default() };
        let team = store.create_team(&team_input("Alpha").validate().unwrap(), None).await.unwrap().id;
        let other = store.create_team(&team_input("Beta").validate().unwrap(), None).await.unwrap().id;
        let objective: leadup_core::strategy::ObjectiveInput = serde_json::from_value(serde_json::json!({
            "title": "Grow", "owner": "Dana",
            "key_results": [{"metric": "NRR", "unit": "%", "baseline": 98, "target": 110, "due": "2027-12-31"}]
        }))
        .unwrap();
        let objective = store.create_objective(&objective.validate().unwrap()).await.unwrap().id;
        let initiative: InitiativeInput =
            serde_json::from_value(serde_json::json!({"title": "Instant payouts", "team_id": team, "horizon": "now"}))
                .unwrap();
        let initiative = store.create_initiative(&initiative.validate().unwrap()).await.unwrap().id;
        let mut callers = vec![("nobody", None)];
        let roles: [Standing<'_>; 5] = [
            ("admin", true, None),
            ("manager", false, Some((team, "manager"))),
            ("member", false, Some((team, "member"))),
            ("executive", false, Some((team, "executive"))),
            ("other team's manager", false, Some((other, "manager"))),
        ];
        let mut admin = 0;
        let mut holders = std::collections::HashMap::new();
        for (index, (name, is_admin, role)) in roles.into_iter().enumerate() {
            let new = NewUser { email: format!("user{index}@example.com"), name: name.into(), is_admin };
            let user = store.create_user(&new, password_hash(), 0, None).await.unwrap();
            if let Some((team, role)) = role {
                store.set_role(team, user.id, Some(role.parse().unwrap()), None).await.unwrap();
                holders.insert(name, user.id);
            }
            if is_admin {
                admin = user.id;
            }
            let (_, token) = accounts::create_token(&store, user.id, "tests", 0).await.unwrap();
            callers.push((name, Some((store.principal(user.id).await.unwrap(), token))));
        }
        let share_token = accounts::new_secret();
        let link = NewShareLink {
            token_hash: &accounts::digest(&share_token),
            kind: ShareKind::Dashboard,
            target_id: team,
            team_id: team,
            created_by: admin,
            created_at: 0,
            expires_at: i64::MAX,
        };
        let share_link = store.create_share_link(&link).await.unwrap().id;
        let evidence: leadup_core::evidence::EvidenceInput =
            serde_json::from_value(serde_json::json!({"kind": "support_ticket", "summary": "Refunds take two weeks"}))
                .unwrap();
        let evidence = store.create_evidence(&evidence.validate().unwrap(), None).await.unwrap().id;
        store.link_evidence(evidence, initiative, None).await.unwrap();
        let (plan, change_request) = plan_with_request(&store, team, initiative, &holders).await;
        let proposal = store
            .create_proposal(
                team,
                &proposal_input(evidence),
                Actor::new(holders["manager"], time::macros::datetime!(2027-01-04 10:00 UTC)),
            )
            .await
            .unwrap()
            .id;
        store
            .move_proposal(
                proposal,
                "presented",
                Actor::new(holders["manager"], time::macros::datetime!(2027-01-04 10:00 UTC)),
                None,
            )
            .await
            .unwrap();
        let win: leadup_core::win::WinInput = serde_json::from_value(
            serde_json::json!({"title": "Payouts in seconds", "achieved_on": "2027-01-03", "credits": ["member"]}),
        )
        .unwrap();
        let win = store
            .propose_win(
                team,
                &win.validate(time::macros::date!(2027 - 01 - 04)).unwrap(),
                Actor::new(holders["member"], time::macros::datetime!(2027-01-04 10:00 UTC)),
            )
            .await
            .unwrap()
            .id;
        let sent = time::macros::datetime!(2027-01-14 16:00 UTC);
        let audience = leadup_app::brief::Audience::of_user(&store, holders["executive"]).await.unwrap();
        let request = leadup_app::brief::Request {
            team_id: team,
            days: 14,
            today: sent.date(),
            now: sent,
            note: String::new(),
            asks: Vec::new(),
            track_record: true,
        };
        let generated = leadup_app::brief::generate(&store, &audience, &request).await.unwrap();
        let brief = store.save_brief(&generated.to_new(holders["manager"], sent, Some(sent))).await.unwrap().id;
        let commitment: leadup_core::commitment::CommitmentInput = serde_json::from_value(serde_json::json!({
            "to_user_id": holders["executive"], "statement": "Instant payouts by March", "made": "2027-01-04",
            "due": "2027-03-01", "confidence": 0.7, "initiative_id": initiative
        }))
        .unwrap();
        let commitment = leadup_app::commitments::add(
            &store,
            team,
            &commitment,
            Actor::new(holders["manager"], time::macros::datetime!(2027-01-04 10:00 UTC)),
        )
        .await
        .unwrap()
        .id;
        let state = AppState::new(store.clone());
        Self {
            commitment,
            brief,
            brief_stakeholder: holders["executive"],
            proposal,
            win,
            stakeholder: holders["executive"],
            store,
            state,
            team,
            initiative,
            objective,
            share_token,
            share_link,
            plan,
            change_request,
            evidence,
            callers,
            _db: db,
        }
    }

    /// The path with its parameters filled in with this fixture's records.
    fn path(&self, endpoint: &Endpoint, token_id: i64) -> String {
        let path = &endpoint.path;
        let id = if path.contains("/stakeholders/") {
            self.stakeholder
        } else if path.starts_with("/briefs/{id}") || path.starts_with("/api/v1/briefs/{id}") {
            self.brief
        } else if path.contains("/evidence/") {
            self.evidence
        } else if path.contains("/commitments/{id}") && !path.contains("/teams/") {
            self.commitment
        } else if path.contains("/wins/{id}") && !path.contains("/teams/") {
            self.win
        } else if path.contains("/proposals/{id}") {
            self.proposal
        } else if path.contains("/change-requests/{id}") {
            self.change_request
        } else if path.contains("/plans/{id}") {
            self.plan
        } else if path.contains("/initiatives/") {
            self.initiative
        } else if path.contains("/objectives/") {
            self.objective
        } else {
            self.team
        };
        let filled = path
            .replace("{id}", &id.to_string())
            .replace("{link}", &self.share_link.to_string())
            .replace("{initiative}", &self.initiative.to_string())
            .replace("{delivery}", "1")
            .replace("{index}", "0")
            .replace("/tokens/{token}", &format!("/tokens/{token_id}"))
            .replace("{token}", &self.share_token);
        if endpoint.path.ends_with("/imports") {
            format!("{filled}?format=csv&key=Key&done=Resolved")
        } else if endpoint.path.ends_with("/diff") {
            format!("{filled}?from=1&to=2")
        } else {
            filled
        }
    }

    /// A body that the route would accept from someone allowed to send it.
    fn body(&self, endpoint: &Endpoint) -> (Option<&'static str>, String) {
        let json = Some("application/json");
        let form = Some("application/x-www-form-urlencoded");
        let (team, initiative) = (self.team, self.initiative);
        let item =
            format!(r#"{{"initiative_id": {initiative}, "target_date": "2027-05-01", "budget": 100, "scope": 4}}"#);
        let row = format!(
            "priority_{initiative}=1&include_{initiative}=on&target_{initiative}=2027-05-01&budget_{initiative}=100&scope_{initiative}=4"
        );
        match (endpoint.method.as_str(), endpoint.path.as_str()) {
            ("PATCH", "/api/v1/workspace") => (json, r#"{"name": "Renamed", "mission": "Serve"}"#.into()),
            ("POST", "/workspace") => (form, "name=Renamed&mission=Serve".into()),
            ("POST", "/objectives" | "/objectives/{id}") => {
                (form, "title=Second&owner=Dana&kr_metric_0=m&kr_baseline_0=0&kr_target_0=1&kr_due_0=2027-12-31".into())
            }
            ("POST", "/objectives/{id}/key-results/{index}/values") => (form, "value=5&on=2026-11-01".into()),
            ("POST", "/api/v1/objectives/{id}/key-results/{index}/values") => {
                (json, r#"{"value": 5, "on": "2026-11-01"}"#.into())
            }
            ("POST", "/admin/teams") => (form, "name=Gamma".into()),
            ("POST", "/teams/{id}/name") => (form, "name=Renamed".into()),
            ("POST", "/teams/{id}/initiatives" | "/initiatives/{id}") => (form, "title=New&horizon=next".into()),
            ("POST", "/api/v1/objectives") => (
                json,
                r#"{"title": "Second", "owner": "Dana", "key_results": [{"metric": "m", "unit": "%", "baseline": 0, "target": 1, "due": "2027-12-31"}]}"#.into(),
            ),
            ("PATCH", "/api/v1/objectives/{id}" | "/api/v1/initiatives/{id}") => (json, r#"{"title": "Renamed"}"#.into()),
            ("POST", "/api/v1/teams") => (json, r#"{"name": "Gamma", "members": ["user3@example.com"]}"#.into()),
            ("PATCH", "/api/v1/teams/{id}") => (json, r#"{"name": "Renamed"}"#.into()),
            ("PUT", "/api/v1/stakeholders/{id}") => {
                (json, r#"{"topics": ["risks"], "cadence": "weekly", "channel": "email"}"#.into())
            }
            ("POST", "/stakeholders/{id}") => (form, "topic=risks&cadence=weekly&channel=email".into()),
            ("POST", "/admin/pending") => (form, format!("team={team}&role=executive&name=Nobody+Yet")),
            ("POST", "/api/v1/initiatives") => (json, format!(r#"{{"title": "New", "team_id": {team}, "horizon": "next"}}"#)),
            ("PUT", "/api/v1/initiatives/{id}/rules") => (json, r#"[{"kind": "key", "value": "A-1"}]"#.into()),
            ("POST", "/api/v1/teams/{id}/imports") => {
                (Some("text/csv"), "Key,Created,Resolved\nA-1,2026-01-01,2026-01-05\n".into())
            }
            ("POST", "/api/v1/evidence") => (json, r#"{"kind": "sales_request", "summary": "Needs SSO"}"#.into()),
            ("POST", "/evidence" | "/evidence/{id}") => (form, "kind=sales_request&summary=Needs+SSO".into()),
            ("PATCH", "/api/v1/evidence/{id}") => (json, r#"{"summary": "Refunds take three weeks"}"#.into()),
            ("POST", "/evidence/{id}/initiatives") => (form, format!("initiative={}", self.initiative)),
            ("POST", "/login") => (form, "email=user1%40example.com&password=a+long+test+password".into()),
            ("POST", "/account/tokens") => (form, "name=script".into()),
            ("POST", "/admin/users") => (form, "email=new%40example.com&name=New+Person".into()),
            ("POST", "/admin/roles") => (form, format!("user=2&team={team}&role=member")),
            ("POST", "/teams/{id}/share") => (form, "days=7".into()),
            ("POST", "/initiatives/{id}/rules") => (form, "action=add&kind=key&value=A-1".into()),
            ("POST", "/teams/{id}/import" | "/evidence/import") => {
                (Some("multipart/form-data; boundary=x"), "--x--\r\n".into())
            }
            ("POST", "/api/v1/teams/{id}/plans") => (
                json,
                format!(r#"{{"name": "Next", "period_start": "2027-04-01", "period_end": "2027-06-30", "items": [{item}]}}"#),
            ),
            ("PUT", "/api/v1/plans/{id}/draft") => (json, format!(r#"{{"items": [{item}]}}"#)),
            ("POST", "/api/v1/plans/{id}/change-requests") => (
                json,
                format!(r#"{{"change": {{"kind": "rescope", "initiative_id": {initiative}, "scope": 9}}, "reason": "Bigger"}}"#),
            ),
            ("POST", "/api/v1/change-requests/{id}/decision") => {
                (json, r#"{"decision": "accept", "rationale": "Worth it"}"#.into())
            }
            ("POST", "/teams/{id}/plans") => {
                (form, format!("name=Next&period_start=2027-04-01&period_end=2027-06-30&{row}"))
            }
            ("POST", "/plans/{id}/draft") => (form, row),
            ("POST", "/plans/{id}/change-requests") => {
                (form, format!("kind=rescope&initiative_id={initiative}&scope=9&reason=Bigger&urgency=normal"))
            }
            ("POST", "/change-requests/{id}/decision") => (form, "decision=accept&rationale=Worth+it".into()),
            ("POST", "/api/v1/plans/{id}/send-back") => (json, r#"{"reason": "Cut the scope"}"#.into()),
            ("POST", "/plans/{id}/send-back") => (form, "reason=Cut+the+scope".into()),
            ("POST", "/api/v1/teams/{id}/proposals") | ("PUT", "/api/v1/proposals/{id}") => {
                (json, serde_json::to_string(&proposal_input(self.evidence)).unwrap())
            }
            ("POST", "/api/v1/proposals/{id}/decision") => (json, r#"{"decision": "approve"}"#.into()),
            ("POST", "/api/v1/teams/{id}/commitments") => (
                json,
                format!(r#"{{"to_user_id": {}, "statement": "Ship it", "due": "2027-06-30", "confidence": 0.8}}"#, self.stakeholder),
            ),
            ("POST", "/teams/{id}/commitments") => (
                form,
                format!("statement=Ship+it&to_user_id={}&due=2027-06-30&confidence=80", self.stakeholder),
            ),
            ("POST", "/commitments/{id}/outcomes") => (form, "kind=met&on=2027-02-01&spent=1".into()),
            ("POST", "/api/v1/commitments/{id}/outcomes") => {
                (json, r#"{"kind": "met", "on": "2027-02-01", "spent": 100}"#.into())
            }
            ("POST", "/teams/{id}/proposals" | "/proposals/{id}") => (
                form,
                format!("title=Faster+refunds&problem=Slow&problem_evidence={}&solution=Fast&discount_rate=10&one_off_cost=100&recurring_cost=0&period_1_low=50&period_1_expected=80&period_1_high=120&ask_decision=Fund+it", self.evidence),
            ),
            ("POST", "/proposals/{id}/decision") => (form, "decision=approve".into()),
            ("POST", "/teams/{id}/briefs") => (form, format!("for={}&days=14&note=Hi&intent=save", self.brief_stakeholder)),
            ("POST", "/api/v1/briefs") => {
                (json, format!(r#"{{"stakeholder_id": {}, "team_id": {team}}}"#, self.brief_stakeholder))
            }
            ("POST", "/api/v1/teams/{id}/wins") => {
                (json, r#"{"title": "Refunds in seconds", "achieved_on": "2026-11-02", "credits": ["member"]}"#.into())
            }
            ("POST", "/api/v1/wins/{id}/decision") => (json, r#"{"decision": "confirm"}"#.into()),
            ("PUT", "/api/v1/teams/{id}/process") => (
                json,
                r#"{"priority_method": "rice", "definition_of_done": "Live", "cadence": "Weekly", "change_requests": "File one"}"#.into(),
            ),
            ("POST", "/api/v1/teams/{id}/decisions") => (
                json,
                r#"{"decided_on": "2026-11-02", "title": "Keep Stripe", "decided_by": "Mia", "reason": "Fees"}"#.into(),
            ),
            ("POST", "/teams/{id}/wins") => (form, "title=Refunds&achieved_on=2026-11-02&credits=member".into()),
            ("POST", "/wins/{id}/decision") => (form, "decision=confirm".into()),
            ("POST", "/teams/{id}/process") => (
                form,
                "priority_method=rice&definition_of_done=Live&cadence=Weekly&change_requests=File+one".into(),
            ),
            ("POST", "/teams/{id}/decisions") => {
                (form, "decided_on=2026-11-02&title=Keep+Stripe&decided_by=Mia&reason=Fees".into())
            }
            _ => (None, String::new()),
        }
    }

    /// Everything a request could change, as text.
    async fn fingerprint(&self) -> String {
        let store = &self.store;
        let mut out = format!(
            "{:?}\n{:?}\n{:?}\n{:?}\n",
            store.workspace().await.unwrap(),
            store.objectives().await.unwrap(),
            store.teams().await.unwrap(),
            store.initiatives().await.unwrap()
        );
        writeln!(out, "{:?}", store.evidence_list().await.unwrap()).unwrap();
        writeln!(out, "{:?}", store.key_result_values(None).await.unwrap()).unwrap();
        for initiative in store.initiatives().await.unwrap() {
            writeln!(out, "{:?}", store.initiative_rules(initiative.id).await.unwrap()).unwrap();
            writeln!(out, "{:?}", store.initiative_evidence(initiative.id).await.unwrap()).unwrap();
        }
        for team in store.teams().await.unwrap() {
            writeln!(
                out,
                "{:?}\n{:?}\n{:?}",
                store.work_items(team.id).await.unwrap(),
                store.team_members(team.id).await.unwrap(),
                store.share_links(team.id).await.unwrap()
            )
            .unwrap();
            writeln!(
                out,
                "{:?}\n{:?}\n{:?}",
                store.team_wins(team.id).await.unwrap(),
                store.process_versions(team.id).await.unwrap(),
                store.team_decisions(team.id).await.unwrap()
            )
            .unwrap();
            for plan in store.team_plans(team.id).await.unwrap() {
                writeln!(out, "{plan:?}\n{:?}", store.plan_change_requests(plan.id).await.unwrap()).unwrap();
            }
        }
        writeln!(out, "{:?}", store.proposals().await.unwrap()).unwrap();
        writeln!(out, "{:?}", store.team_commitments(&[self.team]).await.unwrap()).unwrap();
        writeln!(out, "{:?}", store.stakeholder_profiles().await.unwrap()).unwrap();
        writeln!(out, "{:?}", store.briefs(self.brief_stakeholder, &[self.team]).await.unwrap()).unwrap();
        writeln!(out, "{:?}", store.audit_log().await.unwrap()).unwrap();
        for user in store.users().await.unwrap() {
            let tokens: Vec<_> =
                store.tokens(user.id).await.unwrap().into_iter().map(|t| (t.id, t.name, t.revoked_at)).collect();
            writeln!(out, "{user:?} {tokens:?}").unwrap();
        }
        out
    }
}

/// A proposal whose problem cites `evidence`.
fn proposal_input(evidence: i64) -> leadup_core::proposal::ProposalInput {
    serde_json::from_value(serde_json::json!({
        "title": "Instant refunds",
        "problem": {"text": "Refunds take two weeks", "evidence": [evidence]},
        "solution": {"text": "Refund to the card at once"},
        "case": {"discount_rate": 0.1, "one_off_cost": 100, "recurring_cost": 10, "benefits": {"low": [50], "expected": [80], "high": [120]}},
        "ask": {"decision": "Fund it"}
    }))
    .unwrap()
}

/// A plan of `team` holding `initiative`: created, submitted and approved (version 1, the
/// baseline), with a change request filed against the baseline by the member, and a re-plan's
/// draft (version 2) in the making; (plan id, change request id).
async fn plan_with_request(
    store: &Store,
    team: i64,
    initiative: i64,
    holders: &std::collections::HashMap<&str, i64>,
) -> (i64, i64) {
    let at = |user: &str| Actor::new(holders[user], time::macros::datetime!(2027-01-04 10:00 UTC));
    let input: PlanInput = serde_json::from_value(serde_json::json!({
        "team_id": team, "name": "2027 Q1", "period_start": "2027-01-01", "period_end": "2027-03-31",
        "items": [{"initiative_id": initiative, "target_date": "2027-03-01", "budget": 5000, "scope": 5}]
    }))
    .unwrap();
    let plan = store.create_plan(&input.validate().unwrap(), at("manager")).await.unwrap().id;
    store.submit_plan(plan, at("manager"), &[]).await.unwrap();
    store.approve_plan(plan, at("executive"), None, &[]).await.unwrap();
    let request: ChangeRequestInput = serde_json::from_value(serde_json::json!({
        "change": {"kind": "rescope", "initiative_id": initiative, "scope": 7}, "reason": "More to do"
    }))
    .unwrap();
    let impact = Impact { today: time::macros::date!(2027 - 01 - 04), initiatives: Vec::new() };
    let request = store.file_change_request(plan, &request.validate().unwrap(), &impact, at("member")).await.unwrap();
    store.replan(plan, at("manager")).await.unwrap();
    (plan, request.id)
}

/// Whether the matrix lets `caller` use a route with `access` on the fixture's team (a brief's
/// routes: as the team's manager or as the executive it was sent to; the evidence's, which
/// nobody owns and the team cites: as an administrator or the team's manager).
fn allowed(access: Access, caller: Option<&Principal>, team: i64, stakeholder: i64) -> bool {
    match (access, caller) {
        (Access::Evidence(action), Some(p)) => {
            p.may(action, None) && (p.is_admin || p.role_in(team) == Some(leadup_core::access::Role::Manager))
        }
        (Access::Brief(action), Some(p)) => {
            p.may(action, Some(team)) && (p.user_id == stakeholder || p.may(Action::WriteBriefs, Some(team)))
        }
        (Access::Public, _) | (Access::SignedIn, Some(_)) => true,
        (_, None) => false,
        (Access::Workspace(action), Some(p)) => p.may(action, None),
        (
            Access::Team(action)
            | Access::InitiativeTeam(action)
            | Access::PlanTeam(action)
            | Access::ChangeRequestTeam(action)
            | Access::ProposalTeam(action)
            | Access::CommitmentTeam(action)
            | Access::WinTeam(action)
            | Access::StakeholderTeams(action)
            | Access::BodyTeam(action),
            Some(p),
        ) => p.may(action, Some(team)),
    }
}

async fn every_route_enforces_the_matrix(db: TestDatabase, endpoint: &Endpoint) {
    let fixture = Fixture::new(db).await;
    let mut checked = Vec::new();
    // Denied callers first, while every record is still there; then the allowed ones.
    let mut callers: Vec<_> = fixture.callers.iter().collect();
    callers.sort_by_key(|(_, c)| {
        allowed(endpoint.access, c.as_ref().map(|(p, _)| p), fixture.team, fixture.brief_stakeholder)
    });
    for (name, caller) in callers {
        let principal = caller.as_ref().map(|(p, _)| p);
        let may = allowed(endpoint.access, principal, fixture.team, fixture.brief_stakeholder);
        let token_id = match principal {
            Some(p) => fixture.store.tokens(p.user_id).await.unwrap()[0].id,
            None => 0,
        };
        let uri = fixture.path(endpoint, token_id);
        let (content_type, body) = fixture.body(endpoint);
        let mut request =
            Request::builder().method(endpoint.method.clone()).uri(&uri).header(header::HOST, "leadup.test");
        if let Some((_, token)) = caller {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        if let Some(content_type) = content_type {
            request = request.header(header::CONTENT_TYPE, content_type);
        }
        let before = fixture.fingerprint().await;
        let response = app(fixture.state.clone()).oneshot(request.body(Body::from(body)).unwrap()).await.unwrap();
        let status = response.status();
        let location = response.headers().get(header::LOCATION).map(|l| l.to_str().unwrap().to_owned());
        let text = String::from_utf8_lossy(&response.into_body().collect().await.unwrap().to_bytes()).into_owned();
        let what = format!("{} {uri} by {name}: {status} {text:.300}", endpoint.method);
        let to_sign_in =
            status == StatusCode::SEE_OTHER && location.as_deref().is_some_and(|l| l.starts_with("/login"));
        if may {
            assert!(status != StatusCode::UNAUTHORIZED && status != StatusCode::FORBIDDEN, "allowed, but {what}");
            assert!(endpoint.access == Access::Public || !to_sign_in, "allowed, but sent to sign in: {what}");
        } else {
            match (principal, endpoint.path.starts_with("/api/")) {
                (None, true) => assert_eq!(status, StatusCode::UNAUTHORIZED, "{what}"),
                (None, false) => assert!(to_sign_in, "nobody is sent to sign in: {what}"),
                (Some(_), _) => assert_eq!(status, StatusCode::FORBIDDEN, "{what}"),
            }
            assert_eq!(fixture.fingerprint().await, before, "a denied request changed something: {what}");
        }
        checked.push(may);
    }
    assert_eq!(checked.len(), 6);
}

async fn matrix_on(backend: &str) {
    let state = AppState::new(Store::connect(&TestDatabase::sqlite().url).await.unwrap());
    let all = endpoints(&state);
    assert!(all.len() >= 40, "{} routes", all.len());
    for endpoint in &all {
        let db = if backend == "postgres" {
            let Some(db) = TestDatabase::postgres().await else { return };
            db
        } else {
            TestDatabase::sqlite()
        };
        every_route_enforces_the_matrix(db, endpoint).await;
    }
}

#[tokio::test]
async fn every_route_enforces_the_permission_matrix_on_sqlite() {
    matrix_on("sqlite").await;
}

#[tokio::test]
async fn every_route_enforces_the_permission_matrix_on_postgres() {
    matrix_on("postgres").await;
}

/// A route's rule as the "Requires" column of docs/permissions.md writes it.
fn requirement(access: Access) -> String {
    match access {
        Access::Public => "public".to_owned(),
        Access::SignedIn => "signed in".to_owned(),
        Access::Workspace(action) => format!("`{action}`"),
        Access::Team(action) => format!("`{action}` on the team `{{id}}`"),
        Access::InitiativeTeam(action) => format!("`{action}` on the team of initiative `{{id}}`"),
        Access::PlanTeam(action) => format!("`{action}` on the team of plan `{{id}}`"),
        Access::ChangeRequestTeam(action) => format!("`{action}` on the team of the plan of change request `{{id}}`"),
        Access::ProposalTeam(action) => format!("`{action}` on the team of proposal `{{id}}`"),
        Access::CommitmentTeam(action) => format!("`{action}` on the team of commitment `{{id}}`"),
        Access::WinTeam(action) => format!("`{action}` on the team of win `{{id}}`"),
        Access::StakeholderTeams(action) => format!("`{action}` on a team user `{{id}}` is an executive of"),
        Access::BodyTeam(action) => format!(
            "`{action}` on the team named in the body (`team_id`); moving an initiative needs the right in both teams"
        ),
        Access::Brief(action) => {
            format!("`{action}` on the team of brief `{{id}}`, as its manager or as the executive it was sent to")
        }
        Access::Evidence(action) => {
            format!("`{action}` on evidence `{{id}}`, as who recorded it, a manager of a team citing it, or an admin")
        }
    }
}

#[tokio::test]
async fn every_route_and_its_rule_is_documented() {
    let state = AppState::new(Store::connect(&TestDatabase::sqlite().url).await.unwrap());
    let openapi: serde_json::Value =
        serde_json::from_str(include_str!("../src/api/openapi.json")).expect("the OpenAPI document is JSON");
    let permissions = include_str!("../../../docs/permissions.md");
    for endpoint in endpoints(&state) {
        let line = format!("| {} | `{}` | {} |", endpoint.method, endpoint.path, requirement(endpoint.access));
        assert!(permissions.contains(&line), "docs/permissions.md lists {line}");
        if endpoint.path.starts_with("/api/v1/") {
            let method = endpoint.method.as_str().to_lowercase();
            assert!(
                openapi["paths"][&endpoint.path][&method].is_object(),
                "openapi.json describes {} {}",
                endpoint.method,
                endpoint.path
            );
        }
    }
}
