//! Id and time helpers. Ids embed a bijective scramble of the record index, so they are
//! unique by construction (no dedup set, no quadratic checks) yet do not look sequential.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;

/// Characters of WeCom/WeChat ids (URL-safe base64 alphabet).
pub(crate) const URL_SAFE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const ALNUM: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
const fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// Unix ms of a Beijing (UTC+8, no DST) wall-clock time. Const so seed timestamps are
/// written as the seed's own text, not as opaque numbers.
pub(crate) const fn beijing_ms(y: i64, mo: i64, d: i64, h: i64, mi: i64, s: i64) -> i64 {
    ((days_from_civil(y, mo, d) * 24 + h - 8) * 60 + mi) * 60_000 + s * 1000
}

/// Beijing wall-clock fields of Unix ms: (y, m, d, h, mi, s).
pub(crate) fn beijing_parts(ms: i64) -> (i64, i64, i64, i64, i64, i64) {
    let secs = ms.div_euclid(1000) + 8 * 3600;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Inverse of days_from_civil.
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d, rem / 3600, rem % 3600 / 60, rem % 60)
}

/// "yyyy-MM-dd HH:mm:ss" in Beijing time.
pub(crate) fn beijing_datetime(ms: i64) -> String {
    let (y, m, d, h, mi, s) = beijing_parts(ms);
    format!("{y:04}-{m:02}-{d:02} {h:02}:{mi:02}:{s:02}")
}

/// "yyyy-MM-dd" in Beijing time.
pub(crate) fn beijing_date(ms: i64) -> String {
    let (y, m, d, ..) = beijing_parts(ms);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Stream families, so customers, clues and catalogue data never share random numbers and
/// each record's content does not depend on how many records come before it.
pub(crate) const STREAM_CUSTOMER: u64 = 0;
pub(crate) const STREAM_CLUE: u64 = 1 << 40;
pub(crate) const STREAM_CATALOGUE: u64 = 1 << 41;

/// The random stream of one record.
pub(crate) fn record_rng(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

/// Scrambles `n` (< 2^24) bijectively within 0..2^24: multiplication by an odd constant is
/// invertible modulo a power of two, the xor-shift too.
fn scramble24(n: u64) -> u64 {
    const MASK: u64 = (1 << 24) - 1;
    let mut x = n & MASK;
    x = x.wrapping_mul(0x9E_3779) & MASK;
    x ^= x >> 12;
    x.wrapping_mul(0x5B_D1E5) & MASK
}

/// Four URL-safe characters encoding a scrambled `n` (unique for n < 2^24).
fn unique4(n: u64) -> [u8; 4] {
    let x = scramble24(n);
    [
        URL_SAFE[(x >> 18) as usize & 63],
        URL_SAFE[(x >> 12) as usize & 63],
        URL_SAFE[(x >> 6) as usize & 63],
        URL_SAFE[x as usize & 63],
    ]
}

/// Appends `n` random chars of `alphabet` (at most 64 symbols). Draws 6 bits at a time from
/// one u64 per ten chars and rejects values past the alphabet, so every symbol is equally
/// likely and far fewer random words are drawn than with one `random_range` per char.
fn push_random(out: &mut String, rng: &mut ChaCha8Rng, alphabet: &[u8], n: usize) {
    let mut pushed = 0;
    while pushed < n {
        let mut word: u64 = rng.random();
        for _ in 0..10 {
            let v = (word & 63) as usize;
            word >>= 6;
            if let Some(&c) = alphabet.get(v) {
                out.push(char::from(c));
                pushed += 1;
                if pushed == n {
                    break;
                }
            }
        }
    }
}

/// WeCom external user id: "wm" + a 4-char corp part + "DwAA" like the seeds, then 4 unique
/// chars from `index` and 18 random ones — 32 chars in all. Seeds use other corp parts, so
/// generated ids never collide with them.
pub(crate) fn external_user_id(rng: &mut ChaCha8Rng, index: usize) -> String {
    let mut s = String::with_capacity(32);
    s.push_str("wmSDk7DwAA");
    s.extend(unique4(index as u64).map(char::from));
    push_random(&mut s, rng, URL_SAFE, 18);
    s
}

/// WeChat unionId: "oz" + 4 unique chars + 22 random = 28 chars.
pub(crate) fn union_id(rng: &mut ChaCha8Rng, index: usize) -> String {
    let mut s = String::with_capacity(28);
    s.push_str("oz");
    s.extend(unique4(index as u64).map(char::from));
    push_random(&mut s, rng, URL_SAFE, 22);
    s
}

/// Weiling customer_id: "oKBiDp" + 4 unique chars + 33 random alphanumerics = 43 chars.
pub(crate) fn weiling_customer_id(rng: &mut ChaCha8Rng, index: usize) -> String {
    let mut s = String::with_capacity(43);
    s.push_str("oKBiDp");
    s.extend(unique4(index as u64).map(char::from));
    push_random(&mut s, rng, ALNUM, 33);
    s
}

/// A wx.qlogo.cn avatar URL.
pub(crate) fn avatar(rng: &mut ChaCha8Rng) -> String {
    let mut s = String::from("http://wx.qlogo.cn/mmhead/");
    push_random(&mut s, rng, ALNUM, 54);
    s.push_str("/0");
    s
}

/// A p.qlogo.cn staff avatar URL.
pub(crate) fn staff_avatar(rng: &mut ChaCha8Rng) -> String {
    let mut s = String::from("http://p.qlogo.cn/bizmail/");
    push_random(&mut s, rng, ALNUM, 26);
    s.push_str("/0");
    s
}

/// A WeCom-style id of `len` chars after `prefix` (tag ids "et…", "st…").
pub(crate) fn wecom_tag_id(rng: &mut ChaCha8Rng, prefix: &str) -> String {
    let mut s = String::from(prefix);
    s.push_str("SDk7DwAA");
    push_random(&mut s, rng, URL_SAFE, 22);
    s
}

/// Real mainland mobile prefixes.
const MOBILE_PREFIXES: [&str; 24] = [
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155", "156", "157", "158", "159", "166", "176",
    "177", "180", "186", "188", "199",
];

/// Customers use serials `index * 2 + k` (k < 2); clues start here, so the two never clash.
pub(crate) const CLUE_MOBILE_SERIAL_BASE: u64 = 60_000_000;

/// An 11-digit mobile whose last 8 digits are a bijection of `serial` (< 10^8), so mobiles
/// with different serials never collide whatever prefix the rng picks.
pub(crate) fn mobile(rng: &mut ChaCha8Rng, serial: u64) -> String {
    // 73_939_133 is coprime with 10^8 (odd, not a multiple of 5), so this affine map
    // permutes 0..10^8.
    let tail = (serial % 100_000_000).wrapping_mul(73_939_133).wrapping_add(40_503_187) % 100_000_000;
    let prefix = MOBILE_PREFIXES[rng.random_range(0..MOBILE_PREFIXES.len())];
    format!("{prefix}{tail:08}")
}

/// FNV-1a, to derive stable ids from names (e.g. one Weiling company id per company name).
pub(crate) fn fnv1a(text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// A random 18-char unified social credit code look-alike.
pub(crate) fn credit_code(rng: &mut ChaCha8Rng) -> String {
    const CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let mut s = String::from("91");
    push_random(&mut s, rng, b"1234563", 1);
    push_random(&mut s, rng, b"0123456789", 5);
    push_random(&mut s, rng, CHARS, 10);
    s
}
