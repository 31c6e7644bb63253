//! `/teams/{id}/plans`: a team's plans, and the manager's form for a new one;
//! `/plans/{id}`: one plan: its progress against the baseline (per committed initiative the
//! target, budget, current P85 date and chance by target, the change since approval, budget
//! spent and items done, under the plan's headline), its baseline (immutable, with its content
//! hash and who approved it when), the version in the making with the manager's edit form and
//! Submit (and the comment of an executive who sent it back), a submitted version's forecast
//! with the executives' Approve and Send back (each with a reason), "Request a change" for
//! everyone who may file one, the version history with every decision and a diff between any
//! two versions (`?from=N&to=M`), the plan's change requests and the team's disruption record
//! for the plan's period. Every forecast shown is a stored one (`leadup_app::plan_progress`).
//!
//! Forms post URL-encoded fields and answer with a redirect to the plan (or the form again,
//! with every bad field named); nothing changes on GET and nothing needs JavaScript.

use std::collections::HashMap;

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leadup_app::plan_progress::{self, ForecastFigures, PlanProgress};
use leadup_core::access::Action;
use leadup_core::change_request::{ChangeRequest, RequestStatus};
use leadup_core::date;
use leadup_core::disruption::DisruptionRecord;
use leadup_core::headline::{Headline, percent};
use leadup_core::initiative::Initiative;
use leadup_core::money::{Money, major_units, parse_amount};
use leadup_core::plan::{
    Origin, Period, Plan, PlanContent, PlanDecision, PlanDiff, PlanInput, PlanItemInput, PlanVersion, StatedConfidence,
    VersionStatus, diff, validate_items,
};
use leadup_core::roadmap::Quarter;
use leadup_core::strategy::Workspace;
use leadup_core::team::Team;
use leadup_core::team::possessive;
use leadup_core::{FieldError, ValidationErrors};
use maud::{Markup, html};
use serde::Deserialize;
use time::{Date, OffsetDateTime};

use super::Query;
use super::layout::{self, Section, date_time, flag, status_badge};
use super::{PageError, PageResult, missing};
use crate::auth::{CSRF_FIELD, Caller};
use crate::{AppError, AppState};

/// A form as the browser sent it: its fields in page order.
pub(super) type Fields = Vec<(String, String)>;

/// What the plan pages show beside a plan: the team, its initiatives and everyone's names.
pub(super) struct Context {
    pub(super) workspace: Option<Workspace>,
    pub(super) team: Team,
    /// The team's initiatives.
    pub(super) initiatives: Vec<Initiative>,
    names: HashMap<i64, String>,
    /// Shown through a share link: nothing links to pages the share does not cover.
    pub(super) shared: bool,
}

impl Context {
    pub(super) async fn load(state: &AppState, team_id: i64) -> Result<Self, PageError> {
        let team = match state.store.team(team_id).await {
            Ok(team) => team,
            Err(leadup_store::StoreError::NotFound { .. }) => return Err(missing(&format!("Team {team_id}"))),
            Err(other) => return Err(other.into()),
        };
        let initiatives = state.store.initiatives().await?.into_iter().filter(|i| i.team_id == team_id).collect();
        let names = state.store.users().await?.into_iter().map(|u| (u.id, u.name)).collect();
        Ok(Self { workspace: state.store.workspace().await?, team, initiatives, names, shared: false })
    }

    pub(super) fn initiative(&self, id: i64) -> Option<&Initiative> {
        self.initiatives.iter().find(|i| i.id == id)
    }

    /// An initiative's title (its id if it is not the team's).
    pub(super) fn title(&self, id: i64) -> String {
        self.initiative(id).map_or_else(|| format!("Initiative {id}"), |i| i.title.clone())
    }

    /// A user's name.
    pub(super) fn name(&self, user_id: i64) -> String {
        self.names.get(&user_id).cloned().unwrap_or_else(|| format!("user {user_id}"))
    }

    /// `minor` units of initiative `id`'s currency, e.g. `EUR 420,000`.
    pub(super) fn money(&self, id: i64, minor: i64) -> String {
        match self.initiative(id) {
            Some(initiative) => Money { minor, currency: initiative.currency.clone() }.display(),
            None => major_units(minor),
        }
    }

    /// The currency of the team's budgets, for form labels.
    fn currency(&self) -> String {
        self.initiatives.first().map_or_else(|| "EUR".to_owned(), |i| i.currency.to_string())
    }

    /// A link to the initiative (its title alone through a share link, which does not cover
    /// initiative pages).
    pub(super) fn link(&self, id: i64) -> Markup {
        if self.shared {
            html! { (self.title(id)) }
        } else {
            html! { a href={ "/initiatives/" (id) } { (self.title(id)) } }
        }
    }

    /// The breadcrumbs down to the team's plans.
    pub(super) fn crumbs(&self) -> Markup {
        let team = &self.team;
        html! {
            a href="/teams" { "Teams" } " / " a href={ "/teams/" (team.id) } { (team.name) } " / "
            a href={ "/teams/" (team.id) "/plans" } { "Plans" }
        }
    }

    pub(super) fn page(&self, title: &str, caller: &Caller, content: &Markup) -> Markup {
        layout::page(title, self.workspace.as_ref(), Some(Section::Teams), caller, content)
    }
}

// ---------------------------------------------------------------------------------------
// The item editor, shared by the new-plan form and the draft's edit form.

/// One initiative of the team as the editor shows it.
struct Row {
    initiative_id: i64,
    included: bool,
    priority: String,
    /// The priority the page showed, so that a row moved onto a taken number goes first.
    shown: String,
    target: String,
    budget: String,
    scope: String,
}

/// The open work items attached to each of the team's initiatives: the scope an initiative
/// brings when it is added to a plan.
async fn remaining_scope(state: &AppState, view: &Context) -> Result<HashMap<i64, usize>, PageError> {
    let mut remaining = HashMap::new();
    for initiative in &view.initiatives {
        let items = state.store.initiative_work_items(initiative.id).await?;
        remaining.insert(initiative.id, items.iter().filter(|i| i.done.is_none()).count());
    }
    Ok(remaining)
}

