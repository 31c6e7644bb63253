//! A brief as a print-ready HTML page with its own stylesheet: the demo brief fits one A4 page.
//! maud escapes every text, so user-written titles and notes show as the text they are.

use leadup_core::date;
use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::order::{self, Placed, Section};
use super::words;
use super::{Brief, InitiativeLine};

/// The brief's stylesheet, scoped to `.brief`: compact on screen, one A4 page in print.
pub const STYLE: &str = "\
.brief { font-family: 'DejaVu Sans', system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: #1d2433; font-size: 10pt; line-height: 1.35; max-width: 190mm; margin: 0 auto; }\
.brief h1 { font-size: 16pt; margin: 0 0 1mm; } .brief h2 { font-size: 10pt; margin: 3.5mm 0 1mm; text-transform: uppercase; letter-spacing: .04em; color: #2547c4; }\
.brief p, .brief ul { margin: 0 0 1.5mm; } .brief ul { padding-left: 5mm; } .brief .meta { color: #4f586b; font-size: 9pt; }\
.brief .headline { border-left: 4px solid #4f586b; padding: 1.5mm 3mm; background: #f3f5f9; margin: 2mm 0; }\
.brief .headline.off_track { border-color: #b4231a; background: #fdecea; } .brief .headline.at_risk { border-color: #a86400; background: #fff4e0; } .brief .headline.on_track { border-color: #1f7a3a; background: #e8f5ec; }\
.brief .note { font-style: italic; border-left: 2px solid #c9cfdb; padding-left: 3mm; }\
.brief .table-wrap { overflow-x: auto; } .brief table { border-collapse: collapse; width: 100%; font-size: 8.5pt; }\
.brief th, .brief td { border-bottom: 1px solid #dfe3ea; padding: .8mm 1.2mm; text-align: left; vertical-align: top; } .brief td.n, .brief th.n { text-align: right; white-space: nowrap; }\
.brief th.title { width: 31%; } .brief th.drift { width: 17%; }\
.brief-toolbar { max-width: 190mm; margin: 0 auto 4mm; font: 10pt/1.5 'DejaVu Sans', system-ui, sans-serif; color: #4f586b; } .brief-toolbar form.send { margin: 2mm 0 0; } .brief-toolbar button { font: inherit; padding: 1mm 3mm; border-radius: 4px; border: 1px solid #2547c4; background: #2547c4; color: #fff; cursor: pointer; } .brief-toolbar ul.deliveries { margin: 1mm 0 0; padding-left: 5mm; } .brief-toolbar .delivery .error { color: #b4231a; }\
.brief .sub { color: #4f586b; font-size: 7.5pt; } .brief .state { font-weight: 600; white-space: nowrap; }\
.brief .state.off_track, .brief .state.target_passed { color: #b4231a; } .brief .state.at_risk { color: #8a5200; } .brief .state.on_track, .brief .state.done { color: #1f7a3a; }\
.brief .flow { columns: 2; column-gap: 6mm; } .brief .flow section { break-inside: avoid; } .brief .empty, .brief .untracked { color: #4f586b; }\
@media screen and (max-width: 640px) { .brief .flow { columns: 1; } .brief thead { display: none; } .brief tr { display: block; border-bottom: 1px solid #dfe3ea; padding: 1.5mm 0; }\
 .brief td { display: inline-block; border: 0; padding: .3mm 2.5mm .3mm 0; text-align: left; } .brief td.n { text-align: left; } .brief td:first-child { display: block; font-size: 10pt; }\
 .brief td[data-label]::before { content: attr(data-label) \" \"; color: #4f586b; font-size: 8pt; } }\
@page { size: A4; margin: 10mm 11mm; }\
@media print { .brief { max-width: none; font-size: 8pt; line-height: 1.3; } .brief h1 { font-size: 14pt; } .brief h2 { margin: 2.2mm 0 .8mm; } .brief table { font-size: 7.2pt; } .brief .sub { font-size: 6.8pt; } .brief .headline { margin: 1.5mm 0; padding: 1mm 2.5mm; } .no-print { display: none !important; } body { margin: 0; } }";

