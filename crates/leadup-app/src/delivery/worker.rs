//! The background worker that sends what the outbox holds: it claims each due delivery under a
//! lease (so of several servers exactly one sends it, and a delivery whose worker stopped is
//! taken over when the lease runs out), sends it by its channel, and records the outcome.
//!
//! Retries back off exponentially ([`RetryPolicy::default`]): after a failed attempt `n` the
//! next is due `1 min × 2^(n-1)`, at most 1 hour, later: 1, 2, 4, 8, 16, 32 and 60 minutes
//! after attempts 1 to 7; attempt 8 is the last, about 2 hours after the first, and if it
//! fails the delivery is failed and shown as such. A failure that trying again cannot mend (a
//! rejected password, a refused recipient, a 4xx answer from a webhook) fails the delivery at
//! once. A failed delivery is tried again only when someone retries it by hand, which starts
//! a new series. Delivery is at least once: a worker that stops after the server accepted a
//! message but before the outcome was recorded leaves it to be sent again.
//!
//! Every error text is redacted before it is stored or logged: the SMTP password (also in
//! base64, as AUTH sends it) and the webhook's URL never appear, only the webhook's host.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use leadup_store::{AttemptOutcome, ClaimedDelivery, DeliveryChannel, Store, StoreError};
use time::{Duration, OffsetDateTime};
use tokio::sync::Notify;

use super::config::DeliveryConfig;
use super::message::{Recipient, WebhookUrl};
use super::{AttemptError, smtp, webhook};
use crate::metrics::{DeliveryOutcome, Metrics};

/// How long a worker holds a claimed delivery: longer than any one attempt can take.
pub const LEASE: Duration = Duration::minutes(10);

/// How often an idle worker looks at the outbox (other servers may have queued something).
const POLL: StdDuration = StdDuration::from_secs(30);

/// What a redacted secret is replaced with.
pub const REDACTED: &str = "[redacted]";

/// When failed attempts are retried, and how often.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The wait after the first failed attempt; it doubles after each further one.
    pub first_delay: Duration,
    /// The longest wait between two attempts.
    pub max_delay: Duration,
    /// Attempts in a series; when the last fails, the delivery is failed.
    pub max_attempts: u32,
}

impl Default for RetryPolicy {
    /// 8 attempts, waiting 1, 2, 4, 8, 16, 32 and 60 minutes between them.
    fn default() -> Self {
        Self { first_delay: Duration::minutes(1), max_delay: Duration::hours(1), max_attempts: 8 }
    }
}

impl RetryPolicy {
    /// The wait after failed attempt `attempt` (from 1) before the next.
    pub fn delay_after(&self, attempt: u32) -> Duration {
        let factor = 2i32.saturating_pow(attempt.saturating_sub(1).min(30));
        self.first_delay.saturating_mul(factor).min(self.max_delay)
    }

    /// What happens after attempt `attempt` failed with `error` at `now`.
    pub fn outcome(&self, attempt: u32, error: String, permanent: bool, now: OffsetDateTime) -> AttemptOutcome {
        if permanent || attempt >= self.max_attempts {
            AttemptOutcome::Failed { error }
        } else {
            AttemptOutcome::Retry { error, next_attempt_at: now + self.delay_after(attempt) }
        }
    }
}

/// Where the worker reports what it does (standard error in `leadup serve`).
pub type Log = Arc<dyn Fn(&str) + Send + Sync>;

/// The delivery worker and its handle; cheap to clone.
#[derive(Clone)]
pub struct Deliverer {
    store: Store,
    config: Arc<DeliveryConfig>,
    policy: RetryPolicy,
    wake: Arc<Notify>,
    log: Log,
    metrics: Metrics,
}

impl std::fmt::Debug for Deliverer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Deliverer").field("config", &self.config).field("policy", &self.policy).finish_non_exhaustive()
    }
}

