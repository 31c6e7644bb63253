//! Commitments: what a team promised, to whom, by when and with what confidence, and what
//! happened; and the track record (credibility report) computed from them.
//!
//! A commitment's outcomes are an append-only list of events: it can be renegotiated (a new
//! due date, on a date, with a reason) any number of times while open, and is closed once by
//! being met (on a date, with the amount spent), missed (on a date) or dropped (with a reason).
//! Nothing is overwritten: the original due date stays the one the promise is judged against.
//!
//! The report counts the commitments **closed** in a period (their closing event dated in it):
//! - `kept_on_time`: met on or before the original due date, never renegotiated;
//! - `renegotiated_early`: every renegotiation made on or before the due date then in force,
//!   and met by the last due date agreed: the manager warned in time, to her credit;
//! - `missed`: missed, met after the due date then in force, or renegotiated after it passed;
//! - `dropped`: dropped, whatever came before.
//!
//! `on_time_rate` = `kept_on_time` / (commitments − dropped); `mean_slip_days` is the mean of
//! (met − original due) over commitments met after their original due date; `brier` is the mean
//! of (confidence − o)² over commitments not dropped, o = 1 when met on or before the original
//! due date and 0 otherwise (0 is perfect, 0.25 is what always saying 50% earns);
//! `budget_variance` is (Σ spent − Σ budget) / Σ budget over met commitments with a budget and
//! an amount spent, per currency. The reliability bins group the stated confidences by tenths
//! and say how often each came true. The trend repeats the counts, the on-time rate and the
//! Brier score per calendar quarter of the closing date.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::forecast::InitiativeForecast;
use crate::money::{Currency, Money, check_budget};
use crate::roadmap::Quarter;
use crate::validation::required_text;
use crate::{ValidationErrors, date};

/// The longest statement a commitment may have, in characters.
pub const STATEMENT_MAX: usize = 500;
/// The longest reason of a renegotiation or a drop, in characters.
pub const REASON_MAX: usize = 1000;

/// The plan item a commitment was made for: made when the plan's baseline was approved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanItemRef {
    /// The plan.
    pub plan_id: i64,
    /// The approved version (baseline) whose item it is.
    pub version: i64,
}

/// A promise as stored: the team's, to one user, with its outcome events in order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Commitment {
    /// Stable identifier.
    pub id: i64,
    /// The team that promised.
    pub team_id: i64,
    /// The user it was promised to (usually an executive).
    pub to_user_id: i64,
    /// What was promised.
    pub statement: String,
    /// The day it was made.
    #[serde(with = "date::iso_date")]
    pub made: Date,
    /// The original due date, against which it is judged.
    #[serde(with = "date::iso_date")]
    pub due: Date,
    /// The stated confidence of keeping it, 0 to 1.
    pub confidence: f64,
    /// Its budget, when it has one.
    pub budget: Option<Money>,
    /// The initiative it is about, when linked.
    pub initiative_id: Option<i64>,
    /// The plan item it was made for, when a baseline's approval made it.
    pub plan_item: Option<PlanItemRef>,
    /// What happened, oldest first; never rewritten.
    pub events: Vec<Event>,
}

/// One outcome event of a commitment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// The day it happened.
    #[serde(with = "date::iso_date")]
    pub on: Date,
    /// What happened.
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// What happened to a commitment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outcome {
    /// Kept, with the amount spent when known.
    Met {
        /// What it cost.
        spent: Option<Money>,
    },
    /// Not kept.
    Missed,
    /// A new due date agreed, with the reason.
    Renegotiated {
        /// The due date in force from now on.
        #[serde(with = "date::iso_date")]
        new_due: Date,
        /// Why.
        reason: String,
    },
    /// Given up, with the reason.
    Dropped {
        /// Why.
        reason: String,
    },
}

impl Outcome {
    /// The kind's name as the API and the CLI write it: `met`, `missed`, `renegotiated`, `dropped`.
    pub fn kind(&self) -> &'static str {
        match self {
            Outcome::Met { .. } => "met",
            Outcome::Missed => "missed",
            Outcome::Renegotiated { .. } => "renegotiated",
            Outcome::Dropped { .. } => "dropped",
        }
    }

    /// Whether this outcome closes the commitment.
    pub fn closes(&self) -> bool {
        !matches!(self, Outcome::Renegotiated { .. })
    }
}

/// Where a commitment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Not closed yet.
    Open,
    /// Met.
    Met,
    /// Missed.
    Missed,
    /// Dropped.
    Dropped,
}

impl State {
    /// The state's name: `open`, `met`, `missed`, `dropped`.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Open => "open",
            State::Met => "met",
            State::Missed => "missed",
            State::Dropped => "dropped",
        }
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a closed commitment counts in the track record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Met by the original due date, never renegotiated.
    KeptOnTime,
    /// Renegotiated in time, then met by the new date.
    RenegotiatedEarly,
    /// Missed, met late, or renegotiated after the due date had passed.
    Missed,
    /// Dropped.
    Dropped,
}

impl Commitment {
    /// The closing event, when closed.
    pub fn closing(&self) -> Option<&Event> {
        self.events.last().filter(|e| e.outcome.closes())
    }

