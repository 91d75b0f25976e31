//! The real Tanma client against the Tanma simulator over HTTP on loopback: every endpoint,
//! the seed records round trip, signature and clock checks, and every injected fault.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use app::domain::{FieldValue, FollowUpKind, Gender, VendorErrorKind};
use axum::extract::Request;
use axum::middleware::Next;
use salesdesk::simulators::dataset::{self, seeds};
use salesdesk::simulators::faults::{FaultPlan, Faults, InjectedError};
use salesdesk::simulators::{serve, tanma};
use salesdesk::vendors::tanma::settings::TanmaSettings;
use salesdesk::vendors::tanma::wire::{
    ClueDetail, ClueListRequest, CustomerSearchRequest, Envelope, FollowUpListRequest, QwCustomerDetail, QwFollowRecord,
};
use salesdesk::vendors::tanma::{TanmaClient, client::decode_envelope};
use salesdesk::vendors::time::{format_beijing, parse_beijing};
use salesdesk::vendors::{CustomerLookup, HttpPolicy, VendorAdapter};
use secrecy::SecretString;
use serde_json::Value;
use url::Url;

use common::simulator::{Running, assert_unknown, fast_policy, json_reply, list_query, tanma_sign};

const APP_ID: &str = "tm-test-app";
const APP_KEY: &str = "tm-test-key-0123456789abcdef";

const QW_DETAILS_RESPONSE: &str = include_str!("../fixtures/tanma_qw_details_response.json");
const FOLLOW_RESPONSE: &str = include_str!("../fixtures/tanma_qw_follow_list_response.json");
const CLUE_RESPONSE: &str = include_str!("../fixtures/tanma_clue_get_response.json");

// Paths as the vendor pages and VENDORS.md give them (not the client's constants).
const ECHO: &str = "/api/v3/echo";
const QW_DETAILS: &str = "/api/v2/customer/qw-details";
const QW_FOLLOW_LIST: &str = "/api/v2/customer/follow/qw-list-by-customer";
const CLUE_GET: &str = "/api/v3/clue/get";
const TAGS_TREE: &str = "/api/v3/tags/list-tree";
const PROFILE_FIELDS: &str = "/api/v3/profile-fields";
const CUSTOMER_SEARCH: &str = "/api/v3/customer/search";

type Counts = Arc<Mutex<BTreeMap<String, usize>>>;

struct Sim {
    run: Running,
    faults: Faults,
    /// Requests that reached the simulator, by path (including faulted ones).
    counts: Counts,
}

impl std::ops::Deref for Sim {
    type Target = Running;
    fn deref(&self) -> &Running {
        &self.run
    }
}

impl Sim {
    async fn start() -> Sim {
        let universe = common::simulator::universe(Some(now_ms()));
        let faults = Faults::new(FaultPlan::default(), tanma::error_envelope);
        let config = tanma::TanmaSimConfig {
            app_id: APP_ID.into(),
            app_key: SecretString::from(APP_KEY),
            max_clock_skew: Duration::from_secs(300),
        };
        let counts: Counts = Arc::default();
        let seen = counts.clone();
        let router =
            tanma::router(universe.clone(), config, faults.clone()).layer(axum::middleware::from_fn(move |req: Request, next: Next| {
                let seen = seen.clone();
                async move {
                    *seen.lock().unwrap().entry(req.uri().path().to_string()).or_default() += 1;
                    next.run(req).await
                }
            }));
        Sim {
            run: Running::serve(universe, router).await,
            faults,
            counts,
        }
    }

    fn settings(&self, app_id: &str, key: &str, policy: HttpPolicy) -> TanmaSettings {
        TanmaSettings {
            base_url: Url::parse(&format!("http://{}{}", self.addr, tanma::BASE_PATH)).unwrap(),
            app_id: app_id.into(),
            app_key: SecretString::from(key),
            send_app_key_header: false,
            http: policy,
        }
    }

    fn client(&self) -> TanmaClient {
        TanmaClient::new(self.settings(APP_ID, APP_KEY, fast_policy())).unwrap()
    }

    fn count(&self, path: &str) -> usize {
        let full = format!("{}{path}", tanma::BASE_PATH);
        self.counts.lock().unwrap().get(&full).copied().unwrap_or(0)
    }

    /// A POST signed here by the documented rule at `timestamp_ms`, returning the raw envelope.
    async fn raw(&self, path: &str, body: &str, key: &str, timestamp_ms: i64) -> Value {
        let timestamp = timestamp_ms.to_string();
        let sign = tanma_sign(APP_ID, &timestamp, body.as_bytes(), key);
        self.post_signed(path, &timestamp, &sign, body).await
    }

