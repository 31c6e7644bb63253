//! Health checks for a load balancer or an orchestrator, unauthenticated and cheap:
//! `/healthz` says whether this server can reach its database (a trivial query, given a few
//! seconds), `/readyz` whether it should be sent requests: not before it serves (its
//! migrations are applied before it listens), not while it drains after SIGTERM, and not while
//! its database is unreachable. Each answers 200 with a word, or 503 with the reason.

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::AppState;

/// How long the database gets to answer a health check.
const PING_TIMEOUT: Duration = Duration::from_secs(3);

/// Where the server stands, shared by its handlers and its shutdown; cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Readiness(Arc<AtomicU8>);

const SERVING: u8 = 1;
const DRAINING: u8 = 2;

impl Readiness {
    /// The server is serving: `/readyz` answers 200 while the database answers.
    pub fn serving(&self) {
        self.0.store(SERVING, Ordering::SeqCst);
    }

    /// The server drains (it was told to stop): `/readyz` answers 503 from now on.
    pub fn draining(&self) {
        self.0.store(DRAINING, Ordering::SeqCst);
    }

    fn refusal(&self) -> Option<&'static str> {
        match self.0.load(Ordering::SeqCst) {
            SERVING => None,
            DRAINING => Some("draining: this server is stopping"),
            // The default, until the server serves.
            _ => Some("starting: this server is not serving yet"),
        }
    }
}

fn answer(status: StatusCode, text: String) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response()
}

/// Whether the database answers, or why not.
async fn database(state: &AppState) -> Result<(), String> {
    match tokio::time::timeout(PING_TIMEOUT, state.store.ping()).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(error)) => Err(format!("database unreachable: {error}")),
        Err(_) => Err(format!("database unreachable: no answer within {} seconds", PING_TIMEOUT.as_secs())),
    }
}

/// `GET /healthz`: `ok`, or 503 naming why the database cannot be reached.
pub(crate) async fn healthz(State(state): State<AppState>) -> Response {
    match database(&state).await {
        Ok(()) => answer(StatusCode::OK, "ok".to_owned()),
        Err(reason) => answer(StatusCode::SERVICE_UNAVAILABLE, reason),
    }
}

/// `GET /readyz`: `ready`, or 503 while starting, draining or without its database.
pub(crate) async fn readyz(State(state): State<AppState>) -> Response {
    if let Some(reason) = state.readiness.refusal() {
        return answer(StatusCode::SERVICE_UNAVAILABLE, reason.to_owned());
    }
    match database(&state).await {
        Ok(()) => answer(StatusCode::OK, "ready".to_owned()),
        Err(reason) => answer(StatusCode::SERVICE_UNAVAILABLE, reason),
    }
}
