//! The "reactive value … disposed" panics a scanner's load set off: leptos_i18n's provider
//! leaves an isomorphic effect that, on the server, is a task of its own on another worker;
//! when the page's owner is cleaned up while that task runs (a response that ended or was
//! dropped by a client hanging up), it reads its disposed locale signal and panics. The app's
//! `LocaleContext` makes the context under a paused owner, whose tasks the server's executor
//! does not start. This renders each provider many times on a multi-threaded runtime,
//! cleaning the page's owner up while its tasks run, and counts the panics: the library's
//! provider gave 24–43 in 3,000 renders here, `LocaleContext` must give none.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Once};

use app::LocaleContext;
use app::i18n::I18nContextProvider;
use leptos::prelude::*;
use leptos::reactive::owner::Owner;

static DISPOSED_PANICS: AtomicUsize = AtomicUsize::new(0);

/// Counts panics about disposed reactive values, and keeps them off the test's output.
fn count_disposed_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = Arc::new(std::panic::take_hook());
        std::panic::set_hook(Box::new(move |info| {
            let payload = info.payload();
            let message = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied())
                .unwrap_or("");
            if message.contains("disposed") {
                DISPOSED_PANICS.fetch_add(1, Ordering::SeqCst);
            } else {
                previous(info);
            }
        }));
    });
}

/// Renders `page` `times` times, each under a fresh owner with a locale cookie, cleaning the
/// owner up right after (as a finished or dropped response does) while its tasks run on the
/// other worker; the panics that caused.
async fn panics_while_cleaning_up(page: fn() -> AnyView, times: usize) -> usize {
    let before = DISPOSED_PANICS.load(Ordering::SeqCst);
    for i in 0..times {
        let owner = Owner::new();
        owner.with(|| {
            leptos_meta::provide_meta_context();
            let request = http::Request::get("/").header("cookie", "i18n_pref_locale=en").body(()).unwrap();
            provide_context(request.into_parts().0);
            let _ = page().to_html();
        });
        // Give the spawned tasks a moment to start on the other worker, varying the moment.
        for _ in 0..(i % 4) {
            tokio::task::yield_now().await;
        }
        owner.unset_with_forced_cleanup();
    }
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    DISPOSED_PANICS.load(Ordering::SeqCst) - before
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_locale_effect_runs_while_its_page_is_cleaned_up() {
    count_disposed_panics();
    // Leptos tasks run on tokio, each contained as in the server (web::request_id).
    salesdesk::web::request_id::install_executor();
    let library = panics_while_cleaning_up(|| view! { <I18nContextProvider>"页面"</I18nContextProvider> }.into_any(), 3_000).await;
    let ours = panics_while_cleaning_up(|| view! { <LocaleContext>"页面"</LocaleContext> }.into_any(), 3_000).await;
    eprintln!("disposed panics: library provider {library}, LocaleContext {ours}");
    assert_eq!(ours, 0, "LocaleContext left an effect that ran while its page was cleaned up");
}
