//! Bounded fuzzing of every vendor reply parser, inside `cargo test` on stable Rust (no
//! cargo-fuzz, which needs nightly). Targets:
//!
//! - Tanma: `decode_envelope` with every typed `data` shape of `tanma::wire`, then `tanma::map`;
//! - Weiling: the client's envelope decoding (`decode_reply`) with every `data` shape of
//!   `weiling::wire`, then `weiling::map` (which turns follow-up HTML into text);
//! - Juzibot: the client's `decode` with every reply type of `juzi::wire`, then `juzi::map`;
//! - the change-log parser `app::domain::parse_change_log`.
//!
//! Inputs: the seed replies in `tests/fixtures` (taken from the vendor pages in
//! `shared/seeds`) plus hand-written replies for the shapes the pages do not show, mutated by
//! proptest-generated edits (bit flips, byte edits, truncation, splicing other seeds, JSON
//! values swapped for other types, huge numbers, deep nesting, unicode edge cases); arbitrary
//! JSON in each vendor's envelope; and arbitrary bytes. Inputs stay under 64 KiB.
//!
//! Properties: no panic; no case slower than `SLOW_CASE` (no hang); every error is a
//! `VendorError` of this vendor and endpoint with a kind a reply can cause (a body that is not
//! JSON is always `Undecodable`); everything mapped serialises to JSON and back unchanged (it
//! crosses to the browser); and every seed decodes and maps.
//!
//! `make test` runs `DEFAULT_CASES` cases per target with a fixed seed. For a longer run:
//! `SALESDESK_FUZZ_CASES=200000 cargo test -p salesdesk --test fuzz_vendor_parsers -- --nocapture`
//! (`SALESDESK_FUZZ_SEED=<n>` explores other inputs). Each target prints its counts.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt::Debug;
use std::time::{Duration, Instant};

use app::domain::{ChangeLog, VendorErrorKind, VendorId, parse_change_log};
use app::i18n::Locale;
use app::words::vendor_failure_words;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};
use salesdesk::vendors::VendorError;
use salesdesk::vendors::juzi::{client as juzi_client, map as juzi_map, wire as jw};
use salesdesk::vendors::tanma::client::decode_envelope;
use salesdesk::vendors::tanma::{map as tanma_map, wire as tw};
use salesdesk::vendors::weiling::{client as weiling_client, map as weiling_map, wire as ww};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

const DEFAULT_CASES: u32 = 2_000;
const MAX_INPUT: usize = 64 * 1024;
const SLOW_CASE: Duration = Duration::from_secs(2);

fn cases() -> u32 {
    std::env::var("SALESDESK_FUZZ_CASES")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(DEFAULT_CASES)
}

fn seed() -> u64 {
    std::env::var("SALESDESK_FUZZ_SEED")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
}

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

// ---------------------------------------------------------------------------------------
// Counting

/// What one target saw: cases run, decoder calls, and their outcomes.
#[derive(Default)]
struct Stats {
    cases: u64,
    calls: u64,
    ok: u64,
    errors: BTreeMap<String, u64>,
}

impl Stats {
    fn outcome<T>(&mut self, result: &Result<T, VendorError>) {
        self.calls += 1;
        match result {
            Ok(_) => self.ok += 1,
            Err(e) => *self.errors.entry(format!("{:?}", e.kind)).or_default() += 1,
        }
    }

    fn report(&self, target: &str, started: Instant) {
        eprintln!(
            "fuzz {target}: {} cases, {} decoder calls ({} ok, errors {:?}), seed {}, {:.1} s",
            self.cases,
            self.calls,
            self.ok,
            self.errors,
            seed(),
            started.elapsed().as_secs_f64()
        );
    }
}

// ---------------------------------------------------------------------------------------
// Inputs

/// Byte strings worth inserting: JSON syntax, numbers no integer type holds, escapes that
/// are not characters, and unicode edge cases.
const TOKENS: &[&[u8]] = &[
    b"\"",
    b"\\",
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b":",
    b"null",
    b"true",
    b"-0",
    b"1e400",
    b"-1e-400",
    b"18446744073709551616",
    b"-9223372036854775809",
    b"9223372036854775807",
    b"0.000000000000000000000000000001",
    b"\"code\":0,",
    b"\"code\":\"0\",",
    b"\"errcode\":0,",
    b"\"data\":",
    b"\\u0000",
    b"\\ud800",
    b"\\udfff\\ud800",
    b"\\u00e9",
    b"\xef\xbb\xbf",
    b"\xe2\x80\xae",
    b"\xf4\x8f\xbf\xbf",
    b"\xff\xfe",
    b"\xc3",
    b"\xf0\x9f\x90\xb6",
    b"\xcc\x81\xcc\x81\xcc\x81",
    b"<script>",
    b"</p>&amp;&#x1F600;&#99999999999;&#xD800;",
    b"\xe5\xb0\x86\xe9\x94\x80\xe5\x94\xae\xe9\x98\xb6\xe6\xae\xb5:",
    b"\xe6\x94\xb9\xe4\xb8\xba:",
];

/// Strings a JSON value may be swapped for.
const STRINGS: &[&str] = &[
    "",
    " ",
    "0",
    "-1",
    "1e3",
    "9223372036854775808",
    "1631618303000",
    "true",
    "null",
    "[]",
    "{}",
    "[\"1\"",
    "2020-02-30 25:61:61",
    "2020-11-30 15:18:13",
    "\u{0}",
    "\u{feff}",
    "\u{202e}abc",
    "\u{10ffff}",
    "e\u{301}\u{301}\u{301}",
    "🐶🐶",
    "将销售阶段:丢单 改为: 方案报价",
    "<p>a</p><script>x</script><br>&lt;&#x1F600;",
    "接口不存在",
    "invalid token",
    "#",
];

/// A JSON value to put in place of another.
#[derive(Clone, Debug)]
enum Atom {
    Null,
    Bool(bool),
    Int(i64),
    Unsigned(u64),
    Float(f64),
    Str(usize),
    LongStr(usize),
    EmptyArray,
    EmptyObject,
    /// `depth` nested arrays.
    Deep(usize),
}

