//! The Juzibot Hub v1 HTTP client: static `token` query parameter on every call, the
//! `{errcode, errmsg, …}` envelope, and batch writes split into documented chunk sizes with
//! per-item outcomes read from `fail_list`.

use app::domain::{VendorErrorKind, VendorId};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::errors::{envelope_error, kind_for};
use super::limits::{self, MAX_FOLLOW_ITEMS, MAX_REMARK_ITEMS};
use super::settings::JuziSettings;
use super::wire::{
    AddFollowRequest, AddFollowResponse, Customer, DetailQuery, DetailResponse, FollowFailure, FollowItem, Head, ListQuery, ListResponse,
    LooseCode, RemarkFailure, RemarkItem, SetRemarkRequest, SetRemarkResponse, TagGroup, TagListQuery, TagListResponse,
};
use crate::vendors::{CallKind, ClientSetupError, VendorError, VendorHttp};

pub const PATH_CUSTOMER_LIST: &str = "/api/v1/customer/list";
pub const PATH_CUSTOMER_DETAIL: &str = "/api/v1/customer/detail";
pub const PATH_SET_REMARK: &str = "/api/v1/customer/set_remark";
pub const PATH_ADD_FOLLOW: &str = "/api/v1/customer/add_follow";
pub const PATH_TAG_LIST: &str = "/api/v1/tag/list";

pub struct JuziClient {
    http: VendorHttp,
    /// Only ever read where it goes into a query string.
    token: SecretString,
}

/// What happened to one item of a batch write, in the order the items were given.
#[derive(Clone, Debug)]
pub enum ItemOutcome {
    /// Sent and not listed in `fail_list`: the hub applied it.
    Applied,
    /// Refused by SalesDesk's own checks of the documented limits; never sent.
    Refused(VendorError),
    /// Listed in `fail_list`: the hub (or WeCom behind it) refused this item.
    Rejected(VendorError),
    /// The call carrying this item failed as a whole. After a timeout or transport error a
    /// write may or may not have been applied.
    CallFailed(VendorError),
}

impl ItemOutcome {
    pub fn into_result(self) -> Result<(), VendorError> {
        match self {
            ItemOutcome::Applied => Ok(()),
            ItemOutcome::Refused(e) | ItemOutcome::Rejected(e) | ItemOutcome::CallFailed(e) => Err(e),
        }
    }

    pub fn is_applied(&self) -> bool {
        matches!(self, ItemOutcome::Applied)
    }
}

impl JuziClient {
    pub fn new(settings: JuziSettings) -> Result<Self, ClientSetupError> {
        let http = VendorHttp::new(VendorId::Juzi, settings.base_url, settings.http)?;
        Ok(JuziClient {
            http,
            token: settings.token,
        })
    }

    pub fn http(&self) -> &VendorHttp {
        &self.http
    }

    /// `GET /api/v1/tag/list`: the corp's tag groups. `is_sync` forces the hub to re-sync
    /// from WeCom first (the docs ask not to do that often).
    pub async fn tag_list(&self, is_sync: bool) -> Result<Vec<TagGroup>, VendorError> {
        let query = TagListQuery {
            is_sync: is_sync.then_some(true),
        };
        let reply: TagListResponse = self.get(PATH_TAG_LIST, &query).await?;
        Ok(reply.data)
    }

    /// `GET /api/v1/customer/list`: one page (`current` from 1, `pageSize` ≤ 1000).
    pub async fn customer_page(&self, query: &ListQuery) -> Result<ListResponse, VendorError> {
        if query.current == 0 || query.page_size == 0 || query.page_size > limits::MAX_PAGE_SIZE {
            return Err(VendorError::new(
                VendorId::Juzi,
                PATH_CUSTOMER_LIST,
                VendorErrorKind::InvalidInput,
                format!(
                    "page {} of size {} requested; pages start at 1 and hold 1..={} customers",
                    query.current,
                    query.page_size,
                    limits::MAX_PAGE_SIZE
                ),
            ));
        }
        self.get(PATH_CUSTOMER_LIST, query).await
    }

    /// `GET /api/v1/customer/detail`; `Ok(None)` when the hub answers success without data.
    pub async fn customer_detail(&self, query: &DetailQuery) -> Result<Option<Customer>, VendorError> {
        if query.union_id.is_none() && query.external_user_id.is_none() {
            return Err(VendorError::new(
                VendorId::Juzi,
                PATH_CUSTOMER_DETAIL,
                VendorErrorKind::InvalidInput,
                "customer detail needs a unionId or an externalUserId",
            ));
        }
        let reply: DetailResponse = self.get(PATH_CUSTOMER_DETAIL, query).await?;
        Ok(reply.data)
    }

