//! Plans, change requests, proposals and the audit log, on SQLite and on PostgreSQL (see
//! `conformance.rs` for how the backends are chosen).

use leadup_core::change_request::{
    ChangeRequestDraft, ChangeRequestInput, Decision, Impact, InitiativeImpact, Outlook, RequestStatus,
};
use leadup_core::initiative::InitiativeInput;
use leadup_core::plan::{
    Origin, Period, PlanContent, PlanDraft, PlanInput, PlanOutcome, StatedConfidence, VersionStatus, diff,
};
use leadup_core::team::TeamInput;
use leadup_store::testing::execute;
use leadup_store::{Actor, Backend, Store, StoreError};
use serde_json::json;
use time::macros::{date, datetime};
use time::{Date, OffsetDateTime};

use leadup_store::conformance;

conformance!(
    a_plan_goes_from_draft_to_baseline_and_is_replanned,
    bad_plans_are_refused_and_nothing_is_written,
    an_accepted_change_request_becomes_the_next_baseline,
    change_requests_that_do_not_fit_are_refused,
    rejected_and_deferred_requests_leave_the_baseline,
    the_disruption_record_sums_up_a_teams_period,
    a_tampered_audit_log_is_noticed,
    a_proposal_is_drafted_presented_and_decided,
    a_proposals_links_are_guarded,
    an_initiative_a_plan_names_is_not_deleted,
    a_submitted_plan_is_sent_back_with_a_comment,
    a_proposals_moves_keep_their_reasons,
    a_submitted_versions_forecast_is_stored_and_read,
    presented_and_decided_records_keep_their_evidence_as_cited,
);

const MANAGER: i64 = 11;
const EXECUTIVE: i64 = 12;
const MEMBER: i64 = 13;
const OTHER_EXECUTIVE: i64 = 14;

/// The world the tests share: a team whose manager, executive and member are users, another
/// team with its own executive, three initiatives of the first team and one of the other.
struct World {
    team: i64,
    other_team: i64,
    initiatives: [i64; 3],
    foreign_initiative: i64,
    evidence: i64,
}

async fn world(store: &Store) -> World {
    let team = |name: &str| TeamInput { name: name.into(), ..TeamInput::default() };
    let team_id = store.create_team(&team("Payments").validate().unwrap(), None).await.unwrap().id;
    let other_team = store.create_team(&team("Search").validate().unwrap(), None).await.unwrap().id;
    for (id, name) in [
        (MANAGER, "Mara Manager"),
        (EXECUTIVE, "Erin Executive"),
        (MEMBER, "Milo Member"),
        (OTHER_EXECUTIVE, "Oskar Other"),
    ] {
        let email = name.split(' ').next().unwrap().to_lowercase();
        execute(
            store,
            &format!(
                "INSERT INTO users (id, email, name, password_hash, is_admin, created_at) \
                 VALUES ({id}, '{email}@example.com', '{name}', 'not a hash', FALSE, 0)"
            ),
        )
        .await
        .unwrap();
    }
    for (team, user, role) in [
        (team_id, MANAGER, "manager"),
        (team_id, EXECUTIVE, "executive"),
        (team_id, MEMBER, "member"),
        (other_team, OTHER_EXECUTIVE, "executive"),
    ] {
        execute(store, &format!("INSERT INTO memberships (team_id, user_id, role) VALUES ({team}, {user}, '{role}')"))
            .await
            .unwrap();
    }
    let initiative = |team_id: i64, title: &str| {
        serde_json::from_value::<InitiativeInput>(json!({"title": title, "team_id": team_id, "horizon": "now"}))
            .unwrap()
            .validate()
            .unwrap()
    };
    let mut ids = [0; 3];
    for (id, title) in ids.iter_mut().zip(["Instant refunds", "Payout reports", "SEPA mandates"]) {
        *id = store.create_initiative(&initiative(team_id, title)).await.unwrap().id;
    }
    let foreign_initiative = store.create_initiative(&initiative(other_team, "Synonyms")).await.unwrap().id;
    // A row as evidence recorded before owners and its audit were kept: the plan tests count
    // the audit entries their own writes make.
    execute(
        store,
        "INSERT INTO evidence (kind, summary, currency) VALUES ('sales_request', 'Globex needs SEPA', 'EUR')",
    )
    .await
    .unwrap();
    let evidence = store.evidence_list().await.unwrap()[0].id;
    World { team: team_id, other_team, initiatives: ids, foreign_initiative, evidence }
}

fn at(minutes: i64) -> OffsetDateTime {
    datetime!(2027-01-04 09:00 UTC) + time::Duration::minutes(minutes)
}

fn plan_draft(w: &World, name: &str) -> PlanDraft {
    let [a, b, c] = w.initiatives;
    serde_json::from_value::<PlanInput>(json!({
        "team_id": w.team, "name": name, "period_start": "2027-01-01", "period_end": "2027-03-31",
        "items": [
            {"initiative_id": a, "target_date": "2027-02-15", "budget": 5_000_000, "scope": 12},
            {"initiative_id": b, "target_date": "2027-03-15", "budget": 2_000_000, "scope": 8},
            {"initiative_id": c, "target_date": "2027-03-31", "budget": 1_000_000, "scope": 20}
        ]
    }))
    .unwrap()
    .validate()
    .unwrap()
}

/// A plan of the world's team approved into its baseline (version 1).
async fn baseline_plan(store: &Store, w: &World) -> i64 {
    baseline_plan_named(store, w, "2027 Q1").await
}

/// A plan called `name` approved into its baseline.
async fn baseline_plan_named(store: &Store, w: &World, name: &str) -> i64 {
    let plan = store.create_plan(&plan_draft(w, name), Actor::new(MANAGER, at(0))).await.unwrap();
    store.submit_plan(plan.id, Actor::new(MANAGER, at(1)), &[]).await.unwrap();
    store.approve_plan(plan.id, Actor::new(EXECUTIVE, at(2)), None, &[]).await.unwrap();
    plan.id
}

fn request(value: serde_json::Value) -> ChangeRequestDraft {
    serde_json::from_value::<ChangeRequestInput>(value).unwrap().validate().unwrap()
}

/// An impact whose only line delays initiative `id` by `delay` days and adds `budget`.
fn impact(id: i64, delay: i64, budget: i64) -> Impact {
    let outlook = |p85: Date, budget| Outlook {
        target_date: date!(2027 - 03 - 15),
        p85: Some(p85),
        probability_by_target: 0.61,
        budget,
    };
    Impact {
        today: date!(2027 - 01 - 04),
        initiatives: vec![InitiativeImpact {
            initiative_id: id,
            before: Some(outlook(date!(2027 - 03 - 01), 100)),
            after: Some(outlook(date!(2027 - 03 - 01) + time::Duration::days(delay), 100 + budget)),
            delay_days: Some(delay),
            budget_delta: budget,
        }],
    }
}

