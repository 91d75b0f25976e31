//! Delivers outbox items to vendors. Every write was committed locally first; this sends it,
//! retries with backoff while the vendor is unavailable, and records the outcome.
//!
//! Never twice: when an attempt may have reached the vendor (timeout, lost reply, crash
//! mid-send), the next attempt first looks at the vendor's data. Weiling lists progress, so
//! a note with the same text and time that is already there counts as delivered. Juzibot
//! cannot list notes, so an uncertain note is not resent blindly: it is marked failed with an
//! explanation and the rep decides after checking WeCom. Remarks are idempotent (setting the
//! same remark twice changes nothing) and are simply sent again.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use app::domain::{DeliveryProblem, FollowUpKind, VendorCustomer, VendorErrorKind, VendorId};
use tokio::sync::Notify;

use crate::clock::now_ms;
use crate::storage::Store;
use crate::storage::audit::{self, AuditResult};
use crate::storage::outbox::{OutboxItem, WritePayload};
use crate::vendors::{VendorAdapter, VendorError, WriteReceipt};

/// After this many attempts an item is marked failed (the rep can retry it by hand).
pub const MAX_ATTEMPTS: i64 = 8;
const BASE_BACKOFF_MS: i64 = 2_000;
const MAX_BACKOFF_MS: i64 = 10 * 60 * 1000;

#[derive(Clone)]
pub struct Delivery {
    store: Store,
    adapters: HashMap<VendorId, Arc<dyn VendorAdapter>>,
    wake: Arc<Notify>,
}

/// Exponential backoff with ±25% jitter so a recovering vendor is not hit by every item at once.
pub fn backoff_ms(attempts: i64) -> i64 {
    let base = (BASE_BACKOFF_MS << attempts.clamp(0, 20)).min(MAX_BACKOFF_MS);
    let jitter = rand::random_range(-(base / 4)..=(base / 4));
    base + jitter
}

impl Delivery {
    pub fn new(store: Store, adapters: &[Arc<dyn VendorAdapter>]) -> Self {
        Delivery {
            store,
            adapters: adapters.iter().map(|a| (a.vendor(), a.clone())).collect(),
            wake: Arc::new(Notify::new()),
        }
    }

    /// Runs forever: recovers items a crash left in flight, then delivers due items, waking
    /// early when new writes are queued.
    pub fn spawn_worker(&self) -> tokio::task::JoinHandle<()> {
        let this = self.clone();
        tokio::spawn(async move {
            match this.store.recover_interrupted(now_ms()).await {
                Ok(0) => {}
                Ok(n) => tracing::warn!(
                    items = n,
                    "outbox: recovered writes interrupted by a restart; they will be verified before resending"
                ),
                Err(e) => tracing::error!(error = %e, "outbox: recovery failed"),
            }
            loop {
                let delivered = this.run_due().await;
                if delivered == 0 {
                    let _ = tokio::time::timeout(Duration::from_secs(2), this.wake.notified()).await;
                }
            }
        })
    }

    /// Wakes the worker (new items queued).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Claims and delivers every due item once; returns how many were handled.
    pub async fn run_due(&self) -> usize {
        let items = match self.store.claim_due(now_ms(), 32).await {
            Ok(items) => items,
            Err(e) => {
                tracing::error!(error = %e, "outbox: cannot claim due items");
                return 0;
            }
        };
        let n = items.len();
        futures::future::join_all(items.into_iter().map(|item| self.deliver(item))).await;
        n
    }

    /// Delivers the given (already claimed) items now, e.g. right after a rep submits.
    pub async fn deliver_claimed(&self, items: Vec<OutboxItem>) {
        futures::future::join_all(items.into_iter().map(|item| self.deliver(item))).await;
    }

