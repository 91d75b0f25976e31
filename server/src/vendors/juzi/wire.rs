//! Juzibot Hub v1 wire types, mirroring seed 004 and docs.juzibot.com field for field.
//!
//! Deliberately tolerant: unknown fields are ignored, and fields the documents mark required
//! but whose absence has a neutral meaning (`name`, `tags`, `remark`…) default instead of
//! failing a whole page of up to 1000 customers. Only identifiers (`externalUserId`,
//! `userId`) are strictly required. Where the documents disagree with their own samples
//! (tag `type` is `'1'` in the sample, fail_list `errcode` is documented as a string but
//! WeCom codes are numbers) both spellings are accepted.

use serde::{Deserialize, Serialize};

use crate::vendors::lenient;

/// The part of every reply that says whether the call worked: `errcode` 0 is success.
#[derive(Clone, Debug, Deserialize)]
pub struct Head {
    pub errcode: Option<i64>,
    #[serde(default)]
    pub errmsg: Option<String>,
}

/// A code sent as a number or as a string (`''` in the fail_list sample, "error code from
/// WeCom" in its table). Keeps the original text so nothing is lost in reports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum LooseCode {
    Number(i64),
    Text(String),
}

impl LooseCode {
    /// The numeric value, if there is one (`"40096"` → 40096; `""` → none).
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            LooseCode::Number(n) => Some(*n),
            LooseCode::Text(t) => t.trim().parse().ok(),
        }
    }

    pub fn text(&self) -> String {
        match self {
            LooseCode::Number(n) => n.to_string(),
            LooseCode::Text(t) => t.clone(),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Customers: GET /api/v1/customer/list and GET /api/v1/customer/detail

/// Query of `GET /api/v1/customer/list` (besides `token`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListQuery {
    /// Page number, from 1.
    pub current: u32,
    /// At most [`super::limits::MAX_PAGE_SIZE`].
    pub page_size: u32,
    /// A rep's corp user id; absent = every rep's customers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
}

/// Query of `GET /api/v1/customer/detail`: at least one id; `unionId` wins when both are sent.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DetailQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub union_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_user_id: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ListResponse {
    pub errcode: i64,
    #[serde(default)]
    pub errmsg: String,
    #[serde(default, deserialize_with = "lenient::null_as_default")]
    pub data: Vec<Customer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DetailResponse {
    pub errcode: i64,
    #[serde(default)]
    pub errmsg: String,
    /// Absent or null when the hub does not know the customer (how the real hub answers an
    /// unknown id is undocumented; see the adapter).
    #[serde(default)]
    pub data: Option<Customer>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Customer {
    pub external_user_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub union_id: Option<String>,
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
    /// 0 unknown, 1 male, 2 female.
    #[serde(default)]
    pub gender: i64,
    /// 1 WeChat user, 2 WeCom user.
    #[serde(rename = "type", default)]
    pub kind: i64,
    #[serde(default, deserialize_with = "lenient::null_as_default")]
    pub follow_user: Vec<FollowUser>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FollowUser {
    pub user_id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
    #[serde(default)]
    pub remark: String,
    /// When the customer added the rep, epoch **milliseconds**.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_timestamp: Option<i64>,
    #[serde(default, deserialize_with = "lenient::null_as_default")]
    pub tags: Vec<CustomerTag>,
    /// WeCom's channel `state` ("联系我" / 获客链接); docs.juzibot.com only, not in seed 004.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Phone numbers the rep noted; docs.juzibot.com only, not in seed 004.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remark_mobiles: Option<Vec<String>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerTag {
    #[serde(default)]
    pub group_name: String,
    #[serde(default)]
    pub tag_name: String,
    /// `"1"` corp tag, `"2"` personal tag (a string in both the table and the sample; a
    /// number is accepted too).
    #[serde(rename = "type", default, deserialize_with = "lenient::string_or_null")]
    pub kind: String,
    /// Only for corp tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag_id: Option<String>,
}

pub const TAG_TYPE_CORP: &str = "1";
pub const TAG_TYPE_PERSONAL: &str = "2";

// ---------------------------------------------------------------------------------------
// POST /api/v1/customer/set_remark

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SetRemarkRequest {
    pub remark_list: Vec<RemarkItem>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemarkItem {
    pub user_id: String,
    pub union_id: String,
    /// At most 20 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remark: Option<String>,
    /// At most 150 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SetRemarkResponse {
    pub errcode: i64,
    #[serde(default)]
    pub errmsg: String,
    /// Only the items that failed; absent when all succeeded.
    #[serde(default, deserialize_with = "lenient::null_as_default", skip_serializing_if = "Vec::is_empty")]
    pub fail_list: Vec<RemarkFailure>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemarkFailure {
    #[serde(default)]
    pub user_id: String,
    #[serde(default)]
    pub union_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remark: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// WeCom's code for this item (or Juzibot's -1/-2), as a string or a number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errcode: Option<LooseCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errmsg: Option<String>,
}

// ---------------------------------------------------------------------------------------
// POST /api/v1/customer/add_follow

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AddFollowRequest {
    pub follow_list: Vec<FollowItem>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FollowItem {
    pub union_id: String,
    pub user_id: String,
    pub text: Vec<FollowText>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FollowText {
    pub content: String,
    /// Epoch **seconds** in the seed's sample (1602667647), unlike `createTimestamp` (ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AddFollowResponse {
    pub errcode: i64,
    #[serde(default)]
    pub errmsg: String,
    /// The items that failed, echoed; absent when all succeeded.
    #[serde(default, deserialize_with = "lenient::null_as_default", skip_serializing_if = "Vec::is_empty")]
    pub fail_list: Vec<FollowFailure>,
}

/// A failed add_follow item: the documents show only the echoed item; a per-item code and
/// message are accepted in case the hub sends them as it does for set_remark.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FollowFailure {
    #[serde(default)]
    pub union_id: String,
    #[serde(default)]
    pub user_id: String,
    #[serde(default, deserialize_with = "lenient::null_as_default")]
    pub text: Vec<FollowText>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errcode: Option<LooseCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errmsg: Option<String>,
}

// ---------------------------------------------------------------------------------------
// GET /api/v1/tag/list (docs.juzibot.com/tag; not in the seeds)

/// Query of `GET /api/v1/tag/list`. `isSync` forces a WeCom re-sync (the docs ask not to do
/// that often); its value type is undocumented, `true` is sent.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TagListQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_sync: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TagListResponse {
    pub errcode: i64,
    #[serde(default)]
    pub errmsg: String,
    #[serde(default, deserialize_with = "lenient::null_as_default")]
    pub data: Vec<TagGroup>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TagGroup {
    #[serde(default, deserialize_with = "lenient::string_or_null")]
    pub id: String,
    #[serde(default)]
    pub name: String,
    /// Epoch milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_timestamp: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<i64>,
    #[serde(default, deserialize_with = "lenient::null_as_default")]
    pub tags: Vec<TagDef>,
}

/// A tag inside a group. The documents list the group's fields only; the tags are assumed to
/// carry the same `{id, name, createTimestamp, order}` (as WeCom's corp tag list does).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TagDef {
    #[serde(default, deserialize_with = "lenient::string_or_null")]
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_timestamp: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_type_accepts_string_and_number() {
        let t: CustomerTag = serde_json::from_str(r#"{"groupName":"g","tagName":"t","type":"1","tagId":"et1"}"#).unwrap();
        assert_eq!(t.kind, TAG_TYPE_CORP);
        let t: CustomerTag = serde_json::from_str(r#"{"groupName":"g","tagName":"t","type":2}"#).unwrap();
        assert_eq!(t.kind, TAG_TYPE_PERSONAL);
        assert_eq!(t.tag_id, None);
    }

    #[test]
    fn fail_list_errcode_accepts_string_number_and_empty() {
        let f: RemarkFailure = serde_json::from_str(r#"{"userId":"u","unionId":"x","errcode":"40096","errmsg":"bad"}"#).unwrap();
        assert_eq!(f.errcode.as_ref().and_then(LooseCode::as_i64), Some(40096));
        let f: RemarkFailure = serde_json::from_str(r#"{"userId":"u","unionId":"x","errcode":-1,"errmsg":"too long"}"#).unwrap();
        assert_eq!(f.errcode.as_ref().and_then(LooseCode::as_i64), Some(-1));
        let f: RemarkFailure = serde_json::from_str(r#"{"userId":"u","unionId":"x","errcode":"","errmsg":""}"#).unwrap();
        assert_eq!(f.errcode.as_ref().and_then(LooseCode::as_i64), None);
        assert_eq!(f.errcode.map(|c| c.text()), Some(String::new()));
    }

    #[test]
    fn missing_and_null_lists_default() {
        let r: SetRemarkResponse = serde_json::from_str(r#"{"errcode":0,"errmsg":"ok"}"#).unwrap();
        assert!(r.fail_list.is_empty());
        let r: AddFollowResponse = serde_json::from_str(r#"{"errcode":0,"errmsg":"ok","fail_list":null}"#).unwrap();
        assert!(r.fail_list.is_empty());
        let c: Customer = serde_json::from_str(r#"{"externalUserId":"wm1","followUser":null}"#).unwrap();
        assert!(c.follow_user.is_empty());
        assert_eq!(c.union_id, None);
    }

    #[test]
    fn optional_request_fields_are_omitted() {
        let item = RemarkItem {
            user_id: "u".into(),
            union_id: "x".into(),
            remark: Some("张总".into()),
            description: None,
        };
        let json = serde_json::to_value(SetRemarkRequest { remark_list: vec![item] }).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"remark_list":[{"userId":"u","unionId":"x","remark":"张总"}]})
        );
        let q = serde_json::to_value(ListQuery {
            current: 1,
            page_size: 10,
            user_id: None,
        })
        .unwrap();
        assert_eq!(q, serde_json::json!({"current":1,"pageSize":10}));
    }

    #[test]
    fn follow_user_extras_from_docs_site() {
        let f: FollowUser = serde_json::from_str(r#"{"userId":"rocky","state":"expo","remarkMobiles":["13800000000"]}"#).unwrap();
        assert_eq!(f.state.as_deref(), Some("expo"));
        assert_eq!(f.remark_mobiles, Some(vec!["13800000000".to_string()]));
        assert_eq!(f.create_timestamp, None);
    }
}
