//! The error every server function returns. Typed, so the UI can explain each case in
//! Chinese, and serialisable, so it crosses to the browser intact.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

use crate::domain::VendorFailure;

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
    #[error("invalid input: {0}")]
    Invalid(String),
    #[error("vendor failure: {0:?}")]
    Vendor(VendorFailure),
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
            AppError::Invalid(m) => m.clone(),
            AppError::Vendor(f) => f.message_zh(),
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
            AppError::Invalid(m) => m.clone(),
            AppError::Vendor(f) => f.message_en(),
            AppError::Internal { request_id: Some(id) } => {
                format!("SalesDesk hit an internal error; contact your administrator (request {id}).")
            }
            AppError::Internal { request_id: None } => "SalesDesk hit an internal error; contact your administrator.".into(),
            AppError::Transport(_) => "The request failed; check the network and try again.".into(),
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}
