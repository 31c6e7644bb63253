//! Delivery against real servers started by the test, on both backends: an SMTP server
//! (aiosmtpd, `support/smtp_server.py`) that requires STARTTLS with a certificate from a CA the
//! test made and AUTH with a password, whose received message is parsed and checked part by
//! part; and an HTTP webhook receiver in the test that records the JSON it is sent and fails
//! the first N requests. Time is a parameter: retries are driven by moving the clock, never
//! by sleeping.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::{Response, StatusCode};
use hyper_util::rt::TokioIo;
use leadup_app::delivery::config::Secret;
use leadup_app::delivery::outbox::{self, DeliveryView};
use leadup_app::delivery::worker::{Deliverer, RetryPolicy};
use leadup_app::delivery::{Attachment, DeliveryConfig, Message, Recipient, SmtpConfig, SmtpTls};
use leadup_app::metrics::Metrics;
use leadup_store::{DeliveryChannel, DeliveryStatus, Store};
use serde_json::Value;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

/// Generates `sqlite::NAME` and `postgres::NAME` from `async fn NAME(db_url: String)`.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let db = leadup_store::testing::TestDatabase::sqlite();
                    super::$name(db.url.clone()).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    let Some(db) = leadup_store::testing::TestDatabase::postgres().await else { return };
                    super::$name(db.url.clone()).await;
                }
            )*
        }
    };
}

on_both_backends!(
    an_email_goes_over_starttls_with_login_as_text_html_and_attachment,
    a_wrong_password_fails_the_delivery_with_a_clear_error_and_no_secret,
    a_server_certificate_from_an_untrusted_ca_is_refused,
    a_failing_webhook_is_retried_with_back_off_and_survives_a_restart,
    a_webhook_that_keeps_failing_is_failed_after_the_last_attempt_and_can_be_retried,
    a_webhook_that_refuses_the_request_fails_at_once,
    an_https_webhook_is_posted_to_when_its_ca_is_trusted_and_refused_otherwise,
);

const T0: OffsetDateTime = datetime!(2026-03-02 09:00 UTC);
const USER: &str = "leadup-mailer";
const PASSWORD: &str = "correct-horse-battery-staple-42";
const SECRET_PATH: &str = "/services/T000/B000/s3cr3t-t0k3n";

/// The SMTP server of one test; killed when dropped.
struct SmtpServer {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl SmtpServer {
    /// Starts the server, or `None` (a skip, or a failure under `LEADUP_TEST_REQUIRE_ALL`)
    /// when aiosmtpd or openssl is missing.
    fn start() -> Option<Self> {
        // Debian's python3-aiosmtpd is installed for the system's Python, not for any other on
        // the PATH.
        let python = if Path::new("/usr/bin/python3").exists() { "/usr/bin/python3" } else { "python3" };
        let has = |program: &str, args: &[&str]| {
            Command::new(program)
                .args(args)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        };
        if !has(python, &["-c", "import aiosmtpd"]) || !has("openssl", &["version"]) {
            leadup_store::testing::skip("aiosmtpd (Debian's python3-aiosmtpd) or openssl is missing");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/support/smtp_server.py");
        let mut child = Command::new(python)
            .arg(script)
            .arg("--dir")
            .arg(dir.path())
            .args(["--user", USER])
            .env("SMTP_TEST_PASSWORD", PASSWORD)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let port = line.trim().parse().unwrap_or_else(|_| panic!("the SMTP server printed no port: {line:?}"));
        Some(Self { child, port, dir })
    }

    fn ca(&self) -> Vec<rustls::pki_types::CertificateDer<'static>> {
        DeliveryConfig::read_extra_roots(&self.dir.path().join("ca.pem")).unwrap()
    }

    fn config(&self, password: &str, trust_ca: bool) -> DeliveryConfig {
        DeliveryConfig {
            smtp: Some(SmtpConfig {
                host: "127.0.0.1".into(),
                port: self.port,
                username: Some(USER.into()),
                password: Some(Secret::new(password)),
                from: "leadup <leadup@example.com>".parse().unwrap(),
                tls: SmtpTls::Starttls,
            }),
            extra_roots: if trust_ca { self.ca() } else { Vec::new() },
            timeout: std::time::Duration::from_secs(20),
        }
    }

