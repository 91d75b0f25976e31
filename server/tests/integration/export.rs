//! The CSV downloads over real HTTP with the demo users: the customer list (BOM, header in
//! the reader's language, chosen columns, filter and search, scope: a rep's file holds only
//! their customers), one customer's timeline, the audit rows they leave, and the sign-in gate.
//! That the list streams is proved beside the writer (`services::export`, 100,000 rows made
//! chunk by chunk as the body takes them).

use crate::auth_support;

use app::domain::{CustomerListing, CustomerQuery};
use auth_support::endpoints::decode;
use auth_support::{App, LIU_CUSTOMER, ROCKY_CUSTOMER, Session, demo_settings, form, start_app};
use reqwest::StatusCode;
use salesdesk::storage::audit;

const BOM: &[u8] = b"\xEF\xBB\xBF";

struct Download {
    status: StatusCode,
    content_type: String,
    disposition: String,
    bytes: Vec<u8>,
}

async fn download(app: &App, who: Option<&Session>, path: &str) -> Download {
    let mut r = app.client.get(app.url(path));
    if let Some(s) = who {
        r = r.header("cookie", &s.cookie);
    }
    let reply = r.send().await.expect("GET");
    let header = |name| reply.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    Download {
        status: reply.status(),
        content_type: header(reqwest::header::CONTENT_TYPE),
        disposition: header(reqwest::header::CONTENT_DISPOSITION),
        bytes: reply.bytes().await.expect("body").to_vec(),
    }
}

/// The file's records after the BOM, header first.
fn records(d: &Download) -> Vec<Vec<String>> {
    assert_eq!(d.status, StatusCode::OK, "{}", String::from_utf8_lossy(&d.bytes));
    assert!(d.bytes.starts_with(BOM), "UTF-8 with a BOM");
    assert_eq!(d.content_type, "text/csv; charset=utf-8");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&d.bytes[BOM.len()..])
        .records()
        .map(|r| r.expect("CSV").iter().map(str::to_string).collect())
        .collect()
}

/// Every customer `who` may see with `query`, as the list server function answers.
async fn listed(app: &App, who: &Session, query: &[(&str, &str)]) -> Vec<String> {
    let mut pairs = vec![("query[page]", "1"), ("query[page_size]", "100")];
    pairs.extend_from_slice(query);
    let r = app.api(Some(who), "/api/customers", &form(&pairs)).await;
    let listing: CustomerListing = decode(&r.body, "customers");
    assert!(listing.total <= 100, "one page holds them all");
    listing.items.into_iter().map(|c| c.key).collect()
}

#[tokio::test]
async fn the_list_export_is_the_viewers_list_in_the_chosen_columns_and_is_audited() {
    let app = start_app(demo_settings()).await;
    let admin = app.login("admin").await;
    let liu = app.login("liufulai").await;

    // Everything an admin sees, every column, Chinese headers, a UTF-8 file name.
    let d = download(&app, Some(&admin), "/export/customers.csv").await;
    let rows = records(&d);
    assert_eq!(rows[0][..3], ["外部联系人 ID", "姓名", "备注"]);
    assert_eq!(rows[0].len(), 10);
    let total = app
        .backend
        .index
        .query(
            &app::domain::Scope::All,
            &CustomerQuery {
                page_size: 100,
                ..Default::default()
            },
        )
        .await
        .total;
    assert_eq!(rows.len() as u64 - 1, total, "every customer, not one page");
    assert!(d.disposition.starts_with("attachment; filename=\"customers-"), "{}", d.disposition);
    assert!(
        d.disposition.contains("filename*=UTF-8''%E5%AE%A2%E6%88%B7-"),
        "客户-…: {}",
        d.disposition
    );

    // A rep's file holds exactly their list: no customer of anyone else's.
    let d = download(&app, Some(&liu), "/export/customers.csv?col=key&col=name").await;
    let rows = records(&d);
    assert_eq!(rows[0], ["外部联系人 ID", "姓名"], "the chosen columns only");
    let keys: Vec<String> = rows[1..].iter().map(|r| r[0].clone()).collect();
    assert!(!keys.is_empty());
    assert_eq!(keys, listed(&app, &liu, &[]).await, "the rep's list, in its order");
    assert!(keys.iter().any(|k| k == LIU_CUSTOMER));
    assert!(!keys.iter().any(|k| k == ROCKY_CUSTOMER), "not rocky's customer");

    // Filter and search as the list applies them; unknown parameters are ignored.
    let d = download(&app, Some(&admin), "/export/customers.csv?vendor=juzi&q=%E6%9D%8E&col=key&evil=1").await;
    let keys: Vec<String> = records(&d)[1..].iter().map(|r| r[0].clone()).collect();
    assert_eq!(keys, listed(&app, &admin, &[("query[vendor]", "juzi"), ("query[q]", "李")]).await);
    assert!(keys.iter().any(|k| k == ROCKY_CUSTOMER), "seed 004's 李四 is at Juzibot");

    // In English for a reader who chose English.
    let english = app
        .client
        .get(app.url("/export/customers.csv?col=name"))
        .header("cookie", format!("{}; i18n_pref_locale=en", liu.cookie))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(
        english.starts_with(b"\xEF\xBB\xBFName"),
        "{}",
        String::from_utf8_lossy(&english[..20])
    );

    // Each export is in the audit log with its filter and row count.
    let log = audit::list(&app.backend.store, None, 50).await.unwrap();
    let exports: Vec<_> = log.iter().filter(|r| r.action == "export_customers").collect();
    assert_eq!(exports.len(), 4, "{log:?}");
    let juzi = exports
        .iter()
        .find(|r| r.detail.as_deref().is_some_and(|d| d.contains("vendor=juzi")))
        .expect("the filtered one");
    assert_eq!(juzi.username, "admin");
    assert!(
        juzi.detail.as_deref().unwrap().starts_with(&format!("rows={}; ", keys.len())),
        "{:?}",
        juzi.detail
    );
    let liu_row = exports
        .iter()
        .find(|r| r.username == "liufulai" && r.detail.as_deref().is_some_and(|d| d.contains("columns=key,name")))
        .expect("liufulai's");
    assert!(
        liu_row
            .detail
            .as_deref()
            .unwrap()
            .starts_with(&format!("rows={}; ", listed(&app, &liu, &[]).await.len()))
    );
}

