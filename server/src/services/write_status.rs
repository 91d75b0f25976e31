//! How outbox items look to reps: a status per write, and notes as timeline entries.

use app::domain::{Delivery, DeliveryProblem, FollowUpEntry, FollowUpKind, TimelineItem, WriteContent, WriteStatus};

use crate::storage::outbox::{OutboxItem, OutboxState, WritePayload};

pub fn delivery_of(item: &OutboxItem) -> Delivery {
    match item.state {
        OutboxState::Pending | OutboxState::Delivering => Delivery::Pending {
            attempts: item.attempts,
            last_problem: item.last_error.as_deref().map(DeliveryProblem::from_stored),
        },
        OutboxState::Delivered => Delivery::Delivered,
        OutboxState::Failed => Delivery::Failed {
            problem: item
                .last_error
                .as_deref()
                .map_or(DeliveryProblem::Unrecorded, DeliveryProblem::from_stored),
        },
    }
}

pub fn write_status(item: &OutboxItem) -> WriteStatus {
    let content = match &item.payload {
        WritePayload::Note { text, .. } => WriteContent::Note { text: text.clone() },
        WritePayload::Remark { remark, description } => WriteContent::Remark {
            remark: remark.clone(),
            description: description.clone(),
        },
    };
    WriteStatus {
        id: item.id,
        vendor: item.vendor,
        content,
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
