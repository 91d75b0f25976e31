//! [`VendorAdapter`] for Tanma. Writes (remark, follow-up notes) stay `Unsupported`: no
//! follow-creation or remark API is documented in reachable material (VENDORS.md §6).

use std::collections::HashSet;
use std::sync::Arc;

use app::domain::{Clue, FollowUpEntry, Page, VendorCustomer, VendorErrorKind, VendorId};
use async_trait::async_trait;

use super::client::{TanmaClient, paths};
use super::clue_pages::{ClueCursor, Window, WindowPlan, newest_first_page};
use super::map;
use super::wire::{ClueListRequest, CustomerSearchRequest, FollowUpListRequest};
use crate::vendors::probe::{self, EndpointProbe};
use crate::vendors::time::format_beijing;
use crate::vendors::{CallStats, CustomerListQuery, CustomerLookup, VendorAdapter, VendorError};

const VENDOR: VendorId = VendorId::Tanma;
/// Largest page requested from Tanma (its maximum is undocumented; 100 is what public
/// clients use with customer/search).
const API_PAGE_SIZE: u32 = 100;
/// API pages one clue window may take before it counts as too dense and is halved.
const MAX_PAGES_PER_WINDOW: usize = 10;
/// Follow-up pages read for one customer through clue/list-follow-up.
const MAX_FOLLOW_UP_PAGES: usize = 20;
/// Relations (reps) whose qw-details are read when no rep is given.
const MAX_RELATIONS: usize = 10;

impl TanmaClient {
    /// The reps (WeCom user ids) who have `external_user_id`, found through customer/search
    /// with the id as `searchKey` (rows are filtered to exact matches).
    pub async fn reps_of(&self, external_user_id: &str) -> Result<Vec<String>, VendorError> {
        let req = CustomerSearchRequest {
            search_key: Some(external_user_id.to_string()),
            page_no: 1,
            page_size: API_PAGE_SIZE,
            ..Default::default()
        };
        let data = self.customer_search(&req).await?;
        let mut reps: Vec<String> = Vec::new();
        for row in data.data.iter().filter(|r| r.external_user_id.as_deref() == Some(external_user_id)) {
            if let Some(rep) = row.qw_sales_id.as_ref().filter(|r| !r.is_empty())
                && !reps.contains(rep)
            {
                reps.push(rep.clone());
            }
        }
        Ok(reps)
    }

    /// Reads one clue window `[since_s, before_s)` completely, oldest first.
    async fn clue_window(&self, since_s: i64, before_s: i64) -> Result<Window, VendorError> {
        let mut cursor: Option<String> = None;
        let mut clues = Vec::new();
        let mut seen = HashSet::new();
        for _ in 0..MAX_PAGES_PER_WINDOW {
            let req = ClueListRequest {
                since: format_beijing(since_s * 1000),
                before: format_beijing(before_s * 1000),
                size: API_PAGE_SIZE,
                cursor: cursor.clone(),
                kind: None,
            };
            let data = self.clue_list_asc(&req).await?;
            let got = data.list.len();
            for clue in data.list {
                // Defensive: a cursor overlap must not duplicate a clue in the list.
                if seen.insert(clue.customer_id) {
                    clues.push(clue);
                }
            }
            match data.next_cursor {
                Some(next) if got > 0 && cursor.as_ref() != Some(&next) => cursor = Some(next),
                _ => return Ok(Window::Complete(clues)),
            }
        }
        Ok(Window::TooDense)
    }

    async fn v3_follow_ups(&self, customer_id: i64) -> Result<Vec<FollowUpEntry>, VendorError> {
        let mut cursor: Option<String> = None;
        let mut entries = Vec::new();
        for _ in 0..MAX_FOLLOW_UP_PAGES {
            let req = FollowUpListRequest {
                customer_id,
                size: API_PAGE_SIZE,
                kind: None,
                cursor: cursor.clone(),
            };
            let data = self.clue_follow_ups(&req).await?;
            let got = data.list.len();
            for item in &data.list {
                entries.push(map::follow_from_item(item).map_err(|d| undecodable(paths::CLUE_FOLLOW_UPS, d.to_string()))?);
            }
            match data.next_cursor {
                Some(next) if got > 0 && cursor.as_ref() != Some(&next) => cursor = Some(next),
                _ => break,
            }
        }
        Ok(entries)
    }
}

