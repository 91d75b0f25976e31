//! Customers: identity, company, pipeline state, WeCom relations with tags, and the Tanma
//! and Weiling histories, with the seed-page customers patched in verbatim.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::catalogue::{Catalogue, GROUP_INDUSTRY, GROUP_LEVEL, GROUP_PRODUCT, GROUP_SOURCE, GROUP_STATUS, tag_id};
use super::gender_label;
use super::generate::{DAY, HOUR, MINUTE, company, gender_draw, person_name, pick, sorted_times, stage_index, surname_of, weighted};
use super::ids::{self, STREAM_CUSTOMER, record_rng};
use super::names::{ADD_SOURCES, ADD_WAYS, NICKNAMES, POSITIONS, PRODUCTS};
use super::seeds;
use super::text::{self, NoteContext};
use super::types::*;

/// Id bases. Tanma follow ids get 64 slots per customer, progress ids 16, business ids 4:
/// more than any customer uses, so ids are unique by construction.
const TANMA_FOLLOW_ID_BASE: i64 = 10_000;
const TANMA_FOLLOW_SLOTS: i64 = 64;
const WEILING_COMPANY_ID_BASE: u64 = 1_600_000_000_000_000_000;
const WEILING_BUSINESS_ID_BASE: u64 = 1_650_000_000_000_000_000;
const WEILING_PROGRESS_ID_BASE: u64 = 1_700_000_000_000_000_000;

pub(super) fn person(opts: &UniverseOptions, cat: &Catalogue, index: usize) -> Person {
    let mut rng = record_rng(opts.seed, STREAM_CUSTOMER + index as u64);
    let now = opts.now_ms;

    let gender = gender_draw(&mut rng);
    let (_, name) = person_name(&mut rng, gender);
    let kind = if rng.random_bool(0.88) { KIND_WECHAT } else { KIND_WECOM };
    let external_user_id = ids::external_user_id(&mut rng, index);
    let union_id = if kind == KIND_WECHAT && rng.random_bool(0.92) {
        Some(ids::union_id(&mut rng, index))
    } else {
        None
    };
    let (industry, company, company_short, city) = company(&mut rng);
    let position = rng.random_bool(0.85).then(|| pick(&mut rng, &POSITIONS).to_owned());
    let mobile_count = if rng.random_bool(0.25) { 2 } else { 1 };
    let mobiles = (0..mobile_count).map(|k| ids::mobile(&mut rng, index as u64 * 2 + k)).collect();
    let stage = STAGES[weighted(&mut rng, &[25, 20, 18, 12, 13, 12])].to_owned();
    let intention = INTENTIONS[weighted(&mut rng, &[30, 45, 25])].to_owned();
    let source = pick(&mut rng, &SOURCES).to_owned();
    let description = text::description(&mut rng, city, industry, position.as_deref());
    // Skewed towards recent: most customers were added in the last few months.
    let u: f64 = rng.random();
    let added_at_ms = now - (u * u * 730.0 * DAY as f64) as i64 - 2 * HOUR;

    let mut p = Person {
        index,
        external_user_id,
        union_id,
        name,
        nickname: pick(&mut rng, &NICKNAMES).to_owned(),
        avatar: ids::avatar(&mut rng),
        gender,
        kind,
        company,
        company_short: company_short.to_owned(),
        industry: industry.to_owned(),
        position,
        mobiles,
        description,
        stage,
        intention,
        source,
        added_at_ms,
        last_follow_ms: added_at_ms,
        follows: Vec::new(),
        presence: Presence::default(),
        tanma: None,
        weiling: None,
    };
    patch_seed_basics(&mut p);

    let primary = seed_primary_rep(cat, index).unwrap_or_else(|| rng.random_range(0..cat.reps.len()));
    let relation_count = if index == seeds::SEED_TANMA_DETAIL || index == seeds::SEED_JUZI {
        1
    } else {
        1 + weighted(&mut rng, &[60, 30, 10])
    };
    p.follows = relations(&mut rng, cat, &p, primary, relation_count, now);
    patch_seed_relations(cat, &mut p);

    p.presence = seeds::SEED_PRESENCE.get(index).copied().unwrap_or_else(|| presence_draw(&mut rng));
    if p.presence.tanma {
        let follows = if index == seeds::SEED_TANMA_DETAIL {
            seed001_follows(cat)
        } else {
            tanma_history(&mut rng, &p, now)
        };
        p.tanma = Some(TanmaProfile { follows });
    }
    if p.presence.weiling {
        let mut profile = weiling_profile(&mut rng, &p, now);
        if index == seeds::SEED_WEILING {
            profile.customer_id = seeds::SEED003_WEILING_CUSTOMER_ID.to_owned();
        }
        p.weiling = Some(profile);
    }
    p.last_follow_ms = last_follow(&p);
    p
}

