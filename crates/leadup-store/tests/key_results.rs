//! Key results' history, on SQLite and on PostgreSQL: values recorded with their day and who
//! recorded them, the latest day's value as the current one, every value audited, and the
//! history following its key result when an objective's key results are replaced.

use leadup_core::strategy::{Measurement, ObjectiveDraft, ObjectiveInput};
use leadup_store::{Actor, Store, StoreError, conformance};
use serde_json::json;
use time::macros::{date, datetime};

conformance!(
    values_are_kept_as_history_and_the_latest_day_is_current,
    history_follows_its_key_result_when_key_results_are_replaced,
    a_missing_key_result_or_objective_is_refused_and_nothing_is_written,
);

async fn user(store: &Store, name: &str) -> i64 {
    let email = format!("{}@example.com", name.to_lowercase());
    let new = leadup_core::account::NewUser { email, name: name.into(), is_admin: true };
    store.create_user(&new, "hash", 0, None).await.unwrap().id
}

fn by(user: i64) -> Actor {
    Actor::new(user, datetime!(2026-12-04 10:00 UTC))
}

fn objective(metrics: &[(&str, f64, f64)]) -> ObjectiveDraft {
    let key_results: Vec<_> = metrics
        .iter()
        .map(|(metric, baseline, target)| {
            json!({"metric": metric, "unit": "%", "baseline": baseline, "target": target, "due": "2027-06-30"})
        })
        .collect();
    serde_json::from_value::<ObjectiveInput>(json!({"title": "Grow", "owner": "Ada", "key_results": key_results}))
        .unwrap()
        .validate()
        .unwrap()
}

fn values(list: &[leadup_store::KeyResultValue], key_result: usize) -> Vec<(String, f64)> {
    list.iter()
        .filter(|v| v.key_result == key_result)
        .map(|v| (leadup_core::date::format(v.measurement.on), v.measurement.value))
        .collect()
}

async fn values_are_kept_as_history_and_the_latest_day_is_current(store: Store) {
    let ada = user(&store, "Ada").await;
    let created = store.create_objective(&objective(&[("Retention", 80.0, 90.0), ("NPS", 20.0, 40.0)])).await.unwrap();
    let id = created.id;
    assert!((created.key_results[1].current - 20.0).abs() < 1e-9, "starts at the baseline");
    let audit_before = store.audit_log().await.unwrap().len();

    let after = store
        .record_key_result_value(id, 1, Measurement { on: date!(2026 - 11 - 01), value: 25.0 }, by(ada))
        .await
        .unwrap();
    assert!((after.key_results[1].current - 25.0).abs() < 1e-9);
    store
        .record_key_result_value(id, 1, Measurement { on: date!(2026 - 12 - 01), value: 31.5 }, by(ada))
        .await
        .unwrap();
    // A value measured earlier, recorded later, joins the history but is not the current one.
    let back = store
        .record_key_result_value(id, 1, Measurement { on: date!(2026 - 10 - 01), value: 21.0 }, by(ada))
        .await
        .unwrap();
    assert!((back.key_results[1].current - 31.5).abs() < 1e-9, "the latest day's value stays current");
    assert!((back.key_results[0].current - 80.0).abs() < 1e-9, "the other key result is untouched");

    let history = store.key_result_values(Some(id)).await.unwrap();
    assert_eq!(
        values(&history, 1),
        vec![("2026-10-01".into(), 21.0), ("2026-11-01".into(), 25.0), ("2026-12-01".into(), 31.5)]
    );
    assert!(values(&history, 0).is_empty());
    assert!(history.iter().all(|v| v.recorded_by == Some(ada) && v.objective_id == id));

    // Every value is audited, naming the metric.
    let audit = store.audit_log().await.unwrap();
    assert_eq!(audit.len(), audit_before + 3);
    let last = audit.last().unwrap();
    assert_eq!(last.event.action, "key_result.measured");
    assert_eq!(last.event.subject, format!("objective:{id}/key_result:1"));
    assert_eq!(last.event.actor, Some(ada));
    assert!(
        last.event.details.contains("\"metric\":\"NPS\"") && last.event.details.contains("2026-10-01"),
        "{}",
        last.event.details
    );

    // Reading every objective's history includes this one's; another objective's stays apart.
    let other = store.create_objective(&objective(&[("Uptime", 99.0, 99.9)])).await.unwrap();
    store
        .record_key_result_value(other.id, 0, Measurement { on: date!(2026 - 12 - 02), value: 99.5 }, by(ada))
        .await
        .unwrap();
    let all = store.key_result_values(None).await.unwrap();
    assert_eq!(all.len(), 4);
    assert_eq!(all.iter().filter(|v| v.objective_id == other.id).count(), 1);
    assert_eq!(store.key_result_values(Some(id)).await.unwrap().len(), 3);
}

async fn history_follows_its_key_result_when_key_results_are_replaced(store: Store) {
    let ada = user(&store, "Ada").await;
    let id =
        store.create_objective(&objective(&[("A", 0.0, 10.0), ("B", 0.0, 10.0), ("C", 0.0, 10.0)])).await.unwrap().id;
    for (k, value) in [(0, 1.0), (1, 2.0), (2, 3.0)] {
        store.record_key_result_value(id, k, Measurement { on: date!(2026 - 12 - 01), value }, by(ada)).await.unwrap();
    }
    // A removed and C moved first: the histories of B and C follow their metrics (case
    // aside); A's is gone.
    store.update_objective(id, &objective(&[("C", 0.0, 10.0), ("b", 0.0, 10.0)])).await.unwrap();
    let history = store.key_result_values(Some(id)).await.unwrap();
    assert_eq!(values(&history, 0), vec![("2026-12-01".into(), 3.0)]);
    assert_eq!(values(&history, 1), vec![("2026-12-01".into(), 2.0)]);
    assert_eq!(history.len(), 2);
    // Renamed in place: the history stays.
    store.update_objective(id, &objective(&[("C", 0.0, 10.0), ("Bookings", 0.0, 10.0)])).await.unwrap();
    let history = store.key_result_values(Some(id)).await.unwrap();
    assert_eq!(values(&history, 1), vec![("2026-12-01".into(), 2.0)]);
    // Deleting the objective deletes its history.
    store.delete_objective(id).await.unwrap();
    assert!(store.key_result_values(Some(id)).await.unwrap().is_empty());
}

async fn a_missing_key_result_or_objective_is_refused_and_nothing_is_written(store: Store) {
    let ada = user(&store, "Ada").await;
    let id = store.create_objective(&objective(&[("A", 0.0, 10.0)])).await.unwrap().id;
    let at = Measurement { on: date!(2026 - 12 - 01), value: 5.0 };
    let audit_before = store.audit_log().await.unwrap().len();
    match store.record_key_result_value(id, 1, at, by(ada)).await {
        Err(StoreError::NotFound { entity: "key result", id: 1 }) => {}
        other => panic!("expected key result 1 not found, got {other:?}"),
    }
    match store.record_key_result_value(id + 100, 0, at, by(ada)).await {
        Err(StoreError::NotFound { entity: "objective", .. }) => {}
        other => panic!("expected objective not found, got {other:?}"),
    }
    assert!(store.key_result_values(None).await.unwrap().is_empty());
    assert_eq!(store.audit_log().await.unwrap().len(), audit_before);
    assert!((store.objective(id).await.unwrap().key_results[0].current).abs() < 1e-9);
}
