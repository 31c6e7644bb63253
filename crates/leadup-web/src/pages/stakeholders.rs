//! `/stakeholders`: the executives the signed-in user leads up to (or sponsors with), and
//! `/stakeholders/{id}`: one stakeholder's profile (the teams and initiatives they sponsor,
//! the objectives they own or care about, what they want to hear about, how often and by
//! which channel), with the form a manager of their teams edits it with. A webhook address
//! is shown only as its host.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leadup_app::stakeholders::{self, Stakeholder};
use leadup_core::ValidationErrors;
use leadup_core::access::Action;
use leadup_core::stakeholder::{Cadence, Channel, PreferencesInput, Schedule, Topic};
use leadup_store::StoreError;
use maud::html;

use super::form::Fields;
use super::layout::{self, Section, date_time};
use super::{PageError, PageResult, missing};
use crate::auth::{CSRF_FIELD, Caller};
use crate::{AppError, AppState};

const HELP: &str = "A stakeholder is an executive of a team: everyone given the executive role in a team you \
    manage is listed here at once, with a profile that starts as progress, risks and decisions, fortnightly, by \
    e-mail, until you save it. The team's manager keeps the profile; its executives can read it.";

pub(crate) async fn list(State(state): State<AppState>, caller: Caller) -> PageResult {
    let workspace = state.store.workspace().await?;
    let principal = caller.principal().ok_or_else(|| AppError::Unauthorized("Sign in first.".into()))?;
    let list = stakeholders::visible_to(&state.store, principal).await?;
    let teams = state.store.teams().await?;
    let team_name =
        |id: i64| teams.iter().find(|t| t.id == id).map_or_else(|| format!("team {id}"), |t| t.name.clone());
    let content = html! {
        h1 { "Stakeholders" }
        p.muted.lead { (HELP) }
        @if list.is_empty() {
            section.card.empty-state-card {
                h2 { "No stakeholders to show" }
                p { "You see the executives of the teams you manage or are an executive of, and none of those teams has an executive yet. An administrator gives the executive role on the "
                    strong { "Admin" } " page, or the operator with " code { "leadup member add EMAIL --team TEAM --role executive" } "." }
            }
        } @else {
            section.card {
                table.stakeholders {
                    thead { tr { th { "Stakeholder" } th { "Sponsors" } th { "Wants to hear about" } th { "Cadence" } th { "Channel" } } }
                    tbody {
                        @for s in &list {
                            @let prefs = s.preferences();
                            tr {
                                td {
                                    a href={ "/stakeholders/" (s.user.id) } { strong { (s.user.name) } }
                                    @if s.profile.is_none() { br; span.muted { "starting profile, not saved yet" } }
                                }
                                td data-label="Sponsors" { (s.team_ids.iter().map(|&id| team_name(id)).collect::<Vec<_>>().join(", ")) }
                                td data-label="Wants to hear about" { (prefs.topics.iter().map(|t| t.label()).collect::<Vec<_>>().join(", ")) }
                                td data-label="Cadence" { (prefs.cadence.as_str()) }
                                td data-label="Channel" { (channel_label(&prefs.channel)) }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page("Stakeholders", workspace.as_ref(), Some(Section::Briefs), &caller, &content))
}

pub(crate) async fn show(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> PageResult {
    let stakeholder = load(&state, &id).await?;
    render(&state, &caller, &stakeholder, &ValidationErrors::default(), None).await
}

pub(crate) async fn save(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> Response {
    let stakeholder = match load(&state, &id).await {
        Ok(found) => found,
        Err(error) => return error.into_response(),
    };
    let Some(principal) = caller.principal() else {
        return PageError::from(AppError::Unauthorized("Sign in first.".into())).into_response();
    };
    let (input, parse_errors) = input_of(&fields);
    let result = if parse_errors.0.is_empty() {
        stakeholders::save(&state.store, stakeholder.user.id, input, state.actor(principal.user_id)).await
    } else {
        Err(StoreError::Invalid(parse_errors))
    };
    match result {
        Ok(saved) => Redirect::to(&format!("/stakeholders/{}", saved.user.id)).into_response(),
        Err(StoreError::Invalid(errors)) => match render(&state, &caller, &stakeholder, &errors, Some(&fields)).await {
            Ok(page) => (StatusCode::UNPROCESSABLE_ENTITY, page).into_response(),
            Err(error) => error.into_response(),
        },
        Err(other) => PageError::from(other).into_response(),
    }
}

async fn load(state: &AppState, id: &str) -> Result<Stakeholder, PageError> {
    let Ok(id) = id.parse::<i64>() else { return Err(missing("This stakeholder")) };
    stakeholders::stakeholder(&state.store, id).await?.ok_or_else(|| missing("This stakeholder"))
}

/// The preferences the form describes, and errors of numbers that do not parse.
fn input_of(fields: &Fields) -> (PreferencesInput, ValidationErrors) {
    let mut errors = ValidationErrors::default();
    let values = |name: &str| fields.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect::<Vec<_>>();
    let value = |name: &str| fields.iter().find(|(k, _)| k == name).map_or_else(String::new, |(_, v)| v.clone());
    let mut ids = |name: &str, field: &str, what: &str| {
        let mut ids = Vec::new();
        for v in values(name) {
            match v.parse::<i64>() {
                Ok(id) => ids.push(id),
                Err(_) => errors.add(field, format!("'{v}' is not an {what} number")),
            }
        }
        ids
    };
    let objective_ids = ids("objective", "objective_ids", "objective");
    let initiative_ids = ids("initiative", "initiative_ids", "initiative");
    let webhook = value("webhook_url");
    let input = PreferencesInput {
        topics: ordered_topics(fields, &mut errors),
        cadence: value("cadence"),
        schedule: Some(value("schedule")),
        channel: value("channel"),
        webhook_url: (!webhook.trim().is_empty()).then_some(webhook),
        objective_ids,
        initiative_ids,
    };
    (input, errors)
}

fn channel_label(channel: &Channel) -> String {
    match channel {
        Channel::Email => "e-mail".to_owned(),
        Channel::Webhook(url) => format!("chat webhook at {}", url.host()),
    }
}

async fn render(
    state: &AppState,
    caller: &Caller,
    s: &Stakeholder,
    errors: &ValidationErrors,
    sent: Option<&Fields>,
) -> PageResult {
    let workspace = state.store.workspace().await?;
    let teams = state.store.teams().await?;
    let objectives = state.store.objectives().await?;
    let initiatives = state.store.initiatives().await?;
    let may_edit = caller.principal().is_some_and(|p| s.allows(p, Action::EditStakeholders));
    // The briefs sent to them that the caller may read: all, for themselves; those of the
    // teams the caller writes briefs for, for a manager.
    let is_them = caller.principal().is_some_and(|p| p.user_id == s.user.id);
    let (briefs, drafts): (Vec<_>, Vec<_>) = state
        .store
        .briefs(s.user.id, &[])
        .await?
        .into_iter()
        .filter(|b| caller.may(Action::WriteBriefs, b.team_id) || (is_them && b.sent_at.is_some()))
        .partition(|b| b.sent_at.is_some());
    let today = state.today();
    let last_sent = briefs
        .iter()
        .filter_map(|b| b.sent_at)
        .max()
        .and_then(|at| time::OffsetDateTime::from_unix_timestamp(at).ok())
        .map(time::OffsetDateTime::date);
    let prefs = s.preferences();
    let sponsored_teams: Vec<_> = teams.iter().filter(|t| s.team_ids.contains(&t.id)).collect();
    let their_initiatives: Vec<_> = initiatives.iter().filter(|i| s.team_ids.contains(&i.team_id)).collect();
    let owned: Vec<_> = objectives.iter().filter(|o| s.owned_objective_ids.contains(&o.id)).collect();
    let cared: Vec<_> = prefs.objective_ids.iter().filter_map(|id| objectives.iter().find(|o| o.id == *id)).collect();
    let sponsored: Vec<_> =
        prefs.initiative_ids.iter().filter_map(|id| initiatives.iter().find(|i| i.id == *id)).collect();
    // What the form shows: what was sent (after an error), else what is stored.
    let chosen = |name: &str, value: &str| match sent {
        Some(fields) => fields.iter().any(|(k, v)| k == name && v == value),
        None => match name {
            "topic" => prefs.topics.iter().any(|t| t.as_str() == value),
            "cadence" => prefs.cadence.as_str() == value,
            "schedule" => prefs.schedule.as_str() == value,
            "channel" => prefs.channel.kind() == value,
            "objective" => prefs.objective_ids.iter().any(|id| id.to_string() == value),
            "initiative" => prefs.initiative_ids.iter().any(|id| id.to_string() == value),
            _ => false,
        },
    };
    let error = |field: &str| {
        let messages: Vec<_> = errors
            .0
            .iter()
            .filter(|e| e.field == field || e.field.starts_with(&format!("{field}[")))
            .map(|e| e.message.clone())
            .collect();
        (!messages.is_empty()).then(|| messages.join("; "))
    };
    let content = html! {
        p.crumbs { a href="/stakeholders" { "Stakeholders" } " / " (s.user.name) }
        div.page-head {
            h1 { (s.user.name) }
        }
        p.muted.lead {
            "Executive of " (sponsored_teams.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(", "))
            " · briefed " (prefs.cadence.as_str()) " by " (channel_label(&prefs.channel))
            @match &s.profile {
                Some(p) => { " · profile saved " (date_time(p.updated_at)) }
                None => { " · starting profile, not saved yet" }
            }
        }
        @if !errors.0.is_empty() {
            section.card.alert role="alert" {
                h2 { "The profile was not saved" }
                ul { @for e in &errors.0 { li { strong { (e.field) } ": " (e.message) } } }
            }
        }
        div.stakeholder-grid {
            section.card {
                h2 { "Sponsors" }
                dl.facts {
                    dt { "Teams" }
                    dd { @for (i, t) in sponsored_teams.iter().enumerate() { @if i > 0 { ", " } a href={ "/teams/" (t.id) } { (t.name) } } }
                    dt { "Initiatives" }
                    dd {
                        @if sponsored.is_empty() { span.muted { "none chosen yet" } }
                        @for (i, initiative) in sponsored.iter().enumerate() { @if i > 0 { ", " } a href={ "/initiatives/" (initiative.id) } { (initiative.title) } }
                    }
                }
            }
            section.card {
                h2 { "Objectives" }
                dl.facts {
                    dt { "Owns" }
                    dd {
                        @if owned.is_empty() { span.muted { "none: no objective names them as owner" } }
                        @for (i, o) in owned.iter().enumerate() { @if i > 0 { ", " } a href={ "/strategy#objective-" (o.id) } { (o.title) } }
                    }
                    dt { "Cares about" }
                    dd {
                        @if cared.is_empty() { span.muted { "none chosen yet" } }
                        @for (i, o) in cared.iter().enumerate() { @if i > 0 { ", " } a href={ "/strategy#objective-" (o.id) } { (o.title) } }
                    }
                }
            }
            section.card {
                h2 { "How they like to be briefed" }
                dl.facts {
                    dt { "Wants to hear about" } dd { (prefs.topics.iter().map(|t| t.label()).collect::<Vec<_>>().join(", ")) }
                    dt { "Cadence" } dd { (prefs.cadence.as_str()) " (every " (prefs.cadence.days()) " days)" }
                    dt { "When due" } dd { (prefs.schedule.label()) }
                    dt { "Next brief" } dd {
                        @match last_sent {
                            Some(last) if !prefs.cadence.is_due(Some(last), today) => {
                                "due " (leadup_core::date::format(prefs.cadence.next_due(last)))
                                span.muted { " (the last was sent " (leadup_core::date::format(last)) ")" }
                            }
                            Some(last) => { strong { "due now" } span.muted { " (the last was sent " (leadup_core::date::format(last)) ")" } }
                            None => { strong { "due now" } span.muted { " (none sent yet)" } }
                        }
                        @for d in &drafts {
                            br;
                            a.inline-link href={ "/briefs/" (d.id) } { "Drafted " (date_time(d.created_at)) }
                            " for " (teams.iter().find(|t| t.id == d.team_id).map_or("", |t| t.name.as_str())) ", waiting for review"
                        }
                    }
                    dt { "Channel" } dd {
                        @match &prefs.channel {
                            Channel::Email => { "e-mail to " (s.user.email) }
                            Channel::Webhook(url) => { "chat webhook at " strong { (url.host()) } span.muted { " (the full address is kept secret)" } }
                        }
                    }
                }
            }
            section.card id="briefs" {
                h2 { "Briefs sent" }
                @if briefs.is_empty() {
                    p.muted { "None have been sent yet." }
                } @else {
                    ul {
                        @for b in &briefs {
                            li {
                                a href={ "/briefs/" (b.id) } {
                                    (teams.iter().find(|t| t.id == b.team_id).map_or("", |t| t.name.as_str())) ", " (leadup_core::date::format(b.period_start)) " to " (leadup_core::date::format(b.period_end))
                                }
                                @if let Some(sent) = b.sent_at { span.muted { " · sent " (date_time(sent)) } }
                            }
                        }
                    }
                }
            }
        }
        @if may_edit {
            form.card.stakeholder-form method="post" action={ "/stakeholders/" (s.user.id) } {
                input type="hidden" name=(CSRF_FIELD) value=(caller.csrf());
                h2 { "Edit the profile" }
                p.muted { "The teams they sponsor are their executive roles; the objectives they own are those whose owner is their name. Choose the rest here." }
                fieldset.choices-inline.invalid[error("topics").is_some()] {
                    legend { "What they want to hear about, and in which order (1 comes first in their brief)" }
                    @for (position, topic) in topic_order(&prefs.topics).into_iter().enumerate() {
                        span.topic-choice {
                            label.check { input type="checkbox" name="topic" value=(topic.as_str()) checked[chosen("topic", topic.as_str())]; (topic.label()) }
                            label.order {
                                span.visually-hidden { "Position of " (topic.label()) }
                                input type="number" min="1" max=(Topic::ALL.len()) name={ "order_" (topic.as_str()) }
                                    value=(sent_value(sent, &format!("order_{}", topic.as_str())).unwrap_or_else(|| (position + 1).to_string()));
                            }
                        }
                    }
                    @if let Some(message) = error("topics") { span.field-error { (message) } }
                }
                fieldset.choices-inline.invalid[error("cadence").is_some()] {
                    legend { "Cadence" }
                    @for cadence in Cadence::ALL {
                        label.check { input type="radio" name="cadence" value=(cadence.as_str()) checked[chosen("cadence", cadence.as_str())]; (cadence.as_str()) }
                    }
                    @if let Some(message) = error("cadence") { span.field-error { (message) } }
                }
                fieldset.choices.invalid[error("schedule").is_some()] {
                    legend { "When a brief falls due" }
                    @for schedule in Schedule::ALL {
                        label.check { input type="radio" name="schedule" value=(schedule.as_str()) checked[chosen("schedule", schedule.as_str())]; (schedule.label()) }
                    }
                    @if let Some(message) = error("schedule") { span.field-error { (message) } }
                }
                fieldset.choices-inline.invalid[error("channel").is_some() || error("webhook_url").is_some()] {
                    legend { "Channel" }
                    label.check { input type="radio" name="channel" value="email" checked[chosen("channel", "email")]; "E-mail to " (s.user.email) }
                    label.check { input type="radio" name="channel" value="webhook" checked[chosen("channel", "webhook")]; "Chat webhook (Slack-compatible)" }
                    label.field.wide {
                        span.label { "Webhook address" }
                        input type="text" name="webhook_url" value="" autocomplete="off" placeholder="https://hooks.slack.com/services/…";
                        span.muted {
                            @match &prefs.channel {
                                Channel::Webhook(url) => { "One is stored, posting to " (url.host()) ". Leave this empty to keep it." }
                                Channel::Email => { "An https address; it is kept secret and shown only by its host." }
                            }
                        }
                    }
                    @if let Some(message) = error("channel") { span.field-error { (message) } }
                    @if let Some(message) = error("webhook_url") { span.field-error { (message) } }
                }
                fieldset.objectives.invalid[error("objective_ids").is_some()] {
                    legend { "Objectives they care about" }
                    @if objectives.is_empty() { p.muted { "The workspace has no objectives yet." } }
                    @for o in &objectives {
                        label.check {
                            input type="checkbox" name="objective" value=(o.id) checked[chosen("objective", &o.id.to_string())];
                            (o.title)
                            @if s.owned_objective_ids.contains(&o.id) { span.muted { " (they own it)" } }
                        }
                    }
                    @if let Some(message) = error("objective_ids") { span.field-error { (message) } }
                }
                fieldset.objectives.invalid[error("initiative_ids").is_some()] {
                    legend { "Initiatives they sponsor" }
                    @if their_initiatives.is_empty() { p.muted { "Their teams have no initiatives yet." } }
                    @for i in &their_initiatives {
                        label.check { input type="checkbox" name="initiative" value=(i.id) checked[chosen("initiative", &i.id.to_string())]; (i.title) }
                    }
                    @if let Some(message) = error("initiative_ids") { span.field-error { (message) } }
                }
                div.actions { button type="submit" { "Save the profile" } }
            }
        }
    };
    Ok(layout::page(&s.user.name, workspace.as_ref(), Some(Section::Briefs), caller, &content))
}

/// Every topic as the editor lists them: the profile's, in its order, then the others.
fn topic_order(chosen: &[Topic]) -> Vec<Topic> {
    chosen.iter().copied().chain(Topic::ALL.into_iter().filter(|t| !chosen.contains(t))).collect()
}

/// What the form sent as `name`, if it was sent.
fn sent_value(sent: Option<&Fields>, name: &str) -> Option<String> {
    sent?.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
}

/// The ticked topics, ordered by the position typed next to each (ties keep the form's order).
fn ordered_topics(fields: &Fields, errors: &mut ValidationErrors) -> Vec<String> {
    let mut topics: Vec<(usize, String)> = Vec::new();
    for (_, topic) in fields.iter().filter(|(k, _)| k == "topic") {
        let typed = fields.iter().find(|(k, _)| *k == format!("order_{topic}")).map_or("", |(_, v)| v.trim());
        let label = Topic::parse(topic).map_or_else(|| topic.clone(), |t| t.label().to_owned());
        let position = match typed.parse::<usize>() {
            Ok(n) if (1..=Topic::ALL.len()).contains(&n) => n,
            _ if typed.is_empty() => Topic::ALL.len(),
            _ => {
                errors.add(
                    "topics",
                    format!("the position of {label}, '{typed}', is not a whole number from 1 to {}", Topic::ALL.len()),
                );
                Topic::ALL.len()
            }
        };
        topics.push((position, topic.clone()));
    }
    topics.sort_by_key(|(position, _)| *position);
    topics.into_iter().map(|(_, topic)| topic).collect()
}
