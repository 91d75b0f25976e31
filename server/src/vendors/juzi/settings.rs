//! Juzibot's settings: declared once here (environment variable, TOML key, default, help) and
//! read into [`JuziSettings`]. The HTTP policy and demo fault plan come from the shared
//! templates in `crate::config::vendor`.

use secrecy::SecretString;
use url::Url;

use crate::config::vendor::{VendorSection, base_url, http_policy};
use crate::config::{ConfigError, Kind, Setting, Source};
use crate::vendors::HttpPolicy;

pub const BASE_URL: Setting = Setting {
    env: "SALESDESK_JUZI_BASE_URL",
    toml_key: Some("juzi.base_url"),
    kind: Kind::Text,
    default: Some("https://hub.juzibot.com"),
    help: "Juzibot API host",
    secret: false,
};

pub const TOKEN: Setting = Setting {
    env: "SALESDESK_JUZI_TOKEN",
    toml_key: Some("juzi.token"),
    kind: Kind::Text,
    default: None,
    help: "Juzibot token",
    secret: true,
};

pub const SECTION: VendorSection = VendorSection {
    env_name: "JUZI",
    table: "juzi",
    settings: &[BASE_URL, TOKEN],
};

#[derive(Clone, Debug)]
pub struct JuziSettings {
    /// Host, e.g. `https://hub.juzibot.com`; paths such as `/api/v1/customer/list` are appended.
    pub base_url: Url,
    pub token: SecretString,
    pub http: HttpPolicy,
}

/// Juzibot's settings, `None` when its token is not configured.
pub fn load(src: &Source) -> Result<Option<JuziSettings>, ConfigError> {
    let token = src.secret(&TOKEN);
    let base_url = base_url(src, &BASE_URL)?;
    let http = http_policy(src, &SECTION)?;
    Ok(token.map(|token| JuziSettings { base_url, token, http }))
}
