//! Weiling wire types → SalesDesk domain types, in one place.

use app::domain::{
    Clue as DomainClue, ClueCompany, CustomField, CustomerKind, FieldValue, FollowUpEntry, FollowUpKind, FollowUser as DomainFollowUser,
    Gender, LinkedRecord, Tag as DomainTag, TagKind, VendorCustomer, VendorId,
};
use serde_json::Value;

use super::html;
use super::wire::{Clue, Customer, FieldDescription, FollowUser, Progress, Tag};
use crate::vendors::time::{epoch_to_ms, format_beijing};

/// One WeCom-friend customer (3.4 / 3.6). `fields` are the `contact` field descriptions used
/// to label custom values; without them values keep their raw keys, marked unresolved.
pub fn customer(c: Customer, fields: &[FieldDescription]) -> VendorCustomer {
    let mut out = VendorCustomer::new(VendorId::Weiling);
    out.vendor_customer_id = non_empty(c.customer_id);
    out.external_user_id = non_empty(c.external_userid);
    out.union_id = non_empty(c.unionid);
    out.name = non_empty(c.name);
    out.avatar = non_empty(c.avatar);
    out.gender = gender(c.gender);
    out.kind = match c.kind {
        Some(1) => CustomerKind::WeChat,
        Some(2) => CustomerKind::WeCom,
        _ => CustomerKind::Unknown,
    };
    // The short name is what reps say; the registered full name is the fallback.
    out.corp_name = non_empty(c.corp_name).or(non_empty(c.corp_full_name));
    out.position = non_empty(c.position);
    out.stage = non_empty(c.customer_stage);

    let mut mobiles = Vec::new();
    push_unique(&mut mobiles, c.remark_mobiles.iter());
    for f in &c.follow_users {
        push_unique(&mut mobiles, f.remark_mobiles.iter());
    }
    out.mobiles = mobiles;

    let mut custom: Vec<CustomField> = Vec::new();
    for f in &c.follow_users {
        for field in custom_values(f.customer_custom_field.as_ref(), fields) {
            if !custom.iter().any(|existing| existing.key == field.key) {
                custom.push(field);
            }
        }
    }
    out.custom_fields = custom;
    out.follow_users = c.follow_users.into_iter().filter_map(follow_user).collect();

    out.companies = c
        .company_list
        .into_iter()
        .filter_map(|r| {
            Some(LinkedRecord {
                id: non_empty(r.company_id)?,
                name: non_empty(r.company_name),
            })
        })
        .collect();
    out.opportunities = c
        .business_list
        .into_iter()
        .filter_map(|r| {
            Some(LinkedRecord {
                id: non_empty(r.business_id)?,
                name: non_empty(r.business_name),
            })
        })
        .collect();
    out.clues = c
        .clue_list
        .into_iter()
        .filter_map(|r| {
            Some(LinkedRecord {
                id: non_empty(r.clue_id)?,
                name: None,
            })
        })
        .collect();
    out
}

fn follow_user(f: FollowUser) -> Option<DomainFollowUser> {
    Some(DomainFollowUser {
        user_id: non_empty(f.userid)?,
        // Weiling sends only the rep's id; names come from the staff directory.
        name: None,
        remark: non_empty(f.remark),
        description: non_empty(f.description),
        added_at: f.create_time.filter(|t| *t > 0).map(epoch_to_ms),
        add_source: f.add_source.and_then(|s| non_empty(s.name)),
        remark_mobiles: f.remark_mobiles.into_iter().filter(|m| !m.trim().is_empty()).collect(),
        tags: f.tags.into_iter().filter_map(tag).collect(),
    })
}

fn tag(t: Tag) -> Option<DomainTag> {
    let kind = tag_kind(t.kind.as_deref(), t.tag_id.as_deref());
    Some(DomainTag {
        id: non_empty(t.tag_id),
        group: non_empty(t.group_name),
        name: non_empty(t.tag_name)?,
        kind,
    })
}

