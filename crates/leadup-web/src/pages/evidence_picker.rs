//! The evidence picker of the forms that cite evidence (a proposal's claims, a change
//! request): the library's pieces as checkboxes in a list that scrolls, those chosen first. It
//! is a plain form control; `assets/evidence-picker.js`, when it runs, adds a box above each
//! list that narrows it to the pieces matching every word typed.

use leadup_core::evidence::Evidence;
use maud::{Markup, html};

/// The picker for the form field `name` (one value per piece chosen), titled `legend`;
/// `claim` names what the evidence backs, for screen readers and the filter box.
pub(super) fn picker(name: &str, legend: &str, claim: &str, evidence: &[Evidence], chosen: &[i64]) -> Markup {
    let (first, rest): (Vec<&Evidence>, Vec<&Evidence>) = evidence.iter().partition(|e| chosen.contains(&e.id));
    html! {
        fieldset.evidence-picker data-claim=(claim) {
            legend { (legend) span.visually-hidden { ": " (claim) } }
            @if evidence.is_empty() {
                p.muted { "The evidence library is empty: " a href="/evidence/new" { "record evidence" } " to cite it here." }
            } @else {
                ul.evidence-list {
                    @for piece in first.iter().chain(&rest) { li {
                        label.check { input type="checkbox" name=(name) value=(piece.id) checked[chosen.contains(&piece.id)];
                            span { strong { "#" (piece.id) " " (piece.kind.label()) } " · " (piece.summary)
                                @if let Some(customer) = &piece.customer { span.muted { " · " (customer) } } } }
                    } }
                }
            }
        }
    }
}

/// The script that adds the filter box; once per page that has pickers.
pub(super) fn script() -> Markup {
    super::layout::script("evidence-picker.js")
}
