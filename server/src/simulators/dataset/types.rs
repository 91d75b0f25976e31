//! The public shapes of the shared customer universe. Vendor simulators read these and
//! project them onto their own wire formats; nothing here is vendor-wire-shaped on purpose,
//! except where a seed page fixes a value verbatim (ids, labels, Tanma change-log text).

use std::collections::BTreeMap;

/// WeCom customer type: a personal WeChat user (`1`) or a WeCom user of another company (`2`).
pub const KIND_WECHAT: u8 = 1;
/// See [`KIND_WECHAT`].
pub const KIND_WECOM: u8 = 2;

/// Gender codes as WeCom and Juzibot send them: 0 unknown, 1 male, 2 female.
pub const GENDER_UNKNOWN: u8 = 0;
/// See [`GENDER_UNKNOWN`].
pub const GENDER_MALE: u8 = 1;
/// See [`GENDER_UNKNOWN`].
pub const GENDER_FEMALE: u8 = 2;

/// Sales stages in pipeline order; the last two are terminal. Tanma's 销售阶段 field and
/// Weiling's `customer_stage` both take these labels for generated customers (seed records
/// may hold other, verbatim labels such as "需求确定11").
pub const STAGES: [&str; 6] = ["初步沟通", "需求确定", "方案报价", "商务谈判", "赢单", "丢单"];
/// Purchase intention labels (Tanma 意向).
pub const INTENTIONS: [&str; 3] = ["高", "中", "低"];
/// Customer source labels (Tanma 客户来源); seed 001 also shows "其它".
pub const SOURCES: [&str; 5] = ["转介绍", "官网", "展会", "地推", "广告"];

/// What [`crate::simulators::dataset::generate`] builds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UniverseOptions {
    /// Seeds every random choice (ChaCha8, one stream per record).
    pub seed: u64,
    /// Number of customers. Raised to [`crate::simulators::dataset::SEED_CUSTOMERS`] if
    /// smaller, because the seed-page customers are always present (they take indices 0..5).
    pub customers: usize,
    /// Number of clues (线索), including the seed-page clue, which is always present at
    /// index 0 (so `clues.max(1)` in total).
    pub clues: usize,
    /// "Now" in Unix milliseconds: every generated timeline ends before it. Fixed by default
    /// (2026-11-20 18:00 +08:00) so tests are reproducible; demo mode passes the real clock.
    pub now_ms: i64,
}

/// A sales rep (WeCom member) who follows customers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rep {
    /// WeCom user id, e.g. "ZhangWei", "LiuFuLai", "rocky" (Tanma `qwUserId`, Weiling
    /// `userid`, Juzibot `userId`).
    pub user_id: String,
    /// Display name, e.g. "张三" for "rocky" (seed 004).
    pub name: String,
    /// Team, e.g. "华东一组"; a manager sees the customers of the whole team.
    pub team: String,
    /// True for the team's manager (one per team).
    pub is_manager: bool,
    /// Avatar URL (Juzibot `followUser.avatar`).
    pub avatar: String,
}

/// A WeCom corp tag group (企业标签组) with its tags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagGroup {
    /// WeCom group id ("et…"); Weiling `group_id`, Juzibot tag group `id`.
    pub group_id: String,
    /// Tanma's own numeric id for the group (`/api/v3/tags/list-tree` `id`).
    pub tanma_id: i64,
    /// Group name, e.g. "客户等级".
    pub name: String,
    /// Display order (Juzibot `order`).
    pub order: u32,
    /// When the group was created, Unix ms (Juzibot `createTimestamp`).
    pub created_ms: i64,
    pub tags: Vec<CorpTag>,
}

/// One corp tag inside a [`TagGroup`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorpTag {
    /// WeCom corp tag id, always starting with "et" (Tanma `qwTagId`, Juzibot `tagId`).
    pub tag_id: String,
    /// Tanma's own numeric id for the tag (`list-tree` `tags[].id`).
    pub tanma_id: i64,
    /// Tag name, e.g. "A类".
    pub name: String,
}

