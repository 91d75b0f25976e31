//! The customer list behind `/customers`: every vendor's customers, crawled page by page,
//! merged into one record per person, and kept in memory so search, filters and paging answer
//! in milliseconds instead of waiting on three vendors. Refreshed in the background; when a
//! vendor fails, its last good records stay and the list says which vendor is behind.

mod arena;
mod record_blocks;
mod rows;
mod search;
mod stored;

use std::collections::HashMap;
use std::sync::Arc;

use app::domain::{
    CustomerListing, CustomerQuery, DEFAULT_PAGE_SIZE, EpochMs, Facets, MAX_PAGE_SIZE, Scope, VendorCustomer, VendorFailure, VendorId,
};
use tokio::sync::{Mutex, RwLock};

use arena::{ArenaBuilder, ListArena};
use record_blocks::{PackError, RecordBlocks};
pub use rows::MatchingRows;
use search::{FacetBuilder, Filters, Needle};
pub use stored::CUSTOMER_LIST;

use super::merge::merge_customers;
use crate::storage::{Notice, Store, list_snapshots};
use crate::vendors::{CustomerListQuery, VendorAdapter, VendorError};

/// Pages fetched per vendor in one crawl at most: a guard against a vendor that never ends.
const MAX_PAGES: usize = 5_000;
const CRAWL_PAGE_SIZE: u32 = 100;

/// One refresh's result, swapped in whole so readers never see half of it.
#[derive(Default)]
struct IndexState {
    /// Most recently followed first.
    customers: Arc<ListArena>,
    /// The vendors' full records of customer `i` at position `i`.
    records: Arc<RecordBlocks>,
    /// Filter menus over every customer, for viewers who may see everyone (computed once per
    /// refresh instead of once per query).
    all_facets: Arc<Facets>,
    /// Vendors whose last crawl failed (their previous records are kept).
    failures: HashMap<VendorId, VendorFailure>,
    refreshed_at: Option<EpochMs>,
}

impl IndexState {
    /// The vendors whose last refresh failed, in `VendorId::ALL` order.
    fn vendor_failures(&self) -> Vec<VendorFailure> {
        VendorId::ALL.iter().filter_map(|v| self.failures.get(v).cloned()).collect()
    }
}

/// What the list's memory holds, for `/metrics` and the benchmark.
#[derive(Clone, Copy, Debug, Default)]
pub struct IndexSize {
    pub customers: usize,
    /// The packed list rows, followers, ids and search text.
    pub list_bytes: usize,
    pub compressed_record_bytes: usize,
}

pub struct CustomerIndex {
    adapters: Vec<Arc<dyn VendorAdapter>>,
    state: RwLock<IndexState>,
    refreshing: Mutex<()>,
    /// WeCom ids of reps known outside the vendor lists (SalesDesk users), per vendor.
    known_reps: RwLock<Vec<(VendorId, String)>>,
    /// Where each crawl is stored, and loaded from by the other instances and at restart.
    store: Option<Store>,
}

