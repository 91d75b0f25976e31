//! Serving connections with limits a slow or hostile client cannot outlast: a request's
//! headers must arrive within [`ConnectionLimits::header_read_timeout`], and at most
//! [`ConnectionLimits::max_connections`] connections are served at once (the next waits in
//! the listen backlog until one closes).
//!
//! `axum::serve` gives hyper no timer, and without one hyper never times a header read out:
//! 200 clients dripping one header line every 5 s all stayed connected. This is the same
//! accept loop with hyper's own header-read timeout, a semaphore and a graceful stop.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::{Service, ServiceExt};

/// Limits on the connections one process serves.
#[derive(Clone, Copy, Debug)]
pub struct ConnectionLimits {
    /// A request's headers (the first request's, and each next one's on a kept-alive
    /// connection) must be complete this long after they start.
    pub header_read_timeout: Duration,
    /// Connections served at once.
    pub max_connections: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            header_read_timeout: Duration::from_secs(10),
            max_connections: 1024,
        }
    }
}

/// How long a graceful stop waits for requests in flight.
const DRAIN: Duration = Duration::from_secs(10);

/// Serves `router` on `listener` until `shutdown` completes, then lets the requests in flight
/// finish (for up to [`DRAIN`]). Handlers see the peer address as `ConnectInfo<SocketAddr>`.
pub async fn serve(listener: TcpListener, router: Router, limits: ConnectionLimits, shutdown: impl Future<Output = ()>) {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut make_service = router.into_make_service_with_connect_info::<SocketAddr>();
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    let builder = Arc::new(builder);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        // A slot first: at the limit, connections wait in the kernel's backlog.
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little rather than spin.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(tower_service) = make_service.call(peer).await;
        let service = TowerToHyperService::new(tower_service.map_request(|request: http::Request<Incoming>| request.map(Body::new)));
        let builder = builder.clone();
        let connection = graceful.watch(builder.serve_connection_with_upgrades(TokioIo::new(stream), service).into_owned());
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, %peer, "connection ended with an error");
            }
            drop(slot);
        });
    }
    if tokio::time::timeout(DRAIN, graceful.shutdown()).await.is_err() {
        tracing::warn!("stopped with requests still in flight after {DRAIN:?}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::get;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;

    async fn start(limits: ConnectionLimits) -> (SocketAddr, tokio::sync::oneshot::Sender<()>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let router = Router::new().route(
            "/",
            get(|axum::extract::ConnectInfo(peer): axum::extract::ConnectInfo<SocketAddr>| async move { format!("hello {}", peer.ip()) }),
        );
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(serve(listener, router, limits, async {
            let _ = stopped.await;
        }));
        (addr, stop)
    }

    /// Reads until the server closes the connection (or `within` passes): what it sent.
    async fn read_until_closed(stream: &mut TcpStream, within: Duration) -> Option<String> {
        let mut out = Vec::new();
        match tokio::time::timeout(within, stream.read_to_end(&mut out)).await {
            Ok(_) => Some(String::from_utf8_lossy(&out).into_owned()),
            Err(_) => None,
        }
    }

    #[tokio::test]
    async fn a_client_that_drips_its_headers_is_cut_off() {
        let limits = ConnectionLimits {
            header_read_timeout: Duration::from_millis(300),
            max_connections: 64,
        };
        let (addr, _stop) = start(limits).await;
        let mut slow = TcpStream::connect(addr).await.unwrap();
        slow.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").await.unwrap();
        let dripping = async {
            for i in 0..20 {
                tokio::time::sleep(Duration::from_millis(100)).await;
                if slow.write_all(format!("X-Drip-{i}: 1\r\n").as_bytes()).await.is_err() {
                    return true;
                }
            }
            false
        };
        let cut_off = tokio::time::timeout(Duration::from_secs(5), dripping).await.unwrap_or(false);
        let after = read_until_closed(&mut slow, Duration::from_secs(2)).await;
        assert!(cut_off || after.is_some(), "the dripping connection was still open after 2 s");
        assert!(!after.unwrap_or_default().contains("hello"), "it was never answered");

        // A normal request is served, with the peer's address.
        let mut quick = TcpStream::connect(addr).await.unwrap();
        quick
            .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        let reply = read_until_closed(&mut quick, Duration::from_secs(2)).await.expect("answered");
        assert!(reply.starts_with("HTTP/1.1 200") && reply.contains("hello 127.0.0.1"), "{reply}");
    }

    #[tokio::test]
    async fn connections_past_the_limit_wait_for_a_free_one() {
        let limits = ConnectionLimits {
            header_read_timeout: Duration::from_secs(30),
            max_connections: 2,
        };
        let (addr, _stop) = start(limits).await;
        let mut held = Vec::new();
        for _ in 0..2 {
            let mut s = TcpStream::connect(addr).await.unwrap();
            s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").await.unwrap();
            held.push(s);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        let mut third = TcpStream::connect(addr).await.unwrap();
        third
            .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        assert_eq!(
            read_until_closed(&mut third, Duration::from_millis(400)).await,
            None,
            "served past the limit"
        );
        drop(held.pop());
        let reply = read_until_closed(&mut third, Duration::from_secs(3))
            .await
            .expect("served once a slot was free");
        assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    }

    #[tokio::test]
    async fn a_stop_lets_the_request_in_flight_finish() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let router = Router::new().route(
            "/",
            get(|| async {
                tokio::time::sleep(Duration::from_millis(200)).await;
                "done"
            }),
        );
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(serve(listener, router, ConnectionLimits::default(), async {
            let _ = stopped.await;
        }));
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
        let _ = stop.send(());
        let reply = read_until_closed(&mut s, Duration::from_secs(3)).await.expect("answered");
        assert!(reply.contains("done"), "{reply}");
        tokio::time::timeout(Duration::from_secs(3), server)
            .await
            .expect("stopped")
            .expect("no panic");
    }
}
