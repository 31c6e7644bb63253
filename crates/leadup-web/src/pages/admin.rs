//! `/admin`: a workspace administrator's page for who may do what: every person with the
//! roles they hold, adding a person (their generated password is shown once), giving or
//! taking a role in a team, and the teams themselves: adding one with its manager and
//! executive, renaming and deleting one. Role changes and new administrators are audited by
//! the store.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leadup_core::ValidationErrors;
use leadup_core::access::Role;
use leadup_core::account::{User, UserInput};
use leadup_core::team::{TeamInput, TeamPatch};
use maud::{Markup, html};
use serde::Deserialize;

use super::form::errors_in_words;
use super::layout;
use super::{PageError, missing};
use crate::accounts::{create_user, generate_password};
use crate::auth::{CSRF_FIELD, Caller};
use crate::{AppError, AppState};

/// What the page shows besides the lists: a new account's password once, or errors.
#[derive(Default)]
struct Notice<'a> {
    created: Option<(&'a User, &'a str)>,
    errors: Option<&'a ValidationErrors>,
    person: Option<&'a PersonForm>,
    /// A refused team form: the errors (named in the form's words) and what was sent.
    team: Option<(&'a ValidationErrors, &'a TeamForm)>,
}

/// The "Add a team" and "Rename" forms: `manager` and `executive` are user ids (or empty).
#[derive(Deserialize, Default)]
pub(crate) struct TeamForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    manager: String,
    #[serde(default)]
    executive: String,
    /// The team renamed or deleted, for the notice.
    #[serde(skip)]
    team: Option<i64>,
}

/// A team form's field in its own words.
fn team_label(field: &str) -> Option<String> {
    let words = match field {
        "name" => "Team name",
        "managers[0]" => "Manager",
        "executives[0]" => "Executive",
        "team" => "Team",
        _ => return None,
    };
    Some(words.to_owned())
}

/// The "Add a person" form.
#[derive(Deserialize, Default)]
pub(crate) struct PersonForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    admin: Option<String>,
}

/// The "Give or take a role" form: `role` is a role's name or `none`.
#[derive(Deserialize)]
pub(crate) struct RoleForm {
    user: Option<String>,
    team: Option<String>,
    role: Option<String>,
}

pub(crate) async fn page(State(state): State<AppState>, caller: Caller) -> Result<Markup, PageError> {
    render(&state, &caller, &Notice::default()).await
}

pub(crate) async fn add_person(
    State(state): State<AppState>,
    caller: Caller,
    Form(form): Form<PersonForm>,
) -> Response {
    let input = UserInput { email: form.email.clone(), name: form.name.clone(), is_admin: form.admin.is_some() };
    let password = generate_password();
    let by = caller.principal().map(|p| p.user_id);
    match create_user(&state.store, &input, &password, state.now(), by).await {
        Ok(user) => {
            let notice = Notice { created: Some((&user, &password)), ..Notice::default() };
            render(&state, &caller, &notice).await.into_response()
        }
        Err(AppError::Invalid(errors)) => {
            let notice = Notice { errors: Some(&errors), person: Some(&form), ..Notice::default() };
            match render(&state, &caller, &notice).await {
                Ok(page) => (StatusCode::UNPROCESSABLE_ENTITY, page).into_response(),
                Err(error) => error.into_response(),
            }
        }
        Err(other) => PageError::from(other).into_response(),
    }
}

