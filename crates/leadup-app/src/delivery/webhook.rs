//! Posting one stored message to a chat webhook: Slack-compatible JSON (`{"text": ...}`, the
//! Markdown text under the subject) over HTTPS (plain HTTP only to this machine), within the
//! configured time-out. A non-2xx answer is a failed attempt with its status recorded. The URL
//! is a secret: errors name only its host.

use std::sync::Arc;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use hyper::{Request, StatusCode, header};
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use tokio::net::TcpStream;

use super::AttemptError;
use super::config::DeliveryConfig;
use super::message::WebhookUrl;

/// How much of an error answer's body is kept in the error text.
const BODY_SHOWN: usize = 200;

/// The JSON a Slack-compatible webhook takes for a message with `subject` and Markdown `text`.
pub fn payload(subject: &str, text: &str) -> serde_json::Value {
    serde_json::json!({ "text": format!("*{}*\n\n{text}", leadup_core::markdown::inline(subject)) })
}

/// Posts `payload` to `url`.
pub async fn send(config: &DeliveryConfig, url: &WebhookUrl, payload: &serde_json::Value) -> Result<(), AttemptError> {
    let host = url.host().to_owned();
    let post = post(config, url, payload);
    match tokio::time::timeout(config.timeout, post).await {
        Ok(result) => result,
        Err(_) => Err(AttemptError::transient(format!(
            "the webhook at {host} did not answer within {} s",
            config.timeout.as_secs()
        ))),
    }
}

async fn post(config: &DeliveryConfig, url: &WebhookUrl, payload: &serde_json::Value) -> Result<(), AttemptError> {
    let uri = url.uri();
    let host = url.host();
    let https = uri.scheme_str() == Some("https");
    let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
    let bare_host = host.trim_start_matches('[').trim_end_matches(']');
    let failed = |what: &str, error: &dyn std::fmt::Display| {
        AttemptError::transient(format!("{what} the webhook at {host} failed: {error}"))
    };
    let request = Request::post(uri.path_and_query().map_or("/", |p| p.as_str()))
        .header(header::HOST, uri.authority().map_or(host, |a| a.as_str()))
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::USER_AGENT, concat!("leadup/", env!("CARGO_PKG_VERSION")))
        .body(Full::new(Bytes::from(payload.to_string())))
        .map_err(|e| AttemptError::permanent(format!("the request to the webhook at {host} cannot be built: {e}")))?;
    let tcp = TcpStream::connect((bare_host, port)).await.map_err(|e| failed("connecting to", &e))?;
    let (status, body) = if https {
        let client = config.rustls_client().map_err(AttemptError::permanent)?;
        let name = ServerName::try_from(bare_host.to_owned())
            .map_err(|e| AttemptError::permanent(format!("the webhook host {host} is not a TLS server name: {e}")))?;
        let tls = tokio_rustls::TlsConnector::from(Arc::new(client))
            .connect(name, tcp)
            .await
            .map_err(|e| failed("TLS with", &e))?;
        exchange(TokioIo::new(tls), request).await
    } else {
        exchange(TokioIo::new(tcp), request).await
    }
    .map_err(|e| failed("posting to", &e))?;
    if status.is_success() {
        return Ok(());
    }
    let shown: String = body.chars().take(BODY_SHOWN).collect();
    let message = format!("the webhook at {host} answered {status}: {}", shown.trim());
    let permanent =
        status.is_client_error() && status != StatusCode::REQUEST_TIMEOUT && status != StatusCode::TOO_MANY_REQUESTS;
    Err(AttemptError { message, permanent })
}

/// Sends `request` over `io` (HTTP/1.1) and reads the answer's status and the start of its body.
async fn exchange<I>(io: I, request: Request<Full<Bytes>>) -> Result<(StatusCode, String), hyper::Error>
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let (mut sender, connection) = hyper::client::conn::http1::handshake(io).await?;
    let connection = tokio::spawn(connection);
    let response = sender.send_request(request).await?;
    let status = response.status();
    let body = Limited::new(response.into_body(), 4096)
        .collect()
        .await
        .map(http_body_util::Collected::to_bytes)
        .unwrap_or_default();
    connection.abort();
    Ok((status, String::from_utf8_lossy(&body).into_owned()))
}
