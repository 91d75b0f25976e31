//! Tanma wire types → SalesDesk domain types, in one place. Pure functions: metadata
//! (tag tree, field definitions) comes in as indexes built by the client's cache.

use std::collections::HashMap;

use app::domain::{
    Clue, ClueCompany, CustomField, FieldValue, FollowUpEntry, FollowUpKind, FollowUser, Gender, Tag, TagKind, VendorCustomer, VendorId,
};
use serde_json::Value;

use super::wire::{
    ClueDetail, ClueField, FIELD_DATE, FIELD_MOBILES, FIELD_OPTION, FIELD_TEXT, FOLLOW_TYPE_NOTE, FollowUpItem, ProfileField,
    QwCustomerDetail, QwField, QwFollowRecord, SearchRow, TagGroup,
};
use crate::vendors::time::parse_beijing;

const VENDOR: VendorId = VendorId::Tanma;

// ---------------------------------------------------------------------------------------
// Metadata indexes

/// Corp tags by Tanma tag id and by WeCom `qwTagId`: clue `tagIds` may hold either.
#[derive(Clone, Debug, Default)]
pub struct TagIndex {
    by_key: HashMap<String, Tag>,
}

impl TagIndex {
    pub fn from_tree(groups: &[TagGroup]) -> Self {
        let mut by_key = HashMap::new();
        for group in groups {
            for item in &group.tags {
                let tag = Tag {
                    // The WeCom id is the one other vendors show too; Tanma's own id otherwise.
                    id: Some(item.qw_tag_id.clone().filter(|s| !s.is_empty()).unwrap_or_else(|| item.id.clone())),
                    group: Some(group.name.clone()),
                    name: item.name.clone(),
                    kind: TagKind::Corp,
                };
                if let Some(qw) = item.qw_tag_id.as_ref().filter(|s| !s.is_empty()) {
                    by_key.insert(qw.clone(), tag.clone());
                }
                by_key.insert(item.id.clone(), tag);
            }
        }
        TagIndex { by_key }
    }

    pub fn resolve(&self, id: &str) -> Option<&Tag> {
        self.by_key.get(id)
    }

    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }
}

/// Field definitions by alias (clue fields) and by id (search-row custom values).
#[derive(Clone, Debug, Default)]
pub struct FieldIndex {
    fields: Vec<ProfileField>,
    by_alias: HashMap<String, usize>,
    by_id: HashMap<String, usize>,
}

impl FieldIndex {
    pub fn from_fields(fields: Vec<ProfileField>) -> Self {
        let mut by_alias = HashMap::new();
        let mut by_id = HashMap::new();
        for (i, f) in fields.iter().enumerate() {
            if let Some(alias) = f.alias.as_ref().filter(|a| !a.is_empty()) {
                by_alias.insert(alias.clone(), i);
            }
            by_id.insert(f.id.clone(), i);
        }
        FieldIndex { fields, by_alias, by_id }
    }

    pub fn by_alias(&self, alias: &str) -> Option<&ProfileField> {
        self.by_alias.get(alias).map(|&i| &self.fields[i])
    }

    pub fn by_id(&self, id: &str) -> Option<&ProfileField> {
        self.by_id.get(id).map(|&i| &self.fields[i])
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }
}

/// An option's label within one field. Option ids are looked up only in their own field:
/// small ids such as `1` repeat across fields.
fn option_label<'a>(field: Option<&'a ProfileField>, option_id: &str) -> Option<&'a str> {
    field?.options.iter().find(|o| o.id == option_id).map(|o| o.name.as_str())
}

/// Labels of Tanma's built-in clue field aliases (seed 002), used when the field
/// definitions could not be loaded or do not list the alias.
fn builtin_label(alias: &str) -> Option<&'static str> {
    Some(match alias {
        "name" => "姓名",
        "mobile" => "电话",
        "gender" => "性别",
        "birthday" => "生日",
        "address" => "地址",
        "corp_name" => "企业",
        "description" => "描述",
        "customer_source" => "客户来源",
        "customer_stage" => "销售阶段",
        "purchase_intention" => "意向",
        _ => return None,
    })
}

