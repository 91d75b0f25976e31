//! The simulated hub's v1 endpoints. Request bodies are read with this module's own shapes
//! (not the client's wire types) so a client mistake cannot be mirrored here unnoticed.
//!
//! Choices where the documents are silent (the client's README section lists them too):
//! - wrong or missing token: HTTP 200 `{"errcode": 401, "errmsg": "invalid token"}`;
//! - bad parameters (pageSize > 1000, > 50 remarks, > 500 follows, no id): errcode 400;
//! - detail of an unknown customer: errcode 0 with `data: null`;
//! - fail_list `errcode` is a string ("-1", "-2", WeCom's "84061"), as the table types it.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use secrecy::ExposeSecret;
use serde::Deserialize;
use serde_json::{Value, json};

use super::error_envelope;
use super::project;
use super::state::{RelationKey, SimState, StoredFollow};
use crate::simulators::dataset::Person;

pub const MAX_PAGE_SIZE: usize = 1000;
pub const MAX_REMARK_ITEMS: usize = 50;
pub const MAX_FOLLOW_ITEMS: usize = 500;
pub const MAX_REMARK_CHARS: usize = 20;
pub const MAX_DESCRIPTION_CHARS: usize = 150;

/// The simulator's answer to a wrong or missing token (the real hub's is undocumented).
pub const AUTH_ERRCODE: i64 = 401;
/// The simulator's answer to parameters outside the documented limits.
pub const BAD_REQUEST_ERRCODE: i64 = 400;
/// WeCom's "no external-contact relationship" code, for writes to a pair that does not exist.
pub const WECOM_NOT_RELATED: &str = "84061";

type Params = Query<HashMap<String, String>>;

fn reply(value: Value) -> Response {
    Json(value).into_response()
}

fn error(code: i64, message: &str) -> Response {
    reply(error_envelope(code, message))
}

/// The reply to send instead when the token is wrong or missing.
fn unauthorized(state: &SimState, params: &HashMap<String, String>) -> Option<Response> {
    match params.get("token") {
        Some(t) if t.as_bytes() == state.token.expose_secret().as_bytes() => None,
        _ => Some(error(AUTH_ERRCODE, "invalid token")),
    }
}

fn param<'a>(params: &'a HashMap<String, String>, name: &str) -> Option<&'a str> {
    params.get(name).map(|v| v.trim()).filter(|v| !v.is_empty())
}

fn juzi_customer(p: Option<&Person>) -> Option<&Person> {
    p.filter(|p| p.presence.juzi)
}

/// `GET /api/v1/customer/list?token=&current=&pageSize=&userId=`
pub async fn customer_list(State(state): State<Arc<SimState>>, Query(params): Params) -> Response {
    if let Some(r) = unauthorized(&state, &params) {
        return r;
    }
    let Some(current) = param(&params, "current").and_then(|v| v.parse::<usize>().ok()).filter(|c| *c >= 1) else {
        return error(BAD_REQUEST_ERRCODE, "current is required and must be a page number from 1");
    };
    let Some(page_size) = param(&params, "pageSize")
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|s| (1..=MAX_PAGE_SIZE).contains(s))
    else {
        return error(BAD_REQUEST_ERRCODE, "pageSize is required and must be between 1 and 1000");
    };
    let user_id = param(&params, "userId");
    // Counted for `total`, projected only for the page (collecting every match per page made a
    // crawl of a million customers quadratic in allocations).
    let skip = (current - 1).saturating_mul(page_size);
    let mut total = 0usize;
    let mut data: Vec<Value> = Vec::new();
    for p in state.customers.iter().filter_map(|&i| state.universe.customers.get(i)) {
        if user_id.is_none_or(|u| project::follows(&state, p, u)) {
            if total >= skip && data.len() < page_size {
                data.push(project::customer(&state, p));
            }
            total += 1;
        }
    }
    reply(json!({"errcode": 0, "errmsg": "ok", "data": data, "total": total}))
}

/// `GET /api/v1/customer/detail?token=&unionId=&externalUserId=`; unionId wins when both.
pub async fn customer_detail(State(state): State<Arc<SimState>>, Query(params): Params) -> Response {
    if let Some(r) = unauthorized(&state, &params) {
        return r;
    }
    let u = &state.universe;
    let found = match (param(&params, "unionId"), param(&params, "externalUserId")) {
        (Some(union_id), _) => u.customer_by_union_id(union_id),
        (None, Some(external)) => u.customer_by_external_id(external),
        (None, None) => return error(BAD_REQUEST_ERRCODE, "unionId or externalUserId is required"),
    };
    let data = juzi_customer(found).map(|p| project::customer(&state, p)).unwrap_or(Value::Null);
    reply(json!({"errcode": 0, "errmsg": "ok", "data": data}))
}

/// `GET /api/v1/tag/list?token=&isSync=` (`isSync` accepted; there is nothing to re-sync).
pub async fn tag_list(State(state): State<Arc<SimState>>, Query(params): Params) -> Response {
    if let Some(r) = unauthorized(&state, &params) {
        return r;
    }
    reply(json!({"errcode": 0, "errmsg": "ok", "data": project::tag_groups(&state)}))
}

