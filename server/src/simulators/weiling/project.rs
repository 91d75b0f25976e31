//! The universe as Weiling shows it: customers it holds as WeCom-friend customers (with its
//! own stage), their follow-up records, its phone-number clues and the `contact` field
//! descriptions, each projected onto the JSON the vendor material shows (seed 003 for the
//! customer; VENDORS.md §2.6 for the rest), written here rather than with the client's wire
//! types. Stored writes are layered on top.

use serde_json::{Value, json};

use super::store::Store;
use super::wire::Attachment;
use crate::simulators::dataset::{ClueRecord, INTENTIONS, KIND_WECOM, PERSONAL_TAG_GROUP, Person, SOURCES, Universe, WeilingProfile};

/// Keys of the 意向 options; `label` is the stored key, `value` the display text.
const INTENTION_KEYS: [&str; 3] = ["intention_high", "intention_mid", "intention_low"];
/// Keys of the 客户来源 options, parallel to `SOURCES`.
const SOURCE_KEYS: [&str; 5] = ["source_referral", "source_website", "source_expo", "source_street", "source_ads"];

/// `v2/custom/detail?api_key=contact`: `fields[{api_name, view_name, property_type,
/// required, enabled, property_source, options[{label, value}], min_length, max_length}]`.
pub fn contact_fields() -> Vec<Value> {
    let options = |keys: &[&str], labels: &[&str]| -> Vec<Value> {
        keys.iter().zip(labels).map(|(k, l)| json!({ "label": k, "value": l })).collect()
    };
    let field = |api: &str, view: &str, ty: &str, opts: Vec<Value>, max: Option<&str>| {
        json!({
            "api_name": api,
            "view_name": view,
            "property_type": ty,
            "required": false,
            "enabled": true,
            "property_source": 1,
            "options": opts,
            "min_length": null,
            "max_length": max,
        })
    };
    vec![
        field("intention", "意向", "select", options(&INTENTION_KEYS, &INTENTIONS), None),
        field("customer_source", "客户来源", "select", options(&SOURCE_KEYS, &SOURCES), None),
        field("industry", "行业", "text", Vec::new(), Some("50")),
        field("first_contact_date", "首次接触日期", "date", Vec::new(), None),
    ]
}

/// The stored key of a label, or the label itself when it has no option (seed records hold
/// labels outside the option sets; clients must show those as unresolved).
fn option_key<'a>(keys: &[&'a str], labels: &[&'a str], label: &'a str) -> &'a str {
    labels
        .iter()
        .position(|l| *l == label)
        .and_then(|i| keys.get(i).copied())
        .unwrap_or(label)
}

fn custom_field_json(p: &Person) -> String {
    serde_json::json!({
        "intention": option_key(&INTENTION_KEYS, &INTENTIONS, &p.intention),
        "customer_source": option_key(&SOURCE_KEYS, &SOURCES, &p.source),
        "industry": p.industry,
        "first_contact_date": p.added_at_ms,
    })
    .to_string()
}

