//! The Tanma HTTP client: every call is a POST with a JSON body, signed per attempt, and its
//! `{code, message, data}` envelope is interpreted here, so callers get typed `data` or a
//! classified [`VendorError`].

use std::sync::Arc;
use std::time::Duration;

use app::domain::{VendorErrorKind, VendorId};
use bytes::Bytes;
use reqwest::header::{CONTENT_TYPE, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::cache::Cached;
use super::map::{FieldIndex, TagIndex};
use super::settings::TanmaSettings;
use super::sign::sign_now;
use super::wire::{
    ClueDetail, ClueGetRequest, ClueListData, ClueListRequest, CustomerSearchData, CustomerSearchRequest, EchoRequest, FollowUpListData,
    FollowUpListRequest, ProfileField, QwCustomerDetail, QwDetailsRequest, QwFollowListRequest, QwFollowRecord, TagGroup, codes,
};
use crate::vendors::{CallKind, ClientSetupError, VendorError, VendorHttp};

const VENDOR: VendorId = VendorId::Tanma;

/// How long the tag tree and field definitions are reused before reloading.
pub const DEFAULT_METADATA_TTL: Duration = Duration::from_secs(5 * 60);

pub mod paths {
    pub const ECHO: &str = "/api/v3/echo";
    pub const QW_DETAILS: &str = "/api/v2/customer/qw-details";
    pub const QW_FOLLOW_LIST: &str = "/api/v2/customer/follow/qw-list-by-customer";
    pub const CLUE_GET: &str = "/api/v3/clue/get";
    pub const CLUE_LIST_ASC: &str = "/api/v3/clue/list-by-create-time-asc";
    pub const CLUE_FOLLOW_UPS: &str = "/api/v3/clue/list-follow-up";
    pub const TAGS_TREE: &str = "/api/v3/tags/list-tree";
    pub const PROFILE_FIELDS: &str = "/api/v3/profile-fields";
    pub const CUSTOMER_SEARCH: &str = "/api/v3/customer/search";
}

pub struct TanmaClient {
    app_id: String,
    app_key: SecretString,
    send_app_key_header: bool,
    pub(super) http: VendorHttp,
    tags: Cached<TagIndex>,
    fields: Cached<FieldIndex>,
}

impl TanmaClient {
    pub fn new(settings: TanmaSettings) -> Result<Self, ClientSetupError> {
        Self::with_metadata_ttl(settings, DEFAULT_METADATA_TTL)
    }

    /// As [`TanmaClient::new`] with another metadata cache lifetime (tests use zero).
    pub fn with_metadata_ttl(settings: TanmaSettings, metadata_ttl: Duration) -> Result<Self, ClientSetupError> {
        if settings.app_id.trim().is_empty() {
            return Err(ClientSetupError::Empty { setting: "Tanma appId" });
        }
        if HeaderValue::from_str(&settings.app_id).is_err() {
            return Err(ClientSetupError::NotAHeaderValue { setting: "Tanma appId" });
        }
        if settings.app_key.expose_secret().is_empty() {
            return Err(ClientSetupError::Empty { setting: "Tanma appKey" });
        }
        if settings.send_app_key_header && HeaderValue::from_str(settings.app_key.expose_secret()).is_err() {
            return Err(ClientSetupError::AppKeyHeader);
        }
        let http = VendorHttp::new(VENDOR, settings.base_url, settings.http)?;
        Ok(TanmaClient {
            app_id: settings.app_id,
            app_key: settings.app_key,
            send_app_key_header: settings.send_app_key_header,
            http,
            tags: Cached::new(metadata_ttl),
            fields: Cached::new(metadata_ttl),
        })
    }

    pub fn http(&self) -> &VendorHttp {
        &self.http
    }

    pub fn app_id(&self) -> &str {
        &self.app_id
    }

    // -----------------------------------------------------------------------------------
    // Endpoints (typed `data`)

    /// `POST /api/v3/echo` (对接测试): proves the base URL, appId and signature work.
    pub async fn echo(&self) -> Result<Value, VendorError> {
        self.post(
            paths::ECHO,
            CallKind::Read,
            Some(&EchoRequest {
                message: "salesdesk".into(),
            }),
        )
        .await
    }

    /// `POST /api/v2/customer/qw-details`: the customer as `qw_user_id` sees it.
    pub async fn qw_details(&self, external_user_id: &str, qw_user_id: &str) -> Result<Vec<QwCustomerDetail>, VendorError> {
        let req = QwDetailsRequest {
            external_user_id: external_user_id.into(),
            qw_user_id: qw_user_id.into(),
        };
        let data: Option<Vec<QwCustomerDetail>> = self.post(paths::QW_DETAILS, CallKind::Read, Some(&req)).await?;
        Ok(data.unwrap_or_default())
    }

    /// `POST /api/v2/customer/follow/qw-list-by-customer`, in the vendor's order.
    pub async fn qw_follow_records(&self, external_user_id: &str) -> Result<Vec<QwFollowRecord>, VendorError> {
        let req = QwFollowListRequest {
            external_user_id: external_user_id.into(),
        };
        let data: Option<Vec<QwFollowRecord>> = self.post(paths::QW_FOLLOW_LIST, CallKind::Read, Some(&req)).await?;
        Ok(data.unwrap_or_default())
    }

    /// `POST /api/v3/clue/get`; `None` when the vendor answers with no data.
    pub async fn clue_get(&self, customer_id: i64) -> Result<Option<ClueDetail>, VendorError> {
        self.post(paths::CLUE_GET, CallKind::Read, Some(&ClueGetRequest { customer_id }))
            .await
    }

    /// `POST /api/v3/clue/list-by-create-time-asc`: one cursor page, oldest first.
    pub async fn clue_list_asc(&self, req: &ClueListRequest) -> Result<ClueListData, VendorError> {
        let data: Option<ClueListData> = self.post(paths::CLUE_LIST_ASC, CallKind::Read, Some(req)).await?;
        Ok(data.unwrap_or(ClueListData {
            list: Vec::new(),
            next_cursor: None,
        }))
    }

    /// `POST /api/v3/clue/list-follow-up`: one cursor page.
    pub async fn clue_follow_ups(&self, req: &FollowUpListRequest) -> Result<FollowUpListData, VendorError> {
        let data: Option<FollowUpListData> = self.post(paths::CLUE_FOLLOW_UPS, CallKind::Read, Some(req)).await?;
        Ok(data.unwrap_or(FollowUpListData {
            list: Vec::new(),
            next_cursor: None,
        }))
    }

    /// `POST /api/v3/tags/list-tree` (no body).
    pub async fn tag_tree(&self) -> Result<Vec<TagGroup>, VendorError> {
        let data: Option<Vec<TagGroup>> = self.post(paths::TAGS_TREE, CallKind::Read, None::<&()>).await?;
        Ok(data.unwrap_or_default())
    }

    /// `POST /api/v3/profile-fields` (no body; the reply shape is our design, see wire.rs).
    pub async fn profile_fields(&self) -> Result<Vec<ProfileField>, VendorError> {
        let data: Option<Vec<ProfileField>> = self.post(paths::PROFILE_FIELDS, CallKind::Read, None::<&()>).await?;
        Ok(data.unwrap_or_default())
    }

    /// `POST /api/v3/customer/search` 高级筛选: one page of customer relations.
    pub async fn customer_search(&self, req: &CustomerSearchRequest) -> Result<CustomerSearchData, VendorError> {
        let data: Option<CustomerSearchData> = self.post(paths::CUSTOMER_SEARCH, CallKind::Read, Some(req)).await?;
        Ok(data.unwrap_or(CustomerSearchData {
            data: Vec::new(),
            total_page: Some(0),
        }))
    }

    // -----------------------------------------------------------------------------------
    // Cached metadata

    pub async fn tag_index(&self) -> Result<Arc<TagIndex>, VendorError> {
        self.tags
            .get_or_load(|| async { Ok(TagIndex::from_tree(&self.tag_tree().await?)) })
            .await
    }

    pub async fn field_index(&self) -> Result<Arc<FieldIndex>, VendorError> {
        self.fields
            .get_or_load(|| async { Ok(FieldIndex::from_fields(self.profile_fields().await?)) })
            .await
    }

    /// Both indexes for mapping. A failure to load either is logged and mapped as "no
    /// metadata": records still show, with option ids and tag ids marked unresolved,
    /// rather than hiding the customer behind a metadata error.
    pub async fn metadata(&self) -> (Arc<TagIndex>, Arc<FieldIndex>) {
        let (tags, fields) = tokio::join!(self.tag_index(), self.field_index());
        let tags = tags.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "tanma tag tree unavailable; tag ids stay unresolved");
            Arc::new(TagIndex::default())
        });
        let fields = fields.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "tanma field definitions unavailable; option ids stay unresolved");
            Arc::new(FieldIndex::default())
        });
        (tags, fields)
    }

    pub async fn invalidate_metadata(&self) {
        self.tags.invalidate().await;
        self.fields.invalidate().await;
    }

    // -----------------------------------------------------------------------------------
    // Transport

    /// POSTs `body` (serialised once; `None` sends an empty body, signed as the empty
    /// string) and returns the envelope's `data` decoded as `T`.
    pub async fn post<B, T>(&self, endpoint: &str, kind: CallKind, body: Option<&B>) -> Result<T, VendorError>
    where
        B: Serialize + ?Sized,
        T: DeserializeOwned,
    {
        let bytes = match body {
            Some(b) => Bytes::from(serde_json::to_vec(b).map_err(|e| {
                VendorError::new(
                    VENDOR,
                    endpoint,
                    VendorErrorKind::InvalidInput,
                    format!("cannot encode the request body: {e}"),
                )
            })?),
            None => Bytes::new(),
        };
        let bytes = &bytes;
        self.http
            .call(endpoint, kind, move || async move {
                let request = self.signed_request(endpoint, bytes.clone())?;
                let reply = self.http.send(endpoint, request).await?;
                decode_envelope(endpoint, &reply.body)
            })
            .await
    }

    /// One attempt's request, signed now over exactly the bytes it carries.
    fn signed_request(&self, endpoint: &str, body: Bytes) -> Result<reqwest::RequestBuilder, VendorError> {
        let signed = sign_now(&self.app_id, &self.app_key, &body);
        let header = |value: &str, sensitive: bool| {
            let mut v = HeaderValue::from_str(value).map_err(|_| {
                VendorError::new(
                    VENDOR,
                    endpoint,
                    VendorErrorKind::AuthRejected,
                    "a Tanma auth header value is not valid header text",
                )
            })?;
            v.set_sensitive(sensitive);
            Ok::<_, VendorError>(v)
        };
        let mut request = self
            .http
            .client()
            .post(self.http.url(endpoint))
            .header("appId", header(&signed.app_id, false)?)
            .header("timestamp", header(&signed.timestamp, false)?)
            .header("sign", header(&signed.sign, true)?)
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        if self.send_app_key_header {
            request = request.header("appKey", header(self.app_key.expose_secret(), true)?);
        }
        Ok(request.body(body))
    }
}

