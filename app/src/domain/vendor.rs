use serde::{Deserialize, Serialize};

/// The SCRM vendors SalesDesk speaks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VendorId {
    /// 探马 Tanma
    Tanma,
    /// 卫瓴 Weiling
    Weiling,
    /// 句子互动 Juzibot
    Juzi,
}

impl VendorId {
    pub const ALL: [VendorId; 3] = [VendorId::Tanma, VendorId::Weiling, VendorId::Juzi];

    /// Stable lowercase id used in URLs, settings and logs.
    pub fn slug(self) -> &'static str {
        match self {
            VendorId::Tanma => "tanma",
            VendorId::Weiling => "weiling",
            VendorId::Juzi => "juzi",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.slug() == slug)
    }

    /// The vendor's Chinese brand name, as sales teams know it.
    pub fn name_zh(self) -> &'static str {
        match self {
            VendorId::Tanma => "探马",
            VendorId::Weiling => "卫瓴",
            VendorId::Juzi => "句子互动",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            VendorId::Tanma => "Tanma",
            VendorId::Weiling => "Weiling",
            VendorId::Juzi => "Juzibot",
        }
    }
}

impl std::fmt::Display for VendorId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.slug())
    }
}

/// How a vendor is wired up in this deployment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VendorMode {
    /// Real credentials configured.
    Live,
    /// Talking to the built-in simulator (demo mode).
    Demo,
    /// No credentials: the vendor is skipped.
    NotConfigured,
}

/// What the vendor status page shows. Deliberately carries no secret: only the base URL and
/// the public application identifier (Tanma appId / Weiling app_id), never keys or tokens.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VendorStatus {
    pub vendor: VendorId,
    pub mode: VendorMode,
    pub base_url: Option<String>,
    pub public_app_id: Option<String>,
    pub stats: Option<VendorCallStats>,
}

/// Recent call statistics for one vendor, for operators.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct VendorCallStats {
    pub calls: u64,
    pub errors: u64,
    pub p50_ms: Option<u64>,
    pub p95_ms: Option<u64>,
    pub last_error: Option<VendorFailure>,
    /// Every endpoint the adapter uses, documented ones first, with how each has fared.
    #[serde(default)]
    pub endpoints: Vec<super::EndpointStatus>,
}

use super::VendorFailure;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_round_trip() {
        for v in VendorId::ALL {
            assert_eq!(VendorId::from_slug(v.slug()), Some(v));
        }
        assert_eq!(VendorId::from_slug("wecom"), None);
    }
}
