//! Word pools for realistic Chinese customers, companies and reps.

/// Reps: (WeCom user id, name, team, is_manager). The seed ids "LiuFuLai", "ZhuShanPeng" and
/// "rocky" (张三, seed 004) are real; the rest are pinyin CamelCase like WeCom defaults.
pub(crate) const REPS: [(&str, &str, &str, bool); 8] = [
    ("ZhangWei", "张伟", "华东一组", true),
    ("LiuFuLai", "刘福来", "华东一组", false),
    ("ZhuShanPeng", "朱山鹏", "华东一组", false),
    ("WangFang", "王芳", "华东一组", false),
    ("ChenLei", "陈磊", "华南二组", true),
    ("rocky", "张三", "华南二组", false),
    ("LiJing", "李静", "华南二组", false),
    ("ZhaoMin", "赵敏", "华南二组", false),
];

pub(crate) const SURNAMES: [&str; 40] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗", "郑", "梁",
    "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "欧阳",
];

pub(crate) const GIVEN_MALE: [&str; 32] = [
    "伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "明", "建国", "志强", "海波", "国栋", "宇航", "浩然", "子轩", "俊杰", "文博",
    "振华", "晓东", "立新", "永康", "家豪", "天宇", "鹏飞", "建华", "光辉", "思远", "嘉诚", "一鸣", "正阳",
];

pub(crate) const GIVEN_FEMALE: [&str; 32] = [
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "婷", "雪", "丽华", "秀英", "晓燕", "慧敏", "雨欣", "梓涵", "欣怡", "诗琪", "佳怡",
    "梦洁", "若曦", "婉清", "思彤", "悦然", "可馨", "雅琴", "春梅", "海燕", "文静", "晨曦", "语嫣", "紫薇",
];

/// WeChat nicknames; some carry emoji, as real ones do.
pub(crate) const NICKNAMES: [&str; 36] = [
    "Sunny",
    "阿杰",
    "Kevin王",
    "🌸小雨",
    "老周",
    "平安喜乐",
    "向日葵🌻",
    "Tony",
    "静待花开",
    "A-李总",
    "追风少年",
    "Grace",
    "大鹏",
    "木子",
    "简单点",
    "🍀四叶草",
    "David.Chen",
    "晴天",
    "海阔天空",
    "一帆风顺",
    "小鱼儿🐟",
    "Amy",
    "云淡风轻",
    "老陈茶叶",
    "Jason",
    "知足常乐",
    "🐶旺财",
    "清风徐来",
    "Lily",
    "奋斗的蜗牛",
    "Michael",
    "岁月静好",
    "☀️阳光",
    "Coco",
    "老刘",
    "勿忘初心",
];

pub(crate) const CITIES: [&str; 14] = [
    "上海", "北京", "深圳", "杭州", "广州", "苏州", "成都", "南京", "武汉", "西安", "宁波", "厦门", "合肥", "天津",
];

pub(crate) const BRANDS: [&str; 40] = [
    "云帆", "星河", "瑞达", "华信", "博远", "鼎新", "恒泰", "启明", "中科", "锐思", "天禾", "嘉和", "优品", "致远", "万象", "蓝海", "腾跃",
    "金桥", "海纳", "卓越", "新锐", "科创", "泰和", "盛世", "宏图", "安信", "汇通", "晨光", "正元", "德众", "同创", "易达", "凯盛", "明辉",
    "众联", "百川", "永信", "联拓", "睿智", "智远",
];

/// Industries (the 行业 tag names) with the company-name suffixes that fit them.
pub(crate) const INDUSTRIES: [(&str, &[&str]); 5] = [
    ("制造业", &["精密机械", "智能制造", "新材料", "汽车零部件", "电子"]),
    ("教育", &["教育科技", "培训学校", "文化传播"]),
    ("医疗", &["医疗器械", "健康管理", "生物科技", "医药"]),
    ("零售", &["商贸", "连锁超市", "电子商务", "食品"]),
    ("互联网", &["信息科技", "网络科技", "软件", "数据服务"]),
];

pub(crate) const POSITIONS: [&str; 16] = [
    "总经理",
    "采购经理",
    "IT主管",
    "运营总监",
    "市场经理",
    "财务总监",
    "校长",
    "院长助理",
    "店长",
    "技术负责人",
    "CTO",
    "销售总监",
    "行政主管",
    "董事长",
    "项目经理",
    "客服主管",
];

/// How a rep addresses a customer in a remark ("王总-云帆").
pub(crate) const HONORIFICS: [&str; 6] = ["总", "经理", "老师", "工", "姐", "哥"];

/// Corp tag groups: (name, tags). Groups after the first four are extra variety.
pub(crate) const TAG_GROUPS: [(&str, &[&str]); 5] = [
    ("客户等级", &["A类", "B类", "C类"]),
    ("行业", &["制造业", "教育", "医疗", "零售", "互联网"]),
    ("来源渠道", &["转介绍", "官网", "展会", "地推", "广告"]),
    ("意向产品", &["CRM标准版", "CRM旗舰版", "营销云", "数据中台", "私有化部署"]),
    ("跟进状态", &["待回访", "已报价", "已签约", "暂无需求"]),
];

pub(crate) const PERSONAL_TAGS: [&str; 8] = [
    "重点跟进",
    "决策人",
    "价格敏感",
    "已加微信群",
    "需二次拜访",
    "老客户",
    "技术型",
    "爱砍价",
];

pub(crate) const PRODUCTS: [&str; 5] = ["CRM标准版", "CRM旗舰版", "营销云", "数据中台", "私有化部署"];

/// Weiling add_source: (type, name).
pub(crate) const ADD_SOURCES: [(&str, &str); 6] = [
    ("contact_way", "展会活码"),
    ("contact_way", "官网客服码"),
    ("contact_way", "地推物料码"),
    ("search", "搜索手机号"),
    ("share", "名片分享"),
    ("transfer", "离职继承"),
];

/// WeCom add_way codes matching ADD_SOURCES one to one.
pub(crate) const ADD_WAYS: [u32; 6] = [1, 1, 1, 2, 3, 202];

pub(crate) const LEGAL_PERSONS: [&str; 8] = ["王建国", "李春华", "陈志明", "刘德胜", "张立新", "周海涛", "吴秀兰", "赵永强"];

pub(crate) const STREETS: [&str; 10] = [
    "科技路",
    "人民路",
    "中山路",
    "建设大道",
    "长江路",
    "学府路",
    "创业大街",
    "解放路",
    "滨江大道",
    "工业园路",
];
