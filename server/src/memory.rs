//! The server's memory allocator, and handing memory it no longer needs back to the system.
//!
//! mimalloc instead of glibc's allocator: a cached customer page makes a few hundred small
//! allocations, and under load glibc spent a fifth of the server's CPU in malloc/free and in
//! contention on its arena locks between the two worker threads (perf under `make bench-wrk`:
//! 26,000 req/s with glibc, 38,000 with mimalloc). It is set here, in the library, so the
//! binary, the integration tests and the benchmarks all run on the same allocator.

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Asks every thread to hand freed memory back to the operating system, and does so for the
/// calling thread now. A customer-list refresh of 100,000 customers frees the previous list
/// and the crawl's intermediate records, over a gigabyte. mimalloc returns such memory only
/// from the thread whose heap it came from, and only once that thread collects: the crawl's
/// records were decoded on the async workers, so each worker collects the next time it goes
/// idle ([`collect_if_asked`], run by the runtime when a worker parks; see `main.rs`).
pub fn release_freed_memory() {
    COLLECT_REQUESTS.fetch_add(1, Ordering::SeqCst);
    collect_if_asked();
}

/// Asks for each release since this thread last collected: one atomic load when there is
/// none, so it is cheap enough to run every time a worker parks.
pub fn collect_if_asked() {
    let asked = COLLECT_REQUESTS.load(Ordering::SeqCst);
    if COLLECTED.with(|seen| seen.replace(asked)) != asked {
        // SAFETY: mi_collect only frees and purges memory that no live allocation uses; it
        // has no preconditions and may be called from any thread at any time.
        unsafe { libmimalloc_sys::mi_collect(true) }
    }
}

static COLLECT_REQUESTS: AtomicU64 = AtomicU64::new(0);

thread_local! {
    static COLLECTED: Cell<u64> = const { Cell::new(0) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_thread_collects_once_per_request() {
        release_freed_memory();
        let asked = COLLECT_REQUESTS.load(Ordering::SeqCst);
        assert_eq!(COLLECTED.with(Cell::get), asked, "the asking thread collected at once");
        std::thread::spawn(move || {
            assert_ne!(COLLECTED.with(Cell::get), asked, "a new thread has not collected yet");
            collect_if_asked();
            assert_eq!(COLLECTED.with(Cell::get), asked);
        })
        .join()
        .unwrap();
    }
}
