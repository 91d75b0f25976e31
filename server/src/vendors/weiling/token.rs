//! The Weiling access_token: fetched once, cached until shortly before it expires, refreshed
//! by exactly one request however many callers need it at once (the others wait on the same
//! lock and then find the fresh token), and dropped when the vendor rejects it.
//!
//! The token is a `SecretString` from the moment it is decoded; it is exposed only where it is
//! written into a query string.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use secrecy::SecretString;
use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::vendors::VendorError;

/// A token as handed to a caller, tagged so a later rejection invalidates exactly this one.
#[derive(Clone)]
pub struct Token {
    pub secret: SecretString,
    pub generation: u64,
}

/// What one token request produced.
pub struct Fetched {
    pub secret: SecretString,
    /// The vendor's `expires_in`, when it sends one.
    pub expires_in: Option<Duration>,
}

struct Cached {
    token: Token,
    refresh_at: Instant,
}

pub struct TokenCache {
    default_ttl: Duration,
    state: Mutex<Option<Cached>>,
    generation: AtomicU64,
    fetches: AtomicU64,
}

impl TokenCache {
    /// `default_ttl` applies when the reply has no `expires_in` (Weiling documents none).
    pub fn new(default_ttl: Duration) -> Self {
        TokenCache {
            default_ttl,
            state: Mutex::new(None),
            generation: AtomicU64::new(0),
            fetches: AtomicU64::new(0),
        }
    }

    /// The cached token, or a fresh one from `fetch`. Holding the lock across `fetch` is the
    /// single flight: concurrent callers queue behind the one fetching and reuse its result.
    /// A failed fetch caches nothing, so the next caller tries again.
    pub async fn get<F, Fut>(&self, fetch: F) -> Result<Token, VendorError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Fetched, VendorError>>,
    {
        let mut state = self.state.lock().await;
        if let Some(cached) = state.as_ref()
            && Instant::now() < cached.refresh_at
        {
            return Ok(cached.token.clone());
        }
        *state = None;
        self.fetches.fetch_add(1, Ordering::Relaxed);
        let fetched = fetch().await?;
        let ttl = fetched.expires_in.filter(|d| !d.is_zero()).unwrap_or(self.default_ttl);
        let token = Token {
            secret: fetched.secret,
            generation: self.generation.fetch_add(1, Ordering::Relaxed) + 1,
        };
        *state = Some(Cached {
            token: token.clone(),
            refresh_at: Instant::now() + ttl.saturating_sub(safety_margin(ttl)),
        });
        Ok(token)
    }

    /// Forgets the token of `generation` after the vendor rejected it. A token fetched since
    /// (by another caller that saw the same rejection) is kept, so N callers failing together
    /// cause one refresh, not N.
    pub async fn invalidate(&self, generation: u64) {
        let mut state = self.state.lock().await;
        if state.as_ref().is_some_and(|c| c.token.generation == generation) {
            *state = None;
        }
    }

    /// How many token requests this cache has started (status page, tests).
    pub fn fetch_count(&self) -> u64 {
        self.fetches.load(Ordering::Relaxed)
    }
}

/// Refresh a little early so a token does not expire between check and use: a tenth of its
/// lifetime, at most a minute.
fn safety_margin(ttl: Duration) -> Duration {
    (ttl / 10).min(Duration::from_secs(60))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use app::domain::{VendorErrorKind, VendorId};
    use secrecy::ExposeSecret;

    use super::*;

    fn fetched(text: &str, expires_in: Option<Duration>) -> Fetched {
        Fetched {
            secret: SecretString::from(text),
            expires_in,
        }
    }

    #[tokio::test]
    async fn concurrent_callers_share_one_fetch() {
        let cache = Arc::new(TokenCache::new(Duration::from_secs(7200)));
        let calls = Arc::new(AtomicU64::new(0));
        let mut tasks = Vec::new();
        for _ in 0..20 {
            let cache = cache.clone();
            let calls = calls.clone();
            tasks.push(tokio::spawn(async move {
                cache
                    .get(|| async move {
                        calls.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        Ok(fetched("t1", None))
                    })
                    .await
                    .map(|t| t.secret.expose_secret().to_string())
            }));
        }
        for t in tasks {
            assert_eq!(t.await.unwrap().unwrap(), "t1");
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert_eq!(cache.fetch_count(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn expires_in_wins_over_default_and_expiry_refetches() {
        let cache = TokenCache::new(Duration::from_secs(7200));
        let t = cache
            .get(|| async { Ok(fetched("a", Some(Duration::from_secs(100)))) })
            .await
            .unwrap();
        assert_eq!(t.secret.expose_secret(), "a");
        tokio::time::advance(Duration::from_secs(80)).await;
        let t = cache.get(|| async { Ok(fetched("b", None)) }).await.unwrap();
        assert_eq!(t.secret.expose_secret(), "a", "still fresh at 80 s of 100 s");
        tokio::time::advance(Duration::from_secs(11)).await;
        let t = cache.get(|| async { Ok(fetched("b", None)) }).await.unwrap();
        assert_eq!(t.secret.expose_secret(), "b", "refreshed inside the 10 s margin");
    }

    #[tokio::test]
    async fn invalidate_only_drops_the_rejected_generation() {
        let cache = TokenCache::new(Duration::from_secs(7200));
        let old = cache.get(|| async { Ok(fetched("a", None)) }).await.unwrap();
        cache.invalidate(old.generation).await;
        let new = cache.get(|| async { Ok(fetched("b", None)) }).await.unwrap();
        assert_ne!(new.generation, old.generation);
        // A second caller that saw the old token rejected must not drop the new one.
        cache.invalidate(old.generation).await;
        let again = cache.get(|| async { Ok(fetched("c", None)) }).await.unwrap();
        assert_eq!(again.secret.expose_secret(), "b");
        assert_eq!(cache.fetch_count(), 2);
    }

    #[tokio::test]
    async fn failed_fetch_is_not_cached() {
        let cache = TokenCache::new(Duration::from_secs(7200));
        let err = cache
            .get(|| async {
                Err(VendorError::new(
                    VendorId::Weiling,
                    "/auth/access_token/get",
                    VendorErrorKind::AuthRejected,
                    "bad secret",
                ))
            })
            .await;
        assert!(err.is_err());
        let t = cache.get(|| async { Ok(fetched("ok", None)) }).await.unwrap();
        assert_eq!(t.secret.expose_secret(), "ok");
    }
}
