//! The JSON API under `/api/v1/`: workspace, objectives, teams, initiatives, alignment, and
//! progress: work items, imports, attach rules, and the progress of teams and initiatives.

pub(crate) mod imports;
mod initiatives;
mod objectives;
mod progress;
mod teams;
mod workspace;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::extract::FromRequest;
use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use axum::response::IntoResponse;
use axum::routing::{get, post};

use crate::{AppError, AppState};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/workspace", get(workspace::show).patch(workspace::update))
        .route("/objectives", get(objectives::list).post(objectives::create))
        .route("/objectives/{id}", get(objectives::show).patch(objectives::update).delete(objectives::delete))
        .route("/teams", get(teams::list).post(teams::create))
        .route("/teams/{id}", get(teams::show).patch(teams::update).delete(teams::delete))
        .route("/initiatives", get(initiatives::list).post(initiatives::create))
        .route("/initiatives/{id}", get(initiatives::show).patch(initiatives::update).delete(initiatives::delete))
        .route("/alignment", get(initiatives::alignment))
        .route("/teams/{id}/progress", get(progress::team))
        .route("/teams/{id}/work-items", get(progress::work_items))
        .route("/teams/{id}/imports", post(imports::create).layer(DefaultBodyLimit::max(crate::imports::MAX_UPLOAD)))
        .route("/initiatives/{id}/progress", get(progress::initiative))
        .route("/initiatives/{id}/rules", get(progress::rules).put(progress::set_rules))
        .fallback(|| async { AppError::NotFound("no such API route".to_owned()) })
}

/// A JSON body whose rejections are answered as problem+json naming the bad field.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(AppError))]
pub(crate) struct Json<T>(pub T);

impl<T: serde::Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> axum::response::Response {
        axum::Json(self.0).into_response()
    }
}

/// A query string whose rejections are answered as problem+json naming the bad parameter.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(AppError))]
pub(crate) struct Query<T>(pub T);

/// A path id; one that is not a number names nothing, so it is answered 404.
pub(crate) struct Id(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let axum::extract::Path(id) = axum::extract::Path::<i64>::from_request_parts(parts, state).await?;
        Ok(Self(id))
    }
}

/// `201 Created` with the new resource's address and body.
pub(crate) fn created<T: serde::Serialize>(location: String, body: T) -> axum::response::Response {
    (axum::http::StatusCode::CREATED, [(header::LOCATION, location)], axum::Json(body)).into_response()
}

/// The OpenAPI document describing this API.
pub(crate) async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], include_str!("openapi.json"))
}
