//! The seed-page records (/work/shared/seeds), kept verbatim. They occupy customer indices
//! `0..SEED_CUSTOMERS` and clue index 0; the generator fills their remaining attributes.
//!
//! Seed 000/001's sample contradicts itself: its 销售阶段 field says "需求确定11" while its
//! change logs end at "初步沟通啦". Both are kept as the vendor wrote them, so the
//! stage-chain invariant holds for generated customers only.

use super::ids::beijing_ms;
use super::types::{FOLLOW_CHANGE_LOG, FOLLOW_NOTE, GENDER_MALE, KIND_WECHAT, Presence};

/// Seed customers, by index.
pub const SEED_CUSTOMERS: usize = 5;

/// Index of seed 000/001's Tanma customer.
pub const SEED_TANMA_DETAIL: usize = 0;
/// Index of seed 004's Juzibot customer (李四).
pub const SEED_JUZI: usize = 1;
/// Index of seed 000's request-example customer (with rep "ZhuShanPeng").
pub const SEED_TANMA_REQUEST: usize = 2;
/// Index of seed 001's request-example customer.
pub const SEED_TANMA_FOLLOW_REQUEST: usize = 3;
/// Index of seed 003's request-example Weiling customer.
pub const SEED_WEILING: usize = 4;

// --- seed 000 / 001 (Tanma) ---

pub const SEED000_EXTERNAL_USER_ID: &str = "wmPBvlDQAAAtqjxUNvuEL5CRio1NWNXA";
pub const SEED000_REP: &str = "LiuFuLai";
pub const SEED000_MOBILES: [&str; 2] = ["158xxxxxxxx", "123xxxxxxxx"];
pub const SEED000_NICKNAME: &str = "Dxxxx";
pub const SEED000_AVATAR: &str = "http://wx.qlogo.cn/mmhead/Q3auHgzwzM7cIBDgl0iaoiciaO8O8cibJFYPFs3vKOQwicDzzLgdjAcibuiaA/0";
/// Values of seed 000's `fields` (电话 is the mobiles joined by '#', 性别 is gender 1).
pub const SEED000_COMPANY: &str = "hja";
pub const SEED000_DESCRIPTION: &str = "hj lfla";
pub const SEED000_STAGE: &str = "需求确定11";
pub const SEED000_INTENTION: &str = "高";
pub const SEED000_SOURCE: &str = "转介绍";
pub const SEED000_NAME: &str = "大刘a";
/// Not in the seed (it omits `qwCustomerTime`): shortly before the first follow record.
pub const SEED000_ADDED_AT_MS: i64 = beijing_ms(2020, 11, 30, 10, 2, 41);

/// A Beijing wall-clock time as the seed writes it: (y, m, d, h, mi, s).
pub type SeedTime = (i64, i64, i64, i64, i64, i64);

/// Seed 001's 22 follow records: (id, content, followType, gmtCreateTime).
pub const SEED001_FOLLOWS: [(i64, &str, u8, SeedTime); 22] = [
    (2263, "将姓名:刘工🐶 改为: 刘工", FOLLOW_CHANGE_LOG, (2020, 11, 30, 15, 18, 13)),
    (2281, "添加企业:q", FOLLOW_CHANGE_LOG, (2020, 12, 2, 12, 56, 40)),
    (2282, "添加描述:w", FOLLOW_CHANGE_LOG, (2020, 12, 2, 12, 56, 51)),
    (2283, "更新了标签", FOLLOW_CHANGE_LOG, (2020, 12, 2, 12, 57, 2)),
    (2284, "更新了标签", FOLLOW_CHANGE_LOG, (2020, 12, 2, 12, 57, 24)),
    (
        2285,
        "将销售阶段:需求确定11 改为: 丢单",
        FOLLOW_CHANGE_LOG,
        (2020, 12, 2, 12, 57, 48),
    ),
    (2286, "将销售阶段:丢单 改为: 方案报价", FOLLOW_CHANGE_LOG, (2020, 12, 2, 12, 57, 59)),
    (
        2287,
        "将销售阶段:方案报价 改为: 初步沟通啦",
        FOLLOW_CHANGE_LOG,
        (2020, 12, 2, 12, 58, 7),
    ),
    (2288, "将意向:高 改为: 低", FOLLOW_CHANGE_LOG, (2020, 12, 2, 12, 58, 14)),
    (2289, "将客户来源:转介绍 改为: 其它", FOLLOW_CHANGE_LOG, (2020, 12, 2, 12, 58, 17)),
    (2290, "将姓名:刘工 改为: 刘", FOLLOW_CHANGE_LOG, (2020, 12, 2, 12, 58, 24)),
    (2291, "将性别 :男 改为: 其它", FOLLOW_CHANGE_LOG, (2020, 12, 2, 12, 58, 30)),
    (2292, "将年龄:31 改为: 312", FOLLOW_CHANGE_LOG, (2020, 12, 2, 12, 58, 37)),
    (2293, "将职业:开发呀 改为: 开发", FOLLOW_CHANGE_LOG, (2020, 12, 2, 12, 58, 44)),
    (
        2294,
        "将家庭地址:secret a 改为: secret",
        FOLLOW_CHANGE_LOG,
        (2020, 12, 2, 12, 58, 52),
    ),
    (2295, "将多选:1 改为: 1,33333", FOLLOW_CHANGE_LOG, (2020, 12, 2, 12, 58, 57)),
    (
        2296,
        "将投保日期:2020-11-07 改为: 2020-11-06",
        FOLLOW_CHANGE_LOG,
        (2020, 12, 2, 12, 59, 1),
    ),
    (
        2297,
        "将日期时间:2020-11-07 10:29:00 改为: 2020-11-07 09:29:00",
        FOLLOW_CHANGE_LOG,
        (2020, 12, 2, 12, 59, 7),
    ),
    (2298, "将部门:dev 改为: deva", FOLLOW_CHANGE_LOG, (2020, 12, 2, 12, 59, 19)),
    (2299, "将保费金:2 改为: 25", FOLLOW_CHANGE_LOG, (2020, 12, 2, 12, 59, 27)),
    (2300, "添加1123:w", FOLLOW_CHANGE_LOG, (2020, 12, 2, 12, 59, 35)),
    (2322, "qq", FOLLOW_NOTE, (2020, 12, 2, 15, 19, 20)),
];

