//! Weiling business codes and what each means for SalesDesk. Sources: the official global
//! table (doc-1340206) and the codes a public Java client (`com.willing.openapi`) adds; see
//! VENDORS.md §2.3. Every classification the client makes lives here (the simulator keeps its own table).

use app::domain::VendorErrorKind;

pub const OK: i64 = 0;

/// "数据加载完毕": the list is exhausted. When paging this ends the list; it is not an error.
pub const END_OF_LIST: i64 = 1006;

/// Parameter missing / illegal (also what the token endpoint answers to `appid` instead of
/// `app_id`).
pub const MISSING_PARAMETER: i64 = 1000;
pub const ILLEGAL_PARAMETER: i64 = 1001;
pub const DATA_NOT_FOUND: i64 = 1003;
pub const ILLEGAL_ACCESS: i64 = 1007;
pub const RATE_LIMITED: i64 = 1009;
pub const METHOD_NOT_SUPPORTED: i64 = 1010;
pub const BODY_UNPARSEABLE: i64 = 1011;
pub const OVER_LIMIT: i64 = 1012;
pub const CUSTOMER_NOT_FOUND: i64 = 3000;

/// The code a rejected access_token (wrong, expired or revoked) gets. The official table
/// has no dedicated "token expired" code; 1007 "非法访问" (illegal access) is the closest and
/// is what the simulator sends too. [unverified: no page or client shows the real reply]
pub const TOKEN_REJECTED: i64 = ILLEGAL_ACCESS;

/// The code for wrong app_id/app_secret at the token endpoint: 501 per a public Java client
/// (VENDORS.md §2.3); the simulator sends it. [client]
pub const BAD_APP_CREDENTIALS: i64 = 501;

/// Auth-type codes, in one place. A business call failing with one of these makes the
/// client drop its token and retry once with a fresh one.
/// - 403 "无访问权限" (no access permission)
/// - 501 invalid app_id/app_secret [client]
/// - 1007 "非法访问" (illegal access; our token-rejected code)
/// - 1008 "该Ip已被禁用" (IP banned): a refresh cannot help, but it is still an auth refusal
pub const AUTH_CODES: &[i64] = &[403, BAD_APP_CREDENTIALS, ILLEGAL_ACCESS, 1008];

/// Throttling: 1009 (official) and 1015 (one Java client version; another uses 1015 for a
/// decryption error, so treating it as throttling only costs a retry).
pub const RATE_LIMIT_CODES: &[i64] = &[RATE_LIMITED, 1015];

pub const NOT_FOUND_CODES: &[i64] = &[DATA_NOT_FOUND, CUSTOMER_NOT_FOUND];

/// Refused input; the vendor's `msg` is shown to the rep. 1014/1016 are the Java client's
/// "cursor parameter error" (a stale or foreign cursor is refused input too).
pub const INVALID_INPUT_CODES: &[i64] = &[MISSING_PARAMETER, ILLEGAL_PARAMETER, 1002, OVER_LIMIT, 1013, 1014, 1016];

/// The error kind for a non-zero business code. 1006 is handled by callers that page
/// (here it is `Upstream`, for non-list calls where it should not happen).
pub fn classify(code: i64) -> VendorErrorKind {
    if RATE_LIMIT_CODES.contains(&code) {
        VendorErrorKind::RateLimited
    } else if AUTH_CODES.contains(&code) {
        VendorErrorKind::AuthRejected
    } else if NOT_FOUND_CODES.contains(&code) {
        VendorErrorKind::NotFound
    } else if INVALID_INPUT_CODES.contains(&code) {
        VendorErrorKind::InvalidInput
    } else {
        VendorErrorKind::Upstream
    }
}

/// The kind for a refusal, reading its message too: Weiling answers a path it does not offer
/// with 1003 (数据不存在), the code it also uses for a missing record, so a message naming the
/// interface (接口不存在 / 接口未开放) tells an absent endpoint from an absent record.
pub fn classify_reply(code: i64, msg: &str) -> VendorErrorKind {
    match classify(code) {
        VendorErrorKind::NotFound | VendorErrorKind::Upstream if names_missing_endpoint(msg) => VendorErrorKind::EndpointMissing,
        kind => kind,
    }
}

fn names_missing_endpoint(msg: &str) -> bool {
    msg.contains("接口") && (msg.contains("不存在") || msg.contains("未开放") || msg.contains("未找到"))
}

/// Classification for the token endpoint: whatever it refuses means SalesDesk cannot
/// authenticate (wrong id/secret, wrong parameter names), except throttling and outages.
pub fn classify_token_refusal(code: i64, msg: &str) -> VendorErrorKind {
    match classify_reply(code, msg) {
        VendorErrorKind::EndpointMissing => VendorErrorKind::EndpointMissing,
        VendorErrorKind::RateLimited => VendorErrorKind::RateLimited,
        VendorErrorKind::Upstream if code == 500 || code == 1017 => VendorErrorKind::Upstream,
        _ => VendorErrorKind::AuthRejected,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_endpoint_is_told_from_a_missing_record_by_its_message() {
        assert_eq!(classify_reply(1003, "接口不存在"), VendorErrorKind::EndpointMissing);
        assert_eq!(classify_reply(1003, "数据不存在"), VendorErrorKind::NotFound);
        assert_eq!(classify_reply(3000, "客户不存在"), VendorErrorKind::NotFound);
        assert_eq!(classify_reply(1009, "接口不存在"), VendorErrorKind::RateLimited);
        assert_eq!(classify_token_refusal(1003, "接口不存在"), VendorErrorKind::EndpointMissing);
        assert_eq!(classify_token_refusal(1003, "数据不存在"), VendorErrorKind::AuthRejected);
    }

    #[test]
    fn official_table_classification() {
        assert_eq!(classify(1009), VendorErrorKind::RateLimited);
        assert_eq!(classify(1015), VendorErrorKind::RateLimited);
        assert_eq!(classify(1003), VendorErrorKind::NotFound);
        assert_eq!(classify(3000), VendorErrorKind::NotFound);
        for c in [1000, 1001, 1002, 1012, 1013] {
            assert_eq!(classify(c), VendorErrorKind::InvalidInput, "{c}");
        }
        for c in [403, 1007, 1008, 501, TOKEN_REJECTED] {
            assert_eq!(classify(c), VendorErrorKind::AuthRejected, "{c}");
        }
        for c in [1004, 1005, 1010, 1011, 2000, 500] {
            assert_eq!(classify(c), VendorErrorKind::Upstream, "{c}");
        }
    }

    #[test]
    fn token_endpoint_refusals_are_auth() {
        assert_eq!(classify_token_refusal(1001, ""), VendorErrorKind::AuthRejected);
        assert_eq!(classify_token_refusal(501, ""), VendorErrorKind::AuthRejected);
        assert_eq!(classify_token_refusal(1009, ""), VendorErrorKind::RateLimited);
        assert_eq!(classify_token_refusal(500, ""), VendorErrorKind::Upstream);
    }
}
