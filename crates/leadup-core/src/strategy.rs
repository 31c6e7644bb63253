//! The workspace's mission and the objectives (company goals) with their key results.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::team::person_key;
use crate::validation::{optional_text, required_text};
use crate::{ValidationErrors, date};

/// One organisation: its name and mission statement. A database holds one workspace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Workspace {
    /// The organisation's name.
    pub name: String,
    /// The mission statement every objective serves.
    pub mission: String,
}

impl Workspace {
    /// Checks and trims a workspace as entered.
    pub fn validate(self) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let name = required_text(&mut errors, "name", &self.name, 200);
        let mission = optional_text(&mut errors, "mission", &self.mission, 2000);
        errors.into_result(|| Self { name, mission })
    }
}

/// A company goal, owned by an executive, measured by key results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Objective {
    /// Stable identifier.
    pub id: i64,
    /// Short statement of the goal.
    pub title: String,
    /// Why the goal matters.
    pub description: String,
    /// The executive who owns the goal.
    pub owner: String,
    /// How progress is measured; in display order.
    pub key_results: Vec<KeyResult>,
}

impl Objective {
    /// Mean progress of the key results, 0.0 to 1.0; `None` without key results.
    pub fn progress(&self) -> Option<f64> {
        if self.key_results.is_empty() {
            return None;
        }
        let sum: f64 = self.key_results.iter().map(KeyResult::progress).sum();
        Some(sum / self.key_results.len() as f64)
    }

    /// The input that would recreate this objective, as a starting point for a patch.
    pub fn to_input(&self) -> ObjectiveInput {
        ObjectiveInput {
            title: self.title.clone(),
            description: self.description.clone(),
            owner: self.owner.clone(),
            key_results: self.key_results.iter().map(KeyResult::to_input).collect(),
        }
    }
}

/// A measurable result: a metric moving from a baseline to a target by a due date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeyResult {
    /// What is measured, e.g. "Net revenue retention".
    pub metric: String,
    /// The unit of the values, e.g. "%", "EUR", "customers".
    pub unit: String,
    /// The value when the objective was set.
    pub baseline: f64,
    /// The value that counts as achieved.
    pub target: f64,
    /// The latest measured value.
    pub current: f64,
    /// When the target should be reached.
    #[serde(with = "date::iso_date")]
    pub due: Date,
}

impl KeyResult {
    /// Share of the way from baseline to target, clamped to 0.0..=1.0. Works for targets
    /// below the baseline too (e.g. churn going down).
    pub fn progress(&self) -> f64 {
        let span = self.target - self.baseline;
        if span == 0.0 {
            return if self.current.total_cmp(&self.target).is_ge() { 1.0 } else { 0.0 };
        }
        ((self.current - self.baseline) / span).clamp(0.0, 1.0)
    }

    fn to_input(&self) -> KeyResultInput {
        KeyResultInput {
            metric: self.metric.clone(),
            unit: self.unit.clone(),
            baseline: self.baseline,
            target: self.target,
            current: Some(self.current),
            due: date::format(self.due),
        }
    }
}

/// An objective as entered, before validation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectiveInput {
    /// See [`Objective::title`].
    pub title: String,
    /// See [`Objective::description`].
    #[serde(default)]
    pub description: String,
    /// See [`Objective::owner`].
    pub owner: String,
    /// See [`Objective::key_results`].
    #[serde(default)]
    pub key_results: Vec<KeyResultInput>,
}

/// A key result as entered, before validation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyResultInput {
    /// See [`KeyResult::metric`].
    pub metric: String,
    /// See [`KeyResult::unit`].
    #[serde(default)]
    pub unit: String,
    /// See [`KeyResult::baseline`].
    pub baseline: f64,
    /// See [`KeyResult::target`].
    pub target: f64,
    /// See [`KeyResult::current`]; the baseline when omitted.
    #[serde(default)]
    pub current: Option<f64>,
    /// See [`KeyResult::due`], as `YYYY-MM-DD`.
    pub due: String,
}

/// A validated objective, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectiveDraft {
    /// See [`Objective::title`].
    pub title: String,
    /// See [`Objective::description`].
    pub description: String,
    /// See [`Objective::owner`].
    pub owner: String,
    /// See [`Objective::key_results`].
    pub key_results: Vec<KeyResult>,
}

