//! The executive brief's pages: `/briefs` lists the briefs the user may read (sent to them, or
//! of a team they manage) and, for a manager, the executives to prepare one for;
//! `/teams/{id}/briefs/new?for=USER` previews today's brief with the manager's note and asks
//! and stores it as sent; `/briefs/{id}` shows a stored brief exactly as it was sent, as a
//! print-ready page with its Markdown and PDF downloads.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use leadup_app::brief::{self, Audience, Brief, DEFAULT_DAYS, Request, send};
use leadup_app::delivery::outbox;
use leadup_core::access::{Action, Role};
use leadup_core::date;
use maud::{Markup, PreEscaped, html};
use serde::Deserialize;
use time::OffsetDateTime;

use super::Query;
use super::layout::{self, Section, date_time};
use super::{PageError, PageResult, missing};
use crate::auth::{CSRF_FIELD, Caller};
use crate::{AppError, AppState};

/// The executives of team `team`, by name.
async fn executives(state: &AppState, team: i64) -> Result<Vec<leadup_core::account::User>, AppError> {
    let mut people: Vec<_> = state
        .store
        .team_members(team)
        .await?
        .into_iter()
        .filter(|(_, r)| *r == Role::Executive)
        .map(|(u, _)| u)
        .collect();
    people.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(people)
}

pub(crate) async fn list(State(state): State<AppState>, caller: Caller) -> PageResult {
    let principal = caller.user()?;
    let workspace = state.store.workspace().await?;
    let teams = state.store.teams().await?;
    let managed: Vec<_> = teams.iter().filter(|t| caller.may(Action::WriteBriefs, t.id)).collect();
    let managed_ids: Vec<i64> = managed.iter().map(|t| t.id).collect();
    // A stakeholder reads the briefs sent to them; drafts only their teams' managers.
    let briefs: Vec<_> = state
        .store
        .briefs(principal.user_id, &managed_ids)
        .await?
        .into_iter()
        .filter(|b| b.sent_at.is_some() || managed_ids.contains(&b.team_id))
        .collect();
    let users = state.store.users().await?;
    let name = |id: i64| users.iter().find(|u| u.id == id).map_or_else(|| format!("user {id}"), |u| u.name.clone());
    let team_name =
        |id: i64| teams.iter().find(|t| t.id == id).map_or_else(|| format!("team {id}"), |t| t.name.clone());
    let mut to_prepare = Vec::new();
    for team in &managed {
        for person in executives(&state, team.id).await? {
            to_prepare.push((team.id, team.name.clone(), person));
        }
    }
    let content = html! {
        h1 { "Briefs" }
        p.muted.lead { "A brief is a status update for one executive, generated from the stored forecasts, plans, change requests, key results and evidence, exceptions first. It is stored as sent, so the next one says what changed. What each executive wants to hear about, and how often, is in their " a href="/stakeholders" { "stakeholder profile" } "." }
        @if !managed.is_empty() {
            section.card {
                h2 { "Prepare a brief" }
                @if to_prepare.is_empty() {
                    p.muted { "None of your teams has an executive yet: an administrator gives the executive role on the Administration page." }
                } @else {
                    ul.plain { @for (team, team_name, person) in &to_prepare {
                        li { a href={ "/teams/" (team) "/briefs/new?for=" (person.id) } { "Brief " (person.name) " on " (team_name) } }
                    } }
                }
            }
        }
        section.card {
            h2 { "Stored briefs" }
            @if briefs.is_empty() {
                p.muted { "No briefs yet. " @if managed.is_empty() { "Briefs your teams' managers send you will be listed here." } @else { "Prepare one above; once saved as sent it is listed here." } }
            } @else {
                div.table-wrap { table {
                    thead { tr { th scope="col" { "Sent" } th scope="col" { "For" } th scope="col" { "Team" } th scope="col" { "Period" } th scope="col" { "Headline" } } }
                    tbody { @for b in &briefs {
                        @let headline = Brief::of_stored(b).map(|c| c.headline.label).unwrap_or_default();
                        tr {
                            td { a href={ "/briefs/" (b.id) } { @if let Some(at) = b.sent_at { (date_time(at)) } @else { "Draft of " (date_time(b.created_at)) } } }
                            td { (name(b.stakeholder_id)) }
                            td { (team_name(b.team_id)) }
                            td { (date::format(b.period_start)) " to " (date::format(b.period_end)) }
                            td { (headline) }
                        }
                    } }
                } }
            }
        }
    };
    Ok(layout::page("Briefs", workspace.as_ref(), Some(Section::Briefs), &caller, &content))
}

