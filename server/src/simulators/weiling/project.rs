//! The universe as Weiling shows it: customers it holds as WeCom-friend customers (with its
//! own stage), their follow-up records, its phone-number clues and the `contact` field
//! descriptions. Stored writes are layered on top.

use super::store::Store;
use crate::simulators::dataset::{ClueRecord, INTENTIONS, KIND_WECOM, PERSONAL_TAG_GROUP, Person, SOURCES, Universe, WeilingProfile};
use crate::vendors::weiling::wire::{
    AddSource, BusinessRef, Clue, ClueRef, CompanyRef, Customer, FieldDescription, FieldOption, FollowUser, Progress, Tag,
};

/// Keys of the 意向 options; `label` is the stored key, `value` the display text.
const INTENTION_KEYS: [&str; 3] = ["intention_high", "intention_mid", "intention_low"];
/// Keys of the 客户来源 options, parallel to `SOURCES`.
const SOURCE_KEYS: [&str; 5] = ["source_referral", "source_website", "source_expo", "source_street", "source_ads"];

/// `v2/custom/detail?api_key=contact`.
pub fn contact_fields() -> Vec<FieldDescription> {
    let options = |keys: &[&str], labels: &[&str]| {
        keys.iter()
            .zip(labels)
            .map(|(k, l)| FieldOption {
                label: Some((*k).into()),
                value: Some((*l).into()),
            })
            .collect::<Vec<_>>()
    };
    let field = |api: &str, view: &str, ty: &str, opts: Vec<FieldOption>, max: Option<&str>| FieldDescription {
        api_name: Some(api.into()),
        view_name: Some(view.into()),
        property_type: Some(ty.into()),
        required: Some(false),
        enabled: Some(true),
        property_source: Some(1),
        options: opts,
        min_length: None,
        max_length: max.map(str::to_string),
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

/// A customer as 3.6 customer/batch (and 3.4) return it.
pub fn customer(u: &Universe, p: &Person, w: &WeilingProfile, store: &Store) -> Customer {
    let custom = custom_field_json(p);
    let follow_users: Vec<FollowUser> = p
        .follows
        .iter()
        .filter_map(|f| {
            let rep = u.reps.get(f.rep)?;
            let edit = store.edit(&w.customer_id, &rep.user_id);
            let mut tags: Vec<Tag> = f
                .corp_tags
                .iter()
                .filter_map(|id| {
                    let (group, tag) = u.corp_tag(id)?;
                    Some(Tag {
                        group_id: Some(group.group_id.clone()),
                        group_name: Some(group.name.clone()),
                        tag_id: Some(tag.tag_id.clone()),
                        tag_name: Some(tag.name.clone()),
                        kind: Some("1".into()),
                    })
                })
                .collect();
            tags.extend(f.personal_tags.iter().filter_map(|id| {
                let tag = u.personal_tag(id)?;
                Some(Tag {
                    group_id: None,
                    group_name: Some(PERSONAL_TAG_GROUP.into()),
                    tag_id: Some(tag.tag_id.clone()),
                    tag_name: Some(tag.name.clone()),
                    kind: Some("2".into()),
                })
            }));
            Some(FollowUser {
                add_way: Some(i64::from(f.add_way)),
                remark_corp_name: f.remark_corp_name.clone(),
                position: p.position.clone(),
                tags,
                lost_state: Some(f.lost),
                create_time: Some(f.added_at_ms),
                userid: Some(rep.user_id.clone()),
                remark: edit.and_then(|e| e.remark.clone()).or_else(|| Some(f.remark.clone())),
                description: edit.and_then(|e| e.description.clone()).or_else(|| Some(f.description.clone())),
                remark_mobiles: edit
                    .and_then(|e| e.remark_mobiles.clone())
                    .unwrap_or_else(|| f.remark_mobiles.clone()),
                add_source: Some(AddSource {
                    kind: Some(f.add_source.kind.clone()),
                    id: Some(f.add_source.id.clone()),
                    name: Some(f.add_source.name.clone()),
                }),
                qq: None,
                email: None,
                wx_id: None,
                customer_custom_field: Some(serde_json::Value::String(custom.clone())),
            })
        })
        .collect();

    let mut remark_mobiles: Vec<String> = Vec::new();
    for m in follow_users.iter().flat_map(|f| f.remark_mobiles.iter()) {
        if !remark_mobiles.contains(m) {
            remark_mobiles.push(m.clone());
        }
    }
    let records = progress(u, w, store);
    Customer {
        customer_id: Some(w.customer_id.clone()),
        external_userid: Some(p.external_user_id.clone()),
        name: Some(p.nickname.clone()),
        avatar: Some(p.avatar.clone()),
        kind: Some(i64::from(p.kind)),
        gender: Some(i64::from(p.gender)),
        position: p.position.clone(),
        // WeCom reports the company only for WeCom users.
        corp_name: (p.kind == KIND_WECOM).then(|| p.company_short.clone()),
        corp_full_name: (p.kind == KIND_WECOM).then(|| p.company.clone()),
        customer_stage: Some(w.stage.clone()),
        remark_mobiles,
        lost_state: Some(!p.follows.is_empty() && p.follows.iter().all(|f| f.lost)),
        unionid: p.union_id.clone(),
        follow_users,
        company_list: w
            .companies
            .iter()
            .map(|c| CompanyRef {
                company_id: Some(c.company_id.clone()),
                company_name: Some(c.company_name.clone()),
            })
            .collect(),
        business_list: w
            .businesses
            .iter()
            .map(|b| BusinessRef {
                business_id: Some(b.business_id.clone()),
                business_name: Some(b.business_name.clone()),
            })
            .collect(),
        clue_list: w.clue_ids.iter().map(|id| ClueRef { clue_id: Some(id.clone()) }).collect(),
        latest_progress_id: records.first().and_then(|r| r.progress_id.clone()),
        first_progress_time: records.last().and_then(|r| r.create_time),
    }
}

/// All follow-up records of a customer, newest first (generated and created ones).
pub fn progress(u: &Universe, w: &WeilingProfile, store: &Store) -> Vec<Progress> {
    let mut all: Vec<Progress> = w
        .progress
        .iter()
        .map(|r| Progress {
            progress_id: Some(r.progress_id.clone()),
            create_user_id: u.reps.get(r.rep).map(|rep| rep.user_id.clone()),
            content: Some(r.content_html.clone()),
            image_file: None,
            create_time: Some(r.created_at_ms),
            attachment_file: Vec::new(),
        })
        .collect();
    all.extend(store.progress(&w.customer_id).iter().map(|r| Progress {
        progress_id: Some(r.progress_id.clone()),
        create_user_id: r.create_user_id.clone(),
        content: Some(r.content.clone()),
        image_file: (!r.image_file_list.is_empty()).then(|| r.image_file_list.join(",")),
        create_time: Some(r.create_time),
        attachment_file: r.attachments.clone(),
    }));
    all.sort_by(|a, b| b.create_time.cmp(&a.create_time).then_with(|| b.progress_id.cmp(&a.progress_id)));
    all
}

/// A clue as 4.2 clue/list and 4.3 clue/batch return it.
pub fn clue(u: &Universe, c: &ClueRecord, clue_id: &str) -> Clue {
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
    Clue {
        clue_id: Some(clue_id.to_string()),
        user_name: Some(c.name.clone()),
        mobile: c.mobiles.first().cloned(),
        clue_source: Some(0),
        from_channel_name: option("customer_source").map(str::to_string),
        level: Some(level.into()),
        corp_name: c.company.as_ref().map(|co| co.name.clone()).or_else(|| text("corp_name")),
        corp_address: c.company.as_ref().map(|co| co.address.clone()).or_else(|| text("address")),
        register_address: None,
        legal_person: c.company.as_ref().map(|co| co.legal_person.clone()),
        keyword: None,
        searchword: None,
        region: None,
        plan_name: None,
        group_name: None,
        status: Some(if converted.is_some() { 4 } else { 1 }),
        sea_id: None,
        is_repeat: Some(false),
        is_useless: Some(false),
        create_user_id: owner.clone(),
        customer_id: converted,
        owner_id: owner,
        url: None,
        gender: Some(match option("gender") {
            Some("男") => 1,
            Some("女") => 2,
            _ => 0,
        }),
        position: None,
        population_size: None,
        industry: c.company.as_ref().map(|co| co.industry.clone()),
        create_time: Some(c.created_at_ms),
        add_source: None,
        company_list: Vec::new(),
    }
}
