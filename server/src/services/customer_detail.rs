//! `/customers/{key}`: asks every vendor at once for the customer and their follow-ups (one
//! parallel round, so the page takes as long as the slowest vendor, not the sum), merges the
//! answers, and adds the notes SalesDesk itself sent (Juzibot cannot list notes back).

use std::sync::Arc;

use app::domain::{
    CustomerDetail, CustomerPage, FollowUpEntry, FollowUpKind, TimelineItem, VendorCustomer, VendorErrorKind, VendorFailure, VendorId,
    Viewer, WriteTarget, parse_change_log,
};
use app::error::AppError;

use super::customer_index::CustomerIndex;
use super::detail_memo::{DetailInputs, DetailMemo};
use super::merge::merge_customers;
use super::write_status::{timeline_items_from_writes, write_status};
use crate::storage::Store;
use crate::vendors::{Aged, VendorAdapter, VendorError};

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
        let answers = futures::future::join_all(self.adapters.iter().map(|adapter| {
            let hint = known
                .as_ref()
                .and_then(|sources| sources.iter().find(|s| s.vendor == adapter.vendor()).cloned());
            ask_vendor(adapter.clone(), key.to_string(), hint)
        }))
        .await;
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
        if !viewer.scope.allows(&page.customer.sources) {
            return Err(AppError::Forbidden);
        }
        Ok(CustomerDetail {
            page,
            generated_at: chrono::Utc::now().timestamp_millis(),
            form_token: uuid::Uuid::new_v4().simple().to_string(),
        })
    }

    /// Merges the vendors' answers and the customer's outbox into the page.
    async fn assemble(&self, key: &str, listed: bool, answers: Vec<VendorAnswer>) -> Result<CustomerPage, AppError> {
        let mut records = Vec::new();
        let mut failures: Vec<VendorFailure> = Vec::new();
        let mut timeline_entries = Vec::new();
        let mut timeline_failures = Vec::new();
        let mut cached_failures: Vec<VendorFailure> = Vec::new();
        let mut cached_since: Option<i64> = None;
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
                Ok(None) => {}
                Err(e) => failures.push(e.to_failure()),
            }
            match answer.timeline.map(|t| t.map(Aged::into_value)) {
                Some(Ok(entries)) => timeline_entries.extend(entries),
                Some(Err(e)) if e.kind == VendorErrorKind::Unsupported || e.kind == VendorErrorKind::NotFound => {}
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
        if records.is_empty() {
            return match failures.into_iter().next() {
                Some(f) => Err(AppError::Vendor(f)),
                None => Err(AppError::NotFound),
            };
        }
        let mut groups = merge_customers(records);
        let position = groups
            .iter()
            .position(|g| g.external_user_ids.iter().any(|e| e.value == key) || g.union_ids.iter().any(|u| u.value == key))
            .unwrap_or(0);
        let mut customer = groups.swap_remove(position);
        customer.key = key.to_string();
        customer.failures = failures;

        let outbox = self.store.outbox_for_customer(key).await.map_err(internal)?;
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
        let write_targets = write_targets(&customer.sources);
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

async fn ask_vendor(adapter: Arc<dyn VendorAdapter>, key: String, hint: Option<VendorCustomer>) -> VendorAnswer {
    let vendor = adapter.vendor();
    let rep = hint.as_ref().and_then(|h| h.follow_users.first().map(|f| f.user_id.clone()));
    // Only ask for follow-ups where the vendor can list them and is likely to know the person.
    let wants_timeline = vendor != VendorId::Juzi && (hint.is_some() || vendor == VendorId::Tanma);
    let stub = hint.unwrap_or_else(|| {
        let mut s = VendorCustomer::new(vendor);
        s.external_user_id = Some(key.clone());
        s
    });
    let customer_call = adapter.customer_aged(&key, rep.as_deref());
    let (customer, timeline) = if wants_timeline {
        let (customer, timeline) = tokio::join!(customer_call, adapter.follow_ups_aged(&stub));
        (customer, Some(timeline))
    } else {
        (customer_call.await, None)
    };
    VendorAnswer {
        vendor,
        customer,
        timeline,
    }
}

/// Which vendors this customer can be written to through, and why not where not.
pub fn write_targets(sources: &[VendorCustomer]) -> Vec<WriteTarget> {
    let mut targets = Vec::new();
    for s in sources {
        let target = match s.vendor {
            VendorId::Juzi => {
                let has_union = s.union_id.as_deref().is_some_and(|u| !u.is_empty());
                WriteTarget {
                    vendor: VendorId::Juzi,
                    remark: has_union,
                    note: has_union,
                    limitation_zh: (!has_union)
                        .then(|| "句子互动的写入接口需要客户的 unionId，该客户没有，无法通过句子互动修改。".to_string()),
                }
            }
            VendorId::Weiling => {
                let has_id = s.vendor_customer_id.is_some();
                WriteTarget {
                    vendor: VendorId::Weiling,
                    remark: has_id,
                    note: has_id,
                    limitation_zh: (!has_id).then(|| "卫瓴没有返回该客户的内部编号，暂时无法写入。".to_string()),
                }
            }
            VendorId::Tanma => WriteTarget {
                vendor: VendorId::Tanma,
                remark: false,
                note: false,
                limitation_zh: Some("探马未公开修改备注和新增跟进的接口，请在探马中操作。".to_string()),
            },
        };
        if !targets.iter().any(|t: &WriteTarget| t.vendor == target.vendor) {
            targets.push(target);
        }
    }
    targets
}

pub fn internal(e: String) -> AppError {
    tracing::error!(error = %e, "internal error");
    // The id in the page's message is the one in the logs (see web::request_id).
    AppError::Internal {
        request_id: crate::web::request_id::current(),
    }
}
