//! Sign-in over real HTTP: the cookie's attributes, uniform failure messages, throttling,
//! sign-out, idle expiry, disabled accounts, cross-site refusal of the login/logout forms,
//! the SSO header mode, and the security headers with the per-request CSP nonce.

use crate::auth_support;

use app::api::auth::SignedInUser;
use app::domain::Role;
use auth_support::{DEMO_PASSWORD, Session, demo_settings, form, start_app};
use reqwest::StatusCode;
use salesdesk::auth::AuthSettings;
use salesdesk::auth::settings::{CookieSecure, SsoSettings};

fn me(body: &str) -> Option<SignedInUser> {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("current_user: {e}: {body}"))
}

#[tokio::test]
async fn login_sets_a_strict_cookie_and_goes_next() {
    let app = start_app(demo_settings()).await;
    let r = app.post_login("liufulai", DEMO_PASSWORD, "/customers?q=1").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), Some("/customers?q=1"));
    let cookie = r
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("salesdesk_session="))
        .expect("cookie");
    for attr in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=43200"] {
        assert!(cookie.contains(attr), "{attr} in {cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain http, no trusted proxy: {cookie}");
    let token = cookie.split(';').next().unwrap().trim_start_matches("salesdesk_session=");
    let stored: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM sessions")
        .fetch_all(app.auth.store.pool())
        .await
        .unwrap();
    assert!(!stored.iter().any(|h| h == token), "the database holds only hashes");

    let s = Session {
        cookie: format!("salesdesk_session={token}"),
    };
    let user = me(&app.api(Some(&s), "/api/current_user", "").await.body).expect("signed in");
    assert_eq!((user.username.as_str(), user.role), ("liufulai", Role::Rep));
    assert_eq!(me(&app.api(None, "/api/current_user", "").await.body), None);

    // An open redirect is not followed.
    let r = app.post_login("rocky", DEMO_PASSWORD, "//evil.example/x").await;
    assert_eq!(r.location(), Some("/"));
}

#[tokio::test]
async fn failures_look_the_same_and_are_throttled() {
    let app = start_app(demo_settings()).await;
    let wrong = app.post_login("liufulai", "wrong-password", "/clues").await;
    let unknown = app.post_login("nobody-here", "wrong-password", "/clues").await;
    assert_eq!(wrong.status, StatusCode::SEE_OTHER);
    assert_eq!(wrong.location(), Some("/login?next=%2Fclues&error=invalid"));
    assert_eq!(
        wrong.location(),
        unknown.location(),
        "an unknown user is indistinguishable from a wrong password"
    );
    assert!(wrong.set_cookies().is_empty() && unknown.set_cookies().is_empty());

    // The page explains without saying which part was wrong.
    let page = app.get(None, "/login?next=%2Fclues&error=invalid").await;
    assert!(page.body.contains("用户名或密码不正确"), "{}", page.body);

    // Four more failures lock the account: even the right password is refused now...
    for _ in 0..4 {
        app.post_login("liufulai", "wrong-password", "/").await;
    }
    let locked = app.post_login("liufulai", DEMO_PASSWORD, "/").await;
    assert_eq!(locked.location(), Some("/login?error=throttled"));
    assert!(locked.set_cookies().is_empty());
    // ...while other accounts still sign in from the same address.
    app.login("rocky").await;
    // A disabled account fails exactly like a wrong password.
    let id = salesdesk::storage::users::by_username(&app.auth.store, "zhangwei")
        .await
        .unwrap()
        .unwrap()
        .id;
    salesdesk::storage::users::set_disabled(&app.auth.store, id, true, 0).await.unwrap();
    assert_eq!(
        app.post_login("zhangwei", DEMO_PASSWORD, "/").await.location(),
        Some("/login?error=invalid")
    );
}