/// Weiling's tag `type` values are undocumented; WeCom's are 1 = corp, 2 = personal, and its
/// tag ids start `et` (corp) or `st` (personal), which decides when `type` does not.
fn tag_kind(kind: Option<&str>, id: Option<&str>) -> TagKind {
    match kind.map(|k| k.trim().to_ascii_lowercase()).as_deref() {
        Some("1" | "corp" | "enterprise") => TagKind::Corp,
        Some("2" | "personal" | "person") => TagKind::Personal,
        _ => match id {
            Some(id) if id.starts_with("et") => TagKind::Corp,
            Some(id) if id.starts_with("st") => TagKind::Personal,
            _ => TagKind::Unknown,
        },
    }
}

fn gender(g: Option<i64>) -> Gender {
    match g {
        Some(1) => Gender::Male,
        Some(2) => Gender::Female,
        _ => Gender::Unknown,
    }
}

/// `customer_custom_field`: a JSON object `{api_name: value}`, usually JSON-encoded in a
/// string. A string that is not JSON is kept whole, marked raw.
fn custom_values(raw: Option<&Value>, fields: &[FieldDescription]) -> Vec<CustomField> {
    let object = match raw {
        None | Some(Value::Null) => return Vec::new(),
        Some(Value::String(s)) if s.trim().is_empty() => return Vec::new(),
        Some(Value::String(s)) => match serde_json::from_str::<Value>(s) {
            Ok(Value::Object(map)) => map,
            _ => {
                return vec![CustomField {
                    key: "customer_custom_field".into(),
                    label: "自定义字段".into(),
                    value: FieldValue::Raw(s.clone()),
                }];
            }
        },
        Some(Value::Object(map)) => map.clone(),
        Some(other) => {
            return vec![CustomField {
                key: "customer_custom_field".into(),
                label: "自定义字段".into(),
                value: FieldValue::Raw(other.to_string()),
            }];
        }
    };
    object
        .into_iter()
        .map(|(key, value)| {
            let desc = fields.iter().find(|f| f.api_name.as_deref() == Some(key.as_str()));
            let label = desc
                .and_then(|d| d.view_name.clone())
                .filter(|l| !l.is_empty())
                .unwrap_or_else(|| key.clone());
            CustomField {
                value: field_value(&value, desc),
                key,
                label,
            }
        })
        .collect()
}

