//! A message to deliver and its recipient, checked once at the boundary: an e-mail address
//! that parses, or a webhook URL over HTTPS (plain HTTP only to this machine, for tests).

use std::fmt;
use std::net::IpAddr;

use hyper::Uri;
use leadup_core::ValidationErrors;
use leadup_store::{DeliveryAbout, DeliveryAttachment, DeliveryChannel, NewDelivery};

/// Who receives a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipient {
    /// An e-mail address.
    Email(lettre::Address),
    /// A chat webhook.
    Webhook(WebhookUrl),
}

impl Recipient {
    /// The recipient `text` of `channel`, checked; the error names field `recipient`.
    pub fn parse(channel: DeliveryChannel, text: &str) -> Result<Self, ValidationErrors> {
        match channel {
            DeliveryChannel::Email => text.trim().parse::<lettre::Address>().map(Self::Email).map_err(|_| {
                ValidationErrors::single("recipient", format!("'{}' is not an e-mail address", text.trim()))
            }),
            DeliveryChannel::Webhook => WebhookUrl::parse(text).map(Self::Webhook),
        }
    }

    /// How it travels.
    pub fn channel(&self) -> DeliveryChannel {
        match self {
            Self::Email(_) => DeliveryChannel::Email,
            Self::Webhook(_) => DeliveryChannel::Webhook,
        }
    }

    /// What may be shown of it: the address, or only the webhook's host.
    pub fn shown(&self) -> String {
        match self {
            Self::Email(address) => address.to_string(),
            Self::Webhook(url) => format!("webhook at {}", url.host()),
        }
    }
}

/// A chat webhook's URL. It is a secret (whoever has it can post): its `Debug` and
/// [`WebhookUrl::host`] show only the host.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookUrl {
    uri: Uri,
}

impl WebhookUrl {
    /// Checks `text`: an absolute `https://` URL with a host, or `http://` to a loopback
    /// address (for tests on this machine). The error never repeats the URL.
    pub fn parse(text: &str) -> Result<Self, ValidationErrors> {
        let bad = |why: &str| ValidationErrors::single("recipient", format!("the webhook URL {why}"));
        let uri: Uri = text.trim().parse().map_err(|_| bad("is not a valid URL"))?;
        let host = uri.host().ok_or_else(|| bad("has no host"))?;
        match uri.scheme_str() {
            Some("https") => {}
            Some("http") if is_loopback(host) => {}
            Some("http") => return Err(bad("must use https:// (plain http:// only to this machine)")),
            _ => return Err(bad("must start with https://")),
        }
        Ok(Self { uri })
    }

    /// The host, which is all pages and logs show.
    pub fn host(&self) -> &str {
        self.uri.host().unwrap_or_default()
    }

    /// The whole URL, for sending.
    pub fn uri(&self) -> &Uri {
        &self.uri
    }

    /// The whole URL as text, for storing.
    pub fn expose(&self) -> String {
        self.uri.to_string()
    }
}

impl fmt::Debug for WebhookUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WebhookUrl({}/…)", self.host())
    }
}

/// Whether `host` is this machine.
pub(crate) fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost") || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// A file sent with a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// The file name the recipient sees.
    pub name: String,
    /// Its MIME type, e.g. `application/pdf`.
    pub mime_type: String,
    /// Its bytes.
    pub content: Vec<u8>,
}

/// A message to deliver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Who receives it.
    pub recipient: Recipient,
    /// The subject (a chat post's first line).
    pub subject: String,
    /// The plain-text body, Markdown with every user-written text escaped.
    pub text_body: String,
    /// The HTML body (e-mail only; empty for none).
    pub html_body: String,
    /// Files sent with it (e-mail only: a chat post carries the text).
    pub attachments: Vec<Attachment>,
    /// What it delivers, e.g. kind "brief" and the brief's id.
    pub about: Option<(String, i64)>,
}

