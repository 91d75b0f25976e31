//! Juzibot behind the common [`VendorAdapter`] interface. Reading follow-ups and clues stays
//! `Unsupported`: the hub has no endpoint to read notes back (VENDORS.md §3.3) and no clues.

use std::sync::Arc;

use app::domain::{Page, VendorCustomer, VendorErrorKind, VendorId, WriteLimitation, WriteTarget};
use async_trait::async_trait;

use super::client::{ItemOutcome, JuziClient, PATH_ADD_FOLLOW, PATH_CUSTOMER_LIST, PATH_SET_REMARK};
use super::limits::{self, MAX_PAGE_SIZE};
use super::map;
use super::wire::{DetailQuery, FollowItem, FollowText, ListQuery, RemarkItem};
use crate::vendors::probe::{self, EndpointProbe};
use crate::vendors::{
    BatchItemResult, CallStats, CustomerListQuery, CustomerLookup, CustomerRef, NoteWrite, RemarkWrite, VendorAdapter, VendorError,
    WriteReceipt,
};

/// Page size used when the caller asks for 0.
pub const DEFAULT_PAGE_SIZE: u32 = 100;

#[async_trait]
impl VendorAdapter for JuziClient {
    fn vendor(&self) -> VendorId {
        VendorId::Juzi
    }

    fn stats(&self) -> Arc<CallStats> {
        self.http().stats()
    }

    /// The four documented endpoints: a one-customer list page, the detail of an id no
    /// customer has, and the two writes with empty batches; then the tag list (optional).
    async fn check_endpoints(&self) -> Vec<EndpointProbe> {
        use super::client::{PATH_CUSTOMER_DETAIL, PATH_TAG_LIST};
        use super::endpoints::ENDPOINTS;
        let mut probes = vec![
            EndpointProbe::run(
                probe::spec(ENDPOINTS, PATH_CUSTOMER_LIST),
                self.customer_page(&ListQuery {
                    current: 1,
                    page_size: 1,
                    user_id: None,
                }),
            )
            .await,
            EndpointProbe::run(
                probe::spec(ENDPOINTS, PATH_CUSTOMER_DETAIL),
                self.customer_detail(&DetailQuery {
                    union_id: None,
                    external_user_id: Some(probe::PROBE_ID.to_string()),
                }),
            )
            .await,
        ];
        probes.push(EndpointProbe::run(probe::spec(ENDPOINTS, PATH_SET_REMARK), self.probe_empty_remarks()).await);
        probes.push(EndpointProbe::run(probe::spec(ENDPOINTS, PATH_ADD_FOLLOW), self.probe_empty_follows()).await);
        probes.push(EndpointProbe::run(probe::spec(ENDPOINTS, PATH_TAG_LIST), self.tag_list(false)).await);
        probes.insert(0, EndpointProbe::authentication(&probes));
        probes
    }

    /// The hub has no endpoint to read notes back.
    fn lists_follow_ups(&self) -> bool {
        false
    }

    /// v1 writes are keyed by unionId + userId.
    fn write_support(&self, record: &VendorCustomer) -> WriteTarget {
        let has_union = record.union_id.as_deref().is_some_and(|u| !u.is_empty());
        WriteTarget {
            vendor: VendorId::Juzi,
            remark: has_union,
            note: has_union,
            limitation: (!has_union).then_some(WriteLimitation::NeedsUnionId),
        }
    }

    /// A one-customer page of the list SalesDesk reads: proves host, token and endpoint.
    async fn check(&self) -> Result<(), VendorError> {
        self.customer_page(&ListQuery {
            current: 1,
            page_size: 1,
            user_id: None,
        })
        .await
        .map(|_| ())
    }

    /// `Page::next` is the next page number (`current`) as text; sizes above the documented
    /// 1000 are lowered to 1000.
    async fn list_customers(&self, query: &CustomerListQuery) -> Result<Page<VendorCustomer>, VendorError> {
        let current = match query.cursor.as_deref() {
            None => 1,
            Some(text) => text.trim().parse::<u32>().ok().filter(|p| *p >= 1).ok_or_else(|| {
                VendorError::new(
                    VendorId::Juzi,
                    PATH_CUSTOMER_LIST,
                    VendorErrorKind::InvalidInput,
                    format!("cursor {text:?} is not a Juzibot page number (1, 2, …)"),
                )
            })?,
        };
        let page_size = match query.page_size {
            0 => DEFAULT_PAGE_SIZE,
            n => n.min(MAX_PAGE_SIZE),
        };
        let user_id = query.rep_user_id.clone().filter(|u| !u.trim().is_empty());
        let reply = self
            .customer_page(&ListQuery {
                current,
                page_size,
                user_id,
            })
            .await?;
        let seen = u64::from(current - 1) * u64::from(page_size) + reply.data.len() as u64;
        let more = match reply.total {
            Some(total) => !reply.data.is_empty() && seen < total,
            // Without a total, a full page suggests another one.
            None => reply.data.len() as u64 == u64::from(page_size),
        };
        Ok(Page {
            items: reply.data.iter().map(map::customer).collect(),
            next: more.then(|| (current + 1).to_string()),
            total: reply.total,
        })
    }

    /// Detail by externalUserId. The hub's detail is not per rep: every follow user comes back.
    async fn customer(&self, lookup: &CustomerLookup) -> Result<Option<VendorCustomer>, VendorError> {
        let query = DetailQuery {
            union_id: None,
            external_user_id: Some(lookup.external_user_id.clone()),
        };
        Ok(self.customer_detail(&query).await?.as_ref().map(map::customer))
    }

