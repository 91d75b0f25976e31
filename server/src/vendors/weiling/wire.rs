//! Weiling's JSON exactly as its pages show it: snake_case names, `{code, msg, data}`
//! envelopes, epoch-millisecond times. Every field is optional or defaulted on decode (the
//! vendor omits or nulls fields freely) and unknown fields are ignored; where the pages
//! contradict themselves about a field's JSON type, `lenient` accepts both.
//!
//! The simulator has its own types (`simulators/weiling/wire.rs`), written from the same
//! pages: a field these read wrongly fails against it.

use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use crate::vendors::lenient;

/// The envelope's status half, read before `data` so an error reply never has to match the
/// success shape.
#[derive(Clone, Debug, Deserialize)]
pub struct EnvelopeHead {
    #[serde(deserialize_with = "lenient::i64_any")]
    pub code: i64,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub msg: Option<String>,
}

/// The envelope's payload half (decoded only when `code == 0`).
#[derive(Clone, Debug, Deserialize)]
pub struct EnvelopeData<T> {
    #[serde(default = "none")]
    pub data: Option<T>,
}

fn none<T>() -> Option<T> {
    None
}

// ---------------------------------------------------------------------------------------
// 1.1 GET /auth/access_token/get?app_id=&app_secret=

/// `data` of the token reply. No `Debug`: it holds the token. `expires_in` (seconds) is not
/// on any page we reached; it is read when present.
#[derive(Deserialize)]
pub struct TokenData {
    pub access_token: SecretString,
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub expires_in: Option<i64>,
}

// ---------------------------------------------------------------------------------------
// 3.1 GET /customer/list?userid=|remark_mobile=[&cursor=]

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CustomerIdList {
    #[serde(default, deserialize_with = "lenient::null_as_default")]
    pub data_list: Vec<String>,
    /// Not on the 3.1 page (it shows only `data_list`); read when present, as every other
    /// Weiling list pages with `cursor`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub cursor: Option<String>,
}

// ---------------------------------------------------------------------------------------
// 3.6 POST /customer/batch  (seed 003) and 3.4 GET /customer/get_by_external_userid

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CustomerBatchRequest {
    pub customer_ids: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CustomerBatchData {
    #[serde(default, deserialize_with = "lenient::null_as_default")]
    pub customer_list: Vec<Customer>,
}

/// One WeCom-friend customer: the 19 fields of seed 003 (3.4 returns the same object).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Customer {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub customer_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub external_userid: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub avatar: Option<String>,
    /// 1 = WeChat user, 2 = WeCom user.
    #[serde(rename = "type", default, deserialize_with = "lenient::opt_i64")]
    pub kind: Option<i64>,
    /// 0 unknown, 1 male, 2 female.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub gender: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub position: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub corp_name: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub corp_full_name: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub customer_stage: Option<String>,
    #[serde(default, deserialize_with = "lenient::null_as_default")]
    pub remark_mobiles: Vec<String>,
    /// Boolean in 3.6, `0` in the 3.4 example.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub lost_state: Option<bool>,
    /// 3.4's schema spells it `union_id`, its example and 3.6 `unionid`.
    #[serde(default, alias = "union_id", deserialize_with = "lenient::opt_string")]
    pub unionid: Option<String>,
    #[serde(default, deserialize_with = "lenient::null_as_default")]
    pub follow_users: Vec<FollowUser>,
    #[serde(default, deserialize_with = "lenient::null_as_default")]
    pub company_list: Vec<CompanyRef>,
    #[serde(default, deserialize_with = "lenient::null_as_default")]
    pub business_list: Vec<BusinessRef>,
    #[serde(default, deserialize_with = "lenient::null_as_default")]
    pub clue_list: Vec<ClueRef>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub latest_progress_id: Option<String>,
    /// Epoch ms.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub first_progress_time: Option<i64>,
}

/// A rep who added the customer, with that rep's remark, tags and how the friend was added.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FollowUser {
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub add_way: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub remark_corp_name: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub position: Option<String>,
    #[serde(default, deserialize_with = "lenient::null_as_default")]
    pub tags: Vec<Tag>,
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub lost_state: Option<bool>,
    /// Epoch ms (the 3.4 example: 1629098403000).
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub create_time: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub userid: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub remark: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "lenient::null_as_default")]
    pub remark_mobiles: Vec<String>,
    #[serde(default)]
    pub add_source: Option<AddSource>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub qq: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub email: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub wx_id: Option<String>,
    /// Typed `string` on the page; custom values keyed by `api_name`, JSON-encoded. Kept as
    /// raw JSON so an object (should the vendor send one unencoded) also decodes.
    #[serde(default)]
    pub customer_custom_field: Option<serde_json::Value>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Tag {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub group_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub group_name: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub tag_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub tag_name: Option<String>,
    /// Typed `string`; values are not documented (WeCom uses 1 = corp, 2 = personal).
    #[serde(rename = "type", default, deserialize_with = "lenient::opt_string")]
    pub kind: Option<String>,
}

