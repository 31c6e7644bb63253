//! Initiatives: a team's roadmap items, the outcome they aim for and the objectives they serve.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};
use time::Date;

use crate::money::{Currency, Money, check_budget};
use crate::roadmap::Quarter;
use crate::validation::{optional_text, required_text};
use crate::{ValidationErrors, date};

/// Where an initiative sits on a Now / Next / Later roadmap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Horizon {
    /// Being worked on this quarter.
    Now,
    /// Up next, once capacity frees up.
    Next,
    /// Further out; direction rather than commitment.
    Later,
}

impl Horizon {
    /// All horizons in roadmap order.
    pub const ALL: [Self; 3] = [Self::Now, Self::Next, Self::Later];

    /// The lower-case name used in the API and the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Now => "now",
            Self::Next => "next",
            Self::Later => "later",
        }
    }

    /// Parses `now`, `next` or `later`, in any case.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|h| h.as_str().eq_ignore_ascii_case(value.trim()))
    }
}

impl fmt::Display for Horizon {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An initiative's life cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Suggested, not yet agreed.
    Proposed,
    /// Agreed and scheduled.
    Planned,
    /// Work has started.
    InProgress,
    /// Delivered.
    Done,
    /// Stopped without delivering.
    Dropped,
}

impl Status {
    /// All statuses in life-cycle order.
    pub const ALL: [Self; 5] = [Self::Proposed, Self::Planned, Self::InProgress, Self::Done, Self::Dropped];

    /// The snake-case name used in the API and the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Proposed => "proposed",
            Self::Planned => "planned",
            Self::InProgress => "in_progress",
            Self::Done => "done",
            Self::Dropped => "dropped",
        }
    }

    /// The name shown to people, e.g. "in progress".
    pub fn label(self) -> &'static str {
        match self {
            Self::InProgress => "in progress",
            other => other.as_str(),
        }
    }

    /// Parses a status; `in progress`, `in-progress` and `in_progress` are all accepted.
    pub fn parse(value: &str) -> Option<Self> {
        let normal = value.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        Self::ALL.into_iter().find(|s| s.as_str() == normal)
    }

    /// Whether the initiative is still open (neither done nor dropped).
    pub fn is_open(self) -> bool {
        !matches!(self, Self::Done | Self::Dropped)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The dates an initiative is aimed at: start and end, end not before start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TargetWindow {
    /// First day of the window.
    #[serde(with = "date::iso_date")]
    pub start: Date,
    /// Last day of the window (the target date).
    #[serde(with = "date::iso_date")]
    pub end: Date,
}

/// A roadmap item of one team. Serialises in the same shape as [`InitiativeInput`], plus
/// its `id`, so what the API returns can be sent back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Initiative {
    /// Stable identifier.
    pub id: i64,
    /// The team that delivers it.
    pub team_id: i64,
    /// Short name.
    pub title: String,
    /// The change in the world it aims for.
    pub outcome: String,
    /// The objectives it serves; empty means unaligned.
    pub objective_ids: Vec<i64>,
    /// Now, next or later, when set explicitly.
    pub horizon: Option<Horizon>,
    /// The target window, when dated.
    pub window: Option<TargetWindow>,
    /// Life-cycle status.
    pub status: Status,
    /// Planned budget in minor units of `currency`.
    pub budget_planned: i64,
    /// Budget spent so far in minor units of `currency`.
    pub budget_actual: i64,
    /// The currency of both budget amounts.
    pub currency: Currency,
}

impl Initiative {
    /// The planned budget as money.
    pub fn planned(&self) -> Money {
        Money { minor: self.budget_planned, currency: self.currency.clone() }
    }

    /// The spent budget as money.
    pub fn actual(&self) -> Money {
        Money { minor: self.budget_actual, currency: self.currency.clone() }
    }

    /// Whether spending has gone past the planned budget.
    pub fn over_budget(&self) -> bool {
        self.budget_actual > self.budget_planned
    }

