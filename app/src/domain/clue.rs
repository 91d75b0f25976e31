use serde::{Deserialize, Serialize};

use super::{CustomField, EpochMs, Tag, VendorId};

/// A clue (线索 / 待分配客户).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Clue {
    pub vendor: VendorId,
    pub id: String,
    pub name: Option<String>,
    pub mobiles: Vec<String>,
    pub is_clue: Option<bool>,
    pub fields: Vec<CustomField>,
    pub tags: Vec<Tag>,
    /// Tag ids the vendor gave that no tag list resolved; shown raw, marked.
    pub unresolved_tag_ids: Vec<String>,
    pub company: Option<ClueCompany>,
    /// The rep responsible (WeCom id at the vendor); `None` for the unassigned pool.
    pub owner_user_id: Option<String>,
    pub created_at: Option<EpochMs>,
    pub updated_at: Option<EpochMs>,
    pub converted_at: Option<EpochMs>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClueCompany {
    pub name: Option<String>,
    /// Remaining company attributes as label/value pairs, in the vendor's order.
    pub attributes: Vec<(String, String)>,
}
