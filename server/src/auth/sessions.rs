//! Server-side sessions. The browser holds a random 256-bit token in an HttpOnly cookie; the
//! database holds only its SHA-256, the user, and when it was created and last used (see
//! `storage::sessions`). A session ends after `idle` without requests or `max` after
//! sign-in, whichever is first.

use std::time::Duration;

use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::storage::sessions as stored;
use crate::storage::{StorageError, Store};

/// `last_seen_at` is written at most this often, so reads do not all become writes.
const TOUCH_EVERY_MS: i64 = 60_000;

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A token cookie value looks like this; anything else is not looked up at all.
pub fn plausible_token(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A session that is still valid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Session {
    pub user_id: i64,
    pub created_at: i64,
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// Opens a session for `user_id` and returns the token for the cookie.
pub async fn create(
    store: &Store,
    user_id: i64,
    now_ms: i64,
    user_agent: Option<&str>,
    address: Option<&str>,
) -> Result<String, StorageError> {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let user_agent = user_agent.map(|ua| ua.chars().take(200).collect::<String>());
    stored::insert(store, &token_hash(&token), user_id, now_ms, user_agent.as_deref(), address).await?;
    Ok(token)
}

/// The session behind `token` if it has not expired; an expired one is deleted.
pub async fn lookup(store: &Store, token: &str, now_ms: i64, idle: Duration, max: Duration) -> Result<Option<Session>, StorageError> {
    if !plausible_token(token) {
        return Ok(None);
    }
    let hash = token_hash(token);
    let Some(row) = stored::by_hash(store, &hash).await? else {
        return Ok(None);
    };
    if now_ms.saturating_sub(row.last_seen_at) > millis(idle) || now_ms.saturating_sub(row.created_at) > millis(max) {
        stored::delete_by_hash(store, &hash).await?;
        return Ok(None);
    }
    if now_ms - row.last_seen_at >= TOUCH_EVERY_MS {
        stored::touch(store, &hash, now_ms).await?;
    }
    Ok(Some(Session {
        user_id: row.user_id,
        created_at: row.created_at,
    }))
}

pub async fn delete(store: &Store, token: &str) -> Result<(), StorageError> {
    stored::delete_by_hash(store, &token_hash(token)).await
}

/// Removes every expired session (called on sign-in, so the table stays small).
pub async fn purge_expired(store: &Store, now_ms: i64, idle: Duration, max: Duration) -> Result<u64, StorageError> {
    stored::delete_older(store, now_ms.saturating_sub(millis(idle)), now_ms.saturating_sub(millis(max))).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::users;
    use crate::storage::users::NewUser;
    use app::domain::{Role, VendorUserIds};

    #[tokio::test]
    async fn idle_and_absolute_expiry() {
        let store = Store::open_in_memory().await.unwrap();
        let u = users::create(
            &store,
            &NewUser {
                username: "a".into(),
                display_name: "A".into(),
                role: Role::Rep,
                team: None,
                wecom: VendorUserIds::default(),
                password_hash: None,
            },
            0,
        )
        .await
        .unwrap();
        let (idle, max) = (Duration::from_secs(600), Duration::from_secs(3600));
        let token = create(&store, u.id, 0, Some("ua"), Some("127.0.0.1")).await.unwrap();
        assert!(plausible_token(&token));
        let stored: String = sqlx::query_scalar("SELECT token_hash FROM sessions")
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_ne!(stored, token, "only the hash is stored");
        // Active every 9 minutes: idle never trips, but the absolute limit does.
        let mut t = 0;
        while t + 540_000 <= 3_600_000 {
            t += 540_000;
            assert_eq!(
                lookup(&store, &token, t, idle, max).await.unwrap(),
                Some(Session {
                    user_id: u.id,
                    created_at: 0
                }),
                "at {t}"
            );
        }
        assert_eq!(lookup(&store, &token, 3_600_001, idle, max).await.unwrap(), None, "absolute expiry");
        assert_eq!(
            lookup(&store, &token, 0, idle, max).await.unwrap(),
            None,
            "expired sessions are deleted"
        );

        let token = create(&store, u.id, 0, None, None).await.unwrap();
        assert_eq!(lookup(&store, &token, 600_001, idle, max).await.unwrap(), None, "idle expiry");
        assert_eq!(lookup(&store, "zz", 0, idle, max).await.unwrap(), None);

        let keep = create(&store, u.id, 1_000_000, None, None).await.unwrap();
        let _old = create(&store, u.id, 0, None, None).await.unwrap();
        assert_eq!(purge_expired(&store, 1_000_000, idle, max).await.unwrap(), 1);
        assert!(lookup(&store, &keep, 1_000_000, idle, max).await.unwrap().is_some());
        delete(&store, &keep).await.unwrap();
        assert!(lookup(&store, &keep, 1_000_000, idle, max).await.unwrap().is_none());
    }
}
