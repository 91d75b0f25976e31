//! Merges several vendors' records of the same person into one 360° customer.
//!
//! Two records are the same person when they share the WeCom external user id, else the
//! unionId, else a mobile number. External ids are issued per calling application (VENDORS.md
//! §4), so one person can carry different ids at different vendors; the unionId and mobile
//! rules catch those. A shared mobile does not merge records whose unionIds disagree (a
//! company switchboard is not a person), and masked numbers (`158xxxxxxxx`) never match.
//!
//! Nothing is silently resolved: each attribute keeps every distinct value with the vendors
//! that reported it, so a rep sees "销售阶段: 方案报价 (探马) / 商务谈判 (卫瓴)".

use std::collections::HashMap;

use app::domain::{Customer360, Follower, Sourced, VendorCustomer, VendorId};

/// What the merge needs of one record to decide who is who. The list crawl keeps only these
/// beside its compressed records, so grouping 300,000 records does not hold them all decoded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MergeKeys {
    pub external_user_id: Option<Box<str>>,
    pub union_id: Option<Box<str>>,
    /// Mobiles as `normalise_mobile` gives them, as numbers (eleven digits fit a `u64`).
    pub mobiles: Box<[u64]>,
}

impl MergeKeys {
    pub fn of(record: &VendorCustomer) -> Self {
        let id = |s: &Option<String>| s.as_deref().filter(|s| !s.is_empty()).map(Box::from);
        MergeKeys {
            external_user_id: id(&record.external_user_id),
            union_id: id(&record.union_id),
            mobiles: record.mobiles.iter().filter_map(|m| normalise_mobile(m)?.parse().ok()).collect(),
        }
    }
}

/// Groups `records` into customers, preserving the order in which groups first appear.
pub fn merge_customers(records: Vec<VendorCustomer>) -> Vec<Customer360> {
    let keys: Vec<MergeKeys> = records.iter().map(MergeKeys::of).collect();
    let groups = group_records(&keys);
    let mut slots: Vec<Option<VendorCustomer>> = records.into_iter().map(Some).collect();
    groups
        .into_iter()
        .map(|members| build_customer(members.into_iter().filter_map(|i| slots[i].take()).collect()))
        .collect()
}

/// The positions in `keys` of each person's records, groups in the order they first appear
/// and members in input order: same external user id, else unionId, else a mobile whose
/// groups' unionIds do not conflict.
pub fn group_records(keys: &[MergeKeys]) -> Vec<Vec<usize>> {
    let mut sets = DisjointSets::new(keys.len());
    let mut by_external: HashMap<&str, usize> = HashMap::new();
    let mut by_union: HashMap<&str, usize> = HashMap::new();
    for (i, k) in keys.iter().enumerate() {
        sets.join_same(&mut by_external, k.external_user_id.as_deref(), i);
        sets.join_same(&mut by_union, k.union_id.as_deref(), i);
    }
    // Mobiles last, and only between groups whose unionIds do not conflict.
    let mut union_ids = GroupUnionIds::new(keys, &mut sets);
    let mut by_mobile: HashMap<u64, usize> = HashMap::new();
    for (i, k) in keys.iter().enumerate() {
        for &m in k.mobiles.iter() {
            match by_mobile.get(&m) {
                Some(&j) if !union_ids.conflict(&mut sets, i, j) => union_ids.join(&mut sets, i, j),
                Some(_) => {}
                None => {
                    by_mobile.insert(m, i);
                }
            }
        }
    }
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut group_of_root: HashMap<usize, usize> = HashMap::new();
    for i in 0..keys.len() {
        let root = sets.find(i);
        let g = *group_of_root.entry(root).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(i);
    }
    groups
}