/// ~35% in all three vendors, every pair overlapping, some single-vendor customers.
fn presence_draw(rng: &mut ChaCha8Rng) -> Presence {
    const SHAPES: [(bool, bool, bool); 7] = [
        (true, true, true),
        (true, true, false),
        (true, false, true),
        (false, true, true),
        (true, false, false),
        (false, true, false),
        (false, false, true),
    ];
    let (tanma, weiling, juzi) = SHAPES[weighted(rng, &[35, 12, 12, 11, 12, 9, 9])];
    Presence { tanma, weiling, juzi }
}

fn last_follow(p: &Person) -> i64 {
    let tanma = p
        .tanma
        .iter()
        .flat_map(|t| t.follows.iter())
        .filter(|f| f.follow_type == FOLLOW_NOTE)
        .map(|f| f.created_at_ms);
    let weiling = p.weiling.iter().flat_map(|w| w.progress.iter()).map(|r| r.created_at_ms);
    tanma.chain(weiling).max().unwrap_or(p.added_at_ms).max(p.added_at_ms)
}

fn seed_primary_rep(cat: &Catalogue, index: usize) -> Option<usize> {
    let user_id = match index {
        seeds::SEED_TANMA_DETAIL => seeds::SEED000_REP,
        seeds::SEED_JUZI => seeds::SEED004_REP,
        seeds::SEED_TANMA_REQUEST => seeds::SEED000_REQUEST_REP,
        _ => return None,
    };
    cat.reps.iter().position(|r| r.user_id == user_id)
}

/// Seed identities, before relations and histories are derived from them.
fn patch_seed_basics(p: &mut Person) {
    match p.index {
        seeds::SEED_TANMA_DETAIL => {
            p.external_user_id = seeds::SEED000_EXTERNAL_USER_ID.to_owned();
            p.union_id = None;
            p.kind = KIND_WECHAT;
            p.mobiles = seeds::SEED000_MOBILES.iter().map(|m| (*m).to_owned()).collect();
            p.nickname = seeds::SEED000_NICKNAME.to_owned();
            p.avatar = seeds::SEED000_AVATAR.to_owned();
            p.company = seeds::SEED000_COMPANY.to_owned();
            p.company_short = seeds::SEED000_COMPANY.to_owned();
            p.description = seeds::SEED000_DESCRIPTION.to_owned();
            p.stage = seeds::SEED000_STAGE.to_owned();
            p.intention = seeds::SEED000_INTENTION.to_owned();
            p.source = seeds::SEED000_SOURCE.to_owned();
            p.name = seeds::SEED000_NAME.to_owned();
            p.gender = GENDER_MALE;
            p.added_at_ms = seeds::SEED000_ADDED_AT_MS;
        }
        seeds::SEED_JUZI => {
            p.external_user_id = seeds::SEED004_EXTERNAL_USER_ID.to_owned();
            p.union_id = Some(seeds::SEED004_UNION_ID.to_owned());
            p.name = seeds::SEED004_NAME.to_owned();
            p.avatar = seeds::SEED004_AVATAR.to_owned();
            p.gender = seeds::SEED004_GENDER;
            p.kind = seeds::SEED004_KIND;
            p.added_at_ms = seeds::SEED004_CREATE_TIMESTAMP;
        }
        seeds::SEED_TANMA_REQUEST => p.external_user_id = seeds::SEED000_REQUEST_EXTERNAL_USER_ID.to_owned(),
        seeds::SEED_TANMA_FOLLOW_REQUEST => p.external_user_id = seeds::SEED001_REQUEST_EXTERNAL_USER_ID.to_owned(),
        _ => {}
    }
}

