//! Teams and the people who hold a role in them.
//!
//! Who is a team's manager, member or executive is decided by the roles users hold
//! (`access::Role`, kept with the accounts); a team lists those users. A name typed into a
//! team before roles were the one source, that matched no user, is kept as a *pending*
//! person ("no account yet") until a user of that name is created or given a role in the
//! team. [`person_key`] is the one way names are compared.

use serde::{Deserialize, Serialize};

use crate::ValidationErrors;
use crate::access::Role;
use crate::account::normalise_email;
use crate::validation::required_text;

/// A team as stored, with the people holding each role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Team {
    /// Stable identifier.
    pub id: i64,
    /// Unique name, e.g. "Payments".
    pub name: String,
    /// The managers who own the team's plan (users holding the manager role).
    pub managers: Vec<TeamPerson>,
    /// The people doing the work (the member role).
    pub members: Vec<TeamPerson>,
    /// The executives the team reports to, its stakeholders (the executive role).
    pub executives: Vec<TeamPerson>,
}

impl Team {
    /// The people holding `role`.
    pub fn people(&self, role: Role) -> &[TeamPerson] {
        match role {
            Role::Manager => &self.managers,
            Role::Member => &self.members,
            Role::Executive => &self.executives,
        }
    }

    /// The names of the people holding `role`, joined with commas; pending people are
    /// marked "(no account yet)".
    pub fn names(&self, role: Role) -> String {
        self.people(role).iter().map(TeamPerson::label).collect::<Vec<_>>().join(", ")
    }
}

/// One person holding a role in a team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TeamPerson {
    /// The user holding the role; `None` for a pending person: a name the team listed
    /// before roles were the one source, which no user matches yet ("no account yet").
    pub user_id: Option<i64>,
    /// The user's name (or the pending name as it was typed).
    pub name: String,
}

impl TeamPerson {
    /// The name, with "(no account yet)" after a pending person's.
    pub fn label(&self) -> String {
        match self.user_id {
            Some(_) => self.name.clone(),
            None => format!("{} (no account yet)", self.name),
        }
    }
}

/// A name as compared with another: lower-cased, runs of white space made one space, and
/// trimmed. "Amara  okafor " and "Amara Okafor" are the same person.
pub fn person_key(name: &str) -> String {
    name.split_whitespace().map(str::to_lowercase).collect::<Vec<_>>().join(" ")
}

/// A new team as entered: its name and, optionally, existing users (by e-mail address) to
/// give each role in it. Roles are given in the same transaction that creates the team and
/// written to the audit log; later changes go through the role-granting paths (`/admin`,
/// `leadup member add`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamInput {
    /// See [`Team::name`].
    pub name: String,
    /// E-mail addresses of the users to make managers.
    #[serde(default)]
    pub managers: Vec<String>,
    /// E-mail addresses of the users to make members.
    #[serde(default)]
    pub members: Vec<String>,
    /// E-mail addresses of the users to make executives.
    #[serde(default)]
    pub executives: Vec<String>,
}

/// A validated new team, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamDraft {
    /// See [`Team::name`].
    pub name: String,
    /// The roles to give, each to a user named by address.
    pub people: Vec<RoleGrant>,
}

/// A role to give a user named by e-mail address, with the input field that named them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleGrant {
    /// The field, e.g. `executives[1]`, for errors about this user.
    pub field: String,
    /// The lower-cased address.
    pub email: String,
    /// The role to give.
    pub role: Role,
}

impl TeamInput {
    /// Checks every field and names each one that is invalid; a user may be named for one
    /// role only (a user holds at most one role per team).
    pub fn validate(self) -> Result<TeamDraft, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let name = team_name(&mut errors, &self.name);
        let mut people: Vec<RoleGrant> = Vec::new();
        for (field, role, emails) in [
            ("managers", Role::Manager, &self.managers),
            ("members", Role::Member, &self.members),
            ("executives", Role::Executive, &self.executives),
        ] {
            for (i, email) in emails.iter().enumerate() {
                let field = format!("{field}[{i}]");
                let email = normalise_email(email);
                if email.is_empty() {
                    errors.add(&field, "must not be empty");
                } else if !email.contains('@') || email.chars().count() > 254 {
                    errors.add(&field, format!("'{email}' is not an e-mail address: name users by their address"));
                } else if let Some(earlier) = people.iter().find(|p| p.email == email) {
                    errors.add(&field, format!("'{email}' is already named as {}", earlier.field));
                } else {
                    people.push(RoleGrant { field, email, role });
                }
            }
        }
        errors.into_result(|| TeamDraft { name, people })
    }
}

fn team_name(errors: &mut ValidationErrors, name: &str) -> String {
    required_text(errors, "name", name, 100)
}

/// Changes to a team: its name. Who holds which role changes through the role-granting
/// paths, never by typing names into the team.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamPatch {
    /// New name.
    pub name: Option<String>,
}

impl TeamPatch {
    /// The validated new name, if one is given.
    pub fn validate(self) -> Result<Option<String>, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let name = self.name.map(|name| team_name(&mut errors, &name));
        errors.into_result(|| name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blanks_bad_addresses_and_people_named_twice_are_named() {
        let input = TeamInput {
            name: "Payments".into(),
            managers: vec!["Sofia@Example.com".into()],
            members: vec![" ".into(), "Grace Hopper".into()],
            executives: vec!["sofia@example.com ".into()],
        };
        assert_eq!(
            input.validate().unwrap_err().summary(),
            "members[0]: must not be empty; members[1]: 'grace hopper' is not an e-mail address: name users by \
             their address; executives[0]: 'sofia@example.com' is already named as managers[0]"
        );
    }

    #[test]
    fn addresses_are_normalised_and_keep_their_field() {
        let draft = TeamInput {
            name: " Payments ".into(),
            executives: vec!["Mateo@Example.com".into()],
            ..TeamInput::default()
        }
        .validate()
        .unwrap();
        assert_eq!(draft.name, "Payments");
        assert_eq!(
            draft.people,
            [RoleGrant { field: "executives[0]".into(), email: "mateo@example.com".into(), role: Role::Executive }]
        );
    }

    #[test]
    fn names_compare_without_case_or_extra_space() {
        assert_eq!(person_key("  Amara\t OKAFOR "), "amara okafor");
        assert_eq!(person_key("Mateo Fernández"), person_key("MATEO FERNÁNDEZ"));
        assert_ne!(person_key("Ann Lee"), person_key("Anne Lee"));
    }

    #[test]
    fn a_patch_renames_and_rejects_a_blank_name() {
        assert_eq!(TeamPatch { name: Some(" Core ".into()) }.validate().unwrap(), Some("Core".into()));
        assert_eq!(TeamPatch { name: Some(" ".into()) }.validate().unwrap_err().summary(), "name: must not be empty");
        assert_eq!(TeamPatch::default().validate().unwrap(), None);
    }
}

/// `name` in the possessive, as English writes it: "Platform's", but "Payments'" for a name
/// that ends in s.
pub fn possessive(name: &str) -> String {
    if name.ends_with(['s', 'S']) { format!("{name}'") } else { format!("{name}'s") }
}

#[cfg(test)]
mod possessive_tests {
    use super::possessive;

    #[test]
    fn a_name_ending_in_s_takes_only_the_apostrophe() {
        assert_eq!(possessive("Payments"), "Payments'");
        assert_eq!(possessive("Platform"), "Platform's");
        assert_eq!(possessive("Approvals & Workflow"), "Approvals & Workflow's");
    }
}
