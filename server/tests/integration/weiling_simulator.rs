//! The real Weiling client against the Weiling simulator over HTTP on loopback: every
//! endpoint, token handling, limits, stored writes and every kind of injected fault.

use crate::common;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use app::domain::{CustomerKind, FieldValue, FollowUpKind, TagKind, VendorErrorKind};
use salesdesk::simulators::faults::{FaultPlan, Faults, InjectedError};
use salesdesk::simulators::{dataset, weiling};
use salesdesk::vendors::weiling::settings::WeilingSettings;
use salesdesk::vendors::weiling::wire::{
    CustomerBatchData, CustomerBatchRequest, CustomerEditRequest, EnvelopeData, EnvelopeHead, NewProgress,
};
use salesdesk::vendors::weiling::{CustomerListBy, WeilingClient, map};
use salesdesk::vendors::{CustomerLookup, CustomerRef, HttpPolicy, VendorAdapter};
use secrecy::SecretString;
use serde_json::{Value, json};
use url::Url;

use common::simulator::{Running, fast_policy, get_json, json_reply, list_query, post_json};

const APP_ID: &str = "wl-test-app";
const APP_SECRET: &str = "wl-test-secret-0123456789";

struct Sim(Running);

impl std::ops::Deref for Sim {
    type Target = Running;
    fn deref(&self) -> &Running {
        &self.0
    }
}

impl Sim {
    async fn start(token_ttl: Duration) -> Sim {
        let universe = common::simulator::universe(None);
        let faults = Faults::new(FaultPlan::default(), weiling::error_envelope);
        let config = weiling::WeilingSimConfig {
            app_id: APP_ID.into(),
            app_secret: SecretString::from(APP_SECRET),
            token_ttl,
        };
        let router = weiling::router(universe.clone(), config, faults);
        Sim(Running::serve(universe, router).await)
    }

    fn settings(&self, secret: &str, policy: HttpPolicy) -> WeilingSettings {
        WeilingSettings {
            base_url: Url::parse(&self.url(weiling::BASE_PATH)).unwrap(),
            app_id: APP_ID.into(),
            app_secret: SecretString::from(secret),
            token_ttl: Duration::from_secs(7200),
            http: policy,
        }
    }

    fn client(&self) -> WeilingClient {
        WeilingClient::new(self.settings(APP_SECRET, fast_policy())).unwrap()
    }

    async fn stats(&self) -> Value {
        get_json(&self.url("/__sim/weiling/stats")).await
    }

    async fn token_requests(&self) -> u64 {
        self.stats().await["token_requests"].as_u64().unwrap()
    }

    /// Revokes every token issued so far, as a vendor might before their lifetime is up.
    async fn expire_tokens(&self) {
        let r = reqwest::Client::new()
            .post(self.url("/__sim/weiling/expire_tokens"))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success());
    }

    async fn raw_token(&self) -> String {
        let v: Value = get_json(&self.url(&format!("/openapi/auth/access_token/get?app_id={APP_ID}&app_secret={APP_SECRET}"))).await;
        assert_eq!(v["code"], 0, "{v}");
        v["data"]["access_token"].as_str().unwrap().to_string()
    }

    /// A rep with at least `n` Weiling friends, and those friends' customer_ids.
    fn rep_with_friends(&self, n: usize) -> (String, Vec<String>) {
        let u = &self.universe;
        for (i, rep) in u.reps.iter().enumerate() {
            let ids: Vec<String> = u
                .customers
                .iter()
                .filter(|p| p.relation(i).is_some())
                .filter_map(|p| p.weiling.as_ref().map(|w| w.customer_id.clone()))
                .collect();
            if ids.len() >= n {
                return (rep.user_id.clone(), ids);
            }
        }
        panic!("no rep with {n} Weiling friends");
    }

    /// A Weiling customer and one of its reps.
    fn weiling_customer(&self) -> (&dataset::Person, String) {
        let p = self
            .universe
            .customers
            .iter()
            .find(|p| p.weiling.is_some() && !p.follows.is_empty())
            .unwrap();
        (p, self.universe.reps[p.follows[0].rep].user_id.clone())
    }
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn code_plan(code: i64, message: &str, path: &str, rate: Option<f64>) -> FaultPlan {
    FaultPlan {
        error: Some(InjectedError::Code {
            code,
            message: message.into(),
        }),
        rate,
        path_contains: Some(path.into()),
        ..Default::default()
    }
}

