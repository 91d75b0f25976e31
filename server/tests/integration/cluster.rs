//! Several SalesDesk instances on one PostgreSQL: real `salesdesk` processes against the
//! simulated vendors (run here, in the test process, so they outlive the instances), behind a
//! loopback proxy that hands each connection to the next instance alive.
//!
//! - Notes sent through both instances while one is killed with `kill -9` are each delivered
//!   exactly once: the dead instance's claims lapse and the other verifies before resending.
//! - Only one instance crawls the vendors' lists; the others, and a restarted one, load the
//!   stored list without a vendor call; when the crawler dies another takes over within one
//!   refresh interval.
//!
//! They need PostgreSQL: `make test` runs this binary a second time with
//! `SALESDESK_TEST_DATABASE_URL` naming a throwaway server; without it they say so and pass.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use app::domain::{CustomerListing, Role, VendorUserIds, WriteOutcome};
use app::service::SalesDeskService;
use salesdesk::auth::{Auth, AuthSettings, SESSION_COOKIE, sessions, users};
use salesdesk::config::SimulatorFaults;
use salesdesk::demo::{self, DemoOptions, DemoVendors};
use salesdesk::services::Backend;
use salesdesk::services::customer_index::CUSTOMER_LIST;
use salesdesk::services::wiring::build_backend;
use salesdesk::simulators::dataset::Person;
use salesdesk::simulators::faults::FaultPlan;
use salesdesk::storage::users::NewUser;
use salesdesk::storage::{Location, Store, StoreOptions, leases, list_snapshots};
use salesdesk::vendors::HttpPolicy;
use salesdesk::vendors::juzi::client::PATH_CUSTOMER_LIST;
use secrecy::{ExposeSecret, SecretString};

use crate::common::instances::{Proxy, Server};

/// The simulated vendors, a fresh database with an admin signed in, and the settings every
/// instance starts with.
struct Cluster {
    sims: DemoVendors,
    store: Store,
    cookie: String,
    env: Vec<(&'static str, String)>,
    http: reqwest::Client,
}

async fn cluster(refresh_secs: u64) -> Option<Cluster> {
    let Some(url) = salesdesk::storage::test_database_url().await.expect("a test database") else {
        eprintln!("SALESDESK_TEST_DATABASE_URL is not set: the cluster tests need PostgreSQL (`make test` starts one)");
        return None;
    };
    let sims = simulators().await;
    let store = Store::connect(&StoreOptions {
        location: Location::Postgres(SecretString::from(url.clone())),
        outbox_lease: Duration::from_secs(5),
    })
    .await
    .expect("store");
    let cookie = crate::common::admin_session(&store).await;
    let weiling = sims.connections.weiling.clone().expect("weiling");
    let juzi = sims.connections.juzi.clone().expect("juzi");
    let env = vec![
        ("SALESDESK_DATABASE_URL", url),
        ("SALESDESK_OUTBOX_LEASE_SECS", "5".into()),
        ("SALESDESK_LIST_REFRESH_SECS", refresh_secs.to_string()),
        ("SALESDESK_WEILING_BASE_URL", weiling.base_url.to_string()),
        ("SALESDESK_WEILING_APP_ID", weiling.app_id.clone()),
        ("SALESDESK_WEILING_APP_SECRET", weiling.app_secret.expose_secret().to_string()),
        ("SALESDESK_WEILING_REQUEST_TIMEOUT_MS", "10000".into()),
        ("SALESDESK_WEILING_MAX_RETRIES", "0".into()),
        ("SALESDESK_JUZI_BASE_URL", juzi.base_url.to_string()),
        ("SALESDESK_JUZI_TOKEN", juzi.token.expose_secret().to_string()),
    ];
    Some(Cluster {
        sims,
        store,
        cookie,
        env,
        http: reqwest::Client::builder().timeout(Duration::from_secs(30)).build().expect("client"),
    })
}

impl Cluster {
    fn start(&self, name: &str) -> Server {
        Server::start(name, &self.env)
    }

    /// Posts a server function's form to `origin` as the admin.
    async fn post(&self, origin: SocketAddr, endpoint: &str, form: &[(&str, &str)]) -> Result<(u16, String), reqwest::Error> {
        let origin = format!("http://{origin}");
        let reply = self
            .http
            .post(format!("{origin}/api/{endpoint}"))
            .header("cookie", &self.cookie)
            .header("origin", &origin)
            .header("accept", "application/json")
            .form(form)
            .send()
            .await?;
        let status = reply.status().as_u16();
        Ok((status, reply.text().await?))
    }

