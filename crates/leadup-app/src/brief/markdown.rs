//! A brief as Markdown, for an e-mail's text part or a chat message. Every user-written text
//! (titles, reasons, summaries, the note, the asks) goes through `leadup_core::markdown`, so no
//! HTML or link target passes through raw.

use std::fmt::Write;

use leadup_core::date;
use leadup_core::markdown::inline;

use super::Brief;
use super::order::{self, Section};
use super::words;

/// `brief` as Markdown.
pub fn markdown(brief: &Brief) -> String {
    let mut out = String::new();
    let w = &mut out;
    let _ = writeln!(w, "# {} · brief for {}", inline(&brief.team.name), inline(&brief.stakeholder.name));
    let _ = writeln!(
        w,
        "\n{} to {} · from {} · {}\n",
        date::format(brief.period.start),
        date::format(brief.period.end),
        inline(&brief.team.manager),
        words::since(brief)
    );
    let _ = writeln!(w, "**{}.** {}\n", brief.headline.label, inline(&brief.headline.reason));
    if !brief.note.is_empty() {
        let _ = writeln!(w, "> {}\n", inline(&brief.note));
    }

    let placed = order::sections(brief);
    for p in placed.iter().filter(|p| p.full) {
        section(w, brief, p.section);
    }
    let rest: Vec<_> = placed.iter().filter(|p| !p.full).collect();
    if !rest.is_empty() {
        let _ = writeln!(w, "## Also in this period\n");
        for p in rest {
            let _ = writeln!(w, "- {}", inline(&order::summary(brief, p.section)));
        }
        let _ = writeln!(w);
    }

    for section in &brief.not_tracked {
        let _ = writeln!(w, "## {}\n\n{}\n", section.title, section.note);
    }
    out.trim_end().to_owned() + "\n"
}

/// Section `section` of `brief` in full.
fn section(w: &mut String, brief: &Brief, section: Section) {
    match section {
        Section::Initiatives => {
            let _ = writeln!(w, "## Initiatives\n");
            if brief.initiatives.is_empty() {
                let _ = writeln!(w, "No planned or committed initiatives.\n");
            } else {
                let _ = writeln!(w, "| Initiative | State | Done | Target | P50 | P85 | Chance | Since last brief |");
                let _ = writeln!(w, "|---|---|---|---|---|---|---|---|");
                for line in &brief.initiatives {
                    let _ = writeln!(
                        w,
                        "| {}{} | {} | {} | {} | {} | {} | {} | {} |",
                        inline(&line.title),
                        if line.serves_stakeholder { " ★" } else { "" },
                        line.state.label(),
                        words::done(line),
                        words::day(line.target),
                        words::day(line.p50),
                        words::day(line.p85),
                        words::chance(line.probability_by_target),
                        words::drift(line),
                    );
                }
                let _ = writeln!(
                    w,
                    "\n★ serves an objective {} owns or follows, or they follow it.\n",
                    inline(&brief.stakeholder.name)
                );
                for line in &brief.initiatives {
                    let _ = writeln!(w, "- {}: {}", inline(&line.title), words::committed(line));
                }
                let _ = writeln!(w);
            }
        }
        Section::Risks => {
            let _ = writeln!(w, "## Risks\n");
            if brief.risks.is_empty() {
                let _ = writeln!(w, "None: every dated initiative has at least a 70% chance and none fell.\n");
            } else {
                for risk in &brief.risks {
                    let _ = writeln!(w, "- **{}**: {}", inline(&risk.title), risk.reason);
                }
                let _ = writeln!(w);
            }
        }
        Section::ChangeRequests => {
            let _ = writeln!(w, "## Change requests\n");
            if brief.change_requests.is_empty() {
                let _ = writeln!(w, "None filed or decided in the period.\n");
            } else {
                for r in &brief.change_requests {
                    let _ = writeln!(
                        w,
                        "- {} {} ({}), asked by {} on {}; cost {}. Why: {}",
                        r.kind,
                        inline(&r.initiative),
                        words::request_status(r),
                        inline(&r.filed_by),
                        date::format(r.filed_on),
                        words::cost(r),
                        inline(&r.reason)
                    );
                }
                let _ = writeln!(w);
            }
        }
        Section::KeyResults => {
            let _ = writeln!(w, "## Key results\n");
            if brief.key_results.is_empty() {
                let _ = writeln!(w, "{} owns or follows no objective.\n", inline(&brief.stakeholder.name));
            } else {
                for kr in &brief.key_results {
                    let _ = writeln!(w, "- {}: {}", inline(&kr.metric), inline(&words::key_result(kr)));
                }
                let _ = writeln!(w);
            }
        }
        Section::Evidence => {
            let _ = writeln!(w, "## Evidence\n");
            if brief.evidence.is_empty() {
                let _ = writeln!(w, "No evidence linked to initiatives serving these objectives.\n");
            } else {
                for e in &brief.evidence {
                    let from = e.customer.as_deref().map(|c| format!(", {}", inline(c))).unwrap_or_default();
                    let _ = writeln!(
                        w,
                        "- {} ({}{from}, {}): {}",
                        e.kind,
                        words::day(e.date),
                        inline(&e.initiative),
                        inline(&e.summary)
                    );
                }
                let _ = writeln!(w);
            }
        }
        Section::Decisions => {
            let _ = writeln!(w, "## Decisions needed from {}\n", inline(&brief.stakeholder.name));
            if brief.decisions.is_empty() && brief.asks.is_empty() {
                let _ = writeln!(w, "Nothing waits for a decision.\n");
            } else {
                for d in &brief.decisions {
                    let _ = writeln!(w, "- {} (waiting since {})", inline(&d.what), date::format(d.since));
                }
                for ask in &brief.asks {
                    let _ = writeln!(w, "- Ask: {}", inline(ask));
                }
                let _ = writeln!(w);
            }
        }
        Section::Commitments => {
            let _ = writeln!(w, "## Commitments\n");
            if brief.commitments_due.is_empty() && brief.commitments_met.is_empty() {
                let _ = writeln!(w, "None due or met in the period.\n");
            }
            for (title, lines) in
                [("Due in the period", &brief.commitments_due), ("Met in the period", &brief.commitments_met)]
            {
                if !lines.is_empty() {
                    let _ = writeln!(w, "{title}:\n");
                    for c in lines {
                        let _ = writeln!(
                            w,
                            "- {}, to {}, {}",
                            inline(&c.statement),
                            inline(&c.to),
                            words::commitment(c, brief.period.end)
                        );
                    }
                    let _ = writeln!(w);
                }
            }
            if let Some(t) = &brief.track_record {
                let _ = writeln!(w, "Track record: {}\n", words::track_record(t));
            }
        }
        Section::Wins => {
            let _ = writeln!(w, "## Wins\n");
            if brief.wins.is_empty() {
                let _ = writeln!(w, "No win confirmed in the period.\n");
            } else {
                for win in &brief.wins {
                    let credited = win.credited.iter().map(|n| inline(n)).collect::<Vec<_>>().join(", ");
                    let impact =
                        if win.impact.is_empty() { String::new() } else { format!(": {}", inline(&win.impact)) };
                    let _ = writeln!(
                        w,
                        "- {} ({}){impact}. Credit: {credited}",
                        inline(&win.title),
                        date::format(win.achieved_on)
                    );
                }
                let _ = writeln!(w);
            }
        }
    }
}
