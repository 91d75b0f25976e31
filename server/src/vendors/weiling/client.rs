//! HTTP client for Weiling's open API: one typed method per endpoint SalesDesk uses, all going
//! through `VendorHttp` (timeouts, rate limit, retries, stats). Each attempt injects the
//! current access_token into the query string — POSTs too — and a call rejected with an
//! auth-type code drops the token and is tried once more with a fresh one.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use app::domain::{VendorErrorKind, VendorId};
use reqwest::Method;
use reqwest::header::CONTENT_TYPE;
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::sync::Mutex;
use tokio::time::Instant;

use super::codes;
use super::paths;
use super::settings::WeilingSettings;
use super::token::{Fetched, Token, TokenCache};
use super::wire::{
    Clue, ClueBatchRequest, ClueListData, CustomDetailData, Customer, CustomerBatchData, CustomerBatchRequest, CustomerEditRequest,
    CustomerIdList, EnvelopeData, EnvelopeHead, FieldDescription, NewProgress, Progress, ProgressCreateData, ProgressCreateRequest,
    ProgressListData, TokenData,
};
use crate::vendors::{CallKind, CallStats, ClientSetupError, VendorError, VendorHttp};

/// Batch endpoints take at most this many ids or items per call (customer/batch,
/// clue/batch, v2/progress/create).
pub const MAX_BATCH: usize = 100;

/// Safety stop for "read every page" loops, in case a vendor cursor never ends.
const MAX_PAGES: usize = 200;

/// Field descriptions change rarely; re-read them at most this often.
const FIELD_CACHE_TTL: Duration = Duration::from_secs(600);

/// How a reply's `code` 1006 ("all data loaded") is treated.
#[derive(Clone, Copy, PartialEq, Eq)]
enum EndOfList {
    /// A list call: 1006 means "no (more) items".
    Empty,
    /// Anything else: 1006 is an unexpected code.
    Error,
}

/// A decoded success reply: its `data`, or the end-of-list signal.
enum Reply<T> {
    Data(Option<T>),
    EndOfList,
}

/// Whom `customer/list` lists: a rep's friends, or the friends a rep noted a mobile for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CustomerListBy {
    UserId(String),
    RemarkMobile(String),
}

/// Filters of `clue/list`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClueFilter {
    /// Only clues created after this epoch ms.
    pub start_ms: Option<i64>,
    pub owner_id: Option<String>,
    pub mobile: Option<String>,
}

/// `api_key` → when read, and the descriptions.
type FieldCache = HashMap<String, (Instant, Arc<Vec<FieldDescription>>)>;

pub struct WeilingClient {
    http: VendorHttp,
    app_id: String,
    app_secret: SecretString,
    token: TokenCache,
    fields: Mutex<FieldCache>,
}

impl WeilingClient {
    pub fn new(settings: WeilingSettings) -> Result<Self, ClientSetupError> {
        if settings.app_id.trim().is_empty() {
            return Err(ClientSetupError::Empty { setting: "Weiling app_id" });
        }
        if settings.app_secret.expose_secret().trim().is_empty() {
            return Err(ClientSetupError::Empty {
                setting: "Weiling app_secret",
            });
        }
        let http = VendorHttp::new(VendorId::Weiling, settings.base_url, settings.http)?;
        Ok(WeilingClient {
            http,
            app_id: settings.app_id,
            app_secret: settings.app_secret,
            token: TokenCache::new(settings.token_ttl),
            fields: Mutex::new(HashMap::new()),
        })
    }

    pub fn stats(&self) -> Arc<CallStats> {
        self.http.stats()
    }

    /// Token requests started so far (for the status page and tests).
    pub fn token_requests(&self) -> u64 {
        self.token.fetch_count()
    }

    // ---- endpoints -------------------------------------------------------------------------

    /// 3.1 `GET /customer/list`: ids of one rep's friends (or by remark mobile). An exhausted
    /// list (1006) is an empty page.
    pub async fn customer_ids(&self, by: &CustomerListBy, cursor: Option<&str>) -> Result<CustomerIdList, VendorError> {
        let mut query = vec![match by {
            CustomerListBy::UserId(u) => ("userid", u.clone()),
            CustomerListBy::RemarkMobile(m) => ("remark_mobile", m.clone()),
        }];
        if let Some(c) = cursor.filter(|c| !c.is_empty()) {
            query.push(("cursor", c.to_string()));
        }
        let reply = self
            .call::<CustomerIdList>(Method::GET, paths::CUSTOMER_LIST, &query, None, CallKind::Read, EndOfList::Empty)
            .await?;
        Ok(match reply {
            Reply::Data(d) => d.unwrap_or_default(),
            Reply::EndOfList => CustomerIdList::default(),
        })
    }

