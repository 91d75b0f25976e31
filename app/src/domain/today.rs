//! 今日待办 and the next follow-up: what a rep plans to do next for a customer and when
//! (Beijing time, minute precision), the customers they have not followed up for a while, and
//! the customers they opened lately. Plain data and the checks the plan form runs, in the
//! browser as the rep types and again on the server.

use serde::{Deserialize, Serialize};

use super::{EpochMs, InputError, TextField, char_count, normalize_text};

/// A plan is a short line: what to do at the next follow-up.
pub const PLAN_MAX_CHARS: usize = 200;
/// Recently viewed customers kept per user.
pub const RECENT_VIEWS_KEPT: usize = 20;

const MINUTE_MS: i64 = 60_000;
const HOUR_MS: i64 = 60 * MINUTE_MS;
pub const DAY_MS: i64 = 24 * HOUR_MS;
/// China has one time zone and no daylight saving: Beijing time is UTC+8 all year.
const BEIJING_OFFSET_MS: i64 = 8 * HOUR_MS;

/// A rep's next follow-up of one customer, as SalesDesk stores it (per customer and rep).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FollowUpPlan {
    pub customer_key: String,
    /// The customer's name when the plan was set (for lists; the 360° page has the live one).
    pub customer_name: Option<String>,
    pub due_at: EpochMs,
    pub plan: String,
    pub updated_at: EpochMs,
    /// Set when the rep marked it done; a new plan clears it.
    pub done_at: Option<EpochMs>,
}

/// A plan due today or earlier, with whose it is (managers see their team's).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DueFollowUp {
    pub plan: FollowUpPlan,
    pub rep_name: String,
    /// Due before now.
    pub overdue: bool,
}

/// One rep's count of due and overdue plans, for a manager.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RepDueCount {
    pub rep_name: String,
    pub due_today: u32,
    pub overdue: u32,
}

/// A manager's (or admin's) view of their team's due plans.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TeamFollowUps {
    pub reps: Vec<RepDueCount>,
    pub due: Vec<DueFollowUp>,
}

/// A customer of the rep's with no follow-up for a while (or never).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StaleCustomer {
    pub key: String,
    pub name: Option<String>,
    pub last_follow_at: Option<EpochMs>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecentView {
    pub key: String,
    pub name: Option<String>,
    pub viewed_at: EpochMs,
}

/// Everything `/` shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TodayPage {
    /// The viewer's own plans due today or overdue, earliest first.
    pub due: Vec<DueFollowUp>,
    /// Managers and admins: their team's (admins: everyone's).
    pub team: Option<TeamFollowUps>,
    /// The viewer's customers without a follow-up in `stale_days` days, longest first.
    pub stale: Vec<StaleCustomer>,
    /// How many there are in all (`stale` shows the first few).
    pub stale_total: u32,
    pub stale_days: u32,
    /// False when the viewer has no WeCom id, so no customer is "theirs".
    pub has_own_customers: bool,
    pub recent: Vec<RecentView>,
    pub generated_at: EpochMs,
}

/// Midnight (Beijing) starting the day that contains `at`.
pub fn beijing_day_start(at: EpochMs) -> EpochMs {
    (at + BEIJING_OFFSET_MS).div_euclid(DAY_MS) * DAY_MS - BEIJING_OFFSET_MS
}

/// `2026-12-03T09:30` (what `<input type="datetime-local">` posts; a space instead of `T`
/// and seconds are accepted, the seconds dropped) read as Beijing time. Years 2000–2100.
pub fn parse_beijing_minute(text: &str) -> Option<EpochMs> {
    let (date, time) = text.trim().split_once(['T', ' '])?;
    let mut d = date.split('-');
    let (y, m, day) = (digits(d.next()?, 4)?, digits(d.next()?, 2)?, digits(d.next()?, 2)?);
    let mut t = time.split(':');
    let (h, min) = (digits(t.next()?, 2)?, digits(t.next()?, 2)?);
    let seconds_ok = t.next().is_none_or(|s| digits(s, 2).is_some_and(|s| s < 60));
    let in_range = (2000..=2100).contains(&y) && (1..=12).contains(&m) && (1..=days_in_month(y, m)).contains(&day) && h < 24 && min < 60;
    if d.next().is_some() || t.next().is_some() || !seconds_ok || !in_range {
        return None;
    }
    Some(days_from_civil(y, m, day) * DAY_MS + h * HOUR_MS + min * MINUTE_MS - BEIJING_OFFSET_MS)
}

