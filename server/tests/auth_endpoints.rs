//! Every server-function endpoint, table-driven: without a session it answers 401 (except
//! the public ones), a cross-site POST is refused with 403, admin functions answer 403 to
//! reps, and records outside the caller's scope answer 403. The table is checked against the
//! registered server functions, so a new endpoint fails this test until it is listed here.

mod auth_support;

use std::collections::BTreeSet;

use app::domain::{ClueListing, CustomerListing, WriteOutcome};
use app::error::AppError;
use auth_support::{App, LIU_CUSTOMER, ROCKY_CUSTOMER, Session, demo_settings, form, start_app};
use reqwest::StatusCode;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in user (scope decides what they see).
    SignedIn,
    /// Admins only.
    Admin,
}

/// Values the bodies need, found at run time.
struct Fixture {
    /// A clue liufulai may see, and one they may not: (vendor slug, id).
    visible_clue: (String, String),
    hidden_clue: (String, String),
    /// An outbox item of rocky's customer.
    rocky_write_id: i64,
    liufulai_id: i64,
}

struct Case {
    endpoint: &'static str,
    access: Access,
    /// An in-scope call for a rep (liufulai).
    body: fn(&Fixture) -> String,
    /// The same call aimed at a record outside liufulai's scope (must be 403).
    out_of_scope: Option<fn(&Fixture) -> String>,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            endpoint: "/api/shell_info",
            access: Access::Public,
            body: |_| String::new(),
            out_of_scope: None,
        },
        Case {
            endpoint: "/api/current_user",
            access: Access::Public,
            body: |_| String::new(),
            out_of_scope: None,
        },
        Case {
            endpoint: "/api/vendor_statuses",
            access: Access::Admin,
            body: |_| String::new(),
            out_of_scope: None,
        },
        Case {
            endpoint: "/api/customers",
            access: Access::SignedIn,
            body: |_| form(&[("query[page]", "1"), ("query[page_size]", "50")]),
            out_of_scope: None,
        },
        Case {
            endpoint: "/api/customer",
            access: Access::SignedIn,
            body: |_| form(&[("key", LIU_CUSTOMER)]),
            out_of_scope: Some(|_| form(&[("key", ROCKY_CUSTOMER)])),
        },
        Case {
            endpoint: "/api/clues",
            access: Access::SignedIn,
            body: |_| String::new(),
            out_of_scope: None,
        },
        Case {
            endpoint: "/api/clue",
            access: Access::SignedIn,
            body: |f| form(&[("vendor", &f.visible_clue.0), ("id", &f.visible_clue.1)]),
            out_of_scope: Some(|f| form(&[("vendor", &f.hidden_clue.0), ("id", &f.hidden_clue.1)])),
        },
        Case {
            endpoint: "/api/set_remark",
            access: Access::SignedIn,
            body: |_| {
                form(&[
                    ("key", LIU_CUSTOMER),
                    ("remark", "刘总"),
                    ("description", ""),
                    ("token", "t-remark-1"),
                ])
            },
            out_of_scope: Some(|_| {
                form(&[
                    ("key", ROCKY_CUSTOMER),
                    ("remark", "越权"),
                    ("description", ""),
                    ("token", "t-remark-2"),
                ])
            }),
        },
        Case {
            endpoint: "/api/add_note",
            access: Access::SignedIn,
            body: |_| form(&[("key", LIU_CUSTOMER), ("text", "电话沟通，客户关注价格"), ("token", "t-note-1")]),
            out_of_scope: Some(|_| form(&[("key", ROCKY_CUSTOMER), ("text", "越权"), ("token", "t-note-2")])),
        },
        Case {
            endpoint: "/api/retry_write",
            access: Access::SignedIn,
            // No such write: NotFound, which is not a refusal.
            body: |_| form(&[("key", LIU_CUSTOMER), ("id", "987654")]),
            out_of_scope: Some(|f| form(&[("key", ROCKY_CUSTOMER), ("id", &f.rocky_write_id.to_string())])),
        },
        Case {
            endpoint: "/api/admin_users",
            access: Access::Admin,
            body: |_| String::new(),
            out_of_scope: None,
        },
        Case {
            endpoint: "/api/admin_create_user",
            access: Access::Admin,
            body: |_| {
                form(&[
                    ("username", "wangfang"),
                    ("display_name", "王芳"),
                    ("role", "rep"),
                    ("team", "华东一组"),
                    ("tanma", "WangFang"),
                    ("weiling", "WangFang"),
                    ("juzi", "WangFang"),
                    ("password", "wangfang-pass-1"),
                ])
            },
            out_of_scope: None,
        },
        Case {
            endpoint: "/api/admin_update_user",
            access: Access::Admin,
            body: |f| {
                let id = f.liufulai_id.to_string();
                form(&[
                    ("id", &id),
                    ("display_name", "刘福来"),
                    ("role", "rep"),
                    ("team", "华东一组"),
                    ("tanma", "LiuFuLai"),
                    ("weiling", "LiuFuLai"),
                    ("juzi", "LiuFuLai"),
                ])
            },
            out_of_scope: None,
        },
        Case {
            endpoint: "/api/admin_audit",
            access: Access::Admin,
            body: |_| String::new(),
            out_of_scope: None,
        },
    ]
}

