//! Plain HTTP endpoints of sign-in: the login and logout form posts (they must work with
//! JavaScript off, so they answer with redirects) and the audit CSV download.

use std::sync::Arc;

use app::api::auth::{LOGIN_ACTION, LOGIN_PAGE, LOGOUT_ACTION, SIGNED_OUT_PARAM, login_url, safe_next};
use app::domain::{Role, Viewer};
use axum::extract::{FromRef, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Form, Router};
use http::{HeaderMap, HeaderValue, StatusCode, header};
use secrecy::SecretString;
use serde::Deserialize;

use super::{Auth, ClientInfo, audit_export};

/// The sign-in form. `password` goes straight into a `SecretString`.
#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: SecretString,
    #[serde(default)]
    next: Option<String>,
}

/// The routes of this module, for the application router (whose state yields the `Auth`).
pub fn routes<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Auth>: FromRef<S>,
{
    Router::new()
        .route(LOGIN_ACTION, post(login))
        .route(LOGOUT_ACTION, post(logout))
        .route("/admin/audit.csv", get(audit_csv))
}

fn redirect_with_cookie(location: &str, cookie: &str) -> Response {
    let mut response = (
        StatusCode::SEE_OTHER,
        [(
            header::LOCATION,
            HeaderValue::from_str(location).unwrap_or(HeaderValue::from_static("/")),
        )],
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(cookie) {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    response
}

fn redirect(location: &str) -> Response {
    (
        StatusCode::SEE_OTHER,
        [(
            header::LOCATION,
            HeaderValue::from_str(location).unwrap_or(HeaderValue::from_static(LOGIN_PAGE)),
        )],
    )
        .into_response()
}

async fn login(
    State(auth): State<Arc<Auth>>,
    client: Option<Extension<ClientInfo>>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let client = client.map(|c| c.0).unwrap_or_default();
    let next = safe_next(form.next.as_deref());
    let user_agent = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok());
    match auth.login(&form.username, form.password, &client, user_agent).await {
        Ok(token) => redirect_with_cookie(&next, &auth.session_cookie(&token, client.secure_cookie)),
        Err(problem) => redirect(&login_url(&next, Some(problem))),
    }
}

async fn logout(State(auth): State<Arc<Auth>>, client: Option<Extension<ClientInfo>>, headers: HeaderMap) -> Response {
    let secure = client.is_some_and(|c| c.0.secure_cookie);
    if let Err(e) = auth.logout(&headers).await {
        tracing::error!(error = %crate::errors::report(&e), "could not end the session");
    }
    redirect_with_cookie(&format!("{LOGIN_PAGE}?{SIGNED_OUT_PARAM}=1"), &Auth::clear_cookie(secure))
}

/// `GET /admin/audit.csv`: the whole audit log, for admins.
async fn audit_csv(State(auth): State<Arc<Auth>>, viewer: Option<Extension<Viewer>>) -> Response {
    match viewer {
        None => (StatusCode::UNAUTHORIZED, "sign in first").into_response(),
        Some(Extension(v)) if v.role != Role::Admin => (StatusCode::FORBIDDEN, "admins only").into_response(),
        Some(_) => match audit_export::export_csv(&auth.store).await {
            Ok(bytes) => {
                let name = format!(
                    "attachment; filename=\"salesdesk-audit-{}.csv\"",
                    chrono::Utc::now().format("%Y%m%d")
                );
                let disposition = HeaderValue::from_str(&name).unwrap_or(HeaderValue::from_static("attachment"));
                (
                    StatusCode::OK,
                    [
                        (header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8")),
                        (header::CONTENT_DISPOSITION, disposition),
                    ],
                    bytes,
                )
                    .into_response()
            }
            Err(e) => {
                tracing::error!(error = %crate::errors::report(&e), "audit export failed");
                (StatusCode::INTERNAL_SERVER_ERROR, "export failed; see the server log").into_response()
            }
        },
    }
}
