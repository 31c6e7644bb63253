//! Exact forecasts for one team and one question: "when will N items be done?" and "how many
//! items in D days?".
//!
//! Each future day draws its done count from the history's days uniformly and independently.
//! Both answers are computed exactly: the D-day total is the D-fold convolution of the daily
//! distribution, and the completion day follows from a day-by-day recursion over the count done
//! so far, capped at N. There is no sampling noise, so identical input gives identical output.

use crate::ForecastError;
use crate::percentiles::{LEVELS, LOG_SLACK, Percentiles, surprise_of_level};
use crate::throughput::DailyDistribution;

/// Limits of a "when" computation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WhenOptions {
    /// The most days computed; a distribution that has not reached P95 by then is an error.
    pub max_days: u32,
    /// The precomputed part of the distribution ends once P(done) ≥ 1 - `tolerance`; later days
    /// are computed on demand, still exactly.
    pub tolerance: f64,
}

impl Default for WhenOptions {
    fn default() -> Self {
        Self { max_days: 10_000, tolerance: 1e-4 }
    }
}

/// The largest `days` a "how many" forecast computes (ten years).
pub const MAX_HOW_MANY_DAYS: u32 = 3_660;

/// The exact distribution of the number of days until `items` items are done.
#[derive(Debug, Clone)]
pub struct WhenForecast {
    items: u32,
    daily: DailyDistribution,
    max_days: u32,
    /// `ln P(not done within d days)` for `d = 0..=computed days`.
    log_survival: Vec<f64>,
    /// The recursion's state after the last computed day, to continue on demand.
    chain: Chain,
}

/// "When will `items` items be done?", from a daily throughput history (oldest first).
///
/// Errors if the history is empty, has nothing done on any day, `items` is zero, or P95 lies
/// beyond [`WhenOptions::default`]'s horizon.
pub fn when(history: &[u32], items: u32) -> Result<WhenForecast, ForecastError> {
    when_with(history, items, WhenOptions::default())
}

/// [`when`] with explicit limits.
pub fn when_with(history: &[u32], items: u32, options: WhenOptions) -> Result<WhenForecast, ForecastError> {
    let daily = DailyDistribution::new(history)?;
    WhenForecast::new(daily, items, options)
}

impl WhenForecast {
    /// The forecast for a daily distribution.
    pub fn new(daily: DailyDistribution, items: u32, options: WhenOptions) -> Result<Self, ForecastError> {
        if items == 0 {
            return Err(ForecastError::ZeroItems);
        }
        if daily.is_all_zero() {
            return Err(ForecastError::NoThroughput { days: daily.history_days() });
        }
        let stop = options.tolerance.max(f64::MIN_POSITIVE).ln();
        let mut chain = Chain::new(items);
        let mut log_survival = vec![0.0];
        while log_survival[log_survival.len() - 1] > stop && log_survival.len() <= options.max_days as usize {
            log_survival.push(chain.step(daily.outcomes()));
        }
        let forecast = Self { items, daily, max_days: options.max_days, log_survival, chain };
        let p95 = surprise_of_level(LEVELS[3]);
        if forecast.days_for_surprise(p95).is_none() {
            return Err(ForecastError::HorizonExceeded {
                level: LEVELS[3],
                max_days: options.max_days,
                probability_done: forecast.probability_within(options.max_days),
            });
        }
        Ok(forecast)
    }

    /// The number of items forecast.
    pub fn items(&self) -> u32 {
        self.items
    }

    /// The daily distribution the forecast was computed from.
    pub fn daily(&self) -> &DailyDistribution {
        &self.daily
    }

    /// Whether P(done) reached 1 - tolerance within the horizon (else the tail beyond
    /// `max_days` is unknown and `percentile` answers `None` for levels in it).
    pub fn complete(&self) -> bool {
        self.log_survival.len() <= self.max_days as usize
    }

    /// P(all items done within `days` days), exact for any `days` up to the horizon and
    /// computed on demand beyond the precomputed part.
    pub fn probability_within(&self, days: u32) -> f64 {
        -self.log_survival(days).exp_m1()
    }

    /// `ln P(not all done within days)`, exact also far in the tail where it is tiny.
    pub fn log_survival(&self, days: u32) -> f64 {
        let d = days.min(self.max_days) as usize;
        if let Some(&ls) = self.log_survival.get(d) {
            return ls;
        }
        let mut chain = self.chain.clone();
        let mut ls = self.log_survival[self.log_survival.len() - 1];
        for _ in self.log_survival.len()..=d {
            ls = chain.step(self.daily.outcomes());
        }
        ls
    }

    /// The smallest number of days `d` with P(done within d days) ≥ `level`, or `None` if that
    /// lies beyond the horizon. `level` must be in (0, 1).
    pub fn percentile(&self, level: f64) -> Option<u32> {
        self.days_for_surprise(surprise_of_level(level))
    }

    /// P50/P70/P85/P95 in days.
    pub fn percentiles(&self) -> Percentiles {
        Percentiles::from_array(LEVELS.map(|q| self.percentile(q).expect("P95 is within the horizon")))
    }

