//! Saved views of the customer list, and where a customer stands in a list (previous/next on
//! the 360° page). Saving and deleting are plain HTML form posts, answered with a redirect
//! back to the list (see `api::form_redirect`), with JavaScript on or off.

use leptos::prelude::*;

use crate::domain::{Neighbours, SavedView, SavedViews};
use crate::error::AppError;

/// The form names the redirect after a post carries (`f_form`, `f_done`).
pub const SAVE_VIEW_FORM: &str = "view";
pub const DELETE_VIEW_FORM: &str = "view_delete";

#[server(endpoint = "saved_views")]
pub async fn list_saved_views() -> Result<SavedViews, AppError> {
    let viewer = crate::service::require_viewer()?;
    crate::service::use_service()?.saved_views(&viewer).await
}

/// Saves the list filter `query` (a list query string) as `name`; `shared` is the checkbox
/// (present when ticked).
#[server(endpoint = "save_view")]
pub async fn save_view(name: String, query: String, shared: Option<String>) -> Result<SavedView, AppError> {
    let viewer = crate::service::require_viewer()?;
    let filter = crate::domain::parse_list_query(&query);
    let result = crate::service::use_service()?
        .save_view(&viewer, &name, &filter, shared.is_some())
        .await;
    crate::api::form_redirect::after_form_post(SAVE_VIEW_FORM, &result, &[("name", &name)], &[]).await;
    result
}

#[server(endpoint = "delete_view")]
pub async fn delete_view(id: i64) -> Result<(), AppError> {
    let viewer = crate::service::require_viewer()?;
    let result = crate::service::use_service()?.delete_view(&viewer, id).await;
    crate::api::form_redirect::after_form_post(DELETE_VIEW_FORM, &result, &[], &[]).await;
    result
}

/// The customers before and after `key` in the list `from` (a list query string) as the
/// viewer sees it.
#[server(endpoint = "customer_neighbours")]
pub async fn customer_neighbours(key: String, from: String) -> Result<Neighbours, AppError> {
    let viewer = crate::service::require_viewer()?;
    crate::service::use_service()?
        .customer_neighbours(&viewer, &key, &crate::domain::parse_list_query(&from))
        .await
}
