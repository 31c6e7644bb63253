//! The strategy's forms, for those who may edit it (`edit_strategy`): the workspace's name and
//! mission and a key result's new value (both on `/strategy`), and an objective with its owner
//! and key results (`/objectives/new`, `/objectives/{id}/edit`), which can be deleted while no
//! initiative or proposal serves it. Each goes through the same validation and store calls as
//! the API; a refused form is shown again with every bad field named in its own words, and
//! nothing is saved.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leadup_core::ValidationErrors;
use leadup_core::strategy::{KeyResultInput, MeasurementInput, Objective, ObjectiveInput, Workspace, carry_history};
use leadup_store::StoreError;
use maud::html;

use super::form::{Fields, errors_in_words, has_error, value};
use super::layout::{self, Section};
use super::strategy::{self, Failed};
use super::{PageError, PageResult, missing};
use crate::auth::{CSRF_FIELD, Caller};
use crate::charts::key_result::number;
use crate::{AppError, AppState};

/// A refused form's page, answered 422.
fn refused(page: PageResult) -> Response {
    match page {
        Ok(page) => (StatusCode::UNPROCESSABLE_ENTITY, page).into_response(),
        Err(error) => error.into_response(),
    }
}

pub(crate) async fn save_workspace(
    State(state): State<AppState>,
    caller: Caller,
    Form(fields): Form<Fields>,
) -> Response {
    let workspace = Workspace { name: value(Some(&fields), "name"), mission: value(Some(&fields), "mission") };
    let result = match workspace.validate() {
        Ok(valid) => state.store.save_workspace(&valid).await.map_err(AppError::from),
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok(()) => Redirect::to("/strategy").into_response(),
        Err(AppError::Invalid(errors)) => {
            let failed = Failed { form: strategy::Form::Workspace, errors: &errors, fields: &fields };
            refused(strategy::render(&state, &caller, Some(failed)).await)
        }
        Err(other) => PageError::from(other).into_response(),
    }
}

/// A number as typed: `12.5`, `-3`, `1,200` (commas separate thousands).
fn parse_number(text: &str) -> Option<f64> {
    let cleaned: String = text.trim().chars().filter(|c| *c != ',' && *c != '_' && !c.is_whitespace()).collect();
    cleaned.parse::<f64>().ok().filter(|v| v.is_finite())
}

fn not_a_number(text: &str) -> String {
    format!("'{}' is not a number such as 42, 12.5 or 1,200", text.trim())
}

pub(crate) async fn record_value(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, index)): Path<(String, String)>,
    Form(fields): Form<Fields>,
) -> Response {
    let (Ok(id), Ok(index)) = (id.parse::<i64>(), index.parse::<usize>()) else {
        return missing("This key result").into_response();
    };
    let Some(principal) = caller.principal() else {
        return PageError::from(AppError::Unauthorized("Sign in first.".into())).into_response();
    };
    let text = value(Some(&fields), "value");
    let on = Some(value(Some(&fields), "on")).filter(|on| !on.trim().is_empty());
    let parsed = if let Some(number) = parse_number(&text) {
        MeasurementInput { value: number, on }.validate(state.today())
    } else {
        let mut errors = ValidationErrors::single("value", not_a_number(&text));
        // The day is still checked, so that one answer names every bad field.
        if let Err(more) = (MeasurementInput { value: 0.0, on }.validate(state.today())) {
            errors.0.extend(more.0);
        }
        Err(errors)
    };
    let result = match parsed {
        Ok(measurement) => state
            .store
            .record_key_result_value(id, index, measurement, state.actor(principal.user_id))
            .await
            .map_err(AppError::from),
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok(_) => Redirect::to(&format!("/strategy#kr-{id}-{index}")).into_response(),
        Err(AppError::Invalid(errors)) => {
            let failed = Failed { form: strategy::Form::Value(id, index), errors: &errors, fields: &fields };
            refused(strategy::render(&state, &caller, Some(failed)).await)
        }
        Err(AppError::NotFound(_)) => missing("This key result").into_response(),
        Err(other) => PageError::from(other).into_response(),
    }
}

// ---------------------------------------------------------------------------------------
// The objective form

/// How many empty key-result rows the form offers besides the stored ones.
const SPARE_ROWS: usize = 2;

