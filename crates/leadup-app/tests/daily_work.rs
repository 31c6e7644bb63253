//! The day's background work across several servers on one database, on SQLite and
//! PostgreSQL: refreshers racing on the same day do its job exactly once (one brief drafted,
//! one delivery queued), a server that finds it done does nothing, and when the server holding
//! it dies mid-job another takes it over once its lease has expired.

use leadup_app::delivery::outbox;
use leadup_app::metrics::Metrics;
use leadup_app::refresher::{DAILY_JOB, DailyRun, LEASE, run_daily};
use leadup_app::stakeholders;
use leadup_core::stakeholder::PreferencesInput;
use leadup_core::team::TeamInput;
use leadup_store::testing::execute;
use leadup_store::{Actor, Store};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

use leadup_store::conformance;

conformance!(
    refreshers_racing_on_one_day_do_its_job_once,
    a_job_whose_server_died_is_taken_over_once_its_lease_expired
);

const MANAGER: i64 = 1;
const MATEO: i64 = 2;
const AMARA: i64 = 3;
const MORNING: OffsetDateTime = datetime!(2027-03-01 06:00 UTC);

/// Payments with its manager and two executives, Mateo briefed by a draft and Amara by a brief
/// sent without review; returns the team's id.
async fn workspace(store: &Store) -> i64 {
    let team = TeamInput { name: "Payments".into(), ..TeamInput::default() };
    let team = store.create_team(&team.validate().unwrap(), None).await.unwrap().id;
    for (id, email, name) in [
        (MANAGER, "sofia@example.com", "Sofia"),
        (MATEO, "mateo@example.com", "Mateo"),
        (AMARA, "amara@example.com", "Amara"),
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
             ({team}, {MATEO}, 'executive'), ({team}, {AMARA}, 'executive')"
        ),
    )
    .await
    .unwrap();
    for (user, schedule) in [(MATEO, "draft"), (AMARA, "send")] {
        let input = PreferencesInput {
            topics: vec!["progress".into()],
            cadence: "weekly".into(),
            schedule: Some(schedule.into()),
            channel: "email".into(),
            ..PreferencesInput::default()
        };
        stakeholders::save(store, user, input, Actor::new(MANAGER, MORNING - Duration::days(1))).await.unwrap();
    }
    team
}

/// The briefs stored about `team` (drafts and sent) and the deliveries queued for them.
async fn briefs_and_deliveries(store: &Store, team: i64) -> (usize, usize) {
    let drafts = store.brief_drafts(&[team]).await.unwrap();
    let sent = store.last_sent_brief(AMARA, team, i64::MAX).await.unwrap();
    let deliveries = match &sent {
        Some(brief) => outbox::deliveries_about(store, "brief", brief.id, 8).await.unwrap().len(),
        None => 0,
    };
    (drafts.len() + usize::from(sent.is_some()), deliveries)
}

async fn refreshers_racing_on_one_day_do_its_job_once(store: Store) {
    let team = workspace(&store).await;
    let clock = || MORNING;
    let metrics = Metrics::default();
    let runs = Box::pin(futures_join(&store, &clock, &metrics, &["server-a", "server-b", "server-c"])).await;
    let ran: Vec<&DailyRun> = runs.iter().filter(|r| matches!(r, DailyRun::Ran { .. })).collect();
    assert_eq!(ran.len(), 1, "{runs:?}");
    let DailyRun::Ran { teams, briefs } = ran[0] else { unreachable!() };
    assert_eq!((*teams, briefs.len()), (1, 2));
    assert!(
        runs.iter().all(|r| matches!(r, DailyRun::Ran { .. } | DailyRun::AlreadyDone | DailyRun::Elsewhere { .. }))
    );
    assert_eq!(briefs_and_deliveries(&store, team).await, (2, 1), "Mateo's draft, Amara's brief and its one delivery");

    // Later that day every server finds the day done.
    let later = || MORNING + Duration::hours(3);
    for holder in ["server-a", "server-b", "server-c"] {
        let run = run_daily(&store, holder, &later, &metrics).await.unwrap();
        assert!(matches!(run, DailyRun::AlreadyDone), "{holder}: {run:?}");
    }
    let lease = store.job_lease(DAILY_JOB).await.unwrap().unwrap();
    assert_eq!(lease.completed.as_deref(), Some("2027-03-01"));
    assert_eq!(briefs_and_deliveries(&store, team).await, (2, 1));
}

/// Runs the day's work on every holder at once, on one database.
async fn futures_join(
    store: &Store,
    clock: &(impl Fn() -> OffsetDateTime + Sync),
    metrics: &Metrics,
    holders: &[&str],
) -> Vec<DailyRun> {
    let (a, b, c) = tokio::join!(
        run_daily(store, holders[0], clock, metrics),
        run_daily(store, holders[1], clock, metrics),
        run_daily(store, holders[2], clock, metrics),
    );
    vec![a.unwrap(), b.unwrap(), c.unwrap()]
}

async fn a_job_whose_server_died_is_taken_over_once_its_lease_expired(store: Store) {
    let team = workspace(&store).await;
    let metrics = Metrics::default();
    // A server took the day's work and died before finishing it: it never renews.
    assert!(store.take_job_lease(DAILY_JOB, "died", MORNING, MORNING + LEASE).await.unwrap().is_some());
    let soon = || MORNING + Duration::seconds(30);
    let run = run_daily(&store, "survivor", &soon, &metrics).await.unwrap();
    assert!(matches!(&run, DailyRun::Elsewhere { holder } if holder == "died"), "{run:?}");
    assert_eq!(briefs_and_deliveries(&store, team).await, (0, 0), "nothing done while the lease runs");
    // Once the lease has expired, the next look takes the work over and does it.
    let expired = || MORNING + LEASE;
    let run = run_daily(&store, "survivor", &expired, &metrics).await.unwrap();
    assert!(matches!(run, DailyRun::Ran { teams: 1, ref briefs } if briefs.len() == 2), "{run:?}");
    assert_eq!(briefs_and_deliveries(&store, team).await, (2, 1));
    let lease = store.job_lease(DAILY_JOB).await.unwrap().unwrap();
    assert_eq!((lease.holder.as_str(), lease.completed.as_deref()), ("survivor", Some("2027-03-01")));
    // The next day the work is due again: the lease is free, and a brief waits, so no new one.
    let tomorrow = || MORNING + Duration::days(1);
    let run = run_daily(&store, "died-and-restarted", &tomorrow, &metrics).await.unwrap();
    assert!(matches!(run, DailyRun::Ran { teams: 1, ref briefs } if briefs.is_empty()), "{run:?}");
}
