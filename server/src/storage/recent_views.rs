//! The `recent_views` table: the customers each user opened lately, the last
//! [`RECENT_VIEWS_KEPT`] per user.

use app::domain::{EpochMs, RECENT_VIEWS_KEPT, RecentView};
use sqlx::Row;

use super::{StorageError, Store};

/// Records that `user_id` opened the customer at `at`, and forgets their older views beyond
/// the last [`RECENT_VIEWS_KEPT`].
pub async fn record(store: &Store, user_id: i64, customer_key: &str, customer_name: Option<&str>, at: EpochMs) -> Result<(), StorageError> {
    let mut tx = store.pool().begin().await?;
    sqlx::query(
        "INSERT INTO recent_views (user_id, customer_key, customer_name, viewed_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id, customer_key) DO UPDATE SET
             customer_name = COALESCE(excluded.customer_name, recent_views.customer_name), viewed_at = excluded.viewed_at",
    )
    .bind(user_id)
    .bind(customer_key)
    .bind(customer_name)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "DELETE FROM recent_views WHERE user_id = $1 AND customer_key NOT IN
             (SELECT customer_key FROM recent_views WHERE user_id = $2 ORDER BY viewed_at DESC, customer_key LIMIT $3)",
    )
    .bind(user_id)
    .bind(user_id)
    .bind(RECENT_VIEWS_KEPT as i64)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The user's recently viewed customers, latest first.
pub async fn list(store: &Store, user_id: i64) -> Result<Vec<RecentView>, StorageError> {
    let rows = sqlx::query(
        "SELECT customer_key, customer_name, viewed_at FROM recent_views WHERE user_id = $1
         ORDER BY viewed_at DESC, customer_key LIMIT $2",
    )
    .bind(user_id)
    .bind(RECENT_VIEWS_KEPT as i64)
    .fetch_all(store.pool())
    .await?;
    Ok(rows
        .iter()
        .map(|row| RecentView {
            key: row.get("customer_key"),
            name: row.get("customer_name"),
            viewed_at: row.get("viewed_at"),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn keeps_the_latest_views_per_user_latest_first() {
        let store = Store::open_in_memory().await.unwrap();
        for i in 0..(RECENT_VIEWS_KEPT as i64 + 5) {
            record(&store, 1, &format!("wm{i:02}"), None, 100 + i).await.unwrap();
        }
        record(&store, 2, "wmTheirs", Some("李四"), 1).await.unwrap();
        // Opening an older one again moves it to the top, with the name it has now.
        record(&store, 1, "wm10", Some("王五"), 1_000).await.unwrap();
        let mine = list(&store, 1).await.unwrap();
        assert_eq!(mine.len(), RECENT_VIEWS_KEPT);
        assert_eq!(
            (mine[0].key.as_str(), mine[0].name.as_deref(), mine[0].viewed_at),
            ("wm10", Some("王五"), 1_000)
        );
        assert_eq!(mine[1].key, format!("wm{:02}", RECENT_VIEWS_KEPT + 4));
        assert!(!mine.iter().any(|v| v.key == "wm00"), "the oldest are forgotten");
        assert_eq!(list(&store, 2).await.unwrap().len(), 1);
    }
}
