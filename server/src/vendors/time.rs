//! Vendor time formats to epoch milliseconds. Tanma writes `yyyy-MM-dd HH:mm:ss` in Beijing
//! time (UTC+8, no daylight saving); Weiling and Juzibot use epoch numbers, sometimes in
//! seconds where milliseconds are expected.

use chrono::{FixedOffset, NaiveDate, NaiveDateTime, Offset, TimeZone};

const BEIJING_OFFSET_SECS: i32 = 8 * 3600;

pub fn beijing() -> FixedOffset {
    FixedOffset::east_opt(BEIJING_OFFSET_SECS).unwrap_or_else(|| FixedOffset::east_opt(0).unwrap_or(chrono::Utc.fix()))
}

/// Parses `yyyy-MM-dd HH:mm:ss` (or a bare `yyyy-MM-dd`) as Beijing time.
pub fn parse_beijing(text: &str) -> Option<i64> {
    let text = text.trim();
    let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
        .or_else(|_| NaiveDate::parse_from_str(text, "%Y-%m-%d").map(|d| d.and_hms_opt(0, 0, 0).unwrap_or_default()))
        .ok()?;
    beijing().from_local_datetime(&naive).single().map(|t| t.timestamp_millis())
}

/// Formats epoch ms as `yyyy-MM-dd HH:mm:ss` Beijing time (what Tanma expects in filters).
pub fn format_beijing(ms: i64) -> String {
    beijing()
        .timestamp_millis_opt(ms)
        .single()
        .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default()
}

/// Accepts an epoch in seconds or milliseconds and returns milliseconds. Values below 10^11
/// (before 1973 in ms, year 5138 in seconds) can only be seconds. (`unsigned_abs`: `i64::MIN`
/// from a vendor has no `abs`.)
pub fn epoch_to_ms(value: i64) -> i64 {
    if value.unsigned_abs() < 100_000_000_000 {
        value * 1000
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beijing_round_trip() {
        let ms = parse_beijing("2020-12-02 12:57:59").unwrap();
        assert_eq!(ms, 1_606_885_079_000);
        assert_eq!(format_beijing(ms), "2020-12-02 12:57:59");
        assert_eq!(parse_beijing("2021-05-11"), Some(1_620_662_400_000));
        assert_eq!(parse_beijing("not a time"), None);
    }

    #[test]
    fn seconds_and_millis() {
        assert_eq!(epoch_to_ms(1_602_667_647), 1_602_667_647_000);
        assert_eq!(epoch_to_ms(1_604_048_292_000), 1_604_048_292_000);
        // Found by the fuzz harness: a Weiling time of i64::MIN overflowed `abs`.
        assert_eq!(epoch_to_ms(i64::MIN), i64::MIN);
        assert_eq!(epoch_to_ms(i64::MAX), i64::MAX);
        assert_eq!(format_beijing(i64::MIN), "");
    }
}
