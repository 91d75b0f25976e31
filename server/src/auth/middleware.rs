//! The request gate, in front of every route:
//!
//! 1. static assets pass untouched;
//! 2. state-changing requests from another site are refused (403);
//! 3. the session cookie (or trusted SSO header) becomes a `Viewer` in the request
//!    extensions, where `app::service::current_viewer()` finds it;
//! 4. without one, pages redirect to `/login?next=…` (a plain 303, so it works with
//!    JavaScript off) and server functions answer 401 — except the few public ones;
//! 5. server-function errors get their HTTP status: server_fn answers every error with 500,
//!    so `Unauthenticated` becomes 401, `Forbidden` 403, `NotFound` 404 and `Invalid` 400.

use std::net::SocketAddr;
use std::sync::Arc;

use app::api::auth::{LOGIN_ACTION, LOGIN_PAGE, LOGOUT_ACTION, LoginProblem, PUBLIC_ENDPOINTS, login_url};
use app::error::AppError;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, Method, StatusCode, header};

use super::{Auth, csrf, net};

/// server_fn marks error replies with this header.
const SERVER_FN_ERROR_HEADER: &str = "serverfnerror";
/// Server-function error bodies are small JSON; anything bigger is passed through as is.
const ERROR_BODY_LIMIT: usize = 64 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// Compiled JS/WASM/CSS and public files: no session needed, never customer data.
    Asset,
    /// Reachable signed out: the sign-in page and form, health, the language switch.
    Public,
    /// `/api/*` server functions.
    Api,
    /// Everything else: pages (and the admin CSV), which need a signed-in user.
    Page,
}

fn classify(path: &str) -> Kind {
    if path.starts_with("/pkg/") || matches!(path, "/favicon.svg" | "/robots.txt") {
        Kind::Asset
    } else if path.starts_with("/api/") {
        Kind::Api
    } else if path == LOGIN_PAGE || path == LOGIN_ACTION || path == LOGOUT_ACTION || path == "/healthz" || path == "/locale" {
        Kind::Public
    } else {
        Kind::Page
    }
}

/// A server-function error reply the client decodes into `AppError`.
pub fn api_error(status: StatusCode, error: &AppError, path: &str) -> Response {
    let body = serde_json::to_string(error).unwrap_or_else(|_| "{\"error\":\"internal\"}".into());
    let mut response = (status, [(header::CONTENT_TYPE, "application/json")], body).into_response();
    if let Ok(v) = HeaderValue::from_str(path) {
        response.headers_mut().insert(SERVER_FN_ERROR_HEADER, v);
    }
    response
}

fn see_other(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(v) => (StatusCode::SEE_OTHER, [(header::LOCATION, v)]).into_response(),
        Err(_) => (StatusCode::SEE_OTHER, [(header::LOCATION, HeaderValue::from_static(LOGIN_PAGE))]).into_response(),
    }
}

/// A small self-contained page for refusals that happen before Leptos renders anything.
pub(crate) fn refusal_page(status: StatusCode, zh: &str, en: &str) -> Response {
    let html = format!(
        "<!DOCTYPE html><html lang=\"zh\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>SalesDesk</title></head>\
         <body><h1>{}</h1><p>{zh}</p><p lang=\"en\">{en}</p><p><a href=\"/\">SalesDesk</a></p></body></html>",
        status.as_u16()
    );
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
}

fn path_and_query(request: &Request) -> String {
    request
        .uri()
        .path_and_query()
        .map(|pq| pq.as_str().to_string())
        .unwrap_or_else(|| "/".into())
}

/// The path of a same-site `Referer` (where a JavaScript-off form was posted from).
fn referer_path(request: &Request) -> String {
    let referer = request.headers().get(header::REFERER).and_then(|v| v.to_str().ok()).unwrap_or("/");
    match url::Url::parse(referer) {
        Ok(u) => format!("{}{}", u.path(), u.query().map(|q| format!("?{q}")).unwrap_or_default()),
        Err(_) => "/".into(),
    }
}

