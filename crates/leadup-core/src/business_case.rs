//! Business cases: net present value, return on investment and payback of a proposal, for a
//! low, an expected and a high estimate of its benefits, with a small sensitivity table.
//!
//! # Input
//!
//! A discount rate `r` per period, a one-off cost `C` paid at time 0, a recurring cost `R`
//! paid in every period, and for each scenario one benefit `B_i` per period `i = 1..=n`.
//! Amounts are integer minor units (cents) and never negative; `-1 < r < 10` (more than
//! -100% and less than 1000% per period); the three scenarios cover the same `n >= 1`
//! periods. [`BusinessCaseInput::validate`] names every field that breaks these rules.
//!
//! # Formulas
//!
//! The one-off cost falls at time 0 and is not discounted; period `i` (from 1) brings the
//! net flow `N_i = B_i - R`, discounted by `(1 + r)^i`:
//!
//! ```text
//! NPV = sum_{i=1..n} (B_i - R) / (1 + r)^i  -  C
//!
//! PV(benefits) = sum_{i=1..n} B_i / (1 + r)^i
//! PV(costs)    = C + sum_{i=1..n} R / (1 + r)^i
//! ROI          = (PV(benefits) - PV(costs)) / PV(costs)      (= NPV / PV(costs))
//! ```
//!
//! NPV is rounded to a whole minor unit, half away from zero (-0.5 becomes -1). ROI is a
//! fraction (0.25 is 25%) and is `null` when `PV(costs) = 0`, that is when there is neither a
//! one-off nor a recurring cost: a return on nothing spent is not a number.
//!
//! Payback is counted on undiscounted flows. With the cumulative net flow
//! `S_k = N_1 + ... + N_k` (`S_0 = 0`), payback falls in the first period `k` with
//! `S_k >= C`, interpolated linearly inside it:
//!
//! ```text
//! payback = (k - 1) + (C - S_{k-1}) / N_k
//! ```
//!
//! (`N_k > 0` there, since `S_{k-1} < C <= S_k`.) It is `k` exactly when `S_k = C`, `0` when
//! there is no one-off cost (nothing to recover), and `null` when `S_k < C` for every `k`.
//! Payback counts the first time the cost is recovered, even if later periods lose money.
//!
//! # Sensitivity
//!
//! The expected scenario's NPV, rounded as above:
//! - `by_discount_rate`: at `r - 0.05`, `r` and `r + 0.05` (five percentage points either
//!   side; the shifted rates rounded to 12 decimals, so 0.1 + 0.05 is 0.15). A shifted rate
//!   outside `(-1, 10)`, or one at which the present values grow past what can be computed to
//!   a minor unit (see below), is left out.
//! - `by_benefits`: with every benefit multiplied by 0.8, 1.0 and 1.2 (not rounded to a minor
//!   unit before discounting); costs stay as they are.
//!
//! # Precision
//!
//! The maths is in `f64`, which holds 15 to 16 significant digits: while every term stays
//! below [`MAX_PRESENT_VALUE`] (10^15 minor units, ten trillion in major units) each is
//! within a fraction of a minor unit (at most 1/8 at the limit). Validation refuses
//! a case whose present values, at its own rate and with benefits raised by 20%, could go
//! past that: amounts above it, or a negative rate compounding over many periods
//! (`1 / (1 - 0.9)^30` is 10^30). Payback is computed on integers, exactly.
//!
//! # Worked example
//!
//! `r = 0.1`, `C = 100000`, `R = 20000`, expected benefits `[60000, 60000, 60000]`: net flows
//! 40000 each, discounted 36363.636 + 33057.851 + 30052.592 = 99474.080, so NPV = -525.920,
//! rounded -526. PV(benefits) = 149211.119, PV(costs) = 100000 + 49737.040 = 149737.040,
//! ROI = -525.920 / 149737.040 = -0.0035123. Cumulative net flows 40000, 80000, 120000 reach
//! 100000 in period 3: payback = 2 + (100000 - 80000) / 40000 = 2.5 periods.

use serde::{Deserialize, Serialize};

use crate::ValidationErrors;

