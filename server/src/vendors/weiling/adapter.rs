//! `VendorAdapter` for Weiling, built from the client's endpoint methods.

use std::sync::Arc;

use app::domain::{Clue, FollowUpEntry, Page, VendorCustomer, VendorErrorKind, VendorId, WriteLimitation, WriteTarget};
use async_trait::async_trait;

use super::client::{ClueFilter, CustomerListBy, WeilingClient};
use super::wire::{CustomerEditRequest, FieldDescription, NewProgress};
use super::{CUSTOM_FIELDS_API_KEY, MAX_DESCRIPTION_CHARS, MAX_PROGRESS_CHARS, MAX_REMARK_CHARS, PROGRESS_TYPE, map, paths};
use crate::vendors::probe::{self, EndpointProbe};
use crate::vendors::time::epoch_to_ms;
use crate::vendors::{CallStats, CustomerListQuery, CustomerLookup, CustomerRef, VendorAdapter, VendorError, WriteReceipt};

/// Our opaque customer-list cursor: Weiling's own cursor for the id list, plus how far into
/// that id page we are (one id page can hold more ids than the caller's page size).
#[derive(Debug, Default, PartialEq, Eq)]
struct ListCursor {
    offset: usize,
    vendor: String,
}

impl ListCursor {
    fn encode(&self) -> String {
        format!("{}.{}", self.offset, self.vendor)
    }

    fn decode(text: &str) -> Option<Self> {
        let (offset, vendor) = text.split_once('.')?;
        Some(ListCursor {
            offset: offset.parse().ok()?,
            vendor: vendor.to_string(),
        })
    }
}

impl WeilingClient {
    /// Field descriptions for labels; a failure only costs the labels (values stay, marked
    /// unresolved), so it is logged rather than failing the whole read.
    async fn field_catalog(&self) -> Arc<Vec<FieldDescription>> {
        match self.custom_fields_cached(CUSTOM_FIELDS_API_KEY).await {
            Ok(fields) => fields,
            Err(e) => {
                tracing::warn!(vendor = "weiling", error = %e, "custom field descriptions unavailable; custom values shown unlabelled");
                Arc::new(Vec::new())
            }
        }
    }

    /// The Weiling `customer_id` a write or follow-up read addresses.
    async fn resolve_customer_id(
        &self,
        vendor_customer_id: Option<&str>,
        external_user_id: Option<&str>,
        endpoint: &str,
    ) -> Result<String, VendorError> {
        if let Some(id) = vendor_customer_id.filter(|s| !s.trim().is_empty()) {
            return Ok(id.to_string());
        }
        if let Some(ext) = external_user_id.filter(|s| !s.trim().is_empty())
            && let Some(c) = self.customer_by_external_userid(ext).await?
            && let Some(id) = c.customer_id.filter(|s| !s.is_empty())
        {
            return Ok(id);
        }
        Err(VendorError::new(
            VendorId::Weiling,
            endpoint,
            VendorErrorKind::NotFound,
            "the customer has no Weiling customer_id and its external_userid is unknown to Weiling",
        ))
    }
}

fn invalid(endpoint: &str, detail: String) -> VendorError {
    VendorError::new(VendorId::Weiling, endpoint, VendorErrorKind::InvalidInput, detail)
}

#[async_trait]
impl VendorAdapter for WeilingClient {
    fn vendor(&self) -> VendorId {
        VendorId::Weiling
    }

    fn stats(&self) -> Arc<CallStats> {
        WeilingClient::stats(self)
    }

    /// Token exchange plus the documented `customer/batch` with an id no customer has.
    async fn check(&self) -> Result<(), VendorError> {
        self.customers_batch(&[probe::PROBE_ID.to_string()]).await.map(|_| ())
    }

    /// The token exchange and `customer/batch` (documented) with an id no customer has,
    /// then the optional reads SalesDesk uses.
    async fn check_endpoints(&self) -> Vec<EndpointProbe> {
        use super::endpoints::ENDPOINTS;
        let id = probe::PROBE_ID.to_string();
        let mut probes = vec![
            EndpointProbe::run(probe::spec(ENDPOINTS, paths::TOKEN), self.probe_token()).await,
            EndpointProbe::run(
                probe::spec(ENDPOINTS, paths::CUSTOMER_BATCH),
                self.customers_batch(std::slice::from_ref(&id)),
            )
            .await,
            EndpointProbe::run(
                probe::spec(ENDPOINTS, paths::CUSTOMER_BY_EXTERNAL_USERID),
                self.customer_by_external_userid(&id),
            )
            .await,
            EndpointProbe::run(
                probe::spec(ENDPOINTS, paths::CUSTOMER_LIST),
                self.customer_ids(&CustomerListBy::UserId(id.clone()), None),
            )
            .await,
            EndpointProbe::run(
                probe::spec(ENDPOINTS, paths::CUSTOM_DETAIL),
                self.custom_fields(CUSTOM_FIELDS_API_KEY),
            )
            .await,
        ];
        probes.insert(0, EndpointProbe::authentication(&probes));
        probes
    }

