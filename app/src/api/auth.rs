//! Who is signed in, and the addresses of signing in and out. Sign-in itself is a plain
//! HTML form posted to the server (`LOGIN_ACTION`), so it works with JavaScript off; the
//! server sets an HttpOnly session cookie the browser's code never sees.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::Role;
use crate::error::AppError;

/// The sign-in page.
pub const LOGIN_PAGE: &str = "/login";
/// Where the sign-in form posts (username, password, next).
pub const LOGIN_ACTION: &str = "/auth/login";
/// Where the sign-out button posts.
pub const LOGOUT_ACTION: &str = "/auth/logout";
/// Query parameter of the sign-in page: where to go after signing in.
pub const NEXT_PARAM: &str = "next";
/// Query parameter of the sign-in page: why the last attempt did not sign in.
pub const ERROR_PARAM: &str = "error";
/// Query parameter of the sign-in page after signing out.
pub const SIGNED_OUT_PARAM: &str = "signed_out";

/// Server functions anyone may call, signed in or not: the page frame and the sign-in page
/// need them. Every other `/api/*` endpoint answers 401 without a session.
pub const PUBLIC_ENDPOINTS: &[&str] = &["/api/shell_info", "/api/current_user"];

/// Why the sign-in page is shown again. The wording never says whether the account exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoginProblem {
    /// Wrong name or password, or a disabled account: one message for all.
    Invalid,
    /// Too many attempts for this name or from this address.
    Throttled,
    /// The session ran out (idle or absolute limit).
    Expired,
    /// The form came from another site, or the server could not check the password.
    Rejected,
}

impl LoginProblem {
    pub fn slug(self) -> &'static str {
        match self {
            LoginProblem::Invalid => "invalid",
            LoginProblem::Throttled => "throttled",
            LoginProblem::Expired => "expired",
            LoginProblem::Rejected => "rejected",
        }
    }

    pub fn from_slug(s: &str) -> Option<Self> {
        match s {
            "invalid" => Some(LoginProblem::Invalid),
            "throttled" => Some(LoginProblem::Throttled),
            "expired" => Some(LoginProblem::Expired),
            "rejected" => Some(LoginProblem::Rejected),
            _ => None,
        }
    }
}

/// Only same-site paths are followed after sign-in: an open redirect would let a phishing
/// link borrow our domain.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(p) if is_local_path(p) && !p.starts_with(LOGIN_PAGE) => p.to_string(),
        _ => "/".to_string(),
    }
}

/// Whether `path` names a page of this site when used as a redirect's `Location`: it starts
/// with one `/` (`//host` and `/\host` are other sites to a browser) and holds no control
/// characters.
pub fn is_local_path(path: &str) -> bool {
    path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') && !path.chars().any(char::is_control)
}

/// The sign-in page address that returns to `next` afterwards.
pub fn login_url(next: &str, problem: Option<LoginProblem>) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    let next = safe_next(Some(next));
    if next != "/" {
        query.append_pair(NEXT_PARAM, &next);
    }
    if let Some(p) = problem {
        query.append_pair(ERROR_PARAM, p.slug());
    }
    let query = query.finish();
    if query.is_empty() {
        LOGIN_PAGE.to_string()
    } else {
        format!("{LOGIN_PAGE}?{query}")
    }
}

/// The signed-in user as the page frame shows them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SignedInUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
}

/// The signed-in user, or `None`. Public: the sign-in page and the header call it.
#[server(endpoint = "current_user")]
pub async fn get_current_user() -> Result<Option<SignedInUser>, AppError> {
    Ok(crate::service::current_viewer().map(|v| SignedInUser {
        username: v.username,
        display_name: v.display_name,
        role: v.role,
    }))
}

/// The signed-in admin, `Unauthenticated` without a session, `Forbidden` for anyone else.
#[cfg(feature = "ssr")]
pub fn require_admin() -> Result<crate::domain::Viewer, AppError> {
    let viewer = crate::service::require_viewer()?;
    if viewer.role == Role::Admin {
        Ok(viewer)
    } else {
        Err(AppError::Forbidden)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_is_local_only() {
        assert_eq!(safe_next(Some("/customers?q=%E7%8E%8B")), "/customers?q=%E7%8E%8B");
        for bad in [
            "//evil.example/",
            "https://evil.example/",
            "/\\evil",
            "/a\r\nx",
            "/login?next=/x",
            "customers",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad}");
        }
        assert_eq!(safe_next(None), "/");
        assert_eq!(
            login_url("/customers/wmA?tab=1", Some(LoginProblem::Expired)),
            "/login?next=%2Fcustomers%2FwmA%3Ftab%3D1&error=expired"
        );
        assert_eq!(login_url("/", None), "/login");
        assert_eq!(
            LoginProblem::from_slug(LoginProblem::Throttled.slug()),
            Some(LoginProblem::Throttled)
        );
    }
}
