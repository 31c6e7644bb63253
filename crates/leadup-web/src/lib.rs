//! leadup's web server: server-rendered HTML pages with SVG charts drawn on the server,
//! and the JSON API under `/api/v1/` described by `/api/openapi.json`.
//!
//! Handlers are thin: they parse input into core types, call the store, and render. The
//! same store calls back the pages, the API and the command line, so the three always agree.

pub mod accounts;
mod api;
mod assets;
pub mod auth;
pub mod brief;
mod charts;
mod error;
pub mod evidence_imports;
pub mod health;
pub mod imports;
mod observe;
mod pages;
mod priorities;
pub mod proposals;
pub mod routes;
mod server;
mod upload;
mod views;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::middleware::from_fn_with_state;
use leadup_app::delivery::DeliveryConfig;
use leadup_app::delivery::worker::Deliverer;
use leadup_app::metrics::Metrics;
use leadup_app::refresher::Refresher;
use leadup_app::snapshots::refresh_all;
use leadup_store::Store;
use time::{Date, OffsetDateTime};

pub use error::AppError;
pub use server::{ServerLimits, serve_app};

/// What every handler can reach.
#[derive(Clone, Debug)]
pub struct AppState {
    store: Store,
    today: Option<Date>,
    now: Option<i64>,
    session_limits: auth::SessionLimits,
    throttle: auth::Throttle,
    refresher: Refresher,
    deliverer: Deliverer,
    metrics: Metrics,
    readiness: health::Readiness,
    trusted_proxies: Arc<[std::net::IpAddr]>,
}

impl AppState {
    /// State over `store`, with today's date from the system clock (UTC).
    pub fn new(store: Store) -> Self {
        let metrics = Metrics::default();
        Self {
            today: None,
            now: None,
            session_limits: auth::SessionLimits::default(),
            throttle: auth::Throttle::default().with_metrics(metrics.clone()),
            refresher: Refresher::default().with_metrics(metrics.clone()),
            deliverer: Deliverer::new(store.clone(), DeliveryConfig::default()).with_metrics(metrics.clone()),
            store,
            metrics,
            readiness: health::Readiness::default(),
            trusted_proxies: Arc::new([]),
        }
    }

    /// The metrics every request, refresh, delivery and import of this state is counted in.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// Sends e-mails and webhook posts with `config` (the SMTP server, extra CAs, time-out).
    #[must_use]
    pub fn with_delivery(mut self, config: DeliveryConfig) -> Self {
        self.deliverer = Deliverer::new(self.store.clone(), config).with_metrics(self.metrics.clone());
        self
    }

    /// Where the server stands, as `/readyz` answers (the server sets it; tests may too).
    pub fn readiness(&self) -> &health::Readiness {
        &self.readiness
    }

    /// The delivery worker's handle: wake it after queueing a message.
    pub fn deliverer(&self) -> &Deliverer {
        &self.deliverer
    }

    /// Recomputes every team's stored initiative forecasts now, as of the state's clock (the
    /// server does this in the background; tests call it to make the stored forecasts current).
    pub async fn refresh_forecasts(&self) -> Result<usize, leadup_app::forecasts::ForecastFailure> {
        let now = self.clock();
        refresh_all(&self.store, now.date(), now).await
    }

    /// Tells the background worker that team `team_id`'s forecasts' inputs changed.
    fn forecasts_changed(&self, team_id: i64) {
        self.refresher.team_changed(team_id);
    }

    /// The current time, on the pinned day when "today" is pinned.
    fn clock(&self) -> OffsetDateTime {
        let now = OffsetDateTime::from_unix_timestamp(self.now()).unwrap_or_else(|_| OffsetDateTime::now_utc());
        self.today.map_or(now, |today| now.replace_date(today))
    }

    /// Trusts `proxies` (the load balancer's addresses) to say in `X-Forwarded-For` which
    /// client a request came from, which the sign-in throttle counts by.
    #[must_use]
    pub fn with_trusted_proxies(mut self, proxies: Vec<std::net::IpAddr>) -> Self {
        self.trusted_proxies = proxies.into();
        self
    }

