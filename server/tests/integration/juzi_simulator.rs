//! The real Juzibot client against the Juzibot simulator over HTTP on loopback: every
//! endpoint, the seed customer, paging, token handling, limits (the simulator's and the
//! client's own), stored writes, and every kind of injected fault.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use app::domain::{CustomerKind, Gender, TagKind, VendorErrorKind, VendorId};
use salesdesk::simulators::dataset::Person;
use salesdesk::simulators::faults::{FaultPlan, Faults, InjectedError};
use salesdesk::simulators::juzi;
use salesdesk::vendors::juzi::settings::JuziSettings;
use salesdesk::vendors::juzi::wire::{
    AddFollowRequest, AddFollowResponse, DetailResponse, FollowItem, FollowText, ListQuery, ListResponse, LooseCode, RemarkItem,
    SetRemarkRequest, SetRemarkResponse,
};
use salesdesk::vendors::juzi::{ItemOutcome, JuziClient};
use salesdesk::vendors::{CustomerLookup, CustomerRef, VendorAdapter};
use secrecy::SecretString;
use serde_json::{Value, json};
use url::Url;

use common::simulator::{Running, assert_unknown, get_json, json_reply, list_query, policy};

const TOKEN: &str = "juzi-test-token-0123456789abcdef";
const SEED_EXTERNAL: &str = "wmfvEMCAAAPHR9XslvYqTFgCJTULiZgg";
const SEED_UNION: &str = "ozynqsulJFCZ2z1aYeS8h-nuasdAAA";

const LIST: &str = "/api/v1/customer/list";
const DETAIL: &str = "/api/v1/customer/detail";
const SET_REMARK: &str = "/api/v1/customer/set_remark";
const ADD_FOLLOW: &str = "/api/v1/customer/add_follow";
const TAG_LIST: &str = "/api/v1/tag/list";

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

struct Sim(Running);

impl std::ops::Deref for Sim {
    type Target = Running;
    fn deref(&self) -> &Running {
        &self.0
    }
}

impl Sim {
    async fn start() -> Sim {
        let universe = common::simulator::universe(None);
        let faults = Faults::new(FaultPlan::default(), juzi::error_envelope);
        let router = juzi::router(
            universe.clone(),
            juzi::JuziSimConfig {
                token: SecretString::from(TOKEN),
            },
            faults,
        );
        Sim(Running::serve(universe, router).await)
    }

    fn client_with(&self, token: &str, timeout: Duration) -> JuziClient {
        JuziClient::new(JuziSettings {
            base_url: Url::parse(&self.url("/")).unwrap(),
            token: SecretString::from(token),
            http: policy(timeout),
        })
        .unwrap()
    }

    fn client(&self) -> JuziClient {
        self.client_with(TOKEN, Duration::from_secs(5))
    }

    async fn requests(&self, path: &str) -> u64 {
        let counts: BTreeMap<String, u64> = serde_json::from_value(get_json(&self.url("/__sim/juzi/requests")).await).unwrap();
        counts.get(path).copied().unwrap_or(0)
    }

    async fn follows(&self, union_id: &str, user_id: &str) -> Vec<Value> {
        let url = format!("{}?unionId={union_id}&userId={user_id}", self.url("/__sim/juzi/follows"));
        serde_json::from_value(get_json(&url).await).unwrap()
    }

    async fn remarks(&self, union_id: &str, user_id: &str) -> Value {
        let url = format!("{}?unionId={union_id}&userId={user_id}", self.url("/__sim/juzi/remarks"));
        get_json(&url).await
    }

    async fn get_raw(&self, path: &str, query: &[(&str, &str)]) -> Value {
        let mut q = vec![("token", TOKEN)];
        q.extend_from_slice(query);
        json_reply(reqwest::Client::new().get(self.url(path)).query(&q)).await
    }

    async fn post_raw(&self, path: &str, body: &Value) -> Value {
        json_reply(reqwest::Client::new().post(self.url(path)).query(&[("token", TOKEN)]).json(body)).await
    }

