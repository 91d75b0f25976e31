//! The deterministic shared customer universe behind the three simulated vendors.
//!
//! One [`Universe`] holds every customer once ([`Person`]); each simulator serves its own
//! projection (Tanma, Weiling, Juzibot), so the same people show up at several vendors —
//! about 35% at all three, with pairwise overlaps and some single-vendor customers — and a
//! few deliberately disagree across vendors (Weiling stage ≠ Tanma stage).
//!
//! The seed-page records (`/work/shared/seeds`) are in it verbatim; see [`seeds`].
//! `generate` is a pure function of [`UniverseOptions`]: each record draws from its own
//! ChaCha8 stream, so the same options give the same universe bit for bit on every platform,
//! and the work is linear in the number of customers and clues.

mod catalogue;
mod clues;
mod customers;
mod generate;
pub mod hostile;
mod ids;
mod names;
pub mod seeds;
mod text;
mod types;

#[cfg(test)]
mod tests;

pub use catalogue::RETIRED_OPTION_IDS;
pub use generate::generate;
pub use types::*;

/// Number of seed-page customers, which occupy indices `0..SEED_CUSTOMERS`.
pub const SEED_CUSTOMERS: usize = seeds::SEED_CUSTOMERS;

/// 2026-11-20 18:00:00 +08:00, the default "now".
pub const DEFAULT_NOW_MS: i64 = ids::beijing_ms(2026, 11, 20, 18, 0, 0);

impl Default for UniverseOptions {
    fn default() -> Self {
        UniverseOptions {
            seed: 20261121,
            customers: 240,
            clues: 120,
            now_ms: DEFAULT_NOW_MS,
        }
    }
}

/// Seed 000's custom-field definitions, in the order seed 000 lists them.
pub const TANMA_FIELDS: [TanmaFieldDef; 8] = [
    TanmaFieldDef { id: 680, name: "电话" },
    TanmaFieldDef { id: 681, name: "企业" },
    TanmaFieldDef { id: 682, name: "描述" },
    TanmaFieldDef {
        id: 684, name: "销售阶段"
    },
    TanmaFieldDef { id: 685, name: "意向" },
    TanmaFieldDef {
        id: 686, name: "客户来源"
    },
    TanmaFieldDef { id: 683, name: "姓名" },
    TanmaFieldDef { id: 687, name: "性别 " },
];

/// Seed 002's clue fields, in the seed's order.
pub const CLUE_FIELDS: [ClueFieldDef; 10] = [
    ClueFieldDef {
        alias: "customer_source",
        field_type: CLUE_OPTION,
        label: "客户来源",
    },
    ClueFieldDef {
        alias: "description",
        field_type: CLUE_TEXT,
        label: "描述",
    },
    ClueFieldDef {
        alias: "mobile",
        field_type: CLUE_JSON_LIST,
        label: "手机号",
    },
    ClueFieldDef {
        alias: "address",
        field_type: CLUE_TEXT,
        label: "地址",
    },
    ClueFieldDef {
        alias: "birthday",
        field_type: CLUE_DATE,
        label: "生日",
    },
    ClueFieldDef {
        alias: "corp_name",
        field_type: CLUE_TEXT,
        label: "企业名称",
    },
    ClueFieldDef {
        alias: "name",
        field_type: CLUE_TEXT,
        label: "姓名",
    },
    ClueFieldDef {
        alias: "purchase_intention",
        field_type: CLUE_OPTION,
        label: "购买意向",
    },
    ClueFieldDef {
        alias: "gender",
        field_type: CLUE_OPTION,
        label: "性别",
    },
    ClueFieldDef {
        alias: "customer_stage",
        field_type: CLUE_OPTION,
        label: "客户阶段",
    },
];

/// Tanma's 性别 label for a gender code; unknown gender has no value.
pub fn gender_label(gender: u8) -> Option<&'static str> {
    match gender {
        GENDER_MALE => Some("男"),
        GENDER_FEMALE => Some("女"),
        _ => None,
    }
}

