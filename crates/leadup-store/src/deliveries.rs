//! The delivery outbox: messages (e-mails, chat webhook posts) stored before they are sent,
//! with their attachments and every attempt at sending them.
//!
//! A delivery moves `queued` → `sending` → `sent`, or after a failed attempt to `retrying`
//! (with the time of its next attempt) or `failed` (the caller decides which). A worker claims
//! a due delivery with a lease: the claim is one conditional update, so of several workers (on
//! several servers) exactly one gets it; a delivery whose worker stopped while sending is
//! claimed again once its lease has run out, and the attempt that was cut short is recorded as
//! interrupted. Nothing is deleted: a delivery stays in the outbox with its history.

use time::OffsetDateTime;

use crate::{BeginWrite, Store, StoreError, dispatch};

/// How a delivery travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryChannel {
    /// E-mail over SMTP; the recipient is an address.
    Email,
    /// A chat webhook (Slack-compatible JSON); the recipient is the webhook's URL, a secret.
    Webhook,
}

impl DeliveryChannel {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Webhook => "webhook",
        }
    }

    fn parse(text: &str) -> Result<Self, StoreError> {
        match text {
            "email" => Ok(Self::Email),
            "webhook" => Ok(Self::Webhook),
            other => Err(StoreError::Corrupt(format!("unknown delivery channel '{other}'"))),
        }
    }
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryStatus {
    /// Stored, waiting for its first attempt.
    Queued,
    /// A worker is sending it (until its lease runs out).
    Sending,
    /// Sent: the mail server or the webhook accepted it.
    Sent,
    /// An attempt failed; another follows at `next_attempt_at`.
    Retrying,
    /// Failed for good: no attempt follows unless someone retries it.
    Failed,
}

impl DeliveryStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Sending => "sending",
            Self::Sent => "sent",
            Self::Retrying => "retrying",
            Self::Failed => "failed",
        }
    }

    fn parse(text: &str) -> Result<Self, StoreError> {
        Ok(match text {
            "queued" => Self::Queued,
            "sending" => Self::Sending,
            "sent" => Self::Sent,
            "retrying" => Self::Retrying,
            "failed" => Self::Failed,
            other => return Err(StoreError::Corrupt(format!("unknown delivery status '{other}'"))),
        })
    }
}

/// What a delivery delivers, e.g. kind "brief" and the brief's id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryAbout {
    /// The kind of record, e.g. "brief".
    pub kind: String,
    /// Its id.
    pub id: i64,
}

/// A file sent with a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryAttachment {
    /// The file name the recipient sees.
    pub name: String,
    /// Its MIME type, e.g. `application/pdf`.
    pub mime_type: String,
    /// Its bytes.
    pub content: Vec<u8>,
}

/// A message to store in the outbox (checked by the caller: the store keeps what it is given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDelivery {
    /// How it travels.
    pub channel: DeliveryChannel,
    /// An e-mail address or a webhook URL.
    pub recipient: String,
    /// The subject (an e-mail's subject; a chat message's first line).
    pub subject: String,
    /// The plain-text (Markdown) body.
    pub text_body: String,
    /// The HTML body (e-mail only; may be empty).
    pub html_body: String,
    /// What it delivers, if anything.
    pub about: Option<DeliveryAbout>,
    /// Files sent with it.
    pub attachments: Vec<DeliveryAttachment>,
}

/// A stored delivery and where it stands (without its bodies and attachments).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// Its id.
    pub id: i64,
    /// How it travels.
    pub channel: DeliveryChannel,
    /// The e-mail address or webhook URL (a secret: show only its host).
    pub recipient: String,
    /// The subject.
    pub subject: String,
    /// What it delivers.
    pub about: Option<DeliveryAbout>,
    /// Where it stands.
    pub status: DeliveryStatus,
    /// Attempts made since it was queued or last retried by hand.
    pub attempts: u32,
    /// When it was stored.
    pub created_at: OffsetDateTime,
    /// When the next attempt is due (queued and retrying deliveries).
    pub next_attempt_at: Option<OffsetDateTime>,
    /// Until when its worker holds it (sending deliveries).
    pub lease_until: Option<OffsetDateTime>,
    /// When it was sent.
    pub sent_at: Option<OffsetDateTime>,
    /// The last attempt's error, secrets redacted.
    pub last_error: Option<String>,
}