    /// Juzibot customers that have a unionId (writable through v1), with their reps.
    fn writable(&self) -> Vec<(&Person, Vec<String>)> {
        self.universe
            .customers
            .iter()
            .filter(|p| p.presence.juzi && p.union_id.is_some())
            .map(|p| (p, p.follows.iter().map(|f| self.universe.reps[f.rep].user_id.clone()).collect()))
            .collect()
    }

    fn juzi_count(&self) -> usize {
        self.universe.customers.iter().filter(|p| p.presence.juzi).count()
    }
}

fn target(p: &Person, rep: &str) -> CustomerRef {
    CustomerRef {
        external_user_id: Some(p.external_user_id.clone()),
        union_id: p.union_id.clone(),
        vendor_customer_id: None,
        rep_user_id: rep.into(),
    }
}

fn seed_target() -> CustomerRef {
    CustomerRef {
        external_user_id: Some(SEED_EXTERNAL.into()),
        union_id: Some(SEED_UNION.into()),
        vendor_customer_id: None,
        rep_user_id: "rocky".into(),
    }
}

// ---------------------------------------------------------------------------------------
// Seed fixtures

#[test]
fn fixtures_parse_with_wire_types() {
    let list: ListResponse = serde_json::from_value(fixture("juzi_customer_list_response.json")).unwrap();
    assert_eq!((list.errcode, list.errmsg.as_str(), list.total), (0, "ok", Some(100)));
    let c = &list.data[0];
    assert_eq!(c.external_user_id, SEED_EXTERNAL);
    assert_eq!(c.union_id.as_deref(), Some(SEED_UNION));
    assert_eq!((c.name.as_str(), c.gender, c.kind), ("李四", 1, 1));
    assert_eq!(c.avatar.as_deref(), Some("http://p.qlogo.cn/bizmail/IcsdgagqefergqerhewSdage/0"));
    let f = &c.follow_user[0];
    assert_eq!(
        (f.user_id.as_str(), f.name.as_str(), f.remark.as_str(), f.create_timestamp),
        ("rocky", "张三", "张总", Some(1_604_048_292_000))
    );
    assert_eq!(f.tags.len(), 2);
    assert_eq!(
        (f.tags[0].group_name.as_str(), f.tags[0].tag_name.as_str(), f.tags[0].kind.as_str()),
        ("标签组名", "标签名", "1")
    );
    assert_eq!(f.tags[0].tag_id.as_deref(), Some("etDodGBwAA-rmc_3HDr84OnvfycgOQQQ"));
    assert_eq!(
        (
            f.tags[1].group_name.as_str(),
            f.tags[1].tag_name.as_str(),
            f.tags[1].kind.as_str(),
            f.tags[1].tag_id.as_deref()
        ),
        ("个人标签", "个人标签名", "2", None)
    );

    let detail: DetailResponse = serde_json::from_value(fixture("juzi_customer_detail_response.json")).unwrap();
    assert_eq!(detail.errcode, 0);
    assert_eq!(detail.data.as_ref(), Some(c), "detail sample equals the list sample's customer");

    let req: SetRemarkRequest = serde_json::from_value(fixture("juzi_set_remark_request.json")).unwrap();
    assert_eq!(
        req.remark_list,
        vec![RemarkItem {
            user_id: "zhangsan".into(),
            union_id: SEED_UNION.into(),
            remark: Some("备注信息".into()),
            description: Some("描述信息".into())
        }]
    );
    assert_eq!(
        serde_json::to_value(&req).unwrap(),
        fixture("juzi_set_remark_request.json"),
        "request serialises back to the sample"
    );
    let resp: SetRemarkResponse = serde_json::from_value(fixture("juzi_set_remark_response.json")).unwrap();
    assert_eq!(resp.errcode, 0);
    let fail = &resp.fail_list[0];
    assert_eq!((fail.user_id.as_str(), fail.union_id.as_str()), ("zhangsan", SEED_UNION));
    assert_eq!(
        (fail.remark.as_deref(), fail.description.as_deref()),
        (Some("备注信息"), Some("描述信息"))
    );
    assert_eq!(
        (fail.errcode.clone(), fail.errmsg.as_deref()),
        (Some(LooseCode::Text(String::new())), Some(""))
    );

    let req: AddFollowRequest = serde_json::from_value(fixture("juzi_add_follow_request.json")).unwrap();
    let expected_text = vec![
        FollowText {
            content: "这是跟进记录1".into(),
            timestamp: Some(1_602_667_647),
        },
        FollowText {
            content: "这是跟进记录2".into(),
            timestamp: None,
        },
    ];
    assert_eq!(
        req.follow_list,
        vec![FollowItem {
            union_id: SEED_UNION.into(),
            user_id: "rocky".into(),
            text: expected_text.clone()
        }]
    );
    assert_eq!(serde_json::to_value(&req).unwrap(), fixture("juzi_add_follow_request.json"));
    let resp: AddFollowResponse = serde_json::from_value(fixture("juzi_add_follow_response.json")).unwrap();
    assert_eq!(resp.errcode, 0);
    assert_eq!(
        (resp.fail_list[0].user_id.as_str(), resp.fail_list[0].union_id.as_str()),
        ("zhangsan", SEED_UNION)
    );
    assert_eq!(resp.fail_list[0].text, expected_text);
}