fn row(line: &InitiativeLine) -> Markup {
    html! {
        tr {
            td {
                (line.title) @if line.serves_stakeholder { " ★" }
                br; span.sub { (words::committed(line)) }
            }
            td { span class={ "state " (line.state.as_str()) } { (line.state.label()) } }
            td.n data-label="Done" { (words::done(line)) }
            td.n data-label="Target" { (words::day(line.target)) }
            td.n data-label="P50" { (words::day(line.p50)) }
            td.n data-label="P85" { (words::day(line.p85)) }
            td.n data-label="Chance" { (words::chance(line.probability_by_target)) }
            td data-label="Since last brief" { (words::drift(line)) }
        }
    }
}

/// The brief itself (for a page that has its own frame), inside `<article class="brief">`.
pub fn body(brief: &Brief) -> Markup {
    let who = &brief.stakeholder.name;
    let placed = order::sections(brief);
    html! {
        article.brief {
            h1 { (brief.team.name) " · brief for " (who) }
            p.meta {
                (date::format(brief.period.start)) " to " (date::format(brief.period.end))
                " · from " (brief.team.manager) " · " (words::since(brief))
            }
            p class={ "headline " (brief.headline.state) } { strong { (brief.headline.label) "." } " " (brief.headline.reason) }
            @if !brief.note.is_empty() { p.note { (brief.note) } }
            @for run in runs(&placed) {
                @if run[0].section == Section::Initiatives {
                    (section(brief, Section::Initiatives))
                } @else {
                    div.flow { @for p in run { (section(brief, p.section)) } }
                }
            }
            @if placed.iter().any(|p| !p.full) {
                section.also {
                    h2 { "Also in this period" }
                    ul { @for p in placed.iter().filter(|p| !p.full) { li { (order::summary(brief, p.section)) } } }
                }
            }
            @for section in &brief.not_tracked {
                h2 { (section.title) }
                p.untracked { (section.note) }
            }
        }
    }
}

/// The sections shown in full, in runs: the initiatives' table alone (it takes the page's
/// width), the other sections together (they flow in two columns where there is room).
fn runs(placed: &[Placed]) -> Vec<Vec<Placed>> {
    let mut runs: Vec<Vec<Placed>> = Vec::new();
    for p in placed.iter().filter(|p| p.full) {
        let alone = p.section == Section::Initiatives;
        match runs.last_mut() {
            Some(run) if !alone && run[0].section != Section::Initiatives => run.push(*p),
            _ => runs.push(vec![*p]),
        }
    }
    runs
}

