//! The app-wide settings (everything not about sign-in or one vendor), declared once.

use super::setting::{Kind, Setting};

pub const CONFIG: Setting = Setting {
    env: "SALESDESK_CONFIG",
    toml_key: None,
    kind: Kind::Text,
    default: None,
    help: "path of the optional TOML file holding any setting below",
    secret: false,
};

pub const ADDR: Setting = Setting {
    env: "SALESDESK_ADDR",
    toml_key: Some("addr"),
    kind: Kind::Text,
    default: Some("127.0.0.1:3000"),
    help: "listen address",
    secret: false,
};

pub const HEADER_READ_TIMEOUT_SECS: Setting = Setting {
    env: "SALESDESK_HEADER_READ_TIMEOUT_SECS",
    toml_key: Some("header_read_timeout_secs"),
    kind: Kind::Number { min: 1, max: 300 },
    default: Some("10"),
    help: "a request's headers must arrive within this many seconds, or the connection is closed (slow clients)",
    secret: false,
};

pub const MAX_CONNECTIONS: Setting = Setting {
    env: "SALESDESK_MAX_CONNECTIONS",
    toml_key: Some("max_connections"),
    kind: Kind::Number { min: 1, max: 1_000_000 },
    default: Some("1024"),
    help: "connections served at once; more wait until one closes",
    secret: false,
};

pub const DATA_DIR: Setting = Setting {
    env: "SALESDESK_DATA_DIR",
    toml_key: Some("data_dir"),
    kind: Kind::Text,
    default: Some("./data"),
    help: "where local data lives",
    secret: false,
};

pub const DATABASE_URL: Setting = Setting {
    env: "SALESDESK_DATABASE_URL",
    toml_key: None,
    kind: Kind::Text,
    default: None,
    help: "postgres://user:password@host/db: share one PostgreSQL among several instances; unset = SQLite in SALESDESK_DATA_DIR (one instance)",
    secret: true,
};

pub const OUTBOX_LEASE_SECS: Setting = Setting {
    env: "SALESDESK_OUTBOX_LEASE_SECS",
    toml_key: Some("outbox_lease_secs"),
    kind: Kind::Number { min: 5, max: 3600 },
    default: Some("60"),
    help: "how long an instance's claim on a queued write lasts; a crashed instance's writes go to another after it",
    secret: false,
};

pub const SITE_ROOT: Setting = Setting {
    env: "SALESDESK_SITE_ROOT",
    toml_key: Some("site_root"),
    kind: Kind::Text,
    default: Some("target/site"),
    help: "compiled site (cargo-leptos output)",
    secret: false,
};

pub const DEMO: Setting = Setting {
    env: "SALESDESK_DEMO",
    toml_key: Some("demo"),
    kind: Kind::Flag,
    default: Some("false"),
    help: "1 = use the built-in simulated vendors even if credentials are set",
    secret: false,
};

pub const DEMO_CUSTOMERS: Setting = Setting {
    env: "SALESDESK_DEMO_CUSTOMERS",
    toml_key: Some("demo_customers"),
    kind: Kind::Number { min: 1, max: 1_000_000 },
    default: Some("240"),
    help: "customers generated in demo mode",
    secret: false,
};

pub const SIM_HOSTILE: Setting = Setting {
    env: "SALESDESK_SIM_HOSTILE",
    toml_key: Some("sim_hostile"),
    kind: Kind::Flag,
    default: Some("false"),
    help: "demo mode only: 1 = every string the simulated vendors send carries markup, bidi controls and 10,000-character text (a security check, not a demo)",
    secret: false,
};

pub const LOG_FORMAT: Setting = Setting {
    env: "SALESDESK_LOG_FORMAT",
    toml_key: Some("log_format"),
    kind: Kind::Text,
    default: Some("text"),
    help: "text or json; level via RUST_LOG",
    secret: false,
};

pub const LIST_REFRESH_SECS: Setting = Setting {
    env: "SALESDESK_LIST_REFRESH_SECS",
    toml_key: Some("list_refresh_secs"),
    kind: Kind::Number { min: 10, max: u64::MAX },
    default: Some("300"),
    help: "how often customer and clue lists are re-read from the vendors",
    secret: false,
};

pub const CACHE_FRESH_SECS: Setting = Setting {
    env: "SALESDESK_CACHE_FRESH_SECS",
    toml_key: Some("cache_fresh_secs"),
    kind: Kind::Number { min: 0, max: u64::MAX },
    default: Some("60"),
    help: "vendor reads younger than this are served from the cache without asking the vendor",
    secret: false,
};

pub const CACHE_MAX_AGE_SECS: Setting = Setting {
    env: "SALESDESK_CACHE_MAX_AGE_SECS",
    toml_key: Some("cache_max_age_secs"),
    kind: Kind::Number {
        min: 0,
        max: 30 * 24 * 3600,
    },
    default: Some("86400"),
    help: "older cached reads are still served (refreshed in the background, or with their age while the vendor fails) up to this age; 0 turns the cache off",
    secret: false,
};

pub const METRICS_TOKEN: Setting = Setting {
    env: "SALESDESK_METRICS_TOKEN",
    toml_key: None,
    kind: Kind::Text,
    default: None,
    help: "bearer token that lets non-loopback clients read GET /metrics, at least 16 characters; unset = loopback only",
    secret: true,
};

pub const STALE_FOLLOW_UP_DAYS: Setting = Setting {
    env: "SALESDESK_STALE_FOLLOW_UP_DAYS",
    toml_key: Some("stale_follow_up_days"),
    kind: Kind::Number { min: 1, max: 3650 },
    default: Some("14"),
    help: "今日待办 lists a rep's customers with no follow-up for this many days",
    secret: false,
};

/// In `--help` order.
pub const SETTINGS: &[Setting] = &[
    CONFIG,
    ADDR,
    HEADER_READ_TIMEOUT_SECS,
    MAX_CONNECTIONS,
    DATA_DIR,
    DATABASE_URL,
    OUTBOX_LEASE_SECS,
    SITE_ROOT,
    DEMO,
    DEMO_CUSTOMERS,
    SIM_HOSTILE,
    LOG_FORMAT,
    LIST_REFRESH_SECS,
    CACHE_FRESH_SECS,
    CACHE_MAX_AGE_SECS,
    METRICS_TOKEN,
    STALE_FOLLOW_UP_DAYS,
];
