//! `/customers/{key}`: asks every vendor at once for the customer and their follow-ups (one
//! parallel round, so the page takes as long as the slowest vendor, not the sum), merges the
//! answers, and adds the notes SalesDesk itself sent (Juzibot cannot list notes back).

use std::sync::Arc;

use app::domain::{
    CustomerDetail, CustomerPage, FollowUpEntry, FollowUpKind, Scope, TimelineItem, VendorCustomer, VendorErrorKind, VendorFailure,
    VendorId, Viewer, WriteTarget, parse_change_log,
};
use app::error::AppError;

use super::customer_index::CustomerIndex;
use super::detail_memo::{DetailInputs, DetailMemo};
use super::merge::merge_customers;
use super::write_status::{timeline_items_from_writes, write_status};
use crate::storage::Store;
use crate::vendors::{Aged, CustomerLookup, VendorAdapter, VendorError};

/// Candidate reps asked at most, per vendor, for a customer the list has not seen there.
const MAX_CANDIDATE_REPS: usize = 10;

pub struct DetailService {
    pub adapters: Vec<Arc<dyn VendorAdapter>>,
    pub index: Arc<CustomerIndex>,
    pub store: Store,
    pub memo: DetailMemo,
}

/// What one vendor answered for the page.
struct VendorAnswer {
    vendor: VendorId,
    customer: Result<Aged<Option<VendorCustomer>>, VendorError>,
    timeline: Option<Result<Aged<Vec<FollowUpEntry>>, VendorError>>,
}

impl VendorAnswer {
    /// The versions of the cached copies this answer is, when all of it is one (see
    /// `detail_memo`): not for a live answer, a failure, or a copy kept while its vendor fails.
    fn versions(&self) -> Option<(VendorId, u64, Option<u64>)> {
        fn cached<T>(aged: &Aged<T>) -> Option<u64> {
            aged.stale.is_none().then_some(aged.version).flatten()
        }
        let customer = cached(self.customer.as_ref().ok()?)?;
        let timeline = match &self.timeline {
            None => None,
            Some(answer) => Some(cached(answer.as_ref().ok()?)?),
        };
        Some((self.vendor, customer, timeline))
    }
}

impl DetailService {
    pub async fn detail(&self, viewer: &Viewer, key: &str) -> Result<CustomerDetail, AppError> {
        let key = key.trim();
        if key.is_empty() || key.len() > 128 {
            return Err(AppError::NotFound);
        }
        // What the list already knows helps each vendor's lookup (Tanma's detail is per rep;
        // Weiling's progress list wants its own customer id) without an extra round trip.
        let known = self.index.locate(key).await;
        // Before the outbox is read: a write committed after this makes the page look
        // outdated (assembled again next time), never current.
        let outbox_version = self.store.outbox_version();
        let mut asks = Vec::with_capacity(self.adapters.len());
        for adapter in &self.adapters {
            let vendor = adapter.vendor();
            let hint = known
                .as_ref()
                .and_then(|sources| sources.iter().find(|s| s.vendor == vendor).cloned());
            let lookup = self
                .lookup(viewer, key, vendor, hint.as_ref(), known.as_deref().unwrap_or_default())
                .await;
            asks.push(ask_vendor(adapter.clone(), lookup, hint));
        }
        let answers = futures::future::join_all(asks).await;
        let inputs = answers
            .iter()
            .map(VendorAnswer::versions)
            .collect::<Option<Vec<_>>>()
            .map(|vendors| DetailInputs {
                outbox: outbox_version,
                vendors,
            });
        let page = match inputs.as_ref().and_then(|inputs| self.memo.get(key, inputs)) {
            Some(page) => page,
            None => {
                let page = Arc::new(self.assemble(key, known.is_some(), answers).await?);
                match inputs {
                    Some(inputs) => self.memo.put(key, inputs, page.clone()),
                    None => crate::metrics::metrics().page_memo_lookup("uncacheable"),
                }
                page
            }
        };
        if !viewer.scope.allows_customer(known.as_deref(), &page.customer.sources) {
            return Err(AppError::Forbidden);
        }
        Ok(CustomerDetail {
            page,
            generated_at: crate::clock::now_ms(),
            form_token: uuid::Uuid::new_v4().simple().to_string(),
        })
    }

