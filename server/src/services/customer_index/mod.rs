//! The customer list behind `/customers`: every vendor's customers, crawled page by page,
//! merged into one record per person, and kept in memory so search, filters and paging answer
//! in milliseconds instead of waiting on three vendors. Refreshed in the background; when a
//! vendor fails, its last good records stay and the list says which vendor is behind.

mod arena;
mod crawled;
mod record_blocks;
mod rows;
mod search;
mod stored;

use std::collections::HashMap;
use std::sync::Arc;

use app::domain::{CustomerListing, CustomerQuery, EpochMs, Facets, Scope, VendorCustomer, VendorFailure, VendorId, most_reported};
use tokio::sync::{Mutex, RwLock};

use arena::{ArenaBuilder, ListArena};
use crawled::{CrawledRecords, VendorRecords};
use record_blocks::{PackError, RecordBlocks, RecordBlocksBuilder};
pub use rows::MatchingRows;
use search::FacetBuilder;
pub use stored::CUSTOMER_LIST;

use super::merge::{build_customer, group_records, names_of};
use crate::storage::{Notice, Store, list_snapshots};
use crate::vendors::{CustomerListQuery, VendorAdapter, VendorError};

/// Pages fetched per vendor (per rep, where a vendor lists per rep) in one crawl at most: a
/// guard against a vendor whose pages never end. Ten million records: a million customers at
/// three reps each is 30,000 pages of Tanma's per-rep rows. (It was 5,000, which cut a crawl
/// of a million customers short without a word.)
const MAX_PAGES: usize = 100_000;
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
        let crawls = futures::future::join_all(self.adapters.iter().map(|a| async move {
            let records = SharedRecords::new(VendorRecords::new(a.vendor()));
            let result = crawl(a.as_ref(), None, &records, false).await;
            (a.as_ref(), taken(records), result)
        }))
        .await;
        // Vendors that list only per rep (Weiling's customer/list needs a userid) are asked
        // once per rep that any other vendor, or SalesDesk's users, know of.
        let mut reps: Vec<String> = self.known_reps.read().await.iter().map(|(_, id)| id.clone()).collect();
        for (_, records, result) in &crawls {
            if result.is_ok() {
                reps.extend(records.followers().map(str::to_string));
            }
        }
        reps.sort_unstable();
        reps.dedup();
        let mut finished = Vec::with_capacity(crawls.len());
        for (adapter, records, result) in crawls {
            finished.push(match result {
                Err(e) if e.kind == app::domain::VendorErrorKind::Unsupported => {
                    let records = SharedRecords::new(VendorRecords::new(adapter.vendor()));
                    let result = crawl_per_rep(adapter, &reps, &records).await;
                    (taken(records), result)
                }
                result => (records, result),
            });
        }
        let previous = self.state.read().await.records.clone();
        let keep = self.store.is_some();
        // Merging, indexing and compressing 100,000 customers is a second or more of CPU:
        // off the async workers, so pages keep answering meanwhile.
        let built = tokio::task::spawn_blocking(move || {
            let built = gather(finished, &previous).and_then(|(records, failures)| build_state(records, failures, crate::clock::now_ms()));
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
        let rows::ListPage {
            items,
            total,
            page,
            page_size,
            facets,
        } = rows::list_page(&customers, scope, query, &all_facets);
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

/// This refresh's records: a vendor that failed keeps its records from the previous list
/// (`previous`), and the list says which vendor is behind.
fn gather(
    crawls: Vec<(VendorRecords, Result<(), VendorError>)>,
    previous: &RecordBlocks,
) -> Result<(CrawledRecords, HashMap<VendorId, VendorFailure>), PackError> {
    let mut failures = HashMap::new();
    let mut parts = Vec::with_capacity(crawls.len());
    for (mut records, result) in crawls {
        let vendor = records.vendor();
        if let Err(e) = result {
            tracing::warn!(%vendor, error = %e, "customer list refresh failed; keeping the last good records");
            records = VendorRecords::new(vendor);
            previous.for_each_of(vendor, |r| records.push(r));
            failures.insert(vendor, e.to_failure());
        }
        records.finish()?;
        tracing::debug!(%vendor, records = records.len(), packed_bytes = records.packed_bytes(), "vendor records crawled");
        parts.push(records);
    }
    Ok((CrawledRecords::new(parts), failures))
}

/// Merges the records of a refresh into a new list, one customer at a time in list order, so
/// only the light keys, the compressed records and the growing list are held at once.
fn build_state(
    mut crawled: CrawledRecords,
    failures: HashMap<VendorId, VendorFailure>,
    refreshed_at: EpochMs,
) -> Result<IndexState, PackError> {
    let groups = group_records(crawled.merge_keys());
    crawled.forget_merge_keys();
    // Most recently followed first; never-followed last; ties by name for a stable order.
    let order_keys: Vec<(Option<EpochMs>, Option<String>)> = groups
        .iter()
        .map(|members| {
            let mut sources: Vec<_> = members.iter().map(|&i| crawled.order_keys(i)).collect();
            // As `build_customer` orders its sources.
            sources.sort_by_key(|(vendor, ..)| *vendor);
            let last_follow_at = sources.iter().filter_map(|(.., at)| *at).max();
            let names = names_of(sources.iter().map(|(vendor, name, _)| (*vendor, *name)));
            (last_follow_at, most_reported(&names).map(str::to_string))
        })
        .collect();
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by(|&a, &b| {
        let (a, b) = (&order_keys[a], &order_keys[b]);
        b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1))
    });
    drop(order_keys);
    crawled.forget_order_keys();
    // What the grouping and ordering used goes back before the new list grows.
    crate::memory::release_freed_memory();
    let mut list = ArenaBuilder::default();
    let mut records = RecordBlocksBuilder::default();
    let mut reader = crawled.reader()?;
    for g in order {
        let sources = groups[g].iter().map(|&i| reader.get(i)).collect::<Result<Vec<_>, _>>()?;
        let customer = build_customer(sources);
        if customer.key.is_empty() {
            continue;
        }
        list.push(&customer);
        records.push(customer.sources)?;
    }
    drop(reader);
    drop(crawled);
    let list = list.finish();
    let records = records.finish()?;
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

/// Every customer of each rep into `records`, once each (a customer followed by two reps is
/// listed for both; the merge joins the vendors' records, not the reps').
async fn crawl_per_rep(adapter: &dyn VendorAdapter, reps: &[String], records: &SharedRecords) -> Result<(), VendorError> {
    let crawls = futures::future::join_all(reps.iter().map(|rep| crawl(adapter, Some(rep), records, true))).await;
    crawls.into_iter().collect()
}

/// Records of one crawl, filled by the concurrent page loops of a per-rep crawl. Pages are
/// packed under the lock between awaits, never across one.
type SharedRecords = std::sync::Mutex<VendorRecords>;

fn taken(records: SharedRecords) -> VendorRecords {
    // A panic while packing a page cannot leave the records half pushed: take them as they are.
    records.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner())
}

