//! The one error type of the web layer, answered as RFC 9457 problem+json.

use axum::extract::multipart::{MultipartError, MultipartRejection};
use axum::extract::rejection::{BytesRejection, JsonRejection, PathRejection, QueryRejection};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use leadup_core::{FieldError, ValidationErrors};
use leadup_store::StoreError;
use serde::Serialize;

use leadup_app::forecasts::ForecastFailure;

/// Everything a handler can fail with. Server-side failures are logged and answered with a
/// generic message: their details may hold things a client must not see.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The input has invalid fields (422).
    #[error("{0}")]
    Invalid(ValidationErrors),
    /// The input has invalid parts, each named, and `report` says what was done with it
    /// (422; the report is sent beside the errors).
    #[error("{detail}")]
    Rejected {
        /// One sentence for people.
        detail: String,
        /// Each invalid part.
        errors: ValidationErrors,
        /// What was read, e.g. an import report.
        report: Box<serde_json::Value>,
    },
    /// The body is not JSON at all, or not of the right content type (400).
    #[error("{0}")]
    BadRequest(String),
    /// Nobody is signed in (401).
    #[error("{0}")]
    Unauthorized(String),
    /// The signed-in user may not do this (403).
    #[error("{0}")]
    Forbidden(String),
    /// Too many attempts; try again after this many seconds (429).
    #[error("Too many failed attempts; try again in {} minutes.", (.0 + 59) / 60)]
    TooManyRequests(i64),
    /// Nothing lives at this address (404).
    #[error("{0}")]
    NotFound(String),
    /// The body is larger than this route accepts (413).
    #[error("{0}")]
    TooLarge(String),
    /// The change clashes with stored data (409).
    #[error("{0}")]
    Conflict(String),
    /// Something failed on the server (500).
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    /// The HTTP status this error is answered with.
    pub fn status_code(&self) -> StatusCode {
        match self {
            Self::Invalid(_) | Self::Rejected { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// What a person may be told: the message, except for server-side failures.
    pub fn public_detail(&self) -> String {
        match self {
            Self::Internal(_) => "The server failed to handle this request; the details are in its log.".to_owned(),
            other => other.to_string(),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound { .. } => Self::NotFound(error.to_string()),
            StoreError::Invalid(errors) => Self::Invalid(errors),
            StoreError::Conflict(message) => Self::Conflict(message),
            StoreError::Forbidden(message) => Self::Forbidden(message),
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<leadup_app::brief::BriefError> for AppError {
    fn from(error: leadup_app::brief::BriefError) -> Self {
        match error {
            leadup_app::brief::BriefError::Store(store) => store.into(),
            other => Self::Invalid(ValidationErrors::single(other.field(), other.to_string())),
        }
    }
}

impl From<ForecastFailure> for AppError {
    fn from(failure: ForecastFailure) -> Self {
        match failure {
            ForecastFailure::Store(error) => error.into(),
            ForecastFailure::Forecast(error) => {
                Self::Conflict(format!("The team's history cannot forecast the impact: {error}."))
            }
            ForecastFailure::NoForecast(reason) => {
                Self::Conflict(format!("The team's initiatives cannot be forecast: {reason}."))
            }
        }
    }
}

impl From<ValidationErrors> for AppError {
    fn from(errors: ValidationErrors) -> Self {
        Self::Invalid(errors)
    }
}

impl From<JsonRejection> for AppError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::JsonDataError(e) => {
                let message = e.body_text();
                let detail = message
                    .strip_prefix("Failed to deserialize the JSON body into the target type: ")
                    .unwrap_or(&message);
                let (field, reason) = field_of(detail);
                Self::Invalid(ValidationErrors::single(field, reason))
            }
            other => Self::BadRequest(other.body_text()),
        }
    }
}

impl From<QueryRejection> for AppError {
    fn from(rejection: QueryRejection) -> Self {
        let (field, reason) = query_problem(&rejection);
        Self::Invalid(ValidationErrors::single(field, reason))
    }
}

/// The query parameter a `rejection` is about and what is wrong with it, in words: e.g.
/// (`days`, "must be a whole number") or (`view`, "cannot be `list`; it may be `timeline` or
/// `columns`").
pub(crate) fn query_problem(rejection: &QueryRejection) -> (String, String) {
    let message = rejection.body_text();
    let detail = message.strip_prefix("Failed to deserialize query string: ").unwrap_or(&message);
    let (field, reason) = field_of(detail);
    let field = if field == "body" { "query".to_owned() } else { field };
    let reason = if reason.starts_with("invalid digit") || reason.starts_with("cannot parse integer") {
        "must be a whole number".to_owned()
    } else if reason.starts_with("number too large") {
        "is too large".to_owned()
    } else if let Some(rest) = reason.strip_prefix("unknown variant ") {
        match rest.split_once(", expected ") {
            Some((value, expected)) => format!("cannot be {value}; it may be {}", expected.replace("one of ", "")),
            None => format!("cannot be {rest}"),
        }
    } else {
        reason
    };
    (field, reason.replace('`', "'"))
}

impl From<MultipartRejection> for AppError {
    fn from(rejection: MultipartRejection) -> Self {
        Self::BadRequest(rejection.body_text())
    }
}

impl From<MultipartError> for AppError {
    fn from(error: MultipartError) -> Self {
        if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Self::TooLarge(error.body_text())
        } else {
            Self::BadRequest(error.body_text())
        }
    }
}

impl From<BytesRejection> for AppError {
    fn from(rejection: BytesRejection) -> Self {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Self::TooLarge(rejection.body_text())
        } else {
            Self::BadRequest(rejection.body_text())
        }
    }
}

