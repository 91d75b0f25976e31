//! What reps typed into refused plain form posts, kept for a short while so the page they
//! are sent back to can refill the form (`app::api::form_redirect`). The redirect carries
//! only a random id; the text stays here, bound to the user who typed it.

use std::sync::Arc;
use std::time::Duration;

use app::api::form_redirect::{Draft, FormDrafts};
use rand::RngCore;

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
}

impl Default for DraftStore {
    fn default() -> Self {
        DraftStore {
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

/// 128 random bits, hex: unguessable and URL-safe.
fn new_id() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

impl FormDrafts for DraftStore {
    fn keep(&self, user_id: i64, draft: Draft) -> String {
        let id = new_id();
        self.kept.insert(id.clone(), Arc::new(Kept { user_id, draft }));
        id
    }

    fn find(&self, user_id: i64, id: &str) -> Option<Draft> {
        if id.len() != 32 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
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

    #[test]
    fn a_draft_is_found_by_its_owner_only() {
        let store = DraftStore::default();
        let id = store.keep(7, draft("跟进内容"));
        assert_eq!(id.len(), 32);
        assert_eq!(store.find(7, &id), Some(draft("跟进内容")));
        assert_eq!(store.find(8, &id), None, "another user");
        assert_eq!(store.find(7, "0123456789abcdef0123456789abcdef"), None, "unknown");
        assert_eq!(store.find(7, "<script>"), None);
        assert_ne!(store.keep(7, draft("x")), id, "ids are fresh");
    }

    #[test]
    fn drafts_expire() {
        let store = DraftStore {
            kept: moka::sync::Cache::builder().time_to_live(Duration::from_millis(50)).build(),
        };
        let id = store.keep(1, draft("a"));
        assert!(store.find(1, &id).is_some());
        std::thread::sleep(Duration::from_millis(120));
        assert_eq!(store.find(1, &id), None);
    }
}