// ---------------------------------------------------------------------------------------
// Reads

#[tokio::test]
async fn seed_customer_equals_seed_004() {
    let sim = Sim::start().await;
    let sample = fixture("juzi_customer_detail_response.json");
    let raw = sim.get_raw(DETAIL, &[("externalUserId", SEED_EXTERNAL)]).await;
    assert_eq!(raw["errcode"], 0, "{raw}");
    assert_eq!(raw["data"], sample["data"], "the simulator serves seed 004's customer verbatim");
    // unionId wins when both ids are given.
    let other = sim
        .universe
        .customers
        .iter()
        .find(|p| p.presence.juzi && p.external_user_id != SEED_EXTERNAL)
        .unwrap();
    let raw = sim
        .get_raw(DETAIL, &[("unionId", SEED_UNION), ("externalUserId", &other.external_user_id)])
        .await;
    assert_eq!(raw["data"], sample["data"]);

    let c = sim
        .client()
        .customer(&CustomerLookup::by_external_id(SEED_EXTERNAL))
        .await
        .unwrap()
        .expect("seed customer");
    assert_eq!(c.vendor, VendorId::Juzi);
    assert_eq!(c.union_id.as_deref(), Some(SEED_UNION));
    assert_eq!(c.name.as_deref(), Some("李四"));
    assert_eq!((c.gender, c.kind), (Gender::Male, CustomerKind::WeChat));
    assert_eq!(c.follow_users.len(), 1);
    let f = &c.follow_users[0];
    assert_eq!(
        (f.user_id.as_str(), f.name.as_deref(), f.remark.as_deref(), f.added_at),
        ("rocky", Some("张三"), Some("张总"), Some(1_604_048_292_000))
    );
    assert_eq!(f.tags[0].kind, TagKind::Corp);
    assert_eq!(f.tags[0].id.as_deref(), Some("etDodGBwAA-rmc_3HDr84OnvfycgOQQQ"));
    assert_eq!(
        (f.tags[1].kind, f.tags[1].id.as_deref(), f.tags[1].name.as_str()),
        (TagKind::Personal, None, "个人标签名")
    );
}

#[tokio::test]
async fn unknown_customer_is_none_and_check_passes() {
    let sim = Sim::start().await;
    let client = sim.client();
    client.check().await.unwrap();
    assert_unknown(
        &client,
        CustomerLookup::by_external_id("wmNOSUCHCUSTOMERxxxxxxxxxxxxxxxx").with_rep("rocky"),
    )
    .await;
    // A universe customer that Juzibot does not hold is unknown here too.
    let elsewhere = sim.universe.customers.iter().find(|p| !p.presence.juzi).unwrap();
    assert_unknown(&client, CustomerLookup::by_external_id(&elsewhere.external_user_id)).await;
    let raw = sim.get_raw(DETAIL, &[]).await;
    assert_eq!(raw["errcode"], juzi::BAD_REQUEST_ERRCODE, "{raw}");
}