/// Unix ms of a seed (y, m, d, h, mi, s) Beijing time.
pub const fn seed_time((y, mo, d, h, mi, s): SeedTime) -> i64 {
    beijing_ms(y, mo, d, h, mi, s)
}

// --- seed 000 / 001 request examples ---

pub const SEED000_REQUEST_EXTERNAL_USER_ID: &str = "wmvRo3DwAAjRcO70jPyfVZa3B6uXc9Ng";
pub const SEED000_REQUEST_REP: &str = "ZhuShanPeng";
pub const SEED001_REQUEST_EXTERNAL_USER_ID: &str = "wmCBS_DwAA3ANwxWOMX4L_vpyryu7TLg";

// --- seed 003 (Weiling) ---

pub const SEED003_WEILING_CUSTOMER_ID: &str = "oKBiDpCKNsX1wg0Rc3KlsjIlChV2f99qrUOGsp3Eqm8";

// --- seed 004 (Juzibot) ---

pub const SEED004_EXTERNAL_USER_ID: &str = "wmfvEMCAAAPHR9XslvYqTFgCJTULiZgg";
pub const SEED004_UNION_ID: &str = "ozynqsulJFCZ2z1aYeS8h-nuasdAAA";
pub const SEED004_NAME: &str = "李四";
pub const SEED004_AVATAR: &str = "http://p.qlogo.cn/bizmail/IcsdgagqefergqerhewSdage/0";
pub const SEED004_GENDER: u8 = GENDER_MALE;
pub const SEED004_KIND: u8 = KIND_WECHAT;
pub const SEED004_REP: &str = "rocky";
pub const SEED004_REP_NAME: &str = "张三";
pub const SEED004_REP_AVATAR: &str = "http://p.qlogo.cn/bizmail/IcsdgagqefergqerhewSdage/0";
pub const SEED004_REMARK: &str = "张总";
pub const SEED004_CREATE_TIMESTAMP: i64 = 1604048292000;
pub const SEED004_TAG_GROUP: &str = "标签组名";
pub const SEED004_TAG_NAME: &str = "标签名";
pub const SEED004_TAG_ID: &str = "etDodGBwAA-rmc_3HDr84OnvfycgOQQQ";
pub const SEED004_PERSONAL_TAG_NAME: &str = "个人标签名";

// --- seed 002 (Tanma clue) ---

pub const SEED002_CLUE_ID: i64 = 410983932389440;
pub const SEED002_IS_CLUE: bool = false;
pub const SEED002_TYPE: u8 = 1;
/// (alias, type, valueAsText) in the seed's order.
pub const SEED002_FIELDS: [(&str, u8, Option<&str>); 10] = [
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
];
pub const SEED002_NAME: &str = "打马赛克就";
pub const SEED002_MOBILE: &str = "145678388";
pub const SEED002_CREATE_TIME: i64 = beijing_ms(2021, 5, 11, 15, 15, 48);
pub const SEED002_LAST_UPDATE_TIME: i64 = beijing_ms(2021, 5, 11, 15, 15, 48);
/// The seed's customer_stage option id; the option sets resolve it to this label.
pub const SEED002_STAGE_OPTION: &str = "396823724189760";
pub const SEED002_STAGE_LABEL: &str = "初步沟通";

/// Which vendors hold each seed customer: seed 000's customer is Tanma-only (its sample
/// has no unionId); 李四 and the ZhuShanPeng example are everywhere, to show the merge.
pub const SEED_PRESENCE: [Presence; SEED_CUSTOMERS] = [
    Presence {
        tanma: true,
        weiling: false,
        juzi: false,
    },
    Presence {
        tanma: true,
        weiling: true,
        juzi: true,
    },
    Presence {
        tanma: true,
        weiling: true,
        juzi: true,
    },
    Presence {
        tanma: true,
        weiling: false,
        juzi: true,
    },
    Presence {
        tanma: true,
        weiling: true,
        juzi: false,
    },
];
