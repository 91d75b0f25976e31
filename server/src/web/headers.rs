//! Headers on every response: no framing, no MIME sniffing, no referrer leaks, and pages
//! (which carry customer data) are never cached. A rendered page gets a
//! Content-Security-Policy with the nonce its scripts carry (`app::csp`); every other
//! response gets the strict fallback policy.
//!
//! The page policy is set here, from the nonce the render reports back through a slot in the
//! request's extensions (`remember_page_nonce`). Setting it only from inside the render via
//! Leptos's `ResponseOptions` lost the header about once in 180 concurrent page loads, and a
//! page whose policy lacks its nonce cannot hydrate.

use std::sync::{Arc, OnceLock};

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// Where the render leaves the nonce it gave the page's scripts.
#[derive(Clone, Default)]
struct PageNonce(Arc<OnceLock<String>>);

/// Called in every Leptos render's context (see `web::router_with`): reports the page's nonce
/// to `security_headers`. Server-function calls have no nonce and report nothing.
pub fn remember_page_nonce() {
    use leptos::prelude::use_context;
    if let (Some(nonce), Some(parts)) = (leptos::nonce::use_nonce(), use_context::<http::request::Parts>())
        && let Some(slot) = parts.extensions.get::<PageNonce>()
    {
        let _ = slot.0.set(nonce.to_string());
    }
}

pub async fn security_headers(mut request: Request, next: Next) -> Response {
    let is_asset = request.uri().path().starts_with("/pkg/") || request.uri().path() == "/favicon.svg";
    let page_nonce = PageNonce::default();
    request.extensions_mut().insert(page_nonce.clone());
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    if let Some(nonce) = page_nonce.0.get() {
        // The render's own policy (it may also allow the dev reload socket) when it arrived
        // with this nonce; otherwise the page policy from here.
        let has_own = h
            .get(header::CONTENT_SECURITY_POLICY)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains(&format!("'nonce-{nonce}'")));
        if !has_own {
            match HeaderValue::from_str(&app::csp::page_policy(nonce, None)) {
                Ok(value) => {
                    h.insert(header::CONTENT_SECURITY_POLICY, value);
                }
                Err(e) => tracing::error!(error = %e, "cannot build the page's Content-Security-Policy"),
            }
        }
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(app::csp::FALLBACK_POLICY));
    }
    h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
    );
    if !is_asset {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::body::Body;
    use axum::routing::get;
    use tower::ServiceExt;

    use super::*;

    /// A page render that reports nonce `n1` and sets `own` as its policy, if any.
    fn app(own: Option<&'static str>) -> Router {
        Router::new()
            .route(
                "/page",
                get(move |request: Request| async move {
                    if let Some(slot) = request.extensions().get::<PageNonce>() {
                        let _ = slot.0.set("n1".into());
                    }
                    let mut response = Response::new(Body::from("<html></html>"));
                    if let Some(policy) = own {
                        response
                            .headers_mut()
                            .insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(policy));
                    }
                    response
                }),
            )
            .route("/api/thing", get(|| async { "{}" }))
            .layer(axum::middleware::from_fn(security_headers))
    }

    async fn policy(app: Router, path: &str) -> String {
        let response = app.oneshot(Request::get(path).body(Body::empty()).unwrap()).await.unwrap();
        response.headers()[header::CONTENT_SECURITY_POLICY].to_str().unwrap().to_string()
    }

    #[tokio::test]
    async fn a_page_gets_its_nonce_policy_even_when_the_render_lost_the_header() {
        assert!(policy(app(None), "/page").await.contains("script-src 'self' 'nonce-n1'"));
    }

    #[tokio::test]
    async fn a_render_policy_with_the_same_nonce_is_kept_and_a_stale_one_replaced() {
        let own = "default-src 'self'; script-src 'nonce-n1'; connect-src ws://127.0.0.1:3001";
        assert_eq!(policy(app(Some(own)), "/page").await, own);
        let stale = policy(app(Some("script-src 'nonce-other'")), "/page").await;
        assert!(stale.contains("'nonce-n1'") && !stale.contains("other"), "{stale}");
    }

    #[tokio::test]
    async fn other_answers_get_the_fallback_policy() {
        assert_eq!(policy(app(None), "/api/thing").await, app::csp::FALLBACK_POLICY);
    }
}