#[tokio::test]
async fn pages_walk_every_customer_once() {
    let sim = Sim::start().await;
    let client = sim.client();
    let expected = sim.juzi_count();
    let mut seen = BTreeSet::new();
    let mut cursor = None;
    let mut pages = 0;
    loop {
        let page = client.list_customers(&list_query(None, cursor.clone(), 7)).await.unwrap();
        assert_eq!(page.total, Some(expected as u64));
        assert!(page.items.len() <= 7);
        for c in &page.items {
            assert!(seen.insert(c.external_user_id.clone().unwrap()), "duplicate across pages");
        }
        pages += 1;
        match page.next {
            Some(next) => {
                assert_eq!(next, (pages + 1).to_string(), "next is the next page number");
                cursor = Some(next);
            }
            None => break,
        }
    }
    assert_eq!(seen.len(), expected);
    assert_eq!(pages, expected.div_ceil(7));
    assert!(seen.contains(SEED_EXTERNAL));

    // A rep's own customers only.
    let page = client.list_customers(&list_query(Some("rocky".into()), None, 1000)).await.unwrap();
    assert!(!page.items.is_empty());
    assert!(page.items.iter().all(|c| c.follow_users.iter().any(|f| f.user_id == "rocky")));
    assert!(page.total.unwrap() < expected as u64);
    assert_eq!(page.next, None);

    // Oversized requests are lowered to the documented 1000; the hub refuses more.
    let page = client.list_customers(&list_query(None, None, 5000)).await.unwrap();
    assert_eq!(page.items.len(), expected.min(1000));
    let raw = sim.get_raw(LIST, &[("current", "1"), ("pageSize", "1001")]).await;
    assert_eq!(raw["errcode"], juzi::BAD_REQUEST_ERRCODE, "{raw}");
    let raw = sim.get_raw(LIST, &[("current", "1000"), ("pageSize", "10")]).await;
    assert_eq!(raw["data"], json!([]));
    let err = client
        .customer_page(&ListQuery {
            current: 1,
            page_size: 1001,
            user_id: None,
        })
        .await
        .unwrap_err();
    assert_eq!(err.kind, VendorErrorKind::InvalidInput);
    let err = client.list_customers(&list_query(None, Some("abc".into()), 10)).await.unwrap_err();
    assert_eq!(err.kind, VendorErrorKind::InvalidInput);
}

#[tokio::test]
async fn tag_groups_come_from_the_universe() {
    let sim = Sim::start().await;
    let groups = sim.client().tag_list(false).await.unwrap();
    assert_eq!(groups.len(), sim.universe.tag_groups.len());
    for (g, u) in groups.iter().zip(&sim.universe.tag_groups) {
        assert_eq!(
            (g.id.as_str(), g.name.as_str(), g.create_timestamp, g.order),
            (u.group_id.as_str(), u.name.as_str(), Some(u.created_ms), Some(i64::from(u.order)))
        );
        assert_eq!(
            g.tags.iter().map(|t| t.id.as_str()).collect::<Vec<_>>(),
            u.tags.iter().map(|t| t.tag_id.as_str()).collect::<Vec<_>>()
        );
    }
    assert!(
        groups
            .iter()
            .flat_map(|g| &g.tags)
            .any(|t| t.id == "etDodGBwAA-rmc_3HDr84OnvfycgOQQQ" && t.name == "标签名")
    );
    assert_eq!(sim.client().tag_list(true).await.unwrap(), groups);
    assert_eq!(sim.requests(TAG_LIST).await, 2);
}

#[tokio::test]
async fn wrong_token_is_auth_rejected_without_leaking_it() {
    let sim = Sim::start().await;
    let client = sim.client_with("wrong-token-value", Duration::from_secs(5));
    let err = client.check().await.unwrap_err();
    assert_eq!(err.kind, VendorErrorKind::AuthRejected);
    assert_eq!(err.code, Some(juzi::AUTH_ERRCODE));
    let text = format!("{err} {err:?}");
    assert!(!text.contains("wrong-token-value") && !text.contains(TOKEN), "{text}");
    assert_eq!(sim.requests(LIST).await, 1, "auth failures are not retried");
    let err = client.set_remark(&seed_target(), Some("王总"), None).await.unwrap_err();
    assert_eq!(err.kind, VendorErrorKind::AuthRejected);
    assert_eq!(sim.remarks(SEED_UNION, "rocky").await, Value::Null, "nothing stored");
    let err = client.tag_list(false).await.unwrap_err();
    assert_eq!(err.kind, VendorErrorKind::AuthRejected);
}

