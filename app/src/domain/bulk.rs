//! Bulk notes and remarks (issue 11): one follow-up note, or one remark/description, sent from
//! the customer list to many customers at once. Each customer and vendor gets its own outbox
//! write, so each has its own delivery state; the job ties them together for the result page.

use serde::{Deserialize, Serialize};

use super::{CustomerQuery, Delivery, EpochMs, VendorId, WriteContent};

/// The most customers one bulk write may address: enough for a team's whole list, few enough
/// that the result page stays readable and the vendors' batch endpoints are not flooded.
pub const BULK_MAX_CUSTOMERS: usize = 1000;

/// Which customers a bulk write goes to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum BulkSelection {
    /// The rows the rep ticked (customer keys).
    Keys { keys: Vec<String> },
    /// Every customer the list's search and filters match (paging ignored).
    Filter { query: CustomerQuery },
}

/// What a bulk write sends, as typed (checked on the server exactly as a single write).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BulkAction {
    Note { text: String },
    Remark { remark: String, description: String },
}

/// A bulk write as the list's form posts it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BulkRequest {
    pub selection: BulkSelection,
    pub action: BulkAction,
    /// The form's token: a resubmitted form finds its job instead of queuing it again.
    pub token: String,
}

/// What the list's bulk form needs from the server.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BulkFormSetup {
    /// A fresh idempotency token for this rendering of the form.
    pub token: String,
    pub max_customers: usize,
}

/// The job a bulk write created (or found again, for a resubmitted form).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkStarted {
    pub job_id: i64,
}

/// Why a selected customer got no write at all (the rest of the job goes ahead).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BulkSkip {
    /// None of the customer's vendors accepts this write through the viewer (no write API,
    /// no unionId at Juzibot, not the viewer's own relationship).
    NoWriteTarget,
    /// The customer list no longer knows this customer (the page was older than the list).
    NotFound,
}

impl BulkSkip {
    const ALL: [BulkSkip; 2] = [BulkSkip::NoWriteTarget, BulkSkip::NotFound];

    /// The stored form.
    pub fn code(self) -> &'static str {
        match self {
            BulkSkip::NoWriteTarget => "no_write_target",
            BulkSkip::NotFound => "not_found",
        }
    }

    pub fn from_code(code: &str) -> Option<BulkSkip> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// How many writes stand where.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkCounts {
    pub delivered: u32,
    pub failed: u32,
    pub pending: u32,
}

impl BulkCounts {
    pub fn add(&mut self, delivery: &Delivery) {
        match delivery {
            Delivery::Delivered => self.delivered += 1,
            Delivery::Failed { .. } => self.failed += 1,
            Delivery::Pending { .. } => self.pending += 1,
        }
    }

    pub fn total(&self) -> u32 {
        self.delivered + self.failed + self.pending
    }
}

/// One vendor write of a bulk job.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BulkItem {
    /// The outbox item (resend names it).
    pub id: i64,
    pub vendor: VendorId,
    /// Whose relationship it went to (WeCom user id at that vendor).
    pub rep_user_id: String,
    pub delivery: Delivery,
}

/// One selected customer and what became of the write to each of its vendors.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BulkCustomer {
    pub key: String,
    pub name: Option<String>,
    pub writes: Vec<BulkItem>,
    pub skipped: Option<BulkSkip>,
}

impl BulkCustomer {
    /// Failed first, then still pending, then done: what needs the rep comes first.
    pub fn attention(&self) -> u8 {
        let has = |f: fn(&Delivery) -> bool| self.writes.iter().any(|w| f(&w.delivery));
        if has(|d| matches!(d, Delivery::Failed { .. })) {
            0
        } else if has(|d| matches!(d, Delivery::Pending { .. })) {
            1
        } else if self.skipped.is_some() {
            2
        } else {
            3
        }
    }
}

/// The result page of one bulk job.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BulkJobView {
    pub id: i64,
    pub author: String,
    pub created_at: EpochMs,
    pub content: WriteContent,
    /// All writes of the job.
    pub counts: BulkCounts,
    /// The same per vendor, in `VendorId::ALL` order (vendors with writes only).
    pub vendors: Vec<(VendorId, BulkCounts)>,
    /// Customers that got no write.
    pub skipped: u32,
    /// Failed first, then pending, skipped, delivered.
    pub customers: Vec<BulkCustomer>,
    /// Server time of this answer (relative times are computed from it).
    pub generated_at: EpochMs,
}

impl BulkJobView {
    /// Whether anything is still on its way (the page then reloads itself).
    pub fn in_progress(&self) -> bool {
        self.counts.pending > 0
    }
}

/// A resend of a bulk job's failed writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkRetried {
    pub requeued: u32,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::DeliveryProblem;

    fn write(delivery: Delivery) -> BulkItem {
        BulkItem {
            id: 1,
            vendor: VendorId::Juzi,
            rep_user_id: "rocky".into(),
            delivery,
        }
    }

    #[test]
    fn counts_follow_each_writes_state() {
        let mut counts = BulkCounts::default();
        counts.add(&Delivery::Delivered);
        counts.add(&Delivery::Failed {
            problem: DeliveryProblem::Unverifiable,
        });
        counts.add(&Delivery::Pending {
            attempts: 0,
            last_problem: None,
        });
        counts.add(&Delivery::Delivered);
        assert_eq!(
            counts,
            BulkCounts {
                delivered: 2,
                failed: 1,
                pending: 1
            }
        );
        assert_eq!(counts.total(), 4);
    }

    #[test]
    fn customers_needing_the_rep_come_first() {
        let customer = |writes: Vec<BulkItem>, skipped| BulkCustomer {
            key: "k".into(),
            name: None,
            writes,
            skipped,
        };
        let failed = customer(
            vec![
                write(Delivery::Delivered),
                write(Delivery::Failed {
                    problem: DeliveryProblem::Unrecorded,
                }),
            ],
            None,
        );
        let pending = customer(
            vec![write(Delivery::Pending {
                attempts: 1,
                last_problem: None,
            })],
            None,
        );
        let skipped = customer(vec![], Some(BulkSkip::NoWriteTarget));
        let done = customer(vec![write(Delivery::Delivered)], None);
        let order: Vec<u8> = [&done, &skipped, &pending, &failed].iter().map(|c| c.attention()).collect();
        assert_eq!(order, vec![3, 2, 1, 0]);
    }

    #[test]
    fn skip_reasons_are_stored_as_their_serde_codes() {
        for skip in BulkSkip::ALL {
            assert_eq!(BulkSkip::from_code(skip.code()), Some(skip));
            assert_eq!(serde_json::to_string(&skip).unwrap(), format!("\"{}\"", skip.code()));
        }
        assert_eq!(BulkSkip::from_code("gone"), None);
    }
}
