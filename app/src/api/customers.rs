use leptos::prelude::*;

use crate::domain::{CustomerDetail, CustomerListing, CustomerQuery};
use crate::error::AppError;

#[server(endpoint = "customers")]
pub async fn list_customers(query: CustomerQuery) -> Result<CustomerListing, AppError> {
    let viewer = crate::service::require_viewer()?;
    crate::service::use_service()?.list_customers(&viewer, query).await
}

#[server(endpoint = "customer")]
pub async fn get_customer(key: String) -> Result<CustomerDetail, AppError> {
    let viewer = crate::service::require_viewer()?;
    crate::service::use_service()?.customer_detail(&viewer, &key).await
}