    /// The explicit horizon, or one derived from the target window as seen on `today`:
    /// a window starting by the end of this quarter is now, in the next quarter next,
    /// anything later later.
    pub fn horizon_on(&self, today: Date) -> Horizon {
        if let Some(horizon) = self.horizon {
            return horizon;
        }
        let this_quarter = Quarter::containing(today);
        match self.window {
            Some(w) if w.start <= this_quarter.last_day() => Horizon::Now,
            Some(w) if w.start <= this_quarter.next().last_day() => Horizon::Next,
            _ => Horizon::Later,
        }
    }

    /// The input that would recreate this initiative, as a starting point for a patch.
    pub fn to_input(&self) -> InitiativeInput {
        InitiativeInput {
            title: self.title.clone(),
            outcome: self.outcome.clone(),
            team_id: self.team_id,
            objective_ids: self.objective_ids.clone(),
            horizon: self.horizon.map(|h| h.as_str().to_owned()),
            target_start: self.window.map(|w| date::format(w.start)),
            target_end: self.window.map(|w| date::format(w.end)),
            status: self.status.as_str().to_owned(),
            budget_planned: self.budget_planned,
            budget_actual: self.budget_actual,
            currency: self.currency.as_str().to_owned(),
        }
    }
}

impl Serialize for Initiative {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Shape<'a> {
            id: i64,
            #[serde(flatten)]
            input: &'a InitiativeInput,
        }
        Shape { id: self.id, input: &self.to_input() }.serialize(serializer)
    }
}

fn default_status() -> String {
    Status::Proposed.as_str().to_owned()
}

/// The currency used when none is given.
pub const DEFAULT_CURRENCY: &str = "EUR";

fn default_currency() -> String {
    DEFAULT_CURRENCY.to_owned()
}

/// An initiative as entered, before validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InitiativeInput {
    /// See [`Initiative::title`].
    pub title: String,
    /// See [`Initiative::outcome`].
    #[serde(default)]
    pub outcome: String,
    /// See [`Initiative::team_id`].
    pub team_id: i64,
    /// See [`Initiative::objective_ids`].
    #[serde(default)]
    pub objective_ids: Vec<i64>,
    /// `now`, `next` or `later`.
    #[serde(default)]
    pub horizon: Option<String>,
    /// First day of the target window, `YYYY-MM-DD`.
    #[serde(default)]
    pub target_start: Option<String>,
    /// Last day of the target window, `YYYY-MM-DD`.
    #[serde(default)]
    pub target_end: Option<String>,
    /// See [`Status`]; `proposed` when omitted.
    #[serde(default = "default_status")]
    pub status: String,
    /// Planned budget in minor units.
    #[serde(default)]
    pub budget_planned: i64,
    /// Spent budget in minor units.
    #[serde(default)]
    pub budget_actual: i64,
    /// ISO 4217 code; `EUR` when omitted.
    #[serde(default = "default_currency")]
    pub currency: String,
}

/// A validated initiative, ready to store. References (team, objectives) are checked by
/// the store, which alone knows what exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitiativeDraft {
    /// See [`Initiative::title`].
    pub title: String,
    /// See [`Initiative::outcome`].
    pub outcome: String,
    /// See [`Initiative::team_id`].
    pub team_id: i64,
    /// See [`Initiative::objective_ids`]; no duplicates.
    pub objective_ids: Vec<i64>,
    /// See [`Initiative::horizon`].
    pub horizon: Option<Horizon>,
    /// See [`Initiative::window`].
    pub window: Option<TargetWindow>,
    /// See [`Initiative::status`].
    pub status: Status,
    /// See [`Initiative::budget_planned`].
    pub budget_planned: i64,
    /// See [`Initiative::budget_actual`].
    pub budget_actual: i64,
    /// See [`Initiative::currency`].
    pub currency: Currency,
}

