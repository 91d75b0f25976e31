//! One id per request, tying a page view to the vendor calls it made.
//!
//! - `x-request-id` from the client (or a proxy) is kept when it is a short plain token,
//!   otherwise replaced by a new UUID; the response carries it back;
//! - every request runs in a `request` tracing span with that id, so the vendor-call log
//!   lines inside it (and in the read cache's background refreshes) carry it too;
//! - Leptos renders pages by spawning the data loads: the executor installed here spawns
//!   them inside the spawning request's span and request id, so they keep both;
//! - `crate::request_context` holds the id, so code in any layer that reports an internal
//!   error (`crate::errors::internal`) can name it without depending on the web layer.

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderName};
use axum::middleware::Next;
use axum::response::Response;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{MakeSpan, TraceLayer};
use tracing::{Instrument, Span};

use crate::request_context::{current_request_id as current, with_request_id};

pub static X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// A client-supplied id we are willing to repeat in logs: short, plain characters only.
fn usable(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

fn request_id(headers: &HeaderMap) -> Option<&str> {
    headers.get(&X_REQUEST_ID).and_then(|v| v.to_str().ok()).filter(|id| usable(id))
}

/// The `request` span: id, method and path (no query string: it can hold search terms).
#[derive(Clone, Copy, Debug, Default)]
pub struct RequestSpan;

impl<B> MakeSpan<B> for RequestSpan {
    fn make_span(&mut self, request: &http::Request<B>) -> Span {
        let id = request_id(request.headers()).unwrap_or("-");
        tracing::info_span!("request", request_id = %id, method = %request.method(), path = %request.uri().path())
    }
}

async fn drop_unusable_id(mut request: Request, next: Next) -> Response {
    if request.headers().contains_key(&X_REQUEST_ID) && request_id(request.headers()).is_none() {
        request.headers_mut().remove(&X_REQUEST_ID);
    }
    next.run(request).await
}

async fn scope_id(request: Request, next: Next) -> Response {
    match request_id(request.headers()).map(str::to_string) {
        Some(id) => with_request_id(id, next.run(request)).await,
        None => next.run(request).await,
    }
}

/// Wraps `router` so every request gets an id, a span carrying it, and the id in the reply.
pub fn with_request_ids<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    install_executor();
    // `Router::layer`: each call wraps the ones before it, so this reads inside-out.
    router
        .layer(PropagateRequestIdLayer::new(X_REQUEST_ID.clone()))
        .layer(axum::middleware::from_fn(scope_id))
        .layer(TraceLayer::new_for_http().make_span_with(RequestSpan))
        .layer(SetRequestIdLayer::new(X_REQUEST_ID.clone(), MakeRequestUuid))
        .layer(axum::middleware::from_fn(drop_unusable_id))
}

/// Leptos's task executor, spawning on tokio like its default but inside the spawner's span
/// and request id. Installed once per process, before leptos_axum installs its own (the
/// first one set wins; if Leptos got there first, page loads simply log without the id).
struct SpanExecutor;

impl any_spawner::CustomExecutor for SpanExecutor {
    fn spawn(&self, fut: any_spawner::PinnedFuture<()>) {
        if spawned_paused() {
            return;
        }
        tokio::spawn(carry_request(Contained(fut)));
    }

    fn spawn_local(&self, fut: any_spawner::PinnedLocalFuture<()>) {
        if spawned_paused() {
            return;
        }
        tokio::task::spawn_local(carry_request(Contained(fut)));
    }

    fn poll_local(&self) {}
}

/// Whether the task being spawned belongs to a paused owner: its side effects were switched off
/// before it was made (the app's `LocaleContext` does this for leptos_i18n's cookie effect,
/// which would otherwise race the page's cleanup), so it is not started at all.
fn spawned_paused() -> bool {
    leptos::reactive::owner::Owner::current().is_some_and(|owner| owner.paused())
}

/// A Leptos task whose panic ends that task alone and leaves the worker thread's reactive
/// owner as it was before the poll.
///
/// Why: leptos_i18n's locale-cookie effect can run after its page has finished rendering
/// and been disposed; it then panics reading a disposed signal. `Owner::with` does not
/// restore the thread-local owner when its closure panics, so the dead render's owner would
/// stay current on that tokio worker, and pages rendered there later never finished
/// (requests hung until the client gave up). Seen in integration tests that render pages
/// from several runtimes in one process.
struct Contained<F>(std::pin::Pin<Box<F>>)
where
    F: Future<Output = ()> + ?Sized;

