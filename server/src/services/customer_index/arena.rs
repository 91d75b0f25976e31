//! The customer list's memory: every listed customer's row, followers, vendor ids and search
//! text, packed into a few large buffers.
//!
//! As ordinary Rust values (a `String` or `Vec` per field) 100,000 customers took over a
//! gigabyte once allocator overhead and the fragmentation left by each refresh were counted.
//! Here strings live in one buffer addressed by offset, values that repeat across customers
//! (reps, tags, stages, WeCom user ids) are stored once and referred to by number, and the
//! search text of all customers is one buffer that a query scans from start to end.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use app::domain::{Customer360, CustomerSummary, FollowUser, RepRef, Sourced, VendorCustomer, VendorId};

use super::super::merge::normalise_mobile;

/// Ends each field in the search text, so a query never matches across two fields.
pub const FIELD_END: char = '\u{1f}';
/// Ends each customer's search text, so a query never matches across two customers.
pub const RECORD_END: char = '\u{1e}';

/// A string in `ListArena::text`; `NONE` for a missing optional value.
#[derive(Clone, Copy, Serialize, Deserialize)]
struct StrRef {
    start: u32,
    len: u32,
}

impl StrRef {
    const NONE: StrRef = StrRef { start: u32::MAX, len: 0 };
}

/// A run of entries in one of the arena's side tables.
#[derive(Clone, Copy, Serialize, Deserialize)]
struct Span {
    start: u32,
    end: u32,
}

impl Span {
    fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// Where one vendor keeps a customer (see `ListArena::locate`).
#[derive(Serialize, Deserialize)]
struct Locator {
    vendor: VendorId,
    vendor_customer_id: StrRef,
    external_user_id: StrRef,
    union_id: StrRef,
    /// Into `follower_ids`: WeCom user ids (as numbers into `user_ids`) following the customer.
    followers: Span,
}

#[derive(Serialize, Deserialize)]
struct Row {
    key: StrRef,
    name: StrRef,
    avatar: StrRef,
    corp_name: StrRef,
    /// Into `str_lists`.
    mobiles: Span,
    remarks: Span,
    /// Into `stages`.
    stages: Span,
    /// Into `syms` (numbers into `reps`).
    reps: Span,
    /// Into `syms` (numbers into `tags`).
    tags: Span,
    /// Into `locators`.
    locators: Span,
    /// Bit `1 << vendor as u8` for each vendor that knows the customer.
    vendors: u8,
    last_follow_at: Option<i64>,
    /// Into `search`, excluding the `RECORD_END`.
    search: Span,
}

fn vendor_bit(v: VendorId) -> u8 {
    1 << (v as u8)
}

fn vendors_of(mask: u8) -> Vec<VendorId> {
    VendorId::ALL.into_iter().filter(|v| mask & vendor_bit(*v) != 0).collect()
}

/// Values stored once, numbered in order of first appearance.
/// Stored as its values alone; the numbers are rebuilt when it is read back.
#[derive(Clone, Serialize, Deserialize)]
#[serde(from = "Vec<T>", into = "Vec<T>")]
#[serde(bound(
    serialize = "T: Clone + Serialize",
    deserialize = "T: Clone + Eq + std::hash::Hash + Deserialize<'de>"
))]
struct Interner<T> {
    values: Vec<T>,
    numbers: HashMap<T, u32>,
}

impl<T: Clone + Eq + std::hash::Hash> From<Vec<T>> for Interner<T> {
    fn from(values: Vec<T>) -> Self {
        let numbers = values.iter().enumerate().map(|(n, v)| (v.clone(), n as u32)).collect();
        Interner { values, numbers }
    }
}

impl<T> From<Interner<T>> for Vec<T> {
    fn from(interner: Interner<T>) -> Self {
        interner.values
    }
}

impl<T: Clone + Eq + std::hash::Hash> Interner<T> {
    fn new() -> Self {
        Interner {
            values: Vec::new(),
            numbers: HashMap::new(),
        }
    }

    fn number(&mut self, value: &T) -> u32 {
        if let Some(&n) = self.numbers.get(value) {
            return n;
        }
        let n = self.values.len() as u32;
        self.values.push(value.clone());
        self.numbers.insert(value.clone(), n);
        n
    }
}

