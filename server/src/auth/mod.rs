//! Sign-in and who may see what.
//!
//! Local accounts live in SQLite (`users`), passwords are Argon2id hashes, and a signed-in
//! browser holds a random token in an HttpOnly, SameSite=Lax cookie whose SHA-256 names a
//! server-side session (`sessions`). The middleware resolves that cookie — or, behind an
//! intranet SSO proxy, a trusted user header — into the `Viewer` server functions read, and
//! refuses cross-site state changes. Roles decide scope: reps see the customers they follow,
//! managers their team's, admins everything plus vendor status, users and the audit log.

pub mod admin;
pub mod audit_export;
pub mod bootstrap;
mod csrf;
pub mod drafts;
mod error;
mod handlers;
pub mod limits;
pub mod middleware;
pub mod net;
pub mod password;
mod recent;
pub mod sessions;
pub mod settings;
pub mod users;
pub mod viewer;

use std::net::IpAddr;
use std::sync::Arc;

use app::api::auth::LoginProblem;
use app::domain::Viewer;
use http::HeaderMap;
use secrecy::SecretString;

pub use error::AuthError;
pub use handlers::routes;
pub use settings::AuthSettings;

use crate::clock::now_ms;
use crate::storage::users as stored_users;
use crate::storage::{Notice, StorageError, Store};
use limits::LoginLimits;
use settings::CookieSecure;

/// The session cookie. HttpOnly: page scripts never see it.
pub const SESSION_COOKIE: &str = "salesdesk_session";

/// Sign-in state shared by the middleware, the sign-in handlers and the admin service.
pub struct Auth {
    pub store: Store,
    pub settings: AuthSettings,
    limits: LoginLimits,
    /// Viewers of sessions resolved in the last few seconds, by token hash: a page load makes
    /// several requests, and three SQLite reads each (session, user, team) were most of a
    /// cached customer lookup's time. Sign-out and admin changes made here take effect at
    /// once; changes made from the CLI (another process) within `RECENT_SESSION_TTL`.
    recent: recent::RecentSessions,
    /// What was typed into refused plain form posts, for the page the rep is sent back to.
    drafts: Arc<drafts::DraftStore>,
}

/// How long a resolved session is trusted without asking SQLite again.
pub const RECENT_SESSION_TTL: std::time::Duration = std::time::Duration::from_secs(3);

/// What the middleware learned about a request's sender.
#[derive(Clone, Debug, Default)]
pub struct Resolution {
    pub viewer: Option<Viewer>,
    /// The request carried a session cookie that is no longer valid (clear it; tell the
    /// sign-in page the session expired).
    pub stale_cookie: bool,
    /// A trusted SSO proxy named a user who has no enabled account.
    pub sso_unknown: Option<String>,
}

/// The sender's address and transport, as the middleware determined them; handlers read
/// it from the request extensions.
#[derive(Clone, Copy, Debug, Default)]
pub struct ClientInfo {
    pub peer: Option<IpAddr>,
    /// The browser's address (from `X-Forwarded-For` behind a trusted proxy).
    pub addr: Option<IpAddr>,
    /// Whether the session cookie gets `Secure`.
    pub secure_cookie: bool,
}

/// The value of cookie `name` in the `Cookie` headers.
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_string())
}

impl Auth {
    pub fn new(store: Store, settings: AuthSettings) -> Self {
        let recent = recent::RecentSessions::new(RECENT_SESSION_TTL);
        // Another instance signed someone out or changed an account: ask the database again.
        let forget = recent.clone();
        crate::storage::notices::on_notice(&store, move |notice| {
            let forget = forget.clone();
            async move {
                if matches!(notice, Notice::Sessions | Notice::Missed) {
                    forget.forget_all();
                }
            }
        });
        Auth {
            drafts: Arc::new(drafts::DraftStore::with_store(store.clone())),
            store,
            settings,
            limits: LoginLimits::default(),
            recent,
        }
    }