/// Posts the sign-in form as a browser at `address` behind the trusted proxy on loopback.
async fn login_from(app: &auth_support::App, username: &str, password: &str, address: &str) -> Option<String> {
    let r = app
        .client
        .post(app.url("/auth/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", &app.base)
        .header("x-forwarded-for", address)
        .body(form(&[("username", username), ("password", password), ("next", "/")]))
        .send()
        .await
        .expect("login");
    r.headers().get("location").and_then(|v| v.to_str().ok()).map(str::to_string)
}

#[tokio::test]
async fn guesses_sent_together_are_counted_before_they_are_checked_and_never_lock_out_the_owner() {
    let app = start_app(AuthSettings {
        trusted_proxies: vec!["127.0.0.1".parse().unwrap()],
        ..demo_settings()
    })
    .await;
    // 25 guesses in flight together from one address: only the limit's five are checked.
    let attempts = (0..25).map(|_| login_from(&app, "liufulai", "wrong-password", "198.51.100.7"));
    let answers = futures::future::join_all(attempts).await;
    let checked = answers.iter().filter(|l| l.as_deref() != Some("/login?error=throttled")).count();
    assert_eq!(checked, 5, "simultaneous guesses checked: {answers:?}");
    assert_eq!(
        login_from(&app, "liufulai", DEMO_PASSWORD, "198.51.100.7").await.as_deref(),
        Some("/login?error=throttled"),
        "that address may not try the name any more"
    );
    // The owner, from their own address, still signs in (a little later: the name is slowed).
    assert_eq!(
        login_from(&app, "liufulai", DEMO_PASSWORD, "203.0.113.50").await.as_deref(),
        Some("/")
    );
}

#[tokio::test]
async fn sign_out_holds_for_every_request_sent_after_its_reply_even_with_requests_in_flight() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let app = start_app(demo_settings()).await;
    for trial in 0..6 {
        let s = app.login("rocky").await;
        let signed_out = AtomicBool::new(false);
        // Requests that read the session while it is being deleted.
        let busy = futures::future::join_all((0..6).map(|_| async {
            while !signed_out.load(Ordering::SeqCst) {
                app.api(Some(&s), "/api/current_user", "").await;
            }
        }));
        let sign_out = async {
            tokio::time::sleep(std::time::Duration::from_millis(30)).await;
            let r = app.post_logout(&s, &app.base).await;
            assert_eq!(r.status(), StatusCode::SEE_OTHER);
            let mut after = Vec::new();
            for _ in 0..5 {
                after.push(me(&app.api(Some(&s), "/api/current_user", "").await.body).map(|u| u.username));
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            signed_out.store(true, Ordering::SeqCst);
            after
        };
        let ((), after) = futures::future::join(
            async {
                busy.await;
            },
            sign_out,
        )
        .await;
        assert!(after.iter().all(Option::is_none), "trial {trial}: served after sign-out: {after:?}");
    }
}

#[tokio::test]
async fn only_the_public_host_names_are_served() {
    let app = start_app(AuthSettings {
        public_hosts: vec!["desk.corp.example".into()],
        ..demo_settings()
    })
    .await;
    let get = |host: &'static str, path: &'static str| {
        app.client
            .get(app.url(path))
            .header("host", host)
            .header("accept", "text/html")
            .send()
    };
    // A page on a rebinding attacker's domain reaches this server under the attacker's name.
    let rebound = get("attacker.example:3000", "/login").await.unwrap();
    assert_eq!(rebound.status(), StatusCode::MISDIRECTED_REQUEST);
    assert_eq!(
        get("attacker.example", "/api/current_user").await.unwrap().status(),
        StatusCode::MISDIRECTED_REQUEST
    );
    for host in ["desk.corp.example", "127.0.0.1:3000", "localhost:3000"] {
        assert_eq!(get(host, "/login").await.unwrap().status(), StatusCode::OK, "{host}");
    }
    assert_eq!(
        get("attacker.example", "/healthz").await.unwrap().status(),
        StatusCode::OK,
        "health checks name any host"
    );
}

#[tokio::test]
async fn logout_ends_the_session_and_expiry_signs_out() {
    let app = start_app(demo_settings()).await;
    let s = app.login("rocky").await;
    assert_eq!(app.get(Some(&s), "/").await.status, StatusCode::OK);
    let r = app.post_logout(&s, &app.base).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers().get("location").unwrap(), "/login?signed_out=1");
    let cleared = r.headers().get("set-cookie").unwrap().to_str().unwrap().to_string();
    assert!(
        cleared.starts_with("salesdesk_session=;") && cleared.contains("Max-Age=0"),
        "{cleared}"
    );
    // The old cookie is dead on the server, not just in the browser.
    let r = app.get(Some(&s), "/customers").await;
    assert_eq!(r.location(), Some("/login?next=%2Fcustomers&error=expired"));
    assert!(r.set_cookies().iter().any(|c| c.contains("Max-Age=0")), "a stale cookie is cleared");
    assert_eq!(
        app.api(
            Some(&s),
            "/api/customers",
            &form(&[("query[page]", "1"), ("query[page_size]", "5")])
        )
        .await
        .status,
        StatusCode::UNAUTHORIZED
    );

    // Idle expiry: a session unused for longer than the idle limit is refused.
    let s = app.login("rocky").await;
    let two_hours_ago = chrono::Utc::now().timestamp_millis() - 2 * 3600 * 1000 - 1000;
    sqlx::query("UPDATE sessions SET last_seen_at = $1")
        .bind(two_hours_ago)
        .execute(app.auth.store.pool())
        .await
        .unwrap();
    assert_eq!(
        app.get(Some(&s), "/clues").await.location(),
        Some("/login?next=%2Fclues&error=expired")
    );
    // Absolute expiry: active, but signed in longer ago than the limit.
    let s = app.login("rocky").await;
    let long_ago = chrono::Utc::now().timestamp_millis() - 13 * 3600 * 1000;
    sqlx::query("UPDATE sessions SET created_at = $1")
        .bind(long_ago)
        .execute(app.auth.store.pool())
        .await
        .unwrap();
    assert_eq!(app.get(Some(&s), "/").await.status, StatusCode::SEE_OTHER);

    // Disabling a user ends their sessions at once.
    let s = app.login("liufulai").await;
    let id = salesdesk::storage::users::by_username(&app.auth.store, "liufulai")
        .await
        .unwrap()
        .unwrap()
        .id;
    salesdesk::storage::users::set_disabled(&app.auth.store, id, true, 0).await.unwrap();
    assert_eq!(app.get(Some(&s), "/").await.status, StatusCode::SEE_OTHER);
}

