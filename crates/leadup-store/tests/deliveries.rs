//! The delivery outbox on both backends: stored before sending with every attachment byte,
//! claimed by exactly one worker, retried, failed, retried by hand, and reclaimed after a
//! worker stopped mid-attempt.

use leadup_store::{
    AttemptOutcome, DeliveryAbout, DeliveryAttachment, DeliveryChannel, DeliveryStatus, INTERRUPTED, NewDelivery,
    Store, StoreError,
};
use time::Duration;
use time::macros::datetime;

use leadup_store::conformance;

conformance!(
    a_delivery_is_stored_with_every_attachment_byte,
    attempts_retry_fail_and_are_retried_by_hand,
    a_delivery_whose_worker_stopped_is_claimed_again,
    each_delivery_goes_to_exactly_one_of_several_workers,
    bad_deliveries_and_moves_are_refused,
);

const T0: time::OffsetDateTime = datetime!(2026-03-02 09:00 UTC);

fn message(recipient: &str, about: Option<i64>) -> NewDelivery {
    NewDelivery {
        channel: DeliveryChannel::Email,
        recipient: recipient.into(),
        subject: "Payments brief, week 10".into(),
        text_body: "# On track\n".into(),
        html_body: "<h1>On track</h1>".into(),
        about: about.map(|id| DeliveryAbout { kind: "brief".into(), id }),
        attachments: vec![],
    }
}

async fn a_delivery_is_stored_with_every_attachment_byte(store: Store) {
    let pdf: Vec<u8> = (0..=255u8).chain([0, 0, 255]).collect();
    let mut first = message("mateo@example.com", Some(7));
    first.attachments = vec![
        DeliveryAttachment { name: "brief.pdf".into(), mime_type: "application/pdf".into(), content: pdf.clone() },
        DeliveryAttachment { name: "notes.txt".into(), mime_type: "text/plain".into(), content: b"hi".to_vec() },
    ];
    let first_id = store.enqueue_delivery(&first, T0).await.unwrap();
    let second_id = store.enqueue_delivery(&message("amara@example.com", Some(7)), T0).await.unwrap();
    store.enqueue_delivery(&message("other@example.com", Some(8)), T0).await.unwrap();
    store.enqueue_delivery(&message("nobody@example.com", None), T0).await.unwrap();

    let stored = store.delivery(first_id).await.unwrap().unwrap();
    assert_eq!(stored.status, DeliveryStatus::Queued);
    assert_eq!(stored.attempts, 0);
    assert_eq!(stored.recipient, "mateo@example.com");
    assert_eq!(stored.about, Some(DeliveryAbout { kind: "brief".into(), id: 7 }));
    assert_eq!(stored.created_at, T0);
    assert_eq!(stored.next_attempt_at, Some(T0));
    assert_eq!(store.next_delivery_due().await.unwrap(), Some(T0));

    let about = DeliveryAbout { kind: "brief".into(), id: 7 };
    let listed: Vec<i64> = store.deliveries(Some(&about), 50).await.unwrap().iter().map(|d| d.id).collect();
    assert_eq!(listed, vec![second_id, first_id], "newest first, only brief 7's");
    assert_eq!(store.deliveries(None, 50).await.unwrap().len(), 4);
    assert_eq!(store.deliveries(None, 2).await.unwrap().len(), 2);

    let claimed = store.claim_delivery(T0, T0 + Duration::minutes(5)).await.unwrap().unwrap();
    assert_eq!(claimed.delivery.id, first_id, "the oldest due first");
    assert_eq!(claimed.attachments, first.attachments);
    assert_eq!(claimed.text_body, "# On track\n");
    assert_eq!(claimed.html_body, "<h1>On track</h1>");
}

async fn attempts_retry_fail_and_are_retried_by_hand(store: Store) {
    let id = store.enqueue_delivery(&message("mateo@example.com", Some(1)), T0).await.unwrap();
    assert!(store.claim_delivery(T0 - Duration::seconds(1), T0).await.unwrap().is_none(), "not due yet");

    let lease = T0 + Duration::minutes(5);
    let first = store.claim_delivery(T0, lease).await.unwrap().unwrap();
    assert_eq!((first.delivery.status, first.delivery.attempts, first.attempt), (DeliveryStatus::Sending, 1, 1));
    assert_eq!(first.delivery.lease_until, Some(lease));
    assert!(store.claim_delivery(T0, lease).await.unwrap().is_none(), "held by its worker");
    assert_eq!(store.next_delivery_due().await.unwrap(), Some(lease));

    let retry_at = T0 + Duration::minutes(1);
    let outcome = AttemptOutcome::Retry { error: "connection refused".into(), next_attempt_at: retry_at };
    store.finish_delivery_attempt(id, 1, T0 + Duration::seconds(2), &outcome).await.unwrap();
    let stored = store.delivery(id).await.unwrap().unwrap();
    assert_eq!(stored.status, DeliveryStatus::Retrying);
    assert_eq!(stored.next_attempt_at, Some(retry_at));
    assert_eq!(stored.lease_until, None);
    assert_eq!(stored.last_error.as_deref(), Some("connection refused"));
    assert!(store.claim_delivery(retry_at - Duration::seconds(1), lease).await.unwrap().is_none());

    let second = store.claim_delivery(retry_at, retry_at + Duration::minutes(5)).await.unwrap().unwrap();
    assert_eq!((second.delivery.attempts, second.attempt), (2, 2));
    let failed = AttemptOutcome::Failed { error: "535 authentication failed".into() };
    store.finish_delivery_attempt(id, 2, retry_at, &failed).await.unwrap();
    let stored = store.delivery(id).await.unwrap().unwrap();
    assert_eq!((stored.status, stored.next_attempt_at), (DeliveryStatus::Failed, None));
    assert!(store.claim_delivery(T0 + Duration::days(30), T0 + Duration::days(31)).await.unwrap().is_none());
    assert_eq!(store.next_delivery_due().await.unwrap(), None);

    let later = T0 + Duration::hours(1);
    store.retry_delivery(id, later).await.unwrap();
    let stored = store.delivery(id).await.unwrap().unwrap();
    assert_eq!((stored.status, stored.attempts, stored.next_attempt_at), (DeliveryStatus::Queued, 0, Some(later)));
    let third = store.claim_delivery(later, later + Duration::minutes(5)).await.unwrap().unwrap();
    assert_eq!((third.delivery.attempts, third.attempt), (1, 3), "a new series; attempts numbered on");
    store.finish_delivery_attempt(id, 3, later, &AttemptOutcome::Sent).await.unwrap();
    let stored = store.delivery(id).await.unwrap().unwrap();
    assert_eq!((stored.status, stored.sent_at), (DeliveryStatus::Sent, Some(later)));
    assert_eq!(stored.last_error.as_deref(), Some("535 authentication failed"), "the failure before stays readable");

    let attempts = store.delivery_attempts(id).await.unwrap();
    let summary: Vec<(u32, Option<&str>, bool)> =
        attempts.iter().map(|a| (a.number, a.error.as_deref(), a.finished_at.is_some())).collect();
    assert_eq!(
        summary,
        vec![(1, Some("connection refused"), true), (2, Some("535 authentication failed"), true), (3, None, true)]
    );
    assert_eq!(attempts[0].started_at, T0);
}

