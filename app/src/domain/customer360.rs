use serde::{Deserialize, Serialize};

use super::{CustomField, CustomerKind, EpochMs, FollowUser, Gender, LinkedRecord, Tag, VendorCustomer, VendorFailure, VendorId};

/// A value and the vendors that reported it. When vendors disagree, the merged customer holds
/// several `Sourced` values for the same attribute, so the UI shows the disagreement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sourced<T> {
    pub value: T,
    pub vendors: Vec<VendorId>,
}

/// The value the most vendors reported (the last of equals, as `Iterator::max_by_key` picks).
pub fn most_reported(values: &[Sourced<String>]) -> Option<&str> {
    values.iter().max_by_key(|s| s.vendors.len()).map(|s| s.value.as_str())
}

/// A rep who follows the customer, with what each vendor says about that relationship.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Follower {
    pub user_id: String,
    pub name: Option<String>,
    pub relations: Vec<(VendorId, FollowUser)>,
}

/// One customer as every vendor that knows them sees them: the 360° view.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Customer360 {
    /// The id used in `/customers/{key}`: the WeCom external user id when any vendor has one.
    pub key: String,
    pub external_user_ids: Vec<Sourced<String>>,
    pub union_ids: Vec<Sourced<String>>,
    pub names: Vec<Sourced<String>>,
    pub avatar: Option<String>,
    pub genders: Vec<Sourced<Gender>>,
    pub kinds: Vec<Sourced<CustomerKind>>,
    pub corp_names: Vec<Sourced<String>>,
    pub positions: Vec<Sourced<String>>,
    pub mobiles: Vec<Sourced<String>>,
    pub stages: Vec<Sourced<String>>,
    pub tags: Vec<Sourced<Tag>>,
    pub followers: Vec<Follower>,
    pub custom_fields: Vec<(VendorId, CustomField)>,
    pub companies: Vec<(VendorId, LinkedRecord)>,
    pub opportunities: Vec<(VendorId, LinkedRecord)>,
    pub clues: Vec<(VendorId, LinkedRecord)>,
    pub last_follow_at: Option<EpochMs>,
    /// The vendors' own records, for the per-vendor sections.
    pub sources: Vec<VendorCustomer>,
    /// Vendors that could not be asked; their sections explain why.
    pub failures: Vec<VendorFailure>,
}

impl Customer360 {
    pub fn vendors(&self) -> Vec<VendorId> {
        let mut v: Vec<VendorId> = self.sources.iter().map(|s| s.vendor).collect();
        v.sort();
        v.dedup();
        v
    }

    /// The name to show first: the most widely reported one.
    pub fn display_name(&self) -> Option<&str> {
        most_reported(&self.names)
    }
}
