//! The outbox as the application sees it: storing a message before it is sent, and what pages
//! and the command line show of each delivery (the recipient's address or only a webhook's
//! host, the status in words, the last error, the time of the next attempt).

use leadup_store::{Delivery, DeliveryAbout, DeliveryChannel, DeliveryStatus, Store, StoreError};
use serde::Serialize;
use time::OffsetDateTime;

use super::message::{Message, Recipient};

/// How many deliveries a list shows at most.
pub const LIST_LIMIT: u32 = 200;

/// Checks `message` and stores it in the outbox, due at `now`; returns the delivery's id. The
/// worker sends it from there: once this returns, the message is not lost.
pub async fn enqueue(store: &Store, message: &Message, now: OffsetDateTime) -> Result<i64, StoreError> {
    message.check()?;
    store.enqueue_delivery(&message.to_new_delivery(), now).await
}

/// A delivery as shown: nothing secret in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeliveryView {
    /// The delivery's id.
    pub id: i64,
    /// `email` or `webhook`.
    pub channel: &'static str,
    /// The e-mail address, or "webhook at HOST".
    pub recipient: String,
    /// The subject.
    pub subject: String,
    /// `queued`, `sending`, `sent`, `retrying` or `failed`.
    pub status: &'static str,
    /// The status in words, e.g. "failed, retrying at 2026-03-02 09:01 UTC (attempt 2 of 8)".
    pub status_text: String,
    /// Attempts made in the current series.
    pub attempts: u32,
    /// When it was stored (RFC 3339).
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When it was sent.
    #[serde(with = "time::serde::rfc3339::option")]
    pub sent_at: Option<OffsetDateTime>,
    /// When the next attempt is due.
    #[serde(with = "time::serde::rfc3339::option")]
    pub next_attempt_at: Option<OffsetDateTime>,
    /// The last attempt's error, secrets redacted.
    pub last_error: Option<String>,
}

impl DeliveryView {
    /// What may be shown of `delivery`; `max_attempts` is the worker's limit, for the words.
    pub fn of(delivery: &Delivery, max_attempts: u32) -> Self {
        let recipient = match Recipient::parse(delivery.channel, &delivery.recipient) {
            Ok(recipient) => recipient.shown(),
            Err(_) if delivery.channel == DeliveryChannel::Webhook => "webhook (invalid URL)".into(),
            Err(_) => delivery.recipient.clone(),
        };
        let status_text = match delivery.status {
            DeliveryStatus::Queued => "queued".to_owned(),
            DeliveryStatus::Sending => format!("sending (attempt {} of {max_attempts})", delivery.attempts),
            DeliveryStatus::Sent => format!("sent {}", delivery.sent_at.map(shown_time).unwrap_or_default()),
            DeliveryStatus::Retrying => format!(
                "failed, retrying at {} (attempt {} of {max_attempts} failed)",
                delivery.next_attempt_at.map(shown_time).unwrap_or_default(),
                delivery.attempts
            ),
            DeliveryStatus::Failed => {
                format!("failed after {} attempt{}", delivery.attempts, if delivery.attempts == 1 { "" } else { "s" })
            }
        };
        Self {
            id: delivery.id,
            channel: delivery.channel.as_str(),
            recipient,
            subject: delivery.subject.clone(),
            status: delivery.status.as_str(),
            status_text,
            attempts: delivery.attempts,
            created_at: delivery.created_at,
            sent_at: delivery.sent_at,
            next_attempt_at: delivery.next_attempt_at,
            last_error: delivery.last_error.clone(),
        }
    }

    /// Whether it failed for good (a page offers to retry it).
    pub fn failed(&self) -> bool {
        self.status == DeliveryStatus::Failed.as_str()
    }
}

/// The deliveries of record `kind` number `id` (e.g. a brief's), newest first, as shown.
pub async fn deliveries_about(
    store: &Store,
    kind: &str,
    id: i64,
    max_attempts: u32,
) -> Result<Vec<DeliveryView>, StoreError> {
    let about = DeliveryAbout { kind: kind.to_owned(), id };
    Ok(store.deliveries(Some(&about), LIST_LIMIT).await?.iter().map(|d| DeliveryView::of(d, max_attempts)).collect())
}

/// The latest deliveries, newest first, as shown.
pub async fn latest(store: &Store, max_attempts: u32) -> Result<Vec<DeliveryView>, StoreError> {
    Ok(store.deliveries(None, LIST_LIMIT).await?.iter().map(|d| DeliveryView::of(d, max_attempts)).collect())
}

/// Queues failed delivery `id` again for a new series of attempts, due at `now`.
pub async fn retry(store: &Store, id: i64, now: OffsetDateTime) -> Result<(), StoreError> {
    store.retry_delivery(id, now).await
}

/// A time as pages show it: `2026-03-02 09:01 UTC`.
fn shown_time(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!("{} {:02}:{:02} UTC", at.date(), at.hour(), at.minute())
}