/// Sessions are remembered for a few seconds to spare SQLite a read per request; a change
/// made by another process (`salesdesk user disable`) must still win once that time is up.
#[tokio::test]
async fn a_change_from_another_process_ends_a_remembered_session_within_its_ttl() {
    let app = start_app(demo_settings()).await;
    let s = app.login("rocky").await;
    assert_eq!(app.get(Some(&s), "/").await.status, StatusCode::OK, "signed in and remembered");
    let id = salesdesk::storage::users::by_username(&app.auth.store, "rocky")
        .await
        .unwrap()
        .unwrap()
        .id;
    // What `salesdesk user disable` does, behind this server's back.
    salesdesk::storage::users::set_disabled(&app.auth.store, id, true, 0).await.unwrap();
    salesdesk::storage::sessions::delete_for_user(&app.auth.store, id).await.unwrap();
    tokio::time::sleep(salesdesk::auth::RECENT_SESSION_TTL + std::time::Duration::from_millis(300)).await;
    assert_eq!(app.get(Some(&s), "/").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn login_and_logout_refuse_cross_site_posts() {
    let app = start_app(demo_settings()).await;
    let body = form(&[("username", "admin"), ("password", DEMO_PASSWORD), ("next", "/")]);
    for origin in [Some("http://evil.example"), None] {
        let mut r = app
            .client
            .post(app.url("/auth/login"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.clone());
        if let Some(o) = origin {
            r = r.header("origin", o);
        }
        let r = r.send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "login from {origin:?}");
        assert!(r.headers().get("set-cookie").is_none());
    }
    // Referer of this site is accepted when Origin is missing.
    let r = app
        .client
        .post(app.url("/auth/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("referer", app.url("/login"))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let s = app.login("admin").await;
    let r = app.post_logout(&s, "http://evil.example").await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.get(Some(&s), "/").await.status,
        StatusCode::OK,
        "a forged logout does not end the session"
    );
}

#[tokio::test]
async fn secure_cookie_behind_a_trusted_https_proxy() {
    let settings = AuthSettings {
        trusted_proxies: vec!["127.0.0.1".parse().unwrap()],
        public_hosts: vec!["desk.corp.example".into()],
        ..demo_settings()
    };
    let app = start_app(settings).await;
    let body = form(&[("username", "rocky"), ("password", DEMO_PASSWORD), ("next", "/")]);
    let login = |proto: &'static str| {
        app.client
            .post(app.url("/auth/login"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("origin", "https://desk.corp.example")
            .header("x-forwarded-host", "desk.corp.example")
            .header("x-forwarded-proto", proto)
            .header("x-forwarded-for", "198.51.100.23")
            .body(body.clone())
            .send()
    };
    let r = login("https").await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let cookie = r.headers().get("set-cookie").unwrap().to_str().unwrap().to_string();
    assert!(cookie.contains("; Secure"), "{cookie}");
    let r = login("http").await.unwrap();
    assert!(!r.headers().get("set-cookie").unwrap().to_str().unwrap().contains("Secure"));
    let address: Option<String> = sqlx::query_scalar("SELECT address FROM sessions ORDER BY created_at DESC LIMIT 1")
        .fetch_one(app.auth.store.pool())
        .await
        .unwrap();
    assert_eq!(
        address.as_deref(),
        Some("198.51.100.23"),
        "the browser's address from X-Forwarded-For"
    );

    let always = AuthSettings {
        cookie_secure: CookieSecure::Always,
        ..demo_settings()
    };
    let app = start_app(always).await;
    let r = app.post_login("rocky", DEMO_PASSWORD, "/").await;
    assert!(r.set_cookies()[0].contains("; Secure"));
}

#[tokio::test]
async fn sso_header_only_from_trusted_proxies() {
    let sso = |proxy: &str| AuthSettings {
        sso: Some(SsoSettings {
            header: http::HeaderName::from_static("x-remote-user"),
            proxies: vec![proxy.parse().unwrap()],
        }),
        ..demo_settings()
    };
    let app = start_app(sso("127.0.0.1")).await;
    let call = |user: &'static str| {
        app.client
            .post(app.url("/api/current_user"))
            .header("origin", &app.base)
            .header("x-remote-user", user)
            .send()
    };
    let r = call("rocky").await.unwrap();
    assert_eq!(me(&r.text().await.unwrap()).map(|u| u.username), Some("rocky".into()));
    let r = app
        .client
        .get(app.url("/customers"))
        .header("x-remote-user", "liufulai")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "pages work without a session cookie");
    let r = call("nobody").await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "a user without an account is refused");
    let r = app
        .client
        .get(app.url("/customers"))
        .header("x-remote-user", "nobody")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // The same header from an address that is not the proxy is ignored.
    let app = start_app(sso("10.9.9.9")).await;
    let r = app
        .client
        .post(app.url("/api/current_user"))
        .header("origin", &app.base)
        .header("x-remote-user", "admin")
        .send()
        .await
        .unwrap();
    assert_eq!(me(&r.text().await.unwrap()), None);
    let r = app
        .client
        .get(app.url("/customers"))
        .header("x-remote-user", "admin")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn pages_carry_a_nonce_csp_and_no_cache() {
    let app = start_app(demo_settings()).await;
    let s = app.login("admin").await;
    let mut nonces = Vec::new();
    for path in ["/", "/customers", "/login"] {
        let r = app.get(Some(&s), path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        let csp = r
            .headers
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let nonce = csp
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .unwrap_or_default()
            .to_string();
        assert!(nonce.len() >= 16, "{path}: a nonce in {csp}");
        assert!(
            csp.contains("frame-ancestors 'none'") && csp.contains("'wasm-unsafe-eval'") && !csp.contains("unsafe-inline"),
            "{csp}"
        );
        // Every script with code in the page carries this request's nonce. (leptos_i18n
        // leaves an empty `<script></script>` placeholder; browsers never run empty scripts.)
        let with_code: Vec<(&str, &str)> = r
            .body
            .split("<script")
            .skip(1)
            .filter_map(|rest| rest.split_once('>'))
            .map(|(attrs, rest)| (attrs, rest.split("</script>").next().unwrap_or_default()))
            .filter(|(attrs, code)| !code.trim().is_empty() || attrs.contains("src="))
            .collect();
        assert!(with_code.len() >= 2, "{path}: hydration and resource scripts");
        for (attrs, code) in with_code {
            let head: String = code.chars().take(60).collect();
            assert!(
                attrs.contains(&format!("nonce=\"{nonce}\"")),
                "{path}: a script without the nonce: <script{attrs}>{head}"
            );
        }
        assert_eq!(r.headers.get("cache-control").unwrap(), "no-store");
        assert_eq!(r.headers.get("referrer-policy").unwrap(), "same-origin");
        assert_eq!(r.headers.get("x-frame-options").unwrap(), "DENY");
        nonces.push(nonce);
    }
    nonces.dedup();
    assert_eq!(nonces.len(), 3, "a fresh nonce per request");
    let r = app.api(Some(&s), "/api/shell_info", "").await;
    let csp = r.headers.get("content-security-policy").unwrap().to_str().unwrap();
    assert!(
        csp.starts_with("default-src 'none'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert_eq!(r.headers.get("cache-control").unwrap(), "no-store");
}
