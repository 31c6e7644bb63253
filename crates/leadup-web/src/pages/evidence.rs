//! The evidence library: `/evidence` lists and searches it (`?q=`, full-text), `/evidence/new`
//! records a piece, `/evidence/{id}` shows one with its strength and why, the initiatives it
//! supports (linked and unlinked there) and the proposals citing it; `/evidence/{id}/edit`
//! changes it, and `/evidence/{id}/delete` deletes it unless something cites it. Initiatives show their own evidence, demand and
//! strength, or are marked **opinion** when nothing backs them (see `initiative.rs`).

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leadup_core::ValidationErrors;
use leadup_core::evidence::{Evidence, EvidenceInput, EvidenceKind};
use leadup_core::evidence_strength::{EvidenceStrength, item_strength};
use leadup_core::initiative::DEFAULT_CURRENCY;
use leadup_core::money::{Money, major_units};
use leadup_core::{date, money};
use maud::{Markup, html};
use serde::Deserialize;

use super::Query;
use super::layout::{self, Section};
use super::{PageError, PageResult, missing};
use crate::auth::{CSRF_FIELD, Caller};
use crate::{AppError, AppState};

/// The longest summary shown in a list row.
const SUMMARY_CHARS: usize = 140;

#[derive(Deserialize)]
pub(crate) struct Search {
    q: Option<String>,
}

pub(crate) async fn list(State(state): State<AppState>, caller: Caller, Query(search): Query<Search>) -> PageResult {
    let query = search.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    let evidence = match query {
        Some(q) => state.store.search_evidence(q).await?,
        None => state.store.evidence_list().await?,
    };
    let today = state.today();
    let workspace = state.store.workspace().await?;
    let content = html! {
        div.page-head {
            h1 { "Evidence" }
            a.button.secondary href="/evidence/import" { "Import from CSV" }
            a.button href="/evidence/new" { "Record evidence" }
        }
        p.muted { "What customers, the market and the numbers say: the facts behind initiatives, proposals and change requests. Each piece's strength weighs its kind, how recent it is and who it comes from (docs/evidence-strength.md)." }
        form.rule-form.search method="get" action="/evidence" {
            label { span.label { "Search" } input type="text" name="q" value=[query] placeholder="e.g. refund delays"; }
            button type="submit" { "Search" }
            @if query.is_some() { a href="/evidence" { "Show all" } }
        }
        section.card {
            @if evidence.is_empty() {
                @if let Some(q) = query { p { "Nothing matches " strong { (q) } "." } }
                @else { p { "No evidence yet. Record the first piece, or " a href="/evidence/import" { "import many from CSV" } "." } }
            } @else {
                table.evidence {
                    thead { tr { th { "Date" } th { "Kind" } th { "Summary" } th { "Customer" } th.num { "Revenue at stake" } th { "Strength" } } }
                    tbody { @for piece in &evidence {
                        @let strength = item_strength(piece, today);
                        tr {
                            td.nowrap { (piece.date.map(date::format).unwrap_or_default()) }
                            td { (piece.kind.label()) }
                            td { a href={ "/evidence/" (piece.id) } { (shorten(&piece.summary)) } }
                            td { (piece.customer.as_deref().unwrap_or("")) }
                            td.num.nowrap { (revenue(piece)) }
                            td { (strength_badge(&strength)) }
                        }
                    } }
                }
            }
        }
    };
    Ok(layout::page("Evidence", workspace.as_ref(), Some(Section::Evidence), &caller, &content))
}

fn shorten(text: &str) -> String {
    if text.chars().count() <= SUMMARY_CHARS {
        text.to_owned()
    } else {
        format!("{}…", text.chars().take(SUMMARY_CHARS).collect::<String>().trim_end())
    }
}

fn revenue(piece: &Evidence) -> String {
    piece.revenue_at_stake.map(|minor| Money { minor, currency: piece.currency.clone() }.display()).unwrap_or_default()
}

/// The level as a badge with the score, e.g. "moderate · 52.3".
pub(crate) fn strength_badge(strength: &EvidenceStrength) -> Markup {
    html! {
        span class={ "badge strength-" (strength.level.as_str()) } title="Evidence strength, 0 to 100" {
            (strength.level.label())
            @if !strength.is_opinion() { " · " (strength.score) }
        }
    }
}

/// Why a strength is what it is: each factor, its explanation and its points.
pub(crate) fn strength_reasons(strength: &EvidenceStrength) -> Markup {
    html! {
        table.reasons tabindex="0" {
            thead { tr { th { "Factor" } th { "Why" } th.num { "Points" } } }
            tbody {
                @for reason in &strength.reasons {
                    tr { td { (reason.factor.as_str()) } td { (reason.explanation) } td.num { (reason.points) } }
                }
                tr.total { td { "Score" } td { (strength.level.label()) } td.num { (strength.score) " / 100" } }
            }
        }
    }
}

