//! Wins, the process document and hand-added decisions, on SQLite and on PostgreSQL.

use leadup_core::access::Role;
use leadup_core::account::ShareKind;
use leadup_core::initiative::InitiativeInput;
use leadup_core::process::{DecisionInput, ProcessInput};
use leadup_core::strategy::ObjectiveInput;
use leadup_core::team::TeamInput;
use leadup_core::win::{WinInput, WinStatus, credits_per_person};
use leadup_store::{Actor, NewShareLink, Store, StoreError};
use serde_json::json;
use time::macros::{date, datetime};

use leadup_store::conformance;

conformance!(
    wins_are_proposed_confirmed_and_credited,
    bad_wins_are_refused_naming_the_field_and_nothing_is_written,
    process_versions_are_kept,
    hand_decisions_round_trip_and_only_the_manager_adds_them,
    a_share_link_shows_any_of_a_teams_pages,
);

const TODAY: time::Date = date!(2026 - 12 - 04);

fn at() -> Actor {
    Actor::new(0, datetime!(2026-12-04 10:00 UTC))
}

fn by(user: i64) -> Actor {
    Actor { user_id: user, ..at() }
}

async fn user(store: &Store, name: &str) -> i64 {
    let email = format!("{}@example.com", name.to_lowercase().replace(' ', "."));
    let new = leadup_core::account::NewUser { email, name: name.into(), is_admin: false };
    store.create_user(&new, "hash", 0, None).await.unwrap().id
}

struct Team {
    id: i64,
    manager: i64,
    member: i64,
    executive: i64,
}

async fn team(store: &Store, name: &str) -> Team {
    let id = store
        .create_team(&TeamInput { name: name.into(), ..TeamInput::default() }.validate().unwrap(), None)
        .await
        .unwrap()
        .id;
    let manager = user(store, &format!("Mia {name}")).await;
    let member = user(store, &format!("Ana {name}")).await;
    let executive = user(store, &format!("Eve {name}")).await;
    store.set_role(id, manager, Some(Role::Manager), None).await.unwrap();
    store.set_role(id, member, Some(Role::Member), None).await.unwrap();
    store.set_role(id, executive, Some(Role::Executive), None).await.unwrap();
    Team { id, manager, member, executive }
}

fn win(value: serde_json::Value) -> leadup_core::win::WinDraft {
    serde_json::from_value::<WinInput>(value).unwrap().validate(TODAY).unwrap()
}

