use serde::{Deserialize, Serialize};

use super::VendorId;

/// The one error taxonomy for every vendor. Adapters classify their vendor's codes and
/// transport failures into these kinds; the UI explains each in plain Chinese.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VendorErrorKind {
    /// Credentials, signature or token rejected.
    AuthRejected,
    /// The vendor throttled us.
    RateLimited,
    /// The record does not exist at the vendor.
    NotFound,
    /// The vendor refused the input (its message is kept).
    InvalidInput,
    /// The vendor answered with an error code we do not classify further.
    Upstream,
    /// No answer within the configured time.
    Timeout,
    /// Connection-level failure (DNS, refused, reset, TLS).
    Transport,
    /// The vendor answered, but not in the documented shape.
    Undecodable,
    /// The vendor has no API for this operation.
    Unsupported,
    /// The vendor answered that the endpoint does not exist (an undocumented endpoint this
    /// vendor's deployment does not offer): the feature behind it is unavailable.
    EndpointMissing,
}

impl VendorErrorKind {
    /// Whether trying again later can help; shown to reps so they know whether to wait.
    pub fn retry_may_help(self) -> bool {
        matches!(
            self,
            VendorErrorKind::RateLimited
                | VendorErrorKind::Upstream
                | VendorErrorKind::Timeout
                | VendorErrorKind::Transport
                | VendorErrorKind::Undecodable
        )
    }

    pub fn slug(self) -> &'static str {
        match self {
            VendorErrorKind::AuthRejected => "auth_rejected",
            VendorErrorKind::RateLimited => "rate_limited",
            VendorErrorKind::NotFound => "not_found",
            VendorErrorKind::InvalidInput => "invalid_input",
            VendorErrorKind::Upstream => "upstream",
            VendorErrorKind::Timeout => "timeout",
            VendorErrorKind::Transport => "transport",
            VendorErrorKind::Undecodable => "undecodable",
            VendorErrorKind::Unsupported => "unsupported",
            VendorErrorKind::EndpointMissing => "endpoint_missing",
        }
    }
}

/// A vendor failure as the browser sees it: the kind, the vendor's code and (for invalid
/// input only) the vendor's own message. Never carries URLs with credentials or tokens.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VendorFailure {
    pub vendor: VendorId,
    pub kind: VendorErrorKind,
    pub vendor_code: Option<i64>,
    pub vendor_message: Option<String>,
    /// The feature the failed endpoint serves, where known: the message names it.
    #[serde(default)]
    pub feature: Option<super::VendorFeature>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_hint_matches_kind() {
        assert!(VendorErrorKind::Timeout.retry_may_help());
        assert!(!VendorErrorKind::AuthRejected.retry_may_help());
        assert!(!VendorErrorKind::InvalidInput.retry_may_help());
        assert!(!VendorErrorKind::EndpointMissing.retry_may_help());
    }
}
