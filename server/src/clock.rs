//! The one wall clock: every timestamp SalesDesk stores or compares is milliseconds since the
//! Unix epoch, read here. Code that tests need to steer takes a [`Clock`] instead.

use std::sync::Arc;

/// Now, in milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// A clock that can be replaced in tests (the read cache's ages, for instance).
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// The wall clock as a [`Clock`].
pub fn system_clock() -> Clock {
    Arc::new(now_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_system_clock_reads_the_wall_clock() {
        let before = now_ms();
        let read = system_clock()();
        assert!(read >= before && read - before < 60_000, "{before} {read}");
        // A date after 2020 proves milliseconds, not seconds.
        assert!(read > 1_577_836_800_000);
    }
}