    /// The messages received so far, as the server parsed them.
    fn received(&self) -> Vec<Value> {
        let mut found = Vec::new();
        for n in 1.. {
            let path = self.dir.path().join(format!("messages/{n}.json"));
            let Ok(text) = std::fs::read_to_string(path) else { break };
            found.push(serde_json::from_str(&text).unwrap());
        }
        found
    }
}

/// A webhook receiver: records each request's path and JSON body, and answers `failure`
/// to the first `fail_first` requests.
struct Receiver {
    address: SocketAddr,
    requests: Arc<Mutex<Vec<(String, Value)>>>,
}

async fn receiver(fail_first: usize, failure: StatusCode) -> Receiver {
    receiver_over(fail_first, failure, None).await
}

/// A receiver like [`receiver`], over TLS with `tls` when given.
async fn receiver_over(fail_first: usize, failure: StatusCode, tls: Option<tokio_rustls::TlsAcceptor>) -> Receiver {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let requests: Arc<Mutex<Vec<(String, Value)>>> = Arc::default();
    let seen = Arc::new(AtomicUsize::new(0));
    let recorded = requests.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else { return };
            let recorded = recorded.clone();
            let seen = seen.clone();
            let tls = tls.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                    let recorded = recorded.clone();
                    let seen = seen.clone();
                    async move {
                        let path = request.uri().path().to_owned();
                        let body = request.into_body().collect().await?.to_bytes();
                        let json: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                        recorded.lock().unwrap().push((path, json));
                        let (status, text) = if seen.fetch_add(1, Ordering::SeqCst) < fail_first {
                            (failure, "boom")
                        } else {
                            (StatusCode::OK, "ok")
                        };
                        Ok::<_, hyper::Error>(
                            Response::builder().status(status).body(Full::new(Bytes::from(text))).unwrap(),
                        )
                    }
                });
                let http = hyper::server::conn::http1::Builder::new();
                match tls {
                    None => drop(http.serve_connection(TokioIo::new(stream), service).await),
                    Some(tls) => {
                        if let Ok(stream) = tls.accept(stream).await {
                            drop(http.serve_connection(TokioIo::new(stream), service).await);
                        }
                    }
                }
            });
        }
    });
    Receiver { address, requests }
}

impl Receiver {
    fn url(&self) -> String {
        format!("http://{}{SECRET_PATH}", self.address)
    }

    fn count(&self) -> usize {
        self.requests.lock().unwrap().len()
    }
}

/// A test CA and a server certificate for 127.0.0.1 signed by it, made with openssl in
/// `dir`; returns a TLS acceptor with the server certificate. `None` (a skip) without openssl.
fn tls_acceptor(dir: &Path) -> Option<tokio_rustls::TlsAcceptor> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let openssl =
        |args: &[&str]| Command::new("openssl").args(args).current_dir(dir).output().is_ok_and(|o| o.status.success());
    if !openssl(&["version"]) {
        leadup_store::testing::skip("openssl is missing");
        return None;
    }
    let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    let mut ca = vec!["req", "-x509"];
    ca.extend(ec);
    ca.extend(["-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=leadup test CA"]);
    ca.extend(["-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign"]);
    assert!(openssl(&ca));
    let mut csr = vec!["req"];
    csr.extend(ec);
    csr.extend(["-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"]);
    assert!(openssl(&csr));
    std::fs::write(
        dir.join("server.ext"),
        "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1\n",
    )
    .unwrap();
    assert!(openssl(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.pem",
        "-days",
        "2",
        "-extfile",
        "server.ext",
    ]));
    let chain: Vec<CertificateDer<'static>> =
        CertificateDer::pem_file_iter(dir.join("server.pem")).unwrap().collect::<Result<_, _>>().unwrap();
    let key = PrivateKeyDer::from_pem_file(dir.join("server.key")).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
    Some(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

/// Log lines the worker wrote.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<String>>>);

impl Logs {
    fn deliverer(&self, store: &Store, config: DeliveryConfig, policy: RetryPolicy) -> Deliverer {
        let lines = self.0.clone();
        Deliverer::new(store.clone(), config)
            .with_policy(policy)
            .with_log(Arc::new(move |line: &str| lines.lock().unwrap().push(line.to_owned())))
    }

    fn text(&self) -> String {
        self.0.lock().unwrap().join("\n")
    }
}

fn pdf() -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    bytes.extend((0..=255u8).cycle().take(3000));
    bytes
}