// ---------------------------------------------------------------------------------------
// Writes

#[tokio::test]
async fn remark_is_stored_and_visible_in_later_reads() {
    let sim = Sim::start().await;
    let client = sim.client();
    client
        .set_remark(&seed_target(), Some("李总👍"), Some("关注价格，下周回访"))
        .await
        .unwrap();
    let c = client
        .customer(&CustomerLookup::by_external_id(SEED_EXTERNAL))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c.follow_users[0].remark.as_deref(), Some("李总👍"));
    let page = client.list_customers(&list_query(Some("rocky".into()), None, 1000)).await.unwrap();
    let listed = page
        .items
        .iter()
        .find(|c| c.external_user_id.as_deref() == Some(SEED_EXTERNAL))
        .unwrap();
    assert_eq!(listed.follow_users[0].remark.as_deref(), Some("李总👍"));
    assert_eq!(
        sim.remarks(SEED_UNION, "rocky").await,
        json!({"remark": "李总👍", "description": "关注价格，下周回访"})
    );
    // A description-only edit keeps the remark.
    client.set_remark(&seed_target(), None, Some("已报价")).await.unwrap();
    assert_eq!(
        sim.remarks(SEED_UNION, "rocky").await,
        json!({"remark": "李总👍", "description": "已报价"})
    );
}

#[tokio::test]
async fn set_remark_with_one_over_long_item_fails_only_that_item() {
    let sim = Sim::start().await;
    let writable = sim.writable();
    let (a, a_reps) = &writable[0];
    let (b, b_reps) = &writable[1];
    let (c, c_reps) = &writable[2];
    let (ua, ub, uc) = (
        a.union_id.clone().unwrap(),
        b.union_id.clone().unwrap(),
        c.union_id.clone().unwrap(),
    );
    let too_long = "超".repeat(21);

    // Straight to the hub: the simulator enforces the documented limits itself.
    let body = json!({"remark_list": [
        {"userId": a_reps[0], "unionId": ua, "remark": "甲总"},
        {"userId": b_reps[0], "unionId": ub, "remark": too_long},
        {"userId": c_reps[0], "unionId": uc, "description": "描".repeat(151)},
        {"userId": c_reps[0], "unionId": uc, "remark": "丙总", "description": "描述"},
    ]});
    let raw = sim.post_raw(SET_REMARK, &body).await;
    assert_eq!(raw["errcode"], 0, "{raw}");
    let fails = raw["fail_list"].as_array().unwrap();
    assert_eq!(fails.len(), 2, "{raw}");
    assert_eq!(
        (fails[0]["unionId"].as_str(), fails[0]["errcode"].as_str()),
        (Some(ub.as_str()), Some("-1"))
    );
    assert_eq!(fails[0]["errmsg"], "remark exceed the limit");
    assert_eq!(
        (fails[1]["unionId"].as_str(), fails[1]["errcode"].as_str()),
        (Some(uc.as_str()), Some("-2"))
    );
    assert_eq!(sim.remarks(&ua, &a_reps[0]).await["remark"], "甲总");
    assert_eq!(sim.remarks(&ub, &b_reps[0]).await, Value::Null);
    assert_eq!(sim.remarks(&uc, &c_reps[0]).await, json!({"remark": "丙总", "description": "描述"}));

    // Through the client: the over-long item is refused locally, a pair the hub does not know
    // is rejected by it (WeCom 84061), the rest are applied, all in one call.
    let stranger = sim
        .universe
        .reps
        .iter()
        .map(|r| r.user_id.clone())
        .find(|u| !a_reps.contains(u))
        .unwrap();
    let items = vec![
        RemarkItem {
            user_id: a_reps[0].clone(),
            union_id: ua.clone(),
            remark: Some("甲总2".into()),
            description: None,
        },
        RemarkItem {
            user_id: b_reps[0].clone(),
            union_id: ub.clone(),
            remark: Some(too_long.clone()),
            description: None,
        },
        RemarkItem {
            user_id: stranger.clone(),
            union_id: ua.clone(),
            remark: Some("不相识".into()),
            description: None,
        },
        RemarkItem {
            user_id: c_reps[0].clone(),
            union_id: uc.clone(),
            remark: Some("丙总2".into()),
            description: None,
        },
    ];
    let before = sim.requests(SET_REMARK).await;
    let out = sim.client().set_remarks(&items).await;
    assert_eq!(sim.requests(SET_REMARK).await, before + 1);
    assert!(out[0].is_applied(), "{out:?}");
    assert!(
        matches!(&out[1], ItemOutcome::Refused(e) if e.kind == VendorErrorKind::InvalidInput),
        "{out:?}"
    );
    let ItemOutcome::Rejected(e) = &out[2] else { panic!("{out:?}") };
    assert_eq!(
        (e.kind, e.code, e.vendor_message.as_deref()),
        (VendorErrorKind::Upstream, Some(84061), Some("not external contact"))
    );
    assert!(out[3].is_applied(), "{out:?}");
    assert_eq!(sim.remarks(&ua, &a_reps[0]).await["remark"], "甲总2");
    assert_eq!(sim.remarks(&uc, &c_reps[0]).await["remark"], "丙总2");
    assert_eq!(sim.remarks(&ua, &stranger).await, Value::Null);
}

