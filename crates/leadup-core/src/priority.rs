//! Evidence-based prioritisation: initiatives ranked by RICE (reach × impact × confidence ÷
//! effort) or by value ÷ effort, where nothing is typed in as a guess:
//!
//! - **reach**: the customers the evidence names as asking, or the most customers one piece
//!   says are affected, whichever is larger;
//! - **impact** and **value**: the revenue at stake the evidence states, in thousands of the
//!   currency's major units (each customer counted once, see `demand`);
//! - **confidence**: the evidence strength (0 to 1), so an initiative without evidence (an
//!   opinion) has none and ranks last;
//! - **effort**: the days until the initiative's remaining items are 85% likely done, from the
//!   team's forecast (or, without a forecast, one day per remaining item).
//!
//! What-if [`Weights`] raise each factor to a power (1 is the plain formula, 0 ignores the
//! factor, 2 counts it double); they change the ranking shown, never stored data.

use serde::Serialize;

use crate::ValidationErrors;

/// One initiative's factors.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    /// The initiative's id.
    pub initiative_id: i64,
    /// Its title.
    pub title: String,
    /// Customers reached.
    pub reach: u32,
    /// Revenue at stake, in minor units of `currency`.
    pub value_minor: i64,
    /// The currency of `value_minor`.
    pub currency: String,
    /// Evidence strength as 0 to 1.
    pub confidence: f64,
    /// Days of work left, and whether they come from the forecast's P85 (else one per item).
    pub effort_days: u32,
    /// Whether `effort_days` is the forecast's P85.
    pub effort_forecast: bool,
}

/// How to rank.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Reach × impact × confidence ÷ effort.
    Rice,
    /// Value ÷ effort.
    ValueEffort,
}

impl Method {
    /// The method named `text` (`rice` or `value_effort`).
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "rice" => Some(Method::Rice),
            "value_effort" => Some(Method::ValueEffort),
            _ => None,
        }
    }
}

/// What-if exponents of the factors; 1 each by default.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Weights {
    /// Power of reach.
    pub reach: f64,
    /// Power of impact (value).
    pub impact: f64,
    /// Power of confidence.
    pub confidence: f64,
    /// Power of effort.
    pub effort: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Self { reach: 1.0, impact: 1.0, confidence: 1.0, effort: 1.0 }
    }
}

/// The largest weight accepted.
pub const MAX_WEIGHT: f64 = 3.0;

impl Weights {
    /// Weights from optional values, each between 0 and [`MAX_WEIGHT`]; errors name the field.
    pub fn new(
        reach: Option<f64>,
        impact: Option<f64>,
        confidence: Option<f64>,
        effort: Option<f64>,
    ) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let mut check = |name: &str, value: Option<f64>| {
            let value = value.unwrap_or(1.0);
            if !(0.0..=MAX_WEIGHT).contains(&value) {
                errors.add(name, format!("must be between 0 and {MAX_WEIGHT}"));
            }
            value
        };
        let weights = Self {
            reach: check("reach", reach),
            impact: check("impact", impact),
            confidence: check("confidence", confidence),
            effort: check("effort", effort),
        };
        errors.into_result(|| weights)
    }
}

/// One initiative's place in the ranking, with its score and the reasons behind it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ranked {
    /// 1 for the first.
    pub rank: usize,
    /// The score the ranking orders by (higher first).
    pub score: f64,
    /// The score on a scale of 0 to 100 (one decimal): 100 for the first; below it, scores
    /// span orders of magnitude, so the others are placed on a logarithmic scale down to 1 for
    /// the lowest score above 0; a score of 0 (no evidence under RICE) is 0.
    pub normalised: f64,
    /// When others share this score: with how many, and why.
    pub tie: Option<String>,
    /// What the initiative lacks to be ranked on facts rather than defaults, e.g. "evidence".
    pub missing: Vec<String>,
    /// The factors.
    pub candidate: Candidate,
    /// Why, one sentence per factor.
    pub reasons: Vec<String>,
}

/// Impact and value in thousands of major units (at least 1, so no evidence of money is not
/// a multiplication by zero: that is confidence's job).
fn thousands(minor: i64) -> f64 {
    (minor as f64 / 100_000.0).max(1.0)
}

