//! Who a WeCom user id is: a follower is named by the SalesDesk user who has that id at any
//! vendor (the name colleagues know), else by the name a vendor reports, and only as a last
//! resort by the bare id. The users table is small and changes rarely, so its names are read
//! at most every [`REFRESH`] and shared.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use app::domain::{CustomerListing, RepRef};
use tokio::sync::Mutex;

use crate::storage::Store;

/// How old the names may be (an admin's rename shows within this).
const REFRESH: Duration = Duration::from_secs(30);

/// WeCom user id → the display name of the enabled SalesDesk user who has it.
type Names = Arc<HashMap<String, String>>;

pub struct People {
    store: Store,
    /// The names and when they were read.
    read: Mutex<Option<(Instant, Names)>>,
}

impl People {
    pub fn new(store: Store) -> Self {
        People {
            store,
            read: Mutex::new(None),
        }
    }

    async fn names(&self) -> Names {
        let mut read = self.read.lock().await;
        if let Some((at, names)) = read.as_ref()
            && at.elapsed() < REFRESH
        {
            return names.clone();
        }
        let names: Names = match crate::storage::users::list(&self.store).await {
            Ok(users) => Arc::new(
                users
                    .into_iter()
                    .filter(|u| !u.disabled)
                    .flat_map(|u| {
                        let ids = [u.wecom.tanma, u.wecom.weiling, u.wecom.juzi];
                        let name = u.display_name;
                        ids.into_iter().flatten().map(move |id| (id, name.clone()))
                    })
                    .collect(),
            ),
            Err(e) => {
                // Names are a nicety: the list shows the vendors' names meanwhile.
                tracing::warn!(error = %crate::errors::report(&e), "cannot read the users' names");
                return read.as_ref().map(|(_, n)| n.clone()).unwrap_or_default();
            }
        };
        *read = Some((Instant::now(), names.clone()));
        names
    }

    /// Names the listing's followers and its 跟进人 menu as [`People`] says.
    pub async fn name_listing(&self, listing: &mut CustomerListing) {
        let names = self.names().await;
        let reps = listing
            .items
            .iter_mut()
            .flat_map(|item| item.reps.iter_mut())
            .chain(listing.facets.reps.iter_mut());
        for rep in reps {
            name(rep, &names);
        }
    }
}

fn name(rep: &mut RepRef, names: &HashMap<String, String>) {
    if let Some(user) = names.get(&rep.user_id) {
        rep.name = Some(user.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_salesdesk_user_names_the_id_before_any_vendor() {
        let names = HashMap::from([("LiuFuLai".to_string(), "刘福来".to_string())]);
        let mut known = RepRef {
            user_id: "LiuFuLai".into(),
            name: None,
        };
        name(&mut known, &names);
        assert_eq!(known.name.as_deref(), Some("刘福来"));
        let mut vendor_named = RepRef {
            user_id: "ChenLei".into(),
            name: Some("陈磊".into()),
        };
        name(&mut vendor_named, &names);
        assert_eq!(
            vendor_named.name.as_deref(),
            Some("陈磊"),
            "a vendor's name stays when no user has the id"
        );
    }
}
