//! The words of the CSV downloads: column titles, kinds of timeline entries, file names and
//! why a download was refused. The server writes the files outside any page, so these take
//! the reader's locale instead of the page's i18n context.

use crate::domain::{ExportColumn, VendorId};
use crate::error::AppError;
use crate::i18n::*;

pub fn export_column_title(locale: Locale, column: ExportColumn) -> String {
    let title = match column {
        ExportColumn::Key => td_string!(locale, lists.col_key),
        ExportColumn::Name => td_string!(locale, lists.col_name),
        ExportColumn::Remark => td_string!(locale, lists.col_remark),
        ExportColumn::Company => td_string!(locale, lists.col_company),
        ExportColumn::Mobiles => td_string!(locale, lists.col_mobiles),
        ExportColumn::Stages => td_string!(locale, lists.col_stages),
        ExportColumn::Reps => td_string!(locale, lists.col_reps),
        ExportColumn::Tags => td_string!(locale, lists.col_tags),
        ExportColumn::Vendors => td_string!(locale, lists.col_vendors),
        ExportColumn::LastFollow => td_string!(locale, lists.col_last_follow),
    };
    title.to_string()
}

/// The timeline file's header: time, vendor, author, kind, text.
pub fn timeline_column_titles(locale: Locale) -> [String; 5] {
    [
        td_string!(locale, lists.tl_time).to_string(),
        td_string!(locale, lists.tl_vendor).to_string(),
        td_string!(locale, lists.tl_author).to_string(),
        td_string!(locale, lists.tl_kind).to_string(),
        td_string!(locale, lists.tl_text).to_string(),
    ]
}

/// A rep's note, or a system change log.
pub fn timeline_kind_word(locale: Locale, note: bool) -> String {
    if note {
        td_string!(locale, lists.kind_note).to_string()
    } else {
        td_string!(locale, lists.kind_change).to_string()
    }
}

pub fn vendor_word(locale: Locale, vendor: VendorId) -> &'static str {
    crate::components::vendor_chip::vendor_name(locale, vendor)
}

/// Which download a file name is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFile {
    Customers,
    Timeline,
}

/// The start of a download's file name (`客户`, `跟进记录`).
pub fn export_file_word(locale: Locale, file: ExportFile) -> String {
    match file {
        ExportFile::Customers => td_string!(locale, lists.file_customers).to_string(),
        ExportFile::Timeline => td_string!(locale, lists.file_timeline).to_string(),
    }
}

/// Why a download was not served.
pub fn export_refusal_words(locale: Locale, error: &AppError) -> String {
    match error {
        AppError::Unauthenticated => td_string!(locale, lists.export_unauthenticated),
        AppError::Forbidden => td_string!(locale, lists.export_forbidden),
        AppError::NotFound => td_string!(locale, lists.export_not_found),
        _ => td_string!(locale, lists.export_failed),
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_has_a_title_in_both_languages() {
        for c in ExportColumn::ALL {
            let zh = export_column_title(Locale::zh, c);
            let en = export_column_title(Locale::en, c);
            assert!(!zh.is_empty() && !en.is_empty() && zh != en, "{c:?}");
            assert!(en.is_ascii(), "{en}");
        }
        assert_eq!(timeline_column_titles(Locale::zh)[0], "时间");
        assert_eq!(export_file_word(Locale::en, ExportFile::Customers), "customers");
    }
}
