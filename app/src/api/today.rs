//! 今日待办 and the next follow-up. The plan form and "mark done" are plain HTML form posts
//! (answered with a redirect back, see `api::form_redirect`), with JavaScript on or off.

use leptos::prelude::*;

use crate::domain::{FollowUpPlan, TodayPage};
use crate::error::AppError;

/// `/`: the signed-in user's day.
#[server(endpoint = "today")]
pub async fn get_today() -> Result<TodayPage, AppError> {
    let viewer = crate::service::require_viewer()?;
    crate::service::use_service()?.today(&viewer).await
}

/// The signed-in user's next follow-up of the customer, if they set one.
#[server(endpoint = "follow_up")]
pub async fn get_follow_up(key: String) -> Result<Option<FollowUpPlan>, AppError> {
    let viewer = crate::service::require_viewer()?;
    crate::service::use_service()?.follow_up_plan(&viewer, &key).await
}

/// Sets (or changes) the next follow-up: `due` as `<input type="datetime-local">` posts it,
/// Beijing time; `plan` at most 200 characters.
#[server(endpoint = "set_follow_up")]
pub async fn set_follow_up(key: String, due: String, plan: String) -> Result<FollowUpPlan, AppError> {
    let viewer = crate::service::require_viewer()?;
    let result = crate::service::use_service()?.set_follow_up(&viewer, &key, &due, &plan).await;
    crate::api::form_redirect::after_form_post("plan", &result, &[("due", &due), ("plan", &plan)], &[]).await;
    result
}

/// Marks the next follow-up done: true, or false when none was open.
#[server(endpoint = "complete_follow_up")]
pub async fn complete_follow_up(key: String) -> Result<bool, AppError> {
    let viewer = crate::service::require_viewer()?;
    let result = crate::service::use_service()?.complete_follow_up(&viewer, &key).await;
    crate::api::form_redirect::after_form_post("plan_done", &result, &[], &[]).await;
    result
}