/// The editor's rows for `content`: its items in plan order, then the team's other open
/// initiatives, prefilled from the initiative (target date the end of its window, or
/// `fallback_target`; its planned budget; its open work items as the scope).
fn rows_of(content: &PlanContent, view: &Context, remaining: &HashMap<i64, usize>, fallback_target: Date) -> Vec<Row> {
    let mut rows: Vec<Row> = content
        .items
        .iter()
        .enumerate()
        .map(|(n, item)| Row {
            initiative_id: item.initiative_id,
            included: true,
            priority: (n + 1).to_string(),
            shown: (n + 1).to_string(),
            target: date::format(item.target_date),
            budget: major_units(item.budget),
            scope: item.scope.to_string(),
        })
        .collect();
    let others = view.initiatives.iter().filter(|i| content.item(i.id).is_none() && i.status.is_open());
    for initiative in others {
        rows.push(Row {
            initiative_id: initiative.id,
            included: false,
            priority: (rows.len() + 1).to_string(),
            shown: (rows.len() + 1).to_string(),
            target: date::format(initiative.window.map_or(fallback_target, |w| w.end)),
            budget: major_units(initiative.budget_planned),
            scope: remaining.get(&initiative.id).copied().unwrap_or(0).to_string(),
        });
    }
    rows
}

/// The editor's rows as the browser sent them back, in page order.
fn rows_from(fields: &Fields) -> Vec<Row> {
    let value = |name: String| fields.iter().find(|(k, _)| *k == name).map(|(_, v)| v.trim().to_owned());
    fields
        .iter()
        .filter_map(|(key, _)| key.strip_prefix("priority_")?.parse::<i64>().ok())
        .map(|id| Row {
            initiative_id: id,
            included: value(format!("include_{id}")).is_some(),
            priority: value(format!("priority_{id}")).unwrap_or_default(),
            shown: value(format!("shown_{id}")).unwrap_or_default(),
            target: value(format!("target_{id}")).unwrap_or_default(),
            budget: value(format!("budget_{id}")).unwrap_or_default(),
            scope: value(format!("scope_{id}")).unwrap_or_default(),
        })
        .collect()
}

/// The ticked rows as plan items in priority order (of two with the same number, the one
/// moved there comes first, then the page's order); every bad value is named by its
/// initiative.
fn items_of(rows: &[Row], view: &Context) -> Result<Vec<PlanItemInput>, ValidationErrors> {
    let mut errors = ValidationErrors::default();
    let mut ranked = Vec::new();
    for row in rows.iter().filter(|r| r.included) {
        let title = view.title(row.initiative_id);
        let priority = row.priority.parse::<u32>().ok().filter(|p| *p >= 1);
        if priority.is_none() {
            errors.add(format!("{title}: priority"), format!("'{}' is not a whole number from 1", row.priority));
        }
        let budget = parse_amount(&row.budget).map_err(|reason| errors.add(format!("{title}: budget"), reason)).ok();
        let scope = row.scope.parse::<i64>().ok();
        if scope.is_none() {
            errors.add(format!("{title}: scope"), format!("'{}' is not a number of work items", row.scope));
        }
        if let (Some(priority), Some(budget), Some(scope)) = (priority, budget, scope) {
            let item =
                PlanItemInput { initiative_id: row.initiative_id, target_date: row.target.clone(), budget, scope };
            ranked.push((priority, row.priority == row.shown, item));
        }
    }
    ranked.sort_by_key(|(priority, stayed, _)| (*priority, *stayed));
    let items: Vec<PlanItemInput> = ranked.into_iter().map(|(_, _, item)| item).collect();
    if let Err(invalid) = validate_items(&items) {
        errors.0.extend(named_by_initiative(invalid, &items, view).0);
    }
    errors.into_result(|| items)
}

/// Renames `items[N].field` errors to `Title: field`, as the form shows them.
pub(super) fn named_by_initiative(
    errors: ValidationErrors,
    items: &[PlanItemInput],
    view: &Context,
) -> ValidationErrors {
    ValidationErrors(
        errors
            .0
            .into_iter()
            .map(|error| {
                let named = error.field.strip_prefix("items[").and_then(|rest| {
                    let (index, field) = rest.split_once("].")?;
                    let item = items.get(index.parse::<usize>().ok()?)?;
                    Some(format!("{}: {field}", view.title(item.initiative_id)))
                });
                FieldError { field: named.unwrap_or(error.field), message: error.message }
            })
            .collect(),
    )
}

fn editor(rows: &[Row], view: &Context) -> Markup {
    html! {
        div.scroll { table.plan-editor {
            thead { tr {
                th { "In plan" } th { "Priority" } th { "Initiative" } th { "Target date" }
                th { "Budget (" (view.currency()) ")" } th { "Scope (open items)" }
            } }
            tbody {
                @for row in rows {
                    @let id = row.initiative_id;
                    @let title = view.title(id);
                    tr class=[(!row.included).then_some("excluded")] {
                        td.check-cell { input type="checkbox" name={ "include_" (id) } value="on" checked[row.included] aria-label={ "Include " (title) }; }
                        td {
                            input.narrow type="number" min="1" name={ "priority_" (id) } value=(row.priority) aria-label={ "Priority of " (title) };
                            input type="hidden" name={ "shown_" (id) } value=(row.shown);
                        }
                        td {
                            (title)
                            @if let Some(initiative) = view.initiative(id) { " " (status_badge(initiative.status)) }
                        }
                        td { input type="date" name={ "target_" (id) } value=(row.target) aria-label={ "Target date of " (title) }; }
                        td { input.amount type="text" inputmode="decimal" name={ "budget_" (id) } value=(row.budget) aria-label={ "Budget of " (title) }; }
                        td { input.narrow type="number" min="0" name={ "scope_" (id) } value=(row.scope) aria-label={ "Scope of " (title) }; }
                    }
                }
            }
        } }
        p.muted.hint {
            "Tick the initiatives the plan commits to. Priority 1 is worked on first (give a row a taken number "
            "to move it there); the impact of a change request is forecast in this order. Scope is the number of "
            "work items still to do."
        }
    }
}

/// The errors of a form, each naming its field.
pub(super) fn error_list(errors: &ValidationErrors) -> Markup {
    html! {
        div.alert.error-box role="alert" {
            p { strong { "Nothing was saved. Please correct:" } }
            ul { @for error in &errors.0 { li { strong { (error.field) } ": " (error.message) } } }
        }
    }
}

