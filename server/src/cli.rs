//! Command line: `salesdesk` (serve), `salesdesk check`, and `--help` listing every setting.

use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};

use crate::config::{self, CliOverrides, LogFormat, SETTINGS_HELP, Settings};
use crate::demo::{self, DemoOptions, DemoVendors};
use crate::services::Backend;
use crate::services::wiring::{VendorConnections, build_backend_with};
use crate::web;

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
        command: crate::auth::cli::UserCommand,
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

/// Runs the command; `Err` is one line for stderr.
pub async fn run(cli: Cli) -> Result<ExitCode, String> {
    let overrides = CliOverrides {
        addr: cli.addr.clone(),
        data_dir: cli.data_dir.clone(),
        demo: cli.demo,
    };
    let env = |name: &str| std::env::var(name).ok();
    let settings = config::load(cli.config.as_deref(), &env, &overrides).map_err(|e| format!("configuration error: {e}"))?;
    init_logging(settings.log_format);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(settings).await.map(|_| ExitCode::SUCCESS),
        Command::Check => check(settings).await,
        Command::User { command } => crate::auth::cli::run_in(&settings.data_dir, command)
            .await
            .map(|_| ExitCode::SUCCESS),
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

pub async fn start_backend(settings: &Settings) -> Result<Started, String> {
    let (connections, demo) = if settings.demo {
        let demo = demo::start(DemoOptions::from_settings(settings)).await?;
        let connections = demo.connections.clone();
        (connections, Some(demo))
    } else {
        (VendorConnections::from_settings(settings), None)
    };
    let store = crate::storage::Store::open(&settings.data_dir).await?;
    let backend = Arc::new(build_backend_with(settings.demo, connections, store, settings.cache)?);
    Ok(Started { backend, demo })
}

/// Background work of a serving process: list refreshes and the outbox delivery worker.
pub fn spawn_background(backend: &Arc<Backend>, settings: &Settings) {
    let every = std::time::Duration::from_secs(settings.list_refresh_secs);
    // The customer list: SalesDesk users' WeCom ids are fed in before each refresh, so a
    // vendor that lists only per rep (Weiling) lists every user's customers.
    let list_backend = backend.clone();
    tokio::spawn(async move {
        loop {
            match crate::auth::users::list(&list_backend.store).await {
                Ok(users) => {
                    let reps = users
                        .iter()
                        .filter(|u| !u.disabled)
                        .flat_map(|u| {
                            app::domain::VendorId::ALL
                                .into_iter()
                                .filter_map(move |v| u.wecom.get(v).map(|id| (v, id.to_string())))
                        })
                        .collect();
                    list_backend.index.set_known_reps(reps).await;
                }
                Err(e) => tracing::warn!(error = %e, "cannot read users for the customer list refresh"),
            }
            list_backend.index.refresh().await;
            tokio::time::sleep(every).await;
        }
    });
    backend.clues.spawn_refresher(every);
    backend.delivery.spawn_worker();
}

async fn serve(settings: Settings) -> Result<(), String> {
    let started = start_backend(&settings).await?;
    spawn_background(&started.backend, &settings);
    let auth = crate::auth::Auth::start(
        started.backend.store.clone(),
        settings.auth.clone(),
        started.demo.as_ref().map(|d| d.universe.as_ref()),
    )
    .await?;
    let state = web::WebState {
        leptos: web::leptos_options(&settings),
        backend: started.backend.clone(),
        auth,
    };
    let listener = tokio::net::TcpListener::bind(settings.addr)
        .await
        .map_err(|e| format!("SALESDESK_ADDR: cannot listen on {}: {e}", settings.addr))?;
    if settings.demo {
        tracing::info!("demo mode: simulated vendors on {:?}", started.demo.as_ref().map(|d| d.addrs));
    }
    tracing::info!("SalesDesk {} listening on http://{}", env!("CARGO_PKG_VERSION"), settings.addr);
    // With the peer address: sign-in throttling and the trusted-proxy checks need it.
    let metrics_access = web::metrics::MetricsAccess {
        token: settings.metrics_token.clone(),
    };
    axum::serve(
        listener,
        web::router_with(state, metrics_access).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .map_err(|e| format!("server error: {e}"))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
    tracing::info!("shutting down");
}

/// `salesdesk check`: per configured vendor (all at once), authentication and every
/// documented endpoint, then the optional ones SalesDesk can do without. Exits 1 when a
/// vendor's authentication or a documented endpoint fails.
async fn check(settings: Settings) -> Result<ExitCode, String> {
    let started = start_backend(&settings).await?;
    if settings.demo {
        println!("demo mode: checking the built-in simulated vendors");
    }
    let adapters = started.backend.adapters();
    if adapters.is_empty() {
        println!("no vendor configured");
        return Ok(ExitCode::from(1));
    }
    let reports = futures::future::join_all(adapters.iter().map(|a| async move { (a.vendor(), a.check_endpoints().await) })).await;
    let mut all_ok = true;
    for (vendor, probes) in reports {
        for probe in &probes {
            all_ok &= !probe.fails_check();
            println!("{}", check_line(vendor, probe));
        }
    }
    Ok(if all_ok { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// `tanma    POST /api/v2/customer/qw-details   documented  OK        12 ms`, with the
/// error's kind and text after a failure (never a secret: errors carry none).
fn check_line(vendor: app::domain::VendorId, probe: &crate::vendors::EndpointProbe) -> String {
    let what = match &probe.endpoint {
        None => "authentication".to_string(),
        Some(e) => format!("{} {}", e.method, e.path),
    };
    let role = match &probe.endpoint {
        None => "required",
        Some(e) if e.documented => "documented",
        Some(_) => "optional",
    };
    let verdict = if probe.outcome.reachable() {
        "OK"
    } else if probe.fails_check() {
        "FAILED"
    } else {
        "UNAVAILABLE"
    };
    let ms = probe.elapsed.as_millis();
    let mut line = format!("{:<8} {what:<50} {role:<10} {verdict:<11} {ms:>5} ms", vendor.slug());
    if let Some(e) = probe.outcome.error() {
        let note = if probe.outcome.reachable() {
            "answered the probe's made-up id with "
        } else {
            ""
        };
        line.push_str(&format!("  {note}{}: {e}", e.kind.slug()));
    }
    line
}