    /// Sets how long sessions last.
    #[must_use]
    pub fn with_session_limits(mut self, limits: auth::SessionLimits) -> Self {
        self.session_limits = limits;
        self
    }

    /// Pins the clock that sessions, tokens and share links are timed by to `unix_seconds`,
    /// so that their expiry can be tested.
    #[must_use]
    pub fn with_now(mut self, unix_seconds: i64) -> Self {
        self.now = Some(unix_seconds);
        self
    }

    /// The current time as Unix seconds.
    fn now(&self) -> i64 {
        self.now.unwrap_or_else(|| OffsetDateTime::now_utc().unix_timestamp())
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

    /// User `user_id` acting now, as the store records who did something and when.
    fn actor(&self, user_id: i64) -> leadup_store::Actor {
        let at = OffsetDateTime::from_unix_timestamp(self.now()).unwrap_or_else(|_| OffsetDateTime::now_utc());
        leadup_store::Actor::new(user_id, at)
    }
}

/// The whole application: pages, API, OpenAPI document, static assets, `/healthz` and `/readyz`.
/// Every route is guarded by its rule (see [`routes`]); who is asking is found first, by
/// [`auth::authenticate`]; every request is logged once answered (`observe`).
pub fn app(state: AppState) -> Router {
    let (pages, _) = pages::routes(&state).finish();
    let (api, _) = api::routes(&state).finish();
    Router::new()
        .merge(pages)
        .nest("/api/v1", api.fallback(|| async { AppError::NotFound("no such API route".to_owned()) }))
        .fallback(pages::not_found)
        .layer(from_fn_with_state(state.clone(), auth::authenticate))
        .layer(from_fn_with_state(state.clone(), observe::observe))
        .with_state(state)
}

/// How the server stops when told to (Ctrl-C or SIGTERM).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Drain {
    /// How long it goes on serving, `/readyz` answering 503, so that a load balancer checking
    /// it stops sending requests before it stops accepting them.
    pub delay: std::time::Duration,
    /// How long it then waits at most for the requests in flight to finish.
    pub timeout: std::time::Duration,
}

impl Default for Drain {
    /// No delay; 30 seconds for the requests in flight.
    fn default() -> Self {
        Self { delay: std::time::Duration::ZERO, timeout: std::time::Duration::from_secs(30) }
    }
}

/// Serves the application on `listener` within the default [`ServerLimits`] until Ctrl-C or
/// SIGTERM, then drains as `drain` says: `/readyz` answers 503 at once, new connections are
/// accepted for `drain.delay` more, then none, and the requests in flight get `drain.timeout`
/// to finish. The stored forecasts and dashboards are kept fresh in the background meanwhile
/// (the day's work once across every server on the database). With a `metrics` listener,
/// `GET /metrics` is served on it (and only there: the application's listener answers it 404).
pub async fn serve(
    listener: tokio::net::TcpListener,
    metrics: Option<tokio::net::TcpListener>,
    state: AppState,
    drain: Drain,
) -> std::io::Result<()> {
    if let Some(metrics) = metrics {
        let app = observe::metrics_app(state.metrics.clone());
        tokio::spawn(async move {
            if let Err(error) = serve_app(metrics, app, ServerLimits::default(), shutdown_signal()).await {
                tracing::error!(%error, "the metrics listener failed");
            }
        });
    }
    let clock = state.clone();
    let refresher = state.refresher.clone().with_deliverer(state.deliverer.clone());
    tokio::spawn(refresher.run(state.store.clone(), move || clock.clock()));
    let clock = state.clone();
    tokio::spawn(state.deliverer.clone().run(move || clock.clock()));
    let readiness = state.readiness.clone();
    let stopping = async move {
        shutdown_signal().await;
        readiness.draining();
        tracing::info!(delay_s = drain.delay.as_secs_f64(), timeout_s = drain.timeout.as_secs_f64(), "draining");
        tokio::time::sleep(drain.delay).await;
    };
    state.readiness.serving();
    let limits = ServerLimits { drain_timeout: drain.timeout, ..ServerLimits::default() }.within_open_files();
    serve_app(listener, app(state), limits, stopping).await
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
