//! The HTTP machinery every vendor adapter shares: one pooled client per vendor, connect and
//! total timeouts, a per-endpoint rate limit, retries with jittered backoff (reads, and
//! throttling replies for everything), and call statistics for the status page.
//!
//! Adapters own their protocol: they build each attempt (so Tanma signs with a fresh
//! timestamp and Weiling injects its current token every time) and interpret the reply.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use app::domain::{EndpointSpec, EndpointStatus, VendorCallStats, VendorErrorKind, VendorId};
use backon::{ExponentialBuilder, Retryable};
use bytes::Bytes;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use reqwest::StatusCode;
use url::Url;

use super::VendorError;

/// Timeouts, retries and rate limit for one vendor. Every field is a setting (see config).
#[derive(Clone, Debug, PartialEq)]
pub struct HttpPolicy {
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    /// Extra attempts after the first, for retryable failures.
    pub max_retries: usize,
    pub retry_min_delay: Duration,
    /// Calls per minute allowed per endpoint (Weiling documents 500/min per API).
    pub rate_per_minute: u32,
}

impl Default for HttpPolicy {
    fn default() -> Self {
        HttpPolicy {
            connect_timeout: Duration::from_secs(3),
            request_timeout: Duration::from_secs(10),
            max_retries: 2,
            retry_min_delay: Duration::from_millis(200),
            rate_per_minute: 500,
        }
    }
}

/// Whether a call may be repeated without changing the outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallKind {
    /// Reads: retried on timeouts, transport errors, 5xx and undecodable replies.
    Read,
    /// Writes: retried only when the vendor throttled the call (it was not processed).
    Write,
}

/// A reply's status and raw body, before the vendor's envelope is interpreted.
#[derive(Clone, Debug)]
pub struct RawReply {
    pub status: StatusCode,
    pub body: Bytes,
}