// ---------------------------------------------------------------------------------------
// `/teams/{id}/plans`

pub(crate) async fn list(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> PageResult {
    let id = id.parse().map_err(|_| missing(&format!("Team '{id}'")))?;
    let view = Context::load(&state, id).await?;
    let next = Quarter::containing(state.today()).next();
    let form = NewPlanForm {
        name: next.to_string(),
        start: date::format(next.first_day()),
        end: date::format(next.last_day()),
        rows: None,
        errors: None,
    };
    render_list(&state, &caller, &view, form).await
}

struct NewPlanForm {
    name: String,
    start: String,
    end: String,
    rows: Option<Vec<Row>>,
    errors: Option<ValidationErrors>,
}

async fn render_list(state: &AppState, caller: &Caller, view: &Context, form: NewPlanForm) -> PageResult {
    let team = &view.team;
    let plans = state.store.team_plans(team.id).await?;
    let mut open = HashMap::new();
    for plan in &plans {
        let requests = state.store.plan_change_requests(plan.id).await?;
        open.insert(plan.id, requests.iter().filter(|r| r.status == RequestStatus::Open).count());
    }
    let may_edit = caller.may(Action::EditPlan, team.id);
    let rows = match form.rows {
        Some(rows) => rows,
        None if may_edit => {
            let remaining = remaining_scope(state, view).await?;
            let end = date::parse(&form.end).unwrap_or_else(|| state.today());
            rows_of(&PlanContent::default(), view, &remaining, end)
        }
        None => Vec::new(),
    };
    let content = html! {
        p.crumbs { a href="/teams" { "Teams" } " / " a href={ "/teams/" (team.id) } { (team.name) } " / Plans" }
        div.page-head { h1 { (possessive(&team.name)) " plans" } }
        p.muted.lead {
            "A plan commits the team to initiatives for a period, each with a target date and a budget. "
            "An executive of the team approves it into the baseline; after that, changes go through change requests, "
            "whose cost is computed before anyone decides."
        }
        section.card {
            @if plans.is_empty() {
                p { "No plans yet." @if may_edit { " Start one below." } @else { " The team's manager starts one." } }
            } @else {
                table.plans {
                    thead { tr {
                        th { "Plan" } th { "Period" } th { "Baseline" } th { "In the making" } th.num { "Initiatives" }
                        th.num { "Open change requests" }
                    } }
                    tbody { @for plan in &plans {
                        @let baseline = plan.baseline();
                        @let making = in_making(plan);
                        tr {
                            td { a href={ "/plans/" (plan.id) } { strong { (plan.name) } } }
                            td.nowrap { (period_text(plan)) }
                            td { @match baseline {
                                Some(v) => { "version " (v.number) " " code.hash title=(v.content_hash) { (short_hash(&v.content_hash)) } },
                                None => span.muted { "not approved yet" },
                            } }
                            td { @match making {
                                Some(v) => { (version_badge(v.status)) " version " (v.number) },
                                None => span.muted { "–" },
                            } }
                            td.num { (plan.latest().map_or(0, |v| v.content.items.len())) }
                            td.num { (open.get(&plan.id).copied().unwrap_or(0)) }
                        }
                    } }
                }
            }
        }
        @if may_edit {
            section.card id="new-plan" {
                h2 { "New plan" }
                @if let Some(errors) = &form.errors { (error_list(errors)) }
                form.plan-form method="post" action={ "/teams/" (team.id) "/plans" } {
                    input type="hidden" name=(CSRF_FIELD) value=(caller.csrf());
                    div.rule-form {
                        label { span.label { "Name" } input type="text" name="name" value=(form.name) required; }
                        label { span.label { "Period from" } input type="date" name="period_start" value=(form.start) required; }
                        label { span.label { "to" } input type="date" name="period_end" value=(form.end) required; }
                    }
                    @if rows.is_empty() {
                        p.muted { "The team has no open initiatives to plan yet." }
                    } @else {
                        (editor(&rows, view))
                    }
                    div.actions { button type="submit" { "Create draft" } }
                }
            }
        }
    };
    Ok(view.page(&format!("{} plans", possessive(&team.name)), caller, &content))
}

pub(crate) async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> Response {
    let Ok(team) = id.parse::<i64>() else { return missing(&format!("Team '{id}'")).into_response() };
    let result: Result<Response, PageError> = async {
        let user = caller.user()?.user_id;
        let view = Context::load(&state, team).await?;
        let field = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
        let rows = rows_from(&fields);
        let saved = match items_of(&rows, &view) {
            Ok(items) => {
                let input = PlanInput {
                    team_id: team,
                    name: field("name"),
                    period_start: field("period_start"),
                    period_end: field("period_end"),
                    items: items.clone(),
                };
                match input.validate() {
                    Ok(draft) => match state.store.create_plan(&draft, state.actor(user)).await {
                        Ok(plan) => Ok(plan),
                        Err(leadup_store::StoreError::Invalid(errors)) => {
                            Err(named_by_initiative(errors, &items, &view))
                        }
                        Err(other) => return Err(other.into()),
                    },
                    Err(errors) => Err(named_by_initiative(errors, &items, &view)),
                }
            }
            Err(errors) => Err(errors),
        };
        match saved {
            Ok(plan) => Ok(Redirect::to(&format!("/plans/{}", plan.id)).into_response()),
            Err(errors) => {
                let form = NewPlanForm {
                    name: field("name"),
                    start: field("period_start"),
                    end: field("period_end"),
                    rows: Some(rows),
                    errors: Some(errors),
                };
                let page = render_list(&state, &caller, &view, form).await?;
                Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
            }
        }
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

// ---------------------------------------------------------------------------------------
// `/plans/{id}`

#[derive(Deserialize, Default)]
pub(crate) struct DiffParams {
    pub(super) from: Option<u32>,
    pub(super) to: Option<u32>,
}

pub(crate) async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(params): Query<DiffParams>,
) -> PageResult {
    let plan = load_plan(&state, &id).await?;
    render_plan(&state, &caller, &plan, &params, None, None).await
}

/// Plan `id` as a share link shows it until `expires`: read-only, to someone signed out.
pub(super) async fn render_shared(state: &AppState, id: i64, expires: &str, params: &DiffParams) -> PageResult {
    let plan = load_plan(state, &id.to_string()).await?;
    render_plan(state, &Caller::Anonymous, &plan, params, None, Some(expires)).await
}

/// The plan named by a path id, or a 404 page.
pub(super) async fn load_plan(state: &AppState, id: &str) -> Result<Plan, PageError> {
    let Ok(number) = id.parse::<i64>() else { return Err(missing(&format!("Plan '{id}'"))) };
    match state.store.plan(number).await {
        Ok(plan) => Ok(plan),
        Err(leadup_store::StoreError::NotFound { .. }) => Err(missing(&format!("Plan {number}"))),
        Err(other) => Err(other.into()),
    }
}

/// The draft's edit form as the manager sent it back with errors: its rows and the errors.
/// What a refused form sent back to the page: the draft's rows as entered (none when the
/// submission, not the draft, was refused), the errors, and the confidences as entered.
struct DraftErrors {
    rows: Option<Vec<Row>>,
    errors: ValidationErrors,
    confidences: Fields,
}

#[allow(clippy::too_many_lines)] // one page, read top to bottom
async fn render_plan(
    state: &AppState,
    caller: &Caller,
    plan: &Plan,
    params: &DiffParams,
    draft_errors: Option<DraftErrors>,
    shared_until: Option<&str>,
) -> PageResult {
    let mut view = Context::load(state, plan.team_id).await?;
    view.shared = shared_until.is_some();
    let requests = state.store.plan_change_requests(plan.id).await?;
    // Requests against a plan may be filed before its period starts (as soon as it is
    // approved), so the record runs from whichever comes first.
    let drafted = plan.versions.first().map_or(plan.period.start, |v| v.created.at.date());
    let days = Period { start: drafted.min(plan.period.start), end: plan.period.end };
    let record = state.store.disruption_record(plan.team_id, days).await?;
    let team = plan.team_id;
    let baseline = plan.baseline();
    let making = in_making(plan);
    let may_edit = caller.may(Action::EditPlan, team);
    let may_approve = caller.may(Action::ApprovePlan, team);
    let may_request = caller.may(Action::FileChangeRequest, team);
    let editing = making.filter(|v| v.status == VersionStatus::Draft && may_edit);
    let (sent_rows, errors, confidences) =
        draft_errors.map_or((None, None, Vec::new()), |sent| (sent.rows, Some(sent.errors), sent.confidences));
    let rows = match (sent_rows, editing) {
        (Some(rows), _) => rows,
        (None, Some(version)) => {
            let remaining = remaining_scope(state, &view).await?;
            rows_of(&version.content, &view, &remaining, plan.period.end)
        }
        (None, None) => Vec::new(),
    };
    let may_share = caller.may(Action::ManageShareLinks, team);
    let today = state.today();
    let progress = match baseline {
        Some(_) => plan_progress::baseline(&state.store, plan.id, today).await?,
        None => None,
    };
    let submitted = match making {
        Some(v) if v.status == VersionStatus::Submitted => {
            plan_progress::version(&state.store, plan.id, v.number, today).await?
        }
        _ => None,
    };
    let content = html! {
        @if let Some(expires) = shared_until {
            p.shared-banner { "A read-only view of " strong { (possessive(&view.team.name)) } " plan " strong { (plan.name) } ", shared by link until " (expires) "." }
        } @else {
            p.crumbs { (view.crumbs()) " / " (plan.name) }
        }
        div.page-head {
            h1 { (plan.name) " " @if baseline.is_some() { span.badge.version-approved { "Baseline approved" } } @else if let Some(v) = making { (version_badge(v.status)) } }
            @if baseline.is_some() && may_request {
                a.button href={ "/plans/" (plan.id) "/change-requests/new" } { "Request a change" }
            }
            @if may_share {
                a.button.secondary href={ "/teams/" (team) "/share?plan=" (plan.id) } { "Share" }
            }
            @if baseline.is_some() && making.is_none() && may_edit {
                form.inline method="post" action={ "/plans/" (plan.id) "/replan" } {
                    input type="hidden" name=(CSRF_FIELD) value=(caller.csrf());
                    button.secondary type="submit" title="A new draft from the baseline, which an executive must approve" { "Start a re-plan" }
                }
            }
        }
        p.muted.lead {
            (view.team.name) " · " (period_text(plan)) " · "
            (plan.versions.len()) @if plan.versions.len() == 1 { " version" } @else { " versions" }
        }
        @if let Some(progress) = &progress {
            section.card.plan-progress id="progress" {
                div.card-head {
                    h2 { "Progress against the baseline" }
                    span.muted { (sentence(&as_of_text(progress, today))) }
                }
                (progress_view(progress, &view, true, &[]))
            }
        }
        @if let Some(baseline) = baseline {
            section.card.baseline id="baseline" {
                div.card-head {
                    h2 { "Baseline · version " (baseline.number) }
                    span.muted { "Immutable: changes go through change requests" @if may_edit { " or a re-plan" } "." }
                }
                dl.facts {
                    dt { "Approved by" }
                    dd { @if let Some(signed) = &baseline.approved { strong { (view.name(signed.user_id)) } " on " (when(signed.at)) } }
                    dt { "Content hash" }
                    dd { code.hash.full { (baseline.content_hash) } span.muted { " SHA-256 of the canonical content" } }
                    dt { "Origin" } dd { (origin_text(baseline.origin)) }
                }
                (items_table(&baseline.content, &view))
            }
        } @else {
            section.card.muted-card {
                h2 { "No baseline yet" }
                p { "The plan becomes the team's baseline when one of the team's executives ("
                    (layout::people(&view.team.executives, "none yet"))
                    ") approves a submitted version." }
            }
        }
        @if let Some(version) = making {
            section.card.in-making id="draft" {
                div.card-head {
                    h2 { "Version " (version.number) " " (version_badge(version.status)) }
                    span.muted {
                        (origin_text(version.origin)) ", started by " (view.name(version.created.user_id)) " on " (when(version.created.at))
                        @if let Some(signed) = &version.submitted { " · submitted by " (view.name(signed.user_id)) " on " (when(signed.at)) }
                    }
                }
                @if let Some(decision) = plan.sent_back(version.number) {
                    div.alert.sent-back role="status" {
                        p { strong { "Sent back by " (view.name(decision.decided.user_id)) } " on " (when(decision.decided.at)) ":" }
                        @if let Some(reason) = &decision.reason { blockquote { (reason) } }
                        @if editing.is_some() { p { "Change the draft and submit it again." } }
                    }
                }
                @if editing.is_some() {
                    @if let Some(errors) = &errors { (error_list(errors)) }
                    form.plan-form method="post" action={ "/plans/" (plan.id) "/draft" } {
                        input type="hidden" name=(CSRF_FIELD) value=(caller.csrf());
                        (editor(&rows, &view))
                        div.actions { button.secondary type="submit" { "Save draft" } }
                    }
                    form.submit-form method="post" action={ "/plans/" (plan.id) "/submit" } {
                        input type="hidden" name=(CSRF_FIELD) value=(caller.csrf());
                        p { "When the draft is ready, submit it: an executive of the team then approves it into the baseline, and it can no longer be edited." }
                        (confidence_fields(&version.content, &view, &confidences))
                        button type="submit" { "Submit for approval" }
                    }
                } @else {
                    @if version.status == VersionStatus::Submitted {
                        @match &submitted {
                            Some(forecast) => {
                                h3 { "Forecast if approved" }
                                p.muted.hint { "Each initiative in this version's order with its target, forecast on the team's own record ("
                                    (as_of_text(forecast, today)) "). Approve knowing which targets are unlikely, or send the plan back with a comment." }
                                (progress_view(forecast, &view, false, &version.stated_confidence))
                            },
                            None => (items_table(&version.content, &view)),
                        }
                        @if may_approve {
                            div.decide-plan {
                                form.approve-form method="post" action={ "/plans/" (plan.id) "/approve" } {
                                    input type="hidden" name=(CSRF_FIELD) value=(caller.csrf());
                                    p { "Approving makes version " (version.number) " the team's baseline, with content hash "
                                        code.hash title=(version.content_hash) { (short_hash(&version.content_hash)) } "; it can then only change through change requests." }
                                    label { span.label { "Reason (optional)" }
                                        textarea name="reason" rows="2" maxlength="4000" placeholder="Why you approve, for the plan's history" {} }
                                    button type="submit" { "Approve version " (version.number) }
                                }
                                form.send-back-form method="post" action={ "/plans/" (plan.id) "/send-back" } {
                                    input type="hidden" name=(CSRF_FIELD) value=(caller.csrf());
                                    p { "Or send it back to the manager as a draft, saying what should change." }
                                    label { span.label { "Comment for the manager" }
                                        textarea name="reason" rows="2" maxlength="4000" required placeholder="What should change before you approve" {} }
                                    button.secondary type="submit" { "Send back" }
                                }
                            }
                        } @else {
                            p.muted { "Waiting for approval by an executive of the team." }
                        }
                    } @else {
                        (items_table(&version.content, &view))
                        p.muted { "The team's manager is drafting this version." }
                    }
                }
            }
        }
        (requests_card(plan, &requests, &view, may_request))
        (history_card(plan, params, &view))
        (disruption_card(&record))
    };
    Ok(view.page(&plan.name, caller, &content))
}

/// "stored forecasts as of today" or "... as of 2027-01-04, 3 days old", from the items'
/// forecasts, or that none is stored yet.
fn as_of_text(progress: &PlanProgress, today: Date) -> String {
    let oldest = progress.items.iter().filter_map(|i| i.forecast.as_ref()).min_by_key(|f| f.as_of);
    match oldest {
        None => "no forecast is stored yet: it is computed in the background within a minute".to_owned(),
        Some(f) if f.as_of >= today => "stored forecasts as of today".to_owned(),
        Some(f) => format!(
            "stored forecasts as of {}, {} old",
            date::format(f.as_of),
            if f.age_days == 1 { "1 day".to_owned() } else { format!("{} days", f.age_days) }
        ),
    }
}

/// `text` with its first letter upper-case, to start a sentence.
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// The headline: on track, at risk or off track, with its reason.
fn headline_view(headline: &Headline) -> Markup {
    let state = headline.state.as_str();
    html! {
        div class={ "plan-headline headline-" (state) } {
            span class={ "badge state-" (state) } { (headline.state.label()) }
            " " span.reason { (headline.reason) }
        }
    }
}

/// "+5 days", "3 days earlier", "no change".
fn days_moved(days: i64) -> String {
    match days {
        0 => "no change".to_owned(),
        1 => "1 day later".to_owned(),
        -1 => "1 day earlier".to_owned(),
        d if d > 0 => format!("{d} days later"),
        d => format!("{} days earlier", -d),
    }
}

/// A chance's change in percentage points: "+4 pts", "−12 pts", "±0 pts".
fn points(change: f64) -> String {
    let points = (change * 100.0).round() as i64;
    match points {
        0 => "±0 pts".to_owned(),
        p if p > 0 => format!("+{p} pts"),
        p => format!("−{} pts", -p),
    }
}

/// The P85 date of a forecast, or why there is none.
fn p85_cell(forecast: Option<&ForecastFigures>) -> Markup {
    html! {
        @match forecast {
            Some(ForecastFigures { p85: Some(p85), .. }) => span.nowrap { (date::format(*p85)) },
            Some(ForecastFigures { note: Some(note), .. }) => span.muted title=(note) { "no forecast" },
            Some(_) => span.muted { "nothing left" },
            None => span.muted { "not stored yet" },
        }
    }
}

/// A plan version's committed initiatives against their targets, under its headline.
/// `since_approval` adds the change since the baseline was approved.
/// The submit form's confidence per saved item: blank commits with the forecast's chance.
fn confidence_fields(content: &PlanContent, view: &Context, entered: &Fields) -> Markup {
    html! {
        @if !content.items.is_empty() {
            fieldset.stated-confidence {
                legend { "Your confidence of meeting each target" }
                p.muted.hint { "Approving the plan makes a commitment per initiative to the approving executive, with the confidence you state here (a percentage). "
                    "Leave one blank to commit with the forecast's chance when the plan is approved. Your track record compares what you state with what happens." }
                div.confidence-grid {
                    @for item in &content.items {
                        @let name = confidence_field(item.initiative_id);
                        @let value = entered.iter().find(|(k, _)| *k == name).map_or("", |(_, v)| v.as_str());
                        label {
                            span.label { (view.title(item.initiative_id)) " · by " (date::format(item.target_date)) }
                            span.percent-input {
                                input type="number" name=(name) min="0" max="100" step="1" inputmode="numeric" value=(value) placeholder="forecast's";
                                " %"
                            }
                        }
                    }
                }
            }
        }
    }
}

fn confidence_field(initiative_id: i64) -> String {
    format!("confidence_{initiative_id}")
}

/// The confidences entered in the submit form, as probabilities, for the items of `content`;
/// a value that is not a percentage from 0 to 100 is named by its initiative.
fn stated_confidence(
    fields: &Fields,
    content: &PlanContent,
    view: &Context,
) -> Result<Vec<StatedConfidence>, ValidationErrors> {
    let mut errors = ValidationErrors::default();
    let mut stated = Vec::new();
    for item in &content.items {
        let name = confidence_field(item.initiative_id);
        let Some((_, text)) = fields.iter().find(|(k, _)| *k == name) else { continue };
        let text = text.trim().trim_end_matches('%').trim_end();
        if text.is_empty() {
            continue;
        }
        match text.parse::<f64>() {
            Ok(percent) if (0.0..=100.0).contains(&percent) => {
                stated.push(StatedConfidence { initiative_id: item.initiative_id, confidence: percent / 100.0 });
            }
            _ => errors.add(
                format!("Confidence for {}", view.title(item.initiative_id)),
                format!("'{text}' is not a percentage from 0 to 100"),
            ),
        }
    }
    errors.into_result(|| stated)
}

fn progress_view(progress: &PlanProgress, view: &Context, since_approval: bool, stated: &[StatedConfidence]) -> Markup {
    html! {
        (headline_view(&progress.headline))
        @if progress.items.is_empty() {
            p.muted { "No initiatives in this version." }
        } @else {
            div.scroll {
                table.progress-table {
                    thead { tr {
                        th { "Initiative" } th.num { "Chance by target" }
                        @if !stated.is_empty() { th.num { "Manager's confidence" } }
                        th { "P85 date" } th { "Target" }
                        @if since_approval { th { "Since approval" } }
                        th.num { "Budget" } th.num { "Spent" } th.num { "Items done" }
                    } }
                    tbody { @for item in &progress.items {
                        @let chance = item.forecast.as_ref().and_then(|f| f.chance_by_target);
                        @let late = chance.is_some_and(|c| c < leadup_core::headline::AT_RISK_BELOW);
                        tr class=[late.then_some("late")] {
                            td { (view.link(item.initiative_id)) }
                            td.num.chance { @match chance { Some(c) => strong { (percent(c)) }, None => span.muted { "–" } } }
                            @if !stated.is_empty() {
                                td.num { @match stated.iter().find(|s| s.initiative_id == item.initiative_id) {
                                    Some(s) => (percent(s.confidence)),
                                    None => span.muted { "the forecast's" },
                                } }
                            }
                            td { (p85_cell(item.forecast.as_ref())) }
                            td.nowrap { @if let Some(target) = item.target { (date::format(target)) } }
                            @if since_approval {
                                td.since {
                                    @if item.at_approval.is_none() {
                                        span.muted { "no forecast stored then" }
                                    } @else {
                                        @if let Some(days) = item.p85_change_days { "P85 " (days_moved(days)) }
                                        @if let Some(change) = item.chance_change { br; span class=[(change < 0.0).then_some("worse")] { (points(change)) " chance" } }
                                    }
                                }
                            }
                            td.num.nowrap { @if let Some(budget) = &item.budget { (budget.display()) } }
                            td.num.nowrap {
                                @if let Some(spent) = &item.spent {
                                    (spent.display())
                                    @if item.budget.as_ref().is_some_and(|b| spent.minor > b.minor) { " " (flag("over budget", "More is spent than the plan's budget")) }
                                }
                            }
                            td.num.nowrap { (item.done) " / " (item.total) }
                        }
                    } }
                }
            }
            p.muted.hint {
                "P85: 85% likely done by that date, on the team's own record; a target is at risk when its chance is under 85% and off track under 50%. "
                "Budget is the plan's; spent is what the initiative has spent so far."
                @if !stated.is_empty() { " The manager's confidence is the one stated on submitting: approving commits to each target with it (or with the forecast's chance where none was stated)." }
            }
        }
    }
}

/// The version in the making (draft or submitted), if any.
fn in_making(plan: &Plan) -> Option<&PlanVersion> {
    plan.versions.iter().find(|v| matches!(v.status, VersionStatus::Draft | VersionStatus::Submitted))
}

fn period_text(plan: &Plan) -> String {
    format!("{} to {}", date::format(plan.period.start), date::format(plan.period.end))
}

pub(super) fn when(at: OffsetDateTime) -> String {
    date_time(at.unix_timestamp())
}

pub(super) fn short_hash(hash: &str) -> String {
    format!("{}…", &hash[..hash.len().min(12)])
}

fn version_badge(status: VersionStatus) -> Markup {
    let label = match status {
        VersionStatus::Draft => "Draft",
        VersionStatus::Submitted => "Submitted",
        VersionStatus::Approved => "Baseline",
        VersionStatus::Superseded => "Superseded",
    };
    html! { span class={ "badge version-" (status.as_str()) } { (label) } }
}

fn origin_text(origin: Origin) -> &'static str {
    match origin {
        Origin::Edit => "Written as a draft",
        Origin::ChangeRequest => "From an accepted change request",
        Origin::Replan => "A re-plan of the baseline",
    }
}

/// A version's items in priority order.
pub(super) fn items_table(content: &PlanContent, view: &Context) -> Markup {
    html! {
        @if content.items.is_empty() {
            p.muted { "No initiatives in this version." }
        } @else {
            div.scroll { table.plan-items {
                thead { tr { th.num { "#" } th { "Initiative" } th { "Target date" } th.num { "Budget" } th.num { "Scope" } } }
                tbody { @for (n, item) in content.items.iter().enumerate() { tr {
                    td.num { (n + 1) }
                    td { (view.link(item.initiative_id)) }
                    td.nowrap { (date::format(item.target_date)) }
                    td.num { (view.money(item.initiative_id, item.budget)) }
                    td.num { (item.scope) " items" }
                } } }
                tfoot { tr {
                    td {} td { strong { "Total" } } td {}
                    td.num { strong { (view.money(content.items[0].initiative_id, content.total_budget())) } }
                    td.num { (content.items.iter().map(|i| u64::from(i.scope)).sum::<u64>()) " items" }
                } }
            } }
        }
    }
}

fn requests_card(plan: &Plan, requests: &[ChangeRequest], view: &Context, may_request: bool) -> Markup {
    html! {
        section.card id="change-requests" {
            div.card-head {
                h2 { "Change requests" }
                @if plan.baseline().is_some() && may_request {
                    a href={ "/plans/" (plan.id) "/change-requests/new" } { "Request a change" }
                }
            }
            @if requests.is_empty() {
                p.muted { "None filed." @if plan.baseline().is_none() { " Change requests are filed once the plan has an approved baseline." } }
            } @else {
                table.requests {
                    thead { tr {
                        th.num { "#" } th { "Change" } th { "Filed by" } th { "Evidence" } th.num { "Forecast delay" }
                        th.num { "Budget" } th { "Status" }
                    } }
                    tbody { @for request in requests { tr {
                        @if view.shared {
                            td.num { "#" (request.id) }
                            td { (super::change_requests::summary(&request.change, view)) }
                        } @else {
                            td.num { a href={ "/change-requests/" (request.id) } { "#" (request.id) } }
                            td { a href={ "/change-requests/" (request.id) } { (super::change_requests::summary(&request.change, view)) } }
                        }
                        td { (view.name(request.filed.user_id)) br; span.muted { (when(request.filed.at)) } }
                        td { @if request.without_evidence() { (opinion_flag()) } @else { (request.evidence_ids.len()) " linked" } }
                        td.num { (delay_text(request.impact.delay_days())) }
                        td.num { (signed_money(view, &request.impact, request.impact.budget_delta())) }
                        td { (request_badge(request.status)) }
                    } } }
                }
            }
        }
    }
}

/// "no evidence — opinion", as every request without evidence is marked.
pub(super) fn opinion_flag() -> Markup {
    flag("no evidence — opinion", "No evidence is linked: this request rests on opinion")
}

pub(super) fn request_badge(status: RequestStatus) -> Markup {
    html! { span class={ "badge request-" (status.as_str()) } { (status.as_str()) } }
}

/// `+12 days`, `none`.
pub(super) fn delay_text(days: i64) -> String {
    match days {
        0 => "none".to_owned(),
        1 => "+1 day".to_owned(),
        d if d > 0 => format!("+{d} days"),
        -1 => "1 day earlier".to_owned(),
        d => format!("{} days earlier", -d),
    }
}

/// A budget change with its sign, in the currency of the impact's first initiative.
pub(super) fn signed_money(view: &Context, impact: &leadup_core::change_request::Impact, minor: i64) -> String {
    let id = impact.initiatives.first().map_or(0, |i| i.initiative_id);
    match minor {
        0 => "±0".to_owned(),
        m if m > 0 => format!("+{}", view.money(id, m)),
        m => format!("−{}", view.money(id, -m)),
    }
}

fn history_card(plan: &Plan, params: &DiffParams, view: &Context) -> Markup {
    let latest = plan.latest().map_or(1, |v| v.number);
    let to = params.to.unwrap_or(latest);
    let from = params.from.unwrap_or_else(|| to.saturating_sub(1).max(1));
    let compared = plan.version(from).zip(plan.version(to));
    html! {
        section.card id="history" {
            h2 { "Version history" }
            table.versions tabindex="0" {
                thead { tr { th.num { "Version" } th { "Status" } th { "Origin" } th { "Created" } th { "Submitted" } th { "Approved" } th { "Content hash" } } }
                tbody { @for v in &plan.versions { tr {
                    td.num { (v.number) }
                    td { (version_badge(v.status)) }
                    td { (origin_text(v.origin)) }
                    td { (view.name(v.created.user_id)) br; span.muted { (when(v.created.at)) } }
                    td { @if let Some(s) = &v.submitted { (view.name(s.user_id)) br; span.muted { (when(s.at)) } } @else { span.muted { "–" } } }
                    td { @if let Some(s) = &v.approved { (view.name(s.user_id)) br; span.muted { (when(s.at)) } } @else { span.muted { "–" } } }
                    td { code.hash title=(v.content_hash) { (short_hash(&v.content_hash)) } }
                } } }
            }
            (decisions_view(&plan.decisions, view))
            @if plan.versions.len() > 1 {
                form.rule-form.diff-form method="get" action="#history" {
                    label { span.label { "Compare version" }
                        select name="from" { @for v in &plan.versions { option value=(v.number) selected[v.number == from] { (v.number) } } } }
                    label { span.label { "with version" }
                        select name="to" { @for v in &plan.versions { option value=(v.number) selected[v.number == to] { (v.number) } } } }
                    button.secondary type="submit" { "Show changes" }
                }
                @match compared {
                    Some((old, new)) => (diff_view(old.number, new.number, &diff(&old.content, &new.content), view)),
                    None => p.field-error { "This plan has no version " (if plan.version(from).is_none() { from } else { to }) "." },
                }
            }
        }
    }
}

/// Every decision on a submitted version, with its reason.
fn decisions_view(decisions: &[PlanDecision], view: &Context) -> Markup {
    html! {
        h3 { "Decisions" }
        @if decisions.is_empty() {
            p.muted { "No version has been approved or sent back yet." }
        } @else {
            ul.decisions { @for d in decisions {
                li {
                    span class={ "badge decision-" (d.outcome.as_str()) } { (d.outcome.label()) }
                    " version " (d.version) " by " strong { (view.name(d.decided.user_id)) } " on " (when(d.decided.at))
                    @match &d.reason {
                        Some(reason) => { ": " q.reason { (reason) } },
                        None => span.muted { " (no reason given)" },
                    }
                }
            } }
        }
    }
}

fn diff_view(from: u32, to: u32, changes: &PlanDiff, view: &Context) -> Markup {
    html! {
        div.diff {
            h3 { "From version " (from) " to version " (to) }
            @if changes.is_empty() {
                p.muted { "No changes: both versions commit to the same." }
            } @else {
                ul.changes {
                    @for item in &changes.added {
                        li.added { span.change-kind { "Added" } (view.link(item.initiative_id)) ": target " (date::format(item.target_date)) ", " (view.money(item.initiative_id, item.budget)) ", " (item.scope) " items" }
                    }
                    @for item in &changes.removed {
                        li.removed { span.change-kind { "Removed" } (view.link(item.initiative_id)) }
                    }
                    @for c in &changes.redated {
                        li { span.change-kind { "Re-dated" } (view.link(c.initiative_id)) ": " (date::format(c.old)) " → " strong { (date::format(c.new)) } }
                    }
                    @for c in &changes.rebudgeted {
                        li { span.change-kind { "Re-budgeted" } (view.link(c.initiative_id)) ": " (view.money(c.initiative_id, c.old)) " → " strong { (view.money(c.initiative_id, c.new)) } }
                    }
                    @for c in &changes.rescoped {
                        li { span.change-kind { "Re-scoped" } (view.link(c.initiative_id)) ": " (c.old) " → " strong { (c.new) } " items" }
                    }
                    @for c in &changes.reprioritised {
                        li { span.change-kind { "Re-prioritised" } (view.link(c.initiative_id)) ": rank " (c.old) " → " strong { (c.new) } }
                    }
                }
            }
        }
    }
}

fn disruption_card(record: &DisruptionRecord) -> Markup {
    let percent = |share: f64| format!("{:.0}%", share * 100.0);
    html! {
        section.card id="disruption" {
            div.card-head {
                h2 { "Disruption record" }
                span.muted { "Change requests against the team's plans filed from "
                    (date::format(record.period.start)) " to " (date::format(record.period.end)) }
            }
            div.tiles {
                div.tile { span.big { (record.filed) } span { "filed · " (record.open) " open" } }
                div.tile { span.big { (percent(record.share_accepted)) } span { (record.accepted) " accepted, " (record.rejected) " rejected, " (record.deferred) " deferred" } }
                div.tile class=[(record.without_evidence > 0).then_some("warn")] {
                    span.big { (percent(record.share_without_evidence)) } span { "without evidence (" (record.without_evidence) ")" }
                }
                div.tile class=[(record.delay_days_accepted > 0).then_some("warn")] {
                    span.big { (record.delay_days_accepted) } span { "days of forecast delay accepted" }
                }
            }
            @if !record.filers.is_empty() {
                table.filers {
                    thead { tr { th { "Filed by" } th.num { "Requests" } th.num { "Accepted" } } }
                    tbody { @for filer in &record.filers { tr { td { (filer.name) } td.num { (filer.filed) } td.num { (filer.accepted) } } } }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// The plan's forms.

pub(crate) async fn edit_draft(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> Response {
    let result: Result<Response, PageError> = async {
        let plan = load_plan(&state, &id).await?;
        let view = Context::load(&state, plan.team_id).await?;
        let rows = rows_from(&fields);
        let errors = match items_of(&rows, &view) {
            Ok(items) => {
                let content = validate_items(&items).map_err(AppError::Invalid)?;
                match state.store.edit_plan_draft(plan.id, &content).await {
                    Ok(_) => return Ok(Redirect::to(&format!("/plans/{}#draft", plan.id)).into_response()),
                    Err(leadup_store::StoreError::Invalid(errors)) => named_by_initiative(errors, &items, &view),
                    Err(other) => return Err(other.into()),
                }
            }
            Err(errors) => errors,
        };
        let params = DiffParams { from: None, to: None };
        let page = render_plan(
            &state,
            &caller,
            &plan,
            &params,
            Some(DraftErrors { rows: Some(rows), errors, confidences: Vec::new() }),
            None,
        )
        .await?;
        Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

/// What a plan's buttons do.
enum Step {
    Submit(Vec<StatedConfidence>),
    Approve(Option<String>),
    SendBack(String),
    Replan,
}

async fn step(state: &AppState, caller: &Caller, id: &str, step: Step) -> Result<Response, PageError> {
    let plan = load_plan(state, id).await?;
    let by = state.actor(caller.user()?.user_id);
    let (plan, anchor) = match step {
        Step::Submit(stated) => (state.store.submit_plan(plan.id, by, &stated).await?, "draft"),
        Step::Approve(reason) => {
            (leadup_app::commitments::approve_plan(&state.store, plan.id, by, reason.as_deref()).await?, "progress")
        }
        Step::SendBack(reason) => (state.store.send_back_plan(plan.id, by, &reason).await?, "draft"),
        Step::Replan => (state.store.replan(plan.id, by).await?, "draft"),
    };
    state.forecasts_changed(plan.team_id);
    Ok(Redirect::to(&format!("/plans/{}#{anchor}", plan.id)).into_response())
}

/// The `reason` field of a decision form.
fn reason_field(fields: &Fields) -> String {
    fields.iter().find(|(k, _)| k == "reason").map(|(_, v)| v.clone()).unwrap_or_default()
}

pub(crate) async fn submit(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> Response {
    let result: Result<Response, PageError> = async {
        let plan = load_plan(&state, &id).await?;
        let view = Context::load(&state, plan.team_id).await?;
        let draft = in_making(&plan).filter(|v| v.status == VersionStatus::Draft);
        match draft.map_or(Ok(Vec::new()), |v| stated_confidence(&fields, &v.content, &view)) {
            Ok(stated) => step(&state, &caller, &id, Step::Submit(stated)).await,
            Err(errors) => {
                let params = DiffParams { from: None, to: None };
                let sent = DraftErrors { rows: None, errors, confidences: fields };
                let page = render_plan(&state, &caller, &plan, &params, Some(sent), None).await?;
                Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
            }
        }
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

pub(crate) async fn approve(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> Response {
    let reason = Some(reason_field(&fields));
    step(&state, &caller, &id, Step::Approve(reason)).await.unwrap_or_else(IntoResponse::into_response)
}

pub(crate) async fn send_back(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> Response {
    let reason = reason_field(&fields);
    step(&state, &caller, &id, Step::SendBack(reason)).await.unwrap_or_else(IntoResponse::into_response)
}

pub(crate) async fn replan(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Response {
    step(&state, &caller, &id, Step::Replan).await.unwrap_or_else(IntoResponse::into_response)
}