/// A customer as 3.6 customer/batch (seed 003's 19 fields) and 3.4 return it.
pub fn customer(u: &Universe, p: &Person, w: &WeilingProfile, store: &Store) -> Value {
    let custom = custom_field_json(p);
    let mut remark_mobiles: Vec<String> = Vec::new();
    let follow_users: Vec<Value> = p
        .follows
        .iter()
        .filter_map(|f| {
            let rep = u.reps.get(f.rep)?;
            let edit = store.edit(&w.customer_id, &rep.user_id);
            let mut tags: Vec<Value> = f
                .corp_tags
                .iter()
                .filter_map(|id| {
                    let (group, tag) = u.corp_tag(id)?;
                    Some(json!({
                        "group_id": group.group_id,
                        "group_name": group.name,
                        "tag_id": tag.tag_id,
                        "tag_name": tag.name,
                        "type": "1",
                    }))
                })
                .collect();
            tags.extend(f.personal_tags.iter().filter_map(|id| {
                let tag = u.personal_tag(id)?;
                Some(json!({
                    "group_id": null,
                    "group_name": PERSONAL_TAG_GROUP,
                    "tag_id": tag.tag_id,
                    "tag_name": tag.name,
                    "type": "2",
                }))
            }));
            let mobiles = edit
                .and_then(|e| e.remark_mobiles.clone())
                .unwrap_or_else(|| f.remark_mobiles.clone());
            for m in &mobiles {
                if !remark_mobiles.contains(m) {
                    remark_mobiles.push(m.clone());
                }
            }
            Some(json!({
                "add_way": i64::from(f.add_way),
                "remark_corp_name": f.remark_corp_name,
                "position": p.position,
                "tags": tags,
                // An integer here (seed 003's `"lost_state": 0`), a boolean on the customer.
                "lost_state": i64::from(f.lost),
                "create_time": f.added_at_ms,
                "userid": rep.user_id,
                "remark": edit.and_then(|e| e.remark.as_ref()).unwrap_or(&f.remark),
                "description": edit.and_then(|e| e.description.as_ref()).unwrap_or(&f.description),
                "remark_mobiles": mobiles,
                "add_source": {
                    "type": f.add_source.kind,
                    "id": f.add_source.id,
                    "name": f.add_source.name,
                },
                "qq": null,
                "email": null,
                "wx_id": null,
                // Typed `string`: the custom values, JSON-encoded.
                "customer_custom_field": custom,
            }))
        })
        .collect();

    let records = progress(u, w, store);
    let company_list: Vec<Value> = w
        .companies
        .iter()
        .map(|c| json!({ "company_id": c.company_id, "company_name": c.company_name }))
        .collect();
    let business_list: Vec<Value> = w
        .businesses
        .iter()
        .map(|b| json!({ "business_id": b.business_id, "business_name": b.business_name }))
        .collect();
    let clue_list: Vec<Value> = w.clue_ids.iter().map(|id| json!({ "clue_id": id })).collect();
    // WeCom reports the company only for WeCom users.
    let wecom = p.kind == KIND_WECOM;
    json!({
        "customer_id": w.customer_id,
        "external_userid": p.external_user_id,
        "name": p.nickname,
        "avatar": p.avatar,
        "type": i64::from(p.kind),
        "gender": i64::from(p.gender),
        "position": p.position,
        "corp_name": wecom.then_some(&p.company_short),
        "corp_full_name": wecom.then_some(&p.company),
        "customer_stage": w.stage,
        "remark_mobiles": remark_mobiles,
        "lost_state": !p.follows.is_empty() && p.follows.iter().all(|f| f.lost),
        "unionid": p.union_id,
        "follow_users": follow_users,
        "company_list": company_list,
        "business_list": business_list,
        "clue_list": clue_list,
        "latest_progress_id": records.first().map(|r| &r.progress_id),
        "first_progress_time": records.last().map(|r| r.create_time),
    })
}

/// One follow-up record of a customer, generated or created.
#[derive(Clone, Debug)]
pub struct ProgressRecord {
    pub progress_id: String,
    pub create_user_id: Option<String>,
    /// HTML.
    pub content: String,
    /// Image URLs, comma-separated.
    pub image_file: Option<String>,
    /// Epoch ms.
    pub create_time: i64,
    pub attachments: Vec<Attachment>,
}

impl ProgressRecord {
    /// An item of 8.2 v2/progress/list's `progress_list`.
    pub fn to_json(&self) -> Value {
        let attachment_file: Vec<Value> = self.attachments.iter().map(Attachment::to_json).collect();
        json!({
            "progress_id": self.progress_id,
            "create_user_id": self.create_user_id,
            "content": self.content,
            "image_file": self.image_file,
            "create_time": self.create_time,
            "attachment_file": attachment_file,
        })
    }
}

/// All follow-up records of a customer, newest first (generated and created ones).
pub fn progress(u: &Universe, w: &WeilingProfile, store: &Store) -> Vec<ProgressRecord> {
    let mut all: Vec<ProgressRecord> = w
        .progress
        .iter()
        .map(|r| ProgressRecord {
            progress_id: r.progress_id.clone(),
            create_user_id: u.reps.get(r.rep).map(|rep| rep.user_id.clone()),
            content: r.content_html.clone(),
            image_file: None,
            create_time: r.created_at_ms,
            attachments: Vec::new(),
        })
        .collect();
    all.extend(store.progress(&w.customer_id).iter().map(|r| ProgressRecord {
        progress_id: r.progress_id.clone(),
        create_user_id: r.create_user_id.clone(),
        content: r.content.clone(),
        image_file: (!r.image_file_list.is_empty()).then(|| r.image_file_list.join(",")),
        create_time: r.create_time,
        attachments: r.attachments.clone(),
    }));
    all.sort_by(|a, b| b.create_time.cmp(&a.create_time).then_with(|| b.progress_id.cmp(&a.progress_id)));
    all
}

