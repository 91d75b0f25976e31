//! Turns settings into a `Backend`: one adapter per configured vendor, or, in demo mode,
//! adapters pointed at the in-process simulators.

use std::sync::Arc;

use app::domain::{VendorId, VendorMode};

use super::{Backend, VendorSlot};
use crate::config::Settings;
use crate::vendors::cached::{CachePolicy, CachedAdapter};
use crate::vendors::juzi::JuziClient;
use crate::vendors::juzi::settings::JuziSettings;
use crate::vendors::tanma::TanmaClient;
use crate::vendors::tanma::settings::TanmaSettings;
use crate::vendors::weiling::WeilingClient;
use crate::vendors::weiling::settings::WeilingSettings;
use crate::vendors::{ClientSetupError, VendorAdapter};

/// The vendor settings to connect with: the configured ones, or the simulators' in demo mode.
#[derive(Clone)]
pub struct VendorConnections {
    pub tanma: Option<TanmaSettings>,
    pub weiling: Option<WeilingSettings>,
    pub juzi: Option<JuziSettings>,
}

impl VendorConnections {
    pub fn from_settings(settings: &Settings) -> Self {
        VendorConnections {
            tanma: settings.tanma.clone(),
            weiling: settings.weiling.clone(),
            juzi: settings.juzi.clone(),
        }
    }
}

/// `build_backend_with` and the default read-cache policy.
pub fn build_backend(demo: bool, connections: VendorConnections, store: crate::storage::Store) -> Result<Backend, ClientSetupError> {
    build_backend_with(demo, connections, store, CachePolicy::default())
}

/// Every adapter is wrapped in the read cache (`cache.max_age` zero turns it off).
pub fn build_backend_with(
    demo: bool,
    connections: VendorConnections,
    store: crate::storage::Store,
    cache: CachePolicy,
) -> Result<Backend, ClientSetupError> {
    let wrap = |adapter: Arc<dyn VendorAdapter>| -> Arc<dyn VendorAdapter> {
        if cache.max_age.is_zero() {
            adapter
        } else {
            Arc::new(CachedAdapter::new(adapter, cache))
        }
    };
    let mode = if demo { VendorMode::Demo } else { VendorMode::Live };
    let unconfigured = |vendor| VendorSlot {
        vendor,
        mode: VendorMode::NotConfigured,
        base_url: None,
        public_app_id: None,
        adapter: None,
    };
    let tanma = match connections.tanma {
        Some(s) => VendorSlot {
            vendor: VendorId::Tanma,
            mode,
            base_url: Some(s.base_url.to_string()),
            public_app_id: Some(s.app_id.clone()),
            adapter: Some(wrap(Arc::new(TanmaClient::new(s)?))),
        },
        None => unconfigured(VendorId::Tanma),
    };
    let weiling = match connections.weiling {
        Some(s) => VendorSlot {
            vendor: VendorId::Weiling,
            mode,
            base_url: Some(s.base_url.to_string()),
            public_app_id: Some(s.app_id.clone()),
            adapter: Some(wrap(Arc::new(WeilingClient::new(s)?))),
        },
        None => unconfigured(VendorId::Weiling),
    };
    let juzi = match connections.juzi {
        Some(s) => VendorSlot {
            vendor: VendorId::Juzi,
            mode,
            base_url: Some(s.base_url.to_string()),
            public_app_id: None,
            adapter: Some(wrap(Arc::new(JuziClient::new(s)?))),
        },
        None => unconfigured(VendorId::Juzi),
    };
    Ok(Backend::new(demo, vec![tanma, weiling, juzi], store))
}
