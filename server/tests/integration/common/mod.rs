//! Shared set-up for integration tests: the three simulated vendors on loopback with the
//! real clients pointed at them, and a backend over an in-memory database.
#![allow(dead_code)]

pub mod instances;
pub mod simulator;
pub mod site;

use std::sync::Arc;
use std::time::Duration;

use app::domain::{Role, Scope, VendorUserIds, Viewer};
use salesdesk::config::SimulatorFaults;
use salesdesk::demo::{self, DemoOptions, DemoVendors};
use salesdesk::services::Backend;
use salesdesk::services::wiring::build_backend;
use salesdesk::storage::Store;
use salesdesk::vendors::HttpPolicy;

pub struct World {
    pub demo: DemoVendors,
    pub backend: Arc<Backend>,
    pub http: reqwest::Client,
}

/// Fast timeouts and few retries, so fault tests finish quickly.
pub fn test_policy() -> HttpPolicy {
    HttpPolicy {
        connect_timeout: Duration::from_millis(500),
        request_timeout: Duration::from_millis(800),
        max_retries: 1,
        retry_min_delay: Duration::from_millis(20),
        rate_per_minute: 100_000,
    }
}

pub async fn world(customers: usize) -> World {
    let demo = demo::start(DemoOptions {
        customers,
        hostile: false,
        now_ms: None,
        faults: SimulatorFaults::default(),
        http: test_policy(),
    })
    .await
    .expect("simulators start");
    let connections = demo.connections.clone();
    let store = Store::open_for_tests().await.expect("store");
    let backend = Arc::new(build_backend(true, connections, store).expect("backend"));
    World {
        demo,
        backend,
        http: reqwest::Client::new(),
    }
}

impl World {
    /// The notes Juzibot's simulator received for (unionId, userId).
    pub async fn juzi_follows(&self, union_id: &str, user_id: &str) -> serde_json::Value {
        juzi_follows(&self.http, &self.demo, union_id, user_id).await
    }

    /// Runs the delivery worker until the outbox item reaches `state` (20 s at most).
    pub async fn wait_for_state(&self, id: i64, state: salesdesk::storage::outbox::OutboxState) -> salesdesk::storage::outbox::OutboxItem {
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        loop {
            self.backend.delivery.run_due().await;
            let item = self.backend.store.outbox_item(id).await.expect("store").expect("item exists");
            if item.state == state {
                return item;
            }
            assert!(std::time::Instant::now() < deadline, "item never reached {state:?}: {item:?}");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// The first generated customer that `wanted` picks (the universe is the same every run).
    pub fn person(
        &self,
        what: &str,
        wanted: impl Fn(&salesdesk::simulators::dataset::Person) -> bool,
    ) -> salesdesk::simulators::dataset::Person {
        self.demo
            .universe
            .customers
            .iter()
            .find(|p| wanted(p))
            .unwrap_or_else(|| panic!("the universe has {what}"))
            .clone()
    }

    pub fn sim_url(&self, vendor: usize, path: &str) -> String {
        format!("http://{}{path}", self.demo.addrs[vendor])
    }
}

/// The notes Juzibot's simulator received for (unionId, userId): Juzibot has no read API, so
/// tests look here to prove a note arrived, and arrived once.
pub async fn juzi_follows(http: &reqwest::Client, demo: &DemoVendors, union_id: &str, user_id: &str) -> serde_json::Value {
    let url = format!("http://{}/__sim/juzi/follows?unionId={union_id}&userId={user_id}", demo.addrs[2]);
    http.get(url).send().await.expect("simulator answers").json().await.expect("JSON")
}

/// The first generated customer all three vendors know (the universe is the same every run).
pub fn known_everywhere(demo: &DemoVendors) -> salesdesk::simulators::dataset::Person {
    demo.universe
        .customers
        .iter()
        .find(|p| p.presence.tanma && p.presence.weiling && p.presence.juzi)
        .expect("someone every vendor knows")
        .clone()
}

/// The customer list query that shows everyone in a test universe on one page.
pub fn whole_list() -> app::domain::CustomerQuery {
    app::domain::CustomerQuery {
        page_size: 500,
        ..Default::default()
    }
}

pub fn admin() -> Viewer {
    Viewer {
        user_id: 1,
        username: "admin".into(),
        display_name: "管理员".into(),
        role: Role::Admin,
        team: None,
        wecom: VendorUserIds::default(),
        scope: Scope::All,
    }
}

/// A rep with the same WeCom id at every vendor.
pub fn rep(wecom_id: &str) -> Viewer {
    let ids = VendorUserIds {
        tanma: Some(wecom_id.into()),
        weiling: Some(wecom_id.into()),
        juzi: Some(wecom_id.into()),
    };
    Viewer {
        user_id: 2,
        username: wecom_id.to_lowercase(),
        display_name: wecom_id.into(),
        role: Role::Rep,
        team: Some("华东一组".into()),
        wecom: ids.clone(),
        scope: Scope::FollowedBy(vec![ids]),
    }
}

/// An admin account (no password: it never signs in through the form) and an open session
/// for it, written straight to `store`; the `Cookie` header value that carries the session.
pub async fn admin_session(store: &Store) -> String {
    let now = chrono::Utc::now().timestamp_millis();
    let new_user = salesdesk::storage::users::NewUser {
        username: "admin".into(),
        display_name: "管理员".into(),
        role: Role::Admin,
        team: None,
        wecom: VendorUserIds::default(),
        password_hash: None,
    };
    let user = salesdesk::auth::users::create(store, &new_user, now).await.expect("user");
    let token = salesdesk::auth::sessions::create(store, user.id, now, None, None)
        .await
        .expect("session");
    format!("{}={token}", salesdesk::auth::SESSION_COOKIE)
}