/// The lowest discount rate refused: -100% per period, where `1 + r` is 0 and discounting
/// would divide by it.
pub const MIN_RATE: f64 = -1.0;
/// The highest discount rate refused: 1000% per period.
pub const MAX_RATE: f64 = 10.0;
/// How far the sensitivity table moves the discount rate either side: five percentage points.
pub const RATE_STEP: f64 = 0.05;
/// The factors the sensitivity table applies to the expected benefits.
pub const BENEFIT_FACTORS: [f64; 3] = [0.8, 1.0, 1.2];
/// The largest present value, in minor units, that the maths computes to a minor unit.
pub const MAX_PRESENT_VALUE: f64 = 1e15;

/// A business case as entered: amounts in minor units, one benefit per period and scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BusinessCaseInput {
    /// The discount rate per period as a fraction (0.1 is 10%).
    pub discount_rate: f64,
    /// Paid once, at time 0, in minor units.
    pub one_off_cost: i64,
    /// Paid in every period, in minor units.
    pub recurring_cost: i64,
    /// The benefit of each period, per scenario.
    pub benefits: BenefitsInput,
}

/// The benefits per period of the three scenarios, in minor units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BenefitsInput {
    /// The pessimistic estimate.
    pub low: Vec<i64>,
    /// The most likely estimate.
    pub expected: Vec<i64>,
    /// The optimistic estimate.
    pub high: Vec<i64>,
}

impl BenefitsInput {
    fn scenarios(&self) -> [(&'static str, &[i64]); 3] {
        [("low", &self.low), ("expected", &self.expected), ("high", &self.high)]
    }
}

/// A validated business case; only [`BusinessCaseInput::validate`] builds one, so its rate is
/// in range, its amounts non-negative and its three scenarios of equal, non-zero length.
#[derive(Debug, Clone, PartialEq)]
pub struct BusinessCase {
    discount_rate: f64,
    one_off_cost: i64,
    recurring_cost: i64,
    benefits: BenefitsInput,
}

impl BusinessCaseInput {
    /// Checks every field and names each one that is invalid (`discount_rate`,
    /// `benefits.expected[1]`, `benefits.low`, ...).
    pub fn validate(self) -> Result<BusinessCase, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let rate = self.discount_rate;
        if !rate.is_finite() {
            errors.add("discount_rate", "must be a finite number");
        } else if !in_rate_range(rate) {
            errors.add(
                "discount_rate",
                format!("must be more than -1 (-100%) and less than 10 (1000%) per period (got {rate})"),
            );
        }
        check_amount(&mut errors, "one_off_cost", self.one_off_cost);
        check_amount(&mut errors, "recurring_cost", self.recurring_cost);
        let periods = self.benefits.expected.len();
        for (name, values) in self.benefits.scenarios() {
            let field = format!("benefits.{name}");
            if values.is_empty() {
                errors.add(&field, "must have at least one period (one benefit per period)");
            } else if periods > 0 && values.len() != periods {
                errors.add(
                    &field,
                    format!(
                        "has {} periods but benefits.expected has {periods}: \
                         the three scenarios must cover the same periods",
                        values.len()
                    ),
                );
            }
            for (i, &amount) in values.iter().enumerate() {
                check_amount(&mut errors, &format!("{field}[{i}]"), amount);
            }
        }
        if errors.0.is_empty() {
            check_magnitude(&mut errors, &self);
        }
        errors.into_result(|| BusinessCase {
            discount_rate: rate,
            one_off_cost: self.one_off_cost,
            recurring_cost: self.recurring_cost,
            benefits: self.benefits,
        })
    }
}

fn in_rate_range(rate: f64) -> bool {
    rate > MIN_RATE && rate < MAX_RATE
}

fn check_amount(errors: &mut ValidationErrors, field: &str, minor: i64) {
    if minor < 0 {
        errors.add(field, format!("must not be negative (got {minor})"));
    } else if minor as f64 > MAX_PRESENT_VALUE {
        errors.add(field, format!("must be at most {} minor units (got {minor})", MAX_PRESENT_VALUE as i64));
    }
}

