use serde::{Deserialize, Serialize};

use super::{EpochMs, VendorId};

/// One follow-up record (跟进记录) from a vendor, or one SalesDesk itself sent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FollowUpEntry {
    pub vendor: VendorId,
    /// The vendor's record id (unique within the vendor).
    pub id: String,
    /// The rep who wrote it, or on whose relationship a change happened.
    pub author_user_id: Option<String>,
    pub author_name: Option<String>,
    pub at: EpochMs,
    pub kind: FollowUpKind,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FollowUpKind {
    /// A note written by a rep.
    Note { text: String },
    /// A system change log, e.g. `将销售阶段:丢单 改为: 方案报价`; `text` is the original.
    Change { text: String },
}
