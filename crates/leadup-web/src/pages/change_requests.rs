//! `/plans/{id}/change-requests/new`: the form to request a change to a plan's baseline
//! (kind, the change, reason, urgency, evidence); filing computes its impact.
//! `/change-requests/{id}`: one request with its cost shown plainly (per initiative, the P85
//! date and the chance of meeting the target before and after, the days of delay and the
//! budget delta), its reason and evidence (or the mark that it is opinion), the sign-offs so
//! far, and the decision form for the team's manager and executives.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leadup_core::ValidationErrors;
use leadup_core::access::{Action, Role};
use leadup_core::change_request::{
    Change, ChangeInput, ChangeKind, ChangeRequest, ChangeRequestInput, Decision, DecisionSignOff, Outlook,
    RequestStatus, Urgency,
};
use leadup_core::date;
use leadup_core::evidence::Evidence;
use leadup_core::money::parse_major_units;
use leadup_core::plan::Plan;
use maud::{Markup, html};

use super::plans::{
    Context, Fields, delay_text, error_list, items_table, load_plan, opinion_flag, request_badge, short_hash,
    signed_money, when,
};
use super::{PageError, PageResult, evidence_picker, missing};
use crate::api::plans::parse_decision;
use crate::auth::{CSRF_FIELD, Caller};
use crate::{AppError, AppState};
use leadup_app::impact;

/// How many pieces of evidence the form offers to link, newest first.
const EVIDENCE_OFFERED: usize = 40;

/// A change in words: "Re-date Instant refunds to 2027-03-15".
pub(super) fn summary(change: &Change, view: &Context) -> String {
    let title = view.title(change.initiative_id());
    match change {
        Change::Add { item, position } => format!(
            "Add {title}{} (target {}, {}, {} items)",
            position.map_or_else(|| " at the end".to_owned(), |p| format!(" at priority {p}")),
            date::format(item.target_date),
            view.money(item.initiative_id, item.budget),
            item.scope
        ),
        Change::Remove { .. } => format!("Remove {title}"),
        Change::Reprioritise { position, .. } => format!("Move {title} to priority {position}"),
        Change::Redate { target_date, .. } => format!("Re-date {title} to {}", date::format(*target_date)),
        Change::Rescope { scope, .. } => format!("Re-scope {title} to {scope} items"),
        Change::Rebudget { initiative_id, budget } => {
            format!("Re-budget {title} to {}", view.money(*initiative_id, *budget))
        }
    }
}

fn kind_label(kind: ChangeKind) -> &'static str {
    match kind {
        ChangeKind::Add => "Add an initiative",
        ChangeKind::Remove => "Remove an initiative",
        ChangeKind::Reprioritise => "Re-prioritise",
        ChangeKind::Redate => "Re-date",
        ChangeKind::Rescope => "Re-scope",
        ChangeKind::Rebudget => "Re-budget",
    }
}

