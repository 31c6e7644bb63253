//! Writes `data/reference-histories.txt`, the reference histories compiled into leadup
//! (`leadup_forecast::reference`), from the Apache fixtures:
//!
//! ```text
//! cargo run -p leadup-forecast --example reference_histories
//! ```
//!
//! Each project's resolution dates are taken as UTC calendar days (`resolved`'s first ten
//! characters). `tests/reference_histories.rs` checks that the embedded file is what this writes.

use std::path::PathBuf;

use time::Date;
use time::macros::format_description;

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let projects = read_fixtures(&root.join("../../fixtures/apache-resolutions"));
    let out = root.join("data/reference-histories.txt");
    std::fs::write(&out, leadup_forecast::reference::encode(&projects))
        .unwrap_or_else(|e| panic!("{}: {e}", out.display()));
    println!("wrote {} projects to {}", projects.len(), out.display());
}

/// `(project, resolution dates)` of every `<project>.csv` in `dir`.
fn read_fixtures(dir: &std::path::Path) -> Vec<(String, Vec<Date>)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "csv"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).unwrap();
            let mut lines = text.lines();
            assert_eq!(lines.next(), Some("key,created,resolved"), "{}", path.display());
            let dates = lines
                .map(|line| {
                    let resolved = line.split(',').nth(2).unwrap_or_else(|| panic!("{}: {line}", path.display()));
                    Date::parse(&resolved[..10], format_description!("[year]-[month]-[day]")).unwrap()
                })
                .collect();
            (path.file_stem().unwrap().to_string_lossy().into_owned(), dates)
        })
        .collect()
}
