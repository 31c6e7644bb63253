//! Sending a stored brief to its stakeholder: by the channel of their profile, through the
//! delivery outbox (stored before anything is sent, sent by the delivery worker with retries).
//! By e-mail, the Markdown as the text part, the print-ready page as the HTML part and the PDF
//! attached; to a chat webhook, the Markdown.

use leadup_core::ValidationErrors;
use leadup_core::stakeholder::Channel;
use leadup_store::{DeliveryChannel, Store, StoreError};
use time::OffsetDateTime;

use super::{Brief, render};
use crate::delivery::message::{Attachment, Message, Recipient};
use crate::delivery::outbox;
use crate::stakeholders;

/// What a delivery of a brief is recorded about (with the brief's id).
pub const ABOUT: &str = "brief";

/// Why a brief could not be queued for sending.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// The brief is a draft: it is sent once it is saved as sent.
    #[error("brief {0} is a draft: save it as sent first")]
    Draft(i64),
    /// Its stakeholder is no longer an executive of any team.
    #[error("{0} is no longer an executive of any team: the brief has nobody to go to")]
    NoStakeholder(String),
    /// The stakeholder's channel does not make a recipient (the errors name it).
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Queues stored brief `brief_id` for delivery to its stakeholder by their profile's channel;
/// returns the delivery's id. The worker sends it (wake it, or `leadup deliveries send`).
pub async fn send(store: &Store, brief_id: i64, now: OffsetDateTime) -> Result<i64, SendError> {
    let stored = store.brief(brief_id).await?;
    if stored.sent_at.is_none() {
        return Err(SendError::Draft(brief_id));
    }
    let brief = Brief::of_stored(&stored)?;
    let stakeholder = stakeholders::stakeholder(store, stored.stakeholder_id)
        .await?
        .ok_or_else(|| SendError::NoStakeholder(brief.stakeholder.name.clone()))?;
    let rendered = render(&brief);
    let about = Some((ABOUT.to_owned(), brief_id));
    let message = match stakeholder.preferences().channel {
        Channel::Email => Message {
            recipient: Recipient::parse(DeliveryChannel::Email, &stakeholder.user.email)?,
            subject: rendered.subject,
            text_body: rendered.text,
            html_body: rendered.html,
            attachments: vec![Attachment {
                name: format!("brief-{brief_id}.pdf"),
                mime_type: "application/pdf".to_owned(),
                content: rendered.pdf,
            }],
            about,
        },
        Channel::Webhook(url) => Message {
            recipient: Recipient::parse(DeliveryChannel::Webhook, url.expose())?,
            subject: rendered.subject,
            text_body: rendered.text,
            html_body: String::new(),
            attachments: Vec::new(),
            about,
        },
    };
    Ok(outbox::enqueue(store, &message, now).await?)
}