fn email(to: &str) -> Message {
    Message {
        recipient: Recipient::parse(DeliveryChannel::Email, to).unwrap(),
        subject: "Payments brief for Mateo — week 10".into(),
        text_body: "# On track\n\nCheckout v2: P85 2026-04-10.\n".into(),
        html_body: "<h1>On track</h1><p>Checkout v2: P85 2026-04-10.</p>".into(),
        attachments: vec![Attachment { name: "brief.pdf".into(), mime_type: "application/pdf".into(), content: pdf() }],
        about: Some(("brief".into(), 3)),
    }
}

fn webhook(url: &str) -> Message {
    Message {
        recipient: Recipient::parse(DeliveryChannel::Webhook, url).unwrap(),
        subject: "Payments brief".into(),
        text_body: "**On track**: 3 initiatives, 1 at risk".into(),
        html_body: String::new(),
        attachments: vec![],
        about: Some(("brief".into(), 4)),
    }
}

fn at(time: OffsetDateTime) -> impl Fn() -> OffsetDateTime + Sync {
    move || time
}

async fn view(store: &Store, id: i64, policy: RetryPolicy) -> DeliveryView {
    DeliveryView::of(&store.delivery(id).await.unwrap().unwrap(), policy.max_attempts)
}

async fn an_email_goes_over_starttls_with_login_as_text_html_and_attachment(db_url: String) {
    let Some(server) = SmtpServer::start() else { return };
    let store = Store::connect(&db_url).await.unwrap();
    let id = outbox::enqueue(&store, &email("mateo@example.com"), T0).await.unwrap();
    let logs = Logs::default();
    let deliverer = logs.deliverer(&store, server.config(PASSWORD, true), RetryPolicy::default());
    assert_eq!(deliverer.run_due(&at(T0)).await.unwrap(), 1);

    let shown = view(&store, id, RetryPolicy::default()).await;
    assert_eq!(shown.status, "sent", "{shown:?}");
    assert_eq!(shown.status_text, "sent 2026-03-02 09:00 UTC");
    assert_eq!(shown.last_error, None);

    let received = server.received();
    assert_eq!(received.len(), 1);
    let mail = &received[0];
    assert_eq!(mail["tls"], true, "sent after STARTTLS");
    assert_eq!(mail["login"], USER);
    assert_eq!(mail["mail_from"], "leadup@example.com");
    assert_eq!(mail["rcpt_tos"], serde_json::json!(["mateo@example.com"]));
    assert_eq!(mail["subject"], "Payments brief for Mateo — week 10");
    assert_eq!(mail["from"], "leadup <leadup@example.com>");
    assert_eq!(mail["to"], "mateo@example.com");
    assert_eq!(
        mail["structure"],
        serde_json::json!(["multipart/mixed", "multipart/alternative", "text/plain", "text/html", "application/pdf"])
    );
    let part = |n: usize| -> (String, Option<String>, Vec<u8>) {
        let p = &mail["parts"][n];
        (
            p["content_type"].as_str().unwrap().to_owned(),
            p["filename"].as_str().map(str::to_owned),
            base64::engine::general_purpose::STANDARD.decode(p["base64"].as_str().unwrap()).unwrap(),
        )
    };
    let (kind, _, text) = part(0);
    assert_eq!(kind, "text/plain");
    assert_eq!(String::from_utf8(text).unwrap().replace("\r\n", "\n"), "# On track\n\nCheckout v2: P85 2026-04-10.\n");
    let (kind, _, html) = part(1);
    assert_eq!(kind, "text/html");
    assert_eq!(String::from_utf8(html).unwrap().trim_end(), "<h1>On track</h1><p>Checkout v2: P85 2026-04-10.</p>");
    assert_eq!(part(2), ("application/pdf".into(), Some("brief.pdf".into()), pdf()), "the attachment's bytes");
    assert!(logs.text().contains(&format!("delivery {id} to mateo@example.com sent")), "{}", logs.text());
}