/// A delivery a worker has claimed to send: the delivery, its whole content, and the number
/// of the attempt to record the outcome under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedDelivery {
    /// The delivery as claimed (status `sending`).
    pub delivery: Delivery,
    /// The attempt's number among all of the delivery's attempts.
    pub attempt: u32,
    /// The plain-text body.
    pub text_body: String,
    /// The HTML body.
    pub html_body: String,
    /// Its attachments, in order.
    pub attachments: Vec<DeliveryAttachment>,
}

/// One attempt at sending a delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryAttempt {
    /// Its number, from 1.
    pub number: u32,
    /// When it started.
    pub started_at: OffsetDateTime,
    /// When it ended; `None` while running or when its worker stopped during it.
    pub finished_at: Option<OffsetDateTime>,
    /// Why it failed (secrets redacted); `None` for a successful attempt.
    pub error: Option<String>,
}

/// How an attempt ended, and so what happens to the delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// Sent.
    Sent,
    /// Failed; try again at `next_attempt_at`.
    Retry {
        /// Why (secrets redacted).
        error: String,
        /// When the next attempt is due.
        next_attempt_at: OffsetDateTime,
    },
    /// Failed for good.
    Failed {
        /// Why (secrets redacted).
        error: String,
    },
}

/// The error recorded on an attempt whose worker stopped before it ended.
pub const INTERRUPTED: &str =
    "interrupted: the worker stopped during this attempt; it was claimed again after its lease ran out";

const COLUMNS: &str = "id, channel, recipient, subject, about_kind, about_id, status, attempts, created_at, \
                       next_attempt_at, lease_until, sent_at, last_error";

type Row = (
    i64,
    String,
    String,
    String,
    Option<String>,
    Option<i64>,
    String,
    i64,
    i64,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<String>,
);

/// A due delivery: queued or retrying and due, or sending with its lease run out.
const DUE: &str =
    "((status IN ('queued', 'retrying') AND next_attempt_at <= $1) OR (status = 'sending' AND lease_until <= $1))";