    /// Builds the auth state and creates the accounts start-up asks for: the bootstrap admin
    /// (when no user exists) and, in demo mode, the demo users (their passwords are printed).
    pub async fn start(
        store: Store,
        settings: AuthSettings,
        demo: Option<&crate::simulators::dataset::Universe>,
    ) -> Result<Arc<Self>, AuthError> {
        if let Some(name) = bootstrap::bootstrap_admin(&store, settings.bootstrap_admin.as_ref()).await? {
            tracing::info!(username = %name, "created the first admin from SALESDESK_BOOTSTRAP_ADMIN");
        }
        if let Some(universe) = demo {
            let accounts = crate::demo::users::ensure_demo_users(&store, universe, settings.demo_password.as_ref()).await?;
            crate::demo::users::print_demo_accounts(&accounts, settings.demo_password.is_some());
        }
        if stored_users::count(&store).await? == 0 {
            tracing::warn!("no user exists yet: set SALESDESK_BOOTSTRAP_ADMIN=name:password or run `salesdesk user add NAME --role admin`");
        }
        Ok(Arc::new(Auth::new(store, settings)))
    }

    /// Forgets every remembered session, here and on the other instances sharing the
    /// database, so the next request of each reads the database again (after an admin
    /// changes a role, team, WeCom id or disables an account).
    pub async fn forget_recent_sessions(&self) {
        self.recent.forget_all();
        self.store.publish(&Notice::Sessions).await;
    }

    /// Before a page that may refill a refused form: its draft, from the database if another
    /// instance refused the form.
    pub async fn preload_draft(&self, user_id: i64, uri: &http::Uri) {
        let param = format!("{}=", app::api::form_redirect::FORM_DRAFT_PARAM);
        let id = uri
            .query()
            .and_then(|q| q.split('&').find_map(|pair| pair.strip_prefix(param.as_str())));
        if let Some(id) = id {
            self.drafts.preload(user_id, id).await;
        }
    }

