//! "Fast and dependable": every vendor × every failure SalesDesk must survive — a timeout
//! (latency above the request timeout), a hang, an HTTP 5xx, a malformed body, an auth
//! refusal and throttling — against the customer list, the 360° page, the clue list and a
//! clue detail, both through `SalesDeskService` and over HTTP through the real router with a
//! signed-in session. The other vendors' data must stay on the page, SalesDesk must not answer
//! 5xx for pages that can still render, and the rep must get a Chinese message naming the
//! vendor.

use crate::common;

use std::time::Duration;

use app::domain::{CustomerDetail, VendorErrorKind, VendorFailure, VendorId};
use app::error::AppError;
use app::i18n::Locale;
use app::service::SalesDeskService;
use app::words::vendor_failure_words;
use common::admin;
use common::site::site;
use salesdesk::simulators::faults::{FaultPlan, InjectedError};
use salesdesk::vendors::HttpPolicy;

/// Shorter than `common::test_policy()`'s 800 ms, so the timeout and hang cases (each call
/// waits for the timeout twice: one retry) keep the whole suite well under a minute.
const REQUEST_TIMEOUT_MS: u64 = 400;

fn policy() -> HttpPolicy {
    HttpPolicy {
        request_timeout: Duration::from_millis(REQUEST_TIMEOUT_MS),
        connect_timeout: Duration::from_millis(300),
        ..common::test_policy()
    }
}

#[derive(Clone, Copy, Debug)]
enum Fault {
    Timeout,
    Hang,
    ServerError,
    Malformed,
    AuthRejected,
    RateLimited,
}

/// The plan that injects `fault` at `vendor`, and the error kind SalesDesk must report.
fn plan(vendor: VendorId, fault: Fault) -> (FaultPlan, VendorErrorKind) {
    let code = |code: i64, message: &str| FaultPlan {
        error: Some(InjectedError::Code {
            code,
            message: message.into(),
        }),
        ..Default::default()
    };
    match fault {
        Fault::Timeout => (
            FaultPlan {
                latency_ms: REQUEST_TIMEOUT_MS * 3,
                ..Default::default()
            },
            VendorErrorKind::Timeout,
        ),
        Fault::Hang => (
            FaultPlan {
                hang: true,
                ..Default::default()
            },
            VendorErrorKind::Timeout,
        ),
        Fault::ServerError => (
            FaultPlan {
                error: Some(InjectedError::Status(502)),
                ..Default::default()
            },
            VendorErrorKind::Upstream,
        ),
        Fault::Malformed => (
            FaultPlan {
                malformed: true,
                ..Default::default()
            },
            VendorErrorKind::Undecodable,
        ),
        // Each simulator's own refusal: Tanma's bad signature (1002), Weiling's rejected
        // token (1007, also what its token endpoint's refusals classify as), Juzibot's
        // envelope 401.
        Fault::AuthRejected => (
            match vendor {
                VendorId::Tanma => code(1002, "签名错误"),
                VendorId::Weiling => code(1007, "非法访问"),
                VendorId::Juzi => code(401, "invalid token"),
            },
            VendorErrorKind::AuthRejected,
        ),
        Fault::RateLimited => (
            match vendor {
                VendorId::Weiling => code(1009, "接口调用频率超限"),
                _ => FaultPlan {
                    error: Some(InjectedError::Status(429)),
                    ..Default::default()
                },
            },
            VendorErrorKind::RateLimited,
        ),
    }
}

fn assert_failure(failures: &[VendorFailure], vendor: VendorId, kind: VendorErrorKind, what: &str) -> String {
    let failure = failures
        .iter()
        .find(|f| f.vendor == vendor)
        .unwrap_or_else(|| panic!("{what}: no {vendor:?} failure reported in {failures:?}"));
    assert_eq!(failure.kind, kind, "{what}: {failure:?}");
    let message = vendor_failure_words(Locale::zh, failure);
    assert!(
        message.contains(vendor.name_zh()),
        "{what}: the Chinese message names the vendor: {message}"
    );
    assert!(
        failures.iter().all(|f| f.vendor == vendor),
        "{what}: only {vendor:?} fails: {failures:?}"
    );
    message
}

