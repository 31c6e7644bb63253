//! `leadup serve` and `leadup demo`: start the web server on a store.

use std::time::Duration;

use anyhow::Context;
use leadup_store::{Store, redact};
use leadup_web::AppState;
use time::OffsetDateTime;

use crate::cli::ServeArgs;
use crate::demo;

/// Serves an existing workspace.
pub async fn serve(store: &Store, database_url: &str, args: ServeArgs) -> anyhow::Result<()> {
    crate::logging::init(&args.logs);
    if store.workspace().await?.is_none() {
        anyhow::bail!(
            "{} holds no workspace yet: run `leadup init --name NAME` first, or `leadup demo` for a demo",
            redact(database_url)
        );
    }
    run(store, database_url, args).await
}

/// Creates the demo workspace in an empty database, then serves.
pub async fn demo(store: &Store, database_url: &str, args: ServeArgs) -> anyhow::Result<()> {
    crate::logging::init(&args.logs);
    if store.workspace().await?.is_none() {
        let users = demo::seed(store, OffsetDateTime::now_utc().date()).await.context("creating the demo workspace")?;
        eprintln!("leadup: created the demo workspace in {}", redact(database_url));
        eprintln!("leadup: demo users (passwords are shown only now):");
        let width = users.iter().map(|u| u.email.len()).max().unwrap_or(0);
        for user in &users {
            eprintln!("leadup:   {:width$}  {}  ({})", user.email, user.password, user.roles);
        }
    } else {
        eprintln!("leadup: {} already holds a workspace; serving it unchanged", redact(database_url));
        if !store.users().await?.is_empty() {
            eprintln!(
                "leadup: the demo users' passwords were printed when it was created; \
                 `leadup user password EMAIL` sets a new one"
            );
        }
    }
    run(store, database_url, args).await
}

async fn run(store: &Store, database_url: &str, args: ServeArgs) -> anyhow::Result<()> {
    if store.users().await?.is_empty() {
        // There are no default accounts: say how to make the first one.
        eprintln!(
            "leadup: nobody can sign in yet: add the first administrator with \
             `leadup user add EMAIL --name NAME --admin`"
        );
    }
    // Settings are checked before listening, so a mistake stops the start with its flag named.
    let delivery = crate::deliveries::config(&args.delivery)?;
    let listener = leadup_web::bind(args.bind).await.with_context(|| format!("cannot listen on {}", args.bind))?;
    let address = listener.local_addr()?;
    let metrics = match args.metrics_listen {
        Some(addr) => {
            Some(leadup_web::bind(addr).await.with_context(|| format!("--metrics-listen: cannot listen on {addr}"))?)
        }
        None => None,
    };
    eprintln!("leadup: serving {} on http://{address}/ (Ctrl-C stops)", redact(database_url));
    if let Some(metrics) = &metrics {
        // After the address served, which scripts and tests read as the first address.
        eprintln!("leadup: Prometheus metrics at {}/metrics (this address only)", metrics.local_addr()?);
    }
    match &delivery.smtp {
        Some(smtp) => eprintln!(
            "leadup: e-mail goes through {}:{} ({}) as {}",
            smtp.host,
            smtp.port,
            smtp.tls.as_str(),
            smtp.from
        ),
        None => eprintln!("leadup: no SMTP server configured (--smtp-host): e-mails wait in the outbox"),
    }
    let state = AppState::new(store.clone()).with_delivery(delivery).with_trusted_proxies(args.trusted_proxies);
    let drain = leadup_web::Drain {
        delay: Duration::from_secs(args.drain_delay),
        timeout: Duration::from_secs(args.drain_timeout),
    };
    leadup_web::serve(listener, metrics, state, drain).await.context("the web server failed")?;
    eprintln!("leadup: stopped");
    Ok(())
}
