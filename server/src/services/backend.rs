use std::sync::Arc;

use app::api::ShellInfo;
use app::domain::{
    ClueDetail, ClueListing, CustomerDetail, CustomerListing, CustomerQuery, VendorId, VendorMode, VendorStatus, Viewer, WriteOutcome,
};
use app::error::AppError;
use app::service::SalesDeskService;
use async_trait::async_trait;

use super::clues::ClueService;
use super::customer_detail::DetailService;
use super::customer_index::CustomerIndex;
use super::delivery::Delivery;
use super::today::TodayService;
use super::writes::WriteService;
use crate::storage::{Notice, Store};
use crate::vendors::VendorAdapter;

/// One vendor as this deployment sees it.
pub struct VendorSlot {
    pub vendor: VendorId,
    pub mode: VendorMode,
    /// Shown on the status page: base URL without credentials.
    pub base_url: Option<String>,
    /// The vendor's public application id (Tanma appId, Weiling app_id); not a secret.
    pub public_app_id: Option<String>,
    pub adapter: Option<Arc<dyn VendorAdapter>>,
}

/// Everything behind the server functions.
pub struct Backend {
    demo: bool,
    slots: Vec<VendorSlot>,
    pub store: Store,
    pub index: Arc<CustomerIndex>,
    pub clues: Arc<ClueService>,
    pub delivery: Delivery,
    details: DetailService,
    writes: WriteService,
    /// 今日待办 and the next follow-up.
    today: TodayService,
    /// Followers named by SalesDesk's users.
    people: super::people::People,
}

impl Backend {
    pub fn new(demo: bool, slots: Vec<VendorSlot>, store: Store) -> Self {
        let adapters: Vec<Arc<dyn VendorAdapter>> = slots.iter().filter_map(|s| s.adapter.clone()).collect();
        let index = Arc::new(CustomerIndex::new(adapters.clone()).with_store(store.clone()));
        let delivery = Delivery::new(store.clone(), &adapters);
        // A write delivered by another instance: this one's cached reads of those customers go
        // (all of them, when notices may have been missed).
        let forgetting = adapters.clone();
        crate::storage::notices::on_notice(&store, move |notice| {
            let adapters = forgetting.clone();
            async move {
                for adapter in &adapters {
                    match &notice {
                        Notice::CustomersWritten { targets } => adapter.forget_customers(targets).await,
                        Notice::Missed => adapter.forget_everything().await,
                        _ => {}
                    }
                }
            }
        });
        Backend {
            demo,
            details: DetailService {
                adapters: adapters.clone(),
                index: index.clone(),
                store: store.clone(),
                memo: Default::default(),
            },
            writes: WriteService {
                adapters: adapters.clone(),
                index: index.clone(),
                store: store.clone(),
                delivery: delivery.clone(),
            },
            clues: Arc::new(ClueService::new(adapters).with_store(store.clone())),
            today: TodayService::new(index.clone(), store.clone()),
            people: super::people::People::new(store.clone()),
            index,
            delivery,
            store,
            slots,
        }
    }

    /// `SALESDESK_STALE_FOLLOW_UP_DAYS`: customers without a follow-up for this many days are
    /// listed on 今日待办.
    pub fn with_stale_follow_up_days(mut self, days: u32) -> Self {
        self.today.stale_days = days;
        self
    }

    pub fn demo(&self) -> bool {
        self.demo
    }

    pub fn vendor_modes(&self) -> Vec<(VendorId, VendorMode)> {
        self.slots.iter().map(|s| (s.vendor, s.mode)).collect()
    }

    /// Adapters of configured (or simulated) vendors, in `VendorId::ALL` order.
    pub fn adapters(&self) -> Vec<Arc<dyn VendorAdapter>> {
        self.slots.iter().filter_map(|s| s.adapter.clone()).collect()
    }
}

#[async_trait]
impl SalesDeskService for Backend {
    fn shell_info(&self) -> ShellInfo {
        ShellInfo {
            version: env!("CARGO_PKG_VERSION").into(),
            demo: self.demo,
        }
    }

    async fn vendor_statuses(&self) -> Vec<VendorStatus> {
        self.slots
            .iter()
            .map(|s| VendorStatus {
                vendor: s.vendor,
                mode: s.mode,
                base_url: s.base_url.clone(),
                public_app_id: s.public_app_id.clone(),
                stats: s
                    .adapter
                    .as_ref()
                    .map(|a| a.stats().snapshot_with(crate::vendors::endpoints(a.vendor()))),
            })
            .collect()
    }