impl InitiativeInput {
    /// Checks every field and names each one that is invalid.
    pub fn validate(self) -> Result<InitiativeDraft, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let title = required_text(&mut errors, "title", &self.title, 200);
        let outcome = optional_text(&mut errors, "outcome", &self.outcome, 4000);
        let mut objective_ids: Vec<i64> = Vec::with_capacity(self.objective_ids.len());
        for id in self.objective_ids {
            if objective_ids.contains(&id) {
                errors.add("objective_ids", format!("objective {id} is listed twice"));
            }
            objective_ids.push(id);
        }
        let horizon = self.horizon.as_deref().filter(|h| !h.trim().is_empty()).and_then(|h| {
            let parsed = Horizon::parse(h);
            if parsed.is_none() {
                errors.add("horizon", format!("'{h}' is not one of now, next, later"));
            }
            parsed
        });
        let window = window(&mut errors, self.target_start.as_deref(), self.target_end.as_deref());
        if self.horizon.as_deref().is_none_or(|h| h.trim().is_empty())
            && self.target_start.is_none()
            && self.target_end.is_none()
        {
            errors.add("horizon", "give a horizon (now, next, later) or a target window");
        }
        let status = Status::parse(&self.status).unwrap_or_else(|| {
            errors.add(
                "status",
                format!("'{}' is not one of proposed, planned, in_progress, done, dropped", self.status),
            );
            Status::Proposed
        });
        check_budget(&mut errors, "budget_planned", self.budget_planned);
        check_budget(&mut errors, "budget_actual", self.budget_actual);
        let currency = Currency::parse_field(&mut errors, "currency", &self.currency);
        errors.into_result(|| InitiativeDraft {
            title,
            outcome,
            team_id: self.team_id,
            objective_ids,
            horizon,
            window,
            status,
            budget_planned: self.budget_planned,
            budget_actual: self.budget_actual,
            currency,
        })
    }
}

fn window(errors: &mut ValidationErrors, start: Option<&str>, end: Option<&str>) -> Option<TargetWindow> {
    match (start, end) {
        (None, None) => None,
        (Some(_), None) => {
            errors.add("target_end", "is required when target_start is given");
            None
        }
        (None, Some(_)) => {
            errors.add("target_start", "is required when target_end is given");
            None
        }
        (Some(start), Some(end)) => {
            let start = date::parse_field(errors, "target_start", start);
            let end = date::parse_field(errors, "target_end", end);
            let (start, end) = (start?, end?);
            if end < start {
                errors
                    .add("target_end", format!("{} is before target_start {}", date::format(end), date::format(start)));
                return None;
            }
            Some(TargetWindow { start, end })
        }
    }
}

/// Changes to an initiative; absent fields stay as they are, and `null` clears the
/// optional ones (horizon, target window).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(clippy::option_option)] // absent versus null is the point of a patch
pub struct InitiativePatch {
    /// New title.
    pub title: Option<String>,
    /// New outcome.
    pub outcome: Option<String>,
    /// Moves the initiative to another team.
    pub team_id: Option<i64>,
    /// Replaces the objectives served.
    pub objective_ids: Option<Vec<i64>>,
    /// New horizon; `Some(None)` clears it.
    #[serde(default, deserialize_with = "nullable")]
    pub horizon: Option<Option<String>>,
    /// New window start; `Some(None)` clears it.
    #[serde(default, deserialize_with = "nullable")]
    pub target_start: Option<Option<String>>,
    /// New window end; `Some(None)` clears it.
    #[serde(default, deserialize_with = "nullable")]
    pub target_end: Option<Option<String>>,
    /// New status.
    pub status: Option<String>,
    /// New planned budget.
    pub budget_planned: Option<i64>,
    /// New spent budget.
    pub budget_actual: Option<i64>,
    /// New currency.
    pub currency: Option<String>,
}

/// Distinguishes a field that is `null` (`Some(None)`) from one that is absent (`None`).
#[allow(clippy::option_option)] // absent versus null is the point of a patch
pub(crate) fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

