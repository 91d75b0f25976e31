//! Section 5: a bulk note to every customer of a 1,000-customer demo universe, through the
//! real service: the time from the submission until every write's outcome is recorded, and
//! the vendor calls it took (Juzibot's `add_follow` batches, Weiling's one call per
//! customer). The outbox is a SQLite file on disk (WAL, synchronous=FULL), as in production.

use std::time::{Duration, Instant};

use app::domain::{BulkAction, BulkRequest, BulkSelection, CustomerQuery, VendorId};
use app::service::SalesDeskService;
use salesdesk::config::SimulatorFaults;
use salesdesk::demo::{self, DemoOptions, DemoVendors};
use salesdesk::services::wiring::build_backend;
use salesdesk::storage::Store;

use super::{Error, admin, ms, policy};

const BULK_CUSTOMERS: usize = 1_000;

/// A count the simulators keep of what they received.
async fn sim_counter(demo: &DemoVendors, vendor: usize, path: &str, field: &str) -> Result<u64, Error> {
    let url = format!("http://{}{path}", demo.addrs[vendor]);
    let value: serde_json::Value = reqwest::get(url).await?.json().await?;
    Ok(value[field].as_u64().unwrap_or(0))
}

/// Juzibot `add_follow` calls and Weiling notes created so far.
async fn vendor_calls(demo: &DemoVendors) -> Result<(u64, u64), Error> {
    Ok((
        sim_counter(demo, 2, "/__sim/juzi/requests", "/api/v1/customer/add_follow").await?,
        sim_counter(demo, 1, "/__sim/weiling/stats", "progress_created").await?,
    ))
}

pub async fn bulk_note() -> Result<(), Error> {
    let demo = demo::start(DemoOptions {
        customers: BULK_CUSTOMERS,
        hostile: false,
        now_ms: None,
        faults: SimulatorFaults::default(),
        http: policy(),
    })
    .await?;
    let dir = std::env::temp_dir().join(format!("salesdesk-bench-bulk-{}", uuid::Uuid::new_v4().simple()));
    let store = Store::open(&dir).await?;
    let backend = build_backend(true, demo.connections.clone(), store)?;
    backend.index.refresh().await;
    let (follow_before, progress_before) = vendor_calls(&demo).await?;

    let started = Instant::now();
    let request = BulkRequest {
        selection: BulkSelection::Filter {
            query: CustomerQuery::default(),
        },
        action: BulkAction::Note {
            text: "季度回访：已电话确认续约意向，下周发送报价".into(),
        },
        token: "bench-bulk-1".into(),
    };
    let job_id = backend.bulk_write(&admin(), request).await?.job_id;
    let answered = started.elapsed();
    let job = loop {
        backend.delivery.run_due().await;
        let job = backend.bulk_job(&admin(), job_id).await?;
        if job.counts.pending == 0 {
            break job;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    let recorded = started.elapsed();
    let (follow_after, progress_after) = vendor_calls(&demo).await?;
    let writes = |v: VendorId| job.vendors.iter().find(|(x, _)| *x == v).map_or(0, |(_, c)| c.total());
    println!(
        "[bulk]    one bulk note to {} customers ({} writes: Juzibot {}, Weiling {}; {} not writable): every outcome recorded after {} (the submission answered after {}); {} delivered, {} failed; vendor calls: Juzibot add_follow {}, Weiling progress/create {}",
        job.customers.len(),
        job.counts.total(),
        writes(VendorId::Juzi),
        writes(VendorId::Weiling),
        job.skipped,
        ms(recorded),
        ms(answered),
        job.counts.delivered,
        job.counts.failed,
        follow_after - follow_before,
        progress_after - progress_before,
    );
    backend.store.pool().close().await;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
