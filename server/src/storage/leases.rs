//! Work one instance of a cluster does at a time (the vendor list crawl), decided by a row
//! per kind of work: its holder keeps it by renewing it before it lapses; when the holder
//! dies, the first instance to ask after `lease_until` takes it over. The same statement
//! works on SQLite (one instance, which always holds it) and PostgreSQL (where `ON CONFLICT`
//! locks the row, so two instances asking at once never both hold it).

use sqlx::Row;

use super::{StorageError, Store};

/// Who holds a lease, and until when (Unix ms).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holder {
    pub instance: String,
    pub until: i64,
}

/// Takes lease `name` for this instance until `now_ms + ttl_ms`, or renews it if this
/// instance already holds it; `false` while another instance holds an unexpired lease.
pub async fn acquire(store: &Store, name: &str, now_ms: i64, ttl_ms: i64) -> Result<bool, StorageError> {
    let held: Option<String> = sqlx::query_scalar(
        "INSERT INTO leases (name, holder, lease_until, taken_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (name) DO UPDATE SET
             lease_until = excluded.lease_until,
             taken_at = CASE WHEN leases.holder = excluded.holder THEN leases.taken_at ELSE excluded.taken_at END,
             holder = excluded.holder
         WHERE leases.holder = excluded.holder OR leases.lease_until < $4
         RETURNING holder",
    )
    .bind(name)
    .bind(store.instance())
    .bind(now_ms + ttl_ms)
    .bind(now_ms)
    .fetch_optional(store.pool())
    .await?;
    Ok(held.is_some())
}

/// Gives lease `name` up if this instance holds it (a clean shutdown: another instance takes
/// over at once instead of after the lease lapses).
pub async fn release(store: &Store, name: &str) -> Result<(), StorageError> {
    sqlx::query("DELETE FROM leases WHERE name = $1 AND holder = $2")
        .bind(name)
        .bind(store.instance())
        .execute(store.pool())
        .await?;
    Ok(())
}

/// Who holds lease `name` now, if anyone does.
pub async fn holder(store: &Store, name: &str, now_ms: i64) -> Result<Option<Holder>, StorageError> {
    let row = sqlx::query("SELECT holder, lease_until FROM leases WHERE name = $1 AND lease_until >= $2")
        .bind(name)
        .bind(now_ms)
        .fetch_optional(store.pool())
        .await?;
    Ok(row.map(|row| Holder {
        instance: row.get("holder"),
        until: row.get("lease_until"),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn one_holder_at_a_time_until_the_lease_lapses() {
        let first = Store::open_in_memory().await.unwrap();
        // A second instance on the same database: same pool, its own name.
        let second = first.as_other_instance();
        assert!(acquire(&first, "crawl", 1_000, 500).await.unwrap());
        assert!(!acquire(&second, "crawl", 1_200, 500).await.unwrap(), "held by the first");
        assert!(acquire(&first, "crawl", 1_400, 500).await.unwrap(), "renewed by its holder");
        assert!(
            !acquire(&second, "crawl", 1_800, 500).await.unwrap(),
            "renewal moved the end to 1,900"
        );
        assert!(acquire(&second, "crawl", 1_901, 500).await.unwrap(), "taken over once lapsed");
        assert!(!acquire(&first, "crawl", 1_950, 500).await.unwrap());
        assert_eq!(holder(&first, "crawl", 1_950).await.unwrap().unwrap().instance, second.instance());
        release(&first, "crawl").await.unwrap();
        assert!(holder(&first, "crawl", 1_950).await.unwrap().is_some(), "only the holder releases");
        release(&second, "crawl").await.unwrap();
        assert!(acquire(&first, "crawl", 1_960, 500).await.unwrap(), "free at once after a release");
        assert!(acquire(&second, "other", 1_960, 500).await.unwrap(), "leases are per name");
    }
}