async fn a_wrong_password_fails_the_delivery_with_a_clear_error_and_no_secret(db_url: String) {
    let Some(server) = SmtpServer::start() else { return };
    let store = Store::connect(&db_url).await.unwrap();
    let id = outbox::enqueue(&store, &email("mateo@example.com"), T0).await.unwrap();
    let logs = Logs::default();
    let wrong = "Wr0ng-Passw0rd-for-the-test";
    let deliverer = logs.deliverer(&store, server.config(wrong, true), RetryPolicy::default());
    assert_eq!(deliverer.run_due(&at(T0)).await.unwrap(), 1);

    let shown = view(&store, id, RetryPolicy::default()).await;
    assert_eq!(shown.status, "failed", "a rejected login is not retried: {shown:?}");
    assert_eq!(shown.status_text, "failed after 1 attempt");
    let error = shown.last_error.unwrap();
    assert!(error.contains(&format!("refused the login of '{USER}'")), "{error}");
    assert!(error.contains("535"), "{error}");
    let attempts = store.delivery_attempts(id).await.unwrap();
    assert_eq!(attempts.len(), 1);
    assert_eq!(attempts[0].error.as_deref(), Some(error.as_str()));
    let plain = base64::engine::general_purpose::STANDARD.encode(format!("\0{USER}\0{wrong}"));
    for text in [error.as_str(), logs.text().as_str()] {
        assert!(!text.contains(wrong) && !text.contains(&plain), "a secret leaked: {text}");
    }
    assert!(server.received().is_empty());
}

async fn a_server_certificate_from_an_untrusted_ca_is_refused(db_url: String) {
    let Some(server) = SmtpServer::start() else { return };
    let store = Store::connect(&db_url).await.unwrap();
    let id = outbox::enqueue(&store, &email("mateo@example.com"), T0).await.unwrap();
    let deliverer = Logs::default().deliverer(&store, server.config(PASSWORD, false), RetryPolicy::default());
    deliverer.run_due(&at(T0)).await.unwrap();
    let shown = view(&store, id, RetryPolicy::default()).await;
    assert_eq!(shown.status, "retrying", "{shown:?}");
    assert!(shown.last_error.as_deref().unwrap().contains("TLS with the SMTP server 127.0.0.1"), "{shown:?}");
    assert!(server.received().is_empty(), "nothing sent to a server that could not prove who it is");
}