/// Seed 004's follow user exactly: rocky, remark 张总, its createTimestamp and two tags.
fn patch_seed_relations(cat: &Catalogue, p: &mut Person) {
    if p.index != seeds::SEED_JUZI {
        return;
    }
    if let Some(rel) = p.follows.first_mut() {
        rel.remark = seeds::SEED004_REMARK.to_owned();
        rel.added_at_ms = seeds::SEED004_CREATE_TIMESTAMP;
        rel.corp_tags = vec![seeds::SEED004_TAG_ID.to_owned()];
        rel.personal_tags = cat
            .personal_tags
            .get(cat.seed_personal_tag)
            .map(|t| t.tag_id.clone())
            .into_iter()
            .collect();
    }
}

fn relations(rng: &mut ChaCha8Rng, cat: &Catalogue, p: &Person, primary: usize, count: usize, now: i64) -> Vec<FollowRelation> {
    // Partial Fisher–Yates over the other reps picks distinct secondary reps.
    let mut others: Vec<usize> = (0..cat.reps.len()).filter(|&r| r != primary).collect();
    let extra = count.saturating_sub(1).min(others.len());
    for k in 0..extra {
        let j = rng.random_range(k..others.len());
        others.swap(k, j);
    }
    let surname = surname_of(&p.name);
    let chosen = std::iter::once(primary).chain(others.into_iter().take(extra));
    chosen
        .enumerate()
        .map(|(k, rep)| {
            let owner = k == 0;
            let added_at_ms = if owner {
                p.added_at_ms
            } else {
                p.added_at_ms + rng.random_range(0..=((now - p.added_at_ms) / 2).max(0))
            };
            let source = rng.random_range(0..ADD_SOURCES.len());
            let (source_kind, source_name) = ADD_SOURCES[source];
            FollowRelation {
                rep,
                added_at_ms,
                remark: text::remark(rng, surname, &p.company_short),
                description: if rng.random_bool(if owner { 0.6 } else { 0.25 }) {
                    text::description(rng, "", &p.industry, p.position.as_deref())
                } else {
                    String::new()
                },
                add_way: ADD_WAYS[source],
                add_source: AddSource {
                    kind: source_kind.to_owned(),
                    id: format!("{}", 30_000 + source * 7 + rep),
                    name: source_name.to_owned(),
                },
                remark_corp_name: rng.random_bool(0.6).then(|| p.company_short.clone()),
                corp_tags: relation_corp_tags(rng, cat, p, owner),
                personal_tags: relation_personal_tags(rng, cat),
                remark_mobiles: if rng.random_bool(if owner { 0.6 } else { 0.2 }) {
                    p.mobiles.iter().take(1).cloned().collect()
                } else {
                    Vec::new()
                },
                lost: rng.random_bool(0.03),
            }
        })
        .collect()
}

/// Corp tags that agree with the customer: level from intention, industry, source channel,
/// wanted products; secondary reps tag less.
fn relation_corp_tags(rng: &mut ChaCha8Rng, cat: &Catalogue, p: &Person, owner: bool) -> Vec<String> {
    let level = match p.intention.as_str() {
        "高" => "A类",
        "中" => "B类",
        _ => "C类",
    };
    let mut tags: Vec<String> = tag_id(cat, GROUP_LEVEL, level).into_iter().collect();
    if owner || rng.random_bool(0.3) {
        tags.extend(tag_id(cat, GROUP_INDUSTRY, &p.industry));
    }
    if owner {
        tags.extend(tag_id(cat, GROUP_SOURCE, &p.source));
    }
    let products = rng.random_range(0..=if owner { 2 } else { 1 });
    let first = rng.random_range(0..PRODUCTS.len());
    for k in 0..products {
        tags.extend(tag_id(cat, GROUP_PRODUCT, PRODUCTS[(first + k) % PRODUCTS.len()]));
    }
    if rng.random_bool(0.3) {
        let status = match stage_index(&p.stage) {
            Some(2) | Some(3) => "已报价",
            Some(4) => "已签约",
            Some(5) => "暂无需求",
            _ => "待回访",
        };
        tags.extend(tag_id(cat, GROUP_STATUS, status));
    }
    tags
}

