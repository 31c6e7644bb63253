//! The four reported probability levels and the integers a forecast reports for them.

use serde::Serialize;

/// The reported probability levels, in the order of [`Percentiles`]' fields.
pub const LEVELS: [f64; 4] = [0.50, 0.70, 0.85, 0.95];

/// A forecast's P50/P70/P85/P95: days for "when", items for "how many".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Percentiles {
    /// At the 50% level.
    pub p50: u32,
    /// At the 70% level.
    pub p70: u32,
    /// At the 85% level.
    pub p85: u32,
    /// At the 95% level.
    pub p95: u32,
}

impl Percentiles {
    /// The values in the order of [`LEVELS`].
    pub fn to_array(self) -> [u32; 4] {
        [self.p50, self.p70, self.p85, self.p95]
    }

    /// Percentiles from values in the order of [`LEVELS`].
    pub fn from_array([p50, p70, p85, p95]: [u32; 4]) -> Self {
        Self { p50, p70, p85, p95 }
    }
}

/// The "surprise" of a tail probability: `-ln(tail)`.
///
/// Forecasts and calibration meet on this scale. A raw forecast's Pxx is where the probability
/// of an outcome at least as bad (later, or fewer items) falls to `1 - xx`, that is where the
/// surprise reaches `-ln(1 - xx)`; a calibrated forecast moves that threshold. The log scale
/// keeps far tails (probabilities like 1e-40) exact where `1 - p` would round to 1.
pub(crate) fn surprise_of_level(level: f64) -> f64 {
    -(-level).ln_1p()
}

/// Relative slack when comparing a computed probability with a level, so that a probability
/// that is exactly the level in exact arithmetic is not missed by a rounding error.
pub(crate) const LOG_SLACK: f64 = 1e-9;
