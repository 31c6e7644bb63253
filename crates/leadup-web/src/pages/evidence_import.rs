//! `/evidence/import`: upload a CSV of evidence (columns named `kind`, `summary`, ... or
//! mapped), and see what the import did, bad rows by line; a strict import with a bad row
//! writes nothing.

use axum::extract::State;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::http::{HeaderMap, StatusCode};
use leadup_core::ValidationErrors;
use leadup_core::evidence::EvidenceKind;
use maud::{Markup, html};

use super::PageError;
use super::import::bad_rows;
use super::layout::{self, Section};
use crate::auth::{CSRF_FIELD, Caller};
use crate::evidence_imports::{EvidenceImportOptions, EvidenceImportReport, import_evidence};
use crate::imports::ImportFailure;
use crate::{AppError, AppState};

type Page = Result<(StatusCode, Markup), PageError>;

/// The mapping fields of the form: (name, label, hint).
const COLUMNS: [(&str, &str, &str); 8] = [
    ("kind_column", "Kind column", "kind"),
    ("summary_column", "Summary column", "summary"),
    ("customer_column", "Customer column", "customer"),
    ("source_column", "Source column", "source"),
    ("date_column", "Date column", "date"),
    ("revenue_column", "Revenue at stake column (whole units, e.g. 12,500.50)", "revenue_at_stake"),
    ("currency_column", "Currency column", "currency"),
    ("customers_affected_column", "Customers affected column", "customers_affected"),
];

/// What the form sent.
#[derive(Default)]
struct Upload {
    options: EvidenceImportOptions,
    file_name: Option<String>,
    file: axum::body::Bytes,
}

impl Upload {
    fn slot(&mut self, name: &str) -> Option<&mut Option<String>> {
        let o = &mut self.options;
        Some(match name {
            "delimiter" => &mut o.delimiter,
            "date_format" => &mut o.date_format,
            "kind_column" => &mut o.kind_column,
            "summary_column" => &mut o.summary_column,
            "customer_column" => &mut o.customer_column,
            "source_column" => &mut o.source_column,
            "date_column" => &mut o.date_column,
            "revenue_column" => &mut o.revenue_column,
            "currency_column" => &mut o.currency_column,
            "customers_affected_column" => &mut o.customers_affected_column,
            _ => return None,
        })
    }

    fn value(&self, name: &str) -> String {
        let o = &self.options;
        let value = match name {
            "delimiter" => &o.delimiter,
            "date_format" => &o.date_format,
            "kind_column" => &o.kind_column,
            "summary_column" => &o.summary_column,
            "customer_column" => &o.customer_column,
            "source_column" => &o.source_column,
            "date_column" => &o.date_column,
            "revenue_column" => &o.revenue_column,
            "currency_column" => &o.currency_column,
            "customers_affected_column" => &o.customers_affected_column,
            _ => &None,
        };
        value.clone().unwrap_or_default()
    }
}

async fn read(mut multipart: Multipart) -> Result<Upload, AppError> {
    let mut upload = Upload::default();
    while let Some(field) = multipart.next_field().await? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            upload.file_name = field.file_name().filter(|n| !n.is_empty()).map(str::to_owned);
            upload.file = field.bytes().await?;
            continue;
        }
        let value = field.text().await?;
        if name == "strict" {
            upload.options.strict = !value.is_empty();
        } else if let Some(slot) = upload.slot(&name) {
            // A blank field means the default (the column named after the field).
            *slot = Some(value.trim().to_owned()).filter(|v| !v.is_empty());
        }
    }
    Ok(upload)
}

pub(crate) async fn form(State(state): State<AppState>, caller: Caller, headers: HeaderMap) -> Page {
    render(&state, &caller, &Upload::default(), &ValidationErrors::default(), &headers, StatusCode::OK).await
}

