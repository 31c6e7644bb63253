//! Evidence strength: how well a claim is backed by facts, as a score from 0 to 100 with the
//! reasons that make it up, for one piece of evidence or for everything linked to a thing
//! (an initiative). A thing with no evidence at all is an **opinion**.
//!
//! The method, with a hand-worked example, is in `docs/evidence-strength.md`. In short:
//!
//! - each piece weighs its kind's weight ([`kind_weight`]) times its recency
//!   ([`recency`]: `1 / (1 + age / 180 days)`, undated counts as 540 days old);
//! - the score adds three parts, each with diminishing returns:
//!   evidence `60 · W / (W + 0.5)` for the summed weight `W`,
//!   customers `25 · C / (C + 2)` for `C` distinct customers, and
//!   sources `15 · S / (S + 1)` for `S` distinct source hosts;
//! - each part is rounded to a tenth of a point, and the score is their sum, so the reasons
//!   always add up to the score.
//!
//! One piece of evidence is scored as a set of one, so an item's score and a thing's score
//! are on the same scale: one fact alone reaches at most 55.8, never "strong".

use std::collections::BTreeSet;
use std::fmt;

use serde::{Serialize, Serializer};
use time::Date;

use crate::evidence::{Evidence, EvidenceKind};

/// Days after which a piece of evidence weighs half as much as a fresh one.
pub const HALF_WEIGHT_DAYS: f64 = 180.0;

/// The age an undated piece of evidence is counted at: a fact nobody can date is treated as
/// old (its recency is 0.25).
pub const UNDATED_AGE_DAYS: f64 = 540.0;

/// The most points the summed weight of the evidence can approach.
pub const EVIDENCE_POINTS: f64 = 60.0;
/// The summed weight at which the evidence part gives half its points.
pub const EVIDENCE_HALF: f64 = 0.5;
/// The most points distinct customers can approach.
pub const CUSTOMER_POINTS: f64 = 25.0;
/// The number of distinct customers that gives half the customer points.
pub const CUSTOMER_HALF: f64 = 2.0;
/// The most points distinct sources can approach.
pub const SOURCE_POINTS: f64 = 15.0;
/// The number of distinct sources that gives half the source points.
pub const SOURCE_HALF: f64 = 1.0;

/// The lowest score that is [`StrengthLevel::Moderate`].
pub const MODERATE_FROM: Points = Points(400);
/// The lowest score that is [`StrengthLevel::Strong`].
pub const STRONG_FROM: Points = Points(700);

/// How much one piece of evidence of `kind` weighs when fresh, from 0 to 1.
///
/// Measured behaviour outweighs what people say, and what customers say outweighs what is
/// said about them: an experiment shows cause and effect; a usage metric shows what
/// customers really do, at scale, but not why; a survey is many voices, but stated
/// preference; an interview and a support ticket are one customer's real words or real
/// problem; market research is second-hand and about the market, not our customers; a sales
/// request is one deal, asked by someone paid to close it; a competitor's move shows what a
/// rival believes, not what customers need.
pub fn kind_weight(kind: EvidenceKind) -> f64 {
    match kind {
        EvidenceKind::ExperimentResult => 1.0,
        EvidenceKind::UsageMetric => 0.9,
        EvidenceKind::SurveyResult => 0.6,
        EvidenceKind::CustomerInterview | EvidenceKind::SupportTicket => 0.5,
        EvidenceKind::MarketResearch => 0.4,
        EvidenceKind::SalesRequest => 0.3,
        EvidenceKind::CompetitorMove => 0.2,
    }
}

/// How much of its weight evidence dated `date` keeps on `today`: `1 / (1 + age / 180)`
/// for its age in days, so half after six months, a third after a year. Evidence dated
/// after `today` counts as fresh; undated evidence counts as [`UNDATED_AGE_DAYS`] old.
pub fn recency(date: Option<Date>, today: Date) -> f64 {
    1.0 / (1.0 + age_days(date, today) / HALF_WEIGHT_DAYS)
}

/// The age counted for evidence dated `date`: whole days before `today`, never negative,
/// and [`UNDATED_AGE_DAYS`] when undated.
fn age_days(date: Option<Date>, today: Date) -> f64 {
    date.map_or(UNDATED_AGE_DAYS, |date| (today - date).whole_days().max(0) as f64)
}