#[tokio::test]
async fn batches_are_split_at_the_documented_sizes() {
    let sim = Sim::start().await;
    let writable = sim.writable();
    let remarks: Vec<RemarkItem> = (0..51)
        .map(|i| {
            let (p, reps) = &writable[i % writable.len()];
            RemarkItem {
                user_id: reps[0].clone(),
                union_id: p.union_id.clone().unwrap(),
                remark: Some(format!("客户{i}")),
                description: None,
            }
        })
        .collect();
    let out = sim.client().set_remarks(&remarks).await;
    assert!(out.iter().all(ItemOutcome::is_applied), "{out:?}");
    assert_eq!(sim.requests(SET_REMARK).await, 2, "51 remarks need two calls of ≤ 50");

    let (p, reps) = &writable[0];
    let union_id = p.union_id.clone().unwrap();
    let follows: Vec<FollowItem> = (0..501)
        .map(|i| FollowItem {
            union_id: union_id.clone(),
            user_id: reps[0].clone(),
            text: vec![FollowText {
                content: format!("第{i}次跟进"),
                timestamp: Some(1_700_000_000 + i),
            }],
        })
        .collect();
    let out = sim.client().add_follows(&follows).await;
    assert!(out.iter().all(ItemOutcome::is_applied));
    assert_eq!(sim.requests(ADD_FOLLOW).await, 2, "501 notes need two calls of ≤ 500");
    let stored = sim.follows(&union_id, &reps[0]).await;
    assert_eq!(stored.len(), 501);
    assert_eq!(stored[500]["content"], "第500次跟进");

    // The hub itself refuses oversized batches.
    let raw = sim
        .post_raw(
            SET_REMARK,
            &json!({"remark_list": vec![json!({"userId": "rocky", "unionId": SEED_UNION, "remark": "x"}); 51]}),
        )
        .await;
    assert_eq!(raw["errcode"], juzi::BAD_REQUEST_ERRCODE, "{raw}");
    let item = json!({"userId": reps[0], "unionId": union_id, "text": [{"content": "x"}]});
    let raw = sim.post_raw(ADD_FOLLOW, &json!({"follow_list": vec![item; 501]})).await;
    assert_eq!(raw["errcode"], juzi::BAD_REQUEST_ERRCODE, "{raw}");
    assert_eq!(
        sim.follows(&union_id, &reps[0]).await.len(),
        501,
        "nothing of the refused batch was stored"
    );
}

