//! Change requests: a proposed change to a plan's baseline (add, remove, re-prioritise,
//! re-date, re-scope or re-budget one initiative), with a reason, evidence, urgency, its
//! computed impact, and a decision that the team's manager and one of its executives sign off
//! together.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::plan::{PlanContent, PlanItem, SignOff, budget_field, scope_field};
use crate::validation::required_text;
use crate::{ValidationErrors, date};

/// The longest reason or rationale, in characters.
pub const MAX_REASON_CHARS: usize = 4000;

/// What kind of change is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Add an initiative to the plan.
    Add,
    /// Take an initiative out of the plan.
    Remove,
    /// Move an initiative to another place in the priority order.
    Reprioritise,
    /// Move an initiative's target date.
    Redate,
    /// Change an initiative's remaining scope.
    Rescope,
    /// Change an initiative's budget.
    Rebudget,
}

impl ChangeKind {
    /// Every kind.
    pub const ALL: [Self; 6] =
        [Self::Add, Self::Remove, Self::Reprioritise, Self::Redate, Self::Rescope, Self::Rebudget];

    /// The snake-case name used in the API and storage.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Add => "add",
            Self::Remove => "remove",
            Self::Reprioritise => "reprioritise",
            Self::Redate => "redate",
            Self::Rescope => "rescope",
            Self::Rebudget => "rebudget",
        }
    }

    /// Parses a kind in any case; `re-date` and `re_date` are accepted for `redate` (and
    /// likewise for the other re- kinds).
    pub fn parse(value: &str) -> Option<Self> {
        let normal = value.trim().to_ascii_lowercase().replace(['-', '_', ' '], "");
        Self::ALL.into_iter().find(|k| k.as_str() == normal)
    }
}

impl fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One change to a plan's content. Positions are 1-based (1 is the highest priority).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Add `item` at `position` (the end when `None`).
    Add {
        /// The new item.
        item: PlanItem,
        /// Where it goes.
        position: Option<usize>,
    },
    /// Remove the initiative.
    Remove {
        /// The initiative.
        initiative_id: i64,
    },
    /// Move the initiative to `position`.
    Reprioritise {
        /// The initiative.
        initiative_id: i64,
        /// Its new place.
        position: usize,
    },
    /// Set the initiative's target date.
    Redate {
        /// The initiative.
        initiative_id: i64,
        /// Its new target date.
        target_date: Date,
    },
    /// Set the initiative's remaining scope.
    Rescope {
        /// The initiative.
        initiative_id: i64,
        /// Its new remaining scope in work items.
        scope: u32,
    },
    /// Set the initiative's budget.
    Rebudget {
        /// The initiative.
        initiative_id: i64,
        /// Its new budget in minor units.
        budget: i64,
    },
}

impl Change {
    /// The kind of change.
    pub fn kind(&self) -> ChangeKind {
        match self {
            Self::Add { .. } => ChangeKind::Add,
            Self::Remove { .. } => ChangeKind::Remove,
            Self::Reprioritise { .. } => ChangeKind::Reprioritise,
            Self::Redate { .. } => ChangeKind::Redate,
            Self::Rescope { .. } => ChangeKind::Rescope,
            Self::Rebudget { .. } => ChangeKind::Rebudget,
        }
    }

    /// The initiative it changes.
    pub fn initiative_id(&self) -> i64 {
        match self {
            Self::Add { item, .. } => item.initiative_id,
            Self::Remove { initiative_id }
            | Self::Reprioritise { initiative_id, .. }
            | Self::Redate { initiative_id, .. }
            | Self::Rescope { initiative_id, .. }
            | Self::Rebudget { initiative_id, .. } => *initiative_id,
        }
    }

    /// The input that would recreate this change; its JSON is how a change is stored.
    pub fn to_input(&self) -> ChangeInput {
        let mut input = ChangeInput {
            kind: self.kind().as_str().to_owned(),
            initiative_id: self.initiative_id(),
            target_date: None,
            budget: None,
            scope: None,
            position: None,
        };
        match self {
            Self::Add { item, position } => {
                input.target_date = Some(date::format(item.target_date));
                input.budget = Some(item.budget);
                input.scope = Some(i64::from(item.scope));
                input.position = position.map(|p| p as i64);
            }
            Self::Remove { .. } => {}
            Self::Reprioritise { position, .. } => input.position = Some(*position as i64),
            Self::Redate { target_date, .. } => input.target_date = Some(date::format(*target_date)),
            Self::Rescope { scope, .. } => input.scope = Some(i64::from(*scope)),
            Self::Rebudget { budget, .. } => input.budget = Some(*budget),
        }
        input
    }

