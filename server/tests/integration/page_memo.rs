//! The assembled 360° page is reused while the vendors' cached answers and the customer's
//! outbox are unchanged, and assembled anew as soon as either changes (services::detail_memo),
//! against the simulated vendors over real HTTP.

use crate::common;

use app::domain::{Delivery, DeliveryProblem, FollowUpKind, VendorId};
use app::service::SalesDeskService;
use common::{admin, world};

fn memo_lookups(result: &str) -> u64 {
    let text = salesdesk::metrics::metrics().encode().expect("metrics encode");
    let series = format!("salesdesk_customer_page_memo_lookups_total{{result=\"{result}\"}} ");
    text.lines()
        .find_map(|line| line.strip_prefix(series.as_str()))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
}

#[tokio::test]
async fn a_page_is_reused_only_while_what_it_was_made_of_is_unchanged() {
    let w = world(60).await;
    w.backend.index.refresh().await;
    let person = w.person("a customer both Weiling and Juzibot know", |p| {
        p.presence.weiling && p.presence.juzi && p.union_id.is_some()
    });
    let key = person.external_user_id.clone();

    // First view: the vendors are asked and their answers cached; the second view is
    // assembled from those cached copies and kept; the third reuses it.
    let first = w.backend.customer_detail(&admin(), &key).await.unwrap();
    w.backend.customer_detail(&admin(), &key).await.unwrap();
    let hits = memo_lookups("hit");
    let reused = w.backend.customer_detail(&admin(), &key).await.unwrap();
    assert_eq!(memo_lookups("hit"), hits + 1, "the unchanged page is reused");
    assert_eq!(reused.customer, first.customer);
    assert_eq!(reused.timeline, first.timeline);
    assert_ne!(reused.form_token, first.form_token, "every view gets its own form token");
    assert!(reused.generated_at >= first.generated_at);

    // A note changes the outbox and drops the vendors' cached copies: shown at once.
    let outcome = w
        .backend
        .add_note(&admin(), &key, "客户确认下周签约，备好合同", "memo-note-1")
        .await
        .unwrap();
    assert!(outcome.writes.iter().all(|s| s.delivery == Delivery::Delivered), "{outcome:?}");
    let after_note = w.backend.customer_detail(&admin(), &key).await.unwrap();
    let notes = after_note
        .timeline
        .iter()
        .filter(|i| matches!(&i.entry.kind, FollowUpKind::Note { text } if text.contains("备好合同")))
        .count();
    assert_eq!(notes, 2, "the note at Juzibot and at Weiling: {:?}", after_note.timeline);
    assert_eq!(after_note.writes.len(), 2);

    // A change in the outbox alone (no vendor call, the vendors' copies untouched) is shown
    // too: here an admin-side state change of the Juzibot note.
    let juzi_write = outcome.writes.iter().find(|s| s.vendor == VendorId::Juzi).expect("Juzibot write");
    w.backend.customer_detail(&admin(), &key).await.unwrap();
    w.backend
        .store
        .mark_failed(
            juzi_write.id,
            &DeliveryProblem::VendorNotConfigured.to_stored(),
            chrono::Utc::now().timestamp_millis(),
        )
        .await
        .unwrap();
    let after_outbox = w.backend.customer_detail(&admin(), &key).await.unwrap();
    let status = after_outbox
        .writes
        .iter()
        .find(|s| s.id == juzi_write.id)
        .expect("the write is listed");
    assert!(
        status.delivery
            == Delivery::Failed {
                problem: DeliveryProblem::VendorNotConfigured
            },
        "{status:?}"
    );
}

#[tokio::test]
async fn a_page_from_a_vendor_that_cannot_be_cached_is_never_reused() {
    let w = world(40).await;
    w.backend.index.refresh().await;
    let person = w.person("a Tanma customer", |p| p.presence.tanma);
    // The Tanma simulator fails every call: its answer is an error, which is never cached,
    // so no page made with it is kept, and the page keeps asking.
    w.demo
        .tanma_faults
        .set(salesdesk::simulators::faults::FaultPlan {
            error: Some(salesdesk::simulators::faults::InjectedError::Status(502)),
            ..Default::default()
        })
        .await;
    let before = memo_lookups("uncacheable");
    for _ in 0..3 {
        let page = w.backend.customer_detail(&admin(), &person.external_user_id).await;
        if let Ok(page) = page {
            assert!(
                page.customer.failures.iter().any(|f| f.vendor == VendorId::Tanma),
                "the failure is on the page"
            );
        }
    }
    assert!(memo_lookups("uncacheable") >= before + 3, "each view was assembled anew");
}
