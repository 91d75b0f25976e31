//! Shared set-up for the sign-in, scope and secret-hygiene tests: the three simulated vendors
//! with KNOWN credentials (and a recorder of every credential-like value they receive), the
//! real backend and the whole web router served on loopback, demo users signed in through the
//! real login form.
#![allow(dead_code)]

pub mod endpoints;

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use leptos::config::LeptosOptions;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use salesdesk::auth::{Auth, AuthSettings};
use salesdesk::services::Backend;
use salesdesk::services::wiring::{VendorConnections, build_backend};
use salesdesk::simulators::dataset::{self, Universe, UniverseOptions};
use salesdesk::simulators::faults::{FaultPlan, Faults};
use salesdesk::simulators::{juzi, serve, tanma, weiling};
use salesdesk::storage::Store;
use salesdesk::vendors::HttpPolicy;
use salesdesk::vendors::juzi::settings::JuziSettings;
use salesdesk::vendors::tanma::settings::TanmaSettings;
use salesdesk::vendors::weiling::settings::WeilingSettings;
use salesdesk::web::{self, WebState};
use secrecy::SecretString;
use url::Url;

pub const TANMA_APP_ID: &str = "tmAppIdPublic01";
pub const TANMA_APP_KEY: &str = "TANMA-KEY-s3cr3t-9f8e7d6c5b4a3928";
pub const WEILING_APP_ID: &str = "wlAppIdPublic01";
pub const WEILING_APP_SECRET: &str = "WEILING-SECRET-a1b2c3d4e5f6a7b8c9";
pub const JUZI_TOKEN: &str = "JUZI-TOKEN-0123456789abcdef0123";
pub const DEMO_PASSWORD: &str = "demo-password-e2e";

/// Seed 000's Tanma customer, owned by LiuFuLai.
pub const LIU_CUSTOMER: &str = "wmPBvlDQAAAtqjxUNvuEL5CRio1NWNXA";
/// Seed 004's 李四, followed by rocky.
pub const ROCKY_CUSTOMER: &str = "wmfvEMCAAAPHR9XslvYqTFgCJTULiZgg";

/// Every credential-like value a simulator received: signatures, tokens, keys.
#[derive(Clone, Default)]
pub struct Recorded(Arc<Mutex<BTreeSet<String>>>);

impl Recorded {
    pub fn values(&self) -> Vec<String> {
        self.0.lock().map(|s| s.iter().cloned().collect()).unwrap_or_default()
    }
}

fn credential_like(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    ["sign", "token", "key", "secret", "authorization"].iter().any(|w| n.contains(w))
}

async fn record(recorded: Recorded, request: Request, next: Next) -> Response {
    let mut seen = Vec::new();
    for (name, value) in request.headers() {
        if credential_like(name.as_str())
            && let Ok(v) = value.to_str()
        {
            seen.push(v.to_string());
        }
    }
    if let Some(q) = request.uri().query() {
        for (k, v) in url::form_urlencoded::parse(q.as_bytes()) {
            if credential_like(&k) && !k.eq_ignore_ascii_case("app_id") {
                seen.push(v.into_owned());
            }
        }
    }
    if let Ok(mut set) = recorded.0.lock() {
        set.extend(seen.into_iter().filter(|v| v.len() >= 8));
    }
    next.run(request).await
}

pub struct Sims {
    pub universe: Arc<Universe>,
    pub tanma_faults: Faults,
    pub weiling_faults: Faults,
    pub juzi_faults: Faults,
    pub recorded: Recorded,
    pub connections: VendorConnections,
    handles: Vec<tokio::task::JoinHandle<()>>,
}

impl Drop for Sims {
    fn drop(&mut self) {
        for h in &self.handles {
            h.abort();
        }
    }
}

pub fn fast_policy() -> HttpPolicy {
    HttpPolicy {
        connect_timeout: Duration::from_millis(500),
        request_timeout: Duration::from_millis(1500),
        max_retries: 1,
        retry_min_delay: Duration::from_millis(20),
        rate_per_minute: 100_000,
    }
}

/// The simulators with the known credentials above.
pub async fn start_sims(customers: usize) -> Sims {
    start_sims_serving(universe(customers)).await
}

/// The universe of `customers` the tests use.
pub fn universe(customers: usize) -> Universe {
    dataset::generate(&UniverseOptions {
        customers,
        ..UniverseOptions::default()
    })
}