impl Atom {
    fn value(&self) -> Value {
        match self {
            Atom::Null => Value::Null,
            Atom::Bool(b) => Value::Bool(*b),
            Atom::Int(i) => Value::from(*i),
            Atom::Unsigned(u) => Value::from(*u),
            Atom::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
            Atom::Str(i) => Value::from(STRINGS[i % STRINGS.len()]),
            Atom::LongStr(n) => Value::from("刘".repeat(*n)),
            Atom::EmptyArray => Value::Array(Vec::new()),
            Atom::EmptyObject => Value::Object(Default::default()),
            Atom::Deep(depth) => (0..*depth).fold(Value::Null, |inner, _| Value::Array(vec![inner])),
        }
    }
}

fn atom() -> impl Strategy<Value = Atom> {
    prop_oneof![
        Just(Atom::Null),
        any::<bool>().prop_map(Atom::Bool),
        prop_oneof![
            Just(0i64),
            Just(-1),
            Just(1),
            Just(2),
            Just(8),
            Just(1006),
            Just(i64::MAX),
            Just(i64::MIN),
            Just(99_999_999_999),
            any::<i64>()
        ]
        .prop_map(Atom::Int),
        Just(Atom::Unsigned(u64::MAX)),
        prop_oneof![Just(0.5f64), Just(-0.0), Just(1e308), Just(-1e-308), any::<f64>()].prop_map(Atom::Float),
        any::<usize>().prop_map(Atom::Str),
        (1usize..3000).prop_map(Atom::LongStr),
        Just(Atom::EmptyArray),
        Just(Atom::EmptyObject),
        (1usize..300).prop_map(Atom::Deep),
    ]
}

/// One edit of an input.
#[derive(Clone, Debug)]
enum Edit {
    FlipBit(Index, u8),
    SetByte(Index, u8),
    Truncate(Index),
    Delete(Index, usize),
    Insert(Index, usize),
    /// A slice of another seed, inserted here.
    Splice(Index, usize, Index, usize),
    Duplicate(Index, usize),
    /// JSON-level (skipped when the input is not JSON any more): a value replaced by another
    /// of any type, a key removed, a value wrapped in arrays.
    Replace(Index, Atom),
    RemoveKey(Index),
    Wrap(Index, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        2 => (any::<Index>(), 0u8..8).prop_map(|(i, b)| Edit::FlipBit(i, b)),
        1 => (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Edit::SetByte(i, b)),
        1 => any::<Index>().prop_map(Edit::Truncate),
        1 => (any::<Index>(), 1usize..64).prop_map(|(i, n)| Edit::Delete(i, n)),
        2 => (any::<Index>(), any::<usize>()).prop_map(|(i, t)| Edit::Insert(i, t)),
        1 => (any::<Index>(), any::<usize>(), any::<Index>(), 1usize..512).prop_map(|(i, s, f, n)| Edit::Splice(i, s, f, n)),
        1 => (any::<Index>(), 1usize..256).prop_map(|(i, n)| Edit::Duplicate(i, n)),
        6 => (any::<Index>(), atom()).prop_map(|(i, a)| Edit::Replace(i, a)),
        2 => any::<Index>().prop_map(Edit::RemoveKey),
        1 => (any::<Index>(), 1usize..200).prop_map(|(i, n)| Edit::Wrap(i, n)),
    ]
}

/// Visits every value of a JSON tree in pre-order until `f` returns true.
fn walk(value: &mut Value, f: &mut dyn FnMut(&mut Value) -> bool) -> bool {
    if f(value) {
        return true;
    }
    match value {
        Value::Array(items) => items.iter_mut().any(|v| walk(v, f)),
        Value::Object(map) => map.values_mut().any(|v| walk(v, f)),
        _ => false,
    }
}

fn count_nodes(value: &mut Value) -> usize {
    let mut n = 0;
    walk(value, &mut |_| {
        n += 1;
        false
    });
    n
}

/// Applies `f` to the node at `index` (pre-order) of the JSON in `input`, if it is JSON.
fn edit_json(input: &mut Vec<u8>, index: &Index, f: impl FnOnce(&mut Value)) {
    let Ok(mut root) = serde_json::from_slice::<Value>(input) else {
        return;
    };
    let target = index.index(count_nodes(&mut root));
    let (mut seen, mut f) = (0, Some(f));
    walk(&mut root, &mut |v| {
        if seen == target {
            if let Some(f) = f.take() {
                f(v);
            }
            return true;
        }
        seen += 1;
        false
    });
    if let Ok(bytes) = serde_json::to_vec(&root) {
        *input = bytes;
    }
}

fn apply(input: &mut Vec<u8>, edit: &Edit, seeds: &[Vec<u8>]) {
    let at = |i: &Index, len: usize| i.index(len + 1);
    match edit {
        Edit::FlipBit(i, bit) if !input.is_empty() => {
            let p = i.index(input.len());
            input[p] ^= 1 << bit;
        }
        Edit::SetByte(i, b) if !input.is_empty() => {
            let p = i.index(input.len());
            input[p] = *b;
        }
        Edit::Truncate(i) => input.truncate(at(i, input.len())),
        Edit::Delete(i, n) => {
            let p = at(i, input.len());
            let end = (p + n).min(input.len());
            input.drain(p..end);
        }
        Edit::Insert(i, t) => {
            let p = at(i, input.len());
            input.splice(p..p, TOKENS[t % TOKENS.len()].iter().copied());
        }
        Edit::Splice(i, s, from, n) => {
            let other = &seeds[s % seeds.len()];
            let start = from.index(other.len());
            let piece = other[start..(start + n).min(other.len())].to_vec();
            let p = at(i, input.len());
            input.splice(p..p, piece);
        }
        Edit::Duplicate(i, n) => {
            let p = at(i, input.len());
            let piece = input[p..(p + n).min(input.len())].to_vec();
            input.splice(p..p, piece);
        }
        Edit::Replace(i, a) => edit_json(input, i, |v| *v = a.value()),
        Edit::RemoveKey(i) => edit_json(input, i, |v| {
            if let Value::Object(map) = v
                && let Some(k) = map.keys().next().cloned()
            {
                map.remove(&k);
            }
        }),
        Edit::Wrap(i, depth) => edit_json(input, i, |v| {
            for _ in 0..*depth {
                *v = Value::Array(vec![v.take()]);
            }
        }),
        _ => {}
    }
    input.truncate(MAX_INPUT);
}

