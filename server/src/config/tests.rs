use std::collections::HashMap;

use secrecy::ExposeSecret;

use super::*;

fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
    let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    move |k: &str| map.get(k).cloned()
}

fn load_env(pairs: &[(&str, &str)]) -> Result<Settings, String> {
    load(None, &env_of(pairs), &CliOverrides::default()).map_err(|e| e.to_string())
}

#[test]
fn defaults_start_in_demo_mode() {
    let s = load_env(&[]).unwrap();
    assert!(s.demo);
    assert_eq!(Some(s.addr.to_string().as_str()), app::ADDR.default);
    assert!(s.tanma.is_none() && s.weiling.is_none() && s.juzi.is_none());
    assert_eq!(s.log_format, LogFormat::Text);
}

#[test]
fn full_vendor_credentials_configure_live_mode() {
    let s = load_env(&[
        ("SALESDESK_TANMA_APP_ID", "app1"),
        ("SALESDESK_TANMA_APP_KEY", "k-secret"),
        ("SALESDESK_JUZI_TOKEN", "j-secret"),
        ("SALESDESK_JUZI_BASE_URL", "http://127.0.0.1:9100"),
        ("SALESDESK_JUZI_REQUEST_TIMEOUT_MS", "1500"),
    ])
    .unwrap();
    assert!(!s.demo);
    let t = s.tanma.unwrap();
    assert_eq!(t.app_id, "app1");
    assert_eq!(t.app_key.expose_secret(), "k-secret");
    assert_eq!(t.base_url.as_str(), "https://account.tanmarket.cn/apiServer");
    let j = s.juzi.unwrap();
    assert_eq!(j.base_url.as_str(), "http://127.0.0.1:9100/");
    assert_eq!(j.http.request_timeout, Duration::from_millis(1500));
    assert!(s.weiling.is_none());
}

#[test]
fn demo_flag_forces_demo_even_with_credentials() {
    let s = load_env(&[("SALESDESK_JUZI_TOKEN", "x"), ("SALESDESK_DEMO", "1")]).unwrap();
    assert!(s.demo);
}

#[test]
fn half_credentials_name_the_missing_setting() {
    let e = load_env(&[("SALESDESK_WEILING_APP_ID", "w1")]).unwrap_err();
    assert!(e.starts_with("SALESDESK_WEILING_APP_SECRET: missing"), "{e}");
    let e = load_env(&[("SALESDESK_TANMA_APP_KEY", "secret-value")]).unwrap_err();
    assert!(e.starts_with("SALESDESK_TANMA_APP_ID: missing"), "{e}");
    assert!(!e.contains("secret-value"), "a secret leaked into the error: {e}");
}

#[test]
fn bad_values_name_the_setting() {
    let cases = [
        ("SALESDESK_TANMA_BASE_URL", "not a url"),
        ("SALESDESK_WEILING_BASE_URL", "ftp://example.com/openapi"),
        ("SALESDESK_JUZI_BASE_URL", "https://hub.juzibot.com/?token=x"),
        ("SALESDESK_ADDR", "localhost"),
        ("SALESDESK_DEMO", "maybe"),
        ("SALESDESK_LOG_FORMAT", "xml"),
        ("SALESDESK_JUZI_MAX_RETRIES", "many"),
        ("SALESDESK_TANMA_RATE_PER_MINUTE", "0"),
        ("SALESDESK_SIM_WEILING_FAULTS", "{\"latncy_ms\": 5}"),
        ("SALESDESK_DEMO_CUSTOMERS", "0"),
    ];
    for (name, value) in cases {
        let e = load_env(&[(name, value)]).unwrap_err();
        assert!(e.starts_with(name), "{name}={value} gave: {e}");
        assert_eq!(e.lines().count(), 1, "one line: {e}");
    }
}