fn decode<T: serde::de::DeserializeOwned>(body: &str, what: &str) -> T {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{what}: {e}: {body}"))
}

async fn fixture(app: &App, liu: &Session, admin: &Session, rocky: &Session) -> Fixture {
    // A clue liufulai sees, and one among the admin's that liufulai is refused.
    let mine: ClueListing = decode(&app.api(Some(liu), "/api/clues", "").await.body, "liufulai's clues");
    let all: ClueListing = decode(&app.api(Some(admin), "/api/clues", "").await.body, "all clues");
    let visible = mine
        .items
        .first()
        .map(|c| (c.vendor.slug().to_string(), c.id.clone()))
        .expect("liufulai sees at least one clue");
    let mut hidden = None;
    for c in all
        .items
        .iter()
        .filter(|c| !mine.items.iter().any(|m| m.vendor == c.vendor && m.id == c.id))
    {
        let r = app
            .api(Some(liu), "/api/clue", &form(&[("vendor", c.vendor.slug()), ("id", &c.id)]))
            .await;
        if r.status == StatusCode::FORBIDDEN {
            hidden = Some((c.vendor.slug().to_string(), c.id.clone()));
            break;
        }
    }
    let hidden = hidden.expect("some clue is outside liufulai's scope");
    // rocky writes a note on his own customer: an outbox item liufulai must not retry.
    let r = app
        .api(
            Some(rocky),
            "/api/add_note",
            &form(&[("key", ROCKY_CUSTOMER), ("text", "张总回电"), ("token", "t-rocky-1")]),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "rocky writes to his customer: {}", r.body);
    let outcome: WriteOutcome = decode(&r.body, "rocky's note");
    let rocky_write_id = outcome.writes.first().expect("one write").id;
    let liufulai_id = salesdesk::auth::users::by_username(&app.auth.store, "liufulai")
        .await
        .unwrap()
        .unwrap()
        .id;
    Fixture {
        visible_clue: visible,
        hidden_clue: hidden,
        rocky_write_id,
        liufulai_id,
    }
}

#[tokio::test]
async fn every_endpoint_refuses_the_wrong_caller() {
    let app = start_app(demo_settings()).await;
    let cases = cases();

    // The table lists exactly the registered server functions.
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths().map(|(p, _)| p.to_string()).collect();
    let listed: BTreeSet<String> = cases.iter().map(|c| c.endpoint.to_string()).collect();
    assert_eq!(registered, listed, "every server function must be in this table (and only those)");

    let liu = app.login("liufulai").await;
    let rocky = app.login("rocky").await;
    let admin = app.login("admin").await;
    let fx = fixture(&app, &liu, &admin, &rocky).await;

    for case in &cases {
        let body = (case.body)(&fx);
        let ep = case.endpoint;

        // 1. No session.
        let r = app.api(None, ep, &body).await;
        match case.access {
            Access::Public => assert_eq!(r.status, StatusCode::OK, "{ep} is public: {}", r.body),
            _ => {
                assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{ep} without a session: {}", r.body);
                assert_eq!(decode::<AppError>(&r.body, ep), AppError::Unauthenticated, "{ep}");
            }
        }

        // 2. Cross-site, or with no origin at all, even with a valid session.
        for origin in [Some("http://evil.example"), None] {
            let r = app.api_from(Some(&admin), ep, &body, origin).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{ep} from {origin:?}: {}", r.body);
            assert_eq!(decode::<AppError>(&r.body, ep), AppError::Forbidden, "{ep}");
        }

        // 3. A rep.
        let r = app.api(Some(&liu), ep, &body).await;
        match case.access {
            Access::Admin => {
                assert_eq!(r.status, StatusCode::FORBIDDEN, "{ep} is admin-only: {}", r.body);
                assert_eq!(decode::<AppError>(&r.body, ep), AppError::Forbidden, "{ep}");
            }
            _ => assert!(
                r.status != StatusCode::UNAUTHORIZED && r.status != StatusCode::FORBIDDEN && !r.status.is_server_error(),
                "{ep} in scope for liufulai: {} {}",
                r.status,
                r.body
            ),
        }
        if let Some(oos) = case.out_of_scope {
            let r = app.api(Some(&liu), ep, &oos(&fx)).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{ep} out of liufulai's scope: {}", r.body);
            assert_eq!(decode::<AppError>(&r.body, ep), AppError::Forbidden, "{ep}");
        }

        // 4. An admin may call everything (writes excepted here: they would go to vendors).
        if !matches!(ep, "/api/set_remark" | "/api/add_note" | "/api/retry_write") {
            let r = app.api(Some(&admin), ep, &body).await;
            assert_eq!(r.status, StatusCode::OK, "{ep} as admin: {}", r.body);
            if let Some(oos) = case.out_of_scope {
                let r = app.api(Some(&admin), ep, &oos(&fx)).await;
                assert_eq!(r.status, StatusCode::OK, "{ep} is in an admin's scope: {}", r.body);
            }
        }
    }
}

