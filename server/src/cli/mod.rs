//! Command line: `salesdesk` (serve), `salesdesk check`, `salesdesk user …`, and `--help`
//! listing every setting. The parser and dispatch are here; each command has its module.

mod check;
mod serve;
pub mod users;

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};

use crate::auth::AuthError;
use crate::config::{self, CliOverrides, LogFormat, SETTINGS_HELP, Settings};
use crate::demo::{self, DemoError, DemoOptions, DemoVendors};
use crate::services::Backend;
use crate::services::wiring::{VendorConnections, build_backend_with};
use crate::storage::{StorageError, Store, StoreOptions};
use crate::vendors::ClientSetupError;
use users::UserCommandError;

/// Why a command could not run. `main` prints it with its causes on one line.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("configuration error")]
    Config(#[from] config::ConfigError),
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error(transparent)]
    Demo(#[from] DemoError),
    #[error(transparent)]
    VendorClient(#[from] ClientSetupError),
    #[error("SALESDESK_ADDR: cannot listen on {addr}")]
    Listen {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    User(#[from] UserCommandError),
}

#[derive(Debug, Parser)]
#[command(name = "salesdesk", version, about = "SalesDesk: one console for WeCom customers across Tanma, Weiling and Juzibot.", after_long_help = settings_help(), after_help = "Run `salesdesk --help` for every setting and its environment variable.")]
pub struct Cli {
    /// TOML configuration file (any setting below; the environment wins over it).
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<String>,
    /// Listen address, e.g. 127.0.0.1:3000 (overrides SALESDESK_ADDR).
    #[arg(long, global = true, value_name = "ADDR")]
    pub addr: Option<String>,
    /// Directory for local data (overrides SALESDESK_DATA_DIR).
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<String>,
    /// Use the built-in simulated vendors even if credentials are configured.
    #[arg(long, global = true)]
    pub demo: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web app (the default).
    Serve,
    /// Call each configured vendor once and print OK or the error, with latency.
    Check,
    /// Manage sign-in accounts: add, list, set-password, set-role, disable, enable.
    User {
        #[command(subcommand)]
        command: users::UserCommand,
    },
}

fn settings_help() -> String {
    let mut out = String::from("Settings (defaults < TOML file < environment < command line):\n");
    for (env, key, meaning) in SETTINGS_HELP {
        out.push_str(&format!(
            "  {env}\n      {meaning}{}\n",
            if *key == "-" {
                String::new()
            } else {
                format!(" (file key: {key})")
            }
        ));
    }
    out.push_str("\nWith no vendor credentials SalesDesk starts in demo mode on simulated vendors.\n");
    out
}

/// Runs the command.
pub async fn run(cli: Cli) -> Result<ExitCode, CliError> {
    let overrides = CliOverrides {
        addr: cli.addr.clone(),
        data_dir: cli.data_dir.clone(),
        demo: cli.demo,
    };
    let env = |name: &str| std::env::var(name).ok();
    let settings = config::load(cli.config.as_deref(), &env, &overrides)?;
    init_logging(settings.log_format);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve::serve(settings).await.map(|_| ExitCode::SUCCESS),
        Command::Check => check::check(settings).await,
        Command::User { command } => {
            users::run_in(&StoreOptions::from_settings(&settings), command).await?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn init_logging(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,tower_http=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}

/// The backend plus, in demo mode, the simulators it talks to (kept alive with it).
pub struct Started {
    pub backend: Arc<Backend>,
    pub demo: Option<DemoVendors>,
}

pub async fn start_backend(settings: &Settings) -> Result<Started, CliError> {
    let (connections, demo) = if settings.demo {
        let demo = demo::start(DemoOptions::from_settings(settings)).await?;
        let connections = demo.connections.clone();
        (connections, Some(demo))
    } else {
        (VendorConnections::from_settings(settings), None)
    };
    let store = Store::connect(&StoreOptions::from_settings(settings)).await?;
    tracing::info!(engine = store.engine().name(), instance = store.instance(), "storage opened");
    let backend = Arc::new(
        build_backend_with(settings.demo, connections, store, settings.cache)?.with_stale_follow_up_days(settings.stale_follow_up_days),
    );
    Ok(Started { backend, demo })
}
