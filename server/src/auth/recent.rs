//! Sessions resolved in the last few seconds, so a page load's several requests do not each
//! read the database — and never one that was ended while it was being read.
//!
//! A request that looked its session up just before a sign-out (or a disable, or a password
//! change) deleted it would otherwise put it back into the cache after the sign-out cleared
//! it, and requests sent after the sign-out's reply would still be served for a few seconds.
//! So every forgetting bumps a generation, and a lookup is remembered only if no forgetting
//! happened while it ran (checked again after inserting, so a forgetting that lands between
//! the check and the insert is not missed either).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use app::domain::Viewer;

#[derive(Clone)]
pub struct RecentSessions {
    viewers: moka::future::Cache<String, Viewer>,
    generation: Arc<AtomicU64>,
}

/// What a lookup saw before it read the database; hand it back to [`RecentSessions::remember`].
#[derive(Clone, Copy, Debug)]
pub struct Generation(u64);

impl RecentSessions {
    pub fn new(ttl: Duration) -> Self {
        RecentSessions {
            viewers: moka::future::Cache::builder().max_capacity(10_000).time_to_live(ttl).build(),
            generation: Arc::new(AtomicU64::new(0)),
        }
    }

    pub async fn get(&self, token_hash: &str) -> Option<Viewer> {
        self.viewers.get(token_hash).await
    }

    /// Read before looking a session up in the database.
    pub fn generation(&self) -> Generation {
        Generation(self.generation.load(Ordering::SeqCst))
    }

    /// Remembers a session looked up since `seen`, unless something was forgotten meanwhile.
    pub async fn remember(&self, token_hash: String, viewer: Viewer, seen: Generation) {
        if self.generation.load(Ordering::SeqCst) != seen.0 {
            return;
        }
        self.viewers.insert(token_hash.clone(), viewer).await;
        if self.generation.load(Ordering::SeqCst) != seen.0 {
            self.viewers.invalidate(&token_hash).await;
        }
    }

    /// One session ended (sign-out).
    pub async fn forget(&self, token_hash: &str) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.viewers.invalidate(token_hash).await;
    }

    /// Every session may have changed (an account was disabled, its role or password changed,
    /// or another instance said so).
    pub fn forget_all(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.viewers.invalidate_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn viewer() -> Viewer {
        Viewer {
            user_id: 1,
            username: "rocky".into(),
            display_name: "张三".into(),
            role: app::domain::Role::Rep,
            team: None,
            wecom: Default::default(),
            scope: app::domain::Scope::All,
        }
    }

    #[tokio::test]
    async fn a_lookup_that_raced_a_sign_out_is_not_remembered() {
        let recent = RecentSessions::new(Duration::from_secs(60));
        let seen = recent.generation();
        // The sign-out lands while the lookup reads the database.
        recent.forget("h").await;
        recent.remember("h".into(), viewer(), seen).await;
        assert!(recent.get("h").await.is_none());

        let seen = recent.generation();
        recent.remember("h".into(), viewer(), seen).await;
        assert!(recent.get("h").await.is_some(), "an undisturbed lookup is remembered");
        recent.forget_all();
        assert!(recent.get("h").await.is_none());
    }
}
