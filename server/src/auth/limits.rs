//! Sign-in throttling.
//!
//! - **Counted before it is checked.** An attempt is recorded as a failure *before* its password
//!   is verified ([`LoginLimits::begin`]) and taken back only if it succeeds, so guesses sent
//!   together cannot all be checked against one count read before any of them finished.
//! - **Locked per (name, address) and per address.** [`PAIR_FAILURES`] failures for one name
//!   from one address within [`FAILURE_WINDOW`] stop that address guessing that name;
//!   [`ADDRESS_FAILURES`] failures from one address stop it guessing any name. Nobody can
//!   lock an account's owner out from the owner's own address.
//! - **Slowed per name.** Past [`NAME_FAILURES_BEFORE_SLOWDOWN`] failures for a name from
//!   anywhere, every further check of that name waits first (doubling, up to
//!   [`NAME_SLOWDOWN_MAX`]), one check at a time per name: guesses spread over many addresses
//!   are slowed to a trickle while the owner still gets in, a little later.
//! - **Capped per address** by `governor`, because every attempt costs an Argon2 hash.
//!
//! A throttled name looks the same whether or not the account exists.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// Failures for one name from one address before that address may not try the name.
pub const PAIR_FAILURES: usize = 5;
/// Failures from one address (any names) before it may not try at all.
pub const ADDRESS_FAILURES: usize = 20;
/// Failures for one name (any addresses) before each check of it is delayed.
pub const NAME_FAILURES_BEFORE_SLOWDOWN: usize = 5;
/// The longest delay before checking a much-guessed name.
pub const NAME_SLOWDOWN_MAX: Duration = Duration::from_secs(8);
pub const FAILURE_WINDOW: Duration = Duration::from_secs(15 * 60);
/// Attempts per address (successful or not): 2 a second, bursts of 30.
const ADDRESS_ATTEMPTS_PER_SECOND: u32 = 2;
const ADDRESS_ATTEMPT_BURST: u32 = 30;
/// Keys kept before old ones are pruned.
const PRUNE_ABOVE: usize = 10_000;

/// Failure times per key within a sliding window.
struct FailureWindow<K> {
    limit: usize,
    window: Duration,
    failures: HashMap<K, VecDeque<Instant>>,
}

impl<K: Eq + Hash + Clone> FailureWindow<K> {
    fn new(limit: usize, window: Duration) -> Self {
        FailureWindow {
            limit,
            window,
            failures: HashMap::new(),
        }
    }

    /// Failures of `key` still inside the window.
    fn count(&mut self, key: &K, now: Instant) -> usize {
        let window = self.window;
        match self.failures.get_mut(key) {
            Some(list) => {
                while list.front().is_some_and(|t| now.duration_since(*t) >= window) {
                    list.pop_front();
                }
                list.len()
            }
            None => 0,
        }
    }

    fn locked(&mut self, key: &K, now: Instant) -> bool {
        self.count(key, now) >= self.limit
    }

    fn fail(&mut self, key: &K, now: Instant) {
        if self.failures.len() > PRUNE_ABOVE {
            let window = self.window;
            self.failures
                .retain(|_, list| list.back().is_some_and(|t| now.duration_since(*t) < window));
        }
        self.failures.entry(key.clone()).or_default().push_back(now);
    }

    /// Takes back the failure recorded at `at` (an attempt that turned out right).
    fn take_back(&mut self, key: &K, at: Instant) {
        if let Some(list) = self.failures.get_mut(key)
            && let Some(i) = list.iter().rposition(|t| *t == at)
        {
            list.remove(i);
        }
    }

    fn clear(&mut self, key: &K) {
        self.failures.remove(key);
    }
}

/// The windows, behind one lock so an attempt is checked and counted in one step.
struct Windows {
    pairs: FailureWindow<(String, Option<IpAddr>)>,
    addresses: FailureWindow<IpAddr>,
    names: FailureWindow<String>,
}

pub struct LoginLimits {
    windows: Mutex<Windows>,
    attempts: DefaultKeyedRateLimiter<IpAddr>,
    /// One check at a time per name (see the module docs).
    name_turns: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl Default for LoginLimits {
    fn default() -> Self {
        Self::new(PAIR_FAILURES, ADDRESS_FAILURES, FAILURE_WINDOW)
    }
}

fn account_key(username: &str) -> String {
    username.trim().to_lowercase()
}

/// An attempt that was allowed and is counted as failed until [`LoginAttempt::succeeded`].
/// Hold it while the password is checked: it also holds the name's turn.
pub struct LoginAttempt<'a> {
    limits: &'a LoginLimits,
    name: String,
    address: Option<IpAddr>,
    at: Instant,
    _turn: tokio::sync::OwnedMutexGuard<()>,
}

