//! The generic CSV reader: a mapping onto hand-written rows with every kind of bad row, and
//! the heads of the two real files it must read.

use std::fs::File;
use std::io::{self, Read};

use leadup_core::work_item::StatusCategory;
use leadup_import::{CsvMapping, ImportError, Row, RowError, generic_csv};
use time::macros::datetime;

fn read(name: &str, mapping: &CsvMapping) -> Vec<Result<Row, RowError>> {
    let file = File::open(format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    generic_csv(file, mapping).unwrap().collect()
}

fn flowpulse_mapping() -> CsvMapping {
    CsvMapping {
        delimiter: b';',
        started: Some("started_date".to_owned()),
        date_format: Some("%d.%m.%Y".parse().unwrap()),
        ..CsvMapping::new("id", "closed_date")
    }
}

fn apache_mapping() -> CsvMapping {
    CsvMapping { delimiter: b';', created: Some("CreationDate".to_owned()), ..CsvMapping::new("Key", "ResolutionDate") }
}

#[test]
fn mapped_columns_iso_dates_and_every_kind_of_bad_row() {
    let mapping = CsvMapping {
        created: Some("opened".to_owned()),
        started: Some("begun".to_owned()),
        title: Some("headline".to_owned()),
        ..CsvMapping::new("ticket", "finished")
    };
    let rows = read("generic-bad-rows.csv", &mapping);
    let summary: Vec<String> = rows
        .iter()
        .map(|row| match row {
            Ok(row) => format!("{}: ok {}", row.line, row.item.key),
            Err(error) => error.to_string(),
        })
        .collect();
    assert_eq!(
        summary,
        [
            "2: ok T-1",
            "3: ok T-2",
            "line 5: begun: '2025-02-30' is not a date (expected ISO 8601, e.g. 2025-02-21 or 2025-02-21T10:00:00+02:00)",
            "line 6: ticket: the key is empty",
            "line 7: finished: '2025-02-21T07:59:00Z' is before opened '2025-02-21T10:00:00+02:00'",
            "line 8: expected 5 columns as in the header, found 3",
            "9: ok T-7",
        ]
    );

    let plain = &rows[0].as_ref().unwrap().item;
    assert_eq!(plain.title, "Plain row");
    assert_eq!(plain.created, Some(datetime!(2025-02-21 0:00 UTC)), "a date alone is midnight UTC");
    assert_eq!(plain.started, Some(datetime!(2025-02-22 10:00 UTC)));
    assert_eq!(plain.done, Some(datetime!(2025-02-25 10:00 UTC)));
    assert_eq!(plain.category, StatusCategory::Done);

    let open = &rows[1].as_ref().unwrap().item;
    assert_eq!(open.title, "A title that spans\ntwo lines, with a comma");
    assert_eq!(open.created, Some(datetime!(2011-07-19 21:32:09 UTC)));
    assert_eq!((open.started, open.done, open.category), (None, None, StatusCategory::ToDo));

    let started = &rows[6].as_ref().unwrap().item;
    assert_eq!(started.category, StatusCategory::InProgress);
}

#[test]
fn flowpulse_head_with_a_strftime_format_and_no_created_column() {
    let rows: Vec<Row> =
        read("flowpulse-demo-head.csv", &flowpulse_mapping()).into_iter().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 39);
    let first = &rows[0];
    assert_eq!((first.line, first.item.key.as_str()), (2, "90344"));
    assert_eq!(first.item.created, None, "no created column: leadup does not invent one");
    assert_eq!(first.item.started, Some(datetime!(2022-09-19 0:00 UTC)));
    assert_eq!(first.item.done, Some(datetime!(2022-09-28 0:00 UTC)));
    assert_eq!(first.item.category, StatusCategory::Done);
    let last = &rows[38];
    assert_eq!((last.line, last.item.key.as_str()), (40, "116008"));
    assert_eq!(last.item.done, Some(datetime!(2022-04-13 0:00 UTC)));
}

#[test]
fn apache_head_with_offsets_and_a_multi_line_cell() {
    let rows: Vec<Row> = read("apache-compress-head.csv", &apache_mapping()).into_iter().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 38);
    assert_eq!((rows[0].line, rows[0].item.key.as_str()), (2, "COMPRESS-1"));
    assert_eq!(rows[0].item.created, Some(datetime!(2009-01-09 5:57:44 UTC)));
    assert_eq!(rows[0].item.done, Some(datetime!(2009-01-09 9:32:26 UTC)));
    assert_eq!((rows[4].line, rows[4].item.key.as_str()), (6, "COMPRESS-16"));
    assert_eq!((rows[5].line, rows[5].item.key.as_str()), (8, "COMPRESS-17"), "COMPRESS-16 spans two lines");
    assert_eq!((rows[37].line, rows[37].item.key.as_str()), (40, "COMPRESS-105"));
    assert!(rows.iter().all(|row| row.item.category == StatusCategory::Done));
}

