use std::collections::BTreeSet;

use super::ids::{beijing_date, beijing_datetime, beijing_ms};
use super::seeds;
use super::text::{ChangeLog, change_log, parse_change_log};
use super::*;

fn default_universe() -> Universe {
    generate(&UniverseOptions::default())
}

fn chrono_beijing(ms: i64) -> String {
    let offset = chrono::FixedOffset::east_opt(8 * 3600).map(|o| o.timestamp_millis_opt(ms).single());
    match offset {
        Some(Some(t)) => t.format("%Y-%m-%d %H:%M:%S").to_string(),
        _ => panic!("bad timestamp {ms}"),
    }
}
use chrono::TimeZone;

#[test]
fn same_options_give_identical_universes() {
    let opts = UniverseOptions::default();
    assert_eq!(generate(&opts), generate(&opts));
    let other = generate(&UniverseOptions {
        seed: opts.seed + 1,
        ..opts.clone()
    });
    assert_ne!(other.customers[SEED_CUSTOMERS..], default_universe().customers[SEED_CUSTOMERS..]);
}

#[test]
fn a_customer_does_not_depend_on_the_universe_size() {
    let small = default_universe();
    let big = generate(&UniverseOptions {
        customers: 1_000,
        ..UniverseOptions::default()
    });
    // Weiling clue links come from clues, which pick among all customers; compare the rest.
    for (a, b) in small.customers.iter().zip(&big.customers) {
        let strip = |p: &Person| {
            let mut p = p.clone();
            if let Some(w) = p.weiling.as_mut() {
                w.clue_ids.clear();
            }
            p
        };
        assert_eq!(strip(a), strip(b));
    }
}

#[test]
fn default_now_is_2026_11_20_18_00_beijing() {
    assert_eq!(DEFAULT_NOW_MS, 1_795_168_800_000);
    assert_eq!(chrono_beijing(DEFAULT_NOW_MS), "2026-11-20 18:00:00");
    assert_eq!(UniverseOptions::default().now_ms, DEFAULT_NOW_MS);
}

#[test]
fn beijing_time_helpers_agree_with_chrono() {
    let mut ms = beijing_ms(1969, 12, 31, 23, 59, 59);
    while ms < beijing_ms(2031, 3, 1, 0, 0, 0) {
        assert_eq!(beijing_datetime(ms), chrono_beijing(ms), "at {ms}");
        assert_eq!(beijing_date(ms), chrono_beijing(ms)[..10]);
        ms += 7 * 3_600_000 + 13 * 60_000 + 17_000 + 6 * 86_400_000;
    }
    assert_eq!(beijing_ms(2020, 11, 30, 15, 18, 13), 1_606_720_693_000);
}

#[test]
fn scales_linearly_and_keeps_counts() {
    let opts = UniverseOptions {
        customers: 20_000,
        clues: 5_000,
        ..UniverseOptions::default()
    };
    let started = std::time::Instant::now();
    let u = generate(&opts);
    let elapsed = started.elapsed();
    assert_eq!(u.customers.len(), 20_000);
    assert_eq!(u.clues.len(), 5_000);
    assert_eq!(u.by_external_id.len(), 20_000, "external ids must be unique");
    assert_eq!(u.clue_by_id.len(), 5_000, "clue ids must be unique");
    assert!(u.customers.iter().enumerate().all(|(i, p)| p.index == i));
    assert!(u.clues.iter().enumerate().all(|(i, c)| c.index == i));
    // Debug builds are ~10x slower than release; this still catches quadratic work.
    assert!(elapsed.as_secs() < 20, "20k customers took {elapsed:?}");
}

#[test]
fn seed_customers_survive_tiny_option_values() {
    let u = generate(&UniverseOptions {
        customers: 0,
        clues: 0,
        ..UniverseOptions::default()
    });
    assert_eq!(u.customers.len(), SEED_CUSTOMERS);
    assert_eq!(u.clues.len(), 1);
    assert_eq!(u.options.customers, SEED_CUSTOMERS);
    assert!(u.customer_by_external_id(seeds::SEED000_EXTERNAL_USER_ID).is_some());
    assert!(u.clue_by_tanma_id(seeds::SEED002_CLUE_ID).is_some());
}

