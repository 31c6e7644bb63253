//! Observing each request: one log event when it is answered, with its method, the route
//! template it matched (`/api/v1/teams/{id}`, never the path as sent nor its query string),
//! its status, its latency in milliseconds and the signed-in user's id; and its count and
//! latency in the [`Metrics`], which [`metrics_app`] serves to Prometheus on a listener of
//! its own.
//!
//! Nothing secret is ever logged: no header, cookie, query string, body or form field is read
//! here, only the method, the template, the status and the user's id.

use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use leadup_app::metrics::Metrics;

use crate::AppState;

/// The route of a request that matched none: one value, so that unknown paths cannot fill a
/// log index or the metrics with a value per path.
pub(crate) const UNMATCHED: &str = "(unmatched)";

/// The user a request was made by, put into the response's extensions by
/// [`crate::auth::authenticate`] so that the log can name them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SignedIn(pub(crate) i64);

/// Logs `request` once answered (target `leadup::http`, level info; a 5xx at error) and
/// counts it in the state's metrics.
pub(crate) async fn observe(
    State(state): State<AppState>,
    matched: Option<MatchedPath>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = route(matched.as_ref());
    let response = next.run(request).await;
    let elapsed = started.elapsed();
    let latency_ms = (elapsed.as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0;
    let status = response.status().as_u16();
    state.metrics.record_request(method.as_str(), &route, status, elapsed);
    let user_id = response.extensions().get::<SignedIn>().map(|user| user.0);
    if response.status().is_server_error() {
        tracing::error!(target: "leadup::http", method = %method, route = route.as_str(), status, latency_ms, user_id, "request");
    } else {
        tracing::info!(target: "leadup::http", method = %method, route = route.as_str(), status, latency_ms, user_id, "request");
    }
    response
}

/// The route template `matched`, or [`UNMATCHED`]; a nested router's catch-all (the API's
/// fallback) counts as unmatched.
fn route(matched: Option<&MatchedPath>) -> String {
    match matched.map(MatchedPath::as_str) {
        Some(path) if !path.contains("__private__") => path.to_owned(),
        _ => UNMATCHED.to_owned(),
    }
}

/// The metrics listener's application: `GET /metrics` in Prometheus' text format, nothing else.
pub(crate) fn metrics_app(metrics: Metrics) -> Router {
    Router::new().route(
        "/metrics",
        get(move || {
            let text = metrics.render();
            async move { ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], text).into_response() }
        }),
    )
}