    /// Where it stands.
    pub fn state(&self) -> State {
        match self.closing().map(|e| &e.outcome) {
            None | Some(Outcome::Renegotiated { .. }) => State::Open,
            Some(Outcome::Met { .. }) => State::Met,
            Some(Outcome::Missed) => State::Missed,
            Some(Outcome::Dropped { .. }) => State::Dropped,
        }
    }

    /// The due date in force now: the last renegotiated one, or the original.
    pub fn current_due(&self) -> Date {
        self.events
            .iter()
            .rev()
            .find_map(|e| match e.outcome {
                Outcome::Renegotiated { new_due, .. } => Some(new_due),
                _ => None,
            })
            .unwrap_or(self.due)
    }

    /// The currency its amounts are in: the budget's, else the default.
    pub fn currency(&self) -> Currency {
        self.budget.as_ref().map_or_else(
            || Currency::parse(crate::initiative::DEFAULT_CURRENCY).expect("the default currency is a code"),
            |b| b.currency.clone(),
        )
    }

    /// How it counts in the track record; `None` while open.
    pub fn verdict(&self) -> Option<Verdict> {
        let closing = self.closing()?;
        let mut due = self.due;
        let mut renegotiated = false;
        let mut renegotiated_late = false;
        for event in &self.events {
            if let Outcome::Renegotiated { new_due, .. } = event.outcome {
                renegotiated = true;
                renegotiated_late |= event.on > due;
                due = new_due;
            }
        }
        Some(match closing.outcome {
            Outcome::Dropped { .. } => Verdict::Dropped,
            Outcome::Missed => Verdict::Missed,
            Outcome::Met { .. } if closing.on > due || renegotiated_late => Verdict::Missed,
            Outcome::Met { .. } if renegotiated => Verdict::RenegotiatedEarly,
            Outcome::Met { .. } => Verdict::KeptOnTime,
            Outcome::Renegotiated { .. } => unreachable!("a renegotiation does not close"),
        })
    }

    /// Whether it was met on or before its original due date (the `o` of the Brier score).
    pub fn met_by_original_due(&self) -> bool {
        self.closing().is_some_and(|e| matches!(e.outcome, Outcome::Met { .. }) && e.on <= self.due)
    }

    /// Checks `input` as the next event of this commitment, naming every invalid field;
    /// `today` is the date used when the input gives none.
    pub fn check_outcome(&self, input: &OutcomeInput, today: Date) -> Result<Event, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        if let Some(closing) = self.closing() {
            errors.add(
                "kind",
                format!(
                    "commitment {} is already closed ({} on {}): an outcome cannot be recorded again",
                    self.id,
                    closing.outcome.kind(),
                    date::format(closing.on)
                ),
            );
            return Err(errors);
        }
        let on = match input.on.as_deref().filter(|t| !t.trim().is_empty()) {
            Some(text) => date::parse_field(&mut errors, "on", text),
            None => Some(today),
        };
        if let Some(on) = on {
            if on < self.made {
                errors.add(
                    "on",
                    format!("{} is before the commitment was made ({})", date::format(on), date::format(self.made)),
                );
            } else if let Some(last) = self.events.last().filter(|e| on < e.on) {
                errors
                    .add("on", format!("{} is before its last outcome ({})", date::format(on), date::format(last.on)));
            }
        }
        let reason = |errors: &mut ValidationErrors| {
            required_text(errors, "reason", input.reason.as_deref().unwrap_or(""), REASON_MAX)
        };
        let kind = input.kind.trim();
        if kind != "met" && input.spent.is_some() {
            errors.add("spent", "only a met commitment records an amount spent");
        }
        if kind != "renegotiated" && input.new_due.as_deref().is_some_and(|s| !s.trim().is_empty()) {
            errors.add("new_due", "only a renegotiation sets a new due date");
        }
        let outcome = match kind {
            "met" => {
                let spent = input.spent.and_then(|minor| {
                    if minor < 0 {
                        errors.add("spent", format!("must not be negative (got {minor})"));
                        None
                    } else {
                        Some(Money { minor, currency: self.currency() })
                    }
                });
                Some(Outcome::Met { spent })
            }
            "missed" => Some(Outcome::Missed),
            "dropped" => Some(Outcome::Dropped { reason: reason(&mut errors) }),
            "renegotiated" => {
                let reason = reason(&mut errors);
                let new_due = if let Some(text) = input.new_due.as_deref().filter(|t| !t.trim().is_empty()) {
                    date::parse_field(&mut errors, "new_due", text)
                } else {
                    errors.add("new_due", "give the new due date (YYYY-MM-DD)");
                    None
                };
                if let (Some(new_due), Some(on)) = (new_due, on)
                    && new_due < on
                {
                    errors.add(
                        "new_due",
                        format!("{} is before the renegotiation ({})", date::format(new_due), date::format(on)),
                    );
                }
                new_due.map(|new_due| Outcome::Renegotiated { new_due, reason })
            }
            other => {
                errors.add("kind", format!("'{other}' is not one of met, missed, renegotiated, dropped"));
                None
            }
        };
        match (on, outcome) {
            (Some(on), Some(outcome)) if errors.0.is_empty() => Ok(Event { on, outcome }),
            _ => Err(errors),
        }
    }
}

