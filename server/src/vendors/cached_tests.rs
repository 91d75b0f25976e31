use std::sync::atomic::{AtomicBool, AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use app::domain::{Clue, EpochMs, FollowUpEntry, FollowUpKind, Page, VendorCustomer, VendorErrorKind, VendorId};
use async_trait::async_trait;
use tokio::sync::Semaphore;

use super::{CachePolicy, CachedAdapter, Clock};
use crate::vendors::{CallStats, CustomerListQuery, CustomerLookup, CustomerRef, VendorAdapter, VendorError, WriteReceipt};

const EXT: &str = "wmEXT1";

/// Counts calls; answers with the current `name`; fails while `down`; when `gated`, each
/// read waits for a permit so a test can hold a refresh in flight.
struct Fake {
    customer_calls: AtomicUsize,
    follow_up_calls: AtomicUsize,
    clue_calls: AtomicUsize,
    name: Mutex<String>,
    down: AtomicBool,
    write_error: Mutex<Option<VendorErrorKind>>,
    gate: Option<Semaphore>,
}

impl Fake {
    fn new(gated: bool) -> Arc<Self> {
        Arc::new(Fake {
            customer_calls: AtomicUsize::new(0),
            follow_up_calls: AtomicUsize::new(0),
            clue_calls: AtomicUsize::new(0),
            name: Mutex::new("张三".into()),
            down: AtomicBool::new(false),
            write_error: Mutex::new(None),
            gate: gated.then(|| Semaphore::new(0)),
        })
    }

    fn rename(&self, name: &str) {
        *self.name.lock().unwrap() = name.into();
    }

    fn customers(&self) -> usize {
        self.customer_calls.load(Ordering::SeqCst)
    }

    async fn pass_gate(&self) {
        if let Some(gate) = &self.gate {
            gate.acquire().await.unwrap().forget();
        }
    }

    fn outage(&self) -> Result<(), VendorError> {
        if self.down.load(Ordering::SeqCst) {
            return Err(VendorError::new(
                VendorId::Weiling,
                "/customer/get",
                VendorErrorKind::Transport,
                "connection refused",
            ));
        }
        Ok(())
    }
}

#[async_trait]
impl VendorAdapter for Fake {
    fn vendor(&self) -> VendorId {
        VendorId::Weiling
    }
    fn stats(&self) -> Arc<CallStats> {
        Arc::new(CallStats::default())
    }
    async fn check(&self) -> Result<(), VendorError> {
        Ok(())
    }
    async fn list_customers(&self, _q: &CustomerListQuery) -> Result<Page<VendorCustomer>, VendorError> {
        Ok(Page {
            items: vec![],
            next: None,
            total: None,
        })
    }
    async fn customer(&self, lookup: &CustomerLookup) -> Result<Option<VendorCustomer>, VendorError> {
        let ext = lookup.external_user_id.as_str();
        self.customer_calls.fetch_add(1, Ordering::SeqCst);
        self.pass_gate().await;
        self.outage()?;
        let mut c = VendorCustomer::new(VendorId::Weiling);
        c.external_user_id = Some(ext.to_string());
        c.vendor_customer_id = Some("wl-1".into());
        c.name = Some(self.name.lock().unwrap().clone());
        Ok(Some(c))
    }
    async fn follow_ups(&self, _c: &VendorCustomer) -> Result<Vec<FollowUpEntry>, VendorError> {
        let n = self.follow_up_calls.fetch_add(1, Ordering::SeqCst);
        self.outage()?;
        Ok(vec![FollowUpEntry {
            vendor: VendorId::Weiling,
            id: format!("p{n}"),
            at: 1,
            author_user_id: None,
            author_name: None,
            kind: FollowUpKind::Note { text: format!("note {n}") },
        }])
    }
    async fn clue(&self, id: &str) -> Result<Option<Clue>, VendorError> {
        self.clue_calls.fetch_add(1, Ordering::SeqCst);
        self.outage()?;
        let _ = id;
        Ok(None)
    }
    async fn add_follow_up(&self, _t: &CustomerRef, _text: &str, _at: i64) -> Result<WriteReceipt, VendorError> {
        match *self.write_error.lock().unwrap() {
            Some(kind) => Err(VendorError::new(VendorId::Weiling, "/progress/add", kind, "no answer")),
            None => Ok(WriteReceipt::default()),
        }
    }
    async fn set_remark(&self, _t: &CustomerRef, _r: Option<&str>, _d: Option<&str>) -> Result<WriteReceipt, VendorError> {
        Ok(WriteReceipt::default())
    }
}

struct Rig {
    fake: Arc<Fake>,
    cache: CachedAdapter,
    now: Arc<AtomicI64>,
}

const T0: EpochMs = 1_700_000_000_000;

fn rig(gated: bool) -> Rig {
    let fake = Fake::new(gated);
    let now = Arc::new(AtomicI64::new(T0));
    let clock_now = now.clone();
    let clock: Clock = Arc::new(move || clock_now.load(Ordering::SeqCst));
    let policy = CachePolicy {
        fresh: Duration::from_secs(60),
        max_age: Duration::from_secs(3600),
        capacity: 100,
    };
    let cache = CachedAdapter::with_clock(fake.clone(), policy, clock);
    Rig { fake, cache, now }
}

impl Rig {
    fn advance(&self, secs: i64) {
        self.now.fetch_add(secs * 1000, Ordering::SeqCst);
    }

    async fn name(&self) -> Option<String> {
        self.cache
            .customer(&CustomerLookup::by_external_id(EXT))
            .await
            .unwrap()
            .and_then(|c| c.name)
    }

    fn target(&self) -> CustomerRef {
        CustomerRef {
            external_user_id: Some(EXT.into()),
            union_id: None,
            vendor_customer_id: Some("wl-1".into()),
            rep_user_id: "rep".into(),
        }
    }
}

/// Waits (real time, briefly) until `cond` holds.
async fn eventually(what: &str, cond: impl Fn() -> bool) {
    for _ in 0..200 {
        if cond() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("timed out waiting for: {what}");
}

#[tokio::test]
async fn fresh_entries_are_served_without_calling_the_vendor() {
    let r = rig(false);
    assert_eq!(r.name().await.as_deref(), Some("张三"));
    r.fake.rename("李四");
    r.advance(59);
    assert_eq!(r.name().await.as_deref(), Some("张三"), "still fresh");
    assert_eq!(r.fake.customers(), 1);
    // A different rep is a different relationship (Tanma): its own entry.
    r.cache
        .customer(&CustomerLookup::by_external_id(EXT).with_rep("other-rep"))
        .await
        .unwrap();
    assert_eq!(r.fake.customers(), 2);
    // Clues are cached by id as well.
    r.cache.clue("c1").await.unwrap();
    r.cache.clue("c1").await.unwrap();
    assert_eq!(r.fake.clue_calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn stale_entries_are_served_at_once_while_one_refresh_runs() {
    let r = rig(true);
    r.fake.gate.as_ref().unwrap().add_permits(1);
    assert_eq!(r.name().await.as_deref(), Some("张三"));
    r.fake.rename("李四");
    r.advance(61);
    // Five page views while the vendor is slow: all answered from the copy, one refresh.
    for _ in 0..5 {
        let aged = tokio::time::timeout(
            Duration::from_millis(500),
            r.cache.customer_aged(&CustomerLookup::by_external_id(EXT)),
        )
        .await
        .expect("served without waiting")
        .unwrap();
        assert_eq!(aged.value.as_ref().as_ref().and_then(|c| c.name.as_deref()), Some("张三"));
        assert!(aged.stale.is_none(), "no failure known yet");
    }
    eventually("the refresh to start", || r.fake.customers() == 2).await;
    assert_eq!(r.fake.customers(), 2, "exactly one background refresh");
    r.fake.gate.as_ref().unwrap().add_permits(1);
    for _ in 0..200 {
        if r.name().await.as_deref() == Some("李四") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(r.name().await.as_deref(), Some("李四"), "the refreshed value replaces the copy");
    assert_eq!(r.fake.customers(), 2);
}

/// The clue page shows the last copy of a clue, with its age and the vendor's error, while
/// the vendor fails.
#[tokio::test]
async fn a_failing_vendor_keeps_serving_the_last_clue_with_its_age() {
    let r = rig(false);
    assert!(r.cache.clue_aged("c-1").await.unwrap().stale.is_none());
    r.fake.down.store(true, Ordering::SeqCst);
    r.advance(600);
    r.cache.clue_aged("c-1").await.unwrap();
    eventually("the refresh to fail", || r.fake.clue_calls.load(Ordering::SeqCst) == 2).await;
    let mut aged = r.cache.clue_aged("c-1").await.unwrap();
    for _ in 0..200 {
        if aged.stale.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
        aged = r.cache.clue_aged("c-1").await.unwrap();
    }
    let stale = aged.stale.expect("the copy is marked stale");
    assert_eq!((stale.fetched_at, stale.error.kind), (T0, VendorErrorKind::Transport));
}

#[tokio::test]
async fn a_failing_vendor_gets_the_last_good_copy_with_its_age() {
    let r = rig(false);
    assert_eq!(r.name().await.as_deref(), Some("张三"));
    r.fake.down.store(true, Ordering::SeqCst);
    r.advance(600);
    r.cache.customer_aged(&CustomerLookup::by_external_id(EXT)).await.unwrap();
    eventually("the refresh to fail", || r.fake.customers() == 2).await;
    let mut aged = r.cache.customer_aged(&CustomerLookup::by_external_id(EXT)).await.unwrap();
    for _ in 0..200 {
        if aged.stale.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
        aged = r.cache.customer_aged(&CustomerLookup::by_external_id(EXT)).await.unwrap();
    }
    assert_eq!(aged.value.as_ref().as_ref().and_then(|c| c.name.as_deref()), Some("张三"));
    let stale = aged.stale.expect("the copy is marked stale");
    assert_eq!(stale.fetched_at, T0, "its age: fetched ten minutes ago");
    assert_eq!(stale.error.kind, VendorErrorKind::Transport);
    // Past the maximum age the copy is not shown any more; the vendor's error is.
    r.advance(3600);
    let err = r.cache.customer(&CustomerLookup::by_external_id(EXT)).await.unwrap_err();
    assert_eq!(err.kind, VendorErrorKind::Transport);
    // Back up: a fresh answer, no staleness.
    r.fake.down.store(false, Ordering::SeqCst);
    let aged = r.cache.customer_aged(&CustomerLookup::by_external_id(EXT)).await.unwrap();
    assert!(aged.stale.is_none());
}

#[tokio::test]
async fn a_miss_with_the_vendor_down_is_an_error() {
    let r = rig(false);
    r.fake.down.store(true, Ordering::SeqCst);
    assert!(r.cache.customer(&CustomerLookup::by_external_id(EXT)).await.is_err());
    r.fake.down.store(false, Ordering::SeqCst);
    assert_eq!(r.name().await.as_deref(), Some("张三"), "errors are not cached");
}

#[tokio::test]
async fn writes_invalidate_the_customers_entries() {
    let r = rig(false);
    let stub = r.cache.customer(&CustomerLookup::by_external_id(EXT)).await.unwrap().unwrap();
    r.cache.follow_ups(&stub).await.unwrap();
    r.cache.clue("unrelated").await.unwrap();
    r.fake.rename("王五");
    r.cache.set_remark(&r.target(), Some("王总"), None).await.unwrap();
    assert_eq!(r.name().await.as_deref(), Some("王五"), "re-read after the write");
    assert_eq!(r.fake.customers(), 2);
    let before = r.fake.follow_up_calls.load(Ordering::SeqCst);
    r.cache.add_follow_up(&r.target(), "见面聊", T0).await.unwrap();
    let list = r.cache.follow_ups(&stub).await.unwrap();
    assert_eq!(
        r.fake.follow_up_calls.load(Ordering::SeqCst),
        before + 1,
        "follow-ups re-read after the note"
    );
    assert_eq!(list[0].id, format!("p{before}"));
    r.cache.clue("unrelated").await.unwrap();
    assert_eq!(r.fake.clue_calls.load(Ordering::SeqCst), 1, "other records keep their entries");
}

#[tokio::test]
async fn after_an_uncertain_note_follow_ups_are_read_live_until_a_write_succeeds() {
    let r = rig(false);
    let stub = r.cache.customer(&CustomerLookup::by_external_id(EXT)).await.unwrap().unwrap();
    *r.fake.write_error.lock().unwrap() = Some(VendorErrorKind::Timeout);
    assert!(r.cache.add_follow_up(&r.target(), "合同已发", T0).await.is_err());
    let calls = || r.fake.follow_up_calls.load(Ordering::SeqCst);
    r.cache.follow_ups(&stub).await.unwrap();
    r.cache.follow_ups(&stub).await.unwrap();
    assert_eq!(calls(), 2, "the outbox must see the vendor's own list");
    *r.fake.write_error.lock().unwrap() = None;
    r.cache.add_follow_up(&r.target(), "合同已发", T0).await.unwrap();
    r.cache.follow_ups(&stub).await.unwrap();
    r.cache.follow_ups(&stub).await.unwrap();
    assert_eq!(calls(), 3, "cached again once the note is known to be delivered");
}

#[tokio::test]
async fn another_instances_writes_drop_those_customers_and_missed_notices_drop_everything() {
    let r = rig(false);
    r.cache.customer(&CustomerLookup::by_external_id(EXT)).await.unwrap();
    r.cache.clue("unrelated").await.unwrap();
    r.fake.rename("王五");
    r.cache.forget_customers(&[r.target()]).await;
    assert_eq!(r.name().await.as_deref(), Some("王五"), "re-read after another instance wrote");
    r.cache.clue("unrelated").await.unwrap();
    assert_eq!(r.fake.clue_calls.load(Ordering::SeqCst), 1, "other records keep their entries");
    r.cache.forget_everything().await;
    r.cache.clue("unrelated").await.unwrap();
    assert_eq!(
        r.fake.clue_calls.load(Ordering::SeqCst),
        2,
        "nothing is kept once notices were missed"
    );
}
