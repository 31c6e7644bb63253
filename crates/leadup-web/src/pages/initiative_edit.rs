//! A team's manager adds, edits and deletes its initiatives in the browser
//! (`/teams/{id}/initiatives/new`, `/initiatives/{id}/edit`): title, outcome, the objectives
//! served, horizon or target window, status and budget, through the same validation and store
//! calls as the API. A refused form is shown again with every bad field named in its own words,
//! and nothing is saved; a deletion the store refuses (a plan or commitment names the
//! initiative) says why.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leadup_core::ValidationErrors;
use leadup_core::date;
use leadup_core::initiative::{DEFAULT_CURRENCY, Horizon, Initiative, InitiativeInput, Status};
use leadup_core::money::{major_units, parse_amount};
use leadup_core::team::Team;
use leadup_store::StoreError;
use maud::html;

use super::form::{Fields, errors_in_words, has_error, value, values};
use super::layout::{self, Section};
use super::{PageError, PageResult, missing};
use crate::AppState;
use crate::auth::{CSRF_FIELD, Caller};

/// The form's fields in the order it shows them, for listing errors in that order.
const FIELD_ORDER: [&str; 10] = [
    "title",
    "outcome",
    "objective_ids",
    "horizon",
    "status",
    "target_start",
    "target_end",
    "budget_planned",
    "budget_actual",
    "currency",
];

/// `errors` in the order the form shows its fields.
fn in_form_order(mut errors: ValidationErrors) -> ValidationErrors {
    errors.0.sort_by_key(|e| FIELD_ORDER.iter().position(|f| *f == e.field).unwrap_or(FIELD_ORDER.len()));
    errors
}

/// A field's name in the form's words.
fn label(field: &str) -> Option<String> {
    let words = match field {
        "title" => "Initiative",
        "outcome" => "Outcome",
        "objective_ids" => "Objectives served",
        "horizon" => "Horizon",
        "target_start" => "Window start",
        "target_end" => "Window end",
        "status" => "Status",
        "budget_planned" => "Planned budget",
        "budget_actual" => "Spent so far",
        "currency" => "Currency",
        "team_id" => "Team",
        "delete" => "Delete",
        _ => return None,
    };
    Some(words.to_owned())
}

/// The input the form describes for team `team`, and the amounts that did not parse.
fn input_of(fields: &Fields, team: i64) -> (InitiativeInput, ValidationErrors) {
    let get = |name: &str| value(Some(fields), name);
    let optional = |name: &str| Some(get(name)).filter(|v| !v.trim().is_empty());
    let mut errors = ValidationErrors::default();
    let mut amount = |field: &str| {
        let text = get(field);
        if text.trim().is_empty() {
            return 0;
        }
        parse_amount(&text).unwrap_or_else(|reason| {
            errors.add(field, reason);
            0
        })
    };
    let (budget_planned, budget_actual) = (amount("budget_planned"), amount("budget_actual"));
    let mut objective_ids = Vec::new();
    for id in values(fields, "objective") {
        match id.parse::<i64>() {
            Ok(id) => objective_ids.push(id),
            Err(_) => errors.add("objective_ids", format!("'{id}' is not an objective")),
        }
    }
    let input = InitiativeInput {
        title: get("title"),
        outcome: get("outcome"),
        team_id: team,
        objective_ids,
        horizon: optional("horizon"),
        target_start: optional("target_start"),
        target_end: optional("target_end"),
        status: optional("status").unwrap_or_else(|| Status::Proposed.as_str().to_owned()),
        budget_planned,
        budget_actual,
        currency: optional("currency").map_or_else(|| DEFAULT_CURRENCY.to_owned(), |c| c.trim().to_uppercase()),
    };
    (input, errors)
}