/// Arbitrary JSON, a few levels deep.
fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        prop::collection::vec(any::<char>(), 0..24).prop_map(|c| Value::String(c.into_iter().collect())),
        any::<usize>().prop_map(|i| Value::from(STRINGS[i % STRINGS.len()])),
    ];
    leaf.prop_recursive(5, 96, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    prop::collection::vec(any::<char>(), 0..12).prop_map(|c| c.into_iter().collect::<String>()),
                    any::<usize>().prop_map(|i| KEYS[i % KEYS.len()].to_string()),
                ],
                inner,
                0..8
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Field names of the vendors' replies, so arbitrary objects sometimes hit real fields.
const KEYS: &[&str] = &[
    "code",
    "message",
    "msg",
    "errcode",
    "errmsg",
    "data",
    "list",
    "nextCursor",
    "cursor",
    "fields",
    "id",
    "name",
    "type",
    "value",
    "valueAsText",
    "tagIds",
    "qwTagId",
    "tags",
    "options",
    "customerId",
    "externalUserId",
    "qwUserId",
    "followType",
    "gmtCreateTime",
    "createTime",
    "companyInfo",
    "customer_list",
    "follow_users",
    "customer_custom_field",
    "progress_list",
    "content",
    "create_time",
    "clue_list",
    "clue_id",
    "fail_list",
    "success_list",
    "followUser",
    "userId",
    "unionId",
    "text",
    "91639",
];

/// A body: a mutated seed (mostly), arbitrary JSON in an envelope, or arbitrary bytes.
fn body(seeds: Vec<Vec<u8>>, envelope: fn(Value) -> Value) -> impl Strategy<Value = Vec<u8>> {
    let n = seeds.len();
    let mutated = (0..n, prop::collection::vec(edit(), 1..8)).prop_map(move |(s, edits)| {
        let mut input = seeds[s].clone();
        for e in &edits {
            apply(&mut input, e, &seeds);
        }
        input
    });
    prop_oneof![
        7 => mutated,
        2 => json().prop_map(move |v| serde_json::to_vec(&envelope(v)).unwrap_or_default()),
        1 => prop::collection::vec(any::<u8>(), 0..2048),
    ]
}

// ---------------------------------------------------------------------------------------
// Properties

/// Decoding may fail only in ways a reply can cause, naming this vendor and endpoint; a
/// body that is not JSON is always `Undecodable`.
fn check_error(e: &VendorError, vendor: VendorId, endpoint: &str, body: &[u8]) -> Result<(), TestCaseError> {
    let fail = |why: String| Err(TestCaseError::fail(format!("{why}: {e}")));
    if e.vendor != vendor || e.endpoint != endpoint {
        return fail(format!("error names {} {}, not {vendor} {endpoint}", e.vendor, e.endpoint));
    }
    if matches!(
        e.kind,
        VendorErrorKind::Timeout | VendorErrorKind::Transport | VendorErrorKind::Unsupported
    ) {
        return fail("decoding reported a kind only the network or the adapter can cause".into());
    }
    if serde_json::from_slice::<serde::de::IgnoredAny>(body).is_err() && e.kind != VendorErrorKind::Undecodable {
        return fail("a body that is not JSON must be Undecodable".into());
    }
    // The error renders for logs and the page.
    let failure = e.to_failure();
    let words = |locale| vendor_failure_words(locale, &failure);
    if e.to_string().is_empty() || words(Locale::zh).is_empty() || words(Locale::en).is_empty() {
        return fail("an error without a message".into());
    }
    Ok(())
}

/// What is mapped crosses to the browser as JSON: it must serialise and read back the same.
fn check_round_trip<T: Serialize + DeserializeOwned + PartialEq + Debug>(value: &T) -> Result<(), TestCaseError> {
    let json = serde_json::to_string(value).map_err(|e| TestCaseError::fail(format!("does not serialise: {e}: {value:?}")))?;
    let back: T = serde_json::from_str(&json).map_err(|e| TestCaseError::fail(format!("does not read back: {e}: {json}")))?;
    if &back != value {
        return Err(TestCaseError::fail(format!("changes on the way: {value:?} → {back:?}")));
    }
    Ok(())
}

/// One body through every decoder of a vendor: counts outcomes, checks errors, and hands
/// each success to its mapping check.
struct Run<'a> {
    stats: &'a mut Stats,
    vendor: VendorId,
    body: &'a [u8],
    ok_before: u64,
}

impl<'a> Run<'a> {
    fn new(stats: &'a mut Stats, vendor: VendorId, body: &'a [u8]) -> Self {
        let ok_before = stats.ok;
        Run {
            stats,
            vendor,
            body,
            ok_before,
        }
    }

    fn check<T>(
        &mut self,
        endpoint: &str,
        result: Result<T, VendorError>,
        then: impl FnOnce(T) -> Result<(), TestCaseError>,
    ) -> Result<(), TestCaseError> {
        self.stats.outcome(&result);
        match result {
            Ok(v) => then(v),
            Err(e) => check_error(&e, self.vendor, endpoint, self.body),
        }
    }

    fn tanma<T: DeserializeOwned>(&mut self, ep: &str, then: impl FnOnce(T) -> Result<(), TestCaseError>) -> Result<(), TestCaseError> {
        self.check(ep, decode_envelope(ep, self.body), then)
    }

    /// `list`: the call treats Weiling's end-of-list code as an empty page.
    fn weiling<T: DeserializeOwned>(
        &mut self,
        ep: &str,
        list: bool,
        then: impl FnOnce(Option<T>) -> Result<(), TestCaseError>,
    ) -> Result<(), TestCaseError> {
        self.check(ep, weiling_client::decode_reply(ep, self.body, list), |d| then(d.flatten()))
    }

    fn juzi<T: DeserializeOwned>(&mut self, ep: &str, then: impl FnOnce(T) -> Result<(), TestCaseError>) -> Result<(), TestCaseError> {
        self.check(ep, juzi_client::decode(ep, self.body), then)
    }

    /// How many decoders succeeded.
    fn successes(&self) -> usize {
        (self.stats.ok - self.ok_before) as usize
    }
}

