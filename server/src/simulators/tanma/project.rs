//! The universe as Tanma shows it: each function projects one dataset record onto the JSON
//! the vendor pages show (camelCase names; absent optionals left out where the samples leave
//! them out), written here from the pages rather than with the client's wire types.

use serde_json::{Map, Value, json};

use crate::simulators::dataset::{self, ClueRecord, FollowRelation, Person, TanmaFollow, Universe, seeds};
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
pub fn qw_detail(u: &Universe, p: &Person, relation: &FollowRelation) -> Value {
    let fields: Vec<Value> = p
        .tanma_fields()
        .into_iter()
        .map(|f| json!({ "id": f.id, "name": f.name, "outerField": null, "value": f.value, "stable": true }))
        .collect();
    let mut detail = json!({
        "qwUserId": rep_user_id(u, relation.rep),
        "externalUserId": p.external_user_id,
        "mobiles": p.mobiles,
        "wechatNickname": p.nickname,
        "wechatAvatar": p.avatar,
        "fields": fields,
    });
    if let Some(union_id) = &p.union_id {
        detail["unionId"] = json!(union_id);
    }
    // Seed 000's sample omits qwCustomerTime; its customer is served exactly as sampled.
    if p.index != seeds::SEED_TANMA_DETAIL {
        detail["qwCustomerTime"] = json!(format_beijing(relation.added_at_ms));
    }
    detail
}

/// qw-list-by-customer: one follow record (seed 001's shape).
pub fn follow_record(u: &Universe, p: &Person, f: &TanmaFollow) -> Value {
    json!({
        "id": f.id,
        "qwUserId": rep_user_id(u, f.rep),
        "externalUserId": p.external_user_id,
        "content": f.content,
        "followType": f.follow_type,
        "gmtCreateTime": format_beijing(f.created_at_ms),
    })
}

/// clue/list-follow-up: one follow-up item.
pub fn follow_item(u: &Universe, f: &TanmaFollow) -> Value {
    json!({
        "id": f.id,
        "type": f.follow_type,
        "content": f.content,
        "createTime": format_beijing(f.created_at_ms),
        "operator": { "qwUserId": rep_user_id(u, f.rep), "name": u.reps.get(f.rep).map(|r| &r.name) },
    })
}

/// clue/get and the clue list: one clue (seed 002's shape).
pub fn clue_detail(c: &ClueRecord) -> Value {
    let fields: Vec<Value> = c
        .fields
        .iter()
        .map(|f| json!({ "field": f.alias, "type": f.field_type, "valueAsText": f.value }))
        .collect();
    let mut clue = json!({
        "customerId": c.customer_id,
        "isClue": c.is_clue,
        "type": c.kind,
        "fields": fields,
        "tagIds": c.tag_ids,
        "createTime": format_beijing(c.created_at_ms),
        "lastUpdateTime": format_beijing(c.updated_at_ms),
    });
    if let Some(at) = c.converted_at_ms {
        clue["convertCustomerTime"] = json!(format_beijing(at));
    }
    if let Some(co) = &c.company {
        let mut m = Map::new();
        m.insert("name".into(), json!(co.name));
        m.insert("creditCode".into(), json!(co.credit_code));
        m.insert("legalPerson".into(), json!(co.legal_person));
        m.insert("industry".into(), json!(co.industry));
        m.insert("registeredCapital".into(), json!(co.registered_capital));
        m.insert("address".into(), json!(co.address));
        clue["companyInfo"] = Value::Object(m);
    }
    clue
}

/// tags/list-tree: corp tag groups with Tanma's numeric ids and the WeCom ids.
pub fn tag_tree(u: &Universe) -> Value {
    u.tag_groups
        .iter()
        .map(|g| {
            let tags: Vec<Value> = g
                .tags
                .iter()
                .map(|t| json!({ "id": t.tanma_id, "name": t.name, "qwTagId": t.tag_id }))
                .collect();
            json!({ "id": g.tanma_id, "name": g.name, "qwTagId": g.group_id, "tags": tags })
        })
        .collect()
}

/// profile-fields (a shape SalesDesk designed, the vendor documents none): seed 000's
/// customer fields by id, then seed 002's clue fields by alias with their options.
pub fn profile_fields(u: &Universe) -> Value {
    let customer = u
        .tanma_field_defs
        .iter()
        .map(|d| json!({ "id": d.id, "alias": null, "name": d.name, "type": dataset::CLUE_TEXT, "options": [] }));
    let clue = u.clue_field_defs.iter().enumerate().map(|(i, d)| {
        let options: Vec<Value> = u
            .clue_options(d.alias)
            .map(|set| set.options.iter().map(|o| json!({ "id": o.id, "name": o.label })).collect())
            .unwrap_or_default();
        json!({
            "id": CLUE_FIELD_ID_BASE + i as i64,
            "alias": d.alias,
            "name": d.label,
            "type": d.field_type,
            "options": options,
        })
    });
    customer.chain(clue).collect()
}

/// customer/search: one row per (customer, rep) relation. Custom-field values are extra
/// keys named by the field id (e.g. `"91639": "高"`).
pub fn search_row(u: &Universe, p: &Person, relation: &FollowRelation) -> Value {
    let follow = |r: &FollowRelation| {
        let rep = u.reps.get(r.rep);
        json!({ "salesName": rep.map(|r| &r.name), "followDeptNames": rep.map(|r| json!([r.team])) })
    };
    // Tag element shape is undocumented; objects carrying the WeCom id, name and group.
    let tags: Vec<Value> = relation
        .corp_tags
        .iter()
        .filter_map(|id| u.corp_tag(id))
        .map(|(g, t)| json!({ "id": t.tanma_id, "qwTagId": t.tag_id, "name": t.name, "groupName": g.name }))
        .collect();
    let mut row = Map::new();
    for f in p.tanma_fields() {
        if let Some(v) = f.value {
            row.insert(f.id.to_string(), Value::String(v));
        }
    }
    let documented = json!({
        "customerId": customer_id(p),
        "wechatNickname": p.nickname,
        "qwRemark": Some(&relation.remark).filter(|r| !r.is_empty()),
        "externalUserId": p.external_user_id,
        "unionId": p.union_id,
        "qwSalesId": rep_user_id(u, relation.rep),
        "isFriend": !relation.lost,
        "deleteStatus": if relation.lost { 1 } else { 0 },
        "tags": tags,
        "contentTags": [],
        "createTime": format_beijing(p.added_at_ms),
        "mainFollows": p.follows.first().map(|o| vec![follow(o)]),
        "shareFollows": p.follows.iter().skip(1).map(follow).collect::<Vec<_>>(),
        "qwLastFollowTime": format_beijing(p.last_follow_ms),
        "state": Some(&relation.add_source.name).filter(|s| !s.is_empty()),
        "contactList": [{ "qwCustomerTime": format_beijing(relation.added_at_ms) }],
        "groupList": [],
        "salesStageName": p.stage,
    });
    if let Value::Object(documented) = documented {
        row.extend(documented);
    }
    Value::Object(row)
}
