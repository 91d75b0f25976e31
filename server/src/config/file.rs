//! The optional TOML configuration file (path in `SALESDESK_CONFIG` or `--config`). Every key
//! mirrors an environment variable; the environment wins. Unknown keys are an error, so a
//! typo cannot silently leave a setting at its default.

use serde::Deserialize;

use crate::simulators::faults::FaultPlan;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSettings {
    pub addr: Option<String>,
    pub data_dir: Option<String>,
    pub site_root: Option<String>,
    pub demo: Option<bool>,
    pub demo_customers: Option<usize>,
    pub log_format: Option<String>,
    pub list_refresh_secs: Option<u64>,
    pub cache_fresh_secs: Option<u64>,
    pub cache_max_age_secs: Option<u64>,
    pub tanma: Option<FileVendor>,
    pub weiling: Option<FileVendor>,
    pub juzi: Option<FileVendor>,
    pub simulator: Option<FileSimulators>,
    /// `[auth]`: sign-in settings (not the two secrets, which are environment-only).
    pub auth: Option<crate::auth::settings::FileAuth>,
}

/// One vendor's table. Which keys apply depends on the vendor; validation names misplaced ones.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileVendor {
    pub base_url: Option<String>,
    pub app_id: Option<String>,
    pub app_key: Option<String>,
    pub app_secret: Option<String>,
    pub token: Option<String>,
    pub send_app_key_header: Option<bool>,
    pub token_ttl_secs: Option<u64>,
    pub connect_timeout_ms: Option<u64>,
    pub request_timeout_ms: Option<u64>,
    pub max_retries: Option<usize>,
    pub rate_per_minute: Option<u32>,
}

/// Fault plans for the simulated vendors (demo mode), e.g. `[simulator.weiling] latency_ms = 200`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSimulators {
    pub tanma: Option<FaultPlan>,
    pub weiling: Option<FaultPlan>,
    pub juzi: Option<FaultPlan>,
}

impl FileSettings {
    pub fn parse(text: &str, path: &str) -> Result<Self, String> {
        // Only the message and line: toml's default rendering quotes the source line, which
        // could hold a secret.
        toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| text[..s.start.min(text.len())].lines().count().max(1));
            let message = redact_values(e.message());
            match line {
                Some(line) => format!("{path}:{line}: {message}"),
                None => format!("{path}: {message}"),
            }
        })
    }
}

/// serde's "invalid type: integer `12345678`, expected a string" quotes the value, which may
/// be a secret; unknown-key messages quote only key names and are kept whole.
fn redact_values(message: &str) -> String {
    if !message.starts_with("invalid ") {
        return message.to_string();
    }
    let mut out = String::with_capacity(message.len());
    for (i, part) in message.split('`').enumerate() {
        if i % 2 == 1 {
            out.push_str("`…`");
        } else {
            out.push_str(part);
        }
    }
    out
}