    /// The change as JSON text, in the shape of [`ChangeInput`] (fields that do not apply
    /// left out).
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.to_input()).expect("a change always serialises")
    }

    /// Reads a change written by [`to_json`](Self::to_json); `Err` says why it is not one.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let input: ChangeInput = serde_json::from_str(text).map_err(|e| e.to_string())?;
        input.validate().map_err(|e| e.summary())
    }

    /// The content that results from applying this change to `content`; a change that does
    /// not fit the content (removing an initiative not in the plan, adding one already in it,
    /// a place beyond the end, a value it already has) is refused naming the field.
    pub fn apply(&self, content: &PlanContent) -> Result<PlanContent, ValidationErrors> {
        let id = self.initiative_id();
        let at = content.position(id);
        let len = content.items.len();
        let mut items = content.items.clone();
        let refuse = |field: &str, message: String| Err(ValidationErrors::single(format!("change.{field}"), message));
        let Some(at) = at else {
            let Self::Add { item, position } = self else {
                return refuse("initiative_id", format!("initiative {id} is not in the plan"));
            };
            let position = position.unwrap_or(len + 1);
            if position > len + 1 {
                return refuse("position", format!("must be between 1 and {} (the end of the plan)", len + 1));
            }
            items.insert(position - 1, item.clone());
            return Ok(PlanContent { items });
        };
        let current = &mut items[at];
        match self {
            Self::Add { .. } => {
                return refuse(
                    "initiative_id",
                    format!("initiative {id} is already in the plan; ask to re-date, re-scope or re-budget it instead"),
                );
            }
            Self::Remove { .. } => {
                items.remove(at);
            }
            Self::Reprioritise { position, .. } => {
                if *position > len {
                    return refuse("position", format!("must be between 1 and {len}"));
                }
                if *position == at + 1 {
                    return refuse("position", format!("initiative {id} is already at position {position}"));
                }
                let moved = items.remove(at);
                items.insert(position - 1, moved);
            }
            Self::Redate { target_date, .. } => {
                if current.target_date == *target_date {
                    return refuse(
                        "target_date",
                        format!("initiative {id} already has target date {}", date::format(*target_date)),
                    );
                }
                current.target_date = *target_date;
            }
            Self::Rescope { scope, .. } => {
                if current.scope == *scope {
                    return refuse("scope", format!("initiative {id} already has a scope of {scope} items"));
                }
                current.scope = *scope;
            }
            Self::Rebudget { budget, .. } => {
                if current.budget == *budget {
                    return refuse("budget", format!("initiative {id} already has a budget of {budget}"));
                }
                current.budget = *budget;
            }
        }
        Ok(PlanContent { items })
    }
}

impl Serialize for Change {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_input().serialize(serializer)
    }
}

/// A change as entered: its kind, the initiative, and the fields that kind needs
/// (`add`: target date, scope and budget, optionally a position; `remove`: nothing else;
/// `reprioritise`: position; `redate`: target date; `rescope`: scope; `rebudget`: budget).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeInput {
    /// `add`, `remove`, `reprioritise`, `redate`, `rescope` or `rebudget`.
    pub kind: String,
    /// The initiative to change.
    pub initiative_id: i64,
    /// `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_date: Option<String>,
    /// Minor units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<i64>,
    /// Work items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<i64>,
    /// 1-based place in the priority order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<i64>,
}

