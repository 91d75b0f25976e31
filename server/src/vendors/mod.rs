//! Vendor adapters: one module per vendor (wire types mirroring its documents, its HTTP
//! client and auth, and the mapping to domain types), all behind [`VendorAdapter`].

pub mod cached;
pub mod error;
pub mod http;
pub mod juzi;
pub mod lenient;
pub mod probe;
pub mod tanma;
pub mod time;
pub mod weiling;

use std::sync::Arc;

use app::domain::{
    Clue, EndpointSpec, EpochMs, FollowUpEntry, Page, VendorCustomer, VendorErrorKind, VendorId, WriteLimitation, WriteTarget,
};
use async_trait::async_trait;
use futures::StreamExt;

pub use error::VendorError;
pub use http::{CallKind, CallStats, ClientSetupError, HttpPolicy, RawReply, VendorHttp};
pub use probe::{EndpointProbe, ProbeOutcome};

/// Which customers to list.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CustomerListQuery {
    /// The rep's WeCom user id at this vendor; `None` lists everyone's customers.
    pub rep_user_id: Option<String>,
    /// Opaque cursor from a previous page (`Page::next`).
    pub cursor: Option<String>,
    pub page_size: u32,
}

/// What SalesDesk already knows that helps a vendor find one customer with its documented
/// endpoints alone (a vendor whose search or lookup endpoint is missing still answers).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomerLookup {
    pub external_user_id: String,
    /// This vendor's own id for the customer, when the list knows it (Weiling `customer_id`).
    pub vendor_customer_id: Option<String>,
    /// WeCom user ids of reps who may follow the customer at this vendor, likeliest first.
    pub reps: Vec<String>,
    /// `reps` are the followers this vendor itself reported (the list saw them), so no
    /// search for followers is needed; otherwise they are only candidates.
    pub reps_confirmed: bool,
}

impl CustomerLookup {
    /// A lookup by external user id alone.
    pub fn by_external_id(external_user_id: &str) -> Self {
        CustomerLookup {
            external_user_id: external_user_id.to_string(),
            ..Default::default()
        }
    }

    /// The same lookup naming one rep, as a relation-scoped vendor (Tanma) reads it.
    pub fn with_rep(mut self, rep: &str) -> Self {
        self.reps = vec![rep.to_string()];
        self.reps_confirmed = true;
        self
    }
}

/// A write addressed to one customer through one rep's relationship.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CustomerRef {
    pub external_user_id: Option<String>,
    pub union_id: Option<String>,
    /// The vendor's own customer id where it has one (Weiling `customer_id`).
    pub vendor_customer_id: Option<String>,
    pub rep_user_id: String,
}

/// What a successful write returned.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WriteReceipt {
    /// The vendor's id for a created record (Weiling `progress_id`), where it reports one.
    pub vendor_record_id: Option<String>,
}

/// A follow-up note for one customer: one item of a batch write.
#[derive(Clone, Debug, PartialEq)]
pub struct NoteWrite {
    pub target: CustomerRef,
    pub text: String,
    pub at_ms: i64,
}

/// A remark and/or description for one customer: one item of a batch write.
#[derive(Clone, Debug, PartialEq)]
pub struct RemarkWrite {
    pub target: CustomerRef,
    pub remark: Option<String>,
    pub description: Option<String>,
}

/// One item's answer in a batch write.
#[derive(Clone, Debug)]
pub enum BatchItemResult {
    Written(WriteReceipt),
    /// The vendor answered, for this item alone, that it did not apply it (Juzibot's
    /// `fail_list`): certainly not applied, so there is nothing to verify before a resend.
    Rejected(VendorError),
    /// As a single write's error: the call carrying the item failed (it may have arrived
    /// anyway, see `VendorError::maybe_applied`), or the item was refused before sending.
    Failed(VendorError),
}

impl From<Result<WriteReceipt, VendorError>> for BatchItemResult {
    fn from(result: Result<WriteReceipt, VendorError>) -> Self {
        match result {
            Ok(receipt) => BatchItemResult::Written(receipt),
            Err(e) => BatchItemResult::Failed(e),
        }
    }
}

