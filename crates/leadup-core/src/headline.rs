//! A plan's headline: on track, at risk or off track, with the reason in words naming the
//! initiatives responsible, derived from its committed initiatives' stored forecasts.
//!
//! # Thresholds
//! - **Off track** when any committed initiative not yet done is less than 50% likely to be
//!   done by its target (its target is more likely missed than met; a target that has passed
//!   with work remaining has a chance of 0).
//! - **At risk** when none is off track but one is less than 85% likely by its target, has
//!   fallen by [`FALL_POINTS`] points or more since the baseline was approved, or has no
//!   forecast at all (nobody can say it will be met).
//! - **On track** otherwise: every committed initiative is done or at least 85% likely by its
//!   target.
//!
//! Why 85%: leadup reads commitments at P85 everywhere (a change request's cost is the move of
//! the P85 date), and an initiative is at least 85% likely by its target exactly when its P85
//! date is on or before the target. So "at risk" means "its P85 date is past its target",
//! which is what an executive holding the manager to the plan would ask. 50% is where a miss
//! becomes the likelier outcome, so that is where a plan stops being "at risk" and is "off
//! track". A fall since approval counts from [`FALL_POINTS`] points so that the day-to-day
//! movement of a forecast (a few points as work is done and the history grows) does not raise
//! an alarm, while a drop an executive would want to hear about does.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::date;

/// Below this chance by its target, an initiative puts its plan off track.
pub const OFF_TRACK_BELOW: f64 = 0.5;

/// Below this chance by its target (its P85 date is past the target), an initiative puts its
/// plan at risk.
pub const AT_RISK_BELOW: f64 = 0.85;

/// A fall of the chance by target since approval of at least this many percentage points puts
/// the plan at risk.
pub const FALL_POINTS: f64 = 10.0;

/// Where a plan stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HeadlineState {
    /// Every committed initiative is done or at least 85% likely by its target.
    OnTrack,
    /// Some initiative is less than 85% likely by its target, fell since approval, or cannot be
    /// forecast.
    AtRisk,
    /// Some initiative is less than 50% likely by its target.
    OffTrack,
}

impl HeadlineState {
    /// "on track", "at risk" or "off track".
    pub fn label(self) -> &'static str {
        match self {
            Self::OnTrack => "on track",
            Self::AtRisk => "at risk",
            Self::OffTrack => "off track",
        }
    }

    /// The snake-case name used in the API (`on_track`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OnTrack => "on_track",
            Self::AtRisk => "at_risk",
            Self::OffTrack => "off_track",
        }
    }
}

/// A plan's headline: its state and why, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Headline {
    /// On track, at risk or off track.
    pub state: HeadlineState,
    /// Why, naming the initiatives responsible.
    pub reason: String,
}

/// What the headline is derived from for one committed initiative.
#[derive(Debug, Clone, PartialEq)]
pub struct HeadlineItem {
    /// The initiative's title.
    pub title: String,
    /// The plan's target date for it.
    pub target: Date,
    /// Whether all its work is done.
    pub done: bool,
    /// Its current chance of being done by the target (0 to 1); `None` without a forecast.
    pub chance: Option<f64>,
    /// Its chance by the target when the baseline was approved, if known.
    pub chance_at_approval: Option<f64>,
    /// Its current P85 date, if forecast.
    pub p85: Option<Date>,
}

/// Why one initiative weighs on the headline.
enum Concern {
    Unlikely(f64),
    Below(f64),
    Fell(f64, f64),
    Unknown,
}

impl HeadlineItem {
    fn concern(&self) -> Option<Concern> {
        if self.done {
            return None;
        }
        let Some(chance) = self.chance else { return Some(Concern::Unknown) };
        if chance < OFF_TRACK_BELOW {
            Some(Concern::Unlikely(chance))
        } else if chance < AT_RISK_BELOW {
            Some(Concern::Below(chance))
        } else {
            let fell = |was: &f64| (was - chance) * 100.0 >= FALL_POINTS - 1e-9;
            self.chance_at_approval.filter(fell).map(|was| Concern::Fell(was, chance))
        }
    }

    fn phrase(&self, concern: &Concern) -> String {
        let target = date::format(self.target);
        let p85 = self.p85.map(|d| format!(", P85 {}", date::format(d))).unwrap_or_default();
        match concern {
            Concern::Unlikely(chance) | Concern::Below(chance) => {
                format!("{} ({} by {target}{p85})", self.title, percent(*chance))
            }
            Concern::Fell(was, now) => {
                format!("{} (fell from {} to {} by {target} since approval)", self.title, percent(*was), percent(*now))
            }
            Concern::Unknown => format!("{} (no forecast yet for {target})", self.title),
        }
    }
}

/// A chance as a whole percentage, e.g. "31%".
pub fn percent(chance: f64) -> String {
    format!("{:.0}%", (chance * 100.0).clamp(0.0, 100.0))
}

/// "1 of 4 initiatives is" / "2 of 4 initiatives are".
fn count_of(n: usize, total: usize) -> String {
    let noun = if total == 1 { "initiative" } else { "initiatives" };
    let verb = if n == 1 { "is" } else { "are" };
    format!("{n} of {total} {noun} {verb}")
}

