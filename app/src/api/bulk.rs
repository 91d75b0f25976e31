//! Bulk notes and remarks from the customer list. The list's bulk form is a plain HTML form
//! (JavaScript on or off) posting to [`bulk_write`]: on success the server redirects to the
//! job's result page, `/bulk/{id}`; a refusal goes back to the list with the error as a code
//! and a server-side draft of the typed text (`api::form_redirect`).

// The bulk form posts one field per argument; `#[server]` copies the signature into the
// generated client and server functions, so the lint is allowed for the whole module.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use crate::domain::{BulkFormSetup, BulkJobView, BulkRetried, BulkStarted};
use crate::error::AppError;

/// A fresh form token (and the limit) for the list's bulk form.
#[server(endpoint = "bulk_form")]
pub async fn bulk_form() -> Result<BulkFormSetup, AppError> {
    let viewer = crate::service::require_viewer()?;
    crate::service::use_service()?.bulk_form(&viewer).await
}

/// `scope` is `selected` (the ticked `keys[]`) or `filter` (every customer the list's `q`,
/// `rep`, `vendor`, `tag` and `stage` match); `action` is `note` (`text`) or `remark`
/// (`remark`, `description`).
#[server(endpoint = "bulk_write")]
pub async fn bulk_write(
    scope: String,
    action: String,
    #[server(default)] keys: Vec<String>,
    #[server(default)] q: String,
    #[server(default)] rep: String,
    #[server(default)] vendor: String,
    #[server(default)] tag: String,
    #[server(default)] stage: String,
    #[server(default)] text: String,
    #[server(default)] remark: String,
    #[server(default)] description: String,
    token: String,
) -> Result<BulkStarted, AppError> {
    let viewer = crate::service::require_viewer()?;
    let note = action == "note";
    let result = match form::request(
        &scope,
        &action,
        keys,
        [&q, &rep, &vendor, &tag, &stage],
        &text,
        &remark,
        &description,
        token,
    ) {
        Ok(request) => crate::service::use_service()?.bulk_write(&viewer, request).await,
        Err(e) => Err(e),
    };
    let (typed, input) = if note {
        (vec![("text", text.as_str())], crate::domain::validate_note(&text))
    } else {
        (
            vec![("remark", remark.as_str()), ("description", description.as_str())],
            crate::domain::validate_remark(&remark, &description),
        )
    };
    match &result {
        Ok(started) => form::to_result_page(started.job_id),
        Err(_) => crate::api::form_redirect::after_form_post(BULK_FORM, &result, &typed, &input).await,
    }
    result
}

/// The form name a refused bulk post comes back with (`f_form=bulk`).
pub const BULK_FORM: &str = "bulk";
/// The resend form's name on the result page.
pub const BULK_RETRY_FORM: &str = "bulk_retry";

#[server(endpoint = "bulk_job")]
pub async fn bulk_job(id: i64) -> Result<BulkJobView, AppError> {
    let viewer = crate::service::require_viewer()?;
    crate::service::use_service()?.bulk_job(&viewer, id).await
}

/// Sends a job's failed writes again: all of them, or only `write_id`.
#[server(endpoint = "bulk_retry")]
pub async fn bulk_retry(id: i64, #[server(default)] write_id: Option<i64>) -> Result<BulkRetried, AppError> {
    let viewer = crate::service::require_viewer()?;
    let result = crate::service::use_service()?.bulk_retry(&viewer, id, write_id).await;
    crate::api::form_redirect::after_form_post(BULK_RETRY_FORM, &result, &[], &[]).await;
    result
}

/// Reading the form's flat fields into a request, and the success redirect (server side).
#[cfg(any(feature = "ssr", test))]
mod form {
    use crate::domain::{BulkAction, BulkRequest, BulkSelection, CustomerQuery, VendorId};
    use crate::error::{AppError, Refused};

    pub fn request(
        scope: &str,
        action: &str,
        keys: Vec<String>,
        [q, rep, vendor, tag, stage]: [&String; 5],
        text: &str,
        remark: &str,
        description: &str,
        token: String,
    ) -> Result<BulkRequest, AppError> {
        let given = |v: &String| Some(v.trim().to_string()).filter(|v| !v.is_empty());
        let selection = match scope {
            "selected" => BulkSelection::Keys { keys },
            "filter" => BulkSelection::Filter {
                query: CustomerQuery {
                    q: given(q),
                    rep: given(rep),
                    vendor: given(vendor).and_then(|v| VendorId::from_slug(&v)),
                    tag: given(tag),
                    stage: given(stage),
                    ..Default::default()
                },
            },
            _ => return Err(AppError::Invalid(Refused::BadRequest)),
        };
        let action = match action {
            "note" => BulkAction::Note { text: text.to_string() },
            "remark" => BulkAction::Remark {
                remark: remark.to_string(),
                description: description.to_string(),
            },
            _ => return Err(AppError::Invalid(Refused::BadRequest)),
        };
        Ok(BulkRequest { selection, action, token })
    }

    /// A plain form post (JavaScript off, or the hydrated page's native submit) goes on to
    /// the job's result page; a script's call just gets the job id.
    #[cfg(feature = "ssr")]
    pub fn to_result_page(job_id: i64) {
        use leptos::prelude::use_context;
        let Some(parts) = use_context::<http::request::Parts>() else {
            return;
        };
        if crate::api::form_redirect::accepts_html(&parts) {
            leptos_axum::redirect(&format!("/bulk/{job_id}"));
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn fields(scope: &str, action: &str) -> Result<BulkRequest, AppError> {
            let (q, rep, vendor, tag, stage) = (
                " 张 ".to_string(),
                String::new(),
                "juzi".to_string(),
                String::new(),
                "x".to_string(),
            );
            request(
                scope,
                action,
                vec!["wmA".into()],
                [&q, &rep, &vendor, &tag, &stage],
                "回访",
                "王总",
                "",
                "t1".into(),
            )
        }

        #[test]
        fn the_forms_fields_become_a_request() {
            let r = fields("selected", "note").unwrap();
            assert_eq!(r.selection, BulkSelection::Keys { keys: vec!["wmA".into()] });
            assert_eq!(r.action, BulkAction::Note { text: "回访".into() });
            let r = fields("filter", "remark").unwrap();
            let BulkSelection::Filter { query } = r.selection else {
                panic!("{r:?}")
            };
            assert_eq!(
                (query.q.as_deref(), query.rep, query.vendor, query.stage.as_deref()),
                (Some("张"), None, Some(VendorId::Juzi), Some("x"))
            );
            assert_eq!(
                r.action,
                BulkAction::Remark {
                    remark: "王总".into(),
                    description: String::new()
                }
            );
            for (scope, action) in [("all", "note"), ("selected", "delete"), ("", "")] {
                assert_eq!(
                    fields(scope, action),
                    Err(AppError::Invalid(Refused::BadRequest)),
                    "{scope} {action}"
                );
            }
        }
    }
}