    /// How `vendor` is asked for the customer: the ids and followers the list saw there, or,
    /// when it has not seen them there, candidate reps — followers other vendors report
    /// (WeCom user ids are corp-wide), the viewer and the reps in their scope, then the reps
    /// SalesDesk's users are — so a vendor whose search is not offered can still answer.
    async fn lookup(
        &self,
        viewer: &Viewer,
        key: &str,
        vendor: VendorId,
        hint: Option<&VendorCustomer>,
        known: &[VendorCustomer],
    ) -> CustomerLookup {
        let mut lookup = CustomerLookup::by_external_id(key);
        if let Some(hint) = hint {
            lookup.vendor_customer_id = hint.vendor_customer_id.clone();
            lookup.reps = hint.follow_users.iter().map(|f| f.user_id.clone()).collect();
            lookup.reps_confirmed = !lookup.reps.is_empty();
            if lookup.reps_confirmed {
                return lookup;
            }
        }
        let mut reps: Vec<String> = known
            .iter()
            .flat_map(|s| s.follow_users.iter().map(|f| f.user_id.clone()))
            .collect();
        reps.extend(viewer.wecom.get(vendor).map(str::to_string));
        if let Scope::FollowedBy(ids) = &viewer.scope {
            reps.extend(ids.iter().filter_map(|ids| ids.get(vendor)).map(str::to_string));
        }
        if viewer.scope == Scope::All {
            reps.extend(self.index.known_reps(vendor).await);
        }
        let mut seen = std::collections::HashSet::new();
        reps.retain(|r| !r.trim().is_empty() && seen.insert(r.clone()));
        reps.truncate(MAX_CANDIDATE_REPS);
        lookup.reps = reps;
        lookup
    }

    /// Merges the vendors' answers and the customer's outbox into the page.
    async fn assemble(&self, key: &str, listed: bool, answers: Vec<VendorAnswer>) -> Result<CustomerPage, AppError> {
        let mut records = Vec::new();
        let mut failures: Vec<VendorFailure> = Vec::new();
        let mut timeline_entries = Vec::new();
        let mut timeline_failures = Vec::new();
        let mut cached_failures: Vec<VendorFailure> = Vec::new();
        let mut cached_since: Option<i64> = None;
        let mut said_unknown = 0;
        for answer in answers {
            let stale = [
                answer.customer.as_ref().ok().and_then(|a| a.stale.as_ref()),
                answer
                    .timeline
                    .as_ref()
                    .and_then(|t| t.as_ref().ok())
                    .and_then(|a| a.stale.as_ref()),
            ]
            .into_iter()
            .flatten()
            .min_by_key(|s| s.fetched_at);
            if let Some(stale) = stale {
                cached_since = Some(cached_since.map_or(stale.fetched_at, |t| t.min(stale.fetched_at)));
                cached_failures.push(stale.error.to_failure());
            }
            match answer.customer.map(Aged::into_value) {
                Ok(Some(record)) => records.push(record),
                Ok(None) => said_unknown += 1,
                Err(e) => failures.push(e.to_failure()),
            }
            match answer.timeline.map(|t| t.map(Aged::into_value)) {
                Some(Ok(entries)) => timeline_entries.extend(entries),
                Some(Err(e)) if matches!(e.kind, VendorErrorKind::Unsupported | VendorErrorKind::NotFound) => {}
                Some(Err(e)) => timeline_failures.push(e.to_failure()),
                None => {}
            }
        }

        // A vendor that failed now but is in the list keeps its last good record, marked stale.
        let mut stale_since = None;
        if listed {
            for failure in &failures {
                if let Some(old) = self.index.last_good(key, failure.vendor).await {
                    records.push(old);
                    stale_since = self.index.refreshed_at().await;
                }
            }
        }
        // Answers the read cache kept while their vendor fails: the page shows the oldest age.
        if let Some(at) = cached_since {
            stale_since = Some(stale_since.map_or(at, |t: i64| t.min(at)));
        }
        for failure in cached_failures {
            if !failures.iter().any(|f| f.vendor == failure.vendor) {
                failures.push(failure);
            }
        }
        // A timeline refused for the same reason as the profile says nothing new.
        timeline_failures.retain(|t| !failures.contains(t));
        if records.is_empty() {
            // No vendor could show the customer. "Not found" when no vendor failed, or when
            // some said they do not know them and the others cannot look anyone up (an
            // endpoint they do not offer); otherwise the page says what each vendor answered.
            let permanent = |f: &VendorFailure| matches!(f.kind, VendorErrorKind::EndpointMissing | VendorErrorKind::Unsupported);
            return Err(if failures.is_empty() || (said_unknown > 0 && failures.iter().all(permanent)) {
                AppError::NotFound
            } else {
                AppError::Vendors(failures)
            });
        }
        let mut groups = merge_customers(records);
        let position = groups
            .iter()
            .position(|g| g.external_user_ids.iter().any(|e| e.value == key) || g.union_ids.iter().any(|u| u.value == key))
            .unwrap_or(0);
        let mut customer = groups.swap_remove(position);
        customer.key = key.to_string();
        customer.failures = failures;

        let outbox = self.store.outbox_for_customer(key).await?;
        let writes: Vec<_> = outbox.iter().map(write_status).collect();
        let mut timeline: Vec<TimelineItem> = timeline_entries
            .into_iter()
            .filter(|e| {
                !outbox
                    .iter()
                    .any(|w| w.vendor == e.vendor && w.vendor_record_id.as_deref() == Some(e.id.as_str()))
            })
            .map(|entry| {
                let change = match &entry.kind {
                    FollowUpKind::Change { text } => Some(parse_change_log(text)),
                    FollowUpKind::Note { .. } => None,
                };
                TimelineItem {
                    entry,
                    change,
                    delivery: None,
                }
            })
            .collect();
        timeline.extend(timeline_items_from_writes(&outbox));
        timeline.sort_by(|a, b| b.entry.at.cmp(&a.entry.at).then_with(|| b.entry.id.cmp(&a.entry.id)));
        let write_targets = write_targets(&self.adapters, &customer.sources);
        Ok(CustomerPage {
            customer,
            timeline,
            timeline_failures,
            writes,
            write_targets,
            stale_since,
            json: Default::default(),
        })
    }
}

