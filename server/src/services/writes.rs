//! The quick actions: set remark/description and add a follow-up note. Input is checked
//! against the vendor limits first; then one outbox item per vendor is committed; then
//! delivery is tried at once (bounded), and whatever did not go through keeps being retried
//! by the worker. The rep sees each vendor's state: 待发送 / 已送达 / 失败.

use std::sync::Arc;
use std::time::Duration;

use app::domain::{
    InputError, Role, VendorCustomer, Viewer, WriteOutcome, beijing_day_start, checked_note, checked_optional_plan, checked_remark,
};
use app::error::{AppError, Refused};

use super::customer_detail::write_targets;
use super::customer_index::CustomerIndex;
use super::delivery::Delivery;
use super::today::TodayService;
use super::write_status::write_status;
use crate::storage::Store;
use crate::storage::audit::{self, AuditAction, AuditEntry};
use crate::storage::outbox::{NewWrite, OutboxItem, WritePayload};
use crate::vendors::{CustomerRef, VendorAdapter};

/// How long a submission waits for the vendors before answering "待发送".
const INLINE_DELIVERY_BUDGET: Duration = Duration::from_secs(6);

pub struct WriteService {
    /// Each decides which of its records can be written to (`VendorAdapter::write_support`).
    pub adapters: Vec<Arc<dyn VendorAdapter>>,
    pub index: Arc<CustomerIndex>,
    pub store: Store,
    pub delivery: Delivery,
}

fn invalid(errors: Vec<InputError>) -> AppError {
    AppError::Invalid(Refused::Input { errors })
}

fn idempotency_key(token: &str) -> Result<String, AppError> {
    let token = token.trim();
    if token.is_empty() || token.len() > 100 || !token.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(AppError::Invalid(Refused::FormExpired));
    }
    Ok(token.to_string())
}

impl WriteService {
    pub async fn set_remark(
        &self,
        viewer: &Viewer,
        key: &str,
        remark: &str,
        description: &str,
        token: &str,
    ) -> Result<WriteOutcome, AppError> {
        // Normalised (line breaks, invisible characters) once: what is checked is what is
        // stored in the outbox and sent to the vendors.
        let (remark, description) = checked_remark(remark, description).map_err(invalid)?;
        let token = idempotency_key(token)?;
        let (remark, description) = (remark.as_str(), description.as_str());
        let payload = WritePayload::Remark {
            remark: (!remark.is_empty()).then(|| remark.to_string()),
            description: (!description.is_empty()).then(|| description.to_string()),
        };
        self.submit(viewer, key, &token, payload, |t| t.remark).await
    }

    pub async fn add_note(&self, viewer: &Viewer, key: &str, text: &str, token: &str) -> Result<WriteOutcome, AppError> {
        let text = checked_note(text).map_err(invalid)?;
        let token = idempotency_key(token)?;
        let payload = WritePayload::Note {
            text,
            at_ms: crate::clock::now_ms(),
        };
        self.submit(viewer, key, &token, payload, |t| t.note).await
    }

    /// A note and, optionally, the next follow-up, checked together: when either is refused,
    /// nothing is saved (every problem is reported). The note goes through the outbox as any
    /// note; the plan is saved once the note is queued.
    #[allow(clippy::too_many_arguments)]
    pub async fn add_note_with_plan(
        &self,
        viewer: &Viewer,
        key: &str,
        text: &str,
        token: &str,
        due: &str,
        plan: &str,
        today: &TodayService,
    ) -> Result<WriteOutcome, AppError> {
        let today_start = beijing_day_start(crate::clock::now_ms());
        let (text, next) = match (checked_note(text), checked_optional_plan(due, plan, today_start)) {
            (Ok(text), Ok(next)) => (text, next),
            (note, next) => {
                let mut errors = note.err().unwrap_or_default();
                errors.extend(next.err().unwrap_or_default());
                return Err(invalid(errors));
            }
        };
        let outcome = self.add_note(viewer, key, &text, token).await?;
        if let Some((due_at, plan)) = next {
            today.save_checked(viewer, key, due_at, &plan).await?;
        }
        Ok(outcome)
    }

    pub async fn retry(&self, viewer: &Viewer, key: &str, write_id: i64) -> Result<WriteOutcome, AppError> {
        let item = self.store.outbox_item(write_id).await?.ok_or(AppError::NotFound)?;
        if item.customer_key != key {
            return Err(AppError::NotFound);
        }
        self.visible_sources(viewer, key).await?;
        let now = crate::clock::now_ms();
        if !self.store.requeue(write_id, now).await? {
            return Err(AppError::Invalid(Refused::NotFailed));
        }
        if let Err(e) = audit::record(
            &self.store,
            AuditEntry::write(viewer, AuditAction::RetryWrite, key, item.vendor, write_id),
        )
        .await
        {
            tracing::error!(error = %e, "audit: cannot record resend");
        }
        let items = self.deliver_now(vec![write_id]).await?;
        Ok(WriteOutcome {
            writes: items.iter().map(write_status).collect(),
        })
    }

    /// The customer's vendor records, if the viewer may see them.
    async fn visible_sources(&self, viewer: &Viewer, key: &str) -> Result<Vec<VendorCustomer>, AppError> {
        let sources = self.index.locate(key).await.ok_or(AppError::NotFound)?;
        if !viewer.scope.allows(&sources) {
            return Err(AppError::Forbidden);
        }
        Ok(sources)
    }

