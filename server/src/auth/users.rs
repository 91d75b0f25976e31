//! Local user accounts in SQLite: sales people with a role, a team, and their WeCom user id
//! at each vendor. Passwords are Argon2id hashes (see `password`).

use app::domain::{Role, VendorUserIds};
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use crate::storage::Store;

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

fn db(e: sqlx::Error) -> String {
    format!("user database error: {e}")
}

fn from_row(row: &SqliteRow) -> Result<User, String> {
    let role: String = row.get("role");
    Ok(User {
        id: row.get("id"),
        username: row.get("username"),
        display_name: row.get("display_name"),
        role: Role::from_slug(&role).ok_or_else(|| format!("users: unknown role {role}"))?,
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

/// Sign-in names: 1–64 letters, digits, `.`, `_`, `-` or `@`, so they are safe in URLs,
/// headers and CSV without escaping.
pub fn validate_username(name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > 64 {
        return Err("the username must have 1 to 64 characters".into());
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
    {
        return Err("the username may contain only letters, digits, '.', '_', '-' and '@'".into());
    }
    Ok(())
}

/// Trims optional text; empty becomes `None`.
pub fn clean(text: Option<&str>) -> Option<String> {
    text.map(str::trim).filter(|t| !t.is_empty()).map(str::to_string)
}

fn check_profile(p: &Profile) -> Result<(), String> {
    if p.display_name.trim().is_empty() || p.display_name.chars().count() > 64 {
        return Err("the display name must have 1 to 64 characters".into());
    }
    if p.team.as_deref().is_some_and(|t| t.chars().count() > 64) {
        return Err("the team must have at most 64 characters".into());
    }
    for id in [&p.wecom.tanma, &p.wecom.weiling, &p.wecom.juzi].into_iter().flatten() {
        if id.len() > 128 || id.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(format!("\"{id}\" is not a WeCom user id"));
        }
    }
    Ok(())
}

fn clean_ids(ids: &VendorUserIds) -> VendorUserIds {
    VendorUserIds {
        tanma: clean(ids.tanma.as_deref()),
        weiling: clean(ids.weiling.as_deref()),
        juzi: clean(ids.juzi.as_deref()),
    }
}

pub async fn count(store: &Store) -> Result<i64, String> {
    sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(store.pool())
        .await
        .map_err(db)
}

pub async fn create(store: &Store, user: &NewUser, now_ms: i64) -> Result<User, String> {
    validate_username(&user.username)?;
    let profile = Profile {
        display_name: user.display_name.clone(),
        role: user.role,
        team: clean(user.team.as_deref()),
        wecom: clean_ids(&user.wecom),
    };
    check_profile(&profile)?;
    let result = sqlx::query(
        "INSERT INTO users (username, display_name, role, team, tanma_user_id, weiling_user_id, juzi_user_id, password_hash, disabled, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)",
    )
    .bind(&user.username)
    .bind(profile.display_name.trim())
    .bind(profile.role.slug())
    .bind(&profile.team)
    .bind(&profile.wecom.tanma)
    .bind(&profile.wecom.weiling)
    .bind(&profile.wecom.juzi)
    .bind(&user.password_hash)
    .bind(now_ms)
    .bind(now_ms)
    .execute(store.pool())
    .await;
    match result {
        Ok(r) => by_id(store, r.last_insert_rowid())
            .await?
            .ok_or_else(|| "users: created user vanished".to_string()),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(format!("a user named \"{}\" already exists", user.username)),
        Err(e) => Err(db(e)),
    }
}

pub async fn by_id(store: &Store, id: i64) -> Result<Option<User>, String> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM users WHERE id = ?"))
        .bind(id)
        .fetch_optional(store.pool())
        .await
        .map_err(db)?;
    row.as_ref().map(from_row).transpose()
}

pub async fn by_username(store: &Store, username: &str) -> Result<Option<User>, String> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM users WHERE username = ?"))
        .bind(username.trim())
        .fetch_optional(store.pool())
        .await
        .map_err(db)?;
    row.as_ref().map(from_row).transpose()
}

pub async fn list(store: &Store) -> Result<Vec<User>, String> {
    let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM users ORDER BY username"))
        .fetch_all(store.pool())
        .await
        .map_err(db)?;
    rows.iter().map(from_row).collect()
}

/// Enabled users of `team` other than `except`, by username.
pub async fn team_members(store: &Store, team: &str, except: i64) -> Result<Vec<User>, String> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM users WHERE team = ? AND id != ? AND disabled = 0 ORDER BY username"
    ))
    .bind(team)
    .bind(except)
    .fetch_all(store.pool())
    .await
    .map_err(db)?;
    rows.iter().map(from_row).collect()
}

async fn affected(r: Result<sqlx::sqlite::SqliteQueryResult, sqlx::Error>) -> Result<bool, String> {
    r.map(|r| r.rows_affected() == 1).map_err(db)
}

