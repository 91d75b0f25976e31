//! The `form_drafts` table: what was typed into refused plain form posts, for the page the
//! redirect leads to on whichever instance serves it. How long a draft lives and who may read
//! it is decided by `auth::drafts`.

use sqlx::Row;

use super::{StorageError, Store};

/// A stored draft: its form and its fields as JSON (`[[name, value], …]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredDraft {
    pub form: String,
    pub fields_json: String,
}

/// Stores a draft, and deletes those created before `expired_before`.
pub async fn insert(
    store: &Store,
    id: &str,
    user_id: i64,
    draft: &StoredDraft,
    now_ms: i64,
    expired_before: i64,
) -> Result<(), StorageError> {
    sqlx::query("DELETE FROM form_drafts WHERE created_at < $1")
        .bind(expired_before)
        .execute(store.pool())
        .await?;
    sqlx::query("INSERT INTO form_drafts (id, user_id, form, fields_json, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(id)
        .bind(user_id)
        .bind(&draft.form)
        .bind(&draft.fields_json)
        .bind(now_ms)
        .execute(store.pool())
        .await?;
    Ok(())
}

/// `user_id`'s draft `id`, if it was created at or after `created_since`.
pub async fn find(store: &Store, id: &str, user_id: i64, created_since: i64) -> Result<Option<StoredDraft>, StorageError> {
    let row = sqlx::query("SELECT form, fields_json FROM form_drafts WHERE id = $1 AND user_id = $2 AND created_at >= $3")
        .bind(id)
        .bind(user_id)
        .bind(created_since)
        .fetch_optional(store.pool())
        .await?;
    Ok(row.map(|row| StoredDraft {
        form: row.get("form"),
        fields_json: row.get("fields_json"),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_draft_is_found_by_its_owner_until_it_expires() {
        let store = Store::open_in_memory().await.unwrap();
        let draft = StoredDraft {
            form: "note".into(),
            fields_json: r#"[["text","跟进"]]"#.into(),
        };
        insert(&store, "a1", 7, &draft, 1_000, 0).await.unwrap();
        assert_eq!(find(&store, "a1", 7, 500).await.unwrap(), Some(draft.clone()));
        assert_eq!(find(&store, "a1", 8, 500).await.unwrap(), None, "another user");
        assert_eq!(find(&store, "a1", 7, 1_001).await.unwrap(), None, "expired");
        insert(&store, "b2", 7, &draft, 5_000, 2_000).await.unwrap();
        let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM form_drafts")
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(left, 1, "expired drafts are deleted as new ones come");
    }
}