#[derive(Deserialize)]
struct RawEnvelope {
    code: i64,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    data: Value,
}

/// Interprets a `{code, message, data}` reply: `code == 0` yields `data` as `T`.
pub fn decode_envelope<T: DeserializeOwned>(endpoint: &str, body: &[u8]) -> Result<T, VendorError> {
    let envelope: RawEnvelope = serde_json::from_slice(body).map_err(|e| {
        VendorError::new(
            VENDOR,
            endpoint,
            VendorErrorKind::Undecodable,
            format!("reply is not a Tanma {{code, message, data}} envelope: {e}"),
        )
    })?;
    if envelope.code != codes::SUCCESS {
        return Err(classify(endpoint, envelope.code, envelope.message.unwrap_or_default()));
    }
    serde_json::from_value(envelope.data).map_err(|e| {
        VendorError::new(
            VENDOR,
            endpoint,
            VendorErrorKind::Undecodable,
            format!("`data` does not have the documented shape: {e}"),
        )
    })
}

/// Maps a business error code to an error kind (codes from VENDORS.md §1.3).
pub fn classify(endpoint: &str, code: i64, message: String) -> VendorError {
    let (kind, detail) = match code {
        codes::INVALID_SIGN => (
            VendorErrorKind::AuthRejected,
            "signature rejected (1002): check the Tanma appId and appKey".to_string(),
        ),
        codes::INVALID_TIMESTAMP => (
            VendorErrorKind::AuthRejected,
            "request timestamp rejected as too far from Tanma's clock (1003): check this host's clock (NTP)".to_string(),
        ),
        codes::INVALID_PARAMS => (
            VendorErrorKind::InvalidInput,
            "request parameters failed validation (40417)".to_string(),
        ),
        // A path this Tanma deployment does not offer answers -1 接口不存在: only the
        // feature behind that endpoint is lost.
        codes::FAIL if message.contains("接口") && message.contains("不存在") => (
            VendorErrorKind::EndpointMissing,
            "endpoint does not exist at this Tanma deployment (-1)".to_string(),
        ),
        // Tanma has no documented not-found code; -1 with a "does not exist" message is
        // how its failures read (and how the simulator answers for unknown ids).
        codes::FAIL if message.contains("不存在") => (VendorErrorKind::NotFound, "record does not exist (-1)".to_string()),
        _ => (VendorErrorKind::Upstream, format!("Tanma answered with error code {code}")),
    };
    VendorError::new(VENDOR, endpoint, kind, detail)
        .with_code(code)
        .with_vendor_message(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(body: &str) -> VendorError {
        decode_envelope::<Value>("/api/v3/clue/get", body.as_bytes()).unwrap_err()
    }

    #[test]
    fn success_yields_data() {
        let v: Option<ClueDetail> = decode_envelope("/x", br#"{"code":0,"message":"ok","data":null}"#).unwrap();
        assert_eq!(v, None);
        let v: Vec<String> = decode_envelope("/x", br#"{"code":0,"message":"ok","data":["a"]}"#).unwrap();
        assert_eq!(v, vec!["a"]);
    }

    #[test]
    fn codes_are_classified_and_keep_the_vendor_message() {
        let e = err(r#"{"code":1002,"message":"签名校验未通过","data":null}"#);
        assert_eq!(
            (e.kind, e.code, e.vendor_message.as_deref()),
            (VendorErrorKind::AuthRejected, Some(1002), Some("签名校验未通过"))
        );
        let e = err(r#"{"code":1003,"message":"请求时间与服务器时间相差过大"}"#);
        assert_eq!(e.kind, VendorErrorKind::AuthRejected);
        assert!(e.detail.contains("clock"), "{}", e.detail);
        let e = err(r#"{"code":40417,"message":"请求参数验证失败：电话号码重复"}"#);
        assert_eq!(e.kind, VendorErrorKind::InvalidInput);
        assert_eq!(e.to_failure().vendor_message.as_deref(), Some("请求参数验证失败：电话号码重复"));
        let e = err(r#"{"code":-1,"message":"失败"}"#);
        assert_eq!((e.kind, e.code), (VendorErrorKind::Upstream, Some(-1)));
        let e = err(r#"{"code":-1,"message":"线索&待分配客户不存在"}"#);
        assert_eq!(e.kind, VendorErrorKind::NotFound);
        let e = err(r#"{"code":-1,"message":"接口不存在"}"#);
        assert_eq!((e.kind, e.code), (VendorErrorKind::EndpointMissing, Some(-1)));
        let e = err(r#"{"code":500123,"message":"系统繁忙"}"#);
        assert_eq!((e.kind, e.code), (VendorErrorKind::Upstream, Some(500123)));
    }

    #[test]
    fn bad_bodies_are_undecodable() {
        assert_eq!(err("{\"code\":0,\"data\":[{\"trunc").kind, VendorErrorKind::Undecodable);
        assert_eq!(err("<html>gateway</html>").kind, VendorErrorKind::Undecodable);
        assert_eq!(err(r#"{"message":"no code"}"#).kind, VendorErrorKind::Undecodable);
        let e = decode_envelope::<Vec<QwFollowRecord>>("/x", br#"{"code":0,"data":[{"id":"x"}]}"#).unwrap_err();
        assert_eq!(e.kind, VendorErrorKind::Undecodable);
    }
}