impl ChangeInput {
    /// Checks the change, naming each bad field.
    pub fn validate(self) -> Result<Change, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let change = self.validate_into(&mut errors, "");
        errors.into_result(|| change.expect("a change when there are no errors"))
    }

    fn validate_into(self, errors: &mut ValidationErrors, prefix: &str) -> Option<Change> {
        use ChangeKind::{Add, Rebudget, Redate, Remove, Reprioritise, Rescope};
        let field = |name: &str| format!("{prefix}{name}");
        let Some(kind) = ChangeKind::parse(&self.kind) else {
            errors.add(
                field("kind"),
                format!("'{}' is not one of add, remove, reprioritise, redate, rescope, rebudget", self.kind),
            );
            return None;
        };
        let before = errors.0.len();
        let needs = |errors: &mut ValidationErrors, name: &str, given: bool, needed: bool| {
            if needed && !given {
                errors.add(field(name), format!("is required for a {kind} change"));
            } else if given && !needed {
                errors.add(field(name), format!("does not apply to a {kind} change"));
            }
        };
        let wants = |k: &[ChangeKind]| k.contains(&kind);
        needs(errors, "target_date", self.target_date.is_some(), wants(&[Add, Redate]));
        needs(errors, "budget", self.budget.is_some(), wants(&[Add, Rebudget]));
        needs(errors, "scope", self.scope.is_some(), wants(&[Add, Rescope]));
        if !(kind == Add && self.position.is_none()) {
            needs(errors, "position", self.position.is_some(), wants(&[Add, Reprioritise]));
        }
        let target_date = self.target_date.as_deref().and_then(|d| date::parse_field(errors, &field("target_date"), d));
        let budget = self.budget.and_then(|b| budget_field(errors, &field("budget"), b));
        let scope = self.scope.and_then(|s| scope_field(errors, &field("scope"), s));
        let position = self.position.and_then(|p| {
            let valid = usize::try_from(p).ok().filter(|p| *p >= 1);
            if valid.is_none() {
                errors.add(field("position"), format!("must be 1 or more (got {p})"));
            }
            valid
        });
        if errors.0.len() > before {
            return None;
        }
        let initiative_id = self.initiative_id;
        Some(match kind {
            Add => Change::Add {
                item: PlanItem { initiative_id, target_date: target_date?, budget: budget?, scope: scope? },
                position,
            },
            Remove => Change::Remove { initiative_id },
            Reprioritise => Change::Reprioritise { initiative_id, position: position? },
            Redate => Change::Redate { initiative_id, target_date: target_date? },
            Rescope => Change::Rescope { initiative_id, scope: scope? },
            Rebudget => Change::Rebudget { initiative_id, budget: budget? },
        })
    }
}

/// How soon a change request needs a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// Whenever convenient.
    Low,
    /// The usual.
    Normal,
    /// Soon.
    High,
}

impl Urgency {
    /// Every urgency, lowest first.
    pub const ALL: [Self; 3] = [Self::Low, Self::Normal, Self::High];

    /// The name used in the API and storage.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Normal => "normal",
            Self::High => "high",
        }
    }

    /// Parses `low`, `normal` or `high` in any case.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|u| u.as_str().eq_ignore_ascii_case(value.trim()))
    }
}

fn default_urgency() -> String {
    Urgency::Normal.as_str().to_owned()
}

/// A change request as filed, before validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeRequestInput {
    /// The change asked for.
    pub change: ChangeInput,
    /// Why; required.
    pub reason: String,
    /// `low`, `normal` (when omitted) or `high`.
    #[serde(default = "default_urgency")]
    pub urgency: String,
    /// Evidence supporting it; a request without evidence is marked as such.
    #[serde(default)]
    pub evidence_ids: Vec<i64>,
}

/// A validated change request, ready to file against a plan's baseline. References (the
/// initiative, the evidence) are checked by the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeRequestDraft {
    /// The change asked for.
    pub change: Change,
    /// Why.
    pub reason: String,
    /// How soon a decision is needed.
    pub urgency: Urgency,
    /// Supporting evidence, no duplicates.
    pub evidence_ids: Vec<i64>,
}

impl ChangeRequestInput {
    /// Checks every field and names each one that is invalid (the change's as `change.FIELD`).
    pub fn validate(self) -> Result<ChangeRequestDraft, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let change = self.change.validate_into(&mut errors, "change.");
        let reason = required_text(&mut errors, "reason", &self.reason, MAX_REASON_CHARS);
        let urgency = Urgency::parse(&self.urgency).unwrap_or_else(|| {
            errors.add("urgency", format!("'{}' is not one of low, normal, high", self.urgency));
            Urgency::Normal
        });
        for (n, id) in self.evidence_ids.iter().enumerate() {
            if self.evidence_ids[..n].contains(id) {
                errors.add("evidence_ids", format!("evidence {id} is listed twice"));
            }
        }
        errors.into_result(|| ChangeRequestDraft {
            change: change.expect("a change when there are no errors"),
            reason,
            urgency,
            evidence_ids: self.evidence_ids,
        })
    }
}

/// What is decided about a change request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Make the change: the next baseline includes it.
    Accept,
    /// Do not make it.
    Reject,
    /// Not now; the baseline stays as it is.
    Defer,
}

