//! Free text: rep notes, descriptions, remarks, Weiling progress HTML and Tanma change logs
//! in exactly seed 001's grammar.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::ids::beijing_datetime;
use super::names::{HONORIFICS, PRODUCTS};

/// What a note may mention about the customer.
pub(crate) struct NoteContext<'a> {
    pub surname: &'a str,
    pub company_short: &'a str,
    pub position: Option<&'a str>,
    pub stage: &'a str,
}

fn pick<'a>(rng: &mut ChaCha8Rng, items: &[&'a str]) -> &'a str {
    items[rng.random_range(0..items.len())]
}

const WEEKDAYS: [&str; 5] = ["周一", "周二", "周三", "周四", "周五"];

/// A note a rep wrote (Tanma follow type 1 / Weiling progress / Juzibot follow text).
pub(crate) fn note(rng: &mut ChaCha8Rng, ctx: &NoteContext<'_>) -> String {
    let product = pick(rng, &PRODUCTS);
    let day = pick(rng, &WEEKDAYS);
    let hour = rng.random_range(9..18);
    let minute = if rng.random_bool(0.5) { "00" } else { "30" };
    let who = ctx.position.unwrap_or("对接人");
    match rng.random_range(0..14) {
        0 => format!("电话沟通，客户关注价格，下{day}约演示"),
        1 => format!("微信发送了{product}方案，客户说内部先讨论一下"),
        2 => format!("上门拜访{}，见到{who}，现场演示了{product}，反馈不错", ctx.company_short),
        3 => format!("约了下{day} {hour}:{minute} 线上会议，需准备报价单"),
        4 => format!("{}{}说预算要等年底审批，先保持联系", ctx.surname, pick(rng, &HONORIFICS)),
        5 => "客户对比了两家竞品，更看重售后服务和实施周期".to_owned(),
        6 => format!("已发送{product}报价，折扣需要申请，等领导确认"),
        7 => format!("客户在外出差，约下{day}再电话沟通"),
        8 => "技术对接：确认了数据迁移范围和接口对接方式".to_owned(),
        9 => format!("当前阶段：{}。下一步：安排{who}参加产品培训", ctx.stage),
        10 => "客户反馈试用账号到期，申请延长两周试用".to_owned(),
        11 => "合同条款沟通中，法务提出修改付款节点".to_owned(),
        12 => "节日问候，顺便了解近况，客户近期无新需求".to_owned(),
        _ => format!("{}来电咨询{product}的私有化部署费用", ctx.company_short),
    }
}

/// A customer or relation description of at most 150 chars.
pub(crate) fn description(rng: &mut ChaCha8Rng, city: &str, industry: &str, position: Option<&str>) -> String {
    let product = pick(rng, &PRODUCTS);
    let budget = rng.random_range(3..80);
    let who = position.unwrap_or("联系人");
    let text = match rng.random_range(0..5) {
        0 => format!("{city}{industry}客户，{who}负责选型，关注{product}，预算约{budget}万。"),
        1 => format!("{who}，决策链较长，需要总部审批；对{product}感兴趣，预计下季度立项。"),
        2 => {
            format!("老客户介绍，{industry}行业，已在用竞品，合同{budget}个月后到期，可争取替换。")
        }
        3 => format!("展会认识，对{product}的数据分析功能印象深刻，希望安排一次上门演示。"),
        _ => String::new(),
    };
    truncate_chars(text, 150)
}

/// The first `max` chars of `text` (chars, not bytes: WeCom counts characters).
pub(crate) fn truncate_chars(text: String, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => text[..end].to_owned(),
        None => text,
    }
}

/// A rep's remark such as "王总-云帆", at most 20 chars; some carry an emoji like seed 001's
/// "刘工🐶".
pub(crate) fn remark(rng: &mut ChaCha8Rng, surname: &str, company_short: &str) -> String {
    let honorific = pick(rng, &HONORIFICS);
    let text = match rng.random_range(0..10) {
        0 => format!("{surname}{honorific}🐶"),
        1 => format!("{surname}{honorific}"),
        2 => format!("{company_short}-{surname}{honorific}⭐"),
        _ => format!("{surname}{honorific}-{company_short}"),
    };
    truncate_chars(text, 20)
}

/// Weiling progress content: `<p>` paragraphs, plus the same text without markup.
pub(crate) fn progress_html(rng: &mut ChaCha8Rng, ctx: &NoteContext<'_>) -> (String, String) {
    let first = note(rng, ctx);
    if rng.random_bool(0.3) {
        let second = note(rng, ctx);
        (format!("<p>{first}</p><p>{second}</p>"), format!("{first}\n{second}"))
    } else {
        (format!("<p>{first}</p>"), first)
    }
}

/// `将{字段}:{旧值} 改为: {新值}` — no space after the first colon, one after "改为:".
pub(crate) fn change_log(field: &str, old: &str, new: &str) -> String {
    format!("将{field}:{old} 改为: {new}")
}

/// `添加{字段}:{值}`.
pub(crate) fn add_log(field: &str, value: &str) -> String {
    format!("添加{field}:{value}")
}

/// `更新了标签`.
pub(crate) const TAGS_UPDATED: &str = "更新了标签";

/// A change of a datetime field, whose values contain colons like seed 001's 日期时间.
pub(crate) fn datetime_change(field: &str, old_ms: i64, new_ms: i64) -> String {
    change_log(field, &beijing_datetime(old_ms), &beijing_datetime(new_ms))
}

/// Parsed Tanma change log, to check the grammar and follow stage chains in tests.
#[cfg(test)]
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ChangeLog<'a> {
    Change { field: &'a str, old: &'a str, new: &'a str },
    Add { field: &'a str, value: &'a str },
    TagsUpdated,
}

/// Parses seed 001's grammar; `None` for anything else. The field name ends at the first
/// colon; the old value ends at the last " 改为: ", so values may contain colons.
#[cfg(test)]
pub(crate) fn parse_change_log(content: &str) -> Option<ChangeLog<'_>> {
    if content == TAGS_UPDATED {
        return Some(ChangeLog::TagsUpdated);
    }
    if let Some(rest) = content.strip_prefix('将') {
        let (field, values) = rest.split_once(':')?;
        let (old, new) = values.rsplit_once(" 改为: ")?;
        return (!field.is_empty()).then_some(ChangeLog::Change { field, old, new });
    }
    let rest = content.strip_prefix("添加")?;
    let (field, value) = rest.split_once(':')?;
    (!field.is_empty()).then_some(ChangeLog::Add { field, value })
}
