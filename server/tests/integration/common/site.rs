//! The real router on loopback over a backend and the simulated vendors, with a signed-in
//! admin session: for tests that drive pages and server functions over HTTP.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use app::domain::VendorId;
use salesdesk::auth::{Auth, AuthSettings};
use salesdesk::config::{CliOverrides, SimulatorFaults};
use salesdesk::demo::{self, DemoOptions, DemoVendors};
use salesdesk::services::Backend;
use salesdesk::services::wiring::build_backend;
use salesdesk::storage::Store;
use salesdesk::vendors::HttpPolicy;

pub struct Site {
    pub demo: DemoVendors,
    pub backend: Arc<Backend>,
    pub addr: SocketAddr,
    pub cookie: String,
    pub http: reqwest::Client,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for Site {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Simulators, a backend over them, and the real router on loopback with an admin session.
pub async fn site(policy: HttpPolicy) -> Site {
    site_with(policy, SimulatorFaults::default()).await
}

/// As [`site`], with the simulators started under `faults`.
pub async fn site_with(policy: HttpPolicy, faults: SimulatorFaults) -> Site {
    if std::env::var_os("SALESDESK_TEST_LOG").is_some() {
        let _ = tracing_subscriber::fmt()
            .with_test_writer()
            .with_env_filter(tracing_subscriber::EnvFilter::from_env("SALESDESK_TEST_LOG"))
            .try_init();
    }
    let demo = demo::start(DemoOptions {
        customers: 60,
        hostile: false,
        now_ms: None,
        faults,
        http: policy,
    })
    .await
    .expect("simulators start");
    let connections = demo.connections.clone();
    let store = Store::open_for_tests().await.expect("store");
    let backend = Arc::new(build_backend(true, connections, store.clone()).expect("backend"));

    let cookie = super::admin_session(&store).await;
    let (addr, server) = serve(backend.clone(), store).await;
    let http = no_redirects(Duration::from_secs(20));
    Site {
        demo,
        backend,
        addr,
        cookie,
        http,
        server,
    }
}

/// The real router over `backend`, signing in against `store`, on a loopback port.
pub async fn serve(backend: Arc<Backend>, store: Store) -> (SocketAddr, tokio::task::JoinHandle<()>) {
    let auth = Arc::new(Auth::new(store, AuthSettings::default()));
    let settings = salesdesk::config::load(None, &|_| None, &CliOverrides::default()).expect("default settings");
    let state = salesdesk::web::WebState {
        leptos: salesdesk::web::leptos_options(&settings),
        backend,
        auth,
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let app = salesdesk::web::router(state).into_make_service_with_connect_info::<SocketAddr>();
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (addr, server)
}

/// An HTTP client that shows redirects instead of following them (form posts answer with one).
pub fn no_redirects(timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .build()
        .expect("client")
}

impl Site {
    pub fn faults(&self, vendor: VendorId) -> &salesdesk::simulators::faults::Faults {
        match vendor {
            VendorId::Tanma => &self.demo.tanma_faults,
            VendorId::Weiling => &self.demo.weiling_faults,
            VendorId::Juzi => &self.demo.juzi_faults,
        }
    }

    pub async fn get(&self, path: &str) -> (u16, String) {
        let (status, body, _) = self.get_with_retry_after(path).await;
        (status, body)
    }

    /// The notes Juzibot's simulator received for (unionId, userId).
    pub async fn juzi_follows(&self, union_id: &str, user_id: &str) -> serde_json::Value {
        super::juzi_follows(&self.http, &self.demo, union_id, user_id).await
    }

    /// A page and its `Retry-After` header.
    pub async fn get_with_retry_after(&self, path: &str) -> (u16, String, Option<String>) {
        let url = format!("http://{}{path}", self.addr);
        let reply = self
            .http
            .get(&url)
            .header("cookie", &self.cookie)
            .header("accept", "text/html")
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e:?}"));
        let status = reply.status().as_u16();
        let retry_after = reply.headers().get("retry-after").and_then(|v| v.to_str().ok()).map(str::to_string);
        (status, reply.text().await.unwrap_or_default(), retry_after)
    }

    /// A server function, posted as a browser's fetch would (same-site Origin).
    pub async fn call(&self, endpoint: &str, form: &[(&str, &str)]) -> (u16, String) {
        let url = format!("http://{}/api/{endpoint}", self.addr);
        let origin = format!("http://{}", self.addr);
        let reply = self
            .http
            .post(&url)
            .header("cookie", &self.cookie)
            .header("origin", origin)
            .form(form)
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST {endpoint}: {e}"));
        let status = reply.status().as_u16();
        (status, reply.text().await.unwrap_or_default())
    }
}
