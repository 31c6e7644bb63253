//! The audit log's hash chain: each entry's hash covers the previous entry's hash and the
//! entry's own fields, so editing, removing or reordering an entry breaks every link after it.
//!
//! `hash = SHA-256(canonical)`, where `canonical` is the JSON array
//! `[prev_hash, seq, at, actor, action, subject, details]` with `at` in Unix seconds, `actor`
//! a user id or `null`, and `details` the JSON text exactly as stored. The first entry (seq 1)
//! follows [`GENESIS_HASH`].

use serde::Serialize;
use time::OffsetDateTime;

use crate::digest;

/// The `prev_hash` of the first entry: 64 zeros.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Something that happened, before it is chained into the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEvent {
    /// When, to the second.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// The user who did it; `None` for the system.
    pub actor: Option<i64>,
    /// What was done, e.g. `plan.approved`.
    pub action: String,
    /// What it was done to, e.g. `plan:3/version:2`.
    pub subject: String,
    /// More about it, as JSON text.
    pub details: String,
}

impl AuditEvent {
    /// The event as entry `seq` of the log, after an entry whose hash is `prev_hash`.
    pub fn chain(self, seq: i64, prev_hash: &str) -> AuditEntry {
        let hash = entry_hash(prev_hash, seq, &self);
        AuditEntry { seq, event: self, prev_hash: prev_hash.to_owned(), hash }
    }
}

/// One entry of the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    /// 1, 2, 3, ... without gaps.
    pub seq: i64,
    /// What happened.
    #[serde(flatten)]
    pub event: AuditEvent,
    /// The previous entry's hash ([`GENESIS_HASH`] for the first).
    pub prev_hash: String,
    /// This entry's hash, as written.
    pub hash: String,
}

/// The hash of entry `seq` holding `event` after an entry whose hash is `prev_hash`.
pub fn entry_hash(prev_hash: &str, seq: i64, event: &AuditEvent) -> String {
    let canonical = serde_json::to_string(&(
        prev_hash,
        seq,
        event.at.unix_timestamp(),
        event.actor,
        &event.action,
        &event.subject,
        &event.details,
    ))
    .expect("strings and numbers always serialise");
    digest::sha256_hex(&canonical)
}

/// The first entry where the chain breaks, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("entry {seq}: {reason}")]
pub struct BrokenLink {
    /// The entry's sequence number (for a missing entry, the one expected).
    pub seq: i64,
    /// Why the chain breaks there.
    pub reason: String,
}

/// Checks that `entries` (ordered by seq) form an unbroken chain from the start: numbered
/// 1, 2, 3, ..., each linked to the hash of the one before, each hash matching its content.
pub fn verify(entries: &[AuditEntry]) -> Result<(), BrokenLink> {
    let mut prev_hash = GENESIS_HASH;
    for (expected, entry) in (1..).zip(entries) {
        let broken = |reason: String| Err(BrokenLink { seq: entry.seq, reason });
        if entry.seq != expected {
            return Err(BrokenLink {
                seq: expected,
                reason: format!("is missing: the entry after {} is numbered {}", expected - 1, entry.seq),
            });
        }
        if entry.prev_hash != prev_hash {
            let what =
                if expected == 1 { "the start of the log".to_owned() } else { format!("entry {}", expected - 1) };
            return broken(format!("its prev_hash does not match the hash of {what}"));
        }
        if entry_hash(&entry.prev_hash, entry.seq, &entry.event) != entry.hash {
            return broken("its hash does not match its content: it was changed after it was written".to_owned());
        }
        prev_hash = &entry.hash;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    fn log(n: i64) -> Vec<AuditEntry> {
        let mut entries: Vec<AuditEntry> = Vec::new();
        for seq in 1..=n {
            let event = AuditEvent {
                at: datetime!(2027-01-04 09:00 UTC) + time::Duration::minutes(seq),
                actor: (seq % 2 == 0).then_some(seq),
                action: "plan.approved".into(),
                subject: format!("plan:1/version:{seq}"),
                details: format!(r#"{{"content_hash":"{seq}"}}"#),
            };
            let prev = entries.last().map_or(GENESIS_HASH, |e| e.hash.as_str()).to_owned();
            entries.push(event.chain(seq, &prev));
        }
        entries
    }

    #[test]
    fn the_hash_covers_every_field() {
        let entry = &log(1)[0];
        assert_eq!(entry.prev_hash, GENESIS_HASH);
        let canonical = r#"["0000000000000000000000000000000000000000000000000000000000000000",1,1799053260,null,"plan.approved","plan:1/version:1","{\"content_hash\":\"1\"}"]"#;
        assert_eq!(entry.hash, digest::sha256_hex(canonical));
        let mut other = entry.event.clone();
        other.actor = Some(1);
        assert_ne!(entry_hash(GENESIS_HASH, 1, &other), entry.hash);
        assert_ne!(entry_hash(GENESIS_HASH, 2, &entry.event), entry.hash);
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert_eq!(verify(&log(5)), Ok(()));
        assert_eq!(verify(&[]), Ok(()));
    }

    #[test]
    fn the_first_broken_link_is_named() {
        let mut edited = log(5);
        edited[2].event.details = r#"{"content_hash":"forged"}"#.into();
        edited[3].event.action = "plan.rejected".into();
        let broken = verify(&edited).unwrap_err();
        assert_eq!(broken.seq, 3);
        assert_eq!(
            broken.to_string(),
            "entry 3: its hash does not match its content: it was changed after it was written"
        );

        // Rewriting the hash as well breaks the next entry's link.
        let mut rehashed = log(5);
        rehashed[1].event.subject = "plan:9/version:9".into();
        rehashed[1].hash = entry_hash(&rehashed[1].prev_hash, 2, &rehashed[1].event);
        assert_eq!(
            verify(&rehashed).unwrap_err().to_string(),
            "entry 3: its prev_hash does not match the hash of entry 2"
        );

        let mut removed = log(5);
        removed.remove(1);
        assert_eq!(verify(&removed).unwrap_err().to_string(), "entry 2: is missing: the entry after 1 is numbered 3");

        let mut first = log(2);
        first[0].prev_hash = "f".repeat(64);
        assert_eq!(
            verify(&first).unwrap_err().to_string(),
            "entry 1: its prev_hash does not match the hash of the start of the log"
        );
    }
}