// ---------------------------------------------------------------------------------------
// qw-details → VendorCustomer

/// One customer from the qw-details entries of one or more reps (the first is the base;
/// every entry contributes its rep as a follow user). `None` for an empty list.
pub fn customer_from_details(details: &[QwCustomerDetail]) -> Option<VendorCustomer> {
    let first = details.first()?;
    let mut c = VendorCustomer::new(VENDOR);
    c.external_user_id = Some(first.external_user_id.clone());
    c.union_id = details.iter().find_map(|d| non_empty(d.union_id.as_deref()));
    c.avatar = details.iter().find_map(|d| non_empty(d.wechat_avatar.as_deref()));
    let nickname = details.iter().find_map(|d| non_empty(d.wechat_nickname.as_deref()));

    let field = |label: &str| -> Option<String> {
        first
            .fields
            .iter()
            .find(|f| f.name.trim() == label)
            .and_then(|f| non_empty(f.value.as_deref()))
    };
    // 姓名 is the name a rep recorded; the WeChat nickname is the fallback.
    c.name = field("姓名").or(nickname);
    c.corp_name = field("企业");
    c.position = field("职位").or_else(|| field("职务"));
    c.stage = field("销售阶段");
    c.gender = field("性别").map(|g| gender_from_label(&g)).unwrap_or_default();

    for d in details {
        for m in d.mobiles.iter().flatten() {
            push_unique(&mut c.mobiles, m);
        }
    }
    if c.mobiles.is_empty() {
        // 电话 joins several numbers with `#` (seed 000).
        for m in field("电话").iter().flat_map(|v| v.split('#')) {
            push_unique(&mut c.mobiles, m);
        }
    }

    c.custom_fields = first.fields.iter().map(qw_field).collect();
    for d in details {
        if c.follow_users.iter().any(|u| u.user_id == d.qw_user_id) {
            continue;
        }
        c.follow_users.push(FollowUser {
            user_id: d.qw_user_id.clone(),
            name: None,
            remark: None,
            description: None,
            added_at: d.qw_customer_time.as_deref().and_then(parse_beijing),
            add_source: None,
            remark_mobiles: Vec::new(),
            tags: Vec::new(),
        });
    }
    Some(c)
}

fn qw_field(f: &QwField) -> CustomField {
    CustomField {
        key: f.id.to_string(),
        // Vendor labels can carry stray spaces (seed 000 has `性别 `).
        label: f.name.trim().to_string(),
        value: match &f.value {
            Some(v) => FieldValue::Text(v.clone()),
            None => FieldValue::Empty,
        },
    }
}

fn gender_from_label(label: &str) -> Gender {
    match label.trim() {
        "男" | "1" => Gender::Male,
        "女" | "2" => Gender::Female,
        "其它" | "其他" => Gender::Other,
        _ => Gender::Unknown,
    }
}

// ---------------------------------------------------------------------------------------
// customer/search row → VendorCustomer