impl Decision {
    /// Every decision.
    pub const ALL: [Self; 3] = [Self::Accept, Self::Reject, Self::Defer];

    /// The name used in the API and storage.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Accept => "accept",
            Self::Reject => "reject",
            Self::Defer => "defer",
        }
    }

    /// Parses `accept`, `reject` or `defer` in any case.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str().eq_ignore_ascii_case(value.trim()))
    }

    /// The status of a request once this decision is complete.
    pub fn status(self) -> RequestStatus {
        match self {
            Self::Accept => RequestStatus::Accepted,
            Self::Reject => RequestStatus::Rejected,
            Self::Defer => RequestStatus::Deferred,
        }
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a change request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    /// Waiting for a decision (possibly with one sign-off given).
    Open,
    /// Accepted: it made the next baseline.
    Accepted,
    /// Rejected.
    Rejected,
    /// Deferred: not now.
    Deferred,
}

impl RequestStatus {
    /// Every status.
    pub const ALL: [Self; 4] = [Self::Open, Self::Accepted, Self::Rejected, Self::Deferred];

    /// The name used in the API and storage.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Accepted => "accepted",
            Self::Rejected => "rejected",
            Self::Deferred => "deferred",
        }
    }

    /// Parses a status name.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }
}

impl fmt::Display for RequestStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One person's sign-off of a decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecisionSignOff {
    /// Who signed, and when.
    #[serde(flatten)]
    pub signed: SignOff,
    /// What they decided.
    pub decision: Decision,
    /// Why.
    pub rationale: String,
}

/// One initiative's forecast against its target date, before or after a change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outlook {
    /// Its target date in that plan.
    #[serde(with = "date::iso_date")]
    pub target_date: Date,
    /// The date it is done by with 85% probability; `None` beyond the forecast's horizon.
    #[serde(with = "date::iso_date_option")]
    pub p85: Option<Date>,
    /// The probability of being done by the target date.
    pub probability_by_target: f64,
    /// Its budget in that plan, in minor units.
    pub budget: i64,
}

/// What a change does to one initiative.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InitiativeImpact {
    /// The initiative.
    pub initiative_id: i64,
    /// Its outlook in the baseline; `None` when the change adds it.
    pub before: Option<Outlook>,
    /// Its outlook after the change; `None` when the change removes it.
    pub after: Option<Outlook>,
    /// P85 after minus P85 before, in days (negative: earlier); `None` unless both are known.
    pub delay_days: Option<i64>,
    /// Budget after minus budget before, in minor units (an added initiative's whole budget, a
    /// removed one's negated).
    pub budget_delta: i64,
}

/// The cost of a change, computed when it is filed: every initiative in the baseline or the
/// changed plan, with its forecast before and after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Impact {
    /// The forecasts are as of the end of this day.
    #[serde(with = "date::iso_date")]
    pub today: Date,
    /// Initiatives in the baseline's order, then those the change adds.
    pub initiatives: Vec<InitiativeImpact>,
}

impl Impact {
    /// Total days of forecast delay: the sum of the initiatives' positive delays (an
    /// initiative that gets earlier does not offset one that gets later).
    pub fn delay_days(&self) -> i64 {
        self.initiatives.iter().filter_map(|i| i.delay_days).filter(|d| *d > 0).sum()
    }

    /// Total budget change in minor units.
    pub fn budget_delta(&self) -> i64 {
        self.initiatives.iter().map(|i| i.budget_delta).sum()
    }
}

/// The baseline a change request's impact was computed on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImpactBaseline {
    /// Its version number.
    pub version: u32,
    /// When it was approved.
    #[serde(with = "time::serde::rfc3339::option")]
    pub approved_at: Option<OffsetDateTime>,
    /// Whether a newer baseline has been approved since: the impact is then on an older one.
    pub superseded: bool,
}

/// An impact a change request had before it was recomputed against a newer baseline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PastImpact {
    /// The baseline version it was computed on.
    pub baseline_version: u32,
    /// The baseline version it was recomputed against.
    pub recomputed_on: u32,
    /// When it was recomputed.
    #[serde(with = "time::serde::rfc3339")]
    pub recomputed_at: OffsetDateTime,
    /// The impact as it was.
    pub impact: Impact,
}