fn relation_personal_tags(rng: &mut ChaCha8Rng, cat: &Catalogue) -> Vec<String> {
    let count = weighted(rng, &[50, 35, 15]);
    let first = rng.random_range(0..cat.seed_personal_tag.max(1));
    (0..count)
        .filter_map(|k| {
            cat.personal_tags
                .get((first + k) % cat.seed_personal_tag.max(1))
                .map(|t| t.tag_id.clone())
        })
        .collect()
}

/// A consistent walk through the pipeline from 初步沟通 to `stage`, sometimes skipping a
/// stage or stepping back and forth once, always ending at `stage`.
fn stage_path(rng: &mut ChaCha8Rng, stage: &str) -> Vec<&'static str> {
    let Some(target) = stage_index(stage) else {
        return Vec::new();
    };
    let lost = target == 5;
    let reach = if lost { rng.random_range(0..=3) } else { target };
    let mut path = vec![STAGES[0]];
    for (s, &name) in STAGES.iter().enumerate().take(reach + 1).skip(1) {
        if s == reach || rng.random_bool(0.7) {
            path.push(name);
        }
    }
    if path.len() >= 3 && target != 4 && rng.random_bool(0.15) {
        let (a, b) = (path[path.len() - 2], path[path.len() - 1]);
        path.push(a);
        path.push(b);
    }
    if lost {
        path.push(STAGES[5]);
    }
    path
}

/// A rep who has the customer as a friend (notes come from any of them).
fn random_rep(rng: &mut ChaCha8Rng, p: &Person) -> usize {
    let k = rng.random_range(0..p.follows.len().max(1));
    p.follows.get(k).or(p.follows.first()).map_or(0, |f| f.rep)
}

struct Event {
    rep: usize,
    content: String,
    follow_type: u8,
}

/// Tanma follow history: change logs in seed 001's grammar (stage and intention chains end
/// at the current values) interleaved with rep notes, ids increasing with time.
fn tanma_history(rng: &mut ChaCha8Rng, p: &Person, now: i64) -> Vec<TanmaFollow> {
    let owner = p.follows.first().map_or(0, |f| f.rep);
    let log = |content: String| Event {
        rep: owner,
        content,
        follow_type: FOLLOW_CHANGE_LOG,
    };
    let mut seq = vec![log(text::add_log("企业", &p.company))];
    if !p.description.is_empty() && rng.random_bool(0.5) {
        seq.push(log(text::add_log("描述", &p.description)));
    }
    if rng.random_bool(0.35) {
        // Nicknames often carry emoji, like seed 001's "刘工🐶".
        seq.push(log(text::change_log("姓名", &p.nickname, &p.name)));
    }
    let path = stage_path(rng, &p.stage);
    if let Some(first) = path.first() {
        seq.push(log(text::add_log("销售阶段", first)));
    }
    for pair in path.windows(2) {
        seq.push(log(text::change_log("销售阶段", pair[0], pair[1])));
    }
    let initial_intention = pick(rng, &INTENTIONS);
    seq.push(log(text::add_log("意向", initial_intention)));
    if initial_intention != p.intention {
        seq.push(log(text::change_log("意向", initial_intention, &p.intention)));
    }
    seq.push(log(text::add_log("客户来源", &p.source)));
    if let Some(label) = gender_label(p.gender).filter(|_| rng.random_bool(0.3)) {
        seq.push(log(text::add_log("性别 ", label)));
    }
    for _ in 0..1 + usize::from(rng.random_bool(0.3)) {
        seq.push(log(text::TAGS_UPDATED.to_owned()));
    }
    if rng.random_bool(0.25) {
        // Datetime values contain colons, like seed 001's 日期时间 change.
        let old = now - rng.random_range(1..30) * DAY + rng.random_range(9..18) * HOUR;
        let new = old + rng.random_range(1..10) * DAY + 30 * MINUTE;
        seq.push(log(text::datetime_change("下次回访时间", old, new)));
    }
    let ctx = NoteContext {
        surname: surname_of(&p.name),
        company_short: &p.company_short,
        position: p.position.as_deref(),
        stage: &p.stage,
    };
    for _ in 0..rng.random_range(1..=4) {
        let rep = random_rep(rng, p);
        let at = rng.random_range(1..=seq.len());
        seq.insert(
            at,
            Event {
                rep,
                content: text::note(rng, &ctx),
                follow_type: FOLLOW_NOTE,
            },
        );
    }

    let times = sorted_times(rng, seq.len(), p.added_at_ms + MINUTE, now - 10 * MINUTE);
    let base = TANMA_FOLLOW_ID_BASE + p.index as i64 * TANMA_FOLLOW_SLOTS;
    seq.into_iter()
        .zip(times)
        .enumerate()
        .map(|(k, (e, created_at_ms))| TanmaFollow {
            id: base + k as i64,
            rep: e.rep,
            created_at_ms,
            content: e.content,
            follow_type: e.follow_type,
        })
        .collect()
}

