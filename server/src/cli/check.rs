//! `salesdesk check`: every configured vendor's authentication and endpoints, one line each.

use std::process::ExitCode;

use super::{CliError, start_backend};
use crate::config::Settings;

/// `salesdesk check`: per configured vendor (all at once), authentication and every
/// documented endpoint, then the optional ones SalesDesk can do without. Exits 1 when a
/// vendor's authentication or a documented endpoint fails.
pub(super) async fn check(settings: Settings) -> Result<ExitCode, CliError> {
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
