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
use crate::storage::form_drafts::{self, DraftBounds, StoredDraft};

/// How long a draft is kept.
pub const DRAFT_TTL: Duration = Duration::from_secs(10 * 60);
/// The store's bound, in bytes of typed text (request bodies are small, see
/// `web::request_limits`; the oldest drafts go first).
const MAX_BYTES: u64 = 16 * 1024 * 1024;
/// Each field is cut to this many characters: twice the longest limit a form has (a note's
/// 1,000), so a rep who typed too much gets it back to trim, and nobody can park more.
pub const FIELD_MAX_CHARS: usize = 2 * app::domain::NOTE_MAX_CHARS;
/// Fields kept per draft (the largest form has a handful), and their names' length.
pub const MAX_FIELDS: usize = 12;
const FIELD_NAME_MAX_BYTES: usize = 64;
/// Drafts kept per user (a new one pushes out that user's oldest) and in all, in the
/// database; the memory copy is bounded by `MAX_BYTES` and the same per-user count.
pub const BOUNDS: DraftBounds = DraftBounds { per_user: 5, total: 2_000 };

struct Kept {
    user_id: i64,
    draft: Draft,
}

pub struct DraftStore {
    kept: moka::sync::Cache<String, Arc<Kept>>,
    /// Each user's draft ids in memory, oldest first, to keep at most `BOUNDS.per_user`.
    per_user: std::sync::Mutex<std::collections::HashMap<i64, std::collections::VecDeque<String>>>,
    store: Option<Store>,
}

/// `draft` cut to the bounds above: what is kept is never more than a form could use.
fn bounded(draft: Draft) -> Draft {
    let fields = draft
        .fields
        .into_iter()
        .filter(|(name, _)| name.len() <= FIELD_NAME_MAX_BYTES)
        .take(MAX_FIELDS)
        .map(|(name, value)| {
            let value = match value.char_indices().nth(FIELD_MAX_CHARS) {
                Some((cut, _)) => value[..cut].to_string(),
                None => value,
            };
            (name, value)
        })
        .collect();
    Draft {
        form: draft.form.chars().take(FIELD_NAME_MAX_BYTES).collect(),
        fields,
    }
}

impl Default for DraftStore {
    fn default() -> Self {
        DraftStore {
            store: None,
            per_user: Default::default(),
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

impl DraftStore {
    /// Records `id` as `user_id`'s newest draft and drops the user's oldest beyond the bound.
    fn forget_oldest_beyond_bound(&self, user_id: i64, id: &str) {
        let Ok(mut per_user) = self.per_user.lock() else { return };
        if per_user.len() > 10_000 {
            per_user.retain(|_, ids| ids.iter().any(|id| self.kept.contains_key(id)));
        }
        let ids = per_user.entry(user_id).or_default();
        ids.retain(|id| self.kept.contains_key(id));
        ids.push_back(id.to_string());
        while ids.len() > BOUNDS.per_user as usize {
            if let Some(oldest) = ids.pop_front() {
                self.kept.invalidate(&oldest);
            }
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
        let draft = bounded(draft);
        let id = new_id();
        if let Some(store) = &self.store {
            let stored = serde_json::to_string(&draft.fields).map(|fields_json| StoredDraft {
                form: draft.form.clone(),
                fields_json,
            });
            let now = now_ms();
            let kept = match stored {
                Ok(stored) => form_drafts::insert(store, &id, user_id, &stored, now, now - DRAFT_TTL.as_millis() as i64, BOUNDS)
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
        self.forget_oldest_beyond_bound(user_id, &id);
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
    async fn drafts_are_cut_to_the_forms_bounds_and_a_few_per_user() {
        let store = DraftStore::default();
        let huge = "字".repeat(50_000);
        let mut fields: Vec<(String, String)> = (0..40).map(|i| (format!("f{i}"), huge.clone())).collect();
        fields.push(("n".repeat(1000), "x".into()));
        let id = store
            .keep(
                7,
                Draft {
                    form: "note".into(),
                    fields,
                },
            )
            .await;
        let kept = store.find(7, &id).expect("kept");
        assert_eq!(kept.fields.len(), MAX_FIELDS);
        assert!(kept.fields.iter().all(|(_, v)| v.chars().count() == FIELD_MAX_CHARS));
        let ids: Vec<String> = futures::future::join_all((0..8).map(|i| store.keep(7, draft(&format!("第{i}稿"))))).await;
        let found = ids.iter().filter(|id| store.find(7, id).is_some()).count();
        assert_eq!(found, BOUNDS.per_user as usize, "the user's newest drafts only");
        assert!(store.find(7, ids.last().unwrap()).is_some() && store.find(7, &id).is_none());
        assert!(store.keep(8, draft("另一个人")).await.len() == 32 && store.find(7, ids.last().unwrap()).is_some());
    }

    #[tokio::test]
    async fn drafts_expire() {
        let store = DraftStore {
            kept: moka::sync::Cache::builder().time_to_live(Duration::from_millis(50)).build(),
            per_user: Default::default(),
            store: None,
        };
        let id = store.keep(1, draft("a")).await;
        assert!(store.find(1, &id).is_some());
        std::thread::sleep(Duration::from_millis(120));
        assert_eq!(store.find(1, &id), None);
    }
}