#[tokio::test]
async fn the_timeline_export_follows_the_360_page_rules() {
    let app = start_app(demo_settings()).await;
    let liu = app.login("liufulai").await;

    let path = format!("/export/customers/{LIU_CUSTOMER}/timeline.csv");
    let d = download(&app, Some(&liu), &path).await;
    let rows = records(&d);
    assert_eq!(rows[0], ["时间", "来源", "记录人", "类型", "内容"]);
    // Seed 001: the 22 Tanma follow records of seed 000's customer, and change logs among them.
    assert!(rows.len() >= 23, "{} rows", rows.len());
    assert!(rows[1..].iter().all(|r| r[0].ends_with("+08:00")), "Beijing time");
    assert!(rows[1..].iter().any(|r| r[3] == "变更记录" && r[4].contains("改为")));
    assert!(
        d.disposition.contains(&format!("filename=\"timeline-{LIU_CUSTOMER}-")),
        "{}",
        d.disposition
    );
    let log = audit::list(&app.backend.store, None, 10).await.unwrap();
    let entry = log.iter().find(|r| r.action == "export_timeline").expect("audited");
    assert_eq!(
        (entry.username.as_str(), entry.customer_key.as_deref()),
        ("liufulai", Some(LIU_CUSTOMER))
    );
    assert_eq!(entry.detail.as_deref(), Some(format!("rows={}", rows.len() - 1).as_str()));

    // Someone else's customer: 403, as on the 360° page; nobody's: 404. No file either way.
    let d = download(&app, Some(&liu), &format!("/export/customers/{ROCKY_CUSTOMER}/timeline.csv")).await;
    assert_eq!(d.status, StatusCode::FORBIDDEN);
    assert!(String::from_utf8_lossy(&d.bytes).contains("无权导出"));
    let d = download(&app, Some(&liu), "/export/customers/wmNobodyAtAll000/timeline.csv").await;
    assert_eq!(d.status, StatusCode::NOT_FOUND);
    assert!(d.disposition.is_empty());
}

#[tokio::test]
async fn downloads_need_a_signed_in_user() {
    let app = start_app(demo_settings()).await;
    for path in ["/export/customers.csv", &format!("/export/customers/{LIU_CUSTOMER}/timeline.csv")] {
        let d = download(&app, None, path).await;
        assert_eq!(d.status, StatusCode::SEE_OTHER, "{path}");
        assert!(d.bytes.is_empty() || !d.bytes.starts_with(BOM), "{path}: no file");
    }
    let log = audit::list(&app.backend.store, None, 10).await.unwrap();
    assert!(log.iter().all(|r| !r.action.starts_with("export_")));
}
