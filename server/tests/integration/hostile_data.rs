//! Vendor data is hostile input. With the hostile universe (`dataset::hostile`: every string
//! a vendor reports carries markup that would close `<title>`, `<textarea>`, `<script>` or a
//! comment, meta refreshes, off-site images and forms, bidi controls and 10,000-character
//! text), every page each demo user can reach is parsed as a browser parses it (html5ever)
//! and must hold nothing the app did not write: no injected element, attribute, meta
//! refresh, event handler, script without the page's nonce, or off-site reference. Every
//! CSV download must stay a table.
//!
//! The pages are found the way a person finds them: from `/`, following every same-site
//! link, so a page added later is covered without being listed here.

use std::collections::{BTreeSet, VecDeque};

use reqwest::StatusCode;
use salesdesk::simulators::dataset::hostile::{self, ATTACKER_HOST, INJECTED_ID_PREFIX, PAYLOADS};
use scraper::{Html, Node};

use crate::auth_support::{self, App, ROCKY_CUSTOMER, Session, demo_settings, form, start_app_serving};

/// Pages read per user: enough to reach every kind of page from the links.
const PAGES_PER_USER: usize = 70;

/// Attributes a browser loads, follows or posts to.
const URL_ATTRIBUTES: [&str; 9] = [
    "src",
    "href",
    "action",
    "formaction",
    "srcset",
    "poster",
    "data",
    "background",
    "ping",
];

/// A URL that keeps the browser on this site (or loads an avatar from WeChat's image hosts,
/// which the app allows on purpose), or a `tel:`/`mailto:` link.
fn stays_on_site(url: &str) -> bool {
    let local = url.starts_with('/') && !url.starts_with("//") && !url.contains('\\');
    let avatar = url
        .strip_prefix("https://")
        .and_then(|rest| rest.split('/').next())
        .is_some_and(|host| app::csp::AVATAR_HOST_SUFFIXES.iter().any(|s| host.ends_with(s)));
    local || avatar || url.starts_with('#') || url.starts_with("tel:") || url.starts_with("mailto:") || url.starts_with("data:,")
}

/// What the app itself writes in an `<head>`: one title, its own meta tags.
fn assert_inert(what: &str, html: &str) {
    if let Ok(dir) = std::env::var("HOSTILE_DUMP") {
        let _ = std::fs::write(format!("{dir}/{}.html", what.replace(['/', ' ', '?', '&', '='], "_")), html);
    }
    let doc = Html::parse_document(html);
    let mut titles = 0;
    for node in doc.tree.root().descendants() {
        match node.value() {
            Node::Element(el) => {
                let name = el.name();
                if name == "title" {
                    titles += 1;
                }
                if let Some(id) = el.id() {
                    assert!(!id.starts_with(INJECTED_ID_PREFIX), "{what}: injected element <{name} id={id:?}>");
                }
                for (attr, value) in el.attrs() {
                    assert!(!attr.starts_with("on"), "{what}: event handler {attr}={value:?} on <{name}>");
                    if URL_ATTRIBUTES.contains(&attr) {
                        assert!(stays_on_site(value), "{what}: <{name} {attr}={value:?}> leads off the site");
                    }
                    assert!(attr != "style" || !value.contains("url("), "{what}: a style loading {value:?}");
                }
                match name {
                    "meta" => assert!(el.attr("http-equiv").is_none(), "{what}: injected <meta http-equiv>"),
                    "script" => {
                        // Leptos ends the body with an empty `<script></script>`; any script with
                        // code must carry the page's nonce (or be a file of this site).
                        let code: String = node.children().filter_map(|c| c.value().as_text().map(|t| t.to_string())).collect();
                        assert!(
                            el.attr("src").is_some() || el.attr("nonce").is_some() || code.trim().is_empty(),
                            "{what}: a script the app did not write: {:?}",
                            code.chars().take(200).collect::<String>()
                        );
                    }
                    "form" => {
                        let action = el.attr("action").unwrap_or("");
                        assert!(
                            action.is_empty() || action.starts_with('/') && !action.starts_with("//"),
                            "{what}: form posts to {action:?}"
                        );
                    }
                    "base" | "iframe" | "object" | "embed" | "svg" => panic!("{what}: the app writes no <{name}>"),
                    _ => {}
                }
                if let Some(props) = el.attr("data-props") {
                    // Island props are JSON the browser hydrates from; cut short, they would
                    // not parse.
                    serde_json::from_str::<serde_json::Value>(props).unwrap_or_else(|e| panic!("{what}: island props do not parse: {e}"));
                }
            }
            Node::Comment(c) => {
                // Text that opened a comment would swallow the rest of the page into it.
                assert!(
                    !c.contains(ATTACKER_HOST) && !c.contains(INJECTED_ID_PREFIX) && c.len() < 200,
                    "{what}: page content ended up in a comment: {:?}",
                    c.chars().take(120).collect::<String>()
                );
            }
            _ => {}
        }
    }
    assert_eq!(titles, 1, "{what}: one <title>");
}

