//! A proposal (business case) with its sections, and its one-page brief in Markdown.
//!
//! Every claim (the problem, the solution, each benefit to a beneficiary, each risk) cites the
//! evidence behind it by id; a claim citing none is printed as an **opinion**. A proposal that
//! serves no objective is flagged as unaligned. The numbers (NPV, ROI, payback for low,
//! expected and high benefits) come from [`crate::business_case`].

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::business_case::{BusinessCase, BusinessCaseInput, Evaluation, ScenarioResult};
use crate::evidence::Evidence;
use crate::initiative::Initiative;
use crate::markdown::{self, inline};
use crate::money::{Currency, major_units};
use crate::strategy::Objective;
use crate::validation::required_text;
use crate::{ValidationErrors, date};

/// A statement and the evidence behind it, as entered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimInput {
    /// What is claimed.
    pub text: String,
    /// The ids of the evidence that supports it.
    #[serde(default)]
    pub evidence: Vec<i64>,
}

/// Who benefits and how, as entered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BeneficiaryInput {
    /// `customers`, `employees` or `the_company`.
    pub who: String,
    /// The benefit to them, and its evidence.
    #[serde(flatten)]
    pub benefit: ClaimInput,
}

/// What the proposal asks for, as entered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AskInput {
    /// Money asked for, in minor units.
    #[serde(default)]
    pub money: Option<i64>,
    /// People asked for.
    #[serde(default)]
    pub people: Option<u32>,
    /// The decision wanted.
    pub decision: String,
    /// When the decision is needed, `YYYY-MM-DD`.
    #[serde(default)]
    pub decide_by: Option<String>,
}

/// A proposal as entered (a JSON file, a form).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProposalInput {
    /// A short title.
    pub title: String,
    /// The problem.
    pub problem: ClaimInput,
    /// The proposed solution.
    pub solution: ClaimInput,
    /// The objectives it serves; none flags it as unaligned.
    #[serde(default)]
    pub objective_ids: Vec<i64>,
    /// The initiative that would deliver it, whose team's forecast gives the delivery dates.
    #[serde(default)]
    pub initiative_id: Option<i64>,
    /// Who benefits and how.
    #[serde(default)]
    pub beneficiaries: Vec<BeneficiaryInput>,
    /// What could go wrong.
    #[serde(default)]
    pub risks: Vec<ClaimInput>,
    /// Costs, benefits and discount rate (see [`crate::business_case`]).
    pub case: BusinessCaseInput,
    /// The amounts' currency; `EUR` when omitted.
    #[serde(default = "default_currency")]
    pub currency: String,
    /// What is asked for.
    pub ask: AskInput,
    /// `draft`, `presented`, `approved` or `declined`.
    #[serde(default = "default_status")]
    pub status: String,
}

fn default_currency() -> String {
    crate::initiative::DEFAULT_CURRENCY.to_owned()
}

fn default_status() -> String {
    "draft".to_owned()
}

/// The statuses a proposal can have.
pub const STATUSES: [&str; 4] = ["draft", "presented", "approved", "declined"];
/// The beneficiaries a proposal can name.
pub const BENEFICIARIES: [&str; 3] = ["customers", "employees", "the_company"];

/// A validated claim: its text and the evidence it cites (every id exists).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// What is claimed.
    pub text: String,
    /// The evidence cited.
    pub evidence: Vec<i64>,
}

/// A validated proposal.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    /// Its title.
    pub title: String,
    /// The problem.
    pub problem: Claim,
    /// The solution.
    pub solution: Claim,
    /// The objectives served (every id exists).
    pub objective_ids: Vec<i64>,
    /// The initiative delivering it (it exists).
    pub initiative_id: Option<i64>,
    /// (who, benefit).
    pub beneficiaries: Vec<(String, Claim)>,
    /// The risks.
    pub risks: Vec<Claim>,
    /// The numbers.
    pub case: BusinessCase,
    /// The amounts' currency.
    pub currency: Currency,
    /// Money asked for, in minor units.
    pub ask_money: Option<i64>,
    /// People asked for.
    pub ask_people: Option<u32>,
    /// The decision wanted.
    pub decision: String,
    /// When it is needed.
    pub decide_by: Option<Date>,
    /// Its status.
    pub status: String,
}

