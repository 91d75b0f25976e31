//! `GET /metrics`: Prometheus/OpenMetrics text (see `crate::metrics`).
//!
//! Not behind sign-in (a scraper has no session), so access is by network position or
//! token: a request straight from loopback (no proxy forwarding headers, which would mean
//! it came through a local reverse proxy from anywhere), or one carrying
//! `Authorization: Bearer <SALESDESK_METRICS_TOKEN>`. Anything else gets 403.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

use super::WebState;

/// Who may scrape.
#[derive(Clone, Default)]
pub struct MetricsAccess {
    pub token: Option<SecretString>,
}

const FORWARDING_HEADERS: [&str; 3] = ["forwarded", "x-forwarded-for", "x-real-ip"];

impl MetricsAccess {
    pub fn allows(&self, peer: Option<SocketAddr>, headers: &HeaderMap) -> bool {
        let direct_loopback = peer.is_some_and(|p| p.ip().is_loopback()) && !FORWARDING_HEADERS.iter().any(|h| headers.contains_key(*h));
        direct_loopback || self.bearer_matches(headers)
    }

    fn bearer_matches(&self, headers: &HeaderMap) -> bool {
        let Some(token) = &self.token else {
            return false;
        };
        let Some(given) = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
        else {
            return false;
        };
        // Compare digests so the time taken says nothing about how much of the token matched.
        Sha256::digest(given.trim().as_bytes()) == Sha256::digest(token.expose_secret().as_bytes())
    }
}

pub async fn serve_metrics(
    State(state): State<WebState>,
    axum::Extension(access): axum::Extension<Arc<MetricsAccess>>,
    request: Request,
) -> Response {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
    if !access.allows(peer, request.headers()) {
        return (
            StatusCode::FORBIDDEN,
            "metrics are served to loopback, or with Authorization: Bearer <SALESDESK_METRICS_TOKEN>\n",
        )
            .into_response();
    }
    let metrics = crate::metrics::metrics();
    match state.backend.store.outbox_depth().await {
        Ok(depth) => metrics.set_outbox_depth(depth),
        Err(e) => tracing::warn!(error = %e, "metrics: cannot read the outbox depth"),
    }
    let list = state.backend.index.size().await;
    metrics.set_list_size(list.customers, list.compressed_record_bytes);
    match metrics.encode() {
        Ok(text) => (
            [(header::CONTENT_TYPE, HeaderValue::from_static(crate::metrics::CONTENT_TYPE))],
            text,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "metrics: encoding failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn loopback_or_the_token_only() {
        let open = MetricsAccess::default();
        let local: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let remote: SocketAddr = "10.1.2.3:5000".parse().unwrap();
        assert!(open.allows(Some(local), &headers(&[])));
        assert!(open.allows(Some("[::1]:5000".parse().unwrap()), &headers(&[])));
        assert!(
            !open.allows(Some(local), &headers(&[("x-forwarded-for", "203.0.113.9")])),
            "through a local proxy"
        );
        assert!(!open.allows(Some(remote), &headers(&[])));
        assert!(!open.allows(None, &headers(&[])));
        assert!(
            !open.allows(Some(remote), &headers(&[("authorization", "Bearer anything")])),
            "no token configured"
        );
        let with_token = MetricsAccess {
            token: Some(SecretString::from("scrape-token-0123456789")),
        };
        assert!(with_token.allows(Some(remote), &headers(&[("authorization", "Bearer scrape-token-0123456789")])));
        assert!(!with_token.allows(Some(remote), &headers(&[("authorization", "Bearer scrape-token-012345678")])));
        assert!(!with_token.allows(Some(remote), &headers(&[("authorization", "Basic scrape-token-0123456789")])));
    }
}
