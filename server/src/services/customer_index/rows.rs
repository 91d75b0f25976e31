//! The customers a list query matches, walked in list order without collecting them: the CSV
//! export streams its rows from here, and the 360° page finds a customer's neighbours.
//!
//! The walk holds the list as it was when it started (an `Arc` of the arena), so a refresh
//! swapping in a new list meanwhile changes nothing for an export under way.

use std::sync::Arc;

use app::domain::{CustomerQuery, CustomerSummary, DEFAULT_PAGE_SIZE, Facets, ListNeighbour, MAX_PAGE_SIZE, Neighbours, Scope};

use super::arena::ListArena;
use super::search::{FacetBuilder, Filters, Needle};

/// One page of a list query, with the count of all matching rows and the filter menus.
pub(super) struct ListPage {
    pub items: Vec<CustomerSummary>,
    pub total: u64,
    pub page: u32,
    pub page_size: u32,
    pub facets: Facets,
}

/// The page `query` asks for of the customers `scope` may see. Rows are chosen by
/// [`MatchingRows`], the one rule the export and previous/next use too; the menus offer what
/// the viewer may see, whatever the search (`all_facets` when they may see everything).
pub(super) fn list_page(customers: &Arc<ListArena>, scope: &Scope, query: &CustomerQuery, all_facets: &Facets) -> ListPage {
    let page_size = match query.page_size {
        0 => DEFAULT_PAGE_SIZE,
        n => n.min(MAX_PAGE_SIZE),
    };
    let page = query.page.max(1);
    let skip = u64::from(page - 1) * u64::from(page_size);
    let facets = match scope {
        Scope::All => all_facets.clone(),
        Scope::FollowedBy(_) => {
            let mut facets = FacetBuilder::default();
            (0..customers.len())
                .filter(|&i| scope.allows_followers(customers.followers(i)))
                .for_each(|i| facets.add(customers, i));
            facets.finish(customers)
        }
    };
    let mut rows = MatchingRows::new(customers.clone(), scope, query);
    let mut items = Vec::new();
    let mut total = 0u64;
    while let Some(row) = rows.next_row() {
        if total >= skip && items.len() < page_size as usize {
            items.push(customers.summary(row));
        }
        total += 1;
    }
    ListPage {
        items,
        total,
        page,
        page_size,
        facets,
    }
}

/// The matching customers of one list query, in list order; an iterator of list rows.
pub struct MatchingRows {
    customers: Arc<ListArena>,
    scope: Scope,
    filters: Filters,
    /// Rows whose search text holds the query's search, in list order; `None` without one.
    hits: Option<Vec<usize>>,
    /// The next candidate to look at: an index into `hits`, or a row without a search.
    next: usize,
}

impl MatchingRows {
    pub(super) fn new(customers: Arc<ListArena>, scope: &Scope, query: &CustomerQuery) -> Self {
        let hits = Needle::parse(query.q.as_deref()).map(|n| n.matching_rows(&customers));
        MatchingRows {
            filters: Filters::new(&customers, query),
            scope: scope.clone(),
            customers,
            hits,
            next: 0,
        }
    }

    /// The row of candidate `at`, if there is one.
    fn candidate(&self, at: usize) -> Option<usize> {
        match &self.hits {
            Some(hits) => hits.get(at).copied(),
            None => (at < self.customers.len()).then_some(at),
        }
    }

    fn admits(&self, row: usize) -> bool {
        self.scope.allows_followers(self.customers.followers(row)) && self.filters.matches(&self.customers, row)
    }

    /// (candidate, row) of the matching rows from candidate `from` on.
    fn matching_from(&self, from: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
        (from..)
            .map_while(|at| self.candidate(at).map(|row| (at, row)))
            .filter(|&(_, row)| self.admits(row))
    }

    /// How many matching rows are still to come (the walk itself does not move).
    pub fn remaining(&self) -> u64 {
        self.matching_from(self.next).count() as u64
    }

    fn next_row(&mut self) -> Option<usize> {
        let found = self.matching_from(self.next).next();
        match found {
            Some((at, row)) => {
                self.next = at + 1;
                Some(row)
            }
            None => {
                self.next = usize::MAX;
                None
            }
        }
    }

    fn neighbour(&self, row: usize) -> ListNeighbour {
        let summary = self.customers.summary(row);
        ListNeighbour {
            key: summary.key,
            name: summary.name,
        }
    }

    /// Where the customer `key` stands among the remaining rows.
    pub fn neighbours_of(mut self, key: &str) -> Neighbours {
        let target = self.customers.position(key);
        let (mut prev, mut next, mut position, mut total) = (None, None, None, 0u64);
        while let Some(row) = self.next_row() {
            total += 1;
            if position.is_some() {
                next = next.or(Some(row));
            } else if Some(row) == target {
                position = Some(total);
            } else {
                prev = Some(row);
            }
        }
        if position.is_none() {
            prev = None;
        }
        Neighbours {
            prev: prev.map(|r| self.neighbour(r)),
            next: next.map(|r| self.neighbour(r)),
            position,
            total,
        }
    }
}

impl Iterator for MatchingRows {
    type Item = CustomerSummary;

    fn next(&mut self) -> Option<CustomerSummary> {
        self.next_row().map(|row| self.customers.summary(row))
    }
}

