//! The server's memory allocator, and handing memory it no longer needs back to the system.
//!
//! mimalloc instead of glibc's allocator: a cached customer page makes a few hundred small
//! allocations, and under load glibc spent a fifth of the server's CPU in malloc/free and in
//! contention on its arena locks between the two worker threads (perf under `make bench-wrk`:
//! 26,000 req/s with glibc, 38,000 with mimalloc). It is set here, in the library, so the
//! binary, the integration tests and the benchmarks all run on the same allocator.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Returns freed memory to the operating system now. A customer-list refresh of 100,000
/// customers frees the previous list and the crawl's intermediate records, over a gigabyte
/// that mimalloc would otherwise keep mapped until its purge delay ran out on each thread.
pub fn release_freed_memory() {
    // SAFETY: mi_collect only frees and purges memory that no live allocation uses; it has no
    // preconditions and may be called from any thread at any time.
    unsafe { libmimalloc_sys::mi_collect(true) }
}