/// A personal tag (个人标签) a rep can put on a customer. Juzibot shows these under the
/// group name [`PERSONAL_TAG_GROUP`] with no id; Weiling shows the id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonalTag {
    /// Id starting with "st".
    pub tag_id: String,
    pub name: String,
}

/// Group name Juzibot uses for personal tags (seed 004).
pub const PERSONAL_TAG_GROUP: &str = "个人标签";

/// Which vendors hold a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Presence {
    pub tanma: bool,
    pub weiling: bool,
    pub juzi: bool,
}

/// Weiling's `follow_users[].add_source` (`{type, id, name}`); shape from seed 003, values
/// invented (the seed only has "string" placeholders).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddSource {
    /// e.g. "contact_way" (渠道活码), "search", "share".
    pub kind: String,
    pub id: String,
    /// e.g. "展会活码".
    pub name: String,
}

/// One rep's WeCom friendship with a customer (Juzibot `followUser`, Weiling `follow_users`,
/// Tanma's (externalUserId, qwUserId) pair).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowRelation {
    /// Index into [`Universe::reps`].
    pub rep: usize,
    /// When the rep added the customer, Unix ms (Juzibot `createTimestamp`, Weiling
    /// `create_time`, Tanma `qwCustomerTime`).
    pub added_at_ms: i64,
    /// The rep's remark, at most 20 chars, e.g. "王总-云帆".
    pub remark: String,
    /// The rep's description, at most 150 chars (may be empty).
    pub description: String,
    /// WeCom `add_way` code (1 QR code, 2 mobile search, 3 card share, 4 group chat,
    /// 5 phone contacts, 6 WeChat contact, 201 shared by colleague, 202 assigned by admin).
    pub add_way: u32,
    pub add_source: AddSource,
    /// Company name the rep noted (Weiling `remark_corp_name`).
    pub remark_corp_name: Option<String>,
    /// Corp tag ids ("et…"), resolvable with [`Universe::corp_tag`].
    pub corp_tags: Vec<String>,
    /// Personal tag ids ("st…"), resolvable with [`Universe::personal_tag`].
    pub personal_tags: Vec<String>,
    /// Mobiles the rep wrote in the remark (Weiling/WeCom `remark_mobiles`).
    pub remark_mobiles: Vec<String>,
    /// Weiling `lost_state`: the customer deleted this rep.
    pub lost: bool,
}

/// A Tanma follow record (seed 001 shape), newest last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TanmaFollow {
    /// Tanma follow id; increasing along a customer's history and unique in the universe.
    pub id: i64,
    /// Index into [`Universe::reps`].
    pub rep: usize,
    /// Unix ms; render as Beijing time "yyyy-MM-dd HH:mm:ss" for `gmtCreateTime`.
    pub created_at_ms: i64,
    pub content: String,
    /// 1 = a note a rep wrote, 2 = a system change log (`将{字段}:{旧值} 改为: {新值}`,
    /// `添加{字段}:{值}`, `更新了标签`).
    pub follow_type: u8,
}

/// Tanma follow type of a rep's note.
pub const FOLLOW_NOTE: u8 = 1;
/// Tanma follow type of a system change log.
pub const FOLLOW_CHANGE_LOG: u8 = 2;

/// A Tanma customer custom-field definition (seed 000 `fields[].id/name`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TanmaFieldDef {
    pub id: i64,
    /// Verbatim, including seed 000's trailing space in "性别 ".
    pub name: &'static str,
}

/// One value of seed 000's `fields` array (`outerField` is always null, `stable` true).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TanmaFieldValue {
    pub id: i64,
    pub name: &'static str,
    pub value: Option<String>,
}

/// A Weiling company linked to a customer (`company_list`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeilingCompany {
    /// Same id for the same company name across customers.
    pub company_id: String,
    pub company_name: String,
}

/// A Weiling opportunity (商机) linked to a customer (`business_list`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeilingBusiness {
    pub business_id: String,
    pub business_name: String,
}

/// A Weiling follow record (跟进记录 / progress), oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeilingProgress {
    /// Numeric string id, unique in the universe.
    pub progress_id: String,
    /// Index into [`Universe::reps`] (`create_user_id`).
    pub rep: usize,
    /// Unix ms (`create_time`, 13 digits).
    pub created_at_ms: i64,
    /// HTML, e.g. "<p>电话沟通，客户关注价格</p>".
    pub content_html: String,
    /// The same text without markup (progress/get `remark`).
    pub plain_text: String,
}

