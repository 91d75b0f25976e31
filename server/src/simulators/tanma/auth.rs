//! Request authentication as Tanma does it: known `appId`, `timestamp` within the allowed
//! skew (1003), and `sign` = SHA-256 over appId + timestamp + raw body + appKey (1002).

use axum::http::HeaderMap;

use super::{SimError, TanmaSimConfig};
use crate::vendors::tanma::sign;
use crate::vendors::tanma::wire::codes;

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
    if !sign::verify(app_id, timestamp, body, &config.app_key, given) {
        return Err(bad_sign());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use secrecy::SecretString;
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
        let s = sign::signed_headers("app123", &SecretString::from("key456".to_string()), ts, body);
        headers(&s.app_id, &s.timestamp, &s.sign)
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
        let s = sign::signed_headers("app123", &SecretString::from("wrong".to_string()), NOW, body);
        let e = verify(&config(), &headers("app123", &s.timestamp, &s.sign), body, NOW).unwrap_err();
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
        let s = sign::sign("app123", "1700000000", b"", &SecretString::from("key456".to_string()));
        assert_eq!(
            verify(&config(), &headers("app123", "1700000000", &s), b"", NOW).unwrap_err().code,
            1003
        );
    }
}
