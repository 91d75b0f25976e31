//! Pages rendered concurrently in one runtime, as the server renders them, always finish:
//! 40 rounds of 16 simultaneous page loads (list, 360° page, clues, vendor status).

use crate::common;

use common::site::site;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_page_renders_all_finish() {
    let site = site(common::test_policy()).await;
    let person = common::known_everywhere(&site.demo);
    let pages = [
        "/customers".to_string(),
        format!("/customers/{}", person.external_user_id),
        "/clues".to_string(),
        "/vendors".to_string(),
    ];
    for round in 0..40 {
        let loads = (0..16).map(|i| site.get(&pages[i % pages.len()]));
        for (status, _) in futures::future::join_all(loads).await {
            assert_eq!(status, 200, "round {round}");
        }
    }
}
