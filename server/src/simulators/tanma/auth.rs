//! Request authentication as Tanma does it: known `appId`, `timestamp` within the allowed
//! skew (1003), and `sign` = lowercase hex SHA-256 over appId + timestamp + raw body + appKey
//! (1002). The rule is implemented here from VENDORS.md §1.1, not with the client's signer,
//! so a mistake in either shows as a refused request.

use axum::http::HeaderMap;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

use super::wire::codes;
use super::{SimError, TanmaSimConfig};

pub const INVALID_SIGN_MESSAGE: &str = "签名校验未通过";
pub const INVALID_TIMESTAMP_MESSAGE: &str = "请求时间与服务器时间相差过大，请校对时间后重新请求";

/// Checks one request at the simulator's time `now_ms`. HTTP header names are
/// case-insensitive, so `appId` and `appid` are the same header.
pub fn verify(config: &TanmaSimConfig, headers: &HeaderMap, body: &[u8], now_ms: i64) -> Result<(), SimError> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    let bad_sign = || SimError::new(codes::INVALID_SIGN, INVALID_SIGN_MESSAGE);

    let app_id = header("appId").ok_or_else(bad_sign)?;
    if app_id != config.app_id {
        return Err(bad_sign());
    }
    let timestamp = header("timestamp").ok_or_else(|| SimError::new(codes::INVALID_TIMESTAMP, INVALID_TIMESTAMP_MESSAGE))?;
    let ts_ms: i64 = timestamp
        .parse()
        .ok()
        .filter(|_| timestamp.len() == 13)
        .ok_or_else(|| SimError::new(codes::INVALID_TIMESTAMP, INVALID_TIMESTAMP_MESSAGE))?;
    let skew_ms = i64::try_from(config.max_clock_skew.as_millis()).unwrap_or(i64::MAX);
    if now_ms.abs_diff(ts_ms) > skew_ms.unsigned_abs() {
        return Err(SimError::new(codes::INVALID_TIMESTAMP, INVALID_TIMESTAMP_MESSAGE));
    }
    let given = header("sign").ok_or_else(bad_sign)?;
    if !signature_matches(app_id, timestamp, body, &config.app_key, given) {
        return Err(bad_sign());
    }
    Ok(())
}

/// The documented signature, lowercase hex.
fn expected_sign(app_id: &str, timestamp: &str, body: &[u8], app_key: &SecretString) -> String {
    let mut hasher = Sha256::new();
    for part in [app_id.as_bytes(), timestamp.as_bytes(), body, app_key.expose_secret().as_bytes()] {
        hasher.update(part);
    }
    hex::encode(hasher.finalize())
}

/// Compares in constant time; only the lowercase hex every known client sends is accepted.
fn signature_matches(app_id: &str, timestamp: &str, body: &[u8], app_key: &SecretString, given: &str) -> bool {
    let expected = expected_sign(app_id, timestamp, body, app_key);
    let (a, b) = (expected.as_bytes(), given.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use std::time::Duration;

    const NOW: i64 = 1_700_000_000_000;

    fn config() -> TanmaSimConfig {
        TanmaSimConfig {
            app_id: "app123".into(),
            app_key: SecretString::from("key456".to_string()),
            max_clock_skew: Duration::from_secs(300),
        }
    }

    fn headers(app_id: &str, ts: &str, sign: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("appid", HeaderValue::from_str(app_id).unwrap());
        h.insert("timestamp", HeaderValue::from_str(ts).unwrap());
        h.insert("sign", HeaderValue::from_str(sign).unwrap());
        h
    }

    fn signed(ts: i64, body: &[u8]) -> HeaderMap {
        let ts = ts.to_string();
        headers("app123", &ts, &expected_sign("app123", &ts, body, &key("key456")))
    }

    fn key(s: &str) -> SecretString {
        SecretString::from(s.to_string())
    }

    #[test]
    fn signature_is_the_documented_digest() {
        // printf '%s' 'app1231700000000000key456' | sha256sum
        assert_eq!(
            expected_sign("app123", "1700000000000", b"", &key("key456")),
            "d51cb6db272a8e9203c3b202ee9b435ce8db721ad032c76c3defa2f4f48d5b6b"
        );
    }

    #[test]
    fn accepts_a_correctly_signed_fresh_request() {
        let body = br#"{"customerId":8}"#;
        assert_eq!(verify(&config(), &signed(NOW - 1000, body), body, NOW), Ok(()));
        assert_eq!(verify(&config(), &signed(NOW + 299_000, b""), b"", NOW), Ok(()));
    }

    #[test]
    fn rejects_signatures_over_other_bytes_or_keys() {
        let body = br#"{"customerId":8}"#;
        let e = verify(&config(), &signed(NOW, body), br#"{"customerId":9}"#, NOW).unwrap_err();
        assert_eq!(e.code, 1002);
        let ts = NOW.to_string();
        let wrong = expected_sign("app123", &ts, body, &key("wrong"));
        let e = verify(&config(), &headers("app123", &ts, &wrong), body, NOW).unwrap_err();
        assert_eq!(e.code, 1002);
        let e = verify(&config(), &headers("other", &NOW.to_string(), "00"), body, NOW).unwrap_err();
        assert_eq!(e.code, 1002);
        let mut h = signed(NOW, body);
        h.remove("sign");
        assert_eq!(verify(&config(), &h, body, NOW).unwrap_err().code, 1002);
    }

    #[test]
    fn rejects_stale_future_and_second_timestamps() {
        let e = verify(&config(), &signed(NOW - 301_000, b""), b"", NOW).unwrap_err();
        assert_eq!((e.code, e.message.as_str()), (1003, INVALID_TIMESTAMP_MESSAGE));
        assert_eq!(verify(&config(), &signed(NOW + 301_000, b""), b"", NOW).unwrap_err().code, 1003);
        // A 10-digit seconds value is refused even if it is "now".
        let s = expected_sign("app123", "1700000000", b"", &key("key456"));
        assert_eq!(
            verify(&config(), &headers("app123", "1700000000", &s), b"", NOW).unwrap_err().code,
            1003
        );
    }
}