/// An outcome as entered, before it is checked against its commitment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomeInput {
    /// `met`, `missed`, `renegotiated` or `dropped`.
    pub kind: String,
    /// The day it happened, `YYYY-MM-DD`; today when omitted.
    #[serde(default)]
    pub on: Option<String>,
    /// For `met`: the amount spent, in minor units of the commitment's currency.
    #[serde(default)]
    pub spent: Option<i64>,
    /// For `renegotiated`: the new due date, `YYYY-MM-DD`.
    #[serde(default)]
    pub new_due: Option<String>,
    /// For `renegotiated` and `dropped`: why.
    #[serde(default)]
    pub reason: Option<String>,
}

/// A commitment as entered, before validation. The person it is made to is named by user id
/// (the store checks that they exist).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommitmentInput {
    /// The user it is promised to.
    pub to_user_id: i64,
    /// What is promised.
    pub statement: String,
    /// The day it is made, `YYYY-MM-DD`; today when omitted.
    #[serde(default)]
    pub made: Option<String>,
    /// The due date, `YYYY-MM-DD`.
    pub due: String,
    /// The stated confidence, 0 to 1.
    pub confidence: f64,
    /// The budget in minor units (cents), when it has one.
    #[serde(default)]
    pub budget: Option<i64>,
    /// The budget's ISO 4217 currency; `EUR` when omitted.
    #[serde(default)]
    pub currency: Option<String>,
    /// The initiative it is about (of the same team).
    #[serde(default)]
    pub initiative_id: Option<i64>,
}

/// A validated commitment, ready to store; the store checks the team, the person and the
/// initiative.
#[derive(Debug, Clone, PartialEq)]
pub struct CommitmentDraft {
    /// See [`Commitment::team_id`].
    pub team_id: i64,
    /// See [`Commitment::to_user_id`].
    pub to_user_id: i64,
    /// See [`Commitment::statement`].
    pub statement: String,
    /// See [`Commitment::made`].
    pub made: Date,
    /// See [`Commitment::due`].
    pub due: Date,
    /// See [`Commitment::confidence`].
    pub confidence: f64,
    /// See [`Commitment::budget`].
    pub budget: Option<Money>,
    /// See [`Commitment::initiative_id`].
    pub initiative_id: Option<i64>,
    /// See [`Commitment::plan_item`].
    pub plan_item: Option<PlanItemRef>,
}

impl CommitmentInput {
    /// Checks every field for team `team_id` and names each one that is invalid; `today` is
    /// the date made when none is given.
    pub fn validate(&self, team_id: i64, today: Date) -> Result<CommitmentDraft, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let statement = required_text(&mut errors, "statement", &self.statement, STATEMENT_MAX);
        let made = match self.made.as_deref().filter(|t| !t.trim().is_empty()) {
            Some(text) => date::parse_field(&mut errors, "made", text),
            None => Some(today),
        };
        let due = date::parse_field(&mut errors, "due", &self.due);
        if let (Some(made), Some(due)) = (made, due)
            && due < made
        {
            errors.add(
                "due",
                format!("{} is before the day the commitment is made ({})", date::format(due), date::format(made)),
            );
        }
        check_confidence(&mut errors, "confidence", self.confidence);
        let currency_text = self.currency.as_deref().map(str::trim).filter(|c| !c.is_empty());
        let budget = self.budget.map(|minor| {
            check_budget(&mut errors, "budget", minor);
            let code = currency_text.unwrap_or(crate::initiative::DEFAULT_CURRENCY);
            Money { minor, currency: Currency::parse_field(&mut errors, "currency", code) }
        });
        if budget.is_none() && currency_text.is_some() {
            errors.add("currency", "a currency is given only with a budget");
        }
        errors.into_result(|| CommitmentDraft {
            team_id,
            to_user_id: self.to_user_id,
            statement,
            made: made.expect("checked"),
            due: due.expect("checked"),
            confidence: self.confidence,
            budget,
            initiative_id: self.initiative_id,
            plan_item: None,
        })
    }
}

/// Records an error under `field` unless `value` is a probability (a number from 0 to 1).
pub fn check_confidence(errors: &mut ValidationErrors, field: &str, value: f64) {
    if !(0.0..=1.0).contains(&value) {
        errors.add(field, format!("{value} is not a probability from 0 to 1 (write 80% as 0.8)"));
    }
}

/// The chance, read from a stored initiative forecast, of being done by `due`: the forecast's
/// own chance when `due` is the date it was held against; 1 when nothing remains; otherwise
/// interpolated linearly between its percentile dates (0 on its as-of day, 0.5 at P50, 0.7 at
/// P70, 0.85 at P85, 0.95 at P95, and 0.95 at most beyond, as the forecast says no more);
/// `None` when it has no dates.
pub fn chance_by(forecast: &InitiativeForecast, due: Date) -> Option<f64> {
    if forecast.target == Some(due)
        && let Some(chance) = forecast.probability_by_target
    {
        return Some(chance);
    }
    if forecast.remaining == 0 && forecast.attached > 0 {
        return Some(1.0);
    }
    let d = forecast.dates?;
    let points = [(forecast.as_of, 0.0), (d.p50, 0.5), (d.p70, 0.7), (d.p85, 0.85), (d.p95, 0.95)];
    if due < forecast.as_of {
        return Some(0.0);
    }
    for pair in points.windows(2) {
        let ((a, pa), (b, pb)) = (pair[0], pair[1]);
        if due <= b {
            let span = (b - a).whole_days();
            if span <= 0 {
                return Some(pb);
            }
            #[expect(clippy::cast_precision_loss, reason = "days between dates")]
            let t = (due - a).whole_days() as f64 / span as f64;
            return Some(pa + (pb - pa) * t);
        }
    }
    Some(0.95)
}