pub fn customer_from_search_row(row: &SearchRow, fields: &FieldIndex, tags: &TagIndex) -> VendorCustomer {
    let mut c = VendorCustomer::new(VENDOR);
    c.vendor_customer_id = row.customer_id.clone();
    c.external_user_id = non_empty(row.external_user_id.as_deref());
    c.union_id = non_empty(row.union_id.as_deref());
    c.name = non_empty(row.wechat_nickname.as_deref());
    c.stage = non_empty(row.sales_stage_name.as_deref());
    c.last_follow_at = row.qw_last_follow_time.as_deref().and_then(parse_beijing);
    if let Some(rep) = non_empty(row.qw_sales_id.as_deref()) {
        // A row is one (customer, rep) relation, but `mainFollows` names the customer's main
        // follower, who is this row's rep only when nobody shares the customer: naming every
        // row's rep by it showed ChenLei as 刘福来. Otherwise the name comes from another
        // vendor or from SalesDesk's own users.
        let main = row.main_follows.iter().flatten().collect::<Vec<_>>();
        let shared = row.share_follows.as_ref().is_some_and(|s| !s.is_empty());
        let sole_follower = match (main.as_slice(), shared) {
            ([only], false) => Some(*only),
            _ => None,
        };
        c.follow_users.push(FollowUser {
            user_id: rep,
            name: sole_follower.and_then(|m| non_empty(m.sales_name.as_deref())),
            remark: non_empty(row.qw_remark.as_deref()),
            description: None,
            added_at: row
                .contact_list
                .iter()
                .flatten()
                .find_map(|ct| ct.qw_customer_time.as_deref().and_then(parse_beijing)),
            add_source: non_empty(row.state.as_deref()),
            remark_mobiles: Vec::new(),
            tags: row.tags.iter().flatten().filter_map(|t| search_tag(t, tags)).collect(),
        });
    }
    // Custom-field values arrive as extra keys named by the numeric field id.
    for (key, value) in &row.custom {
        if key.is_empty() || !key.bytes().all(|b| b.is_ascii_digit()) || value.is_null() {
            continue;
        }
        let def = fields.by_id(key);
        c.custom_fields.push(CustomField {
            key: key.clone(),
            label: def.map(|d| d.name.trim().to_string()).unwrap_or_else(|| key.clone()),
            value: search_value(value, def),
        });
    }
    c
}

/// A search-row tag: an id or name string, or an object with a name (not documented).
fn search_tag(value: &Value, index: &TagIndex) -> Option<Tag> {
    let unresolved = |text: String| Tag {
        id: None,
        group: None,
        name: text,
        kind: TagKind::Corp,
    };
    match value {
        Value::String(s) if !s.is_empty() => Some(index.resolve(s).cloned().unwrap_or_else(|| unresolved(s.clone()))),
        Value::Number(n) => {
            let s = n.to_string();
            Some(index.resolve(&s).cloned().unwrap_or_else(|| unresolved(s)))
        }
        Value::Object(o) => {
            let text = |k: &str| o.get(k).and_then(scalar_text);
            let id = text("qwTagId").or_else(|| text("id")).or_else(|| text("tagId"));
            if let Some(found) = id.as_deref().and_then(|i| index.resolve(i)) {
                return Some(found.clone());
            }
            let name = text("name").or_else(|| text("tagName"))?;
            Some(Tag {
                id,
                group: text("groupName"),
                name,
                kind: TagKind::Corp,
            })
        }
        _ => None,
    }
}

fn search_value(value: &Value, def: Option<&ProfileField>) -> FieldValue {
    let one = |text: String| -> FieldValue {
        match option_label(def, &text) {
            Some(label) => FieldValue::Choice {
                id: text,
                label: Some(label.to_string()),
            },
            None => FieldValue::Text(text),
        }
    };
    match value {
        Value::String(_) | Value::Number(_) | Value::Bool(_) => scalar_text(value).map(one).unwrap_or(FieldValue::Empty),
        Value::Array(items) => {
            // Multi-value fields: option ids resolve one by one; shown as one line.
            let parts: Vec<String> = items
                .iter()
                .filter_map(scalar_text)
                .map(|t| option_label(def, &t).map(str::to_string).unwrap_or(t))
                .collect();
            FieldValue::Text(parts.join("、"))
        }
        Value::Null => FieldValue::Empty,
        Value::Object(_) => FieldValue::Raw(value.to_string()),
    }
}

fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------
// Follow-up records

/// A follow-up whose time is not Beijing `yyyy-MM-dd HH:mm:ss` (the reply is undecodable).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FollowTimeError {
    #[error("follow record {id}: gmtCreateTime {time:?} is not yyyy-MM-dd HH:mm:ss")]
    Record { id: i64, time: String },
    #[error("follow-up {id}: createTime {time:?} is not yyyy-MM-dd HH:mm:ss")]
    Item { id: String, time: String },
}