/// Refuses a case whose present values could outgrow [`MAX_PRESENT_VALUE`]: each scenario at
/// the case's rate, with benefits raised by the largest sensitivity factor.
fn check_magnitude(errors: &mut ValidationErrors, input: &BusinessCaseInput) {
    let largest_factor = BENEFIT_FACTORS.iter().copied().fold(1.0, f64::max);
    let largest = input
        .benefits
        .scenarios()
        .iter()
        .map(|(_, values)| {
            magnitude(input.discount_rate, input.one_off_cost, input.recurring_cost, values, largest_factor)
        })
        .fold(0.0, f64::max);
    if largest <= MAX_PRESENT_VALUE {
        return;
    }
    let limit = MAX_PRESENT_VALUE as i64;
    if input.discount_rate < 0.0 {
        let periods = input.benefits.expected.len();
        errors.add(
            "discount_rate",
            format!(
                "at {} over {periods} periods the present values reach {largest:.3e} minor units, \
                 more than the {limit} that can be computed to a minor unit",
                input.discount_rate
            ),
        );
    } else {
        errors.add(
            "benefits",
            format!(
                "the present values add up to {largest:.3e} minor units, \
                 more than the {limit} that can be computed to a minor unit"
            ),
        );
    }
}

/// The sum of the absolute values of every term the NPV of `benefits` adds up.
fn magnitude(rate: f64, one_off: i64, recurring: i64, benefits: &[i64], factor: f64) -> f64 {
    let flows: f64 =
        (1_i32..).zip(benefits).map(|(i, &b)| (b as f64 * factor + recurring as f64) / (1.0 + rate).powi(i)).sum();
    // NaN (0 * infinity) counts as too large.
    if flows.is_nan() { f64::INFINITY } else { one_off as f64 + flows }
}

/// NPV, ROI and payback of one scenario.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ScenarioResult {
    /// Net present value in minor units, rounded half away from zero.
    pub npv: i64,
    /// Return on investment as a fraction of the present value of costs; `None` when there
    /// are no costs.
    pub roi: Option<f64>,
    /// Periods until the undiscounted net flows recover the one-off cost, interpolated
    /// linearly; `None` when they never do.
    pub payback_periods: Option<f64>,
}

/// The expected scenario's NPV at one discount rate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RateSensitivity {
    /// The discount rate used.
    pub discount_rate: f64,
    /// The expected NPV at that rate, in minor units.
    pub npv: i64,
}

/// The expected scenario's NPV with its benefits scaled.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BenefitSensitivity {
    /// What every benefit was multiplied by.
    pub benefit_factor: f64,
    /// The expected NPV with those benefits, in minor units.
    pub npv: i64,
}

/// How the expected NPV moves with the discount rate and with the size of the benefits.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sensitivity {
    /// At `r - 0.05`, `r`, `r + 0.05`, in that order, leaving out rates that cannot be used.
    pub by_discount_rate: Vec<RateSensitivity>,
    /// With benefits multiplied by each of [`BENEFIT_FACTORS`], in that order.
    pub by_benefits: Vec<BenefitSensitivity>,
}

/// A business case's results: each scenario, and the sensitivity of the expected one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// The pessimistic scenario.
    pub low: ScenarioResult,
    /// The most likely scenario.
    pub expected: ScenarioResult,
    /// The optimistic scenario.
    pub high: ScenarioResult,
    /// The expected NPV at other rates and other benefit sizes.
    pub sensitivity: Sensitivity,
}

impl BusinessCase {
    /// The discount rate per period, as a fraction.
    pub fn discount_rate(&self) -> f64 {
        self.discount_rate
    }

    /// The one-off cost at time 0, in minor units.
    pub fn one_off_cost(&self) -> i64 {
        self.one_off_cost
    }

    /// The cost of every period, in minor units.
    pub fn recurring_cost(&self) -> i64 {
        self.recurring_cost
    }

    /// How many periods the scenarios cover.
    pub fn periods(&self) -> usize {
        self.benefits.expected.len()
    }

