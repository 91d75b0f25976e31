//! Configuration: defaults < TOML file (`SALESDESK_CONFIG`) < environment < command line.
//! Invalid configuration stops start-up with one line naming the setting. Secrets are held in
//! `SecretString` and never echoed, not even in error messages.
//!
//! Every setting is declared once, as a [`Setting`]: the app-wide ones in `app`, sign-in in
//! `crate::auth::settings`, each vendor's in `crate::vendors::<vendor>::settings` (registered
//! in [`VENDORS`]), the ones every vendor has as templates in `vendor`. `--help`, the README
//! check, the TOML file's schema and the reading of values derive from those descriptors.

pub mod app;
mod error;
mod file;
mod setting;
mod source;
pub mod vendor;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::LazyLock;
use std::time::Duration;

use secrecy::SecretString;

use crate::simulators::faults::FaultPlan;
use crate::vendors::cached::CachePolicy;
use crate::vendors::juzi::settings::JuziSettings;
use crate::vendors::tanma::settings::TanmaSettings;
use crate::vendors::weiling::settings::WeilingSettings;
use crate::vendors::{juzi, tanma, weiling};
pub use error::ConfigError;
pub use setting::{Kind, Named, Setting};
pub use source::Source;
use vendor::VendorSection;

/// Every vendor's settings section; adding a vendor adds its line here.
pub const VENDORS: &[&VendorSection] = &[&tanma::settings::SECTION, &weiling::settings::SECTION, &juzi::settings::SECTION];

/// Everything SalesDesk needs to start, validated.
#[derive(Clone, Debug)]
pub struct Settings {
    pub addr: SocketAddr,
    /// Slow clients: seconds a request's headers may take (see `web::connections`).
    pub header_read_timeout_secs: u64,
    /// Connections served at once.
    pub max_connections: usize,
    pub data_dir: PathBuf,
    /// PostgreSQL shared by several instances; `None`: SQLite in `data_dir`.
    pub database_url: Option<SecretString>,
    /// How long an instance's claim on an outbox row lasts.
    pub outbox_lease_secs: u64,
    /// Where cargo-leptos put the compiled site (`/pkg`, assets).
    pub site_root: PathBuf,
    /// Demo mode: the built-in simulators stand in for every vendor.
    pub demo: bool,
    /// How many generated customers the simulators hold in demo mode.
    pub demo_customers: usize,
    /// Demo mode: the simulators send hostile strings (`simulators::dataset::hostile`).
    pub sim_hostile: bool,
    pub log_format: LogFormat,
    /// How often the customer and clue lists are refreshed from the vendors.
    pub list_refresh_secs: u64,
    /// 今日待办: customers without a follow-up for this many days are listed.
    pub stale_follow_up_days: u32,
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

/// Every setting in `--help` order, vendor templates (`<VENDOR>`) unexpanded.
pub fn all_settings() -> impl Iterator<Item = &'static Setting> {
    app::SETTINGS
        .iter()
        .chain(crate::auth::settings::SETTINGS)
        .chain(VENDORS.iter().flat_map(|v| v.settings))
        .chain(vendor::POLICY)
        .chain(std::iter::once(&vendor::SIM_FAULTS))
}

/// Every setting the TOML file may hold, vendor templates filled in for each vendor.
fn file_schema() -> Vec<Named> {
    let templates = VENDORS.iter().flat_map(|v| {
        vendor::POLICY
            .iter()
            .chain(std::iter::once(&vendor::SIM_FAULTS))
            .map(move |t| v.template(t))
    });
    app::SETTINGS
        .iter()
        .chain(crate::auth::settings::SETTINGS)
        .chain(VENDORS.iter().flat_map(|v| v.settings))
        .map(Named::from)
        .chain(templates)
        .filter(|s| s.toml_key.is_some())
        .collect()
}

/// One `--help` row per setting: (environment variable, TOML key or `-`, meaning).
pub type HelpRow = (&'static str, &'static str, String);

static HELP_ROWS: LazyLock<Vec<HelpRow>> =
    LazyLock::new(|| all_settings().map(|s| (s.env, s.toml_key.unwrap_or("-"), s.meaning())).collect());

/// The `--help` rows, derived from the descriptors; iterate it like a table
/// (`for (env, key, meaning) in SETTINGS_HELP`).
pub const SETTINGS_HELP: SettingsHelp = SettingsHelp;

/// See [`SETTINGS_HELP`].
#[derive(Clone, Copy, Debug)]
pub struct SettingsHelp;

impl IntoIterator for SettingsHelp {
    type Item = &'static HelpRow;
    type IntoIter = std::slice::Iter<'static, HelpRow>;

    fn into_iter(self) -> Self::IntoIter {
        HELP_ROWS.iter()
    }
}