/// Runs `property` on `cases()` inputs from `strategy`; a failure (a panic included) is
/// reported with its smallest input.
fn fuzz<S: Strategy>(target: &str, strategy: S, property: impl Fn(&S::Value) -> Result<(), TestCaseError>)
where
    S::Value: Debug,
{
    let started = Instant::now();
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed().to_le_bytes());
    let config = Config {
        cases: cases(),
        failure_persistence: None,
        max_shrink_iters: 10_000,
        ..Config::default()
    };
    let mut runner = TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes));
    let count = RefCell::new(0u64);
    let result = runner.run(&strategy, |input| {
        *count.borrow_mut() += 1;
        let t = Instant::now();
        let outcome = property(&input);
        if t.elapsed() > SLOW_CASE {
            return Err(TestCaseError::fail(format!("slow case: {:?}", t.elapsed())));
        }
        outcome
    });
    eprintln!(
        "fuzz {target}: {} executions (shrinking included), {:.1} s",
        count.borrow(),
        started.elapsed().as_secs_f64()
    );
    match result {
        Ok(()) => {}
        Err(TestError::Fail(why, input)) => panic!("fuzz {target} found: {why}\nsmallest input: {input:?}"),
        Err(TestError::Abort(why)) => panic!("fuzz {target} aborted: {why}"),
    }
}

fn show(body: &[u8]) -> String {
    body.escape_ascii().to_string()
}

/// A seed whose envelope code (`code` / `errcode`) is missing or not zero.
fn is_error_reply(seed: &[u8]) -> bool {
    let v: Value = serde_json::from_slice(seed).expect("seeds are JSON");
    let code = v.get("code").or_else(|| v.get("errcode"));
    !matches!(code, Some(c) if c == 0 || c == "0")
}

// ---------------------------------------------------------------------------------------
// Tanma

const TANMA_SEEDS: &[&str] = &[
    // clue/list-by-create-time-asc
    r#"{"code":0,"message":"ok","data":{"list":[{"customerId":410983932389440,"isClue":true,"type":1,"fields":[{"field":"name","type":1,"valueAsText":"王"},{"field":"mobile","type":8,"valueAsText":"[\"13800000000\",\"\"]"},{"field":"customer_stage","type":2,"valueAsText":"1"}],"tagIds":["et1","42"],"createTime":"2021-05-11 15:15:48","lastUpdateTime":"2021-05-11","convertCustomerTime":"2021-06-01 08:00:00","companyInfo":{"name":"探马","size":50,"city":"杭州","x":null}}],"nextCursor":12}}"#,
    // clue/list-follow-up
    r#"{"code":0,"message":"ok","data":{"list":[{"id":5,"type":1,"content":"回访","createTime":"2021-05-11 15:15:48","operator":{"qwUserId":"LiuFuLai","name":"刘"}},{"id":"6","type":2,"content":"将意向:高 改为: 低","createTime":"2021-05-12 09:00:00"}],"nextCursor":"c2"}}"#,
    // tags/list-tree
    r#"{"code":0,"message":"ok","data":[{"id":1,"name":"客户等级","qwTagId":"etG1","tags":[{"id":"42","name":"A级","qwTagId":"et1"},{"id":43,"name":"B级","qwTagId":null}]},{"id":"2","name":"空","tags":null}]}"#,
    // profile-fields
    r#"{"code":0,"message":"ok","data":[{"id":91639,"alias":"customer_stage","name":"销售阶段","type":2,"options":[{"id":"1","name":"初步沟通"},{"id":396823724189760,"label":"丢单"}]},{"id":"91641","name":"性别 ","type":2,"options":null}]}"#,
    // customer/search
    r#"{"code":0,"message":"ok","data":{"data":[{"customerId":410983932389440,"wechatNickname":"Dxxxx","qwRemark":"刘总","externalUserId":"wmPBvlDQAAAtqjxUNvuEL5CRio1NWNXA","unionId":"oz1","qwSalesId":"LiuFuLai","isFriend":1,"tags":["et1",42,{"name":"重点","groupName":"等级"},{"qwTagId":"et1"},null],"mainFollows":[{"salesName":"刘福来","followDeptNames":["华东"]}],"contactList":[{"qwCustomerTime":"2020-11-30 15:18:13"}],"qwLastFollowTime":"2020-12-01 10:00:00","salesStageName":"方案报价","91639":"1","91641":["1","x",3],"91642":{"a":1},"91643":null,"abc":"ignored"}],"totalPage":3}}"#,
    // errors
    r#"{"code":1002,"message":"签名错误","data":null}"#,
    r#"{"code":-1,"message":"客户不存在"}"#,
    r#"{"code":-1,"message":"接口不存在"}"#,
    r#"{"code":0,"message":"success","data":null}"#,
];

fn tanma_seeds() -> Vec<Vec<u8>> {
    let mut seeds: Vec<Vec<u8>> = [
        "tanma_qw_details_response.json",
        "tanma_qw_follow_list_response.json",
        "tanma_clue_get_response.json",
    ]
    .iter()
    .map(|f| fixture(f))
    .collect();
    seeds.extend(TANMA_SEEDS.iter().map(|s| s.as_bytes().to_vec()));
    seeds
}

/// Seed metadata and records the mappings combine with fuzzed ones.
struct TanmaContext {
    fields: tanma_map::FieldIndex,
    tags: tanma_map::TagIndex,
    clue: tw::ClueDetail,
}

impl TanmaContext {
    fn new() -> Self {
        let fields: Vec<tw::ProfileField> = decode_envelope("/x", TANMA_SEEDS[3].as_bytes()).expect("profile-fields seed");
        let tags: Vec<tw::TagGroup> = decode_envelope("/x", TANMA_SEEDS[2].as_bytes()).expect("tag-tree seed");
        TanmaContext {
            fields: tanma_map::FieldIndex::from_fields(fields),
            tags: tanma_map::TagIndex::from_tree(&tags),
            clue: decode_envelope("/x", &fixture("tanma_clue_get_response.json")).expect("clue seed"),
        }
    }
}

