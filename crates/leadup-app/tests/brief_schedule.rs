//! Briefs by the stakeholder's cadence over a real store, on SQLite and PostgreSQL: a saved
//! profile gets a draft for the manager's review on the day it falls due (once, however often
//! the schedule runs), waiting in the manager's inbox until a brief is sent, which replaces it;
//! a profile that says `send` gets a brief stored as sent and queued for delivery; `off` and
//! unsaved profiles get nothing.

use leadup_app::brief::schedule::run_due;
use leadup_app::delivery::outbox;
use leadup_app::inbox::{InboxKind, inbox};
use leadup_app::stakeholders;
use leadup_core::stakeholder::PreferencesInput;
use leadup_core::team::TeamInput;
use leadup_store::testing::{TestDatabase, execute};
use leadup_store::{Actor, Store};
use time::macros::date;
use time::{Date, Duration, OffsetDateTime};

const MANAGER: i64 = 1;
const MATEO: i64 = 2;
const AMARA: i64 = 3;
const NOBODY_SAVED: i64 = 4;

fn noon(day: Date) -> OffsetDateTime {
    day.with_hms(12, 0, 0).unwrap().assume_utc()
}

/// Payments with its manager and three executives; returns the team's id.
async fn workspace(store: &Store) -> i64 {
    let team = TeamInput { name: "Payments".into(), ..TeamInput::default() };
    let team = store.create_team(&team.validate().unwrap(), None).await.unwrap().id;
    for (id, email, name) in [
        (MANAGER, "sofia@example.com", "Sofia"),
        (MATEO, "mateo@example.com", "Mateo"),
        (AMARA, "amara@example.com", "Amara"),
        (NOBODY_SAVED, "li@example.com", "Li"),
    ] {
        execute(
            store,
            &format!(
                "INSERT INTO users (id, email, name, password_hash, created_at) VALUES ({id}, '{email}', '{name}', '-', 0)"
            ),
        )
        .await
        .unwrap();
    }
    execute(
        store,
        &format!(
            "INSERT INTO memberships (team_id, user_id, role) VALUES ({team}, {MANAGER}, 'manager'), \
             ({team}, {MATEO}, 'executive'), ({team}, {AMARA}, 'executive'), ({team}, {NOBODY_SAVED}, 'executive')"
        ),
    )
    .await
    .unwrap();
    team
}

async fn save(store: &Store, user: i64, cadence: &str, schedule: &str, at: OffsetDateTime) {
    let input = PreferencesInput {
        topics: vec!["progress".into(), "risks".into()],
        cadence: cadence.into(),
        schedule: Some(schedule.into()),
        channel: "email".into(),
        ..PreferencesInput::default()
    };
    stakeholders::save(store, user, input, Actor::new(MANAGER, at)).await.unwrap();
}

async fn reviews(store: &Store, now: OffsetDateTime) -> Vec<(i64, String)> {
    let manager = store.principal(MANAGER).await.unwrap();
    inbox(store, &manager, now)
        .await
        .unwrap()
        .into_iter()
        .filter(|i| i.kind == InboxKind::BriefReview)
        .map(|i| (i.subject_id, i.title))
        .collect()
}

