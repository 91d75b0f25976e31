//! `/clues`: the clue list (newest first across vendors, from an in-memory list refreshed in
//! the background, like the customer list) and live clue detail.
//!
//! Visibility: a clue with an owner is visible to whoever may see that owner's customers;
//! a clue without one is in the unassigned pool (待分配) that every rep may pick from.

use std::collections::HashMap;
use std::sync::Arc;

use app::domain::{
    Clue, ClueDetail, ClueListing, ClueSummary, EpochMs, FieldValue, Scope, StaleCopy, VendorErrorKind, VendorFailure, VendorId,
};
use app::error::AppError;
use tokio::sync::{Mutex, RwLock};

use super::list_codec::{self, ListCodecError};
use crate::storage::{Notice, StorageError, Store, list_snapshots};
use crate::vendors::{VendorAdapter, VendorError};

/// The `list_snapshots.name` of the clue list.
pub const CLUE_LIST: &str = "clues";

const PAGE_SIZE: usize = 20;
const CRAWL_PAGE_SIZE: u32 = 100;
const MAX_PAGES: usize = 2_000;

#[derive(Default)]
struct State {
    /// Newest first.
    clues: Arc<Vec<Clue>>,
    per_vendor: HashMap<VendorId, (Vec<Clue>, Option<VendorFailure>)>,
    refreshed_at: Option<EpochMs>,
}

/// The clue list as stored in the database: each vendor's clues and last failure.
#[derive(serde::Deserialize)]
struct StoredClues {
    refreshed_at: EpochMs,
    per_vendor: Vec<(VendorId, Vec<Clue>, Option<VendorFailure>)>,
}

/// `StoredClues` as written: borrowed from the list in memory instead of a copy of it.
#[derive(serde::Serialize)]
struct StoredCluesRef<'a> {
    refreshed_at: EpochMs,
    per_vendor: Vec<(VendorId, &'a [Clue], &'a Option<VendorFailure>)>,
}

