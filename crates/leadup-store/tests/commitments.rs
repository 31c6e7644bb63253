//! Commitments and their outcome events, on SQLite and on PostgreSQL (see `conformance.rs`
//! for how the backends are chosen).

use leadup_core::commitment::{CommitmentInput, Outcome, OutcomeInput, PlanItemRef, State};
use leadup_core::initiative::InitiativeInput;
use leadup_core::plan::PlanInput;
use leadup_core::team::TeamInput;
use leadup_store::testing::execute;
use leadup_store::{Actor, PlanItemCommitment, Store, StoreError};
use serde_json::json;
use time::OffsetDateTime;
use time::macros::{date, datetime};

use leadup_store::conformance;

conformance!(
    a_commitment_keeps_every_outcome,
    bad_commitments_and_outcomes_change_nothing,
    approving_a_baseline_commits_to_each_item,
);

const MANAGER: i64 = 21;
const EXECUTIVE: i64 = 22;

struct World {
    team: i64,
    other_team: i64,
    initiative: i64,
    foreign_initiative: i64,
}

async fn world(store: &Store) -> World {
    let team = |name: &str| TeamInput { name: name.into(), ..TeamInput::default() };
    let team_id = store.create_team(&team("Payments").validate().unwrap(), None).await.unwrap().id;
    let other_team = store.create_team(&team("Search").validate().unwrap(), None).await.unwrap().id;
    for (id, name) in [(MANAGER, "Mara"), (EXECUTIVE, "Erin")] {
        execute(
            store,
            &format!(
                "INSERT INTO users (id, email, name, password_hash, is_admin, created_at) \
                 VALUES ({id}, '{}@example.com', '{name}', 'not a hash', FALSE, 0)",
                name.to_lowercase()
            ),
        )
        .await
        .unwrap();
    }
    for (user, role) in [(MANAGER, "manager"), (EXECUTIVE, "executive")] {
        execute(
            store,
            &format!("INSERT INTO memberships (team_id, user_id, role) VALUES ({team_id}, {user}, '{role}')"),
        )
        .await
        .unwrap();
    }
    let initiative = |team_id: i64, title: &str| {
        serde_json::from_value::<InitiativeInput>(
            json!({"title": title, "team_id": team_id, "horizon": "now", "currency": "USD"}),
        )
        .unwrap()
        .validate()
        .unwrap()
    };
    let initiative_id = store.create_initiative(&initiative(team_id, "Instant refunds")).await.unwrap().id;
    let foreign_initiative = store.create_initiative(&initiative(other_team, "Synonyms")).await.unwrap().id;
    World { team: team_id, other_team, initiative: initiative_id, foreign_initiative }
}

fn at(day: time::Date) -> OffsetDateTime {
    day.with_time(time::macros::time!(10:00)).assume_utc()
}

fn input(w: &World) -> CommitmentInput {
    CommitmentInput {
        to_user_id: EXECUTIVE,
        statement: "Refunds in seconds".into(),
        made: Some("2026-01-05".into()),
        due: "2026-03-31".into(),
        confidence: 0.8,
        budget: Some(2_500_000),
        currency: None,
        initiative_id: Some(w.initiative),
    }
}

fn outcome(kind: &str, on: &str) -> OutcomeInput {
    OutcomeInput { kind: kind.into(), on: Some(on.into()), ..OutcomeInput::default() }
}

async fn audit_actions(store: &Store) -> Vec<String> {
    store.audit_log().await.unwrap().into_iter().map(|e| format!("{} {}", e.event.action, e.event.subject)).collect()
}

