//! The impact service over a real store: a change request's impact comes from the team's
//! imported throughput and the plan's baseline, and is what filing stores.

use leadup_app::forecasts::ForecastFailure;
use leadup_app::impact::{impact, plan_change_impact};
use leadup_app::initiative_forecasts::TeamInputs;
use leadup_app::snapshots::refresh_team;
use leadup_core::change_request::{ChangeRequestInput, Impact};
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

#[tokio::test]
async fn a_change_requests_impact_comes_from_the_teams_throughput() {
    let db = TestDatabase::sqlite();
    let store = Store::connect(&db.url).await.unwrap();
    let team = TeamInput { name: "Payments".into(), manager: "Mara".into(), members: vec![], executives: vec![] };
    let team = store.create_team(&team.validate().unwrap()).await.unwrap().id;
    for sql in [
        "INSERT INTO users (id, email, name, password_hash, created_at) VALUES (1, 'mara@example.com', 'Mara', '-', 0)"
            .to_owned(),
        "INSERT INTO users (id, email, name, password_hash, created_at) VALUES (2, 'erin@example.com', 'Erin', '-', 0)"
            .to_owned(),
        format!(
            "INSERT INTO memberships (team_id, user_id, role) VALUES ({team}, 1, 'manager'), ({team}, 2, 'executive')"
        ),
    ] {
        execute(&store, &sql).await.unwrap();
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

    store.submit_plan(plan.id, Actor::now(1)).await.unwrap();
    let plan = store.approve_plan(plan.id, Actor::now(2), None).await.unwrap();
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
