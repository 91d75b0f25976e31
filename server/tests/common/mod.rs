//! Shared set-up for integration tests: the three simulated vendors on loopback with the
//! real clients pointed at them, and a backend over an in-memory database.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use app::domain::{Role, Scope, VendorUserIds, Viewer};
use salesdesk::config::SimulatorFaults;
use salesdesk::demo::{self, DemoOptions, DemoVendors};
use salesdesk::services::Backend;
use salesdesk::services::wiring::{VendorConnections, build_backend};
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
        now_ms: None,
        faults: SimulatorFaults::default(),
        http: test_policy(),
    })
    .await
    .expect("simulators start");
    let c = &demo.connections;
    let connections = VendorConnections {
        tanma: c.tanma.clone(),
        weiling: c.weiling.clone(),
        juzi: c.juzi.clone(),
    };
    let store = Store::open_in_memory().await.expect("store");
    let backend = Arc::new(build_backend(true, connections, store).expect("backend"));
    World {
        demo,
        backend,
        http: reqwest::Client::new(),
    }
}

impl World {
    pub fn sim_url(&self, vendor: usize, path: &str) -> String {
        format!("http://{}{path}", self.demo.addrs[vendor])
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