/// What the objective form holds: what was sent, else the stored objective (or nothing).
struct Sheet<'a> {
    stored: Option<&'a Objective>,
    fields: Option<&'a Fields>,
    errors: Option<&'a ValidationErrors>,
    /// The form rows of the key results the input holds (the rows not left empty), so that an
    /// error of `key_results[k]` names the row the user sees.
    rows: &'a [usize],
    /// Why the objective could not be deleted, if that was asked.
    delete_refused: Option<&'a str>,
}

impl Sheet<'_> {
    fn get(&self, name: &str) -> String {
        if self.fields.is_some() {
            return value(self.fields, name);
        }
        let Some(stored) = self.stored else { return String::new() };
        match name {
            "title" => stored.title.clone(),
            "owner" => stored.owner.clone(),
            "description" => stored.description.clone(),
            _ => {
                let Some((prefix, k)) = name.rsplit_once('_') else { return String::new() };
                let Some(result) = k.parse::<usize>().ok().and_then(|k| stored.key_results.get(k)) else {
                    return String::new();
                };
                match prefix {
                    "kr_metric" => result.metric.clone(),
                    "kr_unit" => result.unit.clone(),
                    "kr_baseline" => number(result.baseline),
                    "kr_target" => number(result.target),
                    "kr_due" => leadup_core::date::format(result.due),
                    _ => String::new(),
                }
            }
        }
    }

    fn row_count(&self) -> usize {
        let sent = self.fields.map_or(0, |fields| {
            fields
                .iter()
                .filter_map(|(k, _)| k.strip_prefix("kr_metric_")?.parse::<usize>().ok())
                .map(|i| i + 1)
                .max()
                .unwrap_or(0)
        });
        let stored = self.stored.map_or(0, |o| o.key_results.len() + SPARE_ROWS);
        sent.max(stored).clamp(SPARE_ROWS + 1, MAX_ROWS)
    }

    /// A field's name in the form's words.
    fn label(&self, field: &str) -> Option<String> {
        let plain = match field {
            "title" => "Objective",
            "owner" => "Owner",
            "description" => "Why it matters",
            "delete" => "Delete",
            _ => "",
        };
        if !plain.is_empty() {
            return Some(plain.to_owned());
        }
        let (index, part) = field.strip_prefix("key_results[")?.split_once("].")?;
        let row = self.rows.get(index.parse::<usize>().ok()?).copied()?;
        let part = match part {
            "metric" => "metric",
            "unit" => "unit",
            "baseline" => "baseline",
            "target" => "target",
            "current" => "current value",
            "due" => "due date",
            other => other,
        };
        Some(format!("Key result {}, {part}", row + 1))
    }
}

/// The most key-result rows a form may send.
const MAX_ROWS: usize = 20;

/// The input the form describes, the form rows it took key results from, and the numbers that
/// did not parse. A row left empty is no key result. A key result keeps the current value of
/// the stored one whose history it takes over (`carry_history`); a new one starts at its baseline.
fn input_of(fields: &Fields, stored: Option<&Objective>) -> (ObjectiveInput, Vec<usize>, ValidationErrors) {
    let get = |name: &str| value(Some(fields), name);
    let mut errors = ValidationErrors::default();
    let mut rows = Vec::new();
    let mut key_results = Vec::new();
    for row in 0..MAX_ROWS {
        let cell = |part: &str| get(&format!("kr_{part}_{row}"));
        let parts = ["metric", "unit", "baseline", "target", "due"].map(cell);
        if parts.iter().all(|p| p.trim().is_empty()) {
            continue;
        }
        let k = key_results.len();
        let mut parse = |part: &str, text: &str| {
            parse_number(text).unwrap_or_else(|| {
                errors.add(
                    format!("key_results[{k}].{part}"),
                    if text.trim().is_empty() { "must be given".to_owned() } else { not_a_number(text) },
                );
                0.0
            })
        };
        let baseline = parse("baseline", &parts[2]);
        // A target that did not parse is set apart from the baseline, so that it is named once.
        let target = parse_number(&parts[3]).unwrap_or_else(|| parse("target", &parts[3]) + baseline + 1.0);
        rows.push(row);
        key_results.push(KeyResultInput {
            metric: parts[0].clone(),
            unit: parts[1].clone(),
            baseline,
            target,
            current: None,
            due: parts[4].clone(),
        });
    }
    if let Some(stored) = stored {
        let old: Vec<String> = stored.key_results.iter().map(|kr| kr.metric.clone()).collect();
        let new: Vec<String> = key_results.iter().map(|kr| kr.metric.trim().to_owned()).collect();
        for (old_kr, goes) in stored.key_results.iter().zip(carry_history(&old, &new)) {
            if let Some(kr) = goes.and_then(|k| key_results.get_mut(k)) {
                kr.current = Some(old_kr.current);
            }
        }
    }
    let input =
        ObjectiveInput { title: get("title"), description: get("description"), owner: get("owner"), key_results };
    (input, rows, errors)
}

