//! Wins with credit: what a team achieved, when, what it serves, its impact in words and an
//! optional number, and the people credited for it (users or plain names).
//!
//! A member proposes a win and the team's manager confirms it (or declines it with a
//! reason), so the wins a brief or a digest shows are the ones the manager stands behind,
//! while the credit goes to the people named. [`credits_per_person`] counts the confirmed
//! credits per person, so the team rather than the manager gets the credit.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::ValidationErrors;
use crate::date;
use crate::team::person_key;
use crate::validation::{optional_text, required_text};

/// The longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 200;
/// The longest impact text, in characters.
pub const MAX_IMPACT_CHARS: usize = 2000;
/// The longest name of a credited person, in characters.
pub const MAX_CREDIT_CHARS: usize = 120;

/// A win as entered: every field as typed, checked by [`WinInput::validate`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WinInput {
    /// What was achieved.
    pub title: String,
    /// When, `YYYY-MM-DD`.
    pub achieved_on: String,
    /// The initiative it serves, if any (one of the team's).
    #[serde(default)]
    pub initiative_id: Option<i64>,
    /// The objective it serves, if any.
    #[serde(default)]
    pub objective_id: Option<i64>,
    /// The key result of that objective it moves, by position (0 is the first).
    #[serde(default)]
    pub key_result: Option<u32>,
    /// Its impact in words.
    #[serde(default)]
    pub impact: String,
    /// Its impact as a number, if it has one.
    #[serde(default)]
    pub impact_value: Option<f64>,
    /// The unit of that number, e.g. "EUR/month", "customers".
    #[serde(default)]
    pub impact_unit: String,
    /// The people credited: user e-mail addresses or plain names.
    #[serde(default)]
    pub credits: Vec<String>,
}

/// A checked win, ready to store. Credits are still names or e-mail addresses: the store
/// resolves an address to its user (an unknown address is refused, naming the field).
#[derive(Debug, Clone, PartialEq)]
pub struct WinDraft {
    /// What was achieved.
    pub title: String,
    /// When.
    pub achieved_on: Date,
    /// The initiative it serves.
    pub initiative_id: Option<i64>,
    /// The objective it serves.
    pub objective_id: Option<i64>,
    /// The key result of that objective, by position.
    pub key_result: Option<u32>,
    /// Impact in words (may be empty).
    pub impact: String,
    /// Impact as a number with its unit.
    pub impact_value: Option<(f64, String)>,
    /// The people credited, each once, in the order given.
    pub credits: Vec<String>,
}

impl WinInput {
    /// Checks every field, naming each bad one: an empty title, a date after `today`, a key
    /// result without its objective, a number without a unit (or one that is not finite), no
    /// one credited, or the same person credited twice.
    pub fn validate(&self, today: Date) -> Result<WinDraft, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let title = required_text(&mut errors, "title", &self.title, MAX_TITLE_CHARS);
        let achieved_on = date::parse_field(&mut errors, "achieved_on", &self.achieved_on);
        if let Some(on) = achieved_on
            && on > today
        {
            errors
                .add("achieved_on", format!("{} is in the future: a win is recorded once achieved", date::format(on)));
        }
        if self.key_result.is_some() && self.objective_id.is_none() {
            errors.add("key_result", "names a key result without its objective_id");
        }
        let impact = optional_text(&mut errors, "impact", &self.impact, MAX_IMPACT_CHARS);
        let unit = optional_text(&mut errors, "impact_unit", &self.impact_unit, 40);
        let impact_value = match self.impact_value {
            None if !unit.is_empty() => {
                errors.add("impact_value", "is missing for the unit given");
                None
            }
            None => None,
            Some(value) if !value.is_finite() => {
                errors.add("impact_value", "must be a finite number");
                None
            }
            Some(_) if unit.is_empty() => {
                errors.add("impact_unit", "must name the unit of impact_value");
                None
            }
            Some(value) => Some((value, unit)),
        };
        let mut credits: Vec<String> = Vec::new();
        for (i, credit) in self.credits.iter().enumerate() {
            let field = format!("credits[{i}]");
            let name = required_text(&mut errors, &field, credit, MAX_CREDIT_CHARS);
            if name.is_empty() {
                continue;
            }
            if credits.iter().any(|c| person_key(c) == person_key(&name)) {
                errors.add(field, format!("'{name}' is credited twice"));
            } else {
                credits.push(name);
            }
        }
        if self.credits.is_empty() {
            errors.add("credits", "must name at least one person: a win credits the people who did the work");
        }
        errors.into_result(|| WinDraft {
            title,
            achieved_on: achieved_on.expect("no error means a date"),
            initiative_id: self.initiative_id,
            objective_id: self.objective_id,
            key_result: self.key_result,
            impact,
            impact_value,
            credits,
        })
    }
}

/// Where a win stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WinStatus {
    /// Proposed by a member, waiting for the manager.
    Proposed,
    /// Confirmed by the manager.
    Confirmed,
    /// Declined by the manager, with a reason.
    Declined,
}

impl WinStatus {
    /// The status as stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            WinStatus::Proposed => "proposed",
            WinStatus::Confirmed => "confirmed",
            WinStatus::Declined => "declined",
        }
    }

    /// The status named `text`.
    pub fn parse(text: &str) -> Option<Self> {
        [WinStatus::Proposed, WinStatus::Confirmed, WinStatus::Declined].into_iter().find(|s| s.as_str() == text)
    }
}

/// One person credited for a win: a user, or a plain name of someone without an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Credit {
    /// The user, when the person has an account.
    pub user_id: Option<i64>,
    /// Their name as shown.
    pub name: String,
}

