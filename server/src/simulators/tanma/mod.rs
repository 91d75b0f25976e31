//! Simulated 探马 Tanma open API, served under [`BASE_PATH`] like the real
//! `https://account.tanmarket.cn/apiServer`.
//!
//! It checks what the real service checks — the `appId`, the `timestamp` window (1003) and
//! the SHA-256 signature over the raw body bytes (1002) — and answers every endpoint the
//! SalesDesk client uses from the shared [`Universe`] (customers present in Tanma, Tanma
//! clues, corp tags, field definitions), paging like the real API. Seed-page records come
//! back exactly as the seed pages show them.
//!
//! Error answers use the documented `{code, message, data}` envelope with HTTP 200:
//! - 1002 `签名校验未通过`: unknown appId, missing or wrong signature;
//! - 1003 `请求时间与服务器时间相差过大，请校对时间后重新请求`: missing, malformed or stale timestamp;
//! - -1 `…不存在`: clue/get or clue/list-follow-up with an unknown customerId;
//! - -1 `请求参数验证失败：…`: a body that is not JSON of the endpoint's shape.
//!
//! Unknown customers or relations on the v2 list endpoints (qw-details,
//! qw-list-by-customer) answer success with an empty `data` list, as a result list with
//! nothing in it.

mod auth;
mod handlers;
mod project;
mod wire;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use axum::routing::{MethodRouter, post};
use secrecy::SecretString;
use serde_json::{Value, json};

use crate::simulators::dataset::Universe;
use crate::simulators::faults::{self, Faults};
use wire::paths;

/// The path prefix the real service lives under; API paths such as `/api/v3/clue/get`
/// follow it.
pub const BASE_PATH: &str = "/apiServer";

/// The credentials and clock tolerance the simulator enforces.
#[derive(Clone, Debug)]
pub struct TanmaSimConfig {
    pub app_id: String,
    pub app_key: SecretString,
    /// Largest accepted difference between a request's `timestamp` and the simulator's
    /// clock (Tanma's real window is undocumented).
    pub max_clock_skew: Duration,
}

/// Tanma's error envelope, for the fault injector and the simulator's own errors.
pub fn error_envelope(code: i64, message: &str) -> Value {
    json!({ "code": code, "message": message, "data": null })
}

/// A business error the simulator answers with.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SimError {
    pub code: i64,
    pub message: String,
}

impl SimError {
    pub fn new(code: i64, message: impl Into<String>) -> Self {
        SimError {
            code,
            message: message.into(),
        }
    }
}

/// What a handler produces: `data` and the success message, or an error.
pub(crate) type Outcome = Result<(Value, &'static str), SimError>;

#[derive(Clone)]
pub(crate) struct Sim {
    pub universe: Arc<Universe>,
    pub config: Arc<TanmaSimConfig>,
    /// Tanma's customer search rows with no filter, in its order (newest added first; one row
    /// per customer and rep who follows them): (customer position, relation position). Listed
    /// once: sorting and scanning a million customers per page made a crawl quadratic.
    pub search_rows: Arc<Vec<(u32, u32)>>,
}

pub fn router(universe: Arc<Universe>, config: TanmaSimConfig, faults: Faults) -> Router {
    let mut search_order: Vec<u32> = (0..universe.customers.len() as u32)
        .filter(|&i| universe.customers[i as usize].presence.tanma)
        .collect();
    search_order.sort_by_key(|&i| {
        let p = &universe.customers[i as usize];
        (std::cmp::Reverse(p.added_at_ms), p.index)
    });
    let search_rows = search_order
        .iter()
        .flat_map(|&i| (0..universe.customers[i as usize].follows.len() as u32).map(move |f| (i, f)))
        .collect();
    let sim = Sim {
        universe,
        config: Arc::new(config),
        search_rows: Arc::new(search_rows),
    };
    let api = Router::new()
        .route(paths::ECHO, endpoint(handlers::echo))
        .route(paths::QW_DETAILS, endpoint(handlers::qw_details))
        .route(paths::QW_FOLLOW_LIST, endpoint(handlers::qw_follow_list))
        .route(paths::CLUE_GET, endpoint(handlers::clue_get))
        .route(paths::CLUE_LIST_ASC, endpoint(handlers::clue_list_asc))
        .route(paths::CLUE_FOLLOW_UPS, endpoint(handlers::clue_follow_ups))
        .route(paths::TAGS_TREE, endpoint(handlers::tags_tree))
        .route(paths::PROFILE_FIELDS, endpoint(handlers::profile_fields))
        .route(paths::CUSTOMER_SEARCH, endpoint(handlers::customer_search))
        .with_state(sim);
    faults::with_faults(Router::new().nest(BASE_PATH, api), faults, SURFACE)
}

/// Seed pages 000, 001 and 002; anything else answers `-1 接口不存在`, HTTP 200, as Tanma
/// does for a path it does not offer.
pub const SURFACE: faults::ApiSurface = faults::ApiSurface {
    documented: &[
        "/api/v2/customer/qw-details",
        "/api/v2/customer/follow/qw-list-by-customer",
        "/api/v3/clue/get",
    ],
    missing: || axum::Json(error_envelope(-1, "接口不存在")).into_response(),
};

/// A POST route: authenticate over the raw body, then run `handler` on it.
fn endpoint(handler: fn(&Sim, &[u8]) -> Outcome) -> MethodRouter<Sim> {
    post(move |State(sim): State<Sim>, headers: HeaderMap, body: Bytes| async move {
        let outcome = auth::verify(&sim.config, &headers, &body, chrono::Utc::now().timestamp_millis()).and_then(|()| handler(&sim, &body));
        axum::Json(match outcome {
            Ok((data, message)) => json!({ "code": 0, "message": message, "data": data }),
            Err(e) => error_envelope(e.code, &e.message),
        })
    })
}
