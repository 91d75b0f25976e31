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

impl VendorFailure {
    /// The sentence a sales rep reads, in Simplified Chinese.
    pub fn message_zh(&self) -> String {
        let who = self.vendor.name_zh();
        let what = match self.kind {
            VendorErrorKind::AuthRejected => "拒绝了 SalesDesk 的凭据，请联系管理员检查该供应商的配置".to_string(),
            VendorErrorKind::RateLimited => "调用过于频繁，已被限流，请稍后重试".to_string(),
            VendorErrorKind::NotFound => "中没有找到这条记录".to_string(),
            VendorErrorKind::InvalidInput => match &self.vendor_message {
                Some(m) if !m.is_empty() => format!("拒绝了提交的内容：{m}"),
                _ => "拒绝了提交的内容，请检查后再试".to_string(),
            },
            VendorErrorKind::Upstream => "服务出错，请稍后重试".to_string(),
            VendorErrorKind::Timeout => "响应超时，请稍后重试".to_string(),
            VendorErrorKind::Transport => "暂时无法连接，请稍后重试".to_string(),
            VendorErrorKind::Undecodable => "返回了无法识别的数据，请稍后重试；如持续出现请联系管理员".to_string(),
            VendorErrorKind::Unsupported => "不支持这项操作".to_string(),
            VendorErrorKind::EndpointMissing => match self.feature {
                Some(f) => format!("未开放「{}」所需的接口，此部分暂不可用", f.name_zh()),
                None => "未开放这项功能所需的接口，此部分暂不可用".to_string(),
            },
        };
        let code = self.vendor_code.map(|c| format!("（错误码 {c}）")).unwrap_or_default();
        format!("{who}{what}{code}")
    }

    /// The same in English, for the English UI.
    pub fn message_en(&self) -> String {
        let who = self.vendor.name_en();
        let what = match self.kind {
            VendorErrorKind::AuthRejected => {
                "rejected SalesDesk's credentials; ask an administrator to check this vendor's settings".to_string()
            }
            VendorErrorKind::RateLimited => "is rate-limiting us; try again shortly".to_string(),
            VendorErrorKind::NotFound => "has no such record".to_string(),
            VendorErrorKind::InvalidInput => match &self.vendor_message {
                Some(m) if !m.is_empty() => format!("refused the input: {m}"),
                _ => "refused the input; check it and try again".to_string(),
            },
            VendorErrorKind::Upstream => "reported an error; try again shortly".to_string(),
            VendorErrorKind::Timeout => "did not answer in time; try again shortly".to_string(),
            VendorErrorKind::Transport => "cannot be reached right now; try again shortly".to_string(),
            VendorErrorKind::Undecodable => {
                "answered with data SalesDesk cannot read; try again, and tell an administrator if it persists".to_string()
            }
            VendorErrorKind::Unsupported => "does not support this operation".to_string(),
            VendorErrorKind::EndpointMissing => match self.feature {
                Some(f) => format!("does not offer the endpoint for {}; this part is unavailable", f.name_en()),
                None => "does not offer the endpoint this feature needs; this part is unavailable".to_string(),
            },
        };
        let code = self.vendor_code.map(|c| format!(" (code {c})")).unwrap_or_default();
        format!("{who} {what}{code}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(kind: VendorErrorKind) -> VendorFailure {
        VendorFailure {
            vendor: VendorId::Weiling,
            kind,
            vendor_code: Some(1009),
            vendor_message: None,
            feature: None,
        }
    }

    #[test]
    fn chinese_message_names_vendor_and_code() {
        let m = failure(VendorErrorKind::RateLimited).message_zh();
        assert!(m.starts_with("卫瓴"), "{m}");
        assert!(m.contains("限流"), "{m}");
        assert!(m.contains("1009"), "{m}");
    }

    #[test]
    fn invalid_input_keeps_vendor_message() {
        let mut f = failure(VendorErrorKind::InvalidInput);
        f.vendor_message = Some("remark exceed the limit".into());
        assert!(f.message_zh().contains("remark exceed the limit"));
        assert!(f.message_en().contains("remark exceed the limit"));
    }

    #[test]
    fn retry_hint_matches_kind() {
        assert!(VendorErrorKind::Timeout.retry_may_help());
        assert!(!VendorErrorKind::AuthRejected.retry_may_help());
        assert!(!VendorErrorKind::InvalidInput.retry_may_help());
        assert!(!VendorErrorKind::EndpointMissing.retry_may_help());
    }

    #[test]
    fn missing_endpoint_names_the_feature_it_costs() {
        let mut f = failure(VendorErrorKind::EndpointMissing);
        f.vendor = VendorId::Tanma;
        f.vendor_code = Some(-1);
        f.feature = Some(crate::domain::VendorFeature::CustomerLookup);
        assert_eq!(f.message_zh(), "探马未开放「客户查找」所需的接口，此部分暂不可用（错误码 -1）");
        assert!(f.message_en().contains("customer lookup"), "{}", f.message_en());
    }
}