/// Why a vendor client could not be set up from its settings. Messages name the setting,
/// never a secret's value.
#[derive(Debug, thiserror::Error)]
pub enum ClientSetupError {
    #[error("cannot build HTTP client for {vendor}: {source}")]
    HttpClient {
        vendor: VendorId,
        #[source]
        source: reqwest::Error,
    },
    /// `setting` names the vendor and the setting, e.g. "Tanma appId".
    #[error("{setting} is empty")]
    Empty { setting: &'static str },
    #[error("{setting} contains characters not allowed in an HTTP header")]
    NotAHeaderValue { setting: &'static str },
    #[error("Tanma appKey contains characters not allowed in an HTTP header (needed to send the appKey header)")]
    AppKeyHeader,
}

pub struct VendorHttp {
    vendor: VendorId,
    base_url: Url,
    client: reqwest::Client,
    policy: HttpPolicy,
    limiter: DefaultKeyedRateLimiter<String>,
    stats: Arc<CallStats>,
}

impl VendorHttp {
    pub fn new(vendor: VendorId, base_url: Url, policy: HttpPolicy) -> Result<Self, ClientSetupError> {
        let client = reqwest::Client::builder()
            .connect_timeout(policy.connect_timeout)
            .timeout(policy.request_timeout)
            .user_agent(concat!("SalesDesk/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|source| ClientSetupError::HttpClient { vendor, source })?;
        let per_minute = NonZeroU32::new(policy.rate_per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
        Ok(VendorHttp {
            vendor,
            base_url,
            client,
            limiter: RateLimiter::keyed(Quota::per_minute(per_minute)),
            policy,
            stats: Arc::new(CallStats::default()),
        })
    }

    pub fn vendor(&self) -> VendorId {
        self.vendor
    }

    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    pub fn base_url(&self) -> &Url {
        &self.base_url
    }

    pub fn stats(&self) -> Arc<CallStats> {
        self.stats.clone()
    }

    /// `base_url` joined with an API path, keeping any path prefix of the base
    /// (e.g. `https://account.tanmarket.cn/apiServer` + `/api/v3/clue/get`).
    pub fn url(&self, path: &str) -> Url {
        let mut url = self.base_url.clone();
        let joined = format!("{}/{}", url.path().trim_end_matches('/'), path.trim_start_matches('/'));
        url.set_path(&joined);
        url
    }

    /// Runs `attempt` under the rate limit, retrying as `kind` allows, and records the
    /// outcome. `endpoint` is the API path (no query string): it keys the rate limit and logs.
    pub async fn call<T, F, Fut>(&self, endpoint: &str, kind: CallKind, attempt: F) -> Result<T, VendorError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, VendorError>>,
    {
        let started = Instant::now();
        let backoff = ExponentialBuilder::default()
            .with_jitter()
            .with_min_delay(self.policy.retry_min_delay)
            .with_max_delay(Duration::from_secs(5))
            .with_max_times(self.policy.max_retries);
        let key = endpoint.to_string();
        let limited = || async {
            self.limiter.until_key_ready(&key).await;
            Ok::<(), VendorError>(())
        };
        let mut attempt = attempt;
        let result = (|| {
            let fut = attempt();
            async {
                limited().await?;
                fut.await
            }
        })
        .retry(backoff)
        .when(|e: &VendorError| should_retry(kind, e.kind))
        .notify(|e: &VendorError, after: Duration| {
            tracing::warn!(vendor = %self.vendor, endpoint, error = %e, retry_in_ms = after.as_millis() as u64, "vendor call failed; retrying");
        })
        .await;
        let elapsed = started.elapsed();
        self.stats.record(endpoint, elapsed, result.as_ref().err());
        crate::metrics::metrics().vendor_call(self.vendor, elapsed, result.as_ref().err().map(|e| e.kind));
        match &result {
            Ok(_) => tracing::debug!(vendor = %self.vendor, endpoint, ms = elapsed.as_millis() as u64, "vendor call ok"),
            // "No such customer" is an answer, not a fault: a person is rarely known to every
            // vendor, and each page asks all of them.
            Err(e) if e.kind == VendorErrorKind::NotFound => {
                tracing::debug!(vendor = %self.vendor, endpoint, ms = elapsed.as_millis() as u64, error = %e, "vendor has no such record")
            }
            Err(e) => tracing::warn!(vendor = %self.vendor, endpoint, ms = elapsed.as_millis() as u64, error = %e, "vendor call failed"),
        }
        result
    }

    /// Sends one request and reads the whole body, classifying transport failures and
    /// non-success HTTP statuses. `endpoint` is used only for error reports.
    pub async fn send(&self, endpoint: &str, request: reqwest::RequestBuilder) -> Result<RawReply, VendorError> {
        let response = request.send().await.map_err(|e| self.transport_error(endpoint, e))?;
        let status = response.status();
        let body = response.bytes().await.map_err(|e| self.transport_error(endpoint, e))?;
        if let Some(kind) = status_kind(status) {
            let hint = if status == StatusCode::NOT_FOUND {
                format!("; check SALESDESK_{}_BASE_URL", self.vendor.slug().to_uppercase())
            } else {
                String::new()
            };
            return Err(VendorError::new(self.vendor, endpoint, kind, format!("HTTP {status}{hint}")).with_code(status.as_u16() as i64));
        }
        Ok(RawReply { status, body })
    }

    fn transport_error(&self, endpoint: &str, e: reqwest::Error) -> VendorError {
        // `without_url`: the URL can carry an access token in its query string.
        let kind = if e.is_timeout() {
            VendorErrorKind::Timeout
        } else {
            VendorErrorKind::Transport
        };
        let connect_failed = e.is_connect();
        let e = e.without_url();
        let mut detail = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            detail.push_str(": ");
            detail.push_str(&s.to_string());
            source = s.source();
        }
        let mut error = VendorError::new(self.vendor, endpoint, kind, detail);
        error.connect_failed = connect_failed;
        error
    }
}

/// Maps an HTTP status that is not a success to an error kind.
fn status_kind(status: StatusCode) -> Option<VendorErrorKind> {
    if status.is_success() {
        return None;
    }
    Some(match status {
        StatusCode::TOO_MANY_REQUESTS => VendorErrorKind::RateLimited,
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => VendorErrorKind::AuthRejected,
        StatusCode::REQUEST_TIMEOUT | StatusCode::GATEWAY_TIMEOUT => VendorErrorKind::Timeout,
        // A path the vendor's server does not route: that endpoint is not offered (or the
        // base URL is wrong, which `salesdesk check` shows as every endpoint missing).
        StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED => VendorErrorKind::EndpointMissing,
        _ => VendorErrorKind::Upstream,
    })
}

fn should_retry(call: CallKind, kind: VendorErrorKind) -> bool {
    match kind {
        // A throttled call was not processed: safe to repeat, even a write.
        VendorErrorKind::RateLimited => true,
        VendorErrorKind::Timeout | VendorErrorKind::Transport | VendorErrorKind::Upstream | VendorErrorKind::Undecodable => {
            call == CallKind::Read
        }
        _ => false,
    }
}

/// Latency and error counts of recent calls, for `/vendors` and metrics.
#[derive(Default)]
pub struct CallStats {
    inner: Mutex<StatsInner>,
}

#[derive(Default)]
struct StatsInner {
    calls: u64,
    errors: u64,
    recent_ms: VecDeque<u64>,
    last_error: Option<VendorError>,
    /// Per endpoint path: calls, errors, and the last call's error (`None` after a success).
    endpoints: HashMap<String, EndpointTally>,
}

#[derive(Default)]
struct EndpointTally {
    calls: u64,
    errors: u64,
    last_error: Option<VendorError>,
}

const RECENT_WINDOW: usize = 512;

impl CallStats {
    pub fn record(&self, endpoint: &str, elapsed: Duration, error: Option<&VendorError>) {
        let mut s = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        s.calls += 1;
        // The path is looked up before it is copied: a known endpoint costs no allocation.
        if !s.endpoints.contains_key(endpoint) {
            s.endpoints.insert(endpoint.to_string(), EndpointTally::default());
        }
        let tally = s.endpoints.get_mut(endpoint).expect("inserted above");
        tally.calls += 1;
        tally.errors += u64::from(error.is_some());
        tally.last_error = error.cloned();
        if s.recent_ms.len() == RECENT_WINDOW {
            s.recent_ms.pop_front();
        }
        s.recent_ms.push_back(elapsed.as_millis() as u64);
        if let Some(e) = error {
            s.errors += 1;
            s.last_error = Some(e.clone());
        }
    }

    /// The figures, with one row per endpoint of `catalogue`, called or not.
    pub fn snapshot_with(&self, catalogue: &[EndpointSpec]) -> VendorCallStats {
        let mut snap = self.snapshot();
        let s = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        snap.endpoints = catalogue
            .iter()
            .map(|spec| {
                let tally = s.endpoints.get(spec.path);
                EndpointStatus {
                    method: spec.method.to_string(),
                    path: spec.path.to_string(),
                    feature: spec.feature,
                    documented: spec.documented,
                    calls: tally.map_or(0, |t| t.calls),
                    errors: tally.map_or(0, |t| t.errors),
                    last_error: tally.and_then(|t| t.last_error.as_ref()).map(VendorError::to_failure),
                }
            })
            .collect();
        snap
    }

    pub fn snapshot(&self) -> VendorCallStats {
        let s = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let mut sorted: Vec<u64> = s.recent_ms.iter().copied().collect();
        sorted.sort_unstable();
        let pct = |p: f64| -> Option<u64> {
            if sorted.is_empty() {
                None
            } else {
                let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
                Some(sorted[idx])
            }
        };
        VendorCallStats {
            calls: s.calls,
            errors: s.errors,
            p50_ms: pct(0.50),
            p95_ms: pct(0.95),
            last_error: s.last_error.as_ref().map(VendorError::to_failure),
            endpoints: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_keeps_base_path_prefix() {
        let http = VendorHttp::new(
            VendorId::Tanma,
            Url::parse("https://account.tanmarket.cn/apiServer").unwrap(),
            HttpPolicy::default(),
        )
        .unwrap();
        assert_eq!(
            http.url("/api/v3/clue/get").as_str(),
            "https://account.tanmarket.cn/apiServer/api/v3/clue/get"
        );
        let http = VendorHttp::new(VendorId::Juzi, Url::parse("http://127.0.0.1:9/").unwrap(), HttpPolicy::default()).unwrap();
        assert_eq!(http.url("/api/v1/tag/list").as_str(), "http://127.0.0.1:9/api/v1/tag/list");
    }

    #[test]
    fn writes_retry_only_when_throttled() {
        assert!(should_retry(CallKind::Write, VendorErrorKind::RateLimited));
        assert!(!should_retry(CallKind::Write, VendorErrorKind::Timeout));
        assert!(should_retry(CallKind::Read, VendorErrorKind::Timeout));
        assert!(!should_retry(CallKind::Read, VendorErrorKind::AuthRejected));
    }

    #[test]
    fn stats_percentiles() {
        let stats = CallStats::default();
        for ms in 1..=100 {
            stats.record("/y", Duration::from_millis(ms), None);
        }
        let e = VendorError::new(VendorId::Juzi, "/x", VendorErrorKind::Timeout, "t");
        stats.record("/x", Duration::from_millis(1), Some(&e));
        let snap = stats.snapshot();
        assert_eq!(snap.calls, 101);
        assert_eq!(snap.errors, 1);
        assert_eq!(snap.p50_ms, Some(50));
        assert_eq!(snap.last_error.unwrap().kind, VendorErrorKind::Timeout);
        let catalogue = [EndpointSpec {
            path: "/x",
            method: "GET",
            feature: app::domain::VendorFeature::Timeline,
            documented: false,
        }];
        let rows = stats.snapshot_with(&catalogue).endpoints;
        assert_eq!((rows.len(), rows[0].calls, rows[0].errors), (1, 1, 1));
        assert_eq!(rows[0].last_error.as_ref().map(|f| f.kind), Some(VendorErrorKind::Timeout));
        stats.record("/x", Duration::from_millis(1), None);
        assert_eq!(
            stats.snapshot_with(&catalogue).endpoints[0].last_error,
            None,
            "a success clears the last error"
        );
    }
}