fn undecodable(endpoint: &str, detail: String) -> VendorError {
    VendorError::new(VENDOR, endpoint, VendorErrorKind::Undecodable, detail)
}

fn invalid(endpoint: &str, detail: impl Into<String>) -> VendorError {
    VendorError::new(VENDOR, endpoint, VendorErrorKind::InvalidInput, detail)
}

#[async_trait]
impl VendorAdapter for TanmaClient {
    fn vendor(&self) -> VendorId {
        VENDOR
    }

    fn stats(&self) -> Arc<CallStats> {
        self.http.stats()
    }

    /// qw-details (seed 000) for an id no customer has: an empty answer proves base URL,
    /// appId and signature without relying on an undocumented endpoint.
    async fn check(&self) -> Result<(), VendorError> {
        self.qw_details(probe::PROBE_ID, probe::PROBE_ID).await.map(|_| ())
    }

    /// The three documented endpoints with ids no customer has (an empty answer or Tanma's
    /// "does not exist" both prove signature and endpoint), then echo and customer/search
    /// (optional).
    async fn check_endpoints(&self) -> Vec<EndpointProbe> {
        use super::endpoints::ENDPOINTS;
        let id = probe::PROBE_ID;
        let mut probes = vec![
            EndpointProbe::run(probe::spec(ENDPOINTS, paths::QW_DETAILS), self.qw_details(id, id)).await,
            EndpointProbe::run(probe::spec(ENDPOINTS, paths::QW_FOLLOW_LIST), self.qw_follow_records(id)).await,
            EndpointProbe::run(probe::spec(ENDPOINTS, paths::CLUE_GET), self.clue_get(0)).await,
            EndpointProbe::run(probe::spec(ENDPOINTS, paths::ECHO), self.echo()).await,
            EndpointProbe::run(
                probe::spec(ENDPOINTS, paths::CUSTOMER_SEARCH),
                self.customer_search(&CustomerSearchRequest {
                    page_no: 1,
                    page_size: 1,
                    ..Default::default()
                }),
            )
            .await,
        ];
        probes.insert(0, EndpointProbe::authentication(&probes));
        probes
    }

