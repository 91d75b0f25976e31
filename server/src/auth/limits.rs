//! Sign-in throttling. Failed attempts are counted per account name and per client address
//! in a sliding window; too many lock that key until the oldest failure ages out, and a
//! successful sign-in clears the account's count. On top, `governor` caps all attempts per
//! address, because every attempt costs an Argon2 hash. A locked name looks the same
//! whether or not the account exists.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

pub const ACCOUNT_FAILURES: usize = 5;
pub const ADDRESS_FAILURES: usize = 20;
pub const FAILURE_WINDOW: Duration = Duration::from_secs(15 * 60);
/// Attempts per address (successful or not): 2 a second, bursts of 30.
const ADDRESS_ATTEMPTS_PER_SECOND: u32 = 2;
const ADDRESS_ATTEMPT_BURST: u32 = 30;
/// Keys kept before old ones are pruned.
const PRUNE_ABOVE: usize = 10_000;

struct FailureWindow<K> {
    limit: usize,
    window: Duration,
    failures: Mutex<HashMap<K, VecDeque<Instant>>>,
}

impl<K: Eq + Hash + Clone> FailureWindow<K> {
    fn new(limit: usize, window: Duration) -> Self {
        FailureWindow {
            limit,
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    fn recent(&self, list: &mut VecDeque<Instant>, now: Instant) {
        while list.front().is_some_and(|t| now.duration_since(*t) >= self.window) {
            list.pop_front();
        }
    }

    fn locked(&self, key: &K, now: Instant) -> bool {
        let Ok(mut map) = self.failures.lock() else { return true };
        match map.get_mut(key) {
            Some(list) => {
                self.recent(list, now);
                list.len() >= self.limit
            }
            None => false,
        }
    }

    fn fail(&self, key: &K, now: Instant) {
        let Ok(mut map) = self.failures.lock() else { return };
        if map.len() > PRUNE_ABOVE {
            map.retain(|_, list| list.back().is_some_and(|t| now.duration_since(*t) < self.window));
        }
        let list = map.entry(key.clone()).or_default();
        self.recent(list, now);
        list.push_back(now);
    }

    fn clear(&self, key: &K) {
        if let Ok(mut map) = self.failures.lock() {
            map.remove(key);
        }
    }
}

pub struct LoginLimits {
    accounts: FailureWindow<String>,
    addresses: FailureWindow<IpAddr>,
    attempts: DefaultKeyedRateLimiter<IpAddr>,
}

impl Default for LoginLimits {
    fn default() -> Self {
        Self::new(ACCOUNT_FAILURES, ADDRESS_FAILURES, FAILURE_WINDOW)
    }
}

fn account_key(username: &str) -> String {
    username.trim().to_lowercase()
}

impl LoginLimits {
    pub fn new(account_failures: usize, address_failures: usize, window: Duration) -> Self {
        let per_second = NonZeroU32::new(ADDRESS_ATTEMPTS_PER_SECOND).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(ADDRESS_ATTEMPT_BURST).unwrap_or(NonZeroU32::MIN);
        LoginLimits {
            accounts: FailureWindow::new(account_failures, window),
            addresses: FailureWindow::new(address_failures, window),
            attempts: RateLimiter::keyed(Quota::per_second(per_second).allow_burst(burst)),
        }
    }

    /// May this attempt go ahead? Counts it against the address's attempt rate.
    pub fn allow(&self, username: &str, address: Option<IpAddr>) -> bool {
        let now = Instant::now();
        if self.accounts.locked(&account_key(username), now) {
            return false;
        }
        if let Some(ip) = address {
            if self.addresses.locked(&ip, now) {
                return false;
            }
            if self.attempts.len() > PRUNE_ABOVE {
                self.attempts.retain_recent();
            }
            if self.attempts.check_key(&ip).is_err() {
                return false;
            }
        }
        true
    }

    pub fn failed(&self, username: &str, address: Option<IpAddr>) {
        let now = Instant::now();
        self.accounts.fail(&account_key(username), now);
        if let Some(ip) = address {
            self.addresses.fail(&ip, now);
        }
    }

    pub fn succeeded(&self, username: &str) {
        self.accounts.clear(&account_key(username));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_lock_the_account_and_the_address() {
        let limits = LoginLimits::new(3, 5, Duration::from_secs(60));
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        for _ in 0..3 {
            assert!(limits.allow("Rocky", Some(a)));
            limits.failed("Rocky", Some(a));
        }
        assert!(!limits.allow("rocky", Some(b)), "the account is locked from any address, any case");
        assert!(limits.allow("admin", Some(a)), "other accounts from the same address still work");
        // Spraying many accounts from one address trips the address limit.
        limits.failed("u1", Some(a));
        limits.failed("u2", Some(a));
        assert!(!limits.allow("u3", Some(a)));
        assert!(limits.allow("u3", Some(b)));
        // A nonexistent account locks exactly like a real one.
        for _ in 0..3 {
            limits.failed("nobody", Some(b));
        }
        assert!(!limits.allow("nobody", Some(b)));
    }

    #[test]
    fn success_clears_the_account_and_windows_slide() {
        let limits = LoginLimits::new(2, 100, Duration::from_millis(50));
        limits.failed("a", None);
        limits.succeeded("a");
        limits.failed("a", None);
        assert!(limits.allow("a", None), "the count restarted after the success");
        limits.failed("a", None);
        assert!(!limits.allow("a", None));
        std::thread::sleep(Duration::from_millis(60));
        assert!(limits.allow("a", None), "failures age out");
    }

    #[test]
    fn attempt_rate_per_address() {
        let limits = LoginLimits::default();
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let allowed = (0..100).filter(|i| limits.allow(&format!("user{i}"), Some(ip))).count();
        assert!((30..=32).contains(&allowed), "burst of 30 then ~2/s: {allowed}");
    }
}