async fn wins_are_proposed_confirmed_and_credited(store: Store) {
    let t = team(&store, "Payments").await;
    let initiative = store
        .create_initiative(
            &serde_json::from_value::<InitiativeInput>(json!({"title": "Refunds", "team_id": t.id, "horizon": "now"}))
                .unwrap()
                .validate()
                .unwrap(),
        )
        .await
        .unwrap()
        .id;
    let objective = store
        .create_objective(
            &serde_json::from_value::<ObjectiveInput>(
                json!({"title": "Retain", "description": "Why", "owner": "Dana", "key_results": [
                {"metric": "Churn", "unit": "%", "baseline": 8, "target": 5, "due": "2027-03-31"}]}),
            )
            .unwrap()
            .validate()
            .unwrap(),
        )
        .await
        .unwrap()
        .id;
    let first = store
        .propose_win(
            t.id,
            &win(json!({"title": "Refunds in seconds", "achieved_on": "2026-11-02", "initiative_id": initiative,
                "objective_id": objective, "key_result": 0, "impact": "Fewer tickets", "impact_value": 120.0,
                "impact_unit": "tickets/month", "credits": ["ana.payments@example.com", "  ana  payments ", "Bruno Silva"]})),
            by(t.member),
        )
        .await;
    // "ana payments" is the member's name, so it is the same person as her address.
    let Err(StoreError::Invalid(errors)) = first else { panic!("a person credited twice: {first:?}") };
    assert_eq!(errors.summary(), "credits[1]: 'ana  payments' is credited twice");
    let proposed = store
        .propose_win(
            t.id,
            &win(json!({"title": "Refunds in seconds", "achieved_on": "2026-11-02", "initiative_id": initiative,
                "objective_id": objective, "key_result": 0, "impact": "Fewer tickets", "impact_value": 120.0,
                "impact_unit": "tickets/month", "credits": ["ana.payments@example.com", "Bruno Silva"]})),
            by(t.member),
        )
        .await
        .unwrap();
    assert_eq!(proposed.status, WinStatus::Proposed);
    assert_eq!(proposed.achieved_on, date!(2026 - 11 - 02));
    assert_eq!(proposed.key_result, Some(0));
    assert_eq!(proposed.impact_value, Some(120.0));
    let credited: Vec<(Option<i64>, &str)> = proposed.credits.iter().map(|c| (c.user_id, c.name.as_str())).collect();
    assert_eq!(credited, [(Some(t.member), "Ana Payments"), (None, "Bruno Silva")]);

    // Only the manager confirms; an executive or the member cannot.
    for who in [t.member, t.executive] {
        assert!(matches!(store.decide_win(proposed.id, None, by(who)).await, Err(StoreError::Forbidden(_))));
    }
    let confirmed = store.decide_win(proposed.id, None, by(t.manager)).await.unwrap();
    assert_eq!((confirmed.status, confirmed.decided_by), (WinStatus::Confirmed, Some(t.manager)));
    let again = store.decide_win(proposed.id, Some("no"), by(t.manager)).await;
    assert!(
        matches!(again, Err(StoreError::Conflict(ref m)) if m == &format!("win {} is already confirmed", proposed.id))
    );

    let second = store
        .propose_win(t.id, &win(json!({"title": "PCI audit passed", "achieved_on": "2026-06-30", "credits": ["Bruno  Silva", "Mia Payments"]})), by(t.manager))
        .await
        .unwrap();
    store.decide_win(second.id, None, by(t.manager)).await.unwrap();
    let third = store
        .propose_win(
            t.id,
            &win(json!({"title": "Side project", "achieved_on": "2026-12-01", "credits": ["Ana Payments"]})),
            by(t.member),
        )
        .await
        .unwrap();
    let declined = store.decide_win(third.id, Some("Not the team's work"), by(t.manager)).await.unwrap();
    assert_eq!(
        (declined.status, declined.decline_reason.as_deref()),
        (WinStatus::Declined, Some("Not the team's work"))
    );

    let all = store.team_wins(t.id).await.unwrap();
    assert_eq!(all.iter().map(|w| w.id).collect::<Vec<_>>(), [third.id, proposed.id, second.id], "newest first");
    let counts: Vec<(String, u32)> = credits_per_person(&all).into_iter().map(|p| (p.name, p.wins)).collect();
    assert_eq!(counts, [("Bruno Silva".to_owned(), 2), ("Ana Payments".to_owned(), 1), ("Mia Payments".to_owned(), 1)]);

    let other = team(&store, "Search").await;
    let in_period =
        store.confirmed_wins(&[t.id, other.id], date!(2026 - 07 - 01), date!(2026 - 12 - 31)).await.unwrap();
    assert_eq!(in_period.iter().map(|w| w.id).collect::<Vec<_>>(), [proposed.id]);
    let actions: Vec<String> = store
        .audit_log()
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.event.action)
        .filter(|a| a.starts_with("win."))
        .collect();
    assert_eq!(
        actions,
        ["win.proposed", "win.confirmed", "win.proposed", "win.confirmed", "win.proposed", "win.declined"]
    );
}

async fn bad_wins_are_refused_naming_the_field_and_nothing_is_written(store: Store) {
    let t = team(&store, "Payments").await;
    let other = team(&store, "Search").await;
    let theirs = store
        .create_initiative(
            &serde_json::from_value::<InitiativeInput>(
                json!({"title": "Ranking", "team_id": other.id, "horizon": "now"}),
            )
            .unwrap()
            .validate()
            .unwrap(),
        )
        .await
        .unwrap()
        .id;
    let cases = [
        (
            json!({"title": "W", "achieved_on": "2026-11-02", "initiative_id": theirs, "credits": ["A"]}),
            "initiative_id",
        ),
        (json!({"title": "W", "achieved_on": "2026-11-02", "initiative_id": 9999, "credits": ["A"]}), "initiative_id"),
        (json!({"title": "W", "achieved_on": "2026-11-02", "objective_id": 9999, "credits": ["A"]}), "objective_id"),
        (json!({"title": "W", "achieved_on": "2026-11-02", "credits": ["nobody@example.com"]}), "credits[0]"),
    ];
    for (input, field) in cases {
        let result = store.propose_win(t.id, &win(input.clone()), by(t.member)).await;
        let Err(StoreError::Invalid(errors)) = result else { panic!("{input} was not refused: {result:?}") };
        assert_eq!(errors.0[0].field, field, "{input}");
    }
    let good = win(json!({"title": "W", "achieved_on": "2026-11-02", "credits": ["A"]}));
    for who in [t.executive, other.member] {
        assert!(matches!(store.propose_win(t.id, &good, by(who)).await, Err(StoreError::Forbidden(_))));
    }
    assert!(matches!(store.propose_win(9999, &good, by(t.member)).await, Err(StoreError::NotFound { .. })));
    assert!(matches!(store.decide_win(9999, None, by(t.manager)).await, Err(StoreError::NotFound { .. })));
    assert!(store.team_wins(t.id).await.unwrap().is_empty());
    assert!(store.audit_log().await.unwrap().iter().all(|e| !e.event.action.starts_with("win.")));
}

