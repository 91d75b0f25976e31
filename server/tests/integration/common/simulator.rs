//! The harness of the three simulator suites (`tanma_simulator`, `weiling_simulator`,
//! `juzi_simulator`): one simulator on loopback over a fresh universe, the client policy the
//! suites share, and raw HTTP helpers for the tests that check a simulator against the vendor
//! documents without going through SalesDesk's client. Tanma requests are signed here from
//! the documented rule, independently of the client's signer.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use salesdesk::simulators::dataset::{self, Universe, UniverseOptions};
use salesdesk::simulators::faults::FaultPlan;
use salesdesk::simulators::serve;
use salesdesk::vendors::{CustomerListQuery, CustomerLookup, HttpPolicy, VendorAdapter};
use serde_json::Value;
use sha2::{Digest, Sha256};
use tokio::task::JoinHandle;

/// One simulator served on a loopback port for the length of a test.
pub struct Running {
    pub addr: SocketAddr,
    pub universe: Arc<Universe>,
    _task: JoinHandle<()>,
}

impl Running {
    /// Serves `router`, built over `universe`, on a free loopback port.
    pub async fn serve(universe: Arc<Universe>, router: Router) -> Running {
        let (addr, task) = serve(router, ([127, 0, 0, 1], 0).into()).await.expect("bind simulator");
        Running {
            addr,
            universe,
            _task: task,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Replaces the fault plan through the simulator's control endpoint.
    pub async fn set_faults(&self, plan: FaultPlan) {
        let r = reqwest::Client::new()
            .put(self.url("/__sim/faults"))
            .json(&plan)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success());
    }
}

/// The default universe, or one generated at `now_ms`.
pub fn universe(now_ms: Option<i64>) -> Arc<Universe> {
    let mut options = UniverseOptions::default();
    if let Some(now_ms) = now_ms {
        options.now_ms = now_ms;
    }
    Arc::new(dataset::generate(&options))
}

/// Short timeouts, two quick retries and no practical rate limit.
pub fn policy(request_timeout: Duration) -> HttpPolicy {
    HttpPolicy {
        connect_timeout: Duration::from_secs(1),
        request_timeout,
        max_retries: 2,
        retry_min_delay: Duration::from_millis(10),
        rate_per_minute: 100_000,
    }
}

/// [`policy`] with the suites' usual three-second request timeout.
pub fn fast_policy() -> HttpPolicy {
    policy(Duration::from_secs(3))
}

/// A customer-list query.
pub fn list_query(rep_user_id: Option<String>, cursor: Option<String>, page_size: u32) -> CustomerListQuery {
    CustomerListQuery {
        rep_user_id,
        cursor,
        page_size,
    }
}

/// Sends `request` and reads the reply as JSON (whatever its HTTP status).
pub async fn json_reply(request: reqwest::RequestBuilder) -> Value {
    request.send().await.unwrap().json().await.unwrap()
}

pub async fn get_json(url: &str) -> Value {
    json_reply(reqwest::Client::new().get(url)).await
}

pub async fn post_json(url: &str, body: &Value) -> Value {
    json_reply(reqwest::Client::new().post(url).json(body)).await
}

/// Tanma's documented signature (VENDORS.md §1.1): lowercase hex SHA-256 of
/// `appId + timestamp + body + appKey`, computed here rather than with the client's signer.
pub fn tanma_sign(app_id: &str, timestamp: &str, body: &[u8], app_key: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(format!("{app_id}{timestamp}").as_bytes());
    hasher.update(body);
    hasher.update(app_key.as_bytes());
    hex::encode(hasher.finalize())
}

/// Asserts the vendor knows no customer for `lookup`: an answer (`None`), not an error.
pub async fn assert_unknown(adapter: &dyn VendorAdapter, lookup: CustomerLookup) {
    let found = adapter.customer(&lookup).await.unwrap_or_else(|e| panic!("{lookup:?}: {e}"));
    assert!(found.is_none(), "{lookup:?} should be unknown, found {found:?}");
}
