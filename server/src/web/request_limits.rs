//! What a request may carry, checked before any handler reads it, so a malformed or oversized
//! request is refused with a 4xx instead of reaching server_fn (which answers every problem
//! with 500):
//!
//! - a body over `MAX_BODY_BYTES` (declared or streamed) → **413**;
//! - server functions (`/api/*`): a query string or body that is not UTF-8 form data (also
//!   after percent-decoding), form keys nesting deeper than `MAX_KEY_DEPTH` (`a[b][c]…`), or a
//!   JSON body nesting deeper than `MAX_JSON_DEPTH` → **400**;
//! - server-function arguments that server_fn could not decode (missing, malformed, wrong
//!   type) → **400** instead of server_fn's 500.
//!
//! Refusals never repeat the input. Server-function callers get the JSON `AppError` their
//! client decodes, carrying a code (`{"error":"invalid","detail":{"code":"too_large"}}`) the
//! page words in the reader's language; browsers posting a plain HTML form (`Accept:
//! text/html`, JavaScript off) get a small page saying it in Chinese and English; the log
//! gets the precise English reason.

use app::error::{AppError, Refused};
use axum::body::Body;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use bytes::{Bytes, BytesMut};
use futures::StreamExt;
use http::{HeaderValue, StatusCode, header};

use crate::auth::middleware::{accepts_html, api_error, refusal_page};

/// The largest request body accepted, on every route. The biggest legitimate one is a
/// 1000-character note (≈ 9 KiB percent-encoded) or an admin's user form; sign-in is smaller.
pub const MAX_BODY_BYTES: usize = 256 * 1024;
/// The longest path segment (as sent, percent-encoded) a request may name: file systems' own
/// limit for a file name.
pub const MAX_PATH_SEGMENT_BYTES: usize = 255;
/// Deepest `a[b][c]` nesting of a form or query key. server_fn reads arguments with serde_qs
/// at depth 5; SalesDesk's own forms nest one level (`query[page]`).
pub const MAX_KEY_DEPTH: usize = 5;
/// Deepest `[`/`{` nesting of a JSON body.
pub const MAX_JSON_DEPTH: usize = 32;

/// server_fn marks its error replies with this header (see `auth::middleware`).
const SERVER_FN_ERROR_HEADER: &str = "serverfnerror";
/// Server-function error bodies are small JSON; a larger one is passed on untouched.
const ERROR_BODY_LIMIT: usize = 64 * 1024;
/// How server_fn's `Display` of its own failures to read a request begins (`ServerFnErrorErr`
/// `Args`, `MissingArg`, and `Deserialization`, which on the server means reading the body).
const ARGUMENT_ERRORS: [&str; 3] = [
    "error deserializing server function arguments",
    "missing argument",
    "error deserializing server function results",
];

const BAD_REQUEST_ZH: &str = "请求格式不正确，无法处理。请刷新页面后重试。";

/// Why a request was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    TooLarge,
    NotUtf8,
    TooDeep,
    JsonTooDeep,
    Unreadable,
    BadArguments,
    /// A path segment longer than any name a page, file or id of this site has.
    PathTooLong,
}

impl Refusal {
    /// The code the app's error carries.
    pub fn code(self) -> Refused {
        match self {
            Refusal::TooLarge => Refused::TooLarge,
            _ => Refused::BadRequest,
        }
    }

    pub fn status(self) -> StatusCode {
        match self {
            Refusal::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Refusal::PathTooLong => StatusCode::URI_TOO_LONG,
            _ => StatusCode::BAD_REQUEST,
        }
    }

    pub fn message_zh(self) -> &'static str {
        match self {
            Refusal::TooLarge => "提交的内容太大（上限 256 KiB），未处理。",
            _ => BAD_REQUEST_ZH,
        }
    }

    pub fn message_en(self) -> &'static str {
        match self {
            Refusal::TooLarge => "Payload too large: SalesDesk accepts request bodies of at most 256 KiB.",
            Refusal::NotUtf8 => "Bad request: the query string or body is not UTF-8 form data.",
            Refusal::TooDeep => "Bad request: form or query keys nest deeper than 5 levels.",
            Refusal::JsonTooDeep => "Bad request: the JSON body nests deeper than 32 levels.",
            Refusal::Unreadable => "Bad request: the request body could not be read.",
            Refusal::BadArguments => "Bad request: the server function's arguments are missing, malformed or of the wrong type.",
            Refusal::PathTooLong => "URI too long: a path segment is longer than 255 bytes.",
        }
    }
}