#[cfg(test)]
mod tests {
    use app::domain::{FollowUser, VendorCustomer, VendorId, VendorUserIds};

    use super::super::super::merge::merge_customers;
    use super::super::arena::ArenaBuilder;
    use super::*;

    /// `n` customers, `i` followed by rep `r{i % 3}`, named `客户{i}`, in that order.
    fn list(n: usize) -> Arc<ListArena> {
        let records = (0..n).map(|i| {
            let mut r = VendorCustomer::new(VendorId::Juzi);
            r.external_user_id = Some(format!("wm{i:06}"));
            r.name = Some(format!("客户{i}"));
            r.follow_users = vec![FollowUser::with_id(format!("r{}", i % 3))];
            r
        });
        let mut merged = merge_customers(records.collect());
        merged.sort_by(|a, b| a.key.cmp(&b.key));
        let mut b = ArenaBuilder::default();
        for c in &merged {
            b.push(c);
        }
        Arc::new(b.finish())
    }

    fn rep(id: &str) -> Scope {
        Scope::FollowedBy(vec![VendorUserIds {
            juzi: Some(id.into()),
            ..Default::default()
        }])
    }

    fn keys(rows: MatchingRows) -> Vec<String> {
        rows.map(|s| s.key).collect()
    }

    #[test]
    fn rows_follow_scope_search_and_filters_in_list_order() {
        let list = list(9);
        let all = MatchingRows::new(list.clone(), &Scope::All, &CustomerQuery::default());
        assert_eq!(all.remaining(), 9);
        assert_eq!(keys(all).len(), 9);

        let mine = MatchingRows::new(list.clone(), &rep("r1"), &CustomerQuery::default());
        assert_eq!(keys(mine), vec!["wm000001", "wm000004", "wm000007"]);

        let searched = CustomerQuery {
            q: Some("客户".into()),
            rep: Some("r2".into()),
            ..Default::default()
        };
        let rows = MatchingRows::new(list.clone(), &Scope::All, &searched);
        assert_eq!(rows.remaining(), 3);
        assert_eq!(keys(rows), vec!["wm000002", "wm000005", "wm000008"]);

        let none = CustomerQuery {
            q: Some("没有".into()),
            ..Default::default()
        };
        assert_eq!(MatchingRows::new(list, &Scope::All, &none).remaining(), 0);
    }

    #[test]
    fn a_rep_finds_every_one_of_their_customers_by_the_name_the_list_shows() {
        // Rows 0, 3, 6 are r0's, so the search's first hit is outside r1's scope: the page
        // query used to stop at it and answer 共 0 位客户.
        let list = list(9);
        let query = |q: &str| CustomerQuery {
            q: Some(q.into()),
            page: 1,
            ..Default::default()
        };
        let page = list_page(&list, &rep("r1"), &query("客户"), &Facets::default());
        assert_eq!(page.total, 3);
        let shown: Vec<String> = page.items.iter().map(|s| s.key.clone()).collect();
        assert_eq!(shown, ["wm000001", "wm000004", "wm000007"]);
        for item in &page.items {
            let name = item.name.clone().unwrap();
            let found = list_page(&list, &rep("r1"), &query(&name), &Facets::default());
            assert_eq!(found.items.iter().map(|s| &s.key).collect::<Vec<_>>(), [&item.key], "{name}");
        }
        // The page agrees with the export's and previous/next's walk, page by page.
        let paged = CustomerQuery {
            page_size: 2,
            page: 2,
            ..query("客户")
        };
        let second = list_page(&list, &rep("r1"), &paged, &Facets::default());
        assert_eq!((second.total, second.items.len()), (3, 1));
        assert_eq!(second.items[0].key, "wm000007");
        assert_eq!(keys(MatchingRows::new(list.clone(), &rep("r1"), &query("客户"))).len(), 3);
    }

    #[test]
    fn remaining_does_not_move_the_walk() {
        let mut rows = MatchingRows::new(list(5), &Scope::All, &CustomerQuery::default());
        assert_eq!(rows.next().map(|s| s.key).as_deref(), Some("wm000000"));
        assert_eq!(rows.remaining(), 4);
        assert_eq!(rows.remaining(), 4);
        assert_eq!(rows.count(), 4);
    }

    #[test]
    fn neighbours_are_found_within_the_viewers_list() {
        let list = list(9);
        let mine = |key: &str| MatchingRows::new(list.clone(), &rep("r1"), &CustomerQuery::default()).neighbours_of(key);
        let middle = mine("wm000004");
        assert_eq!(middle.position, Some(2));
        assert_eq!(middle.total, 3);
        assert_eq!(middle.prev.map(|n| n.key).as_deref(), Some("wm000001"));
        assert_eq!(middle.next.as_ref().map(|n| n.key.as_str()), Some("wm000007"));
        assert_eq!(middle.next.and_then(|n| n.name).as_deref(), Some("客户7"));

        let first = mine("wm000001");
        assert_eq!((first.position, first.prev), (Some(1), None));
        let last = mine("wm000007");
        assert_eq!((last.position, last.next), (Some(3), None));

        // Someone else's customer, or one the list does not hold: no place, no neighbours.
        for key in ["wm000002", "nobody"] {
            let n = mine(key);
            assert_eq!((n.position, n.prev, n.next, n.total), (None, None, None, 3), "{key}");
        }
    }
}