    async fn submit(
        &self,
        viewer: &Viewer,
        key: &str,
        token: &str,
        payload: WritePayload,
        supports: impl Fn(&app::domain::WriteTarget) -> bool,
    ) -> Result<WriteOutcome, AppError> {
        let sources = self.visible_sources(viewer, key).await?;
        let targets = write_targets(&self.adapters, &sources);
        let kind = match payload {
            WritePayload::Remark { .. } => "remark",
            WritePayload::Note { .. } => "note",
        };
        // Keyed by who writes, to whom and with which form token: another user's or another
        // customer's use of the same token is a different write, never taken for this one.
        let writes = writes_for(key, &targets, &sources, viewer, &payload, &supports, |vendor| {
            format!("u{}:{key}:{token}:{}:{kind}", viewer.user_id, vendor.slug())
        });
        if writes.is_empty() {
            // The page lists each vendor's limitation next to the form.
            return Err(AppError::Invalid(Refused::NoWriteTarget));
        }
        // A resubmitted form (same token) is recognised and answered with what it queued; a
        // token replayed with anything different is refused, not silently dropped.
        let mut resubmitted = std::collections::HashSet::new();
        for write in &writes {
            if let Some(existing) = self.store.outbox_item_by_key(&write.idempotency_key).await? {
                if !same_write(&existing, write) {
                    return Err(AppError::Invalid(Refused::FormExpired));
                }
                resubmitted.insert(existing.id);
            }
        }
        let now = crate::clock::now_ms();
        let queued = self.store.enqueue(&writes, now).await?;
        if queued.iter().zip(&writes).any(|(item, write)| !same_write(item, write)) {
            // Another submission with this token won the race to the queue.
            return Err(AppError::Invalid(Refused::FormExpired));
        }
        let action = if kind == "note" {
            AuditAction::AddNote
        } else {
            AuditAction::SetRemark
        };
        // A resubmission is not a new write: it gets no second audit line.
        for item in queued.iter().filter(|i| !resubmitted.contains(&i.id)) {
            let summary = write_status(item).content.audit_detail();
            if let Err(e) = audit::record(
                &self.store,
                AuditEntry::write(viewer, action, key, item.vendor, item.id).with_detail(summary),
            )
            .await
            {
                tracing::error!(error = %e, "audit: cannot record write");
            }
        }
        let items = self.deliver_now(queued.iter().map(|i| i.id).collect()).await?;
        Ok(WriteOutcome {
            writes: items.iter().map(write_status).collect(),
        })
    }

    /// Tries delivery right away (bounded), then reports each item's state. Items already
    /// delivered or in flight (a resubmitted form) are only reported.
    async fn deliver_now(&self, ids: Vec<i64>) -> Result<Vec<OutboxItem>, AppError> {
        let now = crate::clock::now_ms();
        let claimed = self.store.claim_ids(&ids, now).await?;
        // A timed-out inline delivery keeps running in the background task below.
        let delivery = self.delivery.clone();
        let inline = tokio::spawn(async move { delivery.deliver_claimed(claimed).await });
        let _ = tokio::time::timeout(INLINE_DELIVERY_BUDGET, inline).await;
        self.delivery.wake();
        let mut items = Vec::new();
        for id in ids {
            if let Some(item) = self.store.outbox_item(id).await? {
                items.push(item);
            }
        }
        Ok(items)
    }
}

/// Whether a queued item is the write `write` asks for: same customer, vendor, target,
/// author and content (a note's time is when it was first submitted).
fn same_write(item: &OutboxItem, write: &NewWrite) -> bool {
    let same_payload = match (&item.payload, &write.payload) {
        (WritePayload::Note { text: a, .. }, WritePayload::Note { text: b, .. }) => a == b,
        (a, b) => a == b,
    };
    same_payload
        && item.customer_key == write.customer_key
        && item.vendor == write.vendor
        && item.target == write.target
        && item.author == write.author
}

/// The writes one customer gets: one per vendor among `targets` that `supports` this write
/// and through which the viewer may act, keyed by `idempotency_key(vendor)`. Single and bulk
/// writes share it.
pub(crate) fn writes_for(
    key: &str,
    targets: &[app::domain::WriteTarget],
    sources: &[VendorCustomer],
    viewer: &Viewer,
    payload: &WritePayload,
    supports: impl Fn(&app::domain::WriteTarget) -> bool,
    idempotency_key: impl Fn(app::domain::VendorId) -> String,
) -> Vec<NewWrite> {
    let mut writes = Vec::new();
    for target in targets.iter().filter(|t| supports(t)) {
        let Some(source) = sources.iter().find(|s| s.vendor == target.vendor) else {
            continue;
        };
        let Some(rep_user_id) = acting_rep(viewer, source) else { continue };
        writes.push(NewWrite {
            idempotency_key: idempotency_key(target.vendor),
            vendor: target.vendor,
            customer_key: key.to_string(),
            target: CustomerRef {
                external_user_id: source.external_user_id.clone(),
                union_id: source.union_id.clone(),
                vendor_customer_id: source.vendor_customer_id.clone(),
                rep_user_id,
            },
            payload: payload.clone(),
            author: Some(viewer.display_name.clone()),
        });
    }
    writes
}

/// Whose relationship the write goes to: the viewer's own when they follow the customer at
/// that vendor; for managers and admins, otherwise the first follower there. Single and bulk
/// writes share it.
pub(crate) fn acting_rep(viewer: &Viewer, source: &VendorCustomer) -> Option<String> {
    let own = viewer.wecom.get(source.vendor);
    if let Some(own) = own
        && source.follow_users.iter().any(|f| f.user_id == own)
    {
        return Some(own.to_string());
    }
    match viewer.role {
        Role::Manager | Role::Admin => source.follow_users.first().map(|f| f.user_id.clone()),
        Role::Rep => None,
    }
}