/// Digits of a mainland mobile (optionally +86/86-prefixed, spaces and dashes ignored);
/// `None` for masked or malformed numbers, which must never link two people.
pub fn normalise_mobile(raw: &str) -> Option<String> {
    let digits: String = raw.chars().filter(|c| !matches!(c, ' ' | '-' | '+')).collect();
    let digits = digits.strip_prefix("86").filter(|d| d.len() == 11).unwrap_or(&digits);
    (digits.len() == 11 && digits.starts_with('1') && digits.chars().all(|c| c.is_ascii_digit())).then(|| digits.to_string())
}

/// The unionIds each group carries, kept per root as groups join, so the mobile rule's check
/// costs the two groups' ids instead of a walk over every record.
struct GroupUnionIds<'a> {
    of_root: HashMap<usize, Vec<&'a str>>,
}

impl<'a> GroupUnionIds<'a> {
    fn new(keys: &'a [MergeKeys], sets: &mut DisjointSets) -> Self {
        let mut of_root: HashMap<usize, Vec<&'a str>> = HashMap::new();
        for (i, k) in keys.iter().enumerate() {
            if let Some(id) = k.union_id.as_deref() {
                add_new(of_root.entry(sets.find(i)).or_default(), id);
            }
        }
        GroupUnionIds { of_root }
    }

    /// Both groups name a unionId and none of them is the same person's.
    fn conflict(&self, sets: &mut DisjointSets, a: usize, b: usize) -> bool {
        let (ra, rb) = (sets.find(a), sets.find(b));
        if ra == rb {
            return false;
        }
        match (self.of_root.get(&ra), self.of_root.get(&rb)) {
            (Some(ia), Some(ib)) => !ia.iter().any(|x| ib.contains(x)),
            _ => false,
        }
    }

    fn join(&mut self, sets: &mut DisjointSets, a: usize, b: usize) {
        let (ra, rb) = (sets.find(a), sets.find(b));
        if ra == rb {
            return;
        }
        sets.union(a, b);
        let root = sets.find(a);
        let moved = if root == ra { rb } else { ra };
        if let Some(ids) = self.of_root.remove(&moved) {
            let kept = self.of_root.entry(root).or_default();
            ids.into_iter().for_each(|id| add_new(kept, id));
        }
    }
}

fn add_new<'a>(ids: &mut Vec<&'a str>, id: &'a str) {
    if !ids.contains(&id) {
        ids.push(id);
    }
}

fn add<T: PartialEq + Clone>(list: &mut Vec<Sourced<T>>, value: T, vendor: VendorId) {
    match list.iter_mut().find(|s| s.value == value) {
        Some(s) if !s.vendors.contains(&vendor) => s.vendors.push(vendor),
        Some(_) => {}
        None => list.push(Sourced {
            value,
            vendors: vec![vendor],
        }),
    }
}

fn add_text(list: &mut Vec<Sourced<String>>, value: Option<&String>, vendor: VendorId) {
    if let Some(v) = value.map(|v| v.trim()).filter(|v| !v.is_empty()) {
        add(list, v.to_string(), vendor);
    }
}

/// The names the records of one person give, each with the vendors that gave it, in the order
/// of `sources` (the list orders customers by the most reported one before building them).
pub fn names_of<'a>(sources: impl IntoIterator<Item = (VendorId, Option<&'a str>)>) -> Vec<Sourced<String>> {
    let mut names = Vec::new();
    for (vendor, name) in sources {
        if let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) {
            add(&mut names, name.to_string(), vendor);
        }
    }
    names
}