/// A number of points held in tenths, so that parts and totals add up exactly; written as a
/// number with one decimal (`44.5`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Points(u32);

impl Points {
    /// `value` rounded to the nearest tenth (halves away from zero); negative is zero.
    pub fn rounded(value: f64) -> Self {
        Self((value * 10.0).round().max(0.0) as u32)
    }

    /// The points in tenths: 445 for 44.5.
    pub fn tenths(self) -> u32 {
        self.0
    }

    /// The points as a number.
    pub fn value(self) -> f64 {
        f64::from(self.0) / 10.0
    }
}

impl std::ops::Add for Points {
    type Output = Self;

    fn add(self, other: Self) -> Self {
        Self(self.0 + other.0)
    }
}

impl fmt::Display for Points {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.0 / 10, self.0 % 10)
    }
}

impl Serialize for Points {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(self.value())
    }
}

/// How strong the evidence is, in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StrengthLevel {
    /// No evidence at all: the claim is an opinion.
    None,
    /// Some evidence, below [`MODERATE_FROM`].
    Weak,
    /// From [`MODERATE_FROM`] to below [`STRONG_FROM`].
    Moderate,
    /// [`STRONG_FROM`] and above.
    Strong,
}

impl StrengthLevel {
    /// The level of `score` for a set of `count` pieces of evidence.
    pub fn of(score: Points, count: usize) -> Self {
        if count == 0 {
            Self::None
        } else if score >= STRONG_FROM {
            Self::Strong
        } else if score >= MODERATE_FROM {
            Self::Moderate
        } else {
            Self::Weak
        }
    }

    /// The name used in JSON: `none`, `weak`, `moderate` or `strong`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Weak => "weak",
            Self::Moderate => "moderate",
            Self::Strong => "strong",
        }
    }

    /// The name shown to people: "opinion" when there is no evidence, else the level.
    pub fn label(self) -> &'static str {
        match self {
            Self::None => "opinion",
            other => other.as_str(),
        }
    }
}

impl fmt::Display for StrengthLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The three parts of a score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Factor {
    /// The summed weight of the evidence (kind and recency).
    Evidence,
    /// How many distinct customers it comes from.
    Customers,
    /// How many independent sources (distinct hosts of the source links) it comes from.
    Sources,
}

impl Factor {
    /// The name used in JSON: `evidence`, `customers` or `sources`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Evidence => "evidence",
            Self::Customers => "customers",
            Self::Sources => "sources",
        }
    }
}

/// One part of a score: which factor, why, and the points it gives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// The factor.
    pub factor: Factor,
    /// What was counted, in plain words, e.g. "2 distinct customers: Globex, Initech".
    pub explanation: String,
    /// The points it gives; the reasons' points add up to the score.
    pub points: Points,
}

/// What one piece of evidence weighs in a score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemWeight {
    /// The evidence's id.
    pub evidence_id: i64,
    /// Its kind.
    pub kind: EvidenceKind,
    /// Its age in days on the day scored; `None` when undated.
    pub age_days: Option<i64>,
    /// [`kind_weight`] of its kind.
    pub kind_weight: f64,
    /// Its [`recency`], to three decimals.
    pub recency: f64,
    /// Kind weight times recency, to three decimals.
    pub weight: f64,
}

/// A score with its level and the reasons behind it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvidenceStrength {
    /// From 0 to 100 (never quite reached), in tenths.
    pub score: Points,
    /// The score in words; [`StrengthLevel::None`] when there is no evidence.
    pub level: StrengthLevel,
    /// The three parts of the score, in the order evidence, customers, sources.
    pub reasons: Vec<Reason>,
    /// What each piece of evidence weighs, heaviest first.
    pub items: Vec<ItemWeight>,
}

impl EvidenceStrength {
    /// Whether there is no evidence at all, so the claim is an opinion.
    pub fn is_opinion(&self) -> bool {
        self.level == StrengthLevel::None
    }
}

/// The strength of one piece of evidence on `today`: the strength of a set holding only it.
pub fn item_strength(evidence: &Evidence, today: Date) -> EvidenceStrength {
    strength(std::slice::from_ref(evidence), today)
}

