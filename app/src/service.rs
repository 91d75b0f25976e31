//! The interface server functions call, implemented by the `salesdesk` server crate and
//! provided through Leptos context. Declared here so `app` stays free of HTTP clients and
//! secrets: server functions only authorise, call the service, and map errors.

use std::sync::Arc;

use async_trait::async_trait;
use leptos::prelude::use_context;

use crate::api::ShellInfo;
use crate::domain::VendorStatus;
use crate::error::AppError;

#[async_trait]
pub trait SalesDeskService: Send + Sync + 'static {
    /// Facts every page's frame needs (demo banner, version).
    fn shell_info(&self) -> ShellInfo;

    /// How each vendor is configured, with recent call statistics. Never includes secrets.
    async fn vendor_statuses(&self) -> Vec<VendorStatus>;
}

pub type SharedService = Arc<dyn SalesDeskService>;

/// The service from the request's context. Missing context is a wiring bug in the server,
/// reported as an internal error rather than a panic.
pub fn use_service() -> Result<SharedService, AppError> {
    use_context::<SharedService>().ok_or(AppError::Internal { request_id: None })
}
