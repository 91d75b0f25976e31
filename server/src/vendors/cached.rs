//! A read cache in front of any adapter: customer detail, follow-up lists and clue detail,
//! keyed by vendor and the record's ids.
//!
//! - younger than the fresh TTL: served without calling the vendor;
//! - older, but younger than the maximum age: served at once while one background call
//!   refreshes it (stale-while-revalidate), so a slow vendor does not slow the page;
//! - when that refresh fails, the copy keeps being served, now carrying its age and the
//!   error (`Aged::stale`) so the page can say how old it is;
//! - older than the maximum age: not served; the vendor is asked and its error shown.
//!
//! Writes through the adapter drop that customer's entries before and after the call. A
//! follow-up write that may or may not have reached the vendor also stops follow-up lists of
//! that customer from being cached until a later write succeeds: the outbox checks those
//! lists before resending, and must see the vendor's current list, not a copy.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use app::domain::{Clue, EpochMs, FollowUpEntry, Page, VendorCustomer, VendorId, WriteTarget};
use async_trait::async_trait;
use moka::future::Cache;

use super::{
    Aged, BatchItemResult, CallStats, CustomerListQuery, CustomerLookup, CustomerRef, EndpointProbe, NoteWrite, RemarkWrite, Stale,
    VendorAdapter, VendorError, WriteReceipt,
};

/// How long cached reads are trusted. Both are settings (see config).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CachePolicy {
    pub fresh: Duration,
    pub max_age: Duration,
    /// Entries kept per vendor at most (memory bound).
    pub capacity: u64,
}

pub const DEFAULT_FRESH_SECS: u64 = 60;
pub const DEFAULT_MAX_AGE_SECS: u64 = 24 * 3600;

impl Default for CachePolicy {
    fn default() -> Self {
        CachePolicy {
            fresh: Duration::from_secs(DEFAULT_FRESH_SECS),
            max_age: Duration::from_secs(DEFAULT_MAX_AGE_SECS),
            capacity: 50_000,
        }
    }
}

/// Wall-clock milliseconds; replaceable so tests can age entries without sleeping.
pub use crate::clock::Clock;
use crate::clock::system_clock;

#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
enum Entity {
    Customer,
    FollowUps,
    Clue,
}

impl Entity {
    fn label(self) -> &'static str {
        match self {
            Entity::Customer => "customer",
            Entity::FollowUps => "follow_ups",
            Entity::Clue => "clue",
        }
    }
}

/// What a cached read asks the vendor; owns its arguments so a background refresh can run
/// after the caller has gone.
#[derive(Clone)]
enum Request {
    Customer(Box<CustomerLookup>),
    FollowUps(Box<VendorCustomer>),
    Clue(String),
}

#[derive(Clone, Debug, Hash, PartialEq, Eq)]
struct Key {
    vendor: VendorId,
    entity: Entity,
    /// Every id the record is known by (external user id, vendor customer id, union id, or
    /// the clue id); writes drop entries sharing any of them.
    ids: [Option<String>; 3],
    /// Tanma's customer detail is per relationship: the reps it was asked for.
    reps: Vec<String>,
}

impl Key {
    fn shares_id_with(&self, ids: &[Option<String>; 3]) -> bool {
        self.ids
            .iter()
            .flatten()
            .any(|mine| ids.iter().flatten().any(|theirs| !mine.is_empty() && mine == theirs))
    }
}

/// Stored values are shared: a hit hands out a pointer, not a copy.
#[derive(Clone)]
enum Value {
    Customer(Arc<Option<VendorCustomer>>),
    FollowUps(Arc<Vec<FollowUpEntry>>),
    Clue(Arc<Option<Clue>>),
}

/// Numbers every stored copy, in every vendor's cache (see `Aged::version`).
static NEXT_VERSION: AtomicU64 = AtomicU64::new(1);

