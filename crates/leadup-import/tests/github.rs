//! The GitHub issues reader: pages of REST API issue objects, pull requests to skip, bad
//! elements, broken JSON, and the other shapes `gh` prints.

use std::fs::File;

use leadup_core::work_item::StatusCategory;
use leadup_import::{ImportError, Row, RowError, github_json};
use time::macros::datetime;

fn read(json: &[u8]) -> Vec<Result<Row, RowError>> {
    github_json(json).unwrap().collect()
}

#[test]
fn two_concatenated_pages_with_a_pull_request_and_bad_elements() {
    let file = File::open(format!("{}/tests/fixtures/github-pages.json", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let rows: Vec<_> = github_json(file).unwrap().collect();
    let summary: Vec<(u64, String)> = rows
        .iter()
        .map(|row| match row {
            Ok(row) => (row.line, row.item.key.clone()),
            Err(error) => (error.line, error.message.clone()),
        })
        .collect();
    assert_eq!(
        summary,
        [
            (2, "#12".to_owned()),
            (29, "#14".to_owned()),
            (41, "#15".to_owned()),
            (51, "created_at: 'yesterday' is not a date (expected ISO 8601, e.g. 2025-02-21T10:00:00Z)".to_owned()),
            (60, "closed_at: '2025-01-11T08:00:00Z' is before created_at '2025-01-12T08:00:00Z'".to_owned()),
            (67, "#19".to_owned()),
        ],
        "pull requests #13 and #17 are skipped"
    );

    let cart = &rows[0].as_ref().unwrap().item;
    assert_eq!(cart.title, "Cart total is wrong, see \"checkout\" [bug]");
    assert_eq!((cart.kind.as_str(), cart.status.as_str()), ("Bug", "closed"));
    assert_eq!(cart.category, StatusCategory::Done);
    assert_eq!(cart.created, Some(datetime!(2025-01-06 9:15 UTC)));
    assert_eq!(cart.done, Some(datetime!(2025-01-09 17:40:12 UTC)));
    assert_eq!(cart.started, None);
    assert_eq!(cart.labels, ["bug", "checkout"]);
    assert_eq!(cart.milestone.as_deref(), Some("v1.2"));

    let dark_mode = &rows[1].as_ref().unwrap().item;
    assert_eq!((dark_mode.status.as_str(), dark_mode.category), ("open", StatusCategory::ToDo));
    assert_eq!(dark_mode.created, Some(datetime!(2025-01-08 8:00 +1)));
    assert_eq!(dark_mode.done, None);
    assert_eq!(dark_mode.labels, ["enhancement", "ui"], "labels given as plain strings");
    assert_eq!((dark_mode.milestone.as_deref(), dark_mode.kind.as_str()), (None, ""));

    let not_planned = &rows[2].as_ref().unwrap().item;
    assert_eq!(not_planned.status, "closed (not planned)");
    assert_eq!(not_planned.category, StatusCategory::Done);
    assert_eq!(not_planned.done, Some(datetime!(2025-01-10 9:00 UTC)));
    assert_eq!(not_planned.milestone.as_deref(), Some("v1.3"));

    assert!(rows.iter().filter_map(|row| row.as_ref().err()).all(|error| !error.fatal));
}

#[test]
fn broken_json_ends_the_rows_with_a_fatal_error_on_its_line() {
    let rows = read(b"[\n{\"number\": 1, \"state\": \"open\", \"created_at\": \"2025-01-01\"},\n{\"number\": 2,\n");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].as_ref().unwrap().item.key, "#1");
    let error = rows[1].as_ref().unwrap_err();
    assert_eq!((error.line, error.fatal), (3, true));
    assert_eq!(error.message, "the input ends inside the value that starts on this line");

    let rows = read(b"[{\"number\": 1, \"state\": \"open\", \"created_at\": \"2025-01-01\"}\n\n{\"number\": 2}]");
    let error = rows[1].as_ref().unwrap_err();
    assert_eq!((error.line, error.fatal), (3, true));
    assert_eq!(error.message, "expected ',' or ']' after an element, found '{'");
}

#[test]
fn elements_that_are_not_issues_are_bad_rows_and_reading_goes_on() {
    let json = b"[\n  \"text\",\n  {\"number\": -4, \"state\": \"open\", \"created_at\": \"2025-01-01\"},\n  {\"state\": \"open\"},\n  {\"number\": 5, \"state\": \"merged\", \"created_at\": \"2025-01-01\"},\n  {\"number\": 6,\n   \"state\": \"open\", \"created_at\": \"2025-01-01\", \"labels\": [{\"name\": 7}]},\n  {\"number\": 8, \"state\": \"open\", \"created_at\": \"2025-01-01\"}\n]";
    let errors: Vec<String> = read(json)
        .into_iter()
        .map(|row| match row {
            Ok(row) => format!("ok {}", row.item.key),
            Err(error) => error.to_string(),
        })
        .collect();
    assert_eq!(
        errors,
        [
            "line 2: invalid type: string \"text\", expected an issue object",
            "line 3: number: -4 is not an issue number",
            "line 4: number: missing",
            "line 5: state: 'merged' is neither open nor closed",
            "line 6: labels.name: 7 is not text",
            "ok #8",
        ]
    );
}

#[test]
fn json_lines_and_gh_issue_list_fields_are_understood() {
    let json = br#"{"number": 3, "title": "One per line", "state": "OPEN", "createdAt": "2025-03-01T10:00:00Z", "labels": [{"name": "a"}]}
{"number": 4, "title": "Closed via gh", "state": "CLOSED", "createdAt": "2025-03-01T10:00:00Z", "closedAt": "2025-03-04T10:00:00Z", "stateReason": "NOT_PLANNED", "milestone": {"title": "Q1"}}
"#;
    let rows: Vec<Row> = read(json).into_iter().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!((rows[0].line, rows[0].item.key.as_str(), rows[0].item.category), (1, "#3", StatusCategory::ToDo));
    assert_eq!(rows[0].item.labels, ["a"]);
    assert_eq!((rows[1].line, rows[1].item.status.as_str()), (2, "closed (not planned)"));
    assert_eq!(rows[1].item.done, Some(datetime!(2025-03-04 10:00 UTC)));
    assert_eq!(rows[1].item.milestone.as_deref(), Some("Q1"));
}

#[test]
fn an_empty_input_is_refused_and_an_empty_array_has_no_rows() {
    assert!(matches!(github_json(&b" \n"[..]), Err(ImportError::Empty)));
    assert!(read(b"[]\n[]").is_empty());
}

#[test]
fn a_text_holding_a_nul_character_is_a_bad_element_naming_its_field() {
    let json = br#"[{"number": 1, "title": "fine", "state": "open", "created_at": "2025-01-01T00:00:00Z"},
{"number": 2, "title": "bad\u0000", "state": "open", "created_at": "2025-01-01T00:00:00Z"},
{"number": 3, "title": "x", "state": "open", "created_at": "2025-01-01T00:00:00Z", "labels": ["a\u0000"]}]"#;
    let rows: Vec<String> = read(json)
        .into_iter()
        .map(|row| match row {
            Ok(row) => row.item.key,
            Err(error) => error.to_string(),
        })
        .collect();
    assert_eq!(
        rows,
        [
            "#1",
            "line 2: title: the value contains a NUL character",
            "line 3: labels: the value contains a NUL character"
        ]
    );
}