async fn a_failing_webhook_is_retried_with_back_off_and_survives_a_restart(db_url: String) {
    let hook = receiver(2, StatusCode::INTERNAL_SERVER_ERROR).await;
    let policy = RetryPolicy::default();
    let logs = Logs::default();
    let id = {
        let store = Store::connect(&db_url).await.unwrap();
        let id = outbox::enqueue(&store, &webhook(&hook.url()), T0).await.unwrap();
        let deliverer = logs.deliverer(&store, DeliveryConfig::default(), policy);
        assert_eq!(deliverer.run_due(&at(T0)).await.unwrap(), 1);
        let shown = view(&store, id, policy).await;
        assert_eq!(shown.status, "retrying");
        assert_eq!(shown.next_attempt_at, Some(T0 + Duration::minutes(1)));
        assert_eq!(shown.status_text, "failed, retrying at 2026-03-02 09:01 UTC (attempt 1 of 8 failed)");
        assert_eq!(
            shown.last_error.as_deref(),
            Some("the webhook at 127.0.0.1 answered 500 Internal Server Error: boom")
        );
        assert_eq!(shown.recipient, "webhook at 127.0.0.1");
        store.close().await;
        id
    };

    // The server restarts: a new store and a new worker find the delivery where it was.
    let store = Store::connect(&db_url).await.unwrap();
    let deliverer = logs.deliverer(&store, DeliveryConfig::default(), policy);
    assert_eq!(deliverer.run_due(&at(T0 + Duration::seconds(59))).await.unwrap(), 0, "not due yet");
    assert_eq!(deliverer.run_due(&at(T0 + Duration::minutes(1))).await.unwrap(), 1);
    let shown = view(&store, id, policy).await;
    assert_eq!(shown.next_attempt_at, Some(T0 + Duration::minutes(3)), "the wait doubled");
    assert_eq!(deliverer.run_due(&at(T0 + Duration::minutes(3))).await.unwrap(), 1);
    let shown = view(&store, id, policy).await;
    assert_eq!(shown.status, "sent", "{shown:?}");
    assert_eq!(shown.attempts, 3);

    let requests = hook.requests.lock().unwrap().clone();
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[2].0, SECRET_PATH);
    assert_eq!(
        requests[2].1,
        serde_json::json!({"text": "*Payments brief*\n\n**On track**: 3 initiatives, 1 at risk"})
    );
    let attempts = store.delivery_attempts(id).await.unwrap();
    let outcomes: Vec<Option<&str>> = attempts.iter().map(|a| a.error.as_deref()).collect();
    let boom = "the webhook at 127.0.0.1 answered 500 Internal Server Error: boom";
    assert_eq!(outcomes, vec![Some(boom), Some(boom), None]);
    let log = logs.text();
    assert!(log.contains("retrying at"), "{log}");
    assert!(!log.contains("s3cr3t") && !log.contains(SECRET_PATH), "the webhook URL is a secret: {log}");
}

async fn a_webhook_that_keeps_failing_is_failed_after_the_last_attempt_and_can_be_retried(db_url: String) {
    let hook = receiver(3, StatusCode::SERVICE_UNAVAILABLE).await;
    let policy = RetryPolicy { first_delay: Duration::seconds(10), max_delay: Duration::seconds(15), max_attempts: 3 };
    let store = Store::connect(&db_url).await.unwrap();
    let id = outbox::enqueue(&store, &webhook(&hook.url()), T0).await.unwrap();
    let metrics = Metrics::default();
    let deliverer = Logs::default().deliverer(&store, DeliveryConfig::default(), policy).with_metrics(metrics.clone());
    let mut now = T0;
    for wait in [10, 15] {
        deliverer.run_due(&at(now)).await.unwrap();
        now += Duration::seconds(wait);
        assert_eq!(view(&store, id, policy).await.next_attempt_at, Some(now), "back-off capped at 15 s");
    }
    deliverer.run_due(&at(now)).await.unwrap();
    let shown = view(&store, id, policy).await;
    assert_eq!((shown.status, shown.status_text.as_str()), ("failed", "failed after 3 attempts"));
    assert!(shown.failed());
    assert_eq!(deliverer.run_due(&at(now + Duration::days(1))).await.unwrap(), 0, "failed stays failed");
    assert_eq!(hook.count(), 3);

    outbox::retry(&store, id, now + Duration::days(1)).await.unwrap();
    assert_eq!(deliverer.run_due(&at(now + Duration::days(1))).await.unwrap(), 1);
    assert_eq!(view(&store, id, policy).await.status, "sent");
    let listed = outbox::deliveries_about(&store, "brief", 4, policy.max_attempts).await.unwrap();
    assert_eq!(listed.iter().map(|d| (d.id, d.status)).collect::<Vec<_>>(), vec![(id, "sent")]);
    assert_eq!(store.delivery_attempts(id).await.unwrap().len(), 4);
    let scrape = metrics.render();
    for line in [
        "leadup_delivery_attempts_total{outcome=\"sent\"} 1",
        "leadup_delivery_attempts_total{outcome=\"retry\"} 2",
        "leadup_delivery_attempts_total{outcome=\"failed\"} 1",
    ] {
        assert!(scrape.lines().any(|l| l == line), "{line} in\n{scrape}");
    }
}

