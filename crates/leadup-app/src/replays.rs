//! The replayed past forecasts that calibrations pool (the team's own, the workspace's other
//! teams', the reference histories'), kept so that a forecast does not replay every history
//! again: in the process (the most recent [`KEPT`]) and in the database, from which the
//! command line reads them before it forecasts ([`read`]) and to which it writes those it
//! replayed or carried forward ([`write`]). Each `leadup forecast --team` or `leadup backtest`
//! is a new process: without the database it replayed every team's history, every time.
//!
//! A history is replayed whole, as of the later of the forecast's day and its last done item:
//! a calibration uses only what was known at the end of its day, which a replay as of any later
//! day tells exactly as one as of that day would (`PastForecasts` keeps, per forecast, when its
//! outcome became known and how surprising it was day by day until then), so one replay per
//! history serves every team's calibration, whatever its day. A replay is found by what it was
//! made from: the history's digest, the question and the replay settings, as of a day at
//! least the one needed, so a kept replay is exactly what a fresh one would compute
//! (`tests/calibration.rs`, and `leadup/tests/progress_cli.rs` through the binary). One kept in
//! the database as of an earlier day is carried forward (`PastForecasts::carried_to`: settled
//! forecasts kept, pending ones and those due since replayed) when the history up to that day
//! is unchanged, and replayed whole when it is not (items imported into its past). The
//! database keeps one replay per history, question and settings (`leadup_store::StoredReplay`);
//! rows are derived data, and one that cannot be read is replayed again and replaced.

use std::sync::{Arc, Mutex, OnceLock};

use leadup_forecast::{CalibrationSettings, ForecastError, PastForecasts, Question, ReferenceHistories, TeamHistory};
use leadup_store::{Store, StoreError, StoredReplay};
use sha2::{Digest as _, Sha256};
use time::Date;

/// How many replays a process keeps.
const KEPT: usize = 512;

/// What a replay was made from (besides its day).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Key {
    /// The digest of the history replayed.
    digest: String,
    question: Question,
    history_days: u32,
    replay_step_days: u32,
}

impl Key {
    fn new(digest: String, question: Question, settings: &CalibrationSettings) -> Self {
        Self { digest, question, history_days: settings.history_days, replay_step_days: settings.replay_step_days }
    }
}

struct Entry {
    key: Key,
    /// The day the replay is as of.
    as_of: Date,
    /// Whose history, as the database names it (`team {id}`, `reference {name}`); `None` for a
    /// history that is not stored (e.g. in tests).
    subject: Option<String>,
    replay: Arc<PastForecasts>,
    /// Replayed or carried forward in this process and not yet written to the database.
    unsaved: bool,
}

static PROCESS: Mutex<Vec<Entry>> = Mutex::new(Vec::new());

/// The digest of a history's content.
pub fn digest(history: &TeamHistory) -> String {
    let mut hash = Sha256::new();
    for day in history.julian_days() {
        hash.update(day.to_le_bytes());
    }
    leadup_core::digest::hex(&hash.finalize())
}

/// A kept replay made from `key` as of `at_least` or later.
fn find(key: &Key, at_least: Date) -> Option<Arc<PastForecasts>> {
    let kept = PROCESS.lock().expect("not poisoned");
    kept.iter().find(|e| e.key == *key && e.as_of >= at_least).map(|e| Arc::clone(&e.replay))
}

/// Keeps a replay, in place of any of the same key as of an earlier day.
fn keep(key: Key, as_of: Date, subject: Option<String>, replay: &Arc<PastForecasts>, unsaved: bool) {
    let mut kept = PROCESS.lock().expect("not poisoned");
    if kept.iter().any(|e| e.key == key && e.as_of >= as_of) {
        return;
    }
    kept.retain(|e| e.key != key);
    if kept.len() >= KEPT {
        kept.remove(0);
    }
    kept.push(Entry { key, as_of, subject, replay: Arc::clone(replay), unsaved });
}

/// The day `history` is replayed as of for forecasts as of `day`: the later of the day and its
/// last done item.
pub fn replay_day(history: &TeamHistory, day: Date) -> Date {
    day.max(history.last_done())
}

/// `history` replayed for `question` as of [`replay_day`] (or later): kept, or replayed now
/// and kept. It serves calibrations as of `day` and any day before.
pub fn replay(
    subject: Option<String>,
    history: &TeamHistory,
    day: Date,
    question: Question,
    settings: &CalibrationSettings,
) -> Result<Arc<PastForecasts>, ForecastError> {
    let key = Key::new(digest(history), question, settings);
    let as_of = replay_day(history, day);
    if let Some(replay) = find(&key, as_of) {
        return Ok(replay);
    }
    let replay = Arc::new(PastForecasts::replay(history, as_of, question, settings)?);
    keep(key, as_of, subject, &replay, true);
    Ok(replay)
}

/// A reference history: the database's name for it, the history, its digest.
type Reference = (String, TeamHistory, String);

/// The reference histories shipped with leadup, decoded and digested once per process.
pub fn reference_histories() -> &'static [Reference] {
    static REFERENCE: OnceLock<Vec<Reference>> = OnceLock::new();
    REFERENCE.get_or_init(|| {
        ReferenceHistories::shipped()
            .projects()
            .iter()
            .map(|(name, history)| (format!("reference {name}"), history.clone(), digest(history)))
            .collect()
    })
}