/// The form's fields holding `initiative` as stored.
fn fields_of(initiative: &Initiative) -> Fields {
    let mut fields: Fields = vec![
        ("title".into(), initiative.title.clone()),
        ("outcome".into(), initiative.outcome.clone()),
        ("horizon".into(), initiative.horizon.map(|h| h.as_str().to_owned()).unwrap_or_default()),
        ("target_start".into(), initiative.window.map(|w| date::format(w.start)).unwrap_or_default()),
        ("target_end".into(), initiative.window.map(|w| date::format(w.end)).unwrap_or_default()),
        ("status".into(), initiative.status.as_str().to_owned()),
        ("budget_planned".into(), amount_text(initiative.budget_planned)),
        ("budget_actual".into(), amount_text(initiative.budget_actual)),
        ("currency".into(), initiative.currency.as_str().to_owned()),
    ];
    fields.extend(initiative.objective_ids.iter().map(|id| ("objective".to_owned(), id.to_string())));
    fields
}

fn amount_text(minor: i64) -> String {
    if minor == 0 { String::new() } else { major_units(minor) }
}

async fn team_of(state: &AppState, id: &str) -> Result<Team, PageError> {
    let Ok(id) = id.parse::<i64>() else { return Err(missing(&format!("Team '{id}'"))) };
    state.store.team(id).await.map_err(|e| match e {
        StoreError::NotFound { .. } => missing(&format!("Team {id}")),
        other => other.into(),
    })
}

async fn initiative_of(state: &AppState, id: &str) -> Result<Initiative, PageError> {
    let Ok(id) = id.parse::<i64>() else { return Err(missing(&format!("Initiative '{id}'"))) };
    state.store.initiative(id).await.map_err(|e| match e {
        StoreError::NotFound { .. } => missing(&format!("Initiative {id}")),
        other => other.into(),
    })
}

/// What the form shows: for a new initiative or a stored one, what was sent or stored, and why
/// it was refused.
struct Sheet<'a> {
    team: &'a Team,
    stored: Option<&'a Initiative>,
    fields: &'a Fields,
    errors: Option<&'a ValidationErrors>,
    delete_refused: Option<&'a str>,
}

