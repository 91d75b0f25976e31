//! Bulk notes and remarks from the customer list (issue 11): one note, or one remark and
//! description, to up to `BULK_MAX_CUSTOMERS` customers at once.
//!
//! Checked exactly as a single write (the same normalisation and limits, the same access
//! rule: a rep writes only to customers they may see, through their own relationship); then
//! the job and one outbox write per customer and vendor are committed together, before any
//! vendor call; then the writes are delivered in batches (`Delivery::deliver_ids`: Juzibot's
//! batch endpoints, one call per customer elsewhere). Customers none of whose vendors takes
//! the write are listed on the result page as not sent; the rest of the job goes ahead.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use app::domain::{
    BULK_MAX_CUSTOMERS, BulkAction, BulkCounts, BulkCustomer, BulkFormSetup, BulkItem, BulkJobView, BulkRequest, BulkRetried,
    BulkSelection, BulkSkip, BulkStarted, CustomerQuery, Delivery as DeliveryState, Role, VendorCustomer, VendorId, Viewer, WriteContent,
    WriteTarget, checked_note, checked_remark,
};
use app::error::{AppError, Refused};

use super::Backend;
use super::customer_detail::write_targets;
use super::customer_index::CustomerIndex;
use super::delivery::Delivery;
use super::write_status::{delivery_of, write_status};
use super::writes::writes_for;
use crate::storage::Store;
use crate::storage::audit::{self, AuditAction, AuditActor, AuditEntry, AuditResult};
use crate::storage::bulk_jobs::{JobCustomer, NewBulkJob};
use crate::storage::outbox::{NewWrite, OutboxItem, WritePayload};
use crate::vendors::VendorAdapter;

/// How long a submission waits for the vendors before showing the result page (whatever has
/// not been answered by then shows as 待发送 and keeps going in the background).
const INLINE_DELIVERY_BUDGET: Duration = Duration::from_secs(3);

/// What the bulk server functions call.
pub struct BulkService<'a> {
    adapters: Vec<Arc<dyn VendorAdapter>>,
    index: &'a CustomerIndex,
    store: &'a Store,
    delivery: &'a Delivery,
}

/// A customer of the selection and the writes it gets.
struct Planned {
    customer: JobCustomer,
    writes: Vec<NewWrite>,
}

fn invalid(refused: Refused) -> AppError {
    AppError::Invalid(refused)
}

/// The form's token, as single writes check it.
fn form_token(token: &str) -> Result<&str, AppError> {
    let token = token.trim();
    if token.is_empty() || token.len() > 100 || !token.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(invalid(Refused::FormExpired));
    }
    Ok(token)
}

/// The checked payload of an action: what is stored and sent, or why it is refused.
fn payload(action: &BulkAction, now_ms: i64) -> Result<WritePayload, AppError> {
    let refused = |errors| invalid(Refused::Input { errors });
    match action {
        BulkAction::Note { text } => Ok(WritePayload::Note {
            text: checked_note(text).map_err(refused)?,
            at_ms: now_ms,
        }),
        BulkAction::Remark { remark, description } => {
            let (remark, description) = checked_remark(remark, description).map_err(refused)?;
            Ok(WritePayload::Remark {
                remark: (!remark.is_empty()).then_some(remark),
                description: (!description.is_empty()).then_some(description),
            })
        }
    }
}

/// Ticked keys, each once, in order; refused when none or too many.
fn selected_keys(keys: &[String]) -> Result<Vec<String>, AppError> {
    let mut seen = HashSet::new();
    let keys: Vec<String> = keys
        .iter()
        .map(|k| k.trim())
        .filter(|k| !k.is_empty() && seen.insert(*k))
        .map(str::to_string)
        .collect();
    match keys.len() {
        0 => Err(invalid(Refused::NothingSelected)),
        n if n > BULK_MAX_CUSTOMERS => Err(invalid(Refused::TooManySelected)),
        _ => Ok(keys),
    }
}

fn content(payload: &WritePayload) -> WriteContent {
    match payload {
        WritePayload::Note { text, .. } => WriteContent::Note { text: text.clone() },
        WritePayload::Remark { remark, description } => WriteContent::Remark {
            remark: remark.clone(),
            description: description.clone(),
        },
    }
}