impl ProposalInput {
    /// Checks every field against the stored `objectives`, `initiatives` and `evidence` (links
    /// to ones that do not exist are errors naming the field) and `today` (a decision date must
    /// not be past; `None` when reading back a stored proposal, whose decision date may since
    /// have passed); names each invalid field, e.g. `beneficiaries[1].who` or
    /// `case.discount_rate`.
    pub fn validate(
        self,
        objectives: &[Objective],
        initiatives: &[Initiative],
        evidence: &[Evidence],
        today: Option<Date>,
    ) -> Result<Proposal, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let title = required_text(&mut errors, "title", &self.title, 200);
        let claim = |field: &str, input: &ClaimInput, errors: &mut ValidationErrors| {
            let text = required_text(errors, &format!("{field}.text"), &input.text, 4000);
            for (i, id) in input.evidence.iter().enumerate() {
                if !evidence.iter().any(|e| e.id == *id) {
                    errors.add(format!("{field}.evidence[{i}]"), format!("evidence {id} does not exist"));
                }
            }
            Claim { text, evidence: input.evidence.clone() }
        };
        let problem = claim("problem", &self.problem, &mut errors);
        let solution = claim("solution", &self.solution, &mut errors);
        let mut beneficiaries = Vec::with_capacity(self.beneficiaries.len());
        for (i, b) in self.beneficiaries.iter().enumerate() {
            if !BENEFICIARIES.contains(&b.who.as_str()) {
                errors.add(
                    format!("beneficiaries[{i}].who"),
                    format!("'{}' is not one of customers, employees, the_company", b.who),
                );
            }
            beneficiaries.push((b.who.clone(), claim(&format!("beneficiaries[{i}]"), &b.benefit, &mut errors)));
        }
        let risks: Vec<Claim> =
            self.risks.iter().enumerate().map(|(i, r)| claim(&format!("risks[{i}]"), r, &mut errors)).collect();
        for (i, id) in self.objective_ids.iter().enumerate() {
            if !objectives.iter().any(|o| o.id == *id) {
                errors.add(format!("objective_ids[{i}]"), format!("objective {id} does not exist"));
            }
        }
        if let Some(id) = self.initiative_id.filter(|id| !initiatives.iter().any(|i| i.id == *id)) {
            errors.add("initiative_id", format!("initiative {id} does not exist"));
        }
        let case = self.case.validate().map_err(|e| {
            for error in e.0 {
                errors.add(format!("case.{}", error.field), error.message);
            }
        });
        let currency = Currency::parse(&self.currency);
        if currency.is_none() {
            errors.add("currency", format!("'{}' is not a three-letter currency code", self.currency));
        }
        if self.ask.money.is_some_and(|m| m < 0) {
            errors.add("ask.money", "must not be negative");
        }
        let decision = required_text(&mut errors, "ask.decision", &self.ask.decision, 1000);
        let decide_by = self.ask.decide_by.as_deref().and_then(|text| match date::parse(text) {
            Some(day) if !date::in_range(day) => {
                errors.add(
                    "ask.decide_by",
                    format!("'{text}' is outside the years {} to {}", date::MIN_YEAR, date::MAX_YEAR),
                );
                None
            }
            Some(day) if today.is_some_and(|today| day < today) => {
                errors.add("ask.decide_by", format!("{text} is in the past"));
                None
            }
            Some(day) => Some(day),
            None => {
                errors.add("ask.decide_by", format!("'{text}' is not a date (YYYY-MM-DD)"));
                None
            }
        });
        if !STATUSES.contains(&self.status.as_str()) {
            errors.add("status", format!("'{}' is not one of draft, presented, approved, declined", self.status));
        }
        match (case, currency) {
            (Ok(case), Some(currency)) if errors.0.is_empty() => Ok(Proposal {
                title,
                problem,
                solution,
                objective_ids: self.objective_ids,
                initiative_id: self.initiative_id,
                beneficiaries,
                risks,
                case,
                currency,
                ask_money: self.ask.money,
                ask_people: self.ask.people,
                decision,
                decide_by,
                status: self.status,
            }),
            _ => Err(errors),
        }
    }
}

