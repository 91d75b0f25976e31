//! One handler per simulated endpoint. Every business endpoint checks `access_token` first;
//! every failure is an HTTP 200 with Weiling's envelope and one of its documented codes.
//! Request bodies are read with this simulator's own shapes (`wire`), replies built as JSON.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::auth::{Refusal, Tokens};
use super::project;
use super::store::{CreatedProgress, RemarkEdit, Store};
use super::wire::codes::{
    BAD_APP_CREDENTIALS, BAD_FORMAT, BODY_UNPARSEABLE, CUSTOMER_NOT_FOUND, DATA_NOT_FOUND, END_OF_LIST, ILLEGAL_ACCESS, ILLEGAL_PARAMETER,
    METHOD_NOT_SUPPORTED, MISSING_PARAMETER, OK, OVER_LIMIT,
};
use super::wire::limits::{
    MAX_ATTACHMENTS, MAX_BATCH, MAX_DESCRIPTION_CHARS, MAX_IMAGES, MAX_PROGRESS_CHARS, MAX_REMARK_CHARS, PROGRESS_TYPE_CONTACT,
    PROGRESS_TYPES,
};
use super::wire::{ClueBatchRequest, CustomerBatchRequest, CustomerEditRequest, ProgressCreateRequest};
use super::{CLUE_PAGE, CUSTOMER_ID_PAGE, PROGRESS_PAGE, WeilingSimConfig, error_envelope};
use crate::simulators::dataset::{Person, Universe, WeilingProfile};

pub struct Sim {
    universe: Arc<Universe>,
    tokens: Tokens,
    store: Mutex<Store>,
    /// Each rep's Weiling customer ids in universe order, listed once: scanning a million
    /// customers for every page of `customer/list` made a crawl quadratic.
    customer_ids_by_rep: Vec<Vec<u32>>,
}

type Params = HashMap<String, String>;

impl Sim {
    pub fn new(universe: Arc<Universe>, config: WeilingSimConfig) -> Self {
        let mut customer_ids_by_rep = vec![Vec::new(); universe.reps.len()];
        for (i, p) in universe.customers.iter().enumerate() {
            if p.weiling.is_some() {
                for f in &p.follows {
                    if let Some(ids) = customer_ids_by_rep.get_mut(f.rep) {
                        ids.push(i as u32);
                    }
                }
            }
        }
        Sim {
            universe,
            tokens: Tokens::new(config.app_id, config.app_secret, config.token_ttl),
            store: Mutex::new(Store::default()),
            customer_ids_by_rep,
        }
    }

    fn authorize(&self, params: &Params) -> Result<(), Reject> {
        match params.get("access_token") {
            Some(token) if self.tokens.valid(token) => Ok(()),
            _ => Err(fail(ILLEGAL_ACCESS, "非法访问: access_token无效或已过期")),
        }
    }

    fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn weiling_customer(&self, customer_id: &str) -> Option<(&Person, &WeilingProfile)> {
        let p = self.universe.customer_by_weiling_id(customer_id)?;
        Some((p, p.weiling.as_ref()?))
    }
}

/// A success reply: `{code: 0, msg: "success", data}`.
fn ok(data: Value) -> Response {
    Json(json!({ "code": OK, "msg": "success", "data": data })).into_response()
}

/// An error reply on its way out: kept small (code and message) until it becomes a response.
struct Reject {
    code: i64,
    msg: String,
}

fn fail(code: i64, msg: &str) -> Reject {
    Reject {
        code,
        msg: msg.to_string(),
    }
}

impl IntoResponse for Reject {
    fn into_response(self) -> Response {
        Json(error_envelope(self.code, &self.msg)).into_response()
    }
}

fn required<'a>(params: &'a Params, name: &str) -> Result<&'a str, Reject> {
    params
        .get(name)
        .map(String::as_str)
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| fail(MISSING_PARAMETER, &format!("参数缺失: {name}")))
}

