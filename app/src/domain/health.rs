use serde::{Deserialize, Serialize};

use super::{VendorId, VendorMode};

/// Body of `GET /healthz`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Health {
    pub status: String,
    pub version: String,
    pub demo: bool,
    pub vendors: Vec<HealthVendor>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HealthVendor {
    pub vendor: VendorId,
    pub mode: VendorMode,
}