pub(crate) fn accepts_html(request: &Request) -> bool {
    request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

pub async fn gate(State(auth): State<Arc<Auth>>, mut request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    let kind = classify(&path);
    if kind == Kind::Asset {
        return next.run(request).await;
    }
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let client = auth.client_info(peer, request.headers());
    request.extensions_mut().insert(client);

    // DNS rebinding: only the names SalesDesk is reached by (health checks may use any).
    let host = net::request_host(peer, request.headers(), &auth.settings.trusted_proxies).unwrap_or_default();
    if path != "/healthz" && !net::host_allowed(&host, &auth.settings.public_hosts) {
        tracing::warn!(%path, host = %host.chars().take(100).collect::<String>(), "refused a request for a host name not in SALESDESK_PUBLIC_HOSTS");
        return refusal_page(
            StatusCode::MISDIRECTED_REQUEST,
            "此地址不是 SalesDesk 的访问地址。请使用管理员提供的网址。",
            "This host name is not one SalesDesk answers to (SALESDESK_PUBLIC_HOSTS).",
        );
    }

    if csrf::is_state_changing(request.method())
        && let Err(why) = csrf::check(request.headers(), peer, &auth.settings.trusted_proxies)
    {
        tracing::warn!(%path, method = %request.method(), why, "refused a cross-site request");
        return match kind {
            Kind::Api => api_error(StatusCode::FORBIDDEN, &AppError::Forbidden, &path),
            _ => refusal_page(
                StatusCode::FORBIDDEN,
                "请求来自其他网站，已拒绝。请回到 SalesDesk 页面重新操作。",
                "This request came from another site and was refused.",
            ),
        };
    }

    let resolution = match auth.resolve(peer, request.headers()).await {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(error = %crate::errors::report(&e), "could not resolve the session");
            return match kind {
                Kind::Api => api_error(StatusCode::INTERNAL_SERVER_ERROR, &AppError::Internal { request_id: None }, &path),
                _ => refusal_page(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "SalesDesk 内部出错，请联系管理员。",
                    "SalesDesk hit an internal error.",
                ),
            };
        }
    };

    if let Some(name) = &resolution.sso_unknown {
        tracing::warn!(username = %name, "the SSO proxy named a user without an enabled SalesDesk account");
        if kind != Kind::Public || path == LOGIN_ACTION {
            return match kind {
                Kind::Api => api_error(StatusCode::FORBIDDEN, &AppError::Forbidden, &path),
                _ => refusal_page(
                    StatusCode::FORBIDDEN,
                    "您的账号尚未开通 SalesDesk，请联系管理员。",
                    "You have no SalesDesk account yet; ask your administrator.",
                ),
            };
        }
    }

    let stale = resolution.stale_cookie;
    let signed_in = resolution.viewer.is_some();
    if let Some(viewer) = resolution.viewer {
        auth.preload_draft(viewer.user_id, request.uri()).await;
        request.extensions_mut().insert(viewer);
    }

    if !signed_in {
        let problem = stale.then_some(LoginProblem::Expired);
        let refusal = match kind {
            Kind::Api if !PUBLIC_ENDPOINTS.contains(&path.as_str()) => {
                Some(if accepts_html(&request) && request.method() == Method::POST {
                    // A JavaScript-off form posted after the session ended: sign in, then back.
                    see_other(&login_url(&referer_path(&request), Some(LoginProblem::Expired)))
                } else {
                    api_error(StatusCode::UNAUTHORIZED, &AppError::Unauthenticated, &path)
                })
            }
            Kind::Page if matches!(*request.method(), Method::GET | Method::HEAD) => {
                Some(see_other(&login_url(&path_and_query(&request), problem)))
            }
            Kind::Page => Some((StatusCode::UNAUTHORIZED, "sign in first").into_response()),
            _ => None,
        };
        if let Some(mut response) = refusal {
            if stale {
                clear_cookie(&mut response, client.secure_cookie);
            }
            return response;
        }
    }

    let mut response = next.run(request).await;
    if kind == Kind::Api {
        response = with_error_status(response).await;
    }
    if stale && !response.headers().contains_key(header::SET_COOKIE) {
        clear_cookie(&mut response, client.secure_cookie);
    }
    response
}

fn clear_cookie(response: &mut Response, secure: bool) {
    if let Ok(v) = HeaderValue::from_str(&Auth::clear_cookie(secure)) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
}

/// Gives a server-function error reply the status its `AppError` deserves.
async fn with_error_status(response: Response) -> Response {
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR || !response.headers().contains_key(SERVER_FN_ERROR_HEADER) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, ERROR_BODY_LIMIT).await {
        Ok(b) => b,
        Err(_) => return api_error(StatusCode::INTERNAL_SERVER_ERROR, &AppError::Internal { request_id: None }, ""),
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = match error {
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Invalid(_) => StatusCode::BAD_REQUEST,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
    }
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_classified() {
        assert_eq!(classify("/pkg/salesdesk.wasm"), Kind::Asset);
        assert_eq!(classify("/api/customers"), Kind::Api);
        assert_eq!(classify("/login"), Kind::Public);
        assert_eq!(classify("/auth/login"), Kind::Public);
        assert_eq!(classify("/healthz"), Kind::Public);
        assert_eq!(classify("/"), Kind::Page);
        assert_eq!(classify("/admin/audit.csv"), Kind::Page);
        assert_eq!(classify("/loginx"), Kind::Page);
        assert_eq!(classify("/pkgx"), Kind::Page);
    }

    #[tokio::test]
    async fn error_replies_get_their_status() {
        for (error, status) in [
            (AppError::Unauthenticated, StatusCode::UNAUTHORIZED),
            (AppError::Forbidden, StatusCode::FORBIDDEN),
            (AppError::NotFound, StatusCode::NOT_FOUND),
            (AppError::Invalid(app::error::Refused::NotFailed), StatusCode::BAD_REQUEST),
            (AppError::Internal { request_id: None }, StatusCode::INTERNAL_SERVER_ERROR),
        ] {
            let reply = api_error(StatusCode::INTERNAL_SERVER_ERROR, &error, "/api/x");
            let mapped = with_error_status(reply).await;
            assert_eq!(mapped.status(), status, "{error:?}");
            let body = axum::body::to_bytes(mapped.into_body(), 1024).await.unwrap();
            assert_eq!(serde_json::from_slice::<AppError>(&body).unwrap(), error, "body kept");
        }
        let ok = (StatusCode::INTERNAL_SERVER_ERROR, "plain").into_response();
        assert_eq!(
            with_error_status(ok).await.status(),
            StatusCode::INTERNAL_SERVER_ERROR,
            "only server-function errors are touched"
        );
    }
}
