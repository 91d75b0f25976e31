//! The universe as Tanma shows it: each function projects one dataset record onto the
//! vendor's wire type (the same types the client parses).

use serde_json::{Map, Value, json};

use crate::simulators::dataset::{self, ClueRecord, FollowRelation, Person, TanmaFollow, Universe, seeds};
use crate::vendors::tanma::wire;
use crate::vendors::time::format_beijing;

/// Tanma's own customer ids for universe customers (the dataset has none): a 15-digit
/// range clear of the clue ids, so one `customerId` names one record.
pub const CUSTOMER_ID_BASE: i64 = 600_000_000_000_000;

/// Ids of the clue field definitions served by profile-fields (the dataset keys clue
/// fields by alias only).
pub const CLUE_FIELD_ID_BASE: i64 = 900_001;

pub fn customer_id(p: &Person) -> i64 {
    CUSTOMER_ID_BASE + p.index as i64
}

pub fn person_by_customer_id(u: &Universe, id: i64) -> Option<&Person> {
    let index = usize::try_from(id.checked_sub(CUSTOMER_ID_BASE)?).ok()?;
    u.customers.get(index).filter(|p| p.presence.tanma)
}

fn rep_user_id(u: &Universe, rep: usize) -> String {
    u.reps.get(rep).map(|r| r.user_id.clone()).unwrap_or_default()
}

/// qw-details: the customer as the rep of `relation` sees it (seed 000's shape).
pub fn qw_detail(u: &Universe, p: &Person, relation: &FollowRelation) -> wire::QwCustomerDetail {
    // Seed 000's sample omits qwCustomerTime; its customer is served exactly as sampled.
    let added = (p.index != seeds::SEED_TANMA_DETAIL).then(|| format_beijing(relation.added_at_ms));
    wire::QwCustomerDetail {
        qw_user_id: rep_user_id(u, relation.rep),
        external_user_id: p.external_user_id.clone(),
        union_id: p.union_id.clone(),
        qw_customer_time: added,
        mobiles: Some(p.mobiles.clone()),
        wechat_nickname: Some(p.nickname.clone()),
        wechat_avatar: Some(p.avatar.clone()),
        fields: p
            .tanma_fields()
            .into_iter()
            .map(|f| wire::QwField {
                id: f.id,
                name: f.name.to_string(),
                outer_field: None,
                value: f.value,
                stable: Some(true),
            })
            .collect(),
    }
}

/// qw-list-by-customer: one follow record (seed 001's shape).
pub fn follow_record(u: &Universe, p: &Person, f: &TanmaFollow) -> wire::QwFollowRecord {
    wire::QwFollowRecord {
        id: f.id,
        qw_user_id: Some(rep_user_id(u, f.rep)),
        external_user_id: p.external_user_id.clone(),
        content: Some(f.content.clone()),
        follow_type: i64::from(f.follow_type),
        gmt_create_time: format_beijing(f.created_at_ms),
    }
}

/// clue/list-follow-up: one follow-up item.
pub fn follow_item(u: &Universe, f: &TanmaFollow) -> wire::FollowUpItem {
    wire::FollowUpItem {
        id: f.id.to_string(),
        kind: i64::from(f.follow_type),
        content: Some(f.content.clone()),
        create_time: format_beijing(f.created_at_ms),
        operator: Some(wire::FollowUpOperator {
            qw_user_id: Some(rep_user_id(u, f.rep)),
            name: u.reps.get(f.rep).map(|r| r.name.clone()),
        }),
    }
}

/// clue/get and the clue list: one clue (seed 002's shape).
pub fn clue_detail(c: &ClueRecord) -> wire::ClueDetail {
    wire::ClueDetail {
        customer_id: c.customer_id,
        is_clue: Some(c.is_clue),
        kind: Some(i64::from(c.kind)),
        convert_customer_time: c.converted_at_ms.map(format_beijing),
        fields: c
            .fields
            .iter()
            .map(|f| wire::ClueField {
                field: f.alias.to_string(),
                kind: i64::from(f.field_type),
                value_as_text: f.value.clone(),
            })
            .collect(),
        tag_ids: c.tag_ids.clone(),
        create_time: Some(format_beijing(c.created_at_ms)),
        last_update_time: Some(format_beijing(c.updated_at_ms)),
        company_info: c.company.as_ref().map(|co| {
            let mut m = Map::new();
            m.insert("name".into(), Value::String(co.name.clone()));
            m.insert("creditCode".into(), Value::String(co.credit_code.clone()));
            m.insert("legalPerson".into(), Value::String(co.legal_person.clone()));
            m.insert("industry".into(), Value::String(co.industry.clone()));
            m.insert("registeredCapital".into(), Value::String(co.registered_capital.clone()));
            m.insert("address".into(), Value::String(co.address.clone()));
            m
        }),
    }
}

