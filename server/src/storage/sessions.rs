//! The `sessions` table: a session is named by the SHA-256 of its cookie token (the token
//! itself is never stored). When a session expires is decided by `auth::sessions`.

use sqlx::Row;

use super::{StorageError, Store};

/// A stored session, as its row says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionRow {
    pub user_id: i64,
    pub created_at: i64,
    pub last_seen_at: i64,
}

pub async fn insert(
    store: &Store,
    token_hash: &str,
    user_id: i64,
    now_ms: i64,
    user_agent: Option<&str>,
    address: Option<&str>,
) -> Result<(), StorageError> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, user_agent, address) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(now_ms)
    .bind(now_ms)
    .bind(user_agent)
    .bind(address)
    .execute(store.pool())
    .await?;
    Ok(())
}

pub async fn by_hash(store: &Store, token_hash: &str) -> Result<Option<SessionRow>, StorageError> {
    let row = sqlx::query("SELECT user_id, created_at, last_seen_at FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .fetch_optional(store.pool())
        .await?;
    Ok(row.map(|row| SessionRow {
        user_id: row.get("user_id"),
        created_at: row.get("created_at"),
        last_seen_at: row.get("last_seen_at"),
    }))
}

/// Records that the session was used at `now_ms`.
pub async fn touch(store: &Store, token_hash: &str, now_ms: i64) -> Result<(), StorageError> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
        .bind(now_ms)
        .bind(token_hash)
        .execute(store.pool())
        .await?;
    Ok(())
}

pub async fn delete_by_hash(store: &Store, token_hash: &str) -> Result<(), StorageError> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(store.pool())
        .await?;
    Ok(())
}

/// Ends every session of `user_id`; returns how many there were.
pub async fn delete_for_user(store: &Store, user_id: i64) -> Result<u64, StorageError> {
    let r = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(store.pool())
        .await?;
    Ok(r.rows_affected())
}

/// Deletes the sessions last used before `seen_before` or created before `created_before`;
/// returns how many.
pub async fn delete_older(store: &Store, seen_before: i64, created_before: i64) -> Result<u64, StorageError> {
    let r = sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2")
        .bind(seen_before)
        .bind(created_before)
        .execute(store.pool())
        .await?;
    Ok(r.rows_affected())
}
