//! `make bench`: SalesDesk's speed and size figures against the simulated vendors on
//! loopback, printed in the same format every run (no pass/fail; targets are shown next to
//! each figure). Sections:
//!
//! 1. uncached 360° page time ÷ the slowest vendor's injected latency;
//! 2. hydrate WASM size (raw / gzip / brotli) of target/site/pkg/salesdesk.wasm;
//! 3. customer search over N customers (default 100,000) crawled from the simulators, and
//!    the whole list streamed as the CSV export (`bench_support/export.rs`);
//! 4. a real `salesdesk` process serving those N customers: its RSS once the list is loaded,
//!    and the cached customer server function over HTTP at 64 concurrent connections;
//! 5. a bulk note to 1,000 demo customers: time until every outcome is recorded, and the
//!    vendor calls it took (`bench_support/bulk.rs`);
//! 6. a restart: the vendor calls of one refresh of N customers, the time a process killed
//!    with `kill -9` takes to serve the stored list again (and its vendor calls: none), and
//!    peak and steady RSS before and after.
//!
//! `SALESDESK_BENCH_CUSTOMERS` changes N (e.g. 5000 for a quick run);
//! `SALESDESK_BENCH_ONLY=detail,wasm,search,served,bulk,restart` runs some sections only.

#[path = "bench_support/bulk.rs"]
mod bulk;
#[path = "bench_support/export.rs"]
mod export;
#[path = "bench_support/load.rs"]
mod load;
#[path = "bench_support/served.rs"]
mod served;

use served::ServedSalesDesk;

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use app::domain::{CustomerQuery, Role, VendorUserIds};
use app::service::SalesDeskService;
use salesdesk::config::SimulatorFaults;
use salesdesk::demo::{self, DemoOptions, DemoVendors};
use salesdesk::services::customer_index::CustomerIndex;
use salesdesk::services::wiring::{VendorConnections, build_backend, build_backend_with};
use salesdesk::simulators::faults::FaultPlan;
use salesdesk::storage::Store;
use salesdesk::vendors::HttpPolicy;
use salesdesk::vendors::cached::CachePolicy;

const WASM_PATH: &str = "target/site/pkg/salesdesk.wasm";
const DETAIL_SAMPLES: usize = 30;
const LATENCIES_MS: [u64; 3] = [50, 100, 200];
const HTTP_CONNECTIONS: usize = 64;
const HTTP_SECONDS: u64 = 5;
const HTTP_ROUNDS: usize = 3;
const SEARCH_REPEATS: usize = 200;

type Error = Box<dyn std::error::Error>;

fn policy() -> HttpPolicy {
    // No client-side throttling: the benchmark measures SalesDesk, not the rate limiter.
    HttpPolicy {
        rate_per_minute: 10_000_000,
        ..HttpPolicy::default()
    }
}