/// What saving a form came to: saved, or refused with the errors and the form rows of the
/// key results.
type Saved = Result<Objective, (ValidationErrors, Vec<usize>)>;

/// Validates and stores what the form describes: a new objective, or objective `stored`.
async fn save(state: &AppState, fields: &Fields, stored: Option<&Objective>) -> Result<Saved, PageError> {
    let (input, rows, parse_errors) = input_of(fields, stored);
    let mut errors = parse_errors;
    let draft = match input.validate() {
        Ok(draft) if errors.0.is_empty() => draft,
        Ok(_) => return Ok(Err((in_form_order(errors), rows))),
        Err(invalid) => {
            errors.0.extend(invalid.0);
            return Ok(Err((in_form_order(errors), rows)));
        }
    };
    let saved = match stored {
        None => state.store.create_objective(&draft).await,
        Some(stored) => state.store.update_objective(stored.id, &draft).await,
    };
    match saved {
        Ok(objective) => Ok(Ok(objective)),
        Err(StoreError::Invalid(invalid)) => Ok(Err((invalid, rows))),
        Err(other) => Err(other.into()),
    }
}

/// The errors in the order the form shows its fields: the objective's, then each key result's.
fn in_form_order(mut errors: ValidationErrors) -> ValidationErrors {
    const PARTS: [&str; 6] = ["metric", "unit", "baseline", "target", "current", "due"];
    let rank = |field: &str| match field {
        "title" => (0, 0),
        "owner" => (1, 0),
        "description" => (2, 0),
        _ => field
            .strip_prefix("key_results[")
            .and_then(|rest| rest.split_once("]."))
            .and_then(|(k, part)| Some((3 + k.parse::<usize>().ok()?, PARTS.iter().position(|p| *p == part)?)))
            .unwrap_or((usize::MAX, 0)),
    };
    errors.0.sort_by_key(|e| rank(&e.field));
    errors
}

async fn objective_of(state: &AppState, id: &str) -> Result<Objective, PageError> {
    let Ok(id) = id.parse::<i64>() else { return Err(missing(&format!("Objective '{id}'"))) };
    state.store.objective(id).await.map_err(|e| match e {
        StoreError::NotFound { .. } => missing(&format!("Objective {id}")),
        other => other.into(),
    })
}

pub(crate) async fn new_form(State(state): State<AppState>, caller: Caller) -> PageResult {
    let sheet = Sheet { stored: None, fields: None, errors: None, rows: &[], delete_refused: None };
    render_form(&state, &caller, &sheet).await
}

