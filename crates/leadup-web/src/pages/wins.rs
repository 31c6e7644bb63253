//! Wins with credit: `/teams/{id}/wins` (the team's wins, the confirmed wins per person
//! credited, a form for members to propose one, and confirm or decline for the manager) and
//! `/wins`, the digest of the confirmed wins of every team the reader may see, naming the
//! people credited. Through `leadup_app::wins`, as the API and the CLI.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leadup_app::wins::{self, TeamWins};
use leadup_core::access::Action;
use leadup_core::date;
use leadup_core::win::{Win, WinInput, WinStatus};
use leadup_core::{FieldError, ValidationErrors};
use leadup_store::StoreError;
use maud::{Markup, html};
use serde::Deserialize;

use super::Query;
use super::layout::{self, Section};
use super::{PageError, PageResult, missing};
use crate::auth::{CSRF_FIELD, Caller};
use crate::{AppError, AppState};

/// The objective and key result the form's `serves` names: `None` when it names neither in
/// the form's words (the store then checks that they exist).
fn serves(text: &str) -> Option<(Option<i64>, Option<u32>)> {
    let text = text.trim();
    if text.is_empty() {
        return Some((None, None));
    }
    if let Some(objective) = text.strip_prefix("objective:") {
        return Some((Some(objective.parse().ok()?), None));
    }
    let (objective, key_result) = text.strip_prefix("key-result:")?.split_once(':')?;
    Some((Some(objective.parse().ok()?), Some(key_result.parse().ok()?)))
}

/// The form's value for what a win serves.
fn serves_value(objective: Option<i64>, key_result: Option<u32>) -> String {
    match (objective, key_result) {
        (Some(o), Some(k)) => format!("key-result:{o}:{k}"),
        (Some(o), None) => format!("objective:{o}"),
        _ => String::new(),
    }
}

/// The propose form as sent: credits one per line.
#[derive(Deserialize, Default, Clone)]
pub(crate) struct WinFields {
    #[serde(default)]
    title: String,
    #[serde(default)]
    achieved_on: String,
    #[serde(default)]
    initiative_id: String,
    /// What it serves of the strategy: empty, `objective:ID` or `key-result:ID:N`.
    #[serde(default)]
    serves: String,
    #[serde(default)]
    impact: String,
    #[serde(default)]
    impact_value: String,
    #[serde(default)]
    impact_unit: String,
    #[serde(default)]
    credits: String,
}

impl WinFields {
    fn input(&self) -> Result<WinInput, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let initiative_id = match self.initiative_id.trim() {
            "" => None,
            id => id.parse().map_or_else(
                |_| {
                    errors.add("initiative_id", format!("'{id}' is not an initiative"));
                    None
                },
                Some,
            ),
        };
        let (objective_id, key_result) = serves(&self.serves).unwrap_or_else(|| {
            errors.add("serves", format!("'{}' is not an objective or one of its key results", self.serves));
            (None, None)
        });
        let impact_value = match self.impact_value.trim() {
            "" => None,
            value => value.parse().map_or_else(
                |_| {
                    errors.add("impact_value", format!("'{value}' is not a number"));
                    None
                },
                Some,
            ),
        };
        let input = WinInput {
            title: self.title.clone(),
            achieved_on: self.achieved_on.clone(),
            initiative_id,
            objective_id,
            key_result,
            impact: self.impact.clone(),
            impact_value,
            impact_unit: self.impact_unit.clone(),
            credits: self.credits.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect(),
        };
        errors.into_result(|| input)
    }
}

fn team_id(id: &str) -> Result<i64, PageError> {
    id.parse().map_err(|_| missing(&format!("Team '{id}'")))
}

