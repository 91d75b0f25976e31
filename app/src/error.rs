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
    /// A bulk write with no customer ticked, or a filter matching nobody.
    NothingSelected,
    /// A bulk write to more customers than `domain::BULK_MAX_CUSTOMERS`.
    TooManySelected,
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
    /// A saved view's name is empty or too long once normalised.
    ViewNameInvalid,
    /// The user already keeps a saved view of that name.
    ViewNameTaken,
    /// Only a manager with a team may share a saved view with it.
    ViewSharingNotAllowed,
    /// The user keeps as many saved views as allowed.
    TooManyViews,
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
