//! `/teams/{id}/commitments`: a team's commitments ledger (open ones first, with the chance the
//! current forecast gives each linked one against the confidence stated, and a warning when it
//! is below), the form to add one and, per open commitment, the form to record its outcome; and
//! `/teams/{id}/credibility`: the track record over a period, each figure explained in plain
//! words, the reliability chart and the trend by quarter, which a share link shows read-only
//! (`shared_credibility`). Both read `leadup_app::commitments`,
//! the service the API and the CLI use.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leadup_app::commitments::{self, CommitmentView, Credibility};
use leadup_core::ValidationErrors;
use leadup_core::access::Action;
use leadup_core::commitment::{CommitmentInput, Outcome, OutcomeInput, State as CommitmentState, Verdict};
use leadup_core::date::format;
use leadup_core::money::{Money, parse_amount};
use leadup_core::team::Team;
use leadup_store::StoreError;
use maud::{Markup, html};

use super::Query;
use super::form::{Fields, value};
use super::layout::{self, Section, flag};
use super::plans::error_list;
use super::{PageError, PageResult, missing};
use crate::api::commitments::Period;
use crate::auth::{CSRF_FIELD, Caller};
use crate::charts::reliability;
use crate::{AppError, AppState};

fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

async fn team_of(state: &AppState, id: &str) -> Result<Team, PageError> {
    let Ok(id) = id.parse::<i64>() else { return Err(missing(&format!("Team '{id}'"))) };
    state.store.team(id).await.map_err(|e| match e {
        StoreError::NotFound { .. } => missing(&format!("Team {id}")),
        other => other.into(),
    })
}

/// An amount written in whole units as minor units, naming `field` when it is not one.
fn amount(errors: &mut ValidationErrors, field: &str, text: &str) -> Option<i64> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    parse_amount(text).map_err(|reason| errors.add(field, reason)).ok()
}

const LEDGER_HELP: &str = "What the team promised, to whom and by when, with the confidence stated when it was \
    promised. Approving a plan baseline adds one per plan item. An outcome is added, never overwritten: a \
    renegotiation keeps the original due date, and renegotiating before the due date has passed counts to the \
    team's credit, unlike a silent miss.";

pub(crate) async fn page(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> PageResult {
    let team = team_of(&state, &id).await?;
    render(&state, &caller, &team, None).await
}

/// What went wrong with a form, to show on the page again.
struct Failed<'a> {
    /// The commitment the outcome was for; `None` for the add form.
    commitment: Option<i64>,
    errors: &'a ValidationErrors,
    fields: &'a Fields,
}

