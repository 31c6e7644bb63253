//! `/strategy`: the mission, and each objective with its key results, each key result's
//! history as a small chart, and the initiatives that serve it. Those who may edit the strategy
//! (`edit_strategy`) also get its forms here: the workspace's name and mission, a value for a
//! key result, and the links to add and edit objectives (`strategy_edit`).

use axum::extract::State;
use leadup_core::ValidationErrors;
use leadup_core::access::Action;
use leadup_core::date;
use leadup_core::initiative::Initiative;
use leadup_core::strategy::{KeyResult, Measurement, Objective, Workspace};
use leadup_store::KeyResultValue;
use maud::{Markup, html};

use super::PageResult;
use super::form::{Fields, errors_in_words, value};
use super::layout::{self, Section, flag, progress_bar};
use crate::AppState;
use crate::auth::{CSRF_FIELD, Caller};
use crate::charts::key_result::{self, number};

pub(crate) async fn page(State(state): State<AppState>, caller: Caller) -> PageResult {
    render(&state, &caller, None).await
}

/// Which of the page's forms was sent and refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Form {
    /// The workspace's name and mission.
    Workspace,
    /// A value of key result `.1` (its position) of objective `.0`.
    Value(i64, usize),
}

/// A refused form, shown again with what was sent and why.
pub(super) struct Failed<'a> {
    pub(super) form: Form,
    pub(super) errors: &'a ValidationErrors,
    pub(super) fields: &'a Fields,
}

/// Whether `caller` may edit the strategy.
pub(super) fn may_edit(caller: &Caller) -> bool {
    caller.principal().is_some_and(|p| p.may(Action::EditStrategy, None))
}

pub(super) async fn render(state: &AppState, caller: &Caller, failed: Option<Failed<'_>>) -> PageResult {
    let workspace = state.store.workspace().await?;
    let objectives = state.store.objectives().await?;
    let initiatives = state.store.initiatives().await?;
    let history = state.store.key_result_values(None).await?;
    // An owner who is a stakeholder the caller may read links to their profile.
    let stakeholders = match caller.principal() {
        Some(principal) => leadup_app::stakeholders::visible_to(&state.store, principal).await?,
        None => Vec::new(),
    };
    let editor = may_edit(caller);
    let failed_for = |form: Form| failed.as_ref().filter(|f| f.form == form);
    let content = html! {
        section.mission {
            div.page-head {
                h1 { "Strategy" }
                @if editor { a.button href="/objectives/new" { "Add an objective" } }
            }
            @if let Some(w) = &workspace {
                @if !w.mission.is_empty() {
                    p.eyebrow { "Our mission" }
                    blockquote { (w.mission) }
                }
            }
            @if editor {
                (workspace_form(caller, workspace.as_ref(), failed_for(Form::Workspace)))
            }
        }
        @if objectives.is_empty() {
            section.card.empty {
                p { "No objectives yet. "
                    @if editor { a.edit-link href="/objectives/new" { "Add the first one" } ": a company goal, its owner and the key results that measure it." }
                    @else { "Your workspace's administrators add them." } }
            }
        }
        div.objectives {
            @for objective in &objectives {
                @let owner = stakeholders.iter().find(|s| s.owned_objective_ids.contains(&objective.id)).map(|s| s.user.id);
                @let values: Vec<&KeyResultValue> = history.iter().filter(|v| v.objective_id == objective.id).collect();
                (objective_card(objective, owner, &initiatives, &values, editor.then_some(caller), failed.as_ref()))
            }
        }
    };
    let page = layout::page("Strategy", workspace.as_ref(), Some(Section::Strategy), caller, &content);
    Ok(page)
}

fn workspace_form(caller: &Caller, workspace: Option<&Workspace>, failed: Option<&Failed<'_>>) -> Markup {
    let sent = failed.map(|f| f.fields);
    let (name, mission) = match (sent, workspace) {
        (Some(fields), _) => (value(Some(fields), "name"), value(Some(fields), "mission")),
        (None, Some(w)) => (w.name.clone(), w.mission.clone()),
        (None, None) => (String::new(), String::new()),
    };
    html! {
        details.strategy-edit open[failed.is_some()] {
            summary { "Edit the workspace's name and mission" }
            form.strategy-form method="post" action="/workspace" {
                input type="hidden" name=(CSRF_FIELD) value=(caller.csrf());
                @if let Some(failed) = failed { (errors_in_words(failed.errors, workspace_label)) }
                label.field { span.label { "Workspace name" }
                    input type="text" name="name" required maxlength="200" value=(name); }
                label.field { span.label { "Mission" }
                    textarea name="mission" rows="3" maxlength="2000" { (mission) }
                    span.muted.hint { "What every objective serves, in a sentence or two. Shown at the top of this page and in briefs." } }
                div.actions { button type="submit" { "Save name and mission" } }
            }
        }
    }
}

/// The workspace form's fields in its own words.
pub(super) fn workspace_label(field: &str) -> Option<String> {
    match field {
        "name" => Some("Workspace name".into()),
        "mission" => Some("Mission".into()),
        _ => None,
    }
}

/// The key-result value form's fields in its own words.
pub(super) fn value_label(field: &str) -> Option<String> {
    match field {
        "value" => Some("Value".into()),
        "on" => Some("Measured on".into()),
        _ => None,
    }
}

