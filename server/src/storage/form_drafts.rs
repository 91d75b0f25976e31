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

/// How many drafts are kept: per user, and in all.
#[derive(Clone, Copy, Debug)]
pub struct DraftBounds {
    pub per_user: i64,
    pub total: i64,
}

/// Stores a draft; deletes those created before `expired_before`, then the user's oldest
/// beyond `bounds.per_user` and everyone's oldest beyond `bounds.total` (counting this one).
pub async fn insert(
    store: &Store,
    id: &str,
    user_id: i64,
    draft: &StoredDraft,
    now_ms: i64,
    expired_before: i64,
    bounds: DraftBounds,
) -> Result<(), StorageError> {
    sqlx::query("DELETE FROM form_drafts WHERE created_at < $1")
        .bind(expired_before)
        .execute(store.pool())
        .await?;
    sqlx::query(
        "DELETE FROM form_drafts WHERE user_id = $1 AND id NOT IN \
         (SELECT id FROM form_drafts WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2)",
    )
    .bind(user_id)
    .bind((bounds.per_user - 1).max(0))
    .execute(store.pool())
    .await?;
    sqlx::query("DELETE FROM form_drafts WHERE id NOT IN (SELECT id FROM form_drafts ORDER BY created_at DESC, id DESC LIMIT $1)")
        .bind((bounds.total - 1).max(0))
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
        let bounds = DraftBounds { per_user: 5, total: 100 };
        insert(&store, "a1", 7, &draft, 1_000, 0, bounds).await.unwrap();
        assert_eq!(find(&store, "a1", 7, 500).await.unwrap(), Some(draft.clone()));
        assert_eq!(find(&store, "a1", 8, 500).await.unwrap(), None, "another user");
        assert_eq!(find(&store, "a1", 7, 1_001).await.unwrap(), None, "expired");
        insert(&store, "b2", 7, &draft, 5_000, 2_000, bounds).await.unwrap();
        let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM form_drafts")
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(left, 1, "expired drafts are deleted as new ones come");
    }

    async fn ids(store: &Store) -> Vec<String> {
        sqlx::query_scalar("SELECT id FROM form_drafts ORDER BY created_at, id")
            .fetch_all(store.pool())
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn a_user_keeps_a_few_drafts_and_everyone_a_bounded_number() {
        let store = Store::open_in_memory().await.unwrap();
        let draft = StoredDraft {
            form: "note".into(),
            fields_json: "[]".into(),
        };
        let bounds = DraftBounds { per_user: 3, total: 5 };
        for i in 0..6 {
            insert(&store, &format!("u7-{i}"), 7, &draft, 1_000 + i, 0, bounds).await.unwrap();
        }
        assert_eq!(ids(&store).await, ["u7-3", "u7-4", "u7-5"], "the user's newest three");
        for i in 0..3 {
            insert(&store, &format!("u8-{i}"), 8, &draft, 2_000 + i, 0, bounds).await.unwrap();
        }
        assert_eq!(
            ids(&store).await,
            ["u7-4", "u7-5", "u8-0", "u8-1", "u8-2"],
            "everyone's newest five"
        );
    }
}