/// Stored as it is (see `stored.rs`): a restart or another instance reads the packed list
/// back instead of rebuilding it from the vendors' records.
#[derive(Serialize, Deserialize)]
pub struct ListArena {
    text: String,
    str_lists: Vec<StrRef>,
    syms: Vec<u32>,
    /// (number into `stage_values`, vendor bits).
    stages: Vec<(u32, u8)>,
    locators: Vec<Locator>,
    follower_ids: Vec<u32>,
    rows: Vec<Row>,
    search: String,
    /// Row positions ordered by key, for lookups by key.
    by_key: Vec<u32>,
    reps: Vec<RepRef>,
    tags: Interner<String>,
    stage_values: Interner<String>,
    user_ids: Interner<String>,
}

impl Default for ListArena {
    fn default() -> Self {
        ArenaBuilder::default().finish()
    }
}

/// Builds a `ListArena` from merged customers pushed in list order.
pub struct ArenaBuilder {
    arena: ListArena,
    /// One number per follower's WeCom user id, whatever name each vendor gave it.
    rep_numbers: Interner<String>,
    /// The name of each numbered follower: the first a vendor reported.
    rep_names: Vec<Option<String>>,
}

impl Default for ArenaBuilder {
    fn default() -> Self {
        ArenaBuilder {
            arena: ListArena {
                text: String::new(),
                str_lists: Vec::new(),
                syms: Vec::new(),
                stages: Vec::new(),
                locators: Vec::new(),
                follower_ids: Vec::new(),
                rows: Vec::new(),
                search: String::new(),
                by_key: Vec::new(),
                reps: Vec::new(),
                tags: Interner::new(),
                stage_values: Interner::new(),
                user_ids: Interner::new(),
            },
            rep_numbers: Interner::new(),
            rep_names: Vec::new(),
        }
    }
}

fn span(start: usize, end: usize) -> Span {
    Span {
        start: start as u32,
        end: end as u32,
    }
}

impl ArenaBuilder {
    fn text(&mut self, s: Option<&str>) -> StrRef {
        match s {
            None => StrRef::NONE,
            Some(s) => {
                let start = self.arena.text.len() as u32;
                self.arena.text.push_str(s);
                StrRef {
                    start,
                    len: s.len() as u32,
                }
            }
        }
    }