    /// The smallest `d` with `-ln P(not done within d) ≥ surprise`, computing further days on
    /// demand up to the horizon.
    pub(crate) fn days_for_surprise(&self, surprise: f64) -> Option<u32> {
        let threshold = -surprise + LOG_SLACK;
        let d = self.log_survival.partition_point(|&ls| ls > threshold);
        if d < self.log_survival.len() {
            return Some(d as u32);
        }
        if surprise.is_infinite() {
            return None;
        }
        let mut chain = self.chain.clone();
        for d in self.log_survival.len()..=self.max_days as usize {
            if chain.step(self.daily.outcomes()) <= threshold {
                return Some(d as u32);
            }
        }
        None
    }

    /// `-ln P(not done within d)` for `d = 0..=days` without the rest of a forecast: what a
    /// replayed past forecast needs. `None` for a history with nothing done.
    pub(crate) fn surprise_curve_of(daily: &DailyDistribution, items: u32, days: u32) -> Option<Vec<f64>> {
        if daily.is_all_zero() || items == 0 {
            return None;
        }
        let mut chain = Chain::new(items);
        let mut curve = Vec::with_capacity(days as usize + 1);
        curve.push(0.0);
        for _ in 0..days {
            curve.push(-chain.step(daily.outcomes()));
        }
        Some(curve)
    }
}

/// The day-by-day recursion of "how many of the items are done so far", for counts below N.
///
/// The mass still below N shrinks geometrically; it is rescaled when tiny and its logarithm
/// carried in `log_scale`, so far-tail probabilities stay exact instead of underflowing.
#[derive(Debug, Clone)]
struct Chain {
    mass: Vec<f64>,
    next: Vec<f64>,
    log_scale: f64,
}

impl Chain {
    fn new(items: u32) -> Self {
        let mut mass = vec![0.0; items as usize];
        mass[0] = 1.0;
        Self { next: vec![0.0; mass.len()], mass, log_scale: 0.0 }
    }

    /// Advances one day; returns `ln P(not done)` after it.
    fn step(&mut self, outcomes: &[(u32, f64)]) -> f64 {
        let n = self.mass.len();
        self.next.fill(0.0);
        for &(v, p) in outcomes {
            let v = v as usize;
            if v >= n {
                break;
            }
            let (to, from) = (&mut self.next[v..], &self.mass[..n - v]);
            for c in 0..from.len() {
                to[c] += p * from[c];
            }
        }
        std::mem::swap(&mut self.mass, &mut self.next);
        let mut total = 0.0;
        for &m in &self.mass {
            total += m;
        }
        if total == 0.0 {
            return f64::NEG_INFINITY;
        }
        if total < 1e-100 {
            self.mass.iter_mut().for_each(|m| *m /= total);
            self.log_scale += total.ln();
            return self.log_scale;
        }
        total.ln() + self.log_scale
    }
}

/// The exact distribution of the number of items done in a number of days.
#[derive(Debug, Clone)]
pub struct HowManyForecast {
    days: u32,
    /// `P(total = c)`.
    pmf: Vec<f64>,
    /// `P(total ≥ c)`, summed from the top so upper tails are accurate.
    at_least: Vec<f64>,
    /// `P(total ≤ c)`, summed from the bottom so lower tails are accurate.
    at_most: Vec<f64>,
}

/// "How many items will be done in `days` days?", from a daily throughput history (oldest first).
pub fn how_many(history: &[u32], days: u32) -> Result<HowManyForecast, ForecastError> {
    HowManyForecast::new(&DailyDistribution::new(history)?, days)
}

impl HowManyForecast {
    /// The forecast for a daily distribution.
    pub fn new(daily: &DailyDistribution, days: u32) -> Result<Self, ForecastError> {
        if days == 0 {
            return Err(ForecastError::ZeroDays);
        }
        if days > MAX_HOW_MANY_DAYS {
            return Err(ForecastError::TooManyDays { days, max: MAX_HOW_MANY_DAYS });
        }
        let max = daily.max() as usize;
        let mut pmf = vec![0.0; days as usize * max + 1];
        let mut next = pmf.clone();
        pmf[0] = 1.0;
        for day in 0..days as usize {
            let len = day * max + 1;
            next[..len + max].fill(0.0);
            for &(v, p) in daily.outcomes() {
                let v = v as usize;
                for (to, &from) in next[v..v + len].iter_mut().zip(&pmf[..len]) {
                    *to += p * from;
                }
            }
            std::mem::swap(&mut pmf, &mut next);
        }
        let mut at_least = vec![0.0; pmf.len() + 1];
        for c in (0..pmf.len()).rev() {
            at_least[c] = at_least[c + 1] + pmf[c];
        }
        let mut at_most = Vec::with_capacity(pmf.len());
        let mut sum = 0.0;
        for &p in &pmf {
            sum += p;
            at_most.push(sum);
        }
        Ok(Self { days, pmf, at_least, at_most })
    }

