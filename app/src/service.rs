//! The interface server functions call, implemented by the `salesdesk` server crate and
//! provided through Leptos context. Declared here so `app` stays free of HTTP clients and
//! secrets: server functions only authorise, call the service, and map errors.

use std::sync::Arc;

use async_trait::async_trait;
use leptos::prelude::use_context;

use crate::api::ShellInfo;
use crate::domain::{
    ClueDetail, ClueListing, CustomerDetail, CustomerListing, CustomerQuery, VendorId, VendorStatus, Viewer, WriteOutcome,
};
use crate::error::AppError;

#[async_trait]
pub trait SalesDeskService: Send + Sync + 'static {
    /// Facts every page's frame needs (demo banner, version).
    fn shell_info(&self) -> ShellInfo;

    /// How each vendor is configured, with recent call statistics. Never includes secrets.
    async fn vendor_statuses(&self) -> Vec<VendorStatus>;

    /// One page of the viewer's customers, searched and filtered.
    async fn list_customers(&self, viewer: &Viewer, query: CustomerQuery) -> Result<CustomerListing, AppError>;

    /// The 360° view of one customer, with the merged timeline. `NotFound` when no vendor
    /// knows `key`; `Forbidden` when the viewer may not see the customer.
    async fn customer_detail(&self, viewer: &Viewer, key: &str) -> Result<CustomerDetail, AppError>;

    /// One page of the viewer's clues, newest first.
    async fn list_clues(&self, viewer: &Viewer, cursor: Option<String>) -> Result<ClueListing, AppError>;

    async fn clue_detail(&self, viewer: &Viewer, vendor: VendorId, id: &str) -> Result<ClueDetail, AppError>;

    /// Sets the remark and/or description through every vendor that supports it. Validated
    /// first; committed to the outbox before any vendor call. `idempotency_key` makes a
    /// resubmitted form harmless.
    async fn set_remark(
        &self,
        viewer: &Viewer,
        key: &str,
        remark: &str,
        description: &str,
        idempotency_key: &str,
    ) -> Result<WriteOutcome, AppError>;

    /// Adds a follow-up note through every vendor that accepts notes.
    async fn add_note(&self, viewer: &Viewer, key: &str, text: &str, idempotency_key: &str) -> Result<WriteOutcome, AppError>;

    /// Sends a failed write again (after the rep checked the vendor).
    async fn retry_write(&self, viewer: &Viewer, key: &str, write_id: i64) -> Result<WriteOutcome, AppError>;

    // --- Bulk notes and remarks from the customer list (issue 11: bulk) ---

    /// A fresh token (and the limit) for the list's bulk form.
    async fn bulk_form(&self, viewer: &Viewer) -> Result<crate::domain::BulkFormSetup, AppError>;

    /// One note, or one remark/description, to every selected customer through each of its
    /// vendors that takes it: checked as a single write, committed to the outbox (with its
    /// job) before any vendor call, delivered in batches. The form's token makes a
    /// resubmission find the same job.
    async fn bulk_write(&self, viewer: &Viewer, request: crate::domain::BulkRequest) -> Result<crate::domain::BulkStarted, AppError>;

    /// A bulk job's result page; only its author's and admins'.
    async fn bulk_job(&self, viewer: &Viewer, id: i64) -> Result<crate::domain::BulkJobView, AppError>;

    /// Sends a bulk job's failed writes again: all of them, or `write_id` alone.
    async fn bulk_retry(&self, viewer: &Viewer, id: i64, write_id: Option<i64>) -> Result<crate::domain::BulkRetried, AppError>;

    // --- Saved views and previous/next on the customer list (issue 11: lists) ---

    /// The viewer's saved views of the customer list, then those shared with their team.
    async fn saved_views(&self, viewer: &Viewer) -> Result<crate::domain::SavedViews, AppError>;

    /// Saves `query`'s filter and search as `name`, shared with the viewer's team when
    /// `shared` (managers only). Refused as `ViewNameInvalid`, `ViewNameTaken`,
    /// `ViewSharingNotAllowed` or `TooManyViews`.
    async fn save_view(
        &self,
        viewer: &Viewer,
        name: &str,
        query: &CustomerQuery,
        shared: bool,
    ) -> Result<crate::domain::SavedView, AppError>;

    /// Deletes one of the viewer's views: `Forbidden` for someone else's, none for one gone.
    async fn delete_view(&self, viewer: &Viewer, id: i64) -> Result<(), AppError>;

    /// Where customer `key` stands in the list `query` gives the viewer.
    async fn customer_neighbours(&self, viewer: &Viewer, key: &str, query: &CustomerQuery) -> Result<crate::domain::Neighbours, AppError>;

    // --- 今日待办 and the next follow-up (issue 11, parts 1 and 5) ---

    /// `/`: the viewer's follow-ups due today and overdue (a manager's team's too, with a
    /// count per rep), their customers without a recent follow-up, the customers they opened.
    async fn today(&self, viewer: &Viewer) -> Result<crate::domain::TodayPage, AppError>;

    /// The viewer's next follow-up of the customer (open or done), if they set one.
    async fn follow_up_plan(&self, viewer: &Viewer, key: &str) -> Result<Option<crate::domain::FollowUpPlan>, AppError>;

    /// Sets or changes the viewer's next follow-up: `due` in Beijing time as a
    /// `datetime-local` input posts it, `plan` normalised and checked; audited.
    async fn set_follow_up(&self, viewer: &Viewer, key: &str, due: &str, plan: &str) -> Result<crate::domain::FollowUpPlan, AppError>;

    /// Marks the viewer's next follow-up done (audited): false when none was open.
    async fn complete_follow_up(&self, viewer: &Viewer, key: &str) -> Result<bool, AppError>;

    /// A note and, when `due` or `plan` is filled in, the next follow-up, checked together:
    /// if either is refused nothing is saved. The note goes through the outbox as any note.
    async fn add_note_with_plan(
        &self,
        viewer: &Viewer,
        key: &str,
        text: &str,
        idempotency_key: &str,
        due: &str,
        plan: &str,
    ) -> Result<WriteOutcome, AppError>;
}

pub type SharedService = Arc<dyn SalesDeskService>;

/// The service from the request's context. Missing context is a wiring bug in the server,
/// reported as an internal error rather than a panic.
pub fn use_service() -> Result<SharedService, AppError> {
    use_context::<SharedService>().ok_or(AppError::Internal { request_id: None })
}

/// The signed-in user of this request. The server's auth middleware resolves the session
/// and puts the `Viewer` into the request's extensions; SSR and server functions both see
/// the request parts through Leptos context.
pub fn current_viewer() -> Option<crate::domain::Viewer> {
    use_context::<http::request::Parts>().and_then(|parts| parts.extensions.get::<crate::domain::Viewer>().cloned())
}

/// The signed-in user, or `Unauthenticated` (the page then redirects to the login page).
pub fn require_viewer() -> Result<crate::domain::Viewer, AppError> {
    current_viewer().ok_or(AppError::Unauthenticated)
}