/// A qw-list-by-customer record. `followType` 1 is a rep's note; 2 and anything else
/// undocumented is treated as a system change log.
pub fn follow_from_record(r: &QwFollowRecord) -> Result<FollowUpEntry, FollowTimeError> {
    let at = parse_beijing(&r.gmt_create_time).ok_or_else(|| FollowTimeError::Record {
        id: r.id,
        time: r.gmt_create_time.clone(),
    })?;
    let text = r.content.clone().unwrap_or_default();
    Ok(FollowUpEntry {
        vendor: VENDOR,
        id: r.id.to_string(),
        author_user_id: non_empty(r.qw_user_id.as_deref()),
        author_name: None,
        at,
        kind: if r.follow_type == FOLLOW_TYPE_NOTE {
            FollowUpKind::Note { text }
        } else {
            FollowUpKind::Change { text }
        },
    })
}

/// A clue/list-follow-up item; its `type` is assumed to use the same codes as `followType`.
pub fn follow_from_item(item: &FollowUpItem) -> Result<FollowUpEntry, FollowTimeError> {
    let at = parse_beijing(&item.create_time).ok_or_else(|| FollowTimeError::Item {
        id: item.id.clone(),
        time: item.create_time.clone(),
    })?;
    let text = item.content.clone().unwrap_or_default();
    let operator = item.operator.as_ref();
    Ok(FollowUpEntry {
        vendor: VENDOR,
        id: item.id.clone(),
        author_user_id: operator.and_then(|o| non_empty(o.qw_user_id.as_deref())),
        author_name: operator.and_then(|o| non_empty(o.name.as_deref())),
        at,
        kind: if item.kind == FOLLOW_TYPE_NOTE {
            FollowUpKind::Note { text }
        } else {
            FollowUpKind::Change { text }
        },
    })
}

/// Newest first; equal times by record id, larger (later) first.
pub fn sort_newest_first(entries: &mut [FollowUpEntry]) {
    entries.sort_by(|a, b| {
        b.at.cmp(&a.at).then_with(|| match (a.id.parse::<i64>(), b.id.parse::<i64>()) {
            (Ok(x), Ok(y)) => y.cmp(&x),
            _ => b.id.cmp(&a.id),
        })
    });
}

// ---------------------------------------------------------------------------------------
// Clues

pub fn clue_from_detail(d: &ClueDetail, fields: &FieldIndex, tags: &TagIndex) -> Clue {
    let mut mobiles = Vec::new();
    let mut name = None;
    let mut custom_fields = Vec::with_capacity(d.fields.len());
    for f in &d.fields {
        let def = fields.by_alias(&f.field);
        let value = clue_value(f, def);
        if let FieldValue::Mobiles(list) = &value {
            for m in list {
                push_unique(&mut mobiles, m);
            }
        }
        if f.field == "name"
            && let FieldValue::Text(t) = &value
            && !t.trim().is_empty()
        {
            name = Some(t.clone());
        }
        let label = def
            .map(|d| d.name.trim().to_string())
            .or_else(|| builtin_label(&f.field).map(str::to_string))
            .unwrap_or_else(|| f.field.clone());
        custom_fields.push(CustomField {
            key: f.field.clone(),
            label,
            value,
        });
    }

    let mut resolved = Vec::new();
    let mut unresolved = Vec::new();
    for id in &d.tag_ids {
        match tags.resolve(id) {
            Some(t) if !resolved.contains(t) => resolved.push(t.clone()),
            Some(_) => {}
            None => unresolved.push(id.clone()),
        }
    }

    Clue {
        vendor: VENDOR,
        id: d.customer_id.to_string(),
        name,
        mobiles,
        is_clue: d.is_clue,
        fields: custom_fields,
        tags: resolved,
        unresolved_tag_ids: unresolved,
        company: d.company_info.as_ref().and_then(company),
        // Tanma's clue pages name no owner field: Tanma clues are treated as the shared pool.
        owner_user_id: None,
        created_at: d.create_time.as_deref().and_then(parse_beijing),
        updated_at: d.last_update_time.as_deref().and_then(parse_beijing),
        converted_at: d.convert_customer_time.as_deref().and_then(parse_beijing),
    }
}

