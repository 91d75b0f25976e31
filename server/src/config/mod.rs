//! Configuration: defaults < TOML file (`SALESDESK_CONFIG`) < environment < command line.
//! Invalid configuration stops start-up with one line naming the setting. Secrets are held in
//! `SecretString` and never echoed, not even in error messages.

mod file;
pub mod vendor_settings;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use secrecy::SecretString;
use url::Url;

use crate::simulators::faults::FaultPlan;
use crate::vendors::HttpPolicy;
use crate::vendors::cached::{CachePolicy, DEFAULT_FRESH_SECS, DEFAULT_MAX_AGE_SECS};
pub use file::{FileSettings, FileVendor};
pub use vendor_settings::*;

/// Everything SalesDesk needs to start, validated.
#[derive(Clone, Debug)]
pub struct Settings {
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    /// Where cargo-leptos put the compiled site (`/pkg`, assets).
    pub site_root: PathBuf,
    /// Demo mode: the built-in simulators stand in for every vendor.
    pub demo: bool,
    /// How many generated customers the simulators hold in demo mode.
    pub demo_customers: usize,
    pub log_format: LogFormat,
    /// How often the customer and clue lists are refreshed from the vendors.
    pub list_refresh_secs: u64,
    pub tanma: Option<TanmaSettings>,
    pub weiling: Option<WeilingSettings>,
    pub juzi: Option<JuziSettings>,
    pub simulator_faults: SimulatorFaults,
    /// The vendor read cache (customer detail, follow-ups, clue detail).
    pub cache: CachePolicy,
    /// Bearer token that opens `GET /metrics` to non-loopback scrapers; `None`: loopback only.
    pub metrics_token: Option<SecretString>,
    /// Sign-in: sessions, cookies, trusted proxies, SSO, the first admin.
    pub auth: crate::auth::AuthSettings,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Clone, Debug, Default)]
pub struct SimulatorFaults {
    pub tanma: FaultPlan,
    pub weiling: FaultPlan,
    pub juzi: FaultPlan,
}

/// Values given on the command line; they win over everything else.
#[derive(Clone, Debug, Default)]
pub struct CliOverrides {
    pub addr: Option<String>,
    pub data_dir: Option<String>,
    pub demo: bool,
}

pub const DEFAULT_ADDR: &str = "127.0.0.1:3000";
pub const DEFAULT_DATA_DIR: &str = "./data";
pub const DEFAULT_SITE_ROOT: &str = "target/site";
pub const DEFAULT_DEMO_CUSTOMERS: usize = 240;

