//! Proposals (business cases): `/proposals` lists them; `/teams/{id}/proposals/new` and
//! `/proposals/{id}/edit` are the editor; `/proposals/{id}` shows one with its numbers, its
//! claims (each citing evidence or marked **opinion**) and the moves its status allows
//! (present, withdraw, approve or decline); `/proposals/{id}/brief` is its one-page brief to
//! print and `/proposals/{id}/brief.md` the same in Markdown.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use leadup_core::access::Action;
use leadup_core::business_case::{BenefitsInput, BusinessCaseInput};
use leadup_core::evidence::Evidence;
use leadup_core::evidence_strength::item_strength;
use leadup_core::money::{major_units, parse_major_units};
use leadup_core::proposal::{
    AskInput, BENEFICIARIES, BeneficiaryInput, Claim, ClaimInput, ProposalInput, StoredProposal, citations, payback,
    roi,
};
use leadup_core::{ValidationErrors, date};
use maud::{Markup, html};

use super::evidence::{strength_badge, strength_reasons};
use super::form::Fields;
use super::layout::{self, Section, date_time, flag};
use super::{PageError, PageResult, evidence_picker, missing};
use crate::auth::{CSRF_FIELD, Caller};
use crate::proposals::{Brief, check_draft};
use crate::{AppError, AppState};

/// How many risk rows the editor offers beyond those already written.
const SPARE_RISKS: usize = 2;
/// Empty benefit rows offered after the last period written, and the fewest rows shown.
const SPARE_PERIODS: usize = 2;
const MIN_PERIOD_ROWS: usize = 4;

fn value<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
}

fn values<'a>(fields: &'a Fields, name: &str) -> Vec<&'a str> {
    fields.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect()
}

fn who_label(who: &str) -> &str {
    match who {
        "the_company" => "the company",
        other => other,
    }
}

/// The badge of a proposal's status.
fn status_badge(status: &str) -> Markup {
    html! { span class={ "badge proposal-" (status) } { (status) } }
}

// ---------------------------------------------------------------------------------------
// The list.

pub(crate) async fn list(State(state): State<AppState>, caller: Caller) -> PageResult {
    let workspace = state.store.workspace().await?;
    let proposals = state.store.proposals().await?;
    let teams = state.store.teams().await?;
    let (objectives, evidence, initiatives) =
        (state.store.objectives().await?, state.store.evidence_list().await?, state.store.initiatives().await?);
    let team_name =
        |id: i64| teams.iter().find(|t| t.id == id).map_or_else(|| format!("team {id}"), |t| t.name.clone());
    let writable: Vec<_> = teams.iter().filter(|t| caller.may(Action::WriteProposals, t.id)).collect();
    let content = html! {
        div.page-head {
            h1 { "Proposals" }
            @if writable.len() <= 2 {
                @for team in &writable {
                    a.button href={ "/teams/" (team.id) "/proposals/new" } { "New proposal for " (team.name) }
                }
            } @else {
                details.menu {
                    summary.button { "New proposal ▾" }
                    ul { @for team in &writable { li { a href={ "/teams/" (team.id) "/proposals/new" } { "for " (team.name) } } } }
                }
            }
        }
        p.muted.lead { "Business cases: the problem, the solution, who benefits, what it costs and returns (NPV, ROI, payback), and what is asked. Every claim cites its evidence or is marked as opinion; a draft is presented, then approved or declined by an executive of its team." }
        section.card {
            @if proposals.is_empty() {
                p { "No proposals yet."
                    @if writable.is_empty() { " A team's manager writes them." } @else { " Start one with the button above." } }
            } @else {
                table.proposals {
                    thead { tr { th { "Proposal" } th { "Team" } th { "Status" } th.num { "Expected NPV" } th { "Backing" } th { "Changed" } } }
                    tbody { @for stored in &proposals {
                        @let checked = stored.input.clone().validate(&objectives, &initiatives, &evidence, None);
                        tr {
                            td { a href={ "/proposals/" (stored.id) } { (stored.input.title) } }
                            td { (team_name(stored.team_id)) }
                            td { (status_badge(&stored.input.status)) }
                            @match &checked {
                                Ok(proposal) => {
                                    td.num.nowrap { (proposal.currency) " " (major_units(proposal.case.evaluate().expected.npv)) }
                                    td { (backing(proposal)) }
                                }
                                Err(errors) => { td.num { "—" } td { (flag("invalid", &errors.to_string())) } }
                            }
                            td.nowrap { (date_time(stored.updated_at)) }
                        }
                    } }
                }
            }
        }
    };
    Ok(layout::page("Proposals", workspace.as_ref(), Some(Section::Proposals), &caller, &content))
}