/// tags/list-tree: corp tag groups with Tanma's numeric ids and the WeCom ids.
pub fn tag_tree(u: &Universe) -> Vec<wire::TagGroup> {
    u.tag_groups
        .iter()
        .map(|g| wire::TagGroup {
            id: g.tanma_id.to_string(),
            name: g.name.clone(),
            qw_tag_id: Some(g.group_id.clone()),
            tags: g
                .tags
                .iter()
                .map(|t| wire::TagItem {
                    id: t.tanma_id.to_string(),
                    name: t.name.clone(),
                    qw_tag_id: Some(t.tag_id.clone()),
                })
                .collect(),
        })
        .collect()
}

/// profile-fields (shape designed by SalesDesk, see wire.rs): seed 000's customer fields
/// by id, then seed 002's clue fields by alias with their options.
pub fn profile_fields(u: &Universe) -> Vec<wire::ProfileField> {
    let customer = u.tanma_field_defs.iter().map(|d| wire::ProfileField {
        id: d.id.to_string(),
        alias: None,
        name: d.name.to_string(),
        kind: Some(i64::from(dataset::CLUE_TEXT)),
        options: Vec::new(),
    });
    let clue = u.clue_field_defs.iter().enumerate().map(|(i, d)| wire::ProfileField {
        id: (CLUE_FIELD_ID_BASE + i as i64).to_string(),
        alias: Some(d.alias.to_string()),
        name: d.label.to_string(),
        kind: Some(i64::from(d.field_type)),
        options: u
            .clue_options(d.alias)
            .map(|set| {
                set.options
                    .iter()
                    .map(|o| wire::FieldOption {
                        id: o.id.clone(),
                        name: o.label.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
    });
    customer.chain(clue).collect()
}

/// customer/search: one row per (customer, rep) relation.
pub fn search_row(u: &Universe, p: &Person, relation: &FollowRelation) -> wire::SearchRow {
    let follow = |r: &FollowRelation| {
        let rep = u.reps.get(r.rep);
        wire::SearchFollow {
            sales_name: rep.map(|r| r.name.clone()),
            follow_dept_names: rep.map(|r| json!([r.team])),
        }
    };
    let owner = p.follows.first();
    let mut custom = std::collections::BTreeMap::new();
    for f in p.tanma_fields() {
        if let Some(v) = f.value {
            custom.insert(f.id.to_string(), Value::String(v));
        }
    }
    wire::SearchRow {
        customer_id: Some(customer_id(p).to_string()),
        wechat_nickname: Some(p.nickname.clone()),
        qw_remark: Some(relation.remark.clone()).filter(|r| !r.is_empty()),
        external_user_id: Some(p.external_user_id.clone()),
        union_id: p.union_id.clone(),
        qw_sales_id: Some(rep_user_id(u, relation.rep)),
        is_friend: Some(!relation.lost),
        delete_status: Some(if relation.lost { 1 } else { 0 }),
        // Tag element shape is undocumented; objects carrying the WeCom id, name and group.
        tags: Some(
            relation
                .corp_tags
                .iter()
                .filter_map(|id| u.corp_tag(id))
                .map(|(g, t)| json!({ "id": t.tanma_id, "qwTagId": t.tag_id, "name": t.name, "groupName": g.name }))
                .collect(),
        ),
        content_tags: Some(Vec::new()),
        create_time: Some(format_beijing(p.added_at_ms)),
        main_follows: owner.map(|o| vec![follow(o)]),
        share_follows: Some(
            p.follows
                .iter()
                .skip(1)
                .map(|r| serde_json::to_value(follow(r)).unwrap_or(Value::Null))
                .collect(),
        ),
        qw_last_follow_time: Some(format_beijing(p.last_follow_ms)),
        state: Some(relation.add_source.name.clone()).filter(|s| !s.is_empty()),
        contact_list: Some(vec![wire::SearchContact {
            qw_customer_time: Some(format_beijing(relation.added_at_ms)),
        }]),
        group_list: Some(Vec::new()),
        sales_stage_name: Some(p.stage.clone()),
        custom,
    }
}