/// One bin of the reliability chart: the commitments whose stated confidence fell in
/// `[low, high)` (the last bin includes 1), and how often they came true.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReliabilityBin {
    /// The bin's lowest confidence.
    pub low: f64,
    /// The bin's highest confidence (excluded, except 1 for the last bin).
    pub high: f64,
    /// Commitments (not dropped) in the bin.
    pub count: usize,
    /// Their mean stated confidence; `None` when empty.
    pub mean_confidence: Option<f64>,
    /// The share met by the original due date; `None` when empty.
    pub observed: Option<f64>,
}

/// Budget against spending of the met commitments in one currency.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BudgetVariance {
    /// The currency.
    pub currency: Currency,
    /// Σ budget, minor units.
    pub budget: i64,
    /// Σ spent, minor units.
    pub spent: i64,
    /// (spent − budget) / budget; `None` when the budget sums to 0.
    pub variance: Option<f64>,
}

/// The counts and rates of one set of closed commitments.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Counts {
    /// Closed, dropped included.
    pub commitments: usize,
    /// Met by the original due date, never renegotiated.
    pub kept_on_time: usize,
    /// Renegotiated in time and met by the new date.
    pub renegotiated_early: usize,
    /// Missed, met late or renegotiated late.
    pub missed: usize,
    /// Dropped.
    pub dropped: usize,
    /// `kept_on_time` / (commitments − dropped); `None` when nothing but drops.
    pub on_time_rate: Option<f64>,
    /// Mean (confidence − o)² over those not dropped; `None` when nothing but drops.
    pub brier: Option<f64>,
}

/// The trend's figures for one calendar quarter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuarterFigures {
    /// The quarter, e.g. `2026-Q1`.
    pub quarter: String,
    /// Its figures.
    #[serde(flatten)]
    pub counts: Counts,
}

/// The track record of the commitments closed in a period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CredibilityReport {
    /// First day of the period, when bounded.
    #[serde(with = "date::iso_date_option")]
    pub from: Option<Date>,
    /// Last day of the period.
    #[serde(with = "date::iso_date")]
    pub to: Date,
    /// Counts, on-time rate and Brier score.
    #[serde(flatten)]
    pub counts: Counts,
    /// Mean days late over those met after the original due date; `None` if none.
    pub mean_slip_days: Option<f64>,
    /// (Σ spent − Σ budget) / Σ budget when all budgets share one currency; `None` otherwise.
    pub budget_variance: Option<f64>,
    /// The same per currency.
    pub budget_by_currency: Vec<BudgetVariance>,
    /// Stated confidence against how often it came true, by tenths.
    pub reliability: Vec<ReliabilityBin>,
    /// The figures per calendar quarter of the closing date, oldest first.
    pub trend: Vec<QuarterFigures>,
}

/// The number of reliability bins (each a tenth wide).
pub const BINS: usize = 10;