    /// The number of days forecast.
    pub fn days(&self) -> u32 {
        self.days
    }

    /// P(exactly `count` items done).
    pub fn probability_of(&self, count: u32) -> f64 {
        self.pmf.get(count as usize).copied().unwrap_or(0.0)
    }

    /// P(at least `count` items done).
    pub fn probability_at_least(&self, count: u32) -> f64 {
        self.at_least.get(count as usize).copied().unwrap_or(0.0).min(1.0)
    }

    /// The largest count `c` with P(at least c items) ≥ `level`.
    pub fn percentile(&self, level: f64) -> u32 {
        self.count_for_surprise(surprise_of_level(level))
    }

    /// P50/P70/P85/P95 in items.
    pub fn percentiles(&self) -> Percentiles {
        Percentiles::from_array(LEVELS.map(|q| self.percentile(q)))
    }

    /// The largest `c` with `-ln P(total ≤ c - 1) ≥ surprise` (`c = 0` always qualifies).
    pub(crate) fn count_for_surprise(&self, surprise: f64) -> u32 {
        let threshold = -surprise + LOG_SLACK;
        // at_most is ascending; count c qualifies when ln at_most[c - 1] <= threshold.
        self.at_most.partition_point(|&p| p.ln() <= threshold) as u32
    }

    /// `-ln P(total ≤ count)`: how surprising it is that no more than `count` were done.
    pub(crate) fn surprise_of(&self, count: u32) -> f64 {
        match self.at_most.get(count as usize) {
            Some(&p) => -p.min(1.0).ln(),
            None => 0.0,
        }
    }
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // The values compared are exact binary fractions.
mod tests {
    use super::*;

    #[test]
    fn one_item_a_day_is_certain() {
        let f = when(&[1, 1, 1], 5).unwrap();
        assert_eq!(f.percentiles(), Percentiles { p50: 5, p70: 5, p85: 5, p95: 5 });
        assert!(f.probability_within(4).abs() < 1e-15);
        assert!((f.probability_within(5) - 1.0).abs() < 1e-15);
        let h = how_many(&[1, 1, 1], 7).unwrap();
        assert_eq!(h.percentiles(), Percentiles { p50: 7, p70: 7, p85: 7, p95: 7 });
    }

    #[test]
    fn coin_flip_days_match_the_negative_binomial() {
        // Half the days one item, half none: the day of the 2nd item is negative binomial.
        let f = when(&[0, 1], 2).unwrap();
        // P(T <= d) = 1 - (1 + d) / 2^d
        for d in 0..30_u32 {
            let exact = 1.0 - f64::from(1 + d) / 2f64.powi(d as i32);
            assert!((f.probability_within(d) - exact).abs() < 1e-12, "day {d}");
        }
        // P(T <= 3) = 0.5 exactly: the P50 is 3, not 4.
        assert_eq!(f.percentile(0.5), Some(3));
        // Far beyond the precomputed part, still exact: ln P(T > 200) = ln(201) - 200 ln 2.
        let expected = 201f64.ln() - 200.0 * 2f64.ln();
        assert!((f.log_survival(200) - expected).abs() < 1e-9);
    }

    #[test]
    fn how_many_of_coin_flips_is_binomial() {
        let h = how_many(&[0, 1], 4).unwrap();
        let expected = [1.0, 4.0, 6.0, 4.0, 1.0].map(|c| c / 16.0);
        for (c, p) in expected.iter().enumerate() {
            assert!((h.probability_of(c as u32) - p).abs() < 1e-15);
        }
        // P(at least 2) = 11/16 reaches 0.5, not 0.7; P(at least 1) = 15/16 reaches 0.85, not 0.95.
        assert_eq!(h.percentiles(), Percentiles { p50: 2, p70: 1, p85: 1, p95: 0 });
        assert!((h.probability_at_least(3) - 5.0 / 16.0).abs() < 1e-15);
        assert_eq!(h.probability_at_least(9), 0.0);
    }

    #[test]
    fn unusable_input_is_an_error() {
        assert_eq!(when(&[], 3).unwrap_err(), ForecastError::EmptyHistory);
        assert_eq!(when(&[0, 0, 0], 3).unwrap_err(), ForecastError::NoThroughput { days: 3 });
        assert_eq!(when(&[1], 0).unwrap_err(), ForecastError::ZeroItems);
        assert_eq!(how_many(&[1], 0).unwrap_err(), ForecastError::ZeroDays);
        assert!(matches!(how_many(&[1], 10_000), Err(ForecastError::TooManyDays { .. })));
        let slow = when_with(&[1, 0, 0, 0], 100, WhenOptions { max_days: 200, tolerance: 1e-4 });
        assert!(matches!(slow, Err(ForecastError::HorizonExceeded { max_days: 200, .. })));
        // Nothing done is a valid "how many" history: nothing will be done.
        assert_eq!(how_many(&[0, 0], 5).unwrap().percentiles().p50, 0);
    }
}
