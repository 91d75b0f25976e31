//! How outbox items look to reps: a status per write, and notes as timeline entries.

use app::domain::{Delivery, FollowUpEntry, FollowUpKind, TimelineItem, WriteKind, WriteStatus};

use crate::storage::outbox::{OutboxItem, OutboxState, WritePayload};

pub fn delivery_of(item: &OutboxItem) -> Delivery {
    match item.state {
        OutboxState::Pending | OutboxState::Delivering => Delivery::Pending {
            attempts: item.attempts,
            last_error: item.last_error.clone(),
        },
        OutboxState::Delivered => Delivery::Delivered,
        OutboxState::Failed => {
            let reason = item.last_error.clone().unwrap_or_else(|| "未知原因".to_string());
            Delivery::Failed {
                reason_zh: reason.clone(),
                reason_en: reason,
            }
        }
    }
}

pub fn write_status(item: &OutboxItem) -> WriteStatus {
    let (kind, summary) = match &item.payload {
        WritePayload::Note { text, .. } => (WriteKind::Note, text.clone()),
        WritePayload::Remark { remark, description } => {
            let mut parts = Vec::new();
            if let Some(r) = remark.as_ref().filter(|r| !r.is_empty()) {
                parts.push(format!("备注：{r}"));
            }
            if let Some(d) = description.as_ref().filter(|d| !d.is_empty()) {
                parts.push(format!("描述：{d}"));
            }
            (WriteKind::Remark, parts.join(" / "))
        }
    };
    WriteStatus {
        id: item.id,
        vendor: item.vendor,
        kind,
        summary,
        rep_user_id: item.target.rep_user_id.clone(),
        author: item.author.clone(),
        created_at: item.created_at,
        delivery: delivery_of(item),
    }
}

/// Notes SalesDesk sent, as timeline entries: they show at once, whatever their delivery
/// state, and for Juzibot (no read API) they are the only record of the note.
pub fn timeline_items_from_writes(items: &[OutboxItem]) -> Vec<TimelineItem> {
    items
        .iter()
        .filter_map(|item| match &item.payload {
            WritePayload::Note { text, at_ms } => Some(TimelineItem {
                entry: FollowUpEntry {
                    vendor: item.vendor,
                    id: format!("salesdesk-{}", item.id),
                    author_user_id: Some(item.target.rep_user_id.clone()),
                    author_name: item.author.clone(),
                    at: *at_ms,
                    kind: FollowUpKind::Note { text: text.clone() },
                },
                change: None,
                delivery: Some(delivery_of(item)),
            }),
            WritePayload::Remark { .. } => None,
        })
        .collect()
}