/// Every Tanma decoder and mapping on one body; returns how many decoders succeeded.
fn tanma_property(body: &[u8], cx: &TanmaContext, stats: &mut Stats) -> Result<usize, TestCaseError> {
    let (fields, tags) = (&cx.fields, &cx.tags);
    let no_metadata = (tanma_map::FieldIndex::default(), tanma_map::TagIndex::default());
    let mut run = Run::new(stats, VendorId::Tanma, body);
    run.tanma("/api/v2/customer/qw-details", |d: Option<Vec<tw::QwCustomerDetail>>| {
        tanma_map::customer_from_details(&d.unwrap_or_default()).map_or(Ok(()), |c| check_round_trip(&c))
    })?;
    run.tanma(
        "/api/v2/customer/follow/qw-list-by-customer",
        |d: Option<Vec<tw::QwFollowRecord>>| {
            let mut entries: Vec<_> = d
                .unwrap_or_default()
                .iter()
                .filter_map(|r| tanma_map::follow_from_record(r).ok())
                .collect();
            tanma_map::sort_newest_first(&mut entries);
            entries.iter().try_for_each(check_round_trip)
        },
    )?;
    run.tanma("/api/v3/clue/get", |d: Option<tw::ClueDetail>| {
        d.map_or(Ok(()), |d| check_round_trip(&tanma_map::clue_from_detail(&d, fields, tags)))
    })?;
    run.tanma("/api/v3/clue/list-by-create-time-asc", |d: Option<tw::ClueListData>| {
        d.map(|d| d.list).unwrap_or_default().iter().try_for_each(|c| {
            check_round_trip(&tanma_map::clue_from_detail(c, fields, tags))?;
            check_round_trip(&tanma_map::clue_from_detail(c, &no_metadata.0, &no_metadata.1))
        })
    })?;
    run.tanma("/api/v3/clue/list-follow-up", |d: Option<tw::FollowUpListData>| {
        let items = d.map(|d| d.list).unwrap_or_default();
        items
            .iter()
            .filter_map(|i| tanma_map::follow_from_item(i).ok())
            .try_for_each(|e| check_round_trip(&e))
    })?;
    run.tanma("/api/v3/tags/list-tree", |d: Option<Vec<tw::TagGroup>>| {
        let index = tanma_map::TagIndex::from_tree(&d.unwrap_or_default());
        check_round_trip(&tanma_map::clue_from_detail(&cx.clue, fields, &index))
    })?;
    run.tanma("/api/v3/profile-fields", |d: Option<Vec<tw::ProfileField>>| {
        let index = tanma_map::FieldIndex::from_fields(d.unwrap_or_default());
        check_round_trip(&tanma_map::clue_from_detail(&cx.clue, &index, tags))
    })?;
    run.tanma("/api/v3/customer/search", |d: Option<tw::CustomerSearchData>| {
        let rows = d.map(|d| d.data).unwrap_or_default();
        rows.iter()
            .try_for_each(|row| check_round_trip(&tanma_map::customer_from_search_row(row, fields, tags)))
    })?;
    run.tanma("/api/v3/echo", |_: Value| Ok(()))?;
    Ok(run.successes())
}

fn tanma_envelope(data: Value) -> Value {
    serde_json::json!({"code": 0, "message": "ok", "data": data})
}

#[test]
fn tanma_seeds_decode_and_map() {
    let (cx, mut stats) = (TanmaContext::new(), Stats::default());
    for (i, seed) in tanma_seeds().iter().enumerate() {
        let ok = tanma_property(seed, &cx, &mut stats).unwrap_or_else(|e| panic!("seed {i}: {e}: {}", show(seed)));
        assert!(ok > 0 || is_error_reply(seed), "seed {i} decodes as no shape: {}", show(seed));
    }
    // Each seed in the shape it documents.
    let d: Vec<tw::QwCustomerDetail> = decode_envelope("/x", &fixture("tanma_qw_details_response.json")).unwrap();
    assert!(tanma_map::customer_from_details(&d).is_some());
    let r: Vec<tw::QwFollowRecord> = decode_envelope("/x", &fixture("tanma_qw_follow_list_response.json")).unwrap();
    assert!(r.iter().all(|r| tanma_map::follow_from_record(r).is_ok()));
    decode_envelope::<tw::ClueDetail>("/x", &fixture("tanma_clue_get_response.json")).unwrap();
    decode_envelope::<tw::ClueListData>("/x", TANMA_SEEDS[0].as_bytes()).unwrap();
    let f: tw::FollowUpListData = decode_envelope("/x", TANMA_SEEDS[1].as_bytes()).unwrap();
    assert!(f.list.iter().all(|i| tanma_map::follow_from_item(i).is_ok()));
    let s: tw::CustomerSearchData = decode_envelope("/x", TANMA_SEEDS[4].as_bytes()).unwrap();
    assert_eq!(s.data.len(), 1);
}

#[test]
fn fuzz_tanma_replies() {
    let started = Instant::now();
    let (cx, stats) = (TanmaContext::new(), RefCell::new(Stats::default()));
    fuzz("tanma", body(tanma_seeds(), tanma_envelope), |body| {
        let mut stats = stats.borrow_mut();
        stats.cases += 1;
        tanma_property(body, &cx, &mut stats).map(|_| ())
    });
    stats.borrow().report("tanma", started);
}

// ---------------------------------------------------------------------------------------
// Weiling

const WEILING_SEEDS: &[&str] = &[
    // customer/list
    r#"{"code":0,"msg":"success","data":{"data_list":["c1","c2"],"cursor":"n1"}}"#,
    r#"{"code":1006,"msg":"数据已全部加载"}"#,
    // customer/get_by_external_userid (3.4 types)
    r#"{"code":"0","msg":"ok","data":{"customer_id":"c1","external_userid":"wm1","type":1,"gender":2,"lost_state":0,"union_id":"u1","remark_mobiles":null,"follow_users":[{"userid":"rep","add_way":1,"lost_state":1,"add_source":{"type":1,"id":"s","name":"官网智能码"},"create_time":1629098403000,"customer_custom_field":"{\"budget\":\"b1\",\"visit\":1631618303000,\"multi\":[\"a\",\"b\"]}"}]}}"#,
    // v2/progress/list
    r#"{"code":0,"msg":"ok","data":{"progress_list":[{"progress_id":"p1","create_user_id":"rep","content":"<p>电话&amp;拜访</p><script>x</script><br/>&#x1F600;&#39;","image_file":"a.png,b.png,","create_time":1631618303,"attachment_file":[{"name":"报价.pdf","type":"pdf","size":"1024","url":"u"}]}],"cusor":"c"}}"#,
    // v2/progress/create
    r#"{"code":0,"msg":"ok","data":{"failList":[{"index":0,"error_code":"1001","error_msg":"userId不正确"}],"success_list":[{"index":1,"progress_id":"p"}]}}"#,
    // v2/custom/detail
    r#"{"code":0,"msg":"ok","data":{"api_key":"contact","fields":[{"api_name":"budget","view_name":"预算","property_type":"select","required":"1","enabled":true,"property_source":2,"options":[{"label":"b1","value":"十万以上"}],"min_length":0,"max_length":"20"},{"api_name":"visit","view_name":"拜访时间","property_type":"datetime"}]}}"#,
    // clue/list and clue/batch
    r#"{"code":0,"msg":"ok","data":{"clue_list":[{"clue_id":"k1","user_name":"李","mobile":"13800000000","clue_source":1,"level":"A","corp_name":"","company_list":[{"company_id":"co","company_name":"卫瓴"}],"status":"2","is_repeat":"true","is_useless":0,"owner_id":"rep","gender":1,"population_size":"50","create_time":"1631618303000","add_source":{"type":"1","name":"表单"}}],"cursor":null}}"#,
    // auth/access_token/get
    r#"{"code":0,"msg":"ok","data":{"access_token":"token-value-0123456789","expires_in":"7200"}}"#,
    // errors
    r#"{"code":1009,"msg":"接口调用超过频率限制"}"#,
    r#"{"code":"1001","msg":null,"data":{}}"#,
];