/// Reads settings from the file named by `SALESDESK_CONFIG` (or the CLI), the environment
/// (through `env`, so tests need not touch the process environment) and CLI overrides.
pub fn load(config_path: Option<&str>, env: &dyn Fn(&str) -> Option<String>, cli: &CliOverrides) -> Result<Settings, ConfigError> {
    let file = match config_path.map(str::to_string).or_else(|| env(app::CONFIG.env)) {
        Some(path) if !path.trim().is_empty() => {
            let text = std::fs::read_to_string(&path).map_err(|cause| ConfigError::Unreadable { path: path.clone(), cause })?;
            parse_file(&text, &path)?
        }
        _ => toml::Table::new(),
    };
    resolve(&Source::new(env, &file), cli)
}

/// Parses a configuration file's text and checks every key against the declared settings.
pub fn parse_file(text: &str, path: &str) -> Result<toml::Table, ConfigError> {
    file::parse(text, path, &file_schema())
}

fn resolve(src: &Source, cli: &CliOverrides) -> Result<Settings, ConfigError> {
    let addr = src
        .socket_addr(&app::ADDR, cli.addr.clone())?
        .ok_or_else(|| ConfigError::missing(app::ADDR.env, "SalesDesk needs an address to listen on"))?;
    let header_read_timeout_secs = src.number(&app::HEADER_READ_TIMEOUT_SECS)?;
    let max_connections = src.number(&app::MAX_CONNECTIONS)?;
    let data_dir = cli.data_dir.clone().or_else(|| src.text(&app::DATA_DIR)).unwrap_or_default();
    let site_root = src.text(&app::SITE_ROOT).unwrap_or_default();
    let forced_demo = cli.demo || src.flag(&app::DEMO)?;
    let demo_customers = src.number(&app::DEMO_CUSTOMERS)?;
    let sim_hostile = src.flag(&app::SIM_HOSTILE)?;
    let log_format = src
        .parsed(&app::LOG_FORMAT, |v| match v.trim() {
            "text" => Ok(LogFormat::Text),
            "json" => Ok(LogFormat::Json),
            other => Err(format!("\"{other}\" must be text or json")),
        })?
        .unwrap_or(LogFormat::Text);
    let list_refresh_secs = src.number(&app::LIST_REFRESH_SECS)?;
    let stale_follow_up_days = src.number(&app::STALE_FOLLOW_UP_DAYS)?;
    let cache_fresh: u64 = src.number(&app::CACHE_FRESH_SECS)?;
    let cache_max_age: u64 = src.number(&app::CACHE_MAX_AGE_SECS)?;
    if cache_max_age > 0 && cache_fresh > cache_max_age {
        return Err(ConfigError::invalid(
            app::CACHE_FRESH_SECS.env,
            format!("{cache_fresh} is more than {} ({cache_max_age})", app::CACHE_MAX_AGE_SECS.env),
        ));
    }
    let cache = CachePolicy {
        fresh: Duration::from_secs(cache_fresh),
        max_age: Duration::from_secs(cache_max_age),
        ..CachePolicy::default()
    };
    let database_url = src.parsed(&app::DATABASE_URL, |url| match url.trim() {
        "" => Err("is empty".to_string()),
        u if u.starts_with("postgres://") || u.starts_with("postgresql://") => Ok(SecretString::from(u.to_string())),
        _ => Err("must start with postgres:// (SQLite needs no URL: it lives in SALESDESK_DATA_DIR)".to_string()),
    })?;
    let outbox_lease_secs = src.number(&app::OUTBOX_LEASE_SECS)?;
    let metrics_token = src.parsed(&app::METRICS_TOKEN, |t| match t.trim() {
        t if t.len() < 16 => Err("must be at least 16 characters".to_string()),
        t => Ok(SecretString::from(t.to_string())),
    })?;
    let auth = crate::auth::AuthSettings::load(src)?;
    let tanma = tanma::settings::load(src)?;
    let weiling = weiling::settings::load(src)?;
    let juzi = juzi::settings::load(src)?;
    let demo = forced_demo || (tanma.is_none() && weiling.is_none() && juzi.is_none());
    let simulator_faults = SimulatorFaults {
        tanma: vendor::fault_plan(src, &tanma::settings::SECTION)?,
        weiling: vendor::fault_plan(src, &weiling::settings::SECTION)?,
        juzi: vendor::fault_plan(src, &juzi::settings::SECTION)?,
    };
    Ok(Settings {
        addr,
        header_read_timeout_secs,
        max_connections,
        data_dir: PathBuf::from(data_dir),
        database_url,
        outbox_lease_secs,
        site_root: PathBuf::from(site_root),
        demo,
        demo_customers,
        sim_hostile,
        log_format,
        list_refresh_secs,
        stale_follow_up_days,
        tanma,
        weiling,
        juzi,
        simulator_faults,
        cache,
        metrics_token,
        auth,
    })
}

#[cfg(test)]
mod tests;