/// A CSV download must parse as a table: every record as wide as the header (a customer
/// without follow-ups has a header only).
fn assert_table(what: &str, body: &str) {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(body.trim_start_matches('\u{feff}').as_bytes());
    let width = reader.headers().unwrap_or_else(|e| panic!("{what}: header: {e}")).len();
    for (row, record) in reader.records().enumerate() {
        let record = record.unwrap_or_else(|e| panic!("{what}: row {row}: {e}"));
        assert_eq!(record.len(), width, "{what}: row {row}");
    }
}

/// Same-site links of a page: every `<a href>`, and every GET form submitted as it stands
/// (hidden fields, ticked boxes, filled-in text), without fragments; sign-out and the
/// language switch are left alone.
fn links(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let mut out = Vec::new();
    for node in doc.tree.root().descendants() {
        let Node::Element(el) = node.value() else { continue };
        let target = match el.name() {
            "a" => el.attr("href").map(str::to_string),
            "form" if el.attr("method").is_some_and(|m| m.eq_ignore_ascii_case("get")) => el.attr("action").map(|action| {
                let mut query = url::form_urlencoded::Serializer::new(String::new());
                for field in node.descendants().filter_map(|n| n.value().as_element()) {
                    let kind = field.attr("type").unwrap_or("text");
                    let submitted = field.name() == "input"
                        && (kind == "hidden"
                            || (kind == "checkbox" && field.attr("checked").is_some())
                            || kind == "text"
                            || kind == "search");
                    if let (true, Some(name)) = (submitted, field.attr("name")) {
                        query.append_pair(name, field.attr("value").unwrap_or(""));
                    }
                }
                format!("{action}?{}", query.finish())
            }),
            _ => None,
        };
        if let Some(target) = target
            && target.starts_with('/')
            && !target.starts_with("//")
            && !target.starts_with("/auth/")
            && !target.starts_with("/locale")
        {
            out.push(target.split('#').next().unwrap_or(&target).to_string());
        }
    }
    out
}

/// What one user's walk found, by kind of page.
#[derive(Default)]
struct Walk {
    pages: BTreeSet<String>,
    csvs: BTreeSet<String>,
}

impl Walk {
    fn saw(&self, prefix: &str) -> bool {
        self.pages.iter().chain(&self.csvs).any(|p| p.starts_with(prefix))
    }
}