    /// NPV, ROI and payback of every scenario, and the sensitivity table (see the module's
    /// documentation for the formulas).
    pub fn evaluate(&self) -> Evaluation {
        let rate = self.discount_rate;
        let expected = &self.benefits.expected;
        // Rounded so that 0.1 + 0.05 is 0.15, not 0.15000000000000002.
        let shifted = |r: f64| (r * 1e12).round() / 1e12;
        let by_discount_rate = [shifted(rate - RATE_STEP), rate, shifted(rate + RATE_STEP)]
            .into_iter()
            .filter(|&r| {
                in_rate_range(r)
                    && magnitude(r, self.one_off_cost, self.recurring_cost, expected, 1.0) <= MAX_PRESENT_VALUE
            })
            .map(|r| RateSensitivity { discount_rate: r, npv: self.present_values(r, expected, 1.0).npv() })
            .collect();
        let by_benefits = BENEFIT_FACTORS
            .into_iter()
            .map(|factor| BenefitSensitivity {
                benefit_factor: factor,
                npv: self.present_values(rate, expected, factor).npv(),
            })
            .collect();
        Evaluation {
            low: self.scenario(&self.benefits.low),
            expected: self.scenario(expected),
            high: self.scenario(&self.benefits.high),
            sensitivity: Sensitivity { by_discount_rate, by_benefits },
        }
    }

    fn scenario(&self, benefits: &[i64]) -> ScenarioResult {
        let pv = self.present_values(self.discount_rate, benefits, 1.0);
        ScenarioResult {
            npv: pv.npv(),
            roi: pv.roi(),
            payback_periods: payback_periods(self.one_off_cost, self.recurring_cost, benefits),
        }
    }

    fn present_values(&self, rate: f64, benefits: &[i64], factor: f64) -> PresentValues {
        let mut pv = PresentValues { net: 0.0, benefits: 0.0, costs: self.one_off_cost as f64 };
        let recurring = self.recurring_cost as f64;
        for (i, &benefit) in (1_i32..).zip(benefits) {
            let discount = (1.0 + rate).powi(i);
            let benefit = benefit as f64 * factor;
            pv.net += (benefit - recurring) / discount;
            pv.benefits += benefit / discount;
            pv.costs += recurring / discount;
        }
        pv.net -= self.one_off_cost as f64;
        pv
    }
}

/// The present values of one scenario, unrounded.
struct PresentValues {
    /// The discounted net flows minus the one-off cost: the NPV.
    net: f64,
    /// The discounted benefits.
    benefits: f64,
    /// The one-off cost plus the discounted recurring costs.
    costs: f64,
}

impl PresentValues {
    /// NPV in whole minor units; `f64::round` rounds half away from zero.
    fn npv(&self) -> i64 {
        self.net.round() as i64
    }

    fn roi(&self) -> Option<f64> {
        (self.costs > 0.0).then(|| (self.benefits - self.costs) / self.costs)
    }
}

