//! CSV files meant for spreadsheets (the audit log, the customer list, a timeline): UTF-8
//! with a byte-order mark so Excel reads Chinese correctly, cells a spreadsheet would run as
//! formulas defused, times in Beijing time, and the download's file name.

use std::borrow::Cow;

/// The UTF-8 byte-order mark every file starts with.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Spreadsheets run cells starting with these as formulas; prefix them with `'` so an
/// exported remark cannot become a formula on the reader's machine.
pub fn safe_cell(text: &str) -> Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// `2026-12-02T12:57:03+08:00`: Beijing time, as everywhere else in SalesDesk.
pub fn beijing_time(ms: i64) -> String {
    let Some(t) = chrono::DateTime::from_timestamp_millis(ms) else {
        return String::new();
    };
    match chrono::FixedOffset::east_opt(8 * 3600) {
        Some(beijing) => t.with_timezone(&beijing).to_rfc3339(),
        None => t.to_rfc3339(),
    }
}

/// `20261202`: today's date in Beijing, for file names.
pub fn beijing_date(ms: i64) -> String {
    beijing_time(ms).get(..10).map(|d| d.replace('-', "")).unwrap_or_default()
}

/// A `Content-Disposition` value downloading as `utf8_name` (RFC 6266 `filename*`), with
/// `ascii_name` for clients that only read `filename`.
pub fn attachment(ascii_name: &str, utf8_name: &str) -> String {
    let ascii: String = ascii_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in utf8_name.bytes() {
        // RFC 5987 attr-char: letters, digits and a few marks go as they are.
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_defused_and_nothing_else() {
        for text in ["=1+1", "+86 138", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(safe_cell(text), format!("'{text}"), "{text:?}");
        }
        for text in ["张三", "a=b", "", "138-0013-8000", " =x"] {
            assert_eq!(safe_cell(text), text, "{text:?}");
        }
    }

    #[test]
    fn times_and_file_names() {
        assert_eq!(beijing_time(0), "1970-01-01T08:00:00+08:00");
        assert_eq!(beijing_date(0), "19700101");
        assert_eq!(
            attachment("customers-20261202.csv", "客户-20261202.csv"),
            "attachment; filename=\"customers-20261202.csv\"; filename*=UTF-8''%E5%AE%A2%E6%88%B7-20261202.csv"
        );
        assert_eq!(
            attachment("a\"b;c.csv", "a b\".csv"),
            "attachment; filename=\"a_b_c.csv\"; filename*=UTF-8''a%20b%22.csv"
        );
    }
}
