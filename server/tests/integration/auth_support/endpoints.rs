//! The table of every server-function endpoint, shared by the endpoint suites
//! (`auth_endpoints.rs`: who may call what; `bad_requests.rs`: malformed and oversized
//! requests): its access rule, a valid body, and a body aimed outside a rep's scope.

use std::collections::BTreeSet;

use app::domain::{ClueListing, WriteOutcome};
use reqwest::StatusCode;

use super::{App, LIU_CUSTOMER, ROCKY_CUSTOMER, Session, demo_settings, form, start_app};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in user (scope decides what they see).
    SignedIn,
    /// Admins only.
    Admin,
}

/// Values the bodies need, found at run time.
pub struct Fixture {
    /// A clue liufulai may see, and one they may not: (vendor slug, id).
    pub visible_clue: (String, String),
    pub hidden_clue: (String, String),
    /// An outbox item of rocky's customer.
    pub rocky_write_id: i64,
    pub liufulai_id: i64,
    /// A bulk job of liufulai's and one of rocky's (liufulai may open only his own).
    pub liu_bulk_job: i64,
    pub rocky_bulk_job: i64,
}

pub struct Case {
    pub endpoint: &'static str,
    pub access: Access,
    /// An in-scope call for a rep (liufulai).
    pub body: fn(&Fixture) -> String,
    /// The same call aimed at a record outside liufulai's scope (must be 403).
    pub out_of_scope: Option<fn(&Fixture) -> String>,
}