/// Reads every page reachable from `start` (breadth first, at most `PAGES_PER_USER`), checking
/// each. Link variants of one page (`?tag=…`, `?page=…`) count as pages: they render with the
/// hostile values in them.
async fn walk(app: &App, session: &Session, user: &str, start: &[String]) -> Walk {
    let mut walk = Walk::default();
    let mut queue: VecDeque<String> = start.iter().cloned().collect();
    let mut seen: BTreeSet<String> = queue.iter().cloned().collect();
    while let Some(path) = queue.pop_front() {
        if walk.pages.len() >= PAGES_PER_USER && !path.contains(".csv") {
            continue;
        }
        let reply = app.get(Some(session), &path).await;
        let what = format!("{user} {path}");
        if path.contains(".csv") {
            if reply.status == StatusCode::OK {
                assert_table(&what, &reply.body);
                if let Some(disposition) = reply.headers.get("content-disposition") {
                    assert!(disposition.to_str().is_ok(), "{what}: the file name header is plain ASCII");
                }
            }
            walk.csvs.insert(path);
            continue;
        }
        assert!(
            reply.status.is_success() || [StatusCode::FORBIDDEN, StatusCode::NOT_FOUND].contains(&reply.status),
            "{what}: {}",
            reply.status
        );
        assert_inert(&what, &reply.body);
        for link in links(&reply.body) {
            if seen.insert(link.clone()) {
                queue.push_back(link);
            }
        }
        walk.pages.insert(path);
    }
    walk
}

#[tokio::test]
async fn hostile_vendor_strings_never_become_markup_on_any_page() {
    let mut universe = auth_support::universe(80);
    hostile::poison(&mut universe);
    let app = start_app_serving(demo_settings(), universe).await;
    let admin = app.login("admin").await;
    let liu = app.login("liufulai").await;
    let rocky = app.login("rocky").await;
    let manager = app.login("zhangwei").await;

    // Something in the audit log, a bulk result page and SalesDesk's own timeline entries.
    let r = app
        .api(
            Some(&rocky),
            "/api/add_note",
            &form(&[("key", ROCKY_CUSTOMER), ("text", PAYLOADS[0]), ("token", "t-hostile-note")]),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app
        .api(
            Some(&liu),
            "/api/bulk_write",
            &form(&[
                ("action", "note"),
                ("text", "批量回访"),
                ("token", "t-hostile-bulk"),
                ("scope", "filter"),
            ]),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let job: app::domain::BulkStarted = serde_json::from_str(&r.body).expect("bulk job");

    // Search and error pages carry URL input next to vendor data.
    let mut start: Vec<String> = vec!["/".into(), "/customers".into(), "/clues".into()];
    for payload in PAYLOADS {
        start.push(format!("/customers?{}", form(&[("q", payload)])));
    }
    start.push("/customers/wmNoSuchCustomer".into());
    start.push("/clues/tanma/1".into());
    start.push("/no-such-page".into());
    start.push(format!("/customers/{ROCKY_CUSTOMER}"));
    start.push(format!("/export/customers/{ROCKY_CUSTOMER}/timeline.csv"));

    let mut admin_start = start.clone();
    admin_start.extend(["/vendors", "/admin/users", "/admin/audit", "/admin/audit.csv"].map(String::from));
    admin_start.push(format!("/bulk/{}", job.job_id));
    let admin_walk = walk(&app, &admin, "admin", &admin_start).await;
    for kind in [
        "/customers/",
        "/clues/",
        "/bulk/",
        "/admin/audit",
        "/admin/users",
        "/vendors",
        "/export/customers.csv",
        "/export/customers/",
        "/admin/audit.csv",
    ] {
        assert!(
            admin_walk.saw(kind),
            "the admin's walk reached no {kind} page: {:?}",
            admin_walk.pages
        );
    }

    let mut liu_start = start.clone();
    liu_start.push(format!("/bulk/{}", job.job_id));
    for (user, session, start) in [
        ("liufulai", &liu, &liu_start),
        ("rocky", &rocky, &start),
        ("zhangwei", &manager, &start),
    ] {
        let w = walk(&app, session, user, start).await;
        assert!(w.saw("/customers/") && w.saw("/clues"), "{user}'s walk: {:?}", w.pages);
    }
}
