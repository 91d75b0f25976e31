//! What reps typed into refused plain form posts, kept for a short while so the page they
//! are sent back to can refill the form (`app::api::form_redirect`). The redirect carries
//! only a random id; the text stays on the server, bound to the user who typed it: in the
//! database (`storage::form_drafts`), since behind a load balancer another instance may serve
//! the page, and in memory, where the page reads it (the sign-in gate loads it from the
//! database first when this instance did not keep it, see [`DraftStore::preload`]).

use std::sync::Arc;
use std::time::Duration;

use app::api::form_redirect::{Draft, FormDrafts};
use rand::RngCore;

use crate::clock::now_ms;
use crate::storage::Store;
use crate::storage::form_drafts::{self, StoredDraft};

/// How long a draft is kept.
pub const DRAFT_TTL: Duration = Duration::from_secs(10 * 60);
/// The store's bound, in bytes of typed text (request bodies are small, see
/// `web::request_limits`; the oldest drafts go first).
const MAX_BYTES: u64 = 16 * 1024 * 1024;

struct Kept {
    user_id: i64,
    draft: Draft,
}

pub struct DraftStore {
    kept: moka::sync::Cache<String, Arc<Kept>>,
    store: Option<Store>,
}

impl Default for DraftStore {
    fn default() -> Self {
        DraftStore {
            store: None,
            kept: moka::sync::Cache::builder()
                .max_capacity(MAX_BYTES)
                .weigher(|id: &String, kept: &Arc<Kept>| {
                    let text: usize = kept.draft.fields.iter().map(|(k, v)| k.len() + v.len() + 16).sum();
                    u32::try_from(id.len() + kept.draft.form.len() + text + 64).unwrap_or(u32::MAX)
                })
                .time_to_live(DRAFT_TTL)
                .build(),
        }
    }
}

impl DraftStore {
    /// Drafts kept in `store` as well, for the other instances.
    pub fn with_store(store: Store) -> Self {
        DraftStore {
            store: Some(store),
            ..DraftStore::default()
        }
    }

    /// Before a page that may show draft `id` is rendered: loads it from the database when
    /// this instance did not keep it (another instance refused the form).
    pub async fn preload(&self, user_id: i64, id: &str) {
        let Some(store) = &self.store else { return };
        if !plausible_id(id) || self.kept.get(id).is_some() {
            return;
        }
        let since = now_ms() - DRAFT_TTL.as_millis() as i64;
        match form_drafts::find(store, id, user_id, since).await {
            Ok(Some(stored)) => match serde_json::from_str::<Vec<(String, String)>>(&stored.fields_json) {
                Ok(fields) => {
                    let draft = Draft { form: stored.form, fields };
                    self.kept.insert(id.to_string(), Arc::new(Kept { user_id, draft }));
                }
                Err(e) => tracing::warn!(error = %e, "a stored form draft is not readable"),
            },
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %crate::errors::report(&e), "cannot read a form draft"),
        }
    }
}

fn plausible_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

/// 128 random bits, hex: unguessable and URL-safe.
fn new_id() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

#[async_trait::async_trait]
impl FormDrafts for DraftStore {
    async fn keep(&self, user_id: i64, draft: Draft) -> String {
        let id = new_id();
        if let Some(store) = &self.store {
            let stored = serde_json::to_string(&draft.fields).map(|fields_json| StoredDraft {
                form: draft.form.clone(),
                fields_json,
            });
            let now = now_ms();
            let kept = match stored {
                Ok(stored) => form_drafts::insert(store, &id, user_id, &stored, now, now - DRAFT_TTL.as_millis() as i64)
                    .await
                    .map_err(|e| crate::errors::report(&e)),
                Err(e) => Err(e.to_string()),
            };
            // This instance still has it in memory: only a page served elsewhere would miss it.
            if let Err(e) = kept {
                tracing::warn!(error = %e, "cannot store a form draft for the other instances");
            }
        }
        self.kept.insert(id.clone(), Arc::new(Kept { user_id, draft }));
        id
    }

    fn find(&self, user_id: i64, id: &str) -> Option<Draft> {
        if !plausible_id(id) {
            return None;
        }
        self.kept
            .get(id)
            .filter(|kept| kept.user_id == user_id)
            .map(|kept| kept.draft.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(text: &str) -> Draft {
        Draft {
            form: "note".into(),
            fields: vec![("text".into(), text.into())],
        }
    }

    #[tokio::test]
    async fn a_draft_is_found_by_its_owner_only() {
        let store = DraftStore::default();
        let id = store.keep(7, draft("跟进内容")).await;
        assert_eq!(id.len(), 32);
        assert_eq!(store.find(7, &id), Some(draft("跟进内容")));
        assert_eq!(store.find(8, &id), None, "another user");
        assert_eq!(store.find(7, "0123456789abcdef0123456789abcdef"), None, "unknown");
        assert_eq!(store.find(7, "<script>"), None);
        assert_ne!(store.keep(7, draft("x")).await, id, "ids are fresh");
    }

    #[tokio::test]
    async fn another_instance_finds_the_draft_once_preloaded() {
        let db = Store::open_in_memory().await.unwrap();
        let here = DraftStore::with_store(db.clone());
        let elsewhere = DraftStore::with_store(db);
        let id = here.keep(7, draft("换了一台实例")).await;
        assert_eq!(elsewhere.find(7, &id), None, "not in its memory yet");
        elsewhere.preload(8, &id).await;
        assert_eq!(elsewhere.find(8, &id), None, "another user's id loads nothing");
        elsewhere.preload(7, &id).await;
        assert_eq!(elsewhere.find(7, &id), Some(draft("换了一台实例")));
    }

    #[tokio::test]
    async fn drafts_expire() {
        let store = DraftStore {
            kept: moka::sync::Cache::builder().time_to_live(Duration::from_millis(50)).build(),
            store: None,
        };
        let id = store.keep(1, draft("a")).await;
        assert!(store.find(1, &id).is_some());
        std::thread::sleep(Duration::from_millis(120));
        assert_eq!(store.find(1, &id), None);
    }
}