    /// `POST /api/v1/customer/set_remark` for any number of items: each is checked against
    /// the documented limits, the valid ones are sent in calls of at most 50.
    pub async fn set_remarks(&self, items: &[RemarkItem]) -> Vec<ItemOutcome> {
        let mut outcomes: Vec<Option<ItemOutcome>> = items
            .iter()
            .map(|item| {
                limits::check_remark_item(item)
                    .err()
                    .map(|e| ItemOutcome::Refused(e.to_vendor_error(PATH_SET_REMARK)))
            })
            .collect();
        let sendable: Vec<usize> = (0..items.len()).filter(|&i| outcomes[i].is_none()).collect();
        for chunk in sendable.chunks(MAX_REMARK_ITEMS) {
            let request = SetRemarkRequest {
                remark_list: chunk.iter().map(|&i| items[i].clone()).collect(),
            };
            let results = match self.post::<_, SetRemarkResponse>(PATH_SET_REMARK, &request).await {
                Ok(reply) => attribute(
                    PATH_SET_REMARK,
                    &request.remark_list,
                    reply.fail_list,
                    remark_failure_matches,
                    remark_failure_error,
                ),
                Err(e) => vec![ItemOutcome::CallFailed(e); chunk.len()],
            };
            for (&i, outcome) in chunk.iter().zip(results) {
                outcomes[i] = Some(outcome);
            }
        }
        outcomes.into_iter().map(|o| o.unwrap_or(ItemOutcome::Applied)).collect()
    }

    /// `POST /api/v1/customer/add_follow` for any number of items, checked, in calls of at
    /// most 500. Writes are not retried after a timeout (a note could be added twice).
    pub async fn add_follows(&self, items: &[FollowItem]) -> Vec<ItemOutcome> {
        let mut outcomes: Vec<Option<ItemOutcome>> = items
            .iter()
            .map(|item| {
                limits::check_follow_item(item)
                    .err()
                    .map(|e| ItemOutcome::Refused(e.to_vendor_error(PATH_ADD_FOLLOW)))
            })
            .collect();
        let sendable: Vec<usize> = (0..items.len()).filter(|&i| outcomes[i].is_none()).collect();
        for chunk in sendable.chunks(MAX_FOLLOW_ITEMS) {
            let request = AddFollowRequest {
                follow_list: chunk.iter().map(|&i| items[i].clone()).collect(),
            };
            let results = match self.post::<_, AddFollowResponse>(PATH_ADD_FOLLOW, &request).await {
                Ok(reply) => attribute(
                    PATH_ADD_FOLLOW,
                    &request.follow_list,
                    reply.fail_list,
                    follow_failure_matches,
                    follow_failure_error,
                ),
                Err(e) => vec![ItemOutcome::CallFailed(e); chunk.len()],
            };
            for (&i, outcome) in chunk.iter().zip(results) {
                outcomes[i] = Some(outcome);
            }
        }
        outcomes.into_iter().map(|o| o.unwrap_or(ItemOutcome::Applied)).collect()
    }

    /// `salesdesk check`: `set_remark` with an empty batch, which cannot change anything.
    /// Any answer in Juzibot's envelope proves token and endpoint.
    pub async fn probe_empty_remarks(&self) -> Result<(), VendorError> {
        let request = SetRemarkRequest { remark_list: Vec::new() };
        self.post::<_, SetRemarkResponse>(PATH_SET_REMARK, &request).await.map(|_| ())
    }

    /// `salesdesk check`: `add_follow` with an empty batch, as above.
    pub async fn probe_empty_follows(&self) -> Result<(), VendorError> {
        let request = AddFollowRequest { follow_list: Vec::new() };
        self.post::<_, AddFollowResponse>(PATH_ADD_FOLLOW, &request).await.map(|_| ())
    }

