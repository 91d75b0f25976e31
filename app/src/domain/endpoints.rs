//! What each vendor endpoint is for, so a refusal can be explained as the one feature it
//! costs ("探马未开放「客户搜索」接口") and the status page can list every endpoint a vendor
//! adapter uses, documented (the seed pages: the backbone) or optional (an enhancement).

use serde::{Deserialize, Serialize};

use super::VendorFailure;

/// A feature of SalesDesk that rests on one vendor endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VendorFeature {
    /// Obtaining or proving credentials (Weiling's token exchange, Tanma's echo).
    Authentication,
    /// One customer's profile.
    CustomerProfile,
    /// Finding a customer by WeCom external user id, or who follows them.
    CustomerLookup,
    /// The follow-up timeline.
    Timeline,
    /// The customer list (crawl).
    CustomerList,
    /// The clue list (crawl).
    ClueList,
    /// One clue's detail.
    ClueDetail,
    /// Labels for custom fields and their options.
    FieldLabels,
    /// Names of tag ids.
    TagLabels,
    /// Setting a remark or description.
    WriteRemark,
    /// Adding a follow-up note.
    WriteNote,
}

impl VendorFeature {
    pub fn name_zh(self) -> &'static str {
        match self {
            VendorFeature::Authentication => "身份验证",
            VendorFeature::CustomerProfile => "客户详情",
            VendorFeature::CustomerLookup => "客户查找",
            VendorFeature::Timeline => "跟进记录",
            VendorFeature::CustomerList => "客户列表与搜索",
            VendorFeature::ClueList => "线索列表",
            VendorFeature::ClueDetail => "线索详情",
            VendorFeature::FieldLabels => "自定义字段名称",
            VendorFeature::TagLabels => "标签名称",
            VendorFeature::WriteRemark => "修改备注",
            VendorFeature::WriteNote => "新增跟进",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            VendorFeature::Authentication => "authentication",
            VendorFeature::CustomerProfile => "customer profile",
            VendorFeature::CustomerLookup => "customer lookup",
            VendorFeature::Timeline => "follow-up timeline",
            VendorFeature::CustomerList => "customer list and search",
            VendorFeature::ClueList => "clue list",
            VendorFeature::ClueDetail => "clue detail",
            VendorFeature::FieldLabels => "custom field labels",
            VendorFeature::TagLabels => "tag names",
            VendorFeature::WriteRemark => "remark editing",
            VendorFeature::WriteNote => "follow-up notes",
        }
    }
}

/// One endpoint a vendor adapter calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EndpointSpec {
    /// The API path as the adapter calls it (relative to the configured base URL).
    pub path: &'static str,
    pub method: &'static str,
    pub feature: VendorFeature,
    /// In the seed documents SalesDesk was built from: the backbone every page relies on.
    /// Anything else may be missing at a real vendor and only degrades `feature`.
    pub documented: bool,
}

impl EndpointSpec {
    pub const fn new(method: &'static str, path: &'static str, feature: VendorFeature, documented: bool) -> Self {
        EndpointSpec {
            path,
            method,
            feature,
            documented,
        }
    }
}

/// How one endpoint has fared since start-up, for `/vendors`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EndpointStatus {
    pub method: String,
    pub path: String,
    pub feature: VendorFeature,
    pub documented: bool,
    pub calls: u64,
    pub errors: u64,
    /// The last call's failure, `None` when it succeeded (or nothing was called yet).
    pub last_error: Option<VendorFailure>,
}

impl EndpointStatus {
    /// The vendor said this endpoint does not exist on its last call.
    pub fn missing(&self) -> bool {
        self.last_error
            .as_ref()
            .is_some_and(|f| f.kind == super::VendorErrorKind::EndpointMissing)
    }
}