    fn str_list<'a>(&mut self, items: impl IntoIterator<Item = &'a str>) -> Span {
        let refs: Vec<StrRef> = items.into_iter().map(|s| self.text(Some(s))).collect();
        let start = self.arena.str_lists.len();
        self.arena.str_lists.extend(refs);
        span(start, self.arena.str_lists.len())
    }

    fn syms(&mut self, numbers: Vec<u32>) -> Span {
        let start = self.arena.syms.len();
        self.arena.syms.extend(numbers);
        span(start, self.arena.syms.len())
    }

    /// Adds one merged customer as the next row of the list.
    pub fn push(&mut self, c: &Customer360) {
        let mut reps: Vec<RepRef> = Vec::new();
        for f in &c.followers {
            if !reps.iter().any(|r| r.user_id == f.user_id) {
                reps.push(RepRef {
                    user_id: f.user_id.clone(),
                    name: f.name.clone(),
                });
            }
        }
        let mut remarks: Vec<&str> = Vec::new();
        for f in &c.followers {
            for (_, rel) in &f.relations {
                if let Some(r) = rel.remark.as_deref().filter(|r| !r.trim().is_empty())
                    && !remarks.contains(&r)
                {
                    remarks.push(r);
                }
            }
        }
        let mut tags: Vec<&str> = c.tags.iter().map(|t| t.value.name.as_str()).collect();
        tags.dedup();

        let search_start = self.arena.search.len();
        for part in c
            .names
            .iter()
            .map(|n| n.value.as_str())
            .chain(remarks.iter().copied())
            .chain(c.external_user_ids.iter().map(|e| e.value.as_str()))
            .chain(c.corp_names.iter().map(|n| n.value.as_str()))
            .chain(c.mobiles.iter().map(|m| m.value.as_str()))
        {
            // Control characters would break the field and record separators.
            self.arena
                .search
                .extend(part.chars().filter(|ch| !ch.is_control()).flat_map(char::to_lowercase));
            self.arena.search.push(FIELD_END);
        }
        for m in &c.mobiles {
            if let Some(d) = normalise_mobile(&m.value) {
                self.arena.search.push_str(&d);
                self.arena.search.push(FIELD_END);
            }
        }
        let search = span(search_start, self.arena.search.len());
        self.arena.search.push(RECORD_END);

        let key = self.text(Some(&c.key));
        let name = self.text(c.display_name());
        let avatar = self.text(c.avatar.as_deref());
        let corp_name = self.text(c.corp_names.first().map(|s| s.value.as_str()));
        let mobiles = self.str_list(c.mobiles.iter().map(|m| m.value.as_str()));
        let remarks = self.str_list(remarks);
        let stages_start = self.arena.stages.len();
        for s in &c.stages {
            let n = self.arena.stage_values.number(&s.value);
            let bits = s.vendors.iter().fold(0, |m, v| m | vendor_bit(*v));
            self.arena.stages.push((n, bits));
        }
        let stages = span(stages_start, self.arena.stages.len());
        // A follower is one person per WeCom user id: one number (one menu entry), named by
        // the first vendor that reports a name, on every row.
        let rep_numbers: Vec<u32> = reps
            .iter()
            .map(|r| {
                let n = self.rep_numbers.number(&r.user_id);
                if self.rep_names.len() <= n as usize {
                    self.rep_names.push(None);
                }
                let name = &mut self.rep_names[n as usize];
                if name.is_none() {
                    name.clone_from(&r.name);
                }
                n
            })
            .collect();
        let reps = self.syms(rep_numbers);
        let tag_numbers: Vec<u32> = tags.iter().map(|t| self.arena.tags.number(&t.to_string())).collect();
        let tags = self.syms(tag_numbers);
        let locators_start = self.arena.locators.len();
        for s in &c.sources {
            let followers_start = self.arena.follower_ids.len();
            for f in &s.follow_users {
                let n = self.arena.user_ids.number(&f.user_id);
                self.arena.follower_ids.push(n);
            }
            let locator = Locator {
                vendor: s.vendor,
                vendor_customer_id: self.text(s.vendor_customer_id.as_deref()),
                external_user_id: self.text(s.external_user_id.as_deref()),
                union_id: self.text(s.union_id.as_deref()),
                followers: span(followers_start, self.arena.follower_ids.len()),
            };
            self.arena.locators.push(locator);
        }
        let locators = span(locators_start, self.arena.locators.len());
        let vendors = c.sources.iter().fold(0, |m, s| m | vendor_bit(s.vendor));
        self.arena.rows.push(Row {
            key,
            name,
            avatar,
            corp_name,
            mobiles,
            remarks,
            stages,
            reps,
            tags,
            locators,
            vendors,
            last_follow_at: c.last_follow_at,
            search,
        });
    }

    pub fn finish(mut self) -> ListArena {
        let mut a = self.arena;
        a.reps = std::mem::take(&mut self.rep_numbers.values)
            .into_iter()
            .zip(std::mem::take(&mut self.rep_names))
            .map(|(user_id, name)| RepRef { user_id, name })
            .collect();
        let mut by_key: Vec<u32> = (0..a.rows.len() as u32).collect();
        by_key.sort_by(|&x, &y| a.str(a.rows[x as usize].key).cmp(a.str(a.rows[y as usize].key)));
        a.by_key = by_key;
        // Built by appending: give back what the growth left over.
        a.text.shrink_to_fit();
        a.search.shrink_to_fit();
        a.str_lists.shrink_to_fit();
        a.syms.shrink_to_fit();
        a.stages.shrink_to_fit();
        a.locators.shrink_to_fit();
        a.follower_ids.shrink_to_fit();
        a.rows.shrink_to_fit();
        a
    }
}

impl ListArena {
    fn str(&self, r: StrRef) -> &str {
        if r.start == u32::MAX {
            return "";
        }
        &self.text[r.start as usize..(r.start + r.len) as usize]
    }

