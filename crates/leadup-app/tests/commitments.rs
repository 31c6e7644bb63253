//! The commitments service over a real store, on SQLite and PostgreSQL: approving a baseline
//! commits to each item with the submitted version's stored chance, a linked commitment shows
//! the stored forecast's chance and lands in the manager's inbox when it is below the confidence
//! stated, and the report and the brief's period view read the ledger.

// Confidences are stored and read back bit for bit, so they compare exactly.
#![allow(clippy::float_cmp)]

use leadup_app::commitments::{self, NO_FORECAST_CONFIDENCE};
use leadup_app::inbox::{InboxKind, inbox};
use leadup_app::plan_progress;
use leadup_app::snapshots::refresh_team;
use leadup_core::commitment::{CommitmentInput, OutcomeInput, State, chance_by};
use leadup_core::initiative::InitiativeInput;
use leadup_core::plan::{PlanInput, StatedConfidence};
use leadup_core::team::TeamInput;
use leadup_core::work_item::{AttachRule, RuleKind, StatusCategory, WorkItem};
use leadup_store::testing::{TestDatabase, execute};
use leadup_store::{Actor, Store};
use serde_json::json;
use time::macros::{date, datetime};
use time::{Date, Duration, OffsetDateTime};

const TODAY: Date = date!(2027 - 01 - 25);

fn item(n: i64, done: Option<Date>, label: &str) -> WorkItem {
    let done = done.map(|day| day.with_hms(12, 0, 0).unwrap().assume_utc());
    WorkItem {
        key: format!("PAY-{n}"),
        title: format!("Item {n}"),
        kind: "Story".into(),
        status: if done.is_some() { "Done" } else { "To do" }.into(),
        category: StatusCategory::from_times(None, done),
        created: Some(datetime!(2026-09-01 09:00 UTC)),
        started: None,
        done,
        estimate: None,
        parent: None,
        labels: vec![label.to_owned()],
        milestone: None,
    }
}

fn noon(day: Date) -> OffsetDateTime {
    day.with_hms(12, 0, 0).unwrap().assume_utc()
}

