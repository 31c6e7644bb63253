//! Teams: a manager, the members, and the executives the team reports to.

use serde::{Deserialize, Serialize};

use crate::ValidationErrors;
use crate::validation::required_text;

/// A team as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Team {
    /// Stable identifier.
    pub id: i64,
    /// Unique name, e.g. "Payments".
    pub name: String,
    /// The manager who owns the team's plan.
    pub manager: String,
    /// The people doing the work.
    pub members: Vec<String>,
    /// The executives the team reports to (its stakeholders).
    pub executives: Vec<String>,
}

impl Team {
    /// The input that would recreate this team, as a starting point for a patch.
    pub fn to_input(&self) -> TeamInput {
        TeamInput {
            name: self.name.clone(),
            manager: self.manager.clone(),
            members: self.members.clone(),
            executives: self.executives.clone(),
        }
    }
}

/// A team as entered, before validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamInput {
    /// See [`Team::name`].
    pub name: String,
    /// See [`Team::manager`].
    pub manager: String,
    /// See [`Team::members`].
    #[serde(default)]
    pub members: Vec<String>,
    /// See [`Team::executives`].
    #[serde(default)]
    pub executives: Vec<String>,
}

/// A validated team, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamDraft {
    /// See [`Team::name`].
    pub name: String,
    /// See [`Team::manager`].
    pub manager: String,
    /// See [`Team::members`].
    pub members: Vec<String>,
    /// See [`Team::executives`].
    pub executives: Vec<String>,
}

impl TeamInput {
    /// Checks every field and names each one that is invalid.
    pub fn validate(self) -> Result<TeamDraft, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let name = required_text(&mut errors, "name", &self.name, 100);
        let manager = required_text(&mut errors, "manager", &self.manager, 200);
        let members = people(&mut errors, "members", &self.members);
        let executives = people(&mut errors, "executives", &self.executives);
        errors.into_result(|| TeamDraft { name, manager, members, executives })
    }
}

fn people(errors: &mut ValidationErrors, field: &str, names: &[String]) -> Vec<String> {
    let mut seen: Vec<String> = Vec::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        let name = required_text(errors, &format!("{field}[{i}]"), name, 200);
        if !name.is_empty() && seen.contains(&name) {
            errors.add(format!("{field}[{i}]"), format!("'{name}' is listed twice"));
        }
        seen.push(name);
    }
    seen
}

/// Changes to a team; absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamPatch {
    /// New name.
    pub name: Option<String>,
    /// New manager.
    pub manager: Option<String>,
    /// Replaces the members.
    pub members: Option<Vec<String>>,
    /// Replaces the executives.
    pub executives: Option<Vec<String>>,
}

impl TeamPatch {
    /// Applies the changes to `input`.
    pub fn apply(self, input: &mut TeamInput) {
        if let Some(v) = self.name {
            input.name = v;
        }
        if let Some(v) = self.manager {
            input.manager = v;
        }
        if let Some(v) = self.members {
            input.members = v;
        }
        if let Some(v) = self.executives {
            input.executives = v;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_and_blanks_are_named() {
        let input = TeamInput {
            name: "Payments".into(),
            manager: "Grace".into(),
            members: vec!["Ann".into(), " ".into(), "Ann".into()],
            executives: vec![],
        };
        assert_eq!(
            input.validate().unwrap_err().summary(),
            "members[1]: must not be empty; members[2]: 'Ann' is listed twice"
        );
    }
}