struct Entry {
    value: Value,
    version: u64,
    fetched_at: EpochMs,
    refreshing: AtomicBool,
    /// The error of the last refresh, until a refresh succeeds (which replaces the entry).
    failure: Mutex<Option<VendorError>>,
}

impl Entry {
    fn new(value: Value, fetched_at: EpochMs) -> Arc<Self> {
        Arc::new(Entry {
            value,
            version: NEXT_VERSION.fetch_add(1, Ordering::Relaxed),
            fetched_at,
            refreshing: AtomicBool::new(false),
            failure: Mutex::new(None),
        })
    }

    fn stale(&self) -> Option<Stale> {
        let failure = self.failure.lock().unwrap_or_else(|p| p.into_inner()).clone();
        failure.map(|error| Stale {
            fetched_at: self.fetched_at,
            error,
        })
    }
}

/// What a read served: the value, and whether and which stored copy it is.
struct Served {
    value: Value,
    stale: Option<Stale>,
    version: Option<u64>,
}

impl Served {
    fn live(value: Value) -> Self {
        Served {
            value,
            stale: None,
            version: None,
        }
    }

    fn typed<T>(self, value: Arc<T>) -> Aged<T> {
        Aged {
            value,
            stale: self.stale,
            version: self.version,
        }
    }
}

struct Shared {
    inner: Arc<dyn VendorAdapter>,
    entries: Cache<Key, Arc<Entry>>,
    /// Customers (by any id) whose follow-up lists must not be cached: a note to them may
    /// have reached the vendor without an answer.
    uncertain: Mutex<Vec<[Option<String>; 3]>>,
    /// Bumped by every invalidation; an answer fetched across one is not stored, so a
    /// refresh that started before a write cannot put the pre-write value back.
    generation: AtomicU64,
    policy: CachePolicy,
    clock: Clock,
}

/// `VendorAdapter` decorator adding the read cache described above.
pub struct CachedAdapter {
    shared: Arc<Shared>,
}

impl CachedAdapter {
    pub fn new(inner: Arc<dyn VendorAdapter>, policy: CachePolicy) -> Self {
        Self::with_clock(inner, policy, system_clock())
    }

    pub fn with_clock(inner: Arc<dyn VendorAdapter>, policy: CachePolicy, clock: Clock) -> Self {
        // moka's own expiry only bounds memory; freshness is judged against `clock` below.
        let entries = Cache::builder()
            .max_capacity(policy.capacity)
            .time_to_live(policy.max_age.max(Duration::from_secs(1)))
            .build();
        CachedAdapter {
            shared: Arc::new(Shared {
                inner,
                entries,
                uncertain: Mutex::new(Vec::new()),
                generation: AtomicU64::new(0),
                policy,
                clock,
            }),
        }
    }

    /// Drops every cached read of the customer `target` names.
    pub async fn invalidate_customer(&self, target: &CustomerRef) {
        self.shared.invalidate(&ref_ids(target)).await;
    }
}

fn ref_ids(target: &CustomerRef) -> [Option<String>; 3] {
    [
        target.external_user_id.clone(),
        target.vendor_customer_id.clone(),
        target.union_id.clone(),
    ]
}

fn customer_ids(c: &VendorCustomer) -> [Option<String>; 3] {
    [c.external_user_id.clone(), c.vendor_customer_id.clone(), c.union_id.clone()]
}

impl Key {
    fn customer(vendor: VendorId, lookup: &CustomerLookup) -> Key {
        Key {
            vendor,
            entity: Entity::Customer,
            ids: [Some(lookup.external_user_id.clone()), lookup.vendor_customer_id.clone(), None],
            reps: lookup.reps.clone(),
        }
    }

    fn follow_ups(vendor: VendorId, customer: &VendorCustomer) -> Key {
        Key {
            vendor,
            entity: Entity::FollowUps,
            ids: customer_ids(customer),
            reps: Vec::new(),
        }
    }

