//! `salesdesk` / `salesdesk serve`: the web app, its background work, and a graceful stop.

use std::sync::Arc;

use super::{CliError, start_backend};
use crate::config::Settings;
use crate::services::Backend;
use crate::web;

/// Background work of a serving process: the list crawl (or loading what another instance
/// crawled) and the outbox delivery worker.
pub fn spawn_background(backend: &Arc<Backend>, settings: &Settings) {
    crate::services::list_crawl::spawn(backend.clone(), std::time::Duration::from_secs(settings.list_refresh_secs));
    backend.delivery.spawn_worker();
}

pub(super) async fn serve(settings: Settings) -> Result<(), CliError> {
    let started = start_backend(&settings).await?;
    spawn_background(&started.backend, &settings);
    let auth = crate::auth::Auth::start(
        started.backend.store.clone(),
        settings.auth.clone(),
        started.demo.as_ref().map(|d| d.universe.as_ref()),
    )
    .await?;
    let state = web::WebState {
        leptos: web::leptos_options(&settings),
        backend: started.backend.clone(),
        auth,
    };
    let listener = tokio::net::TcpListener::bind(settings.addr)
        .await
        .map_err(|source| CliError::Listen {
            addr: settings.addr,
            source,
        })?;
    if settings.demo {
        tracing::info!("demo mode: simulated vendors on {:?}", started.demo.as_ref().map(|d| d.addrs));
    }
    tracing::info!("SalesDesk {} listening on http://{}", env!("CARGO_PKG_VERSION"), settings.addr);
    // With the peer address: sign-in throttling and the trusted-proxy checks need it.
    let metrics_access = web::metrics::MetricsAccess {
        token: settings.metrics_token.clone(),
    };
    let limits = web::connections::ConnectionLimits {
        header_read_timeout: std::time::Duration::from_secs(settings.header_read_timeout_secs),
        max_connections: settings.max_connections,
    };
    web::connections::serve(listener, web::router_with(state, metrics_access), limits, shutdown_signal()).await;
    // A clean stop hands the list crawl to another instance at once instead of after the
    // lease lapses.
    if let Err(e) = crate::storage::leases::release(&started.backend.store, crate::services::list_crawl::LEASE).await {
        tracing::warn!(error = %crate::errors::report(&e), "cannot release the crawl lease");
    }
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
    tracing::info!("shutting down");
}
