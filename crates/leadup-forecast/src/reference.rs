//! The reference histories shipped with leadup: public teams' done dates that every calibration
//! pools with the workspace's other teams as its prior, so that a team alone in its workspace
//! is not left with its own short record and the over-confident raw model.
//!
//! They are the resolution dates (UTC calendar days) of the resolved bugs of 31 Apache Software
//! Foundation projects, 2009 to 2018: [`ATTRIBUTION`] names the source and its licence (CC BY 4.0),
//! and `fixtures/apache-resolutions/README.md` in the repository tells how the files were made.
//! They are compiled into the binary in a compact text form ([`encode`], [`decode`]):
//! `data/reference-histories.txt` in this crate, written by
//! `cargo run -p leadup-forecast --example reference_histories` from the fixtures and checked
//! against them by `tests/reference_histories.rs`.
//!
//! A reference history is used like any other team's: replayed as known on each forecast's
//! date, never ahead of it (see [`crate::calibration`]).

use std::sync::Arc;

use time::Date;

use crate::ForecastError;
use crate::calibration::{CalibrationSettings, PastForecasts};
use crate::question::Question;
use crate::throughput::{TeamHistory, date_of};

/// Days between the replayed past forecasts of a reference history, for questions of up to
/// [`ITEMS_PER_STEP`] items: every four weeks, not weekly as a team's own. The reference holds
/// far more than a prior may weigh (hundreds of independent forecasts against
/// [`CalibrationSettings::prior_weight`]) and every replay counts by the days it covers (see
/// [`crate::calibration`]), so fewer replays keep the prior's information at a fraction of the
/// cost.
pub const REPLAY_STEP_DAYS: u32 = 28;

/// "When will the next N be done" is replayed every [`REPLAY_STEP_DAYS`] days per started
/// `ITEMS_PER_STEP` items: a replay costs time and memory in proportion to N times the days
/// until its outcome, itself in proportion to N, and forecasts of many items made a few weeks
/// apart cover nearly the same days (they count as little more than one), so spacing them in
/// proportion to N keeps what the reference tells while its cost grows with N instead of N².
pub const ITEMS_PER_STEP: u32 = 20;

/// Days between the replayed past forecasts of a reference history for `question`.
pub fn replay_step_days(question: Question) -> u32 {
    match question {
        Question::When { items } => REPLAY_STEP_DAYS * items.div_ceil(ITEMS_PER_STEP).max(1),
        Question::HowMany { .. } => REPLAY_STEP_DAYS,
    }
}

/// Where the reference histories come from, and under which licence.
pub const ATTRIBUTION: &str = "Resolution dates of the resolved bugs of 31 Apache projects from Vieira, Da Silva, \
     Rocha, Gomes, \"From Reports to Bug-Fix Commits: A 10 Years Dataset of Bug-Fixing Activity from 55 Apache's \
     Open Source Projects\", PROMISE 2019, licensed CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/); \
     taken from the winnawat/bugfixtime repository (MIT, copyright 2020 Win Nawat S.); reduced to UTC \
     calendar days of resolution";

/// The embedded reference histories, as [`encode`] writes them.
pub const EMBEDDED: &str = include_str!("../data/reference-histories.txt");

/// The reference histories: named public teams' done dates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceHistories {
    /// `(name, history)` ascending by name.
    projects: Vec<(String, TeamHistory)>,
}

impl ReferenceHistories {
    /// The histories shipped with leadup ([`EMBEDDED`]).
    pub fn shipped() -> Self {
        let projects = decode(EMBEDDED).expect("the embedded reference histories are well-formed (tested)");
        Self::new(projects)
    }

    /// Reference histories from named done dates.
    pub fn new(mut projects: Vec<(String, TeamHistory)>) -> Self {
        projects.sort_by(|a, b| a.0.cmp(&b.0));
        Self { projects }
    }

    /// The same histories without the one named `name` (for checking calibration on a project
    /// the reference never saw).
    #[must_use]
    pub fn without(&self, name: &str) -> Self {
        Self { projects: self.projects.iter().filter(|(n, _)| n != name).cloned().collect() }
    }

    /// The same histories without those equal to one of `histories` (a team whose done dates
    /// are a reference history's must not meet itself, or its own future, in its prior).
    #[must_use]
    pub fn without_matching<'a>(&self, histories: impl IntoIterator<Item = &'a TeamHistory>) -> Self {
        let mut projects = self.projects.clone();
        for history in histories {
            projects.retain(|(_, h)| h != history);
        }
        Self { projects }
    }

    /// The projects' names, ascending.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.projects.iter().map(|(n, _)| n.as_str())
    }

    /// `(name, history)` ascending by name.
    pub fn projects(&self) -> &[(String, TeamHistory)] {
        &self.projects
    }

    /// The number of histories.
    pub fn len(&self) -> usize {
        self.projects.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.projects.is_empty()
    }

    /// Every history's past forecasts of `question`, replayed every [`replay_step_days`] days
    /// (with `settings`' history window) up to its last done item: what each forecast's outcome
    /// became, or until when it was still pending. A calibration uses of these only what was
    /// known on its own date.
    pub fn replay(
        &self,
        question: Question,
        settings: &CalibrationSettings,
    ) -> Result<Vec<Arc<PastForecasts>>, ForecastError> {
        let settings = CalibrationSettings { replay_step_days: replay_step_days(question), ..*settings };
        self.projects
            .iter()
            .map(|(_, h)| PastForecasts::replay(h, h.last_done(), question, &settings).map(Arc::new))
            .collect()
    }
}

