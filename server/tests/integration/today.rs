//! 今日待办 and the next follow-up over real HTTP, as the demo users (a rep of each team, the
//! manager of liufulai's team, the admin): setting, refusing, changing and completing a plan;
//! the note form setting one in the same request; the home page's due and overdue plans in
//! order, stale customers and recently viewed ones; a manager's team counts; the audit rows.

use crate::auth_support;

use app::domain::{DAY_MS, FollowUpPlan, TodayPage, beijing_day_start};
use auth_support::{App, LIU_CUSTOMER, ROCKY_CUSTOMER, Session, demo_settings, form, start_app};
use reqwest::StatusCode;
use salesdesk::storage::audit;
use salesdesk::storage::follow_up_plans::{self, NewPlan};
use salesdesk::storage::users;

fn decode<T: serde::de::DeserializeOwned>(body: &str, what: &str) -> T {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{what}: {e}: {body}"))
}

/// `at` as the plan form posts it (Beijing time, `datetime-local`).
fn datetime_local(at: i64) -> String {
    let bj = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
    chrono::DateTime::from_timestamp_millis(at)
        .unwrap()
        .with_timezone(&bj)
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

/// The Beijing midnight starting today, once today has at least `margin_ms` left: a test that
/// needs "later today" waits out the last minutes of a day instead of asserting across midnight.
async fn today_with(margin_ms: i64) -> i64 {
    loop {
        let now = chrono::Utc::now().timestamp_millis();
        let start = beijing_day_start(now);
        if start + DAY_MS - now > margin_ms {
            return start;
        }
        tokio::time::sleep(std::time::Duration::from_secs(5)).await;
    }
}

/// The refusal codes of a 400 answer.
fn refusal_codes(body: &str) -> Vec<String> {
    let v: serde_json::Value = decode(body, "refusal");
    assert_eq!(v["error"], "invalid", "{body}");
    v["detail"]["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .map(|e| e["error"].as_str().unwrap().to_string())
        .collect()
}

async fn today_page(app: &App, who: &Session) -> TodayPage {
    let r = app.api(Some(who), "/api/today", "").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    decode(&r.body, "today")
}

async fn user_id(app: &App, username: &str) -> i64 {
    users::by_username(&app.auth.store, username).await.unwrap().unwrap().id
}

#[tokio::test]
async fn a_rep_sets_changes_and_completes_a_next_follow_up_and_bad_ones_are_refused() {
    let app = start_app(demo_settings()).await;
    let liu = app.login("liufulai").await;
    let tomorrow = today_with(0).await + DAY_MS;
    let due = datetime_local(tomorrow + 9 * 3_600_000 + 30 * 60_000);

    let set = |due: String, plan: String| {
        let (app, liu) = (&app, &liu);
        async move {
            app.api(
                Some(liu),
                "/api/set_follow_up",
                &form(&[("key", LIU_CUSTOMER), ("due", &due), ("plan", &plan)]),
            )
            .await
        }
    };
    let r = set(due.clone(), "  电话确认报价\r\n约演示时间 ".into()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let plan: FollowUpPlan = decode(&r.body, "plan");
    assert_eq!(
        (plan.due_at, plan.plan.as_str(), plan.done_at),
        (tomorrow + 9 * 3_600_000 + 30 * 60_000, "电话确认报价 约演示时间", None)
    );
    assert!(plan.customer_name.is_some(), "named from the customer list: {plan:?}");

    // Refused, each with its code, and nothing changes.
    for (due, text, codes) in [
        (due.clone(), String::new(), vec!["plan_empty"]),
        (due.clone(), "计".repeat(201), vec!["plan_too_long"]),
        ("明天上午".to_string(), "回访".to_string(), vec!["due_invalid"]),
        ("2026-02-30T09:00".to_string(), "回访".to_string(), vec!["due_invalid"]),
        (
            datetime_local(beijing_day_start(chrono::Utc::now().timestamp_millis()) - 60_000),
            "回访".to_string(),
            vec!["due_past"],
        ),
        (String::new(), "\u{200B} ".to_string(), vec!["due_invalid", "plan_empty"]),
    ] {
        let r = set(due.clone(), text).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{due}: {}", r.body);
        assert_eq!(refusal_codes(&r.body), codes, "{due}");
    }
    let r = app.api(Some(&liu), "/api/follow_up", &form(&[("key", LIU_CUSTOMER)])).await;
    let kept: Option<FollowUpPlan> = decode(&r.body, "kept plan");
    assert_eq!(kept.as_ref().map(|p| p.plan.as_str()), Some("电话确认报价 约演示时间"));

    // Not their customer: refused before anything is stored.
    let r = app
        .api(
            Some(&liu),
            "/api/set_follow_up",
            &form(&[("key", ROCKY_CUSTOMER), ("due", &due), ("plan", "越权")]),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);

    // Changed, then done; done twice changes nothing.
    let r = set(datetime_local(tomorrow + 14 * 3_600_000), "改约下午演示".into()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app
        .api(Some(&liu), "/api/complete_follow_up", &form(&[("key", LIU_CUSTOMER)]))
        .await;
    assert_eq!((r.status, r.body.as_str()), (StatusCode::OK, "true"));
    let r = app
        .api(Some(&liu), "/api/complete_follow_up", &form(&[("key", LIU_CUSTOMER)]))
        .await;
    assert_eq!((r.status, r.body.as_str()), (StatusCode::OK, "false"), "nothing left to complete");
    let r = app.api(Some(&liu), "/api/follow_up", &form(&[("key", LIU_CUSTOMER)])).await;
    let done: Option<FollowUpPlan> = decode(&r.body, "done plan");
    let done = done.expect("kept as done");
    assert_eq!((done.plan.as_str(), done.done_at.is_some()), ("改约下午演示", true));

    // The 360° page shows it done, with the form to set the next one.
    let page = app.get(Some(&liu), &format!("/customers/{LIU_CUSTOMER}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("data-testid=\"plan-done\"") && page.body.contains("data-testid=\"plan-form\""),
        "plan section"
    );

    // Audited: two settings and the completion, as liufulai, for that customer; no refusal.
    let rows: Vec<_> = audit::all(&app.auth.store)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.action.contains("follow_up"))
        .map(|r| (r.action, r.username, r.customer_key, r.result))
        .collect();
    let row = |action: &str| {
        (
            action.to_string(),
            "liufulai".to_string(),
            Some(LIU_CUSTOMER.to_string()),
            "ok".to_string(),
        )
    };
    assert_eq!(rows, [row("set_follow_up"), row("set_follow_up"), row("complete_follow_up")]);
}

#[tokio::test]
async fn a_refused_plain_post_comes_back_worded_and_a_good_one_shows_on_the_page() {
    let app = start_app(demo_settings()).await;
    let liu = app.login("liufulai").await;
    let page = format!("/customers/{LIU_CUSTOMER}");
    let body = form(&[("key", LIU_CUSTOMER), ("due", "下周<b>二</b>"), ("plan", "<script>x</script>")]);
    let r = app.post_plain(&liu, "/api/set_follow_up", &page, &body).await;
    assert_eq!(r.status, StatusCode::FOUND);
    let location = r.location().unwrap_or_default().to_string();
    assert!(
        location.starts_with(&format!("{page}?f_form=plan&f_error=due_invalid&f_draft=")),
        "{location}"
    );
    assert!(!location.contains("script"), "codes only: {location}");
    let r = app.get(Some(&liu), &location).await;
    assert!(r.body.contains("请填写有效的下次跟进时间"), "worded from the locale");
    assert!(
        r.body.contains("&lt;script&gt;x&lt;/script&gt;") && !r.body.contains("<script>x"),
        "typed text back, escaped"
    );

    let due = datetime_local(today_with(0).await + DAY_MS + 10 * 3_600_000);
    let body = form(&[("key", LIU_CUSTOMER), ("due", &due), ("plan", "带报价单上门")]);
    let r = app.post_plain(&liu, "/api/set_follow_up", &page, &body).await;
    assert_eq!(
        (r.status, r.location()),
        (StatusCode::FOUND, Some(format!("{page}?f_done=plan").as_str()))
    );
    let r = app.get(Some(&liu), &format!("{page}?f_done=plan")).await;
    assert!(
        r.body.contains("已保存下次跟进。") && r.body.contains("带报价单上门"),
        "saved and shown"
    );
    assert!(r.body.contains(&due.replace('T', " ")), "due time shown in Beijing time");
}

#[tokio::test]
async fn a_note_can_set_the_next_follow_up_and_a_refusal_saves_neither() {
    let app = start_app(demo_settings()).await;
    // Seed 004's 李四, followed by rocky: the vendors take notes for them.
    let rocky = app.login("rocky").await;
    let due = datetime_local(today_with(0).await + DAY_MS + 11 * 3_600_000);
    let audit_count = || async { audit::all(&app.auth.store).await.unwrap().len() };
    let plan_now = || async {
        let r = app.api(Some(&rocky), "/api/follow_up", &form(&[("key", ROCKY_CUSTOMER)])).await;
        decode::<Option<FollowUpPlan>>(&r.body, "plan")
    };

    // A good note with a bad plan, and a bad note with a good plan: nothing is saved.
    let before = audit_count().await;
    for (text, plan, codes) in [("电话沟通", "", vec!["plan_empty"]), ("  ", "回访", vec!["note_empty"])] {
        let body = form(&[
            ("key", ROCKY_CUSTOMER),
            ("text", text),
            ("token", "t-plan-bad"),
            ("due", &due),
            ("plan", plan),
        ]);
        let r = app.api(Some(&rocky), "/api/add_note", &body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        assert_eq!(refusal_codes(&r.body), codes);
    }
    assert_eq!(audit_count().await, before, "no note queued, no plan set");
    assert_eq!(plan_now().await, None);

    // A note without a plan, as before.
    let body = form(&[
        ("key", ROCKY_CUSTOMER),
        ("text", "客户在出差"),
        ("token", "t-plan-0"),
        ("due", ""),
        ("plan", ""),
    ]);
    let r = app.api(Some(&rocky), "/api/add_note", &body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(plan_now().await, None);

    // Both in one request: the note goes to the outbox, the plan is set.
    let body = form(&[
        ("key", ROCKY_CUSTOMER),
        ("text", "电话沟通，客户关注价格"),
        ("token", "t-plan-1"),
        ("due", &due),
        ("plan", "发报价单"),
    ]);
    let r = app.api(Some(&rocky), "/api/add_note", &body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let outcome: app::domain::WriteOutcome = decode(&r.body, "note");
    assert!(!outcome.writes.is_empty(), "the note was queued");
    assert_eq!(plan_now().await.map(|p| p.plan), Some("发报价单".to_string()));
    let actions: Vec<String> = audit::all(&app.auth.store)
        .await
        .unwrap()
        .into_iter()
        .skip(before)
        .map(|r| r.action)
        .collect();
    assert!(
        actions.contains(&"add_note".to_string()) && actions.last().map(String::as_str) == Some("set_follow_up"),
        "{actions:?}"
    );
}

#[tokio::test]
async fn the_home_page_lists_due_and_overdue_in_order_stale_and_recent_customers() {
    let app = start_app(demo_settings()).await;
    let liu = app.login("liufulai").await;
    let admin = app.login("admin").await;
    let liu_id = user_id(&app, "liufulai").await;
    let today = today_with(5 * 60_000).await;
    let now = chrono::Utc::now().timestamp_millis();

    // Nothing yet: empty states that say what to do.
    let r = app.get(Some(&liu), "/").await;
    assert_eq!(r.status, StatusCode::OK);
    for testid in ["due-empty", "recent-empty"] {
        assert!(r.body.contains(&format!("data-testid=\"{testid}\"")), "{testid}");
    }
    assert!(r.body.contains("在客户的 360° 页面设置「下次跟进」"), "what to do");

    // Two days ago and yesterday (stored as they were set then), today later on, tomorrow.
    let store = &app.backend.store;
    for (key, name, due_at) in [
        ("wmYesterday", "昨日客户", today - DAY_MS + 3_600_000),
        ("wmTwoDaysAgo", "前日客户", today - 2 * DAY_MS),
    ] {
        let new = NewPlan {
            user_id: liu_id,
            customer_key: key,
            customer_name: Some(name),
            due_at,
            plan: "逾期的回访",
        };
        follow_up_plans::upsert(store, &new, due_at - DAY_MS).await.unwrap();
    }
    // 23:59 today: more than five minutes away (see `today_with`).
    let later_today = datetime_local(today + DAY_MS - 60_000);
    let tomorrow = datetime_local(today + DAY_MS + 9 * 3_600_000);
    for (due, plan) in [(later_today, "今天下班前回电"), (tomorrow, "明天的计划")] {
        let r = app
            .api(
                Some(&liu),
                "/api/set_follow_up",
                &form(&[("key", LIU_CUSTOMER), ("due", &due), ("plan", plan)]),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        if plan == "今天下班前回电" {
            let page = today_page(&app, &liu).await;
            let due: Vec<_> = page.due.iter().map(|d| (d.plan.customer_key.as_str(), d.overdue)).collect();
            assert_eq!(
                due,
                [("wmTwoDaysAgo", true), ("wmYesterday", true), (LIU_CUSTOMER, false)],
                "earliest first, overdue marked"
            );
        }
    }
    let page = today_page(&app, &liu).await;
    let due: Vec<_> = page.due.iter().map(|d| d.plan.customer_key.as_str()).collect();
    assert_eq!(
        due,
        ["wmTwoDaysAgo", "wmYesterday"],
        "tomorrow's plan replaced today's and is not due"
    );
    assert!(page.team.is_none(), "a rep sees only their own");

    // Rendered: overdue marked, links to the 360° page.
    let r = app.get(Some(&liu), "/").await;
    let first = r.body.find("data-key=\"wmTwoDaysAgo\"").expect("listed");
    let second = r.body.find("data-key=\"wmYesterday\"").expect("listed");
    assert!(first < second, "in order");
    assert!(
        r.body.contains("href=\"/customers/wmYesterday\"") && r.body.contains("已逾期"),
        "linked and marked"
    );

    // Stale: seed 000's customer (followed up in 2020) is liufulai's and long without a follow-up.
    assert_eq!(page.stale_days, 14);
    assert!(page.has_own_customers);
    let cutoff = now - 14 * DAY_MS;
    assert!(page.stale.iter().any(|c| c.key == LIU_CUSTOMER), "{:?}", page.stale);
    assert!(page.stale.iter().all(|c| c.last_follow_at.is_none_or(|at| at < cutoff)));
    assert!(
        page.stale.windows(2).all(|w| w[0].last_follow_at <= w[1].last_follow_at),
        "longest without first"
    );
    assert!(page.stale_total as usize >= page.stale.len());
    // Admins follow no one themselves: told why the list is empty.
    let r = app.get(Some(&admin), "/").await;
    assert!(r.body.contains("data-testid=\"stale-empty\"") && r.body.contains("没有关联企业微信账号"));

    // Recently viewed: the 360° pages each user opened, latest first, their own only.
    for key in [ROCKY_CUSTOMER, LIU_CUSTOMER] {
        assert_eq!(app.get(Some(&admin), &format!("/customers/{key}")).await.status, StatusCode::OK);
    }
    assert_eq!(
        app.get(Some(&liu), &format!("/customers/{LIU_CUSTOMER}")).await.status,
        StatusCode::OK
    );
    let recent: Vec<_> = today_page(&app, &admin)
        .await
        .recent
        .into_iter()
        .map(|v| (v.key, v.name.is_some()))
        .collect();
    assert_eq!(recent, [(LIU_CUSTOMER.to_string(), true), (ROCKY_CUSTOMER.to_string(), true)]);
    let recent: Vec<_> = today_page(&app, &liu).await.recent.into_iter().map(|v| v.key).collect();
    assert_eq!(recent, [LIU_CUSTOMER]);
    let r = app.get(Some(&liu), "/").await;
    assert!(r.body.contains("data-testid=\"recent-item\""));
}

#[tokio::test]
async fn a_manager_sees_the_teams_due_follow_ups_with_a_count_per_rep() {
    let app = start_app(demo_settings()).await;
    let (liu, rocky, boss) = (app.login("liufulai").await, app.login("rocky").await, app.login("zhangwei").await);
    let today = today_with(5 * 60_000).await;
    let store = &app.backend.store;
    let (liu_id, rocky_id, boss_id) = (
        user_id(&app, "liufulai").await,
        user_id(&app, "rocky").await,
        user_id(&app, "zhangwei").await,
    );
    for (user, key, due_at) in [
        (liu_id, "wmL1", today - DAY_MS),
        (liu_id, "wmL2", today - 2 * DAY_MS),
        (liu_id, "wmL3", today + DAY_MS - 60_000),
        (boss_id, "wmB1", today - DAY_MS),
        (rocky_id, "wmR1", today - DAY_MS),
        (liu_id, "wmLater", today + 3 * DAY_MS),
    ] {
        let new = NewPlan {
            user_id: user,
            customer_key: key,
            customer_name: None,
            due_at,
            plan: "回访",
        };
        follow_up_plans::upsert(store, &new, today - 3 * DAY_MS).await.unwrap();
    }

    let page = today_page(&app, &boss).await;
    let team = page.team.expect("a manager sees the team");
    let liu_name = users::by_username(&app.auth.store, "liufulai").await.unwrap().unwrap().display_name;
    let boss_name = users::by_username(&app.auth.store, "zhangwei").await.unwrap().unwrap().display_name;
    let counts: Vec<_> = team.reps.iter().map(|r| (r.rep_name.clone(), r.overdue, r.due_today)).collect();
    assert_eq!(counts, [(liu_name.clone(), 2, 1), (boss_name, 1, 0)], "rocky is in another team");
    let keys: Vec<_> = team.due.iter().map(|d| d.plan.customer_key.as_str()).collect();
    assert_eq!(keys, ["wmL2", "wmB1", "wmL1", "wmL3"], "earliest first; later plans are not due");
    let own: Vec<_> = page.due.iter().map(|d| d.plan.customer_key.as_str()).collect();
    assert_eq!(own, ["wmB1"], "the manager's own list is their own");

    let r = app.get(Some(&boss), "/").await;
    assert!(r.body.contains("data-testid=\"today-team\"") && r.body.contains(&format!("data-rep=\"{liu_name}\"")));

    // Reps see only their own, and no team.
    for (rep, expected) in [(&liu, vec!["wmL2", "wmL1", "wmL3"]), (&rocky, vec!["wmR1"])] {
        let page = today_page(&app, rep).await;
        assert!(page.team.is_none());
        assert_eq!(page.due.iter().map(|d| d.plan.customer_key.as_str()).collect::<Vec<_>>(), expected);
    }
    let r = app.get(Some(&liu), "/").await;
    assert!(!r.body.contains("data-testid=\"today-team\""));
}

#[test]
fn the_stale_days_setting_is_read_and_checked() {
    use salesdesk::config::{CliOverrides, load};
    let env = |value: &'static str| move |k: &str| (k == "SALESDESK_STALE_FOLLOW_UP_DAYS").then(|| value.to_string());
    assert_eq!(load(None, &|_| None, &CliOverrides::default()).unwrap().stale_follow_up_days, 14);
    assert_eq!(load(None, &env("30"), &CliOverrides::default()).unwrap().stale_follow_up_days, 30);
    let e = load(None, &env("0"), &CliOverrides::default()).unwrap_err().to_string();
    assert!(e.contains("SALESDESK_STALE_FOLLOW_UP_DAYS"), "{e}");
}