/// Calls in flight at once when a vendor without a batch endpoint gets a batch one item at
/// a time: enough to overlap round trips, few enough not to trip its rate limits at once.
pub const PER_ITEM_CONCURRENCY: usize = 8;

/// A read's answer and, when it is a stored copy served because the vendor's latest answer
/// was an error, how old the copy is and what that error was (the 360° page says
/// 数据更新于 N 分钟前). Adapters without a cache always answer live (`stale: None`).
#[derive(Clone, Debug)]
pub struct Aged<T> {
    /// Shared with the cache that holds it: a cached read copies nothing.
    pub value: Arc<T>,
    pub stale: Option<Stale>,
    /// Which stored copy this is, unique in the process: two answers with the same version
    /// are the same value, so whatever was computed from one still holds for the other.
    /// `None` for a live answer, which nothing else shares.
    pub version: Option<u64>,
}

#[derive(Clone, Debug)]
pub struct Stale {
    /// When the served copy was fetched from the vendor.
    pub fetched_at: EpochMs,
    /// Why it was not replaced by a newer one.
    pub error: VendorError,
}

impl<T> Aged<T> {
    pub fn live(value: T) -> Self {
        Aged {
            value: Arc::new(value),
            stale: None,
            version: None,
        }
    }
}

impl<T: Clone> Aged<T> {
    /// The value itself, copied only when the cache still holds it too.
    pub fn into_value(self) -> T {
        Arc::unwrap_or_clone(self.value)
    }
}