    fn opt(&self, r: StrRef) -> Option<String> {
        (r.start != u32::MAX).then(|| self.str(r).to_string())
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// The row with this key.
    pub fn position(&self, key: &str) -> Option<usize> {
        let i = self
            .by_key
            .binary_search_by(|&row| self.str(self.rows[row as usize].key).cmp(key))
            .ok()?;
        Some(self.by_key[i] as usize)
    }

    /// The list row of customer `i`, as the page shows it.
    pub fn summary(&self, i: usize) -> CustomerSummary {
        let row = &self.rows[i];
        let strings = |s: Span| self.str_lists[s.range()].iter().map(|r| self.str(*r).to_string()).collect();
        CustomerSummary {
            key: self.str(row.key).to_string(),
            name: self.opt(row.name),
            avatar: self.opt(row.avatar),
            corp_name: self.opt(row.corp_name),
            mobiles: strings(row.mobiles),
            remarks: strings(row.remarks),
            stages: self.stages[row.stages.range()]
                .iter()
                .map(|&(n, bits)| Sourced {
                    value: self.stage_values.values[n as usize].clone(),
                    vendors: vendors_of(bits),
                })
                .collect(),
            vendors: vendors_of(row.vendors),
            reps: self.syms[row.reps.range()].iter().map(|&n| self.reps[n as usize].clone()).collect(),
            tags: self.syms[row.tags.range()]
                .iter()
                .map(|&n| self.tags.values[n as usize].clone())
                .collect(),
            last_follow_at: row.last_follow_at,
        }
    }

    /// (vendor, WeCom id) of everyone following customer `i`: decides visibility.
    pub fn followers(&self, i: usize) -> impl Iterator<Item = (VendorId, &str)> {
        self.locators[self.rows[i].locators.range()].iter().flat_map(move |l| {
            self.follower_ids[l.followers.range()]
                .iter()
                .map(move |&n| (l.vendor, self.user_ids.values[n as usize].as_str()))
        })
    }

    /// Where each vendor keeps customer `i`, as records carrying just the ids and followers
    /// (enough to ask that vendor, check scope and pick write targets).
    pub fn locate(&self, i: usize) -> Vec<VendorCustomer> {
        self.locators[self.rows[i].locators.range()]
            .iter()
            .map(|l| {
                let mut r = VendorCustomer::new(l.vendor);
                r.vendor_customer_id = self.opt(l.vendor_customer_id);
                r.external_user_id = self.opt(l.external_user_id);
                r.union_id = self.opt(l.union_id);
                r.follow_users = self.follower_ids[l.followers.range()]
                    .iter()
                    .map(|&n| FollowUser::with_id(self.user_ids.values[n as usize].clone()))
                    .collect();
                r
            })
            .collect()
    }

    pub fn has_vendor(&self, i: usize, v: VendorId) -> bool {
        self.rows[i].vendors & vendor_bit(v) != 0
    }

    /// The number of a tag, stage or WeCom user id; `None` when no customer has it.
    pub fn tag_number(&self, tag: &str) -> Option<u32> {
        self.tags.numbers.get(tag).copied()
    }

    pub fn stage_number(&self, stage: &str) -> Option<u32> {
        self.stage_values.numbers.get(stage).copied()
    }

    pub fn user_number(&self, user_id: &str) -> Option<u32> {
        self.user_ids.numbers.get(user_id).copied()
    }

    pub fn has_tag(&self, i: usize, tag: u32) -> bool {
        self.syms[self.rows[i].tags.range()].contains(&tag)
    }

    pub fn has_stage(&self, i: usize, stage: u32) -> bool {
        self.stages[self.rows[i].stages.range()].iter().any(|&(n, _)| n == stage)
    }

    pub fn followed_by(&self, i: usize, user: u32) -> bool {
        self.locators[self.rows[i].locators.range()]
            .iter()
            .any(|l| self.follower_ids[l.followers.range()].contains(&user))
    }

    /// Reps, tags and stages of customer `i`, as numbers, for the filter menus.
    pub fn facet_numbers(&self, i: usize) -> (&[u32], &[u32], impl Iterator<Item = u32> + '_, u8) {
        let row = &self.rows[i];
        (
            &self.syms[row.reps.range()],
            &self.syms[row.tags.range()],
            self.stages[row.stages.range()].iter().map(|&(n, _)| n),
            row.vendors,
        )
    }

    pub fn rep(&self, n: u32) -> &RepRef {
        &self.reps[n as usize]
    }

    pub fn tag(&self, n: u32) -> &str {
        &self.tags.values[n as usize]
    }

    pub fn stage(&self, n: u32) -> &str {
        &self.stage_values.values[n as usize]
    }

    pub fn vendors_in(mask: u8) -> Vec<VendorId> {
        vendors_of(mask)
    }

    /// Every customer's search text, in list order, each ended by `RECORD_END`.
    pub fn search_text(&self) -> &str {
        &self.search
    }

    /// The row whose search text holds byte `offset` of `search_text()`, for an offset known to lie in row
    /// `first` or after it: gallops forward from `first`, so a scan's next hit costs the log of
    /// the rows between hits.
    pub fn row_at_search_offset_from(&self, first: usize, offset: usize) -> usize {
        let ends_before = |r: &Row| (r.search.end as usize) <= offset;
        let mut low = first.min(self.rows.len());
        let mut step = 1;
        while low + step < self.rows.len() && ends_before(&self.rows[low + step]) {
            low += step;
            step *= 2;
        }
        let high = (low + step + 1).min(self.rows.len());
        low + self.rows[low..high].partition_point(ends_before)
    }

    /// Where row `i`'s search text ends in `search_text`.
    pub fn search_end(&self, i: usize) -> usize {
        self.rows.get(i).map_or(self.search.len(), |r| r.search.end as usize)
    }

    /// Bytes held, for the benchmark and metrics.
    pub fn heap_bytes(&self) -> usize {
        self.text.capacity()
            + self.search.capacity()
            + self.str_lists.capacity() * std::mem::size_of::<StrRef>()
            + self.syms.capacity() * 4
            + self.stages.capacity() * 8
            + self.locators.capacity() * std::mem::size_of::<Locator>()
            + self.follower_ids.capacity() * 4
            + self.rows.capacity() * std::mem::size_of::<Row>()
            + self.by_key.capacity() * 4
    }
}

#[cfg(test)]
mod tests {
    use app::domain::{Tag, TagKind};

