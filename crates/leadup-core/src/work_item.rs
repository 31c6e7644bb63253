//! Work items: the tickets a team's tracker holds (Jira, GitHub, a CSV export), reduced to
//! what flow metrics and forecasts need.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Where a work item is in its life, whatever the tracker calls its statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusCategory {
    /// Not started.
    ToDo,
    /// Started, not finished.
    InProgress,
    /// Finished (resolved, closed, merged, done).
    Done,
}

impl StatusCategory {
    /// The snake-case name used in the API, the CLI and storage.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ToDo => "to_do",
            Self::InProgress => "in_progress",
            Self::Done => "done",
        }
    }

    /// Parses `to_do`, `in_progress` or `done` (spaces and hyphens allowed, any case).
    pub fn parse(value: &str) -> Option<Self> {
        let normal = value.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        [Self::ToDo, Self::InProgress, Self::Done].into_iter().find(|c| c.as_str() == normal)
    }

    /// The category implied by the timestamps alone: done once finished, in progress once
    /// started, otherwise to do.
    pub fn from_times(started: Option<OffsetDateTime>, done: Option<OffsetDateTime>) -> Self {
        match (started, done) {
            (_, Some(_)) => Self::Done,
            (Some(_), None) => Self::InProgress,
            (None, None) => Self::ToDo,
        }
    }
}

/// One item of a team's work, as imported from its tracker. The key is unique within a
/// team; importing the same key again updates the item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkItem {
    /// The tracker's key, e.g. `PAY-123` or `#42`.
    pub key: String,
    /// The summary line; may be empty when the export has none.
    pub title: String,
    /// The tracker's issue type, e.g. "Bug", "Story"; empty when unknown.
    pub kind: String,
    /// The tracker's own status name, e.g. "In Review".
    pub status: String,
    /// The status mapped onto to do / in progress / done.
    pub category: StatusCategory,
    /// When the item was created.
    #[serde(with = "time::serde::rfc3339::option")]
    pub created: Option<OffsetDateTime>,
    /// When work on it started.
    #[serde(with = "time::serde::rfc3339::option")]
    pub started: Option<OffsetDateTime>,
    /// When it was finished.
    #[serde(with = "time::serde::rfc3339::option")]
    pub done: Option<OffsetDateTime>,
    /// Story points or another size estimate.
    pub estimate: Option<f64>,
    /// The parent or epic key.
    pub parent: Option<String>,
    /// Labels, in the tracker's order.
    pub labels: Vec<String>,
    /// The milestone or fix version.
    pub milestone: Option<String>,
}

/// What an attach rule looks at on a work item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    /// The item's parent or epic key.
    Parent,
    /// One of the item's labels.
    Label,
    /// The item's milestone or fix version.
    Milestone,
    /// The item's own key.
    Key,
}

impl RuleKind {
    /// Every kind, in display order.
    pub const ALL: [Self; 4] = [Self::Parent, Self::Label, Self::Milestone, Self::Key];

    /// The snake-case name used in the API, the CLI and storage.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Parent => "parent",
            Self::Label => "label",
            Self::Milestone => "milestone",
            Self::Key => "key",
        }
    }

    /// Parses `parent`, `label`, `milestone` or `key`.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == value)
    }
}

/// A rule, kept per initiative, that attaches the team's work items to it: every item whose
/// parent, label, milestone or key equals `value` (exactly, case-sensitive) belongs to the
/// initiative. An initiative's items are those matching any of its rules.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AttachRule {
    /// What the rule looks at.
    pub kind: RuleKind,
    /// The value it must equal.
    pub value: String,
}

impl AttachRule {
    /// Validates a rule: the value must not be empty or surrounded by spaces.
    pub fn new(kind: RuleKind, value: &str) -> Result<Self, crate::ValidationErrors> {
        let value = value.trim();
        if value.is_empty() {
            return Err(crate::ValidationErrors::single(kind.as_str(), "must not be empty"));
        }
        Ok(Self { kind, value: value.to_owned() })
    }

    /// Whether `item` falls under this rule.
    pub fn matches(&self, item: &WorkItem) -> bool {
        match self.kind {
            RuleKind::Parent => item.parent.as_deref() == Some(&self.value),
            RuleKind::Label => item.labels.contains(&self.value),
            RuleKind::Milestone => item.milestone.as_deref() == Some(&self.value),
            RuleKind::Key => item.key == self.value,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item() -> WorkItem {
        WorkItem {
            key: "PAY-7".to_owned(),
            title: "Refunds".to_owned(),
            kind: String::new(),
            status: "Open".to_owned(),
            category: StatusCategory::ToDo,
            created: None,
            started: None,
            done: None,
            estimate: None,
            parent: Some("PAY-1".to_owned()),
            labels: vec!["checkout".to_owned(), "q3".to_owned()],
            milestone: Some("v2.0".to_owned()),
        }
    }

    #[test]
    fn each_rule_kind_matches_its_own_field_only() {
        let rule = |kind, value| AttachRule::new(kind, value).unwrap();
        assert!(rule(RuleKind::Parent, "PAY-1").matches(&item()));
        assert!(!rule(RuleKind::Key, "PAY-1").matches(&item()));
        assert!(rule(RuleKind::Label, "q3").matches(&item()));
        assert!(!rule(RuleKind::Label, "Q3").matches(&item()));
        assert!(rule(RuleKind::Milestone, "v2.0").matches(&item()));
        assert!(!rule(RuleKind::Milestone, "checkout").matches(&item()));
        assert!(rule(RuleKind::Key, " PAY-7 ").matches(&item()));
    }

    #[test]
    fn empty_values_and_unknown_kinds_are_refused() {
        assert_eq!(AttachRule::new(RuleKind::Label, "  ").unwrap_err().to_string(), "label: must not be empty");
        assert_eq!(RuleKind::parse("epic"), None);
        assert_eq!(RuleKind::parse("milestone"), Some(RuleKind::Milestone));
    }
}
