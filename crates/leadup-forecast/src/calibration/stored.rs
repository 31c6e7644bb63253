//! Replayed past forecasts kept between runs: carried forward to a later day without replaying
//! what was already settled, and written to and read back from bytes, so that a store can keep
//! them (leadup keeps them in its database, see `leadup_app::replays`).
//!
//! A replay as of day A of a history is the replay as of A of any longer history that holds
//! the same items up to A: every forecast uses only the items done by the day it was made, and
//! an outcome known by A only those done by A. Carrying it forward to day B therefore keeps the
//! forecasts whose outcome was known by A, replays those still pending, and adds those made
//! from A to B; the result is exactly the replay as of B (tested below).

use time::Date;

use super::{CalibrationSettings, PastForecast, PastForecasts, known_by_surprise, replay_one};
use crate::ForecastError;
use crate::question::Question;
use crate::throughput::TeamHistory;

/// The first bytes of an encoded replay, with the format's version.
const MAGIC: &[u8; 4] = b"LPF1";

impl PastForecasts {
    /// These forecasts carried forward to the end of `as_of`, for `history`, which must hold
    /// exactly the items of the history these were replayed from up to the day they were made
    /// as of ([`Self::as_of`]), and may hold more after it. Pending outcomes are looked at
    /// again and the forecasts due since are replayed; settled ones are kept as they are.
    /// A day before [`Self::as_of`] replays everything.
    pub fn carried_to(&self, history: &TeamHistory, as_of: Date) -> Result<Self, ForecastError> {
        let to = as_of.to_julian_day();
        if to < self.as_of || history.first_day() != self.first_day {
            return Self::replay(history, as_of, self.question, &self.settings);
        }
        let history_days = self.settings.history_days;
        let mut forecasts = Vec::with_capacity(self.forecasts.len() + 1);
        for past in &self.forecasts {
            if past.outcome.is_some() {
                forecasts.push(past.clone());
            } else if let Some(again) = replay_one(history, past.made_on, to, self.question, history_days) {
                forecasts.push(again);
            }
        }
        let (start, step) = (self.first_day + history_days as i32, self.settings.replay_step_days as i32);
        let mut day = if self.as_of <= start { start } else { start + (self.as_of - start + step - 1) / step * step };
        while day < to {
            if let Some(past) = replay_one(history, day, to, self.question, history_days) {
                forecasts.push(past);
            }
            day += step;
        }
        let known_by_surprise = known_by_surprise(&forecasts);
        Ok(Self { as_of: to, forecasts, known_by_surprise, ..self.clone_header() })
    }

    /// Refuses these forecasts for a calibration of `question` as of `as_of` with `settings`
    /// on `history`, unless they were replayed for that question with those settings, from
    /// that history (checked by its first day: its content is the caller's to vouch for), as
    /// of `as_of` or a later day: a calibration uses only what was known at the end of its day,
    /// which a later replay of the same history tells exactly as one as of that day would.
    pub(crate) fn check_made_for(
        &self,
        history: &TeamHistory,
        as_of: Date,
        question: Question,
        settings: &CalibrationSettings,
    ) -> Result<(), ForecastError> {
        let made_for = (self.question, self.settings, self.first_day);
        if made_for == (question, *settings, history.first_day()) && self.as_of >= as_of.to_julian_day() {
            return Ok(());
        }
        Err(ForecastError::InvalidParameter {
            field: "replay".to_owned(),
            message: format!(
                "the past forecasts were replayed for \"{}\" as of {} but are asked for \"{question}\" as of {as_of}",
                self.question,
                self.as_of()
            ),
        })
    }

    /// Everything but the forecasts.
    fn clone_header(&self) -> Self {
        Self {
            question: self.question,
            settings: self.settings,
            first_day: self.first_day,
            as_of: self.as_of,
            forecasts: Vec::new(),
            known_by_surprise: Vec::new(),
        }
    }

    /// The forecasts as bytes, which [`Self::decode`] reads back into an equal value.
    pub fn encode(&self) -> Vec<u8> {
        let pending: usize = self.forecasts.iter().map(|f| f.pending.len()).sum();
        let mut out = Vec::with_capacity(48 + self.forecasts.len() * 21 + pending * 8);
        out.extend_from_slice(MAGIC);
        let (kind, value) = match self.question {
            Question::When { items } => (0_u8, items),
            Question::HowMany { days } => (1, days),
        };
        out.push(kind);
        out.extend_from_slice(&value.to_le_bytes());
        out.extend_from_slice(&self.settings.history_days.to_le_bytes());
        out.extend_from_slice(&self.settings.replay_step_days.to_le_bytes());
        out.extend_from_slice(&self.settings.prior_weight.to_le_bytes());
        out.extend_from_slice(&self.first_day.to_le_bytes());
        out.extend_from_slice(&self.as_of.to_le_bytes());
        out.extend_from_slice(&(self.forecasts.len() as u32).to_le_bytes());
        for past in &self.forecasts {
            out.extend_from_slice(&past.made_on.to_le_bytes());
            out.extend_from_slice(&(past.pending.len() as u32).to_le_bytes());
            for surprise in &past.pending {
                out.extend_from_slice(&surprise.to_le_bytes());
            }
            match past.outcome {
                Some((surprise, known_on)) => {
                    out.push(1);
                    out.extend_from_slice(&surprise.to_le_bytes());
                    out.extend_from_slice(&known_on.to_le_bytes());
                }
                None => out.push(0),
            }
        }
        out
    }