/// The form's fields that a change of `kind` uses.
fn uses(kind: ChangeKind, field: &str) -> bool {
    use ChangeKind::{Add, Rebudget, Redate, Reprioritise, Rescope};
    match field {
        "target_date" => matches!(kind, Add | Redate),
        "budget" => matches!(kind, Add | Rebudget),
        "scope" => matches!(kind, Add | Rescope),
        "position" => matches!(kind, Add | Reprioritise),
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------
// The form.

pub(crate) async fn form(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> PageResult {
    let plan = load_plan(&state, &id).await?;
    render_form(&state, &caller, &plan, &Fields::new(), None).await
}

async fn render_form(
    state: &AppState,
    caller: &Caller,
    plan: &Plan,
    sent: &Fields,
    errors: Option<&ValidationErrors>,
) -> PageResult {
    let view = Context::load(state, plan.team_id).await?;
    let Some(baseline) = plan.baseline() else {
        return Err(AppError::Conflict(format!(
            "{} has no approved baseline yet: its manager edits the draft instead of filing a change request.",
            plan.name
        ))
        .into());
    };
    let mut evidence: Vec<Evidence> = state.store.evidence_list().await?;
    evidence.sort_by(|a, b| b.date.cmp(&a.date).then(b.id.cmp(&a.id)));
    evidence.truncate(EVIDENCE_OFFERED);
    let value = |name: &str| sent.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str());
    let linked: Vec<i64> = sent.iter().filter(|(k, _)| k == "evidence").filter_map(|(_, v)| v.parse().ok()).collect();
    let in_plan: Vec<i64> = baseline.content.items.iter().map(|i| i.initiative_id).collect();
    let others: Vec<_> = view.initiatives.iter().filter(|i| !in_plan.contains(&i.id) && i.status.is_open()).collect();
    let chosen_kind = value("kind");
    let chosen_initiative = value("initiative_id");
    let content = html! {
        p.crumbs { (view.crumbs()) " / " a href={ "/plans/" (plan.id) } { (plan.name) } " / Request a change" }
        h1 { "Request a change to " (plan.name) }
        p.muted.lead {
            "The baseline is version " (baseline.number) " (" code.hash title=(baseline.content_hash) { (short_hash(&baseline.content_hash)) } "). "
            "When you file the request, leadup forecasts the plan with and without the change from the team's throughput, "
            "so that its cost is visible before the team's manager and an executive decide."
        }
        div.grid-2 {
            section.card {
                @if let Some(errors) = errors { (error_list(errors)) }
                form.request-form method="post" action={ "/plans/" (plan.id) "/change-requests" } {
                    input type="hidden" name=(CSRF_FIELD) value=(caller.csrf());
                    div.field-grid {
                        label.field { span.label { "Kind of change" }
                            select name="kind" required {
                                @for kind in ChangeKind::ALL {
                                    option value=(kind.as_str()) selected[chosen_kind == kind.as_str()] { (kind_label(kind)) }
                                }
                            }
                        }
                        label.field { span.label { "Initiative" }
                            select name="initiative_id" required {
                                optgroup label="In the plan" {
                                    @for id in &in_plan { option value=(id) selected[chosen_initiative == id.to_string()] { (view.title(*id)) } }
                                }
                                @if !others.is_empty() {
                                    optgroup label="Not in the plan (to add)" {
                                        @for i in &others { option value=(i.id) selected[chosen_initiative == i.id.to_string()] { (i.title) } }
                                    }
                                }
                            }
                        }
                        label.field { span.label { "New target date" } input type="date" name="target_date" value=(value("target_date"));
                            span.muted.hint { "add, re-date" } }
                        label.field { span.label { "New budget" } input type="text" inputmode="decimal" name="budget" value=(value("budget")) placeholder="e.g. 250,000";
                            span.muted.hint { "add, re-budget" } }
                        label.field { span.label { "New scope (open work items)" } input type="number" min="0" name="scope" value=(value("scope"));
                            span.muted.hint { "add, re-scope" } }
                        label.field { span.label { "Priority" } input type="number" min="1" name="position" value=(value("position"));
                            span.muted.hint { "re-prioritise; add (optional, default: last)" } }
                    }
                    p.muted.hint { "Fill in what the kind of change needs; fields it does not use are ignored." }
                    label.field.wide { span.label { "Reason (required)" }
                        textarea name="reason" rows="4" required placeholder="What happened, and why the plan should change now" { (value("reason")) } }
                    div.field-grid {
                        label.field { span.label { "Urgency" }
                            select name="urgency" {
                                @for urgency in [Urgency::Low, Urgency::Normal, Urgency::High] {
                                    @let chosen = if value("urgency").is_empty() { urgency == Urgency::Normal } else { value("urgency") == urgency.as_str() };
                                    option value=(urgency.as_str()) selected[chosen] { (urgency.as_str()) }
                                }
                            }
                        }
                    }
                    (evidence_picker::picker("evidence", "Evidence (optional; without it the request is marked as opinion)", "this change request", &evidence, &linked))
                    (evidence_picker::script())
                    div.actions { button type="submit" { "File change request" } }
                }
            }
            section.card {
                h2 { "The baseline" }
                (items_table(&baseline.content, &view))
            }
        }
    };
    Ok(view.page(&format!("Request a change to {}", plan.name), caller, &content))
}

/// The request the form describes, or every bad field named.
fn input_of(fields: &Fields) -> Result<ChangeRequestInput, ValidationErrors> {
    let value =
        |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim().to_owned()).filter(|v| !v.is_empty());
    let mut errors = ValidationErrors::default();
    let kind_text = value("kind").unwrap_or_default();
    let kind = ChangeKind::parse(&kind_text);
    let wanted = |field: &str| kind.is_some_and(|k| uses(k, field)).then(|| value(field)).flatten();
    let initiative_id = value("initiative_id").and_then(|v| v.parse::<i64>().ok()).unwrap_or_else(|| {
        errors.add("initiative_id", "choose an initiative");
        0
    });
    let number = |errors: &mut ValidationErrors, field: &str, what: &str| {
        wanted(field).and_then(|text| {
            let parsed = if field == "budget" { parse_major_units(&text) } else { text.parse::<i64>().ok() };
            if parsed.is_none() {
                errors.add(field, format!("'{text}' is not {what}"));
            }
            parsed
        })
    };
    let budget = number(&mut errors, "budget", "an amount such as 250,000");
    let scope = number(&mut errors, "scope", "a number of work items");
    let position = number(&mut errors, "position", "a priority such as 1");
    let evidence_ids =
        fields.iter().filter(|(k, _)| k == "evidence").filter_map(|(_, v)| v.parse::<i64>().ok()).collect::<Vec<_>>();
    let input = ChangeRequestInput {
        change: ChangeInput {
            kind: kind_text,
            initiative_id,
            target_date: wanted("target_date"),
            budget,
            scope,
            position,
        },
        reason: value("reason").unwrap_or_default(),
        urgency: value("urgency").unwrap_or_else(|| Urgency::Normal.as_str().to_owned()),
        evidence_ids,
    };
    // Let validation name the rest (a missing field the kind needs, an empty reason).
    if let Err(invalid) = input.clone().validate() {
        errors.0.extend(invalid.0.into_iter().map(|mut e| {
            e.field = e.field.trim_start_matches("change.").to_owned();
            e
        }));
    }
    errors.into_result(|| input)
}

pub(crate) async fn file(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> Response {
    let result: Result<Response, PageError> = async {
        let plan = load_plan(&state, &id).await?;
        let by = state.actor(caller.user()?.user_id);
        let errors = match input_of(&fields) {
            Ok(input) => {
                match impact::file_change_request(&state.store, plan.id, input, state.today(), by)
                    .await
                    .map_err(AppError::from)
                {
                    Ok(request) => return Ok(Redirect::to(&format!("/change-requests/{}", request.id)).into_response()),
                    Err(AppError::Invalid(errors)) => errors,
                    Err(other) => return Err(other.into()),
                }
            }
            Err(errors) => errors,
        };
        let page = render_form(&state, &caller, &plan, &fields, Some(&errors)).await?;
        Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

// ---------------------------------------------------------------------------------------
// One change request.

pub(crate) async fn show(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> PageResult {
    let request = load_request(&state, &id).await?;
    render_request(&state, &caller, &request, None).await
}

async fn load_request(state: &AppState, id: &str) -> Result<ChangeRequest, PageError> {
    let Ok(number) = id.parse::<i64>() else { return Err(missing(&format!("Change request '{id}'"))) };
    match state.store.change_request(number).await {
        Ok(request) => Ok(request),
        Err(leadup_store::StoreError::NotFound { .. }) => Err(missing(&format!("Change request {number}"))),
        Err(other) => Err(other.into()),
    }
}

#[allow(clippy::too_many_lines)] // one page, read top to bottom
async fn render_request(state: &AppState, caller: &Caller, request: &ChangeRequest, error: Option<&str>) -> PageResult {
    let plan = state.store.plan(request.plan_id).await?;
    let view = Context::load(state, plan.team_id).await?;
    // A decided request shows its evidence as it was when decided.
    let kept = state.store.evidence_as_cited_by_change_request(request.id).await?;
    let mut evidence = Vec::with_capacity(request.evidence_ids.len());
    for id in &request.evidence_ids {
        match kept.iter().find(|k| k.id == *id) {
            Some(as_cited) => evidence.push(as_cited.clone()),
            None => evidence.push(state.store.evidence(*id).await?),
        }
    }
    let impact = &request.impact;
    let later = impact.initiatives.iter().filter(|l| l.delay_days.is_some_and(|d| d > 0)).count();
    let title = summary(&request.change, &view);
    let my_role = caller.principal().and_then(|p| p.role_in(plan.team_id));
    let may_decide = caller.may(Action::DecideChangeRequest, plan.team_id);
    let signed_already = match my_role {
        Some(Role::Manager) => request.manager.is_some(),
        Some(Role::Executive) => request.executive.is_some(),
        _ => true,
    };
    let first = request.manager.as_ref().or(request.executive.as_ref());
    let content = html! {
        p.crumbs { (view.crumbs()) " / " a href={ "/plans/" (plan.id) } { (plan.name) } " / Change request #" (request.id) }
        div.page-head {
            h1 { "Change request #" (request.id) " " (request_badge(request.status)) }
        }
        p.request-summary { (title) }
        p.muted.lead {
            "Filed by " strong { (view.name(request.filed.user_id)) } " on " (when(request.filed.at))
            " against baseline version " (request.baseline_version) " · urgency " strong { (request.urgency.as_str()) }
        }
        section.card.impact id="impact" {
            div.card-head {
                h2 { "What it costs" }
                span.muted { "Forecast as of " (date::format(impact.today)) " from the team's throughput, with and without the change" }
            }
            p.computed-on {
                "Computed on baseline v" (request.impact_baseline.version)
                @if let Some(at) = request.impact_baseline.approved_at { " (approved " (when(at)) ")" }
                @if request.impact_baseline.superseded { " · " strong { "an older baseline" } }
                ", as of " (date::format(impact.today)) "."
                @if request.impact_baseline.superseded && request.status == RequestStatus::Open && request.no_longer_applies.is_none() {
                    " A newer baseline has been approved: this impact is being recomputed against it."
                }
            }
            @if let Some(why) = &request.no_longer_applies {
                p.alert.error-box role="status" {
                    strong { "This change no longer applies to the plan's current baseline: " } (why) ". "
                    "It can only be rejected or deferred; the impact below is from baseline v"
                    (request.impact_baseline.version) "."
                }
            }
            div.tiles {
                div.tile class=[(impact.delay_days() > 0).then_some("warn")] {
                    span.big { (delay_text(impact.delay_days())) }
                    span { "total forecast delay (85% likely dates)" }
                }
                div.tile class=[(impact.budget_delta() > 0).then_some("warn")] {
                    span.big { (signed_money(&view, impact, impact.budget_delta())) }
                    span { "budget change" }
                }
                div.tile { span.big { (later) } span { "initiatives finish later" } }
                div.tile { span.big { (impact.initiatives.len()) } span { "initiatives in the plan before or after" } }
            }
            table.impact-table {
                thead { tr {
                    th { "Initiative" } th { "Target date" } th { "85% likely done by" } th { "Chance of meeting target" }
                    th.num { "Delay" } th.num { "Budget" }
                } }
                tbody { @for line in &impact.initiatives {
                    tr class=[line.delay_days.is_some_and(|d| d > 0).then_some("delayed")] {
                        td { (view.link(line.initiative_id))
                            @if line.before.is_none() { " " span.badge.added { "added" } }
                            @if line.after.is_none() { " " span.badge.removed { "removed" } } }
                        td.nowrap { (before_after(line.before.as_ref(), line.after.as_ref(), |o| date::format(o.target_date))) }
                        td.nowrap { (before_after(line.before.as_ref(), line.after.as_ref(), |o| o.p85.map_or_else(|| "beyond the horizon".to_owned(), date::format))) }
                        td.nowrap { (before_after(line.before.as_ref(), line.after.as_ref(), |o| format!("{:.0}%", o.probability_by_target * 100.0))) }
                        td.num { @match line.delay_days { Some(d) => (delay_text(d)), None => span.muted { "–" } } }
                        td.num { (signed_money(&view, impact, line.budget_delta)) }
                    }
                } }
            }
            p.muted.hint { "Initiatives share the team in plan order, two at a time, as on the team's dashboard; "
                "the same simulated trials run with and without the change, so the difference is the change's." }
            @if !request.impact_history.is_empty() {
                h3 { "Recomputed" }
                ul.impact-history { @for past in &request.impact_history {
                    li { "On " (when(past.recomputed_at)) ", from baseline v" (past.baseline_version) " to v" (past.recomputed_on)
                        ": total delay was " (delay_text(past.impact.delay_days())) " as of " (date::format(past.impact.today)) "." }
                } }
            }
        }
        section.card id="reason" {
            h2 { "Why" }
            blockquote.reason { (request.reason) }
            @if evidence.is_empty() {
                p { (opinion_flag()) " " span.muted { "No evidence is linked to this request." } }
            } @else {
                @let strength = leadup_core::evidence_strength::strength(&evidence, state.today());
                h3 { "Evidence " (super::evidence::strength_badge(&strength)) }
                ul.evidence-list { @for piece in &evidence { li {
                    strong { (piece.kind.label()) } " · " (piece.summary)
                    @if let Some(customer) = &piece.customer { span.muted { " · " (customer) } }
                    @if let Some(source) = &piece.source { " · " a href=(source) rel="noopener" { "source" } }
                    @if kept.iter().any(|k| k.id == piece.id) {
                        " " span.muted.as-cited { "(as it was when decided; it has changed since: " a href={ "/evidence/" (piece.id) } { "see it now" } ")" }
                    }
                } } }
                details.why { summary { "Why this strength" } (super::evidence::strength_reasons(&strength)) }
            }
        }
        section.card id="decision" {
            h2 { "Decision" }
            p.muted { "The team's manager and one of its executives both sign off the same decision; accepting makes the change the next baseline." }
            div.sign-offs {
                (sign_off_view("Manager", request.manager.as_ref(), &view))
                (sign_off_view("Executive", request.executive.as_ref(), &view))
            }
            @if request.status == RequestStatus::Accepted {
                @if let Some(version) = request.resulting_version {
                    p.alert.success { "Accepted into the plan as version " (version) ": "
                        a href={ "/plans/" (plan.id) "?from=" (request.baseline_version) "&to=" (version) "#history" } { "see what changed" } "." }
                }
            }
            @if let Some(error) = error { p.field-error role="alert" { (error) } }
            @if request.status == RequestStatus::Open && may_decide && !signed_already {
                form.decision-form method="post" action={ "/change-requests/" (request.id) "/decision" } {
                    input type="hidden" name=(CSRF_FIELD) value=(caller.csrf());
                    fieldset.choices-inline {
                        legend { "Your decision" @if let Some(first) = first { span.muted { " (the other sign-off chose " strong { (first.decision.as_str()) } "; both must agree)" } } }
                        @for decision in Decision::ALL.into_iter().filter(|d| *d != Decision::Accept || !request.impact_baseline.superseded) {
                            label.check { input type="radio" name="decision" value=(decision.as_str()) required checked[first.is_some_and(|f| f.decision == decision)]; (decision_label(decision)) }
                        }
                    }
                    label.field.wide { span.label { "Rationale (required)" }
                        textarea name="rationale" rows="3" required placeholder="Why this decision" {} }
                    div.actions { button type="submit" { "Sign off" } }
                }
            } @else if request.status == RequestStatus::Open && may_decide {
                p.muted { "You have signed off; the decision now needs the other role's sign-off." }
            }
        }
    };
    Ok(view.page(&format!("Change request #{}", request.id), caller, &content))
}

fn decision_label(decision: Decision) -> &'static str {
    match decision {
        Decision::Accept => "Accept",
        Decision::Reject => "Reject",
        Decision::Defer => "Defer",
    }
}

/// `before → after` of one outlook value; one side alone when the other does not exist.
fn before_after(before: Option<&Outlook>, after: Option<&Outlook>, show: impl Fn(&Outlook) -> String) -> Markup {
    match (before.map(&show), after.map(&show)) {
        (Some(b), Some(a)) if a == b => html! { (a) },
        (Some(b), Some(a)) => html! { span.before { (b) } " → " strong { (a) } },
        (Some(b), None) => html! { span.before { (b) } " → " span.muted { "out of the plan" } },
        (None, Some(a)) => html! { span.muted { "not in the plan" } " → " strong { (a) } },
        (None, None) => html! { span.muted { "–" } },
    }
}

fn sign_off_view(role: &str, signed: Option<&DecisionSignOff>, view: &Context) -> Markup {
    html! {
        div.sign-off class=[signed.is_some().then_some("signed")] {
            span.label { (role) }
            @match signed {
                Some(s) => {
                    p { strong { (view.name(s.signed.user_id)) } " · " span class={ "badge decision-" (s.decision.as_str()) } { (s.decision.as_str()) } }
                    p.rationale { (s.rationale) }
                    p.muted { (when(s.signed.at)) }
                }
                None => p.muted { "Not signed yet" },
            }
        }
    }
}

pub(crate) async fn decide(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> Response {
    let result: Result<Response, PageError> = async {
        let request = load_request(&state, &id).await?;
        let by = state.actor(caller.user()?.user_id);
        let value = |name: &str| fields.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str());
        let outcome = match parse_decision(value("decision")) {
            Ok(decision) => state.store.decide_change_request(request.id, decision, value("rationale"), by).await,
            Err(errors) => Err(leadup_store::StoreError::Invalid(errors)),
        };
        match outcome {
            Ok(decided) => {
                state.forecasts_changed(state.store.plan(decided.plan_id).await?.team_id);
                Ok(Redirect::to(&format!("/change-requests/{}#decision", decided.id)).into_response())
            }
            Err(leadup_store::StoreError::Invalid(errors)) => {
                let page = render_request(&state, &caller, &request, Some(&errors.summary())).await?;
                Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
            }
            Err(leadup_store::StoreError::Conflict(message)) => {
                let page = render_request(&state, &caller, &request, Some(&message)).await?;
                Ok((StatusCode::CONFLICT, page).into_response())
            }
            Err(other) => Err(other.into()),
        }
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}