/// The report over `commitments` closed from `from` (when given) to `to`, both included.
pub fn credibility(commitments: &[Commitment], from: Option<Date>, to: Date) -> CredibilityReport {
    let closed: Vec<&Commitment> = commitments
        .iter()
        .filter(|c| c.closing().is_some_and(|e| e.on <= to && from.is_none_or(|from| e.on >= from)))
        .collect();
    let slips: Vec<i64> = closed
        .iter()
        .filter_map(|c| {
            let e = c.closing()?;
            (matches!(e.outcome, Outcome::Met { .. }) && e.on > c.due).then(|| (e.on - c.due).whole_days())
        })
        .collect();
    #[expect(clippy::cast_precision_loss, reason = "counts of commitments are far below 2^52")]
    let mean_slip_days = (!slips.is_empty()).then(|| slips.iter().sum::<i64>() as f64 / slips.len() as f64);
    let mut budgets: BTreeMap<Currency, (i64, i64)> = BTreeMap::new();
    for c in &closed {
        if let (Some(budget), Some(Event { outcome: Outcome::Met { spent: Some(spent) }, .. })) =
            (&c.budget, c.closing())
        {
            let entry = budgets.entry(budget.currency.clone()).or_default();
            entry.0 = entry.0.saturating_add(budget.minor);
            entry.1 = entry.1.saturating_add(spent.minor);
        }
    }
    #[expect(clippy::cast_precision_loss, reason = "money in minor units; a ratio is shown")]
    let budget_by_currency: Vec<BudgetVariance> = budgets
        .into_iter()
        .map(|(currency, (budget, spent))| BudgetVariance {
            currency,
            budget,
            spent,
            variance: (budget != 0).then(|| (spent - budget) as f64 / budget as f64),
        })
        .collect();
    let budget_variance = match budget_by_currency.as_slice() {
        [one] => one.variance,
        _ => None,
    };
    let mut reliability: Vec<ReliabilityBin> = (0..BINS)
        .map(|i| {
            #[expect(clippy::cast_precision_loss, reason = "ten bins")]
            let low = i as f64 / BINS as f64;
            #[expect(clippy::cast_precision_loss, reason = "ten bins")]
            let high = (i + 1) as f64 / BINS as f64;
            ReliabilityBin { low, high, count: 0, mean_confidence: None, observed: None }
        })
        .collect();
    let mut sums = [(0.0_f64, 0_usize); BINS];
    for c in closed.iter().filter(|c| c.verdict() != Some(Verdict::Dropped)) {
        let bin = bin_of(c.confidence);
        reliability[bin].count += 1;
        sums[bin].0 += c.confidence;
        sums[bin].1 += usize::from(c.met_by_original_due());
    }
    for (bin, (confidence, met)) in reliability.iter_mut().zip(sums) {
        if bin.count > 0 {
            #[expect(clippy::cast_precision_loss, reason = "counts of commitments")]
            let n = bin.count as f64;
            bin.mean_confidence = Some(confidence / n);
            #[expect(clippy::cast_precision_loss, reason = "counts of commitments")]
            let met = met as f64;
            bin.observed = Some(met / n);
        }
    }
    let mut quarters: BTreeMap<Quarter, Vec<&Commitment>> = BTreeMap::new();
    for c in &closed {
        quarters.entry(Quarter::containing(c.closing().expect("closed").on)).or_default().push(c);
    }
    let trend = quarters
        .into_iter()
        .map(|(quarter, cs)| QuarterFigures {
            quarter: format!("{}-Q{}", quarter.year, quarter.number),
            counts: counts(&cs),
        })
        .collect();
    CredibilityReport {
        from,
        to,
        counts: counts(&closed),
        mean_slip_days,
        budget_variance,
        budget_by_currency,
        reliability,
        trend,
    }
}

/// The reliability bin of a confidence: tenths, 1 in the last.
fn bin_of(confidence: f64) -> usize {
    // The small nudge keeps 0.3 (stored as 0.29999…) in the bin of 0.3.
    #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "clamped to 0..BINS")]
    let bin = ((confidence * 10.0 + 1e-9).floor().max(0.0) as usize).min(BINS - 1);
    bin
}