// ---- seed fixture ----------------------------------------------------------------------------

#[test]
fn seed_003_request_and_response_parse() {
    let request: CustomerBatchRequest = serde_json::from_str(&fixture("weiling_customer_batch_request.json")).unwrap();
    assert_eq!(request.customer_ids, vec!["oKBiDpCKNsX1wg0Rc3KlsjIlChV2f99qrUOGsp3Eqm8"]);

    let body = fixture("weiling_customer_batch_response.json");
    let head: EnvelopeHead = serde_json::from_str(&body).unwrap();
    assert_eq!((head.code, head.msg.as_deref()), (0, Some("string")));
    let data: CustomerBatchData = serde_json::from_str::<EnvelopeData<CustomerBatchData>>(&body)
        .unwrap()
        .data
        .unwrap();
    let c = &data.customer_list[0];
    assert_eq!(c.customer_id.as_deref(), Some("string"));
    assert_eq!(c.kind, Some(0));
    assert_eq!(c.gender, Some(0));
    assert_eq!(c.customer_stage.as_deref(), Some("string"));
    assert_eq!(c.remark_mobiles, vec!["string"]);
    assert_eq!(c.lost_state, Some(true));
    assert_eq!(c.unionid.as_deref(), Some("string"));
    assert_eq!(c.first_progress_time, Some(0));
    assert_eq!(c.latest_progress_id.as_deref(), Some("string"));
    let f = &c.follow_users[0];
    assert_eq!((f.add_way, f.create_time, f.lost_state), (Some(0), Some(0), Some(false)));
    assert_eq!(f.tags[0].group_name.as_deref(), Some("string"));
    assert_eq!(f.tags[0].kind.as_deref(), Some("string"));
    assert_eq!(f.add_source.as_ref().unwrap().name.as_deref(), Some("string"));
    assert_eq!(f.customer_custom_field, Some(Value::String("string".into())));
    assert_eq!(c.company_list[0].company_name.as_deref(), Some("string"));
    assert_eq!(c.business_list[0].business_id.as_deref(), Some("string"));
    assert_eq!(c.clue_list[0].clue_id.as_deref(), Some("string"));

    let v = map::customer(c.clone(), &[]);
    assert_eq!(v.stage.as_deref(), Some("string"));
    assert_eq!(v.follow_users[0].add_source.as_deref(), Some("string"));
    assert_eq!(v.opportunities[0].name.as_deref(), Some("string"));
    // The seed's non-JSON custom field is kept, marked raw.
    assert_eq!(v.custom_fields[0].value, FieldValue::Raw("string".into()));
}

// ---- token ------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_calls_fetch_one_token() {
    let sim = Sim::start(Duration::from_secs(7200)).await;
    // A slow token endpoint keeps every caller waiting on the same refresh.
    sim.set_faults(FaultPlan {
        latency_ms: 150,
        path_contains: Some("/auth/".into()),
        ..Default::default()
    })
    .await;
    let client = Arc::new(sim.client());
    let calls = (0..20).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.check().await })
    });
    for r in futures::future::join_all(calls).await {
        r.unwrap().unwrap();
    }
    assert_eq!(sim.token_requests().await, 1);
    assert_eq!(client.token_requests(), 1);
}

