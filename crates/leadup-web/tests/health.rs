//! `/healthz` and `/readyz` on both backends, without signing in: healthy while the database
//! answers and 503 naming why once it does not; ready only while serving with a database, 503
//! before, while draining, and without the database.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use leadup_store::Store;
use leadup_web::{AppState, app};
use tower::ServiceExt;

use leadup_store::conformance;

conformance!(health_and_readiness_follow_the_database_and_the_drain);

async fn get(state: &AppState, path: &str) -> (StatusCode, String) {
    let request = Request::get(path).body(Body::empty()).unwrap();
    let response = app(state.clone()).oneshot(request).await.unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

async fn health_and_readiness_follow_the_database_and_the_drain(store: Store) {
    let state = AppState::new(store.clone());
    assert_eq!(get(&state, "/healthz").await, (StatusCode::OK, "ok".to_owned()));
    assert_eq!(
        get(&state, "/readyz").await,
        (StatusCode::SERVICE_UNAVAILABLE, "starting: this server is not serving yet".to_owned())
    );
    state.readiness().serving();
    assert_eq!(get(&state, "/readyz").await, (StatusCode::OK, "ready".to_owned()));
    state.readiness().draining();
    assert_eq!(
        get(&state, "/readyz").await,
        (StatusCode::SERVICE_UNAVAILABLE, "draining: this server is stopping".to_owned())
    );
    assert_eq!(get(&state, "/healthz").await.0, StatusCode::OK, "draining is not unhealthy");

    // The database goes away.
    state.readiness().serving();
    store.close().await;
    let (status, reason) = get(&state, "/healthz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(reason.starts_with("database unreachable: "), "{reason}");
    let (status, why_not) = get(&state, "/readyz").await;
    assert_eq!((status, why_not), (StatusCode::SERVICE_UNAVAILABLE, reason));
}
