//! The customer list behind `/customers`: every vendor's customers, crawled page by page,
//! merged into one record per person, and kept in memory so search, filters and paging answer
//! in milliseconds instead of waiting on three vendors. Refreshed in the background; when a
//! vendor fails, its last good records stay and the list says which vendor is behind.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use app::domain::{
    Customer360, CustomerListing, CustomerQuery, CustomerSummary, DEFAULT_PAGE_SIZE, EpochMs, Facets, MAX_PAGE_SIZE, RepRef, Scope,
    VendorCustomer, VendorFailure, VendorId,
};
use tokio::sync::{Mutex, RwLock};

use super::merge::{merge_customers, normalise_mobile};
use crate::vendors::{CustomerListQuery, VendorAdapter, VendorError};

/// Pages fetched per vendor in one crawl at most: a guard against a vendor that never ends.
const MAX_PAGES: usize = 5_000;
const CRAWL_PAGE_SIZE: u32 = 100;

/// One merged customer, with what list queries need precomputed.
pub struct IndexedCustomer {
    pub summary: CustomerSummary,
    /// (vendor, WeCom id) of everyone following the customer: decides visibility.
    pub followers: Vec<(VendorId, String)>,
    /// The vendors' records, for pages that need more than the summary.
    pub customer: Customer360,
    /// Lower-cased name, remarks, external ids and company, plus mobile digits.
    search_text: String,
}

#[derive(Default)]
struct Snapshot {
    records: Vec<VendorCustomer>,
    failure: Option<VendorFailure>,
}

#[derive(Default)]
struct IndexState {
    customers: Arc<Vec<IndexedCustomer>>,
    /// Filter menus over every customer, for viewers who may see everyone (computed once per
    /// refresh instead of once per query).
    all_facets: Arc<Facets>,
    by_key: Arc<HashMap<String, usize>>,
    snapshots: HashMap<VendorId, Snapshot>,
    refreshed_at: Option<EpochMs>,
}

impl IndexState {
    /// The vendors whose last refresh failed, in `VendorId::ALL` order.
    fn vendor_failures(&self) -> Vec<VendorFailure> {
        VendorId::ALL
            .iter()
            .filter_map(|v| self.snapshots.get(v).and_then(|s| s.failure.clone()))
            .collect()
    }
}

pub struct CustomerIndex {
    adapters: Vec<Arc<dyn VendorAdapter>>,
    state: RwLock<IndexState>,
    refreshing: Mutex<()>,
    /// WeCom ids of reps known outside the vendor lists (SalesDesk users), per vendor.
    known_reps: RwLock<Vec<(VendorId, String)>>,
}

impl CustomerIndex {
    pub fn new(adapters: Vec<Arc<dyn VendorAdapter>>) -> Self {
        CustomerIndex {
            adapters,
            state: RwLock::new(IndexState::default()),
            refreshing: Mutex::new(()),
            known_reps: RwLock::new(Vec::new()),
        }
    }

    /// Reps whose customers must be listed even if no vendor names them as followers (a
    /// vendor that lists only per rep, such as Weiling, is asked once for each).
    pub async fn set_known_reps(&self, reps: Vec<(VendorId, String)>) {
        *self.known_reps.write().await = reps;
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
        let mut state = self.state.write().await;
        for (vendor, result) in crawls {
            let snapshot = state.snapshots.entry(vendor).or_default();
            match result {
                Ok(records) => {
                    snapshot.records = records;
                    snapshot.failure = None;
                }
                Err(e) => {
                    tracing::warn!(%vendor, error = %e, "customer list refresh failed; keeping the last good records");
                    snapshot.failure = Some(e.to_failure());
                }
            }
        }
        let all: Vec<VendorCustomer> = VendorId::ALL
            .iter()
            .filter_map(|v| state.snapshots.get(v))
            .flat_map(|s| s.records.iter().cloned())
            .collect();
        let merged = merge_customers(all);
        let mut customers: Vec<IndexedCustomer> = merged.into_iter().filter(|c| !c.key.is_empty()).map(index_customer).collect();
        // Most recently followed first; never-followed last; ties by name for a stable order.
        customers.sort_by(|a, b| {
            b.summary
                .last_follow_at
                .cmp(&a.summary.last_follow_at)
                .then_with(|| a.summary.name.cmp(&b.summary.name))
        });
        let by_key = customers.iter().enumerate().map(|(i, c)| (c.summary.key.clone(), i)).collect();
        let mut facets = FacetBuilder::default();
        for c in &customers {
            facets.add(&c.summary);
        }
        state.all_facets = Arc::new(facets.finish());
        state.customers = Arc::new(customers);
        state.by_key = Arc::new(by_key);
        state.refreshed_at = Some(chrono::Utc::now().timestamp_millis());
    }

    async fn ensure_loaded(&self) {
        if self.state.read().await.refreshed_at.is_none() {
            self.refresh().await;
        }
    }

    /// The indexed customer with this key, if the list knows them.
    pub async fn get(&self, key: &str) -> Option<(Customer360, Vec<(VendorId, String)>)> {
        self.ensure_loaded().await;
        let state = self.state.read().await;
        state
            .by_key
            .get(key)
            .and_then(|&i| state.customers.get(i))
            .map(|c| (c.customer.clone(), c.followers.clone()))
    }

    pub async fn refreshed_at(&self) -> Option<EpochMs> {
        self.state.read().await.refreshed_at
    }