#[tokio::test]
async fn follow_up_is_delivered_exactly_once_in_seconds() {
    let sim = Sim::start().await;
    let at_ms = 1_767_225_600_123; // 2026-01-01 08:00:00.123 +08:00
    let receipt = sim
        .client()
        .add_follow_up(&seed_target(), "电话沟通，客户关注价格 📞", at_ms)
        .await
        .unwrap();
    assert_eq!(receipt.vendor_record_id, None);
    let stored = sim.follows(SEED_UNION, "rocky").await;
    assert_eq!(
        stored,
        vec![json!({"unionId": SEED_UNION, "userId": "rocky", "content": "电话沟通，客户关注价格 📞", "timestamp": 1_767_225_600})]
    );
    assert_eq!(sim.requests(ADD_FOLLOW).await, 1);

    // Items the hub cannot deliver come back in fail_list, echoed.
    let raw = sim
        .post_raw(
            ADD_FOLLOW,
            &json!({"follow_list": [
                {"unionId": SEED_UNION, "userId": "nobody", "text": [{"content": "丢失"}]},
                {"unionId": SEED_UNION, "userId": "rocky", "text": [{"content": "第二条", "timestamp": 1602667647}]},
            ]}),
        )
        .await;
    assert_eq!(
        raw["fail_list"],
        json!([{"unionId": SEED_UNION, "userId": "nobody", "text": [{"content": "丢失"}]}]),
        "{raw}"
    );
    assert_eq!(sim.follows(SEED_UNION, "rocky").await.len(), 2);
    let err = sim
        .client()
        .add_follow_up(
            &CustomerRef {
                rep_user_id: "nobody".into(),
                ..seed_target()
            },
            "丢失",
            at_ms,
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind, VendorErrorKind::Upstream);
    assert!(sim.follows(SEED_UNION, "nobody").await.is_empty());

    // Reading notes back is not something Juzibot offers.
    let c = sim
        .client()
        .customer(&CustomerLookup::by_external_id(SEED_EXTERNAL))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(sim.client().follow_ups(&c).await.unwrap_err().kind, VendorErrorKind::Unsupported);
    assert_eq!(
        sim.client().list_clues(None, 10).await.unwrap_err().kind,
        VendorErrorKind::Unsupported
    );
}

#[tokio::test]
async fn client_validation_refuses_before_sending() {
    let sim = Sim::start().await;
    let client = sim.client();
    let err = client.set_remark(&seed_target(), Some(&"张".repeat(21)), None).await.unwrap_err();
    assert_eq!(err.kind, VendorErrorKind::InvalidInput);
    assert!(err.detail.contains("before sending"), "{err}");
    let err = client.set_remark(&seed_target(), None, Some(&"🙂".repeat(151))).await.unwrap_err();
    assert_eq!(err.kind, VendorErrorKind::InvalidInput);
    let err = client.set_remark(&seed_target(), Some(""), None).await.unwrap_err();
    assert_eq!(err.kind, VendorErrorKind::InvalidInput);
    let err = client.add_follow_up(&seed_target(), "   ", 1_767_225_600_000).await.unwrap_err();
    assert_eq!(err.kind, VendorErrorKind::InvalidInput);

    let no_union = sim
        .universe
        .customers
        .iter()
        .find(|p| p.presence.juzi && p.union_id.is_none())
        .expect("a WeCom-type customer without unionId");
    let rep = sim.universe.reps[no_union.follows[0].rep].user_id.clone();
    let err = client.set_remark(&target(no_union, &rep), Some("王总"), None).await.unwrap_err();
    assert_eq!(err.kind, VendorErrorKind::Unsupported);
    assert!(err.detail.contains("unionId"), "{err}");
    let err = client
        .add_follow_up(&target(no_union, &rep), "note", 1_767_225_600_000)
        .await
        .unwrap_err();
    assert_eq!(err.kind, VendorErrorKind::Unsupported);

    assert_eq!(sim.requests(SET_REMARK).await, 0, "nothing reached the hub");
    assert_eq!(sim.requests(ADD_FOLLOW).await, 0, "nothing reached the hub");
    assert!(sim.follows(SEED_UNION, "rocky").await.is_empty());
    assert_eq!(sim.remarks(SEED_UNION, "rocky").await, Value::Null);
}