impl InitiativePatch {
    /// Applies the changes to `input`.
    pub fn apply(self, input: &mut InitiativeInput) {
        if let Some(v) = self.title {
            input.title = v;
        }
        if let Some(v) = self.outcome {
            input.outcome = v;
        }
        if let Some(v) = self.team_id {
            input.team_id = v;
        }
        if let Some(v) = self.objective_ids {
            input.objective_ids = v;
        }
        if let Some(v) = self.horizon {
            input.horizon = v;
        }
        if let Some(v) = self.target_start {
            input.target_start = v;
        }
        if let Some(v) = self.target_end {
            input.target_end = v;
        }
        if let Some(v) = self.status {
            input.status = v;
        }
        if let Some(v) = self.budget_planned {
            input.budget_planned = v;
        }
        if let Some(v) = self.budget_actual {
            input.budget_actual = v;
        }
        if let Some(v) = self.currency {
            input.currency = v;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::date;

    fn input(value: serde_json::Value) -> InitiativeInput {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn defaults_fill_the_optional_fields() {
        let draft = input(json!({"title": "Faster checkout", "team_id": 1, "horizon": "NOW"})).validate().unwrap();
        assert_eq!(draft.status, Status::Proposed);
        assert_eq!(draft.horizon, Some(Horizon::Now));
        assert_eq!(draft.currency.as_str(), "EUR");
        assert_eq!(draft.window, None);
    }

    #[test]
    fn every_bad_field_is_named() {
        let errors = input(json!({
            "title": "", "team_id": 1, "objective_ids": [3, 3],
            "target_start": "2026-06-30", "target_end": "2026-04-01",
            "status": "finished", "budget_planned": -5, "currency": "euro"
        }))
        .validate()
        .unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["title", "objective_ids", "target_end", "status", "budget_planned", "currency"]);
        assert_eq!(errors.0[2].message, "2026-04-01 is before target_start 2026-06-30");
        assert_eq!(errors.0[4].message, "must not be negative (got -5)");
    }

    #[test]
    fn a_horizon_or_a_window_is_required() {
        let errors = input(json!({"title": "x", "team_id": 1})).validate().unwrap_err();
        assert_eq!(errors.summary(), "horizon: give a horizon (now, next, later) or a target window");
        let errors = input(json!({"title": "x", "team_id": 1, "target_start": "2026-01-01"})).validate().unwrap_err();
        assert_eq!(errors.summary(), "target_end: is required when target_start is given");
    }

    #[test]
    fn patch_distinguishes_null_from_absent() {
        let mut i = input(json!({"title": "x", "team_id": 1, "horizon": "next",
            "target_start": "2026-01-01", "target_end": "2026-03-31"}));
        let patch: InitiativePatch = serde_json::from_value(json!({"horizon": null, "status": "in progress"})).unwrap();
        patch.apply(&mut i);
        let draft = i.validate().unwrap();
        assert_eq!(draft.horizon, None);
        assert_eq!(draft.status, Status::InProgress);
        assert_eq!(draft.window, Some(TargetWindow { start: date!(2026 - 01 - 01), end: date!(2026 - 03 - 31) }));
    }

    #[test]
    fn horizon_is_derived_from_the_window_when_not_set() {
        let mut i = Initiative {
            id: 1,
            team_id: 1,
            title: "x".into(),
            outcome: String::new(),
            objective_ids: vec![],
            horizon: None,
            window: Some(TargetWindow { start: date!(2026 - 12 - 01), end: date!(2027 - 02 - 01) }),
            status: Status::Planned,
            budget_planned: 0,
            budget_actual: 0,
            currency: Currency::parse("EUR").unwrap(),
        };
        let today = date!(2026 - 11 - 22);
        assert_eq!(i.horizon_on(today), Horizon::Now);
        i.window = Some(TargetWindow { start: date!(2027 - 03 - 31), end: date!(2027 - 05 - 01) });
        assert_eq!(i.horizon_on(today), Horizon::Next);
        i.window = Some(TargetWindow { start: date!(2027 - 04 - 01), end: date!(2027 - 05 - 01) });
        assert_eq!(i.horizon_on(today), Horizon::Later);
        i.horizon = Some(Horizon::Now);
        assert_eq!(i.horizon_on(today), Horizon::Now, "an explicit horizon wins");
    }
}