#[test]
fn ids_are_unique_and_well_formed() {
    let u = generate(&UniverseOptions {
        customers: 3_000,
        clues: 600,
        ..UniverseOptions::default()
    });
    let url_safe = |s: &str| s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    let mut unions = BTreeSet::new();
    let mut weilings = BTreeSet::new();
    let mut mobiles = BTreeSet::new();
    let mut follow_ids = BTreeSet::new();
    let mut progress_ids = BTreeSet::new();
    for p in &u.customers {
        assert_eq!(p.external_user_id.len(), 32, "{}", p.external_user_id);
        assert!(p.external_user_id.starts_with("wm") && url_safe(&p.external_user_id));
        if let Some(id) = &p.union_id {
            assert!(id.starts_with("oz") && url_safe(id), "{id}");
            if p.index >= SEED_CUSTOMERS {
                assert_eq!(id.len(), 28);
            }
            assert!(unions.insert(id.clone()), "duplicate union id {id}");
        }
        if p.kind == KIND_WECOM {
            assert!(p.union_id.is_none(), "WeCom customers have no unionId");
        }
        if let Some(w) = &p.weiling {
            assert_eq!(w.customer_id.len(), 43);
            assert!(w.customer_id.starts_with("oKBiDp"));
            assert!(weilings.insert(w.customer_id.clone()));
            for r in &w.progress {
                assert!(progress_ids.insert(r.progress_id.clone()));
            }
        }
        for m in &p.mobiles {
            assert!(mobiles.insert(m.clone()), "duplicate mobile {m}");
            if p.index != seeds::SEED_TANMA_DETAIL {
                assert!(m.len() == 11 && m.bytes().all(|b| b.is_ascii_digit()) && m.starts_with('1'), "{m}");
            }
        }
        for f in p.tanma.iter().flat_map(|t| &t.follows) {
            assert!(follow_ids.insert(f.id), "duplicate follow id {}", f.id);
        }
    }
    for c in &u.clues {
        assert_eq!(c.customer_id.to_string().len(), 15);
        for f in &c.follow_ups {
            assert!(follow_ids.insert(f.id), "clue follow id {} clashes", f.id);
        }
        if c.converted_customer.is_none() && c.index > 0 {
            for m in &c.mobiles {
                assert!(!mobiles.contains(m), "fresh clue reuses customer mobile {m}");
            }
        }
    }
    let kind1 = u.customers.iter().filter(|p| p.kind == KIND_WECHAT).count();
    let with_union = u.customers.iter().filter(|p| p.kind == KIND_WECHAT && p.union_id.is_some()).count();
    assert!(
        with_union * 10 > kind1 * 8,
        "most WeChat customers have a unionId ({with_union}/{kind1})"
    );
    assert!(u.customers.iter().any(|p| p.kind == KIND_WECOM));
    let all_tags: Vec<&str> = u
        .tag_groups
        .iter()
        .flat_map(|g| g.tags.iter().map(|t| t.tag_id.as_str()).chain([g.group_id.as_str()]))
        .collect();
    assert!(all_tags.iter().all(|t| t.starts_with("et")));
    assert_eq!(all_tags.iter().collect::<BTreeSet<_>>().len(), all_tags.len());
    assert!(u.personal_tags.iter().all(|t| t.tag_id.starts_with("st")));
}

#[test]
fn relations_respect_wecom_limits_and_resolve() {
    let u = default_universe();
    for p in &u.customers {
        assert!((1..=3).contains(&p.follows.len()));
        let reps: BTreeSet<usize> = p.follows.iter().map(|f| f.rep).collect();
        assert_eq!(reps.len(), p.follows.len(), "one relation per rep");
        for f in &p.follows {
            assert!(f.rep < u.reps.len());
            assert!(f.remark.chars().count() <= 20, "remark {:?}", f.remark);
            assert!(f.description.chars().count() <= 150, "description {:?}", f.description);
            assert!(f.added_at_ms >= p.added_at_ms && f.added_at_ms <= u.options.now_ms);
            for t in &f.corp_tags {
                assert!(u.corp_tag(t).is_some(), "unknown corp tag {t}");
            }
            for t in &f.personal_tags {
                assert!(u.personal_tag(t).is_some(), "unknown personal tag {t}");
            }
        }
        assert!(p.description.chars().count() <= 150);
        assert!(p.last_follow_ms >= p.added_at_ms && p.last_follow_ms <= u.options.now_ms);
    }
    assert!(u.customers.iter().any(|p| p.follows.len() == 3));
    assert!(u.customers.iter().any(|p| p.follows.iter().any(|f| f.remark.contains('🐶'))));
    assert_eq!(u.reps.iter().filter(|r| r.is_manager).count(), 2);
    for rep in &u.reps {
        assert!(
            u.owned_by(u.rep_by_user_id(&rep.user_id).map_or(usize::MAX, |(i, _)| i))
                .next()
                .is_some(),
            "{} owns nobody",
            rep.user_id
        );
    }
}