/// The simulators with the known credentials above, serving `universe`.
pub async fn start_sims_serving(universe: Universe) -> Sims {
    let universe = Arc::new(universe);
    let loopback: SocketAddr = ([127, 0, 0, 1], 0).into();
    let recorded = Recorded::default();
    let layer = |r: axum::Router, rec: Recorded| {
        r.layer(axum::middleware::from_fn(move |req: Request, next: Next| {
            record(rec.clone(), req, next)
        }))
    };

    let tanma_faults = Faults::new(FaultPlan::default(), tanma::error_envelope);
    let t = tanma::router(
        universe.clone(),
        tanma::TanmaSimConfig {
            app_id: TANMA_APP_ID.into(),
            app_key: SecretString::from(TANMA_APP_KEY),
            max_clock_skew: Duration::from_secs(300),
        },
        tanma_faults.clone(),
    );
    let (tanma_addr, h1) = serve(layer(t, recorded.clone()), loopback).await.expect("tanma simulator");

    let weiling_faults = Faults::new(FaultPlan::default(), weiling::error_envelope);
    let w = weiling::router(
        universe.clone(),
        weiling::WeilingSimConfig {
            app_id: WEILING_APP_ID.into(),
            app_secret: SecretString::from(WEILING_APP_SECRET),
            token_ttl: Duration::from_secs(7200),
        },
        weiling_faults.clone(),
    );
    let (weiling_addr, h2) = serve(layer(w, recorded.clone()), loopback).await.expect("weiling simulator");

    let juzi_faults = Faults::new(FaultPlan::default(), juzi::error_envelope);
    let j = juzi::router(
        universe.clone(),
        juzi::JuziSimConfig {
            token: SecretString::from(JUZI_TOKEN),
        },
        juzi_faults.clone(),
    );
    let (juzi_addr, h3) = serve(layer(j, recorded.clone()), loopback).await.expect("juzi simulator");

    let url = |addr: SocketAddr, path: &str| Url::parse(&format!("http://{addr}{path}")).expect("url");
    let connections = VendorConnections {
        tanma: Some(TanmaSettings {
            base_url: url(tanma_addr, tanma::BASE_PATH),
            app_id: TANMA_APP_ID.into(),
            app_key: SecretString::from(TANMA_APP_KEY),
            send_app_key_header: true,
            http: fast_policy(),
        }),
        weiling: Some(WeilingSettings {
            base_url: url(weiling_addr, weiling::BASE_PATH),
            app_id: WEILING_APP_ID.into(),
            app_secret: SecretString::from(WEILING_APP_SECRET),
            token_ttl: Duration::from_secs(7200),
            http: fast_policy(),
        }),
        juzi: Some(JuziSettings {
            base_url: url(juzi_addr, ""),
            token: SecretString::from(JUZI_TOKEN),
            http: fast_policy(),
        }),
    };
    Sims {
        universe,
        tanma_faults,
        weiling_faults,
        juzi_faults,
        recorded,
        connections,
        handles: vec![h1, h2, h3],
    }
}

pub struct App {
    pub base: String,
    pub addr: SocketAddr,
    pub auth: Arc<Auth>,
    pub backend: Arc<Backend>,
    pub sims: Sims,
    pub client: reqwest::Client,
    handle: tokio::task::JoinHandle<()>,
}

impl Drop for App {
    fn drop(&mut self) {
        self.handle.abort();
    }
}

pub fn site_root() -> String {
    format!("{}/../target/site", env!("CARGO_MANIFEST_DIR"))
}

/// Default auth settings plus the demo password, for `start_app`.
pub fn demo_settings() -> AuthSettings {
    AuthSettings {
        demo_password: Some(SecretString::from(DEMO_PASSWORD)),
        ..AuthSettings::default()
    }
}

/// The whole application on loopback, with the demo users (password `DEMO_PASSWORD`).
pub async fn start_app(settings: AuthSettings) -> App {
    start_app_serving(settings, universe(80)).await
}

