//! Juzibot wire types → domain types, in one place.

use app::domain::{CustomerKind, FollowUser, Gender, Tag, TagKind, VendorCustomer, VendorId};

use super::wire::{self, TAG_TYPE_CORP, TAG_TYPE_PERSONAL};
use crate::vendors::time::epoch_to_ms;

pub fn customer(c: &wire::Customer) -> VendorCustomer {
    let mut out = VendorCustomer::new(VendorId::Juzi);
    // Juzibot has no id of its own: the externalUserId is WeCom's (as issued to the hub).
    out.external_user_id = non_empty(&c.external_user_id);
    out.union_id = c.union_id.as_deref().and_then(non_empty);
    out.name = non_empty(&c.name);
    out.avatar = c.avatar.as_deref().and_then(non_empty);
    out.gender = gender(c.gender);
    out.kind = kind(c.kind);
    out.follow_users = c.follow_user.iter().map(follow_user).collect();
    out
}

pub fn follow_user(f: &wire::FollowUser) -> FollowUser {
    FollowUser {
        user_id: f.user_id.clone(),
        name: non_empty(&f.name),
        remark: non_empty(&f.remark),
        // The list/detail replies carry no description (set_remark can write one).
        description: None,
        // Documented as ms; normalised in case a deployment sends seconds.
        added_at: f.create_timestamp.filter(|t| *t > 0).map(epoch_to_ms),
        // WeCom's `state` is the channel code of the 联系我 / 获客链接 the customer came through.
        add_source: f.state.as_deref().and_then(non_empty),
        remark_mobiles: f.remark_mobiles.iter().flatten().filter_map(|m| non_empty(m)).collect(),
        tags: f.tags.iter().map(tag).collect(),
    }
}

pub fn tag(t: &wire::CustomerTag) -> Tag {
    let kind = match t.kind.trim() {
        TAG_TYPE_CORP => TagKind::Corp,
        TAG_TYPE_PERSONAL => TagKind::Personal,
        _ => TagKind::Unknown,
    };
    Tag {
        id: t.tag_id.as_deref().and_then(non_empty),
        group: non_empty(&t.group_name),
        name: t.tag_name.clone(),
        kind,
    }
}

pub fn gender(code: i64) -> Gender {
    match code {
        1 => Gender::Male,
        2 => Gender::Female,
        _ => Gender::Unknown,
    }
}

pub fn kind(code: i64) -> CustomerKind {
    match code {
        1 => CustomerKind::WeChat,
        2 => CustomerKind::WeCom,
        _ => CustomerKind::Unknown,
    }
}

fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed_customer() -> wire::Customer {
        serde_json::from_value(serde_json::json!({
            "externalUserId": "wmfvEMCAAAPHR9XslvYqTFgCJTULiZgg",
            "unionId": "ozynqsulJFCZ2z1aYeS8h-nuasdAAA",
            "name": "李四",
            "avatar": "http://p.qlogo.cn/bizmail/IcsdgagqefergqerhewSdage/0",
            "gender": 1,
            "type": 1,
            "followUser": [{
                "userId": "rocky",
                "name": "张三",
                "remark": "张总",
                "avatar": "http://p.qlogo.cn/bizmail/IcsdgagqefergqerhewSdage/0",
                "createTimestamp": 1604048292000_i64,
                "tags": [
                    {"groupName": "标签组名", "tagName": "标签名", "type": "1", "tagId": "etDodGBwAA-rmc_3HDr84OnvfycgOQQQ"},
                    {"groupName": "个人标签", "tagName": "个人标签名", "type": "2"}
                ]
            }]
        }))
        .unwrap()
    }

    #[test]
    fn seed_customer_maps_every_field() {
        let c = customer(&seed_customer());
        assert_eq!(c.vendor, VendorId::Juzi);
        assert_eq!(c.vendor_customer_id, None);
        assert_eq!(c.external_user_id.as_deref(), Some("wmfvEMCAAAPHR9XslvYqTFgCJTULiZgg"));
        assert_eq!(c.union_id.as_deref(), Some("ozynqsulJFCZ2z1aYeS8h-nuasdAAA"));
        assert_eq!(c.name.as_deref(), Some("李四"));
        assert_eq!(c.gender, Gender::Male);
        assert_eq!(c.kind, CustomerKind::WeChat);
        let f = &c.follow_users[0];
        assert_eq!(f.user_id, "rocky");
        assert_eq!(f.name.as_deref(), Some("张三"));
        assert_eq!(f.remark.as_deref(), Some("张总"));
        assert_eq!(f.added_at, Some(1_604_048_292_000));
        assert_eq!(
            f.tags,
            vec![
                Tag {
                    id: Some("etDodGBwAA-rmc_3HDr84OnvfycgOQQQ".into()),
                    group: Some("标签组名".into()),
                    name: "标签名".into(),
                    kind: TagKind::Corp
                },
                Tag {
                    id: None,
                    group: Some("个人标签".into()),
                    name: "个人标签名".into(),
                    kind: TagKind::Personal
                },
            ]
        );
    }

    #[test]
    fn codes_and_extras() {
        assert_eq!(gender(0), Gender::Unknown);
        assert_eq!(gender(2), Gender::Female);
        assert_eq!(gender(9), Gender::Unknown);
        assert_eq!(kind(2), CustomerKind::WeCom);
        assert_eq!(kind(0), CustomerKind::Unknown);
        let mut w = seed_customer();
        w.union_id = Some(String::new());
        w.follow_user[0].state = Some("expo-2024".into());
        w.follow_user[0].remark_mobiles = Some(vec!["13800000000".into(), " ".into()]);
        w.follow_user[0].create_timestamp = Some(1_604_048_292);
        w.follow_user[0].remark = String::new();
        let c = customer(&w);
        assert_eq!(c.union_id, None);
        let f = &c.follow_users[0];
        assert_eq!(f.add_source.as_deref(), Some("expo-2024"));
        assert_eq!(f.remark_mobiles, vec!["13800000000".to_string()]);
        assert_eq!(f.added_at, Some(1_604_048_292_000));
        assert_eq!(f.remark, None);
    }
}