fn process(method: &str, done: &str) -> leadup_core::process::Process {
    ProcessInput {
        priority_method: method.into(),
        weight_confidence: Some(2.0),
        priorities: "Ranked by RICE, confidence counted double".into(),
        definition_of_done: done.into(),
        cadence: "Two-week cycles".into(),
        change_requests: "File a change request".into(),
        ..ProcessInput::default()
    }
    .validate()
    .unwrap()
}

async fn process_versions_are_kept(store: Store) {
    let t = team(&store, "Payments").await;
    assert!(store.process_versions(t.id).await.unwrap().is_empty());
    let first = store.save_process(t.id, &process("rice", "Released"), by(t.manager)).await.unwrap();
    assert_eq!(first.version, 1);
    let second =
        store.save_process(t.id, &process("value_effort", "Released and measured"), by(t.manager)).await.unwrap();
    assert_eq!(second.version, 2);
    let versions = store.process_versions(t.id).await.unwrap();
    assert_eq!(versions.iter().map(|v| v.version).collect::<Vec<_>>(), [2, 1]);
    assert_eq!(versions[1].process, process("rice", "Released"), "the first version is kept as saved");
    assert!((versions[0].process.weights.confidence - 2.0).abs() < f64::EPSILON);
    for who in [t.member, t.executive] {
        assert!(matches!(
            store.save_process(t.id, &process("rice", "x"), by(who)).await,
            Err(StoreError::Forbidden(_))
        ));
    }
    assert_eq!(store.process_versions(t.id).await.unwrap().len(), 2);
    let saved: usize = store.audit_log().await.unwrap().iter().filter(|e| e.event.action == "process.saved").count();
    assert_eq!(saved, 2);
}

async fn hand_decisions_round_trip_and_only_the_manager_adds_them(store: Store) {
    let t = team(&store, "Payments").await;
    let input = DecisionInput {
        decided_on: "2026-10-01".into(),
        title: "Keep Stripe".into(),
        options: vec!["Stripe".into(), "Adyen".into()],
        evidence_ids: vec![42],
        decided_by: "Mia and Eve".into(),
        reason: "Lower fees".into(),
    };
    let bad = store.add_decision(t.id, &input.validate(TODAY).unwrap(), by(t.manager)).await;
    let Err(StoreError::Invalid(errors)) = bad else { panic!("unknown evidence accepted: {bad:?}") };
    assert_eq!(errors.summary(), "evidence_ids[0]: evidence 42 does not exist");
    let draft = DecisionInput { evidence_ids: vec![], ..input }.validate(TODAY).unwrap();
    assert!(matches!(store.add_decision(t.id, &draft, by(t.member)).await, Err(StoreError::Forbidden(_))));
    assert!(store.team_decisions(t.id).await.unwrap().is_empty());
    let stored = store.add_decision(t.id, &draft, by(t.manager)).await.unwrap();
    assert_eq!(stored.decided_on, date!(2026 - 10 - 01));
    assert_eq!(stored.options, ["Stripe", "Adyen"]);
    assert_eq!(
        (stored.decided_by.as_str(), stored.reason.as_str(), stored.added_by),
        ("Mia and Eve", "Lower fees", t.manager)
    );
    assert_eq!(store.team_decisions(t.id).await.unwrap(), [stored]);
}

async fn a_share_link_shows_any_of_a_teams_pages(store: Store) {
    let payments = team(&store, "Payments").await;
    for (n, kind) in [ShareKind::Dashboard, ShareKind::Process, ShareKind::Credibility].into_iter().enumerate() {
        let hash = format!("{n:064x}");
        let link = NewShareLink {
            token_hash: &hash,
            kind,
            target_id: payments.id,
            team_id: payments.id,
            created_by: payments.manager,
            created_at: 100,
            expires_at: 200,
        };
        let created = store.create_share_link(&link).await.unwrap();
        let found = store.share_link(&hash, 150).await.unwrap().unwrap();
        assert_eq!((found.id, found.kind, found.target_id), (created.id, kind, payments.id));
        assert_eq!(store.share_link(&hash, 200).await.unwrap(), None, "expired");
    }
    let kinds: Vec<ShareKind> = store.share_links(payments.id).await.unwrap().iter().map(|l| l.kind).collect();
    assert_eq!(kinds.len(), 3);
    assert!(kinds.contains(&ShareKind::Credibility));
}