/// Periods until the cumulative undiscounted net flow reaches `one_off`, interpolated
/// linearly inside the period where it does; exact, on integers, up to the final division.
fn payback_periods(one_off: i64, recurring: i64, benefits: &[i64]) -> Option<f64> {
    if one_off == 0 {
        return Some(0.0);
    }
    let target = i128::from(one_off);
    let mut cumulative: i128 = 0;
    for (k, &benefit) in benefits.iter().enumerate() {
        let net = i128::from(benefit) - i128::from(recurring);
        let before = cumulative;
        cumulative += net;
        if cumulative >= target {
            // before < target <= cumulative, so net > 0.
            return Some(k as f64 + (target - before) as f64 / net as f64);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn case(value: Value) -> BusinessCase {
        serde_json::from_value::<BusinessCaseInput>(value).unwrap().validate().unwrap()
    }

    fn refused(value: Value) -> ValidationErrors {
        serde_json::from_value::<BusinessCaseInput>(value).unwrap().validate().unwrap_err()
    }

    fn fields(errors: &ValidationErrors) -> Vec<&str> {
        errors.0.iter().map(|e| e.field.as_str()).collect()
    }

    #[track_caller]
    fn assert_close(actual: Option<f64>, expected: f64) {
        let actual = actual.expect("a number, not null");
        assert!((actual - expected).abs() < 1e-9, "{actual} is not {expected}");
    }

    /// The issue's example: r = 0.1, one-off 100000, recurring 20000, three periods.
    fn issue_example() -> BusinessCase {
        case(json!({
            "discount_rate": 0.1, "one_off_cost": 100_000, "recurring_cost": 20_000,
            "benefits": {"low": [40_000, 40_000, 40_000], "expected": [60_000, 60_000, 60_000],
                         "high": [80_000, 80_000, 80_000]}
        }))
    }

    #[test]
    fn the_issue_example_worked_by_hand() {
        // Discount factors at r = 0.1: 1.1, 1.21, 1.331.
        //
        // expected, benefits 60000 per period, net flow 60000 - 20000 = 40000:
        //   40000 / 1.1   = 36363.636...
        //   40000 / 1.21  = 33057.851...
        //   40000 / 1.331 = 30052.592...
        //   sum           = 99474.079...  (= 40000 * 2.4868520, the 3-period annuity factor)
        //   NPV = 99474.079 - 100000 = -525.920 -> -526
        //   PV(benefits) = 60000 * 2.4868520 = 149211.119
        //   PV(costs)    = 100000 + 20000 * 2.4868520 = 100000 + 49737.040 = 149737.040
        //   ROI = (149211.119 - 149737.040) / 149737.040 = -525.920 / 149737.040 = -0.0035123
        //   cumulative net 40000, 80000, 120000: 100000 is reached in period 3,
        //   payback = 2 + (100000 - 80000) / 40000 = 2.5
        let result = issue_example().evaluate();
        assert_eq!(result.expected.npv, -526);
        assert_close(result.expected.roi, -525.920_36 / 149_737.039_82);
        assert_eq!(result.expected.payback_periods, Some(2.5));

        // low, net flow 40000 - 20000 = 20000:
        //   NPV = 20000 * 2.4868520 - 100000 = 49737.040 - 100000 = -50262.960 -> -50263
        //   ROI = (40000 * 2.4868520 - 149737.040) / 149737.040 = -50262.960 / 149737.040 = -0.3356749
        //   cumulative net 20000, 40000, 60000 never reaches 100000: payback null
        assert_eq!(result.low.npv, -50_263);
        assert_close(result.low.roi, -50_262.960_18 / 149_737.039_82);
        assert_eq!(result.low.payback_periods, None);

        // high, net flow 80000 - 20000 = 60000:
        //   NPV = 60000 * 2.4868520 - 100000 = 149211.119 - 100000 = 49211.119 -> 49211
        //   ROI = 49211.119 / 149737.040 = 0.3286503
        //   cumulative 60000, 120000: payback = 1 + (100000 - 60000) / 60000 = 1.6667
        assert_eq!(result.high.npv, 49_211);
        assert_close(result.high.roi, 49_211.119_46 / 149_737.039_82);
        assert_close(result.high.payback_periods, 1.0 + 40_000.0 / 60_000.0);

        // The scenarios are ordered as their benefits are.
        assert!(result.low.npv < result.expected.npv && result.expected.npv < result.high.npv);
        assert!(result.low.roi < result.expected.roi && result.expected.roi < result.high.roi);
    }

    #[test]
    fn the_sensitivity_of_the_issue_example_worked_by_hand() {
        // Expected scenario, net flow 40000 per period.
        // r = 0.05: 1/1.05 + 1/1.1025 + 1/1.157625 = 0.952381 + 0.907029 + 0.863838 = 2.723248
        //   NPV = 40000 * 2.723248 - 100000 = 108929.921 - 100000 = 8929.921 -> 8930
        // r = 0.15: 1/1.15 + 1/1.3225 + 1/1.520875 = 0.869565 + 0.756144 + 0.657516 = 2.283225
        //   NPV = 40000 * 2.283225 - 100000 = 91329.005 - 100000 = -8670.995 -> -8671
        // benefits * 0.8 = 48000, net 28000: 28000 * 2.4868520 - 100000 = -30368.144 -> -30368
        // benefits * 1.2 = 72000, net 52000: 52000 * 2.4868520 - 100000 =  29316.304 ->  29316
        let sensitivity = issue_example().evaluate().sensitivity;
        assert_eq!(
            sensitivity.by_discount_rate,
            [
                RateSensitivity { discount_rate: 0.05, npv: 8930 },
                RateSensitivity { discount_rate: 0.1, npv: -526 },
                RateSensitivity { discount_rate: 0.15, npv: -8671 },
            ]
        );
        assert_eq!(
            sensitivity.by_benefits,
            [
                BenefitSensitivity { benefit_factor: 0.8, npv: -30_368 },
                BenefitSensitivity { benefit_factor: 1.0, npv: -526 },
                BenefitSensitivity { benefit_factor: 1.2, npv: 29_316 },
            ]
        );
    }

    #[test]
    fn the_json_shape() {
        let json = serde_json::to_value(issue_example().evaluate()).unwrap();
        assert_eq!(json["expected"]["npv"], -526);
        assert_eq!(json["expected"]["payback_periods"], 2.5);
        assert_eq!(json["low"]["payback_periods"], Value::Null);
        assert_eq!(json["sensitivity"]["by_discount_rate"][2], json!({"discount_rate": 0.15, "npv": -8671}));
        assert_eq!(json["sensitivity"]["by_benefits"][0], json!({"benefit_factor": 0.8, "npv": -30368}));
        let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), 4, "low, expected, high, sensitivity: {keys:?}");
    }

    #[test]
    fn payback_never_reached_is_null() {
        // r = 0.1, one-off 100000, recurring 20000, benefits 30000 twice: net 10000 each.
        //   cumulative 10000, 20000 < 100000: payback null
        //   NPV = 10000/1.1 + 10000/1.21 - 100000 = 9090.909 + 8264.463 - 100000 = -82644.628 -> -82645
        //   PV(benefits) = 30000 * 1.7355372 = 52066.116; PV(costs) = 100000 + 20000 * 1.7355372 = 134710.744
        //   ROI = (52066.116 - 134710.744) / 134710.744 = -0.6134969
        let result = case(json!({
            "discount_rate": 0.1, "one_off_cost": 100_000, "recurring_cost": 20_000,
            "benefits": {"low": [30_000, 30_000], "expected": [30_000, 30_000], "high": [30_000, 30_000]}
        }))
        .evaluate();
        assert_eq!(result.expected.payback_periods, None);
        assert_eq!(result.expected.npv, -82_645);
        assert_close(result.expected.roi, (52_066.115_70 - 134_710.743_80) / 134_710.743_80);
    }

    #[test]
    fn payback_exactly_at_the_end_of_a_period() {
        // r = 0.1, one-off 50000, recurring 10000, benefits 35000 three times: net 25000 each.
        //   cumulative 25000, 50000 = the one-off: payback = 1 + (50000 - 25000) / 25000 = 2 exactly
        //   NPV = 25000 * 2.4868520 - 50000 = 62171.300 - 50000 = 12171.300 -> 12171
        //   PV(benefits) = 35000 * 2.4868520 = 87039.820; PV(costs) = 50000 + 24868.520 = 74868.520
        //   ROI = 12171.300 / 74868.520 = 0.1625690
        let result = case(json!({
            "discount_rate": 0.1, "one_off_cost": 50_000, "recurring_cost": 10_000,
            "benefits": {"low": vec![35_000; 3], "expected": vec![35_000; 3], "high": vec![35_000; 3]}
        }))
        .evaluate();
        assert_eq!(result.expected.payback_periods, Some(2.0));
        assert_eq!(result.expected.npv, 12_171);
        assert_close(result.expected.roi, 12_171.299_77 / 74_868.519_91);
    }

    #[test]
    fn a_zero_rate_does_not_discount() {
        // r = 0, one-off 1000, recurring 100, expected benefits 300, 700, 900:
        //   net flows 200, 600, 800; NPV = 200 + 600 + 800 - 1000 = 600
        //   PV(benefits) = 1900; PV(costs) = 1000 + 3 * 100 = 1300; ROI = 600 / 1300 = 0.4615385
        //   cumulative 200, 800, 1600: payback = 2 + (1000 - 800) / 800 = 2.25
        let result = case(json!({
            "discount_rate": 0, "one_off_cost": 1000, "recurring_cost": 100,
            "benefits": {"low": [100, 100, 100], "expected": [300, 700, 900], "high": [900, 900, 900]}
        }))
        .evaluate();
        assert_eq!(result.expected.npv, 600);
        assert_close(result.expected.roi, 6.0 / 13.0);
        assert_eq!(result.expected.payback_periods, Some(2.25));
        // low: net 0 each; NPV = -1000; ROI = (300 - 1300) / 1300; never paid back.
        assert_eq!(result.low.npv, -1000);
        assert_close(result.low.roi, -10.0 / 13.0);
        assert_eq!(result.low.payback_periods, None);
        // -5pp would be -0.05, still a valid rate: r = -0.05, 0, 0.05 are all shown.
        let rates: Vec<f64> = result.sensitivity.by_discount_rate.iter().map(|s| s.discount_rate).collect();
        assert_eq!(rates, [-0.05, 0.0, 0.05]);
    }

    #[test]
    fn a_negative_rate_makes_later_money_worth_more() {
        // r = -0.05: discount factors 0.95 and 0.9025.
        // one-off 10000, recurring 1000, expected benefits 5000, 9000: net flows 4000, 8000.
        //   4000 / 0.95   = 4210.526
        //   8000 / 0.9025 = 8864.266
        //   NPV = 13074.792 - 10000 = 3074.792 -> 3075
        //   PV(benefits) = 5000/0.95 + 9000/0.9025 = 5263.158 + 9972.299 = 15235.457
        //   PV(costs) = 10000 + 1000/0.95 + 1000/0.9025 = 10000 + 1052.632 + 1108.033 = 12160.665
        //   ROI = (15235.457 - 12160.665) / 12160.665 = 3074.792 / 12160.665 = 0.2528474
        //   cumulative 4000, 12000: payback = 1 + (10000 - 4000) / 8000 = 1.75
        let result = case(json!({
            "discount_rate": -0.05, "one_off_cost": 10_000, "recurring_cost": 1000,
            "benefits": {"low": [5000, 9000], "expected": [5000, 9000], "high": [5000, 9000]}
        }))
        .evaluate();
        assert_eq!(result.expected.npv, 3075);
        assert_close(result.expected.roi, 3_074.792_24 / 12_160.664_82);
        assert_eq!(result.expected.payback_periods, Some(1.75));
    }

    #[test]
    fn npv_rounds_half_away_from_zero_and_roi_without_costs_is_null() {
        // r = 1 (100%): one period discounts by 2.
        // No costs, benefit 1: NPV = 1/2 = 0.5 -> 1; PV(costs) = 0, so ROI is null; payback 0.
        let gain = case(json!({
            "discount_rate": 1, "one_off_cost": 0, "recurring_cost": 0,
            "benefits": {"low": [1], "expected": [1], "high": [1]}
        }))
        .evaluate();
        assert_eq!(gain.expected, ScenarioResult { npv: 1, roi: None, payback_periods: Some(0.0) });
        // Recurring 1, benefit 0: NPV = -1/2 = -0.5 -> -1; ROI = (0 - 0.5) / 0.5 = -1.
        let loss = case(json!({
            "discount_rate": 1, "one_off_cost": 0, "recurring_cost": 1,
            "benefits": {"low": [0], "expected": [0], "high": [0]}
        }))
        .evaluate();
        assert_eq!(loss.expected, ScenarioResult { npv: -1, roi: Some(-1.0), payback_periods: Some(0.0) });
    }

    #[test]
    fn payback_counts_the_first_recovery() {
        // one-off 100, recurring 200, benefits 350, 0, 300: net flows 150, -200, 100;
        // cumulative 150 reaches 100 in period 1, payback = 0 + 100 / 150; the loss in
        // period 2 (cumulative -50) does not undo it.
        assert_eq!(payback_periods(100, 200, &[350, 0, 300]), Some(100.0 / 150.0));
        // A loss first delays it: cumulative -50, 50, 150 -> 2 + (100 - 50) / 100 = 2.5.
        assert_eq!(payback_periods(100, 50, &[0, 150, 150]), Some(2.5));
    }

    #[test]
    fn sensitivity_leaves_out_rates_outside_the_range() {
        // r = -0.97: -1.02 is refused, so only r and r + 0.05 are shown.
        let near_minus_one = case(json!({
            "discount_rate": -0.97, "one_off_cost": 0, "recurring_cost": 0,
            "benefits": {"low": [1], "expected": [1], "high": [1]}
        }));
        let rates: Vec<f64> =
            near_minus_one.evaluate().sensitivity.by_discount_rate.iter().map(|s| s.discount_rate).collect();
        assert_eq!(rates, [-0.97, -0.92]);
        // r = 9.98: 10.03 is refused.
        let near_ten = case(json!({
            "discount_rate": 9.98, "one_off_cost": 0, "recurring_cost": 0,
            "benefits": {"low": [1], "expected": [1], "high": [1]}
        }));
        let rates: Vec<f64> =
            near_ten.evaluate().sensitivity.by_discount_rate.iter().map(|s| s.discount_rate).collect();
        assert_eq!(rates, [9.93, 9.98]);
    }

    #[test]
    fn every_bad_field_is_named() {
        let errors = refused(json!({
            "discount_rate": -1, "one_off_cost": -100, "recurring_cost": -1,
            "benefits": {"low": [], "expected": [5, -7, 3], "high": [1, 2]}
        }));
        assert_eq!(
            fields(&errors),
            [
                "discount_rate",
                "one_off_cost",
                "recurring_cost",
                "benefits.low",
                "benefits.expected[1]",
                "benefits.high"
            ]
        );
        assert_eq!(
            errors.summary(),
            "discount_rate: must be more than -1 (-100%) and less than 10 (1000%) per period (got -1); \
             one_off_cost: must not be negative (got -100); \
             recurring_cost: must not be negative (got -1); \
             benefits.low: must have at least one period (one benefit per period); \
             benefits.expected[1]: must not be negative (got -7); \
             benefits.high: has 2 periods but benefits.expected has 3: the three scenarios must cover the same periods"
        );
    }

    #[test]
    fn the_rate_range_is_open() {
        let with_rate = |rate: f64| {
            serde_json::from_value::<BusinessCaseInput>(json!({
                "discount_rate": rate, "one_off_cost": 0, "recurring_cost": 0,
                "benefits": {"low": [1], "expected": [1], "high": [1]}
            }))
            .unwrap()
        };
        for refused in [-1.0, 10.0, -1.5, 12.0] {
            let errors = with_rate(refused).validate().unwrap_err();
            assert_eq!(fields(&errors), ["discount_rate"], "{refused}");
        }
        let mut not_finite = with_rate(0.1);
        not_finite.discount_rate = f64::NAN;
        assert_eq!(not_finite.validate().unwrap_err().summary(), "discount_rate: must be a finite number");
        for accepted in [-0.99, 0.0, 9.99] {
            assert!(with_rate(accepted).validate().is_ok(), "{accepted}");
        }
    }

    #[test]
    fn an_empty_expected_scenario_is_named_once() {
        let errors = refused(json!({
            "discount_rate": 0.1, "one_off_cost": 0, "recurring_cost": 0,
            "benefits": {"low": [1, 2], "expected": [], "high": [1, 2]}
        }));
        assert_eq!(errors.summary(), "benefits.expected: must have at least one period (one benefit per period)");
    }

    #[test]
    fn present_values_too_large_to_compute_are_refused() {
        // A single amount above 10^15 minor units is named.
        let errors = refused(json!({
            "discount_rate": 0.1, "one_off_cost": 2_000_000_000_000_000_i64, "recurring_cost": 0,
            "benefits": {"low": [1], "expected": [1], "high": [1]}
        }));
        assert_eq!(
            errors.summary(),
            "one_off_cost: must be at most 1000000000000000 minor units (got 2000000000000000)"
        );
        // r = -0.9 over 30 periods multiplies the last benefit by 10^30.
        let errors = refused(json!({
            "discount_rate": -0.9, "one_off_cost": 0, "recurring_cost": 0,
            "benefits": {"low": vec![1; 30], "expected": vec![1; 30], "high": vec![1; 30]}
        }));
        assert_eq!(fields(&errors), ["discount_rate"]);
        assert!(errors.0[0].message.contains("over 30 periods"), "{}", errors.0[0].message);
    }

    #[test]
    fn unknown_fields_are_refused() {
        let top = serde_json::from_value::<BusinessCaseInput>(json!({
            "discount_rate": 0.1, "one_off_cost": 0, "recurring_cost": 0, "currency": "EUR",
            "benefits": {"low": [1], "expected": [1], "high": [1]}
        }))
        .unwrap_err();
        assert!(top.to_string().starts_with("unknown field `currency`"), "{top}");
        let nested = serde_json::from_value::<BusinessCaseInput>(json!({
            "discount_rate": 0.1, "one_off_cost": 0, "recurring_cost": 0,
            "benefits": {"low": [1], "expected": [1], "high": [1], "medium": [1]}
        }))
        .unwrap_err();
        assert!(nested.to_string().starts_with("unknown field `medium`"), "{nested}");
    }
}