/// Parses a JSON body: not JSON → 1011; a required key missing → 1000; wrong types → 1001.
fn body<T: DeserializeOwned>(bytes: &Bytes, required_keys: &[&str]) -> Result<T, Reject> {
    let value: Value = serde_json::from_slice(bytes).map_err(|_| fail(BODY_UNPARSEABLE, "body参数解析异常"))?;
    for key in required_keys {
        if value.get(key).is_none_or(Value::is_null) {
            return Err(fail(MISSING_PARAMETER, &format!("参数缺失: {key}")));
        }
    }
    serde_json::from_value(value).map_err(|e| fail(ILLEGAL_PARAMETER, &format!("不合法的参数: {e}")))
}

/// Cursors are `<tag>-<offset>`; a foreign or mangled cursor is an illegal parameter.
fn offset(params: &Params, tag: &str) -> Result<usize, Reject> {
    match params.get("cursor").map(String::as_str).filter(|c| !c.is_empty()) {
        None => Ok(0),
        Some(c) => c
            .strip_prefix(tag)
            .and_then(|rest| rest.strip_prefix('-'))
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| fail(ILLEGAL_PARAMETER, "cursor参数错误")),
    }
}

/// One page of `items` from `start`, and the cursor of the next page ("" on the last).
/// Asking past the end of a non-empty list is 1006, "all data loaded".
fn page<T: Clone>(items: &[T], start: usize, size: usize, tag: &str) -> Result<(Vec<T>, String), Reject> {
    if start > 0 && start >= items.len() {
        return Err(fail(END_OF_LIST, "数据加载完毕"));
    }
    let end = (start + size).min(items.len());
    let next = if end < items.len() { format!("{tag}-{end}") } else { String::new() };
    Ok((items[start..end].to_vec(), next))
}

// ---- token ---------------------------------------------------------------------------------

pub async fn token(State(sim): State<Arc<Sim>>, Query(params): Query<Params>) -> Response {
    sim.tokens.requests.fetch_add(1, Ordering::Relaxed);
    // Exact names only: a client sending `appid` gets 1001, as public clients report.
    let (Some(app_id), Some(app_secret)) = (params.get("app_id"), params.get("app_secret")) else {
        return fail(ILLEGAL_PARAMETER, "不合法的参数: 需要 app_id 和 app_secret").into_response();
    };
    match sim.tokens.issue(app_id, app_secret) {
        Ok(token) => ok(json!({ "access_token": token })),
        Err(Refusal::BadCredentials) => fail(BAD_APP_CREDENTIALS, "app_id或app_secret不正确").into_response(),
    }
}

pub async fn token_wrong_method(State(sim): State<Arc<Sim>>) -> Response {
    sim.tokens.requests.fetch_add(1, Ordering::Relaxed);
    method_not_supported().await
}

pub async fn method_not_supported() -> Response {
    fail(METHOD_NOT_SUPPORTED, "不支持的请求方法").into_response()
}

// ---- customers -----------------------------------------------------------------------------

pub async fn customer_list(State(sim): State<Arc<Sim>>, Query(params): Query<Params>) -> Response {
    handle(|| {
        sim.authorize(&params)?;
        let start = offset(&params, "cl")?;
        let u = &sim.universe;
        let ids: Vec<&str> = match (
            params.get("userid").filter(|s| !s.is_empty()),
            params.get("remark_mobile").filter(|s| !s.is_empty()),
        ) {
            (Some(user_id), _) => {
                let (rep, _) = u.rep_by_user_id(user_id).ok_or_else(|| fail(ILLEGAL_PARAMETER, "userid不存在"))?;
                let followed = sim.customer_ids_by_rep.get(rep).map(Vec::as_slice).unwrap_or_default();
                let (page_ids, cursor) = page(followed, start, CUSTOMER_ID_PAGE, "cl")?;
                let data_list: Vec<&str> = page_ids
                    .iter()
                    .filter_map(|&i| Some(u.customers[i as usize].weiling.as_ref()?.customer_id.as_str()))
                    .collect();
                return Ok(ok(json!({ "data_list": data_list, "cursor": cursor })));
            }
            (None, Some(mobile)) => {
                let store = sim.store();
                u.customers
                    .iter()
                    .filter_map(|p| Some((p, p.weiling.as_ref()?)))
                    .filter(|(p, w)| {
                        p.follows.iter().any(|f| {
                            let user_id = u.reps.get(f.rep).map(|r| r.user_id.as_str()).unwrap_or_default();
                            let edited = store.edit(&w.customer_id, user_id).and_then(|e| e.remark_mobiles.as_ref());
                            edited.unwrap_or(&f.remark_mobiles).iter().any(|m| m == mobile)
                        })
                    })
                    .map(|(_, w)| w.customer_id.as_str())
                    .collect()
            }
            (None, None) => {
                return Err(fail(MISSING_PARAMETER, "参数缺失: userid和remark_mobile必填其一"));
            }
        };
        let (data_list, cursor) = page(&ids, start, CUSTOMER_ID_PAGE, "cl")?;
        Ok(ok(json!({ "data_list": data_list, "cursor": cursor })))
    })
}

