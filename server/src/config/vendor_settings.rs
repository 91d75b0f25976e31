//! Per-vendor connection settings. Secrets are `SecretString`: their `Debug` prints
//! `[REDACTED]` and reading them needs an explicit `expose_secret()`.

use std::time::Duration;

use secrecy::SecretString;
use url::Url;

use crate::vendors::HttpPolicy;

pub const TANMA_DEFAULT_BASE_URL: &str = "https://account.tanmarket.cn/apiServer";
pub const WEILING_DEFAULT_BASE_URL: &str = "https://openapi.weiling.cn/openapi";
pub const JUZI_DEFAULT_BASE_URL: &str = "https://hub.juzibot.com";

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

#[derive(Clone, Debug)]
pub struct JuziSettings {
    /// Host, e.g. `https://hub.juzibot.com`; paths such as `/api/v1/customer/list` are appended.
    pub base_url: Url,
    pub token: SecretString,
    pub http: HttpPolicy,
}
