//! Showing the team's process: the process document its manager writes (how priorities are
//! decided, the definition of done, the cadence, how to ask for a change), kept as versions,
//! and the decision log's entries.
//!
//! The priorities method and weights are the ranking's own (`priority::Method`,
//! `priority::Weights`): the document records which the team uses, and the process page links
//! to the priorities page ranked that way, so the document cannot describe a method leadup
//! does not apply.
//!
//! The decision log is assembled elsewhere (`leadup_app::process`) from the records that
//! already hold each decision (plan decisions, change-request sign-offs, proposal moves);
//! only decisions made outside leadup are stored, as [`DecisionInput`].

use serde::{Deserialize, Serialize};
use time::Date;

use crate::ValidationErrors;
use crate::date;
use crate::priority::{Method, Weights};
use crate::validation::{optional_text, required_text};

/// The longest section of the process document, in characters.
pub const MAX_SECTION_CHARS: usize = 8000;

/// The process document as entered.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcessInput {
    /// The ranking method: `rice` or `value_effort`.
    pub priority_method: String,
    /// The what-if weights the team ranks with (each 0 to 3, 1 when not given).
    #[serde(default)]
    pub weight_reach: Option<f64>,
    /// Weight of impact.
    #[serde(default)]
    pub weight_impact: Option<f64>,
    /// Weight of confidence.
    #[serde(default)]
    pub weight_confidence: Option<f64>,
    /// Weight of effort.
    #[serde(default)]
    pub weight_effort: Option<f64>,
    /// How priorities are decided, in words.
    #[serde(default)]
    pub priorities: String,
    /// When a piece of work counts as done.
    pub definition_of_done: String,
    /// The team's rhythm: planning, reviews, releases.
    pub cadence: String,
    /// How to ask the team for a change.
    pub change_requests: String,
}

/// A checked process document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Process {
    /// The ranking method.
    pub priority_method: Method,
    /// The ranking's weights.
    pub weights: Weights,
    /// How priorities are decided, in words.
    pub priorities: String,
    /// When a piece of work counts as done.
    pub definition_of_done: String,
    /// The team's rhythm.
    pub cadence: String,
    /// How to ask the team for a change.
    pub change_requests: String,
}

impl ProcessInput {
    /// Checks every field, naming each bad one.
    pub fn validate(&self) -> Result<Process, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let method = Method::parse(self.priority_method.trim());
        if method.is_none() {
            errors.add("priority_method", format!("'{}' is not rice or value_effort", self.priority_method));
        }
        let weights =
            match Weights::new(self.weight_reach, self.weight_impact, self.weight_confidence, self.weight_effort) {
                Ok(weights) => Some(weights),
                Err(bad) => {
                    errors.0.extend(bad.0.into_iter().map(|mut e| {
                        e.field = format!("weight_{}", e.field);
                        e
                    }));
                    None
                }
            };
        let priorities = optional_text(&mut errors, "priorities", &self.priorities, MAX_SECTION_CHARS);
        let definition_of_done =
            required_text(&mut errors, "definition_of_done", &self.definition_of_done, MAX_SECTION_CHARS);
        let cadence = required_text(&mut errors, "cadence", &self.cadence, MAX_SECTION_CHARS);
        let change_requests = required_text(&mut errors, "change_requests", &self.change_requests, MAX_SECTION_CHARS);
        errors.into_result(|| Process {
            priority_method: method.expect("no error means a method"),
            weights: weights.expect("no error means weights"),
            priorities,
            definition_of_done,
            cadence,
            change_requests,
        })
    }
}

impl Process {
    /// The method's name as stored and typed.
    pub fn method_name(&self) -> &'static str {
        match self.priority_method {
            Method::Rice => "rice",
            Method::ValueEffort => "value_effort",
        }
    }
}

/// One saved version of a team's process document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProcessVersion {
    /// The team.
    pub team_id: i64,
    /// 1 for the first save, one more for each later one.
    pub version: u32,
    /// The document.
    pub process: Process,
    /// The manager who saved it.
    pub saved_by: i64,
    /// When (Unix seconds).
    pub saved_at: i64,
}

/// The longest text of a decision's fields, in characters.
pub const MAX_DECISION_CHARS: usize = 4000;

