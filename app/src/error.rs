//! The error every server function returns. Typed, so the UI can explain each case in
//! Chinese, and serialisable, so it crosses to the browser intact.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

use crate::domain::{InputError, VendorFailure};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, thiserror::Error)]
// Adjacently tagged: an internally tagged enum cannot serialise the newtype variants that
// hold a string (`Invalid`, `Transport`), and server_fn panics when an error fails to
// serialise. Unit variants still read `{"error":"forbidden"}`.
#[serde(tag = "error", content = "detail", rename_all = "snake_case")]
pub enum AppError {
    #[error("not signed in")]
    Unauthenticated,
    #[error("not allowed")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("invalid input: {0:?}")]
    Invalid(Refused),
    #[error("vendor failure: {0:?}")]
    Vendor(VendorFailure),
    /// No vendor could show the record: what each vendor that failed answered.
    #[error("vendor failures: {0:?}")]
    Vendors(Vec<VendorFailure>),
    /// Something in SalesDesk itself; the detail is in the server log, keyed by `request_id`.
    #[error("internal error")]
    Internal { request_id: Option<String> },
    /// The call never completed (network, decoding) between browser and server.
    #[error("request failed: {0}")]
    Transport(String),
}

impl AppError {
    pub fn message_zh(&self) -> String {
        match self {
            AppError::Unauthenticated => "请先登录。".into(),
            AppError::Forbidden => "您没有权限查看或修改这条记录。".into(),
            AppError::NotFound => "没有找到这条记录。".into(),
            AppError::Invalid(r) => r.message_zh(),
            AppError::Vendor(f) => f.message_zh(),
            AppError::Vendors(fs) => fs.iter().map(VendorFailure::message_zh).collect::<Vec<_>>().join("；"),
            AppError::Internal { request_id: Some(id) } => format!("SalesDesk 内部出错，请联系管理员（请求编号 {id}）。"),
            AppError::Internal { request_id: None } => "SalesDesk 内部出错，请联系管理员。".into(),
            AppError::Transport(_) => "网络请求失败，请检查网络后重试。".into(),
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            AppError::Unauthenticated => "Please sign in.".into(),
            AppError::Forbidden => "You are not allowed to see or change this record.".into(),
            AppError::NotFound => "No such record.".into(),
            AppError::Invalid(r) => r.message_en(),
            AppError::Vendor(f) => f.message_en(),
            AppError::Vendors(fs) => fs.iter().map(VendorFailure::message_en).collect::<Vec<_>>().join("; "),
            AppError::Internal { request_id: Some(id) } => {
                format!("SalesDesk hit an internal error; contact your administrator (request {id}).")
            }
            AppError::Internal { request_id: None } => "SalesDesk hit an internal error; contact your administrator.".into(),
            AppError::Transport(_) => "The request failed; check the network and try again.".into(),
        }
    }
}

/// Why SalesDesk refused what was sent: a code, never a sentence, so the browser words it in
/// the reader's language (a form post's redirect carries it as `f_error`) and no request can
/// make a page show text of its choosing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Refused {
    /// The remark, description or note failed the limits (the same checks the form runs).
    Input {
        errors: Vec<InputError>,
    },
    /// The form's token is missing or malformed (an old page).
    FormExpired,
    /// A resend of a write that has not failed.
    NotFailed,
    /// None of the customer's vendors accepts this write.
    NoWriteTarget,
    UsernameInvalid,
    DisplayNameInvalid,
    PasswordInvalid,
    WecomIdInvalid,
    UsernameTaken,
    /// An admin tried to disable or demote themself.
    SelfLockout,
    /// The request itself was malformed (encoding, nesting, argument types).
    BadRequest,
    /// The request body was over the size limit.
    TooLarge,
}

impl Refused {
    pub fn message_zh(&self) -> String {
        match self {
            Refused::Input { errors } => errors.iter().map(InputError::message_zh).collect::<Vec<_>>().join(" "),
            Refused::FormExpired => "表单已失效，请刷新页面后重试。".into(),
            Refused::NotFailed => "这条记录不是失败状态，无需重发。".into(),
            Refused::NoWriteTarget => "该客户所在的供应商都不支持这项操作。".into(),
            Refused::UsernameInvalid => "用户名须为 1–64 个字母、数字或 . _ - @。".into(),
            Refused::DisplayNameInvalid => "请填写姓名（最多 64 个字）。".into(),
            Refused::PasswordInvalid => "密码须为 8–256 个字符，且不含控制字符。".into(),
            Refused::WecomIdInvalid => "企业微信 UserID 无效：最多 128 个字符，不能含空格或控制字符。".into(),
            Refused::UsernameTaken => "该用户名已存在。".into(),
            Refused::SelfLockout => "不能停用自己的账号，也不能取消自己的管理员角色。".into(),
            Refused::BadRequest => "请求格式不正确，无法处理。请刷新页面后重试。".into(),
            Refused::TooLarge => "提交的内容太大（上限 256 KiB），未处理。".into(),
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            Refused::Input { errors } => errors.iter().map(InputError::message_en).collect::<Vec<_>>().join(" "),
            Refused::FormExpired => "This form has expired; reload the page and try again.".into(),
            Refused::NotFailed => "This write has not failed; there is nothing to resend.".into(),
            Refused::NoWriteTarget => "None of this customer's vendors supports this action.".into(),
            Refused::UsernameInvalid => "User names are 1–64 letters, digits or . _ - @.".into(),
            Refused::DisplayNameInvalid => "Enter a name (at most 64 characters).".into(),
            Refused::PasswordInvalid => "Passwords are 8–256 characters with no control characters.".into(),
            Refused::WecomIdInvalid => "A WeCom UserID has no spaces or control characters and at most 128 characters.".into(),
            Refused::UsernameTaken => "That user name is taken.".into(),
            Refused::SelfLockout => "You cannot disable your own account or remove your own admin role.".into(),
            Refused::BadRequest => "The request was malformed; reload the page and try again.".into(),
            Refused::TooLarge => "The request was too large (at most 256 KiB).".into(),
        }
    }
}

impl AppError {
    /// The vendor failures this error reports, if it is a vendor's failure.
    pub fn vendor_failures(&self) -> &[VendorFailure] {
        match self {
            AppError::Vendor(f) => std::slice::from_ref(f),
            AppError::Vendors(fs) => fs,
            _ => &[],
        }
    }

    /// The HTTP status of a page showing this error. A vendor's failure is reported on a
    /// working SalesDesk page (200), except throttling, which answers 503 with
    /// `Retry-After` so clients and proxies back off.
    pub fn page_status(&self) -> u16 {
        match self {
            AppError::Unauthenticated => 401,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::Invalid(_) => 400,
            AppError::Vendor(_) | AppError::Vendors(_) if self.throttled() => 503,
            AppError::Vendor(_) | AppError::Vendors(_) => 200,
            AppError::Internal { .. } | AppError::Transport(_) => 500,
        }
    }

    /// A vendor throttled SalesDesk.
    pub fn throttled(&self) -> bool {
        self.vendor_failures()
            .iter()
            .any(|f| f.kind == crate::domain::VendorErrorKind::RateLimited)
    }
}

/// Seconds a throttled page asks clients to wait before retrying.
pub const THROTTLED_RETRY_AFTER_SECS: u32 = 30;

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}