/// A change request as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangeRequest {
    /// Stable identifier.
    pub id: i64,
    /// The plan it asks to change.
    pub plan_id: i64,
    /// The number of the baseline version it was filed against.
    pub baseline_version: u32,
    /// The change asked for.
    pub change: Change,
    /// Why.
    pub reason: String,
    /// How soon a decision is needed.
    pub urgency: Urgency,
    /// Supporting evidence.
    pub evidence_ids: Vec<i64>,
    /// Who filed it, and when.
    pub filed: SignOff,
    /// Its impact, computed when filed and recomputed while it is open whenever a newer
    /// baseline is approved.
    pub impact: Impact,
    /// The baseline its impact was computed on.
    pub impact_baseline: ImpactBaseline,
    /// Why the change no longer applies to the plan's current baseline (e.g. it removes an
    /// initiative that baseline no longer has): it can then only be rejected or deferred.
    pub no_longer_applies: Option<String>,
    /// Its earlier impacts, oldest first, each with the baseline it was recomputed against.
    pub impact_history: Vec<PastImpact>,
    /// Open, accepted, rejected or deferred.
    pub status: RequestStatus,
    /// The team manager's sign-off of the decision.
    pub manager: Option<DecisionSignOff>,
    /// A team executive's sign-off of the decision.
    pub executive: Option<DecisionSignOff>,
    /// When the second sign-off completed the decision.
    #[serde(with = "time::serde::rfc3339::option")]
    pub decided_at: Option<OffsetDateTime>,
    /// The plan version the acceptance created.
    pub resulting_version: Option<u32>,
}