async fn drafts_wait_for_review_and_sent_briefs_are_queued(store: Store) {
    let team = workspace(&store).await;
    let monday = date!(2027 - 03 - 01);
    save(&store, MATEO, "weekly", "draft", noon(monday)).await;
    save(&store, AMARA, "fortnightly", "send", noon(monday)).await;
    save(&store, NOBODY_SAVED, "weekly", "off", noon(monday)).await;

    // Never briefed: both scheduled profiles are due at once; "off" gets nothing.
    let first = run_due(&store, monday, noon(monday)).await.unwrap();
    assert_eq!(first.len(), 2, "{first:?}");
    let mateo = first.iter().find(|s| s.stakeholder_id == MATEO).unwrap();
    let amara = first.iter().find(|s| s.stakeholder_id == AMARA).unwrap();
    assert_eq!((mateo.team_id, mateo.delivery_id), (team, None));
    let draft = store.brief(mateo.brief_id).await.unwrap();
    assert_eq!(draft.sent_at, None, "drafted for review");
    assert_eq!(draft.created_by, MANAGER, "the team's manager is the author");
    assert_eq!((draft.period_start, draft.period_end), (monday - Duration::days(6), monday), "a week");
    let sent = store.brief(amara.brief_id).await.unwrap();
    assert_eq!(sent.sent_at, Some(noon(monday).unix_timestamp()));
    assert_eq!((sent.period_start, sent.period_end), (monday - Duration::days(13), monday), "a fortnight");
    let queued = outbox::deliveries_about(&store, "brief", amara.brief_id, 8).await.unwrap();
    assert_eq!(queued.len(), 1);
    assert_eq!((queued[0].id, queued[0].recipient.as_str()), (amara.delivery_id.unwrap(), "amara@example.com"));
    assert_eq!(queued[0].status, "queued");

    // The draft waits in the manager's inbox; the executives' inboxes do not show it.
    assert_eq!(
        reviews(&store, noon(monday)).await,
        vec![(mateo.brief_id, "Brief for Mateo, 2027-02-23 to 2027-03-01".to_owned())]
    );
    let executive = store.principal(MATEO).await.unwrap();
    assert!(inbox(&store, &executive, noon(monday)).await.unwrap().is_empty());

    // Running again the same day, or the next, adds nothing: a draft waits, a brief was sent.
    assert_eq!(run_due(&store, monday, noon(monday) + Duration::hours(1)).await.unwrap(), vec![]);
    let tuesday = monday + Duration::days(1);
    assert_eq!(run_due(&store, tuesday, noon(tuesday)).await.unwrap(), vec![]);

    // The manager sends a brief to Mateo: it replaces the draft, which leaves the inbox.
    let audience = leadup_app::brief::Audience::of_user(&store, MATEO).await.unwrap();
    let request = leadup_app::brief::Request {
        team_id: team,
        days: 7,
        today: tuesday,
        now: noon(tuesday),
        note: "All on track.".into(),
        asks: vec![],
        track_record: true,
    };
    let brief = leadup_app::brief::generate(&store, &audience, &request).await.unwrap();
    store.save_brief(&brief.to_new(MANAGER, noon(tuesday), Some(noon(tuesday)))).await.unwrap();
    assert!(store.brief(mateo.brief_id).await.is_err(), "the draft is replaced");
    assert_eq!(reviews(&store, noon(tuesday)).await, vec![]);

    // A week after that brief, Mateo is due again; Amara a fortnight after hers.
    let next_tuesday = tuesday + Duration::days(7);
    let again = run_due(&store, next_tuesday - Duration::days(1), noon(next_tuesday - Duration::days(1))).await;
    assert_eq!(again.unwrap(), vec![], "not due the day before");
    let again = run_due(&store, next_tuesday, noon(next_tuesday)).await.unwrap();
    assert_eq!(again.iter().map(|s| s.stakeholder_id).collect::<Vec<_>>(), vec![MATEO]);
    let fortnight = monday + Duration::days(14);
    let again = run_due(&store, fortnight, noon(fortnight)).await.unwrap();
    assert_eq!(
        again.iter().map(|s| (s.stakeholder_id, s.delivery_id.is_some())).collect::<Vec<_>>(),
        vec![(AMARA, true)]
    );

    // Turned off, nothing more is scheduled.
    save(&store, MATEO, "weekly", "off", noon(fortnight)).await;
    let later = fortnight + Duration::days(30);
    let scheduled = run_due(&store, later, noon(later)).await.unwrap();
    assert_eq!(scheduled.iter().map(|s| s.stakeholder_id).collect::<Vec<_>>(), vec![AMARA]);
}

async fn a_team_without_a_manager_account_is_skipped(store: Store) {
    let team = workspace(&store).await;
    let day = date!(2027 - 03 - 01);
    save(&store, MATEO, "weekly", "draft", noon(day)).await;
    execute(&store, &format!("DELETE FROM memberships WHERE team_id = {team} AND role = 'manager'")).await.unwrap();
    assert_eq!(run_due(&store, day, noon(day)).await.unwrap(), vec![]);
    assert!(store.brief_drafts(&[team]).await.unwrap().is_empty());
}

#[tokio::test]
async fn sqlite_drafts_wait_for_review_and_sent_briefs_are_queued() {
    let db = TestDatabase::sqlite();
    drafts_wait_for_review_and_sent_briefs_are_queued(Store::connect(&db.url).await.unwrap()).await;
}

#[tokio::test]
async fn postgres_drafts_wait_for_review_and_sent_briefs_are_queued() {
    let Some(db) = TestDatabase::postgres().await else { return };
    drafts_wait_for_review_and_sent_briefs_are_queued(Store::connect(&db.url).await.unwrap()).await;
}

#[tokio::test]
async fn sqlite_a_team_without_a_manager_account_is_skipped() {
    let db = TestDatabase::sqlite();
    a_team_without_a_manager_account_is_skipped(Store::connect(&db.url).await.unwrap()).await;
}

#[tokio::test]
async fn postgres_a_team_without_a_manager_account_is_skipped() {
    let Some(db) = TestDatabase::postgres().await else { return };
    a_team_without_a_manager_account_is_skipped(Store::connect(&db.url).await.unwrap()).await;
}
