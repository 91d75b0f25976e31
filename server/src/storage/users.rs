//! The `users` table: sales people with a role, a team, and their WeCom user id at each
//! vendor. What a valid account looks like (names, lengths, trimming) is decided by
//! `auth::users` before anything reaches these functions.

use app::domain::{Role, VendorUserIds};
use sqlx::Row;
use sqlx::any::{AnyQueryResult, AnyRow};

use super::{StorageError, Store, sessions};

#[derive(Clone, PartialEq)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub team: Option<String>,
    pub wecom: VendorUserIds,
    pub password_hash: Option<String>,
    pub disabled: bool,
    pub created_at: i64,
    pub updated_at: i64,
    pub last_login_at: Option<i64>,
}

// By hand, so the password hash never reaches a log line through `{:?}`.
impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("role", &self.role)
            .field("team", &self.team)
            .field("wecom", &self.wecom)
            .field("disabled", &self.disabled)
            .finish_non_exhaustive()
    }
}

/// A user to create. `password_hash` is already hashed.
#[derive(Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub team: Option<String>,
    pub wecom: VendorUserIds,
    pub password_hash: Option<String>,
}

/// Profile fields an admin may change (not the username, not the password).
#[derive(Clone, Debug)]
pub struct Profile {
    pub display_name: String,
    pub role: Role,
    pub team: Option<String>,
    pub wecom: VendorUserIds,
}

const COLUMNS: &str = "id, username, display_name, role, team, tanma_user_id, weiling_user_id, juzi_user_id, password_hash, disabled, created_at, updated_at, last_login_at";

fn from_row(row: &AnyRow) -> Result<User, StorageError> {
    let role: String = row.get("role");
    Ok(User {
        id: row.get("id"),
        username: row.get("username"),
        display_name: row.get("display_name"),
        role: Role::from_slug(&role).ok_or(StorageError::UnknownValue {
            column: "users.role",
            value: role,
        })?,
        team: row.get("team"),
        wecom: VendorUserIds {
            tanma: row.get("tanma_user_id"),
            weiling: row.get("weiling_user_id"),
            juzi: row.get("juzi_user_id"),
        },
        password_hash: row.get("password_hash"),
        disabled: row.get::<i64, _>("disabled") != 0,
        created_at: row.get("created_at"),
        updated_at: row.get("updated_at"),
        last_login_at: row.get("last_login_at"),
    })
}

pub async fn count(store: &Store) -> Result<i64, StorageError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(store.pool()).await?)
}

/// Inserts `user` as given (already checked and trimmed) and returns it as stored.
pub async fn insert(store: &Store, user: &NewUser, now_ms: i64) -> Result<User, StorageError> {
    let result: Result<i64, sqlx::Error> = sqlx::query_scalar(
        "INSERT INTO users (username, display_name, role, team, tanma_user_id, weiling_user_id, juzi_user_id, password_hash, disabled, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $10) RETURNING id",
    )
    .bind(&user.username)
    .bind(&user.display_name)
    .bind(user.role.slug())
    .bind(&user.team)
    .bind(&user.wecom.tanma)
    .bind(&user.wecom.weiling)
    .bind(&user.wecom.juzi)
    .bind(&user.password_hash)
    .bind(now_ms)
    .bind(now_ms)
    .fetch_one(store.pool())
    .await;
    match result {
        Ok(id) => by_id(store, id).await?.ok_or(StorageError::Vanished("a created user")),
        // Ids are generated: a unique violation is the username's (case-insensitive on both
        // engines), and sqlx reports it alike for either.
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(StorageError::UsernameTaken(user.username.clone())),
        Err(e) => Err(e.into()),
    }
}

pub async fn by_id(store: &Store, id: i64) -> Result<Option<User>, StorageError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM users WHERE id = $1"))
        .bind(id)
        .fetch_optional(store.pool())
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// The user of this username, in any case ("LiuFuLai" finds "liufulai").
pub async fn by_username(store: &Store, username: &str) -> Result<Option<User>, StorageError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM users WHERE lower(username) = lower($1)"))
        .bind(username.trim())
        .fetch_optional(store.pool())
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn list(store: &Store) -> Result<Vec<User>, StorageError> {
    let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM users ORDER BY lower(username)"))
        .fetch_all(store.pool())
        .await?;
    rows.iter().map(from_row).collect()
}

/// Enabled users of `team` other than `except`, by username.
pub async fn team_members(store: &Store, team: &str, except: i64) -> Result<Vec<User>, StorageError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM users WHERE team = $1 AND id != $2 AND disabled = 0 ORDER BY lower(username)"
    ))
    .bind(team)
    .bind(except)
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(from_row).collect()
}

fn one_row(r: AnyQueryResult) -> bool {
    r.rows_affected() == 1
}

/// Writes `profile` as given (already checked and trimmed); false when there is no such user.
pub async fn update_profile(store: &Store, id: i64, profile: &Profile, now_ms: i64) -> Result<bool, StorageError> {
    let r = sqlx::query(
        "UPDATE users SET display_name = $1, role = $2, team = $3, tanma_user_id = $4, weiling_user_id = $5, juzi_user_id = $6, updated_at = $7 WHERE id = $8",
    )
    .bind(&profile.display_name)
    .bind(profile.role.slug())
    .bind(&profile.team)
    .bind(&profile.wecom.tanma)
    .bind(&profile.wecom.weiling)
    .bind(&profile.wecom.juzi)
    .bind(now_ms)
    .bind(id)
    .execute(store.pool())
    .await?;
    Ok(one_row(r))
}

pub async fn set_role(store: &Store, id: i64, role: Role, now_ms: i64) -> Result<bool, StorageError> {
    let r = sqlx::query("UPDATE users SET role = $1, updated_at = $2 WHERE id = $3")
        .bind(role.slug())
        .bind(now_ms)
        .bind(id)
        .execute(store.pool())
        .await?;
    Ok(one_row(r))
}

/// Replaces the password hash and ends the user's sessions (a changed password must lock
/// out whoever had the old one).
pub async fn set_password_hash(store: &Store, id: i64, hash: &str, now_ms: i64) -> Result<bool, StorageError> {
    let r = sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
        .bind(hash)
        .bind(now_ms)
        .bind(id)
        .execute(store.pool())
        .await?;
    sessions::delete_for_user(store, id).await?;
    Ok(one_row(r))
}

/// Disables (and signs out) or re-enables a user.
pub async fn set_disabled(store: &Store, id: i64, disabled: bool, now_ms: i64) -> Result<bool, StorageError> {
    let r = sqlx::query("UPDATE users SET disabled = $1, updated_at = $2 WHERE id = $3")
        .bind(disabled as i64)
        .bind(now_ms)
        .bind(id)
        .execute(store.pool())
        .await?;
    if disabled {
        sessions::delete_for_user(store, id).await?;
    }
    Ok(one_row(r))
}

pub async fn record_login(store: &Store, id: i64, now_ms: i64) -> Result<(), StorageError> {
    sqlx::query("UPDATE users SET last_login_at = $1 WHERE id = $2")
        .bind(now_ms)
        .bind(id)
        .execute(store.pool())
        .await?;
    Ok(())
}

/// Enabled admins other than `except` (the last admin may not demote or disable themself).
pub async fn other_enabled_admins(store: &Store, except: i64) -> Result<i64, StorageError> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0 AND id != $1")
            .bind(except)
            .fetch_one(store.pool())
            .await?,
    )
}