async fn run_case(vendor: VendorId, fault: Fault) {
    let started = std::time::Instant::now();
    let site = site(policy()).await;
    let others: Vec<VendorId> = VendorId::ALL.iter().copied().filter(|v| *v != vendor).collect();
    let (plan, kind) = plan(vendor, fault);

    // A healthy first load: the lists hold every vendor's records.
    site.backend.index.refresh().await;
    site.backend.clues.refresh().await;
    let before = site.backend.list_customers(&admin(), common::whole_list()).await.expect("list");
    assert!(before.failures.is_empty(), "healthy start: {:?}", before.failures);
    let person = common::known_everywhere(&site.demo);
    let clues_before = site.backend.list_clues(&admin(), None).await.expect("clues");
    let own_clue = clues_before.items.iter().find(|c| c.vendor == vendor).cloned();
    let other_clue = clues_before
        .items
        .iter()
        .find(|c| c.vendor != vendor)
        .cloned()
        .expect("another vendor's clue");
    // Juzibot has no clue API; Tanma and Weiling both list clues.
    assert_eq!(own_clue.is_some(), vendor != VendorId::Juzi, "{vendor:?} clues");

    site.faults(vendor).set(plan).await;
    site.backend.index.refresh().await;
    site.backend.clues.refresh().await;

    // --- Through the service ---
    let list = site
        .backend
        .list_customers(&admin(), common::whole_list())
        .await
        .expect("the list still answers");
    let list_message = assert_failure(&list.failures, vendor, kind, "customer list");
    assert_eq!(list.total, before.total, "last good records are kept, nobody disappears");
    for other in &others {
        assert!(
            list.items.iter().any(|c| c.vendors.contains(other)),
            "{other:?} customers still listed"
        );
    }

    let detail = site
        .backend
        .customer_detail(&admin(), &person.external_user_id)
        .await
        .expect("the 360° page renders without the failing vendor");
    let detail_message = assert_failure(&detail.customer.failures, vendor, kind, "customer detail");
    for other in &others {
        assert!(
            detail.customer.sources.iter().any(|s| s.vendor == *other),
            "{other:?} record on the page"
        );
    }
    assert!(
        detail.stale_since.is_some(),
        "the failing vendor's last good record is shown as stale"
    );
    if vendor != VendorId::Tanma {
        assert!(
            detail.timeline.iter().any(|i| i.entry.vendor == VendorId::Tanma),
            "Tanma's follow-ups still shown"
        );
    }

    let clues = site.backend.list_clues(&admin(), None).await.expect("clue list");
    assert!(clues.items.iter().any(|c| c.vendor != vendor), "other vendors' clues listed");
    match &own_clue {
        Some(clue) => {
            assert_failure(&clues.failures, vendor, kind, "clue list");
            match site.backend.clue_detail(&admin(), vendor, &clue.id).await {
                Err(AppError::Vendor(f)) => {
                    assert_eq!(f.kind, kind, "{f:?}");
                    assert!(vendor_failure_words(Locale::zh, &f).contains(vendor.name_zh()));
                }
                other => panic!("clue detail at the failing vendor: {other:?}"),
            }
        }
        None => assert!(clues.failures.is_empty(), "{:?}", clues.failures),
    }
    let other_detail = site
        .backend
        .clue_detail(&admin(), other_clue.vendor, &other_clue.id)
        .await
        .expect("another vendor's clue opens");
    assert_eq!(other_detail.clue.id, other_clue.id);

    // --- Over HTTP, signed in ---
    let (status, html) = site.get("/customers").await;
    assert_eq!(status, 200, "customer list page");
    assert!(
        html.contains(&list_message),
        "the list page says which vendor is behind: {list_message}"
    );

    let (status, html) = site.get(&format!("/customers/{}", person.external_user_id)).await;
    assert_eq!(status, 200, "360° page of a customer the other vendors know");
    assert!(
        html.contains(&detail_message),
        "the page carries {vendor:?}'s failure: {detail_message}"
    );
    assert!(html.contains(&person.external_user_id));

    let (status, body) = site.call("customer", &[("key", &person.external_user_id)]).await;
    assert_eq!(status, 200, "customer server function: {body}");
    let over_http: CustomerDetail = serde_json::from_str(&body).expect("a CustomerDetail");
    assert_failure(&over_http.customer.failures, vendor, kind, "customer server function");
    assert!(others.iter().all(|o| over_http.customer.sources.iter().any(|s| s.vendor == *o)));

    let (status, _) = site.get("/clues").await;
    assert_eq!(status, 200, "clue list page");
    let (status, _) = site.get(&format!("/clues/{}/{}", other_clue.vendor.slug(), other_clue.id)).await;
    assert_eq!(status, 200, "another vendor's clue page");
    if let Some(clue) = &own_clue {
        // The clue lives only at the failing vendor: the page says why, on a working page
        // (200), or 503 with Retry-After while the vendor throttles SalesDesk.
        let (status, html, retry_after) = site.get_with_retry_after(&format!("/clues/{}/{}", vendor.slug(), clue.id)).await;
        if kind == VendorErrorKind::RateLimited {
            assert_eq!(status, 503, "throttled clue page");
            assert_eq!(retry_after.as_deref(), Some("30"), "throttled clue page says when to retry");
        } else {
            assert_eq!(status, 200, "clue page of the failing vendor");
            assert_eq!(retry_after, None);
        }
        assert!(html.contains(vendor.name_zh()), "the clue page names the vendor");
        assert!(html.contains("data-testid=\"vendor-failure\""), "the clue page lists the failure");
    }

    let (status, _) = site.get("/healthz").await;
    assert_eq!(status, 200, "the server is still up");
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{vendor:?} {fault:?} took {:?}",
        started.elapsed()
    );
}

macro_rules! cases {
    ($($name:ident: $vendor:ident, $fault:ident;)*) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                run_case(VendorId::$vendor, Fault::$fault).await;
            }
        )*
    };
}

cases! {
    tanma_timeout: Tanma, Timeout;
    tanma_hang: Tanma, Hang;
    tanma_http_5xx: Tanma, ServerError;
    tanma_malformed_json: Tanma, Malformed;
    tanma_auth_rejected: Tanma, AuthRejected;
    tanma_rate_limited: Tanma, RateLimited;
    weiling_timeout: Weiling, Timeout;
    weiling_hang: Weiling, Hang;
    weiling_http_5xx: Weiling, ServerError;
    weiling_malformed_json: Weiling, Malformed;
    weiling_auth_rejected: Weiling, AuthRejected;
    weiling_rate_limited: Weiling, RateLimited;
    juzi_timeout: Juzi, Timeout;
    juzi_hang: Juzi, Hang;
    juzi_http_5xx: Juzi, ServerError;
    juzi_malformed_json: Juzi, Malformed;
    juzi_auth_rejected: Juzi, AuthRejected;
    juzi_rate_limited: Juzi, RateLimited;
}
