//! The simulators playing strict vendors (`FaultPlan::seed_endpoints_only`): each serves only
//! the endpoints in the seed documents (000–004) and Weiling's token exchange, and answers
//! every other path as its vendor answers a path it does not offer. SalesDesk must still
//! show the seed customer's Tanma profile and seed-001 timeline, list and search Juzibot's
//! customers, open the seed clue, and deliver remarks and notes to Juzibot.

use crate::common;

use app::domain::{ChangeLog, CustomerQuery, FollowUpKind, VendorErrorKind, VendorId};
use app::error::AppError;
use app::i18n::Locale;
use app::service::SalesDeskService;
use app::words::vendor_failure_words;
use common::site::{Site, site_with};
use common::{admin, rep};
use salesdesk::config::SimulatorFaults;
use salesdesk::simulators::dataset::seeds;
use salesdesk::simulators::faults::FaultPlan;

async fn strict_site() -> Site {
    let strict = FaultPlan {
        seed_endpoints_only: true,
        ..Default::default()
    };
    let faults = SimulatorFaults {
        tanma: strict.clone(),
        weiling: strict.clone(),
        juzi: strict,
    };
    site_with(common::test_policy(), faults).await
}

/// One test (one runtime rendering pages in this process; see fault_suite_endpoints.rs).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documented_endpoints_alone_carry_every_page_and_action() {
    the_seed_customer_page_works().await;
    lists_search_clues_and_writes_work().await;
}

async fn the_seed_customer_page_works() {
    let w = strict_site().await;
    // The rep who follows the seed customer at Tanma (seed 000's qwUserId), and an admin
    // for whom SalesDesk knows that rep as a user.
    w.backend
        .index
        .set_known_reps(vec![(VendorId::Tanma, seeds::SEED000_REP.to_string())])
        .await;
    for viewer in [rep(seeds::SEED000_REP), admin()] {
        let d = w
            .backend
            .customer_detail(&viewer, seeds::SEED000_EXTERNAL_USER_ID)
            .await
            .unwrap_or_else(|e| panic!("{}: {e:?}", viewer.username));
        let tanma = d
            .customer
            .sources
            .iter()
            .find(|s| s.vendor == VendorId::Tanma)
            .expect("Tanma's profile from qw-details (seed 000)");
        assert_eq!(tanma.name.as_deref(), Some(seeds::SEED000_NAME));
        assert_eq!(tanma.stage.as_deref(), Some(seeds::SEED000_STAGE));
        // The seed-001 records, change logs shown as field changes.
        let tanma_items: Vec<_> = d.timeline.iter().filter(|i| i.entry.vendor == VendorId::Tanma).collect();
        assert_eq!(tanma_items.len(), seeds::SEED001_FOLLOWS.len(), "every seed-001 record");
        assert!(
            tanma_items.iter().any(|i| matches!(
                &i.change,
                Some(ChangeLog::Changed { field, .. }) if field == "销售阶段"
            )),
            "stage changes parsed: {:?}",
            tanma_items.iter().map(|i| &i.change).collect::<Vec<_>>()
        );
        assert!(tanma_items.iter().any(|i| matches!(i.entry.kind, FollowUpKind::Note { .. })));
    }

    // Over HTTP as a signed-in admin would: the page renders (200), not a 502.
    let (status, html) = w.get(&format!("/customers/{}", seeds::SEED000_EXTERNAL_USER_ID)).await;
    assert_eq!(status, 200);
    assert!(html.contains(seeds::SEED000_NAME));
}

async fn lists_search_clues_and_writes_work() {
    let w = strict_site().await;
    w.backend.index.refresh().await;
    w.backend.clues.refresh().await;

    // Only Juzibot documents a customer list: its customers are listed and searchable; the
    // others say which feature they lack.
    let list = w.backend.list_customers(&admin(), common::whole_list()).await.expect("list");
    assert!(
        !list.items.is_empty() && list.items.iter().all(|c| c.vendors == vec![VendorId::Juzi]),
        "Juzibot's customers"
    );
    for vendor in [VendorId::Tanma, VendorId::Weiling] {
        let failure = list
            .failures
            .iter()
            .find(|f| f.vendor == vendor)
            .expect("the list says who is missing");
        assert_eq!(failure.kind, VendorErrorKind::EndpointMissing, "{failure:?}");
        assert!(
            vendor_failure_words(Locale::zh, failure).contains("客户"),
            "{}",
            vendor_failure_words(Locale::zh, failure)
        );
    }
    let found = w
        .backend
        .list_customers(
            &admin(),
            CustomerQuery {
                q: Some(seeds::SEED004_NAME.to_string()),
                ..Default::default()
            },
        )
        .await
        .expect("search");
    assert!(found.items.iter().any(|c| c.key == seeds::SEED004_EXTERNAL_USER_ID), "李四 found");

    // Seed 002's clue through clue/get, although no clue list is offered.
    let clue = w
        .backend
        .clue_detail(&admin(), VendorId::Tanma, &seeds::SEED002_CLUE_ID.to_string())
        .await
        .expect("seed clue");
    assert_eq!(clue.clue.name.as_deref(), Some(seeds::SEED002_NAME));

    // A Juzibot customer's 360° page, remark and note.
    let person = w
        .demo
        .universe
        .customers
        .iter()
        .find(|p| p.presence.juzi && p.union_id.is_some())
        .expect("a Juzibot customer with a unionId")
        .clone();
    let key = person.external_user_id.clone();
    let page = w.backend.customer_detail(&admin(), &key).await.expect("page");
    assert!(page.customer.sources.iter().any(|s| s.vendor == VendorId::Juzi));
    let remark = w
        .backend
        .set_remark(&admin(), &key, "严格模式备注", "", "strict-remark")
        .await
        .expect("remark");
    let note = w
        .backend
        .add_note(&admin(), &key, "严格模式下的跟进", "strict-note")
        .await
        .expect("note");
    for outcome in [&remark, &note] {
        let juzi = outcome.writes.iter().find(|s| s.vendor == VendorId::Juzi).expect("sent to Juzibot");
        assert_eq!(juzi.delivery, app::domain::Delivery::Delivered, "{outcome:?}");
    }
    let union = person.union_id.clone().expect("union id");
    let rep_id = note.writes[0].rep_user_id.clone();
    let follows = w.juzi_follows(&union, &rep_id).await;
    assert_eq!(follows.as_array().map(|a| a.len()), Some(1), "{follows}");

    // A key no vendor can find is a 404, not a vendor error.
    assert_eq!(
        w.backend.customer_detail(&admin(), "wmNoSuchCustomerAnywhere0000000").await.err(),
        Some(AppError::NotFound)
    );
}