async fn a_delivery_whose_worker_stopped_is_claimed_again(store: Store) {
    let id = store.enqueue_delivery(&message("mateo@example.com", None), T0).await.unwrap();
    let lease = T0 + Duration::minutes(5);
    store.claim_delivery(T0, lease).await.unwrap().unwrap();
    // The worker stops here. Until the lease runs out nobody takes the delivery over.
    assert!(store.claim_delivery(lease - Duration::seconds(1), lease).await.unwrap().is_none());
    let again = store.claim_delivery(lease, lease + Duration::minutes(5)).await.unwrap().unwrap();
    assert_eq!((again.delivery.id, again.attempt, again.delivery.attempts), (id, 2, 2));
    assert_eq!(again.delivery.last_error.as_deref(), Some(INTERRUPTED));

    // The stopped worker's late report is refused; the new one's is taken.
    let late = store.finish_delivery_attempt(id, 1, lease, &AttemptOutcome::Sent).await.unwrap_err();
    assert!(matches!(late, StoreError::Conflict(_)), "{late}");
    store.finish_delivery_attempt(id, 2, lease, &AttemptOutcome::Sent).await.unwrap();
    let attempts = store.delivery_attempts(id).await.unwrap();
    assert_eq!(attempts[0].error.as_deref(), Some(INTERRUPTED));
    assert_eq!(attempts[0].finished_at, Some(lease));
    assert_eq!(attempts[1].error, None);
    assert_eq!(store.delivery(id).await.unwrap().unwrap().status, DeliveryStatus::Sent);
}

async fn each_delivery_goes_to_exactly_one_of_several_workers(store: Store) {
    let mut ids = Vec::new();
    for n in 0..3 {
        ids.push(store.enqueue_delivery(&message(&format!("exec{n}@example.com"), None), T0).await.unwrap());
    }
    let workers: Vec<_> = (0..8)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.claim_delivery(T0, T0 + Duration::minutes(5)).await.unwrap() })
        })
        .collect();
    let mut claimed = Vec::new();
    for worker in workers {
        if let Some(delivery) = worker.await.unwrap() {
            claimed.push(delivery.delivery.id);
        }
    }
    claimed.sort_unstable();
    assert_eq!(claimed, ids, "every delivery claimed once, none twice");
    for id in ids {
        assert_eq!(store.delivery_attempts(id).await.unwrap().len(), 1);
    }
}

async fn bad_deliveries_and_moves_are_refused(store: Store) {
    let error = store.enqueue_delivery(&message("  ", None), T0).await.unwrap_err();
    assert!(error.to_string().contains("recipient"), "{error}");
    let mut no_kind = message("a@example.com", Some(1));
    no_kind.about = Some(DeliveryAbout { kind: String::new(), id: 1 });
    let error = store.enqueue_delivery(&no_kind, T0).await.unwrap_err();
    assert!(error.to_string().contains("about.kind"), "{error}");
    assert!(store.deliveries(None, 10).await.unwrap().is_empty(), "nothing written");

    let id = store.enqueue_delivery(&message("a@example.com", None), T0).await.unwrap();
    let error = store.retry_delivery(id, T0).await.unwrap_err();
    assert!(matches!(error, StoreError::Conflict(_)), "a queued delivery is not retried: {error}");
    let error = store.retry_delivery(id + 100, T0).await.unwrap_err();
    assert!(matches!(error, StoreError::NotFound { entity: "delivery", .. }), "{error}");
    let error = store.finish_delivery_attempt(id, 1, T0, &AttemptOutcome::Sent).await.unwrap_err();
    assert!(matches!(error, StoreError::Conflict(_)), "never claimed: {error}");
    assert_eq!(store.delivery(id).await.unwrap().unwrap().status, DeliveryStatus::Queued);
}
