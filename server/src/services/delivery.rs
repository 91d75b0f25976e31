//! Delivers outbox items to vendors. Every write was committed locally first; this sends it,
//! retries with backoff while the vendor is unavailable, and records the outcome.
//!
//! Never twice: when an attempt may have reached the vendor (timeout, lost reply, crash
//! mid-send), the next attempt first looks at the vendor's data. Weiling lists progress, so
//! a note with the same text and time that is already there counts as delivered. Juzibot
//! cannot list notes, so an uncertain note is not resent blindly: it is marked failed with an
//! explanation and the rep decides after checking WeCom. Remarks are idempotent (setting the
//! same remark twice changes nothing) and are simply sent again.
//!
//! In batches: the due items of one vendor and kind go out together through the adapter's
//! batch write (Juzibot's `add_follow` takes 500 notes a call, `set_remark` 50 remarks;
//! vendors without a batch endpoint get one call per item, a few at a time), and each item's
//! own answer is recorded. An item the vendor refused on its own in a batch reply (Juzibot's
//! `fail_list`) was certainly not applied: it is failed at once with the vendor's reason, for
//! the rep to resend, never left "uncertain". Items whose earlier attempt may have arrived are
//! checked and sent one by one, as above.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use app::domain::{DeliveryProblem, FollowUpKind, VendorCustomer, VendorErrorKind, VendorId};
use futures::FutureExt;
use tokio::sync::Notify;

use crate::clock::now_ms;
use crate::storage::audit::{self, AuditResult};
use crate::storage::outbox::{OutboxItem, Recorded, WritePayload};
use crate::storage::{Notice, StorageError, Store};
use crate::vendors::{BatchItemResult, NoteWrite, RemarkWrite, VendorAdapter, VendorError, WriteReceipt};

/// After this many attempts an item is marked failed (the rep can retry it by hand).
pub const MAX_ATTEMPTS: i64 = 8;
const BASE_BACKOFF_MS: i64 = 2_000;
const MAX_BACKOFF_MS: i64 = 10 * 60 * 1000;
/// Due items claimed per round: a whole Juzibot `add_follow` call's worth, so a bulk note's
/// retries still travel in full batches.
const CLAIM_LIMIT: i64 = 500;

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

/// One vendor's due writes of one kind, with what each asks the vendor to do.
enum Batch {
    Notes(Vec<OutboxItem>, Vec<NoteWrite>),
    Remarks(Vec<OutboxItem>, Vec<RemarkWrite>),
}

impl Batch {
    fn push(&mut self, item: OutboxItem) {
        match (self, &item.payload) {
            (Batch::Notes(items, notes), WritePayload::Note { text, at_ms }) => {
                notes.push(NoteWrite {
                    target: item.target.clone(),
                    text: text.clone(),
                    at_ms: *at_ms,
                });
                items.push(item);
            }
            (Batch::Remarks(items, remarks), WritePayload::Remark { remark, description }) => {
                remarks.push(RemarkWrite {
                    target: item.target.clone(),
                    remark: remark.clone(),
                    description: description.clone(),
                });
                items.push(item);
            }
            // Grouped by kind: a batch only ever receives its own kind.
            _ => {}
        }
    }
}

