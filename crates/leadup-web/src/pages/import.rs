//! `/teams/{id}/import`: upload a tracker export (Jira CSV, GitHub JSON, any CSV with a
//! column mapping) into a team, and see what the import did, bad rows by line.

use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use leadup_app::dashboard::{DEFAULT_WINDOW_DAYS, MAX_WINDOW_DAYS};
use leadup_core::ValidationErrors;
use leadup_core::team::Team;
use leadup_import::RowError;
use maud::{Markup, html};

use super::layout::{self, Section};
use super::{PageError, missing};
use crate::api::imports::run;
use crate::auth::{CSRF_FIELD, Caller};
use crate::imports::{FORMATS, ImportOptions, ImportReport};
use crate::{AppError, AppState};

/// Bad rows listed on the report page; the rest are counted.
const MAX_ROWS_SHOWN: usize = 200;

type Page = Result<(StatusCode, Markup), PageError>;

async fn team(state: &AppState, id: &str) -> Result<Team, PageError> {
    let Ok(id) = id.parse::<i64>() else { return Err(missing(&format!("Team '{id}'"))) };
    match state.store.team(id).await {
        Ok(team) => Ok(team),
        Err(leadup_store::StoreError::NotFound { .. }) => Err(missing(&format!("Team {id}"))),
        Err(other) => Err(other.into()),
    }
}

/// This server's address as the browser reached it, for the command examples.
pub(crate) async fn form(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Page {
    let team = team(&state, &id).await?;
    let defaults = ImportOptions { format: Some("jira".to_owned()), ..ImportOptions::default() };
    let form = Form {
        options: &defaults,
        strict: false,
        errors: &ValidationErrors::default(),
        origin: layout::origin(&headers),
    };
    render(&state, &caller, &team, &form, StatusCode::OK).await
}

/// The form as shown: the values sent (kept when the form comes back with errors).
struct Form<'a> {
    options: &'a ImportOptions,
    strict: bool,
    errors: &'a ValidationErrors,
    origin: String,
}

/// What the form sent.
/// The upload's settings, read from the form's fields before its file.
#[derive(Default)]
struct Settings {
    options: ImportOptions,
    strict: bool,
}

impl Settings {
    /// Takes the value of form field `name`; other fields are ignored.
    fn set(&mut self, name: &str, value: String) {
        let options = &mut self.options;
        let slot = match name {
            "format" => &mut options.format,
            "delimiter" => &mut options.delimiter,
            "key" => &mut options.key,
            "created" => &mut options.created,
            "started" => &mut options.started,
            "done" => &mut options.done,
            "title" => &mut options.title,
            "date_format" => &mut options.date_format,
            "utc_offset" => &mut options.utc_offset,
            "strict" => {
                self.strict = !value.is_empty();
                return;
            }
            _ => return,
        };
        *slot = Some(value);
    }
}

