//! leadup's web server: server-rendered HTML pages with SVG charts drawn on the server,
//! and the JSON API under `/api/v1/` described by `/api/openapi.json`.
//!
//! Handlers are thin: they parse input into core types, call the store, and render. The
//! same store calls back the pages, the API and the command line, so the three always agree.

mod api;
mod charts;
pub mod dashboard;
mod error;
pub mod forecasts;
pub mod impact;
pub mod imports;
mod pages;
pub mod progress;
mod views;

use std::net::SocketAddr;

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use leadup_store::Store;
use time::{Date, OffsetDateTime};

pub use error::AppError;

/// What every handler can reach.
#[derive(Clone, Debug)]
pub struct AppState {
    store: Store,
    today: Option<Date>,
}

impl AppState {
    /// State over `store`, with today's date from the system clock (UTC).
    pub fn new(store: Store) -> Self {
        Self { store, today: None }
    }

    /// Pins "today" to `date`, so that pages drawn relative to today are reproducible.
    #[must_use]
    pub fn with_today(mut self, date: Date) -> Self {
        self.today = Some(date);
        self
    }

    fn today(&self) -> Date {
        self.today.unwrap_or_else(|| OffsetDateTime::now_utc().date())
    }
}

/// The whole application: pages, API, OpenAPI document, static assets and `/healthz`.
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(pages::routes())
        .nest("/api/v1", api::routes())
        .route("/api/openapi.json", get(api::openapi))
        .route("/assets/style.css", get(stylesheet))
        .route("/healthz", get(|| async { "ok" }))
        .fallback(pages::not_found)
        .with_state(state)
}

async fn stylesheet() -> impl IntoResponse {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "max-age=300")],
        include_str!("../assets/style.css"),
    )
}

/// Serves the application on `listener` until Ctrl-C or SIGTERM, then finishes the
/// requests in flight.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    axum::serve(listener, app(state)).with_graceful_shutdown(shutdown_signal()).await
}

/// Binds `addr`, so the caller can report the address before serving.
pub async fn bind(addr: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(addr).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