/// An objective; `owner` is the stakeholder owning it, if the caller may open their profile;
/// `editor` is the caller when they may edit the strategy.
fn objective_card(
    objective: &Objective,
    owner: Option<i64>,
    initiatives: &[Initiative],
    history: &[&KeyResultValue],
    editor: Option<&Caller>,
    failed: Option<&Failed<'_>>,
) -> Markup {
    let serving: Vec<&Initiative> = initiatives
        .iter()
        .filter(|i| i.status != leadup_core::initiative::Status::Dropped && i.objective_ids.contains(&objective.id))
        .collect();
    html! {
        article.card.objective id={ "objective-" (objective.id) } {
            header {
                div {
                    h2 { (objective.title) }
                    p.meta {
                        "Owner: "
                        @match owner {
                            Some(user) => { a.owner href={ "/stakeholders/" (user) } { strong { (objective.owner) } } }
                            None => { strong { (objective.owner) } }
                        }
                        @if editor.is_some() {
                            " · " a.edit-link href={ "/objectives/" (objective.id) "/edit" } aria-label={ "Edit objective " (objective.title) } { "Edit" }
                        }
                    }
                }
                @if let Some(progress) = objective.progress() {
                    div.overall { (progress_bar(progress)) }
                }
            }
            @if !objective.description.is_empty() {
                p.description { (objective.description) }
            }
            @if objective.key_results.is_empty() {
                p.muted { "No key results yet: progress cannot be measured."
                    @if editor.is_some() { " " a.edit-link href={ "/objectives/" (objective.id) "/edit" } { "Add one" } "." } }
            } @else {
                table.key-results tabindex="0" {
                    thead { tr { th { "Key result" } th.num { "Baseline" } th.num { "Current" } th.num { "Target" } th { "Progress" } th { "Due" } } }
                    tbody {
                        @for kr in &objective.key_results { (key_result_row(kr)) }
                    }
                }
                @let histories: Vec<(usize, &KeyResult, Vec<Measurement>)> = objective.key_results.iter().enumerate()
                    .map(|(k, kr)| (k, kr, history.iter().filter(|v| v.key_result == k).map(|v| v.measurement).collect::<Vec<_>>()))
                    .filter(|(_, _, values)| editor.is_some() || !values.is_empty())
                    .collect();
                @if !histories.is_empty() {
                    div.kr-histories {
                        @for (k, kr, values) in &histories {
                            (key_result_history(objective.id, *k, kr, values, editor, failed.filter(|f| f.form == Form::Value(objective.id, *k))))
                        }
                    }
                }
            }
            footer {
                @if serving.is_empty() {
                    (flag("uncovered", "No initiative serves this objective"))
                    " No initiative serves this objective yet."
                } @else {
                    span.muted { "Served by " (serving.len()) " initiative" @if serving.len() != 1 { "s" } ": " }
                    @for (k, initiative) in serving.iter().enumerate() {
                        @if k > 0 { ", " }
                        a href={ "/initiatives/" (initiative.id) } { (initiative.title) }
                    }
                }
            }
        }
    }
}

/// Key result `k`'s values over time: the chart, the same values as a table, and for an
/// editor the form to record a new one.
fn key_result_history(
    objective: i64,
    k: usize,
    kr: &KeyResult,
    values: &[Measurement],
    editor: Option<&Caller>,
    failed: Option<&Failed<'_>>,
) -> Markup {
    let sent = failed.map(|f| f.fields);
    let anchor = format!("kr-{objective}-{k}");
    html! {
        section.kr-history id=(anchor) {
            h3 { (kr.metric) }
            @match key_result::svg(kr, values) {
                Some(chart) => {
                    (chart)
                    details.kr-values {
                        summary { "Values (" (values.len()) ")" }
                        table {
                            caption.visually-hidden { "Values of " (kr.metric) }
                            thead { tr { th { "Measured on" } th.num { "Value" } } }
                            tbody { @for v in values.iter().rev() {
                                tr { td.nowrap { (date::format(v.on)) } td.num { (number(v.value)) " " (kr.unit) } }
                            } }
                        }
                    }
                }
                None => { p.muted { "No values recorded yet." } }
            }
            @if let Some(caller) = editor {
                details.kr-record open[failed.is_some()] {
                    summary { "Record a value" span.visually-hidden { " of " (kr.metric) } }
                    form.strategy-form.kr-value-form method="post" action={ "/objectives/" (objective) "/key-results/" (k) "/values" } {
                        input type="hidden" name=(CSRF_FIELD) value=(caller.csrf());
                        @if let Some(failed) = failed { (errors_in_words(failed.errors, value_label)) }
                        div.kr-value-fields {
                            label.field { span.label { "Value" @if !kr.unit.is_empty() { " (" (kr.unit) ")" } }
                                input type="text" inputmode="decimal" name="value" required value=(value(sent, "value")) placeholder=(number(kr.current)); }
                            label.field { span.label { "Measured on" }
                                input type="date" name="on" value=(value(sent, "on")); span.muted.hint { "Empty for today" } }
                        }
                        button.secondary type="submit" aria-label={ "Record value of " (kr.metric) } { "Record value" }
                    }
                }
            }
        }
    }
}

fn key_result_row(kr: &KeyResult) -> Markup {
    html! {
        tr {
            td { (kr.metric) }
            td.num { (number(kr.baseline)) " " span.unit { (kr.unit) } }
            td.num { strong { (number(kr.current)) } " " span.unit { (kr.unit) } }
            td.num { (number(kr.target)) " " span.unit { (kr.unit) } }
            td { (progress_bar(kr.progress())) }
            td.nowrap { (date::format(kr.due)) }
        }
    }
}