/// Every setting: (environment variable, TOML key, meaning). Printed by `salesdesk --help`
/// and checked by a test against the README, so documentation cannot drift.
pub const SETTINGS_HELP: &[(&str, &str, &str)] = &[
    ("SALESDESK_CONFIG", "-", "path of the optional TOML file holding any setting below"),
    ("SALESDESK_ADDR", "addr", "listen address [default: 127.0.0.1:3000]"),
    ("SALESDESK_DATA_DIR", "data_dir", "where local data lives [default: ./data]"),
    (
        "SALESDESK_SITE_ROOT",
        "site_root",
        "compiled site (cargo-leptos output) [default: target/site]",
    ),
    (
        "SALESDESK_DEMO",
        "demo",
        "1 = use the built-in simulated vendors even if credentials are set",
    ),
    (
        "SALESDESK_DEMO_CUSTOMERS",
        "demo_customers",
        "customers generated in demo mode [default: 240]",
    ),
    (
        "SALESDESK_LOG_FORMAT",
        "log_format",
        "text or json [default: text]; level via RUST_LOG",
    ),
    (
        "SALESDESK_LIST_REFRESH_SECS",
        "list_refresh_secs",
        "how often customer and clue lists are re-read from the vendors [default: 300]",
    ),
    (
        "SALESDESK_CACHE_FRESH_SECS",
        "cache_fresh_secs",
        "vendor reads younger than this are served from the cache without asking the vendor [default: 60]",
    ),
    (
        "SALESDESK_CACHE_MAX_AGE_SECS",
        "cache_max_age_secs",
        "older cached reads are still served (refreshed in the background, or with their age while the vendor fails) up to this age; 0 turns the cache off [default: 86400]",
    ),
    (
        "SALESDESK_METRICS_TOKEN",
        "-",
        "bearer token that lets non-loopback clients read GET /metrics; unset = loopback only (secret; environment only)",
    ),
    (
        "SALESDESK_SESSION_IDLE_MINUTES",
        "auth.session_idle_minutes",
        "sign out after this long without a request [default: 120]",
    ),
    (
        "SALESDESK_SESSION_MAX_HOURS",
        "auth.session_max_hours",
        "sign out this long after sign-in, active or not [default: 12]",
    ),
    (
        "SALESDESK_COOKIE_SECURE",
        "auth.cookie_secure",
        "session cookie Secure flag: auto (when a trusted proxy says https), always or never [default: auto]",
    ),
    (
        "SALESDESK_TRUSTED_PROXIES",
        "auth.trusted_proxies",
        "comma-separated proxy addresses/CIDRs whose X-Forwarded-For/-Proto/-Host are believed [default: none]",
    ),
    (
        "SALESDESK_SSO_USER_HEADER",
        "auth.sso_user_header",
        "SSO mode: header carrying the signed-in username, e.g. X-Remote-User [default: off]",
    ),
    (
        "SALESDESK_SSO_TRUSTED_PROXIES",
        "auth.sso_trusted_proxies",
        "SSO mode: addresses/CIDRs allowed to send that header (required with it)",
    ),
    (
        "SALESDESK_BOOTSTRAP_ADMIN",
        "-",
        "name:password; creates this admin at start when no user exists (secret; environment only)",
    ),
    (
        "SALESDESK_DEMO_PASSWORD",
        "-",
        "demo mode: password of every demo user; random and printed when unset (secret; environment only)",
    ),
    (
        "SALESDESK_TANMA_BASE_URL",
        "tanma.base_url",
        "Tanma API base [default: https://account.tanmarket.cn/apiServer]",
    ),
    ("SALESDESK_TANMA_APP_ID", "tanma.app_id", "Tanma appId"),
    ("SALESDESK_TANMA_APP_KEY", "tanma.app_key", "Tanma appKey (secret; signs requests)"),
    (
        "SALESDESK_TANMA_SEND_APP_KEY_HEADER",
        "tanma.send_app_key_header",
        "also send the appKey header [default: false]",
    ),
    (
        "SALESDESK_WEILING_BASE_URL",
        "weiling.base_url",
        "Weiling API base [default: https://openapi.weiling.cn/openapi]",
    ),
    ("SALESDESK_WEILING_APP_ID", "weiling.app_id", "Weiling app_id"),
    ("SALESDESK_WEILING_APP_SECRET", "weiling.app_secret", "Weiling app_secret (secret)"),
    (
        "SALESDESK_WEILING_TOKEN_TTL_SECS",
        "weiling.token_ttl_secs",
        "trust an access_token this long when the reply has no expiry [default: 7200]",
    ),
    (
        "SALESDESK_JUZI_BASE_URL",
        "juzi.base_url",
        "Juzibot API host [default: https://hub.juzibot.com]",
    ),
    ("SALESDESK_JUZI_TOKEN", "juzi.token", "Juzibot token (secret)"),
    (
        "SALESDESK_<VENDOR>_CONNECT_TIMEOUT_MS",
        "<vendor>.connect_timeout_ms",
        "TCP/TLS connect timeout [default: 3000]",
    ),
    (
        "SALESDESK_<VENDOR>_REQUEST_TIMEOUT_MS",
        "<vendor>.request_timeout_ms",
        "whole-request timeout [default: 10000]",
    ),
    (
        "SALESDESK_<VENDOR>_MAX_RETRIES",
        "<vendor>.max_retries",
        "retries for reads and throttled calls [default: 2]",
    ),
    (
        "SALESDESK_<VENDOR>_RATE_PER_MINUTE",
        "<vendor>.rate_per_minute",
        "calls per minute per API [default: 500]",
    ),
    (
        "SALESDESK_SIM_<VENDOR>_FAULTS",
        "simulator.<vendor>",
        "demo mode: fault plan for a simulated vendor, JSON, e.g. {\"latency_ms\":200}",
    ),
];

/// Reads settings from the file named by `SALESDESK_CONFIG` (or the CLI), the environment
/// (through `env`, so tests need not touch the process environment) and CLI overrides.
pub fn load(config_path: Option<&str>, env: &dyn Fn(&str) -> Option<String>, cli: &CliOverrides) -> Result<Settings, String> {
    let file = match config_path.map(str::to_string).or_else(|| env("SALESDESK_CONFIG")) {
        Some(path) if !path.trim().is_empty() => {
            let text = std::fs::read_to_string(&path).map_err(|e| format!("SALESDESK_CONFIG: cannot read {path}: {e}"))?;
            FileSettings::parse(&text, &path)?
        }
        _ => FileSettings::default(),
    };
    Layers { file, env, cli }.resolve()
}