impl ObjectiveInput {
    /// Checks every field and names each one that is invalid.
    pub fn validate(self) -> Result<ObjectiveDraft, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let title = required_text(&mut errors, "title", &self.title, 200);
        let description = optional_text(&mut errors, "description", &self.description, 4000);
        let owner = required_text(&mut errors, "owner", &self.owner, 200);
        let mut key_results = Vec::with_capacity(self.key_results.len());
        let mut metrics: Vec<String> = Vec::with_capacity(self.key_results.len());
        for (i, kr) in self.key_results.into_iter().enumerate() {
            let field = |name: &str| format!("key_results[{i}].{name}");
            let metric = required_text(&mut errors, &field("metric"), &kr.metric, 200);
            // A key result's history follows its metric (see `carry_history`), so two key
            // results of one objective cannot share one.
            let key = person_key(&metric);
            if let Some(first) = metrics.iter().position(|seen| *seen == key).filter(|_| !key.is_empty()) {
                errors.add(field("metric"), format!("is already the metric of key result {}", first + 1));
            }
            metrics.push(key);
            let unit = optional_text(&mut errors, &field("unit"), &kr.unit, 40);
            let current = kr.current.unwrap_or(kr.baseline);
            for (name, value) in [("baseline", kr.baseline), ("target", kr.target), ("current", current)] {
                if !value.is_finite() {
                    errors.add(field(name), "must be a finite number");
                }
            }
            if kr.baseline.total_cmp(&kr.target).is_eq() {
                errors.add(field("target"), "must differ from the baseline");
            }
            let due = date::parse_field(&mut errors, &field("due"), &kr.due);
            if let Some(due) = due {
                key_results.push(KeyResult { metric, unit, baseline: kr.baseline, target: kr.target, current, due });
            }
        }
        errors.into_result(|| ObjectiveDraft { title, description, owner, key_results })
    }
}

/// Changes to an objective; absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectivePatch {
    /// New title.
    pub title: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New owner.
    pub owner: Option<String>,
    /// Replaces all key results.
    pub key_results: Option<Vec<KeyResultInput>>,
}

impl ObjectivePatch {
    /// Applies the changes to `input`.
    pub fn apply(self, input: &mut ObjectiveInput) {
        if let Some(v) = self.title {
            input.title = v;
        }
        if let Some(v) = self.description {
            input.description = v;
        }
        if let Some(v) = self.owner {
            input.owner = v;
        }
        if let Some(v) = self.key_results {
            input.key_results = v;
        }
    }
}

/// One measured value of a key result, kept as its history.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Measurement {
    /// The day the value was measured.
    #[serde(with = "date::iso_date")]
    pub on: Date,
    /// The value, in the key result's unit.
    pub value: f64,
}

/// A key result's value as entered, before validation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeasurementInput {
    /// See [`Measurement::value`].
    pub value: f64,
    /// See [`Measurement::on`], as `YYYY-MM-DD`; today when omitted.
    #[serde(default)]
    pub on: Option<String>,
}

impl MeasurementInput {
    /// Checks the value (a finite number) and the day (not after `today`), naming each bad field.
    pub fn validate(self, today: Date) -> Result<Measurement, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        if !self.value.is_finite() {
            errors.add("value", "must be a finite number");
        }
        let on = match self.on.as_deref().map(str::trim).filter(|on| !on.is_empty()) {
            None => Some(today),
            Some(text) => date::parse_field(&mut errors, "on", text),
        };
        if let Some(on) = on.filter(|on| *on > today) {
            errors.add(
                "on",
                format!(
                    "{} is after today ({}): record a value once it is measured",
                    date::format(on),
                    date::format(today)
                ),
            );
        }
        errors.into_result(|| Measurement { on: on.unwrap_or(today), value: self.value })
    }
}