async fn the_ledger_reads_the_stored_forecasts(store: Store) {
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
        execute(&store, &sql).await.unwrap();
    }
    let mut import = store.begin_import(team).await.unwrap();
    for n in 0..150 {
        let label = if n % 2 == 0 { "refunds" } else { "payouts" };
        import.upsert(item(n, Some(TODAY - Duration::days(150 - n)), label)).await.unwrap();
    }
    for n in 150..190 {
        import.upsert(item(n, None, if n < 165 { "refunds" } else { "payouts" })).await.unwrap();
    }
    import.commit().await.unwrap();
    let mut ids = Vec::new();
    for (title, label) in [("Instant refunds", "refunds"), ("Payout reports", "payouts")] {
        let input =
            json!({"title": title, "team_id": team, "horizon": "now", "status": "in_progress", "currency": "EUR"});
        let draft = serde_json::from_value::<InitiativeInput>(input).unwrap().validate().unwrap();
        let id = store.create_initiative(&draft).await.unwrap().id;
        store.set_initiative_rules(id, &[AttachRule::new(RuleKind::Label, label).unwrap()]).await.unwrap();
        ids.push(id);
    }
    let plan = serde_json::from_value::<PlanInput>(json!({
        "team_id": team, "name": "2027 Q1", "period_start": "2027-01-01", "period_end": "2027-03-31",
        "items": [
            {"initiative_id": ids[1], "target_date": "2027-02-05", "budget": 300_000, "scope": 25},
            {"initiative_id": ids[0], "target_date": "2027-03-31", "budget": 0, "scope": 15}
        ]
    }))
    .unwrap()
    .validate()
    .unwrap();
    let submitted_on = TODAY - Duration::days(14);
    let plan = store.create_plan(&plan, Actor::new(1, noon(submitted_on))).await.unwrap().id;
    // The manager states her confidence in Instant refunds only.
    let stated = [StatedConfidence { initiative_id: ids[0], confidence: 0.75 }];
    let submitted = store.submit_plan(plan, Actor::new(1, noon(submitted_on)), &stated).await.unwrap();
    assert_eq!(submitted.versions[0].stated_confidence, stated);
    refresh_team(&store, team, submitted_on, noon(submitted_on)).await.unwrap();
    let chances: Vec<f64> = plan_progress::version(&store, plan, 1, submitted_on)
        .await
        .unwrap()
        .unwrap()
        .items
        .iter()
        .map(|i| i.forecast.as_ref().unwrap().chance_by_target.unwrap())
        .collect();

    let approved_on = submitted_on + Duration::days(4);
    commitments::approve_plan(&store, plan, Actor::new(2, noon(approved_on)), Some("Go")).await.unwrap();
    refresh_team(&store, team, TODAY, noon(TODAY)).await.unwrap();
    let listed = commitments::list(&store, team).await.unwrap();
    assert_eq!(listed.len(), 2);
    // Payout reports is due first; without a stated confidence it states the submitted
    // version's stored chance, rounded; Instant refunds the manager's.
    assert_eq!(listed[0].commitment.initiative_id, Some(ids[1]));
    assert_eq!(listed[0].commitment.confidence, (chances[0] * 100.0).round() / 100.0);
    assert_eq!(listed[1].commitment.confidence, 0.75);
    assert_ne!((chances[1] * 100.0).round() / 100.0, 0.75, "the stated confidence differs from the forecast's");
    assert_eq!((listed[0].to.as_str(), listed[0].commitment.made), ("Erin", approved_on));
    assert_eq!(listed[0].commitment.budget.as_ref().map(|b| b.minor), Some(300_000));
    assert_eq!(listed[1].commitment.budget, None);
    // The chance now is the one the stored forecast gives for the due date.
    let stored = store.team_initiative_forecasts(team).await.unwrap();
    for view in &listed {
        let forecast = stored.iter().find(|f| Some(f.initiative_id) == view.commitment.initiative_id).unwrap();
        assert_eq!(view.chance_now, chance_by(forecast, view.current_due));
        assert_eq!(view.chance_as_of, Some(TODAY));
        assert_eq!(view.at_risk, view.chance_now.unwrap() < view.commitment.confidence);
    }

    // A promise the forecast cannot back: due in two days at 90%.
    let risky = CommitmentInput {
        to_user_id: 2,
        statement: "Refunds for card payments".into(),
        made: None,
        due: leadup_core::date::format(TODAY + Duration::days(2)),
        confidence: 0.9,
        budget: None,
        currency: None,
        initiative_id: Some(ids[0]),
    };
    let risky = commitments::add(&store, team, &risky, Actor::new(1, noon(TODAY))).await.unwrap();
    let view = commitments::one(&store, risky.id).await.unwrap();
    assert!(view.at_risk, "{view:?}");
    assert!(view.chance_now.unwrap() < 0.2, "{view:?}");
    let manager = store.principal(1).await.unwrap();
    let waiting = inbox(&store, &manager, noon(TODAY)).await.unwrap();
    let at_risk: Vec<i64> =
        waiting.iter().filter(|i| i.kind == InboxKind::CommitmentAtRisk).map(|i| i.subject_id).collect();
    assert!(at_risk.contains(&risky.id), "{waiting:?}");
    assert!(waiting.iter().any(|i| i.link == format!("/teams/{team}/commitments#commitment-{}", risky.id)));
    let executive = store.principal(2).await.unwrap();
    assert!(
        inbox(&store, &executive, noon(TODAY)).await.unwrap().iter().all(|i| i.kind != InboxKind::CommitmentAtRisk),
        "only the manager is asked to act"
    );

    // Met two days late: it leaves the inbox and counts as missed in the report.
    let met = OutcomeInput {
        kind: "met".into(),
        on: Some(leadup_core::date::format(TODAY + Duration::days(4))),
        ..OutcomeInput::default()
    };
    commitments::record_outcome(&store, risky.id, &met, Actor::new(1, noon(TODAY + Duration::days(4)))).await.unwrap();
    assert!(commitments::at_risk(&store, team).await.unwrap().iter().all(|v| v.commitment.id != risky.id));
    let report = commitments::report(&store, team, None, TODAY + Duration::days(30)).await.unwrap();
    assert_eq!((report.team.as_str(), report.managers.clone()), ("Payments", vec!["Mara".to_owned()]));
    assert_eq!((report.report.counts.commitments, report.report.counts.missed), (1, 1));
    // slip: met 01-29, due 01-27 → 2 days; brier (0.9 − 0)² = 0.81
    assert_eq!(report.report.mean_slip_days, Some(2.0));
    assert!((report.report.counts.brier.unwrap() - 0.81).abs() < 1e-12);

    // The brief's view of a period: due in it (by the due date in force) and met in it.
    let period = commitments::due_and_met(&store, &[team], TODAY, TODAY + Duration::days(14)).await.unwrap();
    let due: Vec<i64> = period.due.iter().map(|v| v.commitment.id).collect();
    assert_eq!(due, vec![risky.id, listed[0].commitment.id]);
    assert_eq!(period.met.iter().map(|v| v.commitment.id).collect::<Vec<_>>(), vec![risky.id]);
    assert_eq!(period.met[0].state, State::Met);
    assert!(commitments::due_and_met(&store, &[], TODAY, TODAY).await.unwrap().due.is_empty());
}