/// The middleware, on every route (inside the sign-in gate).
pub async fn limit_requests(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    let html = accepts_html(&request);
    // No page, file or id is named by more: the static file service would ask the file system
    // for it and log an error (a scanner's 5,000-character path) instead of a plain refusal.
    if path.split('/').any(|segment| segment.len() > MAX_PATH_SEGMENT_BYTES) {
        return refuse(Refusal::PathTooLong, "(a path too long to log)", html);
    }
    if declared_length(&request).is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return refuse(Refusal::TooLarge, &path, html);
    }
    if !path.starts_with("/api/") {
        // Other routes read their (small) forms with axum extractors, capped by
        // `DefaultBodyLimit` at the same size.
        return next.run(request).await;
    }
    if let Err(why) = check_form(request.uri().query().unwrap_or_default().as_bytes()) {
        return refuse(why, &path, html);
    }
    let json = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("application/json"));
    let (parts, body) = request.into_parts();
    let checked = match read_body(body).await {
        Ok(bytes) if json => check_json(&bytes).map(|()| bytes),
        Ok(bytes) => check_form(&bytes).map(|()| bytes),
        Err(why) => Err(why),
    };
    let bytes = match checked {
        Ok(bytes) => bytes,
        Err(why) => return refuse(why, &path, html),
    };
    let response = next.run(Request::from_parts(parts, Body::from(bytes))).await;
    with_argument_errors_as_400(response, &path, html).await
}

fn declared_length(request: &Request) -> Option<u64> {
    request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
}

/// Reads the whole body, stopping as soon as it passes the limit (a chunked body has no
/// declared length).
async fn read_body(body: Body) -> Result<Bytes, Refusal> {
    let mut stream = body.into_data_stream();
    let mut buf = BytesMut::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| Refusal::Unreadable)?;
        if buf.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(Refusal::TooLarge);
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf.freeze())
}

/// A query string or `application/x-www-form-urlencoded` body: UTF-8, every key and value
/// still UTF-8 once percent-decoded, keys nesting at most `MAX_KEY_DEPTH` levels.
pub fn check_form(data: &[u8]) -> Result<(), Refusal> {
    std::str::from_utf8(data).map_err(|_| Refusal::NotUtf8)?;
    for pair in data.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
        let (key, value) = match pair.iter().position(|b| *b == b'=') {
            Some(i) => (&pair[..i], &pair[i + 1..]),
            None => (pair, &[][..]),
        };
        let key = percent_decode(key);
        let key = std::str::from_utf8(&key).map_err(|_| Refusal::NotUtf8)?;
        std::str::from_utf8(&percent_decode(value)).map_err(|_| Refusal::NotUtf8)?;
        if key.matches('[').count() > MAX_KEY_DEPTH {
            return Err(Refusal::TooDeep);
        }
    }
    Ok(())
}

/// Form decoding: `+` is a space, `%XX` a byte; a `%` without two hex digits stays as is.
fn percent_decode(input: &[u8]) -> Vec<u8> {
    let hex = |i: usize| input.get(i).and_then(|b| (*b as char).to_digit(16));
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        match (input[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(hi), Some(lo)) => {
                out.push((hi * 16 + lo) as u8);
                i += 3;
                continue;
            }
            (b'+', _, _) => out.push(b' '),
            (b, _, _) => out.push(b),
        }
        i += 1;
    }
    out
}