    async fn list_customers(&self, viewer: &Viewer, query: CustomerQuery) -> Result<CustomerListing, AppError> {
        let mut listing = self.index.query(&viewer.scope, &query).await;
        self.people.name_listing(&mut listing).await;
        Ok(listing)
    }

    async fn customer_detail(&self, viewer: &Viewer, key: &str) -> Result<CustomerDetail, AppError> {
        let detail = self.details.detail(viewer, key).await;
        // 今日待办's recently viewed customers.
        if let Ok(d) = &detail {
            self.today.viewed(viewer, key, d.customer.display_name()).await;
        }
        detail
    }

    async fn list_clues(&self, viewer: &Viewer, cursor: Option<String>) -> Result<ClueListing, AppError> {
        Ok(self.clues.list(&viewer.scope, cursor.as_deref()).await)
    }

    async fn clue_detail(&self, viewer: &Viewer, vendor: VendorId, id: &str) -> Result<ClueDetail, AppError> {
        self.clues.detail(&viewer.scope, vendor, id).await
    }

    async fn set_remark(
        &self,
        viewer: &Viewer,
        key: &str,
        remark: &str,
        description: &str,
        idempotency_key: &str,
    ) -> Result<WriteOutcome, AppError> {
        self.writes.set_remark(viewer, key, remark, description, idempotency_key).await
    }

    async fn add_note(&self, viewer: &Viewer, key: &str, text: &str, idempotency_key: &str) -> Result<WriteOutcome, AppError> {
        self.writes.add_note(viewer, key, text, idempotency_key).await
    }

    async fn retry_write(&self, viewer: &Viewer, key: &str, write_id: i64) -> Result<WriteOutcome, AppError> {
        self.writes.retry(viewer, key, write_id).await
    }

    // --- Bulk notes and remarks from the customer list (issue 11: bulk) ---

    async fn bulk_form(&self, _viewer: &Viewer) -> Result<app::domain::BulkFormSetup, AppError> {
        Ok(super::bulk::BulkService::of(self).form())
    }

    async fn bulk_write(&self, viewer: &Viewer, request: app::domain::BulkRequest) -> Result<app::domain::BulkStarted, AppError> {
        super::bulk::BulkService::of(self).write(viewer, request).await
    }

    async fn bulk_job(&self, viewer: &Viewer, id: i64) -> Result<app::domain::BulkJobView, AppError> {
        super::bulk::BulkService::of(self).job(viewer, id).await
    }

    async fn bulk_retry(&self, viewer: &Viewer, id: i64, write_id: Option<i64>) -> Result<app::domain::BulkRetried, AppError> {
        super::bulk::BulkService::of(self).retry(viewer, id, write_id).await
    }

    // --- Saved views and previous/next on the customer list (issue 11: lists) ---

    async fn saved_views(&self, viewer: &Viewer) -> Result<app::domain::SavedViews, AppError> {
        super::saved_views::list(&self.store, viewer).await
    }

    async fn save_view(
        &self,
        viewer: &Viewer,
        name: &str,
        query: &CustomerQuery,
        shared: bool,
    ) -> Result<app::domain::SavedView, AppError> {
        super::saved_views::save(&self.store, viewer, name, query, shared).await
    }

    async fn delete_view(&self, viewer: &Viewer, id: i64) -> Result<(), AppError> {
        super::saved_views::delete(&self.store, viewer, id).await
    }

    async fn customer_neighbours(&self, viewer: &Viewer, key: &str, query: &CustomerQuery) -> Result<app::domain::Neighbours, AppError> {
        Ok(self.index.neighbours(&viewer.scope, query, key).await)
    }

    // --- 今日待办 and the next follow-up ---

    async fn today(&self, viewer: &Viewer) -> Result<app::domain::TodayPage, AppError> {
        self.today.page(viewer).await
    }

    async fn follow_up_plan(&self, viewer: &Viewer, key: &str) -> Result<Option<app::domain::FollowUpPlan>, AppError> {
        self.today.plan(viewer, key).await
    }

    async fn set_follow_up(&self, viewer: &Viewer, key: &str, due: &str, plan: &str) -> Result<app::domain::FollowUpPlan, AppError> {
        self.today.set_plan(viewer, key, due, plan).await
    }

    async fn complete_follow_up(&self, viewer: &Viewer, key: &str) -> Result<bool, AppError> {
        self.today.complete(viewer, key).await
    }

    async fn add_note_with_plan(
        &self,
        viewer: &Viewer,
        key: &str,
        text: &str,
        idempotency_key: &str,
        due: &str,
        plan: &str,
    ) -> Result<WriteOutcome, AppError> {
        self.writes
            .add_note_with_plan(viewer, key, text, idempotency_key, due, plan, &self.today)
            .await
    }
}