impl Person {
    /// The Tanma `fields` array for this customer (seed 000 ids, names and order).
    /// Values come from the shared fields, so seed 000's customer reproduces the seed exactly.
    pub fn tanma_fields(&self) -> Vec<TanmaFieldValue> {
        TANMA_FIELDS
            .iter()
            .map(|def| {
                let value = match def.id {
                    680 => Some(self.mobiles.join("#")).filter(|v| !v.is_empty()),
                    681 => Some(self.company.clone()).filter(|v| !v.is_empty()),
                    682 => Some(self.description.clone()).filter(|v| !v.is_empty()),
                    684 => Some(self.stage.clone()),
                    685 => Some(self.intention.clone()),
                    686 => Some(self.source.clone()),
                    683 => Some(self.name.clone()),
                    _ => gender_label(self.gender).map(str::to_owned),
                };
                TanmaFieldValue {
                    id: def.id,
                    name: def.name,
                    value,
                }
            })
            .collect()
    }

    /// True when Tanma and Weiling both hold the customer and show different stages.
    pub fn stage_disagrees(&self) -> bool {
        self.presence.tanma && self.weiling.as_ref().is_some_and(|w| w.stage != self.stage)
    }

    /// The relation of `rep` (index into [`Universe::reps`]) with this customer, if any.
    pub fn relation(&self, rep: usize) -> Option<&FollowRelation> {
        self.follows.iter().find(|f| f.rep == rep)
    }
}

impl OptionSet {
    /// Label of `id` in this set.
    pub fn label(&self, id: &str) -> Option<&str> {
        self.options.iter().find(|o| o.id == id).map(|o| o.label.as_str())
    }
}

impl Universe {
    /// Customer by WeCom external user id.
    pub fn customer_by_external_id(&self, id: &str) -> Option<&Person> {
        self.by_external_id.get(id).and_then(|&i| self.customers.get(i))
    }

    /// Customer by WeChat unionId.
    pub fn customer_by_union_id(&self, id: &str) -> Option<&Person> {
        self.by_union_id.get(id).and_then(|&i| self.customers.get(i))
    }

    /// Customer by Weiling customer_id.
    pub fn customer_by_weiling_id(&self, id: &str) -> Option<&Person> {
        self.by_weiling_id.get(id).and_then(|&i| self.customers.get(i))
    }

    /// Clue by Tanma customerId.
    pub fn clue_by_tanma_id(&self, id: i64) -> Option<&ClueRecord> {
        self.clue_by_id.get(&id).and_then(|&i| self.clues.get(i))
    }

    /// Rep by WeCom user id.
    pub fn rep_by_user_id(&self, user_id: &str) -> Option<(usize, &Rep)> {
        self.reps.iter().enumerate().find(|(_, r)| r.user_id == user_id)
    }

    /// Corp tag and its group by tag id ("et…").
    pub fn corp_tag(&self, tag_id: &str) -> Option<(&TagGroup, &CorpTag)> {
        let &(g, t) = self.corp_tag_index.get(tag_id)?;
        let group = self.tag_groups.get(g)?;
        Some((group, group.tags.get(t)?))
    }

    /// Personal tag by id ("st…").
    pub fn personal_tag(&self, tag_id: &str) -> Option<&PersonalTag> {
        self.personal_tags.iter().find(|t| t.tag_id == tag_id)
    }

    /// Option set of an option-typed clue field.
    pub fn clue_options(&self, alias: &str) -> Option<&OptionSet> {
        self.clue_field_options.iter().find(|s| s.alias == alias)
    }

    /// Label of an option id of clue field `alias`; `None` for ids in no option set (the UI
    /// must fall back to showing the raw id).
    pub fn clue_option_label(&self, alias: &str, id: &str) -> Option<&str> {
        self.clue_options(alias)?.label(id)
    }

    /// Customers whose first (owning) rep is `rep`, in index order.
    pub fn owned_by(&self, rep: usize) -> impl Iterator<Item = &Person> {
        self.customers
            .iter()
            .filter(move |p| p.follows.first().is_some_and(|f| f.rep == rep))
    }
}
