//! Simulated 卫瓴 Weiling open API: the endpoints SalesDesk uses, under `/openapi`, speaking
//! the `{code, msg, data}` envelope, checking access tokens in the query string (POSTs too),
//! paging with cursors and enforcing the documented limits. It serves the customers of the
//! shared universe that Weiling holds (with Weiling's own, sometimes disagreeing, stage) and
//! stores writes: remark edits show in later reads, created follow-ups in progress/list.
//!
//! Written from the vendor material, never from SalesDesk's client: paths, codes, limits and
//! request bodies are its own (`wire`), replies are JSON built from the documented shapes
//! (`project`), and tokens are its own (`auth`). A wrong name, code or limit in the client
//! then fails against the simulator instead of agreeing with itself.
//!
//! Test hooks (not part of Weiling's API; the fault layer leaves `/__sim` alone):
//! - `GET /__sim/weiling/stats` → `{"token_requests", "tokens_issued", "progress_created",
//!   "customer_edits"}`: counts since start, e.g. to prove the client fetched one token.
//! - `POST /__sim/weiling/expire_tokens` → every issued token is expired from now on.
//! - `GET /__sim/weiling/created_progress?customer_id=` → the contents of the follow-ups
//!   created for that customer through v2/progress/create, oldest first (how many times a
//!   note arrived).

mod auth;
mod handlers;
mod project;
mod store;
mod wire;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use secrecy::SecretString;

use crate::simulators::dataset::Universe;
use crate::simulators::faults::{self, Faults};
use wire::{codes, paths};

pub use auth::TOKEN_LENGTH;

/// The path prefix every Weiling API path sits under (`https://openapi.weiling.cn/openapi`).
pub const BASE_PATH: &str = "/openapi";

/// Fixed page sizes (Weiling does not let callers choose). customer/list uses 100 like
/// contact/list's documented page; the others are guesses.
pub const CUSTOMER_ID_PAGE: usize = 100;
pub const PROGRESS_PAGE: usize = 20;
pub const CLUE_PAGE: usize = 20;

pub struct WeilingSimConfig {
    pub app_id: String,
    pub app_secret: SecretString,
    /// How long an issued access_token is accepted.
    pub token_ttl: Duration,
}

/// An error reply in Weiling's envelope (HTTP 200, non-zero `code`).
pub fn error_envelope(code: i64, message: &str) -> serde_json::Value {
    serde_json::json!({ "code": code, "msg": message, "data": null })
}

pub fn router(universe: Arc<Universe>, config: WeilingSimConfig, faults: Faults) -> Router {
    let sim = Arc::new(handlers::Sim::new(universe, config));
    let api = |path: &str| format!("{BASE_PATH}{path}");
    let unsupported = handlers::method_not_supported;
    let routes = Router::new()
        .route(&api(paths::TOKEN), get(handlers::token).fallback(handlers::token_wrong_method))
        .route(&api(paths::CUSTOMER_LIST), get(handlers::customer_list).fallback(unsupported))
        .route(&api(paths::CUSTOMER_BATCH), post(handlers::customer_batch).fallback(unsupported))
        .route(
            &api(paths::CUSTOMER_BY_EXTERNAL_USERID),
            get(handlers::customer_by_external_userid).fallback(unsupported),
        )
        .route(&api(paths::CUSTOMER_EDIT), post(handlers::customer_edit).fallback(unsupported))
        .route(&api(paths::PROGRESS_LIST), get(handlers::progress_list).fallback(unsupported))
        .route(&api(paths::PROGRESS_CREATE), post(handlers::progress_create).fallback(unsupported))
        .route(&api(paths::CUSTOM_DETAIL), get(handlers::custom_detail).fallback(unsupported))
        .route(&api(paths::CLUE_LIST), get(handlers::clue_list).fallback(unsupported))
        .route(&api(paths::CLUE_BATCH), post(handlers::clue_batch).fallback(unsupported))
        .route("/__sim/weiling/stats", get(handlers::stats))
        .route("/__sim/weiling/expire_tokens", post(handlers::expire_tokens))
        .route("/__sim/weiling/created_progress", get(handlers::created_progress))
        .with_state(sim);
    faults::with_faults(routes, faults, SURFACE)
}

/// Seed page 003 (`customer/batch`) and the token exchange its auth section points to;
/// anything else answers code 1003 with 接口不存在, HTTP 200.
pub const SURFACE: faults::ApiSurface = faults::ApiSurface {
    documented: &["/openapi/auth/access_token/get", "/openapi/customer/batch"],
    missing: || axum::Json(error_envelope(codes::DATA_NOT_FOUND, "接口不存在")).into_response(),
};