/// The strength of everything in `evidence` together on `today` (e.g. all the evidence
/// linked to an initiative). Empty evidence scores 0 with level [`StrengthLevel::None`].
pub fn strength(evidence: &[Evidence], today: Date) -> EvidenceStrength {
    let mut items: Vec<ItemWeight> = evidence
        .iter()
        .map(|e| {
            let (weight, recency) = (kind_weight(e.kind), recency(e.date, today));
            ItemWeight {
                evidence_id: e.id,
                kind: e.kind,
                age_days: e.date.map(|date| (today - date).whole_days().max(0)),
                kind_weight: weight,
                recency: thousandths(recency),
                weight: thousandths(weight * recency),
            }
        })
        .collect();
    let total: f64 = evidence.iter().map(|e| kind_weight(e.kind) * recency(e.date, today)).sum();
    items.sort_by(|a, b| b.weight.total_cmp(&a.weight).then(a.evidence_id.cmp(&b.evidence_id)));

    let customers = distinct(
        evidence
            .iter()
            .filter_map(|e| e.customer.as_deref())
            .filter_map(|c| Some((customer_key(c)?, c.trim().to_owned()))),
    );
    let sources = distinct(evidence.iter().filter_map(|e| source_host(e.source.as_deref()?)).map(|h| (h.clone(), h)));
    let reasons = vec![
        Reason {
            factor: Factor::Evidence,
            explanation: evidence_explanation(evidence, &items, total),
            points: Points::rounded(saturating(EVIDENCE_POINTS, total, EVIDENCE_HALF)),
        },
        Reason {
            factor: Factor::Customers,
            explanation: counted(&customers, "distinct customer", "no customer named"),
            points: Points::rounded(saturating(CUSTOMER_POINTS, customers.len() as f64, CUSTOMER_HALF)),
        },
        Reason {
            factor: Factor::Sources,
            explanation: counted(&sources, "distinct source", "no source link"),
            points: Points::rounded(saturating(SOURCE_POINTS, sources.len() as f64, SOURCE_HALF)),
        },
    ];
    let score = reasons.iter().fold(Points::default(), |sum, r| sum + r.points);
    EvidenceStrength { score, level: StrengthLevel::of(score, evidence.len()), reasons, items }
}

/// `max · x / (x + half)`: 0 at 0, half of `max` at `half`, approaching `max`.
fn saturating(max: f64, x: f64, half: f64) -> f64 {
    max * x / (x + half)
}

