//! Simulated vendors: real HTTP servers on loopback that speak each vendor's protocol,
//! check its auth, page like it does, and can inject faults. Demo mode, integration tests,
//! end-to-end tests and benchmarks all point the real clients at these.

pub mod dataset;
pub mod faults;
pub mod juzi;
pub mod tanma;
pub mod weiling;

use std::net::SocketAddr;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// Serves `router` on `addr` (use `127.0.0.1:0` for a free port) in the background and
/// returns the bound address. The task ends when the runtime shuts down or it is aborted.
pub async fn serve(router: axum::Router, addr: SocketAddr) -> std::io::Result<(SocketAddr, JoinHandle<()>)> {
    let listener = TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    let handle = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, router).await {
            tracing::error!(%bound, error = %e, "simulator stopped");
        }
    });
    Ok((bound, handle))
}
