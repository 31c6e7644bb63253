//! The append-only, hash-chained audit log (the chain's rules are leadup-core's `audit`).
//!
//! An entry is appended inside the transaction of the change it records (`append_audit!`),
//! so the log holds exactly the changes that were committed. Appending first moves the one
//! row of `audit_head` on, which makes concurrent appenders wait for each other (a row lock in
//! PostgreSQL, the write lock in SQLite) and leaves the chain's end on record.

use leadup_core::audit::{self, AuditEntry, AuditEvent, BrokenLink};
use time::OffsetDateTime;

use crate::{Store, StoreError, dispatch};

/// Who does something the store records, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    /// The user's id.
    pub user_id: i64,
    /// When; stored to the second.
    pub at: OffsetDateTime,
}

impl Actor {
    /// User `user_id`, acting at `at`.
    pub fn new(user_id: i64, at: OffsetDateTime) -> Self {
        Self { user_id, at }
    }

    /// User `user_id`, acting now (by the system clock).
    pub fn now(user_id: i64) -> Self {
        Self::new(user_id, OffsetDateTime::now_utc())
    }

    /// An audit event by this actor.
    pub(crate) fn event(self, action: &str, subject: String, details: &serde_json::Value) -> AuditEvent {
        AuditEvent {
            at: self.at,
            actor: Some(self.user_id),
            action: action.to_owned(),
            subject,
            details: details.to_string(),
        }
    }
}

/// Appends `$event` (an `AuditEvent`) to the audit log inside transaction `$tx`.
macro_rules! append_audit {
    ($tx:expr, $event:expr) => {{
        let event: leadup_core::audit::AuditEvent = $event;
        let (seq, prev_hash): (i64, String) =
            sqlx::query_as("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
                .fetch_one(&mut *$tx)
                .await?;
        let entry = event.chain(seq, &prev_hash);
        sqlx::query(
            "INSERT INTO audit_log (seq, at, actor, action, subject, details, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(entry.seq)
        .bind(entry.event.at.unix_timestamp())
        .bind(entry.event.actor)
        .bind(&entry.event.action)
        .bind(&entry.event.subject)
        .bind(&entry.event.details)
        .bind(&entry.prev_hash)
        .bind(&entry.hash)
        .execute(&mut *$tx)
        .await?;
        sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1").bind(&entry.hash).execute(&mut *$tx).await?;
    }};
}
pub(crate) use append_audit;

#[derive(sqlx::FromRow)]
struct AuditRow {
    seq: i64,
    at: i64,
    actor: Option<i64>,
    action: String,
    subject: String,
    details: String,
    prev_hash: String,
    hash: String,
}

impl Store {
    /// Every audit entry, in order.
    pub async fn audit_log(&self) -> Result<Vec<AuditEntry>, StoreError> {
        let rows: Vec<AuditRow> = dispatch!(self, pool => {
            sqlx::query_as("SELECT seq, at, actor, action, subject, details, prev_hash, hash FROM audit_log ORDER BY seq")
                .fetch_all(pool).await?
        });
        rows.into_iter()
            .map(|row| {
                let at = OffsetDateTime::from_unix_timestamp(row.at)
                    .map_err(|_| StoreError::Corrupt(format!("audit entry {}: time {}", row.seq, row.at)))?;
                Ok(AuditEntry {
                    seq: row.seq,
                    event: AuditEvent {
                        at,
                        actor: row.actor,
                        action: row.action,
                        subject: row.subject,
                        details: row.details,
                    },
                    prev_hash: row.prev_hash,
                    hash: row.hash,
                })
            })
            .collect()
    }

    /// Checks the audit log: `Ok(Ok(entries))` when the chain is intact from the first entry
    /// to the end on record, `Ok(Err(link))` naming the first broken link otherwise.
    pub async fn verify_audit_log(&self) -> Result<Result<usize, BrokenLink>, StoreError> {
        let entries = self.audit_log().await?;
        let (head_seq, head_hash): (i64, String) = dispatch!(self, pool => {
            sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(pool).await?
        });
        if let Err(broken) = audit::verify(&entries) {
            return Ok(Err(broken));
        }
        let (last_seq, last_hash) = entries.last().map_or((0, audit::GENESIS_HASH), |e| (e.seq, e.hash.as_str()));
        if last_seq < head_seq {
            return Ok(Err(BrokenLink {
                seq: last_seq + 1,
                reason: format!("is missing: the log ends at entry {last_seq}, but {head_seq} entries were written"),
            }));
        }
        if last_seq > head_seq || last_hash != head_hash {
            return Ok(Err(BrokenLink {
                seq: last_seq,
                reason: format!("does not match the end of the chain on record (entry {head_seq})"),
            }));
        }
        Ok(Ok(entries.len()))
    }
}