impl ProposalInput {
    /// Every evidence id its claims cite, each once, in order of first citation.
    pub fn cited_evidence(&self) -> Vec<i64> {
        let claims = [&self.problem, &self.solution]
            .into_iter()
            .chain(self.beneficiaries.iter().map(|b| &b.benefit))
            .chain(self.risks.iter());
        let mut ids: Vec<i64> = Vec::new();
        for id in claims.flat_map(|c| c.evidence.iter()) {
            if !ids.contains(id) {
                ids.push(*id);
            }
        }
        ids
    }
}

/// Whether a proposal's status may move from `from` to `to`: a draft is presented; a presented
/// proposal is approved or declined (by an executive), or withdrawn to a draft; a declined one
/// may be revised as a draft. An approved proposal is final.
pub fn check_move(from: &str, to: &str) -> Result<(), String> {
    match (from, to) {
        ("draft", "presented") | ("presented", "approved" | "declined" | "draft") | ("declined", "draft") => Ok(()),
        ("approved", _) => Err("the proposal is approved: an approved proposal is final".to_owned()),
        (_, "approved" | "declined") => {
            Err(format!("the proposal is {from}: only a presented proposal can be approved or declined"))
        }
        (_, "presented") => Err(format!("the proposal is {from}: only a draft can be presented")),
        _ => Err(format!("the proposal is {from}: it cannot become {to}")),
    }
}

/// A proposal as stored: its team, its status and its history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredProposal {
    /// Its id.
    pub id: i64,
    /// The team making the case.
    pub team_id: i64,
    /// The proposal as entered, with its links and current status.
    pub input: ProposalInput,
    /// Who wrote it, and when (Unix seconds).
    pub created_by: i64,
    /// When it was created.
    pub created_at: i64,
    /// When its content or status last changed.
    pub updated_at: i64,
    /// The executive who approved or declined it, and when.
    pub decided_by: Option<i64>,
    /// When it was approved or declined.
    pub decided_at: Option<i64>,
    /// Every status move, oldest first: its decision history.
    pub moves: Vec<ProposalMove>,
}

/// One status move of a proposal, with the reason given for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProposalMove {
    /// The status it left.
    pub from: String,
    /// The status it moved to.
    pub to: String,
    /// Who moved it.
    pub by: i64,
    /// When (Unix seconds).
    pub at: i64,
    /// Why, if they said.
    pub reason: Option<String>,
}

/// When the initiative delivering a proposal is likely done, from its team's forecast.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The initiative's title.
    pub initiative: String,
    /// 50% and 95% likely done by these dates; `None` when nothing can be forecast.
    pub range: Option<(Date, Date)>,
    /// How the dates were made and how honest such forecasts have been, or why there are none.
    pub note: String,
}

impl Delivery {
    /// The sentence a brief prints.
    pub fn sentence(&self) -> String {
        match self.range {
            Some((p50, p95)) => format!(
                "{}: 50% likely done by {}, 95% likely by {} ({}).",
                self.initiative,
                date::format(p50),
                date::format(p95),
                self.note
            ),
            None => format!("{}: no delivery forecast ({}).", self.initiative, self.note),
        }
    }
}

