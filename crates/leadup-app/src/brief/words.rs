//! The phrases every format of a brief shares, so the page, the Markdown and the PDF say the
//! same thing in the same words.

use leadup_core::date;
use leadup_core::money::major_units;
use time::Date;

use super::{Brief, ChangeRequestLine, Drift, InitiativeLine, KeyResultLine};

/// A date as `YYYY-MM-DD`, or a dash.
pub fn day(value: Option<Date>) -> String {
    value.map_or_else(|| "–".to_owned(), date::format)
}

/// A share as a whole percentage, or a dash.
pub fn chance(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_owned(), |p| format!("{:.0}%", p * 100.0))
}

/// An amount in minor units with its currency.
pub fn money(currency: &str, minor: i64) -> String {
    format!("{currency} {}", major_units(minor))
}

/// Days as `+5d`, `−3d` or `±0d`.
fn days(value: i64) -> String {
    match value {
        0 => "±0d".to_owned(),
        v if v > 0 => format!("+{v}d"),
        v => format!("−{}d", v.unsigned_abs()),
    }
}

/// What changed since the last brief, in a few words: "P85 +5d, chance −12 pts".
pub fn drift(line: &InitiativeLine) -> String {
    if line.new_since_last {
        return "new since last brief".to_owned();
    }
    let Some(Drift { p50_days, p85_days, probability }) = line.since_last else { return "–".to_owned() };
    let mut parts = Vec::new();
    if let Some(d) = p50_days.filter(|d| *d != 0) {
        parts.push(format!("P50 {}", days(d)));
    }
    if let Some(d) = p85_days.filter(|d| *d != 0) {
        parts.push(format!("P85 {}", days(d)));
    }
    if let Some(p) = probability.map(|p| (p * 100.0).round() as i64).filter(|p| *p != 0) {
        parts.push(if p > 0 { format!("chance +{p} pts") } else { format!("chance −{} pts", p.unsigned_abs()) });
    }
    if parts.is_empty() { "no change".to_owned() } else { parts.join(", ") }
}

/// Items done of those in scope: "12 of 30".
pub fn done(line: &InitiativeLine) -> String {
    if line.items == 0 { "no items".to_owned() } else { format!("{} of {}", line.done, line.items) }
}

/// Spending against the approved plan's budget, and the committed date when it is not the
/// target shown: "EUR 40,000 of 120,000 spent".
pub fn committed(line: &InitiativeLine) -> String {
    match &line.committed {
        Some(c) => {
            let date = if line.target == Some(c.target_date) {
                String::new()
            } else {
                format!("committed {} · ", date::format(c.target_date))
            };
            let moved = c.p85_change_days.map(|d| format!(" · P85 {} since approval", days(d))).unwrap_or_default();
            format!("{date}{} of {} spent{moved}", money(&line.currency, line.budget_spent), major_units(c.budget))
        }
        None => format!("not in the approved plan · {} spent", money(&line.currency, line.budget_spent)),
    }
}

/// A change request's cost: "+14d delay, +EUR 90,000".
pub fn cost(request: &ChangeRequestLine) -> String {
    let budget = if request.budget_delta >= 0 {
        format!("+{}", money(&request.currency, request.budget_delta))
    } else {
        format!("−{}", money(&request.currency, -request.budget_delta))
    };
    format!("{} delay, {budget}", days(request.delay_days))
}

/// A change request's status: "open" or "accepted 2027-01-12".
pub fn request_status(request: &ChangeRequestLine) -> String {
    match request.decided_on {
        Some(on) => format!("{} {}", request.status, date::format(on)),
        None => request.status.clone(),
    }
}

/// A number as typed: no decimals when whole.
pub fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 { format!("{value:.0}") } else { format!("{value}") }
}

/// A key result's value now, and then when it moved: "236 (was 220) of 400 EUR million".
pub fn key_result(kr: &KeyResultLine) -> String {
    let was = match kr.previous {
        Some(p) if kr.moved() => format!(" (was {})", number(p)),
        Some(_) => " (unchanged)".to_owned(),
        None => String::new(),
    };
    format!("{}{was} of {} {}", number(kr.current), number(kr.target), kr.unit)
}

/// "Since the brief of 2027-01-02" or "First brief to Mateo Fernández about Payments".
pub fn since(brief: &Brief) -> String {
    match &brief.since {
        Some(s) => format!("Changes are since the brief sent {}.", date::format(s.sent_on)),
        None => format!("First brief to {} about {}: no changes to compare.", brief.stakeholder.name, brief.team.name),
    }
}

/// Where a commitment stands as of `as_of`, after its statement and to whom: "due 2026-12-31
/// (90% stated; 11% likely now)", "due 2026-11-30 (overdue; 50% stated)", or "due 2026-12-15
/// (met 2026-12-10)".
/// The track record in one sentence: "6 of 12 commitments closed in the 12 months to
/// 2027-01-31 kept on time (50%), 2 renegotiated early, 4 missed, 1 dropped; Brier score 0.21
/// (0 is perfect)".
pub fn track_record(t: &super::TrackRecordLine) -> String {
    let months = format!("in the 12 months to {}", date::format(t.to));
    if t.closed == 0 {
        return format!("No commitment closed {months}.");
    }
    let counted = t.closed - t.dropped;
    let rate = t.on_time_rate.map(|r| format!(" ({:.0}%)", r * 100.0)).unwrap_or_default();
    let brier =
        t.brier.map(|b| format!("; Brier score {b:.2} (0 is perfect, 0.25 is always saying 50%)")).unwrap_or_default();
    format!(
        "{} of {counted} {} closed {months} kept on time{rate}, {} renegotiated early, {} missed, {} dropped{brier}.",
        t.kept_on_time,
        if counted == 1 { "commitment" } else { "commitments" },
        t.renegotiated_early,
        t.missed,
        t.dropped
    )
}

pub fn commitment(c: &super::CommitmentLine, as_of: Date) -> String {
    let stated = format!("{:.0}% stated", c.confidence * 100.0);
    let stands = match (c.state.as_str(), c.met_on, c.chance_now) {
        ("met", Some(on), _) => format!("met {}", date::format(on)),
        ("open", _, _) if c.due < as_of => format!("overdue; {stated}"),
        ("open", _, Some(chance)) if chance < c.confidence => {
            format!("{stated}; {:.0}% likely now: below what was stated", chance * 100.0)
        }
        ("open", _, Some(chance)) => format!("{stated}; {:.0}% likely now", chance * 100.0),
        ("open", _, None) => stated,
        (state, _, _) => state.to_owned(),
    };
    format!("due {} ({stands})", date::format(c.due))
}
