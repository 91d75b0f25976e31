//! `GET /locale?to=en&back=/customers`: remembers the reader's language in the cookie
//! leptos_i18n reads, then returns them to where they were. A plain link/form, so it works
//! without JavaScript.

use app::api::auth::is_local_path;
use axum::extract::Query;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

/// The cookie leptos_i18n uses by default for the preferred locale.
pub const LOCALE_COOKIE: &str = "i18n_pref_locale";

#[derive(Deserialize)]
pub struct LocaleQuery {
    to: String,
    back: Option<String>,
}

pub async fn switch_locale(Query(q): Query<LocaleQuery>) -> Response {
    let locale = match q.to.as_str() {
        "zh" | "en" => q.to.as_str(),
        _ => return (StatusCode::BAD_REQUEST, "unknown locale: use zh or en").into_response(),
    };
    // Only same-site paths: an open redirect would let a phishing link borrow our domain.
    let back = q.back.as_deref().filter(|b| is_local_path(b)).unwrap_or("/");
    let cookie = format!("{LOCALE_COOKIE}={locale}; Path=/; Max-Age=31536000; SameSite=Lax");
    let (Ok(location), Ok(cookie)) = (HeaderValue::from_str(back), HeaderValue::from_str(&cookie)) else {
        return (StatusCode::BAD_REQUEST, "invalid return path").into_response();
    };
    (StatusCode::SEE_OTHER, [(header::LOCATION, location), (header::SET_COOKIE, cookie)]).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert!(is_local_path("/customers?q=%E7%8E%8B"));
        assert!(!is_local_path("//evil.example/"));
        assert!(!is_local_path("https://evil.example/"));
        assert!(!is_local_path("/\\evil"));
        assert!(!is_local_path("/a\r\nSet-Cookie: x=1"));
    }
}
