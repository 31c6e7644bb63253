//! The HTML pages: strategy, roadmap (timeline and Now / Next / Later), alignment, teams with
//! their dashboards and import form, and one page per initiative with its progress. Pages
//! read from the store and draw charts as inline SVG.

mod alignment;
mod import;
mod initiative;
mod layout;
mod progress;
mod roadmap;
mod strategy;
mod teams;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::Markup;

use crate::{AppError, AppState};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/strategy") }))
        .route("/strategy", get(strategy::page))
        .route("/roadmap", get(roadmap::page))
        .route("/alignment", get(alignment::page))
        .route("/teams", get(teams::list))
        .route("/teams/{id}", get(teams::dashboard))
        .route(
            "/teams/{id}/import",
            get(import::form).post(import::upload).layer(DefaultBodyLimit::max(crate::imports::MAX_UPLOAD)),
        )
        .route("/initiatives/{id}", get(initiative::page))
        .route("/initiatives/{id}/rules", post(initiative::rules))
}

/// A page handler's result: the page, or an error page.
type PageResult = Result<Markup, PageError>;

/// An [`AppError`] shown to a person as an HTML page rather than problem+json.
pub(crate) struct PageError(AppError);

impl<E: Into<AppError>> From<E> for PageError {
    fn from(error: E) -> Self {
        Self(error.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = self.0.status_code();
        let title = status.canonical_reason().unwrap_or("Error");
        let body = layout::page(
            title,
            None,
            None,
            &maud::html! {
                section.card.error-page {
                    h1 { (status.as_u16()) " · " (title) }
                    p { (self.0.public_detail()) }
                    p { a href="/strategy" { "Back to the strategy" } }
                }
            },
        );
        (status, body).into_response()
    }
}

pub(crate) async fn not_found() -> PageError {
    PageError(AppError::NotFound("There is no page at this address.".into()))
}

/// Answers 404 for a page whose subject does not exist.
fn missing(what: &str) -> PageError {
    PageError(AppError::NotFound(format!("{what} does not exist.")))
}