/// The headline of a plan whose committed initiatives are `items` (in plan order).
pub fn headline(items: &[HeadlineItem]) -> Headline {
    let total = items.len();
    if total == 0 {
        return Headline { state: HeadlineState::OnTrack, reason: "The plan commits to no initiatives.".to_owned() };
    }
    let concerns: Vec<(&HeadlineItem, Concern)> = items.iter().filter_map(|i| i.concern().map(|c| (i, c))).collect();
    let (unlikely, at_risk): (Vec<_>, Vec<_>) = concerns.iter().partition(|(_, c)| matches!(c, Concern::Unlikely(_)));
    let list = |group: &[&(&HeadlineItem, Concern)]| {
        group.iter().map(|(item, concern)| item.phrase(concern)).collect::<Vec<_>>().join(", ")
    };
    if !unlikely.is_empty() {
        let mut reason =
            format!("{} unlikely to meet their target: {}.", count_of(unlikely.len(), total), list(&unlikely));
        if !at_risk.is_empty() {
            reason = format!("{reason} {} more at risk: {}.", at_risk.len(), list(&at_risk));
        }
        return Headline { state: HeadlineState::OffTrack, reason };
    }
    if !at_risk.is_empty() {
        let reason = format!(
            "{} at risk of missing their target (less than {} likely, or falling): {}.",
            count_of(at_risk.len(), total),
            percent(AT_RISK_BELOW),
            list(&at_risk)
        );
        return Headline { state: HeadlineState::AtRisk, reason };
    }
    let done = items.iter().filter(|i| i.done).count();
    let likely = percent(AT_RISK_BELOW);
    let reason = match (done, total) {
        (1, 1) => "The plan's one committed initiative is done.".to_owned(),
        (0, 1) => format!("The plan's one committed initiative is at least {likely} likely by its target."),
        (d, t) if d == t => format!("All {t} committed initiatives are done."),
        (0, t) => format!("All {t} committed initiatives are at least {likely} likely by their target."),
        (d, t) if t - d == 1 => {
            format!("{d} of {t} committed initiatives are done; the other is at least {likely} likely by its target.")
        }
        (d, t) => format!(
            "{} done; the others are at least {likely} likely by their target.",
            count_of(d, t).replace("initiatives", "committed initiatives")
        ),
    };
    Headline { state: HeadlineState::OnTrack, reason }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    fn item(title: &str, chance: Option<f64>) -> HeadlineItem {
        HeadlineItem {
            title: title.to_owned(),
            target: date!(2027 - 01 - 15),
            done: false,
            chance,
            chance_at_approval: None,
            p85: None,
        }
    }

    #[test]
    fn off_track_names_the_unlikely_and_the_at_risk() {
        let mut sepa = item("SEPA Instant", Some(0.31));
        sepa.p85 = Some(date!(2027 - 02 - 20));
        let items = [sepa, item("Fraud rules", Some(0.92)), item("Refunds", Some(0.7)), item("Payouts", Some(0.12))];
        let h = headline(&items);
        assert_eq!(h.state, HeadlineState::OffTrack);
        assert_eq!(
            h.reason,
            "2 of 4 initiatives are unlikely to meet their target: SEPA Instant (31% by 2027-01-15, P85 2027-02-20), \
             Payouts (12% by 2027-01-15). 1 more at risk: Refunds (70% by 2027-01-15)."
        );
    }

    #[test]
    fn at_risk_below_85_or_fallen_or_unknown() {
        let h = headline(&[item("A", Some(0.84)), item("B", Some(0.99))]);
        assert_eq!(h.state, HeadlineState::AtRisk);
        assert_eq!(
            h.reason,
            "1 of 2 initiatives is at risk of missing their target (less than 85% likely, or falling): A (84% by 2027-01-15)."
        );
        let mut fell = item("B", Some(0.86));
        fell.chance_at_approval = Some(0.97);
        let h = headline(&[fell.clone()]);
        assert_eq!(h.state, HeadlineState::AtRisk);
        assert!(h.reason.contains("B (fell from 97% to 86% by 2027-01-15 since approval)"), "{}", h.reason);
        fell.chance_at_approval = Some(0.95);
        assert_eq!(headline(&[fell]).state, HeadlineState::OnTrack, "a fall of 9 points is not news");
        let h = headline(&[item("C", None)]);
        assert_eq!(h.state, HeadlineState::AtRisk);
        assert!(h.reason.contains("C (no forecast yet for 2027-01-15)"), "{}", h.reason);
    }

    #[test]
    fn exactly_at_a_threshold_is_the_better_state() {
        assert_eq!(headline(&[item("A", Some(0.5))]).state, HeadlineState::AtRisk);
        assert_eq!(headline(&[item("A", Some(0.85))]).state, HeadlineState::OnTrack);
        assert_eq!(headline(&[item("A", Some(0.49))]).state, HeadlineState::OffTrack);
    }

    #[test]
    fn on_track_counts_done_initiatives() {
        let mut done = item("Done", Some(0.0));
        done.done = true;
        let h = headline(&[done.clone(), item("B", Some(0.9)), item("C", Some(1.0))]);
        assert_eq!(h.state, HeadlineState::OnTrack);
        assert_eq!(
            h.reason,
            "1 of 3 committed initiatives is done; the others are at least 85% likely by their target."
        );
        let h = headline(&[done.clone(), done.clone(), item("B", Some(0.9))]);
        assert_eq!(h.reason, "2 of 3 committed initiatives are done; the other is at least 85% likely by its target.");
        assert_eq!(headline(&[done.clone(), done.clone()]).reason, "All 2 committed initiatives are done.");
        assert_eq!(headline(&[done]).reason, "The plan's one committed initiative is done.");
        assert_eq!(headline(&[]).reason, "The plan commits to no initiatives.");
        assert_eq!(
            headline(&[item("B", Some(0.9))]).reason,
            "The plan's one committed initiative is at least 85% likely by its target."
        );
    }

    #[test]
    fn state_names() {
        assert_eq!(serde_json::to_string(&HeadlineState::OffTrack).unwrap(), "\"off_track\"");
        assert_eq!(HeadlineState::AtRisk.label(), "at risk");
        assert_eq!(HeadlineState::OnTrack.as_str(), "on_track");
    }
}
