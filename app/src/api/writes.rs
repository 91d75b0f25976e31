//! The quick actions on the customer page. They are plain HTML form posts, with JavaScript on
//! or off: the server answers with a redirect back to the page, carrying the error as a code
//! and the id of a server-side draft of the typed text, so nothing is lost (see
//! `api::form_redirect`). Once hydrated, the form islands check the input before it is sent.

use leptos::prelude::*;

use crate::domain::WriteOutcome;
use crate::error::AppError;

#[server(endpoint = "set_remark")]
pub async fn set_remark(key: String, remark: String, description: String, token: String) -> Result<WriteOutcome, AppError> {
    let viewer = crate::service::require_viewer()?;
    let result = crate::service::use_service()?
        .set_remark(&viewer, &key, &remark, &description, &token)
        .await;
    crate::api::form_redirect::after_form_post(
        "remark",
        &result,
        &[("remark", &remark), ("description", &description)],
        &crate::domain::validate_remark(&remark, &description),
    )
    .await;
    result
}

/// A follow-up note; `due` and `plan`, when filled in, also set the next follow-up in the
/// same request (nothing is saved if either is refused).
#[server(endpoint = "add_note")]
pub async fn add_note(
    key: String,
    text: String,
    token: String,
    due: Option<String>,
    plan: Option<String>,
) -> Result<WriteOutcome, AppError> {
    let viewer = crate::service::require_viewer()?;
    let (due, plan) = (due.unwrap_or_default(), plan.unwrap_or_default());
    let result = crate::service::use_service()?
        .add_note_with_plan(&viewer, &key, &text, &token, &due, &plan)
        .await;
    // The refusal carries every problem, the note's and the plan's.
    crate::api::form_redirect::after_form_post("note", &result, &[("text", &text), ("due", &due), ("plan", &plan)], &[]).await;
    result
}

#[server(endpoint = "retry_write")]
pub async fn retry_write(key: String, id: i64) -> Result<WriteOutcome, AppError> {
    let viewer = crate::service::require_viewer()?;
    let result = crate::service::use_service()?.retry_write(&viewer, &key, id).await;
    crate::api::form_redirect::after_form_post("retry", &result, &[], &[]).await;
    result
}