impl Message {
    /// Checks the parts a recipient could not read: a subject on one line, attachments with a
    /// name and a MIME type that parse. The errors name each field.
    pub fn check(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        if self.subject.trim().is_empty() {
            errors.add("subject", "must not be empty");
        } else if self.subject.contains(['\r', '\n']) {
            errors.add("subject", "must be one line");
        }
        for (n, attachment) in self.attachments.iter().enumerate() {
            if attachment.name.trim().is_empty() || attachment.name.contains(['\r', '\n', '/', '\\']) {
                errors.add(format!("attachments[{n}].name"), "must be a file name without path or line breaks");
            }
            if lettre::message::header::ContentType::parse(&attachment.mime_type).is_err() {
                errors.add(
                    format!("attachments[{n}].mime_type"),
                    format!("'{}' is not a MIME type", attachment.mime_type),
                );
            }
        }
        errors.into_result(|| ())
    }

    /// The outbox row.
    pub(crate) fn to_new_delivery(&self) -> NewDelivery {
        let recipient = match &self.recipient {
            Recipient::Email(address) => address.to_string(),
            Recipient::Webhook(url) => url.expose(),
        };
        NewDelivery {
            channel: self.recipient.channel(),
            recipient,
            subject: self.subject.clone(),
            text_body: self.text_body.clone(),
            html_body: self.html_body.clone(),
            about: self.about.clone().map(|(kind, id)| DeliveryAbout { kind, id }),
            attachments: self
                .attachments
                .iter()
                .map(|a| DeliveryAttachment {
                    name: a.name.clone(),
                    mime_type: a.mime_type.clone(),
                    content: a.content.clone(),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhooks_need_https_except_to_this_machine() {
        assert_eq!(
            WebhookUrl::parse("https://hooks.example.com/services/T0/B0/secret").unwrap().host(),
            "hooks.example.com"
        );
        assert!(WebhookUrl::parse("http://127.0.0.1:9/hook").is_ok());
        assert!(WebhookUrl::parse("http://[::1]:9/hook").is_ok());
        assert!(WebhookUrl::parse("http://localhost/hook").is_ok());
        for bad in ["http://hooks.example.com/secret", "ftp://x/y", "not a url", "/relative/secret", ""] {
            let error = WebhookUrl::parse(bad).unwrap_err().summary();
            assert!(error.contains("recipient"), "{bad}: {error}");
            assert!(bad.is_empty() || !error.contains(bad), "the URL is a secret: {error}");
        }
    }

    #[test]
    fn a_webhook_url_shows_only_its_host() {
        let url = WebhookUrl::parse("https://hooks.example.com/services/T0/B0/s3cr3t").unwrap();
        assert_eq!(format!("{url:?}"), "WebhookUrl(hooks.example.com/…)");
        assert_eq!(Recipient::Webhook(url).shown(), "webhook at hooks.example.com");
    }

    #[test]
    fn email_recipients_must_parse() {
        let ok = Recipient::parse(DeliveryChannel::Email, " mateo@example.com ").unwrap();
        assert_eq!(ok.shown(), "mateo@example.com");
        let error = Recipient::parse(DeliveryChannel::Email, "mateo at example").unwrap_err().summary();
        assert!(error.contains("recipient") && error.contains("'mateo at example'"), "{error}");
    }

    #[test]
    fn subjects_and_attachments_are_checked_by_field() {
        let message = Message {
            recipient: Recipient::parse(DeliveryChannel::Email, "a@example.com").unwrap(),
            subject: "Brief\r\nBcc: x@example.com".into(),
            text_body: String::new(),
            html_body: String::new(),
            attachments: vec![Attachment { name: "../brief.pdf".into(), mime_type: "pdf".into(), content: vec![] }],
            about: None,
        };
        let error = message.check().unwrap_err().summary();
        assert!(error.contains("subject"), "{error}");
        assert!(error.contains("attachments[0].name"), "{error}");
        assert!(error.contains("attachments[0].mime_type"), "{error}");
    }
}
