//! What the list and detail pages receive from the server.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::codec::EncodedOnce;

use super::{ChangeLog, Clue, Customer360, Delivery, EpochMs, FieldValue, FollowUpEntry, Sourced, VendorFailure, VendorId, WriteStatus};

/// Search and filters of `/customers`; every field comes from the query string.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CustomerQuery {
    /// Matches name, remark, mobile or external user id.
    pub q: Option<String>,
    /// A rep's WeCom user id.
    pub rep: Option<String>,
    pub vendor: Option<VendorId>,
    pub tag: Option<String>,
    pub stage: Option<String>,
    /// 1-based.
    pub page: u32,
    pub page_size: u32,
}

pub const DEFAULT_PAGE_SIZE: u32 = 20;
pub const MAX_PAGE_SIZE: u32 = 100;

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RepRef {
    pub user_id: String,
    pub name: Option<String>,
}

/// One row of the customer list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CustomerSummary {
    pub key: String,
    pub name: Option<String>,
    pub avatar: Option<String>,
    pub corp_name: Option<String>,
    pub mobiles: Vec<String>,
    pub remarks: Vec<String>,
    pub stages: Vec<Sourced<String>>,
    pub vendors: Vec<VendorId>,
    pub reps: Vec<RepRef>,
    pub tags: Vec<String>,
    pub last_follow_at: Option<EpochMs>,
}

/// Values offered in the list's filter menus.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Facets {
    pub reps: Vec<RepRef>,
    pub tags: Vec<String>,
    pub stages: Vec<String>,
    pub vendors: Vec<VendorId>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CustomerListing {
    pub items: Vec<CustomerSummary>,
    pub total: u64,
    pub page: u32,
    pub page_size: u32,
    pub facets: Facets,
    /// Vendors whose latest refresh failed; their customers are shown as last seen.
    pub failures: Vec<VendorFailure>,
    /// When the list was last refreshed from the vendors.
    pub refreshed_at: Option<EpochMs>,
    /// Server time of this answer: relative times are computed from it, so the server's
    /// HTML and the hydrated page agree.
    pub generated_at: EpochMs,
}

/// One row of the merged timeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimelineItem {
    pub entry: FollowUpEntry,
    /// For change logs: the parsed change.
    pub change: Option<ChangeLog>,
    /// For notes sent through SalesDesk: their delivery state.
    pub delivery: Option<Delivery>,
}

/// A vendor the rep can write to for this customer, and what it accepts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WriteTarget {
    pub vendor: VendorId,
    pub remark: bool,
    pub note: bool,
    /// Why a capability is missing (e.g. no unionId for Juzibot), for the form's hint.
    pub limitation: Option<WriteLimitation>,
}

/// Why a customer cannot be written to through one vendor: a code, worded by the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WriteLimitation {
    /// The vendor documents no remark or note API (Tanma).
    NoWriteApi,
    /// The vendor's write endpoints are keyed by unionId, which this customer lacks (Juzibot).
    NeedsUnionId,
    /// The vendor did not report its own id for the customer, which its writes need (Weiling).
    NeedsVendorCustomerId,
}

/// Everything `/customers/{key}` shows: the page, shared by every view of it while it is
/// unchanged (the server reuses it, see `server::services::detail_memo`), and what is fresh
/// per view. Reads through to the page (`detail.customer`, `detail.timeline`, …).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct CustomerDetail {
    pub page: Arc<CustomerPage>,
    /// Server time of this view: relative times are computed from it.
    pub generated_at: EpochMs,
    /// Fresh per page view; forms append a counter, making each submission's idempotency
    /// key unique while a resubmitted (double-clicked) form is recognised.
    pub form_token: String,
}

impl std::ops::Deref for CustomerDetail {
    type Target = CustomerPage;

    fn deref(&self) -> &CustomerPage {
        &self.page
    }
}

/// Written by hand only to put the page's JSON in as it was encoded the first time (on the
/// server; see `EncodedOnce`): the same page served to many views is serialised once.
impl Serialize for CustomerDetail {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut out = serializer.serialize_struct("CustomerDetail", 3)?;
        #[cfg(feature = "ssr")]
        match self.page.json.get(&*self.page) {
            Some(encoded) => out.serialize_field("page", encoded)?,
            None => out.serialize_field("page", &*self.page)?,
        }
        #[cfg(not(feature = "ssr"))]
        out.serialize_field("page", &*self.page)?;
        out.serialize_field("generated_at", &self.generated_at)?;
        out.serialize_field("form_token", &self.form_token)?;
        out.end()
    }
}

/// The 360° page of one customer as assembled from the vendors and the outbox.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CustomerPage {
    pub customer: Customer360,
    pub timeline: Vec<TimelineItem>,
    /// Vendors whose timeline could not be read (the others' entries are still shown).
    pub timeline_failures: Vec<VendorFailure>,
    pub writes: Vec<WriteStatus>,
    pub write_targets: Vec<WriteTarget>,
    /// When some data came from the cache because a vendor was down: the oldest age shown.
    pub stale_since: Option<EpochMs>,
    #[serde(skip)]
    pub json: EncodedOnce,
}

/// The outcome of a remark or note submission: one status per vendor it went to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WriteOutcome {
    pub writes: Vec<WriteStatus>,
}

/// One row of `/clues`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClueSummary {
    pub vendor: VendorId,
    pub id: String,
    pub name: Option<String>,
    pub mobiles: Vec<String>,
    pub stage: Option<FieldValue>,
    pub is_clue: Option<bool>,
    pub created_at: Option<EpochMs>,
    pub converted_at: Option<EpochMs>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClueListing {
    pub items: Vec<ClueSummary>,
    /// Opaque cursor of the next page.
    pub next: Option<String>,
    pub total: u64,
    pub failures: Vec<VendorFailure>,
    pub refreshed_at: Option<EpochMs>,
    pub generated_at: EpochMs,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClueDetail {
    pub clue: Clue,
    pub generated_at: EpochMs,
    /// Set when the vendor fails now and this is the last copy SalesDesk read.
    #[serde(default)]
    pub stale: Option<StaleCopy>,
}

/// A copy shown while its vendor fails: when it was read, and what the vendor answers now.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StaleCopy {
    pub fetched_at: EpochMs,
    pub failure: VendorFailure,
}
