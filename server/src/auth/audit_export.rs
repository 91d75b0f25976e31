//! The audit log as a CSV download for admins (`GET /admin/audit.csv`): every entry, oldest
//! first, with cells a spreadsheet would run as formulas defused.

use super::AuthError;
use crate::spreadsheet::{BOM, beijing_time as time_text, safe_cell};
use crate::storage::{Store, audit};

/// A free-text cell, defused against spreadsheet formulas (see `spreadsheet::safe_cell`).
fn cell(text: &str) -> String {
    safe_cell(text).into_owned()
}

/// The whole log as CSV (UTF-8 with a BOM, so Excel shows Chinese correctly), oldest first.
pub async fn export_csv(store: &Store) -> Result<Vec<u8>, AuthError> {
    let rows = audit::all(store).await?;
    let mut out = csv::Writer::from_writer(BOM.to_vec());
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
    ])?;
    for row in &rows {
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
        ])?;
    }
    out.into_inner().map_err(|e| AuthError::Csv(e.into_error().into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::audit::{AuditAction, AuditEntry, AuditResult, list, record, record_delivery};
    use app::domain::{Role, Scope, VendorId, VendorUserIds, Viewer};

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
