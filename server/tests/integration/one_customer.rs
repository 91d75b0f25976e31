//! One customer, one truth: what the list shows a user, every other view agrees with. Every
//! demo user walks every page of their list over real HTTP against the simulators: each row
//! opens (no 403 for a customer the list showed), and each shown name, searched, finds its
//! row.

use app::domain::{CustomerListing, CustomerSummary};
use reqwest::StatusCode;

use crate::auth_support::{App, Session, demo_settings, form, start_app};

/// Every row of `session`'s list (or of the search `q`), page by page as the page asks.
async fn whole_list(app: &App, session: &Session, q: &str) -> Vec<CustomerSummary> {
    let mut rows = Vec::new();
    for page in 1.. {
        let page_text = page.to_string();
        let body = form(&[("query[page]", page_text.as_str()), ("query[page_size]", "50"), ("query[q]", q)]);
        let r = app.api(Some(session), "/api/customers", &body).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let listing: CustomerListing = serde_json::from_str(&r.body).expect("listing");
        let last = listing.items.len() < 50;
        rows.extend(listing.items);
        assert!(rows.len() as u64 <= listing.total, "pages add up to the total");
        if last {
            assert_eq!(rows.len() as u64, listing.total, "every page read: {q:?}");
            break;
        }
    }
    rows
}

#[tokio::test]
async fn every_row_a_user_sees_opens_and_is_found_by_its_shown_name() {
    let app = start_app(demo_settings()).await;
    for user in ["liufulai", "rocky", "zhangwei", "admin"] {
        let session = app.login(user).await;
        let rows = whole_list(&app, &session, "").await;
        assert!(!rows.is_empty(), "{user} sees customers");
        for row in &rows {
            let r = app.api(Some(&session), "/api/customer", &form(&[("key", &row.key)])).await;
            assert_eq!(
                r.status,
                StatusCode::OK,
                "{user}: the list shows {} ({:?}) but it does not open: {}",
                row.key,
                row.name,
                r.body
            );
            let Some(name) = row.name.as_deref() else { continue };
            let found = whole_list(&app, &session, name).await;
            assert!(
                found.iter().any(|f| f.key == row.key),
                "{user}: searching the shown name {name:?} does not find {}",
                row.key
            );
        }
    }
}
