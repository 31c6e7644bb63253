//! Field-level validation errors, collected so that one answer names every bad field.

use serde::Serialize;

/// One invalid field: its name as the user wrote it (`target_end`, `key_results[1].due`) and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The field's name, as it appears in the API and the CLI.
    pub field: String,
    /// What is wrong with it, in plain words.
    pub message: String,
}

/// Every invalid field of one input; never empty when returned as an error.
#[derive(Debug, Clone, PartialEq, Eq, Default, thiserror::Error)]
#[error("{}", self.summary())]
pub struct ValidationErrors(pub Vec<FieldError>);

impl ValidationErrors {
    /// Records that `field` is invalid because of `message`.
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError { field: field.into(), message: message.into() });
    }

    /// An error list holding the single error `field: message`.
    pub fn single(field: impl Into<String>, message: impl Into<String>) -> Self {
        let mut errors = Self::default();
        errors.add(field, message);
        errors
    }

    /// `Ok(value)` when no error was recorded, otherwise the errors.
    pub fn into_result<T>(self, value: impl FnOnce() -> T) -> Result<T, Self> {
        if self.0.is_empty() { Ok(value()) } else { Err(self) }
    }

    /// All errors on one line: `title: must not be empty; budget_planned: must not be negative`.
    pub fn summary(&self) -> String {
        self.0.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; ")
    }
}

/// What is said of a text holding a NUL character.
pub const NUL_MESSAGE: &str = "must not contain a NUL character";

/// Records an error under `field` when `value` holds a NUL character: no text may hold one
/// (PostgreSQL cannot store it, and no person types it). Answers whether it was clean.
pub fn check_no_nul(errors: &mut ValidationErrors, field: &str, value: &str) -> bool {
    let clean = !value.contains('\0');
    if !clean {
        errors.add(field, NUL_MESSAGE);
    }
    clean
}

/// Trims `value` and records an error under `field` when nothing is left, it is too long or
/// it holds a NUL character.
pub(crate) fn required_text(errors: &mut ValidationErrors, field: &str, value: &str, max_chars: usize) -> String {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        errors.add(field, "must not be empty");
    } else if trimmed.chars().count() > max_chars {
        errors.add(field, format!("must be at most {max_chars} characters"));
    } else {
        check_no_nul(errors, field, trimmed);
    }
    trimmed.to_owned()
}

/// Trims `value` and records an error under `field` when it is too long or holds a NUL
/// character; empty is allowed.
pub(crate) fn optional_text(errors: &mut ValidationErrors, field: &str, value: &str, max_chars: usize) -> String {
    let trimmed = value.trim();
    if trimmed.chars().count() > max_chars {
        errors.add(field, format!("must be at most {max_chars} characters"));
    } else {
        check_no_nul(errors, field, trimmed);
    }
    trimmed.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_names_every_field() {
        let mut errors = ValidationErrors::default();
        errors.add("title", "must not be empty");
        errors.add("budget_planned", "must not be negative");
        assert_eq!(errors.to_string(), "title: must not be empty; budget_planned: must not be negative");
        assert!(errors.into_result(|| ()).is_err());
    }

    #[test]
    fn text_holding_a_nul_character_is_refused() {
        let mut errors = ValidationErrors::default();
        required_text(&mut errors, "title", "a\0b", 10);
        optional_text(&mut errors, "outcome", "\0", 10);
        assert!(check_no_nul(&mut errors, "name", "clean"));
        assert!(!check_no_nul(&mut errors, "query", "x\0"));
        assert_eq!(
            errors.summary(),
            "title: must not contain a NUL character; outcome: must not contain a NUL character; \
             query: must not contain a NUL character"
        );
    }

    #[test]
    fn text_is_trimmed_and_checked() {
        let mut errors = ValidationErrors::default();
        assert_eq!(required_text(&mut errors, "title", "  Ship it ", 10), "Ship it");
        assert!(errors.0.is_empty());
        required_text(&mut errors, "title", "   ", 10);
        required_text(&mut errors, "name", "abcdefghijk", 10);
        assert_eq!(
            errors.0,
            vec![
                FieldError { field: "title".into(), message: "must not be empty".into() },
                FieldError { field: "name".into(), message: "must be at most 10 characters".into() },
            ]
        );
    }
}
