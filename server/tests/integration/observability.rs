//! The read cache through the real backend, `GET /metrics` scraped over HTTP, and the
//! request id on every answer.

use crate::common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use app::domain::VendorId;
use app::service::SalesDeskService;
use common::{admin, test_policy};
use salesdesk::auth::{Auth, AuthSettings};
use salesdesk::config::{CliOverrides, SimulatorFaults};
use salesdesk::demo::{self, DemoOptions, DemoVendors};
use salesdesk::services::Backend;
use salesdesk::services::wiring::build_backend_with;
use salesdesk::simulators::faults::{FaultPlan, InjectedError};
use salesdesk::storage::Store;
use salesdesk::vendors::cached::CachePolicy;
use salesdesk::web::metrics::MetricsAccess;
use secrecy::SecretString;

async fn backend(cache: CachePolicy) -> (DemoVendors, Arc<Backend>) {
    let demo = demo::start(DemoOptions {
        customers: 40,
        hostile: false,
        now_ms: None,
        faults: SimulatorFaults::default(),
        http: test_policy(),
    })
    .await
    .expect("simulators start");
    let connections = demo.connections.clone();
    let store = Store::open_for_tests().await.expect("store");
    let backend = Arc::new(build_backend_with(true, connections, store, cache).expect("backend"));
    (demo, backend)
}

#[tokio::test]
async fn a_vendor_outage_shows_the_cached_copy_with_its_age() {
    // Every read is already stale, so each page view refreshes in the background.
    let (demo, backend) = backend(CachePolicy {
        fresh: Duration::ZERO,
        max_age: Duration::from_secs(3600),
        capacity: 1000,
    })
    .await;
    let person = demo
        .universe
        .customers
        .iter()
        .find(|p| p.presence.tanma && p.presence.weiling && p.presence.juzi)
        .expect("someone every vendor knows")
        .clone();
    let first = backend
        .customer_detail(&admin(), &person.external_user_id)
        .await
        .expect("healthy page");
    assert!(first.stale_since.is_none() && first.customer.failures.is_empty());
    let weiling_name = first
        .customer
        .sources
        .iter()
        .find(|s| s.vendor == VendorId::Weiling)
        .expect("Weiling record")
        .name
        .clone();

    demo.weiling_faults
        .set(FaultPlan {
            error: Some(InjectedError::Status(502)),
            ..Default::default()
        })
        .await;
    // Not refreshed into the index: only the read cache can keep Weiling's record on the page.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let detail = loop {
        let d = backend
            .customer_detail(&admin(), &person.external_user_id)
            .await
            .expect("page renders");
        assert!(
            d.customer.sources.iter().any(|s| s.vendor == VendorId::Weiling),
            "Weiling's copy stays on the page"
        );
        if d.stale_since.is_some() {
            break d;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the failed refresh never marked the copy stale"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let since = detail.stale_since.unwrap();
    assert!(
        since <= detail.generated_at && since >= first.generated_at - 60_000,
        "the copy's fetch time: {since}"
    );
    assert!(
        detail.customer.failures.iter().any(|f| f.vendor == VendorId::Weiling),
        "the outage is still reported"
    );
    let shown = detail.customer.sources.iter().find(|s| s.vendor == VendorId::Weiling).unwrap();
    assert_eq!(shown.name, weiling_name);
}

async fn serve(backend: Arc<Backend>, access: MetricsAccess) -> SocketAddr {
    let auth = Arc::new(Auth::new(backend.store.clone(), AuthSettings::default()));
    let settings = salesdesk::config::load(None, &|_| None, &CliOverrides::default()).expect("default settings");
    let state = salesdesk::web::WebState {
        leptos: salesdesk::web::leptos_options(&settings),
        backend,
        auth,
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let app = salesdesk::web::router_with(state, access).into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    addr
}

#[tokio::test]
async fn metrics_are_scraped_from_loopback_without_a_session() {
    let (demo, backend) = backend(CachePolicy::default()).await;
    let person = demo
        .universe
        .customers
        .iter()
        .find(|p| p.presence.weiling)
        .expect("a Weiling customer")
        .clone();
    backend.customer_detail(&admin(), &person.external_user_id).await.expect("page");
    backend
        .customer_detail(&admin(), &person.external_user_id)
        .await
        .expect("page again");
    let token = "metrics-token-0123456789";
    let addr = serve(
        backend.clone(),
        MetricsAccess {
            token: Some(SecretString::from(token)),
        },
    )
    .await;
    let http = reqwest::Client::new();

    let reply = http.get(format!("http://{addr}/metrics")).send().await.expect("scrape");
    assert_eq!(reply.status(), 200);
    assert!(
        reply.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text")
    );
    let id = reply
        .headers()
        .get("x-request-id")
        .expect("request id on the answer")
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(id.len(), 36, "a UUID: {id}");
    let text = reply.text().await.unwrap();
    for needle in [
        "salesdesk_vendor_requests_total{vendor=\"weiling\"}",
        "salesdesk_vendor_request_duration_seconds_bucket{le=",
        "salesdesk_cache_lookups_total{vendor=\"weiling\",entity=\"customer\",result=\"miss\"}",
        "salesdesk_cache_lookups_total{vendor=\"weiling\",entity=\"customer\",result=\"hit\"}",
        "salesdesk_outbox_depth 0",
        "# EOF",
    ] {
        assert!(text.contains(needle), "{needle} missing from:\n{text}");
    }
    let gauge = |name: &str| -> i64 {
        text.lines()
            .find_map(|l| l.strip_prefix(name).and_then(|rest| rest.strip_prefix(' ')))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("{name} missing from:\n{text}"))
    };
    assert!(gauge("salesdesk_customer_list_customers") > 0, "the list was loaded for the page");
    assert!(gauge("salesdesk_customer_list_record_bytes") > 0);

    // Through a local reverse proxy the peer is loopback too: that needs the token.
    let proxied = http
        .get(format!("http://{addr}/metrics"))
        .header("x-forwarded-for", "203.0.113.7")
        .send()
        .await
        .unwrap();
    assert_eq!(proxied.status(), 403);
    let with_token = http
        .get(format!("http://{addr}/metrics"))
        .header("x-forwarded-for", "203.0.113.7")
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(with_token.status(), 200);
    // A page (which needs a session) still answers with the caller's request id.
    let page = http
        .get(format!("http://{addr}/customers"))
        .header("x-request-id", "trace-me-42")
        .send()
        .await
        .unwrap();
    assert_eq!(
        page.headers().get("x-request-id").and_then(|v| v.to_str().ok()),
        Some("trace-me-42")
    );
}