/// Groups items by vendor and kind, keeping their order within each group.
fn batches(items: Vec<OutboxItem>) -> Vec<(VendorId, Batch)> {
    let mut groups: Vec<((VendorId, bool), Batch)> = Vec::new();
    for item in items {
        let note = matches!(item.payload, WritePayload::Note { .. });
        let key = (item.vendor, note);
        let slot = match groups.iter().position(|(k, _)| *k == key) {
            Some(i) => i,
            None => {
                let empty = if note {
                    Batch::Notes(Vec::new(), Vec::new())
                } else {
                    Batch::Remarks(Vec::new(), Vec::new())
                };
                groups.push((key, empty));
                groups.len() - 1
            }
        };
        groups[slot].1.push(item);
    }
    groups.into_iter().map(|((vendor, _), batch)| (vendor, batch)).collect()
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
        // Items another instance claimed and never settled (it died): theirs no longer.
        match self.store.recover_expired(now_ms()).await {
            Ok(0) => {}
            Ok(n) => tracing::warn!(
                items = n,
                "outbox: took over writes whose claim lapsed; they will be verified before resending"
            ),
            Err(e) => tracing::error!(error = %crate::errors::report(&e), "outbox: cannot take over lapsed claims"),
        }
        let items = match self.store.claim_due(now_ms(), CLAIM_LIMIT).await {
            Ok(items) => items,
            Err(e) => {
                tracing::error!(error = %e, "outbox: cannot claim due items");
                return 0;
            }
        };
        let n = items.len();
        self.deliver_claimed(items).await;
        n
    }

    /// Claims these items if they are still pending and delivers them now (a bulk job's
    /// writes, right after they are queued).
    pub async fn deliver_ids(&self, ids: &[i64]) -> Result<(), StorageError> {
        let claimed = self.store.claim_many(ids, now_ms()).await?;
        self.deliver_claimed(claimed).await;
        Ok(())
    }

    /// Delivers the given (already claimed) items now, e.g. right after a rep submits: those
    /// whose earlier attempt may have arrived one by one, the rest in batches per vendor and
    /// kind.
    pub async fn deliver_claimed(&self, items: Vec<OutboxItem>) {
        if items.is_empty() {
            return;
        }
        let ids: Vec<i64> = items.iter().map(|i| i.id).collect();
        let (uncertain, sure): (Vec<_>, Vec<_>) = items.into_iter().partition(|i| i.uncertain);
        let singles = uncertain.into_iter().map(|item| self.deliver(item).boxed());
        let grouped = batches(sure)
            .into_iter()
            .map(|(vendor, batch)| self.deliver_batch(vendor, batch).boxed());
        let deliveries = futures::future::join_all(singles.chain(grouped));
        // While a slow vendor answers, the claims are renewed every third of a lease, so no
        // other instance takes over a write that is still being sent.
        let renewals = async {
            let every = Duration::from_millis((self.store.outbox_lease_ms() / 3).max(100) as u64);
            loop {
                tokio::time::sleep(every).await;
                if let Err(e) = self.store.extend_claims(&ids, now_ms()).await {
                    tracing::warn!(error = %crate::errors::report(&e), "outbox: cannot renew claims");
                }
            }
        };
        futures::future::select(deliveries.boxed(), renewals.boxed()).await;
    }

    async fn deliver(&self, item: OutboxItem) {
        let result = self.attempt(&item).await;
        self.record(vec![(item, result)]).await;
    }

    async fn deliver_batch(&self, vendor: VendorId, batch: Batch) {
        let Some(adapter) = self.adapters.get(&vendor) else {
            let items = match batch {
                Batch::Notes(items, _) | Batch::Remarks(items, _) => items,
            };
            let gone = items
                .into_iter()
                .map(|item| (item, Err(Outcome::GiveUp(DeliveryProblem::VendorNotConfigured))))
                .collect();
            return self.record(gone).await;
        };
        let (items, answers) = match batch {
            Batch::Notes(items, notes) => {
                let answers = adapter.add_follow_up_batch(&notes).await;
                (items, answers)
            }
            Batch::Remarks(items, remarks) => {
                let answers = adapter.set_remark_batch(&remarks).await;
                (items, answers)
            }
        };
        tracing::info!(vendor = %vendor, items = items.len(), "outbox: batch sent");
        let mut answers = answers.into_iter();
        let results = items
            .into_iter()
            .map(|item| {
                let outcome = match answers.next() {
                    Some(answer) => batch_outcome(answer),
                    // An adapter answering fewer items than it was given: whether the rest
                    // arrived is unknown, so they are verified before being sent again.
                    None => Err(Outcome::Retry(VendorError::new(
                        vendor,
                        "-",
                        VendorErrorKind::Undecodable,
                        "batch write answered fewer items than were sent",
                    ))),
                };
                (item, outcome)
            })
            .collect();
        self.record(results).await;
    }

    /// Records each item's outcome in one transaction, then its audit line.
    async fn record(&self, results: Vec<(OutboxItem, Result<WriteReceipt, Outcome>)>) {
        let now = now_ms();
        let mut updates = Vec::with_capacity(results.len());
        let mut audits = Vec::new();
        let mut written = Vec::with_capacity(results.len());
        for (item, result) in results {
            written.push(item.target.clone());
            match result {
                Ok(receipt) => {
                    tracing::info!(id = item.id, vendor = %item.vendor, "outbox: delivered");
                    audits.push((item.id, AuditResult::Delivered, receipt.vendor_record_id.clone()));
                    updates.push((
                        item.id,
                        Recorded::Delivered {
                            vendor_record_id: receipt.vendor_record_id,
                        },
                    ));
                }
                Err(Outcome::GiveUp(problem)) => {
                    let stored = problem.to_stored();
                    tracing::warn!(id = item.id, vendor = %item.vendor, problem = %stored, "outbox: failed");
                    audits.push((item.id, AuditResult::Failed, Some(stored.clone())));
                    updates.push((item.id, Recorded::Failed { error: stored }));
                }
                Err(Outcome::Retry(e)) => {
                    let attempts = item.attempts + 1;
                    let failure = e.to_failure();
                    if attempts >= MAX_ATTEMPTS {
                        tracing::warn!(id = item.id, vendor = %item.vendor, error = %e, "outbox: giving up after {attempts} attempts");
                        let stored = DeliveryProblem::RetriesExhausted { failure }.to_stored();
                        audits.push((item.id, AuditResult::Failed, Some(stored.clone())));
                        updates.push((item.id, Recorded::Failed { error: stored }));
                    } else {
                        tracing::info!(id = item.id, vendor = %item.vendor, error = %e, attempts, "outbox: will retry");
                        updates.push((
                            item.id,
                            Recorded::Retry {
                                error: DeliveryProblem::Vendor { failure }.to_stored(),
                                uncertain: e.maybe_applied(),
                                next_attempt_at: now + backoff_ms(attempts),
                            },
                        ));
                    }
                }
            }
        }
        // The outbox first: it is what the rep's page shows and what decides whether the
        // write is ever sent again; the audit lines follow.
        if let Err(e) = self.store.record_outcomes(&updates, now).await {
            tracing::error!(items = updates.len(), error = %e, "outbox: cannot record delivery outcomes");
        }
        // Other instances drop their cached reads of these customers (this one's cache was
        // dropped around the vendor call).
        self.store.publish(&Notice::CustomersWritten { targets: written }).await;
        for (write_id, result, detail) in audits {
            self.audit(write_id, result, detail.as_deref()).await;
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
        result.map_err(classify)
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

/// A failed write: refused input, an unknown record or a missing API will not change by
/// retrying; anything else is retried with backoff.
fn classify(e: VendorError) -> Outcome {
    match e.kind {
        VendorErrorKind::InvalidInput | VendorErrorKind::NotFound | VendorErrorKind::Unsupported | VendorErrorKind::EndpointMissing => {
            Outcome::GiveUp(DeliveryProblem::Vendor { failure: e.to_failure() })
        }
        _ => Outcome::Retry(e),
    }
}

/// One item's answer in a batch, as a single write's outcome; a refusal of the item alone
/// is final.
fn batch_outcome(answer: BatchItemResult) -> Result<WriteReceipt, Outcome> {
    match answer {
        BatchItemResult::Written(receipt) => Ok(receipt),
        BatchItemResult::Rejected(e) => Err(Outcome::GiveUp(DeliveryProblem::Vendor { failure: e.to_failure() })),
        BatchItemResult::Failed(e) => Err(classify(e)),
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
    use crate::storage::outbox::OutboxState;
    use crate::vendors::CustomerRef;

    #[test]
    fn backoff_grows_and_is_capped() {
        for attempts in 0..30 {
            let b = backoff_ms(attempts);
            let base = (BASE_BACKOFF_MS << attempts.clamp(0, 20)).min(MAX_BACKOFF_MS);
            assert!(b >= base - base / 4 && b <= base + base / 4, "attempt {attempts}: {b}");
        }
        assert!(backoff_ms(30) <= MAX_BACKOFF_MS + MAX_BACKOFF_MS / 4);
    }

    fn item(id: i64, vendor: VendorId, note: bool) -> OutboxItem {
        OutboxItem {
            id,
            idempotency_key: format!("k{id}"),
            vendor,
            customer_key: format!("wm{id}"),
            target: CustomerRef {
                external_user_id: Some(format!("wm{id}")),
                union_id: Some(format!("oz{id}")),
                vendor_customer_id: None,
                rep_user_id: "rocky".into(),
            },
            payload: if note {
                WritePayload::Note {
                    text: format!("note {id}"),
                    at_ms: 1_000,
                }
            } else {
                WritePayload::Remark {
                    remark: Some(format!("r{id}")),
                    description: None,
                }
            },
            author: None,
            state: OutboxState::Delivering,
            attempts: 0,
            uncertain: false,
            last_error: None,
            vendor_record_id: None,
            created_at: 0,
            updated_at: 0,
            next_attempt_at: 0,
        }
    }

    #[test]
    fn items_are_grouped_by_vendor_and_kind_in_order() {
        let items = vec![
            item(1, VendorId::Juzi, true),
            item(2, VendorId::Weiling, true),
            item(3, VendorId::Juzi, false),
            item(4, VendorId::Juzi, true),
            item(5, VendorId::Weiling, true),
        ];
        let groups: Vec<(VendorId, &str, Vec<i64>, Vec<String>)> = batches(items)
            .into_iter()
            .map(|(vendor, batch)| match batch {
                Batch::Notes(items, notes) => (
                    vendor,
                    "notes",
                    items.iter().map(|i| i.id).collect(),
                    notes.into_iter().map(|n| n.text).collect(),
                ),
                Batch::Remarks(items, remarks) => (
                    vendor,
                    "remarks",
                    items.iter().map(|i| i.id).collect(),
                    remarks.into_iter().filter_map(|r| r.remark).collect(),
                ),
            })
            .collect();
        assert_eq!(
            groups,
            vec![
                (
                    VendorId::Juzi,
                    "notes",
                    vec![1, 4],
                    vec!["note 1".to_string(), "note 4".to_string()]
                ),
                (
                    VendorId::Weiling,
                    "notes",
                    vec![2, 5],
                    vec!["note 2".to_string(), "note 5".to_string()]
                ),
                (VendorId::Juzi, "remarks", vec![3], vec!["r3".to_string()]),
            ]
        );
    }

    #[test]
    fn a_batch_items_own_refusal_is_final_and_a_failed_call_is_retried() {
        let rejected = VendorError::new(VendorId::Juzi, "/add_follow", VendorErrorKind::Upstream, "fail_list").with_code(84061);
        match batch_outcome(BatchItemResult::Rejected(rejected.clone())) {
            Err(Outcome::GiveUp(DeliveryProblem::Vendor { failure })) => assert_eq!(failure.vendor_code, Some(84061)),
            _ => panic!("a fail_list entry is final"),
        }
        assert!(
            matches!(batch_outcome(BatchItemResult::Failed(rejected)), Err(Outcome::Retry(e)) if e.maybe_applied()),
            "the same error for the whole call may have arrived: retried after checking"
        );
        let refused = VendorError::new(VendorId::Juzi, "/add_follow", VendorErrorKind::InvalidInput, "no unionId");
        assert!(matches!(
            batch_outcome(BatchItemResult::Failed(refused)),
            Err(Outcome::GiveUp(DeliveryProblem::Vendor { .. }))
        ));
        assert!(batch_outcome(BatchItemResult::Written(WriteReceipt::default())).is_ok());
    }
}