async fn a_commitment_keeps_every_outcome(store: Store) {
    let w = world(&store).await;
    let draft = input(&w).validate(w.team, date!(2026 - 01 - 05)).unwrap();
    let created = store.create_commitment(&draft, Actor::new(MANAGER, at(date!(2026 - 01 - 05)))).await.unwrap();
    assert_eq!(created.statement, "Refunds in seconds");
    assert_eq!((created.made, created.due, created.confidence), (date!(2026 - 01 - 05), date!(2026 - 03 - 31), 0.8));
    assert_eq!(created.budget.as_ref().map(|b| (b.minor, b.currency.as_str())), Some((2_500_000, "EUR")));
    assert_eq!(created.initiative_id, Some(w.initiative));
    assert!(created.events.is_empty());

    let renegotiate = OutcomeInput {
        new_due: Some("2026-04-30".into()),
        reason: Some("Card network certification slipped".into()),
        ..outcome("renegotiated", "2026-03-01")
    };
    store
        .record_commitment_outcome(created.id, &renegotiate, Actor::new(MANAGER, at(date!(2026 - 03 - 01))))
        .await
        .unwrap();
    let met = OutcomeInput { spent: Some(2_400_050), ..outcome("met", "2026-04-20") };
    let closed = store
        .record_commitment_outcome(created.id, &met, Actor::new(MANAGER, at(date!(2026 - 04 - 21))))
        .await
        .unwrap();
    assert_eq!(closed.state(), State::Met);
    assert_eq!(closed.due, date!(2026 - 03 - 31), "the original due date is kept");
    assert_eq!(closed.current_due(), date!(2026 - 04 - 30));
    assert_eq!(closed.events.len(), 2);
    assert_eq!(
        closed.events[0].outcome,
        Outcome::Renegotiated { new_due: date!(2026 - 04 - 30), reason: "Card network certification slipped".into() }
    );
    match &closed.events[1].outcome {
        Outcome::Met { spent: Some(spent) } => assert_eq!((spent.minor, spent.currency.as_str()), (2_400_050, "EUR")),
        other => panic!("expected met with spent, got {other:?}"),
    }
    assert_eq!(closed.events[1].on, date!(2026 - 04 - 20));
    assert_eq!(store.commitment(created.id).await.unwrap(), closed);

    // A second commitment, without budget, to the other team: each team reads its own.
    let other = CommitmentInput { budget: None, initiative_id: None, ..input(&w) }
        .validate(w.other_team, date!(2026 - 01 - 05))
        .unwrap();
    let other = store.create_commitment(&other, Actor::new(MANAGER, at(date!(2026 - 01 - 06)))).await.unwrap();
    let ids = |cs: Vec<leadup_core::commitment::Commitment>| cs.into_iter().map(|c| c.id).collect::<Vec<_>>();
    assert_eq!(ids(store.team_commitments(&[w.team]).await.unwrap()), vec![created.id]);
    assert_eq!(ids(store.team_commitments(&[w.other_team]).await.unwrap()), vec![other.id]);
    assert_eq!(ids(store.team_commitments(&[w.team, w.other_team]).await.unwrap()), vec![created.id, other.id]);
    assert!(store.team_commitments(&[]).await.unwrap().is_empty());

    assert_eq!(
        audit_actions(&store).await,
        vec![
            format!("commitment.created commitment:{}", created.id),
            format!("commitment.renegotiated commitment:{}", created.id),
            format!("commitment.met commitment:{}", created.id),
            format!("commitment.created commitment:{}", other.id),
        ]
    );
    assert_eq!(store.verify_audit_log().await.unwrap(), Ok(4));

    // A linked initiative and the team keep their commitments.
    assert!(
        matches!(store.delete_initiative(w.initiative).await, Err(StoreError::Conflict(m)) if m.contains(&format!("commitment {}", created.id)))
    );
    store.delete_initiative(w.foreign_initiative).await.unwrap();
    assert!(
        matches!(store.delete_team(w.other_team).await, Err(StoreError::Conflict(m)) if m.contains("1 commitments"))
    );
}

async fn bad_commitments_and_outcomes_change_nothing(store: Store) {
    let w = world(&store).await;
    let by = Actor::new(MANAGER, at(date!(2026 - 01 - 05)));
    let invalid_field = |result: Result<_, StoreError>| match result {
        Err(StoreError::Invalid(errors)) => errors.0.iter().map(|e| e.field.clone()).collect::<Vec<_>>(),
        other => panic!("expected invalid, got {other:?}"),
    };
    let unknown_person =
        CommitmentInput { to_user_id: 999, ..input(&w) }.validate(w.team, date!(2026 - 01 - 05)).unwrap();
    assert_eq!(invalid_field(store.create_commitment(&unknown_person, by).await), vec!["to_user_id"]);
    let foreign = CommitmentInput { initiative_id: Some(w.foreign_initiative), ..input(&w) }
        .validate(w.team, date!(2026 - 01 - 05))
        .unwrap();
    assert_eq!(invalid_field(store.create_commitment(&foreign, by).await), vec!["initiative_id"]);
    let no_team = input(&w).validate(9_999, date!(2026 - 01 - 05)).unwrap();
    assert!(matches!(store.create_commitment(&no_team, by).await, Err(StoreError::NotFound { .. })));
    assert!(store.team_commitments(&[w.team]).await.unwrap().is_empty());
    assert!(store.audit_log().await.unwrap().is_empty());

    let created =
        store.create_commitment(&input(&w).validate(w.team, date!(2026 - 01 - 05)).unwrap(), by).await.unwrap();
    let before_made = store.record_commitment_outcome(created.id, &outcome("met", "2026-01-04"), by).await;
    assert_eq!(invalid_field(before_made), vec!["on"]);
    store.record_commitment_outcome(created.id, &outcome("missed", "2026-04-02"), by).await.unwrap();
    for kind in ["met", "dropped", "renegotiated", "missed"] {
        let again = OutcomeInput {
            reason: Some("r".into()),
            new_due: Some("2026-06-01".into()),
            ..outcome(kind, "2026-04-03")
        };
        let errors = match store.record_commitment_outcome(created.id, &again, by).await {
            Err(StoreError::Invalid(errors)) => errors,
            other => panic!("expected invalid, got {other:?}"),
        };
        assert_eq!(
            errors.summary(),
            format!(
                "kind: commitment {} is already closed (missed on 2026-04-02): an outcome cannot be recorded again",
                created.id
            )
        );
    }
    assert!(matches!(
        store.record_commitment_outcome(9_999, &outcome("met", "2026-04-03"), by).await,
        Err(StoreError::NotFound { .. })
    ));
    let stored = store.commitment(created.id).await.unwrap();
    assert_eq!(stored.events.len(), 1);
    assert_eq!(stored.state(), State::Missed);
    assert_eq!(store.audit_log().await.unwrap().len(), 2, "created and missed, nothing else");
}

