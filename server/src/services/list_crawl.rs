//! Who crawls the vendors' customer and clue lists. One instance of a cluster at a time: the
//! holder of the `list-crawl` lease (see `storage::leases`) crawls every refresh interval and
//! stores the result; the others load what it stored (told at once by a notice, and checking
//! every quarter interval in case a notice was lost). The lease lasts half an interval and
//! is renewed every sixth, so when its holder dies another instance takes over within three
//! quarters of an interval. With SQLite there is one instance, which always holds it; the
//! stored list still serves its restarts.

use std::sync::Arc;
use std::time::Duration;

use futures::FutureExt;

use super::Backend;
use crate::clock::now_ms;
use crate::storage::{Notice, Store, leases};

/// The lease's name in `leases`.
pub const LEASE: &str = "list-crawl";

/// Whether another live instance holds the crawl lease (this one should load, not crawl).
pub async fn crawled_elsewhere(store: &Store) -> bool {
    match leases::holder(store, LEASE, now_ms()).await {
        Ok(Some(holder)) => holder.instance != store.instance(),
        Ok(None) => false,
        Err(e) => {
            tracing::warn!(error = %crate::errors::report(&e), "cannot read the crawl lease");
            false
        }
    }
}

/// The first time a list is needed (nothing in memory): `load` brings the stored list when
/// there is one; otherwise `true` — the caller crawls — unless another live instance holds the
/// crawl lease (it will store a list shortly; until then the list is empty rather than crawled
/// twice).
pub async fn crawl_on_first_use<E: std::error::Error + 'static>(
    store: Option<&Store>,
    what: &str,
    load: impl std::future::Future<Output = Result<bool, E>>,
) -> bool {
    let Some(store) = store else { return true };
    match load.await {
        Ok(true) => return false,
        Ok(false) => {}
        Err(e) => tracing::warn!(list = what, error = %crate::errors::report(&e), "the stored list cannot be loaded; crawling"),
    }
    !crawled_elsewhere(store).await
}

/// The timings, from the refresh interval.
#[derive(Clone, Copy, Debug)]
struct Timing {
    every: Duration,
    lease: Duration,
    renew: Duration,
    look: Duration,
}

impl Timing {
    fn new(every: Duration) -> Self {
        Timing {
            every,
            lease: every / 2,
            renew: every / 6,
            look: every / 4,
        }
    }
}

/// Runs the crawl-or-load loop for as long as the process.
pub fn spawn(backend: Arc<Backend>, every: Duration) {
    let timing = Timing::new(every);
    let listened = backend.clone();
    let (wake, mut woken) = tokio::sync::mpsc::channel::<()>(1);
    crate::storage::notices::on_notice(&backend.store, move |notice| {
        let wake = wake.clone();
        async move {
            if matches!(notice, Notice::ListStored { .. } | Notice::Missed) {
                let _ = wake.try_send(());
            }
        }
    });
    tokio::spawn(async move {
        let backend = listened;
        let mut last_attempt: Option<tokio::time::Instant> = None;
        loop {
            let leader = leases::acquire(&backend.store, LEASE, now_ms(), timing.lease.as_millis() as i64)
                .await
                .unwrap_or_else(|e| {
                    tracing::warn!(error = %crate::errors::report(&e), "cannot take or renew the crawl lease");
                    false
                });
            if leader {
                if backend.index.refreshed_at().await.is_none() {
                    // Just started, or just took over: what is stored may be recent enough.
                    load_stored(&backend).await;
                }
                let every_ms = timing.every.as_millis() as i64;
                let list_due = backend.index.refreshed_at().await.is_none_or(|at| now_ms() - at >= every_ms);
                // A crawl that could not be built leaves the list as it was: not again at once.
                let tried_lately = last_attempt.is_some_and(|at| at.elapsed() < timing.every);
                if list_due && !tried_lately {
                    last_attempt = Some(tokio::time::Instant::now());
                    crawl_keeping_the_lease(&backend, timing).await;
                }
            } else {
                load_stored(&backend).await;
            }
            let _ = tokio::time::timeout(if leader { timing.renew } else { timing.look }, woken.recv()).await;
        }
    });
}

/// Loads what the crawling instance stored, if newer than what is in memory.
async fn load_stored(backend: &Backend) {
    match backend.index.load_stored().await {
        Ok(true) => tracing::info!("customer list loaded from the database"),
        Ok(false) => {}
        Err(e) => tracing::warn!(error = %crate::errors::report(&e), "cannot load the stored customer list"),
    }
    match backend.clues.load_stored().await {
        Ok(true) => tracing::info!("clue list loaded from the database"),
        Ok(false) => {}
        Err(e) => tracing::warn!(error = %crate::errors::report(&e), "cannot load the stored clue list"),
    }
}

/// One crawl of both lists, renewing the lease while it runs (a crawl of a large list takes
/// longer than the lease).
async fn crawl_keeping_the_lease(backend: &Backend, timing: Timing) {
    let renew = async {
        loop {
            tokio::time::sleep(timing.renew).await;
            if let Err(e) = leases::acquire(&backend.store, LEASE, now_ms(), timing.lease.as_millis() as i64).await {
                tracing::warn!(error = %crate::errors::report(&e), "cannot renew the crawl lease");
            }
        }
    };
    let crawl = async {
        feed_known_reps(backend).await;
        futures::join!(backend.index.refresh(), backend.clues.refresh());
    };
    futures::future::select(crawl.boxed(), renew.boxed()).await;
}

/// SalesDesk users' WeCom ids, fed in before each crawl so a vendor that lists only per rep
/// (Weiling) lists every user's customers.
async fn feed_known_reps(backend: &Backend) {
    match crate::storage::users::list(&backend.store).await {
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
            backend.index.set_known_reps(reps).await;
        }
        Err(e) => tracing::warn!(error = %crate::errors::report(&e), "cannot read users for the customer list refresh"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dead_crawler_is_replaced_within_one_interval() {
        let t = Timing::new(Duration::from_secs(300));
        // The lease outlives the holder by at most `lease`; another instance looks every
        // `look` (sooner when told): taken over after at most lease + look.
        assert!(t.lease + t.look < t.every, "{t:?}");
        // The holder renews several times within a lease, so one slow renewal does not lose it.
        assert!(t.renew * 2 < t.lease, "{t:?}");
    }
}
