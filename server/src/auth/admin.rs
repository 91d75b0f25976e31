//! The admin pages' service: user accounts and the audit log, behind the admin-only server
//! functions declared in `app::api::admin` (which check the role before calling).

use app::api::admin::{AUDIT_PAGE_SIZE, AdminService, AuditPage, NewUserForm, UserSummary, UserUpdateForm};
use app::domain::{Role, VendorUserIds, Viewer};
use app::error::{AppError, Refused};
use async_trait::async_trait;
use secrecy::SecretString;

use super::{Auth, password, users};
use crate::clock::now_ms;
use crate::storage::audit::{self, AuditAction, AuditEntry, AuditResult};
use crate::storage::users::{self as stored, NewUser, Profile, User};

fn summary(u: &User) -> UserSummary {
    UserSummary {
        id: u.id,
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        role: u.role,
        team: u.team.clone(),
        wecom: u.wecom.clone(),
        disabled: u.disabled,
        has_password: u.password_hash.is_some(),
        last_login_ms: u.last_login_at,
    }
}

fn ids(tanma: &str, weiling: &str, juzi: &str) -> VendorUserIds {
    VendorUserIds {
        tanma: users::clean(Some(tanma)),
        weiling: users::clean(Some(weiling)),
        juzi: users::clean(Some(juzi)),
    }
}

/// The form's checks, worded for the admin page (Chinese first, like the rest of the UI).
fn check_form(username: Option<&str>, display_name: &str, password: &str, wecom: &VendorUserIds) -> Result<(), AppError> {
    if let Some(name) = username
        && users::validate_username(name).is_err()
    {
        return Err(AppError::Invalid(Refused::UsernameInvalid));
    }
    if display_name.trim().is_empty() || display_name.chars().count() > 64 {
        return Err(AppError::Invalid(Refused::DisplayNameInvalid));
    }
    if !password.is_empty() && password::validate_new(password).is_err() {
        return Err(AppError::Invalid(Refused::PasswordInvalid));
    }
    for id in [&wecom.tanma, &wecom.weiling, &wecom.juzi].into_iter().flatten() {
        if id.len() > 128 || id.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(AppError::Invalid(Refused::WecomIdInvalid));
        }
    }
    Ok(())
}

fn describe(role: Role, team: Option<&str>, wecom: &VendorUserIds, disabled: bool) -> String {
    format!(
        "role={} team={} tanma={} weiling={} juzi={}{}",
        role.slug(),
        team.unwrap_or("-"),
        wecom.tanma.as_deref().unwrap_or("-"),
        wecom.weiling.as_deref().unwrap_or("-"),
        wecom.juzi.as_deref().unwrap_or("-"),
        if disabled { " disabled" } else { "" }
    )
}

impl Auth {
    async fn audit_user(&self, actor: &Viewer, action: AuditAction, user: &User, detail: String) {
        let entry = AuditEntry {
            actor: actor.into(),
            action,
            customer_key: None,
            vendor: None,
            write_id: None,
            result: AuditResult::Ok,
            detail: Some(format!("user={} {detail}", user.username)),
            at_ms: None,
        };
        if let Err(e) = audit::record(&self.store, entry).await {
            tracing::error!(error = %crate::errors::report(&e), "could not write the audit log");
        }
    }
}

#[async_trait]
impl AdminService for Auth {
    async fn list_users(&self) -> Result<Vec<UserSummary>, AppError> {
        Ok(stored::list(&self.store).await?.iter().map(summary).collect())
    }

    async fn create_user(&self, actor: &Viewer, form: NewUserForm) -> Result<UserSummary, AppError> {
        let username = form.username.trim().to_string();
        let wecom = ids(&form.tanma, &form.weiling, &form.juzi);
        check_form(Some(&username), &form.display_name, &form.password, &wecom)?;
        if stored::by_username(&self.store, &username).await?.is_some() {
            return Err(AppError::Invalid(Refused::UsernameTaken));
        }
        let password_hash = match form.password.is_empty() {
            true => None,
            false => Some(password::hash(SecretString::from(form.password)).await?),
        };
        let new = NewUser {
            username,
            display_name: form.display_name.trim().to_string(),
            role: form.role,
            team: users::clean(Some(&form.team)),
            wecom,
            password_hash,
        };
        let user = users::create(&self.store, &new, now_ms()).await?;
        self.audit_user(
            actor,
            AuditAction::UserCreated,
            &user,
            describe(user.role, user.team.as_deref(), &user.wecom, false),
        )
        .await;
        Ok(summary(&user))
    }

    async fn update_user(&self, actor: &Viewer, form: UserUpdateForm) -> Result<UserSummary, AppError> {
        let user = stored::by_id(&self.store, form.id).await?.ok_or(AppError::NotFound)?;
        let wecom = ids(&form.tanma, &form.weiling, &form.juzi);
        check_form(None, &form.display_name, &form.password, &wecom)?;
        // An admin cannot lock themself out: someone must be able to fix mistakes.
        if user.id == actor.user_id && (form.role != Role::Admin || form.disabled) {
            return Err(AppError::Invalid(Refused::SelfLockout));
        }
        let now = now_ms();
        let profile = Profile {
            display_name: form.display_name.trim().to_string(),
            role: form.role,
            team: users::clean(Some(&form.team)),
            wecom,
        };
        users::update_profile(&self.store, user.id, &profile, now).await?;
        if form.disabled != user.disabled {
            stored::set_disabled(&self.store, user.id, form.disabled, now).await?;
        }
        let updated = stored::by_id(&self.store, user.id).await?.ok_or(AppError::NotFound)?;
        self.audit_user(
            actor,
            AuditAction::UserUpdated,
            &updated,
            describe(updated.role, updated.team.as_deref(), &updated.wecom, updated.disabled),
        )
        .await;
        if !form.password.is_empty() {
            let hash = password::hash(SecretString::from(form.password)).await?;
            stored::set_password_hash(&self.store, user.id, &hash, now).await?;
            self.audit_user(actor, AuditAction::PasswordChanged, &updated, String::new()).await;
        }
        // After every change is stored: the user's open sessions must see the new role, team
        // or ids, or be refused, from the next request on (a lookup racing the changes is not
        // remembered, see `recent`).
        self.forget_recent_sessions().await;
        let updated = stored::by_id(&self.store, user.id).await?.ok_or(AppError::NotFound)?;
        Ok(summary(&updated))
    }

    async fn audit(&self, before: Option<i64>) -> Result<AuditPage, AppError> {
        let mut rows = audit::list(&self.store, before, AUDIT_PAGE_SIZE as i64 + 1).await?;
        let older = if rows.len() > AUDIT_PAGE_SIZE {
            rows.truncate(AUDIT_PAGE_SIZE);
            rows.last().map(|r| r.id)
        } else {
            None
        };
        Ok(AuditPage { rows, older })
    }
}