impl ChangeRequest {
    /// Whether it links to no evidence (shown as opinion).
    pub fn without_evidence(&self) -> bool {
        self.evidence_ids.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use time::macros::date;

    use super::*;

    fn content() -> PlanContent {
        let item = |id, target_date, scope| PlanItem { initiative_id: id, target_date, budget: 1_000, scope };
        PlanContent {
            items: vec![
                item(1, date!(2027 - 01 - 31), 10),
                item(2, date!(2027 - 02 - 28), 20),
                item(3, date!(2027 - 03 - 31), 30),
            ],
        }
    }

    fn change(value: serde_json::Value) -> Result<Change, ValidationErrors> {
        serde_json::from_value::<ChangeInput>(value).unwrap().validate()
    }

    fn ids(content: &PlanContent) -> Vec<i64> {
        content.items.iter().map(|i| i.initiative_id).collect()
    }

    #[test]
    fn each_kind_applies() {
        let base = content();
        let add = change(
            json!({"kind": "add", "initiative_id": 7, "target_date": "2027-02-01", "budget": 5, "scope": 4, "position": 1}),
        );
        assert_eq!(ids(&add.unwrap().apply(&base).unwrap()), [7, 1, 2, 3]);
        let at_end =
            change(json!({"kind": "add", "initiative_id": 7, "target_date": "2027-02-01", "budget": 5, "scope": 4}));
        let added = at_end.unwrap().apply(&base).unwrap();
        assert_eq!(ids(&added), [1, 2, 3, 7]);
        assert_eq!(
            added.items[3],
            PlanItem { initiative_id: 7, target_date: date!(2027 - 02 - 01), budget: 5, scope: 4 }
        );
        let remove = change(json!({"kind": "remove", "initiative_id": 2})).unwrap();
        assert_eq!(ids(&remove.apply(&base).unwrap()), [1, 3]);
        let move_up = change(json!({"kind": "re-prioritise", "initiative_id": 3, "position": 1})).unwrap();
        assert_eq!(move_up.kind(), ChangeKind::Reprioritise);
        assert_eq!(ids(&move_up.apply(&base).unwrap()), [3, 1, 2]);
        let redate = change(json!({"kind": "redate", "initiative_id": 1, "target_date": "2027-02-14"})).unwrap();
        assert_eq!(redate.apply(&base).unwrap().items[0].target_date, date!(2027 - 02 - 14));
        let rescope = change(json!({"kind": "rescope", "initiative_id": 2, "scope": 25})).unwrap();
        assert_eq!(rescope.apply(&base).unwrap().items[1].scope, 25);
        let rebudget = change(json!({"kind": "rebudget", "initiative_id": 3, "budget": 0})).unwrap();
        assert_eq!(rebudget.apply(&base).unwrap().items[2].budget, 0);
    }

    #[test]
    fn changes_that_do_not_fit_the_plan_are_refused() {
        let base = content();
        let refused = |value| change(value).unwrap().apply(&base).unwrap_err().summary();
        assert_eq!(
            refused(json!({"kind": "remove", "initiative_id": 9})),
            "change.initiative_id: initiative 9 is not in the plan"
        );
        assert_eq!(
            refused(json!({"kind": "add", "initiative_id": 2, "target_date": "2027-02-01", "budget": 5, "scope": 4})),
            "change.initiative_id: initiative 2 is already in the plan; ask to re-date, re-scope or re-budget it instead"
        );
        assert_eq!(
            refused(
                json!({"kind": "add", "initiative_id": 8, "target_date": "2027-02-01", "budget": 5, "scope": 4, "position": 5})
            ),
            "change.position: must be between 1 and 4 (the end of the plan)"
        );
        assert_eq!(
            refused(json!({"kind": "reprioritise", "initiative_id": 1, "position": 4})),
            "change.position: must be between 1 and 3"
        );
        assert_eq!(
            refused(json!({"kind": "reprioritise", "initiative_id": 2, "position": 2})),
            "change.position: initiative 2 is already at position 2"
        );
        assert_eq!(
            refused(json!({"kind": "redate", "initiative_id": 1, "target_date": "2027-01-31"})),
            "change.target_date: initiative 1 already has target date 2027-01-31"
        );
    }

    #[test]
    fn input_names_the_fields_a_kind_needs_or_does_not_take() {
        let errors = serde_json::from_value::<ChangeRequestInput>(json!({
            "change": {"kind": "redate", "initiative_id": 1, "budget": 5},
            "reason": "  ", "urgency": "asap", "evidence_ids": [4, 4]
        }))
        .unwrap()
        .validate()
        .unwrap_err();
        assert_eq!(
            errors.summary(),
            "change.target_date: is required for a redate change; change.budget: does not apply to a redate change; \
             reason: must not be empty; urgency: 'asap' is not one of low, normal, high; \
             evidence_ids: evidence 4 is listed twice"
        );
        assert_eq!(
            change(json!({"kind": "rename", "initiative_id": 1})).unwrap_err().summary(),
            "kind: 'rename' is not one of add, remove, reprioritise, redate, rescope, rebudget"
        );
        assert_eq!(
            change(json!({"kind": "add", "initiative_id": 1, "target_date": "soon", "budget": -2, "scope": 3, "position": 0}))
                .unwrap_err()
                .summary(),
            "target_date: 'soon' is not a date in the form YYYY-MM-DD; budget: must not be negative (got -2); \
             position: must be 1 or more (got 0)"
        );
    }

    #[test]
    fn a_valid_request_round_trips_through_json() {
        let draft = serde_json::from_value::<ChangeRequestInput>(json!({
            "change": {"kind": "add", "initiative_id": 4, "target_date": "2027-03-01", "budget": 90_000, "scope": 8, "position": 2},
            "reason": " Biggest customer asks ", "evidence_ids": [3]
        }))
        .unwrap()
        .validate()
        .unwrap();
        assert_eq!(draft.reason, "Biggest customer asks");
        assert_eq!(draft.urgency, Urgency::Normal);
        let text = draft.change.to_json();
        assert_eq!(
            text,
            r#"{"kind":"add","initiative_id":4,"target_date":"2027-03-01","budget":90000,"scope":8,"position":2}"#
        );
        assert_eq!(Change::from_json(&text).unwrap(), draft.change);
        let remove = Change::Remove { initiative_id: 2 };
        assert_eq!(remove.to_json(), r#"{"kind":"remove","initiative_id":2}"#);
        assert_eq!(Change::from_json(&remove.to_json()).unwrap(), remove);
    }

    #[test]
    fn total_delay_counts_delays_only() {
        let outlook = |p85| Outlook {
            target_date: date!(2027 - 03 - 01),
            p85: Some(p85),
            probability_by_target: 0.5,
            budget: 100,
        };
        let line = |id, delay, budget_delta| InitiativeImpact {
            initiative_id: id,
            before: Some(outlook(date!(2027 - 03 - 01))),
            after: Some(outlook(date!(2027 - 03 - 10))),
            delay_days: delay,
            budget_delta,
        };
        let impact = Impact {
            today: date!(2027 - 01 - 01),
            initiatives: vec![line(1, Some(9), 0), line(2, Some(-4), 50), line(3, None, -20), line(4, Some(3), 0)],
        };
        assert_eq!(impact.delay_days(), 12);
        assert_eq!(impact.budget_delta(), 30);
        let text = serde_json::to_string(&impact).unwrap();
        assert_eq!(serde_json::from_str::<Impact>(&text).unwrap(), impact);
    }
}
