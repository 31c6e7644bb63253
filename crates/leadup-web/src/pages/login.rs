//! `/login` and `/logout`: signing in with email and password starts a server-side session
//! under a new id (an old session cookie sent along is ended first); signing out ends the
//! session on the server, so the cookie opens nothing afterwards. Failed attempts are
//! throttled per account-and-client and per client, and an email or password longer than any
//! account can have is refused before any work is done with it.

use std::net::SocketAddr;

use axum::extract::rejection::FormRejection;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use leadup_core::account::normalise_email;
use maud::{Markup, html};
use serde::Deserialize;

use super::Query;
use super::layout;
use crate::accounts::{self, digest};
use crate::auth::{Attempt, Caller, SESSION_COOKIE, check_credential_lengths, clear_cookie, cookie, session_cookie};
use crate::{AppError, AppState};

#[derive(Deserialize)]
pub(crate) struct Next {
    next: Option<String>,
}

/// The largest sign-in form read: an email address, a password and a `next` path, encoded.
pub(crate) const MAX_SIGN_IN_FORM: usize = 32 * 1024;

/// What the sign-in form sends.
#[derive(Deserialize)]
pub(crate) struct Credentials {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

/// Where to go after signing in: a path on this site only, never another site. It must start
/// with a single `/` and hold printable ASCII only: no control characters or whitespace
/// (browsers drop tabs and newlines, so `/<TAB>/evil.example` would become `//evil.example`),
/// no `\\` (which browsers read as `/`). Anything else goes to the strategy page.
fn destination(next: Option<&str>) -> &str {
    next.filter(|n| n.starts_with('/') && !n.starts_with("//") && n.bytes().all(|b| b.is_ascii_graphic() && b != b'\\'))
        .unwrap_or("/strategy")
}

pub(crate) async fn form(caller: Caller, Query(query): Query<Next>) -> Response {
    if caller.principal().is_some() {
        return Redirect::to(destination(query.next.as_deref())).into_response();
    }
    render(StatusCode::OK, "", query.next.as_deref(), None).into_response()
}

pub(crate) async fn sign_in(
    State(state): State<AppState>,
    client: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    form: Result<Form<Credentials>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        let message = "The sign-in form is too large or malformed: send an email address and a password.";
        return render(StatusCode::BAD_REQUEST, "", None, Some(message)).into_response();
    };
    if let Err(AppError::Invalid(errors)) = check_credential_lengths("Email", &form.email, "Password", &form.password) {
        // The overlong value is not sent back.
        return render(StatusCode::UNPROCESSABLE_ENTITY, "", form.next.as_deref(), Some(&errors.summary()))
            .into_response();
    }
    let client =
        crate::auth::client_ip(&state.trusted_proxies, client.map(|Extension(ConnectInfo(addr))| addr), &headers);
    let email = normalise_email(&form.email);
    let now = state.now();
    let user = match state.throttle.attempt(&state.store, &email, &form.password, client, now).await {
        Ok(Attempt::Right(user)) => user,
        Ok(Attempt::Wait(wait)) => {
            let message = AppError::TooManyRequests(wait).to_string();
            let page = render(StatusCode::TOO_MANY_REQUESTS, &form.email, form.next.as_deref(), Some(&message));
            return super::retry_after(page, wait);
        }
        Ok(Attempt::Busy(wait)) => {
            let message = format!("The server is busy checking other sign-ins; try again in {wait} seconds.");
            let page = render(StatusCode::SERVICE_UNAVAILABLE, &form.email, form.next.as_deref(), Some(&message));
            return super::retry_after(page, wait);
        }
        Ok(Attempt::Wrong) => {
            let message = "The email address or the password is wrong.";
            return render(StatusCode::UNAUTHORIZED, &form.email, form.next.as_deref(), Some(message)).into_response();
        }
        Err(error) => return super::PageError::from(error).into_response(),
    };
    if let Some(old) = cookie(&headers, SESSION_COOKIE)
        && let Err(error) = state.store.end_session(&digest(&old)).await
    {
        return super::PageError::from(error).into_response();
    }
    match accounts::start_session(&state.store, user.id, now).await {
        Ok((id, _)) => {
            let mut response = Redirect::to(destination(form.next.as_deref())).into_response();
            response.headers_mut().insert(header::SET_COOKIE, session_cookie(&id, &headers));
            response
        }
        Err(error) => super::PageError::from(error).into_response(),
    }
}

pub(crate) async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(id) = cookie(&headers, SESSION_COOKIE)
        && let Err(error) = state.store.end_session(&digest(&id)).await
    {
        return super::PageError::from(error).into_response();
    }
    let mut response = Redirect::to("/login").into_response();
    response.headers_mut().insert(header::SET_COOKIE, clear_cookie());
    response
}

fn render(status: StatusCode, email: &str, next: Option<&str>, error: Option<&str>) -> (StatusCode, Markup) {
    let content = html! {
        section.card.login {
            h1 { "Sign in to leadup" }
            @if let Some(error) = error {
                p.field-error role="alert" { (error) }
            }
            form method="post" action="/login" {
                @if let Some(next) = next {
                    input type="hidden" name="next" value=(next);
                }
                label { span.label { "Email" }
                    input type="email" name="email" value=(email) autocomplete="username" required autofocus[email.is_empty()];
                }
                label { span.label { "Password" }
                    input type="password" name="password" autocomplete="current-password" required autofocus[!email.is_empty()];
                }
                button type="submit" { "Sign in" }
            }
            p.muted {
                "No account yet? An administrator creates one with "
                code { "leadup user add EMAIL --name NAME" } "."
            }
        }
    };
    (status, layout::page("Sign in", None, None, &Caller::Anonymous, &content))
}

#[cfg(test)]
mod tests {
    use super::destination;

    #[test]
    fn sign_in_only_sends_people_to_this_site() {
        assert_eq!(destination(Some("/teams/2?days=90")), "/teams/2?days=90");
        assert_eq!(destination(Some("//evil.example/")), "/strategy");
        assert_eq!(destination(Some("https://evil.example/")), "/strategy");
        assert_eq!(destination(Some("/\\evil.example")), "/strategy");
        for hostile in
            ["/\t/evil.example/", "/\n/evil.example", "/ /evil.example", "/\r\n/x", "/%09/x\u{7f}", "/a\\b", "/é"]
        {
            assert_eq!(destination(Some(hostile)), "/strategy", "{hostile:?}");
        }
        assert_eq!(destination(Some("/%09/evil.example/")), "/%09/evil.example/", "percent-encoded stays a path here");
        assert_eq!(destination(Some("")), "/strategy");
        assert_eq!(destination(None), "/strategy");
    }
}
