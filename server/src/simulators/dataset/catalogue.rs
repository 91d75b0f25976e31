//! Catalogue data every record refers to: reps, corp and personal tags, and the option sets
//! of option-typed clue fields.

use super::generate::DAY;
use super::ids::{self, STREAM_CATALOGUE, beijing_ms, record_rng};
use super::names::{PERSONAL_TAGS, REPS, TAG_GROUPS};
use super::seeds;
use super::types::*;

/// Indices of the corp tag groups in [`Universe::tag_groups`] (order of `TAG_GROUPS`, then
/// seed 004's group).
pub(super) const GROUP_LEVEL: usize = 0;
pub(super) const GROUP_INDUSTRY: usize = 1;
pub(super) const GROUP_SOURCE: usize = 2;
pub(super) const GROUP_PRODUCT: usize = 3;
pub(super) const GROUP_STATUS: usize = 4;

/// When the corp tag groups were created (Juzibot `createTimestamp`), one day apart.
const TAG_GROUPS_CREATED_MS: i64 = beijing_ms(2020, 9, 1, 10, 0, 0);

/// Option ids that appear in clue values but in no option set (options deleted in Tanma
/// after clues used them), so clients must fall back to showing the raw id.
pub const RETIRED_OPTION_IDS: [&str; 2] = ["396823724189766", "396823724189609"];

pub(super) struct Catalogue {
    pub(super) reps: Vec<Rep>,
    pub(super) tag_groups: Vec<TagGroup>,
    pub(super) personal_tags: Vec<PersonalTag>,
    pub(super) options: Vec<OptionSet>,
    /// Index of seed 004's personal tag in `personal_tags`.
    pub(super) seed_personal_tag: usize,
}

pub(super) fn catalogue(seed: u64) -> Catalogue {
    let mut rng = record_rng(seed, STREAM_CATALOGUE);
    let reps = REPS
        .iter()
        .map(|&(user_id, name, team, is_manager)| Rep {
            user_id: user_id.to_owned(),
            name: name.to_owned(),
            team: team.to_owned(),
            is_manager,
            avatar: if user_id == seeds::SEED004_REP {
                seeds::SEED004_REP_AVATAR.to_owned()
            } else {
                ids::staff_avatar(&mut rng)
            },
        })
        .collect();

    let mut tag_groups: Vec<TagGroup> = TAG_GROUPS
        .iter()
        .enumerate()
        .map(|(g, &(name, tags))| TagGroup {
            group_id: ids::wecom_tag_id(&mut rng, "et"),
            tanma_id: 1001 + g as i64,
            name: name.to_owned(),
            order: g as u32,
            created_ms: TAG_GROUPS_CREATED_MS + g as i64 * DAY,
            tags: tags
                .iter()
                .enumerate()
                .map(|(t, tag)| CorpTag {
                    tag_id: ids::wecom_tag_id(&mut rng, "et"),
                    tanma_id: 20_001 + (g * 100 + t) as i64,
                    name: (*tag).to_owned(),
                })
                .collect(),
        })
        .collect();
    let g = tag_groups.len();
    tag_groups.push(TagGroup {
        group_id: ids::wecom_tag_id(&mut rng, "et"),
        tanma_id: 1001 + g as i64,
        name: seeds::SEED004_TAG_GROUP.to_owned(),
        order: g as u32,
        created_ms: TAG_GROUPS_CREATED_MS + g as i64 * DAY,
        tags: vec![CorpTag {
            tag_id: seeds::SEED004_TAG_ID.to_owned(),
            tanma_id: 20_001 + (g * 100) as i64,
            name: seeds::SEED004_TAG_NAME.to_owned(),
        }],
    });

    let mut personal_tags: Vec<PersonalTag> = PERSONAL_TAGS
        .iter()
        .map(|name| PersonalTag {
            tag_id: ids::wecom_tag_id(&mut rng, "st"),
            name: (*name).to_owned(),
        })
        .collect();
    let seed_personal_tag = personal_tags.len();
    personal_tags.push(PersonalTag {
        tag_id: ids::wecom_tag_id(&mut rng, "st"),
        name: seeds::SEED004_PERSONAL_TAG_NAME.to_owned(),
    });

    Catalogue {
        reps,
        tag_groups,
        personal_tags,
        options: option_sets(),
        seed_personal_tag,
    }
}

/// Option sets of the option-typed clue fields. Ids are 15-digit strings; customer_stage
/// starts at seed 002's "396823724189760" (= 初步沟通).
pub(super) fn option_sets() -> Vec<OptionSet> {
    fn set(alias: &'static str, base: u64, labels: &[&str]) -> OptionSet {
        OptionSet {
            alias,
            options: labels
                .iter()
                .enumerate()
                .map(|(k, label)| FieldOption {
                    id: (base + k as u64).to_string(),
                    label: (*label).to_owned(),
                })
                .collect(),
        }
    }
    vec![
        set(
            "customer_source",
            396_823_724_189_600,
            &["转介绍", "官网", "展会", "地推", "广告", "其它"],
        ),
        set("purchase_intention", 396_823_724_189_700, &INTENTIONS),
        set("gender", 396_823_724_189_650, &["男", "女", "未知"]),
        set("customer_stage", 396_823_724_189_760, &STAGES),
    ]
}

pub(super) fn option_id(sets: &[OptionSet], alias: &str, label: &str) -> Option<String> {
    sets.iter()
        .find(|s| s.alias == alias)?
        .options
        .iter()
        .find(|o| o.label == label)
        .map(|o| o.id.clone())
}

/// Id of the tag called `name` in tag group `group`.
pub(super) fn tag_id(cat: &Catalogue, group: usize, name: &str) -> Option<String> {
    cat.tag_groups
        .get(group)?
        .tags
        .iter()
        .find(|t| t.name == name)
        .map(|t| t.tag_id.clone())
}