    /// `customer/list` for the rep's friend ids, then `customer/batch` for the page's ids.
    /// Weiling lists friends per rep only, so a query without a rep is unsupported.
    async fn list_customers(&self, query: &CustomerListQuery) -> Result<Page<VendorCustomer>, VendorError> {
        let Some(rep) = query.rep_user_id.as_deref().filter(|r| !r.trim().is_empty()) else {
            return Err(VendorError::new(
                VendorId::Weiling,
                paths::CUSTOMER_LIST,
                VendorErrorKind::Unsupported,
                "Weiling lists WeCom friends per rep (customer/list needs userid); choose a rep",
            ));
        };
        let cursor = match query.cursor.as_deref().filter(|c| !c.is_empty()) {
            None => ListCursor::default(),
            Some(text) => ListCursor::decode(text).ok_or_else(|| invalid(paths::CUSTOMER_LIST, "malformed page cursor".into()))?,
        };
        let page_size = (query.page_size.max(1)) as usize;
        let ids = self
            .customer_ids(&CustomerListBy::UserId(rep.to_string()), Some(&cursor.vendor))
            .await?;
        let vendor_next = ids.cursor.clone().filter(|c| !c.is_empty() && *c != cursor.vendor);
        let start = cursor.offset.min(ids.data_list.len());
        let end = (start + page_size).min(ids.data_list.len());
        let wanted = &ids.data_list[start..end];

        let mut customers = if wanted.is_empty() {
            Vec::new()
        } else {
            self.customers_batch(wanted).await?
        };
        // Keep the id list's order so pages are stable; ids the batch omits were deleted.
        customers.sort_by_key(|c| {
            wanted
                .iter()
                .position(|id| c.customer_id.as_deref() == Some(id.as_str()))
                .unwrap_or(usize::MAX)
        });
        let fields = if customers.is_empty() {
            Arc::new(Vec::new())
        } else {
            self.field_catalog().await
        };
        let items = customers.into_iter().map(|c| map::customer(c, &fields)).collect();

        let next = if end < ids.data_list.len() {
            Some(
                ListCursor {
                    offset: end,
                    vendor: cursor.vendor.clone(),
                }
                .encode(),
            )
        } else {
            vendor_next.clone().map(|vendor| ListCursor { offset: 0, vendor }.encode())
        };
        // The total is known only when the whole id list came in one reply.
        let total = (cursor.vendor.is_empty() && vendor_next.is_none()).then_some(ids.data_list.len() as u64);
        Ok(Page { items, next, total })
    }

    /// By Weiling's own id through `customer/batch` (seed 003) when the list knows it, else
    /// through `customer/get_by_external_userid`, which a tenant may not offer.
    async fn customer(&self, lookup: &CustomerLookup) -> Result<Option<VendorCustomer>, VendorError> {
        let found = match lookup.vendor_customer_id.as_deref().filter(|id| !id.trim().is_empty()) {
            Some(id) => self
                .customers_batch(&[id.to_string()])
                .await?
                .into_iter()
                .find(|c| c.customer_id.as_deref() == Some(id)),
            None => self.customer_by_external_userid(&lookup.external_user_id).await?,
        };
        let Some(c) = found else {
            return Ok(None);
        };
        let fields = self.field_catalog().await;
        Ok(Some(map::customer(c, &fields)))
    }

    /// Writes address Weiling's own `customer_id`.
    fn write_support(&self, record: &VendorCustomer) -> WriteTarget {
        let has_id = record.vendor_customer_id.as_deref().is_some_and(|id| !id.is_empty());
        WriteTarget {
            vendor: VendorId::Weiling,
            remark: has_id,
            note: has_id,
            limitation: (!has_id).then_some(WriteLimitation::NeedsVendorCustomerId),
        }
    }

    async fn follow_ups(&self, customer: &VendorCustomer) -> Result<Vec<FollowUpEntry>, VendorError> {
        let id = self
            .resolve_customer_id(
                customer.vendor_customer_id.as_deref(),
                customer.external_user_id.as_deref(),
                paths::PROGRESS_LIST,
            )
            .await?;
        let mut entries: Vec<FollowUpEntry> = self
            .progress_all(&id, PROGRESS_TYPE)
            .await?
            .into_iter()
            .filter_map(map::progress)
            .collect();
        entries.sort_by_key(|e| std::cmp::Reverse(e.at));
        Ok(entries)
    }

