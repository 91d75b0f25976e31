//! 卫瓴 Weiling: wire types mirroring its open-API pages, the access-token cache, the HTTP
//! client, the mapping to domain types and the `VendorAdapter` implementation.
//!
//! Decisions on facts the vendor does not document (see VENDORS.md §2):
//! - token lifetime: `expires_in` when the reply has one, else `WeilingSettings::token_ttl`;
//! - a rejected token is answered with code 1007 by the simulator, which we assume of Weiling (`codes::TOKEN_REJECTED`);
//!   all auth-type codes are in `codes::AUTH_CODES`;
//! - follow-ups are read and written with the 新版 v2 progress API using object type 0
//!   (联系人 / contact) and the customer's `customer_id` (`PROGRESS_TYPE`);
//! - custom-field labels come from `v2/custom/detail?api_key=contact`.

mod adapter;
pub mod client;
pub mod codes;
pub mod endpoints;
mod html;
pub mod map;
pub mod settings;
pub mod token;
pub mod wire;

pub use client::{ClueFilter, CustomerListBy, MAX_BATCH, WeilingClient};

/// Paths relative to the base URL (which ends in `/openapi`).
pub mod paths {
    pub const TOKEN: &str = "/auth/access_token/get";
    pub const CUSTOMER_LIST: &str = "/customer/list";
    pub const CUSTOMER_BATCH: &str = "/customer/batch";
    pub const CUSTOMER_BY_EXTERNAL_USERID: &str = "/customer/get_by_external_userid";
    pub const CUSTOMER_EDIT: &str = "/customer/edit";
    pub const PROGRESS_LIST: &str = "/v2/progress/list";
    pub const PROGRESS_CREATE: &str = "/v2/progress/create";
    pub const CUSTOM_DETAIL: &str = "/v2/custom/detail";
    pub const CLUE_LIST: &str = "/clue/list";
    pub const CLUE_BATCH: &str = "/clue/batch";
}

/// Object type for v2 progress calls. The 新版 API knows 0 = contact, 3 = company,
/// 4 = visitor, 6 = group, 7 = opportunity; the legacy API's 1 = WeCom friend is gone, and
/// Weiling merged friends into contacts (联系人合并). So a friend's follow-ups are addressed as
/// a contact with its `customer_id`. [unverified against a live tenant]
pub const PROGRESS_TYPE: i64 = 0;

/// The object whose field descriptions label customers' custom values.
pub const CUSTOM_FIELDS_API_KEY: &str = "contact";

/// Limits checked before sending: v2/progress/create content (vendor page) and WeCom's
/// remark/description limits, which Weiling forwards to WeCom.
pub const MAX_PROGRESS_CHARS: usize = 1000;
pub const MAX_REMARK_CHARS: usize = app::domain::REMARK_MAX_CHARS;
pub const MAX_DESCRIPTION_CHARS: usize = app::domain::DESCRIPTION_MAX_CHARS;
