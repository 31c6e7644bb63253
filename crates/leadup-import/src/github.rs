//! GitHub issues as JSON: the REST API's issue objects (`GET /repos/{owner}/{repo}/issues`),
//! in one array, in several pages one after another (`gh api --paginate`), or one object per
//! line. The camelCase fields of `gh issue list --json ...` are understood too.
//!
//! Mapping: key `#` + `number`; `title`; `type.name` as the kind (GitHub's issue types, empty
//! when unset); `state` `open` is to do, `closed` is done, with `closed_at` as the done time;
//! `labels` (objects with a `name`, or plain strings); `milestone.title`. GitHub has no start
//! time, estimate or parent in these objects, so those stay empty.
//!
//! A closed issue whose `state_reason` is `not_planned` (or `duplicate`) is still in category
//! done, since it left the team's queue, but its status says so — `closed (not planned)`,
//! `closed (duplicate)` — so that callers can leave it out of throughput. Objects with a
//! `pull_request` key are pull requests and are skipped without a word.

use std::io::{BufReader, Read};
use std::iter::FusedIterator;

use leadup_core::work_item::{StatusCategory, WorkItem};
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::Value;
use time::UtcOffset;

use crate::checks::{Stamp, done_not_before};
use crate::date::parse_iso8601;
use crate::error::{ImportError, Row, RowError};
use crate::json_stream::JsonElements;

/// Reads GitHub issue objects. Fails at once when the input cannot be read or holds no JSON
/// value at all (an empty array is fine: it has no rows); after that, yields every issue as a
/// [`Row`] or a [`RowError`]. Broken JSON (a missing bracket or comma) cannot be read past: it
/// gives one fatal [`RowError`] and ends the rows.
pub fn github_json<R: Read>(reader: R) -> Result<GithubRows<R>, ImportError> {
    let mut elements = JsonElements::new(BufReader::with_capacity(1 << 16, reader));
    if elements.is_empty()? {
        return Err(ImportError::Empty);
    }
    Ok(GithubRows { elements })
}

/// The issues of a GitHub JSON file; see [`github_json`].
pub struct GithubRows<R> {
    elements: JsonElements<BufReader<R>>,
}

impl<R: Read> FusedIterator for GithubRows<R> {}

impl<R: Read> Iterator for GithubRows<R> {
    type Item = Result<Row, RowError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let (line, bytes) = match self.elements.next_element()? {
                Ok(element) => element,
                Err(broken) => return Some(Err(RowError::fatal(broken.line, broken.message))),
            };
            match convert(bytes, line) {
                Ok(Some(item)) => return Some(Ok(Row { line, item })),
                Ok(None) => {}
                Err(message) => return Some(Err(RowError::new(line, message))),
            }
        }
    }
}

/// The fields read, each kept as raw JSON so that a wrong value can be named in the message.
#[derive(Deserialize)]
#[serde(expecting = "an issue object")]
struct RawIssue {
    number: Option<Value>,
    title: Option<Value>,
    state: Option<Value>,
    #[serde(alias = "createdAt")]
    created_at: Option<Value>,
    #[serde(alias = "closedAt")]
    closed_at: Option<Value>,
    #[serde(alias = "stateReason")]
    state_reason: Option<Value>,
    labels: Option<Value>,
    milestone: Option<Value>,
    #[serde(rename = "type")]
    kind: Option<Value>,
    #[serde(alias = "pullRequest")]
    pull_request: Option<IgnoredAny>,
}

