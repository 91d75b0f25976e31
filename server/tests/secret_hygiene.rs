//! Secret hygiene, proven: with known vendor credentials, every page and every server
//! function is exercised — as an admin, a rep and signed out, healthy and with injected
//! vendor faults — and no secret, access token, request signature or session token may
//! appear in any HTML, server-function reply, error page, `/pkg` asset or log line.

#[path = "integration/auth_support/mod.rs"]
mod auth_support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use app::domain::ClueListing;
use auth_support::{
    App, DEMO_PASSWORD, JUZI_TOKEN, LIU_CUSTOMER, ROCKY_CUSTOMER, Reply, Session, TANMA_APP_KEY, WEILING_APP_SECRET, demo_settings, form,
    site_root, start_app,
};
use salesdesk::simulators::faults::{FaultPlan, InjectedError};

/// Everything the tracing subscriber writes.
#[derive(Clone, Default)]
struct LogBuffer(Arc<Mutex<Vec<u8>>>);

impl Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut b) = self.0.lock() {
            b.extend_from_slice(buf);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl LogBuffer {
    fn text(&self) -> String {
        self.0.lock().map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default()
    }
}

/// What the test saw: (where, text).
#[derive(Default)]
struct Seen(Vec<(String, String)>);

impl Seen {
    fn reply(&mut self, what: &str, r: &Reply) {
        let headers: Vec<String> = r
            .headers
            .iter()
            // The login reply must set the session cookie; that is its job.
            .filter(|(k, _)| k.as_str() != "set-cookie")
            .map(|(k, v)| format!("{k}: {}", v.to_str().unwrap_or_default()))
            .collect();
        self.0.push((what.to_string(), format!("{}\n{}", headers.join("\n"), r.body)));
    }
}

fn plans() -> Vec<(&'static str, FaultPlan)> {
    vec![
        (
            "http 500",
            FaultPlan {
                error: Some(InjectedError::Status(500)),
                ..FaultPlan::default()
            },
        ),
        (
            "http 401",
            FaultPlan {
                error: Some(InjectedError::Status(401)),
                ..FaultPlan::default()
            },
        ),
        (
            "error code",
            FaultPlan {
                error: Some(InjectedError::Code {
                    code: 40001,
                    message: "invalid credential".into(),
                }),
                ..FaultPlan::default()
            },
        ),
        (
            "malformed",
            FaultPlan {
                malformed: true,
                ..FaultPlan::default()
            },
        ),
    ]
}

/// Every page of the app, with the route list's parameters filled in.
fn pages(clue: &(String, String)) -> Vec<String> {
    let mut out: Vec<String> = leptos_axum::generate_route_list(app::App)
        .iter()
        .map(|r| {
            r.path()
                .split('/')
                .map(|seg| match seg.trim_start_matches(':').trim_matches(['{', '}']) {
                    "key" if seg != "key" => LIU_CUSTOMER.to_string(),
                    "vendor" if seg != "vendor" => clue.0.clone(),
                    "id" if seg != "id" => clue.1.clone(),
                    _ => seg.to_string(),
                })
                .collect::<Vec<_>>()
                .join("/")
        })
        .map(|p| if p.is_empty() { "/".to_string() } else { p })
        .collect();
    out.extend([
        format!("/customers/{ROCKY_CUSTOMER}"),
        "/customers?q=%E5%BC%A0".into(),
        "/admin/audit.csv".into(),
        "/no-such-page".into(),
        "/healthz".into(),
        "/login?error=invalid".into(),
    ]);
    out.sort();
    out.dedup();
    out
}

fn calls(clue: &(String, String), token: &str) -> Vec<(&'static str, String)> {
    vec![
        ("/api/shell_info", String::new()),
        ("/api/current_user", String::new()),
        ("/api/vendor_statuses", String::new()),
        ("/api/customers", form(&[("query[page]", "1"), ("query[page_size]", "50")])),
        ("/api/customer", form(&[("key", LIU_CUSTOMER)])),
        ("/api/customer", form(&[("key", ROCKY_CUSTOMER)])),
        ("/api/clues", String::new()),
        ("/api/clue", form(&[("vendor", &clue.0), ("id", &clue.1)])),
        (
            "/api/set_remark",
            form(&[
                ("key", LIU_CUSTOMER),
                ("remark", "刘总"),
                ("description", "关注价格"),
                ("token", &format!("r-{token}")),
            ]),
        ),
        (
            "/api/add_note",
            form(&[("key", LIU_CUSTOMER), ("text", "电话沟通"), ("token", &format!("n-{token}"))]),
        ),
        ("/api/retry_write", form(&[("key", LIU_CUSTOMER), ("id", "1")])),
        ("/api/admin_users", String::new()),
        ("/api/admin_audit", String::new()),
        (
            "/api/admin_create_user",
            form(&[
                ("username", "bad name"),
                ("display_name", "x"),
                ("role", "rep"),
                ("team", ""),
                ("tanma", ""),
                ("weiling", ""),
                ("juzi", ""),
                ("password", ""),
            ]),
        ),
    ]
}

async fn exercise(app: &App, seen: &mut Seen, sessions: &[(&str, Option<Session>)], clue: &(String, String), round: &str) {
    for (who, session) in sessions {
        for page in pages(clue) {
            let r = app.get(session.as_ref(), &page).await;
            seen.reply(&format!("{round} {who} GET {page} ({})", r.status), &r);
        }
        for (i, (endpoint, body)) in calls(clue, &format!("{round}-{who}")).into_iter().enumerate() {
            let r = app.api(session.as_ref(), endpoint, &body).await;
            seen.reply(&format!("{round} {who} POST {endpoint} #{i} ({})", r.status), &r);
        }
    }
    // Background refreshes hit the vendors too (and log their failures).
    app.backend.index.refresh().await;
    app.backend.clues.refresh().await;
}

#[tokio::test]
async fn no_secret_reaches_html_replies_assets_or_logs() {
    let logs = LogBuffer::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("debug"))
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber).expect("the only subscriber in this test binary");

    let app = start_app(demo_settings()).await;
    let admin = app.login("admin").await;
    let liu = app.login("liufulai").await;
    let all: ClueListing = serde_json::from_str(&app.api(Some(&admin), "/api/clues", "").await.body).expect("clues");
    let clue = all
        .items
        .first()
        .map(|c| (c.vendor.slug().to_string(), c.id.clone()))
        .expect("a clue");
    let sessions = [("admin", Some(admin.clone())), ("liufulai", Some(liu.clone())), ("anonymous", None)];

    let mut seen = Seen::default();
    exercise(&app, &mut seen, &sessions, &clue, "healthy").await;
    for (name, plan) in plans() {
        for (vendor, faults) in [
            ("tanma", &app.sims.tanma_faults),
            ("weiling", &app.sims.weiling_faults),
            ("juzi", &app.sims.juzi_faults),
        ] {
            faults.set(plan.clone()).await;
            exercise(&app, &mut seen, &sessions[..2], &clue, &format!("{vendor} {name}")).await;
            faults.set(FaultPlan::default()).await;
        }
    }
    // A vendor too slow to answer: timeouts and retries.
    app.sims
        .weiling_faults
        .set(FaultPlan {
            latency_ms: 2_500,
            ..FaultPlan::default()
        })
        .await;
    exercise(&app, &mut seen, &sessions[..1], &clue, "weiling slow").await;
    app.sims.weiling_faults.set(FaultPlan::default()).await;

    // The compiled site, when it has been built.
    let pkg = std::path::Path::new(&site_root()).join("pkg");
    match std::fs::read_dir(&pkg) {
        Ok(entries) => {
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                let r = app.get(None, &format!("/pkg/{name}")).await;
                assert!(r.status.is_success(), "/pkg/{name} is served without signing in");
                let bytes = std::fs::read(entry.path()).unwrap_or_default();
                seen.0
                    .push((format!("/pkg/{name}"), format!("{}\n{}", r.body, String::from_utf8_lossy(&bytes))));
            }
        }
        Err(_) => println!(
            "note: {} does not exist (run `cargo leptos build`); /pkg assets not checked",
            pkg.display()
        ),
    }

    // What must never appear: the configured secrets, every credential a vendor received
    // (signatures, access tokens), the demo password and the session tokens.
    let recorded = app.sims.recorded.values();
    let signatures = recorded
        .iter()
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
        .count();
    assert!(signatures >= 3, "the Tanma simulator saw signed requests ({signatures})");
    assert!(
        recorded
            .iter()
            .any(|v| v != JUZI_TOKEN && v != TANMA_APP_KEY && v.len() >= 16 && !v.bytes().all(|b| b.is_ascii_hexdigit())),
        "a Weiling access token was issued and used: {}",
        recorded.len()
    );
    let mut secrets: Vec<String> = vec![
        TANMA_APP_KEY.into(),
        WEILING_APP_SECRET.into(),
        JUZI_TOKEN.into(),
        DEMO_PASSWORD.into(),
    ];
    secrets.extend(recorded);
    for s in [&admin, &liu] {
        secrets.push(s.cookie.trim_start_matches("salesdesk_session=").to_string());
    }

    let log_text = logs.text();
    assert!(
        log_text.lines().count() > 50,
        "the log was captured ({} lines)",
        log_text.lines().count()
    );
    assert!(seen.0.len() > 300, "pages and replies were collected ({})", seen.0.len());
    seen.0.push(("log".into(), log_text));
    let mut leaks = Vec::new();
    for (what, text) in &seen.0 {
        for secret in &secrets {
            if text.contains(secret.as_str()) {
                let shown: String = secret.chars().take(6).collect();
                leaks.push(format!("{what}: contains {shown}…"));
            }
        }
    }
    assert!(leaks.is_empty(), "secrets leaked:\n{}", leaks.join("\n"));
}