/// The one interface the rest of the server uses to talk to a vendor. Operations a vendor
/// has no API for answer `Unsupported` (the defaults below), which the UI explains.
#[async_trait]
pub trait VendorAdapter: Send + Sync + 'static {
    fn vendor(&self) -> VendorId;

    /// Drops whatever is remembered of these customers' vendor data (another instance wrote
    /// to them). Only the read cache remembers anything.
    async fn forget_customers(&self, _targets: &[CustomerRef]) {}

    /// Drops everything remembered of vendor data (notices from other instances may have
    /// been missed).
    async fn forget_everything(&self) {}

    /// Call statistics (for `/vendors`, metrics and `salesdesk check`).
    fn stats(&self) -> Arc<CallStats>;

    /// One cheap authenticated call proving base URL and credentials work.
    async fn check(&self) -> Result<(), VendorError>;

    /// Every documented endpoint probed once with harmless input (plus optional endpoints
    /// where a probe is cheap), for `salesdesk check`. The default probes `check` alone.
    async fn check_endpoints(&self) -> Vec<EndpointProbe> {
        let started = std::time::Instant::now();
        let result = self.check().await;
        vec![EndpointProbe {
            endpoint: None,
            outcome: ProbeOutcome::from_result(&result),
            elapsed: started.elapsed(),
        }]
    }

    /// One page of customers.
    async fn list_customers(&self, query: &CustomerListQuery) -> Result<Page<VendorCustomer>, VendorError>;

    /// One customer by WeCom external user id; `Ok(None)` when this vendor does not know it.
    /// The lookup's reps matter to vendors whose detail is per relationship (Tanma); its
    /// vendor id to vendors whose documented detail endpoint takes their own ids (Weiling).
    async fn customer(&self, lookup: &CustomerLookup) -> Result<Option<VendorCustomer>, VendorError>;

    /// `customer`, telling whether the answer is a stored copy kept while the vendor fails.
    async fn customer_aged(&self, lookup: &CustomerLookup) -> Result<Aged<Option<VendorCustomer>>, VendorError> {
        self.customer(lookup).await.map(Aged::live)
    }

    /// Whether this vendor can list a customer's follow-up records at all.
    fn lists_follow_ups(&self) -> bool {
        true
    }

    /// Whether a remark and a note can be written to `record` through this vendor, and why
    /// not where not. The default: no write API.
    fn write_support(&self, record: &VendorCustomer) -> WriteTarget {
        WriteTarget {
            vendor: record.vendor,
            remark: false,
            note: false,
            limitation: Some(WriteLimitation::NoWriteApi),
        }
    }

    /// `follow_ups`, telling whether the answer is a stored copy kept while the vendor fails.
    async fn follow_ups_aged(&self, customer: &VendorCustomer) -> Result<Aged<Vec<FollowUpEntry>>, VendorError> {
        self.follow_ups(customer).await.map(Aged::live)
    }

    /// The customer's follow-up records, newest first.
    async fn follow_ups(&self, _customer: &VendorCustomer) -> Result<Vec<FollowUpEntry>, VendorError> {
        Err(unsupported(self.vendor(), "follow-up list"))
    }

    /// One page of clues, newest first.
    async fn list_clues(&self, _cursor: Option<String>, _page_size: u32) -> Result<Page<Clue>, VendorError> {
        Err(unsupported(self.vendor(), "clue list"))
    }

    async fn clue(&self, _id: &str) -> Result<Option<Clue>, VendorError> {
        Err(unsupported(self.vendor(), "clue detail"))
    }

    /// `clue`, telling whether the answer is a stored copy kept while the vendor fails.
    async fn clue_aged(&self, id: &str) -> Result<Aged<Option<Clue>>, VendorError> {
        self.clue(id).await.map(Aged::live)
    }

    /// Sets the rep's remark and/or description on the customer.
    async fn set_remark(
        &self,
        _target: &CustomerRef,
        _remark: Option<&str>,
        _description: Option<&str>,
    ) -> Result<WriteReceipt, VendorError> {
        Err(unsupported(self.vendor(), "set remark"))
    }

    /// Adds a follow-up note written by the rep at `at_ms`.
    async fn add_follow_up(&self, _target: &CustomerRef, _text: &str, _at_ms: i64) -> Result<WriteReceipt, VendorError> {
        Err(unsupported(self.vendor(), "add follow-up"))
    }

    /// Sets remarks on many customers: one answer per item, in order. Vendors with a batch
    /// endpoint override this (Juzibot's `set_remark`, 50 items a call); the default makes one
    /// `set_remark` call per item, a few at a time.
    async fn set_remark_batch(&self, remarks: &[RemarkWrite]) -> Vec<BatchItemResult> {
        // The calls are made (lazily) up front, so the stream holds futures, not a closure.
        let calls: Vec<_> = remarks
            .iter()
            .map(|r| self.set_remark(&r.target, r.remark.as_deref(), r.description.as_deref()))
            .collect();
        futures::stream::iter(calls)
            .buffered(PER_ITEM_CONCURRENCY)
            .map(BatchItemResult::from)
            .collect()
            .await
    }

    /// Adds notes to many customers: one answer per item, in order. Vendors with a batch
    /// endpoint override this (Juzibot's `add_follow`, 500 items a call); the default makes one
    /// `add_follow_up` call per item, a few at a time.
    async fn add_follow_up_batch(&self, notes: &[NoteWrite]) -> Vec<BatchItemResult> {
        let calls: Vec<_> = notes.iter().map(|n| self.add_follow_up(&n.target, &n.text, n.at_ms)).collect();
        futures::stream::iter(calls)
            .buffered(PER_ITEM_CONCURRENCY)
            .map(BatchItemResult::from)
            .collect()
            .await
    }
}

/// Every endpoint `vendor`'s adapter calls, documented ones first.
pub fn endpoints(vendor: VendorId) -> &'static [EndpointSpec] {
    match vendor {
        VendorId::Tanma => tanma::endpoints::ENDPOINTS,
        VendorId::Weiling => weiling::endpoints::ENDPOINTS,
        VendorId::Juzi => juzi::endpoints::ENDPOINTS,
    }
}

/// The catalogue entry of one of `vendor`'s endpoints.
pub fn endpoint_spec(vendor: VendorId, path: &str) -> Option<&'static EndpointSpec> {
    endpoints(vendor).iter().find(|e| e.path == path)
}

pub fn unsupported(vendor: VendorId, what: &str) -> VendorError {
    VendorError::new(vendor, "-", VendorErrorKind::Unsupported, format!("{vendor} has no API for {what}"))
}