impl<'a> BulkService<'a> {
    pub fn of(backend: &'a Backend) -> Self {
        BulkService {
            adapters: backend.adapters(),
            index: &backend.index,
            store: &backend.store,
            delivery: &backend.delivery,
        }
    }

    pub fn form(&self) -> BulkFormSetup {
        BulkFormSetup {
            token: uuid::Uuid::new_v4().simple().to_string(),
            max_customers: BULK_MAX_CUSTOMERS,
        }
    }

    pub async fn write(&self, viewer: &Viewer, request: BulkRequest) -> Result<BulkStarted, AppError> {
        let now = crate::clock::now_ms();
        let payload = payload(&request.action, now)?;
        let job_key = format!("{}:{}", viewer.user_id, form_token(&request.token)?);
        let (keys, mut names, checked_scope) = match &request.selection {
            BulkSelection::Keys { keys } => (selected_keys(keys)?, HashMap::new(), false),
            // The list's query already keeps to what the viewer may see.
            BulkSelection::Filter { query } => {
                let rows = self.matching(viewer, query).await?;
                let keys = rows.iter().map(|(key, _)| key.clone()).collect();
                (keys, rows.into_iter().collect(), true)
            }
        };
        let note = matches!(payload, WritePayload::Note { .. });
        let mut planned = Vec::with_capacity(keys.len());
        for key in keys {
            let Some(sources) = self.index.locate(&key).await else {
                planned.push(Planned {
                    customer: JobCustomer {
                        key,
                        name: None,
                        skipped: Some(BulkSkip::NotFound),
                    },
                    writes: Vec::new(),
                });
                continue;
            };
            // One customer outside the viewer's scope refuses the whole job: nothing is queued.
            if !checked_scope && !viewer.scope.allows(&sources) {
                return Err(AppError::Forbidden);
            }
            let name = match names.remove(&key) {
                Some(name) => name,
                // The list's ids-only records carry no name; its row, found by key, does.
                None => self.index.summary(&key).await.and_then(|row| row.name),
            };
            planned.push(self.plan(viewer, &job_key, key, name, &sources, &payload, note));
        }
        if planned.iter().all(|p| p.writes.is_empty()) {
            return Err(invalid(Refused::NoWriteTarget));
        }
        let (customers, writes): (Vec<JobCustomer>, Vec<Vec<NewWrite>>) = planned.into_iter().map(|p| (p.customer, p.writes)).unzip();
        let writes: Vec<NewWrite> = writes.into_iter().flatten().collect();
        let job = NewBulkJob {
            idempotency_key: job_key,
            author_id: viewer.user_id,
            author_name: viewer.display_name.clone(),
            payload,
            customers,
            writes,
        };
        let created = self.store.create_bulk_job(&job, now).await?;
        if created.new {
            self.audit_job(viewer, created.id, &job).await;
        }
        self.deliver(created.write_ids).await;
        Ok(BulkStarted { job_id: created.id })
    }

    /// Every customer the viewer's list shows for `query`: key and name, in list order, from
    /// one walk over the list (which holds still meanwhile), stopping past the limit.
    async fn matching(&self, viewer: &Viewer, query: &CustomerQuery) -> Result<Vec<(String, Option<String>)>, AppError> {
        let rows: Vec<(String, Option<String>)> = self
            .index
            .matching(&viewer.scope, query)
            .await
            .take(BULK_MAX_CUSTOMERS + 1)
            .map(|c| (c.key, c.name))
            .collect();
        match rows.len() {
            0 => Err(invalid(Refused::NothingSelected)),
            n if n > BULK_MAX_CUSTOMERS => Err(invalid(Refused::TooManySelected)),
            _ => Ok(rows),
        }
    }

    /// The writes one customer gets: one per vendor that takes this kind of write through the
    /// viewer, or none and why.
    #[allow(clippy::too_many_arguments)]
    fn plan(
        &self,
        viewer: &Viewer,
        job_key: &str,
        key: String,
        name: Option<String>,
        sources: &[VendorCustomer],
        payload: &WritePayload,
        note: bool,
    ) -> Planned {
        let supports = |t: &WriteTarget| if note { t.note } else { t.remark };
        let targets = write_targets(&self.adapters, sources);
        let writes = writes_for(&key, &targets, sources, viewer, payload, supports, |vendor| {
            format!("bulk:{job_key}:{key}:{}", vendor.slug())
        });
        Planned {
            customer: JobCustomer {
                key,
                name,
                skipped: writes.is_empty().then_some(BulkSkip::NoWriteTarget),
            },
            writes,
        }
    }