/// One customer from the records of one person.
pub fn build_customer(mut sources: Vec<VendorCustomer>) -> Customer360 {
    sources.sort_by_key(|s| s.vendor);
    let mut c = Customer360 {
        key: String::new(),
        external_user_ids: Vec::new(),
        union_ids: Vec::new(),
        names: Vec::new(),
        avatar: None,
        genders: Vec::new(),
        kinds: Vec::new(),
        corp_names: Vec::new(),
        positions: Vec::new(),
        mobiles: Vec::new(),
        stages: Vec::new(),
        tags: Vec::new(),
        followers: Vec::new(),
        custom_fields: Vec::new(),
        companies: Vec::new(),
        opportunities: Vec::new(),
        clues: Vec::new(),
        last_follow_at: None,
        sources: Vec::new(),
        failures: Vec::new(),
    };
    c.names = names_of(sources.iter().map(|s| (s.vendor, s.name.as_deref())));
    for s in &sources {
        let v = s.vendor;
        add_text(&mut c.external_user_ids, s.external_user_id.as_ref(), v);
        add_text(&mut c.union_ids, s.union_id.as_ref(), v);
        if c.avatar.is_none() {
            c.avatar = s.avatar.clone().filter(|a| !a.is_empty());
        }
        if s.gender != Default::default() {
            add(&mut c.genders, s.gender, v);
        }
        if s.kind != Default::default() {
            add(&mut c.kinds, s.kind, v);
        }
        add_text(&mut c.corp_names, s.corp_name.as_ref(), v);
        add_text(&mut c.positions, s.position.as_ref(), v);
        for m in &s.mobiles {
            add_text(&mut c.mobiles, Some(m), v);
        }
        add_text(&mut c.stages, s.stage.as_ref(), v);
        for f in &s.follow_users {
            for t in &f.tags {
                add(&mut c.tags, t.clone(), v);
            }
            match c.followers.iter_mut().find(|x| x.user_id == f.user_id) {
                Some(x) => {
                    if x.name.is_none() {
                        x.name = f.name.clone();
                    }
                    x.relations.push((v, f.clone()));
                }
                None => c.followers.push(Follower {
                    user_id: f.user_id.clone(),
                    name: f.name.clone(),
                    relations: vec![(v, f.clone())],
                }),
            }
        }
        c.custom_fields.extend(s.custom_fields.iter().cloned().map(|f| (v, f)));
        c.companies.extend(s.companies.iter().cloned().map(|x| (v, x)));
        c.opportunities.extend(s.opportunities.iter().cloned().map(|x| (v, x)));
        c.clues.extend(s.clues.iter().cloned().map(|x| (v, x)));
        c.last_follow_at = c.last_follow_at.max(s.last_follow_at);
    }
    c.key = c
        .external_user_ids
        .iter()
        .max_by(|a, b| a.vendors.len().cmp(&b.vendors.len()).then(b.vendors.cmp(&a.vendors)))
        .map(|s| s.value.clone())
        .or_else(|| c.union_ids.first().map(|s| s.value.clone()))
        .unwrap_or_default();
    c.sources = sources;
    c
}

/// Union-find with path halving; small and allocation-free after construction.
struct DisjointSets {
    parent: Vec<usize>,
}

impl DisjointSets {
    fn new(n: usize) -> Self {
        DisjointSets { parent: (0..n).collect() }
    }

    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    /// Joins record `i` with the first record that had the same `id`, or remembers `i` as it.
    fn join_same<'a>(&mut self, first_with: &mut HashMap<&'a str, usize>, id: Option<&'a str>, i: usize) {
        if let Some(id) = id {
            match first_with.get(id) {
                Some(&j) => self.union(i, j),
                None => {
                    first_with.insert(id, i);
                }
            }
        }
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            // Keep the earlier record as root so group order follows input order.
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.parent[hi] = lo;
        }
    }
}

#[cfg(test)]
mod tests {
    use app::domain::{FollowUser, Tag, TagKind};

    use super::*;

    fn rec(vendor: VendorId, ext: Option<&str>, union: Option<&str>, mobiles: &[&str]) -> VendorCustomer {
        let mut c = VendorCustomer::new(vendor);
        c.external_user_id = ext.map(str::to_string);
        c.union_id = union.map(str::to_string);
        c.mobiles = mobiles.iter().map(|m| m.to_string()).collect();
        c
    }