/// How many of a proposal's claims cite evidence, and whether it serves an objective.
fn backing(proposal: &leadup_core::proposal::Proposal) -> Markup {
    let claims = claims(proposal);
    let opinions = claims.iter().filter(|(_, c)| c.evidence.is_empty()).count();
    html! {
        (claims.len() - opinions) " of " (claims.len()) " claims cite evidence"
        @if opinions > 0 { " " (flag(&format!("{opinions} opinion{}", if opinions == 1 { "" } else { "s" }), "Claims with no evidence behind them")) }
        @if proposal.objective_ids.is_empty() { " " (flag("unaligned", "It serves no objective")) }
    }
}

/// Every claim with its heading, in the order a brief prints them.
fn claims(proposal: &leadup_core::proposal::Proposal) -> Vec<(String, &Claim)> {
    let mut all = vec![("Problem".to_owned(), &proposal.problem), ("Proposed solution".to_owned(), &proposal.solution)];
    all.extend(proposal.beneficiaries.iter().map(|(who, c)| (format!("Benefit to {}", who_label(who)), c)));
    all.extend(proposal.risks.iter().enumerate().map(|(i, c)| (format!("Risk {}", i + 1), c)));
    all
}

// ---------------------------------------------------------------------------------------
// One proposal.

async fn load(state: &AppState, id: &str) -> Result<StoredProposal, PageError> {
    let number = id.parse::<i64>().map_err(|_| missing(&format!("Proposal '{id}'")))?;
    match state.store.proposal(number).await {
        Ok(stored) => Ok(stored),
        Err(leadup_store::StoreError::NotFound { .. }) => Err(missing(&format!("Proposal {number}"))),
        Err(other) => Err(other.into()),
    }
}

