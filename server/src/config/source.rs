//! Where a setting's value comes from — the environment, else the TOML file, else the
//! descriptor's default — and the shared typed readers. Every reader names the setting in its
//! error and never quotes a secret.

use std::net::SocketAddr;

use secrecy::SecretString;
use serde::de::DeserializeOwned;
use url::Url;

use super::error::ConfigError;
use super::setting::{Kind, Named};
use crate::auth::net::Cidr;

/// The environment (through a function, so tests need not touch the process environment) and
/// the file's table (empty without a file).
pub struct Source<'a> {
    env: &'a dyn Fn(&str) -> Option<String>,
    file: &'a toml::Table,
}

/// A value before it is typed.
enum Raw<'a> {
    Env(String),
    File(&'a toml::Value),
    Default(&'static str),
}

impl<'a> Source<'a> {
    pub fn new(env: &'a dyn Fn(&str) -> Option<String>, file: &'a toml::Table) -> Self {
        Source { env, file }
    }

    /// The environment variable, an empty one counting as unset.
    pub fn env(&self, name: &str) -> Option<String> {
        (self.env)(name).filter(|v| !v.trim().is_empty())
    }

    fn file_value(&self, key: &str) -> Option<&'a toml::Value> {
        let mut parts = key.split('.');
        let mut value = self.file.get(parts.next()?)?;
        for part in parts {
            value = value.as_table()?.get(part)?;
        }
        match value {
            toml::Value::String(s) if s.trim().is_empty() => None,
            v => Some(v),
        }
    }

    fn raw(&self, s: &Named) -> Option<Raw<'a>> {
        if let Some(v) = self.env(&s.env) {
            return Some(Raw::Env(v));
        }
        if let Some(v) = s.toml_key.as_deref().and_then(|k| self.file_value(k)) {
            return Some(Raw::File(v));
        }
        s.setting.default.map(Raw::Default)
    }

    /// Text from the environment or the default; a file value of another type (which the
    /// file's schema check already refused) reads as unset.
    fn raw_text(&self, s: &Named) -> Option<String> {
        match self.raw(s)? {
            Raw::Env(v) => Some(v),
            Raw::Default(v) => Some(v.to_string()),
            Raw::File(toml::Value::String(v)) => Some(v.clone()),
            Raw::File(_) => None,
        }
    }

    /// A text setting, exactly as given; `None` when unset.
    pub fn text(&self, s: impl Into<Named>) -> Option<String> {
        self.raw_text(&s.into())
    }

    /// A secret, exactly as given; `None` when unset.
    pub fn secret(&self, s: impl Into<Named>) -> Option<SecretString> {
        self.raw_text(&s.into()).map(SecretString::from)
    }

    /// A text setting run through `parse`, whose error is the problem after `NAME: ` (it
    /// decides itself whether quoting the value is safe).
    pub fn parsed<T>(&self, s: impl Into<Named>, parse: impl FnOnce(&str) -> Result<T, String>) -> Result<Option<T>, ConfigError> {
        let s = s.into();
        self.raw_text(&s)
            .map(|v| parse(&v).map_err(|problem| ConfigError::invalid(s.env.as_ref(), problem)))
            .transpose()
    }

    /// A flag; unset and without a default is `false`.
    pub fn flag(&self, s: impl Into<Named>) -> Result<bool, ConfigError> {
        let s = s.into();
        let text = match self.raw(&s) {
            None => return Ok(false),
            Some(Raw::File(v)) => return Ok(v.as_bool().unwrap_or(false)),
            Some(Raw::Env(v)) => v,
            Some(Raw::Default(v)) => v.to_string(),
        };
        match text.trim().to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "on" => Ok(true),
            "0" | "false" | "no" | "off" => Ok(false),
            _ => Err(ConfigError::invalid(
                s.env.as_ref(),
                format!("{} must be 1 or 0 (true/false)", quoted(&s, &text)),
            )),
        }
    }

    /// A number within the descriptor's range; a number setting without a value and without
    /// a default is missing.
    pub fn number<T: TryFrom<u64>>(&self, s: impl Into<Named>) -> Result<T, ConfigError> {
        let s = s.into();
        let Kind::Number { min, max } = s.setting.kind else {
            return Err(ConfigError::invalid(s.env.as_ref(), "is not a number setting"));
        };
        let not_a_number = |text: &str| ConfigError::invalid(s.env.as_ref(), format!("{} is not a valid number", quoted(&s, text)));
        let value = match self.raw(&s) {
            None => return Err(ConfigError::missing(s.env.as_ref(), "it has no default")),
            Some(Raw::File(toml::Value::Integer(n))) => u64::try_from(*n).map_err(|_| not_a_number(&n.to_string()))?,
            Some(Raw::File(_)) => return Err(not_a_number("the file's value")),
            Some(Raw::Env(v)) => v.trim().parse::<u64>().map_err(|_| not_a_number(&v))?,
            Some(Raw::Default(v)) => v.parse::<u64>().map_err(|_| not_a_number(v))?,
        };
        if !(min..=max).contains(&value) {
            return Err(ConfigError::invalid(s.env.as_ref(), range_problem(value, min, max)));
        }
        T::try_from(value).map_err(|_| not_a_number(&value.to_string()))
    }

    /// A list (comma- or space-separated in the environment); empty when unset.
    pub fn list(&self, s: impl Into<Named>) -> Vec<String> {
        match self.raw(&s.into()) {
            Some(Raw::Env(v)) => split_list(&v),
            Some(Raw::Default(v)) => split_list(v),
            Some(Raw::File(toml::Value::Array(items))) => items.iter().filter_map(|v| v.as_str().map(str::to_string)).collect(),
            _ => Vec::new(),
        }
    }

    /// A list of addresses or CIDR blocks.
    pub fn cidrs(&self, s: impl Into<Named>) -> Result<Vec<Cidr>, ConfigError> {
        let s = s.into();
        self.list(&s)
            .iter()
            .map(|item| {
                item.parse::<Cidr>()
                    .map_err(|e| ConfigError::invalid(s.env.as_ref(), e.to_string()))
            })
            .collect()
    }

    /// A listen address.
    pub fn socket_addr(&self, s: impl Into<Named>, given: Option<String>) -> Result<Option<SocketAddr>, ConfigError> {
        let s = s.into();
        let parse = |text: &str| {
            text.trim()
                .parse::<SocketAddr>()
                .map_err(|_| format!("\"{text}\" is not an address like 127.0.0.1:3000"))
        };
        match given {
            Some(text) => parse(&text).map(Some).map_err(|p| ConfigError::invalid(s.env.as_ref(), p)),
            None => self.parsed(&s, parse),
        }
    }

    /// An `http(s)://` URL with a host and neither a query string nor credentials.
    pub fn http_url(&self, s: impl Into<Named>) -> Result<Option<Url>, ConfigError> {
        self.parsed(s, http_url)
    }

    /// A serde value: JSON in the environment, a table in the file. `what` names it in errors.
    pub fn structured<T: DeserializeOwned>(&self, s: impl Into<Named>, what: &str) -> Result<Option<T>, ConfigError> {
        let s = s.into();
        let invalid = |e: String| ConfigError::invalid(s.env.as_ref(), format!("not a valid {what} ({e})"));
        match self.raw(&s) {
            None => Ok(None),
            Some(Raw::Env(json)) => serde_json::from_str(&json).map(Some).map_err(|e| invalid(e.to_string())),
            Some(Raw::Default(json)) => serde_json::from_str(json).map(Some).map_err(|e| invalid(e.to_string())),
            Some(Raw::File(v)) => v
                .clone()
                .try_into()
                .map(Some)
                .map_err(|e: toml::de::Error| invalid(e.message().to_string())),
        }
    }
}

/// The value in quotes, or `the value` for a secret.
fn quoted(s: &Named, text: &str) -> String {
    if s.setting.secret {
        "the value".into()
    } else {
        format!("\"{text}\"")
    }
}

fn range_problem(value: u64, min: u64, max: u64) -> String {
    match (min, max) {
        (1, u64::MAX) => "must be more than 0".into(),
        (min, u64::MAX) => format!("must be at least {min}"),
        (0, max) => format!("{value} is more than {max}"),
        (min, max) => format!("{value} must be from {min} to {max}"),
    }
}

fn split_list(text: &str) -> Vec<String> {
    text.split([',', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// The problem with a base URL, quoting it only while it cannot hold credentials.
pub fn http_url(text: &str) -> Result<Url, String> {
    let url = Url::parse(text.trim()).map_err(|e| format!("\"{text}\" is not a valid URL ({e})"))?;
    if url.query().is_some() || !url.username().is_empty() || url.password().is_some() {
        return Err("must not contain a query string or credentials; put secrets in their own settings".into());
    }
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(format!("\"{text}\" must be an http:// or https:// URL with a host"));
    }
    Ok(url)
}