/// The item of one element; `None` for a pull request.
fn convert(bytes: &[u8], line: u64) -> Result<Option<WorkItem>, String> {
    let raw: RawIssue = serde_json::from_slice(bytes).map_err(|error| json_error(&error, line))?;
    if raw.pull_request.is_some() {
        return Ok(None);
    }
    let number = match &raw.number {
        Some(Value::Number(number)) if number.as_u64().is_some() => number.to_string(),
        Some(other) => return Err(format!("number: {} is not an issue number", short(other))),
        None => return Err("number: missing".to_owned()),
    };
    let title = optional_text("title", raw.title.as_ref())?.unwrap_or_default();
    let state = optional_text("state", raw.state.as_ref())?.ok_or("state: missing")?;
    let closed = match state.to_ascii_lowercase().as_str() {
        "open" => false,
        "closed" => true,
        _ => return Err(format!("state: '{state}' is neither open nor closed")),
    };
    let reason = optional_text("state_reason", raw.state_reason.as_ref())?.map(|r| r.to_ascii_lowercase());
    let status = match (closed, reason.as_deref()) {
        (false, _) => "open".to_owned(),
        (true, Some("not_planned")) => "closed (not planned)".to_owned(),
        (true, Some("duplicate")) => "closed (duplicate)".to_owned(),
        (true, _) => "closed".to_owned(),
    };

    let created_text = optional_text("created_at", raw.created_at.as_ref())?.ok_or("created_at: missing")?;
    let created = time_of("created_at", &created_text)?;
    let closed_text = optional_text("closed_at", raw.closed_at.as_ref())?;
    // An open issue that was closed once and reopened may still carry a closing time.
    let done = match (&closed_text, closed) {
        (Some(text), true) => Some(Stamp { column: "closed_at", text, time: time_of("closed_at", text)? }),
        _ => None,
    };
    let created_stamp = Stamp { column: "created_at", text: &created_text, time: created };
    done_not_before(done.as_ref(), &[Some(&created_stamp)])?;

    let item = WorkItem {
        key: format!("#{number}"),
        title,
        kind: name_of("type", raw.kind.as_ref(), "name")?.unwrap_or_default(),
        status,
        category: if closed { StatusCategory::Done } else { StatusCategory::ToDo },
        created: Some(created),
        started: None,
        done: done.map(|stamp| stamp.time),
        estimate: None,
        parent: None,
        labels: labels_of(raw.labels.as_ref())?,
        milestone: name_of("milestone", raw.milestone.as_ref(), "title")?,
    };
    crate::checks::no_nul(&item)?;
    Ok(Some(item))
}

fn time_of(field: &str, text: &str) -> Result<time::OffsetDateTime, String> {
    parse_iso8601(text, UtcOffset::UTC)
        .ok_or_else(|| format!("{field}: '{text}' is not a date (expected ISO 8601, e.g. 2025-02-21T10:00:00Z)"))
}

/// A string field; `None` when missing or null.
fn optional_text(field: &str, value: Option<&Value>) -> Result<Option<String>, String> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(other) => Err(format!("{field}: {} is not text", short(other))),
    }
}

/// The `key` member of an object field such as `milestone` or `type` (or the field itself when
/// it is a string); `None` when missing or null.
fn name_of(field: &str, value: Option<&Value>, key: &str) -> Result<Option<String>, String> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(name)) => Ok(Some(name.clone())),
        Some(Value::Object(object)) => match object.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(name)) => Ok(Some(name.clone())),
            Some(other) => Err(format!("{field}.{key}: {} is not text", short(other))),
        },
        Some(other) => Err(format!("{field}: {} is neither an object nor text", short(other))),
    }
}

fn labels_of(value: Option<&Value>) -> Result<Vec<String>, String> {
    let items = match value {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(other) => return Err(format!("labels: {} is not a list", short(other))),
    };
    let mut labels = Vec::with_capacity(items.len());
    for item in items {
        if let Some(name) = name_of("labels", Some(item), "name")? {
            labels.push(name);
        }
    }
    Ok(labels)
}

/// A JSON value for a message, cut short.
fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 60 { format!("{}...", text.chars().take(57).collect::<String>()) } else { text }
}

/// `serde_json`'s message without its position (which is relative to the element), and the
/// element's line shifted to the file's.
fn json_error(error: &serde_json::Error, line: u64) -> String {
    let message = error.to_string();
    let message = message.split(" at line ").next().unwrap_or(&message).to_owned();
    if error.line() > 1 { format!("{message} (line {} of the file)", line + error.line() as u64 - 1) } else { message }
}
