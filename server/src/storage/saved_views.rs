//! The `saved_views` table: named list filters, each user's own, some shared with the
//! owner's team.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{StorageError, Store};

/// One saved view as stored, with its owner's display name and team.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredView {
    pub id: i64,
    pub owner_id: i64,
    pub owner_name: String,
    pub name: String,
    pub query: String,
    pub shared: bool,
}

const COLUMNS: &str = "v.id, v.owner_id, u.display_name, v.name, v.query, v.shared";

fn from_row(row: &AnyRow) -> StoredView {
    StoredView {
        id: row.get("id"),
        owner_id: row.get("owner_id"),
        owner_name: row.get("display_name"),
        name: row.get("name"),
        query: row.get("query"),
        shared: row.get::<i64, _>("shared") != 0,
    }
}

/// The views of `user_id` and those shared with `team` by its enabled members: the user's
/// own first, then by name (in any case).
pub async fn visible_to(store: &Store, user_id: i64, team: Option<&str>) -> Result<Vec<StoredView>, StorageError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM saved_views v JOIN users u ON u.id = v.owner_id \
         WHERE v.owner_id = $1 OR (v.shared = 1 AND u.disabled = 0 AND u.team IS NOT NULL AND u.team = $2) \
         ORDER BY CASE WHEN v.owner_id = $3 THEN 0 ELSE 1 END, lower(v.name), v.id"
    ))
    .bind(user_id)
    .bind(team)
    .bind(user_id)
    .fetch_all(store.pool())
    .await?;
    Ok(rows.iter().map(from_row).collect())
}

/// How many views `owner_id` keeps.
pub async fn count_owned(store: &Store, owner_id: i64) -> Result<i64, StorageError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM saved_views WHERE owner_id = $1")
        .bind(owner_id)
        .fetch_one(store.pool())
        .await?)
}

/// Adds a view; `None` when the owner already has one of that name.
pub async fn insert(store: &Store, owner_id: i64, name: &str, query: &str, shared: bool, now_ms: i64) -> Result<Option<i64>, StorageError> {
    let result: Result<i64, sqlx::Error> =
        sqlx::query_scalar("INSERT INTO saved_views (owner_id, name, query, shared, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
            .bind(owner_id)
            .bind(name)
            .bind(query)
            .bind(shared as i64)
            .bind(now_ms)
            .fetch_one(store.pool())
            .await;
    match result {
        Ok(id) => Ok(Some(id)),
        // Ids are generated: a unique violation is the owner's name (case-insensitive on both
        // engines), and sqlx reports it alike for either.
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(None),
        Err(e) => Err(e.into()),
    }
}

pub async fn find(store: &Store, id: i64) -> Result<Option<StoredView>, StorageError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM saved_views v JOIN users u ON u.id = v.owner_id WHERE v.id = $1"
    ))
    .bind(id)
    .fetch_optional(store.pool())
    .await?;
    Ok(row.as_ref().map(from_row))
}

pub async fn delete(store: &Store, id: i64) -> Result<(), StorageError> {
    sqlx::query("DELETE FROM saved_views WHERE id = $1")
        .bind(id)
        .execute(store.pool())
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use app::domain::{Role, VendorUserIds};

    use super::*;
    use crate::storage::users::{self, NewUser};

    async fn user(store: &Store, name: &str, team: Option<&str>) -> i64 {
        let new = NewUser {
            username: name.into(),
            display_name: format!("{name} 显示名"),
            role: Role::Rep,
            team: team.map(str::to_string),
            wecom: VendorUserIds::default(),
            password_hash: None,
        };
        users::insert(store, &new, 0).await.unwrap().id
    }

    #[tokio::test]
    async fn own_and_team_views_are_visible_names_unique_per_owner() {
        let store = Store::open_in_memory().await.unwrap();
        let zhang = user(&store, "zhang", Some("华东一组")).await;
        let liu = user(&store, "liu", Some("华东一组")).await;
        let rocky = user(&store, "rocky", Some("华南二组")).await;

        let shared = insert(&store, zhang, "重点客户", "tag=重点", true, 1).await.unwrap().unwrap();
        insert(&store, zhang, "我的私人", "q=x", false, 1).await.unwrap().unwrap();
        let own = insert(&store, liu, "句子互动", "vendor=juzi", false, 2).await.unwrap().unwrap();
        assert_eq!(
            insert(&store, liu, "句子互动", "vendor=tanma", false, 3).await.unwrap(),
            None,
            "same name"
        );
        assert_eq!(
            insert(&store, zhang, "重点客户", "q=y", false, 3).await.unwrap(),
            None,
            "case-insensitive, per owner"
        );
        assert!(
            insert(&store, rocky, "重点客户", "q=y", false, 3).await.unwrap().is_some(),
            "another owner may"
        );

        let seen: Vec<(i64, bool)> = visible_to(&store, liu, Some("华东一组"))
            .await
            .unwrap()
            .iter()
            .map(|v| (v.id, v.owner_id == liu))
            .collect();
        assert_eq!(seen, vec![(own, true), (shared, false)], "own first, then the team's shared one");
        let rocky_sees: Vec<i64> = visible_to(&store, rocky, Some("华南二组"))
            .await
            .unwrap()
            .iter()
            .map(|v| v.owner_id)
            .collect();
        assert_eq!(rocky_sees, vec![rocky]);
        assert_eq!(visible_to(&store, liu, None).await.unwrap().len(), 1, "no team, no shared views");
        assert_eq!(count_owned(&store, zhang).await.unwrap(), 2);

        let found = find(&store, shared).await.unwrap().unwrap();
        assert_eq!(
            (found.owner_name.as_str(), found.shared, found.query.as_str()),
            ("zhang 显示名", true, "tag=重点")
        );
        delete(&store, shared).await.unwrap();
        assert_eq!(find(&store, shared).await.unwrap(), None);
    }
}
