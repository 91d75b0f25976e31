//! What the CSV downloads hold: the customer list's columns a rep can choose, and the links.

/// A column of the customer list export.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExportColumn {
    Key,
    Name,
    Remark,
    Company,
    Mobiles,
    Stages,
    Reps,
    Tags,
    Vendors,
    LastFollow,
}

impl ExportColumn {
    /// Every column, in the order the file has them.
    pub const ALL: [ExportColumn; 10] = [
        ExportColumn::Key,
        ExportColumn::Name,
        ExportColumn::Remark,
        ExportColumn::Company,
        ExportColumn::Mobiles,
        ExportColumn::Stages,
        ExportColumn::Reps,
        ExportColumn::Tags,
        ExportColumn::Vendors,
        ExportColumn::LastFollow,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            ExportColumn::Key => "key",
            ExportColumn::Name => "name",
            ExportColumn::Remark => "remark",
            ExportColumn::Company => "company",
            ExportColumn::Mobiles => "mobiles",
            ExportColumn::Stages => "stages",
            ExportColumn::Reps => "reps",
            ExportColumn::Tags => "tags",
            ExportColumn::Vendors => "vendors",
            ExportColumn::LastFollow => "last_follow",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.slug() == slug)
    }
}

/// The customer list export; takes the list's filter parameters and `col` once per column.
pub const CUSTOMERS_EXPORT_PATH: &str = "/export/customers.csv";
/// The query parameter naming one chosen column.
pub const EXPORT_COLUMN_PARAM: &str = "col";

/// The chosen columns in the file's order, each once; unknown names are ignored, and
/// choosing none (or none known) exports every column.
pub fn export_columns<S: AsRef<str>>(slugs: impl IntoIterator<Item = S>) -> Vec<ExportColumn> {
    let chosen: Vec<ExportColumn> = slugs.into_iter().filter_map(|s| ExportColumn::from_slug(s.as_ref())).collect();
    if chosen.is_empty() {
        return ExportColumn::ALL.to_vec();
    }
    ExportColumn::ALL.into_iter().filter(|c| chosen.contains(c)).collect()
}

/// `/export/customers/{key}/timeline.csv`: one customer's merged timeline.
pub fn timeline_export_path(key: &str) -> String {
    let key: String = form_urlencoded::byte_serialize(key.as_bytes()).collect();
    format!("/export/customers/{key}/timeline.csv")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_come_back_in_file_order_once_and_none_means_all() {
        assert_eq!(
            export_columns(["tags", "name", "bogus", "name"]),
            vec![ExportColumn::Name, ExportColumn::Tags]
        );
        assert_eq!(export_columns(Vec::<String>::new()), ExportColumn::ALL.to_vec());
        assert_eq!(export_columns(["<script>"]), ExportColumn::ALL.to_vec());
        for c in ExportColumn::ALL {
            assert_eq!(ExportColumn::from_slug(c.slug()), Some(c));
        }
    }

    #[test]
    fn the_timeline_link_encodes_the_key() {
        assert_eq!(timeline_export_path("wmA-b_c"), "/export/customers/wmA-b_c/timeline.csv");
        assert_eq!(timeline_export_path("a/b?c"), "/export/customers/a%2Fb%3Fc/timeline.csv");
    }
}