/// A decision made outside leadup, added to the log by hand.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    /// When it was decided, `YYYY-MM-DD`.
    pub decided_on: String,
    /// What was decided.
    pub title: String,
    /// The options considered.
    #[serde(default)]
    pub options: Vec<String>,
    /// The evidence cited, by id.
    #[serde(default)]
    pub evidence_ids: Vec<i64>,
    /// Who decided (a name or names).
    pub decided_by: String,
    /// Why.
    pub reason: String,
}

/// A checked hand-added decision.
#[derive(Debug, Clone, PartialEq)]
pub struct DecisionDraft {
    /// When.
    pub decided_on: Date,
    /// What.
    pub title: String,
    /// The options considered, without empty ones.
    pub options: Vec<String>,
    /// The evidence cited, each once.
    pub evidence_ids: Vec<i64>,
    /// Who decided.
    pub decided_by: String,
    /// Why.
    pub reason: String,
}

impl DecisionInput {
    /// Checks every field, naming each bad one; a decision dated after `today` is refused.
    pub fn validate(&self, today: Date) -> Result<DecisionDraft, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let decided_on = date::parse_field(&mut errors, "decided_on", &self.decided_on);
        if let Some(on) = decided_on
            && on > today
        {
            errors.add("decided_on", format!("{} is in the future: log a decision once made", date::format(on)));
        }
        let title = required_text(&mut errors, "title", &self.title, 200);
        let options: Vec<String> = self
            .options
            .iter()
            .enumerate()
            .map(|(i, o)| optional_text(&mut errors, &format!("options[{i}]"), o, 500))
            .filter(|o| !o.is_empty())
            .collect();
        let mut evidence_ids: Vec<i64> = Vec::new();
        for &id in &self.evidence_ids {
            if !evidence_ids.contains(&id) {
                evidence_ids.push(id);
            }
        }
        let decided_by = required_text(&mut errors, "decided_by", &self.decided_by, 200);
        let reason = required_text(&mut errors, "reason", &self.reason, MAX_DECISION_CHARS);
        errors.into_result(|| DecisionDraft {
            decided_on: decided_on.expect("no error means a date"),
            title,
            options,
            evidence_ids,
            decided_by,
            reason,
        })
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    fn process() -> ProcessInput {
        ProcessInput {
            priority_method: "rice".into(),
            weight_confidence: Some(2.0),
            definition_of_done: "Released to all customers".into(),
            cadence: "Two-week cycles".into(),
            change_requests: "File a change request".into(),
            ..ProcessInput::default()
        }
    }

    #[test]
    fn a_process_reads_its_method_and_weights() {
        let process = process().validate().unwrap();
        assert_eq!(process.priority_method, Method::Rice);
        assert!((process.weights.confidence - 2.0).abs() < f64::EPSILON, "{:?}", process.weights);
        assert!((process.weights.reach - 1.0).abs() < f64::EPSILON, "{:?}", process.weights);
    }

    #[test]
    fn bad_process_fields_are_named() {
        let bad =
            ProcessInput { priority_method: "gut".into(), weight_effort: Some(4.0), cadence: " ".into(), ..process() };
        let errors = bad.validate().unwrap_err();
        assert_eq!(
            errors.summary(),
            "priority_method: 'gut' is not rice or value_effort; weight_effort: must be between 0 and 3; \
             cadence: must not be empty"
        );
    }

    #[test]
    fn decisions_need_a_past_date_a_reason_and_who() {
        let bad =
            DecisionInput { decided_on: "2026-12-05".into(), title: "Pick a vendor".into(), ..Default::default() };
        let errors = bad.validate(date!(2026 - 12 - 04)).unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["decided_on", "decided_by", "reason"]);
        let good = DecisionInput {
            decided_on: "2026-12-04".into(),
            title: "Pick a vendor".into(),
            options: vec!["Stripe".into(), " ".into(), "Adyen".into()],
            evidence_ids: vec![3, 3, 4],
            decided_by: "Ana".into(),
            reason: "Fees".into(),
        };
        let draft = good.validate(date!(2026 - 12 - 04)).unwrap();
        assert_eq!(draft.options, ["Stripe", "Adyen"]);
        assert_eq!(draft.evidence_ids, [3, 4]);
    }
}
