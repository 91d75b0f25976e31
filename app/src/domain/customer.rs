use serde::{Deserialize, Serialize};

use super::VendorId;

/// Milliseconds since the Unix epoch (UTC). Vendors send seconds, milliseconds or Beijing-time
/// strings; adapters normalise to this.
pub type EpochMs = i64;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    #[default]
    Unknown,
    Male,
    Female,
    Other,
}

/// WeCom's `external_contact.type`: 1 = a WeChat user, 2 = a WeCom user.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CustomerKind {
    #[default]
    Unknown,
    WeChat,
    WeCom,
}

/// Corp (enterprise) tags are shared across the company; personal tags belong to one rep.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TagKind {
    #[default]
    Unknown,
    Corp,
    Personal,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Tag {
    pub id: Option<String>,
    pub group: Option<String>,
    pub name: String,
    pub kind: TagKind,
}

/// A typed custom-field value. Option ids that could not be resolved to a label keep the raw
/// id and are marked, so the UI can flag them instead of showing a bare number as if it were text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum FieldValue {
    Empty,
    Text(String),
    Choice {
        id: String,
        label: Option<String>,
    },
    /// `yyyy-MM-dd` or `yyyy-MM-dd HH:mm:ss`, as the vendor gave it.
    Date(String),
    Mobiles(Vec<String>),
    /// A value whose declared type we could not interpret; shown verbatim with a marker.
    Raw(String),
}

impl FieldValue {
    pub fn is_empty(&self) -> bool {
        match self {
            FieldValue::Empty => true,
            FieldValue::Text(s) | FieldValue::Date(s) | FieldValue::Raw(s) => s.trim().is_empty(),
            FieldValue::Mobiles(m) => m.is_empty(),
            FieldValue::Choice { .. } => false,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CustomField {
    /// The vendor's field key (Tanma `alias` / numeric id, Weiling `api_name`).
    pub key: String,
    /// Human label, e.g. 销售阶段.
    pub label: String,
    pub value: FieldValue,
}

/// A rep who has the customer as a WeCom contact (WeCom `follow_user`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FollowUser {
    /// The rep's WeCom user id (Tanma `qwUserId`, Weiling `userid`, Juzibot `userId`).
    pub user_id: String,
    pub name: Option<String>,
    pub remark: Option<String>,
    pub description: Option<String>,
    pub added_at: Option<EpochMs>,
    pub add_source: Option<String>,
    pub remark_mobiles: Vec<String>,
    pub tags: Vec<Tag>,
}

impl FollowUser {
    /// A follower known only by id (the list index keeps no more of them).
    pub fn with_id(user_id: impl Into<String>) -> Self {
        FollowUser {
            user_id: user_id.into(),
            name: None,
            remark: None,
            description: None,
            added_at: None,
            add_source: None,
            remark_mobiles: Vec::new(),
            tags: Vec::new(),
        }
    }
}

/// A reference to a related record at a vendor (company, opportunity, clue).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LinkedRecord {
    pub id: String,
    pub name: Option<String>,
}

/// One vendor's view of one customer, as its adapter maps it. The merge service combines
/// several of these into one 360° customer, keeping every value's provenance.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VendorCustomer {
    pub vendor: VendorId,
    /// The vendor's own id for this customer when it has one (Weiling `customer_id`).
    pub vendor_customer_id: Option<String>,
    pub external_user_id: Option<String>,
    pub union_id: Option<String>,
    pub name: Option<String>,
    pub avatar: Option<String>,
    pub gender: Gender,
    pub kind: CustomerKind,
    pub corp_name: Option<String>,
    pub position: Option<String>,
    pub mobiles: Vec<String>,
    pub stage: Option<String>,
    pub follow_users: Vec<FollowUser>,
    pub custom_fields: Vec<CustomField>,
    pub companies: Vec<LinkedRecord>,
    pub opportunities: Vec<LinkedRecord>,
    pub clues: Vec<LinkedRecord>,
    pub last_follow_at: Option<EpochMs>,
}

impl VendorCustomer {
    /// An empty record for `vendor`, for adapters to fill in.
    pub fn new(vendor: VendorId) -> Self {
        VendorCustomer {
            vendor,
            vendor_customer_id: None,
            external_user_id: None,
            union_id: None,
            name: None,
            avatar: None,
            gender: Gender::Unknown,
            kind: CustomerKind::Unknown,
            corp_name: None,
            position: None,
            mobiles: Vec::new(),
            stage: None,
            follow_users: Vec::new(),
            custom_fields: Vec::new(),
            companies: Vec::new(),
            opportunities: Vec::new(),
            clues: Vec::new(),
            last_follow_at: None,
        }
    }
}