/// The form's fields, all text as browsers send them.
#[derive(Deserialize, Default)]
pub(crate) struct EvidenceForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    customer: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    revenue_at_stake: String,
    #[serde(default)]
    currency: String,
    #[serde(default)]
    customers_affected: String,
}

impl EvidenceForm {
    /// The form holding a stored piece, to edit it.
    fn of(piece: &Evidence) -> Self {
        Self {
            kind: piece.kind.as_str().to_owned(),
            summary: piece.summary.clone(),
            customer: piece.customer.clone().unwrap_or_default(),
            source: piece.source.clone().unwrap_or_default(),
            date: piece.date.map(date::format).unwrap_or_default(),
            revenue_at_stake: piece.revenue_at_stake.map(major_units).unwrap_or_default(),
            currency: piece.currency.as_str().to_owned(),
            customers_affected: piece.customers_affected.map(|n| n.to_string()).unwrap_or_default(),
        }
    }

    /// The form as input, recorded by `who`, and the errors of numbers that do not parse
    /// (left out of the input), each naming its field.
    fn input(&self, who: &str) -> (EvidenceInput, ValidationErrors) {
        let mut errors = ValidationErrors::default();
        let text = |value: &str| Some(value.trim().to_owned()).filter(|v| !v.is_empty());
        let revenue = match text(&self.revenue_at_stake) {
            None => None,
            Some(value) => money::parse_major_units(&value).or_else(|| {
                errors.add("revenue_at_stake", format!("'{value}' is not an amount, e.g. 12500 or 12,500.50"));
                None
            }),
        };
        let affected = match text(&self.customers_affected) {
            None => None,
            Some(value) => value.parse().ok().or_else(|| {
                errors.add("customers_affected", format!("'{value}' is not a whole number"));
                None
            }),
        };
        let input = EvidenceInput {
            kind: self.kind.clone(),
            summary: self.summary.clone(),
            source: text(&self.source),
            date: text(&self.date),
            customer: text(&self.customer),
            customers_affected: affected,
            revenue_at_stake: revenue,
            currency: text(&self.currency).unwrap_or_else(|| DEFAULT_CURRENCY.to_owned()),
            recorded_by: Some(who.to_owned()),
        };
        (input, errors)
    }
}

pub(crate) async fn new_form(State(state): State<AppState>, caller: Caller) -> PageResult {
    render_form(&state, &caller, &EvidenceForm::default(), &ValidationErrors::default(), None).await
}

pub(crate) async fn edit_form(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> PageResult {
    let piece = load(&state, &id).await?;
    render_form(&state, &caller, &EvidenceForm::of(&piece), &ValidationErrors::default(), Some(&piece)).await
}

pub(crate) async fn create(State(state): State<AppState>, caller: Caller, Form(form): Form<EvidenceForm>) -> Response {
    let who = caller.principal().map_or_else(String::new, |p| p.name.clone());
    save(&state, &caller, &form, &who, None).await
}

pub(crate) async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Form(form): Form<EvidenceForm>,
) -> Response {
    match load(&state, &id).await {
        // Who recorded it stays as it was.
        Ok(piece) => save(&state, &caller, &form, piece.recorded_by.as_deref().unwrap_or(""), Some(&piece)).await,
        Err(error) => error.into_response(),
    }
}

/// Records the form as new evidence, or over `stored`; the form again, with every bad field
/// named, if it is not valid.
async fn save(
    state: &AppState,
    caller: &Caller,
    form: &EvidenceForm,
    who: &str,
    stored: Option<&Evidence>,
) -> Response {
    let (input, mut errors) = form.input(who);
    let draft = match input.validate() {
        Ok(draft) if errors.0.is_empty() => Ok(draft),
        Ok(_) => Err(errors),
        Err(invalid) => {
            errors.0.splice(0..0, invalid.0);
            Err(errors)
        }
    };
    let saved = match (draft, stored) {
        (Ok(draft), None) => state.store.create_evidence(&draft, caller.user_id()).await,
        (Ok(draft), Some(piece)) => state.store.update_evidence(piece.id, &draft, caller.user_id()).await,
        (Err(errors), _) => {
            return match render_form(state, caller, form, &errors, stored).await {
                Ok(page) => (StatusCode::UNPROCESSABLE_ENTITY, page).into_response(),
                Err(error) => error.into_response(),
            };
        }
    };
    match saved {
        Ok(piece) => Redirect::to(&format!("/evidence/{}", piece.id)).into_response(),
        Err(error) => PageError::from(error).into_response(),
    }
}