/// A clue as 4.2 clue/list and 4.3 clue/batch return it (the fields a sales rep reads;
/// `create_time` is epoch ms written as a string, as the clue pages send it).
pub fn clue(u: &Universe, c: &ClueRecord, clue_id: &str) -> Value {
    let field = |alias: &str| c.fields.iter().find(|f| f.alias == alias).and_then(|f| f.value.as_deref());
    let option = |alias: &str| field(alias).and_then(|id| u.clue_option_label(alias, id));
    let text = |alias: &str| field(alias).map(str::to_string).filter(|s| !s.is_empty());
    let level = match option("purchase_intention") {
        Some("高") => "A",
        Some("中") => "B",
        Some("低") => "C",
        _ => "D",
    };
    let owner = c.owner.and_then(|i| u.reps.get(i)).map(|r| r.user_id.clone());
    let converted = c
        .converted_customer
        .and_then(|i| u.customers.get(i))
        .and_then(|p| p.weiling.as_ref())
        .map(|w| w.customer_id.clone());
    let gender = match option("gender") {
        Some("男") => 1,
        Some("女") => 2,
        _ => 0,
    };
    json!({
        "clue_id": clue_id,
        "user_name": c.name,
        "mobile": c.mobiles.first(),
        "clue_source": 0,
        "from_channel_name": option("customer_source"),
        "level": level,
        "corp_name": c.company.as_ref().map(|co| co.name.clone()).or_else(|| text("corp_name")),
        "corp_address": c.company.as_ref().map(|co| co.address.clone()).or_else(|| text("address")),
        "register_address": null,
        "legal_person": c.company.as_ref().map(|co| &co.legal_person),
        "keyword": null,
        "searchword": null,
        "region": null,
        "plan_name": null,
        "group_name": null,
        "status": if converted.is_some() { 4 } else { 1 },
        "sea_id": null,
        "is_repeat": false,
        "is_useless": false,
        "create_user_id": owner,
        "customer_id": converted,
        "owner_id": owner,
        "url": null,
        "gender": gender,
        "position": null,
        "population_size": null,
        "industry": c.company.as_ref().map(|co| &co.industry),
        "create_time": c.created_at_ms.to_string(),
        "add_source": null,
        "company_list": [],
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use serde_json::Map;

    use super::*;
    use crate::simulators::dataset::{UniverseOptions, generate};

    /// Seed 003's response example, as captured (`tests/fixtures`).
    const SEED_003: &str = include_str!("../../../tests/fixtures/weiling_customer_batch_response.json");

    fn kind(v: &Value) -> &'static str {
        match v {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }

    /// Same keys as the document's object, and every non-null value of the document's JSON
    /// type; objects and the first item of arrays are compared the same way.
    fn same_shape(path: &str, doc: &Value, sim: &Value) {
        match (doc, sim) {
            (Value::Object(d), Value::Object(s)) => {
                let keys = |m: &Map<String, Value>| m.keys().cloned().collect::<BTreeSet<_>>();
                assert_eq!(keys(s), keys(d), "{path}: keys");
                for (k, dv) in d {
                    same_shape(&format!("{path}.{k}"), dv, &s[k]);
                }
            }
            (Value::Array(d), Value::Array(s)) => {
                if let (Some(dv), Some(sv)) = (d.first(), s.first()) {
                    same_shape(&format!("{path}[0]"), dv, sv);
                }
            }
            (_, Value::Null) => {}
            _ => assert_eq!(kind(sim), kind(doc), "{path}: JSON type"),
        }
    }

    #[test]
    fn customers_have_seed_003_shape() {
        let u = generate(&UniverseOptions::default());
        let doc: Value = serde_json::from_str(SEED_003).unwrap();
        let doc_customer = &doc["data"]["customer_list"][0];
        let store = Store::default();
        let mut seen_follow_user = false;
        for p in &u.customers {
            let Some(w) = p.weiling.as_ref() else { continue };
            let c = customer(&u, p, w, &store);
            same_shape("customer", doc_customer, &c);
            seen_follow_user |= c["follow_users"].as_array().is_some_and(|f| !f.is_empty());
        }
        assert!(seen_follow_user, "some customer has follow users to compare");
    }
}
