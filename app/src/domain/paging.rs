use serde::{Deserialize, Serialize};

/// One page of results. `next` is an opaque cursor for the following page (vendors page in
/// different ways: cursors, page numbers; SalesDesk hides that behind this one shape).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
    pub total: Option<u64>,
}

impl<T> Page<T> {
    pub fn empty() -> Self {
        Page {
            items: Vec::new(),
            next: None,
            total: Some(0),
        }
    }
}
