//! Delivery: e-mails (SMTP with STARTTLS and authentication) and chat webhook posts
//! (Slack-compatible JSON), sent through a stored outbox so that nothing is lost.
//!
//! A [`Message`] is first stored ([`outbox::enqueue`], the `deliveries` table with its
//! attachments), and only then sent by the background [`worker::Deliverer`], which claims due
//! deliveries under a lease, sends each through [`smtp`] or [`webhook`], and records every
//! attempt's outcome with its error text (secrets redacted). A failed attempt is retried with
//! exponential back-off ([`worker::RetryPolicy`]) up to a maximum number of attempts, after which
//! the delivery is failed and shown as such until someone retries it. [`outbox`] also gives the
//! pages and the command line what to show ([`outbox::DeliveryView`]). When a stakeholder's next
//! brief is due is their cadence's (`leadup_core::stakeholder::Cadence::next_due`).

pub mod config;
pub mod message;
pub mod outbox;
pub mod smtp;
pub mod webhook;
pub mod worker;

pub use config::{DeliveryConfig, SmtpConfig, SmtpTls};
pub use message::{Attachment, Message, Recipient, WebhookUrl};

/// Why one attempt at sending failed, in words safe to store and show (no secrets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptError {
    /// What went wrong.
    pub message: String,
    /// Whether trying again cannot help (a rejected password, a refused recipient, a 4xx from
    /// a webhook): the delivery fails at once instead of being retried.
    pub permanent: bool,
}

impl AttemptError {
    /// A failure that may pass (a refused connection, a time-out, a 5xx).
    pub fn transient(message: impl Into<String>) -> Self {
        Self { message: message.into(), permanent: false }
    }

    /// A failure that trying again cannot mend.
    pub fn permanent(message: impl Into<String>) -> Self {
        Self { message: message.into(), permanent: true }
    }
}