fn weiling_seeds() -> Vec<Vec<u8>> {
    let mut seeds = vec![fixture("weiling_customer_batch_response.json")];
    seeds.extend(WEILING_SEEDS.iter().map(|s| s.as_bytes().to_vec()));
    seeds
}

/// Success data of a Weiling seed.
fn weiling_data<T: DeserializeOwned>(seed: &str) -> T {
    weiling_client::decode_reply::<T>("/x", seed.as_bytes(), false)
        .expect("seed decodes")
        .flatten()
        .expect("seed has data")
}

/// Seed field descriptions and a seed customer the mappings combine with fuzzed ones.
struct WeilingContext {
    fields: Vec<ww::FieldDescription>,
    customer: ww::Customer,
}

impl WeilingContext {
    fn new() -> Self {
        WeilingContext {
            fields: weiling_data::<ww::CustomDetailData>(WEILING_SEEDS[5]).fields,
            customer: weiling_data(WEILING_SEEDS[2]),
        }
    }
}

fn weiling_property(body: &[u8], cx: &WeilingContext, stats: &mut Stats) -> Result<usize, TestCaseError> {
    let fields = &cx.fields;
    let customers = |list: Vec<ww::Customer>, fields: &[ww::FieldDescription]| {
        list.into_iter().try_for_each(|c| {
            check_round_trip(&weiling_map::customer(c.clone(), fields))?;
            check_round_trip(&weiling_map::customer(c, &[]))
        })
    };
    let mut run = Run::new(stats, VendorId::Weiling, body);
    for list in [true, false] {
        run.weiling("/customer/list", list, |_: Option<ww::CustomerIdList>| Ok(()))?;
        run.weiling("/clue/list", list, |d: Option<ww::ClueListData>| {
            let clues = d.map(|d| d.clue_list).unwrap_or_default();
            clues
                .into_iter()
                .filter_map(weiling_map::clue)
                .try_for_each(|c| check_round_trip(&c))
        })?;
    }
    run.weiling("/customer/batch", false, |d: Option<ww::CustomerBatchData>| {
        customers(d.map(|d| d.customer_list).unwrap_or_default(), fields)
    })?;
    run.weiling("/customer/get_by_external_userid", false, |d: Option<ww::Customer>| {
        customers(d.into_iter().collect(), fields)
    })?;
    run.weiling("/v2/progress/list", true, |d: Option<ww::ProgressListData>| {
        let records = d.map(|d| d.progress_list).unwrap_or_default();
        records
            .into_iter()
            .filter_map(weiling_map::progress)
            .try_for_each(|e| check_round_trip(&e))
    })?;
    run.weiling("/v2/progress/create", false, |_: Option<ww::ProgressCreateData>| Ok(()))?;
    run.weiling("/v2/custom/detail", false, |d: Option<ww::CustomDetailData>| {
        let described = d.map(|d| d.fields).unwrap_or_default();
        check_round_trip(&weiling_map::customer(cx.customer.clone(), &described))?;
        let values = [
            Value::from("b1"),
            Value::from(1_631_618_303_000i64),
            serde_json::json!(["b1", 2, null]),
        ];
        described.iter().try_for_each(|desc| {
            values
                .iter()
                .try_for_each(|v| check_round_trip(&weiling_map::field_value(v, Some(desc))))
        })
    })?;
    run.weiling("/auth/access_token/get", false, |_: Option<ww::TokenData>| Ok(()))?;
    // Any JSON as a custom-field value, with and without a description.
    run.weiling("/customer/edit", false, |d: Option<Value>| {
        let Some(value) = d else { return Ok(()) };
        check_round_trip(&weiling_map::field_value(&value, None))?;
        fields
            .iter()
            .try_for_each(|desc| check_round_trip(&weiling_map::field_value(&value, Some(desc))))
    })?;
    Ok(run.successes())
}

fn weiling_envelope(data: Value) -> Value {
    serde_json::json!({"code": 0, "msg": "ok", "data": data})
}

#[test]
fn weiling_seeds_decode_and_map() {
    let (cx, mut stats) = (WeilingContext::new(), Stats::default());
    for (i, seed) in weiling_seeds().iter().enumerate() {
        let ok = weiling_property(seed, &cx, &mut stats).unwrap_or_else(|e| panic!("seed {i}: {e}: {}", show(seed)));
        assert!(ok > 0 || is_error_reply(seed), "seed {i} decodes as no shape: {}", show(seed));
    }
    let batch = weiling_client::decode_reply::<ww::CustomerBatchData>("/x", &fixture("weiling_customer_batch_response.json"), false)
        .unwrap()
        .flatten()
        .unwrap();
    assert_eq!(batch.customer_list.len(), 1);
    assert!(
        weiling_client::decode_reply::<ww::ProgressListData>("/x", WEILING_SEEDS[1].as_bytes(), true)
            .unwrap()
            .is_none(),
        "end of list"
    );
    let p = weiling_client::decode_reply::<ww::ProgressListData>("/x", WEILING_SEEDS[3].as_bytes(), true)
        .unwrap()
        .flatten()
        .unwrap();
    assert!(weiling_map::progress(p.progress_list[0].clone()).is_some());
    let c = weiling_client::decode_reply::<ww::ClueListData>("/x", WEILING_SEEDS[6].as_bytes(), true)
        .unwrap()
        .flatten()
        .unwrap();
    assert!(weiling_map::clue(c.clue_list[0].clone()).is_some());
}

