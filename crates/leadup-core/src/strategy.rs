//! The workspace's mission and the objectives (company goals) with their key results.

use serde::{Deserialize, Serialize};
use time::Date;

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
        for (i, kr) in self.key_results.into_iter().enumerate() {
            let field = |name: &str| format!("key_results[{i}].{name}");
            let metric = required_text(&mut errors, &field("metric"), &kr.metric, 200);
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
}