struct Layers<'a> {
    file: FileSettings,
    env: &'a dyn Fn(&str) -> Option<String>,
    cli: &'a CliOverrides,
}

impl Layers<'_> {
    /// The environment value, treating an empty variable as unset.
    fn env(&self, name: &str) -> Option<String> {
        (self.env)(name).filter(|v| !v.trim().is_empty())
    }

    fn resolve(self) -> Result<Settings, String> {
        let addr_text = self
            .cli
            .addr
            .clone()
            .or_else(|| self.env("SALESDESK_ADDR"))
            .or(self.file.addr.clone())
            .unwrap_or_else(|| DEFAULT_ADDR.into());
        let addr = addr_text
            .parse::<SocketAddr>()
            .map_err(|_| format!("SALESDESK_ADDR: \"{addr_text}\" is not an address like 127.0.0.1:3000"))?;
        let data_dir = self
            .cli
            .data_dir
            .clone()
            .or_else(|| self.env("SALESDESK_DATA_DIR"))
            .or(self.file.data_dir.clone())
            .unwrap_or_else(|| DEFAULT_DATA_DIR.into());
        let site_root = self
            .env("SALESDESK_SITE_ROOT")
            .or(self.file.site_root.clone())
            .unwrap_or_else(|| DEFAULT_SITE_ROOT.into());
        let forced_demo = self.cli.demo || self.bool_setting("SALESDESK_DEMO", self.file.demo)?.unwrap_or(false);
        let demo_customers = match self.env("SALESDESK_DEMO_CUSTOMERS") {
            Some(v) => v
                .trim()
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=1_000_000).contains(n))
                .ok_or_else(|| format!("SALESDESK_DEMO_CUSTOMERS: \"{v}\" is not a number from 1 to 1000000"))?,
            None => self.file.demo_customers.unwrap_or(DEFAULT_DEMO_CUSTOMERS),
        };
        let log_format = match self
            .env("SALESDESK_LOG_FORMAT")
            .or(self.file.log_format.clone())
            .as_deref()
            .map(str::trim)
        {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => return Err(format!("SALESDESK_LOG_FORMAT: \"{other}\" must be text or json")),
        };
        let list_refresh_secs = self
            .number("SALESDESK_LIST_REFRESH_SECS", self.file.list_refresh_secs)?
            .unwrap_or(300);
        if list_refresh_secs < 10 {
            return Err("SALESDESK_LIST_REFRESH_SECS: must be at least 10".into());
        }
        let cache_fresh = self
            .number("SALESDESK_CACHE_FRESH_SECS", self.file.cache_fresh_secs)?
            .unwrap_or(DEFAULT_FRESH_SECS);
        let cache_max_age = self
            .number("SALESDESK_CACHE_MAX_AGE_SECS", self.file.cache_max_age_secs)?
            .unwrap_or(DEFAULT_MAX_AGE_SECS);
        if cache_max_age > 0 && cache_fresh > cache_max_age {
            return Err(format!(
                "SALESDESK_CACHE_FRESH_SECS: {cache_fresh} is more than SALESDESK_CACHE_MAX_AGE_SECS ({cache_max_age})"
            ));
        }
        if cache_max_age > 30 * 24 * 3600 {
            return Err("SALESDESK_CACHE_MAX_AGE_SECS: must be at most 2592000 (30 days)".into());
        }
        let cache = CachePolicy {
            fresh: Duration::from_secs(cache_fresh),
            max_age: Duration::from_secs(cache_max_age),
            ..CachePolicy::default()
        };
        let metrics_token = match self.env("SALESDESK_METRICS_TOKEN") {
            Some(t) if t.trim().len() < 16 => {
                return Err("SALESDESK_METRICS_TOKEN: must be at least 16 characters".into());
            }
            Some(t) => Some(SecretString::from(t.trim().to_string())),
            None => None,
        };
        let auth = crate::auth::AuthSettings::load(&|name| self.env(name), self.file.auth.as_ref())?;
        let tanma = self.tanma()?;
        let weiling = self.weiling()?;
        let juzi = self.juzi()?;
        let demo = forced_demo || (tanma.is_none() && weiling.is_none() && juzi.is_none());
        let sims = self.file.simulator.as_ref();
        let simulator_faults = SimulatorFaults {
            tanma: self.fault_plan("TANMA", sims.and_then(|s| s.tanma.clone()))?,
            weiling: self.fault_plan("WEILING", sims.and_then(|s| s.weiling.clone()))?,
            juzi: self.fault_plan("JUZI", sims.and_then(|s| s.juzi.clone()))?,
        };
        Ok(Settings {
            addr,
            data_dir: PathBuf::from(data_dir),
            site_root: PathBuf::from(site_root),
            demo,
            demo_customers,
            log_format,
            list_refresh_secs,
            tanma,
            weiling,
            juzi,
            simulator_faults,
            cache,
            metrics_token,
            auth,
        })
    }

    fn bool_setting(&self, name: &str, file: Option<bool>) -> Result<Option<bool>, String> {
        match self.env(name) {
            None => Ok(file),
            Some(v) => match v.trim().to_ascii_lowercase().as_str() {
                "1" | "true" | "yes" | "on" => Ok(Some(true)),
                "0" | "false" | "no" | "off" => Ok(Some(false)),
                _ => Err(format!("{name}: \"{v}\" must be 1 or 0 (true/false)")),
            },
        }
    }

    fn number<T: std::str::FromStr>(&self, name: &str, file: Option<T>) -> Result<Option<T>, String> {
        match self.env(name) {
            None => Ok(file),
            Some(v) => v
                .trim()
                .parse::<T>()
                .map(Some)
                .map_err(|_| format!("{name}: \"{v}\" is not a valid number")),
        }
    }

    /// A vendor table from the file, or an empty one.
    fn file_vendor(&self, vendor: &str) -> &FileVendor {
        static EMPTY: FileVendor = FileVendor {
            base_url: None,
            app_id: None,
            app_key: None,
            app_secret: None,
            token: None,
            send_app_key_header: None,
            token_ttl_secs: None,
            connect_timeout_ms: None,
            request_timeout_ms: None,
            max_retries: None,
            rate_per_minute: None,
        };
        match vendor {
            "TANMA" => self.file.tanma.as_ref(),
            "WEILING" => self.file.weiling.as_ref(),
            _ => self.file.juzi.as_ref(),
        }
        .unwrap_or(&EMPTY)
    }

    fn text(&self, vendor: &str, key: &str, file: Option<&String>) -> Option<String> {
        self.env(&format!("SALESDESK_{vendor}_{key}"))
            .or_else(|| file.filter(|v| !v.trim().is_empty()).cloned())
    }

    fn base_url(&self, vendor: &str, default: &str) -> Result<Url, String> {
        let name = format!("SALESDESK_{vendor}_BASE_URL");
        let text = self
            .text(vendor, "BASE_URL", self.file_vendor(vendor).base_url.as_ref())
            .unwrap_or_else(|| default.into());
        let url = Url::parse(text.trim()).map_err(|e| format!("{name}: \"{text}\" is not a valid URL ({e})"))?;
        if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
            return Err(format!("{name}: \"{text}\" must be an http:// or https:// URL with a host"));
        }
        if url.query().is_some() || !url.username().is_empty() || url.password().is_some() {
            return Err(format!(
                "{name}: must not contain a query string or credentials; put secrets in their own settings"
            ));
        }
        Ok(url)
    }

    fn policy(&self, vendor: &str) -> Result<HttpPolicy, String> {
        let f = self.file_vendor(vendor);
        let d = HttpPolicy::default();
        let connect = self.number(&format!("SALESDESK_{vendor}_CONNECT_TIMEOUT_MS"), f.connect_timeout_ms)?;
        let request = self.number(&format!("SALESDESK_{vendor}_REQUEST_TIMEOUT_MS"), f.request_timeout_ms)?;
        let retries = self.number(&format!("SALESDESK_{vendor}_MAX_RETRIES"), f.max_retries)?;
        let rate = self.number(&format!("SALESDESK_{vendor}_RATE_PER_MINUTE"), f.rate_per_minute)?;
        if let Some(0) = request {
            return Err(format!("SALESDESK_{vendor}_REQUEST_TIMEOUT_MS: must be more than 0"));
        }
        if let Some(0) = rate {
            return Err(format!("SALESDESK_{vendor}_RATE_PER_MINUTE: must be more than 0"));
        }
        if let Some(r) = retries
            && r > 10
        {
            return Err(format!("SALESDESK_{vendor}_MAX_RETRIES: {r} is more than 10"));
        }
        Ok(HttpPolicy {
            connect_timeout: connect.map(Duration::from_millis).unwrap_or(d.connect_timeout),
            request_timeout: request.map(Duration::from_millis).unwrap_or(d.request_timeout),
            max_retries: retries.unwrap_or(d.max_retries),
            retry_min_delay: d.retry_min_delay,
            rate_per_minute: rate.unwrap_or(d.rate_per_minute),
        })
    }

    /// Credentials come in pairs: both present configures the vendor, both absent leaves it
    /// unconfigured, one alone is an error naming the missing one.
    fn pair(
        &self,
        vendor: &str,
        label: &str,
        a: (&str, Option<String>),
        b: (&str, Option<String>),
    ) -> Result<Option<(String, String)>, String> {
        match (a.1, b.1) {
            (Some(x), Some(y)) => Ok(Some((x, y))),
            (None, None) => Ok(None),
            (Some(_), None) => Err(format!(
                "SALESDESK_{vendor}_{}: missing; {label} needs both SALESDESK_{vendor}_{} and SALESDESK_{vendor}_{}",
                b.0, a.0, b.0
            )),
            (None, Some(_)) => Err(format!(
                "SALESDESK_{vendor}_{}: missing; {label} needs both SALESDESK_{vendor}_{} and SALESDESK_{vendor}_{}",
                a.0, a.0, b.0
            )),
        }
    }

    fn tanma(&self) -> Result<Option<TanmaSettings>, String> {
        let f = self.file_vendor("TANMA");
        let creds = self.pair(
            "TANMA",
            "Tanma",
            ("APP_ID", self.text("TANMA", "APP_ID", f.app_id.as_ref())),
            ("APP_KEY", self.text("TANMA", "APP_KEY", f.app_key.as_ref())),
        )?;
        let base_url = self.base_url("TANMA", TANMA_DEFAULT_BASE_URL)?;
        let send_app_key_header = self
            .bool_setting("SALESDESK_TANMA_SEND_APP_KEY_HEADER", f.send_app_key_header)?
            .unwrap_or(false);
        let http = self.policy("TANMA")?;
        Ok(creds.map(|(app_id, app_key)| TanmaSettings {
            base_url,
            app_id,
            app_key: SecretString::from(app_key),
            send_app_key_header,
            http,
        }))
    }

    fn weiling(&self) -> Result<Option<WeilingSettings>, String> {
        let f = self.file_vendor("WEILING");
        let creds = self.pair(
            "WEILING",
            "Weiling",
            ("APP_ID", self.text("WEILING", "APP_ID", f.app_id.as_ref())),
            ("APP_SECRET", self.text("WEILING", "APP_SECRET", f.app_secret.as_ref())),
        )?;
        let base_url = self.base_url("WEILING", WEILING_DEFAULT_BASE_URL)?;
        let ttl = self.number("SALESDESK_WEILING_TOKEN_TTL_SECS", f.token_ttl_secs)?.unwrap_or(7200);
        if ttl < 60 {
            return Err("SALESDESK_WEILING_TOKEN_TTL_SECS: must be at least 60".into());
        }
        let http = self.policy("WEILING")?;
        Ok(creds.map(|(app_id, secret)| WeilingSettings {
            base_url,
            app_id,
            app_secret: SecretString::from(secret),
            token_ttl: Duration::from_secs(ttl),
            http,
        }))
    }

    fn juzi(&self) -> Result<Option<JuziSettings>, String> {
        let f = self.file_vendor("JUZI");
        let token = self.text("JUZI", "TOKEN", f.token.as_ref());
        let base_url = self.base_url("JUZI", JUZI_DEFAULT_BASE_URL)?;
        let http = self.policy("JUZI")?;
        Ok(token.map(|token| JuziSettings {
            base_url,
            token: SecretString::from(token),
            http,
        }))
    }

    fn fault_plan(&self, vendor: &str, file: Option<FaultPlan>) -> Result<FaultPlan, String> {
        let name = format!("SALESDESK_SIM_{vendor}_FAULTS");
        match self.env(&name) {
            Some(json) => serde_json::from_str(&json).map_err(|e| format!("{name}: not a valid fault plan ({e})")),
            None => Ok(file.unwrap_or_default()),
        }
    }
}

#[cfg(test)]
mod tests;