#[tokio::test]
async fn expired_token_is_refreshed_transparently() {
    let sim = Sim::start(Duration::from_secs(7200)).await;
    let client = sim.client();
    let (p, _) = sim.weiling_customer();
    client.check().await.unwrap();
    sim.expire_tokens().await;
    let c = client
        .customer(&CustomerLookup::by_external_id(&p.external_user_id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c.external_user_id.as_deref(), Some(p.external_user_id.as_str()));
    assert_eq!(sim.token_requests().await, 2);
}

/// Weiling documents no token lifetime: a token revoked early makes a write fail with an
/// auth code, which cannot have been applied, so the client fetches one new token and sends
/// the write once more — each write lands exactly once.
#[tokio::test]
async fn writes_with_a_revoked_token_get_one_new_token_and_land_once() {
    let sim = Sim::start(Duration::from_secs(7200)).await;
    let client = sim.client();
    let (p, rep) = sim.weiling_customer();
    let customer = client
        .customer(&CustomerLookup::by_external_id(&p.external_user_id))
        .await
        .unwrap()
        .unwrap();
    let target = CustomerRef {
        external_user_id: Some(p.external_user_id.clone()),
        union_id: None,
        vendor_customer_id: customer.vendor_customer_id.clone(),
        rep_user_id: rep.clone(),
    };
    let before = sim.stats().await;
    sim.expire_tokens().await;
    client.set_remark(&target, Some("令牌过期后"), None).await.unwrap();
    assert_eq!(sim.token_requests().await, 2);
    sim.expire_tokens().await;
    client
        .add_follow_up(&target, "令牌过期后的跟进", chrono::Utc::now().timestamp_millis())
        .await
        .unwrap();
    assert_eq!(sim.token_requests().await, 3);
    let after = sim.stats().await;
    assert_eq!(
        after["customer_edits"].as_i64().unwrap() - before["customer_edits"].as_i64().unwrap(),
        1
    );
    assert_eq!(
        after["progress_created"].as_i64().unwrap() - before["progress_created"].as_i64().unwrap(),
        1
    );
}

#[tokio::test]
async fn token_expiring_at_the_vendor_before_our_ttl_is_refreshed() {
    // The vendor's lifetime is shorter than the client's configured TTL.
    let sim = Sim::start(Duration::from_millis(200)).await;
    let client = sim.client();
    client.check().await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    client.check().await.unwrap();
    assert_eq!(sim.token_requests().await, 2);
}

#[tokio::test]
async fn wrong_secret_is_auth_rejected_without_leaking() {
    let sim = Sim::start(Duration::from_secs(7200)).await;
    let client = WeilingClient::new(sim.settings("not-the-secret", fast_policy())).unwrap();
    let e = client.check().await.unwrap_err();
    assert_eq!(e.kind, VendorErrorKind::AuthRejected);
    assert_eq!(e.code, Some(501));
    let text = format!("{e} {e:?}");
    assert!(!text.contains("not-the-secret") && !text.contains("app_secret="), "{text}");
    // Auth refusals are not retried.
    assert_eq!(sim.token_requests().await, 1);
}

#[tokio::test]
async fn token_endpoint_rules_and_token_check() {
    let sim = Sim::start(Duration::from_secs(7200)).await;
    let token_url = sim.url(&format!("/openapi/auth/access_token/get?app_id={APP_ID}&app_secret={APP_SECRET}"));
    let v = json_reply(reqwest::Client::new().post(token_url)).await;
    assert_eq!(v["code"], 1010);
    let v: Value = get_json(&sim.url(&format!("/openapi/auth/access_token/get?appid={APP_ID}&app_secret={APP_SECRET}"))).await;
    assert_eq!(v["code"], 1001);
    let token = sim.raw_token().await;
    let v: Value = get_json(&sim.url(&format!("/openapi/v2/custom/detail?api_key=contact&access_token={token}"))).await;
    assert_eq!(v["code"], 0);
    let v: Value = get_json(&sim.url("/openapi/v2/custom/detail?api_key=contact&access_token=forged")).await;
    assert_eq!(v["code"], 1007);
    // POSTs need the token in the query string too.
    let v: Value = post_json(&sim.url("/openapi/customer/batch"), &json!({"customer_ids": ["x"]})).await;
    assert_eq!(v["code"], 1007);
    assert_eq!(sim.token_requests().await, 3);
}

// ---- customers -------------------------------------------------------------------------------

#[tokio::test]
async fn list_customers_pages_through_a_reps_friends() {
    let sim = Sim::start(Duration::from_secs(7200)).await;
    let client = sim.client();
    let (rep, expected) = sim.rep_with_friends(8);
    let mut seen = Vec::new();
    let mut cursor = None;
    let mut pages = 0;
    loop {
        let page = client
            .list_customers(&list_query(Some(rep.clone()), cursor.clone(), 7))
            .await
            .unwrap();
        assert!(page.items.len() <= 7);
        if expected.len() <= weiling::CUSTOMER_ID_PAGE {
            assert_eq!(page.total, Some(expected.len() as u64));
        }
        seen.extend(page.items.iter().map(|c| c.vendor_customer_id.clone().unwrap()));
        for c in &page.items {
            assert!(
                c.follow_users.iter().any(|f| f.user_id == rep),
                "every listed customer is the rep's friend"
            );
        }
        pages += 1;
        match page.next {
            Some(n) => cursor = Some(n),
            None => break,
        }
    }
    assert_eq!(pages, expected.len().div_ceil(7));
    assert_eq!(seen, expected, "every friend once, in Weiling's order");

    let e = client.list_customers(&list_query(None, None, 10)).await.unwrap_err();
    assert_eq!(e.kind, VendorErrorKind::Unsupported);

    // By a mobile the rep noted in a remark.
    let (p, m) = sim
        .universe
        .customers
        .iter()
        .filter(|p| p.weiling.is_some())
        .find_map(|p| p.follows.iter().find_map(|f| f.remark_mobiles.first()).map(|m| (p, m.clone())))
        .expect("a remark mobile");
    let ids = client.customer_ids(&CustomerListBy::RemarkMobile(m), None).await.unwrap();
    assert!(ids.data_list.contains(&p.weiling.as_ref().unwrap().customer_id));
    let e = client
        .customer_ids(&CustomerListBy::UserId("no-such-rep".into()), None)
        .await
        .unwrap_err();
    assert_eq!(e.kind, VendorErrorKind::InvalidInput);
}

#[tokio::test]
async fn customer_detail_maps_weiling_view() {
    let sim = Sim::start(Duration::from_secs(7200)).await;
    let client = sim.client();
    let u = &sim.universe;
    // A customer whose Weiling stage deliberately differs from Tanma's.
    let p = u
        .customers
        .iter()
        .find(|p| p.stage_disagrees())
        .expect("universe has a stage disagreement");
    let w = p.weiling.as_ref().unwrap();
    let c = client
        .customer(&CustomerLookup::by_external_id(&p.external_user_id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c.vendor_customer_id.as_deref(), Some(w.customer_id.as_str()));
    assert_eq!(c.stage.as_deref(), Some(w.stage.as_str()));
    assert_ne!(c.stage.as_deref(), Some(p.stage.as_str()));
    assert_eq!(c.union_id, p.union_id);
    assert_eq!(
        c.kind,
        if p.kind == dataset::KIND_WECOM {
            CustomerKind::WeCom
        } else {
            CustomerKind::WeChat
        }
    );
    assert_eq!(c.follow_users.len(), p.follows.len());
    assert_eq!(c.companies.len(), w.companies.len());
    assert_eq!(c.opportunities.len(), w.businesses.len());
    let intention = c.custom_fields.iter().find(|f| f.key == "intention").unwrap();
    assert_eq!(intention.label, "意向");
    // Labels outside the option set stay unresolved rather than passing for text.
    let expected_label = dataset::INTENTIONS.contains(&p.intention.as_str()).then_some(p.intention.as_str());
    match &intention.value {
        FieldValue::Choice { label, .. } => assert_eq!(label.as_deref(), expected_label),
        other => panic!("intention should be a choice, got {other:?}"),
    }

    // Tags keep group and kind.
    let tagged = u
        .customers
        .iter()
        .find(|p| p.weiling.is_some() && p.follows.iter().any(|f| !f.corp_tags.is_empty() && !f.personal_tags.is_empty()));
    if let Some(p) = tagged {
        let c = client
            .customer(&CustomerLookup::by_external_id(&p.external_user_id))
            .await
            .unwrap()
            .unwrap();
        let tags: Vec<_> = c.follow_users.iter().flat_map(|f| f.tags.iter()).collect();
        assert!(tags.iter().any(|t| t.kind == TagKind::Corp && t.group.is_some()));
        assert!(tags.iter().any(|t| t.kind == TagKind::Personal));
    }

    // The seed 003 customer is served under its seed id.
    let seed = client
        .customers_batch(&["oKBiDpCKNsX1wg0Rc3KlsjIlChV2f99qrUOGsp3Eqm8".into()])
        .await
        .unwrap();
    assert_eq!(seed.len(), 1);

    assert!(
        client
            .customer(&CustomerLookup::by_external_id("wm-not-a-customer"))
            .await
            .unwrap()
            .is_none()
    );
    let not_in_weiling = u.customers.iter().find(|p| p.weiling.is_none()).unwrap();
    assert!(
        client
            .customer(&CustomerLookup::by_external_id(&not_in_weiling.external_user_id))
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn batch_of_more_than_100_ids_is_split() {
    let sim = Sim::start(Duration::from_secs(7200)).await;
    let client = sim.client();
    let mut ids: Vec<String> = sim
        .universe
        .customers
        .iter()
        .filter_map(|p| p.weiling.as_ref().map(|w| w.customer_id.clone()))
        .collect();
    let known = ids.len();
    ids.extend((0..(150usize.saturating_sub(known))).map(|i| format!("unknown-{i}")));
    assert!(ids.len() > 100);
    let got = client.customers_batch(&ids).await.unwrap();
    assert_eq!(got.len(), known);
    let got_ids: BTreeSet<_> = got.iter().filter_map(|c| c.customer_id.clone()).collect();
    assert_eq!(got_ids.len(), known);

    // The simulator itself refuses 101 ids in one call.
    let token = sim.raw_token().await;
    let v: Value = post_json(
        &sim.url(&format!("/openapi/customer/batch?access_token={token}")),
        &json!({ "customer_ids": ids[..101] }),
    )
    .await;
    assert_eq!(v["code"], 1012);
}

#[tokio::test]
async fn set_remark_is_visible_in_later_reads() {
    let sim = Sim::start(Duration::from_secs(7200)).await;
    let client = sim.client();
    let (p, rep) = sim.weiling_customer();
    let target = CustomerRef {
        external_user_id: Some(p.external_user_id.clone()),
        union_id: None,
        vendor_customer_id: None,
        rep_user_id: rep.clone(),
    };
    client.set_remark(&target, Some("王总-新备注"), Some("关注交付周期")).await.unwrap();
    let c = client
        .customer(&CustomerLookup::by_external_id(&p.external_user_id))
        .await
        .unwrap()
        .unwrap();
    let f = c.follow_users.iter().find(|f| f.user_id == rep).unwrap();
    assert_eq!(f.remark.as_deref(), Some("王总-新备注"));
    assert_eq!(f.description.as_deref(), Some("关注交付周期"));
    // Only the remark this time: the description stays.
    client.set_remark(&target, Some("王总"), None).await.unwrap();
    let c = client
        .customer(&CustomerLookup::by_external_id(&p.external_user_id))
        .await
        .unwrap()
        .unwrap();
    let f = c.follow_users.iter().find(|f| f.user_id == rep).unwrap();
    assert_eq!(
        (f.remark.as_deref(), f.description.as_deref()),
        (Some("王总"), Some("关注交付周期"))
    );
    assert_eq!(sim.stats().await["customer_edits"], 2);

    // Refused before sending: WeCom's 20-character remark limit.
    let e = client.set_remark(&target, Some(&"长".repeat(21)), None).await.unwrap_err();
    assert_eq!(e.kind, VendorErrorKind::InvalidInput);
    assert_eq!(sim.stats().await["customer_edits"], 2);
    // Refused by the vendor: its message reaches the rep.
    let w = p.weiling.as_ref().unwrap();
    let request = CustomerEditRequest {
        user_id: rep.clone(),
        customer_id: w.customer_id.clone(),
        remark: Some("长".repeat(21)),
        ..Default::default()
    };
    let e = client.edit_customer(&request).await.unwrap_err();
    assert_eq!((e.kind, e.code), (VendorErrorKind::InvalidInput, Some(1012)));
    assert!(e.to_failure().vendor_message.unwrap().contains("remark"));
    // A rep who is not the customer's friend.
    let stranger = sim
        .universe
        .reps
        .iter()
        .enumerate()
        .find(|(i, _)| p.relation(*i).is_none())
        .map(|(_, r)| r.user_id.clone())
        .unwrap();
    let request = CustomerEditRequest {
        user_id: stranger,
        customer_id: w.customer_id.clone(),
        remark: Some("x".into()),
        ..Default::default()
    };
    assert_eq!(client.edit_customer(&request).await.unwrap_err().code, Some(1001));
}

// ---- follow-ups ------------------------------------------------------------------------------

#[tokio::test]
async fn follow_ups_read_and_write() {
    let sim = Sim::start(Duration::from_secs(7200)).await;
    let client = sim.client();
    let (p, rep) = sim.weiling_customer();
    let w = p.weiling.as_ref().unwrap();
    let customer = client
        .customer(&CustomerLookup::by_external_id(&p.external_user_id))
        .await
        .unwrap()
        .unwrap();
    let before = client.follow_ups(&customer).await.unwrap();
    assert_eq!(before.len(), w.progress.len());
    for e in &before {
        let FollowUpKind::Note { text } = &e.kind else {
            panic!("Weiling records are notes")
        };
        assert!(!text.contains('<'), "HTML stripped: {text}");
    }

    let at = sim.universe.options.now_ms + 60_000;
    let target = CustomerRef {
        external_user_id: None,
        union_id: None,
        vendor_customer_id: Some(w.customer_id.clone()),
        rep_user_id: rep.clone(),
    };
    let receipt = client.add_follow_up(&target, "电话沟通：客户确认下周演示", at).await.unwrap();
    let id = receipt.vendor_record_id.unwrap();
    let after = client.follow_ups(&customer).await.unwrap();
    assert_eq!(after.len(), before.len() + 1);
    assert_eq!(after[0].id, id, "newest first");
    assert_eq!(after[0].at, at);
    assert_eq!(after[0].author_user_id.as_deref(), Some(rep.as_str()));
    assert_eq!(
        after[0].kind,
        FollowUpKind::Note {
            text: "电话沟通：客户确认下周演示".into()
        }
    );
    let again = client
        .customer(&CustomerLookup::by_external_id(&p.external_user_id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.vendor_customer_id, customer.vendor_customer_id);

    // Too long: refused before sending.
    let e = client.add_follow_up(&target, &"字".repeat(1001), at).await.unwrap_err();
    assert_eq!(e.kind, VendorErrorKind::InvalidInput);
    // Refused by the vendor per item: an unknown author.
    let stranger = CustomerRef {
        rep_user_id: "no-such-rep".into(),
        ..target.clone()
    };
    let e = client.add_follow_up(&stranger, "x", at).await.unwrap_err();
    assert_eq!((e.kind, e.code), (VendorErrorKind::InvalidInput, Some(1001)));
    assert_eq!(e.to_failure().vendor_message.as_deref(), Some("userId不正确"));
}

#[tokio::test]
async fn follow_ups_page_through_many_records() {
    let sim = Sim::start(Duration::from_secs(7200)).await;
    let client = sim.client();
    let (p, rep) = sim.weiling_customer();
    let w = p.weiling.as_ref().unwrap();
    let base = sim.universe.options.now_ms;
    let items: Vec<NewProgress> = (0..150)
        .map(|i| NewProgress {
            index: i,
            content: format!("<p>第{i}条</p>"),
            create_time: base + i * 1000,
            create_user_id: Some(rep.clone()),
            ..Default::default()
        })
        .collect();
    let result = client.create_progress(&w.customer_id, 0, &items).await.unwrap();
    assert_eq!(result.success_list.len(), 150, "{:?}", result.fail_list);
    assert_eq!(sim.stats().await["progress_created"], 150);
    let customer = client
        .customer(&CustomerLookup::by_external_id(&p.external_user_id))
        .await
        .unwrap()
        .unwrap();
    let all = client.follow_ups(&customer).await.unwrap();
    assert_eq!(all.len(), w.progress.len() + 150);
    assert_eq!(all[0].kind, FollowUpKind::Note { text: "第149条".into() });
}

#[tokio::test]
async fn progress_create_reports_each_item() {
    let sim = Sim::start(Duration::from_secs(7200)).await;
    let client = sim.client();
    let (p, rep) = sim.weiling_customer();
    let w = p.weiling.as_ref().unwrap();
    let at = sim.universe.options.now_ms;
    let item = |index: i64, content: String, create_time: i64, user: &str| NewProgress {
        index,
        content,
        create_time,
        create_user_id: Some(user.to_string()),
        ..Default::default()
    };
    let items = vec![
        item(0, "好的".into(), at, &rep),
        item(1, "  ".into(), at, &rep),
        item(2, "x".into(), at, "nobody"),
        item(3, "y".repeat(1001), at, &rep),
        item(4, "秒级时间".into(), at / 1000, &rep),
        item(5, "也好".into(), at + 1, &rep),
    ];
    let r = client.create_progress(&w.customer_id, 0, &items).await.unwrap();
    let ok: Vec<_> = r.success_list.iter().map(|s| s.index.unwrap()).collect();
    assert_eq!(ok, vec![0, 5]);
    let failed: Vec<_> = r.fail_list.iter().map(|f| (f.index.unwrap(), f.error_code.unwrap())).collect();
    assert_eq!(failed, vec![(1, 1000), (2, 1001), (3, 1012), (4, 1013)]);
    assert!(r.fail_list.iter().all(|f| f.error_msg.as_deref().is_some_and(|m| !m.is_empty())));
    let e = client.create_progress("no-such-customer", 0, &items[..1]).await.unwrap_err();
    assert_eq!(e.kind, VendorErrorKind::NotFound);
    let e = client.create_progress(&w.customer_id, 1, &items[..1]).await.unwrap_err();
    assert_eq!((e.kind, e.code), (VendorErrorKind::InvalidInput, Some(1001)));
}

// ---- clues and fields ------------------------------------------------------------------------

#[tokio::test]
async fn clues_list_and_detail() {
    let sim = Sim::start(Duration::from_secs(7200)).await;
    let client = sim.client();
    let expected: BTreeSet<String> = sim.universe.clues.iter().filter_map(|c| c.weiling_clue_id.clone()).collect();
    assert!(expected.len() > weiling::CLUE_PAGE, "enough clues to page");
    let mut seen = BTreeSet::new();
    let mut cursor = None;
    loop {
        let page = client.list_clues(cursor.clone(), 20).await.unwrap();
        for c in &page.items {
            assert!(seen.insert(c.id.clone()), "clue {} listed twice", c.id);
            assert!(c.created_at.is_some());
        }
        match page.next {
            Some(n) => cursor = Some(n),
            None => break,
        }
    }
    assert_eq!(seen, expected);

    let id = expected.iter().next().unwrap();
    let clue = client.clue(id).await.unwrap().unwrap();
    let record = &sim.universe.clues[sim.universe.clue_by_weiling_id[id]];
    assert_eq!(clue.name.as_deref(), Some(record.name.as_str()));
    assert_eq!(clue.created_at, Some(record.created_at_ms));
    assert!(client.clue("no-such-clue").await.unwrap().is_none());
    let ids: Vec<String> = expected.iter().cloned().collect();
    assert_eq!(client.clues_batch(&ids).await.unwrap().len(), ids.len());
}

#[tokio::test]
async fn custom_field_descriptions() {
    let sim = Sim::start(Duration::from_secs(7200)).await;
    let client = sim.client();
    let fields = client.custom_fields("contact").await.unwrap();
    let intention = fields.iter().find(|f| f.api_name.as_deref() == Some("intention")).unwrap();
    assert_eq!(intention.view_name.as_deref(), Some("意向"));
    assert!(
        intention
            .options
            .iter()
            .any(|o| o.label.as_deref() == Some("intention_high") && o.value.as_deref() == Some("高"))
    );
    assert!(client.custom_fields("company").await.unwrap().is_empty());
    let e = client.custom_fields("nonsense").await.unwrap_err();
    assert_eq!((e.kind, e.code), (VendorErrorKind::InvalidInput, Some(1001)));
}

// ---- faults ----------------------------------------------------------------------------------

#[tokio::test]
async fn rate_limit_1009_is_retried_then_reported() {
    let sim = Sim::start(Duration::from_secs(7200)).await;
    let client = sim.client();
    let (p, rep) = sim.weiling_customer();
    // Every second call to the endpoint is throttled: the second read only succeeds because
    // the client retried it.
    sim.set_faults(code_plan(1009, "接口调用超过频率限制", "get_by_external_userid", Some(0.5)))
        .await;
    client
        .customer(&CustomerLookup::by_external_id(&p.external_user_id))
        .await
        .unwrap()
        .unwrap();
    client
        .customer(&CustomerLookup::by_external_id(&p.external_user_id))
        .await
        .unwrap()
        .unwrap();
    // Writes are retried when throttled too (a throttled call was not processed).
    sim.set_faults(code_plan(1009, "接口调用超过频率限制", "/customer/edit", Some(0.5)))
        .await;
    let target = CustomerRef {
        external_user_id: Some(p.external_user_id.clone()),
        union_id: None,
        vendor_customer_id: None,
        rep_user_id: rep,
    };
    client.set_remark(&target, Some("a"), None).await.unwrap();
    client.set_remark(&target, Some("b"), None).await.unwrap();
    assert_eq!(sim.stats().await["customer_edits"], 2);
    // Always throttled: reported after the retries.
    sim.set_faults(code_plan(1009, "接口调用超过频率限制", "get_by_external_userid", None))
        .await;
    let started = Instant::now();
    let e = client
        .customer(&CustomerLookup::by_external_id(&p.external_user_id))
        .await
        .unwrap_err();
    assert_eq!((e.kind, e.code), (VendorErrorKind::RateLimited, Some(1009)));
    assert!(started.elapsed() >= Duration::from_millis(20), "two backoff waits happened");
    sim.set_faults(code_plan(1015, "rate limit", "get_by_external_userid", None)).await;
    assert_eq!(
        client
            .customer(&CustomerLookup::by_external_id(&p.external_user_id))
            .await
            .unwrap_err()
            .kind,
        VendorErrorKind::RateLimited
    );
}

#[tokio::test]
async fn injected_faults_map_to_error_kinds() {
    let sim = Sim::start(Duration::from_secs(7200)).await;
    let client = sim.client();
    let (p, _) = sim.weiling_customer();
    let ext = p.external_user_id.clone();
    let customer = client.customer(&CustomerLookup::by_external_id(&ext)).await.unwrap().unwrap();

    // Latency: slower, still fine.
    sim.set_faults(FaultPlan {
        latency_ms: 150,
        path_contains: Some("/customer/".into()),
        ..Default::default()
    })
    .await;
    let started = Instant::now();
    client.customer(&CustomerLookup::by_external_id(&ext)).await.unwrap().unwrap();
    assert!(started.elapsed() >= Duration::from_millis(150));

    // 5xx from a gateway.
    sim.set_faults(FaultPlan {
        error: Some(InjectedError::Status(502)),
        path_contains: Some("/customer/".into()),
        ..Default::default()
    })
    .await;
    let e = client.customer(&CustomerLookup::by_external_id(&ext)).await.unwrap_err();
    assert_eq!((e.kind, e.code), (VendorErrorKind::Upstream, Some(502)));

    // A body that is not JSON.
    sim.set_faults(FaultPlan {
        malformed: true,
        path_contains: Some("/customer/".into()),
        ..Default::default()
    })
    .await;
    assert_eq!(
        client.customer(&CustomerLookup::by_external_id(&ext)).await.unwrap_err().kind,
        VendorErrorKind::Undecodable
    );

    // Business codes.
    sim.set_faults(code_plan(1003, "数据不存在", "/customer/", None)).await;
    assert!(
        client.customer(&CustomerLookup::by_external_id(&ext)).await.unwrap().is_none(),
        "not found is None"
    );
    sim.set_faults(code_plan(1005, "操作失败", "/customer/", None)).await;
    let e = client.customer(&CustomerLookup::by_external_id(&ext)).await.unwrap_err();
    assert_eq!((e.kind, e.code), (VendorErrorKind::Upstream, Some(1005)));
    assert_eq!(e.to_failure().vendor_message, None, "internal messages stay server-side");
    sim.set_faults(code_plan(1013, "参数格式或值错误", "/customer/", None)).await;
    let e = client.customer(&CustomerLookup::by_external_id(&ext)).await.unwrap_err();
    assert_eq!(e.kind, VendorErrorKind::InvalidInput);
    assert_eq!(e.to_failure().vendor_message.as_deref(), Some("参数格式或值错误"));
    sim.set_faults(code_plan(1006, "数据加载完毕", "/v2/progress/list", None)).await;
    assert!(client.follow_ups(&customer).await.unwrap().is_empty(), "1006 ends the list");

    // An auth-type code: one refresh and one retry, then reported.
    let before = sim.token_requests().await;
    sim.set_faults(code_plan(403, "无访问权限", "/customer/", None)).await;
    let e = client.customer(&CustomerLookup::by_external_id(&ext)).await.unwrap_err();
    assert_eq!((e.kind, e.code), (VendorErrorKind::AuthRejected, Some(403)));
    assert_eq!(sim.token_requests().await, before + 1);
    assert!(!e.to_string().contains("access_token"), "{e}");
}

#[tokio::test]
async fn hang_times_out() {
    let sim = Sim::start(Duration::from_secs(7200)).await;
    let policy = HttpPolicy {
        request_timeout: Duration::from_millis(300),
        max_retries: 1,
        ..fast_policy()
    };
    let client = WeilingClient::new(sim.settings(APP_SECRET, policy)).unwrap();
    let (p, _) = sim.weiling_customer();
    sim.set_faults(FaultPlan {
        hang: true,
        path_contains: Some("/customer/".into()),
        ..Default::default()
    })
    .await;
    let started = Instant::now();
    let e = client
        .customer(&CustomerLookup::by_external_id(&p.external_user_id))
        .await
        .unwrap_err();
    assert_eq!(e.kind, VendorErrorKind::Timeout);
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
    assert!(!format!("{e:?}").contains("access_token"), "{e:?}");
}

#[tokio::test]
async fn check_and_stats() {
    let sim = Sim::start(Duration::from_secs(7200)).await;
    let client = sim.client();
    client.check().await.unwrap();
    let snap = VendorAdapter::stats(&client).snapshot();
    assert_eq!(snap.errors, 0);
    assert_eq!(snap.calls, 2, "token + custom/detail");
}