    /// One audit line per job: what, to how many customers, how many writes per vendor.
    async fn audit_job(&self, viewer: &Viewer, job_id: i64, job: &NewBulkJob) {
        let per_vendor: Vec<String> = VendorId::ALL
            .into_iter()
            .filter_map(|v| {
                let n = job.writes.iter().filter(|w| w.vendor == v).count();
                (n > 0).then(|| format!("{}={n}", v.slug()))
            })
            .collect();
        let skipped = job.customers.iter().filter(|c| c.skipped.is_some()).count();
        let detail = format!(
            "job={job_id} kind={} customers={} writes={} ({}) skipped={skipped}: {}",
            job.payload.kind(),
            job.customers.len(),
            job.writes.len(),
            per_vendor.join(", "),
            content(&job.payload).audit_detail()
        );
        self.audit(viewer, AuditAction::BulkWrite, detail).await;
    }

    async fn audit(&self, viewer: &Viewer, action: AuditAction, detail: String) {
        let entry = AuditEntry {
            actor: AuditActor::from(viewer),
            action,
            customer_key: None,
            vendor: None,
            write_id: None,
            result: AuditResult::Queued,
            detail: Some(detail),
            at_ms: None,
        };
        if let Err(e) = audit::record(self.store, entry).await {
            tracing::error!(error = %e, "audit: cannot record bulk write");
        }
    }

    /// Delivers the writes in the background, waiting a little so a small job's page shows
    /// its outcome at once.
    async fn deliver(&self, ids: Vec<i64>) {
        let delivery = self.delivery.clone();
        let inline = tokio::spawn(async move {
            if let Err(e) = delivery.deliver_ids(&ids).await {
                // Still pending in the outbox: the worker picks them up.
                tracing::error!(error = %e, "bulk: cannot claim the job's writes");
            }
        });
        let _ = tokio::time::timeout(INLINE_DELIVERY_BUDGET, inline).await;
        self.delivery.wake();
    }

    /// The job, if the viewer may see it: its author, or an admin.
    async fn visible_job(&self, viewer: &Viewer, id: i64) -> Result<crate::storage::bulk_jobs::BulkJob, AppError> {
        let job = self.store.bulk_job(id).await?.ok_or(AppError::NotFound)?;
        if job.author_id != viewer.user_id && viewer.role != Role::Admin {
            return Err(AppError::Forbidden);
        }
        Ok(job)
    }

    pub async fn job(&self, viewer: &Viewer, id: i64) -> Result<BulkJobView, AppError> {
        let job = self.visible_job(viewer, id).await?;
        let customers = self.store.bulk_job_customers(id).await?;
        let writes = self.store.bulk_job_writes(id).await?;
        Ok(view(job, customers, writes))
    }

    /// Sends the job's failed writes again (`write_id`: that one only).
    pub async fn retry(&self, viewer: &Viewer, id: i64, write_id: Option<i64>) -> Result<BulkRetried, AppError> {
        self.visible_job(viewer, id).await?;
        let failed: Vec<OutboxItem> = self
            .store
            .bulk_job_writes(id)
            .await?
            .into_iter()
            .filter(|w| write_id.is_none_or(|only| w.id == only))
            .filter(|w| matches!(delivery_of(w), DeliveryState::Failed { .. }))
            .collect();
        // The same rule as a single resend: only customers the viewer may (still) see.
        let mut allowed = Vec::with_capacity(failed.len());
        for write in failed {
            match self.index.locate(&write.customer_key).await {
                Some(sources) if viewer.scope.allows(&sources) => allowed.push(write.id),
                _ if write_id.is_some() => return Err(AppError::Forbidden),
                _ => {}
            }
        }
        let requeued = self.store.requeue_many(&allowed, crate::clock::now_ms()).await?;
        if requeued.is_empty() {
            return Err(invalid(Refused::NotFailed));
        }
        self.audit(viewer, AuditAction::BulkRetry, format!("job={id} requeued={}", requeued.len()))
            .await;
        let count = requeued.len() as u32;
        self.deliver(requeued).await;
        Ok(BulkRetried { requeued: count })
    }
}