#[test]
fn a_mapped_column_missing_from_the_header_is_refused() {
    let mapping = CsvMapping { delimiter: b';', ..CsvMapping::new("Key", "closed") };
    let file = File::open(format!("{}/tests/fixtures/flowpulse-demo-head.csv", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let error = generic_csv(file, &mapping).err().unwrap();
    assert_eq!(
        error.to_string(),
        "no column 'Key' in the header (columns: id, estimation, started_date, closed_date, work_item_age, cycle_time, state_changed_date)"
    );
    assert!(matches!(generic_csv(&b""[..], &mapping), Err(ImportError::Empty)));
}

#[test]
fn a_wrong_date_format_names_the_column_value_and_format() {
    let mapping = CsvMapping { date_format: Some("%d/%m/%y".parse().unwrap()), ..flowpulse_mapping() };
    let rows = read("flowpulse-demo-head.csv", &mapping);
    assert_eq!(
        rows[0].as_ref().unwrap_err().to_string(),
        "line 2: started_date: '19.09.2022' is not a date (expected %d/%m/%y)"
    );
}

#[test]
fn full_flowpulse_demo_file() {
    let path = format!("{}/../../fixtures/flowpulse-demo/DemoFile.csv", env!("CARGO_MANIFEST_DIR"));
    let file = File::open(&path).unwrap();
    let rows: Vec<Row> = generic_csv(file, &flowpulse_mapping()).unwrap().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1562);
    assert_eq!(rows.iter().filter(|row| row.item.done.is_some()).count(), 1441);
    assert_eq!(rows.iter().filter(|row| row.item.category == StatusCategory::ToDo).count(), 108);
    assert_eq!(rows.last().unwrap().line, 1563);
}

#[test]
fn an_original_apache_export() {
    let path =
        format!("{}/../../fixtures/apache-jira-bugfix/vysper-jira-bug-fix-dataset.csv", env!("CARGO_MANIFEST_DIR"));
    let rows: Vec<Row> =
        generic_csv(File::open(path).unwrap(), &apache_mapping()).unwrap().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 66);
    let first = &rows[0].item;
    assert_eq!(first.key, "VYSPER-2");
    assert_eq!(first.created.unwrap().to_string(), "2009-04-26 20:02:58.0 +00:00:00");
    assert_eq!(first.done.unwrap().to_string(), "2010-04-29 7:23:35.0 +00:00:00");
    assert!(rows.iter().all(|row| row.item.key.starts_with("VYSPER-") && row.item.done.is_some()));
    assert!(rows.iter().all(|row| row.item.created <= row.item.done));
}

/// The whole set (34 MB) is not in the repository; this runs where `../shared/data` is.
#[test]
fn every_apache_project_file() {
    let dir = format!("{}/../../../shared/data/apache-jira-bugfix", env!("CARGO_MANIFEST_DIR"));
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("skipped: {dir} is not there");
        return;
    };
    let mut files = 0;
    let mut items = 0;
    for entry in entries {
        let path = entry.unwrap().path();
        if !path.to_string_lossy().ends_with("-jira-bug-fix-dataset.csv") {
            continue;
        }
        files += 1;
        for row in generic_csv(File::open(&path).unwrap(), &apache_mapping()).unwrap() {
            let row = row.unwrap_or_else(|error| panic!("{}: {error}", path.display()));
            assert!(row.item.created.is_some() && row.item.done.is_some(), "{}: {}", path.display(), row.item.key);
            items += 1;
        }
    }
    assert_eq!((files, items), (31, 28_256));
}

#[test]
fn bytes_that_are_not_utf8_cost_the_row_only_where_they_are_read() {
    let csv = b"key,done,note\nA-1,2025-01-02,caf\xe9\nA-\xff,2025-01-02,\nA-3,,\n";
    let rows: Vec<_> = generic_csv(&csv[..], &CsvMapping::new("key", "done")).unwrap().collect();
    assert_eq!(rows[0].as_ref().unwrap().item.key, "A-1", "an unmapped column is never decoded");
    assert_eq!(rows[1].as_ref().unwrap_err().to_string(), "line 3: key: the value is not UTF-8 text");
    assert_eq!(rows[2].as_ref().unwrap().item.key, "A-3");
}

/// Gives its bytes, then fails.
struct FailingAfter<'a>(&'a [u8]);

