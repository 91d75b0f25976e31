//! The generator entry point: catalogue (reps, tags, option sets), then customers, then
//! clues, then the index maps. Every record draws from its own ChaCha8 stream, so the work
//! is linear and a record's content does not depend on the total count. Also holds the
//! small random helpers the parts share.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::catalogue::catalogue;
use super::clues::clue;
use super::customers::person;
use super::names::{BRANDS, CITIES, GIVEN_FEMALE, GIVEN_MALE, INDUSTRIES, SURNAMES};
use super::seeds::SEED_CUSTOMERS;
use super::types::*;
use super::{CLUE_FIELDS, TANMA_FIELDS};

pub(super) const MINUTE: i64 = 60_000;
pub(super) const HOUR: i64 = 60 * MINUTE;
pub(super) const DAY: i64 = 24 * HOUR;

/// Builds the universe described by `opts`; equal options give equal universes.
pub fn generate(opts: &UniverseOptions) -> Universe {
    let customer_count = opts.customers.max(SEED_CUSTOMERS);
    let clue_count = opts.clues.max(1);
    let catalogue = catalogue(opts.seed);

    let mut customers: Vec<Person> = (0..customer_count).map(|i| person(opts, &catalogue, i)).collect();
    let clues: Vec<ClueRecord> = (0..clue_count).map(|j| clue(opts, &catalogue, j, &mut customers)).collect();

    let mut universe = Universe {
        options: UniverseOptions {
            seed: opts.seed,
            customers: customer_count,
            clues: clue_count,
            now_ms: opts.now_ms,
        },
        reps: catalogue.reps,
        tag_groups: catalogue.tag_groups,
        personal_tags: catalogue.personal_tags,
        tanma_field_defs: TANMA_FIELDS.to_vec(),
        customers,
        clues,
        clue_field_defs: CLUE_FIELDS.to_vec(),
        clue_field_options: catalogue.options,
        by_external_id: Default::default(),
        by_union_id: Default::default(),
        by_weiling_id: Default::default(),
        by_mobile: Default::default(),
        clue_by_id: Default::default(),
        clue_by_weiling_id: Default::default(),
        corp_tag_index: Default::default(),
    };
    build_indices(&mut universe);
    universe
}

/// Builds the lookup maps. Keys are collected, then bulk-built (`FromIterator` sorts once and
/// builds the tree bottom-up), which is much faster than 100k single inserts.
fn build_indices(u: &mut Universe) {
    let customers = &u.customers;
    u.by_external_id = customers.iter().map(|p| (p.external_user_id.clone(), p.index)).collect();
    u.by_union_id = customers.iter().filter_map(|p| Some((p.union_id.clone()?, p.index))).collect();
    u.by_weiling_id = customers
        .iter()
        .filter_map(|p| Some((p.weiling.as_ref()?.customer_id.clone(), p.index)))
        .collect();
    u.by_mobile = customers
        .iter()
        .flat_map(|p| p.mobiles.iter().map(|m| (m.clone(), p.index)))
        .collect();
    u.clue_by_id = u.clues.iter().map(|c| (c.customer_id, c.index)).collect();
    u.clue_by_weiling_id = u.clues.iter().filter_map(|c| Some((c.weiling_clue_id.clone()?, c.index))).collect();
    u.corp_tag_index = u
        .tag_groups
        .iter()
        .enumerate()
        .flat_map(|(g, group)| group.tags.iter().enumerate().map(move |(t, tag)| (tag.tag_id.clone(), (g, t))))
        .collect();
}

// Small random helpers shared by the parts.

pub(super) fn pick<'a>(rng: &mut ChaCha8Rng, items: &[&'a str]) -> &'a str {
    items[rng.random_range(0..items.len())]
}

/// Index drawn with the given relative weights.
pub(super) fn weighted(rng: &mut ChaCha8Rng, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    let mut roll = rng.random_range(0..total.max(1));
    for (i, &w) in weights.iter().enumerate() {
        if roll < w {
            return i;
        }
        roll -= w;
    }
    weights.len().saturating_sub(1)
}

/// `n` sorted times in `lo..=hi` (an empty range collapses to `lo`).
pub(super) fn sorted_times(rng: &mut ChaCha8Rng, n: usize, lo: i64, hi: i64) -> Vec<i64> {
    let hi = hi.max(lo);
    let mut times: Vec<i64> = (0..n).map(|_| rng.random_range(lo..=hi)).collect();
    times.sort_unstable();
    times
}

pub(super) fn stage_index(stage: &str) -> Option<usize> {
    STAGES.iter().position(|s| *s == stage)
}

pub(super) fn gender_draw(rng: &mut ChaCha8Rng) -> u8 {
    [GENDER_MALE, GENDER_FEMALE, GENDER_UNKNOWN][weighted(rng, &[48, 44, 8])]
}

pub(super) fn person_name(rng: &mut ChaCha8Rng, gender: u8) -> (&'static str, String) {
    let surname = pick(rng, &SURNAMES);
    let female = match gender {
        GENDER_FEMALE => true,
        GENDER_MALE => false,
        _ => rng.random_bool(0.5),
    };
    let given = if female { pick(rng, &GIVEN_FEMALE) } else { pick(rng, &GIVEN_MALE) };
    (surname, format!("{surname}{given}"))
}

/// (industry, full company name, short name, city).
pub(super) fn company(rng: &mut ChaCha8Rng) -> (&'static str, String, &'static str, &'static str) {
    let (industry, suffixes) = INDUSTRIES[rng.random_range(0..INDUSTRIES.len())];
    let city = pick(rng, &CITIES);
    let brand = pick(rng, &BRANDS);
    let suffix = pick(rng, suffixes);
    (industry, format!("{city}{brand}{suffix}有限公司"), brand, city)
}

/// The surname a remark uses: a known compound surname or the first char.
pub(super) fn surname_of(name: &str) -> &str {
    if let Some(s) = SURNAMES.iter().find(|s| s.len() > 3 && name.starts_with(**s)) {
        return s;
    }
    name.char_indices().nth(1).map_or(name, |(end, _)| &name[..end])
}
