//! The impact service over a real store: a change request's impact comes from the team's
//! imported throughput and the plan's baseline, and is what filing stores.

use leadup_app::forecasts::ForecastFailure;
use leadup_app::impact::{file_change_request, impact, plan_change_impact};
use leadup_app::initiative_forecasts::TeamInputs;
use leadup_app::snapshots::refresh_team;
use leadup_core::change_request::{ChangeRequest, ChangeRequestInput, Decision, Impact, RequestStatus};
use leadup_core::initiative::InitiativeInput;
use leadup_core::plan::PlanInput;
use leadup_core::team::TeamInput;
use leadup_core::work_item::{StatusCategory, WorkItem};
use leadup_store::testing::{TestDatabase, execute};
use leadup_store::{Actor, Store, StoreError};
use serde_json::json;
use time::macros::{date, datetime};
use time::{Date, Duration};

const TODAY: Date = date!(2027 - 01 - 04);

fn done_item(n: i64) -> WorkItem {
    // Two items done on every third day and one on the others, over the last 90 days.
    let day = TODAY - Duration::days(n % 90);
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

/// Team Payments with a manager (user 1), an executive (user 2), 120 done items over 90 days
/// and three initiatives.
async fn payments(store: &Store) -> (i64, Vec<i64>) {
    let team = TeamInput { name: "Payments".into(), ..TeamInput::default() };
    let team = store.create_team(&team.validate().unwrap(), None).await.unwrap().id;
    for sql in [
        "INSERT INTO users (id, email, name, password_hash, created_at) VALUES (1, 'mara@example.com', 'Mara', '-', 0)"
            .to_owned(),
        "INSERT INTO users (id, email, name, password_hash, created_at) VALUES (2, 'erin@example.com', 'Erin', '-', 0)"
            .to_owned(),
        format!(
            "INSERT INTO memberships (team_id, user_id, role) VALUES ({team}, 1, 'manager'), ({team}, 2, 'executive')"
        ),
    ] {
        execute(store, &sql).await.unwrap();
    }
    let mut import = store.begin_import(team).await.unwrap();
    for n in 0..120 {
        import.upsert(done_item(n)).await.unwrap();
    }
    import.commit().await.unwrap();
    let mut ids = Vec::new();
    for title in ["Instant refunds", "Payout reports", "SEPA mandates"] {
        let input = json!({"title": title, "team_id": team, "horizon": "now"});
        let draft = serde_json::from_value::<InitiativeInput>(input).unwrap().validate().unwrap();
        ids.push(store.create_initiative(&draft).await.unwrap().id);
    }
    (team, ids)
}

#[tokio::test]
async fn a_change_requests_impact_comes_from_the_teams_throughput() {
    let db = TestDatabase::sqlite();
    let store = Store::connect(&db.url).await.unwrap();
    let (team, ids) = payments(&store).await;
    let plan = serde_json::from_value::<PlanInput>(json!({
        "team_id": team, "name": "2027 Q1", "period_start": "2027-01-01", "period_end": "2027-03-31",
        "items": [
            {"initiative_id": ids[0], "target_date": "2027-01-31", "budget": 100, "scope": 15},
            {"initiative_id": ids[1], "target_date": "2027-02-28", "budget": 200, "scope": 20}
        ]
    }))
    .unwrap()
    .validate()
    .unwrap();
    let plan = store.create_plan(&plan, Actor::now(1)).await.unwrap();
    let add_first = serde_json::from_value::<ChangeRequestInput>(json!({
        "change": {"kind": "add", "initiative_id": ids[2], "target_date": "2027-02-15", "budget": 300, "scope": 25, "position": 1},
        "reason": "Globex signs only with SEPA"
    }))
    .unwrap()
    .validate()
    .unwrap();
    let early = plan_change_impact(&store, plan.id, &add_first.change, TODAY).await.unwrap_err();
    assert!(
        matches!(&early, ForecastFailure::Store(StoreError::Conflict(m)) if m.contains("has no approved baseline yet")),
        "{early:?}"
    );

    store.submit_plan(plan.id, Actor::now(1), &[]).await.unwrap();
    let plan = store.approve_plan(plan.id, Actor::now(2), None, &[]).await.unwrap();
    let result: Impact = plan_change_impact(&store, plan.id, &add_first.change, TODAY).await.unwrap();

    // The same as the pure computation on the team's inputs, and "before" is the forecast every
    // page shows: the stored one of the same day.
    let baseline = &plan.baseline().unwrap().content;
    let changed = add_first.change.apply(baseline).unwrap();
    let inputs = TeamInputs::load(&store, team, TODAY).await.unwrap();
    assert_eq!(result, impact(&inputs, TODAY, baseline, &changed).unwrap());
    let stored = refresh_team(&store, team, TODAY, datetime!(2027-01-04 18:00 UTC)).await.unwrap();
    for line in &result.initiatives[..2] {
        let before = line.before.as_ref().unwrap();
        let snapshot = stored.iter().find(|f| f.initiative_id == line.initiative_id).unwrap();
        assert_eq!(before.p85, snapshot.dates.map(|d| d.p85), "initiative {}", line.initiative_id);
        assert_eq!(Some(before.probability_by_target), snapshot.probability_by_target);
        assert_eq!(Some(before.target_date), snapshot.target);
    }
    let ids_in_impact: Vec<i64> = result.initiatives.iter().map(|l| l.initiative_id).collect();
    assert_eq!(ids_in_impact, [ids[0], ids[1], ids[2]]);
    assert!(result.initiatives[1].delay_days.unwrap() > 0, "the second waits for the new first: {result:?}");
    assert_eq!(result.budget_delta(), 300);

    let filed = store.file_change_request(plan.id, &add_first, &result, Actor::now(2)).await.unwrap();
    assert_eq!(filed.impact, result);
    assert_eq!(filed.impact.delay_days(), result.delay_days());

    let remove_unknown = leadup_core::change_request::Change::Remove { initiative_id: 999 };
    let refused = plan_change_impact(&store, plan.id, &remove_unknown, TODAY).await.unwrap_err();
    assert_eq!(refused.to_string(), "change.initiative_id: initiative 999 is not in the plan");
}

/// Files `change` against plan `plan_id`'s baseline as user 1, with its impact as of `TODAY`.
async fn file(store: &Store, plan_id: i64, change: serde_json::Value) -> ChangeRequest {
    let input = serde_json::from_value::<ChangeRequestInput>(json!({"change": change, "reason": "Because"})).unwrap();
    file_change_request(store, plan_id, input, TODAY, Actor::now(1)).await.unwrap()
}

/// The manager's and the executive's sign-offs of `decision`.
async fn decide(store: &Store, id: i64, decision: Decision) -> ChangeRequest {
    store.decide_change_request(id, decision, "Agreed", Actor::now(1)).await.unwrap();
    store.decide_change_request(id, decision, "Agreed", Actor::now(2)).await.unwrap()
}

/// After a change request is accepted (a newer baseline), the refresh recomputes every open
/// request of the plan against it, keeping the impact it replaces; a request whose change no
/// longer fits says so and can only be rejected or deferred; decided ones keep their impact,
/// marked as on an older baseline.
async fn open_requests_follow_the_baseline(url: &str) {
    let store = Store::connect(url).await.unwrap();
    let (team, ids) = payments(&store).await;
    let plan = serde_json::from_value::<PlanInput>(json!({
        "team_id": team, "name": "2027 Q1", "period_start": "2027-01-01", "period_end": "2027-03-31",
        "items": [
            {"initiative_id": ids[0], "target_date": "2027-01-31", "budget": 100, "scope": 15},
            {"initiative_id": ids[1], "target_date": "2027-02-28", "budget": 200, "scope": 20}
        ]
    }))
    .unwrap()
    .validate()
    .unwrap();
    let plan = store.create_plan(&plan, Actor::now(1)).await.unwrap();
    store.submit_plan(plan.id, Actor::now(1), &[]).await.unwrap();
    store.approve_plan(plan.id, Actor::now(2), None, &[]).await.unwrap();

    let remove_first = file(&store, plan.id, json!({"kind": "remove", "initiative_id": ids[0]})).await;
    let add_sepa = file(
        &store,
        plan.id,
        json!({"kind": "add", "initiative_id": ids[2], "target_date": "2027-02-15", "budget": 300, "scope": 25, "position": 1}),
    )
    .await;
    let move_first =
        file(&store, plan.id, json!({"kind": "reprioritise", "initiative_id": ids[0], "position": 2})).await;
    let redate =
        file(&store, plan.id, json!({"kind": "redate", "initiative_id": ids[1], "target_date": "2027-03-15"})).await;
    assert_eq!((add_sepa.impact_baseline.version, add_sepa.impact_baseline.superseded), (1, false));
    assert!(add_sepa.impact_baseline.approved_at.is_some());
    let rejected = decide(&store, redate.id, Decision::Reject).await;
    let accepted = decide(&store, remove_first.id, Decision::Accept).await;
    assert_eq!(accepted.resulting_version, Some(2));

    // Until the refresh, the open request's impact is on the older baseline and cannot be accepted.
    let waiting = store.change_request(add_sepa.id).await.unwrap();
    assert_eq!((waiting.impact_baseline.version, waiting.impact_baseline.superseded), (1, true));
    store.decide_change_request(add_sepa.id, Decision::Accept, "Now", Actor::now(1)).await.unwrap_err();

    refresh_team(&store, team, TODAY, datetime!(2027-01-04 18:00 UTC)).await.unwrap();

    let recomputed = store.change_request(add_sepa.id).await.unwrap();
    assert_eq!((recomputed.impact_baseline.version, recomputed.impact_baseline.superseded), (2, false));
    assert_eq!(recomputed.no_longer_applies, None);
    let change = &recomputed.change;
    assert_eq!(recomputed.impact, plan_change_impact(&store, plan.id, change, TODAY).await.unwrap());
    let lines: Vec<i64> = recomputed.impact.initiatives.iter().map(|l| l.initiative_id).collect();
    assert_eq!(lines, [ids[1], ids[2]], "the new baseline's initiatives, then the addition");
    assert_ne!(recomputed.impact, add_sepa.impact, "a plan without the first initiative is forecast differently");
    assert_eq!(recomputed.impact_history.len(), 1);
    let past = &recomputed.impact_history[0];
    assert_eq!((past.baseline_version, past.recomputed_on), (1, 2));
    assert_eq!(past.impact, add_sepa.impact);
    assert_eq!(past.recomputed_at, datetime!(2027-01-04 18:00 UTC));

    let stale = store.change_request(move_first.id).await.unwrap();
    assert_eq!(stale.no_longer_applies.as_deref(), Some(format!("initiative {} is not in the plan", ids[0]).as_str()));
    assert_eq!((stale.impact_baseline.version, stale.impact_baseline.superseded), (1, true));
    assert_eq!((stale.impact.clone(), stale.impact_history.len()), (move_first.impact.clone(), 0));
    let refused = store.decide_change_request(move_first.id, Decision::Accept, "Now", Actor::now(1)).await.unwrap_err();
    assert!(
        matches!(&refused, StoreError::Conflict(m) if m.contains("no longer applies to the baseline, version 2")),
        "{refused:?}"
    );

    for (decided, before) in [(rejected, &redate), (accepted, &remove_first)] {
        let now = store.change_request(decided.id).await.unwrap();
        assert_eq!((now.impact_baseline.version, now.impact_baseline.superseded), (1, true), "request {}", now.id);
        assert_eq!((&now.impact, now.impact_history.len()), (&before.impact, 0));
    }

    // A second refresh finds nothing left to recompute; the recomputed request can be accepted.
    refresh_team(&store, team, TODAY, datetime!(2027-01-04 19:00 UTC)).await.unwrap();
    assert_eq!(store.change_request(add_sepa.id).await.unwrap().impact_history.len(), 1);
    assert_eq!(decide(&store, add_sepa.id, Decision::Accept).await.resulting_version, Some(3));
    assert_eq!(decide(&store, move_first.id, Decision::Reject).await.status, RequestStatus::Rejected);
}

#[tokio::test]
async fn open_requests_follow_the_baseline_on_sqlite() {
    let db = TestDatabase::sqlite();
    open_requests_follow_the_baseline(&db.url).await;
}

#[tokio::test]
async fn open_requests_follow_the_baseline_on_postgres() {
    let Some(db) = TestDatabase::postgres().await else { return };
    open_requests_follow_the_baseline(&db.url).await;
}