/// Why the stored clue list could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ClueLoadError {
    #[error("cannot read the stored clue list")]
    Storage(#[from] StorageError),
    #[error("cannot decode the stored clue list")]
    Codec(#[from] ListCodecError),
}

pub struct ClueService {
    adapters: Vec<Arc<dyn VendorAdapter>>,
    state: RwLock<State>,
    refreshing: Mutex<()>,
    /// Where each crawl is stored, and loaded from by the other instances and at restart.
    store: Option<Store>,
}

impl State {
    /// The merged list from each vendor's clues, newest first.
    fn finish(&mut self, refreshed_at: EpochMs) {
        let mut all: Vec<Clue> = self.per_vendor.values().flat_map(|(c, _)| c.iter().cloned()).collect();
        all.sort_by(|a, b| b.created_at.cmp(&a.created_at).then_with(|| b.id.cmp(&a.id)));
        self.clues = Arc::new(all);
        self.refreshed_at = Some(refreshed_at);
    }
}

pub fn visible(scope: &Scope, clue: &Clue) -> bool {
    match clue.owner_user_id.as_deref() {
        None => true,
        Some(owner) => scope.allows_followers(std::iter::once((clue.vendor, owner))),
    }
}

fn summary(c: &Clue) -> ClueSummary {
    let stage = c
        .fields
        .iter()
        .find(|f| f.key == "customer_stage" || f.label.contains("阶段"))
        .map(|f| f.value.clone())
        .filter(|v| !matches!(v, FieldValue::Empty));
    ClueSummary {
        vendor: c.vendor,
        id: c.id.clone(),
        name: c.name.clone(),
        mobiles: c.mobiles.clone(),
        stage,
        is_clue: c.is_clue,
        created_at: c.created_at,
        converted_at: c.converted_at,
    }
}

impl ClueService {
    pub fn new(adapters: Vec<Arc<dyn VendorAdapter>>) -> Self {
        ClueService {
            adapters,
            state: RwLock::new(State::default()),
            refreshing: Mutex::new(()),
            store: None,
        }
    }

    /// Stores every crawl in `store`, and loads the stored one instead of crawling when the
    /// list is first needed.
    pub fn with_store(mut self, store: Store) -> Self {
        self.store = Some(store);
        self
    }

    /// Loads the stored list if it is newer than the one in memory; `true` when it was.
    pub async fn load_stored(&self) -> Result<bool, ClueLoadError> {
        let Some(store) = &self.store else {
            return Ok(false);
        };
        let _guard = self.refreshing.lock().await;
        let current = self.state.read().await.refreshed_at.unwrap_or(i64::MIN);
        let Some(snapshot) = list_snapshots::load_newer(store, CLUE_LIST, current).await? else {
            return Ok(false);
        };
        let stored: StoredClues = list_codec::decode(&snapshot.data)?;
        let mut state = State {
            per_vendor: stored
                .per_vendor
                .into_iter()
                .map(|(v, clues, failure)| (v, (clues, failure)))
                .collect(),
            ..State::default()
        };
        state.finish(stored.refreshed_at);
        *self.state.write().await = state;
        Ok(true)
    }

    /// Stores the list as it is now and tells the other instances to load it.
    async fn keep(&self, store: &Store) {
        let (data, records, refreshed_at) = {
            let state = self.state.read().await;
            let mut per_vendor: Vec<_> = state.per_vendor.iter().map(|(v, (c, f))| (*v, c.as_slice(), f)).collect();
            per_vendor.sort_by_key(|(v, _, _)| *v);
            let refreshed_at = state.refreshed_at.unwrap_or_default();
            let stored = StoredCluesRef { refreshed_at, per_vendor };
            (list_codec::encode(&stored), state.clues.len(), refreshed_at)
        };
        let data = match data {
            Ok(data) => data,
            Err(e) => return tracing::error!(error = %crate::errors::report(&e), "cannot encode the clue list for storing"),
        };
        match list_snapshots::save(store, CLUE_LIST, refreshed_at, records as i64, &data).await {
            Ok(true) => store.publish(&Notice::ListStored { name: CLUE_LIST.into() }).await,
            Ok(false) => {}
            Err(e) => tracing::error!(error = %crate::errors::report(&e), "cannot store the clue list"),
        }
    }

    pub async fn refresh(&self) {
        let Ok(_guard) = self.refreshing.try_lock() else {
            let _ = self.refreshing.lock().await;
            return;
        };
        let crawls = futures::future::join_all(self.adapters.iter().map(|a| async move { (a.vendor(), crawl(a.as_ref()).await) })).await;
        let mut state = self.state.write().await;
        for (vendor, result) in crawls {
            match result {
                Ok(Some(clues)) => {
                    state.per_vendor.insert(vendor, (clues, None));
                }
                Ok(None) => {}
                Err(e) => {
                    tracing::warn!(%vendor, error = %e, "clue list refresh failed; keeping the last good clues");
                    state.per_vendor.entry(vendor).or_default().1 = Some(e.to_failure());
                }
            }
        }
        state.finish(crate::clock::now_ms());
        drop(state);
        if let Some(store) = &self.store {
            self.keep(store).await;
        }
    }

    /// The first time the list is needed: the stored list, or a crawl (see
    /// `list_crawl::crawl_on_first_use`).
    async fn ensure_loaded(&self) {
        if self.state.read().await.refreshed_at.is_none()
            && super::list_crawl::crawl_on_first_use(self.store.as_ref(), CLUE_LIST, self.load_stored()).await
        {
            self.refresh().await;
        }
    }

    /// One page; the cursor is the position after the last row shown.
    pub async fn list(&self, scope: &Scope, cursor: Option<&str>) -> ClueListing {
        self.ensure_loaded().await;
        let state = self.state.read().await;
        let start = cursor.and_then(|c| c.parse::<usize>().ok()).unwrap_or(0);
        let visible_clues: Vec<&Clue> = state.clues.iter().filter(|c| visible(scope, c)).collect();
        let items: Vec<ClueSummary> = visible_clues.iter().skip(start).take(PAGE_SIZE).map(|c| summary(c)).collect();
        let end = start + items.len();
        let failures = VendorId::ALL
            .iter()
            .filter_map(|v| state.per_vendor.get(v).and_then(|(_, f)| f.clone()))
            .collect();
        ClueListing {
            next: (end < visible_clues.len()).then(|| end.to_string()),
            total: visible_clues.len() as u64,
            items,
            failures,
            refreshed_at: state.refreshed_at,
            generated_at: crate::clock::now_ms(),
        }
    }

    pub async fn detail(&self, scope: &Scope, vendor: VendorId, id: &str) -> Result<ClueDetail, AppError> {
        let adapter = self.adapters.iter().find(|a| a.vendor() == vendor).ok_or(AppError::NotFound)?;
        if id.trim().is_empty() || id.len() > 64 {
            return Err(AppError::NotFound);
        }
        match adapter.clue_aged(id).await {
            Ok(aged) => {
                let stale = aged.stale.as_ref().map(|s| StaleCopy {
                    fetched_at: s.fetched_at,
                    failure: s.error.to_failure(),
                });
                match aged.into_value() {
                    Some(clue) if visible(scope, &clue) => Ok(ClueDetail {
                        clue,
                        generated_at: crate::clock::now_ms(),
                        stale,
                    }),
                    Some(_) => Err(AppError::Forbidden),
                    None => Err(AppError::NotFound),
                }
            }
            Err(e) if matches!(e.kind, VendorErrorKind::NotFound | VendorErrorKind::Unsupported) => Err(AppError::NotFound),
            Err(e) => Err(AppError::Vendor(e.to_failure())),
        }
    }
}

/// Every clue of one vendor; `None` when the vendor has no clue API (Juzibot).
async fn crawl(adapter: &dyn VendorAdapter) -> Result<Option<Vec<Clue>>, VendorError> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let page = match adapter.list_clues(cursor.clone(), CRAWL_PAGE_SIZE).await {
            Ok(p) => p,
            Err(e) if e.kind == VendorErrorKind::Unsupported => return Ok(None),
            Err(e) => return Err(e),
        };
        let empty = page.items.is_empty();
        out.extend(page.items);
        match page.next {
            Some(next) if !empty && Some(&next) != cursor.as_ref() => cursor = Some(next),
            _ => break,
        }
    }
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clue(vendor: VendorId, id: &str, created_at: EpochMs) -> Clue {
        Clue {
            vendor,
            id: id.into(),
            name: Some(format!("线索{id}")),
            mobiles: vec!["13800000000".into()],
            is_clue: Some(true),
            fields: Vec::new(),
            tags: Vec::new(),
            unresolved_tag_ids: Vec::new(),
            company: None,
            owner_user_id: None,
            created_at: Some(created_at),
            updated_at: None,
            converted_at: None,
        }
    }

    #[tokio::test]
    async fn another_instance_loads_the_stored_clue_list_as_it_was() {
        let db = Store::open_in_memory().await.unwrap();
        let here = ClueService::new(Vec::new()).with_store(db.clone());
        {
            let mut state = here.state.write().await;
            state
                .per_vendor
                .insert(VendorId::Tanma, (vec![clue(VendorId::Tanma, "t1", 10)], None));
            state
                .per_vendor
                .insert(VendorId::Weiling, (vec![clue(VendorId::Weiling, "w1", 20)], None));
            state.finish(99);
        }
        here.keep(&db).await;
        let elsewhere = ClueService::new(Vec::new()).with_store(db);
        assert!(elsewhere.load_stored().await.unwrap());
        assert!(!elsewhere.load_stored().await.unwrap(), "nothing newer the second time");
        let (mine, theirs) = (here.state.read().await, elsewhere.state.read().await);
        assert_eq!(theirs.refreshed_at, Some(99));
        assert_eq!(theirs.clues, mine.clues, "newest first, as built");
    }
}