#[test]
fn every_change_log_uses_seed_001_grammar() {
    let u = default_universe();
    let mut seen_emoji = false;
    let mut seen_colon_value = false;
    for p in &u.customers {
        for f in p.tanma.iter().flat_map(|t| &t.follows) {
            match f.follow_type {
                FOLLOW_NOTE => assert!(!f.content.is_empty()),
                FOLLOW_CHANGE_LOG => {
                    let parsed = parse_change_log(&f.content).unwrap_or_else(|| panic!("bad change log {:?}", f.content));
                    if let ChangeLog::Change { field, old, new } = parsed {
                        assert_eq!(change_log(field, old, new), f.content);
                        assert!(!f.content.contains(": 改为") && !f.content.contains("改为:  "));
                        seen_emoji |= old.chars().any(|c| c as u32 >= 0x1F000);
                        seen_colon_value |= old.contains(':') && new.contains(':');
                    }
                }
                other => panic!("follow type {other}"),
            }
        }
    }
    assert!(seen_emoji, "some change log values carry emoji");
    assert!(seen_colon_value, "some change log values contain colons");
    for (_, content, follow_type, _) in seeds::SEED001_FOLLOWS {
        if follow_type == FOLLOW_CHANGE_LOG {
            assert!(parse_change_log(content).is_some(), "{content}");
        }
    }
    assert_eq!(
        parse_change_log("将日期时间:2020-11-07 10:29:00 改为: 2020-11-07 09:29:00"),
        Some(ChangeLog::Change {
            field: "日期时间",
            old: "2020-11-07 10:29:00",
            new: "2020-11-07 09:29:00"
        })
    );
    assert_eq!(
        parse_change_log("将性别 :男 改为: 其它"),
        Some(ChangeLog::Change {
            field: "性别 ",
            old: "男",
            new: "其它"
        })
    );
    assert_eq!(parse_change_log("添加1123:w"), Some(ChangeLog::Add { field: "1123", value: "w" }));
    assert_eq!(parse_change_log("更新了标签"), Some(ChangeLog::TagsUpdated));
    assert_eq!(parse_change_log("将销售阶段: 丢单 改为:方案报价"), None);
    assert_eq!(parse_change_log("电话沟通"), None);
}

#[test]
fn stage_and_intention_logs_chain_to_the_current_values() {
    let u = generate(&UniverseOptions {
        customers: 2_000,
        ..UniverseOptions::default()
    });
    let mut checked = 0;
    for p in u.customers.iter().filter(|p| p.index != seeds::SEED_TANMA_DETAIL) {
        let Some(t) = &p.tanma else { continue };
        for (field, current) in [("销售阶段", &p.stage), ("意向", &p.intention)] {
            let mut value: Option<&str> = None;
            for f in t.follows.iter().filter(|f| f.follow_type == FOLLOW_CHANGE_LOG) {
                match parse_change_log(&f.content) {
                    Some(ChangeLog::Add { field: fld, value: v }) if fld == field => {
                        assert_eq!(value, None, "{field} added twice for {}", p.external_user_id);
                        value = Some(v);
                    }
                    Some(ChangeLog::Change { field: fld, old, new }) if fld == field => {
                        assert_eq!(value, Some(old), "{field} chain broken for {}", p.external_user_id);
                        value = Some(new);
                    }
                    _ => {}
                }
            }
            assert_eq!(
                value,
                Some(current.as_str()),
                "{field} chain of {} ends elsewhere",
                p.external_user_id
            );
        }
        checked += 1;
    }
    assert!(checked > 1_000);
}

