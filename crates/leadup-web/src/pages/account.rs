//! `/account`: who you are signed in as, the roles you hold, and your API tokens: create one
//! (shown once, on the page that answers the form) or revoke one.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leadup_core::account::ApiToken;
use maud::{Markup, html};
use serde::Deserialize;

use super::layout::{self, date_time};
use super::{PageError, PageResult};
use crate::accounts;
use crate::auth::{CSRF_FIELD, Caller};
use crate::{AppError, AppState};

pub(crate) async fn page(State(state): State<AppState>, caller: Caller) -> PageResult {
    render(&state, &caller, None, None).await
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
        Ok((_, secret)) => render(&state, &caller, Some(&secret), None).await.into_response(),
        Err(AppError::Invalid(errors)) => match render(&state, &caller, None, Some(&errors.summary())).await {
            Ok(page) => (StatusCode::UNPROCESSABLE_ENTITY, page).into_response(),
            Err(error) => error.into_response(),
        },
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

async fn render(state: &AppState, caller: &Caller, new_token: Option<&str>, error: Option<&str>) -> PageResult {
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
                p.muted { "You hold no role in any team yet; an administrator gives roles with " code { "leadup member add" } "." }
            } @else {
                ul { @for role in &user.roles {
                    li { a href={ "/teams/" (role.team_id) } { (team_name(role.team_id)) } ": " (role.role.as_str()) }
                } }
            }
        }
        section.card id="tokens" {
            h2 { "API tokens" }
            p.muted { "Scripts and the command line's HTTP clients send a token as " code { "Authorization: Bearer TOKEN" } ". A token acts with your roles." }
            @if let Some(secret) = new_token {
                div.alert.success role="status" {
                    p { strong { "Your new token. Copy it now: it is shown only this once." } }
                    p { code.secret { (secret) } }
                }
            }
            @if let Some(error) = error {
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
