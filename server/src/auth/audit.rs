//! The audit log: who changed what, when, at which customer and vendor, and what the vendor
//! answered. The write path records each vendor write when it is queued
//! ([`record`]) and its outcome when delivery finishes ([`record_delivery`]); admins read it
//! at `/admin/audit` and download it as CSV.

use app::api::admin::AuditRow;
use app::domain::{VendorId, Viewer};
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use crate::storage::Store;

/// What was done.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuditAction {
    SetRemark,
    AddNote,
    RetryWrite,
    UserCreated,
    UserUpdated,
    PasswordChanged,
}

impl AuditAction {
    pub fn slug(self) -> &'static str {
        match self {
            AuditAction::SetRemark => "set_remark",
            AuditAction::AddNote => "add_note",
            AuditAction::RetryWrite => "retry_write",
            AuditAction::UserCreated => "user_created",
            AuditAction::UserUpdated => "user_updated",
            AuditAction::PasswordChanged => "password_changed",
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

fn db(e: sqlx::Error) -> String {
    format!("audit database error: {e}")
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn truncate(text: Option<&str>) -> Option<String> {
    text.map(|t| t.chars().take(DETAIL_MAX_CHARS).collect())
}

/// Appends one entry; returns its id.
pub async fn record(store: &Store, entry: AuditEntry) -> Result<i64, String> {
    let r = sqlx::query("INSERT INTO audit_log (at, user_id, username, action, customer_key, vendor, write_id, result, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(entry.at_ms.unwrap_or_else(now_ms))
        .bind(entry.actor.user_id)
        .bind(&entry.actor.username)
        .bind(entry.action.slug())
        .bind(&entry.customer_key)
        .bind(entry.vendor.map(VendorId::slug))
        .bind(entry.write_id)
        .bind(entry.result.slug())
        .bind(truncate(entry.detail.as_deref()))
        .execute(store.pool())
        .await
        .map_err(db)?;
    Ok(r.last_insert_rowid())
}

/// Attaches the vendor's answer to the entries of outbox item `write_id` (delivered, or
/// failed with the error). Returns how many entries were updated (0 when the write was
/// never recorded).
pub async fn record_delivery(store: &Store, write_id: i64, result: AuditResult, detail: Option<&str>) -> Result<u64, String> {
    let r = sqlx::query("UPDATE audit_log SET result = ?, detail = COALESCE(?, detail), result_at = ? WHERE write_id = ?")
        .bind(result.slug())
        .bind(truncate(detail))
        .bind(now_ms())
        .bind(write_id)
        .execute(store.pool())
        .await
        .map_err(db)?;
    Ok(r.rows_affected())
}

fn from_row(row: &SqliteRow) -> AuditRow {
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
pub async fn list(store: &Store, before: Option<i64>, limit: i64) -> Result<Vec<AuditRow>, String> {
    let rows = sqlx::query("SELECT id, at, username, action, customer_key, vendor, write_id, result, detail, result_at FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?")
        .bind(before.unwrap_or(i64::MAX))
        .bind(limit)
        .fetch_all(store.pool())
        .await
        .map_err(db)?;
    Ok(rows.iter().map(from_row).collect())
}

/// Spreadsheets run cells starting with these as formulas; prefix them so an exported
/// remark cannot become a formula on an admin's machine.
fn cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

fn time_text(ms: i64) -> String {
    let Some(t) = chrono::DateTime::from_timestamp_millis(ms) else {
        return String::new();
    };
    // Beijing time, as everywhere else in SalesDesk.
    match chrono::FixedOffset::east_opt(8 * 3600) {
        Some(beijing) => t.with_timezone(&beijing).to_rfc3339(),
        None => t.to_rfc3339(),
    }
}

/// The whole log as CSV (UTF-8 with a BOM, so Excel shows Chinese correctly), oldest first.
pub async fn export_csv(store: &Store) -> Result<Vec<u8>, String> {
    let rows = sqlx::query(
        "SELECT id, at, username, action, customer_key, vendor, write_id, result, detail, result_at FROM audit_log ORDER BY id",
    )
    .fetch_all(store.pool())
    .await
    .map_err(db)?;
    let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let csv_err = |e: csv::Error| format!("audit CSV: {e}");
    out.write_record([
        "id",
        "time",
        "user",
        "action",
        "customer",
        "vendor",
        "write_id",
        "result",
        "detail",
        "result_time",
    ])
    .map_err(csv_err)?;
    for row in rows.iter().map(from_row) {
        out.write_record([
            row.id.to_string(),
            time_text(row.at_ms),
            cell(&row.username),
            row.action.clone(),
            cell(row.customer_key.as_deref().unwrap_or("")),
            row.vendor.map(|v| v.slug().to_string()).unwrap_or_default(),
            row.write_id.map(|w| w.to_string()).unwrap_or_default(),
            row.result.clone(),
            cell(row.detail.as_deref().unwrap_or("")),
            row.result_at_ms.map(time_text).unwrap_or_default(),
        ])
        .map_err(csv_err)?;
    }
    out.into_inner().map_err(|e| format!("audit CSV: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::{Role, Scope, VendorUserIds};

    fn viewer() -> Viewer {
        Viewer {
            user_id: 7,
            username: "liufulai".into(),
            display_name: "刘福来".into(),
            role: Role::Rep,
            team: None,
            wecom: VendorUserIds::default(),
            scope: Scope::FollowedBy(vec![]),
        }
    }

    #[tokio::test]
    async fn record_then_deliver_then_export() {
        let store = Store::open_in_memory().await.unwrap();
        let id = record(
            &store,
            AuditEntry::write(&viewer(), AuditAction::AddNote, "wmA", VendorId::Tanma, 42).with_detail("=HYPERLINK(\"x\")"),
        )
        .await
        .unwrap();
        record(
            &store,
            AuditEntry::write(&viewer(), AuditAction::AddNote, "wmA", VendorId::Juzi, 43),
        )
        .await
        .unwrap();
        assert_eq!(record_delivery(&store, 42, AuditResult::Delivered, None).await.unwrap(), 1);
        assert_eq!(
            record_delivery(&store, 43, AuditResult::Failed, Some("juzi: code 1: 客户不存在"))
                .await
                .unwrap(),
            1
        );
        assert_eq!(record_delivery(&store, 99, AuditResult::Failed, None).await.unwrap(), 0);
        let rows = list(&store, None, 10).await.unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (rows[0].vendor, rows[0].result.as_str(), rows[0].detail.as_deref()),
            (Some(VendorId::Juzi), "failed", Some("juzi: code 1: 客户不存在"))
        );
        assert_eq!(
            (rows[1].id, rows[1].result.as_str(), rows[1].username.as_str()),
            (id, "delivered", "liufulai")
        );
        assert!(rows[1].result_at_ms.is_some());
        assert_eq!(list(&store, Some(rows[0].id), 10).await.unwrap().len(), 1, "paging");

        let csv = String::from_utf8(export_csv(&store).await.unwrap()).unwrap();
        let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
        let records: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().unwrap();
        assert_eq!(records.len(), 2);
        assert_eq!(&records[0][2], "liufulai");
        assert_eq!(&records[0][5], "tanma");
        assert!(records[0][8].starts_with("'="), "formula defused: {}", &records[0][8]);
        assert!(records[0][1].ends_with("+08:00"), "Beijing time: {}", &records[0][1]);
        assert_eq!(&records[1][7], "failed");
    }
}
