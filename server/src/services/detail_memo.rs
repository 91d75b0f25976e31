//! Assembled 360° pages of recently viewed customers, reused while nothing they were made
//! of has changed.
//!
//! A page is assembled from each vendor's answers (merged, timeline parsed and sorted) and the
//! customer's outbox. When every vendor answered from the read cache, the answers carry the
//! versions of the stored copies they are (`Aged::version`); those versions and the outbox's
//! change count identify the page's inputs exactly. The same inputs give the same page, so it
//! is kept and handed out again instead of being assembled anew — the per-request work of a
//! cached customer page. Nothing here expires on a clock: a vendor cache refresh, a write
//! (which drops the customer's cached copies) or any outbox change gives new inputs, and the
//! page is assembled again. A page built from a live answer, a failure or a copy kept while
//! its vendor fails has no inputs to compare, and is not kept.

use std::sync::Arc;

use app::domain::{CustomerPage, VendorId};

/// What one page was assembled from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DetailInputs {
    /// `Store::outbox_version` read before the outbox was.
    pub outbox: u64,
    /// Per vendor asked: the version of its customer answer and, when it was asked for the
    /// timeline, of its follow-up list.
    pub vendors: Vec<(VendorId, u64, Option<u64>)>,
}

struct Kept {
    inputs: DetailInputs,
    page: Arc<CustomerPage>,
}

/// Pages kept at most: each is a few kilobytes to a few hundred (long timelines), and a sales
/// team works on far fewer customers at a time.
pub const DEFAULT_CAPACITY: u64 = 2_000;

pub struct DetailMemo {
    pages: moka::sync::Cache<String, Arc<Kept>>,
}

impl DetailMemo {
    pub fn new(capacity: u64) -> Self {
        DetailMemo {
            pages: moka::sync::Cache::builder().max_capacity(capacity).build(),
        }
    }

    /// The page kept for `key`, if it was assembled from exactly `inputs`.
    pub fn get(&self, key: &str, inputs: &DetailInputs) -> Option<Arc<CustomerPage>> {
        let found = self
            .pages
            .get(key)
            .filter(|kept| &kept.inputs == inputs)
            .map(|kept| kept.page.clone());
        crate::metrics::metrics().page_memo_lookup(if found.is_some() { "hit" } else { "miss" });
        found
    }

    pub fn put(&self, key: &str, inputs: DetailInputs, page: Arc<CustomerPage>) {
        self.pages.insert(key.to_string(), Arc::new(Kept { inputs, page }));
    }
}

impl Default for DetailMemo {
    fn default() -> Self {
        DetailMemo::new(DEFAULT_CAPACITY)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::{CustomerDetail, VendorCustomer};

    fn page(name: &str) -> Arc<CustomerPage> {
        let mut customer = crate::services::merge::merge_customers(vec![VendorCustomer::new(VendorId::Tanma)]).swap_remove(0);
        customer.key = name.to_string();
        Arc::new(CustomerPage {
            customer,
            timeline: Vec::new(),
            timeline_failures: Vec::new(),
            writes: Vec::new(),
            write_targets: Vec::new(),
            stale_since: None,
            json: Default::default(),
        })
    }

    fn inputs(outbox: u64, tanma: u64) -> DetailInputs {
        DetailInputs {
            outbox,
            vendors: vec![(VendorId::Tanma, tanma, Some(tanma + 1)), (VendorId::Juzi, 7, None)],
        }
    }

    #[test]
    fn hands_out_a_page_only_for_the_inputs_it_was_made_of() {
        let memo = DetailMemo::default();
        assert!(memo.get("wmA", &inputs(0, 1)).is_none());
        memo.put("wmA", inputs(0, 1), page("wmA"));
        assert_eq!(
            memo.get("wmA", &inputs(0, 1)).map(|p| p.customer.key.clone()).as_deref(),
            Some("wmA")
        );
        assert!(memo.get("wmA", &inputs(1, 1)).is_none(), "an outbox change makes it outdated");
        assert!(memo.get("wmA", &inputs(0, 3)).is_none(), "a newer vendor copy makes it outdated");
        assert!(memo.get("wmB", &inputs(0, 1)).is_none(), "kept per customer");
        memo.put("wmA", inputs(1, 3), page("wmA-2"));
        assert_eq!(
            memo.get("wmA", &inputs(1, 3)).map(|p| p.customer.key.clone()).as_deref(),
            Some("wmA-2"),
            "a page assembled anew replaces the old one"
        );
    }

    #[test]
    fn a_shared_page_is_encoded_once_and_reads_back_the_same() {
        let shared = page("wmA");
        let view = |token: &str| CustomerDetail {
            page: shared.clone(),
            generated_at: 42,
            form_token: token.to_string(),
        };
        let first = serde_json::to_string(&view("t1")).unwrap();
        assert!(shared.json.get(&*shared).is_some(), "the page's text was made and kept");
        let second = serde_json::to_string(&view("t2")).unwrap();
        assert_eq!(
            first.replace("\"t1\"", "\"t2\""),
            second,
            "the kept text is what a fresh encoding gives"
        );
        let direct = serde_json::to_value(&*shared).unwrap();
        let written: serde_json::Value = serde_json::from_str(&second).unwrap();
        assert_eq!(written["page"], direct);
        assert_eq!(written["form_token"], "t2");
        let back: CustomerDetail = serde_json::from_str(&second).unwrap();
        assert_eq!(back, view("t2"));

        // A changed copy of an encoded page is written as it now is, not as the original was.
        let mut changed = CustomerPage::clone(&shared);
        changed.customer.key = "wmB".into();
        let written: serde_json::Value = serde_json::from_str(
            &serde_json::to_string(&CustomerDetail {
                page: Arc::new(changed),
                generated_at: 42,
                form_token: "t3".into(),
            })
            .unwrap(),
        )
        .unwrap();
        assert_eq!(written["page"]["customer"]["key"], "wmB");
    }
}