/// Exactly `n` ASCII digits.
fn digits(s: &str, n: usize) -> Option<i64> {
    if s.len() == n && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`):
/// a few lines instead of a date library's parser in the browser bundle.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A next follow-up as typed, normalised and checked: when (not before `today_start`, the
/// Beijing midnight of the server's today) and the plan (one line, like a remark).
pub fn checked_plan(due: &str, plan: &str, today_start: EpochMs) -> Result<(EpochMs, String), Vec<InputError>> {
    let plan = normalize_text(TextField::Remark, plan);
    let mut errors = Vec::new();
    let due_at = parse_beijing_minute(due);
    match due_at {
        None => errors.push(InputError::DueInvalid),
        Some(at) if at < today_start => errors.push(InputError::DuePast),
        Some(_) => {}
    }
    let n = char_count(&plan);
    if n == 0 {
        errors.push(InputError::PlanEmpty);
    } else if n > PLAN_MAX_CHARS {
        errors.push(InputError::PlanTooLong { chars: n });
    }
    match due_at {
        Some(at) if errors.is_empty() => Ok((at, plan)),
        _ => Err(errors),
    }
}

/// The note form's optional next follow-up: nothing typed in either field means none.
pub fn checked_optional_plan(due: &str, plan: &str, today_start: EpochMs) -> Result<Option<(EpochMs, String)>, Vec<InputError>> {
    if due.trim().is_empty() && normalize_text(TextField::Remark, plan).is_empty() {
        return Ok(None);
    }
    checked_plan(due, plan, today_start).map(Some)
}

/// The problems with a next follow-up (none: it can be saved); `optional` for the note form.
pub fn validate_plan(due: &str, plan: &str, today_start: EpochMs, optional: bool) -> Vec<InputError> {
    if optional {
        checked_optional_plan(due, plan, today_start).err().unwrap_or_default()
    } else {
        checked_plan(due, plan, today_start).err().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-12-02 00:00 Beijing = 2026-12-01 16:00 UTC.
    const DEC_2_BEIJING: EpochMs = 1_796_140_800_000;

    #[test]
    fn reads_beijing_minutes() {
        assert_eq!(parse_beijing_minute("2026-12-02T00:00"), Some(DEC_2_BEIJING));
        assert_eq!(
            parse_beijing_minute(" 2026-12-02 09:30 "),
            Some(DEC_2_BEIJING + 9 * HOUR_MS + 30 * MINUTE_MS)
        );
        assert_eq!(
            parse_beijing_minute("2026-12-02T09:30:59"),
            parse_beijing_minute("2026-12-02T09:30"),
            "seconds dropped"
        );
        assert_eq!(parse_beijing_minute("2024-02-29T08:00").map(|t| t % MINUTE_MS), Some(0));
        assert_eq!(parse_beijing_minute("1970-01-01T08:00"), None, "before 2000");
        for bad in [
            "",
            "明天",
            "2026-12-02",
            "2026-13-01T09:00",
            "2026-02-29T09:00",
            "2026-12-32T09:00",
            "2026-12-02T24:00",
            "2026-12-02T09:60",
            "2026-12-02T9:30",
            "2026-12-02T09:30:99",
            "+2026-12-02T09:30",
            "2026-12-02T09:30:00:00",
        ] {
            assert_eq!(parse_beijing_minute(bad), None, "{bad}");
        }
    }

    #[test]
    fn days_start_at_beijing_midnight() {
        assert_eq!(beijing_day_start(DEC_2_BEIJING), DEC_2_BEIJING);
        assert_eq!(beijing_day_start(DEC_2_BEIJING + DAY_MS - 1), DEC_2_BEIJING);
        assert_eq!(beijing_day_start(DEC_2_BEIJING - 1), DEC_2_BEIJING - DAY_MS);
        // Agrees with chrono's formatting of the same instant.
        assert_eq!(crate::components::time::format_beijing(DEC_2_BEIJING), "2026-12-02 00:00");
    }

    #[test]
    fn a_plan_needs_a_time_from_today_and_a_short_line() {
        let today = DEC_2_BEIJING;
        assert_eq!(
            checked_plan("2026-12-02T18:00", "  电话确认报价\r\n约演示 ", today),
            Ok((today + 18 * HOUR_MS, "电话确认报价 约演示".into()))
        );
        assert_eq!(
            checked_plan("", "", today),
            Err(vec![InputError::DueInvalid, InputError::PlanEmpty])
        );
        assert_eq!(checked_plan("2026-12-01T23:59", "回访", today), Err(vec![InputError::DuePast]));
        assert_eq!(
            checked_plan("下周二", "\u{200B}", today),
            Err(vec![InputError::DueInvalid, InputError::PlanEmpty])
        );
        assert!(checked_plan("2026-12-03T09:00", &"计".repeat(PLAN_MAX_CHARS), today).is_ok());
        assert_eq!(
            checked_plan("2026-12-03T09:00", &"计".repeat(PLAN_MAX_CHARS + 1), today),
            Err(vec![InputError::PlanTooLong { chars: PLAN_MAX_CHARS + 1 }])
        );
    }

    #[test]
    fn the_note_forms_plan_is_optional_but_checked_once_started() {
        let today = DEC_2_BEIJING;
        assert_eq!(checked_optional_plan(" ", "\u{200B} ", today), Ok(None));
        assert_eq!(
            checked_optional_plan("2026-12-03T09:00", "", today),
            Err(vec![InputError::PlanEmpty])
        );
        assert_eq!(checked_optional_plan("", "回访", today), Err(vec![InputError::DueInvalid]));
        assert!(validate_plan("", "", today, true).is_empty());
        assert_eq!(validate_plan("", "", today, false).len(), 2);
    }
}