    /// 3.6 `POST /customer/batch`, split into calls of ≤ 100 ids. Unknown ids are simply
    /// absent from the result.
    pub async fn customers_batch(&self, ids: &[String]) -> Result<Vec<Customer>, VendorError> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(MAX_BATCH) {
            let body = CustomerBatchRequest {
                customer_ids: chunk.to_vec(),
            };
            let data: CustomerBatchData = self.post(paths::CUSTOMER_BATCH, &body, CallKind::Read).await?;
            out.extend(data.customer_list);
        }
        Ok(out)
    }

    /// 3.4 `GET /customer/get_by_external_userid`; `None` when Weiling does not know the id.
    pub async fn customer_by_external_userid(&self, external_userid: &str) -> Result<Option<Customer>, VendorError> {
        let query = [("external_userid", external_userid.to_string())];
        match self
            .call::<Customer>(
                Method::GET,
                paths::CUSTOMER_BY_EXTERNAL_USERID,
                &query,
                None,
                CallKind::Read,
                EndOfList::Error,
            )
            .await
        {
            Ok(Reply::Data(Some(c))) => Ok(Some(c)),
            Ok(_) => Ok(None),
            Err(e) if e.kind == VendorErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// 3.3 `POST /customer/edit`: one rep's remark/description/remark mobiles on a friend.
    pub async fn edit_customer(&self, request: &CustomerEditRequest) -> Result<(), VendorError> {
        let body = serde_json::to_vec(request).map_err(|e| self.local_error(paths::CUSTOMER_EDIT, e))?;
        self.call::<serde_json::Value>(
            Method::POST,
            paths::CUSTOMER_EDIT,
            &[],
            Some(body),
            CallKind::Write,
            EndOfList::Error,
        )
        .await?;
        Ok(())
    }

    /// 8.2 新版 `GET /v2/progress/list`: one page of an object's follow-up records.
    pub async fn progress_page(&self, object_id: &str, object_type: i64, cursor: Option<&str>) -> Result<ProgressListData, VendorError> {
        let mut query = vec![("id", object_id.to_string()), ("type", object_type.to_string())];
        if let Some(c) = cursor.filter(|c| !c.is_empty()) {
            query.push(("cursor", c.to_string()));
        }
        let reply = self
            .call::<ProgressListData>(Method::GET, paths::PROGRESS_LIST, &query, None, CallKind::Read, EndOfList::Empty)
            .await?;
        Ok(match reply {
            Reply::Data(d) => d.unwrap_or_default(),
            Reply::EndOfList => ProgressListData::default(),
        })
    }

    /// Every follow-up record of an object, following the cursor to its end.
    pub async fn progress_all(&self, object_id: &str, object_type: i64) -> Result<Vec<Progress>, VendorError> {
        let mut all = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let page = self.progress_page(object_id, object_type, cursor.as_deref()).await?;
            let empty = page.progress_list.is_empty();
            all.extend(page.progress_list);
            match page.cursor.filter(|c| !c.is_empty()) {
                Some(next) if !empty && cursor.as_deref() != Some(next.as_str()) => cursor = Some(next),
                _ => return Ok(all),
            }
        }
        tracing::warn!(
            vendor = "weiling",
            object_id,
            pages = MAX_PAGES,
            "progress list still had a cursor; stopped reading"
        );
        Ok(all)
    }

    /// 8.2 新版 `POST /v2/progress/create`, ≤ 100 items per call. The reply is per item:
    /// each `index` is in exactly one of `fail_list` / `success_list`. Items keep the
    /// caller's `index` values, so results of several chunks merge unambiguously.
    pub async fn create_progress(
        &self,
        object_id: &str,
        object_type: i64,
        items: &[NewProgress],
    ) -> Result<ProgressCreateData, VendorError> {
        let mut merged = ProgressCreateData::default();
        for chunk in items.chunks(MAX_BATCH) {
            let body = ProgressCreateRequest {
                id: object_id.to_string(),
                kind: object_type,
                progress_list: chunk.to_vec(),
            };
            let data: ProgressCreateData = self.post(paths::PROGRESS_CREATE, &body, CallKind::Write).await?;
            merged.fail_list.extend(data.fail_list);
            merged.success_list.extend(data.success_list);
        }
        Ok(merged)
    }

    /// 16.1 新版 `GET /v2/custom/detail`: field descriptions of an object (`contact`,
    /// `business`, `company`, `dialogue_room`).
    pub async fn custom_fields(&self, api_key: &str) -> Result<Vec<FieldDescription>, VendorError> {
        let query = [("api_key", api_key.to_string())];
        let data: CustomDetailData = self.get(paths::CUSTOM_DETAIL, &query).await?;
        Ok(data.fields)
    }

    /// `custom_fields`, cached for ten minutes per `api_key`.
    pub async fn custom_fields_cached(&self, api_key: &str) -> Result<Arc<Vec<FieldDescription>>, VendorError> {
        let mut cache = self.fields.lock().await;
        if let Some((at, fields)) = cache.get(api_key)
            && at.elapsed() < FIELD_CACHE_TTL
        {
            return Ok(fields.clone());
        }
        let fields = Arc::new(self.custom_fields(api_key).await?);
        cache.insert(api_key.to_string(), (Instant::now(), fields.clone()));
        Ok(fields)
    }

    /// 4.2 `GET /clue/list`: one page of phone-number clues (page size is the vendor's).
    pub async fn clue_page(&self, cursor: Option<&str>, filter: &ClueFilter) -> Result<ClueListData, VendorError> {
        let mut query = Vec::new();
        if let Some(c) = cursor.filter(|c| !c.is_empty()) {
            query.push(("cursor", c.to_string()));
        }
        if let Some(start) = filter.start_ms {
            query.push(("start", start.to_string()));
        }
        if let Some(owner) = &filter.owner_id {
            query.push(("owner_id", owner.clone()));
        }
        if let Some(mobile) = &filter.mobile {
            query.push(("mobile", mobile.clone()));
        }
        let reply = self
            .call::<ClueListData>(Method::GET, paths::CLUE_LIST, &query, None, CallKind::Read, EndOfList::Empty)
            .await?;
        Ok(match reply {
            Reply::Data(d) => d.unwrap_or_default(),
            Reply::EndOfList => ClueListData::default(),
        })
    }

    /// 4.3 `POST /clue/batch`, split into calls of ≤ 100 ids.
    pub async fn clues_batch(&self, ids: &[String]) -> Result<Vec<Clue>, VendorError> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(MAX_BATCH) {
            let body = ClueBatchRequest { clue_ids: chunk.to_vec() };
            let data: ClueListData = self.post(paths::CLUE_BATCH, &body, CallKind::Read).await?;
            out.extend(data.clue_list);
        }
        Ok(out)
    }

    // ---- plumbing --------------------------------------------------------------------------

    async fn get<T: DeserializeOwned>(&self, path: &'static str, query: &[(&'static str, String)]) -> Result<T, VendorError> {
        let reply = self
            .call::<T>(Method::GET, path, query, None, CallKind::Read, EndOfList::Error)
            .await?;
        self.require_data(path, reply)
    }

    async fn post<B: Serialize, T: DeserializeOwned>(&self, path: &'static str, body: &B, kind: CallKind) -> Result<T, VendorError> {
        let body = serde_json::to_vec(body).map_err(|e| self.local_error(path, e))?;
        let reply = self.call::<T>(Method::POST, path, &[], Some(body), kind, EndOfList::Error).await?;
        self.require_data(path, reply)
    }

    fn require_data<T>(&self, path: &str, reply: Reply<T>) -> Result<T, VendorError> {
        match reply {
            Reply::Data(Some(d)) => Ok(d),
            Reply::Data(None) | Reply::EndOfList => Err(VendorError::new(
                VendorId::Weiling,
                path,
                VendorErrorKind::Undecodable,
                "success reply without the documented `data` object",
            )),
        }
    }

    fn local_error(&self, path: &str, e: serde_json::Error) -> VendorError {
        VendorError::new(
            VendorId::Weiling,
            path,
            VendorErrorKind::InvalidInput,
            format!("cannot encode request body: {e}"),
        )
    }

    /// One API call with token handling: injects the token, and when the vendor rejects the
    /// call with an auth-type code, forgets that token and tries once more with a new one.
    async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &'static str,
        query: &[(&'static str, String)],
        body: Option<Vec<u8>>,
        kind: CallKind,
        end_of_list: EndOfList,
    ) -> Result<Reply<T>, VendorError> {
        let mut refreshed = false;
        loop {
            let token = self.token().await?;
            let result = self
                .attempt_with(&token, method.clone(), path, query, body.as_deref(), kind, end_of_list)
                .await;
            match result {
                Err(e) if e.kind == VendorErrorKind::AuthRejected && !refreshed => {
                    tracing::info!(vendor = "weiling", endpoint = path, code = ?e.code, "access token rejected; fetching a new one and retrying once");
                    self.token.invalidate(token.generation).await;
                    refreshed = true;
                }
                other => return other,
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn attempt_with<T: DeserializeOwned>(
        &self,
        token: &Token,
        method: Method,
        path: &'static str,
        query: &[(&'static str, String)],
        body: Option<&[u8]>,
        kind: CallKind,
        end_of_list: EndOfList,
    ) -> Result<Reply<T>, VendorError> {
        let url = self.http.url(path);
        self.http
            .call(path, kind, || {
                let mut request = self
                    .http
                    .client()
                    .request(method.clone(), url.clone())
                    .query(&[("access_token", token.secret.expose_secret())]);
                if !query.is_empty() {
                    request = request.query(query);
                }
                if let Some(bytes) = body {
                    request = request.header(CONTENT_TYPE, "application/json").body(bytes.to_vec());
                }
                async move {
                    let raw = self.http.send(path, request).await?;
                    decode::<T>(path, &raw.body, end_of_list)
                }
            })
            .await
    }

    /// `salesdesk check`: an access token, issued now or cached.
    pub async fn probe_token(&self) -> Result<(), VendorError> {
        self.token().await.map(|_| ())
    }

    async fn token(&self) -> Result<Token, VendorError> {
        self.token.get(|| self.fetch_token()).await
    }

    /// 1.1 `GET /auth/access_token/get?app_id=&app_secret=` (GET only; exact names).
    async fn fetch_token(&self) -> Result<Fetched, VendorError> {
        let path = paths::TOKEN;
        let url = self.http.url(path);
        self.http
            .call(path, CallKind::Read, || {
                let request = self
                    .http
                    .client()
                    .get(url.clone())
                    .query(&[("app_id", self.app_id.as_str()), ("app_secret", self.app_secret.expose_secret())]);
                async move {
                    let raw = self.http.send(path, request).await?;
                    let head = decode_head(path, &raw.body)?;
                    if head.code != codes::OK {
                        return Err(refusal(path, head, codes::classify_token_refusal, "token request refused"));
                    }
                    let data = serde_json::from_slice::<EnvelopeData<TokenData>>(&raw.body)
                        .map_err(|e| undecodable(path, format!("token reply `data` does not match the documented shape: {e}")))?
                        .data
                        .ok_or_else(|| undecodable(path, "token reply has no `data`".into()))?;
                    if data.access_token.expose_secret().trim().is_empty() {
                        return Err(undecodable(path, "token reply has an empty access_token".into()));
                    }
                    let expires_in = data.expires_in.filter(|s| *s > 0).map(|s| Duration::from_secs(s as u64));
                    Ok(Fetched {
                        secret: data.access_token,
                        expires_in,
                    })
                }
            })
            .await
    }
}

/// Reads one reply body: the envelope head first (so error replies never need the success
/// shape), then `data` when `code == 0`.
fn decode<T: DeserializeOwned>(path: &str, body: &[u8], end_of_list: EndOfList) -> Result<Reply<T>, VendorError> {
    let head = decode_head(path, body)?;
    if head.code == codes::OK {
        let data = serde_json::from_slice::<EnvelopeData<T>>(body)
            .map_err(|e| undecodable(path, format!("`data` does not match the documented shape: {e}")))?;
        return Ok(Reply::Data(data.data));
    }
    if head.code == codes::END_OF_LIST && end_of_list == EndOfList::Empty {
        return Ok(Reply::EndOfList);
    }
    Err(refusal(path, head, codes::classify_reply, "call refused"))
}

fn decode_head(path: &str, body: &[u8]) -> Result<EnvelopeHead, VendorError> {
    serde_json::from_slice::<EnvelopeHead>(body)
        .map_err(|e| undecodable(path, format!("reply is not a Weiling {{code, msg, data}} envelope: {e}")))
}

fn refusal(path: &str, head: EnvelopeHead, classify: fn(i64, &str) -> VendorErrorKind, what: &str) -> VendorError {
    let kind = classify(head.code, head.msg.as_deref().unwrap_or_default());
    VendorError::new(
        VendorId::Weiling,
        path,
        kind,
        format!("{what}: Weiling answered code {}", head.code),
    )
    .with_code(head.code)
    .with_vendor_message(head.msg.unwrap_or_default())
}

fn undecodable(path: &str, detail: String) -> VendorError {
    VendorError::new(VendorId::Weiling, path, VendorErrorKind::Undecodable, detail)
}

/// One reply body decoded exactly as every call decodes it: `Some(data)` for a success reply
/// (`data` may be absent), `None` for the end-of-list code when `list` is set. Public for the
/// parser fuzz harness (`server/tests/integration/fuzz_vendor_parsers.rs`).
pub fn decode_reply<T: DeserializeOwned>(path: &str, body: &[u8], list: bool) -> Result<Option<Option<T>>, VendorError> {
    let end_of_list = if list { EndOfList::Empty } else { EndOfList::Error };
    Ok(match decode(path, body, end_of_list)? {
        Reply::Data(data) => Some(data),
        Reply::EndOfList => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_classifies_codes_and_keeps_message() {
        let e = decode::<serde_json::Value>(
            "/customer/batch",
            r#"{"code":1012,"msg":"数据超过限制"}"#.as_bytes(),
            EndOfList::Error,
        )
        .err()
        .unwrap();
        assert_eq!(e.kind, VendorErrorKind::InvalidInput);
        assert_eq!(e.code, Some(1012));
        assert_eq!(e.vendor_message.as_deref(), Some("数据超过限制"));
        let e = decode::<serde_json::Value>("/x", br#"{"code":1009,"msg":"limit"}"#, EndOfList::Empty)
            .err()
            .unwrap();
        assert_eq!(e.kind, VendorErrorKind::RateLimited);
    }

    #[test]
    fn end_of_list_only_ends_lists() {
        assert!(matches!(
            decode::<ProgressListData>(
                "/v2/progress/list",
                r#"{"code":1006,"msg":"数据加载完毕"}"#.as_bytes(),
                EndOfList::Empty
            ),
            Ok(Reply::EndOfList)
        ));
        let e = decode::<Customer>("/customer/get_by_external_userid", br#"{"code":1006,"msg":"x"}"#, EndOfList::Error)
            .err()
            .unwrap();
        assert_eq!(e.kind, VendorErrorKind::Upstream);
    }

    #[test]
    fn malformed_body_is_undecodable() {
        let e = decode::<serde_json::Value>("/x", b"{\"code\":0,\"data\":[{\"trunc", EndOfList::Error)
            .err()
            .unwrap();
        assert_eq!(e.kind, VendorErrorKind::Undecodable);
        let e = decode::<CustomerBatchData>("/x", br#"{"code":0,"msg":"ok","data":{"customer_list":"nope"}}"#, EndOfList::Error)
            .err()
            .unwrap();
        assert_eq!(e.kind, VendorErrorKind::Undecodable);
        assert!(e.detail.contains("data"), "{}", e.detail);
    }

    #[test]
    fn new_rejects_empty_credentials() {
        let settings = |id: &str, secret: &str| WeilingSettings {
            base_url: url::Url::parse("http://127.0.0.1:9/openapi").unwrap(),
            app_id: id.into(),
            app_secret: SecretString::from(secret),
            token_ttl: Duration::from_secs(7200),
            http: Default::default(),
        };
        assert!(WeilingClient::new(settings("", "s")).is_err());
        assert!(WeilingClient::new(settings("id", " ")).is_err());
        assert!(WeilingClient::new(settings("id", "s")).is_ok());
    }
}