async fn render(state: &AppState, caller: &Caller, team: &Team, failed: Option<Failed<'_>>) -> PageResult {
    let workspace = state.store.workspace().await?;
    let list = commitments::list(&state.store, team.id).await?;
    let may_write = caller.may(Action::WriteCommitments, team.id);
    let open: Vec<&CommitmentView> = list.iter().filter(|v| v.state == CommitmentState::Open).collect();
    let closed: Vec<&CommitmentView> = list.iter().filter(|v| v.state != CommitmentState::Open).collect();
    let at_risk = open.iter().filter(|v| v.at_risk).count();
    let initiatives: Vec<_> =
        state.store.initiatives().await?.into_iter().filter(|i| i.team_id == team.id && i.status.is_open()).collect();
    let add_fields = failed.as_ref().filter(|f| f.commitment.is_none()).map(|f| f.fields);
    let content = html! {
        p.crumbs { a href="/teams" { "Teams" } " / " a href={ "/teams/" (team.id) } { (team.name) } " / Commitments" }
        div.page-head {
            h1 { "Commitments of " (team.name) }
            a.button.secondary href={ "/teams/" (team.id) "/credibility" } { "Track record" }
        }
        p.muted.lead { (LEDGER_HELP) }
        @if let Some(failed) = &failed {
            @if let Some(id) = failed.commitment { p { "The outcome of commitment " (id) " was not recorded." } }
            (error_list(failed.errors))
        }
        @if at_risk > 0 {
            div.alert.error-box role="status" {
                p { strong { (at_risk) (if at_risk == 1 { " open commitment is" } else { " open commitments are" }) " below the confidence stated" }
                    ": the current forecast gives a lower chance of meeting the due date than was promised. Renegotiate early, or change what the team works on." }
            }
        }
        section.card {
            h2 { "Open" }
            @if open.is_empty() {
                p.muted { "No open commitments. " @if may_write { "Add one below, or approve a plan baseline: each of its items becomes one." } }
            } @else {
                (table(&open, caller, may_write, failed.as_ref()))
            }
        }
        section.card {
            h2 { "Closed" }
            @if closed.is_empty() {
                p.muted { "None closed yet: the track record starts with the first commitment met, missed or dropped." }
            } @else {
                (table(&closed, caller, false, None))
            }
        }
        @if may_write {
            form.card.request-form.commitment-form method="post" action={ "/teams/" (team.id) "/commitments" } {
                input type="hidden" name=(CSRF_FIELD) value=(caller.csrf());
                h2 { "Add a commitment" }
                label.field.wide { span.label { "What is promised" }
                    input type="text" name="statement" required maxlength="500" value=(value(add_fields, "statement")) placeholder="e.g. Instant refunds live for card payments"; }
                div.field-grid {
                    label.field { span.label { "To" }
                        select name="to_user_id" required {
                            @for person in team.executives.iter().chain(&team.managers).chain(&team.members) {
                                @if let Some(user) = person.user_id {
                                    option value=(user) selected[value(add_fields, "to_user_id") == user.to_string()] { (person.name) }
                                }
                            }
                        }
                    }
                    label.field { span.label { "Initiative (optional)" }
                        select name="initiative_id" {
                            option value="" { "none" }
                            @for i in &initiatives { option value=(i.id) selected[value(add_fields, "initiative_id") == i.id.to_string()] { (i.title) } }
                        }
                        span.muted.hint { "Its stored forecast then gives the chance of keeping the promise." }
                    }
                    label.field { span.label { "Made on" } input type="date" name="made" value=(value(add_fields, "made"));
                        span.muted.hint { "Empty for today" } }
                    label.field { span.label { "Due" } input type="date" name="due" required value=(value(add_fields, "due")); }
                    label.field { span.label { "Confidence stated (%)" }
                        input type="number" name="confidence" required min="0" max="100" step="1" value=(value(add_fields, "confidence")) placeholder="e.g. 80";
                        span.muted.hint { "How likely you said it is to be kept on time" } }
                    label.field { span.label { "Budget (optional)" }
                        input type="text" inputmode="decimal" name="budget" value=(value(add_fields, "budget")) placeholder="e.g. 25,000";
                        span.muted.hint { "In EUR unless a currency is given" } }
                    label.field { span.label { "Currency" } input type="text" name="currency" maxlength="3" value=(value(add_fields, "currency")) placeholder="EUR"; }
                }
                div.actions { button type="submit" { "Add commitment" } }
            }
        }
    };
    Ok(layout::page(
        &format!("Commitments · {}", team.name),
        workspace.as_ref(),
        Some(Section::Teams),
        caller,
        &content,
    ))
}

