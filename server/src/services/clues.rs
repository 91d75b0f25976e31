//! `/clues`: the clue list (newest first across vendors, from an in-memory list refreshed in
//! the background, like the customer list) and live clue detail.
//!
//! Visibility: a clue with an owner is visible to whoever may see that owner's customers;
//! a clue without one is in the unassigned pool (待分配) that every rep may pick from.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use app::domain::{
    Clue, ClueDetail, ClueListing, ClueSummary, EpochMs, FieldValue, Scope, StaleCopy, VendorErrorKind, VendorFailure, VendorId,
};
use app::error::AppError;
use tokio::sync::{Mutex, RwLock};

use crate::vendors::{VendorAdapter, VendorError};

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

pub struct ClueService {
    adapters: Vec<Arc<dyn VendorAdapter>>,
    state: RwLock<State>,
    refreshing: Mutex<()>,
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
        let mut all: Vec<Clue> = state.per_vendor.values().flat_map(|(c, _)| c.iter().cloned()).collect();
        all.sort_by(|a, b| b.created_at.cmp(&a.created_at).then_with(|| b.id.cmp(&a.id)));
        state.clues = Arc::new(all);
        state.refreshed_at = Some(crate::clock::now_ms());
    }

    pub fn spawn_refresher(self: &Arc<Self>, every: Duration) -> tokio::task::JoinHandle<()> {
        let this = self.clone();
        tokio::spawn(async move {
            loop {
                this.refresh().await;
                tokio::time::sleep(every).await;
            }
        })
    }

    /// One page; the cursor is the position after the last row shown.
    pub async fn list(&self, scope: &Scope, cursor: Option<&str>) -> ClueListing {
        if self.state.read().await.refreshed_at.is_none() {
            self.refresh().await;
        }
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