/// Numbers the evidence a brief cites, in order of first citation: evidence id → `[n]`.
pub fn citations(proposal: &Proposal) -> BTreeMap<i64, usize> {
    let mut numbers = BTreeMap::new();
    let claims = [&proposal.problem, &proposal.solution]
        .into_iter()
        .chain(proposal.beneficiaries.iter().map(|(_, c)| c))
        .chain(proposal.risks.iter());
    for claim in claims {
        for id in &claim.evidence {
            let next = numbers.len() + 1;
            numbers.entry(*id).or_insert(next);
        }
    }
    numbers
}

/// The brief as Markdown, for e-mail or chat: every claim with its citations (`[1]`) or marked
/// *opinion*, the numbers, the ask, and the sources. Every user-written text is escaped
/// ([`markdown::inline`]) and links are autolinks only to web addresses ([`markdown::link`]).
pub fn markdown(
    proposal: &Proposal,
    evaluation: &Evaluation,
    delivery: Option<&Delivery>,
    objectives: &[Objective],
    evidence: &[Evidence],
) -> String {
    let numbers = citations(proposal);
    let cite = |claim: &Claim| -> String {
        if claim.evidence.is_empty() {
            " *(opinion: no evidence)*".to_owned()
        } else {
            let refs: Vec<String> = claim.evidence.iter().map(|id| format!("[{}]", numbers[id])).collect();
            format!(" {}", refs.join(""))
        }
    };
    let money = |minor: i64| format!("{} {}", proposal.currency, major_units(minor));
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n\n*Status: {}*\n", inline(&proposal.title), inline(&proposal.status));
    let _ = writeln!(out, "## Problem\n\n{}{}\n", inline(&proposal.problem.text), cite(&proposal.problem));
    let _ = writeln!(out, "## Proposed solution\n\n{}{}\n", inline(&proposal.solution.text), cite(&proposal.solution));
    let _ = writeln!(out, "## Objectives served\n");
    if proposal.objective_ids.is_empty() {
        let _ = writeln!(out, "**Unaligned:** this proposal serves no objective.\n");
    } else {
        for o in objectives.iter().filter(|o| proposal.objective_ids.contains(&o.id)) {
            let _ = writeln!(out, "- {}", inline(&o.title));
        }
        out.push('\n');
    }
    if !proposal.beneficiaries.is_empty() {
        let _ = writeln!(out, "## Who benefits\n");
        for (who, claim) in &proposal.beneficiaries {
            let _ = writeln!(out, "- **{}:** {}{}", inline(&who.replace('_', " ")), inline(&claim.text), cite(claim));
        }
        out.push('\n');
    }
    let _ = writeln!(out, "## The numbers\n");
    let _ = writeln!(
        out,
        "One-off cost {}, recurring cost {} per period, {} periods, discount rate {:.1}% per period.\n",
        money(proposal.case.one_off_cost()),
        money(proposal.case.recurring_cost()),
        proposal.case.periods(),
        proposal.case.discount_rate() * 100.0
    );
    let _ = writeln!(out, "| Benefits | NPV | ROI | Payback |\n|---|---:|---:|---:|");
    for (name, result) in [("Low", &evaluation.low), ("Expected", &evaluation.expected), ("High", &evaluation.high)] {
        let _ = writeln!(out, "| {name} | {} | {} | {} |", money(result.npv), roi(result), payback(result));
    }
    out.push('\n');
    if let Some(delivery) = delivery {
        let escaped =
            Delivery { initiative: inline(&delivery.initiative), range: delivery.range, note: inline(&delivery.note) };
        let _ = writeln!(out, "## Delivery\n\n{}\n", escaped.sentence());
    }
    if !proposal.risks.is_empty() {
        let _ = writeln!(out, "## Risks\n");
        for claim in &proposal.risks {
            let _ = writeln!(out, "- {}{}", inline(&claim.text), cite(claim));
        }
        out.push('\n');
    }
    let _ = writeln!(out, "## The ask\n");
    let mut ask = vec![inline(&proposal.decision)];
    if let Some(minor) = proposal.ask_money {
        ask.push(format!("budget {}", money(minor)));
    }
    if let Some(people) = proposal.ask_people {
        ask.push(format!("{people} {}", if people == 1 { "person" } else { "people" }));
    }
    if let Some(by) = proposal.decide_by {
        ask.push(format!("decision by {}", date::format(by)));
    }
    let _ = writeln!(out, "{}.\n", ask.join("; "));
    if !numbers.is_empty() {
        let _ = writeln!(out, "## Sources\n");
        let mut cited: Vec<(&usize, &i64)> = numbers.iter().map(|(id, n)| (n, id)).collect();
        cited.sort();
        for (n, id) in cited {
            if let Some(e) = evidence.iter().find(|e| e.id == *id) {
                let _ = writeln!(out, "{n}. {}", source_markdown(e));
            }
        }
    }
    out
}