pub(crate) async fn set_role(State(state): State<AppState>, caller: Caller, Form(form): Form<RoleForm>) -> Response {
    let mut errors = ValidationErrors::default();
    let mut number = |field: &str, value: Option<&String>, what: &str| {
        let parsed = value.and_then(|v| v.parse::<i64>().ok());
        if parsed.is_none() {
            errors.add(field, format!("choose a {what}"));
        }
        parsed.unwrap_or(0)
    };
    let (user, team) = (number("user", form.user.as_ref(), "person"), number("team", form.team.as_ref(), "team"));
    let role = match form.role.as_deref().unwrap_or("none") {
        "none" => None,
        text => match text.parse::<Role>() {
            Ok(role) => Some(role),
            Err(message) => {
                errors.add("role", message);
                None
            }
        },
    };
    let result = if errors.0.is_empty() {
        state.store.set_role(team, user, role, caller.principal().map(|p| p.user_id)).await.map_err(AppError::from)
    } else {
        Err(AppError::Invalid(errors))
    };
    match result {
        Ok(()) => Redirect::to("/admin#people").into_response(),
        Err(AppError::Invalid(errors)) => {
            let notice = Notice { errors: Some(&errors), ..Notice::default() };
            match render(&state, &caller, &notice).await {
                Ok(page) => (StatusCode::UNPROCESSABLE_ENTITY, page).into_response(),
                Err(error) => error.into_response(),
            }
        }
        Err(other) => PageError::from(other).into_response(),
    }
}

/// The "Remove" button of a pending person.
#[derive(Deserialize)]
pub(crate) struct PendingForm {
    team: i64,
    role: String,
    name: String,
}

pub(crate) async fn remove_pending(
    State(state): State<AppState>,
    caller: Caller,
    Form(form): Form<PendingForm>,
) -> Response {
    let result = match form.role.parse::<Role>() {
        Ok(role) => state
            .store
            .remove_pending_person(form.team, role, &form.name, caller.principal().map(|p| p.user_id))
            .await
            .map_err(AppError::from),
        Err(message) => Err(AppError::Invalid(ValidationErrors::single("role", message))),
    };
    match result {
        Ok(()) => Redirect::to("/admin#people").into_response(),
        Err(error) => PageError::from(error).into_response(),
    }
}

/// Answers a refused team form: the page again, naming what was wrong.
async fn team_refused(
    state: &AppState,
    caller: &Caller,
    errors: &ValidationErrors,
    form: &TeamForm,
    status: StatusCode,
) -> Response {
    let notice = Notice { team: Some((errors, form)), ..Notice::default() };
    match render(state, caller, &notice).await {
        Ok(page) => (status, page).into_response(),
        Err(error) => error.into_response(),
    }
}

/// The address of user `id` as a team form chose them (empty: nobody), naming `field` when
/// there is no such user.
async fn chosen_user(
    state: &AppState,
    errors: &mut ValidationErrors,
    field: &str,
    id: &str,
) -> Result<Vec<String>, AppError> {
    if id.trim().is_empty() {
        return Ok(Vec::new());
    }
    let Ok(id) = id.trim().parse::<i64>() else {
        errors.add(field, format!("'{id}' is not a person"));
        return Ok(Vec::new());
    };
    match state.store.user(id).await {
        Ok(user) => Ok(vec![user.email]),
        Err(leadup_store::StoreError::NotFound { .. }) => {
            errors.add(field, format!("no person has the id {id}"));
            Ok(Vec::new())
        }
        Err(other) => Err(other.into()),
    }
}

