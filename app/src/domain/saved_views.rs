//! Saved views of the customer list: a named filter and search, the rep's own or shared with
//! their team by a manager.

use serde::{Deserialize, Serialize};

use super::{CustomerQuery, TextField, char_count, list_href, normalize_text, parse_list_query};

pub const VIEW_NAME_MAX_CHARS: usize = 40;
/// Views one user may keep: the list shows them all as links.
pub const MAX_VIEWS_PER_USER: usize = 50;

/// A saved view as the list page shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedView {
    pub id: i64,
    pub name: String,
    /// The filter as a list query string (`q=…&vendor=…`), see `list_query_string`.
    pub query: String,
    /// Shared with the owner's team.
    pub shared: bool,
    /// The viewer's own view (they may delete it).
    pub mine: bool,
    pub owner_name: String,
}

impl SavedView {
    /// The list with this view's filter applied.
    pub fn href(&self) -> String {
        list_href(&self.filter())
    }

    pub fn filter(&self) -> CustomerQuery {
        parse_list_query(&self.query)
    }
}

/// The viewer's views and those shared with their team, theirs first.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SavedViews {
    pub views: Vec<SavedView>,
    /// Whether the viewer may share a view with a team (a manager or admin with a team).
    pub can_share: bool,
}

/// A view's name as stored and compared: one line (line breaks and tabs become spaces),
/// invisible characters dropped, runs of spaces made one, trimmed.
pub fn normalize_view_name(name: &str) -> String {
    normalize_text(TextField::Remark, name)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A normalised name is 1 to [`VIEW_NAME_MAX_CHARS`] characters.
pub fn view_name_ok(normalized: &str) -> bool {
    (1..=VIEW_NAME_MAX_CHARS).contains(&char_count(normalized))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_normalised_before_they_are_checked() {
        assert_eq!(normalize_view_name("  华东\r\n重点\t\u{200B}客户  "), "华东 重点 客户");
        assert!(view_name_ok(&normalize_view_name("重点客户")));
        assert!(!view_name_ok(&normalize_view_name(" \u{200B}\n ")), "empty after normalising");
        assert!(view_name_ok(&"字".repeat(VIEW_NAME_MAX_CHARS)));
        assert!(!view_name_ok(&"字".repeat(VIEW_NAME_MAX_CHARS + 1)), "characters, not bytes");
    }

    #[test]
    fn a_view_links_to_its_filter() {
        let view = SavedView {
            id: 1,
            name: "巨子".into(),
            query: "vendor=juzi&q=%E7%8E%8B".into(),
            shared: false,
            mine: true,
            owner_name: "刘福来".into(),
        };
        assert_eq!(view.href(), "/customers?q=%E7%8E%8B&vendor=juzi");
    }
}
