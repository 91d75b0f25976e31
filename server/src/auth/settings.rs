//! Sign-in settings: session lifetimes, the cookie's `Secure` flag, which proxies are trusted
//! for `X-Forwarded-*` and for the SSO user header, and the first admin. Read from the
//! environment (and the `[auth]` table of the TOML file, except the two secrets, which are
//! environment-only so they never sit in a file next to the rest).

use std::time::Duration;

use http::HeaderName;
use secrecy::SecretString;
use serde::Deserialize;

use super::net::Cidr;

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
            sso: None,
            bootstrap_admin: None,
            demo_password: None,
        }
    }
}

/// The `[auth]` table of the TOML file.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileAuth {
    pub session_idle_minutes: Option<u64>,
    pub session_max_hours: Option<u64>,
    pub cookie_secure: Option<String>,
    pub trusted_proxies: Option<Vec<String>>,
    pub sso_user_header: Option<String>,
    pub sso_trusted_proxies: Option<Vec<String>>,
}

fn split_list(text: &str) -> Vec<String> {
    text.split([',', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn cidrs(name: &str, items: &[String]) -> Result<Vec<Cidr>, String> {
    items
        .iter()
        .map(|s| s.parse::<Cidr>().map_err(|e| format!("{name}: {e}")))
        .collect()
}

fn minutes(name: &str, text: Option<String>, file: Option<u64>, default: u64, range: std::ops::RangeInclusive<u64>) -> Result<u64, String> {
    let value = match text {
        Some(v) => v
            .trim()
            .parse::<u64>()
            .map_err(|_| format!("{name}: \"{v}\" is not a valid number"))?,
        None => file.unwrap_or(default),
    };
    if !range.contains(&value) {
        return Err(format!("{name}: {value} must be from {} to {}", range.start(), range.end()));
    }
    Ok(value)
}

impl AuthSettings {
    /// `env` returns a variable's value with empty values already treated as unset.
    pub fn load(env: &dyn Fn(&str) -> Option<String>, file: Option<&FileAuth>) -> Result<Self, String> {
        let empty = FileAuth::default();
        let file = file.unwrap_or(&empty);
        let idle = minutes(
            "SALESDESK_SESSION_IDLE_MINUTES",
            env("SALESDESK_SESSION_IDLE_MINUTES"),
            file.session_idle_minutes,
            DEFAULT_SESSION_IDLE_MINUTES,
            1..=10_080,
        )?;
        let max_hours = minutes(
            "SALESDESK_SESSION_MAX_HOURS",
            env("SALESDESK_SESSION_MAX_HOURS"),
            file.session_max_hours,
            DEFAULT_SESSION_MAX_HOURS,
            1..=720,
        )?;
        let cookie_secure = match env("SALESDESK_COOKIE_SECURE")
            .or(file.cookie_secure.clone())
            .as_deref()
            .map(str::trim)
        {
            None | Some("auto") => CookieSecure::Auto,
            Some("always") | Some("1") | Some("true") => CookieSecure::Always,
            Some("never") | Some("0") | Some("false") => CookieSecure::Never,
            Some(other) => return Err(format!("SALESDESK_COOKIE_SECURE: \"{other}\" must be auto, always or never")),
        };
        let trusted = env("SALESDESK_TRUSTED_PROXIES")
            .map(|v| split_list(&v))
            .or(file.trusted_proxies.clone())
            .unwrap_or_default();
        let trusted_proxies = cidrs("SALESDESK_TRUSTED_PROXIES", &trusted)?;
        let sso_header = env("SALESDESK_SSO_USER_HEADER")
            .or(file.sso_user_header.clone())
            .map(|h| h.trim().to_string())
            .filter(|h| !h.is_empty());
        let sso_proxies = env("SALESDESK_SSO_TRUSTED_PROXIES")
            .map(|v| split_list(&v))
            .or(file.sso_trusted_proxies.clone())
            .unwrap_or_default();
        let sso = match sso_header {
            None if sso_proxies.is_empty() => None,
            None => return Err("SALESDESK_SSO_USER_HEADER: missing; SALESDESK_SSO_TRUSTED_PROXIES is set but names no header".into()),
            Some(h) => {
                let header = HeaderName::try_from(h.to_ascii_lowercase())
                    .map_err(|_| format!("SALESDESK_SSO_USER_HEADER: \"{h}\" is not a valid header name"))?;
                if matches!(header.as_str(), "cookie" | "host" | "authorization" | "origin" | "referer") {
                    return Err(format!("SALESDESK_SSO_USER_HEADER: \"{h}\" cannot carry the user name"));
                }
                let proxies = cidrs("SALESDESK_SSO_TRUSTED_PROXIES", &sso_proxies)?;
                if proxies.is_empty() {
                    return Err(
                        "SALESDESK_SSO_TRUSTED_PROXIES: missing; SSO mode needs the proxy addresses allowed to send the user header".into(),
                    );
                }
                Some(SsoSettings { header, proxies })
            }
        };
        let bootstrap_admin = match env("SALESDESK_BOOTSTRAP_ADMIN") {
            None => None,
            Some(v) => {
                // Never quote the value: it holds a password.
                let (name, password) = v.split_once(':').ok_or("SALESDESK_BOOTSTRAP_ADMIN: must be name:password")?;
                let name = name.trim();
                super::users::validate_username(name).map_err(|e| format!("SALESDESK_BOOTSTRAP_ADMIN: {e}"))?;
                super::password::validate_new(password).map_err(|e| format!("SALESDESK_BOOTSTRAP_ADMIN: {e}"))?;
                Some((name.to_string(), SecretString::from(password.to_string())))
            }
        };
        let demo_password = match env("SALESDESK_DEMO_PASSWORD") {
            None => None,
            Some(p) => {
                super::password::validate_new(&p).map_err(|e| format!("SALESDESK_DEMO_PASSWORD: {e}"))?;
                Some(SecretString::from(p))
            }
        };
        Ok(AuthSettings {
            session_idle: Duration::from_secs(idle * 60),
            session_max: Duration::from_secs(max_hours * 3600),
            cookie_secure,
            trusted_proxies,
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
        AuthSettings::load(&|k| map.get(k).cloned(), None)
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
        let file: FileAuth =
            toml::from_str("session_idle_minutes = 30\ncookie_secure = \"always\"\ntrusted_proxies = [\"10.0.0.0/8\"]").unwrap();
        let env = |k: &str| (k == "SALESDESK_SESSION_IDLE_MINUTES").then(|| "45".to_string());
        let s = AuthSettings::load(&env, Some(&file)).unwrap();
        assert_eq!(s.session_idle, Duration::from_secs(45 * 60), "the environment wins");
        assert_eq!(s.cookie_secure, CookieSecure::Always);
        assert!(s.trusted_proxies[0].contains("10.2.3.4".parse().unwrap()));
        assert!(
            toml::from_str::<FileAuth>("bootstrap_admin = \"a:b\"").is_err(),
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
