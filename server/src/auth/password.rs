//! Password hashing with Argon2id (the `argon2` crate's defaults: 19 MiB, 2 passes), stored
//! as PHC strings. Hashing is deliberately slow, so it runs on the blocking pool.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use rand::Rng;
use rand::distr::Alphanumeric;
use secrecy::{ExposeSecret, SecretString};

pub const MIN_LEN: usize = 8;
pub const MAX_LEN: usize = 256;

/// A new password that may not be used, or one that could not be hashed. No text ever
/// contains the password.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("the password must have at least {MIN_LEN} characters")]
    TooShort,
    #[error("the password must have at most {MAX_LEN} characters")]
    TooLong,
    #[error("the password must not contain control characters")]
    ControlCharacters,
    #[error("password hashing failed: {0}")]
    Hash(argon2::password_hash::Error),
    #[error("password hashing task failed")]
    Task(#[from] tokio::task::JoinError),
}

/// Checks a new password. The message never contains the password.
pub fn validate_new(password: &str) -> Result<(), PasswordError> {
    let n = password.chars().count();
    if n < MIN_LEN {
        return Err(PasswordError::TooShort);
    }
    if n > MAX_LEN {
        return Err(PasswordError::TooLong);
    }
    if password.chars().any(char::is_control) {
        return Err(PasswordError::ControlCharacters);
    }
    Ok(())
}

fn hash_blocking(password: &[u8]) -> Result<String, PasswordError> {
    Argon2::default()
        .hash_password(password)
        .map(|h| h.to_string())
        .map_err(PasswordError::Hash)
}

/// Argon2id PHC string of `password`, with a fresh random salt.
pub async fn hash(password: SecretString) -> Result<String, PasswordError> {
    tokio::task::spawn_blocking(move || hash_blocking(password.expose_secret().as_bytes())).await?
}

/// True when `password` matches `phc`. With `phc = None` (unknown user, SSO-only account) a
/// dummy hash is checked anyway, so the answer takes as long as for a real account.
pub async fn verify(password: SecretString, phc: Option<String>) -> bool {
    let result = tokio::task::spawn_blocking(move || {
        let real = phc.is_some();
        let phc = match phc {
            Some(p) => p,
            None => dummy_hash().to_string(),
        };
        let ok = Argon2::default()
            .verify_password(password.expose_secret().as_bytes(), phc.as_str())
            .is_ok();
        ok && real
    })
    .await;
    result.unwrap_or(false)
}

/// A valid hash of a random password nobody knows, computed once.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_blocking(generate().as_bytes()).unwrap_or_default())
}

/// A random password for demo users: 16 letters and digits.
pub fn generate() -> String {
    rand::rng().sample_iter(&Alphanumeric).take(16).map(char::from).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_differ() {
        let a = hash(SecretString::from("correct horse")).await.unwrap();
        let b = hash(SecretString::from("correct horse")).await.unwrap();
        assert!(a.starts_with("$argon2id$"), "{a}");
        assert_ne!(a, b, "salted");
        assert!(!a.contains("correct horse"));
        assert!(verify(SecretString::from("correct horse"), Some(a.clone())).await);
        assert!(!verify(SecretString::from("correct horsE"), Some(a)).await);
        assert!(!verify(SecretString::from("anything"), None).await);
        assert!(!verify(SecretString::from("x"), Some("not a phc string".into())).await);
    }

    #[test]
    fn validation_never_echoes() {
        assert!(validate_new("longenough").is_ok());
        let e = validate_new("abc").unwrap_err().to_string();
        assert!(!e.contains("abc"));
        assert!(validate_new("tab\there-ok?").is_err());
        assert_eq!(generate().len(), 16);
    }
}
