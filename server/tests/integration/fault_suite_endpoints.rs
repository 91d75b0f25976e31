//! The fault suite, endpoint by endpoint: every endpoint each vendor adapter calls (its
//! catalogue, `salesdesk::vendors::endpoints`) answering in turn "this endpoint does not
//! exist" (the vendor's own answer for a path it does not offer) and "not found". Whatever
//! one endpoint answers, every page answers without a 5xx, the 360° page of a customer all
//! three vendors know keeps the other vendors' records, and the lists keep the other vendors'
//! rows.

use crate::common;

use app::domain::{EndpointSpec, VendorErrorKind, VendorId};
use app::i18n::Locale;
use app::service::SalesDeskService;
use app::words::vendor_failure_words;
use common::admin;
use common::site::{Site, site};
use salesdesk::simulators::faults::{FaultPlan, InjectedError};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Refusal {
    EndpointMissing,
    NotFound,
}

/// How `vendor` refuses a call to `path` with `refusal`, as its simulator's envelope says it.
fn plan(vendor: VendorId, path: &str, refusal: Refusal) -> FaultPlan {
    let code = |code: i64, message: &str| {
        Some(InjectedError::Code {
            code,
            message: message.into(),
        })
    };
    let error = match (vendor, refusal) {
        (VendorId::Tanma, Refusal::EndpointMissing) => code(-1, "接口不存在"),
        (VendorId::Tanma, Refusal::NotFound) => code(-1, "客户不存在"),
        (VendorId::Weiling, Refusal::EndpointMissing) => code(1003, "接口不存在"),
        (VendorId::Weiling, Refusal::NotFound) => code(1003, "数据不存在"),
        (VendorId::Juzi, Refusal::EndpointMissing) => Some(InjectedError::Status(404)),
        // Juzibot documents no not-found code: an error reply in its envelope.
        (VendorId::Juzi, Refusal::NotFound) => code(1, "客户不存在"),
    };
    FaultPlan {
        error,
        path_contains: Some(path.to_string()),
        ..Default::default()
    }
}

async fn run_case(vendor: VendorId, endpoint: &EndpointSpec, refusal: Refusal) {
    let what = format!("{vendor:?} {} answering {refusal:?}", endpoint.path);
    let site: Site = site(common::test_policy()).await;
    let others: Vec<VendorId> = VendorId::ALL.iter().copied().filter(|v| *v != vendor).collect();
    site.backend.index.refresh().await;
    site.backend.clues.refresh().await;
    let person = common::known_everywhere(&site.demo);
    let clues = site.backend.list_clues(&admin(), None).await.expect("clues");

    site.faults(vendor).set(plan(vendor, endpoint.path, refusal)).await;
    site.backend.index.refresh().await;
    site.backend.clues.refresh().await;

    let list = site
        .backend
        .list_customers(&admin(), common::whole_list())
        .await
        .unwrap_or_else(|e| panic!("{what}: list: {e:?}"));
    for other in &others {
        assert!(
            list.items.iter().any(|c| c.vendors.contains(other)),
            "{what}: {other:?} customers listed"
        );
    }
    let detail = site
        .backend
        .customer_detail(&admin(), &person.external_user_id)
        .await
        .unwrap_or_else(|e| panic!("{what}: the 360° page fails as a whole: {e:?}"));
    for other in &others {
        assert!(
            detail.customer.sources.iter().any(|s| s.vendor == *other),
            "{what}: {other:?} record on the page"
        );
    }
    for failure in detail.customer.failures.iter().chain(&detail.timeline_failures) {
        assert_eq!(failure.vendor, vendor, "{what}: only {vendor:?} may fail: {failure:?}");
        if refusal == Refusal::EndpointMissing {
            assert_eq!(failure.kind, VendorErrorKind::EndpointMissing, "{what}: {failure:?}");
            assert!(
                vendor_failure_words(Locale::zh, failure).contains(endpoint.feature.name_zh()),
                "{what}: names the feature: {}",
                vendor_failure_words(Locale::zh, failure)
            );
        }
    }

    let mut pages = vec![
        "/customers".to_string(),
        format!("/customers/{}", person.external_user_id),
        "/clues".to_string(),
        "/vendors".to_string(),
    ];
    for v in VendorId::ALL {
        if let Some(clue) = clues.items.iter().find(|c| c.vendor == v) {
            pages.push(format!("/clues/{}/{}", v.slug(), clue.id));
        }
    }
    for page in &pages {
        let (status, html) = site.get(page).await;
        let clue_page_of_failing_vendor = page.starts_with(&format!("/clues/{}/", vendor.slug()));
        let allowed: &[u16] = if clue_page_of_failing_vendor && refusal == Refusal::NotFound {
            &[200, 404]
        } else {
            &[200]
        };
        assert!(allowed.contains(&status), "{what}: GET {page} answered {status}");
        if page.starts_with("/customers/") {
            assert!(html.contains(&person.external_user_id), "{what}: the page shows the customer");
        }
    }
    let (status, body) = site.call("customer", &[("key", &person.external_user_id)]).await;
    assert_eq!(status, 200, "{what}: customer server function: {body}");
}

/// One test, so one runtime renders pages in this process: Leptos's reactive system is
/// process-wide, and pages rendered by several test runtimes at once occasionally never
/// finish (seen only with parallel runtimes in one test process, never in the server, which
/// has one runtime).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_endpoint_of_every_vendor_missing_or_not_found() {
    for vendor in VendorId::ALL {
        for endpoint in salesdesk::vendors::endpoints(vendor) {
            for refusal in [Refusal::EndpointMissing, Refusal::NotFound] {
                run_case(vendor, endpoint, refusal).await;
            }
        }
    }
}
