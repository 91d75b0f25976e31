use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::VendorStatus;
use crate::error::AppError;

/// What the page frame needs to know about this deployment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShellInfo {
    pub version: String,
    /// True when SalesDesk talks to its built-in simulated vendors.
    pub demo: bool,
}

#[server(endpoint = "shell_info")]
pub async fn get_shell_info() -> Result<ShellInfo, AppError> {
    let service = crate::service::use_service()?;
    Ok(service.shell_info())
}

/// Admins only: how each vendor is wired up and how its calls are going.
#[server(endpoint = "vendor_statuses")]
pub async fn get_vendor_statuses() -> Result<Vec<VendorStatus>, AppError> {
    crate::api::auth::require_admin()?;
    let service = crate::service::use_service()?;
    Ok(service.vendor_statuses().await)
}
