//! What several servers on one database share, on both backends: failed sign-ins counted
//! once whoever counts them (concurrently too), pruned as they expire; and job leases, taken
//! by exactly one of several takers, renewed by their holder, taken over once expired, and
//! finished with what the run completed.

use leadup_core::sign_in::{self, Key, PER_ACCOUNT_AND_CLIENT, PER_CLIENT};
use leadup_store::{SignInReservation, Store};
use time::Duration;
use time::macros::datetime;

use leadup_store::conformance;

conformance!(
    the_sixth_failure_is_refused_until_the_first_expires,
    a_right_password_gives_back_its_count_and_forgets_the_accounts_failures,
    concurrent_attempts_count_one_after_another,
    expired_failures_are_pruned_so_the_table_stays_bounded,
    a_lease_goes_to_exactly_one_of_several_takers,
    a_lease_is_renewed_by_its_holder_and_taken_over_once_expired,
    the_database_answers_a_ping,
);

/// The client at 10.0.0.`last`.
fn ip(last: u8) -> Option<std::net::IpAddr> {
    Some(std::net::IpAddr::from([10, 0, 0, last])).filter(|_| last != 0)
}

fn counted(reservation: &SignInReservation) -> bool {
    matches!(reservation, SignInReservation::Counted(ids) if ids.len() == 2)
}

async fn the_sixth_failure_is_refused_until_the_first_expires(store: Store) {
    let ada = sign_in::keys("ada@example.com", ip(1));
    for minute in 0..5 {
        let reservation = store.reserve_sign_in(&ada, minute * 60).await.unwrap();
        assert!(counted(&reservation), "failure {minute}: {reservation:?}");
    }
    assert_eq!(store.reserve_sign_in(&ada, 300).await.unwrap(), SignInReservation::Wait(600));
    assert_eq!(store.sign_in_failures_kept().await.unwrap(), 10, "a refused attempt is not counted");
    let same = sign_in::keys(" Ada@Example.COM ", ip(1));
    assert_eq!(store.reserve_sign_in(&same, 300).await.unwrap(), SignInReservation::Wait(600));
    assert!(counted(&store.reserve_sign_in(&sign_in::keys("ada@example.com", ip(2)), 300).await.unwrap()));
    assert!(counted(&store.reserve_sign_in(&sign_in::keys("c@d.io", ip(1)), 300).await.unwrap()));
    assert!(counted(&store.reserve_sign_in(&ada, 900).await.unwrap()), "the first failure is 15 minutes old");
    assert_eq!(store.reserve_sign_in(&ada, 901).await.unwrap(), SignInReservation::Wait(59));

    // One client failing on a hundred accounts waits, on any account; another client does not.
    let many = sign_in::keys("someone@example.com", ip(9));
    for n in 0..PER_CLIENT.failures {
        let keys = sign_in::keys(&format!("user{n}@example.com"), ip(9));
        assert!(counted(&store.reserve_sign_in(&keys, 2000).await.unwrap()), "attempt {n}");
    }
    assert_eq!(store.reserve_sign_in(&many, 2010).await.unwrap(), SignInReservation::Wait(PER_CLIENT.window - 10));
}

async fn a_right_password_gives_back_its_count_and_forgets_the_accounts_failures(store: Store) {
    let ada = sign_in::keys("ada@example.com", ip(1));
    let mut last = Vec::new();
    for at in 0..5 {
        let SignInReservation::Counted(ids) = store.reserve_sign_in(&ada, at).await.unwrap() else { panic!() };
        last = ids;
    }
    // The fifth attempt was right: its count goes back, and the account's failures from this
    // client are forgotten; the client's other four failures still count.
    let pair: Key = ada[0].0;
    store.release_sign_in(&last, Some(&pair)).await.unwrap();
    assert_eq!(store.sign_in_failures_kept().await.unwrap(), 4);
    for at in 10..15 {
        assert!(counted(&store.reserve_sign_in(&ada, at).await.unwrap()), "at {at}");
    }
    assert_eq!(
        store.reserve_sign_in(&ada, 20).await.unwrap(),
        SignInReservation::Wait(PER_ACCOUNT_AND_CLIENT.window - 10)
    );
    // A check that failed gives its count back without forgetting anything.
    let other = sign_in::keys("c@d.io", ip(1));
    let SignInReservation::Counted(ids) = store.reserve_sign_in(&other, 30).await.unwrap() else { panic!() };
    store.release_sign_in(&ids, None).await.unwrap();
    assert_eq!(store.sign_in_failures_kept().await.unwrap(), 14);
}