impl From<PathRejection> for AppError {
    fn from(rejection: PathRejection) -> Self {
        Self::NotFound(format!("no such resource: {}", rejection.body_text()))
    }
}

/// Splits a serde message such as ``budget_planned: invalid type: string "x", expected i64``
/// or ``missing field `title` `` into the field it is about and the reason.
fn field_of(message: &str) -> (String, String) {
    let message = message.split(" at line ").next().unwrap_or(message);
    for marker in ["missing field `", "unknown field `"] {
        if let Some(rest) = message.split_once(marker).map(|(_, rest)| rest) {
            let field = rest.split('`').next().unwrap_or_default();
            let reason = if marker.starts_with("missing") {
                "is required".to_owned()
            } else {
                "is not a known field".to_owned()
            };
            return (field.to_owned(), reason);
        }
    }
    match message.split_once(": ") {
        Some((path, reason)) if !path.contains(' ') => (path.to_owned(), reason.to_owned()),
        _ => ("body".to_owned(), message.to_owned()),
    }
}

/// The problem+json body.
#[derive(Serialize)]
struct Problem<'a> {
    r#type: &'static str,
    title: &'a str,
    status: u16,
    detail: String,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [FieldError],
    #[serde(skip_serializing_if = "Option::is_none")]
    report: Option<&'a serde_json::Value>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status_code();
        if let Self::Internal(detail) = &self {
            tracing::error!(%detail, "internal error");
        }
        let (errors, report) = match &self {
            Self::Invalid(errors) => (errors.0.as_slice(), None),
            Self::Rejected { errors, report, .. } => (errors.0.as_slice(), Some(&**report)),
            _ => (&[][..], None),
        };
        let body = Problem {
            r#type: "about:blank",
            title: status.canonical_reason().unwrap_or("Error"),
            status: status.as_u16(),
            detail: self.public_detail(),
            errors,
            report,
        };
        let json = serde_json::to_vec(&body).expect("a problem always serialises");
        let mut response = (status, [(header::CONTENT_TYPE, "application/problem+json")], json).into_response();
        match self {
            Self::Unauthorized(_) => {
                response.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer"));
            }
            Self::TooManyRequests(seconds) => {
                response.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
            }
            _ => {}
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::field_of;

    #[test]
    fn serde_messages_name_their_field() {
        assert_eq!(
            field_of("budget_planned: invalid type: string \"x\", expected i64 at line 1 column 30"),
            ("budget_planned".into(), "invalid type: string \"x\", expected i64".into())
        );
        assert_eq!(field_of("missing field `title` at line 1 column 2"), ("title".into(), "is required".into()));
        assert_eq!(
            field_of("unknown field `colour`, expected one of `title`"),
            ("colour".into(), "is not a known field".into())
        );
        assert_eq!(field_of("expected value"), ("body".into(), "expected value".into()));
    }
}