fn admin() -> app::domain::Viewer {
    app::domain::Viewer {
        user_id: 1,
        username: "admin".into(),
        display_name: "管理员".into(),
        role: Role::Admin,
        team: None,
        wecom: VendorUserIds::default(),
        scope: app::domain::Scope::All,
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn connections(demo: &DemoVendors) -> VendorConnections {
    demo.connections.clone()
}

/// 1. One parallel round per page: the page should take about as long as the slowest vendor.
async fn uncached_detail() -> Result<(), Error> {
    let demo = demo::start(DemoOptions {
        customers: 240,
        hostile: false,
        now_ms: None,
        faults: SimulatorFaults::default(),
        http: policy(),
    })
    .await?;
    let store = Store::open_in_memory().await?;
    // The read cache off: every page asks every vendor.
    let off = CachePolicy {
        max_age: Duration::ZERO,
        ..CachePolicy::default()
    };
    let backend = build_backend_with(true, connections(&demo), store, off)?;
    backend.index.refresh().await;
    for (faults, latency) in [&demo.tanma_faults, &demo.weiling_faults, &demo.juzi_faults]
        .into_iter()
        .zip(LATENCIES_MS)
    {
        faults
            .set(FaultPlan {
                latency_ms: latency,
                ..Default::default()
            })
            .await;
    }
    let slowest = Duration::from_millis(LATENCIES_MS.into_iter().max().unwrap_or(1));
    let people: Vec<_> = demo
        .universe
        .customers
        .iter()
        .filter(|p| p.presence.tanma && p.presence.weiling && p.presence.juzi)
        .take(DETAIL_SAMPLES)
        .collect();
    let mut ratios = Vec::new();
    let mut failed = 0;
    for person in &people {
        let t = Instant::now();
        match backend.customer_detail(&admin(), &person.external_user_id).await {
            Ok(d) if d.customer.failures.is_empty() => ratios.push(t.elapsed().as_secs_f64() / slowest.as_secs_f64()),
            _ => failed += 1,
        }
    }
    ratios.sort_by(f64::total_cmp);
    let median = ratios.get(ratios.len() / 2).copied().unwrap_or(f64::NAN);
    println!(
        "[detail]  uncached 360° page ÷ slowest vendor latency (Tanma {} ms, Weiling {} ms, Juzibot {} ms): median {median:.2}, min {:.2}, max {:.2} over {} customers ({failed} failed)   target ≤ 1.10",
        LATENCIES_MS[0],
        LATENCIES_MS[1],
        LATENCIES_MS[2],
        ratios.first().copied().unwrap_or(f64::NAN),
        ratios.last().copied().unwrap_or(f64::NAN),
        ratios.len()
    );
    Ok(())
}

/// 3. Search over N customers crawled through the real adapters, in this process.
async fn search(demo: &DemoVendors) -> Result<(), Error> {
    let store = Store::open_in_memory().await?;
    let backend = build_backend(true, connections(demo), store)?;
    let index: &CustomerIndex = &backend.index;
    let t = Instant::now();
    index.refresh().await;
    let crawl = t.elapsed();
    let size = index.size().await;
    println!(
        "[search]  {} merged customers from {} generated, crawled from the three simulators over HTTP in {:.1} s; list {:.1} MB, vendor records compressed {:.1} MB",
        size.customers,
        demo.universe.customers.len(),
        crawl.as_secs_f64(),
        size.list_bytes as f64 / 1_048_576.0,
        size.compressed_record_bytes as f64 / 1_048_576.0
    );

    let u = &demo.universe;
    let mid = &u.customers[u.customers.len() / 2];
    let surname: String = mid.name.chars().take(1).collect();
    let mobile = u.by_mobile.keys().nth(u.by_mobile.len() / 3).cloned().unwrap_or_default();
    let mobile_part: String = mobile.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
    let queries: Vec<(&str, String)> = vec![
        ("full name", mid.name.clone()),
        ("surname", surname),
        ("company", mid.company_short.clone()),
        ("mobile, last 4 digits", mobile_part),
        ("external id, lower-case", mid.external_user_id.to_lowercase()),
        ("no match", "不存在的客户名字".into()),
        ("no query (first page)", String::new()),
    ];
    let mut all = Vec::new();
    for (label, q) in &queries {
        let query = CustomerQuery {
            q: (!q.is_empty()).then(|| q.clone()),
            ..Default::default()
        };
        let mut times = Vec::with_capacity(SEARCH_REPEATS);
        let mut total = 0;
        for _ in 0..SEARCH_REPEATS {
            let t = Instant::now();
            let listing = index.query(&app::domain::Scope::All, &query).await;
            times.push(t.elapsed());
            total = listing.total;
        }
        times.sort();
        println!(
            "[search]  {label:<24} {total:>7} hits   p50 {:>9}   p95 {:>9}",
            ms(percentile(&times, 50.0)),
            ms(percentile(&times, 95.0))
        );
        all.extend(times);
    }
    all.sort();
    println!(
        "[search]  all queries                          p50 {:>9}   p95 {:>9}   target p95 ≤ 20 ms",
        ms(percentile(&all, 50.0)),
        ms(percentile(&all, 95.0))
    );
    // The CSV export of the same list (bench_support/export.rs).
    export::export_list(index).await?;
    Ok(())
}

fn mb(kb: Option<u64>) -> String {
    kb.map(|k| format!("{:.0} MB", k as f64 / 1024.0)).unwrap_or_else(|| "n/a".into())
}

/// 4. A `salesdesk` process serving N customers: RSS, then the cached customer server function
///    at 64 connections for 5 s (signed in, cache warm).
async fn served(demo: &DemoVendors) -> Result<(), Error> {
    let server = ServedSalesDesk::start(&demo.connections).await?;
    let t = Instant::now();
    // The merge joins people several vendors know: fewer customers than generated.
    let listed = server
        .wait_for_list(demo.universe.customers.len() as f64 * 0.5, Duration::from_secs(600))
        .await?;
    let loaded_in = t.elapsed();
    // Let the refresh finish returning the crawl's memory.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (rss_loaded, peak_loaded) = server.rss_kb();
    println!(
        "[rss]     salesdesk process, {listed:.0} customers listed (crawled in {:.1} s): VmRSS {} (peak during the crawl {})   target ≤ 200 MB",
        loaded_in.as_secs_f64(),
        mb(rss_loaded),
        mb(peak_loaded)
    );

    let cookie = server.sign_in().await?;
    let keys: Vec<String> = demo
        .universe
        .customers
        .iter()
        .filter(|p| p.presence.tanma)
        .take(50)
        .map(|p| p.external_user_id.clone())
        .collect();
    let origin = server.origin();
    let url = server.url("/api/customer");
    let client = reqwest::Client::builder().pool_max_idle_per_host(HTTP_CONNECTIONS).build()?;
    // Warm the cache (and check the endpoint answers).
    for key in &keys {
        let reply = client
            .post(&url)
            .header("cookie", &cookie)
            .header("origin", &origin)
            .form(&[("key", key.as_str())])
            .send()
            .await?;
        if !reply.status().is_success() {
            println!(
                "[http]    cached customer server function: warm-up answered {} — not measured",
                reply.status()
            );
            return Ok(());
        }
        reply.bytes().await?;
    }
    let post = load::PreparedPost {
        path: "/api/customer".into(),
        headers: vec![("cookie", cookie.clone()), ("origin", origin.clone())],
        bodies: keys
            .iter()
            .map(|key| {
                bytes::Bytes::from(
                    url::form_urlencoded::Serializer::new(String::new())
                        .append_pair("key", key)
                        .finish(),
                )
            })
            .collect(),
    };
    // p99 over a few seconds on two shared cores moves with the scheduler: report the
    // median of three rounds, and every round's p99 beside it.
    let mut rounds = Vec::new();
    for _ in 0..HTTP_ROUNDS {
        let run = load::run(server.addr, post.clone(), HTTP_CONNECTIONS, Duration::from_secs(HTTP_SECONDS))
            .await
            .map_err(|e| e.to_string())?;
        rounds.push(run);
    }
    rounds.sort_by_key(|r| percentile(&r.latencies, 99.0));
    let every_p99: Vec<String> = rounds.iter().map(|r| ms(percentile(&r.latencies, 99.0))).collect();
    let median = &rounds[rounds.len() / 2];
    let (ok, errors): (usize, u64) = rounds.iter().fold((0, 0), |(o, e), r| (o + r.latencies.len(), e + r.errors));
    println!(
        "[http]    cached customer server function, {HTTP_CONNECTIONS} connections, median of {HTTP_ROUNDS} rounds of {HTTP_SECONDS} s: {:.0} req/s, p50 {}, p99 {} (p99 of each round: {}; {ok} ok, {errors} errors; load generator and simulators share the machine)   target ≥ 10000 req/s, p99 ≤ 5 ms",
        median.latencies.len() as f64 / median.elapsed.as_secs_f64(),
        ms(percentile(&median.latencies, 50.0)),
        ms(percentile(&median.latencies, 99.0)),
        every_p99.join(" / "),
    );
    let (rss_after, peak) = server.rss_kb();
    println!(
        "[rss]     salesdesk process after the HTTP run: VmRSS {} (peak {})",
        mb(rss_after),
        mb(peak)
    );
    Ok(())
}

/// 2. The hydrate bundle as the browser downloads it.
/// 6. Restart: a process crawls N customers and stores the list; it is killed with `kill -9`
///    and started again on the same database. Reports the vendor calls one refresh takes,
///    how soon the restarted process serves the list and with how many vendor calls, and
///    peak and steady RSS of both.
async fn restart(demo: &DemoVendors) -> Result<(), Error> {
    let at_least = demo.universe.customers.len() as f64 * 0.5;
    let t = Instant::now();
    let server = ServedSalesDesk::start(&demo.connections).await?;
    let listed = server.wait_for_list(at_least, Duration::from_secs(1800)).await?;
    let crawled_in = t.elapsed();
    // The crawl is stored right after the list is swapped in; let it finish and free memory.
    tokio::time::sleep(Duration::from_secs(5)).await;
    let calls = server.vendor_requests().await.unwrap_or(f64::NAN);
    let (steady, peak) = server.rss_kb();
    println!(
        "[restart] {listed:.0} customers crawled in {:.1} s with {calls:.0} vendor calls (one refresh); VmRSS {} steady, peak {}   target peak ≤ 2× steady",
        crawled_in.as_secs_f64(),
        mb(steady),
        mb(peak)
    );
    let t = Instant::now();
    let server = server.restart(&demo.connections).await?;
    let listening = t.elapsed();
    let served = server.wait_for_list(at_least, Duration::from_secs(600)).await?;
    let serving = t.elapsed();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let calls_after = server.vendor_requests().await.unwrap_or(f64::NAN);
    let (steady, peak) = server.rss_kb();
    println!(
        "[restart] after kill -9: listening in {:.1} s, serving all {served:.0} customers in {:.1} s with {calls_after:.0} vendor calls; VmRSS {} steady, peak {}",
        listening.as_secs_f64(),
        serving.as_secs_f64(),
        mb(steady),
        mb(peak)
    );
    Ok(())
}

fn wasm_sizes(path: &Path) -> Result<(), Error> {
    let Ok(bytes) = std::fs::read(path) else {
        println!(
            "[wasm]    {} not found — run `make build` first; not measured   target ≤ 600 KB raw, ≤ 200 KB gzip",
            path.display()
        );
        return Ok(());
    };
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&bytes)?;
    let gzip = gz.finish()?.len();
    let mut br = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut br, 4096, 11, 22);
        w.write_all(&bytes)?;
    }
    let kb = |n: usize| format!("{:.1} KB", n as f64 / 1024.0);
    println!(
        "[wasm]    {}: raw {}, gzip -9 {}, brotli -q11 {}   target ≤ 600 KB raw, ≤ 200 KB gzip",
        path.display(),
        kb(bytes.len()),
        kb(gzip),
        kb(br.len())
    );
    Ok(())
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> Result<(), Error> {
    let customers = std::env::var("SALESDESK_BENCH_CUSTOMERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000usize);
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    println!("SalesDesk benchmarks — release build, simulated vendors on loopback, {cores} cores");
    // Benches run from the package directory; the site is built at the workspace root.
    let wasm = [Path::new(WASM_PATH).to_path_buf(), Path::new("..").join(WASM_PATH)]
        .into_iter()
        .find(|p| p.exists())
        .unwrap_or_else(|| Path::new("..").join(WASM_PATH));
    let only = std::env::var("SALESDESK_BENCH_ONLY").unwrap_or_default();
    let runs = |section: &str| only.is_empty() || only.split(',').any(|s| s.trim() == section);
    if runs("detail") {
        uncached_detail().await?;
    }
    if runs("wasm") {
        wasm_sizes(&wasm)?;
    }
    if runs("bulk") {
        bulk::bulk_note().await?;
    }
    if runs("search") || runs("served") || runs("restart") {
        let demo = demo::start(DemoOptions {
            customers,
            hostile: false,
            now_ms: None,
            faults: SimulatorFaults::default(),
            http: policy(),
        })
        .await?;
        if runs("search") {
            search(&demo).await?;
        }
        if runs("served") {
            served(&demo).await?;
        }
        if runs("restart") {
            restart(&demo).await?;
        }
    }
    Ok(())
}