    /// One vendor page of clues; Weiling fixes the page size, so `page_size` is not sent.
    async fn list_clues(&self, cursor: Option<String>, _page_size: u32) -> Result<Page<Clue>, VendorError> {
        let page = self.clue_page(cursor.as_deref(), &ClueFilter::default()).await?;
        let empty = page.clue_list.is_empty();
        let mut items: Vec<Clue> = page.clue_list.into_iter().filter_map(map::clue).collect();
        items.sort_by_key(|c| std::cmp::Reverse(c.created_at));
        let next = page.cursor.filter(|c| !c.is_empty() && !empty && Some(c) != cursor.as_ref());
        Ok(Page { items, next, total: None })
    }

    async fn clue(&self, id: &str) -> Result<Option<Clue>, VendorError> {
        let clues = match self.clues_batch(&[id.to_string()]).await {
            Ok(c) => c,
            Err(e) if e.kind == VendorErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        Ok(clues.into_iter().find(|c| c.clue_id.as_deref() == Some(id)).and_then(map::clue))
    }

    /// `customer/edit` with only the given fields, so the others are left as they are.
    async fn set_remark(&self, target: &CustomerRef, remark: Option<&str>, description: Option<&str>) -> Result<WriteReceipt, VendorError> {
        let endpoint = paths::CUSTOMER_EDIT;
        if remark.is_none() && description.is_none() {
            return Err(invalid(endpoint, "nothing to change: give a remark or a description".into()));
        }
        if let Some(r) = remark
            && r.chars().count() > MAX_REMARK_CHARS
        {
            return Err(invalid(
                endpoint,
                format!("remark is {} characters; WeCom allows {MAX_REMARK_CHARS}", r.chars().count()),
            ));
        }
        if let Some(d) = description
            && d.chars().count() > MAX_DESCRIPTION_CHARS
        {
            return Err(invalid(
                endpoint,
                format!(
                    "description is {} characters; WeCom allows {MAX_DESCRIPTION_CHARS}",
                    d.chars().count()
                ),
            ));
        }
        if target.rep_user_id.trim().is_empty() {
            return Err(invalid(endpoint, "the rep's user id is empty".into()));
        }
        let customer_id = self
            .resolve_customer_id(target.vendor_customer_id.as_deref(), target.external_user_id.as_deref(), endpoint)
            .await?;
        let request = CustomerEditRequest {
            user_id: target.rep_user_id.clone(),
            customer_id,
            remark: remark.map(str::to_string),
            remark_mobiles: None,
            description: description.map(str::to_string),
        };
        self.edit_customer(&request).await?;
        Ok(WriteReceipt::default())
    }

    /// `v2/progress/create` with one item; a per-item failure is the vendor refusing the note.
    async fn add_follow_up(&self, target: &CustomerRef, text: &str, at_ms: i64) -> Result<WriteReceipt, VendorError> {
        let endpoint = paths::PROGRESS_CREATE;
        let chars = text.chars().count();
        if text.trim().is_empty() {
            return Err(invalid(endpoint, "the follow-up note is empty".into()));
        }
        if chars > MAX_PROGRESS_CHARS {
            return Err(invalid(
                endpoint,
                format!("the note is {chars} characters; Weiling allows {MAX_PROGRESS_CHARS}"),
            ));
        }
        let customer_id = self
            .resolve_customer_id(target.vendor_customer_id.as_deref(), target.external_user_id.as_deref(), endpoint)
            .await?;
        let item = NewProgress {
            index: 0,
            content: text.to_string(),
            create_time: epoch_to_ms(at_ms),
            create_user_id: Some(target.rep_user_id.clone()).filter(|r| !r.trim().is_empty()),
            ..Default::default()
        };
        let result = self.create_progress(&customer_id, PROGRESS_TYPE, &[item]).await?;
        if let Some(failure) = result.fail_list.into_iter().find(|f| f.index.unwrap_or(0) == 0) {
            let mut e =
                invalid(endpoint, "Weiling refused the follow-up note".into()).with_vendor_message(failure.error_msg.unwrap_or_default());
            if let Some(code) = failure.error_code {
                e = e.with_code(code);
            }
            return Err(e);
        }
        match result
            .success_list
            .into_iter()
            .find(|s| s.index.unwrap_or(0) == 0)
            .and_then(|s| s.progress_id)
        {
            Some(id) => Ok(WriteReceipt {
                vendor_record_id: Some(id),
            }),
            None => Err(VendorError::new(
                VendorId::Weiling,
                endpoint,
                VendorErrorKind::Undecodable,
                "reply listed the note neither as created nor as failed",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_cursor_round_trips_any_vendor_cursor() {
        for c in [
            ListCursor {
                offset: 0,
                vendor: String::new(),
            },
            ListCursor {
                offset: 37,
                vendor: "a.b|c==".into(),
            },
        ] {
            assert_eq!(ListCursor::decode(&c.encode()), Some(c));
        }
        assert_eq!(ListCursor::decode("x.y"), None);
        assert_eq!(ListCursor::decode("12"), None);
    }
}
