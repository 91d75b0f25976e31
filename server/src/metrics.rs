//! Prometheus metrics: vendor calls (count, errors by kind, latency), read-cache lookups and
//! the outbox depth, served as text on `GET /metrics` (see `web::metrics`).
//!
//! One process-wide registry: the vendor HTTP layer and the cache record into it from deep
//! inside calls, where threading a handle through every adapter would buy nothing.

use std::sync::OnceLock;
use std::time::Duration;

use app::domain::{VendorErrorKind, VendorId};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct VendorLabels {
    vendor: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ErrorLabels {
    vendor: &'static str,
    kind: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CacheLabels {
    vendor: &'static str,
    entity: &'static str,
    /// hit (fresh), stale (served while refreshing), miss (asked the vendor), bypass (not
    /// cacheable right now).
    result: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct MemoLabels {
    /// hit (the page was reused), miss (assembled and kept), uncacheable (assembled from a
    /// live or failed vendor answer, not kept).
    result: &'static str,
}

type HistogramFamily = Family<VendorLabels, Histogram, fn() -> Histogram>;

pub struct Metrics {
    registry: Registry,
    vendor_requests: Family<VendorLabels, Counter>,
    vendor_errors: Family<ErrorLabels, Counter>,
    vendor_latency: HistogramFamily,
    cache_lookups: Family<CacheLabels, Counter>,
    page_memo_lookups: Family<MemoLabels, Counter>,
    outbox_depth: Gauge,
    list_customers: Gauge,
    list_record_bytes: Gauge,
}

fn latency_histogram() -> Histogram {
    // 10 ms … ~20 s: vendor calls range from a fast cache-less read to a retried timeout.
    Histogram::new(exponential_buckets(0.01, 2.0, 12))
}

impl Metrics {
    fn new() -> Self {
        let mut registry = Registry::default();
        let vendor_requests = Family::<VendorLabels, Counter>::default();
        let vendor_errors = Family::<ErrorLabels, Counter>::default();
        let vendor_latency: HistogramFamily = Family::new_with_constructor(latency_histogram as fn() -> Histogram);
        let cache_lookups = Family::<CacheLabels, Counter>::default();
        let page_memo_lookups = Family::<MemoLabels, Counter>::default();
        let outbox_depth = Gauge::default();
        let list_customers = Gauge::default();
        let list_record_bytes = Gauge::default();
        registry.register(
            "salesdesk_vendor_requests",
            "Vendor API calls (after retries), by vendor",
            vendor_requests.clone(),
        );
        registry.register(
            "salesdesk_vendor_errors",
            "Failed vendor API calls, by vendor and error kind",
            vendor_errors.clone(),
        );
        registry.register(
            "salesdesk_vendor_request_duration_seconds",
            "Vendor API call latency including retries",
            vendor_latency.clone(),
        );
        registry.register(
            "salesdesk_cache_lookups",
            "Read-cache lookups by vendor, entity and result (hit, stale, miss, bypass)",
            cache_lookups.clone(),
        );
        registry.register(
            "salesdesk_customer_page_memo_lookups",
            "Assembled 360° pages reused from the vendors' cached answers, by result (hit, miss, uncacheable)",
            page_memo_lookups.clone(),
        );
        registry.register(
            "salesdesk_outbox_depth",
            "Writes waiting to be delivered to a vendor (sampled at scrape)",
            outbox_depth.clone(),
        );
        registry.register(
            "salesdesk_customer_list_customers",
            "Merged customers in the in-memory customer list (sampled at scrape)",
            list_customers.clone(),
        );
        registry.register(
            "salesdesk_customer_list_record_bytes",
            "Compressed bytes of the vendor records kept behind the customer list (sampled at scrape)",
            list_record_bytes.clone(),
        );
        Metrics {
            registry,
            vendor_requests,
            vendor_errors,
            vendor_latency,
            cache_lookups,
            page_memo_lookups,
            outbox_depth,
            list_customers,
            list_record_bytes,
        }
    }

    /// One finished vendor call (all its attempts).
    pub fn vendor_call(&self, vendor: VendorId, elapsed: Duration, error: Option<VendorErrorKind>) {
        let labels = VendorLabels { vendor: vendor.slug() };
        self.vendor_requests.get_or_create(&labels).inc();
        self.vendor_latency.get_or_create(&labels).observe(elapsed.as_secs_f64());
        if let Some(kind) = error {
            self.vendor_errors
                .get_or_create(&ErrorLabels {
                    vendor: vendor.slug(),
                    kind: kind.slug(),
                })
                .inc();
        }
    }

    pub fn cache_lookup(&self, vendor: VendorId, entity: &'static str, result: &'static str) {
        self.cache_lookups
            .get_or_create(&CacheLabels {
                vendor: vendor.slug(),
                entity,
                result,
            })
            .inc();
    }

    pub fn page_memo_lookup(&self, result: &'static str) {
        self.page_memo_lookups.get_or_create(&MemoLabels { result }).inc();
    }

    pub fn set_outbox_depth(&self, depth: i64) {
        self.outbox_depth.set(depth);
    }

    pub fn set_list_size(&self, customers: usize, record_bytes: usize) {
        self.list_customers.set(i64::try_from(customers).unwrap_or(i64::MAX));
        self.list_record_bytes.set(i64::try_from(record_bytes).unwrap_or(i64::MAX));
    }

    /// The OpenMetrics text exposition of everything above.
    pub fn encode(&self) -> Result<String, std::fmt::Error> {
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry)?;
        Ok(out)
    }
}

static METRICS: OnceLock<Metrics> = OnceLock::new();

pub fn metrics() -> &'static Metrics {
    METRICS.get_or_init(Metrics::new)
}

/// `Content-Type` of [`Metrics::encode`]'s output.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_vendor_calls_errors_and_cache_lookups() {
        let m = Metrics::new();
        m.vendor_call(VendorId::Weiling, Duration::from_millis(30), None);
        m.vendor_call(VendorId::Weiling, Duration::from_millis(900), Some(VendorErrorKind::Timeout));
        m.cache_lookup(VendorId::Juzi, "customer", "stale");
        m.page_memo_lookup("hit");
        m.set_outbox_depth(3);
        let text = m.encode().unwrap();
        assert!(text.contains("salesdesk_vendor_requests_total{vendor=\"weiling\"} 2"), "{text}");
        assert!(
            text.contains(&format!(
                "salesdesk_vendor_errors_total{{vendor=\"weiling\",kind=\"{}\"}} 1",
                VendorErrorKind::Timeout.slug()
            )),
            "{text}"
        );
        assert!(
            text.contains("salesdesk_vendor_request_duration_seconds_count{vendor=\"weiling\"} 2"),
            "{text}"
        );
        assert!(
            text.contains("salesdesk_vendor_request_duration_seconds_bucket{le=\"0.04\",vendor=\"weiling\"} 1"),
            "{text}"
        );
        assert!(
            text.contains("salesdesk_cache_lookups_total{vendor=\"juzi\",entity=\"customer\",result=\"stale\"} 1"),
            "{text}"
        );
        assert!(
            text.contains("salesdesk_customer_page_memo_lookups_total{result=\"hit\"} 1"),
            "{text}"
        );
        assert!(text.contains("salesdesk_outbox_depth 3"), "{text}");
        assert!(text.trim_end().ends_with("# EOF"));
    }
}
