//! The admin side over HTTP: managing users (also as JavaScript-off form posts), the guard
//! against an admin locking themself out, and the audit log — the API the write path calls,
//! the admin page, and the CSV export.

use crate::auth_support;

use app::api::admin::{AuditPage, UserSummary};
use app::domain::{Role, VendorId};
use auth_support::{Session, demo_settings, form, start_app};
use reqwest::StatusCode;
use salesdesk::storage::audit::{self, AuditAction, AuditEntry, AuditResult};

fn users(body: &str) -> Vec<UserSummary> {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("users: {e}: {body}"))
}

#[tokio::test]
async fn admins_manage_users_and_cannot_lock_themselves_out() {
    let app = start_app(demo_settings()).await;
    let admin = app.login("admin").await;
    let create = form(&[
        ("username", "wangfang"),
        ("display_name", "王芳"),
        ("role", "rep"),
        ("team", "华东一组"),
        ("tanma", "WangFang"),
        ("weiling", ""),
        ("juzi", "WangFang"),
        ("password", "wangfang-pass-1"),
    ]);
    let r = app.api(Some(&admin), "/api/admin_create_user", &create).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let created: UserSummary = serde_json::from_str(&r.body).unwrap();
    assert_eq!(
        (created.role, created.wecom.weiling.clone(), created.has_password),
        (Role::Rep, None, true)
    );
    assert!(!r.body.contains("argon2") && !r.body.contains("wangfang-pass-1"));

    // The new user signs in and, as a member of 华东一组, widens the manager's scope.
    let r = app.post_login("wangfang", "wangfang-pass-1", "/").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), Some("/"));

    // Duplicate and invalid input come back as a 400 with a code the page words.
    let r = app.api(Some(&admin), "/api/admin_create_user", &create).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains(r#""code":"username_taken""#), "{}", r.body);

    // JavaScript off: a plain form post is answered with a redirect back to the page.
    let bad = create.replace("wangfang", "bad%20name");
    let r = app.post_plain(&admin, "/api/admin_create_user", "/admin/users", &bad).await;
    assert_eq!(r.status, StatusCode::FOUND);
    let location = r.location().unwrap().to_string();
    assert!(
        location.starts_with("/admin/users?f_form=create_user&f_error=username_invalid&f_draft="),
        "an error code and a draft id, never what was typed: {location}"
    );
    assert!(!location.contains("bad") && !location.contains("pass"), "{location}");
    let page = app.get(Some(&admin), &location).await;
    assert!(
        page.body.contains("data-testid=\"admin-error\"") && page.body.contains("value=\"bad name\""),
        "the error is shown and the form refilled"
    );
    assert!(page.body.contains("用户名须为"), "worded by the page");
    // Refused for an existing name: its own code.
    let r = app.post_plain(&admin, "/api/admin_create_user", "/admin/users", &create).await;
    let location = r.location().unwrap_or_default();
    assert!(location.contains("f_error=username_taken&f_draft="), "{location}");

    // Disabling a user signs them out; an admin cannot disable or demote themself.
    let list = users(&app.api(Some(&admin), "/api/admin_users", "").await.body);
    let id = |name: &str| list.iter().find(|u| u.username == name).map(|u| u.id).unwrap().to_string();
    let rocky = app.login("rocky").await;
    // Signed in and recently seen (so the server remembers the session for a few seconds).
    assert_ne!(app.api(Some(&rocky), "/api/current_user", "").await.body, "null");
    let disable = form(&[
        ("id", &id("rocky")),
        ("display_name", "张三"),
        ("role", "rep"),
        ("team", "华南二组"),
        ("tanma", "rocky"),
        ("weiling", "rocky"),
        ("juzi", "rocky"),
        ("disabled", "on"),
    ]);
    assert_eq!(
        app.api(Some(&admin), "/api/admin_update_user", &disable).await.status,
        StatusCode::OK
    );
    assert_eq!(app.api(Some(&rocky), "/api/current_user", "").await.body, "null");
    assert_eq!(
        app.post_login("rocky", auth_support::DEMO_PASSWORD, "/").await.location(),
        Some("/login?error=invalid")
    );
    for (role, disabled) in [("rep", None), ("admin", Some("on"))] {
        let mut fields = vec![
            ("id", id("admin")),
            ("display_name", "管理员".to_string()),
            ("role", role.to_string()),
            ("team", String::new()),
            ("tanma", String::new()),
            ("weiling", String::new()),
            ("juzi", String::new()),
        ];
        if let Some(d) = disabled {
            fields.push(("disabled", d.to_string()));
        }
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = app.api(Some(&admin), "/api/admin_update_user", &form(&pairs)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{role} {disabled:?}: {}", r.body);
    }
    // A password reset works and ends the user's other sessions.
    let liu = app.login("liufulai").await;
    let reset = form(&[
        ("id", &id("liufulai")),
        ("display_name", "刘福来"),
        ("role", "rep"),
        ("team", "华东一组"),
        ("tanma", "LiuFuLai"),
        ("weiling", "LiuFuLai"),
        ("juzi", "LiuFuLai"),
        ("password", "a-brand-new-pass"),
    ]);
    assert_eq!(app.api(Some(&admin), "/api/admin_update_user", &reset).await.status, StatusCode::OK);
    assert_eq!(app.api(Some(&liu), "/api/current_user", "").await.body, "null");
    assert_eq!(
        app.post_login("liufulai", "a-brand-new-pass", "/").await.status,
        StatusCode::SEE_OTHER
    );
}

async fn audit_page(app: &auth_support::App, s: &Session) -> AuditPage {
    let r = app.api(Some(s), "/api/admin_audit", "").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    serde_json::from_str(&r.body).unwrap()
}

#[tokio::test]
async fn writes_are_audited_and_exported() {
    let app = start_app(demo_settings()).await;
    let admin = app.login("admin").await;
    let liu = app.login("liufulai").await;

    // What the write path records: the queued write per vendor, then the vendor's answer.
    let mut headers = http::HeaderMap::new();
    headers.insert("cookie", liu.cookie.parse().unwrap());
    let viewer = app.auth.resolve(None, &headers).await.unwrap().viewer.expect("liufulai's viewer");
    let key = auth_support::LIU_CUSTOMER;
    audit::record(
        &app.auth.store,
        AuditEntry::write(&viewer, AuditAction::AddNote, key, VendorId::Tanma, 501).with_detail("电话沟通"),
    )
    .await
    .unwrap();
    audit::record(
        &app.auth.store,
        AuditEntry::write(&viewer, AuditAction::AddNote, key, VendorId::Juzi, 502).with_detail("电话沟通"),
    )
    .await
    .unwrap();
    audit::record_delivery(&app.auth.store, 501, AuditResult::Delivered, None)
        .await
        .unwrap();
    audit::record_delivery(&app.auth.store, 502, AuditResult::Failed, Some("juzi: 84061 客户与成员不是好友"))
        .await
        .unwrap();

    let page = audit_page(&app, &admin).await;
    let row = |vendor| page.rows.iter().find(|r| r.vendor == Some(vendor) && r.write_id.is_some()).unwrap();
    assert_eq!(
        (row(VendorId::Tanma).result.as_str(), row(VendorId::Tanma).username.as_str()),
        ("delivered", "liufulai")
    );
    assert_eq!(row(VendorId::Juzi).result, "failed");
    assert_eq!(row(VendorId::Juzi).customer_key.as_deref(), Some(key));

    // Reps may not read it, in any form.
    assert_eq!(app.api(Some(&liu), "/api/admin_audit", "").await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get(Some(&liu), "/admin/audit").await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get(Some(&liu), "/admin/audit.csv").await.status, StatusCode::FORBIDDEN);

    let html = app.get(Some(&admin), "/admin/audit").await;
    assert_eq!(html.status, StatusCode::OK);
    assert_eq!(html.body.matches("data-testid=\"audit-row\"").count(), page.rows.len());
    assert!(html.body.contains("data-result=\"failed\"") && html.body.contains("84061"));

    let csv = app.get(Some(&admin), "/admin/audit.csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.headers
            .get("content-disposition")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"salesdesk-audit-")
    );
    let text = csv.body.trim_start_matches('\u{feff}');
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().unwrap();
    assert!(
        rows.iter()
            .any(|r| &r[2] == "liufulai" && &r[3] == "add_note" && &r[5] == "juzi" && &r[7] == "failed"),
        "{text}"
    );

    // Paging: more than a page of entries gives an "older" link that works.
    for i in 0..(app::api::admin::AUDIT_PAGE_SIZE as i64 + 5) {
        audit::record(
            &app.auth.store,
            AuditEntry::write(&viewer, AuditAction::SetRemark, key, VendorId::Weiling, 1000 + i),
        )
        .await
        .unwrap();
    }
    let first = audit_page(&app, &admin).await;
    let older = first.older.expect("an older page");
    let r = app
        .api(Some(&admin), "/api/admin_audit", &form(&[("before", &older.to_string())]))
        .await;
    let second: AuditPage = serde_json::from_str(&r.body).unwrap();
    assert!(second.rows.iter().all(|r| r.id < older) && !second.rows.is_empty());
}