async fn concurrent_attempts_count_one_after_another(store: Store) {
    // Each attempt on its own task (and, on PostgreSQL, its own connection of the pool), as on
    // several servers.
    let ada = sign_in::keys("ada@example.com", ip(1));
    let mut attempts = tokio::task::JoinSet::new();
    for _ in 0..24 {
        let store = store.clone();
        attempts.spawn(async move { store.reserve_sign_in(&ada, 100).await.unwrap() });
    }
    let (mut counted_now, mut waited) = (0, 0);
    while let Some(answer) = attempts.join_next().await {
        match answer.unwrap() {
            SignInReservation::Counted(_) => counted_now += 1,
            SignInReservation::Wait(seconds) => {
                assert_eq!(seconds, PER_ACCOUNT_AND_CLIENT.window);
                waited += 1;
            }
        }
    }
    assert_eq!((counted_now, waited), (PER_ACCOUNT_AND_CLIENT.failures, 24 - PER_ACCOUNT_AND_CLIENT.failures));
}

async fn expired_failures_are_pruned_so_the_table_stays_bounded(store: Store) {
    for n in 0..50 {
        let keys = sign_in::keys(&format!("user{n}@example.com"), ip(u8::try_from(n).unwrap()));
        assert!(counted(&store.reserve_sign_in(&keys, 0).await.unwrap()));
    }
    assert_eq!(store.sign_in_failures_kept().await.unwrap(), 100);
    // One failure counted after the window deletes every expired one.
    let late = sign_in::keys("late@example.com", ip(200));
    assert!(counted(&store.reserve_sign_in(&late, PER_CLIENT.window).await.unwrap()));
    assert_eq!(store.sign_in_failures_kept().await.unwrap(), 2);
}

const T0: time::OffsetDateTime = datetime!(2026-12-04 06:00 UTC);

async fn a_lease_goes_to_exactly_one_of_several_takers(store: Store) {
    let mut takers = tokio::task::JoinSet::new();
    for n in 0..12 {
        let store = store.clone();
        takers.spawn(async move {
            let holder = format!("server-{n}");
            store.take_job_lease("daily", &holder, T0, T0 + Duration::minutes(1)).await.unwrap().map(|l| l.holder)
        });
    }
    let mut holders = Vec::new();
    while let Some(taken) = takers.join_next().await {
        holders.extend(taken.unwrap());
    }
    assert_eq!(holders.len(), 1, "{holders:?}");
    let lease = store.job_lease("daily").await.unwrap().unwrap();
    assert_eq!(
        (lease.holder, lease.expires_at, lease.completed),
        (holders[0].clone(), T0 + Duration::minutes(1), None)
    );
    assert_eq!(store.job_lease("weekly").await.unwrap(), None);
}

async fn a_lease_is_renewed_by_its_holder_and_taken_over_once_expired(store: Store) {
    let minute = Duration::minutes(1);
    let a = store.take_job_lease("daily", "a", T0, T0 + minute).await.unwrap().unwrap();
    assert_eq!((a.holder.as_str(), a.completed), ("a", None));
    assert_eq!(store.take_job_lease("daily", "b", T0 + Duration::seconds(30), T0 + minute * 2).await.unwrap(), None);
    // a renews before it expires; b still cannot take it.
    let renewed = store.take_job_lease("daily", "a", T0 + Duration::seconds(40), T0 + minute * 2).await.unwrap();
    assert_eq!(renewed.map(|l| l.expires_at), Some(T0 + minute * 2));
    assert_eq!(store.take_job_lease("daily", "b", T0 + Duration::seconds(90), T0 + minute * 3).await.unwrap(), None);
    // a stops (dies); once its lease has expired, b takes it over.
    let b = store.take_job_lease("daily", "b", T0 + minute * 2, T0 + minute * 3).await.unwrap().unwrap();
    assert_eq!(b.holder, "b");
    assert!(!store.finish_job_lease("daily", "a", "2026-12-04", T0 + minute * 2).await.unwrap(), "a lost it");
    assert!(store.finish_job_lease("daily", "b", "2026-12-04", T0 + minute * 2 + Duration::seconds(5)).await.unwrap());
    // Finished: anyone may take it at once, and sees what was completed.
    let c = store.take_job_lease("daily", "c", T0 + minute * 2 + Duration::seconds(6), T0 + minute * 4).await.unwrap();
    assert_eq!(c.map(|l| (l.holder, l.completed)), Some(("c".to_owned(), Some("2026-12-04".to_owned()))));
}

async fn the_database_answers_a_ping(store: Store) {
    store.ping().await.unwrap();
}