/// Inputs the fuzzing found problems with, kept as regression cases.
const FINDINGS: &[&str] = &[
    // `epoch_to_ms(i64::MIN)` overflowed `abs` (a custom date field, a progress time).
    r#"{"code":"0","data":-9223372036854775808,"msg":"ok"}"#,
    r#"{"code":0,"msg":"ok","data":{"progress_list":[{"progress_id":"p","create_time":-9223372036854775808}]}}"#,
];

#[test]
fn findings_stay_fixed() {
    let (tanma, weiling) = (TanmaContext::new(), WeilingContext::new());
    let mut stats = Stats::default();
    for body in FINDINGS.iter().map(|f| f.as_bytes()) {
        tanma_property(body, &tanma, &mut stats).unwrap_or_else(|e| panic!("{e}: {}", show(body)));
        weiling_property(body, &weiling, &mut stats).unwrap_or_else(|e| panic!("{e}: {}", show(body)));
        juzi_property(body, &mut stats).unwrap_or_else(|e| panic!("{e}: {}", show(body)));
    }
}

#[test]
fn fuzz_weiling_replies() {
    let started = Instant::now();
    let (cx, stats) = (WeilingContext::new(), RefCell::new(Stats::default()));
    fuzz("weiling", body(weiling_seeds(), weiling_envelope), |body| {
        let mut stats = stats.borrow_mut();
        stats.cases += 1;
        weiling_property(body, &cx, &mut stats).map(|_| ())
    });
    stats.borrow().report("weiling", started);
}

// ---------------------------------------------------------------------------------------
// Juzibot

const JUZI_SEEDS: &[&str] = &[
    // tag/list
    r#"{"errcode":0,"errmsg":"ok","data":[{"id":1,"name":"等级","createTimestamp":1604048292,"order":1,"tags":[{"id":"et1","name":"A"},{"id":2,"name":"B","order":null}]},{"id":"g2","tags":null}]}"#,
    // fail_list with WeCom number codes
    r#"{"errcode":0,"errmsg":"ok","fail_list":[{"userId":"rocky","unionId":"oz1","remark":"张总","errcode":84061,"errmsg":"not external contact"}]}"#,
    // errors
    r#"{"errcode":401,"errmsg":"invalid token"}"#,
    r#"{"errcode":-1,"errmsg":"remark exceed the limit"}"#,
    r#"{"errmsg":"no code"}"#,
];

fn juzi_seeds() -> Vec<Vec<u8>> {
    let mut seeds: Vec<Vec<u8>> = [
        "juzi_customer_list_response.json",
        "juzi_customer_detail_response.json",
        "juzi_set_remark_response.json",
        "juzi_add_follow_response.json",
    ]
    .iter()
    .map(|f| fixture(f))
    .collect();
    seeds.extend(JUZI_SEEDS.iter().map(|s| s.as_bytes().to_vec()));
    seeds
}

fn juzi_property(body: &[u8], stats: &mut Stats) -> Result<usize, TestCaseError> {
    let codes = |code: Option<&jw::LooseCode>| {
        let _ = code.map(|c| (c.as_i64(), c.text()));
    };
    let mut run = Run::new(stats, VendorId::Juzi, body);
    run.juzi("/api/v1/customer/list", |d: jw::ListResponse| {
        d.data.iter().try_for_each(|c| check_round_trip(&juzi_map::customer(c)))
    })?;
    run.juzi("/api/v1/customer/detail", |d: jw::DetailResponse| {
        d.data.iter().try_for_each(|c| {
            check_round_trip(&juzi_map::customer(c))?;
            c.follow_user.iter().try_for_each(|f| {
                check_round_trip(&juzi_map::follow_user(f))?;
                f.tags.iter().try_for_each(|t| check_round_trip(&juzi_map::tag(t)))
            })
        })
    })?;
    run.juzi("/api/v1/customer/set_remark", |d: jw::SetRemarkResponse| {
        d.fail_list.iter().for_each(|f| codes(f.errcode.as_ref()));
        Ok(())
    })?;
    run.juzi("/api/v1/customer/add_follow", |d: jw::AddFollowResponse| {
        d.fail_list.iter().for_each(|f| codes(f.errcode.as_ref()));
        Ok(())
    })?;
    run.juzi("/api/v1/tag/list", |_: jw::TagListResponse| Ok(()))?;
    Ok(run.successes())
}

fn juzi_envelope(data: Value) -> Value {
    serde_json::json!({"errcode": 0, "errmsg": "ok", "data": data})
}

#[test]
fn juzi_seeds_decode_and_map() {
    let mut stats = Stats::default();
    for (i, seed) in juzi_seeds().iter().enumerate() {
        let ok = juzi_property(seed, &mut stats).unwrap_or_else(|e| panic!("seed {i}: {e}: {}", show(seed)));
        assert!(ok > 0 || is_error_reply(seed), "seed {i} decodes as no shape: {}", show(seed));
    }
    let list: jw::ListResponse = juzi_client::decode("/x", &fixture("juzi_customer_list_response.json")).unwrap();
    assert!(!list.data.is_empty());
    let detail: jw::DetailResponse = juzi_client::decode("/x", &fixture("juzi_customer_detail_response.json")).unwrap();
    assert!(detail.data.is_some());
    juzi_client::decode::<jw::SetRemarkResponse>("/x", &fixture("juzi_set_remark_response.json")).unwrap();
    juzi_client::decode::<jw::AddFollowResponse>("/x", &fixture("juzi_add_follow_response.json")).unwrap();
}

#[test]
fn fuzz_juzi_replies() {
    let started = Instant::now();
    let stats = RefCell::new(Stats::default());
    fuzz("juzi", body(juzi_seeds(), juzi_envelope), |body| {
        let mut stats = stats.borrow_mut();
        stats.cases += 1;
        juzi_property(body, &mut stats).map(|_| ())
    });
    stats.borrow().report("juzi", started);
}

