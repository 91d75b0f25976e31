//! Turns a server-function error into the right page: sign-in redirect (401), a 403 page, a
//! 404 page, or an explanation. Sets the HTTP status during server rendering.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_location;

use crate::components::error_panel::ErrorPanel;
use crate::error::AppError;
use crate::i18n::*;

#[cfg(feature = "ssr")]
fn set_status(code: u16) {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>()
        && let Ok(status) = http::StatusCode::from_u16(code)
    {
        response.set_status(status);
    }
}

#[cfg(not(feature = "ssr"))]
fn set_status(_code: u16) {}

/// A throttled vendor: tell clients when to come back.
#[cfg(feature = "ssr")]
fn set_retry_after(seconds: u32) {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>()
        && let Ok(value) = http::HeaderValue::from_str(&seconds.to_string())
    {
        response.insert_header(http::header::RETRY_AFTER, value);
    }
}

#[cfg(not(feature = "ssr"))]
fn set_retry_after(_seconds: u32) {}

#[component]
pub fn ErrorPage(
    error: AppError,
    #[prop(optional)] not_found: Option<(&'static str, &'static str)>,
    #[prop(optional)] forbidden: Option<(&'static str, &'static str)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    match error {
        AppError::Unauthenticated => {
            let here = format!("{}{}", location.pathname.get_untracked(), location.search.get_untracked());
            let next: String = form_urlencoded::byte_serialize(here.as_bytes()).collect();
            view! { <Redirect path=format!("/login?next={next}") /> }.into_any()
        }
        AppError::Forbidden => {
            set_status(403);
            let (title, body) =
                forbidden.unwrap_or_else(|| (tu_string!(i18n, common.forbidden_title), tu_string!(i18n, common.forbidden_body)));
            view! { <StatusCard code="403" title body testid="forbidden" /> }.into_any()
        }
        AppError::NotFound => {
            set_status(404);
            let (title, body) =
                not_found.unwrap_or_else(|| (tu_string!(i18n, common.not_found_title), tu_string!(i18n, common.not_found_body)));
            view! { <StatusCard code="404" title body testid="not-found" /> }.into_any()
        }
        other => {
            set_status(other.page_status());
            if other.throttled() {
                set_retry_after(crate::error::THROTTLED_RETRY_AFTER_SECS);
            }
            view! {
                <Title text=tu_string!(i18n, common.error_title) />
                <div class="mt-6"><ErrorPanel error=other /></div>
            }
            .into_any()
        }
    }
}

#[component]
fn StatusCard(code: &'static str, title: &'static str, body: &'static str, testid: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        // Every answer is a page with a title, also a refusal inside a page that set none.
        <Title text=title />
        <section data-testid=testid class="mx-auto mt-6 max-w-lg rounded-xl border border-slate-200 bg-white p-8 text-center shadow-sm">
            <p class="text-4xl font-semibold text-brand-600">{code}</p>
            <h1 class="mt-3 text-xl font-semibold">{title}</h1>
            <p class="mt-2 text-slate-600">{body}</p>
            <a href="/" class="mt-6 inline-block rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700">{tu_string!(i18n, common.back_home)}</a>
        </section>
    }
}