/// The whole application on loopback, the simulators serving `universe`.
pub async fn start_app_serving(settings: AuthSettings, universe: Universe) -> App {
    let sims = start_sims_serving(universe).await;
    let connections = sims.connections.clone();
    let store = Store::open_for_tests().await.expect("store");
    let backend = Arc::new(build_backend(false, connections, store.clone()).expect("backend"));
    backend.index.refresh().await;
    backend.clues.refresh().await;
    let auth = Auth::start(store, settings, Some(sims.universe.as_ref())).await.expect("auth");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let leptos = LeptosOptions::builder()
        .output_name("salesdesk")
        .site_root(site_root())
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .build();
    let router = web::router(WebState {
        leptos: Arc::new(leptos),
        backend: backend.clone(),
        auth: auth.clone(),
    });
    let handle = tokio::spawn(async move {
        let _ = axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>()).await;
    });
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");
    App {
        base: format!("http://{addr}"),
        addr,
        auth,
        backend,
        sims,
        client,
        handle,
    }
}

/// A reply, read whole.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn location(&self) -> Option<&str> {
        self.headers.get(reqwest::header::LOCATION).and_then(|v| v.to_str().ok())
    }

    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(reqwest::header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(str::to_string)
            .collect()
    }
}

async fn read(response: reqwest::Response) -> Reply {
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.text().await.unwrap_or_default();
    Reply { status, headers, body }
}

/// A signed-in browser: just its session cookie.
#[derive(Clone, Debug)]
pub struct Session {
    pub cookie: String,
}

impl App {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Posts the login form like a browser (same-site Origin).
    pub async fn post_login(&self, username: &str, password: &str, next: &str) -> Reply {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("username", username)
            .append_pair("password", password)
            .append_pair("next", next)
            .finish();
        let r = self
            .client
            .post(self.url("/auth/login"))
            .header("origin", &self.base)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "text/html")
            .body(body)
            .send()
            .await
            .expect("login request");
        read(r).await
    }

    /// Signs in as a demo user; panics unless it worked.
    pub async fn login(&self, username: &str) -> Session {
        let reply = self.post_login(username, DEMO_PASSWORD, "/").await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "login of {username}");
        let cookie = reply
            .set_cookies()
            .into_iter()
            .find(|c| c.starts_with("salesdesk_session="))
            .expect("session cookie");
        let pair = cookie.split(';').next().expect("cookie pair").to_string();
        Session { cookie: pair }
    }

    /// Posts the sign-out form from a page of this site (Origin `origin`, usually `self.base`).
    pub async fn post_logout(&self, session: &Session, origin: &str) -> reqwest::Response {
        self.client
            .post(self.url("/auth/logout"))
            .header("origin", origin)
            .header("cookie", &session.cookie)
            .send()
            .await
            .expect("logout request")
    }

    pub async fn get(&self, session: Option<&Session>, path: &str) -> Reply {
        let mut r = self.client.get(self.url(path)).header("accept", "text/html");
        if let Some(s) = session {
            r = r.header("cookie", &s.cookie);
        }
        read(r.send().await.expect("GET")).await
    }

    /// Calls a server function the way the hydrated app does (form-encoded POST, same-site
    /// Origin, JSON reply).
    pub async fn api(&self, session: Option<&Session>, endpoint: &str, body: &str) -> Reply {
        self.api_from(session, endpoint, body, Some(&self.base.clone())).await
    }

    /// The same with a chosen Origin (None: no Origin or Referer at all).
    pub async fn api_from(&self, session: Option<&Session>, endpoint: &str, body: &str, origin: Option<&str>) -> Reply {
        let mut r = self
            .client
            .post(self.url(endpoint))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .body(body.to_string());
        if let Some(o) = origin {
            r = r.header("origin", o);
        }
        if let Some(s) = session {
            r = r.header("cookie", &s.cookie);
        }
        read(r.send().await.expect("POST")).await
    }

    /// Posts a form the way a browser without JavaScript does (accepts HTML, names the page
    /// it came from), so a server function answers with a redirect back to `referer`.
    pub async fn post_plain(&self, session: &Session, endpoint: &str, referer: &str, body: &str) -> Reply {
        let r = self
            .client
            .post(self.url(endpoint))
            .header("origin", &self.base)
            .header("referer", self.url(referer))
            .header("accept", "text/html,application/xhtml+xml")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", &session.cookie)
            .body(body.to_string());
        read(r.send().await.expect("POST")).await
    }
}

/// `key=value&…` with proper escaping.
pub fn form(pairs: &[(&str, &str)]) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}
