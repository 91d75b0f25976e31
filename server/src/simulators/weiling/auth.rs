//! Access tokens the simulator issues and checks. Tokens are random, expire after the
//! configured TTL, and only the latest few hundred are remembered.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rand::Rng;
use rand::distr::Alphanumeric;
use secrecy::{ExposeSecret, SecretString};

/// Length of an issued token (Weiling's ids are 43 characters).
pub const TOKEN_LENGTH: usize = 43;

/// Bound on remembered tokens, so a client fetching tokens in a loop cannot grow memory.
const MAX_TOKENS: usize = 512;

pub struct Tokens {
    app_id: String,
    app_secret: SecretString,
    ttl: Duration,
    issued: Mutex<HashMap<String, Instant>>,
    pub requests: AtomicU64,
    pub issued_count: AtomicU64,
}

/// Why a token exchange was refused.
pub enum Refusal {
    BadCredentials,
}

impl Tokens {
    pub fn new(app_id: String, app_secret: SecretString, ttl: Duration) -> Self {
        Tokens {
            app_id,
            app_secret,
            ttl,
            issued: Mutex::new(HashMap::new()),
            requests: AtomicU64::new(0),
            issued_count: AtomicU64::new(0),
        }
    }

    /// A new token for matching credentials.
    pub fn issue(&self, app_id: &str, app_secret: &str) -> Result<String, Refusal> {
        if !constant_time_eq(app_id.as_bytes(), self.app_id.as_bytes())
            || !constant_time_eq(app_secret.as_bytes(), self.app_secret.expose_secret().as_bytes())
        {
            return Err(Refusal::BadCredentials);
        }
        let token: String = rand::rng().sample_iter(&Alphanumeric).take(TOKEN_LENGTH).map(char::from).collect();
        let now = Instant::now();
        let mut issued = self.issued.lock().unwrap_or_else(|p| p.into_inner());
        issued.retain(|_, expires| *expires > now);
        if issued.len() >= MAX_TOKENS
            && let Some(oldest) = issued.iter().min_by_key(|(_, e)| **e).map(|(t, _)| t.clone())
        {
            issued.remove(&oldest);
        }
        issued.insert(token.clone(), now + self.ttl);
        self.issued_count.fetch_add(1, Ordering::Relaxed);
        Ok(token)
    }

    /// Whether `token` was issued here and has not expired.
    pub fn valid(&self, token: &str) -> bool {
        let issued = self.issued.lock().unwrap_or_else(|p| p.into_inner());
        issued.get(token).is_some_and(|expires| Instant::now() < *expires)
    }

    /// Expires every token now (test hook).
    pub fn expire_all(&self) {
        let now = Instant::now();
        let mut issued = self.issued.lock().unwrap_or_else(|p| p.into_inner());
        for expires in issued.values_mut() {
            *expires = now;
        }
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issues_checks_and_expires() {
        let t = Tokens::new("app".into(), SecretString::from("s3cret"), Duration::from_secs(60));
        assert!(t.issue("app", "wrong").is_err());
        assert!(t.issue("App", "s3cret").is_err());
        let token = t.issue("app", "s3cret").ok().unwrap();
        assert_eq!(token.len(), TOKEN_LENGTH);
        assert!(t.valid(&token));
        assert!(!t.valid("forged"));
        t.expire_all();
        assert!(!t.valid(&token));
    }

    #[test]
    fn zero_ttl_tokens_are_never_valid() {
        let t = Tokens::new("a".into(), SecretString::from("b"), Duration::ZERO);
        let token = t.issue("a", "b").ok().unwrap();
        assert!(!t.valid(&token));
    }
}