pub async fn customer_batch(State(sim): State<Arc<Sim>>, Query(params): Query<Params>, bytes: Bytes) -> Response {
    handle(|| {
        sim.authorize(&params)?;
        let request: CustomerBatchRequest = body(&bytes, &["customer_ids"])?;
        if request.customer_ids.is_empty() {
            return Err(fail(MISSING_PARAMETER, "参数缺失: customer_ids"));
        }
        if request.customer_ids.len() > MAX_BATCH {
            return Err(fail(OVER_LIMIT, &format!("数据超过限制: customer_ids最多{MAX_BATCH}个")));
        }
        let store = sim.store();
        let customer_list: Vec<Value> = request
            .customer_ids
            .iter()
            .filter_map(|id| sim.weiling_customer(id))
            .map(|(p, w)| project::customer(&sim.universe, p, w, &store))
            .collect();
        Ok(ok(json!({ "customer_list": customer_list })))
    })
}

pub async fn customer_by_external_userid(State(sim): State<Arc<Sim>>, Query(params): Query<Params>) -> Response {
    handle(|| {
        sim.authorize(&params)?;
        let external_userid = required(&params, "external_userid")?;
        let p = sim
            .universe
            .customer_by_external_id(external_userid)
            .ok_or_else(|| fail(CUSTOMER_NOT_FOUND, "客户不存在"))?;
        let w = p.weiling.as_ref().ok_or_else(|| fail(CUSTOMER_NOT_FOUND, "客户不存在"))?;
        let store = sim.store();
        Ok(ok(project::customer(&sim.universe, p, w, &store)))
    })
}

pub async fn customer_edit(State(sim): State<Arc<Sim>>, Query(params): Query<Params>, bytes: Bytes) -> Response {
    handle(|| {
        sim.authorize(&params)?;
        let request: CustomerEditRequest = body(&bytes, &["user_id", "customer_id"])?;
        let (p, _) = sim
            .weiling_customer(&request.customer_id)
            .ok_or_else(|| fail(CUSTOMER_NOT_FOUND, "客户不存在"))?;
        let (rep, _) = sim
            .universe
            .rep_by_user_id(&request.user_id)
            .ok_or_else(|| fail(ILLEGAL_PARAMETER, "user_id不存在"))?;
        if p.relation(rep).is_none() {
            return Err(fail(ILLEGAL_PARAMETER, "user_id未添加该客户"));
        }
        if let Some(r) = &request.remark
            && r.chars().count() > MAX_REMARK_CHARS
        {
            return Err(fail(OVER_LIMIT, &format!("数据超过限制: remark最多{MAX_REMARK_CHARS}个字符")));
        }
        if let Some(d) = &request.description
            && d.chars().count() > MAX_DESCRIPTION_CHARS
        {
            return Err(fail(
                OVER_LIMIT,
                &format!("数据超过限制: description最多{MAX_DESCRIPTION_CHARS}个字符"),
            ));
        }
        let change = RemarkEdit {
            remark: request.remark,
            description: request.description,
            remark_mobiles: request.remark_mobiles,
        };
        sim.store().apply_edit(&request.customer_id, &request.user_id, change);
        Ok(Json(json!({ "code": OK, "msg": "success" })).into_response())
    })
}

// ---- progress ------------------------------------------------------------------------------

fn object_type(raw: &str) -> Result<i64, Reject> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|t| PROGRESS_TYPES.contains(t))
        .ok_or_else(|| fail(ILLEGAL_PARAMETER, "不合法的参数: type"))
}

