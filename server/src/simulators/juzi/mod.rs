//! Simulated 句子互动 Juzibot Hub (v1): the customers of the shared universe that Juzibot
//! holds (seed 004's 李四 verbatim), page-number listing, detail, tag groups, and the two
//! batch writes with their documented limits and per-item `fail_list`s.
//!
//! The real hub cannot read follow-up notes back, so neither can this API. Tests see what
//! was delivered through control routes that only the simulator has:
//! - `GET /__sim/juzi/follows?unionId=&userId=`: notes received by add_follow, oldest first;
//! - `GET /__sim/juzi/remarks?unionId=&userId=`: the remark/description edit stored for the
//!   pair (`null` when none), since list/detail do not return descriptions;
//! - `GET /__sim/juzi/requests`: API requests received per path, counted before fault
//!   injection, so tests can prove a call was (not) sent or (not) retried.
//!
//! Plus `/__sim/faults` from [`faults::with_faults`].

mod handlers;
mod project;
mod state;

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Query, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use secrecy::SecretString;

use crate::simulators::dataset::Universe;
use crate::simulators::faults::{self, Faults};
pub use handlers::{AUTH_ERRCODE, BAD_REQUEST_ERRCODE, WECOM_NOT_RELATED};
use state::{RelationKey, SimState};
pub use state::{RemarkEdit, StoredFollow};

pub struct JuziSimConfig {
    /// The static token every call must carry as `?token=`.
    pub token: SecretString,
}

/// A Juzibot error reply: `{errcode, errmsg}`.
pub fn error_envelope(code: i64, message: &str) -> serde_json::Value {
    serde_json::json!({ "errcode": code, "errmsg": message })
}

/// Seed page 004's four customer endpoints; anything else is an HTTP 404 with an
/// `{errcode, errmsg}` body.
pub const SURFACE: faults::ApiSurface = faults::ApiSurface {
    documented: &[
        "/api/v1/customer/list",
        "/api/v1/customer/detail",
        "/api/v1/customer/set_remark",
        "/api/v1/customer/add_follow",
    ],
    missing: || (StatusCode::NOT_FOUND, Json(error_envelope(404, "Not Found"))).into_response(),
};

pub fn router(universe: Arc<Universe>, config: JuziSimConfig, faults: Faults) -> axum::Router {
    let state = Arc::new(SimState::new(universe, config.token));
    let api = axum::Router::new()
        .route("/api/v1/customer/list", get(handlers::customer_list))
        .route("/api/v1/customer/detail", get(handlers::customer_detail))
        .route("/api/v1/customer/set_remark", post(handlers::set_remark))
        .route("/api/v1/customer/add_follow", post(handlers::add_follow))
        .route("/api/v1/tag/list", get(handlers::tag_list))
        .route("/__sim/juzi/follows", get(sim_follows))
        .route("/__sim/juzi/remarks", get(sim_remarks))
        .route("/__sim/juzi/requests", get(sim_requests))
        .with_state(state.clone());
    // Counting wraps fault injection, so requests answered by an injected fault count too.
    faults::with_faults(api, faults, SURFACE).layer(axum::middleware::from_fn_with_state(state, count_requests))
}

async fn count_requests(State(state): State<Arc<SimState>>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if !path.starts_with("/__sim") {
        state.count_request(path);
    }
    next.run(request).await
}

async fn sim_follows(State(state): State<Arc<SimState>>, Query(params): Query<HashMap<String, String>>) -> Response {
    let union_id = params.get("unionId").map(String::as_str);
    let user_id = params.get("userId").map(String::as_str);
    Json(state.follows(union_id, user_id)).into_response()
}

async fn sim_remarks(State(state): State<Arc<SimState>>, Query(params): Query<HashMap<String, String>>) -> Response {
    let key = RelationKey {
        union_id: params.get("unionId").cloned().unwrap_or_default(),
        user_id: params.get("userId").cloned().unwrap_or_default(),
    };
    Json(state.remark_edit(&key)).into_response()
}

async fn sim_requests(State(state): State<Arc<SimState>>) -> Response {
    Json(state.request_counts()).into_response()
}
