//! Sign-in settings: session lifetimes, the cookie's `Secure` flag, which proxies are trusted
//! for `X-Forwarded-*` and for the SSO user header, and the first admin. Read from the
//! environment (and the `[auth]` table of the TOML file, except the two secrets, which are
//! environment-only so they never sit in a file next to the rest).

use std::time::Duration;

use http::HeaderName;
use secrecy::{ExposeSecret, SecretString};

use super::net::Cidr;
use crate::config::{ConfigError, Kind, Setting, Source};

pub const SESSION_IDLE_MINUTES: Setting = Setting {
    env: "SALESDESK_SESSION_IDLE_MINUTES",
    toml_key: Some("auth.session_idle_minutes"),
    kind: Kind::Number { min: 1, max: 10_080 },
    default: Some("120"),
    help: "sign out after this long without a request",
    secret: false,
};

pub const SESSION_MAX_HOURS: Setting = Setting {
    env: "SALESDESK_SESSION_MAX_HOURS",
    toml_key: Some("auth.session_max_hours"),
    kind: Kind::Number { min: 1, max: 720 },
    default: Some("12"),
    help: "sign out this long after sign-in, active or not",
    secret: false,
};

pub const COOKIE_SECURE: Setting = Setting {
    env: "SALESDESK_COOKIE_SECURE",
    toml_key: Some("auth.cookie_secure"),
    kind: Kind::Text,
    default: Some("auto"),
    help: "session cookie Secure flag: auto (when a trusted proxy says https), always or never",
    secret: false,
};

pub const TRUSTED_PROXIES: Setting = Setting {
    env: "SALESDESK_TRUSTED_PROXIES",
    toml_key: Some("auth.trusted_proxies"),
    kind: Kind::List,
    default: None,
    help: "comma-separated proxy addresses/CIDRs whose X-Forwarded-For/-Proto/-Host are believed; unset = none",
    secret: false,
};

pub const SSO_USER_HEADER: Setting = Setting {
    env: "SALESDESK_SSO_USER_HEADER",
    toml_key: Some("auth.sso_user_header"),
    kind: Kind::Text,
    default: None,
    help: "SSO mode: header carrying the signed-in username, e.g. X-Remote-User; unset = off",
    secret: false,
};

pub const SSO_TRUSTED_PROXIES: Setting = Setting {
    env: "SALESDESK_SSO_TRUSTED_PROXIES",
    toml_key: Some("auth.sso_trusted_proxies"),
    kind: Kind::List,
    default: None,
    help: "SSO mode: addresses/CIDRs allowed to send that header (required with it)",
    secret: false,
};

pub const PUBLIC_HOSTS: Setting = Setting {
    env: "SALESDESK_PUBLIC_HOSTS",
    toml_key: Some("auth.public_hosts"),
    kind: Kind::List,
    default: None,
    help: "comma-separated host names browsers use to reach SalesDesk (e.g. desk.corp.example); any other name in Host is refused (DNS rebinding); localhost and IP addresses always work",
    secret: false,
};

/// Environment only, so it never sits in a file next to the rest.
pub const BOOTSTRAP_ADMIN: Setting = Setting {
    env: "SALESDESK_BOOTSTRAP_ADMIN",
    toml_key: None,
    kind: Kind::Text,
    default: None,
    help: "name:password; creates this admin at start when no user exists",
    secret: true,
};

/// Environment only, like [`BOOTSTRAP_ADMIN`].
pub const DEMO_PASSWORD: Setting = Setting {
    env: "SALESDESK_DEMO_PASSWORD",
    toml_key: None,
    kind: Kind::Text,
    default: None,
    help: "demo mode: password of every demo user; random and printed when unset",
    secret: true,
};

/// In `--help` order.
pub const SETTINGS: &[Setting] = &[
    SESSION_IDLE_MINUTES,
    SESSION_MAX_HOURS,
    COOKIE_SECURE,
    TRUSTED_PROXIES,
    PUBLIC_HOSTS,
    SSO_USER_HEADER,
    SSO_TRUSTED_PROXIES,
    BOOTSTRAP_ADMIN,
    DEMO_PASSWORD,
];

pub const DEFAULT_SESSION_IDLE_MINUTES: u64 = 120;
pub const DEFAULT_SESSION_MAX_HOURS: u64 = 12;

/// When the session cookie carries `Secure`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CookieSecure {
    /// When the request reached a trusted proxy over HTTPS (`X-Forwarded-Proto: https`).
    Auto,
    Always,
    Never,
}

/// Sign-in through an intranet SSO proxy: the proxy authenticates and names the user in a
/// header. Only requests whose TCP peer is one of `proxies` may use it.
#[derive(Clone, Debug)]
pub struct SsoSettings {
    pub header: HeaderName,
    pub proxies: Vec<Cidr>,
}