    async fn deliver(&self, item: OutboxItem) {
        let result = self.attempt(&item).await;
        let now = now_ms();
        let recorded = match result {
            Ok(receipt) => {
                tracing::info!(id = item.id, vendor = %item.vendor, "outbox: delivered");
                // The outbox first: it is what the rep's page shows and what decides whether
                // the write is ever sent again; the audit line follows.
                let marked = self.store.mark_delivered(item.id, receipt.vendor_record_id.as_deref(), now).await;
                self.audit(item.id, AuditResult::Delivered, receipt.vendor_record_id.as_deref())
                    .await;
                marked
            }
            Err(Outcome::GiveUp(problem)) => {
                let stored = problem.to_stored();
                tracing::warn!(id = item.id, vendor = %item.vendor, problem = %stored, "outbox: failed");
                let marked = self.store.mark_failed(item.id, &stored, now).await;
                self.audit(item.id, AuditResult::Failed, Some(&stored)).await;
                marked
            }
            Err(Outcome::Retry(e)) => {
                let attempts = item.attempts + 1;
                let failure = e.to_failure();
                let uncertain = e.maybe_applied();
                if attempts >= MAX_ATTEMPTS {
                    tracing::warn!(id = item.id, vendor = %item.vendor, error = %e, "outbox: giving up after {attempts} attempts");
                    let stored = DeliveryProblem::RetriesExhausted { failure }.to_stored();
                    let marked = self.store.mark_failed(item.id, &stored, now).await;
                    self.audit(item.id, AuditResult::Failed, Some(&stored)).await;
                    marked
                } else {
                    tracing::info!(id = item.id, vendor = %item.vendor, error = %e, attempts, "outbox: will retry");
                    let stored = DeliveryProblem::Vendor { failure }.to_stored();
                    self.store
                        .mark_retry(item.id, &stored, uncertain, now + backoff_ms(attempts), now)
                        .await
                }
            }
        };
        if let Err(e) = recorded {
            tracing::error!(id = item.id, error = %e, "outbox: cannot record delivery outcome");
        }
    }

    /// The vendor's final answer goes into the audit log beside the write it belongs to.
    async fn audit(&self, write_id: i64, result: AuditResult, detail: Option<&str>) {
        if let Err(e) = audit::record_delivery(&self.store, write_id, result, detail).await {
            tracing::error!(write_id, error = %e, "audit: cannot record delivery result");
        }
    }

    async fn attempt(&self, item: &OutboxItem) -> Result<WriteReceipt, Outcome> {
        let Some(adapter) = self.adapters.get(&item.vendor) else {
            return Err(Outcome::GiveUp(DeliveryProblem::VendorNotConfigured));
        };
        if item.uncertain
            && let WritePayload::Note { text, at_ms } = &item.payload
        {
            match self.find_delivered_note(adapter.as_ref(), item, text, *at_ms).await {
                Verified::Found(receipt) => return Ok(receipt),
                Verified::Absent => {}
                Verified::Unknowable => return Err(Outcome::GiveUp(DeliveryProblem::Unverifiable)),
                Verified::Failed(e) => return Err(Outcome::Retry(e)),
            }
        }
        let result = match &item.payload {
            WritePayload::Remark { remark, description } => {
                adapter.set_remark(&item.target, remark.as_deref(), description.as_deref()).await
            }
            WritePayload::Note { text, at_ms } => adapter.add_follow_up(&item.target, text, *at_ms).await,
        };
        result.map_err(|e| match e.kind {
            VendorErrorKind::InvalidInput | VendorErrorKind::NotFound | VendorErrorKind::Unsupported | VendorErrorKind::EndpointMissing => {
                Outcome::GiveUp(DeliveryProblem::Vendor { failure: e.to_failure() })
            }
            _ => Outcome::Retry(e),
        })
    }

    /// Looks for the note among the vendor's follow-ups.
    async fn find_delivered_note(&self, adapter: &dyn VendorAdapter, item: &OutboxItem, text: &str, at_ms: i64) -> Verified {
        let mut stub = VendorCustomer::new(item.vendor);
        stub.external_user_id = item.target.external_user_id.clone();
        stub.vendor_customer_id = item.target.vendor_customer_id.clone();
        stub.union_id = item.target.union_id.clone();
        match adapter.follow_ups(&stub).await {
            Ok(entries) => {
                let wanted = normalise(text);
                let found = entries
                    .into_iter()
                    .find(|e| matches!(&e.kind, FollowUpKind::Note { text } if normalise(text) == wanted) && (e.at - at_ms).abs() <= 1_000);
                match found {
                    Some(e) => Verified::Found(WriteReceipt {
                        vendor_record_id: Some(e.id),
                    }),
                    None => Verified::Absent,
                }
            }
            // No way to list follow-ups there (no API, or the endpoint is not offered).
            Err(e) if matches!(e.kind, VendorErrorKind::Unsupported | VendorErrorKind::EndpointMissing) => Verified::Unknowable,
            Err(e) => Verified::Failed(e),
        }
    }
}

fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

enum Outcome {
    Retry(VendorError),
    GiveUp(DeliveryProblem),
}

enum Verified {
    Found(WriteReceipt),
    Absent,
    Unknowable,
    Failed(VendorError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        for attempts in 0..30 {
            let b = backoff_ms(attempts);
            let base = (BASE_BACKOFF_MS << attempts.clamp(0, 20)).min(MAX_BACKOFF_MS);
            assert!(b >= base - base / 4 && b <= base + base / 4, "attempt {attempts}: {b}");
        }
        assert!(backoff_ms(30) <= MAX_BACKOFF_MS + MAX_BACKOFF_MS / 4);
    }
}
