//! The descriptor every setting is declared with, once: its environment variable, TOML key,
//! default, help and whether it is a secret. `--help`, the README check, the TOML file's
//! schema and the reading of values all derive from these.

use std::borrow::Cow;

/// One setting.
#[derive(Debug)]
pub struct Setting {
    /// Environment variable, e.g. `SALESDESK_ADDR`. Templates shared by every vendor hold
    /// `<VENDOR>` (see [`Setting::for_vendor`]).
    pub env: &'static str,
    /// Dotted TOML key (`addr`, `auth.cookie_secure`, `tanma.app_id`; templates `<vendor>.…`);
    /// `None`: environment only.
    pub toml_key: Option<&'static str>,
    /// What the value is, which also decides the TOML type accepted.
    pub kind: Kind,
    /// The value used when neither the file nor the environment has one, written as in the
    /// environment; `None`: unset.
    pub default: Option<&'static str>,
    /// One line for `--help`; the default and the secret marker are appended.
    pub help: &'static str,
    /// Never quoted in errors, held in `SecretString`.
    pub secret: bool,
}

/// The shape of a value: environment text parses into it, the TOML file must hold it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A string.
    Text,
    /// `1`/`0`, `true`/`false`, `yes`/`no`, `on`/`off`; a TOML boolean.
    Flag,
    /// A whole number within `min..=max`; a TOML integer.
    Number { min: u64, max: u64 },
    /// Comma- or space-separated in the environment; a TOML array of strings.
    List,
    /// JSON in the environment; a TOML table (read with serde).
    Table,
}

impl Kind {
    /// How the TOML file must spell it, for error messages.
    pub fn toml_type(self) -> &'static str {
        match self {
            Kind::Text => "a string",
            Kind::Flag => "a boolean",
            Kind::Number { .. } => "an integer",
            Kind::List => "an array of strings",
            Kind::Table => "a table",
        }
    }

    pub(crate) fn accepts(self, value: &toml::Value) -> bool {
        match (self, value) {
            (Kind::Text, toml::Value::String(_))
            | (Kind::Flag, toml::Value::Boolean(_))
            | (Kind::Number { .. }, toml::Value::Integer(_))
            | (Kind::Table, toml::Value::Table(_)) => true,
            (Kind::List, toml::Value::Array(items)) => items.iter().all(toml::Value::is_str),
            _ => false,
        }
    }
}

impl Setting {
    /// This template for one vendor: `SALESDESK_<VENDOR>_MAX_RETRIES` becomes
    /// `SALESDESK_TANMA_MAX_RETRIES`, `<vendor>.max_retries` becomes `tanma.max_retries`.
    pub fn for_vendor(&'static self, env_name: &str, table: &str) -> Named {
        Named {
            setting: self,
            env: Cow::Owned(self.env.replace("<VENDOR>", env_name)),
            toml_key: self.toml_key.map(|k| Cow::Owned(k.replace("<vendor>", table))),
        }
    }

    /// The `--help` line: help, default, secret marker.
    pub fn meaning(&self) -> String {
        let mut out = self.help.to_string();
        if let Some(default) = self.default {
            out.push_str(&format!(" [default: {default}]"));
        }
        match (self.secret, self.toml_key) {
            (true, None) => out.push_str(" (secret; environment only)"),
            (true, Some(_)) => out.push_str(" (secret)"),
            (false, _) => {}
        }
        out
    }
}

/// A setting as it is looked up: a declared one, or a vendor template filled in.
#[derive(Clone, Debug)]
pub struct Named {
    pub setting: &'static Setting,
    pub env: Cow<'static, str>,
    pub toml_key: Option<Cow<'static, str>>,
}

impl From<&'static Setting> for Named {
    fn from(setting: &'static Setting) -> Self {
        Named {
            setting,
            env: Cow::Borrowed(setting.env),
            toml_key: setting.toml_key.map(Cow::Borrowed),
        }
    }
}

impl From<&Named> for Named {
    fn from(named: &Named) -> Self {
        named.clone()
    }
}