pub(crate) async fn new_form(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> PageResult {
    let team = team_of(&state, &id).await?;
    let fields: Fields = vec![("status".into(), Status::Proposed.as_str().into()), ("horizon".into(), "next".into())];
    render(&state, &caller, &Sheet { team: &team, stored: None, fields: &fields, errors: None, delete_refused: None })
        .await
}

pub(crate) async fn edit_form(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> PageResult {
    let stored = initiative_of(&state, &id).await?;
    let team = state.store.team(stored.team_id).await?;
    let fields = fields_of(&stored);
    render(
        &state,
        &caller,
        &Sheet { team: &team, stored: Some(&stored), fields: &fields, errors: None, delete_refused: None },
    )
    .await
}

/// Validates and stores the form: a new initiative of `team`, or initiative `stored`.
async fn save(
    state: &AppState,
    fields: &Fields,
    team: &Team,
    stored: Option<&Initiative>,
) -> Result<Result<Initiative, ValidationErrors>, PageError> {
    let (input, mut errors) = input_of(fields, team.id);
    let draft = match input.validate() {
        Ok(draft) if errors.0.is_empty() => draft,
        Ok(_) => return Ok(Err(in_form_order(errors))),
        Err(invalid) => {
            errors.0.extend(invalid.0);
            return Ok(Err(in_form_order(errors)));
        }
    };
    let saved = match stored {
        None => state.store.create_initiative(&draft).await,
        Some(stored) => state.store.update_initiative(stored.id, &draft).await,
    };
    match saved {
        Ok(initiative) => {
            state.forecasts_changed(initiative.team_id);
            Ok(Ok(initiative))
        }
        Err(StoreError::Invalid(invalid)) => Ok(Err(invalid)),
        Err(other) => Err(other.into()),
    }
}

fn refused(page: PageResult, status: StatusCode) -> Response {
    match page {
        Ok(page) => (status, page).into_response(),
        Err(error) => error.into_response(),
    }
}

pub(crate) async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> Response {
    let team = match team_of(&state, &id).await {
        Ok(team) => team,
        Err(error) => return error.into_response(),
    };
    match save(&state, &fields, &team, None).await {
        Ok(Ok(initiative)) => Redirect::to(&format!("/initiatives/{}", initiative.id)).into_response(),
        Ok(Err(errors)) => {
            let sheet =
                Sheet { team: &team, stored: None, fields: &fields, errors: Some(&errors), delete_refused: None };
            refused(render(&state, &caller, &sheet).await, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(error) => error.into_response(),
    }
}

pub(crate) async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> Response {
    let stored = match initiative_of(&state, &id).await {
        Ok(stored) => stored,
        Err(error) => return error.into_response(),
    };
    let team = match state.store.team(stored.team_id).await {
        Ok(team) => team,
        Err(error) => return PageError::from(error).into_response(),
    };
    match save(&state, &fields, &team, Some(&stored)).await {
        Ok(Ok(initiative)) => Redirect::to(&format!("/initiatives/{}", initiative.id)).into_response(),
        Ok(Err(errors)) => {
            let sheet = Sheet {
                team: &team,
                stored: Some(&stored),
                fields: &fields,
                errors: Some(&errors),
                delete_refused: None,
            };
            refused(render(&state, &caller, &sheet).await, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(error) => error.into_response(),
    }
}

pub(crate) async fn delete(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Response {
    let stored = match initiative_of(&state, &id).await {
        Ok(stored) => stored,
        Err(error) => return error.into_response(),
    };
    match state.store.delete_initiative(stored.id).await {
        Ok(()) => {
            state.forecasts_changed(stored.team_id);
            Redirect::to(&format!("/teams/{}#initiatives", stored.team_id)).into_response()
        }
        Err(StoreError::Conflict(why)) => {
            let team = match state.store.team(stored.team_id).await {
                Ok(team) => team,
                Err(error) => return PageError::from(error).into_response(),
            };
            let fields = fields_of(&stored);
            let sheet =
                Sheet { team: &team, stored: Some(&stored), fields: &fields, errors: None, delete_refused: Some(&why) };
            refused(render(&state, &caller, &sheet).await, StatusCode::CONFLICT)
        }
        Err(other) => PageError::from(other).into_response(),
    }
}

async fn render(state: &AppState, caller: &Caller, sheet: &Sheet<'_>) -> PageResult {
    let workspace = state.store.workspace().await?;
    let objectives = state.store.objectives().await?;
    let team = sheet.team;
    let get = |name: &str| value(Some(sheet.fields), name);
    let chosen: Vec<&str> = values(sheet.fields, "objective").collect();
    let invalid = |field: &str| has_error(sheet.errors, field);
    let (title, action) = match sheet.stored {
        Some(stored) => (format!("Edit · {}", stored.title), format!("/initiatives/{}", stored.id)),
        None => (format!("New initiative · {}", team.name), format!("/teams/{}/initiatives", team.id)),
    };
    let content = html! {
        p.crumbs {
            a href="/teams" { "Teams" } " / " a href={ "/teams/" (team.id) } { (team.name) } " / "
            @match sheet.stored {
                Some(stored) => { a href={ "/initiatives/" (stored.id) } { (stored.title) } " / Edit" }
                None => { "New initiative" }
            }
        }
        h1 { @if sheet.stored.is_some() { "Edit the initiative" } @else { "Add an initiative to " (team.name) } }
        p.muted.lead { "A roadmap item of the team: the outcome it is after, the company objectives it serves, when it is aimed at (a horizon, or a target window whose end is its target date), its status and budget. Its progress and forecast come from the work items attached to it on its page." }
        form.card.initiative-form method="post" action=(action) {
            input type="hidden" name=(CSRF_FIELD) value=(caller.csrf());
            @if let Some(errors) = sheet.errors { (errors_in_words(errors, label)) }
            label.field.wide.invalid[invalid("title")] { span.label { "Initiative" }
                input type="text" name="title" required maxlength="200" value=(get("title")) placeholder="e.g. Instant refunds"; }
            label.field.wide.invalid[invalid("outcome")] { span.label { "Outcome" }
                textarea name="outcome" rows="3" maxlength="4000" { (get("outcome")) }
                span.muted.hint { "What changes for customers or the company when it is done." } }
            fieldset.initiative-objectives.invalid[invalid("objective_ids")] {
                legend { "Objectives served" }
                @if objectives.is_empty() {
                    p.muted { "The workspace has no objectives yet; the initiative will show as unaligned." }
                } @else {
                    @for objective in &objectives {
                        @let id = objective.id.to_string();
                        label.initiative-objective {
                            input type="checkbox" name="objective" value=(id) checked[chosen.contains(&id.as_str())];
                            " " (objective.title)
                        }
                    }
                    p.muted.hint { "An initiative that serves none is flagged as unaligned on the roadmap and the alignment page." }
                }
            }
            div.field-grid {
                label.field.invalid[invalid("horizon")] { span.label { "Horizon" }
                    select name="horizon" {
                        option value="" selected[get("horizon").is_empty()] { "from the target window" }
                        @for horizon in Horizon::ALL {
                            option value=(horizon.as_str()) selected[get("horizon") == horizon.as_str()] { (horizon.as_str()) }
                        }
                    }
                    span.muted.hint { "Give a horizon, a target window, or both." } }
                label.field.invalid[invalid("status")] { span.label { "Status" }
                    select name="status" {
                        @for status in Status::ALL {
                            option value=(status.as_str()) selected[get("status") == status.as_str()] { (status.label()) }
                        }
                    } }
                label.field.invalid[invalid("target_start")] { span.label { "Window start" }
                    input type="date" name="target_start" value=(get("target_start")); }
                label.field.invalid[invalid("target_end")] { span.label { "Window end (target date)" }
                    input type="date" name="target_end" value=(get("target_end")); }
                label.field.invalid[invalid("budget_planned")] { span.label { "Planned budget" }
                    input type="text" inputmode="decimal" name="budget_planned" value=(get("budget_planned")) placeholder="e.g. 120,000";
                    span.muted.hint { "In whole units of the currency, e.g. 120,000 or 950.50" } }
                label.field.invalid[invalid("budget_actual")] { span.label { "Spent so far" }
                    input type="text" inputmode="decimal" name="budget_actual" value=(get("budget_actual")) placeholder="0"; }
                label.field.invalid[invalid("currency")] { span.label { "Currency" }
                    input type="text" name="currency" maxlength="3" value=(get("currency")) placeholder=(DEFAULT_CURRENCY); }
            }
            div.actions {
                a.button.secondary href=(sheet.stored.map_or_else(|| format!("/teams/{}", team.id), |s| format!("/initiatives/{}", s.id))) { "Cancel" }
                button type="submit" { @if sheet.stored.is_some() { "Save initiative" } @else { "Add initiative" } }
            }
        }
        @if let Some(stored) = sheet.stored {
            section.card.danger-zone id="delete" {
                h2 { "Delete this initiative" }
                @if let Some(why) = sheet.delete_refused {
                    div.alert.error-box role="alert" { p { strong { "Not deleted: " } (why) "." } }
                }
                p.muted { "Deleting takes the initiative off the roadmap; the team's work items stay. One that a plan or a commitment names cannot be deleted: set its status to dropped instead." }
                form method="post" action={ "/initiatives/" (stored.id) "/delete" } {
                    input type="hidden" name=(CSRF_FIELD) value=(caller.csrf());
                    button.secondary type="submit" { "Delete initiative" }
                }
            }
        }
    };
    Ok(layout::page(&title, workspace.as_ref(), Some(Section::Teams), caller, &content))
}

#[cfg(test)]
mod tests {
    fn fields(pairs: &[(&str, &str)]) -> super::Fields {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn the_form_reads_amounts_in_whole_units_and_names_bad_ones() {
        let sent = fields(&[
            ("title", "Instant refunds"),
            ("objective", "3"),
            ("objective", "5"),
            ("horizon", ""),
            ("target_start", "2027-01-01"),
            ("target_end", "2027-03-31"),
            ("status", "planned"),
            ("budget_planned", "120,000.50"),
            ("budget_actual", "lots"),
            ("currency", "eur"),
        ]);
        let (input, errors) = super::input_of(&sent, 7);
        assert_eq!(input.team_id, 7);
        assert_eq!(input.objective_ids, vec![3, 5]);
        assert_eq!(input.horizon, None);
        assert_eq!(input.budget_planned, 12_000_050);
        assert_eq!(input.currency, "EUR");
        assert_eq!(
            errors.summary(),
            "budget_actual: 'lots' is not an amount in whole units, such as 12500 or 12,500.50"
        );
        assert_eq!(super::label("budget_actual").as_deref(), Some("Spent so far"));
    }
}