/// One source as the Markdown brief lists it: [`source_line`] with its user-written parts
/// escaped and the link an autolink only when it is a web address.
fn source_markdown(e: &Evidence) -> String {
    let mut parts = vec![inline(e.kind.label())];
    if let Some(customer) = &e.customer {
        parts.push(inline(customer));
    }
    if let Some(day) = e.date {
        parts.push(date::format(day));
    }
    let mut line = format!("{}: \u{201c}{}\u{201d}", parts.join(", "), inline(&e.summary));
    if let Some(source) = &e.source {
        let _ = write!(line, " {}", markdown::link(source));
    }
    line
}

/// One source as a brief lists it: kind, customer, date, summary and link.
pub fn source_line(e: &Evidence) -> String {
    let mut parts = vec![e.kind.label().to_owned()];
    if let Some(customer) = &e.customer {
        parts.push(customer.clone());
    }
    if let Some(day) = e.date {
        parts.push(date::format(day));
    }
    let mut line = format!("{}: \u{201c}{}\u{201d}", parts.join(", "), e.summary);
    if let Some(source) = &e.source {
        let _ = write!(line, " <{source}>");
    }
    line
}

/// ROI as a percentage, or "n/a" without costs.
pub fn roi(result: &ScenarioResult) -> String {
    result.roi.map_or_else(|| "n/a".to_owned(), |r| format!("{:.1}%", r * 100.0))
}