pub async fn progress_list(State(sim): State<Arc<Sim>>, Query(params): Query<Params>) -> Response {
    handle(|| {
        sim.authorize(&params)?;
        let kind = object_type(required(&params, "type")?)?;
        let id = required(&params, "id")?;
        let start = offset(&params, "pg")?;
        if kind != PROGRESS_TYPE_CONTACT {
            // Only contacts are simulated; other objects exist but have no records.
            return Ok(ok(json!({ "progress_list": [], "cursor": "" })));
        }
        let (_, w) = sim.weiling_customer(id).ok_or_else(|| fail(DATA_NOT_FOUND, "数据不存在"))?;
        let records = project::progress(&sim.universe, w, &sim.store());
        let (slice, cursor) = page(&records, start, PROGRESS_PAGE, "pg")?;
        let progress_list: Vec<Value> = slice.iter().map(project::ProgressRecord::to_json).collect();
        Ok(ok(json!({ "progress_list": progress_list, "cursor": cursor })))
    })
}

pub async fn progress_create(State(sim): State<Arc<Sim>>, Query(params): Query<Params>, bytes: Bytes) -> Response {
    handle(|| {
        sim.authorize(&params)?;
        let request: ProgressCreateRequest = body(&bytes, &["id", "type", "progress_list"])?;
        object_type(&request.kind.to_string())?;
        if request.progress_list.is_empty() {
            return Err(fail(MISSING_PARAMETER, "参数缺失: progress_list"));
        }
        if request.progress_list.len() > MAX_BATCH {
            return Err(fail(OVER_LIMIT, &format!("数据超过限制: progress_list最多{MAX_BATCH}条")));
        }
        if request.kind != PROGRESS_TYPE_CONTACT || sim.weiling_customer(&request.id).is_none() {
            return Err(fail(DATA_NOT_FOUND, "数据不存在"));
        }
        // Partial success is normal: each item lands in exactly one list.
        let mut fail_list: Vec<Value> = Vec::new();
        let mut success_list: Vec<Value> = Vec::new();
        let mut store = sim.store();
        for item in request.progress_list {
            let refuse = |code: i64, msg: &str| json!({ "index": item.index, "error_code": code, "error_msg": msg });
            let failure = if item.content.trim().is_empty() {
                Some(refuse(MISSING_PARAMETER, "content不能为空"))
            } else if item.content.chars().count() > MAX_PROGRESS_CHARS {
                Some(refuse(OVER_LIMIT, &format!("content长度不能超过{MAX_PROGRESS_CHARS}")))
            } else if !(1_000_000_000_000..10_000_000_000_000).contains(&item.create_time) {
                Some(refuse(BAD_FORMAT, "create_time需为13位时间戳"))
            } else if item
                .create_user_id
                .as_deref()
                .is_some_and(|u| sim.universe.rep_by_user_id(u).is_none())
            {
                Some(refuse(ILLEGAL_PARAMETER, "userId不正确"))
            } else if item.image_file_list.len() > MAX_IMAGES {
                Some(refuse(OVER_LIMIT, &format!("图片数量不能超过{MAX_IMAGES}个")))
            } else if item.attachment_file_list.len() > MAX_ATTACHMENTS {
                Some(refuse(OVER_LIMIT, &format!("附件数量不能超过{MAX_ATTACHMENTS}个")))
            } else {
                None
            };
            match failure {
                Some(f) => fail_list.push(f),
                None => {
                    let record = CreatedProgress {
                        progress_id: String::new(),
                        create_user_id: item.create_user_id,
                        content: item.content,
                        create_time: item.create_time,
                        image_file_list: item.image_file_list,
                        attachments: item.attachment_file_list,
                    };
                    let progress_id = store.add_progress(&request.id, record);
                    success_list.push(json!({ "index": item.index, "progress_id": progress_id }));
                }
            }
        }
        Ok(ok(json!({ "fail_list": fail_list, "success_list": success_list })))
    })
}

// ---- field descriptions ---------------------------------------------------------------------

pub async fn custom_detail(State(sim): State<Arc<Sim>>, Query(params): Query<Params>) -> Response {
    handle(|| {
        sim.authorize(&params)?;
        let api_key = required(&params, "api_key")?;
        let fields = match api_key {
            "contact" => project::contact_fields(),
            "business" | "company" | "dialogue_room" => Vec::new(),
            _ => return Err(fail(ILLEGAL_PARAMETER, "不合法的参数: api_key")),
        };
        Ok(ok(json!({ "api_key": api_key, "fields": fields })))
    })
}

