//! Every server-function endpoint, table-driven: without a session it answers 401 (except
//! the public ones), a cross-site POST is refused with 403, admin functions answer 403 to
//! reps, and records outside the caller's scope answer 403. The table is checked against the
//! registered server functions (`auth_support/endpoints.rs`), so a new endpoint fails this test
//! until it is listed there.

use crate::auth_support;

use std::collections::BTreeSet;

use app::domain::CustomerListing;
use app::error::AppError;
use auth_support::endpoints::{Access, Suite, decode, start_suite};
use auth_support::{LIU_CUSTOMER, ROCKY_CUSTOMER, demo_settings, form, start_app};
use reqwest::StatusCode;

#[tokio::test]
async fn every_endpoint_refuses_the_wrong_caller() {
    let Suite {
        app,
        cases,
        liu,
        admin,
        fx,
        ..
    } = start_suite().await;

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
        if !matches!(ep, "/api/set_remark" | "/api/add_note" | "/api/retry_write" | "/api/bulk_retry") {
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