impl Read for FailingAfter<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.0.is_empty() {
            return Err(io::Error::other("disk on fire"));
        }
        let n = buf.len().min(self.0.len());
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

#[test]
fn an_input_that_fails_midway_ends_the_rows_with_a_fatal_error() {
    let input = FailingAfter(b"key,done\nA-1,2025-01-02\nA-2,2025-01-0");
    let rows: Vec<_> = generic_csv(input, &CsvMapping::new("key", "done")).unwrap().collect();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0].as_ref().unwrap().item.key, "A-1");
    let error = rows[1].as_ref().unwrap_err();
    assert!(error.fatal);
    assert_eq!(error.to_string(), "line 3: cannot read the input: disk on fire");

    let input = FailingAfter(b"[{\"number\": 1, \"state\": \"open\", \"created_at\": \"2025-01-01\"},\n{\"num");
    let rows: Vec<_> = leadup_import::github_json(input).unwrap().collect();
    assert_eq!(rows.len(), 2, "{rows:?}");
    let error = rows[1].as_ref().unwrap_err();
    assert_eq!((error.line, error.fatal), (2, true));
    assert_eq!(error.message, "cannot read the input: disk on fire");
}

#[test]
fn a_value_holding_a_nul_character_is_a_bad_row_naming_its_column() {
    let mapping = CsvMapping { title: Some("title".to_owned()), ..CsvMapping::new("id", "done") };
    let file = "id,done,title\nT-1,2026-03-04,fine\nT-2,2026-03-05,bad\0title\nT\x003,2026-03-06,x\n";
    let rows: Vec<String> = generic_csv(file.as_bytes(), &mapping)
        .unwrap()
        .map(|row| match row {
            Ok(row) => format!("{}: {}", row.line, row.item.key),
            Err(error) => error.to_string(),
        })
        .collect();
    assert_eq!(
        rows,
        [
            "2: T-1",
            "line 3: title: the value contains a NUL character",
            "line 4: id: the value contains a NUL character"
        ]
    );
}

fn summary(file: &str) -> Vec<String> {
    let mapping = CsvMapping { title: Some("title".to_owned()), ..CsvMapping::new("id", "done") };
    generic_csv(file.as_bytes(), &mapping)
        .unwrap()
        .map(|row| match row {
            Ok(row) => format!("{}: {} {:?}", row.line, row.item.key, row.item.title),
            Err(error) => error.to_string(),
        })
        .collect()
}

#[test]
fn a_quote_left_open_is_reported_where_it_opens_with_every_line_it_swallowed() {
    let file = "id,done,title\nT-1,2026-03-04,fine\nT-2,2026-03-05,\"unclosed title\nT-3,2026-03-06,x\n\
                T-4,2026-03-07,y\nT-5,2026-03-08,z\nT-6,2026-03-09,w\n";
    assert_eq!(
        summary(file),
        [
            "2: T-1 \"fine\"",
            "line 3: title: the quote opened here is never closed (it runs to the end of the file; it swallowed lines 4 to 7)",
            "line 4: swallowed by the quote opened in title on line 3, which is never closed",
            "line 5: swallowed by the quote opened in title on line 3, which is never closed",
            "line 6: swallowed by the quote opened in title on line 3, which is never closed",
            "line 7: swallowed by the quote opened in title on line 3, which is never closed",
        ]
    );
    // Opened in a middle column, after a field spanning two lines, without a final newline.
    let file = "id,done,title\nT-1,2026-03-04,\"two\nlines\"\nT-2,\"2026-03-05,x\nT-3,2026-03-06,y";
    assert_eq!(
        summary(file),
        [
            "2: T-1 \"two\\nlines\"",
            "line 4: done: the quote opened here is never closed (it runs to the end of the file; it swallowed line 5)",
            "line 5: swallowed by the quote opened in done on line 4, which is never closed",
        ]
    );
}

#[test]
fn quoted_fields_that_close_are_not_taken_for_open_ones() {
    let file = "id,done,title\nT-1,2026-03-04,\"a \"\"quoted\"\" word\"\nT-2,2026-03-05,\"two\nlines\"";
    assert_eq!(summary(file), ["2: T-1 \"a \\\"quoted\\\" word\"", "3: T-2 \"two\\nlines\""]);
    let file = "id,done,title\nT-1,2026-03-04,\"ends\nat the end\"\n";
    assert_eq!(summary(file), ["2: T-1 \"ends\\nat the end\""]);
    let file = "id,done,title\nT-1,2026-03-04,in\"side\n";
    assert_eq!(summary(file), ["2: T-1 \"in\\\"side\""]);
}
