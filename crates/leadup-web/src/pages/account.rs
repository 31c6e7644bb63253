//! `/account`: who you are signed in as, the roles you hold, your password (changed after
//! giving the current one, which ends every other session), and your API tokens: create one
//! (shown once, on the page that answers the form) or revoke one.

use std::net::SocketAddr;

use super::Query;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use leadup_core::account::ApiToken;
use maud::{Markup, html};
use serde::Deserialize;

use super::layout::{self, date_time};
use super::{PageError, PageResult};
use crate::accounts;
use crate::auth::{Attempt, CSRF_FIELD, Caller, check_credential_lengths, session_cookie};
use crate::{AppError, AppState};

/// What the page says above its forms, after one was sent.
#[derive(Default)]
struct Said<'a> {
    new_token: Option<&'a str>,
    token_error: Option<&'a str>,
    password_error: Option<&'a str>,
    password_changed: bool,
}

#[derive(Deserialize)]
pub(crate) struct PageQuery {
    password: Option<String>,
}

pub(crate) async fn page(State(state): State<AppState>, caller: Caller, Query(query): Query<PageQuery>) -> PageResult {
    let said = Said { password_changed: query.password.as_deref() == Some("changed"), ..Said::default() };
    render(&state, &caller, &said).await
}

#[derive(Deserialize)]
pub(crate) struct NewPassword {
    #[serde(default, rename = "current_password")]
    current: String,
    #[serde(default, rename = "new_password")]
    new: String,
    #[serde(default, rename = "repeat_password")]
    repeat: String,
}

/// Changes the caller's password: the current one must be right (wrong ones count towards
/// the sign-in throttle), the new one typed twice and pass the password rules. Every session
/// of the account ends, and this browser gets a new one.
pub(crate) async fn change_password(
    State(state): State<AppState>,
    caller: Caller,
    client: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    Form(form): Form<NewPassword>,
) -> Response {
    let Some(user) = caller.principal() else {
        return PageError::from(AppError::Unauthorized(String::new())).into_response();
    };
    let client =
        crate::auth::client_ip(&state.trusted_proxies, client.map(|Extension(ConnectInfo(addr))| addr), &headers);
    let now = state.now();
    let refuse = async |status: StatusCode, message: &str| {
        respond(&state, &caller, status, &Said { password_error: Some(message), ..Said::default() }).await
    };
    if let Err(AppError::Invalid(errors)) =
        check_credential_lengths("Email", &user.email, "Current password", &form.current)
    {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, &errors.summary()).await;
    }
    match state.throttle.attempt(&state.store, &user.email, &form.current, client, now).await {
        Ok(Attempt::Right(_)) => {}
        Ok(Attempt::Wait(wait)) => {
            let message = AppError::TooManyRequests(wait).to_string();
            return super::retry_after(refuse(StatusCode::TOO_MANY_REQUESTS, &message).await, wait);
        }
        Ok(Attempt::Busy(wait)) => {
            let message = format!("The server is busy checking other passwords; try again in {wait} seconds.");
            return super::retry_after(refuse(StatusCode::SERVICE_UNAVAILABLE, &message).await, wait);
        }
        Ok(Attempt::Wrong) => {
            return refuse(StatusCode::UNPROCESSABLE_ENTITY, "Current password: it is not your password.").await;
        }
        Err(error) => return PageError::from(error).into_response(),
    }
    if form.new != form.repeat {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, "Repeat the new password: it differs from the new password.")
            .await;
    }
    match accounts::set_password(&state.store, user.user_id, &form.new).await {
        Ok(()) => {}
        Err(AppError::Invalid(errors)) => {
            let message =
                format!("New password: {}", errors.0.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("; "));
            return refuse(StatusCode::UNPROCESSABLE_ENTITY, &message).await;
        }
        Err(error) => return PageError::from(error).into_response(),
    }
    match accounts::start_session(&state.store, user.user_id, now).await {
        Ok((id, _)) => {
            let mut response = Redirect::to("/account?password=changed#password").into_response();
            response.headers_mut().insert(header::SET_COOKIE, session_cookie(&id, &headers));
            response
        }
        Err(error) => PageError::from(error).into_response(),
    }
}

#[derive(Deserialize)]
pub(crate) struct NewToken {
    #[serde(default)]
    name: String,
}

pub(crate) async fn create_token(
    State(state): State<AppState>,
    caller: Caller,
    Form(form): Form<NewToken>,
) -> Response {
    let Some(user) = caller.principal() else {
        return PageError::from(AppError::Unauthorized(String::new())).into_response();
    };
    match accounts::create_token(&state.store, user.user_id, &form.name, state.now()).await {
        Ok((_, secret)) => {
            respond(&state, &caller, StatusCode::OK, &Said { new_token: Some(&secret), ..Said::default() }).await
        }
        Err(AppError::Invalid(errors)) => {
            let said = Said { token_error: Some(&errors.summary()), ..Said::default() };
            respond(&state, &caller, StatusCode::UNPROCESSABLE_ENTITY, &said).await
        }
        Err(error) => PageError::from(error).into_response(),
    }
}