pub(crate) async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Page {
    let upload = read(multipart?).await?;
    let mut errors = ValidationErrors::default();
    let mapping = upload.options.mapping(str::to_owned).map_err(|invalid| errors.0.extend(invalid.0)).ok();
    if upload.file_name.is_none() && upload.file.is_empty() {
        errors.add("file", "choose a CSV file to import");
    }
    let Some(mapping) = mapping.filter(|_| errors.0.is_empty()) else {
        return render(&state, &caller, &upload, &errors, &headers, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let file = std::io::Cursor::new(upload.file.clone());
    match import_evidence(&state.store, file, &mapping, upload.options.strict, caller.user_id()).await {
        Ok(report) => {
            let status = if report.committed { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
            let workspace = state.store.workspace().await?;
            let content = report_page(&report, upload.file_name.as_deref());
            Ok((
                status,
                layout::page("Import evidence", workspace.as_ref(), Some(Section::Evidence), &caller, &content),
            ))
        }
        Err(ImportFailure::Store(error)) => Err(error.into()),
        Err(other) => {
            let errors = ValidationErrors::single("file", other.to_string());
            render(&state, &caller, &upload, &errors, &headers, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

fn report_page(report: &EvidenceImportReport, file: Option<&str>) -> Markup {
    let bad = report.errors.len();
    let file = file.unwrap_or("the file");
    html! {
        p.crumbs { a href="/evidence" { "Evidence" } " / Import" }
        h1 { "Import evidence" }
        @if report.committed {
            section.card.import-report id="import-report" {
                h2 { "Imported " (file) }
                dl.facts {
                    dt { "Rows read" } dd { (report.rows) }
                    dt { "Pieces recorded" } dd { (report.written) }
                    dt { "Bad rows skipped" } dd { (bad) }
                }
                p { a.button href="/evidence" { "See the library" } " " a href="/evidence/import" { "Import another file" } }
            }
        } @else {
            section.card.alert.import-report id="import-report" {
                h2 { "Nothing was imported" }
                p { (file) " has " (bad) " bad row" @if bad != 1 { "s" } " of " (report.rows) ", and the import was strict, so nothing was written. Fix the rows below and upload the file again, or import without " em { "strict" } " to keep the good rows." }
                p { a href="/evidence/import" { "Back to the import form" } }
            }
        }
        (bad_rows(&report.errors))
    }
}

async fn render(
    state: &AppState,
    caller: &Caller,
    upload: &Upload,
    errors: &ValidationErrors,
    headers: &HeaderMap,
    status: StatusCode,
) -> Page {
    let workspace = state.store.workspace().await?;
    let error_of =
        |field: &str| errors.0.iter().filter(|e| e.field == field).map(|e| e.message.clone()).collect::<Vec<_>>();
    let text_field = |name: &str, label: &str, hint: &str| {
        let problems = error_of(name);
        html! {
            label.field class=[(!problems.is_empty()).then_some("invalid")] {
                span.label { (label) }
                input type="text" name=(name) value=(upload.value(name)) placeholder=(hint);
                @for p in &problems { span.field-error { (p) } }
            }
        }
    };
    let kinds: Vec<&str> = EvidenceKind::ALL.iter().map(|k| k.as_str()).collect();
    let content = html! {
        p.crumbs { a href="/evidence" { "Evidence" } " / Import" }
        h1 { "Import evidence from CSV" }
        p.muted.lead { "One piece of evidence per row. Columns are found by their names (" code { "kind" } ", " code { "summary" } ", " code { "customer" } ", "
            code { "source" } ", " code { "date" } ", " code { "revenue_at_stake" } ", " code { "currency" } ", " code { "customers_affected" } ", in any case) unless you map them below. "
            "Kinds: " (kinds.join(", ")) ". Every bad row is reported by its line." }
        @if !errors.0.is_empty() {
            section.card.alert role="alert" {
                h2 { "The file was not imported" }
                ul { @for e in &errors.0 { li { strong { (e.field) } ": " (e.message) } } }
            }
        }
        form.card.import-form method="post" enctype="multipart/form-data" action="/evidence/import" {
            // First, so that the token is read before the file streams in.
            input type="hidden" name=(CSRF_FIELD) value=(caller.csrf());
            fieldset {
                legend { "File" }
                label.field class=[(!error_of("file").is_empty()).then_some("invalid")] {
                    span.label { "CSV file" }
                    input type="file" name="file" accept=".csv,.txt,text/csv";
                    @for p in error_of("file") { span.field-error { (p) } }
                }
                label.check {
                    input type="checkbox" name="strict" value="true" checked[upload.options.strict];
                    " Strict: write nothing if any row is bad"
                }
            }
            fieldset {
                legend { "Reading " span.muted { "(optional)" } }
                div.field-grid {
                    (text_field("delimiter", "Delimiter", ", (default), ; or tab"))
                    (text_field("date_format", "Date format", "ISO 8601 unless given, e.g. %d.%m.%Y"))
                }
            }
            fieldset {
                legend { "Columns " span.muted { "(optional: leave blank for the column of that name)" } }
                div.field-grid { @for (name, label, default) in COLUMNS { (text_field(name, label, default)) } }
            }
            div.actions { button type="submit" { "Import" } }
        }
        (layout::script("upload-progress.js"))
        section.card.muted-card {
            h2 { "From the command line or the API" }
            p { code { "leadup evidence import evidence.csv [--strict]" } }
            p { code { "curl --data-binary @evidence.csv '" (layout::origin(headers)) "/api/v1/evidence/imports?strict=true'" } }
        }
    };
    Ok((status, layout::page("Import evidence", workspace.as_ref(), Some(Section::Evidence), caller, &content)))
}