impl<F> Future for Contained<F>
where
    F: Future<Output = ()> + ?Sized,
{
    type Output = ();

    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<()> {
        use leptos::reactive::owner::Owner;
        let before = Owner::current();
        let inner = self.0.as_mut();
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| inner.poll(cx))) {
            Ok(poll) => poll,
            Err(_) => {
                if let Some(stale) = Owner::current() {
                    stale.unset();
                }
                if let Some(owner) = before {
                    owner.set();
                }
                tracing::warn!("a page-rendering task panicked; it was stopped and the worker's reactive owner restored");
                std::task::Poll::Ready(())
            }
        }
    }
}

fn carry_request<F: Future<Output = ()>>(fut: F) -> impl Future<Output = ()> {
    let id = current();
    let fut = fut.instrument(Span::current());
    async move {
        match id {
            Some(id) => with_request_id(id, fut).await,
            None => fut.await,
        }
    }
}

pub fn install_executor() {
    let _ = any_spawner::Executor::init_custom_executor(SpanExecutor);
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use axum::body::Body;
    use axum::routing::get;
    use tower::ServiceExt;

    use super::*;

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Captured {
        fn text(&self) -> String {
            String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
        }
    }

    #[test]
    fn span_carries_the_id_method_and_path_only() {
        let request = http::Request::get("/customers/wm1?q=%E7%8E%8B")
            .header("x-request-id", "abc-123")
            .body(())
            .unwrap();
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            let span = RequestSpan.make_span(&request);
            span.in_scope(|| tracing::info!("inside"));
        });
        let text = captured.text();
        assert!(text.contains("request_id=abc-123"), "{text}");
        assert!(text.contains("path=/customers/wm1") && !text.contains("q="), "{text}");
        assert!(!usable("a b") && !usable(&"x".repeat(65)) && usable("0f3c-9A_b.1"));
    }

    #[tokio::test]
    async fn vendor_call_logs_inside_a_request_carry_its_id() {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        let _guard = tracing::subscriber::set_default(subscriber);
        let seen = Arc::new(Mutex::new(Vec::new()));
        let seen_in = seen.clone();
        let app: Router = with_request_ids(Router::new().route(
            "/page",
            get(move || {
                let seen = seen_in.clone();
                async move {
                    tracing::warn!(vendor = "weiling", "vendor call failed");
                    // What Leptos does for a page's data load.
                    let (tx, rx) = tokio::sync::oneshot::channel();
                    any_spawner::Executor::spawn(Box::pin(async move {
                        tracing::info!("spawned load");
                        let _ = tx.send(current());
                    }));
                    let spawned = rx.await.ok().flatten();
                    seen.lock().unwrap().push(spawned);
                    seen.lock().unwrap().push(current());
                    "ok"
                }
            }),
        ));
        let reply = app
            .clone()
            .oneshot(
                http::Request::get("/page")
                    .header("x-request-id", "given-id-1")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(reply.headers().get("x-request-id").unwrap(), "given-id-1", "echoed back");
        let reply = app
            .clone()
            .oneshot(
                http::Request::get("/page")
                    .header("x-request-id", "bad id\t")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        let fresh = reply.headers().get("x-request-id").unwrap().to_str().unwrap().to_string();
        assert_eq!(fresh.len(), 36, "an unusable id is replaced by a UUID: {fresh}");
        let text = captured.text();
        let failed: Vec<_> = text.lines().filter(|l| l.contains("vendor call failed")).collect();
        assert!(failed[0].contains("request_id=given-id-1"), "{text}");
        assert!(failed[1].contains(&format!("request_id={fresh}")), "{text}");
        assert!(
            text.lines()
                .any(|l| l.contains("spawned load") && l.contains("request_id=given-id-1")),
            "{text}"
        );
        let seen = seen.lock().unwrap().clone();
        assert_eq!(seen[0].as_deref(), Some("given-id-1"), "spawned loads keep the id");
        assert_eq!(seen[1].as_deref(), Some("given-id-1"));
        assert_eq!(seen[3].as_deref(), Some(fresh.as_str()));
    }
}