#[test]
fn histories_are_ordered_and_inside_the_timeline() {
    let u = default_universe();
    let now = u.options.now_ms;
    for p in &u.customers {
        assert_eq!(p.tanma.is_some(), p.presence.tanma);
        assert_eq!(p.weiling.is_some(), p.presence.weiling);
        if let Some(t) = &p.tanma {
            assert!(!t.follows.is_empty());
            for w in t.follows.windows(2) {
                assert!(w[0].id < w[1].id && w[0].created_at_ms <= w[1].created_at_ms);
            }
            assert!(t.follows.iter().all(|f| f.created_at_ms >= p.added_at_ms && f.created_at_ms <= now));
            assert!(
                t.follows.iter().all(|f| p.relation(f.rep).is_some()),
                "follow by a rep without relation"
            );
        }
        if let Some(w) = &p.weiling {
            for r in &w.progress {
                assert!(r.content_html.starts_with("<p>") && r.content_html.ends_with("</p>"));
                assert!(!r.plain_text.contains('<'));
                assert!(r.created_at_ms >= p.added_at_ms && r.created_at_ms <= now);
            }
            assert!(w.progress.windows(2).all(|x| x[0].created_at_ms <= x[1].created_at_ms));
        }
    }
}

#[test]
fn vendors_overlap_as_intended() {
    let u = generate(&UniverseOptions {
        customers: 4_000,
        ..UniverseOptions::default()
    });
    let n = u.customers.len();
    let count = |f: &dyn Fn(&Presence) -> bool| u.customers.iter().filter(|p| f(&p.presence)).count();
    let all = count(&|p| p.tanma && p.weiling && p.juzi);
    assert!(all * 100 > n * 30 && all * 100 < n * 40, "all three: {all}/{n}");
    for (name, c) in [
        ("tanma", count(&|p| p.tanma)),
        ("weiling", count(&|p| p.weiling)),
        ("juzi", count(&|p| p.juzi)),
    ] {
        assert!(c * 2 > n, "{name} has only {c}/{n}");
    }
    assert!(count(&|p| p.tanma && p.weiling && !p.juzi) > 0);
    assert!(count(&|p| p.tanma && !p.weiling && p.juzi) > 0);
    assert!(count(&|p| !p.tanma && p.weiling && p.juzi) > 0);
    assert!(count(&|p| p.tanma && !p.weiling && !p.juzi) > 0);
    assert!(count(&|p| !p.tanma && !p.weiling && p.juzi) > 0);
    assert!(
        u.customers
            .iter()
            .all(|p| p.presence.tanma || p.presence.weiling || p.presence.juzi)
    );
}

#[test]
fn some_weiling_stages_disagree_with_tanma() {
    let u = generate(&UniverseOptions {
        customers: 4_000,
        ..UniverseOptions::default()
    });
    let both = u.customers.iter().filter(|p| p.presence.tanma && p.presence.weiling).count();
    let disagree = u.customers.iter().filter(|p| p.stage_disagrees()).count();
    assert!(disagree * 100 > both * 6 && disagree * 100 < both * 14, "{disagree}/{both}");
    assert!(u.customers.iter().filter(|p| !p.presence.tanma).all(|p| !p.stage_disagrees()));
    assert!(
        u.customers
            .iter()
            .filter_map(|p| p.weiling.as_ref())
            .all(|w| STAGES.contains(&w.stage.as_str()))
    );
    assert!(default_universe().customers.iter().any(Person::stage_disagrees));
}

#[test]
fn weiling_links_companies_opportunities_and_clues() {
    let u = default_universe();
    let profiles: Vec<&WeilingProfile> = u.customers.iter().filter_map(|p| p.weiling.as_ref()).collect();
    assert!(profiles.iter().any(|w| !w.companies.is_empty()));
    assert!(profiles.iter().any(|w| w.businesses.len() == 2));
    assert!(profiles.iter().any(|w| !w.clue_ids.is_empty()));
    for w in &profiles {
        for id in &w.clue_ids {
            let clue = u.clue_by_weiling_id.get(id).and_then(|&i| u.clues.get(i));
            assert!(clue.is_some_and(|c| c.converted_customer.is_some()), "clue {id}");
        }
    }
    // The same company keeps its id across customers.
    let mut by_name = std::collections::BTreeMap::new();
    for c in profiles.iter().flat_map(|w| &w.companies) {
        assert_eq!(
            by_name.entry(c.company_name.clone()).or_insert_with(|| c.company_id.clone()),
            &c.company_id
        );
    }
}