// ---------------------------------------------------------------------------------------
// Faults

#[tokio::test]
async fn latency_is_tolerated() {
    let sim = Sim::start().await;
    sim.set_faults(FaultPlan {
        latency_ms: 150,
        ..FaultPlan::default()
    })
    .await;
    let started = Instant::now();
    sim.client().check().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(150));
}

#[tokio::test]
async fn hang_times_out() {
    let sim = Sim::start().await;
    sim.set_faults(FaultPlan {
        hang: true,
        ..FaultPlan::default()
    })
    .await;
    let client = sim.client_with(TOKEN, Duration::from_millis(300));
    let started = Instant::now();
    let err = client.check().await.unwrap_err();
    assert_eq!(err.kind, VendorErrorKind::Timeout);
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
    assert_eq!(sim.requests(LIST).await, 3, "reads are retried after a timeout");
    let err = client
        .add_follow_up(&seed_target(), "超时的跟进", 1_767_225_600_000)
        .await
        .unwrap_err();
    assert_eq!(err.kind, VendorErrorKind::Timeout);
    assert_eq!(sim.requests(ADD_FOLLOW).await, 1, "a write that timed out is not repeated");
}

#[tokio::test]
async fn server_errors_retry_reads_but_not_writes() {
    let sim = Sim::start().await;
    sim.set_faults(FaultPlan {
        error: Some(InjectedError::Status(503)),
        ..FaultPlan::default()
    })
    .await;
    let client = sim.client();
    let err = client.customer(&CustomerLookup::by_external_id(SEED_EXTERNAL)).await.unwrap_err();
    assert_eq!((err.kind, err.code), (VendorErrorKind::Upstream, Some(503)));
    assert_eq!(sim.requests(DETAIL).await, 3, "one read plus two retries");
    let err = client.set_remark(&seed_target(), Some("王总"), None).await.unwrap_err();
    assert_eq!((err.kind, err.code), (VendorErrorKind::Upstream, Some(503)));
    assert_eq!(sim.requests(SET_REMARK).await, 1, "writes are not retried");
    let err = client.add_follow_up(&seed_target(), "跟进", 1_767_225_600_000).await.unwrap_err();
    assert_eq!(err.kind, VendorErrorKind::Upstream);
    assert_eq!(sim.requests(ADD_FOLLOW).await, 1);

    // Half the requests fail: a read gets through on retry.
    sim.set_faults(FaultPlan {
        error: Some(InjectedError::Status(502)),
        rate: Some(0.5),
        ..FaultPlan::default()
    })
    .await;
    client.check().await.unwrap();

    // A business error in the envelope is classified by the errcode table.
    sim.set_faults(FaultPlan {
        error: Some(InjectedError::Code {
            code: 500,
            message: "系统繁忙".into(),
        }),
        ..FaultPlan::default()
    })
    .await;
    let err = client.tag_list(false).await.unwrap_err();
    assert_eq!(
        (err.kind, err.code, err.vendor_message.as_deref()),
        (VendorErrorKind::Upstream, Some(500), Some("系统繁忙"))
    );
}

#[tokio::test]
async fn malformed_replies_are_undecodable() {
    let sim = Sim::start().await;
    sim.set_faults(FaultPlan {
        malformed: true,
        ..FaultPlan::default()
    })
    .await;
    let client = sim.client();
    let err = client.list_customers(&list_query(None, None, 10)).await.unwrap_err();
    assert_eq!(err.kind, VendorErrorKind::Undecodable);
    assert_eq!(sim.requests(LIST).await, 3, "reads are retried");
    let err = client.add_follow_up(&seed_target(), "跟进", 1_767_225_600_000).await.unwrap_err();
    assert_eq!(err.kind, VendorErrorKind::Undecodable);
    assert_eq!(sim.requests(ADD_FOLLOW).await, 1);
}