    #[test]
    fn same_external_id_merges_and_keeps_disagreements() {
        let mut a = rec(VendorId::Tanma, Some("wmA"), None, &[]);
        a.stage = Some("方案报价".into());
        a.name = Some("王磊".into());
        let mut b = rec(VendorId::Weiling, Some("wmA"), None, &[]);
        b.stage = Some("商务谈判".into());
        b.name = Some("王磊".into());
        let merged = merge_customers(vec![a, b]);
        assert_eq!(merged.len(), 1);
        let c = &merged[0];
        assert_eq!(c.key, "wmA");
        assert_eq!(c.stages.len(), 2, "both stages stay visible");
        assert_eq!(c.stages[0].vendors, vec![VendorId::Tanma]);
        assert_eq!(c.stages[1].vendors, vec![VendorId::Weiling]);
        assert_eq!(
            c.names,
            vec![Sourced {
                value: "王磊".to_string(),
                vendors: vec![VendorId::Tanma, VendorId::Weiling]
            }]
        );
        assert_eq!(c.vendors(), vec![VendorId::Tanma, VendorId::Weiling]);
    }

    #[test]
    fn union_id_then_mobile_link_different_external_ids() {
        let a = rec(VendorId::Tanma, Some("wmTanmaSide"), Some("ozU1"), &[]);
        let b = rec(VendorId::Juzi, Some("wmJuziSide"), Some("ozU1"), &[]);
        let c = rec(VendorId::Weiling, Some("wmWeilingSide"), None, &["+86 139-1234-5678"]);
        let d = rec(VendorId::Juzi, Some("wmOther"), None, &["13912345678"]);
        let merged = merge_customers(vec![a, b, c, d]);
        assert_eq!(merged.len(), 2);
        assert_eq!(merged[0].sources.len(), 2);
        assert_eq!(merged[1].sources.len(), 2, "mobile links Weiling and Juzi records");
    }

    #[test]
    fn shared_mobile_does_not_merge_conflicting_union_ids_or_masked_numbers() {
        let a = rec(VendorId::Tanma, Some("wm1"), Some("ozA"), &["13800000000"]);
        let b = rec(VendorId::Juzi, Some("wm2"), Some("ozB"), &["13800000000"]);
        let c = rec(VendorId::Weiling, Some("wm3"), None, &["158xxxxxxxx"]);
        let d = rec(VendorId::Tanma, Some("wm4"), None, &["158xxxxxxxx"]);
        assert_eq!(merge_customers(vec![a, b, c, d]).len(), 4);
    }

    #[test]
    fn followers_and_tags_are_combined_per_rep() {
        let tag = Tag {
            id: Some("etX".into()),
            group: Some("客户等级".into()),
            name: "A类".into(),
            kind: TagKind::Corp,
        };
        let follow = |vendor_remark: &str| FollowUser {
            user_id: "rocky".into(),
            name: Some("张三".into()),
            remark: Some(vendor_remark.into()),
            description: None,
            added_at: Some(1),
            add_source: None,
            remark_mobiles: vec![],
            tags: vec![tag.clone()],
        };
        let mut a = rec(VendorId::Weiling, Some("wmA"), None, &[]);
        a.follow_users.push(follow("张总"));
        let mut b = rec(VendorId::Juzi, Some("wmA"), None, &[]);
        b.follow_users.push(follow("张总-旧"));
        let c = &merge_customers(vec![a, b])[0];
        assert_eq!(c.followers.len(), 1);
        assert_eq!(c.followers[0].relations.len(), 2);
        assert_eq!(
            c.tags,
            vec![Sourced {
                value: tag,
                vendors: vec![VendorId::Weiling, VendorId::Juzi]
            }]
        );
    }

    #[test]
    fn mobile_normalisation() {
        assert_eq!(normalise_mobile("+86 139-1234-5678").as_deref(), Some("13912345678"));
        assert_eq!(normalise_mobile("8613912345678").as_deref(), Some("13912345678"));
        assert_eq!(normalise_mobile("158xxxxxxxx"), None);
        assert_eq!(normalise_mobile("021-12345678"), None);
    }
}