    async fn set_remark(&self, target: &CustomerRef, remark: Option<&str>, description: Option<&str>) -> Result<WriteReceipt, VendorError> {
        let union_id = limits::require_union_id(target.union_id.as_deref())
            .map_err(|e| e.to_vendor_error(PATH_SET_REMARK))?
            .to_string();
        single(self.set_remarks(&[remark_item(union_id, target, remark, description)]).await)
    }

    async fn add_follow_up(&self, target: &CustomerRef, text: &str, at_ms: i64) -> Result<WriteReceipt, VendorError> {
        let union_id = limits::require_union_id(target.union_id.as_deref())
            .map_err(|e| e.to_vendor_error(PATH_ADD_FOLLOW))?
            .to_string();
        single(self.add_follows(&[follow_item(union_id, target, text, at_ms)]).await)
    }

    /// `set_remark` takes up to 50 items a call (seed 004); each item's answer comes from the
    /// reply's `fail_list`.
    async fn set_remark_batch(&self, remarks: &[RemarkWrite]) -> Vec<BatchItemResult> {
        keyed_by_union_id(
            remarks.iter().map(|r| r.target.union_id.as_deref()),
            PATH_SET_REMARK,
            |i, union_id| {
                remark_item(
                    union_id,
                    &remarks[i].target,
                    remarks[i].remark.as_deref(),
                    remarks[i].description.as_deref(),
                )
            },
            |items| async move { self.set_remarks(&items).await },
        )
        .await
    }

    /// `add_follow` takes up to 500 notes a call (seed 004); as above.
    async fn add_follow_up_batch(&self, notes: &[NoteWrite]) -> Vec<BatchItemResult> {
        keyed_by_union_id(
            notes.iter().map(|n| n.target.union_id.as_deref()),
            PATH_ADD_FOLLOW,
            |i, union_id| follow_item(union_id, &notes[i].target, &notes[i].text, notes[i].at_ms),
            |items| async move { self.add_follows(&items).await },
        )
        .await
    }
}

fn single(outcomes: Vec<ItemOutcome>) -> Result<WriteReceipt, VendorError> {
    match outcomes.into_iter().next() {
        Some(outcome) => outcome.into_result().map(|()| WriteReceipt::default()),
        None => Err(VendorError::new(
            VendorId::Juzi,
            "-",
            VendorErrorKind::Undecodable,
            "batch write returned no outcome for its one item",
        )),
    }
}

fn remark_item(union_id: String, target: &CustomerRef, remark: Option<&str>, description: Option<&str>) -> RemarkItem {
    RemarkItem {
        user_id: target.rep_user_id.clone(),
        union_id,
        remark: remark.map(str::to_string),
        description: description.map(str::to_string),
    }
}

/// The note's time goes out in epoch **seconds**, as in seed 004's sample (1602667647),
/// although `createTimestamp` elsewhere is milliseconds.
fn follow_item(union_id: String, target: &CustomerRef, text: &str, at_ms: i64) -> FollowItem {
    FollowItem {
        union_id,
        user_id: target.rep_user_id.clone(),
        text: vec![FollowText {
            content: text.to_string(),
            timestamp: Some(at_ms.div_euclid(1000)),
        }],
    }
}

impl From<ItemOutcome> for BatchItemResult {
    fn from(outcome: ItemOutcome) -> Self {
        match outcome {
            ItemOutcome::Applied => BatchItemResult::Written(WriteReceipt::default()),
            // Listed in fail_list: the hub says it did not apply this item.
            ItemOutcome::Rejected(e) => BatchItemResult::Rejected(e),
            ItemOutcome::Refused(e) | ItemOutcome::CallFailed(e) => BatchItemResult::Failed(e),
        }
    }
}

/// v1 writes are keyed by unionId: the items whose customer has one are built (`item`, given
/// the write's position and its unionId) and sent through `send`, which splits them into the
/// endpoint's calls; every answer goes back to its write's position. A write without a
/// unionId is refused before any call.
async fn keyed_by_union_id<'a, I, Fut>(
    union_ids: impl Iterator<Item = Option<&'a str>>,
    endpoint: &str,
    item: impl Fn(usize, String) -> I,
    send: impl FnOnce(Vec<I>) -> Fut,
) -> Vec<BatchItemResult>
where
    Fut: Future<Output = Vec<ItemOutcome>>,
{
    let mut answers: Vec<Option<BatchItemResult>> = Vec::new();
    let mut items = Vec::new();
    let mut positions = Vec::new();
    for (i, union_id) in union_ids.enumerate() {
        match limits::require_union_id(union_id) {
            Ok(union_id) => {
                items.push(item(i, union_id.to_string()));
                positions.push(i);
                answers.push(None);
            }
            Err(e) => answers.push(Some(BatchItemResult::Failed(e.to_vendor_error(endpoint)))),
        }
    }
    for (i, outcome) in positions.into_iter().zip(send(items).await) {
        answers[i] = Some(outcome.into());
    }
    answers
        .into_iter()
        .map(|answer| {
            answer.unwrap_or_else(|| {
                BatchItemResult::Failed(VendorError::new(
                    VendorId::Juzi,
                    endpoint,
                    VendorErrorKind::Undecodable,
                    "batch write returned no outcome for this item",
                ))
            })
        })
        .collect()
}
