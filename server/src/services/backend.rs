use std::sync::Arc;

use app::api::ShellInfo;
use app::domain::{VendorId, VendorMode, VendorStatus};
use app::service::SalesDeskService;
use async_trait::async_trait;

use crate::vendors::VendorAdapter;

/// One vendor as this deployment sees it.
pub struct VendorSlot {
    pub vendor: VendorId,
    pub mode: VendorMode,
    /// Shown on the status page: base URL without credentials.
    pub base_url: Option<String>,
    /// The vendor's public application id (Tanma appId, Weiling app_id); not a secret.
    pub public_app_id: Option<String>,
    pub adapter: Option<Arc<dyn VendorAdapter>>,
}

pub struct Backend {
    demo: bool,
    slots: Vec<VendorSlot>,
}

impl Backend {
    pub fn new(demo: bool, slots: Vec<VendorSlot>) -> Self {
        Backend { demo, slots }
    }

    pub fn demo(&self) -> bool {
        self.demo
    }

    pub fn vendor_modes(&self) -> Vec<(VendorId, VendorMode)> {
        self.slots.iter().map(|s| (s.vendor, s.mode)).collect()
    }

    /// Adapters of configured (or simulated) vendors, in `VendorId::ALL` order.
    pub fn adapters(&self) -> Vec<Arc<dyn VendorAdapter>> {
        self.slots.iter().filter_map(|s| s.adapter.clone()).collect()
    }
}

#[async_trait]
impl SalesDeskService for Backend {
    fn shell_info(&self) -> ShellInfo {
        ShellInfo { version: env!("CARGO_PKG_VERSION").into(), demo: self.demo }
    }

    async fn vendor_statuses(&self) -> Vec<VendorStatus> {
        self.slots
            .iter()
            .map(|s| VendorStatus {
                vendor: s.vendor,
                mode: s.mode,
                base_url: s.base_url.clone(),
                public_app_id: s.public_app_id.clone(),
                stats: s.adapter.as_ref().map(|a| a.stats().snapshot()),
            })
            .collect()
    }
}