async fn crawl(adapter: &dyn VendorAdapter, rep: Option<&str>, records: &SharedRecords, once_each: bool) -> Result<(), VendorError> {
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
        {
            let mut records = records.lock().unwrap_or_else(|e| e.into_inner());
            for record in page.items {
                if once_each {
                    records.push_unless_seen(record);
                } else {
                    records.push(record);
                }
            }
        }
        match page.next {
            Some(next) if !empty && Some(&next) != cursor.as_ref() => cursor = Some(next),
            _ => return Ok(()),
        }
    }
    // A list cut short would drop customers silently: the vendor counts as failed instead, so
    // its last good records stay and the list says it is behind.
    Err(VendorError::new(
        adapter.vendor(),
        "customer list",
        app::domain::VendorErrorKind::Upstream,
        format!("the customer list still had more pages after {MAX_PAGES}; stopped reading"),
    ))
}

#[cfg(test)]
mod tests {
    use app::domain::{FollowUser, VendorErrorKind};

    use super::*;
    use crate::services::merge::merge_customers;

    /// Records whose ids, unionIds and mobiles overlap across vendors in every way the merge
    /// knows, with names and follow-ups that tie, so the list order's tie-break matters.
    fn universe() -> Vec<VendorCustomer> {
        let mut out = Vec::new();
        for i in 0..1_500usize {
            for (v, vendor) in VendorId::ALL.iter().enumerate() {
                if (i + v) % 4 == 0 {
                    continue;
                }
                let mut r = VendorCustomer::new(*vendor);
                r.vendor_customer_id = Some(format!("{vendor}-{i}"));
                // Some vendors see another external id for the same person: unionId or mobile joins.
                r.external_user_id = match (i % 5, v) {
                    (0, 1) => Some(format!("wmOther{i}")),
                    (1, _) if v > 0 => None,
                    _ => Some(format!("wm{i}")),
                };
                r.union_id = (i % 3 == 0 && v != 2).then(|| format!("oz{i}"));
                // Every 50th person shares a switchboard with the next one.
                r.mobiles = vec![if i % 50 == 0 {
                    "021-0000".into()
                } else {
                    format!("+86 139{:08}", i / 2 * 2)
                }];
                r.name = Some(if v == 2 && i % 7 == 0 {
                    format!("别名{i}")
                } else {
                    format!("客户{}", i % 40)
                });
                r.last_follow_at = (i % 6 != 0).then_some(1_700_000_000_000 + (i as i64 % 97) * (v as i64 + 1));
                r.follow_users.push(FollowUser {
                    user_id: format!("rep{}", i % 9),
                    name: None,
                    remark: Some(format!("备注{i}")),
                    description: None,
                    added_at: None,
                    add_source: None,
                    remark_mobiles: vec![],
                    tags: vec![],
                });
                out.push(r);
            }
        }
        out
    }