impl LoginAttempt<'_> {
    /// The password was right: the attempt is taken back and the name's and this
    /// address's failures for it are forgotten.
    pub fn succeeded(self) {
        let Ok(mut w) = self.limits.windows.lock() else { return };
        w.pairs.clear(&(self.name.clone(), self.address));
        w.names.clear(&self.name);
        if let Some(ip) = self.address {
            w.addresses.take_back(&ip, self.at);
        }
    }
}

impl LoginLimits {
    pub fn new(pair_failures: usize, address_failures: usize, window: Duration) -> Self {
        let per_second = NonZeroU32::new(ADDRESS_ATTEMPTS_PER_SECOND).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(ADDRESS_ATTEMPT_BURST).unwrap_or(NonZeroU32::MIN);
        LoginLimits {
            windows: Mutex::new(Windows {
                pairs: FailureWindow::new(pair_failures, window),
                addresses: FailureWindow::new(address_failures, window),
                names: FailureWindow::new(usize::MAX, window),
            }),
            attempts: RateLimiter::keyed(Quota::per_second(per_second).allow_burst(burst)),
            name_turns: Mutex::new(HashMap::new()),
        }
    }

    /// May this attempt go ahead? If so it is counted as a failure at once, waits for the
    /// name's turn and for the name's slowdown, and is handed back to be checked. `None`:
    /// throttled.
    pub async fn begin(&self, username: &str, address: Option<IpAddr>) -> Option<LoginAttempt<'_>> {
        let name = account_key(username);
        let now = Instant::now();
        {
            let Ok(mut w) = self.windows.lock() else { return None };
            if w.pairs.locked(&(name.clone(), address), now) {
                return None;
            }
            if let Some(ip) = address {
                if w.addresses.locked(&ip, now) {
                    return None;
                }
                if self.attempts.len() > PRUNE_ABOVE {
                    self.attempts.retain_recent();
                }
                if self.attempts.check_key(&ip).is_err() {
                    return None;
                }
                w.addresses.fail(&ip, now);
            }
            w.pairs.fail(&(name.clone(), address), now);
        }
        let turn = self.name_turn(&name);
        let turn = turn.lock_owned().await;
        // Counted for the name only once it is this attempt's turn, so the delay grows with
        // the failures before it, not with the attempts queued beside it.
        let delay = {
            let Ok(mut w) = self.windows.lock() else { return None };
            let earlier = w.names.count(&name, Instant::now());
            w.names.fail(&name, now);
            name_delay(earlier)
        };
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        Some(LoginAttempt {
            limits: self,
            name,
            address,
            at: now,
            _turn: turn,
        })
    }

    fn name_turn(&self, name: &str) -> Arc<tokio::sync::Mutex<()>> {
        let Ok(mut turns) = self.name_turns.lock() else {
            return Arc::new(tokio::sync::Mutex::new(()));
        };
        if turns.len() > PRUNE_ABOVE {
            // Nobody else holds an entry whose only reference is the map's.
            turns.retain(|_, turn| Arc::strong_count(turn) > 1);
        }
        turns.entry(name.to_string()).or_default().clone()
    }
}

