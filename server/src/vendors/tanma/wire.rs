//! Tanma's wire format: request and response bodies exactly as the vendor pages show them
//! (camelCase names, `string | null` as `Option`, integers as integers). The simulator writes
//! its replies from the pages on its own (`simulators/tanma`), so a wrong name here fails there.
//!
//! Sources: seed pages 000 (qw-details), 001 (qw-list-by-customer), 002 (clue/get) and the
//! official/client facts in VENDORS.md §1.4. Unknown fields are tolerated everywhere; shapes
//! the vendor does not document are marked `UNDOCUMENTED` below.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::vendors::lenient;

/// Every reply: `code == 0` is success; otherwise `message` says why (VENDORS.md §1.3).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Envelope<T> {
    pub code: i64,
    #[serde(default)]
    pub message: Option<String>,
    pub data: Option<T>,
}

/// Known business codes (VENDORS.md §1.3; the official code table was not retrievable).
pub mod codes {
    pub const SUCCESS: i64 = 0;
    pub const FAIL: i64 = -1;
    pub const INVALID_SIGN: i64 = 1002;
    pub const INVALID_TIMESTAMP: i64 = 1003;
    pub const INVALID_PARAMS: i64 = 40417;
}

// ---------------------------------------------------------------------------------------
// POST /api/v2/customer/qw-details (seed 000)

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QwDetailsRequest {
    pub external_user_id: String,
    pub qw_user_id: String,
}

/// One customer as one rep (`qwUserId`) sees it. `data` is a list of these.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QwCustomerDetail {
    pub qw_user_id: String,
    pub external_user_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub union_id: Option<String>,
    /// When the rep added the customer, Beijing time `yyyy-MM-dd HH:mm:ss`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qw_customer_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobiles: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wechat_nickname: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wechat_avatar: Option<String>,
    #[serde(default, deserialize_with = "lenient::null_as_default")]
    pub fields: Vec<QwField>,
}

/// A custom/detail field of a qw-details customer. `value` holds display text (option
/// labels already resolved, multiple phone numbers joined with `#`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QwField {
    pub id: i64,
    pub name: String,
    /// UNDOCUMENTED type: always `null` in the sample, so it is kept as raw JSON.
    #[serde(default)]
    pub outer_field: Option<Value>,
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stable: Option<bool>,
}

// ---------------------------------------------------------------------------------------
// POST /api/v2/customer/follow/qw-list-by-customer (seed 001, marked 将废弃)

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QwFollowListRequest {
    pub external_user_id: String,
}

/// `followType` 1 = a note a rep wrote, 2 = a system change log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QwFollowRecord {
    pub id: i64,
    #[serde(default)]
    pub qw_user_id: Option<String>,
    pub external_user_id: String,
    #[serde(default)]
    pub content: Option<String>,
    pub follow_type: i64,
    /// Beijing time `yyyy-MM-dd HH:mm:ss`.
    pub gmt_create_time: String,
}

pub const FOLLOW_TYPE_NOTE: i64 = 1;
pub const FOLLOW_TYPE_CHANGE: i64 = 2;

// ---------------------------------------------------------------------------------------
// POST /api/v3/clue/get (seed 002) and /api/v3/clue/list-by-create-time-asc

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClueGetRequest {
    pub customer_id: i64,
}

/// A clue (线索) or unassigned customer (待分配客户).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClueDetail {
    pub customer_id: i64,
    #[serde(default)]
    pub is_clue: Option<bool>,
    /// 类型: undocumented values; kept for display and filtering.
    #[serde(default, rename = "type")]
    pub kind: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub convert_customer_time: Option<String>,
    #[serde(default, deserialize_with = "lenient::null_as_default")]
    pub fields: Vec<ClueField>,
    /// Corp tag ids (Tanma tag `id` or WeCom `qwTagId`; which one is undocumented).
    #[serde(default, deserialize_with = "lenient::null_as_default")]
    pub tag_ids: Vec<String>,
    #[serde(default)]
    pub create_time: Option<String>,
    #[serde(default)]
    pub last_update_time: Option<String>,
    /// UNDOCUMENTED shape ("公司信息", an object): kept as raw JSON; see map.rs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_info: Option<serde_json::Map<String, Value>>,
}