pub async fn update_profile(store: &Store, id: i64, profile: &Profile, now_ms: i64) -> Result<bool, String> {
    let profile = Profile {
        display_name: profile.display_name.trim().to_string(),
        role: profile.role,
        team: clean(profile.team.as_deref()),
        wecom: clean_ids(&profile.wecom),
    };
    check_profile(&profile)?;
    affected(
        sqlx::query("UPDATE users SET display_name = ?, role = ?, team = ?, tanma_user_id = ?, weiling_user_id = ?, juzi_user_id = ?, updated_at = ? WHERE id = ?")
            .bind(&profile.display_name)
            .bind(profile.role.slug())
            .bind(&profile.team)
            .bind(&profile.wecom.tanma)
            .bind(&profile.wecom.weiling)
            .bind(&profile.wecom.juzi)
            .bind(now_ms)
            .bind(id)
            .execute(store.pool())
            .await,
    )
    .await
}

pub async fn set_role(store: &Store, id: i64, role: Role, now_ms: i64) -> Result<bool, String> {
    affected(
        sqlx::query("UPDATE users SET role = ?, updated_at = ? WHERE id = ?")
            .bind(role.slug())
            .bind(now_ms)
            .bind(id)
            .execute(store.pool())
            .await,
    )
    .await
}

/// Replaces the password hash and ends the user's sessions (a changed password must lock
/// out whoever had the old one).
pub async fn set_password_hash(store: &Store, id: i64, hash: &str, now_ms: i64) -> Result<bool, String> {
    let changed = affected(
        sqlx::query("UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?")
            .bind(hash)
            .bind(now_ms)
            .bind(id)
            .execute(store.pool())
            .await,
    )
    .await?;
    super::sessions::delete_for_user(store, id).await?;
    Ok(changed)
}

/// Disables (and signs out) or re-enables a user.
pub async fn set_disabled(store: &Store, id: i64, disabled: bool, now_ms: i64) -> Result<bool, String> {
    let changed = affected(
        sqlx::query("UPDATE users SET disabled = ?, updated_at = ? WHERE id = ?")
            .bind(disabled as i64)
            .bind(now_ms)
            .bind(id)
            .execute(store.pool())
            .await,
    )
    .await?;
    if disabled {
        super::sessions::delete_for_user(store, id).await?;
    }
    Ok(changed)
}

pub async fn record_login(store: &Store, id: i64, now_ms: i64) -> Result<(), String> {
    sqlx::query("UPDATE users SET last_login_at = ? WHERE id = ?")
        .bind(now_ms)
        .bind(id)
        .execute(store.pool())
        .await
        .map_err(db)?;
    Ok(())
}

/// Enabled admins other than `except` (the last admin may not demote or disable themself).
pub async fn other_enabled_admins(store: &Store, except: i64) -> Result<i64, String> {
    sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0 AND id != ?")
        .bind(except)
        .fetch_one(store.pool())
        .await
        .map_err(db)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_user(name: &str, role: Role, team: Option<&str>, wecom: &str) -> NewUser {
        NewUser {
            username: name.into(),
            display_name: name.to_uppercase(),
            role,
            team: team.map(str::to_string),
            wecom: VendorUserIds {
                tanma: Some(wecom.into()),
                weiling: Some(wecom.into()),
                juzi: Some(format!(" {wecom} ")),
            },
            password_hash: None,
        }
    }

    #[tokio::test]
    async fn create_find_update_and_team() {
        let store = Store::open_in_memory().await.unwrap();
        let a = create(&store, &new_user("LiuFuLai", Role::Rep, Some("华东一组"), "LiuFuLai"), 1)
            .await
            .unwrap();
        assert_eq!(a.wecom.juzi.as_deref(), Some("LiuFuLai"), "ids are trimmed");
        let e = create(&store, &new_user("liufulai", Role::Rep, None, "x"), 2).await.unwrap_err();
        assert!(e.contains("already exists"), "usernames are case-insensitive: {e}");
        assert_eq!(by_username(&store, "LIUFULAI").await.unwrap().unwrap().id, a.id);
        let m = create(&store, &new_user("zhangwei", Role::Manager, Some("华东一组"), "ZhangWei"), 3)
            .await
            .unwrap();
        let other = create(&store, &new_user("rocky", Role::Rep, Some("华南二组"), "rocky"), 4)
            .await
            .unwrap();
        let team = team_members(&store, "华东一组", m.id).await.unwrap();
        assert_eq!(team.iter().map(|u| u.id).collect::<Vec<_>>(), vec![a.id]);
        set_disabled(&store, a.id, true, 5).await.unwrap();
        assert!(
            team_members(&store, "华东一组", m.id).await.unwrap().is_empty(),
            "disabled users leave the team"
        );
        let profile = Profile {
            display_name: "Rocky".into(),
            role: Role::Manager,
            team: Some("  ".into()),
            wecom: VendorUserIds::default(),
        };
        assert!(update_profile(&store, other.id, &profile, 6).await.unwrap());
        let r = by_id(&store, other.id).await.unwrap().unwrap();
        assert_eq!((r.role, r.team.clone(), r.display_name.as_str()), (Role::Manager, None, "Rocky"));
        assert!(validate_username("bad name").is_err());
        assert!(validate_username("a.b-c_d@corp").is_ok());
        assert!(!format!("{r:?}").contains("password"));
    }
}