/// `candidates` ranked by `method` with `weights`, best first; ties keep the given order.
pub fn rank(candidates: &[Candidate], method: Method, weights: Weights) -> Vec<Ranked> {
    let mut scored: Vec<(f64, &Candidate)> = candidates
        .iter()
        .map(|c| {
            let effort = f64::from(c.effort_days.max(1)).powf(weights.effort);
            let value = thousands(c.value_minor).powf(weights.impact);
            let score = match method {
                Method::Rice => {
                    f64::from(c.reach.max(1)).powf(weights.reach) * value * c.confidence.powf(weights.confidence)
                        / effort
                }
                Method::ValueEffort => value / effort,
            };
            (score, c)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let best = scored.first().map_or(0.0, |s| s.0);
    let lowest = scored.iter().map(|s| s.0).filter(|s| *s > 0.0).fold(f64::INFINITY, f64::min);
    scored
        .iter()
        .enumerate()
        .map(|(index, &(score, c))| Ranked {
            rank: index + 1,
            score,
            normalised: normalise(score, lowest, best),
            tie: tie(&scored, score, c, method),
            candidate: c.clone(),
            reasons: reasons(c, method),
            missing: missing(c, method),
        })
        .collect()
}

/// `score` on the 0 to 100 scale between the `lowest` score above 0 (1) and the `best` (100).
fn normalise(score: f64, lowest: f64, best: f64) -> f64 {
    if score <= 0.0 || best <= 0.0 {
        return 0.0;
    }
    let span = (best / lowest).ln();
    let scaled = if span > 0.0 { 1.0 + 99.0 * (score / lowest).ln() / span } else { 100.0 };
    (scaled * 10.0).round() / 10.0
}

/// Whether two scores are the same, as far as a ranking can tell.
fn same(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// Why `c` shares its `score` with others of `scored`, if it does.
fn tie(scored: &[(f64, &Candidate)], score: f64, c: &Candidate, method: Method) -> Option<String> {
    let tied: Vec<&Candidate> =
        scored.iter().filter(|(s, o)| same(*s, score) && o.initiative_id != c.initiative_id).map(|(_, o)| *o).collect();
    if tied.is_empty() {
        return None;
    }
    let others = if tied.len() == 1 { "1 other".to_owned() } else { format!("{} others", tied.len()) };
    let factors = |x: &Candidate| (x.reach, x.value_minor, x.effort_days, x.confidence.to_bits());
    let why = if method == Method::Rice && c.confidence == 0.0 && tied.iter().all(|o| o.confidence == 0.0) {
        "no evidence: confidence is 0 and reach unknown, so the score is 0 whatever the rest"
    } else if tied.iter().all(|o| factors(o) == factors(c)) {
        "the same factors"
    } else {
        "different factors that come to the same score"
    };
    Some(format!("tied with {others}: {why}; the order among them is the plan's"))
}

/// What `c` lacks to be ranked on facts under `method`.
fn missing(c: &Candidate, method: Method) -> Vec<String> {
    let mut out = Vec::new();
    if method == Method::Rice && c.confidence == 0.0 {
        out.push("evidence (without it, confidence is 0)".to_owned());
    }
    if method == Method::Rice && c.reach == 0 {
        out.push("customers named in its evidence (reach)".to_owned());
    }
    if c.value_minor < 100_000 {
        out.push("revenue at stake stated in its evidence (impact)".to_owned());
    }
    if !c.effort_forecast && c.effort_days > 0 {
        out.push("a forecast of its remaining work (effort)".to_owned());
    }
    out
}

fn reasons(c: &Candidate, method: Method) -> Vec<String> {
    let impact = if c.value_minor < 100_000 {
        format!("impact: no revenue at stake stated (counted as {} 1k)", c.currency)
    } else {
        format!("impact: {} {}k at stake", c.currency, (c.value_minor as f64 / 100_000.0).round())
    };
    let effort = match (c.effort_forecast, c.effort_days) {
        (true, days) => format!("effort: {days} days until the remaining work is 85% likely done"),
        (false, 0) => "effort: no work left or none attached (counted as 1 day)".to_owned(),
        (false, days) => format!("effort: {days} days, one per remaining item (no forecast)"),
    };
    let mut out = Vec::with_capacity(4);
    if method == Method::Rice {
        out.push(match c.reach {
            0 => "reach: no customers named (counted as 1)".to_owned(),
            1 => "reach: 1 customer".to_owned(),
            n => format!("reach: {n} customers"),
        });
    }
    out.push(impact);
    if method == Method::Rice {
        out.push(if c.confidence == 0.0 {
            "confidence: 0, no evidence (an opinion)".to_owned()
        } else {
            format!("confidence: {:.2} from the evidence's strength", c.confidence)
        });
    }
    out.push(effort);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(id: i64, reach: u32, value_minor: i64, confidence: f64, effort_days: u32) -> Candidate {
        Candidate {
            initiative_id: id,
            title: format!("I{id}"),
            reach,
            value_minor,
            currency: "EUR".into(),
            confidence,
            effort_days,
            effort_forecast: true,
        }
    }

    #[test]
    fn rice_multiplies_reach_impact_and_confidence_and_divides_by_effort() {
        // A: 4 × 50 × 0.5 / 20 = 5; B: 1 × 120 × 0.8 / 30 = 3.2; C: no evidence, 0.
        let candidates =
            [candidate(1, 1, 12_000_000, 0.8, 30), candidate(2, 4, 5_000_000, 0.5, 20), candidate(3, 9, 0, 0.0, 5)];
        let ranked = rank(&candidates, Method::Rice, Weights::default());
        let order: Vec<(i64, String)> =
            ranked.iter().map(|r| (r.candidate.initiative_id, format!("{:.6}", r.score))).collect();
        assert_eq!(order, [(2, "5.000000".into()), (1, "3.200000".into()), (3, "0.000000".into())]);
        assert_eq!(ranked[2].reasons[2], "confidence: 0, no evidence (an opinion)");
        assert_eq!(ranked[0].reasons[0], "reach: 4 customers");
        assert_eq!(ranked[1].reasons[1], "impact: EUR 120k at stake");
    }

    #[test]
    fn scores_are_normalised_to_the_best_and_ties_and_gaps_are_explained() {
        // A scores 5, B 2.5, E 1.25 (the lowest above 0); C and D have no evidence: 0, tied.
        // On the log scale B is halfway between E (1) and A (100): 1 + 99 × ln 2 / ln 4 = 50.5.
        let candidates = [
            candidate(1, 4, 5_000_000, 0.5, 20),
            candidate(2, 2, 5_000_000, 0.5, 20),
            candidate(5, 1, 5_000_000, 0.5, 20),
            candidate(3, 0, 0, 0.0, 5),
            candidate(4, 9, 0, 0.0, 8),
        ];
        let ranked = rank(&candidates, Method::Rice, Weights::default());
        let normalised: Vec<f64> = ranked.iter().map(|r| r.normalised).collect();
        assert_eq!(normalised, [100.0, 50.5, 1.0, 0.0, 0.0]);
        assert_eq!(ranked[0].tie, None);
        assert_eq!(
            ranked[3].tie.as_deref(),
            Some(
                "tied with 1 other: no evidence: confidence is 0 and reach unknown, so the score is 0 whatever the \
                 rest; the order among them is the plan's"
            )
        );
        assert!(ranked[0].missing.is_empty(), "{:?}", ranked[0].missing);
        assert_eq!(
            ranked[3].missing,
            [
                "evidence (without it, confidence is 0)",
                "customers named in its evidence (reach)",
                "revenue at stake stated in its evidence (impact)"
            ]
        );
        let none = rank(&candidates[3..], Method::Rice, Weights::default());
        assert!(none.iter().all(|r| r.normalised == 0.0));
    }

    #[test]
    fn value_over_effort_ignores_reach_and_confidence() {
        // A: 50 / 20 = 2.5; B: 120 / 30 = 4; C: at least 1k / 5 = 0.2.
        let candidates =
            [candidate(1, 1, 12_000_000, 0.8, 30), candidate(2, 4, 5_000_000, 0.5, 20), candidate(3, 9, 0, 0.0, 5)];
        let ranked = rank(&candidates, Method::ValueEffort, Weights::default());
        let order: Vec<(i64, String)> =
            ranked.iter().map(|r| (r.candidate.initiative_id, format!("{:.6}", r.score))).collect();
        assert_eq!(order, [(1, "4.000000".into()), (2, "2.500000".into()), (3, "0.200000".into())]);
    }

    #[test]
    fn what_if_weights_change_the_order() {
        let candidates = [candidate(1, 1, 12_000_000, 0.8, 30), candidate(2, 4, 5_000_000, 0.5, 20)];
        // Ignoring reach: A 120 × 0.8 / 30 = 3.2 beats B 50 × 0.5 / 20 = 1.25.
        let weights = Weights::new(Some(0.0), None, None, None).unwrap();
        let ranked = rank(&candidates, Method::Rice, weights);
        assert_eq!(ranked[0].candidate.initiative_id, 1);
        assert!((ranked[0].score - 3.2).abs() < 1e-12 && (ranked[1].score - 1.25).abs() < 1e-12);
        let bad = Weights::new(Some(-1.0), None, None, Some(4.0)).unwrap_err();
        assert_eq!(bad.summary(), "reach: must be between 0 and 3; effort: must be between 0 and 3");
    }
}