/// Seed 001's records verbatim, by seed 000's rep.
fn seed001_follows(cat: &Catalogue) -> Vec<TanmaFollow> {
    let rep = cat.reps.iter().position(|r| r.user_id == seeds::SEED000_REP).unwrap_or(0);
    seeds::SEED001_FOLLOWS
        .iter()
        .map(|&(id, content, follow_type, at)| TanmaFollow {
            id,
            rep,
            created_at_ms: seeds::seed_time(at),
            content: content.to_owned(),
            follow_type,
        })
        .collect()
}

/// A stage next to `stage`, for the deliberate Tanma/Weiling disagreement (Weiling lags or
/// runs ahead by one step, as when a rep updates only one tool).
fn neighbour_stage(stage: &str) -> &'static str {
    match stage_index(stage) {
        Some(0) => STAGES[1],
        Some(i @ 1..=3) => STAGES[i - 1],
        Some(_) => STAGES[3],
        None => STAGES[0],
    }
}

fn weiling_profile(rng: &mut ChaCha8Rng, p: &Person, now: i64) -> WeilingProfile {
    let customer_id = ids::weiling_customer_id(rng, p.index);
    let stage = if p.presence.tanma && rng.random_bool(0.10) {
        neighbour_stage(&p.stage).to_owned()
    } else {
        p.stage.clone()
    };
    let companies = if rng.random_bool(0.85) {
        vec![WeilingCompany {
            company_id: (WEILING_COMPANY_ID_BASE + ids::fnv1a(&p.company) % 10_000_000_000_000_000).to_string(),
            company_name: p.company.clone(),
        }]
    } else {
        Vec::new()
    };
    let business_count = match stage_index(&stage) {
        Some(0) | None => 0,
        Some(_) => 1 + usize::from(rng.random_bool(0.3)),
    };
    let (year, ..) = ids::beijing_parts(now);
    let businesses = (0..business_count)
        .map(|k| WeilingBusiness {
            business_id: (WEILING_BUSINESS_ID_BASE + p.index as u64 * 4 + k as u64).to_string(),
            business_name: if k == 0 {
                format!("{}-{}采购项目", p.company_short, pick(rng, &PRODUCTS))
            } else {
                format!("{}{}年度续约", p.company_short, year + 1)
            },
        })
        .collect();
    let ctx = NoteContext {
        surname: surname_of(&p.name),
        company_short: &p.company_short,
        position: p.position.as_deref(),
        stage: &stage,
    };
    let count = rng.random_range(0..=4);
    let times = sorted_times(rng, count, p.added_at_ms + HOUR, now - 5 * MINUTE);
    let progress = times
        .into_iter()
        .enumerate()
        .map(|(k, created_at_ms)| {
            let rep = random_rep(rng, p);
            let (content_html, plain_text) = text::progress_html(rng, &ctx);
            WeilingProgress {
                progress_id: (WEILING_PROGRESS_ID_BASE + p.index as u64 * 16 + k as u64).to_string(),
                rep,
                created_at_ms,
                content_html,
                plain_text,
            }
        })
        .collect();
    WeilingProfile {
        customer_id,
        stage,
        companies,
        businesses,
        clue_ids: Vec::new(),
        progress,
    }
}
