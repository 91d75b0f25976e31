//! One error type for every vendor call. The kind drives retries and the UI message; the
//! rest is for operators' logs. No field may ever hold a secret, token or signature: URLs
//! are recorded without their query string for that reason.

use app::domain::{VendorErrorKind, VendorFailure, VendorId};

#[derive(Clone, Debug, thiserror::Error)]
#[error("{vendor} {endpoint}: {kind:?}{code_text}: {detail}", kind = self.kind, code_text = self.code_text())]
pub struct VendorError {
    pub vendor: VendorId,
    /// The API path called, without query string (Weiling and Juzibot put tokens there).
    pub endpoint: String,
    pub kind: VendorErrorKind,
    /// The vendor's business error code (`code` / `errcode`), or the HTTP status.
    pub code: Option<i64>,
    /// The vendor's own message (`message` / `msg` / `errmsg`).
    pub vendor_message: Option<String>,
    /// What went wrong, precisely, for the operator.
    pub detail: String,
    /// The connection was never established, so the request cannot have reached the vendor.
    pub connect_failed: bool,
}

impl VendorError {
    pub fn new(vendor: VendorId, endpoint: &str, kind: VendorErrorKind, detail: impl Into<String>) -> Self {
        VendorError {
            vendor,
            endpoint: strip_query(endpoint).to_string(),
            kind,
            code: None,
            vendor_message: None,
            detail: detail.into(),
            connect_failed: false,
        }
    }

    /// True when the vendor may have applied the request despite the error (the reply was
    /// lost, garbled or a server error). Such writes must be verified before being resent.
    pub fn maybe_applied(&self) -> bool {
        matches!(
            self.kind,
            VendorErrorKind::Timeout | VendorErrorKind::Transport | VendorErrorKind::Upstream | VendorErrorKind::Undecodable
        ) && !self.connect_failed
            && !matches!(self.code, Some(429) | Some(503))
    }

    pub fn with_code(mut self, code: i64) -> Self {
        self.code = Some(code);
        self
    }

    pub fn with_vendor_message(mut self, message: impl Into<String>) -> Self {
        let message = message.into();
        if !message.is_empty() {
            self.vendor_message = Some(message);
        }
        self
    }

    /// What the browser may see: the kind and code, and the vendor's message only where it
    /// explains refused input (other messages can carry internal detail).
    pub fn to_failure(&self) -> VendorFailure {
        VendorFailure {
            vendor: self.vendor,
            kind: self.kind,
            vendor_code: self.code,
            vendor_message: if self.kind == VendorErrorKind::InvalidInput {
                self.vendor_message.clone()
            } else {
                None
            },
            feature: super::endpoint_spec(self.vendor, &self.endpoint).map(|e| e.feature),
        }
    }

    fn code_text(&self) -> String {
        match (&self.code, &self.vendor_message) {
            (Some(c), Some(m)) => format!(" (code {c}: {m})"),
            (Some(c), None) => format!(" (code {c})"),
            (None, Some(m)) => format!(" ({m})"),
            (None, None) => String::new(),
        }
    }
}

fn strip_query(endpoint: &str) -> &str {
    endpoint.split('?').next().unwrap_or(endpoint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_never_keeps_query_string() {
        let e = VendorError::new(
            VendorId::Juzi,
            "/api/v1/customer/list?token=abc",
            VendorErrorKind::Timeout,
            "no answer",
        );
        assert_eq!(e.endpoint, "/api/v1/customer/list");
        assert!(!e.to_string().contains("abc"));
    }

    #[test]
    fn failure_hides_message_unless_invalid_input() {
        let e = VendorError::new(VendorId::Weiling, "/customer/batch", VendorErrorKind::Upstream, "x")
            .with_code(1005)
            .with_vendor_message("internal detail");
        assert_eq!(e.to_failure().vendor_message, None);
        assert_eq!(e.to_failure().vendor_code, Some(1005));
        let e = VendorError::new(VendorId::Juzi, "/set_remark", VendorErrorKind::InvalidInput, "x")
            .with_vendor_message("remark exceed the limit");
        assert_eq!(e.to_failure().vendor_message.as_deref(), Some("remark exceed the limit"));
    }
}