/// Asks one vendor for the customer and, where it lists follow-ups, their timeline. With a
/// list entry to go on, both calls run at once; without, the timeline waits for the record
/// (Weiling's follow-up list needs its own id), and is skipped when the vendor does not
/// know the customer.
async fn ask_vendor(adapter: Arc<dyn VendorAdapter>, lookup: CustomerLookup, hint: Option<VendorCustomer>) -> VendorAnswer {
    let vendor = adapter.vendor();
    if !adapter.lists_follow_ups() {
        return VendorAnswer {
            vendor,
            customer: adapter.customer_aged(&lookup).await,
            timeline: None,
        };
    }
    let (customer, timeline) = match hint {
        Some(hint) => {
            let (customer, timeline) = tokio::join!(adapter.customer_aged(&lookup), adapter.follow_ups_aged(&hint));
            (customer, Some(timeline))
        }
        None => {
            let customer = adapter.customer_aged(&lookup).await;
            let timeline = match &customer {
                Ok(found) => match found.value.as_ref() {
                    Some(record) => Some(adapter.follow_ups_aged(record).await),
                    None => None,
                },
                // The vendor answers but could not look them up (an endpoint it does not
                // offer): its timeline may still answer by the external id alone (Tanma's
                // seed-001 list does). A vendor that is down is not asked a second time.
                Err(e) if e.kind == VendorErrorKind::EndpointMissing => {
                    let mut stub = VendorCustomer::new(vendor);
                    stub.external_user_id = Some(lookup.external_user_id.clone());
                    Some(adapter.follow_ups_aged(&stub).await)
                }
                Err(_) => None,
            };
            (customer, timeline)
        }
    };
    // A vendor that does not know the customer has no timeline to show either.
    let timeline = match &customer {
        Ok(found) if found.value.is_none() => None,
        _ => timeline,
    };
    VendorAnswer {
        vendor,
        customer,
        timeline,
    }
}

/// Which vendors this customer can be written to through, and why not where not: each
/// vendor's adapter decides for its own record.
pub fn write_targets(adapters: &[Arc<dyn VendorAdapter>], sources: &[VendorCustomer]) -> Vec<WriteTarget> {
    let mut targets: Vec<WriteTarget> = Vec::new();
    for source in sources {
        if targets.iter().any(|t| t.vendor == source.vendor) {
            continue;
        }
        if let Some(adapter) = adapters.iter().find(|a| a.vendor() == source.vendor) {
            targets.push(adapter.write_support(source));
        }
    }
    targets
}