    /// How many customer-list calls Juzibot has answered.
    async fn juzi_list_calls(&self) -> u64 {
        let counts: BTreeMap<String, u64> = self
            .http
            .get(format!("http://{}/__sim/juzi/requests", self.sims.addrs[2]))
            .send()
            .await
            .expect("simulator")
            .json()
            .await
            .expect("counts");
        counts.get(PATH_CUSTOMER_LIST).copied().unwrap_or(0)
    }

    /// The notes Weiling created for its customer `customer_id`, as often as each arrived.
    async fn weiling_notes(&self, customer_id: &str) -> Vec<String> {
        self.http
            .get(format!("http://{}/__sim/weiling/created_progress", self.sims.addrs[1]))
            .query(&[("customer_id", customer_id)])
            .send()
            .await
            .expect("simulator")
            .json()
            .await
            .expect("notes")
    }

    /// Until a crawl's customer list is stored.
    async fn wait_for_stored_list(&self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while list_snapshots::taken_at(&self.store, CUSTOMER_LIST)
            .await
            .expect("snapshot")
            .is_none()
        {
            assert!(Instant::now() < deadline, "no instance stored a customer list");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        // The other instances load it when told (milliseconds later).
        tokio::time::sleep(Duration::from_millis(500)).await;
    }

    /// The customer list as `instance` serves it.
    async fn list_total(&self, instance: SocketAddr) -> u64 {
        let (status, body) = self
            .post(instance, "customers", &[("query[page]", "1"), ("query[page_size]", "10")])
            .await
            .expect("customers");
        assert_eq!(status, 200, "{body}");
        serde_json::from_str::<CustomerListing>(&body).expect("a listing").total
    }
}

/// The three simulated vendors with 60 customers, run in the test process.
async fn simulators() -> DemoVendors {
    demo::start(DemoOptions {
        customers: 60,
        hostile: false,
        now_ms: None,
        faults: SimulatorFaults::default(),
        http: HttpPolicy::default(),
    })
    .await
    .expect("simulators")
}

/// A customer only Weiling knows: each note is one write, to Weiling, which lists follow-ups
/// (so a write whose instance died mid-send can be verified instead of resent).
fn weiling_only(sims: &DemoVendors) -> Person {
    sims.universe
        .customers
        .iter()
        .find(|p| p.presence.weiling && !p.presence.tanma && !p.presence.juzi)
        .expect("a Weiling-only customer")
        .clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notes_sent_through_two_instances_arrive_once_though_one_is_killed() {
    let Some(c) = cluster(300).await else { return };
    let person = weiling_only(&c.sims);
    let weiling_id = person.weiling.as_ref().expect("weiling profile").customer_id.clone();
    // Weiling takes 7 s per note, so writes are in flight when an instance dies — longer
    // than the 5 s lease: the live instance must renew its claims while it waits, or it
    // would take its own writes back and send them twice.
    c.sims
        .weiling_faults
        .set(FaultPlan {
            latency_ms: 7_000,
            path_contains: Some("progress/create".into()),
            ..Default::default()
        })
        .await;
    let a = c.start("instance-a");
    let b = c.start("instance-b");
    let proxy = Proxy::start(vec![a.addr, b.addr]).await;
    // The customer is known once the first crawl is stored (the other instance loads it).
    c.wait_for_stored_list().await;
    assert!(c.list_total(b.addr).await > 0 && c.list_total(a.addr).await > 0);

    let (cluster, entry) = (&c, proxy.addr);
    let mut accepted = Vec::new();
    let mut sent = Vec::new();
    let mut a = Some(a);
    for round in 0..4 {
        let notes: Vec<String> = (0..6).map(|i| format!("集群回访 第{round}轮 第{i}条")).collect();
        let requests = futures::future::join_all(notes.iter().enumerate().map(|(i, text)| {
            let token = format!("cluster-{round}-{i}");
            let key = person.external_user_id.clone();
            async move {
                cluster
                    .post(entry, "add_note", &[("key", key.as_str()), ("text", text), ("token", &token)])
                    .await
            }
        }));
        let replies = if round == 1 {
            // Mid-way, with this round's notes queued and in flight at Weiling: instance A dies.
            let kill = async {
                tokio::time::sleep(Duration::from_millis(1_000)).await;
                a.take().expect("instance A").kill_hard();
            };
            futures::join!(requests, kill).0
        } else {
            requests.await
        };
        for (text, reply) in notes.iter().zip(replies) {
            sent.push(text.clone());
            // Accepted: the instance answered with the queued write. A request cut by the kill
            // is not accepted (the rep sees an error), though it may still be delivered.
            if let Ok((200, body)) = &reply
                && serde_json::from_str::<WriteOutcome>(body).is_ok_and(|o| o.writes.len() == 1)
            {
                accepted.push(text.clone());
            }
        }
    }
    assert!(
        accepted.len() >= 15,
        "most notes are accepted: {} of {}",
        accepted.len(),
        sent.len()
    );

    // A's claims lapse after 5 s; B takes them over, checks Weiling and sends what is missing.
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let arrived = c.weiling_notes(&weiling_id).await;
        if accepted.iter().all(|t| arrived.contains(t)) {
            break;
        }
        let missing: Vec<&String> = accepted.iter().filter(|t| !arrived.contains(t)).collect();
        assert!(Instant::now() < deadline, "accepted notes never arrived: {missing:?}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    // The kill caught writes in flight: their claims lapsed and B took them over (verifying
    // each at Weiling before sending again).
    assert!(
        !b.logged("took over writes whose claim lapsed").is_empty(),
        "the kill was to catch writes in flight at Weiling"
    );
    // Longer than a lease and two worker polls: a wrongly resent note would show by now.
    tokio::time::sleep(Duration::from_secs(8)).await;
    let arrived = c.weiling_notes(&weiling_id).await;
    for text in &sent {
        let times = arrived.iter().filter(|t| *t == text).count();
        let expected = if accepted.contains(text) { 1..=1 } else { 0..=1 };
        assert!(expected.contains(&times), "{text:?} arrived {times} times: {arrived:?}");
    }
    drop(b);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_instance_crawls_and_the_others_load_its_list() {
    let refresh = Duration::from_secs(10);
    let Some(c) = cluster(refresh.as_secs()).await else { return };
    let before = c.juzi_list_calls().await;
    let a = c.start("instance-a");
    // A crawls at start (nothing is stored yet) and stores the list.
    c.wait_for_stored_list().await;
    let one_crawl = c.juzi_list_calls().await - before;
    assert!(one_crawl >= 1, "A crawled Juzibot's list");

    // B starts and serves the whole list at once, from the database: no vendor call.
    let started = Instant::now();
    let b = c.start("instance-b");
    let total = c.list_total(b.addr).await;
    let restart = started.elapsed();
    assert!(total >= 50, "B serves the stored list: {total} customers");
    assert_eq!(
        c.juzi_list_calls().await - before,
        one_crawl,
        "B loaded A's list instead of crawling"
    );
    eprintln!("a second instance served the stored list {restart:?} after it was started");

    // Over the next interval A crawls once more; B never does.
    tokio::time::sleep(refresh + Duration::from_secs(3)).await;
    let after_interval = c.juzi_list_calls().await - before;
    assert_eq!(after_interval, 2 * one_crawl, "one crawl per interval for the whole cluster");

    // A dies: B takes the lease over and crawls within one refresh interval.
    let holder = leases::holder(&c.store, "list-crawl", chrono::Utc::now().timestamp_millis())
        .await
        .expect("lease")
        .expect("held");
    a.kill_hard();
    let killed = Instant::now();
    while c.juzi_list_calls().await - before == after_interval {
        assert!(
            killed.elapsed() < refresh + Duration::from_secs(5),
            "nobody crawled after the crawler died"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    eprintln!("the crawl was taken over {:?} after the crawler was killed", killed.elapsed());
    let new_holder = leases::holder(&c.store, "list-crawl", chrono::Utc::now().timestamp_millis())
        .await
        .expect("lease")
        .expect("held");
    assert_ne!(new_holder.instance, holder.instance, "B holds the lease now");
    assert!(c.list_total(b.addr).await >= 50);
}

/// Two instances in this process on one fresh database, each with its own store (its own
/// instance id and listening connection), sign-in state and backend over the same vendors.
struct Pair {
    sims: DemoVendors,
    stores: [Store; 2],
    auths: [Auth; 2],
    backends: [Backend; 2],
}

async fn pair() -> Option<Pair> {
    let url = salesdesk::storage::test_database_url().await.expect("a test database")?;
    let options = StoreOptions {
        location: Location::Postgres(SecretString::from(url)),
        outbox_lease: Duration::from_secs(60),
    };
    let sims = simulators().await;
    let stores = [
        Store::connect(&options).await.expect("store A"),
        Store::connect(&options).await.expect("store B"),
    ];
    let auths = stores.clone().map(|s| Auth::new(s, AuthSettings::default()));
    let backends = stores
        .clone()
        .map(|s| build_backend(true, sims.connections.clone(), s).expect("backend"));
    Some(Pair {
        sims,
        stores,
        auths,
        backends,
    })
}

/// Polls `done` every 20 ms for up to 3 s; returns how long it took.
async fn within<F: std::future::Future<Output = bool>>(mut done: impl FnMut() -> F) -> Option<Duration> {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(3) {
        if done().await {
            return Some(started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    None
}

fn cookie(token: &str) -> http::HeaderMap {
    let mut headers = http::HeaderMap::new();
    headers.insert(http::header::COOKIE, format!("{SESSION_COOKIE}={token}").parse().expect("header"));
    headers
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_outs_account_changes_and_writes_reach_the_other_instance_within_a_second() {
    let Some(p) = pair().await else {
        eprintln!("SALESDESK_TEST_DATABASE_URL is not set: the cluster tests need PostgreSQL (`make test` starts one)");
        return;
    };
    let now = chrono::Utc::now().timestamp_millis();
    let rep = NewUser {
        username: "rep".into(),
        display_name: "销售".into(),
        role: Role::Admin,
        team: None,
        wecom: VendorUserIds::default(),
        password_hash: None,
    };
    let user = users::create(&p.stores[0], &rep, now).await.expect("user");

    // Signing out on A: B, which remembers the session for a few seconds, refuses it at once.
    let token = sessions::create(&p.stores[0], user.id, now, None, None).await.expect("session");
    let (a, b) = (&p.auths[0], &p.auths[1]);
    assert!(
        b.resolve(None, &cookie(&token)).await.expect("resolve").viewer.is_some(),
        "B remembers it"
    );
    a.logout(&cookie(&token)).await.expect("logout");
    let took = within(|| async { b.resolve(None, &cookie(&token)).await.expect("resolve").viewer.is_none() }).await;
    assert!(
        took.is_some_and(|t| t < Duration::from_secs(1)),
        "B still accepted the session after {took:?}"
    );

    // Disabling the account on A (as the admin page does): B refuses its session at once.
    let token = sessions::create(&p.stores[0], user.id, now, None, None).await.expect("session");
    assert!(b.resolve(None, &cookie(&token)).await.expect("resolve").viewer.is_some());
    salesdesk::storage::users::set_disabled(&p.stores[0], user.id, true, now)
        .await
        .expect("disable");
    a.forget_recent_sessions().await;
    let took = within(|| async { b.resolve(None, &cookie(&token)).await.expect("resolve").viewer.is_none() }).await;
    assert!(
        took.is_some_and(|t| t < Duration::from_secs(1)),
        "B still accepted the disabled account after {took:?}"
    );

    // A remark set through A: B's cached copy of the customer goes as soon as it is delivered.
    let person = weiling_only(&p.sims);
    let admin = crate::common::admin();
    let remarks = |detail: &app::domain::CustomerDetail| -> Vec<String> {
        detail
            .customer
            .sources
            .iter()
            .flat_map(|s| s.follow_users.iter().filter_map(|f| f.remark.clone()))
            .collect()
    };
    let before = p.backends[1]
        .customer_detail(&admin, &person.external_user_id)
        .await
        .expect("B reads it");
    let remark = "集群备注";
    assert!(!remarks(&before).iter().any(|r| r == remark));
    let outcome = p.backends[0]
        .set_remark(&admin, &person.external_user_id, remark, "", "cluster-remark")
        .await
        .expect("remark");
    assert!(
        outcome.writes.iter().all(|w| w.delivery == app::domain::Delivery::Delivered),
        "delivered inline: {outcome:?}"
    );
    let took = within(|| async {
        let detail = p.backends[1]
            .customer_detail(&admin, &person.external_user_id)
            .await
            .expect("B reads it");
        remarks(&detail).iter().any(|r| r == remark)
    })
    .await;
    assert!(
        took.is_some_and(|t| t < Duration::from_secs(1)),
        "B showed its cached remark for {took:?}"
    );
}