pub(crate) async fn page(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> PageResult {
    render(&state, &caller, team_id(&id)?, &[], None).await
}

pub(crate) async fn propose(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Form(fields): Form<WinFields>,
) -> Response {
    let team = match team_id(&id) {
        Ok(team) => team,
        Err(error) => return error.into_response(),
    };
    let Some(user) = caller.principal() else {
        return PageError::from(AppError::Unauthorized("Sign in first.".into())).into_response();
    };
    let result = match fields.input() {
        Ok(input) => wins::propose(&state.store, team, &input, state.today(), state.actor(user.user_id)).await,
        Err(errors) => Err(StoreError::Invalid(errors)),
    };
    match result {
        Ok(_) => Redirect::to(&format!("/teams/{team}/wins")).into_response(),
        Err(StoreError::Invalid(errors)) => match render(&state, &caller, team, &errors.0, Some(&fields)).await {
            Ok(page) => (StatusCode::UNPROCESSABLE_ENTITY, page).into_response(),
            Err(error) => error.into_response(),
        },
        Err(other) => PageError::from(other).into_response(),
    }
}

#[derive(Deserialize)]
pub(crate) struct DecisionFields {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
}

pub(crate) async fn decide(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Form(fields): Form<DecisionFields>,
) -> Response {
    let Ok(id) = id.parse::<i64>() else { return missing("This win").into_response() };
    let Some(user) = caller.principal() else {
        return PageError::from(AppError::Unauthorized("Sign in first.".into())).into_response();
    };
    let by = state.actor(user.user_id);
    let result = match fields.decision.as_str() {
        "confirm" => wins::confirm(&state.store, id, by).await,
        "decline" => wins::decline(&state.store, id, &fields.reason, by).await,
        other => Err(StoreError::Invalid(ValidationErrors::single(
            "decision",
            format!("'{other}' is not confirm or decline"),
        ))),
    };
    match result {
        Ok(win) => Redirect::to(&format!("/teams/{}/wins", win.team_id)).into_response(),
        Err(StoreError::Invalid(errors)) => {
            let team = match state.store.win(id).await {
                Ok(win) => win.team_id,
                Err(error) => return PageError::from(error).into_response(),
            };
            match render(&state, &caller, team, &errors.0, None).await {
                Ok(page) => (StatusCode::UNPROCESSABLE_ENTITY, page).into_response(),
                Err(error) => error.into_response(),
            }
        }
        Err(other) => PageError::from(other).into_response(),
    }
}

#[derive(Deserialize)]
pub(crate) struct DigestParams {
    days: Option<u32>,
}

/// The periods the digest offers, in days.
const DIGEST_DAYS: [u32; 3] = [30, 90, 365];

pub(crate) async fn digest(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<DigestParams>,
) -> PageResult {
    let user = caller.principal().ok_or_else(|| AppError::Unauthorized("Sign in first.".into()))?;
    let days = params.days.filter(|d| DIGEST_DAYS.contains(d)).unwrap_or(90);
    let today = state.today();
    let from = today - time::Duration::days(i64::from(days));
    let digest = wins::digest(&state.store, user, from, today).await?;
    let teams = state.store.teams().await?;
    let team_name =
        |id: i64| teams.iter().find(|t| t.id == id).map_or_else(|| format!("Team {id}"), |t| t.name.clone());
    let workspace = state.store.workspace().await?;
    let content = html! {
        div.page-head {
            h1 { "Wins" }
            nav.tabs aria-label="Period" {
                @for d in DIGEST_DAYS {
                    a href={ "/wins?days=" (d) } class=[(d == days).then_some("active")] { "Last " (d) " days" }
                }
            }
        }
        p.muted.lead { "The confirmed wins of your teams from " (date::format(from)) " to " (date::format(today)) ", with the people who did the work." }
        @if digest.wins.is_empty() {
            section.card { p { "No confirmed wins in this period." } }
        } @else {
            (credits_table(&digest))
            section.card {
                h2 { "Wins" }
                ul.wins { @for win in &digest.wins {
                    li {
                        strong { (win.title) } " · " (team_name(win.team_id)) " · " (date::format(win.achieved_on))
                        (impact(win))
                        p { "Credit: " (credit_names(win)) }
                    }
                } }
            }
        }
    };
    Ok(layout::page("Wins", workspace.as_ref(), Some(Section::Wins), &caller, &content))
}

fn credit_names(win: &Win) -> String {
    win.credits.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(", ")
}

fn impact(win: &Win) -> Markup {
    html! {
        @if !win.impact.is_empty() || win.impact_value.is_some() {
            p.muted {
                (win.impact)
                @if let Some(value) = win.impact_value {
                    @if !win.impact.is_empty() { " · " }
                    (value) " " (win.impact_unit)
                }
            }
        }
    }
}

fn credits_table(wins: &TeamWins) -> Markup {
    html! {
        section.card {
            h2 { "Credits per person" }
            @if wins.credits.is_empty() { p { "No confirmed wins yet, so no credits." } } @else {
                table {
                    thead { tr { th scope="col" { "Person" } th scope="col" { "Confirmed wins" } } }
                    tbody { @for person in &wins.credits { tr {
                        td { (person.name) @if person.user_id.is_none() { " " span.muted { "(no account)" } } }
                        td { (person.wins) }
                    } } }
                }
            }
        }
    }
}

async fn render(
    state: &AppState,
    caller: &Caller,
    team: i64,
    errors: &[FieldError],
    fields: Option<&WinFields>,
) -> PageResult {
    let record = state.store.team(team).await?;
    let workspace = state.store.workspace().await?;
    let listed = wins::team_wins(&state.store, team).await?;
    let initiatives: Vec<_> = state.store.initiatives().await?.into_iter().filter(|i| i.team_id == team).collect();
    let objectives = state.store.objectives().await?;
    let may_propose = caller.may(Action::ProposeWins, team);
    let may_confirm = caller.may(Action::ConfirmWins, team);
    let fields = fields
        .cloned()
        .unwrap_or_else(|| WinFields { achieved_on: date::format(state.today()), ..WinFields::default() });
    let error_of = |name: &str| {
        errors
            .iter()
            .filter(|e| e.field == name || e.field.starts_with(&format!("{name}[")))
            .map(|e| e.message.clone())
            .collect::<Vec<_>>()
            .join("; ")
    };
    let content = html! {
        p.crumbs { a href="/teams" { "Teams" } " / " a href={ "/teams/" (team) } { (record.name) } " / Wins" }
        div.page-head {
            h1 { (record.name) ": wins" }
            a.button.secondary href={ "/teams/" (team) "/process" } { "Process and decisions" }
        }
        p.muted.lead { "What the team achieved and who did the work. Members propose a win; the manager confirms it, and only confirmed wins reach the digest and the brief." }
        (credits_table(&listed))
        section.card {
            h2 { "Wins" }
            @if listed.wins.is_empty() { p { "No wins recorded yet." } }
            @for win in &listed.wins {
                article.win id={ "win-" (win.id) } {
                    h3 { (win.title) " " span class={ "badge status-" (win.status.as_str()) } { (win.status.as_str()) } }
                    p.muted {
                        (date::format(win.achieved_on))
                        @if let Some(i) = win.initiative_id.and_then(|i| initiatives.iter().find(|x| x.id == i)) {
                            " · serves " a href={ "/initiatives/" (i.id) } { (i.title) }
                        }
                        @if let Some(o) = win.objective_id.and_then(|o| objectives.iter().find(|x| x.id == o)) {
                            " · towards " a href={ "/strategy#objective-" (o.id) } { (o.title) }
                            @if let Some(kr) = win.key_result.and_then(|k| o.key_results.get(k as usize)) { " (" (kr.metric) ")" }
                        }
                    }
                    (impact(win))
                    p { "Credit: " (credit_names(win)) }
                    @if let Some(reason) = &win.decline_reason { p { "Declined: " (reason) } }
                    @if may_confirm && win.status == WinStatus::Proposed {
                        div.actions.win-decision {
                            form.inline method="post" action={ "/wins/" (win.id) "/decision" } {
                                input type="hidden" name=(CSRF_FIELD) value=(caller.csrf());
                                input type="hidden" name="decision" value="confirm";
                                button type="submit" { "Confirm" }
                            }
                            form.inline method="post" action={ "/wins/" (win.id) "/decision" } {
                                input type="hidden" name=(CSRF_FIELD) value=(caller.csrf());
                                input type="hidden" name="decision" value="decline";
                                label { span.label { "Reason to decline" } input type="text" name="reason" required; }
                                button.secondary type="submit" { "Decline" }
                            }
                        }
                    }
                }
            }
        }
        @if may_propose {
            section.card {
                h2 { "Propose a win" }
                @if !errors.is_empty() { p.field-error role="alert" { "Nothing was saved: " (ValidationErrors(errors.to_vec()).summary()) } }
                form method="post" action={ "/teams/" (team) "/wins" } {
                    input type="hidden" name=(CSRF_FIELD) value=(caller.csrf());
                    label { span.label { "What was achieved" } input type="text" name="title" value=(fields.title) required; }
                    @let e = error_of("title"); @if !e.is_empty() { p.field-error { (e) } }
                    label { span.label { "When (YYYY-MM-DD, not after today)" } input type="text" name="achieved_on" value=(fields.achieved_on) placeholder="YYYY-MM-DD" required; }
                    @let e = error_of("achieved_on"); @if !e.is_empty() { p.field-error { (e) } }
                    label { span.label { "Initiative it serves" }
                        select name="initiative_id" {
                            option value="" { "None" }
                            @for i in &initiatives { option value=(i.id) selected[fields.initiative_id == i.id.to_string()] { (i.title) } }
                        }
                    }
                    label { span.label { "Objective or key result it moves (optional)" }
                        select name="serves" {
                            option value="" { "None" }
                            @for o in &objectives {
                                optgroup label=(o.title) {
                                    @let value = serves_value(Some(o.id), None);
                                    option value=(value) selected[fields.serves == value] { (o.title) " (the objective)" }
                                    @for (n, kr) in o.key_results.iter().enumerate() {
                                        @let value = serves_value(Some(o.id), u32::try_from(n).ok());
                                        option value=(value) selected[fields.serves == value] { "Key result: " (kr.metric) }
                                    }
                                }
                            }
                        }
                    }
                    @let e = format!("{} {} {}", error_of("serves"), error_of("objective_id"), error_of("key_result")); @if !e.trim().is_empty() { p.field-error { (e) } }
                    label { span.label { "Impact in words" } input type="text" name="impact" value=(fields.impact); }
                    label { span.label { "Impact as a number (optional)" } input type="text" inputmode="decimal" name="impact_value" value=(fields.impact_value); }
                    label { span.label { "Unit of that number" } input type="text" name="impact_unit" value=(fields.impact_unit); }
                    @let e = format!("{} {}", error_of("impact_value"), error_of("impact_unit")); @if !e.trim().is_empty() { p.field-error { (e) } }
                    label { span.label { "People credited, one per line" } textarea name="credits" rows="3" { (fields.credits) } }
                    p.help { "An e-mail address credits that user; a name credits a teammate of that name, or anyone without an account." }
                    @let e = error_of("credits"); @if !e.is_empty() { p.field-error { (e) } }
                    button type="submit" { "Propose" }
                }
            }
        }
    };
    Ok(layout::page(&format!("{} wins", record.name), workspace.as_ref(), Some(Section::Teams), caller, &content))
}
