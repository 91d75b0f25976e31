//! A small time-bounded cache for metadata that changes rarely (the tag tree and the field
//! definitions): one value, reloaded when older than its TTL.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::RwLock;

pub struct Cached<T> {
    ttl: Duration,
    slot: RwLock<Option<(Instant, Arc<T>)>>,
}

impl<T> Cached<T> {
    pub fn new(ttl: Duration) -> Self {
        Cached {
            ttl,
            slot: RwLock::new(None),
        }
    }

    /// The cached value while fresh, otherwise the result of `load` (cached on success;
    /// failures are not cached, so the next call tries again).
    pub async fn get_or_load<E, F, Fut>(&self, load: F) -> Result<Arc<T>, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        if let Some((at, value)) = self.slot.read().await.as_ref()
            && at.elapsed() < self.ttl
        {
            return Ok(value.clone());
        }
        // Concurrent misses may both load; the loads are idempotent reads, so the cost of
        // an occasional duplicate is lower than holding a lock across a network call.
        let value = Arc::new(load().await?);
        *self.slot.write().await = Some((Instant::now(), value.clone()));
        Ok(value)
    }

    /// Drops the cached value so the next read loads afresh.
    pub async fn invalidate(&self) {
        *self.slot.write().await = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[tokio::test]
    async fn loads_once_while_fresh_and_retries_after_failure() {
        let cache: Cached<u32> = Cached::new(Duration::from_secs(60));
        let loads = AtomicU32::new(0);
        let load = || async { Ok::<u32, String>(loads.fetch_add(1, Ordering::SeqCst) + 10) };
        assert_eq!(*cache.get_or_load(load).await.unwrap(), 10);
        assert_eq!(*cache.get_or_load(load).await.unwrap(), 10);
        assert_eq!(loads.load(Ordering::SeqCst), 1);
        cache.invalidate().await;
        assert_eq!(*cache.get_or_load(load).await.unwrap(), 11);

        let failing: Cached<u32> = Cached::new(Duration::from_secs(60));
        assert!(failing.get_or_load(|| async { Err::<u32, _>("down") }).await.is_err());
        assert_eq!(*failing.get_or_load(|| async { Ok::<u32, &str>(7) }).await.unwrap(), 7);
    }

    #[tokio::test]
    async fn expired_values_reload() {
        let cache: Cached<u32> = Cached::new(Duration::ZERO);
        let loads = AtomicU32::new(0);
        for _ in 0..3 {
            cache
                .get_or_load(|| async { Ok::<u32, String>(loads.fetch_add(1, Ordering::SeqCst)) })
                .await
                .unwrap();
        }
        assert_eq!(loads.load(Ordering::SeqCst), 3);
    }
}
