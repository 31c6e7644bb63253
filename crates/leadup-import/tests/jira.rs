//! The Jira CSV reader against hand-written exports: repeated columns, multi-line cells, both
//! story-point columns, Epic Link and Parent, bad rows.

use std::fs::File;

use leadup_core::work_item::StatusCategory;
use leadup_import::{DateFormat, ImportError, JiraOptions, Row, RowError, jira_csv};
use time::UtcOffset;
use time::macros::datetime;

fn read(name: &str, options: &JiraOptions) -> Vec<Result<Row, RowError>> {
    let file = File::open(format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    jira_csv(file, options).unwrap().collect()
}

#[test]
fn story_points_export_with_repeated_columns_and_multi_line_cells() {
    let rows = read("jira-story-points.csv", &JiraOptions::default());
    let lines: Vec<u64> = rows.iter().map(|row| row.as_ref().map_or_else(|e| e.line, |r| r.line)).collect();
    assert_eq!(lines, [2, 6, 7, 8, 9, 10], "a record's line is where it starts, multi-line cells included");

    let checkout = &rows[0].as_ref().unwrap().item;
    assert_eq!(checkout.key, "SHOP-101");
    assert_eq!(checkout.title, "Checkout shows the wrong total");
    assert_eq!(checkout.kind, "Bug");
    assert_eq!(checkout.status, "Done");
    assert_eq!(checkout.category, StatusCategory::Done);
    assert_eq!(checkout.created, Some(datetime!(2026-02-03 9:05 UTC)));
    assert_eq!(checkout.started, Some(datetime!(2026-02-10 0:00 UTC)));
    assert_eq!(checkout.done, Some(datetime!(2026-02-25 22:17 UTC)));
    assert_eq!(checkout.estimate, Some(3.0));
    assert_eq!(checkout.parent.as_deref(), Some("SHOP-1"), "from Custom field (Epic Link)");
    assert_eq!(checkout.labels, ["payments", "checkout"], "every Labels column, empty ones left out");
    assert_eq!(checkout.milestone.as_deref(), Some("2026.03"), "the first Fix Version/s");

    let refund = &rows[1].as_ref().unwrap().item;
    assert_eq!((refund.key.as_str(), refund.status.as_str()), ("SHOP-102", "In Review"));
    assert_eq!(refund.category, StatusCategory::InProgress);
    assert_eq!(refund.started, Some(datetime!(2026-02-16 0:00 UTC)));
    assert_eq!(refund.done, None);
    assert_eq!(refund.labels, ["payments"]);
    assert_eq!(refund.estimate, Some(5.0));

    let epic = &rows[2].as_ref().unwrap().item;
    assert_eq!((epic.key.as_str(), epic.kind.as_str()), ("SHOP-1", "Epic"));
    assert_eq!(epic.category, StatusCategory::ToDo);
    assert_eq!((epic.estimate, epic.parent.as_deref(), epic.milestone.as_deref()), (None, None, None));
    assert!(epic.labels.is_empty());

    let bad_date = rows[3].as_ref().unwrap_err();
    assert_eq!(bad_date.line, 8);
    assert!(!bad_date.fatal);
    assert!(
        bad_date.message.starts_with("Resolved: '31/Feb/26 10:00 AM' is not a date (expected dd/MMM/yy h:mm AM"),
        "{}",
        bad_date.message
    );
    let backwards = rows[4].as_ref().unwrap_err();
    assert_eq!(backwards.to_string(), "line 9: Resolved: '05/Feb/26 10:00 AM' is before Created '06/Feb/26 10:00 AM'");

    let subtask = &rows[5].as_ref().unwrap().item;
    assert_eq!(subtask.key, "SHOP-105");
    assert_eq!(subtask.created, Some(datetime!(2026-02-07 12:00 UTC)), "12 PM is noon");
    assert_eq!(subtask.done, Some(datetime!(2026-02-08 0:15 UTC)), "12:15 AM is just after midnight");
    assert_eq!(subtask.parent.as_deref(), Some("10102"), "Parent id when there is no key");
    assert_eq!(subtask.estimate, Some(0.5));
}

#[test]
fn story_point_estimate_export_with_parent_iso_dates_and_no_status_category() {
    let rows = read("jira-story-point-estimate.csv", &JiraOptions::default());
    assert_eq!(rows.len(), 5);

    let search = rows[0].as_ref().unwrap();
    assert_eq!(search.line, 2);
    assert_eq!(search.item.key, "WEB-7");
    assert_eq!(search.item.category, StatusCategory::Done, "status Closed");
    assert_eq!(search.item.created, Some(datetime!(2024-02-25 22:17 UTC)));
    assert_eq!(search.item.done, Some(datetime!(2024-03-02 9:00 UTC)));
    assert_eq!(search.item.started, None);
    assert_eq!(search.item.estimate, Some(8.0), "from Custom field (Story point estimate)");
    assert_eq!(search.item.parent.as_deref(), Some("WEB-1"), "from Parent");
    assert_eq!(search.item.labels, ["search", "backend"]);
    assert_eq!(search.item.milestone.as_deref(), Some("v1.4"), "from Fix versions");

    let typo = rows[1].as_ref().unwrap();
    assert_eq!(typo.line, 4);
    assert_eq!(typo.item.category, StatusCategory::ToDo, "status Backlog, resolution Unresolved");
    assert_eq!(typo.item.created, Some(datetime!(2024-02-26 8:00 UTC)));

    let errors: Vec<String> = rows[2..].iter().map(|row| row.as_ref().unwrap_err().to_string()).collect();
    assert_eq!(
        errors,
        [
            "line 5: Custom field (Story point estimate): 'two' is not a non-negative number",
            "line 6: expected 17 columns as in the header, found 9",
            "line 7: Issue key: the key is empty",
        ]
    );
}

#[test]
fn a_configured_format_and_offset_are_used_instead_of_detection() {
    let options = JiraOptions {
        date_format: Some("yyyy-MM-dd HH:mm".parse::<DateFormat>().unwrap()),
        utc_offset: UtcOffset::from_hms(1, 0, 0).unwrap(),
        started_column: None,
    };
    let rows = read("jira-story-point-estimate.csv", &options);
    assert_eq!(rows[0].as_ref().unwrap().item.created, Some(datetime!(2024-02-25 22:17 +1)));
    assert_eq!(
        rows[1].as_ref().unwrap_err().message,
        "Created: '2024-02-26T08:00:00.000+0000' is not a date (expected yyyy-MM-dd HH:mm)"
    );
}

#[test]
fn a_named_start_column_is_used_and_must_exist() {
    let options = JiraOptions { started_column: Some("Updated".to_owned()), ..JiraOptions::default() };
    let rows = read("jira-story-points.csv", &options);
    assert_eq!(rows[1].as_ref().unwrap().item.started, Some(datetime!(2026-02-24 16:00 UTC)));

    let options = JiraOptions { started_column: Some("In progress since".to_owned()), ..JiraOptions::default() };
    let file = File::open(format!("{}/tests/fixtures/jira-story-points.csv", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let error = jira_csv(file, &options).err().unwrap();
    assert!(error.to_string().starts_with("no column 'In progress since' in the header (columns: Summary, Issue key,"));
}

#[test]
fn a_file_that_is_not_a_jira_export_is_refused_before_any_row() {
    let error = jira_csv(&b"ticket,opened\nT-1,2025-01-01\n"[..], &JiraOptions::default()).err().unwrap();
    assert!(matches!(&error, ImportError::MissingColumn { column, .. } if column == "Issue key"));
    assert_eq!(error.to_string(), "no column 'Issue key' in the header (columns: ticket, opened)");

    let error = jira_csv(&b"Issue key,Status\nA-1,Open\n"[..], &JiraOptions::default()).err().unwrap();
    assert_eq!(error.to_string(), "no column 'Created' in the header (columns: Issue key, Status)");

    assert!(matches!(jira_csv(&b""[..], &JiraOptions::default()), Err(ImportError::Empty)));
}

#[test]
fn a_status_category_in_another_language_falls_back_to_the_status() {
    let csv = "Issue key,Status,Status Category,Created,Resolved\nDE-1,Erledigt,Fertig,01/Mar/24 9:00 AM,02/Mar/24 9:00 AM\nDE-2,Backlog,Zu erledigen,01/Mar/24 9:00 AM,\nDE-3,In Arbeit,In Progress,01/Mar/24 9:00 AM,\n";
    let categories: Vec<StatusCategory> =
        jira_csv(csv.as_bytes(), &JiraOptions::default()).unwrap().map(|row| row.unwrap().item.category).collect();
    assert_eq!(categories, [StatusCategory::Done, StatusCategory::ToDo, StatusCategory::InProgress]);
}
