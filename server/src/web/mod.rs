//! The HTTP surface: Leptos pages and server functions, health, the locale switch, static
//! files, and the headers every response carries.

pub mod connections;
mod export;
mod headers;
mod health;
mod locale;
pub mod metrics;
pub mod request_id;
pub mod request_limits;

use std::sync::Arc;

use app::service::SharedService;
use app::{App, shell};
use axum::Router;
use axum::routing::get;
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};

use crate::services::Backend;

/// Everything a request handler may need. leptos_axum clones the state into every server
/// function call's context, so each field is a shared pointer: cloning `LeptosOptions`
/// itself (a dozen strings) was 3 % of a cached customer page's CPU.
#[derive(Clone)]
pub struct WebState {
    pub leptos: Arc<LeptosOptions>,
    pub backend: Arc<Backend>,
    /// Sign-in, sessions and the admin service.
    pub auth: Arc<crate::auth::Auth>,
}

impl axum::extract::FromRef<WebState> for Arc<crate::auth::Auth> {
    fn from_ref(state: &WebState) -> Self {
        state.auth.clone()
    }
}

impl axum::extract::FromRef<WebState> for LeptosOptions {
    fn from_ref(state: &WebState) -> Self {
        LeptosOptions::clone(&state.leptos)
    }
}

/// Builds the whole application router; `/metrics` answers loopback only.
pub fn router(state: WebState) -> Router {
    router_with(state, metrics::MetricsAccess::default())
}

/// The router, with `/metrics` also open to bearers of the configured token.
pub fn router_with(state: WebState, metrics_access: metrics::MetricsAccess) -> Router {
    // Before leptos_axum sets up its executor, so page data loads keep the request's span.
    request_id::install_executor();
    let service: SharedService = state.backend.clone();
    let auth = state.auth.clone();
    let provide = move || {
        provide_context::<SharedService>(service.clone());
        crate::auth::provide_leptos_context(&auth);
        headers::remember_page_nonce();
    };
    let routes = generate_route_list(App);
    let leptos = LeptosOptions::clone(&state.leptos);
    let app = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/locale", get(locale::switch_locale))
        .merge(crate::auth::routes())
        // CSV downloads: plain links behind the sign-in gate below, like pages.
        .merge(export::routes())
        .leptos_routes_with_context(&state, routes, provide.clone(), move || shell(leptos.clone()))
        .fallback(leptos_axum::file_and_error_handler_with_context::<WebState, _>(provide, shell))
        // Inner to outer: body size and shape limits (413/400 instead of server_fn's 500),
        // the sign-in gate, then headers on every answer (refusals too).
        .layer(axum::extract::DefaultBodyLimit::max(request_limits::MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(request_limits::limit_requests))
        .layer(axum::middleware::from_fn_with_state(
            state.auth.clone(),
            crate::auth::middleware::gate,
        ))
        // After the gate: scrapers have no session; `metrics` checks loopback or token itself.
        .route(
            "/metrics",
            get(metrics::serve_metrics).layer(axum::Extension(std::sync::Arc::new(metrics_access))),
        )
        .layer(axum::middleware::from_fn(headers::security_headers));
    request_id::with_request_ids(app).with_state(state)
}

/// Leptos options built from our settings rather than cargo-leptos's environment, so the
/// binary runs the same under `cargo test`, `cargo leptos serve` and a deployment.
pub fn leptos_options(settings: &crate::config::Settings) -> Arc<LeptosOptions> {
    Arc::new(
        LeptosOptions::builder()
            .output_name(option_env!("LEPTOS_OUTPUT_NAME").unwrap_or("salesdesk"))
            .site_root(settings.site_root.to_string_lossy().to_string())
            .site_pkg_dir("pkg")
            .site_addr(settings.addr)
            .build(),
    )
}
