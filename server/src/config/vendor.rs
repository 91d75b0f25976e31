//! What configuration knows about vendors in general: the section each vendor module
//! declares, the settings every vendor has (HTTP policy, demo fault plan) as templates, and
//! the readers vendor modules build their settings with.

use std::time::Duration;

use secrecy::SecretString;
use url::Url;

use super::error::ConfigError;
use super::setting::{Kind, Named, Setting};
use super::source::Source;
use crate::simulators::faults::FaultPlan;
use crate::vendors::HttpPolicy;

/// A vendor's part of the configuration, declared in `vendors/<vendor>/settings.rs`.
#[derive(Debug)]
pub struct VendorSection {
    /// In environment variables: `SALESDESK_TANMA_…`.
    pub env_name: &'static str,
    /// The TOML table: `[tanma]`.
    pub table: &'static str,
    /// The vendor's settings beyond the shared templates, in `--help` order.
    pub settings: &'static [Setting],
}

impl VendorSection {
    /// A shared template ([`POLICY`], [`SIM_FAULTS`]) for this vendor.
    pub fn template(&self, template: &'static Setting) -> Named {
        template.for_vendor(self.env_name, self.table)
    }
}

pub const CONNECT_TIMEOUT_MS: Setting = Setting {
    env: "SALESDESK_<VENDOR>_CONNECT_TIMEOUT_MS",
    toml_key: Some("<vendor>.connect_timeout_ms"),
    kind: Kind::Number { min: 0, max: u64::MAX },
    default: Some("3000"),
    help: "TCP/TLS connect timeout",
    secret: false,
};

pub const REQUEST_TIMEOUT_MS: Setting = Setting {
    env: "SALESDESK_<VENDOR>_REQUEST_TIMEOUT_MS",
    toml_key: Some("<vendor>.request_timeout_ms"),
    kind: Kind::Number { min: 1, max: u64::MAX },
    default: Some("10000"),
    help: "whole-request timeout",
    secret: false,
};

pub const MAX_RETRIES: Setting = Setting {
    env: "SALESDESK_<VENDOR>_MAX_RETRIES",
    toml_key: Some("<vendor>.max_retries"),
    kind: Kind::Number { min: 0, max: 10 },
    default: Some("2"),
    help: "retries for reads and throttled calls",
    secret: false,
};

pub const RATE_PER_MINUTE: Setting = Setting {
    env: "SALESDESK_<VENDOR>_RATE_PER_MINUTE",
    toml_key: Some("<vendor>.rate_per_minute"),
    kind: Kind::Number {
        min: 1,
        max: u32::MAX as u64,
    },
    default: Some("500"),
    help: "calls per minute per API",
    secret: false,
};

/// The HTTP policy every vendor has.
pub const POLICY: &[Setting] = &[CONNECT_TIMEOUT_MS, REQUEST_TIMEOUT_MS, MAX_RETRIES, RATE_PER_MINUTE];

/// Demo mode: a fault plan for a simulated vendor.
pub const SIM_FAULTS: Setting = Setting {
    env: "SALESDESK_SIM_<VENDOR>_FAULTS",
    toml_key: Some("simulator.<vendor>"),
    kind: Kind::Table,
    default: None,
    help: "demo mode: fault plan for a simulated vendor, JSON, e.g. {\"latency_ms\":200}",
    secret: false,
};

/// A vendor's HTTP policy from the [`POLICY`] templates.
pub fn http_policy(src: &Source, vendor: &VendorSection) -> Result<HttpPolicy, ConfigError> {
    Ok(HttpPolicy {
        connect_timeout: Duration::from_millis(src.number(vendor.template(&CONNECT_TIMEOUT_MS))?),
        request_timeout: Duration::from_millis(src.number(vendor.template(&REQUEST_TIMEOUT_MS))?),
        max_retries: src.number(vendor.template(&MAX_RETRIES))?,
        rate_per_minute: src.number(vendor.template(&RATE_PER_MINUTE))?,
        ..HttpPolicy::default()
    })
}

/// A vendor's base URL (its setting has the public host as default).
pub fn base_url(src: &Source, setting: &'static Setting) -> Result<Url, ConfigError> {
    src.http_url(setting)?
        .ok_or_else(|| ConfigError::missing(setting.env, "a vendor needs its base URL"))
}

/// The simulated vendor's fault plan (demo mode).
pub fn fault_plan(src: &Source, vendor: &VendorSection) -> Result<FaultPlan, ConfigError> {
    Ok(src.structured(vendor.template(&SIM_FAULTS), "fault plan")?.unwrap_or_default())
}

/// Credentials come in pairs, a public id and a secret: both present configures the vendor,
/// both absent leaves it unconfigured, one alone is an error naming the missing one.
pub fn credentials(
    src: &Source,
    label: &str,
    id: &'static Setting,
    secret: &'static Setting,
) -> Result<Option<(String, SecretString)>, ConfigError> {
    let needs = || format!("{label} needs both {} and {}", id.env, secret.env);
    match (src.text(id), src.secret(secret)) {
        (Some(id), Some(secret)) => Ok(Some((id, secret))),
        (None, None) => Ok(None),
        (Some(_), None) => Err(ConfigError::missing(secret.env, needs())),
        (None, Some(_)) => Err(ConfigError::missing(id.env, needs())),
    }
}