#[derive(Deserialize)]
pub(crate) struct NewParams {
    #[serde(rename = "for")]
    stakeholder: Option<String>,
    days: Option<String>,
}

/// The brief form's fields.
#[derive(Deserialize, Default)]
pub(crate) struct BriefForm {
    #[serde(rename = "for")]
    stakeholder: String,
    #[serde(default)]
    days: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    asks: String,
    /// Present (`on`) when the track record is included; a browser leaves an unticked box out.
    track_record: Option<String>,
    #[serde(default)]
    intent: String,
}

pub(crate) async fn new_form(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(params): Query<NewParams>,
) -> Response {
    let Ok(team) = id.parse::<i64>() else { return missing(&format!("Team '{id}'")).into_response() };
    let Some(stakeholder) = params.stakeholder else {
        return choose(&state, &caller, team).await.into_response();
    };
    let form = BriefForm {
        stakeholder,
        days: params.days.unwrap_or_else(|| DEFAULT_DAYS.to_string()),
        track_record: Some("on".to_owned()),
        ..BriefForm::default()
    };
    preview(&state, &caller, team, &form).await
}

/// The team's executives to choose from.
async fn choose(state: &AppState, caller: &Caller, team: i64) -> PageResult {
    let workspace = state.store.workspace().await?;
    let record = state.store.team(team).await?;
    let people = executives(state, team).await?;
    let content = html! {
        p.crumbs { a href="/briefs" { "Briefs" } " / " (record.name) }
        h1 { "Brief an executive of " (record.name) }
        section.card {
            @if people.is_empty() {
                p.muted { (record.name) " has no executive yet: an administrator gives the executive role on the Administration page." }
            } @else {
                ul.plain { @for p in &people { li { a href={ "/teams/" (team) "/briefs/new?for=" (p.id) } { (p.name) } } } }
            }
        }
    };
    Ok(layout::page("New brief", workspace.as_ref(), Some(Section::Briefs), caller, &content))
}

/// Generates the brief `form` describes, as of now.
async fn generate(state: &AppState, team: i64, form: &BriefForm) -> Result<(Audience, Brief), AppError> {
    let stakeholder: i64 = form.stakeholder.trim().parse().map_err(|_| {
        AppError::Invalid(leadup_core::ValidationErrors::single(
            "for",
            format!("'{}' is not a user id", form.stakeholder),
        ))
    })?;
    let audience = Audience::of_user(&state.store, stakeholder).await?;
    let days = if form.days.trim().is_empty() { DEFAULT_DAYS } else { brief::parse_days(&form.days)? };
    let asks = form.asks.lines().map(str::trim).filter(|a| !a.is_empty()).map(str::to_owned).collect();
    let request = Request {
        team_id: team,
        days,
        today: state.today(),
        now: now(state),
        note: form.note.clone(),
        asks,
        track_record: form.track_record.is_some(),
    };
    let generated = brief::generate(&state.store, &audience, &request).await?;
    Ok((audience, generated))
}

fn now(state: &AppState) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(state.now()).unwrap_or_else(|_| OffsetDateTime::now_utc())
}

