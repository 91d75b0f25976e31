//! Saved views over real HTTP with the demo users: saving the current filter, listing and
//! applying it, personal versus shared with the team, deleting, and every refusal as a code,
//! both for the hydrated app (JSON) and for a JavaScript-off form post (a redirect carrying
//! only codes).

use crate::auth_support;

use app::domain::{SavedView, SavedViews, VIEW_NAME_MAX_CHARS};
use app::error::{AppError, Refused};
use auth_support::endpoints::decode;
use auth_support::{App, Session, demo_settings, form, start_app};
use reqwest::StatusCode;

async fn views(app: &App, who: &Session) -> SavedViews {
    let r = app.api(Some(who), "/api/saved_views", "").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    decode(&r.body, "saved views")
}

async fn save(app: &App, who: &Session, name: &str, query: &str, shared: bool) -> Result<SavedView, AppError> {
    let mut pairs = vec![("name", name), ("query", query)];
    if shared {
        pairs.push(("shared", "on"));
    }
    let r = app.api(Some(who), "/api/save_view", &form(&pairs)).await;
    if r.status == StatusCode::OK {
        Ok(decode(&r.body, "saved view"))
    } else {
        Err(decode(&r.body, "refusal"))
    }
}

fn names(views: &SavedViews) -> Vec<&str> {
    views.views.iter().map(|v| v.name.as_str()).collect()
}

#[tokio::test]
async fn views_are_saved_listed_applied_shared_and_deleted() {
    let app = start_app(demo_settings()).await;
    let liu = app.login("liufulai").await;
    let zhang = app.login("zhangwei").await;
    let rocky = app.login("rocky").await;

    // A rep saves the current filter; only known filter keys are kept, normalised.
    let saved = save(
        &app,
        &liu,
        "  句子互动\n客户  ",
        "vendor=juzi&page=3&evil=%3Cscript%3E&q=+%E6%9D%8E+",
        false,
    )
    .await
    .expect("saved");
    assert_eq!(saved.name, "句子互动 客户");
    assert_eq!(saved.query, "q=%E6%9D%8E&vendor=juzi");
    assert!(saved.mine && !saved.shared);
    let listed = views(&app, &liu).await;
    assert_eq!(names(&listed), vec!["句子互动 客户"]);
    assert!(!listed.can_share, "a rep may not share");

    // Applying it is following its link: the list page with that filter.
    let href = listed.views[0].href();
    assert_eq!(href, "/customers?q=%E6%9D%8E&vendor=juzi");
    let page = app.get(Some(&liu), &href).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("data-testid=\"saved-view\""), "the list page shows the views");
    assert!(page.body.contains("aria-current=\"true\""), "and marks the one applied");

    // Personal: nobody else sees it.
    assert!(views(&app, &zhang).await.views.is_empty());
    assert!(views(&app, &rocky).await.views.is_empty());

    // A manager shares one with the team: liufulai (same team) sees it, rocky (another) does not.
    let team = save(&app, &zhang, "重点客户", "tag=重点客户", true).await.expect("shared");
    assert!(team.shared);
    assert!(views(&app, &zhang).await.can_share);
    let liu_sees = views(&app, &liu).await;
    assert_eq!(names(&liu_sees), vec!["句子互动 客户", "重点客户"], "own first, then the team's");
    let shared = &liu_sees.views[1];
    assert!(shared.shared && !shared.mine);
    assert_eq!(shared.owner_name, "张伟");
    assert!(views(&app, &rocky).await.views.is_empty(), "another team");

    // Only the owner deletes: liufulai cannot delete the manager's view, and is told no more
    // than for an id that does not exist.
    let foreign = app
        .api(Some(&liu), "/api/delete_view", &form(&[("id", &team.id.to_string())]))
        .await;
    let missing = app.api(Some(&liu), "/api/delete_view", &form(&[("id", "987654")])).await;
    assert_eq!((foreign.status, &foreign.body), (missing.status, &missing.body));
    assert_eq!(names(&views(&app, &liu).await).len(), 2);
    let r = app
        .api(Some(&liu), "/api/delete_view", &form(&[("id", &saved.id.to_string())]))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(names(&views(&app, &liu).await), vec!["重点客户"]);
    // Deleting it again (a form posted twice) is no error.
    let r = app
        .api(Some(&liu), "/api/delete_view", &form(&[("id", &saved.id.to_string())]))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[tokio::test]
async fn refusals_are_codes() {
    let app = start_app(demo_settings()).await;
    let liu = app.login("liufulai").await;

    let refused = |r: Result<SavedView, AppError>| r.expect_err("refused");
    for name in ["", "  \n\u{200B} ", &"字".repeat(VIEW_NAME_MAX_CHARS + 1)] {
        assert_eq!(
            refused(save(&app, &liu, name, "", false).await),
            AppError::Invalid(Refused::ViewNameInvalid),
            "{name:?}"
        );
    }
    assert!(save(&app, &liu, &"字".repeat(VIEW_NAME_MAX_CHARS), "", false).await.is_ok());
    save(&app, &liu, "Juzi", "vendor=juzi", false).await.expect("first");
    assert_eq!(
        refused(save(&app, &liu, " juzi ", "vendor=tanma", false).await),
        AppError::Invalid(Refused::ViewNameTaken),
        "unique per owner, ignoring case and spaces"
    );
    assert_eq!(
        refused(save(&app, &liu, "共享", "", true).await),
        AppError::Invalid(Refused::ViewSharingNotAllowed),
        "a rep cannot share"
    );
    for i in 2..app::domain::MAX_VIEWS_PER_USER {
        save(&app, &liu, &format!("视图{i}"), "", false).await.expect("within the limit");
    }
    assert_eq!(
        refused(save(&app, &liu, "一个太多", "", false).await),
        AppError::Invalid(Refused::TooManyViews)
    );

    // JavaScript off: the refusal comes back as a redirect to the list with codes only, and
    // the list page words it.
    let body = form(&[("name", "Juzi"), ("query", "vendor=juzi")]);
    let r = app.post_plain(&liu, "/api/save_view", "/customers?vendor=juzi", &body).await;
    assert!(r.status.is_redirection(), "{} {}", r.status, r.body);
    let location = r.location().expect("back to the list").to_string();
    assert!(location.starts_with("/customers?vendor=juzi&f_form=view&f_error="), "{location}");
    assert!(!location.contains("Juzi"), "no typed text in the URL: {location}");
    let page = app.get(Some(&liu), &location).await;
    assert!(page.body.contains("每人最多保存"), "worded on the page");
}

#[tokio::test]
async fn a_plain_form_post_saves_and_returns_to_the_list() {
    let app = start_app(demo_settings()).await;
    let liu = app.login("liufulai").await;
    let body = form(&[("name", "探马客户"), ("query", "vendor=tanma")]);
    let r = app.post_plain(&liu, "/api/save_view", "/customers?vendor=tanma", &body).await;
    assert!(r.status.is_redirection(), "{} {}", r.status, r.body);
    let location = r.location().expect("back").to_string();
    assert_eq!(location, "/customers?vendor=tanma&f_done=view");
    let page = app.get(Some(&liu), &location).await;
    assert!(page.body.contains("视图已保存"), "the list says it was saved");
    assert!(page.body.contains("data-view-name=\"探马客户\""));
}