/// A clue field: `type` 1 text, 2 option id, 3 date, 8 JSON list of mobiles.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClueField {
    /// The field alias, e.g. `customer_stage`.
    pub field: String,
    #[serde(rename = "type")]
    pub kind: i64,
    #[serde(default)]
    pub value_as_text: Option<String>,
}

pub const FIELD_TEXT: i64 = 1;
pub const FIELD_OPTION: i64 = 2;
pub const FIELD_DATE: i64 = 3;
pub const FIELD_MOBILES: i64 = 8;

/// `since` inclusive, `before` exclusive, as Beijing `yyyy-MM-dd HH:mm:ss` (the format the
/// sibling create-time endpoints document; this one's format is not stated).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClueListRequest {
    pub since: String,
    pub before: String,
    #[serde(default)]
    pub size: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// Undocumented values; omitted to list every type.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClueListData {
    #[serde(default, deserialize_with = "lenient::null_as_default")]
    pub list: Vec<ClueDetail>,
    /// `null` (or absent, or empty) when there are no more items. Its JSON type is not
    /// documented, so numbers are accepted too.
    #[serde(default, deserialize_with = "lenient::opt_nonempty_string")]
    pub next_cursor: Option<String>,
}

// ---------------------------------------------------------------------------------------
// POST /api/v3/clue/list-follow-up

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FollowUpListRequest {
    pub customer_id: i64,
    #[serde(default)]
    pub size: u32,
    /// Undocumented values; omitted to list every type.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FollowUpListData {
    #[serde(default, deserialize_with = "lenient::null_as_default")]
    pub list: Vec<FollowUpItem>,
    #[serde(default, deserialize_with = "lenient::opt_nonempty_string")]
    pub next_cursor: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FollowUpItem {
    #[serde(deserialize_with = "lenient::string_or_number", serialize_with = "lenient::ser_numeric_id")]
    pub id: String,
    /// Assumed to follow `followType` (1 = rep note, 2 = system change); not documented.
    #[serde(rename = "type")]
    pub kind: i64,
    #[serde(default)]
    pub content: Option<String>,
    /// Beijing time `yyyy-MM-dd HH:mm:ss`.
    pub create_time: String,
    #[serde(default)]
    pub operator: Option<FollowUpOperator>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FollowUpOperator {
    #[serde(default)]
    pub qw_user_id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

// ---------------------------------------------------------------------------------------
// POST /api/v3/tags/list-tree (no body)

/// A corp tag group and its tags. `qwTagId` is the WeCom corp tag id (`et…`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TagGroup {
    #[serde(deserialize_with = "lenient::string_or_number", serialize_with = "lenient::ser_numeric_id")]
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub qw_tag_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::null_as_default")]
    pub tags: Vec<TagItem>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TagItem {
    #[serde(deserialize_with = "lenient::string_or_number", serialize_with = "lenient::ser_numeric_id")]
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub qw_tag_id: Option<String>,
}

// ---------------------------------------------------------------------------------------
// POST /api/v3/profile-fields (no body)
//
// UNDOCUMENTED shape. Public clients read only `data[].id`. SalesDesk needs the field's
// alias (clue fields are keyed by alias), its label, and its options so option ids in clue
// fields resolve to labels; this is the shape we designed for that, and the simulator
// serves it. Option labels are accepted under `name` or `label`.

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileField {
    #[serde(deserialize_with = "lenient::string_or_number", serialize_with = "lenient::ser_numeric_id")]
    pub id: String,
    #[serde(default)]
    pub alias: Option<String>,
    pub name: String,
    /// Same codes as clue field `type` (1 text, 2 option, 3 date, 8 mobiles).
    #[serde(default, rename = "type")]
    pub kind: Option<i64>,
    #[serde(default, deserialize_with = "lenient::null_as_default")]
    pub options: Vec<FieldOption>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldOption {
    /// Option ids are long numbers written as strings (clue `valueAsText` holds them).
    #[serde(deserialize_with = "lenient::string_or_number")]
    pub id: String,
    #[serde(alias = "label")]
    pub name: String,
}

// ---------------------------------------------------------------------------------------
// POST /api/v3/customer/search 高级筛选(新版) (official, VENDORS.md §1.4)

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerSearchRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search_key: Option<String>,
    /// 1 = owner (负责人), 2 = collaborator (协作人); omitted for both.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<i64>,
    /// Reps whose customers to list. SalesDesk passes WeCom user ids (`qwUserId`); whether
    /// Tanma expects those or its own sales ids is not documented.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sales_id_list: Option<Vec<String>>,
    #[serde(default)]
    pub page_no: u32,
    #[serde(default)]
    pub page_size: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerSearchData {
    #[serde(default, deserialize_with = "lenient::null_as_default")]
    pub data: Vec<SearchRow>,
    #[serde(default)]
    pub total_page: Option<u32>,
}

/// One customer relation in a search result. Field list from VENDORS.md and the ETL
/// script; element types of `tags`, `contentTags`, `shareFollows`, `groupList` are not
/// documented, so they stay raw JSON. Custom-field values come as extra keys named by the
/// field id (e.g. `"91639": "高"`) and land in `custom`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchRow {
    /// Tanma's own customer id (accepted by `customerId` filters; not in the field list).
    #[serde(
        default,
        deserialize_with = "lenient::opt_nonempty_string",
        serialize_with = "lenient::ser_opt_numeric_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub customer_id: Option<String>,
    #[serde(default)]
    pub wechat_nickname: Option<String>,
    #[serde(default)]
    pub qw_remark: Option<String>,
    #[serde(default)]
    pub external_user_id: Option<String>,
    #[serde(default)]
    pub union_id: Option<String>,
    /// The rep (WeCom user id) on this relation.
    #[serde(default)]
    pub qw_sales_id: Option<String>,
    /// A boolean in the ETL script's reading; 0/1 accepted too.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub is_friend: Option<bool>,
    /// 1 = the customer deleted the rep, 2 = the rep deleted the customer.
    #[serde(default)]
    pub delete_status: Option<i64>,
    #[serde(default)]
    pub tags: Option<Vec<Value>>,
    #[serde(default)]
    pub content_tags: Option<Vec<Value>>,
    #[serde(default)]
    pub create_time: Option<String>,
    #[serde(default)]
    pub main_follows: Option<Vec<SearchFollow>>,
    #[serde(default)]
    pub share_follows: Option<Vec<Value>>,
    #[serde(default)]
    pub qw_last_follow_time: Option<String>,
    /// The WeCom add channel (`state`).
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub contact_list: Option<Vec<SearchContact>>,
    #[serde(default)]
    pub group_list: Option<Vec<Value>>,
    #[serde(default)]
    pub sales_stage_name: Option<String>,
    #[serde(flatten)]
    pub custom: BTreeMap<String, Value>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchFollow {
    #[serde(default)]
    pub sales_name: Option<String>,
    /// A list of names or one string; not documented.
    #[serde(default)]
    pub follow_dept_names: Option<Value>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchContact {
    #[serde(default)]
    pub qw_customer_time: Option<String>,
}

// ---------------------------------------------------------------------------------------
// POST /api/v3/echo (对接测试): UNDOCUMENTED body. SalesDesk sends this small object; the
// reply's `data` is not interpreted, only its envelope.

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EchoRequest {
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    // Seed pages 000-002, verbatim (server/tests/fixtures/tanma_*.json).
    const QW_DETAILS_REQUEST: &str = include_str!("../../../tests/fixtures/tanma_qw_details_request.json");
    const QW_DETAILS_RESPONSE: &str = include_str!("../../../tests/fixtures/tanma_qw_details_response.json");
    const FOLLOW_REQUEST: &str = include_str!("../../../tests/fixtures/tanma_qw_follow_list_request.json");
    const FOLLOW_RESPONSE: &str = include_str!("../../../tests/fixtures/tanma_qw_follow_list_response.json");
    const CLUE_REQUEST: &str = include_str!("../../../tests/fixtures/tanma_clue_get_request.json");
    const CLUE_RESPONSE: &str = include_str!("../../../tests/fixtures/tanma_clue_get_response.json");

    #[test]
    fn seed_000_qw_details_parses() {
        let req: QwDetailsRequest = serde_json::from_str(QW_DETAILS_REQUEST).unwrap();
        assert_eq!(req.external_user_id, "wmvRo3DwAAjRcO70jPyfVZa3B6uXc9Ng");
        assert_eq!(req.qw_user_id, "ZhuShanPeng");
        let e: Envelope<Vec<QwCustomerDetail>> = serde_json::from_str(QW_DETAILS_RESPONSE).unwrap();
        assert_eq!((e.code, e.message.as_deref()), (0, Some("success")));
        let data = e.data.unwrap();
        assert_eq!(data.len(), 1);
        let d = &data[0];
        assert_eq!(d.qw_user_id, "LiuFuLai");
        assert_eq!(d.external_user_id, "wmPBvlDQAAAtqjxUNvuEL5CRio1NWNXA");
        assert_eq!(
            d.mobiles.as_deref(),
            Some(&["158xxxxxxxx".to_string(), "123xxxxxxxx".to_string()][..])
        );
        assert_eq!(d.wechat_nickname.as_deref(), Some("Dxxxx"));
        assert!(
            d.wechat_avatar
                .as_deref()
                .unwrap()
                .starts_with("http://wx.qlogo.cn/mmhead/Q3auHgzw")
        );
        assert_eq!((d.union_id.as_deref(), d.qw_customer_time.as_deref()), (None, None));
        let ids: Vec<i64> = d.fields.iter().map(|f| f.id).collect();
        assert_eq!(ids, [680, 681, 682, 684, 685, 686, 683, 687]);
        assert_eq!(d.fields[0].value.as_deref(), Some("158xxxxxxxx#123xxxxxxxx"));
        assert_eq!(d.fields[3].name, "销售阶段");
        assert_eq!(d.fields[3].value.as_deref(), Some("需求确定11"));
        assert_eq!(d.fields[7].name, "性别 ");
        assert!(d.fields.iter().all(|f| f.outer_field.is_none() && f.stable == Some(true)));
        // Re-serialising gives the sample back (absent optionals stay absent).
        let again: Value = serde_json::to_value(&data).unwrap();
        let original: Value = serde_json::from_str::<Value>(QW_DETAILS_RESPONSE).unwrap()["data"].clone();
        assert_eq!(again, original);
    }

    #[test]
    fn seed_001_follow_list_parses() {
        let req: QwFollowListRequest = serde_json::from_str(FOLLOW_REQUEST).unwrap();
        assert_eq!(req.external_user_id, "wmCBS_DwAA3ANwxWOMX4L_vpyryu7TLg");
        let e: Envelope<Vec<QwFollowRecord>> = serde_json::from_str(FOLLOW_RESPONSE).unwrap();
        let data = e.data.unwrap();
        assert_eq!(data.len(), 22);
        assert_eq!(data[0].id, 2263);
        assert_eq!(data[0].content.as_deref(), Some("将姓名:刘工🐶 改为: 刘工"));
        assert_eq!(data[0].follow_type, FOLLOW_TYPE_CHANGE);
        assert_eq!(data[0].gmt_create_time, "2020-11-30 15:18:13");
        let last = &data[21];
        assert_eq!(
            (last.id, last.follow_type, last.content.as_deref()),
            (2322, FOLLOW_TYPE_NOTE, Some("qq"))
        );
        assert!(data.iter().all(|r| r.qw_user_id.as_deref() == Some("LiuFuLai")));
        let again: Value = serde_json::to_value(&data).unwrap();
        assert_eq!(again, serde_json::from_str::<Value>(FOLLOW_RESPONSE).unwrap()["data"]);
    }

    #[test]
    fn seed_002_clue_get_parses() {
        let req: ClueGetRequest = serde_json::from_str(CLUE_REQUEST).unwrap();
        assert_eq!(req.customer_id, 8);
        let e: Envelope<ClueDetail> = serde_json::from_str(CLUE_RESPONSE).unwrap();
        assert_eq!(e.message.as_deref(), Some("ok"));
        let d = e.data.unwrap();
        assert_eq!(d.customer_id, 410983932389440);
        assert_eq!((d.is_clue, d.kind), (Some(false), Some(1)));
        assert_eq!(d.fields.len(), 10);
        assert_eq!(
            (d.fields[0].field.as_str(), d.fields[0].kind, d.fields[0].value_as_text.as_deref()),
            ("customer_source", 2, None)
        );
        assert_eq!(d.fields[2].value_as_text.as_deref(), Some("[\"145678388\"]"));
        assert_eq!(d.fields[9].value_as_text.as_deref(), Some("396823724189760"));
        assert!(d.tag_ids.is_empty());
        assert_eq!(d.create_time.as_deref(), Some("2021-05-11 15:15:48"));
        assert_eq!(d.last_update_time.as_deref(), Some("2021-05-11 15:15:48"));
        assert_eq!((d.convert_customer_time.as_deref(), d.company_info.as_ref()), (None, None));
        let again: Value = serde_json::to_value(&d).unwrap();
        assert_eq!(again, serde_json::from_str::<Value>(CLUE_RESPONSE).unwrap()["data"]);
    }

    #[test]
    fn envelope_without_data_decodes() {
        let e: Envelope<Vec<QwFollowRecord>> = serde_json::from_str(r#"{"code":1002,"message":"签名校验未通过"}"#).unwrap();
        assert_eq!(e.code, 1002);
        assert_eq!(e.data, None);
        let e: Envelope<Vec<QwFollowRecord>> = serde_json::from_str(r#"{"code":-1,"message":"x","data":null}"#).unwrap();
        assert_eq!(e.data, None);
    }

    #[test]
    fn ids_and_cursors_accept_numbers_or_strings() {
        let d: ClueListData = serde_json::from_str(r#"{"list":[],"nextCursor":12345}"#).unwrap();
        assert_eq!(d.next_cursor.as_deref(), Some("12345"));
        let d: ClueListData = serde_json::from_str(r#"{"list":null,"nextCursor":""}"#).unwrap();
        assert_eq!(d.next_cursor, None);
        assert!(d.list.is_empty());
        let g: TagGroup =
            serde_json::from_str(r#"{"id":7,"name":"行业","qwTagId":null,"tags":[{"id":"71","name":"教育","qwTagId":"etAbc"}]}"#).unwrap();
        assert_eq!(g.id, "7");
        assert_eq!(g.tags[0].id, "71");
        assert_eq!(g.tags[0].qw_tag_id.as_deref(), Some("etAbc"));
        // Numeric ids go back out as numbers, others as strings.
        let out = serde_json::to_value(&g).unwrap();
        assert_eq!(out["id"], serde_json::json!(7));
        assert_eq!(out["tags"][0]["id"], serde_json::json!(71));
        let item = TagItem {
            id: "x7".into(),
            name: "n".into(),
            qw_tag_id: None,
        };
        assert_eq!(serde_json::to_value(&item).unwrap()["id"], serde_json::json!("x7"));
    }

    #[test]
    fn search_row_keeps_custom_fields_keyed_by_id() {
        let row: SearchRow = serde_json::from_str(
            r#"{"customerId":88,"externalUserId":"wm1","qwSalesId":"LiuFuLai","isFriend":true,"deleteStatus":0,
                "mainFollows":[{"salesName":"刘福来","followDeptNames":["销售一部"]}],
                "contactList":[{"qwCustomerTime":"2020-11-30 15:00:00"}],"91639":"高","unknownKey":null}"#,
        )
        .unwrap();
        assert_eq!(row.customer_id.as_deref(), Some("88"));
        assert_eq!(row.qw_sales_id.as_deref(), Some("LiuFuLai"));
        assert_eq!(row.custom.get("91639"), Some(&Value::String("高".into())));
        assert!(row.custom.contains_key("unknownKey"));
        assert!(!row.custom.contains_key("externalUserId"));
    }

    #[test]
    fn requests_serialise_compactly_with_documented_names() {
        let body = serde_json::to_string(&ClueListRequest {
            since: "2024-01-01 00:00:00".into(),
            before: "2024-01-02 00:00:00".into(),
            size: 100,
            cursor: None,
            kind: None,
        })
        .unwrap();
        assert_eq!(body, r#"{"since":"2024-01-01 00:00:00","before":"2024-01-02 00:00:00","size":100}"#);
        let body = serde_json::to_string(&CustomerSearchRequest {
            sales_id_list: Some(vec!["LiuFuLai".into()]),
            page_no: 2,
            page_size: 20,
            ..Default::default()
        })
        .unwrap();
        assert_eq!(body, r#"{"salesIdList":["LiuFuLai"],"pageNo":2,"pageSize":20}"#);
        let body = serde_json::to_string(&QwDetailsRequest {
            external_user_id: "wm1".into(),
            qw_user_id: "大刘".into(),
        })
        .unwrap();
        assert_eq!(body, r#"{"externalUserId":"wm1","qwUserId":"大刘"}"#);
    }
}