/// What Weiling holds for a customer it knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeilingProfile {
    /// 43-char "oKBiDp…" id (`customer_id`).
    pub customer_id: String,
    /// Weiling's `customer_stage`. Equal to [`Person::stage`] except for the ~10% of
    /// Tanma+Weiling customers where the two vendors disagree on purpose.
    pub stage: String,
    pub companies: Vec<WeilingCompany>,
    pub businesses: Vec<WeilingBusiness>,
    /// Weiling clue ids linked to this customer (`clue_list[].clue_id`).
    pub clue_ids: Vec<String>,
    /// Follow records, oldest first; `latest_progress_id` is the last one's id and
    /// `first_progress_time` the first one's time.
    pub progress: Vec<WeilingProgress>,
}

/// What Tanma holds beyond the shared [`Person`] fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TanmaProfile {
    /// Follow history, oldest first, ids increasing.
    pub follows: Vec<TanmaFollow>,
}

/// One customer of the shared universe. Vendors that hold the customer (see `presence`)
/// show the same person with their own ids and shapes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// Position in [`Universe::customers`].
    pub index: usize,
    /// WeCom external user id: "wm" + 30 URL-safe chars, unique.
    pub external_user_id: String,
    /// WeChat unionId ("oz…", 28 chars when generated; seed 004's is 30). Most WeChat
    /// customers (kind 1) have one; WeCom customers (kind 2) never do.
    pub union_id: Option<String>,
    /// Real name, e.g. "王建国".
    pub name: String,
    /// WeChat nickname; may contain emoji.
    pub nickname: String,
    /// Avatar URL (http://wx.qlogo.cn/mmhead/…/0).
    pub avatar: String,
    /// [`GENDER_UNKNOWN`], [`GENDER_MALE`] or [`GENDER_FEMALE`].
    pub gender: u8,
    /// [`KIND_WECHAT`] or [`KIND_WECOM`].
    pub kind: u8,
    /// Full company name, e.g. "上海云帆信息科技有限公司" (Weiling `corp_full_name`).
    pub company: String,
    /// Short company name, e.g. "云帆" (Weiling `corp_name`).
    pub company_short: String,
    /// Industry label, one of the 行业 tag names.
    pub industry: String,
    pub position: Option<String>,
    /// 1–2 mobiles, 11 digits (seed 000 keeps its masked "158xxxxxxxx").
    pub mobiles: Vec<String>,
    /// Customer-level description (Tanma 描述).
    pub description: String,
    /// Current sales stage (Tanma 销售阶段), normally one of [`STAGES`].
    pub stage: String,
    /// Intention (Tanma 意向), normally one of [`INTENTIONS`].
    pub intention: String,
    /// Source (Tanma 客户来源), normally one of [`SOURCES`].
    pub source: String,
    /// When the customer first added any rep, Unix ms.
    pub added_at_ms: i64,
    /// Last follow-up (note or progress) time, Unix ms; `added_at_ms` when none.
    pub last_follow_ms: i64,
    /// 1–3 reps who have this customer as a WeCom friend; the first is the owner.
    pub follows: Vec<FollowRelation>,
    pub presence: Presence,
    /// Set exactly when `presence.tanma`.
    pub tanma: Option<TanmaProfile>,
    /// Set exactly when `presence.weiling`.
    pub weiling: Option<WeilingProfile>,
}

/// Tanma clue field value types (seed 002): 1 text, 2 option id, 3 date, 8 JSON list.
pub const CLUE_TEXT: u8 = 1;
/// See [`CLUE_TEXT`].
pub const CLUE_OPTION: u8 = 2;
/// See [`CLUE_TEXT`].
pub const CLUE_DATE: u8 = 3;
/// See [`CLUE_TEXT`].
pub const CLUE_JSON_LIST: u8 = 8;