/// How long a check of a name waits after `earlier` failures for it within the window.
fn name_delay(earlier: usize) -> Duration {
    match earlier.checked_sub(NAME_FAILURES_BEFORE_SLOWDOWN) {
        None => Duration::ZERO,
        Some(past) => {
            let millis = 500u64.saturating_mul(1u64 << past.min(16));
            Duration::from_millis(millis).min(NAME_SLOWDOWN_MAX)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(last: u8) -> Option<IpAddr> {
        Some(IpAddr::from([10, 0, 0, last]))
    }

    /// One attempt that fails (its guard dropped without success).
    async fn fail(limits: &LoginLimits, name: &str, address: Option<IpAddr>) -> bool {
        limits.begin(name, address).await.is_some()
    }

    #[tokio::test]
    async fn failures_lock_the_pair_and_the_address_not_the_name() {
        let limits = LoginLimits::new(3, 5, Duration::from_secs(60));
        for _ in 0..3 {
            assert!(fail(&limits, "Rocky", ip(1)).await);
        }
        assert!(limits.begin("rocky", ip(1)).await.is_none(), "locked for this address, any case");
        let owner = limits
            .begin("rocky", ip(2))
            .await
            .expect("the owner's own address still gets a check");
        owner.succeeded();
        assert!(
            limits.begin("admin", ip(1)).await.is_some(),
            "other names from the address still work"
        );
        // Spraying names from one address trips the address limit (5 failures here: three
        // for rocky, one for admin, this one).
        assert!(fail(&limits, "u2", ip(1)).await);
        assert!(limits.begin("u3", ip(1)).await.is_none());
        assert!(limits.begin("u3", ip(3)).await.is_some());
        // A nonexistent account behaves exactly like a real one.
        for _ in 0..3 {
            assert!(fail(&limits, "nobody", ip(4)).await);
        }
        assert!(limits.begin("nobody", ip(4)).await.is_none());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn attempts_in_flight_together_are_counted_before_any_is_checked() {
        let limits = Arc::new(LoginLimits::new(5, 100, Duration::from_secs(60)));
        let barrier = Arc::new(tokio::sync::Barrier::new(25));
        let tasks: Vec<_> = (0..25)
            .map(|_| {
                let limits = limits.clone();
                let barrier = barrier.clone();
                tokio::spawn(async move {
                    barrier.wait().await;
                    // The guard is held while "verifying", as the real sign-in does.
                    let attempt = limits.begin("admin", ip(9)).await;
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    attempt.is_some()
                })
            })
            .collect();
        let mut checked = 0;
        for t in tasks {
            checked += usize::from(t.await.expect("task"));
        }
        assert_eq!(checked, 5, "exactly the limit is checked, however many arrive together");
    }

    #[tokio::test]
    async fn success_takes_the_attempt_back_and_windows_slide() {
        let limits = LoginLimits::new(2, 100, Duration::from_millis(50));
        assert!(fail(&limits, "a", None).await);
        limits.begin("a", None).await.expect("second").succeeded();
        assert!(fail(&limits, "a", None).await, "the count restarted after the success");
        assert!(fail(&limits, "a", None).await);
        assert!(limits.begin("a", None).await.is_none());
        tokio::time::sleep(Duration::from_millis(60)).await;
        assert!(limits.begin("a", None).await.is_some(), "failures age out");
    }

    #[test]
    fn a_much_guessed_name_is_slowed_not_locked() {
        assert_eq!(name_delay(0), Duration::ZERO);
        assert_eq!(name_delay(NAME_FAILURES_BEFORE_SLOWDOWN - 1), Duration::ZERO);
        assert_eq!(name_delay(NAME_FAILURES_BEFORE_SLOWDOWN), Duration::from_millis(500));
        assert_eq!(name_delay(NAME_FAILURES_BEFORE_SLOWDOWN + 1), Duration::from_secs(1));
        assert_eq!(name_delay(1000), NAME_SLOWDOWN_MAX);
    }

    #[tokio::test(start_paused = true)]
    async fn guesses_from_many_addresses_wait_their_turn() {
        let limits = LoginLimits::default();
        let started = tokio::time::Instant::now();
        for last in 0..(NAME_FAILURES_BEFORE_SLOWDOWN as u8 + 2) {
            assert!(fail(&limits, "admin", ip(last)).await, "each address may still try");
        }
        // 0.5 s + 1 s for the two checks past the threshold (the clock is paused, so slept
        // time is exact).
        assert_eq!(started.elapsed(), Duration::from_millis(1500));
        let owner = limits.begin("admin", ip(200)).await.expect("the owner gets a check");
        assert_eq!(started.elapsed(), Duration::from_millis(3500), "after a 2 s wait");
        owner.succeeded();
        assert!(limits.begin("admin", ip(201)).await.is_some());
        assert_eq!(started.elapsed(), Duration::from_millis(3500), "a success ends the slowdown");
    }

    #[tokio::test]
    async fn attempt_rate_per_address() {
        let limits = LoginLimits::new(1000, 1000, FAILURE_WINDOW);
        let mut allowed = 0;
        for i in 0..100 {
            allowed += usize::from(limits.begin(&format!("user{i}"), ip(7)).await.is_some());
        }
        assert!((30..=32).contains(&allowed), "burst of 30 then ~2/s: {allowed}");
    }
}
