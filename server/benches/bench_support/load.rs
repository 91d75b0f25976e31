//! The HTTP load generator of the served benchmark: a fixed number of keep-alive connections,
//! each sending one request after another for a fixed time, timing every answer.
//!
//! It runs on the same two cores as the server it measures, so it is kept lean: a bare hyper
//! HTTP/1.1 connection per worker and requests built from prepared headers and bodies,
//! instead of a pooled client that parses a URL and encodes a form for every call (reqwest
//! took more CPU per request than the cached server function it was measuring).

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper_util::rt::TokioIo;

type Error = Box<dyn std::error::Error + Send + Sync>;

/// One request a worker sends: a `POST` of a form body with the given headers.
#[derive(Clone)]
pub struct PreparedPost {
    pub path: String,
    pub headers: Vec<(&'static str, String)>,
    pub bodies: Vec<Bytes>,
}

/// What the run measured: every successful request's latency, sorted, and the failures.
pub struct LoadResult {
    pub latencies: Vec<Duration>,
    pub errors: u64,
    pub elapsed: Duration,
}

/// `connections` workers, each on its own connection, for `duration`. Worker `i` starts at
/// body `i` and goes round the bodies, so all of them are asked evenly.
///
/// The workers share one thread of their own (like `wrk -t1`): the load generator then takes
/// at most one core from the server it measures, and its workers never wake each other
/// across cores.
pub async fn run(addr: SocketAddr, post: PreparedPost, connections: usize, duration: Duration) -> Result<LoadResult, Error> {
    let (done, result) = tokio::sync::oneshot::channel();
    std::thread::Builder::new().name("load-generator".into()).spawn(move || {
        let outcome = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(Error::from)
            .and_then(|runtime| runtime.block_on(run_here(addr, post, connections, duration)));
        let _ = done.send(outcome);
    })?;
    result.await?
}

async fn run_here(addr: SocketAddr, post: PreparedPost, connections: usize, duration: Duration) -> Result<LoadResult, Error> {
    let started = Instant::now();
    let deadline = started + duration;
    let mut workers = Vec::with_capacity(connections);
    for i in 0..connections {
        let post = post.clone();
        workers.push(tokio::spawn(async move { worker(addr, post, i, deadline).await }));
    }
    let mut latencies = Vec::new();
    let mut errors = 0;
    for w in workers {
        let (times, failed) = w.await??;
        latencies.extend(times);
        errors += failed;
    }
    let elapsed = started.elapsed();
    latencies.sort();
    Ok(LoadResult {
        latencies,
        errors,
        elapsed,
    })
}

async fn worker(addr: SocketAddr, post: PreparedPost, first: usize, deadline: Instant) -> Result<(Vec<Duration>, u64), Error> {
    let stream = tokio::net::TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    let host = addr.to_string();
    let mut times = Vec::new();
    let mut errors = 0u64;
    let mut n = first;
    while Instant::now() < deadline {
        let body = post.bodies[n % post.bodies.len()].clone();
        n += 1;
        let mut request = Request::post(post.path.as_str())
            .header("host", host.as_str())
            .header("content-type", "application/x-www-form-urlencoded");
        for (name, value) in &post.headers {
            request = request.header(*name, value.as_str());
        }
        let request = request.body(Full::new(body))?;
        let t = Instant::now();
        sender.ready().await?;
        match sender.send_request(request).await {
            Ok(reply) => {
                let ok = reply.status().is_success();
                let read = reply.into_body().collect().await.is_ok();
                if ok && read {
                    times.push(t.elapsed());
                } else {
                    errors += 1;
                }
            }
            // The connection is gone: nothing more this worker can measure.
            Err(_) => {
                errors += 1;
                break;
            }
        }
    }
    Ok((times, errors))
}
