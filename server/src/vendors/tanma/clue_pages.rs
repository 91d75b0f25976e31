//! Newest-first paging over `clue/list-by-create-time-asc`, an endpoint that only pages
//! oldest-first inside a `[since, before)` create-time window.
//!
//! SalesDesk walks backwards in time: it fetches a whole window below `before`, sorts it
//! newest first and hands out the newest items; the opaque cursor remembers `before` and how
//! many of the newest clues below it were already returned (`skip`), plus the window size
//! to go on with. Windows start at one day, double while sparse (up to 256 days), halve
//! when one holds more clues than a window fetch may read, and stop at a ten-year
//! look-back. Because the cursor only says "the `skip` newest clues below `before`", any
//! window size yields the same sequence, and clues created after the first page (all above
//! `before`) never shift later pages.

use std::future::Future;

use app::domain::{VendorErrorKind, VendorId};

use super::wire::ClueDetail;
use crate::vendors::VendorError;
use crate::vendors::time::parse_beijing;

/// Where the next page starts: below `before_s` (epoch seconds, exclusive), after the
/// `skip` newest clues there, with windows of `span_s` seconds (0: start afresh).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClueCursor {
    pub before_s: i64,
    pub skip: usize,
    pub span_s: i64,
}

impl ClueCursor {
    /// The first page: everything created before `before_s`.
    pub fn first(before_s: i64) -> Self {
        ClueCursor {
            before_s,
            skip: 0,
            span_s: 0,
        }
    }

    pub fn encode(&self) -> String {
        format!("{}.{}.{}", self.before_s, self.skip, self.span_s)
    }

    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.split('.');
        let cursor = ClueCursor {
            before_s: parts.next()?.parse().ok()?,
            skip: parts.next()?.parse().ok()?,
            span_s: parts.next()?.parse().ok().filter(|s: &i64| *s >= 0)?,
        };
        parts.next().is_none().then_some(cursor)
    }
}

/// Window sizes and limits, in seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WindowPlan {
    pub initial_span_s: i64,
    pub max_span_s: i64,
    pub lookback_s: i64,
    /// Window fetches per page: bounds the calls one page may cost when clues are sparse.
    pub max_windows: usize,
}

impl Default for WindowPlan {
    fn default() -> Self {
        WindowPlan {
            initial_span_s: 86_400,
            max_span_s: 256 * 86_400,
            lookback_s: 3650 * 86_400,
            max_windows: 12,
        }
    }
}

/// One window's clues, or word that it holds more than one window fetch may read.
pub enum Window {
    Complete(Vec<ClueDetail>),
    TooDense,
}

/// One page of at most `page_size` clues, newest first, and the cursor for the next page
/// (`None` once the look-back limit is reached). `fetch(since_s, before_s)` reads a window.
pub async fn newest_first_page<F, Fut>(
    start: ClueCursor,
    now_s: i64,
    page_size: usize,
    plan: WindowPlan,
    mut fetch: F,
) -> Result<(Vec<ClueDetail>, Option<ClueCursor>), VendorError>
where
    F: FnMut(i64, i64) -> Fut,
    Fut: Future<Output = Result<Window, VendorError>>,
{
    let page_size = page_size.max(1);
    let floor = now_s - plan.lookback_s;
    let (mut before, mut skip) = (start.before_s, start.skip);
    let max_span = plan.max_span_s.max(1);
    let mut span = if start.span_s > 0 {
        start.span_s.min(max_span)
    } else {
        plan.initial_span_s.clamp(1, max_span)
    };
    let mut items = Vec::with_capacity(page_size);
    let mut windows = 0;
    while before > floor && items.len() < page_size {
        if windows == plan.max_windows {
            // A short page: the caller follows the cursor for more.
            return Ok((
                items,
                Some(ClueCursor {
                    before_s: before,
                    skip,
                    span_s: span,
                }),
            ));
        }
        let since = (before - span).max(floor);
        let mut window = match fetch(since, before).await? {
            Window::Complete(w) => w,
            // Not counted against `max_windows`: halving is bounded by log2(span) anyway,
            // and counting it could end every page before the dense second is reached.
            Window::TooDense if span > 1 => {
                span /= 2;
                continue;
            }
            Window::TooDense => {
                return Err(VendorError::new(
                    VendorId::Tanma,
                    super::client::paths::CLUE_LIST_ASC,
                    VendorErrorKind::Upstream,
                    "more clues created within one second than one window fetch may read",
                ));
            }
        };
        windows += 1;
        sort_newest_first(&mut window);
        let count = window.len();
        let need = page_size - items.len();
        if skip >= count {
            skip -= count;
        } else if count - skip > need {
            items.extend(window.drain(skip..skip + need));
            return Ok((
                items,
                Some(ClueCursor {
                    before_s: before,
                    skip: skip + need,
                    span_s: span,
                }),
            ));
        } else {
            items.extend(window.drain(skip..));
            skip = 0;
        }
        before = since;
        if count < page_size {
            span = (span * 2).min(max_span);
        }
    }
    let next = (before > floor).then_some(ClueCursor {
        before_s: before,
        skip,
        span_s: span,
    });
    Ok((items, next))
}

