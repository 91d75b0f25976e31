//! What the simulated Tanma reads and knows, written from the vendor pages (seed 000
//! qw-details, 001 qw-list-by-customer, 002 clue/get; VENDORS.md §1 for the rest) and not
//! from SalesDesk's client: a wrong name in the client's wire types then fails against the
//! simulator instead of agreeing with itself.

use serde::Deserialize;

/// The API paths served below [`super::BASE_PATH`].
pub mod paths {
    pub const ECHO: &str = "/api/v3/echo";
    pub const QW_DETAILS: &str = "/api/v2/customer/qw-details";
    pub const QW_FOLLOW_LIST: &str = "/api/v2/customer/follow/qw-list-by-customer";
    pub const CLUE_GET: &str = "/api/v3/clue/get";
    pub const CLUE_LIST_ASC: &str = "/api/v3/clue/list-by-create-time-asc";
    pub const CLUE_FOLLOW_UPS: &str = "/api/v3/clue/list-follow-up";
    pub const TAGS_TREE: &str = "/api/v3/tags/list-tree";
    pub const PROFILE_FIELDS: &str = "/api/v3/profile-fields";
    pub const CUSTOMER_SEARCH: &str = "/api/v3/customer/search";
}

/// Business codes of the `{code, message, data}` envelope.
pub mod codes {
    pub const FAIL: i64 = -1;
    pub const INVALID_SIGN: i64 = 1002;
    pub const INVALID_TIMESTAMP: i64 = 1003;
}

/// Seed 000 request.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QwDetailsRequest {
    pub external_user_id: String,
    pub qw_user_id: String,
}

/// Seed 001 request.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QwFollowListRequest {
    pub external_user_id: String,
}

/// Seed 002 request.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClueGetRequest {
    pub customer_id: i64,
}

/// clue/list-by-create-time-asc: `since` inclusive, `before` exclusive, Beijing
/// `yyyy-MM-dd HH:mm:ss`; `type` filters when present.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClueListRequest {
    pub since: String,
    pub before: String,
    #[serde(default)]
    pub size: u32,
    #[serde(default)]
    pub cursor: Option<String>,
    #[serde(default, rename = "type")]
    pub kind: Option<i64>,
}

/// clue/list-follow-up.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FollowUpListRequest {
    pub customer_id: i64,
    #[serde(default)]
    pub size: u32,
    #[serde(default, rename = "type")]
    pub kind: Option<i64>,
    #[serde(default)]
    pub cursor: Option<String>,
}

/// customer/search 高级筛选(新版): `role` 1 owner, 2 collaborator.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerSearchRequest {
    #[serde(default)]
    pub customer_id: Option<i64>,
    #[serde(default)]
    pub search_key: Option<String>,
    #[serde(default)]
    pub role: Option<i64>,
    #[serde(default)]
    pub sales_id_list: Option<Vec<String>>,
    #[serde(default)]
    pub page_no: u32,
    #[serde(default)]
    pub page_size: u32,
}