    pub fn client_info(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> ClientInfo {
        let proxies = &self.settings.trusted_proxies;
        let secure_cookie = match self.settings.cookie_secure {
            CookieSecure::Always => true,
            CookieSecure::Never => false,
            CookieSecure::Auto => net::forwarded_https(peer, headers, proxies),
        };
        ClientInfo {
            peer,
            addr: net::client_addr(peer, headers, proxies),
            secure_cookie,
        }
    }

    /// Who sent this request: the SSO header from a trusted proxy, else the session cookie.
    pub async fn resolve(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> Result<Resolution, StorageError> {
        if let Some(sso) = &self.settings.sso
            && let Some(value) = headers.get(&sso.header)
        {
            if net::is_trusted(peer, &sso.proxies) {
                let name = value.to_str().map(str::trim).unwrap_or("");
                return match stored_users::by_username(&self.store, name).await? {
                    Some(user) if !user.disabled && !name.is_empty() => Ok(Resolution {
                        viewer: Some(viewer::build(&self.store, &user).await?),
                        ..Resolution::default()
                    }),
                    _ => Ok(Resolution {
                        sso_unknown: Some(name.chars().take(64).collect()),
                        ..Resolution::default()
                    }),
                };
            }
            // Anyone can send the header; only the proxy's copy counts.
            tracing::debug!(peer = ?peer, "ignored the SSO user header from an untrusted address");
        }
        let Some(token) = cookie_value(headers, SESSION_COOKIE) else {
            return Ok(Resolution::default());
        };
        let stale = Resolution {
            stale_cookie: true,
            ..Resolution::default()
        };
        let key = sessions::token_hash(&token);
        if let Some(viewer) = self.recent.get(&key).await {
            return Ok(Resolution {
                viewer: Some(viewer),
                ..Resolution::default()
            });
        }
        let generation = self.recent.generation();
        let Some(session) = sessions::lookup(&self.store, &token, now_ms(), self.settings.session_idle, self.settings.session_max).await?
        else {
            return Ok(stale);
        };
        match stored_users::by_id(&self.store, session.user_id).await? {
            Some(user) if !user.disabled => {
                let viewer = viewer::build(&self.store, &user).await?;
                self.recent.remember(key, viewer.clone(), generation).await;
                Ok(Resolution {
                    viewer: Some(viewer),
                    ..Resolution::default()
                })
            }
            _ => Ok(stale),
        }
    }

    /// Checks a sign-in attempt; on success opens a session and returns its token. Every
    /// failure for a wrong name, wrong password or disabled account is the same `Invalid`.
    pub async fn login(
        &self,
        username: &str,
        password: SecretString,
        client: &ClientInfo,
        user_agent: Option<&str>,
    ) -> Result<String, LoginProblem> {
        let username = username.trim();
        // Counted as a failure before the password is checked (and held for the name's turn),
        // so attempts sent together cannot all be checked; taken back on success.
        let Some(attempt) = self.limits.begin(username, client.addr).await else {
            // Names are logged only when they are accounts: people do type their password
            // into the name field, and that must not end up in the log.
            let account = stored_users::by_username(&self.store, username)
                .await
                .ok()
                .flatten()
                .map(|u| u.username);
            tracing::warn!(account = ?account, addr = ?client.addr, "sign-in throttled");
            return Err(LoginProblem::Throttled);
        };
        // A storage failure is logged under the request id and answered `Rejected` (see
        // `crate::errors`).
        let user = if users::validate_username(username).is_ok() {
            stored_users::by_username(&self.store, username).await?
        } else {
            None
        };
        let hash = user.as_ref().filter(|u| !u.disabled).and_then(|u| u.password_hash.clone());
        // Always verify (a dummy hash for unknown names) so timing does not reveal accounts.
        let ok = password::verify(password, hash).await;
        let user = match user {
            Some(u) if ok => u,
            other => {
                drop(attempt);
                tracing::info!(account = ?other.map(|u| u.username), addr = ?client.addr, "sign-in refused");
                return Err(LoginProblem::Invalid);
            }
        };
        attempt.succeeded();
        let now = now_ms();
        sessions::purge_expired(&self.store, now, self.settings.session_idle, self.settings.session_max).await?;
        let address = client.addr.map(|a| a.to_string());
        let token = sessions::create(&self.store, user.id, now, user_agent, address.as_deref()).await?;
        stored_users::record_login(&self.store, user.id, now).await?;
        tracing::info!(username = %user.username, "signed in");
        Ok(token)
    }

    pub async fn logout(&self, headers: &HeaderMap) -> Result<(), StorageError> {
        if let Some(token) = cookie_value(headers, SESSION_COOKIE) {
            sessions::delete(&self.store, &token).await?;
            // After the delete: a lookup racing it either read the session before (and is
            // not remembered, see `recent`) or finds it gone.
            self.recent.forget(&sessions::token_hash(&token)).await;
            self.store.publish(&Notice::Sessions).await;
        }
        Ok(())
    }

    /// `Set-Cookie` for a new session. Max-Age is the absolute limit; the server enforces
    /// both limits regardless of what the browser keeps.
    pub fn session_cookie(&self, token: &str, secure: bool) -> String {
        let max_age = self.settings.session_max.as_secs();
        format!(
            "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{}",
            if secure { "; Secure" } else { "" }
        )
    }

    pub fn clear_cookie(secure: bool) -> String {
        format!(
            "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
            if secure { "; Secure" } else { "" }
        )
    }
}

/// Leptos context for one request: the admin service the admin server functions call, and
/// the signed-in users' form drafts.
pub fn provide_leptos_context(auth: &Arc<Auth>) {
    let admin: app::api::admin::SharedAdmin = auth.clone();
    leptos::prelude::provide_context(admin);
    let drafts: app::api::form_redirect::SharedDrafts = auth.drafts.clone();
    leptos::prelude::provide_context(drafts);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_among_others() {
        let mut h = HeaderMap::new();
        h.append(http::header::COOKIE, "i18n_pref_locale=en; salesdesk_session=abc".parse().unwrap());
        assert_eq!(cookie_value(&h, SESSION_COOKIE).as_deref(), Some("abc"));
        assert_eq!(cookie_value(&h, "other"), None);
    }
}
