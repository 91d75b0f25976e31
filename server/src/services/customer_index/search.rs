//! Matching list queries against the list, and the filter menus.
//!
//! Search is a substring search over the search text of all customers at once: one `memchr`
//! finder, built once per query, scans one contiguous buffer (SIMD, no per-customer set-up
//! or pointer chasing), and each hit's offset is mapped back to its customer. Substring
//! matching is what reps expect of names, companies and the last digits of a mobile, which a
//! word index would not give for Chinese text.

use std::collections::BTreeSet;

use app::domain::{CustomerQuery, Facets};
use memchr::memmem::Finder;

use super::super::merge::normalise_mobile;
use super::arena::ListArena;

/// A query's search text, prepared once.
pub struct Needle {
    text: Finder<'static>,
    /// The query as mobile digits too, when it looks like (part of) a phone number.
    digits: Option<Finder<'static>>,
}

impl Needle {
    pub fn parse(q: Option<&str>) -> Option<Needle> {
        // Control characters separate fields and customers in the search text.
        let q: String = q?.trim().chars().filter(|c| !c.is_control()).collect::<String>().to_lowercase();
        if q.is_empty() {
            return None;
        }
        let digits = normalise_mobile(&q).or_else(|| digits_only(&q));
        Some(Needle {
            digits: digits.filter(|d| *d != q).map(|d| Finder::new(d.as_bytes()).into_owned()),
            text: Finder::new(q.as_bytes()).into_owned(),
        })
    }

    /// The customers whose search text contains the needle, in list order.
    pub fn matching_rows(&self, list: &ListArena) -> Vec<usize> {
        let haystack = list.search_text().as_bytes();
        let mut rows = Vec::new();
        for finder in std::iter::once(&self.text).chain(self.digits.as_ref()) {
            // Hits come in text order, so each row is found by galloping forward from the last
            // one, and the rest of a matching row is skipped: at a million customers a surname's
            // 25,000 hits each paid a binary search over every row, and that was most of a query.
            let (mut from, mut row) = (0, 0);
            while let Some(found) = haystack.get(from..).and_then(|rest| finder.find(rest)) {
                row = list.row_at_search_offset_from(row, from + found);
                rows.push(row);
                from = list.search_end(row).max(from + found + 1);
            }
        }
        rows.sort_unstable();
        rows.dedup();
        rows
    }
}

fn digits_only(q: &str) -> Option<String> {
    let d: String = q.chars().filter(char::is_ascii_digit).collect();
    (d.len() >= 4 && d.len() == q.chars().filter(|c| !matches!(c, ' ' | '-' | '+')).count()).then_some(d)
}

/// The query's filters, resolved to the list's numbers once per query.
pub struct Filters {
    rep: Option<Option<u32>>,
    vendor: Option<app::domain::VendorId>,
    tag: Option<Option<u32>>,
    stage: Option<Option<u32>>,
}

impl Filters {
    pub fn new(list: &ListArena, query: &CustomerQuery) -> Filters {
        let given = |v: &Option<String>| v.as_deref().filter(|s| !s.is_empty()).map(str::to_string);
        Filters {
            // `Some(None)`: a filter on a value no customer has, which nothing matches.
            rep: given(&query.rep).map(|r| list.user_number(&r)),
            vendor: query.vendor,
            tag: given(&query.tag).map(|t| list.tag_number(&t)),
            stage: given(&query.stage).map(|s| list.stage_number(&s)),
        }
    }

    pub fn matches(&self, list: &ListArena, i: usize) -> bool {
        if let Some(rep) = self.rep
            && !rep.is_some_and(|n| list.followed_by(i, n))
        {
            return false;
        }
        if let Some(v) = self.vendor
            && !list.has_vendor(i, v)
        {
            return false;
        }
        if let Some(tag) = self.tag
            && !tag.is_some_and(|n| list.has_tag(i, n))
        {
            return false;
        }
        if let Some(stage) = self.stage
            && !stage.is_some_and(|n| list.has_stage(i, n))
        {
            return false;
        }
        true
    }
}

/// Filter menus over a set of customers.
#[derive(Default)]
pub struct FacetBuilder {
    reps: BTreeSet<u32>,
    tags: BTreeSet<u32>,
    stages: BTreeSet<u32>,
    vendors: u8,
}

impl FacetBuilder {
    pub fn add(&mut self, list: &ListArena, i: usize) {
        let (reps, tags, stages, vendors) = list.facet_numbers(i);
        self.reps.extend(reps);
        self.tags.extend(tags);
        self.stages.extend(stages);
        self.vendors |= vendors;
    }

    pub fn finish(self, list: &ListArena) -> Facets {
        let mut reps: Vec<_> = self.reps.into_iter().map(|n| list.rep(n).clone()).collect();
        let mut tags: Vec<String> = self.tags.into_iter().map(|n| list.tag(n).to_string()).collect();
        let mut stages: Vec<String> = self.stages.into_iter().map(|n| list.stage(n).to_string()).collect();
        reps.sort();
        reps.dedup();
        tags.sort();
        stages.sort();
        Facets {
            reps,
            tags,
            stages,
            vendors: ListArena::vendors_in(self.vendors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_digit_runs_are_searched_as_text_only() {
        assert_eq!(digits_only("123"), None);
        assert_eq!(digits_only("1 2 3 4"), Some("1234".into()));
        assert_eq!(digits_only("12ab34"), None);
    }

    #[test]
    fn a_query_of_separators_only_is_no_query() {
        assert!(Needle::parse(Some(" \u{1e}\u{1f} ")).is_none());
        assert!(Needle::parse(None).is_none());
    }
}
