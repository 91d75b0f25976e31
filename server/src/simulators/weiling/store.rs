//! Writes the simulator accepted, layered over the read-only universe: a rep's remark edits
//! per customer, and follow-up records created through v2/progress/create.

use std::collections::HashMap;

use super::wire::Attachment;

/// A rep's edits of one customer (fields not edited stay `None`).
#[derive(Clone, Debug, Default)]
pub struct RemarkEdit {
    pub remark: Option<String>,
    pub description: Option<String>,
    pub remark_mobiles: Option<Vec<String>>,
}

#[derive(Clone, Debug)]
pub struct CreatedProgress {
    pub progress_id: String,
    pub create_user_id: Option<String>,
    pub content: String,
    pub create_time: i64,
    pub image_file_list: Vec<String>,
    pub attachments: Vec<Attachment>,
}

/// Ids for created records continue after every id the universe uses.
const CREATED_PROGRESS_ID_BASE: u64 = 1_900_000_000_000_000_000;

#[derive(Default)]
pub struct Store {
    /// (customer_id, rep user id) → edits.
    edits: HashMap<(String, String), RemarkEdit>,
    /// customer_id → created records, oldest first.
    progress: HashMap<String, Vec<CreatedProgress>>,
    next_progress: u64,
    pub edit_count: u64,
}

impl Store {
    pub fn edit(&self, customer_id: &str, user_id: &str) -> Option<&RemarkEdit> {
        self.edits.get(&(customer_id.to_string(), user_id.to_string()))
    }

    pub fn apply_edit(&mut self, customer_id: &str, user_id: &str, change: RemarkEdit) {
        let entry = self.edits.entry((customer_id.to_string(), user_id.to_string())).or_default();
        if change.remark.is_some() {
            entry.remark = change.remark;
        }
        if change.description.is_some() {
            entry.description = change.description;
        }
        if change.remark_mobiles.is_some() {
            entry.remark_mobiles = change.remark_mobiles;
        }
        self.edit_count += 1;
    }

    pub fn progress(&self, customer_id: &str) -> &[CreatedProgress] {
        self.progress.get(customer_id).map(Vec::as_slice).unwrap_or_default()
    }

    /// Stores a record and returns its new id.
    pub fn add_progress(&mut self, customer_id: &str, mut record: CreatedProgress) -> String {
        let id = (CREATED_PROGRESS_ID_BASE + self.next_progress).to_string();
        self.next_progress += 1;
        record.progress_id = id.clone();
        self.progress.entry(customer_id.to_string()).or_default().push(record);
        id
    }

    pub fn progress_created(&self) -> u64 {
        self.next_progress
    }
}
