//! A proposal's one-page brief as a print-ready HTML document (a browser's "Save as PDF"
//! gives a clean page): every claim with its evidence citations or marked as an opinion, the
//! numbers, the ask and the sources. The Markdown brief is `leadup_core::proposal::markdown`.

use leadup_core::business_case::Evaluation;
use leadup_core::date;
use leadup_core::evidence::Evidence;
use leadup_core::money::major_units;
use leadup_core::proposal::{Claim, Delivery, Proposal, citations, payback, roi, source_line};
use leadup_core::strategy::Objective;
use maud::{DOCTYPE, Markup, html};

/// The brief's own stylesheet: one A4 page, no navigation.
const STYLE: &str = "\
@page { size: A4; margin: 16mm; }\
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif; color: #1d2433; font-size: 11pt; line-height: 1.4; max-width: 180mm; margin: 12mm auto; }\
h1 { font-size: 20pt; margin: 0 0 2mm; } h2 { font-size: 12pt; margin: 5mm 0 1.5mm; text-transform: uppercase; letter-spacing: .04em; color: #2f5bea; }\
p, ul { margin: 0 0 2mm; } .status { color: #5d6678; } sup { color: #2f5bea; font-weight: 600; }\
.opinion { color: #b4231a; background: #fdecea; border: 1px solid #f1b5ae; border-radius: 3px; padding: 0 4px; font-size: 9pt; white-space: nowrap; }\
.unaligned { color: #b4231a; font-weight: 600; }\
table { border-collapse: collapse; width: 100%; margin: 1mm 0 2mm; } th, td { border-bottom: 1px solid #dfe3ea; padding: 1.2mm 2mm; text-align: right; } th:first-child, td:first-child { text-align: left; }\
.ask { background: #e8eeff; border-radius: 2mm; padding: 3mm 4mm; } ol.sources { font-size: 9pt; color: #5d6678; padding-left: 5mm; }\
@media print { body { margin: 0; } }";

fn cite(claim: &Claim, numbers: &std::collections::BTreeMap<i64, usize>) -> Markup {
    html! {
        @if claim.evidence.is_empty() {
            " " span.opinion title="No evidence supports this claim" { "opinion" }
        } @else {
            @for id in &claim.evidence { sup { "[" (numbers[id]) "]" } }
        }
    }
}

/// The brief as a complete HTML document.
pub fn html(
    proposal: &Proposal,
    evaluation: &Evaluation,
    delivery: Option<&Delivery>,
    objectives: &[Objective],
    evidence: &[Evidence],
) -> String {
    let numbers = citations(proposal);
    let money = |minor: i64| format!("{} {}", proposal.currency, major_units(minor));
    let mut cited: Vec<(usize, i64)> = numbers.iter().map(|(id, n)| (*n, *id)).collect();
    cited.sort_unstable();
    let served: Vec<&Objective> = objectives.iter().filter(|o| proposal.objective_ids.contains(&o.id)).collect();
    html! {
        (DOCTYPE)
        html lang="en" {
            head { meta charset="utf-8"; title { (proposal.title) " · brief" } style { (maud::PreEscaped(STYLE)) } }
            body {
                h1 { (proposal.title) }
                p.status { "Proposal · " (proposal.status) }
                h2 { "Problem" }
                p { (proposal.problem.text) (cite(&proposal.problem, &numbers)) }
                h2 { "Proposed solution" }
                p { (proposal.solution.text) (cite(&proposal.solution, &numbers)) }
                h2 { "Objectives served" }
                @if served.is_empty() { p.unaligned { "Unaligned: this proposal serves no objective." } }
                @else { ul { @for o in &served { li { (o.title) } } } }
                @if !proposal.beneficiaries.is_empty() {
                    h2 { "Who benefits" }
                    ul { @for (who, claim) in &proposal.beneficiaries {
                        li { strong { (who.replace('_', " ")) ": " } (claim.text) (cite(claim, &numbers)) }
                    } }
                }
                h2 { "The numbers" }
                p { "One-off cost " (money(proposal.case.one_off_cost())) ", recurring cost " (money(proposal.case.recurring_cost()))
                    " per period, " (proposal.case.periods()) " periods, discount rate " (format!("{:.1}", proposal.case.discount_rate() * 100.0)) "% per period." }
                table {
                    thead { tr { th { "Benefits" } th { "NPV" } th { "ROI" } th { "Payback" } } }
                    tbody { @for (name, result) in [("Low", &evaluation.low), ("Expected", &evaluation.expected), ("High", &evaluation.high)] {
                        tr { td { (name) } td { (money(result.npv)) } td { (roi(result)) } td { (payback(result)) } }
                    } }
                }
                @if let Some(delivery) = delivery {
                    h2 { "Delivery" }
                    p { (delivery.sentence()) }
                }
                @if !proposal.risks.is_empty() {
                    h2 { "Risks" }
                    ul { @for claim in &proposal.risks { li { (claim.text) (cite(claim, &numbers)) } } }
                }
                h2 { "The ask" }
                div.ask {
                    p { strong { (proposal.decision) } }
                    p {
                        @if let Some(minor) = proposal.ask_money { "Budget " (money(minor)) ". " }
                        @if let Some(people) = proposal.ask_people { (people) @if people == 1 { " person. " } @else { " people. " } }
                        @if let Some(by) = proposal.decide_by { "Decision by " (date::format(by)) "." }
                    }
                }
                @if !cited.is_empty() {
                    h2 { "Sources" }
                    ol.sources { @for (_, id) in &cited {
                        @if let Some(e) = evidence.iter().find(|e| e.id == *id) { li { (source_line(e)) } }
                    } }
                }
            }
        }
    }
    .into_string()
}