impl Store {
    /// Stores `delivery` in the outbox as queued, due at `now`, with its attachments, in one
    /// transaction; returns its id.
    pub async fn enqueue_delivery(&self, delivery: &NewDelivery, now: OffsetDateTime) -> Result<i64, StoreError> {
        if delivery.recipient.trim().is_empty() {
            return Err(StoreError::invalid("recipient", "must not be empty"));
        }
        if let Some(about) = &delivery.about
            && about.kind.trim().is_empty()
        {
            return Err(StoreError::invalid("about.kind", "must not be empty"));
        }
        dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO deliveries (channel, recipient, subject, text_body, html_body, about_kind, about_id, \
                 status, attempts, created_at, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'queued', 0, $8, $8) \
                 RETURNING id",
            )
            .bind(delivery.channel.as_str())
            .bind(&delivery.recipient)
            .bind(&delivery.subject)
            .bind(&delivery.text_body)
            .bind(&delivery.html_body)
            .bind(delivery.about.as_ref().map(|a| a.kind.as_str()))
            .bind(delivery.about.as_ref().map(|a| a.id))
            .bind(now.unix_timestamp())
            .fetch_one(&mut *tx)
            .await?;
            for (position, attachment) in delivery.attachments.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO delivery_attachments (delivery_id, position, name, mime_type, content) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(id)
                .bind(position as i64)
                .bind(&attachment.name)
                .bind(&attachment.mime_type)
                .bind(&attachment.content)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(id)
        })
    }

    /// Delivery `id`, if it exists.
    pub async fn delivery(&self, id: i64) -> Result<Option<Delivery>, StoreError> {
        let row: Option<Row> = dispatch!(self, pool => {
            sqlx::query_as(&format!("SELECT {COLUMNS} FROM deliveries WHERE id = $1")).bind(id).fetch_optional(pool).await?
        });
        row.map(delivery).transpose()
    }

    /// The deliveries of `about` (or all when `None`), newest first, at most `limit`.
    pub async fn deliveries(&self, about: Option<&DeliveryAbout>, limit: u32) -> Result<Vec<Delivery>, StoreError> {
        let rows: Vec<Row> = dispatch!(self, pool => {
            match about {
                Some(about) => sqlx::query_as(&format!(
                    "SELECT {COLUMNS} FROM deliveries WHERE about_kind = $1 AND about_id = $2 ORDER BY id DESC LIMIT $3"
                ))
                .bind(&about.kind)
                .bind(about.id)
                .bind(i64::from(limit))
                .fetch_all(pool)
                .await?,
                None => sqlx::query_as(&format!("SELECT {COLUMNS} FROM deliveries ORDER BY id DESC LIMIT $1"))
                    .bind(i64::from(limit))
                    .fetch_all(pool)
                    .await?,
            }
        });
        rows.into_iter().map(delivery).collect()
    }

    /// Delivery `id`'s attempts, oldest first.
    pub async fn delivery_attempts(&self, id: i64) -> Result<Vec<DeliveryAttempt>, StoreError> {
        let rows: Vec<(i64, i64, Option<i64>, Option<String>)> = dispatch!(self, pool => {
            sqlx::query_as(
                "SELECT number, started_at, finished_at, error FROM delivery_attempts WHERE delivery_id = $1 ORDER BY number",
            )
            .bind(id)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(number, started_at, finished_at, error)| {
                Ok(DeliveryAttempt {
                    number: count(number)?,
                    started_at: timestamp(started_at)?,
                    finished_at: finished_at.map(timestamp).transpose()?,
                    error,
                })
            })
            .collect()
    }

    /// When the next delivery falls due, if any is waiting: the earliest next attempt of a
    /// queued or retrying delivery, or lease end of a sending one.
    pub async fn next_delivery_due(&self) -> Result<Option<OffsetDateTime>, StoreError> {
        let next: Option<i64> = dispatch!(self, pool => {
            sqlx::query_scalar(
                "SELECT min(CASE WHEN status = 'sending' THEN lease_until ELSE next_attempt_at END) FROM deliveries \
                 WHERE status IN ('queued', 'retrying', 'sending')",
            )
            .fetch_one(pool)
            .await?
        });
        next.map(timestamp).transpose()
    }

    /// Claims the delivery that has been due longest at `now` for one attempt, held until
    /// `lease_until`: it becomes `sending`, its attempt count goes up, and the attempt is
    /// recorded as started. `None` when nothing is due. Of several workers claiming at once,
    /// each delivery goes to exactly one.
    pub async fn claim_delivery(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
    ) -> Result<Option<ClaimedDelivery>, StoreError> {
        let now_s = now.unix_timestamp();
        dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let candidates: Vec<(i64, String)> = sqlx::query_as(&format!(
                "SELECT id, status FROM deliveries WHERE {DUE} \
                 ORDER BY CASE WHEN status = 'sending' THEN lease_until ELSE next_attempt_at END, id LIMIT 8"
            ))
            .bind(now_s)
            .fetch_all(&mut *tx)
            .await?;
            for (id, status) in candidates {
                // Conditional: on PostgreSQL another worker may have taken it since the SELECT;
                // the condition is checked again under the row's lock.
                let claimed = sqlx::query(&format!(
                    "UPDATE deliveries SET status = 'sending', attempts = attempts + 1, lease_until = $2, \
                     next_attempt_at = NULL WHERE id = $3 AND {DUE}"
                ))
                .bind(now_s)
                .bind(lease_until.unix_timestamp())
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if claimed != 1 {
                    continue;
                }
                if status == "sending" {
                    sqlx::query(
                        "UPDATE delivery_attempts SET finished_at = $1, error = $2 \
                         WHERE delivery_id = $3 AND finished_at IS NULL",
                    )
                    .bind(now_s)
                    .bind(INTERRUPTED)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                    sqlx::query("UPDATE deliveries SET last_error = $1 WHERE id = $2")
                        .bind(INTERRUPTED)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                }
                let number: i64 = sqlx::query_scalar(
                    "SELECT coalesce(max(number), 0) + 1 FROM delivery_attempts WHERE delivery_id = $1",
                )
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
                sqlx::query("INSERT INTO delivery_attempts (delivery_id, number, started_at) VALUES ($1, $2, $3)")
                    .bind(id)
                    .bind(number)
                    .bind(now_s)
                    .execute(&mut *tx)
                    .await?;
                let row: Row = sqlx::query_as(&format!("SELECT {COLUMNS} FROM deliveries WHERE id = $1"))
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?;
                let (text_body, html_body): (String, String) =
                    sqlx::query_as("SELECT text_body, html_body FROM deliveries WHERE id = $1")
                        .bind(id)
                        .fetch_one(&mut *tx)
                        .await?;
                let attachments: Vec<(String, String, Vec<u8>)> = sqlx::query_as(
                    "SELECT name, mime_type, content FROM delivery_attachments WHERE delivery_id = $1 ORDER BY position",
                )
                .bind(id)
                .fetch_all(&mut *tx)
                .await?;
                tx.commit().await?;
                return Ok(Some(ClaimedDelivery {
                    delivery: delivery(row)?,
                    attempt: count(number)?,
                    text_body,
                    html_body,
                    attachments: attachments
                        .into_iter()
                        .map(|(name, mime_type, content)| DeliveryAttachment { name, mime_type, content })
                        .collect(),
                }));
            }
            tx.commit().await?;
            Ok(None)
        })
    }

    /// Records how attempt `attempt` of delivery `id` ended, at `now`. Refused (a conflict)
    /// when the delivery is no longer this attempt's: its lease ran out and another worker
    /// claimed it, or it was never claimed.
    pub async fn finish_delivery_attempt(
        &self,
        id: i64,
        attempt: u32,
        now: OffsetDateTime,
        outcome: &AttemptOutcome,
    ) -> Result<(), StoreError> {
        let (status, error, next, sent) = match outcome {
            AttemptOutcome::Sent => (DeliveryStatus::Sent, None, None, Some(now.unix_timestamp())),
            AttemptOutcome::Retry { error, next_attempt_at } => {
                (DeliveryStatus::Retrying, Some(error.as_str()), Some(next_attempt_at.unix_timestamp()), None)
            }
            AttemptOutcome::Failed { error } => (DeliveryStatus::Failed, Some(error.as_str()), None, None),
        };
        dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let updated = sqlx::query(
                "UPDATE delivery_attempts SET finished_at = $1, error = $2 \
                 WHERE delivery_id = $3 AND number = $4 AND finished_at IS NULL \
                 AND number = (SELECT max(number) FROM delivery_attempts WHERE delivery_id = $3) \
                 AND EXISTS (SELECT 1 FROM deliveries WHERE id = $3 AND status = 'sending')",
            )
            .bind(now.unix_timestamp())
            .bind(error)
            .bind(id)
            .bind(i64::from(attempt))
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if updated != 1 {
                return Err(StoreError::Conflict(format!(
                    "delivery {id} is no longer held by attempt {attempt}: its lease ran out and it was claimed again"
                )));
            }
            // A successful attempt keeps the last error of the one before, so a page can say
            // it was sent after a failure; a failed one records its own.
            sqlx::query(
                "UPDATE deliveries SET status = $1, last_error = coalesce($2, last_error), next_attempt_at = $3, \
                 sent_at = $4, lease_until = NULL WHERE id = $5",
            )
            .bind(status.as_str())
            .bind(error)
            .bind(next)
            .bind(sent)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// Queues failed delivery `id` again, due at `now`, with a new series of attempts.
    /// Refused (a conflict) unless it failed.
    pub async fn retry_delivery(&self, id: i64, now: OffsetDateTime) -> Result<(), StoreError> {
        dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let status: Option<String> =
                sqlx::query_scalar("SELECT status FROM deliveries WHERE id = $1").bind(id).fetch_optional(&mut *tx).await?;
            let status = DeliveryStatus::parse(&status.ok_or(StoreError::not_found("delivery", id))?)?;
            if status != DeliveryStatus::Failed {
                return Err(StoreError::Conflict(format!(
                    "delivery {id} is {}: only a failed delivery can be retried",
                    status.as_str()
                )));
            }
            sqlx::query("UPDATE deliveries SET status = 'queued', attempts = 0, next_attempt_at = $1 WHERE id = $2")
                .bind(now.unix_timestamp())
                .bind(id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(())
        })
    }
}

fn delivery(row: Row) -> Result<Delivery, StoreError> {
    let (
        id,
        channel,
        recipient,
        subject,
        about_kind,
        about_id,
        status,
        attempts,
        created_at,
        next_attempt_at,
        lease_until,
        sent_at,
        last_error,
    ) = row;
    Ok(Delivery {
        id,
        channel: DeliveryChannel::parse(&channel)?,
        recipient,
        subject,
        about: about_kind.zip(about_id).map(|(kind, id)| DeliveryAbout { kind, id }),
        status: DeliveryStatus::parse(&status)?,
        attempts: count(attempts)?,
        created_at: timestamp(created_at)?,
        next_attempt_at: next_attempt_at.map(timestamp).transpose()?,
        lease_until: lease_until.map(timestamp).transpose()?,
        sent_at: sent_at.map(timestamp).transpose()?,
        last_error,
    })
}

fn timestamp(seconds: i64) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::from_unix_timestamp(seconds)
        .map_err(|e| StoreError::Corrupt(format!("delivery time {seconds}: {e}")))
}

fn count(value: i64) -> Result<u32, StoreError> {
    u32::try_from(value).map_err(|_| StoreError::Corrupt(format!("delivery attempt count {value}")))
}