    /// customer/search, `pageNo` as the cursor. With a rep, `salesIdList = [rep]` and no
    /// `role` (owner and collaborator relations both count).
    async fn list_customers(&self, query: &CustomerListQuery) -> Result<Page<VendorCustomer>, VendorError> {
        let page_no = match query.cursor.as_deref() {
            None | Some("") => 1,
            Some(c) => c
                .parse::<u32>()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| invalid(paths::CUSTOMER_SEARCH, "customer cursor is not a Tanma page number"))?,
        };
        let page_size = query.page_size.clamp(1, API_PAGE_SIZE);
        let req = CustomerSearchRequest {
            sales_id_list: query.rep_user_id.clone().map(|rep| vec![rep]),
            page_no,
            page_size,
            ..Default::default()
        };
        let data = self.customer_search(&req).await?;
        let (tags, fields) = self.metadata().await;
        let items: Vec<VendorCustomer> = data
            .data
            .iter()
            .map(|row| map::customer_from_search_row(row, &fields, &tags))
            .collect();
        let more = match data.total_page {
            Some(total) => page_no < total,
            None => items.len() as u32 >= page_size,
        };
        Ok(Page {
            items,
            next: more.then(|| (page_no + 1).to_string()),
            total: None,
        })
    }

    /// qw-details (seed 000) is per relationship. The reps come from the lookup when the list
    /// saw them at Tanma; otherwise from customer/search (not in the seed pages), and when
    /// search is refused, from the lookup's candidates (the viewer, reps other vendors
    /// report, SalesDesk's users), each asked in turn. At most [`MAX_RELATIONS`], merged.
    async fn customer(&self, lookup: &CustomerLookup) -> Result<Option<VendorCustomer>, VendorError> {
        let external_user_id = lookup.external_user_id.as_str();
        if external_user_id.trim().is_empty() {
            return Err(invalid(paths::QW_DETAILS, "external user id is empty"));
        }
        let (reps, search_failure) = if lookup.reps_confirmed && !lookup.reps.is_empty() {
            (lookup.reps.clone(), None)
        } else {
            match self.reps_of(external_user_id).await {
                Ok(reps) => (reps, None),
                Err(e) if lookup.reps.is_empty() => return Err(e),
                Err(e) => {
                    tracing::info!(error = %e, candidates = lookup.reps.len(), "tanma customer search unavailable; asking qw-details for the candidate reps");
                    (lookup.reps.clone(), Some(e))
                }
            }
        };
        let answers = futures::future::join_all(reps.iter().take(MAX_RELATIONS).map(|rep| self.qw_details(external_user_id, rep))).await;
        let mut details = Vec::new();
        for answer in answers {
            match answer {
                Ok(found) => details.extend(found.into_iter().filter(|d| d.external_user_id == external_user_id)),
                // A guessed rep without this relation is no answer, not a failure.
                Err(e) if search_failure.is_some() && matches!(e.kind, VendorErrorKind::NotFound | VendorErrorKind::InvalidInput) => {}
                Err(e) => return Err(e),
            }
        }
        match (map::customer_from_details(&details), search_failure) {
            (Some(customer), _) => Ok(Some(customer)),
            // No candidate follows them and search could not say who does: report why
            // Tanma's answer is unknown rather than claim Tanma does not know them.
            (None, Some(e)) => Err(e),
            (None, None) => Ok(None),
        }
    }

    /// qw-list-by-customer by external user id (seed 001); customers known only by Tanma's
    /// own id (clues, unassigned customers) use clue/list-follow-up instead.
    async fn follow_ups(&self, customer: &VendorCustomer) -> Result<Vec<FollowUpEntry>, VendorError> {
        let mut entries = if let Some(ext) = customer.external_user_id.as_deref().filter(|e| !e.is_empty()) {
            self.qw_follow_records(ext)
                .await?
                .iter()
                .map(|r| map::follow_from_record(r).map_err(|d| undecodable(paths::QW_FOLLOW_LIST, d.to_string())))
                .collect::<Result<Vec<_>, _>>()?
        } else if let Some(id) = customer.vendor_customer_id.as_deref() {
            let id = id
                .parse::<i64>()
                .map_err(|_| invalid(paths::CLUE_FOLLOW_UPS, "Tanma customer id is not numeric"))?;
            self.v3_follow_ups(id).await?
        } else {
            return Err(invalid(
                paths::QW_FOLLOW_LIST,
                "customer has neither an external user id nor a Tanma customer id",
            ));
        };
        map::sort_newest_first(&mut entries);
        Ok(entries)
    }

    /// Newest first, by walking create-time windows backwards (see clue_pages.rs).
    async fn list_clues(&self, cursor: Option<String>, page_size: u32) -> Result<Page<Clue>, VendorError> {
        let now_s = crate::clock::now_ms() / 1000;
        let start = match cursor.as_deref() {
            None | Some("") => ClueCursor::first(now_s + 1),
            Some(c) => ClueCursor::parse(c).ok_or_else(|| invalid(paths::CLUE_LIST_ASC, "clue cursor is not one SalesDesk issued"))?,
        };
        let page_size = page_size.clamp(1, API_PAGE_SIZE) as usize;
        let (details, next) = newest_first_page(start, now_s, page_size, WindowPlan::default(), |since, before| {
            self.clue_window(since, before)
        })
        .await?;
        let (tags, fields) = self.metadata().await;
        Ok(Page {
            items: details.iter().map(|d| map::clue_from_detail(d, &fields, &tags)).collect(),
            next: next.map(|n| n.encode()),
            total: None,
        })
    }

    async fn clue(&self, id: &str) -> Result<Option<Clue>, VendorError> {
        let customer_id = id
            .trim()
            .parse::<i64>()
            .map_err(|_| invalid(paths::CLUE_GET, "Tanma clue ids are numeric"))?;
        let detail = match self.clue_get(customer_id).await {
            Ok(Some(d)) => d,
            Ok(None) => return Ok(None),
            Err(e) if e.kind == VendorErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let (tags, fields) = self.metadata().await;
        Ok(Some(map::clue_from_detail(&detail, &fields, &tags)))
    }
}