fn table(views: &[&CommitmentView], caller: &Caller, forms: bool, failed: Option<&Failed<'_>>) -> Markup {
    html! {
        table.commitments {
            thead { tr { th { "Commitment" } th { "To" } th { "Due" } th { "Stated" } th { "Chance now" } th { "State" } } }
            tbody {
                @for v in views {
                    @let c = &v.commitment;
                    tr id={ "commitment-" (c.id) } class=[v.at_risk.then_some("at-risk")] {
                        td {
                            strong { (c.statement) }
                            @if let Some(budget) = &c.budget { br; span.muted { "Budget " (budget.display()) } }
                            @if c.plan_item.is_some() { br; span.muted { "from the approved plan" } }
                            @for e in &c.events { br; span.muted.event-line { (event_text(&e.outcome, e.on)) } }
                        }
                        td data-label="To" { (v.to) }
                        td data-label="Due" {
                            (format(v.current_due))
                            @if v.current_due != c.due { br; span.muted { "originally " (format(c.due)) } }
                        }
                        td data-label="Stated" { (percent(c.confidence)) }
                        td data-label="Chance now" {
                            @match v.chance_now {
                                Some(chance) => {
                                    (percent(chance))
                                    @if let Some(as_of) = v.chance_as_of { br; span.muted { "forecast of " (format(as_of)) } }
                                    @if v.at_risk { br; (flag("below stated", "The current forecast gives a lower chance than the confidence stated")) }
                                }
                                None => { span.muted { (if c.initiative_id.is_some() && v.state == CommitmentState::Open { "no forecast stored yet" } else { "—" }) } }
                            }
                        }
                        td data-label="State" { (state_badge(v)) }
                    }
                    @if forms {
                        tr.outcome-row { td colspan="6" { (outcome_form(v, caller, failed.filter(|f| f.commitment == Some(c.id)))) } }
                    }
                }
            }
        }
    }
}

fn event_text(outcome: &Outcome, on: time::Date) -> String {
    match outcome {
        Outcome::Met { spent: Some(spent) } => format!("Met on {}, spent {}", format(on), spent.display()),
        Outcome::Met { spent: None } => format!("Met on {}", format(on)),
        Outcome::Missed => format!("Missed on {}", format(on)),
        Outcome::Renegotiated { new_due, reason } => {
            format!("Renegotiated on {} to {}: {reason}", format(on), format(*new_due))
        }
        Outcome::Dropped { reason } => format!("Dropped on {}: {reason}", format(on)),
    }
}

fn state_badge(v: &CommitmentView) -> Markup {
    let (class, label) = match (v.state, v.verdict) {
        (CommitmentState::Open, _) if v.at_risk => ("at_risk", "open, at risk"),
        (CommitmentState::Open, _) => ("open", "open"),
        (_, Some(Verdict::KeptOnTime)) => ("kept", "kept on time"),
        (_, Some(Verdict::RenegotiatedEarly)) => ("renegotiated", "renegotiated early, kept"),
        (_, Some(Verdict::Dropped)) => ("dropped", "dropped"),
        _ => ("missed", "missed"),
    };
    html! { span class={ "badge commitment-" (class) } { (label) } }
}