impl Deliverer {
    /// A worker sending `store`'s outbox with `config`, the default retry policy, logging
    /// through `tracing` (the server's log).
    pub fn new(store: Store, config: DeliveryConfig) -> Self {
        Self {
            store,
            config: Arc::new(config),
            policy: RetryPolicy::default(),
            wake: Arc::new(Notify::new()),
            log: Arc::new(|line| tracing::info!(target: "leadup_app::delivery", "{line}")),
            metrics: Metrics::default(),
        }
    }

    /// Uses `policy` for retries.
    #[must_use]
    pub fn with_policy(mut self, policy: RetryPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Reports to `log` instead of the server's log.
    #[must_use]
    pub fn with_log(mut self, log: Log) -> Self {
        self.log = log;
        self
    }

    /// Counts each attempt's outcome in `metrics`.
    #[must_use]
    pub fn with_metrics(mut self, metrics: Metrics) -> Self {
        self.metrics = metrics;
        self
    }

    /// The retry policy.
    pub fn policy(&self) -> RetryPolicy {
        self.policy
    }

    /// Tells the worker that something was queued, so it need not wait for its next look.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Sends every delivery due at `clock()` until none is left; returns how many attempts
    /// were made. Each attempt's outcome is recorded before the next is claimed.
    pub async fn run_due(&self, clock: &(impl Fn() -> OffsetDateTime + Sync)) -> Result<usize, StoreError> {
        let mut attempts = 0;
        loop {
            let now = clock();
            let Some(claimed) = self.store.claim_delivery(now, now + LEASE).await? else { return Ok(attempts) };
            attempts += 1;
            let result = self.attempt(&claimed).await;
            let now = clock();
            let id = claimed.delivery.id;
            let shown = shown_recipient(&claimed);
            let outcome = match result {
                Ok(()) => {
                    (self.log)(&format!(
                        "leadup: delivery {id} to {shown} sent (attempt {})",
                        claimed.delivery.attempts
                    ));
                    AttemptOutcome::Sent
                }
                Err(error) => {
                    let text = redact(&error.message, &self.secrets(&claimed));
                    let outcome = self.policy.outcome(claimed.delivery.attempts, text.clone(), error.permanent, now);
                    let then = match &outcome {
                        AttemptOutcome::Retry { next_attempt_at, .. } => format!("retrying at {next_attempt_at}"),
                        _ => "failed, not retrying".to_owned(),
                    };
                    (self.log)(&format!(
                        "leadup: delivery {id} to {shown}: attempt {} failed: {text}; {then}",
                        claimed.delivery.attempts
                    ));
                    outcome
                }
            };
            self.metrics.record_delivery(match &outcome {
                AttemptOutcome::Sent => DeliveryOutcome::Sent,
                AttemptOutcome::Retry { .. } => DeliveryOutcome::Retry,
                AttemptOutcome::Failed { .. } => DeliveryOutcome::Failed,
            });
            if let Err(error) = self.store.finish_delivery_attempt(id, claimed.attempt, now, &outcome).await {
                (self.log)(&format!("leadup: delivery {id}: recording the attempt failed: {error}"));
            }
        }
    }

    /// Runs until the process ends: sends what is due, then sleeps until the next delivery
    /// falls due, something is queued, or [`POLL`] passes. A failing database is reported and
    /// tried again at the next look.
    pub async fn run(self, clock: impl Fn() -> OffsetDateTime + Send + Sync + 'static) {
        loop {
            if let Err(error) = self.run_due(&clock).await {
                (self.log)(&format!("leadup: sending deliveries failed: {error}"));
            }
            let wait = match self.store.next_delivery_due().await {
                Ok(Some(next)) => StdDuration::try_from(next - clock()).unwrap_or(StdDuration::ZERO).min(POLL),
                _ => POLL,
            };
            let _ = tokio::time::timeout(wait.max(StdDuration::from_millis(200)), self.wake.notified()).await;
        }
    }

    async fn attempt(&self, claimed: &ClaimedDelivery) -> Result<(), AttemptError> {
        let delivery = &claimed.delivery;
        match delivery.channel {
            DeliveryChannel::Email => match &self.config.smtp {
                Some(smtp) => smtp::send(&self.config, smtp, claimed).await,
                None => Err(AttemptError::transient(
                    "no SMTP server is configured: start leadup serve with --smtp-host and --smtp-from",
                )),
            },
            DeliveryChannel::Webhook => {
                let url = WebhookUrl::parse(&delivery.recipient)
                    .map_err(|_| AttemptError::permanent("the stored webhook URL is not a valid https:// URL"))?;
                webhook::send(&self.config, &url, &webhook::payload(&delivery.subject, &claimed.text_body)).await
            }
        }
    }

    /// The secrets an error about `claimed` must not show.
    fn secrets(&self, claimed: &ClaimedDelivery) -> Vec<String> {
        let mut secrets = self.config.secrets();
        if let Some(smtp) = &self.config.smtp
            && let (Some(user), Some(password)) = (&smtp.username, &smtp.password)
        {
            secrets.push(BASE64.encode(format!("\0{user}\0{}", password.expose())));
        }
        secrets.extend(secrets.clone().iter().map(|s| BASE64.encode(s)));
        if claimed.delivery.channel == DeliveryChannel::Webhook {
            secrets.push(claimed.delivery.recipient.clone());
            if let Ok(url) = WebhookUrl::parse(&claimed.delivery.recipient)
                && let Some(path) = url.uri().path_and_query()
                && path.as_str().len() > 1
            {
                secrets.push(path.as_str().to_owned());
            }
        }
        secrets
    }
}

fn shown_recipient(claimed: &ClaimedDelivery) -> String {
    Recipient::parse(claimed.delivery.channel, &claimed.delivery.recipient)
        .map_or_else(|_| claimed.delivery.channel.as_str().to_owned(), |r| r.shown())
}

/// `text` with every one of `secrets` (longest first) replaced by [`REDACTED`].
pub fn redact(text: &str, secrets: &[String]) -> String {
    let mut secrets: Vec<&String> = secrets.iter().filter(|s| !s.is_empty()).collect();
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    secrets.into_iter().fold(text.to_owned(), |text, secret| text.replace(secret.as_str(), REDACTED))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn the_default_schedule_doubles_up_to_an_hour_over_eight_attempts() {
        let policy = RetryPolicy::default();
        let waits: Vec<i64> = (1..policy.max_attempts).map(|n| policy.delay_after(n).whole_minutes()).collect();
        assert_eq!(waits, vec![1, 2, 4, 8, 16, 32, 60]);
        assert_eq!(waits.iter().sum::<i64>(), 123, "the last attempt comes 2 h 3 min after the first");
        assert_eq!(policy.delay_after(1000), Duration::hours(1), "no overflow");
    }

    #[test]
    fn the_last_attempt_and_permanent_errors_fail() {
        let policy = RetryPolicy::default();
        let now = datetime!(2026-03-02 09:00 UTC);
        assert_eq!(
            policy.outcome(3, "refused".into(), false, now),
            AttemptOutcome::Retry { error: "refused".into(), next_attempt_at: now + Duration::minutes(4) }
        );
        assert_eq!(policy.outcome(8, "refused".into(), false, now), AttemptOutcome::Failed { error: "refused".into() });
        assert_eq!(policy.outcome(1, "535".into(), true, now), AttemptOutcome::Failed { error: "535".into() });
    }

    #[test]
    fn redaction_replaces_every_secret_longest_first() {
        let secrets = vec!["/services/T0/B0/abc".to_owned(), "https://hooks.example.com/services/T0/B0/abc".to_owned()];
        assert_eq!(
            redact(
                "posting to https://hooks.example.com/services/T0/B0/abc failed; path /services/T0/B0/abc",
                &secrets
            ),
            "posting to [redacted] failed; path [redacted]"
        );
        assert_eq!(redact("nothing secret", &[String::new()]), "nothing secret");
    }
}
