//! What the simulated Weiling reads and knows, written from the vendor material (seed 003
//! `customer/batch`; VENDORS.md §2 for the token exchange, the global code table, limits
//! and the other endpoints; §4 for the WeCom limits Weiling forwards) and not from
//! SalesDesk's client: a wrong name, code or limit in the client then fails against the
//! simulator instead of agreeing with itself.

use serde::Deserialize;
use serde_json::{Value, json};

/// The API paths served below [`super::BASE_PATH`] (VENDORS.md §2.2, §2.6; seed 003).
pub mod paths {
    /// 1. 获取访问凭据: `GET ?app_id=&app_secret=`.
    pub const TOKEN: &str = "/auth/access_token/get";
    /// 3.1 `GET ?userid=|remark_mobile=`.
    pub const CUSTOMER_LIST: &str = "/customer/list";
    /// 3.6, seed 003: `POST {customer_ids}`.
    pub const CUSTOMER_BATCH: &str = "/customer/batch";
    /// 3.4 `GET ?external_userid=`.
    pub const CUSTOMER_BY_EXTERNAL_USERID: &str = "/customer/get_by_external_userid";
    /// 3.3 `POST {user_id, customer_id, remark, remark_mobiles, description}`.
    pub const CUSTOMER_EDIT: &str = "/customer/edit";
    /// 8.2 新版 `GET ?id=&type=&cursor=`.
    pub const PROGRESS_LIST: &str = "/v2/progress/list";
    /// 8.2 新版 `POST {id, type, progress_list}`.
    pub const PROGRESS_CREATE: &str = "/v2/progress/create";
    /// 16.1 新版 `GET ?api_key=`.
    pub const CUSTOM_DETAIL: &str = "/v2/custom/detail";
    /// 4.2 `GET ?cursor=&start=&owner_id=&mobile=`.
    pub const CLUE_LIST: &str = "/clue/list";
    /// 4.3 `POST {clue_ids}`.
    pub const CLUE_BATCH: &str = "/clue/batch";
}

/// Business codes of the `{code, msg, data}` envelope: the official global table
/// (VENDORS.md §2.3) and the codes the public Java client adds (501, 1013).
pub mod codes {
    pub const OK: i64 = 0;
    /// 501: invalid app_id/app_secret (Java client enum).
    pub const BAD_APP_CREDENTIALS: i64 = 501;
    pub const MISSING_PARAMETER: i64 = 1000;
    pub const ILLEGAL_PARAMETER: i64 = 1001;
    /// 数据不存在; also what the simulator answers a path Weiling does not offer.
    pub const DATA_NOT_FOUND: i64 = 1003;
    /// 数据加载完毕: asked past the end of a list.
    pub const END_OF_LIST: i64 = 1006;
    /// 非法访问. No page shows what a wrong or expired access_token gets; the table has no
    /// token code, and illegal access is the closest.
    pub const ILLEGAL_ACCESS: i64 = 1007;
    pub const METHOD_NOT_SUPPORTED: i64 = 1010;
    pub const BODY_UNPARSEABLE: i64 = 1011;
    pub const OVER_LIMIT: i64 = 1012;
    /// 参数格式或值错误 (Java client enum), e.g. a `start` that is not a 13-digit timestamp.
    pub const BAD_FORMAT: i64 = 1013;
    pub const CUSTOMER_NOT_FOUND: i64 = 3000;
}

/// Limits the documents state.
pub mod limits {
    /// Batch endpoints take ≤ 100 ids; v2/progress/create ≤ 100 items (VENDORS.md §2.5, §2.6).
    pub const MAX_BATCH: usize = 100;
    /// v2/progress/create: content ≤ 1000 characters, ≤ 9 images, ≤ 3 attachments.
    pub const MAX_PROGRESS_CHARS: usize = 1000;
    pub const MAX_IMAGES: usize = 9;
    pub const MAX_ATTACHMENTS: usize = 3;
    /// customer/edit forwards remark and description to WeCom, whose limits are 20 and 150
    /// characters (VENDORS.md §4).
    pub const MAX_REMARK_CHARS: usize = 20;
    pub const MAX_DESCRIPTION_CHARS: usize = 150;
    /// v2 progress object types: 0 contact, 3 company, 4 visitor, 6 group, 7 opportunity.
    pub const PROGRESS_TYPES: [i64; 5] = [0, 3, 4, 6, 7];
    /// The contact (联系人) object type, the only one the simulator holds records for.
    pub const PROGRESS_TYPE_CONTACT: i64 = 0;
}

/// 3.6 request (seed 003).
#[derive(Debug, Deserialize)]
pub struct CustomerBatchRequest {
    pub customer_ids: Vec<String>,
}

/// 3.3 request: fields left out are left as they are.
#[derive(Debug, Deserialize)]
pub struct CustomerEditRequest {
    pub user_id: String,
    pub customer_id: String,
    #[serde(default)]
    pub remark: Option<String>,
    #[serde(default)]
    pub remark_mobiles: Option<Vec<String>>,
    #[serde(default)]
    pub description: Option<String>,
}

/// 8.2 新版 create request.
#[derive(Debug, Deserialize)]
pub struct ProgressCreateRequest {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: i64,
    pub progress_list: Vec<NewProgress>,
}

/// One item of `progress_list`; `index` lets fail_list/success_list refer back to it.
#[derive(Debug, Deserialize)]
pub struct NewProgress {
    pub index: i64,
    pub content: String,
    /// 13-digit epoch ms.
    pub create_time: i64,
    #[serde(default)]
    pub create_user_id: Option<String>,
    #[serde(default)]
    pub image_file_list: Vec<String>,
    #[serde(default)]
    pub attachment_file_list: Vec<Attachment>,
}

/// An attachment as create receives it and list returns it.
#[derive(Clone, Debug, Deserialize)]
pub struct Attachment {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub size: Option<Size>,
    #[serde(default)]
    pub url: Option<String>,
}

/// `size` is a string in the create example and a number in the list example, so either is
/// read; list returns a number.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum Size {
    Number(i64),
    Text(String),
}

impl Attachment {
    /// The `attachment_file` item of 8.2 list.
    pub fn to_json(&self) -> Value {
        let size = match &self.size {
            Some(Size::Number(n)) => Some(*n),
            Some(Size::Text(s)) => s.trim().parse::<i64>().ok(),
            None => None,
        };
        json!({ "name": self.name, "type": self.kind, "size": size, "url": self.url })
    }
}

/// 4.3 request.
#[derive(Debug, Deserialize)]
pub struct ClueBatchRequest {
    pub clue_ids: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Seed 003's request example.
    #[test]
    fn seed_003_request_reads() {
        let r: CustomerBatchRequest = serde_json::from_str(r#"{"customer_ids": ["oKBiDpCKNsX1wg0Rc3KlsjIlChV2f99qrUOGsp3Eqm8"]}"#).unwrap();
        assert_eq!(r.customer_ids, ["oKBiDpCKNsX1wg0Rc3KlsjIlChV2f99qrUOGsp3Eqm8"]);
    }

    #[test]
    fn attachment_size_as_string_or_number_lists_as_number() {
        let a: Attachment = serde_json::from_str(r#"{"name":"报价.pdf","type":"pdf","size":"1024","url":"u"}"#).unwrap();
        assert_eq!(a.to_json(), json!({"name":"报价.pdf","type":"pdf","size":1024,"url":"u"}));
        let a: Attachment = serde_json::from_str(r#"{"size":2048}"#).unwrap();
        assert_eq!(a.to_json(), json!({"name":null,"type":null,"size":2048,"url":null}));
    }
}