#[derive(Clone, Debug)]
pub struct AuthSettings {
    pub session_idle: Duration,
    pub session_max: Duration,
    pub cookie_secure: CookieSecure,
    pub trusted_proxies: Vec<Cidr>,
    /// Host names (lower case, no port) besides `localhost` and IP addresses that requests
    /// may name (`super::net::host_allowed`).
    pub public_hosts: Vec<String>,
    pub sso: Option<SsoSettings>,
    /// `SALESDESK_BOOTSTRAP_ADMIN`: (username, password).
    pub bootstrap_admin: Option<(String, SecretString)>,
    pub demo_password: Option<SecretString>,
}

impl Default for AuthSettings {
    fn default() -> Self {
        AuthSettings {
            session_idle: Duration::from_secs(DEFAULT_SESSION_IDLE_MINUTES * 60),
            session_max: Duration::from_secs(DEFAULT_SESSION_MAX_HOURS * 3600),
            cookie_secure: CookieSecure::Auto,
            trusted_proxies: Vec::new(),
            public_hosts: Vec::new(),
            sso: None,
            bootstrap_admin: None,
            demo_password: None,
        }
    }
}

impl AuthSettings {
    /// Reads the sign-in settings (`[auth]` in the file, except the two environment-only
    /// secrets).
    pub fn load(src: &Source) -> Result<Self, ConfigError> {
        let idle: u64 = src.number(&SESSION_IDLE_MINUTES)?;
        let max_hours: u64 = src.number(&SESSION_MAX_HOURS)?;
        let cookie_secure = src
            .parsed(&COOKIE_SECURE, |v| match v.trim() {
                "auto" => Ok(CookieSecure::Auto),
                "always" | "1" | "true" => Ok(CookieSecure::Always),
                "never" | "0" | "false" => Ok(CookieSecure::Never),
                other => Err(format!("\"{other}\" must be auto, always or never")),
            })?
            .unwrap_or(CookieSecure::Auto);
        let trusted_proxies = src.cidrs(&TRUSTED_PROXIES)?;
        let mut public_hosts = Vec::new();
        for host in src.list(&PUBLIC_HOSTS) {
            let host = host.trim().to_ascii_lowercase();
            let valid = !host.is_empty() && host.len() <= 253 && host.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
            if !valid {
                return Err(ConfigError::invalid(
                    PUBLIC_HOSTS.env,
                    format!("\"{host}\" is not a host name (give names only, without scheme or port)"),
                ));
            }
            public_hosts.push(host);
        }
        let sso_header = src.text(&SSO_USER_HEADER).map(|h| h.trim().to_string()).filter(|h| !h.is_empty());
        let sso_proxies = src.cidrs(&SSO_TRUSTED_PROXIES);
        let sso = match sso_header {
            None if src.list(&SSO_TRUSTED_PROXIES).is_empty() => None,
            None => {
                return Err(ConfigError::missing(
                    SSO_USER_HEADER.env,
                    format!("{} is set but names no header", SSO_TRUSTED_PROXIES.env),
                ));
            }
            Some(h) => {
                let header = HeaderName::try_from(h.to_ascii_lowercase())
                    .map_err(|_| ConfigError::invalid(SSO_USER_HEADER.env, format!("\"{h}\" is not a valid header name")))?;
                if matches!(header.as_str(), "cookie" | "host" | "authorization" | "origin" | "referer") {
                    return Err(ConfigError::invalid(
                        SSO_USER_HEADER.env,
                        format!("\"{h}\" cannot carry the user name"),
                    ));
                }
                let proxies = sso_proxies?;
                if proxies.is_empty() {
                    return Err(ConfigError::missing(
                        SSO_TRUSTED_PROXIES.env,
                        "SSO mode needs the proxy addresses allowed to send the user header",
                    ));
                }
                Some(SsoSettings { header, proxies })
            }
        };
        let bootstrap_admin = match src.secret(&BOOTSTRAP_ADMIN) {
            None => None,
            Some(v) => {
                // Never quote the value: it holds a password.
                let invalid = |problem: String| ConfigError::invalid(BOOTSTRAP_ADMIN.env, problem);
                let (name, password) = v
                    .expose_secret()
                    .split_once(':')
                    .ok_or_else(|| invalid("must be name:password".into()))?;
                let name = name.trim();
                super::users::validate_username(name).map_err(|e| invalid(e.to_string()))?;
                super::password::validate_new(password).map_err(|e| invalid(e.to_string()))?;
                Some((name.to_string(), SecretString::from(password.to_string())))
            }
        };
        let demo_password = match src.secret(&DEMO_PASSWORD) {
            None => None,
            Some(p) => {
                super::password::validate_new(p.expose_secret()).map_err(|e| ConfigError::invalid(DEMO_PASSWORD.env, e.to_string()))?;
                Some(p)
            }
        };
        Ok(AuthSettings {
            session_idle: Duration::from_secs(idle * 60),
            session_max: Duration::from_secs(max_hours * 3600),
            cookie_secure,
            trusted_proxies,
            public_hosts,
            sso,
            bootstrap_admin,
            demo_password,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use secrecy::ExposeSecret;

    use super::*;

    fn load(pairs: &[(&str, &str)]) -> Result<AuthSettings, String> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let file = toml::Table::new();
        AuthSettings::load(&Source::new(&|k| map.get(k).cloned(), &file)).map_err(|e| e.to_string())
    }

    #[test]
    fn defaults() {
        let s = load(&[]).unwrap();
        assert_eq!(s.session_idle, Duration::from_secs(7200));
        assert_eq!(s.session_max, Duration::from_secs(12 * 3600));
        assert_eq!(s.cookie_secure, CookieSecure::Auto);
        assert!(s.sso.is_none() && s.bootstrap_admin.is_none() && s.trusted_proxies.is_empty());
    }

    #[test]
    fn sso_needs_header_and_proxies() {
        let s = load(&[
            ("SALESDESK_SSO_USER_HEADER", "X-Remote-User"),
            ("SALESDESK_SSO_TRUSTED_PROXIES", "10.0.0.5, 10.1.0.0/16"),
        ])
        .unwrap();
        let sso = s.sso.unwrap();
        assert_eq!(sso.header.as_str(), "x-remote-user");
        assert_eq!(sso.proxies.len(), 2);
        let e = load(&[("SALESDESK_SSO_USER_HEADER", "X-Remote-User")]).unwrap_err();
        assert!(e.starts_with("SALESDESK_SSO_TRUSTED_PROXIES: missing"), "{e}");
        let e = load(&[("SALESDESK_SSO_TRUSTED_PROXIES", "10.0.0.5")]).unwrap_err();
        assert!(e.starts_with("SALESDESK_SSO_USER_HEADER"), "{e}");
        let e = load(&[
            ("SALESDESK_SSO_USER_HEADER", "X-User"),
            ("SALESDESK_SSO_TRUSTED_PROXIES", "10.0.0.300"),
        ])
        .unwrap_err();
        assert!(e.starts_with("SALESDESK_SSO_TRUSTED_PROXIES"), "{e}");
    }

    #[test]
    fn bootstrap_admin_is_parsed_and_never_echoed() {
        let s = load(&[("SALESDESK_BOOTSTRAP_ADMIN", "boss:correct horse battery")]).unwrap();
        let (name, password) = s.bootstrap_admin.unwrap();
        assert_eq!(name, "boss");
        assert_eq!(password.expose_secret(), "correct horse battery");
        let e = load(&[("SALESDESK_BOOTSTRAP_ADMIN", "boss:short")]).unwrap_err();
        assert!(e.starts_with("SALESDESK_BOOTSTRAP_ADMIN") && !e.contains("short"), "{e}");
        let e = load(&[("SALESDESK_BOOTSTRAP_ADMIN", "no-colon-secretvalue")]).unwrap_err();
        assert!(!e.contains("secretvalue"), "{e}");
    }

    #[test]
    fn file_table_and_environment_precedence() {
        let file = crate::config::parse_file(
            "[auth]\nsession_idle_minutes = 30\ncookie_secure = \"always\"\ntrusted_proxies = [\"10.0.0.0/8\"]",
            "x.toml",
        )
        .unwrap();
        let env = |k: &str| (k == "SALESDESK_SESSION_IDLE_MINUTES").then(|| "45".to_string());
        let s = AuthSettings::load(&Source::new(&env, &file)).unwrap();
        assert_eq!(s.session_idle, Duration::from_secs(45 * 60), "the environment wins");
        assert_eq!(s.cookie_secure, CookieSecure::Always);
        assert!(s.trusted_proxies[0].contains("10.2.3.4".parse().unwrap()));
        assert!(
            crate::config::parse_file("[auth]\nbootstrap_admin = \"a:b\"", "x.toml").is_err(),
            "secrets are environment-only"
        );
    }

    #[test]
    fn bad_values_name_the_setting() {
        for (name, value) in [
            ("SALESDESK_SESSION_IDLE_MINUTES", "0"),
            ("SALESDESK_SESSION_MAX_HOURS", "soon"),
            ("SALESDESK_COOKIE_SECURE", "sometimes"),
            ("SALESDESK_TRUSTED_PROXIES", "proxy.local"),
            ("SALESDESK_DEMO_PASSWORD", "abc"),
        ] {
            let e = load(&[(name, value)]).unwrap_err();
            assert!(e.starts_with(name), "{name}={value}: {e}");
        }
    }
}
