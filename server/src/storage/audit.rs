//! The `audit_log` table: who changed what, when, at which customer and vendor, and what the
//! vendor answered. The write path records each vendor write when it is queued ([`record`])
//! and its outcome when delivery finishes ([`record_delivery`]); admins read it at
//! `/admin/audit` ([`list`]) and download it as CSV (`auth::audit_export`, from [`all`]).

use app::api::admin::AuditRow;
use app::domain::{VendorId, Viewer};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{StorageError, Store};
use crate::clock::now_ms;

/// What was done.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuditAction {
    SetRemark,
    AddNote,
    RetryWrite,
    /// A bulk note or remark from the customer list: one line per job, with its counts.
    BulkWrite,
    /// A resend of a bulk job's failed writes.
    BulkRetry,
    UserCreated,
    UserUpdated,
    PasswordChanged,
    /// A rep set or changed their next follow-up of a customer (今日待办).
    SetFollowUp,
    /// A rep marked their next follow-up done.
    CompleteFollowUp,
    /// A download of the customer list as CSV (the detail holds the filter and row count).
    ExportCustomers,
    /// A download of one customer's timeline as CSV.
    ExportTimeline,
}

impl AuditAction {
    pub fn slug(self) -> &'static str {
        match self {
            AuditAction::SetRemark => "set_remark",
            AuditAction::AddNote => "add_note",
            AuditAction::RetryWrite => "retry_write",
            AuditAction::BulkWrite => "bulk_write",
            AuditAction::BulkRetry => "bulk_retry",
            AuditAction::UserCreated => "user_created",
            AuditAction::UserUpdated => "user_updated",
            AuditAction::PasswordChanged => "password_changed",
            AuditAction::SetFollowUp => "set_follow_up",
            AuditAction::CompleteFollowUp => "complete_follow_up",
            AuditAction::ExportCustomers => "export_customers",
            AuditAction::ExportTimeline => "export_timeline",
        }
    }
}

/// Where a recorded action stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuditResult {
    /// Committed to the outbox; the vendor has not answered yet.
    Queued,
    /// The vendor accepted the write.
    Delivered,
    /// The vendor refused it or delivery gave up.
    Failed,
    /// A local change (users) that took effect.
    Ok,
}

impl AuditResult {
    pub fn slug(self) -> &'static str {
        match self {
            AuditResult::Queued => "queued",
            AuditResult::Delivered => "delivered",
            AuditResult::Failed => "failed",
            AuditResult::Ok => "ok",
        }
    }
}

/// Who did it; built from the request's `Viewer`, or named for the command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditActor {
    pub user_id: Option<i64>,
    pub username: String,
}

impl From<&Viewer> for AuditActor {
    fn from(v: &Viewer) -> Self {
        AuditActor {
            user_id: Some(v.user_id),
            username: v.username.clone(),
        }
    }
}

/// One audit record to write.
#[derive(Clone, Debug)]
pub struct AuditEntry {
    pub actor: AuditActor,
    pub action: AuditAction,
    /// The customer's key (external user id) for customer writes.
    pub customer_key: Option<String>,
    pub vendor: Option<VendorId>,
    /// The outbox item id, so [`record_delivery`] can attach the vendor's answer.
    pub write_id: Option<i64>,
    pub result: AuditResult,
    /// Free text: what was written (truncated) or the vendor's error. Never a secret.
    pub detail: Option<String>,
    /// Unix ms; `None` = now.
    pub at_ms: Option<i64>,
}

impl AuditEntry {
    /// A customer write queued for `vendor` as outbox item `write_id`.
    pub fn write(viewer: &Viewer, action: AuditAction, customer_key: &str, vendor: VendorId, write_id: i64) -> Self {
        AuditEntry {
            actor: viewer.into(),
            action,
            customer_key: Some(customer_key.to_string()),
            vendor: Some(vendor),
            write_id: Some(write_id),
            result: AuditResult::Queued,
            detail: None,
            at_ms: None,
        }
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}

const DETAIL_MAX_CHARS: usize = 500;

fn truncate(text: Option<&str>) -> Option<String> {
    text.map(|t| t.chars().take(DETAIL_MAX_CHARS).collect())
}

/// Appends one entry; returns its id.
pub async fn record(store: &Store, entry: AuditEntry) -> Result<i64, StorageError> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO audit_log (at, user_id, username, action, customer_key, vendor, write_id, result, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(entry.at_ms.unwrap_or_else(now_ms))
    .bind(entry.actor.user_id)
    .bind(&entry.actor.username)
    .bind(entry.action.slug())
    .bind(&entry.customer_key)
    .bind(entry.vendor.map(VendorId::slug))
    .bind(entry.write_id)
    .bind(entry.result.slug())
    .bind(truncate(entry.detail.as_deref()))
    .fetch_one(store.pool())
    .await?;
    Ok(id)
}

/// Attaches the vendor's answer to the entries of outbox item `write_id` (delivered, or
/// failed with the error). Returns how many entries were updated (0 when the write was
/// never recorded).
pub async fn record_delivery(store: &Store, write_id: i64, result: AuditResult, detail: Option<&str>) -> Result<u64, StorageError> {
    let r = sqlx::query("UPDATE audit_log SET result = $1, detail = COALESCE($2, detail), result_at = $3 WHERE write_id = $4")
        .bind(result.slug())
        .bind(truncate(detail))
        .bind(now_ms())
        .bind(write_id)
        .execute(store.pool())
        .await?;
    Ok(r.rows_affected())
}

const ROW_COLUMNS: &str = "id, at, username, action, customer_key, vendor, write_id, result, detail, result_at";

fn from_row(row: &AnyRow) -> AuditRow {
    let vendor: Option<String> = row.get("vendor");
    AuditRow {
        id: row.get("id"),
        at_ms: row.get("at"),
        username: row.get("username"),
        action: row.get("action"),
        customer_key: row.get("customer_key"),
        vendor: vendor.as_deref().and_then(VendorId::from_slug),
        write_id: row.get("write_id"),
        result: row.get("result"),
        detail: row.get("detail"),
        result_at_ms: row.get("result_at"),
    }
}

/// Newest first, `limit` entries with ids below `before` (for paging).
pub async fn list(store: &Store, before: Option<i64>, limit: i64) -> Result<Vec<AuditRow>, StorageError> {
    let rows = sqlx::query(&format!(
        "SELECT {ROW_COLUMNS} FROM audit_log WHERE id < $1 ORDER BY id DESC LIMIT $2"
    ))
    .bind(before.unwrap_or(i64::MAX))
    .bind(limit)
    .fetch_all(store.pool())
    .await?;
    Ok(rows.iter().map(from_row).collect())
}

/// The whole log, oldest first (for the CSV export).
pub async fn all(store: &Store) -> Result<Vec<AuditRow>, StorageError> {
    let rows = sqlx::query(&format!("SELECT {ROW_COLUMNS} FROM audit_log ORDER BY id"))
        .fetch_all(store.pool())
        .await?;
    Ok(rows.iter().map(from_row).collect())
}