    /// A POST with the given `timestamp` and `sign` headers.
    async fn post_signed(&self, path: &str, timestamp: &str, sign: &str, body: &str) -> Value {
        let request = reqwest::Client::new()
            .post(self.url(&format!("{}{path}", tanma::BASE_PATH)))
            .header("appId", APP_ID)
            .header("timestamp", timestamp)
            .header("sign", sign)
            .header("Content-Type", "application/json")
            .body(body.to_string());
        json_reply(request).await
    }

    fn tanma_customers(&self) -> impl Iterator<Item = &dataset::Person> {
        self.universe.customers.iter().filter(|p| p.presence.tanma)
    }
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn fixture_data(text: &str) -> Value {
    serde_json::from_str::<Value>(text).unwrap()["data"].clone()
}

// ---------------------------------------------------------------------------------------
// Seed records

#[tokio::test]
async fn seed_000_customer_round_trips_exactly() {
    let sim = Sim::start().await;
    let client = sim.client();
    let expected: Envelope<Vec<QwCustomerDetail>> = serde_json::from_str(QW_DETAILS_RESPONSE).unwrap();
    let got = client
        .qw_details(seeds::SEED000_EXTERNAL_USER_ID, seeds::SEED000_REP)
        .await
        .unwrap();
    assert_eq!(got, expected.data.unwrap());

    // The bytes on the wire, not just the parsed values, match the seed's `data`.
    let body = r#"{"externalUserId":"wmPBvlDQAAAtqjxUNvuEL5CRio1NWNXA","qwUserId":"LiuFuLai"}"#;
    let raw = sim.raw(QW_DETAILS, body, APP_KEY, now_ms()).await;
    assert_eq!(raw["code"], 0);
    assert_eq!(raw["message"], "success");
    assert_eq!(raw["data"], fixture_data(QW_DETAILS_RESPONSE));

    // Through the adapter, with and without the rep.
    let by_id = CustomerLookup::by_external_id(seeds::SEED000_EXTERNAL_USER_ID);
    for lookup in [by_id.clone().with_rep(seeds::SEED000_REP), by_id] {
        let c = client.customer(&lookup).await.unwrap().expect("seed customer");
        assert_eq!(c.name.as_deref(), Some("大刘a"));
        assert_eq!(c.stage.as_deref(), Some("需求确定11"));
        assert_eq!(c.corp_name.as_deref(), Some("hja"));
        assert_eq!(c.gender, Gender::Male);
        assert_eq!(c.mobiles, vec!["158xxxxxxxx", "123xxxxxxxx"]);
        assert_eq!(c.follow_users.len(), 1);
        assert_eq!(c.follow_users[0].user_id, "LiuFuLai");
        assert_eq!(c.custom_fields.len(), 8);
    }
}

#[tokio::test]
async fn seed_001_follow_records_round_trip_exactly() {
    let sim = Sim::start().await;
    let client = sim.client();
    let expected: Envelope<Vec<QwFollowRecord>> = serde_json::from_str(FOLLOW_RESPONSE).unwrap();
    let got = client.qw_follow_records(seeds::SEED000_EXTERNAL_USER_ID).await.unwrap();
    assert_eq!(got, expected.data.unwrap());
    let body = r#"{"externalUserId":"wmPBvlDQAAAtqjxUNvuEL5CRio1NWNXA"}"#;
    let raw = sim.raw(QW_FOLLOW_LIST, body, APP_KEY, now_ms()).await;
    assert_eq!(raw["data"], fixture_data(FOLLOW_RESPONSE));

    // Mapped: newest first, the rep's note on top, change logs kept verbatim.
    let customer = client
        .customer(&CustomerLookup::by_external_id(seeds::SEED000_EXTERNAL_USER_ID).with_rep(seeds::SEED000_REP))
        .await
        .unwrap()
        .unwrap();
    let entries = client.follow_ups(&customer).await.unwrap();
    assert_eq!(entries.len(), 22);
    assert_eq!(entries[0].id, "2322");
    assert_eq!(entries[0].kind, FollowUpKind::Note { text: "qq".into() });
    assert_eq!(Some(entries[0].at), parse_beijing("2020-12-02 15:19:20"));
    assert_eq!(entries[21].id, "2263");
    assert!(entries.windows(2).all(|w| w[0].at >= w[1].at));
    assert!(entries.contains(&app::domain::FollowUpEntry {
        vendor: app::domain::VendorId::Tanma,
        id: "2286".into(),
        author_user_id: Some("LiuFuLai".into()),
        author_name: None,
        at: parse_beijing("2020-12-02 12:57:59").unwrap(),
        kind: FollowUpKind::Change {
            text: "将销售阶段:丢单 改为: 方案报价".into()
        },
    }));
}

#[tokio::test]
async fn seed_002_clue_round_trips_and_resolves_options() {
    let sim = Sim::start().await;
    let client = sim.client();
    let expected: Envelope<ClueDetail> = serde_json::from_str(CLUE_RESPONSE).unwrap();
    let got = client.clue_get(seeds::SEED002_CLUE_ID).await.unwrap();
    assert_eq!(got, expected.data);
    let raw = sim.raw(CLUE_GET, r#"{"customerId":410983932389440}"#, APP_KEY, now_ms()).await;
    assert_eq!(raw["message"], "ok");
    assert_eq!(raw["data"], fixture_data(CLUE_RESPONSE));

    let clue = client.clue(&seeds::SEED002_CLUE_ID.to_string()).await.unwrap().unwrap();
    assert_eq!(clue.name.as_deref(), Some(seeds::SEED002_NAME));
    assert_eq!(clue.mobiles, vec![seeds::SEED002_MOBILE]);
    assert_eq!(clue.is_clue, Some(false));
    assert_eq!(clue.created_at, Some(seeds::SEED002_CREATE_TIME));
    let stage = clue.fields.iter().find(|f| f.key == "customer_stage").unwrap();
    assert_eq!(
        stage.value,
        FieldValue::Choice {
            id: seeds::SEED002_STAGE_OPTION.into(),
            label: Some(seeds::SEED002_STAGE_LABEL.into())
        }
    );
    assert_eq!(stage.label, "客户阶段");
    let source = clue.fields.iter().find(|f| f.key == "customer_source").unwrap();
    assert_eq!(source.value, FieldValue::Empty);

    // Unknown and malformed ids.
    assert_eq!(client.clue("8").await.unwrap(), None);
    let e = client.clue("abc").await.unwrap_err();
    assert_eq!(e.kind, VendorErrorKind::InvalidInput);
    let e = client.clue_get(8).await.unwrap_err();
    assert_eq!((e.kind, e.code), (VendorErrorKind::NotFound, Some(-1)));
}

// ---------------------------------------------------------------------------------------
// Endpoints

#[tokio::test]
async fn check_and_metadata_endpoints() {
    let sim = Sim::start().await;
    let client = sim.client();
    client.check().await.unwrap();
    let echoed = client.echo().await.unwrap();
    assert_eq!(echoed["message"], "salesdesk");

    let tree = client.tag_tree().await.unwrap();
    assert_eq!(tree.len(), sim.universe.tag_groups.len());
    let (group, tag) = (&sim.universe.tag_groups[0], &sim.universe.tag_groups[0].tags[0]);
    assert_eq!(tree[0].name, group.name);
    assert_eq!(tree[0].tags[0].id, tag.tanma_id.to_string());
    assert_eq!(tree[0].tags[0].qw_tag_id.as_deref(), Some(tag.tag_id.as_str()));

    let fields = client.profile_fields().await.unwrap();
    let ids: BTreeSet<&str> = fields.iter().map(|f| f.id.as_str()).collect();
    for id in ["680", "681", "682", "683", "684", "685", "686", "687"] {
        assert!(ids.contains(id), "{id}");
    }
    let stage = fields.iter().find(|f| f.alias.as_deref() == Some("customer_stage")).unwrap();
    assert!(
        stage
            .options
            .iter()
            .any(|o| o.id == seeds::SEED002_STAGE_OPTION && o.name == seeds::SEED002_STAGE_LABEL)
    );
}

#[tokio::test]
async fn metadata_is_cached_between_calls() {
    let sim = Sim::start().await;
    let client = sim.client();
    let id = seeds::SEED002_CLUE_ID.to_string();
    client.clue(&id).await.unwrap().unwrap();
    client.clue(&id).await.unwrap().unwrap();
    assert_eq!(sim.count(CLUE_GET), 2);
    assert_eq!(sim.count(TAGS_TREE), 1);
    assert_eq!(sim.count(PROFILE_FIELDS), 1);

    // With no cache lifetime every mapping reloads.
    let uncached = TanmaClient::with_metadata_ttl(sim.settings(APP_ID, APP_KEY, fast_policy()), Duration::ZERO).unwrap();
    uncached.clue(&id).await.unwrap().unwrap();
    uncached.clue(&id).await.unwrap().unwrap();
    assert_eq!(sim.count(TAGS_TREE), 3);
}

#[tokio::test]
async fn list_customers_pages_through_a_rep_and_everyone() {
    let sim = Sim::start().await;
    let client = sim.client();

    // The rep with the most Tanma relations.
    let mut per_rep: BTreeMap<usize, BTreeSet<String>> = BTreeMap::new();
    for p in sim.tanma_customers() {
        for rel in &p.follows {
            per_rep.entry(rel.rep).or_default().insert(p.external_user_id.clone());
        }
    }
    let (rep, expected) = per_rep.iter().max_by_key(|(_, s)| s.len()).unwrap();
    let rep_id = sim.universe.reps[*rep].user_id.clone();
    assert!(expected.len() > 5, "a busy rep pages");

    let mut seen = Vec::new();
    let mut cursor = None;
    let mut pages = 0;
    loop {
        let page = client
            .list_customers(&list_query(Some(rep_id.clone()), cursor.clone(), 5))
            .await
            .unwrap();
        pages += 1;
        assert!(page.items.len() <= 5);
        for c in &page.items {
            assert_eq!(c.follow_users[0].user_id, rep_id);
            assert!(c.vendor_customer_id.is_some());
            assert!(c.stage.is_some());
            seen.push(c.external_user_id.clone().unwrap());
        }
        match page.next {
            Some(n) => cursor = Some(n),
            None => break,
        }
    }
    assert_eq!(pages, expected.len().div_ceil(5));
    let unique: BTreeSet<String> = seen.iter().cloned().collect();
    assert_eq!(unique.len(), seen.len(), "no duplicates across pages");
    assert_eq!(&unique, expected);

    // Everyone: one row per relation.
    let relations: usize = sim.tanma_customers().map(|p| p.follows.len()).sum();
    let mut total = 0;
    let mut cursor = None;
    loop {
        let page = client.list_customers(&list_query(None, cursor, 100)).await.unwrap();
        total += page.items.len();
        cursor = page.next;
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(total, relations);

    let e = client.list_customers(&list_query(None, Some("x".into()), 10)).await.unwrap_err();
    assert_eq!(e.kind, VendorErrorKind::InvalidInput);
}

#[tokio::test]
async fn customer_without_rep_merges_every_relation() {
    let sim = Sim::start().await;
    let client = sim.client();
    let p = sim
        .tanma_customers()
        .find(|p| p.follows.len() >= 2)
        .expect("a customer with several reps");
    let c = client
        .customer(&CustomerLookup::by_external_id(&p.external_user_id))
        .await
        .unwrap()
        .unwrap();
    let reps: Vec<&str> = c.follow_users.iter().map(|u| u.user_id.as_str()).collect();
    let expected: Vec<&str> = p.follows.iter().map(|r| sim.universe.reps[r.rep].user_id.as_str()).collect();
    assert_eq!(reps, expected);
    assert_eq!(c.union_id, p.union_id);
    assert_eq!(c.name.as_deref(), Some(p.name.as_str()));
    assert_eq!(c.mobiles, p.mobiles);
    assert_eq!(c.follow_users[0].added_at, Some(p.follows[0].added_at_ms / 1000 * 1000));

    // Unknown customer, unknown relation.
    assert_unknown(&client, CustomerLookup::by_external_id("wmUnknownCustomer")).await;
    assert_unknown(&client, CustomerLookup::by_external_id(&p.external_user_id).with_rep("NoSuchRep")).await;
    let not_tanma = sim.universe.customers.iter().find(|p| !p.presence.tanma).unwrap();
    assert_unknown(&client, CustomerLookup::by_external_id(&not_tanma.external_user_id)).await;
}

#[tokio::test]
async fn customer_search_filters_by_key_role_and_id() {
    let sim = Sim::start().await;
    let client = sim.client();
    let p = sim.tanma_customers().find(|p| p.follows.len() >= 2).unwrap();
    let by_key = client
        .customer_search(&CustomerSearchRequest {
            search_key: Some(p.external_user_id.clone()),
            page_no: 1,
            page_size: 20,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(by_key.data.len(), p.follows.len());
    assert_eq!(by_key.total_page, Some(1));
    let owners = client
        .customer_search(&CustomerSearchRequest {
            search_key: Some(p.external_user_id.clone()),
            role: Some(1),
            page_no: 1,
            page_size: 20,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(owners.data.len(), 1);
    assert_eq!(
        owners.data[0].qw_sales_id.as_deref(),
        Some(sim.universe.reps[p.follows[0].rep].user_id.as_str())
    );
    let id: i64 = owners.data[0].customer_id.as_deref().unwrap().parse().unwrap();
    let by_id = client
        .customer_search(&CustomerSearchRequest {
            customer_id: Some(id),
            page_no: 1,
            page_size: 20,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(
        by_id
            .data
            .iter()
            .all(|r| r.external_user_id.as_deref() == Some(p.external_user_id.as_str()))
    );
    assert_eq!(by_id.data.len(), p.follows.len());
    // Custom-field values keyed by field id.
    assert_eq!(by_id.data[0].custom.get("684"), Some(&Value::String(p.stage.clone())));
}

#[tokio::test]
async fn list_clues_walks_every_tanma_clue_newest_first() {
    let sim = Sim::start().await;
    let client = sim.client();
    let mut expected: Vec<&dataset::ClueRecord> = sim.universe.clues.iter().filter(|c| c.in_tanma).collect();
    expected.sort_by_key(|c| std::cmp::Reverse((c.created_at_ms / 1000, c.customer_id)));
    let expected: Vec<String> = expected.iter().map(|c| c.customer_id.to_string()).collect();

    let mut got = Vec::new();
    let mut clues = Vec::new();
    let mut cursor = None;
    for _ in 0..200 {
        let page = client.list_clues(cursor.clone(), 25).await.unwrap();
        assert!(page.items.len() <= 25);
        got.extend(page.items.iter().map(|c| c.id.clone()));
        clues.extend(page.items);
        cursor = page.next;
        if cursor.is_none() {
            break;
        }
    }
    assert!(cursor.is_none(), "paging ends");
    assert_eq!(got, expected);
    assert!(got.contains(&seeds::SEED002_CLUE_ID.to_string()));

    // Retired option ids stay unresolved rather than shown as labels.
    let retired = clues
        .iter()
        .flat_map(|c| &c.fields)
        .find(|f| matches!(&f.value, FieldValue::Choice { id, .. } if dataset::RETIRED_OPTION_IDS.contains(&id.as_str())))
        .expect("some clue uses a retired option");
    assert!(matches!(retired.value, FieldValue::Choice { label: None, .. }));
    // Tag ids resolve to names through the tag tree.
    let tagged = clues.iter().find(|c| !c.tags.is_empty()).expect("a tagged clue");
    assert!(tagged.unresolved_tag_ids.is_empty());
    assert!(tagged.tags.iter().all(|t| t.group.is_some()));

    // The raw endpoint pages oldest first with nextCursor.
    let req = ClueListRequest {
        since: format_beijing(0),
        before: format_beijing(now_ms() + 1000),
        size: 10,
        cursor: None,
        kind: None,
    };
    let first = client.clue_list_asc(&req).await.unwrap();
    assert_eq!(first.list.len(), 10);
    assert_eq!(first.list[0].customer_id, seeds::SEED002_CLUE_ID, "the 2021 seed clue is oldest");
    let second = client
        .clue_list_asc(&ClueListRequest {
            cursor: first.next_cursor.clone(),
            ..req
        })
        .await
        .unwrap();
    assert!(second.list[0].create_time >= first.list[9].create_time);
}

#[tokio::test]
async fn follow_ups_by_tanma_id_match_the_v2_records() {
    let sim = Sim::start().await;
    let client = sim.client();
    let p = sim
        .tanma_customers()
        .find(|p| p.tanma.as_ref().is_some_and(|t| t.follows.len() > 3))
        .unwrap();
    let mut customer = client
        .customer(&CustomerLookup::by_external_id(&p.external_user_id))
        .await
        .unwrap()
        .unwrap();
    let v2 = client.follow_ups(&customer).await.unwrap();
    assert_eq!(v2.len(), p.tanma.as_ref().unwrap().follows.len());

    // The same customer known only by its Tanma id (as a search row gives it).
    let row = client
        .customer_search(&CustomerSearchRequest {
            search_key: Some(p.external_user_id.clone()),
            page_no: 1,
            page_size: 5,
            ..Default::default()
        })
        .await
        .unwrap();
    customer.external_user_id = None;
    customer.vendor_customer_id = row.data[0].customer_id.clone();
    let v3 = client.follow_ups(&customer).await.unwrap();
    let strip = |e: &app::domain::FollowUpEntry| (e.id.clone(), e.at, e.kind.clone(), e.author_user_id.clone());
    assert_eq!(v3.iter().map(strip).collect::<Vec<_>>(), v2.iter().map(strip).collect::<Vec<_>>());
    assert!(v3.iter().all(|e| e.author_name.is_some()));

    // A clue's follow-ups page with nextCursor.
    let clue = sim.universe.clues.iter().find(|c| c.in_tanma && c.follow_ups.len() >= 3).unwrap();
    let page = client
        .clue_follow_ups(&FollowUpListRequest {
            customer_id: clue.customer_id,
            size: 2,
            kind: None,
            cursor: None,
        })
        .await
        .unwrap();
    assert_eq!(page.list.len(), 2);
    assert!(page.next_cursor.is_some());
    let e = client
        .clue_follow_ups(&FollowUpListRequest {
            customer_id: 1,
            size: 2,
            kind: None,
            cursor: None,
        })
        .await
        .unwrap_err();
    assert_eq!(e.kind, VendorErrorKind::NotFound);
}

#[tokio::test]
async fn writes_are_unsupported() {
    let sim = Sim::start().await;
    let client = sim.client();
    let target = salesdesk::vendors::CustomerRef {
        external_user_id: Some(seeds::SEED000_EXTERNAL_USER_ID.into()),
        union_id: None,
        vendor_customer_id: None,
        rep_user_id: seeds::SEED000_REP.into(),
    };
    let e = client.set_remark(&target, Some("x"), None).await.unwrap_err();
    assert_eq!(e.kind, VendorErrorKind::Unsupported);
    let e = client.add_follow_up(&target, "x", now_ms()).await.unwrap_err();
    assert_eq!(e.kind, VendorErrorKind::Unsupported);
}

// ---------------------------------------------------------------------------------------
// Undocumented endpoints missing

#[tokio::test]
async fn without_customer_search_the_candidate_reps_find_the_customer() {
    let sim = Sim::start().await;
    let client = sim.client();
    sim.faults
        .set(FaultPlan {
            error: Some(InjectedError::Code {
                code: -1,
                message: "接口不存在".into(),
            }),
            path_contains: Some(CUSTOMER_SEARCH.into()),
            ..FaultPlan::default()
        })
        .await;
    let by_id = CustomerLookup::by_external_id(seeds::SEED000_EXTERNAL_USER_ID);
    // No candidate: Tanma cannot say who follows them, and says why.
    let e = client.customer(&by_id).await.unwrap_err();
    assert_eq!((e.kind, e.code), (VendorErrorKind::EndpointMissing, Some(-1)));
    assert_eq!(e.to_failure().feature, Some(app::domain::VendorFeature::CustomerList));
    // Candidates (unconfirmed): each is asked through qw-details; the wrong ones find nothing.
    let mut lookup = by_id.clone();
    lookup.reps = vec!["SomeoneElse".into(), seeds::SEED000_REP.into()];
    let c = client.customer(&lookup).await.unwrap().expect("found through a candidate");
    assert_eq!(c.name.as_deref(), Some(seeds::SEED000_NAME));
    assert_eq!(c.follow_users.len(), 1);
    // Candidates none of whom follows them: the search failure is the answer.
    lookup.reps = vec!["SomeoneElse".into()];
    assert_eq!(client.customer(&lookup).await.unwrap_err().kind, VendorErrorKind::EndpointMissing);
}

#[tokio::test]
async fn strict_mode_answers_undocumented_paths_as_missing_and_check_reports_per_endpoint() {
    let sim = Sim::start().await;
    let client = sim.client();
    sim.faults
        .set(FaultPlan {
            seed_endpoints_only: true,
            ..FaultPlan::default()
        })
        .await;
    let raw = sim.raw(ECHO, r#"{"message":"x"}"#, APP_KEY, now_ms()).await;
    assert_eq!((raw["code"].as_i64(), raw["message"].as_str()), (Some(-1), Some("接口不存在")));
    client.check().await.expect("the documented qw-details proves the credentials");
    let probes = client.check_endpoints().await;
    assert!(probes.iter().all(|p| !p.fails_check()), "{probes:?}");
    let optional_missing: Vec<_> = probes
        .iter()
        .filter(|p| p.endpoint.is_some_and(|e| !e.documented))
        .map(|p| p.outcome.error().map(|e| e.kind))
        .collect();
    assert_eq!(
        optional_missing,
        vec![Some(VendorErrorKind::EndpointMissing); 2],
        "echo and search: {probes:?}"
    );
    assert!(probes[0].endpoint.is_none() && matches!(probes[0].outcome, salesdesk::vendors::ProbeOutcome::Ok));

    let bad_key = TanmaClient::new(sim.settings(APP_ID, "not-the-key", fast_policy())).unwrap();
    let probes = bad_key.check_endpoints().await;
    assert!(probes[0].outcome.auth_rejected() && probes[0].fails_check(), "{probes:?}");
}

// ---------------------------------------------------------------------------------------
// Authentication

#[tokio::test]
async fn wrong_app_key_or_id_is_auth_rejected_without_retry() {
    let sim = Sim::start().await;
    let bad_key = TanmaClient::new(sim.settings(APP_ID, "not-the-key", fast_policy())).unwrap();
    let e = bad_key.check().await.unwrap_err();
    assert_eq!((e.kind, e.code), (VendorErrorKind::AuthRejected, Some(1002)));
    assert_eq!(e.vendor_message.as_deref(), Some("签名校验未通过"));
    assert!(!e.to_string().contains("not-the-key"));
    assert_eq!(sim.count(QW_DETAILS), 1, "auth failures are not retried");

    let bad_id = TanmaClient::new(sim.settings("someone-else", APP_KEY, fast_policy())).unwrap();
    let e = bad_id.check().await.unwrap_err();
    assert_eq!((e.kind, e.code), (VendorErrorKind::AuthRejected, Some(1002)));
}

#[tokio::test]
async fn stale_timestamp_is_rejected_with_1003() {
    let sim = Sim::start().await;
    let body = r#"{"customerId":410983932389440}"#;
    let fresh = sim.raw(CLUE_GET, body, APP_KEY, now_ms()).await;
    assert_eq!(fresh["code"], 0);
    let stale = sim.raw(CLUE_GET, body, APP_KEY, now_ms() - 10 * 60 * 1000).await;
    assert_eq!(stale["code"], 1003);
    let e = decode_envelope::<Value>(CLUE_GET, stale.to_string().as_bytes()).unwrap_err();
    assert_eq!((e.kind, e.code), (VendorErrorKind::AuthRejected, Some(1003)));
    assert!(e.detail.contains("clock"), "{}", e.detail);
    let future = sim.raw(CLUE_GET, body, APP_KEY, now_ms() + 10 * 60 * 1000).await;
    assert_eq!(future["code"], 1003);
    // A valid signature over different bytes is a signature failure.
    let ts = now_ms().to_string();
    let sign = tanma_sign(APP_ID, &ts, body.as_bytes(), APP_KEY);
    let tampered = sim.post_signed(CLUE_GET, &ts, &sign, r#"{"customerId":8}"#).await;
    assert_eq!(tampered["code"], 1002);
}

/// The test-side signer is the documented rule: checked against a digest computed in a shell.
#[test]
fn test_signer_matches_a_digest_computed_in_a_shell() {
    // printf '%s' 'app1231700000000000key456' | sha256sum
    assert_eq!(
        tanma_sign("app123", "1700000000000", b"", "key456"),
        "d51cb6db272a8e9203c3b202ee9b435ce8db721ad032c76c3defa2f4f48d5b6b"
    );
}

/// What the client puts on the wire, captured by a bare server: the signature covers the
/// exact body bytes sent, and the appKey header is sent only when configured.
#[tokio::test]
async fn requests_carry_signed_headers_over_the_exact_body() {
    type Seen = Arc<Mutex<Vec<(axum::http::HeaderMap, Vec<u8>)>>>;
    let seen: Seen = Arc::default();
    let capture = seen.clone();
    let router = axum::Router::new().fallback(move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
        let capture = capture.clone();
        async move {
            capture.lock().unwrap().push((headers, body.to_vec()));
            axum::Json(serde_json::json!({"code": 0, "message": "success", "data": []}))
        }
    });
    let (addr, _task) = serve(router, ([127, 0, 0, 1], 0).into()).await.unwrap();
    let mut settings = TanmaSettings {
        base_url: Url::parse(&format!("http://{addr}/apiServer")).unwrap(),
        app_id: APP_ID.into(),
        app_key: SecretString::from(APP_KEY),
        send_app_key_header: false,
        http: fast_policy(),
    };
    let client = TanmaClient::new(settings.clone()).unwrap();
    client.qw_details("wm客户", "大刘").await.unwrap();
    client.tag_tree().await.unwrap();
    settings.send_app_key_header = true;
    TanmaClient::new(settings).unwrap().tag_tree().await.unwrap();

    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 3);
    for (i, (headers, body)) in seen.iter().enumerate() {
        let h = |n: &str| headers.get(n).map(|v| v.to_str().unwrap().to_string());
        assert_eq!(h("appid").as_deref(), Some(APP_ID));
        assert_eq!(h("content-type").as_deref(), Some("application/json"));
        let ts = h("timestamp").unwrap();
        assert_eq!(ts.len(), 13);
        assert!((ts.parse::<i64>().unwrap() - now_ms()).abs() < 60_000);
        let expected = tanma_sign(APP_ID, &ts, body, APP_KEY);
        assert_eq!(h("sign"), Some(expected));
        assert_eq!(h("appkey").as_deref(), if i == 2 { Some(APP_KEY) } else { None });
    }
    assert_eq!(
        std::str::from_utf8(&seen[0].1).unwrap(),
        r#"{"externalUserId":"wm客户","qwUserId":"大刘"}"#
    );
    assert!(seen[1].1.is_empty(), "list-tree sends no body");
}

// ---------------------------------------------------------------------------------------
// Injected faults

#[tokio::test]
async fn latency_is_tolerated() {
    let sim = Sim::start().await;
    sim.faults
        .set(FaultPlan {
            latency_ms: 150,
            ..FaultPlan::default()
        })
        .await;
    let started = Instant::now();
    sim.client().check().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(150));
}

#[tokio::test]
async fn a_hang_times_out() {
    let sim = Sim::start().await;
    sim.faults
        .set(FaultPlan {
            hang: true,
            ..FaultPlan::default()
        })
        .await;
    let policy = HttpPolicy {
        request_timeout: Duration::from_millis(300),
        max_retries: 0,
        ..fast_policy()
    };
    let client = TanmaClient::new(sim.settings(APP_ID, APP_KEY, policy)).unwrap();
    let started = Instant::now();
    let e = client.check().await.unwrap_err();
    assert_eq!(e.kind, VendorErrorKind::Timeout);
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn http_502_is_upstream_and_reads_are_retried() {
    let sim = Sim::start().await;
    let client = sim.client();
    // Every request fails: one attempt plus two retries, then Upstream with the status.
    sim.faults
        .set(FaultPlan {
            error: Some(InjectedError::Status(502)),
            ..FaultPlan::default()
        })
        .await;
    let e = client.check().await.unwrap_err();
    assert_eq!((e.kind, e.code), (VendorErrorKind::Upstream, Some(502)));
    assert_eq!(sim.count(QW_DETAILS), 3);

    // Every second request fails (deterministic sampling: the 2nd, 4th, …): the second
    // call hits a 502 and succeeds on its retry.
    let sim = Sim::start().await;
    let client = sim.client();
    sim.faults
        .set(FaultPlan {
            error: Some(InjectedError::Status(502)),
            rate: Some(0.5),
            ..FaultPlan::default()
        })
        .await;
    client.check().await.unwrap();
    assert_eq!(sim.count(QW_DETAILS), 1);
    client.check().await.unwrap();
    assert_eq!(sim.count(QW_DETAILS), 3, "the failed attempt was retried");
    let stats = client.stats().snapshot();
    assert_eq!((stats.calls, stats.errors), (2, 0));
}

#[tokio::test]
async fn malformed_body_is_undecodable() {
    let sim = Sim::start().await;
    sim.faults
        .set(FaultPlan {
            malformed: true,
            ..FaultPlan::default()
        })
        .await;
    let e = sim.client().check().await.unwrap_err();
    assert_eq!(e.kind, VendorErrorKind::Undecodable);
}

#[tokio::test]
async fn business_error_codes_are_classified() {
    let sim = Sim::start().await;
    let client = sim.client();
    let cases = [
        (1002, "签名校验未通过", VendorErrorKind::AuthRejected, 1),
        (1003, "请求时间与服务器时间相差过大", VendorErrorKind::AuthRejected, 1),
        (40417, "请求参数验证失败：电话号码重复", VendorErrorKind::InvalidInput, 1),
        // Unclassified failures may be transient: reads retry them.
        (-1, "失败", VendorErrorKind::Upstream, 3),
        (50001, "系统繁忙", VendorErrorKind::Upstream, 3),
    ];
    for (code, message, kind, attempts) in cases {
        sim.faults
            .set(FaultPlan {
                error: Some(InjectedError::Code {
                    code,
                    message: message.into(),
                }),
                path_contains: Some("clue/get".into()),
                ..FaultPlan::default()
            })
            .await;
        let before = sim.count(CLUE_GET);
        let e = client.clue_get(seeds::SEED002_CLUE_ID).await.unwrap_err();
        assert_eq!((e.kind, e.code), (kind, Some(code)), "{message}");
        assert_eq!(e.vendor_message.as_deref(), Some(message));
        assert_eq!(sim.count(CLUE_GET) - before, attempts, "{code}");
    }
    // Only the filtered path is affected.
    client.check().await.unwrap();
}
