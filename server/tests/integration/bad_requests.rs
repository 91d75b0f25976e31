//! Malformed and oversized requests to every server function, signed in, over real HTTP: a
//! 20 MB body answers 413, keys nested 200 levels deep (form body or query) and deeply nested
//! JSON answer 400, bodies that are not UTF-8 or hold arguments of the wrong type answer 400,
//! garbage never gets a 5xx, no refusal repeats the input, and the server still answers
//! afterwards. The endpoints come from the shared table, which is checked against the
//! registered server functions.

use crate::auth_support;

use app::error::{AppError, Refused};
use auth_support::endpoints::{Suite, start_suite};
use auth_support::{App, Reply, Session, form};
use reqwest::StatusCode;

/// Put into every malformed input: no refusal may repeat it.
const MARKER: &str = "ECHOMARKER";
const MB: usize = 1024 * 1024;

#[derive(Clone, Copy)]
enum Accept {
    /// The hydrated app's server-function client.
    Json,
    /// A plain HTML form post with JavaScript off.
    Html,
}

/// Posts raw bytes to a server function with a same-site Origin.
async fn post(app: &App, session: &Session, endpoint: &str, content_type: &str, accept: Accept, body: Vec<u8>) -> Reply {
    let mut r = app
        .client
        .post(app.url(endpoint))
        .header("origin", &app.base)
        .header("cookie", &session.cookie)
        .header("content-type", content_type);
    r = match accept {
        Accept::Json => r.header("accept", "application/json"),
        Accept::Html => r.header("accept", "text/html").header("referer", app.url("/customers")),
    };
    let response = r.body(body).send().await.unwrap_or_else(|e| panic!("{endpoint}: {e}"));
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.text().await.unwrap_or_default();
    Reply { status, headers, body }
}

const FORM: &str = "application/x-www-form-urlencoded";

/// `a[b][b]…[b]=1`, `depth` levels deep.
fn nested_key(depth: usize) -> String {
    format!("{MARKER}{}=1", "[b]".repeat(depth))
}

/// Every key of a valid body given one more level (`key` → `key[x]`): a map where a string
/// or number is expected.
fn type_swapped(valid: &str) -> String {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(valid.as_bytes()).into_owned().collect();
    let swapped: Vec<(String, String)> = pairs.into_iter().map(|(k, v)| (format!("{k}[{MARKER}]"), v)).collect();
    let refs: Vec<(&str, &str)> = swapped.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    form(&refs)
}

/// A refusal: the expected status, a JSON `AppError::Invalid` with the refusal's code, and
/// nothing of the input.
fn assert_refused(what: &str, r: &Reply, status: StatusCode) {
    assert_eq!(r.status, status, "{what}: {}", r.body);
    assert!(!r.body.contains(MARKER), "{what}: the refusal repeats the input: {}", r.body);
    let error: AppError = serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("{what}: not an AppError ({e}): {}", r.body));
    let expected = if status == StatusCode::PAYLOAD_TOO_LARGE {
        Refused::TooLarge
    } else {
        Refused::BadRequest
    };
    assert_eq!(error, AppError::Invalid(expected), "{what}: a code the client words itself");
}

