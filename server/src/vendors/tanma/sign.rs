//! Tanma request signing (VENDORS.md §1.1, [client]: three public clients agree; the official
//! 接口鉴权说明 page was not retrievable):
//!
//! `sign = lowercase hex SHA-256( appId + timestamp + body + appKey )`
//!
//! plain concatenation, where `timestamp` is the 13-digit millisecond epoch sent in the
//! `timestamp` header and `body` is the exact bytes of the POST body (empty for no body).
//! The body must be serialised once and those same bytes both signed and sent: re-encoding
//! after signing could change key order or escaping and break the signature.

use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

/// The three auth headers of one attempt. `Debug` hides the signature: it is a bearer
/// credential for that body until the timestamp window closes.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedHeaders {
    pub app_id: String,
    pub timestamp: String,
    pub sign: String,
}

impl std::fmt::Debug for SignedHeaders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedHeaders")
            .field("app_id", &self.app_id)
            .field("timestamp", &self.timestamp)
            .field("sign", &"[REDACTED]")
            .finish()
    }
}

/// The signature over one request.
pub fn sign(app_id: &str, timestamp: &str, body: &[u8], app_key: &SecretString) -> String {
    let mut hasher = Sha256::new();
    hasher.update(app_id.as_bytes());
    hasher.update(timestamp.as_bytes());
    hasher.update(body);
    hasher.update(app_key.expose_secret().as_bytes());
    hex::encode(hasher.finalize())
}

/// Signs `body` at `timestamp_ms` (milliseconds since the Unix epoch).
pub fn signed_headers(app_id: &str, app_key: &SecretString, timestamp_ms: i64, body: &[u8]) -> SignedHeaders {
    let timestamp = timestamp_ms.to_string();
    let sign = sign(app_id, &timestamp, body, app_key);
    SignedHeaders {
        app_id: app_id.to_string(),
        timestamp,
        sign,
    }
}

/// Signs `body` now. Called once per attempt, just before sending, so retries after a
/// backoff still fall inside the server's clock-skew window (error 1003).
pub fn sign_now(app_id: &str, app_key: &SecretString, body: &[u8]) -> SignedHeaders {
    signed_headers(app_id, app_key, crate::clock::now_ms(), body)
}

/// Whether `given` is the signature of this request. Compares in constant time (for the
/// simulator, which plays the server) and accepts only lowercase hex, the one form every
/// known client sends.
pub fn verify(app_id: &str, timestamp: &str, body: &[u8], app_key: &SecretString, given: &str) -> bool {
    let expected = sign(app_id, timestamp, body, app_key);
    let (a, b) = (expected.as_bytes(), given.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected digests computed independently in a shell, e.g.
    // printf '%s' 'app1231700000000000key456' | sha256sum

    fn key(s: &str) -> SecretString {
        SecretString::from(s.to_string())
    }

    #[test]
    fn empty_body_signs_app_id_timestamp_and_key_only() {
        assert_eq!(
            sign("app123", "1700000000000", b"", &key("key456")),
            "d51cb6db272a8e9203c3b202ee9b435ce8db721ad032c76c3defa2f4f48d5b6b"
        );
    }

    #[test]
    fn json_body_is_signed_verbatim() {
        let body = br#"{"externalUserId":"wmPBvlDQAAAtqjxUNvuEL5CRio1NWNXA","qwUserId":"LiuFuLai"}"#;
        assert_eq!(
            sign("app123", "1700000000000", body, &key("key456")),
            "bf591ad4c27733ece36223798923f992a7c960ef8e5040628a2247e8e62a3c21"
        );
        assert_eq!(
            sign("app123", "1700000000000", br#"{"customerId":8}"#, &key("key456")),
            "ab05f3578e4fc413172892f142824649d8d0c8acd6125b99e610694f1f4235f9"
        );
    }

    #[test]
    fn chinese_body_and_key_are_signed_as_utf8() {
        let body = r#"{"searchKey":"大刘","pageNo":1,"pageSize":20}"#;
        assert_eq!(
            sign("tm_demo", "1700000000123", body.as_bytes(), &key("s3cr€t-键")),
            "a4562cd3f0aba1d3aee0c8cd04788a1ddb814df381b44027ef19a172bc7cfd4f"
        );
    }

    #[test]
    fn a_changed_byte_changes_the_signature() {
        let a = sign("app123", "1700000000000", br#"{"customerId":8}"#, &key("key456"));
        let b = sign("app123", "1700000000000", br#"{"customerId": 8}"#, &key("key456"));
        let c = sign("app123", "1700000000001", br#"{"customerId":8}"#, &key("key456"));
        assert_ne!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn headers_carry_a_13_digit_timestamp_and_lowercase_hex() {
        let h = sign_now("app123", &key("key456"), b"{}");
        assert_eq!(h.timestamp.len(), 13, "{}", h.timestamp);
        assert!(h.timestamp.bytes().all(|b| b.is_ascii_digit()));
        assert_eq!(h.sign.len(), 64);
        assert!(h.sign.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')), "{}", h.sign);
        assert_eq!(h.sign, sign("app123", &h.timestamp, b"{}", &key("key456")));
    }

    #[test]
    fn debug_hides_the_signature() {
        let h = signed_headers("app123", &key("key456"), 1_700_000_000_000, b"");
        let shown = format!("{h:?}");
        assert!(!shown.contains(&h.sign), "{shown}");
        assert!(shown.contains("app123"));
    }

    #[test]
    fn verify_accepts_only_the_exact_lowercase_signature() {
        let k = key("key456");
        let good = "d51cb6db272a8e9203c3b202ee9b435ce8db721ad032c76c3defa2f4f48d5b6b";
        assert!(verify("app123", "1700000000000", b"", &k, good));
        assert!(!verify("app123", "1700000000000", b"", &k, &good.to_uppercase()));
        assert!(!verify("app123", "1700000000000", b"", &key("other"), good));
        assert!(!verify("app123", "1700000000000", b" ", &k, good));
        assert!(!verify("app123", "1700000000000", b"", &k, &good[..63]));
    }
}