/// Section `section` of `brief` in full.
fn section(brief: &Brief, section: Section) -> Markup {
    let who = &brief.stakeholder.name;
    match section {
        Section::Initiatives => html! {
            section {
                h2 { "Initiatives" }
                @if brief.initiatives.is_empty() {
                    p.empty { "No planned or committed initiatives." }
                } @else {
                    div.table-wrap {
                        table {
                            thead { tr {
                                th.title scope="col" { "Initiative" } th scope="col" { "State" } th.n scope="col" { "Done" }
                                th.n scope="col" { "Target" } th.n scope="col" { "P50" } th.n scope="col" { "P85" }
                                th.n scope="col" { "Chance" } th.drift scope="col" { "Since last brief" }
                            } }
                            tbody { @for line in &brief.initiatives { (row(line)) } }
                        }
                    }
                    p.sub { "★ serves an objective " (who) " owns or follows, or they follow it. Forecasts are the stored ones of each initiative's page; chance is of making the target." }
                }
            }
        },
        Section::Risks => html! {
            section {
                h2 { "Risks" }
                @if brief.risks.is_empty() {
                    p.empty { "None: every dated initiative has at least a 70% chance and none fell." }
                } @else {
                    ul { @for risk in &brief.risks { li { strong { (risk.title) } ": " (risk.reason) } } }
                }
            }
        },
        Section::ChangeRequests => html! {
            section {
                h2 { "Change requests" }
                @if brief.change_requests.is_empty() {
                    p.empty { "None filed or decided in the period." }
                } @else {
                    ul { @for r in &brief.change_requests {
                        li {
                            (r.kind) " " strong { (r.initiative) } " (" (words::request_status(r)) "), asked by " (r.filed_by)
                            " on " (date::format(r.filed_on)) "; cost " (words::cost(r)) "."
                            br; span.sub { "Why: " (r.reason) }
                        }
                    } }
                }
            }
        },
        Section::Decisions => html! {
            section {
                h2 { "Decisions needed from " (who) }
                @if brief.decisions.is_empty() && brief.asks.is_empty() {
                    p.empty { "Nothing waits for a decision." }
                } @else {
                    ul {
                        @for d in &brief.decisions { li { (d.what) " " span.sub { "(waiting since " (date::format(d.since)) ")" } } }
                        @for ask in &brief.asks { li { strong { "Ask: " } (ask) } }
                    }
                }
            }
        },
        Section::KeyResults => html! {
            section {
                h2 { "Key results" }
                @if brief.key_results.is_empty() {
                    p.empty { (who) " owns or follows no objective." }
                } @else {
                    ul { @for kr in &brief.key_results { li { (kr.metric) ": " (words::key_result(kr)) } } }
                }
            }
        },
        Section::Evidence => html! {
            section {
                h2 { "Evidence" }
                @if brief.evidence.is_empty() {
                    p.empty { "No evidence linked to initiatives serving these objectives." }
                } @else {
                    ul { @for e in &brief.evidence {
                        li {
                            (e.summary)
                            br; span.sub { (e.kind) " · " (words::day(e.date)) @if let Some(c) = &e.customer { " · " (c) } " · " (e.initiative) }
                        }
                    } }
                }
            }
        },
        Section::Commitments => html! {
            section {
                h2 { "Commitments" }
                @if brief.commitments_due.is_empty() && brief.commitments_met.is_empty() {
                    p.empty { "None due or met in the period." }
                }
                @for (title, lines) in [("Due in the period", &brief.commitments_due), ("Met in the period", &brief.commitments_met)] {
                    @if !lines.is_empty() {
                        p.sub { (title) }
                        ul { @for c in lines { li { (c.statement) ", to " (c.to) ", " (words::commitment(c, brief.period.end)) } } }
                    }
                }
                @if let Some(t) = &brief.track_record {
                    p.sub { "Track record" }
                    p { (words::track_record(t)) }
                }
            }
        },
        Section::Wins => html! {
            section {
                h2 { "Wins" }
                @if brief.wins.is_empty() {
                    p.empty { "No win confirmed in the period." }
                } @else {
                    ul { @for win in &brief.wins {
                        li {
                            (win.title) @if !win.impact.is_empty() { ": " (win.impact) }
                            br; span.sub { (date::format(win.achieved_on)) " · credit: " (win.credited.join(", ")) }
                        }
                    } }
                }
            }
        },
    }
}

/// The brief as a complete HTML document, with `toolbar` (hidden in print) above it.
pub fn page(brief: &Brief, toolbar: Option<Markup>) -> String {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (brief.subject()) }
                style { (PreEscaped(STYLE)) "body { margin: 8mm; }" }
            }
            body {
                @if let Some(toolbar) = toolbar { nav.brief-toolbar.no-print aria-label="Brief" { (toolbar) } }
                main { (body(brief)) }
            }
        }
    }
    .into_string()
}

/// The brief as a complete HTML document (e-mail's HTML part, a printable page).
pub fn html(brief: &Brief) -> String {
    page(brief, None)
}