/// Newest first by create time, then by id (ids grow over time).
pub fn sort_newest_first(clues: &mut [ClueDetail]) {
    clues.sort_by_key(|c| std::cmp::Reverse((c.create_time.as_deref().and_then(parse_beijing).unwrap_or(i64::MIN), c.customer_id)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vendors::time::{format_beijing, parse_beijing};
    use std::cell::RefCell;

    fn clue(id: i64, created_s: i64) -> ClueDetail {
        ClueDetail {
            customer_id: id,
            is_clue: Some(true),
            kind: Some(1),
            convert_customer_time: None,
            fields: Vec::new(),
            tag_ids: Vec::new(),
            create_time: Some(format_beijing(created_s * 1000)),
            last_update_time: None,
            company_info: None,
        }
    }

    /// An in-memory vendor: windows are filtered like the real endpoint; a window with
    /// more than `dense` clues is refused as too dense.
    struct Fake {
        clues: Vec<ClueDetail>,
        dense: usize,
        calls: RefCell<usize>,
    }

    impl Fake {
        async fn fetch(&self, since: i64, before: i64) -> Result<Window, VendorError> {
            *self.calls.borrow_mut() += 1;
            let w: Vec<ClueDetail> = self
                .clues
                .iter()
                .filter(|c| {
                    let t = parse_beijing(c.create_time.as_deref().unwrap()).unwrap() / 1000;
                    since <= t && t < before
                })
                .cloned()
                .collect();
            Ok(if w.len() > self.dense {
                Window::TooDense
            } else {
                Window::Complete(w)
            })
        }
    }

    const NOW: i64 = 1_700_000_000;

    async fn walk(fake: &Fake, page_size: usize, plan: WindowPlan) -> Vec<Vec<i64>> {
        let mut pages = Vec::new();
        let mut cursor = ClueCursor::first(NOW + 1);
        loop {
            let (items, next) = newest_first_page(cursor, NOW, page_size, plan, |s, b| fake.fetch(s, b))
                .await
                .unwrap();
            pages.push(items.iter().map(|c| c.customer_id).collect());
            match next {
                Some(n) => cursor = ClueCursor::parse(&n.encode()).unwrap(),
                None => return pages,
            }
            assert!(pages.len() < 1000, "paging does not end");
        }
    }

    #[tokio::test]
    async fn pages_cover_every_clue_once_newest_first() {
        // Clues spread over a year, several sharing a second, some clustered.
        let mut clues = Vec::new();
        for i in 0..120i64 {
            let age = 10 + (i * i * 97) % (360 * 86_400);
            clues.push(clue(1000 + i, NOW - age));
        }
        clues.push(clue(5000, NOW - 5));
        clues.push(clue(5001, NOW - 5));
        let fake = Fake {
            clues: clues.clone(),
            dense: 40,
            calls: RefCell::new(0),
        };
        let pages = walk(&fake, 7, WindowPlan::default()).await;
        let all: Vec<i64> = pages.concat();
        let mut expected = clues.clone();
        sort_newest_first(&mut expected);
        let expected: Vec<i64> = expected.iter().map(|c| c.customer_id).collect();
        assert_eq!(all, expected);
        assert_eq!(&all[..2], &[5001, 5000]);
        assert!(pages.iter().all(|p| p.len() <= 7));
    }

    #[tokio::test]
    async fn dense_windows_shrink_and_results_stay_identical() {
        let clues: Vec<ClueDetail> = (0..60).map(|i| clue(i, NOW - i * 30)).collect();
        let sparse = Fake {
            clues: clues.clone(),
            dense: usize::MAX,
            calls: RefCell::new(0),
        };
        let dense = Fake {
            clues,
            dense: 8,
            calls: RefCell::new(0),
        };
        let a = walk(&sparse, 10, WindowPlan::default()).await.concat();
        let b = walk(&dense, 10, WindowPlan::default()).await.concat();
        assert_eq!(a, b);
        assert_eq!(a.len(), 60);
        assert_eq!(a[0], 0);
    }

    #[tokio::test]
    async fn empty_history_ends_within_the_window_budget() {
        let fake = Fake {
            clues: Vec::new(),
            dense: 10,
            calls: RefCell::new(0),
        };
        let plan = WindowPlan::default();
        let pages = walk(&fake, 20, plan).await;
        assert!(pages.iter().all(Vec::is_empty));
        // Windows double from one day to 256 days and the cursor keeps the size: ten years
        // take 1+2+…+128+4×256 days on the first page and ten more 256-day windows.
        assert_eq!(pages.len(), 2);
        assert_eq!(*fake.calls.borrow(), 22);
    }

    #[tokio::test]
    async fn a_second_with_too_many_clues_is_an_error() {
        let clues: Vec<ClueDetail> = (0..5).map(|i| clue(i, NOW)).collect();
        let fake = Fake {
            clues,
            dense: 2,
            calls: RefCell::new(0),
        };
        let start = ClueCursor::first(NOW + 1);
        let e = newest_first_page(start, NOW, 3, WindowPlan::default(), |s, b| fake.fetch(s, b))
            .await
            .unwrap_err();
        assert_eq!(e.kind, VendorErrorKind::Upstream);
    }

    #[test]
    fn cursor_round_trips_and_rejects_garbage() {
        let c = ClueCursor {
            before_s: 1_700_000_001,
            skip: 3,
            span_s: 86_400,
        };
        assert_eq!(ClueCursor::parse(&c.encode()), Some(c));
        assert_eq!(ClueCursor::parse("abc"), None);
        assert_eq!(ClueCursor::parse("1.-1.0"), None);
        assert_eq!(ClueCursor::parse("1.2"), None);
        assert_eq!(ClueCursor::parse("1.2.-5"), None);
        assert_eq!(ClueCursor::parse("1.2.3.4"), None);
    }
}