pub(crate) async fn edit_form(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> PageResult {
    let stored = objective_of(&state, &id).await?;
    let sheet = Sheet { stored: Some(&stored), fields: None, errors: None, rows: &[], delete_refused: None };
    render_form(&state, &caller, &sheet).await
}

pub(crate) async fn create(State(state): State<AppState>, caller: Caller, Form(fields): Form<Fields>) -> Response {
    match save(&state, &fields, None).await {
        Err(error) => error.into_response(),
        Ok(Ok(objective)) => Redirect::to(&format!("/strategy#objective-{}", objective.id)).into_response(),
        Ok(Err((errors, rows))) => {
            let sheet =
                Sheet { stored: None, fields: Some(&fields), errors: Some(&errors), rows: &rows, delete_refused: None };
            refused(render_form(&state, &caller, &sheet).await)
        }
    }
}

pub(crate) async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> Response {
    let stored = match objective_of(&state, &id).await {
        Ok(stored) => stored,
        Err(error) => return error.into_response(),
    };
    match save(&state, &fields, Some(&stored)).await {
        Err(error) => error.into_response(),
        Ok(Ok(objective)) => Redirect::to(&format!("/strategy#objective-{}", objective.id)).into_response(),
        Ok(Err((errors, rows))) => {
            let sheet = Sheet {
                stored: Some(&stored),
                fields: Some(&fields),
                errors: Some(&errors),
                rows: &rows,
                delete_refused: None,
            };
            refused(render_form(&state, &caller, &sheet).await)
        }
    }
}

pub(crate) async fn delete(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Response {
    let stored = match objective_of(&state, &id).await {
        Ok(stored) => stored,
        Err(error) => return error.into_response(),
    };
    match state.store.delete_objective(stored.id).await {
        Ok(()) => Redirect::to("/strategy").into_response(),
        Err(StoreError::Conflict(why)) => {
            let sheet =
                Sheet { stored: Some(&stored), fields: None, errors: None, rows: &[], delete_refused: Some(&why) };
            (StatusCode::CONFLICT, render_form(&state, &caller, &sheet).await).into_response()
        }
        Err(other) => PageError::from(other).into_response(),
    }
}

async fn render_form(state: &AppState, caller: &Caller, sheet: &Sheet<'_>) -> PageResult {
    let workspace = state.store.workspace().await?;
    // Owners are executives: offered by name, as the stakeholder pages match them.
    let mut executives: Vec<String> =
        state.store.teams().await?.iter().flat_map(|t| t.executives.iter().map(|p| p.name.clone())).collect();
    executives.sort();
    executives.dedup();
    let serving: Vec<String> = match sheet.stored {
        Some(stored) => state
            .store
            .initiatives()
            .await?
            .into_iter()
            .filter(|i| i.objective_ids.contains(&stored.id))
            .map(|i| i.title)
            .collect(),
        None => Vec::new(),
    };
    let title = sheet.stored.map_or_else(|| "New objective".to_owned(), |o| format!("Edit · {}", o.title));
    let action = sheet.stored.map_or_else(|| "/objectives".to_owned(), |o| format!("/objectives/{}", o.id));
    let invalid = |field: &str| has_error(sheet.errors, field);
    let row_invalid = |row: usize, part: &str| {
        sheet.rows.iter().position(|r| *r == row).is_some_and(|k| invalid(&format!("key_results[{k}].{part}")))
    };
    let content = html! {
        p.crumbs { a href="/strategy" { "Strategy" } " / " @if let Some(stored) = sheet.stored { (stored.title) } @else { "New objective" } }
        h1 { @if sheet.stored.is_some() { "Edit the objective" } @else { "Add an objective" } }
        p.muted.lead { "A company goal, the executive who owns it, and the key results that measure it: each a metric moving from a baseline to a target by a due date. Progress is the share of the way from baseline to target; record new values on the strategy page, where they are kept as history." }
        form.card.strategy-form.objective-form method="post" action=(action) {
            input type="hidden" name=(CSRF_FIELD) value=(caller.csrf());
            @if let Some(errors) = sheet.errors { (errors_in_words(errors, |f| sheet.label(f))) }
            div.field-grid {
                label.field.invalid[invalid("title")] { span.label { "Objective" }
                    input type="text" name="title" required maxlength="200" value=(sheet.get("title")) placeholder="e.g. Grow revenue from existing customers"; }
                label.field.invalid[invalid("owner")] { span.label { "Owner" }
                    input type="text" name="owner" required maxlength="200" list="executives" value=(sheet.get("owner")) placeholder="The executive accountable for it";
                    span.muted.hint { "An executive's name links the objective to their stakeholder profile." } }
            }
            datalist id="executives" { @for name in &executives { option value=(name) {} } }
            label.field.wide.invalid[invalid("description")] { span.label { "Why it matters" }
                textarea name="description" rows="3" maxlength="4000" { (sheet.get("description")) } }
            fieldset.key-result-rows {
                legend { "Key results" }
                p.muted.hint { "Leave a row empty to leave it out; empty a row to remove that key result and its history. Renaming a metric in its row keeps its history." }
                @for row in 0..sheet.row_count() {
                    div.key-result-row {
                        span.row-number aria-hidden="true" { (row + 1) }
                        @for (part, label, kind, hint) in [
                            ("metric", "Metric", "text", "e.g. Net revenue retention"),
                            ("unit", "Unit", "text", "%"),
                            ("baseline", "Baseline", "decimal", "e.g. 104"),
                            ("target", "Target", "decimal", "e.g. 110"),
                            ("due", "Due", "date", ""),
                        ] {
                            @let name = format!("kr_{part}_{row}");
                            label class={ "field kr-" (part) @if row_invalid(row, part) { " invalid" } } {
                                span.label { (label) span.visually-hidden { " of key result " (row + 1) } }
                                @match kind {
                                    "date" => { input type="date" name=(name) value=(sheet.get(&name)); }
                                    "decimal" => { input type="text" inputmode="decimal" name=(name) value=(sheet.get(&name)) placeholder=(hint); }
                                    _ => { input type="text" name=(name) value=(sheet.get(&name)) placeholder=(hint); }
                                }
                            }
                        }
                    }
                }
            }
            div.actions {
                a.button.secondary href="/strategy" { "Cancel" }
                button type="submit" { @if sheet.stored.is_some() { "Save objective" } @else { "Add objective" } }
            }
        }
        @if let Some(stored) = sheet.stored {
            section.card.danger-zone id="delete" {
                h2 { "Delete this objective" }
                @if let Some(why) = sheet.delete_refused {
                    div.alert.error-box role="alert" { p { strong { "Not deleted: " } (why) "." } }
                }
                @if serving.is_empty() {
                    p.muted { "Deleting removes the objective, its key results and their history. This cannot be undone." }
                    form method="post" action={ "/objectives/" (stored.id) "/delete" } {
                        input type="hidden" name=(CSRF_FIELD) value=(caller.csrf());
                        button.secondary type="submit" { "Delete objective" }
                    }
                } @else {
                    p { "Served by " (serving.join(", ")) ": link those initiatives to another objective before deleting this one, so that none is left unaligned." }
                }
            }
        }
    };
    Ok(layout::page(&title, workspace.as_ref(), Some(Section::Strategy), caller, &content))
}

#[cfg(test)]
mod tests {
    use leadup_core::strategy::Objective;

    fn fields(pairs: &[(&str, &str)]) -> super::Fields {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn rows_left_empty_are_skipped_and_errors_name_the_row_seen() {
        let sent = fields(&[
            ("title", "Grow"),
            ("owner", "Ada"),
            ("kr_metric_0", ""),
            ("kr_metric_1", "NPS"),
            ("kr_baseline_1", "twenty"),
            ("kr_target_1", "40"),
            ("kr_due_1", "2027-06-30"),
        ]);
        let (input, rows, errors) = super::input_of(&sent, None);
        assert_eq!(rows, vec![1]);
        assert_eq!(input.key_results.len(), 1);
        assert_eq!(errors.summary(), "key_results[0].baseline: 'twenty' is not a number such as 42, 12.5 or 1,200");
        let sheet = super::Sheet { stored: None, fields: Some(&sent), errors: None, rows: &rows, delete_refused: None };
        assert_eq!(sheet.label("key_results[0].baseline").as_deref(), Some("Key result 2, baseline"));
        assert_eq!(sheet.label("owner").as_deref(), Some("Owner"));
    }

    #[test]
    fn a_key_result_keeps_the_current_value_of_the_one_whose_history_it_takes() {
        let stored: Objective = Objective {
            id: 1,
            title: "Grow".into(),
            description: String::new(),
            owner: "Ada".into(),
            key_results: vec![leadup_core::strategy::KeyResult {
                metric: "NPS".into(),
                unit: String::new(),
                baseline: 20.0,
                target: 40.0,
                current: 31.5,
                due: time::macros::date!(2027 - 06 - 30),
            }],
        };
        let sent = fields(&[
            ("title", "Grow"),
            ("owner", "Ada"),
            ("kr_metric_0", "Signups"),
            ("kr_baseline_0", "1,000"),
            ("kr_target_0", "2,000"),
            ("kr_due_0", "2027-06-30"),
            ("kr_metric_1", "NPS"),
            ("kr_baseline_1", "20"),
            ("kr_target_1", "45"),
            ("kr_due_1", "2027-06-30"),
        ]);
        let (input, _, errors) = super::input_of(&sent, Some(&stored));
        assert!(errors.0.is_empty());
        assert_eq!(input.key_results[0].current, None);
        assert!((input.key_results[0].baseline - 1000.0).abs() < 1e-9);
        assert_eq!(input.key_results[1].current, Some(31.5));
    }
}