    fn clue(vendor: VendorId, id: &str) -> Key {
        Key {
            vendor,
            entity: Entity::Clue,
            ids: [Some(id.to_string()), None, None],
            reps: Vec::new(),
        }
    }
}

impl Request {
    async fn fetch(&self, inner: &dyn VendorAdapter) -> Result<Value, VendorError> {
        match self {
            Request::Customer(lookup) => inner.customer(lookup).await.map(|c| Value::Customer(Arc::new(c))),
            Request::FollowUps(c) => inner.follow_ups(c).await.map(|f| Value::FollowUps(Arc::new(f))),
            Request::Clue(id) => inner.clue(id).await.map(|c| Value::Clue(Arc::new(c))),
        }
    }
}

impl Shared {
    fn vendor(&self) -> VendorId {
        self.inner.vendor()
    }

    /// `request` is built only when the vendor must be asked: a hit copies no arguments.
    async fn read(self: &Arc<Self>, key: Key, request: impl FnOnce() -> Request) -> Result<Served, VendorError> {
        let entity = key.entity.label();
        let metrics = crate::metrics::metrics();
        if key.entity == Entity::FollowUps && self.is_uncertain(&key) {
            metrics.cache_lookup(self.vendor(), entity, "bypass");
            return request().fetch(self.inner.as_ref()).await.map(Served::live);
        }
        let now = (self.clock)();
        if let Some(entry) = self.entries.get(&key).await {
            let age = now.saturating_sub(entry.fetched_at).max(0) as u128;
            if age < self.policy.max_age.as_millis() {
                if age < self.policy.fresh.as_millis() {
                    metrics.cache_lookup(self.vendor(), entity, "hit");
                } else {
                    metrics.cache_lookup(self.vendor(), entity, "stale");
                    self.refresh_in_background(key, request(), entry.clone());
                }
                return Ok(Served {
                    value: entry.value.clone(),
                    stale: entry.stale(),
                    version: Some(entry.version),
                });
            }
            self.entries.invalidate(&key).await;
        }
        metrics.cache_lookup(self.vendor(), entity, "miss");
        let generation = self.generation.load(Ordering::SeqCst);
        let value = request().fetch(self.inner.as_ref()).await?;
        let version = self.store(key, value.clone(), now, generation).await;
        Ok(Served {
            value,
            stale: None,
            version,
        })
    }

    /// Starts one refresh of `entry` unless one is already running.
    fn refresh_in_background(self: &Arc<Self>, key: Key, request: Request, entry: Arc<Entry>) {
        if entry.refreshing.swap(true, Ordering::SeqCst) {
            return;
        }
        let this = self.clone();
        // `in_current_span`: the refresh's vendor-call log lines keep the page's request id.
        let task = async move {
            let generation = this.generation.load(Ordering::SeqCst);
            let started = (this.clock)();
            match request.fetch(this.inner.as_ref()).await {
                Ok(value) => {
                    this.store(key, value, started, generation).await;
                }
                Err(e) => {
                    tracing::warn!(vendor = %this.vendor(), entity = key.entity.label(), error = %e, "cache refresh failed; serving the last good copy");
                    *entry.failure.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
                }
            }
            entry.refreshing.store(false, Ordering::SeqCst);
        };
        tokio::spawn(tracing::Instrument::in_current_span(task));
    }

    /// Keeps `value` unless a write intervened; returns the stored copy's version.
    async fn store(&self, key: Key, value: Value, fetched_at: EpochMs, generation: u64) -> Option<u64> {
        if self.generation.load(Ordering::SeqCst) != generation {
            return None;
        }
        if key.entity == Entity::FollowUps && self.is_uncertain(&key) {
            return None;
        }
        let entry = Entry::new(value, fetched_at);
        let version = entry.version;
        self.entries.insert(key, entry).await;
        Some(version)
    }

    fn is_uncertain(&self, key: &Key) -> bool {
        self.uncertain
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .any(|ids| key.shares_id_with(ids))
    }