pub fn cases() -> Vec<Case> {
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
        // Bulk notes and remarks (bulk): a rep writes to and opens only their own.
        Case {
            endpoint: "/api/bulk_form",
            access: Access::SignedIn,
            body: |_| String::new(),
            out_of_scope: None,
        },
        Case {
            endpoint: "/api/bulk_write",
            access: Access::SignedIn,
            // Every customer the caller's list shows (liufulai's own, for liufulai): seed 000's
            // alone is Tanma's, which takes no writes.
            body: |_| form(&[("scope", "filter"), ("action", "note"), ("text", "批量回访"), ("token", "t-bulk-1")]),
            out_of_scope: Some(|_| {
                form(&[
                    ("scope", "selected"),
                    ("keys[]", ROCKY_CUSTOMER),
                    ("action", "note"),
                    ("text", "越权"),
                    ("token", "t-bulk-2"),
                ])
            }),
        },
        Case {
            endpoint: "/api/bulk_job",
            access: Access::SignedIn,
            body: |f| form(&[("id", &f.liu_bulk_job.to_string())]),
            out_of_scope: Some(|f| form(&[("id", &f.rocky_bulk_job.to_string())])),
        },
        Case {
            endpoint: "/api/bulk_retry",
            access: Access::SignedIn,
            // Nothing failed: refused as not failed, which is not a refusal of the caller.
            body: |f| form(&[("id", &f.liu_bulk_job.to_string())]),
            out_of_scope: Some(|f| form(&[("id", &f.rocky_bulk_job.to_string())])),
        },
        Case {
            endpoint: "/api/today",
            access: Access::SignedIn,
            body: |_| String::new(),
            out_of_scope: None,
        },
        Case {
            endpoint: "/api/follow_up",
            access: Access::SignedIn,
            body: |_| form(&[("key", LIU_CUSTOMER)]),
            out_of_scope: Some(|_| form(&[("key", ROCKY_CUSTOMER)])),
        },
        Case {
            endpoint: "/api/set_follow_up",
            access: Access::SignedIn,
            body: |_| form(&[("key", LIU_CUSTOMER), ("due", &tomorrow_in_beijing()), ("plan", "电话确认报价")]),
            out_of_scope: Some(|_| form(&[("key", ROCKY_CUSTOMER), ("due", &tomorrow_in_beijing()), ("plan", "越权")])),
        },
        Case {
            endpoint: "/api/complete_follow_up",
            access: Access::SignedIn,
            body: |_| form(&[("key", LIU_CUSTOMER)]),
            out_of_scope: Some(|_| form(&[("key", ROCKY_CUSTOMER)])),
        },
        // Saved views and previous/next (lists). Deleting a view that is gone is no error;
        // someone else's view is refused (server/tests/saved_views.rs).
        Case {
            endpoint: "/api/saved_views",
            access: Access::SignedIn,
            body: |_| String::new(),
            out_of_scope: None,
        },
        Case {
            endpoint: "/api/save_view",
            access: Access::SignedIn,
            body: |_| form(&[("name", "句子互动"), ("query", "vendor=juzi")]),
            out_of_scope: None,
        },
        Case {
            endpoint: "/api/delete_view",
            access: Access::SignedIn,
            body: |_| form(&[("id", "987654")]),
            out_of_scope: None,
        },
        Case {
            endpoint: "/api/customer_neighbours",
            access: Access::SignedIn,
            body: |_| form(&[("key", LIU_CUSTOMER), ("from", "")]),
            out_of_scope: None,
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

/// 09:30 tomorrow, Beijing time, as the next follow-up form posts it.
fn tomorrow_in_beijing() -> String {
    let beijing = chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8");
    (chrono::Utc::now().with_timezone(&beijing) + chrono::Duration::days(1))
        .format("%Y-%m-%dT09:30")
        .to_string()
}

pub fn decode<T: serde::de::DeserializeOwned>(body: &str, what: &str) -> T {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{what}: {e}: {body}"))
}

pub async fn fixture(app: &App, liu: &Session, admin: &Session, rocky: &Session) -> Fixture {
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
    let liufulai_id = salesdesk::storage::users::by_username(&app.auth.store, "liufulai")
        .await
        .unwrap()
        .unwrap()
        .id;
    // A bulk note each: liufulai's to all his customers, rocky's to his seed customer.
    let liu_bulk_job = bulk_note(app, liu, &[("scope", "filter")]).await;
    let rocky_bulk_job = bulk_note(app, rocky, &[("scope", "selected"), ("keys[]", ROCKY_CUSTOMER)]).await;
    Fixture {
        visible_clue: visible,
        hidden_clue: hidden,
        rocky_write_id,
        liufulai_id,
        liu_bulk_job,
        rocky_bulk_job,
    }
}

/// A bulk note from `session` to the customers `selection` names: its job's id.
async fn bulk_note(app: &App, session: &Session, selection: &[(&str, &str)]) -> i64 {
    let mut fields = vec![("action", "note"), ("text", "批量回访"), ("token", "t-bulk-fixture")];
    fields.extend_from_slice(selection);
    let r = app.api(Some(session), "/api/bulk_write", &form(&fields)).await;
    assert_eq!(r.status, StatusCode::OK, "a bulk note to {selection:?}: {}", r.body);
    decode::<app::domain::BulkStarted>(&r.body, "bulk job").job_id
}

/// Fails unless `cases()` lists exactly the registered server functions, so a new endpoint
/// fails the endpoint suites until it is listed here.
pub fn assert_table_is_complete(cases: &[Case]) {
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths().map(|(p, _)| p.to_string()).collect();
    let listed: BTreeSet<String> = cases.iter().map(|c| c.endpoint.to_string()).collect();
    assert_eq!(registered, listed, "every server function must be in this table (and only those)");
}

/// The demo app, the checked table, three users signed in (a rep of each team and the admin)
/// and the values the bodies need.
pub struct Suite {
    pub app: App,
    pub cases: Vec<Case>,
    pub liu: Session,
    pub rocky: Session,
    pub admin: Session,
    pub fx: Fixture,
}

pub async fn start_suite() -> Suite {
    let app = start_app(demo_settings()).await;
    let cases = cases();
    assert_table_is_complete(&cases);
    let liu = app.login("liufulai").await;
    let rocky = app.login("rocky").await;
    let admin = app.login("admin").await;
    let fx = fixture(&app, &liu, &admin, &rocky).await;
    Suite {
        app,
        cases,
        liu,
        rocky,
        admin,
        fx,
    }
}
