//! The merged customer and clue lists as last crawled, compressed, one row per list and its
//! bytes in parts of a megabyte: the instance that crawls stores them; other instances and restarts load them instead of
//! asking the vendors again.

use sqlx::Row;

use futures::TryStreamExt;

use super::{Engine, StorageError, Store};

/// A stored list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    pub taken_at: i64,
    pub taken_by: String,
    pub records: i64,
    pub data: Vec<u8>,
}

/// Bytes per stored part: small enough that the driver's and the database's copies of one
/// part cost nothing beside the list itself.
const PART_BYTES: usize = 1 << 20;

/// Stores list `name` as crawled at `taken_at`, replacing the one before, unless a newer one
/// is already stored (an instance that lost its lease mid-crawl must not go back in time).
/// The list is written in parts of `PART_BYTES`, in one transaction.
pub async fn save(store: &Store, name: &str, taken_at: i64, records: i64, data: &[u8]) -> Result<bool, StorageError> {
    let parts = data.chunks(PART_BYTES);
    let mut tx = store.pool().begin().await?;
    let r = sqlx::query(
        "INSERT INTO list_snapshots (name, taken_at, taken_by, records, data, parts) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (name) DO UPDATE SET taken_at = excluded.taken_at, taken_by = excluded.taken_by,
             records = excluded.records, data = excluded.data, parts = excluded.parts
         WHERE list_snapshots.taken_at < excluded.taken_at",
    )
    .bind(name)
    .bind(taken_at)
    .bind(store.instance())
    .bind(records)
    .bind(Vec::<u8>::new())
    .bind(parts.len() as i64)
    .execute(&mut *tx)
    .await?;
    if r.rows_affected() != 1 {
        tx.rollback().await?;
        return Ok(false);
    }
    sqlx::query("DELETE FROM list_snapshot_parts WHERE name = $1")
        .bind(name)
        .execute(&mut *tx)
        .await?;
    for (part, bytes) in parts.enumerate() {
        sqlx::query("INSERT INTO list_snapshot_parts (name, part, data) VALUES ($1, $2, $3)")
            .bind(name)
            .bind(part as i64)
            .bind(bytes)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// When list `name` was last stored, without reading it.
pub async fn taken_at(store: &Store, name: &str) -> Result<Option<i64>, StorageError> {
    Ok(sqlx::query_scalar("SELECT taken_at FROM list_snapshots WHERE name = $1")
        .bind(name)
        .fetch_optional(store.pool())
        .await?)
}

/// List `name` if one is stored newer than `after` (Unix ms). Its parts are read in the same
/// snapshot of the database as its row, so a list stored meanwhile is never half read.
pub async fn load_newer(store: &Store, name: &str, after: i64) -> Result<Option<Snapshot>, StorageError> {
    let mut tx = store.pool().begin().await?;
    if store.engine() == Engine::Postgres {
        // One snapshot for both statements (SQLite's read transaction already is one).
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            .execute(&mut *tx)
            .await?;
    }
    let row = sqlx::query("SELECT taken_at, taken_by, records, parts, data FROM list_snapshots WHERE name = $1 AND taken_at > $2")
        .bind(name)
        .bind(after)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let parts: i64 = row.get("parts");
    let mut snapshot = Snapshot {
        taken_at: row.get("taken_at"),
        taken_by: row.get("taken_by"),
        records: row.get("records"),
        // A list stored before lists were stored in parts.
        data: row.get("data"),
    };
    drop(row);
    if parts > 0 {
        // Room for every part at once: growing by doubling would copy the list and, for a
        // moment, hold it twice.
        let room = usize::try_from(parts).ok().and_then(|p| p.checked_mul(PART_BYTES)).unwrap_or(0);
        let _ = snapshot.data.try_reserve_exact(room);
        let mut rows = sqlx::query("SELECT data FROM list_snapshot_parts WHERE name = $1 ORDER BY part")
            .bind(name)
            .fetch(&mut *tx);
        let mut read = 0;
        while let Some(row) = rows.try_next().await? {
            let bytes: &[u8] = row.try_get("data")?;
            snapshot.data.extend_from_slice(bytes);
            read += 1;
        }
        drop(rows);
        if read != parts {
            return Err(StorageError::MissingParts {
                name: name.to_string(),
                read,
                parts,
            });
        }
    }
    tx.commit().await?;
    Ok(Some(snapshot))
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

    #[tokio::test]
    async fn a_list_of_several_parts_reads_back_whole_and_a_shorter_one_replaces_it() {
        let store = Store::open_in_memory().await.unwrap();
        let big: Vec<u8> = (0..PART_BYTES * 2 + 12_345).map(|i| (i % 251) as u8).collect();
        assert!(save(&store, "customers", 100, 9, &big).await.unwrap());
        assert_eq!(load_newer(&store, "customers", 0).await.unwrap().unwrap().data, big);
        assert!(save(&store, "customers", 200, 1, b"small").await.unwrap());
        assert_eq!(
            load_newer(&store, "customers", 0).await.unwrap().unwrap().data,
            b"small",
            "no part of the bigger list is left"
        );
        sqlx::query("DELETE FROM list_snapshot_parts").execute(store.pool()).await.unwrap();
        assert!(matches!(
            load_newer(&store, "customers", 0).await,
            Err(StorageError::MissingParts { read: 0, parts: 1, .. })
        ));
    }

    #[tokio::test]
    async fn a_list_stored_in_one_row_before_parts_still_loads() {
        let store = Store::open_in_memory().await.unwrap();
        sqlx::query("INSERT INTO list_snapshots (name, taken_at, taken_by, records, data) VALUES ('clues', 5, 'old', 1, $1)")
            .bind(b"whole".to_vec())
            .execute(store.pool())
            .await
            .unwrap();
        assert_eq!(load_newer(&store, "clues", 0).await.unwrap().unwrap().data, b"whole");
    }
}
