//! User accounts: the rules for a user's email address, name and password.
//!
//! Passwords are at least [`MIN_PASSWORD_CHARS`] characters long and not one of the 1,000
//! most common passwords (`data/common-passwords.txt`, see `data/README.md`). Hashing them
//! is not done here: it needs randomness, so it lives in the web crate's `accounts` service.

use serde::{Deserialize, Serialize};

use crate::ValidationErrors;
use crate::validation::required_text;

/// The shortest password accepted, in characters.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// The longest password accepted, in characters (hashing cost grows with length).
pub const MAX_PASSWORD_CHARS: usize = 1000;

const COMMON_PASSWORDS: &str = include_str!("../data/common-passwords.txt");

/// A stored user, as shown (never with a password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    /// The user's id.
    pub id: i64,
    /// Lower-cased email address.
    pub email: String,
    /// Name as shown to others.
    pub name: String,
    /// Whether they administer the workspace.
    pub is_admin: bool,
}

/// An API token as listed (its secret is never kept).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiToken {
    /// The token's id.
    pub id: i64,
    /// What it is for.
    pub name: String,
    /// When it was created (Unix seconds).
    pub created_at: i64,
    /// When it was last used (Unix seconds).
    pub last_used_at: Option<i64>,
    /// When it was revoked (Unix seconds); a revoked token opens nothing.
    pub revoked_at: Option<i64>,
}

/// What a share link shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ShareKind {
    /// A team's dashboard.
    Dashboard,
    /// A plan.
    Plan,
    /// A team's process page: its process document and decision log.
    Process,
    /// A team's track record: its credibility report.
    Credibility,
}

impl ShareKind {
    /// The kind as stored: `dashboard`, `plan`, `process` or `credibility`.
    pub fn as_str(self) -> &'static str {
        match self {
            ShareKind::Dashboard => "dashboard",
            ShareKind::Plan => "plan",
            ShareKind::Process => "process",
            ShareKind::Credibility => "credibility",
        }
    }

    /// The kind stored as `text`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "dashboard" => Some(ShareKind::Dashboard),
            "plan" => Some(ShareKind::Plan),
            "process" => Some(ShareKind::Process),
            "credibility" => Some(ShareKind::Credibility),
            _ => None,
        }
    }
}

/// A read-only share link as listed (its token is never kept).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShareLink {
    /// The link's id.
    pub id: i64,
    /// What it shows.
    pub kind: ShareKind,
    /// The team's id (for a dashboard, process or track record) or the plan's id.
    pub target_id: i64,
    /// The team it belongs to.
    pub team_id: i64,
    /// Who created it.
    pub created_by: i64,
    /// When it was created (Unix seconds).
    pub created_at: i64,
    /// When it stops working (Unix seconds).
    pub expires_at: i64,
    /// When it was revoked (Unix seconds).
    pub revoked_at: Option<i64>,
}

/// A new user as typed: email, name, whether they administer the workspace.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserInput {
    /// The address they sign in with.
    pub email: String,
    /// Their name as shown to others.
    pub name: String,
    /// Whether they administer the workspace.
    #[serde(default)]
    pub is_admin: bool,
}

/// A validated new user: the email lower-cased and trimmed, the name trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    /// Lower-cased email address.
    pub email: String,
    /// Trimmed name.
    pub name: String,
    /// Whether they administer the workspace.
    pub is_admin: bool,
}

impl UserInput {
    /// Checks every field, naming each invalid one.
    pub fn validate(&self) -> Result<NewUser, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let email = normalise_email(&self.email);
        if let Err(message) = check_email(&email) {
            errors.add("email", message);
        }
        let name = required_text(&mut errors, "name", &self.name, 200);
        errors.into_result(|| NewUser { email, name, is_admin: self.is_admin })
    }
}

/// An email address as stored and compared: trimmed and lower-cased.
pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

fn check_email(email: &str) -> Result<(), String> {
    let valid = email.chars().count() <= 254
        && !email.chars().any(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.split('.').count() >= 2
                && domain.split('.').all(|part| !part.is_empty())
        });
    if email.is_empty() {
        Err("must not be empty".to_owned())
    } else if valid {
        Ok(())
    } else {
        Err(format!("'{email}' is not an email address"))
    }
}

/// Whether `password` may be used by the user signing in as `email`; the error says why not.
pub fn check_password(password: &str, email: &str) -> Result<(), String> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(format!("must be at least {MIN_PASSWORD_CHARS} characters (this one has {chars})"));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(format!("must be at most {MAX_PASSWORD_CHARS} characters"));
    }
    let lowered = password.to_lowercase();
    if is_common(&lowered) {
        return Err("is one of the 1,000 most common passwords; choose another".to_owned());
    }
    let email = normalise_email(email);
    if lowered == email || email.split('@').next().is_some_and(|local| lowered == local) {
        return Err("must not be the email address".to_owned());
    }
    Ok(())
}

fn is_common(lowered: &str) -> bool {
    COMMON_PASSWORDS.lines().any(|common| common.eq_ignore_ascii_case(lowered))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_holds_the_thousand_most_common_passwords() {
        assert_eq!(COMMON_PASSWORDS.lines().count(), 1000);
        assert_eq!(COMMON_PASSWORDS.lines().next(), Some("123456"));
    }

    #[test]
    fn short_common_and_own_address_passwords_are_refused() {
        assert_eq!(check_password("short", "a@b.io").unwrap_err(), "must be at least 12 characters (this one has 5)");
        // Long enough, but on the list (compared without regard to case).
        assert!(check_password("Q1W2E3R4T5Y6", "a@b.io").unwrap_err().contains("most common"));
        assert!(check_password("1qaz2wsx3edc", "a@b.io").unwrap_err().contains("most common"));
        assert!(check_password("Alex.Doe@Example.com", "alex.doe@example.com").unwrap_err().contains("email"));
        assert!(check_password("correct horse battery", "a@b.io").is_ok());
        assert!(check_password(&"x".repeat(1001), "a@b.io").unwrap_err().contains("at most 1000"));
    }

    #[test]
    fn users_are_validated_field_by_field() {
        let user = UserInput { email: "  Ada@Example.COM ".into(), name: " Ada ".into(), is_admin: true };
        assert_eq!(
            user.validate(),
            Ok(NewUser { email: "ada@example.com".into(), name: "Ada".into(), is_admin: true })
        );
        let bad = UserInput { email: "ada at example".into(), name: String::new(), is_admin: false };
        let errors = bad.validate().unwrap_err();
        assert_eq!(errors.summary(), "email: 'ada at example' is not an email address; name: must not be empty");
        for email in ["@example.com", "ada@", "ada@localhost", "a@b@c.io", "ada@example..com"] {
            assert!(check_email(email).is_err(), "{email}");
        }
    }
}