async fn without_a_stored_forecast_the_approval_states_an_even_chance(store: Store) {
    let team = TeamInput { name: "Search".into(), ..TeamInput::default() };
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
        execute(&store, &sql).await.unwrap();
    }
    let input = json!({"title": "Synonyms", "team_id": team, "horizon": "now"});
    let initiative = store
        .create_initiative(&serde_json::from_value::<InitiativeInput>(input).unwrap().validate().unwrap())
        .await
        .unwrap()
        .id;
    let plan = serde_json::from_value::<PlanInput>(json!({
        "team_id": team, "name": "2027 Q1", "period_start": "2027-01-01", "period_end": "2027-03-31",
        "items": [{"initiative_id": initiative, "target_date": "2027-03-01", "budget": 0, "scope": 5}]
    }))
    .unwrap()
    .validate()
    .unwrap();
    let plan = store.create_plan(&plan, Actor::new(1, noon(TODAY))).await.unwrap().id;
    store.submit_plan(plan, Actor::new(1, noon(TODAY)), &[]).await.unwrap();
    commitments::approve_plan(&store, plan, Actor::new(2, noon(TODAY)), None).await.unwrap();
    let listed = commitments::list(&store, team).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].commitment.confidence, NO_FORECAST_CONFIDENCE);
    assert_eq!((listed[0].chance_now, listed[0].at_risk), (None, false), "no forecast stored, no chance shown");
    // A manager (not an executive) cannot approve, and no commitment is made.
    let other_plan = store.plan(plan).await.unwrap();
    assert!(commitments::approve_plan(&store, other_plan.id, Actor::new(1, noon(TODAY)), None).await.is_err());
    assert_eq!(commitments::list(&store, team).await.unwrap().len(), 1);
}

mod sqlite {
    use super::*;

    #[tokio::test]
    async fn the_ledger_reads_the_stored_forecasts() {
        let db = TestDatabase::sqlite();
        super::the_ledger_reads_the_stored_forecasts(Store::connect(&db.url).await.unwrap()).await;
    }

    #[tokio::test]
    async fn without_a_stored_forecast_the_approval_states_an_even_chance() {
        let db = TestDatabase::sqlite();
        super::without_a_stored_forecast_the_approval_states_an_even_chance(Store::connect(&db.url).await.unwrap())
            .await;
    }
}

mod postgres {
    use super::*;

    #[tokio::test]
    async fn the_ledger_reads_the_stored_forecasts() {
        let Some(db) = TestDatabase::postgres().await else { return };
        super::the_ledger_reads_the_stored_forecasts(Store::connect(&db.url).await.unwrap()).await;
    }

    #[tokio::test]
    async fn without_a_stored_forecast_the_approval_states_an_even_chance() {
        let Some(db) = TestDatabase::postgres().await else { return };
        super::without_a_stored_forecast_the_approval_states_an_even_chance(Store::connect(&db.url).await.unwrap())
            .await;
    }
}
