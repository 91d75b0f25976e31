use leptos::prelude::*;

use crate::domain::{ClueDetail, ClueListing, VendorId};
use crate::error::AppError;

#[server(endpoint = "clues")]
pub async fn list_clues(cursor: Option<String>) -> Result<ClueListing, AppError> {
    let viewer = crate::service::require_viewer()?;
    crate::service::use_service()?.list_clues(&viewer, cursor).await
}

#[server(endpoint = "clue")]
pub async fn get_clue(vendor: VendorId, id: String) -> Result<ClueDetail, AppError> {
    let viewer = crate::service::require_viewer()?;
    crate::service::use_service()?.clue_detail(&viewer, vendor, &id).await
}
