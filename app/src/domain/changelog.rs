//! Reads the system change logs vendors write into follow-up records (Tanma `followType` 2),
//! e.g. `将销售阶段:丢单 改为: 方案报价`, so the timeline can show field / from / to.
//!
//! Grammar seen in Tanma's records (seed 001):
//! - `将{字段}:{旧值} 改为: {新值}` — a field changed; values may hold colons (times) and emoji;
//!   field names may carry stray spaces (`性别 `).
//! - `添加{字段}:{值}` — a field got its first value.
//! - `更新了标签` — tags changed (which ones is not said).
//!
//! Full-width colons and missing spaces are accepted too; anything else is kept verbatim.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum ChangeLog {
    Changed {
        field: String,
        from: String,
        to: String,
    },
    Added {
        field: String,
        value: String,
    },
    Removed {
        field: String,
        value: String,
    },
    TagsUpdated,
    /// Text that follows none of the known forms, shown as written.
    Unparsed {
        text: String,
    },
}

const CHANGED_MARKERS: [&str; 2] = ["改为:", "改为："];

/// Parses one change-log text. Never fails: unknown forms become `Unparsed`.
pub fn parse_change_log(text: &str) -> ChangeLog {
    let trimmed = text.trim();
    if trimmed == "更新了标签" || trimmed == "更新标签" {
        return ChangeLog::TagsUpdated;
    }
    if let Some(rest) = trimmed.strip_prefix('将')
        && let Some(parsed) = parse_changed(rest)
    {
        return parsed;
    }
    for (prefix, removed) in [("添加", false), ("删除", true)] {
        if let Some(rest) = trimmed.strip_prefix(prefix)
            && let Some((field, value)) = split_field(rest)
        {
            return if removed {
                ChangeLog::Removed { field, value }
            } else {
                ChangeLog::Added { field, value }
            };
        }
    }
    ChangeLog::Unparsed { text: text.to_string() }
}

/// `{field}:{from} 改为: {to}` — the first `改为:` separates old from new, because the field
/// prefix is unambiguous while values may contain anything.
fn parse_changed(rest: &str) -> Option<ChangeLog> {
    let (at, marker) = CHANGED_MARKERS
        .iter()
        .filter_map(|m| rest.find(m).map(|i| (i, *m)))
        .min_by_key(|(i, _)| *i)?;
    let (field, from) = split_field(&rest[..at])?;
    let to = rest[at + marker.len()..].trim().to_string();
    Some(ChangeLog::Changed { field, from, to })
}

/// Splits `{field}:{value}` at the first colon (ASCII or full-width). Field names never
/// contain colons; values (times such as `10:29:00`) may.
fn split_field(text: &str) -> Option<(String, String)> {
    let at = text.find([':', '：'])?;
    let field = text[..at].trim();
    if field.is_empty() {
        return None;
    }
    let sep_len = text[at..].chars().next().map(char::len_utf8).unwrap_or(1);
    let value = text[at + sep_len..].trim();
    Some((field.to_string(), value.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn changed(field: &str, from: &str, to: &str) -> ChangeLog {
        ChangeLog::Changed {
            field: field.into(),
            from: from.into(),
            to: to.into(),
        }
    }

    fn added(field: &str, value: &str) -> ChangeLog {
        ChangeLog::Added {
            field: field.into(),
            value: value.into(),
        }
    }

    /// Every change-log record in seed 001 (Tanma follow/qw-list-by-customer), with what a rep
    /// should read.
    #[test]
    fn every_seed_001_record_parses() {
        let cases = [
            ("将姓名:刘工🐶 改为: 刘工", changed("姓名", "刘工🐶", "刘工")),
            ("添加企业:q", added("企业", "q")),
            ("添加描述:w", added("描述", "w")),
            ("更新了标签", ChangeLog::TagsUpdated),
            ("将销售阶段:需求确定11 改为: 丢单", changed("销售阶段", "需求确定11", "丢单")),
            ("将销售阶段:丢单 改为: 方案报价", changed("销售阶段", "丢单", "方案报价")),
            (
                "将销售阶段:方案报价 改为: 初步沟通啦",
                changed("销售阶段", "方案报价", "初步沟通啦"),
            ),
            ("将意向:高 改为: 低", changed("意向", "高", "低")),
            ("将客户来源:转介绍 改为: 其它", changed("客户来源", "转介绍", "其它")),
            ("将姓名:刘工 改为: 刘", changed("姓名", "刘工", "刘")),
            ("将性别 :男 改为: 其它", changed("性别", "男", "其它")),
            ("将年龄:31 改为: 312", changed("年龄", "31", "312")),
            ("将职业:开发呀 改为: 开发", changed("职业", "开发呀", "开发")),
            ("将家庭地址:secret a 改为: secret", changed("家庭地址", "secret a", "secret")),
            ("将多选:1 改为: 1,33333", changed("多选", "1", "1,33333")),
            (
                "将投保日期:2020-11-07 改为: 2020-11-06",
                changed("投保日期", "2020-11-07", "2020-11-06"),
            ),
            (
                "将日期时间:2020-11-07 10:29:00 改为: 2020-11-07 09:29:00",
                changed("日期时间", "2020-11-07 10:29:00", "2020-11-07 09:29:00"),
            ),
            ("将部门:dev 改为: deva", changed("部门", "dev", "deva")),
            ("将保费金:2 改为: 25", changed("保费金", "2", "25")),
            ("添加1123:w", added("1123", "w")),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_change_log(text), expected, "{text}");
        }
    }

    #[test]
    fn variants_and_unknown_forms() {
        assert_eq!(parse_change_log("将销售阶段：丢单 改为：赢单"), changed("销售阶段", "丢单", "赢单"));
        assert_eq!(parse_change_log("将意向:高改为:中"), changed("意向", "高", "中"));
        assert_eq!(parse_change_log("将备注: 改为: 王总"), changed("备注", "", "王总"));
        assert_eq!(
            parse_change_log("删除企业:云帆"),
            ChangeLog::Removed {
                field: "企业".into(),
                value: "云帆".into()
            }
        );
        assert_eq!(
            parse_change_log("客户已转移"),
            ChangeLog::Unparsed {
                text: "客户已转移".into()
            }
        );
        assert_eq!(
            parse_change_log("将:x 改为: y"),
            ChangeLog::Unparsed {
                text: "将:x 改为: y".into()
            }
        );
        assert_eq!(parse_change_log(""), ChangeLog::Unparsed { text: String::new() });
    }
}