fn outcome_form(v: &CommitmentView, caller: &Caller, failed: Option<&Failed<'_>>) -> Markup {
    let id = v.commitment.id;
    let sent = failed.map(|f| f.fields);
    let kind = value(sent, "kind");
    html! {
        details open[failed.is_some()] {
            summary { "Record an outcome" }
            form.outcome-form method="post" action={ "/commitments/" (id) "/outcomes" } {
                input type="hidden" name=(CSRF_FIELD) value=(caller.csrf());
                div.field-grid {
                    label.field { span.label { "What happened" }
                        select name="kind" required {
                            @for (k, label) in [("met", "Met"), ("renegotiated", "Renegotiated (new due date)"), ("missed", "Missed"), ("dropped", "Dropped")] {
                                option value=(k) selected[kind == k] { (label) }
                            }
                        }
                    }
                    label.field { span.label { "On" } input type="date" name="on" value=(value(sent, "on")); span.muted.hint { "Empty for today" } }
                    label.field { span.label { "Spent (if met)" } input type="text" inputmode="decimal" name="spent" value=(value(sent, "spent")) placeholder={ "in " (v.commitment.currency()) }; }
                    label.field { span.label { "New due date (if renegotiated)" } input type="date" name="new_due" value=(value(sent, "new_due")); }
                }
                label.field.wide { span.label { "Reason (to renegotiate or drop)" } input type="text" name="reason" maxlength="1000" value=(value(sent, "reason")); }
                div.actions { button type="submit" { "Record" } }
            }
        }
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
    let Some(principal) = caller.principal() else {
        return PageError::from(AppError::Unauthorized("Sign in first.".into())).into_response();
    };
    let get = |name: &str| value(Some(&fields), name);
    let mut errors = ValidationErrors::default();
    let to_user_id = get("to_user_id").parse::<i64>().unwrap_or_else(|_| {
        errors.add("to_user_id", "choose who it is promised to");
        0
    });
    let confidence = get("confidence").trim().parse::<f64>().map_or_else(
        |_| {
            errors.add("confidence", format!("'{}' is not a percentage from 0 to 100", get("confidence")));
            0.0
        },
        |percent| percent / 100.0,
    );
    let initiative_id = match get("initiative_id").trim() {
        "" => None,
        text => {
            text.parse::<i64>().map_err(|_| errors.add("initiative_id", format!("'{text}' is not an initiative"))).ok()
        }
    };
    let budget = amount(&mut errors, "budget", &get("budget"));
    let optional = |name: &str| Some(get(name)).filter(|v| !v.trim().is_empty());
    let input = CommitmentInput {
        to_user_id,
        statement: get("statement"),
        made: optional("made"),
        due: get("due"),
        confidence,
        budget,
        currency: optional("currency"),
        initiative_id,
    };
    let result = if errors.0.is_empty() {
        commitments::add(&state.store, team.id, &input, state.actor(principal.user_id)).await
    } else {
        Err(StoreError::Invalid(errors))
    };
    match result {
        Ok(added) => Redirect::to(&format!("/teams/{}/commitments#commitment-{}", team.id, added.id)).into_response(),
        Err(StoreError::Invalid(errors)) => {
            let failed = Failed { commitment: None, errors: &errors, fields: &fields };
            respond_invalid(render(&state, &caller, &team, Some(failed)).await)
        }
        Err(other) => PageError::from(other).into_response(),
    }
}

fn respond_invalid(page: PageResult) -> Response {
    match page {
        Ok(page) => (StatusCode::UNPROCESSABLE_ENTITY, page).into_response(),
        Err(error) => error.into_response(),
    }
}

pub(crate) async fn record(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> Response {
    let Ok(id) = id.parse::<i64>() else { return missing(&format!("Commitment '{id}'")).into_response() };
    let commitment = match state.store.commitment(id).await {
        Ok(found) => found,
        Err(error) => return PageError::from(error).into_response(),
    };
    let team = match state.store.team(commitment.team_id).await {
        Ok(team) => team,
        Err(error) => return PageError::from(error).into_response(),
    };
    let Some(principal) = caller.principal() else {
        return PageError::from(AppError::Unauthorized("Sign in first.".into())).into_response();
    };
    let get = |name: &str| value(Some(&fields), name);
    let optional = |name: &str| Some(get(name)).filter(|v| !v.trim().is_empty());
    let mut errors = ValidationErrors::default();
    let spent = amount(&mut errors, "spent", &get("spent"));
    let kind = get("kind");
    // The form shows every field; only those the kind uses are sent on.
    let input = OutcomeInput {
        spent: spent.filter(|_| kind == "met"),
        new_due: optional("new_due").filter(|_| kind == "renegotiated"),
        reason: optional("reason").filter(|_| kind == "renegotiated" || kind == "dropped"),
        on: optional("on"),
        kind,
    };
    let result = if errors.0.is_empty() {
        commitments::record_outcome(&state.store, id, &input, state.actor(principal.user_id)).await
    } else {
        Err(StoreError::Invalid(errors))
    };
    match result {
        Ok(_) => Redirect::to(&format!("/teams/{}/commitments#commitment-{id}", team.id)).into_response(),
        Err(StoreError::Invalid(errors)) => {
            let failed = Failed { commitment: Some(id), errors: &errors, fields: &fields };
            respond_invalid(render(&state, &caller, &team, Some(failed)).await)
        }
        Err(other) => PageError::from(other).into_response(),
    }
}

pub(crate) async fn credibility(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(period): Query<Period>,
) -> PageResult {
    let team = team_of(&state, &id).await?;
    let workspace = state.store.workspace().await?;
    let today = state.today();
    let (report, errors) = match period.days(today) {
        Ok((from, to)) => (commitments::report(&state.store, team.id, from, to).await?, None),
        Err(errors) => (commitments::report(&state.store, team.id, None, today).await?, Some(errors)),
    };
    let content = html! {
        p.crumbs { a href="/teams" { "Teams" } " / " a href={ "/teams/" (team.id) } { (team.name) } " / Track record" }
        div.page-head {
            h1 { "Track record of " (team.name) }
            a.button.secondary href={ "/teams/" (team.id) "/commitments" } { "Commitments" }
            @if caller.may(Action::ManageShareLinks, team.id) {
                a.button.secondary href={ "/teams/" (team.id) "/share?shows=credibility" } { "Share" }
            }
        }
        p.muted.lead {
            "How the team, managed by " (layout::people(&team.managers, "nobody yet")) ", kept what it promised: over the commitments closed "
            @match report.report.from { Some(from) => { "from " (format(from)) " " } None => {} }
            "up to " (format(report.report.to)) ". A commitment counts in the period it was closed in (met, missed or dropped)."
        }
        @if let Some(errors) = &errors {
            div.alert.error-box role="alert" {
                p { strong { "The period was not understood; showing everything up to today:" } }
                ul { @for e in &errors.0 { li { strong { (e.field) } ": " (e.message) } } }
            }
        }
        form.card.period-form method="get" action={ "/teams/" (team.id) "/credibility" } {
            div.field-grid {
                label.field { span.label { "From" } input type="date" name="from" value=(report.report.from.map(format).unwrap_or_default()); span.muted.hint { "Empty for all" } }
                label.field { span.label { "To" } input type="date" name="to" value=(format(report.report.to)); }
            }
            div.actions { button type="submit" { "Show" } }
        }
        (report_sections(&report))
    };
    Ok(layout::page(
        &format!("Track record · {}", team.name),
        workspace.as_ref(),
        Some(Section::Teams),
        &caller,
        &content,
    ))
}

/// What the track record says, as the page and a share link show it: the figures, the
/// reliability chart and the trend by quarter.
fn report_sections(report: &Credibility) -> Markup {
    html! {
        (figures(report))
        section.card {
            h2 { "Stated confidence against what happened" }
            p.muted { "Each dot is the commitments stated with about the same confidence (in tenths), placed at how often they were kept by their original date; its number says how many. On the dashed diagonal, promises were kept exactly as often as stated; below it, more confidently made than kept." }
            (reliability::svg(&report.report.reliability))
        }
        section.card {
            h2 { "Trend by quarter" }
            @if report.report.trend.is_empty() {
                p.muted { "No commitment was closed in this period." }
            } @else {
                table.quarter-trend {
                    thead { tr { th { "Quarter" } th.num { "Closed" } th.num { "Kept on time" } th.num { "Renegotiated early" } th.num { "Missed" } th.num { "Dropped" } th.num { "On-time rate" } th.num { "Brier score" } } }
                    tbody {
                        @for q in &report.report.trend {
                            tr {
                                td { strong { (q.quarter) } }
                                td.num data-label="Closed" { (q.counts.commitments) }
                                td.num data-label="Kept on time" { (q.counts.kept_on_time) }
                                td.num data-label="Renegotiated early" { (q.counts.renegotiated_early) }
                                td.num data-label="Missed" { (q.counts.missed) }
                                td.num data-label="Dropped" { (q.counts.dropped) }
                                td.num data-label="On-time rate" { (q.counts.on_time_rate.map_or_else(|| "—".to_owned(), percent)) }
                                td.num data-label="Brier score" { (q.counts.brier.map_or_else(|| "—".to_owned(), |b| format!("{b:.3}"))) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Team `team`'s track record as a share link shows it: read-only, over every commitment
/// closed up to today, with no forms or links into the signed-in pages.
pub(super) async fn shared_credibility(state: &AppState, team: i64, expires: &str) -> PageResult {
    let record = state.store.team(team).await?;
    let workspace = state.store.workspace().await?;
    let report = commitments::report(&state.store, team, None, state.today()).await?;
    let content = html! {
        h1 { "Track record of " (record.name) }
        p.muted.lead {
            "How the team, managed by " (layout::people(&record.managers, "nobody yet")) ", kept what it promised, over the commitments closed up to "
            (format(report.report.to)) ". Shared read-only until " (expires) "."
        }
        (report_sections(&report))
    };
    Ok(layout::page(&format!("Track record · {}", record.name), workspace.as_ref(), None, &Caller::Anonymous, &content))
}

fn figures(report: &Credibility) -> Markup {
    let r = &report.report;
    let c = &r.counts;
    let none = || "—".to_owned();
    let track = &report.forecast_track_record;
    let budget = r
        .budget_by_currency
        .iter()
        .map(|b| {
            let money = |minor| Money { minor, currency: b.currency.clone() }.display();
            format!("{} spent of {}", money(b.spent), money(b.budget))
        })
        .collect::<Vec<_>>()
        .join("; ");
    let variance = match (r.budget_variance, r.budget_by_currency.len()) {
        (Some(v), _) => format!("{:+.1}%", v * 100.0),
        (None, 0) => none(),
        (None, _) => "per currency".to_owned(),
    };
    html! {
        div.figures {
            (figure("Closed", &c.commitments.to_string(), "Commitments met, missed or dropped in the period."))
            (figure("Kept on time", &c.kept_on_time.to_string(), "Met on or before the date first promised, never renegotiated."))
            (figure("Renegotiated early", &c.renegotiated_early.to_string(), "A new date agreed before the old one had passed, then met by it: warning in time counts to the team's credit."))
            (figure("Missed", &c.missed.to_string(), "Missed, met late, or renegotiated only after the date had passed."))
            (figure("Dropped", &c.dropped.to_string(), "Given up, with a reason; left out of the rates."))
            (figure("On-time rate", &c.on_time_rate.map_or_else(none, percent), "Kept on time out of those not dropped."))
            (figure("Mean slip", &r.mean_slip_days.map_or_else(none, |d| format!("{d:.1} days")), "How late, on average, the commitments met after their first date were."))
            (figure("Brier score", &c.brier.map_or_else(none, |b| format!("{b:.3}")), "How well the confidence stated matched what happened: 0 is perfect, 0.25 is what always saying 50% earns, higher is worse."))
            (figure("Budget variance", &variance, &if budget.is_empty() { "Spent against budget of the commitments met with a budget; none in this period.".to_owned() } else { format!("Spent against budget of the commitments met with a budget: {budget}.") }))
            (figure("P85 forecasts that came true", &track.rate.map_or_else(none, percent), &if track.forecasts == 0 {
                "No stored forecast of the team's initiatives had its 85% date fall due in this period yet; a well-calibrated forecast comes true about 85% of the time.".to_owned()
            } else {
                format!("Of {} stored forecasts of the team's initiatives whose 85% date fell in the period, {} were done by it; a well-calibrated forecast comes true about 85% of the time.", track.forecasts, track.came_true)
            }))
        }
    }
}

fn figure(label: &str, value: &str, explanation: &str) -> Markup {
    html! {
        div.figure {
            span.figure-label { (label) }
            span.figure-value { (value) }
            p.muted { (explanation) }
        }
    }
}
