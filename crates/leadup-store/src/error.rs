//! What can go wrong when storing or loading.

use leadup_core::ValidationErrors;

/// A storage failure, sorted by what the caller should do about it.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database URL names a scheme leadup does not speak.
    #[error("unsupported database URL '{0}': use sqlite://FILE or postgres://USER@HOST/DB")]
    UnsupportedUrl(String),
    /// The SQLite file exists but is not a SQLite database.
    #[error("'{0}' is not a SQLite database")]
    NotSqlite(String),
    /// The database could not be reached or opened.
    #[error("cannot open database {url}: {reason}")]
    Unavailable {
        /// The URL without its password.
        url: String,
        /// The driver's explanation.
        reason: String,
    },
    /// No record of this kind has this id.
    #[error("{entity} {id} not found")]
    NotFound {
        /// What was looked for, e.g. "initiative".
        entity: &'static str,
        /// The id asked for.
        id: i64,
    },
    /// The input refers to things that do not exist or clashes with stored data.
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
    /// The user may not do this: approving without being one of the team's executives,
    /// editing a plan version that is no longer a draft.
    #[error("{0}")]
    Forbidden(String),
    /// The change would break a link other records depend on, or does not fit the record's
    /// state (submitting a plan without a draft, deciding a decided change request).
    #[error("{0}")]
    Conflict(String),
    /// Stored data no longer reads as a domain value (e.g. edited by hand).
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// Applying migrations failed.
    #[error("migrating the database failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Any other database error.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// Any other database error in the SQLite import writer, which has a connection of its
    /// own (see `work_item_import`).
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

impl StoreError {
    /// A "not found" error for `entity` number `id`.
    pub(crate) fn not_found(entity: &'static str, id: i64) -> Self {
        Self::NotFound { entity, id }
    }

    /// An invalid-input error naming one field.
    pub(crate) fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid(ValidationErrors::single(field, message))
    }
}
