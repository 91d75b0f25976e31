//! The `salesdesk` binary as an operator meets it: `check`, configuration errors, `--help`.

use std::process::Command;
use std::sync::Arc;

use salesdesk::config::SETTINGS_HELP;
use salesdesk::simulators::dataset::{self, UniverseOptions};
use salesdesk::simulators::faults::{FaultPlan, Faults};
use salesdesk::simulators::{juzi, serve};
use secrecy::SecretString;

fn salesdesk() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_salesdesk"));
    // A clean environment: only what each test sets.
    for (k, _) in std::env::vars() {
        if k.starts_with("SALESDESK_") {
            cmd.env_remove(k);
        }
    }
    let dir = std::env::temp_dir().join(format!("salesdesk-cli-{}-{}", std::process::id(), rand_suffix()));
    cmd.env("SALESDESK_DATA_DIR", dir).env("RUST_LOG", "warn");
    cmd
}

fn rand_suffix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
}

#[test]
fn check_in_demo_mode_reports_every_vendor_ok() {
    let out = salesdesk().args(["check"]).env("SALESDESK_DEMO_CUSTOMERS", "20").output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    for vendor in ["tanma", "weiling", "juzi"] {
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with(vendor) && l.contains(" OK ") && l.contains(" ms")),
            "{vendor}: {stdout}"
        );
    }
}

/// Against vendors that serve only their documented endpoints, `check` passes and reports
/// each undocumented endpoint as unavailable, endpoint by endpoint.
#[test]
fn check_reports_each_endpoint_and_passes_on_documented_endpoints_alone() {
    let strict = r#"{"seed_endpoints_only":true}"#;
    let out = salesdesk()
        .args(["check"])
        .env("SALESDESK_DEMO_CUSTOMERS", "20")
        .env("SALESDESK_SIM_TANMA_FAULTS", strict)
        .env("SALESDESK_SIM_WEILING_FAULTS", strict)
        .env("SALESDESK_SIM_JUZI_FAULTS", strict)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let line = |vendor: &str, what: &str| {
        stdout
            .lines()
            .find(|l| l.starts_with(vendor) && l.contains(what))
            .unwrap_or_else(|| panic!("no {vendor} {what} line: {stdout}"))
            .to_string()
    };
    for vendor in ["tanma", "weiling", "juzi"] {
        assert!(line(vendor, "authentication").contains(" OK "), "{stdout}");
    }
    assert!(line("tanma", "/api/v2/customer/qw-details").contains("documented OK"), "{stdout}");
    assert!(line("weiling", "/customer/batch").contains("documented OK"), "{stdout}");
    assert!(line("juzi", "/api/v1/customer/add_follow").contains("documented OK"), "{stdout}");
    let search = line("tanma", "/api/v3/customer/search");
    assert!(
        search.contains("optional") && search.contains("UNAVAILABLE") && search.contains("endpoint_missing"),
        "{search}"
    );
    assert!(line("weiling", "/v2/custom/detail").contains("UNAVAILABLE"), "{stdout}");
}

#[tokio::test(flavor = "multi_thread")]
async fn check_reports_rejected_credentials_without_printing_them() {
    let universe = Arc::new(dataset::generate(&UniverseOptions {
        customers: 10,
        ..Default::default()
    }));
    let router = juzi::router(
        universe,
        juzi::JuziSimConfig {
            token: SecretString::from("right-token"),
        },
        Faults::new(FaultPlan::default(), juzi::error_envelope),
    );
    let (addr, _handle) = serve(router, ([127, 0, 0, 1], 0).into()).await.unwrap();
    let out = tokio::task::spawn_blocking(move || {
        salesdesk()
            .args(["check"])
            .env("SALESDESK_JUZI_BASE_URL", format!("http://{addr}"))
            .env("SALESDESK_JUZI_TOKEN", "wrong-token-7f3a")
            .env("SALESDESK_JUZI_MAX_RETRIES", "0")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(
        all.lines()
            .any(|l| l.starts_with("juzi") && l.contains("FAILED") && l.contains("auth_rejected")),
        "{all}"
    );
    assert!(
        !all.contains("wrong-token-7f3a") && !all.contains("right-token"),
        "a token leaked: {all}"
    );
}

#[test]
fn invalid_configuration_stops_with_one_line_naming_the_setting() {
    let cases = [
        (vec![("SALESDESK_TANMA_APP_ID", "app")], "SALESDESK_TANMA_APP_KEY"),
        (vec![("SALESDESK_WEILING_BASE_URL", "not a url")], "SALESDESK_WEILING_BASE_URL"),
        (vec![("SALESDESK_ADDR", "nowhere")], "SALESDESK_ADDR"),
    ];
    for (env, setting) in cases {
        let mut cmd = salesdesk();
        cmd.arg("check");
        for (k, v) in &env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        let lines: Vec<_> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(lines.len(), 1, "one line, no backtrace: {stderr}");
        assert!(
            lines[0].starts_with("salesdesk: configuration error: ") && lines[0].contains(setting),
            "{stderr}"
        );
    }
}

#[test]
fn help_and_readme_document_every_setting() {
    let out = salesdesk().arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    for (env, _, _) in SETTINGS_HELP {
        assert!(help.contains(env), "--help lacks {env}");
        assert!(readme.contains(&format!("`{env}`")), "README lacks {env}");
    }
    assert!(help.contains("check"));
}
