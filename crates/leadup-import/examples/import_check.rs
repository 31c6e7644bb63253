//! A hand-run check that the importers stream: generate a large export, then read it and watch
//! the peak memory, which must not grow with the file.
//!
//! ```text
//! cargo run --release -p leadup-import --example import_check -- generate jira /tmp/jira-1m.csv 1000000
//! /usr/bin/time -v target/release/examples/import_check read jira /tmp/jira-1m.csv
//! ```
//!
//! Formats: `jira` (Jira "all fields" CSV), `github` (GitHub issue objects, in pages of 100),
//! `csv` (generic CSV with columns `key,created,started,done,title` and ISO 8601 dates).

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;
use std::time::Instant;

use leadup_import::{CountingReader, CsvMapping, JiraOptions, Row, RowError, generic_csv, github_json, jira_csv};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["generate", format, path, count] => match count.parse() {
            Ok(count) => generate(format, path, count),
            Err(_) => Err(format!("'{count}' is not a number of rows")),
        },
        ["read", format, path] => read(format, path),
        _ => Err("usage: import_check generate jira|github|csv FILE ROWS | read jira|github|csv FILE".to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn read(format: &str, path: &str) -> Result<(), String> {
    let file = File::open(path).map_err(|error| format!("{path}: {error}"))?;
    let reader = CountingReader::new(file);
    let bytes = reader.counter();
    let start = Instant::now();
    let rows: Box<dyn Iterator<Item = Result<Row, RowError>>> = match format {
        "jira" => Box::new(jira_csv(reader, &JiraOptions::default()).map_err(|error| error.to_string())?),
        "github" => Box::new(github_json(reader).map_err(|error| error.to_string())?),
        "csv" => {
            let mapping = CsvMapping {
                created: Some("created".to_owned()),
                started: Some("started".to_owned()),
                title: Some("title".to_owned()),
                ..CsvMapping::new("key", "done")
            };
            Box::new(generic_csv(reader, &mapping).map_err(|error| error.to_string())?)
        }
        other => return Err(format!("unknown format '{other}'")),
    };
    let (mut good, mut bad, mut done, mut labels) = (0u64, 0u64, 0u64, 0u64);
    for row in rows {
        match row {
            Ok(row) => {
                good += 1;
                done += u64::from(row.item.done.is_some());
                labels += row.item.labels.len() as u64;
            }
            Err(error) => {
                if bad < 5 {
                    eprintln!("{error}");
                }
                bad += 1;
            }
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "{format}: {good} rows ({done} done, {labels} labels), {bad} bad, {} bytes in {seconds:.2} s: {:.0} rows/s",
        bytes.get(),
        (good + bad) as f64 / seconds
    );
    Ok(())
}

fn generate(format: &str, path: &str, count: u64) -> Result<(), String> {
    let file = File::create(path).map_err(|error| format!("{path}: {error}"))?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let written = match format {
        "jira" => generate_jira(&mut out, count),
        "github" => generate_github(&mut out, count),
        "csv" => generate_csv(&mut out, count),
        other => return Err(format!("unknown format '{other}'")),
    };
    written.and_then(|()| out.flush()).map_err(|error| format!("{path}: {error}"))
}

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// A day and minute derived from `n`, spread over 2020–2025.
fn moment(n: u64) -> (u64, u64, u64, u64, u64) {
    let year = 20 + n % 6;
    let month = (n / 7) % 12;
    let day = 1 + (n / 3) % 28;
    let hour = (n / 11) % 24;
    let minute = (n / 13) % 60;
    (year, month, day, hour, minute)
}

fn generate_jira(out: &mut impl Write, count: u64) -> io::Result<()> {
    writeln!(
        out,
        "Summary,Issue key,Issue id,Issue Type,Status,Status Category,Priority,Resolution,Created,Updated,Resolved,\
         Fix Version/s,Labels,Labels,Labels,Description,Sprint,Sprint,Custom field (Story Points),Custom field (Epic Link)"
    )?;
    for n in 0..count {
        let (year, month, day, hour, minute) = moment(n);
        let (half, hour12) = (if hour < 12 { "AM" } else { "PM" }, if hour % 12 == 0 { 12 } else { hour % 12 });
        let created = format!("{day:02}/{}/{year:02} {hour12}:{minute:02} {half}", MONTHS[month as usize]);
        let resolved =
            format!("{:02}/{}/{year:02} {hour12}:{minute:02} {half}", day.min(27) + 1, MONTHS[month as usize]);
        let done = n % 4 != 0;
        let (status, category, resolution, resolved) =
            if done { ("Done", "Done", "Done", resolved.as_str()) } else { ("In Progress", "In Progress", "", "") };
        writeln!(
            out,
            "Item number {n} needs work,LOAD-{n},{id},Story,{status},{category},Medium,{resolution},{created},{created},{resolved},\
             v{v},label{l1},team{l2},,\"First line of the description\nsecond line, with a comma and \"\"quotes\"\"\",Sprint {s},,{points},LOAD-{epic}",
            id = 100_000 + n,
            v = n % 17,
            l1 = n % 5,
            l2 = n % 3,
            s = n % 40,
            points = n % 8,
            epic = n % 50,
        )?;
    }
    Ok(())
}

fn generate_github(out: &mut impl Write, count: u64) -> io::Result<()> {
    for n in 0..count {
        if n % 100 == 0 {
            if n > 0 {
                writeln!(out, "\n]")?;
            }
            writeln!(out, "[")?;
        } else {
            writeln!(out, ",")?;
        }
        let (year, month, day, hour, minute) = moment(n);
        let created = format!("20{year:02}-{:02}-{day:02}T{hour:02}:{minute:02}:00Z", month + 1);
        let closed = format!("\"20{year:02}-{:02}-{:02}T{hour:02}:{minute:02}:00Z\"", month + 1, day.min(27) + 1);
        let (state, closed_at) = if n % 4 == 0 { ("open", "null") } else { ("closed", closed.as_str()) };
        let pull = if n % 10 == 0 { r#", "pull_request": {"url": "https://example.invalid/pulls/1"}"# } else { "" };
        write!(
            out,
            r#"  {{"url": "https://api.example.invalid/repos/acme/load/issues/{n}", "number": {n}, "title": "Issue {n}", "user": {{"login": "u{u}", "id": {u}}}, "labels": [{{"id": 1, "name": "bug", "color": "d73a4a", "default": true}}, {{"id": 2, "name": "area{a}"}}], "state": "{state}", "milestone": {{"number": 1, "title": "M{m}"}}, "comments": 3, "created_at": "{created}", "updated_at": "{created}", "closed_at": {closed_at}, "body": "Line one\nline two with \"quotes\""{pull}}}"#,
            u = n % 97,
            a = n % 7,
            m = n % 9,
        )?;
    }
    if count > 0 {
        writeln!(out, "\n]")?;
    }
    Ok(())
}

fn generate_csv(out: &mut impl Write, count: u64) -> io::Result<()> {
    writeln!(out, "key,created,started,done,title")?;
    for n in 0..count {
        let (year, month, day, hour, minute) = moment(n);
        let date = |d: u64| format!("20{year:02}-{:02}-{d:02}T{hour:02}:{minute:02}:00+0000", month + 1);
        let done = if n % 4 == 0 { String::new() } else { date(day.min(26) + 2) };
        writeln!(out, "K-{n},{},{},{done},Item {n}", date(day), date(day.min(27) + 1))?;
    }
    Ok(())
}