/// One custom value, typed by its description. Options map stored key (`label`) → display
/// text (`value`); multi-select values are lists of keys.
pub fn field_value(value: &Value, desc: Option<&FieldDescription>) -> FieldValue {
    let options = desc.map(|d| d.options.as_slice()).unwrap_or_default();
    let display = |key: &str| {
        options
            .iter()
            .find(|o| o.label.as_deref() == Some(key))
            .and_then(|o| o.value.clone())
    };
    let is_date = desc.and_then(|d| d.property_type.as_deref()).is_some_and(|t| {
        let t = t.to_ascii_lowercase();
        t.contains("date") || t.contains("time")
    });
    match value {
        Value::Null => FieldValue::Empty,
        Value::String(s) if s.trim().is_empty() => FieldValue::Empty,
        Value::Array(items) if items.is_empty() => FieldValue::Empty,
        Value::Array(items) => {
            let keys: Vec<String> = items.iter().map(scalar_text).collect();
            let labels: Option<Vec<String>> = keys.iter().map(|k| display(k)).collect();
            match labels {
                Some(labels) if !options.is_empty() => FieldValue::Text(labels.join("、")),
                _ if options.is_empty() => FieldValue::Text(keys.join("、")),
                // Some keys have no option: show them raw rather than as if they were text.
                _ => FieldValue::Raw(keys.join("、")),
            }
        }
        Value::Number(n) if is_date => match n.as_i64() {
            Some(ms) => FieldValue::Date(format_beijing(epoch_to_ms(ms))),
            None => FieldValue::Raw(n.to_string()),
        },
        Value::String(s) if is_date && s.chars().all(|c| c.is_ascii_digit()) => match s.parse::<i64>() {
            Ok(ms) => FieldValue::Date(format_beijing(epoch_to_ms(ms))),
            Err(_) => FieldValue::Raw(s.clone()),
        },
        other if !options.is_empty() => {
            let key = scalar_text(other);
            FieldValue::Choice {
                label: display(&key),
                id: key,
            }
        }
        Value::String(s) => FieldValue::Text(s.clone()),
        Value::Object(_) => FieldValue::Raw(value.to_string()),
        other => FieldValue::Text(scalar_text(other)),
    }
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A follow-up record (v2/progress/list). Content is HTML; reps get text. Images and
/// attachments, which the list only references, are named at the end.
pub fn progress(p: Progress) -> Option<FollowUpEntry> {
    let id = non_empty(p.progress_id)?;
    let mut text = p.content.as_deref().map(html::to_text).unwrap_or_default();
    let images = p
        .image_file
        .as_deref()
        .map(|s| s.split(',').filter(|u| !u.trim().is_empty()).count())
        .unwrap_or(0);
    let mut extras: Vec<String> = Vec::new();
    if images > 0 {
        extras.push(format!("[图片 ×{images}]"));
    }
    for a in &p.attachment_file {
        extras.push(format!(
            "[附件 {}]",
            a.name.as_deref().filter(|n| !n.is_empty()).unwrap_or("未命名")
        ));
    }
    if !extras.is_empty() {
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(&extras.join(" "));
    }
    Some(FollowUpEntry {
        vendor: VendorId::Weiling,
        id,
        author_user_id: non_empty(p.create_user_id),
        author_name: None,
        at: p.create_time.map(epoch_to_ms).unwrap_or(0),
        kind: FollowUpKind::Note { text },
    })
}

/// A phone-number clue (4.2 / 4.3).
pub fn clue(c: Clue) -> Option<DomainClue> {
    let id = non_empty(c.clue_id)?;
    let mut fields = Vec::new();
    let mut text = |key: &str, label: &str, value: Option<String>| {
        if let Some(v) = non_empty(value) {
            fields.push(CustomField {
                key: key.into(),
                label: label.into(),
                value: FieldValue::Text(v),
            });
        }
    };
    text("level", "线索等级", c.level);
    text("from_channel_name", "来源渠道", c.from_channel_name);
    text("add_source", "添加来源", c.add_source.and_then(|s| s.name));
    text("region", "地区", c.region);
    text("industry", "行业", c.industry);
    text("position", "职位", c.position);
    text("keyword", "关键词", c.keyword);
    text("searchword", "搜索词", c.searchword);
    text("plan_name", "推广计划", c.plan_name);
    text("group_name", "推广单元", c.group_name);
    text("url", "落地页", c.url);
    let owner_user_id = non_empty(c.owner_id.clone());
    text("owner_id", "归属人", c.owner_id);
    text("customer_id", "关联企微好友", c.customer_id.clone());
    if let Some(g) = c.gender.filter(|g| *g == 1 || *g == 2) {
        fields.push(CustomField {
            key: "gender".into(),
            label: "性别".into(),
            value: FieldValue::Text(if g == 1 { "男" } else { "女" }.into()),
        });
    }
    if let Some(status) = c.status {
        fields.push(CustomField {
            key: "status".into(),
            label: "状态".into(),
            value: FieldValue::Choice {
                id: status.to_string(),
                label: None,
            },
        });
    }
    if c.is_useless == Some(true) {
        fields.push(CustomField {
            key: "is_useless".into(),
            label: "已废弃".into(),
            value: FieldValue::Text("是".into()),
        });
    }
    if c.is_repeat == Some(true) {
        fields.push(CustomField {
            key: "is_repeat".into(),
            label: "重复线索".into(),
            value: FieldValue::Text("是".into()),
        });
    }

    let mut attributes = Vec::new();
    for (label, value) in [("地址", c.corp_address), ("注册地址", c.register_address), ("法人", c.legal_person)] {
        if let Some(v) = non_empty(value) {
            attributes.push((label.to_string(), v));
        }
    }
    if let Some(size) = c.population_size {
        attributes.push(("人员规模".to_string(), size.to_string()));
    }
    let corp_name = non_empty(c.corp_name).or_else(|| c.company_list.iter().find_map(|r| non_empty(r.company_name.clone())));
    let company = (corp_name.is_some() || !attributes.is_empty()).then_some(ClueCompany {
        name: corp_name,
        attributes,
    });

    Some(DomainClue {
        vendor: VendorId::Weiling,
        id,
        name: non_empty(c.user_name),
        mobiles: non_empty(c.mobile).into_iter().collect(),
        is_clue: Some(true),
        fields,
        tags: Vec::new(),
        unresolved_tag_ids: Vec::new(),
        company,
        owner_user_id,
        created_at: c.create_time.filter(|t| *t > 0).map(epoch_to_ms),
        updated_at: None,
        // A clue linked to a friend customer has been converted; Weiling gives no time.
        converted_at: None,
    })
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

fn push_unique<'a>(into: &mut Vec<String>, items: impl Iterator<Item = &'a String>) {
    for m in items {
        let m = m.trim();
        if !m.is_empty() && !into.iter().any(|x| x == m) {
            into.push(m.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::wire::{AddSource, Attachment, FieldOption};
    use super::*;

    fn desc(api: &str, view: &str, ty: &str, options: &[(&str, &str)]) -> FieldDescription {
        FieldDescription {
            api_name: Some(api.into()),
            view_name: Some(view.into()),
            property_type: Some(ty.into()),
            options: options
                .iter()
                .map(|(l, v)| FieldOption {
                    label: Some((*l).into()),
                    value: Some((*v).into()),
                })
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn customer_maps_every_part() {
        let c = Customer {
            customer_id: Some("wl-1".into()),
            external_userid: Some("wmA".into()),
            name: Some("张三".into()),
            kind: Some(2),
            gender: Some(1),
            corp_name: Some("".into()),
            corp_full_name: Some("上海某某科技有限公司".into()),
            customer_stage: Some("方案报价".into()),
            remark_mobiles: vec!["13800000001".into()],
            unionid: Some("u-1".into()),
            follow_users: vec![FollowUser {
                userid: Some("rep1".into()),
                remark: Some("张总".into()),
                create_time: Some(1_629_098_403_000),
                remark_mobiles: vec!["13800000001".into(), "13900000002".into()],
                add_source: Some(AddSource {
                    kind: Some("1".into()),
                    id: Some("s".into()),
                    name: Some("官网智能码".into()),
                }),
                tags: vec![
                    Tag {
                        group_name: Some("意向".into()),
                        tag_id: Some("etX".into()),
                        tag_name: Some("高".into()),
                        ..Default::default()
                    },
                    Tag {
                        tag_name: Some("私人".into()),
                        kind: Some("2".into()),
                        ..Default::default()
                    },
                    Tag {
                        tag_name: None,
                        ..Default::default()
                    },
                ],
                customer_custom_field: Some(Value::String(r#"{"budget":"b2","note":"急","unknown_key":"v"}"#.into())),
                ..Default::default()
            }],
            company_list: vec![super::super::wire::CompanyRef {
                company_id: Some("co1".into()),
                company_name: Some("某某科技".into()),
            }],
            business_list: vec![super::super::wire::BusinessRef {
                business_id: Some("b1".into()),
                business_name: Some("年框".into()),
            }],
            clue_list: vec![super::super::wire::ClueRef {
                clue_id: Some("k1".into()),
            }],
            ..Default::default()
        };
        let fields = vec![
            desc("budget", "预算", "select", &[("b1", "10 万以下"), ("b2", "10–50 万")]),
            desc("note", "备注", "text", &[]),
        ];
        let v = customer(c, &fields);
        assert_eq!(v.vendor_customer_id.as_deref(), Some("wl-1"));
        assert_eq!(v.kind, CustomerKind::WeCom);
        assert_eq!(v.gender, Gender::Male);
        assert_eq!(v.corp_name.as_deref(), Some("上海某某科技有限公司"));
        assert_eq!(v.stage.as_deref(), Some("方案报价"));
        assert_eq!(v.mobiles, vec!["13800000001", "13900000002"]);
        let f = &v.follow_users[0];
        assert_eq!(f.added_at, Some(1_629_098_403_000));
        assert_eq!(f.add_source.as_deref(), Some("官网智能码"));
        assert_eq!(f.tags.len(), 2);
        assert_eq!((f.tags[0].kind, f.tags[0].group.as_deref()), (TagKind::Corp, Some("意向")));
        assert_eq!(f.tags[1].kind, TagKind::Personal);
        let budget = v.custom_fields.iter().find(|c| c.key == "budget").unwrap();
        assert_eq!(budget.label, "预算");
        assert_eq!(
            budget.value,
            FieldValue::Choice {
                id: "b2".into(),
                label: Some("10–50 万".into())
            }
        );
        assert_eq!(
            v.custom_fields.iter().find(|c| c.key == "unknown_key").unwrap().label,
            "unknown_key"
        );
        assert_eq!(v.companies[0].name.as_deref(), Some("某某科技"));
        assert_eq!(v.opportunities[0].id, "b1");
        assert_eq!(v.clues[0].id, "k1");
    }

    #[test]
    fn option_keys_without_a_label_stay_marked() {
        let d = desc("lvl", "等级", "select", &[("a", "A 级")]);
        assert_eq!(
            field_value(&Value::String("z".into()), Some(&d)),
            FieldValue::Choice {
                id: "z".into(),
                label: None
            }
        );
        assert_eq!(field_value(&serde_json::json!(["a"]), Some(&d)), FieldValue::Text("A 级".into()));
        assert_eq!(
            field_value(&serde_json::json!(["a", "z"]), Some(&d)),
            FieldValue::Raw("a、z".into())
        );
        let date = desc("d", "日期", "date", &[]);
        assert_eq!(
            field_value(&serde_json::json!(1_606_885_079_000_i64), Some(&date)),
            FieldValue::Date("2020-12-02 12:57:59".into())
        );
        assert_eq!(field_value(&Value::Null, None), FieldValue::Empty);
    }

    #[test]
    fn progress_becomes_plain_note() {
        let p = Progress {
            progress_id: Some("p1".into()),
            create_user_id: Some("rep1".into()),
            content: Some("<p>电话沟通&nbsp;OK</p><p>下周拜访</p>".into()),
            image_file: Some("https://x/a.jpg,https://x/b.jpg".into()),
            create_time: Some(1_725_343_942_000),
            attachment_file: vec![Attachment {
                name: Some("报价.docx".into()),
                ..Default::default()
            }],
        };
        let e = progress(p).unwrap();
        assert_eq!(e.at, 1_725_343_942_000);
        assert_eq!(e.author_user_id.as_deref(), Some("rep1"));
        assert_eq!(
            e.kind,
            FollowUpKind::Note {
                text: "电话沟通 OK\n下周拜访\n[图片 ×2] [附件 报价.docx]".into()
            }
        );
        assert!(progress(Progress::default()).is_none());
    }

    #[test]
    fn clue_maps_company_and_time() {
        let c = Clue {
            clue_id: Some("k1".into()),
            user_name: Some("小穆".into()),
            mobile: Some("18800000000".into()),
            level: Some("D".into()),
            corp_name: Some("某某科技".into()),
            legal_person: Some("李四".into()),
            create_time: Some(1_631_618_303_000),
            status: Some(1),
            ..Default::default()
        };
        let d = clue(c).unwrap();
        assert_eq!(d.mobiles, vec!["18800000000"]);
        assert_eq!(d.created_at, Some(1_631_618_303_000));
        let company = d.company.unwrap();
        assert_eq!(company.name.as_deref(), Some("某某科技"));
        assert_eq!(company.attributes, vec![("法人".to_string(), "李四".to_string())]);
        assert!(d.fields.iter().any(|f| f.key == "level" && f.value == FieldValue::Text("D".into())));
    }
}