    use super::super::super::merge::merge_customers;
    use super::super::search::{FacetBuilder, Needle};
    use super::*;

    fn follower(id: &str, name: &str, remark: Option<&str>, tags: &[&str]) -> FollowUser {
        FollowUser {
            user_id: id.into(),
            name: Some(name.into()),
            remark: remark.map(str::to_string),
            description: None,
            added_at: None,
            add_source: None,
            remark_mobiles: Vec::new(),
            tags: tags
                .iter()
                .map(|t| Tag {
                    id: None,
                    group: None,
                    name: t.to_string(),
                    kind: TagKind::Corp,
                })
                .collect(),
        }
    }

    fn record(vendor: VendorId, ext: &str, name: &str, mobile: &str, stage: Option<&str>, follow: FollowUser) -> VendorCustomer {
        let mut r = VendorCustomer::new(vendor);
        r.external_user_id = Some(ext.into());
        r.name = Some(name.into());
        r.mobiles = vec![mobile.into()];
        r.stage = stage.map(str::to_string);
        r.follow_users = vec![follow];
        r
    }

    fn list() -> ListArena {
        let mut weiling = record(
            VendorId::Weiling,
            "wmZhang",
            "张三",
            "13800138000",
            Some("方案报价"),
            follower("rocky", "罗琦", None, &[]),
        );
        weiling.vendor_customer_id = Some("w-42".into());
        let records = vec![
            record(
                VendorId::Tanma,
                "wmZhang",
                "张三",
                "138-0013-8000",
                Some("丢单"),
                follower("liufulai", "刘福来", Some("张总 VIP"), &["重点客户"]),
            ),
            weiling,
            record(
                VendorId::Juzi,
                "wmLi",
                "李四",
                "13900000001",
                None,
                follower("rocky", "罗琦", None, &["新客"]),
            ),
        ];
        let mut b = ArenaBuilder::default();
        for c in merge_customers(records) {
            b.push(&c);
        }
        b.finish()
    }

