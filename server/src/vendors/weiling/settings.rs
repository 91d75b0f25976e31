//! Weiling's settings: declared once here (environment variable, TOML key, default, help) and
//! read into [`WeilingSettings`]. The HTTP policy and demo fault plan come from the shared
//! templates in `crate::config::vendor`.

use std::time::Duration;

use secrecy::SecretString;
use url::Url;

use crate::config::vendor::{VendorSection, base_url, credentials, http_policy};
use crate::config::{ConfigError, Kind, Setting, Source};
use crate::vendors::HttpPolicy;

pub const BASE_URL: Setting = Setting {
    env: "SALESDESK_WEILING_BASE_URL",
    toml_key: Some("weiling.base_url"),
    kind: Kind::Text,
    default: Some("https://openapi.weiling.cn/openapi"),
    help: "Weiling API base",
    secret: false,
};

pub const APP_ID: Setting = Setting {
    env: "SALESDESK_WEILING_APP_ID",
    toml_key: Some("weiling.app_id"),
    kind: Kind::Text,
    default: None,
    help: "Weiling app_id",
    secret: false,
};

pub const APP_SECRET: Setting = Setting {
    env: "SALESDESK_WEILING_APP_SECRET",
    toml_key: Some("weiling.app_secret"),
    kind: Kind::Text,
    default: None,
    help: "Weiling app_secret",
    secret: true,
};

pub const TOKEN_TTL_SECS: Setting = Setting {
    env: "SALESDESK_WEILING_TOKEN_TTL_SECS",
    toml_key: Some("weiling.token_ttl_secs"),
    kind: Kind::Number { min: 60, max: u64::MAX },
    default: Some("7200"),
    help: "trust an access_token this long when the reply has no expiry",
    secret: false,
};

pub const SECTION: VendorSection = VendorSection {
    env_name: "WEILING",
    table: "weiling",
    settings: &[BASE_URL, APP_ID, APP_SECRET, TOKEN_TTL_SECS],
};

#[derive(Clone, Debug)]
pub struct WeilingSettings {
    /// Base URL ending in `/openapi`; paths such as `/customer/batch` are appended.
    pub base_url: Url,
    pub app_id: String,
    pub app_secret: SecretString,
    /// How long a token is trusted when the vendor does not say (undocumented; 2 h default).
    pub token_ttl: Duration,
    pub http: HttpPolicy,
}

/// Weiling's settings, `None` when its credentials are not configured.
pub fn load(src: &Source) -> Result<Option<WeilingSettings>, ConfigError> {
    let creds = credentials(src, "Weiling", &APP_ID, &APP_SECRET)?;
    let base_url = base_url(src, &BASE_URL)?;
    let token_ttl = Duration::from_secs(src.number(&TOKEN_TTL_SECS)?);
    let http = http_policy(src, &SECTION)?;
    Ok(creds.map(|(app_id, app_secret)| WeilingSettings {
        base_url,
        app_id,
        app_secret,
        token_ttl,
        http,
    }))
}
