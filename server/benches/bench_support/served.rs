//! A real `salesdesk` server process for the benchmarks, configured like a deployment: its
//! vendors are the simulators this benchmark runs on loopback, its data directory is fresh,
//! and the only account is a bootstrap admin. Measuring a separate process keeps the
//! simulators' memory out of the server's RSS figure.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use salesdesk::services::wiring::VendorConnections;
use secrecy::ExposeSecret;

pub const ADMIN: &str = "bench";
pub const ADMIN_PASSWORD: &str = "bench-password-2026";

pub struct ServedSalesDesk {
    child: Child,
    pub addr: SocketAddr,
    data_dir: PathBuf,
}

impl Drop for ServedSalesDesk {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

type Error = Box<dyn std::error::Error>;

fn free_port() -> Result<SocketAddr, Error> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?)
}

impl ServedSalesDesk {
    /// Starts `target/<profile>/salesdesk` against `vendors` and waits until it answers.
    pub async fn start(vendors: &VendorConnections) -> Result<Self, Error> {
        let addr = free_port()?;
        let data_dir = std::env::temp_dir().join(format!("salesdesk-bench-{}-{}", std::process::id(), addr.port()));
        std::fs::create_dir_all(&data_dir)?;
        Self::start_in(vendors, data_dir).await
    }

    /// `kill -9`, then a new process on the same data directory (and its stored list).
    pub async fn restart(mut self, vendors: &VendorConnections) -> Result<Self, Error> {
        self.child.kill()?;
        self.child.wait()?;
        // Taken out first: dropping `self` must not delete the directory the restart needs.
        let data_dir = std::mem::take(&mut self.data_dir);
        drop(self);
        Self::start_in(vendors, data_dir).await
    }

    async fn start_in(vendors: &VendorConnections, data_dir: PathBuf) -> Result<Self, Error> {
        let addr = free_port()?;
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_salesdesk"));
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("SALESDESK_ADDR", addr.to_string())
            .env("SALESDESK_DATA_DIR", &data_dir)
            .env("SALESDESK_BOOTSTRAP_ADMIN", format!("{ADMIN}:{ADMIN_PASSWORD}"))
            // One list crawl for the whole run; the benchmark measures serving, not crawling.
            .env("SALESDESK_LIST_REFRESH_SECS", "86400")
            .env("RUST_LOG", "error")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // The benchmark measures SalesDesk, not its client-side rate limiter.
        for vendor in ["TANMA", "WEILING", "JUZI"] {
            cmd.env(format!("SALESDESK_{vendor}_RATE_PER_MINUTE"), "1000000");
        }
        if let Some(t) = &vendors.tanma {
            cmd.env("SALESDESK_TANMA_BASE_URL", t.base_url.as_str())
                .env("SALESDESK_TANMA_APP_ID", &t.app_id)
                .env("SALESDESK_TANMA_APP_KEY", t.app_key.expose_secret());
        }
        if let Some(w) = &vendors.weiling {
            cmd.env("SALESDESK_WEILING_BASE_URL", w.base_url.as_str())
                .env("SALESDESK_WEILING_APP_ID", &w.app_id)
                .env("SALESDESK_WEILING_APP_SECRET", w.app_secret.expose_secret());
        }
        if let Some(j) = &vendors.juzi {
            cmd.env("SALESDESK_JUZI_BASE_URL", j.base_url.as_str())
                .env("SALESDESK_JUZI_TOKEN", j.token.expose_secret());
        }
        let child = cmd.spawn()?;
        let served = ServedSalesDesk { child, addr, data_dir };
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(r) = client.get(served.url("/healthz")).send().await
                && r.status().is_success()
            {
                return Ok(served);
            }
            if Instant::now() > deadline {
                return Err("the salesdesk process did not answer /healthz within 60 s".into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Signs in as the bootstrap admin; returns the `Cookie` header value.
    pub async fn sign_in(&self) -> Result<String, Error> {
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
        let reply = client
            .post(self.url("/auth/login"))
            .header("origin", self.origin())
            .form(&[("username", ADMIN), ("password", ADMIN_PASSWORD), ("next", "/")])
            .send()
            .await?;
        let cookie = reply
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with(salesdesk::auth::SESSION_COOKIE))
            .and_then(|c| c.split(';').next())
            .ok_or_else(|| format!("sign-in answered {} without a session cookie", reply.status()))?;
        Ok(cookie.to_string())
    }

    /// A gauge from `/metrics` (served to loopback).
    pub async fn gauge(&self, name: &str) -> Option<f64> {
        let text = reqwest::get(self.url("/metrics")).await.ok()?.text().await.ok()?;
        text.lines()
            .find_map(|l| l.strip_prefix(name).and_then(|rest| rest.strip_prefix(' ')))
            .and_then(|v| v.trim().parse().ok())
    }

    /// Every vendor request the process has made so far (all vendors, from `/metrics`).
    pub async fn vendor_requests(&self) -> Option<f64> {
        let text = reqwest::get(self.url("/metrics")).await.ok()?.text().await.ok()?;
        Some(
            text.lines()
                .filter(|l| l.starts_with("salesdesk_vendor_requests_total{"))
                .filter_map(|l| l.rsplit(' ').next()?.trim().parse::<f64>().ok())
                // From +0.0: an empty f64 sum is -0.0, which prints as "-0".
                .fold(0.0, |total, n| total + n),
        )
    }

    /// Waits until the customer list holds at least `at_least` customers.
    pub async fn wait_for_list(&self, at_least: f64, timeout: Duration) -> Result<f64, Error> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(n) = self.gauge("salesdesk_customer_list_customers").await
                && n >= at_least
            {
                return Ok(n);
            }
            if Instant::now() > deadline {
                return Err(format!("the customer list did not reach {at_least} customers within {timeout:?}").into());
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    /// (current RSS, peak RSS) in KB, from /proc.
    pub fn rss_kb(&self) -> (Option<u64>, Option<u64>) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        };
        (field("VmRSS:"), field("VmHWM:"))
    }
}