    async fn get<Q, T>(&self, path: &'static str, query: &Q) -> Result<T, VendorError>
    where
        Q: Serialize + Sync,
        T: DeserializeOwned,
    {
        self.http
            .call(path, CallKind::Read, || {
                let request = self
                    .http
                    .client()
                    .get(self.http.url(path))
                    .query(&[("token", self.token.expose_secret())])
                    .query(query);
                async move {
                    let reply = self.http.send(path, request).await?;
                    decode(path, &reply.body)
                }
            })
            .await
    }

    async fn post<B, T>(&self, path: &'static str, body: &B) -> Result<T, VendorError>
    where
        B: Serialize + Sync,
        T: DeserializeOwned,
    {
        self.http
            .call(path, CallKind::Write, || {
                let request = self
                    .http
                    .client()
                    .post(self.http.url(path))
                    .query(&[("token", self.token.expose_secret())])
                    .json(body);
                async move {
                    let reply = self.http.send(path, request).await?;
                    decode(path, &reply.body)
                }
            })
            .await
    }
}

/// Reads the envelope: a non-zero `errcode` becomes the classified error; success must then
/// match the documented shape. Public for the parser fuzz harness
/// (`server/tests/integration/fuzz_vendor_parsers.rs`).
pub fn decode<T: DeserializeOwned>(endpoint: &str, body: &[u8]) -> Result<T, VendorError> {
    let undecodable = |detail: String| VendorError::new(VendorId::Juzi, endpoint, VendorErrorKind::Undecodable, detail);
    let head: Head = serde_json::from_slice(body).map_err(|e| undecodable(format!("reply is not a JSON envelope: {e}")))?;
    let code = head.errcode.ok_or_else(|| undecodable("reply has no errcode".to_string()))?;
    if code != 0 {
        return Err(envelope_error(endpoint, code, head.errmsg.as_deref().unwrap_or_default()));
    }
    serde_json::from_slice(body).map_err(|e| undecodable(format!("reply does not have the documented shape: {e}")))
}

/// Matches `fail_list` entries to the items sent in one call. An entry is attributed to the
/// first unclaimed item with the same userId + unionId (preferring one whose other fields are
/// echoed identically); with a single item sent, any entry is that item's. Entries that fit
/// no item leave every unclaimed item's outcome unknown rather than silently "applied".
fn attribute<I, F>(
    endpoint: &str,
    sent: &[I],
    failures: Vec<F>,
    matches: fn(&F, &I, bool) -> bool,
    to_error: fn(&str, &F) -> VendorError,
) -> Vec<ItemOutcome> {
    let mut outcomes: Vec<Option<ItemOutcome>> = vec![None; sent.len()];
    let mut unattributed = 0usize;
    for failure in &failures {
        let slot = [true, false]
            .into_iter()
            .find_map(|exact| (0..sent.len()).find(|&i| outcomes[i].is_none() && matches(failure, &sent[i], exact)))
            .or_else(|| (sent.len() == 1 && outcomes[0].is_none()).then_some(0));
        match slot {
            Some(i) => outcomes[i] = Some(ItemOutcome::Rejected(to_error(endpoint, failure))),
            None => unattributed += 1,
        }
    }
    if unattributed > 0 {
        tracing::warn!(vendor = %VendorId::Juzi, endpoint, unattributed, "fail_list entries match no item sent");
        let unknown = VendorError::new(
            VendorId::Juzi,
            endpoint,
            VendorErrorKind::Undecodable,
            format!("fail_list has {unattributed} entries matching no item sent; this item's outcome is unknown"),
        );
        return outcomes
            .into_iter()
            .map(|o| o.unwrap_or_else(|| ItemOutcome::CallFailed(unknown.clone())))
            .collect();
    }
    outcomes.into_iter().map(|o| o.unwrap_or(ItemOutcome::Applied)).collect()
}

fn remark_failure_matches(failure: &RemarkFailure, item: &RemarkItem, exact: bool) -> bool {
    let same_key = failure.user_id == item.user_id && failure.union_id == item.union_id;
    same_key && (!exact || (failure.remark == item.remark && failure.description == item.description))
}

fn follow_failure_matches(failure: &FollowFailure, item: &FollowItem, exact: bool) -> bool {
    let same_key = failure.user_id == item.user_id && failure.union_id == item.union_id;
    same_key && (!exact || failure.text == item.text)
}

fn remark_failure_error(endpoint: &str, failure: &RemarkFailure) -> VendorError {
    item_error(endpoint, &failure.user_id, failure.errcode.as_ref(), failure.errmsg.as_deref())
}

fn follow_failure_error(endpoint: &str, failure: &FollowFailure) -> VendorError {
    item_error(endpoint, &failure.user_id, failure.errcode.as_ref(), failure.errmsg.as_deref())
}

/// A fail_list entry as an error: Juzibot's -1/-2 are refused input; WeCom's codes and
/// entries without a code are upstream failures.
fn item_error(endpoint: &str, user_id: &str, code: Option<&LooseCode>, message: Option<&str>) -> VendorError {
    let message = message.unwrap_or_default();
    let number = code.and_then(LooseCode::as_i64);
    let kind = number.map_or(VendorErrorKind::Upstream, |c| kind_for(c, message));
    let code_text = code.map(LooseCode::text).unwrap_or_default();
    let error = VendorError::new(
        VendorId::Juzi,
        endpoint,
        kind,
        format!("hub listed the item for rep {user_id} in fail_list (errcode {code_text:?})"),
    )
    .with_vendor_message(message);
    match number {
        Some(c) => error.with_code(c),
        None => error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vendors::juzi::wire::FollowText;

    fn remark(user: &str, union: &str, text: &str) -> RemarkItem {
        RemarkItem {
            user_id: user.into(),
            union_id: union.into(),
            remark: Some(text.into()),
            description: None,
        }
    }

    fn failure(user: &str, union: &str, text: &str, code: LooseCode) -> RemarkFailure {
        RemarkFailure {
            user_id: user.into(),
            union_id: union.into(),
            remark: Some(text.into()),
            description: None,
            errcode: Some(code),
            errmsg: Some("remark exceed the limit".into()),
        }
    }

    #[test]
    fn fail_list_marks_only_listed_items() {
        let sent = vec![remark("a", "u1", "x"), remark("b", "u2", "y"), remark("a", "u1", "z")];
        let fails = vec![failure("a", "u1", "z", LooseCode::Number(-1))];
        let out = attribute(PATH_SET_REMARK, &sent, fails, remark_failure_matches, remark_failure_error);
        assert!(out[0].is_applied());
        assert!(out[1].is_applied());
        let ItemOutcome::Rejected(e) = &out[2] else { panic!("{out:?}") };
        assert_eq!(e.kind, VendorErrorKind::InvalidInput);
        assert_eq!(e.code, Some(-1));
    }

    #[test]
    fn wecom_string_codes_are_upstream() {
        let sent = vec![remark("a", "u1", "x")];
        let fails = vec![failure("a", "u1", "x", LooseCode::Text("84061".into()))];
        let out = attribute(PATH_SET_REMARK, &sent, fails, remark_failure_matches, remark_failure_error);
        let ItemOutcome::Rejected(e) = &out[0] else { panic!("{out:?}") };
        assert_eq!(e.kind, VendorErrorKind::Upstream);
        assert_eq!(e.code, Some(84061));
    }

    #[test]
    fn single_item_takes_any_failure_and_unknown_entries_are_not_success() {
        let out = attribute(
            PATH_SET_REMARK,
            &[remark("a", "u1", "x")],
            vec![failure("zhangsan", "other", "x", LooseCode::Text(String::new()))],
            remark_failure_matches,
            remark_failure_error,
        );
        let ItemOutcome::Rejected(e) = &out[0] else { panic!("{out:?}") };
        assert_eq!(e.code, None);
        let out = attribute(
            PATH_SET_REMARK,
            &[remark("a", "u1", "x"), remark("b", "u2", "y")],
            vec![failure("zhangsan", "other", "x", LooseCode::Number(-1))],
            remark_failure_matches,
            remark_failure_error,
        );
        assert!(
            out.iter()
                .all(|o| matches!(o, ItemOutcome::CallFailed(e) if e.kind == VendorErrorKind::Undecodable))
        );
    }

    #[test]
    fn follow_failures_match_on_echoed_text() {
        let text = |c: &str| {
            vec![FollowText {
                content: c.into(),
                timestamp: Some(1_602_667_647),
            }]
        };
        let sent = vec![
            FollowItem {
                union_id: "u1".into(),
                user_id: "a".into(),
                text: text("one"),
            },
            FollowItem {
                union_id: "u1".into(),
                user_id: "a".into(),
                text: text("two"),
            },
        ];
        let fails = vec![FollowFailure {
            union_id: "u1".into(),
            user_id: "a".into(),
            text: text("two"),
            errcode: None,
            errmsg: None,
        }];
        let out = attribute(PATH_ADD_FOLLOW, &sent, fails, follow_failure_matches, follow_failure_error);
        assert!(out[0].is_applied());
        assert!(matches!(&out[1], ItemOutcome::Rejected(e) if e.kind == VendorErrorKind::Upstream));
    }

    #[test]
    fn decode_classifies_envelopes() {
        let ok: SetRemarkResponse = decode(PATH_SET_REMARK, br#"{"errcode":0,"errmsg":"ok"}"#).unwrap();
        assert!(ok.fail_list.is_empty());
        let e = decode::<SetRemarkResponse>(PATH_SET_REMARK, br#"{"errcode":-2,"errmsg":"description exceed the limit"}"#).unwrap_err();
        assert_eq!(e.kind, VendorErrorKind::InvalidInput);
        assert_eq!(e.vendor_message.as_deref(), Some("description exceed the limit"));
        let e = decode::<ListResponse>(PATH_CUSTOMER_LIST, br#"{"errcode":401,"errmsg":"invalid token"}"#).unwrap_err();
        assert_eq!(e.kind, VendorErrorKind::AuthRejected);
        let e = decode::<ListResponse>(PATH_CUSTOMER_LIST, br#"{"code":0,"data":[{"trunc"#).unwrap_err();
        assert_eq!(e.kind, VendorErrorKind::Undecodable);
        let e = decode::<ListResponse>(PATH_CUSTOMER_LIST, br#"{"data":[]}"#).unwrap_err();
        assert_eq!(e.kind, VendorErrorKind::Undecodable);
        let e = decode::<ListResponse>(PATH_CUSTOMER_LIST, br#"{"errcode":0,"data":[{"name":"no id"}]}"#).unwrap_err();
        assert_eq!(e.kind, VendorErrorKind::Undecodable);
    }
}
