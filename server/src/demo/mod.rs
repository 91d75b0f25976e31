//! Demo mode: with no vendor credentials (or `SALESDESK_DEMO=1`), SalesDesk starts the three
//! simulated vendors in-process on loopback, with fresh random credentials, and points its
//! real clients at them — so a newcomer sees the product working end to end. The demo
//! accounts that sign in to it are made by [`users`].

pub mod users;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use rand::Rng;
use rand::distr::Alphanumeric;
use secrecy::SecretString;
use tokio::task::JoinHandle;
use url::Url;

use crate::clock::now_ms;
use crate::config::{Settings, SimulatorFaults};
use crate::services::wiring::VendorConnections;
use crate::simulators::dataset::{self, Universe, UniverseOptions};
use crate::simulators::faults::Faults;
use crate::simulators::{juzi, serve, tanma, weiling};
use crate::vendors::HttpPolicy;
use crate::vendors::juzi::settings::JuziSettings;
use crate::vendors::tanma::settings::TanmaSettings;
use crate::vendors::weiling::settings::WeilingSettings;

/// The running simulators and the settings that reach them.
pub struct DemoVendors {
    pub connections: VendorConnections,
    pub universe: Arc<Universe>,
    pub tanma_faults: Faults,
    pub weiling_faults: Faults,
    pub juzi_faults: Faults,
    pub addrs: [SocketAddr; 3],
    handles: Vec<JoinHandle<()>>,
}

impl Drop for DemoVendors {
    fn drop(&mut self) {
        for h in &self.handles {
            h.abort();
        }
    }
}

/// Options for starting simulators, from settings or a test.
pub struct DemoOptions {
    pub customers: usize,
    /// Every string the simulators send is hostile (`dataset::hostile`).
    pub hostile: bool,
    pub now_ms: Option<i64>,
    pub faults: SimulatorFaults,
    pub http: HttpPolicy,
}

impl DemoOptions {
    pub fn from_settings(settings: &Settings) -> Self {
        DemoOptions {
            customers: settings.demo_customers,
            hostile: settings.sim_hostile,
            now_ms: None,
            faults: settings.simulator_faults.clone(),
            // Loopback simulators answer fast; keep the real defaults otherwise, so demo mode
            // exercises the same timeouts and retries as production.
            http: HttpPolicy {
                rate_per_minute: 60_000,
                ..HttpPolicy::default()
            },
        }
    }
}

/// A simulator that could not be started.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("cannot start the {vendor} simulator")]
    Simulator {
        vendor: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error("simulator URL")]
    Url(#[from] url::ParseError),
}

fn random_secret(len: usize) -> String {
    rand::rng().sample_iter(&Alphanumeric).take(len).map(char::from).collect()
}

fn loopback_url(addr: SocketAddr, path: &str) -> Result<Url, DemoError> {
    Ok(Url::parse(&format!("http://{addr}{path}"))?)
}

fn cannot_start(vendor: &'static str) -> impl FnOnce(std::io::Error) -> DemoError {
    move |source| DemoError::Simulator { vendor, source }
}

pub async fn start(options: DemoOptions) -> Result<DemoVendors, DemoError> {
    let defaults = UniverseOptions::default();
    let now_ms = options.now_ms.unwrap_or_else(now_ms);
    let mut universe = dataset::generate(&UniverseOptions {
        customers: options.customers,
        now_ms,
        ..defaults
    });
    if options.hostile {
        dataset::hostile::poison(&mut universe);
    }
    let universe = Arc::new(universe);
    let loopback: SocketAddr = ([127, 0, 0, 1], 0).into();

    let tanma_app_id = format!("demo{}", random_secret(8));
    let tanma_app_key = random_secret(32);
    let tanma_faults = Faults::new(options.faults.tanma.clone(), tanma::error_envelope);
    let tanma_router = tanma::router(
        universe.clone(),
        tanma::TanmaSimConfig {
            app_id: tanma_app_id.clone(),
            app_key: SecretString::from(tanma_app_key.clone()),
            max_clock_skew: Duration::from_secs(300),
        },
        tanma_faults.clone(),
    );
    let (tanma_addr, tanma_handle) = serve(tanma_router, loopback).await.map_err(cannot_start("Tanma"))?;

    let weiling_app_id = format!("demo{}", random_secret(8));
    let weiling_secret = random_secret(32);
    let weiling_faults = Faults::new(options.faults.weiling.clone(), weiling::error_envelope);
    let weiling_router = weiling::router(
        universe.clone(),
        weiling::WeilingSimConfig {
            app_id: weiling_app_id.clone(),
            app_secret: SecretString::from(weiling_secret.clone()),
            token_ttl: Duration::from_secs(7200),
        },
        weiling_faults.clone(),
    );
    let (weiling_addr, weiling_handle) = serve(weiling_router, loopback).await.map_err(cannot_start("Weiling"))?;

    let juzi_token = random_secret(32);
    let juzi_faults = Faults::new(options.faults.juzi.clone(), juzi::error_envelope);
    let juzi_router = juzi::router(
        universe.clone(),
        juzi::JuziSimConfig {
            token: SecretString::from(juzi_token.clone()),
        },
        juzi_faults.clone(),
    );
    let (juzi_addr, juzi_handle) = serve(juzi_router, loopback).await.map_err(cannot_start("Juzibot"))?;

    let connections = VendorConnections {
        tanma: Some(TanmaSettings {
            base_url: loopback_url(tanma_addr, tanma::BASE_PATH)?,
            app_id: tanma_app_id,
            app_key: SecretString::from(tanma_app_key),
            send_app_key_header: false,
            http: options.http.clone(),
        }),
        weiling: Some(WeilingSettings {
            base_url: loopback_url(weiling_addr, weiling::BASE_PATH)?,
            app_id: weiling_app_id,
            app_secret: SecretString::from(weiling_secret),
            token_ttl: Duration::from_secs(7200),
            http: options.http.clone(),
        }),
        juzi: Some(JuziSettings {
            base_url: loopback_url(juzi_addr, "")?,
            token: SecretString::from(juzi_token),
            http: options.http.clone(),
        }),
    };
    Ok(DemoVendors {
        connections,
        universe,
        tanma_faults,
        weiling_faults,
        juzi_faults,
        addrs: [tanma_addr, weiling_addr, juzi_addr],
        handles: vec![tanma_handle, weiling_handle, juzi_handle],
    })
}