/// A clue field definition: alias (`field`), value type and display name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClueFieldDef {
    pub alias: &'static str,
    pub field_type: u8,
    /// Chinese display name, e.g. "客户阶段".
    pub label: &'static str,
}

/// One typed clue field value (seed 002 `fields[]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClueField {
    /// e.g. "customer_stage".
    pub alias: &'static str,
    pub field_type: u8,
    /// `valueAsText`: option id for type 2, "yyyy-MM-dd" for 3, JSON list text for 8.
    pub value: Option<String>,
}

/// An option of an option-typed clue field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldOption {
    /// 15-digit number as a string, e.g. "396823724189760".
    pub id: String,
    pub label: String,
}

/// The options of one option-typed clue field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionSet {
    pub alias: &'static str,
    pub options: Vec<FieldOption>,
}

/// Company information attached to a clue (seed 002 `companyInfo`; attributes invented).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanyInfo {
    pub name: String,
    /// 18-char unified social credit code.
    pub credit_code: String,
    pub legal_person: String,
    pub industry: String,
    /// e.g. "500万人民币".
    pub registered_capital: String,
    pub address: String,
}

/// A clue (线索 / 待分配客户) in Tanma's seed 002 shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClueRecord {
    /// Position in [`Universe::clues`].
    pub index: usize,
    /// 15-digit Tanma `customerId`, unique.
    pub customer_id: i64,
    pub name: String,
    pub mobiles: Vec<String>,
    /// False once converted to a customer (and for the seed, which says false).
    pub is_clue: bool,
    /// Tanma `type` (1 线索, 2 待分配客户).
    pub kind: u8,
    /// In the order of [`Universe::clue_field_defs`].
    pub fields: Vec<ClueField>,
    /// Corp tag ids ("et…").
    pub tag_ids: Vec<String>,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
    /// Set for converted clues (`convertCustomerTime`).
    pub converted_at_ms: Option<i64>,
    /// The customer this clue became, if converted (index into [`Universe::customers`]).
    pub converted_customer: Option<usize>,
    pub company: Option<CompanyInfo>,
    /// Index into [`Universe::reps`] of the rep the clue is assigned to, if any.
    pub owner: Option<usize>,
    /// Tanma clue follow-ups (`/api/v3/clue/list-follow-up`), oldest first.
    pub follow_ups: Vec<TanmaFollow>,
    /// Tanma holds most clues.
    pub in_tanma: bool,
    /// Weiling clue id when Weiling holds the clue (`clue_list[].clue_id`).
    pub weiling_clue_id: Option<String>,
}

/// The whole deterministic universe. Index maps are `BTreeMap`s so iteration order never
/// depends on hashing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Universe {
    pub options: UniverseOptions,
    pub reps: Vec<Rep>,
    pub tag_groups: Vec<TagGroup>,
    pub personal_tags: Vec<PersonalTag>,
    /// Tanma customer fields (seed 000 ids 680–687) in seed 000's order.
    pub tanma_field_defs: Vec<TanmaFieldDef>,
    pub customers: Vec<Person>,
    pub clues: Vec<ClueRecord>,
    /// Clue field definitions in seed 002's order.
    pub clue_field_defs: Vec<ClueFieldDef>,
    /// Options of the option-typed clue fields (customer_source, purchase_intention, gender,
    /// customer_stage). Some clue values are deliberately absent from these sets.
    pub clue_field_options: Vec<OptionSet>,
    /// external_user_id → customer index.
    pub by_external_id: BTreeMap<String, usize>,
    /// union_id → customer index.
    pub by_union_id: BTreeMap<String, usize>,
    /// Weiling customer_id → customer index.
    pub by_weiling_id: BTreeMap<String, usize>,
    /// Any customer mobile → customer index (mobiles are unique among customers).
    pub by_mobile: BTreeMap<String, usize>,
    /// Tanma clue customerId → clue index.
    pub clue_by_id: BTreeMap<i64, usize>,
    /// Weiling clue_id → clue index.
    pub clue_by_weiling_id: BTreeMap<String, usize>,
    /// Corp tag id → (group index, tag index).
    pub corp_tag_index: BTreeMap<String, (usize, usize)>,
}