/// Payback in periods, or "never".
pub fn payback(result: &ScenarioResult) -> String {
    result.payback_periods.map_or_else(|| "never".to_owned(), |p| format!("{p:.1} periods"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::EvidenceInput;

    fn evidence(id: i64, summary: &str) -> Evidence {
        let input: EvidenceInput =
            serde_json::from_value(serde_json::json!({"kind": "support_ticket", "summary": summary, "customer": "Globex", "date": "2026-11-02"})).unwrap();
        let draft = input.validate().unwrap();
        Evidence {
            id,
            kind: draft.kind,
            summary: draft.summary,
            source: draft.source,
            date: draft.date,
            customer: draft.customer,
            customers_affected: draft.customers_affected,
            revenue_at_stake: draft.revenue_at_stake,
            currency: draft.currency,
            recorded_by: draft.recorded_by,
            recorder_id: None,
        }
    }

    fn input() -> ProposalInput {
        serde_json::from_value(serde_json::json!({
            "title": "Instant refunds",
            "problem": {"text": "Refunds take two weeks", "evidence": [7]},
            "solution": {"text": "Refund to the card at once"},
            "beneficiaries": [{"who": "customers", "text": "Money back the same day", "evidence": [7, 9]}],
            "risks": [{"text": "Card networks may charge more"}],
            "case": {"discount_rate": 0.1, "one_off_cost": 10_000_000, "recurring_cost": 2_000_000,
                     "benefits": {"low": [4_000_000, 4_000_000, 4_000_000], "expected": [6_000_000, 6_000_000, 6_000_000], "high": [8_000_000, 8_000_000, 8_000_000]}},
            "ask": {"money": 10_000_000, "people": 2, "decision": "Fund a two-person team for a quarter", "decide_by": "2026-12-15"}
        }))
        .unwrap()
    }

    const TODAY: Date = time::macros::date!(2026 - 11 - 23);

    #[test]
    fn the_markdown_brief_escapes_every_user_written_text() {
        let mut hostile = evidence(7, "<img src=x onerror=alert(1)> **urgent**");
        hostile.customer = Some("Globex\n# Board approved".into());
        hostile.source = Some("javascript:alert(1)".into());
        let mut linked = evidence(9, "Fine");
        linked.source = Some("https://support.example.com/t/4711".into());
        let mut input = input();
        input.title = "Instant refunds\n# Approved by the CEO".into();
        input.problem.text = "<script>alert(1)</script>".into();
        input.solution.text = "[click here](javascript:alert(1))".into();
        input.risks[0].text = "none\n\n- really | none".into();
        input.ask.decision = "Fund it\n<iframe src=//evil.example>".into();
        let known = [hostile, linked];
        let proposal = input.validate(&[], &[], &known, Some(TODAY)).unwrap();
        let evaluation = proposal.case.evaluate();
        let delivery = Delivery { initiative: "**Refunds**".into(), range: None, note: "no <b>history</b>".into() };
        let brief = markdown(&proposal, &evaluation, Some(&delivery), &[], &known);
        assert!(brief.starts_with("# Instant refunds \\# Approved by the CEO\n"), "{brief}");
        assert_eq!(brief.lines().filter(|l| l.starts_with("# ")).count(), 1, "one heading of level one: {brief}");
        assert!(brief.contains("\\<script\\>alert\\(1\\)\\</script\\> [1]"), "{brief}");
        assert!(brief.contains("\\[click here\\]\\(javascript:alert\\(1\\)\\)"), "{brief}");
        assert!(brief.contains("- none - really \\| none *(opinion"), "{brief}");
        assert!(brief.contains("Fund it \\<iframe src=//evil.example\\>; budget"), "{brief}");
        assert!(brief.contains("\\*\\*Refunds\\*\\*: no delivery forecast (no \\<b\\>history\\</b\\>)."), "{brief}");
        assert!(
            brief.contains(
                "1. support ticket, Globex \\# Board approved, 2026-11-02: \u{201c}\\<img src=x onerror=alert\\(1\\)\\> \\*\\*urgent\\*\\*\u{201d} javascript:alert\\(1\\)\n"
            ),
            "{brief}"
        );
        assert!(brief.contains("\u{201c}Fine\u{201d} <https://support.example.com/t/4711>"), "{brief}");
        for raw in ["](javascript", "\n# Approved", "\n# Board", "\n- really"] {
            assert!(!brief.contains(raw), "{raw} came out raw: {brief}");
        }
        // Every '<' is escaped, but for the one autolink.
        let opened: Vec<&str> = brief
            .match_indices('<')
            .filter(|(at, _)| !brief[..*at].ends_with('\\'))
            .map(|(at, _)| &brief[at..at + 9])
            .collect();
        assert_eq!(opened, ["<https://"], "{brief}");
    }

    #[test]
    fn the_brief_cites_evidence_and_marks_opinions() {
        let known = [
            evidence(7, "Refunds take two weeks to reach the card"),
            evidence(9, "Customers churn after slow refunds"),
        ];
        let proposal = input().validate(&[], &[], &known, Some(TODAY)).unwrap();
        let evaluation = proposal.case.evaluate();
        let delivery = Delivery {
            initiative: "Instant refunds".into(),
            range: Some((time::macros::date!(2027 - 02 - 10), time::macros::date!(2027 - 03 - 31))),
            note: "calibrated".into(),
        };
        let brief = markdown(&proposal, &evaluation, Some(&delivery), &[], &known);
        assert!(brief.contains(
            "## Delivery\n\nInstant refunds: 50% likely done by 2027-02-10, 95% likely by 2027-03-31 (calibrated).\n"
        ));
        assert!(brief.contains("Refunds take two weeks [1]\n"), "{brief}");
        assert!(brief.contains("Refund to the card at once *(opinion: no evidence)*"));
        assert!(brief.contains("- **customers:** Money back the same day [1][2]"));
        assert!(brief.contains("- Card networks may charge more *(opinion: no evidence)*"));
        assert!(brief.contains("**Unaligned:** this proposal serves no objective."));
        // Expected: 3 periods of 60,000 − 20,000 at 10%: 40,000 × 2.486852 = 99,474.08 − 100,000 = −525.92.
        assert!(brief.contains("| Expected | EUR -525.92 |"), "{brief}");
        assert!(
            brief.contains(
                "Fund a two-person team for a quarter; budget EUR 100,000; 2 people; decision by 2026-12-15."
            )
        );
        assert!(brief.contains(
            "1. support ticket, Globex, 2026-11-02: \u{201c}Refunds take two weeks to reach the card\u{201d}"
        ));
        assert!(
            brief.contains("2. support ticket, Globex, 2026-11-02: \u{201c}Customers churn after slow refunds\u{201d}")
        );
    }

    #[test]
    fn a_stored_proposal_past_its_decision_date_still_reads_back() {
        let mut stored = input();
        stored.problem.evidence.clear();
        stored.beneficiaries.clear();
        stored.ask.decide_by = Some("2026-01-01".into());
        assert!(stored.clone().validate(&[], &[], &[], Some(TODAY)).is_err());
        assert_eq!(stored.validate(&[], &[], &[], None).unwrap().decide_by, Some(time::macros::date!(2026 - 01 - 01)));
    }

    #[test]
    fn cited_evidence_is_listed_once_in_order_of_citation() {
        assert_eq!(input().cited_evidence(), [7, 9]);
    }

    #[test]
    fn status_moves_follow_the_workflow() {
        for (from, to) in [
            ("draft", "presented"),
            ("presented", "approved"),
            ("presented", "declined"),
            ("presented", "draft"),
            ("declined", "draft"),
        ] {
            assert_eq!(check_move(from, to), Ok(()), "{from} → {to}");
        }
        assert_eq!(
            check_move("draft", "approved").unwrap_err(),
            "the proposal is draft: only a presented proposal can be approved or declined"
        );
        assert_eq!(
            check_move("approved", "draft").unwrap_err(),
            "the proposal is approved: an approved proposal is final"
        );
        assert_eq!(
            check_move("declined", "presented").unwrap_err(),
            "the proposal is declined: only a draft can be presented"
        );
        assert_eq!(check_move("draft", "draft").unwrap_err(), "the proposal is draft: it cannot become draft");
    }

    #[test]
    fn bad_input_names_each_field_and_unknown_links() {
        let mut bad = input();
        bad.problem.evidence = vec![3];
        bad.objective_ids = vec![42];
        bad.beneficiaries[0].who = "shareholders".into();
        bad.case.discount_rate = 12.0;
        bad.case.one_off_cost = -1;
        bad.ask.decide_by = Some("2026-01-01".into());
        bad.ask.money = Some(-5);
        bad.status = "maybe".into();
        bad.initiative_id = Some(5);
        let errors = bad.validate(&[], &[], &[evidence(7, "x")], Some(TODAY)).unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "problem.evidence[0]",
                "beneficiaries[0].who",
                "beneficiaries[0].evidence[1]",
                "objective_ids[0]",
                "initiative_id",
                "case.discount_rate",
                "case.one_off_cost",
                "ask.money",
                "ask.decide_by",
                "status"
            ]
        );
    }
}