// ---------------------------------------------------------------------------------------
// Change logs

/// Every follow-up text in the seeds, plus the forms the parser knows.
fn change_log_seeds() -> Vec<String> {
    let mut seeds = Vec::new();
    let records: Vec<tw::QwFollowRecord> = decode_envelope("/x", &fixture("tanma_qw_follow_list_response.json")).expect("seed 001");
    seeds.extend(records.into_iter().filter_map(|r| r.content));
    seeds.extend(
        [
            "将日期时间:2020-11-07 10:29:00 改为: 2020-11-07 09:29:00",
            "将性别 ：男 改为：其它",
            "删除标签:重点",
            "更新标签",
            "将:a 改为: b",
            "添加:x",
            "普通的跟进记录",
        ]
        .map(String::from),
    );
    seeds
}

const LOG_PIECES: &[&str] = &[
    "将",
    "改为:",
    "改为：",
    ":",
    "：",
    " 改为: ",
    "添加",
    "删除",
    "更新了标签",
    " ",
    "\u{3000}",
    "\u{a0}",
    "\t\n",
    "\u{0}",
    "🐶",
    "e\u{301}",
    "\u{202e}",
    "\u{feff}",
    "\u{10ffff}",
];

/// One edit of a change-log text, on character boundaries.
#[derive(Clone, Debug)]
enum TextEdit {
    Insert(Index, usize),
    InsertChar(Index, char),
    Delete(Index, usize),
    Truncate(Index),
    Splice(Index, usize, Index, usize),
}

fn text_edit() -> impl Strategy<Value = TextEdit> {
    prop_oneof![
        3 => (any::<Index>(), any::<usize>()).prop_map(|(i, p)| TextEdit::Insert(i, p)),
        1 => (any::<Index>(), any::<char>()).prop_map(|(i, c)| TextEdit::InsertChar(i, c)),
        1 => (any::<Index>(), 1usize..8).prop_map(|(i, n)| TextEdit::Delete(i, n)),
        1 => any::<Index>().prop_map(TextEdit::Truncate),
        1 => (any::<Index>(), any::<usize>(), any::<Index>(), 1usize..16).prop_map(|(i, s, f, n)| TextEdit::Splice(i, s, f, n)),
    ]
}

fn apply_text(text: &str, edit: &TextEdit, seeds: &[String]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    let at = |i: &Index, len: usize| i.index(len + 1);
    match edit {
        TextEdit::Insert(i, p) => {
            let pos = at(i, chars.len());
            chars.splice(pos..pos, LOG_PIECES[p % LOG_PIECES.len()].chars());
        }
        TextEdit::InsertChar(i, c) => {
            let pos = at(i, chars.len());
            chars.insert(pos, *c);
        }
        TextEdit::Delete(i, n) => {
            let pos = at(i, chars.len());
            let end = (pos + n).min(chars.len());
            chars.drain(pos..end);
        }
        TextEdit::Truncate(i) => chars.truncate(at(i, chars.len())),
        TextEdit::Splice(i, s, from, n) => {
            let other: Vec<char> = seeds[s % seeds.len()].chars().collect();
            let start = from.index(other.len() + 1).min(other.len());
            let piece: Vec<char> = other[start..(start + n).min(other.len())].to_vec();
            let pos = at(i, chars.len());
            chars.splice(pos..pos, piece);
        }
    }
    chars.truncate(4096);
    chars.into_iter().collect()
}

/// What a parse may say about a text.
fn change_log_property(text: &str) -> Result<(), TestCaseError> {
    let parsed = parse_change_log(text);
    let fail = |why: &str| Err(TestCaseError::fail(format!("{why}: {text:?} → {parsed:?}")));
    if parse_change_log(text) != parsed {
        return fail("not deterministic");
    }
    let field_ok = |field: &str| !field.is_empty() && field.trim() == field && text.contains(field);
    let value_ok = |value: &str| value.trim() == value && text.contains(value);
    match &parsed {
        ChangeLog::Unparsed { text: kept } if kept != text => fail("an unparsed text must be kept verbatim"),
        ChangeLog::TagsUpdated if !matches!(text.trim(), "更新了标签" | "更新标签") => fail("not a tag update"),
        ChangeLog::Changed { field, from, to } if !(field_ok(field) && value_ok(from) && value_ok(to)) => fail("parts not from the text"),
        ChangeLog::Added { field, value } | ChangeLog::Removed { field, value } if !(field_ok(field) && value_ok(value)) => {
            fail("parts not from the text")
        }
        _ => check_round_trip(&parsed),
    }
}

#[test]
fn change_log_seeds_parse() {
    for text in change_log_seeds() {
        change_log_property(&text).unwrap_or_else(|e| panic!("{e}"));
    }
    // Every system change log of seed 001 is understood.
    let records: Vec<tw::QwFollowRecord> = decode_envelope("/x", &fixture("tanma_qw_follow_list_response.json")).expect("seed 001");
    for text in records
        .iter()
        .filter(|r| r.follow_type == tw::FOLLOW_TYPE_CHANGE)
        .filter_map(|r| r.content.as_deref())
    {
        assert!(!matches!(parse_change_log(text), ChangeLog::Unparsed { .. }), "{text}");
    }
}

#[test]
fn fuzz_change_logs() {
    let seeds = change_log_seeds();
    let n = seeds.len();
    let mutated = {
        let seeds = seeds.clone();
        (0..n, prop::collection::vec(text_edit(), 1..8))
            .prop_map(move |(s, edits)| edits.iter().fold(seeds[s].clone(), |text, e| apply_text(&text, e, &seeds)))
    };
    let strategy = prop_oneof![
        4 => mutated,
        1 => prop::collection::vec(any::<char>(), 0..256).prop_map(|c| c.into_iter().collect::<String>()),
        1 => prop::collection::vec(any::<usize>().prop_map(|i| LOG_PIECES[i % LOG_PIECES.len()]), 0..24).prop_map(|p| p.concat()),
    ];
    let started = Instant::now();
    fuzz("change_log", strategy, |text| change_log_property(text));
    eprintln!(
        "fuzz change_log: {} cases, seed {}, {:.1} s",
        cases(),
        seed(),
        started.elapsed().as_secs_f64()
    );
}
