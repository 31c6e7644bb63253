//! The reference histories compiled into leadup are exactly the Apache fixtures' resolution
//! days (`fixtures/apache-resolutions`, CC BY 4.0; see the README there), as
//! `examples/reference_histories.rs` writes them.

use std::path::PathBuf;

use leadup_forecast::reference::{EMBEDDED, ReferenceHistories, encode};
use leadup_forecast::{Question, TeamHistory};
use time::Date;
use time::macros::{date, format_description};

fn fixtures() -> Vec<(String, Vec<Date>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/apache-resolutions");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "csv"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).unwrap();
            let dates = text
                .lines()
                .skip(1)
                .map(|line| {
                    let resolved = line.split(',').nth(2).unwrap();
                    Date::parse(&resolved[..10], format_description!("[year]-[month]-[day]")).unwrap()
                })
                .collect();
            (path.file_stem().unwrap().to_string_lossy().into_owned(), dates)
        })
        .collect()
}

#[test]
fn the_embedded_file_is_what_the_generator_writes_from_the_fixtures() {
    let projects = fixtures();
    assert_eq!(projects.len(), 31);
    assert!(EMBEDDED == encode(&projects), "run `cargo run -p leadup-forecast --example reference_histories`");
    let shipped = ReferenceHistories::shipped();
    for ((name, dates), (shipped_name, history)) in projects.iter().zip(shipped.projects()) {
        assert_eq!(name, shipped_name);
        assert_eq!(&TeamHistory::new(dates.iter().copied()).unwrap(), history);
    }
    let kafka = &shipped.projects()[12];
    assert_eq!((kafka.0.as_str(), kafka.1.len(), kafka.1.first_done()), ("kafka", 2_402, date!(2011 - 07 - 19)));
}

#[test]
fn the_reference_is_replayed_as_any_team_is() {
    let shipped = ReferenceHistories::shipped().without("camel");
    let settings = leadup_forecast::CalibrationSettings::default();
    let replayed = shipped.replay(Question::When { items: 20 }, &settings).unwrap();
    assert_eq!(replayed.len(), 30);
    assert!(replayed.iter().all(|p| !p.is_empty()));
}
