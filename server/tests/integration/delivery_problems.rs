//! Why a write did not arrive is stored as a code and worded by the page in the reader's
//! language: a failed write reads in Chinese and in English, the vendor's own words escaped,
//! and a reason stored as text by an older version is never shown as text.

use crate::common;

use app::domain::{DeliveryProblem, VendorErrorKind, VendorFailure, VendorId};
use app::service::SalesDeskService;
use common::site::site;
use common::{admin, known_everywhere, test_policy};
use salesdesk::storage::outbox::OutboxState;

async fn page(site: &common::site::Site, path: &str, locale: &str) -> String {
    let url = format!("http://{}{path}", site.addr);
    let reply = site
        .http
        .get(&url)
        .header("cookie", format!("{}; i18n_pref_locale={locale}", site.cookie))
        .header("accept", "text/html")
        .send()
        .await
        .expect("page");
    assert_eq!(reply.status().as_u16(), 200, "{path}");
    reply.text().await.unwrap()
}

#[tokio::test]
async fn failed_writes_are_worded_by_the_page_in_the_readers_language() {
    let site = site(test_policy()).await;
    let person = known_everywhere(&site.demo);
    let key = person.external_user_id.clone();
    let outcome = site.backend.add_note(&admin(), &key, "约了下周二演示", "problems-1").await.unwrap();
    let juzi = outcome
        .writes
        .iter()
        .find(|w| w.vendor == VendorId::Juzi)
        .expect("a Juzibot write")
        .id;
    let weiling = outcome
        .writes
        .iter()
        .find(|w| w.vendor == VendorId::Weiling)
        .expect("a Weiling write")
        .id;
    let store = &site.backend.store;
    let now = chrono::Utc::now().timestamp_millis();
    // Both were sent at once (the simulators are healthy); the failures below are recorded
    // over their outcome, as the delivery worker would.
    for id in [juzi, weiling] {
        let item = store.outbox_item(id).await.unwrap().expect("the write is kept");
        assert_eq!(item.state, OutboxState::Delivered, "{item:?}");
    }

    let refusal = VendorFailure {
        vendor: VendorId::Juzi,
        kind: VendorErrorKind::InvalidInput,
        vendor_code: Some(-1),
        vendor_message: Some("<b>内容不合规</b>".into()),
        feature: None,
    };
    let outage = VendorFailure {
        vendor: VendorId::Weiling,
        kind: VendorErrorKind::Upstream,
        vendor_code: Some(500),
        vendor_message: None,
        feature: None,
    };
    store
        .mark_failed(juzi, &DeliveryProblem::Vendor { failure: refusal }.to_stored(), now)
        .await
        .unwrap();
    store
        .mark_failed(weiling, &DeliveryProblem::RetriesExhausted { failure: outage }.to_stored(), now)
        .await
        .unwrap();

    let path = format!("/customers/{key}");
    let zh = page(&site, &path, "zh").await;
    assert!(
        zh.contains("多次重试仍未成功：卫瓴服务出错"),
        "Chinese wording of retries_exhausted"
    );
    assert!(
        zh.contains("句子互动拒绝了提交的内容：&lt;b&gt;内容不合规&lt;/b&gt;"),
        "the vendor's words, escaped"
    );
    assert!(!zh.contains("<b>内容不合规</b>"));
    let en = page(&site, &path, "en").await;
    assert!(
        en.contains("Still failing after several attempts: Weiling reported an error"),
        "English wording"
    );
    assert!(en.contains("refused the input: &lt;b&gt;"));
    assert!(
        !en.contains("多次重试") && !en.contains("服务出错"),
        "no Chinese sentence on the English page"
    );

    // A sentence an older SalesDesk stored reads as unrecorded, never as text.
    store.mark_failed(weiling, "<i>旧版本写下的原因</i>", now).await.unwrap();
    let zh = page(&site, &path, "zh").await;
    assert!(zh.contains("发送失败，原因未记录。"));
    assert!(!zh.contains("旧版本写下的原因"));
}