// ---- clues ---------------------------------------------------------------------------------

pub async fn clue_list(State(sim): State<Arc<Sim>>, Query(params): Query<Params>) -> Response {
    handle(|| {
        sim.authorize(&params)?;
        let start = offset(&params, "ck")?;
        let after = match params.get("start").filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => Some(
                s.parse::<i64>()
                    .map_err(|_| fail(BAD_FORMAT, "参数格式或值错误: start需为13位时间戳"))?,
            ),
        };
        let u = &sim.universe;
        let owner = params.get("owner_id").filter(|s| !s.is_empty());
        let mobile = params.get("mobile").filter(|s| !s.is_empty());
        let mut clues: Vec<_> = u
            .clues
            .iter()
            .filter_map(|c| Some((c, c.weiling_clue_id.as_deref()?)))
            .filter(|(c, _)| after.is_none_or(|t| c.created_at_ms > t))
            .filter(|(c, _)| owner.is_none_or(|o| c.owner.and_then(|i| u.reps.get(i)).is_some_and(|r| &r.user_id == o)))
            .filter(|(c, _)| mobile.is_none_or(|m| c.mobiles.iter().any(|x| x == m)))
            .collect();
        // Oldest first: "clues created after `start`" reads naturally as an ascending feed.
        clues.sort_by(|a, b| a.0.created_at_ms.cmp(&b.0.created_at_ms).then_with(|| a.1.cmp(b.1)));
        let (slice, cursor) = page(&clues, start, CLUE_PAGE, "ck")?;
        let clue_list: Vec<Value> = slice.into_iter().map(|(c, id)| project::clue(u, c, id)).collect();
        Ok(ok(json!({ "clue_list": clue_list, "cursor": cursor })))
    })
}

pub async fn clue_batch(State(sim): State<Arc<Sim>>, Query(params): Query<Params>, bytes: Bytes) -> Response {
    handle(|| {
        sim.authorize(&params)?;
        let request: ClueBatchRequest = body(&bytes, &["clue_ids"])?;
        if request.clue_ids.is_empty() {
            return Err(fail(MISSING_PARAMETER, "参数缺失: clue_ids"));
        }
        if request.clue_ids.len() > MAX_BATCH {
            return Err(fail(OVER_LIMIT, &format!("数据超过限制: clue_ids最多{MAX_BATCH}个")));
        }
        let u = &sim.universe;
        let clue_list: Vec<Value> = request
            .clue_ids
            .iter()
            .filter_map(|id| {
                u.clue_by_weiling_id
                    .get(id)
                    .and_then(|&i| u.clues.get(i))
                    .map(|c| project::clue(u, c, id))
            })
            .collect();
        Ok(ok(json!({ "clue_list": clue_list, "cursor": null })))
    })
}

// ---- test hooks ----------------------------------------------------------------------------

pub async fn stats(State(sim): State<Arc<Sim>>) -> Response {
    let store = sim.store();
    Json(json!({
        "token_requests": sim.tokens.requests.load(Ordering::Relaxed),
        "tokens_issued": sim.tokens.issued_count.load(Ordering::Relaxed),
        "progress_created": store.progress_created(),
        "customer_edits": store.edit_count,
    }))
    .into_response()
}

#[derive(Deserialize)]
pub struct CreatedProgressQuery {
    customer_id: String,
}

pub async fn created_progress(State(sim): State<Arc<Sim>>, Query(q): Query<CreatedProgressQuery>) -> Response {
    let store = sim.store();
    let contents: Vec<&str> = store.progress(&q.customer_id).iter().map(|p| p.content.as_str()).collect();
    Json(json!(contents)).into_response()
}

pub async fn expire_tokens(State(sim): State<Arc<Sim>>) -> StatusCode {
    sim.tokens.expire_all();
    StatusCode::NO_CONTENT
}

/// Runs a handler body whose early exits are error replies.
fn handle(f: impl FnOnce() -> Result<Response, Reject>) -> Response {
    f().unwrap_or_else(IntoResponse::into_response)
}