/// Why the stored list could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read the stored customer list")]
    Storage(#[from] crate::storage::StorageError),
    #[error("cannot decode the stored customer list")]
    Codec(#[from] super::list_codec::ListCodecError),
    #[error("rebuilding the customer list stopped: {0}")]
    Join(String),
}

impl CustomerIndex {
    pub fn new(adapters: Vec<Arc<dyn VendorAdapter>>) -> Self {
        CustomerIndex {
            adapters,
            state: RwLock::new(IndexState::default()),
            refreshing: Mutex::new(()),
            known_reps: RwLock::new(Vec::new()),
            store: None,
        }
    }

    /// Stores every crawl in `store`, and loads the stored one instead of crawling when the
    /// list is first needed.
    pub fn with_store(mut self, store: Store) -> Self {
        self.store = Some(store);
        self
    }

    /// Reps whose customers must be listed even if no vendor names them as followers (a
    /// vendor that lists only per rep, such as Weiling, is asked once for each).
    pub async fn set_known_reps(&self, reps: Vec<(VendorId, String)>) {
        *self.known_reps.write().await = reps;
    }

    /// The WeCom ids at `vendor` of reps SalesDesk's users are.
    pub async fn known_reps(&self, vendor: VendorId) -> Vec<String> {
        self.known_reps
            .read()
            .await
            .iter()
            .filter(|(v, _)| *v == vendor)
            .map(|(_, id)| id.clone())
            .collect()
    }

    /// Crawls every vendor (in parallel) and swaps in the merged result. Concurrent callers
    /// wait for the one crawl in progress rather than starting another.
    pub async fn refresh(&self) {
        let Ok(_guard) = self.refreshing.try_lock() else {
            // Someone else is crawling: wait for them and use their result.
            let _ = self.refreshing.lock().await;
            return;
        };
        let mut crawls = futures::future::join_all(
            self.adapters
                .iter()
                .map(|a| async move { (a.vendor(), crawl(a.as_ref(), None).await) }),
        )
        .await;
        // Vendors that list only per rep (Weiling's customer/list needs a userid) are asked
        // once per rep that any other vendor, or SalesDesk's users, know of.
        let mut reps: Vec<(VendorId, String)> = self.known_reps.read().await.clone();
        for (_, result) in &crawls {
            if let Ok(records) = result {
                for r in records {
                    for f in &r.follow_users {
                        reps.push((r.vendor, f.user_id.clone()));
                    }
                }
            }
        }
        for (vendor, result) in crawls.iter_mut() {
            if matches!(result, Err(e) if e.kind == app::domain::VendorErrorKind::Unsupported)
                && let Some(adapter) = self.adapters.iter().find(|a| a.vendor() == *vendor)
            {
                let mut ids: Vec<&str> = reps.iter().map(|(_, id)| id.as_str()).collect();
                ids.sort_unstable();
                ids.dedup();
                *result = crawl_per_rep(adapter.as_ref(), &ids).await;
            }
        }
        let previous = self.state.read().await.records.clone();
        let keep = self.store.is_some();
        // Merging, indexing and compressing 100,000 customers is a second or more of CPU:
        // off the async workers, so pages keep answering meanwhile.
        let built = tokio::task::spawn_blocking(move || {
            let (records, failures) = gather(crawls, previous);
            let built = build_state(records, failures, crate::clock::now_ms());
            // The crawl's records are freed by now, on this thread.
            crate::memory::release_freed_memory();
            // The packed list is what is stored: loading it needs no merge.
            built.map(|state| {
                let stored = keep.then(|| stored::encode(&state).map(|data| (data, state.customers.len())));
                (state, stored)
            })
        })
        .await;
        let (next, stored) = match built {
            Ok(Ok(next)) => next,
            Ok(Err(e)) => {
                tracing::error!(error = %crate::errors::report(&e), "customer list refresh failed; keeping the previous list");
                return;
            }
            Err(e) => {
                tracing::error!(error = %e, "customer list refresh panicked; keeping the previous list");
                return;
            }
        };
        let refreshed_at = next.refreshed_at.unwrap_or_default();
        let old = std::mem::replace(&mut *self.state.write().await, next);
        drop(old);
        crate::memory::release_freed_memory();
        if let (Some(store), Some(stored)) = (&self.store, stored) {
            self.keep(store, refreshed_at, stored).await;
        }
    }

    /// Stores a crawl and tells the other instances to load it.
    async fn keep(&self, store: &Store, refreshed_at: EpochMs, stored: Result<(Vec<u8>, usize), super::list_codec::ListCodecError>) {
        let (data, records) = match stored {
            Ok(stored) => stored,
            Err(e) => {
                tracing::error!(error = %crate::errors::report(&e), "cannot encode the customer list for storing");
                return;
            }
        };
        match list_snapshots::save(store, CUSTOMER_LIST, refreshed_at, records as i64, &data).await {
            Ok(true) => {
                tracing::info!(records, bytes = data.len(), "customer list stored");
                store
                    .publish(&Notice::ListStored {
                        name: CUSTOMER_LIST.into(),
                    })
                    .await;
            }
            Ok(false) => tracing::info!("a newer customer list was stored meanwhile; this crawl is not stored"),
            Err(e) => tracing::error!(error = %crate::errors::report(&e), "cannot store the customer list"),
        }
    }

    /// Loads the stored list if it is newer than the one in memory; `true` when it was.
    pub async fn load_stored(&self) -> Result<bool, LoadError> {
        let Some(store) = &self.store else {
            return Ok(false);
        };
        // Not while this instance crawls: its own result is about to replace the list.
        let _guard = self.refreshing.lock().await;
        let current = self.state.read().await.refreshed_at.unwrap_or(i64::MIN);
        let Some(snapshot) = list_snapshots::load_newer(store, CUSTOMER_LIST, current).await? else {
            return Ok(false);
        };
        let next = tokio::task::spawn_blocking(move || -> Result<IndexState, LoadError> {
            let loaded = stored::decode(&snapshot.data)?;
            drop(snapshot);
            crate::memory::release_freed_memory();
            Ok(loaded)
        })
        .await
        .map_err(|e| LoadError::Join(e.to_string()))??;
        let old = std::mem::replace(&mut *self.state.write().await, next);
        drop(old);
        crate::memory::release_freed_memory();
        Ok(true)
    }

    /// The first time the list is needed: the stored crawl, or a crawl (see
    /// `list_crawl::crawl_on_first_use`).
    async fn ensure_loaded(&self) {
        if self.state.read().await.refreshed_at.is_none()
            && super::list_crawl::crawl_on_first_use(self.store.as_ref(), CUSTOMER_LIST, self.load_stored()).await
        {
            self.refresh().await;
        }
    }

    /// Where each vendor keeps the customer with this key (ids and followers only), if the
    /// list knows them.
    pub async fn locate(&self, key: &str) -> Option<Vec<VendorCustomer>> {
        self.ensure_loaded().await;
        let state = self.state.read().await;
        let position = state.customers.position(key)?;
        Some(state.customers.locate(position))
    }

    /// The list row of the customer with this key, found by key (not by search).
    pub async fn summary(&self, key: &str) -> Option<app::domain::CustomerSummary> {
        self.ensure_loaded().await;
        let state = self.state.read().await;
        let position = state.customers.position(key)?;
        Some(state.customers.summary(position))
    }

    /// `vendor`'s full record of this customer as of the last refresh that reached it: shown,
    /// with its age, when the vendor is down now.
    pub async fn last_good(&self, key: &str, vendor: VendorId) -> Option<VendorCustomer> {
        let (records, position) = {
            let state = self.state.read().await;
            (state.records.clone(), state.customers.position(key)?)
        };
        records.get(position)?.into_iter().find(|r| r.vendor == vendor)
    }

    pub async fn refreshed_at(&self) -> Option<EpochMs> {
        self.state.read().await.refreshed_at
    }

    /// How many merged customers the list holds and the bytes of their compressed records.
    pub async fn size(&self) -> IndexSize {
        let state = self.state.read().await;
        IndexSize {
            customers: state.customers.len(),
            list_bytes: state.customers.heap_bytes(),
            compressed_record_bytes: state.records.compressed_bytes(),
        }
    }

    /// How many merged customers the list holds (the benchmark reports it).
    pub async fn customer_count(&self) -> usize {
        self.state.read().await.customers.len()
    }

    /// Every customer `scope` may see that matches `query`'s filter and search, in list order,
    /// walked lazily over the list as it is now (the CSV export streams from it).
    pub async fn matching(&self, scope: &Scope, query: &CustomerQuery) -> MatchingRows {
        self.ensure_loaded().await;
        let customers = self.state.read().await.customers.clone();
        MatchingRows::new(customers, scope, query)
    }

    /// Where customer `key` stands in the list `query` gives `scope` (previous/next).
    pub async fn neighbours(&self, scope: &Scope, query: &CustomerQuery, key: &str) -> app::domain::Neighbours {
        self.matching(scope, query).await.neighbours_of(key)
    }

    /// One page of the customers `scope` may see, matching `query`.
    pub async fn query(&self, scope: &Scope, query: &CustomerQuery) -> CustomerListing {
        self.ensure_loaded().await;
        let (customers, all_facets, refreshed_at, failures) = {
            let state = self.state.read().await;
            let failures = state.vendor_failures();
            (state.customers.clone(), state.all_facets.clone(), state.refreshed_at, failures)
        };
        let unrestricted = matches!(scope, Scope::All);
        let page_size = match query.page_size {
            0 => DEFAULT_PAGE_SIZE,
            n => n.min(MAX_PAGE_SIZE),
        };
        let page = query.page.max(1);
        let needle = Needle::parse(query.q.as_deref());
        let filters = Filters::new(&customers, query);
        let mut facets = FacetBuilder::default();
        let mut total = 0u64;
        let mut items = Vec::new();
        let skip = ((page - 1) * page_size) as u64;
        let mut consider = |i: usize| {
            if !unrestricted {
                if !scope.allows_followers(customers.followers(i)) {
                    return;
                }
                facets.add(&customers, i);
            }
            if !filters.matches(&customers, i) {
                return;
            }
            if total >= skip && items.len() < page_size as usize {
                items.push(customers.summary(i));
            }
            total += 1;
        };
        match &needle {
            // The menus show what the viewer may see, whatever the search text.
            Some(n) if unrestricted => n.matching_rows(&customers).into_iter().for_each(&mut consider),
            Some(n) => {
                let hits = n.matching_rows(&customers);
                let mut hits = hits.iter().peekable();
                for i in 0..customers.len() {
                    if !scope.allows_followers(customers.followers(i)) {
                        continue;
                    }
                    facets.add(&customers, i);
                    if hits.next_if_eq(&&i).is_some() && filters.matches(&customers, i) {
                        if total >= skip && items.len() < page_size as usize {
                            items.push(customers.summary(i));
                        }
                        total += 1;
                    }
                }
            }
            None => (0..customers.len()).for_each(&mut consider),
        }
        let facets = if unrestricted {
            (*all_facets).clone()
        } else {
            facets.finish(&customers)
        };
        CustomerListing {
            items,
            total,
            page,
            page_size,
            facets,
            failures,
            refreshed_at,
            generated_at: crate::clock::now_ms(),
        }
    }
}

type Crawl = (VendorId, Result<Vec<VendorCustomer>, VendorError>);

/// This refresh's records: a vendor that failed keeps its records from the previous list
/// (`previous`), and the list says which vendor is behind.
fn gather(crawls: Vec<Crawl>, previous: Arc<RecordBlocks>) -> (Vec<VendorCustomer>, HashMap<VendorId, VendorFailure>) {
    let mut failures = HashMap::new();
    let mut all: Vec<VendorCustomer> = Vec::new();
    for (vendor, result) in crawls {
        match result {
            Ok(records) => all.extend(records),
            Err(e) => {
                tracing::warn!(%vendor, error = %e, "customer list refresh failed; keeping the last good records");
                all.extend(previous.all_of(vendor));
                failures.insert(vendor, e.to_failure());
            }
        }
    }
    (all, failures)
}

/// Merges the records of a refresh into a new list.
fn build_state(
    mut all: Vec<VendorCustomer>,
    failures: HashMap<VendorId, VendorFailure>,
    refreshed_at: EpochMs,
) -> Result<IndexState, PackError> {
    // Order within a group follows `VendorId::ALL`, as the merge reports vendors in order.
    all.sort_by_key(|r| r.vendor);
    let mut merged = merge_customers(all);
    merged.retain(|c| !c.key.is_empty());
    // Most recently followed first; never-followed last; ties by name for a stable order.
    merged.sort_by(|a, b| {
        b.last_follow_at
            .cmp(&a.last_follow_at)
            .then_with(|| a.display_name().cmp(&b.display_name()))
    });
    let mut list = ArenaBuilder::default();
    let mut records = Vec::with_capacity(merged.len());
    for c in merged {
        list.push(&c);
        records.push(c.sources);
    }
    let list = list.finish();
    let records = RecordBlocks::build(records)?;
    let mut facets = FacetBuilder::default();
    for i in 0..list.len() {
        facets.add(&list, i);
    }
    Ok(IndexState {
        all_facets: Arc::new(facets.finish(&list)),
        customers: Arc::new(list),
        records: Arc::new(records),
        failures,
        refreshed_at: Some(refreshed_at),
    })
}

/// Every customer of each rep, one record per vendor customer (a customer followed by two
/// reps is listed twice; the merge joins them).
async fn crawl_per_rep(adapter: &dyn VendorAdapter, reps: &[&str]) -> Result<Vec<VendorCustomer>, VendorError> {
    let pages = futures::future::join_all(reps.iter().map(|rep| crawl(adapter, Some(rep)))).await;
    let mut out: Vec<VendorCustomer> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for page in pages {
        for record in page? {
            let id = record.vendor_customer_id.clone().or_else(|| record.external_user_id.clone());
            if id.as_ref().is_none_or(|id| seen.insert(id.clone())) {
                out.push(record);
            }
        }
    }
    Ok(out)
}

async fn crawl(adapter: &dyn VendorAdapter, rep: Option<&str>) -> Result<Vec<VendorCustomer>, VendorError> {
    let mut out = Vec::new();
    let mut cursor = None;
    for _ in 0..MAX_PAGES {
        let page = adapter
            .list_customers(&CustomerListQuery {
                rep_user_id: rep.map(str::to_string),
                cursor: cursor.clone(),
                page_size: CRAWL_PAGE_SIZE,
            })
            .await?;
        let empty = page.items.is_empty();
        out.extend(page.items);
        match page.next {
            Some(next) if !empty && Some(&next) != cursor.as_ref() => cursor = Some(next),
            _ => break,
        }
    }
    Ok(out)
}