/// The preview with the note-and-asks form; a refused form is shown with its error.
async fn preview(state: &AppState, caller: &Caller, team: i64, form: &BriefForm) -> Response {
    match generate(state, team, form).await {
        Ok((_, generated)) => match render_preview(state, caller, team, form, &generated, None).await {
            Ok(page) => page.into_response(),
            Err(error) => error.into_response(),
        },
        Err(AppError::Invalid(errors)) => {
            let page = layout::page(
                "New brief",
                None,
                None,
                caller,
                &html! {
                    p.crumbs { a href="/briefs" { "Briefs" } }
                    section.card.alert role="alert" {
                        h1 { "This brief cannot be made" }
                        ul { @for e in &errors.0 { li { (e.message) } } }
                        p { a href={ "/teams/" (team) "/briefs/new" } { "Choose an executive of the team" } }
                    }
                },
            );
            (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
        }
        Err(error) => PageError::from(error).into_response(),
    }
}

async fn render_preview(
    state: &AppState,
    caller: &Caller,
    team: i64,
    form: &BriefForm,
    generated: &Brief,
    error: Option<&str>,
) -> PageResult {
    let workspace = state.store.workspace().await?;
    let content = html! {
        p.crumbs { a href="/briefs" { "Briefs" } " / " (generated.team.name) " / " (generated.stakeholder.name) }
        h1 { "Brief for " (generated.stakeholder.name) }
        @if let Some(error) = error { section.card.alert role="alert" { p { (error) } } }
        form.card method="post" action={ "/teams/" (team) "/briefs" } {
            input type="hidden" name=(CSRF_FIELD) value=(caller.csrf());
            input type="hidden" name="for" value=(generated.stakeholder.id);
            p.muted { "Everything below is generated from what leadup stores. Add a short note and your asks, update the preview, then save it as sent: "
                (generated.stakeholder.name) " can then read it under Briefs, and the next brief will say what changed since." }
            div.field-grid {
                label.field { span.label { "Period (days, ending today)" } input type="number" name="days" min="1" max="366" value=(form.days); }
            }
            label.field.wide { span.label { "Note (shown under the headline)" } textarea name="note" rows="3" maxlength="2000" { (form.note) } }
            label.field.wide { span.label { "Your asks (one per line)" } textarea name="asks" rows="3" { (form.asks) } }
            label.check { input type="checkbox" name="track_record" checked[form.track_record.is_some()]; " Include the team's track record (commitments kept over the last 12 months)" }
            div.actions {
                button.secondary type="submit" name="intent" value="preview" { "Update preview" }
                button type="submit" name="intent" value="save" { "Save as sent" }
            }
        }
        style { (PreEscaped(brief::html::STYLE)) }
        section.card.brief-preview aria-label="Preview" { (brief::html::body(generated)) }
    };
    Ok(layout::page("New brief", workspace.as_ref(), Some(Section::Briefs), caller, &content))
}

pub(crate) async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Form(form): Form<BriefForm>,
) -> Response {
    let Ok(team) = id.parse::<i64>() else { return missing(&format!("Team '{id}'")).into_response() };
    let Ok(principal) = caller.user() else {
        return PageError::from(AppError::Unauthorized(String::new())).into_response();
    };
    if form.intent != "save" {
        return preview(&state, &caller, team, &form).await;
    }
    let generated = match generate(&state, team, &form).await {
        Ok((_, generated)) => generated,
        Err(AppError::Invalid(_)) => return preview(&state, &caller, team, &form).await,
        Err(error) => return PageError::from(error).into_response(),
    };
    let at = now(&state);
    match state.store.save_brief(&generated.to_new(principal.user_id, at, Some(at))).await {
        Ok(stored) => Redirect::to(&format!("/briefs/{}", stored.id)).into_response(),
        Err(error) => PageError::from(error).into_response(),
    }
}

async fn stored(state: &AppState, id: &str) -> Result<(leadup_store::StoredBrief, Brief), PageError> {
    let id: i64 = id.parse().map_err(|_| missing(&format!("Brief '{id}'")))?;
    let stored = state.store.brief(id).await?;
    let content = Brief::of_stored(&stored)?;
    Ok((stored, content))
}