fn forbidden(result: Result<impl std::fmt::Debug, StoreError>) -> String {
    match result {
        Err(StoreError::Forbidden(message)) => message,
        other => panic!("expected Forbidden, got {other:?}"),
    }
}

fn conflict(result: Result<impl std::fmt::Debug, StoreError>) -> String {
    match result {
        Err(StoreError::Conflict(message)) => message,
        other => panic!("expected Conflict, got {other:?}"),
    }
}

fn invalid(result: Result<impl std::fmt::Debug, StoreError>) -> String {
    match result {
        Err(StoreError::Invalid(errors)) => errors.summary(),
        other => panic!("expected Invalid, got {other:?}"),
    }
}

async fn actions(store: &Store) -> Vec<String> {
    store.audit_log().await.unwrap().into_iter().map(|e| format!("{} {}", e.event.action, e.event.subject)).collect()
}

async fn a_plan_goes_from_draft_to_baseline_and_is_replanned(store: Store) {
    let w = world(&store).await;
    let draft = plan_draft(&w, "2027 Q1");
    let plan = store.create_plan(&draft, Actor::new(MANAGER, at(0))).await.unwrap();
    assert_eq!((plan.team_id, plan.name.as_str()), (w.team, "2027 Q1"));
    assert_eq!(plan.period, Period { start: date!(2027 - 01 - 01), end: date!(2027 - 03 - 31) });
    let v1 = &plan.versions[0];
    assert_eq!((v1.number, v1.status, v1.origin), (1, VersionStatus::Draft, Origin::Edit));
    assert_eq!(v1.content, draft.content);
    assert_eq!(v1.content_hash, draft.content.content_hash());
    assert_eq!((v1.created.user_id, v1.created.at), (MANAGER, at(0)));
    assert_eq!(plan.baseline(), None);

    // The manager edits the draft freely.
    let mut edited = draft.content.clone();
    edited.items.swap(0, 1);
    let plan = store.edit_plan_draft(plan.id, &edited).await.unwrap();
    assert_eq!(plan.versions[0].content, edited);
    assert_eq!(plan.versions[0].content_hash, edited.content_hash());

    let plan = store.submit_plan(plan.id, Actor::new(MANAGER, at(5)), &[]).await.unwrap();
    let v1 = &plan.versions[0];
    assert_eq!(v1.status, VersionStatus::Submitted);
    assert_eq!(v1.submitted.map(|s| (s.user_id, s.at)), Some((MANAGER, at(5))));
    assert_eq!(
        forbidden(store.edit_plan_draft(plan.id, &draft.content).await),
        format!(
            "plan {} version 1 is submitted for approval and can no longer be edited; only drafts can be edited, \
             and once it is approved changes go through a change request",
            plan.id
        )
    );
    assert_eq!(
        conflict(store.submit_plan(plan.id, Actor::new(MANAGER, at(6)), &[]).await),
        format!("plan {} version 1 is already submitted", plan.id)
    );

    // Only an executive of this team approves.
    for (user, what) in [(MANAGER, "the manager"), (MEMBER, "a member"), (OTHER_EXECUTIVE, "not a member")] {
        assert_eq!(
            forbidden(store.approve_plan(plan.id, Actor::new(user, at(7)), None, &[]).await),
            format!("user {user} is {what} of team {}: only the team's executives can approve its plan", w.team)
        );
    }
    let plan = store.approve_plan(plan.id, Actor::new(EXECUTIVE, at(10)), None, &[]).await.unwrap();
    let baseline = plan.baseline().unwrap();
    assert_eq!((baseline.number, baseline.status), (1, VersionStatus::Approved));
    assert_eq!(baseline.approved.map(|s| (s.user_id, s.at)), Some((EXECUTIVE, at(10))));
    assert_eq!(store.plan_baseline(plan.id).await.unwrap().as_ref(), Some(baseline));

    // Nobody edits a baseline.
    assert_eq!(
        forbidden(store.edit_plan_draft(plan.id, &draft.content).await),
        format!(
            "plan {} has no draft: its baseline, version 1, is approved and cannot be edited; file a change request \
             against it, or start a re-plan that an executive approves",
            plan.id
        )
    );

    // A re-plan starts from the baseline and needs an executive's approval like any draft.
    let plan = store.replan(plan.id, Actor::new(MANAGER, at(20))).await.unwrap();
    let v2 = &plan.versions[1];
    assert_eq!((v2.number, v2.status, v2.origin), (2, VersionStatus::Draft, Origin::Replan));
    assert_eq!(v2.content, edited);
    assert!(
        conflict(store.replan(plan.id, Actor::new(MANAGER, at(21))).await)
            .contains("already has version 2 in the making (draft)")
    );
    let mut replanned = edited.clone();
    replanned.items.pop();
    store.edit_plan_draft(plan.id, &replanned).await.unwrap();
    assert!(
        conflict(store.approve_plan(plan.id, Actor::new(EXECUTIVE, at(22)), None, &[]).await)
            .contains("must be submitted before")
    );
    store.submit_plan(plan.id, Actor::new(MANAGER, at(23)), &[]).await.unwrap();
    let plan = store.approve_plan(plan.id, Actor::new(EXECUTIVE, at(24)), None, &[]).await.unwrap();
    let statuses: Vec<VersionStatus> = plan.versions.iter().map(|v| v.status).collect();
    assert_eq!(statuses, [VersionStatus::Superseded, VersionStatus::Approved]);
    assert_eq!(plan.baseline().unwrap().content, replanned);
    let changes = diff(&plan.versions[0].content, &plan.versions[1].content);
    assert_eq!(changes.removed.iter().map(|i| i.initiative_id).collect::<Vec<_>>(), [w.initiatives[2]]);
    assert_eq!(store.team_plans(w.team).await.unwrap(), vec![plan.clone()]);
    assert!(store.team_plans(w.other_team).await.unwrap().is_empty());

    let p = plan.id;
    assert_eq!(
        actions(&store).await,
        [
            format!("plan.submitted plan:{p}/version:1"),
            format!("plan.approved plan:{p}/version:1"),
            format!("plan.submitted plan:{p}/version:2"),
            format!("plan.approved plan:{p}/version:2"),
        ]
    );
    let log = store.audit_log().await.unwrap();
    assert_eq!(log[3].event.actor, Some(EXECUTIVE));
    assert_eq!(log[3].event.at, at(24));
    assert_eq!(
        log[3].event.details,
        json!({"content_hash": replanned.content_hash(), "reason": null, "supersedes": 1}).to_string()
    );
    assert_eq!(store.verify_audit_log().await.unwrap(), Ok(4));
}