/// A typed clue value. Option ids that the field definitions do not resolve stay as
/// `Choice { label: None }` so the UI can mark them instead of showing a bare number.
pub fn clue_value(f: &ClueField, def: Option<&ProfileField>) -> FieldValue {
    let Some(text) = f.value_as_text.as_ref() else {
        return FieldValue::Empty;
    };
    match f.kind {
        FIELD_TEXT => FieldValue::Text(text.clone()),
        FIELD_OPTION => FieldValue::Choice {
            id: text.clone(),
            label: option_label(def, text).map(str::to_string),
        },
        FIELD_DATE => FieldValue::Date(text.clone()),
        FIELD_MOBILES => match serde_json::from_str::<Vec<String>>(text) {
            Ok(list) => FieldValue::Mobiles(list.into_iter().filter(|m| !m.trim().is_empty()).collect()),
            Err(_) => FieldValue::Raw(text.clone()),
        },
        _ => FieldValue::Raw(text.clone()),
    }
}

/// `companyInfo` is an undocumented object: its name is read from the usual keys and every
/// other scalar entry is kept as an attribute, in the vendor's order.
fn company(info: &serde_json::Map<String, Value>) -> Option<ClueCompany> {
    const NAME_KEYS: [&str; 4] = ["name", "companyName", "corpName", "fullName"];
    let name = NAME_KEYS
        .iter()
        .find_map(|k| info.get(*k).and_then(scalar_text))
        .filter(|s| !s.trim().is_empty());
    let attributes: Vec<(String, String)> = info
        .iter()
        .filter(|(k, _)| !NAME_KEYS.contains(&k.as_str()))
        .filter_map(|(k, v)| scalar_text(v).filter(|s| !s.is_empty()).map(|s| (k.clone(), s)))
        .collect();
    if name.is_none() && attributes.is_empty() {
        return None;
    }
    Some(ClueCompany { name, attributes })
}