#[tokio::test]
async fn lists_are_filtered_by_scope() {
    let app = start_app(demo_settings()).await;
    let keys = |body: &str| -> BTreeSet<String> {
        decode::<CustomerListing>(body, "customers")
            .items
            .into_iter()
            .map(|c| c.key)
            .collect()
    };
    let all_pages = form(&[("query[page]", "1"), ("query[page_size]", "500")]);
    let mut seen = Vec::new();
    for user in ["liufulai", "rocky", "zhangwei", "admin"] {
        let s = app.login(user).await;
        let r = app.api(Some(&s), "/api/customers", &all_pages).await;
        assert_eq!(r.status, StatusCode::OK, "{user}: {}", r.body);
        seen.push((user, keys(&r.body)));
    }
    let get = |u: &str| seen.iter().find(|(n, _)| *n == u).map(|(_, k)| k.clone()).unwrap();
    let (liu, rocky, boss, admin) = (get("liufulai"), get("rocky"), get("zhangwei"), get("admin"));
    assert!(liu.contains(LIU_CUSTOMER) && !liu.contains(ROCKY_CUSTOMER), "liufulai");
    assert!(rocky.contains(ROCKY_CUSTOMER) && !rocky.contains(LIU_CUSTOMER), "rocky");
    assert!(admin.contains(LIU_CUSTOMER) && admin.contains(ROCKY_CUSTOMER), "admin sees both");
    assert!(liu.is_subset(&boss), "the manager of liufulai's team sees liufulai's customers");
    assert!(!boss.contains(ROCKY_CUSTOMER), "but not another team's");
    assert!(
        boss.len() < admin.len() && liu.len() < boss.len(),
        "liufulai {} < manager {} < admin {}",
        liu.len(),
        boss.len(),
        admin.len()
    );
}

#[tokio::test]
async fn pages_redirect_to_login_or_show_403() {
    let app = start_app(demo_settings()).await;
    // Signed out: every page redirects to the login page, remembering where it was going.
    for path in [
        "/",
        "/customers?q=%E7%8E%8B",
        &format!("/customers/{LIU_CUSTOMER}"),
        "/clues",
        "/vendors",
        "/admin/users",
        "/admin/audit",
        "/admin/audit.csv",
        "/no-such-page",
    ] {
        let r = app.get(None, path).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}");
        let location = r.location().unwrap_or_default().to_string();
        let expected = app::api::auth::login_url(path, None);
        assert_eq!(location, expected, "{path}");
    }
    let r = app.get(None, "/login?next=%2Fcustomers").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body.contains("data-testid=\"login-form\"") && r.body.contains("name=\"next\" value=\"/customers\""),
        "{}",
        r.body
    );

    let liu = app.login("liufulai").await;
    let admin = app.login("admin").await;
    for path in ["/vendors", "/admin/users", "/admin/audit", &format!("/customers/{ROCKY_CUSTOMER}")] {
        let r = app.get(Some(&liu), path).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path} for a rep");
        assert!(r.body.contains("data-testid=\"forbidden\""), "{path}: a clear 403 page");
        if !path.starts_with("/customers") {
            assert!(r.body.contains("无权访问"), "{path}: explained in Chinese");
        }
        let r = app.get(Some(&admin), path).await;
        assert_eq!(r.status, StatusCode::OK, "{path} for an admin");
    }
    let r = app.get(Some(&liu), "/admin/audit.csv").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app.get(Some(&admin), "/admin/audit.csv").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .starts_with("text/csv")
    );
    let r = app.get(Some(&liu), &format!("/customers/{LIU_CUSTOMER}")).await;
    assert_eq!(r.status, StatusCode::OK, "own customer");
    // The rep's header has no admin links; the admin's does.
    let r = app.get(Some(&liu), "/").await;
    assert!(
        r.body.contains("data-username=\"liufulai\"")
            && !r.body.contains("href=\"/admin/users\"")
            && !r.body.contains("href=\"/admin/audit\"")
    );
    let r = app.get(Some(&admin), "/").await;
    assert!(r.body.contains("href=\"/admin/users\"") && r.body.contains("href=\"/admin/audit\"") && r.body.contains("href=\"/vendors\""));
}