#[derive(Deserialize)]
struct RemarkIn {
    #[serde(rename = "userId", default)]
    user_id: String,
    #[serde(rename = "unionId", default)]
    union_id: String,
    #[serde(default)]
    remark: Option<String>,
    #[serde(default)]
    description: Option<String>,
}

/// The array under `key` in a JSON body, or why there is none.
fn parse_list(body: &Bytes, key: &str) -> Result<Vec<Value>, String> {
    let value: Value = serde_json::from_slice(body).map_err(|_| "body is not JSON".to_string())?;
    match value.get(key) {
        Some(Value::Array(items)) => Ok(items.clone()),
        _ => Err(format!("{key} is required and must be an array")),
    }
}

/// The universe customer a write addresses, if `user_id` follows it at Juzibot.
fn relation<'a>(state: &'a SimState, union_id: &str, user_id: &str) -> Option<&'a Person> {
    juzi_customer(state.universe.customer_by_union_id(union_id)).filter(|p| project::follows(state, p, user_id))
}

/// `POST /api/v1/customer/set_remark?token=` with `remark_list` (≤ 50).
pub async fn set_remark(State(state): State<Arc<SimState>>, Query(params): Params, body: Bytes) -> Response {
    if let Some(r) = unauthorized(&state, &params) {
        return r;
    }
    let items = match parse_list(&body, "remark_list") {
        Ok(items) => items,
        Err(message) => return error(BAD_REQUEST_ERRCODE, &message),
    };
    if items.len() > MAX_REMARK_ITEMS {
        return error(BAD_REQUEST_ERRCODE, "remark_list supports 50 items at most");
    }
    let mut fail_list = Vec::new();
    for raw in items {
        let Ok(item) = serde_json::from_value::<RemarkIn>(raw.clone()) else {
            fail_list.push(json!({"userId": raw.get("userId"), "unionId": raw.get("unionId"), "errcode": "400", "errmsg": "invalid item"}));
            continue;
        };
        let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
        let failure = if item.remark.as_deref().is_some_and(|r| r.chars().count() > MAX_REMARK_CHARS) {
            Some(("-1", "remark exceed the limit"))
        } else if item
            .description
            .as_deref()
            .is_some_and(|d| d.chars().count() > MAX_DESCRIPTION_CHARS)
        {
            Some(("-2", "description exceed the limit"))
        } else if blank(&item.remark) && blank(&item.description) {
            Some(("400", "remark and description can not be empty at the same request"))
        } else if relation(&state, &item.union_id, &item.user_id).is_none() {
            Some((WECOM_NOT_RELATED, "not external contact"))
        } else {
            None
        };
        match failure {
            Some((code, message)) => {
                let mut echo = json!({"userId": item.user_id, "unionId": item.union_id, "errcode": code, "errmsg": message});
                if let Some(r) = &item.remark {
                    echo["remark"] = json!(r);
                }
                if let Some(d) = &item.description {
                    echo["description"] = json!(d);
                }
                fail_list.push(echo);
            }
            None => state.apply_remark(
                RelationKey {
                    union_id: item.union_id,
                    user_id: item.user_id,
                },
                item.remark,
                item.description,
            ),
        }
    }
    success_with_failures(fail_list)
}

#[derive(Deserialize)]
struct FollowIn {
    #[serde(rename = "unionId", default)]
    union_id: String,
    #[serde(rename = "userId", default)]
    user_id: String,
    #[serde(default)]
    text: Vec<TextIn>,
}

#[derive(Deserialize)]
struct TextIn {
    #[serde(default)]
    content: String,
    #[serde(default)]
    timestamp: Option<i64>,
}

/// `POST /api/v1/customer/add_follow?token=` with `follow_list` (≤ 500). Failed items are
/// echoed in `fail_list` as sent, as the documents show.
pub async fn add_follow(State(state): State<Arc<SimState>>, Query(params): Params, body: Bytes) -> Response {
    if let Some(r) = unauthorized(&state, &params) {
        return r;
    }
    let items = match parse_list(&body, "follow_list") {
        Ok(items) => items,
        Err(message) => return error(BAD_REQUEST_ERRCODE, &message),
    };
    if items.len() > MAX_FOLLOW_ITEMS {
        return error(BAD_REQUEST_ERRCODE, "follow_list supports 500 items at most");
    }
    let mut fail_list = Vec::new();
    for raw in items {
        let Ok(item) = serde_json::from_value::<FollowIn>(raw.clone()) else {
            fail_list.push(raw);
            continue;
        };
        let usable = !item.text.is_empty()
            && item.text.iter().all(|t| !t.content.trim().is_empty())
            && relation(&state, &item.union_id, &item.user_id).is_some();
        if !usable {
            fail_list.push(raw);
            continue;
        }
        let notes = item
            .text
            .into_iter()
            .map(|t| StoredFollow {
                union_id: item.union_id.clone(),
                user_id: item.user_id.clone(),
                content: t.content,
                timestamp: t.timestamp,
            })
            .collect();
        state.store_follows(notes);
    }
    success_with_failures(fail_list)
}

/// `fail_list` is present only when something failed.
fn success_with_failures(fail_list: Vec<Value>) -> Response {
    if fail_list.is_empty() {
        reply(json!({"errcode": 0, "errmsg": "ok"}))
    } else {
        reply(json!({"errcode": 0, "errmsg": "ok", "fail_list": fail_list}))
    }
}
