use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

use crate::api::auth::{LOGOUT_ACTION, SignedInUser, get_current_user};
use crate::api::get_shell_info;
use crate::codec::blocking_resource;
use crate::domain::Role;
use crate::i18n::*;

/// The frame of every page: header with navigation and language switch, the demo banner,
/// and the main column. Works at phone widths (nav wraps under the brand).
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    // Blocking: the banner is part of the first HTML, also for pages rendered out of order.
    let shell_info = blocking_resource(|| (), |_| get_shell_info());
    // Who is signed in decides the navigation (admin pages) and the user menu.
    let me = blocking_resource(|| (), |_| get_current_user());

    view! {
        <a href="#main" class="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:shadow">
            "跳到正文 / Skip to content"
        </a>
        <header class="border-b border-slate-200 bg-white">
            <div class="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
                <A href="/" attr:class="flex items-center gap-2 font-semibold text-slate-900">
                    <span class="grid h-8 w-8 place-items-center rounded-lg bg-brand-600 text-white" aria-hidden="true">"S"</span>
                    <span>{tu_string!(i18n, common.app_name)}</span>
                    <span class="hidden text-sm font-normal text-slate-500 sm:inline">{tu_string!(i18n, common.app_tagline)}</span>
                </A>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        me.await.ok().flatten().map(|user| {
                            let admin = user.role == Role::Admin;
                            view! {
                                <nav aria-label=tu_string!(i18n, common.nav_main) class="order-3 flex w-full gap-1 overflow-x-auto sm:order-none sm:w-auto">
                                    // `exact`: every path starts with `/`.
                                    <A href="/" exact=true attr:class=NAV_LINK>{tu_string!(i18n, today.nav)}</A>
                                    <NavLink href="/customers">{tu_string!(i18n, common.nav_customers)}</NavLink>
                                    <NavLink href="/clues">{tu_string!(i18n, common.nav_clues)}</NavLink>
                                    {admin.then(|| view! {
                                        <NavLink href="/vendors">{tu_string!(i18n, common.nav_vendors)}</NavLink>
                                        <NavLink href="/admin/users">{tu_string!(i18n, auth.nav_users)}</NavLink>
                                        <NavLink href="/admin/audit">{tu_string!(i18n, auth.nav_audit)}</NavLink>
                                    })}
                                </nav>
                            }
                        })
                    })}
                </Suspense>
                <div class="ml-auto flex items-center gap-3">
                    <LanguageSwitch />
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move { me.await.ok().flatten().map(|user| view! { <UserMenu user /> }) })}
                    </Suspense>
                </div>
            </div>
        </header>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let demo = shell_info.await.map(|info| info.demo).unwrap_or(false);
                demo.then(|| view! {
                    <div role="status" data-testid="demo-banner" class="border-b border-amber-200 bg-amber-50">
                        <p class="mx-auto max-w-6xl px-4 py-2 text-sm text-amber-900">{tu_string!(i18n, common.demo_banner)}</p>
                    </div>
                })
            })}
        </Suspense>
        <main id="main" class="mx-auto max-w-6xl px-4 py-6">{children()}</main>
    }
}

/// The signed-in user's name and role, and the sign-out button (a plain form post, so it
/// works with JavaScript off).
#[component]
fn UserMenu(user: SignedInUser) -> impl IntoView {
    let i18n = use_i18n();
    let role = match user.role {
        Role::Rep => tu_string!(i18n, auth.role_rep),
        Role::Manager => tu_string!(i18n, auth.role_manager),
        Role::Admin => tu_string!(i18n, auth.role_admin),
    };
    view! {
        <div class="flex items-center gap-2 text-sm" data-testid="user-menu" data-username=user.username.clone() data-role=user.role.slug()>
            <span class="hidden text-slate-700 sm:inline" title=tu_string!(i18n, auth.user_menu)>{user.display_name.clone()}</span>
            <span class="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600">{role}</span>
            <form method="post" action=LOGOUT_ACTION class="m-0">
                <button type="submit" data-testid="logout" class="rounded-md px-2 py-1 text-sm text-slate-600 hover:bg-slate-100 hover:text-slate-900 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500">
                    {tu_string!(i18n, auth.sign_out)}
                </button>
            </form>
        </div>
    }
}

const NAV_LINK: &str = "whitespace-nowrap rounded-md px-3 py-1.5 text-sm font-medium text-slate-600 hover:bg-slate-100 hover:text-slate-900 aria-[current=page]:bg-brand-50 aria-[current=page]:text-brand-700";

#[component]
fn NavLink(href: &'static str, children: Children) -> impl IntoView {
    view! {
        <A
            href=href
            attr:class=NAV_LINK
        >
            {children()}
        </A>
    }
}

/// `path` with `search` as its query. The router's `search` comes without the `?`
/// (`q=王`), which on its own would turn `/customers?q=王` into `/customersq=王`.
fn path_and_query(path: &str, search: &str) -> String {
    match search.trim_start_matches('?') {
        "" => path.to_string(),
        query => format!("{path}?{query}"),
    }
}

/// A plain GET form to `/locale`, so switching works without JavaScript; the server sets
/// the locale cookie and sends the reader back to the page they were on.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let back = move || path_and_query(&location.pathname.get(), &location.search.get());
    let target = match i18n.get_locale_untracked() {
        Locale::zh => "en",
        Locale::en => "zh",
    };
    view! {
        <form method="get" action="/locale" class="m-0">
            <input type="hidden" name="to" value=target />
            <input type="hidden" name="back" value=back />
            <button
                type="submit"
                data-testid="language-switch"
                title=tu_string!(i18n, common.switch_language_title)
                class="rounded-md border border-slate-300 px-2.5 py-1 text-sm text-slate-700 hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500"
            >
                {tu_string!(i18n, common.switch_language)}
            </button>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::path_and_query;

    #[test]
    fn the_language_switch_returns_to_the_same_query() {
        assert_eq!(path_and_query("/customers", "q=王&page=2"), "/customers?q=王&page=2");
        assert_eq!(path_and_query("/customers", "?q=王"), "/customers?q=王");
        assert_eq!(path_and_query("/", ""), "/");
    }
}
