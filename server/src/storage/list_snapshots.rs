//! The merged customer and clue lists as last crawled, compressed, one row per list: the
//! instance that crawls stores them; other instances and restarts load them instead of
//! asking the vendors again.

use sqlx::Row;

use super::{StorageError, Store};

/// A stored list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    pub taken_at: i64,
    pub taken_by: String,
    pub records: i64,
    pub data: Vec<u8>,
}

/// Stores list `name` as crawled at `taken_at`, replacing the one before, unless a newer one
/// is already stored (an instance that lost its lease mid-crawl must not go back in time).
pub async fn save(store: &Store, name: &str, taken_at: i64, records: i64, data: &[u8]) -> Result<bool, StorageError> {
    let r = sqlx::query(
        "INSERT INTO list_snapshots (name, taken_at, taken_by, records, data) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (name) DO UPDATE SET taken_at = excluded.taken_at, taken_by = excluded.taken_by,
             records = excluded.records, data = excluded.data
         WHERE list_snapshots.taken_at < excluded.taken_at",
    )
    .bind(name)
    .bind(taken_at)
    .bind(store.instance())
    .bind(records)
    .bind(data)
    .execute(store.pool())
    .await?;
    Ok(r.rows_affected() == 1)
}

/// When list `name` was last stored, without reading it.
pub async fn taken_at(store: &Store, name: &str) -> Result<Option<i64>, StorageError> {
    Ok(sqlx::query_scalar("SELECT taken_at FROM list_snapshots WHERE name = $1")
        .bind(name)
        .fetch_optional(store.pool())
        .await?)
}

/// List `name` if one is stored newer than `after` (Unix ms).
pub async fn load_newer(store: &Store, name: &str, after: i64) -> Result<Option<Snapshot>, StorageError> {
    let row = sqlx::query("SELECT taken_at, taken_by, records, data FROM list_snapshots WHERE name = $1 AND taken_at > $2")
        .bind(name)
        .bind(after)
        .fetch_optional(store.pool())
        .await?;
    Ok(row.map(|row| Snapshot {
        taken_at: row.get("taken_at"),
        taken_by: row.get("taken_by"),
        records: row.get("records"),
        data: row.get("data"),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_newer_list_replaces_an_older_one_and_never_the_reverse() {
        let store = Store::open_in_memory().await.unwrap();
        assert_eq!(taken_at(&store, "customers").await.unwrap(), None);
        assert!(save(&store, "customers", 100, 2, b"two").await.unwrap());
        assert!(save(&store, "customers", 200, 3, b"three").await.unwrap());
        assert!(
            !save(&store, "customers", 150, 1, b"late").await.unwrap(),
            "an older crawl is not stored"
        );
        let stored = load_newer(&store, "customers", 0).await.unwrap().unwrap();
        assert_eq!(
            (stored.taken_at, stored.records, stored.data.as_slice()),
            (200, 3, b"three".as_slice())
        );
        assert!(load_newer(&store, "customers", 200).await.unwrap().is_none(), "nothing newer");
        assert_eq!(taken_at(&store, "customers").await.unwrap(), Some(200));
    }
}
