//! What the Juzibot simulator remembers between requests: remark edits, delivered follow-up
//! notes and per-path request counts (for tests proving what reached the "vendor").

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use secrecy::SecretString;
use serde::Serialize;

use crate::simulators::dataset::Universe;

/// A customer–rep relationship, keyed the way v1 writes address it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct RelationKey {
    pub union_id: String,
    pub user_id: String,
}

/// A remark edit applied over the universe's value; `None` keeps the universe's value.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RemarkEdit {
    pub remark: Option<String>,
    pub description: Option<String>,
}

/// One delivered follow-up note, as add_follow received it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredFollow {
    pub union_id: String,
    pub user_id: String,
    pub content: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<i64>,
}

pub struct SimState {
    pub universe: Arc<Universe>,
    pub token: SecretString,
    /// Universe indices of the customers Juzibot holds, in list order.
    pub customers: Vec<usize>,
    remarks: Mutex<BTreeMap<RelationKey, RemarkEdit>>,
    follows: Mutex<Vec<StoredFollow>>,
    requests: Mutex<BTreeMap<String, u64>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicking handler cannot leave these maps half-written in a way that matters.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl SimState {
    pub fn new(universe: Arc<Universe>, token: SecretString) -> Self {
        let customers = universe.customers.iter().filter(|p| p.presence.juzi).map(|p| p.index).collect();
        SimState {
            universe,
            token,
            customers,
            remarks: Mutex::new(BTreeMap::new()),
            follows: Mutex::new(Vec::new()),
            requests: Mutex::new(BTreeMap::new()),
        }
    }

    pub fn remark_edit(&self, key: &RelationKey) -> Option<RemarkEdit> {
        lock(&self.remarks).get(key).cloned()
    }

    pub fn apply_remark(&self, key: RelationKey, remark: Option<String>, description: Option<String>) {
        let mut remarks = lock(&self.remarks);
        let edit = remarks.entry(key).or_default();
        if remark.is_some() {
            edit.remark = remark;
        }
        if description.is_some() {
            edit.description = description;
        }
    }

    pub fn store_follows(&self, notes: Vec<StoredFollow>) {
        lock(&self.follows).extend(notes);
    }

    /// Delivered notes, oldest first, filtered by whichever ids are given.
    pub fn follows(&self, union_id: Option<&str>, user_id: Option<&str>) -> Vec<StoredFollow> {
        lock(&self.follows)
            .iter()
            .filter(|f| union_id.is_none_or(|u| f.union_id == u) && user_id.is_none_or(|u| f.user_id == u))
            .cloned()
            .collect()
    }

    pub fn count_request(&self, path: &str) {
        *lock(&self.requests).entry(path.to_string()).or_default() += 1;
    }

    pub fn request_counts(&self) -> BTreeMap<String, u64> {
        lock(&self.requests).clone()
    }
}