pub(crate) async fn delete(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Response {
    let result = async {
        let piece = load(&state, &id).await?;
        state.store.delete_evidence(piece.id, caller.user_id()).await?;
        Ok::<(), PageError>(())
    }
    .await;
    match result {
        Ok(()) => Redirect::to("/evidence").into_response(),
        Err(error) => error.into_response(),
    }
}

async fn load(state: &AppState, id: &str) -> Result<Evidence, PageError> {
    let number = id.parse::<i64>().map_err(|_| missing(&format!("Evidence '{id}'")))?;
    match state.store.evidence(number).await {
        Ok(piece) => Ok(piece),
        Err(leadup_store::StoreError::NotFound { .. }) => Err(missing(&format!("Evidence {number}"))),
        Err(other) => Err(other.into()),
    }
}

async fn render_form(
    state: &AppState,
    caller: &Caller,
    form: &EvidenceForm,
    errors: &ValidationErrors,
    stored: Option<&Evidence>,
) -> PageResult {
    let workspace = state.store.workspace().await?;
    let error = |field: &str| errors.0.iter().find(|e| e.field == field).map(|e| e.message.clone());
    let field = |name: &'static str, label: &'static str, value: &str, hint: &'static str| {
        let message = error(name);
        html! {
            label.field.invalid[message.is_some()] {
                span.label { (label) }
                input type="text" name=(name) value=(value) placeholder=(hint);
                @if let Some(message) = message { span.field-error { (message) } }
            }
        }
    };
    let (title, action, crumb, submit) = match stored {
        None => ("Record evidence".to_owned(), "/evidence".to_owned(), "New".to_owned(), "Record evidence"),
        Some(piece) => (
            format!("Edit {} {}", piece.kind.label(), piece.id),
            format!("/evidence/{}", piece.id),
            format!("{} {} / Edit", piece.kind.label(), piece.id),
            "Save changes",
        ),
    };
    let content = html! {
        p.crumbs { a href="/evidence" { "Evidence" } " / " (crumb) }
        h1 { (title) }
        @if !errors.0.is_empty() {
            section.card.alert role="alert" {
                h2 { @if stored.is_some() { "The changes were not saved" } @else { "The evidence was not recorded" } }
                ul { @for e in &errors.0 { li { strong { (e.field) } ": " (e.message) } } }
            }
        }
        form.card.evidence-form method="post" action=(action) {
            input type="hidden" name=(CSRF_FIELD) value=(caller.csrf());
            div.field-grid {
                label.field.invalid[error("kind").is_some()] {
                    span.label { "Kind" }
                    select name="kind" {
                        @for kind in EvidenceKind::ALL {
                            option value=(kind.as_str()) selected[form.kind == kind.as_str()] { (kind.label()) }
                        }
                    }
                }
                (field("date", "Date", &form.date, "YYYY-MM-DD"))
            }
            label.field.wide.invalid[error("summary").is_some()] {
                span.label { "Summary or quote" }
                textarea name="summary" rows="4" placeholder="What was said or measured, in the source's words where you can" { (form.summary) }
                @if let Some(message) = error("summary") { span.field-error { (message) } }
            }
            div.field-grid {
                (field("customer", "Customer or segment", &form.customer, "e.g. Globex"))
                (field("source", "Source link", &form.source, "https://…"))
                (field("revenue_at_stake", "Revenue at stake", &form.revenue_at_stake, "e.g. 12,500"))
                (field("currency", "Currency", &form.currency, "EUR"))
                (field("customers_affected", "Customers affected", &form.customers_affected, "e.g. 40"))
            }
            div.actions { button type="submit" { (submit) } }
        }
    };
    Ok(layout::page(&title, workspace.as_ref(), Some(Section::Evidence), caller, &content))
}