#[test]
fn environment_beats_file_and_cli_beats_environment() {
    let dir = std::env::temp_dir().join(format!("salesdesk-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("salesdesk.toml");
    std::fs::write(
        &path,
        "addr = \"127.0.0.1:4000\"\ndata_dir = \"/var/lib/salesdesk\"\n[weiling]\napp_id = \"file-id\"\napp_secret = \"file-secret\"\ntoken_ttl_secs = 600\n[simulator.juzi]\nlatency_ms = 50\n",
    )
    .unwrap();
    let path_text = path.to_string_lossy().to_string();
    let env = env_of(&[
        ("SALESDESK_CONFIG", &path_text),
        ("SALESDESK_WEILING_APP_ID", "env-id"),
        ("SALESDESK_DATA_DIR", "/srv/data"),
    ]);
    let cli = CliOverrides {
        addr: Some("127.0.0.1:5000".into()),
        ..Default::default()
    };
    let s = load(None, &env, &cli).unwrap();
    assert_eq!(s.addr.port(), 5000);
    assert_eq!(s.data_dir, PathBuf::from("/srv/data"));
    let w = s.weiling.unwrap();
    assert_eq!(w.app_id, "env-id");
    assert_eq!(w.app_secret.expose_secret(), "file-secret");
    assert_eq!(w.token_ttl, Duration::from_secs(600));
    assert_eq!(s.simulator_faults.juzi.latency_ms, 50);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn file_errors_do_not_quote_secrets() {
    let e = parse_file("[tanma]\napp_key = 12345678\n", "x.toml").unwrap_err().to_string();
    assert!(e.starts_with("x.toml:2:"), "{e}");
    assert!(!e.contains("12345678"), "{e}");
    let e = parse_file("[tanma]\napp_kee = \"s\"\n", "x.toml").unwrap_err().to_string();
    assert!(e.contains("app_kee"), "{e}");
}

#[test]
fn debug_output_redacts_secrets() {
    let s = load_env(&[
        ("SALESDESK_JUZI_TOKEN", "very-secret-token"),
        ("SALESDESK_WEILING_APP_ID", "a"),
        ("SALESDESK_WEILING_APP_SECRET", "weiling-secret"),
    ])
    .unwrap();
    let printed = format!("{s:?}");
    assert!(
        !printed.contains("very-secret-token") && !printed.contains("weiling-secret"),
        "{printed}"
    );
}

#[test]
fn cache_ttls_and_metrics_token_are_settings() {
    let s = load_env(&[]).unwrap();
    assert_eq!(s.cache.fresh, Duration::from_secs(60));
    assert_eq!(s.cache.max_age, Duration::from_secs(86_400));
    assert!(s.metrics_token.is_none());
    let s = load_env(&[
        ("SALESDESK_CACHE_FRESH_SECS", "5"),
        ("SALESDESK_CACHE_MAX_AGE_SECS", "0"),
        ("SALESDESK_METRICS_TOKEN", "0123456789abcdef-scrape"),
    ])
    .unwrap();
    assert_eq!(s.cache.fresh, Duration::from_secs(5));
    assert!(s.cache.max_age.is_zero(), "0 turns the cache off");
    assert_eq!(
        s.metrics_token.as_ref().map(|t| t.expose_secret().to_string()).as_deref(),
        Some("0123456789abcdef-scrape")
    );
    let e = load_env(&[("SALESDESK_CACHE_FRESH_SECS", "600"), ("SALESDESK_CACHE_MAX_AGE_SECS", "60")]).unwrap_err();
    assert!(e.starts_with("SALESDESK_CACHE_FRESH_SECS:"), "{e}");
    let e = load_env(&[("SALESDESK_METRICS_TOKEN", "short")]).unwrap_err();
    assert!(e.starts_with("SALESDESK_METRICS_TOKEN:") && !e.contains("short"), "{e}");
    let e = load_env(&[("SALESDESK_CACHE_MAX_AGE_SECS", "soon")]).unwrap_err();
    assert!(e.starts_with("SALESDESK_CACHE_MAX_AGE_SECS:"), "{e}");
}

#[test]
fn every_setting_is_declared_once_with_a_usable_default() {
    let mut envs = std::collections::HashSet::new();
    let mut keys = std::collections::HashSet::new();
    for s in all_settings() {
        assert!(envs.insert(s.env), "{} declared twice", s.env);
        if let Some(k) = s.toml_key {
            assert!(keys.insert(k), "TOML key {k} declared twice");
        }
        if let Kind::Number { min, max } = s.kind {
            let d: u64 = s.default.and_then(|d| d.parse().ok()).expect(s.env);
            assert!((min..=max).contains(&d), "{}: default {d} out of range", s.env);
        }
        assert!(!(s.secret && s.default.is_some()), "{}: a secret has no default", s.env);
    }
    let help: Vec<_> = SETTINGS_HELP.into_iter().map(|(env, _, _)| *env).collect();
    assert_eq!(help, all_settings().map(|s| s.env).collect::<Vec<_>>());
}

#[test]
fn declared_defaults_match_the_types_defaults() {
    let s = load_env(&[("SALESDESK_TANMA_APP_ID", "a"), ("SALESDESK_TANMA_APP_KEY", "k")]).unwrap();
    let http = crate::vendors::HttpPolicy::default();
    let t = s.tanma.unwrap();
    assert_eq!(t.http.connect_timeout, http.connect_timeout);
    assert_eq!(t.http.request_timeout, http.request_timeout);
    assert_eq!(t.http.max_retries, http.max_retries);
    assert_eq!(t.http.rate_per_minute, http.rate_per_minute);
    let cache = CachePolicy::default();
    assert_eq!((s.cache.fresh, s.cache.max_age), (cache.fresh, cache.max_age));
    let auth = crate::auth::AuthSettings::default();
    assert_eq!((s.auth.session_idle, s.auth.session_max), (auth.session_idle, auth.session_max));
    assert_eq!(s.demo_customers, 240);
    assert_eq!(s.list_refresh_secs, 300);
}

#[test]
fn file_keys_follow_the_descriptors() {
    // A key of another vendor's table is not silently ignored.
    let e = parse_file("[tanma]\napp_id = \"a\"\napp_secret = \"s\"\n", "x.toml").unwrap_err();
    assert!(matches!(e, ConfigError::File { line: Some(3), .. }), "{e}");
    assert!(e.to_string().contains("app_secret") && !e.to_string().contains("\"s\""), "{e}");
    let e = parse_file("[simulator.tanma]\nlatency_ms = 5\n[simulator.nobody]\n", "x.toml").unwrap_err();
    assert!(e.to_string().contains("nobody"), "{e}");
    let e = parse_file("demo = \"yes\"\n", "x.toml").unwrap_err();
    assert!(e.to_string().starts_with("x.toml:1:") && e.to_string().contains("boolean"), "{e}");
    // File values are checked like environment values and named by their variable.
    let table = parse_file("[auth]\nsession_idle_minutes = 0\n", "x.toml").unwrap();
    let e = resolve(&Source::new(&|_| None, &table), &CliOverrides::default()).unwrap_err();
    assert_eq!(e.setting(), "SALESDESK_SESSION_IDLE_MINUTES");
    let table = parse_file("[weiling]\nmax_retries = 11\n", "x.toml").unwrap();
    let e = resolve(&Source::new(&|_| None, &table), &CliOverrides::default()).unwrap_err();
    assert_eq!(e.to_string(), "SALESDESK_WEILING_MAX_RETRIES: 11 is more than 10");
}

#[test]
fn errors_are_typed_and_name_the_setting() {
    let e = load(None, &env_of(&[("SALESDESK_WEILING_APP_ID", "w1")]), &CliOverrides::default()).unwrap_err();
    assert!(matches!(&e, ConfigError::Missing { setting, .. } if setting == "SALESDESK_WEILING_APP_SECRET"));
    assert_eq!(
        e.to_string(),
        "SALESDESK_WEILING_APP_SECRET: missing; Weiling needs both SALESDESK_WEILING_APP_ID and SALESDESK_WEILING_APP_SECRET"
    );
    let e = load(Some("/nonexistent/salesdesk.toml"), &env_of(&[]), &CliOverrides::default()).unwrap_err();
    assert!(
        matches!(e, ConfigError::Unreadable { .. }) && e.setting() == "SALESDESK_CONFIG",
        "{e}"
    );
    // A base URL carrying credentials is refused without quoting it.
    let e = load_env(&[("SALESDESK_TANMA_BASE_URL", "ftp://user:pw-secret@example.com/")]).unwrap_err();
    assert!(e.starts_with("SALESDESK_TANMA_BASE_URL:") && !e.contains("pw-secret"), "{e}");
}
