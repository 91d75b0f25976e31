//! Times as reps read them: relative ("3 分钟前") with the absolute Beijing time on hover and
//! for screen readers. "Now" is the server's time of the answer, so the server-rendered HTML
//! and the hydrated page print the same words.

use chrono::{DateTime, FixedOffset};
use leptos::either::Either;
use leptos::prelude::*;

use crate::domain::EpochMs;
use crate::i18n::*;

fn beijing(ms: EpochMs) -> Option<DateTime<FixedOffset>> {
    let offset = FixedOffset::east_opt(8 * 3600)?;
    DateTime::from_timestamp_millis(ms).map(|t| t.with_timezone(&offset))
}

/// `2020-12-02 12:57` in Beijing time.
pub fn format_beijing(ms: EpochMs) -> String {
    beijing(ms).map(|t| t.format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default()
}

/// `2020-12-02T12:57:59+08:00`, for `<time datetime>`.
pub fn iso_beijing(ms: EpochMs) -> String {
    beijing(ms).map(|t| t.to_rfc3339()).unwrap_or_default()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ago {
    JustNow,
    Minutes(i64),
    Hours(i64),
    Days(i64),
    Months(i64),
    Years(i64),
}

pub fn ago(at: EpochMs, now: EpochMs) -> Ago {
    // Saturating: a vendor's time can be any i64.
    let secs = (now.saturating_sub(at) / 1000).max(0);
    match secs {
        s if s < 60 => Ago::JustNow,
        s if s < 3600 => Ago::Minutes(s / 60),
        s if s < 86_400 => Ago::Hours(s / 3600),
        s if s < 30 * 86_400 => Ago::Days(s / 86_400),
        s if s < 365 * 86_400 => Ago::Months(s / (30 * 86_400)),
        s => Ago::Years(s / (365 * 86_400)),
    }
}

/// "3 分钟前" as plain text. Static: the locale only changes with a full page reload, and a
/// string costs far less WASM than a reactive translation view.
pub fn ago_text(at: EpochMs, now: EpochMs) -> String {
    let i18n = use_i18n();
    match ago(at, now) {
        Ago::JustNow => tu_string!(i18n, common.ago_just_now).to_string(),
        Ago::Minutes(n) => tu_string!(i18n, common.ago_minutes, n),
        Ago::Hours(n) => tu_string!(i18n, common.ago_hours, n),
        Ago::Days(n) => tu_string!(i18n, common.ago_days, n),
        Ago::Months(n) => tu_string!(i18n, common.ago_months, n),
        Ago::Years(n) => tu_string!(i18n, common.ago_years, n),
    }
}

/// A relative time with the absolute Beijing time beside it (small) and in the tooltip.
#[component]
pub fn Timestamp(at: EpochMs, now: EpochMs, #[prop(optional)] absolute_first: bool) -> impl IntoView {
    let absolute = format_beijing(at);
    let title = format!("{absolute}（北京时间）");
    view! {
        <time datetime=iso_beijing(at) title=title class="whitespace-nowrap">
            {if absolute_first {
                Either::Left(view! { <span>{absolute.clone()}</span> <span class="ml-1 text-slate-400">"("{ago_text(at, now)}")"</span> })
            } else {
                Either::Right(view! { <span>{ago_text(at, now)}</span> <span class="ml-1 hidden text-xs text-slate-400 sm:inline">{absolute.clone()}</span> })
            }}
        </time>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beijing_formatting() {
        assert_eq!(format_beijing(1_606_885_079_000), "2020-12-02 12:57");
        assert_eq!(iso_beijing(1_606_885_079_000), "2020-12-02T12:57:59+08:00");
    }

    #[test]
    fn relative_buckets() {
        let now = 1_700_000_000_000;
        assert_eq!(ago(now - 5_000, now), Ago::JustNow);
        assert_eq!(ago(now - 3 * 60_000, now), Ago::Minutes(3));
        assert_eq!(ago(now - 5 * 3_600_000, now), Ago::Hours(5));
        assert_eq!(ago(now - 2 * 86_400_000, now), Ago::Days(2));
        assert_eq!(ago(now + 60_000, now), Ago::JustNow, "clock skew is not 'in the future'");
        assert_eq!(ago(now - 400 * 86_400_000, now), Ago::Years(1));
        // Vendor times are any i64: no overflow at the extremes.
        assert_eq!(ago(i64::MAX, now), Ago::JustNow);
        assert!(matches!(ago(i64::MIN, now), Ago::Years(_)));
        assert_eq!(format_beijing(i64::MIN), "");
    }
}