pub(crate) async fn show(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> PageResult {
    let piece = load(&state, &id).await?;
    let id = piece.id;
    let proposals = state.store.evidence_proposals(id).await?;
    // Recording is open to everyone; changing this piece is for those its stewards allow.
    let stewards = state.store.evidence_stewards(id).await?;
    let may_change = caller.principal().is_some_and(|p| stewards.allow(p));
    let owner = match piece.recorder_id {
        Some(user) => state.store.user(user).await.ok().map(|u| u.name),
        None => None,
    };
    let workspace = state.store.workspace().await?;
    let linked = state.store.evidence_initiatives(id).await?;
    let initiatives = state.store.initiatives().await?;
    let unlinked: Vec<_> = initiatives.iter().filter(|i| linked.iter().all(|l| l.id != i.id)).collect();
    let strength = item_strength(&piece, state.today());
    let content = html! {
        p.crumbs { a href="/evidence" { "Evidence" } " / " (piece.kind.label()) " " (id) }
        div.page-head {
            h1 { (piece.kind.label()) }
            (strength_badge(&strength))
            @if may_change { a.button.secondary href={ "/evidence/" (id) "/edit" } { "Edit" } }
        }
        div.grid-2 {
            section.card {
                blockquote.summary { (piece.summary) }
                dl.facts {
                    dt { "Date" } dd { (piece.date.map_or_else(|| "not dated".to_owned(), date::format)) }
                    dt { "Customer" } dd { (piece.customer.as_deref().unwrap_or("none named")) }
                    @if let Some(source) = &piece.source { dt { "Source" } dd { a href=(source) rel="noreferrer" { (source) } } }
                    @if let Some(n) = piece.customers_affected { dt { "Customers affected" } dd { (n) } }
                    @if piece.revenue_at_stake.is_some() { dt { "Revenue at stake" } dd { (revenue(&piece)) } }
                    @if let Some(who) = &piece.recorded_by { dt { "Recorded by" } dd { (who) } }
                    dt { "Owner" }
                    dd { @match &owner { Some(name) => { (name) } None => { span.muted { "recorded before owners were kept" } } } }
                }
                @if !may_change {
                    p.muted { "Only the person who recorded this evidence, the managers of the teams citing it and administrators may change it." }
                }
            }
            section.card {
                h2 { "Why this strength" }
                (strength_reasons(&strength))
            }
        }
        section.card id="initiatives" {
            h2 { "Initiatives it supports" }
            @if linked.is_empty() { p.muted { "None yet." } }
            ul.rules { @for initiative in &linked {
                li {
                    a href={ "/initiatives/" (initiative.id) } { (initiative.title) }
                    @if may_change { form.inline method="post" action={ "/evidence/" (id) "/initiatives/" (initiative.id) "/remove" } {
                        input type="hidden" name=(CSRF_FIELD) value=(caller.csrf());
                        button.link type="submit" aria-label={ "Unlink " (initiative.title) } { "Unlink" }
                    } }
                }
            } }
            @if may_change && !unlinked.is_empty() {
                form.rule-form method="post" action={ "/evidence/" (id) "/initiatives" } {
                    input type="hidden" name=(CSRF_FIELD) value=(caller.csrf());
                    label { span.label { "Supports" }
                        select name="initiative" { @for i in &unlinked { option value=(i.id) { (i.title) } } }
                    }
                    button type="submit" { "Link" }
                }
            }
        }
        section.card id="proposals" {
            h2 { "Proposals citing it" }
            @if proposals.is_empty() { p.muted { "None." } }
            ul.rules { @for (proposal, title) in &proposals { li { a href={ "/proposals/" (proposal) } { (title) } } } }
        }
        @if may_change {
            section.card.danger {
                h2 { "Delete" }
                p.muted { "Evidence that an initiative, a change request or a proposal cites cannot be deleted: unlink it there first." }
                form.inline method="post" action={ "/evidence/" (id) "/delete" } {
                    input type="hidden" name=(CSRF_FIELD) value=(caller.csrf());
                    button.secondary type="submit" { "Delete this evidence" }
                }
            }
        }
    };
    Ok(layout::page(piece.kind.label(), workspace.as_ref(), Some(Section::Evidence), &caller, &content))
}

#[derive(Deserialize)]
pub(crate) struct LinkForm {
    initiative: Option<String>,
}

pub(crate) async fn link(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Form(form): Form<LinkForm>,
) -> Response {
    let (Ok(id), Some(Ok(initiative))) = (id.parse::<i64>(), form.initiative.as_deref().map(str::parse::<i64>)) else {
        return PageError::from(AppError::from(ValidationErrors::single("initiative", "choose an initiative")))
            .into_response();
    };
    match state.store.link_evidence(id, initiative, caller.user_id()).await {
        Ok(_) => Redirect::to(&format!("/evidence/{id}#initiatives")).into_response(),
        Err(error) => PageError::from(error).into_response(),
    }
}

pub(crate) async fn unlink(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, initiative)): Path<(String, String)>,
) -> Response {
    let (Ok(id), Ok(initiative)) = (id.parse::<i64>(), initiative.parse::<i64>()) else {
        return missing("This link").into_response();
    };
    match state.store.unlink_evidence(id, initiative, caller.user_id()).await {
        Ok(_) => Redirect::to(&format!("/evidence/{id}#initiatives")).into_response(),
        Err(error) => PageError::from(error).into_response(),
    }
}
