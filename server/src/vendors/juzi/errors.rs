//! How Juzibot's `errcode`s become error kinds: the one table, and the function that reads it.
//!
//! Juzibot publishes no global error table (VENDORS.md §6 #13). Known: `0` success; `-1`
//! remark too long and `-2` description too long (set_remark, seed 004). How the hub answers
//! a bad token is undocumented. SalesDesk's choice, which the simulator implements: HTTP 200
//! with `{"errcode": 401, "errmsg": "invalid token"}`. The client also treats HTTP 401/403
//! (handled in `VendorHttp::send`), an envelope code 401/403, and — for codes not in the
//! table — any message mentioning the token as an auth failure, because the token is the
//! hub's only credential. Everything else is `Upstream` with the code kept.

use app::domain::{VendorErrorKind, VendorId};

use crate::vendors::VendorError;

/// Envelope (and fail_list) codes with a known meaning.
pub const ERRCODE_KINDS: &[(i64, VendorErrorKind)] = &[
    // set_remark: remark exceed the limit [seed 004]
    (-1, VendorErrorKind::InvalidInput),
    // set_remark: description exceed the limit [seed 004]
    (-2, VendorErrorKind::InvalidInput),
    // Bad or missing token: SalesDesk's assumption (HTTP-style codes), answered by the simulator.
    (AUTH_ERRCODE, VendorErrorKind::AuthRejected),
    (403, VendorErrorKind::AuthRejected),
];

/// The code the simulator answers a wrong token with (see the module comment).
pub const AUTH_ERRCODE: i64 = 401;

/// Lower-case fragments of `errmsg` that mark an auth failure when the code is not in
/// [`ERRCODE_KINDS`].
pub const AUTH_MESSAGE_HINTS: &[&str] = &["token", "unauthorized", "令牌", "凭证", "鉴权"];

/// The kind for a non-zero `errcode` and its message.
pub fn kind_for(code: i64, message: &str) -> VendorErrorKind {
    if let Some((_, kind)) = ERRCODE_KINDS.iter().find(|(c, _)| *c == code) {
        return *kind;
    }
    let lower = message.to_lowercase();
    if AUTH_MESSAGE_HINTS.iter().any(|hint| lower.contains(hint)) {
        return VendorErrorKind::AuthRejected;
    }
    VendorErrorKind::Upstream
}

/// The error for a reply whose envelope carries a non-zero `errcode`.
pub fn envelope_error(endpoint: &str, code: i64, message: &str) -> VendorError {
    let kind = kind_for(code, message);
    VendorError::new(VendorId::Juzi, endpoint, kind, format!("hub answered errcode {code}"))
        .with_code(code)
        .with_vendor_message(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_codes() {
        assert_eq!(kind_for(-1, "remark exceed the limit"), VendorErrorKind::InvalidInput);
        assert_eq!(kind_for(-2, "description exceed the limit"), VendorErrorKind::InvalidInput);
    }

    #[test]
    fn auth_by_code_or_message() {
        assert_eq!(kind_for(AUTH_ERRCODE, "invalid token"), VendorErrorKind::AuthRejected);
        assert_eq!(kind_for(403, ""), VendorErrorKind::AuthRejected);
        assert_eq!(kind_for(1, "Token 无效"), VendorErrorKind::AuthRejected);
        assert_eq!(kind_for(7, "接口调用凭证错误"), VendorErrorKind::AuthRejected);
    }

    #[test]
    fn unknown_codes_are_upstream_with_code_kept() {
        assert_eq!(kind_for(500, "internal error"), VendorErrorKind::Upstream);
        let e = envelope_error("/api/v1/customer/list?token=s3cret", 84061, "not external contact");
        assert_eq!(e.kind, VendorErrorKind::Upstream);
        assert_eq!(e.code, Some(84061));
        assert_eq!(e.vendor_message.as_deref(), Some("not external contact"));
        assert!(!e.to_string().contains("s3cret"));
    }
}