/// The settings the reference histories are replayed with for `question` (see
/// `leadup_forecast::reference::replay_step_days`).
fn reference_settings(question: Question, settings: &CalibrationSettings) -> CalibrationSettings {
    CalibrationSettings { replay_step_days: leadup_forecast::reference::replay_step_days(question), ..*settings }
}

/// Every reference history with its replayed past forecasts of `question`, up to its last
/// done item (a calibration uses of them only what was known on its own day).
pub fn reference_replays(
    question: Question,
    settings: &CalibrationSettings,
) -> Result<Vec<(&'static TeamHistory, Arc<PastForecasts>)>, ForecastError> {
    let settings = reference_settings(question, settings);
    reference_histories()
        .iter()
        .map(|(subject, history, digest)| {
            let key = Key::new(digest.clone(), question, &settings);
            if let Some(replay) = find(&key, history.last_done()) {
                return Ok((history, replay));
            }
            let replay = Arc::new(PastForecasts::replay(history, history.last_done(), question, &settings)?);
            keep(key, history.last_done(), Some(subject.clone()), &replay, true);
            Ok((history, replay))
        })
        .collect()
}

/// The name the database keeps team `id`'s replays under.
pub fn team_subject(id: i64) -> String {
    format!("team {id}")
}

/// Reads the replays of `question` kept in the database into the process, for the workspace's
/// `teams` (each with its id), for forecasts as of `day` or before, and for the reference
/// histories: those replayed as of a late enough day as they are, those of an earlier day
/// carried forward when the history up to that day is unchanged. What is missing is replayed
/// when a forecast needs it.
pub async fn read(
    store: &Store,
    teams: &[(i64, &TeamHistory)],
    day: Date,
    question: Question,
    settings: &CalibrationSettings,
) -> Result<(), StoreError> {
    let asked = question.to_string();
    let stored = store.forecast_replays(&asked, settings.history_days, settings.replay_step_days, used_on()).await?;
    for row in stored {
        let Some((_, history)) = teams.iter().find(|(id, _)| team_subject(*id) == row.subject) else { continue };
        let key = Key::new(digest(history), question, settings);
        let needed = replay_day(history, day);
        if find(&key, needed).is_some() {
            continue;
        }
        let Some(kept) = decode(&row, question, settings) else { continue };
        if row.as_of >= needed && row.history_digest == key.digest {
            keep(key, row.as_of, Some(row.subject), &Arc::new(kept), false);
        } else if row.as_of < needed
            && history.known_on(row.as_of).is_some_and(|then| digest(&then) == row.history_digest)
            && let Ok(carried) = kept.carried_to(history, needed)
        {
            keep(key, needed, Some(row.subject), &Arc::new(carried), true);
        }
    }
    let settings = reference_settings(question, settings);
    let stored = store.forecast_replays(&asked, settings.history_days, settings.replay_step_days, used_on()).await?;
    for row in stored {
        let Some((_, history, digest)) = reference_histories().iter().find(|(subject, ..)| *subject == row.subject)
        else {
            continue;
        };
        let key = Key::new(digest.clone(), question, &settings);
        if row.history_digest != *digest || row.as_of != history.last_done() || find(&key, row.as_of).is_some() {
            continue;
        }
        if let Some(kept) = decode(&row, question, &settings) {
            keep(key, row.as_of, Some(row.subject), &Arc::new(kept), false);
        }
    }
    Ok(())
}

/// A stored replay, if it reads back as one of `question` with `settings` as of its row's day.
fn decode(row: &StoredReplay, question: Question, settings: &CalibrationSettings) -> Option<PastForecasts> {
    let kept = PastForecasts::decode(&row.replay).ok()?;
    (kept.question() == question && kept.settings() == settings && kept.as_of() == row.as_of).then_some(kept)
}

/// The day rows are marked as used on: the real day, whatever day a forecast is made as of
/// (the store deletes rows unused for 30 days).
fn used_on() -> Date {
    time::OffsetDateTime::now_utc().date()
}

/// Writes to the database the replays this process replayed or carried forward since the
/// last write; returns how many.
pub async fn write(store: &Store) -> Result<usize, StoreError> {
    let (keys, rows): (Vec<Key>, Vec<StoredReplay>) = {
        let kept = PROCESS.lock().expect("not poisoned");
        kept.iter()
            .filter(|e| e.unsaved)
            .filter_map(|e| {
                let replay = StoredReplay {
                    subject: e.subject.clone()?,
                    question: e.key.question.to_string(),
                    history_days: e.key.history_days,
                    replay_step_days: e.key.replay_step_days,
                    as_of: e.as_of,
                    history_digest: e.key.digest.clone(),
                    replay: e.replay.encode(),
                };
                Some((e.key.clone(), replay))
            })
            .unzip()
    };
    if rows.is_empty() {
        return Ok(0);
    }
    store.put_forecast_replays(&rows, used_on()).await?;
    let mut kept = PROCESS.lock().expect("not poisoned");
    for entry in kept.iter_mut().filter(|e| keys.contains(&e.key)) {
        entry.unsaved = false;
    }
    Ok(rows.len())
}