    #[test]
    fn galloping_from_any_earlier_row_finds_the_row_a_binary_search_finds() {
        let mut b = ArenaBuilder::default();
        let records: Vec<VendorCustomer> = (0..300)
            .map(|i| {
                record(
                    VendorId::Juzi,
                    &format!("wm{i}"),
                    &"客".repeat(i % 7 + 1),
                    &format!("139{i:08}"),
                    None,
                    follower("rocky", "罗琦", None, &[]),
                )
            })
            .collect();
        for c in merge_customers(records) {
            b.push(&c);
        }
        let list = b.finish();
        assert_eq!(list.len(), 300, "one row per record: the mobiles differ");
        for offset in 0..list.search_text().len() {
            let row = list.rows.partition_point(|r| (r.search.end as usize) <= offset);
            for first in [0, row / 3, row.saturating_sub(1), row] {
                assert_eq!(
                    list.row_at_search_offset_from(first, offset),
                    row,
                    "offset {offset} from row {first}"
                );
            }
            assert!(list.search_end(row) > offset);
        }
    }

    #[test]
    fn rows_read_back_as_the_merged_customers_list_rows() {
        let list = list();
        assert_eq!(list.len(), 2);
        let zhang = list.position("wmZhang").expect("by key");
        let s = list.summary(zhang);
        assert_eq!(s.key, "wmZhang");
        assert_eq!(s.name.as_deref(), Some("张三"));
        assert_eq!(s.vendors, vec![VendorId::Tanma, VendorId::Weiling]);
        assert_eq!(s.remarks, vec!["张总 VIP".to_string()]);
        assert_eq!(s.tags, vec!["重点客户".to_string()]);
        let stages: Vec<(&str, &[VendorId])> = s.stages.iter().map(|st| (st.value.as_str(), st.vendors.as_slice())).collect();
        assert!(stages.contains(&("丢单", &[VendorId::Tanma][..])) && stages.contains(&("方案报价", &[VendorId::Weiling][..])));
        let reps: Vec<&str> = s.reps.iter().map(|r| r.user_id.as_str()).collect();
        assert_eq!(reps, vec!["liufulai", "rocky"]);
        assert_eq!(list.position("nobody"), None);

        let followers: Vec<(VendorId, &str)> = list.followers(zhang).collect();
        assert_eq!(followers, vec![(VendorId::Tanma, "liufulai"), (VendorId::Weiling, "rocky")]);
        let located = list.locate(zhang);
        assert_eq!(located.len(), 2);
        assert_eq!(located[1].vendor_customer_id.as_deref(), Some("w-42"));
        assert_eq!(located[1].follow_users[0].user_id, "rocky");
        assert!(located[0].name.is_none(), "locators carry ids, not the record");
    }

    #[test]
    fn filters_and_search_find_the_right_rows() {
        let list = list();
        let zhang = list.position("wmZhang").unwrap();
        let li = list.position("wmLi").unwrap();
        let tag = list.tag_number("新客").unwrap();
        assert!(list.has_tag(li, tag) && !list.has_tag(zhang, tag));
        let stage = list.stage_number("丢单").unwrap();
        assert!(list.has_stage(zhang, stage) && !list.has_stage(li, stage));
        let rocky = list.user_number("rocky").unwrap();
        assert!(list.followed_by(zhang, rocky) && list.followed_by(li, rocky));
        assert!(list.has_vendor(li, VendorId::Juzi) && !list.has_vendor(zhang, VendorId::Juzi));

        let rows = |q: &str| Needle::parse(Some(q)).unwrap().matching_rows(&list);
        assert_eq!(rows("张"), vec![zhang]);
        assert_eq!(rows("vip"), vec![zhang], "remarks, case-insensitive");
        assert_eq!(rows("WMLI"), vec![li], "external ids");
        assert_eq!(rows("0001"), vec![li], "mobile digits");
        assert_eq!(rows("138 0013 8000"), vec![zhang], "a formatted mobile");
        assert_eq!(rows("张\u{1e}"), vec![zhang], "separators in a query are dropped");
        assert!(rows("王五").is_empty());
        let mut all = rows("wm");
        all.sort();
        assert_eq!(all.len(), 2);

        let mut facets = FacetBuilder::default();
        facets.add(&list, li);
        let f = facets.finish(&list);
        assert_eq!(f.tags, vec!["新客".to_string()]);
        assert_eq!(f.vendors, vec![VendorId::Juzi]);
    }
}
