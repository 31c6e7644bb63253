//! Sending one stored e-mail over SMTP: STARTTLS required by default (or TLS from the start,
//! or nothing only to this machine), certificates checked against the built-in roots and the
//! configured extra ones, authentication with the configured user, and the message as
//! multipart/alternative plain text + HTML with its attachments beside it (multipart/mixed).

use leadup_store::ClaimedDelivery;
use lettre::message::header::ContentType;
use lettre::message::{Attachment as MimeAttachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use super::AttemptError;
use super::config::{DeliveryConfig, SmtpConfig, SmtpTls};

/// Sends `delivery` (an e-mail) through `smtp`.
pub async fn send(config: &DeliveryConfig, smtp: &SmtpConfig, delivery: &ClaimedDelivery) -> Result<(), AttemptError> {
    let message = build(&smtp.from, delivery)?;
    let transport = transport(config, smtp)?;
    transport.send(message).await.map(|_| ()).map_err(|error| describe(smtp, &error))
}

/// The MIME message.
fn build(from: &Mailbox, delivery: &ClaimedDelivery) -> Result<lettre::Message, AttemptError> {
    let to: Mailbox =
        delivery.delivery.recipient.parse().map_err(|_| {
            AttemptError::permanent(format!("'{}' is not an e-mail address", delivery.delivery.recipient))
        })?;
    let text = SinglePart::plain(delivery.text_body.clone());
    let body = if delivery.html_body.is_empty() {
        MultiPart::mixed().singlepart(text)
    } else {
        MultiPart::mixed().multipart(
            MultiPart::alternative().singlepart(text).singlepart(SinglePart::html(delivery.html_body.clone())),
        )
    };
    let body = delivery.attachments.iter().try_fold(body, |body, attachment| {
        let kind = ContentType::parse(&attachment.mime_type).map_err(|_| {
            AttemptError::permanent(format!(
                "attachment '{}': '{}' is not a MIME type",
                attachment.name, attachment.mime_type
            ))
        })?;
        Ok(body.singlepart(MimeAttachment::new(attachment.name.clone()).body(attachment.content.clone(), kind)))
    })?;
    lettre::Message::builder()
        .from(from.clone())
        .to(to)
        .subject(delivery.delivery.subject.clone())
        .multipart(body)
        .map_err(|e| AttemptError::permanent(format!("the message cannot be built: {e}")))
}

fn transport(config: &DeliveryConfig, smtp: &SmtpConfig) -> Result<AsyncSmtpTransport<Tokio1Executor>, AttemptError> {
    let tls = match smtp.tls {
        SmtpTls::None => Tls::None,
        SmtpTls::Starttls => Tls::Required(tls_parameters(config, &smtp.host)?),
        SmtpTls::Tls => Tls::Wrapper(tls_parameters(config, &smtp.host)?),
    };
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(smtp.host.clone())
        .port(smtp.port)
        .tls(tls)
        .timeout(Some(config.timeout));
    if let (Some(username), Some(password)) = (&smtp.username, &smtp.password) {
        builder = builder.credentials(Credentials::new(username.clone(), password.expose().to_owned()));
    }
    Ok(builder.build())
}

fn tls_parameters(config: &DeliveryConfig, host: &str) -> Result<TlsParameters, AttemptError> {
    let mut builder = TlsParameters::builder(host.to_owned());
    for root in &config.extra_roots {
        let certificate = Certificate::from_der(root.to_vec())
            .map_err(|e| AttemptError::permanent(format!("an extra CA certificate is unusable: {e}")))?;
        builder = builder.add_root_certificate(certificate);
    }
    builder.build_rustls().map_err(|e| AttemptError::permanent(format!("TLS set-up failed: {e}")))
}

/// An SMTP failure in words: who refused what, and whether trying again can help.
fn describe(smtp: &SmtpConfig, error: &lettre::transport::smtp::Error) -> AttemptError {
    let server = format!("{}:{}", smtp.host, smtp.port);
    let code = error.status().map(|c| c.to_string()).unwrap_or_default();
    if code.starts_with("53") {
        return AttemptError::permanent(format!(
            "the SMTP server {server} refused the login of '{}': check --smtp-username and the password ({error})",
            smtp.username.as_deref().unwrap_or_default()
        ));
    }
    // lettre reports a certificate it cannot verify as a connection error.
    if error.is_tls() || error.to_string().contains("certificate") {
        return AttemptError::transient(format!(
            "TLS with the SMTP server {server} failed (is its certificate signed by a trusted CA? add yours with \
             --delivery-ca-file): {error}"
        ));
    }
    if error.is_permanent() {
        return AttemptError::permanent(format!("the SMTP server {server} refused the message: {error}"));
    }
    AttemptError::transient(format!("sending through the SMTP server {server} failed: {error}"))
}