pub(crate) async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let (record, content) = stored(&state, &id).await?;
    let author = state.store.user(record.created_by).await.map_or_else(|_| String::new(), |u| u.name);
    let max_attempts = state.deliverer().policy().max_attempts;
    let deliveries = outbox::deliveries_about(&state.store, send::ABOUT, record.id, max_attempts).await?;
    let may_send = record.sent_at.is_some() && caller.may(Action::WriteBriefs, record.team_id);
    let toolbar: Markup = html! {
        a href="/briefs" { "← Briefs" }
        " · "
        @if let Some(at) = record.sent_at { "Sent " (date_time(at)) " by " (author) } @else { "Draft by " (author) }
        " · "
        a href={ "/briefs/" (record.id) "/brief.md" } download { "Markdown" }
        " · "
        a href={ "/briefs/" (record.id) "/brief.pdf" } download { "PDF" }
        " · Print this page for paper: it fits one A4 page."
        @if record.sent_at.is_none() && caller.may(Action::WriteBriefs, record.team_id) {
            p.review {
                "Drafted for review: "
                a href={ "/teams/" (record.team_id) "/briefs/new?for=" (record.stakeholder_id) "&days=" (period_days(&content)) } { "review it, add your note and send it" }
                " (the brief is generated afresh from today's data; saving it as sent replaces this draft)."
            }
        }
        @if may_send {
            form.send method="post" action={ "/briefs/" (record.id) "/send" } {
                input type="hidden" name=(CSRF_FIELD) value=(caller.csrf());
                button type="submit" { "Send to " (content.stakeholder.name) }
                " by the channel of their profile (e-mail with the PDF attached, or their chat webhook)."
            }
        }
        @if !deliveries.is_empty() {
            ul.deliveries {
                @for d in &deliveries {
                    li class={ "delivery " (d.status) } {
                        (d.channel) " to " (d.recipient) ": " strong { (d.status_text) }
                        @if let Some(error) = &d.last_error { br; span.error { "Last error: " (error) } }
                        @if d.failed() && may_send {
                            form.retry method="post" action={ "/briefs/" (record.id) "/deliveries/" (d.id) "/retry" } {
                                input type="hidden" name=(CSRF_FIELD) value=(caller.csrf());
                                button.secondary type="submit" { "Try again" }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(axum::response::Html(brief::html::page(&content, Some(toolbar))).into_response())
}

/// Queues the stored brief for delivery to its stakeholder and wakes the delivery worker.
pub(crate) async fn send_brief(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let Ok(id) = id.parse::<i64>() else { return missing(&format!("Brief '{id}'")).into_response() };
    match send::send(&state.store, id, now(&state)).await {
        Ok(_) => {
            state.deliverer().wake();
            Redirect::to(&format!("/briefs/{id}")).into_response()
        }
        Err(send::SendError::Store(error)) => PageError::from(error).into_response(),
        Err(send::SendError::Invalid(errors)) => PageError::from(AppError::Invalid(errors)).into_response(),
        Err(error) => PageError::from(AppError::BadRequest(error.to_string())).into_response(),
    }
}

/// Queues failed delivery `delivery` of the brief for a new series of attempts.
pub(crate) async fn retry_delivery(
    State(state): State<AppState>,
    Path((id, delivery)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (record, _) = stored(&state, &id).await?;
    let delivery: i64 = delivery.parse().map_err(|_| missing(&format!("Delivery '{delivery}'")))?;
    let max_attempts = state.deliverer().policy().max_attempts;
    let ours = outbox::deliveries_about(&state.store, send::ABOUT, record.id, max_attempts).await?;
    if !ours.iter().any(|d| d.id == delivery && d.failed()) {
        return Err(missing(&format!("A failed delivery {delivery} of brief {}", record.id)));
    }
    outbox::retry(&state.store, delivery, now(&state)).await?;
    state.deliverer().wake();
    Ok(Redirect::to(&format!("/briefs/{}", record.id)).into_response())
}

/// The number of days `content`'s period covers.
fn period_days(content: &Brief) -> i64 {
    (content.period.end - content.period.start).whole_days() + 1
}

/// `leadup-brief-<team>-<end>.<extension>`, safe as a file name.
fn file_name(content: &Brief, extension: &str) -> String {
    let team: String = content
        .team
        .name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect();
    format!("brief-{team}-{}.{extension}", date::format(content.period.end))
}

pub(crate) async fn markdown(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, PageError> {
    let (_, content) = stored(&state, &id).await?;
    let disposition = format!("attachment; filename=\"{}\"", file_name(&content, "md"));
    Ok((
        [(header::CONTENT_TYPE, "text/markdown; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, disposition)],
        brief::markdown::markdown(&content),
    )
        .into_response())
}

pub(crate) async fn pdf(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, PageError> {
    let (_, content) = stored(&state, &id).await?;
    let disposition = format!("attachment; filename=\"{}\"", file_name(&content, "pdf"));
    Ok((
        [(header::CONTENT_TYPE, "application/pdf".to_owned()), (header::CONTENT_DISPOSITION, disposition)],
        brief::pdf::pdf(&content),
    )
        .into_response())
}