fn thousandths(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

fn evidence_explanation(evidence: &[Evidence], items: &[ItemWeight], total: f64) -> String {
    let Some(heaviest) = items.first() else { return "no evidence: an opinion".to_owned() };
    let age = |item: &ItemWeight| item.age_days.map_or_else(|| "undated".to_owned(), |d| format!("{d} days old"));
    let describe = |item: &ItemWeight| {
        format!(
            "{}, {}: kind {:.2} × recency {:.3} = {:.3}",
            item.kind.label(),
            age(item),
            item.kind_weight,
            item.recency,
            item.weight
        )
    };
    if evidence.len() == 1 {
        return describe(heaviest);
    }
    format!("{} pieces weighing {total:.3} together; heaviest: {}", evidence.len(), describe(heaviest))
}

fn counted(names: &[String], what: &str, nothing: &str) -> String {
    match names.len() {
        0 => nothing.to_owned(),
        1 => format!("1 {what}: {}", names[0]),
        n => format!("{n} {what}s: {}", names.join(", ")),
    }
}

/// Of `(key, shown)` pairs, the shown value of each distinct key as first seen, in order.
fn distinct(pairs: impl Iterator<Item = (String, String)>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    pairs.filter(|(key, _)| seen.insert(key.clone())).map(|(_, shown)| shown).collect()
}

/// What tells customers apart: the name in lower case with its spaces collapsed, so
/// "Globex", "globex " and "GLOBEX" are one customer.
pub fn customer_key(name: &str) -> Option<String> {
    let key = name.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    (!key.is_empty()).then_some(key)
}

/// The host of a source link in lower case, without `www.`, a port or user info:
/// `https://Support.Example.com:8443/t/1` is `support.example.com`. Tickets in one help desk
/// are one source; a help desk, an analytics tool and a research report are three.
pub fn source_host(link: &str) -> Option<String> {
    let rest = link.trim().split_once("://").map_or(link.trim(), |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    let host = host.split(':').next().unwrap_or_default().to_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    (!host.is_empty()).then(|| host.to_owned())
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;
    use crate::money::Currency;

    fn piece(
        id: i64,
        kind: EvidenceKind,
        date: Option<Date>,
        customer: Option<&str>,
        source: Option<&str>,
    ) -> Evidence {
        Evidence {
            id,
            kind,
            summary: format!("evidence {id}"),
            source: source.map(str::to_owned),
            date,
            customer: customer.map(str::to_owned),
            customers_affected: None,
            revenue_at_stake: None,
            currency: Currency::parse("EUR").unwrap(),
            recorded_by: None,
            recorder_id: None,
        }
    }

    fn tenths(strength: &EvidenceStrength) -> Vec<u32> {
        strength.reasons.iter().map(|r| r.points.tenths()).collect()
    }

    const TODAY: Date = date!(2026 - 06 - 30);

    /// The example worked by hand in docs/evidence-strength.md.
    fn documented_example() -> Vec<Evidence> {
        vec![
            piece(
                1,
                EvidenceKind::ExperimentResult,
                Some(date!(2026 - 06 - 12)),
                None,
                Some("https://analytics.example.com/exp/42"),
            ),
            piece(
                2,
                EvidenceKind::SupportTicket,
                Some(date!(2026 - 03 - 02)),
                Some("Globex"),
                Some("https://support.example.com/t/4711"),
            ),
            piece(
                3,
                EvidenceKind::SalesRequest,
                Some(date!(2025 - 06 - 30)),
                Some("Initech"),
                Some("https://crm.example.com/deal/9"),
            ),
            piece(4, EvidenceKind::CustomerInterview, None, Some("globex "), None),
        ]
    }

    #[test]
    fn the_documented_example_is_reproduced_exactly() {
        let strength = strength(&documented_example(), TODAY);
        assert_eq!(tenths(&strength), [445, 125, 113]);
        assert_eq!(strength.score, Points(683));
        assert_eq!(strength.score.to_string(), "68.3");
        assert_eq!(strength.level, StrengthLevel::Moderate);
        let weights: Vec<(i64, Option<i64>, f64, f64)> =
            strength.items.iter().map(|i| (i.evidence_id, i.age_days, i.recency, i.weight)).collect();
        assert_eq!(
            weights,
            [
                (1, Some(18), 0.909, 0.909),
                (2, Some(120), 0.6, 0.3),
                (4, None, 0.25, 0.125),
                (3, Some(365), 0.33, 0.099),
            ]
        );
        assert_eq!(
            strength.reasons[0].explanation,
            "4 pieces weighing 1.433 together; heaviest: experiment result, 18 days old: kind 1.00 × recency 0.909 = 0.909"
        );
        assert_eq!(strength.reasons[1].explanation, "2 distinct customers: Globex, Initech");
        assert_eq!(
            strength.reasons[2].explanation,
            "3 distinct sources: analytics.example.com, support.example.com, crm.example.com"
        );
        let json = serde_json::to_value(&strength).unwrap();
        assert_eq!(json["score"], 68.3);
        assert_eq!(json["level"], "moderate");
        assert_eq!(json["reasons"][2]["factor"], "sources");
        assert_eq!(json["reasons"][2]["points"], 11.3);
    }

    #[test]
    fn a_third_customer_makes_the_example_strong() {
        let mut evidence = documented_example();
        evidence.push(piece(5, EvidenceKind::CompetitorMove, Some(date!(2020 - 01 - 01)), Some("Umbrella"), None));
        let strength = strength(&evidence, TODAY);
        assert_eq!(strength.reasons[1].points, Points(150), "25 · 3 / 5");
        assert_eq!(strength.level, StrengthLevel::Strong);
    }

    #[test]
    fn no_evidence_is_an_opinion() {
        let strength = strength(&[], TODAY);
        assert_eq!(strength.score, Points(0));
        assert_eq!(strength.level, StrengthLevel::None);
        assert!(strength.is_opinion());
        assert_eq!(strength.level.label(), "opinion");
        assert_eq!(strength.reasons[0].explanation, "no evidence: an opinion");
        assert_eq!(strength.reasons[1].explanation, "no customer named");
        assert_eq!(strength.reasons[2].explanation, "no source link");
    }

    #[test]
    fn recency_halves_after_six_months_and_ignores_the_future() {
        let r = |d: Option<Date>| (recency(d, TODAY) * 1000.0).round() as i64;
        assert_eq!(r(Some(TODAY)), 1000);
        assert_eq!(r(Some(date!(2026 - 01 - 01))), 500, "180 days");
        assert_eq!(r(Some(date!(2025 - 07 - 05))), 333, "360 days");
        assert_eq!(r(Some(date!(2026 - 09 - 01))), 1000, "dated after today counts as fresh");
        assert_eq!(r(None), 250, "undated counts as 540 days old");
    }

    #[test]
    fn one_piece_is_scored_as_a_set_of_one_and_never_strong() {
        let best = piece(
            1,
            EvidenceKind::ExperimentResult,
            Some(TODAY),
            Some("Globex"),
            Some("https://www.Analytics.example.com:8443/x"),
        );
        let strength = item_strength(&best, TODAY);
        assert_eq!(tenths(&strength), [400, 83, 75]);
        assert_eq!(strength.score.to_string(), "55.8");
        assert_eq!(strength.level, StrengthLevel::Moderate);
        assert_eq!(strength.reasons[0].explanation, "experiment result, 0 days old: kind 1.00 × recency 1.000 = 1.000");
        assert_eq!(strength.reasons[2].explanation, "1 distinct source: analytics.example.com");
        let request = piece(2, EvidenceKind::SalesRequest, Some(date!(2026 - 01 - 01)), None, None);
        let weak = item_strength(&request, TODAY);
        // weight 0.3 × 0.5 = 0.15: 60 · 0.15 / 0.65 = 13.846
        assert_eq!(tenths(&weak), [138, 0, 0]);
        assert_eq!(weak.level, StrengthLevel::Weak);
    }

    #[test]
    fn measured_behaviour_outweighs_what_is_said() {
        let order: Vec<EvidenceKind> = {
            let mut kinds = EvidenceKind::ALL.to_vec();
            kinds.sort_by(|a, b| kind_weight(*b).total_cmp(&kind_weight(*a)));
            kinds
        };
        assert_eq!(order[0], EvidenceKind::ExperimentResult);
        assert_eq!(order[1], EvidenceKind::UsageMetric);
        assert_eq!(order[7], EvidenceKind::CompetitorMove);
        assert!(kind_weight(EvidenceKind::SalesRequest) < kind_weight(EvidenceKind::SupportTicket));
    }

    #[test]
    fn more_of_the_same_gives_less_and_less() {
        let tickets = |n: i64| -> Vec<Evidence> {
            (0..n)
                .map(|i| {
                    piece(
                        i,
                        EvidenceKind::SupportTicket,
                        Some(TODAY),
                        Some(&format!("Customer {i}")),
                        Some("https://support.example.com/t"),
                    )
                })
                .collect()
        };
        let scores: Vec<u32> = [1, 2, 4, 8].map(|n| strength(&tickets(n), TODAY).score.tenths()).to_vec();
        assert_eq!(scores, [458, 600, 722, 808]);
        let gains: Vec<u32> = scores.windows(2).map(|w| w[1] - w[0]).collect();
        assert!(gains.windows(2).all(|g| g[1] < g[0]), "doubling adds less each time: {gains:?}");
        let one_source = strength(&tickets(8), TODAY);
        assert_eq!(one_source.reasons[2].points, Points(75), "one help desk is one source, however many tickets");
    }

    #[test]
    fn hosts_and_customers_are_told_apart_loosely() {
        assert_eq!(
            source_host("https://user@Support.Example.com:8443/t/1?x#y").as_deref(),
            Some("support.example.com")
        );
        assert_eq!(source_host("http://WWW.example.com").as_deref(), Some("example.com"));
        assert_eq!(source_host("https:///nohost"), None);
        assert_eq!(customer_key("  Globex   Corp "), Some("globex corp".to_owned()));
        assert_eq!(customer_key("   "), None);
        let evidence = [
            piece(1, EvidenceKind::SupportTicket, None, Some("Globex"), None),
            piece(2, EvidenceKind::SupportTicket, None, Some(" GLOBEX"), None),
            piece(3, EvidenceKind::SupportTicket, None, Some("Initech"), None),
        ];
        assert_eq!(strength(&evidence, TODAY).reasons[1].explanation, "2 distinct customers: Globex, Initech");
    }
}