/// Imports the uploaded file as it arrives: the form's settings come first (the form puts the
/// file last), then the file streams into the import, so the server never holds it whole.
pub(crate) async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Page {
    let team = team(&state, &id).await?;
    let mut multipart = multipart?;
    let mut settings = Settings::default();
    let mut imported = None;
    while let Some(mut field) = multipart.next_field().await? {
        let name = field.name().unwrap_or_default().to_owned();
        if name != "file" {
            let value = field.text().await?;
            settings.set(&name, value);
            continue;
        }
        let file_name = field.file_name().filter(|n| !n.is_empty()).map(str::to_owned);
        if let (Some(file_name), Ok(format)) = (file_name, settings.options.format()) {
            let result = run(&state, team.id, &mut field, &format, settings.strict, &settings.options).await;
            imported = Some((file_name, format, result));
        }
        break;
    }
    let Some((file_name, format, result)) = imported else {
        let mut errors = settings.options.format().err().unwrap_or_default();
        errors.add("file", "choose a file to import");
        let form = Form {
            options: &settings.options,
            strict: settings.strict,
            errors: &errors,
            origin: layout::origin(&headers),
        };
        return render(&state, &caller, &team, &form, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    match result {
        Ok(report) => {
            let status = if report.written { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
            let workspace = state.store.workspace().await?;
            let content = report_page(&team, &report, &file_name, format.name(), state.today());
            Ok((
                status,
                layout::page(
                    &format!("Import into {}", team.name),
                    workspace.as_ref(),
                    Some(Section::Teams),
                    &caller,
                    &content,
                ),
            ))
        }
        Err(AppError::Invalid(errors)) => {
            let form = Form {
                options: &settings.options,
                strict: settings.strict,
                errors: &errors,
                origin: layout::origin(&headers),
            };
            render(&state, &caller, &team, &form, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(other) => Err(other.into()),
    }
}

fn report_page(team: &Team, report: &ImportReport, file: &str, format: &str, today: time::Date) -> Markup {
    let bad = report.errors.len();
    let window = report.window_to_show(today, DEFAULT_WINDOW_DAYS);
    html! {
        p.crumbs { a href="/teams" { "Teams" } " / " a href={ "/teams/" (team.id) } { (team.name) } " / Import" }
        h1 { "Import into " (team.name) }
        @if report.written {
            section.card.import-report id="import-report" {
                h2 { "Imported " (file) }
                dl.facts {
                    dt { "Format" } dd { (format) }
                    dt { "Rows read" } dd { (report.rows) }
                    dt { "New items" } dd { (report.inserted) }
                    dt { "Updated items" } dd { (report.updated) }
                    dt { "Bad rows skipped" } dd { (bad) }
                }
                @if let (Some(days), Some(latest)) = (window, report.latest) {
                    p.window-hint {
                        strong { "These items are older than the dashboard's last " (DEFAULT_WINDOW_DAYS) " days. " }
                        "The latest date among them is " (leadup_core::date::format(latest)) ", so the dashboard's usual window shows none of their flow."
                        @if days == MAX_WINDOW_DAYS { " Even its longest window (" (days) " days) reaches back only so far." }
                    }
                    p { a.button href={ "/teams/" (team.id) "?days=" (days) } { "See the last " (days) " days" } " " a href={ "/teams/" (team.id) "/import" } { "Import another file" } }
                } @else {
                    p { a.button href={ "/teams/" (team.id) } { "See the dashboard" } " " a href={ "/teams/" (team.id) "/import" } { "Import another file" } }
                }
            }
        } @else {
            section.card.alert.import-report id="import-report" {
                h2 { "Nothing was imported" }
                p { (file) " has " (bad) " bad row" @if bad != 1 { "s" } " of " (report.rows) ", and the import was strict, so nothing was written. Fix the rows below and upload the file again, or import without " em { "strict" } " to keep the good rows." }
                p { a href={ "/teams/" (team.id) "/import" } { "Back to the import form" } }
            }
        }
        (bad_rows(&report.errors))
    }
}

/// The bad rows of an import, by line (the first [`MAX_ROWS_SHOWN`]; the rest are counted).
pub(super) fn bad_rows(errors: &[RowError]) -> Markup {
    html! {
        @if !errors.is_empty() {
            section.card id="bad-rows" {
                h2 { "Bad rows" }
                table.bad-rows {
                    thead { tr { th.num { "Line" } th { "Problem" } } }
                    tbody {
                        @for error in errors.iter().take(MAX_ROWS_SHOWN) {
                            tr { td.num { (error.line) } td { (error.message) } }
                        }
                    }
                }
                @if errors.len() > MAX_ROWS_SHOWN { p.muted { "…and " (errors.len() - MAX_ROWS_SHOWN) " more." } }
            }
        }
    }
}

async fn render(state: &AppState, caller: &Caller, team: &Team, form: &Form<'_>, status: StatusCode) -> Page {
    let (options, strict, errors) = (form.options, form.strict, form.errors);
    let workspace = state.store.workspace().await?;
    let count = state.store.work_item_count(team.id).await?;
    let chosen = options.format.as_deref().unwrap_or("jira");
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    let error_of =
        |field: &str| errors.0.iter().filter(|e| e.field == field).map(|e| e.message.clone()).collect::<Vec<_>>();
    let text_field = |name: &'static str, label: &'static str, current: &Option<String>, hint: &'static str| {
        let problems = error_of(name);
        html! {
            label.field class=[(!problems.is_empty()).then_some("invalid")] {
                span.label { (label) }
                input type="text" name=(name) value=(value(current)) placeholder=(hint);
                @for p in &problems { span.field-error { (p) } }
            }
        }
    };
    let content = html! {
        p.crumbs { a href="/teams" { "Teams" } " / " a href={ "/teams/" (team.id) } { (team.name) } " / Import" }
        h1 { "Import work items into " (team.name) }
        p.muted.lead {
            "The team has " (count) " work item" @if count != 1 { "s" } ". "
            "Importing a file again updates its items by key instead of duplicating them."
        }
        @if !errors.0.is_empty() {
            section.card.alert role="alert" {
                h2 { "The file was not imported" }
                ul { @for e in &errors.0 { li { strong { (e.field) } ": " (e.message) } } }
            }
        }
        form.card.import-form method="post" enctype="multipart/form-data" action={ "/teams/" (team.id) "/import" } {
            // First, so that the token is read before the file streams in.
            input type="hidden" name=(CSRF_FIELD) value=(caller.csrf());
            fieldset {
                legend { "Format" }
                div.choices {
                    @for (name, label, hint) in [
                        ("jira", "Jira CSV", "Issues → Export → CSV (all fields)"),
                        ("github", "GitHub JSON", "Issues from the REST API, one array or several pages"),
                        ("csv", "Any CSV", "Map the columns below"),
                    ] {
                        label.choice {
                            input type="radio" name="format" value=(name) checked[chosen == name];
                            span { strong { (label) } br; span.muted { (hint) } }
                        }
                    }
                }
                @for p in error_of("format") { span.field-error { (p) } }
            }
            fieldset {
                legend { "CSV columns " span.muted { "(the CSV format; Jira uses the started column, date format and UTC offset too)" } }
                div.field-grid {
                    (text_field("key", "Key column", &options.key, "e.g. Key"))
                    (text_field("done", "Done date column", &options.done, "e.g. Resolved"))
                    (text_field("created", "Created date column", &options.created, "optional, e.g. Created"))
                    (text_field("started", "Started date column", &options.started, "optional, e.g. Started"))
                    (text_field("title", "Title column", &options.title, "optional, e.g. Summary"))
                    (text_field("delimiter", "Delimiter", &options.delimiter, ", (default), ; or tab"))
                    (text_field("date_format", "Date format", &options.date_format, "ISO 8601 unless given, e.g. %d.%m.%Y"))
                    (text_field("utc_offset", "UTC offset of dates", &options.utc_offset, "+00:00 unless given, e.g. +01:00"))
                }
            }
            fieldset {
                legend { "Bad rows" }
                label.check {
                    input type="checkbox" name="strict" value="true" checked[strict];
                    " Strict: write nothing if any row is bad (otherwise bad rows are skipped and listed)"
                }
            }
            // Last, so that the settings are read before the file streams in.
            fieldset {
                legend { "File" }
                label.field class=[(!error_of("file").is_empty()).then_some("invalid")] {
                    span.label { "Export file" }
                    input type="file" name="file" accept=".csv,.json,.txt,text/csv,application/json";
                    @for p in error_of("file") { span.field-error { (p) } }
                }
            }
            div.actions { button type="submit" { "Import" } }
        }
        (layout::script("upload-progress.js"))
        section.card.muted-card {
            h2 { "From the command line or the API" }
            p { code { "leadup import jira export.csv --team \"" (team.name) "\"" } }
            p { code { "curl --data-binary @export.csv '" (form.origin) "/api/v1/teams/" (team.id) "/imports?format=csv&key=Key&done=Resolved'" } }
            p.muted { "Formats: " (FORMATS.join(", ")) ". Strict imports (" code { "strict=true" } ") write nothing when a row is bad." }
        }
    };
    Ok((
        status,
        layout::page(&format!("Import into {}", team.name), workspace.as_ref(), Some(Section::Teams), caller, &content),
    ))
}
