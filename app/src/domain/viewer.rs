use serde::{Deserialize, Serialize};

use super::{VendorCustomer, VendorId};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Sees the customers and clues they follow.
    Rep,
    /// Sees their team's customers and clues.
    Manager,
    /// Sees everything, plus vendor status, users and the audit log.
    Admin,
}

impl Role {
    pub fn slug(self) -> &'static str {
        match self {
            Role::Rep => "rep",
            Role::Manager => "manager",
            Role::Admin => "admin",
        }
    }

    pub fn from_slug(s: &str) -> Option<Self> {
        match s {
            "rep" => Some(Role::Rep),
            "manager" => Some(Role::Manager),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// A rep's WeCom user id at each vendor (Tanma `qwUserId`, Weiling `userid`, Juzibot `userId`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VendorUserIds {
    pub tanma: Option<String>,
    pub weiling: Option<String>,
    pub juzi: Option<String>,
}

impl VendorUserIds {
    pub fn get(&self, vendor: VendorId) -> Option<&str> {
        match vendor {
            VendorId::Tanma => self.tanma.as_deref(),
            VendorId::Weiling => self.weiling.as_deref(),
            VendorId::Juzi => self.juzi.as_deref(),
        }
    }
}

/// Which customers a viewer may see: everything, or those followed by one of these WeCom
/// user ids at the vendor in question.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scope {
    All,
    FollowedBy(Vec<VendorUserIds>),
}

impl Scope {
    /// True when any of the vendor records has a follow user inside the scope.
    pub fn allows(&self, sources: &[VendorCustomer]) -> bool {
        self.allows_followers(
            sources
                .iter()
                .flat_map(|s| s.follow_users.iter().map(move |f| (s.vendor, f.user_id.as_str()))),
        )
    }

    /// The one rule for opening a customer: the scope allows it as the customer list holds it
    /// (`listed`, what every list, search, export and bulk selection shows) or as the vendors
    /// answer now (`live`, for a customer added since the list was read). A row a user sees
    /// therefore always opens, even when a vendor's detail reports other followers than its
    /// list did.
    pub fn allows_customer(&self, listed: Option<&[VendorCustomer]>, live: &[VendorCustomer]) -> bool {
        listed.is_some_and(|sources| self.allows(sources)) || self.allows(live)
    }

    /// The same check over (vendor, follower WeCom id) pairs.
    pub fn allows_followers<'a>(&self, mut followers: impl Iterator<Item = (VendorId, &'a str)>) -> bool {
        match self {
            Scope::All => true,
            Scope::FollowedBy(ids) => followers.any(|(vendor, user)| ids.iter().any(|u| u.get(vendor) == Some(user))),
        }
    }

    /// The WeCom user id this scope acts as at `vendor` when writing, if exactly decided by
    /// the viewer's own ids (the first entry is the viewer themself).
    pub fn own_id(&self, vendor: VendorId) -> Option<&str> {
        match self {
            Scope::All => None,
            Scope::FollowedBy(ids) => ids.first().and_then(|u| u.get(vendor)),
        }
    }
}

/// The signed-in user, as server functions and pages see them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Viewer {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub team: Option<String>,
    /// The viewer's own WeCom ids (used to write as them).
    pub wecom: VendorUserIds,
    /// What they may see.
    pub scope: Scope,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listed_customer_opens_whatever_followers_the_vendor_reports_now() {
        let scope = Scope::FollowedBy(vec![VendorUserIds {
            juzi: Some("LiuFuLai".into()),
            ..Default::default()
        }]);
        let listed = vec![followed_by(VendorId::Juzi, "LiuFuLai")];
        let live = vec![followed_by(VendorId::Juzi, "ZhangWei")];
        assert!(scope.allows_customer(Some(&listed), &live), "the list showed it");
        assert!(scope.allows_customer(None, &listed), "added since the list was read");
        assert!(!scope.allows_customer(Some(&live), &live), "nobody in scope follows");
        assert!(!scope.allows_customer(None, &[]));
    }
    use crate::domain::FollowUser;

    fn followed_by(vendor: VendorId, user: &str) -> VendorCustomer {
        let mut c = VendorCustomer::new(vendor);
        c.follow_users.push(FollowUser {
            user_id: user.into(),
            name: None,
            remark: None,
            description: None,
            added_at: None,
            add_source: None,
            remark_mobiles: vec![],
            tags: vec![],
        });
        c
    }

    #[test]
    fn scope_matches_per_vendor_ids() {
        let me = VendorUserIds {
            tanma: Some("ZhangWei".into()),
            weiling: Some("zw01".into()),
            juzi: None,
        };
        let scope = Scope::FollowedBy(vec![me]);
        assert!(scope.allows(&[followed_by(VendorId::Tanma, "ZhangWei")]));
        assert!(scope.allows(&[followed_by(VendorId::Juzi, "x"), followed_by(VendorId::Weiling, "zw01")]));
        assert!(!scope.allows(&[followed_by(VendorId::Weiling, "ZhangWei")]), "ids are per vendor");
        assert!(
            !scope.allows(&[followed_by(VendorId::Juzi, "ZhangWei")]),
            "no Juzibot id configured"
        );
        assert!(Scope::All.allows(&[]));
        assert_eq!(scope.own_id(VendorId::Weiling), Some("zw01"));
    }
}