/// A stored win.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Win {
    /// Its id.
    pub id: i64,
    /// The team whose win it is.
    pub team_id: i64,
    /// What was achieved.
    pub title: String,
    /// When.
    #[serde(with = "date::iso_date")]
    pub achieved_on: Date,
    /// The initiative it serves.
    pub initiative_id: Option<i64>,
    /// The objective it serves.
    pub objective_id: Option<i64>,
    /// The key result of that objective, by position.
    pub key_result: Option<u32>,
    /// Impact in words.
    pub impact: String,
    /// Impact as a number.
    pub impact_value: Option<f64>,
    /// The number's unit (empty without a number).
    pub impact_unit: String,
    /// The people credited, in the order given.
    pub credits: Vec<Credit>,
    /// Proposed, confirmed or declined.
    pub status: WinStatus,
    /// Who proposed it.
    pub proposed_by: i64,
    /// When (Unix seconds).
    pub proposed_at: i64,
    /// The manager who confirmed or declined it.
    pub decided_by: Option<i64>,
    /// When (Unix seconds).
    pub decided_at: Option<i64>,
    /// Why it was declined.
    pub decline_reason: Option<String>,
}

/// How many confirmed wins credit one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PersonCredits {
    /// The person's user id, when they have an account.
    pub user_id: Option<i64>,
    /// Their name.
    pub name: String,
    /// Confirmed wins crediting them.
    pub wins: u32,
}

/// The confirmed credits per person over `wins`, most first, then by name. A user is counted
/// by id; a plain name by its `person_key`, so "ana  lima" and "Ana Lima" are one person.
pub fn credits_per_person(wins: &[Win]) -> Vec<PersonCredits> {
    let mut people: Vec<(String, PersonCredits)> = Vec::new();
    for credit in wins.iter().filter(|w| w.status == WinStatus::Confirmed).flat_map(|w| &w.credits) {
        let key = match credit.user_id {
            Some(id) => format!("user:{id}"),
            None => format!("name:{}", person_key(&credit.name)),
        };
        match people.iter_mut().find(|(k, _)| *k == key) {
            Some((_, person)) => person.wins += 1,
            None => people.push((key, PersonCredits { user_id: credit.user_id, name: credit.name.clone(), wins: 1 })),
        }
    }
    let mut people: Vec<PersonCredits> = people.into_iter().map(|(_, p)| p).collect();
    people.sort_by(|a, b| b.wins.cmp(&a.wins).then_with(|| a.name.cmp(&b.name)));
    people
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    fn input() -> WinInput {
        WinInput {
            title: "Checkout p95 under 300 ms".into(),
            achieved_on: "2026-11-20".into(),
            impact: "Fewer abandoned carts".into(),
            impact_value: Some(4.5),
            impact_unit: "% conversion".into(),
            credits: vec!["ana@example.com".into(), "Bruno Silva".into()],
            ..WinInput::default()
        }
    }

    #[test]
    fn a_good_win_validates() {
        let draft = input().validate(date!(2026 - 12 - 04)).unwrap();
        assert_eq!(draft.achieved_on, date!(2026 - 11 - 20));
        assert_eq!(draft.impact_value, Some((4.5, "% conversion".to_owned())));
        assert_eq!(draft.credits, ["ana@example.com", "Bruno Silva"]);
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = WinInput {
            title: "  ".into(),
            achieved_on: "2026-12-05".into(),
            key_result: Some(0),
            impact_value: Some(f64::NAN),
            impact_unit: "x".into(),
            credits: vec![],
            ..WinInput::default()
        };
        let errors = bad.validate(date!(2026 - 12 - 04)).unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["title", "achieved_on", "key_result", "impact_value", "credits"]);
        assert!(errors.0[1].message.contains("2026-12-05 is in the future"));
    }

    #[test]
    fn today_is_not_the_future_and_duplicates_are_refused() {
        let mut win = input();
        win.achieved_on = "2026-12-04".into();
        win.credits = vec!["Bruno Silva".into(), "bruno  silva".into()];
        let errors = win.validate(date!(2026 - 12 - 04)).unwrap_err();
        assert_eq!(errors.summary(), "credits[1]: 'bruno  silva' is credited twice");
    }

    #[test]
    fn credits_count_confirmed_wins_per_person() {
        let win = |status, credits: Vec<Credit>| Win {
            id: 1,
            team_id: 1,
            title: "w".into(),
            achieved_on: date!(2026 - 01 - 01),
            initiative_id: None,
            objective_id: None,
            key_result: None,
            impact: String::new(),
            impact_value: None,
            impact_unit: String::new(),
            credits,
            status,
            proposed_by: 1,
            proposed_at: 0,
            decided_by: None,
            decided_at: None,
            decline_reason: None,
        };
        let ana = Credit { user_id: Some(7), name: "Ana".into() };
        let bruno = |name: &str| Credit { user_id: None, name: name.into() };
        let wins = [
            win(WinStatus::Confirmed, vec![ana.clone(), bruno("Bruno Silva")]),
            win(WinStatus::Confirmed, vec![bruno("bruno silva")]),
            win(WinStatus::Confirmed, vec![bruno("Bruno Silva"), ana.clone()]),
            win(WinStatus::Proposed, vec![ana.clone()]),
            win(WinStatus::Declined, vec![ana]),
        ];
        let counts = credits_per_person(&wins);
        assert_eq!(
            counts,
            [
                PersonCredits { user_id: None, name: "Bruno Silva".into(), wins: 3 },
                PersonCredits { user_id: Some(7), name: "Ana".into(), wins: 2 },
            ]
        );
    }
}