/// A JSON body nests at most `MAX_JSON_DEPTH` arrays/objects (brackets inside strings do not
/// count). Whether it is valid JSON is the decoder's business.
pub fn check_json(data: &[u8]) -> Result<(), Refusal> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for &b in data {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_JSON_DEPTH {
                    return Err(Refusal::JsonTooDeep);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// The refusal as the caller can read it: JSON `AppError::Invalid` for server-function
/// clients, a small page for browsers posting a plain form.
pub fn refuse(why: Refusal, path: &str, html: bool) -> Response {
    tracing::warn!(%path, status = why.status().as_u16(), reason = why.message_en(), "refused a malformed or oversized request");
    if html {
        return refusal_page(why.status(), why.message_zh(), why.message_en());
    }
    // The app's own error, as a code the client words itself; the English detail is in the log.
    let body = serde_json::to_string(&AppError::Invalid(why.code())).unwrap_or_default();
    let mut response = (why.status(), [(header::CONTENT_TYPE, "application/json")], body).into_response();
    if path.starts_with("/api/")
        && let Ok(v) = HeaderValue::from_str(path)
    {
        response.headers_mut().insert(SERVER_FN_ERROR_HEADER, v);
    }
    response
}

/// server_fn answers arguments it cannot decode with 500 and `AppError::Transport` naming
/// the serde error (which may quote the input): that becomes a 400 refusal.
async fn with_argument_errors_as_400(response: Response, path: &str, html: bool) -> Response {
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR || !response.headers().contains_key(SERVER_FN_ERROR_HEADER) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, ERROR_BODY_LIMIT).await else {
        return api_error(StatusCode::INTERNAL_SERVER_ERROR, &AppError::Internal { request_id: None }, path);
    };
    if let Ok(AppError::Transport(detail)) = serde_json::from_slice::<AppError>(&bytes)
        && ARGUMENT_ERRORS.iter().any(|p| detail.starts_with(p))
    {
        tracing::debug!(%path, %detail, "server function arguments not decodable");
        return refuse(Refusal::BadArguments, path, html);
    }
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_are_checked() {
        assert_eq!(check_form(b""), Ok(()));
        assert_eq!(check_form(b"query[page]=1&query[page_size]=50&key=wm%E5%88%98+x"), Ok(()));
        assert_eq!(check_form(b"a[b][c][d][e][f]=1"), Ok(()), "5 levels");
        assert_eq!(check_form(b"a[b][c][d][e][f][g]=1"), Err(Refusal::TooDeep));
        assert_eq!(
            check_form(b"a%5Bb%5D%5Bc%5D%5Bd%5D%5Be%5D%5Bf%5D%5Bg%5D=1"),
            Err(Refusal::TooDeep),
            "encoded brackets"
        );
        assert_eq!(check_form(b"key=\xff\xfe"), Err(Refusal::NotUtf8));
        assert_eq!(check_form(b"key=%FF%FE"), Err(Refusal::NotUtf8));
        assert_eq!(check_form(b"%FF=1"), Err(Refusal::NotUtf8));
        assert_eq!(check_form(b"key=100%&x=%4"), Ok(()), "stray percent signs stay as they are");
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode(b"a+b%20c%e5%88%98%"), "a b c刘%".as_bytes());
        assert_eq!(percent_decode(b"%zz%4"), b"%zz%4");
    }

    #[test]
    fn json_depth() {
        assert_eq!(check_json(br#"{"a":[1,{"b":"[[[[["}]}"#), Ok(()));
        let deep = format!("{}{}", "[".repeat(33), "]".repeat(33));
        assert_eq!(check_json(deep.as_bytes()), Err(Refusal::JsonTooDeep));
        let shallow = format!("{}{}", "[".repeat(32), "]".repeat(32));
        assert_eq!(check_json(shallow.as_bytes()), Ok(()));
        assert_eq!(
            check_json(br#"{"a":"\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}"#),
            Ok(()),
            "escaped quotes"
        );
    }

    #[tokio::test]
    async fn argument_errors_become_400_without_the_input() {
        let error = AppError::Transport("error deserializing server function arguments: unknown variant `SECRET-INPUT`".into());
        let reply = api_error(StatusCode::INTERNAL_SERVER_ERROR, &error, "/api/x");
        let mapped = with_argument_errors_as_400(reply, "/api/x", false).await;
        assert_eq!(mapped.status(), StatusCode::BAD_REQUEST);
        let body = axum::body::to_bytes(mapped.into_body(), 4096).await.unwrap();
        let text = String::from_utf8_lossy(&body);
        assert!(!text.contains("SECRET-INPUT"), "{text}");
        assert_eq!(
            serde_json::from_slice::<AppError>(&body).unwrap(),
            AppError::Invalid(Refused::BadRequest),
            "the client decodes it"
        );
        let other = AppError::Transport("error running server function: x".into());
        let reply = api_error(StatusCode::INTERNAL_SERVER_ERROR, &other, "/api/x");
        assert_eq!(
            with_argument_errors_as_400(reply, "/api/x", false).await.status(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }
}