    /// Forecasts written by [`Self::encode`]; anything else is refused, saying where it fails.
    pub fn decode(bytes: &[u8]) -> Result<Self, ForecastError> {
        let mut r = Reader { bytes, at: 0 };
        if r.take(4)? != MAGIC {
            return Err(bad("it does not start with the replay format's mark"));
        }
        let question = match (r.u8()?, r.u32()?) {
            (0, items) => Question::When { items },
            (1, days) => Question::HowMany { days },
            _ => return Err(bad("unknown question kind")),
        }
        .validate()?;
        let settings =
            CalibrationSettings { history_days: r.u32()?, replay_step_days: r.u32()?, prior_weight: r.f64()? }
                .validate()?;
        let (first_day, as_of) = (r.i32()?, r.i32()?);
        let count = r.u32()? as usize;
        // Each forecast takes at least 9 bytes: a count no file could hold is refused before
        // anything is allocated for it.
        if count > r.remaining() / 9 {
            return Err(bad("more forecasts than bytes"));
        }
        let mut forecasts = Vec::with_capacity(count);
        for _ in 0..count {
            let made_on = r.i32()?;
            let len = r.u32()? as usize;
            if len > r.remaining() / 8 {
                return Err(bad("a pending curve longer than the bytes left"));
            }
            let pending = (0..len).map(|_| r.f64()).collect::<Result<Vec<_>, _>>()?;
            let outcome = match r.u8()? {
                0 => None,
                1 => Some((r.f64()?, r.i32()?)),
                _ => return Err(bad("an outcome mark that is neither 0 nor 1")),
            };
            forecasts.push(PastForecast { made_on, pending, outcome });
        }
        if r.remaining() != 0 {
            return Err(bad("bytes left after the last forecast"));
        }
        let known_by_surprise = known_by_surprise(&forecasts);
        Ok(Self { question, settings, first_day, as_of, forecasts, known_by_surprise })
    }
}

fn bad(reason: &str) -> ForecastError {
    ForecastError::InvalidParameter { field: "replay".to_owned(), message: format!("not a stored replay: {reason}") }
}

/// Reads little-endian values off a byte slice.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn remaining(&self) -> usize {
        self.bytes.len() - self.at
    }

    fn take(&mut self, n: usize) -> Result<&[u8], ForecastError> {
        if self.remaining() < n {
            return Err(bad("it ends too early"));
        }
        self.at += n;
        Ok(&self.bytes[self.at - n..self.at])
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], ForecastError> {
        Ok(self.take(N)?.try_into().expect("took N bytes"))
    }

    fn u8(&mut self) -> Result<u8, ForecastError> {
        Ok(self.take(1)?[0])
    }

    fn u32(&mut self) -> Result<u32, ForecastError> {
        self.array().map(u32::from_le_bytes)
    }

    fn i32(&mut self) -> Result<i32, ForecastError> {
        self.array().map(i32::from_le_bytes)
    }

    fn f64(&mut self) -> Result<f64, ForecastError> {
        self.array().map(f64::from_le_bytes)
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;
    use crate::reference::ReferenceHistories;

    fn settings() -> CalibrationSettings {
        CalibrationSettings::default()
    }

    #[test]
    fn carried_forward_a_replay_equals_a_fresh_replay() {
        let reference = ReferenceHistories::shipped();
        let (_, history) = &reference.projects()[3];
        let start = history.first_done() + time::Duration::days(400);
        for question in [Question::When { items: 12 }, Question::HowMany { days: 30 }] {
            for (from, to) in [(0, 1), (0, 6), (0, 7), (3, 40), (10, 365)] {
                let (a, b) = (start + time::Duration::days(from), start + time::Duration::days(to));
                let earlier = PastForecasts::replay(&history.known_on(a).unwrap(), a, question, &settings()).unwrap();
                let fresh = PastForecasts::replay(&history.known_on(b).unwrap(), b, question, &settings()).unwrap();
                let carried = earlier.carried_to(&history.known_on(b).unwrap(), b).unwrap();
                assert_eq!(carried, fresh, "{question:?} from {a} to {b}");
                // Something really changed in between: not a comparison of two equal replays.
                if to - from >= 40 {
                    assert!(fresh.len() > earlier.len(), "{} {}", fresh.len(), earlier.len());
                }
            }
        }
    }

    #[test]
    fn a_replay_reads_back_equal_and_damage_is_refused() {
        let reference = ReferenceHistories::shipped();
        let (_, history) = &reference.projects()[0];
        let past =
            PastForecasts::replay(history, history.last_done(), Question::When { items: 20 }, &settings()).unwrap();
        assert!(past.len() > 50, "{}", past.len());
        let bytes = past.encode();
        assert_eq!(PastForecasts::decode(&bytes).unwrap(), past);
        assert_eq!(past.as_of(), history.last_done());
        for cut in [0, 3, 4, 20, bytes.len() / 2, bytes.len() - 1] {
            let error = PastForecasts::decode(&bytes[..cut]).unwrap_err().to_string();
            assert!(error.starts_with("replay: not a stored replay"), "{cut}: {error}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(PastForecasts::decode(&longer).unwrap_err().to_string().contains("bytes left"));
        let mut huge = bytes;
        huge[33..37].copy_from_slice(&u32::MAX.to_le_bytes()); // the forecast count
        assert!(PastForecasts::decode(&huge).unwrap_err().to_string().contains("more forecasts than bytes"));
    }

    #[test]
    fn a_day_before_the_replay_replays_everything() {
        let reference = ReferenceHistories::shipped();
        let (_, history) = &reference.projects()[1];
        let question = Question::When { items: 5 };
        let late = PastForecasts::replay(history, history.last_done(), question, &settings()).unwrap();
        let day = date!(2015 - 06 - 01).max(history.first_done() + time::Duration::days(200));
        let known = history.known_on(day).unwrap();
        let back = late.carried_to(&known, day).unwrap();
        assert_eq!(back, PastForecasts::replay(&known, day, question, &settings()).unwrap());
    }
}