fn non_empty(s: Option<&str>) -> Option<String> {
    s.map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

fn push_unique(list: &mut Vec<String>, value: &str) {
    let value = value.trim();
    if !value.is_empty() && !list.iter().any(|m| m == value) {
        list.push(value.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vendors::tanma::wire::{FieldOption, FollowUpOperator, SearchContact, SearchFollow, TagItem};

    fn seed_detail() -> QwCustomerDetail {
        let fields = [
            (680, "电话", "158xxxxxxxx#123xxxxxxxx"),
            (681, "企业", "hja"),
            (684, "销售阶段", "需求确定11"),
            (683, "姓名", "大刘a"),
            (687, "性别 ", "男"),
        ];
        QwCustomerDetail {
            qw_user_id: "LiuFuLai".into(),
            external_user_id: "wmPBvlDQAAAtqjxUNvuEL5CRio1NWNXA".into(),
            union_id: None,
            qw_customer_time: Some("2020-11-30 15:00:00".into()),
            mobiles: Some(vec!["158xxxxxxxx".into(), "123xxxxxxxx".into()]),
            wechat_nickname: Some("Dxxxx".into()),
            wechat_avatar: Some("http://wx.qlogo.cn/a/0".into()),
            fields: fields
                .iter()
                .map(|(id, name, value)| QwField {
                    id: *id,
                    name: name.to_string(),
                    outer_field: None,
                    value: Some(value.to_string()),
                    stable: Some(true),
                })
                .collect(),
        }
    }

    #[test]
    fn details_map_to_customer() {
        let c = customer_from_details(&[seed_detail()]).unwrap();
        assert_eq!(c.vendor, VendorId::Tanma);
        assert_eq!(c.external_user_id.as_deref(), Some("wmPBvlDQAAAtqjxUNvuEL5CRio1NWNXA"));
        assert_eq!(c.name.as_deref(), Some("大刘a"));
        assert_eq!(c.corp_name.as_deref(), Some("hja"));
        assert_eq!(c.stage.as_deref(), Some("需求确定11"));
        assert_eq!(c.gender, Gender::Male);
        assert_eq!(c.mobiles, vec!["158xxxxxxxx", "123xxxxxxxx"]);
        assert_eq!(c.avatar.as_deref(), Some("http://wx.qlogo.cn/a/0"));
        assert_eq!(c.follow_users.len(), 1);
        assert_eq!(c.follow_users[0].user_id, "LiuFuLai");
        assert_eq!(c.follow_users[0].added_at, parse_beijing("2020-11-30 15:00:00"));
        let gender = c.custom_fields.iter().find(|f| f.key == "687").unwrap();
        assert_eq!(gender.label, "性别");
        assert_eq!(gender.value, FieldValue::Text("男".into()));
        assert!(customer_from_details(&[]).is_none());
    }

    #[test]
    fn phone_field_fills_in_missing_mobiles_and_reps_merge() {
        let mut a = seed_detail();
        a.mobiles = None;
        a.fields[3].value = None; // no 姓名: nickname is used
        let mut b = seed_detail();
        b.qw_user_id = "ZhuShanPeng".into();
        b.mobiles = None;
        let c = customer_from_details(&[a, b]).unwrap();
        assert_eq!(c.mobiles, vec!["158xxxxxxxx", "123xxxxxxxx"]);
        assert_eq!(c.name.as_deref(), Some("Dxxxx"));
        let reps: Vec<_> = c.follow_users.iter().map(|u| u.user_id.as_str()).collect();
        assert_eq!(reps, ["LiuFuLai", "ZhuShanPeng"]);
    }

    #[test]
    fn follow_types_and_beijing_time() {
        let mut r = QwFollowRecord {
            id: 2322,
            qw_user_id: Some("LiuFuLai".into()),
            external_user_id: "wm1".into(),
            content: Some("qq".into()),
            follow_type: 1,
            gmt_create_time: "2020-12-02 15:19:20".into(),
        };
        let e = follow_from_record(&r).unwrap();
        assert_eq!(e.kind, FollowUpKind::Note { text: "qq".into() });
        assert_eq!(e.at, 1_606_893_560_000); // 07:19:20 UTC
        assert_eq!(e.author_user_id.as_deref(), Some("LiuFuLai"));
        r.follow_type = 2;
        r.content = Some("将销售阶段:丢单 改为: 方案报价".into());
        assert_eq!(
            follow_from_record(&r).unwrap().kind,
            FollowUpKind::Change {
                text: "将销售阶段:丢单 改为: 方案报价".into()
            }
        );
        r.gmt_create_time = "yesterday".into();
        assert!(follow_from_record(&r).is_err());

        let item = FollowUpItem {
            id: "9".into(),
            kind: 1,
            content: None,
            create_time: "2021-05-11 15:15:48".into(),
            operator: Some(FollowUpOperator {
                qw_user_id: Some("u1".into()),
                name: Some("张三".into()),
            }),
        };
        let e = follow_from_item(&item).unwrap();
        assert_eq!(e.author_name.as_deref(), Some("张三"));
        assert_eq!(e.kind, FollowUpKind::Note { text: String::new() });
    }

    #[test]
    fn sorting_puts_newest_and_larger_ids_first() {
        let mk = |id: &str, at: i64| FollowUpEntry {
            vendor: VENDOR,
            id: id.into(),
            author_user_id: None,
            author_name: None,
            at,
            kind: FollowUpKind::Note { text: String::new() },
        };
        let mut v = vec![mk("9", 1), mk("10", 1), mk("2", 5)];
        sort_newest_first(&mut v);
        let ids: Vec<_> = v.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["2", "10", "9"]);
    }

    fn stage_field() -> ProfileField {
        ProfileField {
            id: "684".into(),
            alias: Some("customer_stage".into()),
            name: "销售阶段".into(),
            kind: Some(2),
            options: vec![FieldOption {
                id: "396823724189760".into(),
                name: "方案报价".into(),
            }],
        }
    }

    fn clue_field(field: &str, kind: i64, value: Option<&str>) -> ClueField {
        ClueField {
            field: field.into(),
            kind,
            value_as_text: value.map(str::to_string),
        }
    }

    #[test]
    fn clue_values_are_typed() {
        let def = stage_field();
        assert_eq!(
            clue_value(&clue_field("customer_stage", 2, Some("396823724189760")), Some(&def)),
            FieldValue::Choice {
                id: "396823724189760".into(),
                label: Some("方案报价".into())
            }
        );
        assert_eq!(
            clue_value(&clue_field("customer_stage", 2, Some("1")), Some(&def)),
            FieldValue::Choice {
                id: "1".into(),
                label: None
            }
        );
        assert_eq!(
            clue_value(&clue_field("customer_stage", 2, Some("396823724189760")), None),
            FieldValue::Choice {
                id: "396823724189760".into(),
                label: None
            }
        );
        assert_eq!(clue_value(&clue_field("gender", 2, None), None), FieldValue::Empty);
        assert_eq!(
            clue_value(&clue_field("description", 1, Some("u 诶IE")), None),
            FieldValue::Text("u 诶IE".into())
        );
        assert_eq!(
            clue_value(&clue_field("birthday", 3, Some("1990-01-02")), None),
            FieldValue::Date("1990-01-02".into())
        );
        assert_eq!(
            clue_value(&clue_field("mobile", 8, Some(r#"["145678388"]"#)), None),
            FieldValue::Mobiles(vec!["145678388".into()])
        );
        assert_eq!(
            clue_value(&clue_field("mobile", 8, Some("145678388,")), None),
            FieldValue::Raw("145678388,".into())
        );
        assert_eq!(clue_value(&clue_field("x", 99, Some("?")), None), FieldValue::Raw("?".into()));
    }

    #[test]
    fn clue_maps_name_mobiles_tags_and_times() {
        let fields = FieldIndex::from_fields(vec![stage_field()]);
        let tags = TagIndex::from_tree(&[TagGroup {
            id: "1".into(),
            name: "行业".into(),
            qw_tag_id: None,
            tags: vec![
                TagItem {
                    id: "11".into(),
                    name: "教育".into(),
                    qw_tag_id: Some("etEdu".into()),
                },
                TagItem {
                    id: "12".into(),
                    name: "金融".into(),
                    qw_tag_id: None,
                },
            ],
        }]);
        let mut info = serde_json::Map::new();
        info.insert("companyName".into(), Value::String("上海某某".into()));
        info.insert("creditCode".into(), Value::String("9131".into()));
        let d = ClueDetail {
            customer_id: 410983932389440,
            is_clue: Some(false),
            kind: Some(1),
            convert_customer_time: None,
            fields: vec![
                clue_field("mobile", 8, Some(r#"["145678388"]"#)),
                clue_field("name", 1, Some("打马赛克就")),
                clue_field("customer_stage", 2, Some("396823724189760")),
                clue_field("address", 1, None),
            ],
            tag_ids: vec!["etEdu".into(), "12".into(), "999".into()],
            create_time: Some("2021-05-11 15:15:48".into()),
            last_update_time: Some("2021-05-11 15:15:48".into()),
            company_info: Some(info),
        };
        let c = clue_from_detail(&d, &fields, &tags);
        assert_eq!(c.id, "410983932389440");
        assert_eq!(c.name.as_deref(), Some("打马赛克就"));
        assert_eq!(c.mobiles, vec!["145678388"]);
        assert_eq!(c.is_clue, Some(false));
        let names: Vec<_> = c.tags.iter().map(|t| (t.id.as_deref(), t.name.as_str())).collect();
        assert_eq!(names, [(Some("etEdu"), "教育"), (Some("12"), "金融")]);
        assert_eq!(c.tags[0].group.as_deref(), Some("行业"));
        assert_eq!(c.unresolved_tag_ids, vec!["999"]);
        assert_eq!(c.created_at, Some(1_620_717_348_000));
        assert_eq!(c.converted_at, None);
        let stage = c.fields.iter().find(|f| f.key == "customer_stage").unwrap();
        assert_eq!(stage.label, "销售阶段");
        let address = c.fields.iter().find(|f| f.key == "address").unwrap();
        assert_eq!((address.label.as_str(), &address.value), ("地址", &FieldValue::Empty));
        let company = c.company.unwrap();
        assert_eq!(company.name.as_deref(), Some("上海某某"));
        assert_eq!(company.attributes, vec![("creditCode".to_string(), "9131".to_string())]);
    }

    #[test]
    fn search_rows_map_with_custom_fields_and_tags() {
        let mut gender = stage_field();
        gender.id = "91641".into();
        gender.name = "性别".into();
        gender.options = vec![FieldOption {
            id: "1".into(),
            name: "男".into(),
        }];
        let fields = FieldIndex::from_fields(vec![gender]);
        let tags = TagIndex::from_tree(&[TagGroup {
            id: "1".into(),
            name: "行业".into(),
            qw_tag_id: None,
            tags: vec![TagItem {
                id: "11".into(),
                name: "教育".into(),
                qw_tag_id: Some("etEdu".into()),
            }],
        }]);
        let mut row = SearchRow {
            customer_id: Some("88".into()),
            wechat_nickname: Some("Dxxxx".into()),
            qw_remark: Some("刘工".into()),
            external_user_id: Some("wm1".into()),
            qw_sales_id: Some("LiuFuLai".into()),
            sales_stage_name: Some("初步沟通".into()),
            qw_last_follow_time: Some("2020-12-02 15:19:20".into()),
            tags: Some(vec![
                Value::String("etEdu".into()),
                serde_json::json!({"name": "VIP", "groupName": "等级"}),
            ]),
            main_follows: Some(vec![SearchFollow {
                sales_name: Some("刘福来".into()),
                follow_dept_names: None,
            }]),
            contact_list: Some(vec![SearchContact {
                qw_customer_time: Some("2020-11-30 15:18:13".into()),
            }]),
            ..Default::default()
        };
        row.custom.insert("91641".into(), serde_json::json!(1));
        row.custom.insert("91637".into(), Value::String("描述文本".into()));
        row.custom.insert("sendChatCount".into(), serde_json::json!(3));
        row.custom.insert("97673".into(), Value::Null);
        let c = customer_from_search_row(&row, &fields, &tags);
        assert_eq!(c.vendor_customer_id.as_deref(), Some("88"));
        assert_eq!(c.name.as_deref(), Some("Dxxxx"));
        assert_eq!(c.stage.as_deref(), Some("初步沟通"));
        assert_eq!(c.last_follow_at, Some(1_606_893_560_000));
        let u = &c.follow_users[0];
        assert_eq!(
            (u.user_id.as_str(), u.name.as_deref(), u.remark.as_deref()),
            ("LiuFuLai", Some("刘福来"), Some("刘工"))
        );
        assert_eq!(u.added_at, parse_beijing("2020-11-30 15:18:13"));
        // With a share follower, the main follower's name is not this row's rep's.
        let shared = SearchRow {
            qw_sales_id: Some("ChenLei".into()),
            share_follows: Some(vec![serde_json::json!({"salesName": "陈磊"})]),
            ..row.clone()
        };
        let c2 = customer_from_search_row(&shared, &fields, &tags);
        assert_eq!(
            (c2.follow_users[0].user_id.as_str(), c2.follow_users[0].name.as_deref()),
            ("ChenLei", None)
        );
        assert_eq!(u.tags.len(), 2);
        assert_eq!(u.tags[0].name, "教育");
        assert_eq!(u.tags[1].group.as_deref(), Some("等级"));
        assert_eq!(c.custom_fields.len(), 2, "{:?}", c.custom_fields);
        let g = c.custom_fields.iter().find(|f| f.key == "91641").unwrap();
        assert_eq!(
            (g.label.as_str(), &g.value),
            (
                "性别",
                &FieldValue::Choice {
                    id: "1".into(),
                    label: Some("男".into())
                }
            )
        );
        let d = c.custom_fields.iter().find(|f| f.key == "91637").unwrap();
        assert_eq!((d.label.as_str(), &d.value), ("91637", &FieldValue::Text("描述文本".into())));
    }
}