async fn approving_a_baseline_commits_to_each_item(store: Store) {
    let w = world(&store).await;
    let second = store
        .create_initiative(
            &serde_json::from_value::<InitiativeInput>(
                json!({"title": "Payout reports", "team_id": w.team, "horizon": "now"}),
            )
            .unwrap()
            .validate()
            .unwrap(),
        )
        .await
        .unwrap()
        .id;
    let plan = serde_json::from_value::<PlanInput>(json!({
        "team_id": w.team, "name": "2027 Q1", "period_start": "2027-01-01", "period_end": "2027-03-31",
        "items": [
            {"initiative_id": w.initiative, "target_date": "2027-02-15", "budget": 5_000_000, "scope": 12},
            {"initiative_id": second, "target_date": "2027-03-15", "budget": 0, "scope": 8}
        ]
    }))
    .unwrap()
    .validate()
    .unwrap();
    let plan = store.create_plan(&plan, Actor::new(MANAGER, datetime!(2027-01-04 09:00 UTC))).await.unwrap();
    store.submit_plan(plan.id, Actor::new(MANAGER, datetime!(2027-01-04 10:00 UTC)), &[]).await.unwrap();
    let bad = [PlanItemCommitment { initiative_id: w.initiative, confidence: 1.5 }];
    match store.approve_plan(plan.id, Actor::new(EXECUTIVE, datetime!(2027-01-05 09:00 UTC)), None, &bad).await {
        Err(StoreError::Invalid(errors)) => assert_eq!(errors.0[0].field, "confidence"),
        other => panic!("expected invalid, got {other:?}"),
    }
    assert_eq!(store.plan(plan.id).await.unwrap().baseline(), None, "a refused approval approves nothing");
    assert!(store.team_commitments(&[w.team]).await.unwrap().is_empty());

    let seeds = [
        PlanItemCommitment { initiative_id: w.initiative, confidence: 0.72 },
        PlanItemCommitment { initiative_id: second, confidence: 0.9 },
    ];
    store
        .approve_plan(plan.id, Actor::new(EXECUTIVE, datetime!(2027-01-05 09:00 UTC)), Some("Go"), &seeds)
        .await
        .unwrap();
    let commitments = store.team_commitments(&[w.team]).await.unwrap();
    let shape: Vec<_> = commitments
        .iter()
        .map(|c| {
            (
                c.statement.as_str(),
                c.to_user_id,
                c.made,
                c.due,
                c.confidence,
                c.budget.as_ref().map(|b| (b.minor, b.currency.as_str().to_owned())),
                c.initiative_id,
                c.plan_item,
            )
        })
        .collect();
    let item = Some(PlanItemRef { plan_id: plan.id, version: 1 });
    assert_eq!(
        shape,
        vec![
            (
                "Deliver Instant refunds by 2027-02-15",
                EXECUTIVE,
                date!(2027 - 01 - 05),
                date!(2027 - 02 - 15),
                0.72,
                Some((5_000_000, "USD".to_owned())),
                Some(w.initiative),
                item
            ),
            (
                "Deliver Payout reports by 2027-03-15",
                EXECUTIVE,
                date!(2027 - 01 - 05),
                date!(2027 - 03 - 15),
                0.9,
                None,
                Some(second),
                item
            ),
        ]
    );
    let actions = audit_actions(&store).await;
    assert_eq!(actions.iter().filter(|a| a.starts_with("commitment.created")).count(), 2);
    assert!(actions.last().unwrap().starts_with("plan.approved"));
}