/// Where the friend came from, e.g. `{type: 1, id: …, name: "官网智能码"}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AddSource {
    /// A string in seed 003's schema, a number in the 3.4 example.
    #[serde(rename = "type", default, deserialize_with = "lenient::opt_string")]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub name: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CompanyRef {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub company_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub company_name: Option<String>,
}

/// An opportunity (商机).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BusinessRef {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub business_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub business_name: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ClueRef {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub clue_id: Option<String>,
}

// ---------------------------------------------------------------------------------------
// 3.3 POST /customer/edit

/// Fields left `None` are not sent, so the vendor leaves them as they are.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CustomerEditRequest {
    pub user_id: String,
    pub customer_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remark: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remark_mobiles: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

// ---------------------------------------------------------------------------------------
// 8.2 新版 GET /v2/progress/list?id=&type=&cursor=

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ProgressListData {
    #[serde(default, deserialize_with = "lenient::null_as_default")]
    pub progress_list: Vec<Progress>,
    /// Empty or absent on the last page. (The legacy page misspells it `cusor`.)
    #[serde(default, alias = "cusor", deserialize_with = "lenient::opt_string")]
    pub cursor: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub progress_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub create_user_id: Option<String>,
    /// HTML.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub content: Option<String>,
    /// Image URL(s); 8.4 says several are comma-separated.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub image_file: Option<String>,
    /// Epoch ms.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub create_time: Option<i64>,
    #[serde(default, deserialize_with = "lenient::null_as_default")]
    pub attachment_file: Vec<Attachment>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Attachment {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub name: Option<String>,
    #[serde(rename = "type", default, deserialize_with = "lenient::opt_string")]
    pub kind: Option<String>,
    /// A number in the list example, a string in the create example.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub size: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub url: Option<String>,
}

// ---------------------------------------------------------------------------------------
// 8.2 新版 POST /v2/progress/create

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ProgressCreateRequest {
    pub id: String,
    /// 0 contact, 3 company, 4 visitor, 6 group, 7 opportunity.
    #[serde(rename = "type")]
    pub kind: i64,
    pub progress_list: Vec<NewProgress>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NewProgress {
    /// Numbers items so `fail_list`/`success_list` can refer back to them.
    pub index: i64,
    /// ≤ 1000 characters.
    pub content: String,
    /// 13-digit epoch ms.
    pub create_time: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_user_id: Option<String>,
    /// ≤ 9 image URLs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub image_file_list: Vec<String>,
    /// ≤ 3 attachments.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachment_file_list: Vec<Attachment>,
}

/// Partial success is normal: each item lands in exactly one list.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ProgressCreateData {
    /// The legacy 8.1 schema names these `failList`/`successList` (its example does not).
    #[serde(default, alias = "failList", deserialize_with = "lenient::null_as_default")]
    pub fail_list: Vec<ProgressFailure>,
    #[serde(default, alias = "successList", deserialize_with = "lenient::null_as_default")]
    pub success_list: Vec<ProgressSuccess>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ProgressFailure {
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub index: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub error_code: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub error_msg: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ProgressSuccess {
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub index: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub progress_id: Option<String>,
}

// ---------------------------------------------------------------------------------------
// 16.1 新版 GET /v2/custom/detail?api_key=contact|business|company|dialogue_room

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CustomDetailData {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub api_key: Option<String>,
    #[serde(default, deserialize_with = "lenient::null_as_default")]
    pub fields: Vec<FieldDescription>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FieldDescription {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub api_name: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub view_name: Option<String>,
    /// Typed `string` on the page; a public client reads it as a number.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub property_type: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub required: Option<bool>,
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub enabled: Option<bool>,
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub property_source: Option<i64>,
    #[serde(default, deserialize_with = "lenient::null_as_default")]
    pub options: Vec<FieldOption>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub min_length: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub max_length: Option<String>,
}

/// Note the inversion: `label` is the stored key, `value` the text shown to people.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FieldOption {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub label: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub value: Option<String>,
}

// ---------------------------------------------------------------------------------------
// 4.2 GET /clue/list?cursor=&start=&owner_id=&mobile=  and  4.3 POST /clue/batch

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ClueListData {
    #[serde(default, deserialize_with = "lenient::null_as_default")]
    pub clue_list: Vec<Clue>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub cursor: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ClueBatchRequest {
    pub clue_ids: Vec<String>,
}

/// A phone-number clue (手机号线索). The pages list 43–44 fields; these are the ones a sales
/// rep reads. Unlisted fields are ignored.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Clue {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub clue_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub user_name: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub mobile: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub clue_source: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub from_channel_name: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub level: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub corp_name: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub corp_address: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub register_address: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub legal_person: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub keyword: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub searchword: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub region: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub plan_name: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub group_name: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub status: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub sea_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub is_repeat: Option<bool>,
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub is_useless: Option<bool>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub create_user_id: Option<String>,
    /// Set once the clue became a WeCom friend customer.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub customer_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub owner_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub url: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub gender: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub position: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub population_size: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub industry: Option<String>,
    /// Epoch ms, sent as a string (`"1631618303000"`).
    #[serde(default, deserialize_with = "lenient::opt_i64", serialize_with = "lenient::ser_opt_i64_as_string")]
    pub create_time: Option<i64>,
    #[serde(default)]
    pub add_source: Option<AddSource>,
    #[serde(default, deserialize_with = "lenient::null_as_default")]
    pub company_list: Vec<CompanyRef>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_head_reads_string_code() {
        let h: EnvelopeHead = serde_json::from_str(r#"{"msg":"success","code":"0","data":{}}"#).unwrap();
        assert_eq!(h.code, 0);
        let h: EnvelopeHead = serde_json::from_str(r#"{"code":1009,"msg":"接口调用超过频率限制"}"#).unwrap();
        assert_eq!(h.code, 1009);
        assert_eq!(h.msg.as_deref(), Some("接口调用超过频率限制"));
    }

    /// The 3.4 shape differs from 3.6 in JSON types (lost_state 0, add_source.type 1).
    #[test]
    fn customer_tolerates_get_by_external_userid_types() {
        let c: Customer = serde_json::from_str(
            r#"{"customer_id":"c1","external_userid":"wm1","type":1,"gender":2,"lost_state":0,
                "union_id":"u1","remark_mobiles":null,
                "follow_users":[{"userid":"rep","add_way":1,"lost_state":1,
                  "add_source":{"type":1,"id":"s","name":"官网智能码"},"create_time":1629098403000,
                  "future_field":{"x":1}}]}"#,
        )
        .unwrap();
        assert_eq!(c.lost_state, Some(false));
        assert_eq!(c.unionid.as_deref(), Some("u1"));
        assert!(c.remark_mobiles.is_empty());
        let f = &c.follow_users[0];
        assert_eq!(f.lost_state, Some(true));
        assert_eq!(f.add_source.as_ref().and_then(|s| s.kind.as_deref()), Some("1"));
        assert_eq!(f.create_time, Some(1_629_098_403_000));
    }

    #[test]
    fn clue_create_time_is_a_string_of_ms() {
        let c: Clue = serde_json::from_str(r#"{"clue_id":"k","create_time":"1631618303000","is_repeat":false,"status":1}"#).unwrap();
        assert_eq!(c.create_time, Some(1_631_618_303_000));
        assert_eq!(c.is_repeat, Some(false));
    }

    #[test]
    fn progress_create_reply_both_spellings() {
        let d: ProgressCreateData = serde_json::from_str(
            r#"{"failList":[{"index":0,"error_code":1001,"error_msg":"userId不正确"}],"successList":[{"index":1,"progress_id":"p"}]}"#,
        )
        .unwrap();
        assert_eq!(d.fail_list[0].error_msg.as_deref(), Some("userId不正确"));
        assert_eq!(d.success_list[0].progress_id.as_deref(), Some("p"));
    }

    #[test]
    fn new_progress_omits_empty_lists() {
        let p = NewProgress {
            index: 0,
            content: "x".into(),
            create_time: 1,
            create_user_id: None,
            ..Default::default()
        };
        let v = serde_json::to_value(&p).unwrap();
        assert_eq!(v, serde_json::json!({"index":0,"content":"x","create_time":1}));
    }
}