pub(crate) async fn add_team(State(state): State<AppState>, caller: Caller, Form(form): Form<TeamForm>) -> Response {
    let mut errors = ValidationErrors::default();
    let people = async {
        let managers = chosen_user(&state, &mut errors, "managers[0]", &form.manager).await?;
        let executives = chosen_user(&state, &mut errors, "executives[0]", &form.executive).await?;
        Ok::<_, AppError>((managers, executives))
    }
    .await;
    let (managers, executives) = match people {
        Ok(people) => people,
        Err(error) => return PageError::from(error).into_response(),
    };
    let input = TeamInput { name: form.name.clone(), managers, members: Vec::new(), executives };
    let result = match input.validate() {
        Ok(draft) if errors.0.is_empty() => {
            state.store.create_team(&draft, caller.principal().map(|p| p.user_id)).await.map_err(AppError::from)
        }
        Ok(_) => Err(AppError::Invalid(errors)),
        Err(invalid) => {
            errors.0.extend(invalid.0);
            Err(AppError::Invalid(errors))
        }
    };
    match result {
        Ok(team) => Redirect::to(&format!("/teams/{}", team.id)).into_response(),
        Err(AppError::Invalid(errors)) => {
            team_refused(&state, &caller, &errors, &form, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(other) => PageError::from(other).into_response(),
    }
}

pub(crate) async fn rename_team(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Form(mut form): Form<TeamForm>,
) -> Response {
    let Ok(id) = id.parse::<i64>() else { return missing(&format!("Team '{id}'")).into_response() };
    form.team = Some(id);
    let patch = TeamPatch { name: Some(form.name.clone()) };
    let result = match patch.validate() {
        Ok(Some(name)) => state.store.rename_team(id, &name).await.map_err(AppError::from),
        Ok(None) => Err(AppError::Invalid(ValidationErrors::single("name", "must not be empty"))),
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    // A team's manager may rename it too (`edit_team`), from nowhere but this form's address.
    let back =
        if caller.principal().is_some_and(|p| p.is_admin) { "/admin#teams".to_owned() } else { format!("/teams/{id}") };
    match result {
        Ok(_) => Redirect::to(&back).into_response(),
        Err(AppError::Invalid(errors)) => {
            team_refused(&state, &caller, &errors, &form, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(AppError::NotFound(_)) => missing(&format!("Team {id}")).into_response(),
        Err(other) => PageError::from(other).into_response(),
    }
}

pub(crate) async fn delete_team(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Response {
    let Ok(id) = id.parse::<i64>() else { return missing(&format!("Team '{id}'")).into_response() };
    match state.store.delete_team(id).await {
        Ok(()) => Redirect::to("/admin#teams").into_response(),
        Err(leadup_store::StoreError::Conflict(why)) => {
            let form = TeamForm { team: Some(id), ..TeamForm::default() };
            let errors = ValidationErrors::single("team", format!("not deleted: {why}"));
            team_refused(&state, &caller, &errors, &form, StatusCode::CONFLICT).await
        }
        Err(leadup_store::StoreError::NotFound { .. }) => missing(&format!("Team {id}")).into_response(),
        Err(other) => PageError::from(other).into_response(),
    }
}

async fn render(state: &AppState, caller: &Caller, notice: &Notice<'_>) -> Result<Markup, PageError> {
    let workspace = state.store.workspace().await?;
    let users = state.store.users().await?;
    let teams = state.store.teams().await?;
    let mut held: Vec<(i64, String)> = Vec::new();
    for team in &teams {
        for (user, role) in state.store.team_members(team.id).await? {
            held.push((user.id, format!("{role} of {}", team.name)));
        }
    }
    // A team with initiatives cannot be deleted (the store says so for its other history).
    let with_initiatives: Vec<i64> = state.store.initiatives().await?.iter().map(|i| i.team_id).collect();
    // Nobody gives themselves a role, also not by naming themselves for a new team.
    let others: Vec<&User> = users.iter().filter(|u| Some(u.id) != caller.principal().map(|p| p.user_id)).collect();
    let person = notice.person;
    let content = html! {
        h1 { "Administration" }
        p.muted.lead { "Who may sign in and what each may do. A person's rights come from the role they hold in each team (manager, member or executive); administrators also manage the workspace. Each role's rights are listed below; every role given or taken is written to the audit log." }
        @if let Some((user, password)) = notice.created {
            section.card.alert.success role="status" {
                h2 { "Account created for " (user.name) }
                p { "Give " (user.email) " this password; it is shown only this once:" }
                p { code.secret { (password) } }
                p.muted { "They can sign in at /login. Give them a role below so that they can work in a team." }
            }
        }
        @if let Some(errors) = notice.errors {
            section.card.alert role="alert" {
                h2 { "Nothing was changed" }
                ul { @for e in &errors.0 { li { strong { (e.field) } ": " (e.message) } } }
            }
        }
        section.card id="people" {
            h2 { "People" }
            table.people tabindex="0" {
                thead { tr { th { "Name" } th { "Email" } th { "Roles" } } }
                tbody { @for user in &users {
                    @let roles: Vec<&str> = held.iter().filter(|(id, _)| *id == user.id).map(|(_, r)| r.as_str()).collect();
                    tr {
                        td { (user.name) @if user.is_admin { " " span.badge.proposal-presented { "administrator" } } }
                        td { (user.email) }
                        td { @if roles.is_empty() { span.muted { "none" } } @else { (roles.join("; ")) } }
                    }
                } }
            }
        }
        @let pending: Vec<(&leadup_core::team::Team, Role, &str)> = teams.iter().flat_map(|t| Role::ALL.into_iter().flat_map(move |role| {
            t.people(role).iter().filter(|p| p.user_id.is_none()).map(move |p| (t, role, p.name.as_str()))
        })).collect();
        @if !pending.is_empty() {
            section.card id="pending" {
                h2 { "No account yet" }
                p.muted { "Named on a team before roles were the one source of who is in it, and matching no user. Adding a person of that name (case and spacing aside) gives them the role; or remove someone who will not get an account." }
                table.people tabindex="0" {
                    thead { tr { th { "Name" } th { "Named as" } th { "" } } }
                    tbody { @for (team, role, name) in &pending {
                        tr {
                            td { (name) }
                            td { (role.as_str()) " of " (team.name) }
                            td {
                                form.inline method="post" action="/admin/pending" {
                                    input type="hidden" name=(CSRF_FIELD) value=(caller.csrf());
                                    input type="hidden" name="team" value=(team.id);
                                    input type="hidden" name="role" value=(role.as_str());
                                    input type="hidden" name="name" value=(name);
                                    button.secondary type="submit" aria-label={ "Remove " (name) " as " (role.as_str()) " of " (team.name) } { "Remove" }
                                }
                            }
                        }
                    } }
                }
            }
        }
        section.card id="teams" {
            h2 { "Teams" }
            @if let Some((errors, form)) = notice.team {
                @if let Some(team) = form.team.and_then(|id| teams.iter().find(|t| t.id == id)) {
                    p { "Team " strong { (team.name) } " was not changed." }
                }
                (errors_in_words(errors, team_label))
            }
            @if teams.is_empty() {
                p.muted { "No teams yet: add the first one below." }
            } @else {
                table.team-admin {
                    thead { tr { th { "Team" } th { "People" } th { "Rename" } th { span.visually-hidden { "Delete" } } } }
                    tbody { @for team in &teams {
                        @let count = team.managers.len() + team.members.len() + team.executives.len();
                        tr {
                            td { a href={ "/teams/" (team.id) } { (team.name) } }
                            td { (count) (if count == 1 { " person" } else { " people" }) }
                            td {
                                form.team-rename method="post" action={ "/teams/" (team.id) "/name" } {
                                    input type="hidden" name=(CSRF_FIELD) value=(caller.csrf());
                                    label.visually-hidden for={ "team-name-" (team.id) } { "New name of " (team.name) }
                                    input type="text" id={ "team-name-" (team.id) } name="name" required maxlength="100" value=(team.name);
                                    button.secondary type="submit" aria-label={ "Rename " (team.name) } { "Rename" }
                                }
                            }
                            td {
                                @if with_initiatives.contains(&team.id) {
                                    span.muted { "has initiatives" }
                                } @else {
                                    form.inline method="post" action={ "/teams/" (team.id) "/delete" } {
                                        input type="hidden" name=(CSRF_FIELD) value=(caller.csrf());
                                        button.secondary type="submit" aria-label={ "Delete " (team.name) } { "Delete" }
                                    }
                                }
                            }
                        }
                    } }
                }
                p.muted.hint { "A team that has initiatives, work items, proposals or briefs cannot be deleted: they are its history. Give or take the roles of its people below." }
            }
            @let sent = notice.team.map(|(_, form)| form).filter(|form| form.team.is_none());
            form.admin-form.team-add method="post" action="/admin/teams" {
                input type="hidden" name=(CSRF_FIELD) value=(caller.csrf());
                h3 { "Add a team" }
                div.field-grid {
                    label.field { span.label { "Team name" }
                        input type="text" name="name" required maxlength="100" value=[sent.map(|f| f.name.as_str())]; }
                    label.field { span.label { "Manager (optional)" }
                        select name="manager" {
                            option value="" { "nobody yet" }
                            @for user in &others { option value=(user.id) selected[sent.is_some_and(|f| f.manager == user.id.to_string())] { (user.name) " (" (user.email) ")" } }
                        } }
                    label.field { span.label { "Executive it reports to (optional)" }
                        select name="executive" {
                            option value="" { "nobody yet" }
                            @for user in &others { option value=(user.id) selected[sent.is_some_and(|f| f.executive == user.id.to_string())] { (user.name) " (" (user.email) ")" } }
                        } }
                }
                p.muted.hint { "Members are added afterwards with “Give or take a role”. Roles given here are written to the audit log like any other." }
                div.actions { button type="submit" { "Add team" } }
            }
        }
        div.grid-2 {
            section.card id="roles" {
                h2 { "Give or take a role" }
                form.admin-form method="post" action="/admin/roles" {
                    input type="hidden" name=(CSRF_FIELD) value=(caller.csrf());
                    div.field-grid {
                        label.field { span.label { "Person" }
                            select name="user" {
                                @for user in users.iter().filter(|u| Some(u.id) != caller.principal().map(|p| p.user_id)) {
                                    option value=(user.id) { (user.name) " (" (user.email) ")" }
                                }
                            } }
                        label.field { span.label { "Team" }
                            select name="team" { @for team in &teams { option value=(team.id) { (team.name) } } } }
                        label.field { span.label { "Role" }
                            select name="role" {
                                @for role in Role::ALL { option value=(role.as_str()) { (role.as_str()) } }
                                option value="none" { "no role (take it away)" }
                            } }
                    }
                    p.muted.hint { "A person holds at most one role per team: giving one replaces the one they had. Your own roles are given by another administrator." }
                    div.actions { button type="submit" { "Save role" } }
                }
            }
            section.card id="add" {
                h2 { "Add a person" }
                form.admin-form method="post" action="/admin/users" {
                    input type="hidden" name=(CSRF_FIELD) value=(caller.csrf());
                    label.field { span.label { "Email" } input type="email" name="email" value=[person.map(|p| p.email.as_str())] required; }
                    label.field { span.label { "Name" } input type="text" name="name" value=[person.map(|p| p.name.as_str())] required; }
                    label.check { input type="checkbox" name="admin" value="on" checked[person.is_some_and(|p| p.admin.is_some())]; " Workspace administrator" }
                    p.muted.hint { "leadup generates their password and shows it here once (a new one: " code { "leadup user password EMAIL" } "). Someone listed under “No account yet” gets those roles when added with that name." }
                    div.actions { button type="submit" { "Add person" } }
                }
            }
        }
        (rights())
    };
    Ok(layout::page("Administration", workspace.as_ref(), None, caller, &content))
}

/// What each standing in a team may do, from the permission matrix itself.
fn rights() -> Markup {
    use leadup_core::access::{Action, Standing, allows};
    let heading = |standing: Standing| match standing {
        Standing::Admin => "Administrator (no role in the team)",
        Standing::Role(Role::Manager) => "Manager",
        Standing::Role(Role::Member) => "Member",
        Standing::Role(Role::Executive) => "Executive",
        Standing::Outsider => "Anyone else signed in",
    };
    html! {
        section.card id="rights" {
            h2 { "What each role may do" }
            p.muted { "In a team, by the role held there. An administrator who also holds a role has the rights of both." }
            div.scroll {
                table.rights tabindex="0" {
                    thead { tr { th { "Action" } @for standing in Standing::ALL { th.center { (heading(standing)) } } } }
                    tbody { @for action in Action::ALL { tr {
                        td { (crate::auth::sentence(action)) }
                        @for standing in Standing::ALL {
                            @if allows(standing, action) { td.center { span aria-hidden="true" { "✓" } span.visually-hidden { "yes" } } }
                            @else { td.center.muted { span aria-hidden="true" { "–" } span.visually-hidden { "no" } } }
                        }
                    } } }
                }
            }
        }
    }
}