pub(crate) async fn revoke_token(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Response {
    let Some(user) = caller.principal() else {
        return PageError::from(AppError::Unauthorized(String::new())).into_response();
    };
    let Ok(id) = id.parse() else { return super::missing(&format!("Token '{id}'")).into_response() };
    match state.store.revoke_token(user.user_id, id, state.now()).await {
        Ok(()) => Redirect::to("/account#tokens").into_response(),
        Err(error) => PageError::from(error).into_response(),
    }
}

/// The page with what it says after a form was sent, under `status`.
async fn respond(state: &AppState, caller: &Caller, status: StatusCode, said: &Said<'_>) -> Response {
    match render(state, caller, said).await {
        Ok(page) => (status, page).into_response(),
        Err(error) => error.into_response(),
    }
}

async fn render(state: &AppState, caller: &Caller, said: &Said<'_>) -> PageResult {
    let user = caller.principal().ok_or_else(|| AppError::Unauthorized(String::new()))?;
    let workspace = state.store.workspace().await?;
    let teams = state.store.teams().await?;
    let tokens = state.store.tokens(user.user_id).await?;
    let team_name =
        |id: i64| teams.iter().find(|t| t.id == id).map_or_else(|| format!("team {id}"), |t| t.name.clone());
    let content = html! {
        h1 { "Your account" }
        section.card {
            dl.facts {
                dt { "Name" } dd { (user.name) }
                dt { "Email" } dd { (user.email) }
                dt { "Workspace" } dd { @if user.is_admin { "Administrator" } @else { "No administration rights" } }
            }
            h2 { "Roles" }
            @if user.roles.is_empty() {
                p.muted { "You hold no role in any team yet; an administrator gives roles on the Administration page or with " code { "leadup member add" } "." }
            } @else {
                ul { @for role in &user.roles {
                    li { a href={ "/teams/" (role.team_id) } { (team_name(role.team_id)) } ": " (role.role.as_str()) }
                } }
            }
        }
        section.card id="password" {
            h2 { "Password" }
            @if said.password_changed {
                div.alert.success role="status" {
                    p { "Your password was changed. Every other session of your account was signed out." }
                    @let live = tokens.iter().filter(|t| t.revoked_at.is_none()).count();
                    @if live > 0 {
                        p {
                            @if live == 1 {
                                "Your API token still works: a new password does not end it. "
                            } @else {
                                "Your " (live) " API tokens still work: a new password does not end them. "
                            }
                            a href="#tokens" { "Revoke below" } " any that someone else may know."
                        }
                    }
                }
            }
            @if let Some(error) = said.password_error {
                p.field-error role="alert" { (error) }
            }
            form.admin-form.password-form method="post" action="/account/password" {
                input type="hidden" name=(CSRF_FIELD) value=(caller.csrf());
                label.field { span.label { "Current password" } input type="password" name="current_password" autocomplete="current-password" required; }
                label.field { span.label { "New password" } input type="password" name="new_password" autocomplete="new-password" minlength="12" required;
                    span.hint { "At least 12 characters, not a common password and not your email address." } }
                label.field { span.label { "Repeat the new password" } input type="password" name="repeat_password" autocomplete="new-password" minlength="12" required; }
                button type="submit" { "Change password" }
            }
        }
        section.card id="tokens" {
            h2 { "API tokens" }
            p.muted { "Scripts and the command line's HTTP clients send a token as " code { "Authorization: Bearer TOKEN" } ". A token acts with your roles." }
            @if let Some(secret) = said.new_token {
                div.alert.success role="status" {
                    p { strong { "Your new token. Copy it now: it is shown only this once." } }
                    p { code.secret { (secret) } }
                }
            }
            @if let Some(error) = said.token_error {
                p.field-error role="alert" { (error) }
            }
            (token_table(caller, &tokens))
            form.rule-form.spaced method="post" action="/account/tokens" {
                input type="hidden" name=(CSRF_FIELD) value=(caller.csrf());
                label { span.label { "Name" } input type="text" name="name" placeholder="e.g. nightly import" required; }
                button type="submit" { "Create token" }
            }
        }
    };
    Ok(layout::page("Your account", workspace.as_ref(), None, caller, &content))
}

fn token_table(caller: &Caller, tokens: &[ApiToken]) -> Markup {
    html! {
        @if tokens.is_empty() {
            p { "No tokens yet." }
        } @else {
            table {
                thead { tr { th { "Name" } th { "Created" } th { "Last used" } th { "State" } th {} } }
                tbody { @for token in tokens { tr {
                    td { (token.name) }
                    td { (date_time(token.created_at)) }
                    td { @if let Some(at) = token.last_used_at { (date_time(at)) } @else { span.muted { "never" } } }
                    td { @if let Some(at) = token.revoked_at { "revoked " (date_time(at)) } @else { "live" } }
                    td { @if token.revoked_at.is_none() {
                        form.inline method="post" action={ "/account/tokens/" (token.id) "/revoke" } {
                            input type="hidden" name=(CSRF_FIELD) value=(caller.csrf());
                            button.link type="submit" { "Revoke" }
                        }
                    } }
                } } }
            }
        }
    }
}