async fn a_webhook_that_refuses_the_request_fails_at_once(db_url: String) {
    let hook = receiver(1, StatusCode::NOT_FOUND).await;
    let store = Store::connect(&db_url).await.unwrap();
    let id = outbox::enqueue(&store, &webhook(&hook.url()), T0).await.unwrap();
    Logs::default()
        .deliverer(&store, DeliveryConfig::default(), RetryPolicy::default())
        .run_due(&at(T0))
        .await
        .unwrap();
    let delivery = store.delivery(id).await.unwrap().unwrap();
    assert_eq!(delivery.status, DeliveryStatus::Failed);
    assert_eq!(delivery.last_error.as_deref(), Some("the webhook at 127.0.0.1 answered 404 Not Found: boom"));
}

/// Without an SMTP server configured, e-mails wait in the outbox and say why.
#[tokio::test]
async fn an_email_without_a_configured_server_waits_and_says_why() {
    let db = leadup_store::testing::TestDatabase::sqlite();
    let store = Store::connect(&db.url).await.unwrap();
    let id = outbox::enqueue(&store, &email("mateo@example.com"), T0).await.unwrap();
    Logs::default()
        .deliverer(&store, DeliveryConfig::default(), RetryPolicy::default())
        .run_due(&at(T0))
        .await
        .unwrap();
    let delivery = store.delivery(id).await.unwrap().unwrap();
    assert_eq!(delivery.status, DeliveryStatus::Retrying);
    assert!(delivery.last_error.unwrap().contains("no SMTP server is configured"));
}

#[tokio::test]
async fn bad_messages_are_refused_naming_the_field_and_nothing_is_stored() {
    let db = leadup_store::testing::TestDatabase::sqlite();
    let store = Store::connect(&db.url).await.unwrap();
    let mut message = email("mateo@example.com");
    message.subject = String::new();
    let error = outbox::enqueue(&store, &message, T0).await.unwrap_err();
    assert!(error.to_string().contains("subject"), "{error}");
    assert!(store.deliveries(None, 10).await.unwrap().is_empty());
}

async fn an_https_webhook_is_posted_to_when_its_ca_is_trusted_and_refused_otherwise(db_url: String) {
    let dir = tempfile::tempdir().unwrap();
    let Some(acceptor) = tls_acceptor(dir.path()) else { return };
    let hook = receiver_over(0, StatusCode::OK, Some(acceptor)).await;
    let url = format!("https://{}{SECRET_PATH}", hook.address);
    let store = Store::connect(&db_url).await.unwrap();
    let policy = RetryPolicy::default();
    let logs = Logs::default();

    let untrusted = outbox::enqueue(&store, &webhook(&url), T0).await.unwrap();
    logs.deliverer(&store, DeliveryConfig::default(), policy).run_due(&at(T0)).await.unwrap();
    let shown = view(&store, untrusted, policy).await;
    assert_eq!(shown.status, "retrying", "{shown:?}");
    let error = shown.last_error.unwrap();
    assert!(error.starts_with("TLS with the webhook at 127.0.0.1 failed"), "{error}");
    assert!(error.contains("UnknownIssuer"), "{error}");
    assert_eq!(hook.count(), 0, "nothing posted to a server that could not prove who it is");

    let config = DeliveryConfig {
        extra_roots: DeliveryConfig::read_extra_roots(&dir.path().join("ca.pem")).unwrap(),
        ..DeliveryConfig::default()
    };
    let later = T0 + Duration::minutes(1);
    logs.deliverer(&store, config, policy).run_due(&at(later)).await.unwrap();
    assert_eq!(view(&store, untrusted, policy).await.status, "sent");
    assert_eq!(hook.count(), 1);
    assert_eq!(hook.requests.lock().unwrap()[0].0, SECRET_PATH);
    assert!(!logs.text().contains("s3cr3t"), "{}", logs.text());
}