/// Where the history of each old key result goes when an objective's key results are replaced
/// by `new` (their metrics, in order): to the new key result of the same metric (case and
/// spacing aside), else, when the metric at the same position is new, to that position (a
/// metric renamed in place keeps its history); otherwise nowhere (the key result was removed).
pub fn carry_history(old: &[String], new: &[String]) -> Vec<Option<usize>> {
    let old_keys: Vec<String> = old.iter().map(|m| person_key(m)).collect();
    let new_keys: Vec<String> = new.iter().map(|m| person_key(m)).collect();
    old_keys
        .iter()
        .enumerate()
        .map(|(at, key)| {
            new_keys
                .iter()
                .position(|k| k == key)
                .or_else(|| new_keys.get(at).filter(|renamed| !old_keys.contains(renamed)).map(|_| at))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn kr(baseline: f64, target: f64, current: f64) -> KeyResult {
        KeyResult { metric: "m".into(), unit: "%".into(), baseline, target, current, due: date!(2026 - 12 - 31) }
    }

    #[test]
    fn progress_runs_from_baseline_to_target() {
        assert!((kr(10.0, 20.0, 15.0).progress() - 0.5).abs() < 1e-12);
        assert!((kr(8.0, 4.0, 7.0).progress() - 0.25).abs() < 1e-12, "a falling target counts down");
        assert!((kr(10.0, 20.0, 25.0).progress() - 1.0).abs() < 1e-12, "overshoot is clamped");
        assert!(kr(10.0, 20.0, 5.0).progress().abs() < 1e-12, "regression is clamped");
    }

    #[test]
    fn objective_progress_is_mean_of_key_results() {
        let objective = Objective {
            id: 1,
            title: "t".into(),
            description: String::new(),
            owner: "o".into(),
            key_results: vec![kr(0.0, 10.0, 10.0), kr(0.0, 10.0, 5.0)],
        };
        assert!((objective.progress().unwrap() - 0.75).abs() < 1e-12);
        assert_eq!(Objective { key_results: vec![], ..objective }.progress(), None);
    }

    #[test]
    fn validation_names_nested_fields() {
        let input: ObjectiveInput = serde_json::from_value(serde_json::json!({
            "title": " Grow ",
            "owner": "",
            "key_results": [
                {"metric": "ARR", "unit": "EUR", "baseline": 1, "target": 2, "due": "2026-12-31"},
                {"metric": "", "baseline": 3, "target": 3, "due": "soon"}
            ]
        }))
        .unwrap();
        let errors = input.validate().unwrap_err();
        assert_eq!(
            errors.summary(),
            "owner: must not be empty; key_results[1].metric: must not be empty; \
             key_results[1].target: must differ from the baseline; \
             key_results[1].due: 'soon' is not a date in the form YYYY-MM-DD"
        );
    }

    #[test]
    fn patch_then_validate_keeps_untouched_fields() {
        let objective = Objective {
            id: 7,
            title: "Grow".into(),
            description: "d".into(),
            owner: "Ada".into(),
            key_results: vec![kr(1.0, 2.0, 1.5)],
        };
        let mut input = objective.to_input();
        ObjectivePatch { title: Some("Grow faster".into()), ..ObjectivePatch::default() }.apply(&mut input);
        let draft = input.validate().unwrap();
        assert_eq!(draft.title, "Grow faster");
        assert_eq!(draft.owner, "Ada");
        assert_eq!(draft.key_results, objective.key_results);
    }
    #[test]
    fn a_metric_is_not_given_twice() {
        let input: ObjectiveInput = serde_json::from_value(serde_json::json!({
            "title": "Grow", "owner": "Ada",
            "key_results": [
                {"metric": "ARR", "baseline": 1, "target": 2, "due": "2026-12-31"},
                {"metric": " arr ", "baseline": 3, "target": 4, "due": "2026-12-31"}
            ]
        }))
        .unwrap();
        assert_eq!(
            input.validate().unwrap_err().summary(),
            "key_results[1].metric: is already the metric of key result 1"
        );
    }

    #[test]
    fn measurements_are_checked_against_today() {
        let today = date!(2026 - 12 - 04);
        let ok = MeasurementInput { value: 12.5, on: None }.validate(today).unwrap();
        assert_eq!(ok, Measurement { on: today, value: 12.5 });
        let back = MeasurementInput { value: 3.0, on: Some("2026-11-01".into()) }.validate(today).unwrap();
        assert_eq!(back.on, date!(2026 - 11 - 01));
        let bad = MeasurementInput { value: f64::NAN, on: Some("2026-12-05".into()) }.validate(today).unwrap_err();
        assert_eq!(
            bad.summary(),
            "value: must be a finite number; on: 2026-12-05 is after today (2026-12-04): record a value once it is measured"
        );
        let unreadable = MeasurementInput { value: 1.0, on: Some("yesterday".into()) }.validate(today).unwrap_err();
        assert_eq!(unreadable.0[0].field, "on");
    }

    #[test]
    fn history_follows_the_metric_or_a_rename_in_place() {
        let names = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        // Unchanged.
        assert_eq!(carry_history(&names(&["A", "B"]), &names(&["A", "B"])), vec![Some(0), Some(1)]);
        // The first removed: B moves up, A's history goes.
        assert_eq!(carry_history(&names(&["A", "B"]), &names(&["B"])), vec![None, Some(0)]);
        // Reordered, case aside.
        assert_eq!(carry_history(&names(&["A", "B"]), &names(&["b", "a"])), vec![Some(1), Some(0)]);
        // B renamed in place to C keeps its history; a new key result appended starts empty.
        assert_eq!(carry_history(&names(&["A", "B"]), &names(&["A", "C", "D"])), vec![Some(0), Some(1)]);
        // The position now holds another old metric: no carry-over.
        assert_eq!(carry_history(&names(&["A", "B"]), &names(&["B", "A2"])), vec![None, Some(0)]);
    }
}
