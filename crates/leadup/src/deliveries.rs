//! `leadup deliveries list|retry|send|test`, and the delivery settings `leadup serve` shares:
//! flags and environment turned into a `DeliveryConfig`.

use std::sync::Arc;

use anyhow::Context;
use leadup_app::delivery::config::Secret;
use leadup_app::delivery::outbox;
use leadup_app::delivery::worker::{Deliverer, RetryPolicy};
use leadup_app::delivery::{DeliveryConfig, Message, Recipient, SmtpConfig, SmtpTls};
use leadup_core::ValidationErrors;
use leadup_store::{DeliveryChannel, Store};
use time::OffsetDateTime;

use crate::cli::{DeliveriesCommand, DeliveryArgs};
use crate::output;

/// The environment variable holding the SMTP password (never a flag: `ps` shows flags).
pub const PASSWORD_VAR: &str = "LEADUP_SMTP_PASSWORD";

/// The delivery settings of `args` and the environment, checked.
pub fn config(args: &DeliveryArgs) -> anyhow::Result<DeliveryConfig> {
    let extra_roots = match &args.delivery_ca_file {
        Some(path) => {
            DeliveryConfig::read_extra_roots(path).map_err(|e| ValidationErrors::single("--delivery-ca-file", e))?
        }
        None => Vec::new(),
    };
    let smtp = match &args.smtp_host {
        None => None,
        Some(host) => {
            let from = args.smtp_from.as_deref().ok_or_else(|| {
                ValidationErrors::single("--smtp-from", "is needed with --smtp-host (the sender of e-mails)")
            })?;
            let from = from
                .parse()
                .map_err(|_| ValidationErrors::single("--smtp-from", format!("'{from}' is not an e-mail address")))?;
            let password = match &args.smtp_password_file {
                Some(path) => {
                    let text = std::fs::read_to_string(path)
                        .with_context(|| format!("cannot read the SMTP password file {}", path.display()))?;
                    Some(text.lines().next().unwrap_or_default().to_owned())
                }
                None => std::env::var(PASSWORD_VAR).ok(),
            };
            let tls = match args.smtp_tls.as_str() {
                "tls" => SmtpTls::Tls,
                "none" => SmtpTls::None,
                _ => SmtpTls::Starttls,
            };
            let smtp = SmtpConfig {
                host: host.clone(),
                port: args.smtp_port,
                username: args.smtp_username.clone(),
                password: password.filter(|p| !p.is_empty()).map(Secret::new),
                from,
                tls,
            };
            smtp.check().map_err(|e| ValidationErrors::single("smtp", e))?;
            Some(smtp)
        }
    };
    Ok(DeliveryConfig { smtp, extra_roots, timeout: std::time::Duration::from_secs(args.delivery_timeout.max(1)) })
}

/// `leadup deliveries ...`
pub async fn deliveries(store: &Store, command: DeliveriesCommand) -> anyhow::Result<()> {
    let max_attempts = RetryPolicy::default().max_attempts;
    match command {
        DeliveriesCommand::List { about, format } => {
            let shown = match about.as_deref() {
                Some(about) => {
                    let (kind, id) = parse_about(about)?;
                    outbox::deliveries_about(store, kind, id, max_attempts).await?
                }
                None => outbox::latest(store, max_attempts).await?,
            };
            if format.json {
                return output::json(&shown);
            }
            if shown.is_empty() {
                return output::line("no deliveries yet");
            }
            let rows: Vec<Vec<String>> = shown
                .iter()
                .map(|d| {
                    vec![
                        d.id.to_string(),
                        d.recipient.clone(),
                        d.subject.clone(),
                        d.status_text.clone(),
                        d.last_error.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            output::table(&["ID", "TO", "SUBJECT", "STATUS", "LAST ERROR"], &rows)
        }
        DeliveriesCommand::Retry { id } => {
            outbox::retry(store, id, OffsetDateTime::now_utc()).await?;
            output::line(&format!("delivery {id} queued again; `leadup serve` or `leadup deliveries send` sends it"))
        }
        DeliveriesCommand::Send(args) => {
            let attempts = deliverer(store, &args)?.run_due(&OffsetDateTime::now_utc).await?;
            output::line(&format!("{attempts} attempt(s) made; `leadup deliveries list` shows the outcome"))
        }
        DeliveriesCommand::Test { to, delivery } => {
            let deliverer = deliverer(store, &delivery)?;
            let message = Message {
                recipient: Recipient::parse(DeliveryChannel::Email, &to)?,
                subject: "leadup test e-mail".into(),
                text_body: "This is a test e-mail from leadup: the SMTP settings work.\n".into(),
                html_body: "<p>This is a test e-mail from leadup: the SMTP settings work.</p>".into(),
                attachments: Vec::new(),
                about: None,
            };
            let id = outbox::enqueue(store, &message, OffsetDateTime::now_utc()).await?;
            deliverer.run_due(&OffsetDateTime::now_utc).await?;
            let delivery = store.delivery(id).await?.context("the test delivery vanished")?;
            let shown = outbox::DeliveryView::of(&delivery, max_attempts);
            match shown.last_error {
                Some(error) if !shown.status.starts_with("sent") => {
                    anyhow::bail!("delivery {id} to {to} {}: {error}", shown.status_text)
                }
                _ => output::line(&format!("delivery {id} to {to}: {}", shown.status_text)),
            }
        }
    }
}

/// `leadup brief send ID`: queues the stored brief for its executive, sends what is due now
/// and says how its delivery went.
pub async fn send_brief(store: &Store, id: i64, args: &DeliveryArgs) -> anyhow::Result<()> {
    let deliverer = deliverer(store, args)?;
    let delivery = leadup_app::brief::send::send(store, id, OffsetDateTime::now_utc()).await?;
    deliverer.run_due(&OffsetDateTime::now_utc).await?;
    let stored = store.delivery(delivery).await?.context("the brief's delivery vanished")?;
    let shown = outbox::DeliveryView::of(&stored, RetryPolicy::default().max_attempts);
    match shown.last_error {
        Some(error) if !shown.status.starts_with("sent") => {
            anyhow::bail!("brief {id}, delivery {delivery} to {}: {}: {error}", shown.recipient, shown.status_text)
        }
        _ => output::line(&format!("brief {id}, delivery {delivery} to {}: {}", shown.recipient, shown.status_text)),
    }
}

fn deliverer(store: &Store, args: &DeliveryArgs) -> anyhow::Result<Deliverer> {
    Ok(Deliverer::new(store.clone(), config(args)?).with_log(Arc::new(|line| eprintln!("{line}"))))
}

/// `KIND:ID`, or an error naming `--about`.
fn parse_about(text: &str) -> Result<(&str, i64), ValidationErrors> {
    text.split_once(':')
        .and_then(|(kind, id)| Some((kind, id.parse().ok()?)))
        .filter(|(kind, _)| !kind.is_empty())
        .ok_or_else(|| ValidationErrors::single("--about", format!("'{text}' is not KIND:ID, e.g. brief:3")))
}