pub(crate) async fn show(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> PageResult {
    let stored = load(&state, &id).await?;
    let today = state.today();
    let brief = Brief::of_stored(&state.store, &stored, today).await?;
    let workspace = state.store.workspace().await?;
    let team = state.store.team(stored.team_id).await?;
    let users = state.store.users().await?;
    let user_name =
        |id: i64| users.iter().find(|u| u.id == id).map_or_else(|| format!("user {id}"), |u| u.name.clone());
    let (p, e) = (&brief.proposal, &brief.evaluation);
    let numbers = citations(p);
    let money = |minor: i64| format!("{} {}", p.currency, major_units(minor));
    let status = stored.input.status.as_str();
    let (writer, decider) =
        (caller.may(Action::WriteProposals, stored.team_id), caller.may(Action::DecideProposals, stored.team_id));
    let action = |path: &str, label: &str, class: Option<&str>| {
        html! {
            form.inline method="post" action={ "/proposals/" (stored.id) "/" (path) } {
                input type="hidden" name=(CSRF_FIELD) value=(caller.csrf());
                button type="submit" class=[class] { (label) }
            }
        }
    };
    let cite = |claim: &Claim| {
        html! {
            @if claim.evidence.is_empty() { " " (flag("opinion", "No evidence supports this claim")) }
            @else { @for id in &claim.evidence { sup { a href={ "/evidence/" (id) } { "[" (numbers[id]) "]" } } } }
        }
    };
    let served: Vec<_> = brief.objectives.iter().filter(|o| p.objective_ids.contains(&o.id)).collect();
    let mut cited: Vec<(usize, i64)> = numbers.iter().map(|(id, n)| (*n, *id)).collect();
    cited.sort_unstable();
    let content = html! {
        p.crumbs { a href="/proposals" { "Proposals" } " / " (team.name) }
        div.page-head {
            h1 { (p.title) }
            (status_badge(status))
            a.button.secondary href={ "/proposals/" (stored.id) "/brief" } target="_blank" { "Brief to print" }
            a.button.secondary href={ "/proposals/" (stored.id) "/brief.md" } { "Markdown" }
        }
        p.muted.lead {
            "Written by " (user_name(stored.created_by)) " for " a href={ "/teams/" (team.id) } { (team.name) } ", " (date_time(stored.created_at))
            @if let (Some(by), Some(at)) = (stored.decided_by, stored.decided_at) { "; " (status) " by " (user_name(by)) ", " (date_time(at)) }
            "."
        }
        @if writer || decider {
            section.card.status-actions {
                @match status {
                    "draft" if writer => {
                        p { "A draft can be changed until it is presented; once presented, an executive of " (team.name) " approves or declines it." }
                        a.button.secondary href={ "/proposals/" (stored.id) "/edit" } { "Edit" } " "
                        @match crate::proposals::expected_npv(&stored).filter(|npv| *npv < 0) {
                            Some(npv) => {
                                form.present-negative method="post" action={ "/proposals/" (stored.id) "/present" } {
                                    input type="hidden" name=(CSRF_FIELD) value=(caller.csrf());
                                    p.warning role="note" {
                                        strong { "The expected NPV is " (money(npv)) ". " }
                                        "On its own numbers the case loses money. Present it only if the case says why it is still worth doing (a risk avoided, an obligation)."
                                    }
                                    label.check { input type="checkbox" name="confirm_negative_npv" value="yes" required; " Present it anyway" }
                                    button type="submit" { "Present for a decision" }
                                }
                            }
                            None => (action("present", "Present for a decision", None)),
                        }
                    }
                    "presented" => {
                        p { "Presented: waiting for an executive of " (team.name) " to approve or decline it." }
                        @if decider {
                            form.decide-proposal method="post" action={ "/proposals/" (stored.id) "/decision" } {
                                input type="hidden" name=(CSRF_FIELD) value=(caller.csrf());
                                label { span.label { "Reason (optional, shown in the proposal's history)" }
                                    textarea name="reason" rows="2" maxlength="4000" {} }
                                div.actions {
                                    button type="submit" name="decision" value="approve" { "Approve" } " "
                                    button.secondary type="submit" name="decision" value="decline" { "Decline" }
                                }
                            }
                        }
                        @if writer { " " (action("withdraw", "Withdraw to revise", Some("secondary"))) }
                    }
                    "declined" if writer => {
                        p { "Declined. Revise it as a draft and present it again." }
                        (action("withdraw", "Revise as a draft", Some("secondary")))
                    }
                    "approved" => { p { "Approved: this business case is final." } }
                    _ => { p.muted { "Nothing to do here for you now." } }
                }
            }
        }
        @if !stored.moves.is_empty() {
            section.card.proposal-history id="history" {
                h2 { "History" }
                ul.decisions { @for m in &stored.moves {
                    li {
                        (status_badge(&m.to)) " by " strong { (user_name(m.by)) } ", " (date_time(m.at))
                        @match &m.reason {
                            Some(reason) => { ": " q.reason { (reason) } },
                            None => { @if matches!(m.to.as_str(), "approved" | "declined") { span.muted { " (no reason given)" } } },
                        }
                    }
                } }
            }
        }
        div.grid-2 {
            div {
                section.card {
                    h2 { "Problem" }
                    p { (p.problem.text) (cite(&p.problem)) }
                    h2 { "Proposed solution" }
                    p { (p.solution.text) (cite(&p.solution)) }
                    @if !p.beneficiaries.is_empty() {
                        h2 { "Who benefits" }
                        ul { @for (who, claim) in &p.beneficiaries { li { strong { (who_label(who)) ": " } (claim.text) (cite(claim)) } } }
                    }
                    @if !p.risks.is_empty() {
                        h2 { "Risks" }
                        ul { @for claim in &p.risks { li { (claim.text) (cite(claim)) } } }
                    }
                }
                section.card {
                    h2 { "The numbers" }
                    p.muted { "One-off cost " (money(p.case.one_off_cost())) ", recurring cost " (money(p.case.recurring_cost()))
                        " per period, " (p.case.periods()) " periods, discount rate " (format!("{:.1}", p.case.discount_rate() * 100.0)) "% per period (formulas: docs/business-case.md)." }
                    table.numbers tabindex="0" {
                        thead { tr { th { "Benefits" } th.num { "NPV" } th.num { "ROI" } th.num { "Payback" } } }
                        tbody { @for (name, result) in [("Low", &e.low), ("Expected", &e.expected), ("High", &e.high)] {
                            tr { td { (name) } td.num { (money(result.npv)) } td.num { (roi(result)) } td.num { (payback(result)) } }
                        } }
                    }
                    h3 { "Sensitivity of the expected NPV" }
                    div.sensitivity {
                        table {
                            thead { tr { th { "Discount rate" } th.num { "NPV" } } }
                            tbody { @for s in &e.sensitivity.by_discount_rate { tr { td { (format!("{:.1}%", s.discount_rate * 100.0)) } td.num { (money(s.npv)) } } } }
                        }
                        table {
                            thead { tr { th { "Benefits" } th.num { "NPV" } } }
                            tbody { @for s in &e.sensitivity.by_benefits { tr { td { (format!("×{:.1}", s.benefit_factor)) } td.num { (money(s.npv)) } } } }
                        }
                    }
                }
            }
            div {
                section.card {
                    h2 { "Objectives served" }
                    @if served.is_empty() { p { (flag("unaligned", "It serves no objective")) " This proposal serves no objective." } }
                    @else { ul { @for o in &served { li { (o.title) } } } }
                    h2 { "Delivery" }
                    @match &brief.delivery {
                        Some(delivery) => { p { (delivery.sentence()) } }
                        None => { p.muted { "No delivering initiative is named, so there is no forecast." } }
                    }
                    h2 { "The ask" }
                    p { strong { (p.decision) } }
                    ul {
                        @if let Some(minor) = p.ask_money { li { "Budget " (money(minor)) } }
                        @if let Some(people) = p.ask_people { li { (people) @if people == 1 { " person" } @else { " people" } } }
                        @if let Some(by) = p.decide_by { li { "Decision by " (date::format(by)) } }
                    }
                }
                section.card {
                    @let strength = brief.strength(today);
                    div.page-head { h2 { "Sources" } (strength_badge(&strength)) }
                    @if cited.is_empty() { p { (flag("opinion", "No claim cites evidence")) " No claim cites evidence." } }
                    ol.sources { @for (_, id) in &cited {
                        @if let Some(piece) = brief.evidence.iter().find(|e| e.id == *id) {
                            li {
                                a href={ "/evidence/" (id) } { (piece.kind.label()) } " " (strength_badge(&item_strength(piece, today))) " " (piece.summary)
                                @if brief.changed_since.contains(id) {
                                    " " span.muted.as-cited { "(as cited when presented; it has changed since: " a href={ "/evidence/" (id) } { "see it now" } ")" }
                                }
                            }
                        }
                    } }
                    @if !cited.is_empty() { details.why { summary { "Why this strength" } (strength_reasons(&strength)) } }
                }
            }
        }
    };
    Ok(layout::page(&p.title, workspace.as_ref(), Some(Section::Proposals), &caller, &content))
}

pub(crate) async fn brief_html(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let stored = load(&state, &id).await?;
    Ok(Html(Brief::of_stored(&state.store, &stored, state.today()).await?.html()))
}

pub(crate) async fn brief_markdown(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let stored = load(&state, &id).await?;
    let text = Brief::of_stored(&state.store, &stored, state.today()).await?.markdown();
    Ok(([(header::CONTENT_TYPE, "text/markdown; charset=utf-8")], text).into_response())
}

// ---------------------------------------------------------------------------------------
// Moving the status.

pub(crate) async fn present(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> Response {
    let result = async {
        let stored = load(&state, &id).await?;
        let actor = state.actor(caller.user()?.user_id);
        let confirmed = value(&fields, "confirm_negative_npv") == "yes";
        crate::proposals::present(&state.store, stored.id, actor, confirmed).await?;
        Ok::<i64, PageError>(stored.id)
    }
    .await;
    match result {
        Ok(id) => Redirect::to(&format!("/proposals/{id}")).into_response(),
        Err(error) => error.into_response(),
    }
}

pub(crate) async fn withdraw(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Response {
    move_to(&state, &caller, &id, "draft", None).await
}

pub(crate) async fn decide(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> Response {
    let reason = Some(value(&fields, "reason"));
    match value(&fields, "decision") {
        "approve" => move_to(&state, &caller, &id, "approved", reason).await,
        "decline" => move_to(&state, &caller, &id, "declined", reason).await,
        other => PageError::from(ValidationErrors::single("decision", format!("'{other}' is not approve or decline")))
            .into_response(),
    }
}

async fn move_to(state: &AppState, caller: &Caller, id: &str, to: &str, reason: Option<&str>) -> Response {
    let result = async {
        let stored = load(state, id).await?;
        let user = caller.user()?.user_id;
        state.store.move_proposal(stored.id, to, state.actor(user), reason).await?;
        Ok::<i64, PageError>(stored.id)
    }
    .await;
    match result {
        Ok(id) => Redirect::to(&format!("/proposals/{id}")).into_response(),
        Err(error) => error.into_response(),
    }
}

// ---------------------------------------------------------------------------------------
// The editor.

pub(crate) async fn new_form(State(state): State<AppState>, caller: Caller, Path(team): Path<String>) -> PageResult {
    let team = team.parse::<i64>().map_err(|_| missing(&format!("Team '{team}'")))?;
    state.store.team(team).await?;
    render_form(&state, &caller, Target::New(team), &Fields::new(), None).await
}

pub(crate) async fn edit_form(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> PageResult {
    let stored = load(&state, &id).await?;
    if stored.input.status != "draft" {
        return Err(AppError::Conflict(format!(
            "This proposal is {}: only a draft can be edited{}.",
            stored.input.status,
            if stored.input.status == "approved" { "" } else { " (withdraw it to a draft first)" }
        ))
        .into());
    }
    render_form(&state, &caller, Target::Existing(&stored), &fields_of(&stored.input), None).await
}

pub(crate) async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(team): Path<String>,
    Form(fields): Form<Fields>,
) -> Response {
    let Ok(team) = team.parse::<i64>() else { return missing(&format!("Team '{team}'")).into_response() };
    let result = async {
        let input = checked_input(&state, &fields).await?;
        let user = caller.user()?.user_id;
        Ok::<_, AppError>(state.store.create_proposal(team, &input, state.actor(user)).await?.id)
    }
    .await;
    respond(&state, &caller, Target::New(team), &fields, result).await
}

pub(crate) async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> Response {
    let stored = match load(&state, &id).await {
        Ok(stored) => stored,
        Err(error) => return error.into_response(),
    };
    let result = async {
        let input = checked_input(&state, &fields).await?;
        let user = caller.user()?.user_id;
        Ok::<_, AppError>(state.store.update_proposal(stored.id, &input, state.actor(user)).await?.id)
    }
    .await;
    respond(&state, &caller, Target::Existing(&stored), &fields, result).await
}

/// The form's proposal, checked against the stored records.
async fn checked_input(state: &AppState, fields: &Fields) -> Result<ProposalInput, AppError> {
    let (input, mut errors) = input_of(fields);
    if let Err(AppError::Invalid(invalid)) = check_draft(&state.store, &input, state.today()).await {
        errors.0.extend(invalid.0);
    }
    errors.into_result(|| input).map_err(AppError::Invalid)
}

/// Off to the proposal once saved; the form again with every problem named if not.
async fn respond(
    state: &AppState,
    caller: &Caller,
    target: Target<'_>,
    fields: &Fields,
    result: Result<i64, AppError>,
) -> Response {
    match result {
        Ok(id) => Redirect::to(&format!("/proposals/{id}")).into_response(),
        Err(AppError::Invalid(errors)) => match render_form(state, caller, target, fields, Some(&errors)).await {
            Ok(page) => (StatusCode::UNPROCESSABLE_ENTITY, page).into_response(),
            Err(error) => error.into_response(),
        },
        Err(other) => PageError::from(other).into_response(),
    }
}

/// What the editor writes: a new proposal of a team, or a stored draft.
#[derive(Clone, Copy)]
enum Target<'a> {
    New(i64),
    Existing(&'a StoredProposal),
}

/// The form's fields holding `input` (to edit a stored proposal).
fn fields_of(input: &ProposalInput) -> Fields {
    let mut fields = Fields::new();
    let mut push = |name: String, value: String| fields.push((name, value));
    push("title".into(), input.title.clone());
    let claim = |name: &str, claim: &ClaimInput, push: &mut dyn FnMut(String, String)| {
        push(name.to_owned(), claim.text.clone());
        for id in &claim.evidence {
            push(format!("{name}_evidence"), id.to_string());
        }
    };
    claim("problem", &input.problem, &mut push);
    claim("solution", &input.solution, &mut push);
    for b in &input.beneficiaries {
        claim(&format!("benefit_{}", b.who), &b.benefit, &mut push);
    }
    for (i, risk) in input.risks.iter().enumerate() {
        claim(&format!("risk_{i}"), risk, &mut push);
    }
    for id in &input.objective_ids {
        push("objective".into(), id.to_string());
    }
    push("initiative_id".into(), input.initiative_id.map(|i| i.to_string()).unwrap_or_default());
    push("currency".into(), input.currency.clone());
    push("discount_rate".into(), format!("{}", input.case.discount_rate * 100.0));
    push("one_off_cost".into(), major_units(input.case.one_off_cost));
    push("recurring_cost".into(), major_units(input.case.recurring_cost));
    for (case, amounts) in [
        ("low", &input.case.benefits.low),
        ("expected", &input.case.benefits.expected),
        ("high", &input.case.benefits.high),
    ] {
        for (n, amount) in amounts.iter().enumerate() {
            push(period_field(n + 1, case), major_units(*amount));
        }
    }
    push("ask_decision".into(), input.ask.decision.clone());
    push("ask_money".into(), input.ask.money.map(major_units).unwrap_or_default());
    push("ask_people".into(), input.ask.people.map(|p| p.to_string()).unwrap_or_default());
    push("decide_by".into(), input.ask.decide_by.clone().unwrap_or_default());
    fields
}

/// The proposal the form describes, and the errors of values that do not parse (each
/// naming its form field; such values are left out of the input).
fn input_of(fields: &Fields) -> (ProposalInput, ValidationErrors) {
    let mut errors = ValidationErrors::default();
    let text = |name: &str| value(fields, name).trim().to_owned();
    let optional = |name: &str| Some(text(name)).filter(|v| !v.is_empty());
    let claim = |name: &str, errors: &mut ValidationErrors| {
        let mut evidence = Vec::new();
        for id in values(fields, &format!("{name}_evidence")) {
            match id.trim().parse::<i64>() {
                Ok(id) => evidence.push(id),
                Err(_) => errors.add(format!("{name}_evidence"), format!("'{id}' is not an evidence number")),
            }
        }
        ClaimInput { text: text(name), evidence }
    };
    let money = |name: &str, errors: &mut ValidationErrors| {
        optional(name).and_then(|v| {
            parse_major_units(&v).or_else(|| {
                errors.add(name, format!("'{v}' is not an amount, e.g. 12500 or 12,500.50"));
                None
            })
        })
    };
    let problem = claim("problem", &mut errors);
    let solution = claim("solution", &mut errors);
    let beneficiaries = BENEFICIARIES
        .iter()
        .filter(|who| !text(&format!("benefit_{who}")).is_empty())
        .map(|who| BeneficiaryInput { who: (*who).to_owned(), benefit: claim(&format!("benefit_{who}"), &mut errors) })
        .collect();
    let mut risks = Vec::new();
    for i in 0..written_risks(fields) {
        if !text(&format!("risk_{i}")).is_empty() {
            risks.push(claim(&format!("risk_{i}"), &mut errors));
        }
    }
    let mut objective_ids = Vec::new();
    for id in values(fields, "objective") {
        match id.parse::<i64>() {
            Ok(id) => objective_ids.push(id),
            Err(_) => errors.add("objective", format!("'{id}' is not an objective number")),
        }
    }
    let initiative_id = optional("initiative_id").and_then(|v| {
        v.parse::<i64>().ok().or_else(|| {
            errors.add("initiative_id", format!("'{v}' is not an initiative number"));
            None
        })
    });
    let discount_rate = match optional("discount_rate") {
        None => {
            errors.add("discount_rate", "give the discount rate per period, in percent (e.g. 10)");
            0.0
        }
        Some(v) => v.trim_end_matches('%').trim().parse::<f64>().map_or_else(
            |_| {
                errors.add("discount_rate", format!("'{v}' is not a percentage, e.g. 10 or 7.5"));
                0.0
            },
            |percent| percent / 100.0,
        ),
    };
    // Every period up to the last one written needs its three amounts.
    let mut benefits = BenefitsInput { low: Vec::new(), expected: Vec::new(), high: Vec::new() };
    for n in 1..=written_periods(fields) {
        for (case, _) in BENEFIT_CASES {
            let name = period_field(n, case);
            let amount = match optional(&name) {
                None => {
                    errors.add(&name, "is empty: every period up to the last needs its low, expected and high benefit");
                    None
                }
                Some(v) => parse_major_units(&v).or_else(|| {
                    errors.add(&name, format!("'{v}' is not an amount, e.g. 12500 or 12,500.50"));
                    None
                }),
            };
            let list = match case {
                "low" => &mut benefits.low,
                "expected" => &mut benefits.expected,
                _ => &mut benefits.high,
            };
            list.extend(amount);
        }
    }
    let case = BusinessCaseInput {
        discount_rate,
        one_off_cost: money("one_off_cost", &mut errors).unwrap_or(0),
        recurring_cost: money("recurring_cost", &mut errors).unwrap_or(0),
        benefits,
    };
    let people = optional("ask_people").and_then(|v| {
        v.parse::<u32>().ok().or_else(|| {
            errors.add("ask_people", format!("'{v}' is not a whole number of people"));
            None
        })
    });
    let input = ProposalInput {
        title: text("title"),
        problem,
        solution,
        objective_ids,
        initiative_id,
        beneficiaries,
        risks,
        case,
        currency: optional("currency").unwrap_or_else(|| leadup_core::initiative::DEFAULT_CURRENCY.to_owned()),
        ask: AskInput {
            money: money("ask_money", &mut errors),
            people,
            decision: text("ask_decision"),
            decide_by: optional("decide_by"),
        },
        status: "draft".to_owned(),
    };
    (input, errors)
}

/// How many risk rows the form holds up to its last written one.
/// The benefit columns of the editor: the form's name and heading of each case.
const BENEFIT_CASES: [(&str, &str); 3] = [("low", "Low"), ("expected", "Expected"), ("high", "High")];

/// The form field of period `n`'s (from 1) benefit in `case` (`low`, `expected`, `high`).
fn period_field(n: usize, case: &str) -> String {
    format!("period_{n}_{case}")
}

/// The number of periods written: the last one with any benefit.
fn written_periods(fields: &Fields) -> usize {
    fields
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .filter_map(|(k, _)| k.strip_prefix("period_")?.split_once('_')?.0.parse::<usize>().ok())
        .max()
        .unwrap_or(0)
}

fn written_risks(fields: &Fields) -> usize {
    fields
        .iter()
        .filter(|(k, v)| !v.trim().is_empty() && !k.ends_with("_evidence"))
        .filter_map(|(k, _)| k.strip_prefix("risk_")?.parse::<usize>().ok())
        .map(|i| i + 1)
        .max()
        .unwrap_or(0)
}

/// A field's name as the editor labels it: `case.discount_rate` is "Discount rate".
fn label(field: &str, input_beneficiaries: &[String]) -> String {
    let head = field.split(['.', '[']).next().unwrap_or(field);
    let index =
        || field.split('[').nth(1).and_then(|rest| rest.split(']').next()).and_then(|i| i.parse::<usize>().ok());
    match head {
        "title" => "Title".into(),
        "problem" | "problem_evidence" => "Problem".into(),
        "solution" | "solution_evidence" => "Proposed solution".into(),
        "beneficiaries" => index()
            .and_then(|i| input_beneficiaries.get(i))
            .map_or_else(|| "Who benefits".into(), |who| format!("Benefit to {}", who_label(who))),
        "risks" => index().map_or_else(|| "Risks".into(), |i| format!("Risk {}", i + 1)),
        "objective" | "objective_ids" => "Objectives served".into(),
        "initiative_id" => "Delivering initiative".into(),
        "case" if field.contains("discount_rate") => "Discount rate".into(),
        "case" if field.contains("one_off_cost") => "One-off cost".into(),
        "case" if field.contains("recurring_cost") => "Recurring cost".into(),
        "case" if field.contains("benefits.low") => "Low benefits".into(),
        "case" if field.contains("benefits.expected") => "Expected benefits".into(),
        "case" if field.contains("benefits.high") => "High benefits".into(),
        "case" => "Benefits".into(),
        "discount_rate" => "Discount rate".into(),
        "one_off_cost" => "One-off cost".into(),
        "recurring_cost" => "Recurring cost".into(),
        other if other.starts_with("period_") => {
            let (n, case) = other["period_".len()..].split_once('_').unwrap_or(("?", ""));
            let heading = BENEFIT_CASES.iter().find(|(c, _)| *c == case).map_or("A", |(_, h)| h);
            format!("{heading} benefit, period {n}")
        }
        "currency" => "Currency".into(),
        "ask" if field.contains("money") => "Money asked".into(),
        "ask" if field.contains("decide_by") => "Decide by".into(),
        "ask" => "Decision wanted".into(),
        "ask_money" => "Money asked".into(),
        "ask_people" => "People asked".into(),
        "status" => "Status".into(),
        other if other.starts_with("benefit_") => format!("Benefit to {}", who_label(&other[8..])),
        other if other.starts_with("risk_") => "Risks".into(),
        other => other.to_owned(),
    }
}

async fn render_form(
    state: &AppState,
    caller: &Caller,
    target: Target<'_>,
    fields: &Fields,
    errors: Option<&ValidationErrors>,
) -> PageResult {
    let team_id = match target {
        Target::New(team) => team,
        Target::Existing(stored) => stored.team_id,
    };
    let team = state.store.team(team_id).await?;
    let workspace = state.store.workspace().await?;
    let objectives = state.store.objectives().await?;
    let initiatives: Vec<_> = state.store.initiatives().await?.into_iter().filter(|i| i.team_id == team_id).collect();
    let mut evidence: Vec<Evidence> = state.store.evidence_list().await?;
    evidence.sort_by(|a, b| b.date.cmp(&a.date).then(b.id.cmp(&a.id)));
    let (title, action, crumb) = match target {
        Target::New(_) => ("New proposal".to_owned(), format!("/teams/{team_id}/proposals"), "New".to_owned()),
        Target::Existing(stored) => {
            (format!("Edit {}", stored.input.title), format!("/proposals/{}", stored.id), stored.input.title.clone())
        }
    };
    let v = |name: &str| value(fields, name).to_owned();
    let given_beneficiaries: Vec<String> = BENEFICIARIES
        .iter()
        .filter(|who| !value(fields, &format!("benefit_{who}")).trim().is_empty())
        .map(|w| (*w).to_owned())
        .collect();
    let risk_rows = written_risks(fields) + SPARE_RISKS;
    let period_rows = (written_periods(fields) + SPARE_PERIODS).max(MIN_PERIOD_ROWS);
    let claim = |name: &str, heading: &str, hint: &str, rows: u8| {
        let field = format!("{name}_evidence");
        let chosen: Vec<i64> = values(fields, &field).iter().filter_map(|v| v.parse().ok()).collect();
        html! {
            div.claim {
                label.field.wide { span.label { (heading) }
                    textarea name=(name) rows=(rows) placeholder=(hint) { (v(name)) } }
                (evidence_picker::picker(&field, "Evidence behind it", heading, &evidence, &chosen))
            }
        }
    };
    let chosen_objectives = values(fields, "objective");
    let content = html! {
        p.crumbs { a href="/proposals" { "Proposals" } " / " (team.name) " / " (crumb) }
        h1 { (title) }
        p.muted.lead { "A claim without evidence is shown as " strong { "opinion" } " in the brief. Tick the evidence from the library behind each claim; "
            a href="/evidence/new" target="_blank" { "record new evidence" } " first if it is missing." }
        @if let Some(errors) = errors {
            section.card.alert role="alert" {
                h2 { "The proposal was not saved" }
                ul { @for e in &errors.0 { li { strong { (label(&e.field, &given_beneficiaries)) } ": " (e.message) } } }
            }
        }
        form.card.proposal-form method="post" action=(action) {
            input type="hidden" name=(CSRF_FIELD) value=(caller.csrf());
            label.field.wide { span.label { "Title" } input type="text" name="title" value=(v("title")) placeholder="e.g. Instant refunds" required; }
            h2 { "The case" }
            (claim("problem", "Problem", "What hurts, for whom, and how much", 3))
            (claim("solution", "Proposed solution", "What we would build or change", 3))
            h2 { "Who benefits" }
            p.muted.hint { "Leave a row empty if that group does not benefit." }
            @for who in BENEFICIARIES {
                (claim(&format!("benefit_{who}"), &format!("Benefit to {}", who_label(who)), "How they are better off", 2))
            }
            h2 { "Risks" }
            @for i in 0..risk_rows {
                (claim(&format!("risk_{i}"), &format!("Risk {}", i + 1), "What could go wrong", 2))
            }
            h2 { "Alignment and delivery" }
            div.field-grid {
                fieldset.objectives {
                    legend { "Objectives served " span.muted { "(none: flagged as unaligned)" } }
                    @if objectives.is_empty() { p.muted { "The workspace has no objectives yet." } }
                    @for o in &objectives {
                        label.check { input type="checkbox" name="objective" value=(o.id) checked[chosen_objectives.contains(&o.id.to_string().as_str())]; (o.title) }
                    }
                }
                label.field { span.label { "Delivering initiative" }
                    select name="initiative_id" {
                        option value="" { "None yet" }
                        @for i in &initiatives { option value=(i.id) selected[v("initiative_id") == i.id.to_string()] { (i.title) } }
                    }
                    span.muted.hint { "Its forecast gives the brief's delivery dates." }
                }
            }
            h2 { "The numbers" }
            div.field-grid {
                label.field { span.label { "Currency" } input type="text" name="currency" value=(v("currency")) placeholder="EUR"; }
                label.field { span.label { "Discount rate (% per period)" } input type="text" inputmode="decimal" name="discount_rate" value=(v("discount_rate")) placeholder="e.g. 10"; }
                label.field { span.label { "One-off cost" } input type="text" inputmode="decimal" name="one_off_cost" value=(v("one_off_cost")) placeholder="e.g. 120,000"; }
                label.field { span.label { "Recurring cost per period" } input type="text" inputmode="decimal" name="recurring_cost" value=(v("recurring_cost")) placeholder="e.g. 10,000"; }
            }
            p.muted.hint { "Benefits per period, from the first: low, expected and high for each. Leave the rows after the last period empty; saving the draft adds more rows." }
            div.scroll { table.benefits-table {
                thead { tr { th { "Period" } @for (_, case) in BENEFIT_CASES { th { (case) " benefit" } } } }
                tbody { @for n in 1..=period_rows {
                    tr {
                        th scope="row" { (n) }
                        @for (case, heading) in BENEFIT_CASES {
                            @let name = period_field(n, case);
                            td { input type="text" inputmode="decimal" name=(name) value=(v(&name)) aria-label={ (heading) " benefit, period " (n) }
                                placeholder=[(n == 1).then_some("e.g. 40,000")]; }
                        }
                    }
                } }
            } }
            h2 { "The ask" }
            label.field.wide { span.label { "Decision wanted" } input type="text" name="ask_decision" value=(v("ask_decision")) placeholder="e.g. Fund a two-person team for a quarter"; }
            div.field-grid {
                label.field { span.label { "Money asked" } input type="text" inputmode="decimal" name="ask_money" value=(v("ask_money")) placeholder="optional"; }
                label.field { span.label { "People asked" } input type="number" min="0" name="ask_people" value=(v("ask_people")) placeholder="optional"; }
                label.field { span.label { "Decide by" } input type="date" name="decide_by" value=(v("decide_by")); }
            }
            div.actions { button type="submit" { "Save draft" } }
        }
        (evidence_picker::script())
    };
    Ok(layout::page(&title, workspace.as_ref(), Some(Section::Proposals), caller, &content))
}
