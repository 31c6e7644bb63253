//! Accounts as a service shared by the pages, the API and the command line: creating users
//! with a checked password, signing in, API tokens, and the secrets behind sessions, tokens
//! and share links.
//!
//! Passwords are hashed with Argon2id (the `argon2` crate's defaults: 19 MiB, 2 passes, one
//! lane, as OWASP recommends) in PHC string form. Session ids, API tokens and share-link
//! tokens are 256 random bits from the operating system; only their SHA-256 digest is stored.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use leadup_core::ValidationErrors;
use leadup_core::access::Principal;
use leadup_core::account::{ApiToken, User, UserInput, check_password, normalise_email};
use leadup_store::Store;

use crate::AppError;

/// What API tokens start with, so that they are recognisable (e.g. by secret scanners).
pub const TOKEN_PREFIX: &str = "leadup_";

/// 256 random bits from the operating system, as 64 hex digits.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).expect("the operating system provides randomness");
    hex(&bytes)
}

/// The hex SHA-256 digest under which a secret is stored.
pub fn digest(secret: &str) -> String {
    leadup_core::digest::sha256_hex(secret)
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut out, byte| {
        let _ = write!(out, "{byte:02x}");
        out
    })
}

/// `password`'s Argon2id hash with a fresh random salt.
pub fn hash_password(password: &str) -> String {
    let mut salt = [0u8; 16];
    getrandom::getrandom(&mut salt).expect("the operating system provides randomness");
    let salt = SaltString::encode_b64(&salt).expect("16 bytes make a valid salt");
    Argon2::default().hash_password(password.as_bytes(), &salt).expect("Argon2id hashes any password").to_string()
}

/// Whether `password` matches `hash` (a hash that does not parse matches nothing).
pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// A hash that no password matches, checked against when an email is unknown, so that a
/// sign-in takes as long whether or not the account exists.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password(&new_secret()))
}

/// A generated password: 100 random bits as five groups of hex digits, easy to copy.
pub fn generate_password() -> String {
    let secret = new_secret();
    secret.as_bytes()[..25].chunks(5).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("-")
}

/// Creates a user after checking every field and the password, on behalf of administrator
/// `by` (`None`: the operator); errors name the field (`email`, `name`, `password`) and
/// nothing is written.
pub async fn create_user(
    store: &Store,
    input: &UserInput,
    password: &str,
    now: i64,
    by: Option<i64>,
) -> Result<User, AppError> {
    let mut errors = ValidationErrors::default();
    let new = input.validate().map_err(|e| errors.0.extend(e.0)).ok();
    if let Err(message) = check_password(password, &input.email) {
        errors.add("password", message);
    }
    let Some(new) = new.filter(|_| errors.0.is_empty()) else { return Err(AppError::Invalid(errors)) };
    Ok(store.create_user(&new, &hash_password(password), now, by).await?)
}

/// Sets user `id`'s password after checking it, ending all their sessions.
pub async fn set_password(store: &Store, id: i64, password: &str) -> Result<(), AppError> {
    let user = store.user(id).await?;
    check_password(password, &user.email).map_err(|message| ValidationErrors::single("password", message))?;
    Ok(store.set_password(id, &hash_password(password)).await?)
}

/// The user whose email and password these are, or `None`.
pub async fn authenticate(store: &Store, email: &str, password: &str) -> Result<Option<User>, AppError> {
    let credentials = store.credentials(&normalise_email(email)).await?;
    let hash = credentials.as_ref().map_or_else(|| decoy_hash().to_owned(), |c| c.password_hash.clone());
    let matches = tokio::task::spawn_blocking({
        let password = password.to_owned();
        move || verify_password(&hash, &password)
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(credentials.filter(|_| matches).map(|c| c.user))
}

/// A new session for `user`: (the cookie's value, the session's CSRF token).
pub async fn start_session(store: &Store, user: i64, now: i64) -> Result<(String, String), AppError> {
    let (id, csrf) = (new_secret(), new_secret());
    store.create_session(&digest(&id), user, &csrf, now).await?;
    Ok((id, csrf))
}

/// A new API token for `user`: the stored record and the token itself, shown only now.
pub async fn create_token(store: &Store, user: i64, name: &str, now: i64) -> Result<(ApiToken, String), AppError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ValidationErrors::single("name", "must be 1 to 100 characters").into());
    }
    let secret = format!("{TOKEN_PREFIX}{}", new_secret());
    let token = store.create_token(user, name, &digest(&secret), now).await?;
    Ok((token, secret))
}

/// The signed-in user a bearer token stands for, or `None` for an unknown or revoked one.
pub async fn token_principal(store: &Store, token: &str, now: i64) -> Result<Option<Principal>, AppError> {
    match store.token_user(&digest(token), now).await? {
        Some(user) => Ok(Some(store.principal(user).await?)),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_with_argon2id_and_a_fresh_salt() {
        let (first, second) = (hash_password("correct horse battery"), hash_password("correct horse battery"));
        assert!(first.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{first}");
        assert_ne!(first, second);
        assert!(verify_password(&first, "correct horse battery"));
        assert!(!verify_password(&first, "correct horse batterY"));
        assert!(!verify_password("not a hash", "correct horse battery"));
    }

    #[test]
    fn secrets_are_random_and_stored_as_digests() {
        let secret = new_secret();
        assert_eq!(secret.len(), 64);
        assert_ne!(secret, new_secret());
        assert_eq!(digest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