#[test]
fn clues_follow_seed_002_shape() {
    let u = generate(&UniverseOptions {
        clues: 600,
        ..UniverseOptions::default()
    });
    let aliases: Vec<&str> = CLUE_FIELDS.iter().map(|d| d.alias).collect();
    let mut unresolved = 0;
    let mut nulls = 0;
    for c in &u.clues {
        assert_eq!(c.fields.iter().map(|f| f.alias).collect::<Vec<_>>(), aliases);
        assert!(c.created_at_ms <= c.updated_at_ms && c.updated_at_ms <= u.options.now_ms);
        assert_eq!(c.converted_at_ms.is_some(), c.converted_customer.is_some());
        if c.converted_at_ms.is_some() {
            assert!(!c.is_clue);
        }
        for t in &c.tag_ids {
            assert!(u.corp_tag(t).is_some());
        }
        for f in &c.fields {
            let def = CLUE_FIELDS.iter().find(|d| d.alias == f.alias).map(|d| d.field_type);
            assert_eq!(def, Some(f.field_type));
            let Some(v) = &f.value else {
                nulls += 1;
                continue;
            };
            match f.field_type {
                CLUE_OPTION => {
                    assert_eq!(v.len(), 15);
                    if u.clue_option_label(f.alias, v).is_none() {
                        assert!(RETIRED_OPTION_IDS.contains(&v.as_str()), "{v}");
                        assert!(u.clue_field_options.iter().all(|s| s.label(v).is_none()));
                        unresolved += 1;
                    }
                }
                CLUE_JSON_LIST => {
                    let list: Vec<String> = serde_json::from_str(v).unwrap_or_else(|e| panic!("{v}: {e}"));
                    assert_eq!(list, c.mobiles);
                }
                CLUE_DATE => assert!(chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").is_ok(), "{v}"),
                _ => assert!(!v.is_empty()),
            }
        }
        if let Some(i) = c.converted_customer {
            assert_eq!(c.mobiles, u.customers[i].mobiles);
        }
    }
    assert!(unresolved > 0 && nulls > 0);
    assert!(u.clues.iter().any(|c| c.company.is_some()));
    assert!(u.clues.iter().any(|c| c.weiling_clue_id.is_some() && !c.in_tanma));
    assert!(u.clues.iter().filter(|c| c.in_tanma).count() * 2 > u.clues.len());
    assert!(u.clues.iter().all(|c| c.in_tanma || c.weiling_clue_id.is_some()));
    // Small universes exercise the fallback too.
    let small = default_universe();
    assert!(
        small
            .clues
            .iter()
            .flat_map(|c| &c.fields)
            .any(|f| f.value.as_deref() == Some(RETIRED_OPTION_IDS[0]))
    );
}

#[test]
fn seed_000_and_001_are_verbatim() {
    let u = default_universe();
    let p = u
        .customer_by_external_id("wmPBvlDQAAAtqjxUNvuEL5CRio1NWNXA")
        .unwrap_or_else(|| panic!("seed 000 customer missing"));
    assert_eq!(u.reps[p.follows[0].rep].user_id, "LiuFuLai");
    assert_eq!(p.mobiles, ["158xxxxxxxx", "123xxxxxxxx"]);
    assert_eq!(p.nickname, "Dxxxx");
    assert_eq!(
        p.avatar,
        "http://wx.qlogo.cn/mmhead/Q3auHgzwzM7cIBDgl0iaoiciaO8O8cibJFYPFs3vKOQwicDzzLgdjAcibuiaA/0"
    );
    assert_eq!(p.union_id, None);
    let values = p.tanma_fields();
    let fields: Vec<(i64, &str, Option<&str>)> = values.iter().map(|f| (f.id, f.name, f.value.as_deref())).collect();
    assert_eq!(
        fields,
        [
            (680, "电话", Some("158xxxxxxxx#123xxxxxxxx")),
            (681, "企业", Some("hja")),
            (682, "描述", Some("hj lfla")),
            (684, "销售阶段", Some("需求确定11")),
            (685, "意向", Some("高")),
            (686, "客户来源", Some("转介绍")),
            (683, "姓名", Some("大刘a")),
            (687, "性别 ", Some("男")),
        ]
    );
    let follows = &p.tanma.as_ref().unwrap_or_else(|| panic!("seed 001 follows missing")).follows;
    let expected = [
        (2263, "将姓名:刘工🐶 改为: 刘工", 2, "2020-11-30 15:18:13"),
        (2281, "添加企业:q", 2, "2020-12-02 12:56:40"),
        (2282, "添加描述:w", 2, "2020-12-02 12:56:51"),
        (2283, "更新了标签", 2, "2020-12-02 12:57:02"),
        (2284, "更新了标签", 2, "2020-12-02 12:57:24"),
        (2285, "将销售阶段:需求确定11 改为: 丢单", 2, "2020-12-02 12:57:48"),
        (2286, "将销售阶段:丢单 改为: 方案报价", 2, "2020-12-02 12:57:59"),
        (2287, "将销售阶段:方案报价 改为: 初步沟通啦", 2, "2020-12-02 12:58:07"),
        (2288, "将意向:高 改为: 低", 2, "2020-12-02 12:58:14"),
        (2289, "将客户来源:转介绍 改为: 其它", 2, "2020-12-02 12:58:17"),
        (2290, "将姓名:刘工 改为: 刘", 2, "2020-12-02 12:58:24"),
        (2291, "将性别 :男 改为: 其它", 2, "2020-12-02 12:58:30"),
        (2292, "将年龄:31 改为: 312", 2, "2020-12-02 12:58:37"),
        (2293, "将职业:开发呀 改为: 开发", 2, "2020-12-02 12:58:44"),
        (2294, "将家庭地址:secret a 改为: secret", 2, "2020-12-02 12:58:52"),
        (2295, "将多选:1 改为: 1,33333", 2, "2020-12-02 12:58:57"),
        (2296, "将投保日期:2020-11-07 改为: 2020-11-06", 2, "2020-12-02 12:59:01"),
        (
            2297,
            "将日期时间:2020-11-07 10:29:00 改为: 2020-11-07 09:29:00",
            2,
            "2020-12-02 12:59:07",
        ),
        (2298, "将部门:dev 改为: deva", 2, "2020-12-02 12:59:19"),
        (2299, "将保费金:2 改为: 25", 2, "2020-12-02 12:59:27"),
        (2300, "添加1123:w", 2, "2020-12-02 12:59:35"),
        (2322, "qq", 1, "2020-12-02 15:19:20"),
    ];
    assert_eq!(follows.len(), expected.len());
    for (f, (id, content, follow_type, time)) in follows.iter().zip(expected) {
        assert_eq!(
            (f.id, f.content.as_str(), f.follow_type, chrono_beijing(f.created_at_ms).as_str()),
            (id, content, follow_type, time)
        );
        assert_eq!(u.reps[f.rep].user_id, "LiuFuLai");
    }
    assert_eq!(
        u.tanma_field_defs.iter().map(|d| (d.id, d.name)).collect::<Vec<_>>(),
        TANMA_FIELDS.iter().map(|d| (d.id, d.name)).collect::<Vec<_>>()
    );
    // Generated Tanma customers use the same field ids and names.
    let other = u
        .customers
        .iter()
        .find(|p| p.index >= SEED_CUSTOMERS && p.presence.tanma)
        .unwrap_or_else(|| panic!("no Tanma customer"));
    let values = other.tanma_fields();
    assert_eq!(
        values.iter().map(|f| f.id).collect::<Vec<_>>(),
        [680, 681, 682, 684, 685, 686, 683, 687]
    );
    assert_eq!(values[3].value.as_deref(), Some(other.stage.as_str()));
    assert_eq!(values[0].value, Some(other.mobiles.join("#")));
}

#[test]
fn seed_request_examples_exist() {
    let u = default_universe();
    let p = u
        .customer_by_external_id("wmvRo3DwAAjRcO70jPyfVZa3B6uXc9Ng")
        .unwrap_or_else(|| panic!("seed 000 request customer"));
    assert!(p.presence.tanma);
    let (rep, _) = u.rep_by_user_id("ZhuShanPeng").unwrap_or_else(|| panic!("ZhuShanPeng"));
    assert!(p.relation(rep).is_some());
    let p = u
        .customer_by_external_id("wmCBS_DwAA3ANwxWOMX4L_vpyryu7TLg")
        .unwrap_or_else(|| panic!("seed 001 request customer"));
    assert!(p.tanma.as_ref().is_some_and(|t| !t.follows.is_empty()));
    let p = u
        .customer_by_weiling_id("oKBiDpCKNsX1wg0Rc3KlsjIlChV2f99qrUOGsp3Eqm8")
        .unwrap_or_else(|| panic!("seed 003 customer"));
    assert!(p.presence.weiling);
}

#[test]
fn seed_004_is_verbatim() {
    let u = default_universe();
    let p = u
        .customer_by_union_id("ozynqsulJFCZ2z1aYeS8h-nuasdAAA")
        .unwrap_or_else(|| panic!("seed 004 customer"));
    assert_eq!(p.external_user_id, "wmfvEMCAAAPHR9XslvYqTFgCJTULiZgg");
    assert_eq!(
        (p.name.as_str(), p.avatar.as_str(), p.gender, p.kind),
        ("李四", "http://p.qlogo.cn/bizmail/IcsdgagqefergqerhewSdage/0", 1, 1)
    );
    assert!(p.presence.juzi);
    assert_eq!(p.follows.len(), 1);
    let f = &p.follows[0];
    let rep = &u.reps[f.rep];
    assert_eq!(
        (rep.user_id.as_str(), rep.name.as_str(), rep.avatar.as_str()),
        ("rocky", "张三", "http://p.qlogo.cn/bizmail/IcsdgagqefergqerhewSdage/0")
    );
    assert_eq!((f.remark.as_str(), f.added_at_ms), ("张总", 1_604_048_292_000));
    assert_eq!(f.corp_tags, ["etDodGBwAA-rmc_3HDr84OnvfycgOQQQ"]);
    let (group, tag) = u.corp_tag(&f.corp_tags[0]).unwrap_or_else(|| panic!("seed tag"));
    assert_eq!((group.name.as_str(), tag.name.as_str()), ("标签组名", "标签名"));
    assert_eq!(f.personal_tags.len(), 1);
    assert_eq!(u.personal_tag(&f.personal_tags[0]).map(|t| t.name.as_str()), Some("个人标签名"));
    assert_eq!(PERSONAL_TAG_GROUP, "个人标签");
}

#[test]
fn seed_002_clue_is_verbatim() {
    let u = default_universe();
    let c = u.clue_by_tanma_id(410_983_932_389_440).unwrap_or_else(|| panic!("seed 002 clue"));
    assert!(!c.is_clue);
    assert_eq!(c.kind, 1);
    assert!(c.tag_ids.is_empty());
    assert_eq!(chrono_beijing(c.created_at_ms), "2021-05-11 15:15:48");
    assert_eq!(chrono_beijing(c.updated_at_ms), "2021-05-11 15:15:48");
    assert_eq!(c.converted_at_ms, None);
    let fields: Vec<(&str, u8, Option<&str>)> = c.fields.iter().map(|f| (f.alias, f.field_type, f.value.as_deref())).collect();
    assert_eq!(
        fields,
        [
            ("customer_source", 2, None),
            ("description", 1, Some("u 诶IE")),
            ("mobile", 8, Some("[\"145678388\"]")),
            ("address", 1, None),
            ("birthday", 3, None),
            ("corp_name", 1, None),
            ("name", 1, Some("打马赛克就")),
            ("purchase_intention", 2, None),
            ("gender", 2, None),
            ("customer_stage", 2, Some("396823724189760")),
        ]
    );
    assert_eq!(u.clue_option_label("customer_stage", "396823724189760"), Some("初步沟通"));
}