async fn bad_plans_are_refused_and_nothing_is_written(store: Store) {
    let w = world(&store).await;
    baseline_plan(&store, &w).await;
    let before = store.team_plans(w.team).await.unwrap();
    let mut draft = plan_draft(&w, "2027 Q1");
    draft.content.items[1].initiative_id = w.foreign_initiative;
    draft.content.items[2].initiative_id = 9_999;
    assert_eq!(
        invalid(store.create_plan(&draft, Actor::new(99, at(0))).await),
        format!(
            "created_by: unknown user 99; name: team {} already has a plan named '2027 Q1'; \
             items[1].initiative_id: initiative {} belongs to team {}, not to team {} whose plan this is; \
             items[2].initiative_id: unknown initiative 9999",
            w.team, w.foreign_initiative, w.other_team, w.team
        )
    );
    let mut unknown_team = plan_draft(&w, "2027 Q2");
    unknown_team.team_id = 777;
    assert!(
        invalid(store.create_plan(&unknown_team, Actor::new(MANAGER, at(0))).await)
            .starts_with("team_id: unknown team 777")
    );
    assert_eq!(store.team_plans(w.team).await.unwrap(), before, "nothing was written");

    let q2 = store.create_plan(&plan_draft(&w, "2027 Q2"), Actor::new(MANAGER, at(0))).await.unwrap();
    let mut foreign = q2.versions[0].content.clone();
    foreign.items[0].initiative_id = w.foreign_initiative;
    assert!(invalid(store.edit_plan_draft(q2.id, &foreign).await).starts_with("items[0].initiative_id: initiative"));
    assert_eq!(store.plan(q2.id).await.unwrap(), q2, "the draft is unchanged");
    assert!(matches!(store.plan(4_242).await, Err(StoreError::NotFound { entity: "plan", id: 4_242 })));
    assert!(matches!(
        store.submit_plan(4_242, Actor::new(MANAGER, at(0)), &[]).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(store.edit_plan_draft(4_242, &PlanContent::default()).await, Err(StoreError::NotFound { .. })));
    assert_eq!(store.audit_log().await.unwrap().len(), 2, "only the first plan's submission and approval");
}

async fn an_accepted_change_request_becomes_the_next_baseline(store: Store) {
    let w = world(&store).await;
    let plan_id = baseline_plan(&store, &w).await;
    let b = w.initiatives[1];
    let draft = request(json!({
        "change": {"kind": "redate", "initiative_id": b, "target_date": "2027-04-30"},
        "reason": "Globex moved their go-live", "urgency": "high", "evidence_ids": [w.evidence]
    }));
    let filed =
        store.file_change_request(plan_id, &draft, &impact(b, 9, 0), Actor::new(EXECUTIVE, at(30))).await.unwrap();
    assert_eq!((filed.plan_id, filed.baseline_version, filed.status), (plan_id, 1, RequestStatus::Open));
    assert_eq!(filed.change, draft.change);
    assert_eq!(filed.reason, "Globex moved their go-live");
    assert_eq!(filed.evidence_ids, [w.evidence]);
    assert!(!filed.without_evidence());
    assert_eq!(filed.impact, impact(b, 9, 0));
    assert_eq!((filed.filed.user_id, filed.filed.at), (EXECUTIVE, at(30)));
    assert_eq!(store.plan_change_requests(plan_id).await.unwrap(), vec![filed.clone()]);

    let id = filed.id;
    assert_eq!(
        forbidden(store.decide_change_request(id, Decision::Accept, "fine", Actor::new(MEMBER, at(31))).await),
        format!(
            "user {MEMBER} is a member of team {}: a change request is decided by the team's manager together with \
             one of its executives",
            w.team
        )
    );
    assert_eq!(
        invalid(store.decide_change_request(id, Decision::Accept, "  ", Actor::new(MANAGER, at(31))).await),
        "rationale: must not be empty"
    );
    let first = store
        .decide_change_request(id, Decision::Accept, "The delay is cheap", Actor::new(MANAGER, at(32)))
        .await
        .unwrap();
    assert_eq!(first.status, RequestStatus::Open, "one sign-off does not decide");
    let manager = first.manager.as_ref().unwrap();
    assert_eq!(
        (manager.signed.user_id, manager.decision, manager.rationale.as_str()),
        (MANAGER, Decision::Accept, "The delay is cheap")
    );
    assert_eq!(first.executive, None);
    assert_eq!(
        conflict(store.decide_change_request(id, Decision::Accept, "again", Actor::new(MANAGER, at(33))).await),
        format!(
            "change request {id} already has the manager's sign-off (by user {MANAGER}); it now needs an executive's"
        )
    );
    assert_eq!(
        conflict(store.decide_change_request(id, Decision::Reject, "No", Actor::new(EXECUTIVE, at(33))).await),
        format!(
            "change request {id} was signed off to accept, not to reject: both sign-offs must make the same decision"
        )
    );
    let decided = store
        .decide_change_request(id, Decision::Accept, "Agreed with Globex", Actor::new(EXECUTIVE, at(40)))
        .await
        .unwrap();
    assert_eq!(decided.status, RequestStatus::Accepted);
    assert_eq!(decided.decided_at, Some(at(40)));
    assert_eq!(decided.resulting_version, Some(2));
    assert_eq!(decided.executive.as_ref().map(|e| e.signed.user_id), Some(EXECUTIVE));
    assert!(
        conflict(store.decide_change_request(id, Decision::Reject, "late", Actor::new(MANAGER, at(41))).await)
            .ends_with("is already decided: accepted")
    );

    let plan = store.plan(plan_id).await.unwrap();
    let statuses: Vec<(u32, VersionStatus, Origin)> =
        plan.versions.iter().map(|v| (v.number, v.status, v.origin)).collect();
    assert_eq!(
        statuses,
        [(1, VersionStatus::Superseded, Origin::Edit), (2, VersionStatus::Approved, Origin::ChangeRequest)]
    );
    let baseline = plan.baseline().unwrap();
    assert_eq!(baseline.approved.map(|s| (s.user_id, s.at)), Some((EXECUTIVE, at(40))));
    assert_eq!(baseline.content, draft.change.apply(&plan.versions[0].content).unwrap());
    assert_eq!(baseline.content.item(b).unwrap().target_date, date!(2027 - 04 - 30));
    let changes = diff(&plan.versions[0].content, &baseline.content);
    assert_eq!(changes.redated.len(), 1);
    assert!(changes.added.is_empty() && changes.removed.is_empty());

    let p = plan_id;
    assert_eq!(
        actions(&store).await,
        [
            format!("plan.submitted plan:{p}/version:1"),
            format!("plan.approved plan:{p}/version:1"),
            format!("change_request.signed_off change_request:{id}"),
            format!("change_request.decided change_request:{id}"),
        ]
    );
    let log = store.audit_log().await.unwrap();
    let details: serde_json::Value = serde_json::from_str(&log[3].event.details).unwrap();
    assert_eq!(details["resulting_version"], 2);
    assert_eq!(details["content_hash"], baseline.content_hash.as_str());
    assert_eq!(store.verify_audit_log().await.unwrap(), Ok(4));
}

async fn change_requests_that_do_not_fit_are_refused(store: Store) {
    let w = world(&store).await;
    let [a, b, _] = w.initiatives;
    let draft_only = store.create_plan(&plan_draft(&w, "2027 Q2"), Actor::new(MANAGER, at(0))).await.unwrap();
    let remove_a = request(json!({"change": {"kind": "remove", "initiative_id": a}, "reason": "Not needed"}));
    assert_eq!(
        conflict(
            store.file_change_request(draft_only.id, &remove_a, &impact(a, 0, 0), Actor::new(EXECUTIVE, at(1))).await
        ),
        format!(
            "plan {} has no approved baseline yet: change its draft instead of filing a change request",
            draft_only.id
        )
    );
    let plan_id = baseline_plan(&store, &w).await;
    let remove_unknown = request(json!({
        "change": {"kind": "remove", "initiative_id": 5_555}, "reason": "Gone", "evidence_ids": [8_888]
    }));
    assert_eq!(
        invalid(store.file_change_request(plan_id, &remove_unknown, &impact(a, 0, 0), Actor::new(77, at(1))).await),
        "filed_by: unknown user 77; evidence_ids: unknown evidence 8888; change.initiative_id: initiative 5555 is not in the plan"
    );
    let add_foreign = request(json!({
        "change": {"kind": "add", "initiative_id": w.foreign_initiative, "target_date": "2027-03-01", "budget": 1, "scope": 3},
        "reason": "Search needs it"
    }));
    assert!(
        invalid(store.file_change_request(plan_id, &add_foreign, &impact(a, 0, 0), Actor::new(EXECUTIVE, at(1))).await)
            .starts_with(&format!(
                "change.initiative_id: initiative {} belongs to team {}",
                w.foreign_initiative, w.other_team
            ))
    );
    assert!(store.plan_change_requests(plan_id).await.unwrap().is_empty(), "nothing was filed");

    // Accepting needs the request's impact to be on the current baseline.
    let first =
        store.file_change_request(plan_id, &remove_a, &impact(a, 0, -5), Actor::new(EXECUTIVE, at(2))).await.unwrap();
    let rebudget =
        request(json!({"change": {"kind": "rebudget", "initiative_id": b, "budget": 0}, "reason": "Cut costs"}));
    let second =
        store.file_change_request(plan_id, &rebudget, &impact(b, 0, -2), Actor::new(MANAGER, at(3))).await.unwrap();
    assert!(second.without_evidence());
    store.decide_change_request(first.id, Decision::Accept, "ok", Actor::new(EXECUTIVE, at(4))).await.unwrap();
    store.decide_change_request(first.id, Decision::Accept, "ok", Actor::new(MANAGER, at(5))).await.unwrap();
    assert_eq!(
        conflict(store.decide_change_request(second.id, Decision::Accept, "ok", Actor::new(MANAGER, at(6))).await),
        format!(
            "change request {}'s impact was computed on version 1, but the baseline is now version 2: it is being \
             recomputed against the current baseline; accept it once that is done",
            second.id
        )
    );
    // The open request is stale until recomputed; only against the current baseline.
    let stale = store.stale_change_requests(w.team).await.unwrap();
    assert_eq!(stale.iter().map(|s| (s.id, s.baseline_version)).collect::<Vec<_>>(), [(second.id, 2)]);
    assert_eq!((stale[0].baseline.position(a), stale[0].baseline.position(b)), (None, Some(0)), "version 2's content");
    assert!(!store.recompute_change_request(second.id, 1, Ok(&impact(b, 1, -2)), at(6)).await.unwrap());
    assert!(store.recompute_change_request(second.id, 2, Err("initiative 9 is not in the plan"), at(6)).await.unwrap());
    assert!(store.stale_change_requests(w.team).await.unwrap().is_empty(), "checked against version 2");
    let unfit = store.change_request(second.id).await.unwrap();
    assert_eq!(unfit.no_longer_applies.as_deref(), Some("initiative 9 is not in the plan"));
    assert_eq!((unfit.impact_baseline.version, unfit.impact_baseline.superseded), (1, true));
    assert_eq!((unfit.impact, unfit.impact_history.len()), (second.impact.clone(), 0));
    assert_eq!(
        conflict(store.decide_change_request(second.id, Decision::Accept, "ok", Actor::new(MANAGER, at(6))).await),
        format!(
            "change request {} no longer applies to the baseline, version 2: initiative 9 is not in the plan; it can \
             only be rejected or deferred",
            second.id
        )
    );
    let plan = store.plan(plan_id).await.unwrap();
    assert_eq!(
        plan.baseline().unwrap().approved.map(|s| s.user_id),
        Some(EXECUTIVE),
        "the executive's sign-off approves"
    );
    assert_eq!(plan.baseline().unwrap().created.user_id, MANAGER, "the second signer created it");
    // Rejecting a stale request is still possible.
    store.decide_change_request(second.id, Decision::Reject, "superseded", Actor::new(MANAGER, at(7))).await.unwrap();
    let rejected =
        store.decide_change_request(second.id, Decision::Reject, "agreed", Actor::new(EXECUTIVE, at(8))).await.unwrap();
    assert_eq!((rejected.status, rejected.resulting_version), (RequestStatus::Rejected, None));
    assert!(matches!(store.change_request(999).await, Err(StoreError::NotFound { entity: "change request", id: 999 })));
}

async fn rejected_and_deferred_requests_leave_the_baseline(store: Store) {
    let w = world(&store).await;
    let plan_id = baseline_plan(&store, &w).await;
    let before = store.plan(plan_id).await.unwrap();
    let c = w.initiatives[2];
    for decision in [Decision::Reject, Decision::Defer] {
        let draft = request(
            json!({"change": {"kind": "rescope", "initiative_id": c, "scope": 40}, "reason": "More work found"}),
        );
        let filed =
            store.file_change_request(plan_id, &draft, &impact(c, 20, 0), Actor::new(MANAGER, at(10))).await.unwrap();
        store
            .decide_change_request(filed.id, decision, "Not this quarter", Actor::new(EXECUTIVE, at(11)))
            .await
            .unwrap();
        let decided =
            store.decide_change_request(filed.id, decision, "Agreed", Actor::new(MANAGER, at(12))).await.unwrap();
        assert_eq!(decided.status, decision.status());
        assert_eq!(decided.manager.unwrap().decision, decision);
        assert_eq!(decided.resulting_version, None);
    }
    assert_eq!(store.plan(plan_id).await.unwrap(), before, "the baseline stands");
}

async fn the_disruption_record_sums_up_a_teams_period(store: Store) {
    let w = world(&store).await;
    let plan_id = baseline_plan(&store, &w).await;
    let [a, b, c] = w.initiatives;
    let file = |draft: ChangeRequestDraft, impact: Impact, by: i64, when: OffsetDateTime| {
        let store = store.clone();
        async move { store.file_change_request(plan_id, &draft, &impact, Actor::new(by, when)).await.unwrap().id }
    };
    let with_evidence = request(json!({
        "change": {"kind": "redate", "initiative_id": a, "target_date": "2027-03-01"},
        "reason": "Customer asked", "evidence_ids": [w.evidence]
    }));
    let opinion =
        request(json!({"change": {"kind": "reprioritise", "initiative_id": c, "position": 1}, "reason": "I think so"}));
    let later = request(json!({"change": {"kind": "rebudget", "initiative_id": b, "budget": 1}, "reason": "Cuts"}));
    let accepted = file(with_evidence, impact(a, 14, 0), EXECUTIVE, at(60)).await;
    let rejected = file(opinion.clone(), impact(c, 30, 0), EXECUTIVE, at(61)).await;
    file(opinion, impact(c, 30, 0), MANAGER, at(62)).await;
    // Filed after the period: not counted.
    file(later, impact(b, 3, -1), MANAGER, datetime!(2027-04-01 00:00 UTC)).await;
    for (id, decision) in [(accepted, Decision::Accept), (rejected, Decision::Reject)] {
        store.decide_change_request(id, decision, "why", Actor::new(MANAGER, at(70))).await.unwrap();
        store.decide_change_request(id, decision, "why", Actor::new(EXECUTIVE, at(71))).await.unwrap();
    }
    let period = Period { start: date!(2027 - 01 - 01), end: date!(2027 - 03 - 31) };
    let record = store.disruption_record(w.team, period).await.unwrap();
    assert_eq!((record.filed, record.accepted, record.rejected, record.deferred, record.open), (3, 1, 1, 0, 1));
    assert!((record.share_accepted - 1.0 / 3.0).abs() < 1e-12);
    assert_eq!(record.without_evidence, 2);
    assert_eq!(record.delay_days_accepted, 14);
    let filers: Vec<(i64, &str, u32, u32)> =
        record.filers.iter().map(|f| (f.user_id, f.name.as_str(), f.filed, f.accepted)).collect();
    assert_eq!(filers, [(EXECUTIVE, "Erin Executive", 2, 1), (MANAGER, "Mara Manager", 1, 0)]);
    let april = Period { start: date!(2027 - 04 - 01), end: date!(2027 - 04 - 30) };
    let record = store.disruption_record(w.team, april).await.unwrap();
    assert_eq!((record.filed, record.open, record.delay_days_accepted), (1, 1, 0));
    assert_eq!(store.disruption_record(w.other_team, period).await.unwrap().filed, 0);
    assert!(matches!(store.disruption_record(999, period).await, Err(StoreError::NotFound { entity: "team", .. })));
}

async fn a_tampered_audit_log_is_noticed(store: Store) {
    let w = world(&store).await;
    baseline_plan(&store, &w).await;
    baseline_plan_named(&store, &w, "2027 Q2").await;
    assert_eq!(store.verify_audit_log().await.unwrap(), Ok(4));

    // The log refuses edits and deletions outright...
    assert!(execute(&store, "UPDATE audit_log SET actor = NULL WHERE seq = 2").await.is_err());
    assert!(execute(&store, "DELETE FROM audit_log WHERE seq = 4").await.is_err());
    // ...and when someone removes that guard, the chain still shows what they did.
    let drop = match store.backend() {
        Backend::Sqlite => vec!["DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete"],
        Backend::Postgres => vec!["DROP TRIGGER audit_log_no_update ON audit_log"],
    };
    for sql in drop {
        execute(&store, sql).await.unwrap();
    }
    execute(&store, "DELETE FROM audit_log WHERE seq = 4").await.unwrap();
    let missing = store.verify_audit_log().await.unwrap().unwrap_err();
    assert_eq!(missing.to_string(), "entry 4: is missing: the log ends at entry 3, but 4 entries were written");
    execute(&store, "UPDATE audit_log SET actor = NULL WHERE seq = 2").await.unwrap();
    let broken = store.verify_audit_log().await.unwrap().unwrap_err();
    assert_eq!(broken.seq, 2);
    assert_eq!(broken.reason, "its hash does not match its content: it was changed after it was written");
}

fn proposal(w: &World, title: &str) -> leadup_core::proposal::ProposalInput {
    serde_json::from_value(json!({
        "title": title,
        "problem": {"text": "Refunds take two weeks", "evidence": [w.evidence]},
        "solution": {"text": "Refund to the card at once"},
        "initiative_id": w.initiatives[0],
        "beneficiaries": [{"who": "customers", "text": "Money back the same day", "evidence": [w.evidence]}],
        "case": {"discount_rate": 0.1, "one_off_cost": 100, "recurring_cost": 10, "benefits": {"low": [50], "expected": [80], "high": [120]}},
        "ask": {"decision": "Fund it"}
    }))
    .unwrap()
}

async fn a_proposal_is_drafted_presented_and_decided(store: Store) {
    let w = world(&store).await;
    let created =
        store.create_proposal(w.team, &proposal(&w, "Instant refunds"), Actor::new(MANAGER, at(0))).await.unwrap();
    assert_eq!(created.input, proposal(&w, "Instant refunds"));
    assert_eq!((created.team_id, created.created_by, created.created_at), (w.team, MANAGER, at(0).unix_timestamp()));
    assert_eq!((created.input.status.as_str(), created.decided_by), ("draft", None));
    let id = created.id;

    let mut revised = proposal(&w, "Instant refunds, phase one");
    revised.initiative_id = None;
    revised.problem.evidence.clear();
    let edited = store.update_proposal(id, &revised, Actor::new(MANAGER, at(5))).await.unwrap();
    assert_eq!(edited.input, revised);
    assert_eq!(edited.updated_at, at(5).unix_timestamp());
    assert_eq!(store.evidence_proposals(w.evidence).await.unwrap(), [(id, "Instant refunds, phase one".to_owned())]);

    let refused = store.move_proposal(id, "approved", Actor::new(EXECUTIVE, at(6)), None).await.unwrap_err();
    assert_eq!(
        refused.to_string(),
        format!("proposal {id}: the proposal is draft: only a presented proposal can be approved or declined")
    );
    store.move_proposal(id, "presented", Actor::new(MANAGER, at(10)), None).await.unwrap();
    let frozen = store.update_proposal(id, &proposal(&w, "Changed"), Actor::new(MANAGER, at(11))).await.unwrap_err();
    assert_eq!(
        frozen.to_string(),
        format!("proposal {id} is presented: only a draft can be edited (withdraw it to a draft first)")
    );
    for (user, role) in [(MANAGER, "the manager"), (OTHER_EXECUTIVE, "not a member")] {
        let refused = store.move_proposal(id, "approved", Actor::new(user, at(12)), None).await.unwrap_err();
        assert!(
            matches!(&refused, StoreError::Forbidden(m) if m.contains(&format!("user {user} is {role} of team"))),
            "{refused}"
        );
    }
    let approved = store.move_proposal(id, "approved", Actor::new(EXECUTIVE, at(20)), None).await.unwrap();
    assert_eq!(approved.input.status, "approved");
    assert_eq!((approved.decided_by, approved.decided_at), (Some(EXECUTIVE), Some(at(20).unix_timestamp())));
    assert_eq!(approved.input.title, "Instant refunds, phase one");
    let last = store.move_proposal(id, "draft", Actor::new(MANAGER, at(21)), None).await.unwrap_err();
    assert_eq!(last.to_string(), format!("proposal {id}: the proposal is approved: an approved proposal is final"));

    let log = store.audit_log().await.unwrap();
    let moves: Vec<(&str, Option<i64>)> = log
        .iter()
        .map(|e| &e.event)
        .filter(|e| e.subject == format!("proposal:{id}"))
        .map(|e| (e.action.as_str(), e.actor))
        .collect();
    assert_eq!(moves, [("proposal.presented", Some(MANAGER)), ("proposal.approved", Some(EXECUTIVE))]);
    assert_eq!(store.verify_audit_log().await.unwrap(), Ok(log.len()));
    assert_eq!(store.proposals().await.unwrap(), [approved]);
}

async fn a_proposals_links_are_guarded(store: Store) {
    let w = world(&store).await;
    let objective = serde_json::from_value::<leadup_core::strategy::ObjectiveInput>(json!({
        "title": "Keep customers", "owner": "Dana",
        "key_results": [{"metric": "Churn", "unit": "%", "baseline": 8, "target": 5, "due": "2027-12-31"}]
    }))
    .unwrap()
    .validate()
    .unwrap();
    let objective = store.create_objective(&objective).await.unwrap().id;
    let mut input = proposal(&w, "Instant refunds");
    input.objective_ids = vec![objective];
    let id = store.create_proposal(w.team, &input, Actor::new(MANAGER, at(0))).await.unwrap().id;
    let refused = store.delete_evidence(w.evidence, None).await.unwrap_err();
    assert_eq!(refused.to_string(), format!("evidence {} supports proposals {id}; unlink it first", w.evidence));
    let refused = store.delete_objective(objective).await.unwrap_err();
    assert_eq!(refused.to_string(), format!("objective {objective} is served by proposals {id}; edit them first"));
    let refused = store.delete_team(w.team).await.unwrap_err();
    assert!(refused.to_string().contains("still has"), "{refused}");
    store.delete_initiative(w.initiatives[0]).await.unwrap();
    let kept = store.proposal(id).await.unwrap();
    assert_eq!((kept.input.initiative_id, kept.input.objective_ids.as_slice()), (None, [objective].as_slice()));
    let unknown = store.create_proposal(w.team + 100, &input, Actor::new(MANAGER, at(1))).await.unwrap_err();
    assert!(matches!(unknown, StoreError::NotFound { entity: "team", .. }), "{unknown}");
    assert!(matches!(store.proposal(id + 1).await.unwrap_err(), StoreError::NotFound { entity: "proposal", .. }));
}

async fn an_initiative_a_plan_names_is_not_deleted(store: Store) {
    let w = world(&store).await;
    let plan = store.create_plan(&plan_draft(&w, "2027 Q1"), Actor::new(MANAGER, at(0))).await.unwrap().id;
    let [a, _, _] = w.initiatives;
    let refused = store.delete_initiative(a).await.unwrap_err();
    assert_eq!(
        refused.to_string(),
        format!(
            "initiative {a} is in plan '2027 Q1' version 1: plans keep their history, so drop it from the plan or set its status to dropped instead"
        )
    );
    assert!(store.initiative(a).await.is_ok(), "nothing was deleted");
    assert!(store.plan(plan).await.is_ok());
    store.delete_initiative(w.foreign_initiative).await.unwrap();
    assert!(matches!(store.delete_initiative(w.foreign_initiative).await, Err(StoreError::NotFound { .. })));
}

async fn a_submitted_plan_is_sent_back_with_a_comment(store: Store) {
    let w = world(&store).await;
    let plan = store.create_plan(&plan_draft(&w, "2027 Q1"), Actor::new(MANAGER, at(0))).await.unwrap().id;
    let early = store.send_back_plan(plan, Actor::new(EXECUTIVE, at(1)), "Too much").await;
    assert_eq!(
        conflict(early),
        format!("plan {plan} version 1 is a draft: it must be submitted before it can be sent back")
    );
    // Stated confidences must be probabilities of the draft's items; a bad one writes nothing.
    let first = store.plan(plan).await.unwrap().versions[0].content.items[0].initiative_id;
    let bad = [
        StatedConfidence { initiative_id: first, confidence: 1.2 },
        StatedConfidence { initiative_id: w.foreign_initiative, confidence: 0.5 },
    ];
    assert_eq!(
        invalid(store.submit_plan(plan, Actor::new(MANAGER, at(2)), &bad).await),
        format!(
            "stated_confidence[0].confidence: 1.2 is not a probability from 0 to 1 (write 80% as 0.8); \
             stated_confidence[1].initiative_id: initiative {} is not an item of this version",
            w.foreign_initiative
        )
    );
    assert_eq!(store.plan(plan).await.unwrap().versions[0].status, VersionStatus::Draft, "nothing was written");
    let stated = [StatedConfidence { initiative_id: first, confidence: 0.8 }];
    let submitted = store.submit_plan(plan, Actor::new(MANAGER, at(2)), &stated).await.unwrap();
    assert_eq!(submitted.versions[0].stated_confidence, stated);
    let before = actions(&store).await;
    for user in [MANAGER, MEMBER, OTHER_EXECUTIVE] {
        let refused = forbidden(store.send_back_plan(plan, Actor::new(user, at(3)), "No").await);
        assert!(refused.contains("only the team's executives can send back its plan"), "{refused}");
    }
    assert_eq!(
        invalid(store.send_back_plan(plan, Actor::new(EXECUTIVE, at(3)), "  ").await),
        "reason: must not be empty: say what the manager should change before submitting the plan again"
    );
    let too_long = "x".repeat(4001);
    assert_eq!(
        invalid(store.send_back_plan(plan, Actor::new(EXECUTIVE, at(3)), &too_long).await),
        "reason: must be at most 4000 characters (got 4001)"
    );
    assert_eq!(
        invalid(store.approve_plan(plan, Actor::new(EXECUTIVE, at(3)), Some(&too_long), &[]).await),
        "reason: must be at most 4000 characters (got 4001)"
    );
    assert_eq!(actions(&store).await, before, "refused decisions write nothing");
    assert_eq!(store.plan(plan).await.unwrap().versions[0].status, VersionStatus::Submitted);

    let comment = "SEPA mandates cannot land by March: move its target to April or drop Payout reports.";
    let sent = store.send_back_plan(plan, Actor::new(EXECUTIVE, at(4)), &format!("  {comment} ")).await.unwrap();
    let version = &sent.versions[0];
    assert_eq!((version.status, version.submitted, version.approved), (VersionStatus::Draft, None, None));
    assert_eq!(version.stated_confidence, [], "a draft again: the confidences are stated anew on submitting");
    assert_eq!(sent.decisions.len(), 1);
    let decision = &sent.decisions[0];
    assert_eq!(
        (decision.version, decision.outcome, decision.decided.user_id, decision.decided.at, decision.reason.as_deref()),
        (1, PlanOutcome::SentBack, EXECUTIVE, at(4), Some(comment))
    );
    assert_eq!(sent.sent_back(1), Some(decision));
    assert!(sent.baseline().is_none());

    // The manager edits the draft and submits it again; the comment is history now.
    let mut content = sent.versions[0].content.clone();
    content.items[2].target_date = date!(2027 - 04 - 30);
    store.edit_plan_draft(plan, &content).await.unwrap();
    let again = store.submit_plan(plan, Actor::new(MANAGER, at(5)), &[]).await.unwrap();
    assert_eq!(again.sent_back(1), None);
    let approved = store.approve_plan(plan, Actor::new(EXECUTIVE, at(6)), Some(" Fits now. "), &[]).await.unwrap();
    let outcomes: Vec<(u32, PlanOutcome, Option<&str>)> =
        approved.decisions.iter().map(|d| (d.version, d.outcome, d.reason.as_deref())).collect();
    assert_eq!(outcomes, [(1, PlanOutcome::SentBack, Some(comment)), (1, PlanOutcome::Approved, Some("Fits now."))]);
    assert_eq!(approved.baseline().unwrap().content, content);
    assert_eq!(store.team_plans(w.team).await.unwrap()[0].decisions, approved.decisions);

    let log = store.audit_log().await.unwrap();
    let entries: Vec<(&str, serde_json::Value)> = log
        .iter()
        .filter(|e| e.event.subject == format!("plan:{plan}/version:1"))
        .map(|e| (e.event.action.as_str(), serde_json::from_str(&e.event.details).unwrap()))
        .collect();
    let reasons: Vec<(&str, &serde_json::Value)> = entries.iter().map(|(a, d)| (*a, &d["reason"])).collect();
    assert_eq!(
        reasons,
        [
            ("plan.submitted", &serde_json::Value::Null),
            ("plan.sent_back", &json!(comment)),
            ("plan.submitted", &serde_json::Value::Null),
            ("plan.approved", &json!("Fits now.")),
        ]
    );
    assert_eq!(store.verify_audit_log().await.unwrap(), Ok(log.len()));
}

async fn a_proposals_moves_keep_their_reasons(store: Store) {
    let w = world(&store).await;
    let id =
        store.create_proposal(w.team, &proposal(&w, "Instant refunds"), Actor::new(MANAGER, at(0))).await.unwrap().id;
    store.move_proposal(id, "presented", Actor::new(MANAGER, at(1)), None).await.unwrap();
    let too_long = "y".repeat(4001);
    let refused = store.move_proposal(id, "declined", Actor::new(EXECUTIVE, at(2)), Some(&too_long)).await.unwrap_err();
    assert_eq!(refused.to_string(), "reason: must be at most 4000 characters (got 4001)");
    assert_eq!(store.proposal(id).await.unwrap().input.status, "presented", "nothing changed");
    let declined = store
        .move_proposal(id, "declined", Actor::new(EXECUTIVE, at(3)), Some("No budget before Q3; bring it back then."))
        .await
        .unwrap();
    let moves: Vec<(&str, &str, i64, i64, Option<&str>)> =
        declined.moves.iter().map(|m| (m.from.as_str(), m.to.as_str(), m.by, m.at, m.reason.as_deref())).collect();
    assert_eq!(
        moves,
        [
            ("draft", "presented", MANAGER, at(1).unix_timestamp(), None),
            (
                "presented",
                "declined",
                EXECUTIVE,
                at(3).unix_timestamp(),
                Some("No budget before Q3; bring it back then.")
            ),
        ]
    );
    let listed = store.proposals().await.unwrap();
    assert_eq!(listed.iter().find(|p| p.id == id).unwrap().moves, declined.moves);
    let log = store.audit_log().await.unwrap();
    let last = &log.last().unwrap().event;
    assert_eq!(last.action, "proposal.declined");
    let details: serde_json::Value = serde_json::from_str(&last.details).unwrap();
    assert_eq!(details["reason"], "No budget before Q3; bring it back then.");
}

async fn a_submitted_versions_forecast_is_stored_and_read(store: Store) {
    use leadup_core::forecast::InitiativeForecast;
    use leadup_store::VersionForecasts;
    let w = world(&store).await;
    let plan = store.create_plan(&plan_draft(&w, "2027 Q1"), Actor::new(MANAGER, at(0))).await.unwrap().id;
    store.submit_plan(plan, Actor::new(MANAGER, at(1)), &[]).await.unwrap();
    assert_eq!(store.plan_version_forecasts(plan, 1).await.unwrap(), None);
    let forecast = |initiative_id: i64, team_id: i64, p: f64| InitiativeForecast {
        initiative_id,
        team_id,
        as_of: date!(2027 - 01 - 04),
        computed_at: at(2),
        attached: 4,
        attached_done: 1,
        remaining: 3,
        position: Some(1),
        target: Some(date!(2027 - 02 - 15)),
        dates: None,
        probability_by_target: Some(p),
        note: None,
        calibration: None,
        model: "m".into(),
        inputs_digest: "d".into(),
    };
    let stored = VersionForecasts {
        as_of: date!(2027 - 01 - 04),
        inputs_digest: "abc".into(),
        forecasts: vec![forecast(w.initiatives[0], w.team, 0.4), forecast(w.initiatives[1], w.team, 0.9)],
    };
    store.save_plan_version_forecasts(plan, 1, &stored).await.unwrap();
    assert_eq!(store.plan_version_forecasts(plan, 1).await.unwrap().as_ref(), Some(&stored));
    let mut newer = stored.clone();
    newer.as_of = date!(2027 - 01 - 05);
    newer.forecasts.pop();
    store.save_plan_version_forecasts(plan, 1, &newer).await.unwrap();
    assert_eq!(store.plan_version_forecasts(plan, 1).await.unwrap(), Some(newer.clone()), "replaced");
    let foreign =
        VersionForecasts { forecasts: vec![forecast(w.foreign_initiative, w.other_team, 0.5)], ..newer.clone() };
    assert_eq!(
        invalid(store.save_plan_version_forecasts(plan, 1, &foreign).await),
        format!("initiative_id: initiative {} is not of team {} whose plan this is", w.foreign_initiative, w.team)
    );
    assert_eq!(
        invalid(store.save_plan_version_forecasts(plan, 2, &newer).await),
        format!("version: plan {plan} has no version 2")
    );
    assert_eq!(store.plan_version_forecasts(plan, 1).await.unwrap(), Some(newer));

    // An initiative's forecast as it stood on a day: its last snapshot on or before it.
    let a = w.initiatives[0];
    let day = |as_of: Date, p: f64| {
        let mut f = forecast(a, w.team, p);
        f.as_of = as_of;
        f
    };
    let history = [day(date!(2027 - 01 - 01), 0.7), day(date!(2027 - 01 - 08), 0.6)];
    store.save_initiative_forecasts(w.team, &history).await.unwrap();
    let on = |d: Date| {
        let store = store.clone();
        async move {
            store
                .initiative_forecasts_on(&[a, w.initiatives[1]], d)
                .await
                .unwrap()
                .iter()
                .map(|f| (f.initiative_id, f.as_of))
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(on(date!(2026 - 12 - 31)).await, []);
    assert_eq!(on(date!(2027 - 01 - 01)).await, [(a, date!(2027 - 01 - 01))]);
    assert_eq!(on(date!(2027 - 01 - 07)).await, [(a, date!(2027 - 01 - 01))]);
    assert_eq!(on(date!(2027 - 02 - 01)).await, [(a, date!(2027 - 01 - 08))]);
}

/// A presented proposal and a decided change request keep the evidence they cite as it was;
/// a draft, an open request, and a proposal withdrawn to a draft follow it as it changes.
async fn presented_and_decided_records_keep_their_evidence_as_cited(store: Store) {
    let w = world(&store).await;
    let cited = store.evidence(w.evidence).await.unwrap();
    let presented =
        store.create_proposal(w.team, &proposal(&w, "Presented"), Actor::new(MANAGER, at(0))).await.unwrap().id;
    let draft = store.create_proposal(w.team, &proposal(&w, "Draft"), Actor::new(MANAGER, at(0))).await.unwrap().id;
    store.move_proposal(presented, "presented", Actor::new(MANAGER, at(1)), None).await.unwrap();
    let plan_id = baseline_plan(&store, &w).await;
    let c = w.initiatives[2];
    let filed = |reason: &str| {
        request(json!({
            "change": {"kind": "rescope", "initiative_id": c, "scope": 40}, "reason": reason, "evidence_ids": [w.evidence]
        }))
    };
    let decided = store
        .file_change_request(plan_id, &filed("Decided"), &impact(c, 20, 0), Actor::new(MANAGER, at(2)))
        .await
        .unwrap()
        .id;
    let open = store
        .file_change_request(plan_id, &filed("Open"), &impact(c, 20, 0), Actor::new(MANAGER, at(2)))
        .await
        .unwrap()
        .id;
    for by in [EXECUTIVE, MANAGER] {
        store.decide_change_request(decided, Decision::Reject, "Not now", Actor::new(by, at(3))).await.unwrap();
    }
    assert!(
        store.evidence_as_cited_by_proposal(presented).await.unwrap().is_empty(),
        "unchanged evidence is read as it is"
    );

    // Changed twice: the presented and decided records keep the first version, not the second.
    for summary in ["Globex needs SEPA by March", "Globex no longer needs SEPA"] {
        let mut input = store.evidence(w.evidence).await.unwrap().to_input();
        input.summary = summary.into();
        store.update_evidence(w.evidence, &input.validate().unwrap(), None).await.unwrap();
    }
    assert_eq!(store.evidence_as_cited_by_proposal(presented).await.unwrap(), std::slice::from_ref(&cited));
    assert_eq!(store.evidence_as_cited_by_change_request(decided).await.unwrap(), std::slice::from_ref(&cited));
    assert!(store.evidence_as_cited_by_proposal(draft).await.unwrap().is_empty());
    assert!(store.evidence_as_cited_by_change_request(open).await.unwrap().is_empty());
    assert_eq!(store.evidence(w.evidence).await.unwrap().summary, "Globex no longer needs SEPA");

    // Withdrawn to a draft, the proposal follows the evidence again.
    store.move_proposal(presented, "draft", Actor::new(MANAGER, at(4)), None).await.unwrap();
    assert!(store.evidence_as_cited_by_proposal(presented).await.unwrap().is_empty());
}