    fn crawled_parts(records: &[VendorCustomer]) -> Vec<(VendorRecords, Result<(), VendorError>)> {
        VendorId::ALL
            .iter()
            .rev()
            .map(|vendor| {
                let mut part = VendorRecords::new(*vendor);
                records.iter().filter(|r| r.vendor == *vendor).for_each(|r| part.push(r.clone()));
                (part, Ok(()))
            })
            .collect()
    }

    /// The list as merging every decoded record at once builds it.
    fn merged_at_once(mut all: Vec<VendorCustomer>) -> Vec<app::domain::Customer360> {
        all.sort_by_key(|r| r.vendor);
        let mut merged = merge_customers(all);
        merged.retain(|c| !c.key.is_empty());
        merged.sort_by(|a, b| {
            b.last_follow_at
                .cmp(&a.last_follow_at)
                .then_with(|| a.display_name().cmp(&b.display_name()))
        });
        merged
    }

    #[test]
    fn the_list_built_from_packed_records_is_the_list_merged_at_once() {
        let records = universe();
        let expected = merged_at_once(records.clone());
        let (crawled, failures) = gather(crawled_parts(&records), &RecordBlocks::default()).unwrap();
        assert!(failures.is_empty());
        let state = build_state(crawled, failures, 1).unwrap();
        assert_eq!(state.customers.len(), expected.len());
        // 1,500 people; pairs that share a mobile and no conflicting unionId are one customer.
        assert!(
            (500..1_500).contains(&expected.len()),
            "the universe merges records across vendors and by mobile: {}",
            expected.len()
        );
        assert!(
            expected.iter().any(|c| c.sources.len() >= 3),
            "some customers are known to several vendors"
        );
        let mut arena = ArenaBuilder::default();
        expected.iter().for_each(|c| arena.push(c));
        let arena = arena.finish();
        for (i, c) in expected.iter().enumerate() {
            assert_eq!(state.customers.summary(i), arena.summary(i), "row {i}");
            assert_eq!(state.records.get(i).as_ref(), Some(&c.sources), "records of row {i}");
        }
    }

    #[test]
    fn a_vendor_that_fails_keeps_its_records_from_the_previous_list() {
        let records = universe();
        let (crawled, failures) = gather(crawled_parts(&records), &RecordBlocks::default()).unwrap();
        let previous = build_state(crawled, failures, 1).unwrap();
        let mut parts = crawled_parts(&records);
        for (part, result) in parts.iter_mut() {
            if part.vendor() == VendorId::Weiling {
                *part = VendorRecords::new(VendorId::Weiling);
                *result = Err(VendorError::new(
                    VendorId::Weiling,
                    "/customer/list",
                    VendorErrorKind::Transport,
                    "connection refused",
                ));
            }
        }
        let (crawled, failures) = gather(parts, &previous.records).unwrap();
        assert_eq!(failures.keys().collect::<Vec<_>>(), [&VendorId::Weiling]);
        let next = build_state(crawled, failures, 2).unwrap();
        assert_eq!(next.customers.len(), previous.customers.len());
        for i in (0..next.customers.len()).step_by(37) {
            assert_eq!(next.records.get(i), previous.records.get(i), "row {i}");
        }
    }
}
