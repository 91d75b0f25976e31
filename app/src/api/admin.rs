//! Admin-only server functions: user accounts and the audit log. Each checks the role
//! first (`Forbidden` for reps and managers) and then calls the `AdminService` the server
//! provides through Leptos context. The forms are plain HTML posts (the server redirects back
//! with the outcome).
// The user forms post one field per argument; `#[server]` copies the signature into the
// browser-side stub, where an item-level allow does not reach.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::{Role, VendorId, VendorUserIds};
use crate::error::AppError;

/// One account as the admin page lists it. Never includes the password hash.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UserSummary {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub team: Option<String>,
    pub wecom: VendorUserIds,
    pub disabled: bool,
    /// Whether the account can sign in with a password (else only through the SSO proxy).
    pub has_password: bool,
    pub last_login_ms: Option<i64>,
}

/// One audit log entry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditRow {
    pub id: i64,
    pub at_ms: i64,
    pub username: String,
    /// `set_remark`, `add_note`, `retry_write`, `user_created`, `user_updated`, `password_changed`.
    pub action: String,
    pub customer_key: Option<String>,
    pub vendor: Option<VendorId>,
    pub write_id: Option<i64>,
    /// `queued`, `delivered`, `failed` or `ok`.
    pub result: String,
    pub detail: Option<String>,
    pub result_at_ms: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditPage {
    pub rows: Vec<AuditRow>,
    /// Pass as `before` for the next (older) page.
    pub older: Option<i64>,
}

/// Entries per audit page.
pub const AUDIT_PAGE_SIZE: usize = 50;

/// A new account as typed into the admin form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewUserForm {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub team: String,
    pub tanma: String,
    pub weiling: String,
    pub juzi: String,
    /// Empty: the account signs in only through the SSO proxy.
    pub password: String,
}

/// Changes to an account. `password` empty = unchanged.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UserUpdateForm {
    pub id: i64,
    pub display_name: String,
    pub role: Role,
    pub team: String,
    pub tanma: String,
    pub weiling: String,
    pub juzi: String,
    pub disabled: bool,
    pub password: String,
}

#[cfg(feature = "ssr")]
mod service {
    use std::sync::Arc;

    use async_trait::async_trait;

    use super::*;
    use crate::domain::Viewer;

    /// Implemented by the server over its user store and audit log.
    #[async_trait]
    pub trait AdminService: Send + Sync + 'static {
        async fn list_users(&self) -> Result<Vec<UserSummary>, AppError>;
        async fn create_user(&self, actor: &Viewer, form: NewUserForm) -> Result<UserSummary, AppError>;
        async fn update_user(&self, actor: &Viewer, form: UserUpdateForm) -> Result<UserSummary, AppError>;
        async fn audit(&self, before: Option<i64>) -> Result<AuditPage, AppError>;
    }

    pub type SharedAdmin = Arc<dyn AdminService>;

    pub fn use_admin() -> Result<SharedAdmin, AppError> {
        leptos::prelude::use_context::<SharedAdmin>().ok_or(AppError::Internal { request_id: None })
    }
}

#[cfg(feature = "ssr")]
pub use service::{AdminService, SharedAdmin, use_admin};

#[server(endpoint = "admin_users")]
pub async fn list_users() -> Result<Vec<UserSummary>, AppError> {
    crate::api::auth::require_admin()?;
    use_admin()?.list_users().await
}

#[server(endpoint = "admin_create_user")]
pub async fn create_user(
    username: String,
    display_name: String,
    role: Role,
    team: String,
    tanma: String,
    weiling: String,
    juzi: String,
    password: String,
) -> Result<UserSummary, AppError> {
    let actor = crate::api::auth::require_admin()?;
    let form = NewUserForm {
        username,
        display_name,
        role,
        team,
        tanma,
        weiling,
        juzi,
        password,
    };
    let result = use_admin()?.create_user(&actor, form.clone()).await;
    // Refill the form on error, never with the password.
    crate::api::form_redirect::after_form_post(
        "create_user",
        &result,
        &[
            ("username", &form.username),
            ("display_name", &form.display_name),
            ("role", form.role.slug()),
            ("team", &form.team),
            ("tanma", &form.tanma),
            ("weiling", &form.weiling),
            ("juzi", &form.juzi),
        ],
        &[],
    )
    .await;
    result
}

/// `disabled` is a checkbox: present ("on") when ticked, absent otherwise.
#[server(endpoint = "admin_update_user")]
pub async fn update_user(
    id: i64,
    display_name: String,
    role: Role,
    team: String,
    tanma: String,
    weiling: String,
    juzi: String,
    #[server(default)] disabled: Option<String>,
    #[server(default)] password: String,
) -> Result<UserSummary, AppError> {
    let actor = crate::api::auth::require_admin()?;
    let disabled = disabled.is_some_and(|d| !d.is_empty() && d != "false");
    let form = UserUpdateForm {
        id,
        display_name,
        role,
        team,
        tanma,
        weiling,
        juzi,
        disabled,
        password,
    };
    let result = use_admin()?.update_user(&actor, form).await;
    crate::api::form_redirect::after_form_post(&format!("user_{id}"), &result, &[], &[]).await;
    result
}

#[server(endpoint = "admin_audit")]
pub async fn list_audit(before: Option<i64>) -> Result<AuditPage, AppError> {
    crate::api::auth::require_admin()?;
    use_admin()?.audit(before).await
}
