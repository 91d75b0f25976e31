use leptos::prelude::*;
use leptos_meta::{Link, Meta, MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::{
    SsrMode, StaticSegment,
    components::{Route, Router, Routes},
    path,
};

use crate::components::layout::Layout;
use crate::components::raw_text::document_title;
use crate::i18n::*;
use crate::pages::admin::{audit::AdminAuditPage, users::AdminUsersPage};
use crate::pages::bulk::BulkJobPage;
use crate::pages::clues::{detail::CluePage, list::CluesPage};
use crate::pages::customers::{detail::CustomerPage, list::CustomersPage};
use crate::pages::login::LoginPage;
use crate::pages::{home::HomePage, not_found::NotFoundPage, vendors::VendorsPage};

/// The HTML document around the app; rendered on the server only. Islands mode: the pages
/// never run in the browser, only the `#[island]` components do.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    crate::csp::set_page_policy(&options);
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <AutoReload options=options.clone() />
                <HydrationScripts options islands=true />
                <MetaTags />
            </head>
            <body class="min-h-screen bg-slate-50 text-slate-900 antialiased">
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="leptos" href="/pkg/salesdesk.css" />
        <Link rel="icon" href="/favicon.svg" />
        <Meta name="robots" content="noindex" />
        // The one title formatter: leptos_meta writes the title raw, so it escapes here.
        <Title formatter=|page: String| document_title(&page) />
        <LocaleContext>
            <Router>
                <Layout>
                    // Async SSR: every read page arrives complete, so it works with JavaScript off.
                    <Routes fallback=|| view! { <NotFoundPage /> }>
                        <Route path=StaticSegment("") view=HomePage ssr=SsrMode::Async />
                        <Route path=StaticSegment("vendors") view=VendorsPage ssr=SsrMode::Async />
                        <Route path=path!("/customers") view=CustomersPage ssr=SsrMode::Async />
                        <Route path=path!("/customers/:key") view=CustomerPage ssr=SsrMode::Async />
                        <Route path=path!("/bulk/:id") view=BulkJobPage ssr=SsrMode::Async />
                        <Route path=path!("/clues") view=CluesPage ssr=SsrMode::Async />
                        <Route path=path!("/clues/:vendor/:id") view=CluePage ssr=SsrMode::Async />
                        <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/users") view=AdminUsersPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/audit") view=AdminAuditPage ssr=SsrMode::Async />
                    </Routes>
                </Layout>
            </Router>
        </LocaleContext>
    }
}

/// Provides the i18n context as `I18nContextProvider` does (locale from the cookie, else
/// `Accept-Language`; `<html lang dir>`), with leptos_i18n's effects paused.
///
/// Why: leptos_i18n keeps its locale cookie in step with an *isomorphic* effect, which on the
/// server is a task of its own on another worker. When a response stream ends or is dropped
/// (a client that hangs up) while that task runs, the page's owner is cleaned up under it and
/// it panics reading its disposed locale signal (`leptos_i18n` context.rs:213): contained by
/// `web::request_id`, but seen under a scanner's load. Pages render on the server only and
/// `/locale` sets the cookie itself, so the effect has nothing to do here. The context is made
/// under an owner paused *before* it starts, and the server's executor does not start tasks
/// spawned under a paused owner (`server/src/web/request_id.rs`); pausing afterwards left the
/// task a moment to start first.
#[component]
pub fn LocaleContext(children: Children) -> impl IntoView {
    use leptos::reactive::owner::Owner;
    use leptos_meta::Html;
    let owner = Owner::new();
    owner.pause();
    let i18n = owner.with(|| leptos_i18n::context::init_i18n_context_with_options::<Locale>(Default::default()));
    provide_context(i18n);
    // The locale's signals belong to `owner`: keep it as long as the page.
    on_cleanup(move || drop(owner));
    let locale = i18n.get_locale_untracked();
    view! {
        <Html attr:lang=locale.as_str() attr:dir=locale.direction().as_str() />
        {children()}
    }
}
