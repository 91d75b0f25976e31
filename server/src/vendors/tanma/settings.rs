//! Tanma's settings: declared once here (environment variable, TOML key, default, help) and
//! read into [`TanmaSettings`]. The HTTP policy and demo fault plan come from the shared
//! templates in `crate::config::vendor`.

use secrecy::SecretString;
use url::Url;

use crate::config::vendor::{VendorSection, base_url, credentials, http_policy};
use crate::config::{ConfigError, Kind, Setting, Source};
use crate::vendors::HttpPolicy;

pub const BASE_URL: Setting = Setting {
    env: "SALESDESK_TANMA_BASE_URL",
    toml_key: Some("tanma.base_url"),
    kind: Kind::Text,
    default: Some("https://account.tanmarket.cn/apiServer"),
    help: "Tanma API base",
    secret: false,
};

pub const APP_ID: Setting = Setting {
    env: "SALESDESK_TANMA_APP_ID",
    toml_key: Some("tanma.app_id"),
    kind: Kind::Text,
    default: None,
    help: "Tanma appId",
    secret: false,
};

pub const APP_KEY: Setting = Setting {
    env: "SALESDESK_TANMA_APP_KEY",
    toml_key: Some("tanma.app_key"),
    kind: Kind::Text,
    default: None,
    help: "Tanma appKey; signs requests",
    secret: true,
};

pub const SEND_APP_KEY_HEADER: Setting = Setting {
    env: "SALESDESK_TANMA_SEND_APP_KEY_HEADER",
    toml_key: Some("tanma.send_app_key_header"),
    kind: Kind::Flag,
    default: Some("false"),
    help: "also send the appKey header",
    secret: false,
};

pub const SECTION: VendorSection = VendorSection {
    env_name: "TANMA",
    table: "tanma",
    settings: &[BASE_URL, APP_ID, APP_KEY, SEND_APP_KEY_HEADER],
};

#[derive(Clone, Debug)]
pub struct TanmaSettings {
    /// Base URL including its path prefix; API paths such as `/api/v3/clue/get` are appended.
    pub base_url: Url,
    /// Public application id, sent as the `appId` header.
    pub app_id: String,
    /// Shared secret appended to the signed string (never sent, unless `send_app_key_header`).
    pub app_key: SecretString,
    /// The vendor pages list an `appKey` header; public clients work without it. Off by default
    /// so the key never travels; configurable because the rule is unconfirmed.
    pub send_app_key_header: bool,
    pub http: HttpPolicy,
}

/// Tanma's settings, `None` when its credentials are not configured.
pub fn load(src: &Source) -> Result<Option<TanmaSettings>, ConfigError> {
    let creds = credentials(src, "Tanma", &APP_ID, &APP_KEY)?;
    let base_url = base_url(src, &BASE_URL)?;
    let send_app_key_header = src.flag(&SEND_APP_KEY_HEADER)?;
    let http = http_policy(src, &SECTION)?;
    Ok(creds.map(|(app_id, app_key)| TanmaSettings {
        base_url,
        app_id,
        app_key,
        send_app_key_header,
        http,
    }))
}
