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