fn counts(closed: &[&Commitment]) -> Counts {
    let verdicts: Vec<Verdict> = closed.iter().filter_map(|c| c.verdict()).collect();
    let count = |v: Verdict| verdicts.iter().filter(|&&x| x == v).count();
    let dropped = count(Verdict::Dropped);
    let judged: Vec<&&Commitment> = closed.iter().filter(|c| c.verdict() != Some(Verdict::Dropped)).collect();
    let kept = count(Verdict::KeptOnTime);
    #[expect(clippy::cast_precision_loss, reason = "counts of commitments")]
    let on_time_rate = (!judged.is_empty()).then(|| kept as f64 / judged.len() as f64);
    #[expect(clippy::cast_precision_loss, reason = "counts of commitments")]
    let brier = (!judged.is_empty()).then(|| {
        judged
            .iter()
            .map(|c| {
                let o = if c.met_by_original_due() { 1.0 } else { 0.0 };
                (c.confidence - o).powi(2)
            })
            .sum::<f64>()
            / judged.len() as f64
    });
    Counts {
        commitments: closed.len(),
        kept_on_time: kept,
        renegotiated_early: count(Verdict::RenegotiatedEarly),
        missed: count(Verdict::Missed),
        dropped,
        on_time_rate,
        brier,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn eur(minor: i64) -> Money {
        Money { minor, currency: Currency::parse("EUR").unwrap() }
    }

    fn commitment(
        id: i64,
        made: Date,
        due: Date,
        confidence: f64,
        budget: Option<i64>,
        events: Vec<Event>,
    ) -> Commitment {
        Commitment {
            id,
            team_id: 1,
            to_user_id: 2,
            statement: format!("Promise {id}"),
            made,
            due,
            confidence,
            budget: budget.map(eur),
            initiative_id: None,
            plan_item: None,
            events,
        }
    }

    fn met(on: Date, spent: Option<i64>) -> Event {
        Event { on, outcome: Outcome::Met { spent: spent.map(eur) } }
    }
    fn missed(on: Date) -> Event {
        Event { on, outcome: Outcome::Missed }
    }
    fn renegotiated(on: Date, new_due: Date) -> Event {
        Event { on, outcome: Outcome::Renegotiated { new_due, reason: "scope grew".into() } }
    }
    fn dropped(on: Date) -> Event {
        Event { on, outcome: Outcome::Dropped { reason: "strategy changed".into() } }
    }

    /// Six commitments made on 2026-01-05, each closed differently:
    /// 1. due 01-31, 0.9, budget 10,000.00, met 01-30 spending 11,000.00 → kept on time, o = 1
    /// 2. due 02-28, 0.8, budget 20,000.00, renegotiated 02-10 (in time) to 03-15, met 03-10
    ///    spending 18,000.00 → renegotiated early, o = 0 (met after the original due), slip 10
    /// 3. due 03-31, 0.7, missed 04-02 → missed, o = 0
    /// 4. due 03-31, 0.6, met 04-05 → missed (met late), o = 0, slip 5
    /// 5. due 02-15, 0.9, renegotiated 02-20 (after the due) to 03-01, met 02-28 → missed, o = 0,
    ///    slip 13
    /// 6. due 02-28, 0.5, dropped 02-01 → dropped
    ///
    /// And a seventh still open (renegotiated only), which the report leaves out.
    fn ledger() -> Vec<Commitment> {
        let made = date!(2026 - 01 - 05);
        vec![
            commitment(
                1,
                made,
                date!(2026 - 01 - 31),
                0.9,
                Some(1_000_000),
                vec![met(date!(2026 - 01 - 30), Some(1_100_000))],
            ),
            commitment(
                2,
                made,
                date!(2026 - 02 - 28),
                0.8,
                Some(2_000_000),
                vec![
                    renegotiated(date!(2026 - 02 - 10), date!(2026 - 03 - 15)),
                    met(date!(2026 - 03 - 10), Some(1_800_000)),
                ],
            ),
            commitment(3, made, date!(2026 - 03 - 31), 0.7, None, vec![missed(date!(2026 - 04 - 02))]),
            commitment(4, made, date!(2026 - 03 - 31), 0.6, None, vec![met(date!(2026 - 04 - 05), None)]),
            commitment(
                5,
                made,
                date!(2026 - 02 - 15),
                0.9,
                None,
                vec![renegotiated(date!(2026 - 02 - 20), date!(2026 - 03 - 01)), met(date!(2026 - 02 - 28), None)],
            ),
            commitment(6, made, date!(2026 - 02 - 28), 0.5, None, vec![dropped(date!(2026 - 02 - 01))]),
            commitment(
                7,
                made,
                date!(2026 - 06 - 30),
                0.8,
                None,
                vec![renegotiated(date!(2026 - 02 - 01), date!(2026 - 07 - 31))],
            ),
        ]
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn verdicts_follow_the_definitions() {
        let verdicts: Vec<Option<Verdict>> = ledger().iter().map(Commitment::verdict).collect();
        assert_eq!(
            verdicts,
            vec![
                Some(Verdict::KeptOnTime),
                Some(Verdict::RenegotiatedEarly),
                Some(Verdict::Missed),
                Some(Verdict::Missed),
                Some(Verdict::Missed),
                Some(Verdict::Dropped),
                None
            ]
        );
        let open = &ledger()[6];
        assert_eq!(open.state(), State::Open);
        assert_eq!(open.current_due(), date!(2026 - 07 - 31));
        assert_eq!(open.due, date!(2026 - 06 - 30), "the original due date is kept");
    }

    #[test]
    fn the_report_over_all_time_is_computed_by_hand() {
        let report = credibility(&ledger(), None, date!(2026 - 12 - 31));
        let c = &report.counts;
        assert_eq!((c.commitments, c.kept_on_time, c.renegotiated_early, c.missed, c.dropped), (6, 1, 1, 3, 1));
        // on_time_rate = kept / (commitments − dropped) = 1 / (6 − 1) = 0.2
        assert!(close(c.on_time_rate.unwrap(), 0.2));
        // slips of those met after the original due: #2 03-10 − 02-28 = 10, #4 04-05 − 03-31 = 5,
        // #5 02-28 − 02-15 = 13 → (10 + 5 + 13) / 3 = 28 / 3
        assert!(close(report.mean_slip_days.unwrap(), 28.0 / 3.0));
        // brier over the five not dropped, o = 1 only for #1:
        // (0.9−1)² + 0.8² + 0.7² + 0.6² + 0.9² = 0.01 + 0.64 + 0.49 + 0.36 + 0.81 = 2.31; / 5 = 0.462
        assert!(close(c.brier.unwrap(), 0.462));
        // budget: met with budget and spent: #1 (10,000 → 11,000) and #2 (20,000 → 18,000):
        // (29,000 − 30,000) / 30,000 = −1/30
        assert!(close(report.budget_variance.unwrap(), -1.0 / 30.0));
        assert_eq!(report.budget_by_currency[0].budget, 3_000_000);
        assert_eq!(report.budget_by_currency[0].spent, 2_900_000);
        // reliability: bin 0.9 holds #1 (met) and #5 (late): 2, observed 1/2, mean 0.9;
        // bins 0.8, 0.7, 0.6 hold one each, none met by the original due.
        let bin = |i: usize| &report.reliability[i];
        assert_eq!(report.reliability.len(), 10);
        assert_eq!((bin(9).count, bin(9).observed), (2, Some(0.5)));
        assert!(close(bin(9).mean_confidence.unwrap(), 0.9));
        assert_eq!((bin(8).count, bin(8).observed), (1, Some(0.0)));
        assert_eq!((bin(7).count, bin(6).count, bin(5).count), (1, 1, 0), "0.7 and 0.6 in their own bins");
        assert_eq!(bin(5).observed, None);
        // trend: Q1 closes #1, #2, #5, #6 (kept 1 of 3 judged); Q2 closes #3, #4 (kept 0 of 2)
        assert_eq!(report.trend.len(), 2);
        let q1 = &report.trend[0];
        assert_eq!(q1.quarter, "2026-Q1");
        assert_eq!((q1.counts.commitments, q1.counts.kept_on_time, q1.counts.dropped), (4, 1, 1));
        assert!(close(q1.counts.on_time_rate.unwrap(), 1.0 / 3.0));
        // Q1 brier over #1, #2, #5: (0.01 + 0.64 + 0.81) / 3 = 1.46 / 3
        assert!(close(q1.counts.brier.unwrap(), 1.46 / 3.0));
        let q2 = &report.trend[1];
        assert_eq!((q2.quarter.as_str(), q2.counts.commitments, q2.counts.missed), ("2026-Q2", 2, 2));
        // Q2 brier over #3, #4: (0.49 + 0.36) / 2 = 0.425
        assert!(close(q2.counts.brier.unwrap(), 0.425));
    }

    #[test]
    fn the_period_counts_what_closed_in_it() {
        // From 02-01 to 03-31: #2 (03-10), #5 (02-28), #6 (02-01); #1 closed 01-30, #3 and #4 in April.
        let report = credibility(&ledger(), Some(date!(2026 - 02 - 01)), date!(2026 - 03 - 31));
        let c = &report.counts;
        assert_eq!((c.commitments, c.kept_on_time, c.renegotiated_early, c.missed, c.dropped), (3, 0, 1, 1, 1));
        // on_time_rate = 0 / (3 − 1) = 0; slips: #2 10, #5 13 → 11.5
        assert_eq!(c.on_time_rate, Some(0.0));
        assert_eq!(report.mean_slip_days, Some(11.5));
        // brier over #2 and #5: (0.64 + 0.81) / 2 = 0.725
        assert!(close(c.brier.unwrap(), 0.725));
        // budget: only #2: (18,000 − 20,000) / 20,000 = −0.1
        assert!(close(report.budget_variance.unwrap(), -0.1));
    }

    #[test]
    fn an_empty_period_has_no_rates() {
        let report = credibility(&ledger(), Some(date!(2027 - 01 - 01)), date!(2027 - 03 - 31));
        assert_eq!(report.counts.commitments, 0);
        assert_eq!((report.counts.on_time_rate, report.counts.brier, report.mean_slip_days), (None, None, None));
        assert_eq!(report.budget_variance, None);
        assert!(report.trend.is_empty());
        // Only drops: rates stay undefined rather than dividing by zero.
        let only_drop = credibility(&ledger()[5..6], None, date!(2026 - 12 - 31));
        assert_eq!((only_drop.counts.commitments, only_drop.counts.on_time_rate), (1, None));
    }

    #[test]
    fn budgets_in_two_currencies_are_not_added() {
        let mut ledger = ledger();
        ledger[1].budget = Some(Money { minor: 2_000_000, currency: Currency::parse("USD").unwrap() });
        let report = credibility(&ledger, None, date!(2026 - 12 - 31));
        assert_eq!(report.budget_variance, None);
        let currencies: Vec<&str> = report.budget_by_currency.iter().map(|b| b.currency.as_str()).collect();
        assert_eq!(currencies, vec!["EUR", "USD"]);
        // EUR: (11,000 − 10,000) / 10,000 = 0.1
        assert!(close(report.budget_by_currency[0].variance.unwrap(), 0.1));
    }

    #[test]
    fn the_chance_is_read_from_the_stored_percentiles() {
        let forecast: InitiativeForecast = serde_json::from_value(serde_json::json!({
            "initiative_id": 1, "team_id": 1, "as_of": "2026-03-01", "computed_at": "2026-03-01T20:00:00Z",
            "attached": 10, "attached_done": 4, "remaining": 6, "position": 1, "target": "2026-04-15",
            "dates": {"p50": "2026-03-21", "p70": "2026-03-31", "p85": "2026-04-10", "p95": "2026-04-30"},
            "probability_by_target": 0.88, "note": null, "calibration": null, "model": "m", "inputs_digest": "x"
        }))
        .unwrap();
        // Held against its own target: the stored chance.
        assert_eq!(chance_by(&forecast, date!(2026 - 04 - 15)), Some(0.88));
        // On P70 exactly: 0.7. Halfway from P70 (03-31) to P85 (04-10), 04-05: 0.7 + 0.15 × 5/10 = 0.775.
        assert_eq!(chance_by(&forecast, date!(2026 - 03 - 31)), Some(0.7));
        assert!(close(chance_by(&forecast, date!(2026 - 04 - 05)).unwrap(), 0.775));
        // From the as-of day (0) to P50 (03-21, 20 days): 03-11 is 10 days in, 0.25.
        assert!(close(chance_by(&forecast, date!(2026 - 03 - 11)).unwrap(), 0.25));
        assert_eq!(chance_by(&forecast, date!(2026 - 06 - 01)), Some(0.95));
        assert_eq!(chance_by(&forecast, date!(2026 - 02 - 01)), Some(0.0));
        let done = InitiativeForecast { remaining: 0, dates: None, ..forecast.clone() };
        assert_eq!(chance_by(&done, date!(2026 - 03 - 02)), Some(1.0));
        let none = InitiativeForecast { dates: None, ..forecast };
        assert_eq!(chance_by(&none, date!(2026 - 03 - 02)), None);
    }

    fn input() -> CommitmentInput {
        CommitmentInput {
            to_user_id: 2,
            statement: " Ship checkout v2 ".into(),
            made: Some("2026-01-05".into()),
            due: "2026-03-31".into(),
            confidence: 0.8,
            budget: Some(2_500_000),
            currency: None,
            initiative_id: Some(4),
        }
    }

    #[test]
    fn a_valid_input_becomes_a_draft() {
        let draft = input().validate(1, date!(2026 - 02 - 01)).unwrap();
        assert_eq!(draft.statement, "Ship checkout v2");
        assert_eq!(draft.made, date!(2026 - 01 - 05));
        assert_eq!(draft.budget, Some(eur(2_500_000)));
        let today = CommitmentInput { made: None, ..input() }.validate(1, date!(2026 - 02 - 01)).unwrap();
        assert_eq!(today.made, date!(2026 - 02 - 01));
    }

    #[test]
    fn bad_input_names_each_field() {
        let bad = CommitmentInput {
            statement: "  ".into(),
            due: "2025-12-31".into(),
            confidence: 1.2,
            budget: Some(-500),
            currency: Some("EURO".into()),
            ..input()
        };
        let errors = bad.validate(1, date!(2026 - 01 - 05)).unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["statement", "due", "confidence", "budget", "currency"]);
        assert!(errors.summary().contains("due: 2025-12-31 is before the day the commitment is made (2026-01-05)"));
        assert!(errors.summary().contains("confidence: 1.2 is not a probability from 0 to 1"));
        let nan = CommitmentInput { confidence: f64::NAN, ..input() }.validate(1, date!(2026 - 01 - 05)).unwrap_err();
        assert_eq!(nan.0[0].field, "confidence");
        let negative = CommitmentInput { confidence: -0.1, ..input() }.validate(1, date!(2026 - 01 - 05)).unwrap_err();
        assert_eq!(negative.0[0].field, "confidence");
    }

    fn outcome(kind: &str, on: &str) -> OutcomeInput {
        OutcomeInput { kind: kind.into(), on: Some(on.into()), ..OutcomeInput::default() }
    }

    #[test]
    fn outcomes_are_checked_against_the_commitment() {
        let today = date!(2026 - 06 - 01);
        let open = commitment(9, date!(2026 - 01 - 05), date!(2026 - 03 - 31), 0.8, Some(100), vec![]);
        let before = open.check_outcome(&outcome("met", "2026-01-04"), today).unwrap_err();
        assert_eq!(before.summary(), "on: 2026-01-04 is before the commitment was made (2026-01-05)");
        let met = open.check_outcome(&OutcomeInput { spent: Some(150_000), ..outcome("met", "2026-03-30") }, today);
        assert_eq!(
            met.unwrap(),
            Event { on: date!(2026 - 03 - 30), outcome: Outcome::Met { spent: Some(eur(150_000)) } }
        );
        let default_day = open.check_outcome(&OutcomeInput { kind: "missed".into(), ..OutcomeInput::default() }, today);
        assert_eq!(default_day.unwrap().on, today);
        let no_reason = open.check_outcome(&outcome("dropped", "2026-02-01"), today).unwrap_err();
        assert_eq!(no_reason.0[0].field, "reason");
        let renegotiate = open.check_outcome(&outcome("renegotiated", "2026-02-01"), today).unwrap_err();
        let fields: Vec<&str> = renegotiate.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["reason", "new_due"]);
        let earlier = open
            .check_outcome(
                &OutcomeInput {
                    new_due: Some("2026-01-31".into()),
                    reason: Some("x".into()),
                    ..outcome("renegotiated", "2026-02-01")
                },
                today,
            )
            .unwrap_err();
        assert_eq!(earlier.summary(), "new_due: 2026-01-31 is before the renegotiation (2026-02-01)");
        let unknown = open.check_outcome(&outcome("kept", "2026-02-01"), today).unwrap_err();
        assert!(unknown.summary().starts_with("kind: 'kept' is not one of"));
        let spent_on_missed =
            open.check_outcome(&OutcomeInput { spent: Some(500), ..outcome("missed", "2026-02-01") }, today);
        assert_eq!(spent_on_missed.unwrap_err().0[0].field, "spent");
    }

    #[test]
    fn a_closed_commitment_takes_no_more_outcomes() {
        let today = date!(2026 - 06 - 01);
        let closed = &ledger()[0];
        for kind in ["met", "missed", "dropped", "renegotiated"] {
            let errors = closed.check_outcome(&outcome(kind, "2026-02-01"), today).unwrap_err();
            assert_eq!(
                errors.summary(),
                "kind: commitment 1 is already closed (met on 2026-01-30): an outcome cannot be recorded again"
            );
        }
        // An open one cannot take an outcome dated before its last event.
        let open = &ledger()[6];
        let errors = open.check_outcome(&outcome("met", "2026-01-31"), today).unwrap_err();
        assert_eq!(errors.summary(), "on: 2026-01-31 is before its last outcome (2026-02-01)");
    }
}