/// Named done dates in the compact text form of [`EMBEDDED`]: `#` comment lines first (the
/// attribution), then one line per project, ascending by name: the name, the first done date
/// (`YYYY-MM-DD`), and for each later day with something done the days since the previous such
/// day; every day's entry is followed by `*k` when `k > 1` items were done that day (the first
/// date's count follows it the same way).
pub fn encode(projects: &[(String, Vec<Date>)]) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(out, "# leadup reference histories: {ATTRIBUTION}.");
    let _ = writeln!(
        out,
        "# One project per line: name, first done date, then days since the previous day with something done; \"*k\": k items that day."
    );
    let mut sorted: Vec<&(String, Vec<Date>)> = projects.iter().filter(|(_, d)| !d.is_empty()).collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, dates) in sorted {
        let mut days: Vec<i32> = dates.iter().map(|d| d.to_julian_day()).collect();
        days.sort_unstable();
        out.push_str(name);
        let mut previous: Option<i32> = None;
        let mut i = 0;
        while i < days.len() {
            let day = days[i];
            let count = days[i..].partition_point(|&d| d == day);
            match previous {
                None => {
                    let _ = write!(out, " {}", date_of(day));
                }
                Some(p) => {
                    let _ = write!(out, " {}", day - p);
                }
            }
            if count > 1 {
                let _ = write!(out, "*{count}");
            }
            previous = Some(day);
            i += count;
        }
        out.push('\n');
    }
    out
}

/// Reads what [`encode`] wrote.
pub fn decode(text: &str) -> Result<Vec<(String, TeamHistory)>, ForecastError> {
    let bad = |line: usize, message: String| ForecastError::InvalidParameter {
        field: format!("reference histories, line {}", line + 1),
        message,
    };
    let mut projects = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut tokens = line.split(' ');
        let name = tokens.next().unwrap_or_default().to_owned();
        let mut done = Vec::new();
        let mut day: Option<i32> = None;
        for token in tokens {
            let (step, count) = match token.split_once('*') {
                Some((step, count)) => {
                    (step, count.parse::<usize>().map_err(|_| bad(n, format!("bad count in {token:?}")))?)
                }
                None => (token, 1),
            };
            let next = match day {
                None => Date::parse(step, time::macros::format_description!("[year]-[month]-[day]"))
                    .map_err(|_| bad(n, format!("bad first date {step:?}")))?
                    .to_julian_day(),
                Some(d) => d + step.parse::<i32>().map_err(|_| bad(n, format!("bad day step {token:?}")))?,
            };
            if count == 0 || day.is_some_and(|d| next <= d) {
                return Err(bad(n, format!("entries must be ascending with positive counts: {token:?}")));
            }
            done.extend(std::iter::repeat_n(date_of(next), count));
            day = Some(next);
        }
        let history = TeamHistory::new(done).map_err(|_| bad(n, format!("project {name:?} has no done dates")))?;
        projects.push((name, history));
    }
    Ok(projects)
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn encoding_round_trips() {
        let projects = vec![
            ("zeta".to_owned(), vec![date!(2020 - 01 - 03)]),
            ("alpha".to_owned(), vec![date!(2020 - 01 - 05), date!(2020 - 01 - 01), date!(2020 - 01 - 01)]),
        ];
        let text = encode(&projects);
        let body: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(body, ["alpha 2020-01-01*2 4", "zeta 2020-01-03"]);
        let decoded = decode(&text).unwrap();
        assert_eq!(decoded[0].0, "alpha");
        assert_eq!(decoded[0].1, TeamHistory::new(projects[1].1.clone()).unwrap());
        assert_eq!(decoded[1].1.len(), 1);
        assert!(text.starts_with("# leadup reference histories: Resolution dates"));
    }

    #[test]
    fn bad_text_is_refused_naming_the_line() {
        let err = decode("# c\nalpha 2020-01-01 0\n").unwrap_err();
        assert!(err.to_string().starts_with("reference histories, line 2: entries must be ascending"), "{err}");
        assert!(decode("alpha 2020-13-01").is_err());
        assert!(decode("alpha").is_err());
    }

    #[test]
    fn replays_are_spaced_in_proportion_to_the_items_asked_about() {
        let step = |items| replay_step_days(Question::When { items });
        assert_eq!([step(1), step(20), step(21), step(50), step(200)], [28, 28, 56, 84, 280]);
        assert_eq!(replay_step_days(Question::HowMany { days: 60 }), 28);
    }

    #[test]
    fn the_shipped_histories_are_the_31_apache_projects() {
        let reference = ReferenceHistories::shipped();
        assert_eq!(reference.len(), 31);
        assert_eq!(reference.projects().iter().map(|(_, h)| h.len()).sum::<usize>(), 28_256);
        let without = reference.without("kafka");
        assert_eq!(without.len(), 30);
        assert!(without.names().all(|n| n != "kafka"));
        let kafka = &reference.projects().iter().find(|(n, _)| n == "kafka").unwrap().1;
        assert_eq!(reference.without_matching([kafka]), without);
    }
}