#[tokio::test]
async fn malformed_and_oversized_requests_are_refused_with_4xx() {
    let Suite { app, cases, admin, fx, .. } = start_suite().await;

    let huge = {
        let mut body = format!("key=1&text={MARKER}").into_bytes();
        body.resize(20 * MB, b'a');
        body
    };
    let deep_form = nested_key(200).into_bytes();
    let deep_json = format!("{}\"{MARKER}\"{}", "[".repeat(200), "]".repeat(200)).into_bytes();

    for case in &cases {
        let ep = case.endpoint;
        let valid = (case.body)(&fx);
        let with_args = !valid.is_empty();

        // (a) 20 MB: 413, as JSON for the app and as a page for a JavaScript-off form.
        let r = post(&app, &admin, ep, FORM, Accept::Json, huge.clone()).await;
        assert_refused(&format!("{ep} 20 MB"), &r, StatusCode::PAYLOAD_TOO_LARGE);
        let r = post(&app, &admin, ep, FORM, Accept::Html, huge.clone()).await;
        assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{ep} 20 MB form post");
        assert!(
            r.body.contains("提交的内容太大") && r.body.contains("256 KiB") && !r.body.contains(MARKER),
            "{ep}: a readable page: {}",
            r.body
        );

        // (b) Nesting 200 levels deep: in the form body, in the query string, as JSON.
        let r = post(&app, &admin, ep, FORM, Accept::Json, deep_form.clone()).await;
        assert_refused(&format!("{ep} nested form"), &r, StatusCode::BAD_REQUEST);
        let query_ep = format!("{ep}?{}", nested_key(200));
        let r = post(&app, &admin, &query_ep, FORM, Accept::Json, valid.clone().into_bytes()).await;
        assert_refused(&format!("{ep} nested query"), &r, StatusCode::BAD_REQUEST);
        let r = post(&app, &admin, ep, "application/json", Accept::Json, deep_json.clone()).await;
        assert_refused(&format!("{ep} nested JSON"), &r, StatusCode::BAD_REQUEST);
        let r = post(&app, &admin, ep, FORM, Accept::Html, deep_form.clone()).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{ep} nested form post");
        assert!(r.body.contains("请求格式不正确") && !r.body.contains(MARKER), "{ep}: {}", r.body);

        // (c) Not UTF-8, raw or percent-encoded.
        let mut raw = valid.clone().into_bytes();
        raw.extend_from_slice(format!("&{MARKER}=\u{0}").as_bytes());
        raw.extend_from_slice(&[0xff, 0xfe, 0xc3]);
        let r = post(&app, &admin, ep, FORM, Accept::Json, raw).await;
        assert_refused(&format!("{ep} raw invalid UTF-8"), &r, StatusCode::BAD_REQUEST);
        let encoded = format!("{valid}&{MARKER}=%FF%FE%C3");
        let r = post(&app, &admin, ep, FORM, Accept::Json, encoded.into_bytes()).await;
        assert_refused(&format!("{ep} encoded invalid UTF-8"), &r, StatusCode::BAD_REQUEST);

        // (c) Wrong types and garbage: 400 where there are arguments to get wrong; a function
        // without arguments ignores what it does not read, but never answers 5xx.
        let garbage: Vec<(&str, Vec<u8>)> = vec![
            ("type-swapped", type_swapped(&valid).into_bytes()),
            ("missing arguments", Vec::new()),
            ("garbage", format!("%%%&&==[[]]=&{MARKER}[=]&=%zz&;;").into_bytes()),
            ("JSON", format!("{{\"key\": [1, {{\"{MARKER}\": null}}]}}").into_bytes()),
            (
                "huge numbers",
                format!("id=99999999999999999999999999&query[page]=-1&{MARKER}=1").into_bytes(),
            ),
        ];
        for (what, body) in garbage {
            let r = post(&app, &admin, ep, FORM, Accept::Json, body).await;
            assert!(!r.status.is_server_error(), "{ep} {what}: {} {}", r.status, r.body);
            assert!(!r.body.contains(MARKER), "{ep} {what}: repeats the input: {}", r.body);
            if with_args && matches!(what, "type-swapped" | "missing arguments" | "garbage") {
                assert_refused(&format!("{ep} {what}"), &r, StatusCode::BAD_REQUEST);
            }
        }
    }

    // A body streamed without a declared length is cut off at the limit too.
    let r = post_chunked(&app, &admin, "/api/add_note", 20 * MB).await;
    assert_eq!(r, 413, "a chunked 20 MB body");

    // Still serving, and signing in still works.
    let r = app.get(None, "/healthz").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let s = app.login("liufulai").await;
    let r = app.api(Some(&s), "/api/current_user", "").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

/// Posts `len` bytes with `Transfer-Encoding: chunked` over a bare connection and returns the
/// status code of the answer (the server may answer before reading everything).
async fn post_chunked(app: &App, session: &Session, endpoint: &str, len: usize) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(app.addr).await.expect("connect");
    let head = format!(
        "POST {endpoint} HTTP/1.1\r\nhost: {}\r\norigin: {}\r\ncookie: {}\r\ncontent-type: {FORM}\r\naccept: application/json\r\nconnection: close\r\ntransfer-encoding: chunked\r\n\r\n",
        app.addr, app.base, session.cookie
    );
    stream.write_all(head.as_bytes()).await.expect("head");
    let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, "a".repeat(64 * 1024));
    let mut sent = 0;
    while sent < len {
        if stream.write_all(chunk.as_bytes()).await.is_err() {
            break;
        }
        sent += 64 * 1024;
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let mut reply = Vec::new();
    let _ = stream.read_to_end(&mut reply).await;
    let text = String::from_utf8_lossy(&reply);
    text.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0)
}

#[tokio::test]
async fn a_path_segment_longer_than_a_file_name_is_refused_not_looked_up() {
    let app = auth_support::start_app(auth_support::demo_settings()).await;
    let admin = app.login("admin").await;
    let long = "a".repeat(5_000);
    for path in [format!("/{long}"), format!("/customers/{long}"), format!("/pkg/{long}.js")] {
        let reply = app.get(Some(&admin), &path).await;
        assert_eq!(reply.status, StatusCode::URI_TOO_LONG, "{}", &path[..20]);
        assert!(!reply.body.contains(&long), "the refusal does not repeat the path");
    }
    // A segment of 255 bytes is still an ordinary (missing) page.
    let reply = app.get(Some(&admin), &format!("/customers/{}", "b".repeat(255))).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
}
