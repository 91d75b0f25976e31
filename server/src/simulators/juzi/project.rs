//! The universe as Juzibot shows it: seed 004's customer shape (plus docs.juzibot.com's
//! `state` and `remarkMobiles` on follow users), with remark edits applied.

use serde_json::{Map, Value, json};

use super::state::{RelationKey, SimState};
use crate::simulators::dataset::{FollowRelation, PERSONAL_TAG_GROUP, Person, seeds};

/// The hub's `tags[].type` values (strings, as in seed 004).
const TAG_CORP: &str = "1";
const TAG_PERSONAL: &str = "2";

pub fn customer(state: &SimState, p: &Person) -> Value {
    let mut c = Map::new();
    c.insert("externalUserId".into(), json!(p.external_user_id));
    if let Some(u) = &p.union_id {
        c.insert("unionId".into(), json!(u));
    }
    c.insert("name".into(), json!(p.name));
    c.insert("avatar".into(), json!(p.avatar));
    c.insert("gender".into(), json!(p.gender));
    c.insert("type".into(), json!(p.kind));
    let follow_users: Vec<Value> = p.follows.iter().filter_map(|rel| follow_user(state, p, rel)).collect();
    c.insert("followUser".into(), Value::Array(follow_users));
    Value::Object(c)
}

fn follow_user(state: &SimState, p: &Person, rel: &FollowRelation) -> Option<Value> {
    let u = &state.universe;
    let rep = u.reps.get(rel.rep)?;
    let edit = p.union_id.as_ref().and_then(|union_id| {
        state.remark_edit(&RelationKey {
            union_id: union_id.clone(),
            user_id: rep.user_id.clone(),
        })
    });
    let remark = edit.and_then(|e| e.remark).unwrap_or_else(|| rel.remark.clone());
    let mut tags: Vec<Value> = rel
        .corp_tags
        .iter()
        .filter_map(|id| u.corp_tag(id))
        .map(|(group, tag)| json!({"groupName": group.name, "tagName": tag.name, "type": TAG_CORP, "tagId": tag.tag_id}))
        .collect();
    tags.extend(
        rel.personal_tags
            .iter()
            .filter_map(|id| u.personal_tag(id))
            .map(|tag| json!({"groupName": PERSONAL_TAG_GROUP, "tagName": tag.name, "type": TAG_PERSONAL})),
    );
    let mut f = Map::new();
    f.insert("userId".into(), json!(rep.user_id));
    f.insert("name".into(), json!(rep.name));
    f.insert("remark".into(), json!(remark));
    f.insert("avatar".into(), json!(rep.avatar));
    f.insert("createTimestamp".into(), json!(rel.added_at_ms));
    f.insert("tags".into(), Value::Array(tags));
    // Seed 004's record is served exactly as the seed page shows it, without these two
    // fields that only docs.juzibot.com lists.
    if p.index != seeds::SEED_JUZI {
        if rel.add_source.kind == "contact_way" {
            f.insert("state".into(), json!(rel.add_source.name));
        }
        if !rel.remark_mobiles.is_empty() {
            f.insert("remarkMobiles".into(), json!(rel.remark_mobiles));
        }
    }
    Some(Value::Object(f))
}

/// `tag/list` data: the corp tag groups with their tags.
pub fn tag_groups(state: &SimState) -> Value {
    let groups: Vec<Value> = state
        .universe
        .tag_groups
        .iter()
        .map(|g| {
            let tags: Vec<Value> = g
                .tags
                .iter()
                .enumerate()
                .map(|(i, t)| json!({"id": t.tag_id, "name": t.name, "createTimestamp": g.created_ms, "order": i}))
                .collect();
            json!({"id": g.group_id, "name": g.name, "createTimestamp": g.created_ms, "order": g.order, "tags": tags})
        })
        .collect();
    Value::Array(groups)
}

/// Whether `user_id` follows `p` (a write through that relationship can land).
pub fn follows(state: &SimState, p: &Person, user_id: &str) -> bool {
    p.follows
        .iter()
        .any(|rel| state.universe.reps.get(rel.rep).is_some_and(|r| r.user_id == user_id))
}
