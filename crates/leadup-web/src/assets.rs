//! The site's static files, compiled into the binary: the stylesheet, and the scripts that
//! make some pages nicer. Every page works without its script: a script only improves a page
//! that already does its job with plain HTML forms (progressive enhancement), and the
//! Content-Security-Policy lets only these files run, never inline script.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Every static file: its name under `/assets/`, its content type and its content.
const ASSETS: &[(&str, &str, &str)] = &[
    ("style.css", "text/css; charset=utf-8", include_str!("../assets/style.css")),
    ("evidence-picker.js", "text/javascript; charset=utf-8", include_str!("../assets/evidence-picker.js")),
    ("upload-progress.js", "text/javascript; charset=utf-8", include_str!("../assets/upload-progress.js")),
];

/// `GET /assets/{name}`: one of [`ASSETS`], cached for five minutes; 404 for any other name.
pub(crate) async fn asset(Path(name): Path<String>) -> Response {
    match ASSETS.iter().find(|(known, _, _)| *known == name) {
        Some((_, content_type, body)) => {
            (StatusCode::OK, [(header::CONTENT_TYPE, *content_type), (header::CACHE_CONTROL, "max-age=300")], *body)
                .into_response()
        }
        None => crate::pages::not_found().await.into_response(),
    }
}