    /// How many merged customers the list holds (the benchmark reports it).
    pub async fn customer_count(&self) -> usize {
        self.state.read().await.customers.len()
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
        let needle = query
            .q
            .as_deref()
            .map(str::trim)
            .filter(|q| !q.is_empty())
            .map(|q| q.to_lowercase());
        let needle_digits = needle.as_deref().and_then(|q| normalise_mobile(q).or_else(|| digits_only(q)));
        let mut facets = FacetBuilder::default();
        let mut total = 0u64;
        let mut items = Vec::new();
        let skip = ((page - 1) * page_size) as u64;
        for c in customers.iter() {
            if !unrestricted {
                if !scope.allows_followers(c.followers.iter().map(|(v, u)| (*v, u.as_str()))) {
                    continue;
                }
                facets.add(&c.summary);
            }
            if !matches(c, query, needle.as_deref(), needle_digits.as_deref()) {
                continue;
            }
            if total >= skip && items.len() < page_size as usize {
                items.push(c.summary.clone());
            }
            total += 1;
        }
        let facets = if unrestricted { (*all_facets).clone() } else { facets.finish() };
        CustomerListing {
            items,
            total,
            page,
            page_size,
            facets,
            failures,
            refreshed_at,
            generated_at: chrono::Utc::now().timestamp_millis(),
        }
    }
}

fn digits_only(q: &str) -> Option<String> {
    let d: String = q.chars().filter(char::is_ascii_digit).collect();
    (d.len() >= 4 && d.len() == q.chars().filter(|c| !matches!(c, ' ' | '-' | '+')).count()).then_some(d)
}

fn matches(c: &IndexedCustomer, query: &CustomerQuery, needle: Option<&str>, digits: Option<&str>) -> bool {
    if let Some(rep) = query.rep.as_deref().filter(|r| !r.is_empty())
        && !c.followers.iter().any(|(_, u)| u == rep)
    {
        return false;
    }
    if let Some(v) = query.vendor
        && !c.summary.vendors.contains(&v)
    {
        return false;
    }
    if let Some(tag) = query.tag.as_deref().filter(|t| !t.is_empty())
        && !c.summary.tags.iter().any(|t| t == tag)
    {
        return false;
    }
    if let Some(stage) = query.stage.as_deref().filter(|s| !s.is_empty())
        && !c.summary.stages.iter().any(|s| s.value == stage)
    {
        return false;
    }
    match (needle, digits) {
        (None, _) => true,
        (Some(n), Some(d)) => c.search_text.contains(n) || c.search_text.contains(d),
        (Some(n), None) => c.search_text.contains(n),
    }
}

#[derive(Default)]
struct FacetBuilder {
    reps: BTreeSet<RepRef>,
    tags: BTreeSet<String>,
    stages: BTreeSet<String>,
    vendors: BTreeSet<VendorId>,
}

impl FacetBuilder {
    fn add(&mut self, s: &CustomerSummary) {
        // Facets are small sets; the clone cost only applies to new values.
        for r in &s.reps {
            if !self.reps.contains(r) {
                self.reps.insert(r.clone());
            }
        }
        for t in &s.tags {
            if !self.tags.contains(t) {
                self.tags.insert(t.clone());
            }
        }
        for st in &s.stages {
            if !self.stages.contains(&st.value) {
                self.stages.insert(st.value.clone());
            }
        }
        self.vendors.extend(s.vendors.iter().copied());
    }

    fn finish(self) -> Facets {
        Facets {
            reps: self.reps.into_iter().collect(),
            tags: self.tags.into_iter().collect(),
            stages: self.stages.into_iter().collect(),
            vendors: self.vendors.into_iter().collect(),
        }
    }
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

/// Precomputes the list row, visibility and search text of one merged customer.
pub fn index_customer(c: Customer360) -> IndexedCustomer {
    let followers: Vec<(VendorId, String)> = c
        .sources
        .iter()
        .flat_map(|s| s.follow_users.iter().map(move |f| (s.vendor, f.user_id.clone())))
        .collect();
    let mut reps: Vec<RepRef> = Vec::new();
    for f in &c.followers {
        if !reps.iter().any(|r| r.user_id == f.user_id) {
            reps.push(RepRef {
                user_id: f.user_id.clone(),
                name: f.name.clone(),
            });
        }
    }
    let mut remarks: Vec<String> = Vec::new();
    for f in &c.followers {
        for (_, rel) in &f.relations {
            if let Some(r) = rel.remark.as_ref().filter(|r| !r.trim().is_empty())
                && !remarks.contains(r)
            {
                remarks.push(r.clone());
            }
        }
    }
    let mut tags: Vec<String> = c.tags.iter().map(|t| t.value.name.clone()).collect();
    tags.dedup();
    let mobiles: Vec<String> = c.mobiles.iter().map(|m| m.value.clone()).collect();
    let mut search_text = String::new();
    for part in c
        .names
        .iter()
        .map(|n| &n.value)
        .chain(remarks.iter())
        .chain(c.external_user_ids.iter().map(|e| &e.value))
        .chain(c.corp_names.iter().map(|n| &n.value))
        .chain(mobiles.iter())
    {
        search_text.push_str(&part.to_lowercase());
        search_text.push('\u{1f}');
    }
    for m in &mobiles {
        if let Some(d) = normalise_mobile(m) {
            search_text.push_str(&d);
            search_text.push('\u{1f}');
        }
    }
    let summary = CustomerSummary {
        key: c.key.clone(),
        name: c.display_name().map(str::to_string),
        avatar: c.avatar.clone(),
        corp_name: c.corp_names.first().map(|s| s.value.clone()),
        mobiles,
        remarks,
        stages: c.stages.clone(),
        vendors: c.vendors(),
        reps,
        tags,
        last_follow_at: c.last_follow_at,
    };
    IndexedCustomer {
        summary,
        followers,
        customer: c,
        search_text,
    }
}