    async fn invalidate(&self, ids: &[Option<String>; 3]) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        let doomed: Vec<Arc<Key>> = self.entries.iter().filter(|(k, _)| k.shares_id_with(ids)).map(|(k, _)| k).collect();
        for key in doomed {
            self.entries.invalidate(key.as_ref()).await;
        }
    }

    /// Before and after a write: drop the customer's entries; track whether a follow-up
    /// write's outcome is unknown.
    async fn around_write<T>(
        &self,
        target: &CustomerRef,
        note: bool,
        write: impl Future<Output = Result<T, VendorError>>,
    ) -> Result<T, VendorError> {
        let ids = ref_ids(target);
        self.invalidate(&ids).await;
        let result = write.await;
        if note {
            let mut uncertain = self.uncertain.lock().unwrap_or_else(|p| p.into_inner());
            match &result {
                Err(e) if e.maybe_applied() => {
                    if !uncertain.contains(&ids) {
                        uncertain.push(ids.clone());
                    }
                }
                Ok(_) => uncertain.retain(|u| u != &ids),
                Err(_) => {}
            }
        }
        self.invalidate(&ids).await;
        result
    }

    /// `around_write` for a batch write (a bulk note or remark): every item's customer, and
    /// each item's own outcome. One pass over the cache per invalidation, however many items.
    async fn around_batch(
        &self,
        targets: &[&CustomerRef],
        note: bool,
        write: impl Future<Output = Vec<BatchItemResult>>,
    ) -> Vec<BatchItemResult> {
        let ids: Vec<[Option<String>; 3]> = targets.iter().map(|t| ref_ids(t)).collect();
        self.invalidate_all_of(&ids).await;
        let results = write.await;
        if note {
            let mut uncertain = self.uncertain.lock().unwrap_or_else(|p| p.into_inner());
            for (ids, result) in ids.iter().zip(&results) {
                match result {
                    BatchItemResult::Failed(e) if e.maybe_applied() && !uncertain.contains(ids) => uncertain.push(ids.clone()),
                    BatchItemResult::Written(_) => uncertain.retain(|u| u != ids),
                    _ => {}
                }
            }
        }
        self.invalidate_all_of(&ids).await;
        results
    }

    /// `invalidate` for many customers at once.
    async fn invalidate_all_of(&self, customers: &[[Option<String>; 3]]) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        let wanted: std::collections::HashSet<&str> = customers
            .iter()
            .flatten()
            .flatten()
            .map(String::as_str)
            .filter(|id| !id.is_empty())
            .collect();
        let doomed: Vec<Arc<Key>> = self
            .entries
            .iter()
            .filter(|(k, _)| k.ids.iter().flatten().any(|mine| wanted.contains(mine.as_str())))
            .map(|(k, _)| k)
            .collect();
        for key in doomed {
            self.entries.invalidate(key.as_ref()).await;
        }
    }
}

#[async_trait]
impl VendorAdapter for CachedAdapter {
    fn vendor(&self) -> VendorId {
        self.shared.vendor()
    }

    async fn forget_customers(&self, targets: &[CustomerRef]) {
        let ids: Vec<[Option<String>; 3]> = targets.iter().map(ref_ids).collect();
        self.shared.invalidate_all_of(&ids).await;
    }

    async fn forget_everything(&self) {
        self.shared.generation.fetch_add(1, Ordering::SeqCst);
        self.shared.entries.invalidate_all();
    }

    fn stats(&self) -> Arc<CallStats> {
        self.shared.inner.stats()
    }

    async fn check(&self) -> Result<(), VendorError> {
        self.shared.inner.check().await
    }

    async fn check_endpoints(&self) -> Vec<EndpointProbe> {
        self.shared.inner.check_endpoints().await
    }

    fn lists_follow_ups(&self) -> bool {
        self.shared.inner.lists_follow_ups()
    }