/// The result page: counts, and each customer with its writes, failed ones first.
fn view(job: crate::storage::bulk_jobs::BulkJob, customers: Vec<JobCustomer>, writes: Vec<OutboxItem>) -> BulkJobView {
    let mut counts = BulkCounts::default();
    let mut vendors: Vec<(VendorId, BulkCounts)> = VendorId::ALL.into_iter().map(|v| (v, BulkCounts::default())).collect();
    let mut rows: Vec<BulkCustomer> = customers
        .into_iter()
        .map(|c| BulkCustomer {
            key: c.key,
            name: c.name,
            writes: Vec::new(),
            skipped: c.skipped,
        })
        .collect();
    let position: std::collections::HashMap<String, usize> = rows.iter().enumerate().map(|(i, r)| (r.key.clone(), i)).collect();
    for item in &writes {
        let status = write_status(item);
        counts.add(&status.delivery);
        if let Some((_, c)) = vendors.iter_mut().find(|(v, _)| *v == item.vendor) {
            c.add(&status.delivery);
        }
        if let Some(&i) = position.get(&item.customer_key) {
            rows[i].writes.push(BulkItem {
                id: item.id,
                vendor: item.vendor,
                rep_user_id: status.rep_user_id,
                delivery: status.delivery,
            });
        }
    }
    for row in &mut rows {
        row.writes.sort_by_key(|w| w.vendor);
    }
    // Stable: within each group, the selection's order.
    rows.sort_by_key(BulkCustomer::attention);
    BulkJobView {
        id: job.id,
        author: job.author_name,
        created_at: job.created_at,
        content: content(&job.payload),
        counts,
        vendors: vendors.into_iter().filter(|(_, c)| c.total() > 0).collect(),
        skipped: rows.iter().filter(|r| r.skipped.is_some()).count() as u32,
        customers: rows,
        generated_at: crate::clock::now_ms(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticked_keys_are_deduplicated_and_limited() {
        let keys: Vec<String> = [" wmA", "wmB", "wmA", "", "wmC "].iter().map(|k| k.to_string()).collect();
        assert_eq!(selected_keys(&keys).unwrap(), ["wmA", "wmB", "wmC"]);
        assert_eq!(selected_keys(&[]), Err(invalid(Refused::NothingSelected)));
        assert_eq!(selected_keys(&["  ".to_string()]), Err(invalid(Refused::NothingSelected)));
        let many: Vec<String> = (0..=BULK_MAX_CUSTOMERS).map(|i| format!("wm{i}")).collect();
        assert_eq!(selected_keys(&many), Err(invalid(Refused::TooManySelected)));
        assert_eq!(selected_keys(&many[..BULK_MAX_CUSTOMERS]).unwrap().len(), BULK_MAX_CUSTOMERS);
    }

    #[test]
    fn actions_are_checked_as_single_writes_are() {
        let note = payload(
            &BulkAction::Note {
                text: " 回访\r\n确认 ".into(),
            },
            5,
        )
        .unwrap();
        assert_eq!(
            note,
            WritePayload::Note {
                text: "回访\n确认".into(),
                at_ms: 5
            }
        );
        assert!(matches!(
            payload(&BulkAction::Note { text: "字".repeat(1001) }, 5),
            Err(AppError::Invalid(Refused::Input { .. }))
        ));
        let remark = payload(
            &BulkAction::Remark {
                remark: "王总".into(),
                description: " ".into(),
            },
            5,
        )
        .unwrap();
        assert_eq!(
            remark,
            WritePayload::Remark {
                remark: Some("王总".into()),
                description: None
            }
        );
        assert!(
            payload(
                &BulkAction::Remark {
                    remark: String::new(),
                    description: String::new()
                },
                5
            )
            .is_err()
        );
        assert_eq!(form_token("abc-123"), Ok("abc-123"));
        assert_eq!(form_token("a b"), Err(invalid(Refused::FormExpired)));
    }
}