    fn write_support(&self, record: &VendorCustomer) -> WriteTarget {
        self.shared.inner.write_support(record)
    }

    async fn list_customers(&self, query: &CustomerListQuery) -> Result<Page<VendorCustomer>, VendorError> {
        self.shared.inner.list_customers(query).await
    }

    async fn customer(&self, lookup: &CustomerLookup) -> Result<Option<VendorCustomer>, VendorError> {
        self.customer_aged(lookup).await.map(Aged::into_value)
    }

    async fn customer_aged(&self, lookup: &CustomerLookup) -> Result<Aged<Option<VendorCustomer>>, VendorError> {
        let key = Key::customer(self.vendor(), lookup);
        let served = self.shared.read(key, || Request::Customer(Box::new(lookup.clone()))).await?;
        match served.value.clone() {
            Value::Customer(c) => Ok(served.typed(c)),
            _ => Err(mismatch(self.vendor())),
        }
    }

    async fn follow_ups(&self, customer: &VendorCustomer) -> Result<Vec<FollowUpEntry>, VendorError> {
        self.follow_ups_aged(customer).await.map(Aged::into_value)
    }

    async fn follow_ups_aged(&self, customer: &VendorCustomer) -> Result<Aged<Vec<FollowUpEntry>>, VendorError> {
        let key = Key::follow_ups(self.vendor(), customer);
        let served = self.shared.read(key, || Request::FollowUps(Box::new(customer.clone()))).await?;
        match served.value.clone() {
            Value::FollowUps(list) => Ok(served.typed(list)),
            _ => Err(mismatch(self.vendor())),
        }
    }

    async fn list_clues(&self, cursor: Option<String>, page_size: u32) -> Result<Page<Clue>, VendorError> {
        self.shared.inner.list_clues(cursor, page_size).await
    }

    async fn clue(&self, id: &str) -> Result<Option<Clue>, VendorError> {
        self.clue_aged(id).await.map(Aged::into_value)
    }

    async fn clue_aged(&self, id: &str) -> Result<Aged<Option<Clue>>, VendorError> {
        let key = Key::clue(self.vendor(), id);
        let served = self.shared.read(key, || Request::Clue(id.to_string())).await?;
        match served.value.clone() {
            Value::Clue(c) => Ok(served.typed(c)),
            _ => Err(mismatch(self.vendor())),
        }
    }

    async fn set_remark(&self, target: &CustomerRef, remark: Option<&str>, description: Option<&str>) -> Result<WriteReceipt, VendorError> {
        self.shared
            .around_write(target, false, self.shared.inner.set_remark(target, remark, description))
            .await
    }

    async fn add_follow_up(&self, target: &CustomerRef, text: &str, at_ms: i64) -> Result<WriteReceipt, VendorError> {
        self.shared
            .around_write(target, true, self.shared.inner.add_follow_up(target, text, at_ms))
            .await
    }

    async fn set_remark_batch(&self, remarks: &[RemarkWrite]) -> Vec<BatchItemResult> {
        let targets: Vec<&CustomerRef> = remarks.iter().map(|r| &r.target).collect();
        self.shared
            .around_batch(&targets, false, self.shared.inner.set_remark_batch(remarks))
            .await
    }

    async fn add_follow_up_batch(&self, notes: &[NoteWrite]) -> Vec<BatchItemResult> {
        let targets: Vec<&CustomerRef> = notes.iter().map(|n| &n.target).collect();
        self.shared
            .around_batch(&targets, true, self.shared.inner.add_follow_up_batch(notes))
            .await
    }
}

/// Keys carry their entity, so a value of another kind under a key cannot happen; answered
/// as an internal error rather than a panic all the same.
fn mismatch(vendor: VendorId) -> VendorError {
    VendorError::new(
        vendor,
        "-",
        app::domain::VendorErrorKind::Undecodable,
        "read cache returned a value of another kind",
    )
}

#[cfg(test)]
#[path = "cached_tests.rs"]
mod tests;
